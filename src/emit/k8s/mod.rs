//! `kubernetes/*.yaml`: typed Kubernetes objects (k8s-openapi) serialised with serde_yaml,
//! and a kustomization.yaml listing them.
//!
//! Layout: `00-namespaces.yaml`, `00-nodes.yaml` (labels and taints k8sc's placement relies
//! on), `ingress/<controller>.yaml`, `storage/<storage>.yaml`, `apps/<namespace>.yaml`
//! (per app: workload, Service, PDB, HPA, NetworkPolicy, static PVs and PVCs), and
//! `routes/<namespace>.yaml` (an Ingress per route). One file per namespace keeps the file
//! count low: on large platforms writing many small files dominates a build.

//!
//! One file per object family: `workloads` (the pods and what runs them), `services`
//! (Service, PDB, HPA), `policies` (NetworkPolicy), `cni` (the pod network), `storage` (static NFS volumes, Ceph
//! StorageClasses), `ingress` (the controllers and the routes); this file holds what they
//! share and the cluster-wide objects (namespaces, node labels and taints); `config`
//! (ConfigMaps and Secrets of settings, `config/<namespace>.yaml` and
//! `secrets/<namespace>.yaml`, the latter 0600).

pub mod cni;
mod config;
mod ingress;
mod policies;
mod services;
mod storage;
mod workloads;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;

use super::nfs::{self, NfsVolume};
use super::{Files, Input, MODE_FILE};
use crate::platform::names::{k8s_name, namespace_of};
use crate::platform::pods;
use crate::semantic::views::{self, AppClass, Workload};
use crate::semantic::{EntityId, Model};

/// The label every object carries.
const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "k8sc");
/// The node label replicas are spread over: the physical host.
pub const HOST_LABEL: &str = "k8sc.io/physical-host";
/// The label of the physical host's rack, when it declares one.
pub const RACK_LABEL: &str = "k8sc.io/rack";
/// The well-known zone label, from the physical host's zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
const POOL_LABEL: &str = "k8sc.io/pool";
const GPU_LABEL: &str = "k8sc.io/gpu";
const NAME_LABEL: &str = "app.kubernetes.io/name";
/// The prefix of the Pod Security admission labels on a Namespace.
pub const POD_SECURITY: &str = "pod-security.kubernetes.io";

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    map.insert(MANAGED_BY.0.into(), MANAGED_BY.1.into());
    map
}

fn meta(name: &str, namespace: Option<&str>, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: Some(labels),
        ..Default::default()
    }
}

/// An RBAC rule: these verbs on these resources of these API groups.
fn rbac_rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> k8s_openapi::api::rbac::v1::PolicyRule {
    k8s_openapi::api::rbac::v1::PolicyRule {
        api_groups: Some(groups.iter().map(|g| g.to_string()).collect()),
        resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        verbs: verbs.iter().map(|v| v.to_string()).collect(),
        ..Default::default()
    }
}

/// What a (Cluster)RoleBinding grants: role `role` of kind `kind` (`ClusterRole` or
/// `Role`) to the service account `account` of `namespace`.
fn grant(
    kind: &str,
    role: &str,
    account: &str,
    namespace: &str,
) -> (
    k8s_openapi::api::rbac::v1::RoleRef,
    Option<Vec<k8s_openapi::api::rbac::v1::Subject>>,
) {
    use k8s_openapi::api::rbac::v1 as rbac;
    (
        rbac::RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: kind.into(),
            name: role.into(),
        },
        Some(vec![rbac::Subject {
            kind: "ServiceAccount".into(),
            name: account.into(),
            namespace: Some(namespace.into()),
            ..Default::default()
        }]),
    )
}

/// The pod's own name and namespace from the downward API, as `POD_NAME` and
/// `POD_NAMESPACE` (what ingress-nginx and flannel read at start).
fn downward_env() -> Vec<core::EnvVar> {
    [("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace")]
        .into_iter()
        .map(|(name, path)| core::EnvVar {
            name: name.into(),
            value_from: Some(core::EnvVarSource {
                field_ref: Some(core::ObjectFieldSelector {
                    field_path: path.into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect()
}

fn selector(app: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(NAME_LABEL.to_string(), app.to_string())])),
        ..Default::default()
    }
}

/// A count as Kubernetes' int32 fields take it. The prelude bounds every such field to
/// int32, so nothing saturates in a file that passed its checks.
fn int32(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { 0 } else { i32::MAX })
}

/// A multi-document YAML file.
#[derive(Default)]
struct Documents {
    text: String,
}

impl Documents {
    fn push(&mut self, object: &impl Serialize) {
        if !self.text.is_empty() {
            self.text.push_str("---\n");
        }
        super::yaml_stream::append_yaml(&mut self.text, object);
    }
}

/// The files being written: several objects may go into one file (all the apps of a
/// namespace share one), in the order they are written.
struct Writer {
    /// The first line of every file.
    header: String,
    files: BTreeMap<String, (String, u32)>,
}

impl Writer {
    fn write(&mut self, path: &str, documents: Documents, mode: u32) {
        if documents.text.is_empty() {
            return;
        }
        match self.files.get_mut(path) {
            Some((text, file_mode)) => {
                text.push_str("---\n");
                text.push_str(&documents.text);
                *file_mode = (*file_mode).min(mode);
            }
            None => {
                let mut text = String::with_capacity(self.header.len() + documents.text.len());
                text.push_str(&self.header);
                text.push_str(&documents.text);
                self.files.insert(path.to_string(), (text, mode));
            }
        }
    }
}

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    let mut writer = Writer {
        header: format!("# Generated by k8sc from {}; do not edit by hand.\n", input.source),
        files: BTreeMap::new(),
    };
    namespaces(model, &mut writer);
    nodes(model, &mut writer);
    for controller in model.ingress_controllers() {
        ingress::controller(model, controller.id().entity(), &mut writer);
    }
    storage::storage_classes(input, &mut writer);
    config::configs(input, &mut writer);
    // The network's files outside the kustomization: their kinds exist only once the
    // playbook has installed the plugin's operator or chart.
    for (path, text) in cni::emit(model, &mut writer) {
        output.add(format!("kubernetes/{path}"), text, MODE_FILE);
    }
    let mut paths: Vec<String> = writer.files.keys().cloned().collect();
    for (path, (text, mode)) in std::mem::take(&mut writer.files) {
        output.add(format!("kubernetes/{path}"), text, mode);
    }
    // Apps and routes: one file per namespace, each made whole on every core and handed
    // on at once, so a large platform's manifests are never all in memory.
    let volumes = nfs::volumes(model);
    // Who must reach each app, found once (not by every app's policy over every route).
    let inbound = crate::platform::flows::Inbound::of(model);
    let cluster = input.platform.cluster();
    let apps = by_namespace(model, model.apps().map(|app| app.id().entity()), "apps", Some);
    let routes = by_namespace(
        model,
        model.routes().map(|route| route.id().entity()),
        "routes",
        |route| model.route(route).app().map(|app| app.entity()),
    );
    for (files, make) in [
        (
            apps,
            &(|app| Some(app_objects(model, cluster, app, &volumes, &inbound)))
                as &(dyn Fn(EntityId) -> Option<Documents> + Sync),
        ),
        (routes, &|route| ingress::route_objects(model, route)),
    ] {
        for batch in files.chunks(BATCH) {
            let made = in_parallel(batch, |(path, members)| {
                let mut text = String::new();
                for &member in members {
                    let Some(documents) = make(member).filter(|documents| !documents.text.is_empty()) else {
                        continue;
                    };
                    text.push_str(if text.is_empty() { &writer.header } else { "---\n" });
                    text.push_str(&documents.text);
                }
                (!text.is_empty()).then(|| (path.clone(), text))
            });
            for (path, text) in made {
                output.add(format!("kubernetes/{path}"), text, MODE_FILE);
                paths.push(path);
            }
        }
    }
    paths.sort_unstable();
    let mut kustomization = format!(
        "# Generated by k8sc from {}; apply with: kubectl apply -k kubernetes/\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n",
        input.source
    );
    for path in paths {
        kustomization.push_str(&format!("- {path}\n"));
    }
    output.add("kubernetes/kustomization.yaml", kustomization, MODE_FILE);
}

/// How many per-namespace files are made before they are handed on.
const BATCH: usize = 64;

/// Declarations grouped by the file of their app's namespace (`apps/shop.yaml`), files in
/// path order, declarations in source order; `app_of` gives a declaration's app.
fn by_namespace(
    model: &Model,
    members: impl Iterator<Item = EntityId>,
    folder: &str,
    app_of: impl Fn(EntityId) -> Option<EntityId>,
) -> Vec<(String, Vec<EntityId>)> {
    let mut files: BTreeMap<String, Vec<EntityId>> = BTreeMap::new();
    for member in members {
        let Some(app) = app_of(member) else { continue };
        let namespace = namespace_of(model, app);
        files
            .entry(format!("{folder}/{namespace}.yaml"))
            .or_default()
            .push(member);
    }
    files.into_iter().collect()
}

/// `make` over every item, on every core, results in the items' order (so the output does
/// not depend on the scheduling).
fn in_parallel<I: Sync, T: Send>(items: &[I], make: impl Fn(&I) -> Option<T> + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < 8 {
        return items.iter().filter_map(&make).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().filter_map(&make).collect::<Vec<T>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

/// A namespace's `budget`: a ResourceQuota on what its pods request.
fn budget_quota(namespace: &str, budget: views::Resources<'_>) -> core::ResourceQuota {
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    let mut hard = BTreeMap::new();
    if let Some(cpu) = budget.cpu() {
        hard.insert(
            "requests.cpu".to_string(),
            Quantity(crate::semantic::value::format_cpu(cpu)),
        );
    }
    if let Some(memory) = budget.memory() {
        hard.insert(
            "requests.memory".to_string(),
            Quantity(crate::semantic::value::format_quantity(memory)),
        );
    }
    core::ResourceQuota {
        metadata: meta("budget", Some(namespace), labels(&[])),
        spec: Some(core::ResourceQuotaSpec {
            hard: Some(hard),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The Namespaces, each enforcing the Pod Security level its pods need (and warning and
/// auditing at it), pinned to the cluster's release, with the reasons for any level above
/// `restricted` in an annotation.
fn namespaces(model: &Model, writer: &mut Writer) {
    let mut documents = Documents::default();
    let levels = pods::namespace_levels(model);
    let version = (model.clusters().next())
        .and_then(|cluster| cluster.version())
        .and_then(|version| crate::platform::bootstrap::minor(version).ok())
        .map_or_else(|| "latest".to_string(), |minor| format!("v1.{minor}"));
    for namespace in model.namespaces() {
        let name = k8s_name(namespace.name());
        let class = namespace.class().unwrap_or(AppClass::Business);
        let mut label_map = labels(&[("k8sc.io/class", class.as_str())]);
        for (key, text) in namespace.labels().iter() {
            label_map.insert(key.to_string(), text.to_string());
        }
        let (level, reasons) = levels
            .get(&name)
            .cloned()
            .unwrap_or((pods::Level::Restricted, Vec::new()));
        for mode in ["enforce", "warn", "audit"] {
            label_map.insert(format!("{POD_SECURITY}/{mode}"), level.as_str().into());
            label_map.insert(format!("{POD_SECURITY}/{mode}-version"), version.clone());
        }
        let mut metadata = meta(&name, None, label_map);
        let mut annotations = BTreeMap::new();
        if let Some(description) = namespace.description() {
            annotations.insert("k8sc.io/description".to_string(), description.to_string());
        }
        if !reasons.is_empty() {
            annotations.insert(
                "k8sc.io/pod-security".to_string(),
                format!("{}: {}", level.as_str(), reasons.join("; ")),
            );
        }
        if !annotations.is_empty() {
            metadata.annotations = Some(annotations);
        }
        documents.push(&core::Namespace {
            metadata,
            ..Default::default()
        });
        if let Some(budget) = namespace.budget() {
            documents.push(&budget_quota(&name, budget));
        }
    }
    if policies::enforced(model) {
        let mut running: Vec<String> = model.apps().map(|app| namespace_of(model, app.id().entity())).collect();
        running.sort_unstable();
        running.dedup();
        for namespace in model.namespaces() {
            let name = k8s_name(namespace.name());
            if running.binary_search(&name).is_ok() {
                documents.push(&policies::default_deny(&name));
            }
        }
    }
    writer.write("00-namespaces.yaml", documents, MODE_FILE);
}

/// The labels and taints k8sc's placement relies on, for every node that runs a kubelet;
/// `kubectl apply` merges them into the nodes kubeadm registered (each node registers under
/// its k8sc name, with the same taints).
fn nodes(model: &Model, writer: &mut Writer) {
    let mut documents = Documents::default();
    let kubelet = crate::platform::Topology::infrastructure(model).kubelet;
    for node in kubelet.into_iter().map(|node| model.node(node)) {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(host) = node.host() {
            let host = model.physical_host(host);
            pairs.push((HOST_LABEL.into(), k8s_name(host.name())));
            if let Some(rack) = host.rack() {
                pairs.push((RACK_LABEL.into(), k8s_name(rack)));
            }
            if let Some(zone) = host.zone() {
                pairs.push((ZONE_LABEL.into(), zone.to_string()));
            }
        }
        let pool = node.pool();
        if let Some(pool) = pool {
            pairs.push((POOL_LABEL.into(), pool.to_string()));
        }
        if node.gpu() {
            pairs.push((GPU_LABEL.into(), "true".into()));
        }
        for (key, text) in node.labels().iter() {
            pairs.push((key.to_string(), text.to_string()));
        }
        let label_map: BTreeMap<String, String> = pairs.into_iter().collect();
        let taints = super::taints::declared(model, node.id().entity()).map(|taints| {
            (taints.into_iter())
                .map(|taint| core::Taint {
                    key: taint.key.into(),
                    value: taint.value,
                    effect: super::taints::Taint::EFFECT.into(),
                    ..Default::default()
                })
                .collect()
        });
        documents.push(&core::Node {
            metadata: ObjectMeta {
                name: Some(k8s_name(node.name())),
                labels: Some(label_map),
                ..Default::default()
            },
            spec: taints.map(|taints| core::NodeSpec {
                taints: Some(taints),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    writer.write("00-nodes.yaml", documents, MODE_FILE);
}

/// What every object of one app is made from.
struct AppObjects<'m> {
    model: &'m Model,
    /// The platform's cluster.
    cluster: views::Cluster<'m>,
    id: EntityId,
    view: views::App<'m>,
    name: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    workload: Workload,
    replicas: i32,
    /// A Deployment or StatefulSet of two or more replicas: spread, with a disruption budget.
    replicated: bool,
    ports: Vec<workloads::PortSpec>,
    /// The routes that point at the app.
    routes: &'m [EntityId],
    /// The apps that depend on it.
    dependents: &'m [EntityId],
}

/// Every object of one app, in a fixed order: what runs it, its Service, disruption budget,
/// autoscaler, network policy and static volumes.
fn app_objects<'m>(
    model: &'m Model,
    cluster: views::Cluster<'m>,
    app: EntityId,
    volumes: &[NfsVolume],
    inbound: &'m crate::platform::flows::Inbound,
) -> Documents {
    let view = model.app(app);
    let name = k8s_name(view.name());
    let workload = view.workload();
    let replicas = int32(view.replicas());
    let objects = AppObjects {
        model,
        cluster,
        id: app,
        view,
        namespace: namespace_of(model, app),
        labels: labels(&[(NAME_LABEL, &name)]),
        workload,
        replicas,
        // Spread and disruption budgets wherever more than one pod may run: an autoscaled
        // app's count is its autoscaler's, up to `max`.
        replicated: crate::platform::Topology::runs_several(model, app),
        ports: workloads::ports(model, app),
        routes: inbound.routes_of(app),
        dependents: inbound.dependents_of(app),
        name,
    };
    let mut documents = Documents::default();
    workloads::workload(&objects, &mut documents);
    services::service(&objects, &mut documents);
    services::disruption_budget(&objects, &mut documents);
    services::autoscaler(&objects, &mut documents);
    policies::network_policy(&objects, &mut documents);
    storage::static_volumes(&objects, volumes, &mut documents);
    documents
}
