//! Bounded, escaped excerpts of what a client sent, for error messages and
//! headers: an answer never carries a client's input back at full size,
//! nor its control characters unescaped.

use std::fmt::Write as _;

/// The most characters of a client's text an excerpt shows.
pub const EXCERPT_CHARS: usize = 64;

/// `text` as an error message or header may quote it: its first
/// [`EXCERPT_CHARS`] characters, control characters (and other characters
/// that do not print) escaped as Rust escapes them (`\n`, `\u{7f}`), then,
/// if it was longer, `…` and its length in bytes.
///
/// ```
/// use awsgen_runtime::excerpt;
///
/// assert_eq!(excerpt("20261127T151736Z"), "20261127T151736Z");
/// assert_eq!(excerpt("a\r\nb"), "a\\r\\nb");
/// assert_eq!(excerpt(&"x".repeat(200_000)), format!("{}… (200000 bytes)", "x".repeat(64)));
/// ```
pub fn excerpt(text: &str) -> String {
    quoted(text, text.len(), false)
}

/// [`excerpt`] of bytes that may not be UTF-8 (a header value): invalid
/// sequences shown as U+FFFD.
pub fn excerpt_bytes(bytes: &[u8]) -> String {
    // Enough bytes for the characters shown, however wide they are.
    let head = &bytes[..bytes.len().min(EXCERPT_CHARS * 4)];
    quoted(&String::from_utf8_lossy(head), bytes.len(), head.len() < bytes.len())
}

/// The first characters of `text`, escaped, and `length` if `text` was cut
/// short before or here.
fn quoted(text: &str, length: usize, cut: bool) -> String {
    let mut shown = String::with_capacity(text.len().min(EXCERPT_CHARS * 2));
    let mut chars = text.chars();
    for c in chars.by_ref().take(EXCERPT_CHARS) {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
            let _ = write!(shown, "{}", c.escape_default());
        } else {
            shown.push(c);
        }
    }
    if cut || chars.next().is_some() {
        let _ = write!(shown, "… ({length} bytes)");
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_escaped() {
        assert_eq!(excerpt(""), "");
        assert_eq!(excerpt("é".repeat(64).as_str()), "é".repeat(64));
        assert_eq!(excerpt(&"é".repeat(65)), format!("{}… (130 bytes)", "é".repeat(64)));
        assert_eq!(excerpt("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(excerpt_bytes(b"ok\xff"), "ok\u{fffd}");
        assert_eq!(excerpt_bytes(&vec![b'k'; 1 << 20]), format!("{}… (1048576 bytes)", "k".repeat(64)));
        assert_eq!(excerpt_bytes(&[b'k'; 100]), format!("{}… (100 bytes)", "k".repeat(64)));
    }
}
