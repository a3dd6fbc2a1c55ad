//! The HA rules: one file per family, each rule a function with its invariant as its doc
//! line, registered once in [`FAMILIES`].
//!
//! Input: the platform (the model's effective values and derived facts, `crate::platform`).
//! Output: every finding, never stopping at the first; and, for a build, what only a build
//! needs ([`build`]), before any emitter runs. Invariants: pure (secrets are passed in,
//! never read here); rules read the platform, never an emitter, and report on the
//! declaration that must change, with the other parties as secondary labels; severity
//! follows the cluster's profile (see [`Platform::severity`]); `@allow` attributes
//! suppress a code on one declaration and must give a reason.

mod bootstrap;
mod budget;
mod build;
mod capacity;
mod clusters;
mod config;
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

use crate::diagnostic::{Code, Diagnostic};
use crate::graph::Graph;
use crate::platform::{Platform, Secrets};
use crate::semantic::Model;

/// One rule: a function that proves one invariant (its doc comment's first line) and
/// reports the codes it names when a platform breaks it.
pub struct Rule {
    /// The function's name, as `explain --list` and SARIF show it.
    pub name: &'static str,
    pub codes: &'static [Code],
    pub check: fn(&Platform<'_>, &mut Vec<Diagnostic>),
}

/// A family's rules: one file of `check/`.
pub struct Family {
    pub name: &'static str,
    pub rules: &'static [Rule],
}

/// `rule!(two_members: HA030)`: the rule of that function, reporting those codes.
macro_rules! rule {
    ($check:ident: $($code:ident),+) => {
        crate::check::Rule {
            name: stringify!($check),
            codes: &[$(crate::diagnostic::Code::$code),+],
            check: $check,
        }
    };
}
pub(crate) use rule;

/// `family!(vrrp)`: the family of a module of `check/`, by its file's name.
macro_rules! family {
    ($module:ident) => {
        Family {
            name: stringify!($module),
            rules: $module::RULES,
        }
    };
}

/// Every rule, by family: what `check` runs, what `explain --list` and the SARIF rules
/// show beside each code, and what the mutation suite counts. The per-app workload
/// family is about half the work on a large platform, so it runs on a thread of its own.
pub const FAMILIES: &[Family] = &[
    family!(etcd),
    family!(failure_domain),
    family!(control_plane),
    family!(vrrp),
    family!(ingress),
    family!(route),
    family!(namespace),
    family!(network),
    family!(storage),
    family!(registry),
    family!(image),
    family!(capacity),
    family!(budget),
    family!(clusters),
    family!(config),
    family!(names),
    family!(security),
    family!(fields),
    family!(sets),
    family!(overrides),
    family!(bootstrap),
    family!(workload),
];

/// The family that runs on a thread of its own on a large platform.
const SEPARATE: &str = "workload";

/// The rule and family that report `code`, if a rule does (the front end's codes, `@allow`'s
/// and a build's are no rule's).
pub fn rule_of(code: Code) -> Option<(&'static Family, &'static Rule)> {
    FAMILIES.iter().find_map(|family| {
        (family.rules.iter())
            .find(|rule| rule.codes.contains(&code))
            .map(|rule| (family, rule))
    })
}

/// From this many declarations on, the two groups of families run on two threads.
const PARALLEL_FROM: usize = 2_000;

/// Runs every rule and applies the `@allow` attributes.
pub fn check(model: &Model, graph: &Graph, secrets: &Secrets) -> Vec<Diagnostic> {
    check_among(model, graph, secrets, Vec::new())
}

/// [`check`] of one cluster of a platform of several, compared with the clusters declared
/// before it (`neighbours`).
pub fn check_among(
    model: &Model,
    graph: &Graph,
    secrets: &Secrets,
    neighbours: Vec<crate::platform::neighbours::Neighbour>,
) -> Vec<Diagnostic> {
    // The front end found no cluster (E0115) or an error: the rules judge whole platforms.
    let Some(mut platform) = Platform::new(model, graph, secrets) else {
        return Vec::new();
    };
    platform.neighbours = neighbours;
    let run = |separate: bool| {
        let mut findings = Vec::new();
        for family in FAMILIES.iter().filter(|family| (family.name == SEPARATE) == separate) {
            for rule in family.rules {
                (rule.check)(&platform, &mut findings);
            }
        }
        findings
    };
    let (first, second) = (false, true);
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
