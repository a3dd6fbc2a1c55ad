//! The user's components in the editor: what a `from` names, where each of a
//! declaration's fields comes from, and every place a component's name is written.

use crate::source::{FileId, Span};
use crate::syntax::ast;

/// The name of the component at `offset` of `file`: a `from` of a declaration or a
/// component, or a component's own name.
pub fn component_at(module: &ast::Module, file: FileId, offset: usize) -> Option<&ast::Ident> {
    let here = |ident: &ast::Ident| ident.span.file == file && ident.span.contains(offset);
    module.items.iter().find_map(|item| match item {
        ast::Item::Decl(decl) => decl.from.as_ref().filter(|from| here(from)),
        ast::Item::Component(component) if here(&component.name) => Some(&component.name),
        ast::Item::Component(component) => component.from.as_ref().filter(|from| here(from)),
        _ => None,
    })
}

/// The user component of that name.
pub fn user_component<'m>(module: &'m ast::Module, name: &str) -> Option<&'m ast::Component> {
    module.items.iter().find_map(|item| match item {
        ast::Item::Component(component) if component.name.text == name => Some(&**component),
        _ => None,
    })
}

/// Every place the user component `name` is written: its name, and each `from` naming it.
pub fn occurrences(module: &ast::Module, name: &str, declaration: bool) -> Vec<Span> {
    let mut spans = Vec::new();
    for item in &module.items {
        let from = match item {
            ast::Item::Decl(decl) => decl.from.as_ref(),
            ast::Item::Component(component) => {
                if declaration && component.name.text == name {
                    spans.push(component.name.span);
                }
                component.from.as_ref()
            }
            _ => None,
        };
        if let Some(from) = from.filter(|from| from.text == name) {
            spans.push(from.span);
        }
    }
    spans
}

/// A user component's hover: its head, and each field it supplies with the component
/// along its `from` chain that sets it (the nearest wins).
pub fn hover(module: &ast::Module, sources: &crate::source::SourceMap, name: &str) -> Option<String> {
    let component = user_component(module, name)?;
    let mut head = format!("component {}: {}", component.name.text, component.kind.text);
    if let Some(from) = &component.from {
        head.push_str(&format!(" from {}", from.text));
    }
    let mut lines: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut next = Some(component);
    let mut chain = Vec::new();
    while let Some(current) = next {
        if chain.contains(&current.name.text.as_str()) {
            break;
        }
        chain.push(current.name.text.as_str());
        for field in &current.body.fields {
            if seen.iter().any(|name| *name == field.name.text) {
                continue;
            }
            seen.push(field.name.text.to_string());
            let value: String = sources.text(field.value.span).chars().take(60).collect();
            lines.push(format!(
                "- `{} = {value}` (from `{}`)",
                field.name.text, current.name.text
            ));
        }
        next = current
            .from
            .as_ref()
            .and_then(|from| user_component(module, &from.text));
    }
    let last = chain.last().and_then(|last| user_component(module, last));
    if let Some(stdlib) = last.and_then(|last| last.from.as_ref())
        && user_component(module, &stdlib.text).is_none()
    {
        lines.push(format!(
            "- the other fields from the standard component `{}`",
            stdlib.text
        ));
    }
    Some(format!("```k8s\n{head}\n```\n\n{}", lines.join("\n")))
}
