//! The resolve pass: gives every member its Rust-level type, the
//! constraints in force at each place, its default and sensitivity.

use serde_json::Value;

use crate::ast::Traits;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{Binding, Bounds, Constraints, Default, Member, Service, ShapeKind, TimestampFormat, Type, TypeRef};
use crate::kind::{Kind, UNIT, prelude_shape};
use crate::pattern::Patterns;

pub fn run(service: &mut Service) -> Result<(), Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    // Resolve against the unchanged service first (shapes may refer to
    // themselves), then store the results.
    let mut resolved: Vec<(String, Vec<Member>)> = Vec::new();
    let mut enums: Vec<(String, Constraints)> = Vec::new();
    for (id, shape) in &service.shapes {
        let members = match &shape.kind {
            ShapeKind::Structure(s) => &s.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => {
                enums.push((id.clone(), constraints(&service.patterns, &Traits::new(), Some(&shape.traits))));
                continue;
            }
        };
        let mut members = members.clone();
        for member in &mut members {
            if let Err(message) = resolve_member(service, member) {
                diagnostics.push(
                    Diagnostic::error(message)
                        .in_file(&shape.file)
                        .at_shape(format!("{}${}", shape.id, member.name))
                        .help("give the member a default of its target's type"),
                );
            }
        }
        resolved.push((id.clone(), members));
    }
    for (id, constraints) in enums {
        service.shapes.get_mut(&id).expect("resolved above").constraints = constraints;
    }
    for (id, members) in resolved {
        match &mut service.shapes.get_mut(&id).expect("resolved above").kind {
            ShapeKind::Structure(s) => s.members = members,
            ShapeKind::Union(union_members) => *union_members = members,
            ShapeKind::Enum(_) => unreachable!(),
        }
    }
    if diagnostics.has_errors() { Err(diagnostics) } else { Ok(()) }
}

fn resolve_member(service: &Service, member: &mut Member) -> Result<(), String> {
    member.ty = type_ref(service, &member.ty.target, &member.traits);
    let target_traits = service.targets.get(&member.ty.target).map(|t| &t.traits);
    member.media_type =
        target_traits.and_then(|t| t.get("smithy.api#mediaType")).and_then(Value::as_str).map(str::to_string);
    bound_timestamp_format(service, member);
    member.sensitive = is_sensitive(&member.ty);
    let default = match member.traits.get("smithy.api#default") {
        // `@default(null)` cancels the target's default.
        Some(Value::Null) => None,
        Some(value) => Some(value.clone()),
        None => target_default(service, &member.ty.target),
    };
    member.default = default.map(|value| default_value(service, &member.ty, &value)).transpose()?;
    Ok(())
}

/// restJson1's timestamp formats outside the body: `http-date` in
/// headers, `date-time` in labels and the query string, where neither the
/// member nor its target (nor a list's member) says otherwise.
fn bound_timestamp_format(service: &Service, member: &mut Member) {
    let format = match member.binding {
        Binding::Header(_) | Binding::PrefixHeaders(_) => TimestampFormat::HttpDate,
        Binding::Label | Binding::GreedyLabel | Binding::Query(_) | Binding::QueryParams => TimestampFormat::DateTime,
        _ => return,
    };
    const FORMAT: &str = "smithy.api#timestampFormat";
    let explicit = |target: &str| service.targets.get(target).is_some_and(|t| t.traits.contains_key(FORMAT));
    if member.traits.contains_key(FORMAT) {
        return;
    }
    let ty = &mut member.ty;
    match &mut ty.ty {
        Type::Timestamp(f) if !explicit(&ty.target) => *f = format,
        Type::List(item) | Type::Map(_, item) => {
            let item_explicit = service
                .targets
                .get(&ty.target)
                .and_then(|list| list.member.as_ref().or(list.value.as_ref()))
                .is_some_and(|(_, traits)| traits.contains_key(FORMAT));
            if let Type::Timestamp(f) = &mut item.ty {
                if !item_explicit && !explicit(&item.target) && *f != format {
                    *f = format;
                    // The list's own table has the body's format: this
                    // place needs one of its own.
                    ty.target_constraints = false;
                }
            }
        }
        _ => {}
    }
}

/// The type at a place that targets `target`, with `traits` (the place's own
/// traits) overriding the target's constraint traits.
fn type_ref(service: &Service, target: &str, traits: &Traits) -> TypeRef {
    let (ty, target_traits) = if let Some(shape) = service.shapes.get(target) {
        match shape.kind {
            ShapeKind::Union(_) if shape.traits.contains_key("smithy.api#streaming") => {
                (Type::EventStream(target.to_string()), None)
            }
            // Enums are strings: `@length` and `@pattern` apply to them.
            ShapeKind::Enum(_) => (Type::Named(target.to_string()), Some(&shape.traits)),
            _ => (Type::Named(target.to_string()), None),
        }
    } else if let Some(shape) = service.targets.get(target) {
        let ty = match shape.kind {
            Kind::Blob if shape.traits.contains_key("smithy.api#streaming") => Type::ByteStream,
            Kind::List => {
                let (member, member_traits) = shape.member.as_ref().expect("checked");
                Type::List(Box::new(type_ref(service, member, member_traits)))
            }
            Kind::Map => {
                let (key, key_traits) = shape.key.as_ref().expect("checked");
                let (value, value_traits) = shape.value.as_ref().expect("checked");
                Type::Map(
                    Box::new(type_ref(service, key, key_traits)),
                    Box::new(type_ref(service, value, value_traits)),
                )
            }
            kind => simple_type(kind),
        };
        (ty, Some(&shape.traits))
    } else if target == UNIT {
        (Type::Unit, None)
    } else {
        let (kind, _) = prelude_shape(target).expect("the checker refuses dangling targets");
        (simple_type(kind), None)
    };
    let mut constraints = constraints(&service.patterns, traits, target_traits);
    constraints.values = service.targets.get(target).and_then(|t| t.values.clone());
    // A member's @timestampFormat replaces its target's.
    let ty = match ty {
        Type::Timestamp(_) => {
            let format = traits
                .get("smithy.api#timestampFormat")
                .or_else(|| target_traits.and_then(|t| t.get("smithy.api#timestampFormat")));
            Type::Timestamp(match format.and_then(Value::as_str) {
                Some("date-time") => TimestampFormat::DateTime,
                Some("http-date") => TimestampFormat::HttpDate,
                _ => TimestampFormat::EpochSeconds,
            })
        }
        ty => ty,
    };
    let sparse = service.targets.get(target).is_some_and(|t| t.traits.contains_key("smithy.api#sparse"));
    let own_sensitive = traits.contains_key(SENSITIVE);
    let sensitive = own_sensitive
        || match service.targets.get(target) {
            Some(shape) => shape.traits.contains_key(SENSITIVE),
            None => service.shapes.get(target).is_some_and(|shape| shape.sensitive),
        };
    // A place marked `@sensitive` itself differs from its target's tables.
    let target_constraints = !own_sensitive && !CONSTRAINT_TRAITS.iter().any(|id| traits.contains_key(*id));
    TypeRef { target: target.to_string(), ty, constraints, sparse, sensitive, target_constraints }
}

fn simple_type(kind: Kind) -> Type {
    match kind {
        Kind::String => Type::String,
        Kind::Boolean => Type::Boolean,
        Kind::Byte => Type::Byte,
        Kind::Short => Type::Short,
        Kind::Integer | Kind::IntEnum => Type::Integer,
        Kind::Long => Type::Long,
        Kind::Float => Type::Float,
        Kind::Double => Type::Double,
        Kind::BigInteger => Type::BigInteger,
        Kind::BigDecimal => Type::BigDecimal,
        Kind::Timestamp => Type::Timestamp(TimestampFormat::EpochSeconds),
        Kind::Blob => Type::Blob,
        Kind::Document => Type::Document,
        other => unreachable!("the checker refuses {other} targets"),
    }
}

const SENSITIVE: &str = "smithy.api#sensitive";

/// The traits a place may override its target's with.
const CONSTRAINT_TRAITS: &[&str] =
    &["smithy.api#length", "smithy.api#range", "smithy.api#pattern", "smithy.api#uniqueItems"];

/// The constraints at a place: each of the place's own constraint traits
/// replaces the target's trait of the same name.
fn constraints(patterns: &Patterns, own: &Traits, target: Option<&Traits>) -> Constraints {
    let get = |id: &str| own.get(id).or_else(|| target.and_then(|t| t.get(id)));
    let bounds = |value: &Value| Bounds {
        min: value.get("min").and_then(|v| v.as_number().cloned()),
        max: value.get("max").and_then(|v| v.as_number().cloned()),
    };
    Constraints {
        length: get("smithy.api#length").map(bounds),
        range: get("smithy.api#range").map(bounds),
        pattern: get("smithy.api#pattern").and_then(Value::as_str).map(|p| patterns[p].clone()),
        unique_items: get("smithy.api#uniqueItems").is_some(),
        values: None,
    }
}

/// Whether a value of this type can hold data marked `@sensitive` that a
/// derived `Debug` would print (named types redact their own).
fn is_sensitive(ty: &TypeRef) -> bool {
    ty.sensitive
        || match &ty.ty {
            Type::List(member) => is_sensitive(member),
            Type::Map(key, value) => is_sensitive(key) || is_sensitive(value),
            _ => false,
        }
}

fn target_default(service: &Service, target: &str) -> Option<Value> {
    match service.targets.get(target) {
        Some(shape) => shape.traits.get("smithy.api#default").cloned(),
        None => prelude_shape(target).and_then(|(_, default)| default),
    }
    .filter(|v| !v.is_null())
}

fn default_value(service: &Service, ty: &TypeRef, value: &Value) -> Result<Default, String> {
    Ok(match (&ty.ty, value) {
        (Type::Boolean, Value::Bool(b)) => Default::Boolean(*b),
        (Type::Timestamp(_), Value::Number(n)) => timestamp_default(n)?,
        (Type::Timestamp(_), Value::String(text)) => {
            let at = awsgen_runtime::Timestamp::parse_date_time(text)
                .map_err(|e| format!("@default \"{text}\" is not a date-time: {e}"))?;
            Default::Timestamp(at.epoch_seconds(), at.subsec_nanos())
        }
        (Type::Document, value) => Default::Document(value.clone()),
        (_, Value::Number(n)) => Default::Number(n.clone()),
        (Type::String, Value::String(s)) => Default::String(s.clone()),
        (Type::Named(id), Value::String(s)) => {
            let known =
                matches!(&service.shapes[id].kind, ShapeKind::Enum(values) if values.iter().any(|v| v.value == *s));
            if !known {
                return Err(format!("@default \"{s}\" is not a value of {id}"));
            }
            Default::EnumValue(s.clone())
        }
        (Type::List(_), Value::Array(_)) => Default::EmptyList,
        (Type::Map(..), Value::Object(_)) => Default::EmptyMap,
        // A stream's default is its absence: no bytes.
        (Type::ByteStream, Value::String(text)) if text.is_empty() => Default::Blob(Vec::new()),
        (Type::ByteStream, _) => {
            return Err(format!("@default {value} on a @streaming blob is not supported: a stream defaults to empty"));
        }
        (Type::Blob, Value::String(text)) => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| format!("@default \"{text}\" on a blob is not base64: {e}"))?;
            Default::Blob(bytes)
        }
        (_, value) => return Err(format!("@default {value} does not fit the member's type")),
    })
}

/// A timestamp default, written as epoch seconds (a fraction allowed).
fn timestamp_default(n: &serde_json::Number) -> Result<Default, String> {
    // Timestamps are kept to the microsecond, as the runtime keeps them.
    let (seconds, nanos) = match (n.as_i64(), n.as_f64()) {
        (Some(seconds), _) => (seconds, 0),
        (None, Some(f)) if f.is_finite() && f.abs() < 1e15 => {
            let seconds = f.floor();
            let micros = ((f - seconds) * 1e6).round() as u32;
            if micros >= 1_000_000 { (seconds as i64 + 1, 0) } else { (seconds as i64, micros * 1000) }
        }
        _ => return Err(format!("@default {n} is not a timestamp in epoch seconds")),
    };
    Ok(Default::Timestamp(seconds, nanos))
}
