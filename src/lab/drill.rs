//! The drill: bring the world up and let it settle, then fail each physical host in turn
//! (or the ones named), measure what happens, hold it against `simulate`, and restore.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::probe::{self, Landing};
use super::sys;
use super::world::World;
use crate::emit::lab::plan::{Host, Vip};

/// How much later than its declared bound a VIP may be seen moving: the lab polls, and
/// each look at a namespace takes a few milliseconds.
pub const SLACK_MS: u64 = 1000;
/// How long a route may take to lead only to live backends after a failure: haproxy marks
/// a dead server down after its checks fail (2 s apart, 3 in a row by default).
const ROUTE_SETTLE: Duration = Duration::from_secs(20);
const ETCD_SETTLE: Duration = Duration::from_secs(15);
const SETTLE: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, Serialize)]
pub struct VipMove {
    pub vip: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The member VRRP should elect: the holder if it lives, else the live member of
    /// highest priority.
    pub expected: Option<String>,
    pub seconds: Option<f64>,
    pub bound_seconds: f64,
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub subject: String,
    /// What the lab saw; `None` when it does not measure this subject.
    pub lab: Option<bool>,
    pub lab_detail: String,
    pub simulate: bool,
    pub simulate_detail: String,
    pub agree: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostRun {
    pub host: String,
    pub nodes_down: Vec<String>,
    pub vips: Vec<VipMove>,
    pub verdicts: Vec<Verdict>,
    /// When the restored host did not bring the platform back, what is still wrong (the
    /// drill stops there).
    pub restore_problem: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceRun {
    pub vip: String,
    pub holder: String,
    pub service: String,
    pub moved_to: Option<String>,
    pub seconds: Option<f64>,
    pub bound_seconds: f64,
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub source: String,
    pub nodes: usize,
    pub notes: Vec<String>,
    pub settled_seconds: f64,
    /// VIPs seen on two members at once on the healthy network.
    pub double_holders: Vec<String>,
    pub steady: Vec<String>,
    pub hosts: Vec<HostRun>,
    pub services: Vec<ServiceRun>,
    pub ok: bool,
}

fn secs(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 10.0).round() / 10.0
}

/// Every VIP held by exactly one member, every route leading to live backends only, and
/// (when it can) etcd writing; or what is not so yet.
fn settle(world: &World, timeout: Duration) -> Result<Duration, String> {
    let start = Instant::now();
    loop {
        let problem = unsettled(world);
        match problem {
            None => return Ok(start.elapsed()),
            Some(problem) if start.elapsed() > timeout => {
                return Err(format!("not settled after {} s: {problem}", timeout.as_secs()));
            }
            Some(_) => sys::pause(Duration::from_millis(250))?,
        }
    }
}

fn live(world: &World, nodes: &[String]) -> Vec<String> {
    nodes.iter().filter(|node| world.is_running(node)).cloned().collect()
}

fn unsettled(world: &World) -> Option<String> {
    for vip in &world.plan.vips {
        if live(world, &vip.members).is_empty() {
            continue;
        }
        let holders = probe::holders(world, vip);
        if holders.len() != 1 {
            return Some(format!("VIP {} is held by {}", vip.name, list(&holders)));
        }
        // A member that preempts takes its VIP back once its checks pass again.
        let top = vip.members.iter().find(|member| world.is_running(member));
        if vip.preempt && top != holders.first() {
            return Some(format!(
                "VIP {} is still on {} (not back on its first member yet)",
                vip.name, holders[0]
            ));
        }
    }
    for route in &world.plan.routes {
        let alive = live(world, &route.backends);
        if alive.is_empty() {
            continue;
        }
        let landing = probe::land(world, route);
        if !landing.only_live(&alive) {
            return Some(format!("{} via {}: {}", route.subject, route.via, landing.describe()));
        }
    }
    if let Some(etcd) = &world.plan.etcd
        && live(world, &etcd.members).len() == etcd.members.len()
    {
        let (ok, detail) = probe::etcd_write(world, 0);
        if !ok {
            return Some(format!("etcd: {detail}"));
        }
    }
    None
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "no member".into()
    } else {
        names.join(" and ")
    }
}

/// Brings the world up and lets it settle; then samples for VIPs held twice.
pub fn bring_up(world: &mut World, report: &mut Report) -> Result<(), String> {
    world.start_all()?;
    let settled = settle(world, SETTLE)?;
    report.settled_seconds = secs(settled);
    let until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < until {
        for vip in &world.plan.vips {
            if probe::holders(world, vip).len() > 1 && !report.double_holders.contains(&vip.name) {
                report.double_holders.push(vip.name.clone());
            }
        }
        sys::pause(Duration::from_millis(100))?;
    }
    for vip in &world.plan.vips {
        report.steady.push(format!(
            "VIP {} held by {}",
            vip.name,
            list(&probe::holders(world, vip))
        ));
    }
    for route in &world.plan.routes {
        report.steady.push(format!(
            "{} via {}: {}",
            route.subject,
            route.via,
            probe::land(world, route).describe()
        ));
    }
    if world.plan.etcd.is_some() {
        let (_, detail) = probe::etcd_write(world, 0);
        report.steady.push(format!("etcd {detail}"));
    }
    Ok(())
}

fn expected_holder(world: &World, vip: &Vip, before: Option<&String>) -> Option<String> {
    match before {
        Some(holder) if world.is_running(holder) => Some(holder.clone()),
        _ => vip.members.iter().find(|member| world.is_running(member)).cloned(),
    }
}

/// Fails every node of `host`, measures, compares, restores.
pub fn fail_host(world: &mut World, host: &Host, round: usize) -> Result<HostRun, String> {
    let before: BTreeMap<String, Option<String>> = (world.plan.vips.iter())
        .map(|vip| (vip.name.clone(), probe::holders(world, vip).into_iter().next()))
        .collect();
    let down: Vec<String> = host
        .nodes
        .iter()
        .filter(|node| world.is_running(node))
        .cloned()
        .collect();
    let started = Instant::now();
    for node in &down {
        world.fail(node);
    }
    let vips = watch_vips(world, &before, started)?;
    let mut verdicts = Vec::new();
    for expectation in &host.simulate {
        let (lab, lab_detail) = measure(world, &expectation.subject, round)?;
        verdicts.push(Verdict {
            subject: expectation.subject.clone(),
            agree: lab.is_none_or(|lab| lab == expectation.ok),
            lab,
            lab_detail,
            simulate: expectation.ok,
            simulate_detail: expectation.detail.clone(),
        });
    }
    for node in &down {
        world.start(node)?;
    }
    let restore_problem = match settle(world, SETTLE) {
        Ok(_) => None,
        Err(err) if sys::interrupted() => return Err(err),
        Err(err) => Some(err),
    };
    Ok(HostRun {
        host: host.name.clone(),
        nodes_down: down,
        vips,
        verdicts,
        restore_problem,
    })
}

/// Waits for every VIP to be held by the member VRRP should elect, and says how long each
/// took.
fn watch_vips(
    world: &World,
    before: &BTreeMap<String, Option<String>>,
    started: Instant,
) -> Result<Vec<VipMove>, String> {
    let plan_vips = world.plan.vips.clone();
    let mut moves: Vec<VipMove> = (plan_vips.iter())
        .map(|vip| {
            let previous = before.get(&vip.name).cloned().flatten();
            VipMove {
                vip: vip.name.clone(),
                expected: expected_holder(world, vip, previous.as_ref()),
                before: previous,
                after: None,
                seconds: None,
                bound_seconds: secs(Duration::from_millis(vip.takeover_bound_ms())),
                ok: false,
            }
        })
        .collect();
    let longest = (plan_vips.iter()).map(Vip::takeover_bound_ms).max().unwrap_or(0) + SLACK_MS;
    let deadline = Duration::from_millis(longest * 3).max(Duration::from_secs(10));
    loop {
        let mut pending = false;
        for (vip, entry) in plan_vips.iter().zip(moves.iter_mut()) {
            if entry.seconds.is_some() {
                continue;
            }
            let holders = probe::holders(world, vip);
            let done = match &entry.expected {
                Some(expected) => holders.len() == 1 && holders[0] == *expected,
                None => holders.is_empty(),
            };
            if done {
                let elapsed = started.elapsed();
                entry.after = holders.into_iter().next();
                entry.seconds = Some(secs(elapsed));
                let unchanged = entry.after == entry.before;
                let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
                entry.ok = unchanged || elapsed_ms <= vip.takeover_bound_ms() + SLACK_MS;
            } else {
                pending = true;
                entry.after = holders.into_iter().next();
            }
        }
        if !pending || started.elapsed() > deadline {
            return Ok(moves);
        }
        sys::pause(Duration::from_millis(50))?;
    }
}

/// What the lab sees of one of simulate's subjects after the failure.
fn measure(world: &World, subject: &str, round: usize) -> Result<(Option<bool>, String), String> {
    if subject == "etcd" {
        if world.plan.etcd.is_none() {
            return Ok((None, "not run".into()));
        }
        let start = Instant::now();
        loop {
            let (ok, detail) = probe::etcd_write(world, round);
            if ok || start.elapsed() > ETCD_SETTLE {
                let detail = if ok {
                    format!("accepts writes ({} s after)", secs(start.elapsed()))
                } else {
                    format!("refuses writes: {detail}")
                };
                return Ok((Some(ok), detail));
            }
            sys::pause(Duration::from_millis(500))?;
        }
    }
    let Some(route) = world.plan.routes.iter().find(|route| route.subject == subject) else {
        return Ok((None, "not run".into()));
    };
    let alive = live(world, &route.backends);
    let start = Instant::now();
    loop {
        let landing: Landing = probe::land(world, route);
        let ok = landing.only_live(&alive);
        if ok || alive.is_empty() || start.elapsed() > ROUTE_SETTLE {
            let mut detail = format!("via {}: {}", route.via, landing.describe());
            if ok {
                detail.push_str(&format!(" ({} s after)", secs(start.elapsed())));
            }
            if let Some(not_run) = &route.not_run {
                detail.push_str(&format!("; not run: {not_run}"));
            }
            return Ok((Some(ok), detail));
        }
        sys::pause(Duration::from_millis(500))?;
    }
}

/// The program that carries a tracked service, and what its command line holds.
fn tracked_program(world: &World, what: &str, holder: &str) -> Option<(&'static str, &'static str)> {
    let node = world.node(holder)?;
    let has_haproxy = world.logs(holder).join("etc/haproxy/haproxy.cfg").is_file();
    match what {
        "haproxy" => Some(("haproxy", "")),
        "apiserver" if has_haproxy => Some(("haproxy", "")),
        "apiserver" => Some(("openssl", "s_server")),
        "ingress" => node
            .standins
            .iter()
            .any(|standin| standin.service == crate::emit::lab::plan::Service::Ingress)
            .then_some(("k8sc", "lab-standin")),
        "nfs" => Some(("k8sc", "--port 2049")),
        _ => None,
    }
}

/// For each VIP that tracks a service: kill that service on the holder and time the move.
pub fn fail_services(world: &mut World) -> Result<Vec<ServiceRun>, String> {
    let mut runs = Vec::new();
    for vip in world.plan.vips.clone() {
        let Some(track) = &vip.track else { continue };
        let Some(holder) = probe::holders(world, &vip).into_iter().next() else {
            continue;
        };
        let Some((program, with)) = tracked_program(world, &track.what, &holder) else {
            continue;
        };
        let started = Instant::now();
        if world.kill_program(&holder, program, with) == 0 {
            continue;
        }
        let bound_ms = track.bound_seconds * 1000 + SLACK_MS;
        let deadline = Duration::from_millis(bound_ms * 3);
        let mut run = ServiceRun {
            vip: vip.name.clone(),
            holder: holder.clone(),
            service: format!("{} ({program})", track.what),
            moved_to: None,
            seconds: None,
            bound_seconds: secs(Duration::from_secs(track.bound_seconds)),
            ok: false,
        };
        while started.elapsed() < deadline {
            let holders = probe::holders(world, &vip);
            if holders.len() == 1 && holders[0] != holder {
                run.moved_to = Some(holders[0].clone());
                run.seconds = Some(secs(started.elapsed()));
                run.ok = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX) <= bound_ms;
                break;
            }
            sys::pause(Duration::from_millis(50))?;
        }
        world.fail(&holder);
        world.start(&holder)?;
        settle(world, SETTLE).map_err(|err| format!("after restoring {holder}: {err}"))?;
        runs.push(run);
    }
    Ok(runs)
}
