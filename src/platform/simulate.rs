//! `simulate`: fail named physical hosts, racks, zones or nodes and judge what survives with
//! the same arithmetic as the failure-domain rules.

use rustc_hash::FxHashSet as HashSet;

use super::survival::{Assessment, assess};
use super::{Platform, Profile, quorum};
use crate::semantic::{EntityId, suggest};

/// One thing the platform needs, after the failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// `etcd`, `apiserver`, `ingress_controller traefik`, `app shop`, `nfs_export data`.
    pub subject: String,
    pub ok: bool,
    /// The numbers: "2 of 3 members alive; quorum is 2".
    pub detail: String,
    /// Whether the profile requires it (production: everything; dev: etcd and apiserver).
    pub required: bool,
}

#[derive(Debug, Clone)]
pub struct Simulation {
    /// What was failed, as "physical host `pm1`".
    pub failed: Vec<String>,
    /// Every node that went down, in source order.
    pub failed_nodes: Vec<EntityId>,
    pub requirements: Vec<Requirement>,
    /// Everything the profile requires survives.
    pub survives: bool,
    pub assessment: Assessment,
    /// Every app's and ingress controller's running pods once the controllers settle.
    pub settled: Vec<super::settled::Settled>,
}

/// Fails the named parts and assesses the rest. A name that matches nothing, or more than
/// one kind of part, is an error message.
pub fn simulate(context: &Platform<'_>, names: &[String]) -> Result<Simulation, String> {
    let (failed, failed_nodes) = resolve(context, names)?;
    let assessment = assess(context, &failed_nodes);
    let requirements = requirements(context, &assessment);
    let survives = requirements
        .iter()
        .all(|requirement| requirement.ok || !requirement.required);
    let settled = super::settled::settle(context, &failed_nodes);
    let mut failed_nodes: Vec<EntityId> = failed_nodes.into_iter().collect();
    failed_nodes.sort();
    Ok(Simulation {
        failed,
        failed_nodes,
        requirements,
        survives,
        assessment,
        settled,
    })
}

/// Whether `name` is something of this cluster that can fail: one of its nodes, or a
/// physical host, rack, zone or data centre that carries them.
pub fn can_fail(context: &Platform<'_>, name: &str) -> bool {
    let name = name.trim();
    (context.topology.failable()).any(|domain| domain.name == name && !domain.nodes.is_empty())
        || context.model.nodes().any(|node| node.name() == name)
}

/// The parts `names` fail, in words, and the nodes they take.
fn resolve(context: &Platform<'_>, names: &[String]) -> Result<(Vec<String>, HashSet<EntityId>), String> {
    let model = context.model;
    let mut failed_nodes: HashSet<EntityId> = HashSet::default();
    let mut failed = Vec::new();
    for name in names {
        let name = name.trim();
        let mut domains: Vec<_> = (context.topology.failable())
            .filter(|domain| domain.name == name)
            .collect();
        // A rack, zone or data centre named like the one host it holds fails the same
        // nodes.
        domains.dedup_by(|a, b| a.nodes == b.nodes);
        let node = (model.nodes())
            .find(|node| node.name() == name)
            .map(|node| node.id().entity());
        match (domains.as_slice(), node) {
            ([domain], None) => {
                failed.push(format!("{} `{}`", domain.kind.as_str(), domain.name));
                failed_nodes.extend(domain.nodes.iter().copied());
            }
            ([], Some(node)) => {
                failed.push(format!("node `{name}`"));
                failed_nodes.insert(node);
            }
            ([], None) => {
                let candidates: Vec<&str> = (context.topology.failable())
                    .map(|domain| domain.name.as_str())
                    .chain(model.nodes().map(|node| node.name()))
                    .collect();
                let hint = suggest::did_you_mean(name, candidates.iter().copied())
                    .map_or_else(String::new, |hint| format!("; {hint}"));
                return Err(format!(
                    "nothing named `{name}` can fail: it is no physical host, rack, zone, data centre or node{hint}"
                ));
            }
            _ => {
                return Err(format!(
                    "`{name}` names more than one physical host, rack, zone, data centre or node; rename one of them to simulate it"
                ));
            }
        }
    }
    Ok((failed, failed_nodes))
}

/// What the profile requires to survive, and whether each does.
fn requirements(context: &Platform<'_>, assessment: &Assessment) -> Vec<Requirement> {
    let model = context.model;
    let mut requirements = Vec::new();
    if assessment.etcd_total > 0 {
        requirements.push(Requirement {
            subject: "etcd".into(),
            ok: assessment.etcd_quorum(),
            detail: format!(
                "{} of {} members alive; quorum is {}",
                assessment.etcd_alive,
                assessment.etcd_total,
                quorum(assessment.etcd_total)
            ),
            required: true,
        });
    }
    let api = &assessment.apiserver;
    requirements.push(Requirement {
        subject: "apiserver".into(),
        ok: api.reachable,
        detail: format!(
            "{} of {} control-plane nodes alive; {}",
            api.alive,
            api.total,
            match (api.reachable, api.vip) {
                (true, Some(vip)) => format!("reachable through the VIP `{}`", model.name(vip)),
                (true, None) => "reachable".to_string(),
                (false, Some(vip)) => format!("not reachable through the VIP `{}`", model.name(vip)),
                (false, None) => "not reachable".to_string(),
            }
        ),
        required: true,
    });
    requirements.extend(workload_requirements(context, assessment));
    requirements
}

/// The ingress controllers', apps' and exports' requirements (in production).
fn workload_requirements(context: &Platform<'_>, assessment: &Assessment) -> Vec<Requirement> {
    let model = context.model;
    let production = context.profile == Profile::Production;
    let mut requirements = Vec::new();
    for state in &assessment.ingress {
        let vip = match state.vip_alive {
            Some(true) => "; its VIP has a live member",
            Some(false) => "; its VIP has no live member",
            None => "",
        };
        requirements.push(Requirement {
            subject: format!("ingress_controller {}", model.name(state.controller)),
            ok: Assessment::ingress_ok(state),
            detail: format!("{} of {} replicas left{vip}", state.surviving.max(0), state.replicas),
            required: production,
        });
    }
    for state in &assessment.apps {
        if state.replicas == 0 {
            continue;
        }
        requirements.push(Requirement {
            subject: format!("app {}", model.name(state.app)),
            ok: state.surviving >= 1,
            detail: format!(
                "{} of {} replicas left (worst case)",
                state.surviving.max(0),
                state.replicas
            ),
            // An app at a dev or test stage may be lost.
            required: production && context.app_production(model.app(state.app).id()),
        });
    }
    if assessment.apps_surviving > 0 {
        requirements.push(Requirement {
            subject: "apps".into(),
            ok: true,
            detail: format!("{} keep at least one replica (worst case)", assessment.apps_surviving),
            required: production,
        });
    }
    for state in &assessment.exports {
        requirements.push(Requirement {
            subject: format!("nfs_export {}", model.name(state.export)),
            ok: state.available,
            detail: match (state.available, state.ha) {
                (true, _) => "available".to_string(),
                (false, true) => "unavailable".to_string(),
                (false, false) => "unavailable (served by one node; not declared highly available)".to_string(),
            },
            required: production && state.ha,
        });
    }
    for loss in &assessment.storage_lost {
        requirements.push(Requirement {
            subject: format!("app {}", model.name(loss.app)),
            ok: false,
            detail: format!(
                "its volume `{}` lives on nfs_export `{}`, which is unavailable: its pods cannot mount it",
                loss.volume,
                model.name(loss.export)
            ),
            required: production,
        });
    }
    requirements
}
