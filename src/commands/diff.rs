//! `cors-sync diff`: what a manifest change does to browsers' access, offline. No credentials,
//! nothing contacted: two manifests, or one at a git revision (read with git) and the working
//! tree's.

use std::path::{Path, PathBuf};
use std::process::Command;

use cors_sync_core::access;
use cors_sync_core::provider::Provider;
use cors_sync_core::render::access_report;

use super::{load_manifest, Error, Outcome, Refusal};
use crate::cli::{DiffArgs, DiffFormat};
use crate::output::out;

pub fn run(args: &DiffArgs, provider: Option<Provider>) -> Result<Outcome, Error> {
    let (base, head) = match (&args.base, &args.head, &args.base_ref) {
        (Some(base), Some(head), _) => (
            load_manifest(base, provider)?,
            load_manifest(head, provider)?,
        ),
        (_, _, Some(reference)) => {
            let at_ref = AtRevision::read(reference, &args.manifest)?;
            (
                load_manifest(&at_ref.path, provider)?,
                load_manifest(&args.manifest, provider)?,
            )
        }
        _ => return Err(Refusal::DiffWhatAgainstWhat.into()),
    };
    let report = access::compare(&base, &head);
    match args.format {
        DiffFormat::Text => out!("{}", access_report::text(&report)),
        DiffFormat::Json => out!("{}\n", access_report::json(&report)),
        DiffFormat::Markdown => out!("{}", access_report::markdown(&report)),
    }
    Ok(if args.fail_on_widen && report.widens() {
        Outcome::Widens
    } else if args.detailed_exitcode && report.changes_access() {
        Outcome::ChangesPresent
    } else {
        Outcome::Success
    })
}

/// The manifest at a git revision, written out to a scratch directory (removed when dropped).
struct AtRevision {
    scratch: PathBuf,
    path: PathBuf,
}

impl Drop for AtRevision {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

impl AtRevision {
    fn read(reference: &str, manifest: &Path) -> Result<Self, Error> {
        let git = |args: &[&str]| -> Result<Vec<u8>, Error> {
            let output = Command::new("git")
                .args(args)
                .output()
                .map_err(Refusal::GitNotRun)?;
            if !output.status.success() {
                return Err(Refusal::GitFailed {
                    args: args.join(" "),
                    stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
                }
                .into());
            }
            Ok(output.stdout)
        };
        let pathspec = manifest.display().to_string();
        // A ref is only ever a ref: one written `--output=FILE` must not reach git as an option
        // (`--end-of-options`, git 2.24 and later).
        let listed = git(&[
            "ls-tree",
            "-r",
            "--name-only",
            "--end-of-options",
            reference,
            "--",
            &pathspec,
        ])?;
        let files: Vec<String> = String::from_utf8_lossy(&listed)
            .lines()
            .map(str::to_string)
            .collect();
        if files.is_empty() {
            return Err(Refusal::NotAtRevision {
                pathspec,
                reference: reference.to_string(),
            }
            .into());
        }
        let scratch = std::env::temp_dir().join(format!(
            "cors-sync-diff-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let at = AtRevision {
            path: scratch.join(manifest),
            scratch,
        };
        for file in files {
            let text = git(&["show", "--end-of-options", &format!("{reference}:./{file}")])?;
            let target = at.scratch.join(&file);
            let written = target
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&target, text));
            written.map_err(|source| Error::File {
                what: format!("cannot write {}", target.display()),
                source,
            })?;
        }
        Ok(at)
    }
}
