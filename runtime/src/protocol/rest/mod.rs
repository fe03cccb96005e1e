//! What the protocols with HTTP bindings (restJson1, restXml) share: a
//! request's method, path and query string to the operation whose `@http`
//! trait matches it, the members bound to its head, the members bound to
//! a response's head, and the router. The body is the protocol's own
//! ([`super::rest_json`], [`super::rest_xml`]).
//!
//! [`Dispatch`] is what a generated router implements, [`handle`] serves
//! one request with it ([`request`] reads the members bound to the
//! request's head, [`response`] writes those bound to a response's).
//!
//! [`UriPattern`] parses and checks the `uri` of an `@http` trait;
//! [`Routes`] is built from `(method, pattern, value)` entries, refusing
//! patterns that conflict, and [`Routes::route`] finds a request's entry and
//! the values of its labels.
//!
//! ```
//! use awsgen_runtime::protocol::rest::{RouteError, Routes, UriPattern};
//!
//! let router = Routes::new([
//!     ("GET", "/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+}".parse::<UriPattern>().unwrap(), 0),
//!     ("GET", "/ConstantQueryString/{hello}?foo=bar&hello".parse().unwrap(), 1),
//! ])
//! .unwrap();
//! let found = router.route("GET", "/HttpRequestWithGreedyLabelInPath/foo/hello%2Fescape/baz/there/guy", None).unwrap();
//! assert_eq!(*found.value, 0);
//! assert_eq!(found.labels, [("foo", "hello/escape".to_string()), ("baz", "there/guy".to_string())]);
//! assert_eq!(*router.route("GET", "/ConstantQueryString/hi", Some("hello&foo=bar&other=1")).unwrap().value, 1);
//! assert_eq!(router.route("GET", "/ConstantQueryString/hi", Some("foo=bar")), Err(RouteError::NotFound));
//! assert_eq!(
//!     router.route("PUT", "/ConstantQueryString/hi", Some("foo=bar&hello")),
//!     Err(RouteError::MethodNotAllowed { allowed: vec!["GET".into()] }),
//! );
//! ```
//!
//! # Matching
//!
//! As Smithy's HTTP binding specification has it:
//!
//! - The request's path is split at `/` and each segment percent-decoded
//!   (`+` is itself), so `%2F` stays inside its segment. A literal segment
//!   matches a segment of the same (decoded) text; a label `{name}` matches
//!   any one non-empty segment; a greedy label `{name+}` matches one or more
//!   segments, its value their decoded texts joined by `/`.
//! - A query literal `key` needs the key in the request's query string, with
//!   any value; `key=value` needs the key with that value (in one of its
//!   occurrences). Keys and values are compared decoded, `+` read as a
//!   space. Other parameters are allowed.
//! - When several patterns match, the most specific wins ("specificity
//!   routing"): compared segment by segment from the first, a literal beats
//!   a label, which beats a greedy label; a pattern beats one that is a
//!   prefix of it; then the one with more query literals.
//! - A request whose path and query match only patterns of other methods is
//!   [`RouteError::MethodNotAllowed`] (405) with those methods; one that
//!   matches none is [`RouteError::NotFound`] (404). Methods are compared
//!   case-sensitively, and `HEAD` is not served by `GET` patterns.
//!
//! Where the specification is silent, this module chooses:
//!
//! - **Trailing slashes**: one trailing slash of the request's path is
//!   ignored (`/a/b/` is `/a/b`, as the specification's examples show); so is
//!   one at the end of a pattern (`/sessions/` is `/sessions`), so a greedy
//!   label's value never ends with `/`.
//! - **Empty segments**: an empty segment (`/a//b`) matches no label and no
//!   literal. A greedy label's segments may include empty ones (an S3 key may
//!   hold `//`), but its value may not be empty.
//! - **Malformed escapes**: a path with a `%` not followed by two
//!   hexadecimal digits, or whose escapes decode to bytes that are not UTF-8,
//!   is [`RouteError::Malformed`] (400) rather than a 404: no label value
//!   could hold it. In the query string such a key or value only fails to
//!   equal any literal: parameters are read by the operation's bindings,
//!   which report them.
//! - **Empty query values**: the literal `key=` needs the key with an empty
//!   value, which a request sends as `?key=` or `?key`; the literal `key`
//!   takes any value. (Smithy reads both literals as the empty value; here
//!   `/a?k` and `/a?k=` are two patterns, the second preferred.)
//! - **Ties**: two patterns that differ only in their query literals, with
//!   as many literals each (`/{Bucket}?acl` and `/{Bucket}?policy`), are
//!   allowed, as Smithy allows them, though one request can match both
//!   (`?acl&policy`): the one with more `key=value` literals wins, then the
//!   one given first.
//! - **Conflicts**: [`Routes::new`] refuses two patterns of one method that
//!   are the same once labels are renamed, percent-escapes decoded and
//!   trailing slashes dropped, with the same query literals (`/a/{x}` and
//!   `/a/{y}`; `/a` and `/a/`; `/a?x=1&y` and `/a?y&x=1`). Every other pair
//!   is told apart by the precedence above.
//!
//! # How it works, and what it costs
//!
//! Each method has a tree of segments: a node has children keyed by the
//! text of a literal segment (a hash map), at most one child for a label and
//! one for a greedy label, and the entries whose paths end there (best
//! first). Routing walks the tree from the root, one request segment per
//! level: the literal child for the segment first, then the label child,
//! then the greedy child, backing up when a branch fails; the first entry
//! reached whose query literals the request has is the most specific. A
//! greedy label's child holds the rest of the patterns through it (fixed
//! lengths, no more greedy labels): for each of those lengths the greedy
//! label takes the segments the rest leaves over, and the most specific of
//! the routes found wins.
//!
//! The cost of a request is one pass over its path (split and decode), then
//! a hash lookup per segment down the tree, whatever the number of entries.
//! Backing up happens only where a node has both a literal child equal to
//! the segment and a label or greedy child; each node is tried at most once
//! per request (a greedy label's tail once per tail length), so the walk is
//! bounded by the shapes of the patterns along the request's path, and never
//! scans the patterns. Only when no entry of the request's method matches
//! are the other methods' trees walked, to tell 405 from 404. Each label's
//! value is one allocation.
//!
mod payload;
pub mod request;
pub mod response;
mod router;
mod routes;
mod uri;

pub use request::{Bound, Head, HeadSource, HttpInput, Location, split_list};
pub use response::{HeaderText, WriteResponse, empty_response, output_response};
pub(crate) use router::SharedDispatch;
pub use router::{ANY_MEDIA_TYPE, Dispatch, NO_INPUT, Operation, RoutedRequest, handle};
pub use routes::{BuildError, Match, RouteError, Routes};
pub use uri::{PatternError, QueryLiteral, Segment, UriPattern};

#[cfg(test)]
mod tests;
