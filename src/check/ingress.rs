//! Ingress: at least two dedicated nodes on distinct hosts, replicas that fit them, a VIP
//! held by those nodes, and ports 80/443 claimed once per node.

use rustc_hash::FxHashMap as HashMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::EntityId;
use crate::source::Span;

pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // Host ports claimed on each node: (node, port) -> what claims it and where.
    let mut claims: HashMap<(EntityId, i64), (String, Span)> = HashMap::default();
    let mut claim = |node: EntityId, port: i64, what: String, span: Span, out: &mut Vec<Diagnostic>| {
        // HA044: one listener per host port on a node.
        if let Some((first, first_span)) = claims.get(&(node, port)) {
            out.push(
                Diagnostic::error(
                    Code::HA044,
                    format!(
                        "{what} and {first} both listen on port {port} of node `{}`",
                        model.name(node)
                    ),
                    span,
                    format!("port {port} on `{}`", model.name(node)),
                )
                .with_label(*first_span, format!("{first} listens on it first"))
                .with_help("move one of them to other nodes or another port"),
            );
        } else {
            claims.insert((node, port), (what, span));
        }
    };
    for frontend in &context.frontends {
        for node in model.references_in(frontend.balancer, "nodes") {
            claim(
                node,
                frontend.port,
                format!("frontend `{}`", frontend.name),
                frontend.span,
                out,
            );
        }
    }

    for controller in model.all("ingress_controller") {
        let name = model.name(controller);
        let nodes = model.references_in(controller, "nodes");
        let replicas = model.int(controller, "replicas").unwrap_or(0);
        let required = model.variant(controller, "anti_affinity") == Some("required");

        if model.variant(controller, "expose") == Some("host_network") {
            for field in ["http_port", "https_port"] {
                let Some(port) = model.int(controller, field) else {
                    continue;
                };
                for &node in &nodes {
                    claim(
                        node,
                        port,
                        format!("ingress controller `{name}`"),
                        model.entity(controller).name_span,
                        out,
                    );
                }
            }
        }

        // HA040: at least 2 ingress nodes.
        if context.production() && nodes.len() < 2 {
            out.push(
                context
                    .finding(
                        Code::HA040,
                        format!(
                            "ingress controller `{name}` runs on {} node; production needs at least 2",
                            nodes.len()
                        ),
                        model.field_span(controller, "nodes"),
                        "ingress nodes",
                    )
                    .with_help("add a second dedicated ingress node on another physical host"),
            );
        }
        // HA041: at least 2 replicas.
        if context.production() && replicas < 2 {
            out.push(
                context
                    .finding(
                        Code::HA041,
                        format!("ingress controller `{name}` has {replicas} replica; production needs at least 2"),
                        model.field_span(controller, "replicas"),
                        "replicas",
                    )
                    .with_help("set `replicas = 2` (one per ingress node)"),
            );
        }
        // HA042: with required anti-affinity, no more replicas than nodes.
        if required && replicas > nodes.len() as i64 {
            out.push(
                Diagnostic::error(
                    Code::HA042,
                    format!(
                        "ingress controller `{name}` has {replicas} replicas but {} nodes; with required anti-affinity {} would stay Pending",
                        nodes.len(),
                        replicas - nodes.len() as i64
                    ),
                    model.field_span(controller, "replicas"),
                    "more replicas than nodes",
                )
                .with_label(model.field_span(controller, "nodes"), "the ingress nodes")
                .with_help(format!("set `replicas = {}` or add ingress nodes", nodes.len())),
            );
        }
        // HA043: ingress nodes on distinct physical hosts.
        let mut on_host: HashMap<EntityId, EntityId> = HashMap::default();
        for &node in &nodes {
            let Some(&host) = context.topology.host_of.get(&node) else {
                continue;
            };
            if let Some(&first) = on_host.get(&host) {
                out.push(
                    context
                        .finding(
                            Code::HA043,
                            format!(
                                "ingress nodes `{}` and `{}` of `{name}` share the physical host `{}`",
                                model.name(first),
                                model.name(node),
                                model.name(host)
                            ),
                            model.field_span(node, "host"),
                            format!("on `{}`", model.name(host)),
                        )
                        .with_label(
                            model.field_span(first, "host"),
                            format!("also on `{}`", model.name(host)),
                        )
                        .with_help("put each ingress node on a physical host of its own"),
                );
            } else {
                on_host.insert(host, node);
            }
        }
        // HA045: the VIP is held by the ingress nodes, so it lands where the controller listens.
        if let Some(vip) = model.reference(controller, "vip") {
            let strangers: Vec<EntityId> = model
                .references_in(vip, "members")
                .into_iter()
                .filter(|member| !nodes.contains(member))
                .collect();
            if !strangers.is_empty() {
                let mut diagnostic = context
                    .finding(
                        Code::HA045,
                        format!(
                            "the VIP `{}` of ingress controller `{name}` can move to {}, where the controller does not run",
                            model.name(vip),
                            strangers.iter().map(|node| model.quoted(*node)).collect::<Vec<_>>().join(", ")
                        ),
                        model.field_span(controller, "vip"),
                        "this VIP",
                    )
                    .with_help("make the VIP's members exactly the ingress nodes");
                for node in strangers {
                    diagnostic = diagnostic.with_label(
                        model.entity(node).name_span,
                        "VIP member without the ingress controller",
                    );
                }
                out.push(diagnostic);
            }
        }
    }
}
