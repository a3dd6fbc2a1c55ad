//! Placed and failed over by the real control plane: every example applied for real to
//! kube-apiserver, with kube-controller-manager creating the pods, kube-scheduler placing
//! them and kwok playing a kubelet per node (`tests/controlplane/kwok-stages.yaml`).
//!
//! - The Node objects come from the platform: the labels and taints of its tree
//!   (`00-nodes.yaml`, kubeadm's control-plane taint), capacity as declared, allocatable as
//!   the kubelet reports it (less `--system-reserved` from the node's kubeadm file and the
//!   hard eviction threshold).
//! - Every pod check passes is placed: nothing stays Pending, required anti-affinity puts one
//!   pod per node, and the spread over physical hosts keeps a skew of at most 1.
//! - Then each physical host in turn stops answering (kwok stops its kubelets): once the
//!   controllers settle, each workload runs as many ready pods as `k8sc simulate --fail
//!   HOST --format json` says. The host comes back, and every pod runs again.
//!
//! The suite plays the one controller no binary here provides, Ceph's CSI provisioner: a
//! claim of a Ceph storage class gets a volume as the provisioner would give it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value as Json;
use serde_yaml::Value;

use crate::controlplane::ControlPlane;

/// The node label of its physical host, by which a kwok plays its kubelets.
const HOST_LABEL: &str = "k8sc.io/physical-host";

fn kubectl_ok(plane: &ControlPlane, args: &[&str]) -> String {
    let output = plane.kubectl(args);
    assert!(
        output.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn kubectl_stdin(plane: &ControlPlane, args: &[&str], input: &str) {
    use std::io::Write as _;
    let mut child = std::process::Command::new(crate::controlplane::binaries().join("kubectl"))
        .arg("--kubeconfig")
        .arg(&plane.kubeconfig)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("kubectl ends");
    assert!(
        output.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `number` (decimal, as `1.5`) times `factor`, exactly.
fn scaled(number: &str, factor: u64) -> u64 {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits: u64 = format!("{whole}{fraction}").parse().expect("a number");
    let scale = 10u64.pow(u32::try_from(fraction.len()).expect("short"));
    digits * factor / scale
}

/// Bytes of a Kubernetes memory quantity k8sc writes (`2Gi`, `512Mi`, `100Mi`).
fn bytes(quantity: &str) -> u64 {
    let units = [("Ki", 1u64 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40)];
    for (suffix, factor) in units {
        if let Some(number) = quantity.strip_suffix(suffix) {
            return scaled(number, factor);
        }
    }
    scaled(quantity, 1)
}

/// Millicores of a cpu quantity (`1`, `500m`).
fn millicores(quantity: &str) -> u64 {
    match quantity.strip_suffix('m') {
        Some(milli) => scaled(milli, 1),
        None => scaled(quantity, 1000),
    }
}

/// The node's kubeadm registration in the tree: its taints (None: kubeadm's default) and
/// its `--system-reserved`.
fn registration(tree: &Path, node: &str) -> (Option<Vec<Value>>, Option<String>, bool) {
    let mut found = (None, None, false);
    for path in [
        tree.join("kubeadm/kubeadm-config.yaml"),
        tree.join(format!("kubeadm/join/{node}.yaml")),
    ] {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for document in serde_yaml::Deserializer::from_str(&text) {
            let value = Value::deserialize(document).expect("YAML");
            let registration = &value["nodeRegistration"];
            if registration["name"].as_str() != Some(node) {
                continue;
            }
            let control_plane = value["kind"] == "InitConfiguration" || !value["controlPlane"].is_null();
            let reserved = (registration["kubeletExtraArgs"].as_sequence().into_iter().flatten())
                .find(|arg| arg["name"] == "system-reserved")
                .and_then(|arg| arg["value"].as_str().map(str::to_string));
            found = (registration["taints"].as_sequence().cloned(), reserved, control_plane);
        }
    }
    found
}

/// Creates the platform's nodes as kubeadm and their kubelets would register them; the
/// kwok of each node's host then plays its kubelet.
fn register_nodes(plane: &ControlPlane, tree: &Path, output: &k8sc::emit::Output, capacity: &[(String, u64, u64)]) {
    let text = &output.files["kubernetes/00-nodes.yaml"].contents;
    for document in serde_yaml::Deserializer::from_str(text) {
        let node = Value::deserialize(document).expect("YAML");
        let Some(name) = node["metadata"]["name"].as_str() else {
            continue;
        };
        let (taints, reserved, control_plane) = registration(tree, name);
        let mut labels: BTreeMap<String, String> = (node["metadata"]["labels"].as_mapping().into_iter().flatten())
            .filter_map(|(key, value)| Some((key.as_str()?.to_string(), value.as_str()?.to_string())))
            .collect();
        labels.insert("kubernetes.io/hostname".into(), name.into());
        labels.insert("kubernetes.io/os".into(), "linux".into());
        let mut all_taints: Vec<Json> = (node["spec"]["taints"].as_sequence().into_iter().flatten())
            .map(|taint| serde_json::to_value(taint).expect("JSON"))
            .collect();
        if control_plane {
            labels.insert("node-role.kubernetes.io/control-plane".into(), String::new());
            // kubeadm's default for a control-plane node; `taints: []` lets it run pods.
            let taints = taints.unwrap_or_else(|| {
                vec![
                    serde_yaml::from_str("{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}")
                        .expect("YAML"),
                ]
            });
            for taint in taints {
                let taint = serde_json::to_value(taint).expect("JSON");
                if !all_taints.contains(&taint) {
                    all_taints.push(taint);
                }
            }
        }
        let object = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": labels},
            "spec": {"taints": all_taints},
        });
        kubectl_stdin(plane, &["create", "-f", "-"], &object.to_string());
        let (_, cpu, memory) = capacity.iter().find(|(node, _, _)| node == name).expect("declared");
        let (mut reserved_cpu, mut reserved_memory) = (0, 0);
        for part in reserved.iter().flat_map(|reserved| reserved.split(',')) {
            match part.split_once('=') {
                Some(("cpu", amount)) => reserved_cpu = millicores(amount),
                Some(("memory", amount)) => reserved_memory = bytes(amount),
                _ => panic!("{name}: an unknown reservation {part}"),
            }
        }
        let allocatable_memory = memory.saturating_sub(reserved_memory).saturating_sub(bytes("100Mi"));
        let status = serde_json::json!({"status": {
            "capacity": {"cpu": format!("{cpu}m"), "memory": memory.to_string(), "pods": "110"},
            "allocatable": {
                "cpu": format!("{}m", cpu.saturating_sub(reserved_cpu)),
                "memory": allocatable_memory.to_string(),
                "pods": "110",
            },
        }});
        kubectl_ok(
            plane,
            &[
                "patch",
                "node",
                name,
                "--subresource=status",
                "--type=merge",
                "-p",
                &status.to_string(),
            ],
        );
    }
}

/// Plays Ceph's CSI provisioner: each claim of a storage class that provisions through a
/// CSI driver and has no volume yet gets one, bound to it.
fn provision(plane: &ControlPlane) {
    let classes: Json = serde_json::from_str(&kubectl_ok(plane, &["get", "storageclass", "-o", "json"])).expect("JSON");
    let dynamic: BTreeMap<String, String> = (classes["items"].as_array().into_iter().flatten())
        .filter(|class| class["provisioner"].as_str() != Some("kubernetes.io/no-provisioner"))
        .filter_map(|class| {
            Some((
                class["metadata"]["name"].as_str()?.to_string(),
                class["provisioner"].as_str()?.to_string(),
            ))
        })
        .collect();
    if dynamic.is_empty() {
        return;
    }
    let claims: Json = serde_json::from_str(&kubectl_ok(plane, &["get", "pvc", "-A", "-o", "json"])).expect("JSON");
    for claim in claims["items"].as_array().into_iter().flatten() {
        let class = claim["spec"]["storageClassName"].as_str().unwrap_or_default();
        let Some(driver) = dynamic.get(class) else { continue };
        if claim["status"]["phase"] == "Bound" || claim["spec"]["volumeName"].is_string() {
            continue;
        }
        let (name, namespace) = (
            claim["metadata"]["name"].as_str().unwrap_or_default(),
            claim["metadata"]["namespace"].as_str().unwrap_or_default(),
        );
        let volume = format!("pvc-{}", claim["metadata"]["uid"].as_str().unwrap_or_default());
        let object = serde_json::json!({
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": volume},
            "spec": {
                "capacity": {"storage": claim["spec"]["resources"]["requests"]["storage"]},
                "accessModes": claim["spec"]["accessModes"],
                "storageClassName": class,
                "persistentVolumeReclaimPolicy": "Delete",
                "csi": {"driver": driver, "volumeHandle": volume},
                "claimRef": {"namespace": namespace, "name": name, "uid": claim["metadata"]["uid"]},
            },
        });
        kubectl_stdin(plane, &["create", "-f", "-"], &object.to_string());
    }
}

/// Ready pods per workload (`namespace/name`, by the pods' `app.kubernetes.io/name`), the
/// nodes they run on, and the pods that are not.
struct Census {
    ready: BTreeMap<String, Vec<String>>,
    waiting: Vec<String>,
}

fn census(plane: &ControlPlane) -> Census {
    let pods: Json = serde_json::from_str(&kubectl_ok(plane, &["get", "pods", "-A", "-o", "json"])).expect("JSON");
    let mut census = Census {
        ready: BTreeMap::new(),
        waiting: Vec::new(),
    };
    for pod in pods["items"].as_array().into_iter().flatten() {
        let namespace = pod["metadata"]["namespace"].as_str().unwrap_or_default();
        let Some(app) = pod["metadata"]["labels"]["app.kubernetes.io/name"].as_str() else {
            continue;
        };
        let ready = (pod["status"]["conditions"].as_array().into_iter().flatten())
            .any(|condition| condition["type"] == "Ready" && condition["status"] == "True");
        let deleting = !pod["metadata"]["deletionTimestamp"].is_null();
        let node = pod["spec"]["nodeName"].as_str().unwrap_or_default().to_string();
        if ready && !deleting {
            census.ready.entry(format!("{namespace}/{app}")).or_default().push(node);
        } else if !deleting {
            let why = (pod["status"]["conditions"].as_array().into_iter().flatten())
                .find(|condition| condition["type"] == "PodScheduled" && condition["status"] == "False")
                .and_then(|condition| condition["message"].as_str())
                .unwrap_or("not ready");
            census.waiting.push(format!(
                "{namespace}/{}: {why}",
                pod["metadata"]["name"].as_str().unwrap_or_default()
            ));
        }
    }
    census
}

/// What simulate says runs after `host` goes: each workload's ready pods, at least and at
/// most.
fn expected(source: &Path, host: &str) -> BTreeMap<String, (i64, i64)> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .arg("simulate")
        .arg(source)
        .args(["--format", "json", "--fail", host])
        .output()
        .expect("k8sc simulate runs");
    let json: Json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("simulate --fail {host}: {}", String::from_utf8_lossy(&output.stderr)));
    (json["pods"].as_array().into_iter().flatten())
        .map(|pods| {
            (
                format!(
                    "{}/{}",
                    pods["namespace"].as_str().unwrap_or_default(),
                    pods["name"].as_str().unwrap_or_default()
                ),
                (pods["min"].as_i64().unwrap_or(0), pods["max"].as_i64().unwrap_or(0)),
            )
        })
        .collect()
}

/// The replicas every workload of the tree wants: a Deployment's or StatefulSet's count
/// (its autoscaler's minimum when it has none), a DaemonSet's from simulate's census.
fn wanted(source: &Path, output: &k8sc::emit::Output, first_host: &str) -> BTreeMap<String, i64> {
    let mut wanted = BTreeMap::new();
    let json: Json = {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_k8sc"))
            .arg("simulate")
            .arg(source)
            .args(["--format", "json", "--fail", first_host])
            .output()
            .expect("k8sc simulate runs");
        serde_json::from_slice(&output.stdout).expect("JSON")
    };
    for pods in json["pods"].as_array().into_iter().flatten() {
        wanted.insert(
            format!(
                "{}/{}",
                pods["namespace"].as_str().unwrap_or_default(),
                pods["name"].as_str().unwrap_or_default()
            ),
            pods["replicas"].as_i64().unwrap_or(0),
        );
    }
    // Every workload of the tree is in simulate's census (but the network plugin's, which
    // the playbook applies, outside the kustomization).
    for (path, file) in &output.files {
        if !path.starts_with("kubernetes/") || !path.ends_with(".yaml") || path.starts_with("kubernetes/cni/") {
            continue;
        }
        for document in serde_yaml::Deserializer::from_str(&file.contents) {
            let value = Value::deserialize(document).expect("YAML");
            if matches!(value["kind"].as_str(), Some("Deployment" | "StatefulSet" | "DaemonSet")) {
                let key = format!(
                    "{}/{}",
                    value["metadata"]["namespace"].as_str().unwrap_or_default(),
                    value["metadata"]["name"].as_str().unwrap_or_default()
                );
                assert!(
                    wanted.contains_key(&key),
                    "{}: simulate does not count {key}",
                    source.display()
                );
            }
        }
    }
    wanted
}

/// Waits until `done` holds of the census, playing the provisioner meanwhile; the last
/// census either way.
fn settle(plane: &ControlPlane, limit: Duration, done: impl Fn(&Census) -> bool) -> (bool, Census) {
    let deadline = Instant::now() + limit;
    loop {
        provision(plane);
        let census = census(plane);
        if done(&census) {
            // Held a moment later too: not a pass through on the way.
            std::thread::sleep(Duration::from_millis(1500));
            let again = self::census(plane);
            if done(&again) {
                return (true, again);
            }
        }
        if Instant::now() > deadline {
            return (false, census);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn counts(census: &Census) -> BTreeMap<String, i64> {
    census
        .ready
        .iter()
        .map(|(key, nodes)| (key.clone(), nodes.len() as i64))
        .collect()
}

/// Places and fails over one example; what disagrees, and how many pods were placed.
fn drill(source: &Path) -> (Vec<String>, usize, usize) {
    let mut wrong = Vec::new();
    let (_, _, output) = crate::controlplane::built(source);
    let stem = source.file_stem().and_then(|stem| stem.to_str()).unwrap_or("platform");
    let tree = crate::build::write_tree(&format!("placement-{stem}"), &output);
    let mut plane = ControlPlane::start(&format!("placement-{stem}"), true);
    let capacity = {
        let original = std::fs::read_to_string(source).expect("readable");
        let text = crate::build::with_bootstrap(&original);
        let compilation = k8sc::compile_with("platform.k8s", &text, &crate::build::secrets_of(&original));
        k8sc::platform::capacity::node_capacity(&compilation.model)
    };

    let labels: std::collections::BTreeSet<String> = {
        let text = &output.files["kubernetes/00-nodes.yaml"].contents;
        (serde_yaml::Deserializer::from_str(text))
            .filter_map(|document| {
                let node = Value::deserialize(document).ok()?;
                node["metadata"]["labels"][HOST_LABEL].as_str().map(str::to_string)
            })
            .collect()
    };
    for label in &labels {
        plane.kubelets(HOST_LABEL, label);
    }
    register_nodes(&plane, &tree, &output, &capacity);
    kubectl_ok(
        &plane,
        &[
            "apply",
            "--server-side",
            "--force-conflicts",
            "--field-manager=k8sc",
            "-k",
            tree.join("kubernetes").to_str().expect("utf-8"),
        ],
    );
    // The physical hosts, from the nodes' labels.
    let nodes: Json = serde_json::from_str(&kubectl_ok(&plane, &["get", "nodes", "-o", "json"])).expect("JSON");
    let mut hosts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for node in nodes["items"].as_array().into_iter().flatten() {
        let host = node["metadata"]["labels"]["k8sc.io/physical-host"]
            .as_str()
            .unwrap_or_default();
        hosts
            .entry(host.to_string())
            .or_default()
            .push(node["metadata"]["name"].as_str().unwrap_or_default().to_string());
    }
    // The hosts by their names in the source (a label holds the Kubernetes form).
    let source_text = std::fs::read_to_string(source).expect("readable");
    let declared: Vec<&str> = (source_text.lines())
        .filter_map(|line| line.strip_prefix("physical_host "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    let label_of: BTreeMap<String, String> = (hosts.keys())
        .map(|label| {
            let name = (declared.iter())
                .find(|name| k8sc::platform::names::k8s_name(name) == *label)
                .map_or_else(|| label.clone(), |name| (*name).to_string());
            (name, label.clone())
        })
        .collect();
    let hosts: BTreeMap<String, Vec<String>> = (hosts.into_iter())
        .map(|(label, nodes)| {
            let name = (label_of.iter())
                .find(|(_, of)| **of == label)
                .map_or(label, |(name, _)| name.clone());
            (name, nodes)
        })
        .collect();
    let first_host = hosts.keys().next().cloned().unwrap_or_default();
    let wanted = wanted(source, &output, &first_host);
    // Every workload runs all the pods it wants, and they are ready.
    let all_running = |census: &Census| {
        (wanted.iter()).all(|(key, replicas)| census.ready.get(key).map_or(0, Vec::len) as i64 == *replicas)
    };
    // Placed: every pod check passes runs.
    let (placed, census) = settle(&plane, Duration::from_secs(120), all_running);
    let pods: usize = census.ready.values().map(Vec::len).sum();
    if !placed {
        wrong.push(format!(
            "not every pod was placed: wanted {wanted:?}, ready {:?}; waiting: {}\nscheduler: {}",
            counts(&census),
            census.waiting.join("; "),
            plane.log("kube-scheduler")
        ));
        return (wrong, pods, 0);
    }
    // Where check and simulate assume: one pod per node under required anti-affinity, a
    // skew of at most 1 over the physical hosts.
    let host_of: BTreeMap<&str, &str> = (hosts.iter())
        .flat_map(|(host, nodes)| nodes.iter().map(move |node| (node.as_str(), host.as_str())))
        .collect();
    for (key, on) in &census.ready {
        let mut distinct = on.clone();
        distinct.sort();
        distinct.dedup();
        let per_host = on.iter().fold(BTreeMap::<&str, usize>::new(), |mut per, node| {
            *per.entry(host_of.get(node.as_str()).copied().unwrap_or("?"))
                .or_default() += 1;
            per
        });
        let required = required_anti_affinity(&output, key);
        if required && distinct.len() != on.len() {
            wrong.push(format!(
                "{key}: two pods on one node under required anti-affinity: {on:?}"
            ));
        }
        if required && on.len() > 1 {
            let used: Vec<usize> = per_host.values().copied().collect();
            let (least, most) = (
                used.iter().min().copied().unwrap_or(0),
                used.iter().max().copied().unwrap_or(0),
            );
            let empty_hosts = spread_hosts(&output, key, &hosts).saturating_sub(per_host.len());
            let least = if empty_hosts > 0 { 0 } else { least };
            if most > least + 1 {
                wrong.push(format!("{key}: spread over hosts with a skew above 1: {per_host:?}"));
            }
        }
    }
    // Failed over: each host in turn stops answering.
    let mut drills = 0;
    for (host, nodes) in &hosts {
        plane.answer(&label_of[host], false);
        let lost_at = Instant::now();
        let says = expected(source, host);
        // The control plane has noticed: the host's nodes are tainted unreachable, and
        // none of their pods counts as ready any more.
        let noticed = Instant::now() + Duration::from_secs(60);
        while !unreachable(&plane, nodes) {
            assert!(
                Instant::now() < noticed,
                "losing {host}: its nodes were never marked unreachable:\n{}\nkwok: {}",
                kubectl_ok(
                    &plane,
                    &[
                        "get",
                        "nodes",
                        "-o",
                        "custom-columns=NAME:.metadata.name,BEAT:.status.conditions[?(@.type==\"Ready\")].lastHeartbeatTime,READY:.status.conditions[?(@.type==\"Ready\")].status,A:.metadata.annotations,T:.spec.taints"
                    ]
                ),
                plane.log("kwok")
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        let (agreed, census) = settle(&plane, Duration::from_secs(60), |census| {
            let none_left = census.ready.values().flatten().all(|node| !nodes.contains(node));
            none_left
                && says.iter().all(|(key, (least, most))| {
                    let running = census.ready.get(key).map_or(0, Vec::len) as i64;
                    (*least..=*most).contains(&running)
                })
        });
        if !agreed {
            let running = counts(&census);
            let disagree: Vec<String> = (says.iter())
                .filter(|(key, (least, most))| !(*least..=*most).contains(running.get(*key).unwrap_or(&0)))
                .map(|(key, (least, most))| {
                    format!(
                        "{key}: simulate {least}..={most}, ran {}",
                        running.get(key).unwrap_or(&0)
                    )
                })
                .collect();
            wrong.push(format!("losing host {host}: {}", disagree.join("; ")));
        }
        drills += 1;
        let back_at = Instant::now();
        plane.answer(&label_of[host], true);
        let (back, census) = settle(&plane, Duration::from_secs(90), all_running);
        eprintln!(
            "  {host}: settled {:.1?} after it stopped answering, every pod back {:.1?} after it returned",
            back_at - lost_at,
            back_at.elapsed()
        );
        if !back {
            wrong.push(format!(
                "after host {host} came back, not every pod runs again: {:?}; waiting: {}",
                counts(&census),
                census.waiting.join("; ")
            ));
            break;
        }
    }
    // Drained: `kubectl drain` of each node finishes under the disruption budgets, and
    // every pod runs again once it is back.
    let mut drained = 0;
    for node in hosts.values().flatten() {
        let output = plane.kubectl(&[
            "drain",
            node,
            "--ignore-daemonsets",
            "--delete-emptydir-data",
            "--timeout=60s",
        ]);
        if !output.status.success() {
            wrong.push(format!(
                "kubectl drain {node} did not finish: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
            break;
        }
        kubectl_ok(&plane, &["uncordon", node]);
        let (back, census) = settle(&plane, Duration::from_secs(60), all_running);
        if !back {
            wrong.push(format!(
                "after draining {node}, not every pod runs again: {:?}; waiting: {}",
                counts(&census),
                census.waiting.join("; ")
            ));
            break;
        }
        drained += 1;
    }
    eprintln!("  drained {drained} nodes");
    drop(plane);
    let _ = std::fs::remove_dir_all(&tree);
    (wrong, pods, drills)
}

/// Whether every one of `nodes` carries the unreachable taint the node lifecycle
/// controller puts on a node that stopped answering.
fn unreachable(plane: &ControlPlane, nodes: &[String]) -> bool {
    let json: Json = serde_json::from_str(&kubectl_ok(plane, &["get", "nodes", "-o", "json"])).expect("JSON");
    (json["items"].as_array().into_iter().flatten())
        .filter(|node| nodes.iter().any(|name| node["metadata"]["name"].as_str() == Some(name)))
        .all(|node| {
            (node["spec"]["taints"].as_array().into_iter().flatten())
                .any(|taint| taint["key"] == "node.kubernetes.io/unreachable" && taint["effect"] == "NoExecute")
        })
}

/// Whether a workload's pods carry required anti-affinity (or bind host ports).
fn required_anti_affinity(output: &k8sc::emit::Output, key: &str) -> bool {
    workload(output, key).is_some_and(|value| {
        let spec = &value["spec"]["template"]["spec"];
        !spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].is_null()
    })
}

/// How many physical hosts have a node a workload may use: all hosts when it spreads over
/// hosts with its taint-honouring spread (the test's own count, from node names in its
/// node affinity or its node selector, is the scheduler's business; here every host).
fn spread_hosts(output: &k8sc::emit::Output, key: &str, hosts: &BTreeMap<String, Vec<String>>) -> usize {
    let Some(value) = workload(output, key) else { return 0 };
    let spec = &value["spec"]["template"]["spec"];
    let allowed = &spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        [0]["matchExpressions"][0]["values"];
    match allowed.as_sequence() {
        Some(names) => (hosts.values())
            .filter(|nodes| {
                nodes
                    .iter()
                    .any(|node| names.iter().any(|name| name.as_str() == Some(node)))
            })
            .count(),
        None => hosts.len(),
    }
}

fn workload(output: &k8sc::emit::Output, key: &str) -> Option<Value> {
    let (namespace, name) = key.split_once('/')?;
    for (path, file) in &output.files {
        if !path.starts_with("kubernetes/") || !path.ends_with(".yaml") {
            continue;
        }
        for document in serde_yaml::Deserializer::from_str(&file.contents) {
            let value = Value::deserialize(document).ok()?;
            if matches!(value["kind"].as_str(), Some("Deployment" | "StatefulSet" | "DaemonSet"))
                && value["metadata"]["namespace"].as_str() == Some(namespace)
                && value["metadata"]["name"].as_str() == Some(name)
            {
                return Some(value);
            }
        }
    }
    None
}

#[test]
fn every_example_is_placed_and_fails_over_as_simulate_says() {
    let only = std::env::var("K8SC_PLACEMENT_ONLY").unwrap_or_default();
    let sources: Vec<std::path::PathBuf> = (crate::k8s_files("examples").into_iter())
        .filter(|source| source.to_string_lossy().contains(&only))
        .collect();
    let started = Instant::now();
    // Two control planes at a time: each mostly waits on its controllers.
    let queue = std::sync::Mutex::new(sources);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|threads| {
        for _ in 0..2 {
            threads.spawn(|| {
                loop {
                    let Some(source) = queue.lock().expect("the queue").pop() else {
                        break;
                    };
                    let (found, placed, drilled) = drill(&source);
                    eprintln!(
                        "{}: {placed} pods placed, {drilled} hosts failed over ({:.0?} so far)",
                        source.display(),
                        started.elapsed()
                    );
                    results
                        .lock()
                        .expect("the results")
                        .push((source, found, placed, drilled));
                }
            });
        }
    });
    let mut wrong = Vec::new();
    let (mut pods, mut drills) = (0, 0);
    for (source, found, placed, drilled) in results.into_inner().expect("the results") {
        pods += placed;
        drills += drilled;
        wrong.extend(
            found
                .into_iter()
                .map(|problem| format!("{}: {problem}", source.display())),
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    if only.is_empty() {
        assert!(pods >= 50 && drills >= 10, "{pods} pods, {drills} drills");
    }
}
