//! Terminal rendering through miette's graphical handler.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// How to render for a terminal.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

impl Default for HumanStyle {
    fn default() -> Self {
        HumanStyle {
            color: false,
            width: 100,
        }
    }
}

/// Renders diagnostics one after another, each with its source excerpt, then a summary.
pub fn render_human(diagnostics: &[Diagnostic], sources: &SourceMap, style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(diagnostic, sources);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        for note in &report.notes {
            out.push_str("  note: ");
            out.push_str(note);
            out.push('\n');
        }
        out.push('\n');
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if !diagnostics.is_empty() {
        out.push_str(&format!(
            "{} error{}, {} warning{}\n",
            errors,
            if errors == 1 { "" } else { "s" },
            warnings,
            if warnings == 1 { "" } else { "s" }
        ));
    }
    out
}

/// One diagnostic as miette sees it: labels in the primary's file are drawn on its
/// source; labels elsewhere (in the standard library) become notes with their position.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    notes: Vec<String>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &SourceMap) -> Report<'a> {
        let file = diagnostic.primary.span.file;
        // The file's text is shared, not copied: a large file may carry many diagnostics.
        let text: Arc<str> = sources
            .get(file)
            .map_or_else(|| Arc::from(""), |source| Arc::clone(&source.text));
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(diagnostic.primary.message.clone()),
            diagnostic.primary.span.range(),
        )];
        let mut notes = Vec::new();
        for label in &diagnostic.secondary {
            if label.span.file == file {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    label.span.range(),
                ));
            } else if let Some(other) = sources.get(label.span.file) {
                let position = other.line_col(label.span.start as usize);
                notes.push(format!(
                    "{} ({}:{}:{})",
                    label.message, other.name, position.line, position.column
                ));
            }
        }
        notes.extend(diagnostic.notes.iter().cloned());
        Report {
            diagnostic,
            source: NamedSource::new(sources.name(file), text).with_language("k8s"),
            labels,
            notes,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|help| Box::new(help.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
