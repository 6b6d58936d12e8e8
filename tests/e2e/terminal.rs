//! Behaviour that depends on a person being at a terminal: colour and the approval prompt.

use crate::support::cors_sync;
use crate::support::s3::{self, rule};

const MANIFEST: &str = "version: 1\nbuckets:\n  - name: BUCKET\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n";

fn manifest_for(bucket: &str) -> String {
    MANIFEST.replace("BUCKET", bucket)
}

#[test]
fn plan_on_a_terminal_is_coloured_unless_no_color_or_no_color_flag() {
    s3::create_bucket("tty-colour", "us-east-1");
    let manifest = manifest_for("tty-colour");
    let coloured = cors_sync()
        .manifest(&manifest)
        .on_terminal()
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    coloured.code(0);
    assert!(
        coloured.stdout.contains("\x1b[32m+"),
        "colour on a terminal: {:?}",
        coloured.stdout
    );

    let no_color_env = cors_sync()
        .manifest(&manifest)
        .on_terminal()
        .env("NO_COLOR", "1")
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    no_color_env.code(0);
    assert!(
        no_color_env.stdout.contains("Plan: 1 to create"),
        "{:?}",
        no_color_env.stdout
    );
    assert!(
        !has_colour(&no_color_env.stdout),
        "NO_COLOR: {:?}",
        no_color_env.stdout
    );

    let no_color_flag = cors_sync()
        .manifest(&manifest)
        .on_terminal()
        .args(["plan", "-f", "manifest.yaml", "--no-color"])
        .run();
    assert!(
        !has_colour(&no_color_flag.stdout),
        "--no-color: {:?}",
        no_color_flag.stdout
    );

    let piped = cors_sync()
        .manifest(&manifest)
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    assert!(
        !piped.stdout.contains('\x1b'),
        "never colour into a pipe: {:?}",
        piped.stdout
    );
}

#[test]
fn apply_on_a_terminal_writes_only_after_yes() {
    s3::create_bucket("tty-approve", "us-east-1");
    let manifest = manifest_for("tty-approve");

    let declined = cors_sync()
        .manifest(&manifest)
        .on_terminal()
        .env("NO_COLOR", "1")
        .stdin("no\n")
        .args(["apply", "-f", "manifest.yaml"])
        .run();
    declined.code(1);
    assert!(
        declined
            .stdout
            .contains("Do you want to perform these actions?"),
        "{:?}",
        declined.stdout
    );
    assert!(
        declined
            .stdout
            .contains("Apply cancelled. Nothing was written."),
        "{:?}",
        declined.stdout
    );
    assert_eq!(s3::cors("tty-approve"), vec![]);

    let approved = cors_sync()
        .manifest(&manifest)
        .on_terminal()
        .env("NO_COLOR", "1")
        .stdin("yes\n")
        .args(["apply", "-f", "manifest.yaml"])
        .run();
    approved.code(0);
    assert!(
        approved
            .stdout
            .contains("Apply complete: 1 created, 0 updated, 0 deleted."),
        "{:?}",
        approved.stdout
    );
    assert_eq!(s3::cors("tty-approve"), vec![rule(&["*"], &["GET"])]);
}

#[test]
fn progress_shows_on_a_terminal_and_never_with_quiet_or_in_a_pipe() {
    s3::create_bucket("tty-progress", "us-east-1");
    let manifest = manifest_for("tty-progress");
    let shown = cors_sync()
        .manifest(&manifest)
        .on_terminal()
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    shown.code(0);
    assert!(
        shown.stdout.contains("reading live state ["),
        "a progress bar on the terminal: {:?}",
        shown.stdout
    );
    let bar = shown
        .stdout
        .split("reading live state [")
        .nth(1)
        .and_then(|rest| rest.split(['\r', '\n', '\x1b']).next())
        .unwrap_or_default();
    assert!(
        bar.contains("/s  ETA ") && bar.contains("/1  "),
        "the bar shows the count, a rate and an ETA: {bar:?}"
    );
    let quiet = cors_sync()
        .manifest(&manifest)
        .on_terminal()
        .args(["plan", "-f", "manifest.yaml", "--quiet"])
        .run();
    quiet.code(0);
    assert!(
        !quiet.stdout.contains("reading live state"),
        "--quiet: {:?}",
        quiet.stdout
    );
    let piped = cors_sync()
        .manifest(&manifest)
        .args(["plan", "-f", "manifest.yaml"])
        .run();
    assert!(
        !piped.stderr.contains("reading live state"),
        "no progress into a pipe: {:?}",
        piped.stderr
    );
}

/// True when the text holds an ANSI colour (SGR) sequence; cursor control such as a progress
/// bar's clear-line is not colour.
fn has_colour(text: &str) -> bool {
    text.split("\x1b[").skip(1).any(|rest| {
        let code: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ';')
            .collect();
        rest[code.len()..].starts_with('m')
    })
}
