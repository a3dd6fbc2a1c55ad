//! kubeadm by version: the API a release reads, the minor of a version string, and what
//! a bootstrap token, a certificate key and the cluster CA must look like.

use super::Platform;
use crate::semantic::EntityId;
use sha2::{Digest, Sha256};

/// The kubeadm configuration API a Kubernetes version reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KubeadmApi {
    /// `kubeadm.k8s.io/v1beta3`: from 1.22; `extraArgs` are maps.
    V1beta3,
    /// `kubeadm.k8s.io/v1beta4`: from 1.31; `extraArgs` are lists of name/value pairs.
    V1beta4,
}

impl KubeadmApi {
    pub fn api_version(self) -> &'static str {
        match self {
            KubeadmApi::V1beta3 => "kubeadm.k8s.io/v1beta3",
            KubeadmApi::V1beta4 => "kubeadm.k8s.io/v1beta4",
        }
    }
}

/// The Kubernetes minor versions k8sc configures kubeadm for.
pub const MINORS: std::ops::RangeInclusive<u32> = 22..=37;

/// The minor of a version such as `1.36.3` (a leading `v` allowed) that k8sc configures
/// kubeadm for, or why there is none.
pub fn minor(version: &str) -> Result<u32, String> {
    let numbers: Vec<&str> = version.trim_start_matches('v').split('.').collect();
    let parsed: Option<Vec<u32>> = numbers.iter().map(|part| part.parse().ok()).collect();
    let minor = match (numbers.len(), parsed.as_deref()) {
        (3, Some([1, minor, _])) => *minor,
        _ => return Err(format!("`{version}` is not a Kubernetes version such as \"1.36.3\"")),
    };
    if !MINORS.contains(&minor) {
        return Err(format!(
            "Kubernetes 1.{minor} is outside the versions k8sc configures kubeadm for (1.{} to 1.{})",
            MINORS.start(),
            MINORS.end()
        ));
    }
    Ok(minor)
}

/// The API of a version such as `1.36.3`, or why there is none.
pub fn kubeadm_api(version: &str) -> Result<KubeadmApi, String> {
    Ok(if minor(version)? >= 31 {
        KubeadmApi::V1beta4
    } else {
        KubeadmApi::V1beta3
    })
}

/// kubeadm's bootstrap token format: `[a-z0-9]{6}.[a-z0-9]{16}`.
pub fn token_problem(token: &str) -> Option<String> {
    let valid = |part: &str, len: usize| {
        part.len() == len && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    match token.split_once('.') {
        Some((id, secret)) if valid(id, 6) && valid(secret, 16) => None,
        // Never the value, nor its exact length: a diagnostic must not leak a secret.
        _ => Some(
            "has the wrong shape; kubeadm wants six and sixteen lowercase letters or digits joined by a dot".into(),
        ),
    }
}

/// kubeadm's certificate key format: 32 bytes, hex encoded.
pub fn certificate_key_problem(key: &str) -> Option<String> {
    (key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| "is not 64 hex digits, which kubeadm wants (a 32-byte AES key)".to_string())
}

/// The `sha256:<hex>` pin of a PEM certificate's public key (the SHA-256 of its DER
/// SubjectPublicKeyInfo), as `kubeadm join --discovery-token-ca-cert-hash` takes it.
pub fn ca_cert_hash(pem: &str) -> Result<String, String> {
    let (_, block) =
        x509_parser::pem::parse_x509_pem(pem.as_bytes()).map_err(|_| "is not a PEM certificate".to_string())?;
    if block.label != "CERTIFICATE" {
        return Err(format!("is a PEM `{}`, not a CERTIFICATE", block.label));
    }
    let certificate = block
        .parse_x509()
        .map_err(|err| format!("is not an X.509 certificate: {err}"))?;
    if !certificate.is_ca() {
        return Err("is a certificate that is not a CA (no basicConstraints CA:TRUE)".into());
    }
    let digest = Sha256::digest(certificate.public_key().raw);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("sha256:{hex}"))
}

/// Whether a PEM block holds a private key.
pub fn key_problem(pem: &str) -> Option<String> {
    match x509_parser::pem::parse_x509_pem(pem.as_bytes()) {
        Ok((_, block)) if block.label.ends_with("PRIVATE KEY") => None,
        Ok((_, block)) => Some(format!("is a PEM `{}`, not a private key", block.label)),
        Err(_) => Some("is not a PEM private key".into()),
    }
}

/// How to make a cluster CA.
pub const CA_HELP: &str = "make a CA with `openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
     -days 3650 -subj /CN=kubernetes-ca -addext basicConstraints=critical,CA:TRUE \
     -addext keyUsage=critical,keyCertSign,cRLSign`, and set `ca_certificate = file(\"ca.crt\")` and \
     `ca_key = file(\"ca.key\")` on the cluster";

/// What the nodes join with: the cluster's bootstrap secrets, and who joins.
pub struct Bootstrap {
    pub api: KubeadmApi,
    /// The first control-plane node, which runs `kubeadm init`.
    pub first: Option<EntityId>,
    /// Every other node that runs a kubelet, in source order.
    pub joining: Vec<EntityId>,
    pub token: Option<String>,
    pub certificate_key: Option<String>,
    pub ca_certificate: Option<String>,
    pub ca_key: Option<String>,
}

impl Bootstrap {
    /// The bootstrap of a platform; `None` when its version names no kubeadm release.
    pub fn of(context: &Platform<'_>) -> Option<Bootstrap> {
        let secrets = context.secrets;
        let cluster = context.cluster();
        let api = kubeadm_api(cluster.version()?).ok()?;
        let first = context.topology.control_plane.first().copied();
        let joining = (context.topology.kubelet.iter())
            .copied()
            .filter(|node| Some(*node) != first)
            .collect();
        let value = |source: Option<&crate::semantic::SecretSource>| {
            source.and_then(|source| secrets.get(source)).map(str::to_string)
        };
        Some(Bootstrap {
            api,
            first,
            joining,
            token: value(cluster.bootstrap_token()),
            certificate_key: value(cluster.certificate_key()),
            ca_certificate: value(cluster.ca_certificate()),
            ca_key: value(cluster.ca_key()),
        })
    }

    /// How many of the joining nodes are control-plane nodes.
    pub fn joining_control_planes(&self, context: &Platform<'_>) -> usize {
        (self.joining.iter())
            .filter(|node| context.topology.control_plane.contains(node))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_pick_their_kubeadm_api() {
        assert_eq!(kubeadm_api("1.30.2"), Ok(KubeadmApi::V1beta3));
        assert_eq!(kubeadm_api("v1.22.0"), Ok(KubeadmApi::V1beta3));
        assert_eq!(kubeadm_api("1.31.0"), Ok(KubeadmApi::V1beta4));
        assert_eq!(kubeadm_api("1.36.1"), Ok(KubeadmApi::V1beta4));
        assert!(kubeadm_api("1.21.14").is_err());
        assert!(kubeadm_api("1.38.0").is_err());
        assert!(kubeadm_api("1.30").is_err());
        assert!(kubeadm_api("2.0.0").is_err());
        assert!(kubeadm_api("latest").is_err());
    }

    #[test]
    fn token_and_key_formats() {
        assert_eq!(token_problem("abcdef.0123456789abcdef"), None);
        assert!(token_problem("ABCDEF.0123456789abcdef").is_some());
        assert!(token_problem("abcdef0123456789abcdef").is_some());
        assert!(token_problem("abcde.0123456789abcdefg").is_some());
        assert_eq!(certificate_key_problem(&"a1".repeat(32)), None);
        assert!(certificate_key_problem(&"a1".repeat(31)).is_some());
        assert!(certificate_key_problem(&"g1".repeat(32)).is_some());
    }

    #[test]
    fn a_non_certificate_has_no_hash() {
        assert!(ca_cert_hash("hello").is_err());
        assert!(ca_cert_hash("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err());
    }
}
