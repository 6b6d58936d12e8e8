//! One writer at a time: `apply` and `rollback` hold `<backup dir>/apply.lock` while they read,
//! plan and write, so a second run on the same machine and backup directory refuses instead of
//! writing over the first. The lock names its holder's PID and start time; a lock whose process
//! is gone (killed, the machine restarted) is taken over with a note.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::backup::utc_stamp_now;
use crate::error::Error;
use crate::output::errln;

const LOCK_FILE: &str = "apply.lock";

#[derive(Serialize, Deserialize)]
struct Holder {
    pid: u32,
    started: String,
}

/// Held until dropped; the lock file is removed then, and the backup directory too if the lock
/// made it and nothing was backed up.
pub struct ApplyLock {
    path: PathBuf,
    made_directory: Option<PathBuf>,
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
    // Two tries: the second after taking over a lock whose holder is gone.
    for _ in 0..2 {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                let me = Holder {
                    pid: std::process::id(),
                    started: utc_stamp_now(),
                };
                let text = serde_json::to_string(&me).unwrap_or_default();
                file.write_all(text.as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(cannot)?;
                return Ok(ApplyLock {
                    path,
                    made_directory,
                });
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(&path)
                    .ok()
                    .and_then(|text| serde_json::from_str::<Holder>(&text).ok());
                match holder {
                    Some(holder) if running(holder.pid) => {
                        return Err(Error::Refused(format!(
                            "another apply (PID {}, started {}) holds {}; nothing was read or written. Wait for it to finish",
                            holder.pid,
                            holder.started,
                            path.display()
                        )))
                    }
                    gone => {
                        let who = gone.map_or_else(
                            || "an unreadable lock".to_string(),
                            |h| format!("the lock of PID {} (started {})", h.pid, h.started),
                        );
                        errln!("note: taking over {who} at {}: that run is no longer running", path.display());
                        fs::remove_file(&path).map_err(cannot)?;
                    }
                }
            }
            Err(error) => return Err(cannot(error)),
        }
    }
    Err(Error::Refused(format!(
        "another apply took {} at the same moment; nothing was read or written",
        path.display()
    )))
}

/// Whether a process with this ID is running on this machine. Where that cannot be told (no
/// `/proc`), the holder is taken to be running: removing a stale lock is then the user's call.
fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}
