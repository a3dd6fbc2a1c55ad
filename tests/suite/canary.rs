//! Hostile strings: payloads planted into every string field (and map key) of every
//! example and passing case. Each planted source either gets a coded diagnostic whose
//! primary span is the planted string, or builds into files that read back exactly as
//! before with the planted value in place of the original: every YAML, JSON and TOML file
//! parses to the same tree once the planted value is put back (no new key, document or
//! table), every other config is the same text (no new directive or block), and every
//! emitted shell script and init-container command, run with stub programs first on PATH,
//! never runs the canary program.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Command;

use k8sc::emit::{self, Templates};

use crate::build::{scratch_dir, with_bootstrap};

/// What every payload carries, so a planted value can be told from the rest of a file.
const MARK: &str = "K8SCCANARY";
/// The program a payload tries to run; a stub of it records that it ran.
const CANARY: &str = "k8sc-canary";

/// Each class of hostile string, with a payload.
fn payloads() -> Vec<(&'static str, String)> {
    vec![
        ("line break and a new key", format!("x\n{MARK}: injected\n- {MARK}")),
        ("quotes", format!("x\"'{MARK}'\"")),
        ("YAML specials", format!("&a *a !{MARK} {{x: [y]}} # | > % @ `")),
        ("leading YAML indicator", format!("- {MARK}: {{")),
        (
            "shell substitution",
            format!("x;{CANARY};$({CANARY})`{CANARY}`|{CANARY}&&{CANARY}"),
        ),
        ("quote then command", format!("x'; {CANARY} #{MARK}")),
        (
            "Jinja and Ansible templates",
            format!("{{{{ lookup('pipe', '{CANARY}') }}}}{{% raw %}}{MARK}{{# c #}}"),
        ),
        (
            "keepalived block",
            format!("eth0 }}\nvrrp_script {MARK} {{ script \"{CANARY}\" }}"),
        ),
        ("comment signs", format!("x # {MARK} ! y ; z")),
        ("TOML rewrite", format!("\"]\nskip_verify = true\n[{MARK} \"")),
        ("path traversal", format!("../../../{MARK}")),
        ("option injection", format!("--{MARK}=1")),
        ("backslashes", format!("\\{MARK}\\n\\\"")),
        ("empty", String::new()),
        ("raw DEL", format!("{MARK}\u{7f}")),
        ("raw escape", format!("{MARK}\u{1b}[2J")),
        ("next line U+0085", format!("{MARK}\u{85}x: y")),
        ("line separator U+2028", format!("{MARK}\u{2028}x")),
        ("bidirectional override", format!("{MARK}\u{202e}")),
        ("100,000 characters", format!("{MARK}{}", "a".repeat(100_000))),
    ]
}

/// A value as a k8sc string literal: the escapes the language has, other characters raw.
fn literal(value: &str) -> String {
    let mut text = String::with_capacity(value.len() + 2);
    text.push('"');
    for ch in value.chars() {
        match ch {
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            '\n' => text.push_str("\\n"),
            '\r' => text.push_str("\\r"),
            '\t' => text.push_str("\\t"),
            ch => text.push(ch),
        }
    }
    text.push('"');
    text
}

/// Compiles a source, split into files at its `#--- PATH` lines as the cases are.
fn compile(text: &str, secrets: &k8sc::platform::Secrets) -> k8sc::Compilation {
    let files = k8sc::load::Memory::split("planted.k8s", text);
    let first = files.files["planted.k8s"].clone();
    k8sc::compile_platform(vec![("planted.k8s".into(), first)], "", &files, |source| {
        secrets.get(source).map(str::to_string)
    })
}

/// Where a span of a compilation of `text` lies in `text` itself: each file of a split
/// text starts after its marker line.
fn in_text(text: &str, compilation: &k8sc::Compilation, span: k8sc::source::Span) -> (usize, usize) {
    let name = compilation.sources.name(span.file);
    let start = if name == "planted.k8s" {
        0
    } else {
        let marker = format!("{}{name}\n", k8sc::load::MARKER);
        text.find(&marker).map_or(0, |at| at + marker.len())
    };
    (start + span.start as usize, start + span.end as usize)
}

fn build(text: &str, secrets: &k8sc::platform::Secrets) -> Result<emit::Output, Vec<k8sc::diagnostic::Diagnostic>> {
    let compilation = compile(text, secrets);
    if compilation.has_errors() {
        return Err(compilation.diagnostics);
    }
    let templates = Templates::default();
    k8sc::build("planted.k8s", &compilation, secrets, &templates)
}

/// Every string of a YAML, JSON or TOML tree with `planted` put back to `original`.
fn put_back_yaml(value: &mut serde_yaml::Value, planted: &str, original: &str) {
    match value {
        serde_yaml::Value::String(text) => *text = text.replace(planted, original),
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(|item| put_back_yaml(item, planted, original)),
        serde_yaml::Value::Mapping(map) => {
            let entries: Vec<(serde_yaml::Value, serde_yaml::Value)> = std::mem::take(map).into_iter().collect();
            for (mut key, mut item) in entries {
                put_back_yaml(&mut key, planted, original);
                put_back_yaml(&mut item, planted, original);
                map.insert(key, item);
            }
        }
        serde_yaml::Value::Tagged(tagged) => put_back_yaml(&mut tagged.value, planted, original),
        _ => {}
    }
}

fn put_back_json(value: &mut serde_json::Value, planted: &str, original: &str) {
    match value {
        serde_json::Value::String(text) => *text = text.replace(planted, original),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| put_back_json(item, planted, original)),
        serde_json::Value::Object(map) => {
            let entries: Vec<(String, serde_json::Value)> = std::mem::take(map).into_iter().collect();
            for (key, mut item) in entries {
                put_back_json(&mut item, planted, original);
                map.insert(key.replace(planted, original), item);
            }
        }
        _ => {}
    }
}

fn put_back_toml(value: &mut toml::Value, planted: &str, original: &str) {
    match value {
        toml::Value::String(text) => *text = text.replace(planted, original),
        toml::Value::Array(items) => items.iter_mut().for_each(|item| put_back_toml(item, planted, original)),
        toml::Value::Table(table) => {
            let entries: Vec<(String, toml::Value)> = std::mem::take(table).into_iter().collect();
            for (key, mut item) in entries {
                put_back_toml(&mut item, planted, original);
                table.insert(key.replace(planted, original), item);
            }
        }
        _ => {}
    }
}

fn yaml_documents(text: &str) -> Result<Vec<serde_yaml::Value>, String> {
    use serde::Deserialize as _;
    serde_yaml::Deserializer::from_str(text)
        .map(|document| serde_yaml::Value::deserialize(document).map_err(|err| err.to_string()))
        .collect()
}

/// Why a file of the planted build does not read back as its baseline, if it does not.
fn differs(path: &str, planted_text: &str, baseline_text: &str, planted: &str, original: &str) -> Option<String> {
    let compare = !planted.is_empty();
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        let mut documents = match yaml_documents(planted_text) {
            Ok(documents) => documents,
            Err(err) => return Some(format!("does not parse as YAML: {err}")),
        };
        if !compare {
            return None;
        }
        documents
            .iter_mut()
            .for_each(|document| put_back_yaml(document, planted, original));
        let baseline = yaml_documents(baseline_text).expect("the baseline parses");
        (documents != baseline).then(|| "reads back as another YAML tree".to_string())
    } else if path.ends_with(".json") {
        let mut tree: serde_json::Value = match serde_json::from_str(planted_text) {
            Ok(tree) => tree,
            Err(err) => return Some(format!("does not parse as JSON: {err}")),
        };
        if !compare {
            return None;
        }
        put_back_json(&mut tree, planted, original);
        let baseline: serde_json::Value = serde_json::from_str(baseline_text).expect("the baseline parses");
        (tree != baseline).then(|| "reads back as another JSON tree".to_string())
    } else if path.ends_with(".toml") {
        let mut tree: toml::Value = match toml::from_str(planted_text) {
            Ok(tree) => tree,
            Err(err) => return Some(format!("does not parse as TOML: {err}")),
        };
        if !compare {
            return None;
        }
        put_back_toml(&mut tree, planted, original);
        let baseline: toml::Value = toml::from_str(baseline_text).expect("the baseline parses");
        (tree != baseline).then(|| "reads back as another TOML tree".to_string())
    } else if path.ends_with(".sh") {
        // Scripts quote what they take: they are run instead (see `run_scripts`).
        None
    } else if compare {
        (planted_text.replace(planted, original) != baseline_text)
            .then(|| "holds more than the planted value in place of the original".to_string())
    } else {
        None
    }
}

/// A folder of stub programs, first on PATH: each exits 0 and prints nothing; the canary
/// stub records that it ran.
fn stubs(root: &Path) -> std::path::PathBuf {
    let dir = root.join("bin");
    std::fs::create_dir_all(&dir).expect("stub folder");
    let ran = root.join("canary-ran");
    let stub = |name: &str, body: &str| {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("stub");
        let mut permissions = std::fs::metadata(&path).expect("stub").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&path, permissions).expect("stub mode");
    };
    stub(CANARY, &format!("echo \"$0 $*\" >> '{}'\nexit 0", ran.display()));
    // `drbdadm role` says Primary, so a notify script's promotion loop ends at once.
    stub("drbdadm", "[ \"$1\" = role ] && echo Primary\nexit 0");
    for name in [
        "curl",
        "jq",
        "ip",
        "systemctl",
        "mount",
        "umount",
        "mountpoint",
        "exportfs",
        "logger",
        "nc",
        "openssl",
        "timeout",
        "pidof",
        "sleep",
        "kubectl",
        "mktemp",
    ] {
        stub(name, "exit 0");
    }
    // The few real programs the scripts need to reach their commands.
    for name in [
        "grep", "tail", "cat", "dirname", "mkdir", "rm", "sh", "bash", "printf", "echo", "tr",
    ] {
        if let Some(real) = ["/usr/bin", "/bin"]
            .iter()
            .map(|dir| Path::new(dir).join(name))
            .find(|path| path.exists())
        {
            let _ = std::os::unix::fs::symlink(real, dir.join(name));
        }
    }
    dir
}

/// Runs every script of a build, and every `sh -c` command of its manifests, with stubs
/// first on PATH; returns what the canary stub recorded and how many commands ran.
fn run_scripts(output: &emit::Output, scratch: &Path) -> (Vec<String>, usize) {
    let bin = stubs(scratch);
    let ran = scratch.join("canary-ran");
    let tree = scratch.join("tree");
    let mut commands: Vec<(String, Vec<String>)> = Vec::new();
    for (path, file) in &output.files {
        let target = tree.join(path);
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("folders");
        std::fs::write(&target, &file.contents).expect("write");
        if path.ends_with(".sh") {
            let shell = if file.contents.starts_with("#!/bin/bash") {
                "bash"
            } else {
                "sh"
            };
            let script = target.to_string_lossy().into_owned();
            for argument in ["master", "backup", "-"] {
                let out = scratch.join("pki-out").to_string_lossy().into_owned();
                let extra = if path.ends_with("make-certs.sh") {
                    out
                } else {
                    argument.to_string()
                };
                commands.push((shell.to_string(), vec![script.clone(), extra]));
            }
        }
        if path.ends_with(".yaml") && file.contents.contains("- -c") {
            for document in yaml_documents(&file.contents).unwrap_or_default() {
                collect_sh_commands(&document, &mut commands);
            }
        }
    }
    let count = commands.len();
    for (program, args) in commands {
        let child = Command::new(bin.join(&program))
            .args(&args)
            .current_dir(scratch)
            .env_clear()
            .env("PATH", &bin)
            .env("HARBOR_USER", "user")
            .env("HARBOR_PASSWORD", "password")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        // A script that waits on what a stub never gives (a loop until DRBD promotes) is
        // stopped after its time: what it ran so far is recorded.
        if let Ok(mut child) = child {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while child.try_wait().ok().flatten().is_none() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    let recorded = std::fs::read_to_string(&ran)
        .map(|text| text.lines().map(str::to_string).collect())
        .unwrap_or_default();
    (recorded, count)
}

/// The harness catches what it looks for: a script that pastes a value unquoted, and an
/// init container whose script is the value, both run the canary.
#[test]
fn the_script_harness_sees_a_pasted_command() {
    let scratch = scratch_dir("canary-harness");
    let mut output = emit::Output::default();
    let file = |contents: &str| emit::OutputFile {
        contents: contents.to_string(),
        mode: 0o755,
    };
    output.files.insert(
        "hosts/n1/etc/keepalived/check.sh".into(),
        file(&format!(
            "#!/bin/sh\ninterface=e;{CANARY}\nip link show dev $interface\n"
        )),
    );
    output.files.insert(
        "kubernetes/apps/shop.yaml".into(),
        file(&format!("kind: Pod\nspec:\n  initContainers:\n  - command:\n    - sh\n    - -c\n    - until nc -z x.{CANARY} 80; do sleep 1; done; $({CANARY})\n")),
    );
    let (ran, count) = run_scripts(&output, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(count, 4, "three runs of the script and one of the init container");
    assert_eq!(ran.len(), 4, "every run reached the canary: {ran:?}");
}

/// Every container command `[sh, -c, SCRIPT, ARGS...]` in a manifest.
fn collect_sh_commands(value: &serde_yaml::Value, found: &mut Vec<(String, Vec<String>)>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            if let Some(serde_yaml::Value::Sequence(command)) = map.get("command") {
                let words: Vec<String> = command
                    .iter()
                    .filter_map(|word| word.as_str().map(str::to_string))
                    .collect();
                if words.len() >= 3 && words[0] == "sh" && words[1] == "-c" {
                    found.push(("sh".into(), words[1..].to_vec()));
                }
            }
            map.values().for_each(|item| collect_sh_commands(item, found));
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|item| collect_sh_commands(item, found)),
        _ => {}
    }
}

#[test]
fn no_planted_string_runs_a_command_or_changes_a_file() {
    let mut sources: Vec<std::path::PathBuf> = (crate::k8s_files("tests/cases").into_iter())
        .filter(|path| path.to_string_lossy().ends_with(".pass.k8s"))
        .collect();
    sources.extend(crate::k8s_files("examples"));
    let payloads = payloads();
    let scratch = scratch_dir("canary");
    let (mut planted_count, mut refused, mut built, mut ran_scripts, mut baseline_runs) = (0, 0, 0, 0, 0);
    let mut refused_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    // One planting per field path, payload and source shape: the same field of two cases
    // differs only in its neighbours, which the first of each already covers.
    let mut seen: HashSet<(String, bool, usize, String)> = HashSet::new();
    for source in &sources {
        let original_text = std::fs::read_to_string(source).expect("readable");
        let text = with_bootstrap(&original_text);
        let secrets = crate::build::secrets_of(&original_text);
        let compilation = compile(&text, &secrets);
        assert!(!compilation.has_errors(), "{} does not compile clean", source.display());
        let baseline = build(&text, &secrets).unwrap_or_else(|_| panic!("{} builds", source.display()));
        if source.to_string_lossy().contains("examples") {
            // Every script an example emits runs in the harness: none reaches the canary.
            let run_dir = scratch.join(format!("baseline-{}", baseline_runs));
            let (ran, count) = run_scripts(&baseline, &run_dir);
            assert!(ran.is_empty(), "{}: {ran:?}", source.display());
            baseline_runs += count;
            let _ = std::fs::remove_dir_all(&run_dir);
        }
        // Declarations are all in the source itself (in one of its files): their written
        // strings are too.
        for written in k8sc::check::fields::written_strings(&compilation.model) {
            let (start, end) = in_text(&text, &compilation, written.span);
            let Some(original_literal) = text.get(start..end) else {
                continue;
            };
            if !original_literal.starts_with('"') && !written.key {
                continue;
            }
            for (payload_idx, (class, payload)) in payloads.iter().enumerate() {
                let kind = source
                    .to_string_lossy()
                    .contains("examples")
                    .then(|| source.display().to_string());
                if !seen.insert((written.path.clone(), written.key, payload_idx, kind.unwrap_or_default())) {
                    continue;
                }
                planted_count += 1;
                let planted_literal = literal(payload);
                let planted_text = format!("{}{planted_literal}{}", &text[..start], &text[end..]);
                let planted_end = start + planted_literal.len();
                let describe = || {
                    format!(
                        "{class} in `{}`{} of {}",
                        written.path,
                        if written.key { " (a key)" } else { "" },
                        source.display()
                    )
                };
                match build(&planted_text, &secrets) {
                    Err(diagnostics) => {
                        let planted_compilation = compile(&planted_text, &secrets);
                        let on_field = diagnostics.iter().find(|diagnostic| {
                            let (from, to) = in_text(&planted_text, &planted_compilation, diagnostic.primary.span);
                            diagnostic.is_error() && from < planted_end && to > start
                        });
                        match on_field {
                            Some(diagnostic) => {
                                refused += 1;
                                *refused_by.entry(diagnostic.code.as_str().to_string()).or_default() += 1;
                            }
                            None => failures.push(format!(
                                "{}: refused, but by no diagnostic on the field: {:?}",
                                describe(),
                                diagnostics
                                    .iter()
                                    .map(|d| format!("{} {}", d.code, d.message))
                                    .collect::<Vec<_>>()
                            )),
                        }
                    }
                    Ok(output) => {
                        built += 1;
                        let original_value = written.text;
                        let put_back = |path: &str| path.replace(payload.as_str(), original_value);
                        let planted_paths: Vec<String> = if payload.is_empty() {
                            output.files.keys().cloned().collect()
                        } else {
                            output.files.keys().map(|path| put_back(path)).collect()
                        };
                        let baseline_paths: Vec<String> = baseline.files.keys().cloned().collect();
                        if !payload.is_empty() && planted_paths != baseline_paths {
                            failures.push(format!("{}: the files written are not the same", describe()));
                        }
                        for (path, file) in &output.files {
                            let path_back = if payload.is_empty() {
                                path.clone()
                            } else {
                                put_back(path)
                            };
                            let Some(base) = baseline.files.get(&path_back) else {
                                continue;
                            };
                            if let Some(why) = differs(path, &file.contents, &base.contents, payload, original_value) {
                                failures.push(format!("{}: {path} {why}", describe()));
                            }
                        }
                        let changed_script = output.files.iter().any(|(path, file)| {
                            (path.ends_with(".sh") || file.contents.contains("- -c"))
                                && baseline
                                    .files
                                    .get(path)
                                    .is_none_or(|base| base.contents != file.contents)
                        });
                        if changed_script {
                            ran_scripts += 1;
                            let run_dir = scratch.join(format!("run-{ran_scripts}"));
                            let (ran, _) = run_scripts(&output, &run_dir);
                            if !ran.is_empty() {
                                failures.push(format!("{}: a script ran the canary: {ran:?}", describe()));
                            }
                            let _ = std::fs::remove_dir_all(&run_dir);
                        }
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    eprintln!(
        "canary: {planted_count} planted, {refused} refused with a code on the field ({refused_by:?}), {built} built, {ran_scripts} with changed scripts run; {baseline_runs} script runs of the examples"
    );
    assert!(planted_count > 500, "the canary planted too little: {planted_count}");
    assert!(
        failures.is_empty(),
        "{} planted strings got through:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
