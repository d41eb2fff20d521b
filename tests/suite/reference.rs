//! Reference images: one document per print format of the examples, drawn in process
//! (bleed included) and compared with `tests/reference/<name>.png` within a tolerance, so
//! a change that moves what is on the page is seen. After an intended change, look at the
//! new pictures and regenerate them: `PERSONAPRESS_REGENERATE=1 cargo test reference`.

use std::path::PathBuf;

use personapress::batch::lay_out_all;
use personapress::spec::workspace::{self, Overrides};
use personapress::world::Base;

use crate::common::*;

/// Pixels per point of the reference images (an A2 poster is 306 × 431 pixels).
const SCALE: f32 = 0.25;
/// A pixel differs when a channel is off by more than this.
const PIXEL_TOLERANCE: u8 = 40;
/// The share of pixels that may differ (anti-aliasing, font hinting).
const SHARE_TOLERANCE: f64 = 0.005;

fn reference_path(name: &str) -> PathBuf {
    repo().join("tests/reference").join(format!("{name}.png"))
}

/// The share of pixels (RGBA, same size) that differ beyond the tolerance.
fn differing_share(a: &[u8], b: &[u8]) -> f64 {
    let differ = a
        .chunks(4)
        .zip(b.chunks(4))
        .filter(|(p, q)| (0..3).any(|i| p[i].abs_diff(q[i]) > PIXEL_TOLERANCE))
        .count();
    differ as f64 / (a.len() / 4) as f64
}

#[test]
fn one_document_per_print_format_matches_its_reference_image() {
    let dir = repo().join("examples");
    let ws = workspace::open(&dir, &Overrides::default()).unwrap();
    let base = Base::new(ws.fonts.as_deref(), ws.templates.as_deref()).unwrap();
    let regenerate = std::env::var_os("PERSONAPRESS_REGENERATE").is_some();
    let wanted = [
        ("peter", "poster-a2"),
        ("zoe", "poster-a2"),
        ("anouk", "poster-a3"),
        ("lars", "mousepad"),
        ("peter", "journey-a3"),
    ];
    let laid = lay_out_all(&ws, &base).unwrap();
    let mut failures = Vec::new();
    for (persona, format) in wanted {
        let doc = laid
            .iter()
            .find(|d| d.persona == persona && d.format.name() == format && d.theme == "Noordzee")
            .unwrap_or_else(|| panic!("{persona} {format} is laid out"));
        let page = &doc.result.as_ref().unwrap().document.pages()[0];
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(f64::from(SCALE)),
            render_bleed: true,
        };
        let pixmap = typst_render::render(page, &options);
        let (w, h) = (pixmap.width(), pixmap.height());
        let pixels = pixmap.take_demultiplied();
        let name = format!("{persona}.{format}");
        let path = reference_path(&name);
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            image::save_buffer(&path, &pixels, w, h, image::ColorType::Rgba8).unwrap();
            continue;
        }
        let reference = image::open(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (hint: PERSONAPRESS_REGENERATE=1)", path.display()))
            .to_rgba8();
        if reference.dimensions() != (w, h) {
            failures.push(format!(
                "{name}: {w} × {h} px, the reference is {:?}",
                reference.dimensions()
            ));
            continue;
        }
        let share = differing_share(&pixels, reference.as_raw());
        if share > SHARE_TOLERANCE {
            let new = path.with_extension("new.png");
            image::save_buffer(&new, &pixels, w, h, image::ColorType::Rgba8).unwrap();
            failures.push(format!(
                "{name}: {:.2} % of the pixels differ (see {})",
                share * 100.0,
                new.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nhint: if the change is intended, look at the new images and run with PERSONAPRESS_REGENERATE=1",
        failures.join("\n")
    );
}
