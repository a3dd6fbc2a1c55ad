//! `hosts/<node>/etc/exports` on every NFS server (both nodes of a DRBD pair), and the
//! directory of every static volume under its export.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Files, Input, MODE_FILE};
use crate::platform::names::{k8s_name, namespace_of};
use crate::semantic::views::{NfsExportOrCephRbd, NfsOption, NodeOrDrbdPair};
use crate::semantic::{EntityId, Model};

/// A static NFS volume: one per replica of each claim of a stateful app.
#[derive(Debug, Clone)]
pub struct NfsVolume {
    pub export: EntityId,
    pub app: EntityId,
    /// The claim's name in the app (`data`).
    pub claim: String,
    /// The PVC's name: `<claim>-<app>-<ordinal>`, as a StatefulSet names it.
    pub pvc: String,
    pub namespace: String,
    /// The directory on the server.
    pub path: String,
    pub bytes: u64,
    pub read_only: bool,
    /// Who owns the directory on the server: the app's user (and group), or the user the
    /// export maps root to, so that the pods can write it.
    pub owner: u32,
    pub group: u32,
    /// The directory's mode: group-writable and setgid when the app declares a group.
    pub mode: &'static str,
}

/// The user an export maps root to: 65534 (`nobody`) unless it says `no_root_squash`.
fn squashed_root(model: &Model, export: EntityId) -> u32 {
    let options = model.nfs_export(export).options();
    if options.contains(&NfsOption::NoRootSquash) && !options.contains(&NfsOption::AllSquash) {
        0
    } else {
        NOBODY
    }
}

/// The uid and gid exports squash to.
const NOBODY: u32 = 65534;

/// The nodes that serve an export: its node, or both nodes of its DRBD pair.
pub fn servers(model: &Model, export: EntityId) -> Vec<EntityId> {
    match model.nfs_export(export).server() {
        Some(NodeOrDrbdPair::DrbdPair(pair)) => model.drbd_pair(pair).nodes().entities(),
        Some(NodeOrDrbdPair::Node(node)) => vec![node.entity()],
        None => Vec::new(),
    }
}

/// The address clients mount an export from: its node's address or its pair's VIP.
pub fn server_address(model: &Model, export: EntityId) -> String {
    let address = match model.nfs_export(export).server() {
        Some(NodeOrDrbdPair::DrbdPair(pair)) => {
            (model.drbd_pair(pair).vip()).and_then(|vip| model.vip_group(vip).address())
        }
        Some(NodeOrDrbdPair::Node(node)) => model.node(node).address(),
        None => None,
    };
    address.map(|a| a.to_string()).unwrap_or_default()
}

/// Every static NFS volume, in source order.
pub fn volumes(model: &Model) -> Vec<NfsVolume> {
    let mut found = Vec::new();
    for view in model.apps() {
        let app = view.id().entity();
        let replicas = view.replicas().max(1);
        let namespace = namespace_of(model, app);
        for volume in view.volumes() {
            let Some(NfsExportOrCephRbd::NfsExport(export)) = volume.storage() else {
                continue;
            };
            let claim = volume.name().map(k8s_name).unwrap_or_default();
            let bytes = volume.size().unwrap_or(0);
            let read_only = volume.read_only();
            let id = |value: Option<i64>| value.and_then(|value| u32::try_from(value).ok());
            let (owner, group, mode) = match (id(view.run_as_user()), id(view.fs_group())) {
                (user, Some(group)) => (user.unwrap_or(squashed_root(model, export.entity())), group, "2770"),
                (Some(user), None) => (user, user, "0770"),
                (None, None) => {
                    let squashed = squashed_root(model, export.entity());
                    (squashed, squashed, "0770")
                }
            };
            let export_path = (model.nfs_export(export).path())
                .unwrap_or("/")
                .trim_end_matches('/')
                .to_string();
            for ordinal in 0..replicas {
                let pvc = format!("{claim}-{}-{ordinal}", k8s_name(model.name(app)));
                found.push(NfsVolume {
                    export: export.entity(),
                    app,
                    claim: claim.clone(),
                    path: format!("{export_path}/{namespace}/{pvc}"),
                    pvc,
                    namespace: namespace.clone(),
                    bytes,
                    read_only,
                    owner,
                    group,
                    mode,
                });
            }
        }
    }
    found
}

#[derive(Serialize)]
struct Export {
    path: String,
    clients: Vec<String>,
    options: String,
}

#[derive(Serialize)]
struct Context<'a> {
    source: &'a str,
    node: &'a str,
    exports: Vec<Export>,
}

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    let mut per_node: BTreeMap<String, (EntityId, Vec<Export>)> = BTreeMap::new();
    for view in model.nfs_exports() {
        let export = view.id().entity();
        let mut options: Vec<String> = view
            .options()
            .iter()
            .map(|option| option.as_str().to_string())
            .collect();
        // exportfs's own default, written out: without either, exportfs warns at every
        // start that it assumes `no_subtree_check`.
        let subtree = [NfsOption::SubtreeCheck, NfsOption::NoSubtreeCheck];
        if !view.options().iter().any(|option| subtree.contains(&option)) {
            options.push(NfsOption::NoSubtreeCheck.as_str().to_string());
        }
        if let Some(fsid) = view.fsid() {
            options.push(format!("fsid={fsid}"));
        }
        let clients: Vec<String> = (view.clients().iter())
            .map(|net| {
                if net.prefix_len() == 32 {
                    net.addr().to_string()
                } else {
                    net.to_string()
                }
            })
            .collect();
        for node in servers(model, export) {
            per_node
                .entry(model.name(node).to_string())
                .or_insert_with(|| (node, Vec::new()))
                .1
                .push(Export {
                    path: view.path().unwrap_or("/").to_string(),
                    clients: clients.clone(),
                    options: options.join(","),
                });
        }
    }
    for (node_name, (node, exports)) in per_node {
        let context = Context {
            source: &input.source,
            node: &node_name,
            exports,
        };
        output.add_rendered(
            format!("hosts/{node_name}/etc/exports"),
            input
                .templates
                .render("exports.j2", &context, model.entity(node).name_span),
            MODE_FILE,
        );
    }
    // The volumes' directories are created empty by the playbook (ansible/inventory.yaml
    // lists them per server), with their owner and mode.
}

/// k8sc's own lint of an exports file, for what `exportfs` accepts silently: a space
/// before `(` (the options then apply to the whole world), a client that is everyone with
/// `rw`, one fsid on two paths, and contradictory options.
pub fn lint(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fsids: Vec<(String, String)> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line_number = number + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut tokens = line.split_whitespace();
        let Some(path) = tokens.next() else { continue };
        for token in tokens {
            if token.starts_with('(') {
                problems.push(format!(
                    "line {line_number}: a space before `{token}`: those options go to the world"
                ));
                continue;
            }
            let (client, options) = match token.split_once('(') {
                Some((client, rest)) => (client, rest.trim_end_matches(')')),
                None => (token, ""),
            };
            let options: Vec<&str> = options.split(',').filter(|o| !o.is_empty()).collect();
            if options.is_empty() {
                problems.push(format!(
                    "line {line_number}: client `{client}` has no options (exportfs warns and uses defaults)"
                ));
            }
            let world = client == "*" || client == "0.0.0.0/0" || client.ends_with("/0");
            if world && options.contains(&"rw") {
                problems.push(format!("line {line_number}: `{path}` is writable by every address"));
            }
            for (a, b) in [("rw", "ro"), ("sync", "async"), ("root_squash", "no_root_squash")] {
                if options.contains(&a) && options.contains(&b) {
                    problems.push(format!("line {line_number}: `{a}` and `{b}` together"));
                }
            }
            if let Some(fsid) = options.iter().find_map(|o| o.strip_prefix("fsid=")) {
                match fsids.iter().find(|(known, _)| known == fsid) {
                    Some((_, other)) if other != path => {
                        problems.push(format!("line {line_number}: fsid={fsid} is also the fsid of `{other}`"));
                    }
                    Some(_) => {}
                    None => fsids.push((fsid.to_string(), path.to_string())),
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::lint;

    #[test]
    fn lint_finds_what_exportfs_lets_through() {
        assert!(lint("/srv/a 10.0.0.0/24(rw,sync,no_subtree_check,fsid=1)\n").is_empty());
        assert_eq!(
            lint("/srv/a 10.0.0.0/24 (rw)\n").len(),
            2,
            "space before ( and a client without options"
        );
        assert_eq!(lint("/srv/a *(rw,no_root_squash)\n").len(), 1);
        assert_eq!(lint("/srv/a 10.0.0.0/24(rw,ro)\n").len(), 1);
        assert_eq!(
            lint("/srv/a 10.0.0.0/24(rw,fsid=1)\n/srv/b 10.0.0.0/24(rw,fsid=1)\n").len(),
            1
        );
    }
}
