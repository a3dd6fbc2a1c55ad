//! etcd: raft needs a majority, so even sizes add no tolerance and production needs 3+.

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::{Platform, plural, quorum, tolerance};
use crate::semantic::views::EtcdTopology;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(odd_members: HA001),
    super::rule!(enough_members: HA002),
    super::rule!(topology_matches: HA003),
];

/// HA002: a production etcd has at least 3 members; any cluster has at least one.
fn enough_members(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let members = &context.topology.etcd;
    let count = members.len();
    let cluster_span = context.cluster_span();

    if count == 0 {
        out.push(
            Diagnostic::error(
                Code::HA002,
                "the cluster has no etcd member",
                cluster_span,
                "no node has the `etcd` role",
            )
            .with_help("give the `etcd` role to 3 nodes (the control-plane nodes, for a stacked etcd)"),
        );
        return;
    }
    if context.production() && count < 3 {
        let mut diagnostic = context
            .finding(
                Code::HA002,
                format!("a production etcd needs at least 3 members; this one has {count}"),
                cluster_span,
                "production profile",
            )
            .with_help(format!(
                "with {} etcd tolerates {}; give the `etcd` role to 3 nodes on 3 physical hosts",
                plural(count, "member"),
                plural(tolerance(count), "failure")
            ));
        for &member in members {
            diagnostic = diagnostic.with_label(model.entity(member).name_span, "etcd member");
        }
        out.push(diagnostic);
    }
}

/// HA001: an odd member count; an even one tolerates no more failures than one fewer.
fn odd_members(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let members = &context.topology.etcd;
    let count = members.len();

    if count.is_multiple_of(2) {
        let Some(&last) = members.last() else { return };
        let mut diagnostic = context
            .finding(
                Code::HA001,
                format!(
                    "etcd has {count} members, an even number: its quorum is {}, so it tolerates {}, no more than {} would",
                    quorum(count),
                    plural(tolerance(count), "failure"),
                    plural(count - 1, "member")
                ),
                model.node(last).roles_span(),
                format!("member {count} of {count}"),
            )
            .with_help(if count - 1 < 3 {
                // One fewer would be below production's minimum (or no quorum to speak of).
                format!("use {} members (3, 5 and 7 are the recommended sizes)", (count + 1).max(3))
            } else {
                format!(
                    "use {} or {} members (3, 5 and 7 are the recommended sizes)",
                    count - 1,
                    count + 1
                )
            });
        for &member in &members[..members.len() - 1] {
            diagnostic = diagnostic.with_label(model.entity(member).name_span, "etcd member");
        }
        out.push(diagnostic);
    }
}

/// HA003: the topology matches the members: stacked on control-plane nodes, external on
/// nodes of their own.
fn topology_matches(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let members = &context.topology.etcd;

    let topology = context.cluster().etcd();
    for &member in members {
        let is_control_plane = context.topology.control_plane.contains(&member);
        let (wrong, message, help) = match (topology, is_control_plane) {
            (EtcdTopology::Stacked, false) => (
                true,
                format!(
                    "node `{}` runs etcd but not the control plane, and the etcd topology is stacked",
                    model.name(member)
                ),
                "add `control_plane` to its roles, or set `etcd = external` on the cluster",
            ),
            (EtcdTopology::External, true) => (
                true,
                format!(
                    "node `{}` runs etcd and the control plane, but the etcd topology is external",
                    model.name(member)
                ),
                "external etcd members are nodes of their own: remove `control_plane` or `etcd` from its roles",
            ),
            _ => (false, String::new(), ""),
        };
        if wrong {
            out.push(
                Diagnostic::error(Code::HA003, message, model.node(member).roles_span(), "etcd member")
                    .with_label(context.cluster().etcd_span(), format!("etcd = {topology}"))
                    .with_help(help),
            );
        }
    }
}
