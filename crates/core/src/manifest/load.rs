//! A manifest path (one file, or a directory of `*.yaml` / `*.yml` files) → one merged manifest,
//! with every problem of every file reported together.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::decode::decode;
use super::yaml_tree::{self, Position};
use super::Manifest;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceLocation};
use crate::input::InputError;
use crate::provider::Provider;

/// Manifest files larger than this are refused: a CORS manifest for thousands of buckets is a few
/// megabytes, and a bound keeps hostile input from exhausting memory.
pub const MAX_FILE_BYTES: u64 = crate::input::MAX_INPUT_BYTES;

/// Reads and checks the manifest at `path`. `Err` holds every error found (warnings never fail a load).
pub fn load(path: &Path) -> Result<Manifest, Diagnostics> {
    load_on(path, Provider::Aws)
}

/// Reads and checks the manifest at `path`, its resources outside any declared account being on
/// `provider` (`--provider`).
pub fn load_on(path: &Path, provider: Provider) -> Result<Manifest, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let files = manifest_files(path, &mut diagnostics);
    let mut unread = Diagnostics::default();
    // Each file is read when merge reaches it, and its text dropped once parsed: a manifest near
    // the read limit is never in memory as text, tree and model at once.
    let sources = files.into_iter().filter_map(|file| {
        let text = read_text(&file, &mut unread)?;
        Some((file, text))
    });
    let manifest = merge(sources, provider, &mut diagnostics);
    diagnostics.0.extend(unread.0);
    finish(manifest, diagnostics)
}

/// Checks manifest text as if read from `file`; for tests and for text that is not on disk.
pub fn load_str(file: &Path, text: &str) -> Result<Manifest, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let manifest = merge(
        [(file.to_path_buf(), text.to_string())],
        Provider::Aws,
        &mut diagnostics,
    );
    finish(manifest, diagnostics)
}

fn finish(manifest: Manifest, mut diagnostics: Diagnostics) -> Result<Manifest, Diagnostics> {
    diagnostics.sort();
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(manifest)
    }
}

fn merge(
    sources: impl IntoIterator<Item = (PathBuf, String)>,
    provider: Provider,
    diagnostics: &mut Diagnostics,
) -> Manifest {
    let mut merged = Manifest {
        provider,
        ..Manifest::default()
    };
    let mut accounts = Vec::new();
    let mut digested = Sha256::new();
    for (file, text) in sources {
        digested.update(file.display().to_string().as_bytes());
        digested.update([0]);
        digested.update(text.as_bytes());
        digested.update([0]);
        // A byte-order mark may open a YAML stream; it is not part of the document.
        let parsed = yaml_tree::parse(text.strip_prefix('\u{feff}').unwrap_or(&text));
        drop(text);
        let file = file.as_path();
        let root = match parsed {
            Ok(root) => root,
            Err(syntax) => {
                let location = SourceLocation::new(file, syntax.position);
                diagnostics.push(
                    Diagnostic::error(location, format!("invalid YAML: {}", syntax.message))
                        .with_help(syntax.help),
                );
                continue;
            }
        };
        let (decoded, declared) = decode(file, &root, diagnostics);
        accounts.push(declared);
        merged.buckets.extend(decoded.buckets);
        merged.distributions.extend(decoded.distributions);
        merged
            .origin_request_policies
            .extend(decoded.origin_request_policies);
        merged
            .response_headers_policies
            .extend(decoded.response_headers_policies);
    }
    super::accounts::resolve(&mut merged, accounts, diagnostics);
    for problem in crate::provider::rules::manifest_problems(&merged) {
        diagnostics.push(problem);
    }
    report_duplicates(&merged, diagnostics);
    merged.digest = crate::fingerprint::sha256_text(&digested.finalize());
    merged
}

fn report_duplicates(manifest: &Manifest, diagnostics: &mut Diagnostics) {
    // Bucket names and distribution IDs are global; policy names are unique within an account,
    // so the same policy name may stand in two accounts.
    let kinds = [
        (
            "bucket",
            "a bucket's whole CORS configuration belongs in one entry",
            manifest
                .buckets
                .iter()
                .map(|b| (None, b.name.as_str(), &b.location))
                .collect::<Vec<_>>(),
        ),
        (
            "distribution",
            "list all of a distribution's behaviors in one entry",
            manifest
                .distributions
                .iter()
                .map(|d| (None, d.id.as_str(), &d.location))
                .collect(),
        ),
        (
            "origin request policy",
            "policy names are unique in an account",
            manifest
                .origin_request_policies
                .iter()
                .map(|p| (p.account_name(), p.name.as_str(), &p.location))
                .collect(),
        ),
        (
            "response headers policy",
            "policy names are unique in an account",
            manifest
                .response_headers_policies
                .iter()
                .map(|p| (p.account_name(), p.name.as_str(), &p.location))
                .collect(),
        ),
    ];
    for (what, help, entries) in kinds {
        report_named_twice(what, entries, help, diagnostics);
    }
}

/// Each entry named a second time within its scope (an account, or `None`: everywhere).
fn report_named_twice(
    what: &str,
    entries: Vec<(Option<&str>, &str, &SourceLocation)>,
    help: &str,
    diagnostics: &mut Diagnostics,
) {
    let mut first_seen: HashMap<(Option<&str>, &str), &SourceLocation> = HashMap::new();
    for (scope, name, location) in entries {
        match first_seen.get(&(scope, name)) {
            Some(first) => diagnostics.push(
                Diagnostic::error(
                    location.clone(),
                    format!("{what} `{name}` is named twice: first at {first}"),
                )
                .with_help(Some(help.to_string())),
            ),
            None => {
                first_seen.insert((scope, name), location);
            }
        }
    }
}

fn manifest_files(path: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                SourceLocation::whole_file(path),
                format!("cannot read the manifest: {error}"),
            ));
            return Vec::new();
        }
    };
    if !metadata.is_dir() {
        // read_text refuses what is not a regular file, naming what it is.
        return vec![path.to_path_buf()];
    }
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                SourceLocation::whole_file(path),
                format!("cannot list the manifest directory: {error}"),
            ));
            return Vec::new();
        }
    };
    // Every `*.yaml` / `*.yml` entry is read, so one that cannot be (a dangling link, a FIFO, no
    // permission) is an error naming it rather than a manifest silently missing a file.
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    // Sorted so that messages and merged order do not depend on the file system.
    files.sort();
    if files.is_empty() {
        diagnostics.push(Diagnostic::error(
            SourceLocation::whole_file(path),
            "the manifest directory has no *.yaml or *.yml files",
        ));
    }
    files
}

fn read_text(file: &Path, diagnostics: &mut Diagnostics) -> Option<String> {
    let bytes = match crate::input::read_regular(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            let message = match error {
                InputError::Io(error) => format!("cannot read the manifest: {error}"),
                refused => refused.to_string(),
            };
            diagnostics.push(Diagnostic::error(SourceLocation::whole_file(file), message));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) => {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let valid = String::from_utf8_lossy(valid);
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diagnostics.push(Diagnostic::error(
                SourceLocation::new(file, Position { line, column }),
                "the manifest is not valid UTF-8",
            ));
            None
        }
    }
}
