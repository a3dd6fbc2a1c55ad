//! `harbor/registries/<name>.json` (Registry, POST /api/v2.0/registries) and
//! `harbor/policies/<name>.json` (ReplicationPolicy, POST /api/v2.0/replication/policies).
//!
//! Harbor identifies registries by the id it assigns when one is created; a policy refers
//! to its remote registry by name, url and type, and `harbor/apply.sh` (emitted beside)
//! looks the id up before posting it.

use serde::Serialize;

use super::{Files, Input, MODE_FILE, MODE_SCRIPT, MODE_SECRET};
use crate::semantic::views::{RegistryType, ReplicationFilter, ReplicationMode, ReplicationTrigger};
use crate::semantic::{EntityId, Model};

#[derive(Serialize)]
struct Credential {
    #[serde(rename = "type")]
    kind: &'static str,
    access_key: String,
    access_secret: String,
}

#[derive(Serialize)]
struct Registry {
    name: String,
    description: String,
    url: String,
    #[serde(rename = "type")]
    kind: &'static str,
    insecure: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential: Option<Credential>,
}

#[derive(Serialize)]
struct RegistryRef {
    name: String,
    url: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TriggerSettings {
    cron: String,
}

#[derive(Serialize)]
struct Trigger {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger_settings: Option<TriggerSettings>,
}

#[derive(Serialize)]
struct Filter {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    decoration: Option<&'static str>,
}

#[derive(Serialize)]
struct Policy {
    name: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_registry: Option<RegistryRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dest_registry: Option<RegistryRef>,
    trigger: Trigger,
    filters: Vec<Filter>,
    replicate_deletion: bool,
    #[serde(rename = "override")]
    overwrite: bool,
    enabled: bool,
}

fn registry_type(model: &Model, registry: EntityId) -> &'static str {
    match model.registry(registry).r#type() {
        RegistryType::DockerHub => "docker-hub",
        RegistryType::DockerRegistry => "docker-registry",
        RegistryType::Harbor => "harbor",
    }
}

fn reference(model: &Model, registry: EntityId) -> RegistryRef {
    RegistryRef {
        name: model.name(registry).to_string(),
        url: model.registry(registry).url().unwrap_or_default().to_string(),
        kind: registry_type(model, registry),
    }
}

/// A replication's source, target, and whether it pushes. A push policy lives on the
/// source Harbor and names the destination; a pull policy lives on the target and names
/// the source: exactly one side is remote.
fn sides(model: &Model, replication: EntityId) -> Option<(EntityId, EntityId, bool)> {
    let replication = model.replication(replication);
    let source = replication.source()?.entity();
    let target = replication.target()?.entity();
    Some((source, target, replication.mode() != ReplicationMode::Pull))
}

fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    registries(input, output);
    policies(input, output);
    let replications: Vec<EntityId> = model
        .replications()
        .map(|replication| replication.id().entity())
        .collect();
    if !replications.is_empty() {
        output.add("harbor/apply.sh", apply_script(input, &replications), MODE_SCRIPT);
    }
}

/// Each registry as Harbor's Registry object (0600 with its credentials).
fn registries(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    for view in model.registries() {
        let registry = view.id().entity();
        let credential = view.credential().and_then(|credential| {
            credential.access_key().map(|key| Credential {
                kind: "basic",
                access_key: key.to_string(),
                access_secret: credential
                    .access_secret()
                    .map_or_else(String::new, |source| input.secret(source)),
            })
        });
        let mode = if credential.is_some() { MODE_SECRET } else { MODE_FILE };
        let object = Registry {
            name: model.name(registry).to_string(),
            description: format!(
                "{} registry in {} (k8sc, from {})",
                view.level(),
                view.datacenter().unwrap_or_default(),
                input.source
            ),
            url: view.url().unwrap_or_default().to_string(),
            kind: registry_type(model, registry),
            insecure: view.insecure(),
            credential,
        };
        output.add(
            format!("harbor/registries/{}.json", model.name(registry)),
            json(&object),
            mode,
        );
    }
}

/// Each replication as Harbor's ReplicationPolicy objects, one per filter record.
fn policies(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    for view in model.replications() {
        let replication = view.id().entity();
        let Some((source, target, push)) = sides(model, replication) else {
            continue;
        };
        let trigger_kind = match view.trigger() {
            ReplicationTrigger::Scheduled => "scheduled",
            ReplicationTrigger::Manual => "manual",
            ReplicationTrigger::EventBased => "event_based",
        };
        // Harbor ANDs the filters of one policy: each filter record of the source is an
        // alternative, so each becomes a policy of its own (one policy for none or one).
        let alternatives: Vec<Vec<Filter>> = match view.filters().len() {
            0 => vec![Vec::new()],
            _ => view.filters().iter().map(filters_of).collect(),
        };
        for (index, filters) in alternatives.into_iter().enumerate() {
            let name = policy_name(model, replication, index);
            let policy = Policy {
                name: name.clone(),
                description: format!(
                    "{} {} -> {} (k8sc, from {}); create it on {}",
                    if push { "push" } else { "pull" },
                    model.name(source),
                    model.name(target),
                    input.source,
                    model.name(if push { source } else { target })
                ),
                src_registry: (!push).then(|| reference(model, source)),
                dest_registry: push.then(|| reference(model, target)),
                trigger: Trigger {
                    kind: trigger_kind,
                    trigger_settings: (view.cron())
                        .filter(|_| trigger_kind == "scheduled")
                        .map(|cron| TriggerSettings { cron: cron.to_string() }),
                },
                filters,
                replicate_deletion: view.deletion(),
                overwrite: view.r#override(),
                enabled: view.enabled(),
            };
            output.add(format!("harbor/policies/{name}.json"), json(&policy), MODE_FILE);
        }
    }
}

/// The filters of one filter record: all of them must match (Harbor ANDs a policy's).
fn filters_of(filter: ReplicationFilter<'_>) -> Vec<Filter> {
    let mut filters = Vec::new();
    if let Some(name) = filter.name() {
        filters.push(Filter {
            kind: "name",
            value: name.to_string(),
            decoration: None,
        });
    }
    if let Some(tag) = filter.tag() {
        filters.push(Filter {
            kind: "tag",
            value: tag.to_string(),
            decoration: Some("matches"),
        });
    }
    filters.push(Filter {
        kind: "resource",
        value: filter.resource().as_str().to_string(),
        decoration: None,
    });
    filters
}

/// The policies of a replication: one per filter record (one when it has none or one).
fn policy_count(model: &Model, replication: EntityId) -> usize {
    model.replication(replication).filters().len().max(1)
}

/// The name of a replication's policy: its own, or `<name>-<n>` for each of several.
fn policy_name(model: &Model, replication: EntityId, index: usize) -> String {
    let name = model.name(replication);
    if policy_count(model, replication) > 1 {
        format!("{name}-{}", index + 1)
    } else {
        name.to_string()
    }
}

/// A script that registers each policy's remote registry on the Harbor that holds the
/// policy and creates the policy, or updates both when they exist (curl and jq): running
/// it again changes them to what the tree says, and fails on no conflict.
fn apply_script(input: &Input<'_>, replications: &[EntityId]) -> String {
    let model = input.model;
    let mut script = format!(
        "#!/bin/sh\n# Generated by k8sc from {}: creates the replication policies on their Harbor.\n\
         # Usage: HARBOR_USER=admin HARBOR_PASSWORD=... sh harbor/apply.sh (run from the output folder)\n\
         set -eu\ncd \"$(dirname \"$0\")\"\n\n\
         apply() {{ # harbor_url registry_file policy_file remote_side\n\
         \x20   api=\"$1/api/v2.0\"\n\
         \x20   auth=\"$HARBOR_USER:$HARBOR_PASSWORD\"\n\
         \x20   registry=$(jq -r .name \"$2\")\n\
         \x20   id=$(find_id \"$api/registries?q=name%3D$registry\" \"$registry\")\n\
         \x20   if [ -n \"$id\" ]; then\n\
         \x20       send PUT \"$api/registries/$id\" \"$2\"\n\
         \x20   else\n\
         \x20       send POST \"$api/registries\" \"$2\"\n\
         \x20       id=$(find_id \"$api/registries?q=name%3D$registry\" \"$registry\")\n\
         \x20   fi\n\
         \x20   policy=$(jq -r .name \"$3\")\n\
         \x20   body=$(mktemp)\n\
         \x20   jq --argjson id \"$id\" \".$4 = {{id: \\$id}}\" \"$3\" > \"$body\"\n\
         \x20   existing=$(find_id \"$api/replication/policies?name=$policy\" \"$policy\")\n\
         \x20   if [ -n \"$existing\" ]; then\n\
         \x20       send PUT \"$api/replication/policies/$existing\" \"$body\"\n\
         \x20   else\n\
         \x20       send POST \"$api/replication/policies\" \"$body\"\n\
         \x20   fi\n\
         \x20   rm -f \"$body\"\n\
         }}\n\n\
         find_id() {{ # list_url name: the id of the object of that exact name, or nothing\n\
         \x20   curl -sf -u \"$auth\" \"$1\" | jq -r --arg name \"$2\" '[.[] | select(.name == $name)][0].id // empty'\n\
         }}\n\n\
         send() {{ # method url file\n\
         \x20   curl -sf -u \"$auth\" -H 'Content-Type: application/json' -X \"$1\" \"$2\" -d @\"$3\" > /dev/null\n\
         }}\n\n",
        input.source
    );
    for &replication in replications {
        let Some((source, target, push)) = sides(model, replication) else {
            continue;
        };
        let (local, remote, side) = if push {
            (source, target, "dest_registry")
        } else {
            (target, source, "src_registry")
        };
        for index in 0..policy_count(model, replication) {
            let words = [
                model.registry(local).url().unwrap_or_default().to_string(),
                format!("registries/{}.json", model.name(remote)),
                format!("policies/{}.json", policy_name(model, replication, index)),
                side.to_string(),
            ];
            script.push_str("apply");
            for word in &words {
                script.push(' ');
                script.push_str(&super::shell::quote(word));
            }
            script.push('\n');
        }
    }
    script
}
