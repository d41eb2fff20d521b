use clap::Parser;

fn main() {
    let cli = match personapress::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            std::process::exit(if err.use_stderr() {
                personapress::cli::EXIT_UNUSABLE
            } else {
                0
            });
        }
    };
    let status = personapress::cli::run(cli);
    std::process::exit(status);
}
