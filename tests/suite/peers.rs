//! The peers: what other tools say of every example's manifests. kubeconform (strict, with
//! the Kubernetes schemas of the platform's release, read locally) must accept every
//! object. Each finding of kube-score and checkov is either fixed in k8sc or listed, with
//! its reason, in `tests/peers/baseline.yaml`; a finding in neither fails, and so does an
//! entry of the baseline that no longer matches anything (a fix leaves no stale excuse).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value as Json;

const BASELINE: &str = "tests/peers/baseline.yaml";

#[derive(Debug, Deserialize)]
struct Entry {
    tool: String,
    check: String,
    /// `Kind/namespace/name` of each object it excuses, or `all`.
    objects: Objects,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Objects {
    All(String),
    Some(Vec<String>),
}

impl Entry {
    fn excuses(&self, finding: &Finding) -> bool {
        self.tool == finding.tool
            && self.check == finding.check
            && match &self.objects {
                Objects::All(all) => all == "all",
                Objects::Some(objects) => objects.contains(&finding.object),
            }
    }
}

/// One tool's complaint about one object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    tool: &'static str,
    check: String,
    object: String,
    what: String,
}

fn peers_bin() -> PathBuf {
    std::env::var_os("K8SC_PEERS_BIN").map_or_else(
        || {
            let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
            home.join(".cache/k8sc/peers/bin")
        },
        PathBuf::from,
    )
}

/// The manifests `kubectl apply -k` applies, as files of the tree.
fn manifests(tree: &Path) -> Vec<PathBuf> {
    (crate::build::kustomized(tree).into_iter())
        .map(|path| tree.join("kubernetes").join(path))
        .collect()
}

fn kube_score(tree: &Path) -> Vec<Finding> {
    let output = Command::new(peers_bin().join("kube-score"))
        .args(["score", "--output-format", "json"])
        .args(manifests(tree))
        .output()
        .expect("kube-score runs (bash tests/peers/install.sh)");
    let objects: Json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("kube-score: {}", String::from_utf8_lossy(&output.stderr)));
    let mut found = Vec::new();
    for object in objects.as_array().into_iter().flatten() {
        let name = format!(
            "{}/{}/{}",
            object["type_meta"]["kind"].as_str().unwrap_or_default(),
            object["object_meta"]["namespace"].as_str().unwrap_or("-"),
            object["object_meta"]["name"].as_str().unwrap_or_default()
        );
        for check in object["checks"].as_array().into_iter().flatten() {
            // 10 is OK; below it a warning (7) or a critical finding (1).
            if check["skipped"] == true || check["grade"].as_i64().unwrap_or(10) >= 10 {
                continue;
            }
            let what = (check["comments"].as_array().into_iter().flatten())
                .filter_map(|comment| comment["summary"].as_str())
                .collect::<Vec<_>>()
                .join("; ");
            found.push(Finding {
                tool: "kube-score",
                check: check["check"]["id"].as_str().unwrap_or_default().to_string(),
                object: name.clone(),
                what,
            });
        }
    }
    found
}

fn checkov(tree: &Path) -> Vec<Finding> {
    let output = Command::new("checkov")
        .arg("-d")
        .arg(tree.join("kubernetes"))
        .args([
            "--framework",
            "kubernetes",
            "--output",
            "json",
            "--quiet",
            "--skip-path",
            "cni",
        ])
        .output()
        .expect("checkov runs (bash tests/peers/install.sh)");
    let report: Json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("checkov: {}", String::from_utf8_lossy(&output.stderr)));
    let reports = match report {
        Json::Array(reports) => reports,
        single => vec![single],
    };
    let mut found = Vec::new();
    for report in &reports {
        for failed in report["results"]["failed_checks"].as_array().into_iter().flatten() {
            // checkov names an object `Kind.namespace.name`.
            let resource = failed["resource"].as_str().unwrap_or_default();
            let mut parts = resource.splitn(3, '.');
            let object = match (parts.next(), parts.next(), parts.next()) {
                (Some(kind), Some(namespace), Some(name)) => format!("{kind}/{namespace}/{name}"),
                _ => resource.to_string(),
            };
            found.push(Finding {
                tool: "checkov",
                check: failed["check_id"].as_str().unwrap_or_default().to_string(),
                object,
                what: failed["check_name"].as_str().unwrap_or_default().to_string(),
            });
        }
    }
    found
}

/// kubeconform, strict, against the schemas of the platform's minor that the
/// kubernetes-validate package carries: every object valid.
fn kubeconform(tree: &Path, minor: u32) -> Vec<String> {
    let schemas = Command::new("python3")
        .args([
            "-c",
            "import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))",
        ])
        .output()
        .expect("python3 runs");
    let package = PathBuf::from(String::from_utf8_lossy(&schemas.stdout).trim());
    let folder = local_schemas(
        &package.join(format!("kubernetes-json-schema/v1.{minor}.0-local-strict")),
        minor,
    );
    let location = format!("{}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json", folder.display());
    let output = Command::new(peers_bin().join("kubeconform"))
        .args(["-strict", "-summary", "-output", "json", "-schema-location", &location])
        .args(manifests(tree))
        .output()
        .expect("kubeconform runs (bash tests/peers/install.sh)");
    let report: Json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("kubeconform: {}", String::from_utf8_lossy(&output.stderr)));
    let mut wrong: Vec<String> = (report["resources"].as_array().into_iter().flatten())
        .filter(|resource| resource["status"] != "statusValid")
        .map(|resource| {
            format!(
                "{} {}: {} {}",
                resource["kind"].as_str().unwrap_or_default(),
                resource["name"].as_str().unwrap_or_default(),
                resource["status"].as_str().unwrap_or_default(),
                resource["msg"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let valid = report["summary"]["valid"].as_i64().unwrap_or(0);
    if valid == 0 {
        wrong.push(format!("kubeconform validated nothing: {report}"));
    }
    wrong
}

/// The package's schemas point at their definitions by a path its own loader resolves
/// (`/api/_definitions.json`); kubeconform reads them from a copy that points at the file.
fn local_schemas(package: &Path, minor: u32) -> PathBuf {
    let folder = crate::build::scratch_dir(&format!("kubeconform-schemas-1.{minor}"));
    let definitions = folder.join("_definitions.json");
    for entry in
        std::fs::read_dir(package).unwrap_or_else(|_| panic!("no schemas for 1.{minor} in {}", package.display()))
    {
        let path = entry.expect("a schema").path();
        let text = std::fs::read_to_string(&path).expect("a schema");
        let pointed = text.replace(
            "\"/api/_definitions.json",
            &format!("\"file://{}", definitions.display()),
        );
        std::fs::write(folder.join(path.file_name().expect("a name")), pointed).expect("write");
    }
    folder
}

#[test]
fn the_peers_accept_every_example_or_the_baseline_says_why() {
    let baseline: Vec<Entry> =
        serde_yaml::from_str(&std::fs::read_to_string(crate::root().join(BASELINE)).expect("the baseline"))
            .expect("the baseline is YAML of tool, check, objects, reason");
    for entry in &baseline {
        assert!(
            entry.reason.split_whitespace().count() >= 5,
            "{BASELINE}: {} {} needs a reason",
            entry.tool,
            entry.check
        );
    }
    let mut findings = BTreeSet::new();
    let mut invalid = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for source in crate::k8s_files("examples") {
        let (text, _, output) = crate::controlplane::built(&source);
        let stem = source.file_stem().and_then(|stem| stem.to_str()).unwrap_or("example");
        let tree = crate::build::write_tree(&format!("peers-{stem}"), &output);
        for problem in kubeconform(&tree, crate::controlplane::platform_minor(&text)) {
            invalid.push(format!("{}: {problem}", source.display()));
        }
        for finding in kube_score(&tree).into_iter().chain(checkov(&tree)) {
            *counts.entry(finding.tool).or_default() += 1;
            findings.insert(finding);
        }
        let _ = std::fs::remove_dir_all(&tree);
    }
    eprintln!("peer findings over the examples (each excused by the baseline or failing): {counts:?}");
    assert!(invalid.is_empty(), "kubeconform refused:\n{}", invalid.join("\n"));
    let unexcused: Vec<String> = (findings.iter())
        .filter(|finding| !baseline.iter().any(|entry| entry.excuses(finding)))
        .map(|finding| {
            format!(
                "{} {} {}: {}",
                finding.tool, finding.check, finding.object, finding.what
            )
        })
        .collect();
    let stale: Vec<String> = (baseline.iter())
        .filter(|entry| !findings.iter().any(|finding| entry.excuses(finding)))
        .map(|entry| format!("{} {} {:?}", entry.tool, entry.check, entry.objects))
        .collect();
    let stale_objects: Vec<String> = (baseline.iter())
        .flat_map(|entry| match &entry.objects {
            Objects::Some(objects) => (objects.iter())
                .filter(|object| {
                    !findings.iter().any(|finding| {
                        finding.tool == entry.tool && finding.check == entry.check && &finding.object == *object
                    })
                })
                .map(|object| format!("{} {} {object}", entry.tool, entry.check))
                .collect(),
            Objects::All(_) => Vec::new(),
        })
        .collect();
    assert!(
        unexcused.is_empty(),
        "findings neither fixed nor in {BASELINE}:\n{}",
        unexcused.join("\n")
    );
    assert!(
        stale.is_empty() && stale_objects.is_empty(),
        "{BASELINE} excuses what no longer happens:\n{}\n{}",
        stale.join("\n"),
        stale_objects.join("\n")
    );
}
