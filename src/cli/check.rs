//! `k8sc check FILE`.

use super::args::{CheckArgs, OutputFormat};
use super::{Status, read_source, stderr_color};
use crate::report::{HumanStyle, render_human, render_json};

pub fn run(args: &CheckArgs) -> Status {
    let text = match read_source(&args.file) {
        Ok(text) => text,
        Err(status) => return status,
    };
    let name = args.file.display().to_string();
    let compilation = crate::compile(&name, &text);
    match args.format {
        OutputFormat::Json => print!("{}", render_json(&compilation.diagnostics, &compilation.sources)),
        OutputFormat::Human => {
            let style = HumanStyle {
                color: stderr_color(),
                ..HumanStyle::default()
            };
            eprint!(
                "{}",
                render_human(&compilation.diagnostics, &compilation.sources, style)
            );
            if !compilation.has_errors() {
                println!("{name}: ok, {} declarations", compilation.model.entities.len());
            }
        }
    }
    if compilation.has_errors() {
        Status::Findings
    } else {
        Status::Ok
    }
}
