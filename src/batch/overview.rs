//! The persona-set overview: one sheet per theme and overview format with every
//! loaded persona side by side, laid out after the personas' own documents.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

use rayon::prelude::*;
use typst::foundations::Bytes;

use crate::diag::Diagnostic;
use crate::render::{self, Job};
use crate::spec::format::Format;
use crate::spec::project::Project;
use crate::spec::workspace::{PersonaSource, ThemeSource, Workspace};

use super::Context;
use super::load::{Photo, Ready};
use super::report::{OVERVIEW_ID, Outcome, Subject};

impl Context<'_> {
    /// Renders the overview: every loaded persona side by side, on as many sheets of at
    /// most [`render::CARDS_PER_SHEET`] as it takes.
    pub(super) fn run_overview(&self, ready: &[Ready], theme: usize, format: &Format) -> Outcome {
        let sheet = overview_source(self.ws);
        let mut outcome = Outcome::new(&sheet, &self.ws.themes[theme], format);
        outcome.subject = Subject::Overview;
        if ready.is_empty() {
            outcome.note = Some(format!("no persona loaded, so no {format} was made"));
            return outcome;
        }
        let mut key = self.shared_key.clone();
        for r in ready {
            key = key.part(r.fingerprint.as_bytes());
        }
        let key = key
            .part(format.name().as_bytes())
            .part(self.theme_fingerprints[theme].as_bytes())
            .finish();
        if let Some(stopped) = self.runaways.stopped(&key) {
            outcome.errors.push(stopped);
            return outcome;
        }
        if self.reuse(&mut outcome, &key) {
            return outcome;
        }
        outcome.key = Some(key.clone());
        let _entered = self.in_flight.enter(outcome.label(), key);
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.make_overview(ready, &sheet, theme, format, &mut outcome)
        }));
        ready.iter().for_each(Ready::release_photo);
        if result.is_err() {
            let hint = "this is a bug in personapress: please report it with the project";
            outcome.errors.push(
                Diagnostic::error("internal error while rendering the overview").with_hint(hint),
            );
        }
        outcome
    }

    /// Gathers the personas' data and photos for the overview template, then makes it.
    fn make_overview(
        &self,
        personas: &[Ready],
        sheet: &PersonaSource,
        theme_index: usize,
        format: &Format,
        outcome: &mut Outcome,
    ) {
        let theme = &self.ws.themes[theme_index];
        let mut assets: HashMap<String, Bytes> = HashMap::new();
        match &self.logos[theme_index] {
            Ok(logo) => assets.extend(logo.clone()),
            Err(diag) => return outcome.errors.push(diag.clone()),
        }
        let photos = match self.sheet_photos_of(personas, format) {
            Ok(photos) => photos,
            Err(diag) => return outcome.errors.push(diag),
        };
        let mut cards = Vec::new();
        for (r, photo) in personas.iter().zip(photos) {
            let path = photo.map(|(path, bytes)| {
                assets.insert(path.clone(), bytes);
                path
            });
            cards.push((&r.source, path));
        }
        let extra = overview_data(&cards, theme, format, &self.ws.project);
        let job = Job {
            persona: sheet,
            theme,
            format,
            project: &self.ws.project,
            assets: &assets,
            extra: Some(&extra),
        };
        self.make(&job, outcome);
    }

    /// Every persona's photo as a sheet of `format` embeds it, reduced in parallel.
    fn sheet_photos_of(
        &self,
        personas: &[Ready],
        format: &Format,
    ) -> Result<Vec<Option<(String, Bytes)>>, Diagnostic> {
        let (_, per_sheet) = render::overview_sheets(personas.len());
        let needed_px = overview_photo_px(format, per_sheet);
        personas
            .par_iter()
            .map(|r| self.sheet_photo_of(r, needed_px))
            .collect()
    }
}

impl Context<'_> {
    /// A persona's photo as a sheet that needs `needed_px` embeds it: reduced by the
    /// first theme's sheet, taken from [`Context::sheet_photos`] by the others.
    fn sheet_photo_of(&self, r: &Ready, needed_px: u32) -> Photo {
        let key = (r.source.id.clone(), needed_px);
        let cache = || self.sheet_photos.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache().get(&key) {
            return Ok(Some(found.clone()));
        }
        let photo = r.photo()?.map(|p| sheet_photo(&r.source.id, p, needed_px));
        r.release_photo(); // the sheet keeps only what it embeds
        if let Some(photo) = &photo {
            cache().insert(key, photo.clone());
        }
        Ok(photo)
    }
}

/// A persona's photo as the sheet embeds it: its own virtual path, and the photo
/// reduced to `needed_px` where it is a JPEG much bigger than that.
pub(super) fn sheet_photo(
    id: &str,
    (path, original): (String, Bytes),
    needed_px: u32,
) -> (String, Bytes) {
    match crate::assets::reduce::reduced_jpeg(&original, needed_px) {
        Some(reduced) => (format!("/assets/photo-{id}.jpg"), reduced),
        None => {
            let ext = path.rsplit('.').next().unwrap_or("bin");
            (format!("/assets/photo-{id}.{ext}"), original)
        }
    }
}

/// The overview template's data: each persona as its card shows it (with the virtual
/// path of its photo, where it has one) and how the cards are spread over sheets.
pub(super) fn overview_data(
    cards: &[(&PersonaSource, Option<String>)],
    theme: &ThemeSource,
    format: &Format,
    project: &Project,
) -> serde_json::Value {
    let sizing = render::data::Sizing::DESIGNED;
    let people: Vec<_> = cards
        .iter()
        .map(|(source, photo)| {
            let data = render::data::build(source, theme, format, project, sizing);
            let mut person = data.value["persona"].clone();
            person["quote_marks"] = data.value["quotes"].clone();
            if let Some(path) = photo {
                person["photo"] = serde_json::Value::String(path.clone());
            }
            person
        })
        .collect();
    let (sheets, per_sheet) = render::overview_sheets(cards.len());
    serde_json::json!({ "personas": people, "per_sheet": per_sheet, "sheets": sheets })
}

/// The longest side, in pixels, a photo on an overview sheet of `cards` needs for
/// 300 ppi. As `overview.typ` lays cards out, a photo is at most 45 % of the sheet's
/// height on one row of cards (up to four), 25 % on two rows (up to ten), 16 % on
/// three. Decoding no more than that keeps the sheets' memory and file size in bounds.
fn overview_photo_px(format: &Format, cards: usize) -> u32 {
    let (_, height_mm) = format.trim_mm;
    let share = match cards {
        0..=4 => 0.45,
        5..=10 => 0.25,
        _ => 0.16,
    };
    (height_mm * share / 25.4 * 300.0).ceil() as u32
}

/// The page data of an overview sheet, in the shape the shared templates read a
/// persona in: the project's title as its name, the project's language, the id
/// [`OVERVIEW_ID`]. Only the template sees it; the sheet's outcome is
/// [`Subject::Overview`].
pub(super) fn overview_source(ws: &Workspace) -> PersonaSource {
    let name = ws
        .project
        .title
        .clone()
        .unwrap_or_else(|| "Personas".into());
    PersonaSource {
        persona: crate::spec::persona::Persona {
            name,
            ..Default::default()
        },
        path: ws.project_file.path.clone(),
        id: OVERVIEW_ID.into(),
        language: ws.project.language.unwrap_or_default(),
        photo: None,
        file: ws.project_file.clone(),
    }
}
