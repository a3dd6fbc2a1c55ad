//! What survives the loss of a set of nodes: the arithmetic behind the failure-domain
//! rules and `k8sc simulate`.
//!
//! Placement is judged in the worst case the generated manifests allow: replicas of an app
//! with `required` or `preferred` anti-affinity are spread evenly over the physical hosts
//! of the nodes they may run on (k8sc emits a topology spread constraint on the physical
//! host), `required` puts at most one replica on a node, and `none` guarantees nothing, so
//! all replicas may sit on the one node that fails.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::topology::{Placement, SpreadUnit};
use super::{Platform, quorum};
use crate::semantic::views::{AntiAffinity, LbMode, NfsExportOrCephRbd, NodeOrDrbdPair};
use crate::semantic::{EntityId, Model};
use crate::source::Span;

/// A load-balancer frontend, flattened.
#[derive(Debug, Clone)]
pub struct Frontend {
    pub balancer: EntityId,
    pub name: String,
    pub port: i64,
    pub backends: Vec<EntityId>,
    pub backend_port: i64,
    /// Where `backend_port` is written (else the record).
    pub backend_port_span: Span,
    /// TCP passthrough or HTTP.
    pub mode: LbMode,
    /// Where `mode` is written (else the record).
    pub mode_span: Span,
    /// The frontend record in the source.
    pub span: Span,
}

/// Every frontend of every load balancer, in source order.
pub fn frontends(model: &Model) -> Vec<Frontend> {
    let mut found = Vec::new();
    for balancer in model.load_balancers() {
        for record in balancer.frontends() {
            found.push(Frontend {
                balancer: balancer.id().entity(),
                name: record.name().unwrap_or_default().to_string(),
                port: record.port().map_or(0, i64::from),
                backends: record.backends().entities(),
                backend_port: record.backend_port().map_or(0, i64::from),
                backend_port_span: record.backend_port_span(),
                mode: record.mode(),
                mode_span: record.mode_span(),
                span: record.span(),
            });
        }
    }
    found
}

/// The frontends that lead to the apiservers, directly (backends are control-plane nodes on
/// the apiserver port) or through another load balancer (LVS in front of haproxy).
pub fn apiserver_frontends(context: &Platform<'_>, all: &[Frontend]) -> Vec<usize> {
    let control_plane: HashSet<EntityId> = context.topology.control_plane.iter().copied().collect();
    let api_port = context.apiserver_port();
    let mut leads: Vec<bool> = all
        .iter()
        .map(|frontend| {
            frontend.backend_port == api_port && frontend.backends.iter().any(|b| control_plane.contains(b))
        })
        .collect();
    // Propagate up the chain: a frontend leads there when a backend runs a leading frontend
    // on the backend port. Chains are short; a fixed number of rounds bounds any cycle.
    for _ in 0..all.len().min(8) {
        let mut changed = false;
        for idx in 0..all.len() {
            if leads[idx] {
                continue;
            }
            let frontend = &all[idx];
            let upstream = all.iter().enumerate().any(|(other, candidate)| {
                leads[other]
                    && candidate.port == frontend.backend_port
                    && frontend
                        .backends
                        .iter()
                        .any(|backend| runs_balancer(context.model, candidate.balancer, *backend))
            });
            if upstream {
                leads[idx] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    (0..all.len()).filter(|idx| leads[*idx]).collect()
}

/// The frontends clients use to reach the apiservers: those of `leading` that no other
/// leading frontend balances to (LVS in front of haproxy: the LVS frontend).
pub fn apiserver_entries(model: &Model, all: &[Frontend], leading: &[usize]) -> Vec<usize> {
    let is_backend_of_other = |idx: usize| {
        let frontend = &all[idx];
        leading.iter().any(|&other| {
            other != idx
                && all[other].backend_port == frontend.port
                && all[other]
                    .backends
                    .iter()
                    .any(|backend| runs_balancer(model, frontend.balancer, *backend))
        })
    };
    leading
        .iter()
        .copied()
        .filter(|idx| !is_backend_of_other(*idx))
        .collect()
}

fn runs_balancer(model: &Model, balancer: EntityId, node: EntityId) -> bool {
    model.load_balancer(balancer).nodes().names(node)
}

/// The state of the apiserver after a loss.
#[derive(Debug, Clone)]
pub struct ApiserverState {
    pub alive: usize,
    pub total: usize,
    /// Some client path reaches a live apiserver.
    pub reachable: bool,
    /// The entry VIP clients use, when the apiservers are behind one.
    pub vip: Option<EntityId>,
}

#[derive(Debug, Clone)]
pub struct IngressState {
    pub controller: EntityId,
    pub replicas: i64,
    pub surviving: i64,
    pub alive_nodes: usize,
    /// Whether the controller's VIP still has a live member among its nodes.
    pub vip_alive: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub app: EntityId,
    pub replicas: i64,
    pub surviving: i64,
}

#[derive(Debug, Clone)]
pub struct ExportState {
    pub export: EntityId,
    pub available: bool,
    /// Served by a DRBD pair: declared highly available.
    pub ha: bool,
}

/// Everything `assess` found.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub etcd_alive: usize,
    pub etcd_total: usize,
    pub apiserver: ApiserverState,
    pub ingress: Vec<IngressState>,
    /// The apps left with no replica.
    pub apps: Vec<AppState>,
    /// How many apps keep at least one replica.
    pub apps_surviving: usize,
    pub exports: Vec<ExportState>,
    /// The apps whose volumes live on an export the failure took.
    pub storage_lost: Vec<StorageLoss>,
}

/// A volume whose NFS export is unavailable: the app's pods cannot mount it.
#[derive(Debug, Clone)]
pub struct StorageLoss {
    pub app: EntityId,
    pub volume: String,
    pub volume_span: Span,
    pub export: EntityId,
}

impl Assessment {
    pub fn etcd_quorum(&self) -> bool {
        self.etcd_total == 0 || self.etcd_alive >= quorum(self.etcd_total)
    }

    pub fn ingress_ok(state: &IngressState) -> bool {
        state.surviving >= 1 && state.vip_alive != Some(false)
    }
}

/// What survives when every node in `failed` is down.
pub fn assess(context: &Platform<'_>, failed: &HashSet<EntityId>) -> Assessment {
    let model = context.model;
    let etcd_total = context.topology.etcd.len();
    let etcd_alive = context
        .topology
        .etcd
        .iter()
        .filter(|node| !failed.contains(node))
        .count();
    let (apps, apps_surviving) = app_states(context, failed);
    let mut assessment = Assessment {
        etcd_alive,
        etcd_total,
        apiserver: apiserver(context, failed),
        ingress: model
            .ingress_controllers()
            .map(|controller| ingress(model, controller.id().entity(), failed))
            .collect(),
        apps,
        apps_surviving,
        storage_lost: Vec::new(),
        exports: model
            .nfs_exports()
            .map(|export| export_state(model, export.id().entity(), failed))
            .collect(),
    };
    let lost: Vec<EntityId> = (assessment.exports.iter())
        .filter(|state| !state.available)
        .map(|state| state.export)
        .collect();
    if !lost.is_empty() {
        for app in model.apps() {
            for (volume, span) in app.volumes().spanned() {
                if let Some(NfsExportOrCephRbd::NfsExport(export)) = volume.storage()
                    && lost.contains(&export.entity())
                {
                    assessment.storage_lost.push(StorageLoss {
                        app: app.id().entity(),
                        volume: volume.name().unwrap_or_default().to_string(),
                        volume_span: span,
                        export: export.entity(),
                    });
                }
            }
        }
    }
    assessment
}

fn apiserver(context: &Platform<'_>, failed: &HashSet<EntityId>) -> ApiserverState {
    let model = context.model;
    let total = context.topology.control_plane.len();
    let alive = context
        .topology
        .control_plane
        .iter()
        .filter(|node| !failed.contains(node))
        .count();
    let all = &context.frontends;
    let leading = &context.apiserver_frontends;
    if leading.is_empty() {
        return ApiserverState {
            alive,
            total,
            reachable: alive > 0,
            vip: None,
        };
    }
    let entries = apiserver_entries(model, all, leading);
    let mut memo: HashMap<usize, bool> = HashMap::default();
    let reachable = entries
        .iter()
        .any(|&idx| frontend_alive(context, all, leading, idx, failed, &mut memo, 0));
    ApiserverState {
        alive,
        total,
        reachable,
        vip: entries
            .iter()
            .find_map(|&idx| model.load_balancer(all[idx].balancer).vip())
            .map(|vip| vip.entity()),
    }
}

/// A frontend works when a live node of its balancer holds its VIP (or it has no VIP) and
/// a backend is alive: a live control-plane node, or a live node running a working
/// frontend on the backend port.
fn frontend_alive(
    context: &Platform<'_>,
    all: &[Frontend],
    leading: &[usize],
    idx: usize,
    failed: &HashSet<EntityId>,
    memo: &mut HashMap<usize, bool>,
    depth: usize,
) -> bool {
    if let Some(&known) = memo.get(&idx) {
        return known;
    }
    if depth > 8 {
        return false;
    }
    let model = context.model;
    let frontend = &all[idx];
    let balancer = model.load_balancer(frontend.balancer);
    let nodes = balancer.nodes().entities();
    let holders: Vec<EntityId> = match balancer.vip() {
        Some(vip) => model
            .vip_group(vip)
            .members()
            .entities()
            .into_iter()
            .filter(|member| nodes.contains(member))
            .collect(),
        None => nodes,
    };
    let held = holders.iter().any(|node| !failed.contains(node));
    let api_port = context.apiserver_port();
    let backend_alive = frontend.backends.iter().any(|backend| {
        if failed.contains(backend) {
            return false;
        }
        if frontend.backend_port == api_port && context.topology.control_plane.contains(backend) {
            return true;
        }
        leading.iter().any(|&other| {
            other != idx
                && all[other].port == frontend.backend_port
                && runs_balancer(model, all[other].balancer, *backend)
                && frontend_alive(context, all, leading, other, failed, memo, depth + 1)
        })
    });
    let alive = held && backend_alive;
    memo.insert(idx, alive);
    alive
}

/// Replicas lost in the worst case when `failed_per_host` eligible nodes fail on each host.
fn lost_replicas(replicas: i64, spread: AntiAffinity, eligible_hosts: usize, failed_per_host: &[usize]) -> i64 {
    if failed_per_host.is_empty() {
        return 0;
    }
    if spread == AntiAffinity::None {
        return replicas;
    }
    let per_host =
        i64::try_from(usize::try_from(replicas).unwrap_or(0).div_ceil(eligible_hosts.max(1))).unwrap_or(i64::MAX);
    let lost: i64 = failed_per_host
        .iter()
        .map(|&failed_nodes| match spread {
            AntiAffinity::Required => per_host.min(failed_nodes as i64),
            AntiAffinity::Preferred | AntiAffinity::None => per_host,
        })
        .sum();
    lost.min(replicas)
}

fn ingress(model: &Model, controller: EntityId, failed: &HashSet<EntityId>) -> IngressState {
    let view = model.ingress_controller(controller);
    let nodes = view.nodes().entities();
    let replicas = view.replicas();
    let spread = view.anti_affinity();
    let failed_nodes = nodes.iter().filter(|node| failed.contains(node)).count();
    let alive_nodes = nodes.len() - failed_nodes;
    // Ingress replicas are spread over the controller's nodes, one per node when required.
    let per_node_failures: Vec<usize> = nodes.iter().filter(|node| failed.contains(node)).map(|_| 1).collect();
    let lost = lost_replicas(replicas, spread, nodes.len(), &per_node_failures);
    let surviving = if alive_nodes == 0 { 0 } else { replicas - lost };
    let vip_alive = view.vip().map(|vip| {
        model
            .vip_group(vip)
            .members()
            .iter()
            .any(|member| nodes.contains(&member.entity()) && !failed.contains(&member.entity()))
    });
    IngressState {
        controller,
        replicas,
        surviving,
        alive_nodes,
        vip_alive,
    }
}

/// How a loss hits the nodes of one placement.
struct PlacementLoss {
    eligible: usize,
    alive: usize,
    hosts: usize,
    /// Failed eligible nodes in each spread unit (host, rack or zone) that lost any.
    failed_per_host: Vec<usize>,
}

/// What a failure takes from a placement, from the failed nodes alone: one lookup per
/// failed node, so checking every failure domain stays one pass over the nodes.
fn placement_loss(context: &Platform<'_>, placement: &Placement, failed: &HashSet<EntityId>) -> PlacementLoss {
    let mut failed_per_host: HashMap<SpreadUnit, usize> = HashMap::default();
    let mut failed_eligible = 0;
    for node in failed.iter().filter(|node| placement.eligible.contains(node)) {
        failed_eligible += 1;
        if let Some(unit) = context.topology.unit_of(context.model, *node, placement.key.spread) {
            *failed_per_host.entry(unit).or_default() += 1;
        }
    }
    PlacementLoss {
        eligible: placement.eligible.len(),
        alive: placement.eligible.len() - failed_eligible,
        hosts: placement.hosts,
        failed_per_host: failed_per_host.into_values().collect(),
    }
}

/// The apps left with no replica, and how many keep one. The loss of each placement is
/// computed once; an app whose nodes all survive costs one comparison.
fn app_states(context: &Platform<'_>, failed: &HashSet<EntityId>) -> (Vec<AppState>, usize) {
    let losses: Vec<PlacementLoss> = context
        .topology
        .placements
        .iter()
        .map(|placement| placement_loss(context, placement, failed))
        .collect();
    let mut affected = Vec::new();
    let mut unaffected = 0;
    for info in &context.topology.apps {
        let Some(loss) = losses.get(info.placement) else {
            continue;
        };
        if loss.eligible == 0 {
            continue;
        }
        if loss.failed_per_host.is_empty() {
            unaffected += 1;
            continue;
        }
        let state = if info.daemon {
            // A DaemonSet runs one pod per eligible node.
            AppState {
                app: info.app,
                replicas: loss.eligible as i64,
                surviving: loss.alive as i64,
            }
        } else {
            let lost = lost_replicas(info.replicas, info.spread, loss.hosts, &loss.failed_per_host);
            AppState {
                app: info.app,
                replicas: info.replicas,
                surviving: if loss.alive == 0 { 0 } else { info.replicas - lost },
            }
        };
        if state.surviving < 1 && state.replicas > 0 {
            affected.push(state);
        } else {
            unaffected += 1;
        }
    }
    (affected, unaffected)
}

fn export_state(model: &Model, export: EntityId, failed: &HashSet<EntityId>) -> ExportState {
    let Some(server) = model.nfs_export(export).server() else {
        return ExportState {
            export,
            available: false,
            ha: false,
        };
    };
    if let NodeOrDrbdPair::DrbdPair(pair) = server {
        let pair = model.drbd_pair(pair);
        let nodes = pair.nodes().entities();
        let vip_held = pair.vip().is_none_or(|vip| {
            model
                .vip_group(vip)
                .members()
                .iter()
                .any(|member| nodes.contains(&member.entity()) && !failed.contains(&member.entity()))
        });
        let available = vip_held && nodes.iter().any(|node| !failed.contains(node));
        return ExportState {
            export,
            available,
            ha: true,
        };
    }
    ExportState {
        export,
        available: !failed.contains(&server.entity()),
        ha: false,
    }
}

#[cfg(test)]
mod tests {
    use super::{AntiAffinity, lost_replicas};

    #[test]
    fn worst_case_losses_follow_the_spread() {
        // 3 replicas spread over 3 hosts, one host fails with two eligible nodes.
        assert_eq!(lost_replicas(3, AntiAffinity::Required, 3, &[2]), 1);
        // 2 replicas over 2 hosts: losing one host loses one.
        assert_eq!(lost_replicas(2, AntiAffinity::Required, 2, &[1]), 1);
        // Everything on one host: all lost.
        assert_eq!(lost_replicas(3, AntiAffinity::Required, 1, &[3]), 3);
        // No anti-affinity: the worst case puts every replica on the failed node.
        assert_eq!(lost_replicas(5, AntiAffinity::None, 4, &[1]), 5);
        // Preferred: a whole host's share may sit on one failed node.
        assert_eq!(lost_replicas(6, AntiAffinity::Preferred, 2, &[1]), 3);
        assert_eq!(lost_replicas(4, AntiAffinity::Required, 2, &[]), 0);
    }
}
