//! The platform phase: one [`Platform`] value between the model and its readers.
//!
//! Input: a typed model of one cluster (a platform of several gives one per cluster,
//! `Compilation::clusters`), its dependency graph and the secrets the caller
//! could resolve. Output: the platform as every later phase reads it: each field's
//! effective value (the generated views apply the prelude's defaults, so no reader picks
//! its own), and the facts derived from them once: the topology (hosts, domains, the
//! control plane, where each app may run), the load-balancer frontends, the VRRP plan,
//! kubeadm by version, names where they land, pods' confinement and resources, traffic
//! flows, and survival under failure. Invariants: pure (secrets are passed in, never
//! read here); check, emit, lab, the language server and the commands read the platform
//! and its facts, never one another's internals; this phase imports only `semantic`,
//! `graph` and the shared `source` and `diagnostic`.

pub mod accepted;
pub mod bootstrap;
pub mod capacity;
pub mod flows;
pub mod names;
pub mod neighbours;
pub mod pods;
pub mod release;
pub mod settled;
pub mod simulate;
pub mod survival;
pub mod topology;
pub mod vrrp;

use rustc_hash::FxHashMap as HashMap;

pub use crate::semantic::views::Profile;
pub use survival::{Assessment, assess};
pub use topology::Topology;
pub use vrrp::{RouterId, black_hole, interface, preempts, priorities, router_ids, version};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::graph::Graph;
use crate::semantic::views::{AppId, Cluster, ClusterId, Stage};
use crate::semantic::{Model, SecretSource};
use crate::source::Span;

/// Secret values the caller resolved (from the environment or files); the platform never
/// reads them itself. A secret that is absent is simply not checked.
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

/// The platform as the rules, the emitters and the tools read it.
pub struct Platform<'m> {
    pub model: &'m Model,
    pub graph: &'m Graph,
    pub secrets: &'m Secrets,
    /// The platform's cluster (the front end makes sure there is exactly one).
    pub cluster_id: ClusterId,
    /// How strict the platform's own rules are (hosts, etcd, control plane, ingress): the
    /// cluster's `profile`, or production when a namespace's stage is `release` or
    /// `production`. An app is judged by its own ([`Platform::profile_of`]).
    pub profile: Profile,
    pub topology: Topology,
    /// Every load-balancer frontend, in source order.
    pub frontends: Vec<survival::Frontend>,
    /// The positions in `frontends` of those that lead to the apiservers.
    pub apiserver_frontends: Vec<usize>,
    /// In a platform of several clusters, the clusters declared before this one: what the
    /// cross-cluster rules compare it with. Empty for a platform of one.
    pub neighbours: Vec<neighbours::Neighbour>,
    /// What losing each failure domain leaves, worked out once when first asked.
    losses: std::sync::OnceLock<Vec<Option<Assessment>>>,
}

impl<'m> Platform<'m> {
    /// The profile the platform's own rules follow: production when the cluster's is, or when
    /// some namespace's stage is `release` or `production` (what runs there needs the
    /// platform under it to survive).
    fn platform_profile(model: &Model, cluster: Profile) -> Profile {
        let production_stage =
            (model.namespaces()).any(|namespace| matches!(namespace.stage(), Some(Stage::Release | Stage::Production)));
        if production_stage { Profile::Production } else { cluster }
    }

    /// The platform of a model; `None` when it declares no cluster (the front end's E0115:
    /// nothing later runs on such a model).
    pub fn new(model: &'m Model, graph: &'m Graph, secrets: &'m Secrets) -> Option<Platform<'m>> {
        Platform::with_topology(model, graph, secrets, Topology::build(model))
    }

    /// A platform whose topology leaves the apps out ([`Topology::infrastructure`]): for
    /// the control-plane and load-balancer facts, not for the rules.
    pub fn infrastructure(model: &'m Model, graph: &'m Graph, secrets: &'m Secrets) -> Option<Platform<'m>> {
        Platform::with_topology(model, graph, secrets, Topology::infrastructure(model))
    }

    fn with_topology(
        model: &'m Model,
        graph: &'m Graph,
        secrets: &'m Secrets,
        topology: Topology,
    ) -> Option<Platform<'m>> {
        let cluster = model.clusters().next()?;
        let mut platform = Platform {
            model,
            graph,
            secrets,
            cluster_id: cluster.id(),
            profile: Self::platform_profile(model, cluster.profile()),
            topology,
            frontends: survival::frontends(model),
            apiserver_frontends: Vec::new(),
            neighbours: Vec::new(),
            losses: std::sync::OnceLock::new(),
        };
        platform.apiserver_frontends = survival::apiserver_frontends(&platform, &platform.frontends);
        Some(platform)
    }

    /// What losing each failure domain that carries nodes leaves ([`assess`]), in the
    /// order of `topology.domains`: worked out once, for every rule that judges survival.
    pub fn losses(&self) -> impl Iterator<Item = (&topology::Domain, &Assessment)> {
        let losses = self.losses.get_or_init(|| {
            (self.topology.domains.iter())
                .map(|domain| {
                    let failed: rustc_hash::FxHashSet<crate::semantic::EntityId> =
                        domain.nodes.iter().copied().collect();
                    (!domain.nodes.is_empty()).then(|| assess(self, &failed))
                })
                .collect()
        });
        (self.topology.domains.iter())
            .zip(losses)
            .filter_map(|(domain, loss)| loss.as_ref().map(|loss| (domain, loss)))
    }

    /// The frontends that lead to the apiservers.
    pub fn frontends_to_apiservers(&self) -> impl Iterator<Item = &survival::Frontend> {
        (self.apiserver_frontends.iter()).map(|&position| &self.frontends[position])
    }

    /// The cluster's Kubernetes minor, when it is one k8sc knows (E0206 says when not).
    pub fn minor(&self) -> Option<u32> {
        (self.cluster().version()).and_then(|version| bootstrap::minor(version).ok())
    }

    /// The cluster's view.
    pub fn cluster(&self) -> Cluster<'m> {
        self.model.cluster(self.cluster_id)
    }

    pub fn production(&self) -> bool {
        self.profile == Profile::Production
    }

    /// The profile an app is judged by: its namespace's stage (`dev` and `test`: dev;
    /// `release` and `production`: production), else the cluster's `profile`.
    pub fn profile_of(&self, app: AppId) -> Profile {
        let stage = (self.model.app(app).namespace()).and_then(|namespace| self.model.namespace(namespace).stage());
        match stage {
            Some(Stage::Dev | Stage::Test) => Profile::Dev,
            Some(Stage::Release | Stage::Production) => Profile::Production,
            None => self.cluster().profile(),
        }
    }

    /// Whether an app is judged by production's rules.
    pub fn app_production(&self, app: AppId) -> bool {
        self.profile_of(app) == Profile::Production
    }

    /// A finding about an app whose severity follows the app's profile.
    pub fn app_finding(
        &self,
        app: AppId,
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        let severity = match self.profile_of(app) {
            Profile::Production => Severity::Error,
            Profile::Dev => Severity::Warning,
        };
        Diagnostic {
            severity,
            ..Diagnostic::error(code, message, span, label)
        }
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
        self.cluster().name_span()
    }

    /// The port kube-apiserver listens on (the cluster's `apiserver_port`).
    pub fn apiserver_port(&self) -> i64 {
        i64::from(self.cluster().apiserver_port())
    }
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
