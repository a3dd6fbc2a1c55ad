//! The real Kubernetes control plane in the loop: etcd and kube-apiserver (and, for the
//! tests that need them, kube-controller-manager and kube-scheduler) built from their Go
//! modules by `tests/controlplane/build.sh`, started on loopback ports picked here, with
//! the flags a real cluster uses (RBAC and Node authorization, Pod Security admission, a
//! service-account issuer), and stopped by their PIDs when the test ends, also when it
//! fails.
//!
//! Every example and every passing case is applied with server-side apply and strict field
//! validation: check passes => the apiserver admits, with no warning.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::build::{scratch_dir, write_tree};

/// The release the binaries are built at (`tests/controlplane/build.sh`): the newest, which
/// runs kubeadm, kubectl and the placement drills.
pub const RELEASE: &str = "1.37.2";

/// Every release the suite builds a control plane of (`tests/run.sh` builds each), so a
/// platform is admitted by the apiserver of its own minor.
pub const RELEASES: &[&str] = &["1.36.3", RELEASE];

/// Where `tests/controlplane/build.sh` put the binaries of [`RELEASE`]:
/// `K8SC_CONTROLPLANE_BIN` (set by `tests/run.sh`), else the default cache.
pub fn binaries() -> PathBuf {
    if let Some(dir) = std::env::var_os("K8SC_CONTROLPLANE_BIN") {
        return PathBuf::from(dir);
    }
    binaries_of(RELEASE)
}

/// Where the binaries of `release` are: the cache `tests/controlplane/build.sh` fills.
pub fn binaries_of(release: &str) -> PathBuf {
    if release == RELEASE
        && let Some(dir) = std::env::var_os("K8SC_CONTROLPLANE_BIN")
    {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from);
    let cache = std::env::var_os("K8SC_CACHE").map_or_else(|| home.join(".cache/k8sc"), PathBuf::from);
    cache.join(format!("controlplane/v{release}/bin"))
}

fn binary(name: &str) -> PathBuf {
    binary_in(&binaries(), name)
}

fn binary_in(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: `bash tests/controlplane/build.sh` builds it (tests/run.sh does, for each release)",
        path.display()
    );
    path
}

/// The control planes of a test, one per release, started when a platform of its minor
/// first needs one; a minor the suite builds no release of goes to the newest.
pub struct Planes {
    name: String,
    started: std::collections::BTreeMap<&'static str, ControlPlane>,
}

impl Planes {
    pub fn new(name: &str) -> Planes {
        Planes {
            name: name.to_string(),
            started: std::collections::BTreeMap::new(),
        }
    }

    /// The control plane of the release of `minor`, and that release.
    pub fn of_minor(&mut self, minor: u32) -> (&ControlPlane, &'static str) {
        let release = (RELEASES.iter().copied())
            .find(|release| k8sc::platform::bootstrap::minor(release).ok() == Some(minor))
            .unwrap_or(RELEASE);
        let name = format!("{}-{release}", self.name);
        let plane = (self.started.entry(release))
            .or_insert_with(|| ControlPlane::start_at(&name, false, &binaries_of(release)));
        (plane, release)
    }
}

/// A free loopback port.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// A running control plane; dropping it stops every process it started, by PID.
pub struct ControlPlane {
    dir: PathBuf,
    /// The folder of its release's binaries.
    bin: PathBuf,
    processes: Vec<(&'static str, Child)>,
    pub kubeconfig: PathBuf,
}

impl Drop for ControlPlane {
    fn drop(&mut self) {
        for (_, child) in self.processes.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl ControlPlane {
    /// etcd and kube-apiserver; with `controllers`, kube-controller-manager and
    /// kube-scheduler too.
    pub fn start(name: &str, controllers: bool) -> ControlPlane {
        ControlPlane::start_at(name, controllers, &binaries())
    }

    /// As [`ControlPlane::start`], with the binaries of `bin`.
    pub fn start_at(name: &str, controllers: bool, bin: &Path) -> ControlPlane {
        let dir = scratch_dir(&format!("controlplane-{name}"));
        let mut plane = ControlPlane {
            kubeconfig: dir.join("kubeconfig"),
            dir,
            bin: bin.to_path_buf(),
            processes: Vec::new(),
        };
        let (client, peer, secure) = (free_port(), free_port(), free_port());
        let log = |plane: &ControlPlane, process: &str| {
            std::fs::File::create(plane.dir.join(format!("{process}.log"))).expect("a log file")
        };
        let etcd = Command::new(binary_in(&plane.bin, "etcd"))
            .args(["--name", "k8sc-test", "--data-dir"])
            .arg(plane.dir.join("etcd"))
            .args(["--listen-client-urls", &format!("http://127.0.0.1:{client}")])
            .args(["--advertise-client-urls", &format!("http://127.0.0.1:{client}")])
            .args(["--listen-peer-urls", &format!("http://127.0.0.1:{peer}")])
            .args(["--initial-advertise-peer-urls", &format!("http://127.0.0.1:{peer}")])
            .args(["--initial-cluster", &format!("k8sc-test=http://127.0.0.1:{peer}")])
            .args(["--unsafe-no-fsync", "--log-level", "warn"])
            .stdout(Stdio::null())
            .stderr(log(&plane, "etcd"))
            .spawn()
            .expect("etcd starts");
        plane.processes.push(("etcd", etcd));
        // The service-account signing key and a static admin token.
        let key = plane.dir.join("sa.key");
        let made = Command::new("openssl")
            .args(["genrsa", "-out"])
            .arg(&key)
            .arg("2048")
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(made.success(), "openssl made no key");
        let token = "k8sc-test-admin-token";
        std::fs::write(
            plane.dir.join("tokens.csv"),
            format!("{token},k8sc-admin,k8sc-admin,\"system:masters\"\n"),
        )
        .expect("tokens");
        let apiserver = Command::new(binary_in(&plane.bin, "kube-apiserver"))
            .args(["--etcd-servers", &format!("http://127.0.0.1:{client}")])
            .args(["--bind-address", "127.0.0.1", "--secure-port", &secure.to_string()])
            .arg("--cert-dir")
            .arg(plane.dir.join("certs"))
            .arg("--token-auth-file")
            .arg(plane.dir.join("tokens.csv"))
            .arg("--service-account-key-file")
            .arg(&key)
            .arg("--service-account-signing-key-file")
            .arg(&key)
            .args([
                "--service-account-issuer",
                "https://kubernetes.default.svc.cluster.local",
            ])
            .args(["--service-cluster-ip-range", "10.96.0.0/12"])
            .args(["--authorization-mode", "Node,RBAC"])
            .args(["--enable-admission-plugins", "NodeRestriction"])
            .arg("--allow-privileged=true")
            // Loopback is no address for the `kubernetes` Service's endpoints.
            .args(["--endpoint-reconciler-type", "none"])
            // A pod leaves a node that stopped answering after 1 s, not 300 s: the
            // failover drills compress the time, not what happens.
            .args([
                "--default-not-ready-toleration-seconds=1",
                "--default-unreachable-toleration-seconds=1",
            ])
            .stdout(Stdio::null())
            .stderr(log(&plane, "kube-apiserver"))
            .spawn()
            .expect("kube-apiserver starts");
        plane.processes.push(("kube-apiserver", apiserver));
        std::fs::write(
            &plane.kubeconfig,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: https://127.0.0.1:{secure}\n    insecure-skip-tls-verify: true\n\
                 users:\n- name: admin\n  user:\n    token: {token}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: admin\ncurrent-context: test\n"
            ),
        )
        .expect("kubeconfig");
        plane.wait_ready();
        if controllers {
            let kcm = Command::new(binary_in(&plane.bin, "kube-controller-manager"))
                .arg("--kubeconfig")
                .arg(&plane.kubeconfig)
                .args([
                    "--leader-elect=false",
                    "--secure-port=0",
                    "--use-service-account-credentials=false",
                ])
                .arg("--service-account-private-key-file")
                .arg(&key)
                .args(["--controllers", "*", "--node-monitor-grace-period", "6s"])
                .args(["--node-monitor-period", "1s"])
                // Taint every node of a lost host at once (the default, 0.1 nodes a
                // second, spaces them 10 s apart): time compressed, as above.
                .args(["--node-eviction-rate", "100", "--secondary-node-eviction-rate", "100"])
                .stdout(Stdio::null())
                .stderr(log(&plane, "kube-controller-manager"))
                .spawn()
                .expect("kube-controller-manager starts");
            plane.processes.push(("kube-controller-manager", kcm));
            let scheduler = Command::new(binary_in(&plane.bin, "kube-scheduler"))
                .arg("--kubeconfig")
                .arg(&plane.kubeconfig)
                .args(["--leader-elect=false", "--secure-port=0"])
                .stdout(Stdio::null())
                .stderr(log(&plane, "kube-scheduler"))
                .spawn()
                .expect("kube-scheduler starts");
            plane.processes.push(("kube-scheduler", scheduler));
        }
        plane
    }

    /// Starts a kwok that plays the kubelets of the nodes labelled `label=value` (one per
    /// physical host, so a host can stop answering alone).
    pub fn kubelets(&mut self, label: &str, value: &str) {
        let process: &'static str = Box::leak(format!("kwok-{value}").into_boxed_str());
        let log = std::fs::File::create(self.dir.join(format!("{process}.log"))).expect("a log file");
        let kwok = Command::new(binary_in(&self.bin, "kwok"))
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--config")
            .arg(crate::root().join("tests/controlplane/kwok-stages.yaml"))
            .arg(format!("--manage-nodes-with-label-selector={label}={value}"))
            .arg("--cidr=10.244.0.0/16")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("kwok starts");
        self.processes.push((process, kwok));
    }

    /// Stops (`false`) or resumes (`true`) the kubelets of one host's kwok, as a host that
    /// stops answering and comes back: its process is frozen, not killed.
    pub fn answer(&self, value: &str, answering: bool) {
        let name = format!("kwok-{value}");
        let (_, child) = (self.processes.iter())
            .find(|(process, _)| *process == name)
            .unwrap_or_else(|| panic!("no kubelets for {value}"));
        let signal = if answering { "-CONT" } else { "-STOP" };
        let sent = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill {signal} {}", child.id());
    }

    /// Waits until the apiserver is ready, or fails with what its processes logged.
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            let exited = (self.processes.iter_mut())
                .find_map(|(name, child)| child.try_wait().ok().flatten().map(|status| (*name, status)));
            if let Some((name, status)) = exited {
                panic!("{name} exited ({status}):\n{}", self.log(name));
            }
            let ready = self.kubectl(&["get", "--raw", "/readyz"]);
            if ready.status.success() {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!(
            "kube-apiserver is not ready after 90 s:\n{}",
            self.log("kube-apiserver")
        );
    }

    /// The last lines a process logged.
    pub fn log(&self, process: &str) -> String {
        let text = std::fs::read_to_string(self.dir.join(format!("{process}.log"))).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// kubectl of the release, on this control plane.
    pub fn kubectl(&self, args: &[&str]) -> std::process::Output {
        Command::new(binary_in(&self.bin, "kubectl"))
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .output()
            .expect("kubectl runs")
    }
}

/// Splits a kustomize build into its namespaces and everything else.
fn split_namespaces(manifests: &str) -> (String, String) {
    let (mut namespaces, mut rest) = (String::new(), String::new());
    for document in manifests.split("\n---\n") {
        let target = if document.lines().any(|line| line == "kind: Namespace") {
            &mut namespaces
        } else {
            &mut rest
        };
        target.push_str(document.trim_start_matches("---\n"));
        target.push_str("\n---\n");
    }
    (namespaces, rest)
}

/// What the apiserver says of one platform's manifests: the namespaces are created, then
/// every other object goes through server-side apply, strict field validation and every
/// admission plugin (a server-side dry run), and every error and warning is returned.
pub fn admit(plane: &ControlPlane, tree: &Path) -> Vec<String> {
    let built = Command::new(binary("kubectl"))
        .args(["kustomize"])
        .arg(tree.join("kubernetes"))
        .output()
        .expect("kubectl kustomize runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let (namespaces, rest) = split_namespaces(&String::from_utf8_lossy(&built.stdout));
    let mut found = Vec::new();
    for (what, text, dry_run) in [("namespaces", namespaces, false), ("objects", rest, true)] {
        if text.trim_matches(['-', '\n']).is_empty() {
            continue;
        }
        let file = tree.join(format!("apply-{what}.yaml"));
        std::fs::write(&file, text).expect("write");
        let mut args = vec![
            "apply",
            "--server-side",
            "--field-manager=k8sc",
            "--force-conflicts",
            "--validate=strict",
            "-f",
        ];
        let path = file.to_string_lossy().into_owned();
        args.push(&path);
        if dry_run {
            args.push("--dry-run=server");
        }
        let output = plane.kubectl(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        found.extend(
            stderr
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(str::to_string),
        );
        if !output.status.success() && stderr.trim().is_empty() {
            found.push(format!("kubectl apply of the {what} failed without a message"));
        }
    }
    found
}

/// What remains of what the apiserver said once the warnings check already gave are taken
/// out: each known apiserver warning, the code of check that tells it, and the minor whose
/// apiserver first says it (read in that release's source). A platform of an older minor
/// than that does not get the warning from its own release's apiserver, only from this
/// newer one. Everything else the apiserver says is a refusal, or a warning check missed.
pub fn unexplained(
    said: Vec<String>,
    diagnostics: &[k8sc::diagnostic::Diagnostic],
    platform_minor: u32,
) -> Vec<String> {
    const TOLD: &[(&str, k8sc::diagnostic::Code, u32)] =
        &[("spec.externalIPs is deprecated", k8sc::diagnostic::Code::HA074, 36)];
    said.into_iter()
        .filter(|line| {
            !TOLD.iter().any(|(warning, code, since)| {
                line.starts_with("Warning:")
                    && line.contains(warning)
                    && (platform_minor < *since || diagnostics.iter().any(|diagnostic| diagnostic.code == *code))
            })
        })
        .collect()
}

/// The Kubernetes minor a source's cluster runs (its `version = "..."` line).
pub fn platform_minor(text: &str) -> u32 {
    (text.lines())
        .find_map(|line| line.trim().strip_prefix("version = \""))
        .and_then(|rest| k8sc::platform::bootstrap::minor(rest.trim_end_matches('"')).ok())
        .unwrap_or(0)
}

/// The examples (files and folders) and the passing cases: every platform check passes.
pub fn platforms() -> Vec<PathBuf> {
    let mut sources: Vec<PathBuf> = crate::k8s_files("examples");
    sources.extend(crate::example_folders());
    sources.extend(
        (crate::k8s_files("tests/cases/check").into_iter())
            .filter(|path| path.to_string_lossy().ends_with(".pass.k8s")),
    );
    sources
}

/// A platform built in memory with its secrets: its text (bootstrap secrets added), its
/// check findings (warnings only) and its files.
pub fn built(source: &Path) -> (String, Vec<k8sc::diagnostic::Diagnostic>, k8sc::emit::Output) {
    if source.is_dir() {
        return built_folder(source);
    }
    let original = std::fs::read_to_string(source).expect("readable");
    let text = crate::build::with_bootstrap(&original);
    let secrets = crate::build::secrets_of(&original);
    let compilation = k8sc::compile_with("platform.k8s", &text, &secrets);
    assert!(!compilation.has_errors(), "{} does not compile", source.display());
    let templates = k8sc::emit::Templates::default();
    let output = k8sc::build("platform.k8s", &compilation, &secrets, &templates)
        .unwrap_or_else(|_| panic!("{} builds", source.display()));
    let diagnostics = compilation.diagnostics.clone();
    (text, diagnostics, output)
}

/// [`built`] of a platform folder: its files' texts (one after the other), its findings
/// and its files. Its `env()` secrets are the examples'; its `file()` secrets are read
/// beside it, as `k8sc build` reads them.
pub fn built_folder(folder: &Path) -> (String, Vec<k8sc::diagnostic::Diagnostic>, k8sc::emit::Output) {
    use k8sc::semantic::SecretSource;
    let disk = k8sc::load::Disk::new(folder.canonicalize().expect("a folder"));
    let roots = k8sc::load::roots(&k8sc::load::Root::Folder, &disk).expect("the folder's files");
    let env = crate::build::secrets();
    let read = |source: &SecretSource| match source {
        SecretSource::Env(_) => env.get(source).map(str::to_string),
        SecretSource::File(path) => (std::fs::read_to_string(folder.join(path)).ok())
            .map(|text| text.trim_end_matches(['\n', '\r']).to_string()),
    };
    let compilation = k8sc::compile_platform(roots, &folder.display().to_string(), &disk, read);
    let mut secrets = k8sc::platform::Secrets::default();
    for source in compilation.model.secret_sources() {
        if let Some(value) = read(&source) {
            secrets.insert(source, value);
        }
    }
    assert!(!compilation.has_errors(), "{} does not compile", folder.display());
    let output = k8sc::build("platform", &compilation, &secrets, &k8sc::emit::Templates::default())
        .unwrap_or_else(|_| panic!("{} builds", folder.display()));
    let text: String = (crate::k8s_files(folder.to_str().expect("utf-8")).iter())
        .map(|file| std::fs::read_to_string(file).expect("readable"))
        .collect();
    (text, compilation.diagnostics.clone(), output)
}

/// A built platform's clusters: its one tree (no name), or each `<cluster>/` tree of a
/// platform of several, the cluster's folder taken off its paths; the platform's own files
/// (`harbor/`) go with the first cluster's.
pub fn cluster_outputs(output: &k8sc::emit::Output) -> Vec<(String, k8sc::emit::Output)> {
    if output.files.contains_key("kubernetes/kustomization.yaml") {
        return vec![(String::new(), output.clone())];
    }
    let clusters: Vec<String> = (output.files.keys())
        .filter_map(|path| path.strip_suffix("/kubernetes/kustomization.yaml"))
        .map(str::to_string)
        .collect();
    assert!(!clusters.is_empty(), "a tree with no cluster");
    let of_no_cluster = |path: &str| !clusters.iter().any(|cluster| path.starts_with(&format!("{cluster}/")));
    (clusters.iter().enumerate())
        .map(|(index, cluster)| {
            let prefix = format!("{cluster}/");
            let mut part = k8sc::emit::Output::default();
            for (path, file) in &output.files {
                if let Some(rest) = path.strip_prefix(&prefix) {
                    part.files.insert(rest.to_string(), file.clone());
                } else if index == 0 && of_no_cluster(path) {
                    part.files.insert(path.clone(), file.clone());
                }
            }
            (cluster.clone(), part)
        })
        .collect()
}

/// Every example and every passing case: the apiserver admits every object, with no
/// warning that check did not give.
#[test]
fn the_apiserver_admits_every_platform_check_passes() {
    let mut planes = Planes::new("admit");
    let sources = platforms();
    let mut refused = Vec::new();
    let mut admitted: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for source in &sources {
        let (text, diagnostics, output) = built(source);
        // Each cluster of a platform of several is its own apiserver's.
        for (cluster, output) in cluster_outputs(&output) {
            let tree = write_tree("admit", &output);
            let (plane, release) = planes.of_minor(platform_minor(&text));
            let said = unexplained(admit(plane, &tree), &diagnostics, platform_minor(&text));
            if said.is_empty() {
                *admitted.entry(release).or_default() += 1;
            } else {
                refused.push(format!(
                    "{} {cluster} (kube-apiserver v{release}):\n  {}",
                    source.display(),
                    said.join("\n  ")
                ));
            }
            let _ = std::fs::remove_dir_all(&tree);
        }
    }
    eprintln!("the apiservers admitted {admitted:?} of {} platforms", sources.len());
    assert!(
        RELEASES.iter().all(|release| admitted.contains_key(release)),
        "every release's apiserver admits some platform: {admitted:?}"
    );
    let (plane, _) = planes.of_minor(37);
    // The harness hears a refusal and a warning: a pod mounting a volume it lacks, and one
    // carrying the seccomp annotation Kubernetes deprecated.
    let mut broken = k8sc::emit::Output::default();
    let file = |contents: &str| k8sc::emit::OutputFile {
        contents: contents.to_string(),
        mode: 0o644,
    };
    broken
        .files
        .insert("kubernetes/kustomization.yaml".into(), file("resources:\n- bad.yaml\n"));
    let pod = |name: &str, extra: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n{extra}    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n"
        )
    };
    let missing_volume = pod("missing", "").replace(
        "        image: nginx:1.27\n",
        "        image: nginx:1.27\n        volumeMounts:\n        - name: data\n          mountPath: /data\n",
    );
    let deprecated = pod(
        "deprecated",
        "      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: runtime/default\n",
    );
    broken.files.insert(
        "kubernetes/bad.yaml".into(),
        file(&format!("{missing_volume}---\n{deprecated}")),
    );
    let tree = write_tree("admit-broken", &broken);
    let said = admit(plane, &tree).join("\n");
    assert!(said.contains("Not found: \"data\""), "the refusal went unheard: {said}");
    assert!(
        said.contains("Warning:") && said.contains("seccomp"),
        "the warning went unheard: {said}"
    );
    assert!(
        refused.is_empty(),
        "kube-apiserver refused or warned:\n{}",
        refused.join("\n")
    );
}

/// Runs kubeadm of the release; `network` false runs it in a network namespace of its
/// own (only a loopback that is down), so no lookup of a node's name leaves the machine.
fn kubeadm(args: &[&str], env: &[(&str, &Path)], network: bool) -> std::process::Output {
    let mut command = if network {
        Command::new(binary("kubeadm"))
    } else {
        let mut unshare = Command::new("unshare");
        unshare.args(["--net", "--"]).arg(binary("kubeadm"));
        unshare
    };
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("kubeadm runs")
}

/// The warnings kubeadm gives of every HA platform, by design: the VIP's port (haproxy's
/// frontend) is not the apiserver's own (kubeadm's HA guide).
fn kubeadm_warnings(stderr: &str) -> Vec<String> {
    (stderr.lines())
        .filter(|line| line.starts_with('W') || line.contains("[WARNING"))
        .filter(|line| !line.contains("port specified in controlPlaneEndpoint overrides bindPort"))
        .filter(|line| !line.contains("Using dry-run directory"))
        .map(str::to_string)
        .collect()
}

/// kubeadm of the release validates every kubeadm file a platform check passes emits
/// (the first control-plane node's and every join) with no warning, and `kubeadm init
/// --dry-run` runs each example's first control-plane file as root, ignoring only the
/// preflight errors of a host without a container runtime or a kubelet: the static pods
/// and certificates it would write carry the platform's addresses, VIP and CA.
#[test]
fn kubeadm_validates_every_kubeadm_file_and_dry_runs_each_examples_init() {
    let sources = platforms();
    let mut seen = std::collections::HashSet::new();
    let (mut validated, mut dry_runs, mut skipped) = (0, 0, 0);
    let mut problems = Vec::new();
    for source in &sources {
        let (text, _, output) = built(source);
        // kubeadm of a release deploys that minor and the one before it.
        let minor = platform_minor(&text);
        let release_minor = platform_minor(&format!("version = \"{RELEASE}\""));
        let example = source.to_string_lossy().contains("examples");
        if minor + 1 < release_minor {
            // A case of an older supported minor (HA074's passing variant) needs kubeadm of its
            // own release; every example must be deployable by this one.
            if example {
                problems.push(format!(
                    "{}: 1.{minor} is older than kubeadm v{RELEASE} deploys",
                    source.display()
                ));
            }
            skipped += 1;
            continue;
        }
        for (cluster, output) in cluster_outputs(&output) {
            let tree = write_tree("kubeadm", &output);
            for (path, file) in output.files.iter().filter(|(path, _)| path.starts_with("kubeadm/")) {
                if !seen.insert(file.contents.clone()) {
                    continue;
                }
                let full = tree.join(path).to_string_lossy().into_owned();
                let result = kubeadm(&["config", "validate", "--config", &full], &[], true);
                let stderr = String::from_utf8_lossy(&result.stderr);
                let warnings = kubeadm_warnings(&stderr);
                if !result.status.success() || !warnings.is_empty() {
                    problems.push(format!(
                        "kubeadm config validate {cluster}/{path} of {}:\n{stderr}",
                        source.display()
                    ));
                }
                validated += 1;
            }
            if example {
                problems.extend(dry_run_init(source, &tree));
                dry_runs += 1;
            }
            let _ = std::fs::remove_dir_all(&tree);
        }
    }
    eprintln!(
        "kubeadm v{RELEASE}: {validated} distinct kubeadm files validated, {dry_runs} examples' init dry-run, {skipped} cases of an older minor left to their own kubeadm"
    );
    assert!(
        skipped <= 3,
        "{skipped} cases are of a minor this kubeadm does not deploy"
    );
    assert!(
        validated > 20 && dry_runs >= 5,
        "too little ran: {validated} files, {dry_runs} dry runs"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// `kubeadm init --dry-run` of a built example's first control-plane file, with the
/// cluster CA the tree places; what it would write is held to the platform.
fn dry_run_init(source: &Path, tree: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let config_path = tree.join("kubeadm/kubeadm-config.yaml");
    let config = std::fs::read_to_string(&config_path).expect("the init file");
    let field = |name: &str| {
        (config.lines())
            .find_map(|line| line.trim().strip_prefix(&format!("{name}: ")))
            .map(|value| value.trim_matches('"').to_string())
            .unwrap_or_default()
    };
    let (endpoint, advertise) = (field("controlPlaneEndpoint"), field("advertiseAddress"));
    let vip = endpoint
        .rsplit_once(':')
        .map_or(endpoint.as_str(), |(host, _)| host)
        .to_string();
    let node = field("name");
    let dry = tree.join("dry-run");
    std::fs::create_dir_all(&dry).expect("dry-run folder");
    // The CA the playbook places before `kubeadm init`, where the dry run keeps its pki.
    // The tree's host folders carry the source's names (`dc1_master1`), the config the
    // Kubernetes form (`dc1-master1`).
    let host = std::fs::read_dir(tree.join("hosts"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|host| k8sc::platform::names::k8s_name(host) == node)
        .unwrap_or_else(|| node.clone());
    for name in ["ca.crt", "ca.key"] {
        let placed = tree.join(format!("hosts/{host}/etc/kubernetes/pki/{name}"));
        if placed.exists() {
            std::fs::copy(&placed, dry.join(name)).expect("copy the CA");
        }
    }
    let config_arg = config_path.to_string_lossy().into_owned();
    let result = kubeadm(
        &[
            "init",
            "--dry-run",
            "--config",
            &config_arg,
            // No container runtime, kubelet or forwarding here; the external etcd cluster's
            // certificates are made on its first member by the playbook, not on this host.
            "--ignore-preflight-errors=CRI,ContainerRuntimeVersion,SystemVerification,KubeletVersion,FileContent--proc-sys-net-ipv4-ip_forward,DirAvailable--var-lib-etcd,ExternalEtcdVersion,ExternalEtcdClientCertificates",
        ],
        &[("KUBEADM_INIT_DRYRUN_DIR", &dry)],
        false,
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    let said = format!("{stdout}{stderr}");
    if !result.status.success() {
        problems.push(format!(
            "kubeadm init --dry-run of {} failed:\n{said}",
            source.display()
        ));
        return problems;
    }
    let mut expect = |what: &str, ok: bool| {
        if !ok {
            problems.push(format!("kubeadm init --dry-run of {}: {what}", source.display()));
        }
    };
    expect(
        "it did not use the cluster CA the tree places",
        said.contains("Using the existing \"ca\" certificate and key"),
    );
    let sans = (said.lines())
        .find(|line| line.contains("apiserver serving cert is signed for"))
        .unwrap_or_default()
        .to_string();
    expect(
        &format!("the apiserver certificate lacks the VIP {vip}: {sans}"),
        sans.contains(&format!(" {vip}")) || sans.contains(&format!("[{vip}")),
    );
    expect(
        &format!("the apiserver certificate lacks the advertise address {advertise}: {sans}"),
        sans.contains(&advertise),
    );
    let apiserver = std::fs::read_to_string(dry.join("kube-apiserver.yaml")).unwrap_or_default();
    expect(
        &format!("the apiserver's static pod does not advertise {advertise}"),
        apiserver.contains(&format!("--advertise-address={advertise}")),
    );
    let admin = std::fs::read_to_string(dry.join("admin.conf")).unwrap_or_default();
    expect(
        &format!("admin.conf does not reach the cluster through {endpoint}"),
        admin.contains(&format!("server: https://{endpoint}")),
    );
    problems
}
