//! Reports: diagnostics rendered for people (miette) and for machines (JSON).
//!
//! Input: diagnostics and the source map. Output: strings. Invariants: pure (the caller
//! writes them); the same diagnostics always render to the same bytes.

mod human;
mod json;

pub use human::{HumanStyle, render_human};
pub use json::render_json;
