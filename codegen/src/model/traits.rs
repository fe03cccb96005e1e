//! The traits the generator reads, each parsed here, once, into a typed
//! value: [`Parser::parse`] turns a shape's or member's raw trait values into
//! [`Traits`], reporting what it cannot read. Nothing after the checker
//! looks at a raw trait value again.
//!
//! Which traits are known at all is [`crate::check::rules::rule`]'s to say, and
//! where each may be applied its definition's selector's
//! (`crate::check::trait_definitions`); what is left here is what the generator
//! needs of the values.

use std::collections::BTreeMap;

use serde_json::{Number, Value};

use crate::model::ast;
use crate::model::kind::Kind;
use crate::model::pattern::{Pattern, PatternError};

/// The traits of a shape or member that the generator reads, typed.
/// Absent traits are `None`, `false` or empty.
#[derive(Clone, Debug, Default)]
pub struct Traits {
    /// `@documentation`, as written (CommonMark or HTML).
    pub documentation: Option<String>,
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    pub pattern: Option<Pattern>,
    pub unique_items: bool,
    pub required: bool,
    pub default: Option<DefaultTrait>,
    /// `@enumValue`: an enum member's wire value, or an intEnum member's
    /// integer in decimal.
    pub enum_value: Option<String>,
    /// The legacy `@enum` trait's values.
    pub legacy_enum: Option<Vec<AllowedValue>>,
    pub sensitive: bool,
    /// `@error`.
    pub error: Option<Fault>,
    pub http_error: Option<u16>,
    pub timestamp_format: Option<TimestampFormat>,
    pub sparse: bool,
    pub streaming: bool,
    /// `@eventHeader`: an event's member sent as a typed message header.
    pub event_header: bool,
    /// `@eventPayload`: an event's member sent as the whole message payload.
    pub event_payload: bool,
    /// `@mediaType`.
    pub media_type: Option<String>,
    pub internal: bool,
    pub deprecated: bool,
    pub idempotency_token: bool,
    /// `@jsonName`.
    pub json_name: Option<String>,
    /// `@xmlName`: the element (or attribute) name in XML documents, and
    /// the key in awsQuery requests.
    pub xml_name: Option<String>,
    /// `@xmlNamespace`.
    pub xml_namespace: Option<XmlNamespace>,
    /// `@xmlAttribute`: the member is an attribute of its structure's element.
    pub xml_attribute: bool,
    /// `@xmlFlattened`: a list's items (a map's entries) are repeated in
    /// place of the member, with no wrapping element.
    pub xml_flattened: bool,
    /// `@aws.protocols#ec2QueryName`: the member's key in ec2Query requests.
    pub ec2_query_name: Option<String>,
    /// `@http` on an operation.
    pub http: Option<HttpBinding>,
    /// The member's HTTP binding traits (`@httpLabel`, `@httpQuery`, ...),
    /// in [`BINDING_TRAITS`] order: a member has at most one, and the
    /// checker reports more. A label is [`Binding::Label`] here; lowering
    /// knows which are greedy.
    pub bindings: Vec<Binding>,
    /// `@requestCompression`'s encodings.
    pub request_compression: Vec<String>,
    /// `@endpoint`'s `hostPrefix`.
    pub host_prefix: Option<String>,
    /// `@title`.
    pub title: Option<String>,
    /// The protocol traits on a service, in [`PROTOCOLS`] order.
    pub protocols: Vec<Protocol>,
    /// `@awsQueryCompatible`.
    pub query_compatible: bool,
    /// `@restXml(noErrorWrapping: true)`: errors are `<Error>` documents.
    pub no_error_wrapping: bool,
    /// `@aws.customizations#s3UnwrappedXmlOutput`: the output's one body
    /// member is the document's root.
    pub s3_unwrapped_xml_output: bool,
    /// `@awsQueryError`'s `code`.
    pub query_error_code: Option<String>,
    /// `@awsQueryError`'s `httpResponseCode`: the error's status in the
    /// awsQuery protocol.
    pub query_error_status: Option<u16>,
    /// `@aws.auth#sigv4`'s `name`.
    pub signing_name: Option<String>,
    /// `@trait`: the shape defines a trait and is never generated.
    pub trait_definition: bool,
    /// Traits applied here whose values could not be read (each reported
    /// by [`Parser::parse`]), by id.
    pub unread: Vec<String>,
}

impl Traits {
    /// The HTTP binding the member's traits give it, whatever the role of
    /// its structure (`Body` without one; the first with several).
    pub fn binding(&self) -> Binding {
        self.bindings.first().cloned().unwrap_or_default()
    }

    /// The protocol the service's traits declare (the first, if several).
    pub fn protocol(&self) -> Option<Protocol> {
        self.protocols.first().copied()
    }

    /// Whether any constraint trait (`@length`, `@range`, `@pattern`,
    /// `@uniqueItems`) is applied here.
    pub fn has_constraints(&self) -> bool {
        self.length.is_some() || self.range.is_some() || self.pattern.is_some() || self.unique_items
    }
}

/// `@xmlNamespace`: the namespace URI an element declares, with a prefix
/// (`xmlns:prefix`) or as the default namespace (`xmlns`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlNamespace {
    pub uri: String,
    pub prefix: Option<String>,
}

/// `@default`: a value, or `null` on a member to cancel its target's.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultTrait {
    Null,
    Value(Default),
}

/// The wire protocol a service declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
    RestXml,
    AwsQuery,
    Ec2Query,
    /// `smithy.protocols#rpcv2Cbor`.
    RpcV2Cbor,
    /// `smithy.protocols#rpcv2Json`.
    RpcV2Json,
}

/// The protocol traits, in the order a service declaring several is
/// generated for the first.
pub const PROTOCOLS: [(&str, Protocol); 8] = [
    ("aws.protocols#awsJson1_1", Protocol::AwsJson1_1),
    ("aws.protocols#awsJson1_0", Protocol::AwsJson1_0),
    ("aws.protocols#restJson1", Protocol::RestJson1),
    ("aws.protocols#restXml", Protocol::RestXml),
    ("aws.protocols#awsQuery", Protocol::AwsQuery),
    ("aws.protocols#ec2Query", Protocol::Ec2Query),
    ("smithy.protocols#rpcv2Cbor", Protocol::RpcV2Cbor),
    ("smithy.protocols#rpcv2Json", Protocol::RpcV2Json),
];

impl Protocol {
    /// Whether the protocol binds members to HTTP locations with Smithy's
    /// HTTP binding traits (`@http`, `@httpLabel`, ...): restJson1 and
    /// restXml.
    pub fn binds_http(self) -> bool {
        matches!(self, Protocol::RestJson1 | Protocol::RestXml)
    }

    /// Whether routers serve an operation's event streams in the protocol,
    /// where one is in the operation's input (`input`) or only in its
    /// output: every protocol with event streams serves both, but restXml
    /// output streams only (S3's `SelectObjectContent` is its one, and XML
    /// input streams have no wire form). The query protocols have none:
    /// such operations are answered `NotImplemented`.
    pub fn serves_event_streams(self, input: bool) -> bool {
        match self {
            Protocol::RestXml => !input,
            _ => self.event_format().is_some(),
        }
    }

    /// Whether a service speaking `protocols` (those it serves) serves an
    /// operation's event streams: every protocol must, and lay events out
    /// alike (each event type is read and written one way).
    pub fn all_serve_event_streams(protocols: &[Protocol], input: bool) -> bool {
        let Some(first) = protocols.first() else { return false };
        protocols.iter().all(|p| p.serves_event_streams(input) && p.event_format() == first.event_format())
    }

    /// How the protocol lays out an event's payload document, if it has
    /// event streams.
    pub fn event_format(self) -> Option<EventFormat> {
        match self {
            Protocol::RestJson1 | Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => Some(EventFormat::Json),
            Protocol::RpcV2Json => Some(EventFormat::RpcV2Json),
            Protocol::RpcV2Cbor => Some(EventFormat::Cbor),
            Protocol::RestXml => Some(EventFormat::Xml),
            Protocol::AwsQuery | Protocol::Ec2Query => None,
        }
    }

    /// Whether the protocol's documents are XML (restXml, and the
    /// responses of awsQuery and ec2Query), named by the XML traits.
    pub fn is_xml(self) -> bool {
        matches!(self, Protocol::RestXml | Protocol::AwsQuery | Protocol::Ec2Query)
    }
}

/// How a protocol writes an event's payload document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventFormat {
    /// JSON, as awsJson and restJson1 write bodies.
    Json,
    /// JSON as RPC v2 JSON writes it: timestamps as epoch seconds, big
    /// numbers as strings.
    RpcV2Json,
    /// CBOR (RPC v2 CBOR).
    Cbor,
    /// XML (restXml).
    Xml,
}

/// `@length` or `@range` bounds, kept as written in the model (messages
/// print them that way: `2.2`, not `2.2000000476837`).
#[derive(Clone, Debug, PartialEq)]
pub struct Bounds {
    pub min: Option<Number>,
    pub max: Option<Number>,
}

/// A default value, typed by the shape it applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum Default {
    Boolean(bool),
    Number(Number),
    String(String),
    /// An enum default, by wire value.
    EnumValue(String),
    EmptyList,
    EmptyMap,
    Document(Value),
    /// A blob's bytes (written in base64 in the model).
    Blob(Vec<u8>),
    /// A timestamp: seconds since the epoch and nanoseconds.
    Timestamp(i64, u32),
}

impl Default {
    /// Whether the value is what `Default::default()` gives the Rust type,
    /// so that serde's plain `default` gives it.
    pub fn is_rust_default(&self) -> bool {
        match self {
            Default::Boolean(b) => !b,
            Default::Number(n) => n.as_f64() == Some(0.0),
            Default::String(s) => s.is_empty(),
            Default::EmptyList | Default::EmptyMap => true,
            Default::Blob(bytes) => bytes.is_empty(),
            // `Timestamp` has no `Default`: a function gives even the epoch.
            Default::EnumValue(_) | Default::Document(_) | Default::Timestamp(..) => false,
        }
    }
}

/// One value a string with the legacy `@enum` trait, or an `intEnum`, may take.
#[derive(Clone, Debug, PartialEq)]
pub struct AllowedValue {
    /// The wire value (an integer's decimal digits for `intEnum`).
    pub value: String,
    /// Whether validation messages list it (internal values are accepted
    /// but not advertised).
    pub listed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Client,
    Server,
}

/// How a timestamp is written on the wire (`@timestampFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Seconds since the Unix epoch, a JSON number (the awsJson default).
    EpochSeconds,
    /// RFC 3339 text.
    DateTime,
    /// RFC 7231 IMF-fixdate text.
    HttpDate,
}

/// An operation's `@http` trait: its method, URI pattern and success code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpBinding {
    /// The method as written (`GET`, `PUT`).
    pub method: String,
    /// The URI pattern as written (`/things/{id}?mode=fast`).
    pub uri: String,
    /// The pattern's path segments, in order; `/` has none (a trailing `/`
    /// adds none either: it is optional).
    pub segments: Vec<UriSegment>,
    /// The literals of the pattern's query string, in order: a request
    /// matches only if it has each of them.
    pub query: Vec<QueryLiteral>,
    /// The status code of a successful response: `code`, 200 by default.
    pub code: u16,
}

impl HttpBinding {
    /// The labels of the URI pattern, in order, with whether each is greedy.
    pub fn labels(&self) -> impl Iterator<Item = (&str, bool)> {
        self.segments.iter().filter_map(|segment| match segment {
            UriSegment::Literal(_) => None,
            UriSegment::Label(name) => Some((name.as_str(), false)),
            UriSegment::GreedyLabel(name) => Some((name.as_str(), true)),
        })
    }
}

/// One path segment of a URI pattern.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum UriSegment {
    /// Matched exactly, as written (not percent-decoded).
    Literal(String),
    /// `{name}`: one segment, bound to the input member `name`.
    Label(String),
    /// `{name+}`: one or more segments, `/` included, bound to the input
    /// member `name`.
    GreedyLabel(String),
}

/// A literal of a URI pattern's query string: `key` or `key=value`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueryLiteral {
    pub key: String,
    /// `None` for a bare key (`?key`), `Some` for `?key=value` (possibly
    /// `Some("")` for `?key=`).
    pub value: Option<String>,
}

/// Where a member of an operation's input, output or error structure
/// travels in the HTTP message (Smithy's HTTP binding traits).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Binding {
    /// No binding trait: a member of the protocol's document in the body.
    #[default]
    Body,
    /// `@httpLabel` bound to a `{name}` label of the operation's URI.
    Label,
    /// `@httpLabel` bound to a greedy `{name+}` label of the operation's URI.
    GreedyLabel,
    /// `@httpQuery("name")`: the query string parameter `name`.
    Query(String),
    /// `@httpQueryParams`: a map of the query string's other parameters.
    QueryParams,
    /// `@httpHeader("Name")`: the header `Name`.
    Header(String),
    /// `@httpPrefixHeaders("prefix")`: a map of the headers whose names
    /// start with `prefix` (case-insensitively), keyed by the rest.
    PrefixHeaders(String),
    /// `@httpPayload`: the whole body.
    Payload,
    /// `@httpResponseCode`: the response's status code.
    ResponseCode,
}

/// The role a top-level structure plays in an operation: which HTTP
/// message it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// An operation's input: the request.
    Input,
    /// An operation's output: the success response.
    Output,
    /// One of an operation's errors: an error response.
    Error,
}

impl Binding {
    /// Whether the binding applies to a structure in `role`: labels and
    /// query bindings are for requests only, the response code for outputs
    /// only; headers and payloads apply to all three.
    pub fn applies_to(&self, role: Role) -> bool {
        match self {
            Binding::Label | Binding::GreedyLabel | Binding::Query(_) | Binding::QueryParams => role == Role::Input,
            Binding::ResponseCode => role == Role::Output,
            Binding::Body | Binding::Header(_) | Binding::PrefixHeaders(_) | Binding::Payload => true,
        }
    }

    /// The binding in force in `role`: this one where it applies, else
    /// `Body` (Smithy ignores the trait there, and the member travels in
    /// the document like any other).
    pub fn in_role(&self, role: Role) -> &Binding {
        if self.applies_to(role) { self } else { &Binding::Body }
    }

    /// The name of the trait that gives the binding (`httpLabel`).
    pub fn trait_name(&self) -> &'static str {
        match self {
            Binding::Body => "",
            Binding::Label | Binding::GreedyLabel => "httpLabel",
            Binding::Query(_) => "httpQuery",
            Binding::QueryParams => "httpQueryParams",
            Binding::Header(_) => "httpHeader",
            Binding::PrefixHeaders(_) => "httpPrefixHeaders",
            Binding::Payload => "httpPayload",
            Binding::ResponseCode => "httpResponseCode",
        }
    }
}

/// The member binding traits, in the order [`Traits::bindings`] lists them.
pub const BINDING_TRAITS: [&str; 7] = [
    "smithy.api#httpLabel",
    "smithy.api#httpQuery",
    "smithy.api#httpQueryParams",
    "smithy.api#httpHeader",
    "smithy.api#httpPrefixHeaders",
    "smithy.api#httpPayload",
    "smithy.api#httpResponseCode",
];

/// What a trait's value is applied to: the kind its value is about (a
/// member's target's kind, or the enum a member is of) and, for a member,
/// the kind of its container.
#[derive(Clone, Copy, Debug)]
pub struct Applied {
    pub kind: Kind,
    pub member_of: Option<Kind>,
}

/// A trait value the generator cannot read: what is wrong, and how to
/// fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub message: String,
    pub help: String,
    /// A warning rather than an error.
    pub warning: bool,
}

impl Problem {
    fn error(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem { message: message.into(), help: help.into(), warning: false }
    }
}

/// Reads trait values into [`Traits`], parsing each `@pattern` source once
/// however many places apply it.
#[derive(Default)]
pub struct Parser {
    patterns: BTreeMap<String, Result<Pattern, PatternError>>,
}

impl Parser {
    /// The typed traits of `raw`, applied as `applied` says. Values that do
    /// not fit are reported in `problems` and left out.
    pub fn parse(&mut self, raw: &ast::Traits, applied: Applied, problems: &mut Vec<Problem>) -> Traits {
        let mut traits = Traits::default();
        let string = |id: &str| raw.get(id).and_then(Value::as_str).map(str::to_string);
        traits.documentation = string("smithy.api#documentation");
        traits.title = string("smithy.api#title");
        traits.json_name = string("smithy.api#jsonName");
        traits.xml_name = string("smithy.api#xmlName");
        traits.ec2_query_name = string("aws.protocols#ec2QueryName");
        traits.xml_namespace = raw.get("smithy.api#xmlNamespace").and_then(|v| {
            let uri = v.get("uri")?.as_str()?.to_string();
            Some(XmlNamespace { uri, prefix: v.get("prefix").and_then(Value::as_str).map(str::to_string) })
        });
        traits.media_type = string("smithy.api#mediaType");
        let has = |id: &str| raw.contains_key(id);
        traits.unique_items = has("smithy.api#uniqueItems");
        traits.required = has("smithy.api#required");
        traits.sensitive = has("smithy.api#sensitive");
        traits.sparse = has("smithy.api#sparse");
        traits.streaming = has("smithy.api#streaming");
        traits.event_header = has("smithy.api#eventHeader");
        traits.event_payload = has("smithy.api#eventPayload");
        traits.internal = has("smithy.api#internal");
        traits.deprecated = has("smithy.api#deprecated");
        traits.idempotency_token = has("smithy.api#idempotencyToken");
        traits.xml_attribute = has("smithy.api#xmlAttribute");
        traits.xml_flattened = has("smithy.api#xmlFlattened");
        traits.query_compatible = has("aws.protocols#awsQueryCompatible");
        traits.s3_unwrapped_xml_output = has("aws.customizations#s3UnwrappedXmlOutput");
        traits.no_error_wrapping =
            raw.get("aws.protocols#restXml").and_then(|v| v.get("noErrorWrapping")?.as_bool()).unwrap_or(false);
        traits.trait_definition = has("smithy.api#trait");
        traits.protocols = PROTOCOLS.iter().filter(|(id, _)| has(id)).map(|(_, p)| *p).collect();
        traits.signing_name = raw.get("aws.auth#sigv4").and_then(|v| v.get("name")?.as_str()).map(str::to_string);
        traits.query_error_code =
            raw.get("aws.protocols#awsQueryError").and_then(|v| v.get("code")?.as_str()).map(str::to_string);
        traits.query_error_status = raw
            .get("aws.protocols#awsQueryError")
            .and_then(|v| v.get("httpResponseCode")?.as_u64())
            .and_then(|status| u16::try_from(status).ok());
        traits.host_prefix =
            raw.get("smithy.api#endpoint").and_then(|v| v.get("hostPrefix")?.as_str()).map(str::to_string);
        traits.request_compression = raw
            .get("smithy.api#requestCompression")
            .and_then(|v| v.get("encodings")?.as_array())
            .map(|encodings| encodings.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        traits.error = raw.get("smithy.api#error").and_then(Value::as_str).map(|fault| match fault {
            "server" => Fault::Server,
            _ => Fault::Client,
        });
        traits.timestamp_format =
            raw.get("smithy.api#timestampFormat").and_then(Value::as_str).and_then(|format| match format {
                "date-time" => Some(TimestampFormat::DateTime),
                "http-date" => Some(TimestampFormat::HttpDate),
                "epoch-seconds" => Some(TimestampFormat::EpochSeconds),
                _ => None,
            });
        traits.bindings = BINDING_TRAITS.iter().filter_map(|id| binding(id, raw.get(*id)?)).collect();

        for (trait_id, value) in raw {
            let reported = problems.len();
            let bad = |what: &str| {
                Problem::error(format!("{trait_id} {what}"), format!("see the Smithy 2.0 specification of {trait_id}"))
            };
            match trait_id.as_str() {
                "smithy.api#length" => traits.length = bounds(trait_id, value, true, problems),
                "smithy.api#range" => {
                    let kind = applied.kind;
                    traits.range = bounds(trait_id, value, kind.is_integer(), problems);
                    if let Some((lo, hi)) = kind.integer_bounds() {
                        for key in ["min", "max"] {
                            if let Some(n) = value.get(key).and_then(Value::as_i64) {
                                if i128::from(n) < lo || i128::from(n) > hi {
                                    problems.push(Problem::error(
                                        format!("{trait_id} {key} {n} is outside the {kind} type"),
                                        format!("use a bound between {lo} and {hi}"),
                                    ));
                                }
                            }
                        }
                    }
                }
                // A value that is not a string is reported against the
                // trait's definition.
                "smithy.api#pattern" => {
                    let Some(source) = value.as_str() else { continue };
                    match self.patterns.entry(source.to_string()).or_insert_with(|| Pattern::parse(source)) {
                        Ok(pattern) => {
                            for warning in &pattern.warnings {
                                problems.push(Problem {
                                    message: format!("pattern {source:?} {warning}"),
                                    help: String::new(),
                                    warning: true,
                                });
                            }
                            traits.pattern = Some(pattern.clone());
                        }
                        Err(e) => problems.push(Problem::error(
                            format!("pattern {source:?} {e}"),
                            "Smithy patterns use ECMA-262 (JavaScript) syntax; fix the expression",
                        )),
                    }
                }
                "smithy.api#enumValue" => match (applied.kind, value) {
                    (Kind::Enum, Value::String(text)) => traits.enum_value = Some(text.clone()),
                    (Kind::Enum, _) => problems.push(bad("must be a string on enum members")),
                    (Kind::IntEnum, value) => match value.as_i64().and_then(|v| i32::try_from(v).ok()) {
                        Some(v) => traits.enum_value = Some(v.to_string()),
                        None => problems.push(bad("must be a 32-bit integer on intEnum members")),
                    },
                    _ => {}
                },
                "smithy.api#enum" => match value.as_array() {
                    Some(entries) if entries.is_empty() => problems.push(bad("must list at least one value")),
                    Some(entries) => traits.legacy_enum = Some(entries.iter().map(allowed_value).collect()),
                    None => {}
                },
                "smithy.api#httpError" => match value.as_u64() {
                    Some(code @ 200..=599) => traits.http_error = u16::try_from(code).ok(),
                    Some(_) => problems.push(bad("must be an HTTP status code")),
                    None => {}
                },
                "smithy.api#http" => match parse_http(value) {
                    Ok(http) => traits.http = Some(http),
                    Err(why) => problems.push(Problem::error(
                        format!("@http {why}"),
                        "see the specification of the http trait: https://smithy.io/2.0/spec/http-bindings.html#http-trait",
                    )),
                },
                "smithy.api#default" => match default_value(applied, value) {
                    Ok(default) => traits.default = Some(default),
                    Err(problem) => problems.push(problem),
                },
                _ => {}
            }
            if problems[reported..].iter().any(|p| !p.warning) {
                traits.unread.push(trait_id.clone());
            }
        }
        traits
    }
}

fn binding(id: &str, value: &Value) -> Option<Binding> {
    let text = || value.as_str().unwrap_or_default().to_string();
    Some(match id {
        "smithy.api#httpLabel" => Binding::Label,
        "smithy.api#httpQuery" => Binding::Query(text()),
        "smithy.api#httpQueryParams" => Binding::QueryParams,
        "smithy.api#httpHeader" => Binding::Header(text()),
        "smithy.api#httpPrefixHeaders" => Binding::PrefixHeaders(text()),
        "smithy.api#httpPayload" => Binding::Payload,
        "smithy.api#httpResponseCode" => Binding::ResponseCode,
        _ => return None,
    })
}

/// An entry of the legacy `@enum` trait (entries tagged `internal` are not
/// listed in messages).
fn allowed_value(entry: &Value) -> AllowedValue {
    let tags = entry.get("tags").and_then(Value::as_array);
    AllowedValue {
        value: entry.get("value").and_then(Value::as_str).unwrap_or_default().to_string(),
        listed: !tags.is_some_and(|tags| tags.iter().any(|t| t == "internal")),
    }
}

/// `@length` and `@range`: numbers, `min <= max`, and for lengths and
/// integer ranges, whole numbers. Values that are not objects of numbers
/// are reported against the trait's definition; these are the rules it
/// cannot state.
fn bounds(trait_id: &str, value: &Value, whole: bool, problems: &mut Vec<Problem>) -> Option<Bounds> {
    let object = value.as_object()?;
    let mut numbers = [None, None];
    let mut ok = true;
    for (key, bound) in object {
        let slot = match key.as_str() {
            "min" => 0,
            "max" => 1,
            _ => continue,
        };
        let Some(number) = bound.as_f64() else { continue };
        // A bound read as a float may still be whole (`1e21`, past u64).
        if whole && !(bound.is_i64() || bound.is_u64() || number.fract() == 0.0) {
            problems.push(Problem::error(
                format!("{trait_id} {key} must be a whole number"),
                "integer types and lengths take whole-number bounds",
            ));
            ok = false;
            continue;
        }
        if trait_id == "smithy.api#length" && number < 0.0 {
            problems.push(Problem::error(format!("{trait_id} {key} is negative"), "lengths start at 0"));
            ok = false;
            continue;
        }
        numbers[slot] = Some(number);
    }
    if let [Some(min), Some(max)] = numbers {
        if min > max {
            problems.push(Problem::error(
                format!("{trait_id} min ({}) is greater than max ({})", object["min"], object["max"]),
                "swap the bounds or fix the one that is wrong",
            ));
            ok = false;
        }
    }
    ok.then(|| Bounds {
        min: value.get("min").and_then(|v| v.as_number().cloned()),
        max: value.get("max").and_then(|v| v.as_number().cloned()),
    })
}

/// Reads an `@http` trait's value: the method, the URI pattern and its
/// parts, and the success code. The error says what is wrong with it.
pub fn parse_http(value: &Value) -> Result<HttpBinding, String> {
    let method = value.get("method").and_then(Value::as_str).ok_or("needs a `method`")?;
    if !is_token(method) {
        return Err(format!("method {method:?} is not an HTTP method (a token such as GET or PUT)"));
    }
    let uri = value.get("uri").and_then(Value::as_str).ok_or("needs a `uri`")?;
    let (segments, query) = parse_uri(uri).map_err(|why| format!("URI pattern `{uri}` is invalid: {why}"))?;
    let code = match value.get("code") {
        None => 200,
        Some(code) => code
            .as_u64()
            .filter(|code| (100..=999).contains(code))
            .and_then(|code| u16::try_from(code).ok())
            .ok_or_else(|| format!("code {code} is not an HTTP status code (100 to 999)"))?,
    };
    Ok(HttpBinding { method: method.to_string(), uri: uri.to_string(), segments, query, code })
}

/// Parses a URI pattern into its path segments and query literals, by the
/// runtime's own parser: the grammar and its rules live once, where the
/// generated router reads the same patterns (`awsgen_runtime::protocol::rest_json`).
pub fn parse_uri(uri: &str) -> Result<(Vec<UriSegment>, Vec<QueryLiteral>), String> {
    use awsgen_runtime::protocol::rest::{Segment, UriPattern};
    let pattern = UriPattern::parse(uri).map_err(|e| e.problem().to_string())?;
    let segments = pattern
        .segments()
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => UriSegment::Literal(text.clone()),
            Segment::Label(name) => UriSegment::Label(name.clone()),
            Segment::GreedyLabel(name) => UriSegment::GreedyLabel(name.clone()),
        })
        .collect();
    let query = pattern
        .query_literals()
        .iter()
        .map(|literal| QueryLiteral { key: literal.key.clone(), value: literal.value.clone() })
        .collect();
    Ok((segments, query))
}

/// An RFC 9110 token: what header names and methods are made of.
pub fn is_token(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// A `@default` value read for the kind it applies to.
fn default_value(applied: Applied, value: &Value) -> Result<DefaultTrait, Problem> {
    let kind = applied.kind;
    let misfit = || {
        Problem::error(
            format!("@default {value} does not fit a {kind}"),
            "use a value of the target's type (lists and maps may only default to empty)",
        )
    };
    let default = match value {
        // `@default(null)` on a member cancels the target's default.
        Value::Null if applied.member_of.is_some() => return Ok(DefaultTrait::Null),
        Value::Null => return Err(misfit()),
        // A document may default to any value.
        value if kind == Kind::Document => Default::Document(value.clone()),
        Value::Bool(b) if kind == Kind::Boolean => Default::Boolean(*b),
        Value::Number(n) => match kind.integer_bounds() {
            Some((lo, hi)) if n.as_i64().is_some_and(|n| (lo..=hi).contains(&i128::from(n))) => {
                Default::Number(n.clone())
            }
            Some(_) => return Err(misfit()),
            // Any whole number: the model reads numbers as 64-bit, so a
            // large one arrives as a whole float.
            None if kind == Kind::BigInteger => {
                if !(n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)) {
                    return Err(misfit());
                }
                Default::Number(n.clone())
            }
            // Timestamps default to epoch seconds.
            None if kind == Kind::Timestamp => timestamp_default(n)?,
            None if matches!(kind, Kind::Float | Kind::Double | Kind::BigDecimal) => Default::Number(n.clone()),
            None => return Err(misfit()),
        },
        Value::String(s) => match kind {
            Kind::String => Default::String(s.clone()),
            // Whether the enum has the value is checked where the enum is
            // known (`crate::check`).
            Kind::Enum => Default::EnumValue(s.clone()),
            Kind::Blob => {
                use base64::Engine as _;
                let bytes = base64::engine::general_purpose::STANDARD.decode(s).map_err(|_| {
                    Problem::error(
                        format!("the @default \"{s}\" of a blob is not base64"),
                        "write a blob's default in base64 (RFC 4648, padded): \"YWJj\" is `abc`",
                    )
                })?;
                Default::Blob(bytes)
            }
            // Smithy reads a timestamp's string default as a date-time.
            Kind::Timestamp => {
                let at = awsgen_runtime::Timestamp::parse_date_time(s).map_err(|e| {
                    Problem::error(
                        format!("the @default of a timestamp is not a date-time: {e}"),
                        "write it as RFC 3339 in UTC (`1985-04-12T23:20:50.52Z`), or as epoch seconds (a number)",
                    )
                })?;
                Default::Timestamp(at.epoch_seconds(), at.subsec_nanos())
            }
            _ => return Err(misfit()),
        },
        Value::Array(items) if kind == Kind::List && items.is_empty() => Default::EmptyList,
        Value::Object(entries) if kind == Kind::Map && entries.is_empty() => Default::EmptyMap,
        _ => return Err(misfit()),
    };
    Ok(DefaultTrait::Value(default))
}

/// A timestamp default, written as epoch seconds (a fraction allowed).
fn timestamp_default(n: &Number) -> Result<Default, Problem> {
    // Timestamps are kept to the microsecond, as the runtime keeps them.
    let (seconds, nanos) = match (n.as_i64(), n.as_f64()) {
        (Some(seconds), _) => (seconds, 0),
        (None, Some(f)) if f.is_finite() && f.abs() < 1e15 => {
            let seconds = f.floor();
            let micros = ((f - seconds) * 1e6).round() as u32;
            if micros >= 1_000_000 { (seconds as i64 + 1, 0) } else { (seconds as i64, micros * 1000) }
        }
        _ => {
            return Err(Problem::error(
                format!("@default {n} is not a timestamp in epoch seconds"),
                "write a timestamp's default as epoch seconds or as an RFC 3339 date-time",
            ));
        }
    };
    Ok(Default::Timestamp(seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segments(uri: &str) -> Vec<UriSegment> {
        parse_uri(uri).unwrap_or_else(|e| panic!("{uri}: {e}")).0
    }

    #[test]
    fn uri_patterns_parse_into_segments_and_query_literals() {
        use UriSegment::*;
        assert_eq!(segments("/"), vec![]);
        assert_eq!(segments("/foo/"), vec![Literal("foo".into())]);
        assert_eq!(
            segments("/a/{b}/c/{d+}"),
            vec![Literal("a".into()), Label("b".into()), Literal("c".into()), GreedyLabel("d".into())]
        );
        assert_eq!(segments("/prefix/{key+}/suffix").len(), 3);
        assert_eq!(segments("/ReDosLiteral/{str}/(a+)+")[2], Literal("(a+)+".into()));
        let (_, query) = parse_uri("/x/{hello}?foo=bar&hello&empty=").unwrap();
        assert_eq!(
            query,
            vec![
                QueryLiteral { key: "foo".into(), value: Some("bar".into()) },
                QueryLiteral { key: "hello".into(), value: None },
                QueryLiteral { key: "empty".into(), value: Some(String::new()) },
            ]
        );
    }

    #[test]
    fn bad_uri_patterns_say_why() {
        // The runtime's parser (`awsgen_runtime::rest::UriPattern`) words them.
        for (uri, why) in [
            ("foo", "must start with `/`"),
            ("/foo#bar", "fragment"),
            ("/foo?", "must not end with `?`"),
            ("/a//b", "path segment 2 is empty"),
            ("//", "path segment 1 is empty"),
            ("/a/../b", "dot-segment `..`"),
            ("/{foo}bar", "mixes literal text and a label"),
            ("/{foo}/{Foo}", "the same name ignoring case"),
            ("/{a+}/{b+}", "one greedy label"),
            ("/{a b}", "not a Smithy identifier"),
            ("/{}", "has no name"),
            ("/x?{a}", "labels are not allowed in the query string"),
            ("/x?a&a=1", "`a` appears twice"),
            ("/x?=1", "has no key"),
            ("/service/小路", "percent-encode it"),
            ("/100%", "not followed by two hexadecimal digits"),
        ] {
            let error = parse_uri(uri).expect_err(uri);
            assert!(error.contains(why), "{uri}: {error}");
        }
        // Smithy 2.0 allows labels after a greedy label, where the patterns do not conflict.
        assert!(parse_uri("/{a+}/x/{b}").is_ok());
        assert!(parse_uri("/a/%20b/{c+}/d").is_ok());
    }

    #[test]
    fn http_traits_read_method_uri_and_code() {
        let http = parse_http(&json!({"method": "PUT", "uri": "/things/{id}", "code": 201})).unwrap();
        assert_eq!((http.method.as_str(), http.code), ("PUT", 201));
        assert_eq!(http.labels().collect::<Vec<_>>(), vec![("id", false)]);
        assert_eq!(parse_http(&json!({"method": "GET", "uri": "/"})).unwrap().code, 200);
        assert!(parse_http(&json!({"method": "GET", "uri": "/", "code": 1000})).unwrap_err().contains("code 1000"));
        assert!(parse_http(&json!({"method": "G T", "uri": "/"})).unwrap_err().contains("not an HTTP method"));
    }

    #[test]
    fn member_bindings_come_from_their_traits() {
        let binding = |id: &str, value: Value| {
            let raw = ast::Traits::from([(format!("smithy.api#{id}"), value)]);
            let applied = Applied { kind: Kind::String, member_of: Some(Kind::Structure) };
            Parser::default().parse(&raw, applied, &mut Vec::new()).binding()
        };
        assert_eq!(Traits::default().binding(), Binding::Body);
        assert_eq!(binding("httpLabel", json!({})), Binding::Label);
        assert_eq!(binding("httpQuery", json!("q")), Binding::Query("q".into()));
        assert_eq!(binding("httpHeader", json!("X-A")), Binding::Header("X-A".into()));
        assert_eq!(binding("httpPrefixHeaders", json!("")), Binding::PrefixHeaders(String::new()));
        assert_eq!(binding("httpResponseCode", json!({})), Binding::ResponseCode);
        assert_eq!(Binding::Query("q".into()).in_role(Role::Output), &Binding::Body);
        assert_eq!(Binding::ResponseCode.in_role(Role::Error), &Binding::Body);
        assert_eq!(Binding::Payload.in_role(Role::Error), &Binding::Payload);
    }
}
