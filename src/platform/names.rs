//! The names the platform's objects get where they land (Kubernetes objects, haproxy
//! proxies, DRBD devices, host paths), and the syntax each consumer accepts.

use crate::semantic::EntityId;

/// The Kubernetes name of a declaration: lower case, `_` as `-`.
pub fn k8s_name(name: &str) -> String {
    name.chars()
        .map(|ch| if ch == '_' { '-' } else { ch.to_ascii_lowercase() })
        .collect()
}

/// The Kubernetes name of the namespace a declaration (app, ingress controller, config) is
/// in; empty when it names none.
pub fn namespace_of(model: &crate::semantic::Model, id: EntityId) -> String {
    // Each kind's view reads nothing of a declaration of another kind.
    (model.app(id).namespace())
        .or_else(|| model.ingress_controller(id).namespace())
        .or_else(|| model.config(id).namespace())
        .map(|namespace| k8s_name(model.name(namespace)))
        .unwrap_or_default()
}

/// The Secret that holds an app's `secret_env`, by the app's Kubernetes name.
pub fn env_secret_name(app: &str) -> String {
    format!("{app}-env")
}

/// The name a frontend's proxies get in haproxy.cfg (`frontend NAME`, `backend
/// NAME-backend`): haproxy accepts letters, digits, `-`, `_`, `.` and `:`; any other
/// character becomes `-`.
pub fn proxy_name(name: &str) -> String {
    name.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || "-_.:".contains(ch) {
                ch
            } else {
                '-'
            }
        })
        .collect()
}

/// Whether a network interface name is one Linux accepts (the kernel's `dev_valid_name`:
/// 1 to 15 bytes, not `.` or `..`, without `/`, `:` or white space) that keepalived.conf,
/// its check scripts and `ip` also carry as one word: letters, digits, `-`, `_` and `.`
/// (every name `ip link` shows for Ethernet, bonds, bridges and VLANs). The kernel takes
/// `;`, `{`, `}`, `$` and quotes too, and each of them changed what keepalived.conf or a
/// check script did.
pub fn is_interface_name(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(&byte))
}

/// Whether drbdadm parses a resource name, which is also its file's name in /etc/drbd.d:
/// letters, digits, `_`, `.` and `-`.
pub fn is_drbd_resource(name: &str) -> bool {
    // DRBD's netlink interface carries a name of at most 127 bytes.
    (1..128).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"_.-".contains(&byte))
}

/// The minor number of a DRBD device, `/dev/drbdN` (drbdadm refuses any other name, and
/// DRBD has minors below 2^20).
pub fn drbd_minor(device: &str) -> Option<u32> {
    let digits = device.strip_prefix("/dev/drbd")?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|minor| *minor < 1 << 20)
}

/// Whether a name is a DNS-1123 label (what namespaces, Services and node names must be).
pub fn is_dns_label(name: &str) -> bool {
    super::accepted::dns_label(name).is_none()
}

/// Whether a host path is absolute and clean: `/`-separated segments of letters, digits,
/// `.`, `_` and `-`, none of them `.` or `..`.
pub fn is_clean_path(path: &str) -> bool {
    path.starts_with('/')
        && path.split('/').skip(1).all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
}
