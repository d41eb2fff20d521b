//! Planning persona × theme × format jobs, running them on a bounded pool and
//! folding their outcomes into a report.

pub(crate) mod cache;
mod document;
mod in_process;
mod keys;
mod load;
pub mod merge;
mod overview;
mod paths;
mod pdf;
mod plan;
pub(crate) mod report;
pub mod restart;
pub mod shard;
mod stale;
pub mod watchdog;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use indicatif::ProgressBar;
use typst::foundations::Bytes;

use crate::print::OutputIntent;
use crate::render::output::Remover;
use crate::render::resample::Resamples;
use crate::render::thumbnail::StandIns;
use crate::spec::format::Format;
use crate::spec::workspace::Workspace;
use crate::world::Base;

pub use in_process::{LaidOut, lay_out_all, lay_out_overviews};
pub use paths::{THUMBNAIL_DIR, THUMBNAIL_WIDTH_PX, output_path, thumbnail_dpi, thumbnail_path};
pub use report::{OVERVIEW_ID, Outcome, Report, Subject};

use cache::{Digests, KeyBuilder, Previous, cache_file, digests_file};
use keys::{shared_key, theme_fingerprints};
use load::{Logo, Ready, load_personas, read_logo};
use plan::{PersonaQueue, plan};
use shard::Portion;

/// How a batch runs.
pub struct RunOptions<'a> {
    /// Worker threads; each lays out and exports one document at a time.
    pub jobs: usize,
    /// Advanced once per document.
    pub progress: &'a ProgressBar,
    /// The PDF/X output intent for print formats (`None` when `[print] pdfx = false`).
    pub output_intent: Option<OutputIntent>,
    /// What is done with each laid-out document.
    pub mode: Mode,
    /// The date of every document (`SOURCE_DATE_EPOCH`); `None`: each its newest input's.
    pub source_date_epoch: Option<i64>,
    /// Which of the project's documents this run makes: all, a shard's, or a merge's.
    pub portion: Portion,
    /// The memory the run, and the time one document, may take.
    pub budget: watchdog::Budget,
    /// `Some`: a document over the budget is stopped and the run goes on without it, the
    /// process starting itself again (what earlier images stopped inside); `None`: the
    /// run as a whole is stopped (a library caller's process is not to be replaced).
    pub runaways: Option<restart::Runaways>,
}

/// What a batch does with each laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Lay out, export and preflight; write nothing (`check`).
    Check,
    /// Write PDFs (`render`); `force` renders documents whose inputs did not change
    /// too; `png` adds previews at that many dpi.
    Render { force: bool, png: Option<f64> },
    /// Write a Typst source bundle per document into this folder (`export`).
    Export(PathBuf),
    /// Write only a PNG of each document at `dpi`, to `path` or beside where the PDF
    /// goes (`preview`).
    /// With `proof`, the page as it will print (a soft proof through the output intent).
    Preview {
        dpi: f64,
        path: Option<PathBuf>,
        proof: bool,
    },
}

impl Mode {
    /// Whether documents are written into the output folder, with their cache.
    fn writes_output(&self) -> bool {
        matches!(self, Mode::Render { .. })
    }

    /// Whether unchanged documents are rendered again.
    fn forced(&self) -> bool {
        matches!(self, Mode::Render { force: true, .. })
    }

    /// The resolution of the PNG previews asked for, if any.
    fn png_dpi(&self) -> Option<f64> {
        match self {
            Mode::Render { png, .. } => *png,
            Mode::Preview { dpi, .. } => Some(*dpi),
            Mode::Check | Mode::Export(_) => None,
        }
    }
}

/// Everything a worker needs to run any planned document.
struct Context<'a> {
    ws: &'a Workspace,
    base: &'a Base,
    options: &'a RunOptions<'a>,
    logos: Vec<Logo>,
    previous: Previous,
    shared_key: KeyBuilder,
    /// SHA-256 of each theme and its logo, hashed once.
    theme_fingerprints: Vec<String>,
    /// Digests of photos and written PDFs, kept between runs.
    digests: Digests,
    /// Photos as overview sheets embed them, by persona id and pixels needed: reduced
    /// once per run, shared by every theme's sheet.
    sheet_photos: Mutex<HashMap<(String, u32), (String, Bytes)>>,
    /// Removes the files this run replaces; the run waits for it when it ends.
    remover: Remover,
    /// The thumbnails' stand-ins of photos, made once for a persona's documents.
    stand_ins: StandIns,
    /// Photos resampled for print, made once for a persona's documents.
    resamples: Resamples,
    /// The soft proof the print formats' thumbnails are drawn through, made once.
    soft_proof: std::sync::OnceLock<Option<crate::print::soft_proof::SoftProof>>,
    /// The documents being laid out, for the watchdog.
    in_flight: watchdog::InFlight,
    /// The documents done so far, saved to the cache before the run starts again.
    done: Mutex<Vec<Outcome>>,
    /// What earlier images of the run stopped (nothing when it cannot start again).
    runaways: restart::Runaways,
}

/// What a batch did.
pub struct Ran {
    /// One outcome per document (or per persona that could not be loaded), in a stable order.
    pub outcomes: Vec<Outcome>,
    /// Files of documents the project no longer makes (a deleted or renamed persona's)
    /// that this run removed, relative to the output folder.
    pub removed: Vec<String>,
}

/// The keys of the documents among `done` that this image of the run wrote.
fn made_keys(done: &[Outcome]) -> Vec<String> {
    let made = done.iter().filter(|o| !o.skipped && o.path.is_some());
    made.filter_map(|o| o.key.clone()).collect()
}

/// Loads every persona and renders every job.
pub fn run(ws: &Workspace, base: &Base, options: &RunOptions) -> Ran {
    let suffix = options.portion.file_suffix();
    let restarted = options.runaways.as_ref().is_some_and(|r| r.restarted());
    match &options.mode {
        Mode::Render { .. } => drop(crate::render::output::remove_debris(&ws.out, restarted)),
        // An export's folder is its own: only this process's earlier writes are its debris.
        Mode::Export(dir) if restarted => drop(crate::render::output::remove_debris(dir, true)),
        _ => {}
    }
    let digests = match options.mode.writes_output() && !options.mode.forced() {
        true => Digests::load(&digests_file(&ws.out, &suffix)),
        false => Digests::default(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .expect("a thread pool");
    let coverage = crate::world::coverage::Coverage::new(base.book());
    let (ready, mut outcomes) =
        pool.install(|| load_personas(ws, (&digests, &coverage), &options.portion));
    let mut context = Context::new(ws, base, options, digests);
    std::thread::scope(|scope| {
        let context = &context;
        let watched = (options.budget, &context.in_flight);
        let _watchdog = watchdog::Watchdog::start(scope, watched, |o| context.overrun(o));
        let per_persona = context.run_personas(&pool, &ready);
        if options.portion.makes_overviews() {
            outcomes.extend(context.run_overviews(&pool, &ready));
        }
        outcomes.extend(per_persona);
    });
    let removed = match context.keeps_files() {
        true => context.keep_files(&outcomes),
        false => Vec::new(),
    };
    Ran { outcomes, removed }
}

impl<'a> Context<'a> {
    fn new(ws: &'a Workspace, base: &'a Base, options: &'a RunOptions, digests: Digests) -> Self {
        let logos: Vec<Logo> = ws.themes.iter().map(read_logo).collect();
        let keeps_files = options.mode.writes_output();
        Context {
            ws,
            base,
            options,
            theme_fingerprints: theme_fingerprints(ws, &logos),
            logos,
            previous: match keeps_files {
                true => Previous::load(&cache_file(&ws.out, &options.portion.file_suffix())),
                false => Previous::default(),
            },
            shared_key: shared_key(ws, base, options),
            digests,
            sheet_photos: Mutex::default(),
            remover: Remover::new(),
            stand_ins: StandIns::default(),
            resamples: Resamples::default(),
            soft_proof: std::sync::OnceLock::new(),
            in_flight: watchdog::InFlight::default(),
            done: Mutex::default(),
            runaways: options.runaways.clone().unwrap_or_default(),
        }
    }

    /// Acts on a run over its budget: starts the run again without the document to
    /// blame, the documents done so far saved to the cache; where it cannot, or the
    /// overrun names none, stops the run. Either way the report the run would have
    /// replaced is removed first (it would describe files replaced since).
    fn overrun(&self, overrun: watchdog::Overrun) -> ! {
        if self.options.mode.writes_output() {
            let _ = std::fs::remove_file(self.ws.out.join(self.options.portion.report_name()));
        }
        // Held until the process is replaced: no document is done unrecorded meanwhile.
        let done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        let known = self.options.runaways.as_ref();
        if let Some(next) = known.and_then(|known| known.after(&overrun, made_keys(&done))) {
            self.save_done(&done);
            let why = restart::restart(&next, &overrun);
            eprintln!("personapress could not start again ({why})");
        }
        overrun.stops_run().eprint();
        std::process::exit(1)
    }

    /// Saves the cache and digests of the documents `done`, so that a run started
    /// again does not make them anew.
    fn save_done(&self, done: &[Outcome]) {
        if !self.keeps_files() {
            return;
        }
        let (out, suffix) = (&self.ws.out, self.options.portion.file_suffix());
        let _ = self.digests.save(&digests_file(out, &suffix));
        let cache = cache_file(out, &suffix);
        let _ = self.previous.save(done, (out, &self.ws.root), &cache);
    }

    /// Keeps a document's outcome for [`Self::save_done`], where the run writes files.
    fn finished(&self, outcome: &Outcome) {
        if self.keeps_files() {
            let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
            done.push(outcome.clone());
        }
    }

    /// Removes the outputs of documents the project no longer makes, and saves the
    /// digests and the cache for the next run; the files removed.
    fn keep_files(&mut self, outcomes: &[Outcome]) -> Vec<String> {
        let (ws, options) = (self.ws, self.options);
        let suffix = options.portion.file_suffix();
        let complete =
            ws.complete && ws.only_persona.is_none() && options.portion == Portion::Whole;
        let current = stale::Current::new(outcomes, ws, complete);
        let removed = stale::remove_stale(&mut self.previous, &current, ws);
        // Losing the digests or the cache only costs the next run some work.
        let _ = self.digests.save(&digests_file(&ws.out, &suffix));
        let cache = cache_file(&ws.out, &suffix);
        let _ = self.previous.save(outcomes, (&ws.out, &ws.root), &cache);
        removed
    }

    /// Whether the run writes documents into the output folder (and keeps their cache there).
    fn keeps_files(&self) -> bool {
        self.options.mode.writes_output()
    }

    /// Every persona's documents, in plan order. One long-lived loop per worker, so a
    /// worker never starts a second document while its export waits (typst-pdf yields
    /// to rayon). A worker takes a whole persona, so its photo is decoded once for all of
    /// that persona's documents. Suspects of an earlier image's overrun come last, one
    /// at a time, so that the watchdog can tell which one runs away.
    fn run_personas(&self, pool: &rayon::ThreadPool, ready: &[Ready]) -> Vec<Outcome> {
        let plan = plan(ready.len(), self.ws.themes.len(), &self.ws.formats);
        self.options.progress.set_length(plan.len() as u64);
        let results: Vec<Mutex<Option<Outcome>>> = plan.iter().map(|_| Mutex::new(None)).collect();
        let queue = PersonaQueue::new(&plan);
        let suspects = Mutex::new(Vec::new());
        pool.broadcast(|_| {
            let mut claimed = None;
            while let Some((i, last_of_persona)) = queue.next(&mut claimed) {
                let job = &plan[i];
                match self.is_suspect(&ready[job.persona], job) {
                    true => suspects.lock().unwrap_or_else(|e| e.into_inner()).push(i),
                    false => self.run_planned(&ready[job.persona], job, &results[i]),
                }
                if last_of_persona {
                    ready[job.persona].release_photo();
                    typst::comemo::evict(1);
                }
            }
        });
        let suspects = suspects.into_inner().unwrap_or_else(|e| e.into_inner());
        pool.install(|| {
            for i in suspects {
                let job = &plan[i];
                self.run_planned(&ready[job.persona], job, &results[i]);
                ready[job.persona].release_photo();
            }
        });
        let results = results.into_iter();
        results
            .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect()
    }

    /// Runs one planned document into `result`.
    fn run_planned(&self, ready: &Ready, job: &plan::Planned, result: &Mutex<Option<Outcome>>) {
        let outcome = self.run_guarded(ready, job.theme, &job.format);
        self.finished(&outcome);
        *result.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
        self.options.progress.inc(1);
    }

    /// Whether an earlier image of the run found `job` among the documents in flight
    /// when memory ran over.
    fn is_suspect(&self, ready: &Ready, job: &plan::Planned) -> bool {
        self.runaways.restarted()
            && (self.runaways).is_suspect(&self.key(ready, job.theme, &job.format))
    }

    /// The overview sheets: each theme in each overview format.
    fn run_overviews(&self, pool: &rayon::ThreadPool, ready: &[Ready]) -> Vec<Outcome> {
        let overviews = self.ws.formats.iter().filter(|f| f.is_overview());
        let sheets: Vec<(usize, &Format)> = (0..self.ws.themes.len())
            .flat_map(|theme| overviews.clone().map(move |f| (theme, f)))
            .collect();
        pool.install(|| {
            sheets
                .iter()
                .map(|(theme, format)| {
                    let outcome = self.run_overview(ready, *theme, format);
                    self.finished(&outcome);
                    outcome
                })
                .collect()
        })
    }
}
