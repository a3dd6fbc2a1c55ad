//! The command-line interface, as clap declares it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  k8sc check examples/quickstart.k8s            check a platform, diagnostics on the terminal
  k8sc check cluster.k8s --format json          the same diagnostics as JSON, for CI
  k8sc fmt cluster.k8s                          rewrite a file in canonical form
  k8sc fmt --check examples/*.k8s               fail when a file is not formatted";

/// k8sc: a compiler for production Kubernetes platforms.
///
/// One typed `.k8s` file describes the platform's four layers (client, access,
/// application, infrastructure); k8sc checks it and emits what the platform needs.
#[derive(Debug, Parser)]
#[command(name = "k8sc", version, about, long_about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, resolve and type-check a file; exit 1 when there is an error.
    #[command(after_help = "Exit status: 0 no error (warnings allowed), 1 errors, 2 usage or IO problem.")]
    Check(CheckArgs),
    /// Rewrite files in canonical form (comments are kept).
    #[command(
        after_help = "Exit status: 0 formatted (or already canonical), 1 a file needs formatting \
                            (--check) or does not parse, 2 usage or IO problem."
    )]
    Fmt(FmtArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The `.k8s` file to check.
    pub file: PathBuf,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The files to format.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Change nothing; exit 1 when a file is not in canonical form.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Rendered for people, with source excerpts.
    Human,
    /// One JSON object: `{"diagnostics": [...]}` with 1-based ranges.
    Json,
}
