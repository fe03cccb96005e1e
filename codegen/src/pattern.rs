//! `@pattern` values: ECMA-262 regular expressions, checked when the model
//! is loaded so that a bad pattern fails generation, never a request.

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
    /// `new RegExp(source)` would).
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        let (ecma, case_insensitive) = match source.find(JAVA_CASE_INSENSITIVE) {
            // Only a flag that covers the whole pattern keeps its meaning
            // when moved out; `^(?i)` is as good as a leading one.
            Some(at) if source[..at].chars().all(|c| c == '^') => {
                (format!("{}{}", &source[..at], &source[at + JAVA_CASE_INSENSITIVE.len()..]), true)
            }
            _ => (source.to_string(), false),
        };
        let flags = if case_insensitive { "i" } else { "" };
        regress::Regex::with_flags(&ecma, flags)
            .map_err(|e| PatternError { message: format!("is not a valid ECMA-262 regular expression: {e}") })?;
        Ok(Pattern { source: source.to_string(), ecma, case_insensitive })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ecma_syntax_that_the_regex_crate_lacks() {
        for source in [r"^(?!\s*$).+$", r"^(a)\1$", r"^[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}$", r"^.{1,100000}$"] {
            let pattern = Pattern::parse(source).unwrap();
            assert_eq!(pattern.ecma, source);
            assert!(!pattern.case_insensitive);
        }
    }

    #[test]
    fn reads_a_leading_java_flag_as_case_insensitive() {
        let pattern = Pattern::parse(r"^(?i)all|[0-9]{12}$").unwrap();
        assert_eq!(pattern.ecma, r"^all|[0-9]{12}$");
        assert!(pattern.case_insensitive);
        assert_eq!(pattern.source, r"^(?i)all|[0-9]{12}$");
    }

    #[test]
    fn refuses_invalid_patterns() {
        assert!(Pattern::parse("[a-").unwrap_err().message.contains("not a valid ECMA-262"));
        assert!(Pattern::parse("a{2,1}").is_err());
        // An inline flag in the middle cannot be moved out without changing
        // what the pattern means.
        assert!(Pattern::parse("ab(?i)c").is_err());
    }
}
