//! `hosts/<node>/etc/haproxy/haproxy.cfg` on every node of a haproxy load balancer.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Files, Input, MODE_FILE};
use crate::platform::names::proxy_name;
use crate::semantic::EntityId;
use crate::semantic::views::{LbSoftware, Role};

#[derive(Serialize)]
struct Server {
    name: String,
    address: String,
    port: i64,
}

#[derive(Serialize)]
struct Frontend {
    name: String,
    /// `ADDRESS:PORT` each: the VIP and the node's own address (what the node's health
    /// check probes), or every address when the balancer has no VIP.
    binds: Vec<String>,
    port: i64,
    /// `tcp` (passthrough) or `http` (haproxy parses the requests).
    mode: &'static str,
    /// `apiserver` (HTTPS /healthz), `tls` (SSL hello) or `tcp` (connect).
    check: &'static str,
    servers: Vec<Server>,
}

#[derive(Serialize)]
struct Context<'a> {
    source: &'a str,
    node: &'a str,
    frontends: Vec<Frontend>,
}

/// Unique in the node's file: E0210 keeps a balancer's own names apart; a
/// frontend of another balancer on this node is prefixed with its balancer's
/// name, and numbered if that is taken too.
fn unique_name(
    model: &crate::semantic::Model,
    frontend: &crate::platform::survival::Frontend,
    existing: &[Frontend],
) -> String {
    let taken = |name: &str| existing.iter().any(|known: &Frontend| known.name == name);
    let mut name = proxy_name(&frontend.name);
    if taken(&name) {
        let prefixed = proxy_name(&format!("{}-{}", model.name(frontend.balancer), frontend.name));
        name = (1..)
            .map(|n| {
                if n == 1 {
                    prefixed.clone()
                } else {
                    format!("{prefixed}-{n}")
                }
            })
            .find(|candidate| !taken(candidate))
            .unwrap_or(prefixed);
    }
    name
}

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    let api_port = input.platform.apiserver_port();
    let control_plane: Vec<EntityId> = (model.nodes())
        .filter(|node| node.roles().contains(&Role::ControlPlane))
        .map(|node| node.id().entity())
        .collect();
    let mut per_node: BTreeMap<String, (EntityId, Vec<Frontend>)> = BTreeMap::new();
    for frontend in &input.platform.frontends {
        let balancer = model.load_balancer(frontend.balancer);
        if balancer.software() != LbSoftware::Haproxy {
            continue;
        }
        let vip = (balancer.vip()).and_then(|vip| model.vip_group(vip).address());
        let check = if frontend.backend_port == api_port && frontend.backends.iter().all(|b| control_plane.contains(b))
        {
            "apiserver"
        } else if frontend.backend_port == 443 {
            "tls"
        } else {
            "tcp"
        };
        for node in balancer.nodes().entities() {
            let entry = per_node
                .entry(model.name(node).to_string())
                .or_insert_with(|| (node, Vec::new()));
            let name = unique_name(model, frontend, &entry.1);
            let binds = match vip {
                Some(vip) => {
                    let own = model.node(node).address().map(|a| a.to_string()).unwrap_or_default();
                    vec![format!("{vip}:{}", frontend.port), format!("{own}:{}", frontend.port)]
                }
                None => vec![format!("*:{}", frontend.port)],
            };
            entry.1.push(Frontend {
                name,
                binds,
                port: frontend.port,
                mode: frontend.mode.as_str(),
                check,
                servers: frontend
                    .backends
                    .iter()
                    .map(|backend| Server {
                        name: model.name(*backend).to_string(),
                        address: (model.node(*backend).address())
                            .map(|a| a.to_string())
                            .unwrap_or_default(),
                        port: frontend.backend_port,
                    })
                    .collect(),
            });
        }
    }
    write_configs(input, per_node, output);
}

/// Each node's haproxy.cfg, and the sysctl that lets haproxy bind a VIP the node may not hold.
fn write_configs(input: &Input<'_>, per_node: BTreeMap<String, (EntityId, Vec<Frontend>)>, output: &mut Files<'_>) {
    let model = input.model;
    for (node_name, (node, frontends)) in per_node {
        let binds_vip = frontends
            .iter()
            .any(|frontend| frontend.binds.iter().any(|bind| !bind.starts_with('*')));
        let context = Context {
            source: &input.source,
            node: &node_name,
            frontends,
        };
        output.add_rendered(
            format!("hosts/{node_name}/etc/haproxy/haproxy.cfg"),
            input
                .templates
                .render("haproxy.cfg.j2", &context, model.entity(node).name_span),
            MODE_FILE,
        );
        if binds_vip {
            output.add(
                format!("hosts/{node_name}/etc/sysctl.d/90-k8sc-haproxy.conf"),
                format!(
                    "# Generated by k8sc from {}: haproxy binds a VIP this node may not hold.\nnet.ipv4.ip_nonlocal_bind = 1\n",
                    input.source
                ),
                MODE_FILE,
            );
        }
    }
}
