//! keepalived VRRP groups: enough members, a VIP in their subnet that nobody owns, a
//! router id unique per subnet, one preferred MASTER, a password keepalived will not
//! truncate.

use rustc_hash::FxHashMap as HashMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::platform::Platform;
use crate::platform::vrrp::{BLACK_HOLE_SECONDS, black_hole, interface, router_ids, segment, version};
use crate::semantic::{EntityId, Model};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(two_members: HA030),
    super::rule!(vip_in_subnet: HA031),
    super::rule!(vip_unowned: HA032),
    super::rule!(router_ids_unique: HA033),
    super::rule!(priorities_ordered: HA034),
    super::rule!(auth_pass_length: HA035),
    super::rule!(router_ids_in_range: HA036),
    super::rule!(auth_pass_carried: HA037),
    super::rule!(tracked_service_released: HA038),
    super::rule!(interface_declared: HA039),
    super::rule!(services_tracked: HA110),
    super::rule!(tracks_what_it_carries: HA113),
    super::rule!(check_interval_in_seconds: E0212),
    super::rule!(advert_interval_in_vrrp: E0212),
];

/// How far apart two members' VRRP takeover timers must be, at least: a backup's
/// Master_Down_Interval has a skew of (256 - priority) / 256 advertisements, and two timers
/// closer than this can both run out before either member's first advertisement arrives.
pub const TIMER_GAP_MS: u64 = 100;

/// Two declared priorities whose takeover timers lie closer than [`TIMER_GAP_MS`], with
/// how many milliseconds apart they are.
fn close_priorities(values: &[i64], advert_ms: u64) -> Option<(i64, i64, u64)> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).find_map(|pair| {
        let millis = pair[1].abs_diff(pair[0]).saturating_mul(advert_ms) / 256;
        (millis < TIMER_GAP_MS).then_some((pair[1], pair[0], millis))
    })
}

/// The longest advertisement interval VRRPv3 carries (4095 centiseconds).
const VRRP3_MAX_ADVERT_MILLIS: u64 = 40_950;

/// HA110: a VIP group tracks every service its VIP carries: the balancers, ingress
/// controllers and DRBD pairs that name it. A holder whose untracked service died keeps
/// the VIP at full priority, and that service's clients reach nothing.
fn services_tracked(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    use crate::semantic::views::{LbSoftware, VipTrack};
    let model = context.model;
    for view in model.vip_groups() {
        let id = view.id();
        let track = view.track();
        // What the VIP carries, and whether the group's check watches it.
        let mut carried: Vec<(String, bool)> = Vec::new();
        for balancer in model.load_balancers().filter(|balancer| balancer.vip() == Some(id)) {
            // An LVS director's real servers are checked by keepalived itself.
            if balancer.software() == LbSoftware::Lvs {
                continue;
            }
            let watched = matches!(track, VipTrack::Apiserver | VipTrack::Haproxy);
            carried.push((format!("load balancer `{}`", balancer.name()), watched));
        }
        for controller in model
            .ingress_controllers()
            .filter(|controller| controller.vip() == Some(id))
        {
            carried.push((
                format!("ingress controller `{}`", controller.name()),
                track == VipTrack::Ingress,
            ));
        }
        for pair in model.drbd_pairs().filter(|pair| pair.vip() == Some(id)) {
            carried.push((
                format!("the NFS of DRBD pair `{}`", pair.name()),
                track == VipTrack::Nfs,
            ));
        }
        let unwatched: Vec<&str> = (carried.iter())
            .filter(|(_, watched)| !watched)
            .map(|(what, _)| what.as_str())
            .collect();
        // One service and no check at all is HA031's and HA038's ground; this rule is about a
        // VIP shared by services of which the check watches only some.
        if carried.len() < 2 || unwatched.is_empty() || unwatched.len() == carried.len() {
            continue;
        }
        out.push(
            context
                .finding(
                    Code::HA110,
                    format!(
                        "VIP group `{}` carries {}, but tracks only {}: a holder whose {} died keeps the VIP, and its clients reach nothing",
                        view.name(),
                        carried.iter().map(|(what, _)| what.as_str()).collect::<Vec<_>>().join(" and "),
                        track.as_str(),
                        unwatched.join(" or ")
                    ),
                    view.track_span(),
                    format!("track = {}", track.as_str()),
                )
                .with_help("give each service a VIP group of its own that tracks it, or accept the risk with `@allow(HA110, \"why\")`"),
        );
    }
}

/// Who owns each address: the owner, what it is, and where its address is written.
fn address_owners(model: &Model) -> HashMap<Ipv4Addr, (EntityId, &'static str, Span)> {
    let mut owners: HashMap<Ipv4Addr, (EntityId, &'static str, Span)> = HashMap::default();
    for node in model.nodes() {
        if let Some(address) = node.address() {
            owners
                .entry(address)
                .or_insert((node.id().entity(), "node", node.address_span()));
        }
    }
    owners
}

/// HA113: a group tracks a service its VIP carries: `nfs` a DRBD pair behind it,
/// `ingress` an ingress controller on it, `haproxy` a haproxy balancer on it (the
/// apiserver's check asks the apiserver itself, so `apiserver` may stand alone).
fn tracks_what_it_carries(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    use crate::semantic::views::{LbSoftware, VipTrack};
    let model = context.model;
    for view in model.vip_groups() {
        let (id, name) = (view.id(), view.name());
        let (carried, what, how) = match view.track() {
            VipTrack::Nfs => (
                model.drbd_pairs().any(|pair| pair.vip() == Some(id)),
                "DRBD pair",
                format!("`vip = {name}` on the DRBD pair whose NFS it serves"),
            ),
            VipTrack::Ingress => (
                model
                    .ingress_controllers()
                    .any(|controller| controller.vip() == Some(id)),
                "ingress controller",
                format!("`vip = {name}` on the ingress controller it fronts"),
            ),
            VipTrack::Haproxy => (
                (model.load_balancers())
                    .any(|balancer| balancer.vip() == Some(id) && balancer.software() == LbSoftware::Haproxy),
                "haproxy load balancer",
                format!("`vip = {name}` on the haproxy load balancer it fronts"),
            ),
            VipTrack::Apiserver | VipTrack::None => continue,
        };
        if !carried {
            out.push(
                Diagnostic::error(
                    Code::HA113,
                    format!(
                        "VIP group `{name}` tracks {}, but no {what} is behind its VIP: keepalived's check would watch a service the VIP does not carry",
                        view.track()
                    ),
                    view.track_span(),
                    format!("no {what} on this VIP"),
                )
                .with_help(format!("write {how}, or track what the VIP carries (`track = none` when nothing)")),
            );
        }
    }
}

/// HA036: every router id is in 1..255.
fn router_ids_in_range(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for router in router_ids(model) {
        if !(1..=255).contains(&router.id) {
            out.push(
                Diagnostic::error(
                    Code::HA036,
                    format!(
                        "virtual_router_id {} of `{}` is outside 1..255",
                        router.id,
                        model.name(router.vip)
                    ),
                    model.vip_group(router.vip).router_id_span(),
                    "out of range",
                )
                .with_help("use an id from 1 to 255, or leave `router_id` out and k8sc assigns one"),
            );
        }
    }
}

/// HA033: no two groups on one segment share a router id.
fn router_ids_unique(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let ids = router_ids(model);
    let mut seen: HashMap<(Option<Ipv4Net>, i64), EntityId> = HashMap::default();
    for router in ids.iter().filter(|router| (1..=255).contains(&router.id)) {
        let key = (segment(model, router.vip), router.id);
        if let Some(&first) = seen.get(&key) {
            let free = (1..=255).find(|candidate| {
                !ids.iter()
                    .any(|other| other.id == *candidate && segment(model, other.vip) == key.0)
            });
            out.push(
                Diagnostic {
                    severity: Severity::Error,
                    ..Diagnostic::error(
                        Code::HA033,
                        format!(
                            "VIP groups `{}` and `{}` both use virtual_router_id {} on one subnet",
                            model.name(first),
                            model.name(router.vip),
                            router.id
                        ),
                        model.vip_group(router.vip).router_id_span(),
                        format!("router id {}", router.id),
                    )
                }
                .with_label(
                    model.vip_group(first).router_id_span(),
                    format!("`{}` uses {} too", model.name(first), router.id),
                )
                .with_help(match free {
                    Some(free) => {
                        format!("use a free id such as {free}, or leave `router_id` out and k8sc assigns one")
                    }
                    None => "every id of this subnet is taken: move a group to another segment".to_string(),
                }),
            );
        } else {
            seen.insert(key, router.vip);
        }
    }
}

/// HA030: at least 2 members, or the VIP cannot move anywhere.
fn two_members(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let members = view.members().entities();
        let name = view.name();

        if members.len() < 2 {
            out.push(
                context
                    .finding(
                        Code::HA030,
                        format!(
                            "VIP group `{name}` has {} member; a VIP needs 2 to fail over",
                            members.len()
                        ),
                        view.members_span(),
                        "one member",
                    )
                    .with_help("add a second node on another physical host"),
            );
        }
    }
}

/// HA031: the VIP lies in the members' subnet.
fn vip_in_subnet(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let node_subnet = context.cluster().node_subnet();
    for view in model.vip_groups() {
        let name = view.name();
        let Some(address) = view.address() else {
            continue;
        };

        if let Some(subnet) = node_subnet
            && !subnet.contains(&address)
        {
            out.push(
                Diagnostic::error(
                    Code::HA031,
                    format!("the VIP {address} of `{name}` is outside the node subnet {subnet} its members are on"),
                    view.address_span(),
                    "not in the members' subnet",
                )
                .with_label(context.cluster().node_subnet_span(), "the node subnet")
                .with_help(format!("pick a free address in {subnet}")),
            );
        }
    }
}

/// HA032: nobody's own address, and no other group's VIP.
fn vip_unowned(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut owners = address_owners(model);
    for view in model.vip_groups() {
        let vip = view.id().entity();
        let name = view.name();
        let Some(address) = view.address() else {
            continue;
        };

        match owners.get(&address) {
            Some(&(owner, kind, owner_span)) => out.push(
                Diagnostic::error(
                    Code::HA032,
                    format!(
                        "the VIP {address} of `{name}` is already the address of {kind} `{}`",
                        model.name(owner)
                    ),
                    view.address_span(),
                    "taken",
                )
                .with_label(owner_span, format!("{kind} `{}` has it", model.name(owner)))
                .with_help("a VIP must be an address no node or other VIP owns"),
            ),
            None => {
                owners.insert(address, (vip, "VIP group", view.address_span()));
            }
        }
    }
}

/// HA034: one preferred MASTER (the first member), distinct priorities in 1..254.
fn priorities_ordered(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let members = view.members().entities();
        let name = view.name();

        if let Some(declared) = view.priorities() {
            let values: Vec<i64> = declared.to_vec();
            let span = view.priorities_span();
            let problem = if values.len() != members.len() {
                Some(format!("{} priorities for {} members", values.len(), members.len()))
            } else if let Some(bad) = values.iter().find(|value| !(1..=254).contains(*value)) {
                Some(format!(
                    "priority {bad} is outside 1..254 (255 is reserved for the address owner)"
                ))
            } else if values
                .iter()
                .enumerate()
                .any(|(idx, value)| values[..idx].contains(value))
            {
                Some("two members share a priority".to_string())
            } else if values.iter().skip(1).any(|value| *value >= values[0]) {
                Some("the first member, the preferred MASTER, does not have the highest priority".to_string())
            } else {
                close_priorities(&values, view.advert_interval()).map(|(a, b, millis)| {
                    format!(
                        "priorities {a} and {b} are {} apart: those members' takeover timers differ by {millis} ms, \
                         so both may take the VIP at once (at least {TIMER_GAP_MS} ms apart)",
                        a.abs_diff(b)
                    )
                })
            };
            if let Some(problem) = problem {
                out.push(
                    context
                        .finding(Code::HA034, format!("VIP group `{name}`: {problem}"), span, "priorities")
                        .with_label(view.members_span(), "members, preferred first")
                        .with_help("give one priority per member, distinct and spaced, highest first (or leave them out: 200, 150, 100, ...)"),
                );
            }
        }
    }
}

/// HA037: a password keepalived.conf can carry: not empty (keepalived would run
/// without authentication), one word of printable ASCII without a quote, not
/// beginning with a comment sign.
fn auth_pass_carried(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let name = view.name();

        if let Some(source) = view.auth_pass()
            && let Some(secret) = context.secrets.get(source)
            && let Some(problem) = auth_pass_problem(secret)
        {
            out.push(
                Diagnostic::error(
                    Code::HA037,
                    format!("the auth_pass of `{name}` {problem}"),
                    view.auth_pass_span(),
                    "auth_pass",
                )
                .with_help("use 1 to 8 printable ASCII characters other than a space and `\" ' \\ { } # ! $ ~`"),
            );
        }
    }
}

/// HA039: keepalived binds VRRP and the VIP to an interface someone declared.
fn interface_declared(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let vip = view.id().entity();
        let members = view.members().entities();
        let name = view.name();

        let undeclared: Vec<&str> = (members.iter())
            .filter(|member| interface(model, vip, **member).is_none())
            .map(|member| model.name(*member))
            .collect();
        if !undeclared.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::HA039,
                    format!(
                        "VIP group `{name}` names no network interface for {}: keepalived would put the VIP on a guess",
                        undeclared.iter().map(|node| format!("`{node}`")).collect::<Vec<_>>().join(", ")
                    ),
                    view.members_span(),
                    "members without an interface",
                )
                .with_help("declare the node subnet's interface on the cluster (`interface = \"eth0\"`), or `interface` on each node or on the VIP group"),
            );
        }
    }
}

/// HA038: a dead tracked service gives the VIP up within a few seconds: detection
/// (check_interval x check_fall) and the next member's takeover timer.
fn tracked_service_released(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let name = view.name();

        if let Some(seconds) = black_hole(view)
            && seconds > BLACK_HOLE_SECONDS
        {
            out.push(
                Diagnostic::warning(
                    Code::HA038,
                    format!("when its tracked service dies, VIP group `{name}` keeps the VIP on the dead member for up to {seconds} s"),
                    view.check_fall_span(),
                    format!("{seconds} s without the service"),
                )
                .with_label(view.check_interval_span(), "check interval")
                .with_help(format!("keep check_interval x check_fall + 4 x advert_interval within {BLACK_HOLE_SECONDS} s: the defaults (2s, 2, 1s) give 8 s")),
            );
        }
    }
}

/// E0212: keepalived runs a check script every whole number of seconds.
fn check_interval_in_seconds(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let name = view.name();

        let millis = view.check_interval();
        if !millis.is_multiple_of(1000) {
            out.push(
                Diagnostic::error(
                    Code::E0212,
                    format!(
                        "VIP group `{name}` checks every {millis} ms, but keepalived runs a check script every whole number of seconds"
                    ),
                    view.check_interval_span(),
                    "not whole seconds",
                )
                .with_help(format!(
                    "use {}s or {}s (with `check_fall`, how long a dead service keeps the VIP)",
                    (millis / 1000).max(1),
                    millis.div_ceil(1000)
                )),
            );
        }
    }
}

/// E0212: an advert interval that is not whole seconds needs VRRPv3, which counts
/// in 10 ms steps up to 40.95 s and has no authentication.
fn advert_interval_in_vrrp(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let name = view.name();

        let millis = view.advert_interval();
        if version(view) == 3 {
            let problem = if !millis.is_multiple_of(10) {
                Some((
                    format!("VIP group `{name}` advertises every {millis} ms, but VRRPv3 counts in steps of 10 ms"),
                    view.advert_interval_span(),
                    "not a multiple of 10 ms",
                    format!("use {} ms, or whole seconds (VRRPv2)", millis / 10 * 10),
                ))
            } else if millis > VRRP3_MAX_ADVERT_MILLIS {
                Some((
                    format!("VIP group `{name}` advertises every {millis} ms, more than the 40.95 s VRRPv3 allows"),
                    view.advert_interval_span(),
                    "above 40.95 s",
                    "use whole seconds (VRRPv2, up to 255 s)".to_string(),
                ))
            } else if view.auth_pass().is_some() {
                Some((
                    format!(
                        "VIP group `{name}` advertises every {millis} ms, not whole seconds, which needs VRRPv3, and VRRPv3 has no authentication: keepalived would ignore its auth_pass"
                    ),
                    view.auth_pass_span(),
                    "ignored under VRRPv3",
                    "advertise in whole seconds to keep the auth_pass (VRRPv2), or drop the auth_pass and keep VRRP on a segment only the members reach".to_string(),
                ))
            } else {
                None
            };
            if let Some((message, span, label, help)) = problem {
                let mut diagnostic = Diagnostic::error(Code::E0212, message, span, label).with_help(help);
                if span != view.advert_interval_span() {
                    diagnostic = diagnostic.with_label(view.advert_interval_span(), "not whole seconds");
                }
                out.push(diagnostic);
            }
        }
    }
}

/// HA035: keepalived uses only the first 8 characters of auth_pass.
fn auth_pass_length(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.vip_groups() {
        let name = view.name();

        if let Some(source) = view.auth_pass()
            && let Some(secret) = context.secrets.get(source)
            && secret.chars().count() > 8
        {
            out.push(
                Diagnostic::error(
                    Code::HA035,
                    // Never the secret's exact length: a diagnostic must not leak it.
                    format!("the auth_pass of `{name}` is longer than the 8 characters keepalived uses"),
                    view.auth_pass_span(),
                    "longer than 8 characters",
                )
                .with_help("use a password of at most 8 characters (members compare only the first 8)"),
            );
        }
    }
}

/// Why keepalived.conf cannot carry a password, if it cannot: keepalived reads it as one
/// word, so whitespace ends it and a line break adds lines of its own, a `"` starts a
/// quoted string, and a word that begins with `#` or `!` is a comment.
fn auth_pass_problem(secret: &str) -> Option<String> {
    if secret.is_empty() {
        return Some("is empty: keepalived would run the group without authentication".into());
    }
    if let Some(first @ ('#' | '!')) = secret.chars().next() {
        return Some(format!(
            "begins with `{first}`, which makes it a comment in keepalived.conf"
        ));
    }
    // keepalived's parser ends a word at white space, a line at `#` or `!` anywhere outside
    // quotes, a block at `}`; it expands `$NAME` and `~SEQ`; a quote or `\` it reads
    // differently by version.
    let bad = (secret.chars()).find(|ch| !ch.is_ascii_graphic() || "\"'\\{}#!$~".contains(*ch))?;
    Some(match bad {
        '\n' | '\r' => "holds a line break, which would write lines of its own into keepalived.conf".into(),
        ch if ch.is_whitespace() => "holds a space, which ends the word keepalived reads".into(),
        ch => format!(
            "holds `{}`, which keepalived.conf cannot carry in a password",
            ch.escape_default()
        ),
    })
}
