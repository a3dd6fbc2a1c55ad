//! An app's pods and the object that runs them: a Deployment, StatefulSet or DaemonSet,
//! with the container, its resources, and the placement and spread of its replicas.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::storage::{claim_spec, storage_class_of};
use super::{AppObjects, Documents, GPU_LABEL, HOST_LABEL, POOL_LABEL, RACK_LABEL, ZONE_LABEL, meta, selector};
use crate::platform::names::{k8s_name, namespace_of};
use crate::platform::pods::{self, Confinement, PodResources, WAIT_RESOURCES};
use crate::semantic::value::{format_cpu, format_quantity};
use crate::semantic::views::{AntiAffinity, Probe, SpreadDomain, Workload};
use crate::semantic::{EntityId, Model};

/// A container's requests and limits, after the defaults (`check::pods::resources`).
pub(super) fn resources(resources: PodResources) -> core::ResourceRequirements {
    let amounts = |amounts: pods::Amounts| -> BTreeMap<String, Quantity> {
        BTreeMap::from([
            ("cpu".to_string(), Quantity(format_cpu(amounts.cpu))),
            ("memory".to_string(), Quantity(format_quantity(amounts.memory))),
        ])
    };
    core::ResourceRequirements {
        requests: Some(amounts(resources.requests)),
        limits: Some(amounts(resources.limits)),
        ..Default::default()
    }
}

/// The pod's part of a confinement: its user, the runtime's default seccomp profile, and
/// the sysctl that lets a user that is not root bind a port below 1024.
pub(super) fn pod_security(confinement: &Confinement, fs_group: Option<i64>) -> core::PodSecurityContext {
    core::PodSecurityContext {
        run_as_non_root: confinement.non_root.then_some(true),
        run_as_user: confinement.run_as_user,
        // The user's own group, not root's (the image's may be 0).
        run_as_group: confinement.run_as_user.filter(|_| confinement.non_root),
        fs_group,
        seccomp_profile: Some(core::SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        sysctls: confinement.unprivileged_port_start.map(|port| {
            vec![core::Sysctl {
                name: "net.ipv4.ip_unprivileged_port_start".into(),
                value: port.to_string(),
            }]
        }),
        ..Default::default()
    }
}

/// A container's part of a confinement: every capability dropped (NET_BIND_SERVICE kept
/// for a port below 1024), no privilege escalation, a read-only root filesystem.
pub(super) fn container_security(confinement: &Confinement) -> core::SecurityContext {
    core::SecurityContext {
        allow_privilege_escalation: Some(confinement.privilege_escalation),
        read_only_root_filesystem: Some(confinement.read_only_root),
        capabilities: Some(core::Capabilities {
            add: confinement.bind_service.then(|| vec!["NET_BIND_SERVICE".into()]),
            drop: Some(vec!["ALL".into()]),
        }),
        ..Default::default()
    }
}

/// The node label a spread over `domain` counts by (every node carries its host's).
pub(super) fn spread_key(domain: SpreadDomain) -> &'static str {
    match domain {
        SpreadDomain::Host => HOST_LABEL,
        SpreadDomain::Rack => RACK_LABEL,
        SpreadDomain::Zone => ZONE_LABEL,
    }
}

/// Spread: required (or preferred) anti-affinity on the node, and an even spread over
/// `topology_key` (physical hosts, racks or zones), so that losing one loses at most its
/// share of the replicas.
pub(super) fn spread(
    name: &str,
    anti_affinity: AntiAffinity,
    topology_key: &str,
) -> (Option<core::Affinity>, Option<Vec<core::TopologySpreadConstraint>>) {
    let term = core::PodAffinityTerm {
        label_selector: Some(selector(name)),
        topology_key: "kubernetes.io/hostname".into(),
        ..Default::default()
    };
    let (anti, when) = match anti_affinity {
        AntiAffinity::Required => (
            core::PodAntiAffinity {
                required_during_scheduling_ignored_during_execution: Some(vec![term]),
                ..Default::default()
            },
            "DoNotSchedule",
        ),
        AntiAffinity::Preferred => (
            core::PodAntiAffinity {
                preferred_during_scheduling_ignored_during_execution: Some(vec![core::WeightedPodAffinityTerm {
                    pod_affinity_term: term,
                    weight: 100,
                }]),
                ..Default::default()
            },
            "ScheduleAnyway",
        ),
        AntiAffinity::None => return (None, None),
    };
    let constraint = core::TopologySpreadConstraint {
        label_selector: Some(selector(name)),
        max_skew: 1,
        topology_key: topology_key.into(),
        when_unsatisfiable: when.into(),
        // Count only the hosts with a node the pods may use: the placement's (the default),
        // and nodes whose taints they tolerate (not the default, which counts a host of
        // dedicated nodes too, and leaves pods Pending under DoNotSchedule).
        node_taints_policy: Some("Honor".into()),
        ..Default::default()
    };
    (
        Some(core::Affinity {
            pod_anti_affinity: Some(anti),
            ..Default::default()
        }),
        Some(vec![constraint]),
    )
}

/// Node selector and tolerations of a placement (pool, GPU).
fn placement(model: &Model, app: EntityId) -> (Option<BTreeMap<String, String>>, Option<Vec<core::Toleration>>) {
    let placement = model.app(app).placement();
    let pool = placement.pool();
    let gpu = placement.gpu();
    let mut selector = BTreeMap::new();
    let mut tolerations = Vec::new();
    if let Some(pool) = pool {
        selector.insert(POOL_LABEL.to_string(), pool.to_string());
        tolerations.push(core::Toleration {
            key: Some(POOL_LABEL.into()),
            operator: Some("Equal".into()),
            value: Some(pool.to_string()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        });
    }
    if gpu {
        selector.insert(GPU_LABEL.to_string(), "true".into());
    }
    (
        (!selector.is_empty()).then_some(selector),
        (!tolerations.is_empty()).then_some(tolerations),
    )
}

pub(super) struct PortSpec {
    pub name: String,
    pub port: i32,
    pub protocol: String,
}

pub(super) fn ports(model: &Model, app: EntityId) -> Vec<PortSpec> {
    (model.app(app).ports().iter())
        .map(|record| PortSpec {
            name: record.name().map(k8s_name).unwrap_or_default(),
            port: record.port().map_or(0, i32::from),
            protocol: record.protocol().as_str().to_uppercase(),
        })
        .collect()
}

/// A volume the app claims: name, mount path, bytes, read-only.
struct Claim {
    name: String,
    mount: String,
    bytes: u64,
    read_only: bool,
}

fn claims(app: &AppObjects<'_>) -> Vec<Claim> {
    (app.view.volumes().iter())
        .map(|volume| Claim {
            name: volume.name().map(k8s_name).unwrap_or_default(),
            mount: volume.mount().unwrap_or("/data").to_string(),
            bytes: volume.size().unwrap_or(0),
            read_only: volume.read_only(),
        })
        .collect()
}

/// The app's one container: image, arguments, environment, ports, resources, mounts.
fn container(app: &AppObjects<'_>, claims: &[Claim], confinement: &Confinement) -> core::Container {
    let view = app.view;
    let mut env: Vec<core::EnvVar> = (view.env().iter())
        .map(|(key, value)| core::EnvVar {
            name: key.to_string(),
            value: Some(value.to_string()),
            ..Default::default()
        })
        .collect();
    env.extend(super::config::secret_env(app));
    let env_from = super::config::env_from(app);
    core::Container {
        name: app.name.clone(),
        image: view.image().map(str::to_string),
        args: (view.command()).map(|command| command.iter().map(str::to_string).collect()),
        env: (!env.is_empty()).then_some(env),
        env_from: (!env_from.is_empty()).then_some(env_from),
        ports: (!app.ports.is_empty()).then(|| {
            (app.ports.iter())
                .map(|port| core::ContainerPort {
                    name: Some(port.name.clone()),
                    container_port: port.port,
                    protocol: Some(port.protocol.clone()),
                    ..Default::default()
                })
                .collect()
        }),
        resources: Some(resources(pods::app_resources(view))),
        security_context: Some(container_security(confinement)),
        readiness_probe: probe(view.readiness()),
        liveness_probe: probe(view.liveness()),
        startup_probe: probe(view.startup()),
        volume_mounts: {
            let mounts: Vec<core::VolumeMount> = (claims.iter())
                .map(|claim| core::VolumeMount {
                    name: claim.name.clone(),
                    mount_path: claim.mount.clone(),
                    read_only: claim.read_only.then_some(true),
                    ..Default::default()
                })
                .chain(
                    (view.scratch().iter())
                        .enumerate()
                        .map(|(index, path)| core::VolumeMount {
                            name: pods::scratch_volume(index),
                            mount_path: path.to_string(),
                            ..Default::default()
                        }),
                )
                .collect();
            (!mounts.is_empty()).then_some(mounts)
        },
        ..Default::default()
    }
}

/// A probe: an HTTP GET, a TCP connect or a command (HA068 holds it to one), its timings
/// in seconds.
fn probe(probe: Option<Probe<'_>>) -> Option<core::Probe> {
    let probe = probe?;
    let seconds = |millis: u64| Some(i32::try_from(millis / 1000).unwrap_or(i32::MAX));
    let port = probe.port().map(|port| IntOrString::Int(i32::from(port)));
    let (http_get, tcp_socket) = match (probe.path(), port) {
        (Some(path), Some(port)) => (
            Some(core::HTTPGetAction {
                path: Some(path.to_string()),
                port,
                ..Default::default()
            }),
            None,
        ),
        (None, Some(port)) => (
            None,
            Some(core::TCPSocketAction {
                port,
                ..Default::default()
            }),
        ),
        _ => (None, None),
    };
    Some(core::Probe {
        http_get,
        tcp_socket,
        exec: (probe.exec()).map(|command| core::ExecAction {
            command: Some(command.iter().map(str::to_string).collect()),
        }),
        initial_delay_seconds: seconds(probe.initial_delay()).filter(|delay| *delay > 0),
        period_seconds: seconds(probe.period()),
        timeout_seconds: seconds(probe.timeout()),
        failure_threshold: Some(i32::try_from(probe.failure_threshold()).unwrap_or(i32::MAX)),
        ..Default::default()
    })
}

/// The image of the init containers that wait for an app's dependencies.
const WAIT_IMAGE: &str = "busybox:1.36.1";

/// What an init container runs to wait for a Service: `sh -c WAIT_SCRIPT HOST PORT`.
const WAIT_SCRIPT: &str = r#"until nc -z -w 2 "$0" "$1"; do echo "waiting for $0:$1"; sleep 2; done"#;

/// One init container per dependency with ports: it waits until the dependency's Service
/// answers on its first port, so the app starts after what it depends on. It runs as the
/// app's user, confined as tightly as anything can be.
fn wait_for_dependencies(app: &AppObjects<'_>) -> Option<Vec<core::Container>> {
    let confined = Confinement {
        bind_service: false,
        read_only_root: true,
        privilege_escalation: false,
        ..pods::app_confinement(app.view)
    };
    let model = app.model;
    let domain = app.cluster.dns_domain();
    let waits: Vec<core::Container> = (app.view.depends_on().iter())
        .filter_map(|dependency| {
            let port = model.app(dependency).ports().first()?.port()?;
            let name = k8s_name(model.name(dependency));
            let host = format!("{name}.{}.svc.{domain}", namespace_of(model, dependency.entity()));
            Some(core::Container {
                name: format!("wait-for-{name}"),
                image: Some(WAIT_IMAGE.into()),
                // A constant script: the host and port are its arguments, never its text.
                command: Some(vec![
                    "sh".into(),
                    "-c".into(),
                    WAIT_SCRIPT.into(),
                    host,
                    port.to_string(),
                ]),
                resources: Some(resources(WAIT_RESOURCES)),
                security_context: Some(container_security(&confined)),
                ..Default::default()
            })
        })
        .collect();
    (!waits.is_empty()).then_some(waits)
}

/// The pods: the container, spread over nodes and physical hosts when replicated, on the
/// nodes of the app's placement.
fn pod_template(app: &AppObjects<'_>, claims: &[Claim]) -> core::PodTemplateSpec {
    let anti_affinity = app.view.placement().anti_affinity();
    let domain = app.view.placement().spread();
    let (affinity, spread_constraints) = if app.replicated {
        spread(&app.name, anti_affinity, spread_key(domain))
    } else {
        (None, None)
    };
    let (node_selector, tolerations) = placement(app.model, app.id);
    let confinement = pods::app_confinement(app.view);
    let scratch: Vec<core::Volume> = (app.view.scratch().iter().enumerate())
        .map(|(index, _)| core::Volume {
            name: pods::scratch_volume(index),
            empty_dir: Some(core::EmptyDirVolumeSource::default()),
            ..Default::default()
        })
        .collect();
    core::PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(app.labels.clone()),
            ..Default::default()
        }),
        spec: Some(core::PodSpec {
            security_context: Some(pod_security(&confinement, app.view.fs_group())),
            automount_service_account_token: Some(confinement.token),
            init_containers: wait_for_dependencies(app),
            containers: vec![container(app, claims, &confinement)],
            volumes: (!scratch.is_empty()).then_some(scratch),
            affinity,
            topology_spread_constraints: spread_constraints,
            node_selector,
            tolerations,
            ..Default::default()
        }),
    }
}

/// The Deployment, StatefulSet (with a claim template per volume) or DaemonSet.
pub(super) fn workload(app: &AppObjects<'_>, documents: &mut Documents) {
    let claims = claims(app);
    // An autoscaled app's replica count is its autoscaler's: a count here would be applied
    // over the autoscaler's on every `kubectl apply`.
    let replicas = app.view.autoscaling().is_none().then_some(app.replicas);
    let template = pod_template(app, &claims);
    let metadata = meta(&app.name, Some(&app.namespace), app.labels.clone());
    match app.workload {
        Workload::Stateful => {
            let claim_templates: Vec<core::PersistentVolumeClaim> = (claims.iter())
                .map(|claim| core::PersistentVolumeClaim {
                    metadata: ObjectMeta {
                        name: Some(claim.name.clone()),
                        labels: Some(app.labels.clone()),
                        ..Default::default()
                    },
                    spec: Some(claim_spec(
                        claim.bytes,
                        storage_class_of(app.model, app.id, &claim.name),
                    )),
                    ..Default::default()
                })
                .collect();
            documents.push(&apps::StatefulSet {
                metadata,
                spec: Some(apps::StatefulSetSpec {
                    replicas,
                    selector: selector(&app.name),
                    service_name: Some(app.name.clone()),
                    template,
                    volume_claim_templates: (!claim_templates.is_empty()).then_some(claim_templates),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        Workload::Daemon => documents.push(&apps::DaemonSet {
            metadata,
            spec: Some(apps::DaemonSetSpec {
                selector: selector(&app.name),
                template,
                ..Default::default()
            }),
            ..Default::default()
        }),
        Workload::Stateless => documents.push(&apps::Deployment {
            metadata,
            spec: Some(apps::DeploymentSpec {
                replicas,
                selector: selector(&app.name),
                template,
                ..Default::default()
            }),
            ..Default::default()
        }),
    }
}
