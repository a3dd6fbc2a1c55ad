//! `k8sc graph FILE [--format dot|json]`.

use super::args::{GraphArgs, GraphFormat};
use super::{Status, compile_front_end_ok};

pub fn run(args: &GraphArgs) -> Status {
    let (_, compilation) = match compile_front_end_ok(&args.file) {
        Ok(compiled) => compiled,
        Err(status) => return status,
    };
    match args.format {
        GraphFormat::Dot => print!("{}", crate::graph::to_dot(&compilation.graph)),
        GraphFormat::Json => print!("{}", crate::graph::to_json(&compilation.graph)),
    }
    Status::Ok
}
