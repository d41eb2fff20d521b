//! `personapress completions SHELL` and `personapress man`, generated from the clap definitions.

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};
use super::{EXIT_OK, Failure, Status};
use crate::diag::Diagnostic;

/// Prints the completion script for a shell.
pub(crate) fn completions(args: &CompletionsArgs) -> Status {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "personapress",
        &mut std::io::stdout(),
    );
    Ok(EXIT_OK)
}

/// Prints the man page as roff.
pub(crate) fn man() -> Status {
    let page = clap_mangen::Man::new(Cli::command());
    page.render(&mut std::io::stdout()).map_err(|err| {
        Failure::failed(Diagnostic::error(format!(
            "cannot write the man page ({err})"
        )))
    })?;
    Ok(EXIT_OK)
}
