//! The typed model: every declaration that resolved, with its fields typed and defaulted.

use std::collections::HashMap;

use super::schema::{ComponentId, KindId, Schemas};
use super::value::{FieldValue, Spanned, Value};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

/// One declaration: `node master1 { ... }`.
#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: KindId,
    pub name: String,
    pub name_span: Span,
    pub kind_span: Span,
    /// The whole declaration.
    pub span: Span,
    pub component: Option<ComponentId>,
    /// Field values by the entity shape's field positions; `None` for a field left out
    /// (optional, or required and reported missing).
    pub fields: Vec<Option<FieldValue>>,
}

/// A name in the source that refers to a declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    pub span: Span,
    pub target: EntityId,
}

/// The platform as the type checker understood it.
#[derive(Debug, Clone)]
pub struct Model {
    pub schemas: &'static Schemas,
    pub entities: Vec<Entity>,
    /// Every reference in source order, for go-to-definition, references and rename.
    pub references: Vec<Reference>,
    /// Declarations by name; one name may be used by several kinds.
    names: HashMap<String, Vec<(KindId, EntityId)>>,
    by_kind: Vec<Vec<EntityId>>,
}

impl Model {
    pub fn new(schemas: &'static Schemas) -> Model {
        Model {
            schemas,
            entities: Vec::new(),
            references: Vec::new(),
            names: HashMap::new(),
            by_kind: vec![Vec::new(); schemas.entities.len()],
        }
    }

    /// Adds a declaration; returns the earlier one of the same kind and name instead when
    /// there is one.
    pub fn declare(&mut self, entity: Entity) -> Result<EntityId, EntityId> {
        if let Some(existing) = self.lookup(entity.kind, &entity.name) {
            return Err(existing);
        }
        let id = EntityId(self.entities.len() as u32);
        if let Some(list) = self.by_kind.get_mut(entity.kind.0 as usize) {
            list.push(id);
        }
        self.names
            .entry(entity.name.clone())
            .or_default()
            .push((entity.kind, id));
        self.entities.push(entity);
        Ok(id)
    }

    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.0 as usize]
    }

    pub(crate) fn entity_mut(&mut self, id: EntityId) -> &mut Entity {
        &mut self.entities[id.0 as usize]
    }

    pub fn lookup(&self, kind: KindId, name: &str) -> Option<EntityId> {
        self.names
            .get(name)?
            .iter()
            .find(|(declared, _)| *declared == kind)
            .map(|&(_, id)| id)
    }

    /// The declarations of one kind, in source order.
    pub fn of_kind(&self, kind: KindId) -> &[EntityId] {
        self.by_kind.get(kind.0 as usize).map_or(&[], Vec::as_slice)
    }

    /// The declarations of the kind with this name (`"node"`), in source order.
    pub fn all(&self, kind_name: &str) -> impl Iterator<Item = EntityId> + '_ {
        let ids = self.schemas.kind(kind_name).map_or(&[][..], |kind| self.of_kind(kind));
        ids.iter().copied()
    }

    pub fn kind_name(&self, id: EntityId) -> &'static str {
        self.schemas.entity(self.entity(id).kind).name.as_str()
    }

    /// A field's value (written, from the component, or the default).
    pub fn field(&self, id: EntityId, name: &str) -> Option<&Spanned> {
        let entity = self.entity(id);
        let position = self.schemas.entity(entity.kind).shape.position(name)?;
        entity.fields.get(position)?.as_ref().map(|field| &field.value)
    }

    pub fn value(&self, id: EntityId, name: &str) -> Option<&Value> {
        self.field(id, name).map(|spanned| &spanned.value)
    }

    /// The names of every declaration of one kind (for suggestions).
    pub fn names_of(&self, kind: KindId) -> impl Iterator<Item = &str> {
        self.of_kind(kind).iter().map(|id| self.entity(*id).name.as_str())
    }

    /// Every kind that has a declaration with this name.
    pub fn kinds_named(&self, name: &str) -> Vec<KindId> {
        self.names
            .get(name)
            .map_or_else(Vec::new, |found| found.iter().map(|&(kind, _)| kind).collect())
    }
}
