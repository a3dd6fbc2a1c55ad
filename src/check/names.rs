//! Kubernetes names from declaration names: `esb_test` becomes `esb-test`.
//!
//! The rule behind E0201 and E0202 runs with the other checks, so `k8sc check` reports a
//! name Kubernetes would refuse before any build; the emitters use [`k8s_name`]. E0210
//! does the same for the proxy names of haproxy.cfg ([`proxy_name`]), E0211 for network
//! interface names, E0213 for DRBD resource names and devices.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::names::{
    drbd_minor, env_secret_name, is_clean_path, is_dns_label, is_drbd_resource, is_interface_name, k8s_name,
    namespace_of, proxy_name,
};
use crate::semantic::views::{
    AppId, CephRbdId, ConfigId, IngressControllerId, NamespaceId, NfsExportId, NodeId, RouteId,
};
use crate::semantic::{EntityId, KindId, Model};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(kubernetes_names: E0201),
    super::rule!(kubernetes_names_unique: E0202),
    super::rule!(host_paths_clean: E0205),
    super::rule!(frontend_names: E0210),
    super::rule!(interface_names: E0211),
    super::rule!(drbd_names: E0213),
];

/// The kinds whose names become Kubernetes names, and whether each is named within its
/// namespace (an app's, an ingress controller's, a config's) or cluster-wide.
const NAMED_KINDS: &[(KindId, bool)] = &[
    (NamespaceId::KIND, false),
    (NodeId::KIND, false),
    (AppId::KIND, true),
    (IngressControllerId::KIND, true),
    (ConfigId::KIND, true),
    (RouteId::KIND, false),
    (NfsExportId::KIND, false),
    (CephRbdId::KIND, false),
];

/// The objects a kind's names share: an app's and an ingress controller's name their
/// namespace's Deployments and Services; a config's its ConfigMap and Secret; every other
/// kind has objects of its own.
fn name_group(kind_id: KindId, kind: &str) -> &str {
    match kind_id {
        AppId::KIND | IngressControllerId::KIND => "workload",
        _ => kind,
    }
}

/// Host paths written into files and used as output paths, with where each is written.
fn host_paths(model: &Model) -> Vec<(&str, Span)> {
    let mut paths = Vec::new();
    for export in model.nfs_exports() {
        paths.extend(export.path().map(|path| (path, export.path_span())));
    }
    for pair in model.drbd_pairs() {
        paths.extend(pair.disk().map(|path| (path, pair.disk_span())));
        paths.push((pair.device(), pair.device_span()));
        paths.extend(pair.mount().map(|path| (path, pair.mount_span())));
    }
    paths
}

/// E0205: every host path (exports, DRBD disks, devices and mounts) is absolute and clean.
fn host_paths_clean(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for (path, span) in host_paths(model) {
        if !is_clean_path(path) {
            out.push(
                Diagnostic::error(
                    Code::E0205,
                    format!("`{path}` is not an absolute, clean path"),
                    span,
                    "not a clean absolute path",
                )
                .with_help("write an absolute path of letters, digits, `.`, `_` and `-`, without `.` or `..` segments"),
            );
        }
    }
}

/// E0201: every declaration's name becomes a Kubernetes name (a DNS label).
fn kubernetes_names(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for &(kind_id, _) in NAMED_KINDS {
        let kind = model.schemas.entity(kind_id).name.as_str();
        for &id in model.of_kind(kind_id) {
            let name = k8s_name(model.name(id));
            if !is_dns_label(&name) {
                out.push(
                    Diagnostic::error(
                        Code::E0201,
                        format!(
                            "{kind} `{}` becomes the Kubernetes name `{name}`, which is not a DNS label",
                            model.name(id)
                        ),
                        model.entity(id).name_span,
                        "not a valid Kubernetes name",
                    )
                    .with_help(
                        "use at most 63 letters, digits, `-` and `_`, starting and ending with a letter or digit",
                    ),
                );
            }
        }
    }
}

/// E0202: no two objects of one kind get the same Kubernetes name. Apps and ingress
/// controllers share their namespace's names: each becomes a Deployment (or DaemonSet) and
/// a Service named after it. The other kinds are named apart, each kind its own objects,
/// but for Secrets: an app's `secret_env` Secret (`APP-env`) shares its namespace's Secret
/// names with the configs'.
fn kubernetes_names_unique(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    workload_names_unique(context, out);
    secret_names_unique(context, out);
}

/// E0202 for an app's `secret_env` Secret named like a config's Secret.
fn secret_names_unique(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let secrets: HashMap<(String, String), EntityId> = (model.configs())
        .filter(|config| !config.secrets().is_empty())
        .map(|config| {
            let id = config.id().entity();
            ((namespace_of(model, id), k8s_name(config.name())), id)
        })
        .collect();
    for app in model.apps().filter(|app| !app.secret_env().is_empty()) {
        let id = app.id().entity();
        let name = env_secret_name(&k8s_name(app.name()));
        let namespace = namespace_of(model, id);
        if let Some(&config) = secrets.get(&(namespace.clone(), name.clone())) {
            out.push(
                Diagnostic::error(
                    Code::E0202,
                    format!(
                        "app `{}`'s `secret_env` and config `{}` both become the Secret `{name}` in namespace `{namespace}`",
                        app.name(),
                        model.name(config)
                    ),
                    app.secret_env_span(),
                    format!("the Secret `{name}`"),
                )
                .with_label(model.entity(config).name_span, format!("also `{name}`"))
                .with_help("rename the config: an app's `secret_env` is the Secret named after the app, `-env` added"),
            );
        }
    }
}

fn workload_names_unique(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut seen: HashMap<(&str, Option<String>, String), EntityId> = HashMap::default();
    for &(kind_id, scoped) in NAMED_KINDS {
        let kind = model.schemas.entity(kind_id).name.as_str();
        let group = name_group(kind_id, kind);
        for &id in model.of_kind(kind_id) {
            let name = k8s_name(model.name(id));
            // A name that is no DNS label is E0201's.
            if !is_dns_label(&name) {
                continue;
            }
            let scope_name = scoped.then(|| namespace_of(model, id));
            if let Some(&first) = seen.get(&(group, scope_name.clone(), name.clone())) {
                let first_kind = model.kind_name(first);
                let both = if first_kind == kind {
                    format!("{kind}s `{}` and `{}`", model.name(first), model.name(id))
                } else {
                    format!("{first_kind} `{}` and {kind} `{}`", model.name(first), model.name(id))
                };
                let place = scope_name
                    .as_ref()
                    .map_or_else(String::new, |namespace| format!(" in namespace `{namespace}`"));
                out.push(
                    Diagnostic::error(
                        Code::E0202,
                        format!("{both} both become the Kubernetes name `{name}`{place}"),
                        model.entity(id).name_span,
                        format!("also `{name}`"),
                    )
                    .with_label(model.entity(first).name_span, format!("`{name}` first"))
                    .with_help(if first_kind == kind {
                        "rename one: names differing only in case or `_` and `-` collide"
                    } else {
                        "rename one: the apps and ingress controllers of a namespace name its Deployments and Services"
                    }),
                );
            } else {
                seen.insert((group, scope_name, name), id);
            }
        }
    }
}

/// E0211: every declared network interface is a name Linux accepts: keepalived binds its
/// VRRP instances to it, and the lab and the playbook name it to `ip`.
fn interface_names(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let declared = (model.clusters().map(|view| (view.interface(), view.interface_span())))
        .chain(model.nodes().map(|view| (view.interface(), view.interface_span())))
        .chain(model.vip_groups().map(|view| (view.interface(), view.interface_span())));
    for (name, span) in declared {
        let Some(name) = name else { continue };
        if !is_interface_name(name) {
            out.push(
                Diagnostic::error(
                    Code::E0211,
                    format!(
                        "`{}` is not a network interface name k8sc can write: keepalived.conf, its scripts and `ip` read it as one word",
                        name.escape_debug()
                    ),
                    span,
                    "not an interface name",
                )
                .with_help("name the interface as `ip link` shows it, such as `eth0`, `ens192` or `bond0.100`: 1 to 15 letters, digits, `-`, `_` and `.`"),
            );
        }
    }
}

/// E0213: each DRBD pair's resource name and device are ones drbdadm parses.
fn drbd_names(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for pair in model.drbd_pairs() {
        let resource = pair.resource();
        if !is_drbd_resource(resource) {
            out.push(
                Diagnostic::error(
                    Code::E0213,
                    format!("`{resource}` is not a DRBD resource name drbdadm parses"),
                    pair.resource_span(),
                    "not a resource name",
                )
                .with_help("use letters, digits, `_`, `.` and `-`, such as `r0` or `nfs-data`"),
            );
        }
        let device = pair.device();
        if drbd_minor(device).is_none() {
            out.push(
                Diagnostic::error(
                    Code::E0213,
                    format!("`{device}` is not a DRBD device: drbdadm takes `/dev/drbdN`, N its minor number"),
                    pair.device_span(),
                    "not /dev/drbdN",
                )
                .with_help("use `/dev/drbd0`, `/dev/drbd1`, ...: one minor per DRBD pair on a node"),
            );
        }
    }
}

/// E0210: a haproxy frontend's name is not empty, and no other frontend of its balancer
/// becomes the same proxy name: haproxy refuses a `frontend` without a name and two
/// proxies of one name.
fn frontend_names(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // LVS frontends become virtual servers, which have no names.
    let haproxy =
        (model.load_balancers()).filter(|balancer| balancer.software() != crate::semantic::views::LbSoftware::Lvs);
    for balancer in haproxy {
        let mut seen: HashMap<String, (String, Span)> = HashMap::default();
        for frontend in balancer.frontends() {
            let Some(name) = frontend.name() else { continue };
            let span = frontend.name_span();
            let proxy = proxy_name(name);
            if proxy.is_empty() {
                out.push(
                    Diagnostic::error(Code::E0210, "a frontend with an empty name", span, "empty name")
                        .with_help("name it after what it serves, such as `\"kube-apiserver\"`"),
                );
                continue;
            }
            if let Some(problem) =
                crate::platform::accepted::refused(name, |ch| ch.is_ascii_alphanumeric() || "-_.:".contains(ch))
            {
                out.push(
                    Diagnostic::error(
                        Code::E0210,
                        format!(
                            "frontend `{}` is not a name haproxy takes for a proxy: {problem}",
                            name.escape_debug()
                        ),
                        span,
                        "not a proxy name",
                    )
                    .with_help(
                        "name the frontend with letters, digits, `-`, `_`, `.` and `:`, such as `\"kube-apiserver\"`",
                    ),
                );
                continue;
            }
            if let Some((first, first_span)) = seen.get(&proxy) {
                let same = if first == name {
                    String::new()
                } else {
                    format!(" (`{first}` and `{name}` both become `{proxy}`)")
                };
                out.push(
                    Diagnostic::error(
                        Code::E0210,
                        format!(
                            "load balancer `{}` has two frontends named `{proxy}`{same}: haproxy refuses two proxies of one name",
                            balancer.name()
                        ),
                        span,
                        "named again",
                    )
                    .with_label(*first_span, "first named here")
                    .with_help("give each frontend of a balancer its own name: letters, digits, `-`, `_`, `.` and `:`"),
                );
            } else {
                seen.insert(proxy, (name.to_string(), span));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert_to_dns_labels() {
        assert_eq!(k8s_name("esb_test"), "esb-test");
        assert_eq!(k8s_name("Web_API"), "web-api");
        assert!(is_dns_label("esb-test"));
        assert!(!is_dns_label("ends-"));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(!is_dns_label(""));
    }

    #[test]
    fn drbd_names_follow_drbdadm() {
        assert!(is_drbd_resource("r0") && is_drbd_resource("nfs-data.1_a"));
        for bad in ["", "a b", "a:b", "a/b", "é", ".."] {
            assert!(!is_drbd_resource(bad), "{bad:?}");
        }
        assert_eq!(drbd_minor("/dev/drbd0"), Some(0));
        assert_eq!(drbd_minor("/dev/drbd17"), Some(17));
        for bad in [
            "/dev/drbd",
            "/dev/sdb1",
            "/dev/drbd1x",
            "/dev/drbd_data",
            "/dev/drbd1048576",
        ] {
            assert_eq!(drbd_minor(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn interface_names_follow_the_kernel() {
        assert!(is_interface_name("eth0") && is_interface_name("ens192") && is_interface_name("bond0.100"));
        assert!(is_interface_name("a-very-long-nam"));
        assert!(!is_interface_name("a-very-long-name"), "16 bytes");
        for bad in [
            "", ".", "..", "a b", "eth0:1", "a/b", "tab\t", "e;reboot", "e}", "e$(x)", "e'x",
        ] {
            assert!(!is_interface_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn clean_paths() {
        assert!(is_clean_path("/srv/nfs/shared"));
        assert!(is_clean_path("/dev/sdb1"));
        assert!(!is_clean_path("srv/nfs"));
        assert!(!is_clean_path("/srv/../etc"));
        assert!(!is_clean_path("/srv//nfs"));
        assert!(!is_clean_path("/srv/nfs/"));
        assert!(!is_clean_path("/srv/my data"));
    }
}
