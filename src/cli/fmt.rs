//! `k8sc fmt [--check] FILE...`.

use std::path::Path;

use super::args::FmtArgs;
use super::{Status, stderr_color};
use crate::report::{HumanStyle, render_human};
use crate::semantic::stdlib;
use crate::source::SourceFile;

pub fn run(args: &FmtArgs) -> Status {
    let mut status = Status::Ok;
    for path in &args.files {
        let platform = match super::input::Platform::read(path) {
            Ok(platform) => platform,
            Err(trouble) => {
                status = worse(status, trouble);
                continue;
            }
        };
        // Every file of the platform, each formatted on its own.
        let loaded = crate::load::load(platform.roots, &platform.prefix, &platform.disk);
        for (file, relative) in loaded.files.iter().zip(&loaded.paths) {
            let Some(source) = loaded.sources.get(*file) else {
                continue;
            };
            let file_status = format_one(&platform.folder.join(relative), &source.text, args.check);
            status = worse(status, file_status);
        }
    }
    status
}

fn worse(a: Status, b: Status) -> Status {
    if a as u8 >= b as u8 { a } else { b }
}

fn format_one(path: &Path, text: &str, check: bool) -> Status {
    let formatted = match crate::format::format(stdlib::USER_FILE, text) {
        Ok(formatted) => formatted,
        Err(errors) => {
            let mut sources = stdlib::source_map();
            sources.add(SourceFile::new(path.display().to_string(), text));
            let diagnostics: Vec<_> = errors.iter().map(|error| error.to_diagnostic()).collect();
            let style = HumanStyle {
                color: stderr_color(),
                ..HumanStyle::default()
            };
            eprint!("{}", render_human(&diagnostics, &sources, style));
            eprintln!("{}: not formatted: it does not parse", path.display());
            return Status::Findings;
        }
    };
    if formatted == text {
        return Status::Ok;
    }
    if check {
        println!(
            "{}: not in canonical form (run `k8sc fmt {}`)",
            path.display(),
            path.display()
        );
        return Status::Findings;
    }
    match write_atomically(path, &formatted) {
        Ok(()) => {
            eprintln!("formatted {}", path.display());
            Status::Ok
        }
        Err(err) => {
            eprintln!("error: cannot write `{}`: {err}", path.display());
            Status::Trouble
        }
    }
}

/// Writes beside the file and renames over it, so a crash never leaves half a file. The
/// temporary file is created exclusively (`O_EXCL`, which never follows a link planted
/// under its name) with a name no other run uses, and flushed to disk before the rename.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mode = std::fs::metadata(path).map_or(0o644, |metadata| {
        std::os::unix::fs::PermissionsExt::mode(&metadata.permissions()) & 0o7777
    });
    let mut attempt = 0u32;
    let (temporary, mut handle) = loop {
        let temporary = path.with_file_name(format!(".{file_name}.k8sc-fmt-{}-{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&temporary)
        {
            Ok(handle) => break (temporary, handle),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(err) => return Err(err),
        }
    };
    let written = handle
        .write_all(text.as_bytes())
        .and_then(|()| handle.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(mode)))
        .and_then(|()| handle.sync_all())
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
