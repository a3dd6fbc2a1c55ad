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
        OutputFormat::Sarif => print!(
            "{}",
            render_sarif(&compilation.diagnostics, &compilation.sources, &|code| {
                crate::check::rule_of(code).map(|(family, rule)| (family.name, rule.name))
            },)
        ),
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
                // Choices k8sc made for the user are shown, so none is a surprise; each
                // cluster's own (router ids are assigned per cluster).
                for cluster in compilation.clusters() {
                    let model = cluster.model;
                    let prefix = cluster.name.map(|name| format!("cluster {name}: ")).unwrap_or_default();
                    for router in crate::platform::router_ids(model)
                        .iter()
                        .filter(|router| router.assigned)
                    {
                        println!(
                            "  {prefix}vip_group {}: virtual_router_id {} (assigned; set `router_id` to choose)",
                            model.name(router.vip),
                            router.id
                        );
                    }
                    for note in host_notes(model) {
                        println!("  {prefix}{note}");
                    }
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

/// What the platform will do that a reader might not expect: LVS needs the kernel's IPVS,
/// a namespace enforces a Pod Security level above `restricted` for its pods, and a DRBD
/// pair's VIP does not preempt.
fn host_notes(model: &crate::semantic::Model) -> Vec<String> {
    use crate::semantic::views::LbSoftware;
    let mut notes = Vec::new();
    for balancer in model.load_balancers() {
        if balancer.software() == LbSoftware::Lvs {
            let nodes: Vec<&str> = (balancer.nodes().entities().iter())
                .map(|node| model.name(*node))
                .collect();
            notes.push(format!(
                "load_balancer {}: LVS needs the kernel's IPVS on {}; the tree loads ip_vs at boot and the playbook loads it now \
                 (without it keepalived's checker exits and takes the VRRP instance down with it; `k8sc lab` then runs VRRP alone)",
                balancer.name(),
                nodes.join(", ")
            ));
        }
    }
    // A namespace whose pods need more than Pod Security's `restricted`, and why.
    let levels = crate::platform::pods::namespace_levels(model);
    for namespace in model.namespaces() {
        let name = crate::platform::names::k8s_name(namespace.name());
        if let Some((level, reasons)) = levels.get(&name)
            && !reasons.is_empty()
        {
            notes.push(format!(
                "namespace {}: Pod Security `{}` ({})",
                namespace.name(),
                level.as_str(),
                reasons.join("; ")
            ));
        }
    }
    for vip in model.vip_groups() {
        let drbd = (model.drbd_pairs()).any(|pair| pair.vip() == Some(vip.id()));
        if drbd && vip.preempt().is_none() {
            notes.push(format!(
                "vip_group {}: nopreempt (a DRBD pair's VIP stays where it is: every member starts BACKUP, a failed check means FAULT)",
                vip.name()
            ));
        }
    }
    notes
}
