//! Workloads: replicated in production, stateful with volume claims and stateless without,
//! autoscaling that can work, limits above requests, no dependency cycles, and somewhere
//! to run.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{EdgeKind, NodeKind, cycles};
use crate::semantic::{EntityId, Model, Value};

/// A resource amount of a record field (`requests.cpu`), in its unit.
fn amount(model: &Model, app: EntityId, field: &str, resource: &str) -> Option<u64> {
    match model.nested(app, field, resource).map(|value| &value.value) {
        Some(Value::Cpu(millicores)) => Some(*millicores),
        Some(Value::Quantity(bytes)) => Some(*bytes),
        _ => None,
    }
}

pub fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for app in model.all("app") {
        let name = model.name(app);
        let workload = model.variant(app, "workload").unwrap_or("stateless");
        let replicas = model.int(app, "replicas").unwrap_or(1);
        let volumes = model.field(app, "volumes").map_or(0, |list| list.value.as_list().len());

        // HA060: production apps run at least 2 replicas.
        if context.production() && workload != "daemon" && replicas < 2 {
            out.push(
                context
                    .finding(
                        Code::HA060,
                        format!("app `{name}` runs {replicas} replica; production needs at least 2"),
                        model.field_span(app, "replicas"),
                        "replicas",
                    )
                    .with_help("set `replicas = 2` or more, or use the dev profile for this platform"),
            );
        }
        // HA061 / HA062: stateful apps claim volumes; the others claim none.
        if workload == "stateful" && volumes == 0 {
            out.push(
                context
                    .finding(
                        Code::HA061,
                        format!("stateful app `{name}` claims no volume"),
                        model.field_span(app, "workload"),
                        "stateful",
                    )
                    .with_help("add `volumes = [{ name = \"data\", storage = ..., size = 10Gi, mount = \"/data\" }]`, or make it stateless"),
            );
        }
        if workload != "stateful" && volumes > 0 {
            out.push(
                context
                    .finding(
                        Code::HA062,
                        format!("{workload} app `{name}` claims volumes; only stateful apps get volume claims"),
                        model.field_span(app, "volumes"),
                        "volume claims",
                    )
                    .with_label(model.field_span(app, "workload"), format!("workload = {workload}"))
                    .with_help(
                        "set `workload = stateful` (a StatefulSet with one claim per replica), or remove the volumes",
                    ),
            );
        }
        if model.value(app, "autoscaling").is_some() {
            // HA063: the HPA scales on CPU utilisation, a share of the cpu request.
            if amount(model, app, "requests", "cpu").is_none() {
                out.push(
                    Diagnostic::error(
                        Code::HA063,
                        format!("app `{name}` autoscales but requests no cpu"),
                        model.field_span(app, "autoscaling"),
                        "autoscaling on CPU utilisation",
                    )
                    .with_help("add `requests = { cpu = 250m, ... }`: utilisation is measured against the request"),
                );
            }
            // HA064: 1 <= min <= max.
            let min = model
                .nested(app, "autoscaling", "min")
                .and_then(|value| value.value.as_int());
            let max = model
                .nested(app, "autoscaling", "max")
                .and_then(|value| value.value.as_int());
            if let (Some(min), Some(max)) = (min, max)
                && (min < 1 || max < min)
            {
                out.push(
                    Diagnostic::error(
                        Code::HA064,
                        format!("app `{name}` autoscales between min {min} and max {max}; it needs max >= min >= 1"),
                        model.field_span(app, "autoscaling"),
                        "autoscaling bounds",
                    )
                    .with_help("set `min` to at least 1 (2 in production) and `max` to at least `min`"),
                );
            }
        }
        // HA065: limits at least the requests.
        for resource in ["cpu", "memory"] {
            if let (Some(request), Some(limit)) = (
                amount(model, app, "requests", resource),
                amount(model, app, "limits", resource),
            ) && limit < request
            {
                out.push(
                    Diagnostic::error(
                        Code::HA065,
                        format!("app `{name}` limits {resource} below its request"),
                        model.field_span(app, "limits"),
                        format!("{resource} limit"),
                    )
                    .with_label(model.field_span(app, "requests"), format!("{resource} request"))
                    .with_help(format!(
                        "raise the {resource} limit to at least the request, or lower the request"
                    )),
                );
            }
        }
        // HA067: some node can run it.
        if context.topology.eligible(model, app).is_empty() {
            let placement = super::topology::Topology::placement_of(model, app);
            let wanted = match (&placement.pool, placement.gpu) {
                (Some(pool), true) => format!("worker nodes of pool \"{pool}\" with GPUs"),
                (Some(pool), false) => format!("worker nodes of pool \"{pool}\""),
                (None, true) => "worker nodes with GPUs outside any pool".to_string(),
                (None, false) => "worker nodes outside any pool".to_string(),
            };
            out.push(
                Diagnostic::error(
                    Code::HA067,
                    format!("no node can run app `{name}`: it needs {wanted}, and there are none"),
                    model.field_span(app, "placement"),
                    "placement",
                )
                .with_help("add worker nodes that match, or change the app's placement"),
            );
        }
    }

    // HA066: no dependency cycle among apps.
    for cycle in cycles(context.graph, EdgeKind::DependsOn, NodeKind::App) {
        let names: Vec<&str> = cycle.members.iter().map(|app| model.name(*app)).collect();
        let Some(&first) = cycle.members.first() else { continue };
        let path = format!("{} -> {}", names.join(" -> "), names[0]);
        let mut diagnostic = Diagnostic::error(
            Code::HA066,
            format!("apps depend on each other in a cycle: {path}"),
            model.field_span(first, "depends_on"),
            format!("`{}` depends on `{}`", names[0], names.get(1).unwrap_or(&names[0])),
        )
        .with_help("break the cycle: no start order exists while each app waits for the next");
        for (position, &member) in cycle.members.iter().enumerate().skip(1) {
            let next = names[(position + 1) % names.len()];
            diagnostic = diagnostic.with_label(
                model.field_span(member, "depends_on"),
                format!("`{}` depends on `{next}`", names[position]),
            );
        }
        out.push(diagnostic);
    }
}
