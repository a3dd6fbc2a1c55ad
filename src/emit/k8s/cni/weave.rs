//! Weave Net: k8sc's whole manifest of its last release (2.8.1): RBAC, and the DaemonSet on
//! every node whose router allocates pod addresses from `IPALLOC_RANGE` = the pod CIDR and
//! whose `weave-npc` enforces NetworkPolicy.
//!
//! Weaveworks closed in 2024 and Weave Net is no longer maintained; k8sc keeps it for the
//! platforms that run it and says so in lang/.

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::super::{Documents, grant, labels, meta, rbac_rule, selector};
use super::{host_path, mount};

pub const WEAVE_IMAGE: &str = "docker.io/weaveworks/weave-kube:2.8.1";
pub const WEAVE_NPC_IMAGE: &str = "docker.io/weaveworks/weave-npc:2.8.1";
const WEAVE: &str = "weave-net";
const NAMESPACE: &str = "kube-system";

pub(super) fn manifest(pod_cidr: &str) -> Documents {
    let object_labels = labels(&[("app.kubernetes.io/name", WEAVE)]);
    let mut documents = Documents::default();
    documents.push(&core::ServiceAccount {
        metadata: meta(WEAVE, Some(NAMESPACE), object_labels.clone()),
        ..Default::default()
    });
    documents.push(&rbac::ClusterRole {
        metadata: meta(WEAVE, None, object_labels.clone()),
        rules: Some(vec![
            rbac_rule(&[""], &["pods", "namespaces", "nodes"], &["get", "list", "watch"]),
            rbac_rule(&["networking.k8s.io"], &["networkpolicies"], &["get", "list", "watch"]),
            rbac_rule(&[""], &["nodes/status"], &["patch", "update"]),
        ]),
        ..Default::default()
    });
    let (role_ref, subjects) = grant("ClusterRole", WEAVE, WEAVE, NAMESPACE);
    documents.push(&rbac::ClusterRoleBinding {
        metadata: meta(WEAVE, None, object_labels.clone()),
        role_ref,
        subjects,
    });
    // The peers' shared state lives in the `weave-net` ConfigMap.
    let mut own_config = rbac_rule(&[""], &["configmaps"], &["get", "update"]);
    own_config.resource_names = Some(vec![WEAVE.into()]);
    documents.push(&rbac::Role {
        metadata: meta(WEAVE, Some(NAMESPACE), object_labels.clone()),
        rules: Some(vec![own_config, rbac_rule(&[""], &["configmaps"], &["create"])]),
    });
    let (role_ref, subjects) = grant("Role", WEAVE, WEAVE, NAMESPACE);
    documents.push(&rbac::RoleBinding {
        metadata: meta(WEAVE, Some(NAMESPACE), object_labels.clone()),
        role_ref,
        subjects,
    });
    documents.push(&daemon_set(pod_cidr, object_labels));
    documents
}

fn env(name: &str, value: &str) -> core::EnvVar {
    core::EnvVar {
        name: name.into(),
        value: Some(value.into()),
        ..Default::default()
    }
}

/// `HOSTNAME`: the peer's name is its node's.
fn node_name() -> core::EnvVar {
    core::EnvVar {
        name: "HOSTNAME".into(),
        value_from: Some(core::EnvVarSource {
            field_ref: Some(core::ObjectFieldSelector {
                field_path: "spec.nodeName".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn read_only(name: &str, path: &str) -> core::VolumeMount {
    core::VolumeMount {
        read_only: Some(true),
        ..mount(name, path)
    }
}

/// A privileged container of `image` asking for 50m of cpu.
fn container(name: &str, image: &str, env: Vec<core::EnvVar>, mounts: Vec<core::VolumeMount>) -> core::Container {
    core::Container {
        name: name.into(),
        image: Some(image.into()),
        env: Some(env),
        resources: Some(core::ResourceRequirements {
            requests: Some([("cpu".to_string(), Quantity("50m".into()))].into()),
            ..Default::default()
        }),
        security_context: Some(core::SecurityContext {
            privileged: Some(true),
            ..Default::default()
        }),
        volume_mounts: Some(mounts),
        ..Default::default()
    }
}

fn daemon_set(pod_cidr: &str, object_labels: std::collections::BTreeMap<String, String>) -> apps::DaemonSet {
    let xtables = || mount("xtables-lock", "/run/xtables.lock");
    let init = core::Container {
        command: Some(vec!["/home/weave/init.sh".into()]),
        env: None,
        ..container(
            "weave-init",
            WEAVE_IMAGE,
            Vec::new(),
            vec![
                mount("cni-bin", "/host/opt"),
                mount("cni-bin2", "/host/home"),
                mount("cni-conf", "/host/etc"),
                mount("lib-modules", "/lib/modules"),
                xtables(),
            ],
        )
    };
    let router = router(pod_cidr);
    let npc = container("weave-npc", WEAVE_NPC_IMAGE, vec![node_name()], vec![xtables()]);
    let toleration = |effect: &str| core::Toleration {
        effect: Some(effect.into()),
        operator: Some("Exists".into()),
        ..Default::default()
    };
    apps::DaemonSet {
        metadata: meta(WEAVE, Some(NAMESPACE), object_labels.clone()),
        spec: Some(apps::DaemonSetSpec {
            selector: selector(WEAVE),
            // A peer connects before the next one restarts.
            min_ready_seconds: Some(5),
            template: core::PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(object_labels),
                    ..Default::default()
                }),
                spec: Some(core::PodSpec {
                    host_network: Some(true),
                    dns_policy: Some("ClusterFirstWithHostNet".into()),
                    priority_class_name: Some("system-node-critical".into()),
                    service_account_name: Some(WEAVE.into()),
                    // On every node, dedicated or not.
                    tolerations: Some(vec![toleration("NoSchedule"), toleration("NoExecute")]),
                    init_containers: Some(vec![init]),
                    containers: vec![router, npc],
                    volumes: Some(vec![
                        host_path("weavedb", "/var/lib/weave", None),
                        host_path("cni-bin", "/opt", None),
                        host_path("cni-bin2", "/home", None),
                        host_path("cni-conf", "/etc", None),
                        host_path("cni-machine-id", "/etc/machine-id", None),
                        host_path("dbus", "/var/lib/dbus", None),
                        host_path("lib-modules", "/lib/modules", None),
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

/// The Weave router: its peers and the pod network's range.
fn router(pod_cidr: &str) -> core::Container {
    let xtables = || mount("xtables-lock", "/run/xtables.lock");
    core::Container {
        command: Some(vec!["/home/weave/launch.sh".into()]),
        readiness_probe: Some(core::Probe {
            http_get: Some(core::HTTPGetAction {
                host: Some("127.0.0.1".into()),
                path: Some("/status".into()),
                port: IntOrString::Int(6784),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..container(
            "weave",
            WEAVE_IMAGE,
            vec![
                env("INIT_CONTAINER", "true"),
                node_name(),
                env("IPALLOC_RANGE", pod_cidr),
            ],
            vec![
                mount("weavedb", "/weavedb"),
                read_only("dbus", "/host/var/lib/dbus"),
                read_only("cni-machine-id", "/host/etc/machine-id"),
                xtables(),
            ],
        )
    }
}
