//! Writing outputs: atomic file writes, checksums and the document date.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use typst::foundations::Datetime;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename,
/// so that a failed or interrupted run never leaves a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_through_temp(path, bytes, None)
}

/// [`write_atomic`], handing the file it replaces to `remover` (see [`Remover`]).
pub fn write_replacing(path: &Path, bytes: &[u8], remover: &Remover) -> std::io::Result<()> {
    write_through_temp(path, bytes, Some(remover))
}

fn write_through_temp(path: &Path, bytes: &[u8], remover: Option<&Remover>) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        let replaced = remover.and_then(|r| Some((r, r.keep_aside(path)?)));
        let renamed = std::fs::rename(&temp, path);
        if let Some((remover, old)) = replaced {
            remover.remove(old);
        }
        renamed
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Removes replaced files on a thread of its own. Freeing a file's blocks can wait for
/// the disk (ext4 mounted with `discard` trims them before `rename` returns: 265 ms of
/// waiting in a 0.9 s batch of 80 documents on two workers), so a batch's workers hand
/// that wait over and go on computing. Owned by the run; dropping it waits until every
/// file handed to it is removed.
pub struct Remover {
    sender: Option<Sender<PathBuf>>,
    thread: Option<JoinHandle<()>>,
    /// Files kept aside so far, for unique names.
    count: AtomicUsize,
}

impl Remover {
    /// Starts the removing thread; without one, files are removed where they are replaced.
    pub fn new() -> Self {
        let (sender, receiver) = channel::<PathBuf>();
        let thread = std::thread::Builder::new()
            .name("remove-replaced".into())
            .spawn(move || receiver.iter().for_each(|p| drop(std::fs::remove_file(p))))
            .ok();
        Remover {
            sender: thread.as_ref().map(|_| sender),
            thread,
            count: AtomicUsize::new(0),
        }
    }

    /// A second name for the file at `path`, if there is one, so that renaming over
    /// `path` does not free the old file's blocks on this thread. `None` when there is
    /// no file or the file system has no hard links: the rename then frees them here.
    fn keep_aside(&self, path: &Path) -> Option<PathBuf> {
        let name = path.file_name()?.to_string_lossy();
        let n = self.count.fetch_add(1, Ordering::Relaxed);
        let aside = path.with_file_name(format!(".{name}.{}.{n}.old", std::process::id()));
        std::fs::hard_link(path, &aside).ok()?;
        Some(aside)
    }

    fn remove(&self, path: PathBuf) {
        let unsent = match &self.sender {
            Some(sender) => sender.send(path).err().map(|e| e.0),
            None => Some(path),
        };
        if let Some(path) = unsent {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Default for Remover {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Remover {
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes that many outputs begin with, hashed once: every print PDF opens with its
/// output profile, 1.4 of the 1.8 MB of a poster. The SHA-256 of an output that starts
/// with them continues from the saved state instead of hashing them again.
#[derive(Clone)]
pub struct HashedPrefix {
    bytes: Vec<u8>,
    state: Sha256,
}

impl HashedPrefix {
    /// Hashes `bytes` once, for the outputs that will start with them.
    pub fn new(bytes: Vec<u8>) -> Self {
        let state = Sha256::new_with_prefix(&bytes);
        HashedPrefix { bytes, state }
    }

    /// The lowercase hex SHA-256 of `output`, the same as [`sha256_hex`] gives.
    pub fn sha256_hex(&self, output: &[u8]) -> String {
        match output.strip_prefix(self.bytes.as_slice()) {
            Some(rest) => hex(&self.state.clone().chain_update(rest).finalize()),
            None => sha256_hex(output),
        }
    }

    /// Whether `output` starts with these bytes, so hashing it skips them.
    pub fn covers(&self, output: &[u8]) -> bool {
        output.starts_with(&self.bytes)
    }
}

impl std::fmt::Debug for HashedPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashedPrefix({} bytes)", self.bytes.len())
    }
}

/// Lowercase hex of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The document date: `SOURCE_DATE_EPOCH` when set, else the newest modification
/// time of the inputs, so unchanged inputs give identical bytes.
pub fn document_date(inputs: &[PathBuf]) -> Datetime {
    let seconds = source_date_epoch().unwrap_or_else(|| newest_mtime(inputs));
    datetime_from_unix(seconds)
}

/// The date of a run as `YYYY-MM-DD HH:MM UTC`: `SOURCE_DATE_EPOCH` when set, else now.
pub fn run_date() -> String {
    let seconds = source_date_epoch().unwrap_or_else(|| newest_mtime(&[]));
    let date = datetime_from_unix(seconds);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        date.year().unwrap_or(1970),
        date.month().unwrap_or(1),
        date.day().unwrap_or(1),
        date.hour().unwrap_or(0),
        date.minute().unwrap_or(0)
    )
}

/// `SOURCE_DATE_EPOCH` as seconds, when it is set to a number: the one place it is read.
pub fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

fn newest_mtime(inputs: &[PathBuf]) -> i64 {
    inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .filter_map(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .max()
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

/// A UTC date-time from seconds since 1970 (civil-from-days, proleptic Gregorian).
pub fn datetime_from_unix(seconds: i64) -> Datetime {
    let days = seconds.div_euclid(86_400);
    let rem = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (
        (rem / 3600) as u8,
        ((rem % 3600) / 60) as u8,
        (rem % 60) as u8,
    );
    Datetime::from_ymd_hms(year, month, day, h, m, s).expect("a valid civil date")
}

fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_become_civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(datetime_from_unix(1_772_366_400).year(), Some(2026));
        assert_eq!(datetime_from_unix(1_772_366_400).hour(), Some(12));
    }

    #[test]
    fn a_hashed_prefix_gives_the_same_digest_as_hashing_everything() {
        let prefix = HashedPrefix::new(b"%PDF-1.7 profile".to_vec());
        let starts_with_it = b"%PDF-1.7 profile, then the page".as_slice();
        let does_not = b"%PDF-1.7 another start".as_slice();
        for output in [starts_with_it, does_not, b"".as_slice()] {
            assert_eq!(prefix.sha256_hex(output), sha256_hex(output));
        }
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn atomic_writes_leave_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("pp-atomic-{}", std::process::id()));
        let path = dir.join("a/b.pdf");
        write_atomic(&path, b"%PDF").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF");
        write_atomic(&path, b"%PDF-2").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-2");
        let remover = Remover::new();
        write_replacing(&path, b"%PDF-3", &remover).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-3");
        drop(remover); // waits until the replaced file is gone
        let names: Vec<_> = std::fs::read_dir(dir.join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["b.pdf"], "no temporary or replaced file is left");
        std::fs::remove_dir_all(&dir).ok();
    }
}
