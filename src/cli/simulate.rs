//! `k8sc simulate FILE --fail NAME[,NAME...] [--format json]`.

use serde::Serialize;

use super::args::{SimulateArgs, SimulateFormat};
use super::{Status, compile_front_end_ok};
use crate::platform::simulate::{Simulation, simulate};
use crate::platform::{Platform, Profile};

pub fn run(args: &SimulateArgs) -> Status {
    let (name, compilation) = match compile_front_end_ok(&args.file) {
        Ok(compiled) => compiled,
        Err(status) => return status,
    };
    let secrets = crate::platform::Secrets::default();
    // The front end passed, so the platform has its one cluster (E0115).
    let Some(context) = Platform::new(&compilation.model, &compilation.graph, &secrets) else {
        eprintln!("error: `{name}` declares no cluster");
        return Status::Findings;
    };
    let simulation = match simulate(&context, &args.fail) {
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
    match args.format {
        SimulateFormat::Human => print!("{}", human(&name, profile, &compilation.model, &simulation)),
        SimulateFormat::Json => print!("{}", json(profile, &compilation.model, &simulation)),
    }
    if simulation.survives {
        Status::Ok
    } else {
        Status::Findings
    }
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

fn json(profile: &str, model: &crate::semantic::Model, simulation: &Simulation) -> String {
    let output = JsonSimulation {
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
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
