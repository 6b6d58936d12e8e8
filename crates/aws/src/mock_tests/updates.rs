use super::*;

#[tokio::test]
async fn an_update_sends_the_whole_config_back_with_if_match_changing_only_the_whitelist() {
    let sent: Captured<(Option<String>, DistributionConfig)> = Arc::default();
    let captured = sent.clone();
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_compute_output(move |input| {
        *captured.lock().unwrap() = Some((
            input.if_match().map(str::to_string),
            input.distribution_config().cloned().unwrap(),
        ));
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let status = update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap();
    assert_eq!(status, "InProgress");

    let (if_match, sent_config) = sent.lock().unwrap().clone().unwrap();
    assert_eq!(if_match.as_deref(), Some("ETAG-1"));
    let mut expected = config(&["Origin"]);
    let fv = expected
        .default_cache_behavior
        .as_mut()
        .unwrap()
        .forwarded_values
        .as_mut()
        .unwrap();
    fv.headers = Some(
        Headers::builder()
            .quantity(2)
            .items("Origin")
            .items("Access-Control-Request-Method")
            .build()
            .unwrap(),
    );
    assert_eq!(
        sent_config, expected,
        "only the whitelist may differ from what was read"
    );
}

#[tokio::test]
async fn moving_to_a_cache_policy_removes_forwarded_values_and_legacy_ttls_in_the_same_update() {
    let sent: Captured<DistributionConfig> = Arc::default();
    let captured = sent.clone();
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_compute_output(move |input| {
        *captured.lock().unwrap() = input.distribution_config().cloned();
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let mut after = legacy(&[]);
    after.forward_headers = None;
    after.cache_policy = Some(PolicyRef::by_id("658327ea-f89d-4fab-a63d-7e88639e58f6"));
    after.origin_request_policy = Some(PolicyRef::by_id("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"));
    let change = BehaviorChange {
        path: BehaviorPath::Default,
        before: legacy(&["Origin"]),
        after,
        migration: Some(Migration::ToCachePolicy),
        removed_legacy: None,
        restore_legacy: None,
    };
    update_behaviors(&client(&[&get, &update]), "EDIST", &[change], &no_policy)
        .await
        .unwrap();
    let sent = sent.lock().unwrap().clone().unwrap();
    let default = sent.default_cache_behavior.unwrap();
    assert_eq!(default.forwarded_values, None);
    assert_eq!(
        (default.min_ttl, default.default_ttl, default.max_ttl),
        (None, None, None)
    );
    assert_eq!(
        default.cache_policy_id.as_deref(),
        Some("658327ea-f89d-4fab-a63d-7e88639e58f6")
    );
    assert_eq!(
        default.origin_request_policy_id.as_deref(),
        Some("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf")
    );
    assert_eq!(
        default.allowed_methods,
        Some(allowed(&["GET", "HEAD"])),
        "methods were not planned to change"
    );
}

#[tokio::test]
async fn a_concurrent_edit_is_precondition_failed_and_is_not_retried_over() {
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution).then_http_response(|| {
        error_response(
            412,
            "PreconditionFailed",
            "The request failed because it didn't meet the preconditions",
        )
    });
    let error = update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap_err();
    let crate::Error::Call(error) = error else {
        panic!("a refusal, not {error:?}")
    };
    assert_eq!(error.code, Some(ErrorCode::PreconditionFailed));
    assert_eq!(error.operation, "UpdateDistribution");
    assert_eq!(error.resource, "cloudfront_distribution.EDIST");
    assert!(
        error.message.contains("changed since it was read"),
        "{error}"
    );
    assert_eq!(
        update.num_calls(),
        1,
        "nothing is retried blindly over someone else's edit"
    );
}

#[tokio::test]
async fn a_behavior_that_moved_since_the_plan_is_not_written() {
    let get = get_config_rule(&["Origin", "Authorization"]);
    let update = mock!(Client::update_distribution).then_output(|| {
        UpdateDistributionOutput::builder()
            .distribution(distribution("InProgress"))
            .build()
    });
    let error = update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap_err();
    let crate::Error::Call(error) = error else {
        panic!("a refusal, not {error:?}")
    };
    assert!(
        error.message.contains("changed since the plan was made"),
        "{error}"
    );
    assert_eq!(update.num_calls(), 0);
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_then_succeeds() {
    let get = get_config_rule(&["Origin"]);
    let update = mock!(Client::update_distribution)
        .sequence()
        .http_response(|| error_response(400, "Throttling", "Rate exceeded"))
        .output(|| {
            UpdateDistributionOutput::builder()
                .distribution(distribution("InProgress"))
                .build()
        })
        .build();
    update_behaviors(
        &client(&[&get, &update]),
        "EDIST",
        &[whitelist_change()],
        &no_policy,
    )
    .await
    .unwrap();
    assert_eq!(update.num_calls(), 2);
}

#[tokio::test]
async fn a_missing_distribution_names_the_aws_error() {
    let get = mock!(Client::get_distribution_config).then_http_response(|| {
        error_response(
            404,
            "NoSuchDistribution",
            "The specified distribution does not exist.",
        )
    });
    let error = update_behaviors(&client(&[&get]), "EDIST", &[whitelist_change()], &no_policy)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "cloudfront_distribution.EDIST: GetDistributionConfig failed: NoSuchDistribution: The specified distribution does not exist.");
}

#[test]
fn an_update_that_would_change_anything_unplanned_is_refused_before_it_is_sent() {
    use crate::cloudfront::distributions::{only_planned_fields_differ, Unplanned};
    let read = config(&["Origin"]);
    let planned = [whitelist_change()];
    let mut whitelist = read.clone();
    if let Some(fv) = whitelist
        .default_cache_behavior
        .as_mut()
        .and_then(|b| b.forwarded_values.as_mut())
    {
        fv.headers = Some(Headers::builder().quantity(0).build().unwrap());
    }
    assert_eq!(
        only_planned_fields_differ(&read, &whitelist, &planned),
        Ok(())
    );

    let mut comment = whitelist.clone();
    comment.comment = String::new();
    assert_eq!(
        only_planned_fields_differ(&read, &comment, &planned),
        Err(Unplanned::OutsideBehaviors)
    );
    let mut query_string = whitelist.clone();
    if let Some(fv) = query_string
        .default_cache_behavior
        .as_mut()
        .and_then(|b| b.forwarded_values.as_mut())
    {
        fv.query_string = false;
    }
    assert_eq!(
        only_planned_fields_differ(&read, &query_string, &planned),
        Err(Unplanned::DefaultBehavior),
        "query strings are not what a whitelist change manages"
    );
    let mut ttl = whitelist;
    if let Some(b) = ttl.default_cache_behavior.as_mut() {
        b.max_ttl = Some(1);
    }
    assert_eq!(
        only_planned_fields_differ(&read, &ttl, &planned),
        Err(Unplanned::DefaultBehavior)
    );
}

/// A journal that keeps what it was told, for the test to inspect.
#[derive(Default)]
struct KeptJournal {
    recorded: Mutex<Vec<Change>>,
    not_written: Mutex<Vec<u64>>,
}

impl crate::apply::Journal for KeptJournal {
    fn record<'a>(
        &'a self,
        change: &'a Change,
    ) -> futures::future::BoxFuture<'a, std::io::Result<u64>> {
        let mut recorded = self.recorded.lock().unwrap();
        recorded.push(change.clone());
        Box::pin(std::future::ready(Ok(recorded.len() as u64)))
    }

    fn not_written(&self, entry: u64) -> std::io::Result<()> {
        self.not_written.lock().unwrap().push(entry);
        Ok(())
    }
}

/// A journal whose flush a Ctrl-C interrupts: the run is cancelled while the entry is recorded.
struct InterruptedWhileFlushing {
    kept: KeptJournal,
    cancel: CancellationToken,
}

impl crate::apply::Journal for InterruptedWhileFlushing {
    fn record<'a>(
        &'a self,
        change: &'a Change,
    ) -> futures::future::BoxFuture<'a, std::io::Result<u64>> {
        self.cancel.cancel();
        self.kept.record(change)
    }

    fn not_written(&self, entry: u64) -> std::io::Result<()> {
        self.kept.not_written(entry)
    }
}

#[tokio::test]
async fn a_ctrl_c_while_the_backup_is_flushed_sends_nothing_and_marks_the_entry_not_written() {
    let get = get_config_rule(&["origin"]);
    let update = mock!(Client::update_distribution)
        .then_output(|| UpdateDistributionOutput::builder().build());
    let change = Change::Distribution {
        id: "EDIST".into(),
        behaviors: vec![whitelist_change()],
    };
    let cancel = CancellationToken::new();
    let journal = InterruptedWhileFlushing {
        kept: KeptJournal::default(),
        cancel: cancel.clone(),
    };
    let safeguards = Safeguards {
        journal: &journal,
        cancel,
        progress: &|| {},
    };
    let results = apply_cloudfront_changes(
        &client(&[&get, &update]),
        &[&change],
        Duration::ZERO,
        &safeguards,
    )
    .await;
    assert!(
        matches!(
            &results[0].outcome,
            Err(crate::Error::NotSent {
                reason: crate::NotSent::Interrupted,
                ..
            })
        ),
        "not sent, not in flight: {:?}",
        results[0].outcome.as_ref().err()
    );
    assert_eq!(update.num_calls(), 0, "the update was never sent");
    assert_eq!(journal.kept.recorded.lock().unwrap().len(), 1);
    assert_eq!(*journal.kept.not_written.lock().unwrap(), [1]);
}

/// Applies the whitelist change with UpdateDistribution answered `status`/`code`; returns what the
/// journal was told.
async fn journalled_when_update_answers(status: u16, code: &'static str) -> KeptJournal {
    let journal = KeptJournal::default();
    // What is live differs from the plan's `before` only in header case: still as planned, and
    // what the journal records is what was read.
    let get = get_config_rule(&["origin"]);
    let update = mock!(Client::update_distribution)
        .then_http_response(move || error_response(status, code, "as the test says"));
    let change = Change::Distribution {
        id: "EDIST".into(),
        behaviors: vec![whitelist_change()],
    };
    let safeguards = Safeguards {
        journal: &journal,
        cancel: CancellationToken::new(),
        progress: &|| {},
    };
    let results = apply_cloudfront_changes(
        &client(&[&get, &update]),
        &[&change],
        Duration::ZERO,
        &safeguards,
    )
    .await;
    assert!(results[0].outcome.is_err());
    journal
}

#[tokio::test]
async fn an_update_refused_is_marked_not_written_and_one_unanswered_stands() {
    let refused = journalled_when_update_answers(412, "PreconditionFailed").await;
    let recorded = refused.recorded.lock().unwrap().clone();
    let Change::Distribution { behaviors, .. } = &recorded[0] else {
        panic!("{recorded:?}")
    };
    assert_eq!(
        behaviors[0].before.forward_headers,
        Some(vec!["origin".to_string()]),
        "the journal holds the state read just before the write, not the plan's"
    );
    assert_eq!(*refused.not_written.lock().unwrap(), [1]);

    let server_error = journalled_when_update_answers(500, "InternalError").await;
    assert_eq!(server_error.recorded.lock().unwrap().len(), 1);
    assert!(
        server_error.not_written.lock().unwrap().is_empty(),
        "a server error does not say the update was not made"
    );
}
