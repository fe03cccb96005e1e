//! The suites' cases, read straight from Smithy's IDL sources
//! (`models/smithy/protocol-tests/`) through the generator's own loader,
//! from the spec directories `cargo xtask codegen` generates the crates
//! from (`conformance/specs/`, whose `smithy-build.json` lists the sources).
//!
//! - [`protocol_cases`]: every `smithy.test#httpRequestTests` and
//!   `smithy.test#httpResponseTests` case of each service of a model, on the
//!   operations it binds (directly or through resources) and on the error
//!   structures those operations or the service list, for the service's
//!   protocol;
//! - [`validation_cases`]: the `smithy.test#httpMalformedRequestTests` of a
//!   model, `testParameters` expanded, with what a body-only (awsJson)
//!   generator can run derived from the operation's HTTP bindings, and the
//!   `smithy.test#httpRequestTests` on the same operations as requests that
//!   must be accepted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::model::ast::Shape;
use codegen::model::load::{LoadedModel, load_dir};
use serde_json::{Map, Value};

/// `smithy.test#httpRequestTests`.
pub const REQUEST_TESTS: &str = "smithy.test#httpRequestTests";
/// `smithy.test#httpResponseTests`.
pub const RESPONSE_TESTS: &str = "smithy.test#httpResponseTests";
/// `smithy.test#eventStreamTests`.
pub const EVENT_STREAM_TESTS: &str = "smithy.test#eventStreamTests";
/// `smithy.test#httpMalformedRequestTests`.
pub const MALFORMED_REQUEST_TESTS: &str = "smithy.test#httpMalformedRequestTests";

/// The traits that bind an input member to somewhere other than the body.
pub const HTTP_BINDINGS: &[(&str, &str)] = &[
    ("smithy.api#httpLabel", "the URI path"),
    ("smithy.api#httpQuery", "the query string"),
    ("smithy.api#httpQueryParams", "the query string"),
    ("smithy.api#httpHeader", "an HTTP header"),
    ("smithy.api#httpPrefixHeaders", "HTTP headers"),
];

/// A spec directory under `conformance/specs/` (`rest_json_validation`,
/// `protocol/aws_json_1_1`).
pub fn spec_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("specs").join(name)
}

/// The spec directory of the validation suite.
pub fn validation_spec() -> PathBuf {
    spec_dir("rest_json_validation")
}

/// The spec directories of the protocol tests, one per protocol.
pub fn protocol_specs() -> Vec<PathBuf> {
    vec![
        spec_dir("protocol/aws_json_1_0"),
        spec_dir("protocol/aws_json_1_1"),
        spec_dir("protocol/rest_json_1"),
        spec_dir("protocol/aws_query"),
        spec_dir("protocol/ec2_query"),
        spec_dir("protocol/rest_xml"),
        spec_dir("protocol/rest_xml_namespace"),
        spec_dir("protocol/rpc_v2_cbor"),
        spec_dir("protocol/rpc_v2_cbor_query_compatible"),
        spec_dir("protocol/rpc_v2_json"),
        // Our own cases of the RPC protocols' event streams.
        spec_dir("protocol/event_streams"),
    ]
}

/// Loads a spec directory; its sources are Smithy's and must load.
pub fn load(dir: &Path) -> LoadedModel {
    load_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// A path for messages: relative to the repository when it is inside it.
fn display_path(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("/"));
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// The shape `id` of the model, or of Smithy's built-in vocabularies.
fn shape<'a>(model: &'a LoadedModel, id: &str) -> Option<&'a Shape> {
    model.shapes.get(id).or_else(|| codegen::model::vocabulary::shapes().get(id)).map(|s| &s.shape)
}

/// The name part of a shape id (`Predict` of `ns#Predict`).
pub fn name_of(id: &str) -> &str {
    id.rsplit('#').next().unwrap_or(id)
}

/// The protocols `service` speaks: its traits whose definition is a
/// `@protocolDefinition`.
pub fn protocols(model: &LoadedModel, service: &Shape) -> Vec<String> {
    service
        .traits
        .keys()
        .filter(|id| shape(model, id).is_some_and(|d| d.traits.contains_key("smithy.api#protocolDefinition")))
        .cloned()
        .collect()
}

/// The operations `service` binds, itself and through its resources (and
/// theirs), each once, as the generator finds them.
pub fn operations(model: &LoadedModel, service: &str) -> Vec<String> {
    model.bound_operations(service)
}

/// The error structures `service` or its operations list, each once.
pub fn errors(model: &LoadedModel, service_id: &str, service: &Shape) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let from_operations =
        operations(model, service_id).into_iter().filter_map(|op| shape(model, &op)).flat_map(|op| op.errors.clone());
    for error in service.errors.iter().cloned().chain(from_operations) {
        if !out.contains(&error.target) {
            out.push(error.target);
        }
    }
    out
}

/// `value`, a value of shape `id` as parameters write it (members by
/// name), with each structure and union member under its `@jsonName`.
fn json_keys(model: &LoadedModel, id: &str, value: &Value, depth: usize) -> Value {
    let Some(shape) = shape(model, id).filter(|_| depth < 64) else { return value.clone() };
    let member = |m: &codegen::model::ast::Member, v: &Value| json_keys(model, &m.target, v, depth + 1);
    match (shape.kind.as_str(), value) {
        ("structure" | "union", Value::Object(entries)) => {
            let members = shape.members.as_ref().map(|m| m.0.as_slice()).unwrap_or_default();
            let renamed = entries.iter().map(|(k, v)| match members.iter().find(|(name, _)| name == k) {
                Some((_, m)) => {
                    let key = m.traits.get("smithy.api#jsonName").and_then(Value::as_str).unwrap_or(k);
                    (key.to_string(), member(m, v))
                }
                None => (k.clone(), v.clone()),
            });
            Value::Object(renamed.collect())
        }
        ("list" | "set", Value::Array(items)) => match &shape.member {
            Some(m) => Value::Array(items.iter().map(|v| member(m, v)).collect()),
            None => value.clone(),
        },
        ("map", Value::Object(entries)) => match &shape.value {
            Some(m) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), member(m, v))).collect()),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

/// Whether `media_type` is JSON (`application/json`, `...+json`).
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence.starts_with("application/x-amz-json")
}

/// The cases of one test trait on `shape_id`, as objects.
fn test_cases<'a>(model: &'a LoadedModel, shape_id: &str, trait_id: &str) -> &'a [Value] {
    shape(model, shape_id).and_then(|s| s.traits.get(trait_id)).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Every protocol test (`httpRequestTests`, `httpResponseTests`,
/// `eventStreamTests`) of every
/// service in `model`, for the service's protocol. Each is the test case's
/// own object with:
///
/// - `kind`: `httpRequestTests`, `httpResponseTests` or `eventStreamTests`;
/// - `shape`, `shape_type`: the operation or error structure that carries
///   it, and `operation` or `error`;
/// - `service`: the service's shape id;
/// - `operation_of_error`: for an error, the first operation of the
///   service that lists it (none when only the service lists it);
/// - `source_path`: the file that defines the shape;
/// - `http`, `http_of`: the `@http` trait of the operation that answers the
///   case (the operation, or `operation_of_error`), and that operation;
/// - `body_json`: the body parsed, when `bodyMediaType` is JSON or CBOR
///   (as a JSON value: [`crate::cbor_body`]).
///
/// A shape bound by two services carries its tests into both, each kept
/// only where its `protocol` is the service's.
pub fn protocol_cases(model: &LoadedModel) -> Vec<Value> {
    let mut cases = Vec::new();
    for (service_id, loaded) in &model.shapes {
        let service = &loaded.shape;
        if service.kind != "service" {
            continue;
        }
        let protocols = protocols(model, service);
        let operations = operations(model, service_id);
        let errors = errors(model, service_id, service);
        let shapes = operations.iter().map(|op| (op, "operation")).chain(errors.iter().map(|e| (e, "error")));
        for (shape_id, shape_type) in shapes {
            let traits: &[&str] = if shape_type == "operation" {
                &[REQUEST_TESTS, RESPONSE_TESTS, EVENT_STREAM_TESTS]
            } else {
                &[RESPONSE_TESTS]
            };
            let source_path = model.shapes.get(shape_id).map(|s| display_path(&s.file)).unwrap_or_default();
            let operation_of_error = (shape_type == "error")
                .then(|| {
                    operations
                        .iter()
                        .find(|op| shape(model, op).is_some_and(|o| o.errors.iter().any(|e| e.target == *shape_id)))
                })
                .flatten();
            for trait_id in traits {
                for case in test_cases(model, shape_id, trait_id) {
                    let Value::Object(fields) = case else { continue };
                    let protocol = fields.get("protocol").and_then(Value::as_str).unwrap_or_default();
                    if !protocols.iter().any(|p| p == protocol) {
                        continue;
                    }
                    let mut case = fields.clone();
                    case.insert("kind".into(), Value::from(name_of(trait_id)));
                    case.insert("shape".into(), Value::from(shape_id.as_str()));
                    case.insert("shape_type".into(), Value::from(shape_type));
                    case.insert("service".into(), Value::from(service_id.as_str()));
                    case.insert("source_path".into(), Value::from(source_path.as_str()));
                    if let Some(op) = operation_of_error {
                        case.insert("operation_of_error".into(), Value::from(op.as_str()));
                    }
                    // The `@http` of the operation that answers the case.
                    let answering = if shape_type == "operation" { Some(shape_id) } else { operation_of_error };
                    if let Some(op) = answering {
                        if let Some(http) = shape(model, op).and_then(|s| s.traits.get("smithy.api#http")) {
                            case.insert("http".into(), http.clone());
                            case.insert("http_of".into(), Value::from(op.as_str()));
                        }
                    }
                    // restJson1 keys members by `@jsonName`: an error's
                    // parameters (errors have no validation tables) are
                    // put under their keys here, from the model.
                    if shape_type == "error" && protocol == "aws.protocols#restJson1" {
                        if let Some(params) = fields.get("params") {
                            case.insert("params".into(), json_keys(model, shape_id, params, 0));
                        }
                    }
                    let media_type = fields.get("bodyMediaType").and_then(Value::as_str).unwrap_or_default();
                    if let Some(body) = fields.get("body").and_then(Value::as_str) {
                        let parsed = if is_json(media_type) {
                            serde_json::from_str::<Value>(body).ok()
                        } else if crate::cbor_body::is_cbor(media_type) && !body.is_empty() {
                            crate::cbor_body::from_base64(body)
                                .and_then(|bytes| crate::cbor_body::to_value(&bytes))
                                .ok()
                        } else {
                            None
                        };
                        if let Some(parsed) = parsed {
                            case.insert("body_json".into(), parsed);
                        }
                    }
                    cases.push(Value::Object(case));
                }
            }
        }
    }
    cases
}

/// What a malformed request's response body must say.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// `assertion.contents`, parsed: the exact exception (a JSON body).
    Contents(Value),
    /// `assertion.messageRegex`: a pattern the exception's `message` matches.
    MessageRegex(String),
    /// Neither, or contents that are not JSON: why.
    Unreadable(String),
}

/// One `httpMalformedRequestTests` case, parameters substituted.
#[derive(Clone, Debug)]
pub struct MalformedCase {
    /// The stem of the file that defines the operation (`malformed-length`).
    pub file: String,
    /// The case's id; `<id>_case<n>` for the n-th of a parameterised case.
    pub id: String,
    /// The operation's shape id.
    pub operation: String,
    /// The shape id of the service the operation is in.
    pub service: String,
    pub protocol: String,
    /// The test case object, every string substituted.
    pub case: Value,
    /// `request.body` parsed as JSON, if it is.
    pub body_json: Option<Value>,
    pub expected: Expected,
    /// Members of the operation's input bound somewhere other than the
    /// body: (member, binding trait id).
    pub http_bound: Vec<(String, String)>,
}

/// One `httpRequestTests` case on an operation of the validation suite: a
/// request that must be accepted, with the parameters it must read to.
#[derive(Clone, Debug)]
pub struct PositiveCase {
    pub file: String,
    pub id: String,
    pub operation: String,
    pub protocol: String,
    pub params: Value,
    pub body_json: Option<Value>,
    /// The request: the case itself (`method`, `uri`, `queryParams`,
    /// `headers`, `body`).
    pub request: Value,
}

/// The validation suite's cases, negative and positive, ordered by file,
/// then operation, then as the model lists them.
#[derive(Clone, Debug, Default)]
pub struct ValidationCases {
    pub malformed: Vec<MalformedCase>,
    pub positive: Vec<PositiveCase>,
}

/// Malformed-request cases corrected before they run, and why: each is
/// formatted as though it had `testParameters` (with none), so that its
/// `$$` reads `$`.
pub const ERRATA: &[(&str, &str)] = &[(
    "RestJsonMalformedPatternReDOSString",
    "its expected message writes the pattern `^([0-9]+)+$$`, escaped for formatting, but the case has no \
     testParameters, so Smithy never formats it; read literally it contradicts the model's pattern \
     `^([0-9]+)+$` (smithy-lang/smithy#1506; smithy-rs patches the case too)",
)];

/// Every `httpMalformedRequestTests` case (parameters expanded) and
/// `httpRequestTests` case on the operations of `model`'s services.
pub fn validation_cases(model: &LoadedModel) -> Result<ValidationCases, String> {
    let mut bound: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (service, _) in model.shapes.iter().filter(|(_, s)| s.shape.kind == "service") {
        for op in operations(model, service) {
            let file = model.shapes.get(&op).map(|s| s.file.clone()).unwrap_or_default();
            let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            bound.insert((stem, op, service.clone()));
        }
    }
    let mut cases = ValidationCases::default();
    for (file, op, service) in bound {
        let http_bound = http_bound_members(model, &op);
        for case in test_cases(model, &op, MALFORMED_REQUEST_TESTS) {
            for (id, mut expanded) in expand(case)? {
                if ERRATA.iter().any(|(erratum, _)| *erratum == id) {
                    substitute(&mut expanded, &BTreeMap::new()).map_err(|e| format!("{id}: {e}"))?;
                }
                let mut case = malformed_case(&file, &op, (id, expanded), http_bound.clone())?;
                case.service = service.clone();
                cases.malformed.push(case);
            }
        }
        for case in test_cases(model, &op, REQUEST_TESTS) {
            let body = case["body"].as_str().unwrap_or_default();
            let json = case["bodyMediaType"].as_str().is_none_or(is_json);
            cases.positive.push(PositiveCase {
                file: file.clone(),
                id: string(case, "id")?,
                operation: op.clone(),
                protocol: string(case, "protocol")?,
                params: case.get("params").cloned().unwrap_or(Value::Object(Map::new())),
                body_json: if json { serde_json::from_str(body).ok() } else { None },
                request: case.clone(),
            });
        }
    }
    Ok(cases)
}

fn string(case: &Value, field: &str) -> Result<String, String> {
    case[field].as_str().map(str::to_string).ok_or_else(|| format!("a test case without `{field}`: {case}"))
}

/// The members of `operation`'s input bound outside the body.
fn http_bound_members(model: &LoadedModel, operation: &str) -> Vec<(String, String)> {
    let input = shape(model, operation).and_then(|op| op.input.as_ref()).and_then(|i| shape(model, &i.target));
    let members = input.and_then(|i| i.members.as_ref());
    let mut out = Vec::new();
    for (name, member) in members.into_iter().flat_map(|m| m.iter()) {
        if let Some((binding, _)) = HTTP_BINDINGS.iter().find(|(id, _)| member.traits.contains_key(*id)) {
            out.push((name.to_string(), binding.to_string()));
        }
    }
    out
}

fn malformed_case(
    file: &str,
    operation: &str,
    (id, case): (String, Value),
    http_bound: Vec<(String, String)>,
) -> Result<MalformedCase, String> {
    let body = case["request"]["body"].as_str();
    let body_json = body.and_then(|b| serde_json::from_str(b).ok());
    let assertion = &case["response"]["body"]["assertion"];
    let media_type = case["response"]["body"]["mediaType"].as_str().unwrap_or("application/json");
    let expected = if let Some(contents) = assertion["contents"].as_str() {
        match serde_json::from_str(contents) {
            Ok(value) if is_json(media_type) => Expected::Contents(value),
            Ok(_) => Expected::Unreadable(format!("the expected body is {media_type}, not JSON")),
            Err(e) => Expected::Unreadable(format!("the expected body is not JSON ({e}): {contents}")),
        }
    } else if let Some(regex) = assertion["messageRegex"].as_str() {
        Expected::MessageRegex(regex.to_string())
    } else {
        Expected::Unreadable("the case asserts nothing about the response body".to_string())
    };
    Ok(MalformedCase {
        file: file.to_string(),
        id,
        operation: operation.to_string(),
        service: String::new(),
        protocol: string(&case, "protocol")?,
        case,
        body_json,
        expected,
        http_bound,
    })
}

/// A malformed-request case as the cases it stands for, as Smithy's own
/// expansion makes them: a case without `testParameters` as it is, not
/// formatted; otherwise one per position of its `testParameters` lists
/// (which must be of equal length), each with `$name:L` (the value) and
/// `$name:S` (the value as a quoted string) substituted in every string of
/// the case and `$$` read as `$`. The n-th is `<id>_case<n>`.
pub fn expand(case: &Value) -> Result<Vec<(String, Value)>, String> {
    let id = string(case, "id")?;
    let Some(parameters) = case.get("testParameters").and_then(Value::as_object).filter(|p| !p.is_empty()) else {
        return Ok(vec![(id, case.clone())]);
    };
    let mut lists: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, values) in parameters {
        let values: Option<Vec<&str>> = values.as_array().and_then(|v| v.iter().map(Value::as_str).collect());
        let values = values.ok_or_else(|| format!("{id}: testParameters.{name} is not a list of strings"))?;
        lists.insert(name, values);
    }
    let lengths: BTreeSet<usize> = lists.values().map(Vec::len).collect();
    let [count] = lengths.into_iter().collect::<Vec<_>>()[..] else {
        return Err(format!("{id}: the testParameters lists differ in length"));
    };
    let mut out = Vec::new();
    for n in 0..count {
        let values: BTreeMap<&str, &str> = lists.iter().map(|(name, v)| (*name, v[n])).collect();
        let mut expanded = case.clone();
        if let Value::Object(fields) = &mut expanded {
            fields.remove("testParameters");
            for value in fields.values_mut() {
                substitute(value, &values).map_err(|e| format!("{id}: {e}"))?;
            }
            fields.insert("id".into(), Value::from(format!("{id}_case{n}")));
        }
        out.push((format!("{id}_case{n}"), expanded));
    }
    Ok(out)
}

/// Formats every string in `value` with `parameters`.
fn substitute(value: &mut Value, parameters: &BTreeMap<&str, &str>) -> Result<(), String> {
    match value {
        Value::String(text) => *text = format(text, parameters)?,
        Value::Array(items) => {
            for item in items {
                substitute(item, parameters)?;
            }
        }
        Value::Object(fields) => {
            for item in fields.values_mut() {
                substitute(item, parameters)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `$name:L` as the value, `$name:S` as a JSON string, `$$` as `$`.
fn format(text: &str, parameters: &BTreeMap<&str, &str>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let name = &rest[..end];
        let Some(value) = parameters.get(name) else {
            return Err(format!("`${name}` names no test parameter in {text:?}"));
        };
        rest = &rest[end..];
        let (formatted, after) = match rest.as_bytes() {
            [b':', b'L', ..] => (value.to_string(), &rest[2..]),
            [b':', b'S', ..] => (Value::from(*value).to_string(), &rest[2..]),
            _ => return Err(format!("`${name}` without a format (`:L` or `:S`) in {text:?}")),
        };
        out.push_str(&formatted);
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_formatted() {
        let parameters = BTreeMap::from([("value", "a\"b"), ("n", "2")]);
        assert_eq!(
            format(r#"{ "x": $value:S, "n": $n:L } ^a$$"#, &parameters).unwrap(),
            r#"{ "x": "a\"b", "n": 2 } ^a$"#
        );
        assert!(format("$other:L", &parameters).is_err());
        assert!(format("$value", &parameters).is_err());
    }

    #[test]
    fn expansion_names_each_case() {
        let case = serde_json::json!({
            "id": "T", "protocol": "p",
            "request": {"body": "$v:S"},
            "testParameters": {"v": ["x", "y"]},
        });
        let expanded = expand(&case).unwrap();
        assert_eq!(expanded.len(), 2);
        assert_eq!(expanded[1].0, "T_case1");
        assert_eq!(expanded[1].1["request"]["body"], "\"y\"");
        assert!(expanded[1].1.get("testParameters").is_none());
        let uneven = serde_json::json!({"id": "T", "testParameters": {"a": ["1"], "b": []}});
        assert!(expand(&uneven).is_err());
    }
}
