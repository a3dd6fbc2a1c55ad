//! The VRRP plan: each group's router id (declared, or the lowest free one from 51 on its
//! segment), its members' priorities, the interface on each member, the protocol version,
//! whether it preempts, and how long a dead tracked service can keep its VIP.

use crate::semantic::{EntityId, Model};
use ipnet::Ipv4Net;
use rustc_hash::FxHashMap as HashMap;

/// The first router id handed out when a group gives none (as in kubeadm's HA guide).
const FIRST_ASSIGNED_ROUTER_ID: i64 = 51;

/// A VRRP group's virtual_router_id and whether k8sc chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterId {
    pub vip: EntityId,
    pub id: i64,
    pub assigned: bool,
}

/// The L2 segment a VIP is on: the node subnet when it holds the VIP, else its /24.
pub(crate) fn segment(model: &Model, vip: EntityId) -> Option<Ipv4Net> {
    let address = model.vip_group(vip).address()?;
    let node_subnet = model.clusters().next().and_then(|cluster| cluster.node_subnet());
    match node_subnet {
        Some(net) if net.contains(&address) => Some(net),
        _ => Ipv4Net::new(address, 24).ok().map(|net| net.trunc()),
    }
}

/// Every group's router id: the declared one, or the lowest id from 51 up that no other
/// group on its segment uses, handed out in declaration order.
pub fn router_ids(model: &Model) -> Vec<RouterId> {
    let groups: Vec<EntityId> = model.vip_groups().map(|vip| vip.id().entity()).collect();
    let mut used: HashMap<Option<Ipv4Net>, Vec<i64>> = HashMap::default();
    for &vip in &groups {
        if let Some(id) = model.vip_group(vip).router_id() {
            used.entry(segment(model, vip)).or_default().push(id);
        }
    }
    let mut result = Vec::with_capacity(groups.len());
    for vip in groups {
        if let Some(id) = model.vip_group(vip).router_id() {
            result.push(RouterId {
                vip,
                id,
                assigned: false,
            });
            continue;
        }
        let taken = used.entry(segment(model, vip)).or_default();
        let mut id = FIRST_ASSIGNED_ROUTER_ID;
        while taken.contains(&id) {
            id = if id >= 255 { 1 } else { id + 1 };
            if id == FIRST_ASSIGNED_ROUTER_ID {
                break;
            }
        }
        taken.push(id);
        result.push(RouterId {
            vip,
            id,
            assigned: true,
        });
    }
    result
}

/// The VRRP priorities of a group's members: the declared ones, or from 200 down in steps
/// of 50 (narrower for more than four members). keepalived's backups wait 3 advertisements
/// plus (256 - priority)/256 of one before they take over: steps of 50 put about 0.2 s
/// between their timers, so at a cold start the preferred member's advertisement reaches
/// the others before any of them declares itself MASTER.
pub fn priorities(model: &Model, vip: EntityId) -> Vec<i64> {
    let vip = model.vip_group(vip);
    match vip.priorities() {
        Some(declared) => declared.to_vec(),
        None => {
            let members = vip.members().len() as i64;
            let step = (199 / members.max(1)).clamp(1, 50);
            (0..members).map(|idx| (200 - step * idx).max(1)).collect()
        }
    }
}

/// The interface keepalived puts a VIP on, on one member: the VIP group's, else the
/// node's, else the cluster's (the node subnet's); `None` when nobody declared one.
pub fn interface(model: &Model, vip: EntityId, member: EntityId) -> Option<&str> {
    (model.vip_group(vip).interface())
        .or_else(|| model.node(member).interface())
        .or_else(|| model.clusters().next().and_then(|cluster| cluster.interface()))
}

/// The VRRP version a VIP group runs: 3 when it advertises in part seconds (VRRPv2 counts
/// in whole seconds), else keepalived's default, 2.
pub fn version(vip: crate::semantic::views::VipGroup<'_>) -> u8 {
    if vip.advert_interval().is_multiple_of(1000) {
        2
    } else {
        3
    }
}

/// Whether a VIP returns to its preferred member when that recovers: as declared, else
/// yes, except for a DRBD pair's VIP.
pub fn preempts(model: &Model, vip: EntityId) -> bool {
    let view = model.vip_group(vip);
    view.preempt()
        .unwrap_or_else(|| !(model.drbd_pairs()).any(|pair| pair.vip() == Some(view.id())))
}

/// The longest a VIP may stay on a member whose tracked service is dead, in production.
pub const BLACK_HOLE_SECONDS: u64 = 10;

/// How long, in whole seconds, a VIP whose member's tracked service died stays there: the
/// checks that must fail in a row, then VRRP's Master_Down_Interval (three advertisements
/// and the backup's skew, at most one more), because a backup that preempts discards the
/// holder's lower-priority advertisements and takes over when their timer runs out (as the
/// lab measures with the real keepalived); `None` when nothing is tracked by a check.
pub fn black_hole(vip: crate::semantic::views::VipGroup<'_>) -> Option<u64> {
    use crate::semantic::views::VipTrack;
    match vip.track() {
        VipTrack::Apiserver | VipTrack::Haproxy | VipTrack::Ingress | VipTrack::Nfs => {}
        _ => return None,
    }
    let interval = vip.check_interval().div_ceil(1000).max(1);
    let fall = u64::try_from(vip.check_fall().max(1)).unwrap_or(u64::MAX);
    let advert = vip.advert_interval().max(1);
    let takeover = advert.saturating_mul(4).div_ceil(1000);
    Some(interval.saturating_mul(fall).saturating_add(takeover))
}
