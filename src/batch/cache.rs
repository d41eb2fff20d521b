//! Incremental rendering: a document whose inputs (spec, theme, photo and logo
//! bytes, templates, fonts, print options, program version) are unchanged since
//! the last run is not rendered again; its entry in report.json carries over, and
//! [`CACHE_FILE`] keeps every document's key across runs that plan only some.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use sha2::{Digest, Sha256};

use super::report::{Entry, Outcome};
use crate::diag::Diagnostic;
use crate::digest::{hex, sha256_hex};

/// The file, in the output folder, that keeps every document's key between runs: this
/// run's documents and those of earlier runs that this one did not plan (a `-f` or
/// `--theme` run leaves the other documents' cache as it was).
pub(crate) const CACHE_FILE: &str = ".personapress-cache.json";

/// The cache file in `out` of a run whose bookkeeping files end in `suffix`
/// (`.shard-2-of-3` for a shard, else nothing).
pub(crate) fn cache_file(out: &Path, suffix: &str) -> PathBuf {
    out.join(CACHE_FILE.replace(".json", &format!("{suffix}.json")))
}

/// The digests file in `out` of a run whose bookkeeping files end in `suffix`.
pub(crate) fn digests_file(out: &Path, suffix: &str) -> PathBuf {
    out.join(DIGESTS_FILE.replace(".json", &format!("{suffix}.json")))
}

/// What to do about a shard's document that a merge cannot take.
pub(crate) const RENDER_SHARD_AGAIN: &str =
    "render the shard again (`render --shard K/N`), then merge";

/// The identity of a document: persona, theme and format name.
pub(crate) type DocumentId = (String, Option<String>, Option<String>);

/// The documents earlier runs wrote, by persona, theme and format.
#[derive(Debug, Default)]
pub(crate) struct Previous {
    entries: HashMap<DocumentId, Entry>,
}

impl Previous {
    /// Reads a cache file (the [`CACHE_FILE`] in the output folder, or a shard's);
    /// a missing or unreadable one means none.
    pub(crate) fn load(file: &Path) -> Self {
        let entries = read_entries(file)
            .into_iter()
            .map(|e| (id_of(&e), e))
            .collect();
        Previous { entries }
    }

    /// Writes this run's documents, and the earlier ones it did not plan, to the cache
    /// `file` in `out` for the next run.
    pub(crate) fn save(
        &self,
        outcomes: &[Outcome],
        (out, root): (&Path, &Path),
        file: &Path,
    ) -> std::io::Result<()> {
        let current: Vec<Entry> = outcomes.iter().map(|o| Entry::of(o, out, root)).collect();
        let planned: std::collections::HashSet<DocumentId> = current.iter().map(id_of).collect();
        let mut kept: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|(id, _)| !planned.contains(*id))
            .map(|(_, e)| e)
            .collect();
        kept.sort_by_key(|e| id_of(e));
        let all: Vec<&Entry> = current.iter().chain(kept).collect();
        write_entries(&all, file)
    }

    /// Fills `outcome` from the previous run when its key matches and the file is still
    /// the one that run wrote; returns whether it did.
    pub(crate) fn reuse(
        &self,
        outcome: &mut Outcome,
        key: &str,
        out: &Path,
        digests: &Digests,
    ) -> bool {
        let Some(entry) = self.entries.get(&id_of_outcome(outcome)) else {
            return false;
        };
        let (Some(file), Some(sha)) = (&entry.file, &entry.sha256) else {
            return false;
        };
        let path = out.join(file);
        let unchanged = entry.key.as_deref() == Some(key) && entry.errors.is_empty();
        if !unchanged || digests.digest(&path).as_ref() != Some(sha) {
            return false;
        }
        outcome.path = Some(path);
        fill(outcome, entry);
        outcome.key = Some(key.to_string());
        outcome.skipped = true;
        true
    }
}

impl Previous {
    /// Takes out of the cache the entries `stale` picks, for their files to be removed.
    pub(crate) fn take_stale(&mut self, stale: impl Fn(&Entry) -> bool) -> Vec<Entry> {
        let ids: Vec<DocumentId> = self
            .entries
            .iter()
            .filter(|(_, entry)| stale(entry))
            .map(|(id, _)| id.clone())
            .collect();
        let mut taken: Vec<Entry> = ids
            .iter()
            .filter_map(|id| self.entries.remove(id))
            .collect();
        taken.sort_by_key(id_of);
        taken
    }
}

/// The entries of a cache file, read one by one: one that no longer parses is dropped,
/// and the others are still reused; a missing or unreadable file has none.
pub(crate) fn read_entries(file: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let documents: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
    documents
        .into_iter()
        .filter_map(|e| serde_json::from_value::<Entry>(e).ok())
        .collect()
}

/// Writes `entries` as a cache file.
pub(crate) fn write_entries(entries: &[&Entry], file: &Path) -> std::io::Result<()> {
    let json = serde_json::to_vec(entries).map_err(std::io::Error::other)?;
    crate::render::output::write_atomic(file, &json)
}

impl Previous {
    /// Fills `outcome` as a shard's cache left it, errors and notes included, for a
    /// merge; an error when no shard made the document, made it from other inputs
    /// (`key`), or its file is not the one the shard wrote.
    pub(crate) fn take_over(
        &self,
        outcome: &mut Outcome,
        key: &str,
        out: &Path,
        digests: &Digests,
    ) -> Result<(), Diagnostic> {
        let Some(entry) = self.entries.get(&id_of_outcome(outcome)) else {
            let message = "no shard made this document";
            let hint = "run every shard, `render --shard K/N` for K = 1 to N, and name each one's output folder";
            return Err(Diagnostic::error(message).with_hint(hint));
        };
        if entry.key.as_deref() != Some(key) {
            let message =
                "the shard made this document from other inputs than the project holds now";
            return Err(Diagnostic::error(message).with_hint(RENDER_SHARD_AGAIN));
        }
        if let Some(file) = &entry.file {
            let path = out.join(file);
            if digests.digest(&path) != entry.sha256 {
                let message = format!("the shard's file {} is missing or changed", path.display());
                return Err(Diagnostic::error(message).with_hint(RENDER_SHARD_AGAIN));
            }
            outcome.path = Some(path);
        }
        fill(outcome, entry);
        outcome.errors = entry
            .errors
            .iter()
            .map(|e| Diagnostic::error(e.clone()))
            .collect();
        outcome.note = entry.note.clone();
        outcome.key = Some(key.to_string());
        outcome.skipped = entry.skipped;
        Ok(())
    }
}

/// The entry's numbers, checksum, warnings and resampled photos, copied into `outcome`.
fn fill(outcome: &mut Outcome, entry: &Entry) {
    outcome.pages = entry.pages;
    outcome.bytes = entry.bytes;
    outcome.sha256 = entry.sha256.clone();
    outcome.fit = entry.fit;
    outcome.warnings = entry
        .warnings
        .iter()
        .map(|w| Diagnostic::warning(w.clone()))
        .collect();
    outcome.resampled = entry.resampled.clone();
}

/// The identity of the document `outcome` is about.
fn id_of_outcome(outcome: &Outcome) -> DocumentId {
    (
        outcome.subject.id().to_string(),
        outcome.theme.clone(),
        outcome.format.as_ref().map(|f| f.name().to_string()),
    )
}

/// The identity of the document an entry is about.
pub(crate) fn id_of(entry: &Entry) -> DocumentId {
    (
        entry.persona.clone(),
        entry.theme.clone(),
        entry.format.clone(),
    )
}

/// What a file looked like when its digest was taken: another length or
/// modification time means it has to be read and hashed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    len: u64,
    modified_ns: u64,
}

impl Stamp {
    /// The stamp of the file at `path` now, if it can be read.
    pub(crate) fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified_ns: u64::try_from(modified.as_nanos()).ok()?,
        })
    }
}

/// A file's stamp and the SHA-256 of its contents at that stamp.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Known {
    #[serde(flatten)]
    stamp: Stamp,
    sha256: String,
}

/// SHA-256 digests of input photos and written PDFs, kept between runs in
/// `OUT/.personapress-digests.json`, so that an unchanged re-run reads neither.
#[derive(Debug, Default)]
pub(crate) struct Digests {
    previous: HashMap<PathBuf, Known>,
    /// What this run hashed or confirmed: the next run's `previous`.
    current: Mutex<HashMap<PathBuf, Known>>,
}

/// The file, in the output folder, that keeps [`Digests`] between runs.
pub(crate) const DIGESTS_FILE: &str = ".personapress-digests.json";

impl Digests {
    /// The digests the previous run left in `file`; none when it is missing or unreadable.
    pub(crate) fn load(file: &Path) -> Self {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        Digests {
            previous: serde_json::from_str(&text).unwrap_or_default(),
            current: Mutex::default(),
        }
    }

    /// The digest of the file at `path` if it is unchanged since it was last hashed.
    pub(crate) fn unchanged(&self, path: &Path) -> Option<String> {
        let known = self.previous.get(path)?;
        if Stamp::of(path)? != known.stamp {
            return None;
        }
        self.keep(path, known.clone());
        Some(known.sha256.clone())
    }

    /// The digest of the file at `path`: remembered when unchanged, else read and hashed.
    pub(crate) fn digest(&self, path: &Path) -> Option<String> {
        if let Some(sha) = self.unchanged(path) {
            return Some(sha);
        }
        let stamp = Stamp::of(path)?;
        let sha = sha256_hex(&std::fs::read(path).ok()?);
        self.record(path, stamp, &sha);
        Some(sha)
    }

    /// Remembers that the file at `path` had digest `sha` when it had `stamp`
    /// (take the stamp before reading, so that a change while reading shows next time).
    pub(crate) fn record(&self, path: &Path, stamp: Stamp, sha: &str) {
        let sha256 = sha.to_string();
        self.keep(path, Known { stamp, sha256 });
    }

    fn keep(&self, path: &Path, known: Known) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.insert(path.to_path_buf(), known);
    }

    /// Writes what this run hashed or confirmed to `file`, for the next run.
    pub(crate) fn save(&self, file: &Path) -> std::io::Result<()> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let json = serde_json::to_vec(&*current).map_err(std::io::Error::other)?;
        crate::render::output::write_atomic(file, &json)
    }
}

/// Builds the key of one document from its parts.
#[derive(Clone)]
pub(crate) struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// Starts with what every document of the run shares.
    pub(crate) fn new(shared: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        for part in shared {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        KeyBuilder(hasher)
    }

    /// Adds a part, length-prefixed so that parts cannot run into each other.
    pub(crate) fn part(mut self, bytes: &[u8]) -> Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The key as hex.
    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::format::Formats;

    /// A written document's outcome: `file` (inside `out`) in `format` with `key`.
    fn written(out: &Path, format: &str, key: &str) -> Outcome {
        let table = Formats::new(&Default::default()).unwrap();
        let path = out.join(format!("p/p.{format}.pdf"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("%PDF {format} {key}")).unwrap();
        let mut outcome = Outcome::failed_persona(
            "p".into(),
            Path::new("personas/p.toml"),
            Diagnostic::error(""),
        );
        outcome.errors.clear();
        outcome.theme = Some("T".into());
        outcome.format = table.parse(format).ok();
        outcome.sha256 = Some(sha256_hex(&std::fs::read(&path).unwrap()));
        outcome.key = Some(key.into());
        outcome.path = Some(path);
        outcome.subject = crate::batch::Subject::Persona("p".into());
        outcome
    }

    fn cache(out: &Path) -> PathBuf {
        out.join(CACHE_FILE)
    }

    /// A fresh outcome of the same document, about to be rendered.
    fn planned(format: &str) -> Outcome {
        let mut outcome = written(&std::env::temp_dir().join("pp-cache-unused"), format, "");
        (outcome.path, outcome.sha256, outcome.key) = (None, None, None);
        outcome
    }

    #[test]
    fn an_unchanged_document_is_reused_and_a_changed_input_or_file_is_not() {
        let out = tempfile::tempdir().unwrap();
        let done = written(out.path(), "poster-a2", "k1");
        Previous::default()
            .save(
                std::slice::from_ref(&done),
                (out.path(), Path::new(".")),
                &cache(out.path()),
            )
            .unwrap();
        let previous = Previous::load(&cache(out.path()));
        let digests = Digests::default();
        let reuse = |key| previous.reuse(&mut planned("poster-a2"), key, out.path(), &digests);
        assert!(reuse("k1"), "same key, same file");
        assert!(!reuse("k2"), "an input changed");
        std::fs::write(done.path.as_ref().unwrap(), "%PDF edited by hand").unwrap();
        assert!(!reuse("k1"), "the file is not the one written");
    }

    #[test]
    fn a_run_of_some_formats_keeps_the_others_and_a_removed_format_costs_nothing() {
        let out = tempfile::tempdir().unwrap();
        let both = [
            written(out.path(), "poster-a2", "a"),
            written(out.path(), "mousepad", "m"),
        ];
        Previous::default()
            .save(&both, (out.path(), Path::new(".")), &cache(out.path()))
            .unwrap();
        // A `-f mousepad` run: the poster's entry is kept for the next full run.
        let again = written(out.path(), "mousepad", "m2");
        Previous::load(&cache(out.path()))
            .save(&[again], (out.path(), Path::new(".")), &cache(out.path()))
            .unwrap();
        let previous = Previous::load(&cache(out.path()));
        let digests = Digests::default();
        assert!(previous.reuse(&mut planned("poster-a2"), "a", out.path(), &digests));
        assert!(previous.reuse(&mut planned("mousepad"), "m2", out.path(), &digests));
        // An entry of a format no project declares any more is read and left alone.
        let text = std::fs::read_to_string(out.path().join(CACHE_FILE)).unwrap();
        let text = text.replacen("\"mousepad\"", "\"desk-card\"", 1);
        std::fs::write(out.path().join(CACHE_FILE), text).unwrap();
        let previous = Previous::load(&cache(out.path()));
        assert!(previous.reuse(&mut planned("poster-a2"), "a", out.path(), &digests));
        assert!(!previous.reuse(&mut planned("mousepad"), "m2", out.path(), &digests));
    }

    #[test]
    fn a_missing_or_broken_cache_means_no_previous_run() {
        let out = tempfile::tempdir().unwrap();
        assert!(Previous::load(&cache(out.path())).entries.is_empty());
        std::fs::write(out.path().join(CACHE_FILE), "{ not json").unwrap();
        assert!(Previous::load(&cache(out.path())).entries.is_empty());
    }
}
