//! The PDF of one document: the laid-out document prepared for it (photos right-sized,
//! transparent art flattened for PDF/X-1a and X-3), exported, finished for print and
//! preflighted.

use crate::diag::Diagnostic;
use crate::preflight;
use crate::print::{self, print_settings};
use crate::render::date::document_date;
use crate::render::flatten::FlatArt;
use crate::render::resample::right_sized;
use crate::render::{self, Job};
use crate::spec::standard::PdfxStandard;

use super::document::input_files;
use super::{Context, Outcome};

impl Context<'_> {
    /// Exports the PDF, finishes it for print where the format goes to a print shop,
    /// and preflights the result.
    pub(super) fn finished_pdf(
        &self,
        document: &typst_layout::PagedDocument,
        job: &Job,
        outcome: &mut Outcome,
    ) -> Option<Vec<u8>> {
        let ident = format!("{}/{}/{}", job.persona.id, job.theme.theme.name, job.format);
        let date = document_date(&input_files(job, self.ws), self.options.source_date_epoch);
        let mut settings = print_settings(
            &self.ws.project,
            &job.theme.theme,
            job.format,
            &self.options.output_intent,
        );
        let pdfx = settings
            .as_ref()
            .and_then(print::PrintSettings::pdfx_standard);
        let (prepared, art) = self.prepared(document, job, pdfx, outcome).ok()?;
        if let Some(settings) = &mut settings {
            settings.flat_art = art;
        }
        let document = prepared.as_ref().unwrap_or(document);
        let finished =
            render::export_pdf(document, job.format, pdfx, &ident, date).and_then(|pdf| {
                match &settings {
                    Some(settings) => print_finished(&pdf, settings, outcome),
                    None => Ok(pdf),
                }
            });
        match finished {
            Ok(pdf) => Some(pdf),
            Err(errors) => {
                outcome.errors.extend(errors);
                None
            }
        }
    }

    /// The document the PDF is made from, if not `document`: photos right-sized
    /// (`[print] max_ppi`) and, for PDF/X-1a and X-3, transparent art flattened, each
    /// noted in `outcome`; with the flattened images. `Err` when art cannot be
    /// flattened (an error of `outcome`).
    fn prepared(
        &self,
        document: &typst_layout::PagedDocument,
        job: &Job,
        pdfx: Option<PdfxStandard>,
        outcome: &mut Outcome,
    ) -> Result<(Option<typst_layout::PagedDocument>, Vec<FlatArt>), ()> {
        let smaller = self.right_sized(document, job, outcome);
        if pdfx.is_none_or(PdfxStandard::allows_transparency) {
            return Ok((smaller, vec![]));
        }
        match render::flatten::flattened(smaller.as_ref().unwrap_or(document)) {
            Ok(None) => Ok((smaller, vec![])),
            Ok(Some(flat)) => {
                outcome
                    .warnings
                    .extend(flat.notes.into_iter().map(Diagnostic::warning));
                Ok((Some(flat.document), flat.art))
            }
            Err(message) => {
                outcome.errors.push(Diagnostic::error(message));
                Err(())
            }
        }
    }

    /// For a print format of a project with `[print] max_ppi`, the document with photos
    /// printed above it brought to 300 ppi (noted in `outcome`); `None` when it needs none.
    fn right_sized(
        &self,
        document: &typst_layout::PagedDocument,
        job: &Job,
        outcome: &mut Outcome,
    ) -> Option<typst_layout::PagedDocument> {
        let above = f64::from(job.format.ppi.max?);
        let (smaller, resampled) = right_sized(document, above, &self.resamples)?;
        outcome.resampled = resampled;
        Some(smaller)
    }
}

/// A Typst PDF finished for print and preflighted, its findings in `outcome`.
fn print_finished(
    pdf: &[u8],
    settings: &print::PrintSettings,
    outcome: &mut Outcome,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let finished = print::finish(pdf, settings).map_err(|e| vec![Diagnostic::error(e)])?;
    let cmyk_only = settings.convert.is_some();
    outcome.add(preflight::check_pdf(
        &finished.doc,
        settings.pdfx_standard(),
        cmyk_only,
        &settings.exact_cmyk,
    ));
    let warnings = finished.warnings.into_iter().map(Diagnostic::warning);
    outcome.warnings.extend(warnings);
    Ok(finished.pdf)
}
