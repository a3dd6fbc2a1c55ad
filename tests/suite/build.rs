//! `k8sc build`: every example's whole output tree (snapshotted), determinism, atomicity,
//! secrets, templates, and every emitted file checked by the real program that reads it:
//! haproxy, keepalived, exportfs, the Kubernetes JSON schemas of the declared version, and
//! JSON Schemas written for kubeadm and Harbor (tests/validators/schemas).

use crate::by_name;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use k8sc::emit::{self, Templates};
use k8sc::platform::Secrets;
use k8sc::semantic::SecretSource;

/// The secrets the examples read, with test values (at most 8 characters for VRRP).
const SECRETS: &[(&str, &str)] = &[
    ("K8SC_VRRP_PASS", "qs-pass1"),
    ("K8SC_API_VRRP_PASS", "api-pass"),
    ("K8SC_INGRESS_VRRP_PASS", "ing-pass"),
    ("K8SC_PROXY_VRRP_PASS", "prx-pass"),
    ("K8SC_LVS_VRRP_PASS", "lvs-pass"),
    ("K8SC_MASTER_VRRP_PASS", "mst-pass"),
    ("K8SC_WORKER_VRRP_PASS", "wrk-pass"),
    ("K8SC_NFS_VRRP_PASS", "nfs-pass"),
    ("K8SC_HARBOR_SECRET", "harbor-robot-secret"),
    ("K8SC_HARBOR_DR_SECRET", "harbor-dr-secret"),
    ("K8SC_CEPH_KEY", "AQBceph-test-key=="),
    ("K8SC_ESB_PROD_DB_PASS", "esb-prod-db"),
    ("K8SC_ESB_TEST_DB_PASS", "esb-test-db"),
    ("K8SC_ESB_DEV_DB_PASS", "esb-dev-db"),
];

/// The files the examples read their kubeadm bootstrap secrets from (examples/pki).
const FILE_SECRETS: &[&str] = &["pki/bootstrap-token", "pki/certificate-key", "pki/ca.crt", "pki/ca.key"];

/// The examples' secrets and a case's own `# env: NAME=value` header lines.
pub fn secrets_of(original: &str) -> Secrets {
    let mut found = secrets();
    for line in original.lines().take_while(|line| line.starts_with('#')) {
        if let Some((key, value)) = line.strip_prefix("# env:").and_then(|env| env.trim().split_once('=')) {
            found.insert(SecretSource::Env(key.to_string()), value.to_string());
        }
    }
    found
}

/// The examples' environment secrets, as `(name, value)` pairs for a child process.
pub fn env_secrets() -> Vec<(&'static str, &'static str)> {
    SECRETS.to_vec()
}

pub fn secrets() -> Secrets {
    let mut secrets = Secrets::default();
    for (name, value) in SECRETS {
        secrets.insert(SecretSource::Env(name.to_string()), value.to_string());
    }
    for path in FILE_SECRETS {
        let text = std::fs::read_to_string(crate::root().join("examples").join(path)).expect("an example secret");
        secrets.insert(
            SecretSource::File(path.to_string()),
            text.trim_end_matches(['\n', '\r']).to_string(),
        );
    }
    secrets
}

fn k8sc(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_k8sc"));
    command.args(args).current_dir(crate::root()).env("NO_COLOR", "1");
    for (name, value) in SECRETS {
        command.env(name, value);
    }
    command.output().expect("k8sc runs")
}

/// A fresh scratch folder. Each call gets its own (a counter in the name): two tests that
/// build under one name concurrently would otherwise remove each other's trees.
fn scratch(name: &str) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("k8sc-build-test-{}-{call}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Every file below a folder: relative path -> (bytes, mode).
fn tree(root: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    fn walk(root: &Path, dir: &Path, found: &mut BTreeMap<String, (Vec<u8>, u32)>) {
        for entry in std::fs::read_dir(dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, found);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .expect("below root")
                    .to_string_lossy()
                    .into_owned();
                let mode = entry.metadata().expect("metadata").permissions().mode() & 0o777;
                found.insert(relative, (std::fs::read(&path).expect("readable"), mode));
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(root, root, &mut found);
    found
}

/// Builds an example in memory through the library.
pub fn emit_example(path: &Path) -> emit::Output {
    let text = std::fs::read_to_string(path).expect("readable example");
    let file_name = path.file_name().expect("a file").to_string_lossy().into_owned();
    emit_text(&file_name, &text)
}

/// Builds a source text in memory through the library, with the examples' secrets.
pub fn emit_text(file_name: &str, text: &str) -> emit::Output {
    let secrets = secrets();
    let compilation = k8sc::compile_with("example.k8s", text, &secrets);
    assert!(!compilation.has_errors(), "{file_name} does not compile");
    let templates = Templates::default();
    k8sc::build(file_name, &compilation, &secrets, &templates).unwrap_or_else(|d| panic!("{file_name}: {d:?}"))
}

/// Builds every example with the CLI into one scratch folder each.
fn build_examples(name: &str) -> Vec<(PathBuf, PathBuf)> {
    let root = scratch(name);
    crate::k8s_files("examples")
        .into_iter()
        .map(|example| {
            let out = root.join(example.file_stem().expect("a stem"));
            let output = k8sc(&[
                "build",
                example.to_str().expect("utf-8"),
                "-o",
                out.to_str().expect("utf-8"),
            ]);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}: {}",
                example.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            (example, out)
        })
        .collect()
}

pub fn files_named(root: &Path, name: &str) -> Vec<PathBuf> {
    tree(root)
        .keys()
        .filter(|path| path.ends_with(name))
        .map(|path| root.join(path))
        .collect()
}

pub fn run_validator(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(crate::root())
        .output()
        .unwrap_or_else(|err| panic!("{program} runs (tests/run.sh installs it): {err}"))
}

pub fn assert_valid(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_example_builds_and_its_whole_tree_is_snapshotted() {
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        let mut text = String::new();
        for (path, file) in &output.files {
            text.push_str(&format!("//// {path} ({:o})\n{}", file.mode, file.contents));
            if !file.contents.ends_with('\n') {
                text.push('\n');
            }
        }
        let name = format!("build-{}", example.file_stem().expect("a stem").to_string_lossy());
        crate::snapshot_settings("build").bind(|| insta::assert_snapshot!(name, text));
    }
}

#[test]
fn builds_are_byte_identical_and_secrets_are_0600() {
    let first = build_examples("first");
    let second = build_examples("second");
    for ((example, a), (_, b)) in first.iter().zip(&second) {
        let (tree_a, tree_b) = (tree(a), tree(b));
        assert_eq!(tree_a, tree_b, "{}: two builds differ", example.display());
        for (path, (contents, mode)) in &tree_a {
            let text = String::from_utf8_lossy(contents);
            let holds_secret = SECRETS.iter().any(|(_, value)| text.contains(value));
            if holds_secret {
                assert_eq!(*mode, 0o600, "{path} holds a secret but has mode {mode:o}");
            }
            if path.ends_with(".sh") {
                assert!(
                    mode & 0o700 == 0o700 && mode & !0o755 == 0,
                    "{path} is a script: {mode:o}"
                );
            }
        }
    }
}

#[test]
fn a_failed_build_leaves_the_output_folder_exactly_as_it_was() {
    let root = scratch("atomic");
    let out = root.join("out");
    let out_text = out.to_str().expect("utf-8");
    assert_eq!(
        k8sc(&["build", "examples/quickstart.k8s", "-o", out_text])
            .status
            .code(),
        Some(0)
    );
    let before = tree(&out);
    let broken = root.join("broken.k8s");
    let text = std::fs::read_to_string(crate::root().join("examples/quickstart.k8s")).expect("readable");
    std::fs::write(&broken, text.replace("address = 10.10.0.11", "address = 10.10.0.300")).expect("write");
    let output = k8sc(&["build", broken.to_str().expect("utf-8"), "-o", out_text]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(tree(&out), before, "a broken build changed the output");
    // A missing secret is an error too, and changes nothing.
    let output = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(["build", "examples/quickstart.k8s", "-o", out_text])
        .current_dir(crate::root())
        .env_remove("K8SC_VRRP_PASS")
        .output()
        .expect("k8sc runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("E0203"));
    assert_eq!(tree(&out), before);
    // Nothing is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .expect("readable")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn a_folder_k8sc_did_not_create_is_replaced_only_with_force() {
    let root = scratch("foreign");
    let out = root.join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("precious.txt"), "keep me").expect("write");
    let out_text = out.to_str().expect("utf-8");
    let output = k8sc(&["build", "examples/quickstart.k8s", "-o", out_text]);
    assert_eq!(output.status.code(), Some(2));
    assert!(out.join("precious.txt").exists());
    let output = k8sc(&["build", "examples/quickstart.k8s", "-o", out_text, "--force"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(!out.join("precious.txt").exists());
    assert!(out.join(".k8sc-build").exists());
    // k8sc's own folder is replaced without --force.
    assert_eq!(
        k8sc(&["build", "examples/quickstart.k8s", "-o", out_text])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn a_template_override_changes_its_files_and_a_broken_one_is_e0204() {
    let root = scratch("templates");
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    let original = include_str!("../../src/emit/templates/haproxy.cfg.j2");
    std::fs::write(
        templates.join("haproxy.cfg.j2"),
        original.replace("maxconn 20000", "maxconn 4000"),
    )
    .expect("write");
    let build_into = |out: &std::path::Path| {
        k8sc(&[
            "build",
            "examples/quickstart.k8s",
            "-o",
            out.to_str().expect("utf-8"),
            "--templates",
            templates.to_str().expect("utf-8"),
        ])
    };
    let out = root.join("out");
    let output = build_into(&out);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let haproxy = std::fs::read_to_string(out.join("hosts/master1/etc/haproxy/haproxy.cfg")).expect("haproxy.cfg");
    assert!(haproxy.contains("maxconn 4000"));
    let keepalived = std::fs::read_to_string(out.join("hosts/master1/etc/keepalived/keepalived.conf")).expect("conf");
    assert!(
        keepalived.contains("vrrp_instance"),
        "the other templates are the embedded ones"
    );

    std::fs::write(templates.join("haproxy.cfg.j2"), "{% for x in %}").expect("write");
    let broken = root.join("broken-out");
    let output = build_into(&broken);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("E0204"));
    assert!(!broken.exists());
    // Files are written as they are made: a template failing after the Kubernetes files
    // were written still leaves an existing tree exactly as it was, and nothing beside it.
    let before = tree(&out);
    let output = build_into(&out);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(tree(&out), before, "a build with a broken template changed the output");
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .expect("readable")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("k8sc-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    std::fs::write(templates.join("no-such.j2"), "x").expect("write");
    let output = build_into(&broken);
    assert_eq!(
        output.status.code(),
        Some(2),
        "an unknown template name is a usage error"
    );
}

#[test]
fn haproxy_accepts_every_haproxy_cfg() {
    for (_, out) in build_examples("haproxy") {
        for file in files_named(&out, "haproxy.cfg") {
            let output = run_validator("haproxy", &["-c", "-dW", "-f", file.to_str().expect("utf-8")]);
            assert_valid(&output, &format!("haproxy -c -dW -f {}", file.display()));
        }
    }
}

#[test]
fn keepalived_accepts_every_keepalived_conf() {
    let mut checked = 0;
    for (_, out) in build_examples("keepalived") {
        for file in files_named(&out, "keepalived.conf") {
            let output = run_validator(
                "bash",
                &["tests/validators/keepalived.sh", file.to_str().expect("utf-8")],
            );
            assert_valid(&output, &format!("keepalived --config-test {}", file.display()));
            checked += 1;
        }
    }
    assert!(checked >= 10);
}

#[test]
fn the_keepalived_validator_rejects_a_bad_config() {
    let root = scratch("keepalived-bad");
    let (_, out) = build_examples("keepalived-source").remove(0);
    let conf = files_named(&out, "keepalived.conf").remove(0);
    let text = std::fs::read_to_string(&conf).expect("readable");
    let bad = root.join("keepalived.conf");
    std::fs::write(&bad, text.replacen("virtual_router_id ", "virtual_router_id 2", 1)).expect("write");
    let output = run_validator(
        "bash",
        &["tests/validators/keepalived.sh", bad.to_str().expect("utf-8")],
    );
    assert!(!output.status.success(), "a VRID above 255 must fail");
}

#[test]
fn exportfs_accepts_every_exports_file_and_the_lint_finds_nothing() {
    let mut checked = 0;
    for (_, out) in build_examples("exports") {
        for file in files_named(&out, "etc/exports") {
            let output = run_validator("bash", &["tests/validators/exports.sh", file.to_str().expect("utf-8")]);
            assert_valid(&output, &format!("exportfs {}", file.display()));
            let text = std::fs::read_to_string(&file).expect("readable");
            assert_eq!(emit::nfs::lint(&text), Vec::<String>::new(), "{}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 2);
    // The validator and the lint both catch the space before the parenthesis.
    let root = scratch("exports-bad");
    let bad = root.join("exports");
    std::fs::write(&bad, "/srv/nfs/data 10.0.0.0/24 (rw,sync,no_subtree_check)\n").expect("write");
    let output = run_validator("bash", &["tests/validators/exports.sh", bad.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    assert!(!emit::nfs::lint("/srv/nfs/data 10.0.0.0/24 (rw,sync,no_subtree_check)\n").is_empty());
}

#[test]
fn every_kubernetes_document_validates_strictly_against_its_version() {
    for (example, out) in build_examples("k8s") {
        let text = std::fs::read_to_string(&example).expect("readable");
        let version = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("version = \""))
            .map(|rest| rest.trim_end_matches('"').to_string())
            .expect("a version");
        let mut args = vec!["tests/validators/k8s_validate.py".to_string(), version];
        let files: Vec<String> = kustomized(&out)
            .into_iter()
            .map(|path| out.join("kubernetes").join(path).to_string_lossy().into_owned())
            .collect();
        assert!(!files.is_empty());
        args.extend(files);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run_validator("python3", &args);
        assert_valid(&output, &format!("Kubernetes schemas for {}", example.display()));
    }
}

#[test]
fn every_pdb_sets_exactly_one_of_min_available_and_max_unavailable() {
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        for (path, file) in &output.files {
            for document in file.contents.split("\n---\n") {
                if document.contains("kind: PodDisruptionBudget") {
                    let min = document.contains("minAvailable:");
                    let max = document.contains("maxUnavailable:");
                    assert!(
                        min ^ max,
                        "{path}: a PDB needs exactly one of minAvailable and maxUnavailable"
                    );
                }
            }
        }
    }
}

/// The kubeadm API a built tree's configuration is written in (`v1beta3`, `v1beta4`).
fn kubeadm_version(config: &Path) -> String {
    let text = std::fs::read_to_string(config).expect("the kubeadm configuration");
    let api = (text.lines())
        .find_map(|line| line.strip_prefix("apiVersion: kubeadm.k8s.io/"))
        .expect("a kubeadm document");
    api.trim().to_string()
}

fn validate_kubeadm(out: &Path, version: &str) -> Output {
    let schema = format!("tests/validators/schemas/kubeadm-{version}.schema.json");
    let mut files = vec![out.join("kubeadm/kubeadm-config.yaml")];
    files.extend(files_named(out, ".yaml").into_iter().filter(|path| {
        path.strip_prefix(out)
            .is_ok_and(|relative| relative.starts_with("kubeadm/join"))
    }));
    let mut args = vec!["tests/validators/json_schema.py".to_string(), schema];
    args.extend(files.iter().map(|path| path.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_validator("python3", &args)
}

#[test]
fn kubeadm_and_harbor_objects_validate_against_their_schemas() {
    let mut policies = 0;
    for (example, out) in build_examples("schemas") {
        let version = kubeadm_version(&out.join("kubeadm/kubeadm-config.yaml"));
        let output = validate_kubeadm(&out, &version);
        assert_valid(&output, &format!("{}: kubeadm {version} schema", example.display()));
        let other = if version == "v1beta3" { "v1beta4" } else { "v1beta3" };
        assert!(
            !validate_kubeadm(&out, other).status.success(),
            "{}: the {other} schema accepts a {version} configuration",
            example.display()
        );
        for (folder, schema) in [
            ("registries", "harbor-registry.schema.json"),
            ("policies", "harbor-replication-policy.schema.json"),
        ] {
            let files: Vec<String> = files_named(&out, ".json")
                .into_iter()
                .filter(|path| path.to_string_lossy().contains(&format!("harbor/{folder}/")))
                .map(|path| path.to_string_lossy().into_owned())
                .collect();
            if files.is_empty() {
                continue;
            }
            if folder == "policies" {
                policies += files.len();
            }
            let schema = format!("tests/validators/schemas/{schema}");
            let mut args = vec!["tests/validators/json_schema.py", schema.as_str()];
            args.extend(files.iter().map(String::as_str));
            assert_valid(&run_validator("python3", &args), &format!("Harbor {folder}"));
        }
    }
    assert!(policies >= 2, "the examples exercise replication policies");
}

#[test]
fn the_harbor_policy_schema_enforces_harbors_rules() {
    let root = scratch("harbor-bad");
    let bad = [
        (
            "both-registries",
            r#"{"name":"x","trigger":{"type":"manual"},"src_registry":{"name":"a"},"dest_registry":{"name":"b"}}"#,
        ),
        ("no-registry", r#"{"name":"x","trigger":{"type":"manual"}}"#),
        (
            "five-field-cron",
            r#"{"name":"x","trigger":{"type":"scheduled","trigger_settings":{"cron":"0 2 * * *"}},"dest_registry":{"name":"b"}}"#,
        ),
        (
            "every-minute",
            r#"{"name":"x","trigger":{"type":"scheduled","trigger_settings":{"cron":"0 * * * * *"}},"dest_registry":{"name":"b"}}"#,
        ),
        (
            "resource-chart",
            r#"{"name":"x","trigger":{"type":"manual"},"dest_registry":{"name":"b"},"filters":[{"type":"resource","value":"chart"}]}"#,
        ),
        (
            "override-string",
            r#"{"name":"x","trigger":{"type":"manual"},"dest_registry":{"name":"b"},"override":"yes"}"#,
        ),
    ];
    for (name, text) in bad {
        let path = root.join(format!("{name}.json"));
        std::fs::write(&path, text).expect("write");
        let output = run_validator(
            "python3",
            &[
                "tests/validators/json_schema.py",
                "tests/validators/schemas/harbor-replication-policy.schema.json",
                path.to_str().expect("utf-8"),
            ],
        );
        assert!(!output.status.success(), "{name} must be rejected");
    }
}

/// The files agree with each other: the apiserver VIP is keepalived's VIP, haproxy's bind
/// address and kubeadm's controlPlaneEndpoint; haproxy's backends are the control-plane
/// nodes; every PV's NFS server and path lie under an export whose clients cover the nodes
/// that mount it.
#[test]
fn emitted_files_agree_with_each_other() {
    for example in crate::k8s_files("examples") {
        let output = emit_example(&example);
        let file = |path: &str| output.files.get(path).map(|f| f.contents.clone());
        let kubeadm = file("kubeadm/kubeadm-config.yaml").expect("kubeadm config");
        let endpoint = kubeadm
            .lines()
            .find_map(|line| line.strip_prefix("controlPlaneEndpoint: "))
            .expect("an endpoint")
            .trim_matches('"')
            .to_string();
        let (endpoint_host, endpoint_port) = endpoint.rsplit_once(':').expect("host:port");
        let text = std::fs::read_to_string(&example).expect("readable");
        let compilation = k8sc::compile_with("e.k8s", &text, &secrets());
        let model = &compilation.model;
        let masters: Vec<String> = by_name::all(model, "node")
            .filter(|node| by_name::variants(model, *node, "roles").contains(&"control_plane"))
            .filter_map(|node| by_name::ipv4(model, node, "address").map(|a| a.to_string()))
            .collect();
        let keepalived_vips: Vec<String> = output
            .files
            .iter()
            .filter(|(path, _)| path.ends_with("keepalived.conf"))
            .flat_map(|(_, f)| {
                f.contents
                    .lines()
                    .filter(|line| line.contains(" dev "))
                    .filter_map(|line| line.trim().split('/').next().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect();
        if masters.len() > 1 {
            assert!(
                keepalived_vips.iter().any(|vip| vip == endpoint_host),
                "{}: {endpoint_host} is no keepalived VIP",
                example.display()
            );
            // Some load balancer binds the endpoint: haproxy directly, or LVS (keepalived's virtual_server).
            let bound = output.files.iter().any(|(path, f)| {
                (path.ends_with("haproxy.cfg") && f.contents.contains(&format!("bind {endpoint_host}:{endpoint_port}")))
                    || (path.ends_with("keepalived.conf")
                        && f.contents
                            .contains(&format!("virtual_server {endpoint_host} {endpoint_port}")))
            });
            assert!(bound, "{}: nothing listens on {endpoint}", example.display());
        }
        for (path, f) in output.files.iter().filter(|(path, _)| path.ends_with("haproxy.cfg")) {
            for block in f.contents.split("\nbackend ").skip(1) {
                if !block.contains("http-check send meth GET uri /healthz") {
                    continue;
                }
                let mut servers: Vec<String> = block
                    .lines()
                    .filter_map(|line| line.trim().strip_prefix("server "))
                    .filter_map(|rest| rest.split_whitespace().nth(1))
                    .filter_map(|address| address.split(':').next().map(str::to_string))
                    .collect();
                servers.sort();
                let mut expected = masters.clone();
                expected.sort();
                assert_eq!(
                    servers, expected,
                    "{path}: apiserver backends are the control-plane nodes"
                );
            }
        }
        // PVs and exports.
        let exports: Vec<(String, String, Vec<ipnet::Ipv4Net>)> = by_name::all(model, "nfs_export")
            .map(|export| {
                (
                    emit::nfs::server_address(model, export),
                    by_name::string(model, export, "path").unwrap_or_default().to_string(),
                    by_name::cidrs(model, export, "clients"),
                )
            })
            .collect();
        for volume in emit::nfs::volumes(model) {
            let server = emit::nfs::server_address(model, volume.export);
            let (_, export_path, clients) = exports
                .iter()
                .find(|(address, path, _)| *address == server && volume.path.starts_with(&format!("{path}/")))
                .unwrap_or_else(|| panic!("{}: PV {} is under no export", example.display(), volume.pvc));
            assert!(volume.path.starts_with(export_path.as_str()));
            let app_file = output
                .files
                .iter()
                .find(|(path, f)| {
                    path.starts_with("kubernetes/") && f.contents.contains(&format!("path: {}", volume.path))
                })
                .map(|(path, _)| path.clone())
                .expect("the PV is emitted");
            assert!(app_file.starts_with("kubernetes/apps/"));
            // The playbook creates the directory, empty, on each server of the export.
            let inventory: serde_yaml::Value =
                serde_yaml::from_str(&output.files["ansible/inventory.yaml"].contents).expect("YAML");
            for server in emit::nfs::servers(model, volume.export) {
                let listed = inventory["all"]["hosts"][model.name(server)]["k8sc_volumes"]
                    .as_sequence()
                    .is_some_and(|volumes| volumes.iter().any(|listed| listed["path"] == volume.path.as_str()));
                assert!(
                    listed,
                    "{}: the playbook creates {} on its server",
                    example.display(),
                    volume.path
                );
            }
            assert!(
                !output.files.keys().any(|path| path.contains(&volume.path)),
                "{}: the volume directory holds no file (images that want it empty refuse one)",
                example.display()
            );
            for node in
                by_name::all(model, "node").filter(|node| by_name::variants(model, *node, "roles").contains(&"worker"))
            {
                if by_name::string(model, node, "pool").is_some() {
                    continue;
                }
                let address = by_name::ipv4(model, node, "address").expect("an address");
                assert!(
                    clients.iter().any(|net| net.contains(&address)),
                    "export clients miss {address}"
                );
            }
        }
    }
}

/// Large platforms are emitted on every core; the output must not depend on it.
#[test]
fn a_large_workload_emits_in_source_order_every_time() {
    let text = crate::gen_workload::workload(300);
    let mut secrets = Secrets::default();
    for (name, value) in crate::gen_workload::secrets() {
        secrets.insert(SecretSource::Env(name.into()), value.into());
    }
    let compilation = k8sc::compile_with("w.k8s", &text, &secrets);
    assert!(!compilation.has_errors());
    let templates = Templates::default();
    let input = emit::Input::of("w.k8s", &compilation, &secrets, &templates).expect("a platform with its cluster");
    let first = emit::emit(&input).expect("emits");
    for _ in 0..3 {
        assert_eq!(emit::emit(&input).expect("emits"), first);
    }
    let namespace = &first.files["kubernetes/apps/ns-0.yaml"].contents;
    let positions: Vec<usize> = (0..10)
        .map(|app| namespace.find(&format!("name: app-{app}\n")).expect("each app of ns-0"))
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "apps in source order"
    );
}

#[test]
fn an_http_frontend_is_emitted_in_http_mode_and_haproxy_accepts_it() {
    let root = scratch("http-frontend");
    let mut text = std::fs::read_to_string(crate::root().join("examples/002-weave.k8s")).expect("readable");
    text.push_str(
        "\nload_balancer web {\n  nodes = [master1, master2, master3]\n  frontends = [\n    {\n      name = \"web\"\n      port = 8080\n      backends = [slave1, slave2, slave3]\n      backend_port = 80\n      mode = http\n    },\n  ]\n}\n",
    );
    let source = root.join("http.k8s");
    std::fs::write(&source, &text).expect("write the source");
    copy_example_pki(&root);
    let out = root.join("out");
    let output = k8sc(&[
        "build",
        source.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let config = std::fs::read_to_string(out.join("hosts/master1/etc/haproxy/haproxy.cfg")).expect("haproxy.cfg");
    let web = &config[config.find("frontend web").expect("the web frontend")..];
    assert!(web.contains("mode http") && web.contains("option httplog"), "{web}");
    assert!(web.contains("backend web-backend\n    mode http"), "{web}");
    let apiserver = &config[config.find("frontend kube-apiserver").expect("the apiserver")..];
    assert!(apiserver.contains("mode tcp"), "the apiserver stays a TCP passthrough");
    let path = out.join("hosts/master1/etc/haproxy/haproxy.cfg");
    let check = run_validator("haproxy", &["-c", "-dW", "-f", path.to_str().expect("utf-8")]);
    assert_valid(&check, "haproxy -c -dW on an HTTP frontend");
}

/// The examples' bootstrap secrets beside a source written into `root`, which reads them
/// as `file("pki/...")` like the examples do.
pub fn copy_example_pki(root: &Path) {
    std::fs::create_dir_all(root.join("pki")).expect("a pki folder");
    for path in FILE_SECRETS {
        std::fs::copy(crate::root().join("examples").join(path), root.join(path)).expect("copy a secret");
    }
}

/// A scratch folder for another test module.
pub fn scratch_dir(name: &str) -> PathBuf {
    scratch(name)
}

/// An in-memory output written into a scratch folder, for validators that read files.
pub fn write_tree(name: &str, output: &emit::Output) -> PathBuf {
    let root = scratch(name);
    for (path, file) in &output.files {
        let target = root.join(path);
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("folders");
        std::fs::write(&target, &file.contents).expect("write");
    }
    root
}

/// The files `kubectl apply -k DIR/kubernetes` applies: those the kustomization lists.
pub fn kustomized(out: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join("kubernetes/kustomization.yaml")).expect("the kustomization");
    let kustomization: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    (kustomization["resources"].as_sequence().into_iter().flatten())
        .filter_map(|path| path.as_str().map(str::to_string))
        .collect()
}

/// Every example built by the CLI into a scratch folder, for other test modules.
pub fn built_examples(name: &str) -> Vec<(PathBuf, PathBuf)> {
    build_examples(name)
}

/// The files named `name` below a built tree, for other test modules.
pub fn files_below(root: &Path, name: &str) -> Vec<PathBuf> {
    files_named(root, name)
}

/// Files that hold no secret follow the umask; secrets are 0600 whatever it is.
#[test]
fn modes_follow_the_umask_except_for_secrets() {
    let root = scratch("umask");
    let out = root.join("out");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "umask 027 && exec {} build examples/004-three-masters.k8s -o {}",
            env!("CARGO_BIN_EXE_k8sc"),
            out.display()
        ))
        .current_dir(crate::root());
    for (name, value) in SECRETS {
        command.env(name, value);
    }
    let output = command.output().expect("sh");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let files = tree(&out);
    assert_eq!(files["kubernetes/kustomization.yaml"].1, 0o640);
    assert_eq!(files["hosts/master1/etc/keepalived/check_apiserver.sh"].1, 0o750);
    assert_eq!(files["kubeadm/kubeadm-config.yaml"].1, 0o600);
    assert_eq!(files["hosts/master1/etc/keepalived/keepalived.conf"].1, 0o600);
}

/// A build removes what killed builds left beside DIR, and only what k8sc's marker names.
#[test]
fn a_build_sweeps_the_staging_folders_of_killed_builds() {
    let root = scratch("sweep");
    let out = root.join("out");
    let out_text = out.to_str().expect("utf-8");
    let example = "examples/quickstart.k8s";
    assert!(k8sc(&["build", example, "-o", out_text]).status.success());
    // A dead process's staging and retired folders, with the marker; one without it; one of
    // a live process (this one).
    let dead = 4_000_000 + std::process::id() % 100_000;
    let left: Vec<PathBuf> = [".out.k8sc-new-", ".out.k8sc-old-"]
        .iter()
        .map(|prefix| root.join(format!("{prefix}{dead}")))
        .collect();
    for folder in &left {
        std::fs::create_dir_all(folder.join("kubernetes")).expect("mkdir");
        std::fs::write(folder.join(".k8sc-build"), "k8sc\n").expect("marker");
    }
    let foreign = root.join(format!(".out.k8sc-new-{}", dead + 1));
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("precious"), "not k8sc's").expect("write");
    let live = root.join(format!(".out.k8sc-old-{}", std::process::id()));
    std::fs::create_dir_all(&live).expect("mkdir");
    std::fs::write(live.join(".k8sc-build"), "k8sc\n").expect("marker");
    assert!(k8sc(&["build", example, "-o", out_text]).status.success());
    for folder in &left {
        assert!(!folder.exists(), "{} is swept", folder.display());
    }
    assert!(
        foreign.join("precious").is_file(),
        "a folder without k8sc's marker stays"
    );
    assert!(live.exists(), "a live build's folder stays");
    // The rebuild swapped in place and left nothing of its own.
    let siblings: Vec<String> = std::fs::read_dir(&root)
        .expect("readable")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("k8sc-") && !name.ends_with(&dead.to_string()))
        .filter(|name| !name.ends_with(&(dead + 1).to_string()) && !name.ends_with(&std::process::id().to_string()))
        .collect();
    assert_eq!(siblings, Vec::<String>::new());
    assert!(out.join(".k8sc-build").is_file());
}

/// The passing zone-spread case, with the bootstrap secrets a build reads.
fn zoned_platform() -> String {
    with_bootstrap(
        &std::fs::read_to_string(crate::root().join("tests/cases/check/HA014_spread_over_hosts_loses_a_zone.pass.k8s"))
            .expect("readable"),
    )
}

/// A case's source with the examples' bootstrap secrets on its cluster, read as
/// `file("pki/...")`, unless it declares a token of its own.
pub fn with_bootstrap(text: &str) -> String {
    if text.contains("bootstrap_token =") {
        return text.to_string();
    }
    let secrets = "  bootstrap_token = file(\"pki/bootstrap-token\")\n  certificate_key = file(\"pki/certificate-key\")\n  \
                   ca_certificate = file(\"pki/ca.crt\")\n  ca_key = file(\"pki/ca.key\")\n";
    let mut out = String::with_capacity(text.len() + secrets.len());
    // Every cluster's, in a platform of several.
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if line.starts_with("cluster ") && line.trim_end().ends_with('{') {
            out.push_str(secrets);
        }
    }
    out
}

/// `placement = { spread = zone }` spreads the replicas over the hosts' zones: the topology
/// spread counts by the zone label every node carries (issue 14).
#[test]
fn an_app_spread_over_zones_is_spread_by_the_zone_label() {
    let text = zoned_platform();
    let output = emit_text("zones.k8s", &text);
    let shop = (output.files.iter())
        .find(|(path, _)| path.ends_with("shop.yaml"))
        .map(|(_, file)| file.contents.clone())
        .expect("the shop namespace's file");
    let deployment = shop
        .split("\n---\n")
        .find(|doc| doc.contains("kind: Deployment"))
        .expect("a Deployment");
    assert!(
        deployment.contains("topologyKey: topology.kubernetes.io/zone"),
        "{deployment}"
    );
    assert!(
        !deployment.contains("topologyKey: k8sc.io/physical-host"),
        "{deployment}"
    );
    let nodes = (output.files.iter())
        .find(|(path, _)| path.ends_with("00-nodes.yaml"))
        .map(|(_, file)| file.contents.clone())
        .expect("the nodes");
    assert!(nodes.contains("topology.kubernetes.io/zone: a"), "{nodes}");
}

/// An autoscaled app is spread, and has a disruption budget, by what its autoscaler may
/// run: a `replicas = 1` beside `autoscaling = { min = 2 }` no longer leaves its pods
/// free to stack on one node, as `check` assumed they were not.
#[test]
fn an_autoscaled_app_is_spread_by_what_its_autoscaler_runs() {
    let text = zoned_platform()
        .replace(
            "  placement = { spread = zone }\n",
            "  placement = { spread = zone }\n  replicas = 1\n  requests = { cpu = 100m }\n  autoscaling = { min = 2, max = 4 }\n",
        );
    let output = emit_text("autoscaled.k8s", &text);
    let shop = (output.files.iter())
        .find(|(path, _)| path.ends_with("shop.yaml"))
        .map(|(_, file)| file.contents.clone())
        .expect("the shop namespace's file");
    let deployment = (shop.split("\n---\n"))
        .find(|doc| doc.contains("kind: Deployment"))
        .expect("a Deployment");
    assert!(
        !deployment.contains("replicas:"),
        "the autoscaler owns the count: {deployment}"
    );
    assert!(deployment.contains("podAntiAffinity"), "{deployment}");
    assert!(
        deployment.contains("topologyKey: topology.kubernetes.io/zone"),
        "{deployment}"
    );
    assert!(shop.contains("kind: PodDisruptionBudget"), "{shop}");
}

/// Frontends of two balancers on one node get distinct proxy names, however they are
/// named (E0210 keeps one balancer's apart), and real haproxy accepts the file.
#[test]
fn frontends_of_two_balancers_on_one_node_get_distinct_proxy_names() {
    let text = with_bootstrap(
        &std::fs::read_to_string(crate::root().join("tests/cases/check/HA029_lvs_to_other_nodes.pass.k8s"))
            .expect("readable"),
    )
    .replace("  software = lvs\n", "  software = haproxy\n")
    .replace(
        "backend_port = 8080 }]",
        "backend_port = 8080 }, { name = \"admin_lb-web\", port = 8081, backends = [m1, m2], backend_port = 8081 }]",
    ) + "\nload_balancer admin_lb {\n  nodes = [lb1, lb2]\n  \
           frontends = [{ name = \"web\", port = 9090, backends = [m1, m2, m3], backend_port = 9090 }]\n}\n";
    let output = emit_text("two-balancers.k8s", &text);
    let (_, file) = (output.files.iter())
        .find(|(path, _)| path.as_str() == "hosts/lb1/etc/haproxy/haproxy.cfg")
        .expect("lb1's haproxy.cfg");
    let names: Vec<&str> = (file.contents.lines())
        .filter_map(|line| line.strip_prefix("frontend "))
        .collect();
    assert_eq!(names, ["web", "admin_lb-web", "admin_lb-web-2"]);
    let tree = write_tree("two-balancers", &output);
    let path = tree.join("hosts/lb1/etc/haproxy/haproxy.cfg");
    let check = run_validator("haproxy", &["-c", "-dW", "-f", path.to_str().expect("utf-8")]);
    assert_valid(&check, "haproxy -c -dW on two balancers' frontends");
}

/// What `check` passes, the real programs run: every passing case (not only the examples)
/// is built; haproxy and keepalived check each distinct haproxy.cfg and keepalived.conf
/// it emits, exportfs each exports file, and the Kubernetes schemas of its version every
/// manifest the kustomization applies.
#[test]
fn every_passing_case_builds_into_files_their_programs_accept() {
    let mut seen = std::collections::HashSet::new();
    let (mut cases, mut checked) = (0, 0);
    let manifests = scratch("passing-manifests");
    let mut by_version: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for path in crate::k8s_files("tests/cases/check") {
        let name = path.file_name().expect("a name").to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".pass.k8s") else {
            continue;
        };
        let original = std::fs::read_to_string(&path).expect("readable");
        let secrets = crate::build::secrets_of(&original);
        let text = with_bootstrap(&original);
        let compilation = k8sc::compile_with(&name, &text, &secrets);
        assert!(
            !compilation.has_errors(),
            "{name} does not compile with the bootstrap secrets"
        );
        let templates = Templates::default();
        // One source name for all, so that the files' headers do not tell equal files apart.
        let output = k8sc::build("case.k8s", &compilation, &secrets, &templates)
            .unwrap_or_else(|d| panic!("{name} does not build: {d:?}"));
        cases += 1;
        let tree = write_tree(stem, &output);
        let consumers: [(&str, &[&str]); 3] = [
            ("haproxy.cfg", &["haproxy", "-c", "-dW", "-f"]),
            ("keepalived.conf", &["bash", "tests/validators/keepalived.sh"]),
            ("etc/exports", &["bash", "tests/validators/exports.sh"]),
        ];
        for (file_name, command) in consumers {
            for file in files_named(&tree, file_name) {
                // The file and the scripts beside it: cases share most of their configs.
                let folder = file.parent().expect("a folder");
                let mut key = std::fs::read_to_string(&file).expect("readable");
                for script in files_named(folder, ".sh") {
                    key.push_str(&std::fs::read_to_string(&script).expect("readable"));
                }
                if !seen.insert(key) {
                    continue;
                }
                let mut args: Vec<&str> = command[1..].to_vec();
                args.push(file.to_str().expect("utf-8"));
                let output = run_validator(command[0], &args);
                assert_valid(&output, &format!("{} on {name}'s {}", command[0], file.display()));
                checked += 1;
            }
        }
        // The manifests `kubectl apply -k` applies, distinct ones kept for one strict
        // validation per Kubernetes version below.
        let version = (text.lines())
            .find_map(|line| line.trim().strip_prefix("version = \""))
            .map(|rest| rest.trim_end_matches('"').to_string())
            .expect("a version");
        let cluster_trees: Vec<PathBuf> = (crate::controlplane::cluster_outputs(&output).into_iter())
            .map(|(cluster, _)| tree.join(cluster))
            .collect();
        for (cluster_tree, manifest) in (cluster_trees.iter()).flat_map(|cluster_tree| {
            kustomized(cluster_tree)
                .into_iter()
                .map(move |manifest| (cluster_tree, manifest))
        }) {
            let file = cluster_tree.join("kubernetes").join(&manifest);
            let contents = std::fs::read_to_string(&file).expect("readable");
            if seen.insert(contents.clone()) {
                let folder = manifests.join(&version);
                std::fs::create_dir_all(&folder).expect("a folder");
                let copy = folder.join(format!("{}-{}", seen.len(), manifest.replace('/', "-")));
                std::fs::write(&copy, contents).expect("write");
                by_version.entry(version.clone()).or_default().push(copy);
            }
        }
        let _ = std::fs::remove_dir_all(&tree);
    }
    for (version, files) in &by_version {
        let mut args = vec!["tests/validators/k8s_validate.py".to_string(), version.clone()];
        args.extend(files.iter().map(|file| file.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run_validator("python3", &args);
        assert_valid(
            &output,
            &format!("Kubernetes {version} schemas on the passing cases' manifests"),
        );
        checked += files.len();
    }
    assert!(cases >= 80, "the passing cases went missing: {cases}");
    assert!(checked >= 50, "too few distinct files were checked: {checked}");
    eprintln!("{cases} passing cases built; {checked} distinct files checked");
    let _ = std::fs::remove_dir_all(&manifests);
}

/// Two DRBD pairs on one node pair: each VIP's notify script promotes and mounts its own
/// resource (a second pair used to get the first's script, which moved the wrong disk).
#[test]
fn each_drbd_pair_on_a_node_gets_its_own_notify_script() {
    let text = with_bootstrap(
        &std::fs::read_to_string(crate::root().join("tests/cases/check/HA088_two_drbd_pairs_one_resource.pass.k8s"))
            .expect("readable"),
    );
    let output = emit_text("two-pairs.k8s", &text);
    let file = |path: &str| {
        (output.files.iter())
            .find(|(known, _)| known.as_str() == path)
            .map(|(_, file)| file.contents.clone())
            .unwrap_or_else(|| panic!("{path} is emitted"))
    };
    let conf = file("hosts/s1/etc/keepalived/keepalived.conf");
    let notify: Vec<&str> = (conf.lines())
        .filter_map(|line| line.trim().strip_prefix("notify_master \""))
        .map(|rest| rest.trim_end_matches(" master\""))
        .collect();
    assert_eq!(
        notify,
        [
            "/etc/keepalived/drbd_notify.sh",
            "/etc/keepalived/drbd_notify_nfs_vip_b.sh"
        ]
    );
    let first = file("hosts/s1/etc/keepalived/drbd_notify.sh");
    assert!(
        first.contains("\nresource=r0\n") && first.contains(r#"drbdadm primary "$resource""#),
        "{first}"
    );
    let second = file("hosts/s1/etc/keepalived/drbd_notify_nfs_vip_b.sh");
    assert!(
        second.contains("\nresource=r1\n") && second.contains("\ndevice=/dev/drbd1\n"),
        "{second}"
    );
}
