//! The ingress controllers (IngressClass, ServiceAccount, RBAC, the controller's Deployment
//! and, when it does not listen on the nodes, its Service) and the routes' Ingresses.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::api::rbac::v1 as rbac;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::super::{MODE_FILE, taints};
use super::workloads::{container_security, pod_security, resources, spread};
use super::{Documents, NAME_LABEL, Writer, downward_env, grant, int32, labels, meta, rbac_rule, selector};
use crate::platform::names::{k8s_name, namespace_of};
use crate::platform::pods;
use crate::semantic::views::{self, AntiAffinity, IngressClass, IngressControllerId, IngressExpose};
use crate::semantic::{EntityId, Model};

/// What every object of one ingress controller is made from.
struct Controller<'m> {
    model: &'m Model,
    view: views::IngressController<'m>,
    name: String,
    namespace: String,
    class: IngressClass,
    class_name: String,
    controller_string: &'static str,
    http: i32,
    https: i32,
    host_network: bool,
    labels: BTreeMap<String, String>,
}

/// The ingress class name of a controller, and its controller string.
fn ingress_class(model: &Model, controller: EntityId) -> (String, &'static str) {
    let name = k8s_name(model.name(controller));
    match model.ingress_controller(controller).class() {
        Some(IngressClass::Nginx) => (name, "k8s.io/ingress-nginx"),
        Some(IngressClass::Traefik) | None => (name, "traefik.io/ingress-controller"),
    }
}

/// `ingress/<controller>.yaml`: every object of one ingress controller.
pub(super) fn controller(model: &Model, controller: EntityId, writer: &mut Writer) {
    let view = model.ingress_controller(controller);
    let name = k8s_name(view.name());
    let (class_name, controller_string) = ingress_class(model, controller);
    let c = Controller {
        model,
        view,
        namespace: namespace_of(model, controller),
        class: view.class().unwrap_or(IngressClass::Traefik),
        class_name,
        controller_string,
        http: i32::from(view.http_port()),
        https: i32::from(view.https_port()),
        host_network: view.expose() == IngressExpose::HostNetwork,
        labels: labels(&[(NAME_LABEL, &name)]),
        name,
    };
    let mut documents = Documents::default();
    access(&c, &mut documents);
    deployment(&c, &mut documents);
    service(&c, &mut documents);
    // Draining the controller's nodes one after the other never takes every replica.
    if c.view.replicas() >= 2 {
        documents.push(&super::services::budget(&c.name, &c.namespace, c.labels.clone()));
    }
    if !c.host_network && super::policies::enforced(model) {
        documents.push(&super::policies::controller_policy(
            &c.name,
            &c.namespace,
            [c.http, c.https],
        ));
    }
    writer.write(&format!("ingress/{}.yaml", c.name), documents, MODE_FILE);
}

/// The IngressClass, and the ServiceAccount with the cluster role the controller reads
/// its routes with.
fn access(c: &Controller<'_>, documents: &mut Documents) {
    documents.push(&networking::IngressClass {
        metadata: meta(&c.class_name, None, c.labels.clone()),
        spec: Some(networking::IngressClassSpec {
            controller: Some(c.controller_string.into()),
            ..Default::default()
        }),
    });
    documents.push(&core::ServiceAccount {
        metadata: meta(&c.name, Some(&c.namespace), c.labels.clone()),
        ..Default::default()
    });
    documents.push(&rbac::ClusterRole {
        metadata: meta(&format!("{}-{}", c.namespace, c.name), None, c.labels.clone()),
        rules: Some(vec![
            rbac_rule(
                &[""],
                &[
                    "services",
                    "endpoints",
                    "secrets",
                    "configmaps",
                    "pods",
                    "nodes",
                    "namespaces",
                ],
                &["get", "list", "watch"],
            ),
            rbac_rule(&["discovery.k8s.io"], &["endpointslices"], &["get", "list", "watch"]),
            rbac_rule(
                &["networking.k8s.io"],
                &["ingresses", "ingressclasses"],
                &["get", "list", "watch"],
            ),
            rbac_rule(&["networking.k8s.io"], &["ingresses/status"], &["update"]),
            rbac_rule(&[""], &["events"], &["create", "patch"]),
            rbac_rule(
                &["coordination.k8s.io"],
                &["leases"],
                &["get", "list", "watch", "create", "update"],
            ),
        ]),
        ..Default::default()
    });
    let role = format!("{}-{}", c.namespace, c.name);
    let (role_ref, subjects) = grant("ClusterRole", &role, &c.name, &c.namespace);
    documents.push(&rbac::ClusterRoleBinding {
        metadata: meta(&role, None, c.labels.clone()),
        role_ref,
        subjects,
    });
}

/// The controller's command line: its class, the ports it listens on, and the address it
/// publishes in the routes' status (the VIP, else the node's own address on the host
/// network). ingress-nginx's admission webhook stays off: no `--validating-webhook`.
fn args(c: &Controller<'_>) -> Vec<String> {
    let vip = (c.view.vip()).and_then(|vip| c.model.vip_group(vip).address());
    match c.class {
        IngressClass::Nginx => {
            let mut args = vec![
                "/nginx-ingress-controller".into(),
                format!("--ingress-class={}", c.class_name),
                format!("--controller-class={}", c.controller_string),
                format!("--election-id={}-leader", c.name),
                format!("--http-port={}", c.http),
                format!("--https-port={}", c.https),
                "--watch-ingress-without-class=false".into(),
            ];
            match vip {
                Some(vip) => args.push(format!("--publish-status-address={vip}")),
                None if c.host_network => args.push("--report-node-internal-ip-address".into()),
                None => {}
            }
            args
        }
        IngressClass::Traefik => {
            let mut args = vec![
                format!("--entrypoints.web.address=:{}", c.http),
                format!("--entrypoints.websecure.address=:{}", c.https),
                "--providers.kubernetesingress".into(),
                format!("--providers.kubernetesingress.ingressclass={}", c.class_name),
                "--ping".into(),
            ];
            if let Some(vip) = vip {
                args.push(format!("--providers.kubernetesingress.ingressendpoint.ip={vip}"));
            }
            args
        }
    }
}

/// Where the pods run: only on the controller's nodes, spread over them, tolerating the
/// pools (and the control-plane taint) of those nodes.
fn scheduling(
    c: &Controller<'_>,
) -> (
    core::Affinity,
    Option<Vec<core::TopologySpreadConstraint>>,
    Vec<core::Toleration>,
) {
    let model = c.model;
    let nodes: Vec<String> = (c.view.nodes().iter()).map(|node| k8s_name(model.name(node))).collect();
    let anti_affinity = c.view.anti_affinity();
    let (affinity, spread_constraints) = spread(&c.name, anti_affinity, super::HOST_LABEL);
    // Run only on the controller's own nodes.
    let mut affinity = affinity.unwrap_or_default();
    affinity.node_affinity = Some(core::NodeAffinity {
        required_during_scheduling_ignored_during_execution: Some(core::NodeSelector {
            node_selector_terms: vec![core::NodeSelectorTerm {
                match_expressions: Some(vec![core::NodeSelectorRequirement {
                    key: "kubernetes.io/hostname".into(),
                    operator: "In".into(),
                    values: Some(nodes),
                }]),
                ..Default::default()
            }],
        }),
        ..Default::default()
    });
    // Tolerate what the controller's own nodes are tainted with (their pool, their
    // dedicated role, kubeadm's control-plane taint), and nothing else.
    let mut carried: Vec<taints::Taint> = (c.view.nodes().iter())
        .flat_map(|node| taints::effective(model, node.entity()))
        .collect();
    carried.sort();
    carried.dedup();
    let tolerations: Vec<core::Toleration> = (carried.into_iter())
        .map(|taint| core::Toleration {
            key: Some(taint.key.into()),
            operator: Some(if taint.value.is_some() { "Equal" } else { "Exists" }.into()),
            value: taint.value,
            effect: Some(taints::Taint::EFFECT.into()),
            ..Default::default()
        })
        .collect();
    (affinity, spread_constraints, tolerations)
}

fn container(c: &Controller<'_>) -> core::Container {
    core::Container {
        name: c.class.to_string(),
        image: c.view.image().map(str::to_string),
        args: Some(args(c)),
        // ingress-nginx exits at start without them (leader election, status).
        env: Some(downward_env()),
        ports: Some(vec![
            core::ContainerPort {
                name: Some("http".into()),
                container_port: c.http,
                host_port: c.host_network.then_some(c.http),
                protocol: Some("TCP".into()),
                ..Default::default()
            },
            core::ContainerPort {
                name: Some("https".into()),
                container_port: c.https,
                host_port: c.host_network.then_some(c.https),
                protocol: Some("TCP".into()),
                ..Default::default()
            },
        ]),
        // Ready when its own health endpoint answers: ingress-nginx's on its status port,
        // Traefik's `--ping` on its `traefik` entry point.
        readiness_probe: Some(health(c)),
        // Alive while it accepts connections on its HTTP port.
        liveness_probe: Some(core::Probe {
            tcp_socket: Some(core::TCPSocketAction {
                port: IntOrString::Int(c.http),
                ..Default::default()
            }),
            period_seconds: Some(10),
            timeout_seconds: Some(2),
            failure_threshold: Some(5),
            ..Default::default()
        }),
        resources: Some(resources(pods::controller_resources(c.view))),
        // See `check::pods::controller_confinement`: ingress-nginx binds through its
        // binary's file capability, which needs privilege escalation allowed.
        security_context: Some(container_security(&pods::controller_confinement(c.view))),
        lifecycle: (c.class == IngressClass::Nginx).then(|| core::Lifecycle {
            pre_stop: Some(core::LifecycleHandler {
                exec: Some(core::ExecAction {
                    command: Some(vec!["/wait-shutdown".into()]),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// An HTTP GET of the controller's health endpoint.
fn health(c: &Controller<'_>) -> core::Probe {
    let (path, port) = pods::controller_health(c.class);
    core::Probe {
        http_get: Some(core::HTTPGetAction {
            path: Some(path.into()),
            port: IntOrString::Int(i32::from(port)),
            ..Default::default()
        }),
        period_seconds: Some(10),
        timeout_seconds: Some(2),
        failure_threshold: Some(3),
        ..Default::default()
    }
}

/// A rollout that can finish: with host ports or required anti-affinity a new pod has no
/// node until an old one is gone, so replace one at a time without a surge.
fn strategy(c: &Controller<'_>) -> Option<apps::DeploymentStrategy> {
    let required = c.view.anti_affinity() == AntiAffinity::Required;
    (c.host_network || required).then(|| apps::DeploymentStrategy {
        type_: Some("RollingUpdate".into()),
        rolling_update: Some(apps::RollingUpdateDeployment {
            max_surge: Some(IntOrString::Int(0)),
            max_unavailable: Some(IntOrString::Int(1)),
        }),
    })
}

fn deployment(c: &Controller<'_>, documents: &mut Documents) {
    let (affinity, spread_constraints, tolerations) = scheduling(c);
    documents.push(&apps::Deployment {
        metadata: meta(&c.name, Some(&c.namespace), c.labels.clone()),
        spec: Some(apps::DeploymentSpec {
            replicas: Some(int32(c.view.replicas())),
            selector: selector(&c.name),
            strategy: strategy(c),
            template: core::PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(c.labels.clone()),
                    ..Default::default()
                }),
                spec: Some(core::PodSpec {
                    service_account_name: Some(c.name.clone()),
                    security_context: Some(pod_security(&pods::controller_confinement(c.view), None)),
                    host_network: c.host_network.then_some(true),
                    dns_policy: c.host_network.then(|| "ClusterFirstWithHostNet".to_string()),
                    containers: vec![container(c)],
                    affinity: Some(affinity),
                    topology_spread_constraints: spread_constraints,
                    tolerations: (!tolerations.is_empty()).then_some(tolerations),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    });
}

/// The Service of a controller that does not listen on its nodes' own ports.
fn service(c: &Controller<'_>, documents: &mut Documents) {
    if c.host_network {
        return;
    }
    let vip = (c.view.vip())
        .and_then(|vip| c.model.vip_group(vip).address())
        .map(|a| a.to_string());
    let external = c.view.expose() == IngressExpose::ExternalIps;
    documents.push(&core::Service {
        metadata: meta(&c.name, Some(&c.namespace), c.labels.clone()),
        spec: Some(core::ServiceSpec {
            type_: Some(if external {
                "ClusterIP".into()
            } else {
                "LoadBalancer".into()
            }),
            external_ips: if external { vip.map(|vip| vec![vip]) } else { None },
            selector: Some(BTreeMap::from([(NAME_LABEL.to_string(), c.name.clone())])),
            ports: Some(vec![
                core::ServicePort {
                    name: Some("http".into()),
                    port: 80,
                    target_port: Some(IntOrString::String("http".into())),
                    protocol: Some("TCP".into()),
                    ..Default::default()
                },
                core::ServicePort {
                    name: Some("https".into()),
                    port: 443,
                    target_port: Some(IntOrString::String("https".into())),
                    protocol: Some("TCP".into()),
                    ..Default::default()
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    });
}

/// The ingress controller that serves a route: the one `check` holds its routes to.
pub(super) fn controller_of(model: &Model, route: EntityId) -> Option<IngressControllerId> {
    crate::platform::flows::controller_of(model, model.route(route))
}

pub(super) fn route_objects(model: &Model, route: EntityId) -> Option<Documents> {
    let view = model.route(route);
    let app = view.app()?.entity();
    let name = k8s_name(view.name());
    let namespace = namespace_of(model, app);
    let app_name = k8s_name(model.name(app));
    let port = view.port().map_or(80, i32::from);
    let controller = controller_of(model, route).map(|controller| controller.entity());
    let host = view.host().unwrap_or_default().to_string();
    let tls = view.tls();
    let ingress = networking::Ingress {
        metadata: meta(&name, Some(&namespace), labels(&[(NAME_LABEL, &app_name)])),
        spec: Some(networking::IngressSpec {
            ingress_class_name: controller.map(|controller| ingress_class(model, controller).0),
            rules: Some(vec![networking::IngressRule {
                host: Some(host.clone()),
                http: Some(networking::HTTPIngressRuleValue {
                    paths: vec![networking::HTTPIngressPath {
                        path: Some(view.path().to_string()),
                        path_type: "Prefix".into(),
                        backend: networking::IngressBackend {
                            service: Some(networking::IngressServiceBackend {
                                name: app_name.clone(),
                                port: Some(networking::ServiceBackendPort {
                                    number: Some(port),
                                    ..Default::default()
                                }),
                            }),
                            ..Default::default()
                        },
                    }],
                }),
            }]),
            tls: tls.then(|| {
                vec![networking::IngressTLS {
                    hosts: Some(vec![host.clone()]),
                    secret_name: Some(view.tls_secret().map_or_else(|| format!("{name}-tls"), str::to_string)),
                }]
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut documents = Documents::default();
    documents.push(&ingress);
    Some(documents)
}
