//! Fields that have no effect where they are written: another field of the declaration
//! decides instead. The build ignores them, so the source says something the platform
//! will not do.

use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::value::Origin;
use crate::semantic::views::VipTrack;
use crate::semantic::{EntityId, Model};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[super::rule!(no_ignored_fields: E0123)];

/// Where a declaration writes a field itself (not through a component or a default).
fn written(model: &Model, id: EntityId, field: &str) -> Option<Span> {
    (model.fields(id))
        .find(|(name, _, origin)| *name == field && *origin == Origin::Source)
        .map(|(_, value, _)| value.span)
}

/// E0123: a field another field overrides: `replicas` beside `autoscaling` (the
/// autoscaler owns the count), a VIP group's check timing without a `track` (nothing is
/// checked), a route's `tls_secret` without `tls = true` (no TLS is served).
pub fn no_ignored_fields(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut ignored = |field_span: Option<Span>, message: String, by: Span, label: &str, help: &str| {
        if let Some(span) = field_span {
            out.push(
                Diagnostic::warning(Code::E0123, message, span, "has no effect")
                    .with_label(by, label.to_string())
                    .with_help(help.to_string()),
            );
        }
    };
    for app in model.apps() {
        let id = app.id().entity();
        if let Some(autoscaling) = app.autoscaling() {
            ignored(
                written(model, id, "replicas"),
                format!(
                    "`replicas` of app `{}` has no effect: its autoscaler keeps between {} and {} replicas",
                    app.name(),
                    autoscaling.min().unwrap_or(1),
                    autoscaling.max().unwrap_or(1)
                ),
                app.autoscaling_span(),
                "the autoscaler owns the count",
                "remove `replicas`, and set the fewest the app may run as the autoscaler's `min`",
            );
        }
    }
    for vip in model.vip_groups() {
        if vip.track() != VipTrack::None {
            continue;
        }
        let id = vip.id().entity();
        for field in ["check_interval", "check_fall", "check_rise"] {
            ignored(
                written(model, id, field),
                format!(
                    "`{field}` of VIP group `{}` has no effect: it tracks nothing",
                    vip.name()
                ),
                model.entity(id).name_span,
                "no `track`",
                "set `track` to what keepalived should watch (apiserver, haproxy, ingress, nfs), or remove the check settings",
            );
        }
    }
    for route in model.routes() {
        if route.tls() {
            continue;
        }
        let id = route.id().entity();
        ignored(
            written(model, id, "tls_secret"),
            format!(
                "`tls_secret` of route `{}` has no effect: the route serves no TLS",
                route.name()
            ),
            written(model, id, "tls").unwrap_or(model.entity(id).name_span),
            "TLS is off",
            "set `tls = true` to serve the route over TLS with that Secret, or remove `tls_secret`",
        );
    }
}
