//! Placeholders: a value of the right shape for a schema, handed to an
//! input type where the body left a required member out, sent it as null,
//! or sent an enum value the type does not know. The violation is already
//! recorded and the typed value will be dropped; the placeholder only lets
//! the type be built so that the rest of the body is still checked.

use std::marker::PhantomData;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::{Member, Schema, TimestampFormat};

/// A deserializer of a placeholder for `schema`: the zero value of a
/// scalar, the first value of an enum, an empty list or map, a structure
/// with its required members, a union's first member. An optional value
/// is `None`.
pub(super) struct Placeholder<E> {
    schema: Schema,
    error: PhantomData<E>,
}

impl<E> Placeholder<E> {
    pub(super) fn new(schema: Schema) -> Self {
        Placeholder { schema, error: PhantomData }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for Placeholder<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.schema {
            Schema::String(_) | Schema::Blob(_) => visitor.visit_borrowed_str(""),
            Schema::Enum(schema) => visitor.visit_borrowed_str(schema.values.first().copied().unwrap_or("")),
            Schema::Integer(_) => visitor.visit_i64(0),
            Schema::BigInteger(_) | Schema::BigDecimal(_) => visitor.visit_borrowed_str("0"),
            Schema::Float(_) => visitor.visit_f64(0.0),
            Schema::Boolean => visitor.visit_bool(false),
            Schema::Timestamp(TimestampFormat::EpochSeconds) => visitor.visit_i64(0),
            Schema::Timestamp(TimestampFormat::DateTime) => visitor.visit_borrowed_str("1970-01-01T00:00:00Z"),
            Schema::Timestamp(TimestampFormat::HttpDate) => visitor.visit_borrowed_str("Thu, 01 Jan 1970 00:00:00 GMT"),
            Schema::Document => visitor.visit_unit(),
            Schema::List(_) => visitor.visit_seq(Nothing(PhantomData)),
            Schema::Unit | Schema::Map(_) => visitor.visit_map(Nothing(PhantomData)),
            Schema::Structure(structure) => {
                visitor.visit_map(Required { members: structure.members.iter(), next: None, error: PhantomData })
            }
            Schema::Union(union) => match union.members.first() {
                Some(member) => visitor.visit_enum(FirstMember { member, error: PhantomData }),
                None => visitor.visit_unit(),
            },
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        seq tuple tuple_struct map struct identifier
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, E> {
        // A big number's type reads serde_json's raw value: zero, as JSON.
        if let Schema::BigInteger(_) | Schema::BigDecimal(_) = self.schema {
            let zero: &'de [u8] = b"0";
            let mut de = serde_json::Deserializer::from_slice(zero);
            return de.deserialize_newtype_struct(name, visitor).map_err(de::Error::custom);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.schema {
            Schema::Enum(schema) => {
                let first = schema.values.first().copied().unwrap_or("");
                visitor.visit_enum(BorrowedStrDeserializer::new(first))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }
}

/// An empty list or map.
struct Nothing<E>(PhantomData<E>);

impl<'de, E: de::Error> SeqAccess<'de> for Nothing<E> {
    type Error = E;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, _: T) -> Result<Option<T::Value>, E> {
        Ok(None)
    }
}

impl<'de, E: de::Error> MapAccess<'de> for Nothing<E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, E> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, E> {
        Err(E::custom("an empty map has no values"))
    }
}

/// A structure's required members, each a placeholder.
struct Required<E> {
    members: std::slice::Iter<'static, Member>,
    next: Option<Schema>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> MapAccess<'de> for Required<E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        match self.members.by_ref().find(|member| member.required) {
            Some(member) => {
                self.next = Some(member.schema);
                seed.deserialize(BorrowedStrDeserializer::new(member.key())).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, E> {
        let schema = self.next.take().ok_or_else(|| E::custom("a value before its key"))?;
        seed.deserialize(Placeholder::new(schema))
    }
}

/// A union set to its first member, a placeholder.
struct FirstMember<E> {
    member: &'static Member,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> EnumAccess<'de> for FirstMember<E> {
    type Error = E;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self), E> {
        Ok((seed.deserialize(BorrowedStrDeserializer::new(self.member.key()))?, self))
    }
}

impl<'de, E: de::Error> VariantAccess<'de> for FirstMember<E> {
    type Error = E;

    fn unit_variant(self) -> Result<(), E> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, E> {
        seed.deserialize(Placeholder::new(self.member.schema))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, E> {
        Placeholder::new(self.member.schema).deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, E> {
        Placeholder::new(self.member.schema).deserialize_any(visitor)
    }
}
