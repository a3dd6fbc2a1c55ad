//! Schemas: the types of the language and the shape of every entity and record, as the
//! standard library's prelude declares them.

use rustc_hash::FxHashMap as HashMap;

use super::value::FieldValue;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KindId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnumId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ComponentId(pub u32);

/// A type of the language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    String,
    Int,
    Bool,
    Ipv4,
    Cidr,
    /// 1..65535.
    Port,
    /// Bytes, with a binary or decimal unit.
    Quantity,
    /// Cores, whole, fractional or in millicores.
    Cpu,
    Duration,
    /// A value read at build time from the environment or a file.
    Secret,
    Enum(EnumId),
    Record(RecordId),
    /// A reference to a declaration of one of these kinds.
    Ref(Vec<KindId>),
    List(Box<Type>),
    Map(Box<Type>),
}

/// The builtin type names, as written in schemas.
pub const BUILTIN_TYPES: &[(&str, Type)] = &[
    ("string", Type::String),
    ("int", Type::Int),
    ("bool", Type::Bool),
    ("ipv4", Type::Ipv4),
    ("cidr", Type::Cidr),
    ("port", Type::Port),
    ("quantity", Type::Quantity),
    ("cpu", Type::Cpu),
    ("duration", Type::Duration),
    ("secret", Type::Secret),
];

/// The four layers of the platform, from the outside in.
pub const LAYERS: &[&str] = &["client", "access", "application", "infrastructure"];

/// One field of an entity or record.
#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    /// The inclusive bounds of a number field (`int<1..254>`), in the value's own unit
    /// (a count, milliseconds, bytes, millicores).
    pub range: Option<Range>,
    /// The field may be left out and has no default (`T?`).
    pub optional: bool,
    pub default: Option<FieldValue>,
    pub doc: String,
    pub span: Span,
}

/// Inclusive bounds, as the prelude writes them (`1..254`, `1s..`) and as numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub min: Option<i128>,
    pub max: Option<i128>,
    pub text: String,
}

impl Range {
    pub fn contains(&self, value: i128) -> bool {
        self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
    }
}

impl FieldDef {
    /// How the field's type is written: `int<1..254>`, `list<node>`.
    pub fn type_text(&self, schemas: &Schemas) -> String {
        match &self.range {
            Some(range) => format!("{}<{}>", schemas.type_name(&self.ty), range.text),
            None => schemas.type_name(&self.ty),
        }
    }

    /// Required: no default and not optional.
    pub fn is_required(&self) -> bool {
        !self.optional && self.default.is_none()
    }
}

/// The fields of an entity or record.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// In declaration order; add fields with [`Shape::push`], which keeps the index.
    pub fields: Vec<FieldDef>,
    /// Positions by name: the checks and emitters read fields by name millions of times
    /// on a large platform, and a scan over a few dozen names showed up as a third of the
    /// rules' time.
    index: HashMap<Box<str>, u32>,
}

impl Shape {
    pub fn push(&mut self, field: FieldDef) -> bool {
        if self.position(&field.name).is_some() {
            return false;
        }
        self.index
            .insert(field.name.as_str().into(), crate::source::to_u32(self.fields.len()));
        self.fields.push(field);
        true
    }

    /// A field's position.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).map(|&position| position as usize)
    }

    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.position(name).and_then(|idx| self.fields.get(idx))
    }
}

#[derive(Debug, Clone)]
pub struct EntityDef {
    pub name: String,
    pub layer: &'static str,
    pub shape: Shape,
    pub doc: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RecordDef {
    pub name: String,
    pub shape: Shape,
    pub doc: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub variants: Vec<Variant>,
    pub doc: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Variant {
    /// Leaked once when the standard library loads, so values can hold `&'static str`.
    pub name: &'static str,
    pub doc: String,
    pub span: Span,
}

/// A component: defaults for the declarations made `from` it.
#[derive(Debug, Clone)]
pub struct ComponentDef {
    pub name: String,
    pub module: String,
    pub kind: KindId,
    /// Field values by the entity shape's field positions.
    pub fields: Vec<Option<FieldValue>>,
    pub doc: String,
    pub span: Span,
}

/// Every schema the standard library declares.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    pub entities: Vec<EntityDef>,
    pub records: Vec<RecordDef>,
    pub enums: Vec<EnumDef>,
    pub components: Vec<ComponentDef>,
    pub(crate) names: HashMap<String, Named>,
}

/// What a type name in a schema stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    Entity(KindId),
    Record(RecordId),
    Enum(EnumId),
}

impl Schemas {
    pub fn entity(&self, kind: KindId) -> &EntityDef {
        &self.entities[kind.0 as usize]
    }

    pub fn record(&self, id: RecordId) -> &RecordDef {
        &self.records[id.0 as usize]
    }

    pub fn enum_def(&self, id: EnumId) -> &EnumDef {
        &self.enums[id.0 as usize]
    }

    pub fn component(&self, id: ComponentId) -> &ComponentDef {
        &self.components[id.0 as usize]
    }

    /// The entity kind with this name (`node`, `app`...).
    pub fn kind(&self, name: &str) -> Option<KindId> {
        match self.names.get(name) {
            Some(Named::Entity(kind)) => Some(*kind),
            _ => None,
        }
    }

    pub fn kind_names(&self) -> impl Iterator<Item = &str> {
        self.entities.iter().map(|entity| entity.name.as_str())
    }

    /// How a type is written in messages and hovers: `list<node>`, `node | drbd_pair`.
    /// The type a name stands for: a builtin, an entity (a reference to one), a record or
    /// an enum.
    pub fn named_type(&self, name: &str) -> Option<Type> {
        if let Some((_, builtin)) = BUILTIN_TYPES.iter().find(|(builtin, _)| *builtin == name) {
            return Some(builtin.clone());
        }
        match self.names.get(name)? {
            Named::Entity(kind) => Some(Type::Ref(vec![*kind])),
            Named::Record(id) => Some(Type::Record(*id)),
            Named::Enum(id) => Some(Type::Enum(*id)),
        }
    }

    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::String => "string".into(),
            Type::Int => "int".into(),
            Type::Bool => "bool".into(),
            Type::Ipv4 => "ipv4".into(),
            Type::Cidr => "cidr".into(),
            Type::Port => "port".into(),
            Type::Quantity => "quantity".into(),
            Type::Cpu => "cpu".into(),
            Type::Duration => "duration".into(),
            Type::Secret => "secret".into(),
            Type::Enum(id) => self.enum_def(*id).name.clone(),
            Type::Record(id) => self.record(*id).name.clone(),
            Type::Ref(kinds) => kinds
                .iter()
                .map(|kind| self.entity(*kind).name.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
            Type::List(inner) => format!("list<{}>", self.type_name(inner)),
            Type::Map(inner) => format!("map<{}>", self.type_name(inner)),
        }
    }
}
