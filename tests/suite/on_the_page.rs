//! What a person sees on the posters and the mousepad, measured in process from the
//! laid-out pages and their pixels (typst-render; no system tools): type sizes per role,
//! text inside the safe zone, no overlapping text, the contrast of every text run against
//! the pixels behind it, the tallest empty band, and art that runs into the bleed.

use std::path::Path;

use personapress::batch::{LaidOut, lay_out_all, lay_out_overviews};
use personapress::spec::format::{Kind, TypeTiers};
use personapress::spec::workspace::{self, Overrides};
use personapress::world::Base;
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::visualize::{Geometry, Paint};
use typst_layout::Page;

use crate::common::*;

/// A text run as printed: its text, size in points, colour and box in points (trim origin).
#[derive(Debug, Clone)]
struct Run {
    text: String,
    size: f64,
    rgb: [f64; 3],
    /// x0, y0, x1, y1: from the baseline up to the cap height, across the advance.
    bbox: [f64; 4],
}

/// Everything drawn on a page that is not text: the boxes of shapes and images.
fn art_boxes(frame: &Frame, ts: Transform, out: &mut Vec<[f64; 4]>) {
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            // What a group clips is seen only inside the group's box.
            FrameItem::Group(group) if group.clip.is_some() => {
                let at = at.pre_concat(group.transform);
                out.push(corners(at, group.frame.width(), group.frame.height()));
            }
            FrameItem::Group(group) => art_boxes(&group.frame, at.pre_concat(group.transform), out),
            FrameItem::Shape(shape, _) => {
                if let Geometry::Rect(size) = shape.geometry {
                    out.push(corners(at, size.x, size.y));
                }
            }
            FrameItem::Image(_, size, _) => out.push(corners(at, size.x, size.y)),
            _ => {}
        }
    }
}

/// The box of a `w` × `h` rectangle at the origin, transformed.
fn corners(ts: Transform, w: Abs, h: Abs) -> [f64; 4] {
    let points = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
        .map(|(a, b)| Point::new(w * a, h * b).transform(ts));
    let xs = points.map(|p| p.x.to_pt());
    let ys = points.map(|p| p.y.to_pt());
    [
        xs.iter().cloned().fold(f64::MAX, f64::min),
        ys.iter().cloned().fold(f64::MAX, f64::min),
        xs.iter().cloned().fold(f64::MIN, f64::max),
        ys.iter().cloned().fold(f64::MIN, f64::max),
    ]
}

/// Every text run of a frame, in page coordinates.
fn text_runs(frame: &Frame, ts: Transform, out: &mut Vec<Run>) {
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => text_runs(&group.frame, at.pre_concat(group.transform), out),
            // A run without advance is a mark Typst sets apart from its base glyph (the
            // shadda of Arabic عمّان, raised): it is measured with its base's run.
            FrameItem::Text(text) if !text.text.trim().is_empty() && text.width() > Abs::zero() => {
                let cap = text.font.metrics().cap_height.at(text.size);
                let mut bbox = corners(
                    at.pre_concat(Transform::translate(Abs::zero(), -cap)),
                    text.width(),
                    cap,
                );
                // Side bearings and rounding: a run's box may touch its neighbour's.
                bbox = [bbox[0] + 0.5, bbox[1] + 0.5, bbox[2] - 0.5, bbox[3] - 0.5];
                let scale = at.sy.get().abs();
                out.push(Run {
                    text: text.text.to_string(),
                    size: text.size.to_pt() * scale,
                    rgb: srgb(&text.fill),
                    bbox,
                });
            }
            _ => {}
        }
    }
}

/// A paint's sRGB channels (0–1), as typst-render draws it.
fn srgb(paint: &Paint) -> [f64; 3] {
    let c = paint.unwrap_solid().to_rgb();
    [c.red, c.green, c.blue].map(f64::from)
}

/// WCAG 2 relative luminance of sRGB channels (0–1).
fn luminance(rgb: [f64; 3]) -> f64 {
    let linear = |c: f64| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// A rendered page: RGBA pixels, `px` per point, and where the trim starts in pixels.
struct Pixels {
    width: usize,
    height: usize,
    data: Vec<u8>,
    px: f64,
    origin: f64,
}

impl Pixels {
    fn render(page: &Page, px: f64, bleed: bool) -> Pixels {
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(px),
            render_bleed: bleed,
        };
        let pixmap = typst_render::render(page, &options);
        let origin = if bleed {
            page.bleed.left.to_pt() * px
        } else {
            0.0
        };
        Pixels {
            width: pixmap.width() as usize,
            height: pixmap.height() as usize,
            data: pixmap.take_demultiplied(),
            px,
            origin,
        }
    }

    /// The pixel at a point (in points from the trim's corner).
    fn at(&self, x: f64, y: f64) -> [u8; 3] {
        let col = ((x * self.px + self.origin) as usize).min(self.width - 1);
        let row = ((y * self.px + self.origin) as usize).min(self.height - 1);
        let i = (row * self.width + col) * 4;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }
}

/// The median luminance of the pixels in a box.
fn luminance_behind(pixels: &Pixels, bbox: [f64; 4]) -> f64 {
    let step = 1.0 / pixels.px;
    let mut values = Vec::new();
    let mut y = bbox[1];
    while y <= bbox[3] {
        let mut x = bbox[0];
        while x <= bbox[2] {
            values.push(luminance(pixels.at(x, y).map(|c| f64::from(c) / 255.0)));
            x += step;
        }
        y += step;
    }
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(1.0)
}

/// The page with its text taken out: what lies behind each run.
fn without_text(page: &Page) -> Page {
    fn strip(frame: &mut Frame) {
        frame.retain(|item| match item {
            FrameItem::Group(group) => {
                strip(&mut group.frame);
                true
            }
            FrameItem::Text(_) => false,
            _ => true,
        });
    }
    let mut page = page.clone();
    strip(&mut page.frame);
    page
}

/// The tallest run of rows across the trim in one flat colour, as a share of the height.
fn tallest_empty_band(pixels: &Pixels, width_pt: f64, height_pt: f64) -> f64 {
    let step = 1.0 / pixels.px;
    let (mut longest, mut current) = (0.0_f64, 0.0_f64);
    let mut y = 0.0;
    while y < height_pt {
        let first = pixels.at(0.0, y);
        let mut x = 0.0;
        let mut flat = true;
        while x < width_pt && flat {
            let p = pixels.at(x, y);
            flat = (0..3).all(|i| p[i].abs_diff(first[i]) <= 6);
            x += step;
        }
        current = if flat { current + step } else { 0.0 };
        longest = longest.max(current);
        y += step;
    }
    longest / height_pt
}

/// The share of points along the four edges where the pixels 1.5 mm inside and 1.5 mm
/// outside the trim differ.
fn bleed_breaks(page: &Page) -> Vec<String> {
    let pixels = Pixels::render(page, 1.0, true);
    let (w, h) = (page.frame.width().to_pt(), page.frame.height().to_pt());
    let d = 1.5 * PT_PER_MM;
    let mut breaks = Vec::new();
    let mut check = |edge: &str, points: Vec<((f64, f64), (f64, f64))>| {
        let differ = points
            .iter()
            .filter(|(a, b)| {
                let (p, q) = (pixels.at(a.0, a.1), pixels.at(b.0, b.1));
                (0..3).any(|i| p[i].abs_diff(q[i]) > 12)
            })
            .count();
        if differ * 100 > points.len() {
            breaks.push(format!("{edge}: {differ} of {} points", points.len()));
        }
    };
    let along = |n: f64| (0..(n as usize)).map(|i| i as f64 + 0.5);
    check("top", along(w).map(|x| ((x, d), (x, -d))).collect());
    check(
        "bottom",
        along(w).map(|x| ((x, h - d), (x, h + d))).collect(),
    );
    check("left", along(h).map(|y| ((d, y), (-d, y))).collect());
    check(
        "right",
        along(h).map(|y| ((w - d, y), (w + d, y))).collect(),
    );
    breaks
}

/// Everything wrong with one laid-out document, measured on its first page.
fn violations(doc: &LaidOut, name: &str, tiers: TypeTiers, fit: f64) -> Vec<String> {
    let document = &doc.result.as_ref().unwrap().document;
    let page = &document.pages()[0];
    let mut runs = Vec::new();
    text_runs(&page.frame, Transform::identity(), &mut runs);
    let (w, h) = (page.frame.width().to_pt(), page.frame.height().to_pt());
    let mut found = Vec::new();
    assert!(!runs.is_empty(), "{}: no text at all", doc.persona);
    // Type sizes per role.
    let small = runs.iter().filter(|r| r.size < tiers.small - 0.01);
    found.extend(small.map(|r| format!("{:.1} pt under {} pt: {:?}", r.size, tiers.small, r.text)));
    let first_word = name.split(' ').next().unwrap();
    let name_size = runs
        .iter()
        .filter(|r| r.text.contains(first_word))
        .map(|r| r.size)
        .fold(0.0, f64::max);
    if name_size < tiers.name_min - 0.01 || name_size > tiers.name_max + 0.01 {
        found.push(format!("the name at {name_size:.1} pt"));
    }
    // The running text: the size most characters are set in.
    let mut by_size: Vec<(f64, usize)> = Vec::new();
    for run in &runs {
        match by_size
            .iter_mut()
            .find(|(s, _)| (s - run.size).abs() < 0.05)
        {
            Some((_, n)) => *n += run.text.len(),
            None => by_size.push((run.size, run.text.len())),
        }
    }
    let body = by_size
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(0.0, |(s, _)| *s);
    if runs.len() > 40 && body < tiers.body * fit - 0.01 {
        found.push(format!("the running text at {body:.1} pt"));
    }
    found.extend(placement_and_contrast(page, &runs));
    // Empty bands and the bleed.
    let seen = Pixels::render(page, 72.0 / 25.4 / 2.0, false);
    let band = tallest_empty_band(&seen, w, h);
    let allowed = if runs.len() < 12 { 0.35 } else { 0.20 };
    if band > allowed {
        found.push(format!(
            "an empty band of {:.0} % of the height",
            band * 100.0
        ));
    }
    found.extend(
        bleed_breaks(page)
            .into_iter()
            .map(|b| format!("bleed breaks at the {b}")),
    );
    let bleed = page.bleed.left.to_pt() + 0.01;
    let mut art = Vec::new();
    art_boxes(&page.frame, Transform::identity(), &mut art);
    assert!(!art.is_empty());
    let beyond = art
        .iter()
        .filter(|b| b[0] < -bleed || b[1] < -bleed || b[2] > w + bleed || b[3] > h + bleed);
    found.extend(beyond.map(|b| format!("art beyond the bleed: {b:?}")));
    found
}

/// Text outside the safe zone (5 mm inside the trim), text over text, and text whose
/// contrast against the pixels behind it is under 4.5:1 (3:1 from 14 pt up).
fn placement_and_contrast(page: &Page, runs: &[Run]) -> Vec<String> {
    let (w, h) = (page.frame.width().to_pt(), page.frame.height().to_pt());
    let safe = 5.0 * PT_PER_MM;
    let outside = runs.iter().filter(|r| {
        r.bbox[0] < safe || r.bbox[1] < safe || r.bbox[2] > w - safe || r.bbox[3] > h - safe
    });
    let mut found: Vec<String> = outside
        .map(|r| format!("outside the safe zone: {:?} at {:?}", r.text, r.bbox))
        .collect();
    for (i, a) in runs.iter().enumerate() {
        for b in &runs[i + 1..] {
            let ox = a.bbox[2].min(b.bbox[2]) - a.bbox[0].max(b.bbox[0]);
            let oy = a.bbox[3].min(b.bbox[3]) - a.bbox[1].max(b.bbox[1]);
            if ox > 1.0 && oy > 1.0 {
                found.push(format!("{:?} overlaps {:?}", a.text, b.text));
            }
        }
    }
    let behind = Pixels::render(&without_text(page), 72.0 / 25.4, false);
    for run in runs {
        let ratio = contrast(luminance(run.rgb), luminance_behind(&behind, run.bbox));
        let needed = if run.size >= 14.0 { 3.0 } else { 4.5 };
        if ratio < needed {
            let (text, size) = (&run.text, run.size);
            found.push(format!("{text:?} at {size:.1} pt has contrast {ratio:.2}"));
        }
    }
    found
}

/// Fails with every problem found, one a line.
fn assert_no_problems(problems: &[String]) {
    let count = problems.len();
    assert!(
        problems.is_empty(),
        "{count} problems:\n{}",
        problems.join("\n")
    );
}

/// Lays out a project in process.
fn laid_out(dir: &Path) -> Vec<LaidOut> {
    let ws = workspace::open(dir, &Overrides::default()).unwrap();
    let base = Base::new(ws.fonts.as_deref(), ws.templates.as_deref()).unwrap();
    lay_out_all(&ws, &base).unwrap()
}

/// Measures every poster and mousepad of a project and fails on any violation.
fn measure(dir: &Path) {
    let docs = laid_out(dir);
    assert!(docs.len() >= 6, "documents laid out: {}", docs.len());
    let ws = workspace::open(dir, &Overrides::default()).unwrap();
    let mut problems = Vec::new();
    let mut measured = 0;
    for doc in &docs {
        let Some(tiers) = doc.format.tiers else {
            continue;
        };
        let laid = match &doc.result {
            Ok(laid) => laid,
            Err(e) => {
                problems.push(format!(
                    "{} {} {}: {}",
                    doc.persona, doc.theme, doc.format, e[0].message
                ));
                continue;
            }
        };
        assert_eq!(laid.document.pages().len(), 1);
        assert!(
            laid.sizing.fit >= 0.92,
            "{} {}: fit {}",
            doc.persona,
            doc.format,
            laid.sizing.fit
        );
        let file = ws
            .persona_files
            .iter()
            .find(|p| ws.load_persona(p).unwrap().id == doc.persona);
        let name = ws.load_persona(file.unwrap()).unwrap().persona.name;
        for v in violations(doc, &name, tiers, laid.sizing.fit) {
            problems.push(format!("{} {} {}: {v}", doc.persona, doc.theme, doc.format));
        }
        measured += 1;
    }
    assert!(measured >= 6, "measured {measured}");
    assert_no_problems(&problems);
}

#[test]
fn the_fixtures_posters_and_mousepads_pass_every_measurement() {
    measure(&repo().join("tests/fixtures/onpage"));
}

#[test]
fn the_examples_posters_and_mousepads_pass_every_measurement() {
    measure(&repo().join("examples"));
}

/// The A2 poster of a persona of `tests/fixtures/onpage` (its first theme) and the
/// text runs of its page.
fn fixture_poster_runs(persona: &str) -> (LaidOut, Vec<Run>) {
    let docs = laid_out(&repo().join("tests/fixtures/onpage"));
    let poster = docs
        .into_iter()
        .find(|d| d.persona == persona && d.format == Kind::PosterA2)
        .unwrap();
    let mut runs = Vec::new();
    let page = &poster.result.as_ref().unwrap().document.pages()[0];
    text_runs(&page.frame, Transform::identity(), &mut runs);
    (poster, runs)
}

#[test]
fn a_name_is_fitted_to_its_column_and_its_particles_stay_with_the_surname() {
    let (poster, runs) = fixture_poster_runs("max-nl");
    let tiers = poster.format.tiers.unwrap();
    let name: Vec<&Run> = runs.iter().filter(|r| r.size >= tiers.name_min).collect();
    let lines: Vec<&str> = name.iter().map(|r| r.text.trim()).collect();
    assert_eq!(
        lines,
        ["Peter", "de\u{a0}Vries"],
        "particle bound to the surname"
    );
    assert!(name[0].size <= tiers.name_max);
}

/// The right edge of each line of `runs` (runs on one baseline make a line), top first.
fn right_edges(runs: &[&Run]) -> Vec<f64> {
    let mut lines: Vec<(f64, f64)> = Vec::new();
    for run in runs {
        match lines
            .iter_mut()
            .find(|(base, _)| (base - run.bbox[3]).abs() < 1.0)
        {
            Some(line) => line.1 = line.1.max(run.bbox[2]),
            None => lines.push((run.bbox[3], run.bbox[2])),
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    lines.into_iter().map(|(_, right)| right).collect()
}

#[test]
fn right_to_left_text_runs_from_the_right_with_the_opening_mark_hung_there() {
    let (_, runs) = fixture_poster_runs("layla");
    let size_of = |word: &str| runs.iter().find(|r| r.text.contains(word)).unwrap().size;
    // The hero quote: two lines flush right, the opening mark in the margin right of them.
    let quote_size = size_of("أريد");
    let quote: Vec<&Run> = runs.iter().filter(|r| r.size == quote_size).collect();
    let (marks, words): (Vec<&Run>, Vec<&Run>) = quote.iter().partition(|r| r.text == "\u{201c}");
    assert_eq!(marks.len(), 1, "one opening mark: {quote:?}");
    let edges = right_edges(&words);
    assert!(
        edges.len() >= 2 && edges.iter().all(|e| (e - edges[0]).abs() < 1.0),
        "{edges:?}"
    );
    assert!(
        marks[0].bbox[0] > edges[0] + quote_size * 0.2,
        "{:?} {edges:?}",
        marks[0].bbox
    );
    // The story: every line ends at the column's right edge, the last one of each
    // paragraph starting further in.
    let first = runs.iter().find(|r| r.text.contains("تعمل")).unwrap();
    let same_line = runs
        .iter()
        .filter(|r| (r.bbox[3] - first.bbox[3]).abs() < 1.0);
    let right = same_line.map(|r| r.bbox[2]).fold(f64::MIN, f64::max);
    // The story's column: its runs, up to a column's width left of that edge.
    let story: Vec<&Run> = runs
        .iter()
        .filter(|r| r.size == first.size && r.bbox[2] <= right + 1.0 && r.bbox[0] > right - 300.0)
        .collect();
    let edges = right_edges(&story);
    assert!(edges.len() >= 4, "{edges:?}");
    assert!(
        edges.iter().all(|e| (e - edges[0]).abs() < 1.0),
        "flush right: {edges:?}"
    );
}

/// Measures every overview sheet of a project in `format` (every theme): text in the
/// safe zone, no text over text (a long name runs into the next card's), contrast, no
/// text under `smallest` pt, and each persona's name on the sheet.
fn measure_overviews(dir: &Path, kind: Kind, smallest: f64) {
    let ws = workspace::open(dir, &Overrides::default()).unwrap();
    let base = Base::new(ws.fonts.as_deref(), ws.templates.as_deref()).unwrap();
    let format = ws.format_table.get(kind).unwrap();
    let sheets = lay_out_overviews(&ws, &base, format).unwrap();
    assert_eq!(sheets.len(), ws.themes.len());
    let mut problems = Vec::new();
    for sheet in &sheets {
        let laid = sheet
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{}", e[0].message));
        let pages = laid.document.pages();
        assert!(!pages.is_empty());
        let mut runs_of_all_pages = String::new();
        for page in pages {
            let mut runs = Vec::new();
            text_runs(&page.frame, Transform::identity(), &mut runs);
            assert!(!runs.is_empty(), "a sheet without text");
            let small = runs.iter().filter(|r| r.size < smallest - 0.01);
            problems
                .extend(small.map(|r| format!("{} {:.1} pt: {:?}", sheet.theme, r.size, r.text)));
            let found = placement_and_contrast(page, &runs);
            problems.extend(
                found
                    .into_iter()
                    .map(|p| format!("{} {format}: {p}", sheet.theme)),
            );
            runs_of_all_pages.extend(runs.iter().map(|r| r.text.clone() + " "));
        }
        for file in &ws.persona_files {
            let name = ws.load_persona(file).unwrap().persona.name;
            let first = name.split(' ').next().unwrap();
            if !runs_of_all_pages.contains(first) {
                problems.push(format!(
                    "{} {format}: no {name:?} on the sheet",
                    sheet.theme
                ));
            }
        }
    }
    assert_no_problems(&problems);
}

#[test]
fn overview_sheets_keep_every_name_in_its_card_and_pass_the_page_checks() {
    // The fixtures hold a long Dutch name with particles and a 7-card, two-row sheet.
    measure_overviews(&repo().join("tests/fixtures/onpage"), Kind::OverviewA3, 9.0);
    measure_overviews(
        &repo().join("tests/fixtures/onpage"),
        Kind::OverviewA2,
        12.7,
    );
    measure_overviews(&repo().join("examples"), Kind::OverviewA2, 12.7);
}
