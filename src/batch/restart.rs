//! Going on after a runaway. Typst cannot stop a compile and a thread cannot be killed,
//! so when the watchdog finds a document over budget, the process starts itself again
//! (`exec`: the same process id, arguments and output lock, none of the memory) and the
//! run goes on without that document. What the earlier image learned is handed on in a
//! file that [`RUNAWAYS_VAR`] names: the documents stopped, by the key of their inputs
//! (a changed input makes a new key, so `watch` tries an edited persona again), the
//! documents already made, and the documents being laid out when memory ran over with
//! several in flight. The new image lays those out one at a time after the others, so
//! that the one to blame, if it runs away again, is found. Each restart stops a
//! document or adds a suspect, and after [`MAX_RESTARTS`] (a cause every document
//! shares, such as a template) the run is stopped as a whole.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::watchdog::{Flight, Overrun, RUNAWAY_HINT};
use crate::diag::Diagnostic;

/// The environment variable naming the file an image of a run hands its [`Runaways`]
/// to the next in (a file: thousands of keys would not fit in a variable).
pub const RUNAWAYS_VAR: &str = "PERSONAPRESS_RUNAWAYS";

/// The most times one run starts again: more runaways than this have a cause every
/// document shares (a template, a budget below what the project needs), and going
/// on would only repeat it.
pub(crate) const MAX_RESTARTS: u32 = 12;

/// What earlier images of this run found over budget.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runaways {
    /// Documents stopped, by key: what they exceeded.
    stopped: BTreeMap<String, String>,
    /// Documents that were in flight when memory ran over, by key.
    suspects: BTreeSet<String>,
    /// Documents earlier images made, by key: this image finds them unchanged, but
    /// the run did make them.
    made: BTreeSet<String>,
    /// How often the run has started again.
    restarts: u32,
    /// The milliseconds the run had taken when it started again.
    earlier_ms: u64,
}

/// What the earlier image of this process handed on, read once.
fn handed_on() -> &'static Runaways {
    static HANDED_ON: std::sync::OnceLock<Runaways> = std::sync::OnceLock::new();
    HANDED_ON.get_or_init(|| read_handed_on().unwrap_or_default())
}

/// When the run under way started (see [`run_started`]).
static RUN_STARTED: std::sync::Mutex<Option<Instant>> = std::sync::Mutex::new(None);

/// When a run starts: now, but in the first run of an image started again, when its
/// first image started it (a later render of `watch` is a run of its own). What a
/// run's summary counts its seconds from.
pub fn run_started() -> Instant {
    static FIRST_TAKEN: AtomicBool = AtomicBool::new(false);
    let earlier = match FIRST_TAKEN.swap(true, Ordering::Relaxed) {
        true => 0,
        false => handed_on().earlier_ms,
    };
    let now = Instant::now();
    let started = now.checked_sub(Duration::from_millis(earlier));
    let started = started.unwrap_or(now);
    *RUN_STARTED.lock().unwrap_or_else(|e| e.into_inner()) = Some(started);
    started
}

impl Runaways {
    /// What the earlier images of this process handed on (none in a run started
    /// anew), read once, then removed. The first run of the image gets all of it; a
    /// later render of `watch` is a run of its own and keeps only what was stopped
    /// (tried again once its inputs change).
    pub fn inherited() -> Self {
        static FIRST_TAKEN: AtomicBool = AtomicBool::new(false);
        let inherited = handed_on();
        match FIRST_TAKEN.swap(true, Ordering::Relaxed) {
            false => inherited.clone(),
            true => Runaways {
                stopped: inherited.stopped.clone(),
                ..Runaways::default()
            },
        }
    }

    /// Whether this image is a run started again after a runaway.
    pub(crate) fn restarted(&self) -> bool {
        self.restarts > 0
    }

    /// Why the document with inputs `key` is not laid out again, if an earlier image
    /// stopped it.
    pub(crate) fn stopped(&self, key: &str) -> Option<Diagnostic> {
        let exceeded = self.stopped.get(key)?;
        let message = format!("laying this document out was stopped: it {exceeded}");
        Some(Diagnostic::error(message).with_hint(format!(
            "{RUNAWAY_HINT}; the run went on with the other documents"
        )))
    }

    /// Whether an earlier image of this run made the document with inputs `key`.
    pub(crate) fn made(&self, key: &str) -> bool {
        self.made.contains(key)
    }

    /// Whether the document with inputs `key` is laid out alone, after the others.
    pub(crate) fn is_suspect(&self, key: &str) -> bool {
        self.suspects.contains(key)
    }

    /// What the next image is to know after `overrun`, this image having made the
    /// documents `made`; `None` when it teaches nothing new (memory ran over between
    /// documents, or with only suspects known already in flight) or the run started
    /// again [`MAX_RESTARTS`] times, and the run is stopped instead.
    pub(crate) fn after(&self, overrun: &Overrun, made: Vec<String>) -> Option<Runaways> {
        let mut next = self.clone();
        next.made.extend(made);
        for flight in &overrun.culprits {
            next.suspects.remove(&flight.key);
            next.stopped
                .insert(flight.key.clone(), overrun.exceeded.clone());
        }
        next.suspects
            .extend(overrun.suspects.iter().map(|f| f.key.clone()));
        next.restarts += 1;
        let started = *RUN_STARTED.lock().unwrap_or_else(|e| e.into_inner());
        next.earlier_ms = started.map_or(0, |s| s.elapsed().as_millis() as u64);
        let learned =
            next.stopped.len() > self.stopped.len() || next.suspects.len() > self.suspects.len();
        (learned && next.restarts <= MAX_RESTARTS).then_some(next)
    }
}

/// Says what ran over and starts this process again with `next` known; returns only
/// when it cannot (where `exec` is not available), with why.
pub(crate) fn restart(next: &Runaways, overrun: &Overrun) -> std::io::Error {
    eprintln!();
    for Flight { label, .. } in &overrun.culprits {
        eprintln!(
            "note: {label} {}; it is stopped and the run goes on without it",
            overrun.exceeded
        );
    }
    if !overrun.suspects.is_empty() {
        let labels: Vec<&str> = overrun.suspects.iter().map(|f| f.label.as_str()).collect();
        eprintln!(
            "note: the run {} while laying out {}; it goes on, laying those out one at a time",
            overrun.exceeded,
            labels.join(", ")
        );
    }
    exec_self(next)
}

/// The beginning of the name of the file an image hands on, in the temporary folder:
/// `personapress-runaways-PID-` (the process id stays the same across `exec`).
fn handed_on_prefix() -> String {
    format!("personapress-runaways-{}-", std::process::id())
}

/// What the earlier image of this process handed on: only a file of this process's
/// own in the temporary folder, removed once read (a variable left set by hand names
/// no such file, and nothing is removed).
fn read_handed_on() -> Option<Runaways> {
    read_handed_on_from(std::path::Path::new(&std::env::var_os(RUNAWAYS_VAR)?))
}

/// What `file` hands on, if it is such a file of this process's own.
fn read_handed_on_from(file: &std::path::Path) -> Option<Runaways> {
    let name = file.file_name()?.to_str()?;
    let ours = file.parent() == Some(std::env::temp_dir().as_path())
        && name.starts_with(&handed_on_prefix())
        && name.ends_with(".json");
    if !ours {
        return None;
    }
    let json = crate::regular::read_regular(file).ok()?;
    let runaways: Runaways = serde_json::from_slice(&json).ok()?;
    let _ = std::fs::remove_file(file);
    Some(runaways)
}

/// Writes `next` to a new file of its own in the temporary folder.
fn hand_on(next: &Runaways) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let json = serde_json::to_vec(next).map_err(std::io::Error::other)?;
    let nanos = std::time::UNIX_EPOCH
        .elapsed()
        .unwrap_or_default()
        .as_nanos();
    let name = format!("{}{nanos}.json", handed_on_prefix());
    let path = std::env::temp_dir().join(name);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    file.write_all(&json)?;
    Ok(path)
}

#[cfg(unix)]
fn exec_self(next: &Runaways) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    let file = match hand_on(next) {
        Ok(file) => file,
        Err(e) => return e,
    };
    let mut args = std::env::args_os();
    let program = args.next().unwrap_or_default();
    // `/proc/self/exe` is this very binary, even if the file was replaced since.
    let exe = match std::path::Path::new("/proc/self/exe").exists() {
        true => std::path::PathBuf::from("/proc/self/exe"),
        false => std::env::current_exe().unwrap_or_else(|_| program.clone().into()),
    };
    let failed = std::process::Command::new(exe)
        .arg0(program)
        .args(args)
        .env(RUNAWAYS_VAR, &file)
        .exec();
    let _ = std::fs::remove_file(&file);
    failed
}

#[cfg(not(unix))]
fn exec_self(_next: &Runaways) -> std::io::Error {
    std::io::Error::other("a process cannot start itself again here")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overrun(culprits: &[&str], suspects: &[&str]) -> Overrun {
        let flights = |keys: &[&str]| keys.iter().map(|k| Flight::named(k)).collect();
        Overrun {
            exceeded: "took 2000 MiB of memory (the budget is 1024 MiB)".into(),
            culprits: flights(culprits),
            suspects: flights(suspects),
        }
    }

    #[test]
    fn suspects_become_culprits_and_a_restart_that_learns_nothing_is_refused() {
        let first = Runaways::default();
        assert!(!first.restarted());
        let next = first.after(&overrun(&[], &["a", "b"]), vec![]).unwrap();
        assert!(next.restarted() && next.is_suspect("a") && next.is_suspect("b"));
        assert!(next.stopped("a").is_none());
        let last = next.after(&overrun(&["a"], &[]), vec!["c".into()]).unwrap();
        assert!(!last.is_suspect("a") && last.is_suspect("b"));
        assert!(last.made("c") && !last.made("a"));
        let why = last.stopped("a").unwrap();
        assert!(why.message.contains("stopped: it took 2000 MiB"), "{why:?}");
        assert_eq!(last.restarts, 2);
        // Suspects already known, or nothing in flight: nothing learned, no restart.
        assert!(last.after(&overrun(&[], &["b"]), vec![]).is_none());
        assert!(last.after(&overrun(&[], &[]), vec!["d".into()]).is_none());
        // What an image hands on is what the next reads, and the file is gone.
        let file = hand_on(&last).unwrap();
        assert_eq!(read_handed_on_from(&file), Some(last.clone()));
        assert!(!file.exists());
        // A file that is not this process's own is neither read nor removed.
        let elsewhere = tempfile::tempdir().unwrap();
        let stray = elsewhere
            .path()
            .join(format!("{}1.json", handed_on_prefix()));
        std::fs::write(&stray, serde_json::to_vec(&last).unwrap()).unwrap();
        assert_eq!(read_handed_on_from(&stray), None);
        assert!(stray.exists());
    }

    #[test]
    fn a_run_starts_again_at_most_max_restarts_times() {
        let mut known = Runaways::default();
        for n in 0..MAX_RESTARTS {
            known = known
                .after(&overrun(&[&format!("k{n}")], &[]), vec![])
                .unwrap();
        }
        assert_eq!(known.restarts, MAX_RESTARTS);
        assert!(known.after(&overrun(&["one more"], &[]), vec![]).is_none());
    }
}
