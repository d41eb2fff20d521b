//! Colour fixes inside content streams: the theme's exact CMYK values, and
//! 100 % K (black) text and lines set to overprint, never white.

use super::content::{Operation, operations};
use super::to_cmyk::{BrandInk, Spaces};

/// ExtGState names the page resources must define when a rewrite made black overprint.
pub(crate) const OVERPRINT_STATES: [(&str, bool, bool); 4] = [
    ("PPOpFill", true, false),
    ("PPKoFill", false, false),
    ("PPOpStroke", true, true),
    ("PPKoStroke", false, true),
];

/// What to change in a content stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InkFixes<'a> {
    /// The theme's exact CMYK colours (0..1): their 8-bit roundings in `k`/`K` are
    /// put back to these values.
    pub exact: &'a [[f32; 4]],
    /// The theme's colours given as sRGB and CMYK: an sRGB colour that is one of
    /// them (a logo's brand colour) is painted in its CMYK; a neutral grey in K only.
    pub brand: &'a [BrandInk],
    /// For a CMYK-only PDF: every other sRGB colour converted through the output profile.
    pub convert: Option<&'a super::manage::Converter>,
    /// The stream's grey and RGB colour spaces by resource name, with their number
    /// of components: colours painted in them are mapped as `brand` says.
    pub spaces: &'a [(Vec<u8>, u8)],
    /// Make everything painted in 100 % K overprint, and switch overprint off again
    /// for any other colour, following `q`/`Q`.
    pub overprint_black: bool,
}

/// A rewritten content stream.
#[derive(Debug, PartialEq)]
pub(crate) struct Rewritten {
    /// The new content.
    pub bytes: Vec<u8>,
    /// Whether it uses the [`OVERPRINT_STATES`].
    pub overprints: bool,
}

/// Applies `fixes` to a content stream; `None` when nothing had to change.
pub(crate) fn rewrite(bytes: &[u8], fixes: InkFixes) -> Option<Rewritten> {
    let mut out = Splice::new(bytes);
    let mut overprint = Overprint::new();
    let mut spaces = Spaces::new(fixes.spaces);
    for op in operations(bytes) {
        let colour = exact_colour(&op, fixes.exact)
            .or_else(|| whole_percent_colour(&op))
            .map(|c| (c, op.operator))
            .or_else(|| spaces.mapped(&op, fixes.brand, fixes.convert));
        if let Some(space) = spaces.follow(&op, colour.is_some()) {
            out.put(op.start, op.start, &space);
        }
        if let Some((c, operator)) = colour {
            out.put(op.start, op.end, &format_cmyk(c, operator));
        }
        if !fixes.overprint_black {
            continue;
        }
        let operator = colour.map_or(op.operator, |(_, o)| o);
        let values = colour
            .map(|(c, _)| c.map(f64::from).to_vec())
            .or_else(|| op.numbers());
        for state in overprint.after(operator, values.as_deref()) {
            out.put(op.end, op.end, &format!(" /{state} gs"));
        }
    }
    out.finish().map(|bytes| Rewritten {
        bytes,
        overprints: overprint.used,
    })
}

/// A copy of a content stream with some byte ranges replaced, in order.
struct Splice<'a> {
    source: &'a [u8],
    out: Vec<u8>,
    copied: usize,
    changed: bool,
}

impl<'a> Splice<'a> {
    fn new(source: &'a [u8]) -> Self {
        Splice {
            source,
            out: Vec::with_capacity(source.len() + 256),
            copied: 0,
            changed: false,
        }
    }

    /// Replaces `start..end` (empty to insert) by `text`; ranges come in order.
    fn put(&mut self, start: usize, end: usize, text: &str) {
        self.out
            .extend_from_slice(&self.source[self.copied..start.max(self.copied)]);
        self.out.extend_from_slice(text.as_bytes());
        self.copied = self.copied.max(end);
        self.changed = true;
    }

    /// The new bytes, or `None` when nothing was put.
    fn finish(mut self) -> Option<Vec<u8>> {
        self.out.extend_from_slice(&self.source[self.copied..]);
        self.changed.then_some(self.out)
    }
}

/// The exact colour whose 8-bit rounding this `k`/`K` operation paints, if any.
/// Typst rounds each channel to 1/255 (70 % is written 0.7019608, 90 % 0.9019608):
/// the theme colour within half a step in every channel is meant, the nearest one
/// where two are.
fn exact_colour(op: &Operation, exact: &[[f32; 4]]) -> Option<[f32; 4]> {
    if op.operator != b"k" && op.operator != b"K" {
        return None;
    }
    let values = op.numbers().filter(|v| v.len() == 4)?;
    let distance = |colour: &[f32; 4]| {
        colour
            .iter()
            .zip(&values)
            .map(|(e, v)| (f64::from(*e) - v).abs())
            .fold(0.0, f64::max)
    };
    exact
        .iter()
        .map(|colour| (distance(colour), *colour))
        .filter(|(d, _)| *d <= 0.5 / 255.0 + 1e-4)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, colour)| colour)
}

/// A `k`/`K` colour whose every channel is the 8-bit rounding of a whole percent
/// (the templates' darker shades of a theme colour: 80/10/40/15 is written
/// 0.8 0.10196 0.4 0.14902), put back to those percents.
fn whole_percent_colour(op: &Operation) -> Option<[f32; 4]> {
    if op.operator != b"k" && op.operator != b"K" {
        return None;
    }
    let values = op.numbers().filter(|v| v.len() == 4)?;
    let mut colour = [0.0f32; 4];
    for (channel, v) in colour.iter_mut().zip(&values) {
        *channel = whole_percent(*v)?;
    }
    let changed = colour
        .iter()
        .zip(&values)
        .any(|(c, v)| (f64::from(*c) - v).abs() > 1e-6);
    changed.then_some(colour)
}

/// The whole percent whose 8-bit rounding `value` is, if it is one.
fn whole_percent(value: f64) -> Option<f32> {
    let code = (value * 255.0).round();
    if (value * 255.0 - code).abs() > 1e-3 {
        return None;
    }
    let percent = (code / 2.55).round();
    ((percent * 2.55 - code).abs() <= 0.5 + 1e-6).then_some((percent / 100.0) as f32)
}

fn format_cmyk(colour: [f32; 4], operator: &[u8]) -> String {
    let [c, m, y, k] = colour;
    format!("{c} {m} {y} {k} {}", String::from_utf8_lossy(operator))
}

/// The overprint state (fill, stroke) per graphics-state level.
struct Overprint {
    stack: Vec<(bool, bool)>,
    used: bool,
}

impl Overprint {
    fn new() -> Self {
        Overprint {
            stack: vec![(false, false)],
            used: false,
        }
    }

    /// Follows one operator; returns the graphics states to set after it.
    fn after(&mut self, operator: &[u8], values: Option<&[f64]>) -> Vec<&'static str> {
        let top = *self.stack.last().unwrap_or(&(false, false));
        let black = values.is_some_and(is_black);
        let wanted = match operator {
            b"q" => return self.push(top),
            b"Q" => return self.pop(),
            b"k" => (black, top.1),
            b"K" => (top.0, black),
            b"g" | b"rg" | b"sc" | b"scn" | b"cs" => (false, top.1),
            b"G" | b"RG" | b"SC" | b"SCN" | b"CS" => (top.0, false),
            _ => return vec![],
        };
        let mut states = vec![];
        if wanted.0 != top.0 {
            states.push(if wanted.0 { "PPOpFill" } else { "PPKoFill" });
        }
        if wanted.1 != top.1 {
            states.push(if wanted.1 { "PPOpStroke" } else { "PPKoStroke" });
        }
        self.used |= !states.is_empty();
        if let Some(last) = self.stack.last_mut() {
            *last = wanted;
        }
        states
    }

    fn push(&mut self, top: (bool, bool)) -> Vec<&'static str> {
        self.stack.push(top);
        vec![]
    }

    fn pop(&mut self) -> Vec<&'static str> {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
        vec![]
    }
}

fn is_black(values: &[f64]) -> bool {
    values.len() == 4
        && values[..3].iter().all(|v| v.abs() < 1e-4)
        && (values[3] - 1.0).abs() < 1e-4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str, exact: &[[f32; 4]], overprint_black: bool) -> Option<String> {
        let fixes = InkFixes {
            exact,
            brand: &[],
            convert: None,
            spaces: &[],
            overprint_black,
        };
        let rewritten = rewrite(text.as_bytes(), fixes)?;
        let text = String::from_utf8(rewritten.bytes).unwrap();
        Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn exact_values_replace_their_8_bit_rounding() {
        let text = fixed(
            "1 0.8 0 0.101960786 k 0 0 1 0 k",
            &[[1.0, 0.8, 0.0, 0.1]],
            false,
        );
        assert_eq!(text.as_deref(), Some("1 0.8 0 0.1 k 0 0 1 0 k"));
    }

    #[test]
    fn black_overprints_and_other_colours_knock_out() {
        let text = fixed(
            "0 0 0 1 k BT ET q /Cs9 cs 1 1 1 scn Q 0.5 0 0 0 k 0 0 0 1 K",
            &[],
            true,
        );
        assert_eq!(
            text.as_deref(),
            Some(
                "0 0 0 1 k /PPOpFill gs BT ET q /Cs9 cs /PPKoFill gs 1 1 1 scn Q 0.5 0 0 0 k /PPKoFill gs 0 0 0 1 K /PPOpStroke gs"
            )
        );
    }

    #[test]
    fn a_restored_colour_still_decides_overprint() {
        let text = fixed(
            "0 0 0 1 k 0 0 0 0.101960786 k",
            &[[0.0, 0.0, 0.0, 0.1]],
            true,
        );
        assert_eq!(
            text.as_deref(),
            Some("0 0 0 1 k /PPOpFill gs 0 0 0 0.1 k /PPKoFill gs")
        );
    }

    #[test]
    fn white_never_overprints_and_nothing_changes() {
        assert_eq!(fixed("0 0 0 0 k /Cs9 cs 1 1 1 scn", &[], true), None);
    }

    #[test]
    fn device_grey_and_rgb_are_mapped_too() {
        assert_eq!(
            fixed("1 1 1 rg 0.1 G 0.9 0.2 0.1 rg", &[], false).as_deref(),
            Some("0 0 0 0 k 0 0 0 1 K 0.9 0.2 0.1 rg")
        );
    }

    #[test]
    fn text_that_looks_like_an_operator_is_left_alone() {
        assert_eq!(fixed("(0 0 0 1 k) Tj", &[], true), None);
    }

    #[test]
    fn seventy_and_ninety_percent_are_restored_too() {
        let text = fixed(
            "0 0.5490196 0.9019608 0 k 0.2 0.8509804 0.9019608 0.4509804 K",
            &[[0.0, 0.55, 0.9, 0.0], [0.2, 0.85, 0.9, 0.45]],
            false,
        );
        assert_eq!(text.as_deref(), Some("0 0.55 0.9 0 k 0.2 0.85 0.9 0.45 K"));
    }

    fn mapped(text: &str, brand: &[BrandInk]) -> Option<String> {
        let spaces = [(b"Cs0".to_vec(), 1), (b"Cs1".to_vec(), 3)];
        let fixes = InkFixes {
            exact: &[],
            brand,
            convert: None,
            spaces: &spaces,
            overprint_black: false,
        };
        let rewritten = rewrite(text.as_bytes(), fixes)?;
        let text = String::from_utf8(rewritten.bytes).unwrap();
        Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn grey_and_brand_colours_become_ink_and_the_space_is_set_again_after() {
        let brand = [([255, 0, 0], [0.0, 1.0, 1.0, 0.0])];
        let text = mapped(
            "/Cs0 cs 0.1 scn f /Cs1 cs 1 0 0 scn f 0.2 0.5 0.9 scn f q /Cs0 CS 0.5 SCN Q 0.3 0.5 0.9 scn",
            &brand,
        );
        assert_eq!(
            text.as_deref(),
            Some(
                "/Cs0 cs 0 0 0 1 k f /Cs1 cs 0 1 1 0 k f /Cs1 cs 0.2 0.5 0.9 scn f q /Cs0 CS 0 0 0 0.602 K Q 0.3 0.5 0.9 scn"
            )
        );
    }

    #[test]
    fn shades_in_whole_percents_are_restored() {
        let text = fixed(
            "0.8 0.101960786 0.4 0.14901961 k 0 0 0 0.827451 k",
            &[],
            false,
        );
        assert_eq!(text.as_deref(), Some("0.8 0.1 0.4 0.15 k 0 0 0 0.827451 k"));
    }

    #[test]
    fn colours_in_other_spaces_and_patterns_stay() {
        assert_eq!(mapped("/Cs9 cs 0.1 scn /P0 scn 0.2 0.4 0.9 rg", &[]), None);
    }
}
