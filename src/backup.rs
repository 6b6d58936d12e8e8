//! The backup journal: before each write, `apply` records the resource's previous live state in
//! `<backup dir>/<UTC time>/journal.jsonl`, written and flushed to disk before the write is sent.
//! One JSON line per resource: `{"recorded_at": "…", "change": <the planned change>, "account":
//! <as declared, only when the manifest declares accounts>}`; the change
//! holds the previous state (`before`). No credentials are ever part of it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_smithy_types::date_time::{DateTime, Format};
use cors_sync_aws::apply::Journal;
use cors_sync_core::manifest::Account;
use cors_sync_core::plan::Change;
use serde::{Deserialize, Serialize};

use crate::error::Error;

pub const JOURNAL_FILE: &str = "journal.jsonl";

#[derive(Serialize, Deserialize)]
struct Entry {
    recorded_at: String,
    change: Change,
    /// The declared account the resource is in, as declared, so rollback acts there again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account: Option<Account>,
}

/// A journal for one run, created on its first record (a run that writes nothing leaves none).
pub struct FileJournal {
    root: PathBuf,
    open: Mutex<Option<(PathBuf, File)>>,
}

impl FileJournal {
    pub fn new(root: &Path) -> Self {
        FileJournal {
            root: root.to_path_buf(),
            open: Mutex::new(None),
        }
    }

    /// The run's backup directory, once something was recorded.
    pub fn directory(&self) -> Option<PathBuf> {
        let open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        open.as_ref().map(|(dir, _)| dir.clone())
    }

    fn create(&self) -> io::Result<(PathBuf, File)> {
        let stamp = utc_stamp(SystemTime::now());
        let mut dir = self.root.join(&stamp);
        let mut n = 1;
        while dir.exists() {
            n += 1;
            dir = self.root.join(format!("{stamp}-{n}"));
        }
        fs::create_dir_all(&dir).map_err(|e| in_words(e, "cannot create", &dir))?;
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(dir.join(JOURNAL_FILE))
            .map_err(|e| in_words(e, "cannot create the journal in", &dir))?;
        Ok((dir, file))
    }
}

/// The run's journal as one account's writes record into it.
pub struct InAccountJournal<'j> {
    pub journal: &'j FileJournal,
    pub account: Option<&'j Account>,
}

impl Journal for InAccountJournal<'_> {
    fn record(&self, change: &Change) -> io::Result<()> {
        self.journal.record_in(change, self.account)
    }
}

impl FileJournal {
    fn record_in(&self, change: &Change, account: Option<&Account>) -> io::Result<()> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if open.is_none() {
            *open = Some(self.create()?);
        }
        let Some((dir, file)) = open.as_mut() else {
            return Err(io::Error::other("the journal is not open"));
        };
        let entry = Entry {
            recorded_at: utc_stamp(SystemTime::now()),
            change: change.clone(),
            account: account.cloned(),
        };
        let mut line = serde_json::to_string(&entry).map_err(io::Error::other)?;
        line.push('\n');
        let whole_lines = file.metadata()?.len();
        let written = file
            .write_all(line.as_bytes())
            .and_then(|()| file.sync_all());
        if let Err(error) = written {
            // A full disk (or a file-size limit) can leave half a line: cut the journal back to
            // its last whole line, so it never ends mid-entry, and the resource is not written.
            let _ = file.set_len(whole_lines).and_then(|()| file.sync_all());
            return Err(in_words(error, "cannot write the journal in", dir));
        }
        Ok(())
    }
}

/// The error, its message led by what could not be done where.
fn in_words(error: io::Error, what: &str, dir: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{what} {}: {error}", dir.display()))
}

/// The most recent backup under `root`.
pub fn latest(root: &Path) -> Option<PathBuf> {
    fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join(JOURNAL_FILE).is_file())
        .max_by_key(|p| run_order(p))
}

/// Where a backup directory stands in time: its UTC stamp, then the run's number within that
/// second (`STAMP`, `STAMP-2`, ... `STAMP-14`), compared as a number so `-14` is after `-9`.
fn run_order(dir: &Path) -> (String, u64) {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.split_once('-') {
        Some((stamp, n)) => (stamp.to_string(), n.parse().unwrap_or(0)),
        None => (name, 1),
    }
}

/// What a journal recorded.
pub struct Recorded {
    /// The changes, in the order they were written, each with its declared account.
    pub changes: Vec<(Option<Account>, Change)>,
    /// The number of a last line cut short (the run stopped, or the disk filled, while it was
    /// written): its resource was not written then, so there is nothing of it to restore.
    pub torn_line: Option<usize>,
}

/// The changes a journal recorded. A torn last line is skipped and reported; any other line that
/// is not an entry makes the journal unreadable.
pub fn read(dir: &Path) -> Result<Recorded, Error> {
    let path = dir.join(JOURNAL_FILE);
    let text = cors_sync_core::input::read_regular(&path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| String::from_utf8(bytes).map_err(|e| e.to_string()))
        .map_err(|reason| Error::Refused(format!("cannot read {}: {reason}", path.display())))?;
    let lines: Vec<&str> = text.lines().collect();
    let mut recorded = Recorded {
        changes: Vec::new(),
        torn_line: None,
    };
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line) {
            Ok(entry) => recorded.changes.push((entry.account, entry.change)),
            // Whole lines end with a newline; the last one without it was cut short.
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {
                recorded.torn_line = Some(i + 1);
            }
            Err(e) => {
                return Err(Error::Refused(format!(
                    "{}:{}: not a journal entry ({e})",
                    path.display(),
                    i + 1
                )))
            }
        }
    }
    Ok(recorded)
}

/// The time now as `utc_stamp` writes it.
pub fn utc_stamp_now() -> String {
    utc_stamp(SystemTime::now())
}

/// `YYYYMMDDTHHMMSSZ` in UTC (sorts as time sorts): RFC 3339 as the SDK's `DateTime` writes it,
/// to the second, without its separators.
fn utc_stamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let whole = DateTime::from_secs(i64::try_from(secs).unwrap_or(i64::MAX));
    whole
        .fmt(Format::DateTime)
        .unwrap_or_else(|_| "99991231T235959Z".to_string())
        .replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_newest_backup_is_the_last_run_of_the_last_second() {
        let root = tempfile::tempdir().unwrap();
        let mut names = vec![
            "20261206T010000Z".to_string(),
            "20261206T010001Z".to_string(),
        ];
        names.extend((2..=14).map(|n| format!("20261206T010001Z-{n}")));
        for name in &names {
            fs::create_dir_all(root.path().join(name)).unwrap();
            fs::write(root.path().join(name).join(JOURNAL_FILE), "").unwrap();
        }
        let newest = latest(root.path()).unwrap();
        assert_eq!(newest.file_name().unwrap(), "20261206T010001Z-14");
    }

    #[test]
    fn stamps_are_utc_and_sortable() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(
            utc_stamp(UNIX_EPOCH + Duration::from_secs(1_795_867_200)),
            "20261128T120000Z"
        );
        assert_eq!(
            utc_stamp(UNIX_EPOCH + Duration::from_secs(951_825_600)),
            "20000229T120000Z"
        );
    }
}
