//! sRGB and grey vector colours put on the press: a neutral grey (a logo's
//! near-black text, an illustration's grey) becomes a tint of black (K only), and a
//! colour that is one of the theme's brand colours becomes that colour's CMYK.
//! Everything else is left to the output intent.
//!
//! A content stream names its colour spaces (`/Cs0 cs … scn`); [`Spaces`] follows
//! which one is current through `q`/`Q`, so that after an `scn` was replaced by a
//! `k` the next colour in the old space gets its `cs` back.

use super::content::Operation;
use super::manage::Converter;

/// A theme colour given both as sRGB and as CMYK (0..1).
pub(crate) type BrandInk = ([u8; 3], [f32; 4]);

/// Where the grey of text is dark enough to print as solid black (the templates'
/// rule for near-black text).
const SOLID_BLACK_BELOW: f64 = 0.25;

/// Black ink at k % prints lighter than sRGB grey at 1 − k: the templates' factor.
pub(super) const K_TINT_FACTOR: f64 = 0.83;

/// Channels that differ by less than this are a neutral grey.
const NEUTRAL_SPREAD: f64 = 0.03;

/// The CMYK a press should print for an sRGB colour (components 0..1, one value
/// for grey), or `None` to leave it to the output intent.
/// With `convert` (a CMYK-only PDF), every other colour is converted through the
/// output profile.
pub(crate) fn press_cmyk(
    values: &[f64],
    brand: &[BrandInk],
    convert: Option<&Converter>,
) -> Option<[f32; 4]> {
    let rgb = match values {
        [g] => [*g, *g, *g],
        [r, g, b] => [*r, *g, *b],
        _ => return None,
    };
    brand_cmyk(rgb, brand)
        .or_else(|| grey_as_black(rgb))
        .or_else(|| convert.map(|press| press.vector(rgb)))
}

fn brand_cmyk(rgb: [f64; 3], brand: &[BrandInk]) -> Option<[f32; 4]> {
    let close = |hex: &[u8; 3]| {
        hex.iter()
            .zip(rgb)
            .all(|(h, v)| (f64::from(*h) / 255.0 - v).abs() < 0.6 / 255.0)
    };
    brand
        .iter()
        .find(|(hex, _)| close(hex))
        .map(|(_, cmyk)| *cmyk)
}

/// A neutral grey as a tint of black, rounded to a tenth of a percent.
fn grey_as_black(rgb: [f64; 3]) -> Option<[f32; 4]> {
    let (low, high) = rgb
        .iter()
        .fold((1.0f64, 0.0f64), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if high - low >= NEUTRAL_SPREAD {
        return None;
    }
    let grey = rgb.iter().sum::<f64>() / 3.0;
    let k = if grey < SOLID_BLACK_BELOW {
        1.0
    } else {
        ((1.0 - grey) / K_TINT_FACTOR).min(1.0)
    };
    Some([0.0, 0.0, 0.0, ((k * 1000.0).round() / 1000.0) as f32])
}

/// The pixels of flattened art (8-bit sRGB) as 8-bit CMYK, each converted as what it
/// shows: a photo's pixel (`photo`, per pixel; none when empty) as photos are, held
/// to the ink limit; any other as the vector colour it was: a brand colour as its
/// CMYK, a neutral grey as a tint of black, the rest through the vector transform.
/// So the art meets the art around it. Returns them and the most ink of a photo pixel.
pub(crate) fn art_pixels(
    rgb: &[u8],
    photo: &[bool],
    brand: &[BrandInk],
    press: &Converter,
) -> (Vec<u8>, f64) {
    let rendered = rendered_inks(brand);
    let wide: Vec<[u16; 3]> = rgb
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]].map(|v| u16::from(v) * 257))
        .collect();
    let vector = press.vector_pixels(&wide);
    let (photos, most_ink) = match photo.is_empty() {
        true => (vec![], 0.0),
        false => press.image(rgb),
    };
    let mut out = Vec::with_capacity(vector.len() * 4);
    for (i, (pixel, through)) in rgb.chunks_exact(3).zip(vector).enumerate() {
        if photo.get(i).copied().unwrap_or(false) {
            out.extend_from_slice(&photos[i * 4..i * 4 + 4]);
            continue;
        }
        let unit = [pixel[0], pixel[1], pixel[2]].map(|v| f64::from(v) / 255.0);
        let ink = brand_cmyk(unit, brand)
            .or_else(|| rendered_ink(pixel, &rendered))
            .or_else(|| grey_as_black(unit));
        let cmyk = match ink {
            Some(ink) => ink.map(|v| (v * 255.0).round() as u8),
            None => through.map(|v| ((u32::from(v) + 128) / 257) as u8),
        };
        out.extend_from_slice(&cmyk);
    }
    (out, most_ink)
}

/// The brand colours as Typst's renderer draws them where a template paints them in
/// their CMYK (its own CMYK to sRGB conversion), with that CMYK.
fn rendered_inks(brand: &[BrandInk]) -> Vec<BrandInk> {
    use typst::visualize::{Cmyk, ProcessColor};
    let rendered = |[c, m, y, k]: [f32; 4]| {
        let (r, g, b, _) = ProcessColor::Cmyk(Cmyk { c, m, y, k })
            .to_rgb()
            .into_format::<u8, u8>()
            .into_components();
        [r, g, b]
    };
    brand
        .iter()
        .map(|(_, cmyk)| (rendered(*cmyk), *cmyk))
        .collect()
}

/// The ink of a rendered brand colour within one level of every channel of `pixel`.
fn rendered_ink(pixel: &[u8], rendered: &[BrandInk]) -> Option<[f32; 4]> {
    let near = |(rgb, _): &&BrandInk| rgb.iter().zip(pixel).all(|(a, b)| a.abs_diff(*b) <= 1);
    rendered.iter().find(near).map(|(_, cmyk)| *cmyk)
}

/// The colour space in force for filling or stroking.
#[derive(Debug, Clone, Default)]
struct Side {
    /// The resource name of the space set by the last `cs`/`CS`; `None` for a device space.
    name: Option<Vec<u8>>,
    /// Whether a replaced colour switched to DeviceCMYK while `name` is still meant.
    switched: bool,
}

/// Follows the fill and stroke colour spaces of a content stream.
pub(crate) struct Spaces<'a> {
    /// The stream's grey and RGB colour spaces: resource name and components.
    known: &'a [(Vec<u8>, u8)],
    stack: Vec<(Side, Side)>,
}

impl<'a> Spaces<'a> {
    /// A tracker for a stream whose grey and RGB spaces are `known`.
    pub(crate) fn new(known: &'a [(Vec<u8>, u8)]) -> Self {
        Spaces {
            known,
            stack: vec![Default::default()],
        }
    }

    /// The colour an operation sets, as press CMYK with the `k`/`K` operator to
    /// write it with, where [`press_cmyk`] maps it.
    pub(crate) fn mapped(
        &self,
        op: &Operation,
        brand: &[BrandInk],
        convert: Option<&Converter>,
    ) -> Option<([f32; 4], &'static [u8])> {
        let (stroke, components) = match op.operator {
            b"g" => (false, 1),
            b"G" => (true, 1),
            b"rg" => (false, 3),
            b"RG" => (true, 3),
            b"sc" | b"scn" => (false, self.components(false)?),
            b"SC" | b"SCN" => (true, self.components(true)?),
            _ => return None,
        };
        let values = op.numbers().filter(|v| v.len() == components)?;
        let cmyk = press_cmyk(&values, brand, convert)?;
        Some((cmyk, if stroke { b"K" } else { b"k" }))
    }

    fn components(&self, stroke: bool) -> Option<usize> {
        let name = self.side(stroke).name.as_ref()?;
        let (_, n) = self.known.iter().find(|(known, _)| known == name)?;
        Some(usize::from(*n))
    }

    fn side(&self, stroke: bool) -> &Side {
        let (fill, stroke_side) = self.stack.last().expect("the stack is never empty");
        if stroke { stroke_side } else { fill }
    }

    fn side_mut(&mut self, stroke: bool) -> &mut Side {
        let (fill, stroke_side) = self.stack.last_mut().expect("the stack is never empty");
        if stroke { stroke_side } else { fill }
    }

    /// Follows one operation (`replaced`: whether it was rewritten as `k`/`K`);
    /// returns the `cs`/`CS` to write before it when its space must be set again.
    pub(crate) fn follow(&mut self, op: &Operation, replaced: bool) -> Option<String> {
        match op.operator {
            b"q" => self.push(),
            b"Q" => self.pop(),
            b"cs" | b"CS" => self.set(op.operator == b"CS", name_operand(op)),
            b"k" | b"g" | b"rg" => self.set(false, None),
            b"K" | b"G" | b"RG" => self.set(true, None),
            b"sc" | b"scn" => return self.colour(false, replaced),
            b"SC" | b"SCN" => return self.colour(true, replaced),
            _ => {}
        }
        None
    }

    fn push(&mut self) {
        let top = self.stack.last().cloned().unwrap_or_default();
        self.stack.push(top);
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    fn set(&mut self, stroke: bool, name: Option<Vec<u8>>) {
        *self.side_mut(stroke) = Side {
            name,
            switched: false,
        };
    }

    fn colour(&mut self, stroke: bool, replaced: bool) -> Option<String> {
        let side = self.side_mut(stroke);
        if replaced {
            side.switched = true;
            return None;
        }
        if !std::mem::take(&mut side.switched) {
            return None;
        }
        let name = String::from_utf8_lossy(side.name.as_deref()?).into_owned();
        Some(format!("/{name} {} ", if stroke { "CS" } else { "cs" }))
    }
}

fn name_operand(op: &Operation) -> Option<Vec<u8>> {
    op.operands.strip_prefix(b"/").map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_black_is_solid_black_and_grey_a_tint_of_black() {
        assert_eq!(press_cmyk(&[0.1], &[], None), Some([0.0, 0.0, 0.0, 1.0]));
        let grey = press_cmyk(&[0.42, 0.42, 0.42], &[], None).unwrap();
        assert_eq!(grey, [0.0, 0.0, 0.0, 0.699]);
        assert_eq!(press_cmyk(&[0.5, 0.2, 0.1], &[], None), None);
    }

    #[test]
    fn a_brand_colour_becomes_its_cmyk() {
        let brand = [([0x0B, 0x3D, 0x91], [1.0, 0.8, 0.0, 0.1])];
        let rgb = [11.0 / 255.0, 61.0 / 255.0, 145.0 / 255.0];
        assert_eq!(press_cmyk(&rgb, &brand, None), Some([1.0, 0.8, 0.0, 0.1]));
        assert_eq!(press_cmyk(&[12.0 / 255.0, 0.24, 0.57], &brand, None), None);
    }
}
