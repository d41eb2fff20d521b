//! A budget of memory and time for a run. Typst cannot stop a compile: a template or
//! input that runs away (a string doubled 40 times, `range(2000000000)`) took 24 GB until
//! the kernel killed the run, or ran on for ever. A watchdog thread ends the run when it
//! takes more memory than the budget, or one document more time, naming the documents
//! being laid out; the documents already written stay, and the next run goes on from them.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::diag::Diagnostic;

/// How much memory a run, and how much time one document, may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The most resident memory of the whole run, in MiB.
    pub memory_mib: u64,
    /// The most seconds one document may take to lay out and export.
    pub seconds: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            memory_mib: 6144,
            seconds: 120,
        }
    }
}

/// The documents being laid out, each with when it started.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    documents: Mutex<Vec<(u64, String, Instant)>>,
    next: AtomicU64,
}

/// A document's place among those in flight, given up when it is done.
pub(crate) struct Entered<'a> {
    in_flight: &'a InFlight,
    id: u64,
}

impl InFlight {
    /// Records that the document `label` starts now.
    pub(crate) fn enter(&self, label: String) -> Entered<'_> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().push((id, label, Instant::now()));
        Entered {
            in_flight: self,
            id,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, String, Instant)>> {
        self.documents.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The labels in flight, and how long the oldest has been.
    fn snapshot(&self) -> (Vec<String>, Duration) {
        let documents = self.lock();
        let labels = documents
            .iter()
            .map(|(_, label, _)| label.clone())
            .collect();
        let oldest = documents
            .iter()
            .map(|(_, _, started)| started.elapsed())
            .max();
        (labels, oldest.unwrap_or_default())
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.in_flight.lock().retain(|(id, _, _)| *id != self.id);
    }
}

/// Watches a run from a thread of its own until it is dropped.
pub(crate) struct Watchdog {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    /// Starts watching the documents `in_flight` against `budget`; `report` is the
    /// report file removed when the run is stopped (it would describe files replaced since).
    pub(crate) fn start(budget: Budget, in_flight: Arc<InFlight>, report: Option<PathBuf>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                if let Some(why) = over_budget(budget, &in_flight) {
                    stop_run(why, report.as_deref());
                }
                std::thread::park_timeout(Duration::from_millis(100));
            }
        });
        Watchdog {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Watchdog {
    /// Wakes the watchdog and waits for its last look, so that it never stops a run
    /// that has ended, nor removes the report that run then writes.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// What is over budget, naming the documents being laid out; `None` while within it.
fn over_budget(budget: Budget, in_flight: &InFlight) -> Option<Diagnostic> {
    let (labels, oldest) = in_flight.snapshot();
    let resident = resident_mib().unwrap_or(0);
    let exceeded = match () {
        _ if resident > budget.memory_mib => format!(
            "took {resident} MiB of memory (the budget is {} MiB)",
            budget.memory_mib
        ),
        _ if oldest.as_secs() >= budget.seconds && !labels.is_empty() => {
            format!(
                "spent {} s on one document (the budget is {} s)",
                oldest.as_secs(),
                budget.seconds
            )
        }
        _ => return None,
    };
    let message = format!(
        "the run was stopped: it {exceeded} while laying out {}",
        labels.join(", ")
    );
    Some(Diagnostic::error(message).with_hint(
        "Typst cannot stop a template or input that runs away (a loop, text doubled again and again): \
         fix it, or raise the budget with --max-memory (MiB) or --max-seconds; the documents written so far are kept",
    ))
}

/// The resident memory of this process in MiB (Linux; elsewhere `None`).
fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Prints why, removes the report the run would have replaced, and ends the process
/// with the status of a run whose documents failed.
fn stop_run(why: Diagnostic, report: Option<&std::path::Path>) -> ! {
    why.eprint();
    if let Some(report) = report {
        let _ = std::fs::remove_file(report);
    }
    std::process::exit(1)
}
