//! The syntax tree. Every node carries the span of the text it was parsed from.
//!
//! The tree keeps literals as written (numbers, addresses) so the formatter reproduces
//! them exactly; the semantic phase gives them meaning against the expected type.

use crate::source::Span;

/// The text of a name or literal: a boxed `str`, two words instead of a `String`'s three
/// and no spare capacity; a syntax tree holds hundreds of thousands of them.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Name(Box<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name(text.into())
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name(text.into_boxed_str())
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0.into_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub text: Name,
    pub span: Span,
}

/// One parsed file: its items in source order (those that parsed) and its comments.
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

/// A `#` comment; `##` comments are doc comments of the item that follows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment including its `#` marker, without the line break.
    pub text: String,
    pub span: Span,
}

impl Comment {
    pub fn is_doc(&self) -> bool {
        self.text.starts_with("##")
    }
}

#[derive(Debug, Clone)]
pub enum Item {
    Use(Use),
    /// Boxed, like the other large items: the list of items stays small.
    Decl(Box<Decl>),
    Schema(Box<Schema>),
    Enum(Box<EnumDecl>),
    Component(Box<Component>),
    Let(Box<Let>),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Use(item) => item.span,
            Item::Decl(item) => item.span,
            Item::Schema(item) => item.span,
            Item::Enum(item) => item.span,
            Item::Component(item) => item.span,
            Item::Let(item) => item.span,
        }
    }
}

/// `let registry = "harbor.example.com"` or `let web_port: port = 8080`: a constant.
#[derive(Debug, Clone)]
pub struct Let {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
    pub span: Span,
}

/// `use monitoring`, `use monitoring.prometheus`, or `use "./nodes.k8s"`.
#[derive(Debug, Clone)]
pub struct Use {
    pub target: UseTarget,
    pub span: Span,
}

/// What a `use` names.
#[derive(Debug, Clone)]
pub enum UseTarget {
    /// A standard-library module, or one component of it: `monitoring.prometheus`.
    Module(Vec<Ident>),
    /// One of the platform's own files or folders, as written between the quotes
    /// (`./nodes.k8s`, `./apps/`), relative to the file that writes it.
    Path { text: String, span: Span },
}

/// `node master1 { ... }` or `app metrics from prometheus { ... }`, with the attributes
/// written before it (`@allow(HA042, "reason")`).
#[derive(Debug, Clone)]
pub struct Decl {
    pub attributes: Vec<Attribute>,
    pub kind: Ident,
    pub name: Ident,
    /// `[FROM..TO]` after the name: a pool of declarations NAMEFROM to NAMETO.
    pub pool: Option<PoolRange>,
    /// `[NS1, NS2]` after the name: one declaration NAME_NS in each namespace listed.
    pub per_namespace: Option<PerNamespace>,
    pub from: Option<Ident>,
    pub body: Block,
    pub span: Span,
}

/// `[shop_dev, shop_prod]`: the namespaces a declaration is instantiated in.
#[derive(Debug, Clone)]
pub struct PerNamespace {
    pub namespaces: Vec<Ident>,
    pub span: Span,
}

/// `at NS { fields }` in the block of a declaration instantiated per namespace: the
/// fields of the instance in NS.
#[derive(Debug, Clone)]
pub struct At {
    pub namespace: Ident,
    pub body: Block,
    pub span: Span,
}

/// `[1..8]`: the instances of a pool, both ends included, as written.
#[derive(Debug, Clone)]
pub struct PoolRange {
    pub from: String,
    pub to: String,
    pub span: Span,
}

/// `@name(arguments)` before a declaration.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: Ident,
    pub args: Vec<Expr>,
    pub span: Span,
}

/// `{ field = value ... }`, the body of a declaration or a component.
#[derive(Debug, Clone)]
pub struct Block {
    pub fields: Vec<Field>,
    pub span: Span,
    /// False when the closing `}` was missing (the parser recovered).
    pub closed: bool,
    /// A field failed to parse and was skipped; the block is incomplete.
    pub recovered: bool,
    /// `at NS { ... }` blocks, in source order (only in a declaration's own block).
    pub at: Vec<At>,
}

/// `name = value`. The name may be a string for map keys (`"app.kubernetes.io/part-of" = "shop"`).
#[derive(Debug, Clone)]
pub struct Field {
    pub name: Ident,
    pub quoted: bool,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A string with its escapes resolved.
    Str(String),
    /// A string with `\(NAME)` in it: its text and the constants it puts in, in order.
    Interpolated(Vec<Piece>),
    /// A number as written, with an optional unit suffix: `3`, `0.5`, `500m`, `8Gi`, `30s`.
    Number(String),
    /// A dotted quad as written: `172.16.10.10`.
    Ipv4(String),
    /// A dotted quad with a prefix length as written: `10.244.0.0/16`.
    Cidr(String),
    Bool(bool),
    /// A bare name: an enum variant or a reference, depending on the expected type.
    Name(Ident),
    List(List),
    Record(Record),
    /// `env("NAME")`, `file("path")`. Boxed: calls are rare and would double the size of
    /// every value.
    Call(Box<Call>),
}

/// A piece of an interpolated string.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Text, its escapes resolved.
    Text(String),
    /// `\(NAME)`: the value of the constant NAME.
    Name(Ident),
}

#[derive(Debug, Clone)]
pub struct List {
    pub items: Vec<Expr>,
    /// The source spread it over several lines; the formatter keeps it that way.
    pub multiline: bool,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub fields: Vec<Field>,
    pub multiline: bool,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub function: Ident,
    pub args: Vec<Expr>,
}

/// `entity node in infrastructure { ... }` or `record resources { ... }`: a schema of the
/// standard library's prelude.
#[derive(Debug, Clone)]
pub struct Schema {
    pub keyword: SchemaKeyword,
    pub name: Ident,
    /// The layer an entity belongs to (`in infrastructure`); records have none.
    pub layer: Option<Ident>,
    pub fields: Vec<FieldDef>,
    pub span: Span,
    pub multiline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKeyword {
    Entity,
    Record,
}

impl SchemaKeyword {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaKeyword::Entity => "entity",
            SchemaKeyword::Record => "record",
        }
    }
}

/// `address: ipv4`, `replicas: int = 2`, `host: physical_host?`.
#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum TypeExprKind {
    /// A builtin type, an enum, a record or an entity (a reference).
    Named(Ident),
    /// `node | drbd_pair`: a reference to any of these entities.
    Union(Vec<Ident>),
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>),
    Optional(Box<TypeExpr>),
    /// `int<1..254>`, `duration<1s..>`: a number type with inclusive bounds, written as
    /// literals of that type.
    Ranged {
        base: Ident,
        min: Option<String>,
        max: Option<String>,
    },
}

/// `enum profile { dev, production }`.
#[derive(Debug, Clone)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<Ident>,
    pub span: Span,
    pub multiline: bool,
}

/// `component traefik: ingress_controller { ... }`: defaults for declarations `from` it.
/// A user's component may derive from another: `component shop: app from java { ... }`.
#[derive(Debug, Clone)]
pub struct Component {
    pub name: Ident,
    pub kind: Ident,
    pub from: Option<Ident>,
    pub body: Block,
    pub span: Span,
}
