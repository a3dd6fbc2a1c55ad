//! `k8sc graph FILE [--format dot|json]`.

use super::args::{GraphArgs, GraphFormat};
use super::{Status, compile_file, print_diagnostics};

pub fn run(args: &GraphArgs) -> Status {
    let (_, compilation) = match compile_file(&args.file) {
        Ok(compiled) => compiled,
        Err(status) => return status,
    };
    // The graph needs a model the front end accepted; HA findings do not stop it, since the
    // graph is how one looks for their cause.
    if compilation.graph.graph.node_count() == 0 && compilation.has_errors() {
        print_diagnostics(&compilation);
        return Status::Findings;
    }
    match args.format {
        GraphFormat::Dot => print!("{}", crate::graph::to_dot(&compilation.graph)),
        GraphFormat::Json => print!("{}", crate::graph::to_json(&compilation.graph)),
    }
    Status::Ok
}
