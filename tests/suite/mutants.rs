//! What `check` lets through, the real programs run. The passing cases and the examples,
//! mutated the way people edit platforms (a declaration copied, a choice or a number
//! changed, a list shortened or repeated, a name rewritten, a reference pointed
//! elsewhere, a field added or deleted, a constant's value or a pool's size changed),
//! either get a diagnostic with a code and a span
//! in the file, or build. Every distinct
//! haproxy.cfg, keepalived.conf, exports file, DRBD resource and containerd configuration
//! a build emits is accepted by haproxy, keepalived, exportfs, drbdadm and containerd;
//! its manifests by `kubectl kustomize` and, with its kubeadm files, by their strict
//! schemas; and a production mutant survives the loss of each failure domain as
//! `simulate` tells it. A mutant that breaks this is printed, to become a case.
//! `K8SC_MUTANTS=N` and `K8SC_MUTANT_SEED=S` run a longer or another sweep by hand; the
//! suite runs the same 400 every time.

use std::collections::HashSet;
use std::path::Path;

use k8sc::emit::Templates;

use crate::build::{assert_valid, files_named, run_validator, with_bootstrap, write_tree};
use crate::no_panic::Rng;

/// The choices a mutant may swap a field to, by field name.
const CHOICES: &[(&str, &[&str])] = &[
    ("software", &["haproxy", "lvs"]),
    ("mode", &["tcp", "http"]),
    ("track", &["apiserver", "haproxy", "ingress", "nfs", "none"]),
    ("expose", &["host_network", "external_ips", "load_balancer"]),
    ("anti_affinity", &["required", "preferred", "none"]),
    ("spread", &["host", "rack", "zone"]),
    ("workload", &["stateless", "stateful", "daemon"]),
    ("etcd", &["stacked", "external"]),
    ("profile", &["dev", "production"]),
    ("cni", &["flannel", "calico", "cilium", "weave"]),
];

const NUMBERS: &[&str] = &[
    "0", "1", "2", "3", "80", "443", "2379", "6443", "8080", "10250", "65535",
];

const STRINGS: &[&str] = &[
    "",
    "a b",
    "x",
    "web",
    "eth0",
    "eth1",
    "/srv/nfs",
    "/dev/drbd0",
    "r0",
    "/",
];

/// The fields whose string a mutant may rewrite.
const STRING_FIELDS: &[&str] = &[
    "name",
    "path",
    "host",
    "mount",
    "resource",
    "device",
    "disk",
    "interface",
    "pool",
];

/// Fields a mutant may add to a declaration of a kind (a repeat of one already written
/// is E0105, which is a diagnostic too).
const ADDITIONS: &[(&str, &[&str])] = &[
    (
        "cluster",
        &[
            "etcd = external",
            "cni = flannel",
            "cni = cilium",
            "cni = weave",
            "profile = dev",
            "apiserver_port = 8443",
            "version = \"1.31.1\"",
            "version = \"1.27.3\"",
            "proxy_mode = iptables",
            "pod_cidr = 10.0.0.0/16",
        ],
    ),
    ("physical_host", &["rack = \"r9\"", "zone = \"z9\""]),
    (
        "node",
        &[
            "interface = \"eth1\"",
            "pool = \"gpu\"",
            "gpu = true",
            "cpu = 1",
            "memory = 2Gi",
            "reserved = { cpu = 1, memory = 2Gi }",
            "labels = { tier = \"edge\" }",
        ],
    ),
    (
        "vip_group",
        &[
            "track = haproxy",
            "track = apiserver",
            "track = ingress",
            "track = nfs",
            "preempt = false",
            "preempt = true",
            "priorities = [150, 100]",
            "router_id = 51",
            "advert_interval = 100ms",
            "check_interval = 1s",
            "check_fall = 5",
            "interface = \"eth1\"",
        ],
    ),
    ("load_balancer", &["software = lvs", "software = haproxy"]),
    (
        "ingress_controller",
        &[
            "expose = external_ips",
            "expose = load_balancer",
            "replicas = 3",
            "anti_affinity = preferred",
            "http_port = 8080",
        ],
    ),
    (
        "app",
        &[
            "placement = { spread = rack }",
            "placement = { spread = zone }",
            "placement = { anti_affinity = preferred }",
            "placement = { pool = \"gpu\" }",
            "autoscaling = { min = 2, max = 4 }",
            "requests = { cpu = 100m, memory = 128Mi }",
            "limits = { memory = 256Mi }",
            "ports = [{ name = \"http\", port = 8080 }]",
            "readiness = { port = 8080 }",
            "workload = stateful",
            "workload = daemon",
            "run_as_user = 1000",
            "replicas = 3",
        ],
    ),
    (
        "nfs_export",
        &["options = [rw, async]", "options = [ro, subtree_check]", "fsid = 1"],
    ),
    ("route", &["tls = true", "path = \"/api\"", "tls_secret = \"web-tls\""]),
];

/// How many mutants the test builds, and from which seed (each seed gives the same ones).
const MUTANTS: usize = 400;
const SEED: u64 = 0x853c_49e6_748f_ea9b;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// `  key = value` lines: (line index, key, value).
fn fields(lines: &[String]) -> Vec<(usize, String, String)> {
    (lines.iter().enumerate())
        .filter_map(|(at, line)| {
            let rest = line.strip_prefix("  ")?;
            let (key, value) = rest.split_once(" = ")?;
            (!key.starts_with(' ') && key.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
                .then(|| (at, key.to_string(), value.to_string()))
        })
        .collect()
}

fn pick<'a, T>(items: &'a [T], rng: &mut Rng) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.below(items.len())])
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let fields = fields(&lines);
    match rng.below(9) {
        // A declaration copied under a new name, on new addresses.
        0 => {
            let starts: Vec<usize> = (lines.iter().enumerate())
                .filter(|(_, line)| {
                    line.ends_with(" {")
                        && line.chars().next().is_some_and(|ch| ch.is_ascii_lowercase())
                        && line.split(' ').count() >= 3
                })
                .map(|(at, _)| at)
                .collect();
            if let Some(&start) = pick(&starts, rng) {
                let end = (start..lines.len())
                    .find(|at| lines[*at] == "}")
                    .unwrap_or(lines.len() - 1);
                let mut copy: Vec<String> = lines[start..=end].to_vec();
                let words: Vec<&str> = copy[0].split(' ').collect();
                copy[0] = format!("{} {}_x {}", words[0], words[1], words[2..].join(" "));
                for line in &mut copy {
                    if let Some(address) = line.strip_prefix("  address = 10.") {
                        let octets: Vec<&str> = address.split('.').collect();
                        if let [a, b, c] = octets.as_slice()
                            && let Ok(last) = c.parse::<u32>()
                        {
                            *line = format!("  address = 10.{a}.{b}.{}", (last + 100) % 250 + 1);
                        }
                    }
                }
                lines.push(String::new());
                lines.extend(copy);
            }
        }
        // A choice changed.
        1 => {
            let choices: Vec<&(usize, String, String)> = (fields.iter())
                .filter(|(_, key, _)| CHOICES.iter().any(|(name, _)| name == key))
                .collect();
            if let Some((at, key, _)) = pick(&choices, rng).copied() {
                let variants = CHOICES.iter().find(|(name, _)| name == key).map_or(&[][..], |(_, v)| v);
                if let Some(variant) = pick(variants, rng) {
                    lines[*at] = format!("  {key} = {variant}");
                }
            }
        }
        // A number changed.
        2 => {
            let numbers: Vec<&(usize, String, String)> = (fields.iter())
                .filter(|(_, _, value)| !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()))
                .collect();
            if let (Some((at, key, _)), Some(number)) = (pick(&numbers, rng).copied(), pick(NUMBERS, rng)) {
                lines[*at] = format!("  {key} = {number}");
            }
        }
        // A list of names shortened, reordered or given a repeat.
        3 => {
            let lists: Vec<&(usize, String, String)> = (fields.iter())
                .filter(|(_, _, value)| {
                    value.starts_with('[')
                        && value.ends_with(']')
                        && value[1..value.len() - 1].split(", ").all(|item| {
                            !item.is_empty() && item.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                        })
                })
                .collect();
            if let Some((at, key, value)) = pick(&lists, rng).copied() {
                let mut items: Vec<&str> = value[1..value.len() - 1].split(", ").collect();
                match rng.below(3) {
                    0 => {
                        items.pop();
                    }
                    1 => items.reverse(),
                    _ => {
                        let again = items[rng.below(items.len())];
                        items.push(again);
                    }
                }
                lines[*at] = format!("  {key} = [{}]", items.join(", "));
            }
        }
        // A name or path rewritten.
        4 => {
            let strings: Vec<&(usize, String, String)> = (fields.iter())
                .filter(|(_, key, value)| STRING_FIELDS.contains(&key.as_str()) && value.starts_with('"'))
                .collect();
            if let (Some((at, key, _)), Some(text)) = (pick(&strings, rng).copied(), pick(STRINGS, rng)) {
                lines[*at] = format!("  {key} = \"{text}\"");
            }
        }
        // A field added to a declaration.
        5 => {
            let starts: Vec<(usize, &[&str])> = (lines.iter().enumerate())
                .filter_map(|(at, line)| {
                    let kind = line.split(' ').next()?;
                    let additions = ADDITIONS.iter().find(|(name, _)| *name == kind)?.1;
                    line.ends_with(" {").then_some((at, additions))
                })
                .collect();
            if let Some(&(at, additions)) = pick(&starts, rng)
                && let Some(addition) = pick(additions, rng)
            {
                lines.insert(at + 1, format!("  {addition}"));
            }
        }
        // A reference pointed at another declaration of the same kind (a node on the
        // wrong host, an export on the wrong server, a balancer on the wrong VIP).
        6 => {
            let declared: Vec<(&str, &str)> = (lines.iter())
                .filter(|line| line.ends_with(" {"))
                .filter_map(|line| {
                    let mut words = line.split(' ');
                    Some((words.next()?, words.next()?))
                })
                .collect();
            let references: Vec<(usize, &str, String)> = (fields.iter())
                .filter_map(|(at, key, value)| {
                    let kind = declared.iter().find(|(_, name)| name == value)?.0;
                    Some((*at, kind, key.clone()))
                })
                .collect();
            if let Some((at, kind, key)) = pick(&references, rng) {
                let others: Vec<&str> = (declared.iter())
                    .filter(|(other, _)| other == kind)
                    .map(|(_, name)| *name)
                    .collect();
                if let Some(other) = pick(&others, rng) {
                    // The new line borrows from the old ones until it is made.
                    let line = format!("  {key} = {other}");
                    let at = *at;
                    lines[at] = line;
                }
            }
        }
        // A constant's value, or a pool's last number, changed.
        7 => {
            let forms: Vec<usize> = (lines.iter().enumerate())
                .filter(|(_, line)| line.starts_with("let ") || (line.ends_with(" {") && line.contains("..")))
                .map(|(at, _)| at)
                .collect();
            if let Some(&at) = pick(&forms, rng) {
                let line = lines[at].clone();
                if let Some((head, _)) = line.split_once(" = ").filter(|_| line.starts_with("let ")) {
                    let value = match rng.below(3) {
                        0 => pick(NUMBERS, rng).map(|number| (*number).to_string()),
                        1 => pick(STRINGS, rng).map(|text| format!("\"{text}\"")),
                        _ => Some("10.0.0.250".to_string()),
                    };
                    if let Some(value) = value {
                        lines[at] = format!("{head} = {value}");
                    }
                } else if let (Some(open), Some(close)) = (line.find(".."), line.find(']'))
                    && open < close
                {
                    let last = pick(&["0", "1", "2", "9", "250", "1000"], rng).copied().unwrap_or("1");
                    lines[at] = format!("{}..{last}{}", &line[..open], &line[close..]);
                }
            }
        }
        // A field deleted.
        _ => {
            let single: Vec<usize> = (fields.iter())
                .filter(|(_, _, value)| !value.ends_with('[') && !value.ends_with('{'))
                .map(|(at, _, _)| *at)
                .collect();
            if let Some(&at) = pick(&single, rng) {
                lines.remove(at);
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The consumer of an emitted file, by how its path ends: the program and its arguments
/// before the file's (a DRBD resource is checked as one of its nodes).
fn consumer(path: &Path, contents: &str) -> Option<(&'static str, Vec<String>)> {
    let text = path.to_string_lossy();
    let args = |list: &[&str]| list.iter().map(|arg| arg.to_string()).collect::<Vec<String>>();
    if text.ends_with("/haproxy.cfg") {
        Some(("haproxy", args(&["-c", "-dW", "-f", &text])))
    } else if text.ends_with("/keepalived.conf") {
        Some(("bash", args(&["tests/validators/keepalived.sh", &text])))
    } else if text.ends_with("/etc/exports") {
        Some(("bash", args(&["tests/validators/exports.sh", &text])))
    } else if text.ends_with("/etc/containerd/config.toml") {
        Some(("containerd", args(&["--config", &text, "config", "dump"])))
    } else if text.ends_with(".res") {
        let node = text.split("/hosts/").nth(1)?.split('/').next()?.to_string();
        let section = contents.split(&format!("  on {node} {{")).nth(1)?;
        let address = section.split("address ").nth(1)?.split(':').next()?.to_string();
        Some(("bash", args(&["tests/validators/drbd.sh", &text, &node, &address])))
    } else {
        None
    }
}

#[test]
fn whatever_check_passes_the_real_programs_accept() {
    // The passing cases (those of the language's forms too: constants, components, pools,
    // several files) and the examples.
    let mut sources: Vec<std::path::PathBuf> = (crate::k8s_files("tests/cases/check").into_iter())
        .chain(crate::k8s_files("tests/cases/semantic"))
        .filter(|path| path.to_string_lossy().ends_with(".pass.k8s"))
        .collect();
    sources.extend(crate::k8s_files("examples"));
    let mut rng = Rng(setting("K8SC_MUTANT_SEED", SEED).max(1));
    let mutants = usize::try_from(setting("K8SC_MUTANTS", MUTANTS as u64)).unwrap_or(MUTANTS);
    let mut seen_mutants = HashSet::new();
    let mut seen_files = HashSet::new();
    let mut rules_heard: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let (mut built, mut rejected, mut checked, mut simulated) = (0, 0, 0, 0);
    let templates = Templates::default();
    let batches = crate::build::scratch_dir("mutant-batches");
    let mut planes = crate::controlplane::Planes::new("mutants");
    let (mut refused, mut admitted) = (Vec::new(), 0);
    let mut batch: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for _ in 0..mutants {
        let source = &sources[rng.below(sources.len())];
        let original = std::fs::read_to_string(source).expect("readable");
        let mut text = with_bootstrap(&original);
        for _ in 0..1 + rng.below(3) {
            text = mutate(&text, &mut rng);
        }
        if !seen_mutants.insert(text.clone()) {
            continue;
        }
        let secrets = crate::build::secrets_of(&original);
        // A case of several files is split at its `#--- PATH` lines, as the cases are.
        let files = k8sc::load::Memory::split("mutant.k8s", &text);
        let first = files.files["mutant.k8s"].clone();
        let compilation = k8sc::compile_platform(vec![("mutant.k8s".into(), first)], "", &files, |source| {
            secrets.get(source).map(str::to_string)
        });
        let spanned = |diagnostics: &[k8sc::diagnostic::Diagnostic]| {
            for diagnostic in diagnostics {
                let span = diagnostic.primary.span;
                assert!(
                    span.start <= span.end && (span.end as usize) <= text.len() + 1,
                    "{} without a span in the file, on this mutant of {}:\n{text}",
                    diagnostic.code,
                    source.display()
                );
            }
        };
        if compilation.has_errors() {
            spanned(&compilation.diagnostics);
            // Which rule of the registry said so (an HA code is always some rule's).
            for diagnostic in compilation.diagnostics.iter().filter(|d| d.is_error()) {
                match k8sc::check::rule_of(diagnostic.code) {
                    Some((family, rule)) => {
                        rules_heard.insert(format!("{}/{}", family.name, rule.name));
                    }
                    None => assert!(
                        !diagnostic.code.as_str().starts_with("HA"),
                        "{} is in no family of check::FAMILIES",
                        diagnostic.code
                    ),
                }
            }
            rejected += 1;
            continue;
        }
        // A production platform `check` passes survives the loss of any one failure
        // domain, as `simulate` tells it (unless an `@allow` accepted a risk).
        for cluster in compilation.clusters() {
            let context = k8sc::platform::Platform::new(cluster.model, cluster.graph, &secrets)
                .expect("a platform with its cluster");
            if context.production() && !text.contains("@allow") {
                for domain in &context.topology.domains {
                    let Ok(simulation) =
                        k8sc::platform::simulate::simulate(&context, std::slice::from_ref(&domain.name))
                    else {
                        continue; // a name two kinds of domain share
                    };
                    let broken: Vec<String> = (simulation.requirements.iter())
                        .filter(|requirement| requirement.required && !requirement.ok)
                        .map(|requirement| format!("{}: {}", requirement.subject, requirement.detail))
                        .collect();
                    assert!(
                        simulation.survives,
                        "check passed, and simulate says losing {} breaks {broken:?}, on this mutant of {}:\n{text}",
                        domain.describe(),
                        source.display()
                    );
                    simulated += 1;
                }
            }
        }
        let emitted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            k8sc::build("mutant.k8s", &compilation, &secrets, &templates)
        }))
        .unwrap_or_else(|_| panic!("the build panicked on this mutant of {}:\n{text}", source.display()));
        // A secret the build needs and lacks is the build's finding, by design (`check`
        // judges a platform, not a deployment): a diagnostic, with its span.
        let output = match emitted {
            Ok(output) => output,
            Err(errors) => {
                spanned(&errors);
                rejected += 1;
                continue;
            }
        };
        built += 1;
        // Each cluster of a platform of several is a tree of its own.
        for (_, output) in crate::controlplane::cluster_outputs(&output) {
            let tree = write_tree("mutant", &output);
            // The manifests `kubectl apply -k` applies and the kubeadm files, distinct ones
            // kept for one strict validation per Kubernetes version and kubeadm API below.
            let version = (text.lines())
                .find_map(|line| line.trim().strip_prefix("version = \""))
                .map_or_else(String::new, |rest| rest.trim_end_matches('"').to_string());
            let mut kept: Vec<(String, String)> = (crate::build::kustomized(&tree).into_iter())
                .map(|manifest| (format!("kubernetes {version}"), format!("kubernetes/{manifest}")))
                .collect();
            kept.extend(
                (output.files.iter())
                    .filter(|(path, _)| path.starts_with("kubeadm/"))
                    .map(|(path, file)| {
                        let api = if file.contents.contains("kubeadm.k8s.io/v1beta4") {
                            "v1beta4"
                        } else {
                            "v1beta3"
                        };
                        (format!("kubeadm {api}"), path.clone())
                    }),
            );
            // `kubectl kustomize` builds the whole set offline (two objects of one kind and
            // name in it are its error), once per distinct set.
            let set: String = (kept.iter())
                .filter(|(group, _)| group.starts_with("kubernetes"))
                .filter_map(|(_, path)| output.files.get(path).map(|file| file.contents.as_str()))
                .collect();
            if seen_files.insert(format!("kustomize\n{set}")) {
                let result = run_validator(
                    "kubectl",
                    &["kustomize", tree.join("kubernetes").to_str().expect("utf-8")],
                );
                assert_valid(
                    &result,
                    &format!("kubectl kustomize on this mutant of {}:\n{text}\n", source.display()),
                );
                checked += 1;
                // The real apiserver admits every object of the set, with no warning.
                let (plane, _) = planes.of_minor(crate::controlplane::platform_minor(&text));
                let said = crate::controlplane::unexplained(
                    crate::controlplane::admit(plane, &tree),
                    &compilation.diagnostics,
                    crate::controlplane::platform_minor(&text),
                );
                if !said.is_empty() {
                    refused.push(format!(
                        "kube-apiserver refused this mutant of {}:\n  {}\n{text}",
                        source.display(),
                        said.join("\n  ")
                    ));
                }
                admitted += 1;
                // The network policies let through what it needs and nothing else.
                let (wrong, _) = crate::policies::judge(&output);
                if !wrong.is_empty() {
                    refused.push(format!(
                        "the network policies of this mutant of {} are wrong:\n  {}\n{text}",
                        source.display(),
                        wrong.join("\n  ")
                    ));
                }
            }
            for (group, path) in kept {
                let Some(file) = output.files.get(&path) else { continue };
                if seen_files.insert(format!("{group}\n{}", file.contents)) {
                    std::fs::write(batches.join(format!("m{built}.k8s")), &text).expect("write");
                    let copy = batches.join(format!("m{built}-{}", path.replace('/', "-")));
                    std::fs::write(&copy, &file.contents).expect("write");
                    batch
                        .entry(group)
                        .or_default()
                        .push(copy.to_string_lossy().into_owned());
                }
            }
            for (path, file) in &output.files {
                let full = tree.join(path);
                let Some((program, args)) = consumer(&full, &file.contents) else {
                    continue;
                };
                // The file, and the scripts beside a keepalived.conf, with the node's name
                // left out: mutants share most of their configs.
                let node = path.split('/').nth(1).unwrap_or_default();
                let mut key = format!("{}\n{}", path.replacen(node, "", 1), file.contents.replace(node, ""));
                if path.ends_with("keepalived.conf") {
                    for script in files_named(full.parent().expect("a folder"), ".sh") {
                        key.push_str(&std::fs::read_to_string(script).expect("readable"));
                    }
                }
                if !seen_files.insert(key) {
                    continue;
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let result = run_validator(program, &args);
                assert_valid(
                    &result,
                    &format!("{program} on {path} of this mutant of {}:\n{text}\n", source.display()),
                );
                checked += 1;
            }
            let _ = std::fs::remove_dir_all(&tree);
        }
    }
    for (group, files) in &batch {
        let (validator, target) = group.split_once(' ').expect("a group");
        let mut args = if validator == "kubernetes" {
            vec!["tests/validators/k8s_validate.py".to_string(), target.to_string()]
        } else {
            vec![
                "tests/validators/json_schema.py".to_string(),
                format!("tests/validators/schemas/kubeadm-{target}.schema.json"),
            ]
        };
        args.extend(files.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = run_validator("python3", &args);
        assert_valid(
            &result,
            &format!(
                "the {group} schemas on the mutants' files in {} (mN-*.yaml came from the mutant mN.k8s beside it)",
                batches.display()
            ),
        );
        checked += files.len();
    }
    let _ = std::fs::remove_dir_all(&batches);
    let rules: usize = k8sc::check::FAMILIES.iter().map(|family| family.rules.len()).sum();
    eprintln!(
        "{built} mutants built, {rejected} rejected with a diagnostic; {checked} distinct files checked; {simulated} failure domains simulated; {admitted} distinct manifest sets applied to kube-apiserver; the rejections drew {} of the {rules} rules: {}",
        rules_heard.len(),
        rules_heard.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    assert!(
        refused.is_empty(),
        "{} mutants check passes were refused by the apiserver:\n{}",
        refused.len(),
        refused.join("\n\n")
    );
    assert!(simulated >= 100, "too few failures were simulated: {simulated}");
    assert!(
        built >= 100 && rejected >= 50,
        "the mutants went missing: {built} built, {rejected} rejected"
    );
    assert!(checked >= 100, "too few distinct files were checked: {checked}");
}
