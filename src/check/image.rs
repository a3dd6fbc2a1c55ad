//! Images: every container image names the version it runs, by tag or digest; a moving
//! tag (`latest`, or none, which means `latest`) is refused in production.

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[super::rule!(images_pinned: HA095)];

/// Why an image reference does not pin a version, if it does not.
pub fn unpinned(image: &str) -> Option<&'static str> {
    if image.contains('@') {
        // A digest pins the exact image, whatever the tag says.
        return None;
    }
    // The tag follows the last `:` of the last path part (a registry's port is earlier).
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some("has no tag, so it pulls `latest`"),
        Some((_, "latest")) => Some("is tagged `latest`"),
        Some((_, "")) => Some("has an empty tag"),
        Some(_) => None,
    }
}

pub fn images_pinned(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let images = model
        .apps()
        .map(|app| ("app", app.name(), app.image(), app.image_span(), Some(app.id())))
        .chain(model.ingress_controllers().map(|controller| {
            (
                "ingress controller",
                controller.name(),
                controller.image(),
                controller.image_span(),
                None,
            )
        }));
    for (kind, name, image, span, app) in images {
        let Some(image) = image else { continue };
        // A reference that is no reference at all is E0217's.
        if crate::platform::accepted::image_reference(image).is_some() {
            continue;
        }
        let Some(why) = unpinned(image) else { continue };
        out.push(finding(context, app, (kind, name), image, why, span));
    }
}

/// HA095 for an image; an app's follows its own profile, a controller's the platform's.
fn finding(
    context: &Platform<'_>,
    app: Option<crate::semantic::views::AppId>,
    (kind, name): (&str, &str),
    image: &str,
    why: &str,
    span: Span,
) -> Diagnostic {
    let base = image
        .rsplit_once(':')
        .filter(|(_, tag)| !tag.contains('/'))
        .map_or(image, |(base, _)| base);
    let report = |code: Code, message: String, span: Span, label: &str| match app {
        Some(app) => context.app_finding(app, code, message, span, label),
        None => context.finding(code, message, span, label),
    };
    report(
        Code::HA095,
        format!("the image of {kind} `{name}`, `{image}`, {why}: each node may run a different version"),
        span,
        "no pinned version",
    )
    .with_help(format!(
        "name the version: `\"{base}:1.2.3\"`, or pin the digest: `\"{base}@sha256:...\"`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests_pin_and_latest_does_not() {
        assert_eq!(unpinned("nginx:1.27"), None);
        assert_eq!(unpinned("registry.example.com:5000/shop/web:2.0"), None);
        assert_eq!(unpinned("nginx@sha256:0123"), None);
        assert_eq!(unpinned("nginx:latest@sha256:0123"), None);
        assert!(unpinned("nginx").is_some());
        assert!(unpinned("registry.example.com:5000/shop/web").is_some());
        assert!(unpinned("nginx:latest").is_some());
        assert!(unpinned("nginx:").is_some());
    }
}
