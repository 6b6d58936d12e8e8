//! The generated cases against real S3 implementations: each case's rules on a bucket of its own,
//! and a browser (Chromium, and Firefox against SeaweedFS) fetching from it, so the preflights
//! and answers are the store's own. The
//! browser's verdict must equal what `check` predicts for that store: SeaweedFS's profile in the
//! provider table (`check --provider seaweedfs`), and AWS's for LocalStack, whose preflights
//! follow AWS's.

use aws_sdk_s3::types::{CorsConfiguration, CorsRule as SdkRule};
use cors_sync_core::evaluate::s3::{evaluate, evaluate_on, Stored};
use cors_sync_core::evaluate::{Request, Response};
use cors_sync_core::provider::Provider;

use super::server::{listen, Server};
use super::{drive, generate, pages, Case, Engine, CASES};
use crate::providers::seaweedfs_client;
use crate::support::emulator::{localstack, seaweedfs};
use crate::support::s3::{client_as, runtime};

/// Each engine's run has buckets of its own: the runs go on at once against one store, and their
/// pages (so their rules' origins) are on ports of their own.
fn bucket_of(engine: Engine, case: &Case) -> String {
    format!(
        "browser-case-{}-{}",
        engine.name().to_ascii_lowercase(),
        case.id
    )
}

fn put_rules(engine: Engine, client: &aws_sdk_s3::Client, cases: &[Case]) {
    runtime().block_on(async {
        for case in cases {
            let bucket = bucket_of(engine, case);
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

/// Runs every generated case in `engine` against the store at `endpoint` (reached as `s3.test`),
/// and holds each verdict to `provider`'s profile; `not_judged` names a case the store answers
/// in a way the profile does not model, and why.
fn browser_against(
    engine: Engine,
    store: &str,
    endpoint: &str,
    client: &aws_sdk_s3::Client,
    provider: Provider,
    not_judged: &dyn Fn(&Case) -> Option<&'static str>,
) {
    let port = endpoint
        .rsplit(':')
        .next()
        .expect("the endpoint has a port");
    // The pages are served here; the fetches go to the store.
    let server = std::sync::Arc::new(std::sync::Mutex::new(Server::default()));
    let ports = (listen(&server), listen(&server));
    let cases = generate(ports);
    put_rules(engine, client, &cases);
    let url_of = |case: &Case| format!("http://s3.test:{port}/{}/probe", bucket_of(engine, case));
    let (version, outcomes) = drive(engine, pages(&cases, &url_of));
    let (mut allowed, mut blocked, mut unlike_aws) = (0, 0, 0);
    let mut skipped: Vec<&str> = Vec::new();
    let mut mismatches = Vec::new();
    for case in &cases {
        if let Some(why) = not_judged(case) {
            skipped.push(why);
            continue;
        }
        let cors = &case.cors;
        let on_store =
            |r: &Request| -> Response { evaluate_on(provider, Stored::Cors(cors), r).response };
        let on_aws = |r: &Request| -> Response { evaluate(Stored::Cors(cors), r).response };
        let predicted = case.predicted_verdict(engine, &on_store);
        unlike_aws += usize::from(predicted != case.predicted_verdict(engine, &on_aws));
        match outcomes.get(&case.id) {
            Some(&ok) => {
                if ok {
                    allowed += 1;
                } else {
                    blocked += 1;
                }
                if ok != predicted {
                    mismatches.push(format!(
                        "case {}: {} from {} headers {:?} credentials {} rules {:?}: {} {}, {provider} profile {}",
                        case.id,
                        case.page.method,
                        case.page.origin,
                        case.page.headers,
                        case.page.credentials,
                        case.cors.rules,
                        engine.name(),
                        if ok { "allowed" } else { "blocked" },
                        if predicted { "allowed" } else { "blocked" },
                    ));
                }
            }
            None => mismatches.push(format!(
                "case {}: {} reported nothing",
                case.id,
                engine.name()
            )),
        }
    }
    eprintln!(
        "{CASES} generated cases against {store} with {} {version}: {allowed} allowed, {blocked} blocked, {} not judged ({}); {unlike_aws} where AWS's verdict would differ; {} disagree with the {provider} profile",
        engine.name(),
        skipped.len(),
        skipped.first().copied().unwrap_or("none"),
        mismatches.len()
    );
    let judged = allowed + blocked;
    assert!(
        judged >= CASES / 2 && allowed >= judged / 10 && blocked >= judged / 10,
        "too few judged ({judged}), allowed ({allowed}) or blocked ({blocked}) to test anything"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {CASES} cases against {store} disagree with the {provider} profile:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn is_form_upload(case: &Case) -> bool {
    case.page.method.eq_ignore_ascii_case("POST")
        && case.page.headers.iter().any(|h| {
            h.name.eq_ignore_ascii_case("content-type")
                && h.value
                    .as_deref()
                    .is_some_and(|v| v.starts_with("multipart/form-data"))
        })
}

#[test]
fn chromium_against_seaweedfs_agrees_with_its_provider_profile() {
    seaweedfs_in(Engine::Chromium);
}

#[test]
fn firefox_against_seaweedfs_agrees_with_its_provider_profile() {
    seaweedfs_in(Engine::Firefox);
}

fn seaweedfs_in(engine: Engine) {
    let store = seaweedfs();
    browser_against(
        engine,
        "SeaweedFS",
        &store.endpoint,
        &seaweedfs_client(),
        Provider::Seaweedfs,
        // SeaweedFS answers a browser's form upload from its POST policy handler; the profile
        // models the CORS rules, not that handler's answers.
        &|case| is_form_upload(case).then_some("multipart form uploads"),
    );
}

#[test]
fn chromium_against_localstack_agrees_with_the_aws_profile() {
    let store = localstack();
    let client = client_as(
        &store.endpoint,
        aws_sdk_s3::config::Credentials::new("test", "test", None, None, "tests"),
        "us-east-1",
    );
    browser_against(
        Engine::Chromium,
        "LocalStack",
        &store.endpoint,
        &client,
        Provider::Aws,
        // LocalStack does not match partial header wildcards such as `x-amz-*`, which AWS
        // does: a case with one is LocalStack's departure, not AWS's behaviour.
        &|case| {
            case.cors
                .rules
                .iter()
                .any(|r| {
                    r.allowed_headers
                        .iter()
                        .any(|h| h != "*" && h.contains('*'))
                })
                .then_some("rules with a partial header wildcard, which LocalStack does not match")
        },
    );
}
