//! OpenAPI 3.1 documents of restJson1 services (`codegen::openapi`): every
//! document of real models passes a real validator (Python's
//! `openapi-spec-validator`, which `.ci/run` installs), the fixture's
//! document says what its model says, place by place, and the same model
//! gives the same bytes.

use crate::common::{self, TempDir};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// The fixture's spec directory.
fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi")
}

/// The fixture service's document.
fn fixture() -> Value {
    let openapi = codegen::openapi(&fixture_dir()).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&openapi.documents["example.widgets#Widgets"]).unwrap()
}

/// The documents of a spec directory under the workspace root.
fn documents(spec: &str) -> BTreeMap<String, String> {
    let openapi = codegen::openapi(&common::root().join(spec)).unwrap_or_else(|e| panic!("{spec}: {e}"));
    assert!(!openapi.documents.is_empty(), "{spec}: no documents");
    openapi.documents
}

/// What `openapi-spec-validator` says is wrong with each of `documents`
/// that it refuses, by id.
fn validation_errors(documents: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let installed = Command::new("python3").args(["-c", "import openapi_spec_validator"]).status();
    assert!(
        installed.is_ok_and(|status| status.success()),
        "Python's openapi-spec-validator must be installed (.ci/run installs it: \
         python3 -m pip install openapi-spec-validator): this test validates the OpenAPI documents with it"
    );
    let dir = TempDir::new("openapi");
    let mut errors = BTreeMap::new();
    for (id, text) in documents {
        let file = dir.path().join(format!("{}.json", id.replace(['#', '.'], "_")));
        std::fs::write(&file, text).unwrap();
        let output = Command::new("python3")
            .args(["-m", "openapi_spec_validator", "--schema", "3.1", "--validation-errors", "all"])
            .arg(&file)
            .output()
            .unwrap();
        if !output.status.success() {
            let said = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
            errors.insert(id.clone(), said.into_owned());
        }
    }
    errors
}

fn assert_valid(documents: &BTreeMap<String, String>) {
    let errors = validation_errors(documents);
    assert!(errors.is_empty(), "invalid OpenAPI documents: {errors:#?}");
}

/// The validator is no formality: a document that refers to a schema it
/// does not have fails.
#[test]
fn the_validator_refuses_a_broken_document() {
    let openapi = codegen::openapi(&fixture_dir()).unwrap_or_else(|e| panic!("{e}"));
    let mut document: Value = serde_json::from_str(&openapi.documents["example.widgets#Widgets"]).unwrap();
    document["components"]["schemas"].as_object_mut().unwrap().remove("Widget");
    let documents = BTreeMap::from([("broken".to_string(), document.to_string())]);
    let errors = validation_errors(&documents);
    assert!(errors["broken"].contains("/components/schemas/Widget"), "{errors:#?}");
}

#[test]
fn lambda_documents_are_valid() {
    let documents = documents("examples/lambda/specs");
    assert_eq!(documents.keys().collect::<Vec<_>>(), ["com.amazonaws.lambda#AWSGirApiService"]);
    let document: Value = serde_json::from_str(&documents["com.amazonaws.lambda#AWSGirApiService"]).unwrap();
    let operations: usize =
        document["paths"].as_object().unwrap().values().map(|item| item.as_object().unwrap().len()).sum();
    assert_eq!(operations, 16, "every operation of the slice has a route");
    assert_valid(&documents);
}

/// Every restJson1 service of Smithy's protocol tests: each binding,
/// payload, error and shape the protocol tests exercise.
#[test]
fn protocol_test_documents_are_valid() {
    let documents = documents("conformance/specs/protocol/rest_json_1");
    assert_valid(&documents);
}

/// AWS Lambda's whole model, event streams included.
#[test]
fn aws_lambda_document_is_valid() {
    let files: codegen::SpecFiles =
        [("lambda.json".to_string(), common::model("aws/lambda-2015-03-31.json.gz"))].into();
    let openapi = codegen::openapi_files(Path::new("lambda"), &files).unwrap_or_else(|e| panic!("{e}"));
    let text = &openapi.documents["com.amazonaws.lambda#AWSGirApiService"];
    let document: Value = serde_json::from_str(text).unwrap();
    let stream = at(
        &document,
        "/paths/~12021-11-15~1functions~1{FunctionName}~1response-streaming-invocations/post/responses/200/content",
    );
    assert_eq!(
        stream["application/vnd.amazon.eventstream"]["schema"]["x-smithy-event-stream"],
        "#/components/schemas/InvokeWithResponseStreamResponseEvent"
    );
    assert!(at(&document, "/components/schemas").get("InvokeWithResponseStreamResponseEvent").is_some());
    assert_valid(&openapi.documents);
}

#[test]
fn fixture_document_is_valid() {
    let openapi = codegen::openapi(&fixture_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&openapi.documents);
}

#[test]
fn documents_are_the_same_bytes_every_time() {
    for spec in ["examples/lambda/specs", "conformance/specs/protocol/rest_json_1"] {
        assert_eq!(documents(spec), documents(spec), "{spec}");
    }
    let files: codegen::SpecFiles =
        [("widgets.smithy".to_string(), std::fs::read_to_string(fixture_dir().join("widgets.smithy")).unwrap())].into();
    let in_memory = codegen::openapi_files(&fixture_dir(), &files).unwrap();
    assert_eq!(in_memory.documents, codegen::openapi(&fixture_dir()).unwrap().documents);
}

#[test]
fn fixture_snapshot() {
    let openapi = codegen::openapi(&fixture_dir()).unwrap_or_else(|e| panic!("{e}"));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("openapi__widgets", &openapi.documents["example.widgets#Widgets"]);
    });
}

/// Specs without a restJson1 service have no document; other services are
/// skipped with a warning.
#[test]
fn only_rest_json_services_have_documents() {
    let aws_json = r#"$version: "2"
namespace example.queue
use aws.protocols#awsJson1_0
@awsJson1_0
service Queue { version: "1", operations: [Ping] }
operation Ping {}
"#;
    let files: codegen::SpecFiles = [("queue.smithy".to_string(), aws_json.to_string())].into();
    let error = codegen::openapi_files(Path::new("queue"), &files).unwrap_err();
    assert!(error.to_string().contains("no restJson1 service"), "{error}");

    let mut files = files;
    files.insert("widgets.smithy".into(), std::fs::read_to_string(fixture_dir().join("widgets.smithy")).unwrap());
    let openapi = codegen::openapi_files(Path::new("both"), &files).unwrap();
    assert_eq!(openapi.documents.keys().collect::<Vec<_>>(), ["example.widgets#Widgets"]);
    let skipped: Vec<_> =
        openapi.warnings.warnings().filter(|w| w.id == Some(codegen::WarningKind::OpenApiServiceSkipped)).collect();
    assert_eq!(skipped.len(), 1, "{}", openapi.warnings);
    assert_eq!(skipped[0].shape.as_deref(), Some("example.queue#Queue"));
}

/// The value at a JSON pointer, which must exist.
fn at<'a>(document: &'a Value, pointer: &str) -> &'a Value {
    document.pointer(pointer).unwrap_or_else(|| panic!("nothing at {pointer}"))
}

/// A parameter of an operation, by where it is and its name.
fn parameter<'a>(operation: &'a Value, location: &str, name: &str) -> &'a Value {
    let parameters = operation["parameters"].as_array().expect("parameters");
    parameters
        .iter()
        .find(|p| p["in"] == location && p["name"] == name)
        .unwrap_or_else(|| panic!("no {location} parameter {name} in {parameters:#?}"))
}

#[test]
fn fixture_says_what_the_model_says() {
    let doc = fixture();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["info"],
        json!({ "title": "Widget Catalogue", "version": "2024-06-01", "description": "Widgets, made to order." })
    );

    // SigV4, as smithy-openapi describes it.
    let sigv4 = at(&doc, "/components/securitySchemes/aws.auth.sigv4");
    assert_eq!(sigv4["type"], "apiKey");
    assert_eq!(sigv4["in"], "header");
    assert_eq!(sigv4["name"], "Authorization");
    assert_eq!(sigv4["x-amazon-apigateway-authtype"], "awsSigv4");
    assert_eq!(doc["security"], json!([{ "aws.auth.sigv4": [] }]));

    // The route, and its labels, query parameters and headers.
    let put = at(&doc, "/paths/~1widgets~1{widgetId}/put");
    assert_eq!(put["operationId"], "PutWidget");
    assert_eq!(put["summary"], "Creates or replaces a widget.");
    assert_eq!(put["description"], "Creates or replaces a widget. The widget's parts must be distinct.");
    let label = parameter(put, "path", "widgetId");
    assert_eq!(label["required"], true);
    assert_eq!(label["schema"], json!({ "type": "string", "pattern": "^w-[0-9a-f]{8}$" }));
    assert_eq!(label["description"], "A widget's id.");
    let tags = parameter(put, "query", "tag");
    assert_eq!((&tags["style"], &tags["explode"]), (&json!("form"), &json!(true)));
    assert_eq!(tags["schema"], json!({ "$ref": "#/components/schemas/TagList" }));
    assert_eq!(tags["description"], "Tags, repeated in the query string.");
    assert!(tags.get("required").is_none());
    let options = parameter(put, "query", "options");
    assert_eq!((&options["style"], &options["explode"]), (&json!("form"), &json!(true)));
    assert_eq!(
        at(&doc, "/components/schemas/StringMap"),
        &json!({ "type": "object", "additionalProperties": { "type": "string" } })
    );
    let colors = parameter(put, "header", "X-Colors");
    assert_eq!(colors["style"], "simple");
    assert_eq!(
        at(&doc, "/components/schemas/ColorList"),
        &json!({ "type": "array", "items": { "$ref": "#/components/schemas/Color" } })
    );
    // A header's timestamp is an HTTP date, unless the model says otherwise.
    assert_eq!(parameter(put, "header", "X-Made-At")["schema"], json!({ "type": "string", "format": "http-date" }));
    assert_eq!(at(put, "/x-smithy-prefix-headers/x-meta-/member"), "metadata");

    // The body: the members bound nowhere else, under their JSON names.
    assert_eq!(at(put, "/requestBody/required"), true);
    assert_eq!(
        at(put, "/requestBody/content/application~1json/schema"),
        &json!({ "$ref": "#/components/schemas/PutWidgetRequestContent" })
    );
    let body = at(&doc, "/components/schemas/PutWidgetRequestContent");
    assert_eq!(body["required"], json!(["display_name"]));
    let properties = body["properties"].as_object().unwrap();
    for bound in ["widgetId", "tags", "options", "colors", "madeAt", "metadata"] {
        assert!(!properties.contains_key(bound), "{bound} is bound elsewhere, not in the body");
    }
    assert_eq!(properties["display_name"], json!({ "type": "string", "minLength": 1, "maxLength": 64 }));
    assert_eq!(
        properties["size"],
        json!({ "type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 10 })
    );
    assert_eq!(properties["color"], json!({ "$ref": "#/components/schemas/Color", "default": "RED" }));
    // An enum's values, their docs after its own.
    assert_eq!(
        at(&doc, "/components/schemas/Color"),
        &json!({
            "type": "string",
            "enum": ["RED", "green", "BLUE"],
            "description": "Values:\n\n- `green`: A deep green.\n- `BLUE`: Deprecated.",
        })
    );
    assert_eq!(properties["priority"], json!({ "type": "integer", "format": "int32", "enum": [1, 2] }));
    // Timestamps in the body: epoch seconds by default, else their format.
    assert_eq!(properties["updatedAt"], json!({ "type": "number" }));
    assert_eq!(properties["createdAt"], json!({ "type": "string", "format": "date-time" }));
    assert_eq!(properties["inspectedAt"], json!({ "type": "string", "format": "http-date" }));
    assert_eq!(
        at(&doc, "/components/schemas/PartList"),
        &json!({ "type": "array", "items": { "type": "string" }, "uniqueItems": true, "maxItems": 10 })
    );
    assert_eq!(
        at(&doc, "/components/schemas/SparseLabels"),
        &json!({ "type": "array", "items": { "type": ["string", "null"] } })
    );
    assert_eq!(
        at(&doc, "/components/schemas/Dimensions"),
        &json!({
            "type": "object",
            "description": "Named sizes, in millimetres.",
            "minProperties": 1,
            "propertyNames": { "type": "string", "pattern": "^[a-z]+$" },
            "additionalProperties": { "type": ["integer", "null"], "format": "int32" },
        })
    );
    assert_eq!(properties["legacyCode"], json!({ "type": "string", "deprecated": true }));
    assert_eq!(properties["secret"], json!({ "type": "string", "x-smithy-sensitive": true }));
    assert_eq!(properties["weight"], json!({ "type": "number", "format": "double" }));
    assert_eq!(properties["count"], json!({ "type": "integer" }));
    assert_eq!(properties["price"], json!({ "type": "number" }));
    assert_eq!(properties["attributes"], json!({}));
    // A blob is base64: its byte bounds exactly, and as the text's.
    assert_eq!(
        properties["thumbnail"],
        json!({
            "type": "string",
            "contentEncoding": "base64",
            "minLength": 4,
            "maxLength": 1368,
            "x-smithy-length": { "min": 1, "max": 1024 },
        })
    );
    // A place's own constraint replaces its target's: the list is inline.
    assert_eq!(
        properties["shortTags"],
        json!({
            "type": "array",
            "items": { "type": "string" },
            "maxItems": 3,
            "description": "Its own bound replaces the list's (there is none).",
        })
    );
    assert_eq!(
        at(&doc, "/components/schemas/SparseOutlines/additionalProperties"),
        &json!({ "oneOf": [{ "$ref": "#/components/schemas/Outline" }, { "type": "null" }] })
    );
    // A default the place's own range refuses is kept aside.
    assert_eq!(properties["retries"]["x-smithy-default"], 0);
    assert!(properties["retries"].get("default").is_none());
    // Patterns in ECMA-262's Unicode mode, the model's text beside where
    // that differs.
    assert_eq!(properties["code"]["pattern"], r"^[\w\-.]+$");
    assert_eq!(properties["code"]["x-smithy-pattern"], r"^[\w-.]+$");
    assert_eq!(properties["consonants"]["pattern"], "^(?:(?=[a-z])[^aeiou])+$");
    assert_eq!(properties["consonants"]["x-smithy-pattern"], "^[a-z&&[^aeiou]]+$");
    assert!(properties["display_name"].get("x-smithy-pattern").is_none());

    // A union: exactly one member, each an object of its one key.
    assert_eq!(properties["shape"], json!({ "$ref": "#/components/schemas/Outline" }));
    let outline = at(&doc, "/components/schemas/Outline");
    assert_eq!(outline["description"], "The widget's outline.");
    assert_eq!(
        outline["oneOf"][1],
        json!({
            "type": "object",
            "title": "rectangle",
            "properties": { "rectangle": { "$ref": "#/components/schemas/Rectangle" } },
            "required": ["rectangle"],
        })
    );
    assert_eq!(outline["oneOf"][2]["properties"]["none"], json!({ "type": "object" }));
    // A recursive structure refers to itself.
    let widget = at(&doc, "/components/schemas/Widget");
    assert_eq!(widget["required"], json!(["id"]));
    assert_eq!(
        widget["properties"]["parent"],
        json!({ "$ref": "#/components/schemas/Widget", "description": "The widget this one was made from." })
    );
    assert!(widget["properties"].get("display_name").is_some());

    // The success response: its status, headers and body.
    let created = at(put, "/responses/201");
    assert_eq!(created["headers"]["ETag"]["schema"], json!({ "type": "string" }));
    assert_eq!(created["x-smithy-response-code-member"], "status");
    assert_eq!(
        at(created, "/content/application~1json/schema"),
        &json!({ "$ref": "#/components/schemas/PutWidgetResponseContent" })
    );
    let output = at(&doc, "/components/schemas/PutWidgetResponseContent/properties");
    assert_eq!(output.as_object().unwrap().keys().collect::<Vec<_>>(), ["widget"]);

    // Errors by status: @httpError's, else 400 and 500 by fault; several
    // of one status as an anyOf; X-Amzn-Errortype names them.
    let responses = put["responses"].as_object().unwrap();
    assert_eq!(responses.keys().collect::<Vec<_>>(), ["201", "400", "404", "409", "500"]);
    let bad = &responses["400"];
    assert_eq!(bad["description"], "InvalidWidget, QuotaExceeded");
    assert_eq!(bad["headers"]["X-Amzn-Errortype"]["schema"]["enum"], json!(["InvalidWidget", "QuotaExceeded"]));
    assert_eq!(
        at(bad, "/content/application~1json/schema/anyOf"),
        &json!([
            { "$ref": "#/components/schemas/InvalidWidgetResponseContent" },
            { "$ref": "#/components/schemas/QuotaExceededResponseContent" },
        ])
    );
    assert_eq!(
        at(&doc, "/components/schemas/InvalidWidgetResponseContent"),
        &json!({
            "type": "object",
            "description": "The widget was refused.",
            "properties": { "message": { "type": "string" } },
            "required": ["message"],
        })
    );
    let conflict = &responses["409"];
    assert_eq!(conflict["headers"]["X-Amzn-Errortype"]["schema"]["enum"], json!(["WidgetConflict"]));
    assert_eq!(conflict["headers"]["X-Conflicting-Id"]["schema"]["pattern"], "^w-[0-9a-f]{8}$");
    let conflict_body = at(&doc, "/components/schemas/WidgetConflictResponseContent/properties");
    assert_eq!(conflict_body.as_object().unwrap().keys().collect::<Vec<_>>(), ["message"]);
    assert_eq!(responses["500"]["headers"]["X-Amzn-Errortype"]["schema"]["enum"], json!(["ServiceFault"]));

    // Operations told apart by their query literals: each under its path
    // with them, the literal a required parameter of that value.
    let full = at(&doc, "/paths/~1widgets~1{widgetId}?view=full/get");
    assert_eq!(full["operationId"], "GetWidget");
    assert_eq!(parameter(full, "query", "view")["schema"], json!({ "type": "string", "const": "full" }));
    assert_eq!(parameter(full, "query", "view")["required"], true);
    assert_eq!(at(&doc, "/paths/~1widgets~1{widgetId}?view=summary/get/operationId"), "GetWidgetSummary");
    // A structure payload is the JSON body; a string payload is text.
    assert_eq!(
        at(full, "/responses/200/content/application~1json/schema"),
        &json!({ "$ref": "#/components/schemas/Widget" })
    );
    let summary = at(&doc, "/paths/~1widgets~1{widgetId}?view=summary/get/responses/200/content");
    assert_eq!(summary, &json!({ "text/plain": { "schema": { "type": "string" } } }));

    // A template that differs from another only in its label's name is
    // the same path to OpenAPI: the label takes the other's name.
    let delete = at(&doc, "/paths/~1widgets~1{widgetId}/delete");
    assert_eq!(delete["operationId"], "DeleteWidget");
    assert_eq!(parameter(delete, "path", "widgetId")["required"], true);
    assert!(doc["paths"].get("/widgets/{widget}").is_none());

    // A greedy label, and a blob payload as its media type.
    let upload = at(&doc, "/paths/~1drawings~1{path}/put");
    assert_eq!(parameter(upload, "path", "path")["x-smithy-greedy-label"], true);
    assert_eq!(at(upload, "/requestBody/required"), true);
    assert_eq!(
        at(upload, "/requestBody/content"),
        &json!({ "image/png": { "schema": { "type": "string", "format": "binary", "x-smithy-length": { "max": 1048576 } } } })
    );
    // Without output, the success response is bare; service errors still apply.
    assert_eq!(at(upload, "/responses/200"), &json!({ "description": "UploadDrawing 200 response" }));
    assert!(upload["responses"].get("500").is_some());

    // Query parameters: a range, and a timestamp as a date-time.
    let list = at(&doc, "/paths/~1widgets/get");
    assert_eq!(
        parameter(list, "query", "maxResults")["schema"],
        json!({ "type": "integer", "format": "int32", "minimum": 1, "maximum": 50 })
    );
    assert_eq!(parameter(list, "query", "since")["schema"], json!({ "type": "string", "format": "date-time" }));
    assert_eq!(
        at(&doc, "/components/schemas/ListWidgetsResponseContent"),
        &json!({
            "type": "object",
            "properties": { "widgets": { "$ref": "#/components/schemas/WidgetList" } },
            "required": ["widgets"],
        })
    );
}
