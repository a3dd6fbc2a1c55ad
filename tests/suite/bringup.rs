//! What the emitted tree needs for the platform to come up, file by file: controllers that
//! start and can roll, policies that admit the traffic routes send, workloads that leave
//! scaling to their autoscaler.

use serde_yaml::Value;

use crate::build::{emit_example, emit_text};

/// Every YAML document under `kubernetes/`, with its file.
fn documents(output: &k8sc::emit::Output) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (path, file) in &output.files {
        if !path.starts_with("kubernetes/") || !path.ends_with(".yaml") {
            continue;
        }
        for document in serde_yaml::Deserializer::from_str(&file.contents) {
            let value = serde_yaml::Value::deserialize(document).expect("YAML");
            if !value.is_null() {
                found.push((path.clone(), value));
            }
        }
    }
    found
}

use serde::Deserialize as _;

fn of_kind<'d>(documents: &'d [(String, Value)], kind: &str) -> impl Iterator<Item = &'d (String, Value)> {
    documents.iter().filter(move |(_, document)| document["kind"] == kind)
}

#[test]
fn ingress_controllers_get_what_they_need_to_start_and_a_rollout_that_finishes() {
    let mut checked = 0;
    for example in crate::k8s_files("examples") {
        let documents = documents(&emit_example(&example));
        for (path, deployment) in of_kind(&documents, "Deployment").filter(|(path, _)| path.contains("/ingress/")) {
            let pod = &deployment["spec"]["template"]["spec"];
            let container = &pod["containers"][0];
            let env: Vec<(&str, &str)> = (container["env"].as_sequence().into_iter().flatten())
                .map(|var| {
                    (
                        var["name"].as_str().unwrap_or_default(),
                        var["valueFrom"]["fieldRef"]["fieldPath"].as_str().unwrap_or_default(),
                    )
                })
                .collect();
            assert!(
                env.contains(&("POD_NAME", "metadata.name")) && env.contains(&("POD_NAMESPACE", "metadata.namespace")),
                "{path}: the controller needs its pod's name and namespace: {env:?}"
            );
            let host_ports = pod["hostNetwork"] == true
                || (container["ports"].as_sequence().into_iter().flatten()).any(|port| !port["hostPort"].is_null());
            let required =
                !pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].is_null();
            if host_ports || required {
                let rolling = &deployment["spec"]["strategy"]["rollingUpdate"];
                assert_eq!(rolling["maxSurge"], 0, "{path}: a surge pod has no node to go to");
                assert_eq!(rolling["maxUnavailable"], 1, "{path}");
            }
            let args: Vec<&str> = (container["args"].as_sequence().into_iter().flatten())
                .filter_map(Value::as_str)
                .collect();
            if args.first() == Some(&"/nginx-ingress-controller") {
                assert!(
                    args.iter().any(|arg| arg.starts_with("--election-id=")),
                    "{path}: {args:?}"
                );
                assert!(
                    !pod["hostNetwork"].as_bool().unwrap_or(false)
                        || args.iter().any(|arg| arg.starts_with("--publish-status-address=")
                            || *arg == "--report-node-internal-ip-address"),
                    "{path}: a controller on the host network publishes its address: {args:?}"
                );
                // Its image's user: the nginx binary's file capability binds 80 and 443.
                assert_eq!(pod["securityContext"]["runAsUser"], 101, "{path}");
                assert_eq!(container["securityContext"]["allowPrivilegeEscalation"], true, "{path}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked} controllers checked");
}

#[test]
fn a_policed_app_admits_the_host_network_ingress_controller_of_its_routes() {
    let mut text = std::fs::read_to_string(crate::root().join("examples/000-four-layer.k8s")).expect("readable");
    text.push_str("\nroute catalog {\n  host = \"catalog.example.com\"\n  app = catalog\n  port = 8080\n}\n");
    let documents = documents(&emit_text("routed.k8s", &text));
    let (_, policy) = of_kind(&documents, "NetworkPolicy")
        .find(|(_, policy)| policy["metadata"]["name"] == "catalog")
        .expect("catalog's policy");
    let peers = policy["spec"]["ingress"][0]["from"].as_sequence().expect("peers");
    assert!(
        peers.iter().any(|peer| peer["ipBlock"]["cidr"] == "172.16.10.0/24"),
        "the controller sends from its node's address, on the node subnet: {peers:?}"
    );
    assert!(
        peers
            .iter()
            .any(|peer| peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "storefront"),
        "allow_from still holds"
    );
    // Without a route to it, the policy admits only what `allow_from` names (storefront,
    // which also depends on it) and catalog's own pods.
    let plain = documents_of("examples/000-four-layer.k8s");
    let (_, policy) = of_kind(&plain, "NetworkPolicy")
        .find(|(_, policy)| policy["metadata"]["name"] == "catalog")
        .expect("catalog's policy");
    let admitted: Vec<&str> = (policy["spec"]["ingress"][0]["from"].as_sequence().into_iter().flatten())
        .map(|peer| {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                .as_str()
                .unwrap_or("?")
        })
        .collect();
    assert_eq!(admitted, ["storefront", "catalog"]);
}

/// Runs a validator script of tests/validators: whether it accepts, and what it said.
fn python(args: &[String]) -> (bool, String) {
    let output = std::process::Command::new("python3")
        .args(args)
        .current_dir(crate::root())
        .output()
        .expect("python3");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn documents_of(example: &str) -> Vec<(String, Value)> {
    documents(&emit_example(&crate::root().join(example)))
}

#[test]
fn an_autoscaled_app_leaves_its_replicas_to_the_autoscaler() {
    let documents = documents_of("examples/000-four-layer.k8s");
    let scaled: Vec<&str> = of_kind(&documents, "HorizontalPodAutoscaler")
        .filter_map(|(_, hpa)| hpa["spec"]["scaleTargetRef"]["name"].as_str())
        .collect();
    assert!(!scaled.is_empty());
    for kind in ["Deployment", "StatefulSet"] {
        for (path, workload) in of_kind(&documents, kind) {
            let name = workload["metadata"]["name"].as_str().unwrap_or_default();
            let replicas = &workload["spec"]["replicas"];
            if scaled.contains(&name) {
                assert!(replicas.is_null(), "{path}: {name} sets replicas under its autoscaler");
            } else if !path.contains("/ingress/") {
                assert!(!replicas.is_null(), "{path}: {name} has no replica count");
            }
        }
    }
}

/// The Kubernetes nodes of an example, by name: every node but load-balancer VMs and
/// external etcd members, which run no kubelet.
fn kubelet_nodes(example: &str) -> (Vec<String>, String) {
    let text = std::fs::read_to_string(crate::root().join(example)).expect("readable");
    let compilation = k8sc::compile_with("e.k8s", &text, &crate::build::secrets());
    let model = &compilation.model;
    let external = crate::by_name::all(model, "cluster").any(|cluster| {
        matches!(
            crate::by_name::value(model, cluster, "etcd"),
            Some(k8sc::semantic::Value::Enum("external"))
        )
    });
    let mut names = Vec::new();
    let mut first = None;
    for node in crate::by_name::all(model, "node") {
        let roles = crate::by_name::variants(model, node, "roles");
        if first.is_none() && roles.contains(&"control_plane") {
            first = Some(model.name(node).to_string());
        }
        if !roles
            .iter()
            .all(|role| *role == "load_balancer" || (external && *role == "etcd"))
        {
            names.push(model.name(node).to_string());
        }
    }
    (names, first.expect("a control-plane node"))
}

#[test]
fn every_kubernetes_node_but_the_first_control_plane_gets_a_join_of_the_right_api() {
    for example in crate::k8s_files("examples") {
        let relative = example
            .strip_prefix(crate::root())
            .expect("in the repository")
            .to_string_lossy()
            .into_owned();
        let output = emit_example(&example);
        let (nodes, first) = kubelet_nodes(&relative);
        let joins: Vec<String> = (output.files.keys())
            .filter_map(|path| path.strip_prefix("kubeadm/join/")?.strip_suffix(".yaml"))
            .map(str::to_string)
            .collect();
        let mut expected: Vec<String> = nodes.iter().filter(|node| **node != first).cloned().collect();
        expected.sort();
        assert_eq!(joins, expected, "{relative}: one join per other Kubernetes node");
        for join in &joins {
            let file = &output.files[&format!("kubeadm/join/{join}.yaml")];
            assert_eq!(file.mode, 0o600, "{relative}: {join}'s join holds the token");
            let document: Value = serde_yaml::from_str(&file.contents).expect("YAML");
            let hashes = &document["discovery"]["bootstrapToken"]["caCertHashes"];
            assert_eq!(
                hashes[0], "sha256:75ded4cc17dcb645e089a1e58051059b77937c9a7987005d98d9337062af8d0c",
                "{relative}: {join} pins the example CA (openssl's own hash of examples/pki/ca.crt)"
            );
        }
        let config = &output.files["kubeadm/kubeadm-config.yaml"];
        assert_eq!(config.mode, 0o600, "{relative}: the init configuration holds the token");
        assert!(
            output
                .files
                .contains_key(&format!("hosts/{first}/etc/kubernetes/pki/ca.key"))
        );
        assert_eq!(
            output.files[&format!("hosts/{first}/etc/kubernetes/pki/ca.key")].mode,
            0o600
        );
    }
}

/// From 1.31 kubeadm reads v1beta4, whose argument lists are name/value pairs; the
/// v1beta4 schema accepts the result and the v1beta3 schema does not.
#[test]
fn a_cluster_of_1_31_gets_kubeadm_v1beta4() {
    let text = std::fs::read_to_string(crate::root().join("examples/quickstart.k8s")).expect("readable");
    let text = text.replace("version = \"1.36.3\"", "version = \"1.31.4\"");
    let output = emit_text("quickstart-1.31.k8s", &text);
    let config = &output.files["kubeadm/kubeadm-config.yaml"].contents;
    let documents: Vec<Value> = serde_yaml::Deserializer::from_str(config)
        .map(|document| Value::deserialize(document).expect("YAML"))
        .collect();
    assert!(
        documents
            .iter()
            .filter(|d| d["apiVersion"].as_str().is_some_and(|v| v.starts_with("kubeadm")))
            .all(|d| d["apiVersion"] == "kubeadm.k8s.io/v1beta4")
    );
    let init = documents
        .iter()
        .find(|d| d["kind"] == "InitConfiguration")
        .expect("init");
    assert_eq!(
        init["nodeRegistration"]["kubeletExtraArgs"][0]["name"],
        "system-reserved"
    );
    let root = crate::build::write_tree("kubeadm-1.31", &output);
    for (schema, valid) in [("v1beta4", true), ("v1beta3", false)] {
        let mut args = vec![
            "tests/validators/json_schema.py".to_string(),
            format!("tests/validators/schemas/kubeadm-{schema}.schema.json"),
        ];
        for path in output.files.keys().filter(|path| path.starts_with("kubeadm/")) {
            args.push(root.join(path).to_string_lossy().into_owned());
        }
        let (accepted, report) = python(&args);
        assert_eq!(accepted, valid, "{schema}: {report}");
    }
}

/// The schemas hold kubeadm's differences and its formats: each rejects what the other
/// version or kubeadm itself would.
#[test]
fn the_kubeadm_schemas_reject_what_kubeadm_rejects() {
    let root = crate::build::scratch_dir("kubeadm-bad");
    let v3_map = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    system-reserved: cpu=1\n";
    let v4_list = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: system-reserved\n    value: cpu=1\n";
    let join = |token: &str, tail: &str| {
        format!(
            "apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    token: {token}\n    apiServerEndpoint: 10.0.0.1:6443\n{tail}"
        )
    };
    let pinned = "    caCertHashes:\n    - sha256:75ded4cc17dcb645e089a1e58051059b77937c9a7987005d98d9337062af8d0c\n";
    let cases = [
        ("v3-map-ok", "v1beta3", v3_map.to_string(), true),
        ("v4-list-ok", "v1beta4", v4_list.to_string(), true),
        ("v3-list", "v1beta3", v4_list.replace("v1beta4", "v1beta3"), false),
        ("v4-map", "v1beta4", v3_map.replace("v1beta3", "v1beta4"), false),
        ("unknown-field", "v1beta3", format!("{v3_map}dryRunn: true\n"), false),
        ("join-pinned", "v1beta3", join("abcdef.0123456789abcdef", pinned), true),
        (
            "join-bad-token",
            "v1beta3",
            join("ABCDEF.0123456789abcdef", pinned),
            false,
        ),
        ("join-unpinned", "v1beta3", join("abcdef.0123456789abcdef", ""), false),
        (
            "join-both",
            "v1beta3",
            join(
                "abcdef.0123456789abcdef",
                &format!("{pinned}    unsafeSkipCAVerification: true\n"),
            ),
            false,
        ),
        (
            "join-short-key",
            "v1beta3",
            join(
                "abcdef.0123456789abcdef",
                &format!("{pinned}controlPlane:\n  certificateKey: \"1234\"\n"),
            ),
            false,
        ),
    ];
    for (name, schema, text, valid) in cases {
        let file = root.join(format!("{name}.yaml"));
        std::fs::write(&file, text).expect("write");
        let (accepted, report) = python(&[
            "tests/validators/json_schema.py".to_string(),
            format!("tests/validators/schemas/kubeadm-{schema}.schema.json"),
            file.to_string_lossy().into_owned(),
        ]);
        assert_eq!(accepted, valid, "{name}: {report}");
    }
}

#[test]
fn only_kubernetes_nodes_get_node_objects_and_dedicated_ones_are_tainted() {
    for example in crate::k8s_files("examples") {
        let relative = example
            .strip_prefix(crate::root())
            .expect("in the repository")
            .to_string_lossy()
            .into_owned();
        let output = emit_example(&example);
        let documents = documents(&output);
        let (kubelet, _) = kubelet_nodes(&relative);
        let mut named: Vec<String> = of_kind(&documents, "Node")
            .filter_map(|(_, node)| node["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        named.sort();
        let mut expected = kubelet.clone();
        expected.sort();
        assert_eq!(
            named, expected,
            "{relative}: Node objects for the nodes that run a kubelet only"
        );
        let text = std::fs::read_to_string(&example).expect("readable");
        let compilation = k8sc::compile_with("e.k8s", &text, &crate::build::secrets());
        let model = &compilation.model;
        for node in crate::by_name::all(model, "node") {
            let name = model.name(node).to_string();
            let roles = crate::by_name::variants(model, node, "roles");
            if !kubelet.contains(&name) || roles.contains(&"worker") || roles.contains(&"control_plane") {
                continue;
            }
            // A dedicated node: tainted in 00-nodes.yaml and from its registration on.
            let (_, object) = of_kind(&documents, "Node")
                .find(|(_, object)| object["metadata"]["name"] == name.as_str())
                .expect("its Node object");
            let taints = object["spec"]["taints"].as_sequence().map_or(0, Vec::len);
            assert!(
                taints > 0,
                "{relative}: dedicated node {name} is not tainted, so apps land on it"
            );
            if let Some(join) = output.files.get(&format!("kubeadm/join/{name}.yaml")) {
                let join: Value = serde_yaml::from_str(&join.contents).expect("YAML");
                assert_eq!(
                    join["nodeRegistration"]["taints"], object["spec"]["taints"],
                    "{relative}: {name} registers with the taints 00-nodes.yaml sets"
                );
            }
        }
        // Spread constraints count only the hosts the pods may use.
        for (path, document) in &documents {
            let constraints = &document["spec"]["template"]["spec"]["topologySpreadConstraints"];
            for constraint in constraints.as_sequence().into_iter().flatten() {
                assert_eq!(constraint["nodeTaintsPolicy"], "Honor", "{path}");
            }
        }
        // The ingress controllers tolerate the taints of their own nodes.
        for (path, deployment) in of_kind(&documents, "Deployment").filter(|(path, _)| path.contains("/ingress/")) {
            let pod = &deployment["spec"]["template"]["spec"];
            let nodes = &pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
                [0]["matchExpressions"][0]["values"];
            for node in nodes.as_sequence().into_iter().flatten() {
                let (_, object) = of_kind(&documents, "Node")
                    .find(|(_, object)| object["metadata"]["name"] == *node)
                    .expect("the ingress node's object");
                for taint in object["spec"]["taints"].as_sequence().into_iter().flatten() {
                    let tolerated = (pod["tolerations"].as_sequence().into_iter().flatten())
                        .any(|toleration| toleration["key"] == taint["key"]);
                    assert!(tolerated, "{path}: does not tolerate {taint:?} of {node:?}");
                }
            }
        }
    }
}

#[test]
fn probes_reach_the_containers_and_dependencies_become_init_containers() {
    let documents = documents_of("examples/000-four-layer.k8s");
    let workloads: Vec<&(String, Value)> = ["Deployment", "StatefulSet", "DaemonSet"]
        .into_iter()
        .flat_map(|kind| of_kind(&documents, kind))
        .filter(|(path, _)| path.contains("/apps/"))
        .collect();
    for (path, workload) in &workloads {
        let container = &workload["spec"]["template"]["spec"]["containers"][0];
        if container["ports"].is_sequence() {
            let probe = &container["readinessProbe"];
            assert!(
                !probe["tcpSocket"].is_null() || !probe["httpGet"].is_null(),
                "{path}: {} declares its readiness",
                workload["metadata"]["name"].as_str().unwrap_or_default()
            );
        }
    }
    let (_, grafana) = workloads
        .iter()
        .find(|(_, workload)| workload["metadata"]["name"] == "grafana")
        .expect("grafana");
    let init = &grafana["spec"]["template"]["spec"]["initContainers"][0];
    assert_eq!(init["name"], "wait-for-prometheus");
    // A constant script, the Service and its port as its arguments.
    let command: Vec<&str> = (init["command"].as_sequence().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        command[..2],
        ["sh", "-c"],
        "grafana waits for prometheus's Service: {command:?}"
    );
    assert!(command[2].contains(r#"nc -z -w 2 "$0" "$1""#), "{command:?}");
    assert_eq!(
        command[3..],
        ["prometheus.monitor.svc.cluster.local", "9090"],
        "{command:?}"
    );
    // The command as the container runs it, with an `nc` that refuses once, then answers:
    // it waits, says for what, and asks for exactly the Service and port.
    let dir = crate::build::scratch_dir("init-wait");
    let calls = dir.join("nc-calls");
    let nc = dir.join("nc");
    std::fs::write(
        &nc,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{0}'\n[ \"$(wc -l < '{0}')\" -ge 2 ]\n",
            calls.display()
        ),
    )
    .expect("write nc");
    let sleep = dir.join("sleep");
    std::fs::write(&sleep, "#!/bin/sh\nexit 0\n").expect("write sleep");
    for stub in [&nc, &sleep] {
        let mut permissions = std::fs::metadata(stub).expect("stub").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(stub, permissions).expect("mode");
    }
    let ran = std::process::Command::new(command[0])
        .args(&command[1..])
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .output()
        .expect("sh runs");
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "waiting for prometheus.monitor.svc.cluster.local:9090\n"
    );
    assert_eq!(
        std::fs::read_to_string(&calls).expect("nc ran"),
        "-z -w 2 prometheus.monitor.svc.cluster.local 9090\n".repeat(2)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let probe = &grafana["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"];
    assert_eq!(probe["path"], "/api/health", "the component's readiness");
}

/// The playbook that deploys a tree passes Ansible's own syntax check and ansible-lint's
/// production profile, on every example, with the inventory Ansible reads back.
#[test]
fn the_playbook_passes_ansible_syntax_check_and_lint() {
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        let name = example.file_stem().expect("a stem").to_string_lossy().into_owned();
        let root = crate::build::write_tree(&format!("ansible-{name}"), &output);
        let folder = root.join("ansible");
        let run = |program: &str, args: &[&str]| {
            let output = std::process::Command::new(program)
                .args(args)
                .current_dir(&folder)
                .env("ANSIBLE_LOCAL_TEMP", root.join(".ansible-tmp"))
                .env("ANSIBLE_HOME", root.join(".ansible"))
                .env("ANSIBLE_LINT_SKIP_VERSION_CHECK", "1")
                .output()
                .unwrap_or_else(|err| panic!("{program} runs (tests/run.sh installs it): {err}"));
            assert!(
                output.status.success(),
                "{name}: {program} {args:?}:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        run(
            "ansible-playbook",
            &["-i", "inventory.yaml", "site.yml", "--syntax-check"],
        );
        run("ansible-lint", &["--offline", "--profile", "production", "site.yml"]);
        let inventory: Value = serde_json::from_str(&run("ansible-inventory", &["-i", "inventory.yaml", "--list"]))
            .map(|json: serde_json::Value| serde_yaml::to_value(json).expect("a value"))
            .expect("ansible-inventory's JSON");
        let first = inventory["first_control_plane"]["hosts"]
            .as_sequence()
            .map_or(0, Vec::len);
        assert_eq!(first, 1, "{name}: one node runs kubeadm init");
    }
}

/// `-e harbor_apply=true` runs the platform's Harbor rules: the tree's own
/// `harbor/apply.sh`, or, from a cluster of a platform of several, the one beside the
/// cluster's tree. The playbook's Harbor play runs in check mode: Ansible says which
/// command it would run, and runs none (apply.sh would reach the registries).
#[test]
fn the_playbook_runs_the_platforms_harbor_rules_from_every_tree() {
    let (_, _, several) = crate::controlplane::built(&crate::root().join("examples/001-two-datacenters"));
    let several = crate::build::write_tree("ansible-harbor-001", &several);
    let single = emit_example(&crate::root().join("examples/000-four-layer.k8s"));
    let single = crate::build::write_tree("ansible-harbor-000", &single);
    for (tree, script) in [
        (several.join("dc1"), several.join("harbor/apply.sh")),
        (several.join("dc2"), several.join("harbor/apply.sh")),
        (single.clone(), single.join("harbor/apply.sh")),
    ] {
        let folder = tree.join("ansible");
        let site = std::fs::read_to_string(folder.join("site.yml")).expect("the playbook");
        let play = site
            .find("- name: Register the Harbor replication")
            .expect("the Harbor play");
        std::fs::write(folder.join("harbor-only.yml"), &site[play..]).expect("write");
        let output = std::process::Command::new("ansible-playbook")
            .args([
                "-i",
                "inventory.yaml",
                "harbor-only.yml",
                "--check",
                "-v",
                "-e",
                "harbor_apply=true",
            ])
            .current_dir(&folder)
            .env("ANSIBLE_LOCAL_TEMP", tree.join(".ansible-tmp"))
            .env("ANSIBLE_HOME", tree.join(".ansible"))
            .output()
            .expect("ansible-playbook runs (tests/run.sh installs it)");
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}: {said}", tree.display());
        let line = (said.lines())
            .find(|line| line.contains("Command would have run if not in check mode"))
            .unwrap_or_else(|| panic!("{}: the Harbor play would run nothing:\n{said}", tree.display()));
        let ran: serde_json::Value =
            serde_json::from_str(&line[line.find('{').expect("JSON")..]).expect("the task's JSON");
        let path = std::path::PathBuf::from(ran["cmd"][1].as_str().expect("sh's argument"));
        assert_eq!(
            path.canonicalize().expect("the script exists"),
            script.canonicalize().expect("the platform's script"),
            "{}",
            tree.display()
        );
    }
}

#[test]
fn static_volumes_are_empty_directories_their_pods_can_write() {
    let output = emit_example(&crate::root().join("examples/004-three-masters.k8s"));
    let inventory: Value = serde_yaml::from_str(&output.files["ansible/inventory.yaml"].contents).expect("YAML");
    let hosts = inventory["all"]["hosts"].as_mapping().expect("hosts");
    let volumes: Vec<&Value> = hosts
        .values()
        .flat_map(|host| host["k8sc_volumes"].as_sequence().into_iter().flatten())
        .collect();
    assert!(!volumes.is_empty());
    let mut redis_volumes = 0;
    for volume in volumes {
        let owner = (
            volume["owner"].as_u64(),
            volume["group"].as_u64(),
            volume["mode"].as_str(),
        );
        if volume["path"].as_str().is_some_and(|path| path.contains("-redis-")) {
            // The redis component runs as the image's user 999 with fsGroup 999.
            assert_eq!(owner, (Some(999), Some(999), Some("2770")), "{volume:?}");
            redis_volumes += 1;
        } else {
            // An app that declares no user writes as root, which root_squash makes nobody.
            assert_eq!(owner, (Some(65534), Some(65534), Some("0770")), "{volume:?}");
        }
    }
    assert!(redis_volumes >= 6, "one per redis replica and server");
    let drbd = hosts
        .values()
        .filter(|host| !host["k8sc_drbd_resource"].is_null())
        .count();
    assert_eq!(
        drbd, 2,
        "both DRBD nodes know their resource; only the Primary creates the directories"
    );
    let documents = documents_of("examples/004-three-masters.k8s");
    let (_, redis) = of_kind(&documents, "StatefulSet")
        .find(|(_, set)| set["metadata"]["name"] == "redis")
        .expect("redis");
    let context = &redis["spec"]["template"]["spec"]["securityContext"];
    assert_eq!(
        (context["runAsUser"].as_u64(), context["fsGroup"].as_u64()),
        (Some(999), Some(999))
    );
}

/// `kubectl kustomize` builds every example's manifests offline (the network's upstream
/// manifests are the playbook's, not the kustomization's), and the pod network's CIDR is
/// the cluster's `pod_cidr` and kubeadm's podSubnet.
#[test]
fn the_manifests_build_offline_and_the_network_has_the_pod_cidr() {
    for (example, out) in crate::build::built_examples("cni") {
        let name = example.display().to_string();
        let built = std::process::Command::new("kubectl")
            .args(["kustomize", out.join("kubernetes").to_str().expect("utf-8")])
            .output()
            .expect("kubectl (on the machine image)");
        assert!(
            built.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        let kubeadm = std::fs::read_to_string(out.join("kubeadm/kubeadm-config.yaml")).expect("kubeadm");
        let pod_subnet = (kubeadm.lines())
            .find_map(|line| line.trim().strip_prefix("podSubnet: "))
            .expect("a podSubnet")
            .trim_matches('"')
            .to_string();
        let inventory: Value =
            serde_yaml::from_str(&std::fs::read_to_string(out.join("ansible/inventory.yaml")).expect("inventory"))
                .expect("YAML");
        let vars = &inventory["all"]["vars"];
        assert_eq!(vars["k8sc_pod_cidr"], pod_subnet.as_str(), "{name}");
        let cni = vars["k8sc_cni"].as_str().expect("a CNI");
        let network = match cni {
            "calico" => {
                let text = std::fs::read_to_string(out.join("kubernetes/cni/calico.yaml")).expect("calico.yaml");
                let installation: Value = serde_yaml::Deserializer::from_str(&text)
                    .map(|document| Value::deserialize(document).expect("YAML"))
                    .find(|document| document["kind"] == "Installation")
                    .expect("an Installation");
                assert!(
                    !crate::build::kustomized(&out)
                        .iter()
                        .any(|path| path.contains("calico")),
                    "{name}: the Installation needs the operator's CRDs first"
                );
                installation["spec"]["calicoNetwork"]["ipPools"][0]["cidr"]
                    .as_str()
                    .map(str::to_string)
            }
            "weave" => {
                let text = std::fs::read_to_string(out.join("kubernetes/cni/weave.yaml")).expect("weave.yaml");
                let set: Value = serde_yaml::Deserializer::from_str(&text)
                    .map(|document| Value::deserialize(document).expect("YAML"))
                    .find(|document| document["kind"] == "DaemonSet")
                    .expect("Weave's DaemonSet");
                assert!(
                    crate::build::kustomized(&out)
                        .iter()
                        .any(|path| path == "cni/weave.yaml"),
                    "{name}: Weave is k8sc's own manifest"
                );
                let router = &set["spec"]["template"]["spec"]["containers"][0];
                (router["env"].as_sequence().expect("env").iter())
                    .find(|var| var["name"] == "IPALLOC_RANGE")
                    .and_then(|var| var["value"].as_str())
                    .map(str::to_string)
            }
            other => panic!("{name}: no example uses {other}"),
        };
        assert_eq!(
            network.as_deref(),
            Some(pod_subnet.as_str()),
            "{name}: the {cni} network's CIDR"
        );
        if cni == "calico" {
            // The operator of the Calico release tested with the cluster's version, checked
            // by its digest before the playbook applies it.
            let manifest = &vars["k8sc_cni_manifest"];
            let url = manifest["url"].as_str().expect("a URL");
            assert!(
                url.starts_with("https://raw.githubusercontent.com/projectcalico/calico/v3.")
                    && url.ends_with("/manifests/tigera-operator.yaml"),
                "{name}: {url}"
            );
            let checksum = manifest["checksum"].as_str().expect("a checksum");
            assert!(
                checksum.strip_prefix("sha256:").is_some_and(|hex| hex.len() == 64),
                "{name}: {checksum}"
            );
        } else {
            assert!(vars["k8sc_cni_manifest"].is_null(), "{name}: nothing to download");
        }
    }
}

/// Flannel's manifest is k8sc's own: the strict schemas accept it, its net-conf holds the
/// pod CIDR; Cilium gets Helm values with it.
#[test]
fn flannel_and_cilium_get_the_pod_cidr() {
    let text = std::fs::read_to_string(crate::root().join("examples/quickstart.k8s")).expect("readable");
    let with = |cni: &str| {
        let text = text.replace(
            "  node_subnet = 10.10.0.0/24",
            &format!("  node_subnet = 10.10.0.0/24\n  cni = {cni}\n  pod_cidr = 10.32.0.0/16"),
        );
        assert!(text.contains(&format!("cni = {cni}")));
        emit_text(&format!("quickstart-{cni}.k8s"), &text)
    };
    let flannel = with("flannel");
    let documents = documents(&flannel);
    let (_, config) = of_kind(&documents, "ConfigMap")
        .find(|(path, _)| path.ends_with("cni/flannel.yaml"))
        .expect("flannel's net-conf");
    let net_conf: serde_json::Value =
        serde_json::from_str(config["data"]["net-conf.json"].as_str().expect("net-conf.json")).expect("JSON");
    assert_eq!(net_conf["Network"], "10.32.0.0/16");
    assert!(
        flannel.files["kubernetes/kustomization.yaml"]
            .contents
            .contains("- cni/flannel.yaml")
    );
    let root = crate::build::write_tree("flannel", &flannel);
    let output = std::process::Command::new("python3")
        .args(["tests/validators/k8s_validate.py", "1.36.3"])
        .arg(root.join("kubernetes/cni/flannel.yaml"))
        .current_dir(crate::root())
        .output()
        .expect("python3");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let cilium = with("cilium");
    let values: Value =
        serde_yaml::from_str(&cilium.files["kubernetes/cni/cilium-values.yaml"].contents).expect("YAML");
    assert_eq!(
        values["ipam"]["operator"]["clusterPoolIPv4PodCIDRList"][0],
        "10.32.0.0/16"
    );
}

/// haproxy retries a failed connection on another backend, keeps long-lived streams open,
/// has a stats socket, and logs without a syslog daemon.
#[test]
fn haproxy_redispatches_keeps_streams_and_can_be_asked() {
    let mut checked = 0;
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        for (path, file) in output.files.iter().filter(|(path, _)| path.ends_with("haproxy.cfg")) {
            let text = &file.contents;
            for wanted in [
                "option redispatch",
                "timeout tunnel 1h",
                "stats socket /run/haproxy/admin.sock",
                "log stdout",
            ] {
                assert!(text.contains(wanted), "{path}: no `{wanted}`");
            }
            assert!(!text.contains("/dev/log"), "{path}: logs only to a syslog socket");
            checked += 1;
        }
    }
    assert!(checked >= 5, "{checked} haproxy.cfg checked");
}

/// keepalived's apiserver check probes what the node's haproxy binds (the 004 check once
/// asked localhost, where haproxy did not listen, so it never passed).
#[test]
fn the_apiserver_check_probes_what_haproxy_binds() {
    let mut checked = 0;
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        for (path, script) in output
            .files
            .iter()
            .filter(|(path, _)| path.ends_with("check_apiserver.sh"))
        {
            let node = path.trim_start_matches("hosts/").split('/').next().expect("a node");
            let url = (script.contents.lines())
                .find_map(|line| line.strip_prefix("url="))
                .map(|word| word.trim_matches('\''))
                .filter(|word| word.starts_with("https://") && word.ends_with("/healthz"))
                .expect("the probed URL");
            let (host, port) = url
                .trim_start_matches("https://")
                .trim_end_matches("/healthz")
                .rsplit_once(':')
                .expect("host:port");
            let haproxy = output.files.get(&format!("hosts/{node}/etc/haproxy/haproxy.cfg"));
            let bound = haproxy.is_some_and(|cfg| {
                cfg.contents
                    .lines()
                    .map(str::trim)
                    .any(|line| line == format!("bind {host}:{port}") || line == format!("bind *:{port}"))
            });
            let apiserver =
                host == "localhost" && haproxy.is_none_or(|cfg| !cfg.contents.contains(&format!(":{port}\n")));
            assert!(
                bound || apiserver,
                "{}: {node}'s check probes {host}:{port}, which nothing there binds",
                example.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "{checked} checks");
}

/// A VIP leaves a member whose tracked service died within a few seconds, and members'
/// default priorities are far enough apart that their takeover timers never coincide.
#[test]
fn vips_leave_a_dead_service_fast_and_priorities_are_spaced() {
    let mut scripts = 0;
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        for (path, file) in output
            .files
            .iter()
            .filter(|(path, _)| path.ends_with("keepalived.conf"))
        {
            let number =
                |line: &str, key: &str| line.trim().strip_prefix(key).and_then(|n| n.trim().parse::<u64>().ok());
            let lines: Vec<&str> = file.contents.lines().collect();
            for (at, line) in lines.iter().enumerate() {
                if line.starts_with("vrrp_script") {
                    let block = &lines[at..lines.len().min(at + 8)];
                    let interval = block.iter().find_map(|l| number(l, "interval")).expect("an interval");
                    let fall = block.iter().find_map(|l| number(l, "fall")).expect("a fall");
                    assert!(
                        interval * fall < 10,
                        "{path}: a dead service keeps the VIP {} s",
                        interval * fall + 1
                    );
                    scripts += 1;
                }
            }
            let mut priorities: Vec<u64> = lines.iter().filter_map(|line| number(line, "priority")).collect();
            priorities.sort_unstable();
            assert!(priorities.iter().all(|p| (1..=254).contains(p)), "{path}");
        }
        // Across a group's members: distinct priorities, 50 apart by default.
        let text = std::fs::read_to_string(&example).expect("readable");
        if !text.contains("priorities =") {
            let mut by_group: std::collections::BTreeMap<String, Vec<u64>> = std::collections::BTreeMap::new();
            for (path, file) in output
                .files
                .iter()
                .filter(|(path, _)| path.ends_with("keepalived.conf"))
            {
                let mut group = String::new();
                for line in file.contents.lines().map(str::trim) {
                    if let Some(name) = line.strip_prefix("vrrp_instance ") {
                        group = name.trim_end_matches(" {").to_string();
                    }
                    if let Some(priority) = line.strip_prefix("priority ").and_then(|p| p.parse().ok()) {
                        by_group.entry(group.clone()).or_default().push(priority);
                    }
                }
                let _ = path;
            }
            for (group, mut priorities) in by_group {
                priorities.sort_unstable();
                assert!(
                    priorities.windows(2).all(|pair| pair[1] - pair[0] >= 30),
                    "{}: {group}: {priorities:?}",
                    example.display()
                );
            }
        }
    }
    assert!(scripts >= 5, "{scripts} scripts");
}

/// An LVS node loads the kernel's IPVS (at boot, and in the playbook) before keepalived
/// starts its virtual servers.
#[test]
fn lvs_nodes_load_ipvs() {
    let output = emit_example(&crate::root().join("examples/003-minimal-production.k8s"));
    let lvs: Vec<&String> = (output.files.keys())
        .filter(|path| path.ends_with("keepalived.conf") && output.files[*path].contents.contains("virtual_server "))
        .collect();
    assert!(!lvs.is_empty());
    for path in lvs {
        let node = path.trim_start_matches("hosts/").split('/').next().expect("a node");
        let modules = &output.files[&format!("hosts/{node}/etc/modules-load.d/k8sc-ipvs.conf")].contents;
        assert!(modules.lines().any(|line| line == "ip_vs"), "{node}: {modules}");
        let inventory: Value = serde_yaml::from_str(&output.files["ansible/inventory.yaml"].contents).expect("YAML");
        assert!(
            !inventory["all"]["children"]["lvs"]["hosts"][node].is_null(),
            "{node} is in the lvs group"
        );
    }
}

/// Every Kubernetes node's containerd configuration is read by the real containerd as
/// written: the systemd cgroup driver the kubelet uses, registry hosts from certs.d.
#[test]
fn containerd_reads_every_runtime_configuration() {
    let mut checked = 0;
    for (example, out) in crate::build::built_examples("containerd") {
        for config in crate::build::files_below(&out, "config.toml") {
            let output = std::process::Command::new("containerd")
                .args(["--config", config.to_str().expect("utf-8"), "config", "dump"])
                .output()
                .unwrap_or_else(|err| panic!("containerd runs (tests/run.sh installs it): {err}"));
            let dump = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "{}: {}",
                example.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(dump.contains("SystemdCgroup = true"), "{}: {}", config.display(), dump);
            assert!(
                dump.contains("config_path = \"/etc/containerd/certs.d\""),
                "{}",
                config.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} configurations");
}

/// A node pulls the primary's images from its own data centre's registry first, and an
/// `insecure` registry is reached without verifying its certificate.
#[test]
fn nodes_pull_from_their_data_centres_registry() {
    let text = std::fs::read_to_string(crate::root().join("examples/000-four-layer.k8s")).expect("readable");
    let text = text
        .replace(
            "physical_host pm2 {\n  rack = \"r2\"\n}",
            "physical_host pm2 {\n  rack = \"r2\"\n  datacenter = \"dc2\"\n}",
        )
        .replace(
            "  datacenter = \"dc2\"\n  credential",
            "  datacenter = \"dc2\"\n  insecure = true\n  credential",
        );
    assert!(text.contains("insecure = true"));
    let output = emit_text("dc2.k8s", &text);
    let hosts: Vec<(&String, &k8sc::emit::OutputFile)> = output
        .files
        .iter()
        .filter(|(path, _)| path.ends_with("/hosts.toml"))
        .collect();
    assert!(!hosts.is_empty());
    let mut in_dc2 = 0;
    for (path, file) in hosts {
        assert!(
            path.contains("/etc/containerd/certs.d/harbor.example.com/"),
            "{path}: for the primary's images"
        );
        let (accepted, report) = python(&[
            "-c".into(),
            "import sys, tomllib; tomllib.loads(sys.argv[1])".into(),
            file.contents.clone(),
        ]);
        assert!(accepted, "{path}: not TOML: {report}");
        if file.contents.contains("[host.\"https://harbor.dr.example.com\"]") {
            assert!(
                file.contents.contains("skip_verify = true"),
                "{path}: insecure is honoured"
            );
            in_dc2 += 1;
        } else {
            assert!(
                file.contents.contains("[host.\"https://harbor.example.com\"]"),
                "{path}"
            );
        }
    }
    assert!(in_dc2 >= 1, "the nodes on pm2 pull from dc2's registry");
}

/// apply.sh runs twice against a stand-in for Harbor's API on loopback: the second run
/// updates what the first created, and fails on no conflict.
#[test]
fn harbor_apply_runs_twice() {
    for (example, out) in crate::build::built_examples("harbor-apply") {
        if !out.join("harbor/apply.sh").exists() {
            continue;
        }
        let (accepted, report) = python(&[
            "tests/validators/fake_harbor.py".into(),
            out.join("harbor").to_string_lossy().into_owned(),
        ]);
        assert!(accepted, "{}: {report}", example.display());
    }
}

/// Harbor ANDs a policy's filters: each filter record is an alternative of its own.
#[test]
fn each_filter_record_is_a_policy_of_its_own() {
    let text = std::fs::read_to_string(crate::root().join("examples/000-four-layer.k8s")).expect("readable");
    let text = text.replace(
        "  filters = [{ name = \"library/**\" }]",
        "  filters = [{ name = \"library/**\" }, { name = \"base/**\", tag = \"v*\" }]",
    );
    assert!(text.contains("base/**"));
    let output = emit_text("filters.k8s", &text);
    let policies: Vec<serde_json::Value> = (output.files.iter())
        .filter(|(path, _)| path.starts_with("harbor/policies/nightly_to_dr"))
        .map(|(_, file)| serde_json::from_str(&file.contents).expect("JSON"))
        .collect();
    assert_eq!(policies.len(), 2, "one policy per filter record");
    let names: Vec<Vec<&str>> = policies
        .iter()
        .map(|policy| {
            (policy["filters"].as_array().into_iter().flatten())
                .filter(|filter| filter["type"] == "name")
                .filter_map(|filter| filter["value"].as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        names,
        vec![vec!["library/**"], vec!["base/**"]],
        "never two name filters in one policy"
    );
    let script = &output.files["harbor/apply.sh"].contents;
    assert!(script.contains("policies/nightly_to_dr-1.json") && script.contains("policies/nightly_to_dr-2.json"));
}

/// The real drbdadm accepts every DRBD resource file, as each of its two nodes.
#[test]
fn drbdadm_accepts_every_drbd_resource_file() {
    let mut checked = 0;
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        let root = crate::build::write_tree(
            &format!("drbd-{}", example.file_stem().expect("a stem").to_string_lossy()),
            &output,
        );
        let text = std::fs::read_to_string(&example).expect("readable");
        let compilation = k8sc::compile_with("e.k8s", &text, &crate::build::secrets());
        let model = &compilation.model;
        for path in output.files.keys().filter(|path| path.ends_with(".res")) {
            let node = path.trim_start_matches("hosts/").split('/').next().expect("a node");
            let id = crate::by_name::all(model, "node")
                .find(|id| model.name(*id) == node)
                .expect("the node");
            let address = crate::by_name::ipv4(model, id, "address")
                .expect("an address")
                .to_string();
            let file = root.join(path);
            let output = std::process::Command::new("bash")
                .args([
                    "tests/validators/drbd.sh",
                    file.to_str().expect("utf-8"),
                    node,
                    &address,
                ])
                .current_dir(crate::root())
                .output()
                .expect("bash");
            assert!(
                output.status.success(),
                "drbdadm rejects {path} (tests/run.sh installs drbd-utils): {}",
                String::from_utf8_lossy(&output.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked} resource files");
}

/// The real haproxy runs each node's emitted configuration and the emitted keepalived
/// check runs against it (tests/validators/apiserver_check.sh): the check passes while
/// haproxy serves and fails once haproxy is stopped, so keepalived moves the VIP away
/// from a node whose haproxy died.
#[test]
fn the_apiserver_check_follows_the_real_haproxy() {
    let mut checked = 0;
    for (example, out) in crate::build::built_examples("apiserver-check") {
        for script in crate::build::files_below(&out, "check_apiserver.sh") {
            let node = script
                .parent()
                .and_then(|p| p.parent())
                .and_then(|p| p.parent())
                .expect("hosts/<node>");
            if !node.join("etc/haproxy/haproxy.cfg").exists() {
                continue;
            }
            let output = std::process::Command::new("bash")
                .args(["tests/validators/apiserver_check.sh", node.to_str().expect("utf-8")])
                .current_dir(crate::root())
                .output()
                .expect("bash");
            assert!(
                output.status.success(),
                "{}: {}: {}{}",
                example.display(),
                node.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "{checked} nodes checked");
}

/// The external etcd members run the release's etcd or newer: the playbook's own version
/// tasks, run by ansible-playbook on this machine against a stand-in etcd that prints a
/// version, refuse Debian 12's 3.4.23 with the message that says what to do, and take the
/// pinned one and a newer one.
#[test]
fn the_playbook_refuses_an_etcd_older_than_the_release_pins() {
    let output = emit_example(&crate::root().join("examples/003-minimal-production.k8s"));
    let inventory: Value = serde_yaml::from_str(&output.files["ansible/inventory.yaml"].contents).expect("YAML");
    let pinned = inventory["all"]["vars"]["k8sc_etcd_version"]
        .as_str()
        .expect("a pinned etcd");
    assert_eq!(pinned, "3.6.8", "1.36's kubeadm deploys etcd 3.6.8");
    let site: Value = serde_yaml::from_str(&output.files["ansible/site.yml"].contents).expect("YAML");
    let play = (site.as_sequence().into_iter().flatten())
        .find(|play| play["name"] == "Start the external etcd members")
        .expect("the etcd play");
    let dir = crate::build::scratch_dir("etcd-version-gate");
    let stub = dir.join("etcd");
    let tasks: Vec<Value> = (play["tasks"].as_sequence().into_iter().flatten())
        .filter(|task| {
            matches!(
                task["name"].as_str(),
                Some("Read the installed etcd's version" | "Etcd is the release's own or newer")
            )
        })
        .cloned()
        .collect();
    assert_eq!(tasks.len(), 2, "the version tasks");
    let text = serde_yaml::to_string(&tasks)
        .expect("YAML")
        .replace("/usr/local/bin/etcd", &stub.to_string_lossy());
    let playbook = format!(
        "- name: The version gate\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n{}",
        text.lines().map(|line| format!("    {line}\n")).collect::<String>()
    );
    std::fs::write(dir.join("gate.yml"), playbook).expect("write");
    let run = |version: &str| {
        std::fs::write(
            &stub,
            format!("#!/bin/sh\necho 'etcd Version: {version}'\necho 'Git SHA: 0'\n"),
        )
        .expect("stub");
        let mut permissions = std::fs::metadata(&stub).expect("stub").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&stub, permissions).expect("chmod");
        let output = std::process::Command::new("ansible-playbook")
            .args([
                "-i",
                "localhost,",
                "gate.yml",
                "-e",
                &format!("k8sc_etcd_version={pinned}"),
            ])
            .current_dir(&dir)
            .env("ANSIBLE_LOCAL_TEMP", dir.join(".ansible-tmp"))
            .env("ANSIBLE_HOME", dir.join(".ansible"))
            .output()
            .expect("ansible-playbook runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (ok, said) = run("3.4.23");
    assert!(
        !ok && said.contains("k8sc_etcd_binary"),
        "Debian 12's etcd passed: {said}"
    );
    for version in [pinned, "3.7.0"] {
        let (ok, said) = run(version);
        assert!(ok, "etcd {version} was refused: {said}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
