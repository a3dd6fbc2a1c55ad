//! Syntax: text to a syntax tree.
//!
//! Input: one file's text. Output: a [`ast::Module`] holding every item that parsed and
//! every comment, plus the syntax errors. Invariants: parsing never fails and never
//! panics; every node carries its byte span; after an error the parser resumes at the
//! next field or declaration, so one run reports every syntax error.

pub mod ast;
mod error;
mod parser;

pub use error::{SyntaxError, SyntaxErrorKind};
pub use parser::{KEYWORDS, MAX_STRING, comments, is_forbidden_in_string, parse};

/// A string literal with its escapes.
pub fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for ch in text.chars() {
        match ch {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}
