//! The standard library: k8sc source files embedded in the binary, loaded once.
//!
//! The prelude declares every enum, record and entity schema; the other modules declare
//! components. Loading builds [`Schemas`], the one source of truth for fields, types,
//! defaults and doc comments.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use super::schema::{
    BUILTIN_TYPES, ComponentDef, EntityDef, EnumDef, EnumId, FieldDef, KindId, LAYERS, Named, Range, RecordDef,
    RecordId, Schemas, Shape, Type, Variant,
};
use super::typeck::{Completion, Owner, Typer};
use super::value;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, ast};

/// One embedded file of the standard library.
pub struct StdlibFile {
    /// The module name a `use` names: `monitoring`.
    pub module: &'static str,
    /// The path shown in diagnostics and hovers.
    pub path: &'static str,
    pub text: &'static str,
}

/// The standard library's files; their position is their [`FileId`].
pub const FILES: &[StdlibFile] = &[
    StdlibFile {
        module: "prelude",
        path: "stdlib/prelude.k8s",
        text: include_str!("../../stdlib/prelude.k8s"),
    },
    StdlibFile {
        module: "ingress",
        path: "stdlib/ingress.k8s",
        text: include_str!("../../stdlib/ingress.k8s"),
    },
    StdlibFile {
        module: "monitoring",
        path: "stdlib/monitoring.k8s",
        text: include_str!("../../stdlib/monitoring.k8s"),
    },
    StdlibFile {
        module: "logging",
        path: "stdlib/logging.k8s",
        text: include_str!("../../stdlib/logging.k8s"),
    },
    StdlibFile {
        module: "registry",
        path: "stdlib/registry.k8s",
        text: include_str!("../../stdlib/registry.k8s"),
    },
    StdlibFile {
        module: "data",
        path: "stdlib/data.k8s",
        text: include_str!("../../stdlib/data.k8s"),
    },
];

/// The file id the user's file gets, after the standard library's.
#[expect(
    clippy::cast_possible_truncation,
    reason = "the standard library has a handful of files"
)]
pub const USER_FILE: FileId = FileId(FILES.len() as u32);

/// The loaded standard library.
pub struct Stdlib {
    pub schemas: Schemas,
    /// Problems in the standard library itself; a test keeps this empty.
    pub diagnostics: Vec<Diagnostic>,
}

static STDLIB: OnceLock<Stdlib> = OnceLock::new();

/// The standard library, loaded on first use.
pub fn stdlib() -> &'static Stdlib {
    STDLIB.get_or_init(load)
}

/// A source map holding the standard library's files, ready for the user's file.
pub fn source_map() -> SourceMap {
    let mut map = SourceMap::default();
    for file in FILES {
        map.add(SourceFile::new(file.path, file.text));
    }
    map
}

/// The module names `use` accepts.
pub fn modules() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|file| file.module)
}

/// The doc comment (`##` lines) right above `offset`, joined with spaces.
pub fn doc_before(comments: &[ast::Comment], text: &str, offset: usize) -> String {
    let mut lines = Vec::new();
    let mut cursor = offset;
    let end = comments.partition_point(|comment| (comment.span.end as usize) <= offset);
    for comment in comments[..end].iter().rev() {
        let gap = text.get(comment.span.end as usize..cursor).unwrap_or("");
        if !comment.is_doc() || !gap.trim().is_empty() || gap.matches('\n').count() > 1 {
            break;
        }
        lines.push(comment.text.trim_start_matches('#').trim());
        cursor = comment.span.start as usize;
    }
    lines.reverse();
    lines.join(" ")
}

fn load() -> Stdlib {
    let mut loader = Loader::default();
    let mut parsed = Vec::new();
    for (idx, file) in FILES.iter().enumerate() {
        let file_id = FileId(crate::source::to_u32(idx));
        let (module, errors) = syntax::parse(file_id, file.text);
        loader
            .diagnostics
            .extend(errors.iter().map(syntax::SyntaxError::to_diagnostic));
        parsed.push((file, module));
    }
    for (file, module) in &parsed {
        loader.declare_types(file, module);
    }
    for (file, module) in &parsed {
        loader.define_fields(file, module);
    }
    loader.check_defaults();
    for (file, module) in &parsed {
        loader.define_components(file, module);
    }
    Stdlib {
        schemas: loader.schemas,
        diagnostics: loader.diagnostics,
    }
}

#[derive(Default)]
struct Loader {
    schemas: Schemas,
    diagnostics: Vec<Diagnostic>,
    /// Each schema's default expressions, checked once every type is known.
    pending_defaults: Vec<(Named, usize, ast::Expr)>,
}

impl Loader {
    fn name(&mut self, name: &ast::Ident, named: Named) {
        if self.schemas.names.contains_key(name.text.as_str())
            || BUILTIN_TYPES.iter().any(|(builtin, _)| *builtin == name.text)
        {
            self.diagnostics.push(Diagnostic::error(
                Code::E0104,
                format!("the type `{}` is declared twice", name.text),
                name.span,
                "declared again here",
            ));
            return;
        }
        self.schemas.names.insert(name.text.to_string(), named);
    }

    /// First pass: every enum, record and entity name, so fields can refer to any of them.
    fn declare_types(&mut self, file: &StdlibFile, module: &ast::Module) {
        for item in &module.items {
            let doc = doc_before(&module.comments, file.text, item.span().start as usize);
            match item {
                ast::Item::Enum(decl) => {
                    let id = EnumId(crate::source::to_u32(self.schemas.enums.len()));
                    let variants = decl
                        .variants
                        .iter()
                        .map(|variant| Variant {
                            name: Box::leak(variant.text.as_str().into()),
                            doc: doc_before(&module.comments, file.text, variant.span.start as usize),
                            span: variant.span,
                        })
                        .collect();
                    self.schemas.enums.push(EnumDef {
                        name: decl.name.text.to_string(),
                        variants,
                        doc,
                        span: decl.name.span,
                    });
                    self.name(&decl.name, Named::Enum(id));
                }
                ast::Item::Schema(schema) if schema.keyword == ast::SchemaKeyword::Entity => {
                    let layer_name = schema.layer.as_ref().map_or("", |layer| layer.text.as_str());
                    let Some(layer) = LAYERS.iter().copied().find(|layer| *layer == layer_name) else {
                        let span = schema.layer.as_ref().map_or(schema.name.span, |layer| layer.span);
                        self.diagnostics.push(Diagnostic::error(
                            Code::E0110,
                            format!("`{layer_name}` is not a layer"),
                            span,
                            "not a layer",
                        ));
                        continue;
                    };
                    let id = KindId(crate::source::to_u32(self.schemas.entities.len()));
                    self.schemas.entities.push(EntityDef {
                        name: schema.name.text.to_string(),
                        layer,
                        shape: Shape::default(),
                        doc,
                        span: schema.name.span,
                    });
                    self.name(&schema.name, Named::Entity(id));
                }
                ast::Item::Schema(schema) => {
                    let id = RecordId(crate::source::to_u32(self.schemas.records.len()));
                    self.schemas.records.push(RecordDef {
                        name: schema.name.text.to_string(),
                        shape: Shape::default(),
                        doc,
                        span: schema.name.span,
                    });
                    self.name(&schema.name, Named::Record(id));
                }
                ast::Item::Use(_) | ast::Item::Decl(_) | ast::Item::Component(_) | ast::Item::Let(_) => {}
            }
        }
    }

    /// Second pass: the fields of every record and entity, with resolved types.
    fn define_fields(&mut self, file: &StdlibFile, module: &ast::Module) {
        for item in &module.items {
            let ast::Item::Schema(schema) = item else { continue };
            let Some(&named) = self.schemas.names.get(schema.name.text.as_str()) else {
                continue;
            };
            for field in &schema.fields {
                let (own, optional) = match &field.ty.kind {
                    ast::TypeExprKind::Optional(inner) => (inner.as_ref(), true),
                    _ => (&field.ty, false),
                };
                let (ty, range) = match &own.kind {
                    ast::TypeExprKind::Ranged { base, min, max } => match self.ranged(base, min, max) {
                        Some((ty, range)) => (Some(ty), Some(range)),
                        None => (None, None),
                    },
                    _ => (self.resolve_type(own), None),
                };
                let Some(ty) = ty else { continue };
                let definition = FieldDef {
                    name: field.name.text.to_string(),
                    ty,
                    range,
                    optional,
                    default: None,
                    doc: doc_before(&module.comments, file.text, field.span.start as usize),
                    span: field.name.span,
                };
                let shape = match named {
                    Named::Entity(kind) => &mut self.schemas.entities[kind.0 as usize].shape,
                    Named::Record(id) => &mut self.schemas.records[id.0 as usize].shape,
                    Named::Enum(_) => continue,
                };
                let position = shape.fields.len();
                if !shape.push(definition) {
                    self.diagnostics.push(Diagnostic::error(
                        Code::E0105,
                        format!("field `{}` is declared twice", field.name.text),
                        field.name.span,
                        "declared again here",
                    ));
                    continue;
                }
                if let Some(default) = &field.default {
                    self.pending_defaults.push((named, position, default.clone()));
                }
            }
        }
    }

    fn resolve_type(&mut self, ty: &ast::TypeExpr) -> Option<Type> {
        match &ty.kind {
            ast::TypeExprKind::Named(name) => match self.schemas.named_type(&name.text) {
                Some(ty) => Some(ty),
                None => self.unknown_type(name),
            },
            ast::TypeExprKind::Union(names) => {
                let mut kinds = Vec::new();
                for name in names {
                    match self.schemas.names.get(name.text.as_str()) {
                        Some(Named::Entity(kind)) => kinds.push(*kind),
                        _ => return self.unknown_type(name),
                    }
                }
                Some(Type::Ref(kinds))
            }
            ast::TypeExprKind::List(inner) => self.resolve_type(inner).map(|inner| Type::List(Box::new(inner))),
            ast::TypeExprKind::Map(inner) => self.resolve_type(inner).map(|inner| Type::Map(Box::new(inner))),
            ast::TypeExprKind::Optional(inner) => {
                self.diagnostics.push(Diagnostic::error(
                    Code::E0106,
                    "`?` marks a whole field optional and cannot appear inside a type",
                    inner.span,
                    "nested `?`",
                ));
                None
            }
            ast::TypeExprKind::Ranged { .. } => {
                self.diagnostics.push(Diagnostic::error(
                    Code::E0106,
                    "bounds apply to a field's own type, not inside `list<...>` or `map<...>`",
                    ty.span,
                    "bounds inside a type",
                ));
                None
            }
        }
    }

    /// `int<1..254>` and the like: a number type and its bounds in the value's unit.
    fn ranged(&mut self, base: &ast::Ident, min: &Option<String>, max: &Option<String>) -> Option<(Type, Range)> {
        let parse: fn(&str) -> Result<i128, String> = match base.text.as_str() {
            "int" => |text| text.parse::<i64>().map(i128::from).map_err(|err| err.to_string()),
            "duration" => |text| value::parse_duration(text).map(i128::from),
            "quantity" => |text| value::parse_quantity(text).map(i128::from),
            "cpu" => |text| value::parse_cpu(text).map(i128::from),
            _ => {
                self.diagnostics.push(Diagnostic::error(
                    Code::E0106,
                    format!(
                        "`{}` takes no bounds: only int, duration, quantity and cpu do",
                        base.text
                    ),
                    base.span,
                    "bounds on a type without order",
                ));
                return None;
            }
        };
        let mut bound = |text: &Option<String>| -> Result<Option<i128>, ()> {
            match text.as_deref().map(parse) {
                None => Ok(None),
                Some(Ok(number)) => Ok(Some(number)),
                Some(Err(why)) => {
                    self.diagnostics.push(Diagnostic::error(
                        Code::E0106,
                        format!("a bound of `{}` {why}", base.text),
                        base.span,
                        "bad bound",
                    ));
                    Err(())
                }
            }
        };
        let (low, high) = (bound(min).ok()?, bound(max).ok()?);
        let ty = self.resolve_type(&ast::TypeExpr {
            kind: ast::TypeExprKind::Named(base.clone()),
            span: base.span,
        })?;
        Some((
            ty,
            Range {
                min: low,
                max: high,
                text: format!(
                    "{}..{}",
                    min.as_deref().unwrap_or_default(),
                    max.as_deref().unwrap_or_default()
                ),
            },
        ))
    }

    fn unknown_type(&mut self, name: &ast::Ident) -> Option<Type> {
        self.diagnostics.push(Diagnostic::error(
            Code::E0108,
            format!("no type named `{}`", name.text),
            name.span,
            "unknown type",
        ));
        None
    }

    /// Third pass: defaults, records first so entity defaults can use record defaults.
    fn check_defaults(&mut self) {
        let mut pending = std::mem::take(&mut self.pending_defaults);
        pending.sort_by_key(|(named, _, _)| !matches!(named, Named::Record(_)));
        for (named, position, expr) in pending {
            let shape = match named {
                Named::Entity(kind) => &self.schemas.entity(kind).shape,
                Named::Record(id) => &self.schemas.record(id).shape,
                Named::Enum(_) => continue,
            };
            let Some(ty) = shape.fields.get(position).map(|field| field.ty.clone()) else {
                continue;
            };
            let mut typer = Typer::new(&self.schemas, None);
            let value = typer.check(&expr, &ty);
            self.diagnostics.extend(typer.diagnostics);
            let shape = match named {
                Named::Entity(kind) => &mut self.schemas.entities[kind.0 as usize].shape,
                Named::Record(id) => &mut self.schemas.records[id.0 as usize].shape,
                Named::Enum(_) => continue,
            };
            if let Some(field) = shape.fields.get_mut(position) {
                field.default = value.map(|value| super::value::FieldValue {
                    value,
                    origin: super::value::Origin::Default,
                });
            }
        }
    }

    /// Last pass: components, checked (partially) against their entity's schema.
    fn define_components(&mut self, file: &StdlibFile, module: &ast::Module) {
        let mut seen: HashMap<String, Span> = HashMap::default();
        for component in &self.schemas.components {
            seen.insert(component.name.clone(), component.span);
        }
        for item in &module.items {
            let ast::Item::Component(component) = item else {
                continue;
            };
            let Some(kind) = self.schemas.kind(&component.kind.text) else {
                self.diagnostics.push(Diagnostic::error(
                    Code::E0101,
                    format!("no entity kind `{}`", component.kind.text),
                    component.kind.span,
                    "unknown kind",
                ));
                continue;
            };
            if seen
                .insert(component.name.text.to_string(), component.name.span)
                .is_some()
            {
                self.diagnostics.push(Diagnostic::error(
                    Code::E0104,
                    format!("the component `{}` is declared twice", component.name.text),
                    component.name.span,
                    "declared again here",
                ));
                continue;
            }
            let definition = self.schemas.entity(kind);
            let owner = Owner {
                description: ("component", &component.name.text),
                span: component.name.span,
                kind_name: &definition.name,
                report_missing: false,
            };
            let mut typer = Typer::new(&self.schemas, None);
            let fields = typer.check_fields(
                &definition.shape,
                &component.body.fields,
                None,
                &owner,
                Completion::Partial,
            );
            let diagnostics = typer.diagnostics;
            self.diagnostics.extend(diagnostics);
            self.schemas.components.push(ComponentDef {
                name: component.name.text.to_string(),
                module: file.module.to_string(),
                kind,
                fields,
                doc: doc_before(&module.comments, file.text, component.span.start as usize),
                span: component.name.span,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_library_loads_without_a_diagnostic() {
        let stdlib = stdlib();
        assert!(stdlib.diagnostics.is_empty(), "{:#?}", stdlib.diagnostics);
        assert_eq!(stdlib.schemas.entity(crate::semantic::views::NodeId::KIND).name, "node");
        let names: Vec<&str> = stdlib.schemas.components.iter().map(|c| c.name.as_str()).collect();
        for required in [
            "traefik",
            "nginx",
            "harbor",
            "prometheus",
            "grafana",
            "elasticsearch",
            "filebeat",
            "kibana",
            "redis",
        ] {
            assert!(names.contains(&required), "missing component {required}");
        }
    }

    /// Hovers and the schema reference show these docs: none may be missing.
    #[test]
    fn every_schema_field_and_component_is_documented() {
        let schemas = &stdlib().schemas;
        let mut undocumented = Vec::new();
        for entity in &schemas.entities {
            if entity.doc.is_empty() {
                undocumented.push(entity.name.clone());
            }
            for field in &entity.shape.fields {
                if field.doc.is_empty() {
                    undocumented.push(format!("{}.{}", entity.name, field.name));
                }
            }
        }
        for record in &schemas.records {
            for field in &record.shape.fields {
                if field.doc.is_empty() {
                    undocumented.push(format!("{}.{}", record.name, field.name));
                }
            }
        }
        undocumented.extend(
            schemas
                .enums
                .iter()
                .filter(|e| e.doc.is_empty())
                .map(|e| e.name.clone()),
        );
        undocumented.extend(
            schemas
                .components
                .iter()
                .filter(|c| c.doc.is_empty())
                .map(|c| c.name.clone()),
        );
        assert!(undocumented.is_empty(), "undocumented: {undocumented:?}");
    }

    #[test]
    fn doc_comments_attach_to_fields() {
        let schemas = &stdlib().schemas;
        let node = schemas.entity(crate::semantic::views::NodeId::KIND);
        let address = (node.shape.fields.iter())
            .find(|field| field.name == "address")
            .map(|field| field.doc.as_str());
        assert_eq!(address, Some("The node's IPv4 address on the node subnet."));
    }
}
