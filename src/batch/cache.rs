//! Incremental rendering: a document whose inputs (spec, theme, photo and logo
//! bytes, templates, fonts, print options, program version) are unchanged since
//! the last run is not rendered again; its entry in report.json carries over.

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::report::{Entry, Outcome};
use crate::diag::Diagnostic;
use crate::format::Format;
use crate::render::output::{hex, sha256_hex};

/// The documents of the previous run, by persona, theme and format.
#[derive(Debug, Default)]
pub struct Previous {
    entries: HashMap<(String, Option<String>, Option<Format>), Entry>,
}

impl Previous {
    /// Reads `OUT/report.json` of the previous run; a missing or unreadable one means none.
    pub fn load(out: &Path) -> Self {
        let text = std::fs::read_to_string(out.join("report.json")).unwrap_or_default();
        let documents: Vec<Entry> = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| serde_json::from_value(v.get("documents")?.clone()).ok())
            .unwrap_or_default();
        let entries = documents
            .into_iter()
            .map(|e| ((e.persona.clone(), e.theme.clone(), e.format), e))
            .collect();
        Previous { entries }
    }

    /// Fills `outcome` from the previous run when its key matches and the file is still
    /// the one that run wrote; returns whether it did.
    pub fn reuse(&self, outcome: &mut Outcome, key: &str, out: &Path) -> bool {
        let id = (
            outcome.persona.clone(),
            outcome.theme.clone(),
            outcome.format,
        );
        let Some(entry) = self.entries.get(&id) else {
            return false;
        };
        let (Some(file), Some(sha)) = (&entry.file, &entry.sha256) else {
            return false;
        };
        let path = out.join(file);
        let unchanged = entry.key.as_deref() == Some(key) && entry.errors.is_empty();
        if !unchanged
            || std::fs::read(&path)
                .map(|bytes| sha256_hex(&bytes))
                .ok()
                .as_ref()
                != Some(sha)
        {
            return false;
        }
        outcome.path = Some(path);
        outcome.pages = entry.pages;
        outcome.bytes = entry.bytes;
        outcome.sha256 = Some(sha.clone());
        outcome.fit = entry.fit;
        outcome.warnings = entry
            .warnings
            .iter()
            .map(|w| Diagnostic::warning(w.clone()))
            .collect();
        outcome.key = Some(key.to_string());
        outcome.skipped = true;
        true
    }
}

/// Builds the key of one document from its parts.
#[derive(Clone)]
pub struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// Starts with what every document of the run shares.
    pub fn new(shared: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        for part in shared {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        KeyBuilder(hasher)
    }

    /// Adds a part, length-prefixed so that parts cannot run into each other.
    pub fn part(mut self, bytes: &[u8]) -> Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The key as hex.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}
