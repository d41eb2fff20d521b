//! The PDF export of a laid-out document, with the standards its format asks for.

use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::Diagnostic;
use crate::spec::format::Format;
use crate::spec::standard::PdfxStandard;

/// Exports a laid-out document to PDF; the briefing as PDF/UA-1, a print PDF for
/// PDF/X-1a or X-3 as PDF 1.4 (ICC profiles v2, nothing newer than PDF 1.4).
pub fn export_pdf(
    document: &PagedDocument,
    format: &Format,
    pdfx: Option<PdfxStandard>,
    ident: &str,
    date: Datetime,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let pdf14 = pdfx.is_some_and(PdfxStandard::is_pdf_1_4);
    let standards = match (format.pdf_ua, pdf14) {
        (true, _) => PdfStandards::new(&[PdfStandard::Ua_1]).expect("PDF/UA-1 alone is valid"),
        (false, true) => PdfStandards::new(&[PdfStandard::V_1_4]).expect("PDF 1.4 alone is valid"),
        (false, false) => PdfStandards::default(),
    };
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("personapress {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(date)),
        standards,
        // The office briefing is tagged for accessibility (PDF/UA); print files go to a
        // press, where a structure tree is only weight to write, parse and ship.
        tagged: !format.print,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| errors.iter().map(export_error).collect())
}

/// A PDF export error, with advice for the one a user can cause: a character no font has.
fn export_error(error: &SourceDiagnostic) -> Diagnostic {
    let diag = Diagnostic::error(format!("pdf export failed ({})", error.message));
    match error.message.contains("could not be displayed") {
        true => diag.with_hint(
            "the text uses a character none of the fonts has; an accessible (PDF/UA) briefing cannot show \
             it as a blank box: remove the character, or put a font that has it in the project's `fonts` folder",
        ),
        false => diag,
    }
}
