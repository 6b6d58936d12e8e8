//! The generated cases against SeaweedFS itself: each case's rules on a bucket of its own, and
//! Chromium fetching from it, so the preflights and answers are a real S3 implementation's. The
//! browser's verdict must equal what `check --provider seaweedfs` predicts (the store's profile in
//! the provider table), whatever AWS would have answered.

use aws_sdk_s3::types::{CorsConfiguration, CorsRule as SdkRule};
use cors_sync_core::evaluate::s3::{evaluate, evaluate_on, Bucket};
use cors_sync_core::evaluate::{Request, Response};
use cors_sync_core::provider::Provider;

use super::server::{listen, Server};
use super::{drive, generate, pages, Case, CASES};
use crate::providers::seaweedfs_client;
use crate::support::emulator::seaweedfs;
use crate::support::s3::runtime;

fn bucket_of(case: &Case) -> String {
    format!("browser-case-{}", case.id)
}

fn put_rules(cases: &[Case]) {
    let client = seaweedfs_client();
    runtime().block_on(async {
        for case in cases {
            let bucket = bucket_of(case);
            // A bucket left by an earlier run of this test is reused.
            let _ = client.create_bucket().bucket(&bucket).send().await;
            let rules: Vec<SdkRule> = case
                .cors
                .rules
                .iter()
                .map(|r| {
                    SdkRule::builder()
                        .set_allowed_origins(Some(r.allowed_origins.clone()))
                        .set_allowed_methods(Some(r.allowed_methods.clone()))
                        .set_allowed_headers(Some(r.allowed_headers.clone()))
                        .build()
                        .expect("a rule")
                })
                .collect();
            client
                .put_bucket_cors()
                .bucket(&bucket)
                .cors_configuration(
                    CorsConfiguration::builder()
                        .set_cors_rules(Some(rules))
                        .build()
                        .expect("a configuration"),
                )
                .send()
                .await
                .unwrap_or_else(|e| panic!("put cors on {bucket}: {e:?}"));
        }
    });
}

#[test]
fn chromium_against_seaweedfs_agrees_with_its_provider_profile() {
    let store = seaweedfs();
    let port = store
        .endpoint
        .rsplit(':')
        .next()
        .expect("the endpoint has a port");
    // The pages are served here; the fetches go to SeaweedFS.
    let server = std::sync::Arc::new(std::sync::Mutex::new(Server::default()));
    let ports = (listen(&server), listen(&server));
    let cases = generate(ports);
    put_rules(&cases);
    let url_of = |case: &Case| format!("http://s3.test:{port}/{}/probe", bucket_of(case));
    let (version, outcomes) = drive(pages(&cases, &url_of));
    let (mut allowed, mut blocked, mut unlike_aws, mut form_uploads) = (0, 0, 0, 0);
    let mut mismatches = Vec::new();
    for case in &cases {
        // A multipart POST is a browser form upload, which SeaweedFS answers from its POST
        // policy handler; the profile models the CORS rules, not that handler's answers.
        let form_upload = case.page.method.eq_ignore_ascii_case("POST")
            && case.page.headers.iter().any(|h| {
                h.name.eq_ignore_ascii_case("content-type")
                    && h.value
                        .as_deref()
                        .is_some_and(|v| v.starts_with("multipart/form-data"))
            });
        if form_upload {
            form_uploads += 1;
            continue;
        }
        let cors = &case.cors;
        let on_store = |r: &Request| -> Response {
            evaluate_on(Provider::Seaweedfs, Bucket::Cors(cors), r).response
        };
        let on_aws = |r: &Request| -> Response { evaluate(Bucket::Cors(cors), r).response };
        let predicted = case.predicted_verdict(&on_store);
        unlike_aws += usize::from(predicted != case.predicted_verdict(&on_aws));
        match outcomes.get(&case.id) {
            Some(&ok) => {
                if ok {
                    allowed += 1;
                } else {
                    blocked += 1;
                }
                if ok != predicted {
                    mismatches.push(format!(
                        "case {}: {} from {} headers {:?} credentials {} rules {:?}: chromium {}, seaweedfs profile {}",
                        case.id,
                        case.page.method,
                        case.page.origin,
                        case.page.headers,
                        case.page.credentials,
                        case.cors.rules,
                        if ok { "allowed" } else { "blocked" },
                        if predicted { "allowed" } else { "blocked" },
                    ));
                }
            }
            None => mismatches.push(format!("case {}: chromium reported nothing", case.id)),
        }
    }
    eprintln!(
        "{CASES} generated cases against SeaweedFS with Chromium {version}: {allowed} allowed, {blocked} blocked, {form_uploads} form uploads not judged; {unlike_aws} where AWS's verdict would differ; {} disagree with the profile",
        mismatches.len()
    );
    assert!(
        allowed >= CASES / 10 && blocked >= CASES / 10,
        "too few allowed ({allowed}) or blocked ({blocked}) to test anything"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {CASES} cases disagree with SeaweedFS's profile:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
