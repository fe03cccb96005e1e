//! botocore's JSON service models (`service-2.json`, as shipped in
//! botocore's data directory) converted to Smithy 2.0 JSON AST, faithfully:
//! every field botocore gives is either converted or known to carry nothing
//! a server needs; any other field is an error, never dropped in silence.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Number, Value, json};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::ast::OrderedMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Model {
    metadata: Metadata,
    operations: OrderedMap<Operation>,
    shapes: OrderedMap<Shape>,
    documentation: Option<String>,
    #[allow(dead_code)]
    version: Option<String>,
    /// Request and response samples by operation (older models keep them
    /// here rather than in `examples-1.json`): documentation only, which a
    /// server never reads.
    #[allow(dead_code)]
    examples: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    api_version: String,
    endpoint_prefix: String,
    json_version: Option<String>,
    protocol: String,
    /// The protocols the service speaks, in the order clients prefer them.
    protocols: Option<Vec<String>>,
    /// `{"h2": "eventstream"}`: event streams need HTTP/2 (Kinesis).
    protocol_settings: Option<BTreeMap<String, String>>,
    service_full_name: Option<String>,
    service_id: Option<String>,
    signing_name: Option<String>,
    signature_version: Option<String>,
    /// The service's auth schemes, in the order clients prefer them.
    auth: Option<Vec<String>>,
    target_prefix: Option<String>,
    /// The service answers with awsQuery error codes too (SQS).
    aws_query_compatible: Option<BTreeMap<String, Value>>,
    /// The namespace of the XML protocols' documents (`@xmlNamespace`).
    xml_namespace: Option<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

/// Metadata fields that carry nothing a server needs, and why.
const METADATA_IGNORED: &[(&str, &str)] = &[
    ("uid", "the model's id (`<endpointPrefix>-<apiVersion>`), for documentation links"),
    ("serviceAbbreviation", "a short name for client documentation and class names; Smithy has no trait for it"),
    ("ripServiceName", "an AWS-internal name of the service in region tables; Smithy has no trait for it"),
    (
        "globalEndpoint",
        "the host clients send to outside regional endpoints (STS, IAM): endpoint resolution, a client's",
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ref {
    shape: String,
    // Older models (events 2014-02-03) repeat on references what the target
    // shape itself says: its documentation and, for errors, its exception
    // flags. The target is converted with them, so these add nothing.
    #[allow(dead_code)]
    documentation: Option<String>,
    #[allow(dead_code)]
    #[serde(default)]
    exception: bool,
    #[allow(dead_code)]
    #[serde(default)]
    fault: bool,
    /// The query protocols' `<OperationResult>` element, which Smithy's
    /// awsQuery implies (`<name>Result`): nothing to convert.
    #[allow(dead_code)]
    #[serde(rename = "resultWrapper")]
    result_wrapper: Option<String>,
    /// Older models (SimpleDB) repeat an error's `error` info on the
    /// reference too; the target is converted with it.
    #[allow(dead_code)]
    error: Option<Value>,
    /// Older query models name an input's or output's element (EC2's
    /// `locationName`) or mark the result wrapper (`wrapper`), which
    /// Smithy's query protocols imply from the operation's name.
    #[allow(dead_code)]
    #[serde(rename = "locationName")]
    location_name: Option<String>,
    #[allow(dead_code)]
    #[serde(default)]
    wrapper: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Operation {
    /// The operation's name again.
    name: Option<String>,
    http: Option<Http>,
    input: Option<Ref>,
    output: Option<Ref>,
    #[serde(default)]
    errors: Vec<Ref>,
    documentation: Option<String>,
    #[serde(default)]
    deprecated: bool,
    deprecated_message: Option<String>,
    deprecated_since: Option<String>,
    #[serde(default)]
    idempotent: bool,
    #[serde(default)]
    readonly: bool,
    /// The host the client sends the operation to.
    endpoint: Option<Endpoint>,
    /// Clients discover the operation's endpoint first (DynamoDB).
    endpointdiscovery: Option<EndpointDiscovery>,
    /// The operation that gives clients their discovered endpoints.
    #[serde(default)]
    endpointoperation: bool,
    /// The older form of `auth`.
    authtype: Option<String>,
    auth: Option<Vec<String>>,
    /// Endpoint rule set parameters the operation sets (clients only).
    static_context_params: Option<Value>,
    /// The encodings a client may compress the request body with
    /// (`@requestCompression`).
    requestcompression: Option<RequestCompression>,
    operation_context_params: Option<Value>,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestCompression {
    encodings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Http {
    method: String,
    request_uri: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Endpoint {
    host_prefix: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointDiscovery {
    #[serde(default)]
    required: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    shape: String,
    documentation: Option<String>,
    #[serde(default, rename = "box")]
    boxed: bool,
    #[serde(default)]
    idempotency_token: bool,
    #[serde(default)]
    deprecated: bool,
    deprecated_message: Option<String>,
    deprecated_since: Option<String>,
    timestamp_format: Option<String>,
    /// An endpoint rule set parameter the member supplies (clients only).
    context_param: Option<Value>,
    /// The member's string holds JSON text.
    #[serde(default)]
    jsonvalue: bool,
    /// In an event: the member is the event's payload.
    #[serde(default)]
    eventpayload: bool,
    /// In an event: the member is sent as an event header.
    #[serde(default)]
    eventheader: bool,
    /// The XML protocols' element name (`@xmlName`); refused in JSON ones.
    location_name: Option<String>,
    /// ec2Query's request key (`@ec2QueryName`).
    query_name: Option<String>,
    /// `@xmlAttribute`.
    #[serde(default)]
    xml_attribute: bool,
    /// `@xmlFlattened` (the XML protocols; JSON has no wrapper to leave out,
    /// and SQS's JSON model keeps the flag from its query days).
    #[serde(default)]
    flattened: bool,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Shape {
    #[serde(rename = "type")]
    kind: String,
    members: Option<OrderedMap<Member>>,
    member: Option<Member>,
    key: Option<Member>,
    value: Option<Member>,
    #[serde(default)]
    required: Vec<String>,
    min: Option<Number>,
    max: Option<Number>,
    pattern: Option<String>,
    #[serde(rename = "enum")]
    values: Option<Vec<String>>,
    #[serde(default)]
    sensitive: bool,
    documentation: Option<String>,
    #[serde(default)]
    exception: bool,
    #[serde(default)]
    fault: bool,
    error: Option<ErrorInfo>,
    #[serde(default, rename = "box")]
    boxed: bool,
    #[serde(default)]
    union: bool,
    timestamp_format: Option<String>,
    #[serde(default)]
    deprecated: bool,
    deprecated_message: Option<String>,
    deprecated_since: Option<String>,
    /// A structure that is a Smithy document (untyped JSON).
    #[serde(default)]
    document: bool,
    /// A structure whose members are the events (and errors) of a stream.
    #[serde(default)]
    eventstream: bool,
    /// A structure that is one kind of event in an `eventstream`.
    #[serde(default)]
    event: bool,
    retryable: Option<Retryable>,
    /// How the XML protocols write a list or map: its items in place of the
    /// member, unwrapped (`@xmlFlattened` on the members that target it).
    #[serde(default)]
    flattened: bool,
    /// On a list (EC2's `InferenceDeviceInfoList`): its items' element name,
    /// where its member does not give one.
    location_name: Option<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorInfo {
    http_status_code: Option<u16>,
    /// The error's awsQuery code, by which query-compatible clients know it.
    code: Option<String>,
    /// awsQuery's "Sender" fault type: the same as not being a `fault`.
    sender_fault: Option<bool>,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Retryable {
    #[serde(default)]
    throttling: bool,
}

/// Shape and member fields that carry nothing a server needs, and why.
/// (`locationName` is not among them: botocore's JSON serializer sends a
/// member under its `locationName`, which awsJson's Smithy form cannot say;
/// no awsJson model uses it, so it is refused until one does.)
const IGNORED: &[(&str, &str)] = &[
    ("xmlNamespace", "XML serialization only"),
    (
        "xmlOrder",
        "the order botocore's XML serializers may write a structure's members in; readers match elements by name",
    ),
    ("wrapper", "a query-protocol result wrapper; botocore's runtime does not read it"),
    // `synthetic: true` marks some exception shapes (throttling, invalid
    // parameter) that AWS's model tooling added to the service's own; botocore
    // never reads it, and AWS's Smithy models of the same shapes (MemoryDB's
    // InvalidParameterCombinationException, License Manager's
    // InvalidParameterValueException) are plain errors with no trait for it.
    ("synthetic", "a marker of AWS's model tooling that no botocore code reads and Smithy has no trait for"),
];

/// The first field of `rest` that `known` does not list.
fn unknown<'a>(rest: &'a BTreeMap<String, Value>, known: &[(&str, &str)]) -> Option<&'a str> {
    rest.keys().map(String::as_str).find(|k| !known.iter().any(|(name, _)| name == k))
}

/// `@deprecated`, with botocore's message and date when it gives them.
fn deprecated(flag: bool, message: &Option<String>, since: &Option<String>) -> Option<Value> {
    if !flag && message.is_none() && since.is_none() {
        return None;
    }
    let mut value = serde_json::Map::new();
    if let Some(message) = message {
        value.insert("message".into(), json!(message));
    }
    if let Some(since) = since {
        value.insert("since".into(), json!(since));
    }
    Some(Value::Object(value))
}

/// Converts `text`, a botocore `service-2.json` named `source` in messages,
/// to a Smithy JSON AST model; also returns the renames it had to make.
pub fn to_smithy(source: &str, text: &str) -> Result<(String, Diagnostics), Diagnostics> {
    let error = |message: String| -> Diagnostics { Diagnostic::error(message).in_file(source).into() };
    let model: Model = serde_json::from_str(text)
        .map_err(|e| error(format!("not a botocore service model (line {}, column {}): {e}", e.line(), e.column())))?;
    let meta = &model.metadata;
    if let Some(key) = unknown(&meta.rest, METADATA_IGNORED) {
        return Err(error(format!("botocore metadata field `{key}` is not understood; the converter must learn it")));
    }
    // Each protocol the service speaks (`protocols`, in the order clients
    // prefer them, else `protocol`) is a protocol trait.
    let protocol_trait = |name: &str| -> Result<&'static str, Diagnostics> {
        Ok(match (name, meta.json_version.as_deref()) {
            ("json", Some("1.0")) => "aws.protocols#awsJson1_0",
            ("json", Some("1.1")) => "aws.protocols#awsJson1_1",
            ("json", version) => return Err(error(format!("jsonVersion {version:?}: awsJson is 1.0 or 1.1"))),
            ("query", _) => "aws.protocols#awsQuery",
            ("ec2", _) => "aws.protocols#ec2Query",
            ("smithy-rpc-v2-cbor", _) => "smithy.protocols#rpcv2Cbor",
            (other, _) => {
                return Err(error(format!(
                    "protocol {other:?} is not supported; awsJson (\"json\"), awsQuery (\"query\"), ec2Query (\"ec2\") \
                     and RPC v2 CBOR models are"
                )));
            }
        })
    };
    let protocol_names: Vec<&str> = match &meta.protocols {
        Some(protocols) if !protocols.is_empty() => protocols.iter().map(String::as_str).collect(),
        _ => vec![meta.protocol.as_str()],
    };
    let protocols = protocol_names.iter().map(|name| protocol_trait(name)).collect::<Result<Vec<_>, _>>()?;
    let protocol = protocol_trait(&meta.protocol)?;
    // The XML protocols name members and list items (`locationName`), and
    // lay out lists (`flattened`); the JSON ones do not.
    let xml = protocols.iter().any(|p| matches!(*p, "aws.protocols#awsQuery" | "aws.protocols#ec2Query"));
    let ec2 = protocols.contains(&"aws.protocols#ec2Query");
    // As AWS's Smithy model of Kinesis writes `{"h2": "eventstream"}`.
    let protocol_value = match meta.protocol_settings.as_ref().map(|s| s.iter().collect::<Vec<_>>()).as_deref() {
        None | Some([]) => json!({}),
        Some([(h2, eventstream)]) if *h2 == "h2" && *eventstream == "eventstream" => {
            json!({"http": ["http/1.1", "h2"], "eventStreamHttp": ["h2"]})
        }
        Some(settings) => return Err(error(format!("protocolSettings {settings:?} are not understood"))),
    };
    let namespace = format!("com.amazonaws.{}", meta.endpoint_prefix.to_ascii_lowercase().replace(['-', '.'], ""));
    let mut warnings = Diagnostics::default();

    // Smithy shape ids are unique ignoring case; botocore names are not.
    // Shapes that collide and are defined alike are merged into the first
    // (in byte order); others are renamed. Either way it is reported.
    let raw: Value = serde_json::from_str(text).expect("parsed above");
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut merged: BTreeSet<String> = BTreeSet::new();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    let mut sorted: Vec<&str> = model.shapes.iter().map(|(n, _)| n).collect();
    sorted.sort();
    for name in sorted {
        if let Some(first) = taken.get(&name.to_ascii_lowercase()) {
            if raw["shapes"][name] == raw["shapes"][first.as_str()] {
                warnings.push(
                    Diagnostic::warning(format!(
                        "shape {name} differs from {first} only in case and is defined alike; merged into {first}"
                    ))
                    .in_file(source),
                );
                names.insert(name.to_string(), first.clone());
                merged.insert(name.to_string());
                continue;
            }
        }
        let mut smithy = name.to_string();
        let mut n = 2;
        while taken.contains_key(&smithy.to_ascii_lowercase()) {
            smithy = format!("{name}{n}");
            n += 1;
        }
        if smithy != name {
            warnings.push(
                Diagnostic::warning(format!(
                    "shape {name} collides with another name ignoring case; imported as {smithy}"
                ))
                .in_file(source),
            );
        }
        taken.insert(smithy.to_ascii_lowercase(), name.to_string());
        names.insert(name.to_string(), smithy);
    }
    let id = |name: &str| -> String { format!("{namespace}#{}", names.get(name).map_or(name, String::as_str)) };
    let shape_of = |name: &str| model.shapes.get(name);

    // `jsonvalue`: the member's string holds JSON text (botocore's client
    // encodes and decodes it). Smithy says so with @mediaType, which stands
    // on string shapes, not on members; AWS's Smithy models give such a
    // member a string of its own (Rekognition's
    // SynthesizedJsonHumanLoopActivationConditionsEvaluationResults). So: a
    // string that only `jsonvalue` members target gets the trait itself; one
    // that other members target too gets a copy, `SynthesizedJson<Name>`,
    // with the trait, and the `jsonvalue` members target that.
    let mut json_uses: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for (holder, s) in model.shapes.iter() {
        for (member_name, m) in members_of(s) {
            let target = names.get(&m.shape).map_or(m.shape.as_str(), String::as_str);
            let (json, plain) = json_uses.entry(target).or_default();
            if !m.jsonvalue {
                *plain = true;
            } else if shape_of(&m.shape).is_some_and(|t| t.kind == "string") {
                *json = true;
            } else {
                return Err(Diagnostic::error(format!("`jsonvalue` on {member_name}, which does not target a string"))
                    .in_file(source)
                    .at_shape(holder)
                    .into());
            }
        }
    }
    let mut json_copies: BTreeMap<&str, String> = BTreeMap::new();
    for (&target, _) in json_uses.iter().filter(|(_, uses)| **uses == (true, true)) {
        let base = format!("SynthesizedJson{target}");
        let mut copy = base.clone();
        let mut n = 2;
        while taken.contains_key(&copy.to_ascii_lowercase()) {
            copy = format!("{base}{n}");
            n += 1;
        }
        if copy != base {
            warnings.push(
                Diagnostic::warning(format!(
                    "{base}, the JSON-text copy of {target}, collides with another name ignoring case; imported as {copy}"
                ))
                .in_file(source),
            );
        }
        taken.insert(copy.to_ascii_lowercase(), copy.clone());
        json_copies.insert(target, copy);
    }
    let json_text = |smithy_name: &str| json_uses.get(smithy_name) == Some(&(true, false));

    // (shape id, JSON text): text is built here so that member order stays
    // botocore's (serde_json's maps would sort it).
    let mut shapes: Vec<(String, String)> = Vec::new();
    let mut inputs: BTreeMap<&str, usize> = BTreeMap::new();
    let mut outputs: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, op) in model.operations.iter() {
        if let Some(r) = &op.input {
            *inputs.entry(r.shape.as_str()).or_default() += 1;
        }
        if let Some(r) = &op.output {
            *outputs.entry(r.shape.as_str()).or_default() += 1;
        }
    }
    let used_as_member: BTreeSet<&str> =
        model.shapes.iter().flat_map(|(_, s)| members_of(s).map(|(_, m)| m.shape.as_str())).collect();

    // The service, named after `targetPrefix` (the `X-Amz-Target` prefix).
    // Smithy shape names cannot contain dots: a dotted prefix (CloudTrail's
    // `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`) names the
    // service after its last segment and the rest stays out of the shape id.
    // The awsJson router accepts a target whose prefix is the service name or
    // ends in `.` and the service name, so clients that send the whole prefix
    // (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails`)
    // still reach the operation.
    let service_name = match &meta.target_prefix {
        Some(prefix) => prefix.rsplit('.').next().unwrap_or(prefix).to_string(),
        None => meta.service_id.clone().unwrap_or(meta.endpoint_prefix.clone()).replace(' ', ""),
    };
    if !crate::model::shape_id::is_identifier(&service_name) {
        return Err(error(format!(
            "the service name {service_name:?} (from targetPrefix or serviceId) is not a Smithy identifier"
        )));
    }
    let mut service_traits = serde_json::Map::new();
    service_traits.insert("aws.api#service".into(), json!({"sdkId": meta.service_id.clone().unwrap_or(meta.endpoint_prefix.clone()), "endpointPrefix": meta.endpoint_prefix}));
    // Auth: each scheme's trait, and `@auth` when clients prefer another
    // order than Smithy's default (the schemes' ids sorted).
    let signing_name = meta.signing_name.clone().unwrap_or(meta.endpoint_prefix.clone());
    let schemes: Vec<&str> = match (&meta.auth, meta.signature_version.as_deref()) {
        (Some(auth), _) => auth
            .iter()
            .map(|s| auth_scheme(s).ok_or_else(|| error(format!("auth scheme {s:?} is not understood"))))
            .collect::<Result<_, _>>()?,
        (None, None | Some("v4")) => vec!["aws.auth#sigv4"],
        (None, Some(other)) => return Err(error(format!("signatureVersion {other:?} is not understood"))),
    };
    for scheme in &schemes {
        service_traits.insert(scheme.to_string(), json!({"name": signing_name}));
    }
    if !schemes.is_sorted() {
        service_traits.insert("smithy.api#auth".into(), json!(schemes));
    }
    for other in protocols.iter().filter(|p| **p != protocol) {
        service_traits.insert(other.to_string(), json!({}));
    }
    service_traits.insert(protocol.into(), protocol_value);
    if let Some(uri) = meta.xml_namespace.as_ref().filter(|_| xml) {
        service_traits.insert("smithy.api#xmlNamespace".into(), json!({ "uri": uri }));
    }
    if let Some(settings) = &meta.aws_query_compatible {
        if !settings.is_empty() {
            return Err(error("awsQueryCompatible with settings is not understood".into()));
        }
        service_traits.insert("aws.protocols#awsQueryCompatible".into(), json!({}));
    }
    if let Some(title) = &meta.service_full_name {
        service_traits.insert("smithy.api#title".into(), json!(title));
    }
    if let Some(docs) = &model.documentation {
        service_traits.insert("smithy.api#documentation".into(), json!(docs));
    }
    // Endpoint discovery, as in AWS's Smithy model of DynamoDB (whose
    // trait also names the error for a stale endpoint; botocore does not).
    let discovery: Vec<&str> =
        model.operations.iter().filter(|(_, op)| op.endpointoperation).map(|(name, _)| name).collect();
    match discovery[..] {
        [] => {}
        [operation] => {
            service_traits.insert(
                "aws.api#clientEndpointDiscovery".into(),
                json!({"operation": format!("{namespace}#{operation}")}),
            );
        }
        _ => return Err(error(format!("more than one `endpointoperation`: {}", discovery.join(", ")))),
    }
    let operation_ids: Vec<Value> =
        model.operations.iter().map(|(name, _)| json!({"target": format!("{namespace}#{name}")})).collect();
    shapes.push((
        format!("{namespace}#{service_name}"),
        json!({"type": "service", "version": meta.api_version, "operations": operation_ids, "traits": service_traits})
            .to_string(),
    ));

    for (name, op) in model.operations.iter() {
        let at = |message: String| -> Diagnostics { Diagnostic::error(message).in_file(source).at_shape(name).into() };
        if let Some(key) = unknown(&op.rest, &[]) {
            return Err(at(format!("botocore operation field `{key}` is not understood; the converter must learn it")));
        }
        if op.name.as_deref().is_some_and(|n| n != name) {
            return Err(at(format!("the operation is named {:?} inside", op.name.as_deref().unwrap_or_default())));
        }
        // awsJson sends every operation as `POST /`; its Smithy form has no
        // @http, and a router could not tell other bindings apart.
        if let Some(http) = op.http.as_ref().filter(|h| (h.method.as_str(), h.request_uri.as_str()) != ("POST", "/")) {
            return Err(at(format!("`http` {} {}: awsJson operations are POST /", http.method, http.request_uri)));
        }
        let mut shape = serde_json::Map::new();
        shape.insert("type".into(), json!("operation"));
        shape.insert(
            "input".into(),
            json!({"target": op.input.as_ref().map_or("smithy.api#Unit".to_string(), |r| id(&r.shape))}),
        );
        shape.insert(
            "output".into(),
            json!({"target": op.output.as_ref().map_or("smithy.api#Unit".to_string(), |r| id(&r.shape))}),
        );
        if !op.errors.is_empty() {
            shape.insert(
                "errors".into(),
                Value::Array(op.errors.iter().map(|r| json!({"target": id(&r.shape)})).collect()),
            );
        }
        let mut traits = serde_json::Map::new();
        if let Some(docs) = &op.documentation {
            traits.insert("smithy.api#documentation".into(), json!(docs));
        }
        if let Some(value) = deprecated(op.deprecated, &op.deprecated_message, &op.deprecated_since) {
            traits.insert("smithy.api#deprecated".into(), value);
        }
        if op.idempotent && op.readonly {
            return Err(at("an operation both `idempotent` and `readonly` (Smithy forbids it)".into()));
        }
        if op.idempotent {
            traits.insert("smithy.api#idempotent".into(), json!({}));
        }
        if let Some(compression) = &op.requestcompression {
            traits.insert("smithy.api#requestCompression".into(), json!({ "encodings": compression.encodings }));
        }
        if op.readonly {
            traits.insert("smithy.api#readonly".into(), json!({}));
        }
        if let Some(endpoint) = &op.endpoint {
            traits.insert("smithy.api#endpoint".into(), json!({"hostPrefix": endpoint.host_prefix}));
        }
        if let Some(discovery) = &op.endpointdiscovery {
            traits.insert("aws.api#clientDiscoveredEndpoint".into(), json!({"required": discovery.required}));
        }
        if let Some(auth) = operation_auth(op).map_err(at)? {
            traits.insert("smithy.api#auth".into(), json!(auth));
        }
        for (trait_id, params) in [
            ("smithy.rules#staticContextParams", &op.static_context_params),
            ("smithy.rules#operationContextParams", &op.operation_context_params),
        ] {
            if let Some(params) = params {
                traits.insert(trait_id.into(), params.clone());
            }
        }
        if !traits.is_empty() {
            shape.insert("traits".into(), Value::Object(traits));
        }
        shapes.push((format!("{namespace}#{name}"), Value::Object(shape).to_string()));
    }

    for (name, shape) in model.shapes.iter().filter(|(name, _)| !merged.contains(*name)) {
        let at = |message: String| -> Diagnostics { Diagnostic::error(message).in_file(source).at_shape(name).into() };
        if let Some(key) = unknown(&shape.rest, IGNORED) {
            return Err(at(format!("botocore field `{key}` is not understood; the converter must learn it")));
        }
        if let Some(key) = shape.error.as_ref().and_then(|e| unknown(&e.rest, &[])) {
            return Err(at(format!("botocore field `error.{key}` is not understood; the converter must learn it")));
        }
        if shape.location_name.is_some() && (!xml || shape.kind != "list") {
            return Err(at("`locationName` on a shape that is not an XML protocol's list".into()));
        }
        if shape.document && shape.kind != "structure" {
            return Err(at(format!("a `document` of type {:?}; botocore documents are structures", shape.kind)));
        }
        // An event is a structure that an event stream's union targets; Smithy
        // has no trait for it (AWS's models of Kinesis and CloudWatch Logs
        // write their events as plain structures).
        if (shape.event || shape.eventstream) && (shape.kind != "structure" || shape.document) {
            return Err(at("`event` or `eventstream` on a shape that is not a structure".into()));
        }
        let numeric = matches!(shape.kind.as_str(), "integer" | "long" | "float" | "double");
        let mut traits = serde_json::Map::new();
        if let Some(docs) = &shape.documentation {
            traits.insert("smithy.api#documentation".into(), json!(docs));
        }
        if shape.min.is_some() || shape.max.is_some() {
            let bounds = json!({"min": shape.min, "max": shape.max});
            let bounds: serde_json::Map<String, Value> = bounds
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let trait_id = if numeric { "smithy.api#range" } else { "smithy.api#length" };
            traits.insert(trait_id.into(), Value::Object(bounds));
        }
        if let Some(pattern) = &shape.pattern {
            traits.insert("smithy.api#pattern".into(), json!(pattern));
        }
        if shape.sensitive {
            traits.insert("smithy.api#sensitive".into(), json!({}));
        }
        if let Some(value) = deprecated(shape.deprecated, &shape.deprecated_message, &shape.deprecated_since) {
            traits.insert("smithy.api#deprecated".into(), value);
        }
        if let Some(format) = &shape.timestamp_format {
            traits.insert(
                "smithy.api#timestampFormat".into(),
                json!(timestamp_format(format).ok_or_else(|| at(format!("unknown timestampFormat {format}")))?),
            );
        }
        if shape.exception {
            traits.insert("smithy.api#error".into(), json!(if shape.fault { "server" } else { "client" }));
            if let Some(status) = shape.error.as_ref().and_then(|e| e.http_status_code) {
                traits.insert("smithy.api#httpError".into(), json!(status));
            }
        } else if shape.error.is_some() || shape.retryable.is_some() || shape.fault {
            return Err(at("`error`, `retryable` or `fault` on a shape that is not an `exception`".into()));
        }
        if let Some(error) = &shape.error {
            if error.sender_fault == Some(true) && shape.fault {
                return Err(at("an exception that is both a `fault` and a `senderFault`".into()));
            }
            // As in AWS's Smithy models (Keyspaces' AccessDeniedException).
            if let Some(code) = &error.code {
                let status =
                    error.http_status_code.ok_or_else(|| at("`error.code` without `httpStatusCode`".into()))?;
                traits.insert("aws.protocols#awsQueryError".into(), json!({"code": code, "httpResponseCode": status}));
            }
        }
        if let Some(retryable) = &shape.retryable {
            let value = if retryable.throttling { json!({"throttling": true}) } else { json!({}) };
            traits.insert("smithy.api#retryable".into(), value);
        }
        // Unboxed primitives have a zero default, as botocore clients assume.
        if default_of(shape).is_some() {
            traits.insert("smithy.api#default".into(), default_of(shape).unwrap());
        }
        if shape.kind == "structure" && !shape.exception && !used_as_member.contains(name) {
            if inputs.get(name) == Some(&1) && !outputs.contains_key(name) {
                traits.insert("smithy.api#input".into(), json!({}));
            } else if outputs.get(name) == Some(&1) && !inputs.contains_key(name) {
                traits.insert("smithy.api#output".into(), json!({}));
            }
        }

        // `in_structure`: only structure members take `@default`.
        let member = |m: &Member,
                      member_name: &str,
                      required: bool,
                      in_structure: bool|
         -> Result<Value, Diagnostics> {
            if let Some(key) = unknown(&m.rest, IGNORED) {
                return Err(at(format!("botocore member field `{key}` (on {member_name}) is not understood")));
            }
            let mut traits = serde_json::Map::new();
            if let Some(docs) = &m.documentation {
                traits.insert("smithy.api#documentation".into(), json!(docs));
            }
            if required {
                traits.insert("smithy.api#required".into(), json!({}));
            }
            if m.idempotency_token {
                traits.insert("smithy.api#idempotencyToken".into(), json!({}));
            }
            if let Some(value) = deprecated(m.deprecated, &m.deprecated_message, &m.deprecated_since) {
                traits.insert("smithy.api#deprecated".into(), value);
            }
            if let Some(param) = &m.context_param {
                traits.insert("smithy.rules#contextParam".into(), param.clone());
            }
            if (m.eventpayload || m.eventheader) && !shape.event {
                return Err(at(format!("`eventpayload` or `eventheader` on {member_name}, outside an `event`")));
            }
            if m.eventpayload {
                traits.insert("smithy.api#eventPayload".into(), json!({}));
            }
            if m.eventheader {
                traits.insert("smithy.api#eventHeader".into(), json!({}));
            }
            if let Some(format) = &m.timestamp_format {
                traits.insert(
                    "smithy.api#timestampFormat".into(),
                    json!(timestamp_format(format).ok_or_else(|| at(format!("unknown timestampFormat {format}")))?),
                );
            }
            if !xml && (m.location_name.is_some() || m.query_name.is_some() || m.xml_attribute) {
                return Err(at(format!(
                    "`locationName`, `queryName` or `xmlAttribute` on {member_name}: the JSON protocols' Smithy form \
                         cannot say them"
                )));
            }
            let target_shape = shape_of(&m.shape);
            // A flattened list's items stand under the referencing
            // member's name in Smithy; botocore names them after the
            // list's member, so that name moves to the reference.
            let flattened = xml && in_structure && (m.flattened || target_shape.is_some_and(|t| t.flattened));
            let item_name = target_shape.and_then(|t| t.member.as_ref()).and_then(|item| item.location_name.clone());
            let location = m.location_name.clone().or(if flattened { item_name } else { None });
            if let Some(name) = location.filter(|_| xml) {
                traits.insert("smithy.api#xmlName".into(), json!(name));
            }
            if let Some(name) = m.query_name.as_ref().filter(|_| ec2) {
                traits.insert("aws.protocols#ec2QueryName".into(), json!(name));
            }
            if flattened {
                traits.insert("smithy.api#xmlFlattened".into(), json!({}));
            }
            if m.xml_attribute {
                traits.insert("smithy.api#xmlAttribute".into(), json!({}));
            }
            if let Some(target) = shape_of(&m.shape).filter(|_| in_structure) {
                match default_of(target) {
                    // A boxed member of a defaulted target cancels the default.
                    Some(_) if m.boxed => {
                        traits.insert("smithy.api#default".into(), Value::Null);
                    }
                    Some(default) => {
                        traits.insert("smithy.api#default".into(), default);
                    }
                    None => {}
                }
            }
            let mut out = serde_json::Map::new();
            let target_name = names.get(&m.shape).map_or(m.shape.as_str(), String::as_str);
            let copy = json_copies.get(target_name).filter(|_| m.jsonvalue);
            let target = copy.map_or_else(|| id(&m.shape), |copy| format!("{namespace}#{copy}"));
            out.insert("target".into(), json!(target));
            if !traits.is_empty() {
                out.insert("traits".into(), Value::Object(traits));
            }
            Ok(Value::Object(out))
        };

        let mut out: Vec<(&str, String)> = Vec::new();
        match (shape.kind.as_str(), &shape.values) {
            ("string", Some(values)) => {
                out.push(("type", json!("enum").to_string()));
                let mut members = Vec::new();
                let mut used = BTreeSet::new();
                for value in values {
                    let mut member_name = enum_member_name(value);
                    while !used.insert(member_name.clone()) {
                        member_name.push('_');
                    }
                    members.push((
                        member_name,
                        json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": value}}),
                    ));
                }
                out.push(("members", object(&members)));
            }
            ("structure", _) if shape.document => {
                if shape.members.as_ref().is_some_and(|m| m.iter().next().is_some()) || shape.union {
                    return Err(at("a `document` with members, or a union".into()));
                }
                out.push(("type", json!("document").to_string()));
            }
            ("structure", _) => {
                // An event stream is a union with `@streaming`, as in Smithy;
                // its members are events and the errors the stream may end
                // with. Union members cannot be `@required` (exactly one is
                // set): Kinesis's stream requires its event in botocore, and
                // AWS's Smithy model of it drops that.
                let union = shape.union || shape.eventstream;
                out.push(("type", json!(if union { "union" } else { "structure" }).to_string()));
                if shape.eventstream {
                    traits.insert("smithy.api#streaming".into(), json!({}));
                }
                let mut members = Vec::new();
                for (member_name, m) in shape.members.iter().flat_map(|m| m.iter()) {
                    if shape.eventstream && !shape_of(&m.shape).is_some_and(|t| t.event || t.exception) {
                        return Err(at(format!(
                            "event stream member {member_name} targets {}, which is neither an `event` nor an `exception`",
                            m.shape
                        )));
                    }
                    let required = !union && shape.required.iter().any(|r| r == member_name);
                    members.push((member_name.to_string(), member(m, member_name, required, !union)?));
                }
                out.push(("members", object(&members)));
            }
            ("list", _) => {
                out.push(("type", json!("list").to_string()));
                let m = shape.member.as_ref().ok_or_else(|| at("a list without `member`".into()))?;
                let mut item = member(m, "member", false, false)?;
                if let Some(name) = shape.location_name.as_ref().filter(|_| xml && m.location_name.is_none()) {
                    let traits = item.as_object_mut().expect("a member is an object").entry("traits");
                    traits.or_insert_with(|| json!({}))["smithy.api#xmlName"] = json!(name);
                }
                out.push(("member", item.to_string()));
            }
            ("map", _) => {
                out.push(("type", json!("map").to_string()));
                let key = shape.key.as_ref().ok_or_else(|| at("a map without `key`".into()))?;
                let value = shape.value.as_ref().ok_or_else(|| at("a map without `value`".into()))?;
                out.push(("key", member(key, "key", false, false)?.to_string()));
                out.push(("value", member(value, "value", false, false)?.to_string()));
            }
            (kind @ ("string" | "integer" | "long" | "boolean" | "timestamp" | "blob" | "float" | "double"), _) => {
                out.push(("type", json!(kind).to_string()));
            }
            (other, _) => return Err(at(format!("botocore type {other:?} is not supported"))),
        }
        let smithy_name = names.get(name).map_or(name, String::as_str);
        if json_text(smithy_name) {
            traits.insert("smithy.api#mediaType".into(), json!("application/json"));
        }
        let text = |traits: &serde_json::Map<String, Value>| {
            let traits = Some(("traits", Value::Object(traits.clone()).to_string())).filter(|_| !traits.is_empty());
            let fields: Vec<String> =
                out.iter().cloned().chain(traits).map(|(k, v)| format!("{}: {v}", json!(k))).collect();
            format!("{{{}}}", fields.join(", "))
        };
        shapes.push((id(name), text(&traits)));
        if let Some(copy) = json_copies.get(smithy_name) {
            traits.insert("smithy.api#mediaType".into(), json!("application/json"));
            shapes.push((format!("{namespace}#{copy}"), text(&traits)));
        }
    }

    let entries: Vec<String> = shapes.iter().map(|(id, shape)| format!("{}: {shape}", json!(id))).collect();
    let text = super::indent(&format!("{{\"smithy\": \"2.0\", \"shapes\": {{{}}}}}", entries.join(", ")));
    Ok((text, warnings))
}

/// The auth schemes of an operation, when it names them: `auth` lists
/// them (`smithy.api#noAuth` alone: none, which Smithy writes `@auth([])`,
/// as AWS's model of Cognito Identity does), and `authtype`, its older
/// form, must agree.
fn operation_auth(op: &Operation) -> Result<Option<Vec<&'static str>>, String> {
    let auth = match op.auth.as_deref() {
        None => None,
        Some([only]) if only == "smithy.api#noAuth" => Some(Vec::new()),
        Some(schemes) => Some(
            schemes
                .iter()
                .map(|s| auth_scheme(s).ok_or_else(|| format!("auth scheme {s:?} is not understood")))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    match (op.authtype.as_deref(), auth) {
        (None, auth) => Ok(auth),
        (Some("none"), None) => Ok(Some(Vec::new())),
        (Some("none"), Some(auth)) if auth.is_empty() => Ok(Some(auth)),
        (Some(authtype), auth) => Err(format!("`authtype` {authtype:?} with `auth` {auth:?} is not understood")),
    }
}

/// The Smithy trait of a botocore auth scheme.
fn auth_scheme(scheme: &str) -> Option<&'static str> {
    match scheme {
        "aws.auth#sigv4" => Some("aws.auth#sigv4"),
        "aws.auth#sigv4a" => Some("aws.auth#sigv4a"),
        _ => None,
    }
}

/// A shape's members with their names (`member`, `key` and `value` for
/// lists and maps).
fn members_of(shape: &Shape) -> impl Iterator<Item = (&str, &Member)> {
    let named = shape.members.iter().flat_map(|m| m.iter());
    let unnamed = [("member", &shape.member), ("key", &shape.key), ("value", &shape.value)];
    named.chain(unnamed.into_iter().filter_map(|(name, m)| m.as_ref().map(|m| (name, m))))
}

/// A JSON object's text with its members in the given order.
fn object(members: &[(String, Value)]) -> String {
    let entries: Vec<String> = members.iter().map(|(name, value)| format!("{}: {value}", json!(name))).collect();
    format!("{{{}}}", entries.join(", "))
}

/// The zero default of an unboxed primitive; none when zero is outside
/// the shape's own range (such shapes are nullable, as in Smithy).
fn default_of(shape: &Shape) -> Option<Value> {
    let outside = |bound: &Option<Number>, zero_outside: fn(f64) -> bool| {
        bound.as_ref().and_then(Number::as_f64).is_some_and(zero_outside)
    };
    if shape.boxed || outside(&shape.min, |min| min > 0.0) || outside(&shape.max, |max| max < 0.0) {
        return None;
    }
    match shape.kind.as_str() {
        "boolean" => Some(json!(false)),
        "integer" | "long" | "float" | "double" => Some(json!(0)),
        _ => None,
    }
}

fn timestamp_format(botocore: &str) -> Option<&'static str> {
    Some(match botocore {
        "iso8601" => "date-time",
        "rfc822" => "http-date",
        "unixTimestamp" => "epoch-seconds",
        _ => return None,
    })
}

/// A Smithy member name for an enum value (`AWS::EC2::Instance` gives
/// `AWS_EC2_Instance`); the value itself stays in `@enumValue`.
fn enum_member_name(value: &str) -> String {
    let mut name: String = value.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    name = name.trim_matches('_').to_string();
    while name.contains("__") {
        name = name.replace("__", "_");
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    name
}

#[cfg(test)]
mod tests;
