//! Input files are read only when they are regular files: a FIFO would block the batch
//! for ever, a device would read without end, a socket cannot be read at all. Every
//! reader of a persona, theme, project, template, font, photo, logo, spreadsheet or
//! profile asks here first, so the refusal is at once and names the path.

use std::io;
use std::path::Path;

/// The length of the regular file at `path` (a symlink is followed); an error saying
/// what it is instead.
pub fn regular_file_len(path: &Path) -> io::Result<u64> {
    let meta = std::fs::metadata(path)?;
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(meta.len());
    }
    let what = match () {
        _ if kind.is_dir() => "a folder",
        _ if is_fifo(&kind) => "a named pipe (FIFO)",
        _ => "a device or socket",
    };
    Err(io::Error::other(format!(
        "it is {what}, not a regular file"
    )))
}

/// Reads the regular file at `path`.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    regular_file_len(path)?;
    std::fs::read(path)
}

#[cfg(unix)]
fn is_fifo(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_or_a_folder_is_refused_at_once_and_a_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("photo.jpg");
        std::fs::write(&file, b"bytes").unwrap();
        assert_eq!(read_regular(&file).unwrap(), b"bytes");
        let error = read_regular(dir.path()).unwrap_err().to_string();
        assert_eq!(error, "it is a folder, not a regular file");
        let fifo = dir.path().join("pipe.jpg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo makes a FIFO");
        let error = read_regular(&fifo).unwrap_err().to_string();
        assert_eq!(error, "it is a named pipe (FIFO), not a regular file");
    }
}
