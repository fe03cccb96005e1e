//! [`BigInteger`] and [`BigDecimal`]: Smithy's arbitrary-precision numbers,
//! kept as the decimal text they arrived as, so that no digit is lost to an
//! `f64` or an `i128`. They compare, hash and check `@range` by value,
//! exactly (`1.50` equals `1.5`), and are written back as the JSON numbers
//! they were read as.
//!
//! Their serde implementations go through serde_json's raw values, which is
//! how a JSON number of any length passes through serde untouched: they are
//! for JSON. Other formats should carry [`BigDecimal::as_str`] (or
//! `to_f64`), as the protocols that are not JSON will.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::ser::{self, Serializer};
use serde::{Deserialize, Serialize};

/// The largest exponent magnitude a number may be written with
/// (`1e999999999`): beyond it, no value could be compared or stored
/// anywhere it would be sent.
const MAX_EXPONENT: i64 = 999_999_999;

/// `smithy.api#BigInteger`: a whole number of any size, as its decimal
/// text (`-12345678901234567890123`).
///
/// ```
/// use awsgen_runtime::BigInteger;
///
/// let n: BigInteger = "123456789012345678901234567890".parse().unwrap();
/// assert_eq!(n.as_str(), "123456789012345678901234567890");
/// assert!(n > BigInteger::from(u64::MAX));
/// assert!("1.5".parse::<BigInteger>().is_err());
/// ```
#[derive(Clone)]
pub struct BigInteger(Box<str>);

/// `smithy.api#BigDecimal`: a decimal number of any size and precision, as
/// its text (`0.100000000000000000000001`, `-1.5e-300`).
///
/// ```
/// use awsgen_runtime::BigDecimal;
///
/// let x: BigDecimal = "0.100000000000000000000001".parse().unwrap();
/// assert_eq!(x.to_string(), "0.100000000000000000000001");
/// assert!(x > "0.1".parse().unwrap());
/// assert_eq!("1.50".parse::<BigDecimal>().unwrap(), "15e-1".parse().unwrap());
/// ```
#[derive(Clone)]
pub struct BigDecimal(Box<str>);

/// Text that is not a number of the kind wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseBigNumberError {
    whole: bool,
}

impl fmt::Display for ParseBigNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.whole {
            true => f.write_str("not a whole number in decimal digits"),
            false => f.write_str("not a decimal number (as JSON writes one, with an exponent of at most 9 digits)"),
        }
    }
}

impl std::error::Error for ParseBigNumberError {}

impl BigInteger {
    /// `text` if it is a whole number: an optional `-`, then digits with no
    /// leading zero (`0` alone aside), as JSON writes one.
    pub fn parse(text: &str) -> Result<Self, ParseBigNumberError> {
        match Parts::of(text) {
            Some(parts) if parts.frac.is_empty() && parts.exp == 0 && !parts.has_exponent => {
                Ok(BigInteger(text.into()))
            }
            _ => Err(ParseBigNumberError { whole: true }),
        }
    }

    /// `text`, a whole number written in the source: for constants
    /// (generated defaults). Panics if it is not one.
    pub fn from_static(text: &'static str) -> Self {
        BigInteger::parse(text).unwrap_or_else(|e| panic!("{text:?} is {e}"))
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number, if it fits an `i128`.
    pub fn to_i128(&self) -> Option<i128> {
        self.0.parse().ok()
    }

    /// The number as the nearest `f64` (infinite past its range).
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }

    fn parts(&self) -> Parts<'_> {
        Parts::of(&self.0).expect("checked when made")
    }
}

impl BigDecimal {
    /// `text` if it is a number as JSON writes one (`-1.5e3`), its exponent
    /// at most nine digits.
    pub fn parse(text: &str) -> Result<Self, ParseBigNumberError> {
        match Parts::of(text) {
            Some(_) => Ok(BigDecimal(text.into())),
            None => Err(ParseBigNumberError { whole: false }),
        }
    }

    /// `text`, a number written in the source: for constants (generated
    /// defaults). Panics if it is not one.
    pub fn from_static(text: &'static str) -> Self {
        BigDecimal::parse(text).unwrap_or_else(|e| panic!("{text:?} is {e}"))
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as the nearest `f64` (infinite past its range).
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }

    fn parts(&self) -> Parts<'_> {
        Parts::of(&self.0).expect("checked when made")
    }
}

/// A number's text, split: `-` `int` `.` `frac` `e` `exp`.
#[derive(Clone, Copy)]
struct Parts<'a> {
    negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
    exp: i64,
    has_exponent: bool,
}

impl<'a> Parts<'a> {
    /// The parts of a JSON number, or `None` for any other text.
    fn of(text: &'a str) -> Option<Self> {
        let bytes = text.as_bytes();
        let (negative, rest) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let int_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let (int, mut rest) = rest.split_at(int_len);
        if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
            return None;
        }
        let mut frac: &[u8] = &[];
        if let Some((b'.', after)) = rest.split_first() {
            let len = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if len == 0 {
                return None;
            }
            (frac, rest) = after.split_at(len);
        }
        let (mut exp, mut has_exponent) = (0, false);
        if let Some((b'e' | b'E', after)) = rest.split_first() {
            let (sign, digits) = match after.split_first() {
                Some((b'-', digits)) => (-1, digits),
                Some((b'+', digits)) => (1, digits),
                _ => (1, after),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let magnitude = digits.iter().skip_while(|b| **b == b'0').count();
            if magnitude > 9 {
                return None;
            }
            let value = digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
            (exp, has_exponent, rest) = (sign * value.min(MAX_EXPONENT), true, &[]);
        }
        rest.is_empty().then_some(Parts { negative, int, frac, exp, has_exponent })
    }

    /// The value as `(negative, magnitude, digits)`: its significant
    /// digits, without leading or trailing zeros, and `magnitude` such that
    /// the value is `0.d1d2... * 10^magnitude`; `None` for zero.
    fn normal(&self) -> Option<(bool, i64, impl Iterator<Item = u8> + Clone + 'a)> {
        let int_zeros = self.int.iter().take_while(|b| **b == b'0').count();
        let int = &self.int[int_zeros..];
        let (leading_frac_zeros, magnitude) = match int.is_empty() {
            false => (0, int.len() as i64 + self.exp),
            true => {
                let zeros = self.frac.iter().take_while(|b| **b == b'0').count();
                if zeros == self.frac.len() {
                    return None;
                }
                (zeros, -(zeros as i64) + self.exp)
            }
        };
        let frac = &self.frac[leading_frac_zeros..];
        let all_len = int.len() + frac.len();
        let trailing = int.iter().chain(frac).rev().take_while(|b| **b == b'0').count();
        let digits = int.iter().chain(frac).take(all_len - trailing).copied();
        Some((self.negative, magnitude, digits))
    }

    /// The numbers' order, by value.
    fn cmp_value(&self, other: &Parts<'_>) -> Ordering {
        match (self.normal(), other.normal()) {
            (None, None) => Ordering::Equal,
            (None, Some((negative, ..))) => {
                if negative {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (Some((negative, ..)), None) => {
                if negative {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (Some((na, ma, da)), Some((nb, mb, db))) => {
                let magnitude_order = match (na, nb) {
                    (false, true) => return Ordering::Greater,
                    (true, false) => return Ordering::Less,
                    _ => ma.cmp(&mb).then_with(|| da.cmp(db)),
                };
                if na { magnitude_order.reverse() } else { magnitude_order }
            }
        }
    }

    fn hash_value<H: Hasher>(&self, state: &mut H) {
        match self.normal() {
            None => 0u8.hash(state),
            Some((negative, magnitude, digits)) => {
                (1u8, negative, magnitude).hash(state);
                digits.for_each(|d| d.hash(state));
            }
        }
    }
}

/// Compares a number's text with a `@range` bound's, by value: `None` if
/// either is not a number.
pub(crate) fn compare_text(value: &str, bound: &str) -> Option<Ordering> {
    Some(Parts::of(value)?.cmp_value(&Parts::of(bound)?))
}

macro_rules! number_traits {
    ($ty:ident, $zero:literal) => {
        impl Default for $ty {
            /// Zero.
            fn default() -> Self {
                $ty($zero.into())
            }
        }

        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == Ordering::Equal
            }
        }

        impl Eq for $ty {}

        impl PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $ty {
            fn cmp(&self, other: &Self) -> Ordering {
                self.parts().cmp_value(&other.parts())
            }
        }

        impl Hash for $ty {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.parts().hash_value(state);
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($ty), self.0)
            }
        }

        impl FromStr for $ty {
            type Err = ParseBigNumberError;

            fn from_str(text: &str) -> Result<Self, ParseBigNumberError> {
                $ty::parse(text)
            }
        }

        /// A JSON number, exactly as written (through serde_json's raw values).
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let raw = serde_json::value::RawValue::from_string(self.0.to_string()).map_err(ser::Error::custom)?;
                raw.serialize(serializer)
            }
        }

        /// From a JSON number, every digit kept (through serde_json's raw
        /// values); a string holding one is taken too.
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
                let text = raw.get().trim();
                let text = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
                $ty::parse(text).map_err(de::Error::custom)
            }
        }

        from_primitive!($ty: i32, u32, i64, u64, i128, u128);
    };
}

/// Every digit of a primitive integer, as its decimal text.
macro_rules! from_primitive {
    ($ty:ident: $($int:ty),*) => {$(
        impl From<$int> for $ty {
            fn from(n: $int) -> Self {
                $ty(n.to_string().into())
            }
        }
    )*};
}

number_traits!(BigInteger, "0");
number_traits!(BigDecimal, "0");

impl From<BigInteger> for BigDecimal {
    fn from(n: BigInteger) -> Self {
        BigDecimal(n.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> BigDecimal {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn only_json_numbers_parse() {
        for good in ["0", "-0", "1", "-12", "1.5", "0.0001", "1e3", "1E+3", "2.5e-10", "123456789012345678901234567890"]
        {
            assert_eq!(d(good).as_str(), good);
        }
        for bad in ["", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x10", "1 ", " 1", "NaN", "1e1234567890", "--1"] {
            assert!(bad.parse::<BigDecimal>().is_err(), "{bad:?}");
        }
        assert!("123".parse::<BigInteger>().is_ok());
        for bad in ["1.0", "1e3", "1.5"] {
            assert!(bad.parse::<BigInteger>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn numbers_compare_and_hash_by_value() {
        use std::collections::hash_map::DefaultHasher;
        let hash = |x: &BigDecimal| {
            let mut h = DefaultHasher::new();
            x.hash(&mut h);
            h.finish()
        };
        for (a, b) in [("1.50", "1.5"), ("15e-1", "1.5"), ("0", "-0.000"), ("100", "1e2"), ("0.001", "1e-3")] {
            assert_eq!(d(a), d(b), "{a} {b}");
            assert_eq!(hash(&d(a)), hash(&d(b)), "{a} {b}");
        }
        let ordered = [
            "-1e10",
            "-2",
            "-1.5",
            "-0.1",
            "0",
            "1e-300",
            "0.1",
            "0.100000000000000000000001",
            "1",
            "9.99",
            "10",
            "1e30",
        ];
        for pair in ordered.windows(2) {
            assert!(d(pair[0]) < d(pair[1]), "{} < {}", pair[0], pair[1]);
            assert!(d(pair[1]) > d(pair[0]), "{} > {}", pair[1], pair[0]);
        }
        let big: BigInteger = "123456789012345678901234567890".parse().unwrap();
        assert!(big > BigInteger::from(u64::MAX) && big.to_i128() == Some(123456789012345678901234567890));
        assert_eq!(compare_text("10", "9.5"), Some(Ordering::Greater));
    }

    #[test]
    fn json_keeps_every_digit() {
        let x = d("0.100000000000000000000001");
        assert_eq!(serde_json::to_string(&x).unwrap(), "0.100000000000000000000001");
        let back: BigDecimal = serde_json::from_str("0.100000000000000000000001").unwrap();
        assert_eq!(back.as_str(), "0.100000000000000000000001");
        let n: BigInteger = serde_json::from_str("-123456789012345678901234567890").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "-123456789012345678901234567890");
        // The values of Smithy's arbitrary-precision protocol tests, which
        // rpcv2Json writes as strings.
        for text in ["1.5", "0.100000000000000000000001", "-0.100000000000000000000001", "100000000000000000000001.0"] {
            let number: BigDecimal = serde_json::from_str(text).unwrap();
            let string: BigDecimal = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!((number.as_str(), string.as_str()), (text, text));
            assert_eq!(serde_json::to_string(&number).unwrap(), text);
        }
        assert!(serde_json::from_str::<BigInteger>("1.5").is_err());
        assert!(serde_json::from_str::<BigInteger>("[1]").is_err());
    }
}
