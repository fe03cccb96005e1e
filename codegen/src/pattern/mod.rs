//! `@pattern` values: ECMA-262 regular expressions, parsed and checked when
//! the model is loaded so that a bad pattern fails generation, never a
//! request, and compiled to the engine that can run them safely.
//!
//! Patterns without look-around or back-references are translated to the
//! `regex` crate's syntax (linear time, whatever the input). The others run
//! on `regress`, an ECMAScript backtracking engine; validators only hand
//! them input that has already passed the member's length limit.

pub mod lint;
pub mod parse;
pub mod translate;

use std::fmt;

/// A checked `@pattern`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern exactly as written in the model (it appears in messages).
    pub source: String,
    /// The ECMA-262 pattern to run: `source` without a leading `(?i)`.
    pub ecma: String,
    /// Whether the pattern began with Java's `(?i)` flag, which ECMA-262
    /// lacks; it then matches case-insensitively.
    pub case_insensitive: bool,
    /// Whether it uses `\p{...}` Unicode properties (see [`parse::Parsed`]).
    pub unicode_properties: bool,
    /// How it runs.
    pub engine: Engine,
    /// Things the spec's author should know (shown as warnings).
    pub warnings: Vec<String>,
}

/// The engine a pattern runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The `regex` crate, with this translated pattern: linear time.
    Linear(String),
    /// `^C{min,max}$` with `C` one character from a set, too large for an
    /// automaton as written: the `regex` pattern `^C*$` (linear time) and a
    /// count of characters between `min` and `max`.
    Counted { each: String, min: u32, max: u32 },
    /// `regress`, with the ECMA pattern: look-around and back-references,
    /// or a bounded repetition too large for an automaton.
    Backtracking,
}

/// Why a pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Java's case-insensitivity flag. AWS models use it (SSM's `AccountId`),
/// and ECMA-262 has no inline flags, so it is read as the `i` flag.
const JAVA_CASE_INSENSITIVE: &str = "(?i)";

impl Pattern {
    /// Checks `source` under ECMA-262 rules (without the `u` flag, as
    /// `new RegExp(source)` reads it) and chooses its engine.
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        let invalid =
            |why: String| PatternError { message: format!("is not a valid ECMA-262 regular expression: {why}") };
        let (ecma, case_insensitive) = match source.find(JAVA_CASE_INSENSITIVE) {
            // Only a flag that covers the whole pattern keeps its meaning
            // when moved out; `^(?i)` is as good as a leading one.
            Some(at) if source[..at].chars().all(|c| c == '^') => {
                (format!("{}{}", &source[..at], &source[at + JAVA_CASE_INSENSITIVE.len()..]), true)
            }
            _ => (source.to_string(), false),
        };
        // regress is the reference for what ECMA-262 accepts; our parser
        // must agree, and gives the tree the translation needs.
        let flags = if case_insensitive { "i" } else { "" };
        regress::Regex::with_flags(&ecma, flags).map_err(|e| invalid(e.to_string()))?;
        let parsed = parse::parse(&ecma).map_err(invalid)?;

        let mut warnings = Vec::new();
        if case_insensitive {
            warnings.push(
                "uses Java's inline flag `(?i)`, which ECMA-262 does not have; it is read as the `i` flag \
                 (ASCII letters match either case)"
                    .to_string(),
            );
        }
        if parsed.unicode_properties {
            warnings.push(
                "uses `\\p{...}`, which ECMA-262 without the `u` flag reads as the letter `p`; it is read as a \
                 Unicode property, as Java (and so AWS) reads it"
                    .to_string(),
            );
        }
        warnings.extend(lint::partial_anchors(&parsed.node));

        let engine = if parsed.node.needs_backtracking() {
            Engine::Backtracking
        } else {
            let translated = translate::to_regex(&parsed.node, case_insensitive);
            match regex::Regex::new(&translated) {
                Ok(_) => Engine::Linear(translated),
                Err(regex::Error::CompiledTooBig(_)) => match counted(&parsed.node, case_insensitive) {
                    Some(engine) => engine,
                    None => {
                        warnings.push(
                            "is too large for a linear-time automaton; it runs on a backtracking engine, after the \
                             member's length limit"
                                .to_string(),
                        );
                        Engine::Backtracking
                    }
                },
                Err(e) => {
                    return Err(PatternError {
                        message: format!("cannot be translated for the regex crate ({e}); please report this"),
                    });
                }
            }
        };
        Ok(Pattern {
            source: source.to_string(),
            ecma,
            case_insensitive,
            unicode_properties: parsed.unicode_properties,
            engine,
            warnings,
        })
    }
}

/// [`Engine::Counted`] for `^C{min,max}$`, where `C` matches one character.
fn counted(node: &parse::Node, case_insensitive: bool) -> Option<Engine> {
    use parse::Node;
    let Node::Concat(nodes) = node else { return None };
    let [Node::Start, Node::Repeat { node: each, min, max: Some(max), .. }, Node::End] = nodes.as_slice() else {
        return None;
    };
    if !matches!(**each, Node::Any | Node::Class(_) | Node::Set(_) | Node::Literal(_)) {
        return None;
    }
    let star = Node::Concat(vec![
        Node::Start,
        Node::Repeat { node: each.clone(), min: 0, max: None, greedy: true },
        Node::End,
    ]);
    Some(Engine::Counted { each: translate::to_regex(&star, case_insensitive), min: *min, max: *max })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_the_engine() {
        let look_ahead = Pattern::parse(r"^(?!\s*$).+$").unwrap();
        assert_eq!(look_ahead.engine, Engine::Backtracking);
        assert_eq!(Pattern::parse(r"^(a)\1$").unwrap().engine, Engine::Backtracking);
        assert_eq!(
            Pattern::parse(r"^.{1,100000}$").unwrap().engine,
            Engine::Counted { each: r"^[^\n\r\u{2028}\u{2029}]*$".to_string(), min: 1, max: 100000 }
        );
        assert_eq!(Pattern::parse(r"^([0-9]+)+$").unwrap().engine, Engine::Linear("^(?:[0-9]+)+$".to_string()));
        assert_eq!(
            Pattern::parse(r"^mw-[0-9a-f]{17}$").unwrap().engine,
            Engine::Linear(r"^mw\-[0-9a-f]{17}$".to_string())
        );
    }

    #[test]
    fn reads_a_leading_java_flag_as_case_insensitive() {
        let pattern = Pattern::parse(r"^(?i)all|[0-9]{12}$").unwrap();
        assert_eq!(pattern.ecma, r"^all|[0-9]{12}$");
        assert!(pattern.case_insensitive);
        assert_eq!(pattern.source, r"^(?i)all|[0-9]{12}$");
        assert_eq!(pattern.warnings.len(), 2, "{:?}", pattern.warnings);
    }

    #[test]
    fn refuses_invalid_patterns() {
        assert!(Pattern::parse("[a-").unwrap_err().message.contains("not a valid ECMA-262"));
        assert!(Pattern::parse("a{2,1}").is_err());
        // An inline flag in the middle cannot be moved out without changing
        // what the pattern means.
        assert!(Pattern::parse("ab(?i)c").is_err());
    }

    #[test]
    fn every_ssm_like_construct_parses() {
        for source in [
            r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$",
            r"^https:\/\/[-a-zA-Z0-9@:%._\+~#=]{1,253}\.s3(\.[a-z\d-]{9,16})?\.amazonaws\.com\/.{1,2000}$",
            r"^([\-]?\d{4}(?!\d{2}\b))((-?)((0[1-9]|1[0-2])(\3([12]\d|0[1-9]|3[01]))?))$",
            r"^[\w\.\-\:\/ ]*$",
        ] {
            Pattern::parse(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        }
    }
}
