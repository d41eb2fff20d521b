//! The theme as template data: its colours, fonts and logo, and the text colours
//! ("inks") chosen by contrast for every surface a template paints.

use serde_json::{Value, json};

use super::contrast::{GRAPHICS, MARGIN, SMALL_TEXT, Shade, best_on, ratio, readable_shade};
use super::data::asset_path;
use crate::spec::units::{Color, round3};
use crate::spec::workspace::ThemeSource;

/// The theme as template data, with the text colours chosen by contrast (`inks`), and a
/// warning for each pair of colours that cannot reach a readable contrast.
pub(super) fn theme_data(source: &ThemeSource) -> (Value, Vec<String>) {
    let theme = &source.theme;
    let c = &theme.colors;
    let color = |c: &Option<Color>| json!(c);
    let (inks, warnings) = inks(source);
    let value = json!({
        "name": theme.name,
        "colors": {
            "primary": color(&c.primary), "secondary": color(&c.secondary), "accent": color(&c.accent),
            "background": color(&c.background), "text": color(&c.text), "muted": color(&c.muted),
        },
        "inks": inks,
        "fonts": { "heading": theme.fonts.heading, "body": theme.fonts.body },
        "logo": source.logo.as_deref().map(|p| asset_path("logo", p)),
        "radius": theme.shape.radius.map_or(3.0, |r| round3(r.mm)),
    });
    (value, warnings)
}

/// A theme colour as a shade, black where the theme has none.
fn shade(color: &Option<Color>) -> Shade {
    color
        .as_ref()
        .map_or_else(|| Shade::of(&Color::hex([0, 0, 0])), Shade::of)
}

/// The theme's colours as shades, and the warnings found while choosing inks from them.
struct Palette<'a> {
    source: &'a ThemeSource,
    primary: Shade,
    secondary: Shade,
    accent: Shade,
    paper: Shade,
    text: Shade,
    muted: Shade,
    warnings: Vec<String>,
}

impl<'a> Palette<'a> {
    fn new(source: &'a ThemeSource) -> Self {
        let c = &source.theme.colors;
        Palette {
            source,
            primary: shade(&c.primary),
            secondary: shade(&c.secondary),
            accent: shade(&c.accent),
            paper: shade(&c.background),
            text: shade(&c.text),
            muted: shade(&c.muted),
            warnings: Vec::new(),
        }
    }

    /// White or the text colour on a filled `fill`, whichever reads better.
    fn on(&mut self, name: &str, fill: &Shade) -> Shade {
        let (ink, contrast) = best_on(fill, &[Shade::white(), self.text.clone()]);
        if contrast < SMALL_TEXT {
            let warning = contrast_warning(self.source, name, &ink, fill, contrast);
            self.warnings.push(warning);
        }
        ink
    }

    /// `color` for rules, bullets, bars and curves: 3:1 against the paper.
    fn mark(&self, color: &Shade) -> Shade {
        let paper = std::slice::from_ref(&self.paper);
        readable_shade(color, paper, GRAPHICS).unwrap_or_else(|| self.text.clone())
    }

    /// `color` as text on the paper and on the given tints over it.
    fn readable(&mut self, name: &str, color: &Shade, tints: &[(&Shade, f64)]) -> Shade {
        let mut surfaces = vec![self.paper.clone()];
        surfaces.extend(tints.iter().map(|(c, a)| c.over(&self.paper, *a)));
        readable_shade(color, &surfaces, SMALL_TEXT).unwrap_or_else(|| {
            let contrast = ratio(&self.text, &self.paper);
            let warning = contrast_warning(self.source, name, &self.text, &self.paper, contrast);
            self.warnings.push(warning);
            self.text.clone()
        })
    }
}

/// The colours the templates paint with besides the theme's own: `on_*` for text on a
/// filled colour (white or the theme's text colour), `*_mark` for a brand colour drawn
/// as a rule, bullet, bar or curve on the paper (3:1), `*_text` for a brand colour used
/// as text on the paper and its light tints (4.5:1), darkened or lightened until it reads.
fn inks(source: &ThemeSource) -> (Value, Vec<String>) {
    let mut p = Palette::new(source);
    let (primary, secondary, accent) = (p.primary.clone(), p.secondary.clone(), p.accent.clone());
    let marks = [p.mark(&primary), p.mark(&secondary), p.mark(&accent)];
    let [primary_mark, secondary_mark, accent_mark] = &marks;
    let muted = p.muted.clone();
    let text = p.text.clone();
    let value = json!({
        "on_primary": p.on("primary", &primary).to_json(),
        "on_secondary": p.on("secondary", &secondary).to_json(),
        "on_accent": p.on("accent", &accent).to_json(),
        // The plus and minus drawn on a marker are graphics (3:1), never text.
        "on_accent_mark": best_on(accent_mark, &[Shade::white(), text.clone()]).0.to_json(),
        "on_secondary_mark": best_on(secondary_mark, &[Shade::white(), text.clone()]).0.to_json(),
        "accent_holds_text": best_on(&accent, &[Shade::white(), text.clone()]).1 >= SMALL_TEXT * MARGIN,
        "primary_mark": primary_mark.to_json(),
        "secondary_mark": secondary_mark.to_json(),
        "accent_mark": accent_mark.to_json(),
        "primary_text": p.readable("primary", &primary, &[(primary_mark, 0.25)]).to_json(),
        "secondary_text": p.readable("secondary", &secondary, &[(&secondary, 0.14)]).to_json(),
        "accent_text": p.readable("accent", &accent, &[(&accent, 0.25), (&secondary, 0.14)]).to_json(),
        "muted_text": p.readable("muted", &muted, &[(primary_mark, 0.14), (&secondary, 0.14)]).to_json(),
        "text": p.readable("text", &text, &[(primary_mark, 0.14), (&secondary, 0.14)]).to_json(),
    });
    (value, p.warnings)
}

/// The warning for text on the theme colour `name` that cannot reach 4.5:1.
fn contrast_warning(
    source: &ThemeSource,
    name: &str,
    ink: &Shade,
    fill: &Shade,
    contrast: f64,
) -> String {
    format!(
        "theme `{}`: text on the {name} colour reaches only {contrast:.1}:1 ({} on {}; 4.5:1 is needed); \
         choose a darker or lighter {name}",
        source.theme.name,
        ink.to_json()["rgb"].as_str().unwrap_or_default(),
        fill.to_json()["rgb"].as_str().unwrap_or_default(),
    )
}
