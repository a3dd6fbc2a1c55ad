//! Capacity: the requests fit the workers that are left after losing the largest physical
//! host, with 20% headroom.

use rustc_hash::FxHashMap as HashMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::EntityId;
use crate::semantic::value::{format_cpu, format_quantity};
use crate::semantic::views::{Resources, Role, Workload};

/// The share of allocatable capacity requests may use; the rest is headroom.
const USABLE_PERCENT: u64 = 80;

/// Millicores and bytes of a resources record; 0 for what it leaves out.
fn amounts(resources: Option<Resources<'_>>) -> (u64, u64) {
    resources.map_or((0, 0), |resources| {
        (resources.cpu().unwrap_or(0), resources.memory().unwrap_or(0))
    })
}

pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // Allocatable capacity of the workers on each physical host.
    let mut by_host: HashMap<Option<EntityId>, (u64, u64)> = HashMap::default();
    for &node in &context.topology.nodes {
        let view = model.node(node);
        if !view.roles().contains(&Role::Worker) {
            continue;
        }
        let (reserved_cpu, reserved_memory) = amounts(view.reserved());
        let cpu = view.cpu().unwrap_or(0).saturating_sub(reserved_cpu);
        let memory = view.memory().unwrap_or(0).saturating_sub(reserved_memory);
        let entry = by_host.entry(context.topology.host_of.get(&node).copied()).or_default();
        // Sums saturate: a capacity past u64 is "more than anything requested".
        entry.0 = entry.0.saturating_add(cpu);
        entry.1 = entry.1.saturating_add(memory);
    }
    if by_host.is_empty() {
        return;
    }
    let (mut cpu_capacity, mut memory_capacity) = by_host.values().fold((0u64, 0u64), |(c, m), (cpu, memory)| {
        (c.saturating_add(*cpu), m.saturating_add(*memory))
    });
    let mut lost_host = None;
    if context.production() {
        let mut hosts: Vec<(&Option<EntityId>, &(u64, u64))> = by_host.iter().collect();
        hosts.sort_by_key(|(host, (cpu, memory))| (std::cmp::Reverse(*cpu), std::cmp::Reverse(*memory), **host));
        if let Some((host, (cpu, memory))) = hosts.first() {
            cpu_capacity = cpu_capacity.saturating_sub(*cpu);
            memory_capacity = memory_capacity.saturating_sub(*memory);
            lost_host = **host;
        }
    }
    let (mut cpu_requests, mut memory_requests) = (0u64, 0u64);
    for app in model.apps() {
        let pods = if app.workload() == Some(Workload::Daemon) {
            u64::try_from(context.topology.eligible(model, app.id().entity()).len()).unwrap_or(u64::MAX)
        } else {
            u64::try_from(app.replicas().unwrap_or(1)).unwrap_or(0)
        };
        // What the scheduler reserves: the request, or the limit where only a limit is
        // given (Kubernetes copies it into the request).
        let (requested, limited) = (amounts(app.requests()), amounts(app.limits()));
        let pick = |request: u64, limit: u64| if request == 0 { limit } else { request };
        let (cpu, memory) = (pick(requested.0, limited.0), pick(requested.1, limited.1));
        // Requests saturate instead of wrapping: four replicas of a 4Ei request are more
        // than any platform has, not zero.
        cpu_requests = cpu_requests.saturating_add(pods.saturating_mul(cpu));
        memory_requests = memory_requests.saturating_add(pods.saturating_mul(memory));
    }
    let workers = match lost_host {
        Some(host) => format!("the workers left after losing `{}`", model.name(host)),
        None => "the workers".to_string(),
    };
    let checks = [
        ("cpu", cpu_requests, cpu_capacity, format_cpu as fn(u64) -> String),
        (
            "memory",
            memory_requests,
            memory_capacity,
            format_quantity as fn(u64) -> String,
        ),
    ];
    for (what, requested, capacity, show) in checks {
        let usable = capacity / 100 * USABLE_PERCENT + capacity % 100 * USABLE_PERCENT / 100;
        if requested > usable {
            out.push(
                Diagnostic::warning(
                    Code::HA100,
                    format!(
                        "apps request {what} {} in all; {workers} offer {} allocatable, {} with 20% headroom",
                        show(requested),
                        show(capacity),
                        show(usable)
                    ),
                    context.cluster_span(),
                    "this platform",
                )
                .with_help(format!("add worker {what}, or lower the apps' {what} requests")),
            );
        }
    }
}
