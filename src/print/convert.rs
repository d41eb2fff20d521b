//! A print PDF made CMYK-only (`[print] colour = "cmyk"`): its RGB images, the RGB
//! gradients of SVG art and the blending spaces of its transparency groups converted
//! with the [`Converter`]. Vector colours in content streams are converted where the
//! other colour fixes are made ([`super::recolour`]).

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::manage::{CmykImage, Converter};
use super::recolour::space_components;
use super::to_cmyk::{BrandInk, art_pixels};
use crate::render::flatten::FlatArt;

/// What converting a document's images found: the most ink a photo would have carried.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    /// The most ink, in percent, of any converted image pixel before the ink limit.
    pub most_ink: f64,
}

/// Converts every RGB image, gradient and transparency group of `doc` to CMYK;
/// flattened art as what it shows, in the brand's inks where it shows them.
pub(super) fn convert_objects(
    doc: &mut Document,
    press: &Converter,
    (brand, art): (&[BrandInk], &[FlatArt]),
) -> Result<Converted, String> {
    let mut converted = Converted::default();
    let ids: Vec<ObjectId> = doc.objects.keys().copied().collect();
    let mut functions = HashSet::new();
    for id in ids {
        if is_rgb_image(doc, id) {
            let ink = match flat_art(doc, id, art) {
                Some((rgb, art)) => convert_art(doc, id, (&rgb, art), press, brand)?,
                None => convert_image(doc, id, press)?,
            };
            converted.most_ink = converted.most_ink.max(ink);
        } else if super::grey::is_tagged_grey_image(doc, id) {
            super::grey::convert_grey_image(doc, id)?;
        } else if is_rgb_shading(doc, id) {
            convert_shading(doc, id, press, &mut functions);
        }
        cmyk_group(doc, id);
    }
    Ok(converted)
}

fn dict_of(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Stream(stream) => Some(&stream.dict),
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

fn dict_of_mut(object: &mut Object) -> Option<&mut Dictionary> {
    match object {
        Object::Stream(stream) => Some(&mut stream.dict),
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

fn is_rgb(doc: &Document, dict: &Dictionary, key: &[u8]) -> bool {
    dict.get(key)
        .ok()
        .and_then(|space| space_components(doc, space))
        == Some(3)
}

fn is_rgb_image(doc: &Document, id: ObjectId) -> bool {
    let Ok(Object::Stream(stream)) = doc.get_object(id) else {
        return false;
    };
    let dict = &stream.dict;
    let image = dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice());
    let eight = dict.get(b"BitsPerComponent").and_then(Object::as_i64).ok() == Some(8);
    image && eight && is_rgb(doc, dict, b"ColorSpace")
}

fn filter_of(dict: &Dictionary) -> Option<Vec<u8>> {
    match dict.get(b"Filter").ok()? {
        Object::Name(name) => Some(name.clone()),
        Object::Array(names) if names.len() == 1 => names[0].as_name().ok().map(<[u8]>::to_vec),
        _ => Some(b"?".to_vec()),
    }
}

/// Converts one RGB image: a JPEG stays a JPEG (CMYK, quality 92), anything else is
/// stored losslessly; returns the most ink of a pixel before the limit. The same photo
/// on a persona's other print formats is converted once ([`Converter::recent`]).
fn convert_image(doc: &mut Document, id: ObjectId, press: &Converter) -> Result<f64, String> {
    let profile = own_profile(doc, id);
    let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
        return Ok(0.0);
    };
    let number = |key: &[u8]| stream.dict.get(key).and_then(Object::as_i64).unwrap_or(0);
    let size = (number(b"Width"), number(b"Height"));
    let jpeg = filter_of(&stream.dict).as_deref() == Some(b"DCTDecode".as_slice());
    let key = crate::digest::sha256_hex(&stream.content);
    let source = (stream as &Stream, profile.as_deref());
    let image = press.recent(&key, || cmyk_image(source, size, jpeg, press))?;
    if jpeg {
        let inverted = [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer).to_vec();
        stream.dict.set("Decode", Object::Array(inverted));
    } else {
        stream.dict.remove(b"DecodeParms");
        let flate = Object::Name(b"FlateDecode".to_vec());
        stream.dict.set("Filter", flate);
    }
    stream.set_content(image.bytes.clone());
    let cmyk = Object::Name(b"DeviceCMYK".to_vec());
    stream.dict.set("ColorSpace", cmyk);
    Ok(image.most_ink)
}

/// Converts only the flattened art of `doc` (PDF/X-3 in RGB).
pub(super) fn convert_art_only(
    doc: &mut Document,
    press: &Converter,
    (brand, art): (&[BrandInk], &[FlatArt]),
) -> Result<(), String> {
    let ids: Vec<ObjectId> = doc.objects.keys().copied().collect();
    for id in ids {
        if is_rgb_image(doc, id)
            && let Some((rgb, art)) = flat_art(doc, id, art)
        {
            convert_art(doc, id, (&rgb, art), press, brand)?;
        }
    }
    Ok(())
}

/// The pixels of an image that is one of the flattened `art`, and which it is.
fn flat_art<'a>(
    doc: &Document,
    id: ObjectId,
    art: &'a [FlatArt],
) -> Option<(Vec<u8>, &'a FlatArt)> {
    if art.is_empty() {
        return None;
    }
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    if filter_of(&stream.dict).as_deref() == Some(b"DCTDecode".as_slice()) {
        return None;
    }
    let rgb = stream.decompressed_content().ok()?;
    let digest = crate::digest::sha256_hex(&rgb);
    let found = art.iter().find(|a| a.digest == digest)?;
    Some((rgb, found))
}

/// Converts flattened art ([`art_pixels`]), stored losslessly; returns the most ink
/// of a photo pixel before the limit.
fn convert_art(
    doc: &mut Document,
    id: ObjectId,
    (rgb, art): (&[u8], &FlatArt),
    press: &Converter,
    brand: &[BrandInk],
) -> Result<f64, String> {
    let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
        return Ok(0.0);
    };
    let (cmyk, most_ink) = art_pixels(rgb, &art.photo, brand, press);
    stream.dict.remove(b"DecodeParms");
    stream
        .dict
        .set("Filter", Object::Name(b"FlateDecode".to_vec()));
    stream.set_content(super::deflate(&cmyk, flate2::Compression::default()));
    stream
        .dict
        .set("ColorSpace", Object::Name(b"DeviceCMYK".to_vec()));
    Ok(most_ink)
}

/// The ICC profile an image's pixels are in: the one embedded in its JPEG (the export
/// may have tagged it sRGB instead: it drops profiles it cannot embed, such as version 4
/// ones at PDF 1.4), else its `ICCBased` colour space's.
fn own_profile(doc: &Document, id: ObjectId) -> Option<Vec<u8>> {
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let in_space = || {
        let (_, space) = doc.dereference(stream.dict.get(b"ColorSpace").ok()?).ok()?;
        let parts = space.as_array().ok()?;
        (parts.first()?.as_name().ok()? == b"ICCBased").then_some(())?;
        let (_, profile) = doc.dereference(parts.get(1)?).ok()?;
        profile.as_stream().ok()?.decompressed_content().ok()
    };
    let in_jpeg = || {
        let jpeg = filter_of(&stream.dict).as_deref() == Some(b"DCTDecode".as_slice());
        let mut decoder = jpeg_decoder::Decoder::new(stream.content.as_slice());
        (jpeg && decoder.read_info().is_ok()).then(|| decoder.icc_profile())?
    };
    in_jpeg().or_else(in_space)
}

/// The image's pixels (in `profile`, else sRGB) in CMYK, encoded as the stream will hold them.
fn cmyk_image(
    (stream, profile): (&Stream, Option<&[u8]>),
    (width, height): (i64, i64),
    jpeg: bool,
    press: &Converter,
) -> Result<CmykImage, String> {
    let rgb = if jpeg {
        super::objects::decode_jpeg(&stream.content, jpeg_decoder::PixelFormat::RGB24, "RGB")?
    } else {
        stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone())
    };
    if rgb.len() as i64 != width * height * 3 {
        let message =
            format!("an RGB image of {width} × {height} pixels could not be read for CMYK");
        return Err(message);
    }
    let own = profile.and_then(|profile| press.image_from(profile, &rgb));
    let (cmyk, most_ink) = own.unwrap_or_else(|| press.image(&rgb));
    let bytes = match jpeg {
        true => super::objects::jpeg(&cmyk, (width, height), jpeg_encoder::ColorType::Cmyk)?,
        false => super::deflate(&cmyk, flate2::Compression::default()),
    };
    Ok(CmykImage { bytes, most_ink })
}

fn is_rgb_shading(doc: &Document, id: ObjectId) -> bool {
    let Some(dict) = doc.get_object(id).ok().and_then(dict_of) else {
        return false;
    };
    dict.has(b"ShadingType") && is_rgb(doc, dict, b"ColorSpace")
}

/// Converts a gradient whose colours are interpolated (`/FunctionType 2`) or stitched
/// from such pieces; one with sampled colours is left as it is.
fn convert_shading(
    doc: &mut Document,
    id: ObjectId,
    press: &Converter,
    done: &mut HashSet<ObjectId>,
) {
    let Some(function) = doc
        .get_object(id)
        .ok()
        .and_then(dict_of)
        .and_then(|d| d.get(b"Function").ok()?.as_reference().ok())
    else {
        return;
    };
    let mut pieces = vec![];
    if !interpolated_pieces(doc, function, &mut pieces) {
        return;
    }
    for piece in pieces {
        if done.insert(piece) {
            convert_function(doc, piece, press);
        }
    }
    if let Some(dict) = doc.get_object_mut(id).ok().and_then(dict_of_mut) {
        dict.set("ColorSpace", Object::Name(b"DeviceCMYK".to_vec()));
    }
}

/// Collects the interpolating functions a function is made of; false if any part is not one.
fn interpolated_pieces(doc: &Document, id: ObjectId, out: &mut Vec<ObjectId>) -> bool {
    let Some(dict) = doc.get_object(id).ok().and_then(dict_of) else {
        return false;
    };
    match dict.get(b"FunctionType").and_then(Object::as_i64) {
        Ok(2) => {
            out.push(id);
            true
        }
        Ok(3) => dict
            .get(b"Functions")
            .and_then(Object::as_array)
            .is_ok_and(|parts| {
                parts.iter().all(|part| {
                    part.as_reference()
                        .is_ok_and(|part| interpolated_pieces(doc, part, out))
                })
            }),
        _ => false,
    }
}

fn convert_function(doc: &mut Document, id: ObjectId, press: &Converter) {
    let Some(dict) = doc.get_object_mut(id).ok().and_then(dict_of_mut) else {
        return;
    };
    for key in [b"C0".as_slice(), b"C1"] {
        let rgb = dict
            .get(key)
            .and_then(Object::as_array)
            .ok()
            .and_then(|values| {
                let v: Vec<f64> = values
                    .iter()
                    .filter_map(|v| v.as_float().ok())
                    .map(f64::from)
                    .collect();
                (v.len() == 3).then(|| [v[0], v[1], v[2]])
            });
        // An absent C0 is black, an absent C1 white (ISO 32000-1, 7.10.3).
        let rgb = rgb.unwrap_or(if key == b"C0" { [0.0; 3] } else { [1.0; 3] });
        let cmyk = press.vector(rgb).map(Object::Real).to_vec();
        dict.set(key, Object::Array(cmyk));
    }
    dict.remove(b"Range");
}

/// A transparency group that blends in RGB blends in CMYK instead.
fn cmyk_group(doc: &mut Document, id: ObjectId) {
    if !has_rgb_group(doc, id) {
        return;
    }
    let Some(dict) = doc.get_object_mut(id).ok().and_then(dict_of_mut) else {
        return;
    };
    if let Ok(Object::Dictionary(group)) = dict.get_mut(b"Group") {
        group.set("CS", Object::Name(b"DeviceCMYK".to_vec()));
    }
}

/// Whether the page or form `id` is a transparency group that blends in RGB.
fn has_rgb_group(doc: &Document, id: ObjectId) -> bool {
    doc.get_object(id)
        .ok()
        .and_then(dict_of)
        .and_then(|d| doc.dereference(d.get(b"Group").ok()?).ok())
        .and_then(|(_, g)| g.as_dict().ok())
        .is_some_and(|group| is_rgb(doc, group, b"CS"))
}

/// What in `doc` still paints in RGB: one name per image, gradient or transparency
/// group, for preflight to report after a conversion (a gradient of sampled colours
/// is left as it is).
pub(crate) fn rgb_objects(doc: &Document) -> Vec<&'static str> {
    let mut found = vec![];
    for &id in doc.objects.keys() {
        if is_rgb_image(doc, id) {
            found.push("image");
        } else if is_rgb_shading(doc, id) {
            found.push("gradient");
        }
        if has_rgb_group(doc, id) {
            found.push("transparency group");
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::manage::Conversion;
    use lopdf::dictionary;

    fn rgb_image(pixels: &[u8], width: i64) -> Stream {
        let dict = dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => width,
            "Height" => pixels.len() as i64 / 3 / width, "BitsPerComponent" => 8,
            "ColorSpace" => "DeviceRGB",
        };
        Stream::new(dict, pixels.to_vec())
    }

    #[test]
    fn an_rgb_image_and_gradient_become_cmyk_and_preflight_then_finds_no_rgb() {
        let mut doc = Document::with_version("1.6");
        let image = doc.add_object(rgb_image(&[255, 0, 0, 255, 255, 255], 2));
        let function = doc.add_object(dictionary! {
            "FunctionType" => 2, "Domain" => vec![0.into(), 1.into()], "N" => 1,
            "C0" => vec![0.0f32.into(), 0.0f32.into(), 1.0f32.into()],
            "C1" => vec![1.0f32.into(), 1.0f32.into(), 1.0f32.into()],
        });
        doc.add_object(dictionary! {
            "ShadingType" => 2, "ColorSpace" => "DeviceRGB", "Function" => function,
        });
        assert_eq!(rgb_objects(&doc), ["image", "gradient"]);
        let press = Converter::new(crate::print::FOGRA39_ICC, Conversion::default()).unwrap();
        convert_objects(&mut doc, &press, (&[], &[])).unwrap();
        assert_eq!(rgb_objects(&doc), Vec::<&str>::new());
        let stream = doc.get_object(image).unwrap().as_stream().unwrap();
        let cmyk = stream.decompressed_content().unwrap();
        assert_eq!(cmyk.len(), 8, "two CMYK pixels");
        assert!(
            cmyk[1] > 200 && cmyk[0] < 20,
            "red is magenta and yellow: {cmyk:?}"
        );
        assert_eq!(&cmyk[4..], [0, 0, 0, 0], "white is no ink");
        let c1 = doc
            .get_object(function)
            .unwrap()
            .as_dict()
            .unwrap()
            .get(b"C1")
            .unwrap();
        assert_eq!(c1.as_array().unwrap().len(), 4);
    }
}
