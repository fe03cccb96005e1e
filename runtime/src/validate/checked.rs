//! One pass from request bytes to a typed, validated input.
//!
//! [`Checked`] is a serde deserializer that reads the body with jiter, a
//! pull parser, and knows the operation's schema: the input type's own
//! `Deserialize` asks for values, and each is checked as it is read
//! (lengths, patterns, ranges, enum values, required members) before the
//! type sees it. There is no intermediate `serde_json::Value`, no second
//! deserializer underneath, and no allocation for a valid value beyond
//! what the type itself keeps.
//!
//! A violation does not stop the parse: it is recorded, and where the type
//! could not be built from what was sent (a required member missing or
//! null, an enum value it does not know) a placeholder of the right shape
//! is handed to it instead, so that the rest of the body is still checked.
//! The typed value is dropped whenever anything was recorded. A malformed
//! body (not JSON, a wrong JSON type, an integer that does not fit, nesting
//! deeper than [`MAX_DEPTH`]) stops the parse at once.

use std::fmt;

use jiter::{Jiter, JiterError, JiterResult, Peek};
use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::placeholder::Placeholder;
use super::report::Report;
use super::walk::{all_unique, fits};
use super::{Enum, IntegerRules, List, Map, Member, Schema, Structure, TimestampFormat, Union, describe};

/// Objects and arrays nest at most this deep (serde_json's own limit): the
/// parse recurses, and a hostile body must not exhaust the stack.
pub(super) const MAX_DEPTH: u32 = 128;

/// Why a parse stopped: the body is not JSON, or is malformed, or does not
/// fit the input type. [`super::parse`] turns it into a [`super::Rejection`].
#[derive(Debug)]
pub enum Stop {
    /// The body is not JSON: the reason, and the byte offset (boxed: a
    /// small error keeps every `Result` of the parse small).
    Json(Box<(String, usize)>),
    /// The body is malformed, and the report says where and why.
    Recorded,
    /// The input type refused a value for a reason of its own (a member
    /// sent twice, say); its text may quote the input, so it is not kept.
    Refused,
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Json(json) => write!(f, "{} at byte {}", json.0, json.1),
            Stop::Recorded => f.write_str("the body is malformed"),
            Stop::Refused => f.write_str("the input type refused a value"),
        }
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop::Refused
    }
}

/// jiter's error as ours.
pub(super) fn json_error(e: JiterError) -> Stop {
    Stop::Json(Box::new((e.error_type.to_string(), e.index)))
}

/// jiter's result as ours.
#[inline]
pub(super) fn json<T>(result: JiterResult<T>) -> Result<T, Stop> {
    result.map_err(json_error)
}

/// Records `message` as the malformation here (unless a deeper one was)
/// and stops the parse.
fn malformed(report: &mut Report, message: impl Into<String>) -> Stop {
    report.malformed(message);
    Stop::Recorded
}

/// The error for a value of the wrong JSON type for `schema`.
fn mismatch(report: &mut Report, schema: &Schema) -> Stop {
    malformed(report, describe(schema))
}

/// The error for a value of the wrong JSON type for `schema`, or for one
/// that does not even start as JSON does (jiter says why).
pub(super) fn wrong_type(jiter: &mut Jiter<'_>, report: &mut Report, peek: Peek, schema: &Schema) -> Stop {
    // A null is skipped too: jiter checks that it is spelled `null`.
    if !matches!(peek, Peek::True | Peek::False | Peek::String | Peek::Array | Peek::Object) && !peek.is_num() {
        if let Err(e) = json(jiter.known_skip(peek)) {
            return e;
        }
    }
    mismatch(report, schema)
}

/// The error for objects and arrays nested deeper than [`MAX_DEPTH`].
pub(super) fn too_deep(report: &mut Report) -> Stop {
    malformed(report, format!("the body nests objects and arrays more than {MAX_DEPTH} deep"))
}

/// The number at the parser's position: its text, and whether it is whole
/// (no point, no exponent).
pub(super) fn number_text<'j>(jiter: &'j mut Jiter<'_>) -> Result<(&'j str, bool), Stop> {
    let bytes = json(jiter.next_number_bytes())?;
    let whole = !bytes.iter().any(|b| matches!(b, b'.' | b'e' | b'E'));
    // jiter has checked the syntax: ASCII digits, sign, point, exponent.
    Ok((std::str::from_utf8(bytes).unwrap_or_default(), whole))
}

/// A big number's text checked against `schema` (a `bigInteger` or
/// `bigDecimal`): `false` if it is not a number of the kind (the body is
/// malformed); otherwise any violation of its range is recorded.
pub(super) fn checked_big(report: &mut Report, schema: &Schema, text: &str) -> bool {
    let (rules, parses) = match schema {
        Schema::BigInteger(rules) => (rules, crate::BigInteger::parse(text).is_ok()),
        Schema::BigDecimal(rules) => (rules, crate::BigDecimal::parse(text).is_ok()),
        _ => return false,
    };
    if let (true, Some(range)) = (parses, &rules.range) {
        report.check_big_range(range, text);
    }
    parses
}

/// An integer's text checked against `rules`: `None` if it is not a whole
/// number that fits the kind (the body is malformed); otherwise its value,
/// with any violation of its `intEnum` values or range recorded.
pub(super) fn checked_integer(report: &mut Report, rules: &IntegerRules, text: &str, whole: bool) -> Option<i64> {
    let n = text.parse::<i64>().ok().filter(|_| whole)?;
    checked_integer_value(report, rules, n)
}

/// [`checked_integer`] of a number already read as one.
pub(super) fn checked_integer_value(report: &mut Report, rules: &IntegerRules, n: i64) -> Option<i64> {
    if !fits(rules.kind, n) {
        return None;
    }
    let in_enum = rules.values.is_none_or(|values| report.check_int_enum(values, n));
    if let (true, Some(range)) = (in_enum, &rules.range) {
        report.check_range(range, n as f64);
    }
    Some(n)
}

/// `result`, of a value handed to the type's visitor; if the type refused
/// it (a timestamp out of range, bad base64), the body is malformed there.
#[inline]
fn handed<T>(report: &mut Report, schema: &Schema, result: Result<T, Stop>) -> Result<T, Stop> {
    if result.is_err() {
        report.malformed(describe(schema));
    }
    result
}

/// A deserializer of the value at the parser's position, checked against
/// `schema`.
pub(super) struct Checked<'a, 'de> {
    pub(super) jiter: &'a mut Jiter<'de>,
    pub(super) report: &'a mut Report,
    pub(super) schema: Schema,
    /// What a null here means to a type that is not an `Option`.
    pub(super) null: Null,
    /// How many objects and arrays enclose the value.
    pub(super) depth: u32,
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

impl<'a, 'de> Checked<'a, 'de> {
    /// Entering an object or array: one level deeper, if that is allowed.
    fn enter(&mut self) -> Result<u32, Stop> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(self.report));
        }
        Ok(self.depth + 1)
    }

    /// A null where the type wants a value: what `null` says it means.
    fn null_value<V: Visitor<'de>>(self, visitor: V, enum_type: bool) -> Result<V::Value, Stop> {
        json(self.jiter.known_null())?;
        match self.null {
            Null::Missing => {
                self.report.missing();
                let placeholder = Placeholder::new(self.schema);
                if enum_type {
                    placeholder.deserialize_enum("", &[], visitor)
                } else {
                    placeholder.deserialize_any(visitor)
                }
            }
            Null::Malformed(message) => Err(malformed(self.report, message)),
            Null::Allowed => Err(mismatch(self.report, &self.schema)),
        }
    }

    /// A value that is not JSON at all, or of the wrong JSON type.
    fn wrong<T>(self, peek: Peek) -> Result<T, Stop> {
        Err(wrong_type(self.jiter, self.report, peek, &self.schema))
    }

    /// A value of any schema but a document, union or enum.
    fn value<V: Visitor<'de>>(mut self, peek: Peek, visitor: V) -> Result<V::Value, Stop> {
        let schema = self.schema;
        match peek {
            Peek::Null => self.null_value(visitor, false),
            Peek::True | Peek::False => match schema {
                Schema::Boolean => {
                    let value = json(self.jiter.known_bool(peek))?;
                    handed(self.report, &schema, visitor.visit_bool(value))
                }
                _ => self.wrong(peek),
            },
            Peek::String => {
                let text = json(self.jiter.known_str())?;
                check_text(self.report, &schema, text)?;
                handed(self.report, &schema, visitor.visit_str(text))
            }
            Peek::Array => match schema {
                Schema::List(list) => {
                    let depth = self.enter()?;
                    if list.unique {
                        return unique_list(self.jiter, self.report, list, depth, visitor);
                    }
                    let mut count = 0;
                    let items = Items {
                        jiter: &mut *self.jiter,
                        report: &mut *self.report,
                        list,
                        depth,
                        count: &mut count,
                        started: false,
                    };
                    let value = visitor.visit_seq(items)?;
                    if let Some(length) = &list.length {
                        self.report.check_length(length, count);
                    }
                    Ok(value)
                }
                _ => self.wrong(peek),
            },
            Peek::Object => match schema {
                Schema::Structure(structure) => {
                    let depth = self.enter()?;
                    visitor.visit_map(Members::new(self.jiter, self.report, structure, depth))
                }
                Schema::Map(map) => {
                    let depth = self.enter()?;
                    let mut count = 0;
                    let entries = Entries {
                        jiter: &mut *self.jiter,
                        report: &mut *self.report,
                        map,
                        depth,
                        count: &mut count,
                        started: false,
                        entry: None,
                    };
                    let value = visitor.visit_map(entries)?;
                    if let Some(length) = &map.length {
                        self.report.check_length(length, count);
                    }
                    Ok(value)
                }
                Schema::Unit => {
                    if json(self.jiter.known_object())?.is_some() {
                        return Err(mismatch(self.report, &schema));
                    }
                    visitor.visit_map(Ended)
                }
                _ => self.wrong(peek),
            },
            _ if peek.is_num() => self.number(visitor),
            _ => self.wrong(peek),
        }
    }

    /// A number: integers must be whole and fit their kind; floats and
    /// epoch-seconds timestamps take any.
    fn number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let schema = self.schema;
        let (text, whole) = number_text(self.jiter)?;
        let report = self.report;
        match schema {
            Schema::Integer(rules) => {
                let Some(n) = checked_integer(report, &rules, text, whole) else {
                    return Err(mismatch(report, &schema));
                };
                handed(report, &schema, visitor.visit_i64(n))
            }
            // Big numbers are read as their text (`runtime::BigInteger`
            // takes it through `deserialize_newtype_struct`, below).
            Schema::BigInteger(_) | Schema::BigDecimal(_) => {
                if !checked_big(report, &schema, text) {
                    return Err(mismatch(report, &schema));
                }
                handed(report, &schema, visitor.visit_str(text))
            }
            Schema::Float(_) | Schema::Timestamp(TimestampFormat::EpochSeconds) => {
                let integer = if whole { text.parse::<i64>().ok() } else { None };
                let number = match integer {
                    Some(n) => n as f64,
                    None => {
                        text.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| mismatch(report, &schema))?
                    }
                };
                if let Schema::Float(rules) = schema {
                    if let Some(range) = &rules.range {
                        report.check_range(range, number);
                    }
                }
                let result = match integer {
                    Some(n) => visitor.visit_i64(n),
                    None => visitor.visit_f64(number),
                };
                handed(report, &schema, result)
            }
            _ => Err(mismatch(report, &schema)),
        }
    }

    /// A document: any JSON value, handed to the type as serde_json reads it.
    fn document<V: Visitor<'de>>(self, peek: Peek, visitor: V) -> Result<V::Value, Stop> {
        let (depth, start) = (self.depth, self.jiter.current_index());
        let raw = skip_raw(self.jiter, peek)?;
        let mut de = serde_json::Deserializer::from_slice(raw);
        // The document's own nesting counts towards the body's.
        if depth + nesting(raw) > MAX_DEPTH {
            return Err(too_deep(self.report));
        }
        // As everywhere in a body: which of two values was meant is unknowable.
        if has_a_key_twice(raw) {
            return Err(malformed(self.report, "an object in the document has a key more than once"));
        }
        de.deserialize_any(visitor).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                // jiter skipped it, so this is what serde_json checks on top: UTF-8.
                Stop::Json(Box::new((format!("{e} (of the document here)"), start)))
            } else {
                malformed(self.report, describe(&Schema::Document))
            }
        })
    }

    /// An enum's value: checked, then handed to the type's enum visitor
    /// (one that is not a value is handed over as the first value).
    fn enumeration<V: Visitor<'de>>(self, peek: Peek, schema: &'static Enum, visitor: V) -> Result<V::Value, Stop> {
        match peek {
            Peek::String => {
                let text = json(self.jiter.known_str())?;
                let handed = if self.report.check_enum(schema, text) {
                    text
                } else {
                    schema.values.first().copied().unwrap_or(text)
                };
                visitor.visit_enum(StrDeserializer::<Stop>::new(handed))
            }
            Peek::Null => self.null_value(visitor, true),
            _ => self.wrong(peek),
        }
    }

    /// A union's object: exactly one member set (null members count as
    /// unset), handed to the type's enum visitor as that variant.
    fn union<V: Visitor<'de>>(mut self, peek: Peek, union: &'static Union, visitor: V) -> Result<V::Value, Stop> {
        match peek {
            Peek::Object => {}
            Peek::Null => return self.null_value(visitor, true),
            _ => return self.wrong(peek),
        }
        let depth = self.enter()?;
        let (jiter, report) = (self.jiter, self.report);
        let exactly_one = || format!("union {} must have exactly one member set", union.name);
        let mut key = json(jiter.known_object())?.map(|name| member_index(union.members, name));
        let value = loop {
            let index = match key {
                None => return Err(malformed(report, exactly_one())),
                Some(Err(())) => {
                    // Not named: the name is the client's, of any length.
                    return Err(malformed(report, format!("union {} has no member of the name sent", union.name)));
                }
                Some(Ok(index)) => index,
            };
            if json(jiter.peek())? == Peek::Null {
                // That member is null: unset.
                json(jiter.known_null())?;
                key = json(jiter.next_key())?.map(|name| member_index(union.members, name));
                continue;
            }
            let member = &union.members[index];
            let mark = report.push_member(member.name, index);
            let read = visitor.visit_enum(Variant { jiter: &mut *jiter, report: &mut *report, member, depth });
            report.pop(mark);
            break read?;
        };
        // Any further member must be null.
        while json(jiter.next_key())?.is_some() {
            if json(jiter.peek())? != Peek::Null {
                return Err(malformed(report, exactly_one()));
            }
            json(jiter.known_null())?;
        }
        Ok(value)
    }
}

/// The place in `members` of the member whose JSON key is `key`.
fn member_index(members: &[Member], key: &str) -> Result<usize, ()> {
    members.iter().position(|member| member.key() == key).ok_or(())
}

/// Checks a string value against `schema`.
#[inline]
pub(super) fn check_text(report: &mut Report, schema: &Schema, text: &str) -> Result<(), Stop> {
    match schema {
        Schema::String(rules) => report.check_string(rules, text),
        Schema::Enum(schema) => {
            report.check_enum(schema, text);
        }
        Schema::Float(_) if crate::float::non_finite(text).is_some() => {}
        Schema::Timestamp(TimestampFormat::DateTime | TimestampFormat::HttpDate) => {}
        Schema::Blob(length) => {
            if let Some(length) = length {
                report.check_length(length, base64_decoded_len(text));
            }
        }
        schema => return Err(mismatch(report, schema)),
    }
    Ok(())
}

/// The length of what base64 `text` decodes to, if it is valid (if it is
/// not, the blob's own parse says so).
fn base64_decoded_len(text: &str) -> usize {
    let padding = text.bytes().rev().take_while(|&b| b == b'=').count().min(2);
    (text.len() / 4 * 3).saturating_sub(padding)
}

/// Skips the value at the parser's position: its JSON text.
fn skip_raw<'de>(jiter: &mut Jiter<'de>, peek: Peek) -> Result<&'de [u8], Stop> {
    let start = jiter.current_index();
    json(jiter.known_skip(peek))?;
    Ok(jiter.slice_to_current(start))
}

/// Whether an object in JSON text `raw` (skipped whole by jiter, so
/// well formed, and nested within the limit) has a key more than once.
fn has_a_key_twice(raw: &[u8]) -> bool {
    fn value(jiter: &mut Jiter<'_>, peek: Peek) -> jiter::JiterResult<bool> {
        match peek {
            Peek::Object => {
                let mut keys = std::collections::HashSet::new();
                let mut key = jiter.known_object()?.map(str::to_owned);
                while let Some(name) = key {
                    if !keys.insert(name) {
                        return Ok(true);
                    }
                    let peek = jiter.peek()?;
                    if value(jiter, peek)? {
                        return Ok(true);
                    }
                    key = jiter.next_key()?.map(str::to_owned);
                }
                Ok(false)
            }
            Peek::Array => {
                let mut next = jiter.known_array()?;
                while let Some(peek) = next {
                    if value(jiter, peek)? {
                        return Ok(true);
                    }
                    next = jiter.array_step()?;
                }
                Ok(false)
            }
            _ => jiter.known_skip(peek).map(|()| false),
        }
    }
    let mut jiter = Jiter::new(raw);
    jiter.peek().and_then(|peek| value(&mut jiter, peek)).unwrap_or(false)
}

/// How deep the objects and arrays of JSON text `raw` nest (brackets in
/// strings are not counted).
fn nesting(raw: &[u8]) -> u32 {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0u32, 0u32, false, false);
    for &b in raw {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

impl<'de> Deserializer<'de> for Checked<'_, 'de> {
    type Error = Stop;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let peek = json(self.jiter.peek())?;
        match self.schema {
            Schema::Document => self.document(peek, visitor),
            Schema::Union(union) => self.union(peek, union, visitor),
            _ => self.value(peek, visitor),
        }
    }

    // Which method the type called does not matter: the schema says what
    // the value must be, and `deserialize_any` reads it as that.
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        seq tuple tuple_struct map struct identifier
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        if json(self.jiter.peek())? == Peek::Null {
            json(self.jiter.known_null())?;
            return visitor.visit_none();
        }
        visitor.visit_some(Checked { null: Null::Allowed, ..self })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Stop> {
        // A big number's type reads it as serde_json's raw value, every
        // digit kept: it is checked here, then handed to serde_json.
        if let schema @ (Schema::BigInteger(_) | Schema::BigDecimal(_)) = self.schema {
            let peek = json(self.jiter.peek())?;
            if !peek.is_num() {
                return self.wrong(peek);
            }
            let raw = skip_raw(self.jiter, peek)?;
            let text = std::str::from_utf8(raw).unwrap_or_default();
            if !checked_big(self.report, &schema, text) {
                return Err(mismatch(self.report, &schema));
            }
            let mut de = serde_json::Deserializer::from_slice(raw);
            return de.deserialize_newtype_struct(name, visitor).map_err(|_| mismatch(self.report, &schema));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        let peek = json(self.jiter.peek())?;
        match self.schema {
            Schema::Enum(schema) => self.enumeration(peek, schema, visitor),
            Schema::Union(union) => self.union(peek, union, visitor),
            Schema::Document => {
                let raw = skip_raw(self.jiter, peek)?;
                let mut de = serde_json::Deserializer::from_slice(raw);
                de.deserialize_enum(name, variants, visitor).map_err(|_| mismatch(self.report, &Schema::Document))
            }
            schema => Err(mismatch(self.report, &schema)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        Skip(self.jiter).deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        true
    }
}

/// A value the type ignores (a member the model does not have): skipped.
struct Skip<'a, 'de>(&'a mut Jiter<'de>);

impl<'de> Deserializer<'de> for Skip<'_, 'de> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        json(self.0.next_skip())?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A list's items, each checked against the list's member at its index.
struct Items<'a, 'c, 'de> {
    jiter: &'a mut Jiter<'de>,
    report: &'a mut Report,
    list: &'static List,
    depth: u32,
    count: &'c mut usize,
    started: bool,
}

/// What null means for an item of `list`: only a `@sparse` list has them.
fn item_null(list: &List) -> Null {
    if list.sparse { Null::Allowed } else { Null::Malformed("null is not allowed in this list") }
}

impl<'de> SeqAccess<'de> for Items<'_, '_, 'de> {
    type Error = Stop;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Stop> {
        let next = if self.started { self.jiter.array_step() } else { self.jiter.known_array() };
        self.started = true;
        if json(next)?.is_none() {
            return Ok(None);
        }
        let mark = self.report.push_index(*self.count);
        let item = Checked {
            jiter: &mut *self.jiter,
            report: &mut *self.report,
            schema: self.list.member,
            null: item_null(self.list),
            depth: self.depth,
        };
        let value = seed.deserialize(item)?;
        self.report.pop(mark);
        *self.count += 1;
        Ok(Some(value))
    }
}

/// A `@uniqueItems` list: its items are read as JSON values first, to be
/// compared as the walk compares them, then read into the type from their
/// text. Such lists are rare, and small.
fn unique_list<'de, V: Visitor<'de>>(
    jiter: &mut Jiter<'de>,
    report: &mut Report,
    list: &'static List,
    depth: u32,
    visitor: V,
) -> Result<V::Value, Stop> {
    let mut raws = Vec::new();
    let mut next = json(jiter.known_array())?;
    while let Some(peek) = next {
        raws.push(skip_raw(jiter, peek)?);
        next = json(jiter.array_step())?;
    }
    let mut items = Vec::with_capacity(raws.len());
    for raw in &raws {
        let item = serde_json::from_slice::<serde_json::Value>(raw)
            .map_err(|e| Stop::Json(Box::new((e.to_string(), jiter.current_index()))))?;
        items.push(item);
    }
    if let Some(length) = &list.length {
        report.check_length(length, items.len());
    }
    if !all_unique(&items) {
        report.not_unique();
    }
    visitor.visit_seq(Buffered { raws: raws.into_iter(), report, list, depth, count: 0 })
}

/// A unique list's items, read again from their text.
struct Buffered<'a, 'de> {
    raws: std::vec::IntoIter<&'de [u8]>,
    report: &'a mut Report,
    list: &'static List,
    depth: u32,
    count: usize,
}

impl<'de> SeqAccess<'de> for Buffered<'_, 'de> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Stop> {
        let Some(raw) = self.raws.next() else { return Ok(None) };
        let mut jiter = Jiter::new(raw);
        let mark = self.report.push_index(self.count);
        let item = Checked {
            jiter: &mut jiter,
            report: &mut *self.report,
            schema: self.list.member,
            null: item_null(self.list),
            depth: self.depth,
        };
        let value = seed.deserialize(item)?;
        self.report.pop(mark);
        self.count += 1;
        Ok(Some(value))
    }
}

/// Which members of a structure were sent; a bit per member.
pub(super) struct Seen {
    pub(super) first: u128,
    pub(super) rest: Vec<bool>,
}

impl Seen {
    #[inline]
    pub(super) fn new(members: usize) -> Self {
        Seen { first: 0, rest: if members > 128 { vec![false; members - 128] } else { Vec::new() } }
    }

    /// Marks member `index` sent; false if it already was.
    #[inline]
    pub(super) fn set(&mut self, index: usize) -> bool {
        match index.checked_sub(128) {
            None => {
                let was = self.first & (1 << index) != 0;
                self.first |= 1 << index;
                !was
            }
            Some(rest) => !std::mem::replace(&mut self.rest[rest], true),
        }
    }

    #[inline]
    pub(super) fn get(&self, index: usize) -> bool {
        match index.checked_sub(128) {
            None => self.first & (1 << index) != 0,
            Some(rest) => self.rest[rest],
        }
    }
}

/// A structure's members: each sent member is checked against its schema;
/// required members that were not sent are reported at the end, and
/// handed to the type as placeholders so that it can still be built.
struct Members<'a, 'de> {
    jiter: &'a mut Jiter<'de>,
    report: &'a mut Report,
    structure: &'static Structure,
    depth: u32,
    seen: Seen,
    /// The member whose value is next: its index, and whether it is a
    /// missing member's placeholder.
    next: Option<(usize, bool)>,
    /// The object's first key has been read.
    started: bool,
    /// The body's members are all read; `missing` walks the model's.
    ended: bool,
    missing: usize,
}

impl<'a, 'de> Members<'a, 'de> {
    fn new(jiter: &'a mut Jiter<'de>, report: &'a mut Report, structure: &'static Structure, depth: u32) -> Self {
        let seen = Seen::new(structure.members.len());
        Members { jiter, report, structure, depth, seen, next: None, started: false, ended: false, missing: 0 }
    }

    /// The next required member that was not sent: reported, and handed to
    /// the type under its JSON key, its value a placeholder.
    fn next_missing<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Stop> {
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
                return seed.deserialize(BorrowedStrDeserializer::new(member.key())).map(Some);
            }
        }
        Ok(None)
    }
}

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = Stop;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Stop> {
        if !self.ended {
            let key = if self.started { self.jiter.next_key() } else { self.jiter.known_object() };
            self.started = true;
            match json(key)? {
                Some(name) => {
                    let index = self.structure.members.iter().position(|member| member.key() == name);
                    if let Some(index) = index {
                        self.seen.set(index);
                    }
                    self.next = index.map(|index| (index, false));
                    return seed.deserialize(StrDeserializer::new(name)).map(Some);
                }
                None => self.ended = true,
            }
        }
        self.next_missing(seed)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        let Some((index, placeholder)) = self.next.take() else {
            // A member the model does not have: the type ignores it.
            return seed.deserialize(Skip(self.jiter));
        };
        let member = &self.structure.members[index];
        if placeholder {
            return seed.deserialize(Placeholder::new(member.schema));
        }
        let mark = self.report.push_member(member.name, index);
        let null = if member.required { Null::Missing } else { Null::Allowed };
        let value = Checked {
            jiter: &mut *self.jiter,
            report: &mut *self.report,
            schema: member.schema,
            null,
            depth: self.depth,
        };
        let result = seed.deserialize(value);
        self.report.pop(mark);
        result
    }
}

/// A map's entries: each key checked (reported at the map, ordered with
/// its entry) and each value checked at its key.
struct Entries<'a, 'c, 'de> {
    jiter: &'a mut Jiter<'de>,
    report: &'a mut Report,
    map: &'static Map,
    depth: u32,
    count: &'c mut usize,
    started: bool,
    /// Where the entry whose key was read began in the path.
    entry: Option<super::report::Mark>,
}

impl<'de> MapAccess<'de> for Entries<'_, '_, 'de> {
    type Error = Stop;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Stop> {
        let key = if self.started { self.jiter.next_key() } else { self.jiter.known_object() };
        self.started = true;
        let Some(key) = json(key)? else { return Ok(None) };
        // An enum key that is not one of the values is handed over as the first.
        let handed = match self.map.key {
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
        self.entry = Some(self.report.push_key(key, self.map.sensitive_keys));
        seed.deserialize(StrDeserializer::new(handed)).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        let null = if self.map.sparse { Null::Allowed } else { Null::Malformed("null is not allowed in this map") };
        let value = Checked {
            jiter: &mut *self.jiter,
            report: &mut *self.report,
            schema: self.map.value,
            null,
            depth: self.depth,
        };
        let result = seed.deserialize(value);
        if let Some(mark) = self.entry.take() {
            self.report.pop(mark);
        }
        *self.count += 1;
        result
    }
}

/// An object already read to its end (the unit type's, which must be empty).
struct Ended;

impl<'de> MapAccess<'de> for Ended {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, Stop> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, Stop> {
        unreachable!("an empty object has no values")
    }
}

/// The one set member of a union, as the type's enum access.
struct Variant<'a, 'de> {
    jiter: &'a mut Jiter<'de>,
    report: &'a mut Report,
    member: &'static Member,
    depth: u32,
}

impl<'a, 'de> Variant<'a, 'de> {
    fn value(self) -> Checked<'a, 'de> {
        Checked {
            jiter: self.jiter,
            report: self.report,
            schema: self.member.schema,
            null: Null::Allowed,
            depth: self.depth,
        }
    }
}

impl<'de> EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Stop;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self), Stop> {
        let variant = seed.deserialize(BorrowedStrDeserializer::<Stop>::new(self.member.key()))?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Stop;

    fn unit_variant(self) -> Result<(), Stop> {
        json(self.jiter.next_skip())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Stop> {
        seed.deserialize(self.value())
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Stop> {
        self.value().deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, Stop> {
        self.value().deserialize_any(visitor)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::{List, Member, Rejection, Schema, Structure, deserialize as parse};

    /// A list of lists of lists, without end.
    static NESTED: List =
        List { member: Schema::List(&NESTED), length: None, unique: false, sparse: false, flattened: false };
    static INPUT: Structure = Structure {
        name: "Input",
        members: &[Member { name: "a", json_name: None, required: false, schema: Schema::List(&NESTED) }],
    };
    static DOCUMENT: Structure = Structure {
        name: "Input",
        members: &[Member { name: "d", json_name: None, required: false, schema: Schema::Document }],
    };

    fn nested(depth: usize) -> Vec<u8> {
        format!(r#"{{"a": {}{}}}"#, "[".repeat(depth), "]".repeat(depth)).into_bytes()
    }

    #[test]
    fn nesting_is_limited_without_exhausting_the_stack() {
        assert!(parse::<Value>(&INPUT, &nested(100)).is_ok());
        for depth in [128, 1_000, 1_000_000] {
            match parse::<Value>(&INPUT, &nested(depth)) {
                Err(Rejection::Malformed(e)) => assert!(e.message.contains("more than 128 deep"), "{e}"),
                other => panic!("{other:?}"),
            }
        }
        // Documents too, though they are read as a whole.
        let deep_document = format!(r#"{{"d": {}1{}}}"#, "[".repeat(150), "]".repeat(150));
        assert!(matches!(parse::<Value>(&DOCUMENT, deep_document.as_bytes()), Err(Rejection::Malformed(_))));
        let document = format!(r#"{{"d": {}1{}}}"#, "[".repeat(50), "]".repeat(50));
        assert!(parse::<Value>(&DOCUMENT, document.as_bytes()).is_ok());
    }

    #[test]
    fn a_key_twice_anywhere_in_a_document_is_refused() {
        for document in [r#"{"a": 1, "a": 2}"#, r#"[{"x": {"b": [], "b": null}}]"#] {
            let body = format!(r#"{{"d": {document}}}"#);
            match parse::<Value>(&DOCUMENT, body.as_bytes()) {
                Err(Rejection::Malformed(e)) => assert!(e.message.contains("more than once"), "{e}"),
                other => panic!("{document}: {other:?}"),
            }
        }
        // The same key in different objects is no repetition.
        let body = r#"{"d": [{"a": 1}, {"a": 2, "b": {"a": 3}}]}"#;
        assert!(parse::<Value>(&DOCUMENT, body.as_bytes()).is_ok());
    }

    #[test]
    fn not_json_says_where() {
        match parse::<Value>(&INPUT, b"{\n  \"a\": [[],]\n}") {
            Err(Rejection::Malformed(e)) => {
                assert!(e.message.starts_with("the body is not valid JSON: "), "{e}");
                assert!(e.message.ends_with("at line 2 column 12"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        for body in [&b"{} {}"[..], b"{\"a\": [] ", b"{\"a\": nul}", b"\xff", b"{\"a\": \"\xff\"}"] {
            assert!(matches!(parse::<Value>(&INPUT, body), Err(Rejection::Malformed(_))), "{body:?}");
        }
    }
}
