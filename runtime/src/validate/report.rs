//! Where violations are collected: the JSON Pointer of the value being
//! checked, the checks every value gets (shared by the one-pass parser and
//! the walk over a parsed `Value`), and the order Smithy reports in.
//!
//! Violations are reported in model order (a structure's members as the
//! model lists them, list items by index, map entries by key), whatever
//! order the body's members came in: each carries a sort key, and the
//! first [`MAX_VIOLATIONS`] by that key are kept.

use std::fmt::{self, Write as _};

use super::{
    Enum, Length, MAX_VIOLATIONS, MalformedInput, Range, StringRules, ValidationException, ValidationExceptionField,
};

/// One step of a violation's sort key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    /// A structure member (by its place in the model) or a list item.
    Index(u32),
    /// A map entry, by its key: the key's first [`ORDER_KEY_BYTES`] bytes,
    /// then the entry's place in the body's text (which only decides
    /// between long keys that begin alike). A key sent once can thus not
    /// be copied, or compared, in full for each violation under it.
    Key(Box<str>, u32),
}

/// How much of a map key orders the violations under it.
const ORDER_KEY_BYTES: usize = 256;

/// A map key shows at most this many bytes in a path, then an ellipsis.
pub(super) const PATH_KEY_BYTES: usize = 64;

/// A path longer than this many bytes keeps its first and last segments
/// and shows an ellipsis for those between.
pub(super) const PATH_BYTES: usize = 512;

// A key is kept only as far as sort keys read it, so paths must read less.
const _: () = assert!(PATH_KEY_BYTES <= ORDER_KEY_BYTES);

/// What a path shows in place of a `@sensitive` map key.
pub const REDACTED_KEY: &str = "*redacted*";

/// One step of the path to the value being checked. The JSON Pointer is
/// only written out when a violation is found, so a valid body costs no
/// more than pushing and popping these.
#[derive(Clone, Copy, Debug)]
enum Segment {
    /// A structure or union member: its name, and its place in the model.
    Member(&'static str, u32),
    /// A list item.
    Item(u32),
    /// A map entry, the `entry`th the body has: its key's first
    /// [`ORDER_KEY_BYTES`] are `keys[start..end]`, and `cut` says whether
    /// there were more; `sensitive` keys are never shown.
    Key { start: u32, end: u32, entry: u32, cut: bool, sensitive: bool },
}

/// A place in the path to return to ([`Report::pop`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Mark {
    segments: usize,
    keys: usize,
}

struct Found {
    order: Vec<Step>,
    field: ValidationExceptionField,
}

/// The path's segments: the first few in place, so that checking a body
/// of ordinary depth allocates nothing for its path.
struct Segments {
    inline: [Segment; Segments::INLINE],
    len: usize,
    spilled: Vec<Segment>,
}

impl Segments {
    const INLINE: usize = 12;

    #[inline]
    fn push(&mut self, segment: Segment) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = segment,
            None => self.spilled.push(segment),
        }
        self.len += 1;
    }

    #[inline]
    fn truncate(&mut self, len: usize) {
        self.spilled.truncate(len.saturating_sub(Self::INLINE));
        self.len = len.min(self.len);
    }

    fn iter(&self) -> impl Iterator<Item = &Segment> {
        self.inline[..self.len.min(Self::INLINE)].iter().chain(&self.spilled)
    }
}

impl Default for Segments {
    fn default() -> Self {
        Segments { inline: [Segment::Item(0); Segments::INLINE], len: 0, spilled: Vec::new() }
    }
}

/// The violations found so far, and where the check is.
#[derive(Default)]
pub(super) struct Report {
    segments: Segments,
    /// The keys of the map entries in `segments` (as much of each as paths
    /// and sort keys use), one after another.
    keys: String,
    /// How many map entries have been entered.
    entries: u32,
    found: Vec<Found>,
    /// Once `found` has been cut to the first [`MAX_VIOLATIONS`], the sort
    /// key of the last kept: a violation that sorts after it can never be
    /// reported, and is not even written out (a body of two million bad
    /// list items spent most of its time on their messages).
    cutoff: Option<Vec<Step>>,
    /// The first way in which the body is malformed, where it was found.
    malformed: Option<MalformedInput>,
}

impl Report {
    /// Whether as many violations as are reported have been found (in the
    /// order they were found).
    pub(super) fn full(&self) -> bool {
        self.found.len() >= MAX_VIOLATIONS
    }

    /// Whether a violation has been found: the body will be refused, so
    /// what is read from it need not be kept.
    pub(super) fn failed(&self) -> bool {
        !self.found.is_empty()
    }

    #[inline]
    fn mark(&self) -> Mark {
        Mark { segments: self.segments.len, keys: self.keys.len() }
    }

    /// Enters a structure or union member, `index` its place in the model.
    #[inline]
    pub(super) fn push_member(&mut self, name: &'static str, index: usize) -> Mark {
        let mark = self.mark();
        self.segments.push(Segment::Member(name, index as u32));
        mark
    }

    /// Enters list item `index`.
    #[inline]
    pub(super) fn push_index(&mut self, index: usize) -> Mark {
        let mark = self.mark();
        self.segments.push(Segment::Item(index as u32));
        mark
    }

    /// Enters the map entry `key`; a `sensitive` key is ordered by but
    /// never shown in a path ([`REDACTED_KEY`] is).
    pub(super) fn push_key(&mut self, key: &str, sensitive: bool) -> Mark {
        let mark = self.mark();
        let start = self.keys.len() as u32;
        // No more of a key is kept than a path or a sort key uses: a huge
        // key is not copied again here.
        let kept = truncate(key, ORDER_KEY_BYTES);
        self.keys.push_str(kept);
        let (entry, cut) = (self.entries, kept.len() < key.len());
        self.entries += 1;
        self.segments.push(Segment::Key { start, end: self.keys.len() as u32, entry, cut, sensitive });
        mark
    }

    /// Returns to `mark`.
    #[inline]
    pub(super) fn pop(&mut self, mark: Mark) {
        // The common case, a member or item within the inline segments:
        // no keys to drop, nothing spilled.
        if self.segments.len <= Segments::INLINE && mark.keys == self.keys.len() {
            self.segments.len = mark.segments;
            return;
        }
        self.segments.truncate(mark.segments);
        self.keys.truncate(mark.keys);
    }

    /// The JSON Pointer of the value being checked, bounded whatever the
    /// input: keys of at most [`PATH_KEY_BYTES`], sensitive ones redacted,
    /// and at most [`PATH_BYTES`] in all, the middle segments elided.
    fn path(&self) -> String {
        let mut path = String::with_capacity(64);
        // Where each segment ends; only needed if the path grows too long.
        let mut ends = Vec::new();
        for segment in self.segments.iter() {
            path.push('/');
            match *segment {
                Segment::Member(name, _) => escape_into(&mut path, name),
                Segment::Item(index) => {
                    let _ = write!(path, "{index}");
                }
                Segment::Key { sensitive: true, .. } => path.push_str(REDACTED_KEY),
                Segment::Key { start, end, cut, sensitive: false, .. } => {
                    let key = &self.keys[start as usize..end as usize];
                    let shown = truncate(key, PATH_KEY_BYTES);
                    escape_into(&mut path, shown);
                    if cut || shown.len() < key.len() {
                        path.push('…');
                    }
                }
            }
            ends.push(path.len());
        }
        if path.len() > PATH_BYTES { elide(&path, &ends) } else { path }
    }

    /// The current place's sort key, and `key` after it when given.
    fn order(&self, key: Option<&str>) -> Vec<Step> {
        let mut order: Vec<Step> = self
            .segments
            .iter()
            .map(|segment| match *segment {
                Segment::Member(_, index) | Segment::Item(index) => Step::Index(index),
                Segment::Key { start, end, entry, .. } => {
                    Step::Key(self.keys[start as usize..end as usize].into(), entry)
                }
            })
            .collect();
        if let Some(key) = key {
            // The entry whose key this is comes next.
            order.push(Step::Key(truncate(key, ORDER_KEY_BYTES).into(), self.entries));
        }
        order
    }

    /// A violation of the value here; `length` is the value's length when
    /// the constraint is a `@length`. A map key's violations are reported
    /// at the map, and ordered with the key's entry (`key`).
    fn violation_ordered(&mut self, key: Option<&str>, length: Option<usize>, constraint: fmt::Arguments<'_>) {
        let order = self.order(key);
        if self.cutoff.as_ref().is_some_and(|cutoff| order > *cutoff) {
            return;
        }
        let path = self.path();
        // Sized once: a message is the path and a constraint's text (a
        // pattern's can be long), and growing it copied it several times.
        let mut message = String::with_capacity(path.len() + 160);
        let _ = match length {
            Some(n) => write!(message, "Value with length {n} at '{path}' failed to satisfy constraint: {constraint}"),
            None => write!(message, "Value at '{path}' failed to satisfy constraint: {constraint}"),
        };
        self.found.push(Found { order, field: ValidationExceptionField { path, message } });
        // Keep memory bounded on a body full of violations: only the first
        // MAX_VIOLATIONS by sort key are ever reported.
        if self.found.len() >= 4 * MAX_VIOLATIONS {
            self.compact();
        }
    }

    /// A violation of the value here.
    pub(super) fn violation(&mut self, length: Option<usize>, constraint: fmt::Arguments<'_>) {
        self.violation_ordered(None, length, constraint);
    }

    fn compact(&mut self) {
        self.found.sort_by(|a, b| a.order.cmp(&b.order));
        self.found.truncate(MAX_VIOLATIONS);
        self.cutoff = self.found.last().map(|last| last.order.clone());
    }

    /// Records that the body is malformed here, unless something already was.
    pub(super) fn malformed(&mut self, message: impl Into<String>) -> &MalformedInput {
        if self.malformed.is_none() {
            self.malformed = Some(MalformedInput { path: self.path(), message: message.into() });
        }
        self.malformed.as_ref().expect("just set")
    }

    /// Records that the body as a whole is malformed (not of its
    /// protocol's form), unless something already was.
    pub(super) fn malformed_body(&mut self, message: impl Into<String>) {
        if self.malformed.is_none() {
            self.malformed = Some(MalformedInput { path: String::new(), message: message.into() });
        }
    }

    /// The malformation found, if any.
    pub(super) fn take_malformed(&mut self) -> Option<MalformedInput> {
        self.malformed.take()
    }

    /// The violations found, first MAX_VIOLATIONS in model order.
    pub(super) fn finish(&mut self) -> Result<(), ValidationException> {
        if self.found.is_empty() {
            return Ok(());
        }
        self.compact();
        Err(ValidationException::new(self.found.drain(..).map(|found| found.field).collect()))
    }

    // The checks every value gets, whichever way it is read.

    /// A string's `@length`, legacy `@enum` values and `@pattern`: length
    /// first, so a pattern only ever sees input within the length limit.
    #[inline]
    pub(super) fn check_string(&mut self, rules: &StringRules, text: &str) {
        self.check_string_at(None, rules, text);
    }

    #[inline]
    fn check_string_at(&mut self, key: Option<&str>, rules: &StringRules, text: &str) {
        if let Some(length) = &rules.length {
            if !self.check_length_at(key, length, code_points(text)) {
                return;
            }
        }
        if let Some(values) = rules.values {
            if !values.values.contains(&text) {
                self.violation_ordered(
                    key,
                    None,
                    format_args!("Member must satisfy enum value set: {}", values.listed),
                );
                return;
            }
        }
        if let Some(pattern) = rules.pattern {
            if !pattern.is_match(text) {
                self.violation_ordered(
                    key,
                    None,
                    format_args!("Member must satisfy regular expression pattern: {}", pattern.source()),
                );
            }
        }
    }

    /// An enum's value, as for strings: length, then the value set, then
    /// the pattern. True when `text` is one of its values.
    pub(super) fn check_enum(&mut self, schema: &Enum, text: &str) -> bool {
        self.check_enum_at(None, schema, text)
    }

    fn check_enum_at(&mut self, key: Option<&str>, schema: &Enum, text: &str) -> bool {
        if let Some(length) = &schema.length {
            if !self.check_length_at(key, length, code_points(text)) {
                return schema.values.contains(&text);
            }
        }
        if !schema.values.contains(&text) {
            self.violation_ordered(key, None, format_args!("Member must satisfy enum value set: {}", schema.listed));
            return false;
        }
        if let Some(pattern) = schema.pattern {
            if !pattern.is_match(text) {
                self.violation_ordered(
                    key,
                    None,
                    format_args!("Member must satisfy regular expression pattern: {}", pattern.source()),
                );
            }
        }
        true
    }

    /// A map key's checks, reported at the map and ordered with its entry.
    pub(super) fn check_key_string(&mut self, rules: &StringRules, key: &str) {
        self.check_string_at(Some(key), rules, key);
    }

    /// An enum-typed map key's checks; true when it is one of the values.
    pub(super) fn check_key_enum(&mut self, schema: &Enum, key: &str) -> bool {
        self.check_enum_at(Some(key), schema, key)
    }

    /// A `@length`; false when it is violated.
    pub(super) fn check_length(&mut self, length: &Length, n: usize) -> bool {
        self.check_length_at(None, length, n)
    }

    #[inline]
    fn check_length_at(&mut self, key: Option<&str>, length: &Length, n: usize) -> bool {
        let n64 = n as u64;
        match (length.min, length.max) {
            (Some(min), Some(max)) if n64 < min || n64 > max => self.violation_ordered(
                key,
                Some(n),
                format_args!("Member must have length between {min} and {max}, inclusive"),
            ),
            (Some(min), None) if n64 < min => self.violation_ordered(
                key,
                Some(n),
                format_args!("Member must have length greater than or equal to {min}"),
            ),
            (None, Some(max)) if n64 > max => self.violation_ordered(
                key,
                Some(n),
                format_args!("Member must have length less than or equal to {max}"),
            ),
            _ => return true,
        }
        false
    }

    /// A `@range`.
    pub(super) fn check_range(&mut self, range: &Range, number: f64) {
        match (&range.min, &range.max) {
            (Some(min), Some(max)) if number < min.value || number > max.value => {
                self.violation(None, format_args!("Member must be between {} and {}, inclusive", min.text, max.text))
            }
            (Some(min), None) if number < min.value => {
                self.violation(None, format_args!("Member must be greater than or equal to {}", min.text))
            }
            (None, Some(max)) if number > max.value => {
                self.violation(None, format_args!("Member must be less than or equal to {}", max.text))
            }
            _ => {}
        }
    }

    /// `@range` of a big number, whose text is `text`: compared exactly
    /// with the bounds' text.
    pub(super) fn check_big_range(&mut self, range: &Range, text: &str) {
        use std::cmp::Ordering::{Greater, Less};
        let below = range.min.as_ref().is_some_and(|min| crate::big::compare_text(text, min.text) == Some(Less));
        let above = range.max.as_ref().is_some_and(|max| crate::big::compare_text(text, max.text) == Some(Greater));
        match (&range.min, &range.max) {
            (Some(min), Some(max)) if below || above => {
                self.violation(None, format_args!("Member must be between {} and {}, inclusive", min.text, max.text))
            }
            (Some(min), None) if below => {
                self.violation(None, format_args!("Member must be greater than or equal to {}", min.text))
            }
            (None, Some(max)) if above => {
                self.violation(None, format_args!("Member must be less than or equal to {}", max.text))
            }
            _ => {}
        }
    }

    /// A required member that is absent or null.
    pub(super) fn missing(&mut self) {
        self.violation(None, format_args!("Member must not be null"));
    }

    /// Duplicate items in a `@uniqueItems` list.
    pub(super) fn not_unique(&mut self) {
        self.violation(None, format_args!("Member must have unique values"));
    }

    /// An `intEnum`'s value; false when it is not one.
    pub(super) fn check_int_enum(&mut self, values: &super::AllowedValues, number: i64) -> bool {
        if values.values.iter().any(|value| value.parse() == Ok(number)) {
            true
        } else {
            self.violation(None, format_args!("Member must satisfy enum value set: {}", values.listed));
            false
        }
    }
}

/// The longest start of `text` of at most `max` bytes that ends on a
/// character's boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `path` (whose segments end at `ends`) shortened to at most about
/// [`PATH_BYTES`]: the first segments and the last, whole, with `/…` for
/// those between.
fn elide(path: &str, ends: &[usize]) -> String {
    let half = PATH_BYTES / 2;
    // The first segments that fit in half the room (at least the first).
    let head = ends.iter().copied().take_while(|&end| end <= half).last().unwrap_or(ends[0].min(half));
    // The last segments that fit in the other half.
    let before_last = ends.len().checked_sub(2).map_or(0, |i| ends[i]);
    let tail = ends.iter().copied().rev().skip(1).take_while(|&end| path.len() - end <= half).last();
    let tail = tail.unwrap_or(before_last).max(head);
    let mut short = String::with_capacity(head + 4 + path.len() - tail);
    short.push_str(truncate(&path[..head], half));
    short.push_str("/…");
    short.push_str(&path[tail..]);
    short
}

/// Appends `segment` to a JSON Pointer, escaped.
fn escape_into(path: &mut String, segment: &str) {
    if !segment.contains(['~', '/']) {
        path.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// The number of code points in `text` (what `@length` counts for
/// strings). Ids and names are ASCII, which std checks a word at a time;
/// otherwise, the bytes that do not continue a UTF-8 sequence, counted in
/// byte-wide lanes (a `usize` per byte vectorised four bytes at a time).
#[inline]
fn code_points(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    let mut count = 0;
    for chunk in text.as_bytes().chunks(255) {
        let starts: u8 = chunk.iter().map(|&byte| u8::from((byte as i8) >= -0x40)).sum();
        count += usize::from(starts);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::{PATH_BYTES, PATH_KEY_BYTES, REDACTED_KEY, Report, code_points};

    /// The path of a report entered `depth` maps deep, each key `key`.
    fn path_under_keys(key: &str, depth: usize, sensitive: bool) -> String {
        let mut report = Report::default();
        report.push_member("Top", 0);
        for _ in 0..depth {
            report.push_key(key, sensitive);
        }
        report.push_index(7);
        report.path()
    }

    #[test]
    fn a_long_key_is_cut_short_with_an_ellipsis() {
        let key = "é".repeat(1000);
        let path = path_under_keys(&key, 1, false);
        // Cut on a character's boundary: 32 two-byte characters.
        assert_eq!(path, format!("/Top/{}…/7", "é".repeat(PATH_KEY_BYTES / 2)));
        assert_eq!(path_under_keys("a/b~c", 1, false), "/Top/a~1b~0c/7");
    }

    #[test]
    fn a_sensitive_key_is_never_shown() {
        assert_eq!(path_under_keys("password", 2, true), format!("/Top/{REDACTED_KEY}/{REDACTED_KEY}/7"));
    }

    #[test]
    fn a_deep_path_keeps_its_ends_and_elides_the_middle() {
        let key = "k".repeat(500);
        let path = path_under_keys(&key, 128, false);
        assert!(path.len() <= PATH_BYTES + 8, "{} bytes", path.len());
        let segment = format!("{}…", "k".repeat(PATH_KEY_BYTES));
        assert!(path.starts_with(&format!("/Top/{segment}/")), "{path}");
        assert!(path.ends_with(&format!("/{segment}/7")), "{path}");
        assert!(path.contains("/…/"), "{path}");
        // Short paths are left whole.
        assert_eq!(path_under_keys("k", 3, false), "/Top/k/k/k/7");
    }

    #[test]
    fn code_points_are_counted_as_chars_counts_them() {
        let long = "é".repeat(300) + &"a".repeat(300) + "😀";
        for text in ["", "mw-0c50858d010123456", "é", "aé😀b", "\u{7f}\u{80}", long.as_str()] {
            assert_eq!(code_points(text), text.chars().count(), "{text:?}");
        }
    }
}
