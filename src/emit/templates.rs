//! The minijinja templates of the text configs, embedded, with per-template overrides.
//!
//! `k8sc build --templates DIR` reads `DIR/<name>` for any of `NAMES` and passes the
//! texts here; every other template stays the embedded one.

use std::collections::BTreeMap;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// The embedded templates, by name.
const EMBEDDED: &[(&str, &str)] = &[
    ("haproxy.cfg.j2", include_str!("templates/haproxy.cfg.j2")),
    ("keepalived.conf.j2", include_str!("templates/keepalived.conf.j2")),
    ("check_apiserver.sh.j2", include_str!("templates/check_apiserver.sh.j2")),
    ("check_ingress.sh.j2", include_str!("templates/check_ingress.sh.j2")),
    ("check_haproxy.sh.j2", include_str!("templates/check_haproxy.sh.j2")),
    ("check_nfs.sh.j2", include_str!("templates/check_nfs.sh.j2")),
    ("drbd_notify.sh.j2", include_str!("templates/drbd_notify.sh.j2")),
    ("exports.j2", include_str!("templates/exports.j2")),
];

/// How many instructions one rendering may run: far more than the embedded templates need
/// for the largest platform, and a bound on an override that loops.
pub const FUEL: u64 = 10_000_000;
/// The most bytes one rendered file may hold.
pub const OUTPUT_CAP: usize = 64 << 20;

/// A writer that refuses to grow past [`OUTPUT_CAP`], so a runaway template fails before
/// it fills memory.
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + bytes.len() > OUTPUT_CAP {
            return Err(std::io::Error::other("output cap"));
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The names of the templates that can be overridden.
pub fn names() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _)| *name)
}

/// The templates in use: the embedded ones and the caller's overrides.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    overrides: BTreeMap<String, String>,
    /// Where the overrides came from, for messages.
    pub origin: Option<String>,
}

impl Templates {
    /// Overrides one template; `name` must be one of [`names`].
    pub fn set(&mut self, name: &str, text: String) -> Result<(), String> {
        if !names().any(|known| known == name) {
            return Err(format!(
                "`{name}` is not a k8sc template; the templates are: {}",
                names().collect::<Vec<_>>().join(", ")
            ));
        }
        self.overrides.insert(name.to_string(), text);
        Ok(())
    }

    fn text(&self, name: &str) -> &str {
        self.overrides.get(name).map_or_else(
            || {
                EMBEDDED
                    .iter()
                    .find(|(known, _)| *known == name)
                    .map_or("", |(_, text)| *text)
            },
            String::as_str,
        )
    }

    /// Renders a template; an error becomes an E0204 diagnostic at `span`.
    pub fn render(&self, name: &str, context: &impl Serialize, span: Span) -> Result<String, Box<Diagnostic>> {
        let mut environment = Environment::new();
        environment.set_undefined_behavior(UndefinedBehavior::Strict);
        environment.set_fuel(Some(FUEL));
        // Scripts quote every value they take with `{{ value | sh }}`.
        environment.add_filter("sh", super::shell::filter);
        let overridden = self.overrides.contains_key(name);
        let mut output = Capped(Vec::new());
        let result = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .and_then(|syntax| {
                environment.set_syntax(syntax);
                environment.template_from_named_str(name, self.text(name))
            })
            .and_then(|template| {
                template
                    .render_captured_to(minijinja::value::Serde(context), &mut output)
                    .map(drop)
            });
        let capped = output.0.len() + 1 > OUTPUT_CAP;
        result
            .map(|_| String::from_utf8_lossy(&output.0).into_owned())
            .map_err(|error| {
                let origin = match (&self.origin, overridden) {
                    (Some(origin), true) => format!("`{origin}/{name}`"),
                    (None, true) => format!("`{name}` (an override)"),
                    (_, false) => format!("`{name}` (embedded)"),
                };
                let why = match error.kind() {
                    minijinja::ErrorKind::OutOfFuel => {
                        format!("it ran out of its {FUEL} instructions (a loop that does not end?)")
                    }
                    minijinja::ErrorKind::WriteFailure if capped || output.0.len() >= OUTPUT_CAP / 2 => {
                        format!("its output passed the {} MiB cap", OUTPUT_CAP >> 20)
                    }
                    _ => error.to_string(),
                };
                Box::new(
                    Diagnostic::error(
                        Code::E0204,
                        format!("template {origin} does not render: {why}"),
                        span,
                        "while emitting this",
                    )
                    .with_help("fix the template (minijinja syntax); delete the override to use the embedded one"),
                )
            })
    }
}
