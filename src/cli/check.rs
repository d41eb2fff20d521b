//! `personapress check`: loads, validates and lays out everything, writes nothing.

use super::args::ProjectArgs;
use super::{Status, exit_status, prepare, print_findings, run_batch};
use crate::batch::report::summarize;

/// Checks the project; returns the exit status.
pub(crate) fn run(args: &ProjectArgs) -> Status {
    let started = crate::batch::restart::run_started();
    let prepared = prepare(args, None)?;
    let outcomes = run_batch(
        &prepared,
        args,
        crate::batch::Mode::Check,
        Default::default(),
    )
    .outcomes;
    print_findings(&outcomes, args.quiet);
    let s = summarize(&outcomes);
    if !args.quiet {
        eprintln!(
            "checked {} documents in {:.2} s: {} failed, {} warnings, {} errors",
            s.documents,
            started.elapsed().as_secs_f64(),
            s.failed,
            s.warnings,
            s.errors
        );
    }
    Ok(exit_status(&outcomes, args.strict))
}
