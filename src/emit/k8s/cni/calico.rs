//! Calico through the Tigera operator: the pinned operator manifest of the Calico release
//! tested with the cluster's Kubernetes version, and the Installation k8sc writes for it: an
//! IP pool of the pod CIDR, VXLAN across subnets (no encapsulation within the node subnet),
//! the nodes' own addresses.

use std::ops::RangeInclusive;

use serde::Serialize;

use super::Manifest;

/// Calico releases by the Kubernetes minors each is tested with (Calico's "Kubernetes
/// requirements" per release), and the SHA-256 of the release's
/// `manifests/tigera-operator.yaml`: the file at the release tag of projectcalico/calico,
/// byte for byte as raw.githubusercontent.com serves it.
const RELEASES: [(RangeInclusive<u32>, &str, &str); 6] = [
    (
        22..=23,
        "v3.24.6",
        "4f5c9eb0cd0022fe3511d1e23a0412f54cbfcd9ec32f3c0b862c36a28d47f323",
    ),
    (
        24..=26,
        "v3.26.5",
        "89fe91573b3703c761741dadf91ea49132a42f8b07cc6ff6fdf4d0a03b5e7593",
    ),
    (
        27..=30,
        "v3.28.5",
        "69159fe3450ff0cf8b6db29e2b011a287ed5d8de341e81812c98aae69d3e51b5",
    ),
    (
        31..=31,
        "v3.29.7",
        "a571ef21476c026618a7c7b092a3ab1744ec191e02492655d8c1468ac08f25f2",
    ),
    (
        32..=33,
        "v3.30.7",
        "bcc9f89c1847ee5237c29c1b7e4a67c86296cb0139619093df6ca98ec14abf18",
    ),
    (
        34..=36,
        "v3.31.7",
        "092c10b3d0cb73617aca51367ca59755348f4647e6d2e63fa4e5b81266203214",
    ),
];

/// The operator manifest for a Kubernetes minor (the newest release when the minor is
/// unknown: E0206 stops such a build).
pub(super) fn operator(minor: Option<u32>) -> Manifest {
    let (_, release, sha256) = (RELEASES.iter())
        .find(|(minors, _, _)| minor.is_some_and(|minor| minors.contains(&minor)))
        .unwrap_or(&RELEASES[RELEASES.len() - 1]);
    Manifest {
        url: format!("https://raw.githubusercontent.com/projectcalico/calico/{release}/manifests/tigera-operator.yaml"),
        checksum: format!("sha256:{sha256}"),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<S> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Name,
    spec: S,
}

#[derive(Serialize)]
struct Name {
    name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InstallationSpec {
    calico_network: CalicoNetwork,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CalicoNetwork {
    ip_pools: Vec<IpPool>,
    node_address_autodetection_v4: Autodetection,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IpPool {
    name: &'static str,
    cidr: String,
    block_size: u8,
    encapsulation: &'static str,
    nat_outgoing: &'static str,
    node_selector: &'static str,
}

#[derive(Serialize)]
struct Autodetection {
    kubernetes: &'static str,
}

#[derive(Serialize)]
struct Empty {}

pub(super) fn installation(pod_cidr: &str) -> String {
    let installation = Resource {
        api_version: "operator.tigera.io/v1",
        kind: "Installation",
        metadata: Name { name: "default" },
        spec: InstallationSpec {
            calico_network: CalicoNetwork {
                ip_pools: vec![IpPool {
                    name: "default-ipv4-ippool",
                    cidr: pod_cidr.to_string(),
                    block_size: 26,
                    encapsulation: "VXLANCrossSubnet",
                    nat_outgoing: "Enabled",
                    node_selector: "all()",
                }],
                node_address_autodetection_v4: Autodetection {
                    kubernetes: "NodeInternalIP",
                },
            },
        },
    };
    let api_server = Resource {
        api_version: "operator.tigera.io/v1",
        kind: "APIServer",
        metadata: Name { name: "default" },
        spec: Empty {},
    };
    let mut text = crate::emit::yaml_stream::to_yaml(&installation);
    text.push_str("---\n");
    text.push_str(&crate::emit::yaml_stream::to_yaml(&api_server));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::bootstrap::MINORS;
    use crate::platform::release::CALICO_MINORS;

    #[test]
    fn every_minor_calico_is_tested_with_has_one_calico_release() {
        for minor in MINORS {
            let holding = RELEASES.iter().filter(|(minors, _, _)| minors.contains(&minor)).count();
            let expected = usize::from(CALICO_MINORS.contains(&minor));
            assert_eq!(
                holding, expected,
                "1.{minor}: HA075 refuses Calico where no release is known"
            );
        }
        for (_, release, sha256) in RELEASES {
            assert!(release.starts_with("v3."), "{release}");
            assert!(
                sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()),
                "{release}"
            );
        }
        assert!(operator(Some(28)).url.contains("/v3.28.5/"));
    }
}
