//! [`Routes`]: a request's method, path and query to the entry whose
//! [`UriPattern`] matches it best.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use super::uri::{QueryLiteral, Segment, UriPattern};
use crate::http::decode::percent_decode;

/// Routes requests by HTTP method, path and query string to the entries it
/// was built from, as the module documentation describes.
#[derive(Clone)]
pub struct Routes<T> {
    routes: Vec<Route<T>>,
    /// One tree per method, sorted by method.
    trees: Vec<(Box<str>, Node)>,
}

#[derive(Clone)]
struct Route<T> {
    method: Box<str>,
    pattern: UriPattern,
    value: T,
}

/// A node of a method's segment tree: where the segments of the path so far
/// lead.
#[derive(Clone, Default)]
struct Node {
    /// The next segment is a literal: its decoded text.
    literals: HashMap<Box<str>, Node>,
    /// The next segment is a label.
    label: Option<Box<Node>>,
    /// The next segment is a greedy label.
    greedy: Option<Box<Greedy>>,
    /// The routes whose path ends here, best first: more query literals
    /// first, then more `key=value` literals, then in the order given.
    routes: Vec<usize>,
}

/// What follows a greedy label: the rest of the patterns through it, none of
/// which has another greedy label.
#[derive(Clone, Default)]
struct Greedy {
    tail: Node,
    /// The numbers of segments the patterns under `tail` have after the
    /// greedy label, ascending, each once.
    tail_lengths: Vec<usize>,
}

/// A request that a [`Routes`] matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match<'r, T> {
    /// The entry the request goes to.
    pub value: &'r T,
    /// Its method.
    pub method: &'r str,
    /// Its pattern.
    pub pattern: &'r UriPattern,
    /// The values of the pattern's labels, in the pattern's order: each
    /// label's name and the percent-decoded text of its segment (of its
    /// segments, joined by `/`, for a greedy label).
    pub labels: Vec<(&'r str, String)>,
}

impl<T> Match<'_, T> {
    /// The value of the label `name`.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.iter().find(|(label, _)| *label == name).map(|(_, value)| value.as_str())
    }
}

/// Why a [`Routes`] has no entry for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// No pattern matches the path and query string, whatever the method:
    /// 404.
    NotFound,
    /// Patterns match the path and query string, but none with the
    /// request's method: 405, with these methods (sorted) for `Allow`.
    MethodNotAllowed {
        /// The methods that would have matched.
        allowed: Vec<String>,
    },
    /// The path cannot be read: a `%` not followed by two hexadecimal
    /// digits, or escapes that decode to bytes that are not UTF-8: 400. The
    /// message does not quote the request.
    Malformed {
        /// What is wrong.
        message: String,
    },
}

impl RouteError {
    /// The HTTP status to answer with: 404, 405 or 400.
    pub fn status(&self) -> u16 {
        match self {
            RouteError::NotFound => 404,
            RouteError::MethodNotAllowed { .. } => 405,
            RouteError::Malformed { .. } => 400,
        }
    }
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::NotFound => f.write_str("no operation matches the request's path and query string"),
            RouteError::MethodNotAllowed { allowed } => {
                write!(f, "the request's path and query string are served for the methods {} only", allowed.join(", "))
            }
            RouteError::Malformed { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for RouteError {}

/// Why [`Routes::new`] refused its entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// Two entries with the same method whose patterns match the same
    /// requests with the same precedence: the same path once labels are
    /// renamed and trailing slashes dropped, and the same query literals.
    Conflict {
        /// The method they share.
        method: String,
        /// The earlier entry's pattern.
        first: String,
        /// The later entry's pattern.
        second: String,
    },
    /// A method that is not an HTTP token (RFC 9110 section 9.1).
    InvalidMethod {
        /// The method.
        method: String,
        /// The pattern it was given with.
        pattern: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Conflict { method, first, second } => write!(
                f,
                "the patterns `{method} {first}` and `{method} {second}` conflict: they match the same requests \
                 and neither is more specific"
            ),
            BuildError::InvalidMethod { method, pattern } => {
                write!(f, "the method {method:?} of the pattern `{pattern}` is not an HTTP method name")
            }
        }
    }
}

impl std::error::Error for BuildError {}

impl<T> Routes<T> {
    /// A router of `entries`: each a method (matched case-sensitively, as
    /// RFC 9110 has it: `GET`, not `get`), a pattern and what requests that
    /// match them go to. Refuses two entries that conflict, and a method that
    /// is not an HTTP token.
    pub fn new<M: AsRef<str>>(entries: impl IntoIterator<Item = (M, UriPattern, T)>) -> Result<Self, BuildError> {
        let mut router = Routes { routes: Vec::new(), trees: Vec::new() };
        for (method, pattern, value) in entries {
            let method = method.as_ref();
            if method.is_empty() || !method.bytes().all(is_tchar) {
                return Err(BuildError::InvalidMethod { method: method.into(), pattern: pattern.as_str().into() });
            }
            let id = router.routes.len();
            let tree = match router.trees.binary_search_by(|(m, _)| (**m).cmp(method)) {
                Ok(index) => &mut router.trees[index].1,
                Err(index) => {
                    router.trees.insert(index, (method.into(), Node::default()));
                    &mut router.trees[index].1
                }
            };
            let node = tree.insert(pattern.segments());
            let query = query_set(pattern.query_literals());
            for &other in &node.routes {
                let other = &router.routes[other];
                if query_set(other.pattern.query_literals()) == query {
                    return Err(BuildError::Conflict {
                        method: method.into(),
                        first: other.pattern.as_str().into(),
                        second: pattern.as_str().into(),
                    });
                }
            }
            let rank = |route: &UriPattern| query_rank(route.query_literals());
            let at = node.routes.partition_point(|&other| rank(&router.routes[other].pattern) >= rank(&pattern));
            node.routes.insert(at, id);
            router.routes.push(Route { method: method.into(), pattern, value });
        }
        Ok(router)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The entries, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &UriPattern, &T)> {
        self.routes.iter().map(|route| (&*route.method, &route.pattern, &route.value))
    }

    /// The entry a request goes to: its `method`, its `path` (the URI's
    /// path, still percent-encoded, without the query string) and its
    /// `query` string (still encoded, without the `?`).
    pub fn route(&self, method: &str, path: &str, query: Option<&str>) -> Result<Match<'_, T>, RouteError> {
        self.route_fitting(method, path, query, |_, _| Some(0))
    }

    /// [`Routes::route`], among the entries that `fits` as well, which says
    /// how closely an entry fits the request (`None`: not at all). Of the
    /// entries that match a request alike (the same path, query literals
    /// as specific), the closest fit is taken, then the first given.
    pub fn route_fitting(
        &self,
        method: &str,
        path: &str,
        query: Option<&str>,
        fits: impl Fn(&T, &UriPattern) -> Option<usize>,
    ) -> Result<Match<'_, T>, RouteError> {
        let Some(segments) = split_path(path)? else {
            return Err(RouteError::NotFound);
        };
        let fits = |id: usize| fits(&self.routes[id].value, &self.routes[id].pattern);
        let mut state = State { query: RequestQuery::new(query), captures: Vec::new(), fits: &fits, unfit: false };
        if let Some((_, tree)) = self.trees.iter().find(|(m, _)| **m == *method) {
            if let Some(id) = self.search(tree, &segments, 0, &mut state) {
                return Ok(self.matched(id, &segments, &state.captures));
            }
        }
        // The method has routes for the path that the request does not
        // fit: it is not another method's.
        if state.unfit {
            return Err(RouteError::NotFound);
        }
        let allowed: Vec<String> = self
            .trees
            .iter()
            .filter(|(m, tree)| {
                state.captures.clear();
                **m != *method && self.search(tree, &segments, 0, &mut state).is_some()
            })
            .map(|(m, _)| m.to_string())
            .collect();
        if allowed.is_empty() { Err(RouteError::NotFound) } else { Err(RouteError::MethodNotAllowed { allowed }) }
    }

    /// The best route under `node` for the request's `segments` from
    /// `position` on, its captures pushed onto `state`'s; `None`, the captures
    /// as they were, if there is none.
    fn search(&self, node: &Node, segments: &[Cow<'_, str>], position: usize, state: &mut State<'_>) -> Option<usize> {
        let Some(segment) = segments.get(position) else {
            let (query, fits) = (&mut state.query, state.fits);
            // The routes are in order of their query literals' rank: the
            // best of the first rank that has a route that fits.
            let mut best: Option<((usize, usize), usize, usize)> = None;
            for &id in &node.routes {
                let rank = query_rank(self.routes[id].pattern.query_literals());
                if best.is_some_and(|(best_rank, _, _)| best_rank != rank) {
                    break;
                }
                if !query.satisfies(self.routes[id].pattern.query_literals()) {
                    continue;
                }
                match fits(id) {
                    Some(fit) if best.is_none_or(|(_, best_fit, _)| fit > best_fit) => best = Some((rank, fit, id)),
                    Some(_) => {}
                    None => state.unfit = true,
                }
            }
            return best.map(|(_, _, id)| id);
        };
        // Most specific first: a literal, a label, a greedy label.
        if let Some(child) = node.literals.get(segment.as_ref()) {
            if let Some(id) = self.search(child, segments, position + 1, state) {
                return Some(id);
            }
        }
        if let Some(child) = &node.label {
            if !segment.is_empty() {
                state.captures.push((position, position + 1));
                if let Some(id) = self.search(child, segments, position + 1, state) {
                    return Some(id);
                }
                state.captures.pop();
            }
        }
        let greedy = node.greedy.as_deref()?;
        // The greedy label takes all but the segments its tail needs; tails of
        // each length are tried, and the most specific route wins.
        let mark = state.captures.len();
        let mut best: Option<(usize, Vec<(usize, usize)>)> = None;
        for &tail in &greedy.tail_lengths {
            let Some(end) = segments.len().checked_sub(tail) else { break };
            if end <= position {
                break;
            }
            if segments[position..end].iter().all(|segment| segment.is_empty()) {
                continue;
            }
            state.captures.push((position, end));
            if let Some(id) = self.search(&greedy.tail, segments, end, state) {
                if best.as_ref().is_none_or(|(other, _)| self.precedence(id, *other) == Ordering::Greater) {
                    best = Some((id, state.captures[mark..].to_vec()));
                }
            }
            state.captures.truncate(mark);
        }
        let (id, captures) = best?;
        state.captures.extend(captures);
        Some(id)
    }

    /// Which of two routes that both match a request is more specific
    /// (`Greater`: `a`): segment by segment, a literal over a label over a
    /// greedy label, and a longer path over its prefix; then more query
    /// literals, more of them `key=value`; then the one given first.
    fn precedence(&self, a: usize, b: usize) -> Ordering {
        let (pa, pb) = (&self.routes[a].pattern, &self.routes[b].pattern);
        let kinds = |pattern: &'_ UriPattern| {
            pattern
                .segments()
                .iter()
                .map(|segment| match segment {
                    Segment::Literal(_) => 2,
                    Segment::Label(_) => 1,
                    Segment::GreedyLabel(_) => 0,
                })
                .collect::<Vec<u8>>()
        };
        kinds(pa)
            .cmp(&kinds(pb))
            .then_with(|| query_rank(pa.query_literals()).cmp(&query_rank(pb.query_literals())))
            .then_with(|| b.cmp(&a))
    }

    fn matched(&self, id: usize, segments: &[Cow<'_, str>], captures: &[(usize, usize)]) -> Match<'_, T> {
        let route = &self.routes[id];
        let labels = route
            .pattern
            .labels()
            .zip(captures)
            .map(|(name, &(start, end))| (name, segments[start..end].join("/")))
            .collect();
        Match { value: &route.value, method: &route.method, pattern: &route.pattern, labels }
    }
}

impl<T: fmt::Debug> fmt::Debug for Routes<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.routes.iter().map(|route| (&route.method, route.pattern.as_str(), &route.value)))
            .finish()
    }
}

impl Node {
    /// The node `segments` lead to from this one, made as needed.
    fn insert(&mut self, segments: &[Segment]) -> &mut Node {
        let Some((first, rest)) = segments.split_first() else {
            return self;
        };
        match first {
            Segment::Literal(text) => self.literals.entry(text.as_str().into()).or_default().insert(rest),
            Segment::Label(_) => self.label.get_or_insert_default().insert(rest),
            Segment::GreedyLabel(_) => {
                let greedy = self.greedy.get_or_insert_default();
                if let Err(at) = greedy.tail_lengths.binary_search(&rest.len()) {
                    greedy.tail_lengths.insert(at, rest.len());
                }
                greedy.tail.insert(rest)
            }
        }
    }
}

/// What routing one request keeps as it goes.
struct State<'a> {
    query: RequestQuery<'a>,
    /// The segments each label took so far, as `start..end`.
    captures: Vec<(usize, usize)>,
    /// How closely the entry of an id fits the request, if at all.
    fits: &'a dyn Fn(usize) -> Option<usize>,
    /// A route matched the request's path and query literals, and did not
    /// fit it.
    unfit: bool,
}

/// The path's segments, percent-decoded; `None` for a path that does not
/// start with `/` (`*`, say), which no pattern matches. One trailing slash
/// is dropped.
fn split_path(path: &str) -> Result<Option<Vec<Cow<'_, str>>>, RouteError> {
    let Some(rest) = path.strip_prefix('/') else {
        return Ok(None);
    };
    if rest.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut segments = Vec::new();
    for (index, segment) in rest.split('/').enumerate() {
        match percent_decode(segment, false) {
            Ok(decoded) => segments.push(decoded),
            Err(error) => {
                return Err(RouteError::Malformed {
                    message: format!("the path's segment {} {}", index + 1, error.describe()),
                });
            }
        }
    }
    Ok(Some(segments))
}

/// A request's query string, split and decoded on first use (most patterns
/// have no query literals).
struct RequestQuery<'a> {
    raw: Option<&'a str>,
    /// Each parameter's key and value, `None` where they do not decode (they
    /// then equal no literal); a parameter without `=` has the value `""`.
    parameters: Option<Vec<QueryParameter<'a>>>,
}

type QueryParameter<'a> = (Option<Cow<'a, str>>, Option<Cow<'a, str>>);

impl<'a> RequestQuery<'a> {
    fn new(raw: Option<&'a str>) -> Self {
        RequestQuery { raw, parameters: None }
    }

    /// Whether the request has each of `literals`: the key, with any value,
    /// for `key`; the key with that value (in one of its occurrences) for
    /// `key=value`. An [`OPERATION_ID`] literal is met by its absence too.
    fn satisfies(&mut self, literals: &[QueryLiteral]) -> bool {
        if literals.is_empty() {
            return true;
        }
        let raw = self.raw;
        let parameters = self.parameters.get_or_insert_with(|| {
            raw.unwrap_or("")
                .split('&')
                .filter(|parameter| !parameter.is_empty())
                .map(|parameter| {
                    let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
                    (percent_decode(key, true).ok(), percent_decode(value, true).ok())
                })
                .collect()
        });
        literals.iter().all(|literal| {
            let mut sent = parameters.iter().filter(|(key, _)| key.as_deref() == Some(literal.key.as_str())).peekable();
            if literal.key == OPERATION_ID && sent.peek().is_none() {
                return true;
            }
            sent.any(|(_, value)| literal.value.as_ref().is_none_or(|wanted| value.as_deref() == Some(wanted.as_str())))
        })
    }
}

/// The query parameter in which AWS's SDKs name the operation
/// (`?x-id=GetObject`), which S3's models write into their URIs as a
/// literal: other clients (botocore) leave it out, and S3 serves them
/// all the same. A request without it meets the literal, and the literal
/// adds nothing to a pattern's specificity, so that `/{Bucket}/{Key+}?tagging`
/// still beats `/{Bucket}/{Key+}?x-id=GetObject` for `?tagging`.
const OPERATION_ID: &str = "x-id";

/// Query literals as a set, for telling whether two patterns have the same.
fn query_set(literals: &[QueryLiteral]) -> Vec<&QueryLiteral> {
    let mut set: Vec<&QueryLiteral> = literals.iter().collect();
    set.sort();
    set
}

/// How specific query literals are: how many, then how many have a value.
fn query_rank(literals: &[QueryLiteral]) -> (usize, usize) {
    let ranked = || literals.iter().filter(|literal| literal.key != OPERATION_ID);
    (ranked().count(), ranked().filter(|literal| literal.value.is_some()).count())
}

/// RFC 9110's `tchar`, what a method name is made of.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
