//! Reading a spreadsheet into plain grids of cells: a workbook (XLSX, XLS, ODS) with
//! calamine, a CSV file and its sibling table files with the csv crate.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

/// The tables that come from their own sheet (or a `NAME.TABLE.csv` file).
pub(crate) const TABLE_SHEETS: [&str; 5] = ["journey", "media", "traits", "quotes", "metrics"];

/// What a cell holds, as the spec reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date, as `YYYY-MM-DD`.
    Date(String),
}

/// One cell: its value, and whether it is formatted as a percentage (0.4 shown as 40 %).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub value: Value,
    pub percent: bool,
}

/// One sheet: its name and rows, the first being the header; `origin` is the
/// zero-based (row, column) of its top-left cell in the sheet.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    /// What a message calls it: `sheet personas`; empty for a CSV file.
    pub name: String,
    /// The CSV file this grid is (`leden.journey.csv`); none for a workbook's sheet.
    pub file: Option<String>,
    pub origin: (u32, u32),
    pub rows: Vec<Vec<Cell>>,
}

/// A spreadsheet: the `personas` sheet and the table sheets it has.
#[derive(Debug)]
pub(crate) struct Book {
    pub personas: Grid,
    pub tables: Vec<(String, Grid)>,
}

impl Grid {
    /// `what` in this grid: `sheet personas, cell E3`, or `cell E3` in a CSV file.
    pub(crate) fn place(&self, what: &str) -> String {
        match self.name.is_empty() {
            true => what.to_string(),
            false => format!("{}, {what}", self.name),
        }
    }

    /// The cell's name as a spreadsheet shows it (`E3`), from zero-based indices into `rows`.
    pub(crate) fn cell_name(&self, row: usize, column: usize) -> String {
        let mut n = column as u32 + self.origin.1 + 1;
        let mut letters = Vec::new();
        while n > 0 {
            letters.push(b'A' + ((n - 1) % 26) as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        format!(
            "{}{}",
            String::from_utf8_lossy(&letters),
            row as u32 + self.origin.0 + 1
        )
    }
}

/// Reads `path` (`.xlsx`, `.xlsm`, `.xls`, `.ods` or `.csv`).
pub(crate) fn read_book(path: &Path) -> Result<Book, String> {
    if has_extension(path, "csv") {
        return read_csv_book(path);
    }
    crate::regular::regular_file_len(path)
        .map_err(|e| format!("cannot read {} ({e})", path.display()))?;
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| workbook_error(&e))?;
    let names = workbook.sheet_names();
    let main = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("personas"))
        .or(names.first())
        .ok_or("the workbook has no sheets")?
        .clone();
    let personas = read_sheet(&mut workbook, &main)?;
    let mut tables = Vec::new();
    for table in TABLE_SHEETS {
        if let Some(name) = names.iter().find(|n| n.eq_ignore_ascii_case(table)) {
            tables.push((table.to_string(), read_sheet(&mut workbook, name)?));
        }
    }
    Ok(Book { personas, tables })
}

/// What calamine's error means for the user.
fn workbook_error(error: &calamine::Error) -> String {
    let text = error.to_string();
    if text.to_lowercase().contains("password") {
        return "the workbook is password protected (hint: save a copy without a password)".into();
    }
    format!(
        "the file cannot be read as a spreadsheet ({text}) (hint: save it again as .xlsx, .ods or .csv)"
    )
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// One sheet of a workbook, with percentage formats where the format knows them (XLSX).
fn read_sheet(
    workbook: &mut calamine::Sheets<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Result<Grid, String> {
    let range = workbook
        .worksheet_range(name)
        .map_err(|e| format!("the sheet `{name}` cannot be read ({e})"))?;
    let styles = workbook.worksheet_style(name).ok();
    let origin = range.start().unwrap_or((0, 0));
    let is_percent = |row: usize, column: usize| {
        let at = (origin.0 + row as u32, origin.1 + column as u32);
        let style = styles.as_ref().and_then(|s| s.get(at));
        let format = style.and_then(|s| s.number_format.as_ref());
        format.is_some_and(|f| f.format_code.contains('%'))
    };
    let rows = range
        .rows()
        .enumerate()
        .map(|(r, row)| {
            let cell = |(c, data): (usize, &Data)| Cell {
                value: value_of(data),
                percent: is_percent(r, c),
            };
            row.iter().enumerate().map(cell).collect()
        })
        .collect();
    Ok(Grid {
        name: format!("sheet {name}"),
        file: None,
        origin,
        rows,
    })
}

/// A calamine cell as a [`Value`]; a formula's error is text, so that it is named.
fn value_of(data: &Data) -> Value {
    match data {
        Data::Empty => Value::Empty,
        Data::String(s) if s.trim().is_empty() => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => Value::Date(civil_date(d.as_f64())),
        Data::DateTimeIso(s) => Value::Date(s.chars().take(10).collect()),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Text(format!("#{e:?}")),
    }
}

/// The `YYYY-MM-DD` of a spreadsheet's day number (days since 1899-12-30).
fn civil_date(serial: f64) -> String {
    // Days since 1970-01-01, then Howard Hinnant's civil-from-days.
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A CSV file as the `personas` sheet, with its sibling `STEM.TABLE.csv` files.
fn read_csv_book(path: &Path) -> Result<Book, String> {
    let personas = read_csv(path)?;
    let mut tables = Vec::new();
    for table in TABLE_SHEETS {
        let sibling = csv_sibling(path, table);
        if sibling.is_file() {
            tables.push((table.to_string(), read_csv(&sibling)?));
        }
    }
    Ok(Book { personas, tables })
}

/// `data/leden.journey.csv` for `data/leden.csv` and `journey`.
pub(crate) fn csv_sibling(path: &Path, table: &str) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}.{table}.csv"))
}

/// Whether `path` is a table file beside a CSV of personas (`leden.journey.csv`).
pub(crate) fn is_table_csv(path: &Path) -> bool {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    has_extension(path, "csv")
        && TABLE_SHEETS
            .iter()
            .any(|t| stem.ends_with(&format!(".{t}")))
}

/// One CSV file, every cell text (a `,` or `;` separated file, UTF-8).
fn read_csv(path: &Path) -> Result<Grid, String> {
    let bytes = crate::regular::read_regular(path)
        .map_err(|e| format!("cannot read {} ({e})", path.display()))?;
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes.as_slice());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{} is not valid CSV ({e})", path.display()))?;
        rows.push(record.iter().map(text_cell).collect());
    }
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    Ok(Grid {
        name: String::new(),
        file: Some(name),
        origin: (0, 0),
        rows,
    })
}

fn text_cell(text: &str) -> Cell {
    let value = match text.trim() {
        "" => Value::Empty,
        _ => Value::Text(text.to_string()),
    };
    Cell {
        value,
        percent: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_a_spreadsheet_names_them() {
        let grid = Grid {
            name: "personas".into(),
            file: None,
            origin: (0, 0),
            rows: vec![],
        };
        assert_eq!(grid.cell_name(2, 4), "E3");
        assert_eq!(grid.cell_name(0, 26), "AA1");
        assert_eq!(civil_date(46082.0), "2026-03-01");
        assert!(is_table_csv(Path::new("data/leden.journey.csv")));
        assert!(!is_table_csv(Path::new("data/leden.csv")));
    }
}
