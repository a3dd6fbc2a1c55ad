//! kubeadm's configuration for every node that runs a kubelet:
//! `kubeadm/kubeadm-config.yaml` (ClusterConfiguration, the first control-plane node's
//! InitConfiguration, KubeletConfiguration and KubeProxyConfiguration, for `kubeadm init
//! --config`), `kubeadm/join/<node>.yaml` (the JoinConfiguration of every other node, for
//! `kubeadm join --config`), and the cluster CA on the first control-plane node
//! (`hosts/<node>/etc/kubernetes/pki/ca.{crt,key}`), where `kubeadm init` takes it.
//!
//! kubeadm's types are not in k8s-openapi; these serde structs follow kubeadm's
//! `types.go` of `v1beta3` (Kubernetes 1.22 to 1.30) and `v1beta4` (from 1.31), which
//! differ in what k8sc writes only in `extraArgs` and `kubeletExtraArgs`: maps in v1beta3,
//! lists of name/value pairs in v1beta4.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Files, Input, MODE_FILE, MODE_SECRET};
use crate::platform::Platform;
use crate::platform::bootstrap::{Bootstrap, KubeadmApi, ca_cert_hash};
use crate::platform::names::k8s_name;
use crate::platform::survival::apiserver_entries;
use crate::semantic::value::{format_cpu, format_quantity};
use crate::semantic::views::{EtcdTopology, Role};
use crate::semantic::{EntityId, Model};

/// The container runtime every node's kubelet talks to.
const CRI_SOCKET: &str = "unix:///var/run/containerd/containerd.sock";

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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    bootstrap_tokens: Vec<BootstrapToken>,
    local_a_p_i_endpoint: Endpoint,
    node_registration: NodeRegistration,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_key: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BootstrapToken {
    token: String,
    description: &'static str,
    usages: [&'static str; 2],
    groups: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JoinConfiguration {
    api_version: &'static str,
    kind: &'static str,
    node_registration: NodeRegistration,
    discovery: Discovery,
    #[serde(skip_serializing_if = "Option::is_none")]
    control_plane: Option<JoinControlPlane>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Discovery {
    bootstrap_token: BootstrapTokenDiscovery,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BootstrapTokenDiscovery {
    token: String,
    api_server_endpoint: String,
    #[serde(rename = "caCertHashes", skip_serializing_if = "Vec::is_empty")]
    ca_cert_hashes: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unsafe_skip_c_a_verification: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JoinControlPlane {
    local_a_p_i_endpoint: Endpoint,
    certificate_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KubeletConfiguration {
    api_version: &'static str,
    kind: &'static str,
    cgroup_driver: &'static str,
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
    cri_socket: &'static str,
    /// The node's taints from the start (`[]` for a control-plane node that also runs
    /// apps); `None` leaves kubeadm's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    taints: Option<Vec<Taint>>,
    #[serde(skip_serializing_if = "Args::is_empty")]
    kubelet_extra_args: Args,
}

#[derive(Serialize)]
struct Taint {
    key: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    effect: &'static str,
}

/// Extra command-line arguments: a map in v1beta3, a list of name/value pairs in v1beta4.
#[derive(Serialize)]
#[serde(untagged)]
enum Args {
    Map(BTreeMap<String, String>),
    List(Vec<Arg>),
}

impl Args {
    fn new(api: KubeadmApi, pairs: Vec<(String, String)>) -> Args {
        match api {
            KubeadmApi::V1beta3 => Args::Map(pairs.into_iter().collect()),
            KubeadmApi::V1beta4 => Args::List(pairs.into_iter().map(|(name, value)| Arg { name, value }).collect()),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Args::Map(map) => map.is_empty(),
            Args::List(list) => list.is_empty(),
        }
    }
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
    if let Some(millicores) = reserved.cpu() {
        parts.push(format!("cpu={}", format_cpu(millicores)));
    }
    if let Some(bytes) = reserved.memory() {
        parts.push(format!("memory={}", format_quantity(bytes)));
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

/// `VIP:front-port` when the control plane is behind a VIP (the entry balancer's, found as
/// the HA rules find it), else the first master's `address:apiserver-port`.
pub fn control_plane_endpoint(context: &Platform<'_>) -> String {
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

/// The kubelet flags of a node: its reservations.
fn kubelet_args(model: &Model, api: KubeadmApi, node: EntityId) -> Args {
    let pairs = system_reserved(model, node)
        .map(|reserved| ("system-reserved".to_string(), reserved))
        .into_iter()
        .collect();
    Args::new(api, pairs)
}

fn registration(model: &Model, api: KubeadmApi, node: EntityId) -> NodeRegistration {
    let taints = super::taints::declared(model, node).map(|taints| {
        (taints.into_iter())
            .map(|taint| Taint {
                key: taint.key,
                value: taint.value,
                effect: super::taints::Taint::EFFECT,
            })
            .collect()
    });
    NodeRegistration {
        name: k8s_name(model.name(node)),
        cri_socket: CRI_SOCKET,
        taints,
        kubelet_extra_args: kubelet_args(model, api, node),
    }
}

fn address(model: &Model, node: EntityId) -> String {
    model.node(node).address().map(|a| a.to_string()).unwrap_or_default()
}

/// The kubeadm files. What the nodes join with was checked before any emitter ran
/// (`check::build`: E0207-E0209).
pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    let context = &input.platform;
    let Some(bootstrap) = Bootstrap::of(context) else {
        return;
    };
    let endpoint = control_plane_endpoint(context);
    let mut text = format!(
        "# Generated by k8sc from {}; do not edit by hand.\n# On the first control-plane node: kubeadm init --config kubeadm-config.yaml --upload-certs\n",
        input.source
    );
    if let Some(configuration) = cluster_configuration(input, context, bootstrap.api, &endpoint) {
        text.push_str(&yaml(&configuration));
    }
    if let Some(first) = bootstrap.first {
        text.push_str("---\n");
        text.push_str(&yaml(&InitConfiguration {
            api_version: bootstrap.api.api_version(),
            kind: "InitConfiguration",
            bootstrap_tokens: (bootstrap.token.iter())
                .map(|token| BootstrapToken {
                    token: token.clone(),
                    description: "k8sc: the nodes of this platform join with it",
                    usages: ["signing", "authentication"],
                    groups: ["system:bootstrappers:kubeadm:default-node-token"],
                })
                .collect(),
            local_a_p_i_endpoint: Endpoint {
                advertise_address: address(model, first),
                bind_port: context.apiserver_port(),
            },
            node_registration: registration(model, bootstrap.api, first),
            certificate_key: bootstrap.certificate_key.clone(),
        }));
    }
    text.push_str("---\n");
    text.push_str(&yaml(&KubeletConfiguration {
        api_version: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        cgroup_driver: "systemd",
    }));
    text.push_str("---\n");
    text.push_str(&yaml(&KubeProxyConfiguration {
        api_version: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        mode: context.cluster().proxy_mode().as_str().to_string(),
    }));
    let holds_secret = bootstrap.token.is_some() || bootstrap.certificate_key.is_some();
    output.add(
        "kubeadm/kubeadm-config.yaml",
        text,
        if holds_secret { MODE_SECRET } else { MODE_FILE },
    );
    joins(input, context, &bootstrap, &endpoint, output);
    if let (Some(first), Some(certificate), Some(key)) = (bootstrap.first, &bootstrap.ca_certificate, &bootstrap.ca_key)
    {
        let folder = format!("hosts/{}/etc/kubernetes/pki", model.name(first));
        output.add(format!("{folder}/ca.crt"), with_newline(certificate), MODE_FILE);
        output.add(format!("{folder}/ca.key"), with_newline(key), MODE_SECRET);
    }
}

fn with_newline(text: &str) -> String {
    format!("{}\n", text.trim_end())
}

/// `kubeadm/join/<node>.yaml` for every node but the first control-plane node.
fn joins(input: &Input<'_>, context: &Platform<'_>, bootstrap: &Bootstrap, endpoint: &str, output: &mut Files<'_>) {
    let model = input.model;
    let pins: Vec<String> = (bootstrap.ca_certificate.as_deref())
        .and_then(|pem| ca_cert_hash(pem).ok())
        .into_iter()
        .collect();
    for &node in &bootstrap.joining {
        let control_plane = context.topology.control_plane.contains(&node);
        let join = JoinConfiguration {
            api_version: bootstrap.api.api_version(),
            kind: "JoinConfiguration",
            node_registration: registration(model, bootstrap.api, node),
            discovery: Discovery {
                bootstrap_token: BootstrapTokenDiscovery {
                    token: bootstrap.token.clone().unwrap_or_default(),
                    api_server_endpoint: endpoint.to_string(),
                    ca_cert_hashes: pins.clone(),
                    unsafe_skip_c_a_verification: pins.is_empty(),
                },
            },
            control_plane: control_plane.then(|| JoinControlPlane {
                local_a_p_i_endpoint: Endpoint {
                    advertise_address: address(model, node),
                    bind_port: context.apiserver_port(),
                },
                certificate_key: bootstrap.certificate_key.clone().unwrap_or_default(),
            }),
        };
        let role = if control_plane { "control-plane node" } else { "node" };
        let mut text = format!(
            "# Generated by k8sc from {}; do not edit by hand.\n# On {role} {}, after the first control-plane node: kubeadm join --config {}.yaml\n",
            input.source,
            model.name(node),
            model.name(node)
        );
        if pins.is_empty() {
            text.push_str("# Discovery skips CA verification: the cluster declares no CA (dev profile).\n");
        }
        text.push_str(&yaml(&join));
        output.add(format!("kubeadm/join/{}.yaml", model.name(node)), text, MODE_SECRET);
    }
}
/// The cluster-wide configuration: version, endpoint, networks, the apiserver's names,
/// and etcd (stacked, or the external members).
fn cluster_configuration(
    input: &Input<'_>,
    context: &Platform<'_>,
    api: KubeadmApi,
    endpoint: &str,
) -> Option<ClusterConfiguration> {
    let model = input.model;
    let cluster = context.cluster();
    let nodes_with = |role: Role| {
        (model.nodes())
            .filter(move |node| node.roles().contains(&role))
            .map(|node| node.id().entity())
    };
    let masters: Vec<EntityId> = nodes_with(Role::ControlPlane).collect();
    let mut sans: Vec<String> = Vec::new();
    for vip in model.vip_groups() {
        if let Some(vip_address) = vip.address()
            && (model.load_balancers()).any(|lb| lb.vip() == Some(vip.id()))
        {
            sans.push(vip_address.to_string());
        }
    }
    sans.extend(masters.iter().map(|m| address(model, *m)));
    sans.extend(masters.iter().map(|m| k8s_name(model.name(*m))));
    sans.dedup();
    let etcd = if cluster.etcd() == EtcdTopology::External {
        Etcd::External(ExternalEtcd {
            endpoints: nodes_with(Role::Etcd)
                .map(|node| format!("https://{}:2379", address(model, node)))
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
    Some(ClusterConfiguration {
        api_version: api.api_version(),
        kind: "ClusterConfiguration",
        cluster_name: k8s_name(cluster.name()),
        kubernetes_version: format!("v{}", cluster.version().unwrap_or_default().trim_start_matches('v')),
        control_plane_endpoint: endpoint.to_string(),
        image_repository: cluster.image_repository().map(str::to_string),
        networking: Networking {
            pod_subnet: cluster.pod_cidr().to_string(),
            service_subnet: cluster.service_cidr().to_string(),
            dns_domain: cluster.dns_domain().to_string(),
        },
        api_server: ApiServer { cert_s_a_ns: sans },
        etcd,
    })
}
