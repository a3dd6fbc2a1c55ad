//! Fields with a syntax: every string the source writes into a field that its consumer
//! reads as a name, a host, a URL, a path or a label is checked as that syntax, with the
//! consumer's own rules (Kubernetes' validation, the distribution reference grammar,
//! RFC 1123, what keepalived and Ceph take). A value that passes is one token of that
//! syntax, so no emitter has to guess how to carry it, and none can change the meaning of
//! the file it lands in.
//!
//! E0214 registry URLs, E0215 DNS names, E0216 Kubernetes names and labels, E0217 image
//! references, E0218 paths and names other consumers read. Network interfaces (E0211),
//! DRBD names (E0213) and host paths (E0205) are in [`crate::platform::names`], VRRP passwords in
//! [`crate::platform::vrrp`] (HA037).

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::platform::accepted::*;
use crate::semantic::{EntityId, Model, Type, Value};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[super::rule!(field_syntax: E0214, E0215, E0216, E0217, E0218, E0222)];

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
    ("app.secret_env", true, Syntax::EnvName),
    ("config.data", true, Syntax::EnvName),
    ("config.secrets", true, Syntax::EnvName),
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
pub fn field_syntax(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
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

/// What each syntax's finding says: its code, what a value of it is called, and how to
/// write one.
const DESCRIBED: &[(Syntax, Code, &str, &str)] = &[
    (
        Syntax::RegistryUrl,
        Code::E0214,
        "registry URL",
        "write `https://` or `http://`, a host name or IPv4 address, an optional port and path: `https://harbor.dc1.example.com`",
    ),
    (
        Syntax::DnsSubdomain,
        Code::E0215,
        "DNS name",
        "write lower-case labels of letters, digits and `-`, joined by `.`: `cluster.local`, `shop.example.com`",
    ),
    (
        Syntax::IngressHost,
        Code::E0215,
        "host name",
        "write a DNS name such as `shop.example.com`, or a wildcard such as `*.example.com`",
    ),
    (
        Syntax::DnsLabel,
        Code::E0216,
        "name",
        "write at most 63 lower-case letters, digits and `-`, beginning and ending with a letter or digit: `data`",
    ),
    (
        Syntax::LabelKey,
        Code::E0216,
        "label key",
        "write an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` and `.`: `example.com/tier`",
    ),
    (
        Syntax::NamespaceLabelKey,
        Code::E0216,
        "label key",
        "write an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` and `.`: `example.com/tier`",
    ),
    (
        Syntax::LabelValue,
        Code::E0216,
        "label value",
        "write at most 63 letters, digits, `-`, `_` and `.`, beginning and ending with a letter or digit",
    ),
    (
        Syntax::LabelName,
        Code::E0216,
        "label value",
        "write at most 63 letters, digits, `-`, `_` and `.`, beginning and ending with a letter or digit",
    ),
    (
        Syntax::PortName,
        Code::E0216,
        "port name",
        "write at most 15 lower-case letters, digits and `-`, with a letter, no `--`, and no `-` at either end: `http`",
    ),
    (
        Syntax::EnvName,
        Code::E0216,
        "environment variable name",
        "write letters, digits, `_`, `-` and `.`, not beginning with a digit: `LOG_LEVEL`",
    ),
    (
        Syntax::Image,
        Code::E0217,
        "image reference",
        "write `[registry[:port]/]repository[:tag][@sha256:digest]` in lower case: `registry.example.com/shop/web:1.4.2`",
    ),
    (
        Syntax::ImageRepository,
        Code::E0217,
        "image repository",
        "write a registry host with an optional port and path: `registry.example.com/k8s`",
    ),
    (
        Syntax::HttpPath,
        Code::E0218,
        "HTTP path",
        "write a path beginning with `/`, of letters, digits and `/ - . _ ~ % ! $ & ' ( ) * + , ; = : @`, and an optional `?` query",
    ),
    (
        Syntax::RoutePath,
        Code::E0218,
        "route path",
        "write a path beginning with `/`, of letters, digits and `/ - _ . ~`: `/api/v1`",
    ),
    (
        Syntax::ContainerPath,
        Code::E0218,
        "mount path",
        "write an absolute path without `..` segments, `:`, white space or quotes: `/var/lib/data`",
    ),
    (
        Syntax::CephName,
        Code::E0218,
        "Ceph name",
        "write letters, digits, `_`, `-` and `.`: `kube`",
    ),
];

/// A syntax's code, what a value of it is called, and how to write one (a namespace label
/// of Pod Security's is E0222: k8sc sets those).
fn described(syntax: Syntax, text: &str) -> (Code, &'static str, &'static str) {
    if syntax == Syntax::NamespaceLabelKey && text.starts_with(POD_SECURITY_PREFIX) {
        return (
            Code::E0222,
            "namespace label",
            "leave the Pod Security labels to k8sc: it sets each namespace to the lowest level its pods run under, and an app's `relax` says why",
        );
    }
    let syntax = if syntax == Syntax::NamespaceLabelKey {
        Syntax::LabelKey
    } else {
        syntax
    };
    (DESCRIBED.iter())
        .find(|(described, ..)| *described == syntax)
        .map_or((Code::E0216, "value", ""), |&(_, code, what, help)| (code, what, help))
}

fn finding(syntax: Syntax, written: &WrittenString<'_>, problem: &str) -> Diagnostic {
    let (code, what, help) = described(syntax, written.text);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every syntax has its description: the match names every variant, so a new one
    /// fails to compile here until it is listed, and then here until it is described.
    #[test]
    fn every_syntax_is_described() {
        use Syntax::*;
        let all = [
            RegistryUrl,
            DnsSubdomain,
            IngressHost,
            DnsLabel,
            LabelKey,
            LabelValue,
            LabelName,
            PortName,
            EnvName,
            Image,
            ImageRepository,
            HttpPath,
            RoutePath,
            ContainerPath,
            CephName,
            NamespaceLabelKey,
        ];
        for syntax in all {
            match syntax {
                RegistryUrl | DnsSubdomain | IngressHost | DnsLabel | LabelKey | LabelValue | LabelName | PortName
                | EnvName | Image | ImageRepository | HttpPath | RoutePath | ContainerPath | CephName
                | NamespaceLabelKey => {}
            }
            let described = DESCRIBED.iter().any(|(known, ..)| *known == syntax) || syntax == NamespaceLabelKey;
            assert!(described, "{syntax:?} has no row in DESCRIBED");
        }
    }

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
