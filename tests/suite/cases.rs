//! Fixture-driven diagnostics. Each file under `tests/cases/` names what it expects in its
//! header:
//!
//! - `# expect: E0102` and `# span: adress`: every diagnostic has that code (a mistake may
//!   be reported at several places, never with another code), the first one's primary span
//!   covers exactly that text, and the rendered diagnostics are snapshotted;
//! - `# also: HA011`: another code the case needs to show its own (an `@allow` that
//!   misses the finding it names, beside that finding); it must be reported too;
//! - `# expect: ok`: the file compiles with no diagnostic at all (the passing variant of a
//!   rule's failing case);
//! - `# env: NAME=value`: a secret the compiler is given, as `env("NAME")` (one line each);
//! - `# phase: build`: the file compiles clean and the finding comes from the build (a
//!   secret that cannot be read, a template that does not render);
//! - `# template: NAME=TEXT`: a template override for the build.
//!
//! A case of several files writes each after a `#--- PATH` line; the text before the
//! first is the case's own file, which may `use` the others.

use k8sc::diagnostic::Code;
use k8sc::platform::Secrets;
use k8sc::report::{HumanStyle, render_human};
use k8sc::semantic::SecretSource;

fn header<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines()
        .take_while(|line| line.starts_with('#'))
        .find_map(|line| line.strip_prefix(&format!("# {key}:")))
        .map(str::trim_ascii)
}

/// Every `# env: NAME=value` line of the header.
fn secrets(text: &str) -> Secrets {
    let mut secrets = Secrets::default();
    let env_lines = (text.lines().take_while(|line| line.starts_with('#')))
        .filter_map(|line| line.strip_prefix("# env:"))
        .filter_map(|env| env.trim().split_once('='));
    for (name, value) in env_lines {
        secrets.insert(SecretSource::Env(name.to_string()), value.to_string());
    }
    secrets
}

/// What a build of a clean file reports, as `k8sc build` does: what only a build needs
/// (unreadable secrets, what the nodes join with), checked before any emitter runs, then
/// what the templates raise.
fn build_findings(compilation: &k8sc::Compilation, text: &str, secrets: &Secrets) -> Vec<k8sc::diagnostic::Diagnostic> {
    // A case of an unreadable secret is about that secret alone.
    let missing = k8sc::check::missing_secrets(&compilation.model, secrets, |_| "it is not provided".into());
    if !missing.is_empty() {
        return missing;
    }
    let found = k8sc::check::build(&compilation.model, &compilation.graph, secrets, |_| {
        "it is not provided".into()
    });
    // The errors stop the build; its warnings are the check cases' business.
    let errors: Vec<_> = found
        .into_iter()
        .filter(k8sc::diagnostic::Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return errors;
    }
    let mut templates = k8sc::emit::Templates::default();
    if let Some((name, body)) = header(text, "template").and_then(|t| t.split_once('=')) {
        templates.set(name, body.to_string()).expect("a known template");
    }
    let input =
        k8sc::emit::Input::of("case.k8s", compilation, secrets, &templates).expect("a platform with its cluster");
    k8sc::emit::emit(&input).err().unwrap_or_default()
}

/// Compiles a case: a platform of one file, or of several when `#--- PATH` lines start
/// the others (paths relative to the case's folder).
fn compile_case(name: &str, text: &str, secrets: &Secrets) -> k8sc::Compilation {
    let (folder, file) = name.rsplit_once('/').expect("a case in a folder");
    let files = k8sc::load::Memory::split(file, text);
    let first = files.files[file].clone();
    k8sc::compile_platform(vec![(file.to_string(), first)], folder, &files, |source| {
        secrets.get(source).map(str::to_string)
    })
}

#[test]
fn every_case_reports_exactly_what_it_expects() {
    let cases = crate::k8s_files("tests/cases");
    assert!(cases.len() >= 140, "the cases went missing");
    let mut failures = Vec::new();
    for path in &cases {
        let text = std::fs::read_to_string(path).expect("readable case");
        let relative = path.strip_prefix(crate::root()).expect("inside the repository");
        let name = relative.to_string_lossy().replace('\\', "/");
        let expected =
            header(&text, "expect").unwrap_or_else(|| panic!("{name} needs `# expect: CODE` or `# expect: ok`"));
        let secrets = secrets(&text);
        let mut compilation = compile_case(&name, &text, &secrets);
        if header(&text, "phase") == Some("build") && !compilation.has_errors() {
            compilation
                .diagnostics
                .extend(build_findings(&compilation, &text, &secrets));
        }
        let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.as_str()).collect();
        let rendered = render_human(&compilation.diagnostics, &compilation.sources, HumanStyle::default());
        if expected == "ok" {
            if !codes.is_empty() {
                failures.push(format!("{name}: expected no diagnostic, got {codes:?}\n{rendered}"));
            }
            continue;
        }
        let also: Vec<&str> = header(&text, "also").map_or_else(Vec::new, |also| also.split_whitespace().collect());
        let first = (compilation.diagnostics.iter()).position(|diagnostic| diagnostic.code.as_str() == expected);
        let stray = (codes.iter()).any(|code| *code != expected && !also.contains(code));
        let shown = also.iter().all(|code| codes.contains(code));
        let Some(first) = first.filter(|_| !stray && shown) else {
            failures.push(format!(
                "{name}: expected only {expected} (and {also:?}), got {codes:?}\n{rendered}"
            ));
            continue;
        };
        let span = header(&text, "span").unwrap_or_else(|| panic!("{name} needs `# span: TEXT`"));
        let spanned = compilation.sources.text(compilation.diagnostics[first].primary.span);
        if spanned != span {
            failures.push(format!("{name}: expected the span on `{span}`, got `{spanned}`"));
        }
        let snapshot_name = path.file_stem().expect("a file name").to_string_lossy().into_owned();
        crate::snapshot_settings("cases").bind(|| {
            insta::assert_snapshot!(snapshot_name, format!("{text}\n---\n{rendered}"));
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every code has a failing case, and every HA rule a passing variant beside it.
#[test]
fn every_code_has_a_failing_case_and_every_rule_a_passing_variant() {
    let stems: Vec<String> = crate::k8s_files("tests/cases")
        .iter()
        .filter_map(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
        .collect();
    for code in Code::ALL {
        let prefix = format!("{}_", code.as_str());
        assert!(
            stems
                .iter()
                .any(|stem| stem.starts_with(&prefix) && !stem.ends_with(".pass.k8s")),
            "no failing case under tests/cases for {code}"
        );
        if code.as_str().starts_with("HA") {
            assert!(
                stems
                    .iter()
                    .any(|stem| stem.starts_with(&prefix) && stem.ends_with(".pass.k8s")),
                "no passing variant under tests/cases for {code}"
            );
        }
    }
}
