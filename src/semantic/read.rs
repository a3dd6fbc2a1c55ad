//! What the generated views ([`super::views`]) are made of: the typed read of one value,
//! and lists and maps read lazily, item by item.
//!
//! Every reader has one shape, [`Reader`]: it takes the model (a reference's target kind
//! is checked against it) and a value, and gives the typed value, or `None` when the
//! value is of another type. Nothing here panics.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::model::{EntityId, Model};
use super::schema::KindId;
use super::value::{SecretSource, Spanned, Value};
use crate::source::Span;

/// A record with no field written, for a record view that has no value to read (each
/// of its fields then reads its own default).
pub static EMPTY_RECORD: Spanned = Spanned {
    value: Value::Record(Vec::new()),
    span: Span {
        file: crate::source::FileId(0),
        start: 0,
        end: 0,
    },
};

/// Reads one value as `T`.
pub type Reader<'m, T> = fn(&'m Model, &'m Spanned) -> Option<T>;

pub fn string<'m>(_: &'m Model, value: &'m Spanned) -> Option<&'m str> {
    match &value.value {
        Value::Str(text) => Some(text),
        _ => None,
    }
}

pub fn int(_: &Model, value: &Spanned) -> Option<i64> {
    match value.value {
        Value::Int(number) => Some(number),
        _ => None,
    }
}

pub fn boolean(_: &Model, value: &Spanned) -> Option<bool> {
    match value.value {
        Value::Bool(flag) => Some(flag),
        _ => None,
    }
}

pub fn ipv4(_: &Model, value: &Spanned) -> Option<Ipv4Addr> {
    match value.value {
        Value::Ipv4(address) => Some(address),
        _ => None,
    }
}

pub fn cidr(_: &Model, value: &Spanned) -> Option<Ipv4Net> {
    match value.value {
        Value::Cidr(net) => Some(net),
        _ => None,
    }
}

pub fn port(_: &Model, value: &Spanned) -> Option<u16> {
    match value.value {
        Value::Port(port) => Some(port),
        _ => None,
    }
}

/// Bytes.
pub fn quantity(_: &Model, value: &Spanned) -> Option<u64> {
    match value.value {
        Value::Quantity(bytes) => Some(bytes),
        _ => None,
    }
}

/// Millicores.
pub fn cpu(_: &Model, value: &Spanned) -> Option<u64> {
    match value.value {
        Value::Cpu(millicores) => Some(millicores),
        _ => None,
    }
}

/// Milliseconds.
pub fn duration(_: &Model, value: &Spanned) -> Option<u64> {
    match value.value {
        Value::Duration(milliseconds) => Some(milliseconds),
        _ => None,
    }
}

pub fn secret<'m>(_: &'m Model, value: &'m Spanned) -> Option<&'m SecretSource> {
    match &value.value {
        Value::Secret(source) => Some(source),
        _ => None,
    }
}

/// An enum variant's name.
pub fn variant(value: &Spanned) -> Option<&'static str> {
    match value.value {
        Value::Enum(name) => Some(name),
        _ => None,
    }
}

/// A reference to a declaration of `kind`.
pub fn reference(model: &Model, value: &Spanned, kind: KindId) -> Option<EntityId> {
    match value.value {
        Value::Ref(target)
            if model
                .entities
                .get(target.0 as usize)
                .is_some_and(|entity| entity.kind == kind) =>
        {
            Some(target)
        }
        _ => None,
    }
}

/// The fields of a record value, by the record shape's positions.
pub fn record_field(value: &Spanned, position: usize) -> Option<&Spanned> {
    match &value.value {
        Value::Record(fields) => fields.get(position)?.as_ref().map(|field| &field.value),
        _ => None,
    }
}

/// A list value, its items read by `item`.
pub fn list<'m, T>(model: &'m Model, value: &'m Spanned, item: Reader<'m, T>) -> Option<List<'m, T>> {
    match &value.value {
        Value::List(items) => Some(List { model, items, item }),
        _ => None,
    }
}

/// A map value, its values read by `item`.
pub fn map<'m, T>(model: &'m Model, value: &'m Spanned, item: Reader<'m, T>) -> Option<Map<'m, T>> {
    match &value.value {
        Value::Map(entries) => Some(Map { model, entries, item }),
        _ => None,
    }
}

/// A list field's items, each read as `T` (an item of another type is skipped).
pub struct List<'m, T> {
    model: &'m Model,
    items: &'m [Spanned],
    item: Reader<'m, T>,
}

impl<T> Clone for List<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for List<'_, T> {}

impl<'m, T: 'm> List<'m, T> {
    /// No items: what an absent or rejected list reads as.
    pub fn empty(model: &'m Model, item: Reader<'m, T>) -> List<'m, T> {
        List {
            model,
            items: &[],
            item,
        }
    }

    pub fn iter(self) -> impl DoubleEndedIterator<Item = T> + 'm {
        let List { model, items, item } = self;
        items.iter().filter_map(move |value| item(model, value))
    }

    /// Each item with the span it was written at.
    pub fn spanned(self) -> impl DoubleEndedIterator<Item = (T, Span)> + 'm {
        let List { model, items, item } = self;
        items
            .iter()
            .filter_map(move |value| item(model, value).map(|read| (read, value.span)))
    }

    pub fn len(self) -> usize {
        self.items.len()
    }

    pub fn is_empty(self) -> bool {
        self.items.is_empty()
    }

    pub fn get(self, index: usize) -> Option<T> {
        self.items.get(index).and_then(|value| (self.item)(self.model, value))
    }

    pub fn first(self) -> Option<T> {
        self.get(0)
    }

    pub fn contains(self, wanted: &T) -> bool
    where
        T: PartialEq,
    {
        self.iter().any(|item| item == *wanted)
    }

    pub fn to_vec(self) -> Vec<T> {
        self.iter().collect()
    }
}

impl<'m, T: 'm> IntoIterator for List<'m, T> {
    type Item = T;
    type IntoIter = Box<dyn DoubleEndedIterator<Item = T> + 'm>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// A map field's entries in source order, each value read as `T`.
pub struct Map<'m, T> {
    model: &'m Model,
    entries: &'m [(super::value::MapKey, Spanned)],
    item: Reader<'m, T>,
}

impl<T> Clone for Map<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Map<'_, T> {}

impl<'m, T: 'm> Map<'m, T> {
    /// No entries: what an absent or rejected map reads as.
    pub fn empty(model: &'m Model, item: Reader<'m, T>) -> Map<'m, T> {
        Map {
            model,
            entries: &[],
            item,
        }
    }

    pub fn iter(self) -> impl DoubleEndedIterator<Item = (&'m str, T)> + 'm {
        let Map { model, entries, item } = self;
        entries
            .iter()
            .filter_map(move |(key, value)| item(model, value).map(|read| (key.text.as_str(), read)))
    }

    pub fn len(self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(self, key: &str) -> Option<T> {
        let (_, value) = self.entries.iter().find(|(name, _)| name.text == key)?;
        (self.item)(self.model, value)
    }
}

impl<'m, T: Into<EntityId> + 'm> List<'m, T> {
    /// The declarations a list of references names, in order.
    pub fn entities(self) -> Vec<EntityId> {
        self.iter().map(Into::into).collect()
    }

    /// Whether the list names this declaration.
    pub fn names(self, entity: EntityId) -> bool {
        self.iter().any(|item| item.into() == entity)
    }
}
