//! Laying out a workspace's documents in process, writing nothing: what the tests
//! measure on the page.

use std::collections::HashMap;

use typst::foundations::Bytes;

use crate::diag::Diagnostic;
use crate::render::{self, Job};
use crate::spec::format::Format;
use crate::spec::workspace::{PersonaSource, Workspace};
use crate::world::Base;

use super::load::{read_logo, read_photo};
use super::overview::{overview_data, overview_source, sheet_photo};

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
    let sources = ws
        .persona_files
        .iter()
        .flat_map(|path| ws.load_sources(path));
    for source in sources {
        let source = source?;
        let photo = read_photo(&source)?;
        for (theme, logo) in ws.themes.iter().zip(&logos) {
            let logo = logo.clone();
            let assets: HashMap<String, Bytes> = photo.clone().into_iter().chain(logo).collect();
            let formats = ws.formats.iter().filter(|f| !f.is_overview());
            for format in formats.filter(|f| !f.is_journey() || !source.persona.journey.is_empty())
            {
                let job = Job {
                    persona: &source,
                    theme,
                    format,
                    project: &ws.project,
                    assets: &assets,
                    extra: None,
                };
                laid.push(LaidOut::of(base, &job));
            }
        }
    }
    Ok(laid)
}

/// Lays out the overview sheet of every persona of the workspace in `format`, once per
/// theme, with the photos as they are (not reduced), writing nothing.
pub fn lay_out_overviews(
    ws: &Workspace,
    base: &Base,
    format: &Format,
) -> Result<Vec<LaidOut>, Diagnostic> {
    let sources: Vec<_> = ws
        .persona_files
        .iter()
        .flat_map(|path| ws.load_sources(path))
        .collect::<Result<_, _>>()?;
    let (photos, assets) = full_size_photos(&sources)?;
    let cards: Vec<_> = sources.iter().zip(photos).collect();
    let sheet = overview_source(ws);
    let mut laid = Vec::new();
    for theme in &ws.themes {
        let mut assets = assets.clone();
        assets.extend(read_logo(theme)?);
        let extra = overview_data(&cards, theme, format, &ws.project);
        let job = Job {
            persona: &sheet,
            theme,
            format,
            project: &ws.project,
            assets: &assets,
            extra: Some(&extra),
        };
        laid.push(LaidOut::of(base, &job));
    }
    Ok(laid)
}

/// Images by virtual path, as a job serves them.
type Assets = HashMap<String, Bytes>;

/// Each persona's photo as the sheet names it, and the photos by that name.
fn full_size_photos(
    sources: &[PersonaSource],
) -> Result<(Vec<Option<String>>, Assets), Diagnostic> {
    let mut assets = HashMap::new();
    let mut names = Vec::new();
    for source in sources {
        names.push(read_photo(source)?.map(|photo| {
            let (path, bytes) = sheet_photo(&source.id, photo, u32::MAX);
            assets.insert(path.clone(), bytes);
            path
        }));
    }
    Ok((names, assets))
}

impl LaidOut {
    /// `job` laid out.
    fn of(base: &Base, job: &Job) -> Self {
        LaidOut {
            persona: job.persona.id.clone(),
            theme: job.theme.theme.name.clone(),
            format: job.format.clone(),
            result: render::lay_out(base, job),
        }
    }
}
