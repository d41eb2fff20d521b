//! Print-shop presets: `[print] preset = "online"` sets what a kind of print shop
//! asks for (bleed, crop marks, PDF/X standard, colour, output profile, ink limit,
//! photo resolution, black overprint) in one line. A project may define its own as
//! `[preset.NAME]` tables with the same keys. What `[print]` itself sets wins.

use serde::Deserialize;

use super::Loaded;
use super::project::{Print, PrintColour, Project};
use super::standard::PdfxStandard;
use super::units::Length;
use crate::diag::Diagnostic;

/// What a preset sets; every key is optional and named as in `[print]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// What the preset is for, e.g. "Saxoprint, 135 g coated".
    pub description: Option<String>,
    /// Bleed past the trim.
    pub bleed: Option<Length>,
    /// Crop marks in the slug.
    pub crop_marks: Option<bool>,
    /// `"PDF/X-4"`, `"PDF/X-3"` or `"PDF/X-1a"`.
    pub standard: Option<PdfxStandard>,
    /// `"rgb"` or `"cmyk"`.
    pub colour: Option<PrintColour>,
    /// A built-in output intent (FOGRA39) or a project's `.icc`.
    pub output_intent: Option<String>,
    /// The most ink of a converted photo, in percent.
    pub max_ink: Option<f64>,
    /// Photos printed above it are resampled to 300 ppi.
    pub max_ppi: Option<u32>,
    /// Whether 100 % black text and shapes overprint.
    pub overprint_black: Option<bool>,
}

/// The built-in presets, by name.
pub fn built_in() -> Vec<(&'static str, Preset)> {
    vec![
        ("online", online()),
        ("offset", offset()),
        ("large-format", large_format()),
    ]
}

/// An online printer (Flyeralarm, Saxoprint, WIRmachenDRUCK and the like): no
/// marks, PDF/X-4 in CMYK, photos right-sized for upload.
fn online() -> Preset {
    Preset {
        description: Some("online printer: no marks, PDF/X-4 CMYK, FOGRA39".into()),
        bleed: Some(Length::mm(3.0)),
        crop_marks: Some(false),
        standard: Some(PdfxStandard::X4),
        colour: Some(PrintColour::Cmyk),
        output_intent: Some("FOGRA39".into()),
        max_ink: Some(300.0),
        max_ppi: Some(450),
        overprint_black: Some(true),
    }
}

/// A sheet-fed offset shop with a classic prepress: marks, PDF/X-1a.
fn offset() -> Preset {
    Preset {
        description: Some("offset shop: crop marks, PDF/X-1a, FOGRA39".into()),
        bleed: Some(Length::mm(3.0)),
        crop_marks: Some(true),
        standard: Some(PdfxStandard::X1a),
        colour: Some(PrintColour::Cmyk),
        output_intent: Some("FOGRA39".into()),
        max_ink: Some(300.0),
        max_ppi: None,
        overprint_black: Some(true),
    }
}

/// Large-format inkjet (posters, roll-ups): a wider bleed, no marks, RGB for the
/// printer's wider gamut, PDF/X-4.
fn large_format() -> Preset {
    Preset {
        description: Some("large-format inkjet: 5 mm bleed, no marks, PDF/X-4 RGB".into()),
        bleed: Some(Length::mm(5.0)),
        crop_marks: Some(false),
        standard: Some(PdfxStandard::X4),
        colour: Some(PrintColour::Rgb),
        output_intent: Some("FOGRA39".into()),
        max_ink: None,
        max_ppi: None,
        overprint_black: Some(true),
    }
}

/// The project with its `[print] preset` applied: each value the preset sets that the
/// project's `[print]` table does not. An unknown preset is an error at the key.
pub(crate) fn applied(loaded: &Loaded<Project>) -> Result<Project, Diagnostic> {
    let mut project = loaded.value.clone();
    let Some(name) = project.print.preset.clone() else {
        return Ok(project);
    };
    let own = project.preset.get(&name).cloned();
    let Some(preset) = own.or_else(|| {
        built_in()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p)
    }) else {
        return Err(unknown_preset(loaded, &name));
    };
    let written = written_print_keys(&loaded.text);
    apply(&mut project.print, &preset, &written);
    Ok(project)
}

/// The error for a preset that neither is built in nor defined by the project.
fn unknown_preset(loaded: &Loaded<Project>, name: &str) -> Diagnostic {
    let mut names: Vec<String> = built_in().iter().map(|(n, _)| n.to_string()).collect();
    names.extend(loaded.value.preset.keys().cloned());
    let likeness = |c: &String| strsim::jaro_winkler(name, c);
    let closest = names
        .iter()
        .max_by(|a, b| likeness(a).total_cmp(&likeness(b)))
        .filter(|c| likeness(c) > 0.8);
    let diag = loaded.error_at_key("preset", format!("there is no print preset `{name}`"));
    match closest {
        Some(c) => diag.with_hint(format!("did you mean `{c}`?")),
        None => diag.with_hint(format!(
            "choose one of {}, or define [preset.{name}]",
            names.join(", ")
        )),
    }
}

/// The keys the project file writes in its `[print]` table.
fn written_print_keys(text: &str) -> Vec<String> {
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    match table.get("print") {
        Some(toml::Value::Table(print)) => print.keys().cloned().collect(),
        _ => vec![],
    }
}

/// Sets each value of `preset` in `print` whose key is not in `written`.
fn apply(print: &mut Print, preset: &Preset, written: &[String]) {
    let free = |key: &str| !written.iter().any(|w| w == key);
    let p = preset.clone();
    set(&mut print.bleed, p.bleed, free("bleed"));
    if let Some(v) = p.crop_marks.filter(|_| free("crop_marks")) {
        print.crop_marks = v;
    }
    if let Some(v) = p.standard.filter(|_| free("standard")) {
        print.standard = v;
    }
    if let Some(v) = p.overprint_black.filter(|_| free("overprint_black")) {
        print.overprint_black = v;
    }
    set(&mut print.colour, p.colour, free("colour"));
    set(
        &mut print.output_intent,
        p.output_intent,
        free("output_intent"),
    );
    set(&mut print.max_ink, p.max_ink, free("max_ink"));
    set(&mut print.max_ppi, p.max_ppi, free("max_ppi"));
}

/// `field` = `value` where the preset sets one and the key is `free`.
fn set<T>(field: &mut Option<T>, value: Option<T>, free: bool) {
    if free && value.is_some() {
        *field = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_sets_what_print_leaves_open() {
        let mut print = Print::default();
        apply(&mut print, &offset(), &["crop_marks".into()]);
        assert_eq!(print.standard, PdfxStandard::X1a);
        assert_eq!(print.colour, Some(PrintColour::Cmyk));
        assert!(
            print.crop_marks,
            "the default stays: the preset wanted true as well"
        );
        let mut print = Print {
            crop_marks: true,
            max_ppi: Some(600),
            ..Print::default()
        };
        apply(
            &mut print,
            &online(),
            &["crop_marks".into(), "max_ppi".into()],
        );
        assert!(print.crop_marks, "written in [print]: kept");
        assert_eq!(print.max_ppi, Some(600), "written in [print]: kept");
        assert_eq!(print.bleed, Some(Length::mm(3.0)));
        let mut print = Print::default();
        apply(&mut print, &large_format(), &[]);
        assert!(!print.crop_marks);
        assert_eq!(print.bleed, Some(Length::mm(5.0)));
        assert_eq!(print.colour, Some(PrintColour::Rgb));
    }

    #[test]
    fn cmyk_only_pdfs_resample_above_450_ppi_unless_told_otherwise() {
        assert_eq!(Print::default().effective_max_ppi(), None);
        let cmyk = Print {
            colour: Some(PrintColour::Cmyk),
            ..Print::default()
        };
        assert_eq!(cmyk.effective_max_ppi(), Some(450));
        let x1a = Print {
            standard: PdfxStandard::X1a,
            ..Print::default()
        };
        assert_eq!(x1a.effective_max_ppi(), Some(450));
        let own = Print {
            max_ppi: Some(600),
            ..x1a
        };
        assert_eq!(own.effective_max_ppi(), Some(600));
    }

    #[test]
    fn written_keys_are_read_from_the_print_table_only() {
        let text = "title = \"x\"\n[print]\ncrop_marks = false\npreset = \"online\"\n[mousepad]\nbleed = \"2mm\"\n";
        let mut keys = written_print_keys(text);
        keys.sort();
        assert_eq!(keys, ["crop_marks", "preset"]);
    }
}
