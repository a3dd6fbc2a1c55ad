//! Networking: node, pod and service networks apart; every node on the node subnet with
//! an address of its own; network policies only where the CNI enforces them.

use rustc_hash::FxHashMap as HashMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::semantic::EntityId;
use crate::semantic::views::Cni;
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(networks_disjoint: HA070),
    super::rule!(node_addresses_in_subnet: HA071),
    super::rule!(node_addresses_unique: HA072),
    super::rule!(policies_enforced: HA073),
    super::rule!(no_external_ips: HA074),
    super::rule!(calico_release_tested: HA075),
    super::rule!(proxy_mode_offered: HA076),
];

/// Whether two networks share any address.
pub fn overlap(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// HA075: a Calico release k8sc pins is tested with the cluster's minor.
fn calico_release_tested(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();
    let minor = context.minor();

    if cluster.cni() == Cni::Calico
        && let Some(minor) = minor
        && !crate::platform::release::CALICO_MINORS.contains(&minor)
    {
        out.push(
            Diagnostic::error(
                Code::HA075,
                format!(
                    "no Calico release k8sc pins is tested with Kubernetes 1.{minor} (the newest it knows is tested up to 1.{})",
                    crate::platform::release::CALICO_MINORS.end()
                ),
                cluster.cni_span(),
                "calico",
            )
            .with_label(cluster.version_span(), format!("Kubernetes 1.{minor}"))
            .with_help(format!(
                "run Kubernetes 1.{} or older with Calico, or choose another CNI (`cni = cilium`)",
                crate::platform::release::CALICO_MINORS.end()
            )),
        );
    }
}

/// HA074: an ingress controller exposed through Services' externalIPs, which the
/// apiserver warns about from 1.36 on (deprecated, and no longer implemented by some
/// clusters).
fn no_external_ips(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let minor = context.minor();

    if minor.is_some_and(|minor| minor >= 36) {
        for controller in model.ingress_controllers() {
            if controller.expose() == crate::semantic::views::IngressExpose::ExternalIps {
                out.push(
                    Diagnostic::warning(
                        Code::HA074,
                        format!(
                            "ingress controller `{}` is exposed through a Service's externalIPs, which Kubernetes deprecated in 1.36: kube-apiserver warns, and some clusters no longer implement them",
                            controller.name()
                        ),
                        controller.expose_span(),
                        "external_ips",
                    )
                    .with_help("expose it with `host_network` on its dedicated nodes behind a VIP, or with `load_balancer`"),
                );
            }
        }
    }
}

/// HA076: a kube-proxy mode the release offers and has not deprecated.
fn proxy_mode_offered(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();
    let minor = context.minor();

    if let Some(minor) = minor {
        let mode = cluster.proxy_mode();
        let problem = match mode {
            crate::semantic::views::ProxyMode::Nftables if minor < 31 => Some((
                true,
                format!("kube-proxy's nftables mode is off in Kubernetes 1.{minor} (a feature gate before 1.31)"),
                "write `proxy_mode = iptables`, or run 1.31 or newer",
            )),
            crate::semantic::views::ProxyMode::Ipvs if minor >= 35 => Some((
                false,
                format!("kube-proxy's ipvs mode is deprecated from Kubernetes 1.35 (kubeadm 1.{minor} warns about it)"),
                "write `proxy_mode = nftables` (the default), which Kubernetes recommends on current kernels",
            )),
            _ => None,
        };
        if let Some((error, message, help)) = problem {
            let span = cluster.proxy_mode_span();
            let diagnostic = if error {
                Diagnostic::error(Code::HA076, message, span, "proxy_mode")
            } else {
                Diagnostic::warning(Code::HA076, message, span, "proxy_mode")
            };
            out.push(
                diagnostic
                    .with_label(cluster.version_span(), format!("Kubernetes 1.{minor}"))
                    .with_help(help),
            );
        }
    }
}

/// HA070: the three networks do not overlap.
fn networks_disjoint(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cluster = context.cluster();

    let networks: Vec<(&str, Ipv4Net, Span)> = [
        ("node_subnet", cluster.node_subnet(), cluster.node_subnet_span()),
        ("pod_cidr", Some(cluster.pod_cidr()), cluster.pod_cidr_span()),
        (
            "service_cidr",
            Some(cluster.service_cidr()),
            cluster.service_cidr_span(),
        ),
    ]
    .into_iter()
    .filter_map(|(field, net, span)| net.map(|net| (field, net, span)))
    .collect();
    for (idx, &(field, net, span)) in networks.iter().enumerate() {
        for &(other_field, other, other_span) in &networks[idx + 1..] {
            if overlap(net, other) {
                out.push(
                    Diagnostic::error(
                        Code::HA070,
                        format!("`{other_field}` {other} overlaps `{field}` {net}"),
                        other_span,
                        format!("overlaps {field}"),
                    )
                    .with_label(span, field.to_string())
                    .with_help("give the node subnet, the pod CIDR and the service CIDR disjoint ranges"),
                );
            }
        }
    }
}
/// HA071: every node address is on the node subnet.
/// HA071 and HA072: every node address on the node subnet, and unique.
fn node_addresses_in_subnet(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let cluster = context.cluster();

    let node_subnet = cluster.node_subnet();
    for view in model.nodes() {
        let node = view.id().entity();
        let Some(address) = view.address() else {
            continue;
        };
        if let Some(subnet) = node_subnet
            && !subnet.contains(&address)
        {
            out.push(
                Diagnostic::error(
                    Code::HA071,
                    format!(
                        "node `{}` has the address {address}, outside the node subnet {subnet}",
                        model.name(node)
                    ),
                    view.address_span(),
                    "outside the node subnet",
                )
                .with_label(cluster.node_subnet_span(), "the node subnet")
                .with_help(format!("give the node an address in {subnet}, or widen `node_subnet`")),
            );
        }
    }
}

/// HA072: every node has an address of its own.
fn node_addresses_unique(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut owners: HashMap<Ipv4Addr, EntityId> = HashMap::default();
    for view in model.nodes() {
        let node = view.id().entity();
        let Some(address) = view.address() else {
            continue;
        };
        if let Some(&first) = owners.get(&address) {
            out.push(
                Diagnostic::error(
                    Code::HA072,
                    format!(
                        "nodes `{}` and `{}` share the address {address}",
                        model.name(first),
                        model.name(node)
                    ),
                    view.address_span(),
                    "address taken",
                )
                .with_label(
                    model.node(first).address_span(),
                    format!("`{}` has it first", model.name(first)),
                )
                .with_help("give every node an address of its own"),
            );
        } else {
            owners.insert(address, node);
        }
    }
}

/// HA073: network policies need a CNI that enforces them.
fn policies_enforced(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let cluster = context.cluster();

    if cluster.cni() == Cni::Flannel {
        for app in model.apps() {
            if app.allow_from().is_some() {
                out.push(
                    Diagnostic::warning(
                        Code::HA073,
                        format!(
                            "app `{}` declares a network policy, but flannel does not enforce network policies",
                            app.name()
                        ),
                        app.allow_from_span(),
                        "not enforced",
                    )
                    .with_label(cluster.cni_span(), "cni = flannel")
                    .with_help("use calico, cilium or weave as the CNI, or drop `allow_from`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::overlap;

    #[test]
    fn overlapping_networks() {
        let net = |text: &str| text.parse::<ipnet::Ipv4Net>().unwrap();
        assert!(overlap(net("10.0.0.0/8"), net("10.96.0.0/12")));
        assert!(overlap(net("10.96.0.0/12"), net("10.0.0.0/8")));
        assert!(!overlap(net("10.244.0.0/16"), net("10.96.0.0/12")));
        assert!(!overlap(net("172.16.10.0/24"), net("172.16.11.0/24")));
    }
}
