//! The print finishing a format gets from the project and the theme.

use super::{CutContour, OutputIntent, PrintSettings};
use crate::spec::format::Format;
use crate::spec::project::Project;
use crate::spec::theme::Theme;

/// The print finishing a format gets from the project's `[print]` and `[mousepad]` tables;
/// `None` for office formats.
pub fn print_settings(
    project: &Project,
    theme: &Theme,
    format: &Format,
    intent: &Option<OutputIntent>,
) -> Option<PrintSettings> {
    if !format.print {
        return None;
    }
    let cut_contour = format.cut_contour.then(|| CutContour {
        name: project.mousepad.cut_contour.clone(),
        radius_mm: project.mousepad.corner_radius.mm,
    });
    let converter = intent.as_ref().and_then(|i| i.converter.clone());
    Some(PrintSettings {
        crop_marks: project.print.crop_marks,
        pdfx: intent.clone().filter(|_| project.print.pdfx),
        standard: project.print.standard,
        cut_contour,
        exact_cmyk: theme_cmyk(theme),
        brand_inks: brand_inks(theme),
        convert: converter.clone().filter(|_| project.print.cmyk_only()),
        art_press: converter.filter(|_| !project.print.cmyk_only()),
        overprint_black: project.print.overprint_black,
        flat_art: Vec::new(),
    })
}

/// The theme's CMYK colours as fractions, for [`PrintSettings::exact_cmyk`].
fn theme_cmyk(theme: &Theme) -> Vec<[f32; 4]> {
    brand_inks(theme)
        .into_iter()
        .map(|(_, cmyk)| cmyk)
        .collect()
}

/// The theme's colours given as both sRGB and CMYK, for [`PrintSettings::brand_inks`].
fn brand_inks(theme: &Theme) -> Vec<([u8; 3], [f32; 4])> {
    theme
        .colors
        .named()
        .into_iter()
        .filter_map(|(_, color)| {
            let color = color.as_ref()?;
            Some((color.rgb.0, color.cmyk?.map(|v| v.0 as f32 / 100.0)))
        })
        .collect()
}
