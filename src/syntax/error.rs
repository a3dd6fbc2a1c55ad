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
    /// A raw control or invisible formatting character inside a string literal.
    ControlCharacter(char),
    /// A string literal of `len` bytes, past `limit`.
    StringTooLong {
        len: usize,
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
            SyntaxErrorKind::ControlCharacter(ch) => control_character(*ch, self.span),
            SyntaxErrorKind::StringTooLong { len, limit } => Diagnostic::error(
                Code::E0008,
                format!("a string of {len} bytes; a string holds at most {limit}"),
                self.span,
                "this string",
            )
            .with_help(
                "no field takes a value this long: shorten it, or keep a long text in a file the platform reads",
            ),
        };
        match &self.context {
            Some((span, message)) => diagnostic.with_label(*span, message.clone()),
            None => diagnostic,
        }
    }
}

/// E0007: a raw control character in a string.
fn control_character(ch: char, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::E0007,
        format!(
            "a raw control character U+{:04X} ({}) in a string",
            u32::from(ch),
            char_name(ch)
        ),
        span,
        "this character",
    )
    .with_help(match ch {
        '\r' => "remove it, or write `\\r` if the value needs a carriage return",
        '\u{1b}' => "remove it: an escape sequence in a value rewrites the terminal that shows it",
        _ => "remove it: it changes how an emitted file reads (YAML, shell, host configs) or how the value looks",
    })
}

/// A control character's usual name, for messages.
fn char_name(ch: char) -> &'static str {
    match ch {
        '\0' => "NUL",
        '\r' => "carriage return",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\u{b}' => "vertical tab",
        '\u{c}' => "form feed",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\u{85}' => "next line",
        '\u{9b}' => "control sequence introducer",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{feff}' => "zero-width no-break space",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => "a bidirectional override",
        _ => "a control character",
    }
}
