//! What DynamoDB requires of an item beyond what the model states, and an
//! item as the emulator's records keep it.
//!
//! The rules are DynamoDB's: numbers of at most 38 significant digits with a
//! magnitude from 1E-130 to under 1E+126, no empty sets and no duplicates in
//! one, at most 32 levels of nested lists and maps, and items of at most
//! 400 KB counted as DynamoDB counts them (attribute names included).

use std::collections::{BTreeMap, HashSet};

use emulator_generated::dynamodb::types::AttributeValue;
use emulator_generated::runtime::{Blob, excerpt};
use serde_json::{Map, Value, json};

/// An item: its attributes by name.
pub type Item = BTreeMap<String, AttributeValue>;

/// The largest item, in bytes as DynamoDB counts them (400 KB).
pub const MAX_ITEM_BYTES: usize = 409_600;
/// The deepest lists and maps may nest.
const MAX_DEPTH: usize = 32;

/// A DynamoDB number in a canonical form, so that `1`, `1.0` and `10E-1`
/// are one key: its sign, its significant digits without leading or
/// trailing zeros, and the exponent that makes `0.<digits>` its magnitude.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number {
    negative: bool,
    exponent: i32,
    digits: String,
}

/// Why text is not a number DynamoDB stores.
#[derive(Debug, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    Overflow,
    Underflow,
    Precision,
}

impl Number {
    /// A number as DynamoDB accepts one: decimal, with an optional sign,
    /// fraction and exponent, at most 38 significant digits, and a magnitude
    /// from 1E-130 to under 1E+126 (or zero).
    #[cfg(test)]
    pub fn parse(text: &str) -> Option<Number> {
        Number::read(text).ok()
    }

    /// [`Number::parse`], saying why not.
    pub fn read(text: &str) -> Result<Number, NumberError> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => {
                let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(NumberError::NotANumber);
                }
                // An exponent too large for an i32 is far out of range.
                let huge = if exponent.starts_with('-') { i32::MIN / 2 } else { i32::MAX / 2 };
                (mantissa, exponent.parse::<i32>().unwrap_or(huge))
            }
            None => (unsigned, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if (whole.is_empty() && fraction.is_empty())
            || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
        {
            return Err(NumberError::NotANumber);
        }
        let all = [whole, fraction].concat();
        let significant = all.trim_start_matches('0');
        let digits = significant.trim_end_matches('0');
        if digits.is_empty() {
            return Ok(Number { negative: false, exponent: 0, digits: String::new() });
        }
        let leading_zeros = i32::try_from(all.len() - significant.len()).map_err(|_| NumberError::Precision)?;
        let whole_digits = i32::try_from(whole.len()).map_err(|_| NumberError::Overflow)?;
        let exponent = whole_digits.saturating_sub(leading_zeros).saturating_add(exponent);
        if digits.len() > 38 {
            return Err(NumberError::Precision);
        }
        if exponent > 126 {
            return Err(NumberError::Overflow);
        }
        if exponent < -129 {
            return Err(NumberError::Underflow);
        }
        Ok(Number { negative, exponent, digits: digits.to_string() })
    }

    /// Its size as DynamoDB counts it: a byte per two significant digits,
    /// and one.
    fn size(&self) -> usize {
        self.digits.len().div_ceil(2) + 1
    }

    /// The order of two numbers by value.
    pub fn numeric_cmp(&self, other: &Number) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let sign = |n: &Number| {
            if n.digits.is_empty() {
                0
            } else if n.negative {
                -1
            } else {
                1
            }
        };
        let by_magnitude = || self.exponent.cmp(&other.exponent).then_with(|| self.digits.cmp(&other.digits));
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if sign(self) == 0 => Ordering::Equal,
            Ordering::Equal if sign(self) < 0 => by_magnitude().reverse(),
            Ordering::Equal => by_magnitude(),
            unequal => unequal,
        }
    }

    /// The number as whole digits and a scale: sign, digits, and how many
    /// of them are after the point (negative: zeros to add).
    pub fn scaled(&self) -> (bool, Vec<u8>, i64) {
        let digits: Vec<u8> = self.digits.bytes().map(|b| b - b'0').collect();
        let scale = digits.len() as i64 - i64::from(self.exponent);
        (self.negative, digits, scale)
    }

    /// A text that is the same for every way of writing the number, for
    /// the keys of records.
    pub fn canonical(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}0.{}e{}", self.digits, self.exponent)
    }
}

impl NumberError {
    /// DynamoDB's message.
    pub fn message(&self, text: &str) -> String {
        match self {
            NumberError::NotANumber => {
                format!("The parameter cannot be converted to a numeric value: {}", excerpt(text))
            }
            NumberError::Overflow => {
                "Number overflow. Attempting to store a number with magnitude larger than supported range".to_string()
            }
            NumberError::Underflow => {
                "Number underflow. Attempting to store a number with magnitude smaller than supported range".to_string()
            }
            NumberError::Precision => "Attempting to store more than 38 significant digits in a Number".to_string(),
        }
    }
}

/// Checks `item` as DynamoDB does before it stores one: its size as
/// DynamoDB counts it, or DynamoDB's message for why it is refused.
pub fn check_item(item: &Item) -> Result<usize, String> {
    let mut size = 0usize;
    for (name, value) in item {
        size = size.saturating_add(name.len()).saturating_add(check_value(value, 1)?);
    }
    if size > MAX_ITEM_BYTES {
        return Err("Item size has exceeded the maximum allowed size".to_string());
    }
    Ok(size)
}

/// Checks one value of a request (a comparison's, say) as an item's.
pub fn check_value_alone(value: &AttributeValue) -> Result<(), String> {
    check_value(value, 1).map(|_| ())
}

/// A value's size as DynamoDB counts it, `depth` levels of lists and maps
/// down, or why it is refused.
fn check_value(value: &AttributeValue, depth: usize) -> Result<usize, String> {
    let number = |text: &str| Number::read(text).map(|n| n.size()).map_err(|e| e.message(text));
    let set = |kind: &str, empty: bool, unique: bool| -> Result<(), String> {
        if empty {
            return Err(format!("One or more parameter values were invalid: An {kind} set  may not be empty"));
        }
        if !unique {
            return Err(format!(
                "One or more parameter values were invalid: Input collection of {kind}s contains duplicates."
            ));
        }
        Ok(())
    };
    Ok(match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::N(text) => number(text)?,
        AttributeValue::B(blob) => blob.as_bytes().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(texts) => {
            let unique = texts.iter().collect::<HashSet<_>>().len() == texts.len();
            set("string", texts.is_empty(), unique)?;
            texts.iter().map(String::len).sum()
        }
        AttributeValue::Ns(texts) => {
            let numbers = texts
                .iter()
                .map(|text| Number::read(text).map_err(|e| e.message(text)))
                .collect::<Result<Vec<_>, _>>()?;
            let unique = numbers.iter().collect::<HashSet<_>>().len() == numbers.len();
            set("number", texts.is_empty(), unique)?;
            numbers.iter().map(Number::size).sum()
        }
        AttributeValue::Bs(blobs) => {
            let unique = blobs.iter().map(Blob::as_bytes).collect::<HashSet<_>>().len() == blobs.len();
            set("binary", blobs.is_empty(), unique)?;
            blobs.iter().map(|blob| blob.as_bytes().len()).sum()
        }
        AttributeValue::L(values) => {
            nested(depth)?;
            let mut size = 3usize;
            for value in values {
                size = size.saturating_add(1).saturating_add(check_value(value, depth + 1)?);
            }
            size
        }
        AttributeValue::M(values) => {
            nested(depth)?;
            let mut size = 3usize;
            for (name, value) in values {
                size = size.saturating_add(1 + name.len()).saturating_add(check_value(value, depth + 1)?);
            }
            size
        }
    })
}

fn nested(depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("Nesting Levels have exceeded supported limits".to_string());
    }
    Ok(())
}

/// An item as DynamoDB's JSON writes it (`{"name": {"S": "text"}}`), the
/// form of its record.
pub fn to_json(item: &Item) -> Value {
    Value::Object(item.iter().map(|(name, value)| (name.clone(), value_to_json(value))).collect())
}

fn value_to_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(text) => json!({ "S": text }),
        AttributeValue::N(text) => json!({ "N": text }),
        AttributeValue::B(blob) => json!({ "B": blob.to_base64() }),
        AttributeValue::Ss(texts) => json!({ "SS": texts }),
        AttributeValue::Ns(texts) => json!({ "NS": texts }),
        AttributeValue::Bs(blobs) => json!({ "BS": blobs.iter().map(Blob::to_base64).collect::<Vec<_>>() }),
        AttributeValue::M(values) => json!({ "M": to_json(values) }),
        AttributeValue::L(values) => json!({ "L": values.iter().map(value_to_json).collect::<Vec<_>>() }),
        AttributeValue::Null(set) => json!({ "NULL": set }),
        AttributeValue::Bool(flag) => json!({ "BOOL": flag }),
    }
}

/// The item [`to_json`] wrote, if it is one.
pub fn from_json(value: &Value) -> Option<Item> {
    value.as_object()?.iter().map(|(name, value)| Some((name.clone(), value_from_json(value)?))).collect()
}

fn value_from_json(value: &Value) -> Option<AttributeValue> {
    let object: &Map<String, Value> = value.as_object()?;
    let (kind, inner) = object.iter().next()?;
    let texts = || inner.as_array()?.iter().map(|t| t.as_str().map(str::to_string)).collect::<Option<Vec<_>>>();
    let blob = |text: &Value| Blob::from_base64(text.as_str()?).ok();
    Some(match kind.as_str() {
        "S" => AttributeValue::S(inner.as_str()?.to_string()),
        "N" => AttributeValue::N(inner.as_str()?.to_string()),
        "B" => AttributeValue::B(blob(inner)?),
        "SS" => AttributeValue::Ss(texts()?),
        "NS" => AttributeValue::Ns(texts()?),
        "BS" => AttributeValue::Bs(inner.as_array()?.iter().map(blob).collect::<Option<Vec<_>>>()?),
        "M" => AttributeValue::M(from_json(inner)?),
        "L" => AttributeValue::L(inner.as_array()?.iter().map(value_from_json).collect::<Option<Vec<_>>>()?),
        "NULL" => AttributeValue::Null(inner.as_bool()?),
        "BOOL" => AttributeValue::Bool(inner.as_bool()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_are_equal_are_one_key() {
        let same = ["1", "1.0", "+1", "10E-1", "0.1e1", "001.000", "1e0"];
        for text in same {
            assert_eq!(Number::parse(text), Number::parse("1"), "{text}");
        }
        assert_eq!(Number::parse("-0"), Number::parse("0.000"));
        assert_eq!(Number::parse("0.05"), Number::parse("5E-2"));
        assert_ne!(Number::parse("-1"), Number::parse("1"));
        assert_ne!(Number::parse("10"), Number::parse("1"));
        assert_eq!(Number::parse("-12.5").unwrap().canonical(), "-0.125e2");
    }

    #[test]
    fn what_is_not_a_number() {
        for text in ["", ".", "-", "+", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "NaN", "Infinity", "0x10"] {
            assert_eq!(Number::read(text), Err(NumberError::NotANumber), "{text:?}");
        }
        assert_eq!(Number::read("1e999999"), Err(NumberError::Overflow));
        assert_eq!(Number::read("1e99999999999"), Err(NumberError::Overflow));
        assert_eq!(Number::read("1E126"), Err(NumberError::Overflow));
        assert_eq!(Number::read("1e-99999999999"), Err(NumberError::Underflow));
        assert!(Number::parse(&"9".repeat(38)).is_some());
        assert_eq!(Number::read(&"9".repeat(39)), Err(NumberError::Precision));
        assert!(Number::parse("1E-130").is_some());
        assert_eq!(Number::read("1E-131"), Err(NumberError::Underflow));
    }

    fn nest(depth: usize) -> AttributeValue {
        (0..depth).fold(AttributeValue::S("leaf".into()), |inner, _| AttributeValue::L(vec![inner]))
    }

    #[test]
    fn items_as_dynamodb_counts_and_refuses_them() {
        let item = |pairs: Vec<(&str, AttributeValue)>| -> Item {
            pairs.into_iter().map(|(name, value)| (name.to_string(), value)).collect()
        };
        // Names count; a number is a byte per two digits and one.
        assert_eq!(check_item(&item(vec![("id", AttributeValue::S("abc".into()))])), Ok(5));
        assert_eq!(check_item(&item(vec![("n", AttributeValue::N("12345".into()))])), Ok(1 + 4));
        assert_eq!(check_item(&item(vec![("l", AttributeValue::L(vec![AttributeValue::Bool(true)]))])), Ok(1 + 3 + 2));
        let big = "x".repeat(MAX_ITEM_BYTES - 4);
        assert!(check_item(&item(vec![("body", AttributeValue::S(big.clone()))])).is_ok());
        assert_eq!(
            check_item(&item(vec![("body", AttributeValue::S(format!("{big}x")))])),
            Err("Item size has exceeded the maximum allowed size".to_string())
        );
        assert!(check_item(&item(vec![("deep", nest(32))])).is_ok());
        assert_eq!(
            check_item(&item(vec![("deep", nest(33))])),
            Err("Nesting Levels have exceeded supported limits".to_string())
        );
        let huge =
            check_item(&item(vec![("n", AttributeValue::M(item(vec![("x", AttributeValue::N("1e999999".into()))])))]));
        assert!(huge.unwrap_err().starts_with("Number overflow."));
        assert!(check_item(&item(vec![("s", AttributeValue::Ss(vec![]))])).unwrap_err().contains("may not be empty"));
        let twice = AttributeValue::Ns(vec!["1".into(), "1.0".into()]);
        assert!(check_item(&item(vec![("s", twice)])).unwrap_err().contains("duplicates"));
    }

    #[test]
    fn records_keep_every_kind_of_value() {
        let mut inner = Item::new();
        inner.insert("bool".into(), AttributeValue::Bool(true));
        inner.insert("null".into(), AttributeValue::Null(true));
        let mut item = Item::new();
        item.insert("s".into(), AttributeValue::S("text".into()));
        item.insert("n".into(), AttributeValue::N("-1.5e3".into()));
        item.insert("b".into(), AttributeValue::B(Blob::from(vec![0u8, 255, 7])));
        item.insert("ss".into(), AttributeValue::Ss(vec!["a".into(), "b".into()]));
        item.insert("ns".into(), AttributeValue::Ns(vec!["1".into()]));
        item.insert("bs".into(), AttributeValue::Bs(vec![Blob::from(vec![1u8])]));
        item.insert("m".into(), AttributeValue::M(inner));
        item.insert("l".into(), AttributeValue::L(vec![AttributeValue::S("x".into()), nest(3)]));
        assert_eq!(from_json(&to_json(&item)), Some(item));
        assert_eq!(from_json(&json!({"a": {"Q": 1}})), None);
    }
}
