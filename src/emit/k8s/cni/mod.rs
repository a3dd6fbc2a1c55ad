//! The pod network: the chosen `cni`, installed with the cluster's pod CIDR.
//!
//! - Flannel (`flannel.rs`) and Weave (`weave.rs`): k8sc writes the whole manifest, in the
//!   kustomization: Flannel's net-conf with `Network` = the pod CIDR and the VXLAN backend;
//!   Weave Net with `IPALLOC_RANGE` = the pod CIDR. Weave Net is no longer maintained
//!   (Weaveworks closed in 2024); its last release's images are pinned.
//! - Calico (`calico.rs`): through the Tigera operator. The playbook downloads the operator's
//!   manifest of the Calico release tested with the cluster's Kubernetes version, checks it
//!   against the SHA-256 pinned here and applies it; k8sc writes the Installation
//!   (`cni/calico.yaml`, outside the kustomization, because its kind exists only once the
//!   operator's CRDs do).
//! - Cilium (`cilium.rs`): Helm values (`cni/cilium-values.yaml`) for the pinned chart:
//!   cluster-pool IPAM over the pod CIDR.
//!
//! `ansible/inventory.yaml` carries the pins to the playbook.

mod calico;
mod cilium;
mod flannel;
mod weave;

use k8s_openapi::api::core::v1 as core;
use serde::Serialize;

use super::Writer;
use crate::platform::bootstrap;
use crate::semantic::Model;
use crate::semantic::views::Cni;

/// An upstream manifest the playbook downloads, checks against its digest, and applies.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub url: String,
    /// As Ansible's `get_url` takes it: `sha256:<hex>`.
    pub checksum: String,
}

/// A Helm chart the playbook installs, by repository, name and version.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub repo: &'static str,
    pub name: &'static str,
    pub version: &'static str,
}

/// What the playbook needs to install the network: the plugin, the upstream manifest or
/// chart it installs (none when k8sc writes the whole manifest), and the pod CIDR.
pub struct Install {
    pub cni: Cni,
    pub manifest: Option<Manifest>,
    pub chart: Option<Chart>,
    pub pod_cidr: String,
}

pub fn install(model: &Model) -> Option<Install> {
    let cluster = model.clusters().next()?;
    let cni = cluster.cni();
    // A version k8sc does not know is E0206, which stops the build; the newest pin is
    // only what `check`'s own callers see then.
    let minor = (cluster.version()).and_then(|version| bootstrap::minor(version).ok());
    Some(Install {
        cni,
        manifest: (cni == Cni::Calico).then(|| calico::operator(minor)),
        chart: (cni == Cni::Cilium).then_some(cilium::CHART),
        pod_cidr: cluster.pod_cidr().to_string(),
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
            writer.write(
                "cni/flannel.yaml",
                flannel::manifest(&install.pod_cidr),
                super::super::MODE_FILE,
            );
            Vec::new()
        }
        Cni::Weave => {
            writer.write(
                "cni/weave.yaml",
                weave::manifest(&install.pod_cidr),
                super::super::MODE_FILE,
            );
            Vec::new()
        }
        Cni::Calico => vec![(
            "cni/calico.yaml".into(),
            format!("{header}{}", calico::installation(&install.pod_cidr)),
        )],
        Cni::Cilium => vec![(
            "cni/cilium-values.yaml".into(),
            format!(
                "{header}{}",
                super::super::yaml_stream::to_yaml(&cilium::values(&install.pod_cidr))
            ),
        )],
    }
}

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
