//! Files and streams that are not what they seem: a FIFO or a device where a manifest or a plan
//! file should be, a manifest directory with a dangling link, and a stdout closed mid-run.

use std::process::Command;

use crate::support::s3::{self, rule};
use crate::support::{assert_run, cors_sync, finish};

fn mkfifo(path: &std::path::Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_or_a_device_is_refused_before_it_is_read() {
    let cli = cors_sync();
    mkfifo(&cli.path("pipe.yaml"));
    // Opening a FIFO would block until something writes to it: the run must not hang.
    let run = cli.run_with(&["validate", "-f", "pipe.yaml"]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    pipe.yaml: error: it is a FIFO (named pipe), not a regular file; refusing to read it
    error: the manifest has 1 error; nothing was read from or written to AWS
    ");
    // `/dev/zero` never ends: reading it whole would grow without bound.
    let run = cli.run_with(&["apply", "/dev/zero"]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    error: cannot read the plan file /dev/zero: it is a device, not a regular file; refusing to read it
    ");
}

#[test]
fn a_manifest_file_that_cannot_be_read_is_named_never_skipped() {
    let cli = cors_sync()
        .file(
            "manifests/a.yaml",
            "version: 1\nbuckets:\n  - name: hostile-dir-a\n    cors_rules: []\n",
        )
        .file("manifests/notes.txt", "not a manifest, not read");
    std::os::unix::fs::symlink(cli.path("nowhere.yaml"), cli.path("manifests/b.yaml"))
        .expect("symlink");
    mkfifo(&cli.path("manifests/c.yml"));
    let run = cli.run_with(&["validate", "-f", "manifests"]);
    assert_run!(run, @"
    exit code: 1
    ----- stdout -----

    ----- stderr -----
    manifests/b.yaml: error: cannot read the manifest: No such file or directory (os error 2)
    manifests/c.yml: error: it is a FIFO (named pipe), not a regular file; refusing to read it
    error: the manifest has 2 errors; nothing was read from or written to AWS
    ");
}

#[test]
fn a_closed_stdout_is_no_panic_and_an_apply_still_finishes() {
    s3::create_bucket("closed-stdout", "us-east-1");
    let cli = cors_sync().manifest(
        "version: 1\nbuckets:\n  - name: closed-stdout\n    cors_rules:\n      - allowed_origins: [\"https://a.example\"]\n        allowed_methods: [GET]\n",
    );
    for args in [
        vec!["plan", "-f", "manifest.yaml"],
        vec!["apply", "-f", "manifest.yaml", "--auto-approve"],
    ] {
        let mut child = cli.spawn_with(&args);
        // The reader goes away before cors-sync prints anything, as `| head -0` would.
        drop(child.stdout.take());
        let run = finish(child, "");
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(
        s3::cors("closed-stdout"),
        vec![rule(&["https://a.example"], &["GET"])]
    );
}
