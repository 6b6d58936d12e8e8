//! The repository stands alone: a clone in an empty directory, with no sibling folders, builds
//! and passes the offline tests (the pure core's, and the end-to-end tests that read the
//! repository's own files). A test or a build step that reads a path outside the repository fails here the day
//! it is added, not on a newcomer's machine.
//!
//! The clone is of the committed HEAD (uncommitted edits are not in it). It builds in
//! `target/fresh-clone/`, kept between runs so that only the project's own crates rebuild.

use std::path::Path;
use std::process::Command;

use crate::support::emulator::repo_root;

/// The folders `make test` installs inside the repository (tools, not sources): a clone gets
/// them from `make test` too, so they are linked rather than installed again.
const INSTALLED_TOOLS: [&str; 3] = [".venv", ".s3rver", ".browser"];

/// End-to-end tests that read files the repository carries (schemas, example manifests, fixtures),
/// the kind that break when one of those lives outside it.
const OFFLINE_E2E: [&str; 4] = [
    "findings::",
    "convert::",
    "diff::",
    "cli::the_example_manifests",
];

#[test]
fn a_fresh_clone_with_nothing_beside_it_passes_the_offline_tests() {
    let scratch = tempfile::tempdir().expect("scratch directory");
    let clone = scratch.path().join("cors-sync");
    let cloned = Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks"])
        .arg(repo_root())
        .arg(&clone)
        .output()
        .expect("run git (the tests need git on PATH)");
    assert!(
        cloned.status.success(),
        "git clone of {} failed: {}",
        repo_root().display(),
        String::from_utf8_lossy(&cloned.stderr)
    );
    for tool in INSTALLED_TOOLS {
        let installed = repo_root().join(tool);
        assert!(
            installed.exists(),
            "{} is missing: run `make test`, which installs it",
            installed.display()
        );
        std::os::unix::fs::symlink(&installed, clone.join(tool)).expect("link an installed tool");
    }
    let entries: Vec<_> = std::fs::read_dir(scratch.path())
        .expect("list the scratch directory")
        .collect();
    assert_eq!(entries.len(), 1, "the clone must have nothing beside it");

    cargo_test(&clone, &["-p", "cors-sync-core"], &[]);
    cargo_test(&clone, &["--test", "e2e"], &OFFLINE_E2E);
}

/// Runs `cargo test ARGS -- FILTERS` in the clone and fails with its output unless it passes.
fn cargo_test(clone: &Path, args: &[&str], filters: &[&str]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(clone)
        .args(["test", "--quiet", "--no-fail-fast"])
        .args(args)
        .arg("--")
        .args(filters);
    // The outer `cargo test` describes this package to its test process; the inner cargo must
    // describe the clone instead.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("CARGO_") && name != "CARGO_HOME" {
            command.env_remove(&name);
        }
    }
    command.env("CARGO_TARGET_DIR", repo_root().join("target/fresh-clone"));
    let run = command.output().expect("run cargo in the clone");
    // Indented, so that `make test`'s closing count does not take the clone's result lines for
    // this run's own.
    let indented = |output: &[u8]| -> String {
        String::from_utf8_lossy(output)
            .lines()
            .map(|line| format!("    {line}\n"))
            .collect()
    };
    assert!(
        run.status.success(),
        "`cargo test {}` failed in a fresh clone at {}:\n{}{}",
        args.join(" "),
        clone.display(),
        indented(&run.stdout),
        indented(&run.stderr)
    );
}
