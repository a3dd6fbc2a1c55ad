//! Networking: node, pod and service networks apart; every node on the node subnet with
//! an address of its own; network policies only where the CNI enforces them.

use rustc_hash::FxHashMap as HashMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::EntityId;

/// Whether two networks share any address.
pub fn overlap(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let Some(cluster) = context.cluster else { return };

    // HA070: the three networks do not overlap.
    let networks: Vec<(&str, Ipv4Net)> = ["node_subnet", "pod_cidr", "service_cidr"]
        .into_iter()
        .filter_map(|field| model.cidr(cluster, field).map(|net| (field, net)))
        .collect();
    for (idx, &(field, net)) in networks.iter().enumerate() {
        for &(other_field, other) in &networks[idx + 1..] {
            if overlap(net, other) {
                out.push(
                    Diagnostic::error(
                        Code::HA070,
                        format!("`{other_field}` {other} overlaps `{field}` {net}"),
                        model.field_span(cluster, other_field),
                        format!("overlaps {field}"),
                    )
                    .with_label(model.field_span(cluster, field), field.to_string())
                    .with_help("give the node subnet, the pod CIDR and the service CIDR disjoint ranges"),
                );
            }
        }
    }

    // HA071 and HA072: every node address on the node subnet, and unique.
    let node_subnet = model.cidr(cluster, "node_subnet");
    let mut owners: HashMap<Ipv4Addr, EntityId> = HashMap::default();
    for node in model.all("node") {
        let Some(address) = model.ipv4(node, "address") else {
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
                    model.field_span(node, "address"),
                    "outside the node subnet",
                )
                .with_label(model.field_span(cluster, "node_subnet"), "the node subnet")
                .with_help(format!("give the node an address in {subnet}, or widen `node_subnet`")),
            );
        }
        if let Some(&first) = owners.get(&address) {
            out.push(
                Diagnostic::error(
                    Code::HA072,
                    format!(
                        "nodes `{}` and `{}` share the address {address}",
                        model.name(first),
                        model.name(node)
                    ),
                    model.field_span(node, "address"),
                    "address taken",
                )
                .with_label(
                    model.field_span(first, "address"),
                    format!("`{}` has it first", model.name(first)),
                )
                .with_help("give every node an address of its own"),
            );
        } else {
            owners.insert(address, node);
        }
    }

    // HA073: network policies need a CNI that enforces them.
    if model.variant(cluster, "cni") == Some("flannel") {
        for app in model.all("app") {
            if model.value(app, "allow_from").is_some() {
                out.push(
                    Diagnostic::warning(
                        Code::HA073,
                        format!(
                            "app `{}` declares a network policy, but flannel does not enforce network policies",
                            model.name(app)
                        ),
                        model.field_span(app, "allow_from"),
                        "not enforced",
                    )
                    .with_label(model.field_span(cluster, "cni"), "cni = flannel")
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
