//! `k8sc simulate FILE --fail NAME[,NAME...] [--format json]`.

use serde::Serialize;

use super::args::{SimulateArgs, SimulateFormat};
use super::{Status, compile_front_end_ok};
use crate::platform::simulate::{self, Simulation, simulate};
use crate::platform::{Platform, Profile};

pub fn run(args: &SimulateArgs) -> Status {
    let (name, compilation) = match compile_front_end_ok(&args.file) {
        Ok(compiled) => compiled,
        Err(status) => return status,
    };
    let secrets = crate::platform::Secrets::default();
    let mut runs: Vec<Run<'_>> = Vec::new();
    let clusters = compilation.clusters();
    let contexts: Vec<_> = (clusters.iter())
        .filter_map(|cluster| Some((cluster.name, Platform::new(cluster.model, cluster.graph, &secrets)?)))
        .collect();
    // The front end passed, so the platform has a cluster (E0115).
    let Some((_, first)) = contexts.first() else {
        eprintln!("error: `{name}` declares no cluster");
        return Status::Findings;
    };
    // A name no cluster knows is an error, said (with a suggestion) as for one cluster.
    let several = contexts.len() > 1;
    for failed in &args.fail {
        if several && !contexts.iter().any(|(_, context)| simulate::can_fail(context, failed)) {
            let message = simulate(first, std::slice::from_ref(failed))
                .err()
                .unwrap_or_else(|| format!("nothing of any cluster named `{failed}` can fail"));
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    }
    for (cluster, context) in &contexts {
        let names: Vec<String> = (args.fail.iter())
            .filter(|failed| !several || simulate::can_fail(context, failed))
            .cloned()
            .collect();
        // A cluster none of the names is of is simulated too: failing nothing, it keeps all.
        let simulation = match simulate(context, &names) {
            Ok(simulation) => simulation,
            Err(message) => {
                eprintln!("error: {message}");
                return Status::Trouble;
            }
        };
        let profile = match context.profile {
            Profile::Production => "production",
            Profile::Dev => "dev",
        };
        runs.push(Run {
            cluster: *cluster,
            model: context.model,
            affected: !names.is_empty(),
            simulation,
            profile,
        });
    }
    let survives = runs.iter().all(|run| run.simulation.survives);
    match (args.format, runs.as_slice()) {
        (SimulateFormat::Human, [only]) if only.cluster.is_none() => {
            print!("{}", human(&name, only.profile, only.model, &only.simulation));
        }
        (SimulateFormat::Json, [only]) if only.cluster.is_none() => {
            print!("{}", json_text(&json(only.profile, only.model, &only.simulation)));
        }
        (SimulateFormat::Human, runs) => print!("{}", human_clusters(&name, &args.fail, runs, survives)),
        (SimulateFormat::Json, runs) => {
            let clusters: Vec<serde_json::Value> = (runs.iter())
                .map(|run| {
                    let mut value =
                        serde_json::to_value(json(run.profile, run.model, &run.simulation)).unwrap_or_default();
                    value["cluster"] = serde_json::Value::from(run.cluster.unwrap_or_default());
                    value
                })
                .collect();
            print!(
                "{}",
                json_text(&serde_json::json!({ "clusters": clusters, "survives": survives }))
            );
        }
    }
    if survives { Status::Ok } else { Status::Findings }
}

/// What failing the names did to one cluster.
struct Run<'a> {
    /// `None` for a platform's only cluster.
    cluster: Option<&'a str>,
    model: &'a crate::semantic::Model,
    simulation: Simulation,
    profile: &'static str,
    /// Some name is of this cluster.
    affected: bool,
}

/// The report of a platform of several clusters: each cluster's, then the verdict.
fn human_clusters(file: &str, failed: &[String], runs: &[Run<'_>], survives: bool) -> String {
    let mut out = format!("{file}: failing {}\n", failed.join(", "));
    for run in runs {
        let cluster = run.cluster.unwrap_or_default();
        if run.affected {
            out.push('\n');
            out.push_str(&human(
                &format!("cluster `{cluster}`"),
                run.profile,
                run.model,
                &run.simulation,
            ));
        } else {
            out.push_str(&format!("\ncluster `{cluster}`: none of its hosts or nodes fails\n"));
        }
    }
    out.push('\n');
    out.push_str(if survives {
        "the platform survives: every cluster keeps what its profile requires\n"
    } else {
        "the platform breaks: a cluster lost what its profile requires\n"
    });
    out
}

fn human(file: &str, profile: &str, model: &crate::semantic::Model, simulation: &Simulation) -> String {
    let mut out = format!("{file}: failing {}\n", simulation.failed.join(", "));
    let nodes: Vec<&str> = simulation.failed_nodes.iter().map(|node| model.name(*node)).collect();
    out.push_str(&format!(
        "  nodes down ({}): {}\n\n",
        nodes.len(),
        if nodes.is_empty() {
            "none".to_string()
        } else {
            nodes.join(", ")
        }
    ));
    let broken: Vec<_> = simulation.requirements.iter().filter(|r| !r.ok).collect();
    // Apps that keep every replica are counted in one line, not listed: a platform may
    // have thousands.
    for requirement in &simulation.requirements {
        let mark = match (requirement.ok, requirement.required) {
            (true, _) => "ok     ",
            (false, true) => "BROKEN ",
            (false, false) => "lost   ",
        };
        out.push_str(&format!("  {mark} {}: {}\n", requirement.subject, requirement.detail));
    }
    // What stays down until someone acts: a StatefulSet's pods on the lost nodes.
    for settled in simulation
        .settled
        .iter()
        .filter(|settled| settled.kind == "StatefulSet" && settled.min < settled.replicas)
    {
        out.push_str(&format!(
            "  note    StatefulSet {}/{}: {} to {} of {} pods run; {}\n",
            settled.namespace,
            settled.name,
            settled.min,
            settled.max,
            settled.replicas,
            settled.detail.as_deref().unwrap_or_default()
        ));
    }
    out.push('\n');
    if simulation.survives {
        out.push_str(&format!(
            "survives: everything the {profile} profile requires is still up\n"
        ));
    } else {
        let required = broken.iter().filter(|r| r.required).count();
        out.push_str(&format!(
            "breaks: {required} thing(s) the {profile} profile requires went down\n"
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonSimulation<'a> {
    profile: &'a str,
    failed: &'a [String],
    nodes_down: Vec<&'a str>,
    requirements: Vec<JsonRequirement<'a>>,
    /// Each workload's running pods once the controllers settle.
    pods: Vec<JsonPods<'a>>,
    survives: bool,
}

#[derive(Serialize)]
struct JsonPods<'a> {
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    replicas: i64,
    min: i64,
    max: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRequirement<'a> {
    subject: &'a str,
    ok: bool,
    required: bool,
    detail: &'a str,
}

fn json_text(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn json<'a>(profile: &'a str, model: &'a crate::semantic::Model, simulation: &'a Simulation) -> JsonSimulation<'a> {
    JsonSimulation {
        profile,
        failed: &simulation.failed,
        nodes_down: simulation.failed_nodes.iter().map(|node| model.name(*node)).collect(),
        requirements: simulation
            .requirements
            .iter()
            .map(|requirement| JsonRequirement {
                subject: &requirement.subject,
                ok: requirement.ok,
                required: requirement.required,
                detail: &requirement.detail,
            })
            .collect(),
        pods: (simulation.settled.iter())
            .map(|settled| JsonPods {
                kind: settled.kind,
                namespace: &settled.namespace,
                name: &settled.name,
                replicas: settled.replicas,
                min: settled.min,
                max: settled.max,
                detail: settled.detail.as_deref(),
            })
            .collect(),
        survives: simulation.survives,
    }
}
