//! Persona sources: a persona file, or a spreadsheet's rows, loaded and checked with
//! its id, language and photo resolved.

use std::path::{Path, PathBuf};

use super::persona::{Language, Persona};
use super::workspace::Workspace;
use super::{Loaded, SpecFile, load_toml, resolve_inside};
use crate::diag::Diagnostic;

/// The checks on a parsed persona that the TOML parser cannot make: a name,
/// bounded lists.
pub fn check_persona(loaded: &Loaded<Persona>) -> Result<(), Diagnostic> {
    let persona = &loaded.value;
    if persona.name.chars().all(super::typography::is_invisible) {
        let message = match persona.name.trim().is_empty() {
            true => "the persona's `name` is empty",
            false => {
                "the persona's `name` shows nothing: it holds only invisible characters (zero-width spaces, joiners, marks)"
            }
        };
        return Err(loaded
            .error_at_key("name", message)
            .with_hint("every persona needs a name, e.g. name = \"Peter de Vries\""));
    }
    check_metrics(loaded)?;
    check_updated(loaded)?;
    let as_json = serde_json::to_value(persona).unwrap_or_default();
    if let Some((key, chars, opening)) = overlong_text(&as_json) {
        let message = format!(
            "`{key}` is {chars} characters long; a field may hold at most {MAX_TEXT_CHARS}"
        );
        return Err(loaded
            .file()
            .error_at_key_holding(leaf_key(&key), &opening, message)
            .with_hint("a persona is read from a wall: keep it to what a poster can show"));
    }
    if let Some(key) = oversized_list(&as_json) {
        let message = format!("`{key}` has more than {MAX_LIST_ITEMS} items");
        return Err(loaded
            .error_at_key(&key, message)
            .with_hint("a persona is read from a wall: keep lists short"));
    }
    Ok(())
}

/// Every KPI value and target is a number a metric tile can print.
fn check_metrics(loaded: &Loaded<Persona>) -> Result<(), Diagnostic> {
    let persona = &loaded.value;
    if let Some(metric) = persona
        .metrics
        .iter()
        .find(|m| !showable(m.value) || !m.target.is_none_or(showable))
    {
        let (key, number) = match showable(metric.value) {
            true => ("target", metric.target.unwrap_or_default()),
            false => ("value", metric.value),
        };
        let message = format!(
            "the KPI `{}` has a {key} a poster cannot show ({number:e}; at most {MAX_METRIC:e} either way)",
            metric.label,
        );
        let file = loaded.file();
        let span = super::find_key_in_table_of(&file.text, ("label", &metric.label), key);
        return Err(file
            .error_at(span, message)
            .with_hint("write the number as the poster should show it, e.g. value = 42"));
    }
    Ok(())
}

/// `sources.updated` is a date: TOML also reads `12:00:00` as a (time-of-day) value.
fn check_updated(loaded: &Loaded<Persona>) -> Result<(), Diagnostic> {
    let updated = loaded.value.sources.as_ref().and_then(|s| s.updated);
    match updated {
        Some(updated) if updated.date.is_none() => Err(loaded
            .error_at_key(
                "updated",
                format!("expected a date, found a time of day ({updated})"),
            )
            .with_hint("write the day the persona was last checked, e.g. updated = 2026-03-01")),
        _ => Ok(()),
    }
}

/// The largest KPI value (either way) a metric tile can show.
const MAX_METRIC: f64 = 1e12;

/// Whether a KPI number is finite and short enough to print.
fn showable(value: f64) -> bool {
    value.is_finite() && value.abs() <= MAX_METRIC
}

/// The most items any list in a persona may have.
pub const MAX_LIST_ITEMS: usize = 1000;

/// The key of the first list in the persona (as JSON) with more than [`MAX_LIST_ITEMS`] items.
fn oversized_list(persona: &serde_json::Value) -> Option<String> {
    fn walk(key: &str, value: &serde_json::Value) -> Option<String> {
        match value {
            serde_json::Value::Array(items) if items.len() > MAX_LIST_ITEMS => {
                Some(key.to_string())
            }
            serde_json::Value::Array(items) => items.iter().find_map(|v| walk(key, v)),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| walk(k, v)),
            _ => None,
        }
    }
    walk("", persona)
}

/// The most characters one text field may hold (a story of some 8,000 words): laying out
/// a megabyte of text took a minute and gigabytes before it was found not to fit.
pub const MAX_TEXT_CHARS: usize = 50_000;

/// The key, length and opening words of the first text in the persona (as JSON) longer than
/// [`MAX_TEXT_CHARS`].
fn overlong_text(persona: &serde_json::Value) -> Option<(String, usize, String)> {
    let mut found = None;
    for_each_text(persona, &mut |key, text| {
        let chars = text.chars().count();
        if found.is_none() && chars > MAX_TEXT_CHARS {
            found = Some((key.to_string(), chars, opening_words(text)));
        }
    });
    found
}

/// The first words of a text as its file has them (up to a character TOML may have
/// written escaped), to find which of several `key = ` holds it.
pub(crate) fn opening_words(text: &str) -> String {
    let plain = text
        .chars()
        .take_while(|c| !matches!(c, '"' | '\\' | '\n' | '\''));
    plain.take(24).collect()
}

/// Calls `visit` with every text of a persona (as JSON) and the dotted path of the key
/// it is under (`story`, `quotes.text`, `communication.style`; a list's items under
/// the list's key). The last part is the key as the file writes it ([`leaf_key`]).
pub fn for_each_text(value: &serde_json::Value, visit: &mut dyn FnMut(&str, &str)) {
    fn walk(path: &str, value: &serde_json::Value, visit: &mut dyn FnMut(&str, &str)) {
        match value {
            serde_json::Value::String(text) => visit(path, text),
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(path, v, visit)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| match path {
                "" => walk(k, v, visit),
                _ => walk(&format!("{path}.{k}"), v, visit),
            }),
            _ => {}
        }
    }
    walk("", value, visit)
}

/// The key a dotted path of [`for_each_text`] ends in, as a line of the file assigns it.
pub fn leaf_key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

impl Workspace {
    /// Whether the project overrides the built-in labels with its own `labels.typ`.
    fn has_own_labels(&self) -> bool {
        self.templates
            .as_ref()
            .is_some_and(|dir| dir.join("labels.typ").is_file())
    }
}

/// A persona file loaded and checked, with its id, language and photo resolved.
#[derive(Debug, Clone)]
pub struct PersonaSource {
    /// The persona as written.
    pub persona: Persona,
    /// The file it came from.
    pub path: PathBuf,
    /// Used in output names: `id`, else the file stem.
    pub id: String,
    /// Label language: the persona's, else the project's, else English.
    pub language: Language,
    /// The photo file, checked to lie inside the project.
    pub photo: Option<PathBuf>,
    /// The persona file's text.
    pub file: SpecFile,
}

impl PersonaSource {
    /// An error pointing at `key` in the persona's file.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        self.file.error_at_key(key, message)
    }
}

/// Whether `id` can be part of a file name: letters, digits, `-`, `_` and `.`, not first.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c))
        && !id.starts_with('.')
}

/// The persona's `id`, else `default` (its file name, a row's name); an error when it
/// cannot be part of a file name.
fn persona_id(loaded: &Loaded<Persona>, default: String) -> Result<String, Diagnostic> {
    let id = loaded.value.id.clone().unwrap_or(default);
    match is_valid_id(&id) {
        true => Ok(id),
        false => Err(loaded
            .error_at_key("id", format!("the id `{id}` cannot be used in a file name"))
            .with_hint("use letters, digits, `-` and `_` only, e.g. id = \"peter\"")),
    }
}

/// A persona that could not be loaded: what to call it and why.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// The persona's id where its spreadsheet row gives one, else the file's stem.
    pub label: String,
    /// What is wrong (boxed: a result holding it stays small).
    pub error: Box<Diagnostic>,
    /// Further findings of the same check, e.g. one per field.
    pub more: Vec<Diagnostic>,
}

impl LoadError {
    /// The one finding `error` of the source called `label`.
    pub fn new(label: String, error: Diagnostic) -> Self {
        LoadError {
            label,
            error: Box::new(error),
            more: Vec::new(),
        }
    }

    /// An error of the source `path` as a whole, called by its stem.
    fn of_file(path: &Path, error: Diagnostic) -> Self {
        let label = path.file_stem().unwrap_or_default().to_string_lossy();
        LoadError::new(label.into_owned(), error)
    }
}

impl From<LoadError> for Diagnostic {
    fn from(failed: LoadError) -> Self {
        *failed.error
    }
}

impl Workspace {
    /// The personas of one persona source: a TOML file's one, or each row of a
    /// spreadsheet (a bad row an error of its own, named by its id, the others unharmed).
    pub fn load_sources(&self, path: &Path) -> Vec<Result<PersonaSource, LoadError>> {
        if !super::sheet::is_sheet(path) {
            return vec![
                self.load_persona(path)
                    .map_err(|e| LoadError::of_file(path, e)),
            ];
        }
        let rows = match super::sheet::read_personas(path) {
            Err(diag) => return vec![Err(LoadError::of_file(path, diag))],
            Ok(rows) => rows,
        };
        let load_row = |row: super::sheet::SheetPersona| {
            let loaded = super::parse_sheet_toml(path, &row);
            loaded
                .and_then(|loaded| self.source_of(loaded, path))
                .map_err(|error| LoadError::new(row.cells.id().to_string(), error))
        };
        rows.into_iter()
            .map(|row| {
                row.map_err(|e| LoadError::of_file(path, e))
                    .and_then(load_row)
            })
            .collect()
    }

    /// Loads one persona file and checks what the TOML parser cannot.
    pub fn load_persona(&self, path: &Path) -> Result<PersonaSource, Diagnostic> {
        self.source_of(load_toml(path)?, path)
    }

    /// A parsed persona checked, with its id (by default its file's stem, or the id its
    /// spreadsheet row was given), language and photo resolved.
    fn source_of(&self, loaded: Loaded<Persona>, path: &Path) -> Result<PersonaSource, Diagnostic> {
        check_persona(&loaded)?;
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let default = loaded
            .cells
            .as_ref()
            .map_or(stem, |cells| cells.id().to_string());
        let id = persona_id(&loaded, default)?;
        let photo =
            match &loaded.value.photo {
                Some(photo) => Some(resolve_inside(loaded.dir(), photo, &self.root).map_err(
                    |message| loaded.error_at_key("photo", format!("the photo {message}")),
                )?),
                None => None,
            };
        let language = self.language_of(&loaded)?;
        Ok(PersonaSource {
            persona: loaded.value.clone(),
            path: path.to_path_buf(),
            id,
            language,
            photo,
            file: loaded.file(),
        })
    }

    /// The persona's language, else the project's, else English; an error when no labels have it.
    fn language_of(&self, loaded: &Loaded<Persona>) -> Result<Language, Diagnostic> {
        let written = loaded.value.language;
        let language = written.or(self.project.language).unwrap_or_default();
        if language.is_built_in() || self.has_own_labels() {
            return Ok(language);
        }
        let message = format!(
            "no labels for the language `{}` (built in: nl, en, de, fr)",
            language.code()
        );
        let diag = match written {
            Some(_) => loaded.error_at_key("language", message),
            None => self.project_file.error_at_key("language", message),
        };
        Err(diag.with_hint(
            "to add a language, run `personapress templates eject` and add its labels to templates/labels.typ",
        ))
    }
}
