//! Bootstrap: a Kubernetes version kubeadm can be configured for, and the secrets the
//! nodes join with in kubeadm's formats: the bootstrap token, the certificate key and the
//! cluster CA whose public key the joining nodes pin.
//!
//! A secret that is absent, where the nodes need it, is the build's finding (`check` on
//! its own sees a platform, not a deployment); a secret whose value is known and wrong is
//! reported here.

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::platform::bootstrap::Bootstrap;
use crate::platform::bootstrap::{
    CA_HELP, MINORS, ca_cert_hash, certificate_key_problem, key_problem, kubeadm_api, minor, token_problem,
};
use crate::semantic::views::Profile;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(version_known: E0206),
    super::rule!(token_well_formed: E0207),
    super::rule!(certificate_key_well_formed: E0208),
    super::rule!(ca_well_formed: E0209),
    super::rule!(release_supported: E0219),
];

/// E0206: a version kubeadm can be configured for.
fn version_known(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();
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
}

/// E0219: a release still supported (a warning: the platform works, unpatched).
fn release_supported(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();
    if let Some(version) = cluster.version()
        && let Ok(minor) = minor(version)
        && let Some(release) = crate::platform::release::of(minor)
        && crate::platform::release::ended(release)
    {
        let supported: Vec<String> = crate::platform::release::supported()
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
                crate::platform::release::KNOWN_AT
            )),
        );
    }
}

/// The value of a cluster secret, when the caller could read it.
fn secret<'p>(context: &'p Platform<'_>, source: Option<&crate::semantic::SecretSource>) -> Option<&'p str> {
    source.and_then(|source| context.secrets.get(source))
}

/// E0207: a bootstrap token in kubeadm's format, when its value is known.
fn token_well_formed(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();
    if let Some(problem) = secret(context, cluster.bootstrap_token()).and_then(token_problem) {
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
}

/// E0208: a certificate key kubeadm can use, when its value is known.
fn certificate_key_well_formed(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();
    if let Some(problem) = secret(context, cluster.certificate_key()).and_then(certificate_key_problem) {
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
}

/// E0209: the cluster CA is a certificate and a private key, when their values are known.
fn ca_well_formed(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();
    if let Some(Err(problem)) = secret(context, cluster.ca_certificate()).map(ca_cert_hash) {
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
    if let Some(problem) = secret(context, cluster.ca_key()).and_then(key_problem) {
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

/// What a build needs before the nodes can join, reported before anything is written:
/// a bootstrap token when any node joins (E0207), a certificate key when a control-plane
/// node joins (E0208), and the cluster CA (E0209: an error in production; in dev the joins
/// skip CA verification, with this warning).
pub fn joins(context: &Platform<'_>) -> Vec<Diagnostic> {
    match Bootstrap::of(context) {
        Some(bootstrap) => findings(context, &bootstrap),
        None => Vec::new(),
    }
}

/// [`joins`] for a context and bootstrap already worked out.
fn findings(context: &Platform<'_>, bootstrap: &Bootstrap) -> Vec<Diagnostic> {
    let cluster = context.cluster();
    let mut found = Vec::new();
    let joining = bootstrap.joining.len();
    if joining == 0 {
        return found;
    }
    let nodes = crate::platform::plural(joining, "node");
    let join = |count: usize| if count == 1 { "joins" } else { "join" };
    // A secret that is declared but cannot be read is E0203's finding, not a missing one.
    if bootstrap.token.is_none() && cluster.bootstrap_token().is_none() {
        found.push(
            Diagnostic::error(
                Code::E0207,
                format!("{nodes} {} the cluster, and it has no `bootstrap_token`", join(joining)),
                cluster.name_span(),
                "no bootstrap token",
            )
            .with_help(
                "add `bootstrap_token = env(\"K8SC_BOOTSTRAP_TOKEN\")`, set to what `kubeadm token generate` prints",
            ),
        );
    }
    let control_planes = bootstrap.joining_control_planes(context);
    if control_planes > 0 && bootstrap.certificate_key.is_none() && cluster.certificate_key().is_none() {
        found.push(
            Diagnostic::error(
                Code::E0208,
                format!(
                    "{} {} the control plane, and the cluster has no `certificate_key`",
                    crate::platform::plural(control_planes, "node"),
                    join(control_planes)
                ),
                cluster.name_span(),
                "no certificate key",
            )
            .with_help("add `certificate_key = env(\"K8SC_CERTIFICATE_KEY\")`, set to what `kubeadm certs certificate-key` prints"),
        );
    }
    match (cluster.ca_certificate().is_some(), cluster.ca_key().is_some()) {
        (true, true) => {}
        (false, false) => {
            let message = format!(
                "{nodes} {} without a cluster CA to verify the control plane with",
                join(joining)
            );
            let finding = if cluster.profile() == Profile::Dev {
                Diagnostic::warning(
                    Code::E0209,
                    message,
                    cluster.name_span(),
                    "no CA: discovery is not verified",
                )
            } else {
                Diagnostic::error(Code::E0209, message, cluster.name_span(), "no CA")
            };
            found.push(finding.with_help(CA_HELP));
        }
        (true, false) | (false, true) => found.push(
            Diagnostic::error(
                Code::E0209,
                "the cluster CA needs both `ca_certificate` and `ca_key`: kubeadm init signs with the key",
                cluster.name_span(),
                "half a CA",
            )
            .with_help(CA_HELP),
        ),
    }
    found
}
