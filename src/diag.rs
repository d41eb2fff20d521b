//! One printer for every diagnostic personapress shows: TOML and spec errors,
//! Typst template errors, image and preflight findings.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use serde::Serialize;
use termcolor::{Buffer, ColorChoice, StandardStream, WriteColor};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document (or project) cannot be produced.
    Error,
    /// The document is produced, but someone should look.
    Warning,
}

/// Where in which file a diagnostic points.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file, as the user knows it.
    pub path: PathBuf,
    /// The file's text, to show the offending line.
    pub text: Option<Arc<str>>,
    /// The byte range within `text`.
    pub span: Option<Range<usize>>,
}

/// A message for the user: what is wrong, where, and what to do about it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Lowercase, says what is wrong; the cause in parentheses.
    pub message: String,
    /// The file and place, where there is one.
    pub location: Option<Location>,
    /// Advice, printed on `hint:` lines.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// An error with no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hints: vec![],
        }
    }

    /// A warning with no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at a file as a whole.
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.location = Some(Location {
            path: path.into(),
            text: None,
            span: None,
        });
        self
    }

    /// Points the diagnostic at a range of a file's text.
    pub fn at(
        mut self,
        path: impl Into<PathBuf>,
        text: Arc<str>,
        span: Option<Range<usize>>,
    ) -> Self {
        self.location = Some(Location {
            path: path.into(),
            text: Some(text),
            span,
        });
        self
    }

    /// Adds a `hint:` line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// The file, line and column (1-based) this diagnostic points at, where known.
    pub fn position(&self) -> Option<(&Path, Option<(usize, usize)>)> {
        let loc = self.location.as_ref()?;
        let line_col = match (&loc.text, &loc.span) {
            (Some(text), Some(span)) => Some(line_col(text, span.start)),
            _ => None,
        };
        Some((&loc.path, line_col))
    }

    /// One line: `path:line:col: message`, as report.json and summaries show it.
    pub fn one_line(&self) -> String {
        let mut out = String::new();
        match self.position() {
            Some((path, Some((line, col)))) => write!(out, "{}:{line}:{col}: ", path.display()),
            Some((path, None)) => write!(out, "{}: ", path.display()),
            None => Ok(()),
        }
        .ok();
        out.push_str(&self.message);
        for hint in &self.hints {
            write!(out, " (hint: {hint})").ok();
        }
        out
    }

    /// The full rendering with the offending line and a caret, without colour.
    pub fn render_plain(&self) -> String {
        let mut buffer = Buffer::no_color();
        self.emit(&mut buffer);
        String::from_utf8_lossy(buffer.as_slice()).into_owned()
    }

    /// Prints the diagnostic to stderr, in colour on a terminal unless `NO_COLOR` is set.
    pub fn eprint(&self) {
        let mut stream = StandardStream::stderr(stderr_colors());
        self.emit(&mut stream);
    }

    fn emit(&self, writer: &mut dyn WriteColor) {
        let (file, report) = self.to_report();
        let config = Config::default();
        if term::emit(writer, &config, &file, &report).is_err() {
            let _ = writeln!(writer, "{}", self.one_line());
        }
    }

    fn to_report(&self) -> (SimpleFile<String, Arc<str>>, Report<()>) {
        let report = match self.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        };
        let mut report = report.with_message(&self.message);
        let file = match &self.location {
            Some(loc) => {
                let text = loc.text.clone().unwrap_or_else(|| Arc::from(""));
                let span = loc
                    .span
                    .clone()
                    .filter(|_| loc.text.is_some())
                    .unwrap_or(0..0);
                let name = loc.path.display().to_string();
                if loc.text.is_some() {
                    report = report.with_labels(vec![Label::primary((), span)]);
                } else {
                    report = report.with_notes(vec![format!("in {name}")]);
                }
                SimpleFile::new(name, text)
            }
            None => SimpleFile::new(String::new(), Arc::from("")),
        };
        let notes = self.hints.iter().map(|h| format!("hint: {h}"));
        report.notes.extend(notes);
        (file, report)
    }
}

/// Colour on stderr only when it is a terminal and `NO_COLOR` is not set.
pub fn stderr_colors() -> ColorChoice {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_names_file_line_and_column() {
        let text: Arc<str> = Arc::from("name = \"Peter\"\nage = -4\n");
        let diag = Diagnostic::error("invalid value")
            .at("p.toml", text, Some(21..23))
            .with_hint("use a number");
        assert_eq!(
            diag.one_line(),
            "p.toml:2:7: invalid value (hint: use a number)"
        );
        let plain = diag.render_plain();
        assert!(plain.contains("error: invalid value"), "{plain}");
        assert!(plain.contains("p.toml:2:7"), "{plain}");
        assert!(plain.contains("age = -4"), "{plain}");
        assert!(plain.contains("hint: use a number"), "{plain}");
    }
}
