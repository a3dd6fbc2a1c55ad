//! Fixture-driven diagnostics: each file under `tests/cases/` holds one finding, named in
//! its header (`# expect: E0102`, `# span: adress`). The compiler must report exactly that
//! code, with its primary span on exactly that text, and the rendered diagnostic is
//! snapshotted.

use k8sc::diagnostic::Code;
use k8sc::report::{HumanStyle, render_human};

struct Expectation {
    code: String,
    span: String,
}

fn expectation(text: &str) -> Expectation {
    let header = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("# {key}:")))
            .map(|value| value.trim().to_string())
    };
    Expectation {
        code: header("expect").unwrap_or_else(|| panic!("a case needs `# expect: CODE`")),
        span: header("span").unwrap_or_else(|| panic!("a case needs `# span: TEXT`")),
    }
}

#[test]
fn every_case_reports_exactly_its_code_on_its_span() {
    let cases = crate::k8s_files("tests/cases");
    assert!(cases.len() >= 30, "the cases went missing");
    let mut failures = Vec::new();
    for path in &cases {
        let text = std::fs::read_to_string(path).expect("readable case");
        let expected = expectation(&text);
        let relative = path.strip_prefix(crate::root()).expect("inside the repository");
        let name = relative.to_string_lossy().replace('\\', "/");
        let compilation = k8sc::compile(&name, &text);
        let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.as_str()).collect();
        if codes != [expected.code.as_str()] {
            failures.push(format!("{name}: expected exactly [{}], got {codes:?}", expected.code));
            continue;
        }
        let primary = compilation.diagnostics[0].primary.span;
        let spanned = compilation.sources.text(primary);
        if spanned != expected.span {
            failures.push(format!(
                "{name}: expected the span on `{}`, got `{spanned}`",
                expected.span
            ));
        }
        let rendered = render_human(&compilation.diagnostics, &compilation.sources, HumanStyle::default());
        let snapshot_name = path.file_stem().expect("a file name").to_string_lossy().into_owned();
        crate::snapshot_settings("cases").bind(|| {
            insta::assert_snapshot!(snapshot_name, format!("{text}\n---\n{rendered}"));
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every front-end code has at least one case; the HA families add theirs with their rules.
#[test]
fn every_code_has_a_failing_case() {
    let cases: Vec<String> = crate::k8s_files("tests/cases")
        .iter()
        .filter_map(|path| path.file_stem().map(|stem| stem.to_string_lossy().into_owned()))
        .collect();
    for code in Code::ALL {
        assert!(
            cases
                .iter()
                .any(|case| case.starts_with(&format!("{}_", code.as_str()))),
            "no case under tests/cases for {code}"
        );
    }
}
