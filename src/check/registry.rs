//! Registries: a replication hierarchy from one primary, without cycles, reaching every
//! sub-registry; a registry in every data centre that runs nodes; schedules Harbor accepts.

use rustc_hash::FxHashSet as HashSet;
use std::collections::{BTreeSet, VecDeque};

use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{EdgeKind, NodeKind, cycles};
use crate::platform::Platform;
use crate::semantic::EntityId;
use crate::semantic::views::{RegistryLevel, ReplicationTrigger};

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(no_replication_cycle: HA090),
    super::rule!(subs_reached: HA091),
    super::rule!(one_primary: HA092),
    super::rule!(datacenters_served: HA093),
    super::rule!(triggers_sound: HA094),
];

/// Why a cron expression is not one Harbor's scheduler accepts, if it is not.
pub fn cron_problem(cron: &str) -> Option<String> {
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != 6 {
        return Some(format!(
            "has {} fields; Harbor wants 6 (seconds minutes hours day-of-month month day-of-week)",
            fields.len()
        ));
    }
    if fields[0] != "0" {
        return Some("does not start with 0: the seconds field must be 0".into());
    }
    if fields[1] == "*" {
        return Some("runs every minute (`*` minutes); Harbor refuses that".into());
    }
    let allowed = |field: &str| {
        field
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ",-*/?".contains(ch))
    };
    fields
        .iter()
        .find(|field| !allowed(field))
        .map(|field| format!("has the field `{field}`, which is not cron syntax"))
}

/// Every registry, and the primary ones, in source order.
fn registries_and_primaries(model: &crate::semantic::Model) -> (Vec<EntityId>, Vec<EntityId>) {
    let registries: Vec<EntityId> = model.registries().map(|registry| registry.id().entity()).collect();
    let primaries = (registries.iter())
        .copied()
        .filter(|registry| model.registry(*registry).level() == RegistryLevel::Primary)
        .collect();
    (registries, primaries)
}

/// HA090: no replication cycle.
fn no_replication_cycle(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;

    for cycle in cycles(context.graph, EdgeKind::ReplicatesTo, NodeKind::Registry) {
        let names: Vec<&str> = cycle.members.iter().map(|registry| model.name(*registry)).collect();
        let Some(&first) = cycle.members.first() else { continue };
        let mut diagnostic = Diagnostic::error(
            Code::HA090,
            format!(
                "registries replicate in a cycle: {} -> {}",
                names.join(" -> "),
                names[0]
            ),
            model.entity(first).name_span,
            "in the cycle",
        )
        .with_help("replicate from the primary down to sub-registries only");
        for member in cycle.members.iter().skip(1) {
            diagnostic = diagnostic.with_label(model.entity(*member).name_span, "in the cycle");
        }
        out.push(diagnostic);
    }
}

/// HA092: one primary.
fn one_primary(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let (registries, primaries) = registries_and_primaries(model);

    if !registries.is_empty() && primaries.len() != 1 {
        let (span, message) = match primaries.as_slice() {
            [] => (
                model.entity(registries[0]).name_span,
                "no registry is the primary; replication needs one source of every image".to_string(),
            ),
            [_, second, ..] => (
                model.registry(*second).level_span(),
                format!("{} registries are primary; the hierarchy has one", primaries.len()),
            ),
            [_] => (model.entity(registries[0]).name_span, String::new()),
        };
        let mut diagnostic = context
            .finding(Code::HA092, message, span, "registry level")
            .with_help("set `level = primary` on exactly one registry and `level = sub` on the others");
        for primary in primaries.iter().skip(2) {
            diagnostic = diagnostic.with_label(model.registry(*primary).level_span(), "also primary");
        }
        out.push(diagnostic);
    }
}

/// HA091: every sub-registry is reachable from the primary.
fn subs_reached(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let (registries, primaries) = registries_and_primaries(model);

    if let [primary] = primaries.as_slice() {
        let mut reached: HashSet<EntityId> = std::iter::once(*primary).collect();
        let mut queue = VecDeque::from([*primary]);
        while let Some(current) = queue.pop_front() {
            for replication in model.replications() {
                if replication.source().map(|source| source.entity()) == Some(current)
                    && let Some(target) = replication.target()
                    && reached.insert(target.entity())
                {
                    queue.push_back(target.entity());
                }
            }
        }
        for &registry in &registries {
            if !reached.contains(&registry) {
                out.push(
                    context
                        .finding(
                            Code::HA091,
                            format!(
                                "sub-registry `{}` receives no replication from the primary `{}`",
                                model.name(registry),
                                model.name(*primary)
                            ),
                            model.entity(registry).name_span,
                            "unreachable from the primary",
                        )
                        .with_label(model.entity(*primary).name_span, "the primary")
                        .with_help(format!(
                            "declare a `replication` with `source = {}` (or a registry it feeds) and `target = {}`",
                            model.name(*primary),
                            model.name(registry)
                        )),
                );
            }
        }
    }
}

/// HA093: every data centre that runs nodes has a registry to pull from.
fn datacenters_served(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let registries: Vec<EntityId> = model.registries().map(|registry| registry.id().entity()).collect();

    if !registries.is_empty() {
        let served: BTreeSet<&str> = registries
            .iter()
            .filter_map(|registry| model.registry(*registry).datacenter())
            .collect();
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        for host in model.physical_hosts() {
            let datacenter = host.datacenter();
            let runs_nodes = context.topology.carries_nodes(host.id().entity());
            if runs_nodes && !served.contains(datacenter) && reported.insert(datacenter) {
                out.push(
                    context
                        .finding(
                            Code::HA093,
                            format!("data centre `{datacenter}` runs nodes but has no registry to pull from"),
                            host.datacenter_span(),
                            format!("in `{datacenter}`"),
                        )
                        .with_help(format!(
                            "declare a sub-registry with `datacenter = \"{datacenter}\"` and replicate to it"
                        )),
                );
            }
        }
    }
}

/// HA094: a scheduled trigger needs a cron Harbor accepts; a cron needs a scheduled trigger.
fn triggers_sound(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;

    for replication in model.replications() {
        let trigger = replication.trigger();
        let cron = replication.cron();
        let problem = match (trigger, cron) {
            (ReplicationTrigger::Scheduled, None) => Some("the scheduled trigger has no `cron`".to_string()),
            (ReplicationTrigger::Scheduled, Some(cron)) => {
                cron_problem(cron).map(|why| format!("the cron \"{cron}\" {why}"))
            }
            (_, Some(_)) => Some(format!("a `cron` is set, but the {trigger} trigger never reads it")),
            _ => None,
        };
        if let Some(problem) = problem {
            out.push(
                Diagnostic::error(
                    Code::HA094,
                    format!("replication `{}`: {problem}", replication.name()),
                    if cron.is_some() {
                        replication.cron_span()
                    } else {
                        replication.trigger_span()
                    },
                    "schedule",
                )
                .with_help(
                    "for `trigger = scheduled` write a 6-field cron starting with 0 seconds, such as \"0 0 2 * * *\"",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::cron_problem;

    #[test]
    fn harbor_cron_rules() {
        assert_eq!(cron_problem("0 0 2 * * *"), None);
        assert_eq!(cron_problem("0 */15 * * * *"), None);
        assert!(cron_problem("* * * * *").is_some(), "five fields");
        assert!(cron_problem("30 0 2 * * *").is_some(), "seconds not 0");
        assert!(cron_problem("0 * 2 * * *").is_some(), "every minute");
    }
}
