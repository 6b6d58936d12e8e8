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

/// `n` buckets named `{prefix}-{i}`, each with a rule long enough that a journal line is about
/// half a KiB.
fn long_rule_buckets(prefix: &str, n: usize) -> (String, Vec<String>) {
    let names: Vec<String> = (1..=n).map(|i| format!("{prefix}-{i}")).collect();
    let origin = format!("https://{}.example", "x".repeat(200));
    let mut manifest = String::from("version: 1\nbuckets:\n");
    for name in &names {
        s3::create_bucket(name, "us-east-1");
        s3::put_cors(name, &[rule(&[&origin], &["GET"])]);
        manifest.push_str(&format!("  - name: {name}\n    cors_rules: []\n"));
    }
    (manifest, names)
}

#[test]
fn a_full_disk_ends_the_journal_at_a_whole_line_and_writes_only_what_it_backed_up() {
    let (manifest, names) = long_rule_buckets("fulldisk", 6);
    // Two KiB hold about three journal lines: the disk "fills" partway through the run.
    let cli = cors_sync().manifest(&manifest).file_size_limit(2);
    let run = cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"]);
    run.code(1);
    assert!(
        run.stderr.contains("its previous state could not be backed up (cannot write the journal in .cors-sync/backups/"),
        "{}",
        run.stderr
    );
    let text = only_journal(&cli);
    assert!(
        text.ends_with('\n'),
        "the journal ends at a whole line:\n{text}"
    );
    let backed_up: Vec<String> = text
        .lines()
        .map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line).expect("a whole entry");
            let address = entry["change"]["address"].as_str().unwrap_or_default();
            address.trim_start_matches("s3_bucket.").to_string()
        })
        .collect();
    assert!(
        !backed_up.is_empty() && backed_up.len() < names.len(),
        "{backed_up:?}"
    );
    for name in &names {
        let written = s3::cors(name).is_empty();
        assert_eq!(
            written,
            backed_up.contains(name),
            "{name}: written only if backed up"
        );
    }
}

fn only_journal(cli: &crate::support::CorsSync) -> String {
    let mut dirs = std::fs::read_dir(cli.path(".cors-sync/backups"))
        .expect("a backup directory")
        .flatten();
    let dir = dirs.next().expect("one backup").path();
    assert!(dirs.next().is_none(), "one backup");
    std::fs::read_to_string(dir.join("journal.jsonl")).expect("its journal")
}

#[test]
fn rollback_restores_every_whole_entry_of_a_journal_whose_last_line_is_torn() {
    let (manifest, names) = long_rule_buckets("torn", 3);
    let cli = cors_sync().manifest(&manifest);
    cli.run_with(&["apply", "-f", "manifest.yaml", "--auto-approve"])
        .code(0);
    let whole = only_journal(&cli);
    // As if the run had stopped while writing a fourth line.
    let torn = format!("{whole}{{\"recorded_at\": \"20260101T000000Z\", \"change\": {{\"addr");
    let mut dirs = std::fs::read_dir(cli.path(".cors-sync/backups"))
        .unwrap()
        .flatten();
    let dir = dirs.next().unwrap().path();
    std::fs::write(dir.join("journal.jsonl"), torn).unwrap();
    let run = cli.run_with(&["rollback", "--auto-approve"]);
    run.code(0);
    assert!(
        run.stderr.contains("journal.jsonl:4 is cut short (the run stopped or the disk filled while it was written); its resource was not written then, so it is skipped"),
        "{}",
        run.stderr
    );
    for name in &names {
        assert_eq!(s3::cors(name).len(), 1, "{name} restored");
    }
}
