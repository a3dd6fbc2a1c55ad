//! The command line: argument parsing and the commands. With the language server, the only
//! place that reads files, writes files and talks to the terminal.

mod args;
mod check;
mod fmt;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, OutputFormat};

/// Exit status: success, findings (errors in the input), or a usage or IO problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok = 0,
    Findings = 1,
    Trouble = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status as u8)
    }
}

/// Parses the process's arguments and runs the command.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { Status::Trouble } else { Status::Ok }.into();
        }
    };
    execute(cli).into()
}

pub fn execute(cli: Cli) -> Status {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Fmt(args) => fmt::run(&args),
    }
}

/// Whether to colour what goes to stderr.
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Reads a source file, or says why not.
fn read_source(path: &std::path::Path) -> Result<String, Status> {
    std::fs::read_to_string(path).map_err(|err| {
        eprintln!("error: cannot read `{}`: {err}", path.display());
        Status::Trouble
    })
}
