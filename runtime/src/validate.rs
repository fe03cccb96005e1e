//! Validation of request bodies against every constraint of the model,
//! reported the way Smithy servers report them.
//!
//! The generated crate describes each operation input as static
//! [`Structure`] tables; [`validate`] walks a parsed JSON body against one
//! and collects every violation, each with a JSON Pointer to the value. No
//! input value is ever echoed in a message, so sensitive data cannot leak.

mod checked;
mod placeholder;
pub(crate) mod read;
mod report;
mod source;
mod walk;

use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::pattern::Pattern;
pub use read::{BodySource, Key, Object, Read, ReadHttp, Reader, Stop, UnionObject};
pub(crate) use source::is_number;
pub use source::{Scalar, Source, SourceError};

pub use report::REDACTED_KEY;
use report::Report;

/// At most this many violations are reported; validation stops there.
pub const MAX_VIOLATIONS: usize = 100;

/// A structure: its members in model order.
#[derive(Debug)]
pub struct Structure {
    /// The shape's name, as messages about a value that is not an object
    /// give it (`expected a JSON object for Name`).
    pub name: &'static str,
    /// The members, in model order: the order violations are reported in.
    /// Generated readers and HTTP bindings name a member by its index here.
    pub members: &'static [Member],
}

/// A union: exactly one of its members is set.
#[derive(Debug)]
pub struct Union {
    /// The shape's name, as messages about a malformed union give it
    /// (`union Name must have exactly one member set`).
    pub name: &'static str,
    /// The members, in model order. None is required: the one set is
    /// checked against its schema.
    pub members: &'static [Member],
}

/// A structure or union member.
#[derive(Debug)]
pub struct Member {
    /// The member's name in the model: what paths in violations name (a
    /// JSON Pointer's segments point at members), and the member's key in
    /// the JSON document unless [`Member::json_name`] gives another.
    pub name: &'static str,
    /// `@jsonName`: the member's key in the JSON document where the model
    /// renames it (restJson1 services); `None` where the key is the name.
    pub json_name: Option<&'static str>,
    /// `@required`: a value that is absent or null is a violation
    /// (`Member must not be null`). Always false for union members.
    pub required: bool,
    /// What the member's value must be.
    pub schema: Schema,
}

impl Member {
    /// The member's key in the JSON document: its [`Member::json_name`],
    /// else its name. Validators look members up by it, and hand it to
    /// serde (whose derives rename the field to it).
    pub const fn key(&self) -> &'static str {
        match self.json_name {
            Some(key) => key,
            None => self.name,
        }
    }
}

/// What a value must be, with the constraints in force at its place.
#[derive(Clone, Copy, Debug)]
pub enum Schema {
    /// A `string`, with its `@length`, `@pattern` and legacy `@enum`
    /// values.
    String(StringRules),
    /// A value of an `enum` shape: a string that must be one of the
    /// enum's values.
    Enum(&'static Enum),
    /// A `byte`, `short`, `integer` or `long`, or an `intEnum`: a whole
    /// number that must fit its width.
    Integer(IntegerRules),
    /// A `float` or `double`: a number, or one of the strings `"NaN"`,
    /// `"Infinity"` and `"-Infinity"`.
    Float(FloatRules),
    /// `bigInteger`: a whole number of any size.
    BigInteger(BigRules),
    /// `bigDecimal`: a number of any size and precision.
    BigDecimal(BigRules),
    /// A `boolean`.
    Boolean,
    /// A `timestamp`, in the format it is sent in at this place.
    Timestamp(TimestampFormat),
    /// A `blob` (base64 text in JSON), with its `@length` in decoded bytes.
    Blob(Option<Length>),
    /// A `document`: any JSON value, not checked further.
    Document,
    /// The unit type: an empty object.
    Unit,
    /// A list, with the constraints in force at this place.
    List(&'static List),
    /// A map, with the constraints in force at this place.
    Map(&'static Map),
    /// A structure: an object whose members are checked in turn.
    Structure(&'static Structure),
    /// A union: an object with exactly one member set.
    Union(&'static Union),
}

/// The constraints of a `string` value, checked in this order: length,
/// legacy `@enum` values, pattern (so a pattern only sees text within the
/// length limit).
#[derive(Clone, Copy, Debug)]
pub struct StringRules {
    /// `@length`, in Unicode code points.
    pub length: Option<Length>,
    /// `@pattern`: the text must contain a match.
    pub pattern: Option<&'static Pattern>,
    /// The values of a legacy `@enum` string.
    pub values: Option<&'static AllowedValues>,
}

/// An enum shape's values, and the `@length` and `@pattern` in force (enums
/// are strings).
#[derive(Debug)]
pub struct Enum {
    /// The enum shape's name in the model.
    pub name: &'static str,
    /// Every value the enum accepts, internal ones included.
    pub values: &'static [&'static str],
    /// The values listed in messages, formatted: `[a, b]` (internal values left out).
    pub listed: &'static str,
    /// `@length` in force at this place, in Unicode code points.
    pub length: Option<Length>,
    /// `@pattern` in force at this place: the value must contain a match.
    pub pattern: Option<&'static Pattern>,
}

/// The values of a legacy `@enum` string or an `intEnum`.
#[derive(Debug)]
pub struct AllowedValues {
    /// The values a member may take, as text (an `intEnum`'s as decimal
    /// numbers).
    pub values: &'static [&'static str],
    /// The values listed in messages, formatted: `[a, b]`.
    pub listed: &'static str,
}

/// The width of an integer shape. A number that does not fit it makes the
/// body malformed; it is not reported as a violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegerKind {
    /// `byte`: 8 bits, signed.
    Byte,
    /// `short`: 16 bits, signed.
    Short,
    /// `integer` (and `intEnum`): 32 bits, signed.
    Integer,
    /// `long`: 64 bits, signed.
    Long,
}

/// The constraints of an integer value.
#[derive(Clone, Copy, Debug)]
pub struct IntegerRules {
    /// The shape's width, which the value must fit.
    pub kind: IntegerKind,
    /// `@range`.
    pub range: Option<Range>,
    /// The values of an `intEnum`.
    pub values: Option<&'static AllowedValues>,
}

/// The constraints of a `float` or `double` value.
#[derive(Clone, Copy, Debug)]
pub struct FloatRules {
    /// `@range`, compared with [`Bound::value`].
    pub range: Option<Range>,
}

/// The constraints of a `bigInteger` or `bigDecimal`: its `@range`,
/// checked exactly against the bounds' text.
#[derive(Clone, Copy, Debug)]
pub struct BigRules {
    /// `@range`, compared digit by digit with [`Bound::text`].
    pub range: Option<Range>,
}

/// The form a timestamp is sent in at a place: the member's
/// `@timestampFormat`, else its target's, else the protocol's default for
/// that place (the body, a header, a label or query parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    /// `epoch-seconds`: a number of seconds since the Unix epoch, which
    /// may have a fraction.
    EpochSeconds,
    /// `date-time`: RFC 3339 text (`1985-04-12T23:20:50.52Z`).
    DateTime,
    /// `http-date`: an HTTP date (`Tue, 29 Apr 2014 18:30:38 GMT`).
    HttpDate,
}

/// `@length`: code points for strings, bytes for blobs, entries for lists and maps.
#[derive(Clone, Copy, Debug)]
pub struct Length {
    /// The least length allowed; `None` for no lower limit.
    pub min: Option<u64>,
    /// The greatest length allowed; `None` for no upper limit.
    pub max: Option<u64>,
}

impl Length {
    /// `@length(min: min, max: max)`.
    pub const fn between(min: u64, max: u64) -> Self {
        Length { min: Some(min), max: Some(max) }
    }

    /// `@length(min: min)`.
    pub const fn at_least(min: u64) -> Self {
        Length { min: Some(min), max: None }
    }

    /// `@length(max: max)`.
    pub const fn at_most(max: u64) -> Self {
        Length { min: None, max: Some(max) }
    }
}

/// `@range`: both bounds are inclusive.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    /// The least value allowed; `None` for no lower bound.
    pub min: Option<Bound>,
    /// The greatest value allowed; `None` for no upper bound.
    pub max: Option<Bound>,
}

/// A `@range` bound and its text as written in the model (`2.2`, `8`).
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// The bound as an `f64`, which integers and floats are compared with.
    pub value: f64,
    /// The bound as the model writes it: what messages show, and what big
    /// numbers are compared with, exactly.
    pub text: &'static str,
}

/// A list shape, with the constraints in force where it is used.
#[derive(Debug)]
pub struct List {
    /// What each item must be.
    pub member: Schema,
    /// `@length`: how many items there may be.
    pub length: Option<Length>,
    /// `@uniqueItems`: no two items may be equal (compared as JSON values,
    /// objects whatever their members' order).
    pub unique: bool,
    /// `@sparse`: items may be null.
    pub sparse: bool,
    /// The member holding the list is `@xmlFlattened`: in restXml requests
    /// its items are elements of the member's name, not children of one.
    pub flattened: bool,
}

/// A map shape, with the constraints in force where it is used.
#[derive(Debug)]
pub struct Map {
    /// What each key must be: a string or an enum. A key's violations are
    /// reported at the map's path, as Smithy reports them.
    pub key: Schema,
    /// What each value must be.
    pub value: Schema,
    /// `@length`: how many entries there may be.
    pub length: Option<Length>,
    /// `@sparse`: values may be null.
    pub sparse: bool,
    /// The keys are `@sensitive` (the key's shape, the map or the member
    /// holding it is marked): paths show [`REDACTED_KEY`] in their place.
    pub sensitive_keys: bool,
    /// The name of an entry's key in awsQuery and ec2Query requests
    /// (`@xmlName` on the map's key), where it is not `key`.
    pub key_name: Option<&'static str>,
    /// The name of an entry's value in awsQuery and ec2Query requests
    /// (`@xmlName` on the map's value), where it is not `value`.
    pub value_name: Option<&'static str>,
    /// The member holding the map is `@xmlFlattened`: in restXml requests
    /// its entries are elements of the member's name, not `entry` children
    /// of one.
    pub flattened: bool,
}

/// The input of an operation that takes none.
pub static UNIT: Structure = Structure { name: "Unit", members: &[] };

/// Smithy's `smithy.framework#ValidationException` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationException {
    /// `N validation errors detected. ` and the field messages joined by `; `.
    pub message: String,
    /// One entry per violation, in the order found.
    #[serde(rename = "fieldList")]
    pub field_list: Vec<ValidationExceptionField>,
}

/// One violation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationExceptionField {
    /// A JSON Pointer to the value (`/TaskParameters/0/aws:InstanceId`).
    pub path: String,
    /// Smithy's sentence for the violation: `Value at '/Name' failed to
    /// satisfy constraint: Member must not be null`. It may give a value's
    /// length, never the value.
    pub message: String,
}

/// A `ValidationException`'s body is at most about this many bytes,
/// whatever the input: violations past it are not listed, as those past
/// [`MAX_VIOLATIONS`] are not (every path is bounded too, so each
/// violation's share is).
pub const MAX_VALIDATION_BODY_BYTES: usize = 48 << 10;

impl ValidationException {
    fn new(mut field_list: Vec<ValidationExceptionField>) -> Self {
        // A field is in the body twice: itself, and its message in the
        // exception's. At least one is always listed.
        let mut size = 64;
        let fits = field_list
            .iter()
            .take_while(|field| {
                size += json_len(&field.path) + 2 * json_len(&field.message) + 40;
                size <= MAX_VALIDATION_BODY_BYTES
            })
            .count();
        field_list.truncate(fits.max(1));
        let count = field_list.len();
        let length = field_list.iter().map(|field| field.message.len() + 2).sum::<usize>() + 32;
        let mut message = String::with_capacity(length);
        let plural = if count == 1 { "" } else { "s" };
        let _ = write!(message, "{count} validation error{plural} detected. ");
        for (i, field) in field_list.iter().enumerate() {
            if i > 0 {
                message.push_str("; ");
            }
            message.push_str(&field.message);
        }
        ValidationException { message, field_list }
    }
}

/// At most how many bytes `text` takes as a JSON string's contents.
fn json_len(text: &str) -> usize {
    text.bytes()
        .map(|byte| match byte {
            b'"' | b'\\' => 2,
            0..0x20 => 6,
            _ => 1,
        })
        .sum()
}

impl std::fmt::Display for ValidationException {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValidationException {}

/// A body that is not even of the right shape: not JSON, a wrong JSON type,
/// a number out of range. Protocols send it as a `SerializationException`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedInput {
    /// A JSON Pointer to the value (empty for the whole body).
    pub path: String,
    /// What is wrong (`expected a string`), without the value itself.
    pub message: String,
}

impl std::fmt::Display for MalformedInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{} at '{}'", self.message, self.path) }
    }
}

impl std::error::Error for MalformedInput {}

/// Why a request body was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The input is not of its shape, and reading stopped there. The JSON
    /// and CBOR protocols answer `SerializationException`; restXml
    /// `MalformedXML` or `InvalidArgument`; the query protocols
    /// `InvalidParameterValue`.
    Malformed(MalformedInput),
    /// The input is of its shape but breaks constraints of the model. The
    /// JSON and CBOR protocols answer this `ValidationException`; restXml
    /// `InvalidArgument`; the query protocols `ValidationError`.
    Invalid(ValidationException),
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::Malformed(e) => e.fmt(f),
            Rejection::Invalid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Rejection {}

/// Checks `input` against `schema`: every violation, or the first way in
/// which the body is malformed. For bodies already parsed; a request body
/// is read and checked in one pass by [`parse`].
pub fn validate(schema: &Structure, input: &Value) -> Result<(), Rejection> {
    let mut report = Report::default();
    match walk::structure(&mut report, schema, input) {
        Err(malformed) => Err(Rejection::Malformed(malformed)),
        Ok(()) => report.finish().map_err(Rejection::Invalid),
    }
}

/// Reads a JSON body (empty counts as `{}`) into `T`, checking it against
/// `schema` as it goes: one pass, every violation collected (in model
/// order, at most [`MAX_VIOLATIONS`]), or the first way in which the body
/// is malformed. `T` is a generated input type, whose [`Read`] reads it
/// straight from the parser.
pub fn parse<T: Read>(schema: &'static Structure, body: &[u8]) -> Result<T, Rejection> {
    // A value that could not be built left a violation in the report.
    run(body, |r| read::read(r, schema))
        .and_then(|value| value.ok_or_else(|| malformed("the body does not fit the input".to_string())))
}

/// [`parse`] as Smithy's RPC v2 JSON reads a body: every timestamp epoch
/// seconds whatever its format (`@timestampFormat` does not apply), and big
/// numbers as strings of their digits (or numbers).
pub fn parse_rpc_v2_json<T: Read>(schema: &'static Structure, body: &[u8]) -> Result<T, Rejection> {
    run(body, |r| {
        r.rpc_v2 = true;
        read::read(r, schema)
    })
    .and_then(|value| value.ok_or_else(|| malformed("the body does not fit the input".to_string())))
}

/// Reads an HTTP request into `T` (the input of a REST operation): the
/// members bound to the request's head from `head` (the runtime's
/// [`crate::protocol::rest::HeadSource`]), then those in `body`, JSON, or
/// read from the source `body_source` makes of it (XML). Checked as
/// [`parse`] checks, in one pass.
pub fn parse_http<'j, T: ReadHttp>(
    schema: &'static Structure,
    head: &'j mut (dyn Source + 'j),
    body: &'j [u8],
    body_source: Option<BodySource<'j>>,
) -> Result<T, Rejection> {
    let mut reader = Reader::of_source(head);
    reader.body_source = body_source;
    let parsed =
        T::read_http(&mut reader, Schema::Structure(schema), body).and_then(|value| reader.finish().map(|()| value));
    conclude(&mut reader.report, body, parsed)
        .and_then(|value| value.ok_or_else(|| malformed("the request does not fit the input".to_string())))
}

/// Reads an event-stream message into the event `T`: the members carried
/// in its headers from `headers` (the runtime's
/// [`crate::event_stream::EventSource`]), then those in its JSON
/// `payload`. Checked as [`parse`] checks, in one pass.
pub fn parse_event<'j, T: crate::event_stream::ReadEvent>(
    schema: &'static Structure,
    headers: &'j mut (dyn Source + 'j),
    payload: &'j [u8],
) -> Result<T, Rejection> {
    parse_event_as(schema, headers, payload, false)
}

/// [`parse_event`] as Smithy's RPC v2 JSON reads a payload
/// ([`parse_rpc_v2_json`]).
pub fn parse_event_rpc_v2_json<'j, T: crate::event_stream::ReadEvent>(
    schema: &'static Structure,
    headers: &'j mut (dyn Source + 'j),
    payload: &'j [u8],
) -> Result<T, Rejection> {
    parse_event_as(schema, headers, payload, true)
}

fn parse_event_as<'j, T: crate::event_stream::ReadEvent>(
    schema: &'static Structure,
    headers: &'j mut (dyn Source + 'j),
    payload: &'j [u8],
    rpc_v2: bool,
) -> Result<T, Rejection> {
    let mut reader = Reader::of_source(headers);
    reader.rpc_v2 = rpc_v2;
    let parsed = T::read_event(&mut reader, Schema::Structure(schema), payload)
        .and_then(|value| reader.finish().map(|()| value));
    conclude(&mut reader.report, payload, parsed)
        .and_then(|value| value.ok_or_else(|| malformed("the event does not fit its type".to_string())))
}

/// [`parse`] of an input that is not JSON, read from `source` (awsQuery's
/// parameters, say): the same checks, reported the same way.
pub fn parse_source<'s, T: Read>(
    schema: &'static Structure,
    source: &'s mut (dyn Source + 's),
) -> Result<T, Rejection> {
    let mut reader = Reader::of_source(source);
    let parsed = read::read(&mut reader, schema);
    conclude(&mut reader.report, b"", parsed)
        .and_then(|value| value.ok_or_else(|| malformed("the request does not fit the input".to_string())))
}

/// As [`parse`], for any type serde can build (an output type, say): the
/// same checks, through serde's visitors.
pub fn deserialize<T: DeserializeOwned>(schema: &'static Structure, body: &[u8]) -> Result<T, Rejection> {
    run(body, |r| {
        let value = r.serde(Schema::Structure(schema))?;
        checked::json(r.jiter.finish())?;
        Ok(value)
    })
}

/// Runs `read` over `body` and tells what it found.
fn run<T>(body: &[u8], read: impl FnOnce(&mut Reader<'_>) -> Result<T, Stop>) -> Result<T, Rejection> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let mut reader = Reader::new(body);
    let parsed = read(&mut reader);
    conclude(&mut reader.report, body, parsed)
}

/// What a read of `text` that ended with `parsed` found.
fn conclude<T>(report: &mut Report, text: &[u8], parsed: Result<T, Stop>) -> Result<T, Rejection> {
    let body = text;
    match (report.take_malformed(), parsed) {
        (Some(malformed), _) => Err(Rejection::Malformed(malformed)),
        (None, Ok(value)) => report.finish().map(|()| value).map_err(Rejection::Invalid),
        (None, Err(Stop::Json(json))) => {
            let (reason, index) = *json;
            let (line, column) = line_and_column(body, index);
            Err(malformed(format!("the body is not valid JSON: {reason} at line {line} column {column}")))
        }
        // A refusal of the type's own that no check caught (a duplicate
        // member, say); its text may quote the input, so it is not sent.
        (None, Err(_)) => Err(malformed("the body does not fit the input".to_string())),
    }
}

/// The line and column (both from 1) of byte `index` of `text`.
fn line_and_column(text: &[u8], index: usize) -> (usize, usize) {
    let before = &text[..index.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

fn malformed(message: String) -> Rejection {
    Rejection::Malformed(MalformedInput { path: String::new(), message })
}

/// What a value of `schema` must be, for messages about malformed bodies.
fn describe(schema: &Schema) -> String {
    match schema {
        Schema::String(_) | Schema::Enum(_) => "expected a string".to_string(),
        Schema::Integer(rules) => {
            let (kind, bits) = match rules.kind {
                IntegerKind::Byte => ("byte", 8),
                IntegerKind::Short => ("short", 16),
                IntegerKind::Integer => ("integer", 32),
                IntegerKind::Long => ("long", 64),
            };
            format!("expected a whole number that fits a {bits}-bit {kind}")
        }
        Schema::Float(_) => "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"".to_string(),
        Schema::BigInteger(_) => "expected a whole number".to_string(),
        Schema::BigDecimal(_) => "expected a number (with an exponent of at most 9 digits)".to_string(),
        Schema::Boolean => "expected a boolean".to_string(),
        Schema::Timestamp(format) => {
            let expected = match format {
                TimestampFormat::EpochSeconds => "epoch seconds",
                TimestampFormat::DateTime => "an RFC 3339 date-time",
                TimestampFormat::HttpDate => "an HTTP date",
            };
            format!("expected a timestamp as {expected}")
        }
        Schema::Blob(_) => "expected a base64 string".to_string(),
        Schema::Document => "expected a JSON value".to_string(),
        Schema::Unit => "expected an empty object".to_string(),
        Schema::List(_) => "expected a JSON array".to_string(),
        Schema::Map(_) => "expected a JSON object".to_string(),
        Schema::Structure(structure) => format!("expected a JSON object for {}", structure.name),
        Schema::Union(union) => format!("expected a JSON object for union {}", union.name),
    }
}
