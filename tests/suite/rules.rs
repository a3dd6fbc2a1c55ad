//! The HA rules on whole platforms: the counter-example of reference article 003, the
//! failure simulation of every example, the app start order.

use std::collections::HashSet;

use k8sc::platform::simulate::simulate;
use k8sc::platform::{Platform, Secrets};

/// Article 003: five etcd members on two physical hosts, three on one.
const FIVE_ON_TWO: &str = r#"
cluster c {
  version = "1.36.3"
  node_subnet = 10.0.0.0/24
  etcd = external
}

physical_host pm1 {}

physical_host pm2 {}

node e1 {
  address = 10.0.0.21
  host = pm1
  roles = [etcd]
}

node e2 {
  address = 10.0.0.22
  host = pm1
  roles = [etcd]
}

node e3 {
  address = 10.0.0.23
  host = pm1
  roles = [etcd]
}

node e4 {
  address = 10.0.0.24
  host = pm2
  roles = [etcd]
}

node e5 {
  address = 10.0.0.25
  host = pm2
  roles = [etcd]
}
"#;

#[test]
fn five_etcd_members_on_two_hosts_fail_with_the_host_and_the_numbers() {
    let compilation = k8sc::compile("five-on-two.k8s", FIVE_ON_TWO);
    let quorum: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "HA011")
        .collect();
    assert_eq!(quorum.len(), 1, "{:#?}", compilation.diagnostics);
    assert_eq!(
        quorum[0].message,
        "losing `pm1` leaves etcd with 2 of 5 members; quorum is 3"
    );
    assert_eq!(compilation.sources.text(quorum[0].primary.span), "pm1");
    // A label on each of the three members placed there.
    let labels: Vec<&str> = quorum[0].secondary.iter().map(|label| label.message.as_str()).collect();
    assert_eq!(labels, ["etcd member `e1`", "etcd member `e2`", "etcd member `e3`"]);
    // Help that can be followed: two hosts cannot hold five members safely.
    assert_eq!(
        quorum[0].help.as_deref(),
        Some(
            "5 members need at least 3 physical hosts for none to carry more than 2, and there are 2: \
             add a physical host, or accept the risk on this one with `@allow(HA011, \"why\")`"
        )
    );
    assert!(
        compilation.diagnostics.iter().any(|d| d.code.as_str() == "HA010"),
        "and fewer than 3 hosts"
    );
}

fn host_names(compilation: &k8sc::Compilation) -> Vec<String> {
    crate::by_name::all(&compilation.model, "physical_host")
        .map(|host| compilation.model.name(host).to_string())
        .collect()
}

#[test]
fn every_example_survives_any_one_host_and_not_all_of_them() {
    for path in crate::k8s_files("examples") {
        let text = std::fs::read_to_string(&path).expect("readable example");
        let compilation = k8sc::compile("example.k8s", &text);
        let secrets = Secrets::default();
        let context =
            Platform::new(&compilation.model, &compilation.graph, &secrets).expect("a platform with its cluster");
        let hosts = host_names(&compilation);
        assert!(hosts.len() >= 3, "{}: fewer than 3 hosts", path.display());
        for host in &hosts {
            let simulation = simulate(&context, std::slice::from_ref(host)).expect("a known host");
            let broken: Vec<_> = simulation.requirements.iter().filter(|r| r.required && !r.ok).collect();
            assert!(
                simulation.survives,
                "{}: losing {host} breaks {broken:?}",
                path.display()
            );
        }
        let everything = simulate(&context, &hosts).expect("known hosts");
        assert!(
            !everything.survives,
            "{}: losing every host cannot leave it up",
            path.display()
        );
    }
}

#[test]
fn simulating_an_unknown_name_is_an_error_with_a_suggestion() {
    let text = std::fs::read_to_string(crate::root().join("examples/quickstart.k8s")).expect("readable");
    let compilation = k8sc::compile("q.k8s", &text);
    let secrets = Secrets::default();
    let context = Platform::new(&compilation.model, &compilation.graph, &secrets).expect("a platform with its cluster");
    let error = simulate(&context, &["pm9".to_string()]).expect_err("unknown");
    assert!(error.contains("did you mean"), "{error}");
}

#[test]
fn apps_start_after_what_they_depend_on() {
    let text = std::fs::read_to_string(crate::root().join("examples/000-four-layer.k8s")).expect("readable");
    let compilation = k8sc::compile("000.k8s", &text);
    let order = compilation.graph.app_start_order(&compilation.model).expect("no cycle");
    let position = |name: &str| {
        order
            .iter()
            .position(|app| compilation.model.name(*app) == name)
            .expect("an app")
    };
    assert!(position("prometheus") < position("grafana"));
    assert!(position("elasticsearch") < position("kibana"));
    assert!(position("gitlab") < position("jenkins"));
    assert!(position("catalog") < position("storefront"));
    let unique: HashSet<_> = order.iter().collect();
    assert_eq!(
        unique.len(),
        crate::by_name::all(&compilation.model, "app").count(),
        "every app once"
    );
}

/// Capacity arithmetic saturates instead of wrapping: four replicas of a 4Ei request are
/// more than the platform has (HA100), not zero.
#[test]
fn huge_requests_do_not_wrap_to_nothing() {
    let text = "cluster c {\n  version = \"1.36.3\"\n  profile = dev\n  node_subnet = 10.0.0.0/24\n}\n\n\
                physical_host pm1 {}\n\nnode a {\n  address = 10.0.0.11\n  host = pm1\n  roles = [control_plane, etcd, worker]\n}\n\n\
                namespace ns {\n  class = business\n}\n\n\
                app huge {\n  namespace = ns\n  image = \"example.com/huge:1.0\"\n  replicas = 4\n  requests = { cpu = 1, memory = 4Ei }\n}\n";
    let compilation = k8sc::compile("huge.k8s", text);
    let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"HA100"), "{codes:?}");
}

/// "Did you mean" has a budget per file: thousands of misspelt references stay linear, the
/// first ones get their suggestion and the later ones the plain help.
#[test]
fn many_misspelt_references_stay_linear() {
    let mut text =
        String::from("cluster c {\n  version = \"1.36.3\"\n  profile = dev\n  node_subnet = 10.0.0.0/16\n}\n\n");
    for index in 0..3_000 {
        text.push_str(&format!("namespace ns{index} {{\n  class = business\n}}\n\n"));
    }
    for index in 0..3_000 {
        text.push_str(&format!(
            "app a{index} {{\n  namespace = nx{index}\n  image = \"x/y:1.0\"\n}}\n\n"
        ));
    }
    let compilation = k8sc::compile("misspelt.k8s", &text);
    let helps: Vec<String> = (compilation.diagnostics.iter())
        .filter(|d| d.code.as_str() == "E0108")
        .map(|d| d.help.clone().unwrap_or_default())
        .collect();
    assert_eq!(helps.len(), 3_000);
    assert_eq!(helps[0], "did you mean `ns0`?");
    assert_eq!(helps[2_999], "declare a `namespace` named `nx2999`");
}

/// Losing the host of a single NFS server takes the apps' volumes: simulate says so, and
/// the platform does not survive it (issue 14: storage in simulate).
#[test]
fn simulate_counts_the_apps_that_lose_their_storage() {
    let text = std::fs::read_to_string(crate::root().join("tests/cases/check/HA016_storage_on_one_host.k8s"))
        .expect("readable");
    let compilation = k8sc::compile("storage.k8s", &text);
    let secrets = Secrets::default();
    let context = Platform::new(&compilation.model, &compilation.graph, &secrets).expect("a platform with its cluster");
    let simulation = simulate(&context, &["pm1".to_string()]).expect("a known host");
    assert!(!simulation.survives, "{:?}", simulation.requirements);
    let db = (simulation.requirements.iter())
        .find(|requirement| requirement.subject == "app db" && !requirement.ok)
        .expect("the app that lost its volume");
    assert!(db.required);
    assert_eq!(
        db.detail,
        "its volume `pgdata` lives on nfs_export `data`, which is unavailable: its pods cannot mount it"
    );
    let survived = simulate(&context, &["pm2".to_string()]).expect("a known host");
    assert!(
        survived
            .requirements
            .iter()
            .all(|requirement| requirement.subject != "app db" || requirement.ok)
    );
}

/// The rule registry is whole: every HA code and every check-phase code is reported by a
/// rule of `check::FAMILIES`, each rule's name is its own, and each family is named once.
#[test]
fn every_rule_code_has_one_registered_rule() {
    use k8sc::check::FAMILIES;
    use k8sc::diagnostic::Code;
    let mut names = std::collections::BTreeSet::new();
    let mut families = std::collections::BTreeSet::new();
    for family in FAMILIES {
        assert!(families.insert(family.name), "the family `{}` twice", family.name);
        for rule in family.rules {
            assert!(!rule.codes.is_empty(), "`{}` reports no code", rule.name);
            assert!(
                names.insert(rule.name),
                "two rules are called `{}`: a name says which function reports a code",
                rule.name
            );
        }
    }
    let unregistered: Vec<&str> = (Code::ALL.iter())
        .filter(|code| code.as_str().starts_with("HA"))
        .filter(|code| k8sc::check::rule_of(**code).is_none())
        .map(|code| code.as_str())
        .collect();
    assert!(unregistered.is_empty(), "HA codes no rule reports: {unregistered:?}");
}
