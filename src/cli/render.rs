//! `personapress render`: every persona in every format, written to the output folder.

use std::time::Instant;

use super::args::RenderArgs;
use super::{EXIT_FAILED, EXIT_UNUSABLE, exit_status, prepare, print_findings, run_batch};
use crate::batch::Report;
use crate::batch::report::summarize;
use crate::diag::Diagnostic;
use crate::render::output::{run_date, write_atomic};

/// Renders the project and writes `report.json`; returns the exit status.
pub fn run(args: &RenderArgs) -> i32 {
    let started = Instant::now();
    let prepared = match prepare(&args.project, args.out.clone()) {
        Ok(prepared) => prepared,
        Err(diag) => {
            diag.eprint();
            return EXIT_UNUSABLE;
        }
    };
    let ws = &prepared.ws;
    let outcomes = run_batch(
        &prepared,
        &args.project,
        super::Mode::Render {
            force: args.force,
            png: args.png.then_some(args.dpi),
        },
    );
    print_findings(&outcomes, args.project.quiet);
    let report = Report::new(ws.project.title.clone(), &outcomes, &ws.out, &ws.root);
    if args.json {
        print!("{}", report.to_json());
    }
    let report_path = ws.out.join("report.json");
    if let Err(err) = write_atomic(&report_path, report.to_json().as_bytes()) {
        Diagnostic::error(format!("cannot write {} ({err})", report_path.display())).eprint();
        return EXIT_FAILED;
    }
    let proof = ws.out.join("index.html");
    let html = crate::proof::page(&report, ws, &run_date());
    if let Err(err) = write_atomic(&proof, html.as_bytes()) {
        Diagnostic::error(format!("cannot write {} ({err})", proof.display())).eprint();
        return EXIT_FAILED;
    }
    let s = summarize(&outcomes);
    if !args.project.quiet && s.skipped > 0 {
        for outcome in outcomes.iter().filter(|o| !o.skipped) {
            if let Some(path) = &outcome.path {
                eprintln!(
                    "  rewrote {}",
                    path.strip_prefix(&ws.out).unwrap_or(path).display()
                );
            }
        }
    }
    if !args.project.quiet {
        let rendered = s.written - s.skipped;
        let unchanged = match s.skipped {
            0 => String::new(),
            n => format!(" ({n} unchanged, not rendered again)"),
        };
        eprintln!(
            "wrote {rendered} of {} documents to {}{unchanged} in {:.2} s: {} warnings, {} errors",
            s.documents,
            ws.out.display(),
            started.elapsed().as_secs_f64(),
            s.warnings,
            s.errors
        );
    }
    exit_status(&outcomes, args.project.strict)
}
