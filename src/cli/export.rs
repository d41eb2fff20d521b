//! `personapress export`: a Typst source bundle per document, for the stock CLI.

use super::args::ExportArgs;
use super::{Status, exit_status, prepare, print_findings, run_batch};
use crate::batch::Mode;
use crate::batch::report::summarize;

/// Exports every document's bundle; returns the exit status.
pub(crate) fn run(args: &ExportArgs) -> Status {
    let started = crate::batch::restart::run_started();
    let prepared = prepare(&args.project, None)?;
    let outcomes = run_batch(
        &prepared,
        &args.project,
        Mode::Export(args.out.clone()),
        Default::default(),
    )
    .outcomes;
    print_findings(&outcomes, args.project.quiet);
    let s = summarize(&outcomes);
    if !args.project.quiet {
        let exported = outcomes.iter().filter(|o| o.path.is_some()).count();
        eprintln!(
            "exported {exported} of {} documents to {} in {:.2} s\n\
             compile one with: typst compile --root B --font-path B/fonts --ignore-system-fonts B/main.typ",
            s.documents,
            args.out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(exit_status(&outcomes, args.project.strict))
}
