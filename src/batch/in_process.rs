//! Laying out a workspace's documents in process, writing nothing: what the tests
//! measure on the page.

use std::collections::HashMap;

use typst::foundations::Bytes;

use super::{read_logo, read_photo};
use crate::diag::Diagnostic;
use crate::format::Format;
use crate::render::{self, Job};
use crate::spec::workspace::Workspace;
use crate::world::Base;

/// One document laid out in process by [`lay_out_all`].
pub struct LaidOut {
    /// The persona's id.
    pub persona: String,
    /// The theme's name.
    pub theme: String,
    /// The format.
    pub format: Format,
    /// The laid-out document, or why it could not be made.
    pub result: Result<render::Laid, Vec<Diagnostic>>,
}

/// Lays out every persona of the workspace in every theme and persona format (journey
/// maps only for personas with stages), without writing anything: what the page
/// measurements in the tests look at.
pub fn lay_out_all(ws: &Workspace, base: &Base) -> Result<Vec<LaidOut>, Diagnostic> {
    let mut laid = Vec::new();
    let logos: Vec<_> = ws.themes.iter().map(read_logo).collect::<Result<_, _>>()?;
    for path in &ws.persona_files {
        let source = ws.load_persona(path)?;
        let photo = read_photo(&source)?;
        for (theme, logo) in ws.themes.iter().zip(&logos) {
            let logo = logo.clone();
            let assets: HashMap<String, Bytes> = photo.clone().into_iter().chain(logo).collect();
            let formats = ws.formats.iter().filter(|f| !f.is_overview());
            for &format in formats.filter(|f| !f.is_journey() || !source.persona.journey.is_empty())
            {
                let job = Job {
                    persona: &source,
                    theme,
                    format,
                    project: &ws.project,
                    assets: &assets,
                    extra: None,
                };
                laid.push(LaidOut {
                    persona: source.id.clone(),
                    theme: theme.theme.name.clone(),
                    format,
                    result: render::lay_out(base, &job),
                });
            }
        }
    }
    Ok(laid)
}
