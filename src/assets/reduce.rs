//! A big JPEG photo made small, straight from its DCT blocks, for a format that prints
//! it small (the overview sheet's cards).

use std::io::Cursor;

use typst::foundations::Bytes;

/// A JPEG photo decoded at a reduced scale (1/2, 1/4 or 1/8, straight from the JPEG's
/// blocks) and encoded again, for a format that prints it small: its longest side is
/// the smallest such scale that still has `needed_px`, and its ICC profile and EXIF
/// orientation are kept. `None` when the photo is no bigger than that already, or is
/// not an 8-bit grey or RGB JPEG (CMYK, 12-bit, another format): then the original serves.
pub(crate) fn reduced_jpeg(bytes: &[u8], needed_px: u32) -> Option<Bytes> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    let info = {
        decoder.read_info().ok()?;
        decoder.info()?
    };
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let long = width.max(height);
    if long <= needed_px.saturating_mul(2) {
        return None;
    }
    let wanted = |side: u32| (u64::from(side) * u64::from(needed_px)).div_ceil(u64::from(long));
    let (w, h) = decoder
        .scale(wanted(width) as u16, wanted(height) as u16)
        .ok()?;
    let color = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => image::ExtendedColorType::L8,
        jpeg_decoder::PixelFormat::RGB24 => image::ExtendedColorType::Rgb8,
        _ => return None,
    };
    let pixels = decoder.decode().ok()?;
    let icc = decoder.icc_profile();
    encode_jpeg(bytes, pixels, (u32::from(w), u32::from(h)), color, icc)
}

/// Encodes decoded pixels as a JPEG (quality 90) with the original's ICC profile,
/// turned upright as the original's EXIF orientation says.
fn encode_jpeg(
    original: &[u8],
    pixels: Vec<u8>,
    (w, h): (u32, u32),
    color: image::ExtendedColorType,
    icc: Option<Vec<u8>>,
) -> Option<Bytes> {
    use image::{DynamicImage, ImageDecoder, ImageEncoder};
    let orientation = image::codecs::jpeg::JpegDecoder::new(Cursor::new(original))
        .and_then(|mut d| d.orientation())
        .ok()?;
    let mut upright = match color {
        image::ExtendedColorType::L8 => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, pixels)?)
        }
        _ => DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels)?),
    };
    upright.apply_orientation(orientation);
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    if let Some(icc) = icc {
        encoder.set_icc_profile(icc).ok()?;
    }
    let (w, h) = (upright.width(), upright.height());
    encoder
        .write_image(upright.as_bytes(), w, h, upright.color().into())
        .ok()?;
    Some(Bytes::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `width` × `height` RGB JPEG with a stand-in ICC profile and, if given, an EXIF
    /// orientation.
    fn jpeg(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
        use image::ImageEncoder;
        let pixels: Vec<u8> = (0..width * height)
            .flat_map(|i| [(i % 200) as u8, 90, 40])
            .collect();
        let mut out = Vec::new();
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        encoder
            .set_icc_profile(b"stand-in ICC profile".to_vec())
            .unwrap();
        if let Some(o) = orientation {
            // A little-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT.
            let mut exif = b"II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
            exif.extend_from_slice(&o.to_le_bytes());
            exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
            encoder.set_exif_metadata(exif).unwrap();
        }
        encoder
            .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    /// The pixel size and ICC profile of a JPEG, as a decoder reads them.
    fn read(bytes: &[u8]) -> ((u16, u16), Option<Vec<u8>>) {
        let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
        decoder.decode().unwrap();
        let info = decoder.info().unwrap();
        ((info.width, info.height), decoder.icc_profile())
    }

    #[test]
    fn a_big_photo_is_reduced_to_the_smallest_scale_that_still_has_the_pixels() {
        let photo = jpeg(1600, 2400, None);
        let half = reduced_jpeg(&photo, 1000).expect("reduced");
        assert_eq!(
            read(&half),
            ((800, 1200), Some(b"stand-in ICC profile".to_vec()))
        );
        let eighth = reduced_jpeg(&photo, 290).expect("reduced");
        assert_eq!(read(&eighth).0, (200, 300));
        assert!(
            reduced_jpeg(&photo, 1300).is_none(),
            "half would be too small"
        );
    }

    #[test]
    fn a_reduced_photo_is_turned_upright() {
        let photo = jpeg(1600, 800, Some(6)); // stored sideways, shown rotated 90°
        let reduced = reduced_jpeg(&photo, 400).expect("reduced");
        assert_eq!(
            read(&reduced).0,
            (200, 400),
            "portrait, as the photo is shown"
        );
    }
}
