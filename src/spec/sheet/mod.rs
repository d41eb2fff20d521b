//! Personas from spreadsheets: a workbook's `personas` sheet (else its first) holds a
//! header row of the spec's keys and one persona per row; the repeated tables come
//! from sheets named after them. Each row becomes the TOML a persona file would hold,
//! parsed by the same code, so the same checks apply; every line of it remembers its
//! cell, so that an error names the file, sheet and cell.

mod grid;
mod rows;
mod write;

use std::path::Path;
use std::sync::Arc;

use crate::diag::Diagnostic;

pub(crate) use grid::is_table_csv;
pub use write::{SheetRow, write_workbook};

/// The file extensions read as spreadsheets of personas.
pub const SHEET_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "ods", "csv"];

/// Whether `path` is the lock file a spreadsheet program keeps beside an open workbook
/// (`~$leden.xlsx` for Excel, `.~lock.leden.ods#` for LibreOffice): never a persona source.
pub fn is_lock_file(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.starts_with("~$") || name.starts_with(".~lock.")
}

/// Whether `path` is a spreadsheet of personas (not a CSV's table file).
pub fn is_sheet(path: &Path) -> bool {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    extension.is_some_and(|e| SHEET_EXTENSIONS.contains(&e.as_str())) && !is_table_csv(path)
}

/// Where one line of a persona's generated TOML came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CellRef {
    /// The sheet, as `sheet personas`; empty in a CSV file.
    pub sheet: String,
    /// The CSV file of the cell (`leden.journey.csv`); none in a workbook.
    pub file: Option<String>,
    /// The cell, as `E3`.
    pub cell: String,
    /// Its column's header cell, as `E1`.
    pub header: String,
    /// The header of its column.
    pub key: String,
    /// Its row, as `sheet journey, row 3`: for an error about the row as a whole.
    pub row: String,
}

/// The cells behind a persona read from a spreadsheet, one per line of its TOML.
#[derive(Debug, Clone, Default)]
pub struct Cells {
    /// The cell of each line (`None` for a line no cell wrote).
    lines: Vec<Option<CellRef>>,
    /// The persona's row, for an error no single cell caused: `sheet personas, row 3`.
    row: String,
    /// The CSV file of the persona's row; none in a workbook.
    file: Option<String>,
    /// The row's `id`, else one made from its name: the persona's id when it names none.
    id: String,
}

impl Cells {
    /// The id of the row's persona when its `id` cell is empty (made from its name).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Where `key` (as a TOML line `key = …` of `text`) came from, or the row.
    pub fn place_of_key(&self, text: &str, key: &str) -> String {
        let line = super::find_key(text, key).map(|span| crate::diag::line_col(text, span.start).0);
        self.place_of_line_of_value(line)
    }

    /// Where the value on `line` (1-based) of the persona's TOML came from, or the row.
    pub fn place_of_line_of_value(&self, line: Option<usize>) -> String {
        self.place_of_line(line, Problem::Value).0
    }

    /// `sheet personas, cell E3 (age)` for line `line` (1-based), else the row, with
    /// the CSV file it is in: the column's header cell when it is the header that is
    /// wrong, the table row when a `[[table]]` line's row misses a key.
    fn place_of_line(&self, line: Option<usize>, problem: Problem) -> (String, Option<&str>) {
        let cell = line.and_then(|l| self.lines.get(l.checked_sub(1)?)?.as_ref());
        let joined = |c: &CellRef, what: String| match c.sheet.is_empty() {
            true => what,
            false => format!("{}, {what}", c.sheet),
        };
        let place = match (cell, problem) {
            (Some(c), Problem::Header) => {
                joined(c, format!("cell {} (the header `{}`)", c.header, c.key))
            }
            (Some(c), Problem::Value) => joined(c, format!("cell {} ({})", c.cell, c.key)),
            (Some(c), Problem::TableRow) => c.row.clone(),
            (None, _) => return (self.row.clone(), self.file.as_deref()),
        };
        (place, cell.and_then(|c| c.file.as_deref()))
    }

    /// `diag` (made on the generated TOML) pointed at the spreadsheet `path` and its cell.
    pub fn relocate(&self, path: &Path, diag: Diagnostic) -> Diagnostic {
        let location = diag.location.as_ref();
        let text = location.and_then(|l| l.text.clone());
        let line = location
            .and_then(|l| Some(crate::diag::line_col(l.text.as_ref()?, l.span.as_ref()?.start).0));
        let problem = match diag.message.as_str() {
            m if m.starts_with("unknown field") => Problem::Header,
            m if m.starts_with("missing field") => Problem::TableRow,
            _ => Problem::Value,
        };
        let table_line = |l: usize| {
            text.as_deref()?
                .lines()
                .nth(l - 1)?
                .starts_with("[[")
                .then_some(l)
        };
        let line = match problem {
            Problem::TableRow => line.and_then(table_line),
            _ => line,
        };
        let (place, file) = self.place_of_line(line, problem);
        let file = file.map_or(path.to_path_buf(), |f| path.with_file_name(f));
        Diagnostic {
            message: format!("{place}: {}", diag.message),
            ..diag
        }
        .in_file(&file)
    }
}

/// What about a cell an error is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Problem {
    /// Its value.
    Value,
    /// Its column's header (an unknown key).
    Header,
    /// Its row as a whole (a key missing from it).
    TableRow,
}

/// One persona row: its TOML, the cells behind it, and its id when it names none.
#[derive(Debug, Clone)]
pub struct SheetPersona {
    /// The TOML a persona file with this row's values would hold.
    pub text: Arc<str>,
    /// The cell of each line of `text`, and the row's id.
    pub cells: Arc<Cells>,
}

/// The personas of a spreadsheet, each row on its own (a bad row is an error for that
/// row, a table row naming no persona an error of its own); an error for a file that
/// cannot be read at all.
pub fn read_personas(path: &Path) -> Result<Vec<Result<SheetPersona, Diagnostic>>, Diagnostic> {
    let book = grid::read_book(path).map_err(|message| {
        let (message, hint) = super::split_hint(&message);
        let diag = Diagnostic::error(format!("{}: {message}", path.display())).in_file(path);
        match hint {
            Some(hint) => diag.with_hint(hint),
            None => diag,
        }
    })?;
    Ok(rows::personas(&book)
        .into_iter()
        .map(|row| {
            row.map_err(|error| {
                let file = error
                    .file
                    .map_or(path.to_path_buf(), |f| path.with_file_name(f));
                let diag = Diagnostic::error(format!("{}: {}", error.place, error.message));
                error
                    .hint
                    .into_iter()
                    .fold(diag.in_file(&file), Diagnostic::with_hint)
            })
        })
        .collect())
}

/// A TOML error's hints as a spreadsheet user reads them: a hint to add a key to the
/// file becomes one to fill in its column (the type words, "expected a whole number,
/// found …", are every spec file's, made where the TOML is parsed).
pub fn spreadsheet_words(mut diag: Diagnostic) -> Diagnostic {
    for hint in &mut diag.hints {
        if let Some(field) = hint
            .strip_prefix("add `")
            .and_then(|h| h.split(" = ").next())
        {
            *hint = format!("fill in the column `{field}`; it is required");
        }
    }
    diag
}

/// The path of `target` as written from a file in `from_dir` (both absolute, or both
/// relative to the same folder), with `/` separators: `../photos/peter.jpg`.
pub fn relative_path(from_dir: &Path, target: &Path) -> String {
    let from: Vec<_> = from_dir.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let up = std::iter::repeat_n("..".to_string(), from.len() - common);
    let down = to[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    up.chain(down).collect::<Vec<_>>().join("/")
}

/// A persona row's TOML for a file in `to_dir`, its photo path rewritten from the
/// spreadsheet's folder `from_dir` (both absolute) so that it names the same file.
pub fn toml_for_folder(row: &SheetPersona, from_dir: &Path, to_dir: &Path) -> String {
    row.text
        .lines()
        .map(|line| {
            let photo = line
                .strip_prefix("photo = ")
                .and_then(|v| serde_json::from_str::<String>(v).ok());
            match photo {
                Some(photo) if !Path::new(&photo).is_absolute() => {
                    let target = normalised(&from_dir.join(&photo));
                    format!(
                        "photo = {}",
                        serde_json::to_string(&relative_path(to_dir, &target)).unwrap_or_default()
                    )
                }
                _ => multi_line(line).unwrap_or_else(|| line.to_string()),
            }
        })
        .map(|line| line + "\n")
        .collect()
}

/// `key = "a\nb"` as a TOML multi-line string, as one writes a story by hand.
fn multi_line(line: &str) -> Option<String> {
    let (key, value) = line.split_once(" = ")?;
    let text: String = serde_json::from_str(value).ok()?;
    let plain = text.chars().all(|c| c == '\n' || !c.is_control());
    (text.contains('\n') && plain).then(|| {
        let escaped = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
        format!("{key} = \"\"\"\n{escaped}\"\"\"")
    })
}

/// `path` with its `.` and `..` parts resolved without touching the disk.
fn normalised(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_path_is_rewritten_for_the_folder_of_the_new_file() {
        assert_eq!(
            relative_path(Path::new("/p/personas"), Path::new("/p/photos/a.jpg")),
            "../photos/a.jpg"
        );
        assert_eq!(
            relative_path(Path::new("/p"), Path::new("/p/photos/a.jpg")),
            "photos/a.jpg"
        );
        let row = SheetPersona {
            text: Arc::from("name = \"A\"\nphoto = \"../photos/a.jpg\"\n"),
            cells: Arc::new(Cells::default()),
        };
        let toml = toml_for_folder(&row, Path::new("/p/data/sheets"), Path::new("/p/personas"));
        assert_eq!(toml, "name = \"A\"\nphoto = \"../data/photos/a.jpg\"\n");
        let story = multi_line(r#"story = "Een.\n\nTwee \\ \"\"\"drie\"\"\".\n""#).unwrap();
        assert_eq!(
            story,
            "story = \"\"\"\nEen.\n\nTwee \\\\ \\\"\\\"\\\"drie\\\"\\\"\\\".\n\"\"\""
        );
        let parsed: toml::Table = toml::from_str(&story).unwrap();
        assert_eq!(
            parsed["story"].as_str(),
            Some("Een.\n\nTwee \\ \"\"\"drie\"\"\".\n")
        );
    }
}
