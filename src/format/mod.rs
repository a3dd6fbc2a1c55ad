//! The formatter: a syntax tree and its comments back to canonical text.
//!
//! Input: a file's text. Output: the same file in canonical form, or the syntax errors
//! that prevent formatting. Invariants: every comment is kept; formatting is idempotent
//! (`format(format(x)) == format(x)`); the meaning never changes (the formatted file
//! parses to the same tree). Canonical form: two-space indents, one blank line between
//! declarations, declaration blocks one field per line, lists and records on one line
//! unless the source spread them over several, they hold a comment, or they pass
//! [`WIDTH`] columns.

use crate::source::{FileId, SourceFile};
use crate::syntax::{self, SyntaxError, ast, quote};

/// The column limit for values kept on one line.
pub const WIDTH: usize = 100;

const INDENT: &str = "  ";

/// Formats a file, or returns its syntax errors: a file that does not parse is left alone.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<SyntaxError>> {
    let (module, errors) = syntax::parse(file, text);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(format_module(&module, text))
}

/// Formats a parsed module whose source is `text`.
pub fn format_module(module: &ast::Module, text: &str) -> String {
    let source = SourceFile::new("", text);
    let mut printer = Printer {
        source: &source,
        comments: &module.comments,
        next_comment: 0,
        out: String::with_capacity(text.len() + text.len() / 8),
        at_block_start: true,
        force_blank: false,
    };
    for (idx, item) in module.items.iter().enumerate() {
        // Declarations with a body are set apart; runs of one-line items keep the source's
        // blank lines.
        printer.force_blank = idx > 0 && !(printer.one_line(&module.items[idx - 1]) && printer.one_line(item));
        printer.item(item);
    }
    printer.leading(text.len(), 0);
    printer.out
}

struct Printer<'a> {
    source: &'a SourceFile,
    comments: &'a [ast::Comment],
    next_comment: usize,
    out: String,
    /// Nothing printed yet in the current block (no blank line goes here).
    at_block_start: bool,
    /// The next line gets a blank line before it whatever the source had.
    force_blank: bool,
}

impl Printer<'_> {
    /// Whether the source line above `offset` is blank.
    fn blank_before(&self, offset: usize) -> bool {
        let line = self.source.line_of(offset);
        if line == 0 {
            return false;
        }
        let start = self.source.line_start(line - 1);
        let end = self.source.line_start(line);
        self.source
            .text
            .get(start..end)
            .is_some_and(|text| text.trim().is_empty())
    }

    /// Begins an output line for the element at `offset`, with the blank line before it
    /// that the source had (or that canonical form forces).
    fn start_line(&mut self, offset: usize, depth: usize) {
        if !self.at_block_start && (self.force_blank || self.blank_before(offset)) {
            self.out.push('\n');
        }
        self.force_blank = false;
        self.at_block_start = false;
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }

    /// Ends an output line whose last source token ends at `offset`, keeping a comment
    /// that followed it on the same source line.
    fn end_line(&mut self, offset: usize) {
        if let Some(comment) = self.comments.get(self.next_comment) {
            let start = comment.span.start as usize;
            let between = self.source.text.get(offset..start).unwrap_or("x");
            let only_separators = between.chars().all(|ch| ch.is_whitespace() || ch == ',');
            if start >= offset && only_separators && self.source.line_of(start) == self.source.line_of(offset) {
                self.out.push(' ');
                self.out.push_str(&comment.text);
                self.next_comment += 1;
            }
        }
        self.out.push('\n');
    }

    /// Prints, each on its own line, the comments that start before `offset`.
    fn leading(&mut self, offset: usize, depth: usize) {
        while let Some(comment) = self.comments.get(self.next_comment) {
            let start = comment.span.start as usize;
            if start >= offset {
                break;
            }
            self.start_line(start, depth);
            self.out.push_str(&comment.text);
            self.out.push('\n');
            self.next_comment += 1;
        }
    }

    fn has_comment_within(&self, span: crate::source::Span) -> bool {
        let first = self.comments.partition_point(|comment| comment.span.start < span.start);
        self.comments
            .get(first)
            .is_some_and(|comment| comment.span.start < span.end)
    }

    fn item(&mut self, item: &ast::Item) {
        let start = item.span().start as usize;
        self.leading(start, 0);
        self.start_line(start, 0);
        match item {
            ast::Item::Use(use_item) => {
                self.out.push_str("use ");
                match &use_item.target {
                    ast::UseTarget::Module(path) => {
                        let path: Vec<&str> = path.iter().map(|segment| segment.text.as_str()).collect();
                        self.out.push_str(&path.join("."));
                    }
                    ast::UseTarget::Path { text, .. } => self.out.push_str(&crate::syntax::quote(text)),
                }
                self.end_line(use_item.span.end as usize);
            }
            ast::Item::Decl(decl) => {
                for attribute in &decl.attributes {
                    self.out.push('@');
                    self.out.push_str(&attribute.name.text);
                    let args: Vec<String> = attribute.args.iter().map(inline).collect();
                    self.out.push('(');
                    self.out.push_str(&args.join(", "));
                    self.out.push(')');
                    self.end_line(attribute.span.end as usize);
                    self.leading(decl.kind.span.start as usize, 0);
                    self.start_line(decl.kind.span.start as usize, 0);
                }
                self.out.push_str(&decl.kind.text);
                self.out.push(' ');
                self.out.push_str(&decl.name.text);
                if let Some(pool) = &decl.pool {
                    self.out.push_str(&format!("[{}..{}]", pool.from, pool.to));
                }
                if let Some(per_namespace) = &decl.per_namespace {
                    let names: Vec<&str> = (per_namespace.namespaces.iter())
                        .map(|name| name.text.as_str())
                        .collect();
                    self.out.push_str(&format!("[{}]", names.join(", ")));
                }
                if let Some(from) = &decl.from {
                    self.out.push_str(" from ");
                    self.out.push_str(&from.text);
                }
                self.block(&decl.body, 0);
            }
            ast::Item::Component(component) => {
                self.out.push_str("component ");
                self.out.push_str(&component.name.text);
                self.out.push_str(": ");
                self.out.push_str(&component.kind.text);
                if let Some(from) = &component.from {
                    self.out.push_str(" from ");
                    self.out.push_str(&from.text);
                }
                self.block(&component.body, 0);
            }
            ast::Item::Schema(schema) => self.schema(schema),
            ast::Item::Enum(decl) => self.enum_decl(decl),
            ast::Item::Let(constant) => {
                let mut head = format!("let {}", constant.name.text);
                if let Some(ty) = &constant.ty {
                    head.push_str(": ");
                    head.push_str(&type_text(ty));
                }
                head.push_str(" = ");
                self.out.push_str(&head);
                self.value(&constant.value, 0, head.len());
                self.end_line(constant.span.end as usize);
            }
        }
    }

    /// ` { fields }` after a declaration header; always one field per line.
    fn block(&mut self, block: &ast::Block, depth: usize) {
        let close = (block.span.end as usize).saturating_sub(1);
        if block.fields.is_empty() && block.at.is_empty() && !self.has_comment_within(block.span) {
            self.out.push_str(" {}");
            self.end_line(block.span.end as usize);
            return;
        }
        self.out.push_str(" {");
        self.end_line(block.span.start as usize + 1);
        self.at_block_start = true;
        // Fields and `at` blocks, in the order they are written.
        let (mut fields, mut ats) = (block.fields.iter().peekable(), block.at.iter().peekable());
        loop {
            let at_first = match (fields.peek(), ats.peek()) {
                (Some(field), Some(at)) => at.span.start < field.span.start,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => break,
            };
            if at_first {
                if let Some(at) = ats.next() {
                    self.at_line(at, depth + 1);
                }
            } else if let Some(field) = fields.next() {
                self.field_line(field, depth + 1);
            }
        }
        self.leading(close, depth + 1);
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
        self.out.push('}');
        self.at_block_start = false;
        self.end_line(block.span.end as usize);
    }

    /// `at NS { ... }` inside a block.
    fn at_line(&mut self, at: &ast::At, depth: usize) {
        let start = at.span.start as usize;
        self.leading(start, depth);
        self.start_line(start, depth);
        self.out.push_str("at ");
        self.out.push_str(&at.namespace.text);
        self.block(&at.body, depth);
    }

    fn field_line(&mut self, field: &ast::Field, depth: usize) {
        let start = field.span.start as usize;
        self.leading(start, depth);
        self.start_line(start, depth);
        let name = field_name(field);
        self.out.push_str(&name);
        self.out.push_str(" = ");
        let used = depth * INDENT.len() + name.len() + 3;
        self.value(&field.value, depth, used);
        self.end_line(field.span.end as usize);
    }

    /// Prints a value that starts `used` columns into a line at `depth`.
    fn value(&mut self, expr: &ast::Expr, depth: usize, used: usize) {
        let (multiline_source, is_compound) = match &expr.kind {
            ast::ExprKind::List(list) => (list.multiline && !list.items.is_empty(), true),
            ast::ExprKind::Record(record) => (record.multiline && !record.fields.is_empty(), true),
            _ => (false, false),
        };
        // Whether it fits is measured within the columns left, never by printing the
        // whole subtree: at every level of a deep value that would be quadratic.
        let expand = is_compound
            && (multiline_source
                || self.has_comment_within(expr.span)
                || inline_width_within(expr, WIDTH.saturating_sub(used)).is_none());
        if !expand {
            self.out.push_str(&inline(expr));
            return;
        }
        let close = (expr.span.end as usize).saturating_sub(1);
        match &expr.kind {
            ast::ExprKind::List(list) => {
                self.out.push('[');
                self.end_line(expr.span.start as usize + 1);
                self.at_block_start = true;
                for item in &list.items {
                    let start = item.span.start as usize;
                    self.leading(start, depth + 1);
                    self.start_line(start, depth + 1);
                    self.value(item, depth + 1, (depth + 1) * INDENT.len());
                    self.out.push(',');
                    self.end_line(item.span.end as usize);
                }
                self.leading(close, depth + 1);
                self.indent(depth);
                self.out.push(']');
            }
            ast::ExprKind::Record(record) => {
                self.out.push('{');
                self.end_line(expr.span.start as usize + 1);
                self.at_block_start = true;
                for field in &record.fields {
                    self.field_line(field, depth + 1);
                }
                self.leading(close, depth + 1);
                self.indent(depth);
                self.out.push('}');
            }
            _ => self.out.push_str(&inline(expr)),
        }
        self.at_block_start = false;
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }

    fn schema(&mut self, schema: &ast::Schema) {
        self.out.push_str(schema.keyword.as_str());
        self.out.push(' ');
        self.out.push_str(&schema.name.text);
        if let Some(layer) = &schema.layer {
            self.out.push_str(" in ");
            self.out.push_str(&layer.text);
        }
        if schema.fields.is_empty() && !self.has_comment_within(schema.span) {
            self.out.push_str(" {}");
            self.end_line(schema.span.end as usize);
            return;
        }
        self.out.push_str(" {");
        let open = self.source.text[schema.name.span.end as usize..]
            .find('{')
            .map_or(0, |idx| idx + 1);
        self.end_line(schema.name.span.end as usize + open);
        self.at_block_start = true;
        for field in &schema.fields {
            let start = field.span.start as usize;
            self.leading(start, 1);
            self.start_line(start, 1);
            self.out.push_str(&field.name.text);
            self.out.push_str(": ");
            self.out.push_str(&type_text(&field.ty));
            if let Some(default) = &field.default {
                self.out.push_str(" = ");
                let used = self.out.len() - self.out.rfind('\n').map_or(0, |idx| idx + 1);
                self.value(default, 1, used);
            }
            self.end_line(field.span.end as usize);
        }
        self.leading((schema.span.end as usize).saturating_sub(1), 1);
        self.out.push('}');
        self.at_block_start = false;
        self.end_line(schema.span.end as usize);
    }

    fn enum_decl(&mut self, decl: &ast::EnumDecl) {
        self.out.push_str("enum ");
        self.out.push_str(&decl.name.text);
        let names: Vec<&str> = decl.variants.iter().map(|variant| variant.text.as_str()).collect();
        let inline = format!(" {{ {} }}", names.join(", "));
        if self.enum_on_one_line(decl) {
            self.out.push_str(if names.is_empty() { " {}" } else { &inline });
            self.end_line(decl.span.end as usize);
            return;
        }
        self.out.push_str(" {");
        let open = self.source.text[decl.name.span.end as usize..]
            .find('{')
            .map_or(0, |idx| idx + 1);
        self.end_line(decl.name.span.end as usize + open);
        self.at_block_start = true;
        for variant in &decl.variants {
            let start = variant.span.start as usize;
            self.leading(start, 1);
            self.start_line(start, 1);
            self.out.push_str(&variant.text);
            self.out.push(',');
            self.end_line(variant.span.end as usize);
        }
        self.leading((decl.span.end as usize).saturating_sub(1), 1);
        self.out.push('}');
        self.at_block_start = false;
        self.end_line(decl.span.end as usize);
    }
}

impl Printer<'_> {
    /// Whether an item prints on one line: a `use`, a declaration with an empty body, or
    /// an enum kept on one line (by what it prints, not by how the source wrote it, so
    /// that a second formatting sets the same items apart).
    fn one_line(&self, item: &ast::Item) -> bool {
        match item {
            ast::Item::Use(_) => true,
            ast::Item::Decl(decl) => {
                decl.body.fields.is_empty() && decl.body.at.is_empty() && decl.attributes.is_empty()
            }
            ast::Item::Component(component) => component.body.fields.is_empty(),
            ast::Item::Enum(decl) => self.enum_on_one_line(decl),
            ast::Item::Schema(schema) => schema.fields.is_empty(),
            // Constants sit together, one per line, like `use`s.
            ast::Item::Let(constant) => {
                !matches!(
                    &constant.value.kind,
                    ast::ExprKind::List(list) if list.multiline
                ) && !matches!(&constant.value.kind, ast::ExprKind::Record(record) if record.multiline)
            }
        }
    }

    /// Whether an enum prints as `enum name { a, b }` (or `{}`): written on one line, with
    /// no comment inside, within [`WIDTH`].
    fn enum_on_one_line(&self, decl: &ast::EnumDecl) -> bool {
        let inline: usize = (decl.variants.iter())
            .map(|variant| variant.text.len() + 2)
            .sum::<usize>()
            + 3;
        decl.variants.is_empty()
            || !(decl.multiline || self.has_comment_within(decl.span) || 5 + decl.name.text.len() + inline > WIDTH)
    }
}

fn field_name(field: &ast::Field) -> String {
    if field.quoted {
        quote(&field.name.text)
    } else {
        field.name.text.to_string()
    }
}

/// A value on one line.
fn inline(expr: &ast::Expr) -> String {
    match &expr.kind {
        ast::ExprKind::Str(text) => quote(text),
        ast::ExprKind::Interpolated(pieces) => interpolated(pieces),
        ast::ExprKind::Number(text) | ast::ExprKind::Ipv4(text) | ast::ExprKind::Cidr(text) => text.clone(),
        ast::ExprKind::Bool(flag) => flag.to_string(),
        ast::ExprKind::Name(name) => name.text.to_string(),
        ast::ExprKind::List(list) => {
            let items: Vec<String> = list.items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        ast::ExprKind::Record(record) if record.fields.is_empty() => "{}".to_string(),
        ast::ExprKind::Record(record) => {
            let fields: Vec<String> = record
                .fields
                .iter()
                .map(|field| format!("{} = {}", field_name(field), inline(&field.value)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        ast::ExprKind::Call(call) => {
            let args: Vec<String> = call.args.iter().map(inline).collect();
            format!("{}({})", call.function.text, args.join(", "))
        }
    }
}

/// An interpolated string as written: its text pieces escaped, its names in `\(...)`.
fn interpolated(pieces: &[ast::Piece]) -> String {
    let mut out = String::from("\"");
    for piece in pieces {
        match piece {
            ast::Piece::Text(text) => {
                let quoted = quote(text);
                out.push_str(&quoted[1..quoted.len() - 1]);
            }
            ast::Piece::Name(name) => {
                out.push_str("\\(");
                out.push_str(&name.text);
                out.push(')');
            }
        }
    }
    out.push('"');
    out
}

/// The width of [`inline`]`(expr)` if it is at most `budget`, else `None`; it visits no
/// more of the tree than `budget` columns' worth (every value prints at least one).
fn inline_width_within(expr: &ast::Expr, budget: usize) -> Option<usize> {
    // Adds `width` to `used`, failing past the budget.
    let add = |used: usize, width: usize| used.checked_add(width).filter(|total| *total <= budget);
    let listed = |used: usize, open: usize, items: &mut dyn Iterator<Item = (usize, &ast::Expr)>| {
        let mut used = add(used, open)?;
        for (index, (prefix, item)) in items.enumerate() {
            used = add(used, prefix + if index > 0 { 2 } else { 0 })?;
            used = add(used, inline_width_within(item, budget - used)?)?;
        }
        Some(used)
    };
    match &expr.kind {
        ast::ExprKind::Str(text) => {
            let mut used = 2;
            for ch in text.chars() {
                let width = match ch {
                    '"' | '\\' | '\n' | '\t' | '\r' => 2,
                    other => other.len_utf8(),
                };
                used = add(used, width)?;
            }
            add(0, used)
        }
        ast::ExprKind::Interpolated(pieces) => add(0, interpolated(pieces).len()),
        ast::ExprKind::Number(text) | ast::ExprKind::Ipv4(text) | ast::ExprKind::Cidr(text) => add(0, text.len()),
        ast::ExprKind::Bool(flag) => add(0, if *flag { 4 } else { 5 }),
        ast::ExprKind::Name(name) => add(0, name.text.len()),
        // `[` items `]`
        ast::ExprKind::List(list) => add(listed(0, 1, &mut list.items.iter().map(|item| (0, item)))?, 1),
        ast::ExprKind::Record(record) if record.fields.is_empty() => add(0, 2),
        // `{ ` name ` = ` value, ... ` }`
        ast::ExprKind::Record(record) => {
            let mut fields = record.fields.iter().map(|field| {
                let name = if field.quoted {
                    quote(&field.name.text).len()
                } else {
                    field.name.text.len()
                };
                (name + 3, &field.value)
            });
            add(listed(0, 2, &mut fields)?, 2)
        }
        // name `(` args `)`
        ast::ExprKind::Call(call) => {
            let open = call.function.text.len() + 1;
            add(listed(0, open, &mut call.args.iter().map(|arg| (0, arg)))?, 1)
        }
    }
}

fn type_text(ty: &ast::TypeExpr) -> String {
    match &ty.kind {
        ast::TypeExprKind::Named(name) => name.text.to_string(),
        ast::TypeExprKind::Union(names) => names
            .iter()
            .map(|name| name.text.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        ast::TypeExprKind::List(inner) => format!("list<{}>", type_text(inner)),
        ast::TypeExprKind::Map(inner) => format!("map<{}>", type_text(inner)),
        ast::TypeExprKind::Optional(inner) => format!("{}?", type_text(inner)),
        ast::TypeExprKind::Ranged { base, min, max } => format!(
            "{}<{}..{}>",
            base.text,
            min.as_deref().unwrap_or_default(),
            max.as_deref().unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        match format(FileId(0), text) {
            Ok(formatted) => formatted,
            Err(errors) => panic!("{errors:?}"),
        }
    }

    #[test]
    fn canonical_form_with_comments_kept() {
        let text = "# head\nuse monitoring\nnode   m1 from  base {address=10.0.0.1 # the address\n\n\n  roles=[worker,etcd]\n# inside\n}\nnode m2 {}";
        let expected = "# head\nuse monitoring\n\nnode m1 from base {\n  address = 10.0.0.1 # the address\n\n  roles = [worker, etcd]\n  # inside\n}\n\nnode m2 {}\n";
        assert_eq!(fmt(text), expected);
        assert_eq!(fmt(expected), expected, "idempotent");
    }

    #[test]
    fn multiline_values_stay_multiline_and_long_ones_break() {
        let text = "app a {\n  ports = [\n    { name = \"http\", port = 80 }, # web\n  ]\n  env = { A = \"1\" }\n}\n";
        assert_eq!(fmt(text), text);
        let long = format!(
            "app a {{\n  command = [{}]\n}}\n",
            ["\"--flag-number-x\""; 8].join(", ")
        );
        let formatted = fmt(&long);
        assert!(
            formatted.contains("command = [\n    \"--flag-number-x\",\n"),
            "{formatted}"
        );
        assert_eq!(fmt(&formatted), formatted);
    }

    #[test]
    fn strings_are_requoted() {
        let text = "a b {\n  s = \"x\\\"y\\\\z\\n\"\n}\n";
        assert_eq!(fmt(text), text);
    }

    /// The bounded measure agrees with what [`inline`] prints, and refuses one column less.
    #[test]
    fn the_measured_width_is_the_printed_width() {
        let text = "a b {\n  s = \"x\\\"y\\\\z\\n\u{e9}\"\n  l = [1, [true, false], {}, { \"a b\" = 10.0.0.1, c = 10.0.0.0/8 }]\n  c = env(\"X\", [f(g())])\n  e = []\n}\n";
        let (module, errors) = syntax::parse(FileId(0), text);
        assert!(errors.is_empty(), "{errors:?}");
        let ast::Item::Decl(decl) = &module.items[0] else {
            panic!("a declaration")
        };
        for field in &decl.body.fields {
            let printed = inline(&field.value).len();
            assert_eq!(
                inline_width_within(&field.value, usize::MAX),
                Some(printed),
                "{}",
                field.name.text
            );
            assert_eq!(inline_width_within(&field.value, printed), Some(printed));
            assert_eq!(
                inline_width_within(&field.value, printed - 1),
                None,
                "{}",
                field.name.text
            );
        }
    }

    #[test]
    fn a_file_with_syntax_errors_is_not_formatted() {
        assert!(format(FileId(0), "node a {\n  x = \n").is_err());
    }
}
