//! A bad spec is refused with every problem named: file, shape id, what is
//! wrong and how to fix it.

use crate::common;

use common::{TempDir, workspace_settings};
use serde_json::{Value, json};

/// A small valid service; each test breaks one thing.
fn valid() -> Value {
    json!({
        "smithy": "2.0",
        "shapes": {
            "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}],
                       "traits": {"aws.protocols#awsJson1_1": {}}},
            "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"}, "errors": [{"target": "ex#Oops"}]},
            "ex#OpInput": {"type": "structure", "traits": {"smithy.api#input": {}},
                           "members": {"Id": {"target": "ex#Id", "traits": {"smithy.api#required": {}}}}},
            "ex#Id": {"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 5}}},
            "ex#Oops": {"type": "structure", "traits": {"smithy.api#error": "client"}, "members": {}}
        }
    })
}

/// Generates `spec` (written as `ex/spec.json`) and returns the error report
/// with the temporary directory replaced by `<dir>`.
fn refuse(spec: &str) -> String {
    refuse_file("spec.json", spec)
}

/// [`refuse`] for a spec written as `ex/<file>`.
fn refuse_file(file: &str, spec: &str) -> String {
    let dir = TempDir::with_files("ex", &[(file, spec.to_string())]);
    let report = match codegen::generate(dir.path(), &workspace_settings()) {
        Ok(_) => panic!("the spec was accepted:\n{spec}"),
        Err(diagnostics) => diagnostics.to_string(),
    };
    report.replace(&dir.path().display().to_string(), "<dir>")
}

fn refuse_value(spec: Value) -> String {
    refuse(&serde_json::to_string_pretty(&spec).unwrap())
}

#[test]
fn the_valid_spec_is_accepted() {
    let dir = TempDir::with_files("ex", &[("spec.json", valid().to_string())]);
    codegen::generate(dir.path(), &workspace_settings()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn invalid_json_names_file_line_and_column() {
    let report = refuse("{\n  \"smithy\": \"2.0\",\n  \"shapes\": {\n    \"ex#A\": {\"type\": \"string\"\n  }\n");
    assert!(
        report.starts_with("error: <dir>/spec.json: invalid JSON at line 6, column 0: EOF while parsing"),
        "{report}"
    );
}

#[test]
fn dangling_target() {
    let mut spec = valid();
    spec["shapes"]["ex#OpInput"]["members"]["Id"]["target"] = json!("ex#ID");
    assert_eq!(
        refuse_value(spec),
        "error: <dir>/spec.json: ex#OpInput$Id: targets ex#ID, which does not exist (did you mean ex#Id?)\n  \
         help: define the target shape in a spec file of this directory, or fix the shape id"
    );
}

#[test]
fn invalid_pattern() {
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#pattern"] = json!("^[a-$");
    assert_eq!(
        refuse_value(spec),
        "error: <dir>/spec.json: ex#Id: pattern \"^[a-$\" is not a valid ECMA-262 regular expression: \
         Range values reversed, start char code is greater than end char code \
         (nor as Java reads it: range out of order in character class at offset 3)\n  \
         help: Smithy patterns use ECMA-262 (JavaScript) syntax; fix the expression"
    );
}

#[test]
fn min_greater_than_max() {
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#length"] = json!({"min": 10, "max": 5});
    assert_eq!(
        refuse_value(spec),
        "error: <dir>/spec.json: ex#Id: smithy.api#length min (10) is greater than max (5)\n  \
         help: swap the bounds or fix the one that is wrong"
    );
}

#[test]
fn member_range_bounds_are_checked_too() {
    let mut spec = valid();
    spec["shapes"]["ex#OpInput"]["members"]["Count"] =
        json!({"target": "smithy.api#Integer", "traits": {"smithy.api#range": {"min": 3, "max": 1}}});
    assert!(refuse_value(spec).contains("ex#OpInput$Count: smithy.api#range min (3) is greater than max (1)"));
}

#[test]
fn trait_on_the_wrong_shape_type() {
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#range"] = json!({"min": 1});
    assert_eq!(
        refuse_value(spec),
        "error: <dir>/spec.json: ex#Id: @range cannot be applied to a string shape: its definition allows only shapes \
         matching `:test(number, member > number)`\n  help: remove the trait, or move it where smithy.api#range's \
         definition allows"
    );
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#required"] = json!({});
    assert!(refuse_value(spec).contains("ex#Id: @required cannot be applied to a string shape: its definition allows only shapes matching `structure > member`"));
}

#[test]
fn unsupported_shape_types_and_traits_are_refused_not_ignored() {
    // An unknown trait of Smithy's own namespace could change validation.
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#checksum"] = json!({});
    let report = refuse_value(spec);
    assert!(report.contains("ex#Id: unknown trait smithy.api#checksum"), "{report}");
}

/// A `@streaming` blob in an awsJson service was refused, though the model
/// is valid: it is generated, and routers answer it 501, with one warning.
#[test]
fn a_streaming_blob_in_awsjson_is_generated_and_not_served() {
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["type"] = json!("blob");
    spec["shapes"]["ex#Id"]["traits"] = json!({"smithy.api#streaming": {}});
    let (warnings, _) = accept_value(spec);
    assert!(
        warnings.contains(
            "ex#Op: has a byte stream (its input member `Id` targets the @streaming blob ex#Id), which its service's \
             protocol has no HTTP payload to carry"
        ),
        "{warnings}"
    );
    assert_eq!(warnings.matches("has a byte stream").count(), 1, "{warnings}");
}

/// `@smithy.protocols#rpcv2Cbor` was reported as an unknown trait, though
/// its definition ships with the generator.
#[test]
fn every_shipped_trait_is_known() {
    let mut spec = valid();
    spec["shapes"]["ex#Svc"]["traits"] = json!({"smithy.protocols#rpcv2Cbor": {}});
    spec["shapes"]["ex#Op"]["traits"] = json!({"smithy.api#longPoll": {"timeoutMillis": 20000}});
    let (warnings, _) = accept_value(spec);
    assert!(!warnings.contains("unknown trait"), "{warnings}");
}

/// `@jsonName` is valid Smithy on any member; a service whose protocol
/// does not read it (restXml, RPC v2 CBOR) ignores it. It was refused.
#[test]
fn json_name_is_accepted_whatever_the_protocol() {
    for protocol in ["aws.protocols#restXml", "smithy.protocols#rpcv2Cbor", "aws.protocols#awsQuery"] {
        let mut spec = valid();
        // awsQuery's definition requires the namespace its XML answers use.
        spec["shapes"]["ex#Svc"]["traits"] =
            json!({protocol: {}, "smithy.api#xmlNamespace": {"uri": "https://example.com/doc/2024-01-01/"}});
        spec["shapes"]["ex#OpInput"]["members"]["Id"]["traits"]["smithy.api#jsonName"] = json!("id");
        let (warnings, _) = accept_value(spec);
        assert!(!warnings.contains("jsonName"), "{protocol}: {warnings}");
    }
}

/// Smithy takes a timestamp's `@default` as epoch seconds or as a
/// date-time string; the string was refused.
#[test]
fn a_timestamp_defaults_to_a_date_time_string_too() {
    let with_default = |value: Value| {
        let mut spec = valid();
        spec["shapes"]["ex#OpInput"]["members"]["When"] =
            json!({"target": "smithy.api#Timestamp", "traits": {"smithy.api#default": value}});
        spec
    };
    let (_, files) = accept_value(with_default(json!("1985-04-12T23:20:50.52Z")));
    assert!(files.contains("Timestamp::from_parts(482196050, 520000000)"), "{files}");
    let report = refuse_value(with_default(json!("1985-04-12 23:20:50")));
    assert!(report.contains("ex#OpInput$When: the @default of a timestamp is not a date-time"), "{report}");
}

#[test]
fn unknown_traits_of_other_namespaces_are_warnings() {
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["acme.custom#checksum"] = json!({});
    let (warnings, _) = accept_value(spec);
    assert!(
        warnings.contains("ex#Id: unknown trait acme.custom#checksum is ignored: traits outside smithy.api"),
        "{warnings}"
    );
}

#[test]
fn traits_defined_in_the_model_are_metadata() {
    let mut spec = valid();
    spec["shapes"]["acme.custom#note"] = json!({"type": "string", "traits": {"smithy.api#trait": {}}});
    spec["shapes"]["ex#Id"]["traits"]["acme.custom#note"] = json!("hello");
    let dir = TempDir::with_files("ex", &[("spec.json", spec.to_string())]);
    codegen::generate(dir.path(), &workspace_settings()).unwrap_or_else(|e| panic!("{e}"));
}

/// Generates `spec`, which must be accepted; returns the warnings and the
/// generated files.
fn accept_value(spec: Value) -> (String, String) {
    let dir = TempDir::with_files("ex", &[("spec.json", spec.to_string())]);
    let generated =
        codegen::generate(dir.path(), &workspace_settings()).unwrap_or_else(|d| panic!("the spec was refused:\n{d}"));
    let files: String = generated.files.values().cloned().collect();
    (generated.warnings.to_string().replace(&dir.path().display().to_string(), "<dir>"), files)
}

#[test]
fn rust_name_collisions_are_renamed_with_a_warning() {
    let mut spec = valid();
    spec["shapes"]["ex#OpInput"]["members"]["IPAddress"] = json!({"target": "smithy.api#String"});
    spec["shapes"]["ex#OpInput"]["members"]["IpAddress"] = json!({"target": "smithy.api#String"});
    let (warnings, files) = accept_value(spec);
    assert!(
        warnings.contains(
            "ex#OpInput$IpAddress: its Rust field name `ip_address` is already taken in its scope; it is generated as `ip_address_2`"
        ),
        "{warnings}"
    );
    assert!(files.contains("pub ip_address_2: Option<String>"), "{files}");

    // A modelled shape keeps its name; the operation's error enum moves.
    let mut spec = valid();
    spec["shapes"]["ex#OpError"] = json!({"type": "structure", "members": {}});
    spec["shapes"]["ex#OpInput"]["members"]["E"] = json!({"target": "ex#OpError"});
    let (warnings, files) = accept_value(spec);
    assert!(
        warnings.contains("ex#Op (its error enum): its Rust type name `OpError` is already taken in its scope; it is generated as `OpOperationError`"),
        "{warnings}"
    );
    assert!(files.contains("pub struct OpError {}") && files.contains("pub enum OpOperationError {"), "{files}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#length"] = json!({"min": 10, "max": 5});
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#pattern"] = json!("(");
    spec["shapes"]["ex#OpInput"]["members"]["Other"] = json!({"target": "ex#Missing"});
    let report = refuse_value(spec);
    assert_eq!(report.matches("error: ").count(), 3, "{report}");
}

#[test]
fn errors_name_the_file_that_holds_the_shape() {
    let mut spec = valid();
    let id = spec["shapes"].as_object_mut().unwrap().remove("ex#Id").unwrap();
    let mut bad_id = id.clone();
    bad_id["traits"]["smithy.api#length"] = json!({"min": 9, "max": 1});
    let other = json!({"smithy": "2.0", "shapes": {"ex#Id": bad_id}});
    let dir = TempDir::with_files("ex", &[("a.json", spec.to_string()), ("b.json", other.to_string())]);
    let report = codegen::generate(dir.path(), &workspace_settings()).unwrap_err().to_string();
    assert!(report.contains("b.json: ex#Id: smithy.api#length min (9)"), "{report}");

    // A second definition that differs is named where it is.
    let mut other_id = id;
    other_id["type"] = json!("integer");
    let duplicate = json!({"smithy": "2.0", "shapes": {"ex#Id": other_id}});
    let dir = TempDir::with_files("ex", &[("a.json", valid().to_string()), ("b.json", duplicate.to_string())]);
    let report = codegen::generate(dir.path(), &workspace_settings()).unwrap_err().to_string();
    assert!(report.contains("b.json: ex#Id: shape is defined twice, here and in"), "{report}");
}

#[test]
fn operation_errors_must_be_error_structures() {
    let mut spec = valid();
    spec["shapes"]["ex#Oops"]["traits"] = json!({});
    assert!(
        refuse_value(spec).contains("ex#Op$errors: lists ex#Oops as an error, but that structure has no @error trait")
    );
}

#[test]
fn service_errors_are_checked() {
    let mut spec = valid();
    spec["shapes"]["ex#Svc"]["errors"] = json!([{"target": "ex#Nope"}]);
    assert!(refuse_value(spec).contains("ex#Svc$errors: targets ex#Nope, which does not exist"));
}

#[test]
fn spec_directories_must_make_module_names() {
    for name in ["runtime", "type", "self"] {
        let dir = TempDir::with_files(name, &[("spec.json", valid().to_string())]);
        let report = codegen::generate(dir.path(), &workspace_settings()).unwrap_err().to_string();
        assert!(
            report.contains(&format!("the spec directory's name `{name}` cannot be a Rust module name")),
            "{report}"
        );
    }
}

/// Generates an IDL spec (written as `ex/spec.smithy`) that must be refused.
fn refuse_idl(spec: &str) -> String {
    refuse_file("spec.smithy", spec)
}

const IDL_SERVICE: &str = r#"$version: "2"
namespace ex

use aws.protocols#awsJson1_1

@awsJson1_1
service Svc {
    version: "1"
    operations: [Op]
}

operation Op {
    input := {
        @required
        @length(min: 1, max: 5)
        id: String
    }
}
"#;

#[test]
fn idl_findings_point_at_the_line() {
    let dangling = IDL_SERVICE.replace("id: String", "id: Identifier");
    assert_eq!(
        refuse_idl(&dangling),
        "error: <dir>/spec.smithy:16:13: ex#OpInput$id: targets ex#Identifier, which does not exist\n   |\n16 |         id: Identifier\n   |             ^\n  help: define the target shape in a spec file of this directory, or fix the shape id"
    );
}

/// An absolute shape id that names nothing is reported as written: it was
/// put in the file's namespace (`ex#other.ns#Identifier`).
#[test]
fn a_missing_absolute_target_is_named_as_written() {
    let report = refuse_idl(&IDL_SERVICE.replace("id: String", "id: other.ns#Identifier"));
    assert!(report.contains("ex#OpInput$id: targets other.ns#Identifier, which does not exist"), "{report}");
}

#[test]
fn trait_values_are_checked_against_their_definitions() {
    let report = refuse_idl(&IDL_SERVICE.replace("@length(min: 1, max: 5)", "@length(min: \"1\", maxi: 5)"));
    assert!(
        report.contains(
            "<dir>/spec.smithy:15:10: ex#OpInput$id: the value of @length at `/min` must be an integer, not \"1\""
        ),
        "{report}"
    );
    // A misspelt member of a trait the generator reads would drop a
    // constraint, so it is an error too.
    assert!(report.contains("the value of @length has no member `maxi` (its members: min, max)"), "{report}");
    let report = refuse_idl(&format!("{IDL_SERVICE}\n@error(\"bad\")\nstructure Oops {{}}\n"));
    assert!(report.contains("ex#Oops: the value of @error must be one of client, server, not \"bad\""), "{report}");
}

/// Loads an IDL spec that must be accepted and generated; returns the warnings.
fn accept_idl_warnings(spec: &str) -> String {
    let dir = TempDir::with_files("ex", &[("spec.smithy", spec.to_string())]);
    let generated =
        codegen::generate(dir.path(), &workspace_settings()).unwrap_or_else(|d| panic!("the spec was refused:\n{d}"));
    generated.warnings.to_string().replace(&dir.path().display().to_string(), "<dir>")
}

#[test]
fn unknown_members_of_structure_trait_values_are_warnings_as_in_smithy() {
    // AWS's models give `@aws.api#service` members its definition does not
    // have (`serviceName`, `awsProductName`, ...): Smithy warns, and so do we.
    let spec = IDL_SERVICE
        .replace("use aws.protocols#awsJson1_1", "use aws.protocols#awsJson1_1\nuse aws.api#service")
        .replace("@awsJson1_1\n", "@awsJson1_1\n@service(sdkId: \"Ex\", serviceName: \"Example\")\n");
    let warnings = accept_idl_warnings(&spec);
    assert!(
        warnings.contains("ex#Svc: the value of @aws.api#service has no member `serviceName` (its members: sdkId,"),
        "{warnings}"
    );
    // So in a structure trait of the model's own.
    let custom = "@trait\nstructure note { text: String }\n\n@note(text: \"a\", colour: \"red\")\nstring Tagged\n";
    let warnings = accept_idl_warnings(&format!("{IDL_SERVICE}\n{custom}"));
    assert!(
        warnings.contains("ex#Tagged: the value of @ex#note has no member `colour` (its members: text)"),
        "{warnings}"
    );
    // A union's value names its one member: one the definition does not
    // have is an error, as in Smithy.
    let custom = "@trait\nunion choice { text: String }\n\n@choice(colour: \"red\")\nstring Tagged\n";
    let report = refuse_idl(&format!("{IDL_SERVICE}\n{custom}"));
    assert!(
        report.contains("ex#Tagged: the value of @ex#choice has no member `colour` (its members: text)"),
        "{report}"
    );
}

/// A small restJson1 service in IDL; each test breaks one HTTP binding rule.
const REST_SERVICE: &str = r#"$version: "2"
namespace ex

use aws.protocols#restJson1

@restJson1
service Svc {
    version: "1"
    operations: [GetThing, PutThing]
    errors: [Oops]
}

@readonly
@http(method: "GET", uri: "/things/{id}")
operation GetThing {
    input := {
        @required
        @httpLabel
        id: String

        @httpQuery("q")
        q: String

        @httpHeader("X-Tag")
        tag: String
    }
    output := {
        @httpHeader("X-Tag")
        tag: String

        @httpResponseCode
        status: Integer

        name: String
    }
}

@idempotent
@http(method: "PUT", uri: "/things/{id}")
operation PutThing {
    input := {
        @required
        @httpLabel
        id: String

        @httpPayload
        body: Blob
    }
}

@error("client")
@httpError(404)
structure Oops {
    @httpHeader("X-Reason")
    reason: String

    message: String
}

map Tags {
    key: String
    value: String
}
"#;

/// [`REST_SERVICE`] with each `(from, to)` replacement made (each `from`
/// must be in it).
fn rest(edits: &[(&str, &str)]) -> String {
    let mut spec = REST_SERVICE.to_string();
    for (from, to) in edits {
        assert!(spec.contains(from), "{from}");
        spec = spec.replacen(from, to, 1);
    }
    spec
}

/// Loads an IDL spec that must be accepted: the service's IR and the
/// warnings.
fn accept_idl(spec: &str) -> (codegen::ir::Service, String) {
    let dir = TempDir::with_files("ex", &[("spec.smithy", spec.to_string())]);
    let (service, warnings) =
        codegen::load_service(dir.path()).unwrap_or_else(|d| panic!("the spec was refused:\n{d}"));
    codegen::generate(dir.path(), &workspace_settings()).unwrap_or_else(|d| panic!("the spec was refused:\n{d}"));
    (service, warnings.to_string().replace(&dir.path().display().to_string(), "<dir>"))
}

fn member_binding(service: &codegen::ir::Service, structure: &str, member: &str) -> codegen::ir::Binding {
    let codegen::ir::ShapeKind::Structure(s) = &service.shapes[structure].kind else { panic!("{structure}") };
    s.members.iter().find(|m| m.name == member).unwrap_or_else(|| panic!("{member}")).binding.clone()
}

#[test]
fn the_valid_rest_json_spec_is_accepted_with_its_bindings() {
    use codegen::ir::{Binding, UriSegment};
    let (service, warnings) = accept_idl(REST_SERVICE);
    assert_eq!(warnings, "");
    let get = service.operations.iter().find(|op| op.name == "GetThing").unwrap();
    let http = get.http.as_ref().unwrap();
    assert_eq!((http.method.as_str(), http.uri.as_str(), http.code), ("GET", "/things/{id}", 200));
    assert_eq!(http.segments, [UriSegment::Literal("things".into()), UriSegment::Label("id".into())]);
    assert_eq!(member_binding(&service, "ex#GetThingInput", "id"), Binding::Label);
    assert_eq!(member_binding(&service, "ex#GetThingInput", "q"), Binding::Query("q".into()));
    assert_eq!(member_binding(&service, "ex#GetThingOutput", "status"), Binding::ResponseCode);
    assert_eq!(member_binding(&service, "ex#GetThingOutput", "name"), Binding::Body);
    assert_eq!(member_binding(&service, "ex#PutThingInput", "body"), Binding::Payload);
    assert_eq!(member_binding(&service, "ex#Oops", "reason"), Binding::Header("X-Reason".into()));

    // awsJson ignores HTTP bindings: every member is in the body.
    let (service, warnings) = accept_idl(&rest(&[
        ("use aws.protocols#restJson1", "use aws.protocols#awsJson1_1"),
        ("@restJson1", "@awsJson1_1"),
    ]));
    assert_eq!(warnings, "");
    assert!(service.operations.iter().all(|op| op.http.is_none()));
    for id in ["ex#GetThingInput", "ex#GetThingOutput", "ex#PutThingInput", "ex#Oops"] {
        let codegen::ir::ShapeKind::Structure(s) = &service.shapes[id].kind else { panic!() };
        assert!(s.members.iter().all(|m| m.binding == Binding::Body && m.json_name.is_none()), "{id}");
    }
}

#[test]
fn uri_labels_and_label_members_match() {
    let report = refuse_idl(&rest(&[(r#"uri: "/things/{id}")"#, r#"uri: "/things/{id}/{Other}")"#)]));
    assert!(
        report.contains(
            "<dir>/spec.smithy:15:11: ex#GetThing: the URI pattern `/things/{id}/{Other}` has the label `{Other}`, \
             but its input ex#GetThingInput has no member `Other`"
        ),
        "{report}"
    );
    assert!(report.contains("help: add a @required @httpLabel member `Other` to ex#GetThingInput"), "{report}");

    let report = refuse_idl(&rest(&[(r#"uri: "/things/{id}")"#, r#"uri: "/things/{ID}")"#)]));
    assert!(
        report.contains("has the label `{ID}`, but its input ex#GetThingInput has no member `ID` (member `id` differs in case: label names match exactly)"),
        "{report}"
    );

    // A member the URI does not name.
    assert_eq!(
        refuse_idl(&rest(&[(r#"uri: "/things/{id}")"#, r#"uri: "/things")"#)])),
        "error: <dir>/spec.smithy:19:13: ex#GetThingInput$id: has @httpLabel, but the URI pattern of ex#GetThing, \
         `/things`, has no label `{id}`\n   |\n19 |         id: String\n   |             ^\n  help: add the label to \
         the operation's URI pattern, or bind the member elsewhere"
    );

    // A member named like the label, without @httpLabel.
    let report =
        refuse_idl(&rest(&[("@required\n        @httpLabel\n        id: String", "@required\n        id: String")]));
    assert!(
        report.contains("ex#GetThingInput$id: is named like the label `{id}` of ex#GetThing's URI `/things/{id}`, but has no @httpLabel"),
        "{report}"
    );

    // Label members are required and simple: their traits' selectors say so.
    let report =
        refuse_idl(&rest(&[("@required\n        @httpLabel\n        id: String", "@httpLabel\n        id: String")]));
    assert!(report.contains("ex#GetThingInput$id: @httpLabel cannot be applied to a member of a structure targeting a string: its definition allows only shapes matching `structure > member[trait|required]"), "{report}");
    let report = refuse_idl(&rest(&[("@httpLabel\n        id: String", "@httpLabel\n        id: Tags")]));
    assert!(
        report.contains("ex#GetThingInput$id: @httpLabel cannot be applied to a member of a structure targeting a map"),
        "{report}"
    );

    // One input, two operations: its label is greedy in both or in neither.
    let shared = r#"$version: "2"
namespace ex

use aws.protocols#restJson1

@restJson1
service Svc {
    version: "1"
    operations: [GetThing, PutThing]
}

@readonly
@http(method: "GET", uri: "/things/{id+}")
operation GetThing {
    input: Shared
}

@idempotent
@http(method: "PUT", uri: "/things/{id}")
operation PutThing {
    input: Shared
}

structure Shared {
    @required
    @httpLabel
    id: String
}
"#;
    let report = refuse_idl(shared);
    assert!(
        report.contains("ex#Shared$id: is bound to a greedy label by ex#GetThing but to a plain label by ex#PutThing"),
        "{report}"
    );

    // Greedy labels bind strings.
    let report = refuse_idl(&rest(&[
        (r#"uri: "/things/{id}")"#, r#"uri: "/things/{id+}")"#),
        ("@httpLabel\n        id: String", "@httpLabel\n        id: Integer"),
    ]));
    assert!(
        report.contains("ex#GetThingInput$id: is bound to the greedy label `{id+}` of ex#GetThing's URI, so it must target a string, not an integer (smithy.api#Integer)"),
        "{report}"
    );
}

#[test]
fn uri_patterns_are_checked() {
    for (uri, why) in [
        ("/things//{id}", "@http URI pattern `/things//{id}` is invalid: path segment 2 is empty (`//`)"),
        (
            "/things/x{id}",
            "@http URI pattern `/things/x{id}` is invalid: the segment `x{id}` mixes literal text and a label",
        ),
        ("/things/{id}?", "@http URI pattern `/things/{id}?` is invalid: a pattern must not end with `?`"),
        ("/{id+}/{rest+}", "@http URI pattern `/{id+}/{rest+}` is invalid: a pattern may hold one greedy label"),
        ("/things/{id}?{q}", "@http URI pattern `/things/{id}?{q}` is invalid: labels are not allowed in the query"),
    ] {
        let report = refuse_idl(&rest(&[(r#"uri: "/things/{id}")"#, &format!("uri: \"{uri}\")"))]));
        assert!(report.contains(&format!("ex#GetThing: {why}")), "{uri}: {report}");
    }
    let report = refuse_idl(&rest(&[(r#"uri: "/things/{id}")"#, r#"uri: "/things/{id}", code: 1000)"#)]));
    assert!(report.contains("ex#GetThing: @http code 1000 is not an HTTP status code (100 to 999)"), "{report}");
    // Operations of a service have @http all or none (then nothing is bound).
    let report = refuse_idl(&rest(&[("@idempotent\n@http(method: \"PUT\", uri: \"/things/{id}\")\n", "")]));
    assert!(
        report.contains("ex#PutThing: has no @http trait, but 1 other operation of ex#Svc has one: restJson1 routes requests by method and URI"),
        "{report}"
    );
    let (_, warnings) = accept_idl(&rest(&[
        ("@idempotent\n@http(method: \"PUT\", uri: \"/things/{id}\")\n", ""),
        ("@readonly\n@http(method: \"GET\", uri: \"/things/{id}\")\n", ""),
    ]));
    assert!(
        warnings.contains("ex#Svc: is a restJson1 service, but none of its operations has an @http trait"),
        "{warnings}"
    );
}

#[test]
fn operations_may_not_match_the_same_requests() {
    let spec =
        rest(&[(r#"@http(method: "PUT", uri: "/things/{id}")"#, r#"@http(method: "GET", uri: "/things/{name}")"#)])
            .replace("@idempotent\n", "@readonly\n")
            .replace(
                "        @httpLabel\n        id: String\n\n        @httpPayload",
                "        @httpLabel\n        name: String\n\n        @httpPayload",
            );
    let report = refuse_idl(&spec);
    assert!(
        report.contains(
            "ex#GetThing: `GET /things/{id}` matches the same requests as ex#PutThing (`GET /things/{name}`)"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "ex#PutThing: `GET /things/{name}` matches the same requests as ex#GetThing (`GET /things/{id}`)"
        ),
        "{report}"
    );
    // A literal segment or a query literal tells them apart; so does the method.
    accept_idl(&spec.replace("uri: \"/things/{name}\"", "uri: \"/things/{name}?special\""));
    accept_idl(
        &spec
            .replace("uri: \"/things/{name}\"", "uri: \"/things/special\"")
            .replace("@httpLabel\n        name: String", "@httpHeader(\"X-Name\")\n        name: String"),
    );
    accept_idl(&spec.replace(
        "@readonly\n@http(method: \"GET\", uri: \"/things/{name}\")",
        "@idempotent\n@http(method: \"PUT\", uri: \"/things/{name}\")",
    ));
    // Host prefixes do not: the router routes by method and path.
    let hosts = spec.replace(
        "@readonly\n@http(method: \"GET\", uri: \"/things/{name}\")",
        "@readonly\n@endpoint(hostPrefix: \"data.\")\n@http(method: \"GET\", uri: \"/things/{name}\")",
    );
    assert!(hosts.contains("hostPrefix"), "the spec changed: {hosts}");
    let report = refuse_idl(&hosts);
    assert!(
        report.contains("their @endpoint host prefixes differ, but requests are routed by method and path only"),
        "{report}"
    );
}

#[test]
fn headers_are_named_once_and_properly() {
    let report = refuse_idl(&rest(&[(
        "@httpResponseCode\n        status: Integer",
        "@httpHeader(\"x-TAG\")\n        status: String",
    )]));
    assert!(
        report.contains("ex#GetThingOutput$status: binds the header `x-TAG`, which member `tag` binds too (header names are case-insensitive)"),
        "{report}"
    );
    let report = refuse_idl(&rest(&[("@httpHeader(\"X-Reason\")", "@httpHeader(\"X Reason\")")]));
    assert!(report.contains("ex#Oops$reason: binds the header \"X Reason\", which is not a header name"), "{report}");
    let report = refuse_idl(&rest(&[("@httpHeader(\"X-Reason\")", "@httpHeader(\"\")")]));
    assert!(report.contains("ex#Oops$reason: binds the header \"\", which is not a header name"), "{report}");
    // A header inside the prefix of the structure's prefix headers.
    let report =
        refuse_idl(&rest(&[("name: String\n    }", "@httpPrefixHeaders(\"x-t\")\n        tags: Tags\n    }")]));
    assert!(
        report.contains("ex#GetThingOutput$tag: binds the header `X-Tag`, which starts with the prefix `x-t` that member `tags` binds"),
        "{report}"
    );
    // Headers target simple values or lists of them; prefix headers a map of strings.
    let report = refuse_idl(&rest(&[(
        "@httpHeader(\"X-Reason\")\n    reason: String",
        "@httpHeader(\"X-Reason\")\n    reason: Tags",
    )]));
    assert!(
        report.contains("ex#Oops$reason: @httpHeader cannot be applied to a member of a structure targeting a map"),
        "{report}"
    );
    let report =
        refuse_idl(&rest(&[("name: String\n    }", "@httpPrefixHeaders(\"x-t-\")\n        tags: Document\n    }")]));
    assert!(report.contains("ex#GetThingOutput$tags: @httpPrefixHeaders cannot be applied to a member of a structure targeting a document"), "{report}");
    // Restricted headers are discouraged: a warning.
    let (_, warnings) = accept_idl(&rest(&[("@httpHeader(\"X-Reason\")", "@httpHeader(\"User-Agent\")")]));
    assert!(
        warnings.contains("ex#Oops$reason: binds the header `User-Agent`, which HTTP itself or authentication sets"),
        "{warnings}"
    );
}

#[test]
fn query_parameters_are_named_once() {
    let report = refuse_idl(&rest(&[(
        "@httpHeader(\"X-Tag\")\n        tag: String\n    }\n    output",
        "@httpQuery(\"q\")\n        tag: String\n    }\n    output",
    )]));
    assert!(
        report.contains("ex#GetThingInput$tag: binds the query string parameter `q`, which member `q` binds too"),
        "{report}"
    );
    let report = refuse_idl(&rest(&[(r#"uri: "/things/{id}")"#, r#"uri: "/things/{id}?q=1")"#)]));
    assert!(
        report.contains("ex#GetThingInput$q: binds the query string parameter `q`, which the URI pattern of ex#GetThing, `/things/{id}?q=1`, has as a literal"),
        "{report}"
    );
    let report = refuse_idl(&rest(&[("@httpQuery(\"q\")", "@httpQuery(\"\")")]));
    assert!(report.contains("ex#GetThingInput$q: binds a query string parameter with an empty name"), "{report}");
    // @httpQueryParams takes a map of strings (or of lists of strings).
    let report =
        refuse_idl(&rest(&[("@httpQuery(\"q\")\n        q: String", "@httpQueryParams\n        q: Document")]));
    assert!(
        report.contains(
            "ex#GetThingInput$q: @httpQueryParams cannot be applied to a member of a structure targeting a document"
        ),
        "{report}"
    );
}

#[test]
fn a_payload_is_the_whole_body() {
    let report = refuse_idl(&rest(&[(
        "@httpPayload\n        body: Blob",
        "@httpPayload\n        body: Blob\n\n        @httpPayload\n        other: String\n\n        extra: String",
    )]));
    assert!(report.contains("ex#PutThingInput: has @httpPayload on members `body`, `other`, but only one member of a structure may have it"), "{report}");
    let report = refuse_idl(&rest(&[(
        "@httpPayload\n        body: Blob",
        "@httpPayload\n        body: Blob\n\n        extra: String",
    )]));
    assert!(
        report.contains(
            "ex#PutThingInput: binds member `body` to the payload, so as an operation's input its other members must be \
             bound to @httpLabel, @httpQuery, @httpQueryParams, @httpHeader or @httpPrefixHeaders, but `extra` is not"
        ),
        "{report}"
    );
    // Errors' other members are headers.
    let report =
        refuse_idl(&rest(&[("message: String\n}", "@httpPayload\n    message: String\n\n    code: Integer\n}")]));
    assert!(report.contains("ex#Oops: binds member `message` to the payload, so as an operation's error its other members must be bound to @httpHeader or @httpPrefixHeaders, but `code` is not"), "{report}");
    let report = refuse_idl(&rest(&[("@httpPayload\n        body: Blob", "@httpPayload\n        body: Tags")]));
    assert!(
        report.contains("ex#PutThingInput$body: is the @httpPayload but targets ex#Tags, a map: restJson1 binds only strings, enums, blobs, structures, unions and documents to the payload"),
        "{report}"
    );
    // A stream is the payload.
    let report = refuse_idl(&rest(&[
        ("@httpPayload\n        body: Blob", "@httpHeader(\"X-Body\")\n        body: String\n\n        events: Events"),
        ("map Tags", "@streaming\nunion Events {\n    tick: Unit\n}\n\nmap Tags"),
    ]));
    assert!(
        report.contains(
            "ex#PutThingInput$events: targets the @streaming shape ex#Events, but is not the message's @httpPayload"
        ),
        "{report}"
    );
}

#[test]
fn a_member_has_one_binding() {
    let report = refuse_idl(&rest(&[(
        "@httpQuery(\"q\")\n        q: String",
        "@httpQuery(\"q\")\n        @httpHeader(\"X-Q\")\n        q: String",
    )]));
    assert!(
        report.contains("ex#GetThingInput$q: has the conflicting traits @httpQuery, @httpHeader: a member is bound to one place in the message"),
        "{report}"
    );
}

#[test]
fn response_codes_are_integers_of_outputs() {
    let report = refuse_idl(&rest(&[(
        "@httpResponseCode\n        status: Integer",
        "@httpResponseCode\n        status: String",
    )]));
    assert!(report.contains("ex#GetThingOutput$status: @httpResponseCode cannot be applied to a member of a structure targeting a string"), "{report}");
    // Not in an @input structure (the selector), ignored in errors (Smithy
    // ignores it there, with a warning, and so does the IR).
    let report =
        refuse_idl(&rest(&[("@httpQuery(\"q\")\n        q: String", "@httpResponseCode\n        q: Integer")]));
    assert!(report.contains("ex#GetThingInput$q: @httpResponseCode cannot be applied to a member of a structure targeting an integer: its definition allows only shapes matching `structure :not([trait|input]) > member :test(> integer)`"), "{report}");
    let (service, warnings) =
        accept_idl(&rest(&[("message: String\n}", "message: String\n\n    @httpResponseCode\n    code: Integer\n}")]));
    assert!(
        warnings.contains("ex#Oops$code: @httpResponseCode is ignored: it applies to operation outputs only, and ex#Oops is an operation's error only; the member travels in the body"),
        "{warnings}"
    );
    let binding = member_binding(&service, "ex#Oops", "code");
    assert_eq!(binding.in_role(codegen::ir::Role::Error), &codegen::ir::Binding::Body);
}

#[test]
fn bindings_below_the_top_level_are_ignored() {
    let (service, warnings) = accept_idl(&rest(&[
        ("name: String\n    }", "name: String\n\n        detail: Detail\n    }"),
        ("map Tags", "structure Detail {\n    @httpHeader(\"X-Detail\")\n    value: String\n}\n\nmap Tags"),
    ]));
    assert!(
        warnings.contains(
            "ex#Detail$value: @httpHeader is ignored: bindings apply to the members of an operation's input, output or \
             error, and ex#Detail is none of ex#Svc's; the member travels in its parent's body"
        ),
        "{warnings}"
    );
    assert_eq!(member_binding(&service, "ex#Detail", "value"), codegen::ir::Binding::Body);
}

#[test]
fn json_names_are_distinct() {
    let report = refuse_idl(&rest(&[(
        "name: String\n    }",
        "name: String\n\n        @jsonName(\"name\")\n        title: String\n    }",
    )]));
    assert!(
        report.contains("ex#GetThingOutput$title: has the JSON name `name`, which member `name` has too"),
        "{report}"
    );
}

/// Loads the files (name, text) of one spec directory.
fn load(files: &[(&str, &str)]) -> Result<codegen::model::load::LoadedModel, String> {
    let files: codegen::SpecFiles = files.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
    codegen::model::load::load_files(std::path::Path::new("ex"), &files).map_err(|e| e.to_string())
}

/// A shape defined twice the same way (its traits apart) is one shape, as
/// in Smithy's loader: it was refused. The fixture defines two shapes in an
/// IDL file and again in a JSON AST file, each giving traits the other
/// does not, in other member orders.
#[test]
fn a_shape_defined_twice_alike_is_one_shape_with_the_traits_of_both() {
    let dir = common::root().join("codegen/tests/fixtures/duplicates");
    let model = codegen::model::load::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let greeting = &model.shapes["example.duplicates#Greeting"].shape;
    // Equal values are one; lists join; what one definition gives, the shape has.
    assert_eq!(greeting.traits["smithy.api#documentation"], "A greeting.");
    // The JSON AST file is read first, then the IDL one.
    assert_eq!(greeting.traits["smithy.api#tags"], json!(["shared", "greeting"]));
    let members = greeting.members.as_ref().unwrap();
    assert_eq!(members.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["language", "text"], "the first's order");
    assert_eq!(members.get("language").unwrap().traits["smithy.api#length"], json!({"min": 2, "max": 8}));
    assert_eq!(model.shapes["example.duplicates#Names"].shape.traits["smithy.api#length"], json!({"max": 3}));
    // And the service generates, the merged constraints checked.
    let generated = codegen::generate(&dir, &workspace_settings()).unwrap_or_else(|e| panic!("{e}"));
    let validation = generated.files.iter().find(|(path, _)| path.ends_with("validation.rs")).unwrap().1;
    assert!(validation.contains("Length::between(2, 8)") && validation.contains("Length::at_most(3)"), "{validation}");
}

/// Smithy's rule for traits given by both definitions, and for anything
/// else that differs: each side of it.
#[test]
fn shapes_defined_twice_differently_conflict_as_in_smithy() {
    let first =
        "$version: \"2\"\nnamespace ex\n\n@tags([\"a\"])\n@documentation(\"one\")\nstructure S {\n    a: String\n}\n";
    let again =
        |text: &str| load(&[("a.smithy", first), ("b.smithy", &format!("$version: \"2\"\nnamespace ex\n\n{text}"))]);
    // Alike, even in an equal list trait, which Smithy joins, as a list
    // trait applied twice.
    let model = again("@tags([\"a\"])\n@documentation(\"one\")\nstructure S {\n    a: String\n}\n").unwrap();
    assert_eq!(model.shapes["ex#S"].shape.traits["smithy.api#tags"], json!(["a", "a"]));
    // A trait with another value conflicts.
    let report = again("@documentation(\"two\")\nstructure S {\n    a: String\n}\n").unwrap_err();
    assert!(
        report.contains("ex/b.smithy:5:11: ex#S: shape is defined twice, here and in ex/a.smithy, and the definitions give smithy.api#documentation values that conflict"),
        "{report}"
    );
    // A member trait one definition gives is the shape's.
    let model = again("structure S {\n    @length(min: 1)\n    a: String\n}\n").unwrap();
    assert_eq!(
        model.shapes["ex#S"].shape.members.as_ref().unwrap().get("a").unwrap().traits["smithy.api#length"],
        json!({"min": 1})
    );
    let conflicting_member = load(&[
        ("a.smithy", "$version: \"2\"\nnamespace ex\n\nstructure S {\n    @length(min: 1)\n    a: String\n}\n"),
        ("b.smithy", "$version: \"2\"\nnamespace ex\n\nstructure S {\n    @length(min: 2)\n    a: String\n}\n"),
    ])
    .unwrap_err();
    assert!(
        conflicting_member.contains("give its member `a` smithy.api#length values that conflict"),
        "{conflicting_member}"
    );
    // Another type, other members, another target: conflicts.
    let report = again("union S {\n    a: String\n}\n").unwrap_err();
    assert!(report.contains("ex/b.smithy:4:7: ex#S: shape is defined twice, here and in ex/a.smithy, and the definitions differ: here it is a union, there a structure"), "{report}");
    let report = again("structure S {\n    a: String\n    b: String\n}\n").unwrap_err();
    assert!(report.contains("the definitions differ: here its members are [a, b], there [a]"), "{report}");
    let report = again("structure S {\n    a: Integer\n}\n").unwrap_err();
    assert!(report.contains("here its member `a` targets smithy.api#Integer, there smithy.api#String"), "{report}");
}

/// A service's `rename` names the Rust type of the shape it renames (it
/// was ignored: the second `Widget` became `Widget2`, with a warning).
/// Renaming gives no new shape id, and wire names do not change.
#[test]
fn a_services_rename_names_the_rust_type() {
    let main = r#"$version: "2"
namespace ex

use aws.protocols#awsJson1_1

@awsJson1_1
service Svc {
    version: "1"
    operations: [GetWidget]
    rename: { "other#Widget": "OtherWidget" }
}

operation GetWidget {
    input := {}
    output := {
        widget: Widget
        other: other#Widget
    }
}

structure Widget {}
"#;
    let other = "$version: \"2\"\nnamespace other\n\nstructure Widget {\n    size: Integer\n}\n";
    let dir = TempDir::with_files("ex", &[("main.smithy", main.to_string()), ("other.smithy", other.to_string())]);
    let generated = codegen::generate(dir.path(), &workspace_settings()).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.is_empty(), "{}", generated.warnings);
    let types = generated.files.iter().find(|(path, _)| path.ends_with("types.rs")).unwrap().1;
    assert!(types.contains("pub struct Widget {}") && types.contains("pub struct OtherWidget {"), "{types}");
    let operation = generated.files.iter().find(|(path, _)| path.ends_with("get_widget.rs")).unwrap().1;
    assert!(operation.contains("pub other: Option<OtherWidget>"), "{operation}");
}
