//! `ansible/inventory.yaml` and `ansible/site.yml`: what puts the tree onto its hosts, in
//! order. The inventory names every host with its address and groups them by what runs
//! there; the playbook (`site.yml`, the same for every platform) prepares the Kubernetes
//! nodes, copies `hosts/<host>/` onto each host as root, (re)starts keepalived and haproxy,
//! runs `kubeadm init` on the first control-plane node, joins the other control-plane
//! nodes one at a time and then the other nodes, and applies `kubernetes/`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::k8s::cni::{Chart, Manifest};
use super::{Files, Input, MODE_FILE};
use crate::platform::Topology;
use crate::semantic::views::LbSoftware;
use crate::semantic::{EntityId, Model};

/// The playbook, the same for every platform: what differs is in the inventory.
const SITE: &str = include_str!("site.yml");

#[derive(Serialize)]
struct Inventory {
    all: All,
}

#[derive(Serialize)]
struct All {
    vars: Vars,
    hosts: BTreeMap<String, Host>,
    children: BTreeMap<&'static str, Group>,
}

/// What every play may read: the pod network to install.
#[derive(Serialize)]
struct Vars {
    k8sc_cni: &'static str,
    /// The pinned upstream manifest the playbook downloads, checks and applies (Calico's
    /// operator).
    #[serde(skip_serializing_if = "Option::is_none")]
    k8sc_cni_manifest: Option<Manifest>,
    /// The pinned Helm chart the playbook installs (Cilium).
    #[serde(skip_serializing_if = "Option::is_none")]
    k8sc_cni_chart: Option<Chart>,
    k8sc_pod_cidr: String,
    /// The least etcd the external members run: the one the release's kubeadm deploys.
    #[serde(skip_serializing_if = "Option::is_none")]
    k8sc_etcd_version: Option<&'static str>,
    /// The platform's Harbor rules, from the playbook's folder: the tree's own, or, for a
    /// cluster of a platform of several, the platform's beside the cluster's tree.
    k8sc_harbor: &'static str,
}

#[derive(Serialize)]
struct Host {
    ansible_host: String,
    /// On an NFS server: the static volumes' directories the playbook creates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    k8sc_volumes: Vec<Volume>,
    /// On a node of a DRBD pair: the resource whose Primary holds the volumes.
    #[serde(skip_serializing_if = "Option::is_none")]
    k8sc_drbd_resource: Option<Unsafe>,
}

/// A string from the platform source, written `!unsafe`: Ansible reads it as data and
/// never evaluates a `{{ ... }}` or `{% ... %}` in it.
pub struct Unsafe(pub String);

impl Serialize for Unsafe {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(super::yaml_stream::ANSIBLE_UNSAFE, &self.0)
    }
}

#[derive(Serialize)]
struct Volume {
    path: Unsafe,
    owner: u32,
    group: u32,
    mode: &'static str,
}

#[derive(Serialize)]
struct Group {
    hosts: BTreeMap<String, Empty>,
}

/// A host listed in a group (its variables are the `all` entry's).
#[derive(Serialize)]
struct Empty {}

/// The groups the playbook plays on, each with the nodes in it.
fn groups(model: &Model) -> Vec<(&'static str, Vec<EntityId>)> {
    let topology = Topology::infrastructure(model);
    let first = topology.control_plane.first().copied();
    let joining_control_plane: Vec<EntityId> = (topology.control_plane.iter())
        .copied()
        .filter(|node| Some(*node) != first && topology.kubelet.contains(node))
        .collect();
    let joining_nodes: Vec<EntityId> = (topology.kubelet.iter())
        .copied()
        .filter(|node| !topology.control_plane.contains(node))
        .collect();
    let mut keepalived: Vec<EntityId> = model.vip_groups().flat_map(|vip| vip.members().entities()).collect();
    let mut haproxy = Vec::new();
    let mut lvs = Vec::new();
    for balancer in model.load_balancers() {
        match balancer.software() {
            LbSoftware::Lvs => {
                keepalived.extend(balancer.nodes().entities());
                lvs.extend(balancer.nodes().entities());
            }
            LbSoftware::Haproxy => haproxy.extend(balancer.nodes().entities()),
        }
    }
    let nfs: Vec<EntityId> = model
        .nfs_exports()
        .flat_map(|export| super::nfs::servers(model, export.id().entity()))
        .collect();
    let etcd = super::etcd::members(model)
        .into_iter()
        .map(|node| node.entity())
        .collect();
    vec![
        ("kubernetes", topology.kubelet.clone()),
        ("control_plane", topology.control_plane.clone()),
        ("etcd", etcd),
        ("first_control_plane", first.into_iter().collect()),
        ("joining_control_plane", joining_control_plane),
        ("joining_nodes", joining_nodes),
        ("keepalived", keepalived),
        ("haproxy", haproxy),
        ("lvs", lvs),
        ("nfs", nfs),
    ]
}

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    let mut volumes: BTreeMap<EntityId, Vec<Volume>> = BTreeMap::new();
    for volume in super::nfs::volumes(model) {
        for server in super::nfs::servers(model, volume.export) {
            volumes.entry(server).or_default().push(Volume {
                path: Unsafe(volume.path.clone()),
                owner: volume.owner,
                group: volume.group,
                mode: volume.mode,
            });
        }
    }
    let drbd: BTreeMap<EntityId, String> = (model.drbd_pairs())
        .flat_map(|pair| {
            let resource = pair.resource().to_string();
            pair.nodes()
                .entities()
                .into_iter()
                .map(move |node| (node, resource.clone()))
        })
        .collect();
    let hosts = (model.nodes())
        .map(|node| {
            let id = node.id().entity();
            let address = node.address().map(|address| address.to_string()).unwrap_or_default();
            let host = Host {
                ansible_host: address,
                k8sc_volumes: volumes.remove(&id).unwrap_or_default(),
                k8sc_drbd_resource: drbd.get(&id).cloned().map(Unsafe),
            };
            (node.name().to_string(), host)
        })
        .collect();
    let children = groups(model)
        .into_iter()
        .map(|(name, members)| {
            let hosts = members
                .into_iter()
                .map(|node| (model.name(node).to_string(), Empty {}))
                .collect();
            (name, Group { hosts })
        })
        .collect();
    let mut text = format!(
        "# Generated by k8sc from {}; do not edit by hand.\n# ansible-playbook -i inventory.yaml site.yml\n",
        input.source
    );
    let install = super::k8s::cni::install(model);
    let vars = Vars {
        k8sc_cni: install.as_ref().map_or("calico", |install| install.cni.as_str()),
        k8sc_cni_manifest: install.as_ref().and_then(|install| install.manifest.clone()),
        k8sc_cni_chart: install.as_ref().and_then(|install| install.chart.clone()),
        k8sc_pod_cidr: install.map(|install| install.pod_cidr).unwrap_or_default(),
        k8sc_etcd_version: (!super::etcd::members(model).is_empty()).then(|| super::etcd::version(model)),
        k8sc_harbor: if input.one_of_several {
            "../../harbor"
        } else {
            "../harbor"
        },
    };
    text.push_str(&super::yaml_stream::to_yaml(&Inventory {
        all: All { vars, hosts, children },
    }));
    output.add("ansible/inventory.yaml", text, MODE_FILE);
    output.add(
        "ansible/site.yml",
        format!(
            "# Generated by k8sc from {}; do not edit by hand.\n{SITE}",
            input.source
        ),
        MODE_FILE,
    );
}
