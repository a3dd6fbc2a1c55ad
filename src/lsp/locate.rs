//! What sits at an offset of a document: a declaration's kind or name, a field (with the
//! schema it belongs to), a value, a reference. Works on whatever parsed, so a file with
//! errors keeps hover, completion and navigation on its good parts.

use crate::semantic::schema::{FieldDef, Shape, Type};
use crate::semantic::{EntityId, Model, Schemas};
use crate::source::{FileId, Span};
use crate::syntax::ast;

/// The thing under the cursor.
#[derive(Debug, Clone)]
pub enum Found<'a> {
    /// The kind keyword of a declaration (`node`).
    Kind(&'a ast::Decl),
    /// The name of a declaration.
    Name(&'a ast::Decl),
    /// A field name, with its definition when the schema knows it.
    FieldName { definition: Option<&'a FieldDef> },
    /// A value (not a reference), with the type its field expects.
    Value { expr: &'a ast::Expr, ty: Option<&'a Type> },
    /// A reference to a declaration.
    Reference { target: EntityId },
    /// Inside a block, between fields: a new field may start here.
    Block {
        shape: Option<&'a Shape>,
        present: Vec<&'a str>,
    },
    /// Outside every declaration.
    TopLevel,
}

/// The declaration of `file` whose span holds `offset`.
pub fn decl_at(module: &ast::Module, file: FileId, offset: usize) -> Option<&ast::Decl> {
    module.items.iter().find_map(|item| match item {
        ast::Item::Decl(decl) if decl.span.file == file && decl.span.contains(offset) => Some(&**decl),
        _ => None,
    })
}

/// The shape of a declaration kind.
pub fn shape_of<'s>(schemas: &'s Schemas, kind: &str) -> Option<&'s Shape> {
    schemas.kind(kind).map(|kind| &schemas.entity(kind).shape)
}

/// The record shape a type holds (directly or as list items), if any.
fn record_shape<'s>(schemas: &'s Schemas, ty: &Type) -> Option<&'s Shape> {
    match ty {
        Type::Record(id) => Some(&schemas.record(*id).shape),
        Type::List(inner) => record_shape(schemas, inner),
        _ => None,
    }
}

/// What sits at `offset` of `file`.
pub fn locate<'a>(module: &'a ast::Module, model: &'a Model, file: FileId, offset: usize) -> Found<'a> {
    if let Some(reference) = model
        .references
        .iter()
        .find(|r| r.span.file == file && r.span.contains(offset) && r.span.end as usize != offset)
    {
        return Found::Reference {
            target: reference.target,
        };
    }
    let Some(decl) = decl_at(module, file, offset) else {
        return Found::TopLevel;
    };
    if decl.kind.span.contains(offset) {
        return Found::Kind(decl);
    }
    if decl.name.span.contains(offset) {
        return Found::Name(decl);
    }
    let shape = shape_of(model.schemas, &decl.kind.text);
    // Inside `at NS { ... }`: the same kind's fields.
    if let Some(at) = decl.body.at.iter().find(|at| at.body.span.contains(offset)) {
        return in_fields(model.schemas, &at.body.fields, shape, offset);
    }
    in_fields(model.schemas, &decl.body.fields, shape, offset)
}

fn in_fields<'a>(schemas: &'a Schemas, fields: &'a [ast::Field], shape: Option<&'a Shape>, offset: usize) -> Found<'a> {
    for field in fields {
        let definition = shape.and_then(|shape| shape.field(&field.name.text));
        if field.name.span.contains(offset) {
            return Found::FieldName { definition };
        }
        if field.value.span.contains(offset) {
            return in_value(schemas, &field.value, definition.map(|d| &d.ty), offset);
        }
    }
    Found::Block {
        shape,
        present: fields.iter().map(|field| field.name.text.as_str()).collect(),
    }
}

fn in_value<'a>(schemas: &'a Schemas, expr: &'a ast::Expr, ty: Option<&'a Type>, offset: usize) -> Found<'a> {
    match &expr.kind {
        ast::ExprKind::Record(record) => {
            let inner_shape = ty.and_then(|ty| record_shape(schemas, ty));
            in_fields(schemas, &record.fields, inner_shape, offset)
        }
        ast::ExprKind::List(list) => {
            let item_ty = match ty {
                Some(Type::List(inner)) => Some(inner.as_ref()),
                _ => None,
            };
            match list.items.iter().find(|item| item.span.contains(offset)) {
                Some(item) => in_value(schemas, item, item_ty, offset),
                None => Found::Value { expr, ty: item_ty },
            }
        }
        _ => Found::Value { expr, ty },
    }
}

/// The constant at `offset` of `file` (a use of it, or the name its `let` declares): the
/// span of the name its `let` declares.
pub fn constant_at(module: &ast::Module, model: &Model, file: FileId, offset: usize) -> Option<Span> {
    let used = (model.constant_uses.iter())
        .find(|(used, _)| used.file == file && used.contains(offset) && used.end as usize != offset);
    if let Some((_, declared)) = used {
        return Some(*declared);
    }
    module.items.iter().find_map(|item| match item {
        ast::Item::Let(constant) if constant.name.span.file == file && constant.name.span.contains(offset) => {
            Some(constant.name.span)
        }
        _ => None,
    })
}

/// The `let` that declares the name at `name`.
pub fn let_at(module: &ast::Module, name: Span) -> Option<&ast::Let> {
    module.items.iter().find_map(|item| match item {
        ast::Item::Let(constant) if constant.name.span == name => Some(&**constant),
        _ => None,
    })
}
