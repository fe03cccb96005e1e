//! Generated readers: request bytes to a typed, validated input with no
//! serde visitor in between.
//!
//! The generated crate implements [`Read`] for every structure, union and
//! enum a server reads: a structure's reader is a loop over the object's
//! members that matches each key once and reads its value straight from
//! the parser, checked against the member's schema. Strings, numbers,
//! booleans, lists, maps and `Option`s are read here; timestamps, blobs,
//! documents and the unit type go through the checked serde deserializer
//! ([`Reader::serde`]), which keeps exactly the same rules.
//!
//! An input that is not JSON (awsQuery's parameters, an XML body) is read
//! by the same readers from a [`Source`], which hands over each value as
//! its schema asks for it; the scalars it holds as text are converted and
//! checked here, by the rules the JSON reader applies.

use std::collections::BTreeMap;

use jiter::{Jiter, Peek};
use serde::de::DeserializeOwned;

use super::checked::{
    self, Checked, Null, Seen, check_text, checked_big, checked_integer, checked_integer_value, json, number_text,
    too_deep, wrong_type,
};
use super::report::Report;
use super::source::{self, Scalar, Source, SourceError};
use super::{List, Schema, Structure, describe};
use crate::{Blob, DateTime, Document, HttpDate, Timestamp, Unit};

pub use checked::Stop;

/// A type that can be read from a request body, checked against a schema
/// as it is read. Implemented by the generated crate for the structures a
/// server reads, and here for the types they hold.
pub trait Read: Sized {
    /// Reads the value at the reader's position, which is not null (the
    /// member, list or map that holds it decides what null means). `None`
    /// when it was read to its end but cannot be built: a violation that
    /// leaves it without a value (a required member missing, an enum value
    /// the type does not have) is recorded, and the whole input will be
    /// refused, so nothing stands in for it.
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop>;
}

/// The parser and the violations found so far.
pub struct Reader<'j> {
    pub(super) jiter: Jiter<'j>,
    pub(super) report: Report,
    /// How many objects and arrays enclose the value at the position.
    depth: u32,
    /// Where values are read from when the input is not JSON (the head of
    /// a REST request, awsQuery's parameters, an XML body).
    pub(super) source: Option<Slot<'j>>,
    /// The source of a body that is not JSON, made when the head
    /// ends ([`Object::body`], [`Object::payload`]).
    pub(super) body_source: Option<BodySource<'j>>,
    /// The JSON of the values read from a source while it is kept: a
    /// `@uniqueItems` list's items are compared by it.
    record: Option<String>,
    /// The JSON is RPC v2 JSON's: timestamps are epoch seconds whatever
    /// their format, big numbers may be strings.
    pub(super) rpc_v2: bool,
}

/// Records a source's error: at the value's path, or as the body's.
fn record_source_error(report: &mut Report, e: SourceError) -> Stop {
    if e.at_value {
        report.malformed(e.message);
    } else {
        report.malformed_body(e.message);
    }
    Stop::Recorded
}

/// A comma before a value or key in a recording, unless it is the first
/// in its structure, list or map, or a member's value.
fn comma(out: &mut String) {
    if !matches!(out.as_bytes().last(), None | Some(b'{' | b'[' | b':')) {
        out.push(',');
    }
}

/// The source a reader reads from: one its caller holds (a request's
/// parameters, its head: no box for each request), or one made for a body
/// once the head is read.
pub(super) enum Slot<'j> {
    Borrowed(&'j mut (dyn Source + 'j)),
    Owned(Box<dyn Source + 'j>),
}

impl<'j> std::ops::Deref for Slot<'j> {
    type Target = dyn Source + 'j;

    fn deref(&self) -> &Self::Target {
        match self {
            Slot::Borrowed(source) => &**source,
            Slot::Owned(source) => &**source,
        }
    }
}

impl std::ops::DerefMut for Slot<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Slot::Borrowed(source) => &mut **source,
            Slot::Owned(source) => &mut **source,
        }
    }
}

/// Makes the source of a request's body: the body, and the member it is
/// the value of (`@httpPayload`), or `None` for the input's members.
pub type BodySource<'j> = Box<dyn FnOnce(&'j [u8], Option<usize>) -> Box<dyn Source + 'j> + 'j>;

impl<'j> Reader<'j> {
    pub(super) fn new(body: &'j [u8]) -> Self {
        Reader {
            jiter: Jiter::new(body),
            report: Report::default(),
            depth: 0,
            source: None,
            body_source: None,
            record: None,
            rpc_v2: false,
        }
    }

    /// A reader of `source`.
    pub(super) fn of_source(source: &'j mut (dyn Source + 'j)) -> Self {
        let mut reader = Reader::new(b"");
        reader.source = Some(Slot::Borrowed(source));
        reader
    }

    /// The source's error, recorded as the body's malformation.
    fn source_error(&mut self, e: SourceError) -> Stop {
        record_source_error(&mut self.report, e)
    }

    /// The scalar at the source's position, with the report.
    fn scalar(&mut self) -> Result<(Scalar<'_>, &mut Report), Stop> {
        let Reader { source, report, .. } = self;
        let source = source.as_deref_mut().expect("reading from a source");
        match source.scalar() {
            Ok(scalar) => Ok((scalar, report)),
            Err(e) => Err(record_source_error(report, e)),
        }
    }

    /// Calls `step` on the source, recording `json` if it goes on.
    fn step<T>(&mut self, step: impl FnOnce(&mut dyn Source) -> Result<T, SourceError>) -> Result<T, Stop> {
        let source = self.source.as_deref_mut().expect("reading from a source");
        step(source).map_err(|e| self.source_error(e))
    }

    /// Records that a structure, union, list or map opens (`{` or `[`),
    /// if the reader is recording.
    fn record_open(&mut self, open: char) {
        if let Some(out) = &mut self.record {
            comma(out);
            out.push(open);
        }
    }

    /// Records that the innermost one closes (`}` or `]`).
    fn record_close(&mut self, close: char) {
        if let Some(out) = &mut self.record {
            out.push(close);
        }
    }

    /// Records a member's key or a map entry's.
    fn record_key(&mut self, key: &str) {
        if let Some(out) = &mut self.record {
            comma(out);
            out.push_str(&serde_json::Value::from(key).to_string());
            out.push(':');
        }
    }

    /// Records a scalar read from a source, as a JSON string of `text`
    /// (the items of one list share a schema, so their text compares them).
    fn record_text(&mut self, text: impl std::fmt::Display) {
        if let Some(out) = &mut self.record {
            comma(out);
            out.push_str(&serde_json::Value::from(text.to_string()).to_string());
        }
    }

    /// The value at the position, read through the checked serde
    /// deserializer.
    pub fn serde<T: DeserializeOwned>(&mut self, schema: Schema) -> Result<T, Stop> {
        let checked = Checked {
            jiter: &mut self.jiter,
            report: &mut self.report,
            schema,
            null: Null::Allowed,
            depth: self.depth,
        };
        T::deserialize(checked)
    }

    #[inline]
    fn peek(&mut self) -> Result<Peek, Stop> {
        json(self.jiter.peek())
    }

    /// Whether the value at the position is null (JSON's `null`, or no value
    /// where a source has none), which is then passed over.
    #[inline]
    fn null(&mut self) -> Result<bool, Stop> {
        if let Some(source) = self.source.as_deref_mut() {
            let absent = source.absent();
            if absent {
                self.record_text("null");
            }
            return Ok(absent);
        }
        if self.peek()? == Peek::Null {
            json(self.jiter.known_null())?;
            return Ok(true);
        }
        Ok(false)
    }

    /// A value of the wrong JSON type for `schema` (or not JSON at all).
    fn wrong<T>(&mut self, peek: Peek, schema: &Schema) -> Result<T, Stop> {
        Err(wrong_type(&mut self.jiter, &mut self.report, peek, schema))
    }

    fn malformed(&mut self, message: impl Into<String>) -> Stop {
        self.report.malformed(message);
        Stop::Recorded
    }

    /// One level deeper, into an object or array.
    #[inline]
    fn enter(&mut self) -> Result<(), Stop> {
        if self.depth >= checked::MAX_DEPTH {
            return Err(too_deep(&mut self.report));
        }
        self.depth += 1;
        Ok(())
    }

    /// The object of structure `schema` at the position: its members are
    /// read with [`Object::next`] and [`Object::value`].
    #[inline]
    pub fn object(&mut self, schema: Schema) -> Result<Object, Stop> {
        let Schema::Structure(structure) = schema else { return Err(self.malformed(describe(&schema))) };
        if self.source.is_some() {
            self.step(|source| source.structure())?;
            self.record_open('{');
            self.enter()?;
            return Ok(Object { structure, seen: Seen::new(structure.members.len()), started: false, broken: false });
        }
        let peek = self.peek()?;
        if peek != Peek::Object {
            return self.wrong(peek, &schema);
        }
        self.enter()?;
        Ok(Object { structure, seen: Seen::new(structure.members.len()), started: false, broken: false })
    }

    /// An integer of `schema`, checked.
    fn integer(&mut self, schema: Schema) -> Result<i64, Stop> {
        if self.source.is_some() {
            let Schema::Integer(rules) = schema else { return Err(self.malformed(describe(&schema))) };
            let checked = match self.scalar()? {
                (Scalar::Text(text), report) if source::is_number(text) => {
                    checked_integer(report, &rules, text, source::is_whole(text))
                }
                (Scalar::Integer(n), report) => checked_integer_value(report, &rules, n),
                _ => None,
            };
            let Some(n) = checked else { return Err(self.malformed(describe(&schema))) };
            self.record_text(n);
            return Ok(n);
        }
        let peek = self.peek()?;
        let Schema::Integer(rules) = schema else { return self.wrong(peek, &schema) };
        if !peek.is_num() {
            return self.wrong(peek, &schema);
        }
        let (text, whole) = number_text(&mut self.jiter)?;
        match checked_integer(&mut self.report, &rules, text, whole) {
            Some(n) => Ok(n),
            None => Err(self.malformed(describe(&schema))),
        }
    }

    /// A float of `schema`, checked: a number, or awsJson's strings for
    /// the non-finite values.
    fn float(&mut self, schema: Schema) -> Result<f64, Stop> {
        if self.source.is_some() {
            let Schema::Float(rules) = schema else { return Err(self.malformed(describe(&schema))) };
            let (scalar, report) = self.scalar()?;
            let number = match scalar {
                Scalar::Text(text) if source::is_number(text) => text.parse::<f64>().ok().filter(|n| n.is_finite()),
                Scalar::Text(text) => crate::float::non_finite(text),
                // A protocol's own numbers: any width, and NaN and the
                // infinities as themselves.
                Scalar::Integer(n) => Some(n as f64),
                Scalar::Float(n) => Some(n),
                _ => None,
            };
            let Some(number) = number else { return Err(self.malformed(describe(&schema))) };
            if let Some(range) = &rules.range {
                report.check_range(range, number);
            }
            self.record_text(format_args!("{number:?}"));
            return Ok(number);
        }
        let peek = self.peek()?;
        let Schema::Float(rules) = schema else { return self.wrong(peek, &schema) };
        let number = if peek.is_num() {
            let (text, _) = number_text(&mut self.jiter)?;
            match text.parse::<f64>().ok().filter(|n| n.is_finite()) {
                Some(n) => n,
                None => return Err(self.malformed(describe(&schema))),
            }
        } else if peek == Peek::String {
            let text = json(self.jiter.known_str())?;
            match crate::float::non_finite(text) {
                Some(n) => n,
                None => return Err(self.malformed(describe(&schema))),
            }
        } else {
            return self.wrong(peek, &schema);
        };
        if let Some(range) = &rules.range {
            self.report.check_range(range, number);
        }
        Ok(number)
    }
}

impl Reader<'_> {
    /// A value of enum `schema`, checked; `None` for one the type does not
    /// have (the violation is recorded).
    pub fn enumeration<T: std::str::FromStr>(&mut self, schema: Schema) -> Result<Option<T>, Stop> {
        if self.source.is_some() {
            let Schema::Enum(table) = schema else { return Err(self.malformed(describe(&schema))) };
            let recording = self.record.is_some();
            let (Scalar::Text(text) | Scalar::String(text), report) = self.scalar()? else {
                return Err(self.malformed(describe(&schema)));
            };
            report.check_enum(table, text);
            let value = text.parse().ok();
            if let Some(text) = recording.then(|| text.to_owned()) {
                self.record_text(text);
            }
            return Ok(value);
        }
        let peek = self.peek()?;
        let (Schema::Enum(table), Peek::String) = (schema, peek) else { return self.wrong(peek, &schema) };
        let text = json(self.jiter.known_str())?;
        self.report.check_enum(table, text);
        Ok(text.parse().ok())
    }

    /// The object of union `schema` at the position: exactly one member
    /// set (null members count as unset).
    pub fn union(&mut self, schema: Schema) -> Result<UnionObject, Stop> {
        let Schema::Union(union) = schema else { return Err(self.malformed(describe(&schema))) };
        if self.source.is_some() {
            self.step(|source| source.structure())?;
            self.record_open('{');
        } else {
            let peek = self.peek()?;
            if peek != Peek::Object {
                return self.wrong(peek, &schema);
            }
        }
        self.enter()?;
        Ok(UnionObject { union, started: false, set: false })
    }
}

/// A union's object being read.
pub struct UnionObject {
    union: &'static super::Union,
    started: bool,
    /// A member has been read.
    set: bool,
}

impl UnionObject {
    fn exactly_one(&self, r: &mut Reader<'_>) -> Stop {
        r.malformed(format!("union {} must have exactly one member set", self.union.name))
    }

    /// The member whose value is next (its index, by `lookup` of its name);
    /// null members are skipped, and only one may be anything else.
    pub fn next(&mut self, r: &mut Reader<'_>, lookup: impl Fn(&str) -> Option<usize>) -> Result<Option<usize>, Stop> {
        if r.source.is_some() {
            let Some(index) = r.step(|source| source.key().map(|key| key.map(&lookup)))? else {
                r.record_close('}');
                return Ok(None);
            };
            return match index {
                Some(index) if !self.set => {
                    self.set = true;
                    r.record_key(self.union.members[index].key());
                    Ok(Some(index))
                }
                _ if self.set => Err(self.exactly_one(r)),
                _ => Err(r.malformed(format!("union {} has no member of the name sent", self.union.name))),
            };
        }
        loop {
            let key = if self.started { r.jiter.next_key() } else { r.jiter.known_object() };
            self.started = true;
            let Some(name) = json(key)? else { return Ok(None) };
            let index = match lookup(name) {
                Some(index) => Some(index),
                None if self.set => None,
                None => {
                    // Not named: the name is the client's, of any length.
                    let message = format!("union {} has no member of the name sent", self.union.name);
                    return Err(r.malformed(message));
                }
            };
            if r.peek()? == Peek::Null {
                json(r.jiter.known_null())?;
                continue;
            }
            match index {
                Some(index) if !self.set => {
                    self.set = true;
                    return Ok(Some(index));
                }
                _ => return Err(self.exactly_one(r)),
            }
        }
    }

    /// The value of member `index`; `None` if it cannot be built.
    pub fn value<T: Read>(&self, r: &mut Reader<'_>, index: usize) -> Result<Option<T>, Stop> {
        let member = &self.union.members[index];
        let mark = r.report.push_member(member.name, index);
        let value = T::read(r, member.schema)?;
        r.report.pop(mark);
        Ok(value)
    }

    /// The end of the object: one member must have been set.
    pub fn end(&self, r: &mut Reader<'_>) -> Result<(), Stop> {
        if !self.set {
            return Err(self.exactly_one(r));
        }
        r.depth -= 1;
        Ok(())
    }
}

/// A structure's object being read.
pub struct Object {
    structure: &'static Structure,
    seen: Seen,
    started: bool,
    /// A member's value could not be built.
    broken: bool,
}

impl Object {
    /// The next member the model has (its index in the structure's
    /// members, by `lookup` of its name), its value to be read next;
    /// members the model does not have are skipped.
    #[inline]
    pub fn next(&mut self, r: &mut Reader<'_>, lookup: impl Fn(&str) -> Option<usize>) -> Result<Option<usize>, Stop> {
        if r.source.is_some() {
            return self.next_in_source(r, lookup);
        }
        loop {
            let key = if self.started { r.jiter.next_key() } else { r.jiter.known_object() };
            self.started = true;
            let Some(name) = json(key)? else { return Ok(None) };
            let Some(index) = lookup(name) else {
                json(r.jiter.next_skip())?;
                continue;
            };
            if !self.seen.set(index) {
                // As serde refuses it: the body does not fit the input.
                return Err(Stop::Refused);
            }
            return Ok(Some(index));
        }
    }

    /// [`Object::next`] from a source: members it has not are passed
    /// over, and one sent twice makes the input malformed.
    fn next_in_source(
        &mut self,
        r: &mut Reader<'_>,
        lookup: impl Fn(&str) -> Option<usize>,
    ) -> Result<Option<usize>, Stop> {
        loop {
            let Some(index) = r.step(|source| source.key().map(|key| key.map(&lookup)))? else {
                r.record_close('}');
                return Ok(None);
            };
            let Some(index) = index else {
                r.step(|source| source.skip())?;
                continue;
            };
            let member = &self.structure.members[index];
            if !self.seen.set(index) {
                let flattened = match member.schema {
                    Schema::List(list) => list.flattened,
                    Schema::Map(map) => map.flattened,
                    _ => false,
                };
                let why = if flattened { " (a flattened list's items are sent one after another)" } else { "" };
                let message = format!("the member {} is sent more than once{why}", member.key());
                return Err(r.source_error(message.into()));
            }
            r.record_key(member.key());
            return Ok(Some(index));
        }
    }

    /// The value of member `index`: `None` when it is null (a violation if
    /// the member is required) or cannot be built ([`Object::built`] is
    /// then false).
    #[inline]
    pub fn value<T: Read>(&mut self, r: &mut Reader<'_>, index: usize) -> Result<Option<T>, Stop> {
        let member = &self.structure.members[index];
        let mark = r.report.push_member(member.name, index);
        let value = if r.null()? {
            if member.required {
                r.report.missing();
            }
            None
        } else {
            let value = T::read(r, member.schema)?;
            self.broken |= value.is_none();
            value
        };
        r.report.pop(mark);
        Ok(value)
    }

    /// Whether every member's value that was sent could be built.
    #[inline]
    pub fn built(&self) -> bool {
        !self.broken
    }

    /// The end of the object: required members that were not sent are
    /// violations. `required` has a bit set for each of the first 128
    /// members that is required, so that a body with all of them sent
    /// costs one comparison.
    #[inline]
    pub fn end(&self, r: &mut Reader<'_>, required: u128) -> Result<(), Stop> {
        r.depth -= 1;
        if self.seen.first & required == required && self.seen.rest.is_empty() {
            return Ok(());
        }
        for (index, member) in self.structure.members.iter().enumerate() {
            if member.required && !self.seen.get(index) {
                let mark = r.report.push_member(member.name, index);
                r.report.missing();
                r.report.pop(mark);
            }
        }
        Ok(())
    }

    /// Ends the request's head (the members bound to its path, query
    /// string and headers) and goes on to the members in `body`: a JSON
    /// object (an empty body has none), or the body's source's.
    pub fn body<'j>(&mut self, r: &mut Reader<'j>, body: &'j [u8]) -> Result<(), Stop> {
        r.finish()?;
        if let Some(make) = r.body_source.take() {
            r.source = Some(Slot::Owned(make(body, None)));
            return r.step(|source| source.structure());
        }
        r.source = None;
        r.jiter = Jiter::new(if is_blank(body) { b"{}" } else { body });
        let peek = r.peek()?;
        if peek != Peek::Object {
            return r.wrong(peek, &Schema::Structure(self.structure));
        }
        self.started = false;
        Ok(())
    }

    /// Ends the request's head and reads all of `body` as the value of
    /// member `index` (`@httpPayload`); an empty body leaves the member
    /// unset.
    pub fn payload<'j, T: Read>(
        &mut self,
        r: &mut Reader<'j>,
        index: usize,
        body: &'j [u8],
    ) -> Result<Option<T>, Stop> {
        r.finish()?;
        if let Some(make) = r.body_source.take() {
            r.source = Some(Slot::Owned(make(body, Some(index))));
            self.seen.set(index);
            return self.value(r, index);
        }
        r.source = None;
        if is_blank(body) {
            r.jiter = Jiter::new(b"null");
            json(r.jiter.next_null())?;
            return Ok(None);
        }
        r.jiter = Jiter::new(body);
        self.seen.set(index);
        self.value(r, index)
    }

    /// Skips the value of the member just named. Every index [`Object::next`]
    /// gives has its own arm in a generated reader; this is the arm for the
    /// others, which a `match` on an index must have.
    pub fn skip(&self, r: &mut Reader<'_>) -> Result<(), Stop> {
        if r.source.is_some() {
            return r.step(|source| source.skip());
        }
        json(r.jiter.next_skip())
    }
}

impl Read for String {
    #[inline]
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        if r.source.is_some() {
            let (Schema::String(rules), (Scalar::Text(text) | Scalar::String(text), report)) = (schema, r.scalar()?)
            else {
                return Err(r.malformed(describe(&schema)));
            };
            report.check_string(&rules, text);
            let text = text.to_owned();
            r.record_text(&text);
            return Ok(Some(text));
        }
        let peek = r.peek()?;
        if peek != Peek::String || !matches!(schema, Schema::String(_)) {
            return r.wrong(peek, &schema);
        }
        let text = json(r.jiter.known_str())?;
        if let Schema::String(rules) = &schema {
            r.report.check_string(rules, text);
        }
        Ok(Some(text.to_owned()))
    }
}

impl Read for bool {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        if r.source.is_some() {
            let value = match (schema, r.scalar()?.0) {
                (Schema::Boolean, Scalar::Text("true")) => true,
                (Schema::Boolean, Scalar::Text("false")) => false,
                (Schema::Boolean, Scalar::Boolean(value)) => value,
                _ => return Err(r.malformed(describe(&schema))),
            };
            r.record_text(value);
            return Ok(Some(value));
        }
        let peek = r.peek()?;
        if !matches!(peek, Peek::True | Peek::False) || !matches!(schema, Schema::Boolean) {
            return r.wrong(peek, &schema);
        }
        json(r.jiter.known_bool(peek)).map(Some)
    }
}

macro_rules! read_integer {
    ($($ty:ty),*) => {$(
        impl Read for $ty {
            fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
                let n = r.integer(schema)?;
                // The schema's kind is the type's: it fits.
                <$ty>::try_from(n).map(Some).map_err(|_| r.malformed(describe(&schema)))
            }
        }
    )*};
}

read_integer!(i8, i16, i32, i64);

impl Read for f64 {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        r.float(schema).map(Some)
    }
}

impl Read for f32 {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        r.float(schema).map(|n| Some(n as f32))
    }
}

impl<T: Read> Read for Option<T> {
    /// A `@sparse` list's item or map's value: null is `None`.
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        if r.null()? {
            return Ok(Some(None));
        }
        T::read(r, schema).map(|value| value.map(Some))
    }
}

impl<T: Read> Read for Box<T> {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        T::read(r, schema).map(|value| value.map(Box::new))
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        if r.source.is_some() {
            let Schema::List(list) = schema else { return Err(r.malformed(describe(&schema))) };
            r.step(|source| source.list(list))?;
            r.record_open('[');
            r.enter()?;
            let (items, built) = if list.unique { unique_items_in_source(r, list)? } else { items(r, list)? };
            r.depth -= 1;
            r.record_close(']');
            return Ok(built.then_some(items));
        }
        let peek = r.peek()?;
        let list = match schema {
            Schema::List(list) if peek == Peek::Array => list,
            _ => return r.wrong(peek, &schema),
        };
        r.enter()?;
        let (items, built) = if list.unique { unique_items(r, list)? } else { items(r, list)? };
        r.depth -= 1;
        Ok(built.then_some(items))
    }
}

/// A list's items, each read against the list's member at its index; and
/// whether all could be built.
fn items<T: Read>(r: &mut Reader<'_>, list: &'static List) -> Result<(Vec<T>, bool), Stop> {
    let mut items = Vec::new();
    let (mut count, mut built) = (0, true);
    while r.next_item(count)? {
        let mark = r.report.push_index(count);
        if !list.sparse && r.at_null()? {
            return Err(r.malformed("null is not allowed in this list"));
        }
        match T::read(r, list.member)? {
            Some(item) if built => items.push(item),
            _ => built = false,
        }
        // Once the body is refused, what it sends is read and checked but
        // not kept: two million bad items were kept whole until the end.
        if built && r.report.failed() {
            (items, built) = (Vec::new(), false);
        }
        r.report.pop(mark);
        count += 1;
    }
    if let Some(length) = &list.length {
        r.report.check_length(length, count);
    }
    Ok((items, built))
}

impl Reader<'_> {
    /// Moves to the next item of the list being read (the first when
    /// `count` is 0); `false` at its end.
    #[inline]
    fn next_item(&mut self, count: usize) -> Result<bool, Stop> {
        if self.source.is_some() {
            return self.step(|source| source.item());
        }
        let next = if count == 0 { self.jiter.known_array() } else { self.jiter.array_step() };
        json(next).map(|peek| peek.is_some())
    }

    /// Whether the value at the position is null, left in place.
    #[inline]
    fn at_null(&mut self) -> Result<bool, Stop> {
        match self.source.as_deref_mut() {
            Some(source) => Ok(source.absent()),
            None => Ok(self.peek()? == Peek::Null),
        }
    }
}

/// A `@uniqueItems` list read from a source: each item is read as any
/// other, and recorded as it is read, and the records are compared as the
/// JSON reader compares items.
fn unique_items_in_source<T: Read>(r: &mut Reader<'_>, list: &'static List) -> Result<(Vec<T>, bool), Stop> {
    let mut items = Vec::new();
    let mut values = Vec::new();
    let mut built = true;
    let outer = r.record.take();
    while r.next_item(values.len())? {
        let mark = r.report.push_index(values.len());
        r.record = Some(String::new());
        let item = T::read(r, list.member);
        let recorded = r.record.take().unwrap_or_default();
        r.report.pop(mark);
        match item? {
            Some(item) => items.push(item),
            None => built = false,
        }
        values.push(serde_json::from_str::<serde_json::Value>(&recorded).unwrap_or(serde_json::Value::Null));
    }
    r.record = outer;
    if let Some(length) = &list.length {
        r.report.check_length(length, values.len());
    }
    if !super::walk::all_unique(&values) {
        r.report.not_unique();
    }
    if let Some(out) = &mut r.record {
        for value in &values {
            comma(out);
            out.push_str(&value.to_string());
        }
    }
    Ok((items, built))
}

/// A `@uniqueItems` list: its items are compared as JSON values first (as
/// the walk compares them), then each is read from its own text. Such
/// lists are rare, and small.
fn unique_items<'j, T: Read>(r: &mut Reader<'j>, list: &'static List) -> Result<(Vec<T>, bool), Stop> {
    let mut raws: Vec<&'j [u8]> = Vec::new();
    let mut next = json(r.jiter.known_array())?;
    while let Some(peek) = next {
        let start = r.jiter.current_index();
        json(r.jiter.known_skip(peek))?;
        raws.push(r.jiter.slice_to_current(start));
        next = json(r.jiter.array_step())?;
    }
    let mut values = Vec::with_capacity(raws.len());
    for raw in &raws {
        let value = serde_json::from_slice::<serde_json::Value>(raw)
            .map_err(|e| Stop::Json(Box::new((e.to_string(), r.jiter.current_index()))))?;
        values.push(value);
    }
    if let Some(length) = &list.length {
        r.report.check_length(length, values.len());
    }
    if !super::walk::all_unique(&values) {
        r.report.not_unique();
    }
    let mut items = Vec::with_capacity(raws.len());
    let mut built = true;
    for (index, raw) in raws.into_iter().enumerate() {
        // Each item is read by a parser of its own text, the report shared.
        let outer = std::mem::replace(&mut r.jiter, Jiter::new(raw));
        let mark = r.report.push_index(index);
        let item = if r.peek()? == Peek::Null && !list.sparse {
            Err(r.malformed("null is not allowed in this list"))
        } else {
            T::read(r, list.member)
        };
        r.report.pop(mark);
        r.jiter = outer;
        match item? {
            Some(item) => items.push(item),
            None => built = false,
        }
    }
    Ok((items, built))
}

/// Types read through the checked serde deserializer (the runtime's own),
/// or from a source's text by their own deserializers, checked as that
/// deserializer checks a string or number.
macro_rules! read_by_serde {
    ($($ty:ty),*) => {$(
        impl Read for $ty {
            fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
                if r.source.is_some() {
                    return r.read_text_value(schema).map(Some);
                }
                if let (true, Schema::Timestamp(format)) = (r.rpc_v2, schema) {
                    return r.epoch_timestamp(format, schema).map(Some);
                }
                r.serde(schema).map(Some)
            }
        }
    )*};
}

read_by_serde!(Timestamp, DateTime, HttpDate, Document);

impl Read for Unit {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        if r.source.is_none() {
            return r.serde(schema).map(Some);
        }
        // An operation's empty input: a structure, whose members any
        // parameters would name, and so are passed over.
        if let Schema::Structure(_) = schema {
            let mut object = r.object(schema)?;
            while object.next(r, |_| None)?.is_some() {}
            object.end(r, 0)?;
            return Ok(Some(Unit {}));
        }
        r.read_text_value(schema).map(Some)
    }
}

impl Reader<'_> {
    /// A timestamp of `format` sent as epoch seconds, whatever the format
    /// (RPC v2 JSON's one form).
    fn epoch_timestamp<T: DeserializeOwned>(
        &mut self,
        format: super::TimestampFormat,
        schema: Schema,
    ) -> Result<T, Stop> {
        let peek = self.peek()?;
        if !peek.is_num() {
            return self.wrong(peek, &schema);
        }
        let (text, _) = number_text(&mut self.jiter)?;
        let seconds = text.parse::<f64>().ok().filter(|n| n.is_finite());
        match seconds.and_then(|seconds| source::from_epoch::<T>(format, seconds)) {
            Some(value) => Ok(value),
            None => Err(self.malformed(describe(&schema))),
        }
    }

    /// A value serde builds (a timestamp, a blob, the unit type) from the
    /// scalar at the source's position, checked against `schema`.
    fn read_text_value<T: DeserializeOwned>(&mut self, schema: Schema) -> Result<T, Stop> {
        // A unit member's value says nothing (a query key, an empty element,
        // an empty map).
        if let Schema::Unit = schema {
            self.step(|source| source.skip())?;
            self.record_text("{}");
            return T::deserialize(serde_json::json!({})).map_err(|_| self.malformed(describe(&schema)));
        }
        let recording = self.record.is_some();
        let date_times = self.source.as_deref().is_some_and(|source| source.date_times_for_epoch());
        let (scalar, report) = self.scalar()?;
        let (value, recorded) = match (schema, scalar) {
            (Schema::Timestamp(format), Scalar::Text(text)) => {
                let number = format == super::TimestampFormat::EpochSeconds;
                let value = if number && !source::is_number(text) {
                    let date_time = date_times.then(|| crate::Timestamp::parse_date_time(text).ok()).flatten();
                    let Some(at) = date_time else { return Err(self.malformed(describe(&schema))) };
                    source::from_epoch::<T>(format, at.as_epoch_seconds_f64())
                } else {
                    source::from_text::<T>(text, number).ok()
                };
                (value, recording.then(|| text.to_owned()))
            }
            (Schema::Blob(_), Scalar::Text(text)) => {
                check_text(report, &schema, text)?;
                (source::from_text::<T>(text, false).ok(), recording.then(|| text.to_owned()))
            }
            // A protocol's own timestamps (CBOR's tag 1), in whatever
            // format the member's type takes.
            (Schema::Timestamp(format), Scalar::Timestamp(seconds) | Scalar::Float(seconds)) => {
                (source::from_epoch::<T>(format, seconds), recording.then(|| seconds.to_string()))
            }
            (Schema::Timestamp(format), Scalar::Integer(seconds)) => {
                (source::from_epoch::<T>(format, seconds as f64), recording.then(|| seconds.to_string()))
            }
            // Documents have no form but JSON's.
            _ => (None, None),
        };
        let Some(value) = value else { return Err(self.malformed(describe(&schema))) };
        if let Some(text) = recorded {
            self.record_text(text);
        }
        Ok(value)
    }
}

/// Big numbers, read as their text and checked exactly.
macro_rules! read_big {
    ($($ty:ident => $kind:ident),*) => {$(
        impl Read for crate::$ty {
            fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
                if r.source.is_some() {
                    let recording = r.record.is_some();
                    let (scalar, report) = r.scalar()?;
                    let integer;
                    let text = match scalar {
                        Scalar::Text(text) | Scalar::Big(text) if source::is_number(text) => text,
                        Scalar::Integer(n) => {
                            integer = n.to_string();
                            &integer
                        }
                        _ => return Err(r.malformed(describe(&schema))),
                    };
                    if !matches!(schema, Schema::$kind(_)) || !checked_big(report, &schema, text) {
                        return Err(r.malformed(describe(&schema)));
                    }
                    let value = crate::$ty::parse(text).ok();
                    if let Some(text) = recording.then(|| text.to_owned()) {
                        r.record_text(text);
                    }
                    return Ok(value);
                }
                let peek = r.peek()?;
                // RPC v2 JSON sends big numbers as strings, so that no
                // client's JSON parser rounds them.
                let string = r.rpc_v2 && peek == Peek::String;
                if !matches!(schema, Schema::$kind(_)) || !(peek.is_num() || string) {
                    return r.wrong(peek, &schema);
                }
                let text = if string {
                    let text = json(r.jiter.known_str())?;
                    if !source::is_number(text) {
                        return Err(r.malformed(describe(&schema)));
                    }
                    text
                } else {
                    super::checked::number_text(&mut r.jiter)?.0
                };
                if !super::checked::checked_big(&mut r.report, &schema, text) {
                    return Err(r.malformed(describe(&schema)));
                }
                Ok(crate::$ty::parse(text).ok())
            }
        }
    )*};
}

read_big!(BigInteger => BigInteger, BigDecimal => BigDecimal);

impl Read for Blob {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        if let Some(source) = r.source.as_deref_mut() {
            let shared = match schema {
                Schema::Blob(_) => source.shared_bytes().map(Blob::from),
                _ => None,
            };
            let blob = match shared {
                Some(blob) => Some(blob),
                None => match (&schema, source.bytes()) {
                    (Schema::Blob(_), Some(bytes)) => Some(Blob::new(bytes.to_vec())),
                    _ => None,
                },
            };
            if let (Schema::Blob(length), Some(blob)) = (&schema, blob) {
                if let Some(length) = length {
                    r.report.check_length(length, blob.as_ref().len());
                }
                return Ok(Some(blob));
            }
            return r.read_text_value(schema).map(Some);
        }
        r.serde(schema).map(Some)
    }
}

/// A map key type: a string, or an enum (the generated crate implements it).
pub trait Key: Ord + Sized {
    /// The key sent as `text`, already checked against its schema; `None`
    /// for an enum value it does not have (a violation already recorded).
    fn from_key(text: String) -> Option<Self>;
}

impl Key for String {
    fn from_key(text: String) -> Option<Self> {
        Some(text)
    }
}

impl<K: Key, V: Read> Read for BTreeMap<K, V> {
    fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
        let map = if r.source.is_some() {
            let Schema::Map(map) = schema else { return Err(r.malformed(describe(&schema))) };
            r.step(|source| source.map(map))?;
            r.record_open('{');
            map
        } else {
            let peek = r.peek()?;
            match schema {
                Schema::Map(map) if peek == Peek::Object => map,
                _ => return r.wrong(peek, &schema),
            }
        };
        r.enter()?;
        let mut entries = BTreeMap::new();
        let (mut count, mut built) = (0, true);
        let mut key = r.next_entry(0)?;
        while let Some(text) = key {
            r.record_key(&text);
            // A key's violations are reported at the map, ordered with its entry.
            match &map.key {
                Schema::String(rules) => r.report.check_key_string(rules, &text),
                Schema::Enum(table) => {
                    r.report.check_key_enum(table, &text);
                }
                _ => {}
            }
            let mark = r.report.push_key(&text, map.sensitive_keys);
            if !map.sparse && r.at_null()? {
                return Err(r.malformed("null is not allowed in this map"));
            }
            let value = V::read(r, map.value)?;
            r.report.pop(mark);
            match (K::from_key(text), value) {
                (Some(key), Some(value)) => {
                    // A key sent twice: which value was meant is unknowable,
                    // so the body is refused, as for a member sent twice.
                    if entries.insert(key, value).is_some() {
                        return Err(r.malformed("the map has a key more than once"));
                    }
                }
                _ => built = false,
            }
            count += 1;
            key = r.next_entry(count)?;
        }
        r.depth -= 1;
        r.record_close('}');
        if let Some(length) = &map.length {
            r.report.check_length(length, count);
        }
        Ok(built.then_some(entries))
    }
}

impl Reader<'_> {
    /// The key of the next entry of the map being read (the first when
    /// `count` is 0), its value then at the position; `None` at its end.
    fn next_entry(&mut self, count: usize) -> Result<Option<String>, Stop> {
        if self.source.is_some() {
            return self.step(|source| source.entry().map(|key| key.map(str::to_owned)));
        }
        let key = if count == 0 { self.jiter.known_object() } else { self.jiter.next_key() };
        Ok(json(key)?.map(str::to_owned))
    }
}

/// A type read from an HTTP request (the input of a restJson1 or restXml
/// operation): the members bound to the request's head from the runtime's
/// source of them ([`crate::protocol::rest::HeadSource`]), then those of
/// the body ([`Object::body`], [`Object::payload`]).
pub trait ReadHttp: Sized {
    /// Reads the value whose head is at the reader's position.
    fn read_http<'j>(r: &mut Reader<'j>, schema: Schema, body: &'j [u8]) -> Result<Option<Self>, Stop>;
}

/// Whether `body` is empty but for whitespace: no document.
pub(crate) fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// `T` read from `body` against `schema`; see [`super::parse`].
#[inline]
pub(super) fn read<T: Read>(r: &mut Reader<'_>, schema: &'static Structure) -> Result<Option<T>, Stop> {
    let value = T::read(r, Schema::Structure(schema))?;
    r.finish()?;
    Ok(value)
}

impl Reader<'_> {
    /// The end of the input: nothing may follow the value read.
    pub(super) fn finish(&mut self) -> Result<(), Stop> {
        if self.source.is_some() {
            return self.step(|source| source.finish());
        }
        json(self.jiter.finish())
    }
}

/// A reader of any input, for tests: each value read as its schema says,
/// into the JSON value of what was read.
#[cfg(test)]
pub(crate) mod any {
    use super::*;

    /// The bits of the first 128 members of `structure` that are required.
    fn required(structure: &Structure) -> u128 {
        let required = structure.members.iter().take(128).enumerate().filter(|(_, member)| member.required);
        required.fold(0, |bits, (index, _)| bits | 1 << index)
    }

    /// What was read, as JSON: timestamps and blobs as their text.
    #[derive(Debug, PartialEq)]
    pub(crate) struct Any(pub serde_json::Value);

    impl Read for Any {
        fn read(r: &mut Reader<'_>, schema: Schema) -> Result<Option<Self>, Stop> {
            use serde_json::Value;
            if r.null()? {
                return Ok(Some(Any(Value::Null)));
            }
            let value = match schema {
                Schema::Structure(structure) => {
                    let mut object = r.object(schema)?;
                    let mut members = serde_json::Map::new();
                    let lookup = |name: &str| structure.members.iter().position(|m| m.key() == name);
                    while let Some(index) = object.next(r, lookup)? {
                        if let Some(Any(value)) = object.value(r, index)? {
                            members.insert(structure.members[index].key().to_string(), value);
                        }
                    }
                    object.end(r, required(structure))?;
                    Value::Object(members)
                }
                Schema::Union(union) => {
                    let mut object = r.union(schema)?;
                    let mut members = serde_json::Map::new();
                    let lookup = |name: &str| union.members.iter().position(|m| m.key() == name);
                    while let Some(index) = object.next(r, lookup)? {
                        if let Some(Any(value)) = object.value(r, index)? {
                            members.insert(union.members[index].key().to_string(), value);
                        }
                    }
                    object.end(r)?;
                    Value::Object(members)
                }
                Schema::List(_) => {
                    Value::Array(Vec::<Any>::read(r, schema)?.unwrap_or_default().into_iter().map(|a| a.0).collect())
                }
                Schema::Map(_) => Value::Object(
                    BTreeMap::<String, Any>::read(r, schema)?
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(k, v)| (k, v.0))
                        .collect(),
                ),
                Schema::String(_) => Value::from(String::read(r, schema)?),
                Schema::Enum(_) => Value::from(r.enumeration::<String>(schema)?),
                Schema::Integer(_) => Value::from(i64::read(r, schema)?),
                Schema::Float(_) => Value::from(f64::read(r, schema)?),
                Schema::Boolean => Value::from(bool::read(r, schema)?),
                Schema::Timestamp(super::super::TimestampFormat::EpochSeconds) => {
                    Value::from(Timestamp::read(r, schema)?.map(|t| t.to_string()))
                }
                Schema::Timestamp(super::super::TimestampFormat::DateTime) => {
                    Value::from(DateTime::read(r, schema)?.map(|t| t.0.to_string()))
                }
                Schema::Timestamp(super::super::TimestampFormat::HttpDate) => {
                    Value::from(HttpDate::read(r, schema)?.map(|t| t.0.to_string()))
                }
                Schema::Blob(_) => Value::from(Blob::read(r, schema)?.map(|b| b.as_ref().len())),
                Schema::BigInteger(_) => Value::from(crate::BigInteger::read(r, schema)?.map(|n| n.to_string())),
                Schema::BigDecimal(_) => Value::from(crate::BigDecimal::read(r, schema)?.map(|n| n.to_string())),
                Schema::Document => {
                    Document::read(r, schema)?.map_or(Value::Null, |d| serde_json::to_value(d).unwrap())
                }
                Schema::Unit => {
                    Unit::read(r, schema)?;
                    Value::Object(Default::default())
                }
            };
            Ok(Some(Any(value)))
        }
    }

    /// The head's members, then the body's.
    impl ReadHttp for Any {
        fn read_http<'j>(r: &mut Reader<'j>, schema: Schema, body: &'j [u8]) -> Result<Option<Self>, Stop> {
            let Schema::Structure(structure) = schema else { unreachable!("inputs are structures") };
            let lookup = |name: &str| structure.members.iter().position(|m| m.key() == name);
            let mut object = r.object(schema)?;
            let mut members = serde_json::Map::new();
            for part in 0..2 {
                if part == 1 {
                    object.body(r, body)?;
                }
                while let Some(index) = object.next(r, lookup)? {
                    if let Some(Any(value)) = object.value(r, index)? {
                        members.insert(structure.members[index].key().to_string(), value);
                    }
                }
            }
            object.end(r, required(structure))?;
            Ok(Some(Any(serde_json::Value::Object(members))))
        }
    }
}
