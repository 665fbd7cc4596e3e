//! `servsim`: parse the command line, run it, map failures to exit codes (docs/guide.md).

use std::io::Write;

use clap::Parser;

fn main() {
    let cli = match servsim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors exit 2.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(e) = servsim::cli::run(cli) {
        // Not eprintln!, which panics when standard error is a closed pipe.
        let _ = writeln!(std::io::stderr(), "error: {e}");
        std::process::exit(e.exit_code());
    }
}
