//! Storage: NFS exports that every consumer may mount, with safe and consistent options,
//! unique fsids, claims within capacity, and DRBD pairs of exactly two nodes behind their
//! own VIP.

use rustc_hash::FxHashMap as HashMap;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::{EntityId, Value, value::format_quantity};

/// Options that cannot stand together in one exports entry.
const CONTRADICTIONS: &[(&str, &str)] = &[
    ("rw", "ro"),
    ("sync", "async"),
    ("root_squash", "no_root_squash"),
    ("subtree_check", "no_subtree_check"),
    ("secure", "insecure"),
    ("all_squash", "no_all_squash"),
];

/// The node an export is served from, for fsid and path uniqueness: the node, or the pair.
fn server_key(context: &Context<'_>, export: EntityId) -> Option<EntityId> {
    context.model.reference(export, "server")
}

pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // What claims each storage: (app, claim size, number of claims).
    let mut claims: HashMap<EntityId, Vec<(EntityId, u64, u64)>> = HashMap::default();
    for app in model.all("app") {
        let replicas = model.int(app, "replicas").unwrap_or(1).max(1) as u64;
        for volume in model.field(app, "volumes").map_or(&[][..], |list| list.value.as_list()) {
            let storage = model
                .record_field(volume, "volume_claim", "storage")
                .and_then(|s| s.value.as_ref());
            let size = match model.record_field(volume, "volume_claim", "size").map(|s| &s.value) {
                Some(Value::Quantity(bytes)) => *bytes,
                _ => 0,
            };
            if let Some(storage) = storage {
                claims.entry(storage).or_default().push((app, size, replicas));
            }
        }
    }

    let mut fsids: HashMap<(Option<EntityId>, i64), EntityId> = HashMap::default();
    let mut paths: HashMap<(Option<EntityId>, String), EntityId> = HashMap::default();
    for export in model.all("nfs_export") {
        let name = model.name(export);
        let options = model.variants(export, "options");
        let clients = model.cidrs(export, "clients");
        let options_span = model.field_span(export, "options");

        // HA084: no contradictory options.
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
        // HA081: no_root_squash gives every client root on the export.
        if options.contains(&"no_root_squash") {
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
        // HA086: async acknowledges writes before they reach the disk.
        if options.contains(&"async") {
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
        // HA087: never writable by the whole world.
        if !options.contains(&"ro") && clients.iter().any(|net| net.prefix_len() == 0) {
            out.push(
                Diagnostic::error(
                    Code::HA087,
                    format!("NFS export `{name}` is writable by every address (0.0.0.0/0)"),
                    model.field_span(export, "clients"),
                    "world-writable",
                )
                .with_help("list the node subnet (or the consumers' addresses) as clients"),
            );
        }
        // HA085: one fsid and one path per server.
        let server = server_key(context, export);
        if let Some(fsid) = model.int(export, "fsid") {
            if let Some(&first) = fsids.get(&(server, fsid)) {
                out.push(
                    Diagnostic::error(
                        Code::HA085,
                        format!(
                            "NFS exports `{}` and `{name}` share fsid {fsid} on one server",
                            model.name(first)
                        ),
                        model.field_span(export, "fsid"),
                        format!("fsid {fsid}"),
                    )
                    .with_label(model.field_span(first, "fsid"), "first used here")
                    .with_help("give every export of a server its own fsid"),
                );
            } else {
                fsids.insert((server, fsid), export);
            }
        }
        if let Some(path) = model.string(export, "path") {
            if let Some(&first) = paths.get(&(server, path.to_string())) {
                out.push(
                    Diagnostic::error(
                        Code::HA085,
                        format!(
                            "NFS exports `{}` and `{name}` export the same path {path} of one server",
                            model.name(first)
                        ),
                        model.field_span(export, "path"),
                        "exported twice",
                    )
                    .with_label(model.field_span(first, "path"), "first exported here")
                    .with_help("merge them into one export"),
                );
            } else {
                paths.insert((server, path.to_string()), export);
            }
        }

        // HA080: every node that may mount it is a client.
        let consumers = claims.get(&export).map_or(&[][..], Vec::as_slice);
        let mut uncovered: Vec<EntityId> = Vec::new();
        for &(app, _, _) in consumers {
            for &node in context.topology.eligible(model, app) {
                let covered = model
                    .ipv4(node, "address")
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
                model.field_span(export, "clients"),
                "clients",
            )
            .with_help(format!(
                "add the node subnet (or `{}`) to `clients`",
                model
                    .ipv4(first, "address")
                    .map_or_else(String::new, |address| address.to_string())
            ));
            for node in uncovered.iter().take(5) {
                diagnostic = diagnostic.with_label(
                    model.field_span(*node, "address"),
                    format!("`{}` mounts it", model.name(*node)),
                );
            }
            out.push(diagnostic);
        }
    }

    // HA082: claims within the declared capacity.
    for storage in model.all("nfs_export").chain(model.all("ceph_rbd")) {
        let Some(Value::Quantity(capacity)) = model.value(storage, "capacity") else {
            continue;
        };
        let consumers = claims.get(&storage).map_or(&[][..], Vec::as_slice);
        let claimed: u64 = consumers
            .iter()
            .map(|(_, size, count)| size.saturating_mul(*count))
            .sum();
        if claimed > *capacity {
            let mut diagnostic = Diagnostic::error(
                Code::HA082,
                format!(
                    "volume claims on `{}` add up to {}, more than its capacity of {}",
                    model.name(storage),
                    format_quantity(claimed),
                    format_quantity(*capacity)
                ),
                model.field_span(storage, "capacity"),
                "capacity",
            )
            .with_help("raise the capacity, shrink the claims, or move some to other storage");
            for (app, size, count) in consumers.iter().take(5) {
                diagnostic = diagnostic.with_label(
                    model.field_span(*app, "volumes"),
                    format!("`{}`: {count} x {}", model.name(*app), format_quantity(*size)),
                );
            }
            out.push(diagnostic);
        }
    }

    // HA083: a DRBD pair is exactly two nodes, and its VIP moves between them.
    for pair in model.all("drbd_pair") {
        let nodes = model.references_in(pair, "nodes");
        if nodes.len() != 2 {
            out.push(
                Diagnostic::error(
                    Code::HA083,
                    format!(
                        "DRBD pair `{}` has {} nodes; DRBD mirrors between exactly 2",
                        model.name(pair),
                        nodes.len()
                    ),
                    model.field_span(pair, "nodes"),
                    "nodes",
                )
                .with_help("list exactly two nodes, on distinct physical hosts"),
            );
            continue;
        }
        if let Some(vip) = model.reference(pair, "vip") {
            let mut members = model.references_in(vip, "members");
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
                        model.field_span(pair, "vip"),
                        "this VIP",
                    )
                    .with_label(model.field_span(vip, "members"), "its members")
                    .with_help("make the VIP's members exactly the pair's two nodes, so it follows the active disk"),
                );
            }
        }
    }
}
