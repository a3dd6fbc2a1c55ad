//! Capacity and placement: the requests fit the workers that are left after losing the
//! largest physical host, with 20% headroom; each pod fits on some node it may run on;
//! required anti-affinity has a node per replica; reservations fit their node.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::platform::capacity::{allocatable, amounts};
use crate::semantic::EntityId;
use crate::semantic::value::{describe_cpu, describe_memory};
use crate::semantic::views::{AntiAffinity, App, Role, Workload};

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(whole_platform: HA100),
    super::rule!(replicas_have_nodes: HA101),
    super::rule!(pods_fit: HA102),
    super::rule!(reservations: HA103),
];

/// The share of allocatable capacity requests may use; the rest is headroom.
const USABLE_PERCENT: u64 = 80;

/// HA101: every replica of an app under required anti-affinity has a node of its own.
fn replicas_have_nodes(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    context.model.apps().for_each(|app| pods_fit_nodes(context, app, out));
}

/// HA102: a pod of every app fits on some node it may run on.
fn pods_fit(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    context.model.apps().for_each(|app| pod_fits(context, app, out));
}

/// HA103: a node's reservations leave it something.
fn reservations(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for node in model.nodes() {
        let (reserved_cpu, reserved_memory) = amounts(node.reserved());
        let checks = [
            (
                "cpu",
                reserved_cpu,
                node.cpu(),
                node.cpu_span(),
                describe_cpu as fn(&[u64]) -> Vec<String>,
            ),
            (
                "memory",
                reserved_memory,
                node.memory(),
                node.memory_span(),
                describe_memory,
            ),
        ];
        for (what, reserved, total, total_span, describe) in checks {
            if reserved >= total && reserved > 0 {
                let shown = describe(&[reserved, total]);
                out.push(
                    Diagnostic::error(
                        Code::HA103,
                        format!(
                            "node `{}` reserves {} of {what} for the host and has {} in all: nothing is left for pods",
                            node.name(),
                            shown[0],
                            shown[1]
                        ),
                        node.reserved_span(),
                        "reserved",
                    )
                    .with_label(total_span, format!("{what}: {}", shown[1]))
                    .with_help(format!("reserve less {what}, or declare the node's real {what}")),
                );
            }
        }
    }
}

/// Millicores and bytes one pod of an app holds on its node: its effective requests.
fn per_pod(app: App<'_>) -> (u64, u64) {
    let requests = crate::platform::pods::app_resources(app).requests;
    (requests.cpu, requests.memory)
}

/// HA101 and HA102: an app's pods can all be placed.
/// HA101: required anti-affinity puts one pod per node; the autoscaler keeps at least its
/// `min` (and then owns `replicas`).
fn pods_fit_nodes(context: &Platform<'_>, app: App<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let eligible = context.topology.eligible(model, app.id().entity());
    if eligible.is_empty() {
        // No node at all is HA067's finding.
        return;
    }
    let name = app.name();
    let daemon = app.workload() == Workload::Daemon;
    let required = app.placement().anti_affinity() == AntiAffinity::Required;
    let (pods, pods_span, counted) = match app.autoscaling() {
        Some(autoscaling) => (
            autoscaling.min().unwrap_or(1),
            autoscaling.min_span(),
            "the autoscaler's `min`",
        ),
        None => (app.replicas(), app.replicas_span(), "replicas"),
    };
    let nodes = eligible.len();
    if !daemon && required && usize::try_from(pods).unwrap_or(usize::MAX) > nodes {
        let fits = i64::try_from(nodes).unwrap_or(i64::MAX);
        out.push(
            Diagnostic::error(
                Code::HA101,
                format!(
                    "app `{name}` runs {pods} pods ({counted}) with required anti-affinity, but only {} may run it: {} would stay Pending",
                    crate::platform::plural(nodes, "node"),
                    pods - fits
                ),
                pods_span,
                "one pod per node",
            )
            .with_label(app.placement_span(), "required anti-affinity (the default)")
            .with_help(format!(
                "run at most {nodes} pods, add worker nodes for this placement, or use `placement = {{ anti_affinity = preferred }}`"
            )),
        );
    }
}

/// HA102: one pod fits on the largest node it may run on.
fn pod_fits(context: &Platform<'_>, app: App<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let eligible = context.topology.eligible(model, app.id().entity());
    let name = app.name();
    let (cpu, memory) = per_pod(app);
    let span = if app.requests().is_some() {
        app.requests_span()
    } else {
        app.limits_span()
    };
    let checks = [
        ("cpu", cpu, 0usize, describe_cpu as fn(&[u64]) -> Vec<String>),
        ("memory", memory, 1, describe_memory),
    ];
    for (what, wanted, index, describe) in checks {
        let largest = (eligible.iter().copied())
            .map(|node| (allocatable(model.node(node))[index], node))
            .max_by_key(|(amount, node)| (*amount, std::cmp::Reverse(*node)));
        let Some((offered, node)) = largest else { continue };
        if wanted > offered {
            let shown = describe(&[wanted, offered]);
            out.push(
                Diagnostic::error(
                    Code::HA102,
                    format!(
                        "each pod of app `{name}` needs {} of {what}, more than any node it may run on: the largest, `{}`, has {} allocatable",
                        shown[0],
                        model.name(node),
                        shown[1]
                    ),
                    span,
                    "fits on no node",
                )
                .with_label(model.entity(node).name_span, "the largest eligible node")
                .with_help(format!(
                    "request at most {} of {what}, or add a larger worker node for this placement",
                    shown[1]
                )),
            );
        }
    }
}

/// What the apps request in all: millicores and bytes, every pod counted.
fn requested(context: &Platform<'_>) -> (u64, u64) {
    let model = context.model;
    let (mut cpu_requests, mut memory_requests) = (0u64, 0u64);
    for app in model.apps() {
        let pods = if app.workload() == Workload::Daemon {
            u64::try_from(context.topology.eligible(model, app.id().entity()).len()).unwrap_or(u64::MAX)
        } else {
            u64::try_from(app.replicas()).unwrap_or(0)
        };
        let (cpu, memory) = per_pod(app);
        // Requests saturate instead of wrapping: four replicas of a 4Ei request are more
        // than any platform has, not zero.
        cpu_requests = cpu_requests.saturating_add(pods.saturating_mul(cpu));
        memory_requests = memory_requests.saturating_add(pods.saturating_mul(memory));
    }
    (cpu_requests, memory_requests)
}

/// The workers' allocatable cpu (millicores) and memory (bytes) in all; in production, what
/// is left after losing the physical host that carries the most.
pub(super) struct Workers {
    pub cpu: u64,
    pub memory: u64,
    /// The host whose loss is counted, in production.
    pub lost_host: Option<EntityId>,
}

/// What the workers offer ([`Workers`]); `None` without a worker.
pub(super) fn workers_left(context: &Platform<'_>) -> Option<Workers> {
    let model = context.model;
    // Allocatable capacity of the workers on each physical host.
    let mut by_host: HashMap<Option<EntityId>, (u64, u64)> = HashMap::default();
    for &node in &context.topology.nodes {
        let view = model.node(node);
        if !view.roles().contains(&Role::Worker) {
            continue;
        }
        let [cpu, memory] = allocatable(view);
        let entry = by_host.entry(context.topology.host_of.get(&node).copied()).or_default();
        // Sums saturate: a capacity past u64 is "more than anything requested".
        entry.0 = entry.0.saturating_add(cpu);
        entry.1 = entry.1.saturating_add(memory);
    }
    if by_host.is_empty() {
        return None;
    }
    let (mut cpu, mut memory) = by_host.values().fold((0u64, 0u64), |(c, m), (cpu, memory)| {
        (c.saturating_add(*cpu), m.saturating_add(*memory))
    });
    let mut lost_host = None;
    if context.production() {
        let mut hosts: Vec<(&Option<EntityId>, &(u64, u64))> = by_host.iter().collect();
        hosts.sort_by_key(|(host, (cpu, memory))| (std::cmp::Reverse(*cpu), std::cmp::Reverse(*memory), **host));
        if let Some((host, (lost_cpu, lost_memory))) = hosts.first() {
            cpu = cpu.saturating_sub(*lost_cpu);
            memory = memory.saturating_sub(*lost_memory);
            lost_host = **host;
        }
    }
    Some(Workers { cpu, memory, lost_host })
}

/// HA100: the platform's requests fit what is left after losing the largest host.
fn whole_platform(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let Some(Workers {
        cpu: cpu_capacity,
        memory: memory_capacity,
        lost_host,
    }) = workers_left(context)
    else {
        return;
    };
    let (cpu_requests, memory_requests) = requested(context);
    let workers = match lost_host {
        Some(host) => format!("the workers left after losing `{}`", model.name(host)),
        None => "the workers".to_string(),
    };
    let checks = [
        (
            "cpu",
            cpu_requests,
            cpu_capacity,
            describe_cpu as fn(&[u64]) -> Vec<String>,
        ),
        (
            "memory",
            memory_requests,
            memory_capacity,
            describe_memory as fn(&[u64]) -> Vec<String>,
        ),
    ];
    for (what, requested, capacity, describe) in checks {
        let usable = capacity / 100 * USABLE_PERCENT + capacity % 100 * USABLE_PERCENT / 100;
        if requested > usable {
            let shown = describe(&[requested, capacity, usable]);
            out.push(
                Diagnostic::warning(
                    Code::HA100,
                    format!(
                        "apps request {} of {what} in all; {workers} offer {} allocatable, {} with 20% headroom",
                        shown[0], shown[1], shown[2]
                    ),
                    context.cluster_span(),
                    "this platform",
                )
                .with_help(format!("add worker {what}, or lower the apps' {what} requests")),
            );
        }
    }
}
