//! k8sc compiles one typed description of a production Kubernetes platform into the
//! manifests and host configurations the platform needs.
//!
//! The core is pure: [`compile`] takes a file's name and text and returns a
//! [`Compilation`] (syntax tree, typed model, diagnostics) without touching the file
//! system, the terminal or the clock. Only `cli` does IO. See the README's code map.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod cli;
pub mod diagnostic;
pub mod format;
pub mod graph;
pub mod report;
pub mod semantic;
pub mod source;
pub mod syntax;

use diagnostic::Diagnostic;
use source::{FileId, SourceFile, SourceMap};

/// Everything known about one compiled file.
pub struct Compilation {
    /// The standard library's files and the user's file.
    pub sources: SourceMap,
    /// The user's file.
    pub file: FileId,
    pub module: syntax::ast::Module,
    pub model: semantic::Model,
    /// Every finding, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles one file: parse, resolve, type-check. Pure: no IO.
pub fn compile(name: &str, text: &str) -> Compilation {
    let mut sources = semantic::stdlib::source_map();
    let file = sources.add(SourceFile::new(name, text));
    debug_assert_eq!(file, semantic::stdlib::USER_FILE);
    let (module, syntax_errors) = syntax::parse(file, text);
    let mut diagnostics: Vec<Diagnostic> = semantic::stdlib::stdlib().diagnostics.clone();
    diagnostics.extend(syntax_errors.iter().map(syntax::SyntaxError::to_diagnostic));
    let (model, semantic_diagnostics) = semantic::analyze(&module);
    diagnostics.extend(semantic_diagnostics);
    diagnostic::sort(&mut diagnostics);
    Compilation {
        sources,
        file,
        module,
        model,
        diagnostics,
    }
}
