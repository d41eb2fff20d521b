//! `personapress templates eject`: the built-in templates copied out to start from.

use std::path::Path;

use super::args::TemplatesCommand;
use super::{EXIT_OK, EXIT_UNUSABLE};
use crate::render::output::write_atomic;
use crate::world::templates::BUILTIN;

/// Runs a `templates` subcommand; returns the exit status.
pub fn run(command: &TemplatesCommand) -> i32 {
    match command {
        TemplatesCommand::Eject { dir } => eject(dir),
    }
}

/// Copies every built-in template into `dir`, keeping files already there.
fn eject(dir: &Path) -> i32 {
    let mut written = 0;
    for (name, text) in BUILTIN {
        let path = dir.join(name);
        if path.exists() {
            eprintln!("kept {} (already there)", path.display());
            continue;
        }
        if let Err(err) = write_atomic(&path, text.as_bytes()) {
            eprintln!("error: cannot write {} ({err})", path.display());
            return EXIT_UNUSABLE;
        }
        written += 1;
    }
    eprintln!(
        "copied {written} template files to {}\n  a project's `templates` folder overrides the built-in files by name; \
         delete the ones you do not change",
        dir.display()
    );
    EXIT_OK
}
