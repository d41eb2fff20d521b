//! A budget of memory and time for a run. Typst cannot stop a compile: a template or
//! input that runs away (a string doubled 40 times, `range(2000000000)`) took 24 GB until
//! the kernel killed the run, or ran on for ever. A watchdog thread finds a run that
//! takes more memory than the budget, or a document that takes more time, and hands the
//! [`Overrun`], naming the documents being laid out, to the run (which starts again
//! without the one to blame, see [`super::restart`]).

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

/// A document being laid out: its label ("maria poster-a2"), its key, when it started.
#[derive(Debug, Clone)]
pub(crate) struct Flight {
    id: u64,
    /// The document as messages name it.
    pub(crate) label: String,
    /// The hash of its inputs, as the cache knows it.
    pub(crate) key: String,
    started: Instant,
    /// The resident memory of the run when it started, in MiB.
    resident_at_start: u64,
}

#[cfg(test)]
impl Flight {
    /// A document of key `key` that starts now.
    pub(crate) fn named(key: &str) -> Self {
        Flight {
            id: 0,
            label: format!("{key} poster-a2"),
            key: key.to_string(),
            started: Instant::now(),
            resident_at_start: 0,
        }
    }
}

/// The documents being laid out.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    documents: Mutex<Vec<Flight>>,
    next: AtomicU64,
}

/// A document's place among those in flight, given up when it is done.
pub(crate) struct Entered<'a> {
    in_flight: &'a InFlight,
    id: u64,
}

impl InFlight {
    /// Records that the document `label`, whose inputs hash to `key`, starts now.
    pub(crate) fn enter(&self, label: String, key: String) -> Entered<'_> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let resident_at_start = resident_mib().unwrap_or(0);
        self.lock().push(Flight {
            id,
            label,
            key,
            started,
            resident_at_start,
        });
        Entered {
            in_flight: self,
            id,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Flight>> {
        self.documents.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.in_flight.lock().retain(|flight| flight.id != self.id);
    }
}

/// A run over its budget: what it exceeded, and which documents were being laid out.
#[derive(Debug, Clone)]
pub(crate) struct Overrun {
    /// What was exceeded: "took 1037 MiB of memory (the budget is 1024 MiB)".
    pub(crate) exceeded: String,
    /// The documents to blame: the ones over the time budget, or the only one being
    /// laid out when memory ran over, having taken most of the budget itself.
    pub(crate) culprits: Vec<Flight>,
    /// The documents being laid out when memory ran over while there were several (or
    /// one that took little of it): any of them may be to blame.
    pub(crate) suspects: Vec<Flight>,
}

impl Overrun {
    /// The run stopped as a whole: what ran over while laying out which documents.
    pub(crate) fn stops_run(&self) -> Diagnostic {
        let labels: Vec<&str> = (self.culprits.iter().chain(&self.suspects))
            .map(|flight| flight.label.as_str())
            .collect();
        let during = match labels.is_empty() {
            true => "between documents".to_string(),
            false => format!("while laying out {}", labels.join(", ")),
        };
        let message = format!("the run was stopped: it {} {during}", self.exceeded);
        Diagnostic::error(message).with_hint(format!(
            "{RUNAWAY_HINT}; the documents written so far are kept"
        ))
    }
}

/// What to do about a document that runs away.
pub(crate) const RUNAWAY_HINT: &str = "Typst cannot stop a template or input that runs away (a loop, text doubled again and again): \
     fix it, or raise the budget with --max-memory (MiB) or --max-seconds";

/// Watches a run from a thread of its own until it is dropped.
pub(crate) struct Watchdog<'scope> {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::ScopedJoinHandle<'scope, ()>>,
}

impl<'scope> Watchdog<'scope> {
    /// Watches the documents `in_flight` against `budget`, in a thread of `scope`, and
    /// hands the first overrun to `overrun` (which does not return).
    pub(crate) fn start<'env, F>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        (budget, in_flight): (Budget, &'scope InFlight),
        overrun: F,
    ) -> Self
    where
        F: Fn(Overrun) + Send + 'scope,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = scope.spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                if let Some(found) = over_budget(budget, in_flight) {
                    overrun(found);
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

impl Drop for Watchdog<'_> {
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

/// What is over budget, and the documents to blame; `None` while within it.
fn over_budget(budget: Budget, in_flight: &InFlight) -> Option<Overrun> {
    let flights = in_flight.lock().clone();
    let resident = resident_mib().unwrap_or(0);
    if resident > budget.memory_mib {
        let exceeded = format!(
            "took {resident} MiB of memory (the budget is {} MiB)",
            budget.memory_mib
        );
        // Alone, a document is to blame for what the run took on while it was laid
        // out, if that is most of the budget (not memory earlier ones left behind).
        let grew =
            |f: &Flight| resident.saturating_sub(f.resident_at_start) > budget.memory_mib / 2;
        let (culprits, suspects) = match flights.len() == 1 && grew(&flights[0]) {
            true => (flights, Vec::new()),
            false => (Vec::new(), flights),
        };
        return Some(Overrun {
            exceeded,
            culprits,
            suspects,
        });
    }
    let limit = Duration::from_secs(budget.seconds);
    let slow: Vec<Flight> = flights
        .into_iter()
        .filter(|flight| flight.started.elapsed() >= limit)
        .collect();
    let longest = slow.iter().map(|f| f.started.elapsed()).max()?;
    Some(Overrun {
        exceeded: format!(
            "spent {} s on one document (the budget is {} s)",
            longest.as_secs(),
            budget.seconds
        ),
        culprits: slow,
        suspects: Vec::new(),
    })
}

/// The resident memory of this process in MiB (Linux; elsewhere `None`).
fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
