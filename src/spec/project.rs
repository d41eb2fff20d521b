//! The project file `personapress.toml`: which personas, themes and formats to render.

use serde::Deserialize;

use super::persona::Language;
use super::standard::PdfxStandard;
use super::units::{Length, Size};

/// A project as written in `personapress.toml`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The project's title, on the overview sheet and the proof page.
    pub title: Option<String>,
    /// The client the personas are made for.
    pub client: Option<String>,
    /// Globs or files, relative to the project folder. Default: `personas/*.toml`.
    pub personas: Option<Vec<String>>,
    /// The theme file, relative to the project folder. Default: the built-in theme.
    pub theme: Option<String>,
    /// Several theme files: every persona is rendered in each.
    pub themes: Option<Vec<String>>,
    /// Default: poster-a2, poster-a3, mousepad, briefing.
    pub formats: Option<Vec<String>>,
    /// The labels' language where a persona sets none: nl, en, de or fr. Default: en.
    pub language: Option<Language>,
    /// Default: `dist`.
    pub out: Option<String>,
    /// A folder whose files override the built-in templates file by file. Default: `templates`.
    pub templates: Option<String>,
    /// A folder of extra fonts (OTF, TTF). Default: `fonts`.
    pub fonts: Option<String>,
    /// How print formats are finished for the print shop.
    #[serde(default)]
    pub print: Print,
    /// Size and cutting of the mousepad.
    #[serde(default)]
    pub mousepad: Mousepad,
    /// The workshop (draft) edition of posters.
    #[serde(default)]
    pub workshop: Workshop,
    /// Print-shop presets of the project's own, by name, for `[print] preset`.
    #[serde(default)]
    pub preset: std::collections::BTreeMap<String, super::preset::Preset>,
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
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Print {
    /// Default: 3 mm (the mousepad's own `bleed` wins for the mousepad).
    pub bleed: Option<Length>,
    /// Crop marks in the slug around the bleed.
    pub crop_marks: bool,
    /// PDF/X with the output intent's profile.
    pub pdfx: bool,
    /// A print-shop preset that sets the keys below at once: `"online"`, `"offset"`,
    /// `"large-format"` or a `[preset.NAME]` of the project. Keys written here win.
    pub preset: Option<String>,
    /// Which PDF/X: `"PDF/X-4"`, or `"PDF/X-3"` / `"PDF/X-1a"` (PDF 1.4, no
    /// transparency: transparent art is flattened to 300 ppi images) for print shops
    /// that ask for them. PDF/X-1a is CMYK only (it implies `colour = "cmyk"`).
    pub standard: PdfxStandard,
    /// Default: FOGRA39.
    pub output_intent: Option<String>,
    /// Photos printed below this resolution get a warning. Default: 300 (200 on A2).
    pub warn_ppi: Option<u32>,
    /// Photos printed below this resolution are an error. Default: 150 (100 on A2).
    pub min_ppi: Option<u32>,
    /// Photos printed above this resolution are resampled to 300 ppi for the print
    /// formats (JPEG stays JPEG, at quality 92; others are stored lossless), and
    /// report.json lists each. At least 300. Default: 450 for CMYK-only PDFs
    /// (`colour = "cmyk"`, PDF/X-1a), none otherwise (photos are kept as given).
    pub max_ppi: Option<u32>,
    /// `"rgb"` leaves photos and RGB colours to the output intent (PDF/X-4 allows
    /// them); `"cmyk"` converts every one to the output intent's CMYK with Little CMS,
    /// for print shops that refuse RGB. Theme CMYK and spot colours are kept as given.
    /// Default: rgb.
    pub colour: Option<PrintColour>,
    /// The most ink (C + M + Y + K, percent) a converted photo may carry; darker
    /// shadows are held to it. Only with `colour = "cmyk"`. Default: 300.
    #[schemars(range(min = 200, max = 400))]
    pub max_ink: Option<f64>,
    /// How photos are converted with `colour = "cmyk"`. Default: perceptual.
    pub image_intent: Option<RenderingIntent>,
    /// How text, shapes and gradients are converted with `colour = "cmyk"`.
    /// Default: relative (relative colorimetric with black-point compensation).
    pub vector_intent: Option<RenderingIntent>,
    /// Whether 100 % black text, lines and shapes overprint (no white gap round
    /// them when the plates shift). Default: true.
    pub overprint_black: bool,
    /// Whether the proof page shows the print formats as they will print: its
    /// thumbnails soft-proofed through the output profile. Default: false.
    pub soft_proof: bool,
}

impl Default for Print {
    fn default() -> Self {
        Print {
            bleed: None,
            crop_marks: true,
            pdfx: true,
            preset: None,
            standard: PdfxStandard::default(),
            output_intent: None,
            warn_ppi: None,
            min_ppi: None,
            max_ppi: None,
            colour: None,
            max_ink: None,
            image_intent: None,
            vector_intent: None,
            overprint_black: true,
            soft_proof: false,
        }
    }
}

/// The `max_ppi` of a CMYK-only project that sets none.
pub const CMYK_MAX_PPI: u32 = 450;

impl Print {
    /// Whether the print PDFs are CMYK only: `colour = "cmyk"`, or PDF/X-1a.
    pub fn cmyk_only(&self) -> bool {
        self.colour == Some(PrintColour::Cmyk) || self.standard.cmyk_only()
    }

    /// `max_ppi`, or 450 for a CMYK-only PDF: converting a photo to CMYK costs more
    /// than resampling it first saves (measured even), and the files are smaller.
    pub fn effective_max_ppi(&self) -> Option<u32> {
        self.max_ppi.or(self.cmyk_only().then_some(CMYK_MAX_PPI))
    }

    /// Whether a converter to the output intent's CMYK is needed: for a CMYK-only
    /// PDF, and for the flattened art of PDF/X-3, which must meet the CMYK around it.
    pub fn converts(&self) -> bool {
        self.cmyk_only() || (self.pdfx && !self.standard.allows_transparency())
    }
}

/// The colours a print PDF carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PrintColour {
    /// RGB photos and colours tagged sRGB, converted by the print shop's RIP.
    Rgb,
    /// CMYK only: converted here, through the output intent's profile.
    Cmyk,
}

/// How colours outside the target's gamut are mapped: ICC rendering intents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RenderingIntent {
    /// Compresses the whole gamut: smooth photos.
    Perceptual,
    /// Keeps in-gamut colours exactly, clips the rest: logos and flat colour.
    Relative,
    /// Keeps colours vivid.
    Saturation,
    /// Relative, but simulates the paper white too.
    Absolute,
}

/// Settings of the mousepad format.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Mousepad {
    /// Default: 240x200mm.
    pub size: Option<Size>,
    /// The radius of the rounded corners, which the die cut follows.
    pub corner_radius: Length,
    /// Default: `[print] bleed`, else 3 mm.
    pub bleed: Option<Length>,
    /// The name of the spot colour the die-cut line is drawn in (1–127 bytes, not a
    /// name PDF reserves).
    #[serde(deserialize_with = "super::units::spot_name")]
    pub cut_contour: String,
}

impl Default for Mousepad {
    fn default() -> Self {
        Mousepad {
            size: None,
            corner_radius: Length { mm: 5.0 },
            bleed: None,
            cut_contour: "CutContour".into(),
        }
    }
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
    if crate::qr::qr_rows(&url).is_none() {
        return Err(serde::de::Error::custom(format!(
            "too long for a QR code ({} bytes, at most 2331 fit); use a shorter link",
            url.len()
        )));
    }
    Ok(Some(url))
}
