//! Colour fixes inside content streams: the theme's exact CMYK values, and
//! 100 % K (black) text and lines set to overprint, never white.

use lopdf::Object;
use lopdf::content::{Content, Operation};

/// ExtGState names the page resources must define when [`overprint_black`] used them.
pub const OVERPRINT_STATES: [(&str, bool, bool); 4] = [
    ("PPOpFill", true, false),
    ("PPKoFill", false, false),
    ("PPOpStroke", true, true),
    ("PPKoStroke", false, true),
];

/// Replaces 8-bit-rounded theme colours in `k`/`K` operators with their exact values.
/// Returns whether anything changed.
pub fn restore_exact_cmyk(content: &mut Content, exact: &[[f32; 4]]) -> bool {
    let mut changed = false;
    for op in content
        .operations
        .iter_mut()
        .filter(|op| op.operator == "k" || op.operator == "K")
    {
        if let Some(values) = exact_match(&op.operands, exact) {
            op.operands = values.iter().map(|v| Object::Real(*v)).collect();
            changed = true;
        }
    }
    changed
}

/// The exact colour whose 8-bit rounding these four operands are, if any.
fn exact_match(operands: &[Object], exact: &[[f32; 4]]) -> Option<[f32; 4]> {
    let values: Vec<f64> = operands.iter().filter_map(number).collect();
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

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// Makes everything painted in 100 % K (`0 0 0 1 k` / `K`) overprint and switches
/// overprint off again for any other colour, following `q`/`Q`. Returns whether
/// anything changed; the names used are those of [`OVERPRINT_STATES`].
pub fn overprint_black(content: &mut Content) -> bool {
    // Overprint state (fill, stroke) per graphics-state level.
    let mut stack = vec![(false, false)];
    let mut out = Vec::with_capacity(content.operations.len() + 8);
    let mut changed = false;
    for op in content.operations.drain(..) {
        let top = *stack.last().unwrap_or(&(false, false));
        let wanted = match op.operator.as_str() {
            "q" => {
                stack.push(top);
                None
            }
            "Q" => {
                if stack.len() > 1 {
                    stack.pop();
                }
                None
            }
            "k" => Some((is_black(&op.operands), top.1)),
            "K" => Some((top.0, is_black(&op.operands))),
            "g" | "rg" | "sc" | "scn" | "cs" => Some((false, top.1)),
            "G" | "RG" | "SC" | "SCN" | "CS" => Some((top.0, false)),
            _ => None,
        };
        out.push(op);
        let Some((fill, stroke)) = wanted else {
            continue;
        };
        if fill != top.0 {
            out.push(gs(if fill { "PPOpFill" } else { "PPKoFill" }));
        }
        if stroke != top.1 {
            out.push(gs(if stroke { "PPOpStroke" } else { "PPKoStroke" }));
        }
        changed |= (fill, stroke) != top;
        if let Some(last) = stack.last_mut() {
            *last = (fill, stroke);
        }
    }
    content.operations = out;
    changed
}

fn is_black(operands: &[Object]) -> bool {
    let values: Vec<f64> = operands.iter().filter_map(number).collect();
    values.len() == 4
        && values[..3].iter().all(|v| v.abs() < 1e-4)
        && (values[3] - 1.0).abs() < 1e-4
}

fn gs(name: &str) -> Operation {
    Operation::new("gs", vec![Object::Name(name.as_bytes().to_vec())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(text: &str) -> Content {
        Content::decode(text.as_bytes()).unwrap()
    }

    fn text(content: &Content) -> String {
        String::from_utf8(content.encode().unwrap())
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn exact_values_replace_their_8_bit_rounding() {
        let mut content = ops("1 0.8 0 0.101960786 k 0 0 1 0 k");
        assert!(restore_exact_cmyk(&mut content, &[[1.0, 0.8, 0.0, 0.1]]));
        assert_eq!(text(&content), "1 0.8 0 0.1 k 0 0 1 0 k");
    }

    #[test]
    fn black_overprints_and_other_colours_knock_out() {
        let mut content = ops("0 0 0 1 k BT ET q 1 1 1 rg Q 0.5 0 0 0 k 0 0 0 1 K");
        assert!(overprint_black(&mut content));
        assert_eq!(
            text(&content),
            "0 0 0 1 k /PPOpFill gs BT ET q 1 1 1 rg /PPKoFill gs Q 0.5 0 0 0 k /PPKoFill gs 0 0 0 1 K /PPOpStroke gs"
        );
    }

    #[test]
    fn white_never_overprints() {
        let mut content = ops("0 0 0 0 k 1 1 1 rg");
        assert!(!overprint_black(&mut content));
    }
}
