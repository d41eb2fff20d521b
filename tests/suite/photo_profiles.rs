//! A photo's own ICC profile (Adobe RGB, Display P3, a scanner's) says what its pixel
//! values mean: converting it to the press's CMYK as if it were sRGB prints other colours.
//! The test photo's profile swaps the red and blue primaries, so honouring it turns the
//! file's "red" pixels blue on press: unmistakable either way. Version 2 is Adobe RGB's,
//! version 4.0 Display P3's (a phone's photo); PDF 1.4 (PDF/X-1a) embeds only version 2.

use crate::common::*;
use lopdf::{Document, Object};

/// An RGB profile of ICC `version` whose red primary is sRGB's blue and whose blue is sRGB's red.
fn swapped_primaries_profile(version: f64) -> Vec<u8> {
    use lcms2::{CIExyY, CIExyYTRIPLE, Profile, ToneCurve};
    let xy = |x, y| CIExyY { x, y, Y: 1.0 };
    let primaries = CIExyYTRIPLE {
        Red: xy(0.15, 0.06),
        Green: xy(0.30, 0.60),
        Blue: xy(0.64, 0.33),
    };
    let gamma = ToneCurve::new(2.2);
    let mut profile =
        Profile::new_rgb(&xy(0.3127, 0.3290), &primaries, &[&gamma, &gamma, &gamma]).unwrap();
    profile.set_version(version);
    profile.icc().unwrap()
}

/// A JPEG of 200 × 250 px of pure red in the file's values, `icc` embedded.
fn red_jpeg(icc: &[u8]) -> Vec<u8> {
    let pixels = [255u8, 0, 0].repeat(200 * 250);
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 92);
    encoder.add_icc_profile(icc).unwrap();
    encoder
        .encode(&pixels, 200, 250, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    bytes
}

/// Renders a poster of one persona whose photo is `photo`, with `print` as `[print]`.
fn render_photo(photo: &[u8], print: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, project) = fixture("minimal");
    std::fs::write(project.join("personas/mo.jpg"), photo).unwrap();
    let persona = "name = \"Mo\"\nphoto = \"mo.jpg\"\nquote = \"Blue.\"\ncore_need = \"Colour.\"\n";
    write(&project.join("personas/mo.toml"), persona);
    let config = format!(
        "title = \"Profiles\"\nformats = [\"poster-a3\"]\n[print]\nwarn_ppi = 10\nmin_ppi = 5\n{print}"
    );
    write(&project.join("personapress.toml"), &config);
    let result = personapress(&["render", project.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    let pdf = project.join("dist/mo/mo.poster-a3.pdf");
    (temp, pdf)
}

/// The centre pixel's CMYK (0..255) of the document's 200 × 250 px image.
fn photo_cmyk(doc: &Document) -> [u8; 4] {
    let photo = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .find(|s| {
            s.dict.get(b"Width").and_then(Object::as_i64).ok() == Some(200)
                && s.dict.get(b"Height").and_then(Object::as_i64).ok() == Some(250)
        });
    let photo = photo.expect("the photo is in the PDF");
    let space = photo.dict.get(b"ColorSpace").and_then(Object::as_name).ok();
    assert_eq!(space, Some(b"DeviceCMYK".as_slice()), "{:?}", photo.dict);
    let mut decoder = jpeg_decoder::Decoder::new(photo.content.as_slice());
    let pixels = decoder.decode().unwrap();
    let centre = (125 * 200 + 100) * 4;
    // Adobe CMYK JPEGs store inverted values, undone by the PDF's Decode array; the
    // decoder hands back the ink values.
    let value = |i: usize| pixels[centre + i];
    [value(0), value(1), value(2), value(3)]
}

#[test]
fn a_photo_in_its_own_profile_is_converted_from_that_profile() {
    for (standard, version) in [("PDF/X-4", 2.1), ("PDF/X-4", 4.0), ("PDF/X-1a", 4.0)] {
        let print = format!("colour = \"cmyk\"\nstandard = \"{standard}\"\n");
        let photo = red_jpeg(&swapped_primaries_profile(version));
        let (_temp, pdf) = render_photo(&photo, &print);
        let [c, m, y, _] = photo_cmyk(&lopdf::Document::load(&pdf).unwrap());
        let what = format!("{standard}, profile v{version}");
        assert!(
            c > 150 && y < 60,
            "{what}: blue on press, got C {c} M {m} Y {y}"
        );
    }
}

#[test]
fn a_photo_without_a_profile_is_converted_as_srgb() {
    let mut bytes = Vec::new();
    let pixels = [255u8, 0, 0].repeat(200 * 250);
    jpeg_encoder::Encoder::new(&mut bytes, 92)
        .encode(&pixels, 200, 250, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let (_temp, pdf) = render_photo(&bytes, "colour = \"cmyk\"\n");
    let [c, m, y, _] = photo_cmyk(&lopdf::Document::load(&pdf).unwrap());
    assert!(
        c < 30 && m > 150 && y > 150,
        "red on press, got C {c} M {m} Y {y}"
    );
}
