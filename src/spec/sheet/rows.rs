//! Each persona row of a spreadsheet written as the TOML of a persona file, one line
//! per cell, with the rows of the table sheets that name it appended as `[[table]]`s.

use std::sync::Arc;

use super::grid::{Book, Cell, Grid, Value};
use super::{CellRef, Cells, SheetPersona};

/// An error that is no single persona's: where, in which CSV file, what, and a hint.
#[derive(Debug)]
pub(super) struct RowError {
    pub place: String,
    pub file: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

/// How the spec reads a key's cell.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Whole,
    /// A whole percentage: a cell of 0.4 (40 % in a sheet that does not say it is
    /// formatted so, as ODS) is 40.
    Percent,
    Number,
    Date,
    /// One item per line of the cell.
    List(Scalar),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar {
    Text,
    Whole,
}

/// The kind of `key` inside `table` ("" at the top level).
fn kind_of(table: &str, key: &str) -> Kind {
    match (table, key) {
        ("", "age" | "version") => Kind::Whole,
        ("", "photo_focus") => Kind::List(Scalar::Whole),
        ("", "goals" | "frustrations" | "motivations" | "behaviours" | "dos" | "donts") => {
            Kind::List(Scalar::Text)
        }
        ("communication", "tone" | "channels")
        | ("brief", "reasons_to_believe" | "mandatories" | "deliverables")
        | ("sources", "research")
        | ("journey", "touchpoints") => Kind::List(Scalar::Text),
        ("sources", "updated") => Kind::Date,
        ("journey", "feeling") | ("media", "share") | ("traits", "value") => Kind::Percent,
        ("metrics", "value" | "target") => Kind::Number,
        _ => Kind::Text,
    }
}

/// TOML text with the cell behind each line.
#[derive(Default)]
struct Writer {
    text: String,
    lines: Vec<Option<CellRef>>,
}

impl Writer {
    fn line(&mut self, line: &str, cell: Option<CellRef>) {
        self.text.push_str(line);
        self.text.push('\n');
        self.lines.push(cell);
    }
}

/// A sheet's header: each column's (table, key), `table` empty at the top level.
fn header(grid: &Grid) -> Vec<(String, String)> {
    let first = grid.rows.first().map(Vec::as_slice).unwrap_or_default();
    first
        .iter()
        .map(|cell| {
            let name = plain_text(&cell.value).trim().to_string();
            match name.split_once('.') {
                Some((table, key)) => (table.trim().to_string(), key.trim().to_string()),
                None => (String::new(), name),
            }
        })
        .collect()
}

/// Every persona row of `book` (empty rows skipped) and every table row naming no persona.
pub(super) fn personas(book: &Book) -> Vec<Result<SheetPersona, RowError>> {
    let grid = &book.personas;
    let columns = header(grid);
    let rows: Vec<usize> = (1..grid.rows.len())
        .filter(|r| !empty_row(&grid.rows[*r]))
        .collect();
    let ids: Vec<String> = rows.iter().map(|r| row_id(grid, &columns, *r)).collect();
    let mut out: Vec<_> = rows
        .iter()
        .zip(&ids)
        .map(|(row, id)| Ok(persona(book, &columns, *row, id)))
        .collect();
    out.extend(orphan_rows(book, &ids).into_iter().map(Err));
    out
}

fn empty_row(row: &[Cell]) -> bool {
    row.iter().all(|c| c.value == Value::Empty)
}

/// The row's `id`, else its name in lower case with dashes: `Peter de Vries` → `peter-de-vries`.
fn row_id(grid: &Grid, columns: &[(String, String)], row: usize) -> String {
    let value = |key: &str| {
        let column = columns.iter().position(|(t, k)| t.is_empty() && k == key)?;
        let text = plain_text(&grid.rows[row].get(column)?.value);
        (!text.trim().is_empty()).then(|| text.trim().to_string())
    };
    value("id").unwrap_or_else(|| {
        let name = value("name").unwrap_or_else(|| format!("row-{}", row + 1));
        crate::spec::slug(&name)
    })
}

/// One persona row as TOML: top-level keys, then each `[table]`, then the table sheets' rows.
fn persona(book: &Book, columns: &[(String, String)], row: usize, id: &str) -> SheetPersona {
    let grid = &book.personas;
    let mut out = Writer::default();
    let mut tables: Vec<&str> = Vec::new();
    for (table, _) in columns.iter().filter(|(t, _)| !t.is_empty()) {
        if !tables.contains(&table.as_str()) {
            tables.push(table);
        }
    }
    write_cells(&mut out, grid, columns, row, "");
    for table in tables {
        let filled = |(c, (t, _)): (usize, &(String, String))| {
            t == table
                && grid.rows[row]
                    .get(c)
                    .is_some_and(|cell| cell.value != Value::Empty)
        };
        let Some(first) = columns.iter().enumerate().position(filled) else {
            continue;
        };
        out.line("", None);
        out.line(
            &format!("[{table}]"),
            Some(cell_ref(grid, columns, row, first)),
        );
        write_cells(&mut out, grid, columns, row, table);
    }
    for (table, sheet) in &book.tables {
        write_table_rows(&mut out, table, sheet, id);
    }
    SheetPersona {
        text: Arc::from(out.text),
        cells: Arc::new(Cells {
            lines: out.lines,
            row: grid.place(&format!("row {}", row as u32 + grid.origin.0 + 1)),
            file: grid.file.clone(),
            id: id.to_string(),
        }),
    }
}

/// The `key = value` lines of `table`'s columns in `row`, empty cells left out.
fn write_cells(
    out: &mut Writer,
    grid: &Grid,
    columns: &[(String, String)],
    row: usize,
    table: &str,
) {
    for (column, (t, key)) in columns.iter().enumerate() {
        let Some(cell) = grid.rows[row].get(column) else {
            continue;
        };
        if t != table || key.is_empty() || cell.value == Value::Empty {
            continue;
        }
        let value = toml_value(kind_of(table, key), cell);
        out.line(
            &format!("{} = {value}", bare_key(key)),
            Some(cell_ref(grid, columns, row, column)),
        );
    }
}

/// The rows of a table sheet whose `persona` is `id`, each as `[[table]]`.
fn write_table_rows(out: &mut Writer, table: &str, sheet: &Grid, id: &str) {
    let columns = header(sheet);
    let Some(persona) = persona_column(&columns) else {
        return;
    };
    for row in 1..sheet.rows.len() {
        let named = sheet.rows[row].get(persona).map(|c| plain_text(&c.value));
        if named.as_deref().map(str::trim) != Some(id) {
            continue;
        }
        out.line("", None);
        out.line(
            &format!("[[{table}]]"),
            Some(cell_ref(sheet, &columns, row, persona)),
        );
        let keys: Vec<(String, String)> = columns
            .iter()
            .enumerate()
            .map(|(c, (t, k))| match c == persona {
                true => ("-".into(), k.clone()),
                false => (table.to_string(), join_key(t, k)),
            })
            .collect();
        write_cells(out, sheet, &keys, row, table);
    }
}

fn persona_column(columns: &[(String, String)]) -> Option<usize> {
    columns
        .iter()
        .position(|(t, k)| t.is_empty() && k == "persona")
}

/// A header written with a dot inside a table sheet is kept whole (an unknown key).
fn join_key(table: &str, key: &str) -> String {
    match table.is_empty() {
        true => key.to_string(),
        false => format!("{table}.{key}"),
    }
}

/// The table sheets' rows whose `persona` is empty or no row's id.
fn orphan_rows(book: &Book, ids: &[String]) -> Vec<RowError> {
    let mut errors = Vec::new();
    for (_, sheet) in &book.tables {
        let columns = header(sheet);
        let Some(persona) = persona_column(&columns) else {
            errors.push(RowError {
                place: sheet.place("row 1"),
                file: sheet.file.clone(),
                message: "the sheet has no column `persona` naming each row's persona".into(),
                hint: Some("add a column `persona` with the persona's id".into()),
            });
            continue;
        };
        for row in (1..sheet.rows.len()).filter(|r| !empty_row(&sheet.rows[*r])) {
            let named = sheet.rows[row]
                .get(persona)
                .map(|c| plain_text(&c.value))
                .unwrap_or_default();
            let named = named.trim();
            if ids.iter().any(|id| id == named) {
                continue;
            }
            let names: Vec<&str> = ids.iter().map(String::as_str).collect();
            let hint = match crate::spec::closest(named, &names) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the personas' ids: {}", names.join(", ")),
            };
            errors.push(RowError {
                place: sheet.place(&format!("cell {} (persona)", sheet.cell_name(row, persona))),
                file: sheet.file.clone(),
                message: format!("no persona with the id `{named}`"),
                hint: Some(hint),
            });
        }
    }
    errors
}

fn cell_ref(grid: &Grid, columns: &[(String, String)], row: usize, column: usize) -> CellRef {
    let (table, key) = &columns[column];
    let key = match table.is_empty() || table == "-" {
        true => key.clone(),
        false => format!("{table}.{key}"),
    };
    CellRef {
        sheet: grid.name.clone(),
        file: grid.file.clone(),
        cell: grid.cell_name(row, column),
        header: grid.cell_name(0, column),
        key,
        row: grid.place(&format!("row {}", row as u32 + grid.origin.0 + 1)),
    }
}

/// A key as TOML writes it: bare when it can be, else quoted.
fn bare_key(key: &str) -> String {
    let bare = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match bare {
        true => key.to_string(),
        false => quoted(key),
    }
}

/// A string as a TOML basic string on one line (JSON's escapes are TOML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A cell's value as text: a number without a needless `.0`.
fn plain_text(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(s) | Value::Date(s) => s.clone(),
        Value::Number(n) => number_text(*n),
        Value::Bool(b) => b.to_string(),
    }
}

fn number_text(n: f64) -> String {
    match n.fract() == 0.0 && n.abs() < 1e15 {
        true => format!("{}", n as i64),
        false => format!("{n}"),
    }
}

/// A cell as the TOML value `kind` asks for; what cannot be read as that is written as
/// text, so that the persona's own checks name what was found.
fn toml_value(kind: Kind, cell: &Cell) -> String {
    match kind {
        Kind::Text => quoted(&plain_text(&cell.value)),
        Kind::Whole | Kind::Number => number(cell),
        Kind::Percent => match cell.value {
            Value::Number(n) if n.abs() < 1.0 && n.fract() != 0.0 => number(&Cell {
                percent: true,
                ..cell.clone()
            }),
            _ => number(cell),
        },
        Kind::Date => match &cell.value {
            Value::Date(d) => d.clone(),
            Value::Text(t) if is_date(t.trim()) => t.trim().to_string(),
            other => quoted(&plain_text(other)),
        },
        Kind::List(scalar) => {
            let items: Vec<String> = list_items(&cell.value)
                .into_iter()
                .map(|item| match scalar {
                    Scalar::Text => quoted(&item),
                    Scalar::Whole => number(&Cell {
                        value: Value::Text(item),
                        percent: false,
                    }),
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// A number cell (a percentage-formatted one as its percent), or text that reads as one
/// (`40`, `40 %`, `3,5`); else the text, quoted.
fn number(cell: &Cell) -> String {
    match &cell.value {
        Value::Number(n) if cell.percent => number_text((n * 100.0 * 1e6).round() / 1e6),
        Value::Number(n) => number_text(*n),
        Value::Text(t) => {
            let written = t.trim().trim_end_matches('%').trim().replace(',', ".");
            match written.parse::<f64>() {
                Ok(n) if n.is_finite() => number_text(n),
                _ => quoted(t.trim()),
            }
        }
        other => quoted(&plain_text(other)),
    }
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A list cell's items: one per line (Alt+Enter in Excel), blank lines left out.
fn list_items(value: &Value) -> Vec<String> {
    plain_text(value)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell {
            value: if s.is_empty() {
                Value::Empty
            } else {
                Value::Text(s.into())
            },
            percent: false,
        }
    }

    fn grid(name: &str, rows: &[&[&str]]) -> Grid {
        Grid {
            name: format!("sheet {name}"),
            file: None,
            origin: (0, 0),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| text(c)).collect())
                .collect(),
        }
    }

    #[test]
    fn a_row_becomes_the_toml_of_a_persona_file_with_its_cells() {
        let personas = grid(
            "personas",
            &[
                &["name", "age", "goals", "communication.style", "photo_focus"],
                &["Peter de Vries", "42", "Rust\nTijd", "Direct", "50\n30"],
                &["", "", "", "", ""],
                &["Zoë", "veertig", "", "", ""],
            ],
        );
        let journey = grid(
            "journey",
            &[
                &["persona", "stage"],
                &["peter-de-vries", "Oriëntatie"],
                &["peter-de-vris", "x"],
            ],
        );
        let book = Book {
            personas,
            tables: vec![("journey".into(), journey)],
        };
        let rows = super::personas(&book);
        assert_eq!(rows.len(), 3, "two personas and one orphan journey row");
        let peter = rows[0].as_ref().unwrap();
        assert_eq!(peter.cells.id(), "peter-de-vries");
        assert_eq!(
            &*peter.text,
            "name = \"Peter de Vries\"\nage = 42\ngoals = [\"Rust\", \"Tijd\"]\nphoto_focus = [50, 30]\n\
             \n[communication]\nstyle = \"Direct\"\n\n[[journey]]\nstage = \"Oriëntatie\"\n"
        );
        assert_eq!(
            peter.cells.place_of_key(&peter.text, "style"),
            "sheet personas, cell D2 (communication.style)"
        );
        let zoe = rows[1].as_ref().unwrap();
        assert!(zoe.text.contains("age = \"veertig\""));
        assert_eq!(
            zoe.cells.place_of_key(&zoe.text, "age"),
            "sheet personas, cell B4 (age)"
        );
        let error = rows[2].as_ref().unwrap_err();
        assert_eq!(error.place, "sheet journey, cell A3 (persona)");
        assert!(error.message.contains("`peter-de-vris`"));
        assert_eq!(
            error.hint.as_deref(),
            Some("did you mean `peter-de-vries`?")
        );
    }

    #[test]
    fn a_percentage_cell_is_read_as_its_percent() {
        let cell = Cell {
            value: Value::Number(0.4),
            percent: true,
        };
        assert_eq!(toml_value(Kind::Whole, &cell), "40");
        let unformatted = Cell {
            value: Value::Number(0.25),
            percent: false,
        };
        assert_eq!(toml_value(Kind::Percent, &unformatted), "25");
        assert_eq!(toml_value(Kind::Whole, &unformatted), "0.25");
        assert_eq!(toml_value(Kind::Whole, &text("35 %")), "35");
        assert_eq!(
            toml_value(
                Kind::Text,
                &Cell {
                    value: Value::Number(42.0),
                    percent: false
                }
            ),
            "\"42\""
        );
        assert_eq!(
            toml_value(
                Kind::Date,
                &Cell {
                    value: Value::Date("2026-03-01".into()),
                    percent: false
                }
            ),
            "2026-03-01"
        );
    }
}
