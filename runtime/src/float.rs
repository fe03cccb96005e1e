//! Floating-point members on the awsJson wire: numbers, except that NaN and
//! the infinities are the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
//! Used as `#[serde(with = "...")]` on `f32`/`f64` fields ([`option`] for
//! optional ones).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serializer};

/// `f32` and `f64`.
pub trait Float: Copy {
    /// The value as an `f64`, which is exact for both types.
    fn to_f64(self) -> f64;
    /// The `f64` as this type: an `f32` is the nearest one (infinite where
    /// the value is beyond `f32`'s range).
    fn from_f64(value: f64) -> Self;
}

impl Float for f32 {
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64(value: f64) -> Self {
        value as f32
    }
}

impl Float for f64 {
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(value: f64) -> Self {
        value
    }
}

/// Writes a float, non-finite values as their awsJson strings.
pub fn serialize<T: Float, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let value = value.to_f64();
    match value {
        v if v.is_nan() => serializer.serialize_str("NaN"),
        v if v == f64::INFINITY => serializer.serialize_str("Infinity"),
        v if v == f64::NEG_INFINITY => serializer.serialize_str("-Infinity"),
        v => serializer.serialize_f64(v),
    }
}

/// Reads a number, or one of the strings for non-finite values.
pub fn deserialize<'de, T: Float, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(FloatVisitor(PhantomData))
}

struct FloatVisitor<T>(PhantomData<T>);

impl<T: Float> Visitor<'_> for FloatVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        Ok(T::from_f64(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        Ok(T::from_f64(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        Ok(T::from_f64(value as f64))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        non_finite(value).map(T::from_f64).ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

/// The value of a non-finite float's wire string.
pub fn non_finite(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// The same for `Option<f32>` and `Option<f64>` fields.
pub mod option {
    use super::*;

    /// Writes `Some` as [`super::serialize`] does, `None` as null.
    pub fn serialize<T: Float, S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads null as `None`, else a number or one of the strings for
    /// non-finite values as [`super::deserialize`] does.
    pub fn deserialize<'de, T: Float, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Number(f64),
            Text(String),
        }
        match Option::<Wire>::deserialize(deserializer)? {
            None => Ok(None),
            Some(Wire::Number(n)) => Ok(Some(T::from_f64(n))),
            Some(Wire::Text(text)) => non_finite(&text).map(|v| Some(T::from_f64(v))).ok_or_else(|| {
                de::Error::custom(format_args!(
                    "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", not {text:?}"
                ))
            }),
        }
    }
}
