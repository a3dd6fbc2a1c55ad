//! The command line: argument parsing and the commands. With the language server, the only
//! place that reads files, writes files and talks to the terminal.

mod args;
pub mod build;
mod check;
mod explain;
mod fmt;
mod graph;
mod input;
mod lab;
pub mod secrets;
mod simulate;

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
    // Output piped into a reader that stops early (`k8sc check x | head`) ends the process
    // quietly, as it does every other Unix tool, instead of a failed write panicking.
    // SAFETY: restoring a signal's default disposition, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
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
    if let Err(message) = secrets::allow(&cli.secrets) {
        eprintln!("error: {message}");
        return Status::Trouble;
    }
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Lab(args) => lab::run(&args),
        Command::LabStandin(args) => lab::standin(&args),
        Command::Lsp => match crate::lsp::run() {
            Ok(()) => Status::Ok,
            Err(message) => {
                eprintln!("k8sc lsp: {message}");
                Status::Trouble
            }
        },
    }
}

/// Whether to colour what goes to stderr.
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Reads and compiles a platform (a file, or a folder), with the secrets that can be read
/// now: returns the name it was given and the compilation.
fn compile_file(path: &std::path::Path) -> Result<(String, crate::Compilation), Status> {
    let platform = input::Platform::read(path)?;
    // Secrets that cannot be read now are left out: only `build` needs every one.
    let compilation = crate::compile_model_only(platform.roots, &platform.prefix, &platform.disk, |source| {
        secrets::read(source, &platform.folder).ok()
    });
    Ok((platform.name, compilation))
}

/// Compiles a file for a command that needs a model the front end accepted (`graph`,
/// `simulate`): a file with syntax or type errors gets its diagnostics printed and
/// `Status::Findings`. HA findings do not stop these commands: they are how one looks
/// into them.
fn compile_front_end_ok(path: &std::path::Path) -> Result<(String, crate::Compilation), Status> {
    let (name, compilation) = compile_file(path)?;
    if !compilation.front_end_ok {
        let style = crate::report::HumanStyle {
            color: stderr_color(),
            ..crate::report::HumanStyle::default()
        };
        eprint!(
            "{}",
            crate::report::render_human(&compilation.diagnostics, &compilation.sources, style)
        );
        return Err(Status::Findings);
    }
    Ok((name, compilation))
}
