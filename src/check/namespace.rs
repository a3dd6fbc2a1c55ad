//! The namespace plan: each namespace serves one class of applications, none of ours lives
//! in Kubernetes' own namespaces, and a namespace holds something.

use rustc_hash::FxHashSet as HashSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::semantic::EntityId;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(not_reserved: HA050),
    super::rule!(classes_match: HA051),
    super::rule!(not_empty: HA052),
];

/// Namespaces Kubernetes owns.
const RESERVED: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// The namespaces something runs in: each app's, and each ingress controller's.
fn used_namespaces(model: &crate::semantic::Model) -> HashSet<EntityId> {
    let mut used: HashSet<EntityId> = HashSet::default();
    for controller in model.ingress_controllers() {
        used.extend(controller.namespace().map(|namespace| namespace.entity()));
    }
    used.extend(
        model
            .apps()
            .filter_map(|app| app.namespace())
            .map(|namespace| namespace.entity()),
    );
    used
}

/// HA051: an app's class is its namespace's class.
fn classes_match(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for app in model.apps() {
        let Some(namespace) = app.namespace() else {
            continue;
        };
        let namespace = model.namespace(namespace);
        let (Some(app_class), Some(namespace_class)) = (app.class(), namespace.class()) else {
            continue;
        };
        if app_class != namespace_class {
            out.push(
                context
                    .finding(
                        Code::HA051,
                        format!(
                            "app `{}` is of class {app_class}, but its namespace `{}` serves {namespace_class} apps",
                            app.name(),
                            namespace.name()
                        ),
                        app.namespace_span(),
                        format!("a {namespace_class} namespace"),
                    )
                    .with_label(namespace.class_span(), format!("class = {namespace_class}"))
                    .with_help(format!(
                        "move the app to a namespace of class {app_class}, one namespace per class of application"
                    )),
            );
        }
    }
}

/// HA050: no namespace is one of Kubernetes' own.
fn not_reserved(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    for namespace in context.model.namespaces() {
        let name = namespace.name();
        if RESERVED.contains(&name) || name.replace('_', "-").starts_with("kube-") {
            out.push(
                Diagnostic::error(
                    Code::HA050,
                    format!("`{name}` is Kubernetes' own namespace; platform apps do not go there"),
                    namespace.name_span(),
                    "reserved namespace",
                )
                .with_help("name the namespace after the class of applications it serves, such as `monitor` or `shop`"),
            );
        }
    }
}

/// HA052: every namespace holds something.
fn not_empty(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let used = used_namespaces(context.model);
    for namespace in context.model.namespaces() {
        let name = namespace.name();
        if !used.contains(&namespace.id().entity()) {
            out.push(
                Diagnostic::warning(
                    Code::HA052,
                    format!("namespace `{name}` holds no app"),
                    namespace.name_span(),
                    "empty namespace",
                )
                .with_help("put its apps in it, or remove it"),
            );
        }
    }
}
