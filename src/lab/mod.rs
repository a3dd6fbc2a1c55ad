//! `k8sc lab DIR`: the host layer of a built tree run by the real keepalived, haproxy and
//! etcd, one network namespace per node, on this machine.
//!
//! - the plan it reads, `DIR/lab/plan.json`, is the build's record (`crate::emit::lab::plan`).
//! - `world.rs`: the namespaces, links, per-node files and processes, and their removal.
//! - `probe.rs`: VIP holders, where connections land, etcd writes.
//! - `drill.rs`: failing hosts and tracked services, measuring, comparing with simulate.
//! - `standin.rs`: the stand-in service and probe run inside the namespaces.
//! - `sys.rs`: root, programs, signals, processes.

pub mod drill;

mod probe;
pub mod standin;
mod sys;
mod world;

use std::path::Path;

use crate::emit::lab::plan::{self, Plan};
use drill::Report;
use sys::Program;

/// Why the lab could not run (as opposed to what it found).
#[derive(Debug)]
pub struct Trouble(pub String);

fn programs(tree: &Path, plan: &Plan) -> Vec<Program> {
    let mut needed = vec![
        Program {
            name: "ip",
            package: "iproute2",
        },
        Program {
            name: "unshare",
            package: "util-linux",
        },
        Program {
            name: "timeout",
            package: "coreutils",
        },
        Program {
            name: "openssl",
            package: "openssl",
        },
        Program {
            name: "bash",
            package: "bash",
        },
    ];
    let any = |file: &str| {
        plan.nodes
            .iter()
            .any(|node| tree.join("hosts").join(&node.name).join(file).is_file())
    };
    if any("etc/keepalived/keepalived.conf") {
        needed.push(Program {
            name: "keepalived",
            package: "keepalived",
        });
    }
    if any("etc/keepalived/check_apiserver.sh") {
        needed.push(Program {
            name: "curl",
            package: "curl",
        });
    }
    if any("etc/haproxy/haproxy.cfg") {
        needed.push(Program {
            name: "haproxy",
            package: "haproxy",
        });
    }
    if plan.etcd.is_some() {
        needed.push(Program {
            name: "etcd",
            package: "etcd-server",
        });
        needed.push(Program {
            name: "etcdctl",
            package: "etcd-client",
        });
    }
    needed
}

/// The plan a build recorded in the tree.
fn read_plan(tree: &Path) -> Result<Plan, Trouble> {
    let plan_path = tree.join("lab/plan.json");
    let text = std::fs::read_to_string(&plan_path).map_err(|_| {
        Trouble(format!(
            "{} has no lab/plan.json: the lab runs a folder written by `k8sc build` for a platform with a VIP, a load balancer or external etcd",
            tree.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|err| Trouble(format!("{}: {err}", plan_path.display())))
}

/// The physical hosts to fail: every host for a drill, else the ones named.
fn chosen_hosts(plan: &Plan, fail: &[String], drill: bool) -> Result<Vec<plan::Host>, Trouble> {
    if drill {
        return Ok(plan.hosts.clone());
    }
    let mut chosen = Vec::new();
    for name in fail {
        let Some(host) = plan.hosts.iter().find(|host| host.name == *name) else {
            let known: Vec<&str> = plan.hosts.iter().map(|host| host.name.as_str()).collect();
            let hint = crate::semantic::suggest::did_you_mean(name, known.iter().copied())
                .map_or_else(String::new, |hint| format!("; {hint}"));
            return Err(Trouble(format!(
                "`{name}` is no physical host of this platform (the lab fails physical hosts: {}){hint}",
                known.join(", ")
            )));
        };
        chosen.push(host.clone());
    }
    Ok(chosen)
}

/// Runs the lab on a built tree: brings it up and, with `fail` or `drill`, fails hosts.
pub fn run(tree: &Path, fail: &[String], drill: bool, logs: Option<&Path>) -> Result<Report, Trouble> {
    if !cfg!(target_os = "linux") {
        return Err(Trouble(
            "the lab needs Linux (network, mount and PID namespaces)".into(),
        ));
    }
    let plan = read_plan(tree)?;
    if !sys::is_root() {
        return Err(Trouble(
            "the lab makes network namespaces and mounts: run it as root".into(),
        ));
    }
    let missing = sys::missing(&programs(tree, &plan));
    if !missing.is_empty() {
        return Err(Trouble(format!(
            "the lab runs the real programs; missing: {}",
            missing.join(", ")
        )));
    }
    let hosts = chosen_hosts(&plan, fail, drill)?;
    let lvs_nodes: Vec<String> = (plan.nodes.iter())
        .filter(|node| {
            tree.join("hosts")
                .join(&node.name)
                .join("etc/modules-load.d/k8sc-ipvs.conf")
                .is_file()
        })
        .map(|node| node.name.clone())
        .collect();
    let vrrp_only = !lvs_nodes.is_empty() && !sys::has_ipvs();
    let mut report = Report {
        source: plan.source.clone(),
        ..Report::default()
    };
    if vrrp_only {
        report.notes.push(format!(
            "this kernel has no IPVS: keepalived's checker would exit FATAL on {} and take VRRP down with it \
             (on the real hosts the playbook loads ip_vs); the lab runs their VRRP alone (keepalived --vrrp), not the virtual servers",
            lvs_nodes.join(", ")
        ));
    }
    sys::catch_interrupts();
    let mut world = world::World::create(tree, plan, vrrp_only).map_err(Trouble)?;
    world.keep_logs = logs.map(Path::to_path_buf);
    report.nodes = world.active.len();
    if let Some(etcd) = &world.plan.etcd
        && !etcd.external
    {
        report.notes.push(
            "stacked etcd runs in kubeadm's static pods: the lab runs the same members with its own plain-HTTP configuration"
                .into(),
        );
    }
    drill::bring_up(&mut world, &mut report).map_err(|err| Trouble(with_logs(&world, &err)))?;
    for (round, host) in hosts.iter().enumerate() {
        let run = drill::fail_host(&mut world, host, round + 1).map_err(|err| Trouble(with_logs(&world, &err)))?;
        let stuck = run.restore_problem.is_some();
        report.hosts.push(run);
        if stuck {
            break;
        }
    }
    let stuck = report.hosts.iter().any(|host| host.restore_problem.is_some());
    if drill && !stuck {
        report.services = drill::fail_services(&mut world).map_err(|err| Trouble(with_logs(&world, &err)))?;
    }
    report.ok = report.double_holders.is_empty()
        && (report.hosts.iter()).all(|host| {
            host.vips.iter().all(|vip| vip.ok)
                && host.verdicts.iter().all(|verdict| verdict.agree)
                && host.restore_problem.is_none()
        })
        && report.services.iter().all(|service| service.ok);
    Ok(report)
}

/// An error with the last lines of each node's logs, which are removed with the world.
fn with_logs(world: &world::World, err: &str) -> String {
    let mut text = err.to_string();
    for name in &world.active {
        let dir = world.logs(name);
        for log in ["keepalived.log", "haproxy.log", "etcd.log"] {
            if let Ok(content) = std::fs::read_to_string(dir.join(log)) {
                let lines: Vec<&str> = content.lines().collect();
                let tail = lines[lines.len().saturating_sub(6)..].join("\n    ");
                if !tail.is_empty() {
                    text.push_str(&format!("\n  {name} {log}:\n    {tail}"));
                }
            }
        }
    }
    text
}
