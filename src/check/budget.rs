//! Budgets: a namespace's `budget` is a ResourceQuota on what its pods request. Its pods
//! must fit it, or the apiserver refuses the ones past it; and the budgets together must
//! fit what the workers offer, or they promise what the platform cannot give.

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::platform::pods::{self, Amounts};
use crate::semantic::value::{format_cpu, format_quantity};
use crate::semantic::views::{NamespaceId, Workload};

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(budgets_fit_the_workers: HA114),
    super::rule!(pods_fit_their_budget: HA117),
];

/// What a namespace's pods request at their most, and how many workloads they are.
type Requested = rustc_hash::FxHashMap<NamespaceId, (Amounts, usize)>;

/// The most each namespace's pods request at once, in one pass over the apps and ingress
/// controllers: each one's most pods (an autoscaler's `max`; a daemon's eligible nodes)
/// and, for a Deployment, the pods a rolling update adds (Kubernetes' default surge, a
/// quarter rounded up), times what one pod requests (its largest init container, if
/// larger).
fn requested(context: &Platform<'_>) -> Requested {
    let model = context.model;
    let mut by_namespace = Requested::default();
    let mut add = |namespace: Option<NamespaceId>, pods: u64, one: Amounts| {
        let Some(namespace) = namespace else { return };
        let (total, workloads) = by_namespace
            .entry(namespace)
            .or_insert((Amounts { cpu: 0, memory: 0 }, 0));
        total.cpu = total.cpu.saturating_add(pods.saturating_mul(one.cpu));
        total.memory = total.memory.saturating_add(pods.saturating_mul(one.memory));
        *workloads += 1;
    };
    for app in model.apps() {
        let most = app
            .autoscaling()
            .and_then(|autoscaling| autoscaling.max())
            .unwrap_or(0)
            .max(app.replicas());
        let most = u64::try_from(most).unwrap_or(0);
        let pods = match app.workload() {
            Workload::Daemon => {
                u64::try_from(context.topology.eligible(model, app.id().entity()).len()).unwrap_or(u64::MAX)
            }
            Workload::Stateful => most,
            Workload::Stateless => most.saturating_add(most.div_ceil(4)),
        };
        let mut one = pods::app_resources(app).requests;
        if !app.depends_on().is_empty() {
            one.cpu = one.cpu.max(pods::WAIT_RESOURCES.requests.cpu);
            one.memory = one.memory.max(pods::WAIT_RESOURCES.requests.memory);
        }
        add(app.namespace(), pods, one);
    }
    for controller in model.ingress_controllers() {
        let replicas = u64::try_from(controller.replicas()).unwrap_or(0);
        let pods = replicas.saturating_add(replicas.div_ceil(4));
        add(
            controller.namespace(),
            pods,
            pods::controller_resources(controller).requests,
        );
    }
    by_namespace
}

/// HA117: a namespace's pods fit its budget, at their most and during a rolling update.
fn pods_fit_their_budget(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    if model.namespaces().all(|namespace| namespace.budget().is_none()) {
        return;
    }
    let by_namespace = requested(context);
    for namespace in model.namespaces() {
        let Some(budget) = namespace.budget() else { continue };
        let none = (Amounts { cpu: 0, memory: 0 }, 0);
        let (requested, workloads) = by_namespace.get(&namespace.id()).copied().unwrap_or(none);
        let checks = [
            ("cpu", budget.cpu(), requested.cpu, cpu as fn(u64) -> String),
            ("memory", budget.memory(), requested.memory, memory as fn(u64) -> String),
        ];
        for (what, allowed, wanted, shown) in checks {
            let Some(allowed) = allowed.filter(|allowed| wanted > *allowed) else {
                continue;
            };
            out.push(
                Diagnostic::error(
                    Code::HA117,
                    format!(
                        "the pods of namespace `{}` request up to {} ({} workload{}, a rolling update's extra pods included); its budget is {}",
                        namespace.name(),
                        shown(wanted),
                        workloads,
                        if workloads == 1 { "" } else { "s" },
                        shown(allowed)
                    ),
                    namespace.budget_span(),
                    "the budget",
                )
                .with_label(namespace.name_span(), "the apiserver refuses the pods past it")
                .with_help(format!("raise the budget's {what} to {} or more, or lower the requests", amount(what, wanted))),
            );
        }
    }
}

/// HA114: the budgets together fit what the workers offer (after losing the largest host,
/// in production): a quota promises what the platform must be able to give.
fn budgets_fit_the_workers(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let budgets: Vec<_> = model
        .namespaces()
        .filter_map(|namespace| Some((namespace, namespace.budget()?)))
        .collect();
    if budgets.is_empty() {
        return;
    }
    let Some(workers) = super::capacity::workers_left(context) else {
        return;
    };
    let offered = match workers.lost_host {
        Some(host) => format!("the workers left after losing `{}`", model.name(host)),
        None => "the workers".to_string(),
    };
    let sum = |amount: fn(&crate::semantic::views::Resources<'_>) -> Option<u64>| -> u64 {
        budgets
            .iter()
            .filter_map(|(_, budget)| amount(budget))
            .fold(0u64, u64::saturating_add)
    };
    let checks = [
        ("cpu", sum(|budget| budget.cpu()), workers.cpu, cpu as fn(u64) -> String),
        (
            "memory",
            sum(|budget| budget.memory()),
            workers.memory,
            memory as fn(u64) -> String,
        ),
    ];
    for (what, budgeted, offer, shown) in checks {
        if budgeted <= offer {
            continue;
        }
        let mut diagnostic = context
            .finding(
                Code::HA114,
                format!(
                    "the namespaces' budgets add up to {}; {offered} offer {} allocatable",
                    shown(budgeted),
                    shown(offer)
                ),
                context.cluster_span(),
                "this platform",
            )
            .with_help(format!("lower the budgets' {what}, or add worker {what}"));
        for (namespace, _) in budgets.iter().take(4) {
            diagnostic = diagnostic.with_label(namespace.budget_span(), format!("`{}`'s budget", namespace.name()));
        }
        out.push(diagnostic);
    }
}

/// `2 cpu`, `500m cpu`.
fn cpu(millicores: u64) -> String {
    format!("{} cpu", format_cpu(millicores))
}

/// `2Gi of memory`.
fn memory(bytes: u64) -> String {
    format!("{} of memory", format_quantity(bytes))
}

/// An amount of `what` as a budget writes it: `2`, `2Gi`.
fn amount(what: &str, value: u64) -> String {
    if what == "cpu" {
        format_cpu(value)
    } else {
        format_quantity(value)
    }
}
