//! Preflight: the checks a print shop runs, each returning findings as
//! diagnostics (error or warning) with a hint, never stopping at the first.
//!
//! Layout checks read Typst's laid-out document (image resolution, small text);
//! PDF checks read the finished file (boxes, fonts, PDF/X keys); theme checks
//! read the colours (ink limit).

use lopdf::{Document, Object};
use typst::layout::{Frame, FrameItem, Transform};
use typst::visualize::{Color, ImageKind, Paint, ProcessColor};
use typst_layout::PagedDocument;

mod bleed;
mod inks;
mod standard;
mod svg;

use crate::diag::Diagnostic;
use crate::spec::format::PpiLimits;
use crate::spec::standard::PdfxStandard;
use crate::spec::theme::Theme;

/// Smallest type size print shops accept.
pub(crate) const MIN_TEXT_PT: f64 = 6.0;
/// Below this size, text in rich black (full black over other inks) blurs on press:
/// the slightest misregistration of a plate shows round every letter.
pub(crate) const RICH_BLACK_TEXT_BELOW_PT: f64 = 12.0;
/// Highest total ink coverage, in percent.
pub(crate) const MAX_INK: i64 = 300;

/// Checks the laid-out document: every raster image's effective resolution and text below 6 pt.
pub(crate) fn check_layout(document: &PagedDocument, limits: PpiLimits) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let mut smallest_text: Option<f64> = None;
    let mut rich_black = None;
    for (index, page) in document.pages().iter().enumerate() {
        findings.extend(bleed::bleed_findings(page, index + 1));
        walk(
            &page.frame,
            Transform::identity(),
            &mut |item, scale| match item {
                FrameItem::Image(image, size, _) => {
                    findings.extend(image_finding(image, *size, scale, limits));
                    findings.extend(svg::svg_text_findings(image));
                }
                FrameItem::Text(text) => {
                    let size = text.size.to_pt() * scale;
                    smallest_text = Some(smallest_text.map_or(size, |s: f64| s.min(size)));
                    if size < RICH_BLACK_TEXT_BELOW_PT && rich_black.is_none() {
                        rich_black = rich_black_ink(&text.fill).map(|ink| (size, ink));
                    }
                }
                _ => {}
            },
        );
    }
    findings.extend(smallest_text.and_then(small_text_finding));
    findings.extend(rich_black.map(rich_black_finding));
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert(f.message.clone()));
    findings
}

/// The resolution finding of a raster image drawn at `size` points times `scale`.
fn image_finding(
    image: &typst::visualize::Image,
    size: typst::layout::Size,
    scale: f64,
    limits: PpiLimits,
) -> Option<Diagnostic> {
    let ImageKind::Raster(raster) = image.kind() else {
        return None;
    };
    let (w_in, h_in) = (size.x.to_inches() * scale, size.y.to_inches() * scale);
    let ppi = (f64::from(raster.width()) / w_in).min(f64::from(raster.height()) / h_in);
    ppi_finding(ppi, (raster.width(), raster.height()), (w_in, h_in), limits)
}

/// An error when the smallest text is below what print shops accept.
fn small_text_finding(size: f64) -> Option<Diagnostic> {
    (size < MIN_TEXT_PT - 0.01).then(|| {
        Diagnostic::error(format!(
            "text is set at {size:.1} pt, below the {MIN_TEXT_PT} pt print shops accept"
        ))
        .with_hint("shorten the text so it needs less shrinking, or enlarge it in the template")
    })
}

/// The CMYK of a fill that is rich black: 90 % black or more over more than 10 % of
/// other inks.
fn rich_black_ink(paint: &Paint) -> Option<[f32; 4]> {
    let Paint::Solid(Color::Process(ProcessColor::Cmyk(ink))) = paint else {
        return None;
    };
    (ink.k >= 0.9 && ink.c + ink.m + ink.y > 0.1).then_some([ink.c, ink.m, ink.y, ink.k])
}

fn rich_black_finding((size, ink): (f64, [f32; 4])) -> Diagnostic {
    let percent = ink.map(|v| format!("{:.0}", v * 100.0)).join("/");
    Diagnostic::warning(format!(
        "text at {size:.1} pt is set in rich black ({percent}): under {RICH_BLACK_TEXT_BELOW_PT} pt \
         black text should be black ink only"
    ))
    .with_hint("give the theme's text colour `cmyk = [0, 0, 0, 100]`")
}

/// Calls `visit` for every item with the uniform scale of its transform.
fn walk(frame: &Frame, transform: Transform, visit: &mut dyn FnMut(&FrameItem, f64)) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                walk(&group.frame, transform.pre_concat(group.transform), visit)
            }
            other => visit(other, scale_of(transform)),
        }
    }
}

/// The linear scale factor of a transform (the square root of its determinant).
fn scale_of(t: Transform) -> f64 {
    (t.sx.get() * t.sy.get() - t.kx.get() * t.ky.get())
        .abs()
        .sqrt()
}

fn ppi_finding(
    ppi: f64,
    pixels: (u32, u32),
    inches: (f64, f64),
    limits: PpiLimits,
) -> Option<Diagnostic> {
    let (w_mm, h_mm) = (inches.0 * 25.4, inches.1 * 25.4);
    let what = format!(
        "an image of {} × {} px prints at {ppi:.0} ppi ({w_mm:.0} × {h_mm:.0} mm)",
        pixels.0, pixels.1
    );
    let needed = (inches.0 * f64::from(limits.warn)).ceil();
    let hint = format!(
        "use an image of at least {needed:.0} px wide for {} ppi",
        limits.warn
    );
    if ppi < f64::from(limits.min) {
        Some(
            Diagnostic::error(format!("{what}, below the minimum of {} ppi", limits.min))
                .with_hint(hint),
        )
    } else if ppi < f64::from(limits.warn) {
        Some(
            Diagnostic::warning(format!("{what}, below the recommended {} ppi", limits.warn))
                .with_hint(hint),
        )
    } else {
        None
    }
}

/// Checks a theme's CMYK colours against the total ink limit.
pub(crate) fn check_theme_ink(theme: &Theme) -> Vec<Diagnostic> {
    theme
        .colors
        .named()
        .iter()
        .filter_map(|(name, color)| {
            let total: i64 = color.as_ref()?.cmyk?.iter().map(|v| v.0).sum();
            (total > MAX_INK).then(|| {
                Diagnostic::warning(format!(
                    "the theme colour `{name}` of `{}` has {total} % total ink, above {MAX_INK} %",
                    theme.name
                ))
                .with_hint("lower the CMYK values so they add up to 300 or less")
            })
        })
        .collect()
}

/// Checks a finished print PDF: boxes present and nested, fonts embedded, PDF/X keys.
/// `pdfx` is the standard the file claims, if any; beyond PDF/X-4's, PDF/X-1a and X-3
/// forbid transparency and (X-1a) RGB: see [`standard::check_standard`]. White
/// overprint and theme colours (`theme_cmyk`, 0..1) not written exactly: [`inks`].
pub(crate) fn check_pdf(
    doc: &Document,
    pdfx: Option<PdfxStandard>,
    cmyk_only: bool,
    theme_cmyk: &[[f32; 4]],
) -> Vec<Diagnostic> {
    let mut findings = check_boxes(doc);
    findings.extend(check_fonts_embedded(doc));
    findings.extend(inks::check_inks(doc, theme_cmyk));
    if let Some(standard) = pdfx {
        findings.extend(check_pdfx_keys(doc, standard));
        findings.extend(check_no_device_rgb(doc, standard));
        findings.extend(standard::check_standard(doc, standard));
    }
    if cmyk_only {
        findings.extend(check_cmyk_only(doc));
    }
    findings
}

/// With `[print] colour = "cmyk"`, nothing may be left in RGB: what is gets a warning.
fn check_cmyk_only(doc: &Document) -> Vec<Diagnostic> {
    let left = crate::print::convert::rgb_objects(doc);
    if left.is_empty() {
        return vec![];
    }
    let mut kinds = left.clone();
    kinds.sort_unstable();
    kinds.dedup();
    let message = format!(
        "{} part(s) of the PDF are still RGB after the conversion to CMYK ({})",
        left.len(),
        kinds.join(", ")
    );
    let hint =
        "a gradient of sampled colours is not converted: use two-colour gradients in SVG art";
    vec![Diagnostic::warning(message).with_hint(hint)]
}

/// PDF/X allows RGB only through ICC profiles: no `DeviceRGB` colour space, no `rg`/`RG`.
fn check_no_device_rgb(doc: &Document, standard: PdfxStandard) -> Vec<Diagnostic> {
    let named = doc.objects.values().any(|o| mentions_device_rgb(o, 0));
    let operators = doc.get_pages().into_values().any(|page| {
        let content = doc.get_page_content(page);
        crate::print::content::operations(&content)
            .iter()
            .any(|op| op.operator == b"rg" || op.operator == b"RG")
    });
    match named || operators {
        true => vec![
            Diagnostic::error(format!(
                "the PDF paints in DeviceRGB, which {standard} does not allow"
            ))
            .with_hint("use ICC-based colours or CMYK in the template"),
        ],
        false => vec![],
    }
}

fn mentions_device_rgb(object: &Object, depth: usize) -> bool {
    match object {
        Object::Name(name) => name == b"DeviceRGB",
        Object::Array(items) if depth < 4 => {
            items.iter().any(|o| mentions_device_rgb(o, depth + 1))
        }
        Object::Dictionary(dict) if depth < 4 => {
            dict.iter().any(|(_, o)| mentions_device_rgb(o, depth + 1))
        }
        Object::Stream(stream) if depth < 4 => stream
            .dict
            .iter()
            .any(|(_, o)| mentions_device_rgb(o, depth + 1)),
        _ => false,
    }
}

fn check_boxes(doc: &Document) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (number, page) in doc.get_pages() {
        let Ok(dict) = doc.get_dictionary(page) else {
            continue;
        };
        let get = |key: &[u8]| crate::print::page_box(dict, key);
        match (get(b"MediaBox"), get(b"BleedBox"), get(b"TrimBox")) {
            (Some(media), Some(bleed), Some(trim))
                if media.contains(bleed) && bleed.contains(trim) => {}
            (Some(_), Some(_), Some(_)) => findings.push(Diagnostic::error(format!(
                "page {number}: the boxes are not nested (TrimBox ⊂ BleedBox ⊂ MediaBox)"
            ))),
            _ => findings.push(Diagnostic::error(format!(
                "page {number}: a TrimBox or BleedBox is missing"
            ))),
        }
    }
    findings
}

fn check_fonts_embedded(doc: &Document) -> Vec<Diagnostic> {
    doc.objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| {
            dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"FontDescriptor".as_slice())
        })
        .filter(|dict| {
            ![b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                .iter()
                .any(|k| dict.has(k))
        })
        .map(|dict| {
            let name = dict
                .get(b"FontName")
                .and_then(Object::as_name)
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            Diagnostic::error(format!("the font {name} is not embedded"))
        })
        .collect()
}

fn check_pdfx_keys(doc: &Document, standard: PdfxStandard) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let intents = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"OutputIntents").ok())
        .and_then(|o| o.as_array().ok());
    if intents.map_or(0, Vec::len) != 1 {
        findings.push(Diagnostic::error(
            "the PDF/X output intent is missing (exactly one is required)",
        ));
    }
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .ok();
    let conformance = standard.conformance_key().map(|_| "GTS_PDFXConformance");
    let keys = [
        "GTS_PDFXVersion",
        "Trapped",
        "Title",
        "CreationDate",
        "ModDate",
    ];
    for key in keys.into_iter().chain(conformance) {
        if !info.is_some_and(|info| info.has(key.as_bytes())) {
            findings.push(Diagnostic::error(format!(
                "the PDF/X key `{key}` is missing from the Info dictionary"
            )));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: PpiLimits = PpiLimits {
        warn: 300,
        min: 150,
        max: None,
    };

    #[test]
    fn resolution_findings_follow_the_limits() {
        // 1200 px over 4 inches is 300 ppi: fine.
        assert!(ppi_finding(300.0, (1200, 1200), (4.0, 4.0), LIMITS).is_none());
        let warning = ppi_finding(200.0, (800, 800), (4.0, 4.0), LIMITS).unwrap();
        assert_eq!(warning.severity, crate::diag::Severity::Warning);
        assert!(warning.message.contains("200 ppi") && warning.hints[0].contains("1200 px"));
        let error = ppi_finding(100.0, (400, 400), (4.0, 4.0), LIMITS).unwrap();
        assert_eq!(error.severity, crate::diag::Severity::Error);
    }

    #[test]
    fn heavy_ink_is_a_warning() {
        let mut theme = Theme::builtin();
        theme.colors.primary = Some(crate::spec::units::Color::with_cmyk(
            [0, 0, 0],
            [100, 100, 100, 100],
        ));
        let findings = check_theme_ink(&theme);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("400 % total ink"));
    }
}
