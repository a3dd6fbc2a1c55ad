//! Security: what an app's confinement and its network policies let it do. Every app runs
//! confined (`check::pods`) and every namespace that runs apps denies traffic by default
//! (`check::flows`); these rules hold the source to what that needs.
//!
//! - HA111: an app with ports that nothing may reach (no route, dependent app or
//!   `allow_from`): under the default deny its Service answers no one.
//! - HA112: `run_as_user = 0` without `relax.run_as_root`: the kubelet and the namespace's
//!   `restricted` level refuse the pod.
//! - E0220: two of an app's volumes or scratch paths under one name or at one path: the
//!   apiserver refuses the pod.
//! - E0221: a relaxation that gives no reason.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::platform::flows::Inbound;
use crate::semantic::views::{App, Cni};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(mounts_distinct: E0220),
    super::rule!(relaxations_with_reasons: E0221),
    super::rule!(ports_reachable: HA111),
    super::rule!(root_with_reason: HA112),
];

/// HA111: in production, under enforced default-deny policies, every app port is
/// reachable by something the platform declares. A development platform is often reached
/// by hand (port-forwards).
fn ports_reachable(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    if context.cluster().cni() == Cni::Flannel || !context.production() {
        return;
    }
    let inbound = Inbound::of(model);
    for app in model.apps().filter(|app| context.app_production(app.id())) {
        unreachable(app, &inbound, out);
    }
}

/// HA112: an app runs as root only with a reason.
fn root_with_reason(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    context.model.apps().for_each(|app| root(app, out));
}

/// E0221: every relaxation of an app's confinement says why.
fn relaxations_with_reasons(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    context.model.apps().for_each(|app| reasons(app, out));
}

/// E0220: no two volumes or scratch paths of an app share a name or a path.
fn mounts_distinct(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    context.model.apps().for_each(|app| mounts(app, out));
}

/// HA112: root only with a reason.
fn root(app: App<'_>, out: &mut Vec<Diagnostic>) {
    let relaxed = app.relax().run_as_root().is_some();
    if app.run_as_user() == Some(0) && !relaxed {
        out.push(
            Diagnostic::error(
                Code::HA112,
                format!("app `{}` runs as root without a reason", app.name()),
                app.run_as_user_span(),
                "user 0 is root",
            )
            .with_help(
                "run as a user that is not root, or say why it must be root: `relax = { run_as_root = \"...\" }` (its namespace then enforces `baseline`)",
            ),
        );
    }
}

/// E0221: every relaxation says why.
fn reasons(app: App<'_>, out: &mut Vec<Diagnostic>) {
    let relax = app.relax();
    let given = [
        ("run_as_root", relax.run_as_root(), relax.run_as_root_span()),
        (
            "privilege_escalation",
            relax.privilege_escalation(),
            relax.privilege_escalation_span(),
        ),
        ("writable_root", relax.writable_root(), relax.writable_root_span()),
        ("api_access", relax.api_access(), relax.api_access_span()),
    ];
    for (field, reason, span) in given {
        if reason.is_some_and(|reason| reason.trim().is_empty()) {
            out.push(
                Diagnostic::error(
                    Code::E0221,
                    format!("app `{}` relaxes `{field}` without a reason", app.name()),
                    span,
                    "an empty reason",
                )
                .with_help("write why the app needs it, as a sentence a reviewer can check"),
            );
        }
    }
}

/// E0220: one name and one mount path per volume of the pod.
fn mounts(app: App<'_>, out: &mut Vec<Diagnostic>) {
    const SCRATCH: &str = "a scratch path (`scratch` is [\"/tmp\"] unless the app sets it)";
    let mut names: HashMap<String, (Span, &str)> = HashMap::default();
    let mut paths: HashMap<String, (Span, &str)> = HashMap::default();
    let clash = |seen: &mut HashMap<String, (Span, &'static str)>,
                 key: String,
                 (span, kind): (Span, &'static str),
                 what: &str,
                 out: &mut Vec<Diagnostic>| {
        if let Some((first, first_kind)) = seen.get(&key) {
            out.push(
                Diagnostic::error(
                    Code::E0220,
                    format!("app `{}` has two volumes {what} `{key}`", app.name()),
                    span,
                    format!("{what} `{key}` again"),
                )
                .with_label(*first, format!("{first_kind}, {what} `{key}`"))
                .with_help("give each volume and scratch path its own name and mount path"),
            );
        } else {
            seen.insert(key, (span, kind));
        }
    };
    // Scratch paths first: the default's are in the standard library, so a clash with a
    // volume is reported on the volume, where the source wrote it.
    for (index, (path, span)) in app.scratch().spanned().enumerate() {
        // Each scratch path is an emptyDir named after its place in the list.
        clash(
            &mut names,
            crate::platform::pods::scratch_volume(index),
            (span, SCRATCH),
            "named",
            out,
        );
        clash(&mut paths, normal(path), (span, SCRATCH), "mounted at", out);
    }
    for volume in app.volumes().iter() {
        if let Some(name) = volume.name() {
            clash(
                &mut names,
                name.to_string(),
                (volume.name_span(), "a volume"),
                "named",
                out,
            );
        }
        if let Some(mount) = volume.mount() {
            clash(
                &mut paths,
                normal(mount),
                (volume.mount_span(), "a volume"),
                "mounted at",
                out,
            );
        }
    }
}

/// A mount path as the apiserver compares it: without a trailing `/`.
fn normal(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/" } else { trimmed }.to_string()
}

/// HA111: under the default deny, something may reach each app that listens.
fn unreachable(app: App<'_>, inbound: &Inbound, out: &mut Vec<Diagnostic>) {
    let id = app.id().entity();
    let allowed = app.allow_from().is_some_and(|sources| !sources.is_empty());
    if app.ports().is_empty() || allowed || !inbound.routes_of(id).is_empty() || !inbound.dependents_of(id).is_empty() {
        return;
    }
    out.push(
        Diagnostic::warning(
            Code::HA111,
            format!(
                "nothing may reach app `{}`: no route points at it, no app depends on it, and it has no `allow_from`",
                app.name()
            ),
            app.ports_span(),
            "ports no one may reach",
        )
        .with_help(
            "its namespace denies traffic by default: list who connects to it in `allow_from`, or in their `depends_on`",
        ),
    );
}
