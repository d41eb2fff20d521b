//! `personapress preview PERSONA --format F`: one document to PNG, fast.

use std::path::{Path, PathBuf};

use super::args::{PreviewArgs, ProjectArgs};
use super::{Status, exit_status, prepare, print_findings, run_batch};
use crate::batch::Mode;
use crate::diag::Diagnostic;
use crate::spec::workspace::{PROJECT_FILE, Workspace};

/// Renders one persona in one format (in the project's first theme) to PNG.
pub(crate) fn run(args: &PreviewArgs) -> Status {
    let started = crate::batch::restart::run_started();
    let project = ProjectArgs {
        project: project_folder(args),
        formats: Some(vec![args.format.clone()]),
        theme: None,
        jobs: Some(1),
        quiet: true,
        strict: false,
        source_date_epoch: None,
        budget: Default::default(),
    };
    let mut prepared = prepare(&project, None)?;
    let (file, only) = find_persona(&prepared.ws, &args.persona)?;
    prepared.ws.persona_files = vec![file];
    prepared.ws.only_persona = only;
    prepared.ws.themes.truncate(1);
    let mode = Mode::Preview {
        dpi: args.dpi,
        path: args.out.clone(),
        proof: args.proof,
    };
    let outcomes = run_batch(&prepared, &project, mode, Default::default()).outcomes;
    print_findings(&outcomes, false);
    if let Some(path) = outcomes.first().and_then(|o| o.path.as_ref()) {
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("wrote {} in {seconds:.2} s", path.display());
    }
    Ok(exit_status(&outcomes, false))
}

/// `--project`, else the folder above a persona file that holds personapress.toml,
/// else the current folder.
fn project_folder(args: &PreviewArgs) -> PathBuf {
    if let Some(project) = &args.project {
        return project.clone();
    }
    let file = Path::new(&args.persona);
    let found = file
        .is_file()
        .then(|| {
            file.ancestors()
                .skip(1)
                .find(|d| d.join(PROJECT_FILE).is_file())
        })
        .flatten();
    found.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The persona file named by a path, a file stem or an id; for a spreadsheet's row, the
/// spreadsheet and the row's id.
fn find_persona(ws: &Workspace, wanted: &str) -> Result<(PathBuf, Option<String>), Diagnostic> {
    let as_file = std::fs::canonicalize(wanted).ok();
    let stem = |p: &PathBuf| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let by_path_or_stem = ws.persona_files.iter().find(|p| {
        as_file.is_some() && std::fs::canonicalize(p).ok() == as_file
            || stem(p).as_deref() == Some(wanted)
    });
    if let Some(found) = by_path_or_stem.filter(|p| !crate::spec::sheet::is_sheet(p)) {
        return Ok((found.clone(), None));
    }
    let by_id = ws
        .persona_files
        .iter()
        .find(|p| ws.load_sources(p).iter().flatten().any(|s| s.id == wanted));
    if let Some(found) = by_id {
        let only = crate::spec::sheet::is_sheet(found).then(|| wanted.to_string());
        return Ok((found.clone(), only));
    }
    let stems: Vec<String> = ws.persona_files.iter().filter_map(stem).collect();
    let names: Vec<&str> = stems.iter().map(String::as_str).collect();
    let hint = match crate::spec::closest(wanted, &names) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("the project's personas: {}", names.join(", ")),
    };
    Err(
        Diagnostic::error(format!("no persona `{wanted}` in {}", ws.root.display()))
            .with_hint(hint),
    )
}
