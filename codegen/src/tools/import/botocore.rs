//! botocore's JSON service models (`service-2.json`, as shipped in
//! botocore's data directory) converted to Smithy 2.0 JSON AST, faithfully:
//! every field botocore gives is either converted or known to carry nothing
//! a server needs; any other field is an error, never dropped in silence.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Number, Value, json};

use crate::diagnostic::{Diagnostic, Diagnostics, WarningKind};
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
    /// The whole service is deprecated (Chime's first API).
    #[serde(default)]
    deprecated: bool,
    #[serde(rename = "deprecatedMessage")]
    deprecated_message: Option<String>,
    /// Parameters of the endpoint rules a client's configuration sets
    /// (S3's `ForcePathStyle`): `@smithy.rules#clientContextParams`.
    #[serde(rename = "clientContextParams")]
    client_context_params: Option<Value>,
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
    ("checksumFormat", "the digest a client computes for bodies it sends (S3's md5, Glacier's sha256)"),
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
    // restXml: the namespace of the request's root element (whose name
    // `locationName` gives); routers read a body by its members, whatever
    // its root is called.
    #[allow(dead_code)]
    #[serde(rename = "xmlNamespace")]
    xml_namespace: Option<Value>,
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
    #[serde(default)]
    unsigned_payload: bool,
    #[serde(default)]
    http_checksum_required: bool,
    http_checksum: Option<BTreeMap<String, Value>>,
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
    response_code: Option<u16>,
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
    /// The XML protocols' element name (`@xmlName`), restJson1's key
    /// (`@jsonName`), or the name of the header, query parameter or label
    /// the member is bound to (`location`); refused in awsJson.
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
    /// Where an HTTP protocol binds the member: `uri`, `querystring`,
    /// `header`, `headers` (a prefix) or `statusCode`; `None`: the body.
    location: Option<String>,
    #[serde(default)]
    host_label: bool,
    xml_namespace: Option<XmlNamespace>,
    /// The member's blob is a stream here (S3's `Body`), though its shape is
    /// not everywhere.
    #[serde(default)]
    streaming: bool,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct XmlNamespace {
    uri: String,
    prefix: Option<String>,
}

impl XmlNamespace {
    fn to_trait(&self) -> Value {
        match &self.prefix {
            Some(prefix) => json!({"uri": self.uri, "prefix": prefix}),
            None => json!({"uri": self.uri}),
        }
    }
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
    /// The member that is the HTTP body (`@httpPayload`).
    payload: Option<String>,
    #[serde(default)]
    streaming: bool,
    #[serde(default)]
    requires_length: bool,
    #[serde(default)]
    sparse: bool,
    xml_namespace: Option<XmlNamespace>,
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
    // On a member (API Gateway V2's ExportApi): values a client may check
    // before it sends; Smithy puts enums on shapes, and the member's string
    // shape has none.
    ("enum", "a member's hint of its values for clients; the target shape says what the model allows"),
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
            ("rest-json", _) => "aws.protocols#restJson1",
            ("rest-xml", _) => "aws.protocols#restXml",
            ("smithy-rpc-v2-cbor", _) => "smithy.protocols#rpcv2Cbor",
            (other, _) => {
                return Err(error(format!(
                    "protocol {other:?} is not supported; awsJson (\"json\"), restJson1 (\"rest-json\"), restXml \
                     (\"rest-xml\"), awsQuery (\"query\"), ec2Query (\"ec2\") and RPC v2 CBOR models are"
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
    let xml = protocols
        .iter()
        .any(|p| matches!(*p, "aws.protocols#awsQuery" | "aws.protocols#ec2Query" | "aws.protocols#restXml"));
    // The protocols with HTTP bindings: members bound by `location`,
    // operations by `http`.
    let rest = matches!(protocol, "aws.protocols#restJson1" | "aws.protocols#restXml");
    let rest_json = protocol == "aws.protocols#restJson1";
    let ec2 = protocols.contains(&"aws.protocols#ec2Query");
    // As AWS's Smithy model of Kinesis writes `{"h2": "eventstream"}`.
    let protocol_value = match meta.protocol_settings.as_ref().map(|s| s.iter().collect::<Vec<_>>()).as_deref() {
        None | Some([]) => json!({}),
        Some([(h2, eventstream)]) if *h2 == "h2" && *eventstream == "eventstream" => {
            json!({"http": ["http/1.1", "h2"], "eventStreamHttp": ["h2"]})
        }
        // HTTP/2 where the client can (Bedrock Runtime).
        Some([(h2, optional)]) if *h2 == "h2" && *optional == "optional" => json!({"http": ["http/1.1", "h2"]}),
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
    // Operations share Smithy's one namespace with shapes (botocore keeps
    // them apart: IoT has an operation and a shape DeleteStream); a shape
    // that collides with one is renamed.
    let operation_names: BTreeSet<String> =
        model.operations.iter().map(|(name, _)| name.to_ascii_lowercase()).collect();
    for (name, _) in model.operations.iter() {
        taken.insert(name.to_ascii_lowercase(), name.to_string());
    }
    let mut sorted: Vec<&str> = model.shapes.iter().map(|(n, _)| n).collect();
    sorted.sort();
    for name in sorted {
        if let Some(first) = taken.get(&name.to_ascii_lowercase()) {
            let operation = operation_names.contains(&name.to_ascii_lowercase());
            if !operation && raw["shapes"][name] == raw["shapes"][first.as_str()] {
                warnings.push(
                    Diagnostic::warning(
                        WarningKind::CaseCollision,
                        format!(
                            "shape {name} differs from {first} only in case and is defined alike; merged into {first}"
                        ),
                    )
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
                Diagnostic::warning(
                    WarningKind::CaseCollision,
                    format!("shape {name} collides with another name ignoring case; imported as {smithy}"),
                )
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
                Diagnostic::warning(WarningKind::CaseCollision, format!(
                    "{base}, the JSON-text copy of {target}, collides with another name ignoring case; imported as {copy}"
                ))
                .in_file(source),
            );
        }
        taken.insert(copy.to_ascii_lowercase(), copy.clone());
        json_copies.insert(target, copy);
    }
    let json_text = |smithy_name: &str| json_uses.get(smithy_name) == Some(&(true, false));

    // Member-level `streaming` (S3's `Body`): Smithy streams blob shapes,
    // so a blob only streaming members target gets `@streaming` itself, and
    // one that others target too gets a copy, `Streaming<Name>`, that the
    // streaming members target.
    let mut stream_uses: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for (_, s) in model.shapes.iter() {
        for (_, m) in members_of(s) {
            let target = names.get(&m.shape).map_or(m.shape.as_str(), String::as_str);
            let (streaming, plain) = stream_uses.entry(target).or_default();
            if m.streaming { *streaming = true } else { *plain = true }
        }
    }
    let mut stream_copies: BTreeMap<&str, String> = BTreeMap::new();
    for (&target, _) in stream_uses.iter().filter(|(_, uses)| **uses == (true, true)) {
        let mut copy = format!("Streaming{target}");
        while taken.contains_key(&copy.to_ascii_lowercase()) {
            copy.push('_');
        }
        taken.insert(copy.to_ascii_lowercase(), copy.clone());
        stream_copies.insert(target, copy);
    }
    // The blobs that stream: marked so, or targeted only by streaming members.
    let streaming: BTreeSet<&str> = model
        .shapes
        .iter()
        .filter(|(_, shape)| shape.streaming)
        .map(|(name, _)| names.get(name).map_or(name, String::as_str))
        .chain(stream_uses.iter().filter(|(_, uses)| **uses == (true, false)).map(|(target, _)| *target))
        .collect();
    let streams = |smithy_name: &str| streaming.contains(smithy_name);

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
        // S3's `s3` and `s3v4` are SigV4 with S3's rules for paths.
        (None, None | Some("v4" | "s3" | "s3v4")) => vec!["aws.auth#sigv4"],
        (None, Some("bearer")) => vec!["smithy.api#httpBearerAuth"],
        // SigV2 (SimpleDB, Import/Export) has no Smithy trait: the service
        // is imported with none, and said so.
        (None, Some("v2")) => {
            warnings.push(
                Diagnostic::warning(
                    WarningKind::AuthNotModelled,
                    "signatureVersion v2 (AWS Signature Version 2) has no Smithy auth trait; the service is imported \
                     without one",
                )
                .in_file(source),
            );
            Vec::new()
        }
        (None, Some(other)) => return Err(error(format!("signatureVersion {other:?} is not understood"))),
    };
    for scheme in &schemes {
        let value = if scheme.starts_with("aws.auth#sigv4") { json!({"name": signing_name}) } else { json!({}) };
        service_traits.insert(scheme.to_string(), value);
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
    if let Some(value) = deprecated(model.deprecated, &model.deprecated_message, &None) {
        service_traits.insert("smithy.api#deprecated".into(), value);
    }
    if let Some(params) = &model.client_context_params {
        service_traits.insert("smithy.rules#clientContextParams".into(), params.clone());
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

    let mut routes: BTreeMap<String, usize> = BTreeMap::new();
    for (_, op) in model.operations.iter() {
        if let Some(http) = op.http.as_ref().filter(|_| rest) {
            *routes.entry(route_key(&http.method, &http.request_uri)).or_default() += 1;
        }
    }
    let shared_routes: BTreeSet<String> =
        routes.into_iter().filter(|(_, count)| *count > 1).map(|(key, _)| key).collect();
    for (name, op) in model.operations.iter() {
        let at = |message: String| -> Diagnostics { Diagnostic::error(message).in_file(source).at_shape(name).into() };
        if let Some(key) = unknown(&op.rest, &[]) {
            return Err(at(format!("botocore operation field `{key}` is not understood; the converter must learn it")));
        }
        // CloudFront's older models name each operation with its API
        // version inside (`AssociateAlias2020_05_31`); the key is the name.
        let versioned =
            |inner: &str| inner.strip_prefix(name).is_some_and(|rest| rest == meta.api_version.replace('-', "_"));
        if op.name.as_deref().is_some_and(|n| n != name && !versioned(n)) {
            return Err(at(format!("the operation is named {:?} inside", op.name.as_deref().unwrap_or_default())));
        }
        // awsJson and the query protocols send every operation as `POST /`;
        // their Smithy form has no @http, and a router could not tell other
        // bindings apart.
        // (Import/Export's query operations name themselves in the URI too,
        // `POST /?Operation=CancelJob`, as its Action parameter does.)
        let bound_elsewhere =
            |h: &&Http| h.method != "POST" || !(h.request_uri == "/" || h.request_uri.starts_with("/?"));
        if let Some(http) = op.http.as_ref().filter(bound_elsewhere).filter(|_| !rest) {
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
        if let Some(http) = op.http.as_ref().filter(|_| rest) {
            // Smithy names a label after its member; botocore after the
            // member's `locationName`.
            let input = op.input.as_ref().and_then(|r| shape_of(&r.shape));
            let mut uri = http.request_uri.clone();
            for (member_name, m) in input.iter().flat_map(|s| members_of(s)) {
                if let (Some("uri"), Some(label)) = (m.location.as_deref(), m.location_name.as_deref()) {
                    uri = uri.replace(&format!("{{{label}}}"), &format!("{{{member_name}}}"));
                    uri = uri.replace(&format!("{{{label}+}}"), &format!("{{{member_name}+}}"));
                }
            }
            // Operations botocore tells apart by their parameters alone (S3's
            // DeleteObject and AbortMultipartUpload, `DELETE /{Bucket}/{Key+}`)
            // are told apart in Smithy by the operation id AWS's SDKs send,
            // `x-id`, as AWS's Smithy model of S3 writes them.
            if shared_routes.contains(&route_key(&http.method, &http.request_uri)) {
                uri.push(if uri.contains('?') { '&' } else { '?' });
                uri.push_str(&format!("x-id={name}"));
            }
            let code = http.response_code.unwrap_or(200);
            traits.insert("smithy.api#http".into(), json!({"method": http.method, "uri": uri, "code": code}));
        }
        if op.unsigned_payload || op.authtype.as_deref() == Some("v4-unsigned-body") {
            traits.insert("aws.auth#unsignedPayload".into(), json!({}));
        }
        if op.http_checksum_required {
            traits.insert("smithy.api#httpChecksumRequired".into(), json!({}));
        }
        if let Some(checksum) = &op.http_checksum {
            const KNOWN: [&str; 4] = [
                "requestAlgorithmMember",
                "requestChecksumRequired",
                "requestValidationModeMember",
                "responseAlgorithms",
            ];
            if let Some(key) = checksum.keys().find(|key| !KNOWN.contains(&key.as_str())) {
                return Err(at(format!("botocore field `httpChecksum.{key}` is not understood")));
            }
            traits.insert("aws.protocols#httpChecksum".into(), json!(checksum));
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
        // `error.fault` (App Mesh's first model) repeats the shape's `fault`.
        let fault_repeated = [("fault", "the shape's own `fault`, repeated")];
        if let Some(key) = shape.error.as_ref().and_then(|e| unknown(&e.rest, &fault_repeated)) {
            return Err(at(format!("botocore field `error.{key}` is not understood; the converter must learn it")));
        }
        if shape.location_name.is_some() && (!xml || !matches!(shape.kind.as_str(), "list" | "structure")) {
            return Err(at("`locationName` on a shape that is not an XML protocol's list or structure".into()));
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
        if shape.kind == "blob" && (shape.streaming || streams(names.get(name).map_or(name, String::as_str))) {
            traits.insert("smithy.api#streaming".into(), json!({}));
        } else if shape.streaming {
            return Err(at("`streaming` on a shape that is not a blob".into()));
        }
        if shape.requires_length {
            traits.insert("smithy.api#requiresLength".into(), json!({}));
        }
        // A structure's element name where it is a document's root (S3's
        // payloads).
        if let Some(name) = shape.location_name.as_ref().filter(|_| shape.kind == "structure") {
            traits.insert("smithy.api#xmlName".into(), json!(name));
        }
        if shape.sparse {
            traits.insert("smithy.api#sparse".into(), json!({}));
        }
        if let Some(namespace) = shape.xml_namespace.as_ref().filter(|_| xml) {
            traits.insert("smithy.api#xmlNamespace".into(), namespace.to_trait());
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
            if !xml && (m.query_name.is_some() || m.xml_attribute || (!rest && m.location_name.is_some())) {
                return Err(at(format!(
                    "`locationName`, `queryName` or `xmlAttribute` on {member_name}: the JSON protocols' Smithy form \
                         cannot say them"
                )));
            }
            if !rest && (m.location.is_some() || m.host_label) {
                return Err(at(format!("`location` or `hostLabel` on {member_name}, outside an HTTP protocol")));
            }
            let target_shape = shape_of(&m.shape);
            // The HTTP bindings, by `location`; `locationName` then names the
            // header, query parameter or label.
            let bound_name = || json!(m.location_name.as_deref().unwrap_or(member_name));
            match m.location.as_deref() {
                None => {}
                Some("uri") => {
                    traits.insert("smithy.api#httpLabel".into(), json!({}));
                }
                Some("querystring") if target_shape.is_some_and(|t| t.kind == "map") => {
                    traits.insert("smithy.api#httpQueryParams".into(), json!({}));
                }
                Some("querystring") => {
                    traits.insert("smithy.api#httpQuery".into(), bound_name());
                }
                Some("header") => {
                    traits.insert("smithy.api#httpHeader".into(), bound_name());
                }
                Some("headers") => {
                    traits
                        .insert("smithy.api#httpPrefixHeaders".into(), json!(m.location_name.as_deref().unwrap_or("")));
                }
                Some("statusCode") => {
                    traits.insert("smithy.api#httpResponseCode".into(), json!({}));
                }
                Some(other) => return Err(at(format!("`location` {other:?} on {member_name} is not understood"))),
            }
            let bound = m.location.is_some();
            if in_structure && shape.payload.as_deref() == Some(member_name) {
                traits.insert("smithy.api#httpPayload".into(), json!({}));
            }
            if m.host_label {
                traits.insert("smithy.api#hostLabel".into(), json!({}));
            }
            if let Some(namespace) = m.xml_namespace.as_ref().filter(|_| xml && !bound) {
                traits.insert("smithy.api#xmlNamespace".into(), namespace.to_trait());
            }
            if let Some(name) = m.location_name.as_ref().filter(|_| rest_json && !bound) {
                traits.insert("smithy.api#jsonName".into(), json!(name));
            }
            // A bound member whose name a body member's JSON key takes (API
            // Gateway's `httpMethod`, a label, beside `integrationHttpMethod`
            // sent as `httpMethod`) keys itself `request<Name>`, as AWS's
            // Smithy model of API Gateway has it: Smithy's JSON names are
            // unique in a structure.
            let taken_by_body = shape.members.iter().flat_map(|members| members.iter()).any(|(other, o)| {
                other != member_name && o.location.is_none() && o.location_name.as_deref() == Some(member_name)
            });
            if rest_json && bound && taken_by_body {
                let mut chars = member_name.chars();
                let capitalised: String =
                    chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
                traits.insert("smithy.api#jsonName".into(), json!(format!("request{capitalised}")));
            }
            // A flattened list's items stand under the referencing
            // member's name in Smithy; botocore names them after the
            // list's member, so that name moves to the reference.
            let flattened = xml && in_structure && (m.flattened || target_shape.is_some_and(|t| t.flattened));
            let item_name = target_shape.and_then(|t| t.member.as_ref()).and_then(|item| item.location_name.clone());
            let location = m.location_name.clone().or(if flattened { item_name } else { None });
            if let Some(name) = location.filter(|_| xml && !bound) {
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
            // A stream that may be absent is empty, as Smithy asks.
            let target_streams = target_shape.is_some_and(|t| t.kind == "blob")
                && (m.streaming || streams(names.get(&m.shape).map_or(m.shape.as_str(), String::as_str)));
            if target_streams && in_structure && !required {
                traits.insert("smithy.api#default".into(), json!(""));
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
            let copy = json_copies
                .get(target_name)
                .filter(|_| m.jsonvalue)
                .or(stream_copies.get(target_name).filter(|_| m.streaming));
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
            let mut traits = traits.clone();
            traits.insert("smithy.api#mediaType".into(), json!("application/json"));
            shapes.push((format!("{namespace}#{copy}"), text(&traits)));
        }
        if let Some(copy) = stream_copies.get(smithy_name) {
            let mut traits = traits.clone();
            traits.insert("smithy.api#streaming".into(), json!({}));
            shapes.push((format!("{namespace}#{copy}"), text(&traits)));
        }
    }

    let entries: Vec<String> = shapes.iter().map(|(id, shape)| format!("{}: {shape}", json!(id))).collect();
    let text = super::indent(&format!("{{\"smithy\": \"2.0\", \"shapes\": {{{}}}}}", entries.join(", ")));
    Ok((text, warnings))
}

/// What requests a route matches: its method, its path with every label
/// alike (`{}`, a greedy one `{+}`) and its query literals in order.
fn route_key(method: &str, uri: &str) -> String {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let segments: Vec<&str> = path
        .trim_end_matches('/')
        .split('/')
        .map(|segment| match (segment.starts_with('{'), segment.ends_with("+}")) {
            (true, true) => "{+}",
            (true, false) => "{}",
            _ => segment,
        })
        .collect();
    let mut literals: Vec<&str> = query.split('&').filter(|literal| !literal.is_empty()).collect();
    literals.sort_unstable();
    format!("{method} {}?{}", segments.join("/"), literals.join("&"))
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
        // SigV4 without the payload's hash: `@unsignedPayload`, beside.
        (None | Some("v4-unsigned-body"), auth) => Ok(auth),
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
        "smithy.api#httpBearerAuth" => Some("smithy.api#httpBearerAuth"),
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
