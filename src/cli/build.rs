//! `k8sc build FILE -o DIR`: check, emit, and swap the new tree in atomically.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use super::args::BuildArgs;
use super::{Status, input, secrets, stderr_color};
use crate::diagnostic::Diagnostic;
use crate::emit::{self, Sink, Templates};
use crate::platform::Secrets;
use crate::report::{HumanStyle, render_human};
use crate::semantic::SecretSource;

/// The file that marks a folder as k8sc's, so a rebuild may replace it.
const MARKER: &str = ".k8sc-build";

/// Each secret read once: the checks see the values, the build writes them. Returns what
/// each read gave (the error says why it could not be read) and the values read.
fn compile_reading_secrets(
    platform: input::Platform,
) -> (
    crate::Compilation,
    HashMap<SecretSource, Result<String, String>>,
    Secrets,
) {
    let read: RefCell<HashMap<SecretSource, Result<String, String>>> = RefCell::new(HashMap::default());
    let compilation = crate::compile_model_only(platform.roots, &platform.prefix, &platform.disk, |source| {
        let value = secrets::read(source, &platform.folder);
        read.borrow_mut().insert(source.clone(), value.clone());
        value.ok()
    });
    let read = read.into_inner();
    // Every secret must be readable now (check did not need them; build writes them).
    let mut resolved = Secrets::default();
    for (source, value) in &read {
        if let Ok(value) = value {
            resolved.insert(source.clone(), value.clone());
        }
    }
    (compilation, read, resolved)
}

pub fn run(args: &BuildArgs) -> Status {
    let platform = match input::Platform::read(&args.file) {
        Ok(platform) => platform,
        Err(status) => return status,
    };
    let templates = match load_templates(args.templates.as_deref()) {
        Ok(templates) => templates,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    if let Err(message) = check_target(&args.output, args.force) {
        eprintln!("error: {message}");
        return Status::Trouble;
    }
    let name = platform.name.clone();
    let source_name = platform.cited.clone();
    let (compilation, read, resolved) = compile_reading_secrets(platform);
    let style = HumanStyle {
        color: stderr_color(),
        ..HumanStyle::default()
    };
    let mut diagnostics = compilation.diagnostics.clone();
    if compilation.front_end_ok {
        // What a build needs beyond check (every secret, what the nodes join with): it
        // stops the build before any emitter runs.
        for cluster in compilation.clusters() {
            diagnostics.extend(crate::check::build(cluster.model, cluster.graph, &resolved, |source| {
                read.get(source)
                    .and_then(|value| value.clone().err())
                    .unwrap_or_default()
            }));
        }
        // A secret several clusters share is missing once.
        crate::diagnostic::sort(&mut diagnostics);
        diagnostics.dedup();
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        crate::diagnostic::sort(&mut diagnostics);
        eprint!("{}", render_human(&diagnostics, &compilation.sources, style));
        eprintln!("{}: not built; `{}` is unchanged", name, args.output.display());
        return Status::Findings;
    }
    // The front end passed, so the platform has a cluster (E0115).
    let clusters = compilation.clusters();
    let Some(inputs) = emit::Input::of_clusters(&source_name, &clusters, &resolved, &templates) else {
        eprintln!("{}: not built; it declares no cluster", name);
        return Status::Findings;
    };
    // Files are written as the emitters make them, into a folder that replaces the target
    // only once all of them are written.
    match write_atomically_with(&args.output, |sink| emit::emit_clusters(&inputs, sink)) {
        Ok(count) => {
            // Warnings are shown; they do not stop a build.
            eprint!("{}", render_human(&diagnostics, &compilation.sources, style));
            println!("{name}: wrote {count} files to {}", args.output.display());
            Status::Ok
        }
        Err(WriteError::Emit(found)) => {
            eprint!("{}", render_human(&found, &compilation.sources, style));
            eprintln!("{}: not built; `{}` is unchanged", name, args.output.display());
            Status::Findings
        }
        Err(WriteError::Io(err)) => {
            eprintln!(
                "error: cannot write `{}`: {err}; it is unchanged",
                args.output.display()
            );
            Status::Trouble
        }
    }
}

fn load_templates(folder: Option<&Path>) -> Result<Templates, String> {
    let mut templates = Templates::default();
    let Some(folder) = folder else { return Ok(templates) };
    templates.origin = Some(folder.display().to_string());
    let entries = fs::read_dir(folder).map_err(|err| format!("cannot read templates `{}`: {err}", folder.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = fs::read_to_string(&path).map_err(|err| format!("cannot read `{}`: {err}", path.display()))?;
        templates
            .set(&file_name, text)
            .map_err(|why| format!("{}: {why}", path.display()))?;
    }
    Ok(templates)
}

/// A folder k8sc may replace: missing, empty, or made by k8sc (or `--force`).
fn check_target(target: &Path, force: bool) -> Result<(), String> {
    let Ok(mut entries) = fs::read_dir(target) else {
        if target.exists() {
            return Err(format!("`{}` exists and is not a folder", target.display()));
        }
        return Ok(());
    };
    let empty = entries.next().is_none();
    if empty || force || target.join(MARKER).is_file() {
        return Ok(());
    }
    Err(format!(
        "`{}` is not empty and k8sc did not create it; use --force to replace it",
        target.display()
    ))
}

/// A relative path made only of normal components: nothing can escape the output folder.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let relative = PathBuf::from(path);
    relative
        .components()
        .all(|component| matches!(component, Component::Normal(_)))
        .then_some(relative)
}

/// Why a tree was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The emitters could not make every file (a template that does not render).
    Emit(Vec<Diagnostic>),
    Io(std::io::Error),
}

/// Writes the files `produce` hands over into a fresh folder beside `target`, then swaps it
/// in: a failure at any point leaves `target` as it was. A second thread writes each file
/// as it comes (at most `IN_FLIGHT` wait), so the tree is never whole in memory.
/// Returns how many files were written.
pub fn write_atomically_with(
    target: &Path,
    produce: impl FnOnce(&mut dyn Sink) -> Result<(), Vec<Diagnostic>>,
) -> Result<usize, WriteError> {
    let parent = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(WriteError::Io)?;
    let base = target
        .file_name()
        .map_or_else(|| "out".into(), |name| name.to_string_lossy().into_owned());
    sweep_stale(&parent, &base);
    let staging = parent.join(format!(".{base}.k8sc-new-{}", std::process::id()));
    let retired = parent.join(format!(".{base}.k8sc-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    // The marker goes in first: a staging folder left by a killed build is k8sc's to sweep.
    let result = fs::create_dir_all(&staging)
        .and_then(|()| fs::write(staging.join(MARKER), format!("k8sc {}\n", env!("CARGO_PKG_VERSION"))))
        .map_err(WriteError::Io)
        .and_then(|()| write_tree(&staging, produce))
        .and_then(|count| {
            sync_folders(&staging)
                .and_then(|()| swap(target, &staging, &retired))
                .and_then(|()| sync_folder(&parent))
                .map(|()| count)
                .map_err(WriteError::Io)
        });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Removes the staging and retired folders of earlier builds of `base` that were killed:
/// named by k8sc, of a process that is gone, and holding k8sc's marker.
fn sweep_stale(parent: &Path, base: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = (name.strip_prefix(&format!(".{base}.k8sc-new-")))
            .or_else(|| name.strip_prefix(&format!(".{base}.k8sc-old-")))
            .and_then(|pid| pid.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        let gone = pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
        let path = entry.path();
        let symlink = fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink());
        if gone && !symlink && path.join(MARKER).is_file() {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

fn sync_folder(folder: &Path) -> std::io::Result<()> {
    fs::File::open(folder)?.sync_all()
}

/// Every folder below `root`, and `root`, flushed to disk (the files were, as written).
fn sync_folders(root: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_folders(&entry.path())?;
        }
    }
    sync_folder(root)
}

/// Files waiting for the writing thread.
const IN_FLIGHT: usize = 64;

/// Hands files to the writing thread.
struct DiskSink {
    sender: std::sync::mpsc::SyncSender<(String, String, u32)>,
}

impl Sink for DiskSink {
    fn file(&mut self, path: String, contents: String, mode: u32) {
        // A send fails only when the writer stopped on an error, which it reports.
        let _ = self.sender.send((path, contents, mode));
    }
}

fn write_tree(
    root: &Path,
    produce: impl FnOnce(&mut dyn Sink) -> Result<(), Vec<Diagnostic>>,
) -> Result<usize, WriteError> {
    let (sender, receiver) = std::sync::mpsc::sync_channel(IN_FLIGHT);
    std::thread::scope(|threads| {
        let writer = threads.spawn(move || write_files(root, receiver));
        let mut sink = DiskSink { sender };
        let produced = produce(&mut sink);
        drop(sink);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread failed")));
        produced.map_err(WriteError::Emit)?;
        written.map_err(WriteError::Io)
    })
}

/// Writes every file received under `root`; stops at the first error.
fn write_files(root: &Path, files: std::sync::mpsc::Receiver<(String, String, u32)>) -> std::io::Result<usize> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let mut folders = rustc_hash::FxHashSet::default();
    let mut count = 0;
    for (path, contents, mode) in files {
        let Some(relative) = safe_relative(&path) else {
            return Err(std::io::Error::other(format!(
                "refusing to write `{path}` outside the output folder"
            )));
        };
        let full = root.join(relative);
        if let Some(folder) = full.parent()
            && folders.insert(folder.to_path_buf())
        {
            fs::create_dir_all(folder)?;
        }
        // Create with the final mode, so a secret is never readable by others, even briefly.
        let mut handle = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&full)
            .map_err(|err| match err.kind() {
                // The folder is new: only a second file of the same path can be there.
                std::io::ErrorKind::AlreadyExists => {
                    std::io::Error::other(format!("two files would be written to `{path}` (a bug in k8sc)"))
                }
                _ => err,
            })?;
        handle.write_all(contents.as_bytes())?;
        // A file that holds a secret is exactly 0600 whatever the umask; every other file
        // follows the umask, as the user's other files do.
        if mode & 0o077 == 0 {
            handle.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        handle.sync_all()?;
        count += 1;
    }
    Ok(count)
}

/// Puts `staging` where `target` is. Where the kernel can (Linux's `renameat2` with
/// `RENAME_EXCHANGE`), the two are exchanged in one step, so `target` exists at every
/// instant; elsewhere, two renames.
fn swap(target: &Path, staging: &Path, retired: &Path) -> std::io::Result<()> {
    if !target.exists() {
        return fs::rename(staging, target);
    }
    match exchange(staging, target) {
        Ok(()) => return fs::remove_dir_all(staging),
        Err(err) if !matches!(err.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EXDEV)) => {
            return Err(err);
        }
        Err(_) => {}
    }
    fs::rename(target, retired)?;
    if let Err(err) = fs::rename(staging, target) {
        let _ = fs::rename(retired, target);
        return Err(err);
    }
    fs::remove_dir_all(retired)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both paths are NUL-terminated and outlive the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from_raw_os_error(libc::ENOSYS))
}
