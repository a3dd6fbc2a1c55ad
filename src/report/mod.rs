//! Reports: diagnostics rendered for people (miette) and for machines (JSON, SARIF).
//!
//! Input: diagnostics and the source map. Output: strings. Invariants: pure (the caller
//! writes them); the same diagnostics always render to the same bytes.

mod human;
mod json;
mod sarif;

pub use human::{HumanStyle, render_human};
pub use json::render_json;
pub use sarif::{DOCS_URL, render_sarif};
