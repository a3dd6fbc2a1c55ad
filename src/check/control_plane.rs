//! The control plane: enough masters, on distinct hosts, behind a load balancer and a VIP
//! whose backends are exactly the masters, on a port that does not collide.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::platform::Platform;
use crate::semantic::views::{LbMode, LbSoftware};
use crate::semantic::{EntityId, Model};
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[
    super::rule!(masters_counted: HA020),
    super::rule!(masters_on_distinct_hosts: HA021),
    super::rule!(masters_fronted: HA022),
    super::rule!(front_port_free: HA023),
    super::rule!(backends_are_masters: HA024),
    super::rule!(check_frontend_modes: HA025),
    super::rule!(backends_listed_once: HA026),
    super::rule!(apiserver_port_balanced: HA027),
    super::rule!(check_vips: HA028),
    super::rule!(check_lvs: HA029),
];

/// HA020: at least one control-plane node; at least 2 in production.
fn masters_counted(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let masters = &context.topology.control_plane;

    if masters.is_empty() {
        out.push(
            Diagnostic::error(
                Code::HA020,
                "the cluster has no control-plane node",
                context.cluster_span(),
                "no node has the `control_plane` role",
            )
            .with_help("give the `control_plane` role to 3 nodes"),
        );
        return;
    }
    if context.production() && masters.len() < 2 {
        out.push(
            context
                .finding(
                    Code::HA020,
                    format!(
                        "a production control plane needs at least 2 nodes; this one has {}",
                        masters.len()
                    ),
                    model.node(masters[0]).roles_span(),
                    "the only control-plane node",
                )
                .with_help("give the `control_plane` role to 2 or more nodes (3 is usual) on distinct physical hosts"),
        );
    }
}

/// HA021: masters on distinct physical hosts.
fn masters_on_distinct_hosts(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let masters = &context.topology.control_plane;

    let mut by_host: HashMap<EntityId, Vec<EntityId>> = HashMap::default();
    for &master in masters {
        if let Some(&host) = context.topology.host_of.get(&master) {
            by_host.entry(host).or_default().push(master);
        }
    }
    let mut shared: Vec<(EntityId, Vec<EntityId>)> = by_host.into_iter().filter(|(_, on)| on.len() > 1).collect();
    shared.sort();
    for (host, on_host) in shared {
        let mut diagnostic = context
            .finding(
                Code::HA021,
                format!(
                    "{} control-plane nodes share the physical host `{}`",
                    on_host.len(),
                    model.name(host)
                ),
                model.node(on_host[1]).host_span(),
                format!("on `{}`", model.name(host)),
            )
            .with_help("move each control-plane node to a physical host of its own");
        for &other in on_host.iter().filter(|other| **other != on_host[1]) {
            diagnostic =
                diagnostic.with_label(model.node(other).host_span(), format!("also on `{}`", model.name(host)));
        }
        out.push(diagnostic);
    }
}

/// HA022: more than one master needs a load balancer and a VIP in front.
fn masters_fronted(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let masters = &context.topology.control_plane;
    let all = &context.frontends;
    let leading = &context.apiserver_frontends;
    let api_port = context.apiserver_port();

    if masters.len() > 1 {
        let has_vip = leading
            .iter()
            .any(|&idx| model.load_balancer(all[idx].balancer).vip().is_some());
        let misdirected = (context.frontends.iter()).any(|frontend| misdirected(context, frontend));
        if (leading.is_empty() || !has_vip) && !misdirected {
            let mut diagnostic = context
                .finding(
                    Code::HA022,
                    format!(
                        "the {} apiservers are not fronted by a load balancer with a VIP",
                        masters.len()
                    ),
                    context.cluster_span(),
                    "this cluster",
                )
                .with_help(format!(
                    "declare a `load_balancer` whose frontend balances to every control-plane node on port {api_port}, \
                     with `vip` set to a `vip_group` (kubeadm's controlPlaneEndpoint becomes VIP:port)"
                ));
            for &idx in leading {
                diagnostic =
                    diagnostic.with_label(model.entity(all[idx].balancer).name_span, "load balancer without a VIP");
            }
            // A frontend over the control-plane nodes on another port was meant for them
            // (where nothing listens there, HA027 says so instead).
            if leading.is_empty() {
                for frontend in all.iter().filter(|frontend| {
                    !frontend.backends.is_empty() && frontend.backends.iter().all(|node| masters.contains(node))
                }) {
                    diagnostic = diagnostic.with_label(
                        frontend.backend_port_span,
                        format!(
                            "load balancer `{}` balances `{}` to port {} of the control-plane nodes; kube-apiserver listens on {api_port}",
                            model.name(frontend.balancer),
                            frontend.name,
                            frontend.backend_port
                        ),
                    );
                }
            }
            out.push(diagnostic);
        }
    }
}

/// HA023: a front port equal to the apiserver port on a node that runs both.
fn front_port_free(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let masters = &context.topology.control_plane;
    let api_port = context.apiserver_port();
    for frontend in context.frontends_to_apiservers() {
        if frontend.port == api_port {
            let colliding: Vec<EntityId> = (model.load_balancer(frontend.balancer).nodes().entities())
                .into_iter()
                .filter(|node| masters.contains(node))
                .collect();
            if let Some(&first) = colliding.first() {
                let mut diagnostic = Diagnostic::error(
                    Code::HA023,
                    format!(
                        "frontend `{}` listens on {api_port}, the apiserver's own port, on control-plane node `{}`",
                        frontend.name,
                        model.name(first)
                    ),
                    frontend.span,
                    format!("port {api_port} is already bound by kube-apiserver"),
                )
                .with_help(format!(
                    "use another front port, such as 16443, and keep `backend_port = {api_port}`"
                ));
                for node in colliding {
                    diagnostic =
                        diagnostic.with_label(model.entity(node).name_span, "runs kube-apiserver and this frontend");
                }
                out.push(diagnostic);
            }
        }
    }
}

/// HA024: the backends of a frontend that reaches the masters directly are exactly them.
fn backends_are_masters(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let masters = &context.topology.control_plane;
    let api_port = context.apiserver_port();
    for frontend in context.frontends_to_apiservers() {
        let direct = frontend.backend_port == api_port && frontend.backends.iter().any(|b| masters.contains(b));
        if !direct {
            continue;
        }
        let missing: Vec<EntityId> = masters
            .iter()
            .copied()
            .filter(|m| !frontend.backends.contains(m))
            .collect();
        let extra: Vec<EntityId> = frontend
            .backends
            .iter()
            .copied()
            .filter(|b| !masters.contains(b))
            .collect();
        if missing.is_empty() && extra.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("misses {}", names(context, &missing)));
        }
        if !extra.is_empty() {
            parts.push(format!("includes {}, not a control-plane node", names(context, &extra)));
        }
        let mut diagnostic = context
            .finding(
                Code::HA024,
                format!("the apiserver frontend `{}` {}", frontend.name, parts.join(" and ")),
                frontend.span,
                "backends differ from the control-plane nodes",
            )
            .with_help("list exactly the control-plane nodes as `backends`");
        for node in missing.iter().chain(&extra) {
            diagnostic = diagnostic.with_label(model.entity(*node).name_span, format!("`{}`", model.name(*node)));
        }
        out.push(diagnostic);
    }
}

/// HA025: an HTTP frontend where HTTP cannot work: LVS balances TCP connections only, and
/// the apiservers' clients speak TLS to the apiservers themselves (kubectl, kubelets and
/// kubeadm verify the apiserver's certificate), so an HTTP proxy in front breaks them.
pub fn check_frontend_modes(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for (idx, frontend) in context.frontends.iter().enumerate() {
        if frontend.mode != LbMode::Http {
            continue;
        }
        let balancer = model.load_balancer(frontend.balancer);
        let (problem, label, help) = if balancer.software() == LbSoftware::Lvs {
            (
                format!(
                    "frontend `{}` is `mode = http`, but LVS balances TCP connections and never reads HTTP",
                    frontend.name
                ),
                (balancer.software_span(), "software = lvs"),
                "use `mode = tcp` on an LVS frontend, or `software = haproxy` for HTTP balancing",
            )
        } else if context.apiserver_frontends.contains(&idx) {
            (
                format!(
                    "frontend `{}` leads to the apiservers in `mode = http`, but their clients speak TLS to the apiservers",
                    frontend.name
                ),
                (balancer.name_span(), "in front of the apiservers"),
                "use `mode = tcp` (TLS passthrough) for the apiservers, as kubeadm's HA guide does",
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::error(Code::HA025, problem, frontend.mode_span, "mode = http")
                .with_label(label.0, label.1)
                .with_help(help),
        );
    }
}

/// HA026: each frontend lists a backend once (haproxy refuses a `server` name twice).
fn backends_listed_once(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for balancer in model.load_balancers() {
        for frontend in balancer.frontends() {
            let name = frontend.name().unwrap_or_default();
            let mut seen: HashMap<EntityId, Span> = HashMap::default();
            for (backend, span) in frontend.backends().spanned() {
                let node = backend.entity();
                if let Some(first) = seen.get(&node) {
                    out.push(
                        Diagnostic::error(
                            Code::HA026,
                            format!("frontend `{name}` lists backend `{}` twice", model.name(node)),
                            span,
                            "listed again",
                        )
                        .with_label(*first, "first listed here")
                        .with_help("list each backend once"),
                    );
                } else {
                    seen.insert(node, span);
                }
            }
        }
    }
}

/// HA027: while no frontend reaches the apiservers, one whose backends are all
/// control-plane nodes, balancing to a port nothing there listens on, was meant for them.
fn apiserver_port_balanced(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let api_port = context.apiserver_port();
    for frontend in context
        .frontends
        .iter()
        .filter(|frontend| misdirected(context, frontend))
    {
        out.push(
            Diagnostic::error(
                Code::HA027,
                format!(
                    "load balancer `{}` fronts the apiservers with `{}`, but balances to port {} of {}, where nothing listens: kube-apiserver listens on {api_port}",
                    model.name(frontend.balancer),
                    frontend.name,
                    frontend.backend_port,
                    names(context, &frontend.backends)
                ),
                frontend.backend_port_span,
                format!("port {}: no listener on the backends", frontend.backend_port),
            )
            .with_label(
                context.cluster().apiserver_port_span(),
                format!("the apiservers listen on {api_port}"),
            )
            .with_help(format!(
                "set `backend_port = {api_port}` to reach the apiservers (the cluster's `apiserver_port`)"
            )),
        );
    }
}

/// HA029: an LVS frontend that direct routing can carry. The emitted keepalived runs LVS
/// in DR mode (`lb_kind DR`): the director rewrites only the frame's MAC address, so it
/// needs a VIP to answer for, cannot change the port, and cannot be a real server of its
/// own virtual server (the standby director's IPVS takes what the active one forwards to
/// it, and forwards it again).
pub fn check_lvs(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for balancer in model.load_balancers() {
        if balancer.software() != LbSoftware::Lvs || balancer.frontends().is_empty() {
            continue;
        }
        let name = balancer.name();
        let vip = (balancer.vip()).and_then(|vip| model.vip_group(vip).address());
        if vip.is_none() {
            out.push(
                Diagnostic::error(
                    Code::HA029,
                    format!(
                        "LVS load balancer `{name}` has no VIP: LVS balances connections to a virtual address, so none of its frontends could be emitted"
                    ),
                    balancer.software_span(),
                    "software = lvs",
                )
                .with_label(model.entity(balancer.id().entity()).name_span, "no `vip`")
                .with_help("give it a `vip` held by its nodes, or use `software = haproxy`, which binds the nodes' own addresses"),
            );
        }
        let directors = balancer.nodes().entities();
        for frontend in balancer.frontends() {
            let frontend_name = frontend.name().unwrap_or_default();
            let (port, backend_port) = (frontend.port(), frontend.backend_port());
            if let (Some(port), Some(backend_port)) = (port, backend_port)
                && port != backend_port
            {
                out.push(
                    Diagnostic::error(
                        Code::HA029,
                        format!(
                            "LVS frontend `{frontend_name}` forwards port {port} to port {backend_port}, but direct routing delivers each packet unchanged: the backends receive it on port {port}"
                        ),
                        frontend.backend_port_span(),
                        format!("not port {port}"),
                    )
                    .with_label(frontend.port_span(), "the port the backends receive")
                    .with_help(format!(
                        "set `backend_port = {port}` and have the backends listen there, or use `software = haproxy`, which can change the port"
                    )),
                );
            }
            let own: Vec<(EntityId, Span)> = (frontend.backends().spanned())
                .map(|(backend, span)| (backend.entity(), span))
                .filter(|(backend, _)| directors.contains(backend))
                .collect();
            let Some(&(first, first_span)) = own.first() else {
                continue;
            };
            let listed: Vec<EntityId> = own.iter().map(|(backend, _)| *backend).collect();
            let mut diagnostic = Diagnostic::error(
                Code::HA029,
                format!(
                    "LVS frontend `{frontend_name}` balances to {}, {} of load balancer `{name}` itself: under direct routing a director cannot be its own real server \
                     (the standby director's virtual server takes the packets the active one forwards to it, and forwards them again)",
                    names(context, &listed),
                    if listed.len() == 1 { "a director" } else { "directors" }
                ),
                first_span,
                format!("`{}` runs this LVS", model.name(first)),
            );
            for (_, span) in own.iter().skip(1).take(2) {
                diagnostic = diagnostic.with_label(*span, "also a director");
            }
            out.push(
                diagnostic
                    .with_label(balancer.nodes_span(), "the directors")
                    .with_help(
                        "balance to nodes that do not run this LVS (such as a haproxy tier, as example 003 does), or use `software = haproxy` on these nodes",
                    ),
            );
        }
    }
}

/// The members of a balancer's VIP that are none of its nodes: a member that takes the
/// VIP there has no frontend to serve it.
pub fn vip_strangers(model: &Model, balancer: EntityId) -> Vec<EntityId> {
    let view = model.load_balancer(balancer);
    let Some(vip) = view.vip() else { return Vec::new() };
    let nodes = view.nodes().entities();
    (model.vip_group(vip).members().entities().into_iter())
        .filter(|member| !nodes.contains(member))
        .collect()
}

/// HA028: a balancer's VIP is held only by the balancer's nodes.
pub fn check_vips(context: &Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for balancer in model.load_balancers() {
        let strangers = vip_strangers(model, balancer.id().entity());
        let Some(vip) = balancer.vip() else { continue };
        if strangers.is_empty() {
            continue;
        }
        let vip_view = model.vip_group(vip);
        out.push(
            Diagnostic::error(
                Code::HA028,
                format!(
                    "VIP `{}` of load balancer `{}` can move to {}, which run{} none of its frontends: clients of the VIP are refused there",
                    vip_view.name(),
                    balancer.name(),
                    names(context, &strangers),
                    if strangers.len() == 1 { "s" } else { "" }
                ),
                vip_view.members_span(),
                "members that are not the balancer's nodes",
            )
            .with_label(balancer.nodes_span(), "the balancer's nodes")
            .with_help(format!(
                "make the VIP's members the balancer's nodes (`members = [{}]`), or give the balancer a VIP of its own",
                balancer.nodes().entities().iter().map(|node| model.name(*node)).collect::<Vec<_>>().join(", ")
            )),
        );
    }
}

/// Whether something k8sc configures listens on `port` of `node`: the apiserver, a load
/// balancer frontend on the node, or an ingress controller on its host network.
fn listens(context: &Platform<'_>, node: EntityId, port: u16) -> bool {
    let model = context.model;
    if context.topology.control_plane.contains(&node) && i64::from(port) == context.apiserver_port() {
        return true;
    }
    let fronted = (context.frontends.iter())
        .any(|frontend| frontend.port == i64::from(port) && model.load_balancer(frontend.balancer).nodes().names(node));
    let ingress = model.ingress_controllers().any(|controller| {
        controller.nodes().names(node) && (controller.http_port() == port || controller.https_port() == port)
    });
    fronted || ingress
}

/// HA027's case: no frontend reaches the apiservers (there are several), and this one's
/// backends are all control-plane nodes, on a port other than the apiserver's where
/// nothing k8sc configures listens. On other nodes, and beside a working apiserver
/// frontend, k8sc cannot know every listener. HA022 does not blame the cluster for it.
fn misdirected(context: &Platform<'_>, frontend: &crate::platform::survival::Frontend) -> bool {
    let masters = &context.topology.control_plane;
    let port = u16::try_from(frontend.backend_port).unwrap_or(0);
    context.apiserver_frontends.is_empty()
        && masters.len() > 1
        && !frontend.backends.is_empty()
        && frontend.backends.iter().all(|node| masters.contains(node))
        && frontend.backend_port != context.apiserver_port()
        && frontend.backends.iter().all(|node| !listens(context, *node, port))
}

fn names(context: &Platform<'_>, nodes: &[EntityId]) -> String {
    nodes
        .iter()
        .map(|node| context.model.quoted(*node))
        .collect::<Vec<_>>()
        .join(", ")
}
