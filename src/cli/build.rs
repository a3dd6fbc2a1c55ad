//! `k8sc build FILE -o DIR`: check, emit, and swap the new tree in atomically.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use super::args::BuildArgs;
use super::{Status, read_source, secrets, stderr_color};
use crate::check::Secrets;
use crate::diagnostic::Diagnostic;
use crate::emit::{self, Output, Templates};
use crate::report::{HumanStyle, render_human};
use crate::semantic::SecretSource;

/// The file that marks a folder as k8sc's, so a rebuild may replace it.
const MARKER: &str = ".k8sc-build";

pub fn run(args: &BuildArgs) -> Status {
    let text = match read_source(&args.file) {
        Ok(text) => text,
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
    let name = args.file.display().to_string();
    let source_dir = args.file.parent().unwrap_or(Path::new("."));
    // Each secret is read once: the checks see the values, the build writes them.
    let read: RefCell<HashMap<SecretSource, Result<String, String>>> = RefCell::new(HashMap::default());
    let compilation = crate::compile_model_only(&name, &text, |source| {
        let value = secrets::read(source, source_dir);
        read.borrow_mut().insert(source.clone(), value.clone());
        value.ok()
    });
    let read = read.into_inner();
    let style = HumanStyle {
        color: stderr_color(),
        ..HumanStyle::default()
    };
    let mut diagnostics = compilation.diagnostics.clone();
    // Every secret must be readable now (check did not need them; build writes them).
    let mut resolved = Secrets::default();
    for (source, value) in &read {
        if let Ok(value) = value {
            resolved.insert(source.clone(), value.clone());
        }
    }
    if compilation.front_end_ok {
        diagnostics.extend(emit::missing_secrets(&compilation.model, &resolved, |source| {
            read.get(source)
                .and_then(|value| value.clone().err())
                .unwrap_or_default()
        }));
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        crate::diagnostic::sort(&mut diagnostics);
        eprint!("{}", render_human(&diagnostics, &compilation.sources, style));
        eprintln!("{}: not built; `{}` is unchanged", name, args.output.display());
        return Status::Findings;
    }
    let source_name = args
        .file
        .file_name()
        .map_or_else(|| name.clone(), |file| file.to_string_lossy().into_owned());
    let input = emit::Input::of(&source_name, &compilation, &resolved, &templates);
    let output = match emit::emit(&input) {
        Ok(output) => output,
        Err(found) => {
            eprint!("{}", render_human(&found, &compilation.sources, style));
            eprintln!("{}: not built; `{}` is unchanged", name, args.output.display());
            return Status::Findings;
        }
    };
    // Warnings are shown; they do not stop a build.
    eprint!("{}", render_human(&diagnostics, &compilation.sources, style));
    match write_atomically(&args.output, &output) {
        Ok(()) => {
            println!(
                "{name}: wrote {} files to {}",
                output.files.len(),
                args.output.display()
            );
            Status::Ok
        }
        Err(err) => {
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

/// Writes the tree into a fresh folder beside `target`, then swaps it in: a failure at any
/// point leaves `target` as it was.
pub fn write_atomically(target: &Path, output: &Output) -> std::io::Result<()> {
    let parent = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let base = target
        .file_name()
        .map_or_else(|| "out".into(), |name| name.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{base}.k8sc-new-{}", std::process::id()));
    let retired = parent.join(format!(".{base}.k8sc-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = write_tree(&staging, output).and_then(|()| swap(target, &staging, &retired));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(root: &Path, output: &Output) -> std::io::Result<()> {
    fs::create_dir_all(root)?;
    let mut files = Vec::with_capacity(output.files.len());
    let mut folders = std::collections::BTreeSet::new();
    for (path, file) in &output.files {
        let Some(relative) = safe_relative(path) else {
            return Err(std::io::Error::other(format!(
                "refusing to write `{path}` outside the output folder"
            )));
        };
        let full = root.join(relative);
        if let Some(folder) = full.parent() {
            folders.insert(folder.to_path_buf());
        }
        files.push((full, file));
    }
    for folder in &folders {
        fs::create_dir_all(folder)?;
    }
    // Creating thousands of files is mostly the kernel's work: two threads overlap it.
    let (first, second) = files.split_at(files.len() / 2);
    std::thread::scope(|threads| {
        let later = threads.spawn(|| write_files(second));
        let written = write_files(first);
        let later = later
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("a writing thread failed")));
        written.and(later)
    })?;
    fs::write(root.join(MARKER), format!("k8sc {}\n", env!("CARGO_PKG_VERSION")))?;
    Ok(())
}

fn write_files(files: &[(PathBuf, &emit::OutputFile)]) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    for (full, file) in files {
        // Create with the final mode, so a secret is never readable by others, even briefly.
        let mut handle = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(file.mode)
            .open(full)?;
        handle.write_all(file.contents.as_bytes())?;
        // The umask may have narrowed the mode at creation.
        handle.set_permissions(fs::Permissions::from_mode(file.mode))?;
    }
    Ok(())
}

fn swap(target: &Path, staging: &Path, retired: &Path) -> std::io::Result<()> {
    if target.exists() {
        fs::rename(target, retired)?;
        if let Err(err) = fs::rename(staging, target) {
            let _ = fs::rename(retired, target);
            return Err(err);
        }
        fs::remove_dir_all(retired)
    } else {
        fs::rename(staging, target)
    }
}
