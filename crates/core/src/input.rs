//! Reading a file the user names (a manifest file, a saved plan, a backup journal): only a regular
//! file, and at most `MAX_INPUT_BYTES` whatever the file system says its size is, so a FIFO, a
//! device such as `/dev/zero` or a file that grows while it is read cannot hang or exhaust memory.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// A CORS manifest for thousands of buckets is a few megabytes; nothing cors-sync reads is larger.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("it is {0}, not a regular file; refusing to read it")]
    NotRegular(&'static str),
    #[error("the file is larger than {} MiB; refusing to read it", MAX_INPUT_BYTES >> 20)]
    TooLarge,
}

/// What a path that is not a regular file is, in words.
pub fn kind_of(metadata: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// The bytes of the regular file at `path` (a symbolic link is followed; a dangling one is an
/// error), at most `MAX_INPUT_BYTES` of them.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, InputError> {
    // Checked before opening: opening a FIFO for reading blocks until someone writes to it.
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(InputError::NotRegular(kind_of(&metadata)));
    }
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge);
    }
    let file = File::open(path)?;
    // The path may have been replaced between the check and the open.
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(InputError::NotRegular(kind_of(&opened)));
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.yaml");
        fs::write(&file, "version: 1\n").unwrap();
        assert_eq!(read_regular(&file).unwrap(), b"version: 1\n");
        let not_regular = read_regular(dir.path()).unwrap_err().to_string();
        assert_eq!(
            not_regular,
            "it is a directory, not a regular file; refusing to read it"
        );
        let device = read_regular(Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            device,
            "it is a device, not a regular file; refusing to read it"
        );
        // A sparse file: 64 MiB and one byte that take no room on disk.
        let large = dir.path().join("large.plan");
        File::create(&large)
            .unwrap()
            .set_len(MAX_INPUT_BYTES + 1)
            .unwrap();
        assert!(matches!(read_regular(&large), Err(InputError::TooLarge)));
        #[cfg(unix)]
        {
            let dangling = dir.path().join("gone.yaml");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
            assert!(
                matches!(read_regular(&dangling), Err(InputError::Io(e)) if e.kind() == io::ErrorKind::NotFound)
            );
        }
    }
}
