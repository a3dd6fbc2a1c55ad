//! Semantic analysis: name resolution and type checking against the standard library.
//!
//! Input: a parsed [`ast::Module`] of the user's file. Output: the typed [`Model`] and
//! the diagnostics. Invariants: no IO; every declaration that has a known kind and a
//! fresh name is in the model, even when some of its fields are wrong; a field that
//! failed its check is absent, never a guess; references are recorded with their spans.

pub mod clusters;
pub mod components;
pub mod constants;
pub mod display;
pub mod model;
pub mod pools;
pub mod read;
pub mod schema;
pub mod stdlib;
pub mod suggest;
pub mod typeck;
pub mod value;
pub mod views;

use std::borrow::Borrow;

use rustc_hash::FxHashMap as HashMap;

use components::UserComponents;
use constants::Constants;
pub use model::{Allow, Entity, EntityId, Model, Reference};
pub use schema::{ComponentId, KindId, Schemas, Type};
pub use value::{FieldValue, MapKey, Origin, SecretSource, Spanned, Value};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;
use suggest::did_you_mean;
use typeck::{Owner, Typer};

/// Resolves and type-checks a module into the model. Pools are expanded first (into a
/// copy: the module stays as written, for the language server).
pub fn analyze(module: &ast::Module) -> (Model, Vec<Diagnostic>) {
    if pools::has_pools(&module.items) {
        let mut diagnostics = Vec::new();
        let expanded = ast::Module {
            items: pools::expand(module.items.clone(), &mut diagnostics),
            comments: Vec::new(),
        };
        let (model, found) = analyze_expanded(&expanded);
        diagnostics.extend(found);
        return (model, once_each(diagnostics));
    }
    analyze_expanded(module)
}

/// One of each diagnostic: a pool's instances share the template's spans, and what is
/// wrong in the template is wrong alike in every instance.
fn once_each(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = rustc_hash::FxHashSet::default();
    diagnostics
        .retain(|diagnostic| seen.insert((diagnostic.code, diagnostic.primary.span, diagnostic.message.clone())));
    diagnostics
}

fn analyze_expanded(module: &ast::Module) -> (Model, Vec<Diagnostic>) {
    let declared = declare(module);
    let to_check = declared
        .plan
        .iter()
        .filter_map(|&(idx, id, kind)| match &module.items[idx] {
            ast::Item::Decl(decl) => Some((id, kind, &**decl)),
            _ => None,
        })
        .collect();
    check_declarations(declared, to_check)
}

/// [`analyze`], dropping each declaration's syntax tree once its block is checked: the
/// tree and the model of a large platform are never both whole in memory. For callers
/// that need only the model (`k8sc check`, `k8sc build`).
pub fn analyze_owned(mut module: ast::Module) -> (Model, Vec<Diagnostic>) {
    if pools::has_pools(&module.items) {
        let mut diagnostics = Vec::new();
        module.items = pools::expand(module.items, &mut diagnostics);
        let (model, found) = analyze_owned_expanded(module);
        diagnostics.extend(found);
        return (model, once_each(diagnostics));
    }
    analyze_owned_expanded(module)
}

fn analyze_owned_expanded(module: ast::Module) -> (Model, Vec<Diagnostic>) {
    let declared = declare(&module);
    let mut items: Vec<Option<ast::Item>> = module.items.into_iter().map(Some).collect();
    let to_check = declared
        .plan
        .iter()
        .filter_map(|&(idx, id, kind)| match items.get_mut(idx).and_then(Option::take) {
            Some(ast::Item::Decl(decl)) => Some((id, kind, decl)),
            _ => None,
        })
        .collect();
    drop(items);
    check_declarations(declared, to_check)
}

/// Pass 1's result: every name declared, and the blocks pass 2 checks.
struct Declared {
    model: Model,
    diagnostics: Vec<Diagnostic>,
    scope: Scope,
    constants: Constants,
    components: UserComponents,
    /// Item position, entity (none for a duplicate) and kind of each block to check:
    /// the declarations first, then the duplicates.
    plan: Vec<(usize, Option<EntityId>, KindId)>,
}

/// Pass 1: declares every name, so references may point forward.
fn declare(module: &ast::Module) -> Declared {
    let schemas = &stdlib::stdlib().schemas;
    let mut diagnostics = Vec::new();
    let scope = Scope::build(module, schemas, &mut diagnostics);
    let mut model = Model::new(schemas);
    model.entities.reserve(module.items.len());
    let mut declared: Vec<(usize, Option<EntityId>, KindId)> = Vec::with_capacity(module.items.len());
    let mut duplicates: Vec<(usize, Option<EntityId>, KindId)> = Vec::new();
    for (idx, item) in module.items.iter().enumerate() {
        let decl = match item {
            ast::Item::Decl(decl) => decl,
            ast::Item::Schema(schema) => {
                diagnostics.push(schema_outside_stdlib(schema.name.span, schema.keyword.as_str()));
                continue;
            }
            ast::Item::Enum(decl) => {
                diagnostics.push(schema_outside_stdlib(decl.name.span, "enum"));
                continue;
            }
            ast::Item::Use(_) | ast::Item::Let(_) | ast::Item::Component(_) => continue,
        };
        let Some(kind) = schemas.kind(&decl.kind.text) else {
            diagnostics.push(
                Diagnostic::error(
                    Code::E0101,
                    format!("there is no kind of declaration `{}`", decl.kind.text),
                    decl.kind.span,
                    "unknown kind",
                )
                .with_help(did_you_mean(&decl.kind.text, schemas.kind_names()).unwrap_or_else(|| {
                    format!("the kinds are: {}", schemas.kind_names().collect::<Vec<_>>().join(", "))
                })),
            );
            continue;
        };
        let mut entity = Entity::new(
            kind,
            decl.name.text.to_string(),
            decl.name.span,
            decl.kind.span,
            decl.span,
        );
        entity.allows = allows(&decl.attributes, &mut diagnostics);
        match model.declare(entity) {
            Ok(id) => declared.push((idx, Some(id), kind)),
            Err(first) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0104,
                        format!("the {} `{}` is declared twice", decl.kind.text, decl.name.text),
                        decl.name.span,
                        "declared again here",
                    )
                    .with_label(model.entity(first).name_span, "first declared here")
                    .with_help(format!(
                        "rename one of them; each {} needs its own name",
                        decl.kind.text
                    )),
                );
                duplicates.push((idx, None, kind));
            }
        }
    }

    declared.extend(duplicates);
    let constants = Constants::collect(module, &model, &mut diagnostics);
    let components = UserComponents::collect(module, &model, &scope, &constants, &mut diagnostics);
    Declared {
        model,
        diagnostics,
        scope,
        constants,
        components,
        plan: declared,
    }
}

/// Pass 2: type-checks every block (duplicates too, for their own errors).
fn check_declarations<D: Borrow<ast::Decl> + Send>(
    declared: Declared,
    mut to_check: Vec<(Option<EntityId>, KindId, D)>,
) -> (Model, Vec<Diagnostic>) {
    let Declared {
        mut model,
        mut diagnostics,
        scope,
        constants,
        components,
        ..
    } = declared;
    let schemas = model.schemas;
    let constants = &constants;
    let components = &components;
    let context = Context {
        scope: &scope,
        constants,
        components,
    };
    let context = &context;
    // Blocks are independent: a large file's are checked on two threads, each half's
    // findings kept in source order.
    let halves = if to_check.len() >= PARALLEL_FROM {
        let second = to_check.split_off(to_check.len() / 2);
        let first = to_check;
        std::thread::scope(|threads| {
            let first = threads.spawn(|| check_blocks(first, &model, context, schemas));
            let second = check_blocks(second, &model, context, schemas);
            match first.join() {
                Ok(first) => vec![first, second],
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    } else {
        vec![check_blocks(to_check, &model, context, schemas)]
    };
    let mut references = Vec::new();
    let mut constant_uses = Vec::new();
    for half in halves {
        diagnostics.extend(half.diagnostics);
        references.extend(half.references);
        constant_uses.extend(half.constant_uses);
        for (id, component, fields) in half.checked {
            let entity = model.entity_mut(id);
            entity.component = component;
            entity.set_fields(fields);
        }
    }
    let (typed_diagnostics, typed_uses) = check_typed_constants(constants, &model);
    diagnostics.extend(typed_diagnostics);
    constant_uses.extend(typed_uses);
    references.extend(components.references.iter().cloned());
    constant_uses.extend(components.constant_uses.iter().copied());
    if !constants.is_empty() || !components.is_empty() {
        // What a constant's value or a component's block refers to is recorded at each of
        // its uses: once is enough.
        references.sort_by_key(|reference: &Reference| (reference.span.file, reference.span.start, reference.span.end));
        references.dedup_by_key(|reference| (reference.span, reference.target));
        constant_uses.extend(constants.uses_in_values());
        constant_uses.sort_by_key(|(used, _)| (used.file, used.start, used.end));
        constant_uses.dedup();
    }
    model.references = references;
    model.constant_uses = constant_uses;

    check_clusters(&model, &mut diagnostics);
    (model, diagnostics)
}

/// From this many declarations on, their blocks are checked on two threads.
const PARALLEL_FROM: usize = 2_000;

/// What checking a run of blocks found.
struct Checked {
    checked: Vec<(EntityId, Option<ComponentId>, model::WrittenFields)>,
    diagnostics: Vec<Diagnostic>,
    references: Vec<Reference>,
    constant_uses: Vec<(Span, Span)>,
}

/// Each constant that declares its type, checked against it where it is declared: the
/// findings, and the constants it met.
fn check_typed_constants(constants: &Constants, model: &Model) -> (Vec<Diagnostic>, Vec<(Span, Span)>) {
    let mut typer = Typer::new(model.schemas, Some(model));
    typer.constants = Some(constants);
    let mut typed: Vec<&constants::Constant> = constants.all().filter(|constant| constant.ty.is_some()).collect();
    typed.sort_by_key(|constant| (constant.name.span.file, constant.name.span.start));
    for constant in typed {
        if let Some(ty) = &constant.ty {
            typer.check(&constant.value, ty);
        }
    }
    (typer.diagnostics, typer.constant_uses)
}

/// What a declaration's block is checked in: the components in scope (the standard
/// library's and the user's) and the constants.
struct Context<'a> {
    scope: &'a Scope,
    constants: &'a Constants,
    components: &'a UserComponents,
}

/// Type-checks declarations' blocks against their kinds and components; an owned
/// declaration is dropped as soon as it is checked.
fn check_blocks<D: Borrow<ast::Decl>>(
    decls: Vec<(Option<EntityId>, KindId, D)>,
    model: &Model,
    context: &Context<'_>,
    schemas: &'static Schemas,
) -> Checked {
    let mut typer = Typer::new(schemas, Some(model));
    typer.constants = Some(context.constants);
    let mut checked = Vec::with_capacity(decls.len());
    for (id, kind, decl) in decls {
        let decl: &ast::Decl = decl.borrow();
        let definition = schemas.entity(kind);
        let from = decl
            .from
            .as_ref()
            .map(|from| context.from(from, kind, schemas, &mut typer.diagnostics));
        let (component, resolved, merged) = match &from {
            Some(From::User(user)) => (user.stdlib, !user.broken, Some(with_component(&decl.body.fields, user))),
            Some(From::Stdlib(component)) => (*component, component.is_some(), None),
            None => (None, true, None),
        };
        let owner = Owner {
            description: (&definition.name, &decl.name.text),
            span: decl.name.span,
            kind_name: &definition.name,
            // A block the parser recovered in, or a `from` that did not resolve, is known to
            // be incomplete: its missing fields would only repeat the real error.
            report_missing: !decl.body.recovered && resolved,
        };
        let inherited = component.map(|component| schemas.component(component).fields.as_slice());
        let fields = merged.as_deref().unwrap_or(&decl.body.fields);
        let fields = typer.check_declaration(&definition.shape, fields, inherited, &owner);
        if let Some(id) = id {
            checked.push((id, component, fields));
        }
    }
    Checked {
        checked,
        diagnostics: typer.diagnostics,
        references: typer.references,
        constant_uses: typer.constant_uses,
    }
}

/// What a declaration's `from` names.
enum From<'a> {
    User(&'a components::UserComponent),
    /// A standard-library component (none when it did not resolve, reported).
    Stdlib(Option<ComponentId>),
}

impl Context<'_> {
    fn from(&self, from: &ast::Ident, kind: KindId, schemas: &Schemas, diagnostics: &mut Vec<Diagnostic>) -> From<'_> {
        let Some(user) = self.components.get(&from.text) else {
            return From::Stdlib(self.scope.component(from, kind, schemas, diagnostics));
        };
        if user.kind != kind {
            let (component_kind, wanted) = (&schemas.entity(user.kind).name, &schemas.entity(kind).name);
            diagnostics.push(
                typeck::other_kind_component(from, component_kind, wanted).with_label(user.name.span, "the component"),
            );
            return From::Stdlib(None);
        }
        From::User(user)
    }
}

/// A declaration's fields with those of its user component that it does not set itself.
fn with_component(own: &[ast::Field], component: &components::UserComponent) -> Vec<ast::Field> {
    if component.broken {
        return own.to_vec();
    }
    components::fields_over(own.to_vec(), &component.fields)
}

/// Reads `@allow(CODE, "reason")` attributes; anything else is reported.
fn allows(attributes: &[ast::Attribute], diagnostics: &mut Vec<Diagnostic>) -> Vec<Allow> {
    let mut found = Vec::new();
    for attribute in attributes {
        if attribute.name.text != "allow" {
            diagnostics.push(
                Diagnostic::error(
                    Code::E0118,
                    format!("there is no attribute `@{}`", attribute.name.text),
                    attribute.name.span,
                    "unknown attribute",
                )
                .with_help("the one attribute is `@allow(CODE, \"reason\")`"),
            );
            continue;
        }
        let Some((code, code_span)) = allowed_code(attribute, diagnostics) else {
            continue;
        };
        let reason = match attribute.args.get(1).map(|arg| &arg.kind) {
            Some(ast::ExprKind::Str(reason)) if !reason.trim().is_empty() => reason.clone(),
            _ => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0119,
                        format!("`@allow({code})` gives no reason"),
                        attribute.span,
                        "no reason",
                    )
                    .with_help(format!(
                        "say why the rule does not apply here: `@allow({code}, \"...\")`"
                    )),
                );
                continue;
            }
        };
        if attribute.args.len() > 2 {
            diagnostics.push(Diagnostic::error(
                Code::E0118,
                "`@allow` takes a code and a reason",
                attribute.args[2].span,
                "extra argument",
            ));
        }
        found.push(Allow {
            code,
            reason,
            span: code_span.to(attribute.span),
        });
    }
    found
}

/// The code an `@allow` names first, when it is one that may be allowed.
fn allowed_code(attribute: &ast::Attribute, diagnostics: &mut Vec<Diagnostic>) -> Option<(Code, Span)> {
    match attribute.args.first().map(|arg| &arg.kind) {
        Some(ast::ExprKind::Name(name)) => match crate::diagnostic::Code::parse(&name.text) {
            Some(code) if crate::diagnostic::UNALLOWABLE.contains(&code) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0118,
                        format!(
                            "`{code}` cannot be allowed: what the build would write for it is refused by the program that reads it"
                        ),
                        name.span,
                        "cannot be allowed",
                    )
                    .with_help(format!("fix what {code} reports; `k8sc explain {code}` says how")),
                );
                None
            }
            Some(code) if code.as_str().starts_with("HA") => Some((code, name.span)),
            Some(code) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0118,
                        format!("`{code}` cannot be allowed: only the HA rules can be suppressed"),
                        name.span,
                        "not an HA rule",
                    )
                    .with_help("fix the error instead; syntax and type errors leave nothing to build"),
                );
                None
            }
            None => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0118,
                        format!("`{}` is not a diagnostic code", name.text),
                        name.span,
                        "unknown code",
                    )
                    .with_help("`k8sc explain --list` lists the codes"),
                );
                None
            }
        },
        _ => {
            diagnostics.push(
                Diagnostic::error(Code::E0118, "`@allow` names a code first", attribute.span, "no code")
                    .with_help("write `@allow(HA042, \"why this is acceptable here\")`"),
            );
            None
        }
    }
}

fn schema_outside_stdlib(span: Span, keyword: &str) -> Diagnostic {
    Diagnostic::error(
        Code::E0114,
        format!("`{keyword}` declarations belong to the standard library"),
        span,
        format!("`{keyword}` outside the standard library"),
    )
    .with_help("declare platform objects with the prelude's kinds (`node`, `app`, ...) and `from` a component")
}

/// A platform has a cluster (E0115), and in a platform of several each declaration
/// belongs to one (E0138, E0139).
fn check_clusters(model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    if model.clusters().next().is_none() {
        diagnostics.push(
            Diagnostic::error(
                Code::E0115,
                "the platform has no `cluster` declaration",
                Span::new(stdlib::USER_FILE, 0, 0),
                "no cluster declared in this file",
            )
            .with_help("declare one: `cluster NAME { version = \"1.36.3\"  node_subnet = 10.0.0.0/24 }`"),
        );
        return;
    }
    clusters::membership(model, diagnostics);
}

/// E0111: a `use` of a module the standard library does not have.
fn unknown_module(module_name: &ast::Ident) -> Diagnostic {
    Diagnostic::error(
        Code::E0111,
        format!("the standard library has no module `{}`", module_name.text),
        module_name.span,
        "unknown module",
    )
    .with_help(
        did_you_mean(&module_name.text, stdlib::modules())
            .unwrap_or_else(|| format!("the modules are: {}", stdlib::modules().collect::<Vec<_>>().join(", "))),
    )
}

/// The components a file's `use` items bring into scope.
struct Scope {
    components: HashMap<&'static str, ComponentId>,
    /// The names of the platform's own components, for "did you mean".
    user: Vec<String>,
}

impl Scope {
    fn build(module: &ast::Module, schemas: &'static Schemas, diagnostics: &mut Vec<Diagnostic>) -> Scope {
        let mut components = HashMap::default();
        for item in &module.items {
            let ast::Item::Use(ast::Use {
                target: ast::UseTarget::Module(path),
                ..
            }) = item
            else {
                continue;
            };
            let Some(module_name) = path.first() else {
                continue;
            };
            if !stdlib::modules().any(|name| name == module_name.text) {
                diagnostics.push(unknown_module(module_name));
                continue;
            }
            let in_module = schemas
                .components
                .iter()
                .enumerate()
                .filter(|(_, component)| component.module == module_name.text);
            match path.as_slice() {
                [_] => {
                    for (idx, component) in in_module {
                        components.insert(component.name.as_str(), ComponentId(crate::source::to_u32(idx)));
                    }
                }
                [_, wanted] => {
                    let found: Vec<(usize, &schema::ComponentDef)> = in_module.collect();
                    match found.iter().find(|(_, component)| component.name == wanted.text) {
                        Some((idx, component)) => {
                            components.insert(component.name.as_str(), ComponentId(crate::source::to_u32(*idx)));
                        }
                        None => diagnostics.push(
                            Diagnostic::error(
                                Code::E0111,
                                format!("module `{}` has no component `{}`", module_name.text, wanted.text),
                                wanted.span,
                                "unknown component",
                            )
                            .with_help(
                                did_you_mean(&wanted.text, found.iter().map(|(_, c)| c.name.as_str())).unwrap_or_else(
                                    || {
                                        format!(
                                            "its components are: {}",
                                            found
                                                .iter()
                                                .map(|(_, c)| c.name.as_str())
                                                .collect::<Vec<_>>()
                                                .join(", ")
                                        )
                                    },
                                ),
                            ),
                        ),
                    }
                }
                [_, _, extra, ..] => diagnostics.push(
                    Diagnostic::error(
                        Code::E0111,
                        "a `use` names a module or one component of it",
                        extra.span,
                        "unexpected path segment",
                    )
                    .with_help("write `use MODULE` or `use MODULE.COMPONENT`"),
                ),
                [] => {}
            }
        }
        let user = (module.items.iter())
            .filter_map(|item| match item {
                ast::Item::Component(component) => Some(component.name.text.to_string()),
                _ => None,
            })
            .collect();
        Scope { components, user }
    }

    /// The standard-library component in scope with this name.
    fn in_scope(&self, name: &str) -> Option<ComponentId> {
        self.components.get(name).copied()
    }

    /// Resolves `from NAME` for a declaration of `kind`.
    fn component(
        &self,
        from: &ast::Ident,
        kind: KindId,
        schemas: &Schemas,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<ComponentId> {
        let Some(&id) = self.components.get(from.text.as_str()) else {
            let anywhere = schemas.components.iter().find(|component| component.name == from.text);
            let help = match anywhere {
                Some(component) => format!("add `use {}` at the top of the file", component.module),
                None => {
                    let in_scope = self
                        .components
                        .keys()
                        .copied()
                        .chain(self.user.iter().map(String::as_str));
                    did_you_mean(&from.text, in_scope)
                        .or_else(|| did_you_mean(&from.text, schemas.components.iter().map(|c| c.name.as_str())))
                        .unwrap_or_else(|| {
                            "components come from the standard library's modules (`use` one) or your own \
                             `component` declarations"
                                .into()
                        })
                }
            };
            diagnostics.push(
                Diagnostic::error(
                    Code::E0112,
                    format!("no component `{}` in scope", from.text),
                    from.span,
                    "not in scope",
                )
                .with_help(help),
            );
            return None;
        };
        let component = schemas.component(id);
        if component.kind != kind {
            let (component_kind, wanted) = (&schemas.entity(component.kind).name, &schemas.entity(kind).name);
            diagnostics.push(typeck::other_kind_component(from, component_kind, wanted));
            return None;
        }
        Some(id)
    }
}
