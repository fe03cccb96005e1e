//! restJson1's HTTP bindings in the IR: Smithy's restJson1 protocol-test
//! model (`fixtures/rest_json`, read from `models/smithy`) passes the
//! binding checks, and its operations and members carry their `@http`,
//! binding traits and `@jsonName` as typed IR fields.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use codegen::ir::{Binding, QueryLiteral, Role, Service, ShapeKind, UriSegment};

const SERVICE: &str = "aws.protocoltests.restjson#RestJson";
const NS: &str = "aws.protocoltests.restjson";

/// The protocol-test model, checked and lowered as `codegen::load_services`
/// would, and the check's findings (errors and warnings, each as `shape:
/// message`).
fn rest_json() -> (Service, Vec<String>, Vec<String>) {
    let dir = common::root().join("codegen/tests/fixtures/rest_json");
    let model = codegen::model::load::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let (diagnostics, checked) = codegen::check::check(&model);
    let show = |d: &codegen::Diagnostic| format!("{}: {}", d.shape.as_deref().unwrap_or_default(), d.message);
    let errors = diagnostics.errors().map(show).collect();
    let warnings = diagnostics.warnings().map(show).collect();
    let mut service = codegen::ir::lower::lower(&checked, SERVICE, "rest_json").unwrap_or_else(|e| panic!("{e}"));
    codegen::ir::passes::run(&mut service);
    (service, errors, warnings)
}

fn id(name: &str) -> String {
    format!("{NS}#{name}")
}

/// The bindings of a structure's members, by member name.
fn bindings(service: &Service, structure: &str) -> BTreeMap<String, Binding> {
    let shape = &service.shapes[&id(structure)];
    let ShapeKind::Structure(s) = &shape.kind else { panic!("{structure} is not a structure") };
    s.members.iter().map(|m| (m.name.clone(), m.binding.clone())).collect()
}

fn binding(service: &Service, structure: &str, member: &str) -> Binding {
    bindings(service, structure).remove(member).unwrap_or_else(|| panic!("{structure} has no member {member}"))
}

#[test]
fn the_protocol_test_model_passes_the_binding_checks() {
    let (_, errors, warnings) = rest_json();
    // Its @jsonName members and @streaming blobs included.
    assert!(errors.is_empty(), "{errors:#?}");
    // Smithy ignores @httpQuery on an output, and says so.
    let http: Vec<&String> = warnings.iter().filter(|w| w.contains("@http")).collect();
    assert_eq!(
        http,
        [&format!(
            "{NS}#IgnoreQueryParamsInResponseOutput$baz: @httpQuery is ignored: it applies to operation inputs only, \
             and {NS}#IgnoreQueryParamsInResponseOutput is an operation's output only; the member travels in the body"
        )]
    );
}

#[test]
fn operations_carry_their_method_uri_and_code() {
    let (service, _, _) = rest_json();
    let op = |name: &str| {
        let op = service.operations.iter().find(|op| op.name == name).unwrap_or_else(|| panic!("no {name}"));
        op.http.clone().unwrap_or_else(|| panic!("{name} has no @http in the IR"))
    };
    let labels = op("HttpRequestWithLabels");
    assert_eq!(labels.method, "GET");
    assert_eq!(
        labels.uri,
        "/HttpRequestWithLabels/{string}/{short}/{integer}/{long}/{float}/{double}/{boolean}/{timestamp}"
    );
    assert_eq!(labels.segments[0], UriSegment::Literal("HttpRequestWithLabels".into()));
    assert_eq!(
        labels.labels().collect::<Vec<_>>(),
        [
            ("string", false),
            ("short", false),
            ("integer", false),
            ("long", false),
            ("float", false),
            ("double", false),
            ("boolean", false),
            ("timestamp", false)
        ]
    );
    assert_eq!(labels.code, 200);

    let greedy = op("HttpRequestWithGreedyLabelInPath");
    assert_eq!(
        greedy.segments,
        [
            UriSegment::Literal("HttpRequestWithGreedyLabelInPath".into()),
            UriSegment::Literal("foo".into()),
            UriSegment::Label("foo".into()),
            UriSegment::Literal("baz".into()),
            UriSegment::GreedyLabel("baz".into()),
        ]
    );

    let constant = op("ConstantQueryString");
    assert_eq!(constant.uri, "/ConstantQueryString/{hello}?foo=bar&hello");
    assert_eq!(
        constant.query,
        [
            QueryLiteral { key: "foo".into(), value: Some("bar".into()) },
            QueryLiteral { key: "hello".into(), value: None }
        ]
    );
    assert_eq!(op("HttpResponseCode").method, "PUT");
    assert_eq!(op("HttpPayloadTraits").segments, [UriSegment::Literal("HttpPayloadTraits".into())]);
    // Every operation of a restJson1 service has one.
    assert!(service.operations.iter().all(|op| op.http.is_some()));
}

#[test]
fn members_carry_their_bindings() {
    let (service, _, _) = rest_json();
    let labels = bindings(&service, "HttpRequestWithLabelsInput");
    assert_eq!(labels.len(), 8);
    assert!(labels.values().all(|b| *b == Binding::Label), "{labels:?}");
    assert_eq!(binding(&service, "HttpRequestWithGreedyLabelInPathInput", "foo"), Binding::Label);
    assert_eq!(binding(&service, "HttpRequestWithGreedyLabelInPathInput", "baz"), Binding::GreedyLabel);

    let query = bindings(&service, "AllQueryStringTypesInput");
    assert_eq!(query["queryString"], Binding::Query("String".into()));
    assert_eq!(query["queryTimestampList"], Binding::Query("TimestampList".into()));
    assert_eq!(query["queryParamsMapOfStringList"], Binding::QueryParams);
    assert_eq!(query.values().filter(|b| matches!(b, Binding::Query(_))).count(), 20);
    assert_eq!(binding(&service, "QueryParamsAsStringListMapInput", "qux"), Binding::Query("corge".into()));
    assert_eq!(binding(&service, "QueryParamsAsStringListMapInput", "foo"), Binding::QueryParams);

    // Input and output at once: headers apply to both.
    let headers = bindings(&service, "InputAndOutputWithHeadersIO");
    assert_eq!(headers["headerString"], Binding::Header("X-String".into()));
    assert_eq!(headers["headerIntegerEnumList"], Binding::Header("X-IntegerEnumList".into()));
    assert!(headers.values().all(|b| matches!(b, Binding::Header(_))));

    assert_eq!(binding(&service, "HttpPayloadTraitsInputOutput", "foo"), Binding::Header("X-Foo".into()));
    assert_eq!(binding(&service, "HttpPayloadTraitsInputOutput", "blob"), Binding::Payload);
    assert_eq!(binding(&service, "HttpResponseCodeOutput", "Status"), Binding::ResponseCode);
    assert_eq!(binding(&service, "HttpPrefixHeadersInput", "foo"), Binding::Header("x-foo".into()));
    assert_eq!(binding(&service, "HttpPrefixHeadersInput", "fooMap"), Binding::PrefixHeaders("x-foo-".into()));
    assert_eq!(binding(&service, "HttpPrefixHeadersOutput", "fooMap"), Binding::PrefixHeaders("x-foo-".into()));
    // Errors bind headers too.
    assert_eq!(binding(&service, "ComplexError", "Header"), Binding::Header("X-Header".into()));
    let ShapeKind::Structure(complex) = &service.shapes[&id("ComplexError")].kind else { unreachable!() };
    assert_eq!(complex.error.as_ref().unwrap().http_status, 403);

    // An ignored binding stays in the body where it is ignored.
    let ignored = binding(&service, "IgnoreQueryParamsInResponseOutput", "baz");
    assert_eq!(ignored, Binding::Query("baz".into()));
    assert_eq!(ignored.in_role(Role::Output), &Binding::Body);
    // Bodies are the default.
    let scalars = bindings(&service, "SimpleScalarPropertiesInputOutput");
    assert_eq!(scalars["foo"], Binding::Header("X-Foo".into()));
    assert_eq!(scalars.values().filter(|b| **b == Binding::Body).count(), scalars.len() - 1);
}

#[test]
fn members_carry_their_json_names() {
    let (service, _, _) = rest_json();
    let json_name = |structure: &str, member: &str| {
        let members = match &service.shapes[&id(structure)].kind {
            ShapeKind::Structure(s) => &s.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => panic!("{structure} is an enum"),
        };
        members.iter().find(|m| m.name == member).unwrap_or_else(|| panic!("no {member}")).json_name.clone()
    };
    assert_eq!(json_name("SimpleScalarPropertiesInputOutput", "doubleValue").as_deref(), Some("DoubleDribble"));
    assert_eq!(json_name("SimpleScalarPropertiesInputOutput", "floatValue"), None);
    assert_eq!(json_name("StructureListMember", "a").as_deref(), Some("value"));
    assert_eq!(json_name("UnionWithJsonName", "foo").as_deref(), Some("FOO"));
    assert_eq!(json_name("ComplexNestedErrorData", "Foo").as_deref(), Some("Fooooo"));
}

/// What the model lowers to: its operations, and the members of their
/// top-level input, output and error structures by binding.
#[test]
fn binding_counts() {
    let (service, _, _) = rest_json();
    let top_level: BTreeSet<&String> = service
        .operations
        .iter()
        .flat_map(|op| op.input.iter().chain(&op.output).chain(op.errors.iter().map(|e| &e.id)))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut json_names = 0;
    for shape in service.shapes.values() {
        let (members, top) = match &shape.kind {
            ShapeKind::Structure(s) => (&s.members, top_level.contains(&shape.id)),
            ShapeKind::Union(members) => (members, false),
            ShapeKind::Enum(_) => continue,
        };
        for member in members {
            json_names += usize::from(member.json_name.is_some());
            let kind = match member.binding {
                Binding::Body if top => "body",
                Binding::Body => "nested",
                Binding::Label => "label",
                Binding::GreedyLabel => "greedy label",
                Binding::Query(_) => "query",
                Binding::QueryParams => "query params",
                Binding::Header(_) => "header",
                Binding::PrefixHeaders(_) => "prefix headers",
                Binding::Payload => "payload",
                Binding::ResponseCode => "response code",
            };
            *counts.entry(kind).or_default() += 1;
        }
    }
    assert_eq!(service.operations.len(), 113);
    assert_eq!(top_level.len(), 120);
    assert_eq!(json_names, 7);
    assert_eq!(
        counts,
        BTreeMap::from([
            ("body", 123),
            ("nested", 96),
            ("label", 30),
            ("greedy label", 1),
            ("query", 45),
            ("query params", 4),
            ("header", 63),
            ("prefix headers", 5),
            ("payload", 26),
            ("response code", 2),
        ])
    );
}
