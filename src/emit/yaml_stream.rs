//! A serde `Serializer` that writes the same YAML as [`super::yaml::to_yaml`] straight from
//! the value, without building a `serde_json::Value` first. It needs exact lengths (to
//! write `{}` and `[]` for empty collections); for a value that gives none it reports
//! [`Unsupported`], and [`to_yaml`] falls back to the tree-based writer.

use std::fmt;

use serde::ser::{self, Serialize};

use super::yaml::{push_scalar, scalar};

/// This value cannot be streamed (a collection of unknown length, a non-string key).
#[derive(Debug)]
pub struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Unsupported(message.to_string())
    }
}

/// The newtype name of a string Ansible must never template (`!unsafe`); see
/// [`super::ansible`]. Only this writer knows the tag: a value holding one never falls back
/// to the tree-based writer, which would drop it (a test holds the inventory to it).
pub const ANSIBLE_UNSAFE: &str = "k8sc::ansible::Unsafe";

/// Block-style YAML of a value, identical to [`super::yaml::to_yaml`]'s, written directly.
pub fn to_yaml(value: &impl Serialize) -> String {
    let mut out = String::new();
    append_yaml(&mut out, value);
    out
}

/// [`to_yaml`], appended to `out`.
pub fn append_yaml(out: &mut String, value: &impl Serialize) {
    let start = out.len();
    let written = value.serialize(Writer { out, at: At::Top });
    if written.is_err() {
        out.truncate(start);
        out.push_str(&super::yaml::to_yaml(value));
    }
}

/// Where the value being written sits.
#[derive(Clone, Copy)]
enum At {
    Top,
    /// After `key:`; entries of the map holding it are at this depth.
    MapValue(usize),
    /// After `- `; the dash is at this depth.
    ListItem(usize),
}

struct Writer<'o> {
    out: &'o mut String,
    at: At,
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

impl<'o> Writer<'o> {
    fn scalar(self, text: &str) -> Result<(), Unsupported> {
        if let At::MapValue(_) = self.at {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
        Ok(())
    }

    fn number(self, value: impl std::fmt::Display) -> Result<(), Unsupported> {
        use std::fmt::Write as _;
        if let At::MapValue(_) = self.at {
            self.out.push(' ');
        }
        let _ = writeln!(self.out, "{value}");
        Ok(())
    }

    /// Starts a collection: writes what goes before its first entry and returns the depth
    /// of its entries and whether the first entry shares the current line.
    fn open(self, len: Option<usize>, empty: &str, is_map: bool) -> Result<Option<Collection<'o>>, Unsupported> {
        let Some(len) = len else {
            return Err(Unsupported("a collection of unknown length".into()));
        };
        if len == 0 {
            self.scalar(empty)?;
            return Ok(None);
        }
        let (depth, inline_first) = match (self.at, is_map) {
            (At::Top, _) => (0, false),
            (At::MapValue(depth), true) => {
                self.out.push('\n');
                (depth + 1, false)
            }
            (At::MapValue(depth), false) => {
                self.out.push('\n');
                (depth, false)
            }
            (At::ListItem(depth), true) => (depth + 1, true),
            (At::ListItem(depth), false) => {
                self.out.push('\n');
                (depth + 1, false)
            }
        };
        Ok(Some(Collection {
            out: self.out,
            depth,
            inline_first,
            remaining: len,
        }))
    }
}

/// A map or sequence being written.
struct Collection<'o> {
    out: &'o mut String,
    depth: usize,
    inline_first: bool,
    remaining: usize,
}

impl Collection<'_> {
    fn key(&mut self, key: &str) {
        if self.inline_first {
            self.inline_first = false;
        } else {
            indent(self.out, self.depth);
        }
        push_scalar(self.out, key);
        self.out.push(':');
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.remaining = self.remaining.saturating_sub(1);
        value.serialize(Writer {
            out: self.out,
            at: At::MapValue(self.depth),
        })
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.remaining = self.remaining.saturating_sub(1);
        indent(self.out, self.depth);
        self.out.push_str("- ");
        value.serialize(Writer {
            out: self.out,
            at: At::ListItem(self.depth),
        })
    }

    fn end(self) -> Result<(), Unsupported> {
        if self.remaining == 0 {
            Ok(())
        } else {
            Err(Unsupported("fewer entries than announced".into()))
        }
    }
}

/// A collection, or nothing for an empty one (already written as `{}` or `[]`).
pub struct Open<'o>(Option<Collection<'o>>);

impl<'o> ser::Serializer for Writer<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Open<'o>;
    type SerializeTuple = Open<'o>;
    type SerializeTupleStruct = Open<'o>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = Open<'o>;
    type SerializeStruct = Open<'o>;
    type SerializeStructVariant = Open<'o>;

    fn serialize_bool(self, value: bool) -> Result<(), Unsupported> {
        self.scalar(if value { "true" } else { "false" })
    }
    fn serialize_i8(self, value: i8) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_i16(self, value: i16) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_i32(self, value: i32) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_i64(self, value: i64) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_u8(self, value: u8) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_u16(self, value: u16) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_u32(self, value: u32) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_u64(self, value: u64) -> Result<(), Unsupported> {
        self.number(value)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        Err(Unsupported("a float".into()))
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        Err(Unsupported("a float".into()))
    }
    fn serialize_char(self, value: char) -> Result<(), Unsupported> {
        self.scalar(&scalar(&value.to_string()))
    }
    fn serialize_str(self, value: &str) -> Result<(), Unsupported> {
        if let At::MapValue(_) = self.at {
            self.out.push(' ');
        }
        push_scalar(self.out, value);
        self.out.push('\n');
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported("bytes".into()))
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.scalar("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.scalar("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.scalar("null")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Unsupported> {
        self.scalar(&scalar(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), Unsupported> {
        if name == ANSIBLE_UNSAFE {
            // `!unsafe 'text'`: Ansible reads the string as data and never templates it.
            if let At::MapValue(_) = self.at {
                self.out.push(' ');
            }
            self.out.push_str("!unsafe");
            return value.serialize(Writer {
                out: self.out,
                at: At::MapValue(0),
            });
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        // `{variant: value}`, as serde_json writes an externally tagged variant.
        let Some(mut map) = self.open(Some(1), "{}", true)? else {
            return Ok(());
        };
        map.key(variant);
        map.value(value)?;
        map.end()
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Open<'o>, Unsupported> {
        Ok(Open(self.open(len, "[]", false)?))
    }
    fn serialize_tuple(self, len: usize) -> Result<Open<'o>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Open<'o>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported("a tuple variant".into()))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Open<'o>, Unsupported> {
        Ok(Open(self.open(len, "{}", true)?))
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Open<'o>, Unsupported> {
        Ok(Open(self.open(Some(len), "{}", true)?))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Open<'o>, Unsupported> {
        // `{variant: {fields}}`, as serde_json writes an externally tagged variant.
        let Some(mut outer) = self.open(Some(1), "{}", true)? else {
            return Err(Unsupported("an empty variant map".into()));
        };
        outer.key(variant);
        let Collection { out, depth, .. } = outer;
        Ok(Open(
            Writer {
                out,
                at: At::MapValue(depth),
            }
            .open(Some(len), "{}", true)?,
        ))
    }
}

impl ser::SerializeStructVariant for Open<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unsupported> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        ser::SerializeStruct::end(self)
    }
}

impl ser::SerializeSeq for Open<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        match &mut self.0 {
            Some(collection) => collection.element(value),
            None => Err(Unsupported("an element in an empty sequence".into())),
        }
    }
    fn end(self) -> Result<(), Unsupported> {
        self.0.map_or(Ok(()), Collection::end)
    }
}

impl ser::SerializeTuple for Open<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Open<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Open<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        // Keys are strings in everything k8sc writes; anything else falls back.
        let key = match key.serialize(serde_json::value::Serializer) {
            Ok(serde_json::Value::String(key)) => key,
            _ => return Err(Unsupported("a non-string key".into())),
        };
        match &mut self.0 {
            Some(collection) => {
                collection.key(&key);
                Ok(())
            }
            None => Err(Unsupported("a key in an empty map".into())),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        match &mut self.0 {
            Some(collection) => collection.value(value),
            None => Err(Unsupported("a value in an empty map".into())),
        }
    }
    fn end(self) -> Result<(), Unsupported> {
        self.0.map_or(Ok(()), Collection::end)
    }
}

impl ser::SerializeStruct for Open<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unsupported> {
        match &mut self.0 {
            Some(collection) => {
                collection.key(key);
                collection.value(value)
            }
            None => Err(Unsupported("a field in an empty struct".into())),
        }
    }
    fn end(self) -> Result<(), Unsupported> {
        self.0.map_or(Ok(()), Collection::end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Etcd {
        Local {
            #[serde(rename = "dataDir")]
            data_dir: String,
        },
        External(Vec<String>),
    }

    #[test]
    fn variants_stream_like_serde_json_writes_them() {
        for value in [
            Etcd::Local {
                data_dir: "/var/lib/etcd".into(),
            },
            Etcd::External(vec!["https://10.0.0.1:2379".into()]),
        ] {
            let mut out = String::new();
            value
                .serialize(Writer {
                    out: &mut out,
                    at: At::Top,
                })
                .expect("streams");
            assert_eq!(out, super::super::yaml::to_yaml(&value));
        }
    }

    /// Kubernetes objects as k8sc builds them stream without falling back.
    #[test]
    fn kubernetes_objects_stream() {
        use k8s_openapi::api::core::v1 as core;
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
        use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
        let service = core::Service {
            metadata: ObjectMeta {
                name: Some("web".into()),
                ..Default::default()
            },
            spec: Some(core::ServiceSpec {
                ports: Some(vec![core::ServicePort {
                    port: 80,
                    target_port: Some(IntOrString::String("http".into())),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let node = core::Node {
            metadata: ObjectMeta {
                name: Some("n1".into()),
                ..Default::default()
            },
            spec: Some(core::NodeSpec {
                taints: Some(Vec::new()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut out = String::new();
        service
            .serialize(Writer {
                out: &mut out,
                at: At::Top,
            })
            .expect("a Service streams");
        assert_eq!(out, super::super::yaml::to_yaml(&service));
        let mut out = String::new();
        node.serialize(Writer {
            out: &mut out,
            at: At::Top,
        })
        .expect("a Node streams");
        assert_eq!(out, super::super::yaml::to_yaml(&node));
    }

    #[test]
    fn streams_exactly_what_the_tree_writer_writes() {
        let value = super::super::yaml::sample();
        assert_eq!(to_yaml(&value), super::super::yaml::to_yaml(&value));
    }
}
