//! Reading a file the user names (a manifest file, a saved plan, a backup journal): only a regular
//! file, and at most `MAX_INPUT_BYTES` whatever the file system says its size is, so a FIFO, a
//! device such as `/dev/zero` or a file that grows while it is read cannot hang or exhaust memory.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use crate::diagnostic::Position;

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
    read_at_most(file)
}

/// What `reader` gives (a file, standard input), at most `MAX_INPUT_BYTES` of it: more is refused
/// rather than read on.
pub fn read_at_most(reader: impl Read) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge);
    }
    Ok(bytes)
}

/// A character YAML 1.2 forbids in a stream (outside its `c-printable` set): C0 controls other
/// than tab, line feed and carriage return, DEL, C1 controls other than NEL, U+FFFE and U+FFFF.
/// Parsers treat some as the end of the text (yaml-rust2 stops at a NUL), so one would silently
/// cut a manifest short; cors-sync refuses them in every text it reads instead.
pub fn is_unprintable(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}'
        | '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}'
        | '\u{fffe}' | '\u{ffff}')
}

/// The first character YAML forbids in `text`, with its line and column (1-based, in characters,
/// as the manifest's other positions are counted).
pub fn first_unprintable(text: &str) -> Option<(Position, char)> {
    let offset = text.find(is_unprintable)?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let c = text[offset..].chars().next()?;
    Some((Position { line, column }, c))
}

/// `c` as a message names it: `U+0000 (NUL)`.
pub fn describe_unprintable(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\u{7f}' => " (DEL)",
        '\u{1b}' => " (ESC)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_yaml_forbids_is_found_at_its_line_and_column() {
        assert_eq!(
            first_unprintable("version: 1\n\tname: \"é\"\r\n\u{feff}\u{85}"),
            None
        );
        assert_eq!(
            first_unprintable("a: 1\n# comment \u{0} more\n"),
            Some((
                Position {
                    line: 2,
                    column: 11
                },
                '\0'
            ))
        );
        assert_eq!(
            first_unprintable("ab\u{7f}"),
            Some((Position { line: 1, column: 3 }, '\u{7f}'))
        );
        assert_eq!(
            first_unprintable("é\u{9f}"),
            Some((Position { line: 1, column: 2 }, '\u{9f}'))
        );
        assert_eq!(describe_unprintable('\0'), "U+0000 (NUL)");
        assert_eq!(describe_unprintable('\u{1}'), "U+0001");
    }

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
