//! Validation of request bodies against every constraint of the model,
//! reported the way Smithy servers report them.
//!
//! The generated crate describes each operation input as static
//! [`Structure`] tables; [`validate`] walks a parsed JSON body against one
//! and collects every violation, each with a JSON Pointer to the value. No
//! input value is ever echoed in a message, so sensitive data cannot leak.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::pattern::Pattern;
use crate::{Blob, Timestamp};

/// At most this many violations are reported; validation stops there.
pub const MAX_VIOLATIONS: usize = 100;

/// A structure: its members in model order.
#[derive(Debug)]
pub struct Structure {
    pub name: &'static str,
    pub members: &'static [Member],
}

/// A union: exactly one of its members is set.
#[derive(Debug)]
pub struct Union {
    pub name: &'static str,
    pub members: &'static [Member],
}

/// A structure or union member.
#[derive(Debug)]
pub struct Member {
    /// The wire name.
    pub name: &'static str,
    pub required: bool,
    pub schema: Schema,
}

/// What a value must be, with the constraints in force at its place.
#[derive(Clone, Copy, Debug)]
pub enum Schema {
    String(StringRules),
    Enum(&'static Enum),
    Integer(IntegerRules),
    Float(FloatRules),
    Boolean,
    Timestamp(TimestampFormat),
    Blob(Option<Length>),
    Document,
    Unit,
    List(&'static List),
    Map(&'static Map),
    Structure(&'static Structure),
    Union(&'static Union),
}

#[derive(Clone, Copy, Debug)]
pub struct StringRules {
    pub length: Option<Length>,
    pub pattern: Option<&'static Pattern>,
    /// The values of a legacy `@enum` string.
    pub values: Option<&'static AllowedValues>,
}

/// An enum shape's values, and the `@length` and `@pattern` in force (enums
/// are strings).
#[derive(Debug)]
pub struct Enum {
    pub name: &'static str,
    pub values: &'static [&'static str],
    /// The values listed in messages, formatted: `[a, b]` (internal values left out).
    pub listed: &'static str,
    pub length: Option<Length>,
    pub pattern: Option<&'static Pattern>,
}

/// The values of a legacy `@enum` string or an `intEnum`.
#[derive(Debug)]
pub struct AllowedValues {
    pub values: &'static [&'static str],
    /// The values listed in messages, formatted: `[a, b]`.
    pub listed: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegerKind {
    Byte,
    Short,
    Integer,
    Long,
}

#[derive(Clone, Copy, Debug)]
pub struct IntegerRules {
    pub kind: IntegerKind,
    pub range: Option<Range>,
    /// The values of an `intEnum`.
    pub values: Option<&'static AllowedValues>,
}

#[derive(Clone, Copy, Debug)]
pub struct FloatRules {
    pub range: Option<Range>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// `@length`: code points for strings, bytes for blobs, entries for lists and maps.
#[derive(Clone, Copy, Debug)]
pub struct Length {
    pub min: Option<u64>,
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

/// `@range`.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub min: Option<Bound>,
    pub max: Option<Bound>,
}

/// A `@range` bound and its text as written in the model (`2.2`, `8`).
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    pub value: f64,
    pub text: &'static str,
}

#[derive(Debug)]
pub struct List {
    pub member: Schema,
    pub length: Option<Length>,
    pub unique: bool,
    /// `@sparse`: items may be null.
    pub sparse: bool,
}

#[derive(Debug)]
pub struct Map {
    pub key: Schema,
    pub value: Schema,
    pub length: Option<Length>,
    /// `@sparse`: values may be null.
    pub sparse: bool,
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
    pub message: String,
}

impl ValidationException {
    fn new(field_list: Vec<ValidationExceptionField>) -> Self {
        let count = field_list.len();
        let mut message = format!("{count} validation error{} detected. ", if count == 1 { "" } else { "s" });
        for (i, field) in field_list.iter().enumerate() {
            if i > 0 {
                message.push_str("; ");
            }
            message.push_str(&field.message);
        }
        ValidationException { message, field_list }
    }
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
    Malformed(MalformedInput),
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
/// which the body is malformed.
pub fn validate(schema: &Structure, input: &Value) -> Result<(), Rejection> {
    let mut validator = Validator { path: String::new(), violations: Vec::new() };
    validator.structure(schema, input).map_err(Rejection::Malformed)?;
    if validator.violations.is_empty() {
        Ok(())
    } else {
        Err(Rejection::Invalid(ValidationException::new(validator.violations)))
    }
}

/// Parses a JSON body (empty counts as `{}`), validates it against
/// `schema`, and reads it into `T`.
pub fn parse<T: DeserializeOwned>(schema: &Structure, body: &[u8]) -> Result<T, Rejection> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| malformed("", format!("the body is not valid JSON: {e}")))?
    };
    validate(schema, &value)?;
    serde_json::from_value(value).map_err(|e| malformed("", format!("the body does not fit the input: {e}")))
}

fn malformed(path: &str, message: impl Into<String>) -> Rejection {
    Rejection::Malformed(MalformedInput { path: path.to_string(), message: message.into() })
}

struct Validator {
    /// The JSON Pointer of the value being checked.
    path: String,
    violations: Vec<ValidationExceptionField>,
}

type Checked = Result<(), MalformedInput>;

impl Validator {
    fn full(&self) -> bool {
        self.violations.len() >= MAX_VIOLATIONS
    }

    fn violation(&mut self, length: Option<usize>, constraint: &str) {
        if self.full() {
            return;
        }
        let message = match length {
            Some(n) => format!("Value with length {n} at '{}' failed to satisfy constraint: {constraint}", self.path),
            None => format!("Value at '{}' failed to satisfy constraint: {constraint}", self.path),
        };
        self.violations.push(ValidationExceptionField { path: self.path.clone(), message });
    }

    fn malformed(&self, message: impl Into<String>) -> MalformedInput {
        MalformedInput { path: self.path.clone(), message: message.into() }
    }

    /// Runs `check` with `segment` appended to the path.
    fn at(&mut self, segment: &str, check: impl FnOnce(&mut Self) -> Checked) -> Checked {
        let len = self.path.len();
        self.path.push('/');
        for c in segment.chars() {
            match c {
                '~' => self.path.push_str("~0"),
                '/' => self.path.push_str("~1"),
                c => self.path.push(c),
            }
        }
        let result = check(self);
        self.path.truncate(len);
        result
    }

    fn structure(&mut self, schema: &Structure, value: &Value) -> Checked {
        let Some(object) = value.as_object() else {
            return Err(self.malformed(format!("expected a JSON object for {}", schema.name)));
        };
        for member in schema.members {
            if self.full() {
                break;
            }
            match object.get(member.name) {
                None | Some(Value::Null) => {
                    if member.required {
                        self.at(member.name, |v| {
                            v.violation(None, "Member must not be null");
                            Ok(())
                        })?;
                    }
                }
                Some(value) => self.at(member.name, |v| v.value(&member.schema, value))?,
            }
        }
        Ok(())
    }

    fn union(&mut self, schema: &Union, value: &Value) -> Checked {
        let Some(object) = value.as_object() else {
            return Err(self.malformed(format!("expected a JSON object for union {}", schema.name)));
        };
        let mut set = object.iter().filter(|(_, v)| !v.is_null());
        let (Some((name, value)), None) = (set.next(), set.next()) else {
            return Err(self.malformed(format!("union {} must have exactly one member set", schema.name)));
        };
        let Some(member) = schema.members.iter().find(|m| m.name == name) else {
            return Err(self.malformed(format!("union {} has no member `{name}`", schema.name)));
        };
        self.at(name, |v| v.value(&member.schema, value))
    }

    fn value(&mut self, schema: &Schema, value: &Value) -> Checked {
        match schema {
            Schema::String(rules) => {
                let text = value.as_str().ok_or_else(|| self.malformed("expected a string"))?;
                self.string(rules, text);
            }
            Schema::Enum(schema) => {
                let text = value.as_str().ok_or_else(|| self.malformed("expected a string"))?;
                self.enum_value(schema, text);
            }
            Schema::Integer(rules) => self.integer(rules, value)?,
            Schema::Float(rules) => {
                let number = match value {
                    Value::String(text) => crate::float::non_finite(text),
                    value => value.as_f64(),
                }
                .ok_or_else(|| self.malformed("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\""))?;
                if let Some(range) = &rules.range {
                    self.range(range, number);
                }
            }
            Schema::Boolean => {
                if !value.is_boolean() {
                    return Err(self.malformed("expected a boolean"));
                }
            }
            Schema::Timestamp(format) => self.timestamp(*format, value)?,
            Schema::Blob(length) => {
                let text = value.as_str().ok_or_else(|| self.malformed("expected a base64 string"))?;
                let blob = Blob::from_base64(text).map_err(|e| self.malformed(e.to_string()))?;
                if let Some(length) = length {
                    self.length(length, blob.as_bytes().len());
                }
            }
            Schema::Document => {}
            Schema::Unit => {
                if !value.as_object().is_some_and(|o| o.is_empty()) {
                    return Err(self.malformed("expected an empty object"));
                }
            }
            Schema::List(schema) => self.list(schema, value)?,
            Schema::Map(schema) => self.map(schema, value)?,
            Schema::Structure(schema) => self.structure(schema, value)?,
            Schema::Union(schema) => self.union(schema, value)?,
        }
        Ok(())
    }

    /// Length first: a pattern only ever sees input within the length limit.
    fn string(&mut self, rules: &StringRules, text: &str) {
        if let Some(length) = &rules.length {
            if !self.length(length, text.chars().count()) {
                return;
            }
        }
        if let Some(values) = rules.values {
            if !values.values.contains(&text) {
                self.violation(None, &format!("Member must satisfy enum value set: {}", values.listed));
                return;
            }
        }
        if let Some(pattern) = rules.pattern {
            if !pattern.is_match(text) {
                self.violation(None, &format!("Member must satisfy regular expression pattern: {}", pattern.source()));
            }
        }
    }

    /// As for strings: length, then the value set, then the pattern.
    fn enum_value(&mut self, schema: &Enum, text: &str) {
        if let Some(length) = &schema.length {
            if !self.length(length, text.chars().count()) {
                return;
            }
        }
        if !schema.values.contains(&text) {
            self.violation(None, &format!("Member must satisfy enum value set: {}", schema.listed));
            return;
        }
        if let Some(pattern) = schema.pattern {
            if !pattern.is_match(text) {
                self.violation(None, &format!("Member must satisfy regular expression pattern: {}", pattern.source()));
            }
        }
    }

    /// Checks a `@length`; false when it is violated.
    fn length(&mut self, length: &Length, n: usize) -> bool {
        let n64 = n as u64;
        let constraint = match (length.min, length.max) {
            (Some(min), Some(max)) if n64 < min || n64 > max => {
                format!("Member must have length between {min} and {max}, inclusive")
            }
            (Some(min), None) if n64 < min => format!("Member must have length greater than or equal to {min}"),
            (None, Some(max)) if n64 > max => format!("Member must have length less than or equal to {max}"),
            _ => return true,
        };
        self.violation(Some(n), &constraint);
        false
    }

    fn range(&mut self, range: &Range, number: f64) {
        let constraint = match (&range.min, &range.max) {
            (Some(min), Some(max)) if number < min.value || number > max.value => {
                format!("Member must be between {} and {}, inclusive", min.text, max.text)
            }
            (Some(min), None) if number < min.value => format!("Member must be greater than or equal to {}", min.text),
            (None, Some(max)) if number > max.value => format!("Member must be less than or equal to {}", max.text),
            _ => return,
        };
        self.violation(None, &constraint);
    }

    fn integer(&mut self, rules: &IntegerRules, value: &Value) -> Checked {
        let (kind, bits) = match rules.kind {
            IntegerKind::Byte => ("byte", 8),
            IntegerKind::Short => ("short", 16),
            IntegerKind::Integer => ("integer", 32),
            IntegerKind::Long => ("long", 64),
        };
        let number = value
            .as_i64()
            .filter(|n| bits == 64 || (-(1i64 << (bits - 1))..(1i64 << (bits - 1))).contains(n))
            .ok_or_else(|| self.malformed(format!("expected a whole number that fits a {bits}-bit {kind}")))?;
        if let Some(values) = rules.values {
            if !values.values.contains(&number.to_string().as_str()) {
                self.violation(None, &format!("Member must satisfy enum value set: {}", values.listed));
                return Ok(());
            }
        }
        if let Some(range) = &rules.range {
            self.range(range, number as f64);
        }
        Ok(())
    }

    fn timestamp(&mut self, format: TimestampFormat, value: &Value) -> Checked {
        let valid = match (format, value) {
            (TimestampFormat::EpochSeconds, Value::Number(n)) => {
                n.as_i64().and_then(Timestamp::from_epoch_seconds).is_some()
                    || n.as_f64().and_then(Timestamp::from_epoch_seconds_f64).is_some()
            }
            (TimestampFormat::DateTime, Value::String(text)) => Timestamp::parse_rfc3339(text).is_ok(),
            (TimestampFormat::HttpDate, Value::String(text)) => Timestamp::parse_http_date(text).is_ok(),
            _ => false,
        };
        if valid {
            Ok(())
        } else {
            let expected = match format {
                TimestampFormat::EpochSeconds => "epoch seconds",
                TimestampFormat::DateTime => "an RFC 3339 date-time",
                TimestampFormat::HttpDate => "an HTTP date",
            };
            Err(self.malformed(format!("expected a timestamp as {expected}")))
        }
    }

    fn list(&mut self, schema: &List, value: &Value) -> Checked {
        let items = value.as_array().ok_or_else(|| self.malformed("expected a JSON array"))?;
        if let Some(length) = &schema.length {
            self.length(length, items.len());
        }
        if schema.unique && !all_unique(items) {
            self.violation(None, "Member must have unique values");
        }
        let mut index = String::new();
        for (i, item) in items.iter().enumerate() {
            if self.full() {
                break;
            }
            index.clear();
            write!(index, "{i}").unwrap();
            self.at(&index, |v| match item {
                Value::Null if schema.sparse => Ok(()),
                Value::Null => Err(v.malformed("null is not allowed in this list")),
                item => v.value(&schema.member, item),
            })?;
        }
        Ok(())
    }

    fn map(&mut self, schema: &Map, value: &Value) -> Checked {
        let entries = value.as_object().ok_or_else(|| self.malformed("expected a JSON object"))?;
        if let Some(length) = &schema.length {
            self.length(length, entries.len());
        }
        for (key, entry) in entries {
            if self.full() {
                break;
            }
            // A bad key is reported at the map's own path, as Smithy does.
            match &schema.key {
                Schema::String(rules) => self.string(rules, key),
                Schema::Enum(schema) => self.enum_value(schema, key),
                _ => {}
            }
            self.at(key, |v| match entry {
                Value::Null if schema.sparse => Ok(()),
                Value::Null => Err(v.malformed("null is not allowed in this map")),
                entry => v.value(&schema.value, entry),
            })?;
        }
        Ok(())
    }
}

/// Whether no two items are equal as JSON values (objects compare by their
/// members, whatever the order).
fn all_unique(items: &[Value]) -> bool {
    let mut seen = HashSet::with_capacity(items.len());
    // serde_json's maps are sorted, so equal values print the same.
    items.iter().all(|item| seen.insert(item.to_string()))
}
