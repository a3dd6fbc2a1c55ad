//! `k8sc lab`: every example with a VIP or external etcd drilled with the real keepalived,
//! haproxy and etcd in network namespaces, each physical host failed in turn and each
//! tracked service killed on its VIP's holder, and held against `simulate`; the
//! counter-example whose etcd must really stop; and a VRRPv3 VIP that must really move
//! within its sub-second bound. The drills run one at a time (their timers are measured)
//! and leave no namespace or process behind.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

/// One drill at a time: they measure timers, and two would share the cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn lab_namespaces() -> Vec<String> {
    let output = Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip (iproute2)");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with("k8sc-lab-"))
        .map(str::to_string)
        .collect()
}

fn lab(tree: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    assert!(
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .any(|line| line.starts_with("Uid:") && line.split_whitespace().nth(1) == Some("0")),
        "the lab drills run as root (CI does)"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .arg("lab")
        .arg(tree)
        .args(args)
        .args(["--format", "json"])
        .env(
            "PATH",
            format!("{}:/usr/sbin:/sbin", std::env::var("PATH").unwrap_or_default()),
        )
        .output()
        .expect("k8sc runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), report, stderr)
}

fn drill(example: &str) -> Value {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (_, out) = crate::build::built_examples(&format!("lab-{example}"))
        .into_iter()
        .find(|(path, _)| path.to_string_lossy().contains(example))
        .expect("the example");
    drill_tree(example, &out)
}

/// `k8sc lab TREE --drill`, which must pass and remove every namespace it made.
fn drill_tree(name: &str, tree: &Path) -> Value {
    let before = lab_namespaces();
    let (status, report, stderr) = lab(tree, &["--drill"]);
    // An earlier lab's leftovers may be swept meanwhile; none may be new.
    let made: Vec<String> = (lab_namespaces().into_iter())
        .filter(|name| !before.contains(name))
        .collect();
    assert_eq!(
        made,
        Vec::<String>::new(),
        "{name}: the lab removes every namespace it made"
    );
    assert_eq!(status, Some(0), "{name}: {stderr}\n{report:#}");
    report
}

fn physical_hosts(example: &str) -> Vec<String> {
    let text = std::fs::read_to_string(crate::root().join(format!("examples/{example}.k8s"))).expect("readable");
    text.lines()
        .filter_map(|line| line.strip_prefix("physical_host "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Every host failed, every VIP moved to the member VRRP elects within its bound, every
/// verdict the same as simulate's, every tracked service followed within its bound.
fn assert_drilled(example: &str, report: &Value) {
    assert_drilled_over(example, report, &physical_hosts(example));
}

/// [`assert_drilled`], the hosts failed in turn being `hosts`.
fn assert_drilled_over(example: &str, report: &Value, hosts_declared: &[String]) {
    assert_eq!(report["ok"], true, "{example}: {report:#}");
    assert!(
        report["double_holders"].as_array().is_some_and(Vec::is_empty),
        "{example}"
    );
    let hosts: Vec<&str> = (report["hosts"].as_array().expect("hosts").iter())
        .filter_map(|host| host["host"].as_str())
        .collect();
    assert_eq!(hosts, hosts_declared, "{example}: every physical host in turn");
    for host in report["hosts"].as_array().expect("hosts") {
        for vip in host["vips"].as_array().expect("vips") {
            assert_eq!(vip["ok"], true, "{example}: {vip}");
            assert_eq!(vip["after"], vip["expected"], "{example}: {vip}");
        }
        for verdict in host["verdicts"].as_array().expect("verdicts") {
            assert_eq!(verdict["agree"], true, "{example}: {verdict}");
            assert!(verdict["lab"].is_boolean(), "{example}: measured: {verdict}");
        }
    }
}

#[test]
fn the_four_layer_example_survives_every_host_as_simulate_says() {
    let report = drill("000-four-layer");
    assert_drilled("000-four-layer", &report);
    // Every tracked VIP (the DRBD pair's NFS, haproxy, ingress) follows its service.
    let services: Vec<&str> = (report["services"].as_array().expect("services").iter())
        .filter_map(|run| run["vip"].as_str())
        .collect();
    assert_eq!(services, ["nfs_vip", "api_vip", "ingress_vip"]);
    assert!(
        report["services"]
            .as_array()
            .expect("services")
            .iter()
            .all(|run| run["ok"] == true)
    );
}

#[test]
fn the_minimal_production_example_keeps_external_etcd_through_every_host() {
    let report = drill("003-minimal-production");
    assert_drilled("003-minimal-production", &report);
    for host in report["hosts"].as_array().expect("hosts") {
        let etcd = (host["verdicts"].as_array().expect("verdicts").iter())
            .find(|verdict| verdict["subject"] == "etcd")
            .expect("etcd measured");
        assert_eq!(
            etcd["lab"], true,
            "the real etcd accepts writes without {}",
            host["host"]
        );
    }
    // This kernel may lack IPVS; the lab says what keepalived would do then.
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("IPVS") || Path::new("/proc/net/ip_vs").exists(),
        "{notes}"
    );
}

#[test]
fn the_three_masters_example_moves_nfs_with_drbd_and_never_preempts_it_back() {
    let report = drill("004-three-masters");
    assert_drilled("004-three-masters", &report);
    // The NFS VIP moves with its holder's host, and restoring that host never takes it
    // back (nopreempt): each drill finds it where the previous one left it.
    let nfs_vip = |host: usize| {
        (report["hosts"][host]["vips"].as_array().expect("vips").iter())
            .find(|vip| vip["vip"] == "nfs_vip")
            .cloned()
            .expect("nfs_vip")
    };
    let hosts = report["hosts"].as_array().expect("hosts").len();
    assert!(
        (0..hosts).any(|host| nfs_vip(host)["before"] != nfs_vip(host)["after"]),
        "{report:#}"
    );
    for host in 1..hosts {
        assert_eq!(nfs_vip(host)["before"], nfs_vip(host - 1)["after"], "{report:#}");
    }
    let nfs = (report["services"].as_array().expect("services").iter())
        .find(|run| run["vip"] == "nfs_vip")
        .expect("the NFS service drill");
    assert_eq!(nfs["ok"], true, "{nfs}");
}

/// Two of three external etcd members on one host, accepted with `@allow`: losing that
/// host really stops etcd's writes, and simulate says so too.
#[test]
fn etcd_with_two_members_on_one_host_really_stops_when_it_is_lost() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let out = counter_tree("lab-counter");
    let before = lab_namespaces();
    let (status, report, stderr) = lab(&out, &["--fail", "pm1,pm2"]);
    assert_eq!(lab_namespaces(), before, "the lab removes every namespace it made");
    assert_eq!(status, Some(0), "reality agrees with simulate: {stderr}\n{report:#}");
    let etcd = |host: usize| {
        (report["hosts"][host]["verdicts"].as_array().expect("verdicts").iter())
            .find(|verdict| verdict["subject"] == "etcd")
            .cloned()
            .expect("etcd")
    };
    assert_eq!(
        (etcd(0)["lab"].clone(), etcd(0)["simulate"].clone()),
        (Value::Bool(false), Value::Bool(false))
    );
    assert_eq!(
        (etcd(1)["lab"].clone(), etcd(1)["simulate"].clone()),
        (Value::Bool(true), Value::Bool(true))
    );
}

/// A VIP that advertises every 100 ms is written as VRRPv3, and the real keepalived moves
/// it within VRRPv3's takeover time (3 advertisements and the skew: 0.4 s here). Written
/// as VRRPv2, keepalived rounded the interval to 1 s and the move took 2.8 s.
#[test]
fn a_sub_second_vip_really_moves_within_its_vrrp3_bound() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let out = lab_tree("tests/lab/vrrp3-fast-failover.k8s", "lab-vrrp3");
    let conf =
        std::fs::read_to_string(out.join("hosts/master1/etc/keepalived/keepalived.conf")).expect("keepalived.conf");
    assert!(conf.contains("version 3") && conf.contains("advert_int 0.1"), "{conf}");
    let before = lab_namespaces();
    let (status, report, stderr) = lab(&out, &["--drill"]);
    let made: Vec<String> = (lab_namespaces().into_iter())
        .filter(|name| !before.contains(name))
        .collect();
    assert_eq!(made, Vec::<String>::new(), "the lab removes every namespace it made");
    assert_eq!(status, Some(0), "{stderr}\n{report:#}");
    let first = &report["hosts"][0];
    assert_eq!(first["host"], "pm1");
    let vip = &first["vips"][0];
    assert_eq!(
        (vip["before"].as_str(), vip["after"].as_str()),
        (Some("master1"), Some("master2")),
        "{vip}"
    );
    assert!(vip["bound_seconds"].as_f64().is_some_and(|bound| bound < 0.5), "{vip}");
    assert!(vip["seconds"].as_f64().is_some_and(|seconds| seconds < 1.5), "{vip}");
}

#[test]
fn the_lab_names_what_it_cannot_run() {
    let (status, _, stderr) = lab(Path::new("/nonexistent-k8sc-tree"), &[]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("lab/plan.json"), "{stderr}");
    let (_, out) = crate::build::built_examples("lab-unknown-host")
        .into_iter()
        .find(|(path, _)| path.to_string_lossy().contains("000-four-layer"))
        .expect("the example");
    let (status, _, stderr) = lab(&out, &["--fail", "pm9"]);
    assert_eq!(status, Some(2));
    assert!(
        stderr.contains("`pm9` is no physical host") && stderr.contains("pm1"),
        "{stderr}"
    );
}

/// The counter-example built into a scratch folder (its secrets are the examples').
fn counter_tree(name: &str) -> std::path::PathBuf {
    lab_tree("tests/lab/etcd-majority-on-one-host.k8s", name)
}

/// A platform of `tests/lab/` built into a scratch folder (its secrets are the examples').
fn lab_tree(source: &str, name: &str) -> std::path::PathBuf {
    let out = crate::build::scratch_dir(name).join("tree");
    let built = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(["--secrets", "examples/pki", "build", source, "-o"])
        .arg(&out)
        .current_dir(crate::root())
        .output()
        .expect("k8sc runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    out
}

fn spawn_lab(tree: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .arg("lab")
        .arg(tree)
        .arg("--drill")
        .env(
            "PATH",
            format!("{}:/usr/sbin:/sbin", std::env::var("PATH").unwrap_or_default()),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("k8sc runs")
}

/// The daemons running in the namespaces of the lab of `pid` (`ip netns pids` also lists
/// the lab's passing set-up commands, which are no node).
fn daemons_of(pid: u32) -> Vec<String> {
    (owned_by(pid).iter())
        .flat_map(|namespace| {
            let pids = Command::new("ip")
                .args(["netns", "pids", namespace])
                .output()
                .expect("ip");
            String::from_utf8_lossy(&pids.stdout)
                .split_whitespace()
                .filter(|pid| {
                    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
                    matches!(comm.trim(), "keepalived" | "haproxy" | "etcd")
                })
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Waits until the lab has started its nodes' daemons, and is still running.
fn wait_for_lab(child: &mut std::process::Child) {
    let pid = child.id();
    for _ in 0..600 {
        if let Ok(Some(status)) = child.try_wait() {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            panic!("the lab of {pid} ended ({status}) before its nodes ran: {stderr}");
        }
        if !daemons_of(pid).is_empty() {
            std::thread::sleep(std::time::Duration::from_secs(1));
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the lab of {pid} started no daemon in 60 s");
}

fn owned_by(pid: u32) -> Vec<String> {
    let prefix = format!("k8sc-lab-{pid}-");
    lab_namespaces()
        .into_iter()
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

/// Interrupted in the middle of its drill, the lab still removes everything it made.
#[test]
fn an_interrupted_lab_removes_what_it_made() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let tree = counter_tree("lab-interrupt");
    let mut child = spawn_lab(&tree);
    let pid = child.id();
    wait_for_lab(&mut child);
    let signalled = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(signalled.success());
    let output = child.wait_with_output().expect("the lab ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("interrupted") && stderr.contains("removed"), "{stderr}");
    assert_eq!(owned_by(pid), Vec::<String>::new(), "no namespace left");
    assert!(
        !std::env::temp_dir().join(format!("k8sc-lab-{pid}")).exists(),
        "no scratch folder left"
    );
}

/// A lab killed outright cannot clean up; the next one removes what it left, processes
/// included.
#[test]
fn the_next_lab_sweeps_what_a_killed_one_left() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let tree = counter_tree("lab-killed");
    let mut child = spawn_lab(&tree);
    let pid = child.id();
    wait_for_lab(&mut child);
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(!owned_by(pid).is_empty(), "a killed lab leaves its namespaces");
    let orphans = daemons_of(pid);
    assert!(!orphans.is_empty(), "a killed lab leaves its nodes running");
    let (status, report, stderr) = lab(&tree, &[]);
    assert_eq!(status, Some(0), "{stderr}\n{report:#}");
    assert_eq!(owned_by(pid), Vec::<String>::new(), "swept");
    std::thread::sleep(std::time::Duration::from_millis(500));
    for orphan in orphans {
        let state = std::fs::read_to_string(format!("/proc/{orphan}/stat")).unwrap_or_default();
        let alive = state.split(") ").nth(1).is_some_and(|rest| !rest.starts_with('Z'));
        assert!(!alive, "process {orphan} of the killed lab is gone");
    }
}

/// Article 001's platform of two data centres: `k8sc lab --drill` on each cluster's tree
/// fails each of its physical hosts in turn, moves its VIPs within their bounds and
/// agrees with `simulate`, and leaves nothing behind.
#[test]
fn each_cluster_of_the_two_datacenters_survives_every_host_as_simulate_says() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let out = crate::build::scratch_dir("lab-001").join("tree");
    let built = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args([
            "--secrets",
            "examples/pki",
            "build",
            "examples/001-two-datacenters/",
            "-o",
        ])
        .arg(&out)
        .current_dir(crate::root())
        .envs(crate::build::env_secrets())
        .output()
        .expect("k8sc runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    for cluster in ["dc1", "dc2"] {
        let report = drill_tree(cluster, &out.join(cluster));
        let hosts: Vec<String> = (1..=3).map(|n| format!("{cluster}_pm{n}")).collect();
        assert_drilled_over(cluster, &report, &hosts);
    }
}
