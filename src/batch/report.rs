//! The outcome of each document and `report.json`, the machine-readable record of a run.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::render::resample::Resampled;
use crate::spec::format::Format;
use crate::spec::workspace::{PersonaSource, ThemeSource};

/// What a document shows: one persona, or every persona of the project.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The persona's id, or the file stem when its file could not be loaded.
    Persona(String),
    /// The project's overview sheet.
    Overview,
}

impl Subject {
    /// The persona's id; [`OVERVIEW_ID`] (`*`) for the overview, as report.json names it.
    pub fn id(&self) -> &str {
        match self {
            Subject::Persona(id) => id,
            Subject::Overview => OVERVIEW_ID,
        }
    }
}

/// How report.json names the overview sheet's subject: every persona.
pub const OVERVIEW_ID: &str = "*";

/// What happened to one document (or to a persona file that could not be loaded).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The persona the document shows, or the overview.
    pub subject: Subject,
    /// The persona file.
    pub persona_file: PathBuf,
    /// The theme's name; `None` when the persona could not be loaded.
    pub theme: Option<String>,
    /// The format; `None` when the persona could not be loaded.
    pub format: Option<Format>,
    /// The file written, if any.
    pub path: Option<PathBuf>,
    /// Pages laid out.
    pub pages: usize,
    /// Bytes written.
    pub bytes: u64,
    /// SHA-256 of the file written.
    pub sha256: Option<String>,
    /// The type scale the document needed to fit (1.0 = as designed).
    pub fit: f64,
    /// Warnings: the document is written all the same.
    pub warnings: Vec<Diagnostic>,
    /// Errors: the document failed.
    pub errors: Vec<Diagnostic>,
    /// The hash of every input of the document, for incremental rendering.
    pub key: Option<String>,
    /// The inputs were unchanged and the earlier file was kept.
    pub skipped: bool,
    /// Why the document was not made although nothing is wrong, e.g. a journey map
    /// for a persona without journey stages.
    pub note: Option<String>,
    /// Photos printed far above what a press resolves, resampled to 300 ppi.
    pub resampled: Vec<Resampled>,
}

impl Outcome {
    /// A persona's document about to be rendered.
    pub fn new(persona: &PersonaSource, theme: &ThemeSource, format: &Format) -> Self {
        Outcome {
            subject: Subject::Persona(persona.id.clone()),
            persona_file: persona.path.clone(),
            theme: Some(theme.theme.name.clone()),
            format: Some(format.clone()),
            ..Self::blank()
        }
    }

    /// A persona file that could not be loaded: none of its documents were made.
    pub fn failed_persona(label: String, path: &Path, error: Diagnostic) -> Self {
        Outcome {
            subject: Subject::Persona(label),
            persona_file: path.to_path_buf(),
            theme: None,
            format: None,
            errors: vec![error],
            ..Self::blank()
        }
    }

    fn blank() -> Self {
        Outcome {
            subject: Subject::Persona(String::new()),
            persona_file: PathBuf::new(),
            theme: None,
            format: None,
            path: None,
            pages: 0,
            bytes: 0,
            sha256: None,
            fit: 1.0,
            warnings: vec![],
            errors: vec![],
            key: None,
            skipped: false,
            note: None,
            resampled: vec![],
        }
    }

    /// Files findings under warnings or errors by their severity.
    pub fn add(&mut self, findings: Vec<Diagnostic>) {
        for finding in findings {
            match finding.severity {
                crate::diag::Severity::Error => self.errors.push(finding),
                crate::diag::Severity::Warning => self.warnings.push(finding),
            }
        }
    }

    /// Whether the document failed.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `peter poster-a2` or `peter` for a persona that did not load.
    pub fn label(&self) -> String {
        match (&self.subject, &self.format) {
            (Subject::Overview, Some(format)) => format.to_string(),
            (subject, Some(format)) => format!("{} {format}", subject.id()),
            (subject, None) => subject.id().to_string(),
        }
    }
}

/// The whole run, as written to `OUT/report.json`.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The program and version that wrote the report.
    pub generator: String,
    /// The project's title.
    pub title: Option<String>,
    /// Counts over all documents.
    pub summary: Summary,
    /// One entry per document or failed persona.
    pub documents: Vec<Entry>,
    /// Files of documents the project no longer makes (a deleted or renamed
    /// persona's, a format or theme taken out) that this run removed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// Counts over all documents.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Documents planned (or persona files that failed to load).
    pub documents: usize,
    /// PDF files written.
    pub written: usize,
    /// Documents that failed.
    pub failed: usize,
    /// Warnings over all documents.
    pub warnings: usize,
    /// Errors over all documents.
    pub errors: usize,
    /// Documents whose inputs were unchanged, not rendered again.
    pub skipped: usize,
    /// Documents not made because they do not apply (see each entry's `note`).
    pub notes: usize,
}

/// One line of the report.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct Entry {
    pub persona: String,
    pub persona_file: String,
    pub theme: Option<String>,
    /// The format's name.
    pub format: Option<String>,
    /// Path of the PDF, relative to the output folder.
    pub file: Option<String>,
    pub pages: usize,
    pub bytes: u64,
    pub sha256: Option<String>,
    pub fit: f64,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    /// The hash of the document's inputs; an unchanged key means nothing to render.
    #[serde(default)]
    pub key: Option<String>,
    /// Whether this run kept the earlier file because the inputs were unchanged.
    #[serde(default)]
    pub skipped: bool,
    /// Why the document was not made although nothing is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Photos resampled to 300 ppi because they were printed far above it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resampled: Vec<Resampled>,
}

impl Report {
    /// Folds outcomes into a report; paths relative to `out` and `root`.
    pub fn new(title: Option<String>, outcomes: &[Outcome], out: &Path, root: &Path) -> Self {
        let documents = outcomes.iter().map(|o| Entry::of(o, out, root)).collect();
        Report {
            generator: format!("personapress {}", env!("CARGO_PKG_VERSION")),
            title,
            summary: summarize(outcomes),
            documents,
            removed: Vec::new(),
        }
    }

    /// The report with the files of documents the project no longer makes that the run removed.
    pub fn with_removed(mut self, removed: Vec<String>) -> Self {
        self.removed = removed;
        self
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises") + "\n"
    }
}

/// Counts over all outcomes.
pub(crate) fn summarize(outcomes: &[Outcome]) -> Summary {
    Summary {
        documents: outcomes.len(),
        written: outcomes.iter().filter(|o| o.path.is_some()).count(),
        failed: outcomes.iter().filter(|o| o.failed()).count(),
        warnings: outcomes.iter().map(|o| o.warnings.len()).sum(),
        errors: outcomes.iter().map(|o| o.errors.len()).sum(),
        skipped: outcomes.iter().filter(|o| o.skipped).count(),
        notes: outcomes.iter().filter(|o| o.note.is_some()).count(),
    }
}

impl Entry {
    /// The report line of `o`, its paths relative to `out` and `root`.
    pub fn of(o: &Outcome, out: &Path, root: &Path) -> Entry {
        let relative = |path: &Path, base: &Path| {
            path.strip_prefix(base)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/")
        };
        Entry {
            persona: o.subject.id().to_string(),
            persona_file: relative(&o.persona_file, root),
            theme: o.theme.clone(),
            format: o.format.as_ref().map(|f| f.name().to_string()),
            file: o.path.as_deref().map(|p| relative(p, out)),
            pages: o.pages,
            bytes: o.bytes,
            sha256: o.sha256.clone(),
            fit: o.fit,
            warnings: o.warnings.iter().map(Diagnostic::one_line).collect(),
            errors: o.errors.iter().map(Diagnostic::one_line).collect(),
            key: o.key.clone(),
            skipped: o.skipped,
            note: o.note.clone(),
            resampled: o.resampled.clone(),
        }
    }
}
