//! Writing a file cors-sync produces (a saved plan, an exported configuration): the bytes go to a
//! temporary file beside the target, are flushed to disk, and the temporary file is renamed over
//! the target. A reader never sees half a file, and a write that fails (a full disk, a quota)
//! leaves the target as it was and no temporary file behind. Only a regular file is replaced:
//! a device (`/dev/full`), a FIFO, a directory or a socket at the path is refused, also behind a
//! symbolic link; a link to a regular file is written through, so the link stays a link.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::input::kind_of;

#[derive(Debug, thiserror::Error)]
pub enum OutputFileError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("it is {0}, not a regular file; refusing to replace it")]
    NotRegular(&'static str),
    #[error("it is a symbolic link to {0}, not to a regular file; refusing to replace it")]
    LinkToNotRegular(&'static str),
    #[error("it is a symbolic link to nothing; refusing to write through it")]
    DanglingLink,
}

/// Makes temporary names unique within this process (the process ID makes them unique between
/// processes; `create_new` refuses any name that is taken all the same).
static TEMPORARY: AtomicUsize = AtomicUsize::new(0);

/// Writes `bytes` as the whole content of the file at `path`, replacing a regular file there.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), OutputFileError> {
    write_with(path, |out| out.write_all(bytes))
}

/// Writes what `content` writes as the whole content of the file at `path`, as `write_whole`
/// does, for content too large to hold in memory first (a saved plan of 100,000 changes).
pub fn write_with(
    path: &Path,
    content: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), OutputFileError> {
    let target = replaceable(path)?;
    let existing = fs::metadata(&target).ok();
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = directory.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        TEMPORARY.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)?;
    let written = fill(&mut file, content, existing.as_ref())
        .map_err(OutputFileError::from)
        // The path may have been replaced by something else while the bytes were written.
        .and_then(|()| replaceable(path).map(|_| ()))
        .and_then(|()| fs::rename(&temporary, &target).map_err(OutputFileError::from));
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    // The rename itself reaches the disk with the directory; a failure here loses nothing now.
    if let Ok(directory) = File::open(&directory) {
        let _ = directory.sync_all();
    }
    Ok(())
}

fn fill(
    file: &mut File,
    content: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    existing: Option<&fs::Metadata>,
) -> io::Result<()> {
    if let Some(existing) = existing {
        // A replaced file keeps who may read it (a saved plan the user made private stays so).
        file.set_permissions(existing.permissions())?;
    }
    let mut buffered = io::BufWriter::new(&mut *file);
    content(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    file.sync_all()
}

/// The path the rename must land on: `path` itself, or the regular file a symbolic link at it
/// leads to; an error if something other than a regular file (or nothing) is there.
fn replaceable(path: &Path) -> Result<PathBuf, OutputFileError> {
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(error) => return Err(error.into()),
    };
    if metadata.file_type().is_symlink() {
        return match fs::metadata(path) {
            Ok(followed) if followed.is_file() => Ok(fs::canonicalize(path)?),
            Ok(followed) => Err(OutputFileError::LinkToNotRegular(kind_of(&followed))),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                Err(OutputFileError::DanglingLink)
            }
            Err(error) => Err(error.into()),
        };
    }
    if !metadata.is_file() {
        return Err(OutputFileError::NotRegular(kind_of(&metadata)));
    }
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_regular_file_is_replaced_whole_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.plan");
        write_whole(&path, b"first").unwrap();
        write_whole(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(entries(dir.path()), ["out.plan"]);
    }

    #[test]
    fn content_that_fails_part_way_leaves_the_file_as_it_was_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.plan");
        write_whole(&path, b"the plan before").unwrap();
        // More than the writer's buffer, so part of it has reached the temporary file.
        let failed = write_with(&path, |out| {
            out.write_all(&[b'x'; 64 * 1024])?;
            Err(io::Error::other("the disk is full"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "the disk is full");
        assert_eq!(fs::read(&path).unwrap(), b"the plan before");
        assert_eq!(entries(dir.path()), ["out.plan"]);
    }

    #[cfg(unix)]
    #[test]
    fn what_is_not_a_regular_file_is_refused_and_left_alone() {
        use std::os::unix::fs::{symlink, FileTypeExt};
        let dir = tempfile::tempdir().unwrap();
        let directory = dir.path().join("a-directory");
        fs::create_dir(&directory).unwrap();
        let refused = write_whole(&directory, b"x").unwrap_err().to_string();
        assert_eq!(
            refused,
            "it is a directory, not a regular file; refusing to replace it"
        );
        // A link to a device: the device is never opened, and the link stays.
        let device = dir.path().join("device");
        symlink("/dev/null", &device).unwrap();
        let refused = write_whole(&device, b"x").unwrap_err().to_string();
        assert_eq!(
            refused,
            "it is a symbolic link to a device, not to a regular file; refusing to replace it"
        );
        assert!(fs::symlink_metadata(&device)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            write_whole(&dangling, b"x"),
            Err(OutputFileError::DanglingLink)
        ));
        assert_eq!(entries(dir.path()), ["a-directory", "dangling", "device"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_regular_file_is_written_through() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.plan");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.plan");
        symlink(&real, &link).unwrap();
        write_whole(&link, b"new").unwrap();
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(entries(dir.path()), ["link.plan", "real.plan"]);
    }
}
