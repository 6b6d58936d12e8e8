//! One writer at a time: `apply` and `rollback` hold `<backup dir>/apply.lock` while they read,
//! plan and write, so a second run on the same machine and backup directory refuses instead of
//! writing over the first. The operating system's file lock decides who holds it (it is released
//! when its process ends, however it ends, so no PID is guessed at); the file names its holder's
//! PID and start time for the message, and a file left by a process that is gone is taken over
//! with a note.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::backup::utc_stamp_now;
use crate::error::{Error, Refusal};
use crate::output::errln;

const LOCK_FILE: &str = "apply.lock";

#[derive(Serialize, Deserialize)]
struct Holder {
    pid: u32,
    started: String,
}

/// Held until dropped; the lock file is removed then (while still locked), and the backup
/// directory too if the lock made it and nothing was backed up.
pub struct ApplyLock {
    path: PathBuf,
    made_directory: Option<PathBuf>,
    _file: File,
}

impl Drop for ApplyLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        if let Some(directory) = &self.made_directory {
            // Fails, as it should, once a backup is in it.
            let _ = fs::remove_dir(directory);
        }
    }
}

/// Takes the lock under `backup_dir`, or says who holds it.
pub fn acquire(backup_dir: &Path) -> Result<ApplyLock, Error> {
    let path = backup_dir.join(LOCK_FILE);
    let cannot = |source: io::Error| Error::File {
        what: format!("cannot take the lock {}", path.display()),
        source,
    };
    let made_directory = (!backup_dir.exists()).then(|| backup_dir.to_path_buf());
    fs::create_dir_all(backup_dir).map_err(cannot)?;
    // A holder removes the file as it finishes: a file locked after that is no longer the one at
    // `path`, so the open and the lock are tried again (a few times: each retry means another
    // run finished in between).
    for _ in 0..3 {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(cannot)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = match read_holder(&mut file) {
                    Some(Ok(h)) => format!("another apply (PID {}, started {})", h.pid, h.started),
                    _ => "another apply".to_string(),
                };
                return Err(Refusal::LockHeld { holder, path }.into());
            }
            Err(TryLockError::Error(error)) => return Err(cannot(error)),
        }
        if !is_at(&file, &path) {
            continue;
        }
        if let Some(left) = read_holder(&mut file) {
            let who = left.map_or_else(
                |()| "an unreadable lock".to_string(),
                |h| format!("the lock of PID {} (started {})", h.pid, h.started),
            );
            errln!(
                "note: taking over {who} at {}: that run is no longer running",
                path.display()
            );
        }
        let me = Holder {
            pid: std::process::id(),
            started: utc_stamp_now(),
        };
        let text = serde_json::to_string(&me).unwrap_or_default();
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(text.as_bytes()))
            .and_then(|()| file.sync_all())
            .map_err(cannot)?;
        return Ok(ApplyLock {
            path,
            made_directory,
            _file: file,
        });
    }
    Err(Refusal::LockContended { path }.into())
}

/// What the lock file says of its holder: `None` when it is empty, `Err` when it says something
/// else.
fn read_holder(file: &mut File) -> Option<Result<Holder, ()>> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(4096).read_to_string(&mut text).ok()?;
    if text.trim().is_empty() {
        return None;
    }
    Some(serde_json::from_str(&text).map_err(|_| ()))
}

/// Whether `file` is still the file at `path` (not one its holder removed meanwhile).
#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere a file open in another process cannot be removed, so the one at `path` is it.
#[cfg(not(unix))]
fn is_at(_file: &File, path: &Path) -> bool {
    path.exists()
}
