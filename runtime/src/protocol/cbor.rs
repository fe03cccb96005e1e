//! What the CBOR protocol (RPC v2 CBOR) writes responses with:
//! [`WriteCbor`], which the generator implements for every structure,
//! union and enum a server writes, and [`CborWriter`], the buffer those
//! impls write into, member by member, with no serializer in between (as
//! [`super::json`] does for JSON).
//!
//! The output is CBOR as Smithy's RPC v2 CBOR protocol has it, every
//! length definite: a structure is a map of its present members under
//! their names (a generated impl counts them first), a list an array, a
//! map a map, strings and enums text strings, integers the smallest head
//! that holds them, `float` a single and `double` a double (NaN and the
//! infinities as themselves), blobs byte strings, timestamps tag 1 over a
//! double of epoch seconds, big integers tag 2 or 3 where they do not fit
//! 64 bits, big decimals tag 4, and the unit value an empty map.

use std::collections::BTreeMap;

use crate::{BigDecimal, BigInteger, Blob, DateTime, Document, HttpDate, Timestamp, Unit};

/// A value written as CBOR into a [`CborWriter`].
pub trait WriteCbor {
    /// Appends the value as one CBOR data item to `out`, in the form the
    /// module's docs describe.
    fn write_cbor(&self, out: &mut CborWriter);
}

/// A structure's members, written into a map another writer opened (an
/// error adds its `__type`): how many are present, then each.
pub trait WriteCborMembers {
    /// How many members [`WriteCborMembers::write_members`] writes.
    fn member_count(&self) -> u64;
    /// Writes each member that is set into the map, its name (a text
    /// string) then its value: exactly [`WriteCborMembers::member_count`]
    /// entries, after the map's head the caller wrote.
    fn write_members(&self, out: &mut CborWriter);
}

/// Major types, in an initial byte's top three bits (the request reader
/// looks at them too).
const UNSIGNED: u8 = 0;
const NEGATIVE: u8 = 1;
const BYTES: u8 = 2;
pub(crate) const TEXT: u8 = 3;
pub(crate) const ARRAY: u8 = 4;
pub(crate) const MAP: u8 = 5;
const TAG: u8 = 6;

/// A CBOR item being written: a byte buffer.
#[derive(Debug, Default)]
pub struct CborWriter {
    out: Vec<u8>,
}

impl CborWriter {
    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        CborWriter { out: Vec::with_capacity(capacity) }
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// An item's head: its major type and its argument, in the fewest
    /// bytes that hold it.
    fn head(&mut self, major: u8, argument: u64) {
        let major = major << 5;
        match argument {
            0..24 => self.out.push(major | argument as u8),
            24..=0xff => self.out.extend_from_slice(&[major | 24, argument as u8]),
            0x100..=0xffff => {
                self.out.push(major | 25);
                self.out.extend_from_slice(&(argument as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                self.out.push(major | 26);
                self.out.extend_from_slice(&(argument as u32).to_be_bytes());
            }
            _ => {
                self.out.push(major | 27);
                self.out.extend_from_slice(&argument.to_be_bytes());
            }
        }
    }

    /// Opens a map of `entries` entries: each a key, then its value.
    pub fn map(&mut self, entries: u64) {
        self.head(MAP, entries);
    }

    /// Opens an array of `items` items.
    pub fn array(&mut self, items: u64) {
        self.head(ARRAY, items);
    }

    /// A text string.
    pub fn text(&mut self, value: &str) {
        self.head(TEXT, value.len() as u64);
        self.out.extend_from_slice(value.as_bytes());
    }

    /// A member's key as the generator writes it: the whole text string,
    /// head and all, encoded when the crate was generated.
    pub fn key(&mut self, encoded: &'static [u8]) {
        self.out.extend_from_slice(encoded);
    }

    /// A byte string.
    pub fn bytes(&mut self, value: &[u8]) {
        self.head(BYTES, value.len() as u64);
        self.out.extend_from_slice(value);
    }

    /// An integer.
    pub fn integer(&mut self, value: i64) {
        if value >= 0 {
            self.head(UNSIGNED, value as u64);
        } else {
            // -1 - n, which cannot overflow.
            self.head(NEGATIVE, !(value as u64));
        }
    }

    /// A single-precision float.
    pub fn single(&mut self, value: f32) {
        self.out.push(0xfa);
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    /// A double-precision float.
    pub fn double(&mut self, value: f64) {
        self.out.push(0xfb);
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    /// A boolean: `true` or `false` (simple values 21 and 20).
    pub fn boolean(&mut self, value: bool) {
        self.out.push(if value { 0xf5 } else { 0xf4 });
    }

    /// `null` (simple value 22): an absent item of a sparse list or map,
    /// or a document's null.
    pub fn null(&mut self) {
        self.out.push(0xf6);
    }

    /// A tag, before the item it tags.
    fn tag(&mut self, tag: u64) {
        self.head(TAG, tag);
    }

    /// A timestamp: tag 1 over a double of seconds since the epoch.
    pub fn timestamp(&mut self, value: &Timestamp) {
        self.tag(1);
        self.double(value.as_epoch_seconds_f64());
    }

    /// A structure as a map of its members.
    pub fn members<T: WriteCborMembers + ?Sized>(&mut self, value: &T) {
        self.map(value.member_count());
        value.write_members(self);
    }

    /// A whole number of any size, from its decimal text (sign, digits):
    /// an integer where it fits 64 bits, else tag 2 or 3 over its
    /// magnitude's bytes.
    fn big_integer(&mut self, text: &str) {
        let (negative, digits) = text.strip_prefix('-').map_or((false, text), |digits| (true, digits));
        let digits = digits.strip_prefix('+').unwrap_or(digits);
        if let Ok(magnitude) = digits.parse::<u64>() {
            match (negative, magnitude) {
                (false, n) => self.head(UNSIGNED, n),
                (true, 0) => self.head(UNSIGNED, 0),
                (true, n) => self.head(NEGATIVE, n - 1),
            }
            return;
        }
        // Tag 3 holds -1 - n: the magnitude less one.
        let mut magnitude = magnitude_bytes(digits);
        if negative {
            subtract_one(&mut magnitude);
        }
        self.tag(if negative { 3 } else { 2 });
        self.bytes(&magnitude);
    }
}

/// The big-endian bytes of the decimal `digits`, without leading zeros.
fn magnitude_bytes(digits: &str) -> Vec<u8> {
    let mut bytes: Vec<u8> = Vec::new();
    for digit in digits.bytes().filter(u8::is_ascii_digit) {
        // bytes = bytes * 10 + digit, least significant last.
        let mut carry = u32::from(digit - b'0');
        for byte in bytes.iter_mut().rev() {
            let value = u32::from(*byte) * 10 + carry;
            *byte = value as u8;
            carry = value >> 8;
        }
        while carry > 0 {
            bytes.insert(0, carry as u8);
            carry >>= 8;
        }
    }
    bytes
}

/// `bytes`, a big-endian number above zero, less one.
fn subtract_one(bytes: &mut Vec<u8>) {
    for byte in bytes.iter_mut().rev() {
        if *byte > 0 {
            *byte -= 1;
            break;
        }
        *byte = 0xff;
    }
    while bytes.first() == Some(&0) {
        bytes.remove(0);
    }
}

impl WriteCbor for str {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.text(self);
    }
}

impl WriteCbor for String {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.text(self);
    }
}

impl WriteCbor for bool {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.boolean(*self);
    }
}

macro_rules! integer_write_cbor {
    ($($ty:ty),*) => {$(
        impl WriteCbor for $ty {
            fn write_cbor(&self, out: &mut CborWriter) {
                out.integer(i64::from(*self));
            }
        }
    )*};
}

integer_write_cbor!(i8, i16, i32, i64);

impl WriteCbor for f32 {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.single(*self);
    }
}

impl WriteCbor for f64 {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.double(*self);
    }
}

impl WriteCbor for BigInteger {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.big_integer(self.as_str());
    }
}

impl WriteCbor for BigDecimal {
    /// Tag 4 over its exponent and its mantissa (`1.25e3` is 125 and 1).
    fn write_cbor(&self, out: &mut CborWriter) {
        let text = self.as_str();
        let (number, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], text[at + 1..].parse::<i64>().unwrap_or(0)),
            None => (text, 0),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let mantissa = format!("{whole}{fraction}");
        out.tag(4);
        out.array(2);
        out.integer(exponent - fraction.len() as i64);
        out.big_integer(&mantissa);
    }
}

impl WriteCbor for Timestamp {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.timestamp(self);
    }
}

/// RPC v2 CBOR has one form for every timestamp, whatever its format.
impl WriteCbor for DateTime {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.timestamp(&self.0);
    }
}

impl WriteCbor for HttpDate {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.timestamp(&self.0);
    }
}

impl WriteCbor for Blob {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.bytes(self.as_ref());
    }
}

/// A document (which the protocol does not model) as the CBOR of its JSON
/// value: objects as maps, arrays, strings, numbers, booleans and null.
impl WriteCbor for Document {
    fn write_cbor(&self, out: &mut CborWriter) {
        match self {
            Document::Null => out.null(),
            Document::Bool(value) => out.boolean(*value),
            Document::Number(number) => match (number.as_i64(), number.as_f64()) {
                (Some(n), _) => out.integer(n),
                (None, Some(n)) if number.is_f64() => out.double(n),
                _ => out.big_integer(&number.to_string()),
            },
            Document::String(text) => out.text(text),
            Document::Array(items) => {
                out.array(items.len() as u64);
                items.iter().for_each(|item| item.write_cbor(out));
            }
            Document::Object(members) => {
                out.map(members.len() as u64);
                for (key, value) in members {
                    out.text(key);
                    value.write_cbor(out);
                }
            }
        }
    }
}

impl WriteCbor for Unit {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.map(0);
    }
}

impl<T: WriteCbor + ?Sized> WriteCbor for Box<T> {
    fn write_cbor(&self, out: &mut CborWriter) {
        (**self).write_cbor(out);
    }
}

impl<T: WriteCbor + ?Sized> WriteCbor for &T {
    fn write_cbor(&self, out: &mut CborWriter) {
        (**self).write_cbor(out);
    }
}

/// A sparse collection's entry: null when absent.
impl<T: WriteCbor> WriteCbor for Option<T> {
    fn write_cbor(&self, out: &mut CborWriter) {
        match self {
            Some(value) => value.write_cbor(out),
            None => out.null(),
        }
    }
}

impl<T: WriteCbor> WriteCbor for Vec<T> {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.array(self.len() as u64);
        for item in self {
            item.write_cbor(out);
        }
    }
}

impl<K: AsRef<str>, V: WriteCbor> WriteCbor for BTreeMap<K, V> {
    fn write_cbor(&self, out: &mut CborWriter) {
        out.map(self.len() as u64);
        for (key, value) in self {
            out.text(key.as_ref());
            value.write_cbor(out);
        }
    }
}

/// `value` as CBOR bytes, with room for a typical response.
pub fn to_vec<T: WriteCbor + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = CborWriter::with_capacity(256);
    value.write_cbor(&mut out);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use minicbor::Decoder;
    use minicbor::data::Tag;

    use super::*;

    /// Every head length, each checked by minicbor's decoder.
    #[test]
    fn integers_take_the_smallest_head_that_holds_them() {
        for value in [
            0,
            1,
            23,
            24,
            255,
            256,
            65_535,
            65_536,
            4_294_967_295,
            4_294_967_296,
            i64::MAX,
            -1,
            -24,
            -25,
            -256,
            -257,
            i64::MIN,
        ] {
            let bytes = to_vec(&value);
            let decoded = i64::try_from(Decoder::new(&bytes).int().unwrap()).unwrap();
            assert_eq!(decoded, value);
            let argument = if value >= 0 { value as u64 } else { !(value as u64) };
            let expected_length = match argument {
                0..24 => 1,
                24..=0xff => 2,
                0x100..=0xffff => 3,
                0x1_0000..=0xffff_ffff => 5,
                _ => 9,
            };
            assert_eq!(bytes.len(), expected_length, "{value}: {bytes:?}");
        }
        assert_eq!(to_vec(&23i32), [0x17]);
        assert_eq!(to_vec(&24i32), [0x18, 24]);
        assert_eq!(to_vec(&-1i8), [0x20]);
    }

    #[test]
    fn values_read_back_as_written() {
        let mut out = CborWriter::default();
        out.map(7);
        out.key(b"\x64Name");
        "héllo".write_cbor(&mut out);
        out.text("Ratio");
        1.5f32.write_cbor(&mut out);
        out.text("Nan");
        f64::NAN.write_cbor(&mut out);
        out.text("Data");
        Blob::new(vec![1, 2, 3]).write_cbor(&mut out);
        out.text("When");
        Timestamp::from_epoch_seconds_f64(1_700_000_000.5).unwrap().write_cbor(&mut out);
        out.text("Names");
        vec![Some("a".to_string()), None].write_cbor(&mut out);
        out.text("Unit");
        Unit {}.write_cbor(&mut out);
        let bytes = out.into_bytes();
        let mut d = Decoder::new(&bytes);
        assert_eq!(d.map().unwrap(), Some(7));
        assert_eq!((d.str().unwrap(), d.str().unwrap()), ("Name", "héllo"));
        assert_eq!((d.str().unwrap(), d.f32().unwrap()), ("Ratio", 1.5));
        assert!(d.str().unwrap() == "Nan" && d.f64().unwrap().is_nan());
        assert_eq!((d.str().unwrap(), d.bytes().unwrap()), ("Data", &[1u8, 2, 3][..]));
        assert_eq!((d.str().unwrap(), d.tag().unwrap(), d.f64().unwrap()), ("When", Tag::new(1), 1_700_000_000.5));
        assert_eq!((d.str().unwrap(), d.array().unwrap()), ("Names", Some(2)));
        assert_eq!(d.str().unwrap(), "a");
        d.null().unwrap();
        assert_eq!((d.str().unwrap(), d.map().unwrap()), ("Unit", Some(0)));
        assert_eq!(d.position(), bytes.len());
    }

    #[test]
    fn big_numbers_fit_64_bits_or_take_their_tags() {
        let read = |bytes: &[u8]| {
            let mut d = Decoder::new(bytes);
            match d.datatype().unwrap() {
                minicbor::data::Type::Tag => {
                    let tag = d.tag().unwrap().as_u64();
                    (Some(tag), d.bytes().unwrap().to_vec())
                }
                _ => (None, i64::try_from(d.int().unwrap()).unwrap().to_be_bytes().to_vec()),
            }
        };
        let big = |text: &str| to_vec(&text.parse::<BigInteger>().unwrap());
        assert_eq!(read(&big("-5")), (None, (-5i64).to_be_bytes().to_vec()));
        // 2^64 is tag 2 over 01 00 00 00 00 00 00 00 00; -2^64 - 1 is tag 3
        // over the same magnitude (-1 - n).
        assert_eq!(read(&big("18446744073709551616")), (Some(2), vec![1, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(read(&big("-18446744073709551617")), (Some(3), vec![1, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(big("18446744073709551615"), [0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        let decimal = to_vec(&"1.25e3".parse::<BigDecimal>().unwrap());
        let mut d = Decoder::new(&decimal);
        assert_eq!((d.tag().unwrap().as_u64(), d.array().unwrap()), (4, Some(2)));
        assert_eq!((i64::try_from(d.int().unwrap()).unwrap(), i64::try_from(d.int().unwrap()).unwrap()), (1, 125));
    }
}
