//! What each consumer accepts in a field with a syntax of its own (the apiserver's names,
//! labels and paths, the container runtime's image references, Ceph's names, HTTP paths):
//! each predicate returns the problem in words, or `None` when the value is accepted.

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

pub(crate) fn too_long(text: &str, most: usize) -> Option<String> {
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
pub(crate) fn label_name(text: &str) -> Option<String> {
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
pub(crate) fn registry_host(text: &str) -> Option<String> {
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
pub(crate) fn repository_component(text: &str) -> bool {
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
pub(crate) fn is_domain(part: &str) -> bool {
    part.contains(['.', ':']) || part == "localhost" || part.chars().any(|ch| ch.is_ascii_uppercase())
}

/// A repository path `[registry/]component(/component)*`.
pub(crate) fn repository(name: &str) -> Option<String> {
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

/// A value as a message quotes it: escaped, and cut short when long.
pub(crate) fn shown(text: &str) -> String {
    const MOST: usize = 60;
    let escaped: String = text.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > MOST {
        format!("`{}...`", escaped.chars().take(MOST).collect::<String>())
    } else {
        format!("`{escaped}`")
    }
}
