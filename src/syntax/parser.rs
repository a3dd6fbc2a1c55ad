//! The nom parser: text to [`Module`], never failing.
//!
//! Tokens are recognised with nom's character parsers over `&str`; spans come from the
//! length of the remaining input. Errors are collected, not returned: a broken field is
//! skipped up to the next line that starts a field, and a broken declaration up to the
//! next line that starts a declaration, so one run reports every syntax error and the
//! language server still sees every declaration that parsed.

use nom::{
    IResult,
    bytes::complete::take_while,
    character::complete::{char as one_char, digit1},
    error::{ErrorKind, ParseError},
};

use super::ast::*;
use super::error::{SyntaxError, SyntaxErrorKind};
use crate::source::{FileId, Span};

/// Words with a meaning of their own; none can name a declaration.
pub const KEYWORDS: &[&str] = &[
    "use",
    "entity",
    "record",
    "enum",
    "component",
    "let",
    "at",
    "from",
    "in",
    "true",
    "false",
];

/// Parses a whole file. Never fails: what cannot be parsed is reported and skipped.
///
/// A large file is parsed in two halves on two threads, split where a top-level
/// declaration starts; when either half reports an error the file is parsed again in one
/// piece, so the tree and the errors are always those of the sequential parse.
pub fn parse(file: FileId, text: &str) -> (Module, Vec<SyntaxError>) {
    if let Some(split) = split_point(text) {
        let (first, second, comments) = std::thread::scope(|scope| {
            let first = scope.spawn(|| Parser::new(file, &text[..split]).items_from(0));
            let comments = scope.spawn(|| comments(file, text));
            let second = Parser::new(file, text).items_from(split);
            (first.join(), second, comments.join())
        });
        if let (Ok((mut items, first_errors)), (second_items, second_errors), Ok(comments)) = (first, second, comments)
            && first_errors.is_empty()
            && second_errors.is_empty()
        {
            items.extend(second_items);
            return (Module { items, comments }, Vec::new());
        }
    }
    let (items, errors) = Parser::new(file, text).items_from(0);
    let module = Module {
        items,
        comments: comments(file, text),
    };
    (module, errors)
}

/// Below this size a file is parsed on one thread: starting one costs more than it saves.
const PARALLEL_FROM: usize = 256 * 1024;

/// Where the second half of a large file starts: the first line at or after the middle
/// that begins with a name in column 0 right after a line holding only `}`, the shape of
/// a top-level declaration following another in a formatted file. A wrong guess (the `}`
/// closes a nested record) leaves the first half with an unclosed block, an error, and
/// the file is parsed again in one piece.
fn split_point(text: &str) -> Option<usize> {
    if text.len() < PARALLEL_FROM {
        return None;
    }
    let bytes = text.as_bytes();
    let mut at = text.len() / 2;
    while let Some(found) = memchr::memmem::find(&bytes[at..], b"\n}\n") {
        let mut start = at + found + 3;
        while bytes.get(start).is_some_and(|&b| matches!(b, b'\n' | b'\r')) {
            start += 1;
        }
        if bytes.get(start).is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_') {
            return Some(start);
        }
        at = start;
    }
    None
}

/// Every comment of a file, in order. Strings are skipped so a `#` inside one is not a comment.
pub fn comments(file: FileId, text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut idx = 0;
    while let Some(next) = memchr::memchr2(b'"', b'#', &bytes[idx..]) {
        idx += next;
        match bytes[idx] {
            b'"' => {
                idx += 1;
                // To the closing quote or the line break, stepping over escapes.
                loop {
                    let rest = bytes.get(idx..).unwrap_or_default();
                    let Some(stop) = memchr::memchr3(b'"', b'\\', b'\n', rest) else {
                        idx = bytes.len();
                        break;
                    };
                    idx += stop;
                    if bytes[idx] != b'\\' {
                        break;
                    }
                    idx += 2;
                }
                idx = (idx + 1).min(bytes.len());
            }
            _ => {
                let end = memchr::memchr(b'\n', &bytes[idx..]).map_or(bytes.len(), |len| idx + len);
                let comment = text[idx..end].trim_end_matches('\r');
                found.push(Comment {
                    text: comment.to_string(),
                    span: Span::new(file, idx, idx + comment.len()),
                });
                idx = end;
            }
        }
    }
    found
}

/// Why a parse step failed, at which input.
#[derive(Debug, Clone)]
struct Failure<'a> {
    at: &'a str,
    kind: FailureKind,
}

#[derive(Debug, Clone)]
enum FailureKind {
    Expected(&'static str),
    UnterminatedString,
    Unclosed {
        delimiter: char,
        open_at: usize,
    },
    /// A list, record or call opened past [`MAX_NESTING`].
    TooDeep,
}

/// A bound of a ranged type: `-2`, `254`, `1s`, `500m` (none when empty).
fn bound(input: &str) -> (&str, Option<String>) {
    let digits = input.strip_prefix('-').unwrap_or(input);
    let end = digits
        .find(|ch: char| !ch.is_ascii_alphanumeric())
        .unwrap_or(digits.len());
    let taken = input.len() - digits.len() + end;
    let text = &input[..taken];
    (&input[taken..], (!text.is_empty()).then(|| text.to_string()))
}

/// The most bytes one string literal may hold (after its escapes are resolved): far more
/// than any field's syntax allows, and a bound that keeps every emitted line a size its
/// reader takes.
pub const MAX_STRING: usize = 16 * 1024;

/// Whether a character may not stand raw in a string literal: the C0 controls but tab,
/// DEL, the C1 controls (U+0085 ends a line for YAML), the Unicode line and paragraph
/// separators, and the bidirectional overrides and isolates that make a string read
/// otherwise than it is. Each is written as an escape instead, where one exists.
pub fn is_forbidden_in_string(ch: char) -> bool {
    (ch.is_control() && ch != '\t')
        || matches!(ch, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// How deep lists, records and calls may nest in one value. Past it, nesting is E0006:
/// every pass over the syntax tree (checker, formatter, language server) recurses at most
/// this deep, on any thread.
pub const MAX_NESTING: usize = 128;

impl<'a> ParseError<&'a str> for Failure<'a> {
    fn from_error_kind(at: &'a str, _kind: ErrorKind) -> Self {
        Failure {
            at,
            kind: FailureKind::Expected("a token"),
        }
    }

    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, Failure<'a>>;

fn fail<'a, T>(at: &'a str, expected: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(Failure {
        at,
        kind: FailureKind::Expected(expected),
    }))
}

fn is_ident_start(ch: char) -> bool {
    ch.is_ascii_alphabetic() || ch == '_'
}

fn is_ident_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '_' || ch == '-'
}

/// Skips white space (line breaks included) and comments.
fn ws(input: &str) -> &str {
    let bytes = input.as_bytes();
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b' ' | b'\t' | b'\r' | b'\n' => idx += 1,
            b'#' => idx = memchr::memchr(b'\n', &bytes[idx..]).map_or(bytes.len(), |end| idx + end),
            _ => break,
        }
    }
    // Every byte skipped is ASCII or inside a comment up to its line break, so `idx` is
    // a character boundary.
    &input[idx..]
}

/// Skips white space, comments and commas: the separators between fields and items.
fn separators(mut input: &str) -> &str {
    loop {
        let next = ws(input).trim_start_matches(',');
        if next.len() == input.len() {
            return next;
        }
        input = next;
    }
}

/// Skips spaces and tabs on the current line.
fn inline_ws(input: &str) -> &str {
    let skipped = input.bytes().take_while(|byte| matches!(byte, b' ' | b'\t')).count();
    &input[skipped..]
}

/// The length of the name at the start of `input` (0 when none starts there).
fn ident_len(input: &str) -> usize {
    let bytes = input.as_bytes();
    match bytes.first() {
        Some(first) if first.is_ascii_alphabetic() || *first == b'_' => {
            1 + bytes[1..]
                .iter()
                .take_while(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-'))
                .count()
        }
        _ => 0,
    }
}

fn ident_text(input: &str) -> PResult<'_, &str> {
    match ident_len(input) {
        0 => fail(input, "a name"),
        len => Ok((&input[len..], &input[..len])),
    }
}

fn starts_with_word(input: &str, word: &str) -> bool {
    input.starts_with(word)
        && !input
            .as_bytes()
            .get(word.len())
            .is_some_and(|&byte| is_ident_char(byte as char))
}

/// True where a declaration (or any top-level item) starts: a keyword that opens an item,
/// or `kind name` followed by `{` or `from`. A field (`name =`) never looks like this.
fn starts_item(input: &str) -> bool {
    if input.starts_with('@') {
        return true;
    }
    let kind = ident_len(input);
    if kind == 0 || &input[..kind] == "at" {
        return false;
    }
    if matches!(
        &input[..kind],
        "use" | "entity" | "record" | "enum" | "component" | "let"
    ) {
        return true;
    }
    let rest = inline_ws(&input[kind..]);
    let name = ident_len(rest);
    if name == 0 {
        return false;
    }
    let rest = inline_ws(&rest[name..]);
    rest.starts_with('{') || rest.starts_with('[') || starts_with_word(rest, "from")
}

/// True where a field starts: `name =` or `"key" =`.
fn starts_field(input: &str) -> bool {
    let rest = if let Some(quoted) = input.strip_prefix('"') {
        match quoted.find(['"', '\n']) {
            Some(end) if quoted[end..].starts_with('"') => &quoted[end + 1..],
            _ => return false,
        }
    } else {
        match ident_text(input) {
            Ok((rest, _)) => rest,
            Err(_) => return false,
        }
    };
    inline_ws(rest).starts_with('=')
}

/// The rest of the input after the current line's line break.
fn next_line(input: &str) -> &str {
    input.find('\n').map_or("", |end| &input[end + 1..])
}

struct Parser<'a> {
    src: &'a str,
    file: FileId,
    errors: Vec<SyntaxError>,
    /// The fields of the blocks and records being parsed, innermost last. Each block
    /// moves its own off the top into a vector of exactly their number: growing one
    /// vector per record doubled the syntax tree's memory on a large platform.
    field_stack: Vec<Field>,
    /// The same for the items of the lists being parsed.
    expr_stack: Vec<Expr>,
    /// How many lists, records and calls enclose the value being parsed.
    depth: usize,
    /// Inside an `at` block, where another may not open.
    in_at: bool,
}

impl<'a> Parser<'a> {
    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    /// The span from where `before` starts to where `after` starts.
    fn span(&self, before: &str, after: &str) -> Span {
        Span::new(self.file, self.offset(before), self.offset(after))
    }

    fn ident(&self, input: &'a str) -> PResult<'a, Ident> {
        let (rest, text) = ident_text(input)?;
        Ok((
            rest,
            Ident {
                text: text.into(),
                span: self.span(input, rest),
            },
        ))
    }

    /// A name being declared: an identifier that is not a keyword.
    fn name(&mut self, input: &'a str) -> PResult<'a, Ident> {
        let (rest, ident) = self.ident(input)?;
        if KEYWORDS.contains(&ident.text.as_str()) {
            self.errors.push(SyntaxError {
                kind: SyntaxErrorKind::KeywordAsName(ident.text.to_string()),
                span: ident.span,
                context: None,
            });
        }
        Ok((rest, ident))
    }

    fn keyword(&self, input: &'a str, word: &'static str) -> PResult<'a, Span> {
        if starts_with_word(input, word) {
            let rest = &input[word.len()..];
            Ok((rest, self.span(input, rest)))
        } else {
            fail(input, word)
        }
    }

    fn symbol(&self, input: &'a str, symbol: char, expected: &'static str) -> PResult<'a, Span> {
        match one_char::<_, Failure<'a>>(symbol)(input) {
            Ok((rest, _)) => Ok((rest, self.span(input, rest))),
            Err(_) => fail(input, expected),
        }
    }

    /// Records a failure as a syntax error.
    fn record(&mut self, failure: Failure<'a>) {
        let at = self.offset(failure.at);
        let kind = match failure.kind {
            FailureKind::UnterminatedString => {
                let end = failure.at.find('\n').map_or(self.src.len(), |len| at + len);
                self.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::UnterminatedString,
                    span: Span::new(self.file, at, end),
                    context: None,
                });
                return;
            }
            FailureKind::Unclosed { delimiter, open_at } => {
                self.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::Unclosed {
                        delimiter,
                        open: Span::new(self.file, open_at, open_at + 1),
                    },
                    span: Span::new(self.file, at, at),
                    context: None,
                });
                return;
            }
            FailureKind::TooDeep => {
                self.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::TooDeep { limit: MAX_NESTING },
                    span: Span::new(self.file, at, at + 1),
                    context: None,
                });
                return;
            }
            FailureKind::Expected(expected) => expected,
        };
        let (found, len) = describe(failure.at);
        let span = Span::new(self.file, at, at + len);
        let error_kind = match failure.at.chars().next() {
            Some(ch) if !starts_token(ch) => SyntaxErrorKind::UnexpectedChar(ch),
            _ => SyntaxErrorKind::Expected {
                expected: kind.to_string(),
                found,
            },
        };
        self.errors.push(SyntaxError {
            kind: error_kind,
            span,
            context: None,
        });
    }

    fn new(file: FileId, src: &'a str) -> Parser<'a> {
        Parser {
            src,
            file,
            errors: Vec::new(),
            field_stack: Vec::new(),
            expr_stack: Vec::new(),
            depth: 0,
            in_at: false,
        }
    }

    /// The items from byte `start` (where an item starts) to the end of `src`.
    fn items_from(mut self, start: usize) -> (Vec<Item>, Vec<SyntaxError>) {
        let items = self.items(&self.src[start..]);
        (items, self.errors)
    }

    fn items(&mut self, from: &'a str) -> Vec<Item> {
        let mut items = Vec::new();
        let mut input = ws(from);
        while !input.is_empty() {
            match self.item(input) {
                Ok((rest, item)) => {
                    items.push(item);
                    input = ws(rest);
                }
                Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
                    let at = failure.at;
                    self.record(failure);
                    input = self.skip_to_item(at);
                }
                Err(nom::Err::Incomplete(_)) => break,
            }
        }
        items
    }

    /// Skips from a failure to the next line that starts an item.
    fn skip_to_item(&self, at: &'a str) -> &'a str {
        let mut line = next_line(at);
        loop {
            let start = inline_ws(line);
            if line.is_empty() || starts_item(start) {
                return ws(start);
            }
            line = next_line(line);
        }
    }

    fn item(&mut self, input: &'a str) -> PResult<'a, Item> {
        if input.starts_with('@') {
            let mut rest = input;
            let mut attributes = Vec::new();
            while rest.starts_with('@') {
                let (after, attribute) = self.attribute(rest)?;
                attributes.push(attribute);
                rest = ws(after);
            }
            let (rest, item) = self.decl(rest)?;
            return match item {
                Item::Decl(mut decl) => {
                    decl.span = self.span(input, rest);
                    decl.attributes = attributes;
                    Ok((rest, Item::Decl(decl)))
                }
                _ => fail(input, "a declaration after the attributes"),
            };
        }
        if starts_with_word(input, "use") {
            return self.use_item(input);
        }
        if starts_with_word(input, "entity") || starts_with_word(input, "record") {
            return self.schema(input);
        }
        if starts_with_word(input, "enum") {
            return self.enum_decl(input);
        }
        if starts_with_word(input, "component") {
            return self.component(input);
        }
        if starts_with_word(input, "let") {
            return self.let_item(input);
        }
        self.decl(input)
    }

    /// `@allow(HA042, "reason")`.
    fn attribute(&mut self, input: &'a str) -> PResult<'a, Attribute> {
        let (rest, _) = self.symbol(input, '@', "`@`")?;
        let (rest, name) = self
            .ident(rest)
            .or_else(|_| fail(rest, "an attribute name after `@`"))?;
        let (rest, args) = match self.call(name.clone(), inline_ws(rest)) {
            Ok((rest, ExprKind::Call(call))) => (rest, call.args),
            Ok((rest, _)) => (rest, Vec::new()),
            Err(err) => return Err(err),
        };
        Ok((
            rest,
            Attribute {
                name,
                args,
                span: self.span(input, rest),
            },
        ))
    }

    fn use_item(&mut self, input: &'a str) -> PResult<'a, Item> {
        let (mut rest, _) = self.keyword(input, "use")?;
        let at = inline_ws(rest);
        if at.starts_with('"') {
            let (after, text) = self.string(at)?;
            let target = UseTarget::Path {
                text,
                span: self.span(at, after),
            };
            return Ok((
                after,
                Item::Use(Use {
                    target,
                    span: self.span(input, after),
                }),
            ));
        }
        let mut path = Vec::new();
        loop {
            let (after, segment) = match self.ident(inline_ws(rest)) {
                Ok(ok) => ok,
                Err(_) => {
                    return fail(
                        inline_ws(rest),
                        "a module name, or a quoted path of your own file or folder (`use \"./nodes.k8s\"`)",
                    );
                }
            };
            path.push(segment);
            rest = after;
            match after.strip_prefix('.') {
                Some(after_dot) => rest = after_dot,
                None => break,
            }
        }
        Ok((
            rest,
            Item::Use(Use {
                target: UseTarget::Module(path),
                span: self.span(input, rest),
            }),
        ))
    }

    /// `let NAME [: TYPE] = VALUE`.
    fn let_item(&mut self, input: &'a str) -> PResult<'a, Item> {
        let (rest, _) = self.keyword(input, "let")?;
        let (rest, name) = match self.name(ws(rest)) {
            Ok(ok) => ok,
            Err(_) => return fail(ws(rest), "the constant's name"),
        };
        let mut rest = ws(rest);
        let mut ty = None;
        if let Some(after) = rest.strip_prefix(':') {
            let (after, parsed) = self.type_expr(ws(after))?;
            ty = Some(parsed);
            rest = ws(after);
        }
        let (rest, _) = self.symbol(rest, '=', "`=` and the constant's value")?;
        let (rest, value) = self.value(ws(rest))?;
        Ok((
            rest,
            Item::Let(Box::new(Let {
                name,
                ty,
                value,
                span: self.span(input, rest),
            })),
        ))
    }

    fn decl(&mut self, input: &'a str) -> PResult<'a, Item> {
        let (rest, kind) = match self.ident(input) {
            Ok(ok) => ok,
            Err(_) => return fail(input, "a declaration such as `node NAME { ... }`"),
        };
        let (rest, name) = match self.name(ws(rest)) {
            Ok(ok) => ok,
            Err(_) => return fail(ws(rest), "the name of the declaration"),
        };
        let (rest, pool, per_namespace) = match inline_ws(rest).strip_prefix('[') {
            Some(inside) if inline_ws(inside).starts_with(|ch: char| ch.is_ascii_digit()) => {
                let (after, pool) = self.pool_range(inline_ws(rest))?;
                (after, Some(pool), None)
            }
            Some(_) => {
                let (after, namespaces) = self.namespace_list(inline_ws(rest))?;
                (after, None, Some(namespaces))
            }
            None => (rest, None, None),
        };
        let (rest, from) = self.derives_from(ws(rest))?;
        let (rest, body) = self.block(rest)?;
        Ok((
            rest,
            Item::Decl(Box::new(Decl {
                attributes: Vec::new(),
                kind,
                name,
                pool,
                per_namespace,
                from,
                body,
                span: self.span(input, rest),
            })),
        ))
    }

    /// `from COMPONENT`, if it is there.
    fn derives_from(&mut self, input: &'a str) -> PResult<'a, Option<Ident>> {
        let Ok((after, _)) = self.keyword(input, "from") else {
            return Ok((input, None));
        };
        match self.ident(ws(after)) {
            Ok((after, component)) => Ok((ws(after), Some(component))),
            Err(_) => fail(ws(after), "a component name after `from`"),
        }
    }

    /// `[NS1, NS2, ...]`: the namespaces a declaration is instantiated in.
    fn namespace_list(&mut self, input: &'a str) -> PResult<'a, PerNamespace> {
        let (mut rest, _) = self.symbol(input, '[', "`[`")?;
        let mut namespaces = Vec::new();
        loop {
            rest = inline_ws(rest);
            if let Some(after) = rest.strip_prefix(']') {
                return Ok((
                    after,
                    PerNamespace {
                        namespaces,
                        span: self.span(input, after),
                    },
                ));
            }
            let (after, namespace) = match self.ident(rest) {
                Ok(ok) => ok,
                Err(_) => return fail(rest, "a namespace's name, or `]`"),
            };
            namespaces.push(namespace);
            rest = inline_ws(after);
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
            }
        }
    }

    /// `at NS { fields }` inside a block.
    fn at_block(&mut self, input: &'a str) -> PResult<'a, At> {
        if self.in_at {
            return fail(input, "a field: an `at` block holds fields, not another `at`");
        }
        let (rest, _) = self.keyword(input, "at")?;
        let (rest, namespace) = match self.ident(inline_ws(rest)) {
            Ok(ok) => ok,
            Err(_) => return fail(inline_ws(rest), "the namespace after `at`"),
        };
        self.in_at = true;
        let body = self.block(inline_ws(rest));
        self.in_at = false;
        let (rest, body) = body?;
        Ok((
            rest,
            At {
                namespace,
                body,
                span: self.span(input, rest),
            },
        ))
    }

    /// `[FROM..TO]`: whole numbers, as written (their meaning is checked later).
    fn pool_range(&mut self, input: &'a str) -> PResult<'a, PoolRange> {
        let (rest, _) = self.symbol(input, '[', "`[`")?;
        let number = |text: &'a str| -> PResult<'a, &'a str> {
            let text = inline_ws(text);
            let end = text.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(text.len());
            if end == 0 {
                return fail(text, "a whole number: a pool is `NAME[FROM..TO]`");
            }
            Ok((&text[end..], &text[..end]))
        };
        let (rest, from) = number(rest)?;
        let Some(rest) = inline_ws(rest).strip_prefix("..") else {
            return fail(inline_ws(rest), "`..` between a pool's first and last number");
        };
        let (rest, to) = number(rest)?;
        let (rest, _) = self.symbol(inline_ws(rest), ']', "`]` closing the pool's range")?;
        Ok((
            rest,
            PoolRange {
                from: from.to_string(),
                to: to.to_string(),
                span: self.span(input, rest),
            },
        ))
    }

    fn component(&mut self, input: &'a str) -> PResult<'a, Item> {
        let (rest, _) = self.keyword(input, "component")?;
        let (rest, name) = match self.name(ws(rest)) {
            Ok(ok) => ok,
            Err(_) => return fail(ws(rest), "the component's name"),
        };
        let (rest, _) = self.symbol(ws(rest), ':', "`:` and the kind of declaration the component is for")?;
        let (rest, kind) = match self.ident(ws(rest)) {
            Ok(ok) => ok,
            Err(_) => return fail(ws(rest), "a declaration kind"),
        };
        let (rest, from) = self.derives_from(ws(rest))?;
        let (rest, body) = self.block(rest)?;
        Ok((
            rest,
            Item::Component(Box::new(Component {
                name,
                kind,
                from,
                body,
                span: self.span(input, rest),
            })),
        ))
    }

    /// `{ fields }`, recovering from errors in single fields. A missing `}` is reported
    /// where the next declaration starts (or at the end of the file).
    fn block(&mut self, input: &'a str) -> PResult<'a, Block> {
        let base = self.field_stack.len();
        let parsed = self.block_fields(input);
        let fields: Vec<Field> = self.field_stack.drain(base..).collect();
        parsed.map(|(rest, mut block)| {
            block.fields = fields;
            (rest, block)
        })
    }

    /// A block's fields, onto the field stack; the returned block has none yet.
    fn block_fields(&mut self, input: &'a str) -> PResult<'a, Block> {
        let (mut rest, open) = self.symbol(input, '{', "`{`")?;
        let mut recovered = false;
        let mut at = Vec::new();
        loop {
            rest = separators(rest);
            if let Some(after) = rest.strip_prefix('}') {
                return Ok((
                    after,
                    Block {
                        fields: Vec::new(),
                        span: self.span(input, after),
                        closed: true,
                        recovered,
                        at,
                    },
                ));
            }
            if rest.is_empty() || starts_item(rest) {
                let at_offset = self.offset(rest);
                self.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::Unclosed { delimiter: '{', open },
                    span: Span::new(self.file, at_offset, at_offset),
                    context: None,
                });
                return Ok((
                    rest,
                    Block {
                        fields: Vec::new(),
                        span: self.span(input, rest),
                        closed: false,
                        recovered: true,
                        at,
                    },
                ));
            }
            // A field, or an `at NS { ... }` block; either may fail alone.
            let parsed = if starts_with_word(rest, "at") && !starts_field(rest) {
                self.at_block(rest).map(|(after, block)| {
                    at.push(block);
                    after
                })
            } else {
                self.field(rest).map(|(after, field)| {
                    self.field_stack.push(field);
                    after
                })
            };
            match parsed {
                Ok(after) => rest = after,
                Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
                    let failed_at = failure.at;
                    self.record(failure);
                    recovered = true;
                    rest = self.skip_to_field(rest, failed_at);
                }
                Err(nom::Err::Incomplete(_)) => return fail(rest, "a field"),
            }
        }
    }

    fn skip_to_field(&self, field_start: &'a str, at: &'a str) -> &'a str {
        // A failure at the start of a line (an unclosed list before the next field) resumes
        // right there; anywhere else the rest of the line is skipped.
        let line_start = self.src[..self.offset(at)].rfind('\n').map_or(0, |idx| idx + 1);
        let at_line_start = self.src[line_start..self.offset(at)].trim().is_empty();
        if at_line_start && at.len() < field_start.len() && (at.starts_with('}') || starts_field(at) || starts_item(at))
        {
            return at;
        }
        let mut line = next_line(at);
        loop {
            let start = inline_ws(line);
            if line.is_empty() || start.starts_with('}') || starts_field(start) || starts_item(start) {
                return start;
            }
            line = next_line(line);
        }
    }

    fn field(&mut self, input: &'a str) -> PResult<'a, Field> {
        let (rest, name, quoted) = if input.starts_with('"') {
            let (rest, text) = self.string(input)?;
            let name = Ident {
                text: text.into(),
                span: self.span(input, rest),
            };
            (rest, name, true)
        } else {
            match self.ident(input) {
                Ok((rest, name)) => (rest, name, false),
                Err(_) => return fail(input, "a field name"),
            }
        };
        let (rest, _) = self.symbol(inline_ws(rest), '=', "`=` after the field name")?;
        let (rest, value) = self.value(ws(rest))?;
        Ok((
            rest,
            Field {
                name,
                quoted,
                value,
                span: self.span(input, rest),
            },
        ))
    }

    fn value(&mut self, input: &'a str) -> PResult<'a, Expr> {
        let first = input.chars().next();
        let (rest, kind) = match first {
            Some('"') => {
                let (rest, (text, pieces)) = self.string_pieces(input, true)?;
                match pieces {
                    Some(pieces) => (rest, ExprKind::Interpolated(pieces)),
                    None => (rest, ExprKind::Str(text)),
                }
            }
            Some(ch) if ch.is_ascii_digit() || (ch == '-' && input[1..].starts_with(|c: char| c.is_ascii_digit())) => {
                self.number(input)?
            }
            Some('[') => self.nested(input, |parser| parser.list(input))?,
            Some('{') => self.nested(input, |parser| parser.record_value(input))?,
            Some(ch) if is_ident_start(ch) => {
                let (rest, ident) = self.ident(input)?;
                match ident.text.as_str() {
                    "true" => (rest, ExprKind::Bool(true)),
                    "false" => (rest, ExprKind::Bool(false)),
                    _ if inline_ws(rest).starts_with('(') => {
                        let open = inline_ws(rest);
                        self.nested(open, |parser| parser.call(ident, open))?
                    }
                    _ => (rest, ExprKind::Name(ident)),
                }
            }
            _ => return fail(input, "a value"),
        };
        Ok((
            rest,
            Expr {
                kind,
                span: self.span(input, rest),
            },
        ))
    }

    /// A string literal; escapes `\"`, `\\`, `\n`, `\t`, `\r` are resolved. A raw control
    /// character (E0007) or a literal past [`MAX_STRING`] bytes (E0008) is recorded and the
    /// string still parses, so one bad character does not hide the rest of the file.
    fn string(&mut self, input: &'a str) -> PResult<'a, String> {
        let (rest, (text, _)) = self.string_pieces(input, false)?;
        Ok((rest, text))
    }

    /// A string literal that may put in constants with `\(NAME)` when `interpolate`: its
    /// whole text, and its pieces when it has such a name.
    fn string_pieces(&mut self, input: &'a str, interpolate: bool) -> PResult<'a, (String, Option<Vec<Piece>>)> {
        let (mut rest, _) = self.symbol(input, '"', "a string")?;
        let mut text = String::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut piece_start = 0;
        loop {
            let stop = memchr::memchr3(b'"', b'\\', b'\n', rest.as_bytes()).unwrap_or(rest.len());
            let chunk_at = self.offset(rest);
            let (chunk, after) = rest.split_at(stop);
            if self.control_characters(chunk, chunk_at) {
                // The value keeps a visible stand-in: no later message or file gets the
                // character itself.
                text.extend(
                    chunk
                        .chars()
                        .map(|ch| if is_forbidden_in_string(ch) { '\u{fffd}' } else { ch }),
                );
            } else {
                text.push_str(chunk);
            }
            let mut chars = after.chars();
            match chars.next() {
                Some('"') => {
                    let rest = chars.as_str();
                    if text.len() > MAX_STRING {
                        self.errors.push(SyntaxError {
                            kind: SyntaxErrorKind::StringTooLong {
                                len: text.len(),
                                limit: MAX_STRING,
                            },
                            span: Span::new(self.file, self.offset(input), self.offset(input) + 1),
                            context: None,
                        });
                    }
                    if pieces.is_empty() {
                        return Ok((rest, (text, None)));
                    }
                    if piece_start < text.len() {
                        pieces.push(Piece::Text(text[piece_start..].to_string()));
                    }
                    return Ok((rest, (text, Some(pieces))));
                }
                Some('\\') if interpolate && chars.as_str().starts_with('(') => {
                    let (after, name) = self.interpolation(&chars.as_str()[1..])?;
                    if piece_start < text.len() {
                        pieces.push(Piece::Text(text[piece_start..].to_string()));
                    }
                    text.push_str("\\(");
                    text.push_str(&name.text);
                    text.push(')');
                    piece_start = text.len();
                    pieces.push(Piece::Name(name));
                    rest = after;
                }
                Some('\\') => {
                    let escaped = match chars.next() {
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some('"') => '"',
                        Some('\\') => '\\',
                        _ => {
                            return fail(
                                after,
                                "one of the escapes `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` (and `\\(NAME)` in a value)",
                            );
                        }
                    };
                    text.push(escaped);
                    rest = chars.as_str();
                }
                _ => {
                    return Err(nom::Err::Error(Failure {
                        at: input,
                        kind: FailureKind::UnterminatedString,
                    }));
                }
            }
        }
    }

    /// `NAME)` after the `\\(` of an interpolation.
    fn interpolation(&self, open: &'a str) -> PResult<'a, Ident> {
        let (after, name) = match self.ident(open) {
            Ok(ok) => ok,
            Err(_) => return fail(open, "a constant's name in `\\(...)`"),
        };
        match after.strip_prefix(')') {
            Some(after) => Ok((after, name)),
            None => fail(after, "`)` closing the `\\(`"),
        }
    }

    /// E0007 for every raw control character in a piece of a string literal that starts at
    /// byte `chunk_at` of the file.
    /// Whether there was one.
    fn control_characters(&mut self, chunk: &'a str, chunk_at: usize) -> bool {
        // The common case, printable ASCII and tabs, costs one pass over the bytes.
        if chunk.bytes().all(|byte| (0x20..0x7f).contains(&byte) || byte == b'\t') {
            return false;
        }
        let before = self.errors.len();
        for (idx, ch) in chunk.char_indices() {
            if is_forbidden_in_string(ch) {
                let at = chunk_at + idx;
                self.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::ControlCharacter(ch),
                    span: Span::new(self.file, at, at + ch.len_utf8()),
                    context: None,
                });
            }
        }
        self.errors.len() > before
    }

    /// A number with an optional unit (`3`, `-2`, `0.5`, `500m`, `8Gi`), an IPv4 address
    /// (`10.0.0.1`) or a CIDR (`10.0.0.0/8`). Ranges are checked later, against the type.
    fn number(&self, input: &'a str) -> PResult<'a, ExprKind> {
        let negative = input.starts_with('-');
        let (mut rest, _) = digit1(if negative { &input[1..] } else { input })?;
        let mut groups = 1;
        while let Some(after_dot) = rest.strip_prefix('.') {
            match digit1::<_, Failure<'a>>(after_dot) {
                Ok((after, _)) => {
                    rest = after;
                    groups += 1;
                }
                Err(_) => return fail(after_dot, "digits after `.`"),
            }
        }
        match groups {
            1 | 2 => {
                let (rest, _unit) = take_while(|ch: char| ch.is_ascii_alphabetic())(rest)?;
                if rest.starts_with(is_ident_char) {
                    return fail(rest, "a unit such as `m`, `Gi` or `s` after the number");
                }
                Ok((rest, ExprKind::Number(input[..input.len() - rest.len()].to_string())))
            }
            4 if !negative => {
                if let Some(after_slash) = rest.strip_prefix('/') {
                    let (after, _) = match digit1::<_, Failure<'a>>(after_slash) {
                        Ok(ok) => ok,
                        Err(_) => return fail(after_slash, "a prefix length after `/`"),
                    };
                    if after.starts_with(is_ident_char) {
                        return fail(after, "the end of the CIDR");
                    }
                    Ok((after, ExprKind::Cidr(input[..input.len() - after.len()].to_string())))
                } else {
                    if rest.starts_with(is_ident_char) {
                        return fail(rest, "the end of the address");
                    }
                    Ok((rest, ExprKind::Ipv4(input[..input.len() - rest.len()].to_string())))
                }
            }
            _ => fail(input, "a number, an IPv4 address (four parts) or a CIDR"),
        }
    }

    /// Parses a list, record or call one level deeper, or fails at `input` past the limit.
    /// A failure so deep is not caught by the enclosing lists' recovery.
    fn nested(
        &mut self,
        input: &'a str,
        parse: impl FnOnce(&mut Self) -> PResult<'a, ExprKind>,
    ) -> PResult<'a, ExprKind> {
        if self.depth >= MAX_NESTING {
            return Err(nom::Err::Failure(Failure {
                at: input,
                kind: FailureKind::TooDeep,
            }));
        }
        self.depth += 1;
        let parsed = parse(self);
        self.depth -= 1;
        parsed
    }

    fn list(&mut self, input: &'a str) -> PResult<'a, ExprKind> {
        let base = self.expr_stack.len();
        let parsed = self.list_items(input);
        let items: Vec<Expr> = self.expr_stack.drain(base..).collect();
        parsed.map(|(rest, multiline)| (rest, ExprKind::List(List { items, multiline })))
    }

    /// A list's items, onto the expression stack; returns whether it spans lines.
    fn list_items(&mut self, input: &'a str) -> PResult<'a, bool> {
        let (mut rest, _) = self.symbol(input, '[', "`[`")?;
        let open_at = self.offset(input);
        loop {
            rest = separators(rest);
            if let Some(after) = rest.strip_prefix(']') {
                let multiline = input[..input.len() - after.len()].contains('\n');
                return Ok((after, multiline));
            }
            if rest.is_empty() || rest.starts_with('}') || starts_field(rest) || starts_item(rest) {
                return Err(nom::Err::Error(Failure {
                    at: rest,
                    kind: FailureKind::Unclosed {
                        delimiter: '[',
                        open_at,
                    },
                }));
            }
            let (after, item) = self.value(rest).map_err(|err| match err {
                nom::Err::Error(failure) if failure.at.len() == rest.len() => nom::Err::Error(Failure {
                    at: rest,
                    kind: FailureKind::Expected("a list item, `,` or `]`"),
                }),
                other => other,
            })?;
            self.expr_stack.push(item);
            rest = after;
        }
    }

    /// A record value: `{ cpu = 500m, memory = 1Gi }`. Unlike a declaration's block it does
    /// not recover inside; an error fails the field that holds it.
    fn record_value(&mut self, input: &'a str) -> PResult<'a, ExprKind> {
        let base = self.field_stack.len();
        let parsed = self.record_fields(input);
        let fields: Vec<Field> = self.field_stack.drain(base..).collect();
        parsed.map(|(rest, multiline)| (rest, ExprKind::Record(Record { fields, multiline })))
    }

    /// A record's fields, onto the field stack; returns whether it spans lines.
    fn record_fields(&mut self, input: &'a str) -> PResult<'a, bool> {
        let (mut rest, _) = self.symbol(input, '{', "`{`")?;
        let open_at = self.offset(input);
        loop {
            rest = separators(rest);
            if let Some(after) = rest.strip_prefix('}') {
                let multiline = input[..input.len() - after.len()].contains('\n');
                return Ok((after, multiline));
            }
            if rest.is_empty() || starts_item(rest) {
                return Err(nom::Err::Error(Failure {
                    at: rest,
                    kind: FailureKind::Unclosed {
                        delimiter: '{',
                        open_at,
                    },
                }));
            }
            let (after, field) = self.field(rest)?;
            self.field_stack.push(field);
            rest = after;
        }
    }

    fn call(&mut self, function: Ident, input: &'a str) -> PResult<'a, ExprKind> {
        let (mut rest, _) = self.symbol(input, '(', "`(`")?;
        let open_at = self.offset(input);
        let mut args = Vec::new();
        loop {
            rest = separators(rest);
            if let Some(after) = rest.strip_prefix(')') {
                return Ok((after, ExprKind::Call(Box::new(Call { function, args }))));
            }
            if rest.is_empty() || starts_field(rest) || starts_item(rest) {
                return Err(nom::Err::Error(Failure {
                    at: rest,
                    kind: FailureKind::Unclosed {
                        delimiter: '(',
                        open_at,
                    },
                }));
            }
            let (after, arg) = self.value(rest)?;
            args.push(arg);
            rest = after;
        }
    }

    fn schema(&mut self, input: &'a str) -> PResult<'a, Item> {
        let (rest, keyword) = if let Ok((rest, _)) = self.keyword(input, "entity") {
            (rest, SchemaKeyword::Entity)
        } else {
            (self.keyword(input, "record")?.0, SchemaKeyword::Record)
        };
        let (rest, name) = match self.name(ws(rest)) {
            Ok(ok) => ok,
            Err(_) => return fail(ws(rest), "the schema's name"),
        };
        let mut rest = ws(rest);
        let mut layer = None;
        if keyword == SchemaKeyword::Entity {
            let (after, _) = self
                .keyword(rest, "in")
                .or_else(|_| fail(rest, "`in` and the entity's layer"))?;
            let (after, layer_name) = self.ident(ws(after)).or_else(|_| fail(ws(after), "a layer name"))?;
            layer = Some(layer_name);
            rest = ws(after);
        }
        let body_start = rest;
        let (mut rest, _) = self.symbol(rest, '{', "`{`")?;
        let mut fields = Vec::new();
        loop {
            rest = separators(rest);
            if let Some(after) = rest.strip_prefix('}') {
                let multiline = body_start[..body_start.len() - after.len()].contains('\n');
                return Ok((
                    after,
                    Item::Schema(Box::new(Schema {
                        keyword,
                        name,
                        layer,
                        fields,
                        span: self.span(input, after),
                        multiline,
                    })),
                ));
            }
            if rest.is_empty() || starts_item(rest) {
                return Err(nom::Err::Error(Failure {
                    at: rest,
                    kind: FailureKind::Unclosed {
                        delimiter: '{',
                        open_at: self.offset(body_start),
                    },
                }));
            }
            let (after, field) = self.field_def(rest)?;
            fields.push(field);
            rest = after;
        }
    }

    fn field_def(&mut self, input: &'a str) -> PResult<'a, FieldDef> {
        let (rest, name) = self.ident(input).or_else(|_| fail(input, "a field name"))?;
        let (rest, _) = self.symbol(inline_ws(rest), ':', "`:` and the field's type")?;
        let (rest, ty) = self.type_expr(inline_ws(rest))?;
        let after_type = inline_ws(rest);
        let (rest, default) = if let Ok((after, _)) = self.symbol(after_type, '=', "`=`") {
            let (after, value) = self.value(inline_ws(after))?;
            (after, Some(value))
        } else {
            (rest, None)
        };
        Ok((
            rest,
            FieldDef {
                name,
                ty,
                default,
                span: self.span(input, rest),
            },
        ))
    }

    /// `T`, `T?`, `list<T>`, `map<T>`, `a | b`.
    fn type_expr(&mut self, input: &'a str) -> PResult<'a, TypeExpr> {
        let (mut rest, first) = self.type_base(input)?;
        let mut alternatives = Vec::new();
        while let Some(after_bar) = inline_ws(rest).strip_prefix('|') {
            let (after, ident) = self
                .ident(inline_ws(after_bar))
                .or_else(|_| fail(inline_ws(after_bar), "an entity name after `|`"))?;
            alternatives.push(ident);
            rest = after;
        }
        let mut ty = if alternatives.is_empty() {
            first
        } else {
            let TypeExprKind::Named(first_name) = first.kind else {
                return fail(input, "entity names in a union");
            };
            alternatives.insert(0, first_name);
            TypeExpr {
                kind: TypeExprKind::Union(alternatives),
                span: self.span(input, rest),
            }
        };
        if let Some(after) = rest.strip_prefix('?') {
            rest = after;
            ty = TypeExpr {
                kind: TypeExprKind::Optional(Box::new(ty)),
                span: self.span(input, rest),
            };
        }
        Ok((rest, ty))
    }

    fn type_base(&mut self, input: &'a str) -> PResult<'a, TypeExpr> {
        let (rest, name) = self.ident(input).or_else(|_| fail(input, "a type"))?;
        if (name.text == "list" || name.text == "map") && rest.starts_with('<') {
            let (rest, inner) = self.type_expr(&rest[1..])?;
            let (rest, _) = self.symbol(rest, '>', "`>`")?;
            let inner = Box::new(inner);
            let kind = if name.text == "list" {
                TypeExprKind::List(inner)
            } else {
                TypeExprKind::Map(inner)
            };
            return Ok((
                rest,
                TypeExpr {
                    kind,
                    span: self.span(input, rest),
                },
            ));
        }
        if let Some(inside) = rest.strip_prefix('<') {
            let (rest, min) = bound(inside);
            let Some(rest) = rest.strip_prefix("..") else {
                return fail(rest, "`..` between the bounds, as in `int<1..254>`");
            };
            let (rest, max) = bound(rest);
            let (rest, _) = self.symbol(rest, '>', "`>` after the bounds")?;
            return Ok((
                rest,
                TypeExpr {
                    kind: TypeExprKind::Ranged { base: name, min, max },
                    span: self.span(input, rest),
                },
            ));
        }
        Ok((
            rest,
            TypeExpr {
                span: name.span,
                kind: TypeExprKind::Named(name),
            },
        ))
    }

    fn enum_decl(&mut self, input: &'a str) -> PResult<'a, Item> {
        let (rest, _) = self.keyword(input, "enum")?;
        let (rest, name) = self.name(ws(rest)).or_else(|_| fail(ws(rest), "the enum's name"))?;
        let body_start = ws(rest);
        let (mut rest, _) = self.symbol(body_start, '{', "`{`")?;
        let mut variants = Vec::new();
        loop {
            rest = separators(rest);
            if let Some(after) = rest.strip_prefix('}') {
                let multiline = body_start[..body_start.len() - after.len()].contains('\n');
                return Ok((
                    after,
                    Item::Enum(Box::new(EnumDecl {
                        name,
                        variants,
                        span: self.span(input, after),
                        multiline,
                    })),
                ));
            }
            let (after, variant) = self.name(rest).or_else(|_| fail(rest, "a variant name or `}`"))?;
            variants.push(variant);
            rest = after;
        }
    }
}

/// True for characters that can start a token.
fn starts_token(ch: char) -> bool {
    is_ident_start(ch) || ch.is_ascii_digit() || "\"-{}[](),=:.|<>?/#".contains(ch) || ch.is_whitespace()
}

/// How to name what was found at a failure, and how many bytes it covers.
fn describe(input: &str) -> (String, usize) {
    let Some(first) = input.chars().next() else {
        return ("end of file".to_string(), 0);
    };
    if first == '\n' || first == '\r' {
        return ("end of line".to_string(), 0);
    }
    let word_len = if is_ident_start(first) || first.is_ascii_digit() {
        input
            .find(|ch: char| !(is_ident_char(ch) || ch == '.' || ch == '/'))
            .unwrap_or(input.len())
    } else {
        first.len_utf8()
    };
    let word = &input[..word_len];
    (format!("`{word}`"), word_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree and errors of the one-piece parse, to compare the two-halves parse with.
    fn in_one_piece(text: &str) -> String {
        let (items, errors) = Parser::new(FileId(0), text).items_from(0);
        format!("{items:?}\n{:?}\n{errors:?}", comments(FileId(0), text))
    }

    fn in_halves(text: &str) -> String {
        let (module, errors) = parse(FileId(0), text);
        format!("{:?}\n{:?}\n{errors:?}", module.items, module.comments)
    }

    /// A file larger than [`PARALLEL_FROM`] made of `unit` repeated.
    fn large(unit: &str) -> String {
        unit.repeat(PARALLEL_FROM / unit.len() + 2)
    }

    #[test]
    fn a_large_file_parsed_in_halves_gives_the_one_piece_tree() {
        let text = large(
            "## doc\napp a {\n  image = \"x # not a comment\"\n  requests = { cpu = 1, memory = 1Gi }\n}\n\n\
             route r {\n  host = \"h\"\n  ports = [1, 2]\n} # trailing\n\n",
        );
        assert!(split_point(&text).is_some(), "the file is split");
        assert_eq!(in_halves(&text), in_one_piece(&text));
    }

    #[test]
    fn errors_in_either_half_give_the_one_piece_tree_and_errors() {
        let unit = "app a {\n  replicas = 3\n}\n\n";
        let clean = large(unit);
        let middle = clean.len() / 2;
        for broken in [
            // An error in the second half, in the first half, and a block left open across
            // the split point.
            format!("{clean}app b {{\n  replicas = = 3\n}}\n"),
            format!("app b {{\n  replicas = [\n}}\n{clean}"),
            format!(
                "{}app open {{\n  x = 1\n{}",
                &clean[..middle - middle % unit.len()],
                &clean[middle - middle % unit.len()..]
            ),
        ] {
            assert_eq!(in_halves(&broken), in_one_piece(&broken));
            assert!(!parse(FileId(0), &broken).1.is_empty());
        }
    }

    #[test]
    fn a_nested_brace_in_column_0_is_not_taken_for_a_split() {
        // Every `}` line closes a record value inside a block, and a field starts in column
        // 0 after it: the halves would misparse, so the file is parsed in one piece.
        let text = large("app a {\n  requests = {\n  cpu = 1\n}\nmemory = 2\n}\n");
        assert_eq!(in_halves(&text), in_one_piece(&text));
    }

    fn parse_ok(text: &str) -> Module {
        let (module, errors) = parse(FileId(0), text);
        assert!(errors.is_empty(), "unexpected errors: {errors:?}");
        module
    }

    #[test]
    fn parses_a_declaration_with_every_kind_of_value() {
        let module = parse_ok(
            "node m1 from base {\n  address = 10.0.0.1\n  net = 10.0.0.0/24\n  cpu = 500m\n  ok = true\n  \
             roles = [worker, etcd]\n  env = { A = \"x\", \"k.io/y\" = 1 }\n  pass = env(\"P\")\n}\n",
        );
        let Item::Decl(decl) = &module.items[0] else {
            panic!("not a decl")
        };
        assert_eq!(decl.kind.text, "node");
        assert_eq!(decl.name.text, "m1");
        assert_eq!(decl.from.as_ref().map(|f| f.text.as_str()), Some("base"));
        assert_eq!(decl.body.fields.len(), 7);
        assert!(matches!(decl.body.fields[0].value.kind, ExprKind::Ipv4(ref text) if text == "10.0.0.1"));
        assert!(matches!(decl.body.fields[1].value.kind, ExprKind::Cidr(_)));
        assert!(matches!(decl.body.fields[2].value.kind, ExprKind::Number(ref text) if text == "500m"));
        assert!(decl.body.fields[5].value.kind_is_record_with_quoted_key());
    }

    impl Expr {
        fn kind_is_record_with_quoted_key(&self) -> bool {
            matches!(&self.kind, ExprKind::Record(record) if record.fields.iter().any(|f| f.quoted))
        }
    }

    #[test]
    fn spans_cover_exactly_the_text() {
        let text = "node m1 {\n  address = 10.0.0.1\n}\n";
        let module = parse_ok(text);
        let Item::Decl(decl) = &module.items[0] else {
            panic!("not a decl")
        };
        let field = &decl.body.fields[0];
        assert_eq!(&text[field.name.span.range()], "address");
        assert_eq!(&text[field.value.span.range()], "10.0.0.1");
        assert_eq!(&text[decl.span.range()], text.trim_end());
    }

    #[test]
    fn recovers_and_reports_every_broken_declaration() {
        let text = "node a {\n  address 1\n  cpu = 2\n}\nnode b {\n  x = @\n}\nnode c {}\n";
        let (module, errors) = parse(FileId(0), text);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(module.items.len(), 3);
        let Item::Decl(first) = &module.items[0] else {
            panic!("not a decl")
        };
        assert_eq!(
            first.body.fields.len(),
            1,
            "the field after the broken one still parses"
        );
    }

    #[test]
    fn a_missing_brace_is_reported_at_the_next_declaration() {
        let text = "node a {\n  cpu = 2\nnode b {}\n";
        let (module, errors) = parse(FileId(0), text);
        assert_eq!(module.items.len(), 2);
        assert!(matches!(
            errors[0].kind,
            SyntaxErrorKind::Unclosed { delimiter: '{', .. }
        ));
    }

    #[test]
    fn comments_are_found_outside_strings() {
        let found = comments(FileId(0), "## doc\nx = \"a # b\" # tail\n");
        let texts: Vec<_> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["## doc", "# tail"]);
    }

    #[test]
    fn schemas_enums_and_components_parse() {
        let module = parse_ok(
            "enum role { worker, etcd }\nentity node in infrastructure {\n  address: ipv4\n  roles: list<role> = []\n  \
             server: node | drbd_pair?\n}\ncomponent base: node { roles = [worker] }\n",
        );
        assert_eq!(module.items.len(), 3);
        let Item::Schema(schema) = &module.items[1] else {
            panic!("not a schema")
        };
        assert!(matches!(schema.fields[2].ty.kind, TypeExprKind::Optional(_)));
    }

    #[test]
    fn no_input_makes_the_parser_panic() {
        for text in [
            "",
            "{",
            "}",
            "node",
            "node a",
            "node a {",
            "a = ",
            "\"",
            "node a { x = [",
            "1.2.3",
            "node a { x = \"\\q\" }",
            "enum",
            "entity x in",
        ] {
            let _ = parse(FileId(0), text);
        }
    }
}
