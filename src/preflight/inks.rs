//! Ink checks on the finished PDF's content streams, as a prepress operator's
//! preflight makes them: white set to overprint (it vanishes on press), and theme
//! colours not written exactly (an 8-bit rounding left where the theme says 70 %).

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::diag::Diagnostic;
use crate::print::content::{Operation, operations};

/// Whether an ExtGState switches overprint on for fills and for strokes.
type Overprints = HashMap<Vec<u8>, (Option<bool>, Option<bool>)>;

/// The findings of every page's and form's content: white overprint (error) and a theme
/// colour of `theme_cmyk` (0..1) written off by its 8-bit rounding (warning).
pub(crate) fn check_inks(doc: &Document, theme_cmyk: &[[f32; 4]]) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (content, states, place) in drawn_streams(doc) {
        let ops = operations(&content);
        if let Some(what) = white_overprint(&ops, &states) {
            findings.push(white_overprint_finding(&place, what));
        }
        findings.extend(
            inexact_theme_colour(&ops, theme_cmyk)
                .map(|(theme, written)| inexact_finding(&place, theme, &written)),
        );
    }
    findings.extend(inexact_spot_alternates(doc, theme_cmyk));
    findings
}

/// Each page's and form XObject's decoded content, its overprint states, and where it is.
fn drawn_streams(doc: &Document) -> Vec<(Vec<u8>, Overprints, String)> {
    let pages = doc.get_pages().into_iter().map(|(number, id)| {
        let (inline, inherited) = doc.get_page_resources(id).unwrap_or((None, Vec::new()));
        let mut states = inline.map(|r| overprint_states(doc, r)).unwrap_or_default();
        for resources in inherited.iter().filter_map(|r| doc.get_dictionary(*r).ok()) {
            states.extend(overprint_states(doc, resources));
        }
        (doc.get_page_content(id), states, format!("page {number}"))
    });
    let forms = doc
        .objects
        .iter()
        .filter_map(|(id, object)| form(doc, *id, object));
    pages.chain(forms).collect()
}

/// A form XObject's decoded content and overprint states.
fn form(doc: &Document, id: ObjectId, object: &Object) -> Option<(Vec<u8>, Overprints, String)> {
    let stream = object.as_stream().ok()?;
    let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).ok();
    (subtype == Some(b"Form".as_slice())).then_some(())?;
    let states = resolved_dict(doc, stream.dict.get(b"Resources").ok())
        .map(|r| overprint_states(doc, r))
        .unwrap_or_default();
    let content = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    Some((content, states, format!("form {} 0 R", id.0)))
}

/// The dictionary `object` is or refers to.
fn resolved_dict<'a>(doc: &'a Document, object: Option<&'a Object>) -> Option<&'a Dictionary> {
    match object? {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        other => other.as_dict().ok(),
    }
}

/// The fill (`op`) and stroke (`OP`) overprint of each ExtGState in `resources`.
fn overprint_states(doc: &Document, resources: &Dictionary) -> Overprints {
    let Some(states) = resolved_dict(doc, resources.get(b"ExtGState").ok()) else {
        return Overprints::new();
    };
    let flag = |dict: &Dictionary, key: &[u8]| dict.get(key).and_then(Object::as_bool).ok();
    states
        .iter()
        .filter_map(|(name, state)| {
            let dict = resolved_dict(doc, Some(state))?;
            Some((name.clone(), (flag(dict, b"op"), flag(dict, b"OP"))))
        })
        .collect()
}

/// The graphics state that matters for white overprint.
#[derive(Clone, Copy, Default)]
struct InkState {
    fill_white: bool,
    stroke_white: bool,
    fill_overprints: bool,
    stroke_overprints: bool,
}

/// What is painted white while overprint is on ("fill" or "stroke"), if anything.
fn white_overprint(ops: &[Operation], states: &Overprints) -> Option<&'static str> {
    let mut stack = Vec::new();
    let mut state = InkState::default();
    for op in ops {
        match op.operator {
            b"q" => stack.push(state),
            b"Q" => state = stack.pop().unwrap_or_default(),
            b"gs" => apply_state(&mut state, op, states),
            _ => follow_colour(&mut state, op),
        }
        if let Some(what) = painted_white_overprinting(op.operator, state) {
            return Some(what);
        }
    }
    None
}

/// Applies the overprint flags of the ExtGState an operation `gs` selects
/// (`op` falls back to `OP`, as the PDF reference says).
fn apply_state(state: &mut InkState, op: &Operation, states: &Overprints) {
    let name = op.operands.strip_prefix(b"/").unwrap_or(op.operands);
    let Some(&(fill, stroke)) = states.get(name) else {
        return;
    };
    if let Some(stroke) = stroke {
        state.stroke_overprints = stroke;
    }
    if let Some(fill) = fill.or(stroke) {
        state.fill_overprints = fill;
    }
}

/// Follows the fill and stroke colour: white is CMYK 0/0/0/0, grey 1 or RGB 1/1/1.
/// (A one-component `scn` may be a spot's tint or a grey: it is left undecided.)
fn follow_colour(state: &mut InkState, op: &Operation) {
    let white = |values: Option<Vec<f64>>| {
        values.is_some_and(|v| match v.len() {
            4 => v.iter().all(|c| *c == 0.0),
            1 | 3 => v.iter().all(|c| *c == 1.0),
            _ => false,
        })
    };
    match op.operator {
        b"k" | b"g" | b"rg" => state.fill_white = white(op.numbers()),
        b"K" | b"G" | b"RG" => state.stroke_white = white(op.numbers()),
        b"sc" | b"scn" => {
            state.fill_white = op.numbers().is_some_and(|v| v.len() > 1) && white(op.numbers())
        }
        b"SC" | b"SCN" => {
            state.stroke_white = op.numbers().is_some_and(|v| v.len() > 1) && white(op.numbers())
        }
        b"cs" => state.fill_white = false,
        b"CS" => state.stroke_white = false,
        _ => {}
    }
}

/// "fill" or "stroke" when `operator` paints white with overprint on.
fn painted_white_overprinting(operator: &[u8], state: InkState) -> Option<&'static str> {
    let fills = matches!(
        operator,
        b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" | b"Tj" | b"TJ" | b"'" | b"\""
    );
    let strokes = matches!(operator, b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*");
    if fills && state.fill_white && state.fill_overprints {
        Some("fill")
    } else if strokes && state.stroke_white && state.stroke_overprints {
        Some("stroke")
    } else {
        None
    }
}

fn white_overprint_finding(place: &str, what: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "{place}: a white {what} is set to overprint, so it will not print at all"
    ))
    .with_hint("white must knock out: remove the overprint from white text and shapes")
}

/// The first `k`/`K` that is within one 8-bit step of a theme colour but not exactly it.
fn inexact_theme_colour(ops: &[Operation], theme: &[[f32; 4]]) -> Option<([f32; 4], Vec<f64>)> {
    ops.iter()
        .filter(|op| matches!(op.operator, b"k" | b"K"))
        .filter_map(|op| op.numbers().filter(|v| v.len() == 4))
        .find_map(|written| near_but_not(theme, &written).map(|t| (t, written)))
}

/// The theme colour `written` is one 8-bit rounding away from, unless it is exact.
fn near_but_not(theme: &[[f32; 4]], written: &[f64]) -> Option<[f32; 4]> {
    let distance = |t: &[f32; 4]| {
        t.iter()
            .zip(written)
            .map(|(t, w)| (f64::from(*t) - w).abs())
            .fold(0.0, f64::max)
    };
    theme.iter().copied().find(|t| {
        let d = distance(t);
        d > 1e-4 && d <= 1.0 / 255.0 + 1e-6
    })
}

fn inexact_finding(place: &str, theme: [f32; 4], written: &[f64]) -> Diagnostic {
    let percent = theme.map(|v| format!("{:.0}", v * 100.0)).join("/");
    let written: Vec<String> = written.iter().map(|v| format!("{v}")).collect();
    Diagnostic::warning(format!(
        "{place}: the theme colour {percent} is written as {}, not its exact ink values",
        written.join(" ")
    ))
    .with_hint("the colour was rounded to 8 bits on its way through the template: report it")
}

/// Spot colours whose CMYK alternate (a type 2 function's `C1`) rounds a theme colour.
fn inexact_spot_alternates(doc: &Document, theme: &[[f32; 4]]) -> Vec<Diagnostic> {
    let numbers = |o: &Object| o.as_float().map(f64::from).ok();
    doc.objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.get(b"FunctionType").and_then(Object::as_i64).ok() == Some(2))
        .filter_map(|dict| dict.get(b"C1").and_then(Object::as_array).ok())
        .filter_map(|c1| c1.iter().map(numbers).collect::<Option<Vec<f64>>>())
        .filter(|c1| c1.len() == 4)
        .filter_map(|c1| {
            near_but_not(theme, &c1).map(|t| inexact_finding("a spot colour's alternate", t, &c1))
        })
        .take(1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states() -> Overprints {
        let mut states = Overprints::new();
        states.insert(b"Op".to_vec(), (None, Some(true)));
        states.insert(b"Ko".to_vec(), (Some(false), Some(false)));
        states
    }

    #[test]
    fn white_overprint_is_found_and_black_overprint_is_not() {
        let white = b"/Op gs 0 0 0 0 k 0 0 10 10 re f";
        assert_eq!(white_overprint(&operations(white), &states()), Some("fill"));
        let black = b"/Op gs 0 0 0 1 k 0 0 10 10 re f /Ko gs 0 0 0 0 k 0 0 5 5 re f";
        assert_eq!(white_overprint(&operations(black), &states()), None);
        let restored = b"q /Op gs 0 0 0 1 K Q 1 G 0 0 m 5 5 l S";
        assert_eq!(white_overprint(&operations(restored), &states()), None);
        let stroke = b"/Op gs 1 1 1 RG 0 0 m 5 5 l S";
        assert_eq!(
            white_overprint(&operations(stroke), &states()),
            Some("stroke")
        );
    }

    #[test]
    fn a_theme_colour_off_by_its_rounding_is_found() {
        let theme = [[0.2, 0.85, 0.9, 0.45]];
        let rounded = b"0.2 0.851 0.902 0.451 k";
        let found = inexact_theme_colour(&operations(rounded), &theme);
        assert_eq!(found.map(|(t, _)| t), Some(theme[0]));
        let exact = b"0.2 0.85 0.9 0.45 k 0.5 0.5 0.5 0 k";
        assert!(inexact_theme_colour(&operations(exact), &theme).is_none());
    }

    /// A one-page PDF whose resources hold `/Op` (overprint on) and whose content is `content`.
    fn pdf_with(content: &[u8]) -> Document {
        use lopdf::{Stream, dictionary};
        let mut doc = Document::with_version("1.6");
        let pages = doc.new_object_id();
        let state = doc.add_object(dictionary! { "Type" => "ExtGState", "OP" => true });
        let resources = dictionary! { "ExtGState" => dictionary! { "Op" => state } };
        let content = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "Resources" => resources, "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn a_pdf_page_with_white_overprint_is_an_error_naming_the_page() {
        let findings = check_inks(&pdf_with(b"/Op gs 1 g 0 0 10 10 re f"), &[]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, crate::diag::Severity::Error);
        assert!(findings[0].message.starts_with("page 1: a white fill"));
        assert!(check_inks(&pdf_with(b"/Op gs 0 g 0 0 10 10 re f"), &[]).is_empty());
    }

    #[test]
    fn a_rounded_spot_alternate_is_a_warning() {
        use lopdf::dictionary;
        let mut doc = pdf_with(b"");
        let c1: Vec<Object> = [0.0, 0.7019608, 0.9019608, 0.0].map(Object::Real).to_vec();
        doc.add_object(dictionary! { "FunctionType" => 2, "C1" => c1, "N" => 1 });
        let findings = check_inks(&doc, &[[0.0, 0.7, 0.9, 0.0]]);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("the theme colour 0/70/90/0"),
            "{}",
            findings[0].message
        );
    }
}
