//! `personapress sheet [PROJECT] -o FILE.xlsx`: a project's personas as a workbook, in
//! the layout personapress reads, so that people who live in Excel can edit it and
//! send it back (`personapress import`, or name it in `personas`).

use std::path::Path;

use super::args::SheetArgs;
use super::{EXIT_FAILED, EXIT_OK, Status};
use crate::diag::Diagnostic;
use crate::spec::sheet::{SheetRow, relative_path, write_workbook};
use crate::spec::workspace::{self, Overrides, PersonaSource};

/// Writes the workbook; exit 1 when a persona could not be read (the others are written).
pub(crate) fn run(args: &SheetArgs) -> Status {
    let ws = workspace::open(&args.project, &Overrides::default())?;
    let mut sources = Vec::new();
    let mut failed = 0;
    for source in ws
        .persona_files
        .iter()
        .flat_map(|path| ws.load_sources(path))
    {
        match source {
            Ok(source) => sources.push(source),
            Err(not_loaded) => {
                not_loaded.error.eprint();
                failed += 1;
            }
        }
    }
    let folder = workbook_folder(&args.out)?;
    let rows: Vec<SheetRow> = sources.iter().map(|s| sheet_row(s, &folder)).collect();
    write_workbook(&rows, &args.out).map_err(Diagnostic::error)?;
    eprintln!("wrote {} persona(s) to {}", rows.len(), args.out.display());
    Ok(if failed > 0 { EXIT_FAILED } else { EXIT_OK })
}

/// The workbook's folder, made if needed, as an absolute path.
fn workbook_folder(out: &Path) -> Result<std::path::PathBuf, Diagnostic> {
    let folder = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot =
        |e: std::io::Error| Diagnostic::error(format!("cannot write {} ({e})", out.display()));
    std::fs::create_dir_all(folder).map_err(cannot)?;
    std::fs::canonicalize(folder).map_err(cannot)
}

/// A persona with its photo named from the workbook's folder.
fn sheet_row<'a>(source: &'a PersonaSource, folder: &Path) -> SheetRow<'a> {
    SheetRow {
        persona: &source.persona,
        id: &source.id,
        photo: source
            .photo
            .as_ref()
            .map(|photo| relative_path(folder, photo)),
    }
}
