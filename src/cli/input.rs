//! What a command reads: a platform given as one file or as a folder, and the files its
//! `use`s reach, read from the disk inside the platform's folder.

use std::path::{Path, PathBuf};

use super::Status;
use crate::load::{self, Disk, Root};

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
        let disk = Disk::new(real);
        let roots = load::roots(&root, &disk).map_err(trouble)?;
        let cited = match &root {
            Root::File(file) => file.clone(),
            Root::Folder => disk
                .folder()
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
