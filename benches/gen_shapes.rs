//! The pathological shapes of issue 13, each at a size N, for `benches/shapes.sh`:
//! `cargo run --release --example gen_shapes -- SHAPE N > shape.k8s`.
//!
//! - `deep N`: one value nested N levels deep, spread over lines (for `fmt`; N < 128).
//! - `nested N`: N unclosed `[` (past the nesting limit: E0006).
//! - `hosts N`: a production platform on N physical hosts, each carrying one worker, with
//!   ten apps placed on all of them.
//! - `warnings N`: N apps in production that each draw warnings (no readiness probe).
//! - `misspelt N`: N namespaces and N apps that each misspell theirs.
//! - `chain N`: N apps, each depending on the one before.
//!
//! Production shapes read kubeadm's secrets from `pki/` beside the file (copy
//! `examples/pki` there).

use std::fmt::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(shape), Some(size)) = (args.next(), args.next().and_then(|n| n.parse::<usize>().ok())) else {
        eprintln!("usage: gen_shapes deep|nested|hosts|warnings|misspelt|chain N");
        std::process::exit(2);
    };
    let text = match shape.as_str() {
        "deep" => deep(size),
        "nested" => format!("{}app a {{\n  x = {}\n}}\n", dev(), "[".repeat(size)),
        "hosts" => hosts(size),
        "warnings" => warnings(size),
        "misspelt" => misspelt(size),
        "chain" => chain(size),
        other => {
            eprintln!("no shape `{other}`");
            std::process::exit(2);
        }
    };
    print!("{text}");
}

fn dev() -> String {
    "cluster c {\n  version = \"1.36.3\"\n  profile = dev\n  node_subnet = 10.0.0.0/16\n}\n\nnamespace ns {\n  class = business\n}\n\n"
        .to_string()
}

/// A list nested `depth` levels, each level holding a few numbers and the next level,
/// one item per line, so every level stays spread.
fn deep(depth: usize) -> String {
    let mut text = dev();
    text.push_str("app a {\n  namespace = ns\n  image = \"x/y:1.0\"\n  x = ");
    for level in 0..depth {
        let indent = "  ".repeat(level + 2);
        let _ = write!(text, "[\n{indent}{level}, {level}, {level},\n{indent}");
    }
    text.push_str("[]");
    for level in (0..depth).rev() {
        let indent = "  ".repeat(level + 1);
        let _ = write!(text, ",\n{indent}]");
    }
    text.push_str("\n}\n");
    text
}

/// The quickstart's control plane, then `count` physical hosts with a worker each.
fn hosts(count: usize) -> String {
    let mut text = String::from(
        "use ingress\n\ncluster demo {\n  version = \"1.36.3\"\n  node_subnet = 172.16.0.0/12\n  interface = \"eth0\"\n  \
         bootstrap_token = file(\"pki/bootstrap-token\")\n  certificate_key = file(\"pki/certificate-key\")\n  \
         ca_certificate = file(\"pki/ca.crt\")\n  ca_key = file(\"pki/ca.key\")\n}\n\n",
    );
    for master in 1..=3 {
        let _ = write!(
            text,
            "physical_host pm{master} {{}}\n\nnode master{master} {{\n  address = 172.16.0.{master}\n  host = pm{master}\n  \
             roles = [control_plane, etcd, ingress]\n}}\n\n"
        );
    }
    for index in 0..count {
        let address = 0x0100 + index;
        let _ = write!(
            text,
            "physical_host h{index} {{}}\n\nnode w{index} {{\n  address = 172.{}.{}.{}\n  host = h{index}\n}}\n\n",
            16 + ((address >> 16) & 0x0f),
            (address >> 8) & 0xff,
            address & 0xff
        );
    }
    text.push_str(
        "vip_group api_vip {\n  address = 172.16.0.100\n  members = [master1, master2, master3]\n  track = haproxy\n  \
         auth_pass = env(\"K8SC_BENCH_VRRP_PASS\")\n}\n\nload_balancer apiserver {\n  nodes = [master1, master2, master3]\n  vip = api_vip\n  \
         frontends = [\n    {\n      name = \"kube-apiserver\"\n      port = 16443\n      backends = [master1, master2, master3]\n      \
         backend_port = 6443\n    },\n  ]\n}\n\nnamespace edge {\n  class = gateway\n}\n\n\
         ingress_controller web from traefik {\n  namespace = edge\n  nodes = [master1, master2, master3]\n  vip = api_vip\n}\n\n\
         namespace shop {\n  class = business\n}\n",
    );
    for index in 0..10 {
        web_app(&mut text, &format!("s{index}"), 3, "  readiness = { port = 8080 }\n");
    }
    text
}

/// An app in `shop` with one HTTP port.
fn web_app(text: &mut String, name: &str, replicas: usize, extra: &str) {
    let _ = write!(
        text,
        "\napp {name} {{\n  namespace = shop\n  image = \"registry.example.com/{name}:1.0\"\n  replicas = {replicas}\n  \
         ports = [{{ name = \"http\", port = 8080 }}]\n{extra}}}\n"
    );
}

/// `count` apps with a port and no readiness probe, in production: a warning each.
fn warnings(count: usize) -> String {
    let mut text = hosts(3);
    for index in 0..count {
        web_app(&mut text, &format!("a{index}"), 2, "");
    }
    text
}

fn misspelt(count: usize) -> String {
    let mut text = dev();
    for index in 0..count {
        let _ = write!(text, "namespace ns{index} {{\n  class = business\n}}\n\n");
    }
    for index in 0..count {
        let _ = write!(
            text,
            "app a{index} {{\n  namespace = nx{index}\n  image = \"x/y:1.0\"\n}}\n\n"
        );
    }
    text
}

fn chain(count: usize) -> String {
    let mut text = dev();
    for index in 0..count {
        let depends = if index > 0 {
            format!("  depends_on = [a{}]\n", index - 1)
        } else {
            String::new()
        };
        let _ = write!(
            text,
            "app a{index} {{\n  namespace = ns\n  image = \"x/y:1.0\"\n{depends}}}\n\n"
        );
    }
    text
}
