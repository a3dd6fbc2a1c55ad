//! The NetworkPolicies let through what the platform needs and nothing else. No control
//! plane here runs traffic, so this holds the emitted policies to the Kubernetes
//! NetworkPolicy semantics by evaluation: a small evaluator of its own (peers, namespace
//! and pod selectors, IP blocks, ports, policy types, additive policies) over the pods of
//! the built tree.
//!
//! What must flow is read from the built tree too, not from k8sc's model: every Ingress's
//! controller pods (from their node's address on the host network) to the pods behind the
//! Ingress's Service port; every init container that waits for a Service, from its pods to
//! the pods behind that Service; every pod to the cluster's DNS. What must not flow: any
//! other pair of workloads in a namespace that denies by default.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::Deserialize;
use serde_yaml::Value;

/// One workload's pods as a policy sees them.
#[derive(Debug, Clone)]
struct Pods {
    name: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    /// Where a host-network pod sends from: its nodes' addresses. Empty for pod-network.
    host_addresses: Vec<Ipv4Addr>,
    /// (container port, protocol), and the port's name.
    ports: Vec<(i64, String, String)>,
    /// An ingress controller's (from `kubernetes/ingress/`).
    controller: bool,
}

/// A source of traffic: pods, or a node's address.
enum From<'p> {
    Pods(&'p Pods),
    Address(Ipv4Addr),
}

struct Tree {
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
    pods: Vec<Pods>,
    policies: Vec<Value>,
    services: Vec<Value>,
    ingresses: Vec<Value>,
    ingress_classes: BTreeMap<String, String>,
}

fn strings(value: &Value) -> BTreeMap<String, String> {
    (value.as_mapping().into_iter().flatten())
        .filter_map(|(key, value)| Some((key.as_str()?.to_string(), value.as_str()?.to_string())))
        .collect()
}

fn read(output: &k8sc::emit::Output) -> Tree {
    let addresses: BTreeMap<String, Ipv4Addr> = output
        .files
        .get("lab/plan.json")
        .and_then(|plan| serde_json::from_str::<serde_json::Value>(&plan.contents).ok())
        .map(|plan| {
            (plan["nodes"].as_array().into_iter().flatten())
                .filter_map(|node| {
                    // The plan names nodes as the source does; the manifests as Kubernetes.
                    Some((
                        k8sc::platform::names::k8s_name(node["name"].as_str()?),
                        node["address"].as_str()?.parse().ok()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut tree = Tree {
        namespaces: BTreeMap::new(),
        pods: Vec::new(),
        policies: Vec::new(),
        services: Vec::new(),
        ingresses: Vec::new(),
        ingress_classes: BTreeMap::new(),
    };
    // The cluster's DNS, as kubeadm deploys it.
    tree.namespaces.insert(
        "kube-system".into(),
        BTreeMap::from([("kubernetes.io/metadata.name".into(), "kube-system".into())]),
    );
    tree.pods.push(Pods {
        name: "coredns".into(),
        namespace: "kube-system".into(),
        labels: BTreeMap::from([("k8s-app".into(), "kube-dns".into())]),
        host_addresses: Vec::new(),
        ports: vec![(53, "UDP".into(), "dns".into()), (53, "TCP".into(), "dns-tcp".into())],
        controller: false,
    });
    for (path, file) in &output.files {
        if !path.starts_with("kubernetes/") || !path.ends_with(".yaml") || path.starts_with("kubernetes/cni/") {
            continue;
        }
        for document in serde_yaml::Deserializer::from_str(&file.contents) {
            let value = Value::deserialize(document).expect("YAML");
            let kind = value["kind"].as_str().unwrap_or_default();
            let namespace = value["metadata"]["namespace"].as_str().unwrap_or_default().to_string();
            match kind {
                "Namespace" => {
                    let name = value["metadata"]["name"].as_str().unwrap_or_default().to_string();
                    let mut labels = strings(&value["metadata"]["labels"]);
                    labels.insert("kubernetes.io/metadata.name".into(), name.clone());
                    tree.namespaces.insert(name, labels);
                }
                "Deployment" | "StatefulSet" | "DaemonSet" => {
                    let spec = &value["spec"]["template"]["spec"];
                    let host_addresses = if spec["hostNetwork"] == true {
                        let nodes = &spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                            ["nodeSelectorTerms"][0]["matchExpressions"][0]["values"];
                        (nodes.as_sequence().into_iter().flatten())
                            .filter_map(|node| addresses.get(node.as_str()?).copied())
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let ports = (spec["containers"].as_sequence().into_iter().flatten())
                        .flat_map(|container| container["ports"].as_sequence().cloned().unwrap_or_default())
                        .map(|port| {
                            (
                                port["containerPort"].as_i64().unwrap_or(0),
                                port["protocol"].as_str().unwrap_or("TCP").to_string(),
                                port["name"].as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect();
                    tree.pods.push(Pods {
                        name: value["metadata"]["name"].as_str().unwrap_or_default().to_string(),
                        namespace,
                        labels: strings(&value["spec"]["template"]["metadata"]["labels"]),
                        host_addresses,
                        ports,
                        controller: path.starts_with("kubernetes/ingress/"),
                    });
                }
                "NetworkPolicy" => tree.policies.push(value),
                "Service" => tree.services.push(value),
                "Ingress" => tree.ingresses.push(value),
                "IngressClass" => {
                    let name = value["metadata"]["name"].as_str().unwrap_or_default().to_string();
                    // The controller's Deployment carries the class's own name label.
                    let controller = value["metadata"]["labels"]["app.kubernetes.io/name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    tree.ingress_classes.insert(name, controller);
                }
                _ => {}
            }
        }
    }
    tree
}

/// A label selector (matchLabels only: k8sc writes no expressions) against labels.
fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    assert!(
        selector["matchExpressions"].is_null(),
        "the evaluator reads matchLabels only: {selector:?}"
    );
    strings(&selector["matchLabels"])
        .iter()
        .all(|(key, value)| labels.get(key) == Some(value))
}

fn in_block(block: &Value, address: Ipv4Addr) -> bool {
    let within = |cidr: &str| {
        let (base, bits) = cidr.split_once('/').expect("a CIDR");
        let base: Ipv4Addr = base.parse().expect("an IPv4 CIDR");
        let bits: u32 = bits.parse().expect("a prefix");
        let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
        u32::from(base) & mask == u32::from(address) & mask
    };
    within(block["cidr"].as_str().unwrap_or("255.255.255.255/32"))
        && !(block["except"].as_sequence().into_iter().flatten()).any(|except| within(except.as_str().unwrap_or("")))
}

/// Whether a peer of a policy in `namespace` matches `from`.
fn peer_matches(tree: &Tree, peer: &Value, namespace: &str, from: &From<'_>) -> bool {
    if !peer["ipBlock"].is_null() {
        return match from {
            From::Address(address) => in_block(&peer["ipBlock"], *address),
            // Pod addresses are not known here; k8sc admits pods by selectors.
            From::Pods(_) => false,
        };
    }
    let From::Pods(pods) = from else { return false };
    let namespace_ok = if peer["namespaceSelector"].is_null() {
        pods.namespace == namespace
    } else {
        let labels = tree.namespaces.get(&pods.namespace).cloned().unwrap_or_default();
        selects(&peer["namespaceSelector"], &labels)
    };
    let pods_ok = peer["podSelector"].is_null() || selects(&peer["podSelector"], &pods.labels);
    namespace_ok && pods_ok
}

fn port_matches(rule_ports: &Value, port: i64, protocol: &str, name: &str) -> bool {
    let Some(ports) = rule_ports.as_sequence() else {
        return true;
    };
    ports.is_empty()
        || ports.iter().any(|rule| {
            let rule_protocol = rule["protocol"].as_str().unwrap_or("TCP");
            let number = match &rule["port"] {
                Value::Number(number) => number.as_i64() == Some(port),
                Value::String(named) => named == name,
                Value::Null => true,
                _ => false,
            };
            let ranged = rule["endPort"]
                .as_i64()
                .is_some_and(|end| rule["port"].as_i64().is_some_and(|start| (start..=end).contains(&port)));
            rule_protocol == protocol && (number || ranged)
        })
}

/// Whether traffic from `from` to `to` on a port is allowed by both sides' policies.
fn allowed(tree: &Tree, from: &From<'_>, to: &Pods, port: i64, protocol: &str, name: &str) -> bool {
    let applying = |pods: &Pods, direction: &str| -> Vec<&Value> {
        (tree.policies.iter())
            .filter(|policy| policy["metadata"]["namespace"].as_str() == Some(pods.namespace.as_str()))
            .filter(|policy| selects(&policy["spec"]["podSelector"], &pods.labels))
            .filter(|policy| {
                (policy["spec"]["policyTypes"].as_sequence().into_iter().flatten())
                    .any(|kind| kind.as_str() == Some(direction))
            })
            .collect()
    };
    let ingress = applying(to, "Ingress");
    let admitted = ingress.is_empty()
        || ingress.iter().any(|policy| {
            (policy["spec"]["ingress"].as_sequence().into_iter().flatten()).any(|rule| {
                let peers_ok = match rule["from"].as_sequence() {
                    None => true,
                    Some(peers) => {
                        peers.is_empty() || peers.iter().any(|peer| peer_matches(tree, peer, &to.namespace, from))
                    }
                };
                peers_ok && port_matches(&rule["ports"], port, protocol, name)
            })
        });
    let sent = match from {
        // A host-network pod is outside every policy.
        From::Address(_) => true,
        From::Pods(pods) => {
            let egress = applying(pods, "Egress");
            egress.is_empty()
                || egress.iter().any(|policy| {
                    (policy["spec"]["egress"].as_sequence().into_iter().flatten()).any(|rule| {
                        let peers_ok = match rule["to"].as_sequence() {
                            None => true,
                            Some(peers) => {
                                peers.is_empty()
                                    || peers
                                        .iter()
                                        .any(|peer| peer_matches(tree, peer, &pods.namespace, &From::Pods(to)))
                            }
                        };
                        peers_ok && port_matches(&rule["ports"], port, protocol, name)
                    })
                })
        }
    };
    admitted && sent
}

/// The pods a Service sends to, and the container port behind one of its ports.
fn behind<'t>(tree: &'t Tree, namespace: &str, service: &str, port: &Value) -> Option<(&'t Pods, i64, String, String)> {
    let service = (tree.services.iter()).find(|candidate| {
        candidate["metadata"]["name"].as_str() == Some(service)
            && candidate["metadata"]["namespace"].as_str() == Some(namespace)
    })?;
    let selector = strings(&service["spec"]["selector"]);
    let pods = (tree.pods.iter())
        .find(|pods| pods.namespace == namespace && selector.iter().all(|(k, v)| pods.labels.get(k) == Some(v)))?;
    let spec = (service["spec"]["ports"].as_sequence().into_iter().flatten()).find(|candidate| match port {
        Value::Number(number) => candidate["port"].as_i64() == number.as_i64(),
        Value::String(name) => candidate["name"].as_str() == Some(name),
        _ => false,
    })?;
    let target = &spec["targetPort"];
    let (number, protocol, name) = (pods.ports.iter()).find(|(number, _, name)| match target {
        Value::Number(wanted) => wanted.as_i64() == Some(*number),
        Value::String(wanted) => wanted == name,
        _ => spec["port"].as_i64() == Some(*number),
    })?;
    Some((pods, *number, protocol.clone(), name.clone()))
}

/// Every flow the built tree needs, and whether each is allowed; then every other pair
/// of workloads on the receiver's first port, which must be denied where its namespace
/// denies by default. Returns what is wrong.
pub fn judge(output: &k8sc::emit::Output) -> (Vec<String>, usize) {
    let tree = read(output);
    let mut wrong = Vec::new();
    let mut needed: Vec<(String, String)> = Vec::new();
    // The node addresses a host-network controller reaches an app from: another host-network
    // pod on one of those nodes sends from the same address.
    let mut reached_from: Vec<(Ipv4Addr, String)> = Vec::new();
    let mut flows = 0;
    // The ingress controllers to the apps of their routes.
    for ingress in &tree.ingresses {
        let namespace = ingress["metadata"]["namespace"].as_str().unwrap_or_default();
        // A route with no controller of the platform's is served by none (nothing flows).
        let Some(class) = ingress["spec"]["ingressClassName"].as_str() else {
            continue;
        };
        let controller = (tree.ingress_classes.get(class)).and_then(|name| {
            tree.pods
                .iter()
                .find(|pods| pods.controller && pods.labels.get("app.kubernetes.io/name") == Some(name))
        });
        let Some(controller) = controller else {
            wrong.push(format!(
                "Ingress {namespace}/{}: no controller for class {class}",
                ingress["metadata"]["name"].as_str().unwrap_or("?")
            ));
            continue;
        };
        for rule in ingress["spec"]["rules"].as_sequence().into_iter().flatten() {
            for path in rule["http"]["paths"].as_sequence().into_iter().flatten() {
                let backend = &path["backend"]["service"];
                let service = backend["name"].as_str().unwrap_or_default();
                let port = if backend["port"]["number"].is_null() {
                    &backend["port"]["name"]
                } else {
                    &backend["port"]["number"]
                };
                let Some((pods, number, protocol, name)) = behind(&tree, namespace, service, port) else {
                    wrong.push(format!("Ingress {namespace}: no pods behind Service {service}"));
                    continue;
                };
                needed.push((controller.name.clone(), pods.name.clone()));
                let sources: Vec<From<'_>> = if controller.host_addresses.is_empty() {
                    vec![From::Pods(controller)]
                } else {
                    controller
                        .host_addresses
                        .iter()
                        .map(|address| From::Address(*address))
                        .collect()
                };
                for from in &sources {
                    if let From::Address(address) = from {
                        reached_from.push((*address, pods.name.clone()));
                    }
                    flows += 1;
                    if !allowed(&tree, from, pods, number, &protocol, &name) {
                        wrong.push(format!(
                            "cut: ingress controller {} to {}/{} port {number}",
                            controller.name, pods.namespace, pods.name
                        ));
                    }
                }
            }
        }
    }
    // Every app to what it waits for, and to the cluster's DNS.
    let dns = tree.pods.iter().find(|pods| pods.name == "coredns").expect("the DNS");
    for document in output
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("kubernetes/apps/"))
    {
        for value in serde_yaml::Deserializer::from_str(&document.1.contents) {
            let value = Value::deserialize(value).expect("YAML");
            let spec = &value["spec"]["template"]["spec"];
            if spec.is_null() {
                continue;
            }
            let name = value["metadata"]["name"].as_str().unwrap_or_default();
            let namespace = value["metadata"]["namespace"].as_str().unwrap_or_default();
            let app = (tree.pods.iter())
                .find(|pods| pods.name == name && pods.namespace == namespace)
                .expect("read");
            for (port, protocol) in [(53, "UDP"), (53, "TCP")] {
                flows += 1;
                if !allowed(&tree, &From::Pods(app), dns, port, protocol, "") {
                    wrong.push(format!(
                        "cut: {namespace}/{name} to the cluster's DNS on {port}/{protocol}"
                    ));
                }
            }
            for wait in spec["initContainers"].as_sequence().into_iter().flatten() {
                let args: Vec<&str> = (wait["command"].as_sequence().into_iter().flatten())
                    .filter_map(Value::as_str)
                    .collect();
                let [_, _, _, host, port] = args[..] else { continue };
                let mut parts = host.split('.');
                let (Some(service), Some(service_namespace)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let port = Value::Number(port.parse::<i64>().expect("a port").into());
                let Some((pods, number, protocol, port_name)) = behind(&tree, service_namespace, service, &port) else {
                    wrong.push(format!("{namespace}/{name} waits for {host}, which has no pods"));
                    continue;
                };
                needed.push((app.name.clone(), pods.name.clone()));
                flows += 1;
                if !allowed(&tree, &From::Pods(app), pods, number, &protocol, &port_name) {
                    wrong.push(format!(
                        "cut: {namespace}/{name} to its dependency {}/{} port {number}",
                        pods.namespace, pods.name
                    ));
                }
            }
        }
    }
    // Nothing else, where a namespace denies by default: each workload to each other one
    // it has no declared reason to reach.
    let denying: Vec<&str> = (tree.policies.iter())
        .filter(|policy| policy["metadata"]["name"] == "default-deny")
        .filter_map(|policy| policy["metadata"]["namespace"].as_str())
        .collect();
    for to in tree
        .pods
        .iter()
        .filter(|pods| denying.contains(&pods.namespace.as_str()))
    {
        let Some((port, protocol, port_name)) = to.ports.first() else {
            continue;
        };
        for from in tree
            .pods
            .iter()
            .filter(|pods| pods.name != to.name || pods.namespace != to.namespace)
        {
            if from.name == "coredns" || needed.contains(&(from.name.clone(), to.name.clone())) {
                continue;
            }
            // Admitted on purpose: an `allow_from` of its namespace or of the app.
            let policy = (tree.policies.iter()).find(|policy| {
                policy["metadata"]["namespace"].as_str() == Some(to.namespace.as_str())
                    && policy["metadata"]["name"].as_str() == Some(to.name.as_str())
            });
            let by_allow_from = policy.is_some_and(|policy| {
                (policy["spec"]["ingress"][0]["from"].as_sequence().into_iter().flatten()).any(|peer| {
                    peer["ipBlock"].is_null() && peer_matches(&tree, peer, &to.namespace, &From::Pods(from))
                })
            });
            if by_allow_from {
                continue;
            }
            let sources: Vec<From<'_>> = if from.host_addresses.is_empty() {
                vec![From::Pods(from)]
            } else {
                from.host_addresses
                    .iter()
                    .map(|address| From::Address(*address))
                    .collect()
            };
            for source in &sources {
                if let From::Address(address) = source
                    && reached_from.contains(&(*address, to.name.clone()))
                {
                    continue;
                }
                flows += 1;
                if allowed(&tree, source, to, *port, protocol, port_name) {
                    wrong.push(format!(
                        "open: {}/{} to {}/{} port {port}, which nothing declares",
                        from.namespace, from.name, to.namespace, to.name
                    ));
                }
            }
        }
    }
    (wrong, flows)
}

#[test]
fn the_network_policies_let_through_what_the_platform_needs_and_nothing_else() {
    let mut checked = 0;
    let mut flows = 0;
    let mut problems = Vec::new();
    for source in crate::controlplane::platforms() {
        let (_, _, output) = crate::controlplane::built(&source);
        for (cluster, output) in crate::controlplane::cluster_outputs(&output) {
            let (wrong, judged) = judge(&output);
            flows += judged;
            checked += 1;
            problems.extend(
                wrong
                    .into_iter()
                    .map(|problem| format!("{} {cluster}: {problem}", source.display())),
            );
        }
    }
    eprintln!("{checked} platforms, {flows} flows judged");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(flows > 300, "too few flows judged: {flows}");
}

/// The evaluator itself: an open namespace allows everything; a default deny cuts a flow a
/// policy does not open, and DNS stays open.
#[test]
fn the_evaluator_hears_a_cut_and_an_opening() {
    let (_, _, output) = crate::controlplane::built(&crate::root().join("examples/000-four-layer.k8s"));
    assert!(judge(&output).0.is_empty(), "{:?}", judge(&output).0);
    // Drop the app's own policy: the route's controller is cut by the default deny.
    let mut cut = output.clone();
    for file in cut.files.values_mut() {
        file.contents = file.contents.replace("kind: NetworkPolicy\nmetadata:\n  labels:\n    app.kubernetes.io/managed-by: k8sc\n    app.kubernetes.io/name:", "kind: ConfigMap\nmetadata:\n  labels:\n    app.kubernetes.io/managed-by: k8sc\n    app.kubernetes.io/name:");
    }
    let (wrong, _) = judge(&cut);
    assert!(
        wrong
            .iter()
            .any(|problem| problem.starts_with("cut: ingress controller")),
        "{wrong:?}"
    );
    // Drop the default deny's DNS rule: every app is cut from DNS.
    let mut no_dns = output.clone();
    for file in no_dns.files.values_mut() {
        file.contents = file.contents.replace("k8s-app: kube-dns", "k8s-app: nothing");
    }
    let (wrong, _) = judge(&no_dns);
    assert!(
        wrong.iter().any(|problem| problem.contains("the cluster's DNS")),
        "{wrong:?}"
    );
    // Let the policies govern egress only: the evaluator sees what nothing declares.
    let mut opened = output.clone();
    for file in opened.files.values_mut() {
        file.contents = file
            .contents
            .replace("  policyTypes:\n  - Ingress\n  - Egress", "  policyTypes:\n  - Egress");
    }
    let (wrong, _) = judge(&opened);
    assert!(wrong.iter().any(|problem| problem.starts_with("open:")), "{wrong:?}");
}
