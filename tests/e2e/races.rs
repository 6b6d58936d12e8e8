//! Nothing lost when someone races you: another client changes a bucket between the plan cors-sync
//! shows and its write, or hands it a forged or foreign plan file.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

use crate::reliability::two_rules_manifest;
use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy, Hook};
use crate::support::s3::{self, rule};
use crate::support::{assert_run, cors_sync, emulator, finish, until, CorsSync, Run};

/// A proxy that lets the `n`th GetBucketCors of `bucket` (0 is the plan's read) find `change`
/// already made, as if another client wrote it the moment before.
fn racing(bucket: &str, n: usize, change: impl Fn() + Send + Sync + 'static) -> FaultProxy {
    let proxy = FaultProxy::start(&emulator().endpoint);
    let seen = AtomicUsize::new(0);
    let hook = Hook(Arc::new(move || {
        if seen.fetch_add(1, Ordering::SeqCst) == n {
            change();
        }
    }));
    proxy.fail(Fault::kind(
        "GET",
        &format!("/{bucket}/?cors"),
        FaultKind::Before(hook),
    ));
    proxy
}

fn journal_lines(cli: &crate::support::CorsSync) -> Vec<Value> {
    let root = cli.path(".cors-sync/backups");
    let Ok(dirs) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    dirs.flatten()
        .flat_map(|dir| {
            let text =
                std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap_or_default();
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn apply_rereads_each_bucket_before_writing_and_leaves_one_that_moved_alone() {
    s3::create_bucket("race-a", "us-east-1");
    s3::create_bucket("race-b", "us-east-1");
    let theirs = rule(&["https://someone-else.example"], &["DELETE"]);
    let written = theirs.clone();
    let proxy = racing("race-b", 1, move || {
        s3::put_cors("race-b", std::slice::from_ref(&written))
    });
    let cli = cors_sync()
        .manifest(&two_rules_manifest("race-a", "race-b"))
        .endpoint(Some(&proxy.endpoint));
    let run = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    assert_run!(run, redact proxy.endpoint => "http://PROXY", @r#"
    exit code: 1
    ----- stdout -----
    cors-sync will perform the following actions:

      + s3_bucket.race-a (us-east-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["*"]
          +  allowed_methods: [GET]

      + s3_bucket.race-b (us-east-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["https://b.example"]
          +  allowed_methods: [PUT]

    Plan: 2 to create, 0 to update, 0 to delete.

    s3_bucket.race-a (us-east-1): CORS configuration created.

    Apply incomplete: 1 of 2 changes written, 1 failed. Run plan again to see what remains.
    ----- stderr -----
      s3_bucket.race-b: moved since the plan was made
          --- when planned
          +++ now
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["https://someone-else.example"]
          +  allowed_methods: [DELETE]
    error: s3_bucket.race-b: moved since the plan was shown; nothing was written to it. Run plan again
    Backed up the previous state to .cors-sync/backups/[TIME]; `cors-sync rollback` restores it.
    "#);
    assert_eq!(s3::cors("race-a"), vec![rule(&["*"], &["GET"])]);
    assert_eq!(
        s3::cors("race-b"),
        vec![theirs],
        "the other client's change is kept"
    );
    let journalled: Vec<String> = journal_lines(&cli)
        .iter()
        .map(|line| line["change"]["address"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        journalled,
        ["s3_bucket.race-a"],
        "nothing is journalled for what was not written"
    );
}

#[test]
fn the_journal_holds_the_state_read_just_before_the_write_not_the_plans_copy() {
    s3::create_bucket("race-journal", "us-east-1");
    s3::put_cors(
        "race-journal",
        &[rule(&["https://a.example"], &["GET", "HEAD"])],
    );
    // Between the plan and the write, someone reorders the methods: S3 evaluates the same rule,
    // so the plan still holds, but the backup must hold what S3 held when it was overwritten.
    let proxy = racing("race-journal", 1, || {
        s3::put_cors(
            "race-journal",
            &[rule(&["https://a.example"], &["HEAD", "GET"])],
        )
    });
    let cli = cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: race-journal\n    cors_rules: []\n")
        .endpoint(Some(&proxy.endpoint));
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let lines = journal_lines(&cli);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0]["change"]["detail"]["before"][0]["allowed_methods"],
        serde_json::json!(["HEAD", "GET"])
    );
}

/// A saved plan's envelope and body, to edit as a forger would, checksum recomputed.
fn forge(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    use sha2::{Digest, Sha256};
    let mut envelope: Value = serde_json::from_str(text).unwrap();
    edit(&mut envelope["body"]);
    let body = serde_json::to_string(&envelope["body"]).unwrap();
    let hex: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    envelope["checksum"] = format!("sha256:{hex}").into();
    serde_json::to_string_pretty(&envelope).unwrap()
}

/// `apply NAME`, NAME being the plan saved as `saved` with its body edited by `edit` as a forger
/// would; the run, and `cli` with NAME in it.
fn apply_forged(
    cli: CorsSync,
    saved: &str,
    name: &str,
    edit: impl FnOnce(&mut Value),
) -> (CorsSync, Run) {
    let forged = forge(&cli.read(saved), edit);
    let cli = cli.file(name, &forged);
    let run = cli.run_with(&["apply", name]);
    (cli, run)
}

#[test]
fn a_forged_plan_cannot_touch_a_bucket_the_manifest_never_named() {
    s3::create_bucket("forge-named", "us-east-1");
    s3::create_bucket("forge-victim", "us-east-1");
    s3::put_cors(
        "forge-victim",
        &[rule(&["https://victim.example"], &["GET"])],
    );
    let cli = cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: forge-named\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n");
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    let (_, run) = apply_forged(cli, "reviewed.plan", "forged.plan", |body| {
        let victim = serde_json::json!({
            "address": "s3_bucket.forge-victim",
            "action": "delete",
            "detail": {"kind": "bucket_cors", "region": "us-east-1",
                       "before": [{"allowed_origins": ["*"], "allowed_methods": ["GET"]}], "after": null}
        });
        body["plan"]["changes"].as_array_mut().unwrap().push(victim);
    });
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: the plan file has no fingerprint for s3_bucket.forge-victim: nothing says what it was planned from (the file was edited); nothing was written
    ");
    assert_eq!(
        s3::cors("forge-victim"),
        vec![rule(&["https://victim.example"], &["GET"])]
    );
    assert_eq!(s3::cors("forge-named"), vec![]);
}

#[test]
fn a_plan_is_applied_only_where_it_was_made() {
    s3::create_bucket("place-a", "us-east-1");
    let cli = cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: place-a\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n");
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(0);
    let saved: Value = serde_json::from_str(&cli.read("reviewed.plan")).unwrap();
    assert_eq!(saved["body"]["made_in"]["account_id"], "123456789012");
    // The same emulator through another address is another endpoint.
    let proxy = FaultProxy::start(&emulator().endpoint);
    let elsewhere = cors_sync()
        .endpoint(Some(&proxy.endpoint))
        .file("reviewed.plan", &cli.read("reviewed.plan"));
    let run = elsewhere.run_with(&["apply", "reviewed.plan"]);
    assert_run!(run, redact proxy.endpoint => "http://PROXY", @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: the plan was made for account 123456789012, cloudfront endpoint http://EMULATOR, s3 endpoint http://EMULATOR, but this run reaches account 123456789012, cloudfront endpoint http://127.0.0.1:PORT, s3 endpoint http://127.0.0.1:PORT; nothing was written
    ");
    // Another account, as a forger who rewrote the file would claim.
    let (_, run) = apply_forged(cli, "reviewed.plan", "other.plan", |body| {
        body["made_in"]["account_id"] = "999999999999".into();
    });
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: the plan was made for account 999999999999, cloudfront endpoint http://EMULATOR, s3 endpoint http://EMULATOR, but this run reaches account 123456789012, cloudfront endpoint http://EMULATOR, s3 endpoint http://EMULATOR; nothing was written
    ");
    assert_eq!(s3::cors("place-a"), vec![]);
}

#[test]
fn with_a_plan_key_only_plans_signed_with_it_are_applied() {
    s3::create_bucket("signed-a", "us-east-1");
    let key = "a-key-only-the-pipeline-holds";
    let cli = cors_sync()
        .env("CORS_SYNC_PLAN_KEY", key)
        .manifest("version: 1\nbuckets:\n  - name: signed-a\n    cors_rules:\n      - allowed_origins: [\"https://good.example\"]\n        allowed_methods: [GET]\n");
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "signed.plan"])
        .code(0);
    let signed = cli.read("signed.plan");
    let (cli, run) = apply_forged(cli, "signed.plan", "forged.plan", |body| {
        body["plan"]["changes"][0]["detail"]["after"][0]["allowed_origins"][0] =
            "https://evil.example".into();
    });
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: forged.plan: the plan file's signature does not match its contents and CORS_SYNC_PLAN_KEY: it was edited, forged, or signed with another key. Nothing was written.
    ");
    let unkeyed = cors_sync()
        .file("signed.plan", &signed)
        .run_with(&["apply", "signed.plan"]);
    assert_run!(unkeyed, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: signed.plan: the plan file is signed, but CORS_SYNC_PLAN_KEY is not set to check the signature. Nothing was written.
    ");
    assert_eq!(s3::cors("signed-a"), vec![]);
    cli.run_with(&["apply", "signed.plan"]).code(0);
    assert_eq!(
        s3::cors("signed-a"),
        vec![rule(&["https://good.example"], &["GET"])]
    );
}

#[test]
fn a_second_apply_refuses_while_the_first_holds_the_lock() {
    s3::create_bucket("lock-a", "us-east-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    // The first apply's write hangs long enough for a second run to start.
    proxy.fail(
        Fault::kind(
            "PUT",
            "/lock-a/?cors",
            FaultKind::Stall(std::time::Duration::from_secs(3)),
        )
        .times(1),
    );
    let manifest = "version: 1\nbuckets:\n  - name: lock-a\n    cors_rules:\n      - allowed_origins: [\"https://first.example\"]\n        allowed_methods: [GET]\n";
    let cli = cors_sync()
        .manifest(manifest)
        .endpoint(Some(&proxy.endpoint));
    let first = cli.spawn_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    let first_pid = first.id();
    until("the first apply's write", || {
        proxy.requests_matching("PUT /lock-a/?cors") > 0
    });
    let second = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    second.code(1);
    assert!(second.stdout.is_empty(), "{}", second.stdout);
    let expected = format!("error: another apply (PID {first_pid}, started ");
    assert!(second.stderr.starts_with(&expected), "{}", second.stderr);
    assert!(
        second.stderr.ends_with(") holds .cors-sync/backups/apply.lock; nothing was read or written. Wait for it to finish\n"),
        "{}",
        second.stderr
    );
    finish(first, "").code(0);
    assert!(
        !cli.path(".cors-sync/backups/apply.lock").exists(),
        "released"
    );
    assert_eq!(
        s3::cors("lock-a"),
        vec![rule(&["https://first.example"], &["GET"])]
    );
}

#[test]
fn a_lock_file_left_by_a_run_that_is_gone_is_taken_over_with_a_note() {
    // A PID that is gone, and one that now belongs to another process (this test itself, which
    // is certainly running): only the operating system's lock says whether a run holds it.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    for (bucket, pid) in [
        ("lock-stale", gone_pid),
        ("lock-reused", std::process::id()),
    ] {
        s3::create_bucket(bucket, "us-east-1");
        let cli = cors_sync()
            .manifest(&format!("version: 1\nbuckets:\n  - name: {bucket}\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n"))
            .file(
                ".cors-sync/backups/apply.lock",
                &format!("{{\"pid\": {pid}, \"started\": \"20260101T000000Z\"}}"),
            );
        let run = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
        run.code(0);
        let note = format!("note: taking over the lock of PID {pid} (started 20260101T000000Z) at .cors-sync/backups/apply.lock: that run is no longer running\n");
        assert!(run.stderr.starts_with(&note), "{}", run.stderr);
        assert_eq!(s3::cors(bucket), vec![rule(&["*"], &["GET"])]);
        assert!(
            !cli.path(".cors-sync/backups/apply.lock").exists(),
            "released"
        );
    }
}
