//! Flannel: k8sc's whole manifest (namespace, RBAC, net-conf, DaemonSet on every node), with
//! the net-conf's `Network` = the pod CIDR and the VXLAN backend.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::super::{Documents, downward_env, grant, labels, meta, rbac_rule, selector};
use super::{host_path, mount};

pub const FLANNEL_IMAGE: &str = "ghcr.io/flannel-io/flannel:v0.25.6";
pub const FLANNEL_CNI_PLUGIN_IMAGE: &str = "ghcr.io/flannel-io/flannel-cni-plugin:v1.5.1-flannel2";

const FLANNEL: &str = "flannel";
const FLANNEL_NAMESPACE: &str = "kube-flannel";

/// Flannel's manifest: its namespace, RBAC, net-conf and DaemonSet on every node.
pub(super) fn manifest(pod_cidr: &str) -> Documents {
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
    let (role_ref, subjects) = grant("ClusterRole", FLANNEL, FLANNEL, FLANNEL_NAMESPACE);
    documents.push(&rbac::ClusterRoleBinding {
        metadata: meta(FLANNEL, None, object_labels.clone()),
        role_ref,
        subjects,
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
                    containers: vec![flanneld()],
                    volumes: Some(flannel_volumes()),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// flanneld, with the capabilities it programs the node's network with.
fn flanneld() -> core::Container {
    core::Container {
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
    }
}

/// The node's paths flannel writes, and its configuration.
fn flannel_volumes() -> Vec<core::Volume> {
    vec![
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
    ]
}
