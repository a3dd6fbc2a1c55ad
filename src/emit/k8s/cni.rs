//! The pod network: the chosen `cni`, installed with the cluster's pod CIDR.
//!
//! - Flannel: k8sc writes its whole manifest (`cni/flannel.yaml`, in the kustomization):
//!   the net-conf with `Network` = the pod CIDR and the VXLAN backend.
//! - Calico: through the Tigera operator, whose pinned upstream manifest the playbook
//!   applies; k8sc writes the Installation (`cni/calico.yaml`, outside the kustomization,
//!   because its kind exists only once the operator's CRDs do): an IP pool of the pod CIDR,
//!   VXLAN across subnets (no encapsulation within the node subnet), the nodes' own
//!   addresses.
//! - Cilium: Helm values (`cni/cilium-values.yaml`) for the pinned chart: cluster-pool IPAM
//!   over the pod CIDR.
//! - Weave: the pinned upstream manifest, with `IPALLOC_RANGE` = the pod CIDR (set by the
//!   playbook). Weave Net is no longer maintained (Weaveworks closed in 2024).
//!
//! The pinned versions and URLs are here; `ansible/inventory.yaml` carries them to the
//! playbook.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::{Documents, Writer, downward_env, labels, meta, rbac_rule, selector};
use crate::semantic::Model;
use crate::semantic::views::Cni;

pub const FLANNEL_IMAGE: &str = "ghcr.io/flannel-io/flannel:v0.25.6";
pub const FLANNEL_CNI_PLUGIN_IMAGE: &str = "ghcr.io/flannel-io/flannel-cni-plugin:v1.5.1-flannel2";
/// The Tigera operator's manifest of Calico 3.28.2.
pub const CALICO_OPERATOR: &str =
    "https://raw.githubusercontent.com/projectcalico/calico/v3.28.2/manifests/tigera-operator.yaml";
/// Weave Net 2.8.1's manifest for Kubernetes 1.6 and later.
pub const WEAVE_MANIFEST: &str =
    "https://github.com/weaveworks/weave/releases/download/v2.8.1/weave-daemonset-k8s.yaml";
/// The Cilium Helm chart and its version.
pub const CILIUM_CHART: (&str, &str) = ("https://helm.cilium.io", "1.16.5");

/// What the playbook needs to install the network: the plugin, the upstream manifest or
/// chart it applies, and the pod CIDR.
pub struct Install {
    pub cni: Cni,
    pub upstream: Option<String>,
    pub pod_cidr: String,
}

pub fn install(model: &Model) -> Option<Install> {
    let cluster = model.clusters().next()?;
    let cni = cluster.cni().unwrap_or(Cni::Calico);
    let upstream = match cni {
        Cni::Calico => Some(CALICO_OPERATOR.to_string()),
        Cni::Weave => Some(WEAVE_MANIFEST.to_string()),
        Cni::Cilium => Some(format!("{} {}", CILIUM_CHART.0, CILIUM_CHART.1)),
        Cni::Flannel => None,
    };
    Some(Install {
        cni,
        upstream,
        pod_cidr: cluster.pod_cidr().map(|net| net.to_string()).unwrap_or_default(),
    })
}

/// The files k8sc writes for the network: into the kustomization (`writer`), or beside it
/// (returned: path under `kubernetes/`, text).
pub(super) fn emit(model: &Model, writer: &mut Writer) -> Vec<(String, String)> {
    let Some(install) = install(model) else {
        return Vec::new();
    };
    let header = writer.header.clone();
    match install.cni {
        Cni::Flannel => {
            writer.write("cni/flannel.yaml", flannel(&install.pod_cidr), super::super::MODE_FILE);
            Vec::new()
        }
        Cni::Calico => vec![(
            "cni/calico.yaml".into(),
            format!("{header}{}", calico(&install.pod_cidr)),
        )],
        Cni::Cilium => vec![(
            "cni/cilium-values.yaml".into(),
            format!(
                "{header}{}",
                super::super::yaml_stream::to_yaml(&cilium(&install.pod_cidr))
            ),
        )],
        Cni::Weave => Vec::new(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<S> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Name,
    spec: S,
}

#[derive(Serialize)]
struct Name {
    name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InstallationSpec {
    calico_network: CalicoNetwork,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CalicoNetwork {
    ip_pools: Vec<IpPool>,
    node_address_autodetection_v4: Autodetection,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IpPool {
    name: &'static str,
    cidr: String,
    block_size: u8,
    encapsulation: &'static str,
    nat_outgoing: &'static str,
    node_selector: &'static str,
}

#[derive(Serialize)]
struct Autodetection {
    kubernetes: &'static str,
}

#[derive(Serialize)]
struct Empty {}

fn calico(pod_cidr: &str) -> String {
    let installation = Resource {
        api_version: "operator.tigera.io/v1",
        kind: "Installation",
        metadata: Name { name: "default" },
        spec: InstallationSpec {
            calico_network: CalicoNetwork {
                ip_pools: vec![IpPool {
                    name: "default-ipv4-ippool",
                    cidr: pod_cidr.to_string(),
                    block_size: 26,
                    encapsulation: "VXLANCrossSubnet",
                    nat_outgoing: "Enabled",
                    node_selector: "all()",
                }],
                node_address_autodetection_v4: Autodetection {
                    kubernetes: "NodeInternalIP",
                },
            },
        },
    };
    let api_server = Resource {
        api_version: "operator.tigera.io/v1",
        kind: "APIServer",
        metadata: Name { name: "default" },
        spec: Empty {},
    };
    let mut text = super::super::yaml_stream::to_yaml(&installation);
    text.push_str("---\n");
    text.push_str(&super::super::yaml_stream::to_yaml(&api_server));
    text
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CiliumValues {
    ipam: CiliumIpam,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CiliumIpam {
    mode: &'static str,
    operator: CiliumOperator,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CiliumOperator {
    #[serde(rename = "clusterPoolIPv4PodCIDRList")]
    cluster_pool: Vec<String>,
    #[serde(rename = "clusterPoolIPv4MaskSize")]
    mask_size: u8,
}

fn cilium(pod_cidr: &str) -> CiliumValues {
    CiliumValues {
        ipam: CiliumIpam {
            mode: "cluster-pool",
            operator: CiliumOperator {
                cluster_pool: vec![pod_cidr.to_string()],
                mask_size: 24,
            },
        },
    }
}

const FLANNEL: &str = "flannel";
const FLANNEL_NAMESPACE: &str = "kube-flannel";

fn host_path(name: &str, path: &str, kind: Option<&str>) -> core::Volume {
    core::Volume {
        name: name.into(),
        host_path: Some(core::HostPathVolumeSource {
            path: path.into(),
            type_: kind.map(str::to_string),
        }),
        ..Default::default()
    }
}

fn mount(name: &str, path: &str) -> core::VolumeMount {
    core::VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        ..Default::default()
    }
}

/// Flannel's manifest: its namespace, RBAC, net-conf and DaemonSet on every node.
fn flannel(pod_cidr: &str) -> Documents {
    let object_labels = labels(&[("app.kubernetes.io/name", FLANNEL)]);
    let mut documents = Documents::default();
    let mut namespace_labels = object_labels.clone();
    namespace_labels.insert("pod-security.kubernetes.io/enforce".into(), "privileged".into());
    documents.push(&core::Namespace {
        metadata: meta(FLANNEL_NAMESPACE, None, namespace_labels),
        ..Default::default()
    });
    documents.push(&core::ServiceAccount {
        metadata: meta(FLANNEL, Some(FLANNEL_NAMESPACE), object_labels.clone()),
        ..Default::default()
    });
    documents.push(&rbac::ClusterRole {
        metadata: meta(FLANNEL, None, object_labels.clone()),
        rules: Some(vec![
            rbac_rule(&[""], &["pods"], &["get"]),
            rbac_rule(&[""], &["nodes"], &["get", "list", "watch"]),
            rbac_rule(&[""], &["nodes/status"], &["patch"]),
        ]),
        ..Default::default()
    });
    documents.push(&rbac::ClusterRoleBinding {
        metadata: meta(FLANNEL, None, object_labels.clone()),
        role_ref: rbac::RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "ClusterRole".into(),
            name: FLANNEL.into(),
        },
        subjects: Some(vec![rbac::Subject {
            kind: "ServiceAccount".into(),
            name: FLANNEL.into(),
            namespace: Some(FLANNEL_NAMESPACE.into()),
            ..Default::default()
        }]),
    });
    let net_conf = serde_json::json!({
        "Network": pod_cidr,
        "EnableNFTables": false,
        "Backend": { "Type": "vxlan" },
    });
    let cni_conf = serde_json::json!({
        "name": "cbr0",
        "cniVersion": "0.3.1",
        "plugins": [
            { "type": "flannel", "delegate": { "hairpinMode": true, "isDefaultGateway": true } },
            { "type": "portmap", "capabilities": { "portMappings": true } },
        ],
    });
    documents.push(&core::ConfigMap {
        metadata: meta("kube-flannel-cfg", Some(FLANNEL_NAMESPACE), object_labels.clone()),
        data: Some(BTreeMap::from([
            ("cni-conf.json".to_string(), format!("{cni_conf:#}\n")),
            ("net-conf.json".to_string(), format!("{net_conf:#}\n")),
        ])),
        ..Default::default()
    });
    documents.push(&flannel_daemon_set(object_labels));
    documents
}

fn flannel_daemon_set(object_labels: BTreeMap<String, String>) -> apps::DaemonSet {
    let copy = |name: &str, image: &str, from: &str, to: &str, volume: &str, at: &str| core::Container {
        name: name.into(),
        image: Some(image.into()),
        command: Some(vec!["cp".into()]),
        args: Some(vec!["-f".into(), from.into(), to.into()]),
        volume_mounts: Some(vec![mount(volume, at), mount("flannel-cfg", "/etc/kube-flannel/")]),
        ..Default::default()
    };
    apps::DaemonSet {
        metadata: meta("kube-flannel-ds", Some(FLANNEL_NAMESPACE), object_labels.clone()),
        spec: Some(apps::DaemonSetSpec {
            selector: selector(FLANNEL),
            template: core::PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(object_labels),
                    ..Default::default()
                }),
                spec: Some(core::PodSpec {
                    host_network: Some(true),
                    priority_class_name: Some("system-node-critical".into()),
                    service_account_name: Some(FLANNEL.into()),
                    // On every node, dedicated or not.
                    tolerations: Some(vec![core::Toleration {
                        operator: Some("Exists".into()),
                        ..Default::default()
                    }]),
                    init_containers: Some(vec![
                        copy(
                            "install-cni-plugin",
                            FLANNEL_CNI_PLUGIN_IMAGE,
                            "/flannel",
                            "/opt/cni/bin/flannel",
                            "cni-plugin",
                            "/opt/cni/bin",
                        ),
                        copy(
                            "install-cni",
                            FLANNEL_IMAGE,
                            "/etc/kube-flannel/cni-conf.json",
                            "/etc/cni/net.d/10-flannel.conflist",
                            "cni",
                            "/etc/cni/net.d",
                        ),
                    ]),
                    containers: vec![core::Container {
                        name: "kube-flannel".into(),
                        image: Some(FLANNEL_IMAGE.into()),
                        command: Some(vec!["/opt/bin/flanneld".into()]),
                        args: Some(vec!["--ip-masq".into(), "--kube-subnet-mgr".into()]),
                        env: Some(
                            downward_env()
                                .into_iter()
                                .chain([core::EnvVar {
                                    name: "EVENT_QUEUE_DEPTH".into(),
                                    value: Some("5000".into()),
                                    ..Default::default()
                                }])
                                .collect(),
                        ),
                        security_context: Some(core::SecurityContext {
                            privileged: Some(false),
                            capabilities: Some(core::Capabilities {
                                add: Some(vec!["NET_ADMIN".into(), "NET_RAW".into()]),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }),
                        volume_mounts: Some(vec![
                            mount("run", "/run/flannel"),
                            mount("flannel-cfg", "/etc/kube-flannel/"),
                            mount("xtables-lock", "/run/xtables.lock"),
                        ]),
                        ..Default::default()
                    }],
                    volumes: Some(vec![
                        host_path("run", "/run/flannel", None),
                        host_path("cni-plugin", "/opt/cni/bin", None),
                        host_path("cni", "/etc/cni/net.d", None),
                        core::Volume {
                            name: "flannel-cfg".into(),
                            config_map: Some(core::ConfigMapVolumeSource {
                                name: "kube-flannel-cfg".into(),
                                ..Default::default()
                            }),
                            ..Default::default()
                        },
                        host_path("xtables-lock", "/run/xtables.lock", Some("FileOrCreate")),
                    ]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}
