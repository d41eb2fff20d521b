//! Art that reaches the trim must run on into the bleed, or a white sliver shows
//! where the knife does not cut exactly on the line. Found on the laid-out page: a
//! shape or image whose edge lies on a trim edge (within 0.3 mm) but stops short of
//! the bleed (by more than 0.2 mm).

use typst::layout::{Abs, Frame, FrameItem, Point, Rect, Size, Transform};
use typst_layout::Page;

use crate::diag::Diagnostic;

/// How close to the trim an edge counts as on it.
const ON_TRIM_MM: f64 = 0.3;
/// How much short of the bleed edge is allowed.
const SHORT_MM: f64 = 0.2;

/// A warning for each trim edge of `page` that art ends on without bleed.
pub(crate) fn bleed_findings(page: &Page, number: usize) -> Vec<Diagnostic> {
    let bleed = page.bleed;
    if [bleed.left, bleed.top, bleed.right, bleed.bottom]
        .iter()
        .all(|b| *b <= Abs::zero())
    {
        return vec![];
    }
    let mut boxes = Vec::new();
    art_boxes(&page.frame, Transform::identity(), &mut boxes);
    let size = page.frame.size();
    let edges = [
        (
            "left",
            boxes
                .iter()
                .any(|b| stops(-b.min.x, Abs::zero(), bleed.left)),
        ),
        (
            "top",
            boxes
                .iter()
                .any(|b| stops(-b.min.y, Abs::zero(), bleed.top)),
        ),
        (
            "right",
            boxes.iter().any(|b| stops(b.max.x, size.x, bleed.right)),
        ),
        (
            "bottom",
            boxes.iter().any(|b| stops(b.max.y, size.y, bleed.bottom)),
        ),
    ];
    edges
        .iter()
        .filter(|(_, short)| *short)
        .map(|(edge, _)| short_of_bleed(number, edge))
        .collect()
}

/// The warning for art that ends on the `edge` trim edge of page `number`.
fn short_of_bleed(number: usize, edge: &str) -> Diagnostic {
    Diagnostic::warning(format!(
        "page {number}: art ends on the {edge} trim edge without bleed: a white sliver may show after cutting"
    ))
    .with_hint("let backgrounds, bands and photos that touch the trim run on past it by the bleed (in a template: place them in `page(background: …)`, which starts at the bleed's corner)")
}

/// Whether an edge at `reach` (measured outwards: −x for the left edge) lies on the
/// trim at `trim`, within [`ON_TRIM_MM`], and so stops more than [`SHORT_MM`] short of
/// the `bleed` past it.
fn stops(reach: Abs, trim: Abs, bleed: Abs) -> bool {
    let past = (reach - trim).to_mm();
    past.abs() <= ON_TRIM_MM && past < bleed.to_mm() - SHORT_MM
}

/// The page-space boxes of every shape and image in `frame` under `ts`.
fn art_boxes(frame: &Frame, ts: Transform, boxes: &mut Vec<Rect>) {
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                art_boxes(&group.frame, at.pre_concat(group.transform), boxes)
            }
            FrameItem::Shape(shape, _) if shape.fill.as_ref().is_some_and(|f| !is_white(f)) => {
                boxes.push(transformed(shape.bbox(true), at));
            }
            FrameItem::Image(_, size, _) => boxes.push(transformed(image_rect(*size), at)),
            _ => {}
        }
    }
}

fn image_rect(size: Size) -> Rect {
    Rect::new(Point::zero(), Point::new(size.x, size.y))
}

/// White paint: where it stops short of the bleed, the paper shows the same white.
fn is_white(paint: &typst::visualize::Paint) -> bool {
    match paint {
        typst::visualize::Paint::Solid(colour) => {
            let (r, g, b, a) = colour.to_rgb().into_components();
            a <= 0.0 || (r.min(g).min(b) > 0.995)
        }
        _ => false,
    }
}

/// The box round `rect` once `ts` has moved, scaled or turned it.
fn transformed(rect: Rect, ts: Transform) -> Rect {
    let corners = [
        (rect.min.x, rect.min.y),
        (rect.max.x, rect.min.y),
        (rect.min.x, rect.max.y),
        (rect.max.x, rect.max.y),
    ]
    .map(|(x, y)| {
        let (x, y) = (x.to_pt(), y.to_pt());
        (
            ts.sx.get() * x + ts.kx.get() * y + ts.tx.to_pt(),
            ts.ky.get() * x + ts.sy.get() * y + ts.ty.to_pt(),
        )
    });
    let fold = |pick: fn(f64, f64) -> f64, axis: fn(&(f64, f64)) -> f64| {
        corners.iter().map(axis).reduce(pick).unwrap_or(0.0)
    };
    let min = Point::new(
        Abs::pt(fold(f64::min, |c| c.0)),
        Abs::pt(fold(f64::min, |c| c.1)),
    );
    let max = Point::new(
        Abs::pt(fold(f64::max, |c| c.0)),
        Abs::pt(fold(f64::max, |c| c.1)),
    );
    Rect::new(min, max)
}
