//! `k8sc check FILE`.

use super::args::{CheckArgs, OutputFormat};
use super::{Status, compile_file, stderr_color};
use crate::report::{HumanStyle, render_human, render_json, render_sarif};

pub fn run(args: &CheckArgs) -> Status {
    let (name, compilation) = match compile_file(&args.file) {
        Ok(compiled) => compiled,
        Err(status) => return status,
    };
    match args.format {
        OutputFormat::Json => print!("{}", render_json(&compilation.diagnostics, &compilation.sources)),
        OutputFormat::Sarif => print!("{}", render_sarif(&compilation.diagnostics, &compilation.sources)),
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
                // Choices k8sc made for the user are shown, so none is a surprise.
                for router in crate::check::router_ids(&compilation.model)
                    .iter()
                    .filter(|router| router.assigned)
                {
                    println!(
                        "  vip_group {}: virtual_router_id {} (assigned; set `router_id` to choose)",
                        compilation.model.name(router.vip),
                        router.id
                    );
                }
            }
        }
    }
    let status = if compilation.has_errors() {
        Status::Findings
    } else {
        Status::Ok
    };
    // The process ends right after; freeing a large model piece by piece is wasted work.
    std::mem::forget(compilation);
    status
}
