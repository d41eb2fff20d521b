//! Personas written as a workbook in the layout [`super::read_personas`] reads: a
//! `personas` sheet with a column per key used (tables as dotted keys, lists one item
//! per line), a sheet per repeated table with a `persona` column, and a note on every
//! header cell saying what the column holds (from the persona schema).

use std::path::Path;

use rust_xlsxwriter::{Format, Note, Workbook, Worksheet, XlsxError};
use serde_json::Value as Json;

use crate::spec::persona::Persona;

/// The top-level keys, in the spec's order.
const KEYS: [&str; 25] = [
    "id",
    "name",
    "kind",
    "language",
    "status",
    "version",
    "tagline",
    "age",
    "occupation",
    "location",
    "segment",
    "photo",
    "photo_alt",
    "photo_focus",
    "photo_credit",
    "quote",
    "story",
    "core_need",
    "goals",
    "frustrations",
    "motivations",
    "behaviours",
    "dos",
    "donts",
    "",
];

/// The tables written as dotted columns, with their keys in order.
const TABLES: [(&str, &[&str]); 4] = [
    ("communication", &["style", "tone", "channels"]),
    ("teams", &["marketing", "sales", "service", "product"]),
    (
        "brief",
        &[
            "objective",
            "proposition",
            "key_message",
            "reasons_to_believe",
            "mandatories",
            "deliverables",
        ],
    ),
    ("sources", &["research", "updated"]),
];

/// The repeated tables, each on its own sheet, with their keys in order.
const REPEATED: [(&str, &[&str]); 5] = [
    ("media", &["channel", "share"]),
    ("traits", &["from", "to", "value"]),
    ("quotes", &["text", "source"]),
    (
        "journey",
        &[
            "phase",
            "stage",
            "touchpoints",
            "doing",
            "thinking",
            "feeling",
            "opportunity",
        ],
    ),
    ("metrics", &["label", "value", "target", "unit"]),
];

/// One persona to write: its values, its id, and its photo as the workbook names it.
pub struct SheetRow<'a> {
    /// The persona as written.
    pub persona: &'a Persona,
    /// Its id (a file's stem when it names none).
    pub id: &'a str,
    /// Its photo, relative to the workbook's folder.
    pub photo: Option<String>,
}

/// Writes `rows` to the workbook `path`.
pub fn write_workbook(rows: &[SheetRow], path: &Path) -> Result<(), String> {
    let values: Vec<Json> = rows.iter().map(row_json).collect();
    let schema = serde_json::to_value(schemars::schema_for!(Persona)).unwrap_or_default();
    let mut book = Workbook::new();
    let columns = used_columns(&values);
    write_sheet(book.add_worksheet(), "personas", &columns, &values, &schema)
        .map_err(|e| e.to_string())?;
    for (table, keys) in REPEATED {
        let table_rows: Vec<Json> = values.iter().flat_map(|v| table_rows(v, table)).collect();
        if table_rows.is_empty() {
            continue;
        }
        let mut columns = vec![("persona".to_string(), String::new())];
        columns.extend(
            keys.iter()
                .filter(|k| table_rows.iter().any(|r| !r[**k].is_null()))
                .map(|k| (k.to_string(), format!("{table}.{k}"))),
        );
        write_sheet(book.add_worksheet(), table, &columns, &table_rows, &schema)
            .map_err(|e| e.to_string())?;
    }
    book.save(path)
        .map_err(|e| format!("cannot write {} ({e})", path.display()))
}

/// A persona as JSON with its id and photo as the workbook writes them.
fn row_json(row: &SheetRow) -> Json {
    let mut value = serde_json::to_value(row.persona).unwrap_or_default();
    value["id"] = Json::String(row.id.to_string());
    value["photo"] = row.photo.clone().map_or(Json::Null, Json::String);
    value
}

/// The rows of one repeated table of a persona, each with a `persona` column.
fn table_rows(persona: &Json, table: &str) -> Vec<Json> {
    let items = persona[table].as_array().cloned().unwrap_or_default();
    items
        .into_iter()
        .map(|mut item| {
            item["persona"] = persona["id"].clone();
            item
        })
        .collect()
}

/// The `personas` sheet's columns that some persona fills: (header, schema path).
fn used_columns(values: &[Json]) -> Vec<(String, String)> {
    let filled = |get: &dyn Fn(&Json) -> &Json| values.iter().any(|v| !is_blank(get(v)));
    let defaults = [("kind", "persona"), ("status", "final")];
    let mut columns = Vec::new();
    for key in KEYS.into_iter().filter(|k| !k.is_empty()) {
        let only_default = defaults
            .iter()
            .any(|(k, d)| *k == key && values.iter().all(|v| v[key] == *d));
        if (key == "id" || key == "name" || filled(&|v| &v[key])) && !only_default {
            columns.push((key.to_string(), key.to_string()));
        }
    }
    for (table, keys) in TABLES {
        for key in keys.iter().filter(|k| filled(&|v: &Json| &v[table][**k])) {
            let dotted = format!("{table}.{key}");
            columns.push((dotted.clone(), dotted));
        }
    }
    columns
}

fn is_blank(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Writes one sheet: the header (bold, frozen, each with its note), then a row per value.
fn write_sheet(
    sheet: &mut Worksheet,
    name: &str,
    columns: &[(String, String)],
    values: &[Json],
    schema: &Json,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (c, (header, path)) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, header, &bold)?;
        sheet.set_column_width(
            c,
            if header.contains('.') || header == "story" {
                36
            } else {
                18
            },
        )?;
        if let Some(text) = note_text(schema, header, path) {
            sheet.insert_note(0, c, &Note::new(text).add_author_prefix(false))?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, value) in values.iter().enumerate() {
        for (c, (header, _)) in columns.iter().enumerate() {
            let cell = lookup(value, header);
            write_cell(sheet, (r as u32 + 1, c as u16), cell, &wrap)?;
        }
    }
    Ok(())
}

/// The value under a dotted header (`communication.style`).
fn lookup<'a>(value: &'a Json, header: &str) -> &'a Json {
    header.split('.').fold(value, |v, key| &v[key])
}

/// One cell: text, a number, or a list as one item per line (wrapped).
fn write_cell(
    sheet: &mut Worksheet,
    (r, c): (u32, u16),
    value: &Json,
    wrap: &Format,
) -> Result<(), XlsxError> {
    match value {
        Json::String(s) if s.contains('\n') => {
            sheet.write_string_with_format(r, c, s, wrap).map(|_| ())
        }
        Json::String(s) if !s.is_empty() => sheet.write_string(r, c, s).map(|_| ()),
        Json::Number(n) => sheet
            .write_number(r, c, n.as_f64().unwrap_or_default())
            .map(|_| ()),
        Json::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
        Json::Array(items) if !items.is_empty() => {
            let lines: Vec<String> = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect();
            sheet
                .write_string_with_format(r, c, lines.join("\n"), wrap)
                .map(|_| ())
        }
        _ => Ok(()),
    }
}

/// What a column holds, from the schema's description of its key; list columns say
/// that they take one item per line.
fn note_text(schema: &Json, header: &str, path: &str) -> Option<String> {
    if header == "persona" {
        return Some(
            "The id of the persona this row belongs to (the personas sheet's `id`).".into(),
        );
    }
    let mut node = &schema["properties"];
    let mut property = &Json::Null;
    for key in path.split('.') {
        property = &node[key];
        node = &definition(schema, property)?["properties"];
    }
    let description = property["description"].as_str().map(str::trim);
    let list = property["type"].as_str() == Some("array")
        || property["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "array"));
    let list = list && property["items"]["$ref"].is_null();
    match (description, list) {
        (Some(d), true) => Some(format!("{d}\nOne item per line (Alt+Enter).")),
        (Some(d), false) => Some(d.to_string()),
        (None, true) => Some("One item per line (Alt+Enter).".into()),
        (None, false) => None,
    }
}

/// The schema definition a property refers to (itself when it refers to none).
fn definition<'a>(schema: &'a Json, property: &'a Json) -> Option<&'a Json> {
    fn find_ref(value: &Json) -> Option<&str> {
        match value {
            Json::Object(map) => map
                .get("$ref")
                .and_then(Json::as_str)
                .or_else(|| map.values().find_map(find_ref)),
            Json::Array(items) => items.iter().find_map(find_ref),
            _ => None,
        }
    }
    match find_ref(property) {
        Some(reference) => schema["$defs"].get(reference.rsplit('/').next()?),
        None => Some(property),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the persona schema has a column, so a new key cannot be lost.
    #[test]
    fn every_key_of_the_spec_has_a_column() {
        let schema = serde_json::to_value(schemars::schema_for!(Persona)).unwrap();
        let top: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        assert!(top.len() > 20, "{top:?}");
        for key in top {
            let in_keys = KEYS.contains(&key.as_str());
            let table = TABLES.iter().chain(&REPEATED).find(|(t, _)| t == key);
            assert!(in_keys || table.is_some(), "`{key}` has no column");
            if let Some((_, keys)) = table {
                let def = definition(&schema, &schema["properties"][key]).unwrap();
                let inner: Vec<&String> = def["properties"].as_object().unwrap().keys().collect();
                for k in inner {
                    assert!(keys.contains(&k.as_str()), "`{key}.{k}` has no column");
                }
            }
        }
        assert!(
            note_text(&schema, "communication.channels", "communication.channels")
                .unwrap()
                .contains("One item per line")
        );
    }
}
