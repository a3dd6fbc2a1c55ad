//! The HA rules: one file per family, each rule a stable code with a one-line invariant.
//!
//! Input: the platform (the model's effective values and derived facts, `crate::platform`).
//! Output: every finding, never stopping at the first. Invariants: pure (secrets are
//! passed in, never read here); rules read the model through typed accessors and report
//! on the declaration that must change, with the other parties as secondary labels;
//! severity follows the cluster's profile (see [`Platform::severity`]); `@allow`
//! attributes suppress a code on one declaration and must give a reason.

mod bootstrap;
mod build;
mod capacity;
mod control_plane;
mod etcd;
mod failure_domain;
pub mod fields;
mod image;
mod ingress;
mod names;
mod namespace;
mod network;
mod overrides;
mod registry;
mod route;
mod security;
mod sets;
mod storage;
mod suppression;
mod vrrp;
mod workload;

pub use build::{build, missing_secrets};

use crate::diagnostic::Diagnostic;
use crate::graph::Graph;
use crate::platform::{Platform, Secrets};
use crate::semantic::Model;

/// One family's rules.
type Family = fn(&Platform<'_>, &mut Vec<Diagnostic>);

/// Every family, in the order their findings are produced (the output is sorted anyway),
/// in two groups of about equal work on a large platform: the per-app workload rules, and
/// the rest.
const FAMILIES: [&[Family]; 2] = [
    &[
        etcd::check,
        failure_domain::check,
        failure_domain::check_spread,
        control_plane::check,
        control_plane::check_frontend_modes,
        control_plane::check_backends,
        control_plane::check_lvs,
        control_plane::check_vips,
        vrrp::check,
        vrrp::check_carried,
        ingress::check,
        route::check,
        namespace::check,
        network::check,
        storage::check,
        registry::check,
        image::check,
        capacity::check,
        names::check,
        security::check,
        fields::check,
        sets::check,
        overrides::check,
        bootstrap::check,
    ],
    &[workload::check],
];

/// From this many declarations on, the two groups of families run on two threads.
const PARALLEL_FROM: usize = 2_000;

/// Runs every rule and applies the `@allow` attributes.
pub fn check(model: &Model, graph: &Graph, secrets: &Secrets) -> Vec<Diagnostic> {
    // The front end found no cluster (E0115) or an error: the rules judge whole platforms.
    let Some(platform) = Platform::new(model, graph, secrets) else {
        return Vec::new();
    };
    let run = |families: &[Family]| {
        let mut findings = Vec::new();
        for family in families {
            family(&platform, &mut findings);
        }
        findings
    };
    let [first, second] = FAMILIES;
    let findings = if model.entities.len() >= PARALLEL_FROM {
        std::thread::scope(|threads| {
            let later = threads.spawn(|| run(second));
            let mut findings = run(first);
            findings.extend(later.join().unwrap_or_else(|_| run(second)));
            findings
        })
    } else {
        let mut findings = run(first);
        findings.extend(run(second));
        findings
    };
    suppression::apply(model, findings)
}
