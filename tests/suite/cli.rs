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

    let messy = "cluster c {version=\"1.30.2\"   node_subnet=10.0.0.0/24}\n";
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
        "cluster c {\n  version = \"1.30.2\"\n  node_subnet = 10.0.0.0/24\n}\n"
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
