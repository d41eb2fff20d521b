//! One document through the pipeline: lay out, preflight, export, finish for print,
//! write the PDF, its thumbnail and its PNG; or reuse the last run's file.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;

use crate::diag::Diagnostic;
use crate::digest::sha256_hex;
use crate::preflight;
use crate::print;
use crate::render::output::{Remover, write_replacing};
use crate::render::{self, Job};
use crate::spec::format::Format;
use crate::spec::workspace::Workspace;

use super::cache::Stamp;
use super::load::Ready;
use super::paths::{output_path, slug, thumbnail_dpi, thumbnail_path};
use super::shard::Portion;
use super::{Context, Mode, Outcome};

impl Context<'_> {
    /// Fills `outcome` from an earlier run when its key is unchanged and `--force` is not given.
    /// One an earlier image of this run made (see `restart`) counts as made, not kept.
    pub(super) fn reuse(&self, outcome: &mut Outcome, key: &str) -> bool {
        let made = self.runaways.made(key);
        let reused = (!self.options.mode.forced() || made)
            && self
                .previous
                .reuse(outcome, key, &self.ws.out, &self.digests);
        outcome.skipped &= !made;
        reused
    }

    /// A merge's document, as the shard that made it left it (never rendered here): an
    /// error when no shard made it, or made it from other inputs.
    fn take_from_shard(&self, outcome: &mut Outcome, key: &str) {
        let taken = self
            .previous
            .take_over(outcome, key, &self.ws.out, &self.digests);
        if let Err(diag) = taken {
            outcome.errors.push(diag);
        } else if outcome.path.is_some() && !self.side_files_present(outcome) {
            let message = "the shard's thumbnail of this document is missing";
            outcome
                .errors
                .push(Diagnostic::error(message).with_hint(super::cache::RENDER_SHARD_AGAIN));
        }
    }

    /// Runs one document, turning a panic into an internal error for that document alone.
    pub(super) fn run_guarded(&self, ready: &Ready, theme: usize, format: &Format) -> Outcome {
        let mut outcome = Outcome::new(&ready.source, &self.ws.themes[theme], format);
        if format.is_journey() && ready.source.persona.journey.is_empty() {
            outcome.note = Some(format!(
                "{} has no [[journey]] stages, so no {format} was made",
                ready.source.id
            ));
            return outcome;
        }
        let key = self.key(ready, theme, format);
        if self.options.portion == Portion::Merge {
            self.take_from_shard(&mut outcome, &key);
            return outcome;
        }
        if let Some(stopped) = self.runaways.stopped(&key) {
            outcome.errors.push(stopped);
            return outcome;
        }
        if self.reuse(&mut outcome, &key) {
            if self.side_files_present(&outcome) {
                return outcome;
            }
            outcome = Outcome::new(&ready.source, &self.ws.themes[theme], format);
        }
        outcome.key = Some(key.clone());
        let _entered = self.in_flight.enter(outcome.label(), key);
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.run_one(ready, theme, format, &mut outcome)
        }));
        if let Err(panic) = result {
            outcome.errors.push(internal_error(panic.as_ref()));
        }
        outcome
    }

    /// Whether the thumbnail and the asked-for PNG of an unchanged document are still
    /// there: one that was deleted, a `--png` not asked for before or at another `--dpi`
    /// renders it again.
    pub(super) fn side_files_present(&self, outcome: &Outcome) -> bool {
        let Some(pdf) = &outcome.path else {
            return false;
        };
        let png_present = match (self.options.mode.png_dpi(), &outcome.format) {
            (None, _) => true,
            (Some(dpi), Some(format)) => png_at(&pdf.with_extension("png"), format, dpi),
            (Some(_), None) => false,
        };
        png_present && thumbnail_path(&self.ws.out, pdf).is_file()
    }

    /// The hash of everything that shapes this document.
    pub(super) fn key(&self, ready: &Ready, theme: usize, format: &Format) -> String {
        let key = self
            .shared_key
            .clone()
            .part(ready.fingerprint.as_bytes())
            // A project's own format with its size and finishing, a built-in by its name.
            .part(format!("{format:?}").as_bytes());
        key.part(self.theme_fingerprints[theme].as_bytes()).finish()
    }

    pub(super) fn run_one(
        &self,
        ready: &Ready,
        theme_index: usize,
        format: &Format,
        outcome: &mut Outcome,
    ) {
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
    pub(super) fn make(&self, job: &Job, outcome: &mut Outcome) {
        let Some(laid) = self.laid_out(job, outcome) else {
            return;
        };
        match &self.options.mode {
            Mode::Export(dir) => self.export(dir, job, &laid, outcome),
            Mode::Preview { dpi, path, proof } => {
                self.preview(job, &laid, (*dpi, *proof), path.as_deref(), outcome)
            }
            Mode::Check => drop(self.finished_pdf(&laid.document, job, outcome)),
            Mode::Render { png, .. } => self.render(job, &laid, *png, outcome),
        }
    }

    /// The laid-out document, its pages, fit and warnings and the layout's preflight in `outcome`.
    fn laid_out(&self, job: &Job, outcome: &mut Outcome) -> Option<render::Laid> {
        let mut laid = match render::lay_out(self.base, job) {
            Ok(laid) => laid,
            Err(errors) => {
                outcome.errors.extend(errors);
                return None;
            }
        };
        outcome.pages = laid.document.pages().len();
        outcome.fit = laid.sizing.fit;
        outcome.warnings.extend(std::mem::take(&mut laid.warnings));
        outcome.add(preflight::check_layout(&laid.document, job.format.ppi));
        if job.format.print {
            outcome.add(preflight::check_theme_ink(&job.theme.theme));
        }
        Some(laid)
    }

    /// Writes only the PNG of the document's first page, to `path` or beside where its PDF goes.
    fn preview(
        &self,
        job: &Job,
        laid: &render::Laid,
        (dpi, proof): (f64, bool),
        path: Option<&Path>,
        outcome: &mut Outcome,
    ) {
        let beside_pdf =
            || output_path(self.ws, job.persona, job.theme, job.format).with_extension("png");
        let path = path.map_or_else(beside_pdf, Path::to_path_buf);
        let written = match proof {
            true => self.write_soft_proof(&laid.document, dpi, &path, outcome),
            false => write_png(&laid.document, dpi, &path, &self.remover, outcome),
        };
        if written {
            outcome.path = Some(path);
        }
    }

    /// The run's soft proof through the output intent (FOGRA39 where the project has
    /// none), made on first use; `None` when the profile cannot be used for one.
    fn soft_proof(&self) -> Option<&print::soft_proof::SoftProof> {
        let made = self.soft_proof.get_or_init(|| {
            print::soft_proof::SoftProof::new(self.press_intent().profile.as_slice(), false).ok()
        });
        made.as_ref()
    }

    /// The output intent a soft proof prints through: the project's, else FOGRA39.
    fn press_intent(&self) -> std::borrow::Cow<'_, print::OutputIntent> {
        match &self.options.output_intent {
            Some(intent) => std::borrow::Cow::Borrowed(intent),
            None => std::borrow::Cow::Owned(print::OutputIntent::fogra39()),
        }
    }

    /// Writes the first page as it will print, through the output intent's profile
    /// (FOGRA39 where the project has none), and notes how much is out of gamut.
    fn write_soft_proof(
        &self,
        document: &typst_layout::PagedDocument,
        dpi: f64,
        path: &Path,
        outcome: &mut Outcome,
    ) -> bool {
        let intent = self.press_intent();
        let written =
            print::soft_proof::SoftProof::new(intent.profile.as_slice(), true).and_then(|proof| {
                let (width, mut rgb) = render::render_rgb(document, dpi)?;
                let out = proof.proofed(&mut rgb, width as usize);
                let png = render::rgb_png(width, &rgb)?;
                write_replacing(path, &png, &self.remover).map_err(|e| e.to_string())?;
                Ok(out)
            });
        match written {
            Ok(out) => {
                outcome.note = Some(format!(
                    "soft proof for {}: {:.1} % of the page is beyond the press's colours (striped green)",
                    intent.identifier,
                    out * 100.0
                ));
                true
            }
            Err(err) => {
                let message = format!("cannot write the soft proof {} ({err})", path.display());
                outcome.errors.push(Diagnostic::error(message));
                false
            }
        }
    }

    /// Writes the finished PDF, its thumbnail and, at `png` dpi, its PNG.
    fn render(&self, job: &Job, laid: &render::Laid, png: Option<f64>, outcome: &mut Outcome) {
        let Some(pdf) = self.finished_pdf(&laid.document, job, outcome) else {
            return;
        };
        if outcome.failed() {
            return;
        }
        self.write(&pdf, job, outcome);
        let Some(path) = outcome.path.clone() else {
            return;
        };
        self.write_thumbnail(&laid.document, job.format, &path, outcome);
        if let Some(dpi) = png {
            write_png(
                &laid.document,
                dpi,
                &path.with_extension("png"),
                &self.remover,
                outcome,
            );
        }
    }

    /// Writes the proof page's thumbnail of the document written to `pdf`.
    pub(super) fn write_thumbnail(
        &self,
        document: &typst_layout::PagedDocument,
        format: &Format,
        pdf: &Path,
        outcome: &mut Outcome,
    ) {
        let dpi = thumbnail_dpi(format);
        let path = thumbnail_path(&self.ws.out, pdf);
        let soft = format.print && self.ws.project.print.soft_proof;
        let proof = soft.then(|| self.soft_proof()).flatten();
        let finish = |rgb: &mut [[u8; 3]], width: usize| {
            if let Some(proof) = proof {
                proof.proofed(rgb, width);
            }
        };
        let finish: Option<render::thumbnail::Finish> = proof.map(|_| &finish as _);
        let written = render::thumbnail::thumbnail(document, dpi, &self.stand_ins, finish)
            .and_then(|png| write_replacing(&path, &png, &self.remover).map_err(|e| e.to_string()));
        if let Err(err) = written {
            let message = format!("cannot write the thumbnail {} ({err})", path.display());
            outcome.warnings.push(Diagnostic::warning(message));
        }
    }

    /// Writes the document's Typst bundle to `DIR/<persona>/<format>/`.
    pub(super) fn export(&self, dir: &Path, job: &Job, laid: &render::Laid, outcome: &mut Outcome) {
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
    pub(super) fn write(&self, pdf: &[u8], job: &Job, outcome: &mut Outcome) {
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
pub(super) fn png_at(path: &Path, format: &Format, dpi: f64) -> bool {
    let Ok((width, _)) = image::image_dimensions(path) else {
        return false;
    };
    let expected = format.trim_mm.0 / 25.4 * dpi;
    (f64::from(width) - expected).abs() <= 1.0
}

/// Writes the first page's trim area as a PNG; a failure becomes an error of the document.
pub(super) fn write_png(
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

/// The files whose modification time dates a document.
pub(super) fn input_files(job: &Job, ws: &Workspace) -> Vec<PathBuf> {
    let mut inputs = vec![
        job.persona.path.clone(),
        ws.root.join(crate::spec::workspace::PROJECT_FILE),
    ];
    inputs.extend(job.persona.photo.clone());
    inputs.extend(job.theme.path.clone());
    inputs.extend(job.theme.logo.clone());
    inputs
}

/// The error for a panic while rendering one document: a bug, reported with what it said.
fn internal_error(panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned());
    let message = format!(
        "internal error while rendering ({})",
        what.unwrap_or_default()
    );
    let hint = "this is a bug in personapress: please report it with the persona file";
    Diagnostic::error(message).with_hint(hint)
}
