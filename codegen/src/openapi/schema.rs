//! The JSON Schemas (OpenAPI 3.1's dialect, JSON Schema 2020-12) of a
//! service's values as restJson1 carries them, and the components they
//! refer to.
//!
//! Structures, unions, enums, lists and maps are components, named after
//! their Smithy shapes (the service's `rename` applied; shapes that would
//! share a name are qualified by their namespace, `example.a.Thing`), and
//! places refer to them by `$ref`. A place with constraint traits of its own
//! replaces its target's (Smithy's rule), which a `$ref` beside further
//! keywords cannot say, so such a list, map or enum is written inline. Simple
//! shapes are always inline. Message bodies, which are no shape of the model,
//! are components named after their operation or error
//! ([`Schemas::message_body`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Number, Value, json};

use crate::ir::{self, Bounds, Constraints, Default, Member, Shape, ShapeKind, TimestampFormat, Type, TypeRef};
use crate::model::pattern::{Pattern, ecma, parse};
use crate::model::shape_id;

/// An object of JSON Schema keywords.
pub(super) type Schema = Map<String, Value>;

/// The schemas of one service, and the components written so far.
pub(super) struct Schemas<'a> {
    service: &'a ir::Service,
    /// The component name of every shape that may have one, by id.
    names: BTreeMap<String, String>,
    /// The names of message bodies, by what they are named after.
    bodies: BTreeMap<String, String>,
    /// Every name given, so that a body never takes a shape's.
    taken: BTreeSet<String>,
    /// Components by name: a shape's is written the first time a place
    /// refers to it (`Null` while it is being written, so that recursion
    /// ends).
    components: BTreeMap<String, Value>,
}

impl<'a> Schemas<'a> {
    /// Names every structure, union, enum, list and map of the service, so
    /// that a name does not depend on the order places are visited in.
    pub fn new(service: &'a ir::Service) -> Self {
        let mut by_name: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for id in service.shapes.keys().chain(service.collection_docs.keys()) {
            let name = service.rename.get(id).map_or(shape_id::name(id), String::as_str);
            by_name.entry(name.to_string()).or_default().push(id);
        }
        let mut names = BTreeMap::new();
        for (name, ids) in by_name {
            let qualify = ids.len() > 1;
            for id in ids {
                let name = if qualify { format!("{}.{name}", shape_id::split(id).0) } else { name.clone() };
                names.insert(id.clone(), name);
            }
        }
        let taken = names.values().cloned().collect();
        Schemas { service, names, bodies: BTreeMap::new(), taken, components: BTreeMap::new() }
    }

    /// The component name of a structure, union, enum, list or map.
    pub fn name_of(&self, id: &str) -> &str {
        &self.names[id]
    }

    /// The components, by name.
    pub fn into_components(self) -> Map<String, Value> {
        self.components.into_iter().collect()
    }

    /// A `$ref` to the component `name`.
    pub fn reference(name: &str) -> Schema {
        let mut schema = Schema::new();
        schema.insert("$ref".into(), format!("#/components/schemas/{name}").into());
        schema
    }

    /// The schema of a message's JSON body (`members`, those of `shape` that
    /// travel in it), a component named `base` (`GetThingRequestContent`),
    /// or `base_2` and so on if a shape has that name: a `$ref` to it.
    pub fn message_body<'m>(&mut self, base: &str, shape: &Shape, members: impl Iterator<Item = &'m Member>) -> Schema {
        if let Some(name) = self.bodies.get(base) {
            return Schemas::reference(name);
        }
        let name = (1..)
            .map(|n| if n == 1 { base.to_string() } else { format!("{base}_{n}") })
            .find(|name| !self.taken.contains(name))
            .expect("some suffix is free");
        self.taken.insert(name.clone());
        self.bodies.insert(base.to_string(), name.clone());
        let mut schema = self.object(members);
        describe(&mut schema, &shape.docs);
        self.components.insert(name.clone(), schema.into());
        Schemas::reference(&name)
    }

    /// The schema of a member's value, with its docs, default and flags.
    pub fn member(&mut self, m: &Member) -> Schema {
        let mut schema = self.value(&m.ty);
        // A member without docs of its own has its target's, which the
        // target's component already says.
        if self.target_docs(&m.ty) != Some(&m.docs) {
            describe(&mut schema, &m.docs);
        }
        if let Some(default) = &m.default {
            set_default(&mut schema, default, &m.ty);
        }
        flag(&mut schema, m.deprecated, m.ty.sensitive);
        // A string carrying a document of another media type (`@mediaType`).
        if let (Some(media_type), Type::String) = (&m.media_type, &m.ty.ty) {
            schema.insert("contentMediaType".into(), media_type.clone().into());
        }
        schema
    }

    /// The schema of a value of type `ty` at a place, as restJson1 writes
    /// it in a JSON body (and, with the IR's formats for bound members,
    /// in a label, query parameter or header).
    pub fn value(&mut self, ty: &TypeRef) -> Schema {
        let mut schema = match &ty.ty {
            Type::String => typed("string"),
            Type::Boolean => typed("boolean"),
            Type::Byte => integer("int8"),
            Type::Short => integer("int16"),
            Type::Integer => integer("int32"),
            Type::Long => integer("int64"),
            Type::Float => number("float"),
            Type::Double => number("double"),
            // The runtime writes big numbers as JSON numbers, every digit kept.
            Type::BigInteger => typed("integer"),
            Type::BigDecimal => typed("number"),
            Type::Timestamp(format) => timestamp(*format),
            Type::Blob => {
                let mut schema = typed("string");
                schema.insert("contentEncoding".into(), "base64".into());
                schema
            }
            // Any JSON value.
            Type::Document => Schema::new(),
            // A union member of no value is written `{}`.
            Type::Unit => typed("object"),
            // An enum whose place has constraints of its own is written out.
            Type::Named(id) => match &self.service.shapes[id].kind {
                ShapeKind::Enum(values) if !ty.target_constraints => enumeration(values),
                _ => return self.shape_reference(id),
            },
            Type::EventStream(id) => return self.shape_reference(id),
            Type::ByteStream => binary(),
            Type::List(_) | Type::Map(..) if ty.target_constraints && self.names.contains_key(&ty.target) => {
                return self.collection_reference(ty);
            }
            Type::List(_) | Type::Map(..) => self.collection(ty),
        };
        constrain(&mut schema, &ty.ty, &ty.constraints);
        schema
    }

    /// A `$ref` to a structure's, union's or enum's component, written the
    /// first time.
    fn shape_reference(&mut self, id: &str) -> Schema {
        let name = self.names[id].clone();
        if !self.components.contains_key(&name) {
            self.components.insert(name.clone(), Value::Null);
            let schema = self.shape(&self.service.shapes[id]);
            self.components.insert(name.clone(), schema.into());
        }
        Schemas::reference(&name)
    }

    /// A `$ref` to a list's or map's component, written the first time from
    /// a place that has exactly the shape's constraints.
    fn collection_reference(&mut self, ty: &TypeRef) -> Schema {
        let name = self.names[&ty.target].clone();
        if !self.components.contains_key(&name) {
            self.components.insert(name.clone(), Value::Null);
            let mut schema = self.collection(ty);
            constrain(&mut schema, &ty.ty, &ty.constraints);
            describe(&mut schema, &self.service.collection_docs[&ty.target]);
            flag(&mut schema, false, ty.sensitive);
            self.components.insert(name.clone(), schema.into());
        }
        Schemas::reference(&name)
    }

    /// A list (`@sparse`: items may be null) or a map (keys constrained
    /// by `propertyNames`), without the collection's own constraints.
    fn collection(&mut self, ty: &TypeRef) -> Schema {
        let maybe_null = |schema: Schema| if ty.sparse { nullable(schema) } else { schema };
        match &ty.ty {
            Type::List(item) => {
                let mut schema = typed("array");
                schema.insert("items".into(), maybe_null(self.value(item)).into());
                schema
            }
            Type::Map(key, value) => {
                let mut schema = typed("object");
                let keys = self.value(key);
                // Every JSON key is a string: only a constrained key says more.
                if keys != typed("string") {
                    schema.insert("propertyNames".into(), keys.into());
                }
                schema.insert("additionalProperties".into(), maybe_null(self.value(value)).into());
                schema
            }
            _ => unreachable!("only lists and maps are collections"),
        }
    }

    /// The component of a structure, union or enum.
    fn shape(&mut self, shape: &Shape) -> Schema {
        let mut schema = match &shape.kind {
            ShapeKind::Structure(s) => self.object(s.members.iter().filter(|m| m.in_document())),
            // Exactly one member is set: an object of that one key.
            ShapeKind::Union(members) => {
                let variants = members.iter().map(|m| {
                    let mut variant = typed("object");
                    variant.insert("title".into(), m.name.clone().into());
                    variant.insert("properties".into(), json!({ m.json_key(): self.member(m) }));
                    variant.insert("required".into(), json!([m.json_key()]));
                    Value::from(variant)
                });
                let mut schema = Schema::new();
                schema.insert("oneOf".into(), variants.collect());
                schema
            }
            ShapeKind::Enum(values) => {
                let mut schema = enumeration(values);
                constrain(&mut schema, &Type::String, &shape.constraints);
                schema
            }
        };
        describe(&mut schema, &[&shape.docs[..], &value_docs(&shape.kind)].concat());
        flag(&mut schema, shape.deprecated, shape.sensitive);
        schema
    }

    /// A JSON object of `members`, each under its JSON key.
    fn object<'m>(&mut self, members: impl Iterator<Item = &'m Member>) -> Schema {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for m in members {
            properties.insert(m.json_key().to_string(), self.member(m).into());
            if m.required {
                required.push(Value::from(m.json_key()));
            }
        }
        let mut schema = typed("object");
        if !properties.is_empty() {
            schema.insert("properties".into(), properties.into());
        }
        if !required.is_empty() {
            schema.insert("required".into(), required.into());
        }
        schema
    }

    /// The docs of the shape a place refers to.
    fn target_docs(&self, ty: &TypeRef) -> Option<&'a ir::Docs> {
        let service = self.service;
        match &ty.ty {
            Type::Named(id) | Type::EventStream(id) => service.shapes.get(id).map(|shape| &shape.docs),
            Type::List(_) | Type::Map(..) => service.collection_docs.get(&ty.target),
            _ => None,
        }
    }
}

/// An enum's values' docs, which JSON Schema has no place for beside its
/// `enum`: a Markdown list after the enum's own docs.
fn value_docs(kind: &ShapeKind) -> Vec<String> {
    let ShapeKind::Enum(values) = kind else { return Vec::new() };
    let mut lines = Vec::new();
    for value in values {
        let text = description(&value.docs).map(|text| text.replace('\n', " "));
        let note = match (text, value.deprecated) {
            (None, false) => continue,
            (Some(text), false) => text,
            (None, true) => "Deprecated.".to_string(),
            (Some(text), true) => format!("Deprecated. {text}"),
        };
        lines.push(format!("- `{}`: {note}", value.value));
    }
    if lines.is_empty() {
        return lines;
    }
    let mut out = vec![String::new(), "Values:".to_string(), String::new()];
    out.extend(lines);
    out
}

/// `{"type": name}`.
pub(super) fn typed(name: &str) -> Schema {
    let mut schema = Schema::new();
    schema.insert("type".into(), name.into());
    schema
}

fn integer(format: &str) -> Schema {
    let mut schema = typed("integer");
    schema.insert("format".into(), format.into());
    schema
}

/// A float or double. NaN and the infinities, which restJson1 writes as the
/// strings `"NaN"`, `"Infinity"` and `"-Infinity"`, are left out: a union
/// of a number and three strings at every such place would cost every
/// reader more than the rare value is worth.
fn number(format: &str) -> Schema {
    let mut schema = typed("number");
    schema.insert("format".into(), format.into());
    schema
}

/// Raw bytes: a payload, not a value inside a JSON document.
pub(super) fn binary() -> Schema {
    let mut schema = typed("string");
    schema.insert("format".into(), "binary".into());
    schema
}

/// A timestamp in `format`: epoch seconds are a number, the others text.
fn timestamp(format: TimestampFormat) -> Schema {
    match format {
        TimestampFormat::EpochSeconds => typed("number"),
        TimestampFormat::DateTime => {
            let mut schema = typed("string");
            schema.insert("format".into(), "date-time".into());
            schema
        }
        TimestampFormat::HttpDate => {
            let mut schema = typed("string");
            schema.insert("format".into(), "http-date".into());
            schema
        }
    }
}

/// An enum: its wire values (internal ones too, which servers accept).
fn enumeration(values: &[ir::EnumValue]) -> Schema {
    let mut schema = typed("string");
    schema.insert("enum".into(), values.iter().map(|v| Value::from(v.value.as_str())).collect());
    schema
}

/// The constraint traits in force at a place, as the keywords that say
/// the same for a value of `ty`.
pub(super) fn constrain(schema: &mut Schema, ty: &Type, constraints: &Constraints) {
    let text = matches!(ty, Type::String | Type::Named(_));
    if let Some(length) = &constraints.length {
        let keywords = match ty {
            Type::List(_) => Some(("minItems", "maxItems")),
            Type::Map(..) => Some(("minProperties", "maxProperties")),
            _ if text => Some(("minLength", "maxLength")),
            _ => None,
        };
        if let Some((min, max)) = keywords {
            bounds(schema, length, min, max);
        }
        if *ty == Type::Blob {
            blob_length(schema, length);
        }
    }
    if let Some(range) = &constraints.range {
        let numeric = matches!(
            ty,
            Type::Byte
                | Type::Short
                | Type::Integer
                | Type::Long
                | Type::Float
                | Type::Double
                | Type::BigInteger
                | Type::BigDecimal
        );
        if numeric {
            bounds(schema, range, "minimum", "maximum");
        }
    }
    if let Some(pattern) = constraints.pattern.as_ref().filter(|_| text) {
        let unicode = unicode_pattern(pattern);
        // Where that is not the model's text, the model's text beside.
        if unicode != pattern.source {
            schema.insert("x-smithy-pattern".into(), pattern.source.clone().into());
        }
        schema.insert("pattern".into(), unicode.into());
    }
    if constraints.unique_items && matches!(ty, Type::List(_)) {
        schema.insert("uniqueItems".into(), true.into());
    }
    // An intEnum's values, or a string's legacy `@enum`.
    if let Some(values) = &constraints.values {
        let values: Vec<Value> = match ty {
            Type::String => values.iter().map(|v| Value::from(v.value.as_str())).collect(),
            _ => values.iter().filter_map(|v| v.value.parse::<i64>().ok()).map(Value::from).collect(),
        };
        schema.insert("enum".into(), values.into());
    }
}

/// A pattern as JSON Schema reads patterns, ECMA-262 in Unicode mode (the
/// `u` flag), meaning what the generator reads it to mean: as written
/// where that mode reads it so, else printed from its syntax tree (`u`
/// mode refuses some patterns that are fine without it, such as `[\w-.]`).
/// Escapes of characters in the Basic Multilingual Plane are written
/// `\uXXXX`, which more engines read than `\u{X}`.
fn unicode_pattern(pattern: &Pattern) -> String {
    let unicode = if regress::Regex::with_flags(&pattern.ecma, "u").is_ok() {
        pattern.ecma.clone()
    } else {
        match parse::parse(&pattern.source) {
            Ok(parsed) => ecma::to_ecma(&parsed.node),
            Err(_) => pattern.ecma.clone(),
        }
    };
    short_escapes(&unicode)
}

/// `pattern` with each `\u{X}` escape of a character up to U+FFFF written
/// `\uXXXX` (the same in `u` mode).
fn short_escapes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest[at..];
        let braced = escape.strip_prefix("\\u{").and_then(|tail| tail.split_once('}'));
        match braced.and_then(|(hex, tail)| Some((u32::from_str_radix(hex, 16).ok().filter(|c| *c <= 0xFFFF)?, tail))) {
            Some((code, tail)) => {
                out.push_str(&format!("\\u{code:04X}"));
                rest = tail;
            }
            // Any other escape, copied whole (`\\` included).
            None => {
                let len = escape[1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&escape[..1 + len]);
                rest = &escape[1 + len..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn bounds(schema: &mut Schema, bounds: &Bounds, min: &str, max: &str) {
    if let Some(n) = &bounds.min {
        schema.insert(min.into(), n.clone().into());
    }
    if let Some(n) = &bounds.max {
        schema.insert(max.into(), n.clone().into());
    }
}

/// A blob's `@length` counts bytes, but the JSON value is their base64
/// text: the bytes' bounds exactly, in `x-smithy-length`, and the bounds
/// they put on the text (`n` bytes are `4 * ceil(n / 3)` characters), which
/// every valid value meets.
fn blob_length(schema: &mut Schema, length: &Bounds) {
    let encoded = |n: &Number| n.as_u64().map(|n| n.div_ceil(3) * 4);
    if let Some(n) = length.min.as_ref().and_then(encoded) {
        schema.insert("minLength".into(), n.into());
    }
    if let Some(n) = length.max.as_ref().and_then(encoded) {
        schema.insert("maxLength".into(), n.into());
    }
    schema.insert("x-smithy-length".into(), exact_length(length).into());
}

/// A `@length` as `{"min": .., "max": ..}`, for values whose length the
/// schema's own keywords cannot count (bytes).
pub(super) fn exact_length(length: &Bounds) -> Schema {
    let mut exact = Schema::new();
    bounds(&mut exact, length, "min", "max");
    exact
}

/// The schema that also allows `null` (a `@sparse` collection's entries).
fn nullable(mut schema: Schema) -> Schema {
    if schema.is_empty() {
        return schema; // any value, null included
    }
    match schema.get("type") {
        Some(Value::String(name)) if !schema.contains_key("enum") => {
            let types = json!([name, "null"]);
            schema.insert("type".into(), types);
            schema
        }
        _ => {
            let mut either = Schema::new();
            either.insert("oneOf".into(), json!([schema, { "type": "null" }]));
            either
        }
    }
}

/// Docs as the schema's `description` (Markdown, which OpenAPI reads as
/// CommonMark).
pub(super) fn describe(schema: &mut Schema, docs: &[String]) {
    if let Some(text) = description(docs) {
        schema.insert("description".into(), text.into());
    }
}

/// Docs as one Markdown text, if there are any.
pub(super) fn description(docs: &[String]) -> Option<String> {
    let text = docs.join("\n");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `@deprecated` as JSON Schema's `deprecated`; `@sensitive` as
/// `x-smithy-sensitive`, for tools that mask or leave out such values.
pub(super) fn flag(schema: &mut Schema, deprecated: bool, sensitive: bool) {
    if deprecated {
        schema.insert("deprecated".into(), true.into());
    }
    if sensitive {
        schema.insert("x-smithy-sensitive".into(), true.into());
    }
}

/// A member's default as the schema's `default`; a default that the
/// constraints at its place refuse (models have them: AWS's `@range(min:
/// 1)` members whose default is 0, which a server takes for an absent
/// value unchecked) as `x-smithy-default`, since JSON Schema wants a
/// `default` valid against its schema (and validators check it).
pub(super) fn set_default(schema: &mut Schema, default: &Default, ty: &TypeRef) {
    let key = if default_fits(default, &ty.constraints) { "default" } else { "x-smithy-default" };
    schema.insert(key.into(), default_value(default, &ty.ty));
}

/// Whether `default` meets `constraints`.
fn default_fits(default: &Default, constraints: &Constraints) -> bool {
    let within = |n: f64, bounds: &Option<Bounds>| {
        bounds.as_ref().is_none_or(|bounds| {
            bounds.min.as_ref().and_then(Number::as_f64).is_none_or(|min| n >= min)
                && bounds.max.as_ref().and_then(Number::as_f64).is_none_or(|max| n <= max)
        })
    };
    let length = |n: usize| within(n as f64, &constraints.length);
    match default {
        Default::Number(n) => n.as_f64().is_none_or(|n| within(n, &constraints.range)),
        Default::String(text) => {
            let matches = constraints.pattern.as_ref().is_none_or(|pattern| {
                regress::Regex::with_flags(&pattern.ecma, pattern.flags.as_str())
                    .is_ok_and(|regex| regex.find(text).is_some())
            });
            length(text.chars().count()) && matches
        }
        Default::EmptyList | Default::EmptyMap => length(0),
        Default::Blob(bytes) => length(bytes.len()),
        Default::Boolean(_) | Default::EnumValue(_) | Default::Document(_) | Default::Timestamp(..) => true,
    }
}

/// A default value as a place of type `ty` has it on the wire.
fn default_value(default: &Default, ty: &Type) -> Value {
    match default {
        Default::Boolean(b) => (*b).into(),
        Default::Number(n) => n.clone().into(),
        Default::String(s) | Default::EnumValue(s) => s.clone().into(),
        Default::EmptyList => json!([]),
        Default::EmptyMap => json!({}),
        Default::Document(value) => value.clone(),
        Default::Blob(bytes) => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(bytes).into()
        }
        Default::Timestamp(seconds, nanos) => {
            let at = awsgen_runtime::Timestamp::from_parts(*seconds, *nanos);
            match (ty, at) {
                (Type::Timestamp(TimestampFormat::DateTime), Some(at)) => at.to_string().into(),
                (Type::Timestamp(TimestampFormat::HttpDate), Some(at)) => at.to_http_date().into(),
                _ if *nanos == 0 => (*seconds).into(),
                _ => (*seconds as f64 + f64::from(*nanos) / 1e9).into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_in_the_basic_plane_are_written_short() {
        assert_eq!(
            short_escapes(r"^[\u{20}-\u{D7FF}\u{10000}-\u{10FFFF}]*$"),
            r"^[\u0020-\uD7FF\u{10000}-\u{10FFFF}]*$"
        );
        // An escaped backslash before `u{9}` is no escape of `u`.
        assert_eq!(short_escapes(r"\\u{9}\u{9}"), r"\\u{9}\u0009");
        assert_eq!(short_escapes(r"\p{L}\d+é\"), r"\p{L}\d+é\");
    }

    #[test]
    fn patterns_are_written_for_the_unicode_mode() {
        let pattern = |source: &str| unicode_pattern(&Pattern::parse(source).unwrap());
        assert_eq!(pattern("^[a-z]+$"), "^[a-z]+$");
        // `u` mode refuses a range from a class escape, and `\_`.
        assert_eq!(pattern(r"^[\w-.]+$"), r"^[\w\-.]+$");
        assert!(regress::Regex::with_flags(&pattern(r"^\_+$"), "u").is_ok());
    }
}
