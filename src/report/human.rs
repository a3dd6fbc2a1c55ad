//! Terminal rendering through miette's graphical handler.

use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap};

/// Lines of the file around a diagnostic's labels that the excerpt may need: more than the
/// handler's context, so that it reads exactly what it would read in the whole file.
const WINDOW_LINES: usize = 4;

/// The part of a file a diagnostic's excerpt is drawn from. miette finds lines by scanning
/// its source from the start; handing it the whole file made every diagnostic cost the
/// file's length, and a large platform's thousands of findings cost minutes. The window
/// starts at a line start; spans and line numbers are shifted to and from the file's.
struct Window {
    name: String,
    /// The file's text from byte `text_start` on: the whole file, shared, or a copy of the
    /// window whose control characters are made visible.
    text: Arc<str>,
    text_start: usize,
    /// Byte offset and 0-based line of the window's start in the file.
    start: usize,
    end: usize,
    first_line: usize,
}

impl Window {
    fn around(file: &SourceFile, name: String, ranges: &[std::ops::Range<usize>]) -> Window {
        let low = ranges.iter().map(|range| range.start).min().unwrap_or(0);
        let high = ranges.iter().map(|range| range.end).max().unwrap_or(0);
        let first_line = file.line_of(low).saturating_sub(WINDOW_LINES);
        let last_line = file.line_of(high) + WINDOW_LINES + 1;
        let start = file.line_start(first_line);
        let end = file.line_start(last_line).max(start);
        let excerpt = file.text.get(start..end).unwrap_or("");
        // A control character in an excerpt would reach the terminal as it is (an escape
        // sequence rewrites the screen): each is shown as `?`, one per byte, so every span
        // still lands on the same bytes.
        let (text, text_start) = if excerpt.chars().any(is_hidden) {
            let visible: String = (excerpt.chars())
                .flat_map(|ch| {
                    let hidden = is_hidden(ch);
                    let count = if hidden { ch.len_utf8() } else { 1 };
                    std::iter::repeat_n(if hidden { '?' } else { ch }, count)
                })
                .collect();
            (Arc::from(visible), start)
        } else {
            (Arc::clone(&file.text), 0)
        };
        Window {
            name,
            text,
            text_start,
            start,
            end,
            first_line,
        }
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let window = (self.text)
            .get(self.start - self.text_start..self.end - self.text_start)
            .unwrap_or("");
        let inside = span.offset().checked_sub(self.start).ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(inside.into(), span.len());
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.name.clone(),
                contents.data(),
                SourceSpan::new((contents.span().offset() + self.start).into(), contents.span().len()),
                contents.line() + self.first_line,
                contents.column(),
                contents.line_count(),
            )
            .with_language("k8s"),
        ))
    }
}

/// A character an excerpt does not show as it is: what E0007 refuses in strings, outside
/// the line breaks and tabs that lay the excerpt out.
fn is_hidden(ch: char) -> bool {
    !matches!(ch, '\n' | '\r' | '\t') && crate::syntax::is_forbidden_in_string(ch)
}

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
    source: Window,
    /// The message and help with their control characters escaped (see [`visible`]).
    message: String,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    notes: Vec<String>,
}

/// A file's name as an excerpt's header shows it: every control character escaped, line
/// breaks too (a name is one line).
fn visible_name(name: &str) -> String {
    visible(&name.replace('\n', "\\n"))
}

/// A message as a terminal may show it: a value quoted from the source can hold a line
/// break or carriage return written as an escape, and those are shown as escapes too, so
/// no diagnostic moves the cursor or rewrites what is on screen.
fn visible(text: &str) -> String {
    if !text.chars().any(|ch| ch.is_control() && ch != '\n' || is_hidden(ch)) {
        return text.to_string();
    }
    text.chars()
        .flat_map(|ch| {
            let escape = ch != '\n' && (ch.is_control() || is_hidden(ch));
            let shown: Vec<char> = if escape {
                ch.escape_default().collect()
            } else {
                vec![ch]
            };
            shown
        })
        .collect()
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &SourceMap) -> Report<'a> {
        let file = diagnostic.primary.span.file;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(visible(&diagnostic.primary.message)),
            diagnostic.primary.span.range(),
        )];
        let mut notes = Vec::new();
        for label in &diagnostic.secondary {
            if label.span.file == file {
                labels.push(LabeledSpan::new_with_span(
                    Some(visible(&label.message)),
                    label.span.range(),
                ));
            } else if let Some(other) = sources.get(label.span.file) {
                let position = other.line_col(label.span.start as usize);
                notes.push(visible(&format!(
                    "{} ({}:{}:{})",
                    label.message, other.name, position.line, position.column
                )));
            }
        }
        notes.extend(diagnostic.notes.iter().map(|note| visible(note)));
        let message = visible(&diagnostic.message);
        let help = diagnostic.help.as_deref().map(visible);
        let ranges: Vec<std::ops::Range<usize>> = labels
            .iter()
            .map(|label| label.offset()..label.offset() + label.len())
            .collect();
        // The file's text is shared, not copied: a large file may carry many diagnostics.
        let source = match sources.get(file) {
            Some(source) => Window::around(source, visible_name(sources.name(file)), &ranges),
            None => Window {
                name: visible_name(sources.name(file)),
                text: Arc::from(""),
                text_start: 0,
                start: 0,
                end: 0,
                first_line: 0,
            },
        };
        Report {
            diagnostic,
            message,
            help,
            source,
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
        f.write_str(&self.message)
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
        self.help
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
