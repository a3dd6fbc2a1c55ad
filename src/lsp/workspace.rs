//! A document's platform: the files it belongs with, read from the disk with the open
//! documents' texts laid over them.
//!
//! A document's platform is found once, when it is opened:
//! - the first file (by name) in its folder, or in a folder above it, whose `use`s reach
//!   the document: that file and everything it uses, as `k8sc check FILE` reads it;
//! - otherwise its folder, as `k8sc check FOLDER` reads it, when the folder's files
//!   declare at most one cluster between them;
//! - otherwise (a folder of separate platforms, such as `examples/`) the document alone,
//!   with what it uses.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::Uri;
use rustc_hash::FxHashMap as HashMap;

use crate::load::{self, Disk, Files, Root};
use crate::syntax::ast;

/// The texts of the open documents, by real path.
pub type Overlay = Arc<HashMap<PathBuf, String>>;

/// Where a document's platform lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The platform's folder, canonical.
    pub folder: PathBuf,
    pub root: Root,
}

/// How many folders above a document's own are searched for a file that uses it.
const FOLDERS_UP: usize = 4;

/// The real path a `file:` URI names.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().map(|scheme| scheme.as_str()) != Some("file") {
        return None;
    }
    let decoded = percent_decode(uri.path().as_str())?;
    let path = PathBuf::from(decoded);
    let folder = path.parent()?.canonicalize().ok()?;
    Some(folder.join(path.file_name()?))
}

/// The `file:` URI of a path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let mut text = String::from("file://");
    for byte in path.to_str()?.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            text.push(byte as char);
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&text).ok()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        if bytes[idx] == b'%' {
            let hex = text.get(idx + 1..idx + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            idx += 3;
        } else {
            out.push(bytes[idx]);
            idx += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Finds the platform of the document at the real path `path`.
pub fn discover(path: &Path, overlay: &Overlay) -> Option<Place> {
    let folder = path.parent()?.to_path_buf();
    let mut dir = folder.clone();
    for _ in 0..FOLDERS_UP {
        let disk = Disk::with_overlay(dir.clone(), overlay.clone());
        let here = disk.list("").unwrap_or_default();
        if here.is_empty() {
            break;
        }
        let relative = path.strip_prefix(&dir).ok()?.to_string_lossy().into_owned();
        for candidate in here.iter().filter(|candidate| **candidate != relative) {
            let Ok(roots) = load::roots(&Root::File(candidate.clone()), &disk) else {
                continue;
            };
            if load::load(roots, "", &disk).paths.contains(&relative) {
                return Some(Place {
                    folder: dir,
                    root: Root::File(candidate.clone()),
                });
            }
        }
        dir = dir.parent()?.to_path_buf();
    }
    let disk = Disk::with_overlay(folder.clone(), overlay.clone());
    let roots = load::roots(&Root::Folder, &disk).ok()?;
    let loaded = load::load(roots, "", &disk);
    let clusters = (loaded.module.items.iter())
        .filter(|item| matches!(item, ast::Item::Decl(decl) if decl.kind.text == "cluster"))
        .count();
    let root = if clusters <= 1 {
        Root::Folder
    } else {
        Root::File(path.file_name()?.to_string_lossy().into_owned())
    };
    Some(Place { folder, root })
}

/// Compiles a platform, with the open documents' texts over the disk's. `None` when its
/// roots cannot be read.
pub fn compile(place: &Place, overlay: &Overlay) -> Option<crate::Compilation> {
    let disk = Disk::with_overlay(place.folder.clone(), overlay.clone());
    let roots = load::roots(&place.root, &disk).ok()?;
    let prefix = place.folder.display().to_string();
    Some(crate::compile_platform(roots, &prefix, &disk, |_| None))
}

/// What a `use "..."` in the document at `path` may name beside it: every other `.k8s`
/// file of its folder (`./nodes.k8s`) and every subfolder that holds one (`./apps/`),
/// sorted.
pub fn use_candidates(path: &Path) -> Vec<String> {
    let Some(folder) = path.parent() else {
        return Vec::new();
    };
    let holds_k8s = |dir: &Path| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|entry| entry.path().extension().is_some_and(|ext| ext == "k8s"))
        })
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let candidate = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if candidate.is_dir() && holds_k8s(&candidate) {
            found.push(format!("./{name}/"));
        } else if candidate.extension().is_some_and(|ext| ext == "k8s") && candidate != path {
            found.push(format!("./{name}"));
        }
    }
    found.sort();
    found
}

/// Whether the platform's files hold the file at `path` (a real path).
pub fn holds(compilation: &crate::Compilation, path: &Path) -> bool {
    (compilation.files.iter()).any(|file| Path::new(compilation.sources.name(*file)) == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_uris_round_trip() {
        let path = Path::new("/tmp/a b/ç.k8s");
        let uri = uri_of(path).expect("a uri");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A7.k8s");
        assert_eq!(percent_decode(uri.path().as_str()).as_deref(), Some("/tmp/a b/ç.k8s"));
    }

    #[test]
    fn a_document_finds_the_file_that_uses_it_or_its_folder() {
        let root = std::env::temp_dir().join(format!("k8sc-workspace-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let platform = root.join("platform");
        let separate = root.join("separate");
        std::fs::create_dir_all(platform.join("apps")).expect("mkdir");
        std::fs::create_dir_all(&separate).expect("mkdir");
        std::fs::write(platform.join("main.k8s"), "use \"./apps/\"\ncluster c {}\n").expect("write");
        std::fs::write(platform.join("apps/web.k8s"), "node w {}\n").expect("write");
        std::fs::write(separate.join("one.k8s"), "cluster one {}\n").expect("write");
        std::fs::write(separate.join("two.k8s"), "cluster two {}\n").expect("write");
        let platform = platform.canonicalize().expect("canonical");
        let separate = separate.canonicalize().expect("canonical");
        let overlay = Overlay::default();
        let place = discover(&platform.join("apps/web.k8s"), &overlay).expect("a place");
        assert_eq!(place.root, Root::File("main.k8s".into()));
        assert_eq!(place.folder, platform);
        let place = discover(&platform.join("main.k8s"), &overlay).expect("a place");
        assert_eq!(place.root, Root::Folder);
        let place = discover(&separate.join("two.k8s"), &overlay).expect("a place");
        assert_eq!(place.root, Root::File("two.k8s".into()));
        let _ = std::fs::remove_dir_all(&root);
    }
}
