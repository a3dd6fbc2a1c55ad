//! `kubeadm/kubeadm-config.yaml`: ClusterConfiguration, InitConfiguration (for the first
//! control-plane node) and KubeProxyConfiguration, for `kubeadm init --config`.
//!
//! kubeadm's types are not in k8s-openapi; these serde structs follow kubeadm's v1beta4
//! `types.go` (field names, and `extraArgs` as a list of name/value pairs).

use serde::Serialize;

use super::{Input, MODE_FILE, Sink};
use crate::check::Context;
use crate::check::names::k8s_name;
use crate::check::survival::apiserver_entries;
use crate::semantic::value::{format_cpu, format_quantity};
use crate::semantic::views::{EtcdTopology, ProxyMode, Role};
use crate::semantic::{EntityId, Model};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfiguration {
    api_version: &'static str,
    kind: &'static str,
    cluster_name: String,
    kubernetes_version: String,
    control_plane_endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_repository: Option<String>,
    networking: Networking,
    api_server: ApiServer,
    etcd: Etcd,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Networking {
    pod_subnet: String,
    service_subnet: String,
    dns_domain: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiServer {
    cert_s_a_ns: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Etcd {
    Local {
        #[serde(rename = "dataDir")]
        data_dir: String,
    },
    External(ExternalEtcd),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalEtcd {
    endpoints: Vec<String>,
    ca_file: &'static str,
    cert_file: &'static str,
    key_file: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InitConfiguration {
    api_version: &'static str,
    kind: &'static str,
    local_a_p_i_endpoint: Endpoint,
    node_registration: NodeRegistration,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    advertise_address: String,
    bind_port: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeRegistration {
    name: String,
    kubelet_extra_args: Vec<Arg>,
}

#[derive(Serialize)]
struct Arg {
    name: String,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KubeProxyConfiguration {
    api_version: &'static str,
    kind: &'static str,
    mode: String,
}

/// kubelet's `system-reserved` value for a node's reserved resources.
pub fn system_reserved(model: &Model, node: EntityId) -> Option<String> {
    let mut parts = Vec::new();
    let reserved = model.node(node).reserved();
    if let Some(millicores) = reserved.and_then(|reserved| reserved.cpu()) {
        parts.push(format!("cpu={}", format_cpu(millicores)));
    }
    if let Some(bytes) = reserved.and_then(|reserved| reserved.memory()) {
        parts.push(format!("memory={}", format_quantity(bytes)));
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

/// `VIP:front-port` when the control plane is behind a VIP (the entry balancer's, found as
/// the HA rules find it), else the first master's `address:apiserver-port`.
pub fn control_plane_endpoint(context: &Context<'_>) -> String {
    let model = context.model;
    let all = &context.frontends;
    let leading = &context.apiserver_frontends;
    let vip_of = |idx: &usize| {
        let frontend = &all[*idx];
        let vip = (model.load_balancer(frontend.balancer).vip()).and_then(|vip| model.vip_group(vip).address())?;
        Some(format!("{vip}:{}", frontend.port))
    };
    apiserver_entries(model, all, leading)
        .iter()
        .find_map(vip_of)
        .or_else(|| leading.iter().find_map(vip_of))
        .unwrap_or_else(|| {
            let address = context
                .topology
                .control_plane
                .first()
                .and_then(|m| model.node(*m).address())
                .map(|a| a.to_string())
                .unwrap_or_default();
            format!("{address}:{}", context.apiserver_port())
        })
}

fn yaml(value: &impl Serialize) -> String {
    super::yaml_stream::to_yaml(value)
}

pub fn emit(input: &Input<'_>, output: &mut dyn Sink) {
    let model = input.model;
    let Some(cluster) = model.clusters().next() else {
        return;
    };
    let api_port = cluster.apiserver_port().map_or(6443, i64::from);
    let nodes_with = |role: Role| {
        (model.nodes())
            .filter(move |node| node.roles().contains(&role))
            .map(|node| node.id().entity())
    };
    let masters: Vec<EntityId> = nodes_with(Role::ControlPlane).collect();
    let address = |node: EntityId| model.node(node).address().map(|a| a.to_string()).unwrap_or_default();
    let mut sans: Vec<String> = Vec::new();
    for vip in model.vip_groups() {
        if let Some(vip_address) = vip.address() {
            let fronts_masters = (model.load_balancers()).any(|lb| lb.vip() == Some(vip.id()));
            if fronts_masters {
                sans.push(vip_address.to_string());
            }
        }
    }
    sans.extend(masters.iter().map(|m| address(*m)));
    sans.extend(masters.iter().map(|m| k8s_name(model.name(*m))));
    sans.dedup();
    let external = cluster.etcd() == Some(EtcdTopology::External);
    let etcd = if external {
        Etcd::External(ExternalEtcd {
            endpoints: nodes_with(Role::Etcd)
                .map(|node| format!("https://{}:2379", address(node)))
                .collect(),
            ca_file: "/etc/kubernetes/pki/etcd/ca.crt",
            cert_file: "/etc/kubernetes/pki/apiserver-etcd-client.crt",
            key_file: "/etc/kubernetes/pki/apiserver-etcd-client.key",
        })
    } else {
        Etcd::Local {
            data_dir: "/var/lib/etcd".into(),
        }
    };
    let cidr = |net: Option<ipnet::Ipv4Net>| net.map(|net| net.to_string()).unwrap_or_default();
    let configuration = ClusterConfiguration {
        api_version: "kubeadm.k8s.io/v1beta4",
        kind: "ClusterConfiguration",
        cluster_name: k8s_name(cluster.name()),
        kubernetes_version: format!("v{}", cluster.version().unwrap_or_default().trim_start_matches('v')),
        control_plane_endpoint: control_plane_endpoint(&crate::check::Context::infrastructure(
            model,
            input.graph,
            input.secrets,
        )),
        image_repository: cluster.image_repository().map(str::to_string),
        networking: Networking {
            pod_subnet: cidr(cluster.pod_cidr()),
            service_subnet: cidr(cluster.service_cidr()),
            dns_domain: cluster.dns_domain().unwrap_or("cluster.local").to_string(),
        },
        api_server: ApiServer { cert_s_a_ns: sans },
        etcd,
    };
    let mut text = format!(
        "# Generated by k8sc from {}; do not edit by hand.\n# On the first control-plane node: kubeadm init --config kubeadm-config.yaml --upload-certs\n",
        input.source
    );
    text.push_str(&yaml(&configuration));
    if let Some(&first) = masters.first() {
        let mut kubelet_extra_args = Vec::new();
        if let Some(reserved) = system_reserved(model, first) {
            kubelet_extra_args.push(Arg {
                name: "system-reserved".into(),
                value: reserved,
            });
        }
        let init = InitConfiguration {
            api_version: "kubeadm.k8s.io/v1beta4",
            kind: "InitConfiguration",
            local_a_p_i_endpoint: Endpoint {
                advertise_address: address(first),
                bind_port: api_port,
            },
            node_registration: NodeRegistration {
                name: k8s_name(model.name(first)),
                kubelet_extra_args,
            },
        };
        text.push_str("---\n");
        text.push_str(&yaml(&init));
    }
    let proxy = KubeProxyConfiguration {
        api_version: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        mode: cluster.proxy_mode().unwrap_or(ProxyMode::Ipvs).as_str().to_string(),
    };
    text.push_str("---\n");
    text.push_str(&yaml(&proxy));
    output.add("kubeadm/kubeadm-config.yaml", text, MODE_FILE);
}
