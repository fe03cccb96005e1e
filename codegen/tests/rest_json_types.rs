//! What restJson1 models need of the generated types, each shown on a
//! small spec: `@jsonName` keys.

mod common;

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
    assert!(operation.contains(r#"#[serde(rename = "Name", default"#), "{operation}");
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
