//! Capacity: the requests fit the workers that are left after losing the largest physical
//! host, with 20% headroom.

use rustc_hash::FxHashMap as HashMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::value::{format_cpu, format_quantity};
use crate::semantic::{EntityId, Model, Value};

/// The share of allocatable capacity requests may use; the rest is headroom.
const USABLE_PERCENT: u64 = 80;

fn resource(model: &Model, id: EntityId, field: &str, inner: &str) -> u64 {
    match model.nested(id, field, inner).map(|value| &value.value) {
        Some(Value::Cpu(amount) | Value::Quantity(amount)) => *amount,
        _ => 0,
    }
}

fn total(model: &Model, node: EntityId, field: &str) -> u64 {
    match model.value(node, field) {
        Some(Value::Cpu(amount) | Value::Quantity(amount)) => *amount,
        _ => 0,
    }
}

pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // Allocatable capacity of the workers on each physical host.
    let mut by_host: HashMap<Option<EntityId>, (u64, u64)> = HashMap::default();
    for &node in &context.topology.nodes {
        if !model.variants(node, "roles").contains(&"worker") {
            continue;
        }
        let cpu = total(model, node, "cpu").saturating_sub(resource(model, node, "reserved", "cpu"));
        let memory = total(model, node, "memory").saturating_sub(resource(model, node, "reserved", "memory"));
        let entry = by_host.entry(context.topology.host_of.get(&node).copied()).or_default();
        entry.0 += cpu;
        entry.1 += memory;
    }
    if by_host.is_empty() {
        return;
    }
    let (mut cpu_capacity, mut memory_capacity) = by_host
        .values()
        .fold((0, 0), |(c, m), (cpu, memory)| (c + cpu, m + memory));
    let mut lost_host = None;
    if context.production() {
        let mut hosts: Vec<(&Option<EntityId>, &(u64, u64))> = by_host.iter().collect();
        hosts.sort_by_key(|(host, (cpu, memory))| (std::cmp::Reverse(*cpu), std::cmp::Reverse(*memory), **host));
        if let Some((host, (cpu, memory))) = hosts.first() {
            cpu_capacity -= cpu;
            memory_capacity -= memory;
            lost_host = **host;
        }
    }
    let (mut cpu_requests, mut memory_requests) = (0u64, 0u64);
    for app in model.all("app") {
        let pods = if model.variant(app, "workload") == Some("daemon") {
            context.topology.eligible(model, app).len() as u64
        } else {
            model.int(app, "replicas").unwrap_or(1).max(0) as u64
        };
        cpu_requests += pods * resource(model, app, "requests", "cpu");
        memory_requests += pods * resource(model, app, "requests", "memory");
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
