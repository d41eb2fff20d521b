//! `personapress import FILE [-o DIR]`: a spreadsheet's personas as one TOML file each,
//! so that a team can move from the sheet to files. Each row is checked as a render
//! would check it; a bad row is reported and the others are written.

use std::path::{Path, PathBuf};

use super::args::ImportArgs;
use super::init::SCHEMA_DIR;
use super::{EXIT_FAILED, EXIT_OK, Status};
use crate::diag::Diagnostic;
use crate::render::output::write_atomic;
use crate::spec::persona::Persona;
use crate::spec::sheet::{self, SheetPersona};
use crate::spec::workspace::{check_persona, is_valid_id};

/// Writes the persona files; exit 1 when a row could not be written.
pub(crate) fn run(args: &ImportArgs) -> Status {
    let rows = sheet::read_personas(&args.file)?;
    std::fs::create_dir_all(&args.out).map_err(|e| cannot_write(&args.out, &e))?;
    let out = std::fs::canonicalize(&args.out).map_err(|e| cannot_write(&args.out, &e))?;
    let schema = schema_line(&out)?;
    let (mut written, mut failed) = (0, 0);
    for row in rows {
        match row.and_then(|row| write_persona(args, &out, &schema, &row)) {
            Ok(()) => written += 1,
            Err(diag) => {
                diag.eprint();
                failed += 1;
            }
        }
    }
    eprintln!("wrote {written} persona file(s) to {}", args.out.display());
    Ok(if failed > 0 { EXIT_FAILED } else { EXIT_OK })
}

/// Checks one row as a render would and writes it as `OUT/ID.toml`.
fn write_persona(
    args: &ImportArgs,
    out: &Path,
    schema: &str,
    row: &SheetPersona,
) -> Result<(), Diagnostic> {
    let loaded = crate::spec::parse_sheet_toml::<Persona>(&args.file, row)?;
    check_persona(&loaded)?;
    let id = loaded
        .value
        .id
        .clone()
        .unwrap_or_else(|| row.cells.id().to_string());
    if !is_valid_id(&id) {
        let message = format!("the id `{id}` cannot be used in a file name");
        return Err(loaded
            .error_at_key("id", message)
            .with_hint("use letters, digits, `-` and `_` only"));
    }
    let path = out.join(format!("{id}.toml"));
    if path.exists() && !args.force {
        return Err(
            Diagnostic::error(format!("{} already exists", path.display()))
                .with_hint("pass --force to replace it, or import into another folder with -o"),
        );
    }
    let from = std::fs::canonicalize(loaded.dir()).unwrap_or_else(|_| loaded.dir().to_path_buf());
    let text = format!("{schema}{}", sheet::toml_for_folder(row, &from, out));
    write_atomic(&path, text.as_bytes()).map_err(|e| cannot_write(&path, &e))
}

/// The `#:schema` line of the persona files: the JSON Schema of the project the folder
/// is in (the nearest folder up with a personapress.toml, else the folder above), written
/// there when it is missing.
fn schema_line(out: &Path) -> Result<String, Diagnostic> {
    let project = out
        .ancestors()
        .find(|dir| dir.join(crate::spec::workspace::PROJECT_FILE).is_file())
        .or(out.parent())
        .unwrap_or(out)
        .to_path_buf();
    let schema: PathBuf = project.join(SCHEMA_DIR).join("persona.json");
    if !schema.is_file() {
        let json = super::schema::json(super::args::SchemaKind::Persona);
        write_atomic(&schema, json.as_bytes()).map_err(|e| cannot_write(&schema, &e))?;
    }
    Ok(format!("#:schema {}\n", sheet::relative_path(out, &schema)))
}

fn cannot_write(path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {} ({err})", path.display()))
}
