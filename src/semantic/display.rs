//! Values and schemas written back as source text, for docs, hovers and messages.

use std::fmt::Write;

use super::model::Model;
use super::schema::{Schemas, Shape, Type};
use super::typeck::first_sentence;
use super::value::{FieldValue, SecretSource, Value, format_cpu, format_quantity};
use crate::syntax::quote;

/// A value as it would be written in source. References need the model to be named.
pub fn value_text(schemas: &Schemas, model: Option<&Model>, ty: &Type, value: &Value) -> String {
    let inner = |item_ty: &Type, item: &Value| value_text(schemas, model, item_ty, item);
    match (ty, value) {
        (_, Value::Str(text)) => quote(text),
        (_, Value::Int(number)) => number.to_string(),
        (_, Value::Bool(flag)) => flag.to_string(),
        (_, Value::Ipv4(address)) => address.to_string(),
        (_, Value::Cidr(net)) => net.to_string(),
        (_, Value::Port(port)) => port.to_string(),
        (_, Value::Quantity(bytes)) => format_quantity(*bytes),
        (_, Value::Cpu(millicores)) => format_cpu(*millicores),
        (_, Value::Duration(millis)) => format_duration(*millis),
        (_, Value::Enum(name)) => (*name).to_string(),
        (_, Value::Ref(id)) => model.map_or_else(|| format!("#{}", id.0), |model| model.entity(*id).name.clone()),
        (Type::List(item_ty), Value::List(items)) => {
            let items: Vec<String> = items.iter().map(|item| inner(item_ty, &item.value)).collect();
            format!("[{}]", items.join(", "))
        }
        (Type::Map(item_ty), Value::Map(entries)) if !entries.is_empty() => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, item)| format!("{key} = {}", inner(item_ty, &item.value)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        (Type::Record(id), Value::Record(fields)) => record_text(schemas, model, &schemas.record(*id).shape, fields),
        (_, Value::Secret(SecretSource::Env(name))) => format!("env({})", quote(name)),
        (_, Value::Secret(SecretSource::File(path))) => format!("file({})", quote(path)),
        (_, Value::List(_)) => "[]".into(),
        (_, Value::Map(_) | Value::Record(_)) => "{}".into(),
    }
}

fn record_text(schemas: &Schemas, model: Option<&Model>, shape: &Shape, fields: &[Option<FieldValue>]) -> String {
    let set: Vec<String> = shape
        .fields
        .iter()
        .zip(fields)
        .filter_map(|(definition, field)| {
            field.as_ref().map(|field| {
                format!(
                    "{} = {}",
                    definition.name,
                    value_text(schemas, model, &definition.ty, &field.value.value)
                )
            })
        })
        .collect();
    if set.is_empty() {
        "{}".into()
    } else {
        format!("{{ {} }}", set.join(", "))
    }
}

/// Milliseconds in the largest unit that divides them exactly.
pub fn format_duration(millis: u64) -> String {
    for (unit, scale) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] {
        if millis >= scale && millis.is_multiple_of(scale) {
            return format!("{}{unit}", millis / scale);
        }
    }
    format!("{millis}ms")
}

/// The schema reference (`lang/schema.md`), generated from the prelude.
pub fn schema_reference(schemas: &Schemas) -> String {
    let mut out = String::new();
    out.push_str("# Schema reference\n\n");
    out.push_str(
        "Generated from `stdlib/prelude.k8s`; do not edit. A test keeps it current\n\
         (`K8SC_UPDATE_DOCS=1 cargo test --test suite docs` rewrites it).\n\n",
    );
    out.push_str("## Kinds of declaration\n\n");
    for layer in super::schema::LAYERS {
        for entity in schemas.entities.iter().filter(|entity| entity.layer == *layer) {
            let _ = writeln!(out, "### `{}` ({})\n\n{}\n", entity.name, entity.layer, entity.doc);
            shape_table(schemas, &entity.shape, &mut out);
        }
    }
    out.push_str("## Records\n\n");
    for record in &schemas.records {
        let _ = writeln!(out, "### `{}`\n\n{}\n", record.name, record.doc);
        shape_table(schemas, &record.shape, &mut out);
    }
    out.push_str("## Enums\n\n| enum | variants | meaning |\n| --- | --- | --- |\n");
    for definition in &schemas.enums {
        let variants: Vec<String> = definition
            .variants
            .iter()
            .map(|variant| format!("`{}`", variant.name))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            definition.name,
            variants.join(", "),
            definition.doc
        );
    }
    out.push_str("\n## Components\n\n| component | module | kind | what it is |\n| --- | --- | --- | --- |\n");
    for component in &schemas.components {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | `{}` | {} |",
            component.name,
            component.module,
            schemas.entity(component.kind).name,
            component.doc
        );
    }
    out
}

fn shape_table(schemas: &Schemas, shape: &Shape, out: &mut String) {
    out.push_str("| field | type | default | description |\n| --- | --- | --- | --- |\n");
    for field in &shape.fields {
        let default = match (&field.default, field.optional) {
            (Some(default), _) => format!("`{}`", value_text(schemas, None, &field.ty, &default.value.value)),
            (None, true) => "optional".into(),
            (None, false) => "**required**".into(),
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} |",
            field.name,
            field.type_text(schemas).replace('|', "\\|"),
            default,
            first_sentence(&field.doc)
        );
    }
    out.push('\n');
}
