//! The NetworkPolicies: a default deny in every namespace that runs apps (its pods may
//! still ask the cluster's DNS), and per app what the platform needs to flow
//! (`check::flows`): in from the ingress controllers of its routes, the apps that depend
//! on it, its `allow_from` and its own pods; out to its own pods, its dependencies, its
//! `egress_to` and, when it reads the API, the apiservers. Only to the declared ports. A CNI that enforces no policy (flannel) gets none.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::ingress::controller_of;
use super::{AppObjects, Documents, NAME_LABEL, labels, meta, selector};
use crate::platform::names::{k8s_name, namespace_of};
use crate::platform::pods;
use crate::semantic::views::{Cni, IngressExpose, NamespaceOrApp};
use crate::semantic::{EntityId, Model};

/// The name of each namespace's default-deny policy.
pub const DEFAULT_DENY: &str = "default-deny";

/// Whether the cluster's network plugin enforces NetworkPolicies.
pub(super) fn enforced(model: &Model) -> bool {
    model
        .clusters()
        .next()
        .is_some_and(|cluster| cluster.cni() != Cni::Flannel)
}

fn namespace_selector(namespace: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(
            "kubernetes.io/metadata.name".to_string(),
            namespace.to_string(),
        )])),
        ..Default::default()
    }
}

fn port(number: i32, protocol: &str) -> networking::NetworkPolicyPort {
    networking::NetworkPolicyPort {
        port: Some(IntOrString::Int(number)),
        protocol: Some(protocol.into()),
        ..Default::default()
    }
}

/// The pods of one app, from anywhere.
fn app_peer(model: &Model, app: EntityId) -> networking::NetworkPolicyPeer {
    networking::NetworkPolicyPeer {
        namespace_selector: Some(namespace_selector(&namespace_of(model, app))),
        pod_selector: Some(selector(&k8s_name(model.name(app)))),
        ..Default::default()
    }
}

/// Every pod of a namespace that runs apps: nothing in or out, but the cluster's DNS.
pub(super) fn default_deny(namespace: &str) -> networking::NetworkPolicy {
    let dns = networking::NetworkPolicyPeer {
        namespace_selector: Some(namespace_selector("kube-system")),
        pod_selector: Some(LabelSelector {
            match_labels: Some(BTreeMap::from([("k8s-app".to_string(), "kube-dns".to_string())])),
            ..Default::default()
        }),
        ..Default::default()
    };
    networking::NetworkPolicy {
        metadata: meta(DEFAULT_DENY, Some(namespace), labels(&[])),
        spec: Some(networking::NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            egress: Some(vec![networking::NetworkPolicyEgressRule {
                to: Some(vec![dns]),
                ports: Some(vec![port(53, "UDP"), port(53, "TCP")]),
            }]),
            ..Default::default()
        }),
    }
}

/// An app's NetworkPolicy: what must reach it, and what it must reach.
pub(super) fn network_policy(app: &AppObjects<'_>, documents: &mut Documents) {
    if enforced(app.model) {
        documents.push(&policy_of(app));
    }
}

fn policy_of(app: &AppObjects<'_>) -> networking::NetworkPolicy {
    let (ingress, egress) = (ingress_rules(app), egress_rules(app));
    networking::NetworkPolicy {
        metadata: meta(&app.name, Some(&app.namespace), labels(&[(NAME_LABEL, &app.name)])),
        spec: Some(networking::NetworkPolicySpec {
            pod_selector: Some(selector(&app.name)),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ingress: Some(ingress),
            egress: Some(egress),
        }),
    }
}

/// Who may reach an app, on its ports: its `allow_from`, the ingress controllers of its
/// routes, the apps that depend on it, and its own pods.
fn ingress_rules(app: &AppObjects<'_>) -> Vec<networking::NetworkPolicyIngressRule> {
    let model = app.model;
    let cluster = app.cluster;
    let mut from: Vec<networking::NetworkPolicyPeer> = Vec::new();
    let add = |peer: networking::NetworkPolicyPeer, peers: &mut Vec<networking::NetworkPolicyPeer>| {
        if !peers.contains(&peer) {
            peers.push(peer);
        }
    };
    for source in app.view.allow_from().iter().flat_map(|sources| sources.iter()) {
        let peer = match source {
            NamespaceOrApp::Namespace(namespace) => networking::NetworkPolicyPeer {
                namespace_selector: Some(namespace_selector(&k8s_name(model.name(namespace)))),
                ..Default::default()
            },
            NamespaceOrApp::App(source) => app_peer(model, source.entity()),
        };
        add(peer, &mut from);
    }
    // A controller on the host network sends from its node's address (Calico routes
    // within the node subnet without encapsulation), so it is admitted by the node
    // subnet; another by its own pods.
    for controller in app.routes.iter().filter_map(|route| controller_of(model, *route)) {
        let controller = model.ingress_controller(controller);
        let peer = if controller.expose() == IngressExpose::HostNetwork {
            cluster.node_subnet().map(|subnet| networking::NetworkPolicyPeer {
                ip_block: Some(networking::IPBlock {
                    cidr: subnet.to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            })
        } else {
            Some(networking::NetworkPolicyPeer {
                namespace_selector: Some(namespace_selector(&namespace_of(model, controller.id().entity()))),
                pod_selector: Some(selector(&k8s_name(controller.name()))),
                ..Default::default()
            })
        };
        if let Some(peer) = peer {
            add(peer, &mut from);
        }
    }
    for dependent in app.dependents {
        add(app_peer(model, *dependent), &mut from);
    }
    // Its own pods reach each other: the members of a replicated store (a Redis cluster's
    // bus, Elasticsearch's transport) talk on their ports.
    add(app_peer(model, app.id), &mut from);
    if app.ports.is_empty() {
        Vec::new()
    } else {
        vec![networking::NetworkPolicyIngressRule {
            from: Some(from),
            ports: Some((app.ports.iter()).map(|spec| port(spec.port, &spec.protocol)).collect()),
        }]
    }
}

/// Where an app may go: its own pods, its dependencies' ports, its `egress_to`, and the
/// apiservers when it reads the API.
fn egress_rules(app: &AppObjects<'_>) -> Vec<networking::NetworkPolicyEgressRule> {
    let model = app.model;
    let cluster = app.cluster;
    let own_ports = || -> Vec<networking::NetworkPolicyPort> {
        (app.ports.iter()).map(|spec| port(spec.port, &spec.protocol)).collect()
    };
    let mut egress: Vec<networking::NetworkPolicyEgressRule> = Vec::new();
    if !app.ports.is_empty() {
        egress.push(networking::NetworkPolicyEgressRule {
            to: Some(vec![app_peer(model, app.id)]),
            ports: Some(own_ports()),
        });
    }
    for dependency in app.view.depends_on().iter() {
        let ports: Vec<networking::NetworkPolicyPort> = (model.app(dependency).ports().iter())
            .filter_map(|spec| {
                let protocol = spec.protocol().as_str().to_uppercase();
                Some(port(i32::from(spec.port()?), &protocol))
            })
            .collect();
        if !ports.is_empty() {
            egress.push(networking::NetworkPolicyEgressRule {
                to: Some(vec![app_peer(model, dependency.entity())]),
                ports: Some(ports),
            });
        }
    }
    let block = |cidr: String| networking::NetworkPolicyPeer {
        ip_block: Some(networking::IPBlock {
            cidr,
            ..Default::default()
        }),
        ..Default::default()
    };
    let outside: Vec<networking::NetworkPolicyPeer> = (app.view.egress_to().iter())
        .map(|cidr| block(cidr.to_string()))
        .collect();
    if !outside.is_empty() {
        egress.push(networking::NetworkPolicyEgressRule {
            to: Some(outside),
            ports: None,
        });
    }
    // An app that reads the API reaches the apiservers on the nodes (the `kubernetes`
    // Service's endpoints, after its address is translated).
    if pods::app_confinement(app.view).token
        && let Some(subnet) = cluster.node_subnet()
    {
        egress.push(networking::NetworkPolicyEgressRule {
            to: Some(vec![block(subnet.to_string())]),
            ports: Some(vec![port(i32::from(cluster.apiserver_port()), "TCP")]),
        });
    }
    egress
}

/// An ingress controller's pods off the host network, in a namespace that may deny by
/// default: anyone may reach its HTTP and HTTPS ports, and it may reach the apps of its
/// routes and the API (anything: what it proxies to changes with the routes).
pub(super) fn controller_policy(name: &str, namespace: &str, ports: [i32; 2]) -> networking::NetworkPolicy {
    networking::NetworkPolicy {
        metadata: meta(name, Some(namespace), labels(&[(NAME_LABEL, name)])),
        spec: Some(networking::NetworkPolicySpec {
            pod_selector: Some(selector(name)),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ingress: Some(vec![networking::NetworkPolicyIngressRule {
                from: None,
                ports: Some(ports.iter().map(|number| port(*number, "TCP")).collect()),
            }]),
            egress: Some(vec![networking::NetworkPolicyEgressRule::default()]),
        }),
    }
}
