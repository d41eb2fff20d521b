//! The project file `personapress.toml`: which personas, themes and formats to render.

use serde::Deserialize;

use super::persona::Language;
use super::units::{Length, Size};

/// A project as written in `personapress.toml`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub title: Option<String>,
    pub client: Option<String>,
    /// Globs or files, relative to the project folder. Default: `personas/*.toml`.
    pub personas: Option<Vec<String>>,
    pub theme: Option<String>,
    pub themes: Option<Vec<String>>,
    /// Default: poster-a2, poster-a3, mousepad, briefing.
    pub formats: Option<Vec<String>>,
    pub language: Option<Language>,
    /// Default: `dist`.
    pub out: Option<String>,
    pub templates: Option<String>,
    pub fonts: Option<String>,
    #[serde(default)]
    pub print: Print,
    #[serde(default)]
    pub mousepad: Mousepad,
    #[serde(default)]
    pub workshop: Workshop,
    /// Formats of the project's own, by name: each is laid out by `templates/<name>.typ`.
    #[serde(default)]
    pub format: std::collections::BTreeMap<String, OwnFormat>,
}

/// A format of the project's own: `[format.rollup]` with `size = "850x2000mm"`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnFormat {
    /// The trim size, e.g. "850x2000mm" or "105x148mm".
    pub size: Size,
    /// Whether it goes to a print shop (bleed, crop marks, PDF/X-4, CMYK). Default: true.
    pub print: Option<bool>,
    /// Whether it must fit on one page, the type shrinking to fit. Default: true.
    pub single_page: Option<bool>,
}

/// Print settings for the print formats.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Print {
    /// Default: 3 mm.
    pub bleed: Option<Length>,
    /// Default: true.
    pub crop_marks: Option<bool>,
    /// Default: true.
    pub pdfx: Option<bool>,
    /// Default: FOGRA39.
    pub output_intent: Option<String>,
    pub warn_ppi: Option<u32>,
    pub min_ppi: Option<u32>,
}

/// Settings of the mousepad format.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mousepad {
    /// Default: 240x200mm.
    pub size: Option<Size>,
    /// Default: 5 mm.
    pub corner_radius: Option<Length>,
    /// Default: 3 mm.
    pub bleed: Option<Length>,
    /// Default: `CutContour`.
    pub cut_contour: Option<String>,
}

/// Settings of the workshop (draft) edition.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workshop {
    /// Where workshop participants leave feedback; draft posters print it with a QR code.
    #[serde(default, deserialize_with = "qr_encodable")]
    #[schemars(with = "Option<String>")]
    pub feedback_url: Option<String>,
}

/// A feedback address that fits in a QR code, refused with its length otherwise.
fn qr_encodable<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let url = String::deserialize(deserializer)?;
    if crate::render::data::qr_rows(&url).is_none() {
        return Err(serde::de::Error::custom(format!(
            "too long for a QR code ({} bytes, at most 2331 fit); use a shorter link",
            url.len()
        )));
    }
    Ok(Some(url))
}
