//! Secrets read from the environment and from files, for the commands that pass them to
//! the (pure) compiler.

use std::path::Path;

use crate::check::Secrets;
use crate::semantic::{Model, SecretSource, Value};

/// Every secret source the model refers to, in order, once each.
pub fn sources(model: &Model) -> Vec<SecretSource> {
    fn collect(value: &Value, found: &mut Vec<SecretSource>) {
        match value {
            Value::Secret(source) if !found.contains(source) => found.push(source.clone()),
            Value::List(items) => items.iter().for_each(|item| collect(&item.value, found)),
            Value::Record(fields) => fields
                .iter()
                .flatten()
                .for_each(|field| collect(&field.value.value, found)),
            Value::Map(entries) => entries.iter().for_each(|(_, item)| collect(&item.value, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for entity in &model.entities {
        for field in entity.fields.iter().flatten() {
            collect(&field.value.value, &mut found);
        }
    }
    found
}

/// Reads one secret: an environment variable, or a file relative to the source file's
/// folder (trailing line breaks removed).
pub fn read(source: &SecretSource, source_dir: &Path) -> Result<String, String> {
    match source {
        SecretSource::Env(name) => {
            std::env::var(name).map_err(|_| format!("the environment variable `{name}` is not set"))
        }
        SecretSource::File(path) => {
            let full = source_dir.join(path);
            std::fs::read_to_string(&full)
                .map(|text| text.trim_end_matches(['\n', '\r']).to_string())
                .map_err(|err| format!("cannot read `{}`: {err}", full.display()))
        }
    }
}

/// The secrets that can be read now; the others are left out (`check` does not need them).
pub fn available(model: &Model, source_dir: &Path) -> Secrets {
    let mut secrets = Secrets::default();
    for source in sources(model) {
        if let Ok(value) = read(&source, source_dir) {
            secrets.insert(source, value);
        }
    }
    secrets
}
