//! Backups and rollback: apply keeps what it read, rollback puts it back, and a missing backup or
//! a broken journal is a clear error.

use crate::reliability::two_rules_manifest;
use crate::support::cloudfront as cf;
use crate::support::s3::{self, rule};
use crate::support::{cors_sync, SESSION_TOKEN};

#[test]
fn apply_backs_up_and_rollback_restores_buckets_and_distributions() {
    s3::create_bucket("rollback-a", "us-east-1");
    s3::create_bucket("rollback-b", "us-east-1");
    s3::put_cors(
        "rollback-a",
        &[rule(&["https://old.example"], &["GET", "HEAD"])],
    );
    let id = cf::create_distribution("rollback-cdn", "rollback-a");
    let distribution_before = cf::config(&id);
    let text = format!(
        "{}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method]\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n      \"/fonts/*\":\n        response_headers_policy: Managed-SimpleCORS\n",
        two_rules_manifest("rollback-a", "rollback-b")
    );
    let cli = cors_sync().manifest(&text);
    let apply = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    apply.code(0);
    assert!(
        apply
            .stderr
            .contains("Backed up the previous state to .cors-sync/backups/"),
        "{}",
        apply.stderr
    );
    assert_eq!(s3::cors("rollback-a"), vec![rule(&["*"], &["GET"])]);

    let backups: Vec<_> = std::fs::read_dir(cli.path(".cors-sync/backups"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1);
    let journal = cli.read(&format!(
        ".cors-sync/backups/{}/journal.jsonl",
        backups[0].as_ref().unwrap().file_name().to_string_lossy()
    ));
    assert_eq!(journal.lines().count(), 3, "one entry per written resource");
    assert!(!journal.contains("test-secret-key-never-printed") && !journal.contains(SESSION_TOKEN));

    let rollback = cli.run_with(&["rollback", "--auto-approve"]);
    rollback.code(0);
    assert!(
        rollback
            .stdout
            .contains("Plan: 0 to create, 2 to update, 1 to delete."),
        "{}",
        rollback.stdout
    );
    assert_eq!(
        s3::cors("rollback-a"),
        vec![rule(&["https://old.example"], &["GET", "HEAD"])]
    );
    assert_eq!(s3::cors("rollback-b"), vec![]);
    assert_eq!(
        cf::config(&id),
        distribution_before,
        "the distribution is exactly as it was"
    );
    // Rolling back wrote a journal of its own, so the rollback can itself be undone.
    assert_eq!(
        std::fs::read_dir(cli.path(".cors-sync/backups"))
            .unwrap()
            .count(),
        2
    );
}

#[test]
fn rollback_without_a_backup_or_with_a_broken_journal_is_a_clear_error() {
    let cli = cors_sync().endpoint(None);
    let none = cli.run_with(&["rollback", "--auto-approve"]);
    none.code(1);
    assert_eq!(
        none.stderr,
        "error: there are no backups in .cors-sync/backups\n"
    );
    let cli = cli.file(
        ".cors-sync/backups/20260101T000000Z/journal.jsonl",
        "{\"not\": \"an entry\"}\n",
    );
    let broken = cli.run_with(&["rollback", "--auto-approve"]);
    broken.code(1);
    assert!(
        broken.stderr.starts_with(
            "error: .cors-sync/backups/20260101T000000Z/journal.jsonl:1: not a journal entry"
        ),
        "{}",
        broken.stderr
    );
}
