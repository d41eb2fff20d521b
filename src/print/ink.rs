//! Colour fixes inside content streams: the theme's exact CMYK values, and
//! 100 % K (black) text and lines set to overprint, never white.

use super::content::{Operation, operations};

/// ExtGState names the page resources must define when a rewrite made black overprint.
pub const OVERPRINT_STATES: [(&str, bool, bool); 4] = [
    ("PPOpFill", true, false),
    ("PPKoFill", false, false),
    ("PPOpStroke", true, true),
    ("PPKoStroke", false, true),
];

/// What to change in a content stream.
#[derive(Debug, Clone, Copy)]
pub struct InkFixes<'a> {
    /// The theme's exact CMYK colours (0..1): their 8-bit roundings in `k`/`K` are
    /// put back to these values.
    pub exact: &'a [[f32; 4]],
    /// Make everything painted in 100 % K overprint, and switch overprint off again
    /// for any other colour, following `q`/`Q`.
    pub overprint_black: bool,
}

/// A rewritten content stream.
#[derive(Debug, PartialEq)]
pub struct Rewritten {
    /// The new content.
    pub bytes: Vec<u8>,
    /// Whether it uses the [`OVERPRINT_STATES`].
    pub overprints: bool,
}

/// Applies `fixes` to a content stream; `None` when nothing had to change.
pub fn rewrite(bytes: &[u8], fixes: InkFixes) -> Option<Rewritten> {
    let mut out = Vec::with_capacity(bytes.len() + 256);
    let mut copied = 0;
    let mut changed = false;
    let mut overprint = Overprint::new();
    for op in operations(bytes) {
        let exact = exact_colour(&op, fixes.exact);
        if let Some(colour) = exact {
            out.extend_from_slice(&bytes[copied..op.start]);
            out.extend_from_slice(format_cmyk(colour, op.operator).as_bytes());
            copied = op.end;
            changed = true;
        }
        if !fixes.overprint_black {
            continue;
        }
        let values = exact
            .map(|c| c.map(f64::from).to_vec())
            .or_else(|| op.numbers());
        let states = overprint.after(op.operator, values.as_deref());
        if !states.is_empty() {
            out.extend_from_slice(&bytes[copied..op.end]);
            for state in states {
                out.extend_from_slice(format!(" /{state} gs").as_bytes());
            }
            copied = op.end;
            changed = true;
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    changed.then_some(Rewritten {
        bytes: out,
        overprints: overprint.used,
    })
}

/// The exact colour whose 8-bit rounding this `k`/`K` operation paints, if any.
fn exact_colour(op: &Operation, exact: &[[f32; 4]]) -> Option<[f32; 4]> {
    if op.operator != b"k" && op.operator != b"K" {
        return None;
    }
    let values = op.numbers()?;
    if values.len() != 4 {
        return None;
    }
    let rounded = |v: f32| (f64::from(v) * 255.0).round() / 255.0;
    exact.iter().copied().find(|colour| {
        colour
            .iter()
            .zip(&values)
            .all(|(e, v)| (rounded(*e) - v).abs() < 1e-4)
    })
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
            "0 0 0 1 k BT ET q 1 1 1 rg Q 0.5 0 0 0 k 0 0 0 1 K",
            &[],
            true,
        );
        assert_eq!(
            text.as_deref(),
            Some(
                "0 0 0 1 k /PPOpFill gs BT ET q 1 1 1 rg /PPKoFill gs Q 0.5 0 0 0 k /PPKoFill gs 0 0 0 1 K /PPOpStroke gs"
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
        assert_eq!(fixed("0 0 0 0 k 1 1 1 rg", &[], true), None);
    }

    #[test]
    fn text_that_looks_like_an_operator_is_left_alone() {
        assert_eq!(fixed("(0 0 0 1 k) Tj", &[], true), None);
    }
}
