//! The PDF/X output intent: the output profile, embedded once per run, and its
//! OutputIntents entry; how `[print] output_intent` is read.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use typst::foundations::Bytes;

use crate::diag::Diagnostic;
use crate::digest::{HashedPrefix, sha256_hex};

use super::manage;
use super::objects::deflate;

/// The built-in output intent: ISO Coated v2 (ECI), for FOGRA39 offset printing.
pub const FOGRA39_ICC: &[u8] = include_bytes!("../../icc/ISOcoated_v2_eci.icc");

/// [`FOGRA39_ICC`] Flate-compressed by `build.rs`.
pub(super) const FOGRA39_ICC_DEFLATED: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/fogra39.icc.zlib"));

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

/// Adds exactly one `/GTS_PDFX` output intent with the embedded CMYK profile, as
/// object 1.
pub(super) fn add_output_intent(doc: &mut Document, intent: &OutputIntent) -> Result<(), String> {
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
pub(super) fn put_first(doc: &mut Document, object: Object) -> ObjectId {
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
pub(super) fn shift_references(object: &mut Object) {
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
pub(super) fn leading_bytes(doc: &Document, profile: &Stream) -> Option<Vec<u8>> {
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

/// The output intent `[print] output_intent` names: `FOGRA39` (built in) or a path,
/// relative to the project folder, to a CMYK output `.icc` profile.
pub fn load_output_intent(
    written: &str,
    root: &std::path::Path,
) -> Result<OutputIntent, Diagnostic> {
    if written.eq_ignore_ascii_case("FOGRA39") {
        return Ok(OutputIntent::fogra39());
    }
    let path = crate::spec::resolve_inside(root, written, root).map_err(Diagnostic::error)?;
    let profile = crate::regular::read_regular(&path)
        .map_err(|e| Diagnostic::error(format!("cannot read {} ({e})", path.display())))?;
    let is_icc = profile.len() > 128 && &profile[36..40] == b"acsp";
    if !is_icc || &profile[16..20] != b"CMYK" {
        return Err(
            Diagnostic::error(format!("{} is not a CMYK ICC profile", path.display()))
                .with_hint("PDF/X needs a CMYK output profile, e.g. ISO Coated v2 (FOGRA39)"),
        );
    }
    if &profile[12..16] != b"prtr" {
        let class = String::from_utf8_lossy(&profile[12..16]).into_owned();
        return Err(Diagnostic::error(format!(
            "{} is a CMYK profile of class `{class}`, not an output (printer) profile",
            path.display()
        ))
        .with_hint("PDF/X names the press's output profile (class prtr), e.g. ISO Coated v2 (FOGRA39); a scanner's or camera's input profile describes no press"));
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
