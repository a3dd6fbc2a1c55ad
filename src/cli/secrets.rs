//! Secrets read from the environment and from files, for the commands that hand them to
//! the (pure) compiler.

use std::path::Path;

use crate::semantic::SecretSource;

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
