//! Buckets on other S3-compatible stores (docs/providers.md): SeaweedFS for real, started by the
//! harness like moto, and the provider table's refusals and waits through the binary.

use cors_sync_core::bucket_cors::CorsRule;

use crate::support::emulator::seaweedfs;
use crate::support::s3::{self, runtime};
use crate::support::{cors_sync, CorsSync};

/// A client for SeaweedFS, with the admin identity its launcher gave it.
pub(crate) fn seaweedfs_client() -> aws_sdk_s3::Client {
    let store = seaweedfs();
    let (key, secret) = store
        .credentials
        .as_ref()
        .expect("the SeaweedFS launcher reports its credentials");
    s3::client_as(
        &store.endpoint,
        aws_sdk_s3::config::Credentials::new(key, secret, None, None, "tests"),
        "us-east-1",
    )
}

fn seaweedfs_bucket(name: &str) {
    runtime().block_on(async {
        seaweedfs_client()
            .create_bucket()
            .bucket(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create bucket {name} on SeaweedFS: {e:?}"));
    });
}

/// The bucket's rules as SeaweedFS reads them back; empty without a configuration.
fn seaweedfs_cors(name: &str) -> Vec<CorsRule> {
    s3::cors_with(&seaweedfs_client(), name)
}

/// cors-sync pointed at SeaweedFS alone (`--provider seaweedfs`), with its credentials.
fn on_seaweedfs(manifest: &str) -> CorsSync {
    let store = seaweedfs();
    let (key, secret) = store.credentials.clone().expect("credentials");
    cors_sync()
        .endpoint(Some(&store.endpoint))
        .env("CORS_SYNC_PROVIDER", "seaweedfs")
        .env("AWS_ACCESS_KEY_ID", &key)
        .env("AWS_SECRET_ACCESS_KEY", &secret)
        .without_env("AWS_SESSION_TOKEN")
        .manifest(manifest)
}

const TWO_RULES: &str = concat!(
    "      - id: uploads\n",
    "        allowed_origins: [\"https://app.example.com\"]\n",
    "        allowed_methods: [GET, PUT]\n",
    "        allowed_headers: [content-type]\n",
    "        expose_headers: [ETag]\n",
    "        max_age_seconds: 600\n",
    "      - allowed_origins: [\"https://www.example.com\"]\n",
    "        allowed_methods: [GET]\n",
);

#[test]
fn seaweedfs_plans_applies_converges_imports_and_rolls_back() {
    seaweedfs_bucket("sw-converge");
    let manifest =
        format!("version: 1\nbuckets:\n  - name: sw-converge\n    cors_rules:\n{TWO_RULES}");
    let cli = on_seaweedfs(&manifest);
    let plan = cli.run_with(&["plan", "-f", "manifest.yaml", "--detailed-exitcode"]);
    plan.code(2);
    assert!(
        plan.stdout
            .contains("Plan: 1 to create, 0 to update, 0 to delete."),
        "{}",
        plan.stdout
    );
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    // SeaweedFS reads the rule written without MaxAgeSeconds back with 0 ...
    let live = seaweedfs_cors("sw-converge");
    assert_eq!(live.len(), 2);
    assert_eq!(live[1].max_age_seconds, Some(0));
    // ... which the provider table says is what was written: no drift.
    cli.assert_converged();

    let import = cli.run_with(&["import", "--bucket", "sw-converge"]);
    import.code(0);
    assert!(
        import.stdout.contains("  - name: sw-converge\n"),
        "{}",
        import.stdout
    );
    assert!(import.stdout.contains("id: uploads"), "{}", import.stdout);
    let imported = on_seaweedfs(&import.stdout);
    imported.assert_converged();

    let rollback = cli.run_with(&["rollback", "--auto-approve"]);
    rollback.code(0);
    assert_eq!(seaweedfs_cors("sw-converge"), Vec::<CorsRule>::new());
}

#[test]
fn one_run_plans_and_applies_buckets_on_aws_and_on_seaweedfs() {
    s3::create_bucket("mixed-on-aws", "us-east-1");
    seaweedfs_bucket("mixed-on-seaweedfs");
    let store = seaweedfs();
    let (key, secret) = store.credentials.clone().expect("credentials");
    let moto = crate::support::emulator().endpoint.clone();
    let manifest = format!(
        "version: 1
accounts:
  - name: aws
    id: \"123456789012\"
    endpoint_url: {moto}
  - name: lab
    provider: seaweedfs
    endpoint_url: {}
    profile: seaweedfs
buckets:
  - name: mixed-on-aws
    account: aws
    cors_rules:
{TWO_RULES}  - name: mixed-on-seaweedfs
    account: lab
    cors_rules:
{TWO_RULES}",
        store.endpoint
    );
    let cli = cors_sync().manifest(&manifest).file(
        "credentials",
        &format!("[seaweedfs]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
    );
    let credentials = cli.path("credentials");
    let cli = cli.env(
        "AWS_SHARED_CREDENTIALS_FILE",
        credentials.to_str().expect("a UTF-8 path"),
    );
    let plan = cli.run_with(&["plan", "-f", "manifest.yaml", "--detailed-exitcode"]);
    plan.code(2);
    assert!(
        plan.stdout
            .contains("Plan: 2 to create, 0 to update, 0 to delete."),
        "{}",
        plan.stdout
    );
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    assert_eq!(s3::cors("mixed-on-aws").len(), 2);
    assert_eq!(s3::cors("mixed-on-aws")[1].max_age_seconds, None);
    assert_eq!(seaweedfs_cors("mixed-on-seaweedfs").len(), 2);
    cli.assert_converged();
}

#[test]
fn a_seaweedfs_account_with_wrong_keys_is_stopped_by_its_guard() {
    seaweedfs_bucket("sw-guarded");
    let manifest = format!(
        "version: 1\naccounts:\n  - name: lab\n    provider: seaweedfs\n    endpoint_url: {}\nbuckets:\n  - name: sw-guarded\n    cors_rules:\n{TWO_RULES}",
        seaweedfs().endpoint
    );
    let run = cors_sync()
        .manifest(&manifest)
        .run_with(&["plan", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr.contains(
            "account `lab`: cannot act through the base credentials at http://127.0.0.1:"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("ListBuckets"), "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was read or written"),
        "{}",
        run.stderr
    );
}

#[test]
fn verify_judges_seaweedfs_by_its_profile_and_says_where_aws_would_differ() {
    seaweedfs_bucket("sw-verify");
    let manifest =
        format!("version: 1\nbuckets:\n  - name: sw-verify\n    cors_rules:\n{TWO_RULES}");
    let cli = on_seaweedfs(&manifest);
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let verify = cli.run_with(&["verify", "-f", "manifest.yaml"]);
    assert!(
        verify.stdout.contains("0 where the browser's verdict differs from the prediction, 0 where only headers differ."),
        "{}\n{}",
        verify.stdout,
        verify.stderr
    );
    verify.code(0);
    assert!(
        verify
            .stdout
            .contains("Where SeaweedFS answered otherwise than AWS would"),
        "{}",
        verify.stdout
    );
    // AWS refuses a method no rule allows with 403; SeaweedFS answers 200 (browsers still refuse).
    assert!(
        verify.stdout.contains("AWS fails 403, SeaweedFS fails 200"),
        "{}",
        verify.stdout
    );
}

#[test]
fn apply_wait_on_r2_reads_each_written_bucket_back() {
    s3::create_bucket("r2-waited", "us-east-1");
    let manifest =
        format!("version: 1\nbuckets:\n  - name: r2-waited\n    cors_rules:\n{TWO_RULES}");
    let run = cors_sync().manifest(&manifest).run_with(&[
        "--provider",
        "r2",
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--wait",
    ]);
    run.code(0);
    assert!(
        run.stderr.contains("Waiting until bucket r2-waited reads back as written: Cloudflare R2 takes up to 30 s to apply a change."),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("Bucket r2-waited reads back as written on Cloudflare R2."),
        "{}",
        run.stdout
    );
}

#[test]
fn minio_bucket_cors_is_refused_naming_the_server_wide_setting() {
    let manifest =
        format!("version: 1\nbuckets:\n  - name: minio-assets\n    cors_rules:\n{TWO_RULES}");
    let run = cors_sync()
        .manifest(&manifest)
        .env("CORS_SYNC_PROVIDER", "minio")
        .run_with(&["validate", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr.contains("manifest.yaml:3:5: error: bucket `minio-assets` is on MinIO (community edition), which has no bucket CORS"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("MINIO_API_CORS_ALLOW_ORIGIN"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_judges_a_bucket_by_its_stores_profile() {
    let manifest =
        format!("version: 1\nbuckets:\n  - name: checked-store\n    cors_rules:\n{TWO_RULES}");
    let cli = cors_sync().manifest(&manifest).endpoint(None);
    let args = [
        "check",
        "s3://checked-store/a",
        "-f",
        "manifest.yaml",
        "--origin",
        "https://www.example.com",
        "--method",
        "GET",
        "--credentials",
    ];
    // AWS echoes the origin with credentials allowed; SeaweedFS never sends
    // Access-Control-Allow-Credentials, so the same request with cookies fails there.
    cli.run_with(&args).code(0);
    let mut on_seaweedfs = args.to_vec();
    on_seaweedfs.extend(["--provider", "seaweedfs"]);
    cli.run_with(&on_seaweedfs).code(2);
}

#[test]
fn provider_beside_declared_accounts_is_refused() {
    let manifest = format!(
        "version: 1\naccounts:\n  - name: lab\n    provider: seaweedfs\n    endpoint_url: http://127.0.0.1:9\nbuckets:\n  - name: refused-provider\n    cors_rules:\n{TWO_RULES}"
    );
    let run = cors_sync().manifest(&manifest).run_with(&[
        "plan",
        "-f",
        "manifest.yaml",
        "--provider",
        "r2",
    ]);
    run.code(1);
    assert!(
        run.stderr
            .contains("--provider r2 is for a manifest without `accounts:`"),
        "{}",
        run.stderr
    );
}

/// LocalStack answers preflights as AWS does (first fully matching rule, echoed origin with
/// credentials, AWS's Vary and refusals), so `verify` with the AWS profile must agree with it on
/// every probe. Rules here avoid partial header wildcards (`x-amz-*`), which LocalStack does not
/// match and AWS does.
#[test]
fn verify_agrees_with_localstack_the_aws_faithful_oracle() {
    let oracle = crate::support::emulator::localstack();
    runtime().block_on(async {
        s3::client_as(
            &oracle.endpoint,
            aws_sdk_s3::config::Credentials::new("test", "test", None, None, "tests"),
            "us-east-1",
        )
        .create_bucket()
        .bucket("aws-oracle")
        .send()
        .await
        .unwrap_or_else(|e| panic!("create bucket on LocalStack: {e:?}"));
    });
    let manifest = format!(
        "version: 1\nbuckets:\n  - name: aws-oracle\n    region: us-east-1\n    cors_rules:\n{TWO_RULES}      - allowed_origins: [\"*\"]\n        allowed_methods: [GET, HEAD]\n"
    );
    let cli = cors_sync()
        .endpoint(Some(&oracle.endpoint))
        .manifest(&manifest);
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let verify = cli.run_with(&["verify", "-f", "manifest.yaml"]);
    assert!(
        verify.stdout.contains(": 0 where the browser's verdict differs from the prediction, 0 where only headers differ."),
        "{}\n{}",
        verify.stdout,
        verify.stderr
    );
    verify.code(0);
    assert!(
        !verify.stdout.contains("answered otherwise than AWS"),
        "{}",
        verify.stdout
    );
}
