//! Where a document's files go in the output folder.

use std::path::{Path, PathBuf};

use crate::spec::format::Format;
use crate::spec::workspace::{PersonaSource, ThemeSource, Workspace};

/// `OUT/<id>/<id>.<format>.pdf`, with the theme's name added when several themes are
/// rendered; overview sheets go to `OUT/<format>.pdf`.
pub fn output_path(
    ws: &Workspace,
    persona: &PersonaSource,
    theme: &ThemeSource,
    format: &Format,
) -> PathBuf {
    if format.is_overview() {
        return match ws.themes.len() > 1 {
            true => ws
                .out
                .join(format!("{format}.{}.pdf", slug(&theme.theme.name))),
            false => ws.out.join(format!("{format}.pdf")),
        };
    }
    let dir = ws.out.join(&persona.id);
    if ws.themes.len() > 1 {
        dir.join(format!(
            "{}.{}.{}.pdf",
            persona.id,
            slug(&theme.theme.name),
            format
        ))
    } else {
        dir.join(format!("{}.{}.pdf", persona.id, format))
    }
}

/// A file-name-safe lowercase form of a theme name.
pub(super) fn slug(name: &str) -> String {
    crate::spec::slug(name)
}

/// Where the thumbnails live, inside the output folder.
pub const THUMBNAIL_DIR: &str = ".thumbnails";

/// The width of a thumbnail in pixels.
pub const THUMBNAIL_WIDTH_PX: f64 = 240.0;

/// The thumbnail of the document written to `pdf` (a path inside `out`).
pub fn thumbnail_path(out: &Path, pdf: &Path) -> PathBuf {
    let relative = pdf.strip_prefix(out).unwrap_or(pdf);
    out.join(THUMBNAIL_DIR).join(relative).with_extension("png")
}

/// The resolution at which a page of `format` gives a thumbnail [`THUMBNAIL_WIDTH_PX`] wide.
pub fn thumbnail_dpi(format: &Format) -> f64 {
    let (width_mm, _) = format.trim_mm;
    THUMBNAIL_WIDTH_PX / (width_mm / 25.4)
}
