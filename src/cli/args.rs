//! The command-line interface, as clap declares it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  k8sc check examples/quickstart.k8s            check a platform, diagnostics on the terminal
  k8sc check cluster.k8s --format json          the same diagnostics as JSON (or sarif), for CI
  k8sc check platform/                          a platform of several files: every .k8s file in it
  k8sc build examples/quickstart.k8s -o out/    check, then write every manifest and host config
  k8sc fmt cluster.k8s                          rewrite a file (and the files it uses) in canonical form
  k8sc fmt --check examples/*.k8s               fail when a file is not formatted
  k8sc graph cluster.k8s | dot -Tsvg > g.svg    draw the dependency graph
  k8sc simulate cluster.k8s --fail pm1          what survives the loss of physical host pm1
  k8sc lab out/ --drill                         run out/'s host layer in namespaces, fail each host
  k8sc explain HA011                            why a rule exists and how to fix a finding
  k8sc lsp                                      the language server, for editors";

/// k8sc: a compiler for production Kubernetes platforms.
///
/// Typed `.k8s` files describe the platform's four layers (client, access,
/// application, infrastructure); k8sc checks them and emits what the platform needs. A
/// command takes a platform as a file (with the files its `use`s reach) or a folder (every
/// `.k8s` file directly in it, and what they use).
#[derive(Debug, Parser)]
#[command(name = "k8sc", version, about, long_about, after_help = EXAMPLES)]
pub struct Cli {
    /// A folder `file("...")` secrets may be read from, besides the platform's own
    /// (repeatable). Without it, a `file()` path may not leave the platform's folder.
    #[arg(long = "secrets", value_name = "DIR", global = true)]
    pub secrets: Vec<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, resolve and type-check a platform and run every HA rule; exit 1 on any error.
    #[command(after_help = "Exit status: 0 no error (warnings allowed), 1 errors, 2 usage or IO problem.")]
    Check(CheckArgs),
    /// Check a platform and, when it has no error, write everything the platform needs to a
    /// folder: Kubernetes manifests, kubeadm config, per-host haproxy, keepalived and NFS
    /// configs, Harbor objects.
    #[command(
        after_help = "Exit status: 0 written, 1 errors (the output folder is left as it was), \
                            2 usage or IO problem (including a non-empty folder k8sc did not create, \
                            without --force)."
    )]
    Build(BuildArgs),
    /// Run the language server on stdin and stdout (for editors).
    Lsp,
    /// Rewrite a platform's files in canonical form (comments are kept).
    #[command(
        after_help = "Exit status: 0 formatted (or already canonical), 1 a file needs formatting \
                            (--check) or does not parse, 2 usage or IO problem."
    )]
    Fmt(FmtArgs),
    /// Print the platform's dependency graph (Graphviz dot or JSON).
    #[command(after_help = "Exit status: 0 printed, 1 the file does not compile, 2 usage or IO problem.")]
    Graph(GraphArgs),
    /// Print the page of a diagnostic code: the invariant, why, a failing example, the fix.
    #[command(after_help = "Exit status: 0 printed, 2 unknown code or usage problem.")]
    Explain(ExplainArgs),
    /// Fail physical hosts, racks, zones or nodes and report what survives and what breaks.
    #[command(
        after_help = "Exit status: 0 everything the profile requires survives, 1 something breaks \
                            (or the file does not compile), 2 usage or IO problem."
    )]
    Simulate(SimulateArgs),
    /// Run a built tree's host layer on this machine (Linux, as root): a network namespace
    /// per node running the real keepalived, haproxy and etcd on the tree's files, and
    /// stand-ins for the apiserver, the ingress ports and NFS; fail physical hosts and hold
    /// what happens against `simulate`.
    #[command(
        after_help = "Exit status: 0 reality agrees with simulate and every VIP moved within its bound, \
                            1 a disagreement, a late VIP or a VIP held twice, 2 the lab could not run \
                            (not root, a missing program, no lab/plan.json)."
    )]
    Lab(LabArgs),
    /// The lab's stand-in service and probe (used inside its namespaces).
    #[command(hide = true)]
    LabStandin(LabStandinArgs),
}

#[derive(Debug, Args)]
pub struct LabArgs {
    /// A folder written by `k8sc build`.
    pub dir: PathBuf,
    /// Fail these physical hosts (comma-separated), one after another.
    #[arg(long, value_delimiter = ',', conflicts_with = "drill")]
    pub fail: Vec<String>,
    /// Fail every physical host in turn, then every tracked service on its VIP's holder.
    #[arg(long)]
    pub drill: bool,
    /// Copy every node's logs (keepalived, haproxy, etcd, stand-ins) into this folder
    /// before the lab removes its own.
    #[arg(long, value_name = "DIR")]
    pub logs: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
}

#[derive(Debug, Args)]
pub struct LabStandinArgs {
    /// Answer with this name.
    #[arg(long, required_unless_present = "probe")]
    pub name: Option<String>,
    #[arg(long, required_unless_present = "probe")]
    pub port: Option<u16>,
    /// Connect to address:port instead and print who answered.
    #[arg(long)]
    pub probe: Option<String>,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The platform: a `.k8s` file, or a folder of them.
    #[arg(value_name = "PLATFORM")]
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz dot, clustered by layer.
    Dot,
    /// `{"nodes": [...], "edges": [...]}`.
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code, such as HA011 or E0102.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its one-line summary.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The platform: a `.k8s` file, or a folder of them.
    #[arg(value_name = "PLATFORM")]
    pub file: PathBuf,
    /// What fails: physical hosts, racks, zones or nodes, by name, comma-separated.
    #[arg(long, value_delimiter = ',', required = true, num_args = 1..)]
    pub fail: Vec<String>,
    #[arg(long, value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The platform to check: a `.k8s` file, or a folder of them.
    #[arg(value_name = "PLATFORM")]
    pub file: PathBuf,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The platform to build: a `.k8s` file, or a folder of them.
    #[arg(value_name = "PLATFORM")]
    pub file: PathBuf,
    /// The output folder; replaced as a whole, atomically.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Replace the output folder even when k8sc did not create it.
    #[arg(long)]
    pub force: bool,
    /// A folder of templates overriding the embedded ones of the same name
    /// (haproxy.cfg.j2, keepalived.conf.j2, ...).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The platforms to format: `.k8s` files (with the files they use), or folders.
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
    /// SARIF 2.1.0, for code scanning in CI.
    Sarif,
}
