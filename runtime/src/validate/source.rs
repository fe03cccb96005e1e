//! Inputs that are not JSON: the parameters of an awsQuery request, an XML
//! body. Their protocols implement [`Source`], and the generated readers
//! read from it as they read JSON, in the same single pass: the reader asks
//! for each value as its schema says it is (a structure, a list, a scalar's
//! text) and the source answers from where it is, with no document in
//! between. Scalars are text, converted and checked here by their schema,
//! so a value reads the same whatever protocol carried it.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, Error as ValueError, F64Deserializer, I64Deserializer};

use super::{List, Map};

/// Why a source could not go on: the input is not of its protocol's form
/// (XML that is not well-formed, a parameter sent twice), or a value is
/// not of its type's (a header that is not a number). It quotes nothing
/// the client sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    /// What is wrong, as the client is told (the message of the
    /// [`MalformedInput`](super::MalformedInput) it becomes).
    pub message: Cow<'static, str>,
    /// The value at the position is malformed (and the error is reported
    /// at its path), not the body as a whole.
    pub at_value: bool,
}

impl SourceError {
    /// The value at the source's position is malformed.
    pub fn at_value(message: impl Into<Cow<'static, str>>) -> Self {
        SourceError { message: message.into(), at_value: true }
    }
}

impl From<&'static str> for SourceError {
    fn from(message: &'static str) -> Self {
        SourceError { message: Cow::Borrowed(message), at_value: false }
    }
}

impl From<String> for SourceError {
    fn from(message: String) -> Self {
        SourceError { message: Cow::Owned(message), at_value: false }
    }
}

/// Where a reader reads an input that is not JSON.
///
/// The source has a position: a value, which the reader reads with one of
/// the methods below, chosen by the value's schema. Entering a structure,
/// list or map goes in; [`Source::key`], [`Source::item`] and
/// [`Source::entry`] move the position to each of its values in turn, and
/// come out at its end. A value the reader does not want is [`skipped`].
///
/// [`skipped`]: Source::skip
pub trait Source {
    /// Enters the structure or union at the position.
    fn structure(&mut self) -> Result<(), SourceError>;

    /// The key of the structure's next member (its value then at the
    /// position), or `None` at its end.
    fn key(&mut self) -> Result<Option<&str>, SourceError>;

    /// Enters the list at the position.
    fn list(&mut self, list: &List) -> Result<(), SourceError>;

    /// Moves to the list's next item; `false` at its end.
    fn item(&mut self) -> Result<bool, SourceError>;

    /// Enters the map at the position.
    fn map(&mut self, map: &Map) -> Result<(), SourceError>;

    /// The key of the map's next entry (its value then at the position),
    /// or `None` at its end.
    fn entry(&mut self) -> Result<Option<&str>, SourceError>;

    /// Whether the position holds no value: a map entry sent without one.
    fn absent(&mut self) -> bool;

    /// The text of the scalar at the position.
    fn text(&mut self) -> Result<&str, SourceError>;

    /// The scalar at the position, as the protocol holds it: text, which
    /// the reader converts by the value's schema, or a value of the
    /// protocol's own types (CBOR's), which must be of the schema's type.
    fn scalar(&mut self) -> Result<Scalar<'_>, SourceError> {
        self.text().map(Scalar::Text)
    }

    /// The value at the position as bytes, where the protocol sends it so
    /// (an HTTP payload for a blob); `None` where it is text (base64).
    fn bytes(&mut self) -> Option<&[u8]> {
        None
    }

    /// [`Source::bytes`] as shared bytes, where the source holds them so
    /// (an event's payload): a blob takes them without a copy.
    fn shared_bytes(&mut self) -> Option<bytes::Bytes> {
        None
    }

    /// Whether a timestamp of the epoch-seconds format may also come as a
    /// date-time text: awsQuery's own form, which its clients send whatever
    /// the type (a service serving awsQuery after another protocol types
    /// members by that protocol's default).
    fn date_times_for_epoch(&self) -> bool {
        false
    }

    /// Passes over the value at the position.
    fn skip(&mut self) -> Result<(), SourceError>;

    /// The end of the input: whatever follows the value read must be
    /// allowed there (XML's closing comments, say).
    fn finish(&mut self) -> Result<(), SourceError>;
}

/// A scalar as a source holds it ([`Source::scalar`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// Text, converted by the value's schema: a query parameter, XML's
    /// character data, a header.
    Text(&'a str),
    /// A string of a protocol with types of its own: the value of a string
    /// or an enum, and of nothing else.
    String(&'a str),
    /// A whole number of a protocol with types of its own: the value of an
    /// integer, a float, a timestamp (epoch seconds) or a big number.
    Integer(i64),
    /// A floating-point number of a protocol with types of its own (NaN
    /// and the infinities as themselves): the value of a float or a
    /// timestamp (epoch seconds).
    Float(f64),
    /// A boolean of a protocol with types of its own: the value of a
    /// boolean, and of nothing else.
    Boolean(bool),
    /// A byte string of a protocol with types of its own. Only a blob may
    /// be one, and readers take blobs through [`Source::bytes`], so one
    /// handed over here makes the value malformed.
    Bytes(&'a [u8]),
    /// A timestamp, as seconds since the epoch (CBOR's tag 1).
    Timestamp(f64),
    /// A number beyond `i64`'s range or a decimal fraction (CBOR's big
    /// numbers), as its decimal text: the value of a `bigInteger` or
    /// `bigDecimal`.
    Big(&'a str),
}

/// Whether `text` is a number as JSON writes it: what a number sent as
/// text must look like, in every protocol.
pub(crate) fn is_number(text: &str) -> bool {
    let bytes = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let digits = |bytes: &[u8]| bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let whole = digits(bytes);
    if whole == 0 || (whole > 1 && bytes[0] == b'0') {
        return false;
    }
    let mut rest = &bytes[whole..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = digits(fraction);
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    if let Some(exponent) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exponent = exponent.strip_prefix(b"+").or_else(|| exponent.strip_prefix(b"-")).unwrap_or(exponent);
        let n = digits(exponent);
        if n == 0 {
            return false;
        }
        rest = &exponent[n..];
    }
    rest.is_empty()
}

/// Whether a number's text is whole: no point, no exponent.
pub(crate) fn is_whole(text: &str) -> bool {
    !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// A value of a type serde builds from text (a timestamp, a blob): from
/// the text itself, or from the number it spells where `number` (epoch
/// seconds), as the JSON reader hands them over.
pub(crate) fn from_text<'de, T: Deserialize<'de>>(text: &'de str, number: bool) -> Result<T, ValueError> {
    if !number {
        return T::deserialize(BorrowedStrDeserializer::new(text));
    }
    match text.parse::<i64>() {
        Ok(n) if is_whole(text) => T::deserialize(I64Deserializer::new(n)),
        _ => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => T::deserialize(F64Deserializer::new(n)),
            _ => Err(serde::de::Error::custom("not a number")),
        },
    }
}

/// A timestamp's value from seconds since the epoch, as the type of a
/// member of `format` takes it (`DateTime` and `HttpDate` from their text).
pub(crate) fn from_epoch<'de, T: Deserialize<'de>>(format: super::TimestampFormat, seconds: f64) -> Option<T> {
    let timestamp = crate::Timestamp::from_epoch_seconds_f64(seconds)?;
    let value = match format {
        super::TimestampFormat::EpochSeconds => T::deserialize(F64Deserializer::<ValueError>::new(seconds)),
        super::TimestampFormat::DateTime => {
            T::deserialize(serde::de::value::StringDeserializer::new(timestamp.to_string()))
        }
        super::TimestampFormat::HttpDate => {
            T::deserialize(serde::de::value::StringDeserializer::new(timestamp.to_http_date()))
        }
    };
    value.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_spelled_as_json_spells_them() {
        for number in ["0", "-1", "12", "1.5", "1e3", "-2.5E-7", "10"] {
            assert!(is_number(number), "{number}");
        }
        for text in ["", "-", "01", "1.", ".5", "1e", "+1", "0x10", "1 ", "NaN", "١"] {
            assert!(!is_number(text), "{text}");
        }
    }
}
