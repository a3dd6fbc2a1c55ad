//! Workloads: replicated in production, stateful with volume claims and stateless without,
//! autoscaling that can work, limits above requests, no dependency cycles, and somewhere
//! to run.

use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{EdgeKind, NodeKind, cycles};
use crate::platform::Platform;
use crate::semantic::views::{Probe, Resources, Workload};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(replicas_kept: HA060),
    super::rule!(stateful_claims_volume: HA061),
    super::rule!(only_stateful_claims: HA062),
    super::rule!(autoscaled_requests_cpu: HA063),
    super::rule!(autoscaling_bounds: HA064),
    super::rule!(limits_cover_requests: HA065),
    super::rule!(no_dependency_cycles: HA066),
    super::rule!(schedulable: HA067),
    super::rule!(probes_runnable: HA068),
    super::rule!(ready_when_serving: HA069),
];

/// Cores (in millicores) and memory (in bytes) of a resources record.
fn amounts(resources: Option<Resources<'_>>) -> [Option<u64>; 2] {
    [
        resources.and_then(|resources| resources.cpu()),
        resources.and_then(|resources| resources.memory()),
    ]
}

/// HA066: no dependency cycle among apps.
fn no_dependency_cycles(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for cycle in cycles(context.graph, EdgeKind::DependsOn, NodeKind::App) {
        let names: Vec<&str> = cycle.members.iter().map(|app| model.name(*app)).collect();
        let Some(&first) = cycle.members.first() else { continue };
        let path = format!("{} -> {}", names.join(" -> "), names[0]);
        let mut diagnostic = Diagnostic::error(
            Code::HA066,
            format!("apps depend on each other in a cycle: {path}"),
            model.app(first).depends_on_span(),
            format!("`{}` depends on `{}`", names[0], names.get(1).unwrap_or(&names[0])),
        )
        .with_help("break the cycle: no start order exists while each app waits for the next");
        for (position, &member) in cycle.members.iter().enumerate().skip(1) {
            let next = names[(position + 1) % names.len()];
            diagnostic = diagnostic.with_label(
                model.app(member).depends_on_span(),
                format!("`{}` depends on `{next}`", names[position]),
            );
        }
        out.push(diagnostic);
    }
}

/// HA060: production apps run at least 2 replicas; an autoscaled app's count is
/// its autoscaler's (the Deployment leaves `replicas` to it), never below `min`.
fn replicas_kept(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.apps() {
        let name = view.name();
        let workload = view.workload();
        let replicas = view.replicas();

        let (kept, kept_span, field) = match view.autoscaling() {
            Some(autoscaling) => (autoscaling.min().unwrap_or(1), autoscaling.min_span(), "min"),
            None => (replicas, view.replicas_span(), "replicas"),
        };
        if context.app_production(view.id()) && workload != Workload::Daemon && kept < 2 {
            let message = if field == "min" {
                format!("app `{name}` may run {kept} replica (its autoscaler's `min`); production needs at least 2")
            } else {
                format!("app `{name}` runs {kept} replica; production needs at least 2")
            };
            out.push(
                context
                    .app_finding(view.id(), Code::HA060, message, kept_span, field)
                    .with_help(format!(
                        "set `{field} = 2` or more, or run it in a namespace at the `dev` or `test` stage"
                    )),
            );
        }
    }
}

/// HA061: a stateful app claims a volume.
fn stateful_claims_volume(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    for view in context.model.apps() {
        if view.workload() == Workload::Stateful && view.volumes().is_empty() {
            out.push(
                context
                    .app_finding(
                        view.id(),
                        Code::HA061,
                        format!("stateful app `{}` claims no volume", view.name()),
                        view.workload_span(),
                        "stateful",
                    )
                    .with_help("add `volumes = [{ name = \"data\", storage = ..., size = 10Gi, mount = \"/data\" }]`, or make it stateless"),
            );
        }
    }
}

/// HA062: only a stateful app claims volumes. An error in every profile: the build writes
/// volume claims for a StatefulSet only, and kube-apiserver refuses a pod that mounts a
/// volume it does not have.
fn only_stateful_claims(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    for view in context.model.apps() {
        let workload = view.workload();
        if workload != Workload::Stateful && !view.volumes().is_empty() {
            out.push(
                Diagnostic::error(
                    Code::HA062,
                    format!(
                        "{workload} app `{}` claims volumes; only stateful apps get volume claims",
                        view.name()
                    ),
                    view.volumes_span(),
                    "volume claims",
                )
                .with_label(view.workload_span(), format!("workload = {workload}"))
                .with_help(
                    "set `workload = stateful` (a StatefulSet with one claim per replica), or remove the volumes",
                ),
            );
        }
    }
}

/// HA063: the HPA scales on CPU utilisation, a share of the cpu request. A cpu limit
/// alone is a request too: Kubernetes copies it into the request.
fn autoscaled_requests_cpu(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let cpu = |resources: Option<crate::semantic::views::Resources<'_>>| resources.and_then(|r| r.cpu());
    for view in context.model.apps().filter(|view| view.autoscaling().is_some()) {
        if cpu(view.requests()).is_none() && cpu(view.limits()).is_none() {
            out.push(
                Diagnostic::error(
                    Code::HA063,
                    format!("app `{}` autoscales but requests no cpu", view.name()),
                    view.autoscaling_span(),
                    "autoscaling on CPU utilisation",
                )
                .with_help("add `requests = { cpu = 250m, ... }`: utilisation is measured against the request"),
            );
        }
    }
}

/// HA064: an autoscaler's bounds are 1 <= min <= max.
fn autoscaling_bounds(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    for view in context.model.apps() {
        let Some(autoscaling) = view.autoscaling() else {
            continue;
        };
        if let (Some(min), Some(max)) = (autoscaling.min(), autoscaling.max())
            && (min < 1 || max < min)
        {
            out.push(
                Diagnostic::error(
                    Code::HA064,
                    format!(
                        "app `{}` autoscales between min {min} and max {max}; it needs max >= min >= 1",
                        view.name()
                    ),
                    view.autoscaling_span(),
                    "autoscaling bounds",
                )
                .with_help("set `min` to at least 1 (2 in production) and `max` to at least `min`"),
            );
        }
    }
}

/// HA065: limits at least the requests.
fn limits_cover_requests(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.apps() {
        let name = view.name();

        let (requests, limits) = (amounts(view.requests()), amounts(view.limits()));
        for ((resource, request), limit) in ["cpu", "memory"].into_iter().zip(requests).zip(limits) {
            if let (Some(request), Some(limit)) = (request, limit)
                && limit < request
            {
                out.push(
                    Diagnostic::error(
                        Code::HA065,
                        format!("app `{name}` limits {resource} below its request"),
                        view.limits_span(),
                        format!("{resource} limit"),
                    )
                    .with_label(view.requests_span(), format!("{resource} request"))
                    .with_help(format!(
                        "raise the {resource} limit to at least the request, or lower the request"
                    )),
                );
            }
        }
    }
}

/// HA068: each probe is one check that can run.
fn probes_runnable(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    for view in context.model.apps() {
        let name = view.name();
        let ports: Vec<u16> = (view.ports().iter()).filter_map(|port| port.port()).collect();
        for (kind, probe) in [
            ("readiness", view.readiness()),
            ("liveness", view.liveness()),
            ("startup", view.startup()),
        ] {
            if let Some(probe) = probe
                && let Some((problem, span)) = probe_problem(probe, &ports)
            {
                out.push(
                    Diagnostic::error(Code::HA068, format!("the {kind} probe of app `{name}` {problem}"), span, "probe")
                        .with_help("give `path` and `port` (HTTP GET), `port` alone (TCP connect), or `exec` (a command); timings in whole seconds, period and timeout at least 1s"),
                );
            }
        }
    }
}

/// HA069: a production app with ports says when it is ready.
fn ready_when_serving(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    for view in context.model.apps() {
        if context.app_production(view.id()) && !view.ports().is_empty() && view.readiness().is_none() {
            out.push(
                Diagnostic::warning(
                    Code::HA069,
                    format!(
                        "app `{}` has ports but no readiness probe: its Service sends it traffic before it can answer",
                        view.name()
                    ),
                    view.ports_span(),
                    "ports without a readiness probe",
                )
                .with_help("add `readiness = { path = \"/healthz\", port = ... }` (or `port` alone for a TCP check)"),
            );
        }
    }
}

/// HA067: some node can run it.
fn schedulable(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for view in model.apps() {
        let app = view.id().entity();
        let name = view.name();

        if context.topology.eligible(model, app).is_empty() {
            let placement = crate::platform::topology::Topology::placement_of(model, app);
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
                    view.placement_span(),
                    "placement",
                )
                .with_help("add worker nodes that match, or change the app's placement"),
            );
        }
    }
}

/// What is wrong with a probe, and where: not exactly one check, a port the app does not
/// listen on, a path that is not absolute, or timings the kubelet cannot keep.
fn probe_problem(probe: Probe<'_>, ports: &[u16]) -> Option<(String, Span)> {
    let checks = [probe.path().is_some() || probe.port().is_some(), probe.exec().is_some()];
    if checks.iter().filter(|check| **check).count() != 1 {
        return Some(("is not exactly one check".into(), probe.span()));
    }
    if probe.path().is_some() && probe.port().is_none() {
        return Some(("has an HTTP path but no port".into(), probe.path_span()));
    }
    if let Some(path) = probe.path()
        && !path.starts_with('/')
    {
        return Some((
            format!("has the path \"{path}\", which does not begin with `/`"),
            probe.path_span(),
        ));
    }
    if let Some(port) = probe.port()
        && !ports.contains(&port)
    {
        return Some((
            format!("probes port {port}, which is not one of the app's ports"),
            probe.port_span(),
        ));
    }
    if probe.exec().is_some_and(|command| command.is_empty()) {
        return Some(("runs an empty command".into(), probe.exec_span()));
    }
    let timings = [
        ("initial_delay", probe.initial_delay(), probe.initial_delay_span(), 0),
        ("period", probe.period(), probe.period_span(), 1000),
        ("timeout", probe.timeout(), probe.timeout_span(), 1000),
    ];
    for (field, millis, span, least) in timings {
        if millis % 1000 != 0 || millis < least {
            return Some((
                format!(
                    "has a {field} the kubelet cannot keep (whole seconds{})",
                    if least > 0 { ", at least 1s" } else { "" }
                ),
                span,
            ));
        }
    }
    if probe.failure_threshold() < 1 {
        return Some(("has a failure_threshold below 1".into(), probe.failure_threshold_span()));
    }
    None
}
