//! The typed views of the model (`src/semantic/views.rs`) are generated here from the
//! prelude, by the project's own parser and schema loader, and held fresh; no rule,
//! emitter or command reads a field or kind by a name written as a string; and every
//! field of the prelude is read by something, or its doc comment says why it is only
//! informational.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use k8sc::semantic::Type;
use k8sc::semantic::schema::{FieldDef, Schemas, Shape};
use k8sc::semantic::stdlib::stdlib;

const VIEWS: &str = "src/semantic/views.rs";

/// How a doc comment marks a field that nothing reads on purpose:
/// `## ... Informational: the reason.`
const INFORMATIONAL: &str = "Informational: ";

#[test]
fn the_views_match_the_prelude() {
    let path = crate::root().join(VIEWS);
    let generated = rustfmt(&render(&stdlib().schemas));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::write(&path, &generated).expect("write the views");
        panic!("{VIEWS} was stale and has been rewritten from the prelude: review the diff and commit it");
    }
}

/// The by-name reads that remain for what only knows a name at run time (the language
/// server's cursor, a `simulate` argument): none of them may be given a literal.
const BY_NAME: &[&str] = &[
    "field",
    "value",
    "field_span",
    "kind",
    "position",
    "lookup",
    "field_named",
];

#[test]
fn no_field_or_kind_is_read_by_a_string_name() {
    let schemas = &stdlib().schemas;
    let mut names: Vec<&str> = schemas.kind_names().collect();
    for shape in schemas
        .entities
        .iter()
        .map(|entity| &entity.shape)
        .chain(schemas.records.iter().map(|record| &record.shape))
    {
        names.extend(shape.fields.iter().map(|field| field.name.as_str()));
    }
    let mut found = Vec::new();
    for file in rust_files(&crate::root().join("src")) {
        if file.ends_with(VIEWS) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a source file");
        for (line, literal, method) in literal_arguments(&text) {
            if names.contains(&literal.as_str()) && (BY_NAME.contains(&method.as_str()) || method == "all") {
                let shown = file.strip_prefix(crate::root()).unwrap_or(&file).display().to_string();
                found.push(format!("{shown}:{line}: {method}(.. \"{literal}\" ..)"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "fields and kinds are read through the generated views, not by name:\n{}",
        found.join("\n")
    );
}

/// The compiler lists what nothing reads: each view's field accessor is crate-private,
/// so rustc's dead-code analysis finds every one that no rule, emitter or command calls
/// (an informational field's accessor expects to be unused, so reading it fails too).
#[test]
fn every_prelude_field_is_read_or_informational() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(crate::root())
        .args(["check", "--lib", "--quiet", "--message-format=json", "--target-dir"])
        .arg(crate::root().join("target").join("read-audit"))
        .env("RUSTFLAGS", "-W dead_code -W unfulfilled_lint_expectations")
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo check failed:\n{stderr}");
    let views = std::fs::read_to_string(crate::root().join(VIEWS)).expect("the views");
    let lines: Vec<&str> = views.lines().collect();
    let mut unread = Vec::new();
    for message in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(message) else {
            continue;
        };
        let diagnostic = &message["message"];
        let code = diagnostic["code"]["code"].as_str().unwrap_or_default();
        if !matches!(code, "dead_code" | "unfulfilled_lint_expectations") {
            continue;
        }
        for span in diagnostic["spans"].as_array().into_iter().flatten() {
            if span["file_name"].as_str() != Some(VIEWS) {
                continue;
            }
            let line = usize::try_from(span["line_start"].as_u64().unwrap_or(0)).unwrap_or(0);
            let text = lines.get(line.saturating_sub(1)).map_or("", |text| text.trim());
            // The accessors' own helpers are used once any accessor is.
            if text.starts_with("fn field(") || text.starts_with("model:") || text.starts_with("impl") {
                continue;
            }
            let owner = lines[..line.min(lines.len())]
                .iter()
                .rev()
                .find_map(|text| text.trim().strip_prefix("// field of "))
                .unwrap_or("?");
            let what = diagnostic["message"].as_str().unwrap_or_default();
            unread.push(format!("{owner} ({VIEWS}:{line}): {what}"));
        }
    }
    assert!(
        unread.is_empty(),
        "fields of the prelude that nothing reads (read them, or say in the field's doc \
         comment `{INFORMATIONAL}<why nothing needs to>`):\n{}",
        unread.join("\n")
    );
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every string literal that is an argument of a call, with its line and the called
/// method's (or function's) name; comments are skipped.
fn literal_arguments(text: &str) -> Vec<(usize, String, String)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // The name before each open parenthesis, innermost last.
    let mut calls: Vec<String> = Vec::new();
    let mut line = 1;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => line += 1,
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
                continue;
            }
            b'\'' => {
                // A char literal ('"' among them); a lifetime has no closing quote nearby.
                if let Some(end) = text[at + 1..].find('\'')
                    && end <= 4
                    && !text[at + 1..at + 1 + end].contains('\n')
                {
                    at += end + 2;
                    continue;
                }
            }
            b'"' => {
                let start = at + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'"' {
                    if bytes[end] == b'\\' {
                        end += 1;
                    }
                    if bytes.get(end) == Some(&b'\n') {
                        line += 1;
                    }
                    end += 1;
                }
                if let Some(method) = calls.last() {
                    found.push((line, text[start..end.min(bytes.len())].to_string(), method.clone()));
                }
                at = end + 1;
                continue;
            }
            b'(' => {
                let before = text[..at].trim_end();
                let name: String = before
                    .chars()
                    .rev()
                    .take_while(|ch| ch.is_alphanumeric() || *ch == '_')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                calls.push(name);
            }
            b')' => {
                calls.pop();
            }
            _ => {}
        }
        at += 1;
    }
    found
}

fn rustfmt(source: &str) -> String {
    use std::io::Write as _;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(crate::root().join("rustfmt.toml"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run rustfmt");
    child
        .stdin
        .take()
        .expect("rustfmt's stdin")
        .write_all(source.as_bytes())
        .expect("write to rustfmt");
    let output = child.wait_with_output().expect("rustfmt");
    assert!(output.status.success(), "rustfmt rejected the generated views");
    String::from_utf8(output.stdout).expect("UTF-8 from rustfmt")
}

/// `control_plane` -> `ControlPlane`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `registry` -> `registries`, `public_address` -> `public_addresses`.
fn plural(name: &str) -> String {
    if let Some(stem) = name.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{stem}ies")
    } else if name.ends_with('s') || name.ends_with('x') || name.ends_with("sh") || name.ends_with("ch") {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

/// A field name as a Rust method name.
fn method(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
        "false", "final", "fn", "for", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut",
        "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
        "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The Rust name of a reference to one of these kinds: `NodeId`, `NodeOrDrbdPair`.
fn ref_name(schemas: &Schemas, kinds: &[k8sc::semantic::KindId]) -> String {
    match kinds {
        [kind] => format!("{}Id", camel(&schemas.entity(*kind).name)),
        _ => kinds
            .iter()
            .map(|kind| camel(&schemas.entity(*kind).name))
            .collect::<Vec<_>>()
            .join("Or"),
    }
}

/// The Rust type a value of `ty` reads as, and its reader (a `Reader<'m, T>`).
fn rust_type(schemas: &Schemas, ty: &Type) -> (String, String) {
    let scalar = |rust: &str, reader: &str| (rust.to_string(), format!("read::{reader}"));
    match ty {
        Type::String => scalar("&'m str", "string"),
        Type::Int => scalar("i64", "int"),
        Type::Bool => scalar("bool", "boolean"),
        Type::Ipv4 => scalar("Ipv4Addr", "ipv4"),
        Type::Cidr => scalar("Ipv4Net", "cidr"),
        Type::Port => scalar("u16", "port"),
        Type::Quantity => scalar("u64", "quantity"),
        Type::Cpu => scalar("u64", "cpu"),
        Type::Duration => scalar("u64", "duration"),
        Type::Secret => scalar("&'m SecretSource", "secret"),
        Type::Enum(id) => {
            let name = camel(&schemas.enum_def(*id).name);
            (name.clone(), format!("{name}::read"))
        }
        Type::Record(id) => {
            let name = camel(&schemas.record(*id).name);
            (format!("{name}<'m>"), format!("{name}::read"))
        }
        Type::Ref(kinds) => {
            let name = ref_name(schemas, kinds);
            (name.clone(), format!("{name}::read"))
        }
        Type::List(inner) => {
            let (item, reader) = rust_type(schemas, inner);
            (
                format!("List<'m, {item}>"),
                format!("|model, value| read::list(model, value, {reader})"),
            )
        }
        Type::Map(inner) => {
            let (item, reader) = rust_type(schemas, inner);
            (
                format!("Map<'m, {item}>"),
                format!("|model, value| read::map(model, value, {reader})"),
            )
        }
    }
}

/// The Rust value of a field's prelude default: what its view reads when the field has
/// no value it can read (a value the front end rejected; the rules do not run then, but
/// the language server does).
fn default_literal(schemas: &Schemas, ty: &Type, value: &k8sc::semantic::Value) -> String {
    use k8sc::semantic::Value;
    match (ty, value) {
        (_, Value::Str(text)) => format!("{text:?}"),
        (_, Value::Int(number)) => format!("{number}"),
        (_, Value::Bool(flag)) => format!("{flag}"),
        (_, Value::Port(port)) => format!("{port}"),
        (_, Value::Quantity(number) | Value::Cpu(number) | Value::Duration(number)) => format!("{number}"),
        (_, Value::Ipv4(address)) => {
            let [a, b, c, d] = address.octets();
            format!("Ipv4Addr::new({a}, {b}, {c}, {d})")
        }
        (_, Value::Cidr(network)) => {
            let [a, b, c, d] = network.addr().octets();
            format!(
                "Ipv4Net::new_assert(Ipv4Addr::new({a}, {b}, {c}, {d}), {})",
                network.prefix_len()
            )
        }
        (Type::Enum(id), Value::Enum(variant)) => {
            format!("{}::{}", camel(&schemas.enum_def(*id).name), camel(variant))
        }
        (Type::Record(id), Value::Record(_)) => {
            // A record's default is read from the prelude itself, so its fields keep
            // theirs; the empty record is only for a kind the view does not hold.
            format!("{}::empty(self.model)", camel(&schemas.record(*id).name))
        }
        _ => panic!(
            "no Rust literal for the default {value:?} of type {}",
            schemas.type_name(ty)
        ),
    }
}

/// A doc comment, one `///` line per sentence-sized piece.
fn doc(out: &mut String, text: &str) {
    for line in text.split(". ").filter(|line| !line.trim().is_empty()) {
        let line = line.trim();
        let dot = if line.ends_with('.') || line.ends_with(':') {
            ""
        } else {
            "."
        };
        let _ = writeln!(out, "/// {line}{dot}");
    }
}

/// What a field reads as, in words, for its accessor's doc.
fn unit_note(ty: &Type) -> &'static str {
    match ty {
        Type::Quantity => " In bytes.",
        Type::Cpu => " In millicores.",
        Type::Duration => " In milliseconds.",
        Type::List(_) | Type::Map(_) => " Absent or rejected: empty.",
        _ => "",
    }
}

/// The accessors of one shape's fields. `owner` names the kind or record in the
/// markers the unread-field test reads back.
fn accessors(out: &mut String, schemas: &Schemas, owner: &str, shape: &Shape, reserved: &[&str]) {
    for (position, field) in shape.fields.iter().enumerate() {
        assert!(
            !reserved.contains(&field.name.as_str()),
            "the field `{owner}.{}` has the name of a view's own method",
            field.name
        );
        accessor(out, schemas, owner, position, field);
    }
}

fn accessor(out: &mut String, schemas: &Schemas, owner: &str, position: usize, field: &FieldDef) {
    let (rust, reader) = rust_type(schemas, &field.ty);
    let name = method(&field.name);
    let collection = match field.ty {
        Type::List(_) => Some("List"),
        Type::Map(_) => Some("Map"),
        _ => None,
    };
    let _ = writeln!(out, "// field of `{owner}.{}`", field.name);
    doc(out, &field.doc);
    let _ = writeln!(
        out,
        "/// `{}: {}{}`.{}",
        field.name,
        schemas.type_name(&field.ty),
        if field.optional { "?" } else { "" },
        unit_note(&field.ty)
    );
    if let Some(reason) = field.doc.split(INFORMATIONAL).nth(1) {
        let reason = reason.trim().trim_end_matches('.').replace('"', "'");
        let _ = writeln!(out, "#[expect(dead_code, reason = \"informational: {reason}\")]");
    }
    match collection {
        Some(kind) => {
            let item_reader = match &field.ty {
                Type::List(inner) | Type::Map(inner) => rust_type(schemas, inner).1,
                _ => unreachable!(),
            };
            let lower = kind.to_lowercase();
            let read =
                format!("self.field({position}).and_then(|value| read::{lower}(self.model, value, {item_reader}))");
            if field.optional {
                let _ = writeln!(out, "pub(crate) fn {name}(self) -> Option<{rust}> {{ {read} }}");
            } else {
                let _ = writeln!(
                    out,
                    "pub(crate) fn {name}(self) -> {rust} {{ {read}.unwrap_or_else(|| {kind}::empty(self.model, {item_reader})) }}"
                );
            }
        }
        None => match field
            .default
            .as_ref()
            .map(|default| default_literal(schemas, &field.ty, &default.value.value))
        {
            // The prelude's default, decided once: the view reads the effective value.
            Some(fallback) => {
                let _ = writeln!(
                    out,
                    "pub(crate) fn {name}(self) -> {rust} {{ self.field({position}).and_then(|value| {reader}(self.model, value)).unwrap_or({fallback}) }}"
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "pub(crate) fn {name}(self) -> Option<{rust}> {{ self.field({position}).and_then(|value| {reader}(self.model, value)) }}"
                );
            }
        },
    }
    let _ = writeln!(
        out,
        "/// Where `{}` is written; else the declaration's or record's own span.\n\
         #[allow(dead_code, reason = \"pointing at a field is not reading it\")]\n\
         pub(crate) fn {}_span(self) -> Span {{ self.span_of({position}) }}\n",
        field.name, field.name
    );
}

fn render(schemas: &Schemas) -> String {
    let mut out = String::new();
    out.push_str(
        "//! GENERATED from `stdlib/prelude.k8s` by the test `views::the_views_match_the_prelude`\n\
         //! (tests/suite/views.rs), with the project's own parser: do not edit. When the prelude\n\
         //! changes, `cargo test --test suite views` rewrites this file and fails once; review\n\
         //! the diff and commit it.\n\
         //!\n\
         //! A typed view of every entity kind, record and enum of the prelude: one accessor per\n\
         //! field, returning the field's Rust type (memory in bytes, cpu in millicores,\n\
         //! durations in milliseconds, enums as Rust enums, references as ids typed by the kind\n\
         //! they point to, records as views, lists and maps read lazily). Each accessor reads by\n\
         //! the field's position, fixed here; component values and defaults apply as in\n\
         //! `Model::read_at`. A field with a prelude default reads as its effective value, never\n\
         //! an `Option`: the default is written into its accessor, so no reader supplies its own.\n\
         //! Another field that is absent or was rejected reads as `None` (a list or map as\n\
         //! empty). The accessors are crate-private, so the compiler reports a field that\n\
         //! nothing reads (see the test `every_prelude_field_is_read_or_informational`).\n\n\
         use std::net::Ipv4Addr;\n\n\
         use ipnet::Ipv4Net;\n\n\
         use super::model::{Entity, EntityId, Model};\n\
         use super::read::{self, List, Map};\n\
         use super::schema::KindId;\n\
         use super::value::{SecretSource, Spanned, Value};\n\
         use crate::source::Span;\n\n",
    );
    // Enums.
    for definition in &schemas.enums {
        let name = camel(&definition.name);
        doc(&mut out, &definition.doc);
        let _ = writeln!(
            out,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]"
        );
        let _ = writeln!(out, "pub enum {name} {{");
        for variant in &definition.variants {
            doc(&mut out, &variant.doc);
            let _ = writeln!(out, "{},", camel(variant.name));
        }
        let _ = writeln!(out, "}}\n\nimpl {name} {{");
        let _ = writeln!(out, "/// Every variant, in the prelude's order.");
        let _ = writeln!(out, "pub const ALL: [{name}; {}] = [", definition.variants.len());
        for variant in &definition.variants {
            let _ = writeln!(out, "{name}::{},", camel(variant.name));
        }
        let _ = writeln!(out, "];\n\n/// The variant as the language writes it.");
        let _ = writeln!(out, "pub fn as_str(self) -> &'static str {{ match self {{");
        for variant in &definition.variants {
            let _ = writeln!(out, "{name}::{} => \"{}\",", camel(variant.name), variant.name);
        }
        let _ = writeln!(out, "}} }}\n\n/// The variant the language writes so.");
        let _ = writeln!(out, "pub fn parse(name: &str) -> Option<{name}> {{ match name {{");
        for variant in &definition.variants {
            let _ = writeln!(out, "\"{}\" => Some({name}::{}),", variant.name, camel(variant.name));
        }
        let _ = writeln!(out, "_ => None, }} }}\n");
        let _ = writeln!(
            out,
            "pub fn read(_: &Model, value: &Spanned) -> Option<{name}> {{ read::variant(value).and_then({name}::parse) }}\n}}\n"
        );
        let _ = writeln!(
            out,
            "impl std::fmt::Display for {name} {{\n\
             fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{ f.write_str(self.as_str()) }}\n}}\n"
        );
    }
    // Typed ids and views of the entity kinds.
    for (index, entity) in schemas.entities.iter().enumerate() {
        let kind = &entity.name;
        let name = camel(kind);
        let _ = writeln!(out, "/// The id of a `{kind}` declaration.");
        let _ = writeln!(
            out,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub struct {name}Id(EntityId);\n"
        );
        let _ = writeln!(out, "impl {name}Id {{");
        let _ = writeln!(out, "/// The kind, as the standard library numbers it.");
        let _ = writeln!(out, "pub const KIND: KindId = KindId({index});\n");
        let _ = writeln!(out, "pub fn entity(self) -> EntityId {{ self.0 }}\n");
        let _ = writeln!(out, "/// A reference to a `{kind}`, its target's kind checked.");
        let _ = writeln!(
            out,
            "pub fn read(model: &Model, value: &Spanned) -> Option<{name}Id> {{ read::reference(model, value, {name}Id::KIND).map({name}Id) }}\n}}\n"
        );
        let _ = writeln!(
            out,
            "impl From<{name}Id> for EntityId {{ fn from(id: {name}Id) -> EntityId {{ id.0 }} }}\n"
        );
        doc(&mut out, &entity.doc);
        let _ = writeln!(
            out,
            "#[derive(Clone, Copy)]\npub struct {name}<'m> {{ model: &'m Model, id: EntityId, of_kind: bool }}\n"
        );
        let _ = writeln!(out, "impl<'m> {name}<'m> {{");
        let _ = writeln!(
            out,
            "pub fn id(self) -> {name}Id {{ {name}Id(self.id) }}\n\n\
             pub fn entity(self) -> &'m Entity {{ self.model.entity(self.id) }}\n\n\
             pub fn name(self) -> &'m str {{ &self.model.entity(self.id).name }}\n\n\
             pub fn name_span(self) -> Span {{ self.model.entity(self.id).name_span }}\n\n\
             fn field(self, position: usize) -> Option<&'m Spanned> {{ if self.of_kind {{ self.model.read_at(self.id, position) }} else {{ None }} }}\n\n\
             fn span_of(self, position: usize) -> Span {{ if self.of_kind {{ self.model.span_at(self.id, position) }} else {{ self.name_span() }} }}\n"
        );
        accessors(
            &mut out,
            schemas,
            kind,
            &entity.shape,
            &["id", "entity", "name", "name_span", "field", "span_of"],
        );
        let _ = writeln!(out, "}}\n");
        let many = plural(kind);
        let _ = writeln!(out, "impl Model {{");
        let _ = writeln!(out, "/// Every `{kind}`, in source order.");
        let _ = writeln!(
            out,
            "pub fn {many}(&self) -> impl DoubleEndedIterator<Item = {name}<'_>> + ExactSizeIterator + '_ {{ \
             self.of_kind({name}Id::KIND).iter().map(|&id| {name} {{ model: self, id, of_kind: true }}) }}\n"
        );
        let _ = writeln!(
            out,
            "/// The `{kind}` `id` names; the id of another kind gives a view that reads nothing."
        );
        let _ = writeln!(
            out,
            "pub fn {kind}(&self, id: impl Into<EntityId>) -> {name}<'_> {{ let id = id.into(); \
             {name} {{ model: self, id, of_kind: self.entities.get(id.0 as usize).is_some_and(|entity| entity.kind == {name}Id::KIND) }} }}\n"
        );
        let _ = writeln!(out, "/// `id` as a `{kind}`'s, when it names one.");
        let _ = writeln!(
            out,
            "pub fn {kind}_id(&self, id: EntityId) -> Option<{name}Id> {{ \
             self.entities.get(id.0 as usize).is_some_and(|entity| entity.kind == {name}Id::KIND).then_some({name}Id(id)) }}\n}}\n"
        );
    }
    // References that may point to several kinds.
    let mut unions: Vec<Vec<k8sc::semantic::KindId>> = Vec::new();
    let mut note = |ty: &Type| {
        let mut ty = ty;
        while let Type::List(inner) | Type::Map(inner) = ty {
            ty = inner;
        }
        if let Type::Ref(kinds) = ty
            && kinds.len() > 1
            && !unions.contains(kinds)
        {
            unions.push(kinds.clone());
        }
    };
    for shape in schemas
        .entities
        .iter()
        .map(|entity| &entity.shape)
        .chain(schemas.records.iter().map(|record| &record.shape))
    {
        shape.fields.iter().for_each(|field| note(&field.ty));
    }
    for kinds in &unions {
        let name = ref_name(schemas, kinds);
        let written: Vec<&str> = kinds.iter().map(|kind| schemas.entity(*kind).name.as_str()).collect();
        let _ = writeln!(out, "/// A reference to a `{}`.", written.join("` or a `"));
        let _ = writeln!(
            out,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum {name} {{"
        );
        for kind in kinds {
            let variant = camel(&schemas.entity(*kind).name);
            let _ = writeln!(out, "{variant}({variant}Id),");
        }
        let _ = writeln!(
            out,
            "}}\n\nimpl {name} {{\npub fn entity(self) -> EntityId {{ match self {{"
        );
        for kind in kinds {
            let variant = camel(&schemas.entity(*kind).name);
            let _ = writeln!(out, "{name}::{variant}(id) => id.entity(),");
        }
        let _ = writeln!(
            out,
            "}} }}\n\n/// A reference to one of the kinds, its target's kind checked."
        );
        let _ = writeln!(
            out,
            "pub fn read(model: &Model, value: &Spanned) -> Option<{name}> {{ None"
        );
        for kind in kinds {
            let variant = camel(&schemas.entity(*kind).name);
            let _ = writeln!(
                out,
                ".or_else(|| {variant}Id::read(model, value).map({name}::{variant}))"
            );
        }
        let _ = writeln!(out, "}}\n}}\n");
        let _ = writeln!(
            out,
            "impl From<{name}> for EntityId {{ fn from(id: {name}) -> EntityId {{ id.entity() }} }}\n"
        );
    }
    // Records.
    for record in &schemas.records {
        let kind = &record.name;
        let name = camel(kind);
        doc(&mut out, &record.doc);
        let _ = writeln!(
            out,
            "#[derive(Clone, Copy)]\npub struct {name}<'m> {{ model: &'m Model, value: &'m Spanned }}\n"
        );
        let _ = writeln!(out, "impl<'m> {name}<'m> {{");
        let _ = writeln!(
            out,
            "/// A `{kind}` record value.\n\
             pub fn read(model: &'m Model, value: &'m Spanned) -> Option<{name}<'m>> {{ \
             matches!(value.value, Value::Record(_)).then_some({name} {{ model, value }}) }}\n\n\
             /// Where the record is written (or the default's place in the standard library).\n\
             /// The record with no field written: every field reads its default.\n\
             pub fn empty(model: &'m Model) -> {name}<'m> {{ {name} {{ model, value: &read::EMPTY_RECORD }} }}\n\n\
             pub fn span(self) -> Span {{ self.value.span }}\n\n\
             fn field(self, position: usize) -> Option<&'m Spanned> {{ read::record_field(self.value, position) }}\n\n\
             fn span_of(self, position: usize) -> Span {{ self.field(position).map_or(self.value.span, |value| value.span) }}\n"
        );
        accessors(
            &mut out,
            schemas,
            kind,
            &record.shape,
            &["read", "empty", "span", "field", "span_of"],
        );
        let _ = writeln!(out, "}}\n");
    }
    out
}
