//! The command line itself: a bad manifest touches nothing, connection flags go anywhere, usage
//! errors exit 1, an unreachable endpoint is named, and the example manifests converge.

use crate::s3_plan_apply::MIXED_MANIFEST;
use crate::support::s3::{self, rule};
use crate::support::{assert_run, cors_sync, emulator};

#[test]
fn a_bad_manifest_touches_nothing() {
    s3::create_bucket("bad-manifest", "us-east-1");
    s3::put_cors("bad-manifest", &[rule(&["*"], &["GET"])]);
    let manifest = r#"
version: 1
buckets:
  - name: bad-manifest
    cors_rules:
      - allowed_origins: ["https://ok.example"]
        allowed_methods: [get]
"#;
    for command in [
        vec!["plan"],
        vec!["apply", "--auto-approve"],
        vec!["validate"],
    ] {
        let run = cors_sync()
            .manifest(manifest)
            .args(command.clone())
            .args(["-f", "manifest.yaml"])
            .run();
        run.code(1);
        assert_eq!(run.stdout, "", "{command:?}");
        insta::allow_duplicates! {
            assert_run!(run, @"
            exit code: 1
            ----- stdout -----

            ----- stderr -----
            manifest.yaml:7:27: error: `get` is not a method S3 CORS allows (GET, PUT, POST, DELETE, HEAD)
              help: S3 method names are uppercase: write `GET`
            error: the manifest has 1 error; nothing was read from or written to AWS
            ");
        }
    }
    assert_eq!(s3::cors("bad-manifest"), vec![rule(&["*"], &["GET"])]);
}

#[test]
fn connection_flags_work_before_or_after_the_subcommand() {
    s3::create_bucket("flags-before", "us-east-1");
    let manifest = "version: 1\nbuckets:\n  - name: flags-before\n    cors_rules: []\n";
    let endpoint = emulator().endpoint.clone();
    let run = cors_sync()
        .manifest(manifest)
        .endpoint(None)
        .args([
            "--endpoint-url",
            &endpoint,
            "--region",
            "us-east-1",
            "plan",
            "-f",
            "manifest.yaml",
        ])
        .run();
    run.code(0);
    assert!(run.stdout.starts_with("No changes."), "{}", run.stdout);
    // AWS_ENDPOINT_URL works as the flag does.
    let run = cors_sync()
        .manifest(manifest)
        .endpoint(None)
        .env("AWS_ENDPOINT_URL", &endpoint)
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    run.code(0);
    // So does a profile's endpoint_url (the harness points AWS_CONFIG_FILE at `no-aws-config`),
    // addressing buckets by path: by a host name, not an IP, so that virtual-host addressing
    // (`flags-before.localhost`, which does not resolve) would fail.
    let run = cors_sync()
        .manifest(manifest)
        .file(
            "no-aws-config",
            &format!(
                "[default]\nendpoint_url = {}\n",
                endpoint.replace("127.0.0.1", "localhost")
            ),
        )
        .endpoint(None)
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    run.code(0);
    assert!(run.stdout.starts_with("No changes."), "{}", run.stdout);
}

#[test]
fn an_unreachable_endpoint_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let manifest =
        "version: 1\nbuckets:\n  - name: unreachable\n    region: us-east-1\n    cors_rules: []\n";
    let run = cors_sync()
        .manifest(manifest)
        .endpoint(Some(&closed))
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: s3_bucket.unreachable: GetBucketCors failed: no answer from http://127.0.0.1:"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Connection refused") || run.stderr.contains("connection refused"),
        "{}",
        run.stderr
    );
}

#[test]
fn validate_reports_a_valid_manifest() {
    let run = cors_sync()
        .endpoint(None)
        .manifest(MIXED_MANIFEST)
        .args(["validate", "-f", "manifest.yaml"])
        .run();
    assert_run!(run, @"
    exit code: 0
    ----- stdout -----
    The manifest is valid: 5 buckets, 3 CORS rules.
    ----- stderr -----
    ");
}

#[test]
fn usage_errors_exit_1_not_2() {
    let run = cors_sync()
        .endpoint(None)
        .args(["plan", "--no-such-flag"])
        .run();
    run.code(1);
    let run = cors_sync().endpoint(None).args(["import"]).run();
    run.code(1);
}

#[test]
fn a_wait_interval_under_one_second_is_refused_before_anything_is_read() {
    let cli = cors_sync()
        .endpoint(Some("http://127.0.0.1:1"))
        .manifest("version: 1\nbuckets: []\n");
    for interval in ["0", "0.5"] {
        let run = cli.run_with(&[
            "apply",
            "-f",
            "manifest.yaml",
            "--auto-approve",
            "--wait",
            "--wait-interval",
            interval,
        ]);
        run.code(1);
        assert!(
            run.stderr.starts_with(&format!(
                "error: invalid value '{interval}' for '--wait-interval <SECONDS>'"
            )),
            "{interval}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
    let zero = cli.run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--wait",
        "--wait-interval=0",
    ]);
    assert!(
        zero.stderr
            .contains("the interval between deployment checks is at least 1 second"),
        "{}",
        zero.stderr
    );
}

#[test]
fn the_example_manifests_validate_offline_and_converge() {
    let manifests = crate::support::emulator::repo_root().join("manifests");
    let manifests = manifests.to_str().unwrap();
    // validate needs no AWS: a profile that does not exist and no endpoint change nothing.
    let validate = cors_sync()
        .endpoint(None)
        .env("AWS_PROFILE", "no-such-profile")
        .args(["validate", "-f", manifests])
        .run();
    assert_run!(validate, @"
    exit code: 0
    ----- stdout -----
    The manifest is valid: 4 buckets, 3 CORS rules.
    ----- stderr -----
    ");

    s3::create_bucket("storefront-assets", "eu-central-1");
    s3::create_bucket("storefront-uploads", "eu-west-1");
    s3::create_bucket("storefront-exports", "us-east-1");
    s3::create_bucket("storefront-fonts", "us-east-1");
    let plan = cors_sync()
        .args(["plan", "-f", manifests, "--detailed-exitcode"])
        .run();
    plan.code(2);
    assert!(
        plan.stdout
            .ends_with("Plan: 3 to create, 0 to update, 0 to delete.\n"),
        "{}",
        plan.stdout
    );
    cors_sync()
        .args(["apply", "-f", manifests, "--auto-approve"])
        .run()
        .code(0);
    cors_sync()
        .args(["plan", "-f", manifests, "--detailed-exitcode"])
        .run()
        .code(0);
}
