//! Where a document's files go in the output folder.

use std::path::PathBuf;

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
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    slug.split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
