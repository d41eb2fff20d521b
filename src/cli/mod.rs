//! The command-line interface: argument types, one file per subcommand, terminal output.

pub mod args;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod merge;
pub(crate) mod preview;
pub(crate) mod render;
pub(crate) mod schema;
pub(crate) mod sheet;
pub(crate) mod templates;
pub(crate) mod watch;

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::batch::shard::Portion;
use crate::batch::{self, Mode, Outcome, RunOptions};
use crate::diag::Diagnostic;
use crate::print::OutputIntent;
use crate::print::manage::Conversion;
use crate::spec::project::PrintColour;
use crate::spec::standard::PdfxStandard;
use crate::spec::workspace::{self, Overrides, Workspace};
use crate::world::{Base, fonts};

pub use args::{Cli, Command};

/// Exit status: all documents made (warnings allowed).
pub const EXIT_OK: i32 = 0;
/// Exit status: some documents failed.
pub const EXIT_FAILED: i32 = 1;
/// Exit status: the project could not be loaded, or the command line was wrong.
pub const EXIT_UNUSABLE: i32 = 2;

/// Why a command could not do its work, and the exit status that says so.
#[derive(Debug)]
pub struct Failure {
    /// What to print (boxed: a command's result stays small).
    pub diag: Box<Diagnostic>,
    /// [`EXIT_UNUSABLE`] when the project or the command line is wrong, else [`EXIT_FAILED`].
    pub status: i32,
}

impl From<Diagnostic> for Failure {
    fn from(diag: Diagnostic) -> Self {
        Failure {
            diag: Box::new(diag),
            status: EXIT_UNUSABLE,
        }
    }
}

impl Failure {
    /// A failure that leaves the run's documents made, but not all of its output.
    pub fn failed(diag: Diagnostic) -> Self {
        Failure {
            diag: Box::new(diag),
            status: EXIT_FAILED,
        }
    }
}

/// What a command returns: its exit status, or why it could not run.
pub type Status = Result<i32, Failure>;

/// Runs the parsed command, prints its failure once if it has one, and returns the
/// exit status.
pub fn run(cli: Cli) -> i32 {
    match command_status(cli.command) {
        Ok(status) => status,
        Err(failure) => {
            failure.diag.eprint();
            failure.status
        }
    }
}

fn command_status(command: Command) -> Status {
    match command {
        Command::Render(args) => render::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Watch(args) => watch::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Sheet(args) => sheet::run(&args),
        Command::Preview(args) => preview::run(&args),
        Command::Templates(command) => templates::run(&command),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
    }
}

/// A project opened and ready to render.
pub struct Prepared {
    /// The project, its personas, themes and formats.
    pub ws: Workspace,
    /// The shared Typst base.
    pub base: Base,
    /// The PDF/X output intent, unless `[print] pdfx = false`.
    pub intent: Option<OutputIntent>,
}

/// Opens the project and builds the shared Typst base, checking the themes' fonts
/// and loading the output intent.
pub fn prepare(
    args: &args::ProjectArgs,
    out: Option<std::path::PathBuf>,
) -> Result<Prepared, Diagnostic> {
    let overrides = Overrides {
        out,
        formats: args.formats.clone(),
        theme: args.theme.clone(),
    };
    let ws = workspace::open(&args.project, &overrides)?;
    let base = Base::new(ws.fonts.as_deref(), ws.templates.as_deref())?;
    base.skipped_fonts().iter().for_each(Diagnostic::eprint);
    for format in &ws.formats {
        if !base.has_template(&format.template()) {
            return Err(Diagnostic::error(format!(
                "no template for the format `{format}`"
            ))
            .with_hint(format!(
                "put {} in the project's templates folder (start from `personapress templates eject`)",
                format.template()
            )));
        }
    }
    check_fonts(&ws, &base)?;
    check_max_ppi(&ws)?;
    check_standard(&ws)?;
    let print = &ws.project.print;
    let cmyk = print.converts();
    let intent = match print.pdfx || cmyk {
        true => Some(output_intent(&ws)?),
        false => None,
    };
    let intent = match (intent, cmyk) {
        (Some(intent), true) => Some(with_conversion(&ws, intent)?),
        (intent, _) => intent,
    };
    Ok(Prepared { ws, base, intent })
}

/// The output intent with Little CMS transforms for `[print] colour = "cmyk"`.
fn with_conversion(ws: &Workspace, intent: OutputIntent) -> Result<OutputIntent, Diagnostic> {
    let print = &ws.project.print;
    let defaults = Conversion::default();
    let at_key = |key: &str, message: String| ws.project_file.error_at_key(key, message);
    let max_ink = print.max_ink.unwrap_or(defaults.max_ink);
    if !(200.0..=400.0).contains(&max_ink) {
        let message =
            format!("max_ink = {max_ink} is not between 200 and 400 (percent of total ink)");
        return Err(at_key("max_ink", message)
            .with_hint("coated offset paper takes 300–330, uncoated 260–300"));
    }
    let conversion = Conversion {
        images: print.image_intent.unwrap_or(defaults.images),
        vectors: print.vector_intent.unwrap_or(defaults.vectors),
        max_ink,
    };
    intent
        .with_conversion(conversion)
        .map_err(|message| at_key("output_intent", message))
}

fn output_intent(ws: &Workspace) -> Result<OutputIntent, Diagnostic> {
    let written = ws
        .project
        .print
        .output_intent
        .as_deref()
        .unwrap_or("FOGRA39");
    let intent = crate::print::load_output_intent(written, &ws.root)
        .map_err(|diag| ws.project_file.at_key("output_intent", diag))?;
    let standard = ws.project.print.standard;
    let version = intent.profile.as_slice().get(8).copied().unwrap_or(0);
    if standard.is_pdf_1_4() && version >= 4 {
        let message = format!(
            "the output profile is ICC version {version}, but {standard} (PDF 1.4) reads version 2 profiles only"
        );
        let hint = "ask the print shop for the version 2 profile of its condition (ECI's profiles come in both)";
        return Err(ws
            .project_file
            .error_at_key("output_intent", message)
            .with_hint(hint));
    }
    Ok(intent)
}

/// `[print] standard` is a PDF/X: it needs `pdfx`, and PDF/X-1a cannot be RGB.
fn check_standard(ws: &Workspace) -> Result<(), Diagnostic> {
    let print = &ws.project.print;
    let standard = print.standard;
    if !print.pdfx && standard != PdfxStandard::X4 {
        let message = format!("standard = \"{standard}\" needs PDF/X, but pdfx = false");
        let hint = "remove `pdfx = false`, or the standard";
        return Err(ws
            .project_file
            .error_at_key("standard", message)
            .with_hint(hint));
    }
    if standard.cmyk_only() && print.colour == Some(PrintColour::Rgb) {
        let message = format!("{standard} is CMYK only, but colour = \"rgb\"");
        let hint = "remove `colour` (PDF/X-1a converts to CMYK), or choose standard = \"PDF/X-3\" or \"PDF/X-4\", which allow ICC-tagged RGB";
        return Err(ws
            .project_file
            .error_at_key("colour", message)
            .with_hint(hint));
    }
    Ok(())
}

/// `[print] max_ppi` resamples to 300 ppi, so it cannot be below that.
fn check_max_ppi(ws: &Workspace) -> Result<(), Diagnostic> {
    match ws.project.print.max_ppi {
        Some(max) if f64::from(max) < crate::render::resample::TO_PPI => Err(ws
            .project_file
            .error_at_key(
                "max_ppi",
                format!("max_ppi = {max} is below the 300 ppi photos are resampled to"),
            )
            .with_hint("450 keeps every photo sharp and drops what no press prints")),
        _ => Ok(()),
    }
}

/// Every font family a theme names must be available.
fn check_fonts(ws: &Workspace, base: &Base) -> Result<(), Diagnostic> {
    for source in &ws.themes {
        let theme = &source.theme;
        for (key, family) in [
            ("heading", &theme.fonts.heading),
            ("body", &theme.fonts.body),
        ] {
            let Some(family) = family else { continue };
            if fonts::has_family(base.book(), family) {
                continue;
            }
            let message = format!(
                "the font family `{family}` of theme `{}` is not available",
                theme.name
            );
            let diag = source.error_at_key(key, message);
            let known = fonts::family_names(base.book()).join(", ");
            let advice = match base.skipped_fonts().len() {
                0 => "or put the font files in the project's `fonts` folder".to_string(),
                n => format!(
                    "{n} font file(s) in the `fonts` folder were skipped as damaged (see the warnings above)"
                ),
            };
            return Err(diag.with_hint(format!("available: {known}; {advice}")));
        }
    }
    Ok(())
}

/// Runs the batch with a progress bar on a terminal.
/// `portion` says which documents: all, a shard's, or a merge's. A document that runs
/// over the budget makes this process start itself again (see `batch::restart`): for
/// the command line, not for a library's caller.
pub fn run_batch(
    prepared: &Prepared,
    args: &args::ProjectArgs,
    mode: Mode,
    portion: Portion,
) -> batch::Ran {
    let progress = progress_bar(args.quiet);
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let options = RunOptions {
        jobs,
        progress: &progress,
        output_intent: prepared.intent.clone(),
        mode,
        source_date_epoch: args.source_date_epoch,
        portion,
        budget: args.budget.budget(),
        // Where a process cannot start itself again, a runaway stops the run.
        runaways: cfg!(unix).then(batch::restart::Runaways::inherited),
    };
    let ran = batch::run(&prepared.ws, &prepared.base, &options);
    progress.finish_and_clear();
    ran
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    let style =
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} documents {elapsed}")
            .expect("a valid progress template")
            .progress_chars("=> ");
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Prints every warning and error of the run, in the persona order, and the notes.
pub fn print_findings(outcomes: &[Outcome], quiet: bool) {
    for outcome in outcomes {
        if let (Some(note), false) = (&outcome.note, quiet) {
            eprintln!("note: {note}");
        }
        for diag in outcome
            .errors
            .iter()
            .chain(outcome.warnings.iter().filter(|_| !quiet))
        {
            eprintln!("{}:", outcome.label());
            diag.eprint();
        }
    }
}

/// Folds outcomes into the exit status; with `strict`, a warning fails too.
pub fn exit_status(outcomes: &[Outcome], strict: bool) -> i32 {
    let failed = |o: &Outcome| o.failed() || (strict && !o.warnings.is_empty());
    if outcomes.iter().any(failed) {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
