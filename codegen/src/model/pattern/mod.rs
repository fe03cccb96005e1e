//! `@pattern` values: regular expressions, parsed and checked when the
//! model is loaded so that a bad pattern fails generation, never a
//! request, and compiled to the engine that can run them safely.
//!
//! Smithy defines patterns as ECMA-262 regular expressions, but AWS's
//! services run Java's `java.util.regex`, and some AWS patterns are Java:
//! `(?s).{0,120}`, `\p{Print}+`, `[0-9A-Z]{2}+`. A pattern is read as
//! ECMA-262 when ECMA-262 accepts it and reads it as Java does; when
//! ECMA-262 refuses it or reads it otherwise, it is read as Java reads it,
//! with a warning for each construct that reading depends on (see
//! [`parse`]). Both readings give one syntax tree.
//!
//! Patterns without look-around or back-references are translated to the
//! `regex` crate's syntax (linear time, whatever the input). The others run
//! on `regress`, an ECMAScript backtracking engine; validators only hand
//! them input that has already passed the member's length limit.

pub mod ecma;
pub mod lint;
pub mod parse;
pub mod translate;

use std::fmt;

pub use parse::Dialect;

/// A checked `@pattern`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern exactly as written in the model (it appears in messages).
    pub source: String,
    /// How it is read: as ECMA-262, or as Java where ECMA-262 refuses it
    /// or reads it otherwise.
    pub dialect: Dialect,
    /// An ECMA-262 pattern that, with [`flags`](Self::flags), means what
    /// this pattern is read to mean; `regress` runs it when the engine is
    /// [`Engine::Backtracking`]. Read as ECMA-262, the source itself (with
    /// `u` when it uses `\p{...}`); read as Java, the syntax tree printed
    /// for the `u` flag.
    pub ecma: String,
    pub flags: String,
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
    /// `regress`, with [`Pattern::ecma`] and [`Pattern::flags`]:
    /// look-around and back-references, or a bounded repetition too large
    /// for an automaton.
    Backtracking,
}

/// Parsed patterns by their source.
pub type Patterns = std::collections::BTreeMap<String, Pattern>;

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

const UNICODE_PROPERTIES: &str = "uses `\\p{...}`, which ECMA-262 without the `u` flag reads as the letter `p`; it is \
                                  read as a Unicode property, as Java (and so AWS) reads it";

impl Pattern {
    /// Checks `source` and chooses its reading and its engine.
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        // regress is the reference for what ECMA-262 accepts (as
        // `new RegExp(source)` reads it); our parser must agree, and gives
        // the tree the translation needs.
        let ecma = regress::Regex::with_flags(source, "").map_err(|e| e.to_string()).and_then(|_| parse::parse(source));
        let java = parse::parse_in(source, Dialect::Java);
        match (ecma, java) {
            (Ok(ecma), Ok(java)) if java.node != ecma.node => Pattern::read_as_java(source, java),
            (Ok(ecma), Ok(_)) => Pattern::read_as_ecma(source, ecma),
            (Ok(ecma), Err(java)) => match Pattern::read_as_ecma(source, ecma) {
                Ok(mut pattern) => {
                    if java.unsupported {
                        pattern.warnings.insert(
                            0,
                            format!(
                                "is read as ECMA-262 reads it; Java, which AWS runs, reads it otherwise, but this \
                                 generator does not support {}",
                                java.message
                            ),
                        );
                    }
                    Ok(pattern)
                }
                Err(e) if java.unsupported => Err(PatternError {
                    message: format!(
                        "{}, and this generator does not support {}, which its Java reading needs",
                        e.message, java.message
                    ),
                }),
                Err(e) => {
                    Err(PatternError { message: format!("{} (nor as Java reads it: {})", e.message, java.message) })
                }
            },
            (Err(_), Ok(java)) => Pattern::read_as_java(source, java),
            (Err(ecma), Err(java)) if java.unsupported => Err(PatternError {
                message: format!(
                    "is not a valid ECMA-262 regular expression ({ecma}), and this generator does not support \
                     {}, which its Java reading needs",
                    java.message
                ),
            }),
            (Err(ecma), Err(java)) => Err(PatternError {
                message: format!(
                    "is not a valid ECMA-262 regular expression: {} (nor as Java reads it: {})",
                    ecma.trim_end_matches('.'),
                    java.message
                ),
            }),
        }
    }

    fn read_as_ecma(source: &str, parsed: parse::Parsed) -> Result<Pattern, PatternError> {
        let mut warnings = Vec::new();
        if parsed.unicode_properties {
            warnings.push(UNICODE_PROPERTIES.to_string());
        }
        warnings.extend(lint::partial_anchors(&parsed.node));
        let engine = engine(&parsed.node, &mut warnings)?;
        Ok(Pattern {
            source: source.to_string(),
            dialect: Dialect::Ecma,
            ecma: source.to_string(),
            flags: if parsed.unicode_properties { "u" } else { "" }.to_string(),
            engine,
            warnings,
        })
    }

    fn read_as_java(source: &str, parsed: parse::Parsed) -> Result<Pattern, PatternError> {
        let mut warnings = parsed.java;
        if warnings.is_empty() {
            warnings.push("is read as Java, which AWS runs, reads it; ECMA-262 reads it otherwise".to_string());
        }
        if parsed.unicode_properties {
            warnings.push(UNICODE_PROPERTIES.to_string());
        }
        warnings.extend(lint::partial_anchors(&parsed.node));
        let ecma = ecma::to_ecma(&parsed.node);
        let flags = "u";
        if let Err(e) = regress::Regex::with_flags(&ecma, flags) {
            return Err(PatternError {
                message: format!("read as Java, cannot be written for regress as {ecma:?} ({e}); please report this"),
            });
        }
        let engine = engine(&parsed.node, &mut warnings)?;
        Ok(Pattern {
            source: source.to_string(),
            dialect: Dialect::Java,
            ecma,
            flags: flags.to_string(),
            engine,
            warnings,
        })
    }
}

/// The engine for a parsed pattern.
fn engine(node: &parse::Node, warnings: &mut Vec<String>) -> Result<Engine, PatternError> {
    if node.needs_backtracking() {
        return Ok(Engine::Backtracking);
    }
    let translated = translate::to_regex(node);
    match regex::Regex::new(&translated) {
        Ok(_) => Ok(Engine::Linear(translated)),
        Err(regex::Error::CompiledTooBig(_)) => Ok(match counted(node) {
            Some(engine) => engine,
            None => {
                warnings.push(
                    "is too large for a linear-time automaton; it runs on a backtracking engine, after the member's \
                     length limit"
                        .to_string(),
                );
                Engine::Backtracking
            }
        }),
        Err(e) => {
            // The last line of `regex`'s message says what is wrong.
            let why = e.to_string().lines().last().unwrap_or_default().trim_start_matches("error: ").to_string();
            Err(PatternError {
                message: if why.contains("Unicode property") {
                    format!("names a Unicode property that is not known ({why})")
                } else {
                    format!("cannot be translated for the regex crate ({why}); please report this")
                },
            })
        }
    }
}

/// [`Engine::Counted`] for `^C{min,max}$`, where `C` matches one character.
fn counted(node: &parse::Node) -> Option<Engine> {
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
    Some(Engine::Counted { each: translate::to_regex(&star), min: *min, max: *max })
}

#[cfg(test)]
mod tests {
    use super::*;
    // What generated crates run.
    use awsgen_runtime::validate::Pattern as Matcher;

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_string().into_boxed_str())
    }

    /// `pattern` as a generated crate runs it (the runtime's own matcher).
    fn compiled(pattern: &Pattern) -> Matcher {
        let source = leak(&pattern.source);
        match &pattern.engine {
            Engine::Linear(translated) => Matcher::linear(source, leak(translated)),
            Engine::Counted { each, min, max } => Matcher::counted(source, leak(each), *min as usize, *max as usize),
            Engine::Backtracking => Matcher::backtracking(source, leak(&pattern.ecma), leak(&pattern.flags)),
        }
    }

    /// Parses `source`, checks that it matches (search semantics) each of
    /// `matching` and none of `failing`, as generated crates run it and as
    /// `regress` runs the ECMA-262 form of its reading; returns it.
    fn reads(source: &str, matching: &[&str], failing: &[&str]) -> Pattern {
        let pattern = Pattern::parse(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        let matcher = compiled(&pattern);
        let ecma = regress::Regex::with_flags(&pattern.ecma, pattern.flags.as_str()).unwrap();
        for (texts, expected) in [(matching, true), (failing, false)] {
            for text in texts {
                assert_eq!(matcher.is_match(text), expected, "{source} on {text:?} ({:?})", pattern.engine);
                assert_eq!(ecma.find(text).is_some(), expected, "{source} on {text:?} as {:?}", pattern.ecma);
            }
        }
        pattern
    }

    fn linear(pattern: &Pattern) -> &str {
        match &pattern.engine {
            Engine::Linear(translated) => translated,
            other => panic!("{}: {other:?}", pattern.source),
        }
    }

    /// The warnings of a Java reading.
    fn java(pattern: &Pattern) -> String {
        assert_eq!(pattern.dialect, Dialect::Java, "{}", pattern.source);
        pattern.warnings.join("\n")
    }

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
        assert_eq!(pattern.dialect, Dialect::Java);
        assert_eq!(pattern.engine, Engine::Linear("^[aA][lL][lL]|[0-9]{12}$".to_string()));
        assert_eq!(pattern.source, r"^(?i)all|[0-9]{12}$");
        assert_eq!(pattern.warnings.len(), 2, "{:?}", pattern.warnings);
        assert!(pattern.warnings[0].starts_with("uses Java's inline flag `(?i)`"), "{:?}", pattern.warnings);
    }

    #[test]
    fn refuses_invalid_patterns() {
        assert!(Pattern::parse("[a-").unwrap_err().message.contains("not a valid ECMA-262"));
        assert!(Pattern::parse("a{2,1}").is_err());
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

    #[test]
    fn ecma_patterns_keep_their_reading() {
        for source in
            [r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", r"^\d+$", r"^[\w-_]+$", r"^(?!\s*$).+$", r"a{b", r"^\x41\u0042$"]
        {
            let pattern = Pattern::parse(source).unwrap();
            assert_eq!(pattern.dialect, Dialect::Ecma, "{source}");
            assert_eq!(pattern.ecma, source);
        }
        let properties = Pattern::parse(r"^\p{L}+$").unwrap();
        assert_eq!((properties.flags.as_str(), properties.warnings.len()), ("u", 1));
        assert_eq!(linear(&properties), r"^[\p{L}]+$");
        // A Java construct this generator does not support leaves an
        // ECMA-262 reading, with a warning.
        let pattern = Pattern::parse(r"^\Gx$").unwrap();
        assert_eq!(pattern.dialect, Dialect::Ecma);
        assert!(pattern.warnings[0].contains("does not support Java's `\\G`"), "{:?}", pattern.warnings);
    }

    #[test]
    fn inline_dot_all() {
        let pattern = reads("(?s).{0,120}", &["", "a\nb", "\u{2028}"], &[]);
        assert!(java(&pattern).contains("`.` also matches line terminators, from there to the end of the pattern"));
        assert_eq!(linear(&pattern), r"[\x00-\u{10FFFF}]{0,120}");
        let certificate = r"^(?s)\s*-----BEGIN CERTIFICATE-----.+-----END CERTIFICATE-----\s*$";
        reads(
            certificate,
            &["-----BEGIN CERTIFICATE-----\nMIIB\r\nxyz\n-----END CERTIFICATE-----\n"],
            &["-----BEGIN CERTIFICATE-----\nMIIB\n", "x-----BEGIN CERTIFICATE-----a-----END CERTIFICATE-----"],
        );
        assert_eq!(linear(&reads("^(?s)", &["", "\n"], &[])), "^");
        // `(?-s:...)` turns it off inside the group; a flag set in a group
        // ends with the group.
        reads("^(?s)a(?-s:.)b.$", &["a-b\n"], &["a\nb\n"]);
        reads("^a((?s).).$", &["a\nb"], &["a\n\n"]);
    }

    #[test]
    fn inline_case_insensitivity_anywhere() {
        let script = r"^(?![^:\\]*/action/|(?i).*<script>.*</script>.*)[^:\\]+$";
        let pattern =
            reads(script, &["hello", "x/ACTION/y", "<script>"], &["a<SCRIPT>x</Script>b", "x/action/y", "a:b", ""]);
        assert_eq!(pattern.engine, Engine::Backtracking);
        assert!(
            java(&pattern).contains("ASCII letters match either case, from there to the end of the enclosing group")
        );
        // Scoped to the rest of the enclosing group, across alternatives.
        reads("^(?:a(?i)b|c)$", &["ab", "aB", "C"], &["AB", "Ab"]);
        reads("^(?:(?i)a)b$", &["Ab", "ab"], &["AB"]);
        reads("^(?i:a)b$", &["Ab"], &["aB"]);
        reads("^(?i)a(?-i)b$", &["Ab"], &["aB"]);
        // ASCII letters only, as Java reads `(?i)` without UNICODE_CASE.
        reads("^(?i)[a-cé]+$", &["AbC", "é"], &["É", "D"]);
        reads("^(?i)k$", &["k", "K"], &["\u{212a}"]);
        assert_eq!(linear(&Pattern::parse("^(?i)[0-9a-f:.]+$").unwrap()), r"^[0-9a-fA-F:\.]+$");
    }

    #[test]
    fn inline_multi_line() {
        let key = r"^(?ms)\s*^-----BEGIN (?-s:.*)PRIVATE KEY-----$.*?^-----END (?-s:.*)PRIVATE KEY-----$\s*$";
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\nabcd\n-----END RSA PRIVATE KEY-----\n";
        let pattern = reads(
            key,
            &[pem, &pem.replace('\n', "\r\n"), "\n-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----"],
            &[
                "-----BEGIN RSA PRIVATE KEY-----x\n-----END RSA PRIVATE KEY-----",
                "-----BEGIN A\nB PRIVATE KEY-----\n-----END PRIVATE KEY-----",
                "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY",
            ],
        );
        assert!(linear(&pattern).contains("(?mR:^)"));
        let warnings = java(&pattern);
        assert!(warnings.contains("inline flags `(?ms)`"), "{warnings}");
        assert!(warnings.contains("flag group `(?-s:...)`"), "{warnings}");
        reads("(?m)^b$", &["a\nb\nc", "a\r\nb\r\n", "b", "a\rb"], &["ab", "a\nbc"]);
        // Never between `\r` and `\n`.
        reads("(?m)a$\n", &["a\n"], &["a\r\n"]);
        // `\A` and `\z` stay the ends of the input.
        reads(r"(?m)\Ab$", &["b\nc"], &["a\nb"]);
    }

    #[test]
    fn possessive_quantifiers() {
        let pattern = reads("^[0-9A-Z]{2}+$", &["A1"], &["A", "A12"]);
        assert_eq!(
            java(&pattern),
            "uses Java's possessive quantifier `{2}+`, which ECMA-262 does not have; it is read as the greedy `{2}` \
             (same match set here)"
        );
        let arn = r"^arn:aws:kinesisanalytics:[a-z]{2}-[a-z]+-\d{1}+:\d{12}+:application/[a-zA-Z0-9_.-]{1,128}$";
        reads(arn, &["arn:aws:kinesisanalytics:us-east-1:123456789012:application/app"], &["arn:aws:x"]);
        let path = reads(r"^[\/]?+[a-z]+(\/[a-z]+)*$", &["/a/b", "a"], &["//a"]);
        assert!(java(&path).contains("the greedy `?` (Java's never gives back what it took, so it may refuse"));
        for source in ["^a*+b$", "^a++b$", "^a{1,}+b$", "^a{1,3}+b$"] {
            let pattern = reads(source, &["ab", "aab"], &["b-", "a"]);
            assert!(java(&pattern).contains("possessive"), "{source}");
        }
        reads("^a?+b$", &["ab", "b"], &["aab"]);
    }

    #[test]
    fn java_posix_classes() {
        let cases: &[(&str, &str, &str)] = &[
            ("Lower", "az", "AÀ"),
            ("Upper", "AZ", "aÀ"),
            ("ASCII", "\0a\u{7f}", "é"),
            ("Alpha", "aZ", "0é_"),
            ("Digit", "09", "a٣５"),
            ("Alnum", "a0Z", "_é"),
            ("Punct", "!/:@[`{~", "a \u{a1}"),
            ("Graph", "!~a", " \u{7f}é"),
            ("Print", " ~a", "\t\u{7f}é"),
            ("Blank", " \t", "\n\u{a0}"),
            ("Cntrl", "\0\u{1f}\u{7f}", " \u{85}"),
            ("XDigit", "09afAF", "gG"),
            ("Space", " \t\n\u{b}\u{c}\r", "\u{a0}\u{2028}"),
        ];
        for (name, inside, outside) in cases {
            let owned: Vec<String> = inside.chars().map(String::from).collect();
            let inside: Vec<&str> = owned.iter().map(String::as_str).collect();
            let owned: Vec<String> = outside.chars().map(String::from).collect();
            let outside: Vec<&str> = owned.iter().map(String::as_str).collect();
            reads(&format!(r"^\p{{{name}}}$"), &inside, &outside);
            reads(&format!(r"^[\p{{{name}}}]$"), &inside, &outside);
            reads(&format!(r"^\P{{{name}}}$"), &outside, &inside);
            reads(&format!(r"^[^\p{{{name}}}]$"), &outside, &inside);
            reads(&format!(r"^[\P{{{name}}}]$"), &outside, &inside);
        }
        let print = reads(r"^\p{Print}+$", &["a b~"], &["a\tb", "é"]);
        assert_eq!(linear(&print), r"^[\u{20}-\~]+$");
        assert!(java(&print).contains(
            "uses Java's `\\p{Print}`, which ECMA-262 does not have; it is read as Java reads it: printable ASCII"
        ));
        reads(r"^[\-\p{Alnum}_:.]+$", &["a-b_c:1."], &["é", "a b"]);
        reads(r"^\p{XDigit}{8}-\p{XDigit}{4}$", &["0123abcd-EF01"], &["0123abcg-EF01"]);
        // With `(?i)`, as Java 16 and later read it.
        reads(r"^(?i)\p{Lower}$", &["a", "A"], &["1"]);
    }

    #[test]
    fn java_unicode_categories_and_properties() {
        let ld = reads(r"^(\p{LD}|\p{Punct}| )+$", &["é5!", "中 ٣"], &["\t", "a\u{a0}"]);
        assert!(java(&ld).contains("`\\p{LD}`"));
        reads(r"^\P{LD}+$", &["!?"], &["a", "٣"]);
        reads(r"^[\P{LD}a]+$", &["!a"], &["b"]);
        reads(r"^\pL+$", &["aé中"], &["1"]);
        reads(r"^\p{IsAlphabetic}+$", &["aé\u{2160}"], &["1", "_"]);
        reads(r"^[^\p{C}\p{IsWhitespace}]+$", &["a-é"], &["a b", "a\u{2028}", "\u{200b}"]);
        reads(r"^\p{IsL}\p{IsLu}$", &["aB"], &["ab"]);
        reads(r"^\p{IsLatin}+$", &["abé"], &["Ωx", "1"]);
        reads(r"^\p{sc=Greek}+$", &["Ω"], &["a"]);
        reads(r"^\p{IsGreek}+$", &["Ω"], &["a"]);
        reads(r"^[\p{all}]*$", &["", "\n\u{10ffff}"], &[]);
        reads(r"^\p{L1}+$", &["aÿ"], &["Ā"]);
        reads(r"^\p{IsPunct}$", &["!"], &["\u{a1}"]);
        // Java knows no `\p{Letter}`; ECMA-262 (as this generator reads it) does.
        assert_eq!(Pattern::parse(r"^\p{Letter}$").unwrap().dialect, Dialect::Ecma);
        assert!(Pattern::parse(r"\p{InGreek}").unwrap_err().message.contains("does not support `\\p{InGreek}`"));
        assert!(Pattern::parse(r"(?s)\p{javaLowerCase}").unwrap_err().message.contains("java.lang.Character"));
        assert!(Pattern::parse(r"(?s)\p{Nonsense}").unwrap_err().message.contains("names no property Java knows"));
    }

    #[test]
    fn java_class_intersections_and_nesting() {
        let pattern = reads(r"^[\p{Print}&&[^|:/]]+$", &["abc def~"], &["a|b", "a:b", "a/b", "é", "a\tb"]);
        assert_eq!(linear(&pattern), r"^[[\u{20}-\~]&&[^\|:/]]+$");
        assert!(java(&pattern).contains("class intersection `&&`"));
        reads(r"^[a-z&&[^aeiou]&&[a-m]]+$", &["bcd"], &["a", "n", "B"]);
        reads(r"^[^a-z&&[aeiou]]+$", &["bcZ"], &["a", "e"]);
        reads(r"^[a&]+$", &["a&"], &["b"]);
        let nested = reads(r"^[a[0-9]]+$", &["a1"], &["b", "["]);
        assert!(java(&nested).contains("nests a class in a class"));
        reads(r"^[a[^0-9]]$", &["a", "b"], &["1"]);
        // `\w` and (`[^_]` or `-`): Java's operands are unions.
        reads(r"^[\w&&[^_]\-]+$", &["a1"], &["_", "-"]);
        // Java reads `]` first in a class as a literal.
        reads(r"(?s)^[]a]+$", &["]a"], &["b"]);
        // Not a POSIX class in Java: the characters `:`, `a`, `l`, `n`, `u`, `m`.
        let time = r"^T(\[[[:alnum:]\/\_]+\])?$";
        let pattern = reads(time, &["T", "T[a:n/_]"], &["T[b]"]);
        assert!(java(&pattern).contains("`[:alnum:]`, which is no POSIX class in Java"));
    }

    #[test]
    fn dash_after_a_class_escape_is_a_literal() {
        let source = r"^(?! )[\p{L}\p{N}\p{Z}-_]*(?<! )$";
        let pattern = reads(source, &["a-b_c", "é x", ""], &[" a", "a ", "a.b", "a^b"]);
        assert_eq!(pattern.engine, Engine::Backtracking);
        assert!(java(&pattern).contains("has `-` right after `\\p{Z}` in a class; Java reads it as a literal `-`"));
        assert_eq!(pattern.ecma, r"^(?!\u{20})[\p{L}\p{N}\p{Z}\-_]*(?<!\u{20})$");
    }

    #[test]
    fn repeated_assertions_and_repetitions_of_nothing() {
        let pattern = reads(r"^([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}$", &["abc", ""], &["a!"]);
        assert!(java(&pattern).contains("repeats the assertion `$` with `{1,128}`"));
        assert_eq!(linear(&pattern), r"^(?:[\p{L}\p{Z}\p{N}_\.:/=\+\-@]*)$$");
        reads(r"^[-_a-zA-Z0-9]*${2,64}$", &["a-b"], &["a b"]);
        let optional = reads(r"^a$?b", &["ab"], &["a"]);
        assert!(java(&optional).contains("read as matching the empty string"));
        reads(r"^a\b*b", &["ab"], &[]);
        reads(r"^a(?<=a){2}b$", &["ab"], &["b"]);
        let rbin = r"^arn:\S+:rbin:[a-z\-0-9]{0,63}:[0-9]{12}:rule/[0-9a-zA-Z]{11}{0,1011}$";
        let pattern = reads(
            rbin,
            &["arn:aws:rbin:us-east-1:123456789012:rule/abcdefghijk"],
            &["arn:aws:rbin:us-east-1:123456789012:rule/abcdefghijkl"],
        );
        assert!(java(&pattern).contains("uses `{0,1011}` with nothing to repeat"));
        assert!(Pattern::parse("(?s)a{x}").is_err());
        assert!(Pattern::parse("(?s)*a").is_err());
    }

    #[test]
    fn java_escapes() {
        let snapshot = r"\Asnap-([0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})\z";
        let pattern = reads(snapshot, &["snap-0123abcd"], &["Asnap-0123abcdz", "snap-0123abcd\n", "xsnap-0123abcd"]);
        assert_eq!(linear(&pattern), r"^snap\-(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})$");
        assert!(java(&pattern).contains("uses Java's `\\A`, which ECMA-262 reads as the letter `A`"));
        let backtick = reads(r"^[\x{60}\x{1F600}]+$", &["`\u{1f600}"], &["x"]);
        assert!(java(&backtick).contains("uses Java's `\\x{60}`, which ECMA-262 reads as `x{60}`"));
        reads(r"^\Qa.b*\E$", &["a.b*"], &["axb", "a.bb"]);
        reads(r"^(a)\Q1\E\1$", &["a1a"], &["a1"]);
        reads(r"^[\Q]-\E]+$", &["]-"], &["a"]);
        reads(r"^a\Z", &["a", "a\n", "a\r\n"], &["a\nb", "a\n\n"]);
        reads(r"^\h+\v$", &[" \t\u{a0}\n", "\u{3000}\u{2028}"], &["a\n", " a"]);
        reads(r"^\H\V$", &["aa"], &[" a", "a\n"]);
        reads(r"^\e\a\0101\cA$", &["\u{1b}\u{7}A\u{1}"], &["ea"]);
        reads(r"(?s)^[\u0020-\uD7FF\uD800\uDC00-\uDBFF\uDFFF]+$", &["a\u{1f600}"], &["\u{e000}"]);
        // Back-references name groups opened before them.
        reads(r"(?s)^(.)\1$", &["aa", "\n\n"], &["ab"]);
        reads(r"(?s)^(?<x>.)\k<x>$", &["aa"], &["ab"]);
        reads(r"(?s)^(a)\10$", &["aa0"], &["aaa"]);
        assert!(Pattern::parse(r"(?s)\1(a)").is_err());
        assert!(Pattern::parse(r"(?s)\y").is_err());
    }

    #[test]
    fn what_no_reading_accepts_is_refused() {
        let message = Pattern::parse("(?s)[a-").unwrap_err().message;
        assert!(message.starts_with("is not a valid ECMA-262 regular expression: "), "{message}");
        assert!(message.contains("(nor as Java reads it: unterminated character class at offset 4)"), "{message}");
        let message = Pattern::parse("(?x)a b").unwrap_err().message;
        assert!(message.contains("this generator does not support Java's flag `x`"), "{message}");
        assert!(Pattern::parse("(?s)(?>a)").unwrap_err().message.contains("atomic group"));
        assert!(Pattern::parse("(?i)(a)\\1").unwrap_err().message.contains("back-reference under Java's `(?i)`"));
    }
}
