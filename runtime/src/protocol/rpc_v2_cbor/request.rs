//! Reading an RPC v2 CBOR request's input from its body.
//!
//! The body is one CBOR item, a map of the input's members, read by
//! minicbor's decoder as the input's generated reader asks for each value,
//! in one pass: structures, unions and maps are CBOR maps keyed by text
//! strings, lists arrays (either of definite or indefinite length), and
//! scalars CBOR's own types, each of which must be of the member's type
//! (an integer of any width for an integer, any number for a float, NaN
//! and the infinities as themselves; a byte string for a blob; tag 1 over
//! a number for a timestamp; tags 2 and 3 for big integers, 4 for big
//! decimals). `null` and `undefined` are no value. Strings may come in
//! chunks (indefinite length), and are joined.
//!
//! A body that is not CBOR, holds more than one item, or ends early makes
//! the request malformed, saying where, and echoing nothing.

use minicbor::Decoder;
use minicbor::data::Type;

use crate::protocol::cbor::{ARRAY, MAP, TEXT};
use crate::validate::{self, List, Map, Read, Rejection, Scalar, Source, SourceError, Structure};

/// The media type of every CBOR body.
pub const CBOR: &str = "application/cbor";

/// The maps and arrays being read, innermost last: the first few in place
/// (a box for them was a tenth of reading a small body), any deeper in a
/// vector.
#[derive(Default)]
struct Frames {
    near: [Option<u64>; NEAR],
    count: usize,
    far: Vec<Option<u64>>,
}

/// How many frames are kept in place.
const NEAR: usize = 16;

impl Frames {
    fn push(&mut self, frame: Option<u64>) {
        match self.near.get_mut(self.count) {
            Some(slot) => *slot = frame,
            None => self.far.push(frame),
        }
        self.count += 1;
    }

    fn pop(&mut self) {
        if self.count > NEAR {
            self.far.pop();
        }
        self.count -= 1;
    }

    fn last_mut(&mut self) -> &mut Option<u64> {
        let at = self.count.checked_sub(1).expect("in a map or array");
        match self.near.get_mut(at) {
            Some(frame) => frame,
            None => self.far.last_mut().expect("deeper frames are in the vector"),
        }
    }
}

/// Initial bytes.
const INDEFINITE_TEXT: u8 = 0x7f;
const NULL: u8 = 0xf6;
const UNDEFINED: u8 = 0xf7;
const BREAK: u8 = 0xff;

/// Reads the input `T` of an operation from a CBOR `body` (empty for an
/// input sent with no body), checked against `schema`.
pub fn input<T: Read>(body: &[u8], schema: &'static Structure) -> Result<T, Rejection> {
    // An empty body is an empty input.
    let body: &[u8] = if body.is_empty() { &[0xa0] } else { body };
    validate::parse_source(schema, &mut CborSource::new(body))
}

/// The input of an operation whose input is an event stream, `events`:
/// the members of its `initial-request` message (a CBOR map, as a body is;
/// none sent counts as an empty one), checked against `schema`, and the
/// stream's events after it.
pub async fn initial_request<T: Read>(
    schema: &'static Structure,
    events: crate::event_stream::InputEvents,
) -> Result<(T, crate::event_stream::InputEvents), Rejection> {
    events.read_initial(|payload| input(payload.unwrap_or_default(), schema)).await
}

/// The event `T` that `message` carries, read against `schema`: its
/// `@eventHeader` members from the headers, `raw_payload` (the index of an
/// `@eventPayload` blob or string) from the payload's bytes, the rest from
/// the payload's CBOR: the members of `document`, the event's or its
/// `@eventPayload` member's. Checked as a request is, in one pass.
pub fn read_event<T: Read>(
    message: &crate::event_stream::Message,
    schema: &'static Structure,
    raw_payload: Option<usize>,
    document: Option<usize>,
) -> Result<T, crate::event_stream::EventStreamError> {
    use crate::event_stream::{Document, EventSource};

    let payload = message.payload();
    let mut body = CborSource::new(payload);
    let mut source = EventSource::new(message, schema, raw_payload);
    // A raw payload is the source's; an empty one holds no member.
    if raw_payload.is_none() && !payload.is_empty() {
        let document = document.map_or(Document::Members, Document::Payload);
        source = source.with_body(&mut body, document);
    }
    validate::parse_source(schema, &mut source).map_err(crate::event_stream::EventStreamError::Rejected)
}

/// A CBOR body as the input's reader reads it.
struct CborSource<'b> {
    decoder: Decoder<'b>,
    /// The maps and arrays the position is in: how many entries or items
    /// each has left, `None` for an indefinite length.
    frames: Frames,
    /// A string sent in chunks, joined; a key or a value.
    text: String,
    /// A byte string sent in chunks, joined.
    bytes: Vec<u8>,
}

impl<'b> CborSource<'b> {
    fn new(body: &'b [u8]) -> Self {
        CborSource { decoder: Decoder::new(body), frames: Frames::default(), text: String::new(), bytes: Vec::new() }
    }

    /// The type of the item at the position.
    fn datatype(&self) -> Result<Type, SourceError> {
        self.decoder.datatype().map_err(|e| self.malformed(&e))
    }

    /// The initial byte of the item at the position (its major type and
    /// additional information), looked at without decoding: asking
    /// minicbor for the type each time was a sixth of reading a body.
    #[inline]
    fn initial(&self) -> Result<u8, SourceError> {
        let at = self.decoder.position();
        self.decoder
            .input()
            .get(at)
            .copied()
            .ok_or_else(|| SourceError::from(format!("the body ends early (at byte {at})")))
    }

    /// The body is not CBOR (or ends early) here.
    fn malformed(&self, error: &minicbor::decode::Error) -> SourceError {
        malformed_at(error, self.decoder.position())
    }

    /// Enters the map or array at the position, of `kinds` (definite and
    /// indefinite); `expected` says what it should have been.
    fn enter(&mut self, map: bool, expected: &'static str) -> Result<(), SourceError> {
        let length = match (map, self.initial()? >> 5) {
            (true, MAP) => self.decoder.map(),
            (false, ARRAY) => self.decoder.array(),
            _ => return Err(SourceError::at_value(expected)),
        };
        let length = length.map_err(|e| self.malformed(&e))?;
        self.frames.push(length);
        Ok(())
    }

    /// Moves past one entry or item of the innermost map or array: `false`
    /// (and the frame left) at its end.
    fn next(&mut self) -> Result<bool, SourceError> {
        let frame = self.frames.last_mut();
        match frame {
            Some(0) => {}
            Some(left) => {
                *left -= 1;
                return Ok(true);
            }
            None => {
                if self.initial()? != BREAK {
                    return Ok(true);
                }
                self.decoder.set_position(self.decoder.position() + 1);
            }
        }
        self.frames.pop();
        Ok(false)
    }

    /// The text string at the position (joined, if sent in chunks).
    fn string(&mut self) -> Result<&str, SourceError> {
        match self.initial()? {
            INDEFINITE_TEXT => {
                self.text.clear();
                let at = self.decoder.position();
                let chunks = self.decoder.str_iter().map_err(|e| malformed_at(&e, at))?;
                for chunk in chunks {
                    self.text.push_str(chunk.map_err(|e| malformed_at(&e, at))?);
                }
                Ok(&self.text)
            }
            initial if initial >> 5 == TEXT => {
                let at = self.decoder.position();
                let input = self.decoder.input();
                // The length follows the initial byte in 0, 1, 2, 4 or 8 bytes.
                let (length, header) = match initial & 0x1f {
                    n @ 0..24 => (Some(u64::from(n)), 1),
                    24 => (input.get(at + 1).map(|&n| u64::from(n)), 2),
                    25 => (input.get(at + 1..at + 3).map(|b| u64::from(u16::from_be_bytes([b[0], b[1]]))), 3),
                    26 => {
                        (input.get(at + 1..at + 5).map(|b| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))), 5)
                    }
                    27 => {
                        (input.get(at + 1..at + 9).map(|b| u64::from_be_bytes(b.try_into().expect("eight bytes"))), 9)
                    }
                    _ => return Err(SourceError::from(format!("the body is not well-formed CBOR (at byte {at})"))),
                };
                let start = at + header;
                let end = length.and_then(|n| usize::try_from(n).ok()).and_then(|n| start.checked_add(n));
                let Some(bytes) = end.and_then(|end| input.get(start..end)) else {
                    return Err(SourceError::from(format!("the body ends early (at byte {})", at + 1)));
                };
                let text = std::str::from_utf8(bytes).map_err(|_| {
                    SourceError::from(format!("the body has a text string that is not UTF-8 (at byte {start})"))
                })?;
                self.decoder.set_position(start + bytes.len());
                Ok(text)
            }
            _ => Err(SourceError::at_value("expected a text string")),
        }
    }

    /// The next key of the map being read, or `None` at its end.
    fn key(&mut self) -> Result<Option<&str>, SourceError> {
        if !self.next()? {
            return Ok(None);
        }
        // A key that is not text is a map this protocol does not send.
        if self.initial()? >> 5 != TEXT {
            return Err(SourceError::from("the body has a map key that is not a text string"));
        }
        self.string().map(Some)
    }

    /// A number, for a timestamp (after tag 1).
    fn number(&mut self) -> Result<f64, SourceError> {
        match self.scalar()? {
            Scalar::Integer(n) => Ok(n as f64),
            Scalar::Float(n) => Ok(n),
            _ => Err(SourceError::at_value("expected a number after tag 1 (a timestamp)")),
        }
    }

    /// The byte string at the position, joined if sent in chunks.
    fn byte_string(&mut self) -> Result<&[u8], SourceError> {
        match self.datatype()? {
            Type::Bytes => self.decoder.bytes().map_err(|e| self.malformed(&e)),
            _ => {
                self.bytes.clear();
                let at = self.decoder.position();
                let chunks = self.decoder.bytes_iter().map_err(|e| malformed_at(&e, at))?;
                for chunk in chunks {
                    self.bytes.extend_from_slice(chunk.map_err(|e| malformed_at(&e, at))?);
                }
                Ok(&self.bytes)
            }
        }
    }

    /// A big number (tag 2 or 3: a byte string of its magnitude) as its
    /// decimal text, in `text`.
    fn bignum(&mut self, negative: bool) -> Result<(), SourceError> {
        if !matches!(self.datatype()?, Type::Bytes | Type::BytesIndef) {
            return Err(SourceError::at_value("expected a byte string after tag 2 or 3 (a big integer)"));
        }
        let magnitude = self.byte_string()?.to_vec();
        let digits = decimal(&magnitude);
        self.text.clear();
        if negative {
            // Tag 3 holds -1 - n.
            self.text.push('-');
            self.text.push_str(&add_one(&digits));
        } else {
            self.text.push_str(&digits);
        }
        Ok(())
    }
}

/// The body is not CBOR (or ends early) where `error` says, else at `at`.
/// minicbor's message is not said: it may quote what it found.
fn malformed_at(error: &minicbor::decode::Error, at: usize) -> SourceError {
    let position = error.position().unwrap_or(at);
    let what = if error.is_end_of_input() { "ends early" } else { "is not well-formed CBOR" };
    SourceError::from(format!("the body {what} (at byte {position})"))
}

/// The decimal digits of the big-endian unsigned number `bytes`.
fn decimal(bytes: &[u8]) -> String {
    // Base 10^9 limbs, least significant first.
    let mut limbs: Vec<u32> = vec![0];
    for &byte in bytes {
        let mut carry = u64::from(byte);
        for limb in &mut limbs {
            let value = u64::from(*limb) * 256 + carry;
            *limb = (value % 1_000_000_000) as u32;
            carry = value / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push((carry % 1_000_000_000) as u32);
            carry /= 1_000_000_000;
        }
    }
    let mut text = limbs.last().map(u32::to_string).unwrap_or_default();
    for limb in limbs.iter().rev().skip(1) {
        text.push_str(&format!("{limb:09}"));
    }
    text
}

/// The decimal `digits` plus one.
fn add_one(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    for byte in bytes.iter_mut().rev() {
        if *byte == b'9' {
            *byte = b'0';
        } else {
            *byte += 1;
            return String::from_utf8(bytes).expect("digits");
        }
    }
    format!("1{}", String::from_utf8(bytes).expect("digits"))
}

impl Source for CborSource<'_> {
    fn structure(&mut self) -> Result<(), SourceError> {
        self.enter(true, "expected a CBOR map")
    }

    fn key(&mut self) -> Result<Option<&str>, SourceError> {
        CborSource::key(self)
    }

    fn list(&mut self, _: &List) -> Result<(), SourceError> {
        self.enter(false, "expected a CBOR array")
    }

    fn item(&mut self) -> Result<bool, SourceError> {
        self.next()
    }

    fn map(&mut self, _: &Map) -> Result<(), SourceError> {
        self.enter(true, "expected a CBOR map")
    }

    fn entry(&mut self) -> Result<Option<&str>, SourceError> {
        CborSource::key(self)
    }

    fn absent(&mut self) -> bool {
        match self.initial() {
            Ok(NULL | UNDEFINED) => {
                // One byte, just seen.
                self.decoder.set_position(self.decoder.position() + 1);
                true
            }
            _ => false,
        }
    }

    fn text(&mut self) -> Result<&str, SourceError> {
        self.string()
    }

    fn scalar(&mut self) -> Result<Scalar<'_>, SourceError> {
        let malformed = |source: &Self, e: minicbor::decode::Error| source.malformed(&e);
        if self.initial()? >> 5 == TEXT {
            return self.string().map(Scalar::String);
        }
        Ok(match self.datatype()? {
            Type::String | Type::StringIndef => Scalar::String(self.string()?),
            Type::Bool => Scalar::Boolean(self.decoder.bool().map_err(|e| malformed(self, e))?),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
                let int = self.decoder.int().map_err(|e| malformed(self, e))?;
                match i64::try_from(int) {
                    Ok(n) => Scalar::Integer(n),
                    // Beyond i64: only a big integer holds it.
                    Err(_) => {
                        self.text = i128::from(int).to_string();
                        Scalar::Big(&self.text)
                    }
                }
            }
            Type::F16 => Scalar::Float(f64::from(self.decoder.f16().map_err(|e| malformed(self, e))?)),
            Type::F32 => Scalar::Float(f64::from(self.decoder.f32().map_err(|e| malformed(self, e))?)),
            Type::F64 => Scalar::Float(self.decoder.f64().map_err(|e| malformed(self, e))?),
            Type::Bytes | Type::BytesIndef => Scalar::Bytes(self.byte_string()?),
            Type::Tag => {
                let tag = self.decoder.tag().map_err(|e| malformed(self, e))?.as_u64();
                match tag {
                    1 => Scalar::Timestamp(self.number()?),
                    2 | 3 => {
                        self.bignum(tag == 3)?;
                        Scalar::Big(&self.text)
                    }
                    4 => Scalar::Big(self.decimal_fraction()?),
                    _ => return Err(SourceError::at_value(format!("tag {tag} is not one this protocol sends"))),
                }
            }
            Type::Map | Type::MapIndef => return Err(SourceError::at_value("expected a scalar, not a CBOR map")),
            Type::Array | Type::ArrayIndef => return Err(SourceError::at_value("expected a scalar, not a CBOR array")),
            Type::Null | Type::Undefined => return Err(SourceError::at_value("expected a value, not null")),
            Type::Break => return Err(SourceError::from("the body has a break where no indefinite item is open")),
            Type::Simple | Type::Unknown(_) => {
                return Err(SourceError::at_value("expected a value of a type this protocol sends"));
            }
        })
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        match self.decoder.datatype() {
            Ok(Type::Bytes | Type::BytesIndef) => self.byte_string().ok(),
            _ => None,
        }
    }

    fn skip(&mut self) -> Result<(), SourceError> {
        self.decoder.skip().map_err(|e| self.malformed(&e))
    }

    fn finish(&mut self) -> Result<(), SourceError> {
        if self.decoder.position() < self.decoder.input().len() {
            return Err(SourceError::from(format!(
                "the body has bytes after its item (from byte {})",
                self.decoder.position()
            )));
        }
        Ok(())
    }
}

impl CborSource<'_> {
    /// A decimal fraction (tag 4: an array of an exponent and a mantissa,
    /// each an integer or, for the mantissa, a big integer) as its text.
    fn decimal_fraction(&mut self) -> Result<&str, SourceError> {
        let shape = "expected an array of an exponent and a mantissa after tag 4 (a big decimal)";
        if self.decoder.array().map_err(|e| self.malformed(&e))? != Some(2) {
            return Err(SourceError::at_value(shape));
        }
        let Scalar::Integer(exponent) = self.scalar()? else { return Err(SourceError::at_value(shape)) };
        let mantissa = match self.scalar()? {
            Scalar::Integer(n) => n.to_string(),
            Scalar::Big(text) => text.to_string(),
            _ => return Err(SourceError::at_value(shape)),
        };
        self.text = format!("{mantissa}e{exponent}");
        Ok(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use minicbor::Encoder;
    use minicbor::data::Tag;

    use super::*;
    use crate::validate::read::any::Any;
    use crate::validate::{
        BigRules, FloatRules, IntegerKind, IntegerRules, Member, Schema, StringRules, TimestampFormat,
    };

    static STRING: Schema = Schema::String(StringRules { length: None, pattern: None, values: None });
    static NAMES: List = List { member: STRING, length: None, unique: false, sparse: false, flattened: false };
    static SPARSE: List = List { member: STRING, length: None, unique: false, sparse: true, flattened: false };
    static TAGS: Map = Map {
        key: STRING,
        value: STRING,
        length: None,
        sparse: false,
        sensitive_keys: false,
        key_name: None,
        value_name: None,
        flattened: false,
    };
    static NESTED: Structure = Structure {
        name: "Nested",
        members: &[Member { name: "Name", json_name: None, required: true, schema: STRING }],
    };
    const fn member(name: &'static str, schema: Schema) -> Member {
        Member { name, json_name: None, required: false, schema }
    }
    static INPUT: Structure = Structure {
        name: "Input",
        members: &[
            member("Name", STRING),
            member("Count", Schema::Integer(IntegerRules { kind: IntegerKind::Integer, range: None, values: None })),
            member("Ratio", Schema::Float(FloatRules { range: None })),
            member("Flag", Schema::Boolean),
            member("Data", Schema::Blob(None)),
            member("When", Schema::Timestamp(TimestampFormat::EpochSeconds)),
            member("Names", Schema::List(&NAMES)),
            member("Sparse", Schema::List(&SPARSE)),
            member("Tags", Schema::Map(&TAGS)),
            member("Nested", Schema::Structure(&NESTED)),
            member("Big", Schema::BigInteger(BigRules { range: None })),
        ],
    };

    fn read(body: &[u8]) -> Result<serde_json::Value, String> {
        input::<Any>(body, &INPUT).map(|any| any.0).map_err(|rejection| rejection.to_string())
    }

    /// A body with a member of `name` whose value `value` writes.
    fn body(name: &str, value: impl FnOnce(&mut Encoder<&mut Vec<u8>>)) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = Encoder::new(&mut bytes);
        encoder.map(1).unwrap().str(name).unwrap();
        value(&mut encoder);
        bytes
    }

    #[test]
    fn every_type_is_read_as_cbor_has_it() {
        let mut bytes = Vec::new();
        let mut e = Encoder::new(&mut bytes);
        e.begin_map().unwrap();
        e.str("Name").unwrap().begin_str().unwrap().str("a ").unwrap().str("b").unwrap().end().unwrap();
        e.str("Count").unwrap().u8(12).unwrap();
        e.str("Ratio").unwrap().f16(1.5).unwrap();
        e.str("Flag").unwrap().bool(true).unwrap();
        e.str("Data").unwrap().bytes(&[1, 2, 3]).unwrap();
        e.str("When").unwrap().tag(Tag::new(1)).unwrap().f64(1_700_000_000.5).unwrap();
        e.str("Names").unwrap().begin_array().unwrap().str("x").unwrap().str("y").unwrap().end().unwrap();
        e.str("Sparse").unwrap().array(2).unwrap().null().unwrap().str("z").unwrap();
        e.str("Tags").unwrap().begin_map().unwrap().str("k").unwrap().str("v").unwrap().end().unwrap();
        e.str("Nested").unwrap().map(1).unwrap().str("Name").unwrap().str("n").unwrap();
        e.str("Big").unwrap().tag(Tag::new(2)).unwrap().bytes(&[1, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        e.str("Other").unwrap().map(1).unwrap().str("deep").unwrap().array(1).unwrap().u8(1).unwrap();
        e.end().unwrap();
        assert_eq!(
            read(&bytes).unwrap(),
            serde_json::json!({
                "Name": "a b",
                "Count": 12,
                "Ratio": 1.5,
                "Flag": true,
                "Data": 3,
                "When": "2023-11-14T22:13:20.500Z",
                "Names": ["x", "y"],
                "Sparse": [null, "z"],
                "Tags": {"k": "v"},
                "Nested": {"Name": "n"},
                "Big": "18446744073709551616",
            })
        );
        assert_eq!(read(b"").unwrap(), serde_json::json!({}));
        let negative = body("Big", |e| {
            e.tag(Tag::new(3)).unwrap().bytes(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap();
        });
        assert_eq!(read(&negative).unwrap(), serde_json::json!({"Big": "-18446744073709551616"}));
        let nan = body("Ratio", |e| {
            e.f32(f32::NAN).unwrap();
        });
        assert!(read(&nan).is_ok());
    }

    #[test]
    fn values_not_of_their_type_are_refused_at_their_member() {
        let text_count = body("Count", |e| {
            e.str("12").unwrap();
        });
        assert_eq!(read(&text_count).unwrap_err(), "expected a whole number that fits a 32-bit integer at '/Count'");
        let too_big = body("Count", |e| {
            e.u64(1 << 40).unwrap();
        });
        assert_eq!(read(&too_big).unwrap_err(), "expected a whole number that fits a 32-bit integer at '/Count'");
        let float_count = body("Count", |e| {
            e.f64(1.0).unwrap();
        });
        assert!(read(&float_count).is_err());
        let text_blob = body("Data", |e| {
            e.str("AQID").unwrap();
        });
        assert_eq!(read(&text_blob).unwrap_err(), "expected a base64 string at '/Data'");
        let null_item = body("Names", |e| {
            e.array(1).unwrap().null().unwrap();
        });
        assert_eq!(read(&null_item).unwrap_err(), "null is not allowed in this list at '/Names/0'");
        let missing = body("Nested", |e| {
            e.map(0).unwrap();
        });
        assert!(read(&missing).unwrap_err().contains("/Nested/Name"), "{:?}", read(&missing));
    }

    #[test]
    fn bodies_that_are_not_one_cbor_item_are_refused() {
        let whole = body("Name", |e| {
            e.str("abc").unwrap();
        });
        assert_eq!(read(&whole[..whole.len() - 1]).unwrap_err(), "the body ends early (at byte 7)");
        let mut trailing = whole.clone();
        trailing.push(0x01);
        assert_eq!(read(&trailing).unwrap_err(), "the body has bytes after its item (from byte 10)");
        assert_eq!(read(&[0x81, 0x01]).unwrap_err(), "expected a CBOR map");
        let mut integer_key = Vec::new();
        Encoder::new(&mut integer_key).map(1).unwrap().u8(1).unwrap().u8(1).unwrap();
        assert_eq!(read(&integer_key).unwrap_err(), "the body has a map key that is not a text string");
        let mut twice = Vec::new();
        Encoder::new(&mut twice)
            .map(2)
            .unwrap()
            .str("Name")
            .unwrap()
            .str("a")
            .unwrap()
            .str("Name")
            .unwrap()
            .str("b")
            .unwrap();
        assert_eq!(read(&twice).unwrap_err(), "the member Name is sent more than once");
        // Deep nesting in a value no member has is passed over without
        // recursion.
        let mut deep = Vec::new();
        let mut e = Encoder::new(&mut deep);
        e.map(1).unwrap().str("Other").unwrap();
        for _ in 0..100_000 {
            e.begin_array().unwrap();
        }
        for _ in 0..100_000 {
            e.end().unwrap();
        }
        assert_eq!(read(&deep).unwrap(), serde_json::json!({}));
    }

    #[test]
    fn big_numbers_convert_to_decimal() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[1, 0]), "256");
        assert_eq!(decimal(&[0xff; 16]), u128::MAX.to_string());
        assert_eq!(add_one("999"), "1000");
        assert_eq!(add_one("128"), "129");
    }

    /// An event of [`INPUT`]'s members: `Name` and `Count` as headers, the
    /// rest in the CBOR payload `body`.
    fn event(body: Vec<u8>) -> crate::event_stream::Message {
        use crate::event_stream::{Header, HeaderValue};
        crate::event_stream::event("input", Some(CBOR), body)
            .add_header(Header::new("Name", HeaderValue::String("from a header".into())))
            .add_header(Header::new("Count", HeaderValue::Int32(7)))
    }

    #[test]
    fn an_events_headers_then_its_cbor_members_are_read_in_one_pass() {
        let mut bytes = Vec::new();
        let mut e = Encoder::new(&mut bytes);
        e.begin_map().unwrap();
        e.str("Names").unwrap().begin_array().unwrap().str("x").unwrap().str("y").unwrap().end().unwrap();
        e.str("Tags").unwrap().map(2).unwrap().str("k").unwrap().str("v").unwrap().str("l").unwrap().str("w").unwrap();
        e.str("Nested").unwrap().map(1).unwrap().str("Name").unwrap().str("n").unwrap();
        e.str("Flag").unwrap().bool(true).unwrap();
        e.end().unwrap();
        let read = read_event::<Any>(&event(bytes), &INPUT, None, None).map_err(|e| e.to_string()).unwrap();
        assert_eq!(
            read.0,
            serde_json::json!({
                "Name": "from a header",
                "Count": 7,
                "Names": ["x", "y"],
                "Tags": {"k": "v", "l": "w"},
                "Nested": {"Name": "n"},
                "Flag": true,
            })
        );
        // A violation in the payload is reported at its path, as a body's.
        let bad = body("Nested", |e| {
            e.map(0).unwrap();
        });
        let error = read_event::<Any>(&event(bad), &INPUT, None, None).unwrap_err().to_string();
        assert!(error.contains("/Nested/Name"), "{error}");
        // Bytes after the map are not CBOR of the event.
        let mut trailing = body("Flag", |e| {
            e.bool(false).unwrap();
        });
        trailing.push(0);
        assert!(read_event::<Any>(&event(trailing), &INPUT, None, None).is_err());
    }

    #[test]
    fn a_document_payload_is_its_members_value_and_nothing_after_it() {
        // `Nested` (index 9) is the event's payload: the CBOR is its value.
        let mut bytes = Vec::new();
        Encoder::new(&mut bytes).map(1).unwrap().str("Name").unwrap().str("n").unwrap();
        let read = read_event::<Any>(&event(bytes), &INPUT, None, Some(9)).map_err(|e| e.to_string()).unwrap();
        assert_eq!(read.0, serde_json::json!({"Name": "from a header", "Count": 7, "Nested": {"Name": "n"}}));
        // A payload that is not the member's type.
        let mut bytes = Vec::new();
        Encoder::new(&mut bytes).array(0).unwrap();
        assert!(read_event::<Any>(&event(bytes), &INPUT, None, Some(9)).is_err());
    }
}
