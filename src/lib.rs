//! k8sc compiles one typed description of a production Kubernetes platform into the
//! manifests and host configurations the platform needs.
//!
//! The core is pure: [`compile`] takes a file's name and text and returns a
//! [`Compilation`] (syntax tree, typed model, diagnostics) without touching the file
//! system, the terminal or the clock. Only `cli` does IO. See the README's code map.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod emit;
pub mod format;
#[doc(hidden)]
pub mod fuzz;
pub mod graph;
pub mod lab;
pub mod load;
pub mod lsp;
pub mod platform;
pub mod report;
pub mod semantic;
pub mod source;
pub mod syntax;

use diagnostic::Diagnostic;
use source::{FileId, SourceMap};

/// Everything known about one compiled platform.
pub struct Compilation {
    /// The dependency graph (empty when the front end found errors).
    pub graph: graph::Graph,
    /// The standard library's files and the platform's.
    pub sources: SourceMap,
    /// The platform's first file: the one given, or the first of the folder given.
    pub file: FileId,
    /// Every file of the platform, in the order they were loaded.
    pub files: Vec<FileId>,
    /// The syntax tree of every file; empty when compiled by [`compile_model_only`].
    pub module: syntax::ast::Module,
    pub model: semantic::Model,
    /// Every finding, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The file parsed and type-checked without error, so the graph was built and the HA
    /// rules ran.
    pub front_end_ok: bool,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What `k8sc build` makes of a compilation whose front end passed, in memory: what only a
/// build needs is checked first (`check::build`: every secret readable, what the nodes join
/// with), and its errors stop it before any emitter runs; then every emitter. Pure: the
/// secrets are the caller's, and a secret it does not hold is one it could not read.
pub fn build(
    source: &str,
    compilation: &Compilation,
    secrets: &platform::Secrets,
    templates: &emit::Templates,
) -> Result<emit::Output, Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = check::build(&compilation.model, &compilation.graph, secrets, |_| {
        "it was not given".to_string()
    })
    .into_iter()
    .filter(Diagnostic::is_error)
    .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    match emit::Input::of(source, compilation, secrets, templates) {
        Some(input) => emit::emit(&input),
        // No cluster: the front end said so (E0115), and nothing is built.
        None => Err(compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect()),
    }
}

/// Compiles one file: parse, resolve, type-check, build the graph, run every HA rule.
/// Pure: no IO. Secrets are not known, so rules that need their values are skipped. A
/// `use` of another file finds none: [`compile_platform`] compiles several.
pub fn compile(name: &str, text: &str) -> Compilation {
    compile_with(name, text, &platform::Secrets::default())
}

/// [`compile`] with the secret values the caller resolved.
pub fn compile_with(name: &str, text: &str, secrets: &platform::Secrets) -> Compilation {
    compile_resolving(name, text, |source| secrets.get(source).map(str::to_string))
}

/// [`compile`], asking `resolve` for the value of each secret the file refers to once the
/// front end has found them. The core stays pure: reading a secret is the caller's IO.
pub fn compile_resolving(
    name: &str,
    text: &str,
    resolve: impl Fn(&semantic::SecretSource) -> Option<String>,
) -> Compilation {
    let (prefix, file) = split_name(name);
    let loaded = load::load(
        vec![(file.to_string(), text.to_string())],
        prefix,
        &load::Memory::default(),
    );
    compile_loaded(loaded, resolve, true)
}

/// A file's name as its folder and its name in that folder.
fn split_name(name: &str) -> (&str, &str) {
    name.rsplit_once('/').unwrap_or(("", name))
}

/// Compiles a whole platform: the root files (their paths in the platform's folder and
/// their texts, as [`load::roots`] reads them) and every file their `use`s reach, read
/// from `files`. `prefix` is the platform's folder as the user wrote it, for the files'
/// names. Pure: the reading is the caller's [`load::Files`].
pub fn compile_platform(
    roots: Vec<(String, String)>,
    prefix: &str,
    files: &dyn load::Files,
    resolve: impl Fn(&semantic::SecretSource) -> Option<String>,
) -> Compilation {
    compile_loaded(load::load(roots, prefix, files), resolve, true)
}

/// [`compile_platform`] without keeping the syntax tree: each declaration's tree is
/// dropped once its block is type-checked, so a large platform's tree and model are never
/// both whole in memory. For callers that read only the model and the diagnostics.
pub fn compile_model_only(
    roots: Vec<(String, String)>,
    prefix: &str,
    files: &dyn load::Files,
    resolve: impl Fn(&semantic::SecretSource) -> Option<String>,
) -> Compilation {
    compile_loaded(load::load(roots, prefix, files), resolve, false)
}

fn compile_loaded(
    loaded: load::Loaded,
    resolve: impl Fn(&semantic::SecretSource) -> Option<String>,
    keep_tree: bool,
) -> Compilation {
    let load::Loaded {
        sources,
        files,
        module,
        diagnostics: load_diagnostics,
        ..
    } = loaded;
    let file = files.first().copied().unwrap_or(semantic::stdlib::USER_FILE);
    let mut diagnostics: Vec<Diagnostic> = semantic::stdlib::stdlib().diagnostics.clone();
    diagnostics.extend(load_diagnostics);
    let (module, (model, semantic_diagnostics)) = if keep_tree {
        let analyzed = semantic::analyze(&module);
        (module, analyzed)
    } else {
        (syntax::ast::Module::default(), semantic::analyze_owned(module))
    };
    diagnostics.extend(semantic_diagnostics);
    // The HA rules judge a whole platform: on a model the front end rejected they would
    // report the holes its errors left, so they run only on a clean one.
    let front_end_clean = !diagnostics.iter().any(Diagnostic::is_error);
    let graph = if front_end_clean {
        graph::Graph::build(&model)
    } else {
        graph::Graph::default()
    };
    if front_end_clean {
        let mut secrets = platform::Secrets::default();
        for source in model.secret_sources() {
            if let Some(value) = resolve(&source) {
                secrets.insert(source, value);
            }
        }
        diagnostics.extend(check::check(&model, &graph, &secrets));
    }
    diagnostic::sort(&mut diagnostics);
    Compilation {
        front_end_ok: front_end_clean,
        graph,
        sources,
        file,
        files,
        module,
        model,
        diagnostics,
    }
}
