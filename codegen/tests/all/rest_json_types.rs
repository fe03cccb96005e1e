//! What restJson1 models need of the generated types, each shown on a
//! small spec: `@jsonName` keys, `@streaming` blobs.

use crate::common;

use common::{TempDir, workspace_settings};

/// Generates an IDL spec (as `ex/spec.smithy`) that must be accepted: its
/// files by path (`ex/operation/put_thing.rs`, relative to `src/`), each
/// with its whitespace collapsed to single spaces so that checks do not
/// depend on how lines are broken, and the warnings.
fn generate(spec: &str) -> (std::collections::BTreeMap<String, String>, String) {
    let dir = TempDir::with_files("ex", &[("spec.smithy", spec.to_string())]);
    let generated =
        codegen::generate(dir.path(), &workspace_settings()).unwrap_or_else(|d| panic!("the spec was refused:\n{d}"));
    let files = generated
        .files
        .iter()
        .filter_map(|(path, text)| {
            let path = path.strip_prefix("src").ok()?.display().to_string();
            Some((path, text.split_whitespace().collect::<Vec<_>>().join(" ")))
        })
        .collect();
    (files, generated.warnings.to_string())
}

/// Generates an IDL spec that must be refused; returns the report.
fn refuse(spec: &str) -> String {
    let dir = TempDir::with_files("ex", &[("spec.smithy", spec.to_string())]);
    match codegen::generate(dir.path(), &workspace_settings()) {
        Ok(_) => panic!("the spec was accepted:\n{spec}"),
        Err(report) => report.to_string(),
    }
}

/// `spec` with each `(from, to)` replacement made (each `from` must be in it).
fn edit(spec: &str, edits: &[(&str, &str)]) -> String {
    let mut spec = spec.to_string();
    for (from, to) in edits {
        assert!(spec.contains(from), "{from}");
        spec = spec.replacen(from, to, 1);
    }
    spec
}

const JSON_NAMES: &str = r#"$version: "2"
namespace ex

use aws.protocols#restJson1

@restJson1
service Svc {
    version: "1"
    operations: [PutThing]
}

@http(method: "POST", uri: "/things")
operation PutThing {
    input := {
        @required
        @jsonName("content-type")
        @length(max: 5)
        contentType: String

        choice: Choice
    }
    output := {
        @jsonName("Name")
        name: String
    }
}

union Choice {
    @jsonName("TEXT")
    text: String

    number: Integer
}
"#;

#[test]
fn json_names_key_members_in_serde_readers_and_tables() {
    let (files, warnings) = generate(JSON_NAMES);
    assert_eq!(warnings, "");
    let operation = &files["ex/operation/put_thing.rs"];
    // serde's rename is the key, in both directions.
    assert!(operation.contains(r#"serde(rename = "content-type"))] pub content_type: String"#), "{operation}");
    assert!(operation.contains(r#"serde(rename = "Name", default"#), "{operation}");
    // The generated writer writes the key, escaped as JSON text.
    assert!(operation.contains(r#"object.member("\"Name\":", value);"#), "{operation}");
    // The reader matches keys, not member names.
    assert!(operation.contains(r#"|name| match name { "content-type" => Some(0), "choice" => Some(1), _ => None, }"#));
    assert!(!operation.contains(r#""contentType""#), "{operation}");
    let types = &files["ex/types.rs"];
    assert!(types.contains(r#"serde(rename = "TEXT"))] Text(String)"#), "{types}");
    assert!(types.contains(r#"|name| match name { "TEXT" => Some(0), "number" => Some(1), _ => None, }"#), "{types}");
    // The tables keep the member's name (for paths) and add the key where
    // it differs.
    let validation = &files["ex/validation.rs"];
    for (name, key) in [("contentType", r#"Some("content-type")"#), ("choice", "None"), ("text", r#"Some("TEXT")"#)] {
        let entry = format!(r#"Member {{ name: "{name}", json_name: {key}, "#);
        assert!(validation.contains(&entry), "{entry} in {validation}");
    }

    // awsJson ignores @jsonName: keys are member names.
    let (files, _) = generate(
        &JSON_NAMES
            .replace("use aws.protocols#restJson1", "use aws.protocols#awsJson1_1")
            .replace("@restJson1", "@awsJson1_1"),
    );
    let operation = &files["ex/operation/put_thing.rs"];
    assert!(operation.contains(r#""contentType" => Some(0)"#) && !operation.contains("content-type"), "{operation}");
    assert!(!files["ex/validation.rs"].contains("Some(\"content-type\")"));
}

const BYTE_STREAMS: &str = r#"$version: "2"
namespace ex

use aws.protocols#restJson1

@restJson1
service Svc {
    version: "1"
    operations: [PutObject, GetObject]
}

@idempotent
@http(method: "PUT", uri: "/objects/{key}")
operation PutObject {
    input := {
        @required
        @httpLabel
        key: String

        @httpPayload
        body: Body = ""

        @httpHeader("X-Tag")
        tag: String
    }
}

@readonly
@http(method: "GET", uri: "/objects/{key}")
operation GetObject {
    input := {
        @required
        @httpLabel
        key: String
    }
    output := {
        @required
        @httpPayload
        data: Body

        @httpHeader("X-Tag")
        tag: String
    }
}

@streaming
blob Body
"#;

#[test]
fn streaming_blobs_are_byte_streams_outside_the_document() {
    let (files, warnings) = generate(BYTE_STREAMS);
    assert_eq!(warnings, "");
    let put = &files["ex/operation/put_object.rs"];
    // Never an `Option`, whether defaulted or required; skipped by serde,
    // and neither cloned nor compared (a stream is read once).
    assert!(put.contains(r#"serde(rename = "body", skip))] pub body: ByteStream,"#), "{put}");
    assert!(put.contains("#[derive(Debug)] #[cfg_attr(feature = \"full-serde\", derive(::serde::Serialize, ::serde::Deserialize))] pub struct PutObjectInput"), "{put}");
    // The reader leaves it empty; the body is the HTTP layer's to fill.
    assert!(put.contains(r#"|name| match name { "key" => Some(0), "tag" => Some(1), _ => None, }"#), "{put}");
    assert!(put.contains("body: Default::default(),"), "{put}");
    let get = &files["ex/operation/get_object.rs"];
    assert!(get.contains("#[derive(Debug, Default)] #[cfg_attr(feature = \"full-serde\", derive(::serde::Serialize, ::serde::Deserialize))] pub struct GetObjectOutput"), "{get}");
    // Its writer writes nothing of the stream.
    assert!(!get.contains(r#"member("\"data\":""#), "{get}");
    assert!(get.contains(r#"serde(rename = "data", skip))] pub data: ByteStream,"#), "{get}");
    // The input without a stream is as ever.
    assert!(get.contains("#[derive(Clone, Debug, PartialEq)] #[cfg_attr(feature = \"full-serde\", derive(::serde::Serialize, ::serde::Deserialize))] pub struct GetObjectInput"), "{get}");
    // No table lists a stream.
    let validation = &files["ex/validation.rs"];
    assert!(!validation.contains(r#"name: "body""#) && !validation.contains(r#"name: "data""#), "{validation}");
}

#[test]
fn streams_are_refused_where_smithy_refuses_them() {
    // Neither required nor defaulted.
    let report = refuse(&edit(BYTE_STREAMS, &[("body: Body = \"\"", "body: Body")]));
    assert!(
        report.contains(
            "ex#PutObjectInput$body: targets the @streaming blob ex#Body, but is neither @required nor defaulted"
        ),
        "{report}"
    );
    // A stream's default is empty.
    let report = refuse(&edit(BYTE_STREAMS, &[("body: Body = \"\"", "body: Body = \"YWJj\"")]));
    assert!(
        report.contains(
            "ex#PutObjectInput$body: defaults the @streaming blob ex#Body to bytes: a stream defaults to empty"
        ),
        "{report}"
    );
    // Held by a structure that a member targets, or by an error.
    let nested = "\nstructure Wrapper {\n    inner: GetObjectOutput\n}\n";
    let spec =
        edit(BYTE_STREAMS, &[("operations: [PutObject, GetObject]", "operations: [PutObject, GetObject, Wrap]")]);
    let spec = format!(
        "{spec}{nested}\n@http(method: \"POST\", uri: \"/wrap\")\noperation Wrap {{\n    output: Wrapper\n}}\n"
    );
    let report = refuse(&spec);
    assert!(
        report.contains(
            "ex#Wrapper$inner: targets ex#GetObjectOutput, which holds the stream `data`: a stream is a message's \
             whole body, so only an operation's input or output may hold one"
        ),
        "{report}"
    );
    let spec = format!(
        "{}\n@error(\"client\")\nstructure Oops {{\n    @required\n    @httpPayload\n    data: Body\n}}\n",
        edit(
            BYTE_STREAMS,
            &[("operations: [PutObject, GetObject]", "operations: [PutObject, GetObject]\n    errors: [Oops]")]
        )
    );
    let report = refuse(&spec);
    assert!(report.contains("ex#Svc$errors: lists the error ex#Oops, which holds the stream `data`"), "{report}");
    // awsJson has no payload to carry one: the operations are generated
    // (they were refused), not served, with a warning each.
    let (files, warnings) = generate(&edit(
        BYTE_STREAMS,
        &[("use aws.protocols#restJson1", "use aws.protocols#awsJson1_1"), ("@restJson1", "@awsJson1_1")],
    ));
    assert_eq!(warnings.matches("which its service's protocol has no HTTP payload to carry").count(), 2, "{warnings}");
    assert!(warnings.contains("ex#PutObject: has a byte stream (its input member `body`"), "{warnings}");
    let service = &files["ex/service.rs"];
    assert!(service.contains(r#""PutObject" => { not_implemented_response( PROTOCOL, "PutObject","#), "{service}");
}

/// A Smithy 1.0 model upgraded as Smithy's loader upgrades it: a member
/// that targets a `@streaming` blob and is not `@required` defaults to
/// empty (it was refused, as neither required nor defaulted); number
/// shapes have their zero default unless `@box`ed, members follow their
/// targets, and a `@box`ed member is nullable whatever its target.
#[test]
fn idl_1_0_models_are_upgraded_as_smithy_upgrades_them() {
    let spec = r#"$version: "1.0"
namespace ex

use aws.protocols#restJson1

@restJson1
service Svc {
    version: "1",
    operations: [PutObject]
}

@http(method: "PUT", uri: "/objects/{key}")
operation PutObject {
    input: PutObjectInput
}

structure PutObjectInput {
    @required
    @httpLabel
    key: String,

    @httpPayload
    body: Body,

    @httpHeader("x-count")
    count: Count,

    @box
    @httpHeader("x-boxed")
    boxed: Count,

    @httpHeader("x-maybe")
    maybe: MaybeCount,

    @httpHeader("x-prelude")
    prelude: Integer,
}

@streaming
blob Body

integer Count

@box
integer MaybeCount
"#;
    let (files, _) = generate(spec);
    let operation = &files["ex/operation/put_object.rs"];
    assert!(operation.contains("pub body: ByteStream,"), "{operation}");
    assert!(operation.contains("pub count: i32,"), "{operation}");
    assert!(operation.contains("pub boxed: Option<i32>,"), "{operation}");
    assert!(operation.contains("pub maybe: Option<i32>,"), "{operation}");
    assert!(operation.contains("pub prelude: Option<i32>,"), "{operation}");
}
