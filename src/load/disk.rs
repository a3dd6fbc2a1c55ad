//! The one place loading touches the disk: a platform's files read inside its folder, for
//! the command line and the language server (which lays the texts of its open documents
//! over them).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::{Files, Unreadable};

/// The platform's files on disk, inside its folder (links resolved).
pub struct Disk {
    /// The platform's folder, canonical.
    folder: PathBuf,
    /// Texts that stand in for the files at these real paths: an editor's unsaved ones.
    overlay: Arc<HashMap<PathBuf, String>>,
}

impl Disk {
    /// The files of the folder at the real path `folder`.
    pub fn new(folder: PathBuf) -> Disk {
        Disk {
            folder,
            overlay: Arc::default(),
        }
    }

    /// The files of `folder`, where `overlay` holds a text for a real path.
    pub fn with_overlay(folder: PathBuf, overlay: Arc<HashMap<PathBuf, String>>) -> Disk {
        Disk { folder, overlay }
    }

    /// The platform's folder, canonical.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The real path of `path` in the folder, if it stays inside it.
    fn inside(&self, path: &str) -> Result<PathBuf, Unreadable> {
        let real = self
            .folder
            .join(path)
            .canonicalize()
            .map_err(|err| Unreadable::Missing(err.to_string()))?;
        if real.starts_with(&self.folder) {
            Ok(real)
        } else {
            Err(Unreadable::Outside(format!("it leads to `{}`", real.display())))
        }
    }
}

impl Files for Disk {
    fn read(&self, path: &str) -> Result<String, Unreadable> {
        if let Some(text) = self.overlay.get(&self.folder.join(path)) {
            return Ok(text.clone());
        }
        let real = self.inside(path)?;
        let metadata = std::fs::metadata(&real).map_err(|err| Unreadable::Missing(err.to_string()))?;
        if !metadata.is_file() {
            return Err(Unreadable::Missing("it is not a file".into()));
        }
        if metadata.len() > crate::source::MAX_SOURCE_BYTES {
            return Err(Unreadable::Missing("it is over 4 GiB, more than k8sc reads".into()));
        }
        std::fs::read_to_string(&real).map_err(|err| Unreadable::Missing(err.to_string()))
    }

    fn list(&self, folder: &str) -> Result<Vec<String>, Unreadable> {
        let real = self.inside(folder)?;
        if !real.is_dir() {
            return Err(Unreadable::Missing("it is not a folder".into()));
        }
        let entries = std::fs::read_dir(&real).map_err(|err| Unreadable::Missing(err.to_string()))?;
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.ends_with(".k8s") && entry.path().is_file() {
                found.push(if folder.is_empty() {
                    file
                } else {
                    format!("{folder}/{file}")
                });
            }
        }
        // An editor's document not yet saved is a file of the folder too.
        let here = self.folder.join(folder);
        for path in self.overlay.keys() {
            if path.parent() == Some(here.as_path())
                && let Some(file) = path.file_name().map(|file| file.to_string_lossy().into_owned())
                && file.ends_with(".k8s")
            {
                let relative = if folder.is_empty() {
                    file
                } else {
                    format!("{folder}/{file}")
                };
                if !found.contains(&relative) {
                    found.push(relative);
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_out_of_the_folder_is_outside() {
        let root = std::env::temp_dir().join(format!("k8sc-disk-{}", std::process::id()));
        let platform = root.join("platform");
        std::fs::create_dir_all(platform.join("apps")).expect("mkdir");
        std::fs::write(root.join("elsewhere.k8s"), "node x {}\n").expect("write");
        std::fs::write(platform.join("apps/web.k8s"), "node w {}\n").expect("write");
        std::os::unix::fs::symlink(root.join("elsewhere.k8s"), platform.join("link.k8s")).expect("symlink");
        let disk = Disk::new(platform.canonicalize().expect("canonical"));
        assert!(disk.read("apps/web.k8s").is_ok());
        assert!(matches!(disk.read("link.k8s"), Err(Unreadable::Outside(_))));
        assert!(matches!(disk.read("gone.k8s"), Err(Unreadable::Missing(_))));
        assert!(matches!(disk.read("apps"), Err(Unreadable::Missing(_))));
        assert_eq!(disk.list("").expect("a folder"), ["link.k8s"]);
        assert_eq!(disk.list("apps").expect("a folder"), ["apps/web.k8s"]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
