//! The HA rules: one file per family, each rule a stable code with a one-line invariant.
//!
//! Input: the typed model, its dependency graph and the secrets the caller could resolve.
//! Output: every finding, never stopping at the first. Invariants: pure (secrets are
//! passed in, never read here); rules read the model through typed accessors and report
//! on the declaration that must change, with the other parties as secondary labels;
//! severity follows the cluster's profile (see [`Context::severity`]); `@allow`
//! attributes suppress a code on one declaration and must give a reason.

pub mod bootstrap;
pub mod capacity;
pub mod control_plane;
mod etcd;
mod failure_domain;
pub mod fields;
pub mod flows;
mod image;
mod ingress;
pub mod names;
mod namespace;
mod network;
mod overrides;
pub mod pods;
mod registry;
pub mod release;
pub mod route;
mod security;
mod sets;
pub mod settled;
pub mod simulate;
mod storage;
mod suppression;
pub mod survival;
pub mod topology;
mod vrrp;
mod workload;

use rustc_hash::FxHashMap as HashMap;

pub use survival::{Assessment, assess};
pub use topology::Topology;
pub use vrrp::{
    RouterId, black_hole as vrrp_black_hole, interface as vrrp_interface, preempts, priorities, router_ids,
    version as vrrp_version,
};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::graph::Graph;
use crate::semantic::{EntityId, Model, SecretSource, views};
use crate::source::Span;

/// Secret values the caller resolved (from the environment or files); the checks never
/// read them themselves. A secret that is absent is simply not checked.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    values: HashMap<SecretSource, String>,
}

impl Secrets {
    pub fn insert(&mut self, source: SecretSource, value: String) {
        self.values.insert(source, value);
    }

    pub fn get(&self, source: &SecretSource) -> Option<&str> {
        self.values.get(source).map(String::as_str)
    }
}

/// How strict the rules are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Dev,
    Production,
}

/// What every rule reads.
pub struct Context<'m> {
    pub model: &'m Model,
    pub graph: &'m Graph,
    pub secrets: &'m Secrets,
    pub profile: Profile,
    pub cluster: Option<EntityId>,
    pub topology: Topology,
    /// Every load-balancer frontend, in source order.
    pub frontends: Vec<survival::Frontend>,
    /// The positions in `frontends` of those that lead to the apiservers.
    pub apiserver_frontends: Vec<usize>,
}

impl<'m> Context<'m> {
    pub fn new(model: &'m Model, graph: &'m Graph, secrets: &'m Secrets) -> Context<'m> {
        Context::with_topology(model, graph, secrets, Topology::build(model))
    }

    /// A context whose topology leaves the apps out ([`Topology::infrastructure`]): for
    /// the control-plane and load-balancer facts, not for the rules.
    pub fn infrastructure(model: &'m Model, graph: &'m Graph, secrets: &'m Secrets) -> Context<'m> {
        Context::with_topology(model, graph, secrets, Topology::infrastructure(model))
    }

    fn with_topology(model: &'m Model, graph: &'m Graph, secrets: &'m Secrets, topology: Topology) -> Context<'m> {
        let cluster = model.clusters().next().map(|cluster| cluster.id().entity());
        let profile = match cluster.and_then(|cluster| model.cluster(cluster).profile()) {
            Some(views::Profile::Dev) => Profile::Dev,
            _ => Profile::Production,
        };
        let mut context = Context {
            model,
            graph,
            secrets,
            profile,
            cluster,
            topology,
            frontends: survival::frontends(model),
            apiserver_frontends: Vec::new(),
        };
        context.apiserver_frontends = survival::apiserver_frontends(&context, &context.frontends);
        context
    }

    pub fn production(&self) -> bool {
        self.profile == Profile::Production
    }

    /// Errors in production, warnings in dev: for rules whose breach a dev platform may
    /// live with.
    pub fn severity(&self) -> Severity {
        match self.profile {
            Profile::Production => Severity::Error,
            Profile::Dev => Severity::Warning,
        }
    }

    /// A finding whose severity follows the profile.
    pub fn finding(&self, code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: self.severity(),
            ..Diagnostic::error(code, message, span, label)
        }
    }

    /// The span of the cluster's name (for platform-wide findings).
    pub fn cluster_span(&self) -> Span {
        self.cluster
            .map_or_else(Span::default, |cluster| self.model.entity(cluster).name_span)
    }

    /// The port kube-apiserver listens on (the cluster's `apiserver_port`).
    pub fn apiserver_port(&self) -> i64 {
        self.cluster
            .and_then(|cluster| self.model.cluster(cluster).apiserver_port())
            .map_or(6443, i64::from)
    }
}

/// One family's rules.
type Family = fn(&Context<'_>, &mut Vec<Diagnostic>);

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
    let context = Context::new(model, graph, secrets);
    let run = |families: &[Family]| {
        let mut findings = Vec::new();
        for family in families {
            family(&context, &mut findings);
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

/// Quorum of a raft cluster of `members`: a majority.
pub fn quorum(members: usize) -> usize {
    members / 2 + 1
}

/// How many members a raft cluster of `members` can lose and keep its quorum.
pub fn tolerance(members: usize) -> usize {
    members.saturating_sub(1) / 2
}

/// "1 member", "3 members".
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// "a", "a and b", "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "a", "a or b", "a, b or c".
pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_and_tolerance_follow_raft() {
        assert_eq!((quorum(1), tolerance(1)), (1, 0));
        assert_eq!((quorum(2), tolerance(2)), (2, 0));
        assert_eq!((quorum(3), tolerance(3)), (2, 1));
        assert_eq!((quorum(4), tolerance(4)), (3, 1));
        assert_eq!((quorum(5), tolerance(5)), (3, 2));
        assert_eq!((quorum(7), tolerance(7)), (4, 3));
    }
}
