//! The fastest engine, for the commonest shape of AWS pattern: anchored
//! runs of ASCII character classes (`^mw-[0-9a-f]{17}$`, UUIDs,
//! `^[a-zA-Z0-9_.-]{3,128}$`, `^arn:aws:[a-z0-9-]+:...`), matched by
//! walking the text once with a 128-bit set per run: a few nanoseconds
//! where a DFA takes tens.
//!
//! Only patterns that greedy matching decides exactly are taken: every run
//! but the last of fixed length, or of a class that the next run's class
//! does not share (so where one run ends is never in doubt). Anything else
//! is left to the DFA.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// One run: `min..=max` characters of `class`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Run {
    class: AsciiSet,
    /// `class` as a table by byte: one load per character matched.
    table: Box<[bool; 256]>,
    min: u32,
    max: u32,
}

impl Run {
    fn new(class: AsciiSet, min: u32, max: u32) -> Run {
        let mut table = Box::new([false; 256]);
        for byte in 0..128u8 {
            table[usize::from(byte)] = class.contains(byte);
        }
        Run { class, table, min, max }
    }
}

/// A set of ASCII characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AsciiSet(u128);

impl AsciiSet {
    fn contains(self, byte: u8) -> bool {
        byte < 128 && self.0 & (1 << byte) != 0
    }

    fn disjoint(self, other: AsciiSet) -> bool {
        self.0 & other.0 == 0
    }
}

/// An anchored sequence of runs, as it is matched: consecutive runs of
/// fixed length (`mw-`, the hex groups of a UUID) merged into one class
/// per position, checked in one branch-free pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Runs(Vec<Part>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    /// Exactly one character of each position's class, in order.
    Fixed(Fixed),
    /// A run of variable length.
    Run(Run),
}

/// Fixed-length runs merged: each position's class is a bit, and a table
/// by byte holds the classes each byte is in, so a position costs two
/// loads and an `and`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fixed {
    /// By byte: a bit per class that has it.
    classes_of: Box<[u32; 256]>,
    /// By position: its class's bit.
    class_at: Box<[u32]>,
}

impl Fixed {
    /// The runs as one part, if they have few enough distinct classes.
    fn of(runs: &[Run]) -> Option<Fixed> {
        let mut distinct: Vec<AsciiSet> = Vec::new();
        let mut class_at = Vec::new();
        for run in runs {
            let index = match distinct.iter().position(|class| *class == run.class) {
                Some(index) => index,
                None => {
                    distinct.push(run.class);
                    distinct.len() - 1
                }
            };
            class_at.extend(std::iter::repeat_n(1u32.checked_shl(u32::try_from(index).ok()?)?, run.min as usize));
        }
        let mut classes_of = Box::new([0u32; 256]);
        for (bit, class) in distinct.iter().enumerate() {
            for byte in 0..128u8 {
                if class.contains(byte) {
                    classes_of[usize::from(byte)] |= 1 << bit;
                }
            }
        }
        Some(Fixed { classes_of, class_at: class_at.into_boxed_slice() })
    }
}

impl Runs {
    /// The runs `pattern` (the regex crate's syntax) consists of, if it is
    /// such a pattern.
    pub(super) fn of(pattern: &str) -> Option<Runs> {
        let hir = regex_automata::util::syntax::parse(pattern).ok()?;
        let HirKind::Concat(items) = hir.kind() else { return None };
        let (first, rest) = items.split_first()?;
        let (last, middle) = rest.split_last()?;
        if !matches!(first.kind(), HirKind::Look(Look::Start)) || !matches!(last.kind(), HirKind::Look(Look::End)) {
            return None;
        }
        let mut runs = Vec::new();
        for item in middle {
            push_runs(&mut runs, item)?;
        }
        let decided = runs.windows(2).all(|pair| pair[0].min == pair[0].max || pair[0].class.disjoint(pair[1].class));
        let next_required = runs.windows(2).all(|pair| pair[0].min == pair[0].max || pair[1].min > 0);
        (decided && next_required && !runs.is_empty()).then(|| Runs(parts(runs)))
    }

    /// Whether `text` is exactly these runs.
    #[inline]
    pub(super) fn is_match(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut at = 0;
        for part in &self.0 {
            match part {
                Part::Fixed(fixed) => {
                    let Some(slice) = bytes.get(at..at + fixed.class_at.len()) else { return false };
                    // Branch-free: a short run's end is not worth predicting.
                    let all = slice
                        .iter()
                        .zip(fixed.class_at.iter())
                        .fold(true, |all, (&byte, &class)| all & (fixed.classes_of[usize::from(byte)] & class != 0));
                    if !all {
                        return false;
                    }
                    at += slice.len();
                }
                Part::Run(run) => {
                    let start = at;
                    let end = bytes.len().min(start.saturating_add(run.max as usize));
                    while at < end && run.table[usize::from(bytes[at])] {
                        at += 1;
                    }
                    if at - start < run.min as usize {
                        return false;
                    }
                }
            }
        }
        at == bytes.len()
    }
}

/// `runs` as matched: consecutive fixed-length runs merged.
fn parts(runs: Vec<Run>) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut fixed: Vec<Run> = Vec::new();
    let flush = |fixed: &mut Vec<Run>, parts: &mut Vec<Part>| match Fixed::of(fixed) {
        Some(merged) if !fixed.is_empty() => {
            parts.push(Part::Fixed(merged));
            fixed.clear();
        }
        _ => parts.extend(fixed.drain(..).map(Part::Run)),
    };
    for run in runs {
        // Longer fixed runs stay runs: a class per position is memory per character.
        if run.min == run.max && run.min <= 64 {
            fixed.push(run);
        } else {
            flush(&mut fixed, &mut parts);
            parts.push(Part::Run(run));
        }
    }
    flush(&mut fixed, &mut parts);
    parts
}

/// Appends the runs of one item of the pattern's concatenation.
fn push_runs(runs: &mut Vec<Run>, item: &Hir) -> Option<()> {
    match item.kind() {
        HirKind::Literal(literal) => {
            for &byte in literal.0.iter() {
                if byte >= 128 {
                    return None;
                }
                runs.push(Run::new(AsciiSet(1 << byte), 1, 1));
            }
            Some(())
        }
        HirKind::Class(class) => {
            runs.push(Run::new(ascii_set(class)?, 1, 1));
            Some(())
        }
        HirKind::Repetition(repetition) => {
            let class = match repetition.sub.kind() {
                HirKind::Class(class) => ascii_set(class)?,
                HirKind::Literal(literal) if literal.0.len() == 1 && literal.0[0] < 128 => AsciiSet(1 << literal.0[0]),
                _ => return None,
            };
            let max = repetition.max.unwrap_or(u32::MAX);
            runs.push(Run::new(class, repetition.min, max));
            Some(())
        }
        _ => None,
    }
}

/// The class as a set of ASCII characters, if it has no others.
fn ascii_set(class: &Class) -> Option<AsciiSet> {
    let mut set = 0u128;
    let mut add = |start: u32, end: u32| -> Option<()> {
        if end >= 128 {
            return None;
        }
        for c in start..=end {
            set |= 1 << c;
        }
        Some(())
    };
    match class {
        Class::Unicode(class) => {
            for range in class.iter() {
                add(range.start() as u32, range.end() as u32)?;
            }
        }
        Class::Bytes(class) => {
            for range in class.iter() {
                add(u32::from(range.start()), u32::from(range.end()))?;
            }
        }
    }
    Some(AsciiSet(set))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        let runs = Runs::of(pattern).unwrap_or_else(|| panic!("{pattern} is not runs"));
        let expected = regex::Regex::new(pattern).unwrap().is_match(text);
        assert_eq!(runs.is_match(text), expected, "{pattern} on {text:?}");
        expected
    }

    #[test]
    fn ids_and_names() {
        assert!(matches("^mw\\-[0-9a-f]{17}$", "mw-0c50858d010123456"));
        assert!(!matches("^mw\\-[0-9a-f]{17}$", "mw-0c50858d01EXAMPLE"));
        assert!(!matches("^mw\\-[0-9a-f]{17}$", "mw-0c50858d0101234567"));
        let uuid = "^[0-9a-fA-F]{8}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{12}$";
        assert!(matches(uuid, "50772993-c6b5-4a2a-8d04-7bfd70123456"));
        assert!(!matches(uuid, "50772993-c6b5-4a2a-8d04-7bfd7012345é"));
        assert!(matches("^[a-zA-Z0-9_\\-.]{3,128}$", "my-window.v2"));
        assert!(!matches("^[a-zA-Z0-9_\\-.]{3,128}$", "ab"));
        assert!(matches("^arn:aws:[a-z0-9\\-]+:[0-9]{12}$", "arn:aws:ssm-x:123456789012"));
        assert!(!matches("^arn:aws:[a-z0-9\\-]+:[0-9]{12}$", "arn:aws::123456789012"));
        assert!(matches("^[0-9]*$", ""));
        // More distinct classes than a merged part has bits: matched run by run.
        let letters = "^abcdefghijklmnopqrstuvwxyzABCDEFGHIJ[0-9]+$";
        assert!(matches(letters, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ42"));
        assert!(!matches(letters, "abcdefghijklmnopqrstuvwxyzABCDEFGHIj42"));
        // Fixed runs around a variable one, each merged part checked in place.
        let mixed = "^ab-[0-9]{3}_[a-z]+-[0-9a-f]{2}$";
        assert!(matches(mixed, "ab-123_xyz-0f"));
        assert!(!matches(mixed, "ab-123_xyz-0g"));
        assert!(!matches(mixed, "ab-12_xyz-0f"));
    }

    #[test]
    fn what_greedy_would_get_wrong_is_left_to_the_dfa() {
        // `[a-z]*` and `[a-z0-9]` share letters: where the first ends is in doubt.
        assert!(Runs::of("^[a-z]*[a-z0-9]$").is_none());
        // An optional run after a variable one.
        assert!(Runs::of("^[a-z]+[0-9]?$").is_none());
        // Not anchored at both ends, alternations, non-ASCII classes.
        assert!(Runs::of("^[a-z]+").is_none());
        assert!(Runs::of("^(?:ab|c)$").is_none());
        assert!(Runs::of("^\\w+$").is_none());
        assert!(Runs::of("^[^a]$").is_none());
    }
}
