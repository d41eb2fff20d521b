//! The parts of a document's cache key that the run computes once.

use crate::digest::sha256_hex;
use crate::spec::workspace::Workspace;
use crate::world::Base;

use super::RunOptions;
use super::cache::KeyBuilder;
use super::load::Logo;

/// Hashes each theme and its logo bytes.
pub(super) fn theme_fingerprints(ws: &Workspace, logos: &[Logo]) -> Vec<String> {
    let themes = ws.themes.iter().zip(logos);
    themes
        .map(|(theme, logo)| {
            let json = serde_json::to_vec(&theme.theme).unwrap_or_default();
            let logo = match logo {
                Ok(Some((_, bytes))) => bytes.as_slice(),
                _ => &[],
            };
            KeyBuilder::new(&[&json, logo]).finish()
        })
        .collect()
}

/// The part of every document's key that the whole run shares: templates and fonts,
/// the project's settings, the output intent and the date source. Which personas,
/// themes and formats the project lists is not part of it (each document's key names
/// its own), so adding or dropping one renders no other document again.
pub(super) fn shared_key(ws: &Workspace, base: &Base, options: &RunOptions) -> KeyBuilder {
    let settings = crate::spec::project::Project {
        personas: None,
        themes: None,
        formats: None,
        format: Default::default(),
        ..ws.project.clone()
    };
    let project = format!("{settings:?}").into_bytes();
    let intent = options
        .output_intent
        .as_ref()
        .map(|i| sha256_hex(&i.profile))
        .unwrap_or_default();
    let epoch = options
        .source_date_epoch
        .map(|s| s.to_string())
        .unwrap_or_default();
    KeyBuilder::new(&[
        base.fingerprint().as_bytes(),
        &project,
        intent.as_bytes(),
        epoch.as_bytes(),
    ])
}
