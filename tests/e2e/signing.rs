//! Signatures checked for real: moto with its IAM authentication on recomputes every request's
//! SigV4 signature (with botocore's signer) and refuses a mismatch. The other emulators accept any
//! signature, so this is where the direct S3 reads, signed outside the SDK's pipeline, and the
//! SDK's writes are shown to be signed the way AWS verifies them.

use serde_json::json;

use crate::support::emulator::signature_checking;
use crate::support::s3::{rule, signature_checked_bucket};
use crate::support::{cors_sync, CorsSync};

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
