//! Pools: `KIND NAME[FROM..TO] { ... }` declares the instances NAMEFROM to NAMETO, each
//! with the block's fields, expanded into ordinary declarations before anything is
//! checked.
//!
//! Per instance, `step(BASE)` counts up from BASE by one (an IPv4 address, an int, a
//! port, or the number a name ends in: `step(app-0)` names app-0, app-1, ...), `cycle([...])` takes the list's items round-robin, and `\(index)` in a string is
//! the instance's number. Each instance keeps the template's spans, so a diagnostic about
//! one points at the template and names the instance.

use ipnet::Ipv4Net;

use super::value;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind, Item, Piece};

/// The most instances one pool may declare.
pub const MAX_INSTANCES: u64 = 1_000;

/// Whether any item is a pool, or has `at` blocks (instances per namespace, or `at`
/// blocks where there are none: E0136).
pub fn has_pools(items: &[Item]) -> bool {
    items.iter().any(|item| {
        matches!(item, Item::Decl(decl) if decl.pool.is_some() || decl.per_namespace.is_some() || !decl.body.at.is_empty())
    })
}

/// Expands every pool into its instances, in place of the pool, in order. A pool whose
/// range is wrong (E0133) declares nothing; one whose `step` or `cycle` is wrong (E0134)
/// declares its instances without the wrong fields, marked incomplete so that nothing
/// else is reported about them.
pub fn expand(items: Vec<Item>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Item> {
    let subnet = node_subnet(&items);
    let mut expanded = Vec::with_capacity(items.len());
    for item in items {
        let Item::Decl(decl) = item else {
            expanded.push(item);
            continue;
        };
        if let Some(per_namespace) = &decl.per_namespace {
            let instances = per_namespace_instances(&decl, per_namespace, diagnostics);
            expanded.extend(instances.into_iter().map(|instance| Item::Decl(Box::new(instance))));
            continue;
        }
        let mut decl = decl;
        for at in std::mem::take(&mut decl.body.at) {
            diagnostics.push(at_without_instances(&decl, &at));
        }
        let Some(pool) = &decl.pool else {
            expanded.push(Item::Decl(decl));
            continue;
        };
        let Some((from, to)) = range(&decl, pool, diagnostics) else {
            continue;
        };
        let before = diagnostics.len();
        let count = to - from + 1;
        for field in &decl.body.fields {
            check_template(&field.value, count, subnet, &decl, diagnostics);
        }
        let broken = diagnostics.len() > before;
        for number in from..=to {
            expanded.push(Item::Decl(Box::new(instance(&decl, number, number - from, broken))));
        }
    }
    expanded
}

/// The pool's first and last number, or E0133.
fn range(decl: &ast::Decl, pool: &ast::PoolRange, diagnostics: &mut Vec<Diagnostic>) -> Option<(u64, u64)> {
    let head = format!("{}[{}..{}]", decl.name.text, pool.from, pool.to);
    let problem = match (pool.from.parse::<u64>(), pool.to.parse::<u64>()) {
        (Ok(from), Ok(to)) if from > to => format!("`{head}` is reversed: it counts up, from the first to the last"),
        (Ok(from), Ok(to)) if to - from >= MAX_INSTANCES => format!(
            "`{head}` declares {} instances; a pool declares at most {MAX_INSTANCES}",
            u128::from(to - from) + 1
        ),
        (Ok(from), Ok(to)) => return Some((from, to)),
        _ => format!("`{head}` has a number too large to count"),
    };
    diagnostics.push(
        Diagnostic::error(Code::E0133, problem, pool.span, "the pool's range").with_help(format!(
            "write `{}[1..8]`: the first and the last instance's number",
            decl.name.text
        )),
    );
    None
}

/// The cluster's node subnet, when the platform writes exactly one as a literal.
fn node_subnet(items: &[Item]) -> Option<Ipv4Net> {
    let mut subnets = items.iter().filter_map(|item| match item {
        Item::Decl(decl) if decl.kind.text == "cluster" => decl
            .body
            .fields
            .iter()
            .find(|field| field.name.text == "node_subnet")
            .and_then(|field| match &field.value.kind {
                ExprKind::Cidr(text) => value::parse_cidr(text).ok(),
                _ => None,
            }),
        _ => None,
    });
    let first = subnets.next()?;
    subnets.next().is_none().then_some(first)
}

/// E0134 for a `step` or `cycle` of the template that cannot give every instance a value.
fn check_template(
    expr: &Expr,
    count: u64,
    subnet: Option<Ipv4Net>,
    decl: &ast::Decl,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match &expr.kind {
        ExprKind::Call(call) if call.function.text == "step" => {
            if let Err(problem) = stepped(call, count - 1, subnet) {
                let name = format!("{}{}", decl.name.text, last_number(decl));
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0134,
                        format!("`step` for `{name}`: {problem}"),
                        expr.span,
                        "cannot count this far",
                    )
                    .with_help("start lower, or declare fewer instances"),
                );
            }
        }
        ExprKind::Call(call) if call.function.text == "cycle" => {
            let problem = match call.args.as_slice() {
                [
                    Expr {
                        kind: ExprKind::List(list),
                        ..
                    },
                ] if !list.items.is_empty() => None,
                [
                    Expr {
                        kind: ExprKind::List(_),
                        ..
                    },
                ] => Some("`cycle` of an empty list has nothing to give"),
                _ => Some("`cycle` takes one list: `cycle([pm1, pm2, pm3])`"),
            };
            if let Some(problem) = problem {
                diagnostics.push(Diagnostic::error(Code::E0134, problem, expr.span, "no items to cycle"));
            }
        }
        ExprKind::List(list) => {
            for item in &list.items {
                check_template(item, count, subnet, decl, diagnostics);
            }
        }
        ExprKind::Record(record) => {
            for field in &record.fields {
                check_template(&field.value, count, subnet, decl, diagnostics);
            }
        }
        _ => {}
    }
}

fn last_number(decl: &ast::Decl) -> String {
    decl.pool.as_ref().map_or_else(String::new, |pool| pool.to.clone())
}

/// What `step(BASE)` gives the instance at `offset` (0 for the first): the literal, or why
/// there is none.
fn stepped(call: &ast::Call, offset: u64, subnet: Option<Ipv4Net>) -> Result<ExprKind, String> {
    let [base] = call.args.as_slice() else {
        return Err("`step` takes one value: an address, an int or a port".into());
    };
    match &base.kind {
        ExprKind::Ipv4(text) => {
            let address = value::parse_ipv4(text)?;
            let next = u32::from(address)
                .checked_add(u32::try_from(offset).map_err(|_| "too many instances".to_string())?)
                .map(std::net::Ipv4Addr::from)
                .ok_or_else(|| format!("counting up from {address} passes 255.255.255.255"))?;
            if let Some(subnet) = subnet
                && subnet.contains(&address)
                && !subnet.contains(&next)
            {
                return Err(format!("{next} lies past the node subnet {subnet}"));
            }
            Ok(ExprKind::Ipv4(next.to_string()))
        }
        ExprKind::Number(text) => {
            let number: i64 = text
                .parse()
                .map_err(|_| format!("`{text}` is not a whole number without a unit"))?;
            let next = number
                .checked_add(i64::try_from(offset).map_err(|_| "too many instances".to_string())?)
                .ok_or_else(|| format!("counting up from {number} passes the largest int"))?;
            Ok(ExprKind::Number(next.to_string()))
        }
        ExprKind::Name(name) => {
            let digits = name.text.len() - name.text.trim_end_matches(|ch: char| ch.is_ascii_digit()).len();
            if digits == 0 {
                return Err(format!(
                    "`{}` ends in no number to count up: `step` of a name counts its last number (`step(pm1)`)",
                    name.text
                ));
            }
            let (stem, number) = name.text.split_at(name.text.len() - digits);
            let next = number
                .parse::<u64>()
                .ok()
                .and_then(|number| number.checked_add(offset))
                .ok_or_else(|| format!("the number of `{}` is too large to count up", name.text))?;
            Ok(ExprKind::Name(ast::Ident {
                text: format!("{stem}{next}").into(),
                span: name.span,
            }))
        }
        _ => Err("`step` counts up an address, an int, a port or a name's last number, written as a literal".into()),
    }
}

/// One instance of a pool: its name, and the template's fields with each `step`, `cycle`
/// and `\(index)` worked out.
fn instance(decl: &ast::Decl, number: u64, offset: u64, broken: bool) -> ast::Decl {
    let fields = (decl.body.fields.iter())
        .filter_map(|field| {
            Some(ast::Field {
                name: field.name.clone(),
                quoted: field.quoted,
                value: instantiate(&field.value, number, offset)?,
                span: field.span,
            })
        })
        .collect();
    made_from(decl, format!("{}{number}", decl.name.text), fields, broken)
}

/// A declaration a template makes: its name and fields, the rest the template's (its
/// spans too, so what is said about it points at the template).
fn made_from(decl: &ast::Decl, name: String, fields: Vec<ast::Field>, broken: bool) -> ast::Decl {
    ast::Decl {
        attributes: decl.attributes.clone(),
        kind: decl.kind.clone(),
        name: ast::Ident {
            text: name.into(),
            span: decl.name.span,
        },
        pool: None,
        per_namespace: None,
        from: decl.from.clone(),
        body: ast::Block {
            fields,
            span: decl.body.span,
            closed: decl.body.closed,
            recovered: decl.body.recovered || broken,
            at: Vec::new(),
        },
        span: decl.span,
    }
}

/// A template's value for one instance; `None` where a `step` or `cycle` has no value
/// (reported by [`check_template`]).
fn instantiate(expr: &Expr, number: u64, offset: u64) -> Option<Expr> {
    let kind = match &expr.kind {
        ExprKind::Call(call) if call.function.text == "step" => stepped(call, offset, None).ok()?,
        ExprKind::Call(call) if call.function.text == "cycle" => {
            let [
                Expr {
                    kind: ExprKind::List(list),
                    ..
                },
            ] = call.args.as_slice()
            else {
                return None;
            };
            let len = u64::try_from(list.items.len()).ok().filter(|len| *len > 0)?;
            let picked = list.items.get(usize::try_from(offset % len).ok()?)?;
            return instantiate(picked, number, offset);
        }
        ExprKind::Interpolated(pieces) => {
            let mut replaced: Vec<Piece> = Vec::with_capacity(pieces.len());
            for piece in pieces {
                match piece {
                    Piece::Name(name) if name.text == "index" => replaced.push(Piece::Text(number.to_string())),
                    other => replaced.push(other.clone()),
                }
            }
            if replaced.iter().all(|piece| matches!(piece, Piece::Text(_))) {
                ExprKind::Str(
                    replaced
                        .iter()
                        .map(|piece| match piece {
                            Piece::Text(text) => text.as_str(),
                            Piece::Name(_) => "",
                        })
                        .collect(),
                )
            } else {
                ExprKind::Interpolated(replaced)
            }
        }
        ExprKind::List(list) => ExprKind::List(ast::List {
            items: list
                .items
                .iter()
                .filter_map(|item| instantiate(item, number, offset))
                .collect(),
            multiline: list.multiline,
        }),
        ExprKind::Record(record) => ExprKind::Record(ast::Record {
            fields: record
                .fields
                .iter()
                .filter_map(|field| {
                    Some(ast::Field {
                        name: field.name.clone(),
                        quoted: field.quoted,
                        value: instantiate(&field.value, number, offset)?,
                        span: field.span,
                    })
                })
                .collect(),
            multiline: record.multiline,
        }),
        other => other.clone(),
    };
    Some(Expr { kind, span: expr.span })
}

/// One declaration per namespace listed, named `NAME_NS`: the template's fields, the
/// namespace, and its `at NS` block's fields over the template's.
fn per_namespace_instances(
    decl: &ast::Decl,
    per_namespace: &ast::PerNamespace,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ast::Decl> {
    check_per_namespace(decl, per_namespace, diagnostics);
    let mut seen: Vec<&str> = Vec::new();
    let mut instances = Vec::new();
    for namespace in &per_namespace.namespaces {
        if seen.contains(&namespace.text.as_str()) {
            continue;
        }
        seen.push(&namespace.text);
        instances.push(in_namespace(decl, namespace));
    }
    instances
}

/// E0136 for an `at` block of a namespace not listed, and for a `namespace` the list sets.
fn check_per_namespace(decl: &ast::Decl, per_namespace: &ast::PerNamespace, diagnostics: &mut Vec<Diagnostic>) {
    let listed = |name: &str| per_namespace.namespaces.iter().any(|namespace| namespace.text == name);
    for at in (decl.body.at.iter()).filter(|at| !listed(&at.namespace.text)) {
        diagnostics.push(
            Diagnostic::error(
                Code::E0136,
                format!(
                    "`at {}`: {} `{}` is not instantiated in `{}`",
                    at.namespace.text, decl.kind.text, decl.name.text, at.namespace.text
                ),
                at.namespace.span,
                "not one of its namespaces",
            )
            .with_label(per_namespace.span, "its namespaces")
            .with_help(format!("add `{}` to the list, or drop this block", at.namespace.text)),
        );
    }
    if let Some(written) = decl.body.fields.iter().find(|field| field.name.text == "namespace") {
        diagnostics.push(
            Diagnostic::error(
                Code::E0136,
                format!(
                    "{} `{}` is instantiated per namespace: each instance's namespace is one of the list's",
                    decl.kind.text, decl.name.text
                ),
                written.span,
                "set by the list",
            )
            .with_label(per_namespace.span, "the namespaces")
            .with_help("drop `namespace`"),
        );
    }
}

/// The instance of a declaration in one namespace: its `at` block's fields, then the
/// block's it does not set, then the namespace.
fn in_namespace(decl: &ast::Decl, namespace: &ast::Ident) -> ast::Decl {
    let mut own: Vec<ast::Field> = Vec::new();
    for at in (decl.body.at.iter()).filter(|at| at.namespace.text == namespace.text) {
        own.extend(at.body.fields.iter().cloned());
    }
    // A `namespace` beside the list is E0136's; the list decides.
    let template: Vec<ast::Field> = (decl.body.fields.iter())
        .filter(|field| field.name.text != "namespace")
        .cloned()
        .collect();
    let mut fields = super::components::fields_over(own, &template);
    fields.push(ast::Field {
        name: ast::Ident {
            text: "namespace".into(),
            span: namespace.span,
        },
        quoted: false,
        value: Expr {
            kind: ExprKind::Name(namespace.clone()),
            span: namespace.span,
        },
        span: namespace.span,
    });
    made_from(decl, format!("{}_{}", decl.name.text, namespace.text), fields, false)
}

/// E0136: an `at` block in a declaration that is not instantiated per namespace.
fn at_without_instances(decl: &ast::Decl, at: &ast::At) -> Diagnostic {
    Diagnostic::error(
        Code::E0136,
        format!(
            "`at {}` in {} `{}`, which is not instantiated per namespace",
            at.namespace.text, decl.kind.text, decl.name.text
        ),
        at.namespace.span,
        "no instance to set",
    )
    .with_help(format!(
        "instantiate it per namespace, `{} {}[{}, ...] {{ ... }}`, or move the fields into its block",
        decl.kind.text, decl.name.text, at.namespace.text
    ))
}

/// E0135: `step`, `cycle` or `\(index)` outside a pool.
pub fn outside_a_pool(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::E0135,
        format!("`{what}` counts the instances of a pool, and this is no pool"),
        span,
        "outside a pool",
    )
    .with_help("declare a pool, `node worker[1..8] { ... }`, or write the value itself")
}
