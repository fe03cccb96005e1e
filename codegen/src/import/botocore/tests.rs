//! One test per converted botocore feature, each on an excerpt of a real
//! model: botocore 1.43.11 (Apache-2.0), `botocore/data/<service>/<version>/
//! service-2.json.gz`, with documentation left out. The larger excerpts are
//! in `codegen/tests/fixtures/botocore/`.

use serde_json::{Value, json};

use super::to_smithy;

/// A botocore model of `operations` and `shapes` whose metadata is
/// `metadata` over that of a plain awsJson1.1 service.
fn model(metadata: Value, operations: Value, shapes: Value) -> Value {
    let mut meta = json!({
        "apiVersion": "2020-01-01",
        "endpointPrefix": "example",
        "jsonVersion": "1.1",
        "protocol": "json",
        "protocols": ["json"],
        "serviceFullName": "Example",
        "serviceId": "Example",
        "signatureVersion": "v4",
        "targetPrefix": "Example_20200101",
        "uid": "example-2020-01-01",
        "auth": ["aws.auth#sigv4"]
    });
    for (key, value) in metadata.as_object().unwrap() {
        meta[key] = value.clone();
    }
    json!({"version": "2.0", "metadata": meta, "operations": operations, "shapes": shapes, "documentation": ""})
}

/// The Smithy JSON AST `to_smithy` makes of `model`.
fn convert(model: &Value) -> Value {
    let (text, _) = to_smithy("test", &model.to_string()).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap()
}

/// The error `to_smithy` gives for `model`.
fn refuse(model: &Value) -> String {
    match to_smithy("test", &model.to_string()) {
        Ok(_) => panic!("the model converts"),
        Err(e) => e.to_string(),
    }
}

/// The shape `name` of the `com.amazonaws.example` namespace.
fn shape<'a>(smithy: &'a Value, name: &str) -> &'a Value {
    let id = format!("com.amazonaws.example#{name}");
    smithy["shapes"].get(&id).unwrap_or_else(|| panic!("no shape {id}"))
}

#[test]
fn a_dotted_target_prefix_names_the_service_after_its_last_segment() {
    // cloudtrail/2013-11-01: the metadata.
    let metadata = json!({
        "apiVersion": "2013-11-01",
        "endpointPrefix": "cloudtrail",
        "jsonVersion": "1.1",
        "protocol": "json",
        "protocols": ["json"],
        "serviceAbbreviation": "CloudTrail",
        "serviceFullName": "AWS CloudTrail",
        "serviceId": "CloudTrail",
        "signatureVersion": "v4",
        "targetPrefix": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
        "uid": "cloudtrail-2013-11-01",
        "auth": ["aws.auth#sigv4"]
    });
    let smithy = convert(&model(metadata, json!({}), json!({})));
    let shapes = smithy["shapes"].as_object().unwrap();
    assert_eq!(shapes.keys().collect::<Vec<_>>(), ["com.amazonaws.cloudtrail#CloudTrail_20131101"]);
    assert_eq!(shapes["com.amazonaws.cloudtrail#CloudTrail_20131101"]["type"], "service");
}

#[test]
fn an_undotted_target_prefix_is_the_service_name() {
    let smithy = convert(&model(json!({}), json!({}), json!({})));
    assert_eq!(shape(&smithy, "Example_20200101")["version"], "2020-01-01");
}

#[test]
fn a_target_prefix_that_is_no_identifier_is_refused() {
    let error = refuse(&model(json!({"targetPrefix": "Example-2020"}), json!({}), json!({})));
    assert!(error.contains("\"Example-2020\"") && error.contains("not a Smithy identifier"), "{error}");
}
