//! The typed model: every declaration that resolved, with its fields typed and defaulted.

use rustc_hash::FxHashMap as HashMap;

use super::schema::{ComponentId, KindId, Schemas};
use super::value::{FieldValue, Origin, Spanned, Value};
use crate::source::Span;

pub use super::value::EntityId;

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
    /// `@allow(CODE, "reason")` attributes: findings of these codes on this declaration
    /// are suppressed.
    pub allows: Vec<Allow>,
    /// The fields the declaration wrote, by the entity shape's positions, in increasing
    /// position order; `None` for a written value the type checker rejected. A field left
    /// out is not stored: [`Model::field`] reads it from the component, then the schema's
    /// default, so a large platform does not hold a copy of every default per declaration.
    fields: WrittenFields,
    /// Bit `p` is set when position `p` (below 64) is in `fields`: most reads are of
    /// fields left out, answered here without touching `fields`.
    written_mask: u64,
}

impl Entity {
    /// A declaration whose fields are not checked yet.
    pub fn new(kind: KindId, name: String, name_span: Span, kind_span: Span, span: Span) -> Entity {
        Entity {
            kind,
            name,
            name_span,
            kind_span,
            span,
            component: None,
            allows: Vec::new(),
            fields: Vec::new(),
            written_mask: 0,
        }
    }

    /// Sets the fields the declaration wrote, sorted by position, each position once.
    pub(crate) fn set_fields(&mut self, fields: WrittenFields) {
        debug_assert!(fields.windows(2).all(|pair| pair[0].0 < pair[1].0));
        self.written_mask = fields
            .iter()
            .filter(|(position, _)| *position < 64)
            .fold(0, |mask, (position, _)| mask | 1 << position);
        self.fields = fields;
    }

    /// The fields the declaration wrote, by shape position, in position order; `None`
    /// for a value the type checker rejected.
    pub fn written_fields(&self) -> &[(u32, Option<Spanned>)] {
        &self.fields
    }

    /// The field at `position` as the declaration wrote it: `None` when left out,
    /// `Some(None)` when written but rejected.
    fn written(&self, position: usize) -> Option<Option<&Spanned>> {
        if position < 64 {
            let bit = 1u64 << position;
            if self.written_mask & bit == 0 {
                return None;
            }
            let idx = (self.written_mask & (bit - 1)).count_ones() as usize;
            return self.fields.get(idx).map(|(_, value)| value.as_ref());
        }
        let position = crate::source::to_u32(position);
        self.fields
            .binary_search_by_key(&position, |(at, _)| *at)
            .ok()
            .map(|idx| self.fields[idx].1.as_ref())
    }
}

/// The fields a declaration wrote: shape position and value (`None` when rejected).
pub type WrittenFields = Vec<(u32, Option<Spanned>)>;

/// A justified suppression of one code on one declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    pub code: crate::diagnostic::Code,
    pub reason: String,
    pub span: Span,
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
    /// Every use of a constant (a bare name, or a `\(NAME)`), with the span of the name its
    /// `let` declares, in source order.
    pub constant_uses: Vec<(Span, Span)>,
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
            constant_uses: Vec::new(),
            names: HashMap::default(),
            by_kind: vec![Vec::new(); schemas.entities.len()],
        }
    }

    /// Adds a declaration; returns the earlier one of the same kind and name instead when
    /// there is one.
    pub fn declare(&mut self, entity: Entity) -> Result<EntityId, EntityId> {
        if let Some(existing) = self.lookup(entity.kind, &entity.name) {
            return Err(existing);
        }
        let id = EntityId(crate::source::to_u32(self.entities.len()));
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

    pub fn entity(&self, id: impl Into<EntityId>) -> &Entity {
        &self.entities[id.into().0 as usize]
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

    pub fn kind_name(&self, id: EntityId) -> &'static str {
        self.schemas.entity(self.entity(id).kind).name.as_str()
    }

    /// The field at a shape position and where its value came from. A written value the
    /// type checker rejected is absent, never replaced by the default.
    fn field_at<'m>(&'m self, entity: &'m Entity, position: usize) -> Option<(&'m Spanned, Origin)> {
        if let Some(written) = entity.written(position) {
            return written.map(|value| (value, Origin::Source));
        }
        let schemas: &'static Schemas = self.schemas;
        let inherited = entity
            .component
            .and_then(|component| schemas.component(component).fields.get(position)?.as_ref());
        if let Some(value) = inherited {
            return Some((&value.value, Origin::Component));
        }
        let definition = schemas.entity(entity.kind).shape.fields.get(position)?;
        definition.default.as_ref().map(|value| (&value.value, Origin::Default))
    }

    /// The field at a shape position (written, from the component, or the default): what
    /// the generated views read, by the positions worked out when they were generated.
    /// A written value the front end rejected reads as the component's value or the
    /// default, so a field with a default always has a value to read.
    pub(crate) fn read_at(&self, id: EntityId, position: usize) -> Option<&Spanned> {
        let entity = self.entities.get(id.0 as usize)?;
        if let Some(Some(written)) = entity.written(position) {
            return Some(written);
        }
        let schemas: &'static Schemas = self.schemas;
        let inherited = entity
            .component
            .and_then(|component| schemas.component(component).fields.get(position)?.as_ref());
        inherited
            .or_else(|| schemas.entity(entity.kind).shape.fields.get(position)?.default.as_ref())
            .map(|value| &value.value)
    }

    /// Where to point at the field at a shape position: its value when the declaration
    /// wrote it, else the declaration's name.
    pub(crate) fn span_at(&self, id: EntityId, position: usize) -> Span {
        let Some(entity) = self.entities.get(id.0 as usize) else {
            return Span::default();
        };
        entity
            .written(position)
            .flatten()
            .map_or(entity.name_span, |value| value.span)
    }

    /// Every field of a declaration that has a value, in shape order, with its origin.
    pub fn fields(&self, id: EntityId) -> impl Iterator<Item = (&'static str, &Spanned, Origin)> + '_ {
        let entity = self.entity(id);
        let shape: &'static super::schema::Shape = &self.schemas.entity(entity.kind).shape;
        shape
            .fields
            .iter()
            .enumerate()
            .filter_map(move |(position, definition)| {
                self.field_at(entity, position)
                    .map(|(value, origin)| (definition.name.as_str(), value, origin))
            })
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

impl Model {
    /// The model of a part of the platform: the declarations `keep` lists, in source
    /// order, with their references renumbered. What they refer to must be kept too (a
    /// reference to a declaration left out is dropped with its value). Spans stay as
    /// written, so what is found in the part points into the platform's files.
    pub fn subset(&self, keep: &[EntityId]) -> Model {
        fn renumber(value: &mut Spanned, new_id: &[Option<EntityId>]) -> bool {
            match &mut value.value {
                Value::Ref(id) => match new_id.get(id.0 as usize).copied().flatten() {
                    Some(new) => {
                        *id = new;
                        true
                    }
                    None => false,
                },
                Value::List(items) => {
                    items.retain_mut(|item| renumber(item, new_id));
                    true
                }
                Value::Record(fields) => {
                    for field in fields.iter_mut() {
                        if field.as_mut().is_some_and(|field| !renumber(&mut field.value, new_id)) {
                            *field = None;
                        }
                    }
                    true
                }
                Value::Map(entries) => {
                    entries.retain_mut(|(_, item)| renumber(item, new_id));
                    true
                }
                _ => true,
            }
        }
        let mut new_id: Vec<Option<EntityId>> = vec![None; self.entities.len()];
        for (position, id) in keep.iter().enumerate() {
            new_id[id.0 as usize] = Some(EntityId(crate::source::to_u32(position)));
        }
        let mut part = Model::new(self.schemas);
        for id in keep {
            let mut entity = self.entity(*id).clone();
            let mut fields = std::mem::take(&mut entity.fields);
            for (_, value) in fields.iter_mut() {
                if value.as_mut().is_some_and(|value| !renumber(value, &new_id)) {
                    *value = None;
                }
            }
            entity.set_fields(fields);
            // Names are unique per kind in the platform, so in any part of it.
            let _ = part.declare(entity);
        }
        part
    }
}

impl Model {
    /// Every secret source the declarations refer to, in order, once each, with the span of
    /// its first use.
    pub fn secret_uses(&self) -> Vec<(super::value::SecretSource, Span)> {
        fn collect(value: &Spanned, found: &mut Vec<(super::value::SecretSource, Span)>) {
            match &value.value {
                Value::Secret(source) if !found.iter().any(|(known, _)| known == source) => {
                    found.push((source.clone(), value.span));
                }
                Value::List(items) => items.iter().for_each(|item| collect(item, found)),
                Value::Record(fields) => fields.iter().flatten().for_each(|field| collect(&field.value, found)),
                Value::Map(entries) => entries.iter().for_each(|(_, item)| collect(item, found)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        // Most declarations inherit nothing secret: only their written fields need a look.
        let holds_secret = |value: Option<&FieldValue>| value.is_some_and(|field| contains_secret(&field.value));
        let kind_secrets: Vec<bool> = (self.schemas.entities.iter())
            .map(|definition| {
                definition
                    .shape
                    .fields
                    .iter()
                    .any(|field| holds_secret(field.default.as_ref()))
            })
            .collect();
        let component_secrets: Vec<bool> = (self.schemas.components.iter())
            .map(|component| component.fields.iter().any(|field| holds_secret(field.as_ref())))
            .collect();
        for (idx, entity) in self.entities.iter().enumerate() {
            let inherits_secret = kind_secrets[entity.kind.0 as usize]
                || entity
                    .component
                    .is_some_and(|component| component_secrets[component.0 as usize]);
            if inherits_secret {
                for (_, value, _) in self.fields(EntityId(crate::source::to_u32(idx))) {
                    collect(value, &mut found);
                }
            } else {
                for value in entity.fields.iter().filter_map(|(_, value)| value.as_ref()) {
                    collect(value, &mut found);
                }
            }
        }
        found
    }

    /// Every secret source the declarations refer to, in order, once each.
    pub fn secret_sources(&self) -> Vec<super::value::SecretSource> {
        self.secret_uses().into_iter().map(|(source, _)| source).collect()
    }

    /// The name of a declaration.
    pub fn name(&self, id: impl Into<EntityId>) -> &str {
        &self.entity(id).name
    }

    /// The name of a declaration, backquoted for messages.
    pub fn quoted(&self, id: impl Into<EntityId>) -> String {
        format!("`{}`", self.entity(id).name)
    }
}

/// A value is or holds a secret.
fn contains_secret(value: &Spanned) -> bool {
    match &value.value {
        Value::Secret(_) => true,
        Value::List(items) => items.iter().any(contains_secret),
        Value::Record(fields) => fields.iter().flatten().any(|field| contains_secret(&field.value)),
        Value::Map(entries) => entries.iter().any(|(_, item)| contains_secret(item)),
        _ => false,
    }
}
