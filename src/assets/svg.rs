//! What an SVG photo or logo holds, checked before Typst parses and decodes it: a
//! 1.2 MB SVG hid a 30000 × 30000 PNG in a `data:` URL (4.45 GB decoded), a 40 MB
//! path took 72 s, and a viewBox of `1e30` wrote numbers that overflow a PDF. The
//! markup is read with the XML parser usvg uses; an SVG it cannot parse is left for
//! Typst to name.

use std::borrow::Cow;
use std::io::Read;

use image::ImageFormat;

use super::{MAX_DECODED_BYTES, MAX_IMAGE_BYTES};

/// The most markup an SVG may have, not counting the images embedded in it.
pub(crate) const MAX_SVG_MARKUP_BYTES: usize = 8 << 20;
/// The most elements an SVG may have.
pub(crate) const MAX_SVG_ELEMENTS: usize = 100_000;
/// The largest number an SVG's geometry may hold, either way.
pub(crate) const MAX_SVG_NUMBER: f64 = 1e7;
/// How many SVGs deep one file may go, itself counted.
const MAX_NESTING: usize = 3;

/// The attributes whose numbers place and size what an SVG draws.
const GEOMETRY: &[&str] = &[
    "viewBox",
    "d",
    "points",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "dx",
    "dy",
    "width",
    "height",
    "transform",
    "gradientTransform",
    "patternTransform",
    "stroke-width",
    "font-size",
    "refX",
    "refY",
    "markerWidth",
    "markerHeight",
];

/// `Err(why)` when an SVG is too big to parse quickly, draws at numbers a PDF cannot
/// hold, or embeds images that are damaged or decode into more than an image may.
pub(crate) fn check_svg(bytes: &[u8]) -> Result<(), String> {
    let mut decoded = 0;
    check_document(bytes, 0, &mut decoded)
}

/// Checks one SVG document, adding the bytes its embedded images decode into to
/// `decoded` (the budget is shared by everything one file embeds).
fn check_document(bytes: &[u8], depth: usize, decoded: &mut u64) -> Result<(), String> {
    let text = unpacked(bytes)?;
    let Ok(text) = std::str::from_utf8(&text) else {
        return Ok(());
    };
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let Ok(document) = roxmltree::Document::parse_with_options(text, options) else {
        return Ok(());
    };
    let (mut elements, mut embedded) = (0, 0);
    for node in document.descendants().filter(|node| node.is_element()) {
        elements += 1;
        check_numbers(&node)?;
        for url in data_urls(&node) {
            embedded += url.len();
            check_embedded(url, depth, decoded)?;
        }
    }
    check_size(text.len().saturating_sub(embedded), elements)
}

/// The SVG's text: a gzip-packed SVG (`.svgz` content) unpacked, up to the image limit.
fn unpacked(bytes: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    if !bytes.starts_with(&[0x1F, 0x8B]) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut text = Vec::new();
    let reader = flate2::read::GzDecoder::new(bytes);
    let read = reader.take(MAX_IMAGE_BYTES + 1).read_to_end(&mut text);
    match read {
        Ok(_) if text.len() as u64 > MAX_IMAGE_BYTES => Err(format!(
            "unpacks to more than {} MiB of SVG",
            MAX_IMAGE_BYTES >> 20
        )),
        Ok(_) => Ok(Cow::Owned(text)),
        Err(e) => Err(format!("is a damaged compressed SVG ({e})")),
    }
}

/// `Err` when the markup (without embedded images) or the elements are too many.
fn check_size(markup: usize, elements: usize) -> Result<(), String> {
    if markup > MAX_SVG_MARKUP_BYTES {
        return Err(format!(
            "has {} MiB of SVG markup, more than the {} MiB personapress parses (simplify the paths or use a PNG or JPEG)",
            markup >> 20,
            MAX_SVG_MARKUP_BYTES >> 20
        ));
    }
    if elements > MAX_SVG_ELEMENTS {
        return Err(format!(
            "has {elements} SVG elements, more than the {MAX_SVG_ELEMENTS} personapress parses (simplify it or use a PNG or JPEG)"
        ));
    }
    Ok(())
}

/// `Err` naming the element and attribute whose geometry holds a number a PDF
/// cannot print (not finite, or beyond [`MAX_SVG_NUMBER`]).
fn check_numbers(node: &roxmltree::Node) -> Result<(), String> {
    let tag = node.tag_name().name();
    for attribute in node.attributes().filter(|a| GEOMETRY.contains(&a.name())) {
        check_value(attribute.name(), attribute.value(), tag)?;
    }
    // usvg takes geometry from CSS too: a `style` attribute and `<style>` rules.
    if let Some(style) = node.attribute("style") {
        check_css(style, tag)?;
    }
    if tag == "style" {
        for css in node.children().filter_map(|child| child.text()) {
            check_css(css, tag)?;
        }
    }
    Ok(())
}

/// `Err` for a number in the CSS declarations of a geometry property.
fn check_css(css: &str, tag: &str) -> Result<(), String> {
    for declaration in css.split([';', '{', '}']) {
        let Some((property, value)) = declaration.split_once(':') else {
            continue;
        };
        if GEOMETRY.contains(&property.trim()) {
            check_value(property.trim(), value, tag)?;
        }
    }
    Ok(())
}

/// `Err` when the value of `name` on `<tag>` holds a number a PDF cannot print.
fn check_value(name: &str, value: &str, tag: &str) -> Result<(), String> {
    match numbers(value).find(|n| !is_printable(*n)) {
        Some(number) => Err(format!(
            "has the number {number:e} in the `{name}` of <{tag}>; an SVG's geometry may hold at most {MAX_SVG_NUMBER:e} either way"
        )),
        None => Ok(()),
    }
}

/// Whether a PDF can hold a coordinate.
fn is_printable(number: f64) -> bool {
    number.is_finite() && number.abs() <= MAX_SVG_NUMBER
}

/// The numbers in an SVG attribute (path data, lists, transforms, lengths), without
/// their signs: every run of digits and points with an optional exponent.
fn numbers(value: &str) -> impl Iterator<Item = f64> + '_ {
    let bytes = value.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() && !bytes[at].is_ascii_digit() && bytes[at] != b'.' {
            at += 1;
        }
        let start = at;
        at += mantissa_len(&bytes[at..]);
        at += exponent_len(&bytes[at..]);
        (at > start).then(|| value[start..at].parse().unwrap_or(f64::INFINITY))
    })
}

/// The length of the digits with at most one point at the start of `bytes`.
fn mantissa_len(bytes: &[u8]) -> usize {
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(0);
    match bytes.get(whole) {
        Some(b'.') => whole + 1 + digits(whole + 1),
        _ => whole,
    }
}

/// The length of an exponent (`e`, an optional sign, digits) at the start of `bytes`.
fn exponent_len(bytes: &[u8]) -> usize {
    if !matches!(bytes.first(), Some(b'e' | b'E')) {
        return 0;
    }
    let sign = usize::from(matches!(bytes.get(1), Some(b'+' | b'-')));
    let digits = bytes[1 + sign..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 { 0 } else { 1 + sign + digits }
}

/// The `data:` URLs of an element's `href` attributes, in any namespace, read as usvg's
/// URL parser reads them (`DATA:`, tabs and newlines inside the scheme included).
fn data_urls<'a>(node: &roxmltree::Node<'a, '_>) -> Vec<&'a str> {
    let hrefs = node.attributes().filter(|a| a.name() == "href");
    hrefs
        .map(|a| a.value())
        .filter(|value| data_url::DataUrl::process(value).is_ok())
        .collect()
}

/// Checks an image embedded in an SVG under the limits of a photo file.
fn check_embedded(url: &str, depth: usize, decoded: &mut u64) -> Result<(), String> {
    let Some((mime, data)) = decode_data_url(url) else {
        return Ok(());
    };
    let raster = match mime.as_str() {
        "image/jpg" | "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        "image/gif" => Some(ImageFormat::Gif),
        "image/webp" => Some(ImageFormat::WebP),
        "text/plain" => sniffed_raster(&data),
        "image/svg+xml" => None,
        _ => return Ok(()),
    };
    match raster {
        Some(format) => check_embedded_raster(&data, format, decoded),
        None if depth + 1 >= MAX_NESTING => Err(format!(
            "nests SVGs in SVGs more than {MAX_NESTING} levels deep"
        )),
        None => check_document(&data, depth + 1, decoded),
    }
}

/// The MIME type (`type/subtype`) and the bytes of a `data:` URL.
fn decode_data_url(url: &str) -> Option<(String, Vec<u8>)> {
    let url = data_url::DataUrl::process(url).ok()?;
    let mime = url.mime_type();
    let essence = format!("{}/{}", mime.type_, mime.subtype);
    let (data, _) = url.decode_to_vec().ok()?;
    Some((essence, data))
}

/// The raster format data of an unnamed type holds, as usvg tells them apart.
fn sniffed_raster(data: &[u8]) -> Option<ImageFormat> {
    let format = image::guess_format(data).ok()?;
    [
        ImageFormat::Jpeg,
        ImageFormat::Png,
        ImageFormat::Gif,
        ImageFormat::WebP,
    ]
    .contains(&format)
    .then_some(format)
}

/// Checks an embedded raster image and adds what it decodes into to `decoded`.
fn check_embedded_raster(
    data: &[u8],
    format: ImageFormat,
    decoded: &mut u64,
) -> Result<(), String> {
    let bytes =
        super::check_raster(data, format).map_err(|why| format!("embeds an image that {why}"))?;
    *decoded += bytes;
    if *decoded > MAX_DECODED_BYTES {
        return Err(format!(
            "embeds images that decode to more than the {} MiB personapress decodes for one image",
            MAX_DECODED_BYTES >> 20
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::super::tests::png_header;
    use super::*;

    fn svg(body: &str) -> Vec<u8> {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">{body}</svg>"#
        )
        .into_bytes()
    }

    fn embedded(mime: &str, data: &[u8]) -> String {
        let data = base64::engine::general_purpose::STANDARD.encode(data);
        format!(r#"<image width="100" height="100" xlink:href="data:{mime};base64,{data}"/>"#)
    }

    fn a_real_png() -> Vec<u8> {
        let image =
            image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 9, 40]));
        let mut bytes = std::io::Cursor::new(Vec::new());
        image.write_to(&mut bytes, ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn an_ordinary_svg_with_a_small_embedded_photo_passes() {
        let body = format!(
            r##"<path d="M10.5,20 L-30e2,4.5e-3 Z" transform="matrix(1 0 0 1 -5 .5)"/><rect x="1" width="50%" fill="#1e3000"/>{}"##,
            embedded("image/png", &a_real_png())
        );
        assert_eq!(check_svg(&svg(&body)), Ok(()));
    }

    #[test]
    fn a_decompression_bomb_in_a_data_url_is_refused_from_its_header() {
        let bomb = svg(&embedded("image/png", &png_header(30_000, 30_000, 8)));
        let why = check_svg(&bomb).unwrap_err();
        assert!(
            why.starts_with("embeds an image that claims 30000 × 30000 pixels"),
            "{why}"
        );
        let deep = svg(&embedded("text/plain", &png_header(10_000, 10_000, 16)));
        let why = check_svg(&deep).unwrap_err();
        assert!(why.contains("decodes to 572 MiB"), "{why}");
    }

    #[test]
    fn a_data_url_in_capitals_or_behind_a_second_href_is_checked_too() {
        let data = base64::engine::general_purpose::STANDARD.encode(png_header(30_000, 30_000, 8));
        for image in [
            format!(r#"<image xlink:href="DATA:image/png;base64,{data}"/>"#),
            format!(r#"<image xlink:href=" da&#9;ta:image/PNG;base64,{data}"/>"#),
            format!(
                r#"<image xmlns:x="urn:x" x:href="a.png" xlink:href="data:image/png;base64,{data}"/>"#
            ),
        ] {
            let why = check_svg(&svg(&image)).unwrap_err();
            assert!(
                why.contains("claims 30000 × 30000 pixels"),
                "{image}: {why}"
            );
        }
    }

    #[test]
    fn images_in_svgs_in_svgs_share_one_budget_and_nesting_is_bounded() {
        let half = embedded("image/png", &png_header(10_000, 6_000, 8));
        let inner = svg(&format!("{half}{half}"));
        let why = check_svg(&svg(&embedded("image/svg+xml", &inner))).unwrap_err();
        assert!(
            why.contains("embeds images that decode to more than the 300 MiB"),
            "{why}"
        );
        let mut nested = svg("");
        for _ in 0..MAX_NESTING {
            nested = svg(&embedded("image/svg+xml", &nested));
        }
        let why = check_svg(&nested).unwrap_err();
        assert_eq!(why, "nests SVGs in SVGs more than 3 levels deep");
    }

    #[test]
    fn numbers_a_pdf_cannot_hold_are_named_with_their_place() {
        let why = check_svg(&svg(r#"<svg viewBox="0 0 1e30 1e30"/>"#)).unwrap_err();
        assert!(
            why.starts_with("has the number 1e30 in the `viewBox` of <svg>"),
            "{why}"
        );
        let why = check_svg(&svg(r#"<path d="M0,0L12345678912,3"/>"#)).unwrap_err();
        assert!(
            why.contains("1.2345678912e10 in the `d` of <path>"),
            "{why}"
        );
        let why = check_svg(&svg(r#"<path d="M0,0L1e999,3"/>"#)).unwrap_err();
        assert!(why.contains("inf in the `d`"), "{why}");
    }

    #[test]
    fn numbers_set_by_css_are_checked_and_colours_in_css_are_not_numbers() {
        let why = check_svg(&svg(
            r#"<path d="M0 0L9 9" style="fill:#1e3000; stroke-width:1e30"/>"#,
        ))
        .unwrap_err();
        assert!(
            why.contains("1e30 in the `stroke-width` of <path>"),
            "{why}"
        );
        let why = check_svg(&svg(
            "<style>path { fill: #1e3000; font-size: 1e30 }</style><path d=\"M0 0\"/>",
        ))
        .unwrap_err();
        assert!(why.contains("1e30 in the `font-size` of <style>"), "{why}");
        assert_eq!(
            check_svg(&svg(
                r#"<path style="fill:#1e3000;stroke-width:2" d="M0 0"/>"#
            )),
            Ok(())
        );
    }

    #[test]
    fn too_much_markup_or_too_many_elements_are_refused_before_typst_parses_them() {
        let path = format!(r#"<path d="M0 0{}"/>"#, " L1 2".repeat(2_000_000));
        let why = check_svg(&svg(&path)).unwrap_err();
        assert!(
            why.starts_with("has 9 MiB of SVG markup, more than the 8 MiB"),
            "{why}"
        );
        let many = "<g/>".repeat(MAX_SVG_ELEMENTS + 1);
        let why = check_svg(&svg(&many)).unwrap_err();
        assert!(why.starts_with("has 100002 SVG elements"), "{why}");
    }

    #[test]
    fn a_packed_svg_is_checked_unpacked_and_unparsable_markup_is_left_to_typst() {
        let mut packed = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut packed, &svg(r#"<rect width="1e20"/>"#)).unwrap();
        let why = check_svg(&packed.finish().unwrap()).unwrap_err();
        assert!(why.contains("1e20 in the `width` of <rect>"), "{why}");
        assert_eq!(check_svg(b"<svg><g></svg>"), Ok(()));
    }
}
