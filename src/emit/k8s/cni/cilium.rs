//! Cilium: Helm values for the pinned chart, with cluster-pool IPAM over the pod CIDR.
//!
//! The chart is pinned by version only: Helm's repository carries no digest the playbook
//! could check before installing, and Cilium signs no provenance files.

use serde::Serialize;

use super::Chart;

/// The Cilium chart (1.16 is tested with Kubernetes 1.27 to 1.31).
pub const CHART: Chart = Chart {
    repo: "https://helm.cilium.io",
    name: "cilium",
    version: "1.16.5",
};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CiliumValues {
    ipam: CiliumIpam,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CiliumIpam {
    mode: &'static str,
    operator: CiliumOperator,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CiliumOperator {
    #[serde(rename = "clusterPoolIPv4PodCIDRList")]
    cluster_pool: Vec<String>,
    #[serde(rename = "clusterPoolIPv4MaskSize")]
    mask_size: u8,
}

pub(super) fn values(pod_cidr: &str) -> CiliumValues {
    CiliumValues {
        ipam: CiliumIpam {
            mode: "cluster-pool",
            operator: CiliumOperator {
                cluster_pool: vec![pod_cidr.to_string()],
                mask_size: 24,
            },
        },
    }
}
