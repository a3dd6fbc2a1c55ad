//! Failure domains: physical hosts (and declared racks and zones) fail with every node on
//! them; losing any one must leave the platform working (production only). An app spread
//! over racks or zones needs its nodes' hosts to declare them (every profile: it is how
//! the scheduler works, not a risk).

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::topology::{Domain, DomainKind, PlacementKey, Topology};
use crate::platform::{Platform, join_and, join_or, plural, quorum};
use crate::semantic::EntityId;
use crate::semantic::views::{AntiAffinity, SpreadDomain};

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(enough_hosts: HA010),
    super::rule!(etcd_keeps_quorum: HA011),
    super::rule!(apiserver_stays_reachable: HA012),
    super::rule!(ingress_keeps_replica: HA013),
    super::rule!(apps_keep_a_replica: HA014),
    super::rule!(ha_exports_stay_available: HA015),
    super::rule!(apps_keep_storage: HA016),
    super::rule!(check_spread: HA017),
];

/// HA010: production runs on at least 3 physical hosts (that carry nodes).
fn enough_hosts(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if !context.production() {
        return;
    }
    let model = context.model;
    let hosts: Vec<EntityId> = model
        .physical_hosts()
        .map(|host| host.id().entity())
        .filter(|host| context.topology.carries_nodes(*host))
        .collect();
    if hosts.len() < 3 {
        let mut diagnostic = context
            .finding(
                Code::HA010,
                format!(
                    "a production platform needs at least 3 physical hosts; this one has {}",
                    hosts.len()
                ),
                context.cluster_span(),
                "production profile",
            )
            .with_help(
                "declare 3 or more physical hosts and spread the etcd members, masters and ingress nodes over them",
            );
        for host in &hosts {
            diagnostic = diagnostic.with_label(model.entity(*host).name_span, "physical host");
        }
        out.push(diagnostic);
    }
}

/// HA011: etcd keeps its quorum.
fn etcd_keeps_quorum(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if !context.production() {
        return;
    }
    let model = context.model;

    for (domain, assessment) in context.losses() {
        let losing = format!("losing {}", domain.describe());

        if !assessment.etcd_quorum() {
            let on_domain: Vec<EntityId> = context
                .topology
                .etcd
                .iter()
                .copied()
                .filter(|m| domain.nodes.contains(m))
                .collect();
            let total = assessment.etcd_total;
            let mut diagnostic = context
                .finding(
                    Code::HA011,
                    format!(
                        "{losing} leaves etcd with {} of {total} members; quorum is {}",
                        assessment.etcd_alive,
                        quorum(total)
                    ),
                    domain.span,
                    format!("carries {} of {total} etcd members", on_domain.len()),
                )
                .with_help(spread_help(context, domain, total));
            for member in on_domain {
                diagnostic = diagnostic.with_label(
                    model.node(member).host_span(),
                    format!("etcd member `{}`", model.name(member)),
                );
            }
            out.push(diagnostic);
        }
    }
}

/// HA012: some apiserver stays reachable (through the VIP when there is one). A VIP
/// that can move off its balancer's nodes is HA028's finding, on the VIP.
fn apiserver_stays_reachable(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if !context.production() {
        return;
    }
    let model = context.model;

    let apiserver_vip_misplaced = (context.apiserver_frontends.iter())
        .any(|&idx| !super::control_plane::vip_strangers(model, context.frontends[idx].balancer).is_empty());
    for (domain, assessment) in context.losses() {
        let losing = format!("losing {}", domain.describe());

        if assessment.apiserver.total > 0 && !assessment.apiserver.reachable && !apiserver_vip_misplaced {
            let message = match assessment.apiserver.vip {
                Some(vip) => format!(
                    "{losing} leaves no apiserver reachable through the VIP `{}` ({} of {} control-plane nodes left)",
                    model.name(vip),
                    assessment.apiserver.alive,
                    assessment.apiserver.total
                ),
                None => format!(
                    "{losing} leaves no apiserver ({} of {} control-plane nodes left)",
                    assessment.apiserver.alive, assessment.apiserver.total
                ),
            };
            let mut diagnostic = context
                .finding(Code::HA012, message, domain.span, "this failure domain")
                .with_help("put control-plane nodes, load-balancer nodes and VIP members on at least two hosts each");
            label_nodes(
                context,
                domain,
                &context.topology.control_plane,
                "control-plane node",
                &mut diagnostic,
            );
            // And the apiserver balancers' nodes it takes down with it.
            let mut balancer_nodes: Vec<EntityId> = (context.apiserver_frontends.iter())
                .flat_map(|&idx| model.load_balancer(context.frontends[idx].balancer).nodes().entities())
                .filter(|node| !context.topology.control_plane.contains(node))
                .collect();
            balancer_nodes.sort();
            balancer_nodes.dedup();
            label_nodes(context, domain, &balancer_nodes, "load-balancer node", &mut diagnostic);
            out.push(diagnostic);
        }
    }
}

/// HA013: every ingress controller keeps a replica and its VIP a live member.
fn ingress_keeps_replica(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if !context.production() {
        return;
    }
    let model = context.model;

    for (domain, assessment) in context.losses() {
        let losing = format!("losing {}", domain.describe());

        for state in &assessment.ingress {
            // Too few replicas or nodes are HA041 and HA040's findings already.
            if crate::platform::Assessment::ingress_ok(state)
                || state.replicas < 2
                || model.ingress_controller(state.controller).nodes().len() < 2
            {
                continue;
            }
            let controller = state.controller;
            let nodes = model.ingress_controller(controller).nodes().entities();
            let message = if state.vip_alive == Some(false) {
                format!(
                    "{losing} leaves the ingress VIP `{}` with no live member",
                    model
                        .ingress_controller(controller)
                        .vip()
                        .map_or("", |vip| model.name(vip))
                )
            } else {
                format!(
                    "{losing} leaves ingress controller `{}` with no replica ({} of its {} nodes left)",
                    model.name(controller),
                    state.alive_nodes,
                    nodes.len()
                )
            };
            let mut diagnostic = context
                .finding(Code::HA013, message, domain.span, "this failure domain")
                .with_label(model.entity(controller).name_span, "ingress controller")
                .with_help("run the ingress nodes (and the VIP's members) on distinct physical hosts");
            label_nodes(context, domain, &nodes, "ingress node", &mut diagnostic);
            out.push(diagnostic);
        }
    }
}

/// HA014: every app keeps at least one replica (reported once per app, below).
fn apps_keep_a_replica(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if !context.production() {
        return;
    }
    let model = context.model;

    let mut lost_apps: Vec<(EntityId, i64, Vec<&Domain>)> = Vec::new();
    for (domain, assessment) in context.losses() {
        for state in &assessment.apps {
            // A single replica is HA060's finding already; an app at a dev or test stage
            // is not required to survive.
            if state.surviving < 1 && state.replicas >= 2 && context.app_production(model.app(state.app).id()) {
                match lost_apps.iter_mut().find(|(app, _, _)| *app == state.app) {
                    Some((_, _, domains)) => domains.push(domain),
                    None => lost_apps.push((state.app, state.replicas, vec![domain])),
                }
            }
        }
    }
    for (app, replicas, domains) in lost_apps {
        if domains.is_empty() {
            continue;
        }
        let names: Vec<String> = domains.iter().map(|domain| domain.describe()).collect();
        let spread = model.app(app).placement().anti_affinity();
        let spread_over = model.app(app).placement().spread();
        let wider = (domains.iter())
            .map(|domain| domain.kind)
            .filter(|kind| *kind != DomainKind::PhysicalHost)
            .max();
        let help = if spread == AntiAffinity::None {
            "with `anti_affinity = none` nothing keeps replicas apart: use `required` or `preferred`".to_string()
        } else if let Some(kind) = wider.filter(|_| spread_over == SpreadDomain::Host) {
            let field = if kind == DomainKind::Rack { "rack" } else { "zone" };
            format!(
                "spread the replicas over {field}s as well as nodes (`placement = {{ spread = {field} }}`), or add replicas"
            )
        } else {
            "add replicas, or worker nodes for this placement on other physical hosts".to_string()
        };
        let mut diagnostic = context
            .app_finding(
                model.app(app).id(),
                Code::HA014,
                format!(
                    "losing {} can leave app `{}` with none of its {}",
                    join_or(&names),
                    model.name(app),
                    plural(usize::try_from(replicas).unwrap_or(0), "replica")
                ),
                model.entity(app).name_span,
                "no replica survives in the worst case",
            )
            .with_help(help);
        for domain in domains.iter().take(3) {
            diagnostic = diagnostic.with_label(domain.span, format!("losing {}", domain.describe()));
        }
        out.push(diagnostic);
    }
}

/// HA016: apps keep their storage (reported once per export, below).
fn apps_keep_storage(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if !context.production() {
        return;
    }
    let model = context.model;

    // Exports a failure takes with app volumes on them: the domains, the apps.
    type Lost<'d> = (EntityId, Vec<&'d Domain>, Vec<(EntityId, String, crate::source::Span)>);
    let mut lost_storage: Vec<Lost<'_>> = Vec::new();
    for (domain, assessment) in context.losses() {
        for loss in &assessment.storage_lost {
            let at = match lost_storage.iter().position(|(export, _, _)| *export == loss.export) {
                Some(at) => at,
                None => {
                    lost_storage.push((loss.export, Vec::new(), Vec::new()));
                    lost_storage.len() - 1
                }
            };
            let entry = &mut lost_storage[at];
            if !entry.1.iter().any(|known: &&Domain| std::ptr::eq(*known, domain)) {
                entry.1.push(domain);
            }
            // An app at a dev or test stage is not required to keep its storage.
            if !entry.2.iter().any(|(app, _, _)| *app == loss.app) && context.app_production(model.app(loss.app).id()) {
                entry.2.push((loss.app, loss.volume.clone(), loss.volume_span));
            }
        }
    }
    for (export, domains, apps) in lost_storage {
        if apps.is_empty() {
            continue;
        }
        let names: Vec<String> = domains.iter().map(|domain| domain.describe()).collect();
        let app_names: Vec<String> = apps
            .iter()
            .map(|(app, _, _)| format!("`{}`", model.name(*app)))
            .collect();
        let view = model.nfs_export(export);
        let mut diagnostic = context
            .finding(
                Code::HA016,
                format!(
                    "losing {} takes nfs_export `{}`, and with it the volumes of {} {}",
                    join_or(&names),
                    view.name(),
                    if apps.len() == 1 { "app" } else { "apps" },
                    join_and(&app_names)
                ),
                view.server_span(),
                "served by one node",
            )
            .with_help(
                "serve the export from a `drbd_pair` behind its own VIP (the data is mirrored and the VIP follows the Primary), \
                 or accept the risk with `@allow(HA016, \"why\")` on the export",
            );
        for (_, volume, span) in apps.iter().take(3) {
            diagnostic = diagnostic.with_label(*span, format!("volume `{volume}`"));
        }
        out.push(diagnostic);
    }
}

/// HA015: an export declared highly available (on a DRBD pair) stays available.
fn ha_exports_stay_available(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if !context.production() {
        return;
    }
    let model = context.model;

    for (domain, assessment) in context.losses() {
        let losing = format!("losing {}", domain.describe());

        for state in &assessment.exports {
            if !state.ha || state.available {
                continue;
            }
            let export = state.export;
            out.push(
                context
                    .finding(
                        Code::HA015,
                        format!("{losing} makes the NFS export `{}` unavailable", model.name(export)),
                        model.nfs_export(export).server_span(),
                        "served by this DRBD pair",
                    )
                    .with_label(domain.span, "this failure domain")
                    .with_help("put the DRBD pair's two nodes (and its VIP's members) on distinct physical hosts"),
            );
        }
    }
}

/// HA017: an app spread over racks or zones (a topology spread on the rack or zone label,
/// `DoNotSchedule` under required anti-affinity) runs only on nodes whose host declares
/// one: the scheduler filters out every node without the label.
pub fn check_spread(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // The nodes without the label, once per placement.
    let mut unlabelled: rustc_hash::FxHashMap<PlacementKey, Vec<EntityId>> = rustc_hash::FxHashMap::default();
    for app in model.apps() {
        let placement = app.placement();
        let spread = placement.spread();
        let required = placement.anti_affinity() == AntiAffinity::Required;
        let id = app.id().entity();
        // A single pod gets no spread at all.
        if spread == SpreadDomain::Host || !required || !Topology::runs_several(model, id) {
            continue;
        }
        let eligible = context.topology.eligible(model, id);
        let missing = unlabelled.entry(Topology::placement_of(model, id)).or_insert_with(|| {
            (eligible.iter().copied())
                .filter(|node| {
                    matches!(
                        context.topology.unit_of(model, *node, spread),
                        Some(crate::platform::topology::SpreadUnit::Host(_))
                    )
                })
                .collect()
        });
        if missing.is_empty() {
            continue;
        }
        let kind = if spread == SpreadDomain::Rack { "rack" } else { "zone" };
        let hosts: Vec<EntityId> = {
            let mut hosts: Vec<EntityId> = (missing.iter())
                .filter_map(|node| context.topology.host_of.get(node).copied())
                .collect();
            hosts.sort();
            hosts.dedup();
            hosts
        };
        let host_names: Vec<String> = hosts.iter().map(|host| model.quoted(*host)).collect();
        let node_names: Vec<String> = missing.iter().map(|node| model.quoted(*node)).collect();
        let message = if missing.len() == eligible.len() {
            format!(
                "app `{}` is spread over {kind}s, but no node it may run on has a {kind}: the scheduler places none of its pods",
                app.name()
            )
        } else {
            format!(
                "app `{}` is spread over {kind}s, but the scheduler never places it on {}: {} declare{} no {kind}",
                app.name(),
                join_or(&node_names),
                join_and(&host_names),
                if hosts.len() == 1 { "s" } else { "" }
            )
        };
        let mut diagnostic = Diagnostic::error(
            Code::HA017,
            message,
            placement.spread_span(),
            format!("spread = {kind}"),
        );
        for host in hosts.iter().take(3) {
            diagnostic = diagnostic.with_label(model.entity(*host).name_span, format!("no `{kind}`"));
        }
        out.push(diagnostic.with_help(format!(
            "declare the {kind} of {}, or spread over `host`s: a node without the {kind} label fails the spread's filter",
            join_and(&host_names)
        )));
    }
}

/// HA011's help: spread the members where the domains allow it, else say what is
/// missing (another domain of this kind) or how to accept the risk.
fn spread_help(context: &Platform<'_>, domain: &Domain, total: usize) -> String {
    let kind = domain.kind.as_str();
    let most = total - quorum(total);
    let domains = (context
        .topology
        .domains
        .iter()
        .chain(&context.topology.single_host_domains))
    .filter(|other| other.kind == domain.kind && !other.nodes.is_empty())
    .count();
    if most == 0 {
        return format!(
            "with {} etcd survives no failure at all: run 3 or 5 members on distinct {kind}s",
            plural(total, "member")
        );
    }
    let needed = total.div_ceil(most);
    if domains >= needed {
        format!("spread etcd members so that no {kind} carries more than {most} of the {total}")
    } else {
        format!(
            "{total} members need at least {needed} {kind}s for none to carry more than {most}, and there are {domains}: \
             add a {kind}, or accept the risk on this one with `@allow(HA011, \"why\")`"
        )
    }
}

/// Labels, on the domain, the nodes of `nodes` placed in it.
fn label_nodes(context: &Platform<'_>, domain: &Domain, nodes: &[EntityId], what: &str, diagnostic: &mut Diagnostic) {
    for node in nodes {
        if domain.nodes.binary_search(node).is_ok() {
            diagnostic.secondary.push(crate::diagnostic::Label::new(
                context.model.node(*node).host_span(),
                format!("{what} `{}`", context.model.name(*node)),
            ));
        }
    }
}
