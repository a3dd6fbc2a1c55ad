//! Storage: NFS exports that every consumer may mount, with safe and consistent options,
//! unique fsids, claims within capacity, and DRBD pairs of exactly two nodes behind their
//! own VIP that keep apart from the other pairs on their nodes.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::{Platform, join_and};
use crate::semantic::value::describe_memory;
use crate::semantic::views::NfsOption;
use crate::semantic::{EntityId, Model};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(consumers_are_clients: HA080),
    super::rule!(root_squashed: HA081),
    super::rule!(claims_fit: HA082),
    super::rule!(drbd_pairs_of_two: HA083),
    super::rule!(options_consistent: HA084),
    super::rule!(fsids_and_paths_unique: HA085),
    super::rule!(writes_synced: HA086),
    super::rule!(not_world_writable: HA087),
    super::rule!(drbd_collisions: HA088),
];

/// Options that cannot stand together in one exports entry.
const CONTRADICTIONS: &[(NfsOption, NfsOption)] = &[
    (NfsOption::Rw, NfsOption::Ro),
    (NfsOption::Sync, NfsOption::Async),
    (NfsOption::RootSquash, NfsOption::NoRootSquash),
    (NfsOption::SubtreeCheck, NfsOption::NoSubtreeCheck),
    (NfsOption::Secure, NfsOption::Insecure),
    (NfsOption::AllSquash, NfsOption::NoAllSquash),
];

/// The node an export is served from, for fsid and path uniqueness: the node, or the pair.
fn server_key(context: &Platform<'_>, export: EntityId) -> Option<EntityId> {
    context.model.nfs_export(export).server().map(|server| server.entity())
}

/// What claims each storage: (app, claim size, number of claims).
fn claims_by_storage(model: &Model) -> HashMap<EntityId, Vec<(EntityId, u64, u64)>> {
    let mut claims: HashMap<EntityId, Vec<(EntityId, u64, u64)>> = HashMap::default();
    for view in model.apps() {
        let app = view.id().entity();
        let replicas = u64::try_from(view.replicas().max(1)).unwrap_or(1);
        for volume in view.volumes() {
            let size = volume.size().unwrap_or(0);
            if let Some(storage) = volume.storage() {
                claims.entry(storage.entity()).or_default().push((app, size, replicas));
            }
        }
    }
    claims
}

/// HA082: claims within the declared capacity.
fn claims_fit(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let claims = claims_by_storage(model);
    let capacities = (model.nfs_exports())
        .map(|export| (export.id().entity(), export.capacity(), export.capacity_span()))
        .chain((model.ceph_rbds()).map(|pool| (pool.id().entity(), pool.capacity(), pool.capacity_span())));
    for (storage, capacity, capacity_span) in capacities {
        let Some(capacity) = capacity else {
            continue;
        };
        let consumers = claims.get(&storage).map_or(&[][..], Vec::as_slice);
        let claimed: u64 = (consumers.iter()).fold(0u64, |total, (_, size, count)| {
            total.saturating_add(size.saturating_mul(*count))
        });
        if claimed > capacity {
            let mut diagnostic = Diagnostic::error(
                Code::HA082,
                {
                    let shown = describe_memory(&[claimed, capacity]);
                    format!(
                        "volume claims on `{}` add up to {}, more than its capacity of {}",
                        model.name(storage),
                        shown[0],
                        shown[1]
                    )
                },
                capacity_span,
                "capacity",
            )
            .with_help("raise the capacity, shrink the claims, or move some to other storage");
            for (app, size, count) in consumers.iter().take(5) {
                diagnostic = diagnostic.with_label(
                    model.app(*app).volumes_span(),
                    format!("`{}`: {count} x {}", model.name(*app), describe_memory(&[*size])[0]),
                );
            }
            out.push(diagnostic);
        }
    }
}

/// HA083: a DRBD pair is exactly two nodes, and its VIP moves between them.
fn drbd_pairs_of_two(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.drbd_pairs() {
        let pair = view.id();
        let nodes = view.nodes().entities();
        if nodes.len() != 2 {
            out.push(
                Diagnostic::error(
                    Code::HA083,
                    format!(
                        "DRBD pair `{}` has {} nodes; DRBD mirrors between exactly 2",
                        model.name(pair),
                        nodes.len()
                    ),
                    view.nodes_span(),
                    "nodes",
                )
                .with_help("list exactly two nodes, on distinct physical hosts"),
            );
            continue;
        }
        if let Some(vip) = view.vip() {
            let mut members = model.vip_group(vip).members().entities();
            members.sort();
            let mut sorted = nodes.clone();
            sorted.sort();
            if members != sorted {
                out.push(
                    Diagnostic::error(
                        Code::HA083,
                        format!(
                            "the VIP `{}` of DRBD pair `{}` is held by other nodes than the pair's",
                            model.name(vip),
                            model.name(pair)
                        ),
                        view.vip_span(),
                        "this VIP",
                    )
                    .with_label(model.vip_group(vip).members_span(), "its members")
                    .with_help("make the VIP's members exactly the pair's two nodes, so it follows the active disk"),
                );
            }
        }
    }
}

/// HA084: no contradictory options.
fn options_consistent(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.nfs_exports() {
        let name = view.name();
        let options = view.options().to_vec();
        let options_span = view.options_span();

        for (a, b) in CONTRADICTIONS {
            if options.contains(a) && options.contains(b) {
                out.push(
                    Diagnostic::error(
                        Code::HA084,
                        format!("NFS export `{name}` has both `{a}` and `{b}`"),
                        options_span,
                        "contradictory options",
                    )
                    .with_help(format!(
                        "keep one of `{a}` and `{b}`; exportfs silently lets the last one win"
                    )),
                );
            }
        }
    }
}

/// HA081: no_root_squash gives every client root on the export.
fn root_squashed(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.nfs_exports() {
        let name = view.name();
        let options = view.options().to_vec();
        let options_span = view.options_span();

        if options.contains(&NfsOption::NoRootSquash) {
            out.push(
                Diagnostic::warning(
                    Code::HA081,
                    format!("NFS export `{name}` uses no_root_squash: root on any client is root on the export"),
                    options_span,
                    "no_root_squash",
                )
                .with_help("use root_squash (the default) and give the volume's files the pods' user"),
            );
        }
    }
}

/// HA086: async acknowledges writes before they reach the disk.
fn writes_synced(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.nfs_exports() {
        let name = view.name();
        let options = view.options().to_vec();
        let options_span = view.options_span();

        if options.contains(&NfsOption::Async) {
            out.push(
                Diagnostic::warning(
                    Code::HA086,
                    format!("NFS export `{name}` uses async: a server crash loses writes the clients saw succeed"),
                    options_span,
                    "async",
                )
                .with_help("use sync (the default) for volumes that hold data"),
            );
        }
    }
}

/// HA087: never writable by the whole world.
fn not_world_writable(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.nfs_exports() {
        let name = view.name();
        let options = view.options().to_vec();
        let clients = view.clients().to_vec();

        if !options.contains(&NfsOption::Ro) && clients.iter().any(|net| net.prefix_len() == 0) {
            out.push(
                Diagnostic::error(
                    Code::HA087,
                    format!("NFS export `{name}` is writable by every address (0.0.0.0/0)"),
                    view.clients_span(),
                    "world-writable",
                )
                .with_help("list the node subnet (or the consumers' addresses) as clients"),
            );
        }
    }
}

/// HA085: one fsid and one path per server.
fn fsids_and_paths_unique(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut fsids: HashMap<(Option<EntityId>, i64), EntityId> = HashMap::default();
    let mut paths: HashMap<(Option<EntityId>, String), EntityId> = HashMap::default();
    for view in model.nfs_exports() {
        let export = view.id().entity();
        let name = view.name();

        let server = server_key(context, export);
        if let Some(fsid) = view.fsid() {
            if let Some(&first) = fsids.get(&(server, fsid)) {
                out.push(
                    Diagnostic::error(
                        Code::HA085,
                        format!(
                            "NFS exports `{}` and `{name}` share fsid {fsid} on one server",
                            model.name(first)
                        ),
                        view.fsid_span(),
                        format!("fsid {fsid}"),
                    )
                    .with_label(model.nfs_export(first).fsid_span(), "first used here")
                    .with_help("give every export of a server its own fsid"),
                );
            } else {
                fsids.insert((server, fsid), export);
            }
        }
        if let Some(path) = view.path() {
            if let Some(&first) = paths.get(&(server, path.to_string())) {
                out.push(
                    Diagnostic::error(
                        Code::HA085,
                        format!(
                            "NFS exports `{}` and `{name}` export the same path {path} of one server",
                            model.name(first)
                        ),
                        view.path_span(),
                        "exported twice",
                    )
                    .with_label(model.nfs_export(first).path_span(), "first exported here")
                    .with_help("merge them into one export"),
                );
            } else {
                paths.insert((server, path.to_string()), export);
            }
        }
    }
}

/// HA080: every node that may mount it is a client.
fn consumers_are_clients(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let claims = claims_by_storage(model);
    for view in model.nfs_exports() {
        let export = view.id().entity();
        let name = view.name();
        let clients = view.clients().to_vec();

        let consumers = claims.get(&export).map_or(&[][..], Vec::as_slice);
        let mut uncovered: Vec<EntityId> = Vec::new();
        for &(app, _, _) in consumers {
            for &node in context.topology.eligible(model, app) {
                let covered = model
                    .node(node)
                    .address()
                    .is_none_or(|address| clients.iter().any(|net| net.contains(&address)));
                if !covered && !uncovered.contains(&node) {
                    uncovered.push(node);
                }
            }
        }
        if let Some(&first) = uncovered.first() {
            let mut diagnostic = Diagnostic::error(
                Code::HA080,
                format!(
                    "NFS export `{name}` does not list {} node{} that mount{} it",
                    uncovered.len(),
                    if uncovered.len() == 1 { "" } else { "s" },
                    if uncovered.len() == 1 { "s" } else { "" }
                ),
                view.clients_span(),
                "clients",
            )
            .with_help(format!(
                "add the node subnet (or `{}`) to `clients`",
                model
                    .node(first)
                    .address()
                    .map_or_else(String::new, |address| address.to_string())
            ));
            for node in uncovered.iter().take(5) {
                diagnostic = diagnostic.with_label(
                    model.node(*node).address_span(),
                    format!("`{}` mounts it", model.name(*node)),
                );
            }
            out.push(diagnostic);
        }
    }
}

/// A field two DRBD pairs share: what it is, and this pair's and the first pair's value
/// and where each is set.
struct Shared<'m> {
    what: &'static str,
    ours: (&'m str, Span),
    theirs: (&'m str, Span),
}

/// HA088: DRBD pairs that share a node keep their resources apart: each resource name is
/// a file of its own in /etc/drbd.d, and a device, backing disk or mount point serves one
/// resource.
fn drbd_collisions(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // (node, what, value) -> the first pair, its value and where it set it. A device
    // counts by its minor: `/dev/drbd1` and `/dev/drbd01` are one device.
    let mut claimed: HashMap<(EntityId, &str, String), (EntityId, &str, Span)> = HashMap::default();
    let key = |what: &str, value: &str| match (what, crate::platform::names::drbd_minor(value)) {
        ("device", Some(minor)) => format!("minor {minor}"),
        _ => value.to_string(),
    };
    for view in model.drbd_pairs() {
        let pair = view.id().entity();
        let fields = [
            ("resource name", Some(view.resource()), view.resource_span()),
            ("device", Some(view.device()), view.device_span()),
            ("backing disk", view.disk(), view.disk_span()),
            ("mount point", view.mount(), view.mount_span()),
        ];
        // What this pair shares with the first earlier pair it shares anything with.
        let mut shared: Vec<Shared<'_>> = Vec::new();
        let mut with: Option<(EntityId, EntityId)> = None;
        for node in view.nodes().entities() {
            for (what, value, span) in fields {
                let Some(value) = value else { continue };
                let compared = key(what, value);
                match claimed.get(&(node, what, compared.clone())) {
                    Some(&(first, first_value, first_span)) if first != pair => {
                        if with.is_none_or(|(known, at)| known == first && at == node) {
                            with = Some((first, node));
                            shared.push(Shared {
                                what,
                                ours: (value, span),
                                theirs: (first_value, first_span),
                            });
                        }
                    }
                    Some(_) => {}
                    None => {
                        claimed.insert((node, what, compared), (pair, value, span));
                    }
                }
            }
        }
        let Some((first, node)) = with else { continue };
        out.push(collision(model, view, first, node, &shared));
    }
}

/// HA088's finding: what a pair shares with the first earlier pair on one node.
fn collision(
    model: &Model,
    view: crate::semantic::views::DrbdPair<'_>,
    first: EntityId,
    node: EntityId,
    shared: &[Shared<'_>],
) -> Diagnostic {
    let pair = view.id().entity();
    let listed: Vec<String> = (shared.iter())
        .map(|entry| {
            let ((ours, _), (theirs, _)) = (entry.ours, entry.theirs);
            if ours == theirs {
                format!("the {} `{ours}`", entry.what)
            } else {
                format!("the {} `{ours}` (`{theirs}`: one minor)", entry.what)
            }
        })
        .collect();
    // One label per place: a pair's defaults all stand on its name.
    let label = |span: Span, first_side: bool| {
        let values: Vec<String> = (shared.iter())
            .map(|entry| if first_side { entry.theirs } else { entry.ours })
            .filter(|(_, at)| *at == span)
            .map(|(value, _)| format!("`{value}`"))
            .collect();
        let defaults = span == model.entity(pair).name_span || span == model.entity(first).name_span;
        match (defaults, values.len()) {
            (false, _) => join_and(&values),
            (true, 1) => format!("{} (the default)", values[0]),
            (true, _) => format!("{} (the defaults)", join_and(&values)),
        }
    };
    let primary = shared[0].ours.1;
    let mut diagnostic = Diagnostic::error(
        Code::HA088,
        format!(
            "DRBD pairs `{}` and `{}` both use {} on node `{}`",
            model.name(first),
            view.name(),
            join_and(&listed),
            model.name(node)
        ),
        primary,
        label(primary, false),
    );
    let mut labelled = vec![primary];
    for span in shared.iter().map(|entry| entry.ours.1) {
        if !labelled.contains(&span) {
            labelled.push(span);
            diagnostic = diagnostic.with_label(span, label(span, false));
        }
    }
    let mut first_labels = Vec::new();
    for span in shared.iter().map(|entry| entry.theirs.1) {
        if !first_labels.contains(&span) {
            first_labels.push(span);
            diagnostic = diagnostic.with_label(span, format!("{} of `{}`", label(span, true), model.name(first)));
        }
    }
    diagnostic.with_help(
        "give each DRBD pair on a node its own `resource`, `device` (/dev/drbd0, /dev/drbd1, ...), `disk` and `mount`",
    )
}
