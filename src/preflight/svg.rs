//! SVG art with live text (a logo's name, a caption in an illustration): Typst draws
//! it with the project's fonts. A font the SVG names that is not among them is
//! replaced by another, whose letters are wider or narrower than designed, and text
//! that then runs past the SVG's edge is cut off there without a sign. Both get a
//! warning naming the font or the text.

use typst::visualize::{Image, ImageKind};

use crate::diag::Diagnostic;

/// The warnings for the live text of an SVG image: fonts it names that none of the
/// project's fonts is, text that leaves its canvas.
pub(crate) fn svg_text_findings(image: &Image) -> Vec<Diagnostic> {
    let ImageKind::Svg(svg) = image.kind() else {
        return vec![];
    };
    let tree = svg.tree();
    let mut texts = Vec::new();
    collect_texts(tree.root(), &mut texts);
    let available: Vec<String> = tree
        .fontdb()
        .faces()
        .flat_map(|face| face.families.iter().map(|(name, _)| name.to_lowercase()))
        .collect();
    let (width, height) = (tree.size().width(), tree.size().height());
    let mut findings = Vec::new();
    for text in texts {
        let words: String = text.chunks().iter().map(|c| c.text()).collect();
        findings.extend(missing_font(text, &available, &words));
        let bounds = text.abs_bounding_box();
        let outside = bounds.left() < -0.5
            || bounds.top() < -0.5
            || bounds.right() > width + 0.5
            || bounds.bottom() > height + 0.5;
        if outside {
            findings.push(
                Diagnostic::warning(format!(
                    "the SVG text “{}” runs past the SVG's edge: what lies outside is cut off",
                    words.trim()
                ))
                .with_hint("widen the SVG's viewBox, shorten the text, or convert it to paths"),
            );
        }
    }
    findings
}

/// A warning when none of the named fonts a text asks for is among `available`.
fn missing_font(text: &usvg::Text, available: &[String], words: &str) -> Option<Diagnostic> {
    let named: Vec<&str> = text
        .chunks()
        .iter()
        .flat_map(|c| c.spans())
        .flat_map(|s| s.font().families())
        .filter_map(|family| match family {
            usvg::FontFamily::Named(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let found = named.iter().any(|n| available.contains(&n.to_lowercase()));
    (!named.is_empty() && !found).then(|| {
        Diagnostic::warning(format!(
            "the SVG text “{}” asks for the font {}, which the project does not have: it is drawn in another",
            words.trim(),
            named.join(", ")
        ))
        .with_hint("put the font in the project's `fonts` folder, or convert the SVG's text to paths")
    })
}

fn collect_texts<'a>(group: &'a usvg::Group, texts: &mut Vec<&'a usvg::Text>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(inner) => collect_texts(inner, texts),
            usvg::Node::Text(text) => texts.push(text),
            _ => {}
        }
    }
}
