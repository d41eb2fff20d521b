//! Reading the images personas and themes name, with their checks done before
//! Typst sees them: a supported type, a bounded file size, and a raster header
//! that matches its extension and claims a sane number of pixels.

use std::io::Cursor;
use std::path::Path;

use image::{ImageFormat, ImageReader};
use typst::foundations::Bytes;

/// Images larger than this are refused before they are read.
pub(crate) const MAX_IMAGE_BYTES: u64 = 50 * 1024 * 1024;
/// The largest side a raster image may claim.
pub(crate) const MAX_SIDE_PX: u32 = 20_000;
/// The most pixels a raster image may claim (about a 100-megapixel photo).
pub(crate) const MAX_PIXELS: u64 = 100_000_000;

/// Reads an image file, checking type, size and (for raster images) the header.
pub(crate) fn read_image(path: &Path) -> Result<Bytes, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let raster = match ext.as_str() {
        "jpg" | "jpeg" => Some(ImageFormat::Jpeg),
        "png" => Some(ImageFormat::Png),
        "webp" => Some(ImageFormat::WebP),
        "gif" => Some(ImageFormat::Gif),
        "svg" | "pdf" => None,
        _ => {
            return Err(format!(
                "{} is not a supported image (use JPEG, PNG, WebP, SVG or PDF)",
                path.display()
            ));
        }
    };
    let cannot = |e: std::io::Error| format!("{} cannot be read ({e})", path.display());
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size > MAX_IMAGE_BYTES {
        let (mib, max) = (size >> 20, MAX_IMAGE_BYTES >> 20);
        return Err(format!(
            "{} is too large ({mib} MiB; at most {max} MiB)",
            path.display()
        ));
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    if let Some(format) = raster {
        check_raster_header(&bytes, format).map_err(|why| format!("{} {why}", path.display()))?;
    }
    Ok(Bytes::new(bytes))
}

/// Reads only the header: the real format must match the extension and the
/// claimed size must be decodable without exhausting memory.
pub(crate) fn check_raster_header(
    bytes: &[u8],
    expected: ImageFormat,
) -> Result<(u32, u32), String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read ({e})"))?;
    let name = |f: ImageFormat| {
        f.extensions_str()
            .first()
            .copied()
            .unwrap_or("image")
            .to_uppercase()
    };
    match reader.format() {
        Some(actual) if actual == expected => {}
        Some(actual) => {
            return Err(format!(
                "is a {} file, not {} (rename it or convert it)",
                name(actual),
                name(expected)
            ));
        }
        None => {
            return Err(format!(
                "is not a valid {} image (the file is damaged or of another type)",
                name(expected)
            ));
        }
    }
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("is not a valid {} image ({e})", name(expected)))?;
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX || pixels > MAX_PIXELS {
        return Err(format!(
            "claims {width} × {height} pixels, more than personapress decodes (at most {MAX_SIDE_PX} px a side and {} megapixels)",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok((width, height))
}

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

    /// A PNG that claims the given size: signature, IHDR, an empty IDAT and IEND.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        for (kind, data) in [(b"IHDR", ihdr.as_slice()), (b"IDAT", &[]), (b"IEND", &[])] {
            bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut chunk = kind.to_vec();
            chunk.extend_from_slice(data);
            bytes.extend_from_slice(&chunk);
            bytes.extend_from_slice(&crc32(&chunk).to_be_bytes());
        }
        bytes
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

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

    #[test]
    fn huge_claimed_sizes_are_refused_from_the_header() {
        let err = check_raster_header(&png_header(30_000, 30_000), ImageFormat::Png).unwrap_err();
        assert!(err.contains("claims 30000 × 30000 pixels"), "{err}");
        assert_eq!(
            check_raster_header(&png_header(1200, 800), ImageFormat::Png),
            Ok((1200, 800))
        );
    }

    #[test]
    fn a_mislabelled_or_damaged_file_is_named() {
        let err = check_raster_header(&png_header(10, 10), ImageFormat::Jpeg).unwrap_err();
        assert!(err.contains("is a PNG file, not JPG"), "{err}");
        let err = check_raster_header(b"not an image at all", ImageFormat::Jpeg).unwrap_err();
        assert!(err.contains("not a valid JPG image"), "{err}");
    }
}
