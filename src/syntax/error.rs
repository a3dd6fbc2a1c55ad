//! Syntax errors and how they lower into diagnostics.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// A character that starts no token.
    UnexpectedChar(char),
    /// The parser wanted `expected` and saw `found`.
    Expected {
        expected: String,
        found: String,
    },
    UnterminatedString,
    /// `delimiter` opened at `open` is never closed.
    Unclosed {
        delimiter: char,
        open: Span,
    },
    /// A keyword where a name belongs.
    KeywordAsName(String),
    /// Lists, records and calls nested deeper than `limit`.
    TooDeep {
        limit: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    /// Where the construct being parsed started, shown as a secondary label.
    pub context: Option<(Span, String)>,
}

impl SyntaxError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        let diagnostic = match &self.kind {
            SyntaxErrorKind::UnexpectedChar(ch) => Diagnostic::error(
                Code::E0001,
                format!("unexpected character `{}`", ch.escape_default()),
                self.span,
                "no token starts with this character",
            )
            .with_help("remove it; comments start with `#` and strings are written in double quotes"),
            SyntaxErrorKind::Expected { expected, found } => Diagnostic::error(
                Code::E0002,
                format!("expected {expected}, found {found}"),
                self.span,
                format!("expected {expected}"),
            ),
            SyntaxErrorKind::UnterminatedString => Diagnostic::error(
                Code::E0003,
                "unterminated string",
                self.span,
                "this string is not closed before the end of the line",
            )
            .with_help("add the closing `\"`; strings cannot span lines, write `\\n` for a line break"),
            SyntaxErrorKind::Unclosed { delimiter, open } => {
                let closing = match delimiter {
                    '{' => '}',
                    '[' => ']',
                    _ => ')',
                };
                Diagnostic::error(
                    Code::E0004,
                    format!("unclosed `{delimiter}`"),
                    self.span,
                    format!("expected `{closing}` before this point"),
                )
                .with_label(*open, format!("`{delimiter}` opened here"))
                .with_help(format!("add `{closing}` to close it"))
            }
            SyntaxErrorKind::KeywordAsName(keyword) => Diagnostic::error(
                Code::E0005,
                format!("`{keyword}` is a keyword and cannot be used as a name"),
                self.span,
                "keyword used as a name",
            )
            .with_help(format!("choose another name, for example `{keyword}_1`")),
            SyntaxErrorKind::TooDeep { limit } => Diagnostic::error(
                Code::E0006,
                format!("lists, records and calls nest deeper than {limit} levels here"),
                self.span,
                format!("level {} opens here", limit + 1),
            )
            .with_help(
                "flatten the value: no platform needs this depth, and k8sc stops here rather than exhaust its stack",
            ),
        };
        match &self.context {
            Some((span, message)) => diagnostic.with_label(*span, message.clone()),
            None => diagnostic,
        }
    }
}
