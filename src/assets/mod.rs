//! Reading the images personas and themes name, with their checks done before
//! Typst sees them: a supported type, a bounded file size, and a raster header
//! that matches its extension and claims a sane number of pixels. [`reduce`] makes a
//! big JPEG small for a format that prints it small.

mod integrity;
pub(crate) mod reduce;

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
    let size = crate::regular::regular_file_len(path).map_err(cannot)?;
    if size > MAX_IMAGE_BYTES {
        let (mib, max) = (size >> 20, MAX_IMAGE_BYTES >> 20);
        return Err(format!(
            "{} is too large ({mib} MiB; at most {max} MiB)",
            path.display()
        ));
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    if let Some(format) = raster {
        check_raster_header(&bytes, format)
            .and_then(|_| integrity::check_complete(&bytes, format))
            .map_err(|why| format!("{} {why}", path.display()))?;
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
