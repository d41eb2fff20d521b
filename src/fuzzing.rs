//! Entry points for the fuzz targets in `fuzz/` (not an API): the checks personapress
//! makes on an SVG photo or a font file, then what Typst does with bytes that pass.

use typst::foundations::Bytes;
use typst::visualize::SvgImage;

/// Checks `bytes` as an SVG photo; when they pass, Typst parses them as it would.
pub fn svg_photo(bytes: &[u8]) -> Result<(), String> {
    crate::assets::svg::check_svg(bytes)?;
    SvgImage::new(Bytes::new(bytes.to_vec()))
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Checks `bytes` as a font file; when they pass, Typst reads its faces as it would.
/// How many faces it found.
pub fn font_file(bytes: &[u8]) -> Result<usize, String> {
    crate::world::fonts::check_font_data(bytes)?;
    let faces = crate::world::fonts::faces(Bytes::new(bytes.to_vec()));
    faces
        .map(|faces| faces.len())
        .ok_or_else(|| "the parser gave up".into())
}
