//! One pass from request bytes to a typed, validated input.
//!
//! [`Checked`] wraps serde_json's deserializer and walks the operation's
//! schema alongside the input type's own `Deserialize`: every value the
//! type reads is checked on its way through (lengths, patterns, ranges,
//! enum values, required members), with no intermediate `serde_json::Value`
//! and no allocation for a valid value beyond what the type itself keeps.
//!
//! A violation does not stop the parse: it is recorded, and where the type
//! could not be built from what was sent (a required member missing or
//! null, an enum value it does not know) a placeholder of the right shape
//! is handed to it instead, so that the rest of the body is still checked.
//! The typed value is dropped whenever anything was recorded. A malformed
//! body (not JSON, a wrong JSON type, an integer that does not fit) stops
//! the parse at once.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use super::placeholder::Placeholder;
use super::report::Report;
use super::walk::{all_unique, fits};
use super::{Enum, List, Map, Schema, Structure, Union, describe};

/// A deserializer that checks what is read from `de` against `schema`.
pub(super) struct Checked<'r, D> {
    pub(super) de: D,
    pub(super) schema: Schema,
    pub(super) report: &'r mut Report,
    /// What a null here means to a type that is not an `Option`.
    pub(super) null: Null,
}

/// Records `message` as the malformation here (unless a deeper one was)
/// and makes the error that stops the parse.
fn malformed<E: de::Error>(report: &mut Report, message: impl Into<String>) -> E {
    E::custom(&report.malformed(message).message)
}

/// The error for a value of the wrong JSON type for `schema`.
fn mismatch<E: de::Error>(report: &mut Report, schema: &Schema) -> E {
    malformed(report, describe(schema))
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, D> {
    type Error = D::Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        match self.schema {
            Schema::Document => self.de.deserialize_any(visitor),
            Schema::Union(union) => {
                self.de.deserialize_any(UnionVisit { visitor, union, report: self.report, null: self.null })
            }
            schema => self.de.deserialize_any(Visit { visitor, schema, report: self.report, null: self.null }),
        }
    }

    // Which method the type called does not matter: the schema says what
    // the value must be, and `deserialize_any` checks it against that.
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        seq tuple tuple_struct map struct identifier
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        match self.schema {
            Schema::Document => self.de.deserialize_option(visitor),
            schema => self.de.deserialize_option(Optional { visitor, schema, report: self.report }),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        match self.schema {
            Schema::Enum(schema) => {
                self.de.deserialize_any(EnumVisit { visitor, schema, report: self.report, null: self.null })
            }
            Schema::Union(union) => {
                self.de.deserialize_any(UnionVisit { visitor, union, report: self.report, null: self.null })
            }
            Schema::Document => self.de.deserialize_enum(name, variants, visitor),
            schema => Err(mismatch(self.report, &schema)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// `deserialize_option`'s visitor: null is `None`, anything else is checked.
struct Optional<'r, V> {
    visitor: V,
    schema: Schema,
    report: &'r mut Report,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Optional<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Checked { de, schema: self.schema, report: self.report, null: Null::Allowed })
    }
}

/// The visitor for a value of `schema`: checks what serde_json found, then
/// hands it to the type's own visitor.
struct Visit<'r, V> {
    visitor: V,
    schema: Schema,
    report: &'r mut Report,
    null: Null,
}

/// `result`, of a value handed to the type's visitor; if the type refused
/// it (a timestamp out of range, bad base64), the body is malformed there.
fn handed<T, E>(report: &mut Report, schema: &Schema, result: Result<T, E>) -> Result<T, E> {
    if result.is_err() {
        report.malformed(describe(schema));
    }
    result
}

impl<V> Visit<'_, V> {
    fn check_integer<E: de::Error>(&mut self, n: Option<i64>) -> Result<(), E> {
        let Schema::Integer(rules) = self.schema else { unreachable!("only called for integers") };
        let Some(n) = n.filter(|n| fits(rules.kind, *n)) else { return Err(mismatch(self.report, &self.schema)) };
        if let Some(values) = rules.values {
            if !self.report.check_int_enum(values, n) {
                return Ok(());
            }
        }
        if let Some(range) = &rules.range {
            self.report.check_range(range, n as f64);
        }
        Ok(())
    }

    fn check_number<E: de::Error>(&mut self, number: f64) -> Result<(), E> {
        match self.schema {
            Schema::Float(rules) => {
                if let Some(range) = &rules.range {
                    self.report.check_range(range, number);
                }
                Ok(())
            }
            Schema::Timestamp(super::TimestampFormat::EpochSeconds) => Ok(()),
            schema => Err(mismatch(self.report, &schema)),
        }
    }

    #[inline]
    fn check_text<E: de::Error>(&mut self, text: &str) -> Result<(), E> {
        match self.schema {
            Schema::String(rules) => self.report.check_string(&rules, text),
            Schema::Enum(schema) => {
                self.report.check_enum(schema, text);
            }
            Schema::Float(_) if crate::float::non_finite(text).is_some() => {}
            Schema::Timestamp(super::TimestampFormat::DateTime | super::TimestampFormat::HttpDate) => {}
            Schema::Blob(length) => {
                if let Some(length) = &length {
                    self.report.check_length(length, base64_decoded_len(text));
                }
            }
            schema => return Err(mismatch(self.report, &schema)),
        }
        Ok(())
    }
}

/// The length of what base64 `text` decodes to, if it is valid (if it is
/// not, the blob's own parse says so).
fn base64_decoded_len(text: &str) -> usize {
    let padding = text.bytes().rev().take_while(|&b| b == b'=').count().min(2);
    (text.len() / 4 * 3).saturating_sub(padding)
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Visit<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<V::Value, E> {
        match self.schema {
            Schema::Boolean => handed(self.report, &self.schema, self.visitor.visit_bool(value)),
            schema => Err(mismatch(self.report, &schema)),
        }
    }

    fn visit_i64<E: de::Error>(mut self, value: i64) -> Result<V::Value, E> {
        match self.schema {
            Schema::Integer(_) => self.check_integer(Some(value))?,
            _ => self.check_number(value as f64)?,
        }
        handed(self.report, &self.schema, self.visitor.visit_i64(value))
    }

    fn visit_u64<E: de::Error>(mut self, value: u64) -> Result<V::Value, E> {
        match self.schema {
            Schema::Integer(_) => self.check_integer(i64::try_from(value).ok())?,
            _ => self.check_number(value as f64)?,
        }
        handed(self.report, &self.schema, self.visitor.visit_u64(value))
    }

    fn visit_f64<E: de::Error>(mut self, value: f64) -> Result<V::Value, E> {
        match self.schema {
            Schema::Integer(_) => return Err(mismatch(self.report, &self.schema)),
            _ => self.check_number(value)?,
        }
        handed(self.report, &self.schema, self.visitor.visit_f64(value))
    }

    #[inline]
    fn visit_str<E: de::Error>(mut self, value: &str) -> Result<V::Value, E> {
        self.check_text(value)?;
        handed(self.report, &self.schema, self.visitor.visit_str(value))
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(mut self, value: &'de str) -> Result<V::Value, E> {
        self.check_text(value)?;
        handed(self.report, &self.schema, self.visitor.visit_borrowed_str(value))
    }

    #[inline]
    fn visit_string<E: de::Error>(mut self, value: String) -> Result<V::Value, E> {
        self.check_text(&value)?;
        handed(self.report, &self.schema, self.visitor.visit_string(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        match self.null {
            Null::Missing => {
                self.report.missing();
                Placeholder::new(self.schema).deserialize_any(self.visitor)
            }
            Null::Malformed(message) => Err(malformed(self.report, message)),
            Null::Allowed => Err(mismatch(self.report, &self.schema)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        let Schema::List(list) = self.schema else { return Err(mismatch(self.report, &self.schema)) };
        if list.unique {
            return unique_list(self.visitor, list, seq, self.report);
        }
        let mut count = 0;
        let value = self.visitor.visit_seq(Items { seq, list, report: &mut *self.report, count: &mut count })?;
        if let Some(length) = &list.length {
            self.report.check_length(length, count);
        }
        Ok(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        match self.schema {
            Schema::Structure(structure) => self.visitor.visit_map(Members::new(map, structure, self.report)),
            Schema::Map(schema) => {
                let mut count = 0;
                let entries = Entries { map, schema, report: &mut *self.report, count: &mut count, entry: None };
                let value = self.visitor.visit_map(entries)?;
                if let Some(length) = &schema.length {
                    self.report.check_length(length, count);
                }
                Ok(value)
            }
            Schema::Unit => self.visitor.visit_map(Empty { map, report: self.report }),
            schema => Err(mismatch(self.report, &schema)),
        }
    }
}

/// A `@uniqueItems` list: its items are read as JSON values first, to be
/// compared as the walk compares them, then read into the type from those.
/// Such lists are rare, and small.
fn unique_list<'de, V: Visitor<'de>, A: SeqAccess<'de>>(
    visitor: V,
    list: &'static List,
    mut seq: A,
    report: &mut Report,
) -> Result<V::Value, A::Error> {
    let mut items = Vec::new();
    while let Some(item) = seq.next_element::<serde_json::Value>()? {
        items.push(item);
    }
    if let Some(length) = &list.length {
        report.check_length(length, items.len());
    }
    if !all_unique(&items) {
        report.not_unique();
    }
    let mut count = 0;
    let seq = Items {
        seq: Buffered { items: items.into_iter(), error: PhantomData::<A::Error> },
        list,
        report,
        count: &mut count,
    };
    visitor.visit_seq(seq)
}

/// Buffered list items, read again as a sequence.
struct Buffered<E> {
    items: std::vec::IntoIter<serde_json::Value>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> SeqAccess<'de> for Buffered<E> {
    type Error = E;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, E> {
        match self.items.next() {
            Some(item) => seed.deserialize(item).map(Some).map_err(E::custom),
            None => Ok(None),
        }
    }
}

/// A list's items, each checked against the list's member at its index.
struct Items<'r, 'c, A> {
    seq: A,
    list: &'static List,
    report: &'r mut Report,
    count: &'c mut usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Items<'_, '_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let mark = self.report.push_index(*self.count);
        let item = Item { seed, list: self.list, report: &mut *self.report };
        let result = self.seq.next_element_seed(item);
        self.report.pop(mark);
        if let Ok(Some(_)) = result {
            *self.count += 1;
        }
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// One list item: null only in a `@sparse` list.
struct Item<'r, T> {
    seed: T,
    list: &'static List,
    report: &'r mut Report,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Item<'_, T> {
    type Value = T::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<T::Value, D::Error> {
        let null = if self.list.sparse { Null::Allowed } else { Null::Malformed("null is not allowed in this list") };
        self.seed.deserialize(Checked { de, schema: self.list.member, report: self.report, null })
    }
}

/// What a null means to a type that is not an `Option` (an `Option` reads
/// it as `None`).
#[derive(Clone, Copy, Debug)]
pub(super) enum Null {
    /// A wrong JSON type for the type.
    Allowed,
    /// A required member's violation; a placeholder stands in.
    Missing,
    /// A malformed body, for this reason.
    Malformed(&'static str),
}

/// A value read by the type it is for, with `null`'s meaning.
struct ValueSeed<'r, T> {
    seed: T,
    schema: Schema,
    report: &'r mut Report,
    null: Null,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for ValueSeed<'_, T> {
    type Value = T::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<T::Value, D::Error> {
        self.seed.deserialize(Checked { de, schema: self.schema, report: self.report, null: self.null })
    }
}

/// Which members of a structure were sent; a bit per member.
struct Seen {
    first: u128,
    rest: Vec<bool>,
}

impl Seen {
    fn new(members: usize) -> Self {
        Seen { first: 0, rest: if members > 128 { vec![false; members - 128] } else { Vec::new() } }
    }

    fn set(&mut self, index: usize) {
        match index.checked_sub(128) {
            None => self.first |= 1 << index,
            Some(rest) => self.rest[rest] = true,
        }
    }

    fn get(&self, index: usize) -> bool {
        match index.checked_sub(128) {
            None => self.first & (1 << index) != 0,
            Some(rest) => self.rest[rest],
        }
    }
}

/// A structure's members: each sent member is checked against its schema;
/// required members that were not sent are reported at the end, and
/// handed to the type as placeholders so that it can still be built.
struct Members<'r, A> {
    map: A,
    structure: &'static Structure,
    report: &'r mut Report,
    seen: Seen,
    /// The member whose value is next: its index, and whether it is a
    /// missing member's placeholder.
    next: Option<(usize, bool)>,
    /// The body's members are all read; `missing` walks the model's.
    ended: bool,
    missing: usize,
}

impl<'r, A> Members<'r, A> {
    fn new(map: A, structure: &'static Structure, report: &'r mut Report) -> Self {
        let seen = Seen::new(structure.members.len());
        Members { map, structure, report, seen, next: None, ended: false, missing: 0 }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Members<'_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let members = self.structure.members;
        let mut seed = Some(seed);
        if !self.ended {
            match self.map.next_key_seed(MemberName { seed: &mut seed, members })? {
                Some((key, index)) => {
                    if let Some(index) = index {
                        self.seen.set(index);
                    }
                    self.next = index.map(|index| (index, false));
                    return Ok(Some(key));
                }
                None => self.ended = true,
            }
        }
        match seed {
            Some(seed) => self.next_missing(seed),
            None => Ok(None),
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let Some((index, placeholder)) = self.next.take() else {
            // A member the model does not have: the type ignores it.
            return self.map.next_value_seed(seed);
        };
        let member = &self.structure.members[index];
        if placeholder {
            return seed.deserialize(Placeholder::new(member.schema));
        }
        let mark = self.report.push_member(member.name, index);
        let null = if member.required { Null::Missing } else { Null::Allowed };
        let value = ValueSeed { seed, schema: member.schema, report: &mut *self.report, null };
        let result = self.map.next_value_seed(value);
        self.report.pop(mark);
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> Members<'_, A> {
    /// The next required member that was not sent: reported, and handed to
    /// the type under its name, its value a placeholder.
    fn next_missing<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let members = self.structure.members;
        while self.missing < members.len() {
            let index = self.missing;
            self.missing += 1;
            let member = &members[index];
            if member.required && !self.seen.get(index) {
                let mark = self.report.push_member(member.name, index);
                self.report.missing();
                self.report.pop(mark);
                self.next = Some((index, true));
                return seed.deserialize(BorrowedStrDeserializer::new(member.name)).map(Some);
            }
        }
        Ok(None)
    }
}

/// A member's name: handed to the type's field visitor, and looked up in
/// the model. The seed stays in its slot until a name is read, so that the
/// end of the object leaves it for the missing members.
struct MemberName<'s, K> {
    seed: &'s mut Option<K>,
    members: &'static [super::Member],
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for MemberName<'_, K> {
    type Value = (K::Value, Option<usize>);

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> MemberName<'_, K> {
    fn seed(&mut self) -> K {
        self.seed.take().expect("a member name is read once")
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for MemberName<'_, K> {
    type Value = (K::Value, Option<usize>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    #[inline]
    fn visit_str<E: de::Error>(mut self, name: &str) -> Result<Self::Value, E> {
        let index = self.members.iter().position(|member| member.name == name);
        Ok((self.seed().deserialize(StrDeserializer::new(name))?, index))
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(mut self, name: &'de str) -> Result<Self::Value, E> {
        let index = self.members.iter().position(|member| member.name == name);
        Ok((self.seed().deserialize(BorrowedStrDeserializer::new(name))?, index))
    }
}

/// A map's entries: each key checked (reported at the map, ordered with
/// its entry) and each value checked at its key.
struct Entries<'r, 'c, A> {
    map: A,
    schema: &'static Map,
    report: &'r mut Report,
    count: &'c mut usize,
    /// Where the entry whose key was read began in the path.
    entry: Option<super::report::Mark>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<'_, '_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let key = Key { seed, schema: self.schema.key, report: &mut *self.report, entry: &mut self.entry };
        self.map.next_key_seed(key)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let null = if self.schema.sparse { Null::Allowed } else { Null::Malformed("null is not allowed in this map") };
        let value = ValueSeed { seed, schema: self.schema.value, report: &mut *self.report, null };
        let result = self.map.next_value_seed(value);
        if let Some(mark) = self.entry.take() {
            self.report.pop(mark);
        }
        *self.count += 1;
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A map key: checked, entered in the path, then handed to the type (an
/// enum key that is not one of the values is handed over as the first).
struct Key<'r, 'm, K> {
    seed: K,
    schema: Schema,
    report: &'r mut Report,
    entry: &'m mut Option<super::report::Mark>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for Key<'_, '_, K> {
    type Value = K::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<K::Value, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> Key<'_, '_, K> {
    /// Checks `key`; the text to hand the type.
    fn check<'k>(&mut self, key: &'k str) -> &'k str {
        let handed = match self.schema {
            Schema::String(rules) => {
                self.report.check_key_string(&rules, key);
                key
            }
            Schema::Enum(schema) => {
                if self.report.check_key_enum(schema, key) {
                    key
                } else {
                    schema.values.first().copied().unwrap_or(key)
                }
            }
            _ => key,
        };
        *self.entry = Some(self.report.push_key(key));
        handed
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for Key<'_, '_, K> {
    type Value = K::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    #[inline]
    fn visit_str<E: de::Error>(mut self, key: &str) -> Result<K::Value, E> {
        let handed = self.check(key);
        self.seed.deserialize(StrDeserializer::new(handed))
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(mut self, key: &'de str) -> Result<K::Value, E> {
        let handed = self.check(key);
        self.seed.deserialize(BorrowedStrDeserializer::new(handed))
    }
}

/// An object that must be empty (the unit type).
struct Empty<'r, A> {
    map: A,
    report: &'r mut Report,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Empty<'_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, A::Error> {
        match self.map.next_key::<IgnoredAny>()? {
            None => Ok(None),
            Some(_) => Err(mismatch(self.report, &Schema::Unit)),
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, A::Error> {
        unreachable!("an empty object has no values")
    }
}

/// An enum's value: checked, then handed to the type's enum visitor (one
/// that is not a value is handed over as the first value).
struct EnumVisit<'r, V> {
    visitor: V,
    schema: &'static Enum,
    report: &'r mut Report,
    null: Null,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for EnumVisit<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, text: &str) -> Result<V::Value, E> {
        let handed = if self.report.check_enum(self.schema, text) {
            text
        } else {
            self.schema.values.first().copied().unwrap_or(text)
        };
        self.visitor.visit_enum(StrDeserializer::new(handed))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<V::Value, E> {
        Err(mismatch(self.report, &Schema::Enum(self.schema)))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<V::Value, E> {
        Err(mismatch(self.report, &Schema::Enum(self.schema)))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<V::Value, E> {
        Err(mismatch(self.report, &Schema::Enum(self.schema)))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<V::Value, E> {
        Err(mismatch(self.report, &Schema::Enum(self.schema)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        let schema = Schema::Enum(self.schema);
        match self.null {
            Null::Missing => {
                self.report.missing();
                Placeholder::new(schema).deserialize_enum("", &[], self.visitor)
            }
            Null::Malformed(message) => Err(malformed(self.report, message)),
            Null::Allowed => Err(mismatch(self.report, &schema)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(mismatch(self.report, &Schema::Enum(self.schema)))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(mismatch(self.report, &Schema::Enum(self.schema)))
    }
}

/// A union's object: exactly one member set (null members count as unset),
/// handed to the type's enum visitor as that variant.
struct UnionVisit<'r, V> {
    visitor: V,
    union: &'static Union,
    report: &'r mut Report,
    null: Null,
}

impl<'de, V: Visitor<'de>> UnionVisit<'_, V> {
    fn not_an_object<E: de::Error>(self) -> Result<V::Value, E> {
        Err(mismatch(self.report, &Schema::Union(self.union)))
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for UnionVisit<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object for union {}", self.union.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        let union = self.union;
        let exactly_one = || format!("union {} must have exactly one member set", union.name);
        let mut visitor = self.visitor;
        let report = self.report;
        let value = loop {
            let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? else {
                return Err(malformed(report, exactly_one()));
            };
            let Some(index) = union.members.iter().position(|member| member.name == name) else {
                return Err(malformed(report, format!("union {} has no member `{name}`", union.name)));
            };
            let member = &union.members[index];
            let mark = report.push_member(member.name, index);
            let seed = UnionMember { visitor, member, report: &mut *report };
            let read = map.next_value_seed(seed);
            report.pop(mark);
            match read? {
                Ok(value) => break value,
                // That member was null: unset.
                Err(unused) => visitor = unused,
            }
        };
        // Any further member must be null.
        while map.next_key::<IgnoredAny>()?.is_some() {
            if map.next_value::<Option<IgnoredAny>>()?.is_some() {
                return Err(malformed(report, exactly_one()));
            }
        }
        Ok(value)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<V::Value, E> {
        self.not_an_object()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<V::Value, E> {
        self.not_an_object()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<V::Value, E> {
        self.not_an_object()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<V::Value, E> {
        self.not_an_object()
    }

    #[inline]
    fn visit_str<E: de::Error>(self, _: &str) -> Result<V::Value, E> {
        self.not_an_object()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        let schema = Schema::Union(self.union);
        match self.null {
            Null::Missing => {
                self.report.missing();
                Placeholder::new(schema).deserialize_enum("", &[], self.visitor)
            }
            Null::Malformed(message) => Err(malformed(self.report, message)),
            Null::Allowed => self.not_an_object(),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        self.not_an_object()
    }
}

/// A union member's value: null gives the type's visitor back unused;
/// anything else is read as that variant.
struct UnionMember<'r, V> {
    visitor: V,
    member: &'static super::Member,
    report: &'r mut Report,
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for UnionMember<'_, V> {
    type Value = Result<V::Value, V>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_option(self)
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for UnionMember<'_, V> {
    type Value = Result<V::Value, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe(&self.member.schema))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(self.visitor))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(self.visitor))
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        let variant = Variant { de, member: self.member, report: self.report };
        self.visitor.visit_enum(variant).map(Ok)
    }
}

/// The one set member of a union, as the type's enum access.
struct Variant<'r, D> {
    de: D,
    member: &'static super::Member,
    report: &'r mut Report,
}

impl<'de, 'r, D: Deserializer<'de>> EnumAccess<'de> for Variant<'r, D> {
    type Error = D::Error;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self), D::Error> {
        let variant = seed.deserialize(BorrowedStrDeserializer::<D::Error>::new(self.member.name))?;
        Ok((variant, self))
    }
}

impl<'de, D: Deserializer<'de>> VariantAccess<'de> for Variant<'_, D> {
    type Error = D::Error;

    fn unit_variant(self) -> Result<(), D::Error> {
        IgnoredAny::deserialize(Checked {
            de: self.de,
            schema: self.member.schema,
            report: self.report,
            null: Null::Allowed,
        })
        .map(drop)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, D::Error> {
        seed.deserialize(Checked { de: self.de, schema: self.member.schema, report: self.report, null: Null::Allowed })
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, D::Error> {
        Checked { de: self.de, schema: self.member.schema, report: self.report, null: Null::Allowed }
            .deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, D::Error> {
        Checked { de: self.de, schema: self.member.schema, report: self.report, null: Null::Allowed }
            .deserialize_any(visitor)
    }
}
