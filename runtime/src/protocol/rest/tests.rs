use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;

fn pattern(text: &str) -> UriPattern {
    UriPattern::parse(text).unwrap_or_else(|error| panic!("{error}"))
}

fn build<'a>(entries: &[(&'a str, &'a str)]) -> Routes<&'a str> {
    Routes::new(entries.iter().map(|&(method, uri)| (method, pattern(uri), uri))).unwrap_or_else(|e| panic!("{e}"))
}

/// Labels' names and values.
type Labels<'r> = Vec<(&'r str, String)>;

/// The pattern a request routes to, and its labels.
fn route<'r>(router: &'r Routes<&'r str>, method: &str, target: &str) -> Result<(&'r str, Labels<'r>), RouteError> {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    router.route(method, path, query).map(|found| (*found.value, found.labels))
}

fn labels(pairs: &[(&'static str, &str)]) -> Labels<'static> {
    pairs.iter().map(|&(name, value)| (name, value.to_string())).collect()
}

#[test]
fn labels_take_one_decoded_segment() {
    let router = build(&[
        ("GET", "/HttpRequestWithLabels/{string}/{short}/{integer}/{long}/{float}/{double}/{boolean}/{timestamp}"),
        ("GET", "/ReDosLiteral/{str}/(a+)+"),
    ]);
    let (found, values) = route(
        &router,
        "GET",
        "/HttpRequestWithLabels/%20%25%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%F0%9F%98%B9/1/2/3/4.1/5.1/true/2019-12-16T23%3A48%3A18Z",
    )
    .unwrap();
    assert_eq!(
        found,
        "/HttpRequestWithLabels/{string}/{short}/{integer}/{long}/{float}/{double}/{boolean}/{timestamp}"
    );
    assert_eq!(
        values,
        labels(&[
            ("string", " %:/?#[]@!$&'()*+,;=\u{1F639}"),
            ("short", "1"),
            ("integer", "2"),
            ("long", "3"),
            ("float", "4.1"),
            ("double", "5.1"),
            ("boolean", "true"),
            ("timestamp", "2019-12-16T23:48:18Z"),
        ])
    );
    // `%2F` stays inside its segment: one label, not two segments.
    assert_eq!(route(&router, "GET", "/ReDosLiteral/a%2Fb/(a+)+").unwrap().1, labels(&[("str", "a/b")]));
    assert_eq!(route(&router, "GET", "/ReDosLiteral/a/b/(a+)+"), Err(RouteError::NotFound));
    // The literal `(a+)+` is matched as text, whether or not the request encodes it.
    assert_eq!(route(&router, "GET", "/ReDosLiteral/abc/%28a%2B%29%2B").unwrap().1, labels(&[("str", "abc")]));
    assert_eq!(
        route(&router, "GET", "/ReDosLiteral/abc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"),
        Err(RouteError::NotFound)
    );
    // `+` in a path is itself, never a space.
    assert_eq!(route(&router, "GET", "/ReDosLiteral/a+b/(a+)+").unwrap().1, labels(&[("str", "a+b")]));
}

#[test]
fn greedy_labels_take_segments_with_their_slashes() {
    let router = build(&[("GET", "/HttpRequestWithGreedyLabelInPath/foo/{foo}/baz/{baz+}")]);
    let (_, values) = route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/hello/baz/there/guy").unwrap();
    assert_eq!(values, labels(&[("foo", "hello"), ("baz", "there/guy")]));
    let (_, values) =
        route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/hello%2Fescape/baz/there/guy").unwrap();
    assert_eq!(values, labels(&[("foo", "hello/escape"), ("baz", "there/guy")]));
    let (_, values) = route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/a/baz/b%20c/d%2Fe").unwrap();
    assert_eq!(values, labels(&[("foo", "a"), ("baz", "b c/d/e")]));
    let (_, values) = route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/a/baz/one").unwrap();
    assert_eq!(values, labels(&[("foo", "a"), ("baz", "one")]));
    assert_eq!(route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/a/baz"), Err(RouteError::NotFound));
    assert_eq!(route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/a/baz/"), Err(RouteError::NotFound));
    // Empty segments within a greedy label are kept (S3 keys may hold `//`),
    // but a greedy label is never empty; a trailing slash is dropped.
    let (_, values) = route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/a/baz/x//y/").unwrap();
    assert_eq!(values, labels(&[("foo", "a"), ("baz", "x//y")]));
    assert_eq!(route(&router, "GET", "/HttpRequestWithGreedyLabelInPath/foo/a/baz//"), Err(RouteError::NotFound));
}

#[test]
fn greedy_labels_in_the_middle() {
    // The specification's table for `/prefix/{label+}/suffix`.
    let router = build(&[("GET", "/prefix/{label+}/suffix")]);
    let label = |target| route(&router, "GET", target).map(|(_, values)| values[0].1.clone());
    assert_eq!(label("/prefix/foo/suffix").unwrap(), "foo");
    assert_eq!(label("/prefix/foo/bar/suffix").unwrap(), "foo/bar");
    assert_eq!(label("/prefix/foo/bar"), Err(RouteError::NotFound));
    assert_eq!(label("/foo/bar/suffix"), Err(RouteError::NotFound));
    assert_eq!(label("/prefix/foo/suffix/bar/suffix").unwrap(), "foo/suffix/bar");
    assert_eq!(label("/prefix/suffix"), Err(RouteError::NotFound));

    let router = build(&[("GET", "/{whole+}"), ("GET", "/v1/{a}/{rest+}/x/{b}")]);
    assert_eq!(route(&router, "GET", "/anything/at/all").unwrap().1, labels(&[("whole", "anything/at/all")]));
    assert_eq!(
        route(&router, "GET", "/v1/A/r1/r2/x/B").unwrap().1,
        labels(&[("a", "A"), ("rest", "r1/r2"), ("b", "B")])
    );
    assert_eq!(route(&router, "GET", "/v1/A/x/B").unwrap().1, labels(&[("whole", "v1/A/x/B")]));
    assert_eq!(route(&router, "GET", "/").map(|found| found.0), Err(RouteError::NotFound));
}

#[test]
fn query_literals_must_all_be_present() {
    let router = build(&[
        ("GET", "/ConstantQueryString/{hello}?foo=bar&hello"),
        ("GET", "/ConstantAndVariableQueryString?foo=bar"),
        ("GET", "/path?requiredKey"),
        ("GET", "/space?q=a+b"),
    ]);
    let found = |target| route(&router, "GET", target).map(|(pattern, _)| pattern);
    assert_eq!(
        route(&router, "GET", "/ConstantQueryString/hi?foo=bar&hello").unwrap(),
        ("/ConstantQueryString/{hello}?foo=bar&hello", labels(&[("hello", "hi")]))
    );
    assert!(found("/ConstantQueryString/hi?hello=anything&x=1&foo=bar").is_ok());
    assert!(found("/ConstantQueryString/hi?foo=baz&foo=bar&hello").is_ok(), "one of the occurrences has the value");
    assert_eq!(found("/ConstantQueryString/hi?foo=bar"), Err(RouteError::NotFound));
    assert_eq!(found("/ConstantQueryString/hi?hello"), Err(RouteError::NotFound));
    assert_eq!(found("/ConstantQueryString/hi?foo=baz&hello"), Err(RouteError::NotFound));
    assert_eq!(found("/ConstantQueryString/hi"), Err(RouteError::NotFound));

    assert!(found("/ConstantAndVariableQueryString?foo=bar&baz=bam&maybeSet=yes").is_ok());
    assert!(found("/ConstantAndVariableQueryString?baz=bam&foo=b%61r").is_ok(), "compared decoded");
    assert_eq!(found("/ConstantAndVariableQueryString?baz=bam"), Err(RouteError::NotFound));

    // The specification's tables for `/path?requiredKey`.
    assert!(found("/path?requiredKey").is_ok());
    assert!(found("/path?other&requiredKey").is_ok());
    assert!(found("/path?requiredKey=any").is_ok());
    assert_eq!(found("/path"), Err(RouteError::NotFound));
    assert_eq!(found("/path?"), Err(RouteError::NotFound));
    assert_eq!(found("/path?otherKey"), Err(RouteError::NotFound));
    assert_eq!(found("/path?requiredKeyX"), Err(RouteError::NotFound));

    // `+` in a query is a space, in the pattern as in the request.
    assert!(found("/space?q=a+b").is_ok());
    assert!(found("/space?q=a%20b").is_ok());
    assert_eq!(found("/space?q=a%2Bb"), Err(RouteError::NotFound));
    // A parameter that does not decode equals no literal, and is no error.
    assert_eq!(found("/space?q=%zz"), Err(RouteError::NotFound));
    assert!(found("/space?bad=%zz&q=a+b&%FF").is_ok());
}

#[test]
fn literals_take_precedence_over_labels() {
    let router = build(&[
        ("GET", "/a/{x}"),
        ("GET", "/a/b"),
        ("GET", "/a/{x+}"),
        ("GET", "/{x}/c"),
        ("GET", "/a/b/{y}"),
        ("GET", "/a/{y}/c"),
        ("GET", "/a/b/c/{z+}"),
    ]);
    let found = |target| route(&router, "GET", target).map(|(pattern, _)| pattern);
    assert_eq!(found("/a/b"), Ok("/a/b"));
    assert_eq!(found("/a/z"), Ok("/a/{x}"));
    assert_eq!(found("/a/b/d/e"), Ok("/a/{x+}"));
    assert_eq!(found("/a/c"), Ok("/a/{x}"), "`a` is more specific than `{{x}}` in the first segment");
    assert_eq!(found("/q/c"), Ok("/{x}/c"));
    assert_eq!(found("/a/b/c"), Ok("/a/b/{y}"));
    assert_eq!(found("/a/q/c"), Ok("/a/{y}/c"));
    assert_eq!(found("/a/b/c/d"), Ok("/a/b/c/{z+}"));
    assert_eq!(found("/a/q/c/d"), Ok("/a/{x+}"));
    // The literal branch matched the path but not the query: the label's route is next.
    let router = router_with_query();
    assert_eq!(route(&router, "GET", "/a/b").unwrap().0, "/a/{x}");
    assert_eq!(route(&router, "GET", "/a/b?k").unwrap().0, "/a/b?k");
}

fn router_with_query() -> Routes<&'static str> {
    build(&[("GET", "/a/b?k"), ("GET", "/a/{x}")])
}

#[test]
fn the_specifications_routing_examples() {
    let one = build(&[("GET", "/abc/bcd/{xyz}"), ("GET", "/abc/{xyz}/cde"), ("GET", "/{xyz}/bcd/cde")]);
    assert_eq!(route(&one, "GET", "/abc/bcd/cde").unwrap().0, "/abc/bcd/{xyz}");
    assert_eq!(route(&one, "GET", "/abc/foo/cde").unwrap().0, "/abc/{xyz}/cde");
    assert_eq!(route(&one, "GET", "/foo/bcd/cde").unwrap().0, "/{xyz}/bcd/cde");

    let two = build(&[("GET", "/abc/bcd/{xyz}"), ("GET", "/abc/{xyz}/cde"), ("GET", "/{xyz}/bcd/cde?def=efg")]);
    assert_eq!(route(&two, "GET", "/abc/bcd/cde?def=efg").unwrap().0, "/abc/bcd/{xyz}", "path specificity wins");
    assert_eq!(route(&two, "GET", "/abc/foo/cde?def=efg").unwrap().0, "/abc/{xyz}/cde");
    assert_eq!(route(&two, "GET", "/foo/bcd/cde?def=efg").unwrap().0, "/{xyz}/bcd/cde?def=efg");
    assert_eq!(route(&two, "GET", "/foo/bcd/cde"), Err(RouteError::NotFound));

    let three = build(&[("GET", "/abc/{xyz+}/bcd"), ("GET", "/abc/{xyz+}")]);
    assert_eq!(route(&three, "GET", "/abc/foo/bar/bcd").unwrap(), ("/abc/{xyz+}/bcd", labels(&[("xyz", "foo/bar")])));
    assert_eq!(route(&three, "GET", "/abc/foo/bar/baz").unwrap(), ("/abc/{xyz+}", labels(&[("xyz", "foo/bar/baz")])));
    assert_eq!(route(&three, "GET", "/abc/bcd").unwrap(), ("/abc/{xyz+}", labels(&[("xyz", "bcd")])));
}

#[test]
fn greedy_tails_of_several_lengths() {
    let router = build(&[
        ("GET", "/g/{p+}/x/{a}/{b}"),
        ("GET", "/g/{p+}/x/{a}"),
        ("GET", "/g/{p+}/{a}/y"),
        ("GET", "/g/{p+}"),
        ("GET", "/g/{a}/{b}"),
    ]);
    let found = |target| route(&router, "GET", target).unwrap();
    // `x` as a literal right after the greedy label beats a label there, however long the tail.
    assert_eq!(found("/g/1/2/x/3/y"), ("/g/{p+}/x/{a}/{b}", labels(&[("p", "1/2"), ("a", "3"), ("b", "y")])));
    assert_eq!(found("/g/1/x/3"), ("/g/{p+}/x/{a}", labels(&[("p", "1"), ("a", "3")])));
    assert_eq!(found("/g/1/2/q/y"), ("/g/{p+}/{a}/y", labels(&[("p", "1/2"), ("a", "q")])));
    assert_eq!(found("/g/1/2/q/z"), ("/g/{p+}", labels(&[("p", "1/2/q/z")])));
    // A label beats a greedy label in the same place.
    assert_eq!(found("/g/1/2"), ("/g/{a}/{b}", labels(&[("a", "1"), ("b", "2")])));
}

#[test]
fn ties_between_query_literals() {
    let router = build(&[
        ("PUT", "/{Bucket}?policy"),
        ("PUT", "/{Bucket}?acl"),
        ("PUT", "/{Bucket}"),
        ("PUT", "/{Bucket}?acl&v=Put"),
        ("PUT", "/{Bucket}?mode"),
        ("PUT", "/{Bucket}?mode=import"),
    ]);
    let found = |target| route(&router, "PUT", target).unwrap().0;
    assert_eq!(found("/b"), "/{Bucket}");
    assert_eq!(found("/b?acl"), "/{Bucket}?acl");
    assert_eq!(found("/b?policy"), "/{Bucket}?policy");
    assert_eq!(found("/b?acl&policy"), "/{Bucket}?policy", "a tie: the entry given first");
    assert_eq!(found("/b?acl&policy&v=Put"), "/{Bucket}?acl&v=Put", "more literals");
    assert_eq!(found("/b?mode=import"), "/{Bucket}?mode=import", "`key=value` over `key`");
    assert_eq!(found("/b?mode=other"), "/{Bucket}?mode");

    let router = build(&[("GET", "/a?k"), ("GET", "/a?k=")]);
    let found = |target| route(&router, "GET", target).unwrap().0;
    assert_eq!(found("/a?k"), "/a?k=", "`k` without `=` has the empty value");
    assert_eq!(found("/a?k="), "/a?k=");
    assert_eq!(found("/a?k=1"), "/a?k");
}

#[test]
fn not_found_and_method_not_allowed() {
    let router = build(&[
        ("GET", "/no_payload"),
        ("POST", "/no_payload"),
        ("DELETE", "/items/{id}"),
        ("GET", "/items/{id}?full"),
        ("PUT", "/items/special"),
    ]);
    assert_eq!(route(&router, "GET", "/no_payload").unwrap().0, "/no_payload");
    assert_eq!(route(&router, "POST", "/no_payload").unwrap().0, "/no_payload");
    let error = route(&router, "PUT", "/no_payload").unwrap_err();
    assert_eq!(error, RouteError::MethodNotAllowed { allowed: vec!["GET".into(), "POST".into()] });
    assert_eq!(error.status(), 405);
    assert_eq!(error.to_string(), "the request's path and query string are served for the methods GET, POST only");
    assert_eq!(route(&router, "get", "/no_payload").unwrap_err().status(), 405, "methods are case-sensitive");
    assert_eq!(route(&router, "HEAD", "/no_payload").unwrap_err().status(), 405);

    let error = route(&router, "GET", "/nothing").unwrap_err();
    assert_eq!(error, RouteError::NotFound);
    assert_eq!(error.status(), 404);
    assert_eq!(route(&router, "GET", "/no_payload/more"), Err(RouteError::NotFound));

    // The method's own less specific pattern before another method's more specific one.
    assert_eq!(route(&router, "DELETE", "/items/special").unwrap().0, "/items/{id}");
    assert_eq!(
        route(&router, "PUT", "/items/other"),
        Err(RouteError::MethodNotAllowed { allowed: vec!["DELETE".into()] })
    );
    // Query literals count for 405 too.
    assert_eq!(
        route(&router, "PUT", "/items/other?full"),
        Err(RouteError::MethodNotAllowed { allowed: vec!["DELETE".into(), "GET".into()] })
    );
    assert_eq!(
        route(&router, "POST", "/items/special"),
        Err(RouteError::MethodNotAllowed { allowed: vec!["DELETE".into(), "PUT".into()] })
    );
    assert_eq!(route(&router, "GET", "*"), Err(RouteError::NotFound));
    assert_eq!(route(&router, "GET", ""), Err(RouteError::NotFound));
}

#[test]
fn trailing_slashes_and_empty_segments() {
    let router = build(&[("GET", "/"), ("GET", "/my/uri/path"), ("GET", "/my/uri/{label}/x"), ("GET", "/sessions/")]);
    let found = |target| route(&router, "GET", target).map(|(pattern, _)| pattern);
    assert_eq!(found("/"), Ok("/"));
    assert_eq!(found("/my/uri/path"), Ok("/my/uri/path"));
    assert_eq!(found("/my/uri/path/"), Ok("/my/uri/path"), "one trailing slash is ignored");
    assert_eq!(found("/my/uri/path//"), Err(RouteError::NotFound), "only one");
    assert_eq!(found("/my/uri"), Err(RouteError::NotFound));
    assert_eq!(found("/my/uri/other"), Err(RouteError::NotFound));
    assert_eq!(found("/my/uri/path/other"), Err(RouteError::NotFound));
    assert_eq!(found("/sessions"), Ok("/sessions/"), "a pattern's trailing slash is not significant");
    assert_eq!(found("/sessions/"), Ok("/sessions/"));
    assert_eq!(found("/my/uri/foo/x/"), Ok("/my/uri/{label}/x"));
    assert_eq!(found("/my/uri//x"), Err(RouteError::NotFound), "an empty segment matches no label");
    assert_eq!(found("/my//uri/path"), Err(RouteError::NotFound));
    assert_eq!(found("//"), Err(RouteError::NotFound));
    assert_eq!(found("//my/uri/path"), Err(RouteError::NotFound));
}

#[test]
fn a_malformed_path_is_a_400() {
    let router = build(&[("GET", "/a/{x}"), ("GET", "/a/{x}/{y+}")]);
    for (target, message) in [
        ("/a/%zz", "the path's segment 2 has a `%` not followed by two hexadecimal digits"),
        ("/a/b%2", "the path's segment 2 has a `%` not followed by two hexadecimal digits"),
        ("/%/b", "the path's segment 1 has a `%` not followed by two hexadecimal digits"),
        ("/a/%FF", "the path's segment 2 percent-decodes to bytes that are not UTF-8"),
        ("/a/b/c/%C3%28", "the path's segment 4 percent-decodes to bytes that are not UTF-8"),
    ] {
        let error = route(&router, "GET", target).unwrap_err();
        assert_eq!(error, RouteError::Malformed { message: message.into() }, "{target}");
        assert_eq!(error.status(), 400);
        assert_eq!(error.to_string(), message);
    }
    assert_eq!(route(&router, "GET", "/a/%C3%A9").unwrap().1, labels(&[("x", "\u{e9}")]));
}

#[test]
fn conflicting_patterns_are_refused() {
    let conflicts = [
        (("GET", "/a/{x}"), ("GET", "/a/{y}")),
        (("GET", "/a/b"), ("GET", "/a/b")),
        (("GET", "/a"), ("GET", "/a/")),
        (("GET", "/a/{x+}"), ("GET", "/a/{y+}")),
        (("GET", "/{a}/{x+}/c"), ("GET", "/{b}/{y+}/c")),
        (("GET", "/a%62"), ("GET", "/ab")),
        (("GET", "/a?x=1&y"), ("GET", "/a?y&x=1")),
        (("GET", "/a?q=a+b"), ("GET", "/a?q=a%20b")),
        (("GET", "/{x}?k"), ("GET", "/{y}?k")),
    ];
    for ((m1, p1), (m2, p2)) in conflicts {
        let error =
            Routes::new([(m1, pattern(p1), 1), (m2, pattern(p2), 2)]).expect_err(&format!("{m1} {p1} / {m2} {p2}"));
        assert_eq!(error, BuildError::Conflict { method: m1.into(), first: p1.into(), second: p2.into() });
        assert_eq!(
            error.to_string(),
            format!(
                "the patterns `{m1} {p1}` and `{m2} {p2}` conflict: they match the same requests and neither is more specific"
            )
        );
    }
    let distinct = [
        (("GET", "/a/b"), ("GET", "/a/{x}")),
        (("GET", "/a/{x}"), ("POST", "/a/{x}")),
        (("GET", "/a/{x}"), ("GET", "/a/{x+}")),
        (("GET", "/a/{x+}"), ("GET", "/a/{x+}/b")),
        (("GET", "/a"), ("GET", "/a?x")),
        (("GET", "/a?x"), ("GET", "/a?y")),
        (("GET", "/a?x"), ("GET", "/a?x=")),
        (("GET", "/a?x=1"), ("GET", "/a?x=2")),
        (("GET", "/A"), ("GET", "/a")),
        (("GET", "/{x}/b"), ("GET", "/a/{y}")),
    ];
    for ((m1, p1), (m2, p2)) in distinct {
        assert!(Routes::new([(m1, pattern(p1), 1), (m2, pattern(p2), 2)]).is_ok(), "{m1} {p1} / {m2} {p2}");
    }
}

#[test]
fn invalid_methods_are_refused() {
    for method in ["", "GE T", "GET/", "G\u{e9}T", "(GET)"] {
        let error = Routes::new([(method, pattern("/a"), ())]).unwrap_err();
        assert_eq!(error, BuildError::InvalidMethod { method: method.into(), pattern: "/a".into() });
        assert_eq!(error.to_string(), format!("the method {method:?} of the pattern `/a` is not an HTTP method name"));
    }
    assert!(Routes::new([("M-SEARCH", pattern("/a"), ()), ("get", pattern("/a"), ())]).is_ok());
}

#[test]
fn the_router_lists_its_entries() {
    let router = build(&[("GET", "/a"), ("POST", "/b/{c}")]);
    assert_eq!(router.len(), 2);
    assert!(!router.is_empty());
    let entries: Vec<_> = router.iter().map(|(method, pattern, value)| (method, pattern.as_str(), *value)).collect();
    assert_eq!(entries, [("GET", "/a", "/a"), ("POST", "/b/{c}", "/b/{c}")]);
    assert_eq!(format!("{router:?}"), r#"[("GET", "/a", "/a"), ("POST", "/b/{c}", "/b/{c}")]"#);
    let empty = Routes::<()>::new(Vec::<(&str, UriPattern, ())>::new()).unwrap();
    assert!(empty.is_empty());
    assert_eq!(empty.route("GET", "/", None).unwrap_err(), RouteError::NotFound);

    let found = router.route("POST", "/b/x%20y", None).unwrap();
    assert_eq!(
        (found.method, found.pattern.as_str(), found.label("c"), found.label("d")),
        ("POST", "/b/{c}", Some("x y"), None)
    );
}

/// Routing looks up the request's segments in a tree: 10,000 patterns
/// (shaped like a large REST API's: literal resource names with labels
/// between them) route as any few do, and each request finds its own.
#[test]
fn routing_does_not_scan_the_patterns() {
    let mut entries = Vec::new();
    for i in 0..2_500 {
        entries.push(("GET", pattern(&format!("/resource{i}/{{id}}")), i * 4));
        entries.push(("PUT", pattern(&format!("/resource{i}/{{id}}/child/{{childId}}")), i * 4 + 1));
        entries.push(("GET", pattern(&format!("/v1/accounts/{{account}}/thing{i}")), i * 4 + 2));
        entries.push(("POST", pattern(&format!("/v1/accounts/{{account}}/thing{i}/{{rest+}}")), i * 4 + 3));
    }
    let router = Routes::new(entries).unwrap();
    assert_eq!(router.len(), 10_000);
    for i in (0..2_500).step_by(97) {
        let found = router.route("GET", &format!("/resource{i}/abc"), None).unwrap();
        assert_eq!((*found.value, found.label("id")), (i * 4, Some("abc")));
        let found = router.route("PUT", &format!("/resource{i}/abc/child/d"), None).unwrap();
        assert_eq!(*found.value, i * 4 + 1);
        let found = router.route("GET", &format!("/v1/accounts/123/thing{i}"), None).unwrap();
        assert_eq!((*found.value, found.label("account")), (i * 4 + 2, Some("123")));
        let found = router.route("POST", &format!("/v1/accounts/123/thing{i}/x/y/z"), None).unwrap();
        assert_eq!((*found.value, found.label("rest")), (i * 4 + 3, Some("x/y/z")));
    }
    assert_eq!(router.route("GET", "/resource2500/abc", None).unwrap_err(), RouteError::NotFound);
    assert_eq!(
        router.route("DELETE", "/resource7/abc", None).unwrap_err(),
        RouteError::MethodNotAllowed { allowed: vec!["GET".into()] }
    );
}

// Smithy's restJson1 protocol tests, read from their IDL sources.

const PROTOCOL_TESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/smithy/protocol-tests/restJson1");

/// A Smithy node value, as far as these tests need one.
#[derive(Clone, Debug)]
enum Node {
    String(String),
    /// A number, `true`, `false`, `null` or a shape id, as written.
    Word(String),
    List(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, value)| value),
            _ => None,
        }
    }

    fn string(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Node::String(text) | Node::Word(text) => Some(text),
            _ => None,
        }
    }

    fn list(&self, key: &str) -> &[Node] {
        match self.get(key) {
            Some(Node::List(items)) => items,
            _ => &[],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    String(String),
    Word(String),
    Punct(char),
}

/// The tokens of a Smithy IDL file: strings (and text blocks), words
/// (identifiers, shape ids, numbers) and punctuation; comments and commas
/// dropped.
fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == ',' {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' {
            let block = chars[i..].starts_with(&['"', '"', '"']);
            i += if block { 3 } else { 1 };
            let start = i;
            while !(if block { chars[i..].starts_with(&['"', '"', '"']) } else { chars[i] == '"' }) {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            let raw: String = chars[start..i].iter().collect();
            i += if block { 3 } else { 1 };
            tokens.push(Token::String(unescape(&if block { strip_indentation(&raw) } else { raw })));
        } else if "{}[]():=@".contains(c) {
            tokens.push(Token::Punct(c));
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !",\"{}[]():=@".contains(chars[i]) {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect()));
        }
    }
    tokens
}

/// A text block's lines without the newline after the opening `"""`, the
/// indentation they share, or trailing spaces.
fn strip_indentation(raw: &str) -> String {
    let lines: Vec<&str> = raw.strip_prefix('\n').unwrap_or(raw).split('\n').collect();
    let last = lines.len() - 1;
    let indent = lines
        .iter()
        .enumerate()
        .filter(|&(index, line)| index == last || !line.trim().is_empty())
        .map(|(_, line)| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = lines.iter().map(|line| line.get(indent..).unwrap_or("").trim_end()).collect();
    lines.join("\n")
}

/// A string's escapes resolved; an escaped newline is no character.
fn unescape(raw: &str) -> String {
    let mut text = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => text.push('\n'),
            Some('t') => text.push('\t'),
            Some('\n') => {}
            Some(other) => text.push(other),
            None => {}
        }
    }
    text
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.at + ahead)
    }

    fn next(&mut self) -> Token {
        self.at += 1;
        self.tokens[self.at - 1].clone()
    }

    fn value(&mut self) -> Node {
        match self.next() {
            Token::String(text) => Node::String(text),
            Token::Word(word) => Node::Word(word),
            Token::Punct('[') => {
                let mut items = Vec::new();
                while self.peek(0) != Some(&Token::Punct(']')) {
                    items.push(self.value());
                }
                self.at += 1;
                Node::List(items)
            }
            Token::Punct('{') => {
                let members = self.members('}');
                self.at += 1;
                Node::Object(members)
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    /// `key: value` pairs up to (not past) `close`.
    fn members(&mut self, close: char) -> Vec<(String, Node)> {
        let mut members = Vec::new();
        while self.peek(0) != Some(&Token::Punct(close)) {
            let key = match self.next() {
                Token::String(key) | Token::Word(key) => key,
                other => panic!("unexpected {other:?} for a key"),
            };
            assert_eq!(self.next(), Token::Punct(':'));
            members.push((key, self.value()));
        }
        members
    }

    /// A trait's value after its name: `(value)`, `(key: value ...)`, `()`,
    /// or nothing.
    fn trait_value(&mut self) -> Option<Node> {
        if self.peek(0) != Some(&Token::Punct('(')) {
            return None;
        }
        self.at += 1;
        let value = if self.peek(0) == Some(&Token::Punct(')')) {
            Node::Object(Vec::new())
        } else if matches!(self.peek(0), Some(Token::Word(_) | Token::String(_)))
            && self.peek(1) == Some(&Token::Punct(':'))
        {
            Node::Object(self.members(')'))
        } else {
            self.value()
        };
        assert_eq!(self.next(), Token::Punct(')'));
        Some(value)
    }
}

/// The operations of a file: each one's `@http` trait and its request and
/// malformed-request tests, by operation name, whether the traits precede
/// the operation or are applied to it.
#[derive(Default, Debug)]
struct Operation {
    http: Option<Node>,
    request_tests: Vec<Node>,
    malformed_tests: Vec<Node>,
}

fn read_operations(source: &str) -> BTreeMap<String, Operation> {
    let mut parser = Parser { tokens: tokenize(source), at: 0 };
    let mut operations: BTreeMap<String, Operation> = BTreeMap::new();
    let mut pending = Operation::default();
    let mut applied_to: Option<String> = None;
    while let Some(token) = parser.peek(0).cloned() {
        parser.at += 1;
        match token {
            Token::Punct('@') => {
                let Token::Word(name) = parser.next() else { panic!("a trait without a name") };
                let value = parser.trait_value();
                let target = match applied_to.take() {
                    Some(shape) => operations.entry(shape).or_default(),
                    None => &mut pending,
                };
                match (name.as_str(), value) {
                    ("http", Some(value)) => target.http = Some(value),
                    ("httpRequestTests", Some(Node::List(tests))) => target.request_tests.extend(tests),
                    ("httpMalformedRequestTests", Some(Node::List(tests))) => target.malformed_tests.extend(tests),
                    _ => {}
                }
            }
            Token::Word(word) if word == "apply" => {
                let Token::Word(shape) = parser.next() else { panic!("`apply` without a shape") };
                applied_to = Some(shape);
            }
            Token::Word(word) if word == "operation" => {
                let Token::Word(name) = parser.next() else { panic!("`operation` without a name") };
                let operation = operations.entry(name).or_default();
                let pending = std::mem::take(&mut pending);
                if pending.http.is_some() {
                    operation.http = pending.http;
                }
                operation.request_tests.extend(pending.request_tests);
                operation.malformed_tests.extend(pending.malformed_tests);
            }
            Token::Word(word) if SHAPE_KEYWORDS.contains(&word.as_str()) => pending = Operation::default(),
            _ => {}
        }
    }
    operations
}

const SHAPE_KEYWORDS: &[&str] = &[
    "structure",
    "union",
    "list",
    "map",
    "string",
    "enum",
    "intEnum",
    "integer",
    "long",
    "short",
    "byte",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "boolean",
    "blob",
    "timestamp",
    "document",
    "service",
    "resource",
];

fn smithy_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            smithy_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "smithy") {
            files.push(path);
        }
    }
}

/// The service a protocol-test file belongs to: `RestJson` for the files at
/// the top and under `malformedRequests/`, `RestJsonValidation` for
/// `validation/`, and each file of `services/` its own.
fn service_of(path: &Path) -> String {
    let relative = path.strip_prefix(PROTOCOL_TESTS).unwrap();
    match relative.parent().and_then(|parent| parent.to_str()) {
        Some("" | "malformedRequests") => "RestJson".into(),
        Some("validation") => "RestJsonValidation".into(),
        _ => relative.to_string_lossy().into_owned(),
    }
}

struct Service {
    operations: Vec<(String, String, String, PathBuf)>,
    files: Vec<(PathBuf, BTreeMap<String, Operation>)>,
}

fn protocol_test_services() -> BTreeMap<String, Service> {
    let mut files = Vec::new();
    smithy_files(Path::new(PROTOCOL_TESTS), &mut files);
    files.sort();
    assert!(files.len() >= 50, "the restJson1 protocol tests are at {PROTOCOL_TESTS}");
    let mut services: BTreeMap<String, Service> = BTreeMap::new();
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        let operations = read_operations(&source);
        let service =
            services.entry(service_of(&path)).or_insert_with(|| Service { operations: Vec::new(), files: Vec::new() });
        for (name, operation) in &operations {
            let Some(http) = &operation.http else { continue };
            let method = http.string("method").expect("`method`").to_string();
            let uri = http.string("uri").expect("`uri`").to_string();
            service.operations.push((name.clone(), method, uri, path.clone()));
        }
        // Every `@http(` of the file was read.
        let traits = source.matches("@http(").count();
        assert_eq!(
            traits,
            operations.values().filter(|operation| operation.http.is_some()).count(),
            "{}",
            path.display()
        );
        service.files.push((path, operations));
    }
    services
}

#[test]
fn every_uri_of_the_restjson1_protocol_tests_parses_and_routes_its_requests() {
    let services = protocol_test_services();
    let mut patterns = 0;
    let mut routed = 0;
    let mut labels_checked = 0;
    let mut skipped = Vec::new();
    for (service, Service { operations, files }) in &services {
        for (name, _, uri, path) in operations {
            if let Err(error) = UriPattern::parse(uri) {
                panic!("{name} in {}: {error}", path.display());
            }
            patterns += 1;
        }
        // One router per service: no two of its patterns conflict.
        let router = Routes::new(operations.iter().map(|(name, method, uri, _)| (method, pattern(uri), name.as_str())))
            .unwrap_or_else(|error| panic!("{service}: {error}"));

        // Each test's request goes to the operation it was written for, with the labels it expects.
        for (path, file_operations) in files {
            for (name, operation) in file_operations {
                let requests = operation
                    .request_tests
                    .iter()
                    .map(|test| (test, test))
                    .chain(operation.malformed_tests.iter().filter_map(|test| Some((test, test.get("request")?))));
                for (test, request) in requests {
                    let id = test.string("id").unwrap();
                    if test.string("protocol") != Some("restJson1") {
                        continue;
                    }
                    // A host with a base path (`example.com/custom`) is a client's concern:
                    // a server is not given the base path.
                    if request.string("host").is_some_and(|host| host.contains('/')) {
                        skipped.push(id);
                        continue;
                    }
                    let method = request.string("method").unwrap();
                    let uri = request.string("uri").unwrap();
                    let query: Vec<&str> = request
                        .list("queryParams")
                        .iter()
                        .map(|param| match param {
                            Node::String(text) => text.as_str(),
                            other => panic!("{other:?}"),
                        })
                        .collect();
                    for (uri, query) in substitute_parameters(test, uri, &query.join("&")) {
                        let query = (!query.is_empty()).then_some(query.as_str());
                        let found = router.route(method, &uri, query).unwrap_or_else(|error| {
                            panic!("{id} in {}: {method} {uri} {query:?}: {error}", path.display())
                        });
                        assert_eq!(found.value, name, "{id}: {method} {uri} {query:?}");
                        routed += 1;
                        // A client's test may expect a client's customisation (Glacier's account id `-`).
                        if test.string("appliesTo") == Some("client") {
                            continue;
                        }
                        for (label, value) in &found.labels {
                            if let Some(Node::String(expected)) = test.get("params").and_then(|p| p.get(label)) {
                                assert_eq!(value, expected, "{id}: the label {label}");
                                labels_checked += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(services.contains_key("RestJson") && services.contains_key("RestJsonValidation"));
    assert!(services["RestJson"].operations.len() >= 100, "{}", services["RestJson"].operations.len());
    eprintln!("{patterns} patterns, {routed} requests routed, {labels_checked} labels checked, skipped: {skipped:?}");
    assert_eq!(skipped, ["RestJsonHostWithPath"]);
    assert!(patterns >= 125, "{patterns}");
    assert!(routed >= 400, "{routed}");
    assert!(labels_checked >= 5, "{labels_checked}");
}

/// A malformed-request test's request for each value of its
/// `testParameters` (`$name:L` and `$name:S` stand for the value).
fn substitute_parameters(test: &Node, uri: &str, query: &str) -> Vec<(String, String)> {
    let Some(Node::Object(parameters)) = test.get("testParameters") else {
        return vec![(uri.into(), query.into())];
    };
    let count = parameters.iter().map(|(_, values)| if let Node::List(v) = values { v.len() } else { 0 }).max();
    (0..count.unwrap_or(0))
        .map(|i| {
            let (mut uri, mut query) = (uri.to_string(), query.to_string());
            for (name, values) in parameters {
                let Node::List(values) = values else { continue };
                let (Node::String(value) | Node::Word(value)) = &values[i] else { continue };
                for form in ['L', 'S'] {
                    uri = uri.replace(&format!("${name}:{form}"), value);
                    query = query.replace(&format!("${name}:{form}"), value);
                }
            }
            (uri, query)
        })
        .collect()
}

/// The patterns of the RestJson service's own files, `restJson1/*.smithy`,
/// build into one router.
#[test]
fn the_restjson_service_files_build_one_router() {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(PROTOCOL_TESTS).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "smithy") {
            files.push(path);
        }
    }
    let mut entries = Vec::new();
    for path in &files {
        for (name, operation) in read_operations(&std::fs::read_to_string(path).unwrap()) {
            if let Some(http) = operation.http {
                entries.push((http.string("method").unwrap().to_string(), pattern(http.string("uri").unwrap()), name));
            }
        }
    }
    assert!(entries.len() >= 80, "{}", entries.len());
    let router = Routes::new(entries).unwrap_or_else(|error| panic!("{error}"));
    let found = router.route("GET", "/HttpRequestWithGreedyLabelInPath/foo/hello/baz/there/guy", None).unwrap();
    assert_eq!(found.value, "HttpRequestWithGreedyLabelInPath");
    assert_eq!(found.labels, labels(&[("foo", "hello"), ("baz", "there/guy")]));
    assert_eq!(
        router.route("DELETE", "/no_payload", None),
        Err(RouteError::MethodNotAllowed { allowed: vec!["GET".into(), "POST".into()] })
    );
}

/// S3's models write the operation's `x-id` into their URIs; botocore
/// sends none, and is served all the same, by the most specific route.
#[test]
fn an_operation_id_literal_may_be_left_out() {
    let router = build(&[
        ("GET", "/{Bucket}/{Key+}?x-id=GetObject"),
        ("GET", "/{Bucket}/{Key+}?tagging"),
        ("PUT", "/{Bucket}/{Key+}?x-id=PutObject"),
    ]);
    assert_eq!(route(&router, "GET", "/b/k").unwrap().0, "/{Bucket}/{Key+}?x-id=GetObject");
    assert_eq!(route(&router, "GET", "/b/k?x-id=GetObject").unwrap().0, "/{Bucket}/{Key+}?x-id=GetObject");
    assert_eq!(route(&router, "GET", "/b/k?tagging").unwrap().0, "/{Bucket}/{Key+}?tagging");
    assert_eq!(route(&router, "PUT", "/b/k").unwrap().0, "/{Bucket}/{Key+}?x-id=PutObject");
    assert!(route(&router, "GET", "/b/k?x-id=PutObject").is_err());
}
