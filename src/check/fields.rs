//! Fields with a syntax: every string the source writes into a field that its consumer
//! reads as a name, a host, a URL, a path or a label is checked as that syntax, with the
//! consumer's own rules (Kubernetes' validation, the distribution reference grammar,
//! RFC 1123, what keepalived and Ceph take). A value that passes is one token of that
//! syntax, so no emitter has to guess how to carry it, and none can change the meaning of
//! the file it lands in.
//!
//! E0214 registry URLs, E0215 DNS names, E0216 Kubernetes names and labels, E0217 image
//! references, E0218 paths and names other consumers read. Network interfaces (E0211),
//! DRBD names (E0213) and host paths (E0205) are in [`super::names`], VRRP passwords in
//! [`super::vrrp`] (HA037).

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::{EntityId, Model, Type, Value};
use crate::source::Span;

/// Every string a declaration wrote, where it stands.
#[derive(Debug, Clone)]
pub struct WrittenString<'m> {
    pub entity: EntityId,
    /// `kind.field.subfield`: `app.volumes.mount`, `node.labels` (a map's values and keys).
    pub path: String,
    /// A map entry's key rather than a value.
    pub key: bool,
    pub text: &'m str,
    pub span: Span,
}

/// Every string (and map key) the declarations wrote, in source order per declaration.
/// Defaults and components come from the standard library and are not listed.
pub fn written_strings(model: &Model) -> Vec<WrittenString<'_>> {
    let mut found = Vec::new();
    for (idx, entity) in model.entities.iter().enumerate() {
        let id = EntityId(crate::source::to_u32(idx));
        let definition = model.schemas.entity(entity.kind);
        for (position, value) in entity.written_fields() {
            let (Some(value), Some(field)) = (value, definition.shape.fields.get(*position as usize)) else {
                continue;
            };
            let path = format!("{}.{}", definition.name, field.name);
            walk(model, id, &path, &field.ty, value, &mut found);
        }
    }
    found
}

fn walk<'m>(
    model: &'m Model,
    entity: EntityId,
    path: &str,
    ty: &Type,
    value: &'m crate::semantic::Spanned,
    found: &mut Vec<WrittenString<'m>>,
) {
    match (&value.value, ty) {
        (Value::Str(text), _) => found.push(WrittenString {
            entity,
            path: path.to_string(),
            key: false,
            text,
            span: value.span,
        }),
        (Value::List(items), Type::List(inner)) => {
            for item in items {
                walk(model, entity, path, inner, item, found);
            }
        }
        (Value::Map(entries), Type::Map(inner)) => {
            for (key, item) in entries {
                found.push(WrittenString {
                    entity,
                    path: path.to_string(),
                    key: true,
                    text: &key.text,
                    span: key.span,
                });
                walk(model, entity, path, inner, item, found);
            }
        }
        (Value::Record(fields), Type::Record(record)) => {
            let shape = &model.schemas.record(*record).shape;
            for (definition, field) in shape.fields.iter().zip(fields) {
                // A record's left-out fields hold their defaults: only what was written.
                let Some(field) = field
                    .as_ref()
                    .filter(|field| field.origin == crate::semantic::Origin::Source)
                else {
                    continue;
                };
                let path = format!("{path}.{}", definition.name);
                walk(model, entity, &path, &definition.ty, &field.value, found);
            }
        }
        _ => {}
    }
}

/// The syntaxes a string field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    RegistryUrl,
    DnsSubdomain,
    /// An Ingress host: a DNS subdomain, or one with a leading `*.`.
    IngressHost,
    DnsLabel,
    LabelKey,
    LabelValue,
    /// A label value that may not be empty: a rack, zone, data centre or pool names one.
    LabelName,
    PortName,
    EnvName,
    Image,
    /// kubeadm's imageRepository: a registry host with an optional path.
    ImageRepository,
    HttpPath,
    /// A route's path: an HTTP path; one not beginning with `/` is HA047's.
    RoutePath,
    ContainerPath,
    CephName,
    /// A Namespace's label key: a label key, and none that k8sc sets itself (the Pod
    /// Security admission labels).
    NamespaceLabelKey,
}

/// The prefix of the Pod Security admission labels, which k8sc sets on every Namespace.
const POD_SECURITY_PREFIX: &str = "pod-security.kubernetes.io/";

/// Which string fields have which syntax: `(path, key, syntax)`.
const FIELDS: &[(&str, bool, Syntax)] = &[
    ("registry.url", false, Syntax::RegistryUrl),
    ("registry.datacenter", false, Syntax::LabelName),
    ("cluster.dns_domain", false, Syntax::DnsSubdomain),
    ("cluster.image_repository", false, Syntax::ImageRepository),
    ("route.host", false, Syntax::IngressHost),
    ("route.path", false, Syntax::RoutePath),
    ("route.tls_secret", false, Syntax::DnsSubdomain),
    ("public_address.dns", false, Syntax::DnsSubdomain),
    ("physical_host.rack", false, Syntax::LabelName),
    ("physical_host.zone", false, Syntax::LabelName),
    ("physical_host.datacenter", false, Syntax::LabelName),
    ("node.pool", false, Syntax::LabelName),
    ("node.labels", true, Syntax::LabelKey),
    ("node.labels", false, Syntax::LabelValue),
    ("namespace.labels", true, Syntax::NamespaceLabelKey),
    ("namespace.labels", false, Syntax::LabelValue),
    ("app.image", false, Syntax::Image),
    ("ingress_controller.image", false, Syntax::Image),
    ("app.ports.name", false, Syntax::PortName),
    ("app.env", true, Syntax::EnvName),
    ("app.volumes.name", false, Syntax::DnsLabel),
    ("app.volumes.mount", false, Syntax::ContainerPath),
    ("app.scratch", false, Syntax::ContainerPath),
    ("app.placement.pool", false, Syntax::LabelName),
    ("app.readiness.path", false, Syntax::HttpPath),
    ("app.liveness.path", false, Syntax::HttpPath),
    ("app.startup.path", false, Syntax::HttpPath),
    ("ceph_rbd.pool", false, Syntax::CephName),
    ("ceph_rbd.user", false, Syntax::CephName),
];

/// E0214, E0215, E0216, E0217 and E0218: every string field with a syntax holds a value of
/// that syntax.
pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for written in written_strings(context.model) {
        let Some(&(_, _, syntax)) = FIELDS
            .iter()
            .find(|(path, key, _)| *path == written.path && *key == written.key)
        else {
            continue;
        };
        if let Some(problem) = problem(syntax, written.text) {
            out.push(finding(syntax, &written, &problem));
        }
    }
}

fn finding(syntax: Syntax, written: &WrittenString<'_>, problem: &str) -> Diagnostic {
    let (code, what, help) = match syntax {
        Syntax::RegistryUrl => (
            Code::E0214,
            "registry URL",
            "write `https://` or `http://`, a host name or IPv4 address, an optional port and path: `https://harbor.dc1.example.com`",
        ),
        Syntax::DnsSubdomain => (
            Code::E0215,
            "DNS name",
            "write lower-case labels of letters, digits and `-`, joined by `.`: `cluster.local`, `shop.example.com`",
        ),
        Syntax::IngressHost => (
            Code::E0215,
            "host name",
            "write a DNS name such as `shop.example.com`, or a wildcard such as `*.example.com`",
        ),
        Syntax::DnsLabel => (
            Code::E0216,
            "name",
            "write at most 63 lower-case letters, digits and `-`, beginning and ending with a letter or digit: `data`",
        ),
        Syntax::NamespaceLabelKey if written.text.starts_with(POD_SECURITY_PREFIX) => (
            Code::E0222,
            "namespace label",
            "leave the Pod Security labels to k8sc: it sets each namespace to the lowest level its pods run under, and an app's `relax` says why",
        ),
        Syntax::LabelKey | Syntax::NamespaceLabelKey => (
            Code::E0216,
            "label key",
            "write an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` and `.`: `example.com/tier`",
        ),
        Syntax::LabelValue | Syntax::LabelName => (
            Code::E0216,
            "label value",
            "write at most 63 letters, digits, `-`, `_` and `.`, beginning and ending with a letter or digit",
        ),
        Syntax::PortName => (
            Code::E0216,
            "port name",
            "write at most 15 lower-case letters, digits and `-`, with a letter, no `--`, and no `-` at either end: `http`",
        ),
        Syntax::EnvName => (
            Code::E0216,
            "environment variable name",
            "write letters, digits, `_`, `-` and `.`, not beginning with a digit: `LOG_LEVEL`",
        ),
        Syntax::Image => (
            Code::E0217,
            "image reference",
            "write `[registry[:port]/]repository[:tag][@sha256:digest]` in lower case: `registry.example.com/shop/web:1.4.2`",
        ),
        Syntax::ImageRepository => (
            Code::E0217,
            "image repository",
            "write a registry host with an optional port and path: `registry.example.com/k8s`",
        ),
        Syntax::HttpPath => (
            Code::E0218,
            "HTTP path",
            "write a path beginning with `/`, of letters, digits and `/ - . _ ~ % ! $ & ' ( ) * + , ; = : @`, and an optional `?` query",
        ),
        Syntax::RoutePath => (
            Code::E0218,
            "route path",
            "write a path beginning with `/`, of letters, digits and `/ - _ . ~`: `/api/v1`",
        ),
        Syntax::ContainerPath => (
            Code::E0218,
            "mount path",
            "write an absolute path without `..` segments, `:`, white space or quotes: `/var/lib/data`",
        ),
        Syntax::CephName => (
            Code::E0218,
            "Ceph name",
            "write letters, digits, `_`, `-` and `.`: `kube`",
        ),
    };
    let field = written
        .path
        .split_once('.')
        .map_or(written.path.as_str(), |(_, field)| field);
    let shown = shown(written.text);
    Diagnostic::error(
        code,
        format!("{shown} is not a valid {what} for `{field}`: {problem}"),
        written.span,
        format!(
            "not {} {what}",
            if what.starts_with(['a', 'e', 'i', 'o', 'u', 'H']) {
                "an"
            } else {
                "a"
            }
        ),
    )
    .with_help(help)
}

/// A value as a message quotes it: escaped, and cut short when long.
fn shown(text: &str) -> String {
    const MOST: usize = 60;
    let escaped: String = text.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > MOST {
        format!("`{}...`", escaped.chars().take(MOST).collect::<String>())
    } else {
        format!("`{escaped}`")
    }
}

/// What is wrong with `text` as `syntax`, if anything.
fn problem(syntax: Syntax, text: &str) -> Option<String> {
    match syntax {
        Syntax::RegistryUrl => registry_url(text),
        Syntax::DnsSubdomain => dns_subdomain(text),
        Syntax::IngressHost => ingress_host(text),
        Syntax::DnsLabel => dns_label(text),
        Syntax::LabelKey => label_key(text),
        Syntax::LabelValue => label_value(text),
        Syntax::LabelName => label_name(text).map(|problem| problem.replace("its name part", "it")),
        Syntax::PortName => port_name(text),
        Syntax::EnvName => env_name(text),
        Syntax::Image => image_reference(text),
        Syntax::ImageRepository => image_repository(text),
        Syntax::HttpPath => http_path(text),
        Syntax::RoutePath => text.starts_with('/').then(|| route_path(text)).flatten(),
        Syntax::ContainerPath => container_path(text),
        Syntax::CephName => ceph_name(text),
        Syntax::NamespaceLabelKey => label_key(text).or_else(|| {
            text.starts_with(POD_SECURITY_PREFIX)
                .then(|| "k8sc sets the Pod Security labels from what the namespace runs".to_string())
        }),
    }
}

/// The first character of `text` that `allowed` refuses, described.
pub(crate) fn refused(text: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    let ch = text.chars().find(|ch| !allowed(*ch))?;
    Some(match ch {
        ' ' => "it holds a space".into(),
        '\n' | '\r' => "it holds a line break".into(),
        ch if ch.is_control() => format!("it holds the control character U+{:04X}", u32::from(ch)),
        ch => format!("it holds {}", shown(ch.encode_utf8(&mut [0; 4]))),
    })
}

fn too_long(text: &str, most: usize) -> Option<String> {
    (text.len() > most).then(|| format!("it is {} characters long, more than {most}", text.chars().count()))
}

/// A DNS-1123 label: 1 to 63 lower-case letters, digits and `-`, a letter or digit at
/// both ends (Kubernetes' `IsDNS1123Label`).
pub fn dns_label(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("it is empty".into());
    }
    too_long(text, 63)
        .or_else(|| refused(text, |ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'))
        .or_else(|| (text.starts_with('-') || text.ends_with('-')).then(|| "it begins or ends with `-`".to_string()))
}

/// A DNS-1123 subdomain: labels joined by `.`, 253 characters at most
/// (`IsDNS1123Subdomain`).
pub fn dns_subdomain(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(problem) = too_long(text, 253) {
        return Some(problem);
    }
    text.split('.').find_map(|label| {
        if label.is_empty() {
            Some("it has an empty label (`..`, or a `.` at either end)".to_string())
        } else {
            dns_label(label).map(|problem| format!("its label {}: {problem}", shown(label)))
        }
    })
}

/// An Ingress rule's host: a DNS subdomain, optionally behind `*.`; never an IP address.
pub fn ingress_host(text: &str) -> Option<String> {
    if text.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("it is an IP address; an Ingress routes by host name".into());
    }
    dns_subdomain(text.strip_prefix("*.").unwrap_or(text))
}

/// A label's name part: 1 to 63 letters, digits, `-`, `_` and `.`, alphanumeric at both
/// ends (`IsQualifiedName` without the prefix).
fn label_name(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("its name part is empty".into());
    }
    too_long(text, 63)
        .or_else(|| refused(text, |ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch)))
        .or_else(|| {
            let edge = |ch: Option<char>| ch.is_some_and(|ch| ch.is_ascii_alphanumeric());
            (!edge(text.chars().next()) || !edge(text.chars().last()))
                .then(|| "it does not begin and end with a letter or digit".to_string())
        })
}

/// A label key: an optional DNS subdomain prefix and `/`, then a name.
pub fn label_key(text: &str) -> Option<String> {
    match text.split_once('/') {
        Some((prefix, name)) => dns_subdomain(prefix)
            .map(|problem| format!("its prefix {}: {problem}", shown(prefix)))
            .or_else(|| label_name(name)),
        None => label_name(text),
    }
}

/// A label value: empty, or a label name.
pub fn label_value(text: &str) -> Option<String> {
    if text.is_empty() { None } else { label_name(text) }
}

/// A container port's name: an IANA service name (`IsValidPortName`).
pub fn port_name(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("it is empty".into());
    }
    too_long(text, 15)
        .or_else(|| refused(text, |ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'))
        .or_else(|| (!text.chars().any(|ch| ch.is_ascii_lowercase())).then(|| "it has no letter".to_string()))
        .or_else(|| text.contains("--").then(|| "it holds `--`".to_string()))
        .or_else(|| (text.starts_with('-') || text.ends_with('-')).then(|| "it begins or ends with `-`".to_string()))
}

/// An environment variable's name, as every supported release's apiserver takes it (a C
/// identifier that may also hold `-` and `.`).
pub fn env_name(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("it is empty".into());
    }
    too_long(text, 253)
        .or_else(|| refused(text, |ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch)))
        .or_else(|| {
            text.starts_with(|ch: char| ch.is_ascii_digit())
                .then(|| "it begins with a digit".to_string())
        })
}

/// A registry host: DNS labels (any case) or an IPv4 address, with an optional port.
fn registry_host(text: &str) -> Option<String> {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    };
    if let Some(port) = port
        && !port.parse::<u16>().is_ok_and(|port| port > 0)
    {
        return Some(format!("its port {} is not a number from 1 to 65535", shown(port)));
    }
    if host.is_empty() {
        return Some("it names no host".into());
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    too_long(host, 253).or_else(|| {
        host.split('.').find_map(|label| {
            if label.is_empty() {
                Some("its host has an empty label".to_string())
            } else {
                too_long(label, 63)
                    .or_else(|| refused(label, |ch| ch.is_ascii_alphanumeric() || ch == '-'))
                    .or_else(|| {
                        (label.starts_with('-') || label.ends_with('-'))
                            .then(|| format!("its host label {} begins or ends with `-`", shown(label)))
                    })
            }
        })
    })
}

/// A registry's URL: `http(s)://host[:port][/path]`, nothing else (no user, query,
/// fragment or escapes), as Harbor, containerd's `hosts.toml` and the scripts take it.
pub fn registry_url(text: &str) -> Option<String> {
    let Some((scheme, rest)) = text.split_once("://") else {
        return Some("it does not begin with `https://` or `http://`".into());
    };
    if scheme != "https" && scheme != "http" {
        return Some(format!("its scheme {} is not `https` or `http`", shown(scheme)));
    }
    if let Some(problem) = too_long(text, 2048) {
        return Some(problem);
    }
    let (authority, path) = match rest.split_once('/') {
        Some((authority, path)) => (authority, Some(path)),
        None => (rest, None),
    };
    if authority.contains('@') {
        return Some("it holds a user name; give credentials with `credential`".into());
    }
    registry_host(authority).or_else(|| {
        let path = path?;
        refused(path, |ch| ch.is_ascii_alphanumeric() || "-._~/".contains(ch)).or_else(|| {
            path.split('/')
                .any(|segment| segment == "." || segment == "..")
                .then(|| "its path has a `.` or `..` segment".to_string())
        })
    })
}

/// One path component of an image repository (the distribution reference grammar):
/// lower-case letters and digits, separated by `.`, `_`, `__` or runs of `-`.
fn repository_component(text: &str) -> bool {
    let bytes = text.as_bytes();
    let alnum = |byte: u8| byte.is_ascii_lowercase() || byte.is_ascii_digit();
    if !bytes.first().is_some_and(|byte| alnum(*byte)) || !bytes.last().is_some_and(|byte| alnum(*byte)) {
        return false;
    }
    let mut idx = 0;
    while idx < bytes.len() {
        if alnum(bytes[idx]) {
            idx += 1;
            continue;
        }
        let start = idx;
        while idx < bytes.len() && !alnum(bytes[idx]) {
            idx += 1;
        }
        let separator = &text[start..idx];
        if !(separator == "." || separator == "_" || separator == "__" || separator.bytes().all(|byte| byte == b'-')) {
            return false;
        }
    }
    true
}

/// Whether the first part of a reference names a registry rather than a repository: it
/// holds a `.` or a `:`, or is `localhost`, or has an upper-case letter.
fn is_domain(part: &str) -> bool {
    part.contains(['.', ':']) || part == "localhost" || part.chars().any(|ch| ch.is_ascii_uppercase())
}

/// A repository path `[registry/]component(/component)*`.
fn repository(name: &str) -> Option<String> {
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && is_domain(parts[0]) {
        if let Some(problem) = registry_host(parts[0]) {
            return Some(format!("its registry {}: {problem}", shown(parts[0])));
        }
        parts.remove(0);
    }
    parts.iter().find(|part| !repository_component(part)).map(|part| {
        format!(
            "its repository part {} is not lower-case letters and digits joined by `.`, `_`, `__` or `-`",
            shown(part)
        )
    })
}

/// A container image reference: `[registry[:port]/]path[:tag][@algorithm:hex]`.
pub fn image_reference(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(problem) = too_long(text, 1024) {
        return Some(problem);
    }
    if let Some(problem) = refused(text, |ch| ch.is_ascii_graphic()) {
        return Some(problem);
    }
    let (rest, digest) = match text.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (text, None),
    };
    if let Some(digest) = digest {
        let valid = digest.split_once(':').is_some_and(|(algorithm, hex)| {
            !algorithm.is_empty()
                && algorithm
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"+.-_".contains(&byte))
                && hex.len() >= 32
                && hex
                    .bytes()
                    .all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase())
        });
        if !valid {
            return Some(format!(
                "its digest {} is not `algorithm:hex` such as `sha256:` and 64 hex digits",
                shown(digest)
            ));
        }
    }
    // The tag follows a `:` after the last `/` (an earlier `:` is a registry's port).
    let last_slash = rest.rfind('/').map_or(0, |at| at + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(at) => (&rest[..last_slash + at], Some(&rest[last_slash + at + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let valid = (1..=128).contains(&tag.len())
            && tag.starts_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_')
            && tag.chars().all(|ch| ch.is_ascii_alphanumeric() || "_.-".contains(ch));
        if !valid {
            return Some(format!(
                "its tag {} is not 1 to 128 letters, digits, `_`, `.` and `-` (not beginning with `.` or `-`)",
                shown(tag)
            ));
        }
    }
    if name.len() > 255 {
        return Some("its name is longer than 255 characters".into());
    }
    repository(name)
}

/// kubeadm's imageRepository: a registry with an optional repository path, no tag.
pub fn image_repository(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(problem) = too_long(text, 255).or_else(|| refused(text, |ch| ch.is_ascii_graphic())) {
        return Some(problem);
    }
    let (host, path) = text
        .split_once('/')
        .map_or((text, None), |(host, path)| (host, Some(path)));
    registry_host(host).or_else(|| {
        let path = path?;
        path.split('/').find(|part| !repository_component(part)).map(|part| {
            format!(
                "its path part {} is not lower-case letters and digits joined by `.`, `_` or `-`",
                shown(part)
            )
        })
    })
}

/// An HTTP request path: `/` and RFC 3986's path characters (a `%` starts an escape), with
/// an optional query after `?` (`/healthz?verbose=1`, which the kubelet requests as it is).
pub fn http_path(text: &str) -> Option<String> {
    if !text.starts_with('/') {
        return Some("it does not begin with `/`".into());
    }
    too_long(text, 2048).or_else(|| {
        refused(text, |ch| {
            ch.is_ascii_alphanumeric() || "/-._~%!$&'()*+,;=:@?".contains(ch)
        })
    })
}

/// A route's path prefix: `/` and letters, digits, `-`, `_`, `.` and `~`. An ingress
/// controller writes it into its own configuration (ingress-nginx into nginx.conf, where
/// it validates Prefix paths strictly), so what a plain path needs and nothing more.
pub fn route_path(text: &str) -> Option<String> {
    too_long(text, 2048).or_else(|| refused(text, |ch| ch.is_ascii_alphanumeric() || "/-_.~".contains(ch)))
}

/// A path inside a container: absolute, no `..` segment, and none of what a volume mount
/// or a shell word would read otherwise (`:`, white space, quotes, `\`).
pub fn container_path(text: &str) -> Option<String> {
    if !text.starts_with('/') {
        return Some("it is not absolute".into());
    }
    too_long(text, 4096)
        .or_else(|| refused(text, |ch| ch.is_ascii_graphic() && !":\"'\\`$".contains(ch)))
        .or_else(|| {
            text.split('/')
                .any(|segment| segment == "..")
                .then(|| "it has a `..` segment".to_string())
        })
}

/// A Ceph pool or user name: letters, digits, `_`, `-` and `.`.
pub fn ceph_name(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("it is empty".into());
    }
    too_long(text, 128).or_else(|| refused(text, |ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_follow_rfc_1123() {
        assert_eq!(dns_subdomain("cluster.local"), None);
        assert!(dns_subdomain("Cluster.local").is_some());
        assert!(dns_subdomain("a..b").is_some());
        assert!(dns_subdomain("a;b").is_some());
        assert!(dns_subdomain(&"a".repeat(254)).is_some());
        assert_eq!(ingress_host("*.example.com"), None);
        assert!(ingress_host("10.0.0.1").is_some());
        assert!(dns_label("-a").is_some());
    }

    #[test]
    fn labels_follow_kubernetes() {
        assert_eq!(label_key("example.com/tier"), None);
        assert_eq!(label_key("tier"), None);
        assert!(label_key("a/b/c").is_some());
        assert!(label_key(&"k".repeat(100_000)).is_some());
        assert_eq!(label_value(""), None);
        assert!(label_value("a b").is_some());
        assert!(label_value("-a").is_some());
        assert_eq!(port_name("http"), None);
        assert!(port_name("8080").is_some());
        assert!(port_name("a--b").is_some());
        assert!(port_name("metrics-endpoint1").is_some());
        assert_eq!(env_name("LOG_LEVEL"), None);
        assert!(env_name("1X").is_some());
        assert!(env_name("A=B").is_some());
    }

    #[test]
    fn registry_urls_are_plain() {
        assert_eq!(registry_url("https://harbor.dc1.example.com"), None);
        assert_eq!(registry_url("http://10.0.0.5:5000/v2/"), None);
        assert!(registry_url("harbor.example.com").is_some());
        assert!(registry_url("https://h.example.com'$(id)'").is_some());
        assert!(registry_url("https://h.example.com\"]\nskip_verify = true").is_some());
        assert!(registry_url("https://user@h.example.com").is_some());
        assert!(registry_url("https://h.example.com/../x").is_some());
        assert!(registry_url("ftp://h.example.com").is_some());
    }

    #[test]
    fn images_follow_the_reference_grammar() {
        for good in [
            "nginx:1.25",
            "registry.example.com/shop/storefront:1.4.2",
            "localhost:5000/a/b:v1",
            "docker.io/traefik:v3.1.2",
            "ghcr.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image_reference(good), None, "{good}");
        }
        for bad in ["", "Nginx:1", "a b:1", "a:$(id)", "a:-x", "a//b:1", "a@sha256:zz"] {
            assert!(image_reference(bad).is_some(), "{bad}");
        }
        assert_eq!(image_repository("registry.example.com/k8s"), None);
        assert!(image_repository("registry.example.com/k8s:1").is_some());
    }

    #[test]
    fn paths() {
        assert_eq!(http_path("/healthz?verbose=1"), None);
        assert_eq!(http_path("/healthz#x"), Some("it holds `#`".into()));
        assert_eq!(http_path("/api/v1"), None);
        assert!(http_path("/a b").is_some());
        assert!(http_path("/a\"b").is_some());
        assert_eq!(container_path("/var/lib/data"), None);
        assert!(container_path("/a/../b").is_some());
        assert!(container_path("/a:b").is_some());
        assert!(ceph_name("kube;x").is_some());
        assert_eq!(route_path("/api/v1.2_x-y~z"), None);
        assert!(route_path("/api;deny").is_some());
    }
}
