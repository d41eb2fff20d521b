//! Outputs of documents the project no longer makes: a deleted or renamed persona's
//! PDFs stayed in the output folder for ever while report.json dropped them, and
//! "send the folder" shipped them. The cache remembers what earlier runs wrote; a
//! render removes the files of documents that are gone, when they are still the
//! files personapress wrote, and the report lists them.

use std::collections::HashSet;
use std::path::Path;

use super::cache::{DocumentId, Previous, id_of};
use super::paths::thumbnail_path;
use super::report::{Entry, Outcome};
use crate::digest::sha256_hex;
use crate::spec::workspace::Workspace;

/// What this run knows of the documents the project makes now.
pub(super) struct Current {
    /// Every document this run planned.
    planned: HashSet<DocumentId>,
    /// Persona files that failed to load: their documents are not known, so kept.
    failed_files: HashSet<String>,
    /// The ids of the personas this run made documents of (a persona file moved keeps
    /// its id, and its other formats are not stale).
    present: HashSet<String>,
    /// Whether this run planned every document of the project (no `--formats`,
    /// `--theme`, shard or single persona): then whatever it did not plan is gone.
    complete: bool,
}

impl Current {
    /// What `outcomes` say of the project's documents, in a run that planned all of
    /// them when `complete`.
    pub(super) fn new(outcomes: &[Outcome], ws: &Workspace, complete: bool) -> Self {
        let entries: Vec<Entry> = outcomes
            .iter()
            .map(|o| Entry::of(o, &ws.out, &ws.root))
            .collect();
        Current {
            planned: entries
                .iter()
                .filter(|e| e.format.is_some())
                .map(id_of)
                .collect(),
            failed_files: entries
                .iter()
                .filter(|e| e.format.is_none())
                .map(|e| e.persona_file.clone())
                .collect(),
            present: entries.iter().map(|e| e.persona.clone()).collect(),
            complete,
        }
    }

    /// Whether an earlier run's document is one the project no longer makes.
    fn is_stale(&self, entry: &Entry, root: &Path) -> bool {
        if self.planned.contains(&id_of(entry)) || self.failed_files.contains(&entry.persona_file) {
            return false;
        }
        let gone = entry.persona != super::OVERVIEW_ID
            && !self.present.contains(&entry.persona)
            && !root.join(&entry.persona_file).exists();
        self.complete || gone
    }
}

/// Removes the files of earlier runs' documents the project no longer makes, where
/// they are still as personapress wrote them, and drops them from the cache; the
/// files removed, relative to the output folder. A file changed since is kept.
pub(super) fn remove_stale(
    previous: &mut Previous,
    current: &Current,
    ws: &Workspace,
) -> Vec<String> {
    let stale = previous.take_stale(|entry| current.is_stale(entry, &ws.root));
    let mut removed = Vec::new();
    for entry in stale {
        let (Some(file), Some(sha)) = (&entry.file, &entry.sha256) else {
            continue;
        };
        let Some(pdf) = output_file(&ws.out, file) else {
            continue;
        };
        // Hashed afresh: the file goes only when it is the very one personapress wrote.
        let unchanged = std::fs::read(&pdf).is_ok_and(|bytes| &sha256_hex(&bytes) == sha);
        if unchanged && std::fs::remove_file(&pdf).is_ok() {
            remove_companions(&ws.out, &pdf);
            removed.push(file.clone());
        }
    }
    removed
}

/// The PDF a cache entry names, when it is one personapress may have written: a
/// relative path of plain names inside the output folder, ending in `.pdf` (a cache file
/// is a file like any other, and may have been edited or shipped with the folder).
fn output_file(out: &Path, file: &str) -> Option<std::path::PathBuf> {
    let relative = Path::new(file);
    let plain = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let pdf = relative.extension().is_some_and(|e| e == "pdf");
    let path = out.join(relative);
    let inside = std::fs::canonicalize(path.parent()?)
        .ok()?
        .starts_with(std::fs::canonicalize(out).ok()?);
    (plain && pdf && inside && !path.is_symlink()).then_some(path)
}

/// A removed PDF's thumbnail and PNG preview, and their folders once empty.
fn remove_companions(out: &Path, pdf: &Path) {
    let thumbnail = thumbnail_path(out, pdf);
    let _ = std::fs::remove_file(&thumbnail);
    let _ = std::fs::remove_file(pdf.with_extension("png"));
    remove_empty_folders(out, pdf);
    remove_empty_folders(out, &thumbnail);
}

/// The folders of `file` inside `out`, innermost first, as long as they are empty.
fn remove_empty_folders(out: &Path, file: &Path) {
    let mut folder = file.parent();
    while let Some(dir) = folder.filter(|dir| dir.starts_with(out) && *dir != out) {
        // Only an empty folder can be removed: one holding anything stays.
        if std::fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
}
