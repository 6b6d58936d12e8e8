//! What cors-sync writes reaches its destination whole or the run fails: stdout on a full disk
//! (`> /dev/full`) is exit 1, never a silent success over a truncated manifest; `plan --out` and
//! `export --out-dir` replace only a regular file, and a write that fails leaves nothing behind.

use std::os::unix::fs::{symlink, FileTypeExt};
use std::path::Path;
use std::process::Command;

use crate::saved_plans::two_buckets;
use crate::support::{cors_sync, s3};

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list the scratch directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const FULL: &str = "/dev/full";

#[track_caller]
fn assert_output_lost(run: &crate::support::Run, what: &str) {
    run.code(1);
    assert!(
        run.stderr
            .contains("error: cannot write the output: No space left on device"),
        "{what}: {}",
        run.stderr
    );
}

/// `export aws-json` of manifest.yaml, a file a bucket into the directory `out`.
const EXPORT_TO_OUT: [&str; 6] = [
    "export",
    "aws-json",
    "-f",
    "manifest.yaml",
    "--out-dir",
    "out",
];

#[test]
fn output_lost_to_a_full_disk_is_exit_1_for_every_command_that_prints() {
    s3::create_bucket("full-disk-a", "us-east-1");
    s3::create_bucket("full-disk-b", "us-east-1");
    let manifest = two_buckets("full-disk-a", "full-disk-b");
    let offline = cors_sync()
        .endpoint(None)
        .manifest(&manifest)
        .file(
            "s3-cors.json",
            r#"[{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"]}]"#,
        )
        .stdout_to(Path::new(FULL));
    let convert = offline.run_with(&[
        "convert",
        "aws-json",
        "s3-cors.json",
        "--bucket",
        "full-disk-a",
    ]);
    assert_output_lost(&convert, "convert");
    assert_output_lost(&offline.run_with(&["schema"]), "schema");
    let export = offline.run_with(&[
        "export",
        "aws-json",
        "-f",
        "manifest.yaml",
        "--bucket",
        "full-disk-a",
    ]);
    assert_output_lost(&export, "export");
    let online = cors_sync().manifest(&manifest).stdout_to(Path::new(FULL));
    let plan = online.run_with(&["plan", "-f", "manifest.yaml", "--format", "json"]);
    assert_output_lost(&plan, "plan --format json");
    // A plan with changes and --detailed-exitcode would be 2: lost output is still a failure.
    let detailed = online.run_with(&["plan", "-f", "manifest.yaml", "--detailed-exitcode"]);
    assert_output_lost(&detailed, "plan --detailed-exitcode");
}

#[test]
fn plan_out_refuses_what_is_not_a_regular_file_and_leaves_it_alone() {
    s3::create_bucket("out-target-a", "us-east-1");
    s3::create_bucket("out-target-b", "us-east-1");
    let cli = cors_sync()
        .manifest(&two_buckets("out-target-a", "out-target-b"))
        .file("a-directory/keep", "");
    mkfifo(&cli.path("pipe.plan"));
    symlink(cli.path("pipe.plan"), cli.path("link-to-pipe.plan")).expect("symlink");
    // A device behind a link in the scratch directory: /dev/null itself is never at risk.
    symlink("/dev/null", cli.path("device.plan")).expect("symlink");
    let before = entries(&cli.path(""));
    for (target, kind) in [
        ("pipe.plan", "it is a FIFO (named pipe), not a regular file"),
        (
            "link-to-pipe.plan",
            "it is a symbolic link to a FIFO (named pipe), not to a regular file",
        ),
        (
            "device.plan",
            "it is a symbolic link to a device, not to a regular file",
        ),
        ("a-directory", "it is a directory, not a regular file"),
    ] {
        let run = cli.run_with(&["plan", "-f", "manifest.yaml", "--out", target]);
        run.code(1);
        assert!(
            run.stderr.contains(&format!(
                "error: cannot write the plan file {target}: {kind}; refusing to replace it; the plan was not saved"
            )),
            "{target}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("Saved"), "{}", run.stderr);
    }
    assert_eq!(entries(&cli.path("")), before);
    assert!(is_fifo(&cli.path("pipe.plan")));
    for link in ["link-to-pipe.plan", "device.plan"] {
        assert!(std::fs::symlink_metadata(cli.path(link))
            .expect("the link")
            .file_type()
            .is_symlink());
    }
    // A regular file is replaced, and nothing else is left beside it.
    let saved = cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"]);
    saved.code(0);
    let mut expected = before.clone();
    expected.push("reviewed.plan".into());
    expected.sort();
    assert_eq!(entries(&cli.path("")), expected);
}

#[test]
fn a_plan_file_or_export_that_cannot_be_written_whole_leaves_nothing_behind() {
    s3::create_bucket("out-quota-a", "us-east-1");
    s3::create_bucket("out-quota-b", "us-east-1");
    // Files of at most 1 KiB (as a quota or a full disk would stop them): a plan file is larger.
    let cli = cors_sync()
        .manifest(&two_buckets("out-quota-a", "out-quota-b"))
        .file_size_limit(1);
    let plan = cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"]);
    plan.code(1);
    assert!(
        plan.stderr
            .contains("error: cannot write the plan file reviewed.plan: File too large"),
        "{}",
        plan.stderr
    );
    assert_eq!(entries(&cli.path("")), ["manifest.yaml"]);
    // An earlier plan at the path is kept as it was.
    std::fs::write(cli.path("reviewed.plan"), "the earlier plan").expect("earlier plan");
    cli.run_with(&["plan", "-f", "manifest.yaml", "--out", "reviewed.plan"])
        .code(1);
    assert_eq!(cli.read("reviewed.plan"), "the earlier plan");
    assert_eq!(entries(&cli.path("")), ["manifest.yaml", "reviewed.plan"]);

    let long_origins: Vec<String> = (0..40)
        .map(|i| format!("\"https://site-{i}.example.com\""))
        .collect();
    let large = format!(
        "version: 1\nbuckets:\n  - name: out-quota-export\n    cors_rules:\n      - allowed_origins: [{}]\n        allowed_methods: [GET]\n",
        long_origins.join(", ")
    );
    let export = cors_sync()
        .endpoint(None)
        .manifest(&large)
        .file_size_limit(1);
    let run = export.run_with(&EXPORT_TO_OUT);
    run.code(1);
    assert!(
        run.stderr
            .contains("error: cannot write out/out-quota-export.json: File too large"),
        "{}",
        run.stderr
    );
    assert_eq!(entries(&export.path("out")), Vec::<String>::new());
}

#[test]
fn export_out_dir_refuses_a_fifo_where_a_bucket_file_goes() {
    let cli = cors_sync().endpoint(None).manifest(
        "version: 1\nbuckets:\n  - name: export-fifo\n    cors_rules:\n      - allowed_origins: [\"https://a.example\"]\n        allowed_methods: [GET]\n",
    );
    std::fs::create_dir(cli.path("out")).expect("out");
    mkfifo(&cli.path("out/export-fifo.json"));
    let run = cli.run_with(&EXPORT_TO_OUT);
    run.code(1);
    assert!(
        run.stderr.contains(
            "error: cannot write out/export-fifo.json: it is a FIFO (named pipe), not a regular file; refusing to replace it"
        ),
        "{}",
        run.stderr
    );
    assert!(is_fifo(&cli.path("out/export-fifo.json")));
    assert_eq!(entries(&cli.path("out")), ["export-fifo.json"]);
}
