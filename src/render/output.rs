//! Writing outputs: atomic file writes, and the removal of the files they replace.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename,
/// so that a failed or interrupted run never leaves a half-written file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_through_temp(path, bytes, None)
}

/// [`write_atomic`], handing the file it replaces to `remover` (see [`Remover`]).
pub(crate) fn write_replacing(path: &Path, bytes: &[u8], remover: &Remover) -> std::io::Result<()> {
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
pub(crate) struct Remover {
    sender: Option<Sender<PathBuf>>,
    thread: Option<JoinHandle<()>>,
    /// Files kept aside so far, for unique names.
    count: AtomicUsize,
}

impl Remover {
    /// Starts the removing thread; without one, files are removed where they are replaced.
    pub(crate) fn new() -> Self {
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

/// Removes what interrupted runs left in `out`: the temporary files of writes
/// (`.NAME.PID.tmp`, `.NAME.PID.merge.tmp`) and the replaced files kept aside
/// (`.NAME.PID.N.old`) of processes that no longer run. Returns how many it removed.
/// Where it cannot tell whether a process runs (no `/proc`), it removes only what
/// `own_too` names: this process's, from before it started itself again.
pub(crate) fn remove_debris(out: &Path, own_too: bool) -> usize {
    if !own_too && !Path::new("/proc/self").exists() {
        return 0;
    }
    let mut removed = 0;
    let mut folders = vec![out.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(listing) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in listing.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(path);
            } else if debris_of_a_finished_run(&entry.file_name().to_string_lossy(), own_too) {
                removed += usize::from(std::fs::remove_file(&path).is_ok());
            }
        }
    }
    removed
}

/// Whether `name` is a temporary or kept-aside file of a process that no longer runs;
/// with `own_too`, also of this process's earlier image (a run started again after a
/// runaway, see `batch::restart`).
fn debris_of_a_finished_run(name: &str, own_too: bool) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let pid = if let Some(rest) = rest.strip_suffix(".old") {
        rest.rsplit_once('.')
            .and_then(|(rest, _n)| rest.rsplit_once('.'))
    } else if let Some(rest) = rest.strip_suffix(".tmp") {
        let rest = rest.strip_suffix(".merge").unwrap_or(rest);
        rest.rsplit_once('.')
    } else {
        None
    };
    let Some(pid) = pid.and_then(|(_, pid)| pid.parse::<u32>().ok()) else {
        return false;
    };
    match pid == std::process::id() {
        true => own_too,
        false => Path::new("/proc/self").exists() && !process_runs(pid),
    }
}

fn process_runs(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// A run's claim on its output folder: the file `.personapress.lock` (a shard's
/// `.personapress.shard-K-of-N.lock`) holding the process id, removed when dropped. A
/// second run into the same folder is refused while the first runs; a lock whose
/// process is gone (killed) is taken over.
pub(crate) struct OutputLock {
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock named with `suffix` in `out`; the id of the process holding it
    /// when another running process does.
    pub(crate) fn take(out: &Path, suffix: &str) -> Result<OutputLock, LockRefused> {
        make_output_folder(out)?;
        let path = out.join(format!(".personapress{suffix}.lock"));
        if path.is_dir() {
            let why = format!(
                "the lock file {} is a folder: remove it, then render again",
                path.display()
            );
            return Err(LockRefused::Unusable(why));
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(OutputLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    check_holder(&path, out)?;
                    drop(std::fs::remove_file(&path));
                }
                Err(e) => {
                    let why = format!(
                        "cannot write into the output folder {} ({e})",
                        out.display()
                    );
                    return Err(LockRefused::Unusable(why));
                }
            }
        }
        Err(LockRefused::Held(format!("cannot lock {}", out.display())))
    }
}

/// Makes the output folder, unless a file is in its place or it cannot be made.
fn make_output_folder(out: &Path) -> Result<(), LockRefused> {
    if out.exists() && !out.is_dir() {
        let why = format!(
            "the output folder {} is a file, not a folder",
            out.display()
        );
        return Err(LockRefused::Unusable(why));
    }
    std::fs::create_dir_all(out).map_err(|e| {
        LockRefused::Unusable(format!(
            "cannot make the output folder {} ({e})",
            out.display()
        ))
    })
}

/// `Err` when the lock at `path` is held by another process that still runs.
fn check_holder(path: &Path, out: &Path) -> Result<(), LockRefused> {
    let holder = std::fs::read_to_string(path).unwrap_or_default();
    match holder.trim().parse::<u32>() {
        Ok(pid) if pid != std::process::id() && process_runs(pid) => {
            Err(LockRefused::Held(format!(
                "another personapress (process {pid}) is writing into {}",
                out.display()
            )))
        }
        _ => Ok(()),
    }
}

/// Why a run may not write into its output folder.
#[derive(Debug)]
pub(crate) enum LockRefused {
    /// Another run is writing into it.
    Held(String),
    /// It cannot be made or written into.
    Unusable(String),
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn debris_of_finished_runs_goes_and_that_of_running_ones_stays() {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("peter");
        std::fs::create_dir_all(&dir).unwrap();
        // A process id no process has (the kernel's limit is 2^22).
        let gone = 4_194_999;
        let me = std::process::id();
        let names = [
            format!(".peter.mousepad.pdf.{gone}.tmp"),
            format!(".peter.mousepad.pdf.{gone}.3.old"),
            format!(".peter.mousepad.pdf.{gone}.merge.tmp"),
            format!(".peter.poster-a2.pdf.{me}.tmp"),
            "peter.mousepad.pdf".to_string(),
            ".hidden.tmp".to_string(),
        ];
        for name in &names {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        assert_eq!(remove_debris(out.path(), false), 3);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [names[5].clone(), names[3].clone(), names[4].clone()]);
        // A run started again by `exec` keeps the process id: its earlier image's go too.
        assert_eq!(remove_debris(out.path(), true), 1);
        assert!(!dir.join(&names[3]).exists() && dir.join(&names[4]).exists());
    }

    #[test]
    fn a_second_run_into_a_locked_folder_is_refused_and_a_dead_lock_taken_over() {
        let out = tempfile::tempdir().unwrap();
        let lock = OutputLock::take(out.path(), "").unwrap();
        // This process holds it: another process would see a live holder.
        std::fs::write(out.path().join(".personapress.lock"), "1").unwrap();
        let refused = OutputLock::take(out.path(), "").err().unwrap();
        assert!(
            matches!(&refused, LockRefused::Held(m) if m.contains("process 1")),
            "{refused:?}"
        );
        std::fs::write(out.path().join(".personapress.lock"), "4194999").unwrap();
        drop(lock);
        std::fs::write(out.path().join(".personapress.lock"), "4194999").unwrap();
        let taken = OutputLock::take(out.path(), "").unwrap();
        assert_eq!(
            std::fs::read_to_string(out.path().join(".personapress.lock")).unwrap(),
            std::process::id().to_string()
        );
        drop(taken);
        assert!(!out.path().join(".personapress.lock").exists());
        assert!(OutputLock::take(out.path(), ".shard-1-of-2").is_ok());
        let file = out.path().join("report.pdf");
        std::fs::write(&file, b"%PDF").unwrap();
        let refused = OutputLock::take(&file, "").err().unwrap();
        assert!(
            matches!(&refused, LockRefused::Unusable(m) if m.ends_with("report.pdf is a file, not a folder")),
            "{refused:?}"
        );
        // A folder where the lock file goes is in the way, not another run.
        let blocked = tempfile::tempdir().unwrap();
        std::fs::create_dir(blocked.path().join(".personapress.lock")).unwrap();
        let refused = OutputLock::take(blocked.path(), "").err().unwrap();
        assert!(
            matches!(&refused, LockRefused::Unusable(m) if m.contains(".personapress.lock is a folder")),
            "{refused:?}"
        );
    }
}
