//! What a command reads: a platform given as one file or as a folder, and the files its
//! `use`s reach, read from the disk inside the platform's folder.

use std::path::{Path, PathBuf};

use super::Status;
use crate::load::{self, Files, Root, Unreadable};

/// A platform on disk: its folder, what the user named, and the root files' texts.
pub struct Platform {
    /// The platform's folder as the user wrote it (`""` for the working folder).
    pub prefix: String,
    /// The platform's folder, where `file()` secrets are read.
    pub folder: PathBuf,
    /// What the user named, as they wrote it.
    pub name: String,
    /// The name cited in the emitted files' headers: the file's, or the folder's.
    pub cited: String,
    pub disk: Disk,
    pub roots: Vec<(String, String)>,
}

impl Platform {
    /// Reads the file or folder `path` names, or says why not.
    pub fn read(path: &Path) -> Result<Platform, Status> {
        let name = path.display().to_string();
        let trouble = |message: String| {
            eprintln!("error: cannot read `{name}`: {message}");
            Status::Trouble
        };
        let (folder, root) = if path.is_dir() {
            (path.to_path_buf(), Root::Folder)
        } else {
            let file = path
                .file_name()
                .map(|file| file.to_string_lossy().into_owned())
                .ok_or_else(|| trouble("it names no file".into()))?;
            (path.parent().unwrap_or(Path::new("")).to_path_buf(), Root::File(file))
        };
        let real = (if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &folder
        })
        .canonicalize()
        .map_err(|err| trouble(err.to_string()))?;
        let disk = Disk { folder: real };
        let roots = load::roots(&root, &disk).map_err(trouble)?;
        let cited = match &root {
            Root::File(file) => file.clone(),
            Root::Folder => disk
                .folder
                .file_name()
                .map_or_else(|| "platform".to_string(), |name| name.to_string_lossy().into_owned()),
        };
        Ok(Platform {
            prefix: folder.display().to_string(),
            folder,
            name,
            cited,
            disk,
            roots,
        })
    }
}

/// The platform's files on disk, inside its folder (links resolved).
pub struct Disk {
    /// The platform's folder, canonical.
    folder: PathBuf,
}

impl Disk {
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
        found.sort();
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_out_of_the_folder_is_outside() {
        let root = std::env::temp_dir().join(format!("k8sc-input-{}", std::process::id()));
        let platform = root.join("platform");
        std::fs::create_dir_all(platform.join("apps")).expect("mkdir");
        std::fs::write(root.join("elsewhere.k8s"), "node x {}\n").expect("write");
        std::fs::write(platform.join("apps/web.k8s"), "node w {}\n").expect("write");
        std::os::unix::fs::symlink(root.join("elsewhere.k8s"), platform.join("link.k8s")).expect("symlink");
        let disk = Disk {
            folder: platform.canonicalize().expect("canonical"),
        };
        assert!(disk.read("apps/web.k8s").is_ok());
        assert!(matches!(disk.read("link.k8s"), Err(Unreadable::Outside(_))));
        assert!(matches!(disk.read("gone.k8s"), Err(Unreadable::Missing(_))));
        assert!(matches!(disk.read("apps"), Err(Unreadable::Missing(_))));
        assert_eq!(disk.list("").expect("a folder"), ["link.k8s"]);
        assert_eq!(disk.list("apps").expect("a folder"), ["apps/web.k8s"]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
