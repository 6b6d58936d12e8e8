//! Backups hold what was written and nothing else, and rollback believes only what an apply
//! wrote: a refused write leaves nothing to roll back, a move to a cache policy is undone
//! exactly, "latest" is the latest backup with a write, and a journal that was edited, signed
//! with another key or is not a file is refused, naming it.

#![allow(deprecated)] // ForwardedValues and the legacy TTLs: what a migration's rollback restores.

use std::path::PathBuf;

use crate::cloudfront::manifest;
use crate::support::cloudfront as cf;
use crate::support::emulator::emulator;
use crate::support::fault_proxy::{Fault, FaultKind, FaultProxy, Hook};
use crate::support::s3::{self, rule};
use crate::support::{bucket_manifest, cors_sync, CorsSync, Run};

const WHITELIST: &str =
    "      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n";

/// The backup directories under the run's backup dir, oldest first.
fn backups(cli: &CorsSync) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(cli.path(".cors-sync/backups")) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    dirs.sort();
    dirs
}

/// The distribution's config with its default behavior's whitelist set to `headers`, as
/// someone else's edit.
fn edit_default_whitelist(
    id: &str,
    headers: &[&str],
) -> aws_sdk_cloudfront::types::DistributionConfig {
    let mut config = cf::config(id);
    if let Some(behavior) = config.default_cache_behavior.as_mut() {
        behavior.forwarded_values = Some(cf::forwarded(
            headers,
            false,
            aws_sdk_cloudfront::types::ItemSelection::None,
        ));
    }
    cf::update(id, config);
    cf::config(id)
}

/// `apply` of WHITELIST on distribution `id`, through `proxy`: the run, and where it ran.
fn apply_whitelist_through(proxy: &FaultProxy, id: &str) -> (CorsSync, Run) {
    let cli = cors_sync()
        .manifest(&manifest(id, WHITELIST))
        .endpoint(Some(&proxy.endpoint));
    let apply = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    (cli, apply)
}

#[test]
fn an_update_refused_with_precondition_failed_leaves_nothing_for_rollback_to_clobber() {
    let id = cf::create_distribution("bk-precondition", "bk-precondition-assets");
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::error(
        "PUT",
        &format!("/2020-05-31/distribution/{id}/config"),
        412,
        "PreconditionFailed",
        "The If-Match version is missing or not valid for the resource.",
    ));
    let (cli, apply) = apply_whitelist_through(&proxy, &id);
    apply.code(1);
    assert!(
        apply.stderr.contains("PreconditionFailed") && !apply.stderr.contains("Backed up"),
        "{}",
        apply.stderr
    );
    // Someone else's edit, after the refused update: it is what a rollback must not undo.
    let edited = edit_default_whitelist(&id, &["Origin", "X-Someone-Else"]);
    proxy.clear();
    let rollback = cli.run_with(&["rollback", "--auto-approve"]);
    rollback.code(1);
    assert!(
        rollback
            .stderr
            .contains("recorded only writes that were refused, so there is nothing to restore"),
        "{}",
        rollback.stderr
    );
    assert_eq!(cf::config(&id), edited, "the concurrent edit stands");
}

#[test]
fn a_behavior_moved_before_the_update_is_not_backed_up_and_rollback_finds_nothing() {
    let id = cf::create_distribution("bk-moved", "bk-moved-assets");
    let proxy = FaultProxy::start(&emulator().endpoint);
    // The edit lands between the plan and the update's re-read, as during the approval prompt.
    let edited_id = id.clone();
    let edited: std::sync::Arc<std::sync::Mutex<Option<_>>> = Default::default();
    let kept = edited.clone();
    proxy.fail(
        Fault::kind(
            "GET",
            &format!("/2020-05-31/distribution/{id}/config"),
            FaultKind::Before(Hook(std::sync::Arc::new(move || {
                *kept.lock().unwrap() =
                    Some(edit_default_whitelist(&edited_id, &["Origin", "X-Moved"]));
            }))),
        )
        .times(1),
    );
    let (cli, apply) = apply_whitelist_through(&proxy, &id);
    apply.code(1);
    assert!(
        apply
            .stderr
            .contains("changed since the plan was made; nothing was written"),
        "{}",
        apply.stderr
    );
    assert_eq!(
        backups(&cli),
        Vec::<PathBuf>::new(),
        "no backup of a write never sent"
    );
    let rollback = cli.run_with(&["rollback", "--auto-approve"]);
    rollback.code(1);
    assert_eq!(
        rollback.stderr,
        "error: there are no backups in .cors-sync/backups\n"
    );
    let edited = edited.lock().unwrap().clone().expect("the edit was made");
    assert_eq!(cf::config(&id), edited);
}

#[test]
fn rolling_back_a_move_to_a_cache_policy_restores_the_legacy_settings_exactly() {
    let id = cf::create_distribution("bk-migrate", "bk-migrate-assets");
    let before = cf::config(&id);
    let cli = cors_sync().manifest(&manifest(
        &id,
        "      \"/legacy/*\":\n        cache_policy: Managed-CachingOptimized\n",
    ));
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let moved = cf::config(&id);
    assert_eq!(
        cf::behavior(&moved, "/legacy/*").cache_policy_id.as_deref(),
        Some(cf::CACHING_OPTIMIZED)
    );
    let rollback = cli.run_with(&["rollback", "--auto-approve"]);
    rollback.code(0);
    let after = cf::config(&id);
    let legacy = cf::behavior(&after, "/legacy/*");
    let was = cf::behavior(&before, "/legacy/*");
    assert_eq!(legacy.forwarded_values, was.forwarded_values);
    assert_eq!(
        (legacy.min_ttl, legacy.default_ttl, legacy.max_ttl),
        (Some(0), Some(60), Some(600))
    );
    assert_eq!(after, before, "the distribution is exactly as it was");
    assert!(
        rollback.stdout.contains("restores the ForwardedValues (query strings forwarded, cookies whitelist) and TTLs (0/60/600 s) the backup recorded"),
        "{}",
        rollback.stdout
    );
}

#[test]
fn rollback_restores_the_latest_backup_with_a_write_and_ignores_what_is_not_a_backup() {
    let old = vec![rule(&["https://old.example"], &["GET"])];
    s3::create_bucket("bk-latest-a", "us-east-1");
    s3::put_cors("bk-latest-a", &old);
    s3::create_bucket("bk-latest-b", "us-east-1");
    let cli = cors_sync().manifest(&bucket_manifest(
        "bk-latest-a",
        &[rule(&["https://new.example"], &["GET"])],
    ));
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    // A second apply whose only write is refused: its backup records nothing written.
    let proxy = FaultProxy::start(&emulator().endpoint);
    proxy.fail(Fault::error(
        "PUT",
        "/bk-latest-b/?cors",
        403,
        "AccessDenied",
        "Access Denied",
    ));
    let refused = cli
        .file(
            "b.yaml",
            &bucket_manifest("bk-latest-b", &[rule(&["*"], &["GET"])]),
        )
        .endpoint(Some(&proxy.endpoint));
    refused
        .run_with(&["apply", "-f", "b.yaml", "--auto-approve"])
        .code(1);
    let dirs = backups(&refused);
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    // Not backups: a folder of notes (it sorts after every stamp) holding a journal-named file.
    let cli = refused
        .file(".cors-sync/backups/notes/journal.jsonl", "not a journal\n")
        .endpoint(Some(&emulator().endpoint));
    let rollback = cli.run_with(&["rollback", "--auto-approve"]);
    rollback.code(0);
    let name = |p: &PathBuf| p.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        rollback.stderr.contains(&format!(
            "Restoring the state recorded in .cors-sync/backups/{}, the latest backup that recorded a write.",
            name(&dirs[0])
        )) && rollback.stderr.contains(&format!(
            "note: .cors-sync/backups/{} is newer, but every write it recorded was refused",
            name(&dirs[1])
        )),
        "{}",
        rollback.stderr
    );
    assert_eq!(s3::cors("bk-latest-a"), old);
}

#[test]
fn a_journal_that_cannot_be_read_is_an_error_naming_it_not_no_backups() {
    let cli = cors_sync().endpoint(None);
    let journal = cli.path(".cors-sync/backups/20990101T000000Z/journal.jsonl");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&journal)
        .status()
        .expect("mkfifo (coreutils) is installed");
    assert!(made.success());
    let fifo = cli.run_with(&["rollback", "--auto-approve"]);
    fifo.code(1);
    assert!(
        fifo.stderr
            .starts_with("error: cannot read .cors-sync/backups/20990101T000000Z/journal.jsonl: ")
            && fifo.stderr.contains("FIFO"),
        "{}",
        fifo.stderr
    );
    std::fs::remove_file(&journal).unwrap();
    std::fs::create_dir(&journal).unwrap();
    let directory = cli.run_with(&["rollback", "--auto-approve"]);
    directory.code(1);
    assert!(
        directory
            .stderr
            .starts_with("error: cannot read .cors-sync/backups/20990101T000000Z/journal.jsonl: "),
        "{}",
        directory.stderr
    );
}

/// The only backup's journal.
fn journal_path(cli: &CorsSync) -> PathBuf {
    let dirs = backups(cli);
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].join("journal.jsonl")
}

#[test]
fn with_a_plan_key_journals_are_signed_and_an_altered_or_unsigned_one_is_refused() {
    let old = vec![rule(&["https://old.example"], &["GET"])];
    s3::create_bucket("bk-signed", "us-east-1");
    s3::put_cors("bk-signed", &old);
    let cli = cors_sync()
        .manifest(&bucket_manifest(
            "bk-signed",
            &[rule(&["https://new.example"], &["GET"])],
        ))
        .env("CORS_SYNC_PLAN_KEY", "team key");
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let path = journal_path(&cli);
    let signed = std::fs::read_to_string(&path).unwrap();
    assert!(signed.contains(",\"mac\":\"hmac-sha256:"), "{signed}");

    // Altered: the backup now says the bucket allowed everything from anywhere.
    std::fs::write(&path, signed.replace("https://old.example", "*")).unwrap();
    let altered = cli.run_with(&["rollback", "--auto-approve"]);
    altered.code(1);
    assert!(
        altered.stderr.contains("journal.jsonl:1: the entry's signature does not match its contents and CORS_SYNC_PLAN_KEY"),
        "{}",
        altered.stderr
    );
    // Unsigned (written by hand, or by a run without the key).
    let unsigned: String = signed
        .lines()
        .map(|line| format!("{}}}\n", &line[..line.rfind(",\"mac\":").unwrap()]))
        .collect();
    std::fs::write(&path, &unsigned).unwrap();
    let refused = cli.run_with(&["rollback", "--auto-approve"]);
    refused.code(1);
    assert!(
        refused
            .stderr
            .contains("journal.jsonl:1: the entry is not signed, and CORS_SYNC_PLAN_KEY is set"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        s3::cors("bk-signed"),
        vec![rule(&["https://new.example"], &["GET"])]
    );

    std::fs::write(&path, &signed).unwrap();
    cli.run_with(&["rollback", "--auto-approve"]).code(0);
    assert_eq!(s3::cors("bk-signed"), old);
}

#[test]
fn without_a_key_a_journal_whose_entries_are_not_an_applys_is_refused() {
    s3::create_bucket("bk-chain-a", "us-east-1");
    s3::create_bucket("bk-chain-b", "us-east-1");
    s3::put_cors("bk-chain-a", &[rule(&["https://a.example"], &["GET"])]);
    s3::put_cors("bk-chain-b", &[rule(&["https://b.example"], &["GET"])]);
    let cli = cors_sync().manifest(
        "version: 1\nbuckets:\n  - name: bk-chain-a\n    cors_rules: []\n  - name: bk-chain-b\n    cors_rules: []\n",
    );
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let path = journal_path(&cli);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for (edited, why) in [
        (
            format!("{}\n{}\n{}\n", lines[0], lines[1], lines[1]),
            "3: the entry is not the one an apply wrote after line 2",
        ),
        (
            format!("{}\n{}\n", lines[1], lines[0]),
            "1: the entry is not the one an apply wrote first",
        ),
    ] {
        std::fs::write(&path, edited).unwrap();
        let run = cli.run_with(&["rollback", "--auto-approve"]);
        run.code(1);
        assert!(run.stderr.contains(why), "{why}\n{}", run.stderr);
    }
    assert_eq!(s3::cors("bk-chain-a"), vec![]);
    // As written, it rolls back, saying it is unsigned and showing what it will write where.
    std::fs::write(&path, &text).unwrap();
    let run = cli.run_with(&["rollback", "--auto-approve"]);
    run.code(0);
    assert!(
        run.stderr
            .contains("is not signed (CORS_SYNC_PLAN_KEY is not set)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("s3_bucket.bk-chain-a") && run.stdout.contains("s3_bucket.bk-chain-b"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_empty_plan_key_is_an_error_not_no_key() {
    s3::create_bucket("bk-empty-key", "us-east-1");
    let cli = cors_sync()
        .manifest(&bucket_manifest("bk-empty-key", &[rule(&["*"], &["GET"])]))
        .env("CORS_SYNC_PLAN_KEY", "");
    for args in [
        &["apply", "-f", "manifest.yaml", "--auto-approve"][..],
        &["rollback", "--auto-approve"][..],
        &["plan", "-f", "manifest.yaml", "--out", "saved.plan"][..],
    ] {
        let run = cli.run_with(args);
        run.code(1);
        assert_eq!(
            run.stderr,
            "error: CORS_SYNC_PLAN_KEY is set but empty: set it to the team's key, or unset it to work without one; nothing was read or written\n",
            "{args:?}"
        );
    }
    assert_eq!(s3::cors("bk-empty-key"), vec![]);
    assert!(!cli.path("saved.plan").exists());
}

#[test]
fn a_saved_plan_that_changes_a_resource_twice_is_refused() {
    s3::create_bucket("bk-twice", "us-east-1");
    let cli = cors_sync().manifest(&bucket_manifest("bk-twice", &[rule(&["*"], &["GET"])]));
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "saved.plan"])
        .code(0);
    let text = std::fs::read_to_string(cli.path("saved.plan")).unwrap();
    let mut saved = cors_sync_core::plan_file::decode(&text, None).unwrap();
    saved.plan.changes.push(saved.plan.changes[0].clone());
    std::fs::write(
        cli.path("saved.plan"),
        cors_sync_core::plan_file::encode(&saved, None),
    )
    .unwrap();
    let run = cli.run_with(&["apply", "saved.plan"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("it changes s3_bucket.bk-twice twice; a plan changes each resource once"),
        "{}",
        run.stderr
    );
    assert_eq!(s3::cors("bk-twice"), vec![]);
}

#[test]
fn a_journal_whose_first_line_cannot_be_written_leaves_no_backup_and_writes_nothing() {
    s3::create_bucket("bk-no-room", "us-east-1");
    let long = format!("https://{}.example", "x".repeat(1500));
    s3::put_cors("bk-no-room", &[rule(&[&long], &["GET"])]);
    // One KiB: the lock file fits, the first journal line (over 1.5 KiB) does not.
    let cli = cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: bk-no-room\n    cors_rules: []\n")
        .file_size_limit(1);
    let run = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("its previous state could not be backed up"),
        "{}",
        run.stderr
    );
    assert_eq!(
        backups(&cli),
        Vec::<PathBuf>::new(),
        "no empty backup is left"
    );
    assert_eq!(s3::cors("bk-no-room").len(), 1, "nothing was written");
}

/// One system call strace saw: where it began and ended in the trace (one line, or an
/// `<unfinished ...>` line and its `resumed` line when another thread's call came in between),
/// its name and its text (arguments and result).
struct Syscall {
    began: usize,
    ended: usize,
    name: String,
    text: String,
}

/// The calls of an `strace -f -yy` trace, each joined with its resumption.
fn syscalls(trace: &str) -> Vec<Syscall> {
    let mut calls = Vec::new();
    let mut unfinished: std::collections::HashMap<String, Syscall> = Default::default();
    for (at, line) in trace.lines().enumerate() {
        let Some((pid, call)) = line.split_once(' ') else {
            continue;
        };
        let call = call.trim_start();
        if let Some(rest) = call.strip_prefix("<... ") {
            let Some(mut began) = unfinished.remove(pid) else {
                continue;
            };
            began.ended = at;
            began.text.push_str(rest);
            calls.push(began);
        } else if let Some((name, _)) = call.split_once('(') {
            let call_of = Syscall {
                began: at,
                ended: at,
                name: name.to_string(),
                text: call.to_string(),
            };
            if let Some(text) = call.strip_suffix(" <unfinished ...>") {
                unfinished.insert(
                    pid.to_string(),
                    Syscall {
                        text: text.to_string(),
                        ..call_of
                    },
                );
            } else {
                calls.push(call_of);
            }
        }
    }
    calls
}

/// The adversarial side of group commit: the journal's flushes are shared by the writes waiting
/// together, and no write may be sent before a flush that began after its entry was written has
/// finished. Read from the system calls themselves (strace, every thread, in the order they
/// happened): for each bucket, its entry's write to the journal, then an fsync of the journal
/// that returned, then the PutBucketCors on the socket.
#[test]
fn every_write_is_sent_only_after_a_flush_of_its_backup_entry_has_returned() {
    let strace = std::process::Command::new("strace").arg("-V").output();
    assert!(
        strace.is_ok_and(|out| out.status.success()),
        "strace is not installed: `apt-get install strace` (this test reads the order of cors-sync's system calls)"
    );
    let buckets: Vec<String> = (1..=24).map(|n| format!("bk-flushed-{n:02}")).collect();
    let mut manifest = String::from("version: 1\nbuckets:\n");
    for bucket in &buckets {
        s3::create_bucket(bucket, "us-east-1");
        s3::put_cors(bucket, &[rule(&["https://old.example"], &["GET"])]);
        manifest.push_str(&format!(
            "  - name: {bucket}\n    cors_rules:\n      - allowed_origins: [\"https://new.example\"]\n        allowed_methods: [GET]\n"
        ));
    }
    let dir = tempfile::tempdir().expect("scratch directory");
    let trace_path = dir.path().join("trace");
    let cli = cors_sync().manifest(&manifest).syscall_trace(&trace_path);
    let apply = cli.run_with(&[
        "apply",
        "-f",
        "manifest.yaml",
        "--auto-approve",
        "--parallelism",
        "16",
    ]);
    apply.code(0);
    let trace = std::fs::read_to_string(&trace_path).expect("strace's trace");
    let calls = syscalls(&trace);
    let on_journal = |c: &Syscall| c.text.contains("journal.jsonl>");
    let flushes: Vec<&Syscall> = calls
        .iter()
        .filter(|c| c.name == "fsync" || c.name == "fdatasync")
        .filter(|c| on_journal(c))
        .filter(|c| c.text.trim_end().ends_with("= 0"))
        .collect();
    for bucket in &buckets {
        let entry = calls
            .iter()
            .filter(|c| c.name.starts_with("write") && on_journal(c))
            .find(|c| c.text.contains(bucket.as_str()))
            .unwrap_or_else(|| panic!("no journal entry written for {bucket}:\n{trace}"));
        let sends: Vec<&Syscall> = calls
            .iter()
            .filter(|c| !on_journal(c))
            .filter(|c| c.text.contains(&format!("PUT /{bucket}/")))
            .collect();
        assert!(!sends.is_empty(), "no PutBucketCors sent for {bucket}");
        for send in sends {
            assert!(
                flushes
                    .iter()
                    .any(|f| f.began > entry.ended && f.ended < send.began),
                "{bucket}'s write (trace line {}) was sent without a flush of the journal between its entry (line {}) and it:\n{trace}",
                send.began + 1,
                entry.ended + 1,
            );
        }
    }
    let recorded = std::fs::read_to_string(journal_path(&cli)).expect("the journal");
    assert_eq!(recorded.lines().count(), buckets.len(), "{recorded}");
}
