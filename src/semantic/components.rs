//! The user's own components: `component NAME: KIND [from COMPONENT] { ... }` in any file
//! of a platform, used with `from` exactly like the standard library's.
//!
//! A declaration `from` a user component takes, for each field it does not set, the value
//! of the first component along the `from` chain that sets it, then the standard-library
//! component the chain may end in, then the schema's default. The fields a user component
//! supplies are the declaration's own as far as every later phase knows (they are checked
//! in its context, and every string of them is held to its field's syntax), with the
//! spans where the component writes them.

use rustc_hash::FxHashMap as HashMap;

use super::constants::Constants;
use super::schema::{ComponentId, KindId, Schemas};
use super::typeck::{Completion, Owner, Typer};
use super::{Model, Reference, Scope};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, Field, Ident, Name};

/// One user component, its `from` chain resolved.
#[derive(Debug)]
pub struct UserComponent {
    pub name: Ident,
    pub kind: KindId,
    /// The fields it and the user components it derives from set, each field once, the
    /// nearest component's value first.
    pub fields: Vec<Field>,
    /// The standard-library component its chain ends in.
    pub stdlib: Option<ComponentId>,
    /// Its body, or a component it derives from, has errors (reported once, there):
    /// declarations from it take nothing from it and report nothing missing.
    pub broken: bool,
}

/// Every user component of a platform, by name.
#[derive(Debug, Default)]
pub struct UserComponents {
    by_name: HashMap<Name, UserComponent>,
    /// What the components' own blocks refer to.
    pub references: Vec<Reference>,
    pub constant_uses: Vec<(Span, Span)>,
}

/// A component as written, before its chain is resolved.
struct Written<'a> {
    item: &'a ast::Component,
    kind: KindId,
    /// Its own block checked without error.
    clean: bool,
}

impl UserComponents {
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&UserComponent> {
        self.by_name.get(name)
    }

    /// Every user component of a module: declared once (E0104) with a kind that exists
    /// (E0101) and a name no standard-library component in scope has (E0128), its own
    /// block checked once, its `from` chain free of cycles (E0127) and of other kinds
    /// (E0113).
    pub(super) fn collect(
        module: &ast::Module,
        model: &Model,
        scope: &Scope,
        constants: &Constants,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> UserComponents {
        let schemas = model.schemas;
        let mut written: HashMap<Name, Written<'_>> = HashMap::default();
        let mut order: Vec<Name> = Vec::new();
        let mut typer = Typer::new(schemas, Some(model));
        typer.constants = Some(constants);
        for item in &module.items {
            let ast::Item::Component(component) = item else {
                continue;
            };
            let Some(kind) = declarable(component, schemas, scope, &written, diagnostics) else {
                continue;
            };
            let before = typer.diagnostics.len();
            let definition = schemas.entity(kind);
            let owner = Owner {
                description: ("component", &component.name.text),
                span: component.name.span,
                kind_name: &definition.name,
                report_missing: false,
            };
            typer.check_fields(
                &definition.shape,
                &component.body.fields,
                None,
                &owner,
                Completion::Partial,
            );
            let clean = typer.diagnostics.len() == before && !component.body.recovered;
            order.push(component.name.text.clone());
            written.insert(
                component.name.text.clone(),
                Written {
                    item: component,
                    kind,
                    clean,
                },
            );
        }
        diagnostics.append(&mut typer.diagnostics);
        let mut components = UserComponents {
            references: std::mem::take(&mut typer.references),
            constant_uses: std::mem::take(&mut typer.constant_uses),
            ..UserComponents::default()
        };
        for name in order {
            components.resolve(&name, &written, scope, schemas, diagnostics);
        }
        components
    }

    /// Resolves one component's `from` chain (and, first, the chain's other components).
    fn resolve(
        &mut self,
        name: &Name,
        written: &HashMap<Name, Written<'_>>,
        scope: &Scope,
        schemas: &Schemas,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if self.by_name.contains_key(name) {
            return;
        }
        // The chain down from `name` through user components, iteratively.
        let mut chain: Vec<&Written<'_>> = Vec::new();
        let mut next = written.get(name);
        while let Some(component) = next {
            if let Some(at) = chain
                .iter()
                .position(|seen| seen.item.name.text == component.item.name.text)
            {
                diagnostics.push(cycle(&chain[at..], component.item));
                for seen in &chain[at..] {
                    self.by_name.insert(seen.item.name.text.clone(), broken(seen));
                }
                chain.truncate(at);
                break;
            }
            chain.push(component);
            if self.by_name.contains_key(&component.item.name.text) {
                break;
            }
            next = component.item.from.as_ref().and_then(|from| written.get(&from.text));
        }
        // From the end of the chain back up, each one on top of the one it derives from.
        while let Some(component) = chain.pop() {
            if self.by_name.contains_key(&component.item.name.text) {
                continue;
            }
            let resolved = self.on_top(component, scope, schemas, diagnostics);
            self.by_name.insert(component.item.name.text.clone(), resolved);
        }
    }

    /// A component whose `from` (if any) is resolved already: its fields over its parent's.
    fn on_top(
        &self,
        component: &Written<'_>,
        scope: &Scope,
        schemas: &Schemas,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> UserComponent {
        let mut resolved = UserComponent {
            name: component.item.name.clone(),
            kind: component.kind,
            fields: component.item.body.fields.clone(),
            stdlib: None,
            broken: !component.clean,
        };
        let Some(from) = &component.item.from else {
            return resolved;
        };
        if let Some(parent) = self.by_name.get(&from.text) {
            if parent.kind != component.kind {
                diagnostics.push(other_kind(from, parent.kind, component.kind, schemas));
                resolved.broken = true;
                return resolved;
            }
            resolved.fields = fields_over(std::mem::take(&mut resolved.fields), &parent.fields);
            resolved.stdlib = parent.stdlib;
            resolved.broken |= parent.broken;
        } else {
            resolved.stdlib = scope.component(from, component.kind, schemas, diagnostics);
            resolved.broken |= resolved.stdlib.is_none();
        }
        resolved
    }
}

/// `own` fields, then each of `base` that `own` does not set: a declaration over its
/// component, a component over the one it derives from, an `at` block over its block.
pub(super) fn fields_over(mut own: Vec<Field>, base: &[Field]) -> Vec<Field> {
    let set = own.len();
    for field in base {
        if !own[..set].iter().any(|mine| mine.name.text == field.name.text) {
            own.push(field.clone());
        }
    }
    own
}

/// The kind of a component that may be declared, or why not.
fn declarable(
    component: &ast::Component,
    schemas: &Schemas,
    scope: &Scope,
    written: &HashMap<Name, Written<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<KindId> {
    let name = &component.name;
    let Some(kind) = schemas.kind(&component.kind.text) else {
        diagnostics.push(
            Diagnostic::error(
                Code::E0101,
                format!("there is no kind of declaration `{}`", component.kind.text),
                component.kind.span,
                "unknown kind",
            )
            .with_help(format!(
                "the kinds are: {}",
                schemas.kind_names().collect::<Vec<_>>().join(", ")
            )),
        );
        return None;
    };
    if let Some(first) = written.get(&name.text) {
        diagnostics.push(
            Diagnostic::error(
                Code::E0104,
                format!("the component `{}` is declared twice", name.text),
                name.span,
                "declared again here",
            )
            .with_label(first.item.name.span, "first declared here")
            .with_help("rename one of them; each component needs its own name"),
        );
        return None;
    }
    if let Some(stdlib) = scope.in_scope(&name.text) {
        let module = &schemas.component(stdlib).module;
        diagnostics.push(
            Diagnostic::error(
                Code::E0128,
                format!(
                    "the component `{}` has the name of a standard-library component in scope (from `use {module}`)",
                    name.text
                ),
                name.span,
                "a standard-library component's name",
            )
            .with_help(format!(
                "give it a name of its own; to build on the standard one, write `component NAME: {} from {}`",
                component.kind.text, name.text
            )),
        );
        return None;
    }
    Some(kind)
}

fn broken(component: &Written<'_>) -> UserComponent {
    UserComponent {
        name: component.item.name.clone(),
        kind: component.kind,
        fields: Vec::new(),
        stdlib: None,
        broken: true,
    }
}

/// E0127: components that derive from each other in a circle.
fn cycle(chain: &[&Written<'_>], closing: &ast::Component) -> Diagnostic {
    let mut names: Vec<String> = chain.iter().map(|c| format!("`{}`", c.item.name.text)).collect();
    names.push(format!("`{}`", closing.name.text));
    let span = chain
        .last()
        .and_then(|last| last.item.from.as_ref())
        .map_or(closing.name.span, |from| from.span);
    Diagnostic::error(
        Code::E0127,
        format!(
            "components derive from each other in a circle: {}",
            names.join(" from ")
        ),
        span,
        "closes the circle",
    )
    .with_label(closing.name.span, "the component")
    .with_help("one of them must stand on its own (or on a standard-library component): drop its `from`")
}

/// E0113 for a `from` between components of two kinds.
fn other_kind(from: &Ident, parent: KindId, kind: KindId, schemas: &Schemas) -> Diagnostic {
    super::typeck::other_kind_component(from, &schemas.entity(parent).name, &schemas.entity(kind).name)
}
