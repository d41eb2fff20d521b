//! `personapress export`: for every document a self-contained folder that the stock
//! Typst CLI compiles to the same layout (print post-processing aside):
//! `typst compile --root B --font-path B/fonts --ignore-system-fonts B/main.typ`.

use std::collections::HashSet;
use std::path::Path;

use typst::layout::{Frame, FrameItem};
use typst::text::Font;
use typst_layout::PagedDocument;

use crate::render::output::write_atomic;
use crate::render::{Job, Laid};
use crate::world::Base;

/// Writes the bundle of one laid-out job into `dir`.
pub(crate) fn write_bundle(dir: &Path, base: &Base, job: &Job, laid: &Laid) -> std::io::Result<()> {
    let template = job.format.template();
    let other_formats: Vec<String> = crate::spec::format::BUILT_IN
        .iter()
        .map(|f| f.template())
        .filter(|t| *t != template)
        .collect();
    for (name, text) in base.template_files() {
        if name == template {
            write_atomic(&dir.join("main.typ"), text.as_bytes())?;
        } else if !other_formats.contains(&name) {
            write_atomic(&dir.join(&name), text.as_bytes())?;
        }
    }
    let data = crate::render::job_data(job, laid.sizing);
    let json = serde_json::to_vec_pretty(&data.value).expect("template data always serialises");
    write_atomic(&dir.join("data.json"), &json)?;
    for (path, bytes) in job.assets {
        write_atomic(&dir.join(path.trim_start_matches('/')), bytes.as_slice())?;
    }
    for (i, font) in used_fonts(&laid.document).iter().enumerate() {
        let family = font
            .info()
            .family
            .replace(|c: char| !c.is_ascii_alphanumeric(), "");
        let name = format!("{i:02}-{family}.{}", font_extension(font.data().as_slice()));
        write_atomic(&dir.join("fonts").join(name), font.data().as_slice())?;
    }
    Ok(())
}

/// The distinct font files the document's text uses, in order of first use.
fn used_fonts(document: &PagedDocument) -> Vec<Font> {
    let mut seen = HashSet::new();
    let mut fonts = Vec::new();
    for page in document.pages() {
        collect_fonts(&page.frame, &mut seen, &mut fonts);
    }
    fonts
}

fn collect_fonts(frame: &Frame, seen: &mut HashSet<usize>, fonts: &mut Vec<Font>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => collect_fonts(&group.frame, seen, fonts),
            FrameItem::Text(text) => {
                let font = text.font.font();
                if seen.insert(font.data().as_slice().as_ptr() as usize) {
                    fonts.push(font.clone());
                }
            }
            _ => {}
        }
    }
}

/// `otf`, `ttc` or `ttf`, from the file's magic number.
fn font_extension(data: &[u8]) -> &'static str {
    match data.get(..4) {
        Some(b"OTTO") => "otf",
        Some(b"ttcf") => "ttc",
        _ => "ttf",
    }
}
