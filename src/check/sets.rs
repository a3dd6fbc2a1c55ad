//! Lists that are sets: a list of declarations or of choices (`members = [m1, m2]`,
//! `roles = [etcd, worker]`) names each one once. keepalived refuses a VIP whose member
//! list repeats a node (the node would hold two instances of one VRRP group), and a
//! repeated node elsewhere counts twice in the survival arithmetic.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::EntityId;
use crate::semantic::value::Value;
use crate::source::Span;

/// The family's rules, in the order of their codes.
pub(super) const RULES: &[super::Rule] = &[super::rule!(no_repeats: E0122)];

/// An item of a set-like list.
#[derive(PartialEq, Eq, Hash)]
enum Item {
    Declaration(EntityId),
    Choice(&'static str),
}

/// E0122: no declaration or choice twice in a list a declaration writes. A frontend's
/// `backends` (in the `frontends` records) are HA026's, which says what haproxy makes of
/// the repeat; no other record holds such a list.
pub fn no_repeats(context: &crate::platform::Platform<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut seen: HashMap<Item, Span> = HashMap::default();
    for (index, entity) in model.entities.iter().enumerate() {
        let id = EntityId(u32::try_from(index).unwrap_or(u32::MAX));
        let shape = &model.schemas.entity(entity.kind).shape;
        for (position, value) in entity.written_fields() {
            let Some(Value::List(items)) = value.as_ref().map(|value| &value.value) else {
                continue;
            };
            seen.clear();
            for item in items {
                let (key, name) = match &item.value {
                    Value::Ref(target) => (Item::Declaration(*target), model.name(*target)),
                    Value::Enum(variant) => (Item::Choice(variant), *variant),
                    _ => continue,
                };
                if let Some(first) = seen.get(&key) {
                    let field = shape
                        .fields
                        .get(*position as usize)
                        .map_or("", |field| field.name.as_str());
                    out.push(
                        Diagnostic::error(
                            Code::E0122,
                            format!("`{name}` is listed twice in `{field}` of `{}`", model.name(id)),
                            item.span,
                            "listed again",
                        )
                        .with_label(*first, "first listed here")
                        .with_help("list it once: each item of this list stands for one thing"),
                    );
                } else {
                    seen.insert(key, item.span);
                }
            }
        }
    }
}
