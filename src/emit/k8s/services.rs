//! What reaches and keeps an app: its Service (headless for a StatefulSet), its
//! PodDisruptionBudget and its HorizontalPodAutoscaler.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2 as autoscaling;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{AppObjects, Documents, NAME_LABEL, meta, selector};
use crate::semantic::views::Workload;

/// A Service for an app with ports, and the governing Service of a StatefulSet.
pub(super) fn service(app: &AppObjects<'_>, documents: &mut Documents) {
    let stateful = app.workload == Workload::Stateful;
    if app.ports.is_empty() && !stateful {
        return;
    }
    documents.push(&core::Service {
        metadata: meta(&app.name, Some(&app.namespace), app.labels.clone()),
        spec: Some(core::ServiceSpec {
            // A StatefulSet's governing Service is headless.
            cluster_ip: stateful.then(|| "None".to_string()),
            selector: Some(BTreeMap::from([(NAME_LABEL.to_string(), app.name.clone())])),
            ports: Some(
                (app.ports.iter())
                    .map(|port| core::ServicePort {
                        name: Some(port.name.clone()),
                        port: port.port,
                        target_port: Some(IntOrString::String(port.name.clone())),
                        protocol: Some(port.protocol.clone()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    });
}

/// A replicated app loses at most one pod at a time to a voluntary disruption.
pub(super) fn disruption_budget(app: &AppObjects<'_>, documents: &mut Documents) {
    if app.replicated {
        documents.push(&budget(&app.name, &app.namespace, app.labels.clone()));
    }
}

/// One pod at a time: a drain or an eviction waits until the last one is back.
pub(super) fn budget(
    name: &str,
    namespace: &str,
    labels: std::collections::BTreeMap<String, String>,
) -> policy::PodDisruptionBudget {
    policy::PodDisruptionBudget {
        metadata: meta(name, Some(namespace), labels),
        spec: Some(policy::PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(selector(name)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The autoscaler of an app that declares `autoscaling`, on CPU utilisation.
pub(super) fn autoscaler(app: &AppObjects<'_>, documents: &mut Documents) {
    let Some(bounds) = app.view.autoscaling() else {
        return;
    };
    documents.push(&autoscaling::HorizontalPodAutoscaler {
        metadata: meta(&app.name, Some(&app.namespace), app.labels.clone()),
        spec: Some(autoscaling::HorizontalPodAutoscalerSpec {
            scale_target_ref: autoscaling::CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: if app.workload == Workload::Stateful {
                    "StatefulSet".into()
                } else {
                    "Deployment".into()
                },
                name: app.name.clone(),
            },
            min_replicas: bounds.min().map(super::int32),
            max_replicas: super::int32(bounds.max().unwrap_or(1)),
            metrics: Some(vec![autoscaling::MetricSpec {
                type_: "Resource".into(),
                resource: Some(autoscaling::ResourceMetricSource {
                    name: "cpu".into(),
                    target: autoscaling::MetricTarget {
                        type_: "Utilization".into(),
                        average_utilization: Some(super::int32(bounds.cpu_percent())),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    });
}
