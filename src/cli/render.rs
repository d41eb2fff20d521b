//! `personapress render`: every persona in every format, written to the output folder.

use std::time::Instant;

use super::args::RenderArgs;
use super::{Failure, Status, exit_status, prepare, print_findings, run_batch};
use crate::batch::report::summarize;
use crate::batch::shard::{Portion, Shard};
use crate::batch::{Outcome, Report};
use crate::diag::Diagnostic;
use crate::render::date::run_date;
use crate::render::output::{LockRefused, OutputLock, write_atomic};
use crate::spec::workspace::Workspace;

/// Renders the project and writes `report.json`; returns the exit status.
pub(crate) fn run(args: &RenderArgs) -> Status {
    let started = crate::batch::restart::run_started();
    let prepared = prepare(&args.project, args.out.clone())?;
    let ws = &prepared.ws;
    let mode = crate::batch::Mode::Render {
        force: args.force,
        png: args.png.then_some(args.dpi),
    };
    let portion = args.shard.map_or(Portion::Whole, Portion::Shard);
    let _lock = lock_output(ws, &portion)?;
    let ran = run_batch(&prepared, &args.project, mode, portion);
    let outcomes = ran.outcomes;
    print_findings(&outcomes, args.project.quiet);
    let report = Report::new(ws.project.title.clone(), &outcomes, &ws.out, &ws.root)
        .with_removed(ran.removed);
    if args.json {
        print!("{}", report.to_json());
    }
    match args.shard {
        Some(shard) => write_part_report(&report, ws, shard),
        None => {
            let date = run_date(args.project.source_date_epoch);
            write_report_and_proof(&report, ws, &date)
        }
    }
    .map_err(Failure::failed)?;
    if !args.project.quiet {
        if let (Some(shard), true) = (args.shard, outcomes.is_empty()) {
            eprintln!("shard {shard} holds none of the project's personas: nothing to render");
        }
        print_removed(&report.removed);
        print_summary(&outcomes, ws, started);
    }
    Ok(exit_status(&outcomes, args.project.strict))
}

/// Claims the output folder for this run (a shard its own claim in it): a second
/// run into the same folder is refused while this one runs.
pub(crate) fn lock_output(ws: &Workspace, portion: &Portion) -> Result<OutputLock, Diagnostic> {
    OutputLock::take(&ws.out, &portion.file_suffix()).map_err(|refused| match refused {
        LockRefused::Held(message) => Diagnostic::error(message)
            .with_hint("wait for it to finish, or write into another folder with -o"),
        LockRefused::Unusable(message) => Diagnostic::error(message)
            .with_hint("name a folder personapress may make and write into with -o (or `out` in personapress.toml)"),
    })
}

/// Writes a shard's part report, `OUT/report.shard-K-of-N.json` (no proof page: the
/// merge writes it for the whole project).
fn write_part_report(report: &Report, ws: &Workspace, shard: Shard) -> Result<(), Diagnostic> {
    let path = ws.out.join(Portion::Shard(shard).report_name());
    write_atomic(&path, report.to_json().as_bytes())
        .map_err(|err| Diagnostic::error(format!("cannot write {} ({err})", path.display())))
}

/// Writes `OUT/report.json` and the proof pages `OUT/index.html` (`index-2.html`, …),
/// removing pages an earlier, larger run left.
pub(crate) fn write_report_and_proof(
    report: &Report,
    ws: &Workspace,
    date: &str,
) -> Result<(), Diagnostic> {
    let mut files = vec![("report.json".to_string(), report.to_json())];
    files.extend(crate::proof::pages(report, ws, date));
    for (name, text) in &files {
        let path = ws.out.join(name);
        write_atomic(&path, text.as_bytes())
            .map_err(|err| Diagnostic::error(format!("cannot write {} ({err})", path.display())))?;
    }
    for stale in (files.len() - 1..).map(crate::proof::page_name) {
        if std::fs::remove_file(ws.out.join(stale)).is_err() {
            break;
        }
    }
    Ok(())
}

/// The files rendered again beside kept ones, and the one-line summary.
/// Lists the files of documents the project no longer makes that the run removed.
fn print_removed(removed: &[String]) {
    for file in removed {
        eprintln!("  removed {file} (the project no longer makes it)");
    }
}

pub(crate) fn print_summary(outcomes: &[Outcome], ws: &Workspace, started: Instant) {
    let s = summarize(outcomes);
    if s.skipped > 0 {
        let rendered = outcomes
            .iter()
            .filter(|o| !o.skipped)
            .filter_map(|o| o.path.as_ref());
        for path in rendered {
            eprintln!(
                "  rewrote {}",
                path.strip_prefix(&ws.out).unwrap_or(path).display()
            );
        }
    }
    let unchanged = match s.skipped {
        0 => String::new(),
        n => format!(" ({n} unchanged, not rendered again)"),
    };
    eprintln!(
        "wrote {} of {} documents to {}{unchanged} in {:.2} s: {} warnings, {} errors",
        s.written - s.skipped,
        s.documents,
        ws.out.display(),
        started.elapsed().as_secs_f64(),
        s.warnings,
        s.errors
    );
}
