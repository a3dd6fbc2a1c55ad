//! The namespace plan: each namespace serves one class of applications, none of ours lives
//! in Kubernetes' own namespaces, and a namespace holds something.

use rustc_hash::FxHashSet as HashSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::semantic::EntityId;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[super::rule!(namespace_plan: HA050, HA051, HA052)];

/// Namespaces Kubernetes owns.
const RESERVED: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

pub fn namespace_plan(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut used: HashSet<EntityId> = HashSet::default();
    for controller in model.ingress_controllers() {
        used.extend(controller.namespace().map(|namespace| namespace.entity()));
    }
    for app in model.apps() {
        let Some(namespace) = app.namespace() else {
            continue;
        };
        used.insert(namespace.entity());
        let namespace = model.namespace(namespace);
        // HA051: the app's class is its namespace's class.
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
    for namespace in model.namespaces() {
        let name = namespace.name();
        // HA050: not one of Kubernetes' own namespaces.
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
        // HA052: a namespace with nothing in it.
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
