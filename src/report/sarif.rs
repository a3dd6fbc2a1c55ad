//! `--format sarif`: SARIF 2.1.0 for code scanning in CI, with a rule entry per code.

use serde_json::{Value, json};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// Where each code's page is published; the same page `k8sc explain CODE` prints.
pub const DOCS_URL: &str = "https://k8sc.dev/diagnostics/";

fn region(sources: &SourceMap, span: Span) -> Value {
    let Some(file) = sources.get(span.file) else {
        return json!({ "startLine": 1, "startColumn": 1 });
    };
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": sources.name(span.file) },
            "region": region(sources, span),
        }
    });
    if let (Some(message), Some(object)) = (message, location.as_object_mut()) {
        object.insert("message".into(), json!({ "text": message }));
    }
    location
}

/// Where a code comes from, for the SARIF rules: the family and the rule function that
/// report it (`check::rule_of`), when a rule does.
pub type RuleOf<'a> = &'a dyn Fn(Code) -> Option<(&'static str, &'static str)>;

/// One SARIF log with one run: every code as a rule (with the family and function of the
/// rule that reports it), every diagnostic as a result.
pub fn render_sarif(diagnostics: &[Diagnostic], sources: &SourceMap, rule_of: RuleOf<'_>) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            let properties = match rule_of(*code) {
                Some((family, rule)) => json!({ "family": family, "rule": rule }),
                None => json!({ "family": "front end" }),
            };
            json!({
                "properties": properties,
                "id": code.as_str(),
                "name": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "fullDescription": { "text": code.summary() },
                "helpUri": format!("{DOCS_URL}{}", code.as_str()),
                "help": { "text": code.page(), "markdown": code.page() },
                "defaultConfiguration": {
                    "level": if code.as_str().starts_with('E') { "error" } else { "warning" }
                },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let rule_index = Code::ALL.iter().position(|code| *code == diagnostic.code).unwrap_or(0);
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            json!({
                "ruleId": diagnostic.code.as_str(),
                "ruleIndex": rule_index,
                "level": match diagnostic.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                "message": { "text": text },
                "locations": [location(sources, diagnostic.primary.span, Some(&diagnostic.primary.message))],
                "relatedLocations": diagnostic
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(idx, label)| {
                        let mut related = location(sources, label.span, Some(&label.message));
                        if let Some(object) = related.as_object_mut() {
                            object.insert("id".into(), json!(idx));
                        }
                        related
                    })
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "k8sc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://k8sc.dev/",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
