//! The emitters: one module per target, all writing into one in-memory file map.
//!
//! Input: a model that passed every check, its graph, every secret's value (the caller
//! read them) and the templates (the embedded ones, or the caller's overrides). Output: an
//! [`Output`] mapping relative paths to contents and file modes. Invariants: pure (no IO:
//! the CLI writes the map atomically); deterministic (ordered maps, no clock, no
//! randomness); every path is built from checked names, so none escapes the output
//! folder; files holding secrets get mode 0600.

pub mod ansible;
pub mod containerd;
pub mod drbd;
pub mod etcd;
pub mod haproxy;
pub mod harbor;
pub mod k8s;
pub mod keepalived;
pub mod kubeadm;
pub mod lab;
pub mod nfs;
pub mod shell;
pub mod taints;
pub mod templates;
pub mod yaml;
mod yaml_stream;

use std::collections::BTreeMap;

pub use templates::Templates;

use crate::diagnostic::Diagnostic;
use crate::platform::{Platform, Secrets};
use crate::semantic::{Model, SecretSource};

/// Mode of ordinary files.
pub const MODE_FILE: u32 = 0o644;
/// Mode of scripts keepalived runs.
pub const MODE_SCRIPT: u32 = 0o755;
/// Mode of files that hold a secret.
pub const MODE_SECRET: u32 = 0o600;

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub contents: String,
    pub mode: u32,
}

/// Every file a build writes, by relative `/`-separated path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, OutputFile>,
}

/// Where the emitters put the files they make: kept in memory ([`Output`]), or written out
/// as they come so a large platform's tree is never whole in memory (`k8sc build`).
pub trait Sink {
    /// One file, by relative `/`-separated path; each path is given once.
    fn file(&mut self, path: String, contents: String, mode: u32);
}

impl dyn Sink + '_ {
    fn add(&mut self, path: impl Into<String>, contents: String, mode: u32) {
        self.file(path.into(), contents, mode);
    }

    /// A rendered template as the file at `path`, or its failure added to `errors`.
    fn add_rendered(
        &mut self,
        path: String,
        rendered: Result<String, Box<Diagnostic>>,
        mode: u32,
        errors: &mut Vec<Diagnostic>,
    ) {
        match rendered {
            Ok(text) => self.file(path, text, mode),
            Err(diagnostic) => errors.push(*diagnostic),
        }
    }
}

impl Sink for Output {
    fn file(&mut self, path: String, contents: String, mode: u32) {
        // `k8sc build` refuses a second file of one path; the tests build in memory, and
        // must see it too.
        let previous = self.files.insert(path, OutputFile { contents, mode });
        debug_assert!(previous.is_none(), "two files of one path were emitted");
    }
}

/// What the emitters read.
pub struct Input<'a> {
    /// The source file's name as headers cite it (`cluster.k8s`): see [`cited_name`].
    pub source: String,
    /// The platform: every effective value and derived fact the emitters read.
    pub platform: Platform<'a>,
    /// The platform's model (`platform.model`).
    pub model: &'a Model,
    pub secrets: &'a Secrets,
    pub templates: &'a Templates,
}

impl<'a> Input<'a> {
    /// The input for a compilation's model and graph; `None` when the model declares no
    /// cluster (a front-end error: nothing is emitted from such a model).
    pub fn of(
        source: &'a str,
        compilation: &'a crate::Compilation,
        secrets: &'a Secrets,
        templates: &'a Templates,
    ) -> Option<Input<'a>> {
        Some(Input {
            source: cited_name(source),
            platform: Platform::new(&compilation.model, &compilation.graph, secrets)?,
            model: &compilation.model,
            secrets,
            templates,
        })
    }

    /// A secret's value; the caller resolved every secret before emitting.
    fn secret(&self, source: &SecretSource) -> String {
        self.secrets.get(source).unwrap_or_default().to_string()
    }
}

/// A source file's name as the header of every emitted file cites it: its last part, with
/// every character other than letters, digits and `. _ + - @` written as `_`. The name comes
/// from whoever named the file and lands in comments of shell scripts, YAML, TOML and host
/// configs alike, where a line break or a quote would start code of its own.
pub fn cited_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cited: String = (last.chars())
        .take(128)
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || "._+-@".contains(ch) {
                ch
            } else {
                '_'
            }
        })
        .collect();
    if cited.is_empty() { "_".into() } else { cited }
}

/// Emits everything the platform needs, or the reasons it cannot (a template that does not
/// render). The model must have passed every check.
pub fn emit(input: &Input<'_>) -> Result<Output, Vec<Diagnostic>> {
    let mut output = Output::default();
    emit_into(input, &mut output)?;
    Ok(output)
}

/// [`emit`], handing each file to `sink` as soon as it is made. On `Err` some files may
/// have been given already: the caller discards them.
pub fn emit_into(input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    k8s::emit(input, sink);
    kubeadm::emit(input, sink);
    if let Err(found) = haproxy::emit(input, sink) {
        diagnostics.extend(found);
    }
    if let Err(found) = keepalived::emit(input, sink) {
        diagnostics.extend(found);
    }
    if let Err(found) = nfs::emit(input, sink) {
        diagnostics.extend(found);
    }
    harbor::emit(input, sink);
    containerd::emit(input, sink);
    drbd::emit(input, sink);
    etcd::emit(input, sink);
    lab::emit(input, sink);
    ansible::emit(input, sink);
    // A broken template fails once per file it renders; say it once.
    diagnostics.dedup_by(|a, b| a.message == b.message);
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::cited_name;

    #[test]
    fn a_cited_name_is_one_plain_word() {
        assert_eq!(cited_name("cluster.k8s"), "cluster.k8s");
        assert_eq!(cited_name("/home/me/platforms/prod-1.k8s"), "prod-1.k8s");
        assert_eq!(cited_name("a\n$(id)\n.k8s"), "a___id__.k8s");
        assert_eq!(cited_name("dir/"), "_");
        assert_eq!(cited_name(&"x".repeat(1000)).len(), 128);
    }
}
