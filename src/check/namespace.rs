//! The namespace plan: each namespace serves one class of applications, none of ours lives
//! in Kubernetes' own namespaces, and a namespace holds something.

use rustc_hash::FxHashSet as HashSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::semantic::EntityId;
use crate::semantic::views::{NamespaceId, NamespaceOrApp, Stage};

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(not_reserved: HA050),
    super::rule!(classes_match: HA051),
    super::rule!(not_empty: HA052),
    super::rule!(stages_kept_apart: HA115),
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

/// A namespace's stage, when it declares one.
fn stage_of(context: &Platform<'_>, namespace: Option<NamespaceId>) -> Option<Stage> {
    namespace.and_then(|namespace| context.model.namespace(namespace).stage())
}

/// Whether a stage is a lower one (dev, test) than a release or production one.
fn lower(stage: Option<Stage>) -> bool {
    matches!(stage, Some(Stage::Dev | Stage::Test))
}

/// HA115: what runs at a `release` or `production` stage takes no traffic from, and
/// waits for nothing at, a `dev` or `test` stage: the stages stay apart unless the source
/// says otherwise (`@allow(HA115, "...")`).
fn stages_kept_apart(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for app in model.apps() {
        let stage = stage_of(context, app.namespace());
        if !matches!(stage, Some(Stage::Release | Stage::Production)) {
            continue;
        }
        let name = |stage: Option<Stage>| stage.map_or("", Stage::as_str);
        for (source, span) in app.allow_from().iter().flat_map(|sources| sources.spanned()) {
            let (what, source_stage) = match source {
                NamespaceOrApp::Namespace(namespace) => (
                    format!("namespace `{}`", model.name(namespace)),
                    stage_of(context, Some(namespace)),
                ),
                NamespaceOrApp::App(source) => (
                    format!("app `{}`", model.name(source)),
                    stage_of(context, model.app(source).namespace()),
                ),
            };
            if lower(source_stage) {
                out.push(crossing(
                    (app.name(), name(stage)),
                    "admits traffic from",
                    (&what, name(source_stage)),
                    span,
                ));
            }
        }
        for (dependency, span) in app.depends_on().spanned() {
            let source_stage = stage_of(context, model.app(dependency).namespace());
            if lower(source_stage) {
                let what = format!("app `{}`", model.name(dependency));
                out.push(crossing(
                    (app.name(), name(stage)),
                    "waits for",
                    (&what, name(source_stage)),
                    span,
                ));
            }
        }
    }
}

/// HA115 for one crossing: (the app, its stage), what it does, (what, its stage).
fn crossing(
    (name, stage): (&str, &str),
    verb: &str,
    (what, other): (&str, &str),
    span: crate::source::Span,
) -> Diagnostic {
    Diagnostic::warning(
        Code::HA115,
        format!("app `{name}` at the `{stage}` stage {verb} {what}, at the `{other}` stage"),
        span,
        format!("a `{other}` stage"),
    )
    .with_help(format!(
        "keep the stages apart: a `{stage}` app should depend on nothing that is tested or developed; \
         if this crossing is meant, say why with `@allow(HA115, \"...\")`"
    ))
}
