//! Whether a raster photo's data is whole before it goes into a PDF: a JPEG cut short
//! (a third of its bytes) or a PNG with a broken chunk passed the header checks and
//! printed two thirds blank. Cheap checks on the bytes, no decoding.

use image::ImageFormat;

/// `Err(why)` when the file's data ends early or fails its own checksums.
pub(crate) fn check_complete(bytes: &[u8], format: ImageFormat) -> Result<(), String> {
    match format {
        ImageFormat::Jpeg => check_jpeg(bytes),
        ImageFormat::Png => check_png(bytes),
        _ => Ok(()),
    }
}

/// A JPEG's image data must end in its end-of-image marker (FF D9). Inside the
/// entropy-coded data an FF is always followed by 00 or a restart marker, so an FF D9
/// after the first start-of-scan (FF DA) is the real end; data a camera appends after
/// it (a motion photo's video) does not matter.
fn check_jpeg(bytes: &[u8]) -> Result<(), String> {
    let Some(scan) = bytes.windows(2).position(|w| w == [0xFF, 0xDA]) else {
        return Err("is cut short or damaged: the JPEG has no image data".into());
    };
    match bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9]) {
        true => Ok(()),
        false => Err(format!(
            "is cut short: the JPEG data stops before its end ({} bytes)",
            bytes.len()
        )),
    }
}

/// A PNG's chunks must each be whole with a matching checksum, up to its IEND chunk.
fn check_png(bytes: &[u8]) -> Result<(), String> {
    let mut at = 8;
    loop {
        let Some(header) = bytes.get(at..at + 8) else {
            return Err("is cut short: the PNG ends before its last chunk".into());
        };
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = String::from_utf8_lossy(&header[4..8]).into_owned();
        let end = at + 8 + length;
        let (Some(chunk), Some(stored)) = (bytes.get(at + 4..end), bytes.get(end..end + 4)) else {
            return Err(format!(
                "is cut short: the PNG ends inside its {kind} chunk"
            ));
        };
        let mut crc = flate2::Crc::new();
        crc.update(chunk);
        if crc.sum().to_be_bytes() != stored {
            return Err(format!(
                "is damaged: the checksum of its {kind} chunk does not match"
            ));
        }
        if kind == "IEND" {
            return Ok(());
        }
        at = end + 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(format: image::ImageFormat) -> Vec<u8> {
        let image =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut bytes = std::io::Cursor::new(Vec::new());
        image.write_to(&mut bytes, format).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn whole_photos_pass_and_cut_or_damaged_ones_are_named() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png] {
            let whole = photo(format);
            assert_eq!(check_complete(&whole, format), Ok(()), "{format:?}");
            let cut = &whole[..whole.len() / 3];
            let why = check_complete(cut, format).unwrap_err();
            assert!(why.starts_with("is cut short"), "{format:?}: {why}");
        }
        let mut png = photo(ImageFormat::Png);
        let middle = png.len() / 2;
        png[middle] ^= 0x20;
        let why = check_complete(&png, ImageFormat::Png).unwrap_err();
        assert!(
            why.contains("checksum of its IDAT chunk does not match"),
            "{why}"
        );
    }
}
