//! `harbor/registries/<name>.json` (Registry, POST /api/v2.0/registries) and
//! `harbor/policies/<name>.json` (ReplicationPolicy, POST /api/v2.0/replication/policies).
//!
//! Harbor identifies registries by the id it assigns when one is created; a policy refers
//! to its remote registry by name, url and type, and `harbor/apply.sh` (emitted beside)
//! looks the id up before posting it.

use serde::Serialize;

use super::{Input, MODE_FILE, MODE_SCRIPT, MODE_SECRET, Sink};
use crate::semantic::views::{RegistryLevel, RegistryType, ReplicationMode, ReplicationTrigger};
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
        Some(RegistryType::DockerHub) => "docker-hub",
        Some(RegistryType::DockerRegistry) => "docker-registry",
        Some(RegistryType::Harbor) | None => "harbor",
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
    Some((source, target, replication.mode() != Some(ReplicationMode::Pull)))
}

fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

pub fn emit(input: &Input<'_>, output: &mut dyn Sink) {
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
                view.level().unwrap_or(RegistryLevel::Sub),
                view.datacenter().unwrap_or_default(),
                input.source
            ),
            url: view.url().unwrap_or_default().to_string(),
            kind: registry_type(model, registry),
            insecure: view.insecure().unwrap_or(false),
            credential,
        };
        output.add(
            format!("harbor/registries/{}.json", model.name(registry)),
            json(&object),
            mode,
        );
    }
    let replications: Vec<EntityId> = model
        .replications()
        .map(|replication| replication.id().entity())
        .collect();
    for view in model.replications() {
        let replication = view.id().entity();
        let Some((source, target, push)) = sides(model, replication) else {
            continue;
        };
        let trigger_kind = match view.trigger() {
            Some(ReplicationTrigger::Scheduled) => "scheduled",
            Some(ReplicationTrigger::Manual) => "manual",
            Some(ReplicationTrigger::EventBased) | None => "event_based",
        };
        let mut filters = Vec::new();
        for filter in view.filters() {
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
            if let Some(resource) = filter.resource() {
                filters.push(Filter {
                    kind: "resource",
                    value: resource.as_str().to_string(),
                    decoration: None,
                });
            }
        }
        let policy = Policy {
            name: model.name(replication).to_string(),
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
            replicate_deletion: view.deletion().unwrap_or(false),
            overwrite: view.r#override().unwrap_or(true),
            enabled: view.enabled().unwrap_or(true),
        };
        output.add(
            format!("harbor/policies/{}.json", model.name(replication)),
            json(&policy),
            MODE_FILE,
        );
    }
    if !replications.is_empty() {
        output.add("harbor/apply.sh", apply_script(input, &replications), MODE_SCRIPT);
    }
}

/// A script that registers each policy's remote registry on the Harbor that holds the
/// policy, resolves its id, and creates the policy (curl and jq).
fn apply_script(input: &Input<'_>, replications: &[EntityId]) -> String {
    let model = input.model;
    let mut script = format!(
        "#!/bin/sh\n# Generated by k8sc from {}: creates the replication policies on their Harbor.\n\
         # Usage: HARBOR_USER=admin HARBOR_PASSWORD=... sh harbor/apply.sh (run from the output folder)\n\
         set -eu\ncd \"$(dirname \"$0\")\"\n\n\
         apply() {{ # harbor_url registry_file policy_file remote_side\n\
         \x20   api=\"$1/api/v2.0\"\n\
         \x20   name=$(jq -r .name \"$2\")\n\
         \x20   curl -sf -u \"$HARBOR_USER:$HARBOR_PASSWORD\" -H 'Content-Type: application/json' -X POST \"$api/registries\" -d @\"$2\" || true\n\
         \x20   id=$(curl -sf -u \"$HARBOR_USER:$HARBOR_PASSWORD\" \"$api/registries?q=name%3D$name\" | jq '.[0].id')\n\
         \x20   jq --argjson id \"$id\" \".$4 = {{id: \\$id}}\" \"$3\" |\n\
         \x20       curl -sf -u \"$HARBOR_USER:$HARBOR_PASSWORD\" -H 'Content-Type: application/json' -X POST \"$api/replication/policies\" -d @-\n\
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
        script.push_str(&format!(
            "apply '{}' registries/{}.json policies/{}.json {side}\n",
            model.registry(local).url().unwrap_or_default(),
            model.name(remote),
            model.name(replication)
        ));
    }
    script
}
