//! The backup journal: before each write, `apply` records the resource's previous live state, as
//! read just before the write, in `<backup dir>/<UTC time>/journal.jsonl`, written and flushed to
//! disk before the write is sent; a write then refused is marked not written. The lines' format
//! and checks (chained, signed with `CORS_SYNC_PLAN_KEY` when set) are
//! `cors_sync_core::journal`'s. No credentials are ever part of it.
//!
//! The journal is created in a directory of its own, made for the run, with `create_new`: it never
//! replaces anything. A failed write leaves no part of a line: a first line that cannot be
//! written removes the journal and its directory, a later one is cut back to the last whole line.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_smithy_types::date_time::{DateTime, Format};
use cors_sync_aws::apply::Journal;
use cors_sync_core::journal::{self, Writer};
use cors_sync_core::manifest::Account;
use cors_sync_core::plan::Change;

use crate::error::{Error, Refusal, Unreadable};

pub use cors_sync_core::journal::Recorded;

pub const JOURNAL_FILE: &str = "journal.jsonl";

/// A journal for one run, created on its first record (a run that writes nothing leaves none).
pub struct FileJournal {
    root: PathBuf,
    open: Mutex<Open>,
}

struct Open {
    writer: Writer,
    file: Option<(PathBuf, File)>,
    /// Entries recorded and not marked not written: writes made, or that may have been.
    standing: usize,
}

impl FileJournal {
    /// `key` signs every line (`CORS_SYNC_PLAN_KEY`).
    pub fn new(root: &Path, key: Option<&[u8]>) -> Self {
        FileJournal {
            root: root.to_path_buf(),
            open: Mutex::new(Open {
                writer: Writer::new(key),
                file: None,
                standing: 0,
            }),
        }
    }

    /// The run's backup directory, when it records a write that was made or may have been.
    pub fn directory(&self) -> Option<PathBuf> {
        let open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        open.file
            .as_ref()
            .filter(|_| open.standing > 0)
            .map(|(dir, _)| dir.clone())
    }
}

/// A new directory under `root` named for `stamp` (`STAMP`, else `STAMP-2`, ...), holding a new,
/// empty journal. Nothing already there is used or replaced: a name taken by anything (a
/// directory, a file, a FIFO, a dangling symlink) moves on to the next.
fn create_journal(root: &Path, stamp: &str) -> io::Result<(PathBuf, File)> {
    fs::create_dir_all(root).map_err(|e| in_words(e, "cannot create", root))?;
    let mut n = 1;
    let dir = loop {
        let dir = match n {
            1 => root.join(stamp),
            n => root.join(format!("{stamp}-{n}")),
        };
        match fs::create_dir(&dir) {
            Ok(()) => break dir,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(in_words(e, "cannot create", &dir)),
        }
    };
    let file = OpenOptions::new()
        .create_new(true)
        .append(true)
        .open(dir.join(JOURNAL_FILE))
        .map_err(|e| in_words(e, "cannot create the journal in", &dir))?;
    Ok((dir, file))
}

/// The run's journal as one account's writes record into it.
pub struct InAccountJournal<'j> {
    pub journal: &'j FileJournal,
    pub account: Option<&'j Account>,
}

impl Journal for InAccountJournal<'_> {
    fn record(&self, change: &Change) -> io::Result<u64> {
        self.journal
            .append(1, |writer, now| writer.entry(now, change, self.account))
    }

    fn not_written(&self, entry: u64) -> io::Result<()> {
        self.journal
            .append(-1, |writer, now| writer.not_written(now, entry))
            .map(|_| ())
    }
}

impl FileJournal {
    /// Appends the line `line` makes, flushed to disk; returns its number. `standing` is what it
    /// adds to the writes the journal holds (an entry 1, a mark -1).
    fn append(
        &self,
        standing: isize,
        line: impl FnOnce(&Writer, &str) -> (String, u64),
    ) -> io::Result<u64> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = utc_stamp(SystemTime::now());
        let (text, seq) = line(&open.writer, &now);
        let first = open.file.is_none();
        if first {
            open.file = Some(create_journal(&self.root, &now)?);
        }
        let Some((dir, file)) = open.file.as_mut() else {
            return Err(io::Error::other("the journal is not open"));
        };
        let whole_lines = file.metadata()?.len();
        let written = file
            .write_all(format!("{text}\n").as_bytes())
            .and_then(|()| file.sync_all());
        if let Err(error) = written {
            let error = in_words(error, "cannot write the journal in", dir);
            if first {
                // Nothing was recorded: leave no empty backup behind.
                let dir = dir.clone();
                open.file = None;
                let _ = fs::remove_file(dir.join(JOURNAL_FILE));
                let _ = fs::remove_dir(&dir);
            } else {
                // A full disk (or a file-size limit) can leave half a line: cut the journal back
                // to its last whole line, so it never ends mid-entry.
                let _ = file.set_len(whole_lines).and_then(|()| file.sync_all());
            }
            return Err(error);
        }
        open.writer.written(text);
        open.standing = open.standing.saturating_add_signed(standing);
        Ok(seq)
    }
}

/// The error, its message led by what could not be done where.
fn in_words(error: io::Error, what: &str, dir: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{what} {}: {error}", dir.display()))
}

/// Whether `name` is one `utc_stamp` gives a backup directory: `YYYYMMDDTHHMMSSZ`, or that and
/// `-N` for a later run in the same second.
fn is_backup_name(name: &str) -> bool {
    let (stamp, n) = name.split_once('-').unwrap_or((name, "2"));
    let bytes = stamp.as_bytes();
    bytes.len() == 16
        && bytes[8] == b'T'
        && bytes[15] == b'Z'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 8 || i == 15 || b.is_ascii_digit())
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// The newest backup under `root` that recorded a write, what it recorded, and the newer backups
/// passed over because every write they recorded was refused. Anything under `root` that is not
/// a backup (a file, a directory not named as backups are, one without a journal) is ignored; a
/// backup whose journal cannot be read is an error naming it, never skipped. `Ok(None)` when
/// there are no backups at all.
pub fn latest_with_a_write(
    root: &Path,
    key: Option<&[u8]>,
) -> Result<Option<(PathBuf, Recorded, Vec<PathBuf>)>, Error> {
    let entries = match fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::File {
                what: format!("cannot read the backup directory {}", root.display()),
                source,
            })
        }
    };
    let mut backups: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(is_backup_name))
        .map(|e| e.path())
        .filter(|dir| fs::symlink_metadata(dir.join(JOURNAL_FILE)).is_ok())
        .collect();
    if backups.is_empty() {
        return Ok(None);
    }
    backups.sort_by_key(|dir| run_order(dir));
    let mut passed_over = Vec::new();
    for dir in backups.into_iter().rev() {
        let recorded = read(&dir, key)?;
        if recorded.changes.is_empty() {
            passed_over.push(dir);
            continue;
        }
        return Ok(Some((dir, recorded, passed_over)));
    }
    Err(Refusal::NothingToRestore {
        root: root.to_path_buf(),
        passed_over,
    }
    .into())
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

/// The changes a journal recorded, checked (see `cors_sync_core::journal`). A journal that is not
/// a regular file, cannot be read, or is not believed is an error naming it.
pub fn read(dir: &Path, key: Option<&[u8]>) -> Result<Recorded, Error> {
    let path = dir.join(JOURNAL_FILE);
    let unreadable = |reason: Unreadable| Refusal::Unreadable {
        file: path.display().to_string(),
        reason,
    };
    let bytes = cors_sync_core::input::read_regular(&path).map_err(|e| unreadable(e.into()))?;
    let text = String::from_utf8(bytes).map_err(|e| unreadable(e.into()))?;
    journal::read(&text, key).map_err(|source| Refusal::Journal { path, source }.into())
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
    use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
    use std::time::Duration;

    fn bucket_change(bucket: &str) -> Change {
        Change::BucketCors {
            bucket: bucket.into(),
            region: "us-east-1".into(),
            before: BucketCors::new(vec![CorsRule::allowing(&["https://old.example"], &["GET"])]),
            after: BucketCors::none(),
        }
    }

    /// A backup `name` under `root` whose journal records a write to `bucket`, and (with
    /// `refused`) marks it not written.
    fn backup(root: &Path, name: &str, bucket: &str, refused: bool) {
        let mut writer = Writer::new(None);
        let (entry, seq) = writer.entry("20261206T010000Z", &bucket_change(bucket), None);
        writer.written(entry.clone());
        let mut text = format!("{entry}\n");
        if refused {
            text.push_str(&format!(
                "{}\n",
                writer.not_written("20261206T010000Z", seq).0
            ));
        }
        fs::create_dir_all(root.join(name)).unwrap();
        fs::write(root.join(name).join(JOURNAL_FILE), text).unwrap();
    }

    #[test]
    fn the_newest_backup_is_the_last_run_of_the_last_second() {
        let root = tempfile::tempdir().unwrap();
        let mut names = vec![
            "20261206T010000Z".to_string(),
            "20261206T010001Z".to_string(),
        ];
        names.extend((2..=14).map(|n| format!("20261206T010001Z-{n}")));
        for name in &names {
            backup(root.path(), name, "b", false);
        }
        let (newest, _, passed_over) = latest_with_a_write(root.path(), None).unwrap().unwrap();
        assert_eq!(newest.file_name().unwrap(), "20261206T010001Z-14");
        assert!(passed_over.is_empty());
    }

    #[test]
    fn the_latest_backup_is_the_newest_with_a_write_and_what_is_not_a_backup_is_ignored() {
        let root = tempfile::tempdir().unwrap();
        backup(root.path(), "20261206T010000Z", "older", false);
        backup(root.path(), "20261206T020000Z", "refused", true);
        // Not backups: a folder not named as backups are, and a stamp-named one without a journal.
        backup(root.path(), "zz-notes", "notes", false);
        fs::create_dir_all(root.path().join("20261206T030000Z")).unwrap();
        fs::write(root.path().join("20261206T040000Z"), "a file").unwrap();
        let (newest, recorded, passed_over) =
            latest_with_a_write(root.path(), None).unwrap().unwrap();
        assert_eq!(newest.file_name().unwrap(), "20261206T010000Z");
        assert_eq!(
            recorded.changes[0].1.address().to_string(),
            "s3_bucket.older"
        );
        assert_eq!(passed_over, [root.path().join("20261206T020000Z")]);
    }

    #[test]
    fn a_journal_that_is_not_a_regular_file_is_an_error_naming_it() {
        let root = tempfile::tempdir().unwrap();
        backup(root.path(), "20261206T010000Z", "older", false);
        fs::create_dir_all(root.path().join("20261206T020000Z").join(JOURNAL_FILE)).unwrap();
        let error = latest_with_a_write(root.path(), None)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!(
                "cannot read {}",
                root.path()
                    .join("20261206T020000Z")
                    .join(JOURNAL_FILE)
                    .display()
            )),
            "{error}"
        );
    }

    #[test]
    fn a_journal_is_created_where_nothing_is_and_replaces_nothing() {
        let root = tempfile::tempdir().unwrap();
        let stamp = "20261206T010000Z";
        fs::write(root.path().join(stamp), "someone's file").unwrap();
        std::os::unix::fs::symlink("/nonexistent", root.path().join(format!("{stamp}-2"))).unwrap();
        let (dir, _) = create_journal(root.path(), stamp).unwrap();
        assert_eq!(dir, root.path().join(format!("{stamp}-3")));
        assert_eq!(
            fs::read_to_string(root.path().join(stamp)).unwrap(),
            "someone's file"
        );
        assert!(fs::symlink_metadata(root.path().join(format!("{stamp}-2")))
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn backup_names_are_stamps() {
        for name in [
            "20261206T010000Z",
            "20261206T010000Z-2",
            "20261206T010000Z-14",
        ] {
            assert!(is_backup_name(name), "{name}");
        }
        for name in [
            "notes",
            "20261206T010000Z-",
            "20261206T010000Z-x",
            "2026120xT010000Z",
            "20261206T010000Z.bak",
        ] {
            assert!(!is_backup_name(name), "{name}");
        }
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
