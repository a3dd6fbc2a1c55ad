//! Bootstrap: a Kubernetes version kubeadm can be configured for, and the secrets the
//! nodes join with in kubeadm's formats: the bootstrap token, the certificate key and the
//! cluster CA whose public key the joining nodes pin.
//!
//! A secret that is absent, where the nodes need it, is the build's finding (`check` on
//! its own sees a platform, not a deployment); a secret whose value is known and wrong is
//! reported here.

use sha2::{Digest, Sha256};

use super::Context;
use crate::diagnostic::{Code, Diagnostic};

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

pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(cluster) = context.cluster else { return };
    let cluster = context.model.cluster(cluster);
    // E0206: a version kubeadm can be configured for.
    if let Some(version) = cluster.version()
        && let Err(problem) = kubeadm_api(version)
    {
        out.push(
            Diagnostic::error(Code::E0206, problem, cluster.version_span(), "version").with_help(format!(
                "write a released version from 1.{} to 1.{}, such as \"1.36.3\"",
                MINORS.start(),
                MINORS.end()
            )),
        );
    }
    // E0219: a release still supported (a warning: the platform works, unpatched).
    if let Some(version) = cluster.version()
        && let Ok(minor) = minor(version)
        && let Some(release) = super::release::of(minor)
        && super::release::ended(release)
    {
        let supported: Vec<String> = super::release::supported()
            .map(|release| format!("1.{}", release.minor))
            .collect();
        out.push(
            Diagnostic::warning(
                Code::E0219,
                format!(
                    "Kubernetes 1.{minor} reached its end of life on {}: it gets no more patches, security fixes included",
                    release.end_of_life
                ),
                cluster.version_span(),
                "past its end of life",
            )
            .with_help(format!(
                "move to a supported release ({}, as of {}); kubeadm upgrades one minor at a time",
                supported.join(", "),
                super::release::KNOWN_AT
            )),
        );
    }
    // The secrets' formats, when their values are known.
    let value = |source: Option<&crate::semantic::SecretSource>| source.and_then(|source| context.secrets.get(source));
    if let Some(problem) = value(cluster.bootstrap_token()).and_then(token_problem) {
        out.push(
            Diagnostic::error(
                Code::E0207,
                format!("the bootstrap token {problem}"),
                cluster.bootstrap_token_span(),
                "bootstrap token",
            )
            .with_help("make one with `kubeadm token generate` (such as abcdef.0123456789abcdef)"),
        );
    }
    if let Some(problem) = value(cluster.certificate_key()).and_then(certificate_key_problem) {
        out.push(
            Diagnostic::error(
                Code::E0208,
                format!("the certificate key {problem}"),
                cluster.certificate_key_span(),
                "certificate key",
            )
            .with_help("make one with `kubeadm certs certificate-key` (or `openssl rand -hex 32`)"),
        );
    }
    if let Some(Err(problem)) = value(cluster.ca_certificate()).map(ca_cert_hash) {
        out.push(
            Diagnostic::error(
                Code::E0209,
                format!("the cluster CA certificate {problem}"),
                cluster.ca_certificate_span(),
                "CA certificate",
            )
            .with_help(CA_HELP),
        );
    }
    if let Some(problem) = value(cluster.ca_key()).and_then(key_problem) {
        out.push(
            Diagnostic::error(
                Code::E0209,
                format!("the cluster CA key {problem}"),
                cluster.ca_key_span(),
                "CA key",
            )
            .with_help(CA_HELP),
        );
    }
}

/// How to make a cluster CA.
pub const CA_HELP: &str = "make a CA with `openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
     -days 3650 -subj /CN=kubernetes-ca -addext basicConstraints=critical,CA:TRUE \
     -addext keyUsage=critical,keyCertSign,cRLSign`, and set `ca_certificate = file(\"ca.crt\")` and \
     `ca_key = file(\"ca.key\")` on the cluster";

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
