//! What the JSON protocols (awsJson, restJson1, RPC v2 JSON) share for responses:
//! [`WriteJson`], which the generator implements for every structure, union
//! and enum a server writes, and [`JsonWriter`], the buffer those impls
//! write into, straight, member by member, with no serde serializer in
//! between. serde stays for `full-serde` users.
//!
//! The output is the JSON the protocols ask for: members in model order
//! under their JSON keys, absent optional members left out, timestamps in
//! their format (epoch seconds as a number, `date-time` and `http-date` as
//! strings), blobs as base64, big numbers with every digit, and NaN and the
//! infinities as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`. RPC v2
//! JSON's writer ([`JsonWriter::rpc_v2`]) writes every timestamp as epoch
//! seconds and big numbers as strings, as that protocol has them.

use std::collections::BTreeMap;

use serde_json::ser::{CompactFormatter, Formatter as _};

use crate::{BigDecimal, BigInteger, Blob, DateTime, Document, HttpDate, Timestamp, Unit};

/// A value written as JSON into a [`JsonWriter`].
pub trait WriteJson {
    /// Appends the value's JSON to `out`, in the form the module's docs
    /// describe.
    fn write_json(&self, out: &mut JsonWriter);
}

/// A structure's members, written into an object another writer opened
/// (an awsJson error adds its `__type`).
pub trait WriteMembers {
    /// Writes each member that is set into `object`, under its JSON key,
    /// in model order. The caller opens the object and ends it.
    fn write_members(&self, object: &mut ObjectWriter<'_>);
}

/// A JSON document being written: a byte buffer.
#[derive(Debug, Default)]
pub struct JsonWriter {
    out: Vec<u8>,
    /// Written as Smithy's RPC v2 JSON writes: every timestamp as epoch
    /// seconds whatever its format, big numbers as strings.
    rpc_v2: bool,
}

impl JsonWriter {
    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        JsonWriter { out: Vec::with_capacity(capacity), rpc_v2: false }
    }

    /// An empty writer of RPC v2 JSON, with room for `capacity` bytes.
    pub fn rpc_v2(capacity: usize) -> Self {
        JsonWriter { out: Vec::with_capacity(capacity), rpc_v2: true }
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// Writes `{`; the object's members follow, then [`ObjectWriter::end`].
    pub fn object(&mut self) -> ObjectWriter<'_> {
        self.out.push(b'{');
        ObjectWriter { out: self, first: true }
    }

    /// Writes `value` as a JSON string, escaped.
    pub fn string(&mut self, value: &str) {
        self.out.push(b'"');
        escape_into(&mut self.out, value);
        self.out.push(b'"');
    }

    /// Writes a big number's digits: as a number, or a string in RPC v2
    /// JSON (digits need no escaping).
    fn big(&mut self, digits: &str) {
        if self.rpc_v2 {
            self.out.push(b'"');
            self.out.extend_from_slice(digits.as_bytes());
            self.out.push(b'"');
        } else {
            self.raw(digits);
        }
    }

    /// Writes a structure as an object of its members.
    pub fn members<T: WriteMembers + ?Sized>(&mut self, value: &T) {
        let mut object = self.object();
        value.write_members(&mut object);
        object.end();
    }

    /// Writes text that is JSON already (a number's digits, `null`).
    pub fn raw(&mut self, json: &str) {
        self.out.extend_from_slice(json.as_bytes());
    }

    fn float(&mut self, value: f64, shortest_f32: Option<f32>) {
        if value.is_nan() {
            self.raw("\"NaN\"");
        } else if value.is_infinite() {
            self.raw(if value > 0.0 { "\"Infinity\"" } else { "\"-Infinity\"" });
        } else {
            // serde_json's own number formatting, so that every number
            // reads as it always has (writing to a `Vec` cannot fail).
            let _ = match shortest_f32 {
                Some(value) => CompactFormatter.write_f32(&mut self.out, value),
                None => CompactFormatter.write_f64(&mut self.out, value),
            };
        }
    }
}

/// An object being written by [`JsonWriter::object`].
pub struct ObjectWriter<'a> {
    out: &'a mut JsonWriter,
    first: bool,
}

impl ObjectWriter<'_> {
    /// A member. `key` is its key as JSON text with the colon after it
    /// (`"Name":`), as the generator writes it, escaped when it is
    /// generated.
    pub fn member<T: WriteJson + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.separate();
        self.out.raw(key);
        value.write_json(self.out);
    }

    /// A member whose key is only known at run time (a map's).
    pub fn entry<T: WriteJson + ?Sized>(&mut self, key: &str, value: &T) {
        self.separate();
        self.out.string(key);
        self.out.out.push(b':');
        value.write_json(self.out);
    }

    /// The comma before every member but the first.
    fn separate(&mut self) {
        if !self.first {
            self.out.out.push(b',');
        }
        self.first = false;
    }

    /// Writes `}`.
    pub fn end(self) {
        self.out.out.push(b'}');
    }
}

/// What each byte of a string needs: 0 nothing, else the letter of its
/// two-character escape, or `u` for `\u00XX`.
const ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// `text` escaped as the inside of a JSON string (as serde_json escapes
/// it). Runs that need nothing are copied whole, and found eight bytes at
/// a time: most text has nothing to escape.
fn escape_into(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let byte = bytes[i];
        let escape = ESCAPES[byte as usize];
        if escape != 0 {
            out.extend_from_slice(&bytes[start..i]);
            match escape {
                b'u' => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let (high, low) = (HEX[(byte >> 4) as usize], HEX[(byte & 0xf) as usize]);
                    out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
                }
                letter => out.extend_from_slice(&[b'\\', letter]),
            }
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Whether any of the eight bytes of `word` is a control character, `"`
/// or `\\` (the classic bit tricks: a byte below `n`, a byte equal to `b`).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    (below_space | zero(quote) | zero(backslash)) & HIGHS != 0
}

impl WriteJson for str {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(self);
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(self);
    }
}

impl WriteJson for bool {
    fn write_json(&self, out: &mut JsonWriter) {
        out.raw(if *self { "true" } else { "false" });
    }
}

macro_rules! integer_write_json {
    ($($ty:ty => $write:ident),*) => {$(
        impl WriteJson for $ty {
            fn write_json(&self, out: &mut JsonWriter) {
                // Writing to a `Vec` cannot fail.
                let _ = CompactFormatter.$write(&mut out.out, *self);
            }
        }
    )*};
}

integer_write_json!(i8 => write_i8, i16 => write_i16, i32 => write_i32, i64 => write_i64);

impl WriteJson for f32 {
    /// Its shortest decimal form (`0.1`, not the `0.10000000149011612` of
    /// the `f64` it widens to).
    fn write_json(&self, out: &mut JsonWriter) {
        out.float(f64::from(*self), Some(*self));
    }
}

impl WriteJson for f64 {
    fn write_json(&self, out: &mut JsonWriter) {
        out.float(*self, None);
    }
}

impl WriteJson for BigInteger {
    fn write_json(&self, out: &mut JsonWriter) {
        out.big(self.as_str());
    }
}

impl WriteJson for BigDecimal {
    fn write_json(&self, out: &mut JsonWriter) {
        out.big(self.as_str());
    }
}

impl WriteJson for Timestamp {
    /// Epoch seconds: whole, or with the fraction.
    fn write_json(&self, out: &mut JsonWriter) {
        if self.subsec_nanos() == 0 {
            self.epoch_seconds().write_json(out);
        } else {
            out.float(self.as_epoch_seconds_f64(), None);
        }
    }
}

impl WriteJson for DateTime {
    fn write_json(&self, out: &mut JsonWriter) {
        if out.rpc_v2 {
            return self.0.write_json(out);
        }
        out.string(&self.0.to_string());
    }
}

impl WriteJson for HttpDate {
    fn write_json(&self, out: &mut JsonWriter) {
        if out.rpc_v2 {
            return self.0.write_json(out);
        }
        out.string(&self.0.to_http_date());
    }
}

impl WriteJson for Blob {
    /// Base64, which needs no escaping.
    fn write_json(&self, out: &mut JsonWriter) {
        use base64::Engine as _;
        let bytes = &mut out.out;
        bytes.push(b'"');
        let at = bytes.len();
        bytes.resize(at + base64::encoded_len(self.as_ref().len(), true).unwrap_or(0), 0);
        let written = base64::engine::general_purpose::STANDARD.encode_slice(self.as_ref(), &mut bytes[at..]);
        bytes.truncate(at + written.unwrap_or(0));
        bytes.push(b'"');
    }
}

impl WriteJson for Document {
    fn write_json(&self, out: &mut JsonWriter) {
        // A document's own numbers and strings are serde_json's to write.
        if serde_json::to_writer(&mut out.out, self).is_err() {
            out.raw("null");
        }
    }
}

impl WriteJson for Unit {
    fn write_json(&self, out: &mut JsonWriter) {
        out.raw("{}");
    }
}

impl<T: WriteJson + ?Sized> WriteJson for Box<T> {
    fn write_json(&self, out: &mut JsonWriter) {
        (**self).write_json(out);
    }
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, out: &mut JsonWriter) {
        (**self).write_json(out);
    }
}

/// A sparse collection's entry: `null` when absent.
impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, out: &mut JsonWriter) {
        match self {
            Some(value) => value.write_json(out),
            None => out.raw("null"),
        }
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut JsonWriter) {
        out.out.push(b'[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.out.push(b',');
            }
            item.write_json(out);
        }
        out.out.push(b']');
    }
}

impl<K: AsRef<str>, V: WriteJson> WriteJson for BTreeMap<K, V> {
    fn write_json(&self, out: &mut JsonWriter) {
        let mut object = out.object();
        for (key, value) in self {
            object.entry(key.as_ref(), value);
        }
        object.end();
    }
}

/// `value` as JSON bytes, with room for a typical response.
pub fn to_vec<T: WriteJson + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = JsonWriter::with_capacity(1024);
    value.write_json(&mut out);
    out.into_bytes()
}

/// [`to_vec`] as Smithy's RPC v2 JSON writes it ([`JsonWriter::rpc_v2`]).
pub fn to_vec_rpc_v2<T: WriteJson + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = JsonWriter::rpc_v2(1024);
    value.write_json(&mut out);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: WriteJson + ?Sized>(value: &T) -> String {
        String::from_utf8(to_vec(value)).unwrap()
    }

    /// Strings are escaped exactly as serde_json escapes them.
    #[test]
    fn strings_escape_as_serde_json_does() {
        let mut every_byte: String = (0u8..0x80).map(char::from).collect();
        every_byte.push_str("é\u{2028}😀\"\\/");
        for text in ["", "plain", "a\"b\\c", "line\nbreak\r\t\u{8}\u{c}", "\u{0}\u{1f}\u{7f}", every_byte.as_str()] {
            assert_eq!(json(text), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    /// Every position of an escape within and across the eight-byte
    /// chunks, among text that needs none.
    #[test]
    fn escapes_are_found_wherever_they_fall() {
        let pieces = ["a", "é", "\"", "\\", "\n", "\u{1}", "\u{7f}", "😀", "bcdefgh", "\u{1f}"];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            assert_eq!(json(text.as_str()), serde_json::to_string(&text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn numbers_are_written_as_the_protocols_want() {
        assert_eq!(json(&-42i32), "-42");
        assert_eq!(json(&i64::MIN), i64::MIN.to_string());
        assert_eq!(json(&1.5f64), "1.5");
        assert_eq!(json(&1.0f64), "1.0");
        assert_eq!(json(&1e300f64), serde_json::to_string(&1e300f64).unwrap());
        assert_eq!(json(&0.1f32), "0.1");
        assert_eq!(json(&f64::NAN), "\"NaN\"");
        assert_eq!(json(&f32::INFINITY), "\"Infinity\"");
        assert_eq!(json(&f64::NEG_INFINITY), "\"-Infinity\"");
        assert_eq!(json(&vec![f64::NAN]), "[\"NaN\"]");
        let big: BigInteger = "123456789012345678901234567890".parse().unwrap();
        assert_eq!(json(&big), "123456789012345678901234567890");
    }

    #[test]
    fn wire_types_are_written_as_serde_writes_them() {
        let whole = Timestamp::from_epoch_seconds(1_700_000_000).unwrap();
        let fraction = Timestamp::parse_date_time("2023-11-14T22:13:20.5Z").unwrap();
        assert_eq!(json(&whole), serde_json::to_string(&whole).unwrap());
        assert_eq!(json(&fraction), serde_json::to_string(&fraction).unwrap());
        assert_eq!(json(&DateTime(fraction)), serde_json::to_string(&DateTime(fraction)).unwrap());
        assert_eq!(json(&HttpDate(whole)), serde_json::to_string(&HttpDate(whole)).unwrap());
        for bytes in [&b""[..], b"a", b"ab", b"abc", b"\xff\x00binary"] {
            let blob = Blob::new(bytes);
            assert_eq!(json(&blob), serde_json::to_string(&blob).unwrap());
        }
        let document = serde_json::json!({"a": [1, 2.5, null, "x"], "b": {"c": true}});
        assert_eq!(json(&document), serde_json::to_string(&document).unwrap());
        assert_eq!(json(&Unit {}), "{}");
    }

    #[test]
    fn collections_and_objects() {
        let map: BTreeMap<String, Option<i32>> = [("a\"".to_string(), Some(1)), ("b".to_string(), None)].into();
        assert_eq!(json(&map), r#"{"a\"":1,"b":null}"#);
        assert_eq!(json(&Vec::<String>::new()), "[]");
        let mut out = JsonWriter::default();
        let mut object = out.object();
        object.member("\"x\":", &1i32);
        object.member("\"y\":", &vec!["z".to_string()]);
        object.end();
        assert_eq!(String::from_utf8(out.into_bytes()).unwrap(), r#"{"x":1,"y":["z"]}"#);
    }
}
