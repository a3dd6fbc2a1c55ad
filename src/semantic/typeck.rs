//! The type checker: syntax-tree values against schema types.
//!
//! Every check reports what it finds and returns `None` for a value it rejected, so one
//! run reports every type error and the model keeps every value that was right.

use super::constants::{Constant, Constants, Lookup};
use super::model::{Model, Reference};
use super::schema::{FieldDef, KindId, Range, Schemas, Shape, Type};
use super::suggest::{did_you_mean, suggest};
use super::value::{self, FieldValue, Origin, SecretSource, Spanned, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind, Field, Ident, Piece};

/// Checks values against types, collecting diagnostics and references.
pub(crate) struct Typer<'a> {
    pub schemas: &'a Schemas,
    /// The declarations references resolve against; `None` in the standard library, where
    /// defaults and components cannot refer to a user's declarations.
    pub model: Option<&'a Model>,
    pub diagnostics: Vec<Diagnostic>,
    pub references: Vec<Reference>,
    /// Each constant use met, with the span of the constant's name where it is declared.
    pub constant_uses: Vec<(Span, Span)>,
    /// How many more names the "did you mean" of unresolved references may compare: a
    /// file with thousands of misspelt references stays linear (the later ones get no
    /// suggestion).
    suggestions_left: usize,
    /// The platform's constants; `None` in the standard library.
    pub constants: Option<&'a Constants>,
    /// How many more constant uses may be expanded: values of constants made of constants
    /// grow as the product of their sizes, and a few lines must not ask for billions.
    expansions_left: usize,
}

/// The constant uses one run of blocks may expand, together.
const EXPANSION_BUDGET: usize = 1_000_000;

/// How deep `\(NAME)` may follow constants made of other constants' text.
const MAX_INTERPOLATION_DEPTH: usize = 32;

/// The names all "did you mean" searches of one file may compare, together.
const SUGGESTION_BUDGET: usize = 500_000;

/// What becomes of the fields a block leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completion {
    /// Nothing: a component's block, which the declarations made from it complete.
    Partial,
    /// They take the schema's default (a record value); a required one is reported.
    Fill,
    /// A required one with neither component value nor default is reported; the others
    /// stay in the schema and the component (a declaration).
    Report,
}

/// What owns the fields being checked, for messages: "node `master1`", "a `resources` record".
pub(crate) struct Owner<'s> {
    /// "node `master1`": a word and a name, joined only when a message needs them.
    pub description: (&'s str, &'s str),
    /// Where a missing field is reported: the declaration's name or the record literal.
    pub span: Span,
    pub kind_name: &'s str,
    /// False when the fields are known to be incomplete for another reported reason (a
    /// `from` that did not resolve), so missing fields would be noise.
    pub report_missing: bool,
}

impl<'a> Typer<'a> {
    pub fn new(schemas: &'a Schemas, model: Option<&'a Model>) -> Typer<'a> {
        Typer {
            schemas,
            model,
            diagnostics: Vec::new(),
            references: Vec::new(),
            constant_uses: Vec::new(),
            suggestions_left: SUGGESTION_BUDGET,
            constants: None,
            expansions_left: EXPANSION_BUDGET,
        }
    }

    /// The closest declared name of these kinds, while the budget lasts.
    fn closest(&mut self, model: &Model, kinds: &[KindId], name: &str) -> Option<String> {
        let count: usize = kinds.iter().map(|kind| model.of_kind(*kind).len()).sum();
        if count > self.suggestions_left {
            self.suggestions_left = 0;
            return None;
        }
        self.suggestions_left -= count;
        did_you_mean(name, kinds.iter().flat_map(|kind| model.names_of(*kind)))
    }

    /// Checks a block's fields against a shape, by the shape's positions. What happens to
    /// the fields left out depends on `completion`.
    pub fn check_fields(
        &mut self,
        shape: &Shape,
        fields: &[Field],
        inherited: Option<&[Option<FieldValue>]>,
        owner: &Owner<'_>,
        completion: Completion,
    ) -> Vec<Option<FieldValue>> {
        let (values, _) = self.check_written(shape, fields, inherited, owner, completion);
        values
    }

    /// Checks a declaration's block: only the fields it wrote are kept (`None` for a value
    /// that was rejected), in position order; the model reads the others from the component
    /// or the schema when asked.
    pub fn check_declaration(
        &mut self,
        shape: &Shape,
        fields: &[Field],
        inherited: Option<&[Option<FieldValue>]>,
        owner: &Owner<'_>,
    ) -> super::model::WrittenFields {
        let (mut values, written) = self.check_written(shape, fields, inherited, owner, Completion::Report);
        let mut kept = Vec::with_capacity(fields.len());
        for (position, span) in written.iter().enumerate() {
            if span.is_some() {
                kept.push((
                    crate::source::to_u32(position),
                    values[position].take().map(|field| field.value),
                ));
            }
        }
        kept
    }

    fn check_written(
        &mut self,
        shape: &Shape,
        fields: &[Field],
        inherited: Option<&[Option<FieldValue>]>,
        owner: &Owner<'_>,
        completion: Completion,
    ) -> (Vec<Option<FieldValue>>, Vec<Option<Span>>) {
        let mut values: Vec<Option<FieldValue>> = vec![None; shape.fields.len()];
        let mut written: Vec<Option<Span>> = vec![None; shape.fields.len()];
        // A misspelt field is reported once, as unknown, not again as missing.
        let mut misspelt: Vec<&str> = Vec::new();
        for field in fields {
            let Some(position) = shape.position(&field.name.text) else {
                if let Some(meant) = self.unknown_field(shape, field, owner) {
                    misspelt.push(meant);
                }
                continue;
            };
            if let Some(first) = written[position] {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::E0105,
                        format!("field `{}` is set twice", field.name.text),
                        field.name.span,
                        "set again here",
                    )
                    .with_label(first, "first set here")
                    .with_help("keep one of the two"),
                );
                continue;
            }
            written[position] = Some(field.name.span);
            let definition = &shape.fields[position];
            values[position] = self.check(&field.value, &definition.ty).map(|value| FieldValue {
                value,
                origin: Origin::Source,
            });
            if let (Some(range), Some(checked)) = (&definition.range, &values[position]) {
                self.check_range(definition, range, checked);
            }
        }
        // A component's block is partial: the declarations made from it complete it.
        if completion == Completion::Partial {
            return (values, written);
        }
        let fill = completion == Completion::Fill;
        for (position, definition) in shape.fields.iter().enumerate() {
            if written[position].is_some() {
                continue;
            }
            let from_component = inherited
                .and_then(|fields| fields.get(position))
                .and_then(Option::as_ref);
            if let Some(component_value) = from_component {
                if fill {
                    values[position] = Some(FieldValue {
                        value: component_value.value.clone(),
                        origin: Origin::Component,
                    });
                }
            } else if let Some(default) = &definition.default {
                if fill {
                    values[position] = Some(FieldValue {
                        value: default.value.clone(),
                        origin: Origin::Default,
                    });
                }
            } else if !definition.optional && owner.report_missing && !misspelt.contains(&definition.name.as_str()) {
                let missing = self.missing(definition, owner);
                self.diagnostics.push(missing);
            }
        }
        (values, written)
    }

    /// E0103: a required field the declaration does not set.
    fn missing(&self, definition: &FieldDef, owner: &Owner<'_>) -> Diagnostic {
        let diagnostic = Diagnostic::error(
            Code::E0103,
            format!(
                "{} `{}` is missing the required field `{}`",
                owner.description.0, owner.description.1, definition.name
            ),
            owner.span,
            format!("`{}` is not set", definition.name),
        )
        .with_help(format!(
            "add `{} = {}`",
            definition.name,
            example_value(self.schemas, &definition.ty)
        ));
        diagnostic.with_note(format!(
            "`{}` is {}{}",
            definition.name,
            with_article(&self.schemas.type_name(&definition.ty)),
            if definition.doc.is_empty() {
                String::new()
            } else {
                format!(": {}", first_sentence(&definition.doc))
            }
        ))
    }

    /// Reports an unknown field; returns the field it probably meant.
    fn unknown_field<'s>(&mut self, shape: &'s Shape, field: &Field, owner: &Owner<'_>) -> Option<&'s str> {
        let names = shape.fields.iter().map(|definition| definition.name.as_str());
        let meant = suggest(&field.name.text, names.clone());
        let help = meant
            .map(|meant| format!("did you mean `{meant}`?"))
            .unwrap_or_else(|| {
                format!(
                    "the fields of `{}` are: {}",
                    owner.kind_name,
                    names.collect::<Vec<_>>().join(", ")
                )
            });
        self.diagnostics.push(
            Diagnostic::error(
                Code::E0102,
                format!("`{}` has no field `{}`", owner.kind_name, field.name.text),
                field.name.span,
                "unknown field",
            )
            .with_help(help),
        );
        meant
    }

    /// E0121: a number outside its field's declared bounds (the value is kept, so that
    /// nothing else reports it missing; the error stops every build).
    fn check_range(&mut self, definition: &FieldDef, range: &Range, checked: &FieldValue) {
        let number = match &checked.value.value {
            Value::Int(number) => i128::from(*number),
            Value::Duration(number) | Value::Quantity(number) | Value::Cpu(number) => i128::from(*number),
            _ => return,
        };
        if range.contains(number) {
            return;
        }
        let bounds = match (&range.min, &range.max) {
            (Some(_), Some(_)) => format!("within {}", range.text.replace("..", " to ")),
            (Some(_), None) => format!("at least {}", range.text.trim_end_matches("..")),
            _ => format!("at most {}", range.text.trim_start_matches("..")),
        };
        self.diagnostics.push(
            Diagnostic::error(
                Code::E0121,
                format!("`{}` must be {bounds}", definition.name),
                checked.value.span,
                "out of range",
            )
            .with_note(format!(
                "`{}` is {}{}",
                definition.name,
                with_article(&definition.type_text(self.schemas)),
                if definition.doc.is_empty() {
                    String::new()
                } else {
                    format!(": {}", first_sentence(&definition.doc))
                }
            )),
        );
    }

    /// Checks one value against a type.
    pub fn check(&mut self, expr: &Expr, ty: &Type) -> Option<Spanned> {
        let span = expr.span;
        if let ExprKind::Name(name) = &expr.kind
            && let Some(found) = self.named_constant(name, ty)
        {
            return found;
        }
        let value = match (ty, &expr.kind) {
            (Type::String, ExprKind::Interpolated(pieces)) => Value::Str(self.interpolated(pieces, span)?),
            (Type::String, ExprKind::Str(text)) => Value::Str(text.clone()),
            (Type::Bool, ExprKind::Bool(flag)) => Value::Bool(*flag),
            (Type::Int, ExprKind::Number(text)) => match text.parse::<i64>() {
                Ok(number) => Value::Int(number),
                Err(_) => return self.invalid(expr, "an int", "is not a whole number without a unit"),
            },
            (Type::Port, ExprKind::Number(text)) => match text.parse::<u16>() {
                Ok(port) if port >= 1 => Value::Port(port),
                _ => return self.invalid(expr, "a port", "is outside 1..65535"),
            },
            (Type::Quantity, ExprKind::Number(text)) => match value::parse_quantity(text) {
                Ok(bytes) => Value::Quantity(bytes),
                Err(why) => return self.invalid(expr, "a quantity", &why),
            },
            (Type::Cpu, ExprKind::Number(text)) => match value::parse_cpu(text) {
                Ok(millicores) => Value::Cpu(millicores),
                Err(why) => return self.invalid(expr, "a cpu amount", &why),
            },
            (Type::Duration, ExprKind::Number(text)) => match value::parse_duration(text) {
                Ok(millis) => Value::Duration(millis),
                Err(why) => return self.invalid(expr, "a duration", &why),
            },
            (Type::Ipv4, ExprKind::Ipv4(text)) => match value::parse_ipv4(text) {
                Ok(address) => Value::Ipv4(address),
                Err(why) => return self.invalid(expr, "an IPv4 address", &why),
            },
            (Type::Cidr, ExprKind::Cidr(text) | ExprKind::Ipv4(text)) => match value::parse_cidr(text) {
                Ok(net) => Value::Cidr(net),
                Err(why) => return self.invalid(expr, "a CIDR", &why),
            },
            (Type::Secret, ExprKind::Call(call)) if matches!(call.function.text.as_str(), "env" | "file") => {
                return self.secret(call, span);
            }
            (Type::Secret, ExprKind::Str(_)) => {
                return self.report(
                    Diagnostic::error(
                        Code::E0116,
                        "a secret cannot be written as a literal",
                        span,
                        "literal secret",
                    )
                    .with_help("read it at build time: `env(\"VARIABLE\")` or `file(\"path/to/secret\")`"),
                );
            }
            (_, ExprKind::Call(call)) if !matches!(call.function.text.as_str(), "env" | "file") => {
                return self.unknown_function(call);
            }
            (Type::Enum(id), ExprKind::Name(name)) => Value::Enum(self.variant(*id, name)?),
            (Type::Ref(kinds), ExprKind::Name(name)) => return self.resolve(kinds, &name.text, span),
            (Type::Record(id), ExprKind::Record(record)) => {
                let definition = self.schemas.record(*id);
                let owner = Owner {
                    description: ("this", &definition.name),
                    span,
                    kind_name: &definition.name,
                    report_missing: true,
                };
                Value::Record(self.check_fields(&definition.shape, &record.fields, None, &owner, Completion::Fill))
            }
            (Type::List(inner), ExprKind::List(list)) => {
                Value::List(list.items.iter().filter_map(|item| self.check(item, inner)).collect())
            }
            (Type::Map(inner), ExprKind::Record(record)) => Value::Map(self.map(record, inner)),
            _ => {
                let expected = with_article(&self.schemas.type_name(ty));
                return self.mismatch(expr, &expected);
            }
        };
        Some(Spanned { value, span })
    }

    /// A bare name that names a constant: its value checked at this use (`Some`), or
    /// `None` when the name is no constant.
    fn named_constant(&mut self, name: &Ident, ty: &Type) -> Option<Option<Spanned>> {
        let constants = self.constants?;
        let constant = match constants.lookup(&name.text) {
            Lookup::Found(constant) => constant,
            Lookup::Broken => return Some(None),
            Lookup::NotConstant => return None,
        };
        if let Type::Enum(id) = ty
            && let Some(definition) = self.schemas.enums.get(id.0 as usize)
            && definition.variants.iter().any(|variant| variant.name == name.text)
        {
            return Some(
                self.reject(
                    Diagnostic::error(
                        Code::E0130,
                        format!(
                            "`{}` is both a constant and a variant of the enum `{}`",
                            name.text, definition.name
                        ),
                        name.span,
                        "constant or variant?",
                    )
                    .with_label(constant.name.span, "the constant")
                    .with_help("rename the constant: a bare name must mean one thing"),
                ),
            );
        }
        Some(self.constant(constant, name, ty))
    }

    /// A constant used where a value of `ty` is expected: its value checked against that
    /// type, at the use. What does not fit is one E0129 at the use, labelling the definition.
    fn constant(&mut self, constant: &Constant, used: &Ident, ty: &Type) -> Option<Spanned> {
        self.constant_uses.push((used.span, constant.name.span));
        if !self.expand(used) {
            return None;
        }
        let before = self.diagnostics.len();
        let checked = self.check(&constant.value, ty);
        // A finding about constants themselves (a nested use that does not fit, the
        // budget) stands as it is; a type error of the value becomes E0129 at this use.
        let about_constants = (self.diagnostics[before..].iter())
            .any(|found| matches!(found.code, Code::E0129 | Code::E0130 | Code::E0131 | Code::E0132));
        if self.diagnostics.len() > before && !about_constants {
            let found: Vec<Diagnostic> = self.diagnostics.drain(before..).collect();
            let why = found.first().map_or(String::new(), |first| first.message.clone());
            let expected = with_article(&self.schemas.type_name(ty));
            return self.report(
                Diagnostic::error(
                    Code::E0129,
                    format!("the constant `{}` does not fit here: {why}", used.text),
                    used.span,
                    format!("{expected} is expected here"),
                )
                .with_label(constant.name.span, "defined here")
                .with_help(format!(
                    "use a constant whose value is {expected}, or write the value here"
                )),
            );
        }
        checked.map(|checked| Spanned {
            value: checked.value,
            span: used.span,
        })
    }

    /// Counts one use of a constant against the budget; the one use past it is E0131 (once
    /// per run: what stops there is already an error).
    fn expand(&mut self, used: &Ident) -> bool {
        match self.expansions_left {
            0 => false,
            1 => {
                self.expansions_left = 0;
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::E0131,
                        format!("the constants expand into more than {EXPANSION_BUDGET} values"),
                        used.span,
                        "the use past the limit",
                    )
                    .with_help("constants made of constants multiply their sizes: write the large values out once"),
                );
                false
            }
            _ => {
                self.expansions_left -= 1;
                true
            }
        }
    }

    /// The text of an interpolated string: each `\(NAME)` the text of the constant NAME.
    fn interpolated(&mut self, pieces: &[Piece], span: Span) -> Option<String> {
        let mut text = String::new();
        let mut ok = true;
        for piece in pieces {
            match piece {
                Piece::Text(part) => text.push_str(part),
                Piece::Name(name) => match self.constant_text(name, 0) {
                    Some(part) => text.push_str(&part),
                    None => ok = false,
                },
            }
            if text.len() > crate::syntax::MAX_STRING {
                return self.reject(
                    Diagnostic::error(
                        Code::E0132,
                        format!(
                            "the string grows past {} bytes once its constants are put in",
                            crate::syntax::MAX_STRING
                        ),
                        span,
                        "too long",
                    )
                    .with_help("a string holds at most 16 KiB, however it is written"),
                );
            }
        }
        ok.then_some(text)
    }

    /// The text `\(name)` puts in: a constant's string, number, address, network or
    /// name, as written. Anything else is E0132.
    fn constant_text(&mut self, name: &Ident, depth: usize) -> Option<String> {
        let lookup = match self.constants {
            Some(constants) => constants.lookup(&name.text),
            None => Lookup::NotConstant,
        };
        let constant = match lookup {
            Lookup::Found(constant) => constant,
            Lookup::Broken => return None,
            Lookup::NotConstant if name.text == "index" => {
                return self.reject(super::pools::outside_a_pool("\\(index)", name.span));
            }
            Lookup::NotConstant => {
                let help = (self.constants)
                    .and_then(|constants| did_you_mean(&name.text, constants.names()))
                    .unwrap_or_else(|| "declare it at the top level: `let NAME = \"...\"`".to_string());
                return self.reject(
                    Diagnostic::error(
                        Code::E0132,
                        format!(
                            "`\\({})` puts in no constant: there is no constant `{}`",
                            name.text, name.text
                        ),
                        name.span,
                        "not a constant",
                    )
                    .with_help(help),
                );
            }
        };
        self.constant_uses.push((name.span, constant.name.span));
        if depth > MAX_INTERPOLATION_DEPTH || !self.expand(name) {
            return None;
        }
        match &constant.value.kind {
            ExprKind::Str(text) | ExprKind::Number(text) | ExprKind::Ipv4(text) | ExprKind::Cidr(text) => {
                Some(text.clone())
            }
            ExprKind::Bool(flag) => Some(flag.to_string()),
            ExprKind::Name(other) => match self.constants.map(|constants| constants.lookup(&other.text)) {
                Some(Lookup::Found(_)) => self.constant_text(other, depth + 1),
                Some(Lookup::Broken) => None,
                _ => Some(other.text.to_string()),
            },
            ExprKind::Interpolated(pieces) => {
                let mut text = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Text(part) => text.push_str(part),
                        Piece::Name(inner) => text.push_str(&self.constant_text(inner, depth + 1)?),
                    }
                    if text.len() > crate::syntax::MAX_STRING {
                        return None;
                    }
                }
                Some(text)
            }
            ExprKind::List(_) | ExprKind::Record(_) | ExprKind::Call(_) => {
                let what = match &constant.value.kind {
                    ExprKind::List(_) => "a list",
                    ExprKind::Record(_) => "a record",
                    ExprKind::Call(call) if matches!(call.function.text.as_str(), "env" | "file") => "a secret",
                    _ => "a call",
                };
                self.reject(
                    Diagnostic::error(
                        Code::E0132,
                        format!("`\\({})` cannot put in {what}", name.text),
                        name.span,
                        format!("`{}` is {what}", name.text),
                    )
                    .with_label(constant.name.span, "defined here")
                    .with_help(
                        "a string puts in text: a constant's string, number, address or network; \
                         a secret never becomes plain text",
                    ),
                )
            }
        }
    }

    /// Reports a finding; nothing comes of what it was about.
    fn reject<T>(&mut self, diagnostic: Diagnostic) -> Option<T> {
        self.diagnostics.push(diagnostic);
        None
    }

    /// E0117: a call of a function the language does not have.
    fn unknown_function(&mut self, call: &crate::syntax::ast::Call) -> Option<Spanned> {
        if matches!(call.function.text.as_str(), "step" | "cycle") {
            return self.report(super::pools::outside_a_pool(&call.function.text, call.function.span));
        }
        self.report(
            Diagnostic::error(
                Code::E0117,
                format!("there is no function `{}`", call.function.text),
                call.function.span,
                "unknown function",
            )
            .with_help("the functions are `env(\"VARIABLE\")` and `file(\"path\")`, for secrets"),
        )
    }

    /// `env("NAME")` or `file("path")` where a secret goes.
    fn secret(&mut self, call: &crate::syntax::ast::Call, span: Span) -> Option<Spanned> {
        let [argument] = call.args.as_slice() else {
            return self.report(Diagnostic::error(
                Code::E0106,
                format!("`{}` takes one string argument", call.function.text),
                span,
                format!("{} arguments", call.args.len()),
            ));
        };
        let ExprKind::Str(text) = &argument.kind else {
            return self.mismatch(argument, "a string");
        };
        if text.is_empty() {
            return self.invalid(argument, "a secret source", "is empty");
        }
        let value = Value::Secret(if call.function.text == "env" {
            SecretSource::Env(text.clone())
        } else {
            SecretSource::File(text.clone())
        });
        Some(Spanned { value, span })
    }

    /// The variant of an enum a name is.
    fn variant(&mut self, id: super::schema::EnumId, name: &crate::syntax::ast::Ident) -> Option<&'static str> {
        let definition = self.schemas.enum_def(id);
        match definition.variants.iter().find(|variant| variant.name == name.text) {
            Some(variant) => Some(variant.name),
            None => {
                let names: Vec<&str> = definition.variants.iter().map(|v| v.name).collect();
                self.report(
                    Diagnostic::error(
                        Code::E0110,
                        format!("`{}` is not a `{}`", name.text, definition.name),
                        name.span,
                        format!("not a `{}`", definition.name),
                    )
                    .with_note(format!("`{}` is one of: {}", definition.name, names.join(", ")))
                    .with_help_opt(did_you_mean(&name.text, names.iter().copied())),
                );
                None
            }
        }
    }

    /// A map's entries, each key once.
    fn map(&mut self, record: &crate::syntax::ast::Record, inner: &Type) -> Vec<(super::value::MapKey, Spanned)> {
        let mut entries: Vec<(super::value::MapKey, Spanned)> = Vec::with_capacity(record.fields.len());
        let mut keys: Vec<(&str, Span)> = Vec::new();
        for field in &record.fields {
            if let Some((_, first)) = keys.iter().find(|(key, _)| *key == field.name.text) {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::E0105,
                        format!("key `{}` is set twice", field.name.text),
                        field.name.span,
                        "set again here",
                    )
                    .with_label(*first, "first set here")
                    .with_help("keep one of the two"),
                );
                continue;
            }
            keys.push((&field.name.text, field.name.span));
            if let Some(checked) = self.check(&field.value, inner) {
                entries.push((
                    super::value::MapKey {
                        text: field.name.text.to_string(),
                        span: field.name.span,
                    },
                    checked,
                ));
            }
        }
        entries
    }

    fn resolve(&mut self, kinds: &[KindId], name: &str, span: Span) -> Option<Spanned> {
        let expected = kinds
            .iter()
            .map(|kind| format!("`{}`", self.schemas.entity(*kind).name))
            .collect::<Vec<_>>()
            .join(" or ");
        let Some(model) = self.model else {
            return self.report(
                Diagnostic::error(
                    Code::E0108,
                    format!("`{name}` cannot be referred to here"),
                    span,
                    "the standard library cannot refer to declarations",
                )
                .with_help("set this field in the declaration instead"),
            );
        };
        if let Some(target) = kinds.iter().find_map(|kind| model.lookup(*kind, name)) {
            self.references.push(Reference { span, target });
            return Some(Spanned {
                value: Value::Ref(target),
                span,
            });
        }
        let others = model.kinds_named(name);
        if let Some(other_kind) = others.first() {
            let other_name = &self.schemas.entity(*other_kind).name;
            let mut diagnostic = Diagnostic::error(
                Code::E0109,
                format!("`{name}` is a `{other_name}`, but a {expected} is expected here"),
                span,
                format!("expected a {expected}"),
            )
            .with_note(format!("`{name}` is declared as a `{other_name}`"));
            if let Some(other) = model.lookup(*other_kind, name) {
                diagnostic =
                    diagnostic.with_label(model.entity(other).name_span, format!("`{name}` is a `{other_name}`"));
            }
            let closest = self.closest(model, kinds, name);
            return self.report(diagnostic.with_help_opt(closest.or_else(|| {
                Some(format!(
                    "declare a {expected} named `{name}`, or refer to one that exists"
                ))
            })));
        }
        let help = (self.closest(model, kinds, name)).unwrap_or_else(|| format!("declare a {expected} named `{name}`"));
        self.report(
            Diagnostic::error(
                Code::E0108,
                format!("no {expected} named `{name}`"),
                span,
                "not declared",
            )
            .with_help(help),
        )
    }

    fn report(&mut self, diagnostic: Diagnostic) -> Option<Spanned> {
        self.diagnostics.push(diagnostic);
        None
    }

    fn invalid(&mut self, expr: &Expr, what: &str, why: &str) -> Option<Spanned> {
        let text = match &expr.kind {
            ExprKind::Number(text) | ExprKind::Ipv4(text) | ExprKind::Cidr(text) => text.clone(),
            ExprKind::Str(text) => format!("\"{text}\""),
            _ => String::new(),
        };
        self.report(Diagnostic::error(
            Code::E0107,
            format!("`{text}` is not {what}: it {why}"),
            expr.span,
            format!("invalid {}", what.trim_start_matches("a ").trim_start_matches("an ")),
        ))
    }

    fn mismatch(&mut self, expr: &Expr, expected: &str) -> Option<Spanned> {
        let found = describe(expr);
        let mut diagnostic = Diagnostic::error(
            Code::E0106,
            format!("expected {expected}, found {found}"),
            expr.span,
            format!("expected {expected}"),
        );
        let written = match &expr.kind {
            ExprKind::Name(name) => Some(name.text.as_str()),
            ExprKind::Number(text) | ExprKind::Ipv4(text) | ExprKind::Cidr(text) => Some(text.as_str()),
            _ => None,
        };
        if let (Some(written), true) = (written, expected.ends_with("`string`")) {
            diagnostic = diagnostic.with_help(format!("strings are quoted: \"{written}\""));
        } else if let (ExprKind::Str(text), false) = (&expr.kind, expected.ends_with("`string`")) {
            diagnostic = diagnostic.with_help(format!("remove the quotes if you meant `{text}`"));
        } else if let (ExprKind::Call(call), true) = (&expr.kind, expected.ends_with("`string`"))
            && matches!(call.function.text.as_str(), "env" | "file")
        {
            diagnostic = diagnostic.with_help(
                "a secret is never written into a manifest as text: an app's secret variables go in \
                 `secret_env = { NAME = env(\"...\") }`, a config's in `secrets`",
            );
        }
        self.report(diagnostic)
    }
}

/// A placeholder value of a type.
pub fn example_value(schemas: &Schemas, ty: &Type) -> String {
    match ty {
        Type::String => "\"\"".into(),
        Type::Int => "1".into(),
        Type::Bool => "true".into(),
        Type::Ipv4 => "10.0.0.10".into(),
        Type::Cidr => "10.0.0.0/24".into(),
        Type::Port => "8080".into(),
        Type::Quantity => "1Gi".into(),
        Type::Cpu => "500m".into(),
        Type::Duration => "30s".into(),
        Type::Secret => "env(\"SECRET\")".into(),
        Type::Enum(id) => schemas
            .enum_def(*id)
            .variants
            .first()
            .map_or_else(String::new, |variant| variant.name.to_string()),
        Type::Record(_) | Type::Map(_) => "{}".into(),
        Type::Ref(kinds) => kinds
            .first()
            .map_or_else(String::new, |kind| format!("<{}>", schemas.entity(*kind).name)),
        Type::List(_) => "[]".into(),
    }
}

/// The first sentence of a doc comment, for notes.
pub fn first_sentence(doc: &str) -> &str {
    let doc = doc.trim();
    match doc.find(". ") {
        Some(end) => &doc[..=end],
        None => doc,
    }
}

/// "an `ipv4`", "a `string`".
/// E0113: `from` a component made for another kind.
pub(crate) fn other_kind_component(from: &Ident, component_kind: &str, wanted: &str) -> Diagnostic {
    Diagnostic::error(
        Code::E0113,
        format!(
            "`{}` is a component for `{component_kind}`, not for `{wanted}`",
            from.text
        ),
        from.span,
        format!("{} component", with_article(component_kind)),
    )
    .with_help(format!(
        "declare {} from it, or pick {} component",
        with_article(component_kind),
        with_article(wanted)
    ))
}

pub(crate) fn with_article(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{type_name}`")
}

/// How a value is named in "found ..." messages.
fn describe(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Str(_) | ExprKind::Interpolated(_) => "a string".into(),
        ExprKind::Number(text) => format!("the number `{text}`"),
        ExprKind::Ipv4(text) => format!("the address `{text}`"),
        ExprKind::Cidr(text) => format!("the network `{text}`"),
        ExprKind::Bool(flag) => format!("`{flag}`"),
        ExprKind::Name(name) => format!("the name `{}`", name.text),
        ExprKind::List(_) => "a list".into(),
        ExprKind::Record(_) => "a record".into(),
        ExprKind::Call(call) => format!("a call to `{}`", call.function.text),
    }
}
