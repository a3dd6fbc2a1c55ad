//! Loading: a platform's files, from the ones the user named to every file their `use`s
//! reach.
//!
//! Input: the root files' texts and a [`Files`] to read the rest from (the disk for the
//! command line, memory for the tests, the fuzz targets and the language server). Output:
//! one syntax tree of the whole platform, every file in the source map, and the syntax
//! errors and `use` errors (E0124-E0126). Invariants: no IO but [`Disk`]'s, which only the
//! command line and the language server use; each file is read
//! and parsed once, however many files use it; a `use` never leaves the platform's folder;
//! the platform's items are in the order of inlining each file where it is first used
//! (the roots that no root uses first, by name), so the order of a folder's files on disk
//! never shows.

use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeMap;
use std::sync::Arc;

mod disk;

pub use disk::Disk;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, ast};

/// Why a file or folder could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// It does not exist, is not a file (or a folder), or reading it failed: the message
    /// says which.
    Missing(String),
    /// Its real path (links resolved) lies outside the platform's folder.
    Outside(String),
}

/// Where a platform's files come from. Paths are relative to the platform's folder,
/// `/`-separated, without `.` or `..` segments; the folder itself is `""`.
pub trait Files {
    /// The text of one file.
    fn read(&self, path: &str) -> Result<String, Unreadable>;
    /// The `.k8s` files directly in a folder, as paths, in any order.
    fn list(&self, folder: &str) -> Result<Vec<String>, Unreadable>;
}

/// What the user named: one file of the platform's folder, or the folder itself (every
/// `.k8s` file directly in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    File(String),
    Folder,
}

/// The root files' paths and texts, in order: the named file, or every `.k8s` file of the
/// folder sorted by name. The error says what could not be read.
pub fn roots(root: &Root, files: &dyn Files) -> Result<Vec<(String, String)>, String> {
    let paths = match root {
        Root::File(path) => vec![path.clone()],
        Root::Folder => {
            let mut paths = files.list("").map_err(message)?;
            paths.sort();
            if paths.is_empty() {
                return Err("the folder holds no `.k8s` file".to_string());
            }
            paths
        }
    };
    paths
        .into_iter()
        .map(|path| files.read(&path).map(|text| (path, text)).map_err(message))
        .collect()
}

fn message(unreadable: Unreadable) -> String {
    match unreadable {
        Unreadable::Missing(message) | Unreadable::Outside(message) => message,
    }
}

/// A whole platform, parsed.
pub struct Loaded {
    /// The standard library's files, then the platform's, in the order they were loaded.
    pub sources: SourceMap,
    /// The platform's files, in the order they were loaded (the roots' first).
    pub files: Vec<FileId>,
    /// Each file's path in the platform's folder, in the same order.
    pub paths: Vec<String>,
    /// Every item of every file, each file inlined where it is first used; every comment.
    pub module: ast::Module,
    /// Syntax errors and `use` errors.
    pub diagnostics: Vec<Diagnostic>,
}

/// One file being read: its path, and what of it is still to be taken.
struct Open {
    path: String,
    items: std::vec::IntoIter<ast::Item>,
    /// The files a `use` of this file named, still to be inlined, with the `use`.
    pending: std::collections::VecDeque<(String, Span, Arc<str>)>,
}

/// Loads a platform: the roots, then every file their `use`s reach, depth first. `prefix`
/// is the platform's folder as the user wrote it; a file's name in the source map is the
/// prefix joined with its path, as the user would write it.
pub fn load(roots: Vec<(String, String)>, prefix: &str, files: &dyn Files) -> Loaded {
    let mut loader = Loader {
        sources: crate::semantic::stdlib::source_map(),
        files: Vec::new(),
        paths: Vec::new(),
        loaded: HashSet::default(),
        waiting: Vec::new(),
        items: Vec::new(),
        comments: Vec::new(),
        diagnostics: Vec::new(),
        prefix,
    };
    // Every root is read first: a root that another root uses is inlined where it is
    // used, so a folder whose main file uses the others reads in that file's order.
    for (path, text) in roots {
        if !loader.loaded.contains(&path) && !loader.waiting.iter().any(|open| open.path == path) {
            let open = loader.open(path, text);
            loader.waiting.push(open);
        }
    }
    let used = used_by_roots(&loader.waiting, files);
    let order: Vec<String> = (loader.waiting.iter().map(|open| open.path.clone()))
        .filter(|path| !used.contains(path))
        .chain(
            loader
                .waiting
                .iter()
                .map(|open| open.path.clone())
                .filter(|path| used.contains(path)),
        )
        .collect();
    for path in order {
        if let Some(open) = loader.take_waiting(&path) {
            loader.loaded.insert(path);
            loader.inline(open, files);
        }
    }
    Loaded {
        sources: loader.sources,
        files: loader.files,
        paths: loader.paths,
        module: ast::Module {
            items: loader.items,
            comments: loader.comments,
        },
        diagnostics: loader.diagnostics,
    }
}

/// The files the roots' `use`s name (quietly: what cannot be used is reported when it
/// is inlined).
fn used_by_roots(roots: &[Open], files: &dyn Files) -> HashSet<String> {
    let mut used = HashSet::default();
    for root in roots {
        for item in root.items.as_slice() {
            let ast::Item::Use(ast::Use {
                target: ast::UseTarget::Path { text, .. },
                ..
            }) = item
            else {
                continue;
            };
            match resolve(&root.path, text) {
                Ok(Target::File(path)) => {
                    used.insert(path);
                }
                Ok(Target::Folder(folder)) => used.extend(files.list(&folder).unwrap_or_default()),
                Err(_) => {}
            }
        }
    }
    used
}

struct Loader<'p> {
    sources: SourceMap,
    files: Vec<FileId>,
    paths: Vec<String>,
    loaded: HashSet<String>,
    /// Roots read and parsed, not yet inlined.
    waiting: Vec<Open>,
    items: Vec<ast::Item>,
    comments: Vec<ast::Comment>,
    diagnostics: Vec<Diagnostic>,
    prefix: &'p str,
}

impl Loader<'_> {
    /// A root read already, if it is still waiting to be inlined.
    fn take_waiting(&mut self, path: &str) -> Option<Open> {
        let at = self.waiting.iter().position(|open| open.path == path)?;
        Some(self.waiting.remove(at))
    }

    /// Adds a file to the source map and parses it.
    fn open(&mut self, path: String, text: String) -> Open {
        let name = if self.prefix.is_empty() {
            path.clone()
        } else {
            format!("{}/{path}", self.prefix.trim_end_matches('/'))
        };
        let text: Arc<str> = text.into();
        let id = self.sources.add(SourceFile::new(name, text.clone()));
        self.files.push(id);
        self.paths.push(path.clone());
        let (module, errors) = syntax::parse(id, &text);
        self.diagnostics
            .extend(errors.iter().map(syntax::SyntaxError::to_diagnostic));
        self.comments.extend(module.comments);
        Open {
            path,
            items: module.items.into_iter(),
            pending: Default::default(),
        }
    }

    /// Takes a file's items in order, inlining each file a `use` names where it is first
    /// used. Iterative: a long chain of files never deepens the call stack.
    fn inline(&mut self, first: Open, files: &dyn Files) {
        let mut stack = vec![first];
        while let Some(top) = stack.last_mut() {
            if let Some((path, span, written)) = top.pending.pop_front() {
                if let Some(at) = stack.iter().position(|open| open.path == path) {
                    let chain: Vec<&str> = stack[at..].iter().map(|open| open.path.as_str()).collect();
                    self.diagnostics.push(cycle(&chain, &path, span));
                } else if !self.loaded.contains(&path) {
                    if let Some(open) = self.take_waiting(&path) {
                        self.loaded.insert(path);
                        stack.push(open);
                        continue;
                    }
                    match files.read(&path) {
                        Ok(text) => {
                            self.loaded.insert(path.clone());
                            let open = self.open(path, text);
                            stack.push(open);
                        }
                        Err(unreadable) => self.diagnostics.push(unreadable_use(&written, &path, unreadable, span)),
                    }
                }
                continue;
            }
            let Some(item) = top.items.next() else {
                stack.pop();
                continue;
            };
            if let ast::Item::Use(ast::Use {
                target: ast::UseTarget::Path { text, span },
                ..
            }) = &item
            {
                let using = top.path.clone();
                let targets = self.targets(&using, text, *span, files);
                let written: Arc<str> = text.as_str().into();
                if let Some(top) = stack.last_mut() {
                    top.pending
                        .extend(targets.into_iter().map(|path| (path, *span, written.clone())));
                }
            }
            self.items.push(item);
        }
    }

    /// The files a `use "PATH"` in the file `using` names: one file, or a folder's
    /// `.k8s` files sorted by name. What cannot be used is reported.
    fn targets(&mut self, using: &str, written: &str, span: Span, files: &dyn Files) -> Vec<String> {
        match resolve(using, written) {
            Ok(Target::File(path)) => vec![path],
            Ok(Target::Folder(folder)) => match files.list(&folder) {
                Ok(mut paths) if !paths.is_empty() => {
                    paths.sort();
                    paths
                }
                Ok(_) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::E0125,
                            format!("the folder `{written}` holds no `.k8s` file"),
                            span,
                            "an empty folder",
                        )
                        .with_help("a folder `use` takes every `.k8s` file directly in it; put the files there, or drop the `use`"),
                    );
                    Vec::new()
                }
                Err(unreadable) => {
                    self.diagnostics
                        .push(unreadable_use(written, &folder, unreadable, span));
                    Vec::new()
                }
            },
            Err(Bad::Leaves) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::E0126,
                        format!("`{written}` lies outside the platform's folder"),
                        span,
                        "leaves the platform's folder",
                    )
                    .with_help(
                        "a platform is the folder of the file or folder given to k8sc: move the file into it, \
                         or name a folder that holds both",
                    ),
                );
                Vec::new()
            }
            Err(Bad::NotK8s) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::E0125,
                        format!("`{written}` is neither a `.k8s` file nor a folder"),
                        span,
                        "not a `.k8s` file or a folder",
                    )
                    .with_help(
                        "name a file ending in `.k8s` (`use \"./nodes.k8s\"`) or a folder ending in `/` \
                         (`use \"./apps/\"`); a standard-library module is written without quotes (`use monitoring`)",
                    ),
                );
                Vec::new()
            }
        }
    }
}

/// E0124: a file that uses itself, through the files of `chain` (the first is `path`).
fn cycle(chain: &[&str], path: &str, span: Span) -> Diagnostic {
    let mut names: Vec<String> = chain.iter().map(|path| format!("`{path}`")).collect();
    names.push(format!("`{path}`"));
    let shown = names.join(" uses ");
    Diagnostic::error(Code::E0124, format!("a `use` cycle: {shown}"), span, "closes the cycle")
        .with_help("files of a platform share one namespace, so no file needs to use one that uses it; drop this `use`")
}

/// E0125 or E0126 for a `use` whose file or folder could not be read: `written` as the
/// `use` writes it, `path` in the platform's folder.
fn unreadable_use(written: &str, path: &str, unreadable: Unreadable, span: Span) -> Diagnostic {
    let shown = if path.is_empty() {
        "the platform's folder itself"
    } else {
        path
    };
    match unreadable {
        Unreadable::Missing(why) => Diagnostic::error(
            Code::E0125,
            format!("cannot use `{written}` (`{shown}` in the platform's folder): {why}"),
            span,
            "not there",
        )
        .with_help("a path is relative to the file that writes the `use`"),
        Unreadable::Outside(why) => Diagnostic::error(
            Code::E0126,
            format!("`{written}` lies outside the platform's folder: {why}"),
            span,
            "leaves the platform's folder",
        )
        .with_help("a link may not lead out of the platform's folder: copy the file into it"),
    }
}

/// A `use` path resolved against the platform's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(String),
    Folder(String),
}

/// Why a `use` path names nothing usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// It is absolute, or its `..` climb above the platform's folder.
    Leaves,
    /// It ends in neither `.k8s` nor `/`.
    NotK8s,
}

/// Resolves `written`, as a `use` in the file `using` writes it, to a path in the
/// platform's folder. Purely lexical; the [`Files`] checks links.
pub fn resolve(using: &str, written: &str) -> Result<Target, Bad> {
    if written.starts_with('/') {
        return Err(Bad::Leaves);
    }
    let folder_use = written.ends_with('/');
    if !folder_use && !written.ends_with(".k8s") {
        return Err(Bad::NotK8s);
    }
    let mut segments: Vec<&str> = using.split('/').collect();
    segments.pop();
    for segment in written.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err(Bad::Leaves);
                }
            }
            name => segments.push(name),
        }
    }
    let path = segments.join("/");
    if folder_use {
        Ok(Target::Folder(path))
    } else if path.rsplit('/').next() == Some(".k8s") {
        Err(Bad::NotK8s)
    } else {
        Ok(Target::File(path))
    }
}

/// A platform held in memory: the tests', the fuzz targets' and the language server's.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub files: BTreeMap<String, String>,
}

impl Files for Memory {
    fn read(&self, path: &str) -> Result<String, Unreadable> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| Unreadable::Missing("no such file".to_string()))
    }

    fn list(&self, folder: &str) -> Result<Vec<String>, Unreadable> {
        let inside = |path: &&String| match path.rsplit_once('/') {
            Some((parent, _)) => parent == folder,
            None => folder.is_empty(),
        };
        let found: Vec<String> = self
            .files
            .keys()
            .filter(inside)
            .filter(|path| path.ends_with(".k8s"))
            .cloned()
            .collect();
        let folder_exists = folder.is_empty()
            || self
                .files
                .keys()
                .any(|path| path.starts_with(folder) && path[folder.len()..].starts_with('/'));
        if folder_exists {
            Ok(found)
        } else {
            Err(Unreadable::Missing("no such folder".to_string()))
        }
    }
}

/// The line that starts another file in one text holding several: `#--- PATH`.
pub const MARKER: &str = "#--- ";

impl Memory {
    /// Splits one text into files: what comes before the first marker line is `first`,
    /// and each `#--- PATH` line starts the file at PATH. The marker is a comment, so the
    /// text is still one file to any other tool. For the tests' cases and the fuzz
    /// targets.
    pub fn split(first: &str, text: &str) -> Memory {
        let mut files = BTreeMap::new();
        let mut path = first.to_string();
        let mut body = String::new();
        for line in text.split_inclusive('\n') {
            if let Some(next) = line.strip_prefix(MARKER) {
                files.insert(std::mem::take(&mut path), std::mem::take(&mut body));
                path = next.trim().to_string();
                continue;
            }
            body.push_str(line);
        }
        files.insert(path, body);
        Memory { files }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_using_file_and_stay_in_the_folder() {
        assert_eq!(resolve("main.k8s", "./nodes.k8s"), Ok(Target::File("nodes.k8s".into())));
        assert_eq!(
            resolve("apps/web.k8s", "../nodes.k8s"),
            Ok(Target::File("nodes.k8s".into()))
        );
        assert_eq!(
            resolve("apps/web.k8s", "db/pg.k8s"),
            Ok(Target::File("apps/db/pg.k8s".into()))
        );
        assert_eq!(resolve("main.k8s", "./apps/"), Ok(Target::Folder("apps".into())));
        assert_eq!(resolve("main.k8s", "./"), Ok(Target::Folder(String::new())));
        assert_eq!(resolve("main.k8s", "../other/x.k8s"), Err(Bad::Leaves));
        assert_eq!(resolve("main.k8s", "/etc/x.k8s"), Err(Bad::Leaves));
        assert_eq!(resolve("main.k8s", "./nodes"), Err(Bad::NotK8s));
        assert_eq!(resolve("main.k8s", "./.k8s"), Err(Bad::NotK8s));
    }

    fn platform(files: &[(&str, &str)]) -> Memory {
        Memory {
            files: files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect(),
        }
    }

    fn names(loaded: &Loaded) -> Vec<String> {
        let mut found = Vec::new();
        for item in &loaded.module.items {
            if let ast::Item::Decl(decl) = item {
                found.push(decl.name.text.to_string());
            }
        }
        found
    }

    #[test]
    fn files_are_inlined_where_first_used_and_read_once() {
        let files = platform(&[
            ("main.k8s", "node a {}\nuse \"./b.k8s\"\nuse \"./c.k8s\"\nnode z {}\n"),
            ("b.k8s", "use \"./c.k8s\"\nnode b {}\n"),
            ("c.k8s", "node c {}\n"),
        ]);
        let roots = roots(&Root::File("main.k8s".into()), &files).expect("readable");
        let loaded = load(roots, "p", &files);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert_eq!(names(&loaded), ["a", "c", "b", "z"]);
        assert_eq!(loaded.files.len(), 3);
        assert_eq!(loaded.sources.name(loaded.files[1]), "p/b.k8s");
    }

    #[test]
    fn a_cycle_names_every_file_on_it() {
        let files = platform(&[
            ("a.k8s", "use \"./b.k8s\"\n"),
            ("b.k8s", "use \"./c.k8s\"\n"),
            ("c.k8s", "use \"./a.k8s\"\n"),
        ]);
        let loaded = load(roots(&Root::Folder, &files).expect("readable"), "", &files);
        let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["E0124"]);
        assert_eq!(
            loaded.diagnostics[0].message,
            "a `use` cycle: `a.k8s` uses `b.k8s` uses `c.k8s` uses `a.k8s`"
        );
    }

    #[test]
    fn a_folder_is_its_files_sorted_by_name() {
        let files = platform(&[
            ("main.k8s", "use \"./apps/\"\n"),
            ("apps/web.k8s", "node w {}\n"),
            ("apps/db.k8s", "node d {}\n"),
            ("apps/notes.txt", "not k8s"),
        ]);
        let loaded = load(
            roots(&Root::File("main.k8s".into()), &files).expect("readable"),
            "",
            &files,
        );
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert_eq!(names(&loaded), ["d", "w"]);
    }

    #[test]
    fn missing_and_escaping_uses_are_reported() {
        let files = platform(&[(
            "main.k8s",
            "use \"./gone.k8s\"\nuse \"../up.k8s\"\nuse \"./nodes\"\nuse \"./none/\"\n",
        )]);
        let loaded = load(
            roots(&Root::File("main.k8s".into()), &files).expect("readable"),
            "",
            &files,
        );
        let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["E0125", "E0126", "E0125", "E0125"]);
    }

    #[test]
    fn a_marked_text_splits_into_files() {
        let memory = Memory::split("main.k8s", "node a {}\n#--- apps/b.k8s\nnode b {}\n");
        assert_eq!(memory.files["main.k8s"], "node a {}\n");
        assert_eq!(memory.files["apps/b.k8s"], "node b {}\n");
    }
}
