//! Small lopdf helpers the print finishing shares: page boxes, resources, content
//! streams, separations and graphics states.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::geometry::Rect;

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

pub(super) fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

pub(super) fn array(rect: Rect) -> Object {
    Object::Array(
        rect.to_array()
            .iter()
            .map(|v| Object::Real(*v as f32))
            .collect(),
    )
}

/// A `[/Separation /name /DeviceCMYK tint]` colour space whose full tint is `cmyk` (0..1).
pub(super) fn separation(doc: &mut Document, name: &str, cmyk: [f32; 4]) -> Object {
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
pub(super) fn overprint_state(on: bool, stroke: bool) -> Object {
    let mut state = Dictionary::new();
    state.set("Type", Object::Name(b"ExtGState".to_vec()));
    state.set(if stroke { "OP" } else { "op" }, on);
    state.set("OPM", 1);
    Object::Dictionary(state)
}

/// Adds `value` under `category`/`name` to the page's resources; returns the name used.
pub(super) fn add_resource(
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
pub(super) fn ensure_dict(
    doc: &mut Document,
    parent: ObjectId,
    key: &[u8],
) -> Result<ObjectId, String> {
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
pub(super) fn append_content(
    doc: &mut Document,
    page: ObjectId,
    ops: Vec<u8>,
) -> Result<(), String> {
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

/// Zlib-compresses `bytes` (lopdf's own `compress` always uses the slowest level).
pub(super) fn deflate(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), level);
    encoder
        .write_all(bytes)
        .and_then(|_| encoder.finish())
        .expect("compressing in memory")
}

/// Stores `plain` in `stream`, Flate-compressed at the fastest level: page contents
/// are a few kilobytes of operators, next to the photo, fonts and profile.
pub(super) fn set_deflated_content(stream: &mut Stream, plain: &[u8]) {
    stream.set_plain_content(deflate(plain, flate2::Compression::fast()));
    stream
        .dict
        .set("Filter", Object::Name(b"FlateDecode".to_vec()));
    stream.allows_compression = false;
}

/// The pixels of a JPEG whose colour space is `space` (named so in the error), which
/// must decode to `format`.
pub(super) fn decode_jpeg(
    bytes: &[u8],
    format: jpeg_decoder::PixelFormat,
    space: &str,
) -> Result<Vec<u8>, String> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    let pixels = decoder
        .decode()
        .map_err(|e| format!("a JPEG image could not be decoded ({e})"))?;
    match decoder.info().map(|i| i.pixel_format) {
        Some(found) if found == format => Ok(pixels),
        _ => Err(format!(
            "a JPEG image in an {space} colour space is not {space} inside"
        )),
    }
}

/// Pixels as a JPEG of quality 92 (CMYK ones Adobe-style, inverted, which the
/// image's `/Decode` undoes).
pub(super) fn jpeg(
    pixels: &[u8],
    (width, height): (i64, i64),
    colour: jpeg_encoder::ColorType,
) -> Result<Vec<u8>, String> {
    let size = |n: i64| {
        u16::try_from(n).map_err(|_| format!("an image {n} pixels across is too large for a JPEG"))
    };
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 92)
        .encode(pixels, size(width)?, size(height)?, colour)
        .map_err(|e| format!("a JPEG could not be written ({e})"))?;
    Ok(bytes)
}
