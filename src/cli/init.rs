//! `personapress init`: a new project that renders at once.

use std::path::Path;

use super::args::InitArgs;
use super::{EXIT_OK, Status};
use crate::diag::Diagnostic;
use crate::render::output::write_atomic;
use crate::spec::persona::Persona;
use crate::spec::sheet::{SheetRow, write_workbook};

/// The files of a new project: path inside it, and contents.
const FILES: &[(&str, &[u8])] = &[
    (
        "personapress.toml",
        include_bytes!("../../init/personapress.toml"),
    ),
    ("README.md", include_bytes!("../../init/README.md")),
    (
        "personas/peter.toml",
        include_bytes!("../../examples/personas/peter.toml"),
    ),
    (
        "personas/zoe.toml",
        include_bytes!("../../examples/personas/zoe.toml"),
    ),
    (
        "photos/peter.svg",
        include_bytes!("../../examples/photos/peter.svg"),
    ),
    (
        "photos/zoe.svg",
        include_bytes!("../../examples/photos/zoe.svg"),
    ),
    (
        "themes/noordzee.toml",
        include_bytes!("../../examples/themes/noordzee.toml"),
    ),
    (
        "themes/wegwijs-logo.svg",
        include_bytes!("../../examples/themes/wegwijs-logo.svg"),
    ),
];

/// Where `init` puts the JSON Schemas the TOML files point at with `#:schema`.
pub(crate) const SCHEMA_DIR: &str = ".personapress/schema";

/// Creates the project; returns the exit status.
pub(crate) fn run(args: &InitArgs) -> Status {
    create(&args.dir, args.sheet)?;
    if args.sheet {
        eprintln!("the personas are in {}", args.dir.join(WORKBOOK).display());
    }
    eprintln!(
        "created a project in {}\n  next: personapress render {}",
        args.dir.display(),
        args.dir.display()
    );
    Ok(EXIT_OK)
}

/// Where `init --sheet` puts the example personas.
const WORKBOOK: &str = "data/personas.xlsx";

/// Writes every file of a new project into `dir`, which must be empty or new; with
/// `sheet`, its personas as a workbook instead of TOML files.
pub(crate) fn create(dir: &Path, sheet: bool) -> Result<(), Diagnostic> {
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(Diagnostic::error(format!(
            "{} is not empty (init does not overwrite anything)",
            dir.display()
        ))
        .with_hint("name a new folder: personapress init my-personas"));
    }
    for (path, bytes) in FILES {
        if sheet && path.starts_with("personas/") {
            continue;
        }
        let mut text = with_schema_line(path, bytes);
        if sheet {
            text = for_workbook(path, text);
        }
        write(&dir.join(path), &text)?;
    }
    if sheet {
        write_example_workbook(&dir.join(WORKBOOK))?;
    }
    for kind in super::args::SchemaKind::ALL {
        let json = super::schema::json(kind);
        let path = dir.join(SCHEMA_DIR).join(format!("{}.json", kind.name()));
        write(&path, json.as_bytes())?;
    }
    Ok(())
}

/// The project file and README of a project whose personas are in [`WORKBOOK`].
fn for_workbook(path: &str, text: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&text);
    let replaced = match path {
        "personapress.toml" => text.replace("personas/*.toml", WORKBOOK).replace(
            "every persona in\n# personas/",
            &format!("every persona in\n# {WORKBOOK}"),
        ),
        "README.md" => text
            .replace("personas written as text files", "personas kept in a workbook")
            .replace(
                "| `personas/*.toml` | one file per persona: Peter (Dutch) and Zoë (English) show every section |",
                "| `data/personas.xlsx` | one row per persona on the sheet `personas` (Peter, Dutch, and Zoë, English, fill every column); their journeys, media, traits, quotes and metrics on sheets of those names, a row each, naming the persona's `id` |",
            )
            .replace(
                "To make a persona your own, copy `personas/zoe.toml`, change `name` and the\nrest, and render again.",
                "To add a persona, add a row to the sheet `personas` (and rows naming its `id` on\nthe other sheets), save, and render again. A note on each header says what its\ncolumn holds; a list cell holds one item per line. `personapress import\ndata/personas.xlsx` writes the rows as TOML files, if you would rather work in text.",
            ),
        _ => return text.into_owned().into_bytes(),
    };
    replaced.into_bytes()
}

/// The example personas as a workbook (their photo paths hold from `data/` as from
/// `personas/`).
fn write_example_workbook(path: &Path) -> Result<(), Diagnostic> {
    let mut personas = Vec::new();
    for (file, bytes) in FILES.iter().filter(|(f, _)| f.starts_with("personas/")) {
        let text = String::from_utf8_lossy(bytes);
        let persona: Persona = toml::from_str(&text)
            .map_err(|e| Diagnostic::error(format!("the example {file} does not parse ({e})")))?;
        let id = Path::new(file)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        personas.push((persona, id));
    }
    let rows: Vec<SheetRow> = personas
        .iter()
        .map(|(persona, id)| SheetRow {
            persona,
            id,
            photo: persona.photo.clone(),
        })
        .collect();
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
        .map_err(|e| Diagnostic::error(format!("cannot write {} ({e})", path.display())))?;
    write_workbook(&rows, path).map_err(Diagnostic::error)
}

/// TOML files get a `#:schema` first line pointing at their JSON Schema.
fn with_schema_line(path: &str, bytes: &[u8]) -> Vec<u8> {
    let kind = match path {
        "personapress.toml" => "project",
        p if p.starts_with("personas/") && p.ends_with(".toml") => "persona",
        p if p.starts_with("themes/") && p.ends_with(".toml") => "theme",
        _ => return bytes.to_vec(),
    };
    let up = match path.matches('/').count() {
        0 => "./".to_string(),
        depth => "../".repeat(depth),
    };
    let mut text = format!("#:schema {up}{SCHEMA_DIR}/{kind}.json\n").into_bytes();
    text.extend_from_slice(bytes);
    text
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    write_atomic(path, bytes)
        .map_err(|err| Diagnostic::error(format!("cannot write {} ({err})", path.display())))
}
