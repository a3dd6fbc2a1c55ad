//! What runs once the controllers have settled after a failure: how many pods of each app
//! and ingress controller are running and ready, as kube-controller-manager and
//! kube-scheduler leave them.
//!
//! - A Deployment replaces the pods it lost on nodes it may still use, under its required
//!   anti-affinity (one pod per node) and its even spread (a skew of 1 over the spread
//!   units that still have a node it may use).
//! - A StatefulSet does not replace a pod on a node that stopped answering: the pod keeps
//!   its identity and stays Terminating until the node is deleted, or tainted
//!   `node.kubernetes.io/out-of-service`. How many it loses depends on where its pods were:
//!   between what the even spread puts on the lost units at least and at most.
//! - A DaemonSet runs on every node it may use that is left.
//!
//! An autoscaled app counts its autoscaler's `min` (what it holds without metrics).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Platform;
use super::names::{k8s_name, namespace_of};
use super::topology::SpreadUnit;
use crate::semantic::EntityId;
use crate::semantic::views::{AntiAffinity, IngressExpose, SpreadDomain, Workload};

/// The running pods of one workload after a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// `Deployment`, `StatefulSet` or `DaemonSet`.
    pub kind: &'static str,
    /// The Kubernetes name and namespace of the workload.
    pub name: String,
    pub namespace: String,
    /// How many pods it wants (a DaemonSet: one per node it may use before the failure).
    pub replicas: i64,
    /// How many run and are ready, at least and at most (equal but for a StatefulSet).
    pub min: i64,
    pub max: i64,
    /// Why fewer run, when they do.
    pub detail: Option<String>,
}

/// Every app and ingress controller after `failed` went down.
pub fn settle(context: &Platform<'_>, failed: &HashSet<EntityId>) -> Vec<Settled> {
    let model = context.model;
    let mut settled = Vec::new();
    for info in &context.topology.apps {
        let app = model.app(info.app);
        let eligible = context.topology.eligible(model, info.app);
        let alive: Vec<EntityId> = eligible.iter().copied().filter(|node| !failed.contains(node)).collect();
        let name = k8s_name(app.name());
        let namespace = namespace_of(model, info.app);
        let workload = app.workload();
        let domain = app.placement().spread();
        let replicated = super::Topology::runs_several(model, info.app);
        let entry = match workload {
            Workload::Daemon => Settled {
                kind: "DaemonSet",
                replicas: eligible.len() as i64,
                min: alive.len() as i64,
                max: alive.len() as i64,
                detail: (alive.len() < eligible.len()).then(|| "one pod per node it may use that is left".into()),
                name,
                namespace,
            },
            Workload::Stateless => {
                let spread = if replicated { info.spread } else { AntiAffinity::None };
                let running = placeable(context, &alive, domain, spread).min(info.replicas);
                Settled {
                    kind: "Deployment",
                    replicas: info.replicas,
                    min: running,
                    max: running,
                    detail: (running < info.replicas).then(|| {
                        format!(
                            "{running} of {} fit on the nodes it may use that are left",
                            info.replicas
                        )
                    }),
                    name,
                    namespace,
                }
            }
            Workload::Stateful => {
                let spread = if replicated { info.spread } else { AntiAffinity::None };
                let (least, most) = lost_between(context, eligible, failed, domain, spread, info.replicas);
                Settled {
                    kind: "StatefulSet",
                    replicas: info.replicas,
                    min: info.replicas - most,
                    max: info.replicas - least,
                    detail: (most > 0).then(|| {
                        "its pods on the lost nodes are not replaced until those nodes are deleted or tainted `node.kubernetes.io/out-of-service`".to_string()
                    }),
                    name,
                    namespace,
                }
            }
        };
        settled.push(entry);
    }
    settled.extend(
        model
            .ingress_controllers()
            .map(|controller| controller_settled(context, controller, failed)),
    );
    settled
}

/// An ingress controller's Deployment once the controllers settle.
fn controller_settled(
    context: &Platform<'_>,
    controller: crate::semantic::views::IngressController<'_>,
    failed: &HashSet<EntityId>,
) -> Settled {
    let model = context.model;
    let nodes = controller.nodes().entities();
    let alive: Vec<EntityId> = nodes.iter().copied().filter(|node| !failed.contains(node)).collect();
    let replicas = controller.replicas().max(0);
    let anti_affinity = controller.anti_affinity();
    // Host ports: two pods never share a node, whatever the anti-affinity.
    let spread = if controller.expose() == IngressExpose::HostNetwork {
        AntiAffinity::Required
    } else {
        anti_affinity
    };
    let running = placeable(context, &alive, SpreadDomain::Host, spread).min(replicas);
    Settled {
        kind: "Deployment",
        name: k8s_name(controller.name()),
        namespace: namespace_of(model, controller.id().entity()),
        replicas,
        min: running,
        max: running,
        detail: (running < replicas)
            .then(|| format!("{running} of {replicas} fit on the controller's nodes that are left")),
    }
}

/// How many pods of one workload the scheduler can place on `alive`: one per node under
/// required anti-affinity, with a skew of at most 1 between the spread units (each unit's
/// count is at most one above the fullest-constrained unit's); otherwise any number on any
/// node left.
fn placeable(context: &Platform<'_>, alive: &[EntityId], domain: SpreadDomain, spread: AntiAffinity) -> i64 {
    if alive.is_empty() {
        return 0;
    }
    if spread != AntiAffinity::Required {
        return i64::MAX;
    }
    let units = nodes_per_unit(context, alive, domain);
    let least = units.values().copied().min().unwrap_or(0);
    units.values().map(|nodes| (*nodes).min(least + 1) as i64).sum()
}

fn nodes_per_unit(context: &Platform<'_>, nodes: &[EntityId], domain: SpreadDomain) -> HashMap<SpreadUnit, usize> {
    let mut units: HashMap<SpreadUnit, usize> = HashMap::default();
    for node in nodes {
        if let Some(unit) = context.topology.unit_of(context.model, *node, domain) {
            *units.entry(unit).or_default() += 1;
        }
    }
    units
}

/// How many of a StatefulSet's `replicas` were on the failed nodes, at least and at most,
/// for an even spread (skew 1) over the units of its eligible nodes.
fn lost_between(
    context: &Platform<'_>,
    eligible: &[EntityId],
    failed: &HashSet<EntityId>,
    domain: SpreadDomain,
    spread: AntiAffinity,
    replicas: i64,
) -> (i64, i64) {
    let lost_nodes: Vec<EntityId> = eligible.iter().copied().filter(|node| failed.contains(node)).collect();
    if lost_nodes.is_empty() || replicas <= 0 {
        return (0, 0);
    }
    if lost_nodes.len() == eligible.len() {
        return (replicas, replicas);
    }
    if spread == AntiAffinity::None {
        // Anywhere: all on the lost nodes, or none.
        return (0, replicas);
    }
    let units = nodes_per_unit(context, eligible, domain);
    let lost_units = nodes_per_unit(context, &lost_nodes, domain);
    let count = units.len().max(1) as i64;
    let (floor, ceil) = (replicas / count, (replicas + count - 1) / count);
    let mut least = 0;
    let mut most = 0;
    for (unit, lost) in &lost_units {
        let all = units.get(unit).copied().unwrap_or(*lost);
        // A unit holds floor or ceil of the replicas; its lost nodes hold what does not fit
        // on its nodes that are left (at least) up to all of it, one per node when required.
        let per_node_cap = |pods: i64| {
            if spread == AntiAffinity::Required {
                pods.min(*lost as i64)
            } else {
                pods
            }
        };
        let survivors = (all - lost) as i64;
        let at_least = if spread == AntiAffinity::Required {
            (floor - survivors).max(0)
        } else {
            0
        };
        least += at_least;
        most += per_node_cap(ceil);
    }
    (least.min(replicas), most.min(replicas))
}
