//! `--format json`: one object holding every diagnostic with 1-based ranges.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Label};
use crate::source::{LineCol, SourceMap, Span};

#[derive(Serialize)]
struct Output<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    range: Range,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    file: &'a str,
    range: Range,
    primary: bool,
}

/// A 1-based, end-exclusive range of lines and columns (columns count characters).
#[derive(Serialize)]
struct Range {
    start: LineCol,
    end: LineCol,
}

fn range(sources: &SourceMap, span: Span) -> Range {
    match sources.get(span.file) {
        Some(file) => Range {
            start: file.line_col(span.start as usize),
            end: file.line_col(span.end as usize),
        },
        None => Range {
            start: LineCol { line: 1, column: 1 },
            end: LineCol { line: 1, column: 1 },
        },
    }
}

fn label<'a>(sources: &'a SourceMap, label: &'a Label, primary: bool) -> JsonLabel<'a> {
    JsonLabel {
        message: &label.message,
        file: sources.name(label.span.file),
        range: range(sources, label.span),
        primary,
    }
}

/// `{"diagnostics":[...]}` followed by a line break.
pub fn render_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let output = Output {
        diagnostics: diagnostics
            .iter()
            .map(|diagnostic| JsonDiagnostic {
                code: diagnostic.code.as_str(),
                severity: diagnostic.severity.as_str(),
                message: &diagnostic.message,
                file: sources.name(diagnostic.primary.span.file),
                range: range(sources, diagnostic.primary.span),
                labels: std::iter::once(label(sources, &diagnostic.primary, true))
                    .chain(
                        diagnostic
                            .secondary
                            .iter()
                            .map(|secondary| label(sources, secondary, false)),
                    )
                    .collect(),
                notes: &diagnostic.notes,
                help: diagnostic.help.as_deref(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_else(|_| "{\"diagnostics\":[]}".into());
    text.push('\n');
    text
}
