//! The platform's dependency graph.
//!
//! Input: the typed [`Model`]. Output: a petgraph [`Graph`] whose nodes are the platform's
//! parts (physical hosts and failure domains, nodes, etcd members, the control plane,
//! VIP groups, load balancers, ingress controllers, storage, namespaces, apps,
//! registries, routes) and whose edges say how they depend on each other (runs-on,
//! member-of, balances-to, serves, depends-on, stores-on, replicates-to, routes-to).
//! Invariants: pure; built in source order, so ids and renderings are deterministic; an
//! edge always points from the dependent part to the part it needs (a node runs on its
//! physical host, a VIP serves the load balancer behind it).

mod cycles;
mod render;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::semantic::KindId;
use crate::semantic::views::{
    AppId, CephRbdId, DrbdPairId, IngressControllerId, LoadBalancerId, NamespaceId, NfsExportId, NodeId,
    PhysicalHostId, PublicAddressId, RegistryId, Role, RouteId, VipGroupId,
};

pub use cycles::{Cycle, cycles};
pub use render::{to_dot, to_json};

use crate::semantic::{EntityId, Model};

/// What a graph node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    PhysicalHost,
    Rack,
    Zone,
    Node,
    EtcdMember,
    Etcd,
    ControlPlane,
    VipGroup,
    LoadBalancer,
    IngressController,
    NfsExport,
    DrbdPair,
    CephRbd,
    Namespace,
    App,
    Registry,
    Route,
    PublicAddress,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::PhysicalHost => "physical_host",
            NodeKind::Rack => "rack",
            NodeKind::Zone => "zone",
            NodeKind::Node => "node",
            NodeKind::EtcdMember => "etcd_member",
            NodeKind::Etcd => "etcd",
            NodeKind::ControlPlane => "control_plane",
            NodeKind::VipGroup => "vip_group",
            NodeKind::LoadBalancer => "load_balancer",
            NodeKind::IngressController => "ingress_controller",
            NodeKind::NfsExport => "nfs_export",
            NodeKind::DrbdPair => "drbd_pair",
            NodeKind::CephRbd => "ceph_rbd",
            NodeKind::Namespace => "namespace",
            NodeKind::App => "app",
            NodeKind::Registry => "registry",
            NodeKind::Route => "route",
            NodeKind::PublicAddress => "public_address",
        }
    }

    /// The layer the part belongs to.
    pub fn layer(self) -> &'static str {
        match self {
            NodeKind::Route | NodeKind::PublicAddress => "client",
            NodeKind::VipGroup | NodeKind::LoadBalancer | NodeKind::IngressController => "access",
            NodeKind::Namespace | NodeKind::App | NodeKind::Registry => "application",
            _ => "infrastructure",
        }
    }

    /// The graph kind of a declaration kind, for the kinds that are graph nodes.
    fn of_entity(kind: KindId) -> Option<NodeKind> {
        Some(match kind {
            PhysicalHostId::KIND => NodeKind::PhysicalHost,
            NodeId::KIND => NodeKind::Node,
            VipGroupId::KIND => NodeKind::VipGroup,
            LoadBalancerId::KIND => NodeKind::LoadBalancer,
            IngressControllerId::KIND => NodeKind::IngressController,
            NfsExportId::KIND => NodeKind::NfsExport,
            DrbdPairId::KIND => NodeKind::DrbdPair,
            CephRbdId::KIND => NodeKind::CephRbd,
            NamespaceId::KIND => NodeKind::Namespace,
            AppId::KIND => NodeKind::App,
            RegistryId::KIND => NodeKind::Registry,
            RouteId::KIND => NodeKind::Route,
            PublicAddressId::KIND => NodeKind::PublicAddress,
            _ => return None,
        })
    }
}

/// How one part depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    RunsOn,
    MemberOf,
    BalancesTo,
    Serves,
    DependsOn,
    StoresOn,
    ReplicatesTo,
    RoutesTo,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::RunsOn => "runs-on",
            EdgeKind::MemberOf => "member-of",
            EdgeKind::BalancesTo => "balances-to",
            EdgeKind::Serves => "serves",
            EdgeKind::DependsOn => "depends-on",
            EdgeKind::StoresOn => "stores-on",
            EdgeKind::ReplicatesTo => "replicates-to",
            EdgeKind::RoutesTo => "routes-to",
        }
    }
}

/// A part of the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    pub kind: NodeKind,
    pub name: String,
    /// The declaration behind it; none for derived parts (racks, zones, etcd, control plane).
    pub entity: Option<EntityId>,
}

impl GraphNode {
    /// `kind:name`, unique in the graph.
    pub fn id(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.name)
    }
}

/// The dependency graph, with an index from declarations to graph nodes.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub graph: DiGraph<GraphNode, EdgeKind>,
    by_entity: HashMap<EntityId, NodeIndex>,
    by_key: HashMap<(NodeKind, String), NodeIndex>,
}

impl Graph {
    /// Builds the graph of a model.
    pub fn build(model: &Model) -> Graph {
        let mut graph = Graph::default();
        for (idx, entity) in model.entities.iter().enumerate() {
            let id = EntityId(crate::source::to_u32(idx));
            let Some(kind) = NodeKind::of_entity(entity.kind) else {
                continue;
            };
            let index = graph.add(kind, &entity.name, Some(id));
            graph.by_entity.insert(id, index);
        }
        graph.add_infrastructure_edges(model);
        graph.add_access_edges(model);
        graph.add_application_edges(model);
        graph
    }

    fn add(&mut self, kind: NodeKind, name: &str, entity: Option<EntityId>) -> NodeIndex {
        if let Some(&index) = self.by_key.get(&(kind, name.to_string())) {
            return index;
        }
        let index = self.graph.add_node(GraphNode {
            kind,
            name: name.to_string(),
            entity,
        });
        self.by_key.insert((kind, name.to_string()), index);
        index
    }

    /// The graph node of a declaration.
    pub fn node_of(&self, id: EntityId) -> Option<NodeIndex> {
        self.by_entity.get(&id).copied()
    }

    fn edge(&mut self, from: impl Into<EntityId>, to: impl Into<EntityId>, kind: EdgeKind) {
        if let (Some(from), Some(to)) = (self.node_of(from.into()), self.node_of(to.into())) {
            self.graph.add_edge(from, to, kind);
        }
    }

    fn add_infrastructure_edges(&mut self, model: &Model) {
        for host in model.physical_hosts() {
            let Some(host_index) = self.node_of(host.id().entity()) else {
                continue;
            };
            let rack = host.rack().map(|rack| self.add(NodeKind::Rack, rack, None));
            let zone = host.zone().map(|zone| self.add(NodeKind::Zone, zone, None));
            match (rack, zone) {
                (Some(rack), Some(zone)) => {
                    self.graph.add_edge(host_index, rack, EdgeKind::MemberOf);
                    if self.graph.find_edge(rack, zone).is_none() {
                        self.graph.add_edge(rack, zone, EdgeKind::MemberOf);
                    }
                }
                (Some(domain), None) | (None, Some(domain)) => {
                    self.graph.add_edge(host_index, domain, EdgeKind::MemberOf);
                }
                (None, None) => {}
            }
        }
        let mut etcd = None;
        let mut control_plane = None;
        for node in model.nodes() {
            if let Some(host) = node.host() {
                self.edge(node.id(), host, EdgeKind::RunsOn);
            }
            let roles = node.roles();
            let Some(node_index) = self.node_of(node.id().entity()) else {
                continue;
            };
            if roles.contains(&Role::Etcd) {
                let member = self.add(NodeKind::EtcdMember, node.name(), None);
                self.graph.add_edge(member, node_index, EdgeKind::RunsOn);
                let cluster = *etcd.get_or_insert_with(|| self.add(NodeKind::Etcd, "etcd", None));
                self.graph.add_edge(member, cluster, EdgeKind::MemberOf);
            }
            if roles.contains(&Role::ControlPlane) {
                let plane =
                    *control_plane.get_or_insert_with(|| self.add(NodeKind::ControlPlane, "control_plane", None));
                self.graph.add_edge(node_index, plane, EdgeKind::MemberOf);
            }
        }
        if let (Some(plane), Some(etcd)) = (control_plane, etcd) {
            self.graph.add_edge(plane, etcd, EdgeKind::DependsOn);
        }
        for export in model.nfs_exports() {
            if let Some(server) = export.server() {
                self.edge(export.id(), server, EdgeKind::RunsOn);
            }
        }
        for pair in model.drbd_pairs() {
            for node in pair.nodes() {
                self.edge(pair.id(), node, EdgeKind::RunsOn);
            }
            if let Some(vip) = pair.vip() {
                self.edge(vip, pair.id(), EdgeKind::Serves);
            }
        }
    }

    fn add_access_edges(&mut self, model: &Model) {
        for vip in model.vip_groups() {
            for member in vip.members() {
                self.edge(member, vip.id(), EdgeKind::MemberOf);
            }
        }
        for balancer in model.load_balancers() {
            for node in balancer.nodes() {
                self.edge(balancer.id(), node, EdgeKind::RunsOn);
            }
            if let Some(vip) = balancer.vip() {
                self.edge(vip, balancer.id(), EdgeKind::Serves);
            }
            let mut backends: Vec<EntityId> = Vec::new();
            for frontend in balancer.frontends() {
                backends.extend(frontend.backends().entities());
            }
            backends.sort();
            backends.dedup();
            for backend in backends {
                self.edge(balancer.id(), backend, EdgeKind::BalancesTo);
            }
        }
        for controller in model.ingress_controllers() {
            for node in controller.nodes() {
                self.edge(controller.id(), node, EdgeKind::RunsOn);
            }
            if let Some(namespace) = controller.namespace() {
                self.edge(controller.id(), namespace, EdgeKind::MemberOf);
            }
            if let Some(vip) = controller.vip() {
                self.edge(vip, controller.id(), EdgeKind::Serves);
            }
        }
    }

    fn add_application_edges(&mut self, model: &Model) {
        for app in model.apps() {
            if let Some(namespace) = app.namespace() {
                self.edge(app.id(), namespace, EdgeKind::MemberOf);
            }
            for dependency in app.depends_on() {
                self.edge(app.id(), dependency, EdgeKind::DependsOn);
            }
            let mut stores: Vec<EntityId> = Vec::new();
            for volume in app.volumes() {
                if let Some(storage) = volume.storage() {
                    stores.push(storage.entity());
                }
            }
            stores.sort();
            stores.dedup();
            for storage in stores {
                self.edge(app.id(), storage, EdgeKind::StoresOn);
            }
        }
        for replication in model.replications() {
            if let (Some(source), Some(target)) = (replication.source(), replication.target()) {
                self.edge(source, target, EdgeKind::ReplicatesTo);
            }
        }
        let controllers: Vec<IngressControllerId> =
            model.ingress_controllers().map(|controller| controller.id()).collect();
        for route in model.routes() {
            if let Some(app) = route.app() {
                self.edge(route.id(), app, EdgeKind::RoutesTo);
            }
            let controller = route.ingress().or(match controllers.as_slice() {
                [only] => Some(*only),
                _ => None,
            });
            if let Some(controller) = controller {
                self.edge(controller, route.id(), EdgeKind::Serves);
            }
        }
        for address in model.public_addresses() {
            if let Some(vip) = address.vip() {
                self.edge(address.id(), vip, EdgeKind::RoutesTo);
            }
        }
    }

    /// The apps in an order that starts every app after the apps it depends on (otherwise
    /// in source order), or the cycles that make such an order impossible.
    pub fn app_start_order(&self, model: &Model) -> Result<Vec<EntityId>, Vec<Cycle>> {
        let found = cycles(self, EdgeKind::DependsOn, NodeKind::App);
        if !found.is_empty() {
            return Err(found);
        }
        let mut placed: HashSet<EntityId> = HashSet::default();
        let mut order = Vec::new();
        // Depth first from each app in source order: dependencies are placed first.
        for app in model.apps() {
            let mut stack = vec![(app.id().entity(), false)];
            while let Some((current, expanded)) = stack.pop() {
                if placed.contains(&current) {
                    continue;
                }
                if expanded {
                    placed.insert(current);
                    order.push(current);
                    continue;
                }
                stack.push((current, true));
                for dependency in model.app(current).depends_on().entities().into_iter().rev() {
                    if !placed.contains(&dependency) {
                        stack.push((dependency, false));
                    }
                }
            }
        }
        Ok(order)
    }
}
