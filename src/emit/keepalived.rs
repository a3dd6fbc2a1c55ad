//! `hosts/<node>/etc/keepalived/keepalived.conf` on every VIP member (and LVS node), with
//! the check and notify scripts it references beside it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Input, MODE_FILE, MODE_SCRIPT, MODE_SECRET, Sink};
use crate::check::survival::frontends;
use crate::check::{priorities, router_ids};
use crate::diagnostic::Diagnostic;
use crate::semantic::{EntityId, Model, Value};
use crate::source::Span;

const SCRIPT_DIR: &str = "/etc/keepalived";

#[derive(Serialize, Clone, PartialEq)]
struct Script {
    name: String,
    path: String,
    weight: i64,
}

#[derive(Serialize, Clone, PartialEq)]
struct Process {
    name: String,
    process: String,
    weight: i64,
}

#[derive(Serialize)]
struct Instance {
    name: String,
    state: &'static str,
    interface: String,
    router_id: i64,
    priority: i64,
    advert_int: String,
    preempt: bool,
    auth_pass: Option<String>,
    address: String,
    peers: Vec<String>,
    vip: String,
    prefix: u8,
    track_script: Option<String>,
    track_process: Option<String>,
    notify: Option<String>,
}

#[derive(Serialize)]
struct Real {
    address: String,
    port: i64,
}

#[derive(Serialize)]
struct VirtualServer {
    vip: String,
    port: i64,
    reals: Vec<Real>,
}

/// Everything one node's keepalived.conf holds.
#[derive(Default)]
struct NodeConfig {
    scripts: Vec<Script>,
    processes: Vec<Process>,
    instances: Vec<Instance>,
    virtual_servers: Vec<VirtualServer>,
    /// Script files to write beside the config: file name, template, context.
    files: Vec<(String, &'static str, serde_json::Value)>,
}

#[derive(Serialize)]
struct Context<'a> {
    source: &'a str,
    node: &'a str,
    scripts: &'a [Script],
    processes: &'a [Process],
    instances: &'a [Instance],
    virtual_servers: &'a [VirtualServer],
}

fn address(model: &Model, node: EntityId) -> String {
    model.ipv4(node, "address").map(|a| a.to_string()).unwrap_or_default()
}

/// A keepalived identifier from a declaration name.
fn ident(name: &str) -> String {
    name.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '_' {
                ch
            } else {
                '_'
            }
        })
        .collect()
}

/// keepalived's advert_int from milliseconds: whole seconds, or a fraction.
fn seconds(millis: u64) -> String {
    if millis.is_multiple_of(1000) {
        (millis / 1000).to_string()
    } else {
        format!("{}.{:03}", millis / 1000, millis % 1000)
            .trim_end_matches('0')
            .to_string()
    }
}

pub fn emit(input: &Input<'_>, output: &mut dyn Sink) -> Result<(), Vec<Diagnostic>> {
    let model = input.model;
    let cluster = model.all("cluster").next();
    let prefix = cluster
        .and_then(|c| model.cidr(c, "node_subnet"))
        .map_or(24, |net| net.prefix_len());
    let api_port = cluster.and_then(|c| model.int(c, "apiserver_port")).unwrap_or(6443);
    let ids = router_ids(model);
    let all_frontends = frontends(model);
    let mut configs: BTreeMap<String, (EntityId, NodeConfig)> = BTreeMap::new();

    for vip in model.all("vip_group") {
        let members = model.references_in(vip, "members");
        let levels = priorities(model, vip);
        let spread = levels.iter().max().unwrap_or(&0) - levels.iter().min().unwrap_or(&0);
        // A failed check must drop a MASTER below every BACKUP.
        let weight = -(spread + 1).clamp(2, 253);
        let router_id = ids
            .iter()
            .find(|router| router.vip == vip)
            .map_or(51, |router| router.id);
        let preempt = model.flag(vip, "preempt").unwrap_or(true);
        let auth_pass = match model.value(vip, "auth_pass") {
            Some(Value::Secret(source)) => Some(input.secret(source)),
            _ => None,
        };
        let vip_address = model.ipv4(vip, "address").map(|a| a.to_string()).unwrap_or_default();
        let track = model.variant(vip, "track").unwrap_or("none");
        let pair = model
            .all("drbd_pair")
            .find(|pair| model.reference(*pair, "vip") == Some(vip));
        for (position, &member) in members.iter().enumerate() {
            let node_name = model.name(member).to_string();
            let (_, config) = configs
                .entry(node_name.clone())
                .or_insert_with(|| (member, NodeConfig::default()));
            let interface = model
                .string(vip, "interface")
                .or_else(|| model.string(member, "interface"))
                .unwrap_or("eth0")
                .to_string();
            let mut instance = Instance {
                name: format!("VI_{}", ident(model.name(vip))),
                state: if position == 0 && preempt { "MASTER" } else { "BACKUP" },
                interface,
                router_id,
                priority: levels.get(position).copied().unwrap_or(100),
                advert_int: match model.value(vip, "advert_interval") {
                    Some(Value::Duration(millis)) => seconds(*millis),
                    _ => "1".into(),
                },
                preempt,
                auth_pass: auth_pass.clone(),
                address: address(model, member),
                peers: members
                    .iter()
                    .filter(|other| **other != member)
                    .map(|other| address(model, *other))
                    .collect(),
                vip: vip_address.clone(),
                prefix,
                track_script: None,
                track_process: None,
                notify: None,
            };
            match track {
                "apiserver" => {
                    // The path clients use: the front port of an apiserver balancer on this
                    // node, else the apiserver itself.
                    let port = all_frontends
                        .iter()
                        .find(|f| {
                            f.backend_port == api_port && model.references_in(f.balancer, "nodes").contains(&member)
                        })
                        .map_or(api_port, |f| f.port);
                    let url = format!("https://localhost:{port}/healthz");
                    add_script(
                        config,
                        "check_apiserver",
                        weight,
                        "check_apiserver.sh.j2",
                        serde_json::json!({ "url": url }),
                    );
                    instance.track_script = Some("check_apiserver".into());
                }
                "ingress" => {
                    let port = model
                        .all("ingress_controller")
                        .find(|c| model.reference(*c, "vip") == Some(vip))
                        .and_then(|c| model.int(c, "http_port"))
                        .unwrap_or(80);
                    add_script(
                        config,
                        "check_ingress",
                        weight,
                        "check_ingress.sh.j2",
                        serde_json::json!({ "port": port }),
                    );
                    instance.track_script = Some("check_ingress".into());
                }
                "nfs" => {
                    let resource = pair
                        .and_then(|p| model.string(p, "resource"))
                        .unwrap_or("r0")
                        .to_string();
                    add_script(
                        config,
                        "check_nfs",
                        weight,
                        "check_nfs.sh.j2",
                        serde_json::json!({ "resource": resource }),
                    );
                    instance.track_script = Some("check_nfs".into());
                }
                "haproxy" => {
                    let process = Process {
                        name: "track_haproxy".into(),
                        process: "haproxy".into(),
                        weight,
                    };
                    if !config.processes.contains(&process) {
                        config.processes.push(process);
                    }
                    instance.track_process = Some("track_haproxy".into());
                }
                _ => {}
            }
            if let Some(pair) = pair {
                let context = serde_json::json!({
                    "resource": model.string(pair, "resource").unwrap_or("r0"),
                    "device": model.string(pair, "device").unwrap_or("/dev/drbd0"),
                    "mount": model.string(pair, "mount").unwrap_or("/srv/nfs"),
                });
                if !config.files.iter().any(|(file, _, _)| file == "drbd_notify.sh") {
                    config
                        .files
                        .push(("drbd_notify.sh".into(), "drbd_notify.sh.j2", context));
                }
                instance.notify = Some(format!("{SCRIPT_DIR}/drbd_notify.sh"));
            }
            config.instances.push(instance);
        }
    }

    // LVS: virtual servers in the keepalived.conf of the LVS nodes.
    let mut dr_reals: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for frontend in &all_frontends {
        if model.variant(frontend.balancer, "software") != Some("lvs") {
            continue;
        }
        let Some(vip) = model
            .reference(frontend.balancer, "vip")
            .and_then(|vip| model.ipv4(vip, "address"))
        else {
            continue;
        };
        for node in model.references_in(frontend.balancer, "nodes") {
            let (_, config) = configs
                .entry(model.name(node).to_string())
                .or_insert_with(|| (node, NodeConfig::default()));
            config.virtual_servers.push(VirtualServer {
                vip: vip.to_string(),
                port: frontend.port,
                reals: frontend
                    .backends
                    .iter()
                    .map(|backend| Real {
                        address: address(model, *backend),
                        port: frontend.backend_port,
                    })
                    .collect(),
            });
        }
        for backend in &frontend.backends {
            let vips = dr_reals.entry(model.name(*backend).to_string()).or_default();
            if !vips.contains(&vip.to_string()) {
                vips.push(vip.to_string());
            }
        }
    }

    let mut errors = Vec::new();
    for (node_name, (node, config)) in &configs {
        let span: Span = model.entity(*node).name_span;
        let context = Context {
            source: input.source,
            node: node_name,
            scripts: &config.scripts,
            processes: &config.processes,
            instances: &config.instances,
            virtual_servers: &config.virtual_servers,
        };
        let mode = if config.instances.iter().any(|i| i.auth_pass.is_some()) {
            MODE_SECRET
        } else {
            MODE_FILE
        };
        output.add_rendered(
            format!("hosts/{node_name}/etc/keepalived/keepalived.conf"),
            input.templates.render("keepalived.conf.j2", &context, span),
            mode,
            &mut errors,
        );
        for (file, template, extra) in &config.files {
            let mut context = extra.clone();
            if let Some(object) = context.as_object_mut() {
                object.insert("source".into(), serde_json::Value::String(input.source.to_string()));
            }
            output.add_rendered(
                format!("hosts/{node_name}/etc/keepalived/{file}"),
                input.templates.render(template, &context, span),
                MODE_SCRIPT,
                &mut errors,
            );
        }
    }
    for (node_name, vips) in dr_reals {
        let mut interfaces = format!(
            "# Generated by k8sc from {}: the LVS VIPs this real server answers for (DR).\n",
            input.source
        );
        for (idx, vip) in vips.iter().enumerate() {
            interfaces.push_str(&format!(
                "\nauto lo:k8sc{idx}\niface lo:k8sc{idx} inet static\n    address {vip}/32\n"
            ));
        }
        output.add(
            format!("hosts/{node_name}/etc/network/interfaces.d/k8sc-lvs"),
            interfaces,
            MODE_FILE,
        );
        output.add(
            format!("hosts/{node_name}/etc/sysctl.d/91-k8sc-lvs.conf"),
            format!(
                "# Generated by k8sc from {}: an LVS real server in DR mode must not answer ARP for the VIP.\n\
                 net.ipv4.conf.all.arp_ignore = 1\nnet.ipv4.conf.all.arp_announce = 2\n\
                 net.ipv4.conf.lo.arp_ignore = 1\nnet.ipv4.conf.lo.arp_announce = 2\n",
                input.source
            ),
            MODE_FILE,
        );
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn add_script(config: &mut NodeConfig, name: &str, weight: i64, template: &'static str, context: serde_json::Value) {
    let script = Script {
        name: name.to_string(),
        path: format!("{SCRIPT_DIR}/{name}.sh"),
        weight,
    };
    if config.scripts.iter().any(|known| known.name == script.name) {
        return;
    }
    config.scripts.push(script);
    config.files.push((format!("{name}.sh"), template, context));
}
