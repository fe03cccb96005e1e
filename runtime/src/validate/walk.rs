//! Validation of a parsed JSON value: the walk behind [`super::validate`],
//! for bodies already held as a `serde_json::Value` (responses in tests,
//! documents, tools).

use std::collections::HashSet;

use serde_json::Value;

use super::report::Report;
use super::{IntegerKind, IntegerRules, List, MalformedInput, Map, Schema, Structure, TimestampFormat, Union};
use crate::{Blob, Timestamp};

type Checked = Result<(), MalformedInput>;

/// Walks `value` against `schema`, in model order, until as many
/// violations as are reported have been found.
pub(super) fn structure(report: &mut Report, schema: &Structure, value: &Value) -> Checked {
    let Some(object) = value.as_object() else {
        return Err(malformed(report, format!("expected a JSON object for {}", schema.name)));
    };
    for (index, member) in schema.members.iter().enumerate() {
        if report.full() {
            break;
        }
        let mark = report.push_member(member.name, index);
        let checked = match object.get(member.key()) {
            None | Some(Value::Null) => {
                if member.required {
                    report.missing();
                }
                Ok(())
            }
            Some(value) => self::value(report, &member.schema, value),
        };
        report.pop(mark);
        checked?;
    }
    Ok(())
}

fn malformed(report: &mut Report, message: String) -> MalformedInput {
    report.malformed(message).clone()
}

fn union(report: &mut Report, schema: &Union, value: &Value) -> Checked {
    let Some(object) = value.as_object() else {
        return Err(malformed(report, format!("expected a JSON object for union {}", schema.name)));
    };
    let mut set = object.iter().filter(|(_, v)| !v.is_null());
    let (Some((name, value)), None) = (set.next(), set.next()) else {
        return Err(malformed(report, format!("union {} must have exactly one member set", schema.name)));
    };
    let Some(index) = schema.members.iter().position(|m| m.key() == name) else {
        return Err(malformed(report, format!("union {} has no member of the name sent", schema.name)));
    };
    let member = &schema.members[index];
    let mark = report.push_member(member.name, index);
    let checked = self::value(report, &member.schema, value);
    report.pop(mark);
    checked
}

fn value(report: &mut Report, schema: &Schema, value: &Value) -> Checked {
    match schema {
        Schema::String(rules) => {
            let text = value.as_str().ok_or_else(|| malformed(report, "expected a string".into()))?;
            report.check_string(rules, text);
        }
        Schema::Enum(schema) => {
            let text = value.as_str().ok_or_else(|| malformed(report, "expected a string".into()))?;
            report.check_enum(schema, text);
        }
        Schema::Integer(rules) => integer(report, rules, value)?,
        // A `Value` holds numbers as 64-bit ones: read past them, big
        // numbers are exact only through the one-pass reader.
        Schema::BigInteger(_) | Schema::BigDecimal(_) => {
            let text = match value {
                Value::Number(n) if matches!(schema, Schema::BigInteger(_)) && n.is_f64() => {
                    n.as_f64().filter(|f| f.fract() == 0.0).map(|f| format!("{f:.0}"))
                }
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            let checked = text.is_some_and(|text| super::checked::checked_big(report, schema, &text));
            if !checked {
                return Err(malformed(report, super::describe(schema)));
            }
        }
        Schema::Float(rules) => {
            let number = match value {
                Value::String(text) => crate::float::non_finite(text),
                value => value.as_f64(),
            }
            .ok_or_else(|| malformed(report, super::describe(schema)))?;
            if let Some(range) = &rules.range {
                report.check_range(range, number);
            }
        }
        Schema::Boolean => {
            if !value.is_boolean() {
                return Err(malformed(report, super::describe(schema)));
            }
        }
        Schema::Timestamp(format) => timestamp(report, *format, value)?,
        Schema::Blob(length) => {
            let text = value.as_str().ok_or_else(|| malformed(report, super::describe(schema)))?;
            let blob = Blob::from_base64(text).map_err(|e| malformed(report, e.to_string()))?;
            if let Some(length) = length {
                report.check_length(length, blob.as_bytes().len());
            }
        }
        Schema::Document => {}
        Schema::Unit => {
            if !value.as_object().is_some_and(|o| o.is_empty()) {
                return Err(malformed(report, super::describe(schema)));
            }
        }
        Schema::List(schema) => list(report, schema, value)?,
        Schema::Map(schema) => map(report, schema, value)?,
        Schema::Structure(schema) => structure(report, schema, value)?,
        Schema::Union(schema) => union(report, schema, value)?,
    }
    Ok(())
}

fn integer(report: &mut Report, rules: &IntegerRules, value: &Value) -> Checked {
    let number = value
        .as_i64()
        .filter(|n| fits(rules.kind, *n))
        .ok_or_else(|| malformed(report, super::describe(&Schema::Integer(*rules))))?;
    if let Some(values) = rules.values {
        if !report.check_int_enum(values, number) {
            return Ok(());
        }
    }
    if let Some(range) = &rules.range {
        report.check_range(range, number as f64);
    }
    Ok(())
}

/// Whether `n` fits an integer of `kind`.
pub(super) fn fits(kind: IntegerKind, n: i64) -> bool {
    match kind {
        IntegerKind::Byte => i8::try_from(n).is_ok(),
        IntegerKind::Short => i16::try_from(n).is_ok(),
        IntegerKind::Integer => i32::try_from(n).is_ok(),
        IntegerKind::Long => true,
    }
}

fn timestamp(report: &mut Report, format: TimestampFormat, value: &Value) -> Checked {
    let valid = match (format, value) {
        (TimestampFormat::EpochSeconds, Value::Number(n)) => {
            n.as_i64().and_then(Timestamp::from_epoch_seconds).is_some()
                || n.as_f64().and_then(Timestamp::from_epoch_seconds_f64).is_some()
        }
        (TimestampFormat::DateTime, Value::String(text)) => Timestamp::parse_date_time(text).is_ok(),
        (TimestampFormat::HttpDate, Value::String(text)) => Timestamp::parse_http_date(text).is_ok(),
        _ => false,
    };
    if valid { Ok(()) } else { Err(malformed(report, super::describe(&Schema::Timestamp(format)))) }
}

fn list(report: &mut Report, schema: &List, value: &Value) -> Checked {
    let items = value.as_array().ok_or_else(|| malformed(report, "expected a JSON array".into()))?;
    if let Some(length) = &schema.length {
        report.check_length(length, items.len());
    }
    if schema.unique && !all_unique(items) {
        report.not_unique();
    }
    for (i, item) in items.iter().enumerate() {
        if report.full() {
            break;
        }
        let mark = report.push_index(i);
        let checked = match item {
            Value::Null if schema.sparse => Ok(()),
            Value::Null => Err(malformed(report, "null is not allowed in this list".into())),
            item => self::value(report, &schema.member, item),
        };
        report.pop(mark);
        checked?;
    }
    Ok(())
}

fn map(report: &mut Report, schema: &Map, value: &Value) -> Checked {
    let entries = value.as_object().ok_or_else(|| malformed(report, "expected a JSON object".into()))?;
    if let Some(length) = &schema.length {
        report.check_length(length, entries.len());
    }
    for (key, entry) in entries {
        if report.full() {
            break;
        }
        // A bad key is reported at the map's own path, as Smithy does.
        match &schema.key {
            Schema::String(rules) => report.check_key_string(rules, key),
            Schema::Enum(schema) => {
                report.check_key_enum(schema, key);
            }
            _ => {}
        }
        let mark = report.push_key(key, schema.sensitive_keys);
        let checked = match entry {
            Value::Null if schema.sparse => Ok(()),
            Value::Null => Err(malformed(report, "null is not allowed in this map".into())),
            entry => self::value(report, &schema.value, entry),
        };
        report.pop(mark);
        checked?;
    }
    Ok(())
}

/// Whether no two items are equal as JSON values (objects compare by their
/// members, whatever the order).
pub(super) fn all_unique(items: &[Value]) -> bool {
    let mut seen = HashSet::with_capacity(items.len());
    // serde_json's maps are sorted, so equal values print the same.
    items.iter().all(|item| seen.insert(item.to_string()))
}
