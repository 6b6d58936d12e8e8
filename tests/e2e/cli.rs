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

#[test]
fn offline_commands_list_no_connection_flags_and_online_ones_do() {
    let help = |command: &str| {
        let run = cors_sync().endpoint(None).args([command, "--help"]).run();
        run.code(0);
        run.stdout
    };
    insta::assert_snapshot!(help("validate"), @r#"
    Check the manifest offline: every problem at once, with file, line and column

    Usage: cors-sync validate [OPTIONS]

    Options:
      -f, --manifest <PATH>
              A manifest file, or a directory whose *.yaml and *.yml files are merged
              
              [default: manifests]

          --strict
              Treat lint warnings (CS001, ...) as errors: exit 1 and change nothing

          --format <FORMAT>
              How to print the findings; `text` prints them on stderr, the others on stdout

              Possible values:
              - text
              - json:   `{"valid", "error_count", "warning_count", "diagnostics": [...]}` (a contract)
              - sarif:  SARIF 2.1.0, for GitHub code scanning and other SARIF readers
              - github: GitHub Actions workflow commands, shown on the pull request's changed lines
              
              [default: text]

      -h, --help
              Print help (see a summary with '-h')

    Store:
          --provider <NAME>
              Which S3-compatible store the buckets are on, for a manifest without `accounts:` (aws, r2, spaces, b2, wasabi, ceph, garage, seaweedfs, minio, scaleway, ovh; docs/providers.md)
              
              [env: CORS_SYNC_PROVIDER=]

    Output:
          --no-color
              Never colour output (colour is used only on a terminal, and never when NO_COLOR is set)

      -q, --quiet
              No progress bars or notes on stderr (errors are still printed)

          --debug
              Log the AWS SDK's requests, retries and timings to stderr. Credentials and request signatures are never logged
    "#);
    insta::assert_snapshot!(help("plan"), @r"
    Show what apply would change in AWS

    Usage: cors-sync plan [OPTIONS]

    Options:
      -f, --manifest <PATH>
              A manifest file, or a directory whose *.yaml and *.yml files are merged
              
              [default: manifests]

          --strict
              Treat lint warnings (CS001, ...) as errors: exit 1 and change nothing

          --format <FORMAT>
              Output format; `json` prints exactly one JSON document (format_version 1)

              Possible values:
              - text
              - json
              - markdown: A pull-request comment: summary, table of changes, collapsible diffs, warnings
              - sarif:    The lints found, as SARIF 2.1.0 for code scanning (the plan itself is not in it)
              - github:   The lints found, as GitHub Actions workflow commands on the manifest's lines
              
              [default: text]

          --detailed-exitcode
              Exit 2 when the plan has changes (0 when it has none, 1 on error)

          --out <PLANFILE>
              Save the plan (changes and a fingerprint of the live state they were computed from) for `cors-sync apply PLANFILE`

          --report-unmanaged
              Also list buckets that have a CORS configuration but are not in the manifest (ListBuckets + GetBucketCors), as information, never as a change

          --target <ADDRESS>
              Only this resource (repeatable), as terraform's -target: `s3_bucket.NAME`, `cloudfront_distribution.ID`, `origin_request_policy.NAME` or `response_headers_policy.NAME`. Nothing else is read or planned, and the plan says it is partial

      -h, --help
              Print help (see a summary with '-h')

    AWS connection:
          --profile <NAME>
              AWS profile from ~/.aws/config (default: the standard credential chain)

          --region <REGION>
              Region to ask first when discovering a bucket's region (default: from the environment or profile, else us-east-1). A bucket's `region:` in the manifest always wins

          --endpoint-url <URL>
              Send requests to this endpoint instead of AWS (an emulator); also AWS_ENDPOINT_URL(_S3). Buckets are then addressed by path

          --parallelism <N>
              How many AWS requests to run at once [default: 16]

          --timeout <SECONDS>
              The most one attempt of one AWS call may take before it is abandoned and retried [default: 30]

          --max-attempts <N>
              Attempts per AWS call, the first included (default: 3 for S3, 6 for CloudFront). Throttling, 5xx answers, timeouts and dropped connections are retried with jittered backoff

          --account <NAME>
              Only this declared account (repeatable): other accounts' resources are neither read nor written, and their roles are not assumed

    Store:
          --provider <NAME>
              Which S3-compatible store the buckets are on, for a manifest without `accounts:` (aws, r2, spaces, b2, wasabi, ceph, garage, seaweedfs, minio, scaleway, ovh; docs/providers.md)
              
              [env: CORS_SYNC_PROVIDER=]

    Output:
          --no-color
              Never colour output (colour is used only on a terminal, and never when NO_COLOR is set)

      -q, --quiet
              No progress bars or notes on stderr (errors are still printed)

          --debug
              Log the AWS SDK's requests, retries and timings to stderr. Credentials and request signatures are never logged
    ");
    for offline in ["validate", "diff", "convert", "export", "schema", "show"] {
        let text = help(offline);
        for flag in [
            "--profile",
            "--region",
            "--endpoint-url",
            "--parallelism",
            "--account",
        ] {
            assert!(
                !text.contains(flag),
                "`{offline} --help` lists {flag}:\n{text}"
            );
        }
    }
    for online in ["plan", "apply", "import", "check", "verify", "rollback"] {
        assert!(help(online).contains("--profile <NAME>"), "{online}");
    }
}

#[test]
fn connection_flags_stay_where_users_write_them_and_offline_commands_refuse_them() {
    let manifest = "version: 1\nbuckets:\n  - name: flags-profile\n    region: us-east-1\n    cors_rules: []\n";
    s3::create_bucket("flags-profile", "us-east-1");
    let endpoint = emulator().endpoint.clone();
    // The profile is the only way this run reaches the emulator (no flag, no variable): both
    // positions parse, and in both the profile is what is used.
    let with_profile = || {
        cors_sync()
            .manifest(manifest)
            .endpoint(None)
            .without_env("AWS_ACCESS_KEY_ID")
            .without_env("AWS_SECRET_ACCESS_KEY")
            .without_env("AWS_SESSION_TOKEN")
            .file(
                "no-aws-config",
                &format!("[profile emulated]\nregion = us-east-1\nendpoint_url = {endpoint}\n"),
            )
            .file(
                "no-aws-credentials",
                "[emulated]\naws_access_key_id = test\naws_secret_access_key = test\n",
            )
    };
    for args in [
        vec!["plan", "-f", "manifest.yaml", "--profile", "emulated"],
        vec!["--profile", "emulated", "plan", "-f", "manifest.yaml"],
    ] {
        let run = with_profile().args(args.clone()).run();
        run.code(0);
        assert!(
            run.stdout.starts_with("No changes."),
            "{args:?}: {}",
            run.stdout
        );
    }
    // Written after the command, a flag wins over the same flag before it.
    let run = cors_sync()
        .manifest(manifest)
        .endpoint(None)
        .args([
            "--endpoint-url",
            "http://127.0.0.1:9",
            "plan",
            "-f",
            "manifest.yaml",
            "--endpoint-url",
            &endpoint,
        ])
        .run();
    run.code(0);
    // An offline command refuses them: they would do nothing there.
    let offline = cors_sync().endpoint(None).manifest(manifest);
    assert_run!(offline.run_with(&["validate", "-f", "manifest.yaml", "--profile", "x"]), @r"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: unexpected argument '--profile' found

      tip: a similar argument exists: '--provider'

    Usage: cors-sync validate --manifest <PATH> --provider <NAME>

    For more information, try '--help'.
    ");
    assert_run!(offline.run_with(&["--profile", "x", "validate", "-f", "manifest.yaml"]), @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: --profile is an AWS connection flag, and `cors-sync validate` works offline: it reads no AWS; remove --profile

    Usage: cors-sync [OPTIONS] <COMMAND>

    For more information, try '--help'.
    ");
}
