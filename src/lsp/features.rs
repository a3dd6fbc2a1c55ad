//! The request handlers. Each reads the document's latest compilation.

use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionItem, CompletionItemKind,
    CompletionParams, CompletionResponse, DocumentFormattingParams, DocumentSymbol, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location,
    MarkupContent, MarkupKind, Position, Range, ReferenceParams, RenameParams, SymbolKind, TextEdit, WorkspaceEdit,
};
use serde_json::Value;

use super::locate::{Found, constant_at, decl_at, let_at, locate, shape_of};
use super::{Answer, Document, Server, components};
use crate::platform::{Secrets, quorum, router_ids, tolerance};
use crate::semantic::display::value_text;
use crate::semantic::schema::{FieldDef, Type};
use crate::semantic::typeck::example_value;
use crate::semantic::views::{ClusterId, NodeId, VipGroupId};
use crate::semantic::{EntityId, Model};
use crate::syntax::ast;

fn json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value).map_err(|err| (ErrorCode::InternalError, err.to_string()))
}

fn markdown(text: String) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: None,
    }
}

fn field_signature(model: &Model, definition: &FieldDef) -> String {
    let schemas = model.schemas;
    let mut signature = format!("{}: {}", definition.name, definition.type_text(schemas));
    if definition.optional {
        signature.push('?');
    }
    if let Some(default) = &definition.default {
        signature.push_str(&format!(
            " = {}",
            value_text(schemas, None, &definition.ty, &default.value.value)
        ));
    }
    signature
}

pub fn hover(server: &Server, params: HoverParams) -> Answer {
    let position = params.text_document_position_params;
    let document = server.document(&position.text_document.uri)?;
    let module = &document.compilation.module;
    let model = &document.compilation.model;
    let offset = document.offset(position.position);
    if let Some(declared) = constant_at(module, model, document.own, offset) {
        return json(constant_hover(document, declared).map(markdown));
    }
    if let Some(name) = components::component_at(module, document.own, offset) {
        return json(components::hover(module, &document.compilation.sources, &name.text).map(markdown));
    }
    let text = match locate(module, model, document.own, offset) {
        Found::FieldName {
            definition: Some(definition),
        } => Some(format!(
            "```k8s\n{}\n```\n\n{}",
            field_signature(model, definition),
            definition.doc
        )),
        Found::Kind(decl) => model.schemas.kind(&decl.kind.text).map(|kind| {
            let entity = model.schemas.entity(kind);
            format!(
                "```k8s\nentity {} in {}\n```\n\n{}",
                entity.name, entity.layer, entity.doc
            )
        }),
        Found::Name(decl) => {
            let described = (model.schemas.kind(&decl.kind.text))
                .and_then(|kind| model.lookup(kind, &decl.name.text))
                .map(|id| describe(&document.compilation, id))
                .or_else(|| instances(model, decl));
            // Where the fields it leaves out come from, when it is from a component of yours.
            let inherited = (decl.from.as_ref())
                .and_then(|from| components::hover(module, &document.compilation.sources, &from.text));
            match (described, inherited) {
                (Some(described), Some(inherited)) => Some(format!("{described}\n\n{inherited}")),
                (described, _) => described,
            }
        }
        Found::Reference { target } => Some(describe(&document.compilation, target)),
        Found::Value {
            expr,
            ty: Some(Type::Enum(id)),
        } => match &expr.kind {
            ast::ExprKind::Name(name) => {
                let definition = model.schemas.enum_def(*id);
                definition.variants.iter().find(|v| v.name == name.text).map(|variant| {
                    format!(
                        "```k8s\n{}.{}\n```\n\n{}",
                        definition.name,
                        variant.name,
                        if variant.doc.is_empty() {
                            &definition.doc
                        } else {
                            &variant.doc
                        }
                    )
                })
            }
            _ => None,
        },
        _ => None,
    };
    json(text.map(markdown))
}

/// A pool's or a per-namespace declaration's hover: the declarations it makes.
fn instances(model: &Model, decl: &ast::Decl) -> Option<String> {
    let kind = model.schemas.kind(&decl.kind.text)?;
    let made: Vec<&str> = (model.of_kind(kind).iter())
        .map(|id| model.entity(*id))
        .filter(|entity| entity.name_span == decl.name.span)
        .map(|entity| entity.name.as_str())
        .collect();
    let (head, what) = match (&decl.pool, &decl.per_namespace) {
        (Some(pool), _) => (
            format!("{} {}[{}..{}]", decl.kind.text, decl.name.text, pool.from, pool.to),
            "a pool",
        ),
        (None, Some(_)) => (
            format!("{} {}[...]", decl.kind.text, decl.name.text),
            "one per namespace",
        ),
        (None, None) => return None,
    };
    let shown: Vec<String> = made.iter().take(12).map(|name| format!("`{name}`")).collect();
    let more = made.len().saturating_sub(12);
    Some(format!(
        "```k8s\n{head}\n```\n\n{what}: {} declaration{}: {}{}",
        made.len(),
        if made.len() == 1 { "" } else { "s" },
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    ))
}

/// A constant's hover: its `let` as written, and where it is.
fn constant_hover(document: &Document, declared: crate::source::Span) -> Option<String> {
    let compilation = &document.compilation;
    let constant = let_at(&compilation.module, declared)?;
    let mut value = compilation.sources.text(constant.value.span).to_string();
    if value.len() > 400 {
        let cut = (0..=400).rev().find(|idx| value.is_char_boundary(*idx)).unwrap_or(0);
        value.truncate(cut);
        value.push_str(" ...");
    }
    let ty = constant
        .ty
        .as_ref()
        .map(|ty| format!(": {}", compilation.sources.text(ty.span)))
        .unwrap_or_default();
    let file = compilation.sources.get(declared.file)?;
    let line = file.line_col(declared.start as usize).line;
    let uses = (compilation.model.constant_uses.iter())
        .filter(|(_, to)| *to == declared)
        .count();
    Some(format!(
        "```k8s\nlet {}{ty} = {value}\n```\n\nconstant, declared in `{}` line {line}; used {uses} time{}",
        constant.name.text,
        file.name,
        if uses == 1 { "" } else { "s" }
    ))
}

/// A declaration's hover: its kind, layer and doc, and for etcd members and VIP groups
/// the summary of what they survive.
fn describe(compilation: &crate::Compilation, id: EntityId) -> String {
    let model = &compilation.model;
    let entity = model.entity(id);
    let definition = model.schemas.entity(entity.kind);
    let mut text = format!(
        "```k8s\n{} {}\n```\n*{}* ({})",
        definition.name, entity.name, definition.doc, definition.layer
    );
    let secrets = Secrets::default();
    if let Some(platform) = crate::platform::Platform::new(model, &compilation.graph, &secrets) {
        match entity.kind {
            NodeId::KIND | ClusterId::KIND
                if entity.kind == ClusterId::KIND || platform.topology.etcd.contains(&id) =>
            {
                text.push_str(&etcd_survival(&platform));
            }
            VipGroupId::KIND => text.push_str(&vip_survival(&platform, id)),
            _ => {}
        }
    }
    text
}

/// What an etcd member's or the cluster's hover says about etcd's quorum.
fn etcd_survival(context: &crate::platform::Platform<'_>) -> String {
    let mut text = String::new();
    let survives = |failed_ok: &dyn Fn(&crate::platform::Assessment) -> bool| {
        context.topology.hosts().all(|domain| {
            let failed: rustc_hash::FxHashSet<EntityId> = domain.nodes.iter().copied().collect();
            failed_ok(&crate::platform::assess(context, &failed))
        })
    };
    let members = context.topology.etcd.len();
    if members > 0 {
        let verdict = if survives(&|a| a.etcd_quorum()) {
            "survives the loss of any one physical host"
        } else {
            "does NOT survive the loss of every physical host"
        };
        text.push_str(&format!(
            "\n\netcd: {members} members, quorum {}, tolerates {} failure{}; {verdict}",
            quorum(members),
            tolerance(members),
            if tolerance(members) == 1 { "" } else { "s" }
        ));
    }
    text
}

/// What a VIP group's hover says: its members by priority, its router id, and whether it
/// survives the loss of a host.
fn vip_survival(context: &crate::platform::Platform<'_>, id: EntityId) -> String {
    let model = context.model;
    let mut text = String::new();
    let members = model.vip_group(id).members().entities();
    let levels = crate::platform::priorities(model, id);
    let router = router_ids(model).into_iter().find(|router| router.vip == id);
    // With nopreempt keepalived starts every member BACKUP (the first to come up
    // takes the VIP and keeps it); otherwise the highest priority starts MASTER.
    let preempt = crate::platform::preempts(model, id);
    let listing: Vec<String> = members
        .iter()
        .zip(&levels)
        .enumerate()
        .map(|(position, (member, priority))| {
            format!(
                "{} {} {priority}",
                model.name(*member),
                if position == 0 && preempt { "MASTER" } else { "BACKUP" }
            )
        })
        .collect();
    let alive_everywhere = context
        .topology
        .hosts()
        .all(|domain| members.iter().any(|m| !domain.nodes.contains(m)));
    text.push_str(&format!(
        "\n\n{} members ({}); virtual_router_id {}{}; {}",
        members.len(),
        listing.join(", "),
        router.map_or(0, |r| r.id),
        if router.is_some_and(|r| r.assigned) {
            " (assigned by k8sc)"
        } else {
            ""
        },
        if alive_everywhere {
            "survives the loss of any one physical host"
        } else {
            "does NOT survive the loss of every physical host"
        }
    ));
    if !preempt {
        text.push_str(
            "\n\nnopreempt: every member starts BACKUP; the first to come up takes the VIP and keeps it, \
             whatever the priorities, until it fails",
        );
    }
    text
}

fn entity_at(document: &Document, offset: usize) -> Option<EntityId> {
    let model = &document.compilation.model;
    match locate(&document.compilation.module, model, document.own, offset) {
        Found::Reference { target } => Some(target),
        Found::Name(decl) => model
            .schemas
            .kind(&decl.kind.text)
            .and_then(|kind| model.lookup(kind, &decl.name.text)),
        _ => None,
    }
}

/// A name the cursor is on: a constant (the span its `let` names), a component of the
/// user's, or a declaration.
enum Named {
    Constant(crate::source::Span),
    Component(String),
    Entity(EntityId),
}

fn named_at(document: &Document, offset: usize) -> Option<Named> {
    let compilation = &document.compilation;
    if let Some(declared) = constant_at(&compilation.module, &compilation.model, document.own, offset) {
        return Some(Named::Constant(declared));
    }
    if let Some(name) = components::component_at(&compilation.module, document.own, offset) {
        return Some(Named::Component(name.text.to_string()));
    }
    entity_at(document, offset).map(Named::Entity)
}

/// Where a name is declared.
fn declared(document: &Document, named: &Named) -> Option<crate::source::Span> {
    match named {
        Named::Constant(declared) => Some(*declared),
        Named::Component(name) => {
            components::user_component(&document.compilation.module, name).map(|component| component.name.span)
        }
        Named::Entity(id) => Some(document.compilation.model.entity(*id).name_span),
    }
}

/// Where a name is written: every use (and its declaration, with `declaration`).
fn occurrences(document: &Document, named: &Named, declaration: bool) -> Vec<crate::source::Span> {
    let model = &document.compilation.model;
    let mut spans: Vec<crate::source::Span> = Vec::new();
    match named {
        Named::Constant(declared) => {
            if declaration {
                spans.push(*declared);
            }
            let uses = model.constant_uses.iter();
            spans.extend(uses.filter(|(_, to)| to == declared).map(|(used, _)| *used));
        }
        Named::Component(name) => {
            spans = components::occurrences(&document.compilation.module, name, declaration);
        }
        Named::Entity(id) => {
            if declaration {
                spans.push(model.entity(*id).name_span);
            }
            spans.extend(model.references.iter().filter(|r| r.target == *id).map(|r| r.span));
        }
    }
    spans
}

pub fn definition(server: &Server, params: GotoDefinitionParams) -> Answer {
    let position = params.text_document_position_params;
    let document = server.document(&position.text_document.uri)?;
    let named = named_at(document, document.offset(position.position));
    let span = named.and_then(|named| declared(document, &named));
    json(
        span.and_then(|span| document.location(span))
            .map(GotoDefinitionResponse::Scalar),
    )
}

pub fn references(server: &Server, params: ReferenceParams) -> Answer {
    let position = params.text_document_position;
    let document = server.document(&position.text_document.uri)?;
    let Some(named) = named_at(document, document.offset(position.position)) else {
        return json(Value::Null);
    };
    let locations: Vec<Location> = occurrences(document, &named, params.context.include_declaration)
        .into_iter()
        .filter_map(|span| document.location(span))
        .collect();
    json(locations)
}

pub fn rename(server: &Server, params: RenameParams) -> Answer {
    let position = params.text_document_position;
    let document = server.document(&position.text_document.uri)?;
    let new_name = params.new_name.trim();
    let valid = new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !crate::syntax::KEYWORDS.contains(&new_name);
    if !valid {
        return Err((ErrorCode::InvalidParams, format!("`{new_name}` is not a valid name")));
    }
    let Some(named) = named_at(document, document.offset(position.position)) else {
        return Err((
            ErrorCode::InvalidParams,
            "there is no declaration, reference, constant or component here to rename".into(),
        ));
    };
    if let Some(taken) = name_taken(document, &named, new_name) {
        return Err((ErrorCode::InvalidParams, taken));
    }
    // Every occurrence, in whichever file of the platform it is.
    // `WorkspaceEdit` keys its changes by `Uri`, which clippy counts as mutable; nothing
    // here mutates one.
    #[allow(clippy::mutable_key_type)]
    let mut changes: HashMap<lsp_types::Uri, Vec<TextEdit>> = HashMap::new();
    for span in occurrences(document, &named, true) {
        if let Some(uri) = document.uri_of(span.file) {
            let edit = TextEdit::new(document.range(span), new_name.to_string());
            changes.entry(uri).or_default().push(edit);
        }
    }
    json(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

/// Why `new_name` cannot be given to what is named, if it cannot: a constant's name is
/// unique among constants and declarations of every kind, a component's among the user's
/// components, a declaration's among its kind and the constants.
fn name_taken(document: &Document, named: &Named, new_name: &str) -> Option<String> {
    let model = &document.compilation.model;
    let module = &document.compilation.module;
    let constant_named = module.items.iter().find_map(|item| match item {
        ast::Item::Let(constant) if constant.name.text == new_name => Some(constant.name.span),
        _ => None,
    });
    match named {
        Named::Constant(declared) => {
            if constant_named.is_some_and(|other| other != *declared) {
                return Some(format!("the constant `{new_name}` already exists"));
            }
            let entity = model.entities.iter().find(|entity| entity.name == new_name)?;
            Some(format!(
                "the {} `{new_name}` already exists; a constant may not share its name",
                model.schemas.entity(entity.kind).name
            ))
        }
        Named::Component(name) => {
            if components::user_component(module, name).is_none() {
                return Some(format!(
                    "`{name}` is a standard-library component; only your own can be renamed"
                ));
            }
            components::user_component(module, new_name).map(|_| format!("the component `{new_name}` already exists"))
        }
        Named::Entity(id) => {
            let entity = model.entity(*id);
            if document.compilation.sources.text(entity.name_span) != entity.name {
                return Some(format!(
                    "`{}` is an instance of a pool: rename the pool `{}`, or write the instance out",
                    entity.name,
                    document.compilation.sources.text(entity.name_span)
                ));
            }
            if let Some(taken_by) = model.lookup(model.entity(*id).kind, new_name)
                && taken_by != *id
            {
                return Some(format!("the {} `{new_name}` already exists", model.kind_name(taken_by)));
            }
            constant_named
                .map(|_| format!("the constant `{new_name}` already exists; a declaration may not share its name"))
        }
    }
}

pub fn completion(server: &Server, params: CompletionParams) -> Answer {
    let position = params.text_document_position;
    let document = server.document(&position.text_document.uri)?;
    let model = &document.compilation.model;
    let schemas = model.schemas;
    let offset = document.offset(position.position);
    let line_start = document.text[..offset.min(document.text.len())]
        .rfind('\n')
        .map_or(0, |idx| idx + 1);
    let before = document.text.get(line_start..offset).unwrap_or("");
    let mut items: Vec<CompletionItem> = Vec::new();

    // `use "...`: the platform's files and folders beside the document.
    if before.trim_start().starts_with("use \"") {
        let path = super::workspace::path_of(&document.uri);
        for candidate in path
            .as_deref()
            .map(super::workspace::use_candidates)
            .unwrap_or_default()
        {
            items.push(CompletionItem {
                label: candidate,
                kind: Some(CompletionItemKind::FILE),
                ..Default::default()
            });
        }
        return json(CompletionResponse::Array(items));
    }

    // `field = ...`: the values the field's type takes.
    let value_context = before.split_once('=').map(|(name, _)| name.trim());
    if let Some(field_name) = value_context.filter(|name| !name.is_empty() && !name.contains(char::is_whitespace)) {
        let ty = field_type_at(document, offset, field_name);
        if let Some(ty) = ty {
            value_items(model, ty, &mut items);
        }
        constant_items(document, &mut items);
        return json(CompletionResponse::Array(items));
    }

    match decl_at(&document.compilation.module, document.own, offset) {
        Some(decl) if decl.body.span.contains(offset) && offset > decl.body.span.start as usize => {
            // A new field: the fields of the innermost schema not set yet.
            let (shape, present) = match locate(&document.compilation.module, model, document.own, offset) {
                Found::Block { shape, present } => (shape, present),
                _ => (
                    shape_of(schemas, &decl.kind.text),
                    decl.body.fields.iter().map(|f| f.name.text.as_str()).collect(),
                ),
            };
            for definition in shape.map_or(&[][..], |shape| shape.fields.as_slice()) {
                if present.contains(&definition.name.as_str()) {
                    continue;
                }
                items.push(CompletionItem {
                    label: definition.name.clone(),
                    kind: Some(CompletionItemKind::FIELD),
                    detail: Some(field_signature(model, definition)),
                    documentation: Some(lsp_types::Documentation::String(definition.doc.clone())),
                    insert_text: Some(format!("{} = ", definition.name)),
                    sort_text: Some(format!(
                        "{}{}",
                        if definition.is_required() { 0 } else { 1 },
                        definition.name
                    )),
                    ..Default::default()
                });
            }
        }
        _ => top_level_items(schemas, &mut items),
    }
    json(CompletionResponse::Array(items))
}

/// Every constant of the platform, after the values the field's type itself takes.
fn constant_items(document: &Document, items: &mut Vec<CompletionItem>) {
    for item in &document.compilation.module.items {
        if let ast::Item::Let(constant) = item {
            let value = document.compilation.sources.text(constant.value.span);
            items.push(CompletionItem {
                label: constant.name.text.to_string(),
                kind: Some(CompletionItemKind::CONSTANT),
                detail: Some(value.chars().take(80).collect()),
                sort_text: Some(format!("~{}", constant.name.text)),
                ..Default::default()
            });
        }
    }
}

/// At the top level: declaration kinds, keywords and the standard library's modules.
fn top_level_items(schemas: &crate::semantic::Schemas, items: &mut Vec<CompletionItem>) {
    for entity in &schemas.entities {
        items.push(CompletionItem {
            label: entity.name.clone(),
            kind: Some(CompletionItemKind::CLASS),
            detail: Some(format!("{} declaration", entity.layer)),
            documentation: Some(lsp_types::Documentation::String(entity.doc.clone())),
            ..Default::default()
        });
    }
    for keyword in ["use", "from", "let"] {
        items.push(CompletionItem {
            label: keyword.into(),
            kind: Some(CompletionItemKind::KEYWORD),
            ..Default::default()
        });
    }
    for module in crate::semantic::stdlib::modules().filter(|m| *m != "prelude") {
        items.push(CompletionItem {
            label: format!("use {module}"),
            kind: Some(CompletionItemKind::MODULE),
            ..Default::default()
        });
    }
}

/// The type of `field_name` in the innermost block around `offset`.
fn field_type_at<'m>(document: &'m Document, offset: usize, field_name: &str) -> Option<&'m Type> {
    let model = &document.compilation.model;
    let decl = decl_at(&document.compilation.module, document.own, offset)?;
    let shape = shape_of(model.schemas, &decl.kind.text)?;
    // Look in the declaration's fields, then in the records its fields hold.
    if let Some(definition) = shape.field(field_name) {
        return Some(&definition.ty);
    }
    shape.fields.iter().find_map(|definition| match &definition.ty {
        Type::Record(id) => model.schemas.record(*id).shape.field(field_name).map(|d| &d.ty),
        Type::List(inner) => match inner.as_ref() {
            Type::Record(id) => model.schemas.record(*id).shape.field(field_name).map(|d| &d.ty),
            _ => None,
        },
        _ => None,
    })
}

fn value_items(model: &Model, ty: &Type, items: &mut Vec<CompletionItem>) {
    match ty {
        Type::Enum(id) => {
            let definition = model.schemas.enum_def(*id);
            for variant in &definition.variants {
                items.push(CompletionItem {
                    label: variant.name.to_string(),
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    detail: Some(definition.name.clone()),
                    documentation: (!variant.doc.is_empty())
                        .then(|| lsp_types::Documentation::String(variant.doc.clone())),
                    ..Default::default()
                });
            }
        }
        Type::Ref(kinds) => {
            for kind in kinds {
                for name in model.names_of(*kind) {
                    items.push(CompletionItem {
                        label: name.to_string(),
                        kind: Some(CompletionItemKind::REFERENCE),
                        detail: Some(model.schemas.entity(*kind).name.clone()),
                        ..Default::default()
                    });
                }
            }
        }
        Type::List(inner) => value_items(model, inner, items),
        Type::Bool => {
            for word in ["true", "false"] {
                items.push(CompletionItem {
                    label: word.into(),
                    kind: Some(CompletionItemKind::VALUE),
                    ..Default::default()
                });
            }
        }
        other => items.push(CompletionItem {
            label: example_value(model.schemas, other),
            kind: Some(CompletionItemKind::VALUE),
            detail: Some(model.schemas.type_name(other)),
            ..Default::default()
        }),
    }
}

pub fn symbols(server: &Server, params: DocumentSymbolParams) -> Answer {
    let document = server.document(&params.text_document.uri)?;
    let model = &document.compilation.model;
    let mut layers: Vec<DocumentSymbol> = Vec::new();
    for layer in crate::semantic::schema::LAYERS {
        let mut children = Vec::new();
        let mut span: Option<crate::source::Span> = None;
        for entity in model
            .entities
            .iter()
            .filter(|e| e.span.file == document.own && model.schemas.entity(e.kind).layer == *layer)
        {
            span = Some(span.map_or(entity.span, |s| s.to(entity.span)));
            #[allow(deprecated)]
            children.push(DocumentSymbol {
                name: entity.name.clone(),
                detail: Some(model.schemas.entity(entity.kind).name.clone()),
                kind: symbol_kind(&model.schemas.entity(entity.kind).name),
                tags: None,
                deprecated: None,
                range: document.range(entity.span),
                selection_range: document.range(entity.name_span),
                children: None,
            });
        }
        let Some(span) = span else { continue };
        #[allow(deprecated)]
        layers.push(DocumentSymbol {
            name: layer.to_string(),
            detail: Some(format!("{} declarations", children.len())),
            kind: SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            range: document.range(span),
            selection_range: document.range(span),
            children: Some(children),
        });
    }
    json(DocumentSymbolResponse::Nested(layers))
}

fn symbol_kind(kind: &str) -> SymbolKind {
    match kind {
        "node" | "physical_host" => SymbolKind::OBJECT,
        "namespace" => SymbolKind::NAMESPACE,
        "app" => SymbolKind::CLASS,
        "cluster" => SymbolKind::MODULE,
        "route" | "public_address" => SymbolKind::INTERFACE,
        _ => SymbolKind::STRUCT,
    }
}

pub fn formatting(server: &Server, params: DocumentFormattingParams) -> Answer {
    let document = server.document(&params.text_document.uri)?;
    let Ok(formatted) = crate::format::format(document.own, &document.text) else {
        // A file that does not parse is left alone, as `k8sc fmt` does.
        return json(Value::Null);
    };
    if formatted == document.text {
        return json(Vec::<TextEdit>::new());
    }
    let end = document.file().map_or(Position::default(), |file| {
        let (line, column) = file.line_utf16(document.text.len());
        Position::new(line, column)
    });
    json(vec![TextEdit::new(Range::new(Position::new(0, 0), end), formatted)])
}

/// The text between the first pair of backquotes.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let end = start + text[start..].find('`')?;
    Some(&text[start..end])
}

pub fn code_actions(server: &Server, params: CodeActionParams) -> Answer {
    let document = server.document(&params.text_document.uri)?;
    let requested = document.offset(params.range.start)..=document.offset(params.range.end);
    let mut actions: Vec<CodeActionOrCommand> = Vec::new();
    for diagnostic in &document.compilation.diagnostics {
        let span = diagnostic.primary.span;
        if span.file != document.own
            || (span.end as usize) < *requested.start()
            || (span.start as usize) > *requested.end()
        {
            continue;
        }
        let help = diagnostic.help.as_deref().unwrap_or("");
        let edit = match diagnostic.code.as_str() {
            // Did-you-mean: replace the name with the suggestion.
            "E0101" | "E0102" | "E0108" | "E0109" | "E0110" | "E0111" | "E0112" if help.starts_with("did you mean") => {
                quoted(help).map(|name| {
                    (
                        format!("Replace with `{name}`"),
                        TextEdit::new(document.range(span), name.to_string()),
                    )
                })
            }
            // A missing field: insert it (with a placeholder value) after the opening brace.
            "E0103" => quoted(help).and_then(|field| {
                let decl = decl_at(&document.compilation.module, document.own, span.start as usize)?;
                let open = decl.body.span.start as usize + 1;
                let position = document.range(crate::source::Span::new(span.file, open, open)).start;
                Some((
                    format!("Add `{field}`"),
                    TextEdit::new(Range::new(position, position), format!("\n  {field}")),
                ))
            }),
            // A duplicate router id: use the free one the help names.
            "HA033" => help
                .split_whitespace()
                .find_map(|word| word.trim_end_matches(',').parse::<u32>().ok())
                .map(|free| {
                    (
                        format!("Use virtual_router_id {free}"),
                        TextEdit::new(document.range(span), free.to_string()),
                    )
                }),
            "E0122" => remove_repeat(document, span),
            "E0123" => remove_field(document, span),
            _ => None,
        };
        if let Some((title, edit)) = edit {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![super::to_lsp(document, diagnostic)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(document.uri.clone(), vec![edit])])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
    }
    json(actions)
}

/// An item listed twice: remove the repeat and the separator before it.
fn remove_repeat(document: &Document, span: crate::source::Span) -> Option<(String, TextEdit)> {
    let start = span.start as usize;
    let before = document.text[..start].trim_end();
    before.strip_suffix(',').map(|kept| {
        let from = crate::source::Span::new(span.file, kept.len(), span.end as usize);
        (
            "Remove the repeat".to_string(),
            TextEdit::new(document.range(from), String::new()),
        )
    })
}

/// A field with no effect: remove its line, when it has one to itself.
fn remove_field(document: &Document, span: crate::source::Span) -> Option<(String, TextEdit)> {
    let (start, end) = (span.start as usize, span.end as usize);
    let line_start = document.text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = document.text[end..]
        .find('\n')
        .map_or(document.text.len(), |at| end + at + 1);
    let head = document.text[line_start..start].trim_start();
    let alone = head.ends_with(" = ")
        && head[..head.len() - 3]
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        && document.text[end..line_end].trim().is_empty();
    alone.then(|| {
        let line = crate::source::Span::new(span.file, line_start, line_end);
        (
            format!("Remove `{}`", &head[..head.len() - 3]),
            TextEdit::new(document.range(line), String::new()),
        )
    })
}
