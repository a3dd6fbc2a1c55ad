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
    /// In a platform of several clusters whose front end passed, each cluster as a model of
    /// its own; empty for a platform of one (the model is its cluster's).
    pub parts: Vec<Part>,
}

/// One cluster of a platform of several: its declarations and the platform's it needs
/// (registries, replications, the physical hosts its nodes run on), as a model of one
/// cluster, which every rule, emitter and tool reads as it reads a platform of one.
pub struct Part {
    /// The cluster's name: its build folder.
    pub name: String,
    pub model: semantic::Model,
    pub graph: graph::Graph,
}

/// A cluster to check or build: the only one (no name: its tree is the build's), or one of
/// several (named: its tree is `DIR/<name>/`).
pub struct ClusterModel<'c> {
    pub name: Option<&'c str>,
    pub model: &'c semantic::Model,
    pub graph: &'c graph::Graph,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The platform's clusters as models of one cluster each.
    pub fn clusters(&self) -> Vec<ClusterModel<'_>> {
        if self.parts.is_empty() {
            return vec![ClusterModel {
                name: None,
                model: &self.model,
                graph: &self.graph,
            }];
        }
        (self.parts.iter())
            .map(|part| ClusterModel {
                name: Some(&part.name),
                model: &part.model,
                graph: &part.graph,
            })
            .collect()
    }
}

/// Splits a platform of several clusters into one model per cluster.
fn split_clusters(model: &semantic::Model) -> Vec<Part> {
    if model.clusters().len() < 2 {
        return Vec::new();
    }
    let membership = semantic::clusters::membership(model, &mut Vec::new());
    (membership.clusters.iter().enumerate())
        .map(|(index, cluster)| {
            let part = model.subset(&membership.members(model, index));
            Part {
                name: model.name(*cluster).to_string(),
                graph: graph::Graph::build(&part),
                model: part,
            }
        })
        .collect()
}

/// Every rule on each cluster of the platform, each compared with the clusters before it.
/// What the clusters share (registries, replications, hosts) is judged once per cluster:
/// a finding made alike in several is kept once, at its most severe.
fn check_clusters(parts: &[Part], secrets: &platform::Secrets) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut neighbours = Vec::new();
    for part in parts {
        found.extend(check::check_among(
            &part.model,
            &part.graph,
            secrets,
            neighbours.clone(),
        ));
        if let Some(platform) = platform::Platform::new(&part.model, &part.graph, secrets) {
            neighbours.push(platform::neighbours::neighbour(&platform));
        }
    }
    let key = |d: &Diagnostic| (d.code, d.primary.span, d.message.clone());
    let mut most: rustc_hash::FxHashMap<_, diagnostic::Severity> = rustc_hash::FxHashMap::default();
    for diagnostic in &found {
        let severity = most.entry(key(diagnostic)).or_insert(diagnostic.severity);
        if diagnostic.is_error() {
            *severity = diagnostic.severity;
        }
    }
    found.retain_mut(|diagnostic| match most.remove(&key(diagnostic)) {
        Some(severity) => {
            diagnostic.severity = severity;
            true
        }
        None => false,
    });
    found
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
    let clusters = compilation.clusters();
    let mut errors: Vec<Diagnostic> = (clusters.iter())
        .flat_map(|cluster| {
            check::build(cluster.model, cluster.graph, secrets, |_| {
                "it was not given".to_string()
            })
        })
        .filter(Diagnostic::is_error)
        .collect();
    // A secret several clusters share is missing once.
    diagnostic::sort(&mut errors);
    errors.dedup();
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(inputs) = emit::Input::of_clusters(source, &clusters, secrets, templates) else {
        // No cluster: the front end said so (E0115), and nothing is built.
        return Err(compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect());
    };
    let mut output = emit::Output::default();
    emit::emit_clusters(&inputs, &mut output)?;
    Ok(output)
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
    let parts = if front_end_clean {
        split_clusters(&model)
    } else {
        Vec::new()
    };
    if front_end_clean {
        let mut secrets = platform::Secrets::default();
        for source in model.secret_sources() {
            if let Some(value) = resolve(&source) {
                secrets.insert(source, value);
            }
        }
        if parts.is_empty() {
            diagnostics.extend(check::check(&model, &graph, &secrets));
        } else {
            diagnostics.extend(check_clusters(&parts, &secrets));
        }
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
        parts,
    }
}
