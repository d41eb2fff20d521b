//! Pure print geometry in PDF points: page boxes, crop marks and the die-cut
//! path. No I/O, so it is tested on numbers alone.

/// Points per millimetre.
pub(crate) const PT_PER_MM: f64 = 72.0 / 25.4;
/// Length of a crop mark.
pub(crate) const MARK_LENGTH_MM: f64 = 6.0;
/// Gap between the bleed edge and the start of a crop mark.
pub(crate) const MARK_GAP_MM: f64 = 1.0;
/// Line width of crop marks.
pub(crate) const MARK_WIDTH_PT: f64 = 0.25;
/// Room left around the crop marks' outer ends.
pub(crate) const SLUG_MM: f64 = 2.0;

/// A rectangle in PDF user space (points, origin bottom left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// The rectangle grown by `by` points on every side.
    pub fn grow(self, by: f64) -> Rect {
        Rect {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    /// Whether `inner` lies within this rectangle (within a hundredth of a point).
    pub fn contains(self, inner: Rect) -> bool {
        let e = 0.01;
        inner.x0 >= self.x0 - e
            && inner.y0 >= self.y0 - e
            && inner.x1 <= self.x1 + e
            && inner.y1 <= self.y1 + e
    }

    /// The four numbers as a PDF array would list them.
    pub fn to_array(self) -> [f64; 4] {
        [self.x0, self.y0, self.x1, self.y1]
    }
}

/// The boxes of a finished print page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Boxes {
    /// The whole sheet: the bleed box plus room for crop marks, or the bleed box itself.
    pub media: Rect,
    /// Trim plus bleed.
    pub bleed: Rect,
    /// The finished size.
    pub trim: Rect,
}

/// Boxes for a page with this trim box and bleed, with or without room for crop marks.
pub(crate) fn boxes(trim: Rect, bleed_pt: f64, crop_marks: bool) -> Boxes {
    let bleed = trim.grow(bleed_pt);
    let media = if crop_marks {
        trim.grow(mark_reach(bleed_pt) + SLUG_MM * PT_PER_MM)
    } else {
        bleed
    };
    Boxes { media, bleed, trim }
}

/// How far from the trim edge a crop mark's outer end lies.
fn mark_reach(bleed_pt: f64) -> f64 {
    bleed_pt + (MARK_GAP_MM + MARK_LENGTH_MM) * PT_PER_MM
}

/// A straight line from one point to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Line {
    pub from: (f64, f64),
    pub to: (f64, f64),
}

/// Eight crop marks, two per corner, on the trim lines and wholly outside the bleed box.
pub(crate) fn crop_marks(trim: Rect, bleed_pt: f64) -> Vec<Line> {
    let start = bleed_pt + MARK_GAP_MM * PT_PER_MM;
    let end = mark_reach(bleed_pt);
    let mut lines = Vec::with_capacity(8);
    for (x, sx) in [(trim.x0, -1.0), (trim.x1, 1.0)] {
        for (y, sy) in [(trim.y0, -1.0), (trim.y1, 1.0)] {
            lines.push(Line {
                from: (x + sx * start, y),
                to: (x + sx * end, y),
            });
            lines.push(Line {
                from: (x, y + sy * start),
                to: (x, y + sy * end),
            });
        }
    }
    lines
}

/// PDF path operators for crop marks.
pub(crate) fn lines_path(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "{} {} m {} {} l\n",
                n(l.from.0),
                n(l.from.1),
                n(l.to.0),
                n(l.to.1)
            )
        })
        .collect()
}

/// PDF path operators for a closed rectangle with rounded corners (Bézier quarter circles).
pub(crate) fn rounded_rect_path(r: Rect, radius: f64) -> String {
    let radius = radius
        .min((r.x1 - r.x0) / 2.0)
        .min((r.y1 - r.y0) / 2.0)
        .max(0.0);
    let k = radius * 0.552_284_75;
    let (x0, y0, x1, y1) = (r.x0, r.y0, r.x1, r.y1);
    let mut p = format!("{} {} m\n", n(x0 + radius), n(y0));
    p += &format!("{} {} l\n", n(x1 - radius), n(y0));
    p += &curve(
        (x1 - radius + k, y0),
        (x1, y0 + radius - k),
        (x1, y0 + radius),
    );
    p += &format!("{} {} l\n", n(x1), n(y1 - radius));
    p += &curve(
        (x1, y1 - radius + k),
        (x1 - radius + k, y1),
        (x1 - radius, y1),
    );
    p += &format!("{} {} l\n", n(x0 + radius), n(y1));
    p += &curve(
        (x0 + radius - k, y1),
        (x0, y1 - radius + k),
        (x0, y1 - radius),
    );
    p += &format!("{} {} l\n", n(x0), n(y0 + radius));
    p += &curve(
        (x0, y0 + radius - k),
        (x0 + radius - k, y0),
        (x0 + radius, y0),
    );
    p + "h\n"
}

fn curve(c1: (f64, f64), c2: (f64, f64), end: (f64, f64)) -> String {
    format!(
        "{} {} {} {} {} {} c\n",
        n(c1.0),
        n(c1.1),
        n(c2.0),
        n(c2.1),
        n(end.0),
        n(end.1)
    )
}

/// A number as PDF writes it: at most three decimals, no trailing zeros.
fn n(value: f64) -> String {
    let text = format!("{:.3}", value);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a2_trim() -> Rect {
        let b = 3.0 * PT_PER_MM;
        Rect {
            x0: b,
            y0: b,
            x1: b + 420.0 * PT_PER_MM,
            y1: b + 594.0 * PT_PER_MM,
        }
    }

    #[test]
    fn boxes_nest_and_measure_in_millimetres() {
        let bleed = 3.0 * PT_PER_MM;
        let with = boxes(a2_trim(), bleed, true);
        assert!(with.media.contains(with.bleed) && with.bleed.contains(with.trim));
        let width_mm = (with.bleed.x1 - with.bleed.x0) / PT_PER_MM;
        assert!((width_mm - 426.0).abs() < 1e-9);
        let margin_mm = (with.trim.x0 - with.media.x0) / PT_PER_MM;
        assert!((margin_mm - (3.0 + MARK_GAP_MM + MARK_LENGTH_MM + SLUG_MM)).abs() < 1e-9);
        assert_eq!(boxes(a2_trim(), bleed, false).media, with.bleed);
    }

    #[test]
    fn crop_marks_stay_outside_the_bleed_box_on_the_trim_lines() {
        let bleed = 3.0 * PT_PER_MM;
        let trim = a2_trim();
        let bleed_box = trim.grow(bleed);
        let marks = crop_marks(trim, bleed);
        assert_eq!(marks.len(), 8);
        for line in marks {
            for (x, y) in [line.from, line.to] {
                let inside =
                    x > bleed_box.x0 && x < bleed_box.x1 && y > bleed_box.y0 && y < bleed_box.y1;
                assert!(!inside, "{line:?} enters the bleed box");
            }
            let length =
                ((line.to.0 - line.from.0).powi(2) + (line.to.1 - line.from.1).powi(2)).sqrt();
            assert!((length / PT_PER_MM - MARK_LENGTH_MM).abs() < 1e-9);
            let on_trim_line = [trim.x0, trim.x1].contains(&line.from.0)
                || [trim.y0, trim.y1].contains(&line.from.1);
            assert!(on_trim_line, "{line:?}");
        }
    }

    #[test]
    fn rounded_rectangles_close_with_four_curves() {
        let path = rounded_rect_path(
            Rect {
                x0: 0.0,
                y0: 0.0,
                x1: 100.0,
                y1: 50.0,
            },
            10.0,
        );
        assert_eq!(path.matches(" c\n").count(), 4);
        assert!(path.starts_with("10 0 m\n") && path.ends_with("h\n"));
    }
}
