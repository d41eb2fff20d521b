//! `personapress merge [PROJECT] --out DIR PART...`: the output folders of `render
//! --shard K/N` runs brought together as one `render` of the whole project writes it —
//! the shards' documents taken as they are, the overview sheets rendered, one
//! `report.json` and `index.html`.

use super::args::MergeArgs;
use super::render::{lock_output, print_summary, write_report_and_proof};
use super::{EXIT_FAILED, Failure, Status, exit_status, prepare, print_findings, run_batch};
use crate::batch::Report;
use crate::batch::merge::{Gathered, gather};
use crate::batch::shard::Portion;
use crate::diag::Diagnostic;
use crate::render::date::run_date;

/// Merges the parts; exit 1 when a shard is missing or a document failed.
pub(crate) fn run(args: &MergeArgs) -> Status {
    let started = crate::batch::restart::run_started();
    let (project, parts) = args.split();
    let prepared = prepare(&project, Some(args.out.clone()))?;
    let ws = &prepared.ws;
    let _lock = lock_output(ws, &Portion::Merge)?;
    let gathered = gather(&parts, &ws.out)?;
    let mode = crate::batch::Mode::Render {
        force: false,
        png: None,
    };
    let outcomes = run_batch(&prepared, &project, mode, Portion::Merge).outcomes;
    print_findings(&outcomes, project.quiet);
    let report = Report::new(ws.project.title.clone(), &outcomes, &ws.out, &ws.root);
    let date = run_date(project.source_date_epoch);
    write_report_and_proof(&report, ws, &date).map_err(Failure::failed)?;
    let complete = report_shards(&gathered);
    if !project.quiet {
        eprintln!(
            "brought {} documents of {} shard(s) together in {}",
            gathered.documents,
            gathered.shards.len(),
            ws.out.display()
        );
        print_summary(&outcomes, ws, started);
    }
    match complete {
        true => Ok(exit_status(&outcomes, project.strict)),
        false => Ok(EXIT_FAILED),
    }
}

/// Prints the parts that held no shard, the shards missing and those with failed
/// documents; returns whether every shard was there.
fn report_shards(gathered: &Gathered) -> bool {
    for problem in &gathered.problems {
        problem.eprint();
    }
    let missing = gathered.missing();
    if let Some(count) = gathered.count {
        for index in &missing {
            let message = format!("shard {index}/{count} is missing: no part folder holds it");
            let hint = format!("run `render --shard {index}/{count}` and name its output folder");
            Diagnostic::error(message).with_hint(hint).eprint();
        }
    }
    for (index, (part, failed)) in gathered.shards.iter().filter(|(_, (_, f))| *f > 0) {
        let count = gathered.count.unwrap_or(0);
        eprintln!(
            "shard {index}/{count} ({}) had {failed} failed document(s)",
            part.display()
        );
    }
    gathered.count.is_some() && missing.is_empty() && gathered.problems.is_empty()
}
