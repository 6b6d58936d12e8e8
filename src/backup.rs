//! The backup journal: before each write, `apply` records the resource's previous live state, as
//! read just before the write, in `<backup dir>/<UTC time>/journal.jsonl`, written and flushed to
//! disk before the write is sent; a write then refused is marked not written. The lines' format
//! and checks (chained, signed with `CORS_SYNC_PLAN_KEY` when set) are
//! `cors_sync_core::journal`'s. No credentials are ever part of it.
//!
//! The journal is created in a directory of its own, made for the run, with `create_new`: it never
//! replaces anything. A failed write leaves no part of a line: a first line that cannot be
//! written removes the journal and its directory, a later one is cut back to the last whole line.
//! Writes that wait together share one flush (group commit, see `FileJournal`); a flush that
//! fails cuts the journal back to what earlier flushes made durable, the writes waiting on it are
//! not sent, and the run records (so writes) nothing more.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_smithy_types::date_time::{DateTime, Format};
use cors_sync_aws::apply::Journal;
use cors_sync_core::journal::{self, Writer};
use cors_sync_core::manifest::Account;
use cors_sync_core::plan::Change;
use futures::future::BoxFuture;
use tokio::sync::Notify;

use crate::error::{Error, Refusal};

pub use cors_sync_core::journal::Recorded;

pub const JOURNAL_FILE: &str = "journal.jsonl";

/// A journal for one run, created on its first record (a run that writes nothing leaves none).
///
/// Entries are made durable by group commit: each is appended at once, and its write waits until
/// a flush (fsync) that began after the append has finished. One flush runs at a time; the writes
/// that arrive while it runs are covered together by the next, so concurrent writes share flushes
/// instead of paying one each, and no write is sent before its entry is on disk.
pub struct FileJournal {
    root: PathBuf,
    open: Mutex<Open>,
    /// Woken whenever a flush ends, so the entries waiting on it look again.
    flushed: Notify,
}

struct Open {
    writer: Writer,
    file: Option<(PathBuf, Arc<File>)>,
    /// What has been appended to the file, and what a finished flush has made durable.
    appended: Extent,
    durable: Extent,
    flushing: bool,
    /// Why no more lines are taken: a flush failed, so what reached the disk is unknown (the file
    /// was cut back to what was durable, and the writes waiting on that flush are never sent).
    broken: Option<String>,
}

/// How far a journal reaches: lines, bytes, and the entries among them not marked not written
/// (writes made, or that may have been).
#[derive(Clone, Copy, Default)]
struct Extent {
    lines: u64,
    bytes: u64,
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
                appended: Extent::default(),
                durable: Extent::default(),
                flushing: false,
                broken: None,
            }),
            flushed: Notify::new(),
        }
    }

    /// The run's backup directory, when it records a write that was made or may have been.
    pub fn directory(&self) -> Option<PathBuf> {
        let open = self.lock();
        open.file
            .as_ref()
            .filter(|_| open.appended.standing > 0)
            .map(|(dir, _)| dir.clone())
    }

    /// Flushes what no write waited for (the marks of refused writes), once the writes are over.
    pub fn settle(&self) {
        let open = self.lock();
        if let (Some((_, file)), None) = (&open.file, &open.broken) {
            if open.appended.lines > open.durable.lines {
                // A mark lost in a crash leaves an entry standing, which is harmless (see
                // `Safeguards::write`), so a failure here is not worth reporting.
                let _ = file.sync_all();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    fn record<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, io::Result<u64>> {
        Box::pin(async move {
            let entry = self
                .journal
                .append(1, |writer, now| writer.entry(now, change, self.account))?;
            self.journal.durable(entry).await?;
            Ok(entry)
        })
    }

    fn not_written(&self, entry: u64) -> io::Result<()> {
        // Not waited for: a mark lost in a crash leaves an entry standing, which is harmless.
        self.journal
            .append(-1, |writer, now| writer.not_written(now, entry))
            .map(|_| ())
    }
}

impl FileJournal {
    /// Appends the line `line` makes (not yet flushed); returns its number. `standing` is what it
    /// adds to the writes the journal holds (an entry 1, a mark -1).
    fn append(
        &self,
        standing: isize,
        line: impl FnOnce(&Writer, &str) -> (String, u64),
    ) -> io::Result<u64> {
        let mut open = self.lock();
        if let Some(reason) = &open.broken {
            return Err(io::Error::other(format!(
                "an earlier flush of the journal failed ({reason}), so it takes no more entries"
            )));
        }
        let now = utc_stamp(SystemTime::now());
        let (text, seq) = line(&open.writer, &now);
        let first = open.file.is_none();
        if first {
            let (dir, file) = create_journal(&self.root, &now)?;
            open.file = Some((dir, Arc::new(file)));
        }
        let Some((dir, file)) = open.file.clone() else {
            return Err(io::Error::other("the journal is not open"));
        };
        let text_line = format!("{text}\n");
        if let Err(error) = (&*file).write_all(text_line.as_bytes()) {
            let error = in_words(error, "cannot write the journal in", &dir);
            if first {
                // Nothing was recorded: leave no empty backup behind.
                open.file = None;
                let _ = fs::remove_file(dir.join(JOURNAL_FILE));
                let _ = fs::remove_dir(&dir);
            } else {
                // A full disk (or a file-size limit) can leave half a line: cut the journal back
                // to its last whole line, so it never ends mid-entry.
                let _ = file
                    .set_len(open.appended.bytes)
                    .and_then(|()| file.sync_all());
            }
            return Err(error);
        }
        open.writer.written(text);
        let appended = &mut open.appended;
        appended.lines = seq;
        appended.bytes += text_line.len() as u64;
        appended.standing = appended.standing.saturating_add_signed(standing);
        Ok(seq)
    }

    /// Returns once line `entry` is on disk: a flush that began after it was appended has ended.
    /// The first to find no flush running starts one, covering every line appended so far; the
    /// others wait for it and look again.
    async fn durable(&self, entry: u64) -> io::Result<()> {
        loop {
            let flushed = self.flushed.notified();
            tokio::pin!(flushed);
            // Registered before looking, so a flush ending in between still wakes this one.
            flushed.as_mut().enable();
            let turn = {
                let mut open = self.lock();
                if open.durable.lines >= entry {
                    return Ok(());
                }
                if let Some(reason) = &open.broken {
                    return Err(io::Error::other(format!(
                        "the journal could not be flushed to disk: {reason}"
                    )));
                }
                match (&open.file, open.flushing) {
                    (Some((_, file)), false) => {
                        let file = Arc::clone(file);
                        open.flushing = true;
                        Some((file, open.appended))
                    }
                    // No journal and no flush to wait for: nothing would ever wake this one.
                    (None, false) => return Err(io::Error::other("the journal is not open")),
                    (_, true) => None,
                }
            };
            let Some((file, covering)) = turn else {
                flushed.await;
                continue;
            };
            let mut turn = FlushTurn {
                journal: self,
                covering,
                outcome: None,
            };
            let outcome = tokio::task::spawn_blocking(move || file.sync_all())
                .await
                .unwrap_or_else(|joined| Err(io::Error::other(joined)));
            turn.outcome = Some(outcome);
        }
    }
}

/// A flush under way: when it ends (or its waiter is dropped mid-flush), the journal learns what
/// is durable and every waiter is woken, so no entry waits on a flush that nobody finishes.
struct FlushTurn<'j> {
    journal: &'j FileJournal,
    covering: Extent,
    outcome: Option<io::Result<()>>,
}

impl Drop for FlushTurn<'_> {
    fn drop(&mut self) {
        let mut open = self.journal.lock();
        open.flushing = false;
        match self.outcome.take() {
            Some(Ok(())) if self.covering.lines > open.durable.lines => {
                open.durable = self.covering;
            }
            Some(Ok(())) => {}
            Some(Err(error)) => {
                // What reached the disk is unknown: keep only what an earlier flush made durable
                // (no write waiting on this flush is sent), and take no more lines.
                let reason = match open.file.clone() {
                    Some((dir, file)) => {
                        if open.durable.lines == 0 {
                            // Nothing was recorded: leave no empty backup behind.
                            open.file = None;
                            let _ = fs::remove_file(dir.join(JOURNAL_FILE));
                            let _ = fs::remove_dir(&dir);
                        } else {
                            let _ = file
                                .set_len(open.durable.bytes)
                                .and_then(|()| file.sync_all());
                        }
                        in_words(error, "cannot flush the journal in", &dir).to_string()
                    }
                    None => error.to_string(),
                };
                open.broken = Some(reason);
                open.appended = open.durable;
            }
            // Dropped mid-flush: nothing is known; the next waiter flushes again.
            None => {}
        }
        drop(open);
        self.journal.flushed.notify_waiters();
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
    let text = crate::error::file_text(&path, path.display().to_string())?;
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

    /// A flush that fails: the journal is cut back to what an earlier flush made durable, the
    /// write waiting on it is told so (and is never sent), and no later line is taken.
    #[tokio::test]
    async fn a_failed_flush_keeps_only_what_was_durable_and_takes_nothing_more() {
        let root = tempfile::tempdir().unwrap();
        let journal = FileJournal::new(root.path(), None);
        let recording = InAccountJournal {
            journal: &journal,
            account: None,
        };
        assert_eq!(recording.record(&bucket_change("first")).await.unwrap(), 1);
        let dir = journal.directory().unwrap();
        let durable = fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap();
        let second = journal
            .append(1, |writer, now| {
                writer.entry(now, &bucket_change("second"), None)
            })
            .unwrap();
        assert!(fs::metadata(dir.join(JOURNAL_FILE)).unwrap().len() > durable.len() as u64);
        fail_a_flush(&journal);
        assert_eq!(
            fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap(),
            durable,
            "cut back to the durable entry"
        );
        let waiting = journal.durable(second).await.unwrap_err().to_string();
        assert!(
            waiting.starts_with(
                "the journal could not be flushed to disk: cannot flush the journal in"
            ),
            "{waiting}"
        );
        let later = recording.record(&bucket_change("third")).await.unwrap_err();
        assert!(
            later
                .to_string()
                .contains("an earlier flush of the journal failed"),
            "{later}"
        );
        assert_eq!(journal.directory(), Some(dir), "the durable entry stands");
    }

    /// A first flush that fails leaves no backup at all: nothing in it was ever durable.
    #[tokio::test]
    async fn a_failed_first_flush_leaves_no_backup_behind() {
        let root = tempfile::tempdir().unwrap();
        let journal = FileJournal::new(root.path(), None);
        let first = journal
            .append(1, |writer, now| {
                writer.entry(now, &bucket_change("first"), None)
            })
            .unwrap();
        fail_a_flush(&journal);
        assert!(journal.durable(first).await.is_err());
        assert_eq!(journal.directory(), None);
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            0,
            "no empty backup"
        );
    }

    /// Ends a flush of everything appended with the disk's error, as `durable` would.
    fn fail_a_flush(journal: &FileJournal) {
        let covering = {
            let mut open = journal.lock();
            open.flushing = true;
            open.appended
        };
        drop(FlushTurn {
            journal,
            covering,
            outcome: Some(Err(io::Error::other("input/output error"))),
        });
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
