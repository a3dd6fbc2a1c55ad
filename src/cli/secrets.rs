//! Secrets read from the environment and from files, for the commands that hand them to
//! the (pure) compiler.
//!
//! A `file("path")` resolves against the source file's folder and may not leave it (after
//! `..` and links are resolved), unless it lies in a folder the user named with
//! `--secrets DIR`: a source file from elsewhere cannot read `/etc/shadow` into an output
//! that `harbor/apply.sh` posts to a URL the source names.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::semantic::SecretSource;

/// The folders named with `--secrets`, canonical.
static ALLOWED: OnceLock<Vec<PathBuf>> = OnceLock::new();

/// Records the `--secrets` folders (once, before any secret is read).
pub fn allow(folders: &[PathBuf]) -> Result<(), String> {
    let mut canonical = Vec::new();
    for folder in folders {
        let path = folder
            .canonicalize()
            .map_err(|err| format!("--secrets `{}`: {err}", folder.display()))?;
        if !path.is_dir() {
            return Err(format!("--secrets `{}` is not a folder", folder.display()));
        }
        canonical.push(path);
    }
    let _ = ALLOWED.set(canonical);
    Ok(())
}

/// Reads one secret: an environment variable, or a file inside the source file's folder
/// or a `--secrets` folder (trailing line breaks removed).
pub fn read(source: &SecretSource, source_dir: &Path) -> Result<String, String> {
    match source {
        SecretSource::Env(name) => {
            std::env::var(name).map_err(|_| format!("the environment variable `{name}` is not set"))
        }
        SecretSource::File(path) => {
            let full = confined(
                &source_dir.join(path),
                source_dir,
                ALLOWED.get().map_or(&[], Vec::as_slice),
            )?;
            std::fs::read_to_string(&full)
                .map(|text| text.trim_end_matches(['\n', '\r']).to_string())
                .map_err(|err| format!("cannot read `{path}`: {err}"))
        }
    }
}

/// `path` resolved, if it lies inside `source_dir` or one of `allowed`.
fn confined(path: &Path, source_dir: &Path, allowed: &[PathBuf]) -> Result<PathBuf, String> {
    let shown = path.display();
    let resolved = path
        .canonicalize()
        .map_err(|err| format!("cannot read `{shown}`: {err}"))?;
    let home = (if source_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        source_dir
    })
    .canonicalize()
    .map_err(|err| format!("cannot read `{shown}`: {err}"))?;
    if resolved.starts_with(&home) || allowed.iter().any(|folder| resolved.starts_with(folder)) {
        Ok(resolved)
    } else {
        Err(format!(
            "`{shown}` lies outside the source file's folder; name its folder with `--secrets DIR` to read secrets from there"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_secret_stays_in_its_folders() {
        let root = std::env::temp_dir().join(format!("k8sc-secrets-{}", std::process::id()));
        let project = root.join("project");
        let vault = root.join("vault");
        std::fs::create_dir_all(project.join("pki")).expect("mkdir");
        std::fs::create_dir_all(&vault).expect("mkdir");
        std::fs::write(project.join("pki/token"), "inside\n").expect("write");
        std::fs::write(vault.join("token"), "vault\n").expect("write");
        std::os::unix::fs::symlink(vault.join("token"), project.join("pki/link")).expect("symlink");
        let read = |path: &str, allowed: &[PathBuf]| confined(&project.join(path), &project, allowed).map(|_| ());
        assert!(read("pki/token", &[]).is_ok());
        assert!(
            read("../vault/token", &[])
                .unwrap_err()
                .contains("outside the source file's folder")
        );
        assert!(read("pki/link", &[]).is_err(), "a link out of the folder is out of it");
        assert!(read("/etc/passwd", &[]).is_err());
        let vault = vault.canonicalize().expect("canonical");
        assert!(read("../vault/token", std::slice::from_ref(&vault)).is_ok());
        assert!(read("pki/link", &[vault]).is_ok());
        let _ = std::fs::remove_dir_all(&root);
    }
}
