//! Reading the images personas and themes name, with their checks done before
//! Typst sees them: a supported type, a bounded file size, and a raster header
//! that matches its extension and claims a sane number of pixels. [`reduce`] makes a
//! big JPEG small for a format that prints it small.

mod integrity;
pub(crate) mod reduce;
pub(crate) mod svg;

use std::io::Cursor;
use std::path::Path;

use image::{ColorType, ImageDecoder, ImageFormat, ImageReader};
use typst::foundations::Bytes;

/// Images larger than this are refused before they are read.
pub(crate) const MAX_IMAGE_BYTES: u64 = 50 * 1024 * 1024;
/// The largest side a raster image may claim.
pub(crate) const MAX_SIDE_PX: u32 = 20_000;
/// The most pixels a raster image may claim (about a 100-megapixel photo).
pub(crate) const MAX_PIXELS: u64 = 100_000_000;
/// The most memory one decoded image may take (100 megapixels of 8-bit RGB fit;
/// the same pixels at 16 bits a channel do not).
pub(crate) const MAX_DECODED_BYTES: u64 = 300 << 20;

/// Reads an image file, checking type, size and what it holds: a raster image's
/// header and data, an SVG's markup and embedded images.
pub(crate) fn read_image(path: &Path) -> Result<Bytes, String> {
    let kind = image_kind(path)?;
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
    check_contents(&bytes, kind).map_err(|why| format!("{} {why}", path.display()))?;
    Ok(Bytes::new(bytes))
}

/// The kinds of image a persona or theme may name.
#[derive(Clone, Copy)]
enum ImageKind {
    Raster(ImageFormat),
    Svg,
    Pdf,
}

/// The kind of image a path's extension names, or why it is not one.
fn image_kind(path: &Path) -> Result<ImageKind, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    Ok(match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => ImageKind::Raster(ImageFormat::Jpeg),
        "png" => ImageKind::Raster(ImageFormat::Png),
        "webp" => ImageKind::Raster(ImageFormat::WebP),
        "gif" => ImageKind::Raster(ImageFormat::Gif),
        "svg" => ImageKind::Svg,
        "pdf" => ImageKind::Pdf,
        _ => {
            return Err(format!(
                "{} is not a supported image (use JPEG, PNG, WebP, SVG or PDF)",
                path.display()
            ));
        }
    })
}

/// `Err(why)` when an image's bytes are damaged or would decode into too much.
fn check_contents(bytes: &[u8], kind: ImageKind) -> Result<(), String> {
    match kind {
        ImageKind::Raster(format) => check_raster(bytes, format).map(|_| ()),
        ImageKind::Svg => svg::check_svg(bytes),
        ImageKind::Pdf => Ok(()),
    }
}

/// Checks a raster image's header and data; `Ok` holds the bytes it decodes into.
fn check_raster(bytes: &[u8], format: ImageFormat) -> Result<u64, String> {
    let decoded = check_raster_header(bytes, format)?;
    integrity::check_complete(bytes, format)?;
    Ok(decoded)
}

/// Reads only the header: the real format must match the extension, and the
/// claimed size must be decodable without exhausting memory. `Ok` holds the
/// bytes the decoded image takes.
pub(crate) fn check_raster_header(bytes: &[u8], expected: ImageFormat) -> Result<u64, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read ({e})"))?;
    check_format(reader.format(), expected)?;
    let invalid = |e: image::ImageError| format!("is not a valid {} image ({e})", name(expected));
    let decoder = reader.into_decoder().map_err(invalid)?;
    check_decoded_size(decoder.dimensions(), decoder.color_type())
}

/// The upper-case name of an image format ("JPG", "PNG").
fn name(format: ImageFormat) -> String {
    let extension = format.extensions_str().first().copied();
    extension.unwrap_or("image").to_uppercase()
}

/// `Err` when the file is of another format than its extension says.
fn check_format(actual: Option<ImageFormat>, expected: ImageFormat) -> Result<(), String> {
    match actual {
        Some(actual) if actual == expected => Ok(()),
        Some(actual) => Err(format!(
            "is a {} file, not {} (rename it or convert it)",
            name(actual),
            name(expected)
        )),
        None => Err(format!(
            "is not a valid {} image (the file is damaged or of another type)",
            name(expected)
        )),
    }
}

/// `Err` when the pixels a header claims, or the memory they decode into, are
/// more than personapress decodes; `Ok` holds the decoded bytes.
fn check_decoded_size((width, height): (u32, u32), colour: ColorType) -> Result<u64, String> {
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX || pixels > MAX_PIXELS {
        return Err(format!(
            "claims {width} × {height} pixels, more than personapress decodes (at most {MAX_SIDE_PX} px a side and {} megapixels)",
            MAX_PIXELS / 1_000_000
        ));
    }
    let decoded = pixels * u64::from(colour.bytes_per_pixel());
    if decoded > MAX_DECODED_BYTES {
        let bits = colour.bits_per_pixel() / u16::from(colour.channel_count());
        return Err(format!(
            "decodes to {} MiB ({width} × {height} pixels, {} channels of {bits} bits), more than the {} MiB personapress decodes for one image",
            decoded >> 20,
            colour.channel_count(),
            MAX_DECODED_BYTES >> 20
        ));
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG that claims the given size and bit depth (RGB): signature, IHDR, an
    /// empty IDAT and IEND.
    pub(super) fn png_header(width: u32, height: u32, depth: u8) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[depth, 2, 0, 0, 0]);
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        for (kind, data) in [(b"IHDR", ihdr.as_slice()), (b"IDAT", &[]), (b"IEND", &[])] {
            bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut chunk = kind.to_vec();
            chunk.extend_from_slice(data);
            let mut crc = flate2::Crc::new();
            crc.update(&chunk);
            bytes.extend_from_slice(&chunk);
            bytes.extend_from_slice(&crc.sum().to_be_bytes());
        }
        bytes
    }

    #[test]
    fn huge_claimed_sizes_are_refused_from_the_header() {
        let err =
            check_raster_header(&png_header(30_000, 30_000, 8), ImageFormat::Png).unwrap_err();
        assert!(err.contains("claims 30000 × 30000 pixels"), "{err}");
        assert_eq!(
            check_raster_header(&png_header(1200, 800, 8), ImageFormat::Png),
            Ok(1200 * 800 * 3)
        );
    }

    #[test]
    fn the_memory_a_photo_decodes_into_is_bounded_at_any_bit_depth() {
        let eight_bit = check_raster_header(&png_header(10_000, 10_000, 8), ImageFormat::Png);
        assert_eq!(eight_bit, Ok(300_000_000));
        let err =
            check_raster_header(&png_header(10_000, 10_000, 16), ImageFormat::Png).unwrap_err();
        assert!(
            err.contains("decodes to 572 MiB (10000 × 10000 pixels, 3 channels of 16 bits)"),
            "{err}"
        );
    }

    #[test]
    fn a_mislabelled_or_damaged_file_is_named() {
        let err = check_raster_header(&png_header(10, 10, 8), ImageFormat::Jpeg).unwrap_err();
        assert!(err.contains("is a PNG file, not JPG"), "{err}");
        let err = check_raster_header(b"not an image at all", ImageFormat::Jpeg).unwrap_err();
        assert!(err.contains("not a valid JPG image"), "{err}");
    }
}
