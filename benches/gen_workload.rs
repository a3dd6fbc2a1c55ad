//! Writes the benchmark workload W(N) to standard output: a valid platform with N apps
//! spread over N/10 namespaces, each app with 3 replicas, an image, one port, cpu and
//! memory requests and limits, required anti-affinity on the hostname, a Service and a
//! route `app-<i>.example.com`. The infrastructure is sized so every rule passes: three
//! or more physical hosts, three control-plane nodes with stacked etcd behind an
//! apiserver VIP, two ingress nodes with an ingress VIP, and enough workers for the
//! requests with the loss of one physical host and 20% headroom.
//!
//! `cargo run --release --example gen_workload -- 10000 > w10k.k8s`; with `--compact`
//! after N, the same platform written with pools and a component (`workload_compact`).

use std::fmt::Write as _;
use std::io::Write as _;

/// Per app: 3 replicas of 100m cpu and 128Mi memory.
const REPLICAS: u64 = 3;
const CPU_MILLIS: u64 = 100;
const MEMORY_MI: u64 = 128;
/// Per worker: 64 cores, 256Gi, 1 core and 4Gi reserved.
const WORKER_CPU_MILLIS: u64 = 63_000;
const WORKER_MEMORY_MI: u64 = 252 * 1024;
const WORKERS_PER_HOST: u64 = 8;

fn main() {
    let n: u64 = match std::env::args().nth(1).map(|arg| arg.parse()) {
        Some(Ok(n)) if n >= 1 => n,
        _ => {
            eprintln!("usage: gen_workload N [--compact]   (N >= 1 apps; --compact: with pools and a component)");
            std::process::exit(2);
        }
    };
    let text = if std::env::args().nth(2).as_deref() == Some("--compact") {
        workload_compact(n)
    } else {
        workload(n)
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).is_err() {
        std::process::exit(1);
    }
}

/// The secrets W(N) reads from the environment, by name: test passwords, and the examples'
/// kubeadm bootstrap secrets (examples/pki, which are for examples and benchmarks only).
pub fn secrets() -> [(&'static str, &'static str); 6] {
    [
        ("K8SC_API_VRRP_PASS", "bench123"),
        ("K8SC_INGRESS_VRRP_PASS", "bench123"),
        (
            "K8SC_BOOTSTRAP_TOKEN",
            include_str!("../examples/pki/bootstrap-token").trim_ascii_end(),
        ),
        (
            "K8SC_CERTIFICATE_KEY",
            include_str!("../examples/pki/certificate-key").trim_ascii_end(),
        ),
        (
            "K8SC_CA_CERTIFICATE",
            include_str!("../examples/pki/ca.crt").trim_ascii_end(),
        ),
        ("K8SC_CA_KEY", include_str!("../examples/pki/ca.key").trim_ascii_end()),
    ]
}

/// The number of workers and physical hosts that carry `n` apps after losing one host,
/// with 20% headroom.
fn sizing(n: u64) -> (u64, u64) {
    let cpu = n * REPLICAS * CPU_MILLIS;
    let memory = n * REPLICAS * MEMORY_MI;
    let mut workers: u64 = 3;
    loop {
        let hosts = 3.max(workers.div_ceil(WORKERS_PER_HOST));
        let largest_host = workers.div_ceil(hosts);
        let left = workers - largest_host;
        // Requests must fit in 80% of what is left.
        if left * WORKER_CPU_MILLIS * 4 >= cpu * 5 && left * WORKER_MEMORY_MI * 4 >= memory * 5 && left >= 3 {
            return (workers, hosts);
        }
        workers += 1;
    }
}

/// The cluster, with the examples' bootstrap secrets read from the environment.
fn cluster() -> String {
    "cluster bench {\n  version = \"1.36.3\"\n  profile = production\n  cni = calico\n  proxy_mode = nftables\n  \
     node_subnet = 10.0.0.0/16\n  interface = \"eth0\"\n  pod_cidr = 10.244.0.0/16\n  service_cidr = 10.96.0.0/12\n  \
     bootstrap_token = env(\"K8SC_BOOTSTRAP_TOKEN\")\n  certificate_key = env(\"K8SC_CERTIFICATE_KEY\")\n  \
     ca_certificate = env(\"K8SC_CA_CERTIFICATE\")\n  ca_key = env(\"K8SC_CA_KEY\")\n}\n\n"
        .to_string()
}

/// Three control-plane nodes with stacked etcd and two ingress nodes.
fn control_plane_and_ingress_nodes() -> String {
    let mut out = String::new();
    for master in 1..=3 {
        let _ = writeln!(
            out,
            "node master{master} {{\n  address = 10.0.0.{}\n  host = pm{master}\n  roles = [control_plane, etcd]\n}}\n",
            10 + master
        );
    }
    for ingress in 1..=2 {
        let _ = writeln!(
            out,
            "node ingress{ingress} {{\n  address = 10.0.0.{}\n  host = pm{ingress}\n  roles = [ingress]\n  pool = \"ingress\"\n}}\n",
            20 + ingress
        );
    }
    out
}

/// The apiserver VIP and its load balancer, the ingress VIP and the ingress controller.
fn balancing() -> String {
    let mut out = String::new();
    out.push_str(
        "vip_group api_vip {\n  address = 10.0.0.10\n  members = [master1, master2, master3]\n  track = haproxy\n  \
         auth_pass = env(\"K8SC_API_VRRP_PASS\")\n}\n\n",
    );
    out.push_str(
        "load_balancer apiserver {\n  nodes = [master1, master2, master3]\n  vip = api_vip\n  frontends = [\n    {\n      \
         name = \"kube-apiserver\"\n      port = 16443\n      backends = [master1, master2, master3]\n      backend_port = 6443\n    },\n  ]\n}\n\n",
    );
    out.push_str(
        "vip_group ingress_vip {\n  address = 10.0.0.20\n  members = [ingress1, ingress2]\n  track = ingress\n  \
         auth_pass = env(\"K8SC_INGRESS_VRRP_PASS\")\n}\n\n",
    );
    out.push_str("namespace edge {\n  class = gateway\n}\n\n");
    out.push_str(
        "ingress_controller edge from traefik {\n  namespace = edge\n  nodes = [ingress1, ingress2]\n  vip = ingress_vip\n}\n\n",
    );
    out
}

fn address(index: u64) -> String {
    // 10.0.0.0/16 holds 65k node addresses; .0.x is kept for the control plane.
    format!("10.0.{}.{}", 1 + index / 250, 1 + index % 250)
}

pub fn workload(n: u64) -> String {
    let (workers, hosts) = sizing(n);
    let namespaces = n.div_ceil(10).max(1);
    let mut out = String::with_capacity(600 * usize::try_from(n).unwrap_or(0) + 4096);
    let _ = writeln!(
        out,
        "# W({n}): {n} apps in {namespaces} namespaces, {workers} workers on {hosts} physical hosts."
    );
    out.push_str("use ingress\n\n");
    out.push_str(&cluster());
    for host in 1..=hosts {
        let _ = writeln!(out, "physical_host pm{host} {{\n  rack = \"r{host}\"\n}}\n");
    }
    out.push_str(&control_plane_and_ingress_nodes());
    for worker in 0..workers {
        let _ = writeln!(
            out,
            "node worker{worker} {{\n  address = {}\n  host = pm{}\n  cpu = 64\n  memory = 256Gi\n  reserved = {{ cpu = 1, memory = 4Gi }}\n}}\n",
            address(worker),
            1 + worker % hosts
        );
    }
    out.push_str(&balancing());
    for namespace in 0..namespaces {
        let _ = writeln!(out, "namespace ns-{namespace} {{\n  class = business\n}}\n");
    }
    // Each namespace's ten apps, then their routes.
    for namespace in 0..namespaces {
        let apps = namespace * 10..(namespace * 10 + 10).min(n);
        for app in apps.clone() {
            let _ = writeln!(
                out,
                "app app-{app} {{\n  namespace = ns-{namespace}\n  image = \"registry.example.com/bench/app-{app}:1.0.0\"\n  replicas = {REPLICAS}\n  \
                 ports = [{{ name = \"http\", port = 8080 }}]\n  readiness = {{ port = 8080 }}\n  requests = {{ cpu = {CPU_MILLIS}m, memory = {MEMORY_MI}Mi }}\n  \
                 limits = {{ cpu = 500m, memory = 256Mi }}\n  placement = {{ anti_affinity = required }}\n}}\n"
            );
        }
        for app in apps {
            let _ = writeln!(
                out,
                "route app-{app} {{\n  host = \"app-{app}.example.com\"\n  app = app-{app}\n  port = 8080\n}}\n"
            );
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// W(N) written with the language's compact forms: pools of hosts, workers, namespaces,
/// apps and routes, and a component for what every app shares. It declares exactly what
/// [`workload`] declares, in the same order, so both build the same tree.
pub fn workload_compact(n: u64) -> String {
    let (workers, hosts) = sizing(n);
    let namespaces = n.div_ceil(10).max(1);
    let mut out = String::with_capacity(160 * usize::try_from(n).unwrap_or(0) + 8192);
    let _ = writeln!(
        out,
        "# W({n}), compact: {n} apps in {namespaces} namespaces, {workers} workers on {hosts} physical hosts."
    );
    out.push_str("use ingress\n\n");
    out.push_str(&cluster());
    let _ = writeln!(out, "physical_host pm[1..{hosts}] {{\n  rack = \"r\\(index)\"\n}}\n");
    out.push_str(&control_plane_and_ingress_nodes());
    // 250 workers to a /24, each pool taking the hosts in turn from where the last left off.
    for first in (0..workers).step_by(250) {
        let last = (first + 249).min(workers - 1);
        let turn: Vec<String> = (0..hosts).map(|at| format!("pm{}", 1 + (first + at) % hosts)).collect();
        let _ = writeln!(
            out,
            "node worker[{first}..{last}] {{\n  address = step({})\n  host = cycle([{}])\n  cpu = 64\n  memory = 256Gi\n  \
             reserved = {{ cpu = 1, memory = 4Gi }}\n}}\n",
            address(first),
            turn.join(", ")
        );
    }
    out.push_str(&balancing());
    for first in (0..namespaces).step_by(1000) {
        let last = (first + 999).min(namespaces - 1);
        let _ = writeln!(out, "namespace ns-[{first}..{last}] {{\n  class = business\n}}\n");
    }
    let _ = writeln!(
        out,
        "component bench_app: app {{\n  replicas = {REPLICAS}\n  ports = [{{ name = \"http\", port = 8080 }}]\n  \
         readiness = {{ port = 8080 }}\n  requests = {{ cpu = {CPU_MILLIS}m, memory = {MEMORY_MI}Mi }}\n  \
         limits = {{ cpu = 500m, memory = 256Mi }}\n  placement = {{ anti_affinity = required }}\n}}\n"
    );
    for namespace in 0..namespaces {
        let (first, last) = (namespace * 10, (namespace * 10 + 9).min(n - 1));
        let _ = writeln!(
            out,
            "app app-[{first}..{last}] from bench_app {{\n  namespace = ns-{namespace}\n  \
             image = \"registry.example.com/bench/app-\\(index):1.0.0\"\n}}\n"
        );
        let _ = writeln!(
            out,
            "route app-[{first}..{last}] {{\n  host = \"app-\\(index).example.com\"\n  app = step(app-{first})\n  port = 8080\n}}\n"
        );
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
