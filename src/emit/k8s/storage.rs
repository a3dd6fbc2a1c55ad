//! Storage: the static NFS volumes of an app (a PV bound to each PVC its StatefulSet will
//! use, and the PVC), claim specs, and a StorageClass per Ceph RBD pool.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::storage::v1 as storage;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::super::nfs::{self, NfsVolume};
use super::super::{Input, MODE_SECRET};
use super::{AppObjects, Documents, NAME_LABEL, Writer, labels, meta};
use crate::platform::names::k8s_name;
use crate::semantic::value::format_quantity;
use crate::semantic::views::NfsExportOrCephRbd;
use crate::semantic::{EntityId, Model};

/// The app's static NFS volumes: for each, a PV bound by name to its PVC, and the PVC.
pub(super) fn static_volumes(app: &AppObjects<'_>, volumes: &[NfsVolume], documents: &mut Documents) {
    for volume in volumes.iter().filter(|volume| volume.app == app.id) {
        let pv_name = format!("{}-{}", volume.namespace, volume.pvc);
        documents.push(&core::PersistentVolume {
            metadata: meta(&pv_name, None, app.labels.clone()),
            spec: Some(core::PersistentVolumeSpec {
                capacity: Some(BTreeMap::from([(
                    "storage".to_string(),
                    Quantity(format_quantity(volume.bytes)),
                )])),
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                persistent_volume_reclaim_policy: Some("Retain".into()),
                storage_class_name: Some(String::new()),
                nfs: Some(core::NFSVolumeSource {
                    server: nfs::server_address(app.model, volume.export),
                    path: volume.path.clone(),
                    read_only: volume.read_only.then_some(true),
                }),
                claim_ref: Some(core::ObjectReference {
                    namespace: Some(volume.namespace.clone()),
                    name: Some(volume.pvc.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        });
        let mut spec = claim_spec(volume.bytes, Some(String::new()));
        spec.volume_name = Some(pv_name);
        documents.push(&core::PersistentVolumeClaim {
            metadata: meta(&volume.pvc, Some(&volume.namespace), app.labels.clone()),
            spec: Some(spec),
            ..Default::default()
        });
    }
}

pub(super) fn claim_spec(bytes: u64, storage_class: Option<String>) -> core::PersistentVolumeClaimSpec {
    core::PersistentVolumeClaimSpec {
        access_modes: Some(vec!["ReadWriteOnce".into()]),
        storage_class_name: storage_class,
        resources: Some(core::VolumeResourceRequirements {
            requests: Some(BTreeMap::from([(
                "storage".to_string(),
                Quantity(format_quantity(bytes)),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The StorageClass of a claim: `""` (static, bound by name) for NFS, the Ceph pool's class
/// otherwise.
pub(super) fn storage_class_of(model: &Model, app: EntityId, claim: &str) -> Option<String> {
    for volume in model.app(app).volumes() {
        if volume.name().map(k8s_name).as_deref() != Some(claim) {
            continue;
        }
        return Some(match volume.storage()? {
            NfsExportOrCephRbd::CephRbd(pool) => k8s_name(model.name(pool)),
            NfsExportOrCephRbd::NfsExport(_) => String::new(),
        });
    }
    None
}

/// A StorageClass (and the Secret with the Ceph user's key) per Ceph RBD pool.
pub(super) fn storage_classes(input: &Input<'_>, writer: &mut Writer) {
    let model = input.model;
    for pool in model.ceph_rbds() {
        let name = k8s_name(pool.name());
        let object_labels = labels(&[(NAME_LABEL, &name)]);
        let monitors: Vec<String> = (pool.monitors().iter())
            .map(|address| format!("{address}:6789"))
            .collect();
        let key = pool.key().map_or_else(String::new, |source| input.secret(source));
        let secret_name = format!("{name}-ceph-user");
        let mut documents = Documents::default();
        documents.push(&core::Secret {
            metadata: meta(&secret_name, Some("kube-system"), object_labels.clone()),
            string_data: Some(BTreeMap::from([
                ("userID".to_string(), pool.user().to_string()),
                ("userKey".to_string(), key),
            ])),
            type_: Some("kubernetes.io/rbd".into()),
            ..Default::default()
        });
        let mut metadata = meta(&name, None, object_labels.clone());
        if pool.default_class() {
            metadata.annotations = Some(BTreeMap::from([(
                "storageclass.kubernetes.io/is-default-class".to_string(),
                "true".to_string(),
            )]));
        }
        let parameters = BTreeMap::from([
            ("clusterID".to_string(), name.clone()),
            ("monitors".to_string(), monitors.join(",")),
            ("pool".to_string(), pool.pool().to_string()),
            (
                "csi.storage.k8s.io/provisioner-secret-name".to_string(),
                secret_name.clone(),
            ),
            (
                "csi.storage.k8s.io/provisioner-secret-namespace".to_string(),
                "kube-system".to_string(),
            ),
            (
                "csi.storage.k8s.io/node-stage-secret-name".to_string(),
                secret_name.clone(),
            ),
            (
                "csi.storage.k8s.io/node-stage-secret-namespace".to_string(),
                "kube-system".to_string(),
            ),
        ]);
        documents.push(&storage::StorageClass {
            metadata,
            provisioner: "rbd.csi.ceph.com".into(),
            parameters: Some(parameters),
            reclaim_policy: Some("Retain".into()),
            allow_volume_expansion: Some(true),
            ..Default::default()
        });
        writer.write(&format!("storage/{name}.yaml"), documents, MODE_SECRET);
    }
}
