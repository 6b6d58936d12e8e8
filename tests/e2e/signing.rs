//! Signatures checked for real: moto with its IAM authentication on recomputes every request's
//! SigV4 signature (with botocore's signer) and refuses a mismatch. The other emulators accept any
//! signature, so this is where reads and writes are shown to be signed the way AWS verifies them.
//! Credentials also never leak: not without them (nothing is sent), not in `--debug` output.

use serde_json::json;

use crate::support::emulator::signature_checking;
use crate::support::fault_proxy::FaultProxy;
use crate::support::s3::{self, rule, signature_checked_bucket};
use crate::support::{cors_sync, emulator, CorsSync};

fn signed_cli(manifest: &str, secret_override: Option<&str>) -> CorsSync {
    let emulator = signature_checking();
    let (key, secret) = emulator
        .credentials
        .as_ref()
        .expect("the signature-checking emulator reports its credentials");
    cors_sync()
        .manifest(manifest)
        .endpoint(Some(&emulator.endpoint))
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret_override.unwrap_or(secret))
        .without_env("AWS_SESSION_TOKEN")
}

#[test]
fn reads_region_discovery_and_writes_pass_a_signature_checking_emulator() {
    signature_checked_bucket("signed-east", "us-east-1", &[rule(&["*"], &["GET"])]);
    signature_checked_bucket("signed-west", "eu-west-1", &[]);
    // No `region:`: each bucket's region is discovered with a signed HeadBucket first.
    let manifest = "version: 1\nbuckets:\n  - name: signed-east\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n  - name: signed-west\n    cors_rules:\n      - allowed_origins: [\"https://w.example\"]\n        allowed_methods: [PUT]\n";
    let cli = signed_cli(manifest, None);
    let plan = cli.run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--format",
        "json",
        "--detailed-exitcode",
    ]);
    plan.code(2);
    let document = plan.json();
    let changes: Vec<_> = document["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| json!([c["address"], c["action"], c["region"]]))
        .collect();
    assert_eq!(
        changes,
        vec![json!(["s3_bucket.signed-west", "create", "eu-west-1"])]
    );

    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    cli.assert_converged();
}

#[test]
fn a_wrong_secret_is_refused_and_reported_with_the_aws_error_code() {
    signature_checked_bucket("signed-refused", "us-east-1", &[]);
    let manifest =
        "version: 1\nbuckets:\n  - name: signed-refused\n    region: us-east-1\n    cors_rules: []\n";
    let run =
        signed_cli(manifest, Some("not-the-secret")).run_with(&["plan", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: s3_bucket.signed-refused: GetBucketCors failed: SignatureDoesNotMatch: "
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn no_credentials_is_a_clear_error_and_nothing_is_sent() {
    s3::create_bucket("no-credentials", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    let text = "version: 1\nbuckets:\n  - name: no-credentials\n    region: us-east-1\n    cors_rules: []\n";
    let run = cors_sync()
        .manifest(text)
        .endpoint(Some(&proxy.endpoint))
        .without_env("AWS_ACCESS_KEY_ID")
        .without_env("AWS_SECRET_ACCESS_KEY")
        .without_env("AWS_SESSION_TOKEN")
        .run_with(&["plan", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: s3_bucket.no-credentials: GetBucketCors failed: could not load credentials: "
        ) && run.stderr.contains("no credentials found in chain"),
        "{}",
        run.stderr
    );
    assert_eq!(
        proxy.requests_matching("/no-credentials/"),
        0,
        "an unsigned request was sent"
    );
}

#[test]
fn debug_output_shows_sdk_activity_but_no_credentials_or_signatures() {
    s3::create_bucket("debug-bucket", "us-east-1");
    let text = "version: 1\nbuckets:\n  - name: debug-bucket\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n";
    let run = cors_sync().manifest(text).run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--debug",
    ]);
    run.code(0);
    assert!(
        run.stderr.contains("DEBUG"),
        "--debug logs: {}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    // The harness already fails any run whose output holds the secret key or session token.
    for signed in ["Signature=", "authorization:", "x-amz-security-token"] {
        assert!(
            !run.stderr.to_lowercase().contains(&signed.to_lowercase()),
            "{signed} in debug output"
        );
    }
}
