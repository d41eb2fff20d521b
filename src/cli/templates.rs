//! `personapress templates eject`: the built-in templates copied out to start from.

use std::path::Path;

use super::args::TemplatesCommand;
use super::{EXIT_OK, Status};
use crate::diag::Diagnostic;
use crate::render::output::write_atomic;
use crate::world::templates::BUILTIN;

/// Runs a `templates` subcommand; returns the exit status.
pub(crate) fn run(command: &TemplatesCommand) -> Status {
    match command {
        TemplatesCommand::Eject { dir } => eject(dir),
    }
}

/// Copies every built-in template into `dir`, keeping files already there.
fn eject(dir: &Path) -> Status {
    let mut written = 0;
    for (name, text) in BUILTIN {
        let path = dir.join(name);
        if path.exists() {
            eprintln!("kept {} (already there)", path.display());
            continue;
        }
        write_atomic(&path, text.as_bytes())
            .map_err(|err| Diagnostic::error(format!("cannot write {} ({err})", path.display())))?;
        written += 1;
    }
    eprintln!(
        "copied {written} template files to {}\n  a project's `templates` folder overrides the built-in files by name; \
         delete the ones you do not change",
        dir.display()
    );
    Ok(EXIT_OK)
}
