//! Grey photos in a CMYK-only PDF: Typst tags them with an ICC grey profile, which
//! PDF/X-1a does not allow. They become `DeviceGray` (black ink only), their tones
//! mapped as the vector greys are ([`super::to_cmyk`]): black ink at k % prints
//! lighter than sRGB grey at 1 − k. A JPEG stays a JPEG.

use lopdf::{Document, Object, ObjectId};

use super::recolour::space_components;
use super::to_cmyk::K_TINT_FACTOR;

/// Whether `id` is an 8-bit grey image in a grey space other than `DeviceGray`.
pub(super) fn is_tagged_grey_image(doc: &Document, id: ObjectId) -> bool {
    let Ok(Object::Stream(stream)) = doc.get_object(id) else {
        return false;
    };
    let dict = &stream.dict;
    let image = dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice());
    let eight = dict.get(b"BitsPerComponent").and_then(Object::as_i64).ok() == Some(8);
    let Ok(space) = dict.get(b"ColorSpace") else {
        return false;
    };
    let device = space.as_name().ok() == Some(b"DeviceGray".as_slice());
    image && eight && !device && space_components(doc, space) == Some(1)
}

/// Makes the grey image `id` a `DeviceGray` one with the black-ink tones.
pub(super) fn convert_grey_image(doc: &mut Document, id: ObjectId) -> Result<(), String> {
    let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
        return Ok(());
    };
    let jpeg = stream.dict.get(b"Filter").and_then(Object::as_name).ok() == Some(b"DCTDecode");
    let number = |key: &[u8]| stream.dict.get(key).and_then(Object::as_i64).unwrap_or(0);
    let (width, height) = (number(b"Width"), number(b"Height"));
    let mut grey = match jpeg {
        true => {
            super::objects::decode_jpeg(&stream.content, jpeg_decoder::PixelFormat::L8, "grey")?
        }
        false => stream
            .decompressed_content()
            .map_err(|e| format!("a grey image could not be read ({e})"))?,
    };
    if grey.len() as i64 != width * height {
        return Err(format!(
            "a grey image of {width} × {height} pixels could not be read"
        ));
    }
    grey.iter_mut().for_each(|g| *g = black_ink_tone(*g));
    let bytes = match jpeg {
        true => super::objects::jpeg(&grey, (width, height), jpeg_encoder::ColorType::Luma)?,
        false => {
            stream.dict.remove(b"DecodeParms");
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            super::deflate(&grey, flate2::Compression::default())
        }
    };
    stream.set_content(bytes);
    stream
        .dict
        .set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
    Ok(())
}

/// The `DeviceGray` value that prints an sRGB grey `g` in black ink.
fn black_ink_tone(g: u8) -> u8 {
    let k = ((1.0 - f64::from(g) / 255.0) / K_TINT_FACTOR).min(1.0);
    ((1.0 - k) * 255.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    #[test]
    fn a_tagged_grey_image_becomes_device_grey_in_black_ink_tones() {
        let mut doc = Document::with_version("1.4");
        let icc = doc.add_object(Stream::new(dictionary! { "N" => 1 }, vec![]));
        let space = Object::Array(vec!["ICCBased".into(), Object::Reference(icc)]);
        let dict = dictionary! {
            "Subtype" => "Image", "Width" => 3, "Height" => 1, "BitsPerComponent" => 8,
            "ColorSpace" => space,
        };
        let image = doc.add_object(Stream::new(dict, vec![255, 128, 0]));
        assert!(is_tagged_grey_image(&doc, image));
        convert_grey_image(&mut doc, image).unwrap();
        assert!(!is_tagged_grey_image(&doc, image));
        let stream = doc.get_object(image).unwrap().as_stream().unwrap();
        assert_eq!(
            stream.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
            b"DeviceGray"
        );
        // White stays paper, black stays solid, mid-grey a little lighter than sRGB.
        let tones = stream.decompressed_content().unwrap();
        assert_eq!(tones[0], 255);
        assert_eq!(tones[2], 0);
        assert!((100..128).contains(&tones[1]), "{tones:?}");
    }
}
