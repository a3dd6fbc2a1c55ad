//! Clusters of one platform: each is checked on its own by every other family; this one
//! compares it with the clusters declared before it, whose addresses and networks it must
//! not share.

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::platform::neighbours::{Neighbour, neighbour};

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[super::rule!(clusters_apart: HA116)];

/// Two clusters share no node or VIP address, no pod network overlaps another cluster's
/// pod network or node subnet, and no two VRRP groups on one segment share a router id.
fn clusters_apart(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    if context.neighbours.is_empty() {
        return;
    }
    let own = neighbour(context);
    for other in &context.neighbours {
        addresses_apart(&own, other, out);
        networks_apart(&own, other, out);
        router_ids_apart(&own, other, out);
    }
}

/// The message names both clusters; the labels point at the two colliding values.
fn collision(other: &Neighbour, message: String, span: crate::source::Span) -> Diagnostic {
    Diagnostic::error(
        Code::HA116,
        message,
        span,
        format!("also cluster `{}`'s", other.cluster),
    )
}

fn addresses_apart(own: &Neighbour, other: &Neighbour, out: &mut Vec<Diagnostic>) {
    for mine in &own.addresses {
        if let Some(theirs) = other.addresses.iter().find(|theirs| theirs.address == mine.address) {
            out.push(
                collision(
                    other,
                    format!(
                        "{} of cluster `{}` has the address {}, which {} of cluster `{}` has too",
                        mine.holder, own.cluster, mine.address, theirs.holder, other.cluster
                    ),
                    mine.span,
                )
                .with_label(theirs.span, format!("{}'s", theirs.holder))
                .with_help("give every host and VIP of the platform an address of its own"),
            );
        }
    }
}

fn networks_apart(own: &Neighbour, other: &Neighbour, out: &mut Vec<Diagnostic>) {
    // Node subnets may be one shared segment; a pod network must be apart from both.
    for mine in &own.networks {
        for theirs in &other.networks {
            let pods_involved = mine.what == "pod network" || theirs.what == "pod network";
            let overlap = mine.net.contains(&theirs.net.network()) || theirs.net.contains(&mine.net.network());
            if pods_involved && overlap {
                out.push(
                    collision(
                        other,
                        format!(
                            "cluster `{}`'s {} {} overlaps cluster `{}`'s {} {}",
                            own.cluster, mine.what, mine.net, other.cluster, theirs.what, theirs.net
                        ),
                        mine.span,
                    )
                    .with_label(theirs.span, format!("its {}", theirs.what))
                    .with_help(
                        "give each cluster a pod network (`pod_cidr`) of its own, apart from every node subnet, \
                         such as 10.244.0.0/16 and 10.245.0.0/16",
                    ),
                );
            }
        }
    }
}

fn router_ids_apart(own: &Neighbour, other: &Neighbour, out: &mut Vec<Diagnostic>) {
    for mine in &own.vrrp {
        let shared = |theirs: &&crate::platform::neighbours::Vrrp| match (mine.segment, theirs.segment) {
            (Some(a), Some(b)) => a.contains(&b.network()) || b.contains(&a.network()),
            _ => false,
        };
        if let Some(theirs) = other.vrrp.iter().filter(shared).find(|theirs| theirs.id == mine.id) {
            out.push(
                collision(
                    other,
                    format!(
                        "VIP group `{}` of cluster `{}` and VIP group `{}` of cluster `{}` share the segment {} and \
                         the VRRP router id {}",
                        mine.group,
                        own.cluster,
                        theirs.group,
                        other.cluster,
                        mine.segment.map(|net| net.to_string()).unwrap_or_default(),
                        mine.id
                    ),
                    mine.span,
                )
                .with_label(theirs.span, format!("`{}`", theirs.group))
                .with_help(
                    "router ids are assigned per cluster, so on a segment two clusters share set `router_id` on the \
                     groups, each a different one",
                ),
            );
        }
    }
}
