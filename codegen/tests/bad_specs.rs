//! A bad spec is refused with every problem named: file, shape id, what is
//! wrong and how to fix it.

mod common;

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
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["type"] = json!("bigDecimal");
    spec["shapes"]["ex#Id"]["traits"] = json!({});
    assert!(refuse_value(spec).contains("ex#Id: bigDecimal shapes are not supported"));

    let mut spec = valid();
    spec["shapes"]["ex#Id"]["type"] = json!("blob");
    spec["shapes"]["ex#Id"]["traits"] = json!({"smithy.api#streaming": {}});
    let report = refuse_value(spec);
    assert!(report.contains("ex#Id: @streaming blobs (byte streams) are not supported"), "{report}");

    // An unknown trait of Smithy's own namespace could change validation.
    let mut spec = valid();
    spec["shapes"]["ex#Id"]["traits"]["smithy.api#checksum"] = json!({});
    let report = refuse_value(spec);
    assert!(report.contains("ex#Id: unknown trait smithy.api#checksum"), "{report}");
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

    let duplicate = json!({"smithy": "2.0", "shapes": {"ex#Id": id}});
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
