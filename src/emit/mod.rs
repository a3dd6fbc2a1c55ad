//! The emitters: one module per target, each a function of the [`Input`] into [`Files`],
//! listed once in [`EMITTERS`].
//!
//! Input: the platform that passed every check (and `check::build`), every secret's
//! value (the caller read them) and the templates (the embedded ones, or the caller's
//! overrides). Output: the files, handed to a [`Sink`] (an in-memory [`Output`], or the
//! disk as they come), and the failures of templates the caller gave, the only errors an
//! emitter can meet. Invariants: pure (no IO:
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

/// What an emitter writes into: the sink, and the failures of the templates it renders
/// (a template given with `--templates` may not render; nothing else an emitter does can
/// fail, since `check` proved the platform first).
pub struct Files<'s> {
    sink: &'s mut dyn Sink,
    errors: Vec<Diagnostic>,
}

impl<'s> Files<'s> {
    pub fn new(sink: &'s mut dyn Sink) -> Files<'s> {
        Files {
            sink,
            errors: Vec::new(),
        }
    }

    /// The templates' failures, each once.
    pub fn errors(mut self) -> Vec<Diagnostic> {
        // A broken template fails once per file it renders; say it once.
        self.errors.dedup_by(|a, b| a.message == b.message);
        self.errors
    }

    fn add(&mut self, path: impl Into<String>, contents: String, mode: u32) {
        self.sink.file(path.into(), contents, mode);
    }

    /// A rendered template as the file at `path`, or its failure kept.
    fn add_rendered(&mut self, path: String, rendered: Result<String, Box<Diagnostic>>, mode: u32) {
        match rendered {
            Ok(text) => self.sink.file(path, text, mode),
            Err(diagnostic) => self.errors.push(*diagnostic),
        }
    }
}

/// One emitter: a kind of file and the function that writes every file of that kind.
pub struct Emitter {
    /// What `benches/` and the tests call it.
    pub name: &'static str,
    pub emit: fn(&Input<'_>, &mut Files<'_>),
}

/// Every emitter, in the order a build runs them.
pub const EMITTERS: &[Emitter] = &[
    Emitter {
        name: "kubernetes",
        emit: k8s::emit,
    },
    Emitter {
        name: "kubeadm",
        emit: kubeadm::emit,
    },
    Emitter {
        name: "haproxy",
        emit: haproxy::emit,
    },
    Emitter {
        name: "keepalived",
        emit: keepalived::emit,
    },
    Emitter {
        name: "nfs",
        emit: nfs::emit,
    },
    Emitter {
        name: "harbor",
        emit: harbor::emit,
    },
    Emitter {
        name: "containerd",
        emit: containerd::emit,
    },
    Emitter {
        name: "drbd",
        emit: drbd::emit,
    },
    Emitter {
        name: "etcd",
        emit: etcd::emit,
    },
    Emitter {
        name: "lab",
        emit: lab::emit,
    },
    Emitter {
        name: "ansible",
        emit: ansible::emit,
    },
];

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
    /// One cluster of a platform of several: its tree is `DIR/<cluster>/`, and the
    /// platform's own files (`harbor/`) are beside it, not in it.
    pub one_of_several: bool,
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
            one_of_several: false,
        })
    }

    /// The inputs of every cluster of a compilation ([`crate::Compilation::clusters`]), each
    /// with its name; `None` when the platform declares no cluster.
    pub fn of_clusters(
        source: &'a str,
        clusters: &[crate::ClusterModel<'a>],
        secrets: &'a Secrets,
        templates: &'a Templates,
    ) -> Option<Vec<(Option<&'a str>, Input<'a>)>> {
        (clusters.iter())
            .map(|cluster| {
                Some((
                    cluster.name,
                    Input {
                        source: cited_name(source),
                        platform: Platform::new(cluster.model, cluster.graph, secrets)?,
                        model: cluster.model,
                        secrets,
                        templates,
                        one_of_several: cluster.name.is_some(),
                    },
                ))
            })
            .collect()
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
    let mut files = Files::new(sink);
    for emitter in EMITTERS {
        (emitter.emit)(input, &mut files);
    }
    let errors = files.errors();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The emitter of what a platform of several clusters writes once, for all of them.
const PLATFORM_WIDE: &str = "harbor";

/// A sink that puts every file under one folder of another sink.
struct Under<'s> {
    folder: &'s str,
    sink: &'s mut dyn Sink,
}

impl Sink for Under<'_> {
    fn file(&mut self, path: String, contents: String, mode: u32) {
        self.sink.file(format!("{}/{path}", self.folder), contents, mode);
    }
}

/// Emits a platform: its one cluster's tree ([`emit_into`]), or, for several clusters,
/// each cluster's tree under `<cluster>/` and the Harbor rules once, from the first
/// cluster's input (every cluster's holds all the registries and replications).
pub fn emit_clusters(clusters: &[(Option<&str>, Input<'_>)], sink: &mut dyn Sink) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for (name, input) in clusters {
        let Some(folder) = name else {
            return emit_into(input, sink);
        };
        let mut under = Under { folder, sink };
        let mut files = Files::new(&mut under);
        for emitter in EMITTERS.iter().filter(|emitter| emitter.name != PLATFORM_WIDE) {
            (emitter.emit)(input, &mut files);
        }
        errors.extend(files.errors());
    }
    if let Some((_, first)) = clusters.first() {
        let mut files = Files::new(sink);
        for emitter in EMITTERS.iter().filter(|emitter| emitter.name == PLATFORM_WIDE) {
            (emitter.emit)(first, &mut files);
        }
        errors.extend(files.errors());
    }
    errors.dedup_by(|a, b| a.message == b.message);
    if errors.is_empty() { Ok(()) } else { Err(errors) }
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
