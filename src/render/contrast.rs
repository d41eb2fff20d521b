//! Text colours chosen by contrast: which theme colour, or which darker or lighter
//! shade of it, a template may set text in on each surface it paints, so that every
//! line reaches WCAG's contrast ratio whatever the brand's colours are.

use serde_json::{Value, json};

use crate::spec::units::Color;

/// The contrast small text needs (WCAG 2 AA).
pub(crate) const SMALL_TEXT: f64 = 4.5;

/// The contrast rules, bullets, bars and other graphics need (WCAG 2.1, 1.4.11).
pub(crate) const GRAPHICS: f64 = 3.0;

/// A colour as the templates' `paint` reads it, with its sRGB channels (0–1) and CMYK
/// percentages (`None`: the print formats convert the sRGB).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shade {
    rgb: [f64; 3],
    cmyk: Option<[f64; 4]>,
    spot: Option<String>,
}

impl Shade {
    /// The shade of a theme colour, as the theme gives it.
    pub(crate) fn of(color: &Color) -> Shade {
        Shade {
            rgb: color.rgb.0.map(|c| f64::from(c) / 255.0),
            cmyk: color.cmyk.map(|c| c.map(|p| p.0 as f64)),
            spot: color.spot.clone(),
        }
    }

    /// Paper white.
    pub(crate) fn white() -> Shade {
        Shade {
            rgb: [1.0; 3],
            cmyk: Some([0.0; 4]),
            spot: None,
        }
    }

    /// WCAG 2 relative luminance.
    pub(crate) fn luminance(&self) -> f64 {
        let linear = |c: f64| match c <= 0.04045 {
            true => c / 12.92,
            false => ((c + 0.055) / 1.055).powf(2.4),
        };
        let [r, g, b] = self.rgb.map(linear);
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// `self` at `amount` (0–1) over `under`, as the templates' `tint` paints it.
    pub(crate) fn over(&self, under: &Shade, amount: f64) -> Shade {
        let mix = |a: f64, b: f64| a * amount + b * (1.0 - amount);
        let cmyk = match (self.cmyk, under.cmyk) {
            (Some(a), Some(b)) => Some([0, 1, 2, 3].map(|i| mix(a[i], b[i]))),
            _ => None,
        };
        Shade {
            rgb: [0, 1, 2].map(|i| mix(self.rgb[i], under.rgb[i])),
            cmyk,
            spot: None,
        }
    }

    /// The colour as template data: `{ rgb, cmyk, spot }`.
    pub(crate) fn to_json(&self) -> Value {
        let [r, g, b] = self
            .rgb
            .map(|c| (c * 255.0).round().clamp(0.0, 255.0) as u8);
        let cmyk = self.cmyk.map(|c| c.map(|v| (v * 10.0).round() / 10.0));
        json!({ "rgb": format!("#{r:02X}{g:02X}{b:02X}"), "cmyk": cmyk, "spot": self.spot })
    }
}

/// WCAG 2 contrast ratio of two colours, 1 to 21.
pub(crate) fn ratio(a: &Shade, b: &Shade) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `color`, or the nearest darker (on light surfaces) or lighter (on dark ones) shade of
/// it that reaches `needed` against every surface; `None` when no shade does.
pub(crate) fn readable_shade(color: &Shade, surfaces: &[Shade], needed: f64) -> Option<Shade> {
    let light = surfaces.iter().map(Shade::luminance).sum::<f64>() / surfaces.len() as f64 > 0.18;
    // Print converts CMYK through a profile, not exactly as the theme's sRGB: a margin.
    let needed = needed * MARGIN;
    (0..=20).map(|step| step as f64 / 20.0).find_map(|t| {
        let shade = match light {
            true => color.darkened(t),
            false => Shade::white().over(color, t),
        };
        let reaches = surfaces.iter().all(|s| ratio(&shade, s) >= needed);
        reaches.then_some(shade)
    })
}

/// How much more contrast than needed a shade is chosen with, for the print conversion.
pub(crate) const MARGIN: f64 = 1.3;

impl Shade {
    /// Darker by `t` (0–1): sRGB toward black, CMYK by adding black ink, so the hue stays.
    fn darkened(&self, t: f64) -> Shade {
        if t == 0.0 {
            return self.clone();
        }
        Shade {
            rgb: self.rgb.map(|c| c * (1.0 - t)),
            cmyk: self.cmyk.map(|[c, m, y, k]| [c, m, y, k + (100.0 - k) * t]),
            spot: None,
        }
    }
}

/// Of the candidates, the one with the best contrast against `surface`, and that ratio.
pub(crate) fn best_on(surface: &Shade, candidates: &[Shade]) -> (Shade, f64) {
    let best = candidates
        .iter()
        .max_by(|a, b| ratio(a, surface).total_cmp(&ratio(b, surface)))
        .expect("at least one candidate");
    (best.clone(), ratio(best, surface))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(rgb: [u8; 3]) -> Shade {
        Shade::of(&Color::hex(rgb))
    }

    #[test]
    fn ratios_match_wcag() {
        let black = hex([0, 0, 0]);
        assert!((ratio(&black, &Shade::white()) - 21.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        let grey = ratio(&hex([0x76, 0x76, 0x76]), &Shade::white());
        assert!((grey - 4.54).abs() < 0.01, "{grey}");
    }

    #[test]
    fn a_light_brand_colour_is_darkened_until_it_reads_on_paper() {
        let yellow = hex([0xFF, 0xD4, 0x00]);
        let paper = Shade::white();
        assert!(ratio(&yellow, &paper) < 2.0);
        let shade = readable_shade(&yellow, std::slice::from_ref(&paper), SMALL_TEXT).unwrap();
        assert!(ratio(&shade, &paper) >= SMALL_TEXT);
        assert!(shade.luminance() < yellow.luminance());
        let (on_yellow, r) = best_on(&yellow, &[Shade::white(), hex([0x1E, 0x1E, 0x1E])]);
        assert_eq!(on_yellow, hex([0x1E, 0x1E, 0x1E]), "dark text on yellow");
        assert!(r > 10.0);
    }
}
