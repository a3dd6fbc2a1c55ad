//! `hosts/<node>/etc/keepalived/keepalived.conf` on every VIP member (and LVS node), with
//! the check and notify scripts it references beside it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Files, Input, MODE_FILE, MODE_SCRIPT, MODE_SECRET};
use crate::platform::{RouterId, priorities, router_ids};
use crate::semantic::views::{LbSoftware, VipTrack};
use crate::semantic::{EntityId, Model};
use crate::source::Span;

const SCRIPT_DIR: &str = "/etc/keepalived";
/// How many seconds a new VIP holder waits for its DRBD peer to demote before giving up.
const DRBD_PROMOTE_RETRIES: u32 = 10;

#[derive(Serialize, Clone, PartialEq)]
struct Script {
    name: String,
    path: String,
    weight: i64,
    /// Whole seconds between runs, and each run's time limit.
    interval: u64,
    fall: i64,
    rise: i64,
}

/// How often a member checks its tracked service, and how many results in a row count.
#[derive(Clone, Copy)]
struct Timing {
    interval: u64,
    fall: i64,
    rise: i64,
}

#[derive(Serialize)]
struct Instance {
    name: String,
    state: &'static str,
    interface: String,
    router_id: i64,
    priority: i64,
    advert_int: String,
    /// 3 when the advert interval is not whole seconds (VRRPv2 counts in seconds).
    version: Option<u8>,
    preempt: bool,
    auth_pass: Option<String>,
    address: String,
    peers: Vec<String>,
    vip: String,
    prefix: u8,
    track_script: Option<String>,
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
    instances: &'a [Instance],
    virtual_servers: &'a [VirtualServer],
}

fn address(model: &Model, node: EntityId) -> String {
    model.node(node).address().map(|a| a.to_string()).unwrap_or_default()
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

/// What one VIP group's members share: the group's own values and keepalived's timers.
struct GroupPlan<'m> {
    view: crate::semantic::views::VipGroup<'m>,
    members: Vec<EntityId>,
    levels: Vec<i64>,
    preempt: bool,
    /// What a failed check takes off the holder's priority.
    weight: i64,
    router_id: i64,
    auth_pass: Option<String>,
    vip_address: String,
    timing: Timing,
    pair: Option<crate::semantic::views::DrbdPair<'m>>,
    prefix: u8,
}

impl<'m> GroupPlan<'m> {
    fn of(input: &Input<'m>, view: crate::semantic::views::VipGroup<'m>, ids: &[RouterId]) -> GroupPlan<'m> {
        let model = input.model;
        let vip = view.id().entity();
        let levels = priorities(model, vip);
        let spread = levels.iter().max().unwrap_or(&0) - levels.iter().min().unwrap_or(&0);
        // A DRBD pair's VIP never moves back by itself: the data follows the VIP, and
        // preempting a Primary that serves (or resyncs) is what leaves both sides stuck.
        let preempt = crate::platform::preempts(model, vip);
        GroupPlan {
            view,
            members: view.members().entities(),
            // A failed check must drop a MASTER below every BACKUP; without preemption no
            // priority moves the VIP, so a failed check puts the member in FAULT (weight 0).
            weight: if preempt { -(spread + 1).clamp(2, 253) } else { 0 },
            levels,
            preempt,
            router_id: (ids.iter())
                .find(|router| router.vip == vip)
                .map_or(51, |router| router.id),
            auth_pass: view.auth_pass().map(|source| input.secret(source)),
            vip_address: view.address().map(|a| a.to_string()).unwrap_or_default(),
            timing: Timing {
                interval: view.check_interval().div_ceil(1000).max(1),
                fall: view.check_fall().max(1),
                rise: view.check_rise().max(1),
            },
            pair: (model.drbd_pairs()).find(|pair| pair.vip() == Some(view.id())),
            prefix: input
                .platform
                .cluster()
                .node_subnet()
                .map_or(24, |net| net.prefix_len()),
        }
    }
}

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    let mut configs: BTreeMap<String, (EntityId, NodeConfig)> = BTreeMap::new();
    // Worked out once: each group's id depends on the others' on its segment.
    let ids = router_ids(model);
    for view in model.vip_groups() {
        let plan = GroupPlan::of(input, view, &ids);
        for (position, &member) in plan.members.iter().enumerate() {
            let (_, config) = configs
                .entry(model.name(member).to_string())
                .or_insert_with(|| (member, NodeConfig::default()));
            let instance = member_instance(input, &plan, position, member, config);
            config.instances.push(instance);
        }
    }
    let dr_reals = virtual_servers(input, &mut configs);
    for (node_name, (node, config)) in &configs {
        node_files(input, node_name, *node, config, output);
    }
    for (node_name, vips) in dr_reals {
        real_server_files(input, &node_name, &vips, output);
    }
}

/// One member's VRRP instance of a group, with its check script and DRBD notify script
/// added to its node's files.
fn member_instance(
    input: &Input<'_>,
    plan: &GroupPlan<'_>,
    position: usize,
    member: EntityId,
    config: &mut NodeConfig,
) -> Instance {
    let model = input.model;
    let view = plan.view;
    let vip = view.id().entity();
    // HA039 stops a build where nobody declared one.
    let interface = crate::platform::interface(model, vip, member)
        .unwrap_or_default()
        .to_string();
    // What a second script of one kind on this node is told apart by.
    let suffix = ident(view.name());
    let mut instance = Instance {
        name: format!("VI_{}", ident(view.name())),
        state: if position == 0 && plan.preempt {
            "MASTER"
        } else {
            "BACKUP"
        },
        interface,
        router_id: plan.router_id,
        priority: plan.levels.get(position).copied().unwrap_or(100),
        advert_int: seconds(view.advert_interval()),
        version: (crate::platform::version(view) == 3).then_some(3),
        preempt: plan.preempt,
        auth_pass: plan.auth_pass.clone(),
        address: address(model, member),
        peers: (plan.members.iter())
            .filter(|other| **other != member)
            .map(|other| address(model, *other))
            .collect(),
        vip: plan.vip_address.clone(),
        prefix: plan.prefix,
        track_script: None,
        notify: None,
    };
    instance.track_script = track_script(input, plan, member, &suffix, &instance.interface, config);
    if let Some(pair) = plan.pair {
        let context = serde_json::json!({
            "resource": pair.resource(),
            "device": pair.device(),
            "mount": pair.mount().unwrap_or("/srv/nfs"),
            "retries": DRBD_PROMOTE_RETRIES,
        });
        let notify = config.file_name("drbd_notify", &suffix, ".sh", "drbd_notify.sh.j2", &context, |_, _| {
            true
        });
        instance.notify = Some(format!("{SCRIPT_DIR}/{notify}.sh"));
    }
    instance
}

/// The check script a member's instance tracks, added to its node's files.
fn track_script(
    input: &Input<'_>,
    plan: &GroupPlan<'_>,
    member: EntityId,
    suffix: &str,
    interface: &str,
    config: &mut NodeConfig,
) -> Option<String> {
    let model = input.model;
    let view = plan.view;
    let (weight, timing) = (plan.weight, plan.timing);
    let api_port = input.platform.apiserver_port();
    let all_frontends = &input.platform.frontends;
    let (name, template, values) = match view.track() {
        VipTrack::Apiserver => {
            // The path clients use: the front port of an apiserver balancer on this node,
            // on the node's own address, which that frontend binds beside the VIP; else
            // the apiserver itself, which listens on every address.
            let url = all_frontends
                .iter()
                .find(|f| f.backend_port == api_port && model.load_balancer(f.balancer).nodes().names(member))
                .map_or_else(
                    || format!("https://localhost:{api_port}/healthz"),
                    |f| format!("https://{}:{}/healthz", address(model, member), f.port),
                );
            (
                "check_apiserver",
                "check_apiserver.sh.j2",
                serde_json::json!({ "url": url }),
            )
        }
        VipTrack::Ingress => {
            // HA113 makes sure one is behind the VIP.
            let port = (model.ingress_controllers())
                .find(|c| c.vip() == Some(view.id()))?
                .http_port();
            (
                "check_ingress",
                "check_ingress.sh.j2",
                serde_json::json!({ "port": port }),
            )
        }
        VipTrack::Nfs => {
            // HA113 makes sure a DRBD pair is behind the VIP.
            let resource = plan.pair?.resource().to_string();
            let values = serde_json::json!({
                "resource": resource,
                "vip": plan.vip_address,
                "interface": interface,
            });
            ("check_nfs", "check_nfs.sh.j2", values)
        }
        VipTrack::Haproxy => {
            // haproxy answers where it binds on this node: every haproxy frontend of a
            // balancer this member is a node of, on its own address.
            let own = address(model, member);
            let mut probes: Vec<String> = (all_frontends.iter())
                .filter(|f| {
                    let balancer = model.load_balancer(f.balancer);
                    balancer.software() != LbSoftware::Lvs && balancer.nodes().names(member)
                })
                .map(|f| format!("{own}/{}", f.port))
                .collect();
            probes.dedup();
            (
                "check_haproxy",
                "check_haproxy.sh.j2",
                serde_json::json!({ "probes": probes }),
            )
        }
        VipTrack::None => return None,
    };
    Some(add_script(config, name, suffix, weight, timing, template, values))
}

/// The LVS virtual servers in the keepalived.conf of the LVS nodes; the VIPs each real
/// server answers for (DR mode), by node name.
fn virtual_servers(
    input: &Input<'_>,
    configs: &mut BTreeMap<String, (EntityId, NodeConfig)>,
) -> BTreeMap<String, Vec<String>> {
    let model = input.model;
    let mut dr_reals: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for frontend in &input.platform.frontends {
        let balancer = model.load_balancer(frontend.balancer);
        if balancer.software() != LbSoftware::Lvs {
            continue;
        }
        let Some(vip) = (balancer.vip()).and_then(|vip| model.vip_group(vip).address()) else {
            continue;
        };
        for node in balancer.nodes().entities() {
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
    dr_reals
}

/// One node's keepalived.conf, its IPVS modules and its scripts.
fn node_files(input: &Input<'_>, node_name: &str, node: EntityId, config: &NodeConfig, output: &mut Files<'_>) {
    let model = input.model;
    let span: Span = model.entity(node).name_span;
    let context = Context {
        source: &input.source,
        node: node_name,
        scripts: &config.scripts,
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
    );
    if !config.virtual_servers.is_empty() {
        // keepalived's checker needs the kernel's IPVS: without it, it exits FATAL and
        // takes the VRRP side down with it. Loaded at boot; the playbook loads it now.
        output.add(
            format!("hosts/{node_name}/etc/modules-load.d/k8sc-ipvs.conf"),
            format!(
                "# Generated by k8sc from {}: LVS virtual servers need the kernel's IPVS and its schedulers.\n{}\n",
                input.source,
                IPVS_MODULES.join("\n")
            ),
            MODE_FILE,
        );
    }
    for (file, template, extra) in &config.files {
        let mut context = extra.clone();
        if let Some(object) = context.as_object_mut() {
            object.insert("source".into(), serde_json::Value::String(input.source.to_string()));
        }
        output.add_rendered(
            format!("hosts/{node_name}/etc/keepalived/{file}"),
            input.templates.render(template, &context, span),
            MODE_SCRIPT,
        );
    }
}

/// What an LVS real server in DR mode needs: the VIPs on its loopback, and no ARP for them.
fn real_server_files(input: &Input<'_>, node_name: &str, vips: &[String], output: &mut Files<'_>) {
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

/// The kernel modules LVS virtual servers need: IPVS and the schedulers k8sc uses.
pub const IPVS_MODULES: &[&str] = &["ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_sh", "nf_conntrack"];

/// Adds a tracked script to a node's config and returns its name: `name` when the node has
/// no script of that name yet or has this very one (two VIPs tracking the same thing share
/// it), else `name_SUFFIX` (a second DRBD resource, ingress port or weight on this node
/// gets a script of its own instead of silently reusing the first's).
fn add_script(
    config: &mut NodeConfig,
    name: &str,
    suffix: &str,
    weight: i64,
    timing: Timing,
    template: &'static str,
    context: serde_json::Value,
) -> String {
    let script = |name: &str| Script {
        name: name.to_string(),
        path: format!("{SCRIPT_DIR}/{name}.sh"),
        weight,
        interval: timing.interval,
        fall: timing.fall,
        rise: timing.rise,
    };
    let name = config.file_name(name, suffix, ".sh", template, &context, |config, name| {
        config
            .scripts
            .iter()
            .all(|known| known.name != name || *known == script(name))
    });
    if !config.scripts.iter().any(|known| known.name == name) {
        config.scripts.push(script(&name));
    }
    name
}

impl NodeConfig {
    /// A file name beside keepalived.conf for `template` rendered with `context`: `base` +
    /// `extension` when that file is not there yet or is this very one (and `also` agrees),
    /// else `base_SUFFIX` + `extension`. The file is added when new.
    fn file_name(
        &mut self,
        base: &str,
        suffix: &str,
        extension: &str,
        template: &'static str,
        context: &serde_json::Value,
        also: impl Fn(&NodeConfig, &str) -> bool,
    ) -> String {
        let fits = |config: &NodeConfig, name: &str| {
            let file = format!("{name}{extension}");
            (config.files.iter()).find(|(known, _, _)| *known == file).is_none_or(
                |(_, known_template, known_context)| *known_template == template && known_context == context,
            ) && also(config, name)
        };
        let name = if fits(self, base) {
            base.to_string()
        } else {
            format!("{base}_{suffix}")
        };
        let file = format!("{name}{extension}");
        if !self.files.iter().any(|(known, _, _)| *known == file) {
            self.files.push((file, template, context.clone()));
        }
        name
    }
}
