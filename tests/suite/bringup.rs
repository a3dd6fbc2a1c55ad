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
                assert_eq!(container["securityContext"]["runAsUser"], 101, "{path}");
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
    // Without a route to it, the policy admits only what `allow_from` names.
    let plain = documents_of("examples/000-four-layer.k8s");
    let (_, policy) = of_kind(&plain, "NetworkPolicy")
        .find(|(_, policy)| policy["metadata"]["name"] == "catalog")
        .expect("catalog's policy");
    assert_eq!(
        policy["spec"]["ingress"][0]["from"].as_sequence().map(Vec::len),
        Some(1)
    );
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
