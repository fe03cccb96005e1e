//! Smithy shape types and the prelude shapes every model can target.

use std::fmt;

use serde_json::{Value, json};

/// A Smithy shape type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Blob,
    Boolean,
    String,
    Enum,
    Timestamp,
    Byte,
    Short,
    Integer,
    IntEnum,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Document,
    List,
    Set,
    Map,
    Structure,
    Union,
    Service,
    Operation,
    Resource,
}

impl Kind {
    pub fn parse(name: &str) -> Option<Kind> {
        Some(match name {
            "blob" => Kind::Blob,
            "boolean" => Kind::Boolean,
            "string" => Kind::String,
            "enum" => Kind::Enum,
            "timestamp" => Kind::Timestamp,
            "byte" => Kind::Byte,
            "short" => Kind::Short,
            "integer" => Kind::Integer,
            "intEnum" => Kind::IntEnum,
            "long" => Kind::Long,
            "float" => Kind::Float,
            "double" => Kind::Double,
            "bigInteger" => Kind::BigInteger,
            "bigDecimal" => Kind::BigDecimal,
            "document" => Kind::Document,
            "list" => Kind::List,
            "set" => Kind::Set,
            "map" => Kind::Map,
            "structure" => Kind::Structure,
            "union" => Kind::Union,
            "service" => Kind::Service,
            "operation" => Kind::Operation,
            "resource" => Kind::Resource,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Blob => "blob",
            Kind::Boolean => "boolean",
            Kind::String => "string",
            Kind::Enum => "enum",
            Kind::Timestamp => "timestamp",
            Kind::Byte => "byte",
            Kind::Short => "short",
            Kind::Integer => "integer",
            Kind::IntEnum => "intEnum",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::BigInteger => "bigInteger",
            Kind::BigDecimal => "bigDecimal",
            Kind::Document => "document",
            Kind::List => "list",
            Kind::Set => "set",
            Kind::Map => "map",
            Kind::Structure => "structure",
            Kind::Union => "union",
            Kind::Service => "service",
            Kind::Operation => "operation",
            Kind::Resource => "resource",
        }
    }

    /// The name with its indefinite article: `a structure`, `an enum`.
    pub fn with_article(self) -> String {
        let name = self.name();
        // No kind starts with a vowel sound but these (`union` is "a union").
        let article = if name.starts_with(['a', 'e', 'i', 'o']) { "an" } else { "a" };
        format!("{article} {name}")
    }

    pub fn is_integer(self) -> bool {
        matches!(self, Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger)
    }

    /// Shapes that members may target (not services, operations, resources).
    pub fn is_data(self) -> bool {
        !matches!(self, Kind::Service | Kind::Operation | Kind::Resource)
    }

    /// The smallest and largest value of an integer type, for range checks
    /// on `@range` bounds and `@default` values.
    pub fn integer_bounds(self) -> Option<(i128, i128)> {
        match self {
            Kind::Byte => Some((i8::MIN.into(), i8::MAX.into())),
            Kind::Short => Some((i16::MIN.into(), i16::MAX.into())),
            Kind::Integer | Kind::IntEnum => Some((i32::MIN.into(), i32::MAX.into())),
            Kind::Long => Some((i64::MIN.into(), i64::MAX.into())),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The namespace of the prelude.
pub const PRELUDE: &str = "smithy.api";

/// The unit type: "no value" in operation inputs, outputs and union members.
pub const UNIT: &str = "smithy.api#Unit";

/// A prelude shape: its kind and its `@default`, if it has one.
pub fn prelude_shape(id: &str) -> Option<(Kind, Option<Value>)> {
    let name = id.strip_prefix("smithy.api#")?;
    Some(match name {
        "String" => (Kind::String, None),
        "Blob" => (Kind::Blob, None),
        "BigInteger" => (Kind::BigInteger, None),
        "BigDecimal" => (Kind::BigDecimal, None),
        "Timestamp" => (Kind::Timestamp, None),
        "Document" => (Kind::Document, None),
        "Boolean" => (Kind::Boolean, None),
        "PrimitiveBoolean" => (Kind::Boolean, Some(json!(false))),
        "Byte" => (Kind::Byte, None),
        "PrimitiveByte" => (Kind::Byte, Some(json!(0))),
        "Short" => (Kind::Short, None),
        "PrimitiveShort" => (Kind::Short, Some(json!(0))),
        "Integer" => (Kind::Integer, None),
        "PrimitiveInteger" => (Kind::Integer, Some(json!(0))),
        "Long" => (Kind::Long, None),
        "PrimitiveLong" => (Kind::Long, Some(json!(0))),
        "Float" => (Kind::Float, None),
        "PrimitiveFloat" => (Kind::Float, Some(json!(0))),
        "Double" => (Kind::Double, None),
        "PrimitiveDouble" => (Kind::Double, Some(json!(0))),
        "Unit" => (Kind::Structure, None),
        _ => return None,
    })
}
