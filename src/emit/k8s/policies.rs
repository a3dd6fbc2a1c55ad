//! An app's NetworkPolicy.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::ingress::controller_of;
use super::{AppObjects, Documents, NAME_LABEL, labels, meta, selector};
use crate::check::names::{k8s_name, namespace_of};
use crate::semantic::views::{Cni, IngressExpose, NamespaceOrApp};
use crate::semantic::{EntityId, Model};

/// When the app declares `allow_from` and the CNI enforces policies: a NetworkPolicy that
/// admits traffic only from those namespaces and apps, and from the ingress controllers
/// of the routes that point at the app. A controller on the host network sends from its
/// node's address, so it is admitted by the node subnet; another by its own pods.
pub(super) fn network_policy(app: &AppObjects<'_>, documents: &mut Documents) {
    if let Some(policy) = policy_of(app.model, app.id, &app.name, &app.namespace, app.routes) {
        documents.push(&policy);
    }
}

fn policy_of(
    model: &Model,
    app: EntityId,
    name: &str,
    namespace: &str,
    routes: &[EntityId],
) -> Option<networking::NetworkPolicy> {
    let cluster = model.clusters().next()?;
    if cluster.cni() == Some(Cni::Flannel) {
        return None;
    }
    let sources = model.app(app).allow_from()?;
    let namespace_selector = |ns: &str| LabelSelector {
        match_labels: Some(BTreeMap::from([(
            "kubernetes.io/metadata.name".to_string(),
            ns.to_string(),
        )])),
        ..Default::default()
    };
    let mut peers: Vec<networking::NetworkPolicyPeer> = (sources.iter())
        .map(|source| match source {
            NamespaceOrApp::Namespace(namespace) => networking::NetworkPolicyPeer {
                namespace_selector: Some(namespace_selector(&k8s_name(model.name(namespace)))),
                ..Default::default()
            },
            NamespaceOrApp::App(source) => networking::NetworkPolicyPeer {
                namespace_selector: Some(namespace_selector(&namespace_of(model, source.entity()))),
                pod_selector: Some(selector(&k8s_name(model.name(source)))),
                ..Default::default()
            },
        })
        .collect();
    for controller in routes.iter().filter_map(|route| controller_of(model, *route)) {
        let controller = model.ingress_controller(controller);
        let peer = if controller.expose() == Some(IngressExpose::HostNetwork) {
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
        if let Some(peer) = peer
            && !peers.contains(&peer)
        {
            peers.push(peer);
        }
    }
    Some(networking::NetworkPolicy {
        metadata: meta(name, Some(namespace), labels(&[(NAME_LABEL, name)])),
        spec: Some(networking::NetworkPolicySpec {
            pod_selector: Some(selector(name)),
            policy_types: Some(vec!["Ingress".into()]),
            ingress: Some(vec![networking::NetworkPolicyIngressRule {
                from: Some(peers),
                ..Default::default()
            }]),
            ..Default::default()
        }),
    })
}
