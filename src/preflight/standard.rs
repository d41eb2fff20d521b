//! What PDF/X-1a and X-3 forbid beyond PDF/X-4, checked on the finished file: a PDF
//! version above 1.4, transparency of any kind, and (PDF/X-1a) any colour that is not
//! CMYK, grey or a spot colour.

use lopdf::{Document, Object};

use crate::diag::Diagnostic;
use crate::print::opaque::transparency_left;
use crate::spec::standard::PdfxStandard;

/// The errors of a finished PDF against what `standard` asks beyond its keys.
pub(crate) fn check_standard(doc: &Document, standard: PdfxStandard) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    if doc.version != standard.pdf_version() {
        findings.push(Diagnostic::error(format!(
            "the PDF is version {}, but {standard} is PDF {}",
            doc.version,
            standard.pdf_version()
        )));
    }
    let transparency = transparency_left(doc);
    if !standard.allows_transparency() && !transparency.is_empty() {
        let message = format!(
            "{standard} allows no transparency, but the PDF has: {}",
            transparency.join(", ")
        );
        let hint = "transparent photos and SVG art are flattened; a template's colour with alpha or a gradient to transparent is not: mix colours with white instead (`color.mix`)";
        findings.push(Diagnostic::error(message).with_hint(hint));
    }
    let mut spaces = device_independent_spaces(doc);
    if rgb_painted(doc) {
        spaces.push("RGB-painting content".into());
    }
    if standard.cmyk_only() && !spaces.is_empty() {
        let message = format!(
            "{standard} is CMYK only, but the PDF has {} colour",
            spaces.join(", ")
        );
        let hint = "an indexed or 16-bit photo, or a gradient of sampled colours in SVG art, is not converted: save the photo as an 8-bit JPEG or PNG, use two-colour gradients";
        findings.push(Diagnostic::error(message).with_hint(hint));
    }
    findings
}

/// Whether a content stream (a page's, a form's, a tiling pattern's) paints a colour
/// of three components: `rg`/`RG`, or `sc`/`scn`/`SC`/`SCN` with three numbers.
fn rgb_painted(doc: &Document) -> bool {
    let pages = doc
        .get_pages()
        .into_values()
        .flat_map(|p| doc.get_page_contents(p));
    let drawn = doc.objects.iter().filter_map(|(id, o)| {
        let dict = &o.as_stream().ok()?.dict;
        let form = dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form");
        (form || dict.has(b"PatternType")).then_some(*id)
    });
    let streams: Vec<_> = pages.chain(drawn).collect();
    streams.into_iter().any(|id| {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            return false;
        };
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        crate::print::content::operations(&content)
            .iter()
            .any(|op| {
                let numbers = op
                    .operands
                    .split(u8::is_ascii_whitespace)
                    .filter(|t| !t.is_empty());
                matches!(op.operator, b"rg" | b"RG")
                    || (matches!(op.operator, b"sc" | b"scn" | b"SC" | b"SCN")
                        && numbers.count() == 3)
            })
    })
}

/// The RGB and device-independent colour spaces named anywhere in the document:
/// `DeviceRGB`, `ICCBased`, `Lab`, `CalRGB`, `CalGray` (each once).
fn device_independent_spaces(doc: &Document) -> Vec<String> {
    let mut found = Vec::new();
    for object in doc.objects.values() {
        collect_spaces(object, 0, &mut found);
    }
    found.sort();
    found.dedup();
    found
}

fn collect_spaces(object: &Object, depth: usize, found: &mut Vec<String>) {
    const SPACES: [&[u8]; 5] = [b"DeviceRGB", b"ICCBased", b"Lab", b"CalRGB", b"CalGray"];
    let items: Box<dyn Iterator<Item = &Object>> = match object {
        Object::Name(name) if SPACES.contains(&name.as_slice()) => {
            found.push(String::from_utf8_lossy(name).into_owned());
            return;
        }
        _ if depth >= 5 => return,
        Object::Array(items) => Box::new(items.iter()),
        Object::Dictionary(dict) => Box::new(dict.iter().map(|(_, o)| o)),
        Object::Stream(stream) => Box::new(stream.dict.iter().map(|(_, o)| o)),
        _ => return,
    };
    items.for_each(|o| collect_spaces(o, depth + 1, found));
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn finds_what_pdfx_1a_forbids() {
        let mut doc = Document::with_version("1.4");
        assert!(check_standard(&doc, PdfxStandard::X1a).is_empty());
        let icc = doc.add_object(dictionary! { "N" => 3 });
        let space = Object::Array(vec!["ICCBased".into(), Object::Reference(icc)]);
        doc.add_object(dictionary! { "ColorSpace" => dictionary! { "c0" => space } });
        doc.add_object(dictionary! { "Type" => "ExtGState", "ca" => 0.5 });
        let found = check_standard(&doc, PdfxStandard::X1a);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].message.contains("constant alpha 0.5"));
        assert!(found[1].message.contains("ICCBased colour"));
        // PDF/X-3 allows ICC colour, not transparency; PDF/X-4 both, at 1.6.
        assert_eq!(check_standard(&doc, PdfxStandard::X3).len(), 1);
        // An RGB colour left in a form's content (a space retired, a colour not).
        let mut form = Document::with_version("1.4");
        let content = b"q /C0 cs 0.1 0.2 0.3 scn 0 0 5 5 re f Q".to_vec();
        form.add_object(lopdf::Stream::new(
            dictionary! { "Subtype" => "Form" },
            content,
        ));
        let found = check_standard(&form, PdfxStandard::X1a);
        assert!(
            found.len() == 1 && found[0].message.contains("RGB-painting content"),
            "{found:?}"
        );
        let x4 = check_standard(&doc, PdfxStandard::X4);
        assert!(x4.len() == 1 && x4[0].message.contains("version 1.4"));
    }
}
