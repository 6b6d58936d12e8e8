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
fn no_credentials_says_what_was_tried_and_what_to_set_on_lines_of_their_own() {
    s3::create_bucket("no-credentials-a", "us-east-1");
    s3::create_bucket("no-credentials-b", "us-east-1");
    let text = "version: 1\nbuckets:\n  - name: no-credentials-a\n    region: us-east-1\n    cors_rules: []\n  - name: no-credentials-b\n    region: us-east-1\n    cors_rules: []\n";
    let run = cors_sync()
        .manifest(text)
        .without_env("AWS_ACCESS_KEY_ID")
        .without_env("AWS_SECRET_ACCESS_KEY")
        .without_env("AWS_SESSION_TOKEN")
        .run_with(&["plan", "-f", "manifest.yaml"]);
    run.code(1);
    let stderr = &run.stderr;
    assert!(!stderr.contains("\\n"), "a literal \\n in:\n{stderr}");
    // Once, however many calls failed for want of credentials.
    assert_eq!(
        stderr
            .matches("\nNo AWS credentials were found. Tried, in order:\n  Environment: ")
            .count(),
        1,
        "{stderr}"
    );
    for line in [
        "\nGive cors-sync credentials in one of these ways:\n",
        "\n  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)\n",
        "\n  --profile NAME or AWS_PROFILE=NAME: a profile in ~/.aws/config or ~/.aws/credentials\n",
    ] {
        assert!(stderr.contains(line), "{line:?} missing from:\n{stderr}");
    }
    assert!(
        stderr.lines().any(|l| l.starts_with("  Profile: ")),
        "{stderr}"
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

const ONE_BUCKET: &str = "version: 1\nbuckets:\n  - name: profile-bucket\n    cors_rules: []\n";

#[test]
fn a_profile_named_on_the_command_line_wins_over_keys_in_the_environment() {
    s3::create_bucket("profile-bucket", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    let cli = cors_sync()
        .manifest(ONE_BUCKET)
        .endpoint(Some(&proxy.endpoint))
        .file(
            "profiles",
            "[profile chosen]\naws_access_key_id = AKIAPROFILECHOSEN001\naws_secret_access_key = profile-secret\nregion = us-east-1\n",
        );
    let config = cli.path("profiles").display().to_string();
    let run = cli.env("AWS_CONFIG_FILE", &config).run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--profile",
        "chosen",
    ]);
    run.code(0);
    let heads = proxy.heads_matching("GET /profile-bucket/?cors");
    assert!(!heads.is_empty());
    for head in heads {
        assert!(
            head.contains("Credential=AKIAPROFILECHOSEN001/"),
            "signed with the environment's keys, not the profile's:\n{head}"
        );
    }
}

#[test]
fn debug_output_shows_no_access_key_id_and_no_endpoint_userinfo() {
    s3::create_bucket("debug-key", "us-east-1");
    let text = "version: 1\nbuckets:\n  - name: debug-key\n    cors_rules: []\n";
    let endpoint = emulator()
        .endpoint
        .replace("http://", "http://someone:hunter2-password@");
    let run = cors_sync()
        .manifest(text)
        .endpoint(Some(&endpoint))
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .run_with(&["plan", "-f", "manifest.yaml", "--debug"]);
    for secret in ["AKIAIOSFODNN7EXA", "hunter2-password", "someone:"] {
        assert!(
            !run.stderr.contains(secret) && !run.stdout.contains(secret),
            "{secret} in output: {}",
            &run.stderr[..run.stderr.len().min(3000)]
        );
    }
}

#[test]
fn an_unreachable_endpoint_with_userinfo_is_named_without_it() {
    let run = cors_sync()
        .manifest(ONE_BUCKET)
        .endpoint(Some("http://someone:hunter2-password@127.0.0.1:1"))
        .run_with(&["plan", "-f", "manifest.yaml", "--max-attempts", "1"]);
    run.code(1);
    assert!(!run.stderr.contains("hunter2-password"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no answer from http://127.0.0.1:1"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_error_through_a_configured_proxy_names_the_proxy() {
    let run = cors_sync()
        .manifest(ONE_BUCKET)
        .env("HTTP_PROXY", "http://proxy-user:proxy-secret@127.0.0.1:1")
        .run_with(&["plan", "-f", "manifest.yaml", "--max-attempts", "1"]);
    run.code(1);
    assert!(!run.stderr.contains("proxy-secret"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("through the proxy http://127.0.0.1:1 (HTTP_PROXY)"),
        "{}",
        run.stderr
    );
}
