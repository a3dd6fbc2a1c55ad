//! Routes: each host and path claimed once per ingress controller, paths that are paths,
//! ports the app listens on, and HTTPS with a certificate to serve.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::platform::flows::controller_of;
use crate::semantic::views::{IngressControllerId, Route};

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(one_route_per_path: HA046),
    super::rule!(paths_absolute: HA047),
    super::rule!(port_is_the_apps: HA048),
    super::rule!(https_has_certificate: HA049),
];

/// HA046: one route per host and path on a controller (its IngressClass).
fn one_route_per_path(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut claimed: HashMap<(Option<IngressControllerId>, String, &str), Route<'_>> = HashMap::default();
    for route in model.routes() {
        let name = route.name();
        let host = route.host().unwrap_or_default();
        let path = route.path();
        let controller = controller_of(model, route);
        let key = (controller, host.to_ascii_lowercase(), path);
        if let Some(first) = claimed.get(&key) {
            let class = controller.map_or("the default", |controller| model.name(controller.entity()));
            out.push(
                context
                    .finding(
                        Code::HA046,
                        format!(
                            "route `{name}` claims `{host}{path}`, which route `{}` already claims on ingress controller `{class}`",
                            first.name()
                        ),
                        route.host_span(),
                        "claimed again here",
                    )
                    .with_label(first.host_span(), format!("first claimed by `{}`", first.name()))
                    .with_help("give one of the routes another host or path, or merge them into one route"),
            );
        } else {
            claimed.insert(key, route);
        }
    }
}

/// HA047: a path is absolute. An error in every profile: kube-apiserver refuses an
/// Ingress path that is not.
fn paths_absolute(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for route in model.routes() {
        let name = route.name();
        let path = route.path();
        if !path.starts_with('/') {
            out.push(
                crate::diagnostic::Diagnostic::error(
                    Code::HA047,
                    format!("route `{name}` has the path `{path}`, which does not begin with `/`"),
                    route.path_span(),
                    "not a path",
                )
                .with_help(format!("write `path = \"/{}\"`", path.trim_start_matches('/'))),
            );
        }
    }
}

/// HA048: the port is one of the app's.
fn port_is_the_apps(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for route in model.routes() {
        let name = route.name();
        if let (Some(app), Some(port)) = (route.app(), route.port()) {
            let view = model.app(app);
            let ports: Vec<u16> = view.ports().iter().filter_map(|spec| spec.port()).collect();
            if !ports.contains(&port) {
                let listens = match ports.as_slice() {
                    [] => "listens on no port".to_string(),
                    [only] => format!("listens only on {only}"),
                    many => format!(
                        "listens on {}",
                        many.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
                    ),
                };
                let help = match ports.first() {
                    Some(first) => {
                        format!("route to one of the app's ports (`port = {first}`), or add {port} to its `ports`")
                    }
                    None => format!("declare the port on the app: `ports = [{{ name = \"http\", port = {port} }}]`"),
                };
                out.push(
                    context
                        .finding(
                            Code::HA048,
                            format!(
                                "route `{name}` sends traffic to port {port} of app `{}`, which {listens}",
                                view.name()
                            ),
                            route.port_span(),
                            "not one of the app's ports",
                        )
                        .with_label(view.name_span(), "the app")
                        .with_help(help),
                );
            }
        }
    }
}

/// HA049: HTTPS needs a certificate.
fn https_has_certificate(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for route in model.routes() {
        let name = route.name();
        if route.tls() && route.tls_secret().is_none() {
            out.push(
                context
                    .finding(
                        Code::HA049,
                        format!("route `{name}` serves HTTPS but names no certificate"),
                        route.tls_span(),
                        "tls without a certificate",
                    )
                    .with_help(format!(
                        "name the Secret of type kubernetes.io/tls that holds it: `tls_secret = \"{name}-tls\"` (create it in the app's namespace)"
                    )),
            );
        }
    }
}
