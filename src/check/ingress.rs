//! Ingress: at least two dedicated nodes on distinct hosts, replicas that fit them, a VIP
//! held by those nodes, and host ports claimed once per node (by the apiserver, etcd, the
//! kubelet, a load-balancer frontend or an ingress controller).

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::semantic::EntityId;
use crate::semantic::views::{AntiAffinity, IngressClass, IngressExpose};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(two_ingress_nodes: HA040),
    super::rule!(two_replicas: HA041),
    super::rule!(replicas_fit_nodes: HA042),
    super::rule!(nodes_on_distinct_hosts: HA043),
    super::rule!(host_ports_unshared: HA044),
    super::rule!(vip_on_ingress_nodes: HA045),
];

/// Host ports claimed on each node: (node, port) -> what claims it and where. The flag
/// marks the platform's own listeners, which cannot move; they claim their ports first.
fn platform_listeners(context: &Platform<'_>) -> HashMap<(EntityId, i64), (String, Span, bool)> {
    let model = context.model;
    let mut claims: HashMap<(EntityId, i64), (String, Span, bool)> = HashMap::default();
    let api_port = context.apiserver_port();
    let kubelets: rustc_hash::FxHashSet<EntityId> = context.topology.kubelet.iter().copied().collect();
    for view in model.nodes() {
        let node = view.id().entity();
        let mut platform: Vec<(i64, &str)> = Vec::new();
        if context.topology.control_plane.contains(&node) {
            platform.extend([
                (api_port, "kube-apiserver"),
                (10257, "kube-controller-manager"),
                (10259, "kube-scheduler"),
            ]);
        }
        if context.topology.etcd.contains(&node) {
            platform.extend([(2379, "etcd"), (2380, "etcd")]);
        }
        if kubelets.contains(&node) {
            platform.push((10250, "the kubelet"));
        }
        for (port, what) in platform {
            claims.insert((node, port), (what.to_string(), view.roles_span(), true));
        }
    }
    claims
}

/// HA044's finding: `what` listens on a port of a node that `first` holds.
fn shared_port(
    model: &crate::semantic::Model,
    node: EntityId,
    port: i64,
    what: &str,
    span: Span,
    (first, first_span, platform): &(String, Span, bool),
) -> Diagnostic {
    let (label, help) = if *platform {
        (
            format!("{first} listens on it (this node's role)"),
            format!("port {port} is the platform's own on this node: give {what} another port, or other nodes"),
        )
    } else {
        (
            format!("{first} listens on it first"),
            "move one of them to other nodes or another port".to_string(),
        )
    };
    Diagnostic::error(
        Code::HA044,
        format!(
            "{what} and {first} both listen on port {port} of node `{}`",
            model.name(node)
        ),
        span,
        format!("port {port} on `{}`", model.name(node)),
    )
    .with_label(*first_span, label)
    .with_help(help)
}

/// HA044: one listener per host port on a node: the platform's own (apiserver, etcd,
/// kubelet), load-balancer frontends, and ingress controllers on the host network with
/// their health endpoints.
fn host_ports_unshared(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut claims = platform_listeners(context);
    let api_port = context.apiserver_port();
    let mut claim = |node: EntityId, port: i64, what: String, span: Span, out: &mut Vec<Diagnostic>| {
        // HA044: one listener per host port on a node.
        if let Some(first) = claims.get(&(node, port)) {
            out.push(shared_port(model, node, port, &what, span, first));
        } else {
            claims.insert((node, port), (what, span, false));
        }
    };
    for frontend in &context.frontends {
        for node in model.load_balancer(frontend.balancer).nodes().entities() {
            // A frontend on the apiserver's own port of a control-plane node is HA023's.
            if frontend.port == api_port && context.topology.control_plane.contains(&node) {
                continue;
            }
            claim(
                node,
                frontend.port,
                format!("frontend `{}`", frontend.name),
                frontend.span,
                out,
            );
        }
    }

    for view in model.ingress_controllers() {
        let controller = view.id().entity();
        let name = view.name();
        let nodes = view.nodes().entities();
        if view.expose() == IngressExpose::HostNetwork {
            for port in [view.http_port(), view.https_port()] {
                let port = i64::from(port);
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
            // Its health endpoint listens on the node too.
            let (_, health) = crate::platform::pods::controller_health(view.class().unwrap_or(IngressClass::Traefik));
            for &node in &nodes {
                claim(
                    node,
                    i64::from(health),
                    format!("the health endpoint of ingress controller `{name}`"),
                    model.entity(controller).name_span,
                    out,
                );
            }
        }
    }
}

/// HA040: at least 2 ingress nodes.
fn two_ingress_nodes(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.ingress_controllers() {
        let name = view.name();
        let nodes = view.nodes().entities();

        if context.production() && nodes.len() < 2 {
            out.push(
                context
                    .finding(
                        Code::HA040,
                        format!(
                            "ingress controller `{name}` runs on {} node; production needs at least 2",
                            nodes.len()
                        ),
                        view.nodes_span(),
                        "ingress nodes",
                    )
                    .with_help("add a second dedicated ingress node on another physical host"),
            );
        }
    }
}

/// HA041: at least 2 replicas.
fn two_replicas(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.ingress_controllers() {
        let name = view.name();
        let replicas = view.replicas();

        if context.production() && replicas < 2 {
            out.push(
                context
                    .finding(
                        Code::HA041,
                        format!("ingress controller `{name}` has {replicas} replica; production needs at least 2"),
                        view.replicas_span(),
                        "replicas",
                    )
                    .with_help("set `replicas = 2` (one per ingress node)"),
            );
        }
    }
}

/// HA042: with required anti-affinity, no more replicas than nodes.
fn replicas_fit_nodes(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.ingress_controllers() {
        let name = view.name();
        let nodes = view.nodes().entities();
        let replicas = view.replicas();
        let required = view.anti_affinity() == AntiAffinity::Required;

        if required && replicas > nodes.len() as i64 {
            out.push(
                Diagnostic::error(
                    Code::HA042,
                    format!(
                        "ingress controller `{name}` has {replicas} replicas but {} nodes; with required anti-affinity {} would stay Pending",
                        nodes.len(),
                        replicas - nodes.len() as i64
                    ),
                    view.replicas_span(),
                    "more replicas than nodes",
                )
                .with_label(view.nodes_span(), "the ingress nodes")
                .with_help(format!("set `replicas = {}` or add ingress nodes", nodes.len())),
            );
        }
    }
}

/// HA043: ingress nodes on distinct physical hosts.
fn nodes_on_distinct_hosts(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.ingress_controllers() {
        let name = view.name();
        let nodes = view.nodes().entities();

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
                            model.node(node).host_span(),
                            format!("on `{}`", model.name(host)),
                        )
                        .with_label(model.node(first).host_span(), format!("also on `{}`", model.name(host)))
                        .with_help("put each ingress node on a physical host of its own"),
                );
            } else {
                on_host.insert(host, node);
            }
        }
    }
}

/// HA045: the VIP is held by the ingress nodes, so it lands where the controller listens.
fn vip_on_ingress_nodes(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.ingress_controllers() {
        let name = view.name();
        let nodes = view.nodes().entities();

        if let Some(vip) = view.vip() {
            let strangers: Vec<EntityId> = model
                .vip_group(vip)
                .members()
                .entities()
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
                        view.vip_span(),
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
