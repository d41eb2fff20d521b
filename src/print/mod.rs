//! Post-processing of Typst's PDF for print shops: bleed and crop-mark boxes,
//! registration crop marks, the die-cut contour as a spot colour, and the
//! PDF/X-4 output intent and keys. Geometry lives in [`geometry`]; this module
//! edits the PDF with lopdf.

pub mod content;
pub(crate) mod convert;
pub mod geometry;
pub mod ink;
pub mod manage;
mod policy;
pub use policy::print_settings;
mod recolour;
mod to_cmyk;
pub mod xmp;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use typst::foundations::Bytes;

use geometry::{MARK_WIDTH_PT, PT_PER_MM, Rect};

use crate::render::output::{HashedPrefix, sha256_hex};

/// The built-in output intent: ISO Coated v2 (ECI), for FOGRA39 offset printing.
pub const FOGRA39_ICC: &[u8] = include_bytes!("../../icc/ISOcoated_v2_eci.icc");

/// [`FOGRA39_ICC`] Flate-compressed by `build.rs`.
const FOGRA39_ICC_DEFLATED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/fogra39.icc.zlib"));

/// A CMYK output profile and how to name it in the output intent.
#[derive(Debug, Clone)]
pub struct OutputIntent {
    /// `OutputConditionIdentifier`, e.g. `FOGRA39`.
    pub identifier: String,
    /// A human-readable description.
    pub info: String,
    /// The ICC profile bytes (a CMYK output profile).
    pub profile: Bytes,
    /// The profile Flate-compressed once, on first use, as every PDF embeds it.
    deflated: std::sync::Arc<std::sync::OnceLock<Bytes>>,
    /// The bytes every finished PDF begins with, up to the end of the profile, hashed
    /// once (see [`OutputIntent::sha256_hex`]).
    leading: std::sync::Arc<std::sync::OnceLock<Option<HashedPrefix>>>,
    /// sRGB to this profile's CMYK, for a project whose print PDFs are CMYK only.
    pub converter: Option<std::sync::Arc<manage::Converter>>,
}

impl OutputIntent {
    /// An output intent for a CMYK profile.
    pub fn new(identifier: String, info: String, profile: Bytes) -> Self {
        OutputIntent {
            identifier,
            info,
            profile,
            deflated: Default::default(),
            leading: Default::default(),
            converter: None,
        }
    }

    /// The intent with a converter from sRGB to its profile, for CMYK-only PDFs.
    pub fn with_conversion(mut self, conversion: manage::Conversion) -> Result<Self, String> {
        let converter = manage::Converter::new(&self.profile, conversion)?;
        self.converter = Some(std::sync::Arc::new(converter));
        Ok(self)
    }

    /// The SHA-256 of a PDF [`finish`] made with this intent. Its profile is object 1,
    /// right after the header, so the first 1.4 MB of every such PDF are the same and
    /// are hashed once per run; any other bytes are hashed in full.
    pub fn sha256_hex(&self, pdf: &[u8]) -> String {
        match self.leading.get() {
            Some(Some(prefix)) => prefix.sha256_hex(pdf),
            _ => sha256_hex(pdf),
        }
    }

    /// Works out the leading bytes from the first finished document, whose header
    /// (PDF version and binary mark) the later ones share.
    fn note_leading_bytes(&self, doc: &Document, profile: ObjectId) {
        self.leading.get_or_init(|| {
            let Ok(Object::Stream(stream)) = doc.get_object(profile) else {
                return None;
            };
            leading_bytes(doc, stream).map(HashedPrefix::new)
        });
    }

    /// The profile Flate-compressed: done once for all documents of a run, and only
    /// when a document needs it (an unchanged re-run never does).
    fn deflated(&self) -> &[u8] {
        self.deflated
            .get_or_init(|| Bytes::new(deflate(&self.profile, flate2::Compression::default())))
    }

    /// ISO Coated v2 (ECI), the built-in FOGRA39 profile.
    pub fn fogra39() -> Self {
        let info = "ISO Coated v2 (ECI), Coated FOGRA39 (ISO 12647-2:2004)".to_string();
        let intent = OutputIntent::new("FOGRA39".into(), info, Bytes::new(FOGRA39_ICC));
        let _ = intent.deflated.set(Bytes::new(FOGRA39_ICC_DEFLATED));
        intent
    }
}

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
    /// PDF/X-4 with this output intent, or none.
    pub pdfx: Option<OutputIntent>,
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
    let mut warnings = vec![];
    if let Some(press) = &settings.convert {
        let converted = convert::convert_objects(&mut doc, press)?;
        if converted.most_ink > press.max_ink_percent() + 0.5 {
            warnings.push(format!(
                "a photo carried up to {:.0} % ink in CMYK; its shadows were held to {:.0} % ([print] max_ink)",
                converted.most_ink,
                press.max_ink_percent()
            ));
        }
    }
    for page in pages {
        finish_page(&mut doc, page, settings)?;
    }
    if let Some(intent) = &settings.pdfx {
        doc.version = xmp::PDFX4_VERSION.to_string();
        add_output_intent(&mut doc, intent)?;
        mark_pdfx(&mut doc)?;
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

/// A box of a page dictionary as a rectangle.
pub fn page_box(dict: &Dictionary, key: &[u8]) -> Option<Rect> {
    let values: Vec<f64> = dict
        .get(key)
        .ok()?
        .as_array()
        .ok()?
        .iter()
        .filter_map(number)
        .collect();
    match values[..] {
        [x0, y0, x1, y1] => Some(Rect { x0, y0, x1, y1 }),
        _ => None,
    }
}

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn array(rect: Rect) -> Object {
    Object::Array(
        rect.to_array()
            .iter()
            .map(|v| Object::Real(*v as f32))
            .collect(),
    )
}

/// A `[/Separation /name /DeviceCMYK tint]` colour space whose full tint is `cmyk` (0..1).
fn separation(doc: &mut Document, name: &str, cmyk: [f32; 4]) -> Object {
    let mut function = Dictionary::new();
    function.set("FunctionType", 2);
    function.set("Domain", vec![0.into(), 1.into()]);
    function.set("C0", vec![Object::Real(0.0); 4]);
    function.set(
        "C1",
        cmyk.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
    );
    function.set("N", 1);
    let function = doc.add_object(function);
    Object::Array(vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(name.as_bytes().to_vec()),
        Object::Name(b"DeviceCMYK".to_vec()),
        Object::Reference(function),
    ])
}

/// An ExtGState that switches overprint on or off for fills (`op`) or strokes (`OP`).
fn overprint_state(on: bool, stroke: bool) -> Object {
    let mut state = Dictionary::new();
    state.set("Type", Object::Name(b"ExtGState".to_vec()));
    state.set(if stroke { "OP" } else { "op" }, on);
    state.set("OPM", 1);
    Object::Dictionary(state)
}

/// Adds `value` under `category`/`name` to the page's resources; returns the name used.
fn add_resource(
    doc: &mut Document,
    page: ObjectId,
    category: &[u8],
    name: &[u8],
    value: Object,
) -> Result<String, String> {
    let resources = ensure_dict(doc, page, b"Resources")?;
    let category = ensure_dict(doc, resources, category)?;
    doc.get_dictionary_mut(category)
        .map_err(|e| e.to_string())?
        .set(name.to_vec(), value);
    Ok(String::from_utf8_lossy(name).into_owned())
}

/// Makes `parent[key]` an indirect dictionary (moving an inline one out) and returns its id.
fn ensure_dict(doc: &mut Document, parent: ObjectId, key: &[u8]) -> Result<ObjectId, String> {
    let current = doc
        .get_dictionary(parent)
        .map_err(|e| e.to_string())?
        .get(key)
        .ok()
        .cloned();
    let id = match current {
        Some(Object::Reference(id)) => id,
        Some(Object::Dictionary(dict)) => doc.add_object(dict),
        _ => doc.add_object(Dictionary::new()),
    };
    doc.get_dictionary_mut(parent)
        .map_err(|e| e.to_string())?
        .set(key.to_vec(), Object::Reference(id));
    Ok(id)
}

/// Appends a content stream drawn after the page's own, in a clean graphics state.
fn append_content(doc: &mut Document, page: ObjectId, ops: Vec<u8>) -> Result<(), String> {
    let existing = match doc
        .get_dictionary(page)
        .map_err(|e| e.to_string())?
        .get(b"Contents")
    {
        Ok(Object::Array(items)) => items.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => vec![],
    };
    let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let close = doc.add_object(Stream::new(Dictionary::new(), b"\nQ\n".to_vec()));
    let mut stream = Stream::new(Dictionary::new(), Vec::new());
    set_deflated_content(&mut stream, &ops);
    let extra = doc.add_object(stream);
    let mut contents = vec![Object::Reference(open)];
    contents.extend(existing);
    contents.extend([Object::Reference(close), Object::Reference(extra)]);
    doc.get_dictionary_mut(page)
        .map_err(|e| e.to_string())?
        .set("Contents", contents);
    Ok(())
}

/// Adds exactly one `/GTS_PDFX` output intent with the embedded CMYK profile, as
/// object 1.
fn add_output_intent(doc: &mut Document, intent: &OutputIntent) -> Result<(), String> {
    let mut profile = Stream::new(Dictionary::new(), intent.deflated().to_vec());
    profile.dict.set("N", 4);
    profile
        .dict
        .set("Filter", Object::Name(b"FlateDecode".to_vec()));
    profile.allows_compression = false;
    let profile = put_first(doc, Object::Stream(profile));
    intent.note_leading_bytes(doc, profile);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"OutputIntent".to_vec()));
    dict.set("S", Object::Name(b"GTS_PDFX".to_vec()));
    dict.set(
        "OutputConditionIdentifier",
        Object::string_literal(intent.identifier.as_str()),
    );
    dict.set(
        "OutputCondition",
        Object::string_literal(intent.info.as_str()),
    );
    dict.set("Info", Object::string_literal(intent.info.as_str()));
    dict.set(
        "RegistryName",
        Object::string_literal("http://www.color.org"),
    );
    dict.set("DestOutputProfile", Object::Reference(profile));
    let intent = doc.add_object(dict);
    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("OutputIntents", vec![Object::Reference(intent)]);
    Ok(())
}

/// Gives `object` the number 1 and every other object the next number up. lopdf
/// writes objects in number order, so `object` comes right after the header.
fn put_first(doc: &mut Document, object: Object) -> ObjectId {
    let objects = std::mem::take(&mut doc.objects);
    doc.objects = objects
        .into_iter()
        .map(|((id, generation), mut object)| {
            shift_references(&mut object);
            ((id + 1, generation), object)
        })
        .collect();
    doc.trailer
        .iter_mut()
        .for_each(|(_, value)| shift_references(value));
    doc.max_id += 1;
    doc.objects.insert((1, 0), object);
    (1, 0)
}

/// Adds one to the object number of every reference in `object`.
fn shift_references(object: &mut Object) {
    match object {
        Object::Reference((id, _)) => *id += 1,
        Object::Array(items) => items.iter_mut().for_each(shift_references),
        Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, v)| shift_references(v)),
        Object::Stream(stream) => stream
            .dict
            .iter_mut()
            .for_each(|(_, v)| shift_references(v)),
        _ => {}
    }
}

/// What lopdf writes for a document with `doc`'s header and `profile` as object 1,
/// up to the profile's last byte; `None` if the profile's bytes are not found there.
fn leading_bytes(doc: &Document, profile: &Stream) -> Option<Vec<u8>> {
    let mut head = Document::with_version(doc.version.clone());
    head.binary_mark = doc.binary_mark.clone();
    head.objects.insert((1, 0), Object::Stream(profile.clone()));
    head.max_id = 1;
    let mut bytes = Vec::new();
    head.save_to(&mut bytes).ok()?;
    let start = bytes.windows(7).position(|w| w == b"stream\n")? + 7;
    let end = start + profile.content.len();
    (bytes.get(start..end)? == profile.content.as_slice()).then(|| bytes[..end].to_vec())
}

/// The PDF/X keys: `GTS_PDFXVersion` and `Trapped` in the Info dictionary and the XMP.
fn mark_pdfx(doc: &mut Document) -> Result<(), String> {
    let info_id = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => *id,
        _ => {
            let id = doc.add_object(Dictionary::new());
            doc.trailer.set("Info", Object::Reference(id));
            id
        }
    };
    let info = doc.get_dictionary_mut(info_id).map_err(|e| e.to_string())?;
    info.set("GTS_PDFXVersion", Object::string_literal("PDF/X-4"));
    info.set("Trapped", Object::Name(b"False".to_vec()));
    let metadata = match doc.catalog().map_err(|e| e.to_string())?.get(b"Metadata") {
        Ok(Object::Reference(id)) => *id,
        _ => return Err("the PDF has no XMP metadata to mark as PDF/X-4".into()),
    };
    let stream = doc
        .get_object_mut(metadata)
        .and_then(Object::as_stream_mut)
        .map_err(|e| e.to_string())?;
    let _ = stream.decompress();
    let text = String::from_utf8_lossy(&stream.content).into_owned();
    stream.set_plain_content(xmp::mark_pdfx(&text)?.into_bytes());
    Ok(())
}

/// Zlib-compresses `bytes` (lopdf's own `compress` always uses the slowest level).
fn deflate(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), level);
    encoder
        .write_all(bytes)
        .and_then(|_| encoder.finish())
        .expect("compressing in memory")
}

/// Stores `plain` in `stream`, Flate-compressed at the fastest level: page contents
/// are a few kilobytes of operators, next to the photo, fonts and profile.
fn set_deflated_content(stream: &mut Stream, plain: &[u8]) {
    stream.set_plain_content(deflate(plain, flate2::Compression::fast()));
    stream
        .dict
        .set("Filter", Object::Name(b"FlateDecode".to_vec()));
    stream.allows_compression = false;
}

/// The output intent `[print] output_intent` names: `FOGRA39` (built in) or a path,
/// relative to the project folder, to a CMYK output `.icc` profile.
pub fn load_output_intent(written: &str, root: &std::path::Path) -> Result<OutputIntent, String> {
    if written.eq_ignore_ascii_case("FOGRA39") {
        return Ok(OutputIntent::fogra39());
    }
    let path = crate::spec::resolve_inside(root, written, root)?;
    let profile =
        std::fs::read(&path).map_err(|e| format!("cannot read {} ({e})", path.display()))?;
    let is_icc = profile.len() > 128 && &profile[36..40] == b"acsp";
    if !is_icc || &profile[16..20] != b"CMYK" {
        return Err(format!(
            "{} is not a CMYK ICC profile (hint: PDF/X-4 needs a CMYK output profile)",
            path.display()
        ));
    }
    let identifier = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    Ok(OutputIntent::new(
        identifier.clone(),
        identifier,
        Bytes::new(profile),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(entries: Vec<(&str, Object)>) -> Dictionary {
        let mut dict = Dictionary::new();
        for (key, value) in entries {
            dict.set(key, value);
        }
        dict
    }

    fn name(name: &str) -> Object {
        Object::Name(name.as_bytes().to_vec())
    }

    /// A one-page document whose catalog, pages and page refer to each other.
    fn small_document() -> Document {
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let media = vec![0.into(), 0.into(), 10.into(), 10.into()];
        let page = doc.add_object(dict(vec![
            ("Type", name("Page")),
            ("Parent", pages.into()),
            ("MediaBox", Object::Array(media)),
        ]));
        let kids = Object::Array(vec![page.into()]);
        let tree = dict(vec![
            ("Type", name("Pages")),
            ("Kids", kids),
            ("Count", 1.into()),
        ]);
        doc.objects.insert(pages, tree.into());
        let catalog = doc.add_object(dict(vec![
            ("Type", name("Catalog")),
            ("Pages", pages.into()),
        ]));
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn the_profile_becomes_object_1_and_its_bytes_are_hashed_once() {
        let intent = OutputIntent::fogra39();
        let mut doc = small_document();
        add_output_intent(&mut doc, &intent).unwrap();
        assert_eq!(
            doc.get_pages().len(),
            1,
            "references still lead to the page"
        );
        let mut pdf = Vec::new();
        doc.save_to(&mut pdf).unwrap();
        let Some(Some(prefix)) = intent.leading.get() else {
            panic!("the leading bytes were worked out");
        };
        assert!(prefix.covers(&pdf), "the PDF starts with the hashed bytes");
        let profile_end = pdf.windows(7).position(|w| w == b"stream\n").unwrap() + 7;
        let profile_end = profile_end + FOGRA39_ICC_DEFLATED.len();
        assert_eq!(
            format!("{prefix:?}"),
            format!("HashedPrefix({profile_end} bytes)")
        );
        assert_eq!(intent.sha256_hex(&pdf), sha256_hex(&pdf));
        let reread = Document::load_mem(&pdf).unwrap();
        let catalog = reread.catalog().unwrap();
        let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
        let intent = reread
            .dereference(&intents[0])
            .unwrap()
            .1
            .as_dict()
            .unwrap();
        assert_eq!(
            intent
                .get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
            (1, 0)
        );
    }
}
