//! Constants: `let NAME [: TYPE] = VALUE` at the top level of any file of a platform.
//!
//! A constant is one value, typed where it is used (and where it is declared, when it
//! says its type). A bare name in a value position is a constant before anything else;
//! a constant may not be named like a declaration, nor be used where its name is also a
//! variant of the enum expected (E0130), so that order never decides anything. `\(NAME)` in a string puts in a constant's text.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Model;
use super::schema::{Schemas, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::{self, Expr, ExprKind, Ident, Name, Piece};

/// One constant as declared.
#[derive(Debug, Clone)]
pub struct Constant {
    pub name: Ident,
    /// The type it declares, when it declares one that resolved.
    pub ty: Option<Type>,
    pub value: Expr,
}

/// What a name is, among the constants.
pub enum Lookup<'c> {
    Found(&'c Constant),
    /// A constant that is reported already (a cycle, a clash): its uses say nothing more.
    Broken,
    NotConstant,
}

/// Every constant of a platform.
#[derive(Debug, Default)]
pub struct Constants {
    by_name: HashMap<Name, Constant>,
    broken: HashSet<Name>,
}

impl Constants {
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty() && self.broken.is_empty()
    }

    pub fn lookup(&self, name: &str) -> Lookup<'_> {
        if self.broken.contains(name) {
            return Lookup::Broken;
        }
        match self.by_name.get(name) {
            Some(constant) => Lookup::Found(constant),
            None => Lookup::NotConstant,
        }
    }

    /// Every constant that is not broken.
    pub fn all(&self) -> impl Iterator<Item = &Constant> {
        self.by_name.values()
    }

    /// The uses of constants inside constants' own values, whether or not anything uses
    /// them: (use, the used constant's name where declared).
    pub fn uses_in_values(&self) -> Vec<(crate::source::Span, crate::source::Span)> {
        let mut found = Vec::new();
        for constant in self.by_name.values() {
            let mut names = Vec::new();
            names_in(&constant.value, &mut names);
            for name in names {
                if let Some(used) = self.by_name.get(&name.text) {
                    found.push((name.span, used.name.span));
                }
            }
        }
        found
    }

    /// Every constant's name, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(|name| name.as_str())
    }

    /// The constants of a module: each declared once (E0131), named like no declaration
    /// (E0130), and not defined in terms of itself (E0131).
    pub fn collect(module: &ast::Module, model: &Model, diagnostics: &mut Vec<Diagnostic>) -> Constants {
        let schemas = model.schemas;
        let mut constants = Constants::default();
        for item in &module.items {
            let ast::Item::Let(constant) = item else { continue };
            let name = &constant.name;
            if let Some(first) = constants.by_name.get(&name.text) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0131,
                        format!("the constant `{}` is defined twice", name.text),
                        name.span,
                        "defined again here",
                    )
                    .with_label(first.name.span, "first defined here")
                    .with_help("a constant is one value: rename one of them, or drop one"),
                );
                constants.broken.insert(name.text.clone());
                continue;
            }
            if let Some(clash) = clash(schemas, model, &name.text) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0130,
                        format!("the constant `{}` has the name of {clash}", name.text),
                        name.span,
                        "would shadow it",
                    )
                    .with_help("a bare name means a constant first: give the constant a name of its own"),
                );
                constants.broken.insert(name.text.clone());
                continue;
            }
            let ty = constant
                .ty
                .as_ref()
                .and_then(|ty| resolve_type(schemas, ty, diagnostics));
            constants.by_name.insert(
                name.text.clone(),
                Constant {
                    name: name.clone(),
                    ty,
                    value: constant.value.clone(),
                },
            );
        }
        for name in &constants.broken {
            constants.by_name.remove(name);
        }
        constants.break_cycles(diagnostics);
        constants
    }

    /// E0131 for each cycle of constants defined in terms of each other; they are broken.
    fn break_cycles(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let mut names: Vec<&Name> = self.by_name.keys().collect();
        names.sort();
        let mut done: HashSet<Name> = HashSet::default();
        let mut broken = Vec::new();
        for start in names {
            if done.contains(start) {
                continue;
            }
            // Depth first, iteratively: the path from `start`, and each one's uses still to visit.
            let mut path: Vec<(&Name, Vec<&Ident>)> = vec![(start, self.uses(start))];
            while let Some((_, pending)) = path.last_mut() {
                let Some(next) = pending.pop() else {
                    if let Some((finished, _)) = path.pop() {
                        done.insert(finished.clone());
                    }
                    continue;
                };
                if let Some(at) = path.iter().position(|(name, _)| **name == next.text) {
                    let cycle: Vec<&Name> = path[at..].iter().map(|(name, _)| *name).collect();
                    diagnostics.push(self.cycle(&cycle, next));
                    broken.extend(cycle.into_iter().cloned());
                    continue;
                }
                if done.contains(&next.text) {
                    continue;
                }
                if let Some((name, _)) = self.by_name.get_key_value(&next.text) {
                    path.push((name, self.uses(name)));
                }
            }
        }
        for name in broken {
            self.by_name.remove(&name);
            self.broken.insert(name);
        }
    }

    /// The constants a constant's value names, last first.
    fn uses(&self, name: &Name) -> Vec<&Ident> {
        let mut found = Vec::new();
        if let Some(constant) = self.by_name.get(name) {
            names_in(&constant.value, &mut found);
        }
        found.retain(|ident| self.by_name.contains_key(&ident.text));
        found.reverse();
        found
    }

    fn cycle(&self, cycle: &[&Name], closing: &Ident) -> Diagnostic {
        let mut shown: Vec<String> = cycle.iter().map(|name| format!("`{name}`")).collect();
        shown.push(format!("`{}`", closing.text));
        let mut diagnostic = Diagnostic::error(
            Code::E0131,
            format!(
                "the constant `{}` is defined in terms of itself: {}",
                closing.text,
                shown.join(" uses ")
            ),
            closing.span,
            "uses itself through this",
        );
        if let Some(first) = self.by_name.get(closing.text.as_str()) {
            diagnostic = diagnostic.with_label(first.name.span, "defined here");
        }
        diagnostic.with_help("a constant is one value, written out: give one of them its value directly")
    }
}

/// Every bare name and interpolated name in a value, in order.
fn names_in<'e>(expr: &'e Expr, found: &mut Vec<&'e Ident>) {
    match &expr.kind {
        ExprKind::Name(name) => found.push(name),
        ExprKind::Interpolated(pieces) => found.extend(pieces.iter().filter_map(|piece| match piece {
            Piece::Name(name) => Some(name),
            Piece::Text(_) => None,
        })),
        ExprKind::List(list) => list.items.iter().for_each(|item| names_in(item, found)),
        ExprKind::Record(record) => record.fields.iter().for_each(|field| names_in(&field.value, found)),
        ExprKind::Call(call) => call.args.iter().for_each(|arg| names_in(arg, found)),
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Ipv4(_) | ExprKind::Cidr(_) | ExprKind::Bool(_) => {}
    }
}

/// The declaration a constant's name would shadow, of any kind. (An enum variant is
/// reported where a use expects that enum: see the type checker.)
fn clash(schemas: &Schemas, model: &Model, name: &str) -> Option<String> {
    for kind in (0..schemas.entities.len()).map(|idx| super::KindId(crate::source::to_u32(idx))) {
        if model.lookup(kind, name).is_some() {
            return Some(format!("the {} `{name}`", schemas.entity(kind).name));
        }
    }
    None
}

/// A constant's declared type: a builtin, an enum, a record or an entity (a reference),
/// or a list or map of one.
fn resolve_type(schemas: &Schemas, ty: &ast::TypeExpr, diagnostics: &mut Vec<Diagnostic>) -> Option<Type> {
    match &ty.kind {
        ast::TypeExprKind::Named(name) => {
            let found = schemas.named_type(&name.text);
            if found.is_none() {
                diagnostics.push(Diagnostic::error(
                    Code::E0108,
                    format!("no type named `{}`", name.text),
                    name.span,
                    "unknown type",
                ));
            }
            found
        }
        ast::TypeExprKind::List(inner) => {
            resolve_type(schemas, inner, diagnostics).map(|inner| Type::List(Box::new(inner)))
        }
        ast::TypeExprKind::Map(inner) => {
            resolve_type(schemas, inner, diagnostics).map(|inner| Type::Map(Box::new(inner)))
        }
        ast::TypeExprKind::Union(_) | ast::TypeExprKind::Optional(_) | ast::TypeExprKind::Ranged { .. } => {
            diagnostics.push(Diagnostic::error(
                Code::E0106,
                "a constant's type is one type: a builtin, an enum, a record, a kind, or a list or map of one",
                ty.span,
                "not a constant's type",
            ));
            None
        }
    }
}
