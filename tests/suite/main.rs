//! The integration suite: one test binary, one module per concern.

/// The benchmark workload generator, shared by the tests that need a large platform.
#[allow(dead_code)]
#[path = "../../benches/gen_workload.rs"]
mod gen_workload;

mod bringup;
mod build;
mod canary;
mod cases;
mod cli;
mod code_map;
mod controlplane;
mod docs;
mod examples;
mod fuzz;
mod hosts;
mod lab;
mod lsp;
mod mutants;
mod no_panic;
mod peers;
mod placement;
mod policies;
mod rules;
mod views;
mod workload;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.k8s` file below a folder of the repository, sorted.
/// The `.k8s` files under a folder, sorted. Under `examples/`, only the files directly in
/// it: a folder there is a platform of several files ([`example_folders`]), not files
/// that stand alone.
pub fn k8s_files(folder: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if folder == "examples" {
        let entries = std::fs::read_dir(root().join(folder)).expect("examples/");
        found.extend(
            (entries.flatten().map(|entry| entry.path()))
                .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "k8s")),
        );
    } else {
        collect(&root().join(folder), &mut found);
    }
    found.sort();
    found
}

/// The examples that are folders: platforms of several files.
pub fn example_folders() -> Vec<PathBuf> {
    let entries = std::fs::read_dir(root().join("examples")).expect("examples/");
    let mut found: Vec<PathBuf> = (entries.flatten().map(|entry| entry.path()))
        .filter(|path| {
            path.is_dir()
                && std::fs::read_dir(path).is_ok_and(|mut files| {
                    files.any(|file| file.is_ok_and(|file| file.path().extension().is_some_and(|ext| ext == "k8s")))
                })
        })
        .collect();
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

/// Reads of the model by field and kind name, for tests that check the emitted files
/// against the model independently of the compiler's own views (`src/semantic/views.rs`).
pub mod by_name {
    use k8sc::semantic::{EntityId, Model, Value};

    /// The declarations of a kind, in source order.
    pub fn all<'m>(model: &'m Model, kind: &str) -> impl Iterator<Item = EntityId> + 'm {
        let ids = model.schemas.kind(kind).map_or(&[][..], |kind| model.of_kind(kind));
        ids.iter().copied()
    }

    /// A field's value (written, inherited or the default).
    pub fn value<'m>(model: &'m Model, id: EntityId, field: &str) -> Option<&'m Value> {
        model
            .fields(id)
            .find(|(name, _, _)| *name == field)
            .map(|(_, value, _)| &value.value)
    }

    pub fn string<'m>(model: &'m Model, id: EntityId, field: &str) -> Option<&'m str> {
        match value(model, id, field) {
            Some(Value::Str(text)) => Some(text),
            _ => None,
        }
    }

    pub fn ipv4(model: &Model, id: EntityId, field: &str) -> Option<std::net::Ipv4Addr> {
        match value(model, id, field) {
            Some(Value::Ipv4(address)) => Some(*address),
            _ => None,
        }
    }

    /// An enum list's variants (`roles`).
    pub fn variants(model: &Model, id: EntityId, field: &str) -> Vec<&'static str> {
        let items = value(model, id, field).map_or(&[][..], Value::as_list);
        items
            .iter()
            .filter_map(|item| match item.value {
                Value::Enum(name) => Some(name),
                _ => None,
            })
            .collect()
    }

    pub fn cidrs(model: &Model, id: EntityId, field: &str) -> Vec<ipnet::Ipv4Net> {
        let items = value(model, id, field).map_or(&[][..], Value::as_list);
        items
            .iter()
            .filter_map(|item| match item.value {
                Value::Cidr(net) => Some(net),
                _ => None,
            })
            .collect()
    }
}
