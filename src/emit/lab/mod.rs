//! `lab/plan.json` ([`mod@plan`], the contract between a build and `k8sc lab`): written for every platform with a host layer (a
//! VIP, a load balancer or external etcd), so that `k8sc lab DIR` can run the tree.

pub mod plan;

use super::{Files, Input, MODE_FILE};
use crate::platform::simulate::simulate;
use crate::platform::{Platform, priorities};
use crate::semantic::views::{LbSoftware, NodeOrDrbdPair, VipTrack};
use crate::semantic::{EntityId, Model};
use plan::{Drbd, Etcd, Expectation, Host, Node, Plan, Route, Service, Standin, Target, Tracked, Vip};

const NFS_PORT: u16 = 2049;

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    if let Some(plan) = plan(input) {
        let text = serde_json::to_string_pretty(&plan).unwrap_or_default();
        output.add("lab/plan.json", format!("{text}\n"), MODE_FILE);
    }
}

fn name(model: &Model, node: EntityId) -> String {
    model.name(node).to_string()
}

fn address(model: &Model, node: EntityId) -> String {
    model.node(node).address().map(|a| a.to_string()).unwrap_or_default()
}

fn on_vip(address: impl std::fmt::Display, port: u16) -> Vec<Target> {
    vec![Target {
        address: format!("{address}:{port}"),
        node: None,
    }]
}

fn on_nodes(model: &Model, nodes: &[EntityId], port: impl std::fmt::Display) -> Vec<Target> {
    (nodes.iter())
        .map(|node| Target {
            address: format!("{}:{port}", address(model, *node)),
            node: Some(name(model, *node)),
        })
        .collect()
}

pub fn plan(input: &Input<'_>) -> Option<Plan> {
    let model = input.model;
    // The apps' survival is not the lab's: it probes the host layer.
    let context = Platform::infrastructure(model, input.platform.graph, input.secrets)?;
    let etcd_members = super::etcd::members(model);
    if model.vip_groups().len() == 0 && model.load_balancers().len() == 0 && etcd_members.is_empty() {
        return None;
    }
    let api_port = context.cluster().apiserver_port();
    let prefix = context.cluster().node_subnet().map_or(24, |net| net.prefix_len());
    let nodes = (model.nodes())
        .filter_map(|node| {
            let id = node.id().entity();
            // Where keepalived puts its VIPs (HA039 makes it declared), else where the
            // node's address is.
            let interface = (model.vip_groups())
                .filter(|vip| vip.members().entities().contains(&id))
                .find_map(|vip| crate::platform::interface(model, vip.id().entity(), id))
                .or(node.interface())
                .or_else(|| context.cluster().interface())
                .unwrap_or("eth0");
            Some(Node {
                name: node.name().to_string(),
                address: node.address()?,
                prefix,
                interface: interface.to_string(),
                host: node.host().map(|host| model.name(host.entity()).to_string()),
                standins: standins(model, &context, id, api_port),
            })
        })
        .collect();
    let etcd = if etcd_members.is_empty() {
        (!context.topology.etcd.is_empty()).then(|| Etcd {
            members: context.topology.etcd.iter().map(|node| name(model, *node)).collect(),
            external: false,
        })
    } else {
        Some(Etcd {
            members: etcd_members.iter().map(|node| name(model, node.entity())).collect(),
            external: true,
        })
    };
    let hosts = (model.physical_hosts())
        .map(|host| host_plan(model, &context, host))
        .collect();
    Some(Plan {
        source: input.source.to_string(),
        nodes,
        vips: vips(model),
        routes: routes(model, &context, api_port),
        etcd,
        drbd: (model.drbd_pairs())
            .map(|pair| Drbd {
                resource: pair.resource().to_string(),
                nodes: pair.nodes().entities().iter().map(|node| name(model, *node)).collect(),
            })
            .collect(),
        hosts,
    })
}

/// A physical host of the plan: its nodes, and what `simulate --fail HOST` says of the
/// host layer (etcd, the apiservers, the ingress controllers, the NFS exports).
fn host_plan(model: &Model, context: &Platform<'_>, host: crate::semantic::views::PhysicalHost<'_>) -> Host {
    let host_name = host.name().to_string();
    let simulation = simulate(context, std::slice::from_ref(&host_name));
    let expectations = (simulation.iter())
        .flat_map(|simulation| &simulation.requirements)
        .filter(|requirement| {
            let subject = requirement.subject.as_str();
            subject == "etcd"
                || subject == "apiserver"
                || subject.starts_with("ingress_controller ")
                || subject.starts_with("nfs_export ")
        })
        .map(|requirement| Expectation {
            subject: requirement.subject.clone(),
            ok: requirement.ok,
            detail: requirement.detail.clone(),
        })
        .collect();
    let nodes = (model.nodes())
        .filter(|node| node.host().map(|h| h.entity()) == Some(host.id().entity()))
        .map(|node| node.name().to_string())
        .collect();
    Host {
        name: host_name,
        nodes,
        simulate: expectations,
    }
}

/// What a node serves that the lab stands in for.
fn standins(model: &Model, context: &Platform<'_>, node: EntityId, api_port: u16) -> Vec<Standin> {
    let mut found = Vec::new();
    if context.topology.control_plane.contains(&node) {
        found.push(Standin {
            service: Service::Apiserver,
            port: api_port,
        });
    }
    for controller in model.ingress_controllers() {
        if controller.nodes().entities().contains(&node) {
            found.push(Standin {
                service: Service::Ingress,
                port: controller.http_port(),
            });
        }
    }
    // A single NFS server serves from boot; a DRBD pair's Primary starts its server
    // through the notify script.
    let single = (model.nfs_exports())
        .any(|export| matches!(export.server(), Some(NodeOrDrbdPair::Node(server)) if server.entity() == node));
    if single {
        found.push(Standin {
            service: Service::Nfs,
            port: NFS_PORT,
        });
    }
    found.dedup_by(|a, b| a.service == b.service && a.port == b.port);
    found
}

fn vips(model: &Model) -> Vec<Vip> {
    (model.vip_groups())
        .filter_map(|view| {
            let vip = view.id().entity();
            let levels = priorities(model, vip);
            let mut members: Vec<(i64, String)> = (view.members().entities().iter())
                .zip(&levels)
                .map(|(member, level)| (*level, name(model, *member)))
                .collect();
            members.sort_by_key(|member| std::cmp::Reverse(member.0));
            let track = match view.track() {
                VipTrack::None => None,
                what => crate::platform::black_hole(view).map(|bound_seconds| Tracked {
                    what: what.as_str().to_string(),
                    bound_seconds,
                }),
            };
            Some(Vip {
                name: view.name().to_string(),
                address: view.address()?,
                priorities: members.iter().map(|(level, _)| *level).collect(),
                members: members.into_iter().map(|(_, member)| member).collect(),
                advert_ms: view.advert_interval().max(1),
                preempt: crate::platform::preempts(model, vip),
                track,
            })
        })
        .collect()
}

/// The paths the lab probes: to the apiservers, each ingress controller, each NFS export.
fn routes(model: &Model, context: &Platform<'_>, api_port: u16) -> Vec<Route> {
    let mut routes: Vec<Route> = apiserver_route(model, context, api_port).into_iter().collect();
    routes.extend(ingress_routes(model));
    routes.extend(nfs_routes(model));
    routes
}

/// A VIP group's name and address.
fn vip_of(model: &Model, vip: Option<crate::semantic::views::VipGroupId>) -> Option<(String, std::net::Ipv4Addr)> {
    vip.and_then(|vip| Some((model.vip_group(vip).name().to_string(), model.vip_group(vip).address()?)))
}

/// The apiservers: through the haproxy frontend that balances them (an LVS tier in front
/// of it is not run by the lab), else directly.
fn apiserver_route(model: &Model, context: &Platform<'_>, api_port: u16) -> Option<Route> {
    let control_plane: Vec<String> = context
        .topology
        .control_plane
        .iter()
        .map(|node| name(model, *node))
        .collect();
    let lvs_in_front = (model.load_balancers()).any(|lb| lb.software() == LbSoftware::Lvs);
    let not_run = lvs_in_front.then(|| {
        "LVS forwarding (the lab runs keepalived's VRRP on the LVS nodes, not IPVS): clients are sent to the haproxy tier behind it".to_string()
    });
    let haproxy = (context.frontends.iter()).find(|frontend| {
        let balancer = model.load_balancer(frontend.balancer);
        balancer.software() != LbSoftware::Lvs
            && i64::from(api_port) == frontend.backend_port
            && frontend
                .backends
                .iter()
                .all(|backend| context.topology.control_plane.contains(backend))
    });
    match haproxy {
        Some(frontend) => {
            let balancer = model.load_balancer(frontend.balancer);
            let port = u16::try_from(frontend.port).unwrap_or_default();
            let (via, targets) = match vip_of(model, balancer.vip()) {
                Some((vip, address)) => (format!("VIP {vip} ({address}:{port})"), on_vip(address, port)),
                None => (
                    format!("load balancer {} (its nodes, port {port})", balancer.name()),
                    on_nodes(model, &balancer.nodes().entities(), port),
                ),
            };
            Some(Route {
                subject: "apiserver".into(),
                via,
                targets,
                service: Service::Apiserver,
                backends: frontend.backends.iter().map(|node| name(model, *node)).collect(),
                not_run,
            })
        }
        None if !control_plane.is_empty() => Some(Route {
            subject: "apiserver".into(),
            via: format!("the control plane (port {api_port})"),
            targets: on_nodes(model, &context.topology.control_plane, api_port),
            service: Service::Apiserver,
            backends: control_plane.clone(),
            not_run,
        }),
        None => None,
    }
}

/// Each ingress controller: through its VIP, else its nodes.
fn ingress_routes(model: &Model) -> Vec<Route> {
    let mut routes = Vec::new();
    for controller in model.ingress_controllers() {
        let port = controller.http_port();
        let nodes = controller.nodes().entities();
        let (via, targets) = match vip_of(model, controller.vip()) {
            Some((vip, address)) => (format!("VIP {vip} ({address}:{port})"), on_vip(address, port)),
            None => (format!("its nodes (port {port})"), on_nodes(model, &nodes, port)),
        };
        routes.push(Route {
            subject: format!("ingress_controller {}", controller.name()),
            via,
            targets,
            service: Service::Ingress,
            backends: nodes.iter().map(|node| name(model, *node)).collect(),
            not_run: None,
        });
    }
    routes
}

/// Each NFS export: through its DRBD pair's VIP, else its server.
fn nfs_routes(model: &Model) -> Vec<Route> {
    let mut routes = Vec::new();
    for export in model.nfs_exports() {
        let servers = super::nfs::servers(model, export.id().entity());
        let address = super::nfs::server_address(model, export.id().entity());
        let (via, targets) = match export.server() {
            Some(NodeOrDrbdPair::DrbdPair(pair)) => (
                format!(
                    "DRBD pair {}'s VIP ({address}:{NFS_PORT})",
                    model.drbd_pair(pair).name()
                ),
                on_vip(&address, NFS_PORT),
            ),
            _ => (
                format!("its server ({address}:{NFS_PORT})"),
                on_nodes(model, &servers, NFS_PORT),
            ),
        };
        routes.push(Route {
            subject: format!("nfs_export {}", export.name()),
            via,
            targets,
            service: Service::Nfs,
            backends: servers.iter().map(|node| name(model, *node)).collect(),
            not_run: None,
        });
    }
    routes
}
