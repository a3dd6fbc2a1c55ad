//! What one cluster of a platform of several must not share with the others: its
//! addresses, its networks and its VRRP router ids. The rules compare a cluster with the
//! clusters declared before it ([`Platform::neighbours`]).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::Platform;
use crate::source::Span;

/// One address a cluster's hosts or VIPs answer on.
#[derive(Debug, Clone)]
pub struct Address {
    pub address: Ipv4Addr,
    /// "node `m1`", "VIP group `api`".
    pub holder: String,
    pub span: Span,
}

/// One network a cluster routes.
#[derive(Debug, Clone)]
pub struct Network {
    pub net: Ipv4Net,
    /// "node subnet", "pod network".
    pub what: &'static str,
    pub span: Span,
}

/// One VRRP group's router id on its segment.
#[derive(Debug, Clone)]
pub struct Vrrp {
    pub segment: Option<Ipv4Net>,
    pub id: i64,
    pub group: String,
    pub span: Span,
}

/// Another cluster of the platform, as the cross-cluster rules compare with it.
#[derive(Debug, Clone)]
pub struct Neighbour {
    pub cluster: String,
    pub addresses: Vec<Address>,
    /// The node subnet (when it has one), then the pod network.
    pub networks: Vec<Network>,
    pub vrrp: Vec<Vrrp>,
}

/// A cluster as its neighbours see it.
pub fn neighbour(platform: &Platform<'_>) -> Neighbour {
    let model = platform.model;
    let cluster = platform.cluster();
    let mut addresses = Vec::new();
    for node in model.nodes() {
        if let Some(address) = node.address() {
            addresses.push(Address {
                address,
                holder: format!("node `{}`", node.name()),
                span: node.address_span(),
            });
        }
    }
    for vip in model.vip_groups() {
        if let Some(address) = vip.address() {
            addresses.push(Address {
                address,
                holder: format!("VIP group `{}`", vip.name()),
                span: vip.address_span(),
            });
        }
    }
    let mut networks = Vec::new();
    if let Some(net) = cluster.node_subnet() {
        networks.push(Network {
            net,
            what: "node subnet",
            span: cluster.node_subnet_span(),
        });
    }
    networks.push(Network {
        net: cluster.pod_cidr(),
        what: "pod network",
        span: cluster.pod_cidr_span(),
    });
    let vrrp = (super::router_ids(model).into_iter())
        .map(|router| {
            let vip = model.vip_group(router.vip);
            Vrrp {
                segment: super::vrrp::segment(model, router.vip),
                id: router.id,
                group: vip.name().to_string(),
                span: if router.assigned {
                    vip.name_span()
                } else {
                    vip.router_id_span()
                },
            }
        })
        .collect();
    Neighbour {
        cluster: cluster.name().to_string(),
        addresses,
        networks,
        vrrp,
    }
}
