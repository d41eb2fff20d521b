//! `personapress completions SHELL` and `personapress man`, generated from the clap definitions.

use clap::CommandFactory;

use super::EXIT_OK;
use super::args::{Cli, CompletionsArgs};

/// Prints the completion script for a shell.
pub fn completions(args: &CompletionsArgs) -> i32 {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "personapress",
        &mut std::io::stdout(),
    );
    EXIT_OK
}

/// Prints the man page as roff.
pub fn man() -> i32 {
    let page = clap_mangen::Man::new(Cli::command());
    match page.render(&mut std::io::stdout()) {
        Ok(()) => EXIT_OK,
        Err(err) => {
            eprintln!("error: cannot write the man page ({err})");
            super::EXIT_FAILED
        }
    }
}
