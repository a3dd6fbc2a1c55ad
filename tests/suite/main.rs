//! The integration suite: one test binary, one module per concern.

/// The benchmark workload generator, shared by the tests that need a large platform.
#[allow(dead_code)]
#[path = "../../benches/gen_workload.rs"]
mod gen_workload;

mod build;
mod cases;
mod cli;
mod code_map;
mod docs;
mod examples;
mod lsp;
mod no_panic;
mod rules;
mod workload;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.k8s` file below a folder of the repository, sorted.
pub fn k8s_files(folder: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect(&root().join(folder), &mut found);
    found.sort();
    found
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "k8s") {
            found.push(path);
        }
    }
}

/// insta settings that put every snapshot in the top-level `snapshots/` folder.
pub fn snapshot_settings(subfolder: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots").join(subfolder));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}
