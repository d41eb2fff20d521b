//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    #[arg(short, long, env = "PERSONAPRESS_JOBS")]
    pub jobs: Option<usize>,

    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Treat warnings (low-resolution images, omitted content, heavy ink) as failures.
    #[arg(long)]
    pub strict: bool,
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
    #[arg(long, default_value_t = 72.0, requires = "png")]
    pub dpi: f64,

    /// Print report.json to stdout, for scripts.
    #[arg(long)]
    pub json: bool,
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
