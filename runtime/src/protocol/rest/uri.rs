//! [`UriPattern`]: the `uri` of Smithy's `@http` trait, parsed and checked.

use std::fmt;
use std::str::FromStr;

use crate::http::decode::percent_decode;

/// The `uri` of an operation's `@http` trait: a path of literal segments and
/// labels, then optionally a query string of literals.
///
/// ```
/// use awsgen_runtime::protocol::rest_json::{Segment, UriPattern};
///
/// let pattern: UriPattern = "/ConstantQueryString/{hello}?foo=bar&hello".parse().unwrap();
/// assert_eq!(pattern.segments(), [Segment::Literal("ConstantQueryString".into()), Segment::Label("hello".into())]);
/// assert_eq!(pattern.query_literals().len(), 2);
/// assert_eq!(pattern.to_string(), "/ConstantQueryString/{hello}?foo=bar&hello");
/// ```
///
/// [`UriPattern::parse`] refuses what the Smithy specification forbids; see
/// there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UriPattern {
    text: Box<str>,
    segments: Vec<Segment>,
    query: Vec<QueryLiteral>,
}

/// One path segment of a [`UriPattern`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Literal text, percent-decoded (the pattern `/a%20b` holds `a b`),
    /// which a request's segment matches once it is decoded too.
    Literal(String),
    /// `{name}`: any one non-empty segment.
    Label(String),
    /// `{name+}`: one or more segments, `/` and all.
    GreedyLabel(String),
}

impl Segment {
    /// The label's name, for a label.
    pub fn label_name(&self) -> Option<&str> {
        match self {
            Segment::Literal(_) => None,
            Segment::Label(name) | Segment::GreedyLabel(name) => Some(name),
        }
    }
}

/// A literal of a [`UriPattern`]'s query string, percent-decoded (with `+`
/// as a space, as in requests): `key` or `key=value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueryLiteral {
    /// The parameter a request must have.
    pub key: String,
    /// The value it must have; `None` (the literal `key`) when any value
    /// will do, `Some("")` for `key=`.
    pub value: Option<String>,
}

/// Why a `uri` is not a valid pattern: [`UriPattern::parse`]'s error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pattern: String,
    problem: String,
}

impl PatternError {
    /// The pattern that was refused, as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid URI pattern {:?}: {}", self.pattern, self.problem)
    }
}

impl std::error::Error for PatternError {}

impl UriPattern {
    /// Parses and checks the `uri` of an `@http` trait.
    ///
    /// Refused, as the Smithy specification has it: a pattern that does not
    /// start with `/`; an empty segment (`//`); a dot-segment (`.` or `..`);
    /// a fragment (`#`); a trailing `?`; a segment that mixes literal text
    /// and a label (`a{b}`, `{a}{b}`) or stray braces; an empty label (`{}`)
    /// or one whose name is not a Smithy identifier (`{a-b}`, `{1a}`); a
    /// label name used twice, ignoring case (`{a}/{A}`); more than one
    /// greedy label; labels in the query string; an empty query parameter
    /// (`?a&&b`, `?a&`) or key (`?=b`); a query key given twice (compared
    /// decoded); characters that a request-target may not hold (a space, a
    /// non-ASCII character, `"`, `[`, ...), or a `%` not followed by two
    /// hexadecimal digits or decoding to something other than UTF-8.
    ///
    /// Allowed: a greedy label anywhere in the path (Smithy 2.0:
    /// `/prefix/{label+}/suffix`), though at most one; a trailing slash,
    /// which is not significant (`/a/` is the pattern `/a`, as trailing
    /// slashes of requests are ignored); `/` alone, the pattern of the empty
    /// path.
    pub fn parse(text: &str) -> Result<UriPattern, PatternError> {
        let refuse = |problem: String| PatternError { pattern: text.to_owned(), problem };
        if !text.starts_with('/') {
            return Err(refuse("a pattern must start with `/`".into()));
        }
        if text.contains('#') {
            return Err(refuse("a pattern must not contain a fragment (`#`)".into()));
        }
        let (path, query) = match text.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (text, None),
        };
        if query == Some("") {
            return Err(refuse("a pattern must not end with `?`".into()));
        }
        let segments = parse_path(path).map_err(refuse)?;
        let query = match query {
            Some(query) => parse_query(query).map_err(refuse)?,
            None => Vec::new(),
        };
        Ok(UriPattern { text: text.into(), segments, query })
    }

    /// The pattern as it was written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The path's segments, in order (none for `/`).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The query string's literals, in the order written.
    pub fn query_literals(&self) -> &[QueryLiteral] {
        &self.query
    }

    /// The names of the labels, in the order they appear.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(Segment::label_name)
    }

    /// The name of the greedy label, if there is one.
    pub fn greedy_label(&self) -> Option<&str> {
        self.segments.iter().find_map(|segment| match segment {
            Segment::GreedyLabel(name) => Some(name.as_str()),
            _ => None,
        })
    }
}

impl FromStr for UriPattern {
    type Err = PatternError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        UriPattern::parse(text)
    }
}

impl fmt::Display for UriPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The segments of `path` (which starts with `/`).
fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let rest = &path[1..];
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    // One trailing slash is not significant; what is left must not be empty.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut segments = Vec::new();
    for (index, text) in rest.split('/').enumerate() {
        segments.push(parse_segment(index, text)?);
    }

    let mut names: Vec<&str> = Vec::new();
    for name in segments.iter().filter_map(Segment::label_name) {
        if let Some(earlier) = names.iter().find(|earlier| earlier.eq_ignore_ascii_case(name)) {
            return Err(if *earlier == name {
                format!("the label `{name}` appears twice")
            } else {
                format!("the labels `{earlier}` and `{name}` have the same name ignoring case")
            });
        }
        names.push(name);
    }
    let greedy: Vec<&str> = segments
        .iter()
        .filter_map(|segment| match segment {
            Segment::GreedyLabel(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    if greedy.len() > 1 {
        return Err(format!(
            "a pattern may hold one greedy label, this one has {}: `{{{}+}}`",
            greedy.len(),
            greedy.join("+}`, `{")
        ));
    }
    Ok(segments)
}

/// Path segment `index` (from 0), `text`.
fn parse_segment(index: usize, text: &str) -> Result<Segment, String> {
    if text.is_empty() {
        return Err(format!("path segment {} is empty (`//`)", index + 1));
    }
    if text.contains(['{', '}']) {
        let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
            return Err(format!(
                "the segment `{text}` mixes literal text and a label: a label must be a whole segment"
            ));
        };
        if inner.contains(['{', '}']) {
            return Err(format!(
                "the segment `{text}` mixes literal text and a label: a label must be a whole segment"
            ));
        }
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(name) => (name, true),
            None => (inner, false),
        };
        if name.is_empty() {
            return Err(format!("the label `{text}` has no name"));
        }
        if !is_identifier(name) {
            return Err(format!(
                "the label name `{name}` is not a Smithy identifier (letters, digits and `_`, \
                 starting with a letter, or with `_` then a letter or digit)"
            ));
        }
        return Ok(if greedy { Segment::GreedyLabel(name.into()) } else { Segment::Label(name.into()) });
    }
    if text == "." || text == ".." {
        return Err(format!("the dot-segment `{text}` is not allowed"));
    }
    check_characters(text, "path", is_pchar)?;
    let decoded = percent_decode(text, false).map_err(|e| format!("the segment `{text}` {}", e.describe()))?;
    Ok(Segment::Literal(decoded.into_owned()))
}

/// The literals of the query string `query` (without its `?`).
fn parse_query(query: &str) -> Result<Vec<QueryLiteral>, String> {
    if query.contains(['{', '}']) {
        return Err("labels are not allowed in the query string".into());
    }
    let mut literals: Vec<QueryLiteral> = Vec::new();
    for pair in query.split('&') {
        if pair.is_empty() {
            return Err("the query string has an empty parameter (`&&`, or `&` at an end)".into());
        }
        check_characters(pair, "query string", |b| is_pchar(b) || b == b'/' || b == b'?')?;
        let (key, value) = match pair.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (pair, None),
        };
        if key.is_empty() {
            return Err(format!("the query literal `{pair}` has no key"));
        }
        let decode =
            |text| percent_decode(text, true).map_err(|e| format!("the query literal `{pair}` {}", e.describe()));
        let key = decode(key)?.into_owned();
        let value = match value {
            Some(value) => Some(decode(value)?.into_owned()),
            None => None,
        };
        if literals.iter().any(|literal| literal.key == key) {
            return Err(format!("the query key `{key}` appears twice"));
        }
        literals.push(QueryLiteral { key, value });
    }
    Ok(literals)
}

/// Refuses a byte of `text` that `allowed` does not allow, unless it is part
/// of a percent-escape (checked when decoding).
fn check_characters(text: &str, part: &str, allowed: impl Fn(u8) -> bool) -> Result<(), String> {
    match text.chars().find(|&c| !(c == '%' || (c.is_ascii() && allowed(c as u8)))) {
        Some(c) => Err(format!("the character {c:?} is not allowed in a URI's {part}; percent-encode it")),
        None => Ok(()),
    }
}

/// RFC 3986's `pchar`, but for `%` (escapes are checked when decoding):
/// unreserved characters, sub-delimiters, `:` and `@`.
fn is_pchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b)
}

/// A Smithy identifier: `_`s then a letter or digit, or a letter; then
/// letters, digits and `_`.
fn is_identifier(name: &str) -> bool {
    let rest = name.trim_start_matches('_');
    let leading_underscores = rest.len() < name.len();
    let mut chars = rest.chars();
    let first_ok = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => true,
        Some(c) if c.is_ascii_digit() => leading_underscores,
        _ => false,
    };
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(text: &str) -> Segment {
        Segment::Literal(text.into())
    }

    fn label(name: &str) -> Segment {
        Segment::Label(name.into())
    }

    fn greedy(name: &str) -> Segment {
        Segment::GreedyLabel(name.into())
    }

    fn query(key: &str, value: Option<&str>) -> QueryLiteral {
        QueryLiteral { key: key.into(), value: value.map(Into::into) }
    }

    #[test]
    fn parses_literals_labels_and_greedy_labels() {
        let pattern = UriPattern::parse("/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+}").unwrap();
        assert_eq!(
            pattern.segments(),
            [literal("HttpRequestWithGreedyLabelInPath"), literal("foo"), label("foo"), literal("baz"), greedy("baz")]
        );
        assert_eq!(pattern.labels().collect::<Vec<_>>(), ["foo", "baz"]);
        assert_eq!(pattern.greedy_label(), Some("baz"));
        assert!(pattern.query_literals().is_empty());
        assert_eq!(pattern.as_str(), "/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+}");

        let middle = UriPattern::parse("/v20180820/mrap/instances/{Name+}/policy").unwrap();
        assert_eq!(middle.segments()[3], greedy("Name"));
        assert_eq!(middle.segments()[4], literal("policy"));
        let first = UriPattern::parse("/{label+}").unwrap();
        assert_eq!(first.segments(), [greedy("label")]);
        assert_eq!(UriPattern::parse("/_1/{_a}/{a_1}/{A}").unwrap().labels().collect::<Vec<_>>(), ["_a", "a_1", "A"]);
    }

    #[test]
    fn parses_query_literals() {
        let pattern = UriPattern::parse("/ConstantQueryString/{hello}?foo=bar&hello").unwrap();
        assert_eq!(pattern.query_literals(), [query("foo", Some("bar")), query("hello", None)]);
        let pattern = UriPattern::parse("/?x-id=ListBuckets").unwrap();
        assert_eq!(pattern.segments(), []);
        assert_eq!(pattern.query_literals(), [query("x-id", Some("ListBuckets"))]);
        let pattern = UriPattern::parse("/p?empty=&a%20b=c+d&path=/x?y&e=f=g").unwrap();
        assert_eq!(
            pattern.query_literals(),
            [query("empty", Some("")), query("a b", Some("c d")), query("path", Some("/x?y")), query("e", Some("f=g"))]
        );
    }

    #[test]
    fn the_root_and_trailing_slashes() {
        assert_eq!(UriPattern::parse("/").unwrap().segments(), []);
        let trailing = UriPattern::parse("/sessions/{sessionIdentifier}/").unwrap();
        assert_eq!(trailing.segments(), [literal("sessions"), label("sessionIdentifier")]);
        assert_eq!(trailing.to_string(), "/sessions/{sessionIdentifier}/", "the text is kept as written");
        assert_eq!(UriPattern::parse("/a/?b").unwrap().segments(), [literal("a")]);
    }

    #[test]
    fn literals_are_decoded_and_may_hold_sub_delimiters() {
        let pattern = UriPattern::parse("/ReDosLiteral/{str}/(a+)+").unwrap();
        assert_eq!(pattern.segments()[2], literal("(a+)+"), "`+` is itself in a path");
        let pattern = UriPattern::parse("/a%20b/%F0%9F%98%B9/v1:run/x@y/.../a.b").unwrap();
        assert_eq!(
            pattern.segments(),
            [literal("a b"), literal("\u{1F639}"), literal("v1:run"), literal("x@y"), literal("..."), literal("a.b")]
        );
    }

    #[test]
    fn refuses_what_the_specification_forbids() {
        let cases = [
            ("", "must start with `/`"),
            ("foo/bar", "must start with `/`"),
            ("{foo}", "must start with `/`"),
            ("//", "path segment 1 is empty (`//`)"),
            ("/a//b", "path segment 2 is empty (`//`)"),
            ("/a//", "path segment 2 is empty (`//`)"),
            ("/a/b#frag", "must not contain a fragment (`#`)"),
            ("/a?b#c", "must not contain a fragment (`#`)"),
            ("/a?", "must not end with `?`"),
            ("/a/./b", "the dot-segment `.` is not allowed"),
            ("/a/..", "the dot-segment `..` is not allowed"),
            ("/a{b}", "the segment `a{b}` mixes literal text and a label"),
            ("/{a}b", "the segment `{a}b` mixes literal text and a label"),
            ("/{a}{b}", "the segment `{a}{b}` mixes literal text and a label"),
            ("/{a}a{b}", "the segment `{a}a{b}` mixes literal text and a label"),
            ("/{{a}}", "the segment `{{a}}` mixes literal text and a label"),
            ("/a}", "the segment `a}` mixes literal text and a label"),
            ("/{a", "the segment `{a` mixes literal text and a label"),
            ("/{}", "the label `{}` has no name"),
            ("/{+}", "the label `{+}` has no name"),
            ("/{a-b}", "the label name `a-b` is not a Smithy identifier"),
            ("/{1a}", "the label name `1a` is not a Smithy identifier"),
            ("/{_}", "the label name `_` is not a Smithy identifier"),
            ("/{a b}", "the label name `a b` is not a Smithy identifier"),
            ("/{a++}", "the label name `a+` is not a Smithy identifier"),
            ("/{é}", "the label name `é` is not a Smithy identifier"),
            ("/{a}/b/{a}", "the label `a` appears twice"),
            ("/{bucket}/{Bucket}", "the labels `bucket` and `Bucket` have the same name ignoring case"),
            ("/{a}/{a+}", "the label `a` appears twice"),
            ("/{foo+}/bar/{baz+}", "a pattern may hold one greedy label, this one has 2: `{foo+}`, `{baz+}`"),
            ("/a?b={c}", "labels are not allowed in the query string"),
            ("/a?{b}", "labels are not allowed in the query string"),
            ("/a?b&&c", "the query string has an empty parameter"),
            ("/a?b&", "the query string has an empty parameter"),
            ("/a?&b", "the query string has an empty parameter"),
            ("/a?=b", "the query literal `=b` has no key"),
            ("/a?b=1&b=2", "the query key `b` appears twice"),
            ("/a?b&b=", "the query key `b` appears twice"),
            ("/a?a%20b&a+b", "the query key `a b` appears twice"),
            ("/a b", "the character ' ' is not allowed in a URI's path; percent-encode it"),
            ("/caf\u{e9}", "the character 'é' is not allowed in a URI's path"),
            ("/a\"b", "the character '\"' is not allowed in a URI's path"),
            ("/a[0]", "the character '[' is not allowed in a URI's path"),
            ("/a?b=c d", "the character ' ' is not allowed in a URI's query string"),
            ("/a%zz", "the segment `a%zz` has a `%` not followed by two hexadecimal digits"),
            ("/a%2", "the segment `a%2` has a `%` not followed by two hexadecimal digits"),
            ("/a%FF", "the segment `a%FF` percent-decodes to bytes that are not UTF-8"),
            ("/a?b=%", "the query literal `b=%` has a `%` not followed by two hexadecimal digits"),
        ];
        for (text, problem) in cases {
            let error = UriPattern::parse(text).expect_err(text);
            assert!(error.problem().contains(problem), "{text}: {error}");
            assert_eq!(error.pattern(), text);
            assert_eq!(error.to_string(), format!("invalid URI pattern {text:?}: {}", error.problem()));
        }
    }

    #[test]
    fn from_str_and_display() {
        let pattern: UriPattern = "/{accountId}/vaults/{vaultName}/archives".parse().unwrap();
        assert_eq!(pattern.to_string(), "/{accountId}/vaults/{vaultName}/archives");
        assert_eq!("nope".parse::<UriPattern>().unwrap_err().pattern(), "nope");
    }
}
