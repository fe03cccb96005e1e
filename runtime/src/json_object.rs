//! A structure written as a JSON object with some members left out, or one
//! added, every member's JSON text kept as serde wrote it.
//!
//! Editing the object as a `serde_json::Value` would be simpler, but a
//! `Value` holds numbers as 64-bit ones: a `BigInteger` or `BigDecimal`
//! member would lose its digits on the way out.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

/// `value` as JSON, without the top-level members named in `leave_out` and
/// with `add` (a name and a string value) last. A value that is not an
/// object is written as it is.
pub(crate) fn write<T: Serialize + ?Sized>(
    value: &T,
    leave_out: &[&str],
    add: Option<(&str, &str)>,
) -> serde_json::Result<Vec<u8>> {
    let written = serde_json::to_vec(value)?;
    if leave_out.is_empty() && add.is_none() {
        return Ok(written);
    }
    let Ok(Members(members)) = serde_json::from_slice::<Members<'_>>(&written) else { return Ok(written) };
    let mut out = Vec::with_capacity(written.len() + 64);
    out.push(b'{');
    let kept = members
        .iter()
        .filter(|(name, _)| !leave_out.contains(&name.as_str()) && add.is_none_or(|(added, _)| added != name.as_str()));
    for (name, member) in kept {
        if out.len() > 1 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, name)?;
        out.push(b':');
        out.extend_from_slice(member.get().as_bytes());
    }
    if let Some((name, text)) = add {
        if out.len() > 1 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, name)?;
        out.push(b':');
        serde_json::to_writer(&mut out, text)?;
    }
    out.push(b'}');
    Ok(out)
}

/// An object's members in order, each value as its JSON text.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;

        impl<'de> Visitor<'de> for Entries {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(Entries).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BigDecimal;

    #[derive(Serialize)]
    struct Output {
        #[serde(rename = "Balance")]
        balance: BigDecimal,
        #[serde(rename = "Id")]
        id: &'static str,
        #[serde(rename = "Nested")]
        nested: Vec<BigDecimal>,
    }

    fn text(bytes: serde_json::Result<Vec<u8>>) -> String {
        String::from_utf8(bytes.unwrap()).unwrap()
    }

    #[test]
    fn members_are_left_out_and_numbers_keep_their_digits() {
        let output = Output {
            balance: "0.100000000000000000000001".parse().unwrap(),
            id: "a\"b",
            nested: vec!["123456789012345678901234567890".parse().unwrap()],
        };
        assert_eq!(
            text(write(&output, &[], None)),
            r#"{"Balance":0.100000000000000000000001,"Id":"a\"b","Nested":[123456789012345678901234567890]}"#
        );
        assert_eq!(
            text(write(&output, &["Balance"], None)),
            r#"{"Id":"a\"b","Nested":[123456789012345678901234567890]}"#
        );
        assert_eq!(text(write(&output, &["Balance", "Id", "Nested"], None)), "{}");
        // An added member replaces one of the same name and comes last.
        assert_eq!(
            text(write(&output, &["Nested"], Some(("Id", "Thrown")))),
            r#"{"Balance":0.100000000000000000000001,"Id":"Thrown"}"#
        );
        assert_eq!(text(write(&[1, 2], &["x"], None)), "[1,2]");
    }
}
