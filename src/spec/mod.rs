//! The TOML contract: personas, themes and projects, loaded with diagnostics
//! that name the file, line and key.

pub mod format;
pub mod keys;
pub mod language;
pub mod persona;
pub mod preset;
pub mod project;
pub mod sheet;
pub mod source;
pub mod standard;
pub mod theme;
pub mod typography;
pub mod units;
pub mod workspace;

pub use keys::{find_key, find_key_holding, find_key_in_table_of};

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diag::Diagnostic;

/// The largest spec file personapress reads; larger ones are refused before parsing.
pub const MAX_SPEC_BYTES: u64 = 5 * 1024 * 1024;

/// A parsed file together with where it came from, for later diagnostics.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The parsed value.
    pub value: T,
    /// The file it was read from.
    pub path: PathBuf,
    /// The file's text.
    pub text: Arc<str>,
    /// For a persona read from a spreadsheet (`text` is then the TOML made of its row):
    /// the cell behind each line.
    pub cells: Option<Arc<sheet::Cells>>,
}

impl<T> Loaded<T> {
    /// The folder that paths inside this file are relative to.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// An error pointing at the first occurrence of `key = ` in this file, or at the file.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        self.file().error_at_key(key, message)
    }

    /// The file and its text, to keep with what was taken from it.
    pub fn file(&self) -> SpecFile {
        SpecFile {
            path: self.path.clone(),
            text: self.text.clone(),
            cells: self.cells.clone(),
        }
    }
}

/// A spec file's path and the text it was parsed from, kept with the parsed model so
/// that a later finding points at a key without reading the file again.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// The file, as the user named it.
    pub path: PathBuf,
    /// Its text when it was read.
    pub text: Arc<str>,
    /// For a spreadsheet's persona: the cell behind each line of `text`.
    pub cells: Option<Arc<sheet::Cells>>,
}

impl SpecFile {
    /// An error pointing at the first occurrence of `key = ` in this file, or at the file;
    /// for a spreadsheet's persona, at the key's cell.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        self.error_at_key_holding(key, "", message)
    }

    /// An error pointing at the `key = ` whose value holds `needle` (of a key every
    /// `[[quotes]]` has, the right one), else at the first; for a spreadsheet's persona,
    /// at that key's cell.
    pub fn error_at_key_holding(
        &self,
        key: &str,
        needle: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.error_at(find_key_holding(&self.text, key, needle), message)
    }

    /// An error pointing at `span` of this file, or at the file; for a spreadsheet's
    /// persona, at the cell behind that line.
    pub fn error_at(
        &self,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> Diagnostic {
        if let Some(cells) = &self.cells {
            let line = span.map(|span| crate::diag::line_col(&self.text, span.start).0);
            let place = cells.place_of_line_of_value(line);
            return Diagnostic::error(format!("{place}: {}", message.into())).in_file(&self.path);
        }
        Diagnostic::error(message).at(&self.path, self.text.clone(), span)
    }

    /// `diag`, with its hints, pointed at `key` in this file.
    pub fn at_key(&self, key: &str, diag: Diagnostic) -> Diagnostic {
        Diagnostic {
            severity: diag.severity,
            hints: diag.hints,
            ..self.error_at_key(key, diag.message)
        }
    }
}

/// Reads and parses a TOML file into `T`, with a diagnostic on any failure.
pub fn load_toml<T: DeserializeOwned>(path: &Path) -> Result<Loaded<T>, Diagnostic> {
    parse_toml(path, read_text(path)?)
}

/// Parses TOML text that came from `path` into `T`, with a diagnostic on failure.
pub fn parse_toml<T: DeserializeOwned>(
    path: &Path,
    text: Arc<str>,
) -> Result<Loaded<T>, Diagnostic> {
    let value = toml::from_str(&text).map_err(|err| toml_diagnostic(path, &text, &err))?;
    Ok(Loaded {
        value,
        path: path.to_path_buf(),
        text,
        cells: None,
    })
}

/// Parses the TOML made of a spreadsheet's persona row (see [`sheet`]): errors name the
/// spreadsheet `path` and the cell.
pub fn parse_sheet_toml<T: DeserializeOwned>(
    path: &Path,
    row: &sheet::SheetPersona,
) -> Result<Loaded<T>, Diagnostic> {
    let mut loaded = parse_toml(path, row.text.clone())
        .map_err(|diag| row.cells.relocate(path, sheet::spreadsheet_words(diag)))?;
    loaded.cells = Some(row.cells.clone());
    Ok(loaded)
}

/// Reads a spec file as UTF-8 text, refusing files that are too large.
pub fn read_text(path: &Path) -> Result<Arc<str>, Diagnostic> {
    let cannot = |err: std::io::Error| {
        Diagnostic::error(format!("cannot read {} ({err})", path.display())).in_file(path)
    };
    let size = crate::regular::regular_file_len(path).map_err(cannot)?;
    if size > MAX_SPEC_BYTES {
        return Err(Diagnostic::error(format!(
            "{} is too large ({} MiB; a spec file may hold at most {} MiB)",
            path.display(),
            size / (1024 * 1024),
            MAX_SPEC_BYTES / (1024 * 1024)
        ))
        .in_file(path));
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    String::from_utf8(bytes).map(Arc::from).map_err(|err| {
        Diagnostic::error(format!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            err.utf8_error().valid_up_to()
        ))
        .in_file(path)
        .with_hint("save the file as UTF-8 in your editor")
    })
}

/// A file-name-safe lowercase form of a name: `Peter de Vries` → `peter-de-vries`.
pub fn slug(name: &str) -> String {
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

/// A message and the advice in it, written `… (hint: …)` where only text can pass
/// (a value's parse error inside serde, a file error inside Typst): the advice goes
/// on its own `hint:` line.
pub(crate) fn split_hint(message: &str) -> (String, Option<String>) {
    const OPEN: &str = " (hint: ";
    let Some(start) = message.find(OPEN) else {
        return (message.to_string(), None);
    };
    let rest = &message[start + OPEN.len()..];
    let mut depth = 1;
    let close = rest.char_indices().find(|&(_, c)| {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        depth == 0
    });
    match close {
        Some((end, _)) => {
            let outside = format!("{}{}", &message[..start], &rest[end + 1..]);
            (outside, Some(rest[..end].to_string()))
        }
        None => (message.to_string(), None),
    }
}

/// Turns a TOML parse or type error into a diagnostic with the line and a hint.
fn toml_diagnostic(path: &Path, text: &Arc<str>, err: &toml::de::Error) -> Diagnostic {
    let (message, hint) = split_hint(err.message().trim());
    let written = err.span().and_then(|span| text.get(span)).unwrap_or("");
    let (message, type_hint) = type_words(&message, written);
    let mut diag = Diagnostic::error(lowercase_first(&message)).at(path, text.clone(), err.span());
    diag.hints.extend(hint.into_iter().chain(type_hint));
    if let Some(hint) = did_you_mean(&message) {
        diag = diag.with_hint(hint);
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        diag = diag.with_hint(format!("add `{field} = …` to this file; it is required"));
    }
    diag
}

/// serde's "invalid type: map, expected a string" in the words of the file's writer:
/// "expected text, found a date", with a hint where quotes would make it right.
fn type_words(message: &str, written: &str) -> (String, Option<String>) {
    let parts = message
        .strip_prefix("invalid type: ")
        .and_then(|r| r.rsplit_once(", expected "));
    let Some((found, expected)) = parts else {
        return (message.to_string(), None);
    };
    let written = written.trim();
    let is_date =
        written.len() >= 10 && written.as_bytes()[4] == b'-' && written.as_bytes()[7] == b'-';
    let is_time = written.len() >= 5 && written.as_bytes()[2] == b':';
    let found = match found {
        "map" if is_date => "a date".to_string(),
        "map" if is_time => "a time of day".to_string(),
        "map" => "a table".to_string(),
        "sequence" => "a list".to_string(),
        other => {
            let value = ["string ", "integer ", "floating point ", "boolean "]
                .iter()
                .find_map(|kind| other.strip_prefix(kind))
                .unwrap_or(other);
            value.trim_matches('`').to_string()
        }
    };
    let expected = match expected.trim() {
        "a string" => "text",
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "an integer" => {
            "a whole number"
        }
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        other => other,
    };
    let hint = (expected == "text" && (is_date || is_time))
        .then(|| format!("put it in quotes to keep it as text: \"{written}\""));
    (format!("expected {expected}, found {found}"), hint)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": the closest allowed key.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match closest(unknown, &candidates) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None => Some(format!("allowed here: {}", candidates.join(", "))),
    }
}

/// The candidate most like `unknown`, if one is close enough to be what was meant.
pub fn closest<'a>(unknown: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let best = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(unknown, c), *c))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    (best.0 > 0.8).then_some(best.1)
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if !text.starts_with("TOML") => first.to_lowercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

/// Resolves a path written inside a spec file, relative to that file, and
/// refuses one that leaves `root` (absolute paths, `..`, symlinks pointing out).
pub fn resolve_inside(base: &Path, written: &str, root: &Path) -> Result<PathBuf, String> {
    let relative = Path::new(written);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| matches!(c, Component::Prefix(_)))
    {
        return Err(format!(
            "`{written}` is an absolute path (write it relative to the file that names it)"
        ));
    }
    let joined = base.join(relative);
    let real = joined.canonicalize().map_err(|err| {
        format!(
            "`{written}` cannot be opened (looked for {}: {err})",
            joined.display()
        )
    })?;
    let root = root
        .canonicalize()
        .map_err(|err| format!("cannot open the project folder ({err})"))?;
    if !real.starts_with(&root) {
        return Err(format!(
            "`{written}` points outside the project folder {}",
            root.display()
        ));
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_written_into_a_message_moves_to_its_own_line() {
        assert_eq!(
            split_hint("`#0B3D9` is not a colour (hint: write six hex digits)"),
            (
                "`#0B3D9` is not a colour".into(),
                Some("write six hex digits".into())
            )
        );
        assert_eq!(
            split_hint("failed (package x is offline (hint: copy it (the files) here))"),
            (
                "failed (package x is offline)".into(),
                Some("copy it (the files) here".into())
            )
        );
        assert_eq!(
            split_hint("no hint (here)"),
            ("no hint (here)".into(), None)
        );
        assert_eq!(
            split_hint("broken (hint: never closed"),
            ("broken (hint: never closed".into(), None)
        );
    }

    #[test]
    fn suggests_the_closest_key() {
        let hint = did_you_mean(
            "unknown field `frustation`, expected one of `goals`, `frustrations`, `dos`",
        );
        assert_eq!(hint.as_deref(), Some("did you mean `frustrations`?"));
    }

    #[test]
    fn refuses_paths_outside_the_root() {
        let dir = std::env::temp_dir().join(format!("pp-resolve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/x.jpg"), b"x").unwrap();
        assert!(resolve_inside(&dir.join("a"), "x.jpg", &dir).is_ok());
        assert!(resolve_inside(&dir.join("a"), "../../etc/passwd", &dir).is_err());
        assert!(
            resolve_inside(&dir, "/etc/passwd", &dir)
                .unwrap_err()
                .contains("absolute")
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
