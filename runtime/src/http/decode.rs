//! Percent-decoding (RFC 3986 section 2.1) of path segments, query keys and
//! query values, and the encoding that undoes it. Written out here rather
//! than taken from a crate: it is a dozen lines, and the router needs to tell
//! a bad escape from bytes that are not UTF-8.

use std::borrow::Cow;

/// Whether `byte` is an RFC 3986 unreserved character, which no escape
/// hides: `A-Z a-z 0-9 - . _ ~`.
#[cfg(any(feature = "sigv4", feature = "lambda"))]
pub(crate) fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Appends `bytes` to `out` with every byte but the unreserved ones as
/// `%XX` (SigV4's URI encoding, and a query's keys and values).
#[cfg(any(feature = "sigv4", feature = "lambda"))]
pub(crate) fn percent_encode_into(bytes: &[u8], out: &mut String) {
    use std::fmt::Write as _;
    for &byte in bytes {
        if unreserved(byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// Why a piece of a URI does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A `%` not followed by two hexadecimal digits.
    BadEscape,
    /// The escapes decode to bytes that are not UTF-8.
    NotUtf8,
}

impl DecodeError {
    /// What is wrong, for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            DecodeError::BadEscape => "has a `%` not followed by two hexadecimal digits",
            DecodeError::NotUtf8 => "percent-decodes to bytes that are not UTF-8",
        }
    }
}

/// `text` with its `%XX` escapes decoded, and with `+` read as a space when
/// `plus_is_space` (in a query, as HTML forms send it; in a path `+` is
/// itself). Borrowed when there is nothing to decode.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> Result<Cow<'_, str>, DecodeError> {
    let bytes = text.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || (plus_is_space && b == b'+')) {
        return Ok(Cow::Borrowed(text));
    }
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let high = bytes.get(i + 1).and_then(|&b| hex_value(b));
                let low = bytes.get(i + 2).and_then(|&b| hex_value(b));
                match (high, low) {
                    (Some(high), Some(low)) => decoded.push(high << 4 | low),
                    _ => return Err(DecodeError::BadEscape),
                }
                i += 3;
            }
            b'+' if plus_is_space => {
                decoded.push(b' ');
                i += 1;
            }
            byte => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded).map(Cow::Owned).map_err(|_| DecodeError::NotUtf8)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_borrows_plain_text() {
        assert!(matches!(percent_decode("plain-text_~.", false), Ok(Cow::Borrowed("plain-text_~."))));
        assert_eq!(percent_decode("a%2Fb%2fc", false).unwrap(), "a/b/c");
        assert_eq!(percent_decode("%F0%9F%98%B9", false).unwrap(), "\u{1F639}");
        assert_eq!(percent_decode("%25%32%30", false).unwrap(), "%20", "decoded once, not twice");
    }

    #[test]
    fn plus_is_a_space_only_in_queries() {
        assert_eq!(percent_decode("a+b%2B", false).unwrap(), "a+b+");
        assert_eq!(percent_decode("a+b%2B", true).unwrap(), "a b+");
    }

    #[test]
    fn refuses_bad_escapes_and_invalid_utf8() {
        for bad in ["%", "%2", "a%zz", "%g0", "%%20", "%2 "] {
            assert_eq!(percent_decode(bad, false), Err(DecodeError::BadEscape), "{bad}");
        }
        for bad in ["%FF", "%C3", "%C3%28", "%ED%A0%80"] {
            assert_eq!(percent_decode(bad, true), Err(DecodeError::NotUtf8), "{bad}");
        }
    }
}
