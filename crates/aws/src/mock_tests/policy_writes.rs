use super::*;

#[tokio::test]
async fn policies_are_written_first_and_a_created_policy_id_reaches_the_behaviors() {
    let create = mock!(Client::create_origin_request_policy).then_compute_output(|input| {
        let config = input.origin_request_policy_config().unwrap();
        assert_eq!(config.name, "cors-s3-forward");
        let headers = config.headers_config.as_ref().unwrap();
        assert_eq!(headers.header_behavior.as_str(), "whitelist");
        assert_eq!(
            headers.headers.as_ref().unwrap().items.as_ref().unwrap(),
            &["Origin".to_string()]
        );
        CreateOriginRequestPolicyOutput::builder()
            .origin_request_policy(
                OriginRequestPolicy::builder()
                    .id("new-orp-id")
                    .last_modified_time(DateTime::from_secs(0))
                    .build()
                    .unwrap(),
            )
            .e_tag("E")
            .build()
    });
    let rhp_config = || {
        ResponseHeadersPolicyConfig::builder()
            .name("fonts-cors")
            .comment("has security headers too")
            .build()
            .unwrap()
    };
    let get_rhp = mock!(Client::get_response_headers_policy_config).then_output(move || {
        GetResponseHeadersPolicyConfigOutput::builder()
            .response_headers_policy_config(rhp_config())
            .e_tag("RHP-ETAG")
            .build()
    });
    let update_rhp = mock!(Client::update_response_headers_policy).then_compute_output(|input| {
        assert_eq!(input.if_match(), Some("RHP-ETAG"));
        assert_eq!(input.id(), Some("rhp-id"));
        let config = input.response_headers_policy_config().unwrap();
        assert_eq!(
            config.comment.as_deref(),
            Some("has security headers too"),
            "the rest of the policy is kept"
        );
        let cors = config.cors_config.as_ref().unwrap();
        assert_eq!(
            cors.access_control_allow_origins.as_ref().unwrap().items,
            ["https://www.example.com"]
        );
        assert!(cors.origin_override);
        UpdateResponseHeadersPolicyOutput::builder()
            .e_tag("E2")
            .build()
    });
    let sent: Captured<DistributionConfig> = Arc::default();
    let captured = sent.clone();
    let get_config = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_compute_output(move |input| {
        *captured.lock().unwrap() = input.distribution_config().cloned();
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });

    let changes = [
        create_cors_s3_forward(),
        Change::ResponseHeadersPolicy {
            name: "fonts-cors".into(),
            live: Some(LivePolicy {
                id: "rhp-id".into(),
                before: None,
            }),
            after: www_gets(),
        },
        default_behavior_onto_new_policy(),
    ];
    let refs: Vec<&Change> = changes.iter().collect();
    let cf = client(&[&create, &get_rhp, &update_rhp, &get_config, &update]);
    let results = apply_cloudfront_changes(&cf, &refs, Duration::ZERO, &safeguards()).await;
    let outcomes: Vec<_> = results.into_iter().map(|r| r.outcome.unwrap()).collect();
    assert_eq!(
        outcomes,
        [
            Applied::Written,
            Applied::Written,
            Applied::Distribution {
                status: "InProgress".into()
            }
        ]
    );
    let sent = sent.lock().unwrap().clone().unwrap();
    assert_eq!(
        sent.default_cache_behavior
            .unwrap()
            .origin_request_policy_id
            .as_deref(),
        Some("new-orp-id")
    );
}

#[tokio::test]
async fn a_policy_that_failed_to_create_stops_only_the_behaviors_that_use_it() {
    let create = mock!(Client::create_origin_request_policy).then_http_response(|| {
        error_response(400, "TooManyOriginRequestPolicies", "quota reached")
    });
    let update = mock!(Client::update_distribution).then_output(|| {
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let get_config = get_config_rule(&["Origin"]);
    let changes = [create_cors_s3_forward(), default_behavior_onto_new_policy()];
    let refs: Vec<&Change> = changes.iter().collect();
    let results = apply_cloudfront_changes(
        &client(&[&create, &get_config, &update]),
        &refs,
        Duration::ZERO,
        &safeguards(),
    )
    .await;
    let errors: Vec<String> = results
        .iter()
        .map(|r| r.outcome.as_ref().unwrap_err().to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "origin_request_policy.cors-s3-forward: CreateOriginRequestPolicy failed: TooManyOriginRequestPolicies: quota reached",
            "cloudfront_distribution.EDIST: UpdateDistribution failed: policy `cors-s3-forward` was not created, so the behaviors that use it were not changed",
        ]
    );
    assert_eq!(update.num_calls(), 0);
}

/// The outcome of creating `cors-s3-forward` when CloudFront answers with `answers` in turn.
async fn create_answered(answers: &[(u16, &'static str)]) -> crate::Error {
    let create = answers
        .iter()
        .fold(
            mock!(Client::create_origin_request_policy).sequence(),
            |sequence, &(status, code)| {
                sequence.http_response(move || error_response(status, code, "as the test says"))
            },
        )
        .build();
    let changes = [create_cors_s3_forward()];
    let refs: Vec<&Change> = changes.iter().collect();
    let mut results =
        apply_cloudfront_changes(&client(&[&create]), &refs, Duration::ZERO, &safeguards()).await;
    assert_eq!(create.num_calls(), answers.len());
    results.remove(0).outcome.unwrap_err()
}

#[tokio::test]
async fn a_create_retried_after_a_lost_answer_and_told_it_exists_may_have_been_written() {
    let error = create_answered(&[
        (503, "ServiceUnavailable"),
        (409, "OriginRequestPolicyAlreadyExists"),
    ])
    .await;
    assert!(matches!(error, crate::Error::Unanswered(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "origin_request_policy.cors-s3-forward: CreateOriginRequestPolicy failed: OriginRequestPolicyAlreadyExists: as the test says (on attempt 2: an earlier attempt whose answer was lost may have created it); it may or may not have been written. Run plan to see"
    );
}

#[tokio::test]
async fn a_create_told_it_exists_on_its_first_attempt_failed() {
    let error = create_answered(&[(409, "OriginRequestPolicyAlreadyExists")]).await;
    assert!(matches!(error, crate::Error::Call(_)), "{error:?}");
}

#[tokio::test]
async fn a_policy_that_moved_since_the_plan_is_not_written() {
    use crate::cloudfront::policies::{update, ResponseHeaders};

    // The policy sets no CORS headers now; the plan was made when it did.
    let get = mock!(Client::get_response_headers_policy_config).then_output(|| {
        GetResponseHeadersPolicyConfigOutput::builder()
            .response_headers_policy_config(
                ResponseHeadersPolicyConfig::builder()
                    .name("fonts-cors")
                    .build()
                    .unwrap(),
            )
            .e_tag("RHP-ETAG")
            .build()
    });
    let write = mock!(Client::update_response_headers_policy)
        .then_output(|| UpdateResponseHeadersPolicyOutput::builder().build());
    let cors = www_gets();
    let error = update::<ResponseHeaders>(
        &client(&[&get, &write]),
        "fonts-cors",
        "rhp-id",
        &Some(cors.clone()),
        &cors,
    )
    .await
    .unwrap_err();
    let crate::Error::Call(error) = error else {
        panic!("a refusal, not {error:?}")
    };
    assert_eq!(error.resource, "response_headers_policy.fonts-cors");
    assert_eq!(error.operation, "UpdateResponseHeadersPolicy");
    assert!(
        error.message.contains("changed since the plan was made"),
        "{error}"
    );
    assert_eq!(write.num_calls(), 0);
}

#[tokio::test]
async fn a_policy_read_without_an_etag_is_not_written_unconditionally() {
    use crate::cloudfront::policies::{update, ResponseHeaders, Written};

    // The policy is as the plan saw it; only the ETag is missing from the answer.
    let cors = www_gets();
    let unchanged = cors.clone();
    let get = mock!(Client::get_response_headers_policy_config).then_output(move || {
        GetResponseHeadersPolicyConfigOutput::builder()
            .response_headers_policy_config(
                ResponseHeaders::new_config("fonts-cors", &unchanged).unwrap(),
            )
            .build()
    });
    let write = mock!(Client::update_response_headers_policy)
        .then_output(|| UpdateResponseHeadersPolicyOutput::builder().build());
    let error = update::<ResponseHeaders>(
        &client(&[&get, &write]),
        "fonts-cors",
        "rhp-id",
        &Some(cors.clone()),
        &cors,
    )
    .await
    .unwrap_err();
    let crate::Error::Call(error) = error else {
        panic!("a refusal, not {error:?}")
    };
    assert_eq!(error.operation, "UpdateResponseHeadersPolicy");
    assert_eq!(error.message, "CloudFront returned no ETag");
    assert_eq!(write.num_calls(), 0, "no update without If-Match");
}

/// A policy allowing GET from https://www.example.com, its origin override on.
fn www_gets() -> CorsPolicy {
    CorsPolicy {
        allow_origins: vec!["https://www.example.com".into()],
        allow_methods: vec!["GET".into()],
        allow_headers: vec![],
        expose_headers: vec![],
        allow_credentials: false,
        max_age_seconds: None,
        origin_override: true,
    }
}
