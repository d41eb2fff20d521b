//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::batch::watchdog::Budget;

/// Turns customer personas written in TOML into print-ready posters, mousepads and briefings.
#[derive(Debug, Parser)]
#[command(name = "personapress", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render every persona of a project in every format.
    Render(RenderArgs),
    /// Load, validate and lay out every document without writing anything.
    Check(ProjectArgs),
    /// Write each document as a self-contained Typst folder that the stock typst CLI compiles.
    Export(ExportArgs),
    /// Render, then re-render what a saved change touches, until stopped (Ctrl-C).
    Watch(RenderArgs),
    /// Start a new project that renders at once: two personas, a theme, a README.
    Init(InitArgs),
    /// Write a spreadsheet's personas (XLSX, ODS, CSV) as one TOML file each.
    Import(ImportArgs),
    /// Write a project's personas as a workbook (XLSX) in the layout personapress reads.
    Sheet(SheetArgs),
    /// Bring the output folders of `render --shard` runs together, as one render writes it.
    Merge(MergeArgs),
    /// Render one persona in one format to PNG, fast.
    Preview(PreviewArgs),
    /// Work with the templates: `eject` copies the built-in ones out to start from.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print the JSON Schema of a file kind, for editors (Taplo, Even Better TOML).
    Schema(SchemaArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

/// Options of `init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// The folder to create the project in; it must be empty or not exist yet.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Keep the example personas in a workbook (`data/personas.xlsx`) instead of TOML files.
    #[arg(long)]
    pub sheet: bool,
}

/// Options of `import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The spreadsheet: `.xlsx`, `.xlsm`, `.xls`, `.ods` or `.csv`.
    pub file: PathBuf,

    /// The folder to write the persona files to.
    #[arg(short, long, default_value = "personas")]
    pub out: PathBuf,

    /// Replace persona files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// Options of `sheet`.
#[derive(Debug, Clone, Args)]
pub struct SheetArgs {
    /// A folder holding personapress.toml, or that file itself.
    #[arg(default_value = ".")]
    pub project: PathBuf,

    /// The workbook to write (`.xlsx`).
    #[arg(short, long)]
    pub out: PathBuf,
}

/// Options of `preview`.
#[derive(Debug, Clone, Args)]
pub struct PreviewArgs {
    /// The persona: its id or its file.
    pub persona: String,

    /// The format to render.
    #[arg(short, long, default_value = "poster-a2")]
    pub format: String,

    /// The project folder (default: the current one, or the one holding the persona file).
    #[arg(short = 'C', long)]
    pub project: Option<PathBuf>,

    /// Write the PNG here (default: `OUT/<id>/<id>.<format>.png`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,

    /// Resolution in dots per inch.
    #[arg(long, default_value_t = 72.0, value_parser = dpi)]
    pub dpi: f64,

    /// Show the page as it will print: its colours through the output intent's CMYK
    /// and back, the ones the press cannot reach striped green.
    #[arg(long)]
    pub proof: bool,
}

/// The `templates` subcommands.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Copy the built-in templates into a folder (default: the project's `templates`).
    Eject {
        /// The folder to copy them to; files already there are kept.
        #[arg(default_value = "templates")]
        dir: PathBuf,
    },
}

/// Options of `schema`.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Which file kind.
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

/// The file kinds with a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// A persona file.
    Persona,
    /// A theme file.
    Theme,
    /// personapress.toml.
    Project,
}

/// Options of `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Which project, and what to take from it.
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// A folder holding personapress.toml, or that file itself.
    #[arg(default_value = ".")]
    pub project: PathBuf,

    /// Formats to render, comma-separated (default: the project's, else all four).
    #[arg(short, long, value_delimiter = ',', env = "PERSONAPRESS_FORMATS")]
    pub formats: Option<Vec<String>>,

    /// Use this theme file instead of the project's.
    #[arg(long, env = "PERSONAPRESS_THEME")]
    pub theme: Option<PathBuf>,

    /// Documents laid out at once (default: all cores).
    #[arg(short, long, env = "PERSONAPRESS_JOBS", value_parser = jobs)]
    pub jobs: Option<usize>,

    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Treat warnings (low-resolution images, omitted content, heavy ink) as failures.
    #[arg(long)]
    pub strict: bool,

    /// Date every document (and the proof page) by this Unix time instead of its newest
    /// input, for reproducible builds.
    #[arg(long, env = "SOURCE_DATE_EPOCH", value_name = "SECONDS")]
    pub source_date_epoch: Option<i64>,

    /// The memory and time the run may take before it is stopped.
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// How much memory a run, and how much time one document, may take: Typst cannot stop
/// a template or input that runs away, so the document to blame is stopped and the
/// run starts again without it.
#[derive(Debug, Clone, Copy, Args, PartialEq, Eq)]
pub struct BudgetArgs {
    /// Stop the document to blame when the run takes more memory than this, in MiB.
    #[arg(long, env = "PERSONAPRESS_MAX_MEMORY", value_name = "MIB", default_value_t = Budget::default().memory_mib,
          value_parser = clap::value_parser!(u64).range(256..=1_048_576))]
    pub max_memory: u64,

    /// Stop a document that takes longer than this to lay out, in seconds.
    #[arg(long, env = "PERSONAPRESS_MAX_SECONDS", value_name = "SECONDS", default_value_t = Budget::default().seconds,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub max_seconds: u64,
}

impl Default for BudgetArgs {
    fn default() -> Self {
        let budget = Budget::default();
        BudgetArgs {
            max_memory: budget.memory_mib,
            max_seconds: budget.seconds,
        }
    }
}

impl BudgetArgs {
    /// The budget the batch runs within.
    pub fn budget(&self) -> Budget {
        Budget {
            memory_mib: self.max_memory,
            seconds: self.max_seconds,
        }
    }
}

/// Options of `render`.
#[derive(Debug, Clone, Args)]
pub struct RenderArgs {
    /// The project and what to take from it.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Output folder (default: the project's `out`, else `dist` in the project folder).
    #[arg(short, long, env = "PERSONAPRESS_OUT")]
    pub out: Option<PathBuf>,

    /// Render every document, also those whose inputs did not change since the last run.
    #[arg(long)]
    pub force: bool,

    /// Also write `<id>.<format>.png` beside each PDF: the first page's trim area.
    #[arg(long)]
    pub png: bool,

    /// Resolution of the PNG previews, in dots per inch.
    #[arg(long, default_value_t = 72.0, requires = "png", value_parser = dpi)]
    pub dpi: f64,

    /// Print report.json to stdout, for scripts.
    #[arg(long)]
    pub json: bool,

    /// Render only shard K of N (from 1): the personas whose id hashes to K, without the
    /// overview sheets; `personapress merge` brings the shards together.
    #[arg(long, env = "PERSONAPRESS_SHARD", value_name = "K/N")]
    pub shard: Option<crate::batch::shard::Shard>,
}

/// Options of `merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The project (a folder holding personapress.toml, or that file; default: the
    /// current folder), then the shards' output folders, or the one they shared.
    #[arg(required = true, num_args = 1.., value_name = "[PROJECT] PART")]
    pub paths: Vec<PathBuf>,

    /// The folder to bring the documents together in.
    #[arg(short, long, env = "PERSONAPRESS_OUT")]
    pub out: PathBuf,

    /// Formats, as the shards were given them.
    #[arg(short, long, value_delimiter = ',', env = "PERSONAPRESS_FORMATS")]
    pub formats: Option<Vec<String>>,

    /// The theme file, as the shards were given it.
    #[arg(long, env = "PERSONAPRESS_THEME")]
    pub theme: Option<PathBuf>,

    /// Overview sheets laid out at once (default: all cores).
    #[arg(short, long, env = "PERSONAPRESS_JOBS", value_parser = jobs)]
    pub jobs: Option<usize>,

    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Treat warnings as failures.
    #[arg(long)]
    pub strict: bool,

    /// The Unix time the shards dated their documents by.
    #[arg(long, env = "SOURCE_DATE_EPOCH", value_name = "SECONDS")]
    pub source_date_epoch: Option<i64>,

    /// The memory and time the merge may take before it is stopped.
    #[command(flatten)]
    pub budget: BudgetArgs,
}

impl MergeArgs {
    /// The project's options, and the part folders: the first path is the project
    /// when it holds (or is) a personapress.toml and more paths follow.
    pub fn split(&self) -> (ProjectArgs, Vec<PathBuf>) {
        let first = &self.paths[0];
        let is_project = first.join("personapress.toml").is_file()
            || first.extension().is_some_and(|e| e == "toml");
        let (project, parts) = match is_project && self.paths.len() > 1 {
            true => (first.clone(), self.paths[1..].to_vec()),
            false => (PathBuf::from("."), self.paths.clone()),
        };
        let args = ProjectArgs {
            project,
            formats: self.formats.clone(),
            theme: self.theme.clone(),
            jobs: self.jobs,
            quiet: self.quiet,
            strict: self.strict,
            source_date_epoch: self.source_date_epoch,
            budget: self.budget,
        };
        (args, parts)
    }
}

/// Options of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The project and what to take from it.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Folder to write the bundles to: one `<persona>/<format>/` folder per document.
    #[arg(short, long)]
    pub out: PathBuf,
}

/// The highest resolution of a PNG: an A2 at 1200 dpi is already 19,800 × 28,000 pixels.
pub const MAX_DPI: f64 = 1200.0;

/// A resolution from 1 to [`MAX_DPI`] dots per inch.
fn dpi(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of dots per inch"))?;
    match (1.0..=MAX_DPI).contains(&value) {
        true => Ok(value),
        false => Err(format!("the resolution must be 1 to {MAX_DPI} dpi")),
    }
}

/// The most workers `-j` takes: eight per core (at least 8); more only wait.
pub fn max_jobs() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 8).max(8)
}

/// A number of workers from 1 to [`max_jobs`].
fn jobs(text: &str) -> Result<usize, String> {
    let most = max_jobs();
    let value: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of workers"))?;
    match (1..=most).contains(&value) {
        true => Ok(value),
        false => Err(format!(
            "the number of workers must be 1 to {most} on this machine"
        )),
    }
}
