//! Planning persona × theme × format jobs, running them on a bounded pool and
//! folding their outcomes into a report.

pub mod cache;
mod in_process;
mod overview;
pub mod report;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::ProgressBar;
use typst::foundations::Bytes;

use crate::assets::read_image;
use crate::diag::Diagnostic;
use crate::preflight;
use crate::print::{self, CutContour, OutputIntent, PrintSettings};
use crate::render::data::asset_path;
use crate::render::output::{Remover, document_date, sha256_hex, write_replacing};
use crate::render::thumbnail::StandIns;
use crate::render::{self, Job};
use crate::spec::format::Format;
use crate::spec::project::Project;
use crate::spec::theme::Theme;
use crate::spec::workspace::{PersonaSource, ThemeSource, Workspace};
use crate::world::Base;

pub use in_process::{LaidOut, lay_out_all, lay_out_overviews};
pub use overview::OVERVIEW_ID;
pub use report::{Outcome, Report};

use cache::{Digests, KeyBuilder, Previous, Stamp};

/// How a batch runs.
pub struct RunOptions<'a> {
    /// Worker threads; each lays out and exports one document at a time.
    pub jobs: usize,
    /// Write PDFs (render) or only lay out (check).
    pub write: bool,
    /// Advanced once per document.
    pub progress: &'a ProgressBar,
    /// The PDF/X output intent for print formats (`None` when `[print] pdfx = false`).
    pub output_intent: Option<OutputIntent>,
    /// Render every document even when its inputs are unchanged.
    pub force: bool,
    /// Write a Typst source bundle per document into this folder instead of PDFs.
    pub export_to: Option<PathBuf>,
    /// Also write a PNG preview of each document's first page at this resolution (dpi).
    pub png_dpi: Option<f64>,
    /// Write only the PNG preview, no PDF (`preview`).
    pub png_only: bool,
    /// Where the PNG of a `png_only` run goes, instead of beside the PDF.
    pub png_path: Option<PathBuf>,
}

/// Logo bytes per theme, or why the logo could not be read.
type Logo = Result<Option<(String, Bytes)>, Diagnostic>;

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
}

/// A persona ready to render: the loaded file, and its photo read on demand.
struct Ready {
    source: PersonaSource,
    /// SHA-256 of the persona and its photo, hashed once for all its documents.
    fingerprint: String,
    /// The photo while the persona's documents are rendered: read by the first of them,
    /// let go after the last, so that memory does not grow with the batch.
    photo: Mutex<Option<Photo>>,
}

/// A photo's virtual path and bytes, none, or why it could not be read.
type Photo = Result<Option<(String, Bytes)>, Diagnostic>;

impl Ready {
    /// The photo, read now unless a document of this persona already did.
    fn photo(&self) -> Photo {
        let mut slot = self.photo.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(|| read_photo(&self.source)).clone()
    }

    /// Lets the photo go once the persona's last document is done.
    fn release_photo(&self) {
        *self.photo.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// One planned document.
struct Planned {
    persona: usize,
    theme: usize,
    format: Format,
}

/// Loads every persona, renders every job and returns one outcome per document
/// (or per persona that could not be loaded), in a stable order.
pub fn run(ws: &Workspace, base: &Base, options: &RunOptions) -> Vec<Outcome> {
    let digests = match options.write && !options.force {
        true => Digests::load(&ws.out),
        false => Digests::default(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .expect("a thread pool");
    let (ready, mut outcomes) = pool.install(|| load_personas(ws, &digests));
    let logos: Vec<Logo> = ws.themes.iter().map(read_logo).collect();
    let context = Context {
        ws,
        base,
        options,
        theme_fingerprints: theme_fingerprints(ws, &logos),
        logos,
        previous: match options.write && !options.force {
            true => Previous::load(&ws.out),
            false => Previous::default(),
        },
        shared_key: shared_key(ws, base, options),
        digests,
        sheet_photos: Mutex::default(),
        remover: Remover::new(),
        stand_ins: StandIns::default(),
    };
    let plan = plan(&ready, ws);
    options.progress.set_length(plan.len() as u64);
    let results: Vec<Mutex<Option<Outcome>>> = plan.iter().map(|_| Mutex::new(None)).collect();
    let queue = PersonaQueue::new(&plan);
    // One long-lived loop per worker, so a worker never starts a second document while
    // its export waits (typst-pdf yields to rayon). A worker takes a whole persona, so
    // its photo is decoded once for all of that persona's documents.
    pool.broadcast(|_| {
        let mut claimed = None;
        while let Some((i, last_of_persona)) = queue.next(&mut claimed) {
            let job = &plan[i];
            let outcome = context.run_guarded(&ready[job.persona], job.theme, &job.format);
            *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
            if last_of_persona {
                ready[job.persona].release_photo();
                typst::comemo::evict(1);
            }
            options.progress.inc(1);
        }
    });
    let overviews: Vec<(usize, Format)> = (0..ws.themes.len())
        .flat_map(|theme| {
            ws.formats
                .iter()
                .filter(|f| f.is_overview())
                .map(move |f| (theme, f.clone()))
        })
        .collect();
    outcomes.extend(pool.install(|| {
        overviews
            .iter()
            .map(|(theme, format)| context.run_overview(&ready, *theme, format))
            .collect::<Vec<_>>()
    }));
    if options.write && options.export_to.is_none() {
        // Losing the digests only costs the next run some hashing.
        let _ = context.digests.save(&ws.out);
    }
    let results = results
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()));
    outcomes.extend(results);
    outcomes
}

/// Hands out planned documents a persona at a time: each worker claims the next
/// persona and runs its documents in turn. When no persona is left unclaimed, an idle
/// worker helps with the documents left of personas still in progress.
struct PersonaQueue {
    /// The range of plan indices of each persona's documents.
    personas: Vec<std::ops::Range<usize>>,
    /// The next document to hand out, per persona.
    next_document: Vec<AtomicUsize>,
    /// The next persona nobody has claimed.
    next_persona: AtomicUsize,
}

impl PersonaQueue {
    fn new(plan: &[Planned]) -> Self {
        let mut personas: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, job) in plan.iter().enumerate() {
            match personas.last_mut() {
                Some(range) if plan[range.start].persona == job.persona => range.end = i + 1,
                _ => personas.push(i..i + 1),
            }
        }
        let next_document = personas.iter().map(|r| AtomicUsize::new(r.start)).collect();
        PersonaQueue {
            personas,
            next_document,
            next_persona: AtomicUsize::new(0),
        }
    }

    /// The next document for a worker, and whether it is its persona's last.
    /// `claimed` is the worker's own persona, kept between calls.
    fn next(&self, claimed: &mut Option<usize>) -> Option<(usize, bool)> {
        if let Some(found) = claimed.and_then(|p| self.take_from(p)) {
            return Some(found);
        }
        loop {
            let persona = self.next_persona.fetch_add(1, Ordering::SeqCst);
            if persona >= self.personas.len() {
                break;
            }
            *claimed = Some(persona);
            if let Some(found) = self.take_from(persona) {
                return Some(found);
            }
        }
        *claimed = None;
        (0..self.personas.len()).find_map(|p| self.take_from(p))
    }

    /// Takes the next document of `persona`, if any is left.
    fn take_from(&self, persona: usize) -> Option<(usize, bool)> {
        let range = &self.personas[persona];
        let i = self.next_document[persona].fetch_add(1, Ordering::SeqCst);
        (i < range.end).then_some((i, i + 1 == range.end))
    }
}

/// Hashes each theme and its logo bytes.
fn theme_fingerprints(ws: &Workspace, logos: &[Logo]) -> Vec<String> {
    let themes = ws.themes.iter().zip(logos);
    themes
        .map(|(theme, logo)| {
            let json = serde_json::to_vec(&theme.theme).unwrap_or_default();
            let logo = match logo {
                Ok(Some((_, bytes))) => bytes.as_slice(),
                _ => &[],
            };
            KeyBuilder::new(&[&json, logo]).finish()
        })
        .collect()
}

/// The part of every document's key that the whole run shares: templates and fonts,
/// the project's settings, the output intent and the date source. Which personas,
/// themes and formats the project lists is not part of it (each document's key names
/// its own), so adding or dropping one renders no other document again.
fn shared_key(ws: &Workspace, base: &Base, options: &RunOptions) -> KeyBuilder {
    let settings = crate::spec::project::Project {
        personas: None,
        themes: None,
        formats: None,
        format: Default::default(),
        ..ws.project.clone()
    };
    let project = format!("{settings:?}").into_bytes();
    let intent = options
        .output_intent
        .as_ref()
        .map(|i| sha256_hex(&i.profile))
        .unwrap_or_default();
    let epoch = crate::render::output::source_date_epoch()
        .map(|s| s.to_string())
        .unwrap_or_default();
    KeyBuilder::new(&[
        base.fingerprint().as_bytes(),
        &project,
        intent.as_bytes(),
        epoch.as_bytes(),
    ])
}

/// Loads each persona file, in parallel on the current pool; failures become outcomes,
/// duplicates of an id are refused (the later file, in the workspace's order).
/// A photo changed since the last run is read, checked and hashed here, so that a broken
/// one fails its persona once; an unchanged one is only read when a document needs it.
fn load_personas(ws: &Workspace, digests: &Digests) -> (Vec<Ready>, Vec<Outcome>) {
    use rayon::prelude::*;
    let loaded: Vec<Result<Ready, Diagnostic>> = ws
        .persona_files
        .par_iter()
        .map(|path| load_persona(ws, path, digests))
        .collect();
    let mut ready: Vec<Ready> = Vec::new();
    let mut failed = Vec::new();
    for (path, loaded) in ws.persona_files.iter().zip(loaded) {
        let loaded = loaded.and_then(
            |r| match ready.iter().find(|o| o.source.id == r.source.id) {
                Some(other) => Err(duplicate_id(path, &r.source.id, &other.source.path)),
                None => Ok(r),
            },
        );
        match loaded {
            Ok(r) => ready.push(r),
            Err(diag) => failed.push(Outcome::failed_persona(path, diag)),
        }
    }
    (ready, failed)
}

/// The error for a persona file whose id an earlier one already has.
fn duplicate_id(path: &Path, id: &str, other: &Path) -> Diagnostic {
    let message = format!("the id `{id}` is also used by {}", other.display());
    crate::spec::error_at_key_in(path, "id", message).with_hint("give each persona its own `id`")
}

/// Loads one persona file and fingerprints it with its photo.
fn load_persona(ws: &Workspace, path: &Path, digests: &Digests) -> Result<Ready, Diagnostic> {
    let source = ws.load_persona(path)?;
    let photo = photo_digest(&source, digests)?;
    let fingerprint = persona_fingerprint(&source, &photo);
    Ok(Ready {
        source,
        fingerprint,
        photo: Mutex::new(None),
    })
}

/// The SHA-256 of the persona's photo: remembered from the last run when the file is
/// unchanged, else read, checked and hashed now.
fn photo_digest(source: &PersonaSource, digests: &Digests) -> Result<String, Diagnostic> {
    let Some(path) = &source.photo else {
        return Ok(String::new());
    };
    if let Some(sha) = digests.unchanged(path) {
        return Ok(sha);
    }
    let stamp = Stamp::of(path);
    let Some((_, bytes)) = read_photo(source)? else {
        return Ok(String::new());
    };
    let sha = sha256_hex(bytes.as_slice());
    if let Some(stamp) = stamp {
        digests.record(path, stamp, &sha);
    }
    Ok(sha)
}

/// Hashes what a persona contributes to its documents' keys.
fn persona_fingerprint(source: &PersonaSource, photo_sha: &str) -> String {
    let persona = serde_json::to_vec(&source.persona).unwrap_or_default();
    let id = format!("{}/{}", source.id, source.language.code());
    KeyBuilder::new(&[id.as_bytes(), &persona, photo_sha.as_bytes()]).finish()
}

fn read_photo(source: &PersonaSource) -> Result<Option<(String, Bytes)>, Diagnostic> {
    let Some(path) = &source.photo else {
        return Ok(None);
    };
    let bytes = read_image(path).map_err(|message| {
        crate::spec::error_at_key_in(
            &source.path,
            "photo",
            format!("{}: the photo {message}", source.id),
        )
    })?;
    Ok(Some((asset_path("photo", path), bytes)))
}

fn read_logo(theme: &ThemeSource) -> Result<Option<(String, Bytes)>, Diagnostic> {
    let Some(path) = &theme.logo else {
        return Ok(None);
    };
    let bytes = read_image(path).map_err(|message| {
        let message = format!("the logo of theme `{}` {message}", theme.theme.name);
        match &theme.path {
            Some(theme_path) => crate::spec::error_at_key_in(theme_path, "file", message),
            None => Diagnostic::error(message),
        }
    })?;
    Ok(Some((asset_path("logo", path), bytes)))
}

/// Every persona × theme × format, persona first so a persona's documents run together.
fn plan(ready: &[Ready], ws: &Workspace) -> Vec<Planned> {
    let mut plan = Vec::new();
    for persona in 0..ready.len() {
        for theme in 0..ws.themes.len() {
            let per_persona = ws.formats.iter().filter(|f| !f.is_overview());
            plan.extend(per_persona.map(|format| Planned {
                persona,
                theme,
                format: format.clone(),
            }));
        }
    }
    plan
}

impl Context<'_> {
    /// Runs one document, turning a panic into an internal error for that document alone.
    fn run_guarded(&self, ready: &Ready, theme: usize, format: &Format) -> Outcome {
        let mut outcome = Outcome::new(&ready.source, &self.ws.themes[theme], format);
        if format.is_journey() && ready.source.persona.journey.is_empty() {
            outcome.note = Some(format!(
                "{} has no [[journey]] stages, so no {format} was made",
                ready.source.id
            ));
            return outcome;
        }
        let key = self.key(ready, theme, format);
        if self
            .previous
            .reuse(&mut outcome, &key, &self.ws.out, &self.digests)
        {
            if self.side_files_present(&outcome) {
                return outcome;
            }
            outcome = Outcome::new(&ready.source, &self.ws.themes[theme], format);
        }
        outcome.key = Some(key);
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.run_one(ready, theme, format, &mut outcome)
        }));
        if let Err(panic) = result {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned());
            let message = format!(
                "internal error while rendering ({})",
                what.unwrap_or_default()
            );
            let hint = "this is a bug in personapress: please report it with the persona file";
            outcome
                .errors
                .push(Diagnostic::error(message).with_hint(hint));
        }
        outcome
    }

    /// Whether the thumbnail and the asked-for PNG of an unchanged document are still
    /// there: one that was deleted, a `--png` not asked for before or at another `--dpi`
    /// renders it again.
    fn side_files_present(&self, outcome: &Outcome) -> bool {
        let Some(pdf) = &outcome.path else {
            return false;
        };
        let png_present = match (self.options.png_dpi, &outcome.format) {
            (None, _) => true,
            (Some(dpi), Some(format)) => png_at(&pdf.with_extension("png"), format, dpi),
            (Some(_), None) => false,
        };
        png_present && crate::proof::thumbnail_path(&self.ws.out, pdf).is_file()
    }

    /// The hash of everything that shapes this document.
    fn key(&self, ready: &Ready, theme: usize, format: &Format) -> String {
        let key = self
            .shared_key
            .clone()
            .part(ready.fingerprint.as_bytes())
            // A project's own format with its size and finishing, a built-in by its name.
            .part(format!("{format:?}").as_bytes());
        key.part(self.theme_fingerprints[theme].as_bytes()).finish()
    }

    fn run_one(&self, ready: &Ready, theme_index: usize, format: &Format, outcome: &mut Outcome) {
        let logo = match &self.logos[theme_index] {
            Ok(logo) => logo,
            Err(diag) => return outcome.errors.push(diag.clone()),
        };
        let theme = &self.ws.themes[theme_index];
        let photo = match ready.photo() {
            Ok(photo) => photo,
            Err(diag) => return outcome.errors.push(diag),
        };
        let assets: HashMap<String, Bytes> = photo.into_iter().chain(logo.clone()).collect();
        let job = Job {
            persona: &ready.source,
            theme,
            format,
            project: &self.ws.project,
            assets: &assets,
            extra: None,
        };
        self.make(&job, outcome);
    }

    /// Lays out, preflights and writes one job: the PDF (or PNG, or bundle) and its thumbnail.
    fn make(&self, job: &Job, outcome: &mut Outcome) {
        let (format, theme, job) = (job.format, job.theme, *job);
        let mut laid = match render::lay_out(self.base, &job) {
            Ok(laid) => laid,
            Err(errors) => return outcome.errors.extend(errors),
        };
        outcome.pages = laid.document.pages().len();
        outcome.fit = laid.sizing.fit;
        outcome.warnings.extend(std::mem::take(&mut laid.warnings));
        outcome.add(preflight::check_layout(&laid.document, format.ppi));
        if format.print {
            outcome.add(preflight::check_theme_ink(&theme.theme));
        }
        if let Some(dir) = &self.options.export_to {
            return self.export(dir, &job, &laid, outcome);
        }
        if self.options.png_only {
            let path = self.options.png_path.clone().unwrap_or_else(|| {
                output_path(self.ws, job.persona, job.theme, job.format).with_extension("png")
            });
            let dpi = self.options.png_dpi.unwrap_or(72.0);
            if write_png(&laid.document, dpi, &path, &self.remover, outcome) {
                outcome.path = Some(path);
            }
            return;
        }
        let Some(pdf) = self.finished_pdf(&laid.document, &job, outcome) else {
            return;
        };
        if self.options.write && !outcome.failed() {
            self.write(&pdf, &job, outcome);
            if let Some(path) = outcome.path.clone() {
                self.write_thumbnail(&laid.document, job.format, &path, outcome);
                if let Some(dpi) = self.options.png_dpi {
                    write_png(
                        &laid.document,
                        dpi,
                        &path.with_extension("png"),
                        &self.remover,
                        outcome,
                    );
                }
            }
        }
    }

    /// Writes the proof page's thumbnail of the document written to `pdf`.
    fn write_thumbnail(
        &self,
        document: &typst_layout::PagedDocument,
        format: &Format,
        pdf: &Path,
        outcome: &mut Outcome,
    ) {
        let dpi = crate::proof::thumbnail_dpi(format);
        let path = crate::proof::thumbnail_path(&self.ws.out, pdf);
        let written = render::thumbnail::thumbnail(document, dpi, &self.stand_ins)
            .and_then(|png| write_replacing(&path, &png, &self.remover).map_err(|e| e.to_string()));
        if let Err(err) = written {
            let message = format!("cannot write the thumbnail {} ({err})", path.display());
            outcome.warnings.push(Diagnostic::warning(message));
        }
    }

    /// Exports the PDF, finishes it for print where the format goes to a print shop,
    /// and preflights the result.
    fn finished_pdf(
        &self,
        document: &typst_layout::PagedDocument,
        job: &Job,
        outcome: &mut Outcome,
    ) -> Option<Vec<u8>> {
        let ident = format!("{}/{}/{}", job.persona.id, job.theme.theme.name, job.format);
        let date = document_date(&input_files(job, self.ws));
        let settings = print_settings(
            &self.ws.project,
            &job.theme.theme,
            job.format,
            &self.options.output_intent,
        );
        let finished = render::export_pdf(document, job.format, &ident, date).and_then(|pdf| {
            let Some(settings) = &settings else {
                return Ok(pdf);
            };
            let finished = print::finish(&pdf, settings).map_err(|e| vec![Diagnostic::error(e)])?;
            let (pdfx, cmyk_only) = (settings.pdfx.is_some(), settings.convert.is_some());
            outcome.add(preflight::check_pdf(&finished.doc, pdfx, cmyk_only));
            let warnings = finished.warnings.into_iter().map(Diagnostic::warning);
            outcome.warnings.extend(warnings);
            Ok(finished.pdf)
        });
        match finished {
            Ok(pdf) => Some(pdf),
            Err(errors) => {
                outcome.errors.extend(errors);
                None
            }
        }
    }

    /// Writes the document's Typst bundle to `DIR/<persona>/<format>/`.
    fn export(&self, dir: &Path, job: &Job, laid: &render::Laid, outcome: &mut Outcome) {
        let mut folder = match job.format.is_overview() {
            true => dir.join("overview"),
            false => dir.join(&job.persona.id),
        };
        folder = match self.ws.themes.len() > 1 {
            true => folder.join(format!("{}-{}", slug(&job.theme.theme.name), job.format)),
            false => folder.join(job.format.name()),
        };
        match crate::export::write_bundle(&folder, self.base, job, laid) {
            Ok(()) => outcome.path = Some(folder.join("main.typ")),
            Err(err) => outcome.errors.push(Diagnostic::error(format!(
                "cannot write {} ({err})",
                folder.display()
            ))),
        }
    }

    /// Writes the PDF atomically and records its size and checksum.
    fn write(&self, pdf: &[u8], job: &Job, outcome: &mut Outcome) {
        let path = output_path(self.ws, job.persona, job.theme, job.format);
        match write_replacing(&path, pdf, &self.remover) {
            Ok(()) => {
                let sha = match &self.options.output_intent {
                    Some(intent) => intent.sha256_hex(pdf),
                    None => sha256_hex(pdf),
                };
                if let Some(stamp) = Stamp::of(&path) {
                    self.digests.record(&path, stamp, &sha);
                }
                outcome.bytes = pdf.len() as u64;
                outcome.sha256 = Some(sha);
                outcome.path = Some(path);
            }
            Err(err) => outcome.errors.push(Diagnostic::error(format!(
                "cannot write {} ({err})",
                path.display()
            ))),
        }
    }
}

/// Whether the PNG at `path` shows a page of `format` at `dpi`: its width within a pixel
/// of the trim width at that resolution. Another `--dpi` than last time renders again.
fn png_at(path: &Path, format: &Format, dpi: f64) -> bool {
    let Ok((width, _)) = image::image_dimensions(path) else {
        return false;
    };
    let expected = format.trim_mm.0 / 25.4 * dpi;
    (f64::from(width) - expected).abs() <= 1.0
}

/// Writes the first page's trim area as a PNG; a failure becomes an error of the document.
fn write_png(
    document: &typst_layout::PagedDocument,
    dpi: f64,
    path: &Path,
    remover: &Remover,
    outcome: &mut Outcome,
) -> bool {
    let written = render::render_png(document, dpi)
        .and_then(|png| write_replacing(path, &png, remover).map_err(|e| e.to_string()));
    if let Err(err) = &written {
        outcome.errors.push(Diagnostic::error(format!(
            "cannot write the PNG preview {} ({err})",
            path.display()
        )));
    }
    written.is_ok()
}

/// The print finishing a format gets from the project's `[print]` and `[mousepad]` tables;
/// `None` for office formats.
pub fn print_settings(
    project: &Project,
    theme: &Theme,
    format: &Format,
    intent: &Option<OutputIntent>,
) -> Option<PrintSettings> {
    if !format.print {
        return None;
    }
    let cut_contour = format.cut_contour.then(|| CutContour {
        name: project
            .mousepad
            .cut_contour
            .clone()
            .unwrap_or_else(|| "CutContour".into()),
        radius_mm: project.mousepad.corner_radius.map_or(5.0, |r| r.mm),
    });
    Some(PrintSettings {
        crop_marks: project.print.crop_marks.unwrap_or(true),
        pdfx: intent
            .clone()
            .filter(|_| project.print.pdfx.unwrap_or(true)),
        cut_contour,
        exact_cmyk: theme_cmyk(theme),
        brand_inks: brand_inks(theme),
        convert: intent.as_ref().and_then(|i| i.converter.clone()),
    })
}

/// The theme's CMYK colours as fractions, for [`PrintSettings::exact_cmyk`].
fn theme_cmyk(theme: &Theme) -> Vec<[f32; 4]> {
    brand_inks(theme)
        .into_iter()
        .map(|(_, cmyk)| cmyk)
        .collect()
}

/// The theme's colours given as both sRGB and CMYK, for [`PrintSettings::brand_inks`].
fn brand_inks(theme: &Theme) -> Vec<([u8; 3], [f32; 4])> {
    let c = &theme.colors;
    [
        &c.primary,
        &c.secondary,
        &c.accent,
        &c.background,
        &c.text,
        &c.muted,
    ]
    .into_iter()
    .filter_map(|color| {
        let color = color.as_ref()?;
        Some((color.rgb.0, color.cmyk?.map(|v| v.0 as f32 / 100.0)))
    })
    .collect()
}

/// The files whose modification time dates a document.
fn input_files(job: &Job, ws: &Workspace) -> Vec<PathBuf> {
    let mut inputs = vec![
        job.persona.path.clone(),
        ws.root.join(crate::spec::workspace::PROJECT_FILE),
    ];
    inputs.extend(job.persona.photo.clone());
    inputs.extend(job.theme.path.clone());
    inputs.extend(job.theme.logo.clone());
    inputs
}

/// `OUT/<id>/<id>.<format>.pdf`, with the theme's name added when several themes are
/// rendered; overview sheets go to `OUT/<format>.pdf`.
pub fn output_path(
    ws: &Workspace,
    persona: &PersonaSource,
    theme: &ThemeSource,
    format: &Format,
) -> PathBuf {
    if format.is_overview() {
        return match ws.themes.len() > 1 {
            true => ws
                .out
                .join(format!("{format}.{}.pdf", slug(&theme.theme.name))),
            false => ws.out.join(format!("{format}.pdf")),
        };
    }
    let dir = ws.out.join(&persona.id);
    if ws.themes.len() > 1 {
        dir.join(format!(
            "{}.{}.{}.pdf",
            persona.id,
            slug(&theme.theme.name),
            format
        ))
    } else {
        dir.join(format!("{}.{}.pdf", persona.id, format))
    }
}

/// A file-name-safe lowercase form of a theme name.
fn slug(name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    slug.split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(personas: &[usize]) -> Vec<Planned> {
        let table = crate::spec::format::Formats::new(&Default::default()).unwrap();
        let poster = table
            .get(crate::spec::format::Kind::PosterA2)
            .unwrap()
            .clone();
        personas
            .iter()
            .enumerate()
            .flat_map(|(persona, &documents)| {
                let poster = poster.clone();
                (0..documents).map(move |_| Planned {
                    persona,
                    theme: 0,
                    format: poster.clone(),
                })
            })
            .collect()
    }

    #[test]
    fn each_worker_keeps_its_persona_until_none_is_left_unclaimed() {
        let plan = plan_of(&[3, 3, 2]);
        let queue = PersonaQueue::new(&plan);
        let (mut a, mut b) = (None, None);
        let mut taken = vec![];
        // Two workers taking turns: each stays on the persona it claimed.
        for _ in 0..3 {
            taken.push(queue.next(&mut a).unwrap());
            taken.push(queue.next(&mut b).unwrap());
        }
        assert_eq!(
            taken,
            [
                (0, false),
                (3, false),
                (1, false),
                (4, false),
                (2, true),
                (5, true)
            ]
        );
        // Worker a claims the last persona; b, with nothing unclaimed, helps with it.
        assert_eq!(queue.next(&mut a), Some((6, false)));
        assert_eq!(queue.next(&mut b), Some((7, true)));
        assert_eq!(queue.next(&mut a), None);
        assert_eq!(queue.next(&mut b), None);
    }

    #[test]
    fn every_document_is_handed_out_once_across_threads() {
        let plan = plan_of(&[4, 1, 7, 4, 4, 2, 9]);
        let queue = PersonaQueue::new(&plan);
        let seen: Vec<AtomicUsize> = plan.iter().map(|_| AtomicUsize::new(0)).collect();
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| {
                    let mut claimed = None;
                    while let Some((i, _)) = queue.next(&mut claimed) {
                        seen[i].fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(seen.iter().all(|n| n.load(Ordering::SeqCst) == 1));
    }
}
