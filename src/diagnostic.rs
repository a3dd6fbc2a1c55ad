//! The one diagnostic shape every phase lowers into.
//!
//! A [`Diagnostic`] has a stable [`Code`], a [`Severity`], a message, a primary label,
//! secondary labels, notes and help. The terminal renderer (miette), the JSON and SARIF
//! writers and the language server all read this same value.

use crate::source::Span;

/// How serious a finding is. Errors fail `check` and `build`; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $code:ident => $summary:literal,)*) => {
        /// A stable diagnostic code. Each has a page in `lang/diagnostics/`, embedded here.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// The one-line summary shown by `explain --list` and in SARIF rule entries.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $summary,)* }
            }

            /// The code's page: the invariant, a minimal failing example and the fix.
            pub fn page(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("../lang/diagnostics/", stringify!($code), ".md")),)*
                }
            }

            pub fn parse(text: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|code| code.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

codes! {
    // Syntax: the shape of the text.
    E0001 => "a character that cannot start any token",
    E0002 => "the parser expected one thing and found another",
    E0003 => "a string literal is not closed before the end of its line",
    E0004 => "a `{`, `[` or `(` is never closed",
    E0005 => "a keyword is used where a name is expected",
    // Names and types: the meaning of the text.
    E0101 => "a declaration of a kind the schemas do not define",
    E0102 => "a field the entity's schema does not define",
    E0103 => "a required field is missing",
    E0104 => "two declarations of one kind share a name",
    E0105 => "a field is set twice in one block",
    E0106 => "a value of the wrong type",
    E0107 => "a value outside its type's range or malformed",
    E0108 => "a reference to a name that is not declared",
    E0109 => "a reference to a declaration of the wrong kind",
    E0110 => "a value that is not one of the enum's variants",
    E0111 => "a `use` of a module or component the standard library does not have",
    E0112 => "a `from` naming a component that is not in scope",
    E0113 => "a component used for a declaration of another kind",
    E0114 => "a schema declaration outside the standard library",
    E0115 => "a platform must have exactly one `cluster` declaration",
    E0116 => "a secret written as a literal instead of `env(...)` or `file(...)`",
    E0117 => "a call to a function the language does not have",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span with what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// One finding, in the shape every output (terminal, JSON, SARIF, LSP) shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The span that must change, with a short label.
    pub primary: Label,
    /// The other parties: the first declaration of a duplicate, the members on a host...
    pub secondary: Vec<Label>,
    /// Facts that help understand the finding (what a name is, a field's type).
    pub notes: Vec<String>,
    /// What to change.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label::new(span, label),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span, label)
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, message));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds help only when there is some.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by position then code, the order every output uses.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.primary.span.file, a.primary.span.start, a.primary.span.end, a.code).cmp(&(
            b.primary.span.file,
            b.primary.span.start,
            b.primary.span.end,
            b.code,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_text() {
        for &code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(
                code.page().starts_with(&format!("# {}", code.as_str())),
                "{code}'s page must open with its code"
            );
        }
        assert_eq!(Code::parse("e0102"), Some(Code::E0102));
        assert_eq!(Code::parse("X9999"), None);
    }
}
