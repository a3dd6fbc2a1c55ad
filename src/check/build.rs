//! What a build needs beyond what `check` proves, worked out before any emitter runs:
//! every secret the platform uses is readable (E0203), and the nodes have what they join
//! the cluster with (E0207-E0209). `check` does not need the secrets' values; a build
//! writes them.

use crate::diagnostic::Diagnostic;
use crate::graph::Graph;
use crate::platform::{Platform, Secrets};
use crate::semantic::{Model, SecretSource};

/// Every finding that stops a build of a platform `check` passed: `why` says why a secret
/// could not be read.
pub fn build(
    model: &Model,
    graph: &Graph,
    secrets: &Secrets,
    why: impl Fn(&SecretSource) -> String,
) -> Vec<Diagnostic> {
    let mut found = missing_secrets(model, secrets, why);
    if let Some(platform) = Platform::infrastructure(model, graph, secrets) {
        found.extend(super::bootstrap::joins(&platform));
    }
    found
}

/// E0203 for every secret the model uses that `secrets` does not hold: a build writes
/// them all, so each must be readable. `why` says why a secret could not be read.
pub fn missing_secrets(model: &Model, secrets: &Secrets, why: impl Fn(&SecretSource) -> String) -> Vec<Diagnostic> {
    model
        .secret_uses()
        .into_iter()
        .filter(|(source, _)| secrets.get(source).is_none())
        .map(|(source, span)| {
            Diagnostic::error(
                crate::diagnostic::Code::E0203,
                format!("cannot read a secret: {}", why(&source)),
                span,
                "this secret",
            )
            .with_help(match source {
                SecretSource::Env(_) => "set the environment variable before `k8sc build`",
                SecretSource::File(_) => {
                    "create the file beside the source (or below its folder), or name the folder that holds it with `--secrets DIR`"
                }
            })
        })
        .collect()
}
