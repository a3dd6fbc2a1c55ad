//! The binary as a user runs it: exit codes, JSON output, fmt.

use std::process::{Command, Output};

fn k8sc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(args)
        .current_dir(crate::root())
        .env("NO_COLOR", "1")
        .output()
        .expect("k8sc runs")
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sc-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

#[test]
fn check_exits_0_on_a_clean_file() {
    let output = k8sc(&["check", "examples/quickstart.k8s"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn check_exits_1_on_a_broken_file_and_2_on_a_missing_one() {
    let output = k8sc(&["check", "tests/cases/semantic/E0102_unknown_field.k8s"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("E0102") && stderr.contains("did you mean `address`?"),
        "{stderr}"
    );

    let output = k8sc(&["check", "no/such/file.k8s"]);
    assert_eq!(output.status.code(), Some(2));
    let output = k8sc(&["check"]);
    assert_eq!(output.status.code(), Some(2), "a usage error");
    let output = k8sc(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2), "an unknown command");
}

#[test]
fn check_json_gives_codes_and_one_based_ranges() {
    let output = k8sc(&[
        "check",
        "--format",
        "json",
        "tests/cases/semantic/E0102_unknown_field.k8s",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let diagnostic = &json["diagnostics"][0];
    assert_eq!(diagnostic["code"], "E0102");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["file"], "tests/cases/semantic/E0102_unknown_field.k8s");
    // `  adress = 10.0.0.5` is line 6; `adress` spans columns 3..9.
    assert_eq!(diagnostic["range"]["start"]["line"], 6);
    assert_eq!(diagnostic["range"]["start"]["column"], 3);
    assert_eq!(diagnostic["range"]["end"]["line"], 6);
    assert_eq!(diagnostic["range"]["end"]["column"], 9);
    assert_eq!(diagnostic["help"], "did you mean `address`?");
    assert_eq!(diagnostic["labels"][0]["primary"], true);

    let clean = k8sc(&["check", "--format", "json", "examples/quickstart.k8s"]);
    assert_eq!(clean.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&clean.stdout).expect("valid JSON");
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_file_of_garbage_exits_1_never_101() {
    let path = temp_file(
        "garbage.k8s",
        "\u{0}\u{1}{{{{ ]]] node node node \"\n@@@ 1.2.3.4.5 ## \u{feff}",
    );
    let output = k8sc(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let output = k8sc(&["check", "--format", "json", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn fmt_check_accepts_canonical_files_and_rewrites_others() {
    let output = k8sc(&["fmt", "--check", "examples/quickstart.k8s"]);
    assert_eq!(output.status.code(), Some(0));

    let messy = "cluster c {version=\"1.36.3\"   node_subnet=10.0.0.0/24}\n";
    let path = temp_file("messy.k8s", messy);
    let path_text = path.to_str().expect("utf-8 path");
    let output = k8sc(&["fmt", "--check", path_text]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        messy,
        "--check changes nothing"
    );

    let output = k8sc(&["fmt", path_text]);
    assert_eq!(output.status.code(), Some(0));
    let formatted = std::fs::read_to_string(&path).expect("formatted");
    assert_eq!(
        formatted,
        "cluster c {\n  version = \"1.36.3\"\n  node_subnet = 10.0.0.0/24\n}\n"
    );
    assert_eq!(k8sc(&["fmt", "--check", path_text]).status.code(), Some(0));

    let broken = temp_file("broken.k8s", "cluster c {\n  version = \n");
    let output = k8sc(&["fmt", broken.to_str().expect("utf-8 path")]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a file that does not parse is not formatted"
    );
}

#[test]
fn version_and_help() {
    let output = k8sc(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("k8sc "));
    let output = k8sc(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("Examples:") && help.contains("check") && help.contains("fmt"),
        "{help}"
    );
}

#[test]
fn explain_prints_pages_lists_codes_and_refuses_unknown_ones() {
    let output = k8sc(&["explain", "HA011"]);
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.starts_with("# HA011") && page.contains("## Fix"), "{page}");

    let output = k8sc(&["explain", "--list"]);
    assert_eq!(output.status.code(), Some(0));
    let list = String::from_utf8_lossy(&output.stdout);
    let listed: Vec<&str> = list.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert_eq!(listed.len(), k8sc::diagnostic::Code::ALL.len());
    for code in listed {
        let page = k8s_page(code);
        assert!(page.starts_with(&format!("# {code}")), "{code} has no page");
    }

    assert_eq!(k8sc(&["explain", "HA999"]).status.code(), Some(2));
    assert_eq!(k8sc(&["explain"]).status.code(), Some(2));
}

fn k8s_page(code: &str) -> String {
    String::from_utf8_lossy(&k8sc(&["explain", code]).stdout).into_owned()
}

#[test]
fn simulate_exits_0_when_everything_survives_1_when_something_breaks_2_for_unknown_names() {
    let output = k8sc(&["simulate", "examples/000-four-layer.k8s", "--fail", "pm1"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("etcd: 2 of 3 members alive; quorum is 2"));

    let output = k8sc(&[
        "simulate",
        "examples/000-four-layer.k8s",
        "--fail",
        "pm1,pm2,pm3",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["survives"], false);
    assert_eq!(json["requirements"][0]["subject"], "etcd");
    assert_eq!(json["requirements"][0]["ok"], false);

    let output = k8sc(&["simulate", "examples/000-four-layer.k8s", "--fail", "master1"]);
    assert_eq!(output.status.code(), Some(0), "a node can fail on its own");
    let output = k8sc(&[
        "simulate",
        "examples/003-minimal-production.k8s",
        "--fail",
        "ap-guangzhou-3",
    ]);
    assert_eq!(output.status.code(), Some(0), "a zone (of one host) can fail");
    let output = k8sc(&["simulate", "examples/000-four-layer.k8s", "--fail", "r1,r2"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "two racks of three: etcd loses its quorum"
    );

    assert_eq!(
        k8sc(&["simulate", "examples/000-four-layer.k8s", "--fail", "nowhere"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn graph_json_has_nodes_and_edges_in_the_documented_shape() {
    let output = k8sc(&["graph", "examples/000-four-layer.k8s", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let nodes = json["nodes"].as_array().expect("nodes");
    let host = nodes.iter().find(|node| node["name"] == "pm1").expect("pm1");
    assert_eq!(host["kind"], "physical_host");
    assert_eq!(host["layer"], "infrastructure");
    assert_eq!(host["id"], "physical_host:pm1");
    let edges = json["edges"].as_array().expect("edges");
    assert!(
        edges.iter().any(|edge| edge["from"] == "node:master1"
            && edge["to"] == "physical_host:pm1"
            && edge["kind"] == "runs-on")
    );
    for kind in [
        "runs-on",
        "member-of",
        "balances-to",
        "serves",
        "depends-on",
        "stores-on",
        "routes-to",
    ] {
        assert!(edges.iter().any(|edge| edge["kind"] == kind), "no {kind} edge");
    }
    assert_eq!(
        k8sc(&["graph", "tests/cases/semantic/E0102_unknown_field.k8s"])
            .status
            .code(),
        Some(1)
    );
}

/// Graphviz renders every example's graph (the test command installs Graphviz).
#[test]
fn graphviz_renders_every_example() {
    for path in crate::k8s_files("examples") {
        let output = k8sc(&["graph", path.to_str().expect("utf-8 path")]);
        assert_eq!(output.status.code(), Some(0));
        let dot = String::from_utf8_lossy(&output.stdout);
        for layer in ["client", "access", "application", "infrastructure"] {
            assert!(dot.contains(&format!("\"cluster_{layer}\"")), "no {layer} cluster");
        }
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("Graphviz `dot` is installed (tests/run.sh installs it)");
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(dot.as_bytes())
            .expect("write dot");
        let rendered = child.wait_with_output().expect("dot runs");
        assert!(
            rendered.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&rendered.stderr)
        );
        assert!(String::from_utf8_lossy(&rendered.stdout).contains("<svg"), "an SVG");
        assert!(
            rendered.stderr.is_empty(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&rendered.stderr)
        );
    }
}

#[test]
fn check_sarif_has_a_rule_per_code_and_real_regions() {
    let output = k8sc(&[
        "check",
        "--format",
        "sarif",
        "tests/cases/semantic/E0102_unknown_field.k8s",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), k8sc::diagnostic::Code::ALL.len());
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "E0102");
    assert_eq!(result["level"], "error");
    let rule_index = usize::try_from(result["ruleIndex"].as_u64().expect("index")).expect("an index");
    assert_eq!(rules[rule_index]["id"], "E0102");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(6), Some(3))
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        (Some(6), Some(9))
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/cases/semantic/E0102_unknown_field.k8s"
    );
}

/// `fmt` never writes through a link planted beside the file: its temporary file is created
/// exclusively, under a name of its own process.
#[test]
fn fmt_never_follows_a_planted_link() {
    let messy = "cluster c {version=\"1.36.3\"   node_subnet=10.0.0.0/24}\n";
    let path = temp_file("planted.k8s", messy);
    let victim = temp_file("victim.txt", "precious\n");
    let folder = path.parent().expect("a folder");
    // The name the temporary file used to have: writing through it reached the victim.
    std::os::unix::fs::symlink(&victim, folder.join(".planted.k8s.k8sc-fmt.tmp")).expect("symlink");
    let output = k8sc(&["fmt", path.to_str().expect("utf-8")]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).expect("readable"), "precious\n");
    assert!(
        std::fs::read_to_string(&path)
            .expect("formatted")
            .starts_with("cluster c {\n")
    );
    let leftovers: Vec<String> = std::fs::read_dir(folder)
        .expect("readable")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".planted.k8s.k8sc-fmt-"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new(), "no temporary file is left");
}

/// A `file()` secret may not leave the source file's folder unless its folder is named
/// with `--secrets`: a source cannot read `/etc/passwd` into a Harbor registry object, and
/// `check` says nothing of a file it did not read (not even its length).
#[test]
fn file_secrets_stay_in_the_source_folder() {
    let source = "cluster c {\n  version = \"1.36.3\"\n  profile = dev\n  node_subnet = 10.0.0.0/24\n  interface = \"eth0\"\n}\n\n\
                  physical_host pm1 {}\n\nphysical_host pm2 {}\n\n\
                  node a {\n  address = 10.0.0.11\n  host = pm1\n  roles = [control_plane, etcd]\n}\n\n\
                  node b {\n  address = 10.0.0.12\n  host = pm2\n}\n\n\
                  vip_group v {\n  address = 10.0.0.10\n  members = [a, b]\n  auth_pass = file(\"../../../../../../etc/passwd\")\n}\n";
    let path = temp_file("outside.k8s", source);
    let out = path.with_file_name("outside-out");
    let output = k8sc(&[
        "build",
        path.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("E0203") && stderr.contains("lies outside the"),
        "{stderr}"
    );
    assert!(stderr.contains("--secrets"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
    let checked = k8sc(&["check", path.to_str().expect("utf-8")]);
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(!said.contains("HA035") && !said.contains("characters"), "{said}");
    // Named with --secrets, the folder may be read.
    let allowed = k8sc(&["--secrets", "/etc", "check", path.to_str().expect("utf-8")]);
    let said = String::from_utf8_lossy(&allowed.stderr);
    assert!(said.contains("HA035") || said.contains("HA037"), "{said}");
    assert!(
        !said.contains(" characters;") && !said.contains("root:"),
        "never the secret, nor its length: {said}"
    );
}

/// A source file's name reaches the header of every emitted file only in its cited form:
/// a name holding a line break and a command substitution writes neither.
#[test]
fn a_hostile_file_name_is_cited_safely_in_every_header() {
    let dir = std::env::temp_dir().join(format!("k8sc-cli-name-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    let text = std::fs::read_to_string(crate::root().join("examples/002-weave.k8s")).expect("an example");
    let hostile = dir.join("c\n$(k8sc-canary)\n- {{ x }}.k8s");
    std::fs::write(&hostile, text).expect("write");
    let out = dir.join("out");
    // The example's secrets beside it, where its `file(...)` calls look.
    std::fs::create_dir_all(dir.join("pki")).expect("pki folder");
    for entry in std::fs::read_dir(crate::root().join("examples/pki"))
        .expect("examples/pki")
        .flatten()
    {
        std::fs::copy(entry.path(), dir.join("pki").join(entry.file_name())).expect("copy a secret");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(["build".as_ref(), hostile.as_os_str(), "-o".as_ref(), out.as_os_str()])
        .env("K8SC_API_VRRP_PASS", "apiPass1")
        .env("K8SC_PROXY_VRRP_PASS", "prxPass1")
        .output()
        .expect("k8sc runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut files = 0;
    let mut stack = vec![out.clone()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(contents) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            assert!(
                !contents.contains("k8sc-canary)\n") && !contents.contains("{{ x }}"),
                "{} cites the name as it is",
                path.display()
            );
            if contents.contains("Generated by k8sc from") {
                let cited = k8sc::emit::cited_name("c\n$(k8sc-canary)\n- {{ x }}.k8s");
                assert!(contents.contains(&cited), "{} does not cite {cited}", path.display());
            }
        }
    }
    assert!(files > 10, "the build wrote {files} files");
    // A terminal that shows a diagnostic of the file gets the name's line breaks escaped.
    std::fs::write(&hostile, "cluster c {\n  adress = 1\n}\n").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .arg("check")
        .arg(&hostile)
        .output()
        .expect("k8sc runs");
    let shown = String::from_utf8_lossy(&output.stderr);
    assert!(shown.contains("E0102"), "{shown}");
    assert!(
        !shown.contains("c\n$(k8sc-canary)"),
        "the name reached the terminal as it is: {shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Output piped into a reader that stops early ends k8sc quietly, never with a panic.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    for args in [
        &["explain", "--list"][..],
        &["graph", "examples/000-four-layer.k8s"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_k8sc"))
            .args(args)
            .current_dir(crate::root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("k8sc starts");
        // The reader goes away at once: the output's first write, or a later one, fails.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("k8sc ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// k8sc run in the repository with the examples' secrets in its environment.
fn in_root(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(args)
        .current_dir(crate::root())
        .envs(crate::build::env_secrets())
        .output()
        .expect("k8sc runs")
}

/// A platform folder, as a user gives it to every command: `check`, `fmt --check`,
/// `graph`, `simulate` and `build` read the whole folder; diagnostics name its files.
#[test]
fn every_command_takes_a_platform_folder() {
    let folder = "examples/004-stages/";
    let run = in_root;
    let check = run(&["check", folder, "--secrets", "examples/pki"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(String::from_utf8_lossy(&check.stdout).contains("ok, 35 declarations"));
    assert!(run(&["fmt", "--check", folder]).status.success());
    let graph = run(&["graph", folder, "--format", "json"]);
    assert!(String::from_utf8_lossy(&graph.stdout).contains("\"app:esb_dev\""));
    let simulate = run(&["simulate", folder, "--fail", "pm1"]);
    let shown = String::from_utf8_lossy(&simulate.stdout);
    assert!(
        shown.contains("lost    app esb_dev") || shown.contains("ok      app esb_dev"),
        "{shown}"
    );
    let out = crate::build::scratch_dir("folder-build");
    let build = run(&[
        "build",
        folder,
        "-o",
        &out.join("tree").display().to_string(),
        "--secrets",
        "examples/pki",
    ]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    assert!(out.join("tree/kubernetes/apps/dev.yaml").is_file());
    // A mistake in one file is reported in that file.
    let broken = out.join("broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::write(
        broken.join("main.k8s"),
        "use \"./hosts.k8s\"\ncluster c { version = \"1.36.3\" node_subnet = 10.0.0.0/24 }\n",
    )
    .expect("write");
    std::fs::write(broken.join("hosts.k8s"), "physical_host pm1 { rack = 3 }\n").expect("write");
    let check = run(&["check", &broken.display().to_string()]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("hosts.k8s:1:28") && stderr.contains("E0106"),
        "{stderr}"
    );
}

/// A platform of two clusters (article 001): `check` shows each cluster's own choices,
/// `simulate` fails a data centre in the cluster that has it and judges the platform by
/// every cluster, and `build` writes a tree per cluster and the Harbor rules once.
#[test]
fn a_platform_of_two_clusters_is_simulated_and_built_per_cluster() {
    let folder = "examples/001-two-datacenters/";
    let run = in_root;
    let text = |output: &std::process::Output| String::from_utf8_lossy(&output.stdout).into_owned();
    let check = run(&["check", folder]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(
        text(&check).contains("cluster dc2: vip_group dc2_api_vip: virtual_router_id 51"),
        "{}",
        text(&check)
    );
    let datacenter = run(&["simulate", folder, "--fail", "dc2"]);
    assert_eq!(datacenter.status.code(), Some(1), "{}", text(&datacenter));
    for said in [
        "cluster `dc1`: none of its hosts or nodes fails",
        "cluster `dc2`: failing data centre `dc2`",
        "BROKEN  etcd: 0 of 3 members alive",
        "the platform breaks",
    ] {
        assert!(text(&datacenter).contains(said), "{said}: {}", text(&datacenter));
    }
    let hosts = run(&["simulate", folder, "--fail", "dc1_pm1,dc2_pm2", "--format", "json"]);
    assert_eq!(hosts.status.code(), Some(0), "{}", text(&hosts));
    let report: serde_json::Value = serde_json::from_slice(&hosts.stdout).expect("JSON");
    let clusters: Vec<(&str, &str)> = (report["clusters"].as_array().expect("clusters").iter())
        .map(|cluster| {
            (
                cluster["cluster"].as_str().unwrap_or_default(),
                cluster["failed"][0].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        clusters,
        [("dc1", "physical host `dc1_pm1`"), ("dc2", "physical host `dc2_pm2`")]
    );
    let unknown = run(&["simulate", folder, "--fail", "dc3"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `dc1`"));
    let out = crate::build::scratch_dir("two-clusters").join("tree");
    let build = run(&[
        "--secrets",
        "examples/pki",
        "build",
        folder,
        "-o",
        &out.display().to_string(),
    ]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    for file in [
        "dc1/kubernetes/kustomization.yaml",
        "dc2/ansible/site.yml",
        "dc2/lab/plan.json",
        "harbor/apply.sh",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    assert!(!out.join("kubernetes").exists() && !out.join("dc1/harbor").exists());
}
