//! Post-processing of Typst's PDF for print shops: bleed and crop-mark boxes,
//! registration crop marks, the die-cut contour as a spot colour, and the
//! PDF/X-4 output intent and keys. Geometry lives in [`geometry`]; this module
//! edits the PDF with lopdf.

pub(crate) mod content;
pub(crate) mod convert;
pub(crate) mod geometry;
mod grey;
pub(crate) mod ink;
mod intent;
pub(crate) mod manage;
mod objects;
pub(crate) mod opaque;
mod policy;
pub use policy::print_settings;
mod recolour;
pub(crate) mod soft_proof;
mod to_cmyk;
pub(crate) mod xmp;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::spec::standard::PdfxStandard;

use geometry::{MARK_WIDTH_PT, PT_PER_MM};

use intent::add_output_intent;
pub use intent::{FOGRA39_ICC, OutputIntent, load_output_intent};
pub use objects::page_box;
use objects::{
    add_resource, append_content, array, deflate, overprint_state, separation, set_deflated_content,
};

/// The die-cut line of a shaped product such as a mousepad.
#[derive(Debug, Clone)]
pub struct CutContour {
    /// The spot colour's name, e.g. `CutContour`.
    pub name: String,
    /// Corner radius of the cut, in millimetres.
    pub radius_mm: f64,
}

/// What to add to a print PDF.
#[derive(Debug, Clone)]
pub struct PrintSettings {
    /// Crop marks outside the bleed box, in registration colour.
    pub crop_marks: bool,
    /// PDF/X with this output intent, or none.
    pub pdfx: Option<OutputIntent>,
    /// Which PDF/X, when [`PrintSettings::pdfx`] is set.
    pub standard: PdfxStandard,
    /// A die-cut contour on top of everything, or none.
    pub cut_contour: Option<CutContour>,
    /// The theme's exact CMYK colours (0..1): Typst stores CMYK in 8 bits, so the
    /// values it writes are put back to exactly these.
    pub exact_cmyk: Vec<[f32; 4]>,
    /// The theme's colours with both sRGB and CMYK values: vector art in one of
    /// these sRGB colours (a logo) prints in its CMYK, and neutral greys in K only.
    pub brand_inks: Vec<([u8; 3], [f32; 4])>,
    /// For a CMYK-only PDF (`[print] colour = "cmyk"`): every RGB colour and image
    /// converted to the output intent's CMYK; `None` leaves them to the output intent.
    pub convert: Option<std::sync::Arc<manage::Converter>>,
    /// For PDF/X-3 in RGB: a converter for the flattened art alone, which must meet the
    /// CMYK brand colours and K-only greys around it.
    pub art_press: Option<std::sync::Arc<manage::Converter>>,
    /// Whether 100 % black text, lines and shapes overprint.
    pub overprint_black: bool,
    /// The document's flattened images (PDF/X-1a, X-3), converted as what they show.
    pub flat_art: Vec<crate::render::flatten::FlatArt>,
}

impl PrintSettings {
    /// The PDF/X standard the document is made to, if it is PDF/X at all.
    pub fn pdfx_standard(&self) -> Option<PdfxStandard> {
        self.pdfx.as_ref().map(|_| self.standard)
    }
}

/// A finished print PDF and what finishing it found.
pub struct Finished {
    /// The PDF's bytes.
    pub pdf: Vec<u8>,
    /// The document, for preflight to read without parsing the bytes again.
    pub doc: Document,
    /// Warnings for the document's report (a photo held to the ink limit).
    pub warnings: Vec<String>,
}

/// Finishes a Typst PDF for print; returns the new PDF bytes.
/// The finished document comes back too, so preflight reads it without parsing the bytes again.
pub fn finish(pdf: &[u8], settings: &PrintSettings) -> Result<Finished, String> {
    let mut doc =
        Document::load_mem(pdf).map_err(|e| format!("cannot read the exported PDF ({e})"))?;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    recolour::fix_colours(&mut doc, &pages, settings)?;
    let warnings = convert_colours(&mut doc, settings)?;
    for page in pages {
        finish_page(&mut doc, page, settings)?;
    }
    if let Some(intent) = &settings.pdfx {
        make_pdfx(&mut doc, intent, settings.standard)?;
    }
    let mut out = Vec::with_capacity(pdf.len() + 64 * 1024);
    doc.save_to(&mut out)
        .map_err(|e| format!("cannot write the finished PDF ({e})"))?;
    Ok(Finished {
        pdf: out,
        doc,
        warnings,
    })
}

/// Converts the document's RGB to CMYK where the settings ask for it (all of it, or
/// the flattened art alone); returns warnings for the report.
fn convert_colours(doc: &mut Document, settings: &PrintSettings) -> Result<Vec<String>, String> {
    let mut warnings = vec![];
    let inks = (&settings.brand_inks[..], &settings.flat_art[..]);
    if let Some(press) = &settings.art_press {
        convert::convert_art_only(doc, press, inks)?;
    }
    if let Some(press) = &settings.convert {
        let converted = convert::convert_objects(doc, press, inks)?;
        if settings
            .pdfx_standard()
            .is_some_and(PdfxStandard::cmyk_only)
        {
            recolour::retire_rgb_spaces(doc);
        }
        if converted.most_ink > press.max_ink_percent() + 0.5 {
            warnings.push(format!(
                "a photo carried up to {:.0} % ink in CMYK; its shadows were held to {:.0} % ([print] max_ink)",
                converted.most_ink,
                press.max_ink_percent()
            ));
        }
    }
    Ok(warnings)
}

/// Makes the document the PDF/X `standard` with `intent`: without transparency groups
/// and unused objects where it allows no transparency, its PDF version, output intent
/// and keys.
fn make_pdfx(
    doc: &mut Document,
    intent: &OutputIntent,
    standard: PdfxStandard,
) -> Result<(), String> {
    if !standard.allows_transparency() {
        opaque::drop_transparency_groups(doc);
        doc.prune_objects();
    }
    doc.version = standard.pdf_version().to_string();
    add_output_intent(doc, intent)?;
    mark_pdfx(doc, standard)
}

/// Sets the page's boxes and draws crop marks and the cut contour on top.
fn finish_page(doc: &mut Document, page: ObjectId, settings: &PrintSettings) -> Result<(), String> {
    let dict = doc.get_dictionary(page).map_err(|e| e.to_string())?;
    let media = page_box(dict, b"MediaBox").ok_or("the page has no MediaBox")?;
    let trim = page_box(dict, b"TrimBox").unwrap_or(media);
    let bleed = trim.x0 - media.x0;
    let boxes = geometry::boxes(trim, bleed, settings.crop_marks);
    let mut ops = String::new();
    if settings.crop_marks {
        let registration = separation(doc, "All", [1.0; 4]);
        let name = add_resource(doc, page, b"ColorSpace", b"PPRegistration", registration)?;
        ops += &format!(
            "q /{name} CS 1 SCN {MARK_WIDTH_PT} w 0 J\n{}S Q\n",
            geometry::lines_path(&geometry::crop_marks(trim, bleed))
        );
    }
    if let Some(cut) = &settings.cut_contour {
        let cut_colour = separation(doc, &cut.name, [0.0, 1.0, 0.0, 0.0]);
        let space = add_resource(doc, page, b"ColorSpace", b"PPCut", cut_colour)?;
        let gs = add_resource(
            doc,
            page,
            b"ExtGState",
            b"PPOverprint",
            overprint_state(true, true),
        )?;
        let path = geometry::rounded_rect_path(trim, cut.radius_mm * PT_PER_MM);
        ops += &format!("q /{gs} gs /{space} CS 1 SCN 0.5 w\n{path}S Q\n");
    }
    let dict = doc.get_dictionary_mut(page).map_err(|e| e.to_string())?;
    dict.set("MediaBox", array(boxes.media));
    dict.set("CropBox", array(boxes.media));
    dict.set("BleedBox", array(boxes.bleed));
    dict.set("TrimBox", array(boxes.trim));
    if !ops.is_empty() {
        append_content(doc, page, ops.into_bytes())?;
    }
    Ok(())
}

/// The PDF/X keys: `GTS_PDFXVersion` (and for PDF/X-1a and X-3 `GTS_PDFXConformance`)
/// and `Trapped` in the Info dictionary and the XMP.
fn mark_pdfx(doc: &mut Document, standard: PdfxStandard) -> Result<(), String> {
    let info_id = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => *id,
        _ => {
            let id = doc.add_object(Dictionary::new());
            doc.trailer.set("Info", Object::Reference(id));
            id
        }
    };
    let info = doc.get_dictionary_mut(info_id).map_err(|e| e.to_string())?;
    info.set(
        "GTS_PDFXVersion",
        Object::string_literal(standard.version_key()),
    );
    if let Some(conformance) = standard.conformance_key() {
        info.set("GTS_PDFXConformance", Object::string_literal(conformance));
    }
    info.set("Trapped", Object::Name(b"False".to_vec()));
    let metadata = match doc.catalog().map_err(|e| e.to_string())?.get(b"Metadata") {
        Ok(Object::Reference(id)) => *id,
        _ => return Err(format!("the PDF has no XMP metadata to mark as {standard}")),
    };
    let stream = doc
        .get_object_mut(metadata)
        .and_then(Object::as_stream_mut)
        .map_err(|e| e.to_string())?;
    let _ = stream.decompress();
    let text = String::from_utf8_lossy(&stream.content).into_owned();
    stream.set_plain_content(xmp::mark_pdfx(&text, standard)?.into_bytes());
    Ok(())
}
