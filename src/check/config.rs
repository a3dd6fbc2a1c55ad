//! Settings: an app's environment takes each variable from one place, and a config only
//! from its own namespace, where the kubelet can read it.

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[super::rule!(settings_in_reach: E0137)];

/// E0137: every config an app's `env_from` names is of the app's namespace, and no
/// variable is set both in `env` and in `secret_env`.
fn settings_in_reach(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for app in model.apps() {
        let Some(namespace) = app.namespace() else { continue };
        for (config, span) in app.env_from().spanned() {
            let theirs = model.config(config).namespace();
            if theirs.is_some_and(|theirs| theirs != namespace) {
                out.push(
                    Diagnostic::error(
                        Code::E0137,
                        format!(
                            "app `{}` runs in namespace `{}`, and takes its environment from config `{}` of namespace `{}`",
                            app.name(),
                            model.name(namespace),
                            model.config(config).name(),
                            theirs.map(|theirs| model.name(theirs)).unwrap_or_default(),
                        ),
                        span,
                        "a config of another namespace",
                    )
                    .with_help(
                        "a pod reads ConfigMaps and Secrets of its own namespace only (the kubelet would not start it): \
                         declare the config in the app's namespace, once per namespace with `config NAME[ns1, ns2]`",
                    ),
                );
            }
        }
        for (key, _) in app.secret_env().iter() {
            if app.env().get(key).is_some() {
                out.push(
                    Diagnostic::error(
                        Code::E0137,
                        format!(
                            "app `{}` sets the environment variable `{key}` twice: in `env` and in `secret_env`",
                            app.name()
                        ),
                        app.secret_env_span(),
                        format!("`{key}` again"),
                    )
                    .with_label(app.env_span(), format!("`{key}` here"))
                    .with_help("keep one: a secret value in `secret_env`, a plain one in `env`"),
                );
            }
        }
    }
}
