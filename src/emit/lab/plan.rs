//! `DIR/lab/plan.json`: what `k8sc lab` needs to know about a built tree beyond its own
//! files: which node lives on which physical host, with what address and interface; the
//! VIPs with their members by priority and their declared timers; the paths clients take
//! (routes) to the apiservers, the ingress controllers and the NFS exports; etcd; and, for
//! every physical host, what `simulate --fail HOST` says survives its loss.
//!
//! The build writes it with the same `simulate` as the command; the lab reads it back and
//! runs the tree's own files.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// The source file, as the tree's headers cite it.
    pub source: String,
    pub nodes: Vec<Node>,
    pub vips: Vec<Vip>,
    pub routes: Vec<Route>,
    pub etcd: Option<Etcd>,
    pub drbd: Vec<Drbd>,
    pub hosts: Vec<Host>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub name: String,
    pub address: Ipv4Addr,
    pub prefix: u8,
    /// The interface that carries the address (and any VIP).
    pub interface: String,
    /// The physical host, if declared.
    pub host: Option<String>,
    /// What k8sc does not run here but the checks probe: the apiserver, an ingress
    /// controller's port, a single NFS server.
    pub standins: Vec<Standin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// HTTPS with `/healthz`, on every address (kube-apiserver).
    Apiserver,
    /// HTTP on every address (a host-network ingress controller).
    Ingress,
    /// TCP 2049 (an NFS server).
    Nfs,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Standin {
    pub service: Service,
    pub port: u16,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vip {
    pub name: String,
    pub address: Ipv4Addr,
    /// Highest priority first.
    pub members: Vec<String>,
    pub priorities: Vec<i64>,
    pub advert_ms: u64,
    pub preempt: bool,
    /// What keepalived tracks on each member, and the longest the VIP may stay on a member
    /// whose tracked service died (check_interval x check_fall + advert_interval).
    pub track: Option<Tracked>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tracked {
    /// `apiserver`, `haproxy`, `ingress` or `nfs`.
    pub what: String,
    pub bound_seconds: u64,
}

impl Vip {
    /// VRRP's Master_Down_Interval for the backup that takes over (3 advertisements and
    /// its skew), in milliseconds: how long a VIP may go unheld after its holder dies.
    pub fn takeover_bound_ms(&self) -> u64 {
        let lowest = self.priorities.iter().copied().min().unwrap_or(100).clamp(1, 255);
        let skew = (256 - u64::try_from(lowest).unwrap_or(1)) * self.advert_ms / 256;
        3 * self.advert_ms + skew
    }
}

/// A path clients take: every connection to a target whose node is up (a VIP's target is
/// always up) must lead to a live node of `backends`, and some target must be up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Route {
    /// What `simulate` calls it: `apiserver`, `ingress_controller traefik`, `nfs_export data`.
    pub subject: String,
    /// How clients get there, for the report: "VIP api_vip (172.16.10.20:16443)".
    pub via: String,
    pub targets: Vec<Target>,
    pub service: Service,
    pub backends: Vec<String>,
    /// A part of the path the lab does not run, and why.
    pub not_run: Option<String>,
}

/// An address:port clients connect to, and the node it belongs to (`None` for a VIP).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Target {
    pub address: String,
    pub node: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Etcd {
    pub members: Vec<String>,
    /// External members run the tree's `etcd.conf.yml` with TLS; stacked etcd (kubeadm's
    /// static pods) runs as the lab's own plain configuration on the control plane.
    pub external: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Drbd {
    pub resource: String,
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Host {
    pub name: String,
    pub nodes: Vec<String>,
    /// What `simulate --fail HOST` says, for the subjects the lab measures.
    pub simulate: Vec<Expectation>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expectation {
    pub subject: String,
    pub ok: bool,
    pub detail: String,
}
