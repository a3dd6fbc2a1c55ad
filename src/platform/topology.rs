//! Derived facts about where things run: failure domains, etcd members, control-plane
//! nodes, and the nodes each app may be scheduled on.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

use crate::semantic::views::{AntiAffinity, EtcdTopology, Role, SpreadDomain, Workload};
use crate::semantic::{EntityId, Model};
use crate::source::Span;

/// A kind of failure domain, from the smallest up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DomainKind {
    PhysicalHost,
    Rack,
    Zone,
    DataCenter,
}

impl DomainKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DomainKind::PhysicalHost => "physical host",
            DomainKind::Rack => "rack",
            DomainKind::Zone => "zone",
            DomainKind::DataCenter => "data centre",
        }
    }
}

/// A set of nodes that fail together.
#[derive(Debug, Clone)]
pub struct Domain {
    pub kind: DomainKind,
    pub name: String,
    /// Where to point: the physical host's name, or the first host's `rack`/`zone` field.
    pub span: Span,
    pub hosts: Vec<EntityId>,
    /// The nodes in it, in source order.
    pub nodes: Vec<EntityId>,
}

impl Domain {
    /// "`pm1`", "rack `r1`".
    pub fn describe(&self) -> String {
        match self.kind {
            DomainKind::PhysicalHost => format!("`{}`", self.name),
            kind => format!("{} `{}`", kind.as_str(), self.name),
        }
    }
}

/// Where an app may run: worker nodes of its pool (or of no pool), with GPUs if it needs them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlacementKey {
    pub pool: Option<String>,
    pub gpu: bool,
    /// The failure domain the replicas are spread over; the nodes are the same whatever
    /// it is, the units the survival arithmetic counts are not.
    pub spread: SpreadDomain,
}

/// What the survival arithmetic needs of an app, read once.
#[derive(Debug, Clone, Copy)]
pub struct AppInfo {
    pub app: EntityId,
    /// Index into the distinct placements.
    pub placement: usize,
    pub replicas: i64,
    pub spread: AntiAffinity,
    pub daemon: bool,
}

/// A distinct placement: the worker nodes that match it in source order and as a set (a
/// failure looks up only its own nodes, never the whole list), and how many spread units
/// (physical hosts, racks or zones, as the placement spreads) carry them.
#[derive(Debug, Clone)]
pub struct Placement {
    pub key: PlacementKey,
    pub nodes: Vec<EntityId>,
    pub eligible: HashSet<EntityId>,
    pub hosts: usize,
}

/// What a placement's replicas are spread over: a physical host, or a named rack or zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpreadUnit {
    Host(EntityId),
    Named(SpreadDomain, String),
}

#[derive(Debug, Clone, Default)]
pub struct Topology {
    /// Every app, in source order.
    pub apps: Vec<AppInfo>,
    /// The distinct placements, with the worker nodes that match each.
    pub placements: Vec<Placement>,
    /// Every node, in source order.
    pub nodes: Vec<EntityId>,
    pub host_of: HashMap<EntityId, EntityId>,
    /// The physical hosts that carry at least one node.
    pub hosts_with_nodes: HashSet<EntityId>,
    /// Physical hosts, then racks, then zones, each in source order. A rack or zone of a
    /// single host is left out: it fails exactly as the host does.
    pub domains: Vec<Domain>,
    /// The racks and zones of a single host, for `simulate` to accept their names.
    pub single_host_domains: Vec<Domain>,
    /// The data centres the cluster's hosts are in, in source order: for `simulate` to fail,
    /// never judged by the rules (a cluster lives in one data centre, and dies with it; the
    /// platform survives it with its other clusters).
    pub datacenters: Vec<Domain>,
    pub etcd: Vec<EntityId>,
    pub control_plane: Vec<EntityId>,
    /// The nodes that run a kubelet and join the cluster, in source order: every node but
    /// a load-balancer VM and an external etcd member (hosts the cluster does not run on).
    pub kubelet: Vec<EntityId>,
    eligible: HashMap<PlacementKey, usize>,
}

impl Topology {
    pub fn build(model: &Model) -> Topology {
        let mut topology = Topology::infrastructure(model);
        topology.place_apps(model);
        topology
    }

    /// The topology without the apps (`apps` and `placements` empty): hosts, domains,
    /// etcd and control plane, for what needs only those (kubeadm's endpoint).
    pub fn infrastructure(model: &Model) -> Topology {
        let mut topology = Topology::default();
        let nodes_on_host = topology.place_nodes(model);
        let mut racks: BTreeMap<(usize, String), Domain> = BTreeMap::new();
        let mut zones: BTreeMap<(usize, String), Domain> = BTreeMap::new();
        let mut datacenters: BTreeMap<(usize, String), Domain> = BTreeMap::new();
        let mut first_seen: HashMap<(DomainKind, String), usize> = HashMap::default();
        for (position, view) in model.physical_hosts().enumerate() {
            let host = view.id().entity();
            let nodes = nodes_on_host.get(&host).cloned().unwrap_or_default();
            if !nodes.is_empty() {
                topology.hosts_with_nodes.insert(host);
            }
            topology.domains.push(Domain {
                kind: DomainKind::PhysicalHost,
                name: model.name(host).to_string(),
                span: model.entity(host).name_span,
                hosts: vec![host],
                nodes: nodes.clone(),
            });
            for (kind, name, span, map) in [
                (DomainKind::Rack, view.rack(), view.rack_span(), &mut racks),
                (DomainKind::Zone, view.zone(), view.zone_span(), &mut zones),
                (
                    DomainKind::DataCenter,
                    Some(view.datacenter()),
                    view.datacenter_span(),
                    &mut datacenters,
                ),
            ] {
                let Some(name) = name else {
                    continue;
                };
                let order = *first_seen.entry((kind, name.to_string())).or_insert(position);
                let domain = map.entry((order, name.to_string())).or_insert_with(|| Domain {
                    kind,
                    name: name.to_string(),
                    span,
                    hosts: Vec::new(),
                    nodes: Vec::new(),
                });
                domain.hosts.push(host);
                domain.nodes.extend(nodes.iter().copied());
            }
        }
        topology.datacenters = datacenters.into_values().collect();
        // A rack or zone that holds a single host adds nothing to that host's own check.
        for map in [racks, zones] {
            for domain in map.into_values() {
                if domain.hosts.len() > 1 {
                    topology.domains.push(domain);
                } else {
                    topology.single_host_domains.push(domain);
                }
            }
        }
        for domain in (topology.domains.iter_mut())
            .chain(topology.single_host_domains.iter_mut())
            .chain(topology.datacenters.iter_mut())
        {
            domain.nodes.sort();
        }
        topology
    }

    /// Every node with its host and roles: etcd members, control plane, kubelets. Returns
    /// the nodes on each physical host, in source order.
    fn place_nodes(&mut self, model: &Model) -> HashMap<EntityId, Vec<EntityId>> {
        let mut nodes_on_host: HashMap<EntityId, Vec<EntityId>> = HashMap::default();
        let external_etcd = (model.clusters().next()).is_some_and(|cluster| cluster.etcd() == EtcdTopology::External);
        for view in model.nodes() {
            let node = view.id().entity();
            self.nodes.push(node);
            if let Some(host) = view.host() {
                self.host_of.insert(node, host.entity());
                nodes_on_host.entry(host.entity()).or_default().push(node);
            }
            let roles = view.roles();
            if roles.contains(&Role::Etcd) {
                self.etcd.push(node);
            }
            if roles.contains(&Role::ControlPlane) {
                self.control_plane.push(node);
            }
            let outside = |role: Role| role == Role::LoadBalancer || (role == Role::Etcd && external_etcd);
            if !roles.iter().all(outside) {
                self.kubelet.push(node);
            }
        }
        nodes_on_host
    }

    /// Works out every app's placement and the nodes eligible for it.
    fn place_apps(&mut self, model: &Model) {
        let topology = self;
        for view in model.apps() {
            let app = view.id().entity();
            let key = Topology::placement_of(model, app);
            let placement = match topology.eligible.get(&key) {
                Some(&index) => index,
                None => {
                    let nodes = topology.matching(model, &key);
                    let eligible: HashSet<EntityId> = nodes.iter().copied().collect();
                    let hosts: HashSet<SpreadUnit> = (nodes.iter())
                        .filter_map(|node| topology.unit_of(model, *node, key.spread))
                        .collect();
                    topology.placements.push(Placement {
                        key: key.clone(),
                        nodes,
                        eligible,
                        hosts: hosts.len(),
                    });
                    topology.eligible.insert(key, topology.placements.len() - 1);
                    topology.placements.len() - 1
                }
            };
            topology.apps.push(AppInfo {
                app,
                placement,
                // The autoscaler owns the count: it keeps at least its `min`.
                replicas: (view.autoscaling().and_then(|autoscaling| autoscaling.min()))
                    .unwrap_or_else(|| view.replicas())
                    .max(0),
                spread: view.placement().anti_affinity(),
                daemon: view.workload() == Workload::Daemon,
            });
        }
    }

    fn matching(&self, model: &Model, key: &PlacementKey) -> Vec<EntityId> {
        self.nodes
            .iter()
            .copied()
            .filter(|&node| {
                let node = model.node(node);
                node.roles().contains(&Role::Worker) && node.pool() == key.pool.as_deref() && (!key.gpu || node.gpu())
            })
            .collect()
    }

    /// The unit of `spread` a node counts in: its physical host, or the host's rack or
    /// zone (the host itself when it declares none).
    pub fn unit_of(&self, model: &Model, node: EntityId, spread: SpreadDomain) -> Option<SpreadUnit> {
        let host = *self.host_of.get(&node)?;
        let view = model.physical_host(host);
        let named = match spread {
            SpreadDomain::Host => None,
            SpreadDomain::Rack => view.rack(),
            SpreadDomain::Zone => view.zone(),
        };
        Some(match named {
            Some(name) => SpreadUnit::Named(spread, name.to_string()),
            None => SpreadUnit::Host(host),
        })
    }

    /// Whether a physical host carries at least one node.
    /// Every failure domain `simulate` may fail: hosts, racks, zones (those of one host
    /// too), then data centres.
    pub fn failable(&self) -> impl Iterator<Item = &Domain> {
        (self.domains.iter())
            .chain(&self.single_host_domains)
            .chain(&self.datacenters)
    }

    pub fn carries_nodes(&self, host: EntityId) -> bool {
        self.hosts_with_nodes.contains(&host)
    }

    /// The physical hosts (the smallest failure domains).
    pub fn hosts(&self) -> impl Iterator<Item = &Domain> {
        self.domains
            .iter()
            .filter(|domain| domain.kind == DomainKind::PhysicalHost)
    }

    /// Whether an app may run several pods at once (a non-daemon with 2 or more replicas,
    /// or an autoscaler whose `max` is): what the emitter spreads and budgets, and what the
    /// spread rules judge.
    pub fn runs_several(model: &Model, app: EntityId) -> bool {
        let view = model.app(app);
        let most = match view.autoscaling() {
            Some(autoscaling) => autoscaling.max().unwrap_or(1),
            None => view.replicas(),
        };
        view.workload() != Workload::Daemon && most >= 2
    }

    /// Where an app may be scheduled.
    pub fn placement_of(model: &Model, app: EntityId) -> PlacementKey {
        let placement = model.app(app).placement();
        let pool = placement.pool().map(str::to_string);
        let gpu = placement.gpu();
        let spread = placement.spread();
        PlacementKey { pool, gpu, spread }
    }

    /// The worker nodes an app may be scheduled on, in source order.
    pub fn eligible(&self, model: &Model, app: EntityId) -> &[EntityId] {
        // `apps` is in source order, so by id: the placement was worked out once.
        let index = match self.apps.binary_search_by_key(&app, |info| info.app) {
            Ok(found) => Some(self.apps[found].placement),
            Err(_) => self.eligible.get(&Topology::placement_of(model, app)).copied(),
        };
        index
            .and_then(|index| self.placements.get(index))
            .map_or(&[], |placement| placement.nodes.as_slice())
    }
}
