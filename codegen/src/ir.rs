//! The intermediate representation that emitters read.
//!
//! [`crate::lower`] builds it from a checked model; the passes in
//! [`crate::passes`] fill in types, Rust names and boxing. Emitters only
//! read a finished IR and never look at the Smithy model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::{Number, Value};

use crate::ast::Traits;
use crate::pattern::{Pattern, Patterns};

/// One service: a Smithy service shape and everything its operations reach.
#[derive(Clone, Debug)]
pub struct Service {
    /// Absolute shape id of the service.
    pub id: String,
    /// The Smithy name (`AmazonSSM`); awsJson targets are `<name>.<Operation>`.
    pub name: String,
    /// The Rust module the service is generated into (`ssm`).
    pub module: String,
    /// The file the service shape is in.
    pub file: PathBuf,
    pub title: Option<String>,
    pub version: Option<String>,
    pub protocol: Option<Protocol>,
    /// `@awsQueryCompatible`: errors also carry their awsQuery code in the
    /// `x-amzn-query-error` header.
    pub query_compatible: bool,
    /// The service's `rename` map: shape id to the name the shape has in
    /// the service, which its Rust type takes (the name pass reads it).
    pub rename: BTreeMap<String, String>,
    /// `@aws.auth#sigv4`'s `name`: what SigV4 credentials for the service
    /// are scoped to, which its router holds requests to.
    pub signing_name: Option<String>,
    pub docs: Docs,
    /// Operations in name order.
    pub operations: Vec<Operation>,
    /// Shapes that become Rust types (structures, unions, enums), by id.
    pub shapes: BTreeMap<String, Shape>,
    /// Simple, list and map shapes by id: read by the resolve pass only.
    pub targets: BTreeMap<String, Target>,
    /// List and map shapes written as Rust type aliases, by id: set by the
    /// alias pass where a member's inline type would be too complex.
    pub aliases: BTreeMap<String, Alias>,
    /// The service trait (`AmazonSsm`), set by the name pass.
    pub trait_name: String,
    /// The router over the trait (`AmazonSsmRouter`), set by the name pass.
    pub router_name: String,
    /// Every name in the service's type scope (shapes, operation markers,
    /// error enums, the trait and the router), set by the name pass. Where one
    /// of them is also the short name of a std or runtime item, emitters write
    /// that item's full path instead.
    pub type_scope: BTreeSet<String>,
    /// The statics of `validation.rs`, planned by the validation pass and
    /// named by the name pass.
    pub validation: Validation,
    /// Every `@pattern` of the model, by its source: parsed once, by the
    /// checker.
    pub patterns: Patterns,
}

impl Service {
    /// Whether the service gets a trait and a router: it speaks awsJson or
    /// restJson1.
    pub fn has_router(&self) -> bool {
        matches!(self.protocol, Some(Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RestJson1))
    }
}

/// The static tables of a service's `validation.rs`.
#[derive(Clone, Debug, Default)]
pub struct Validation {
    /// Structures, unions and enums reachable from operation inputs and
    /// outputs, by id, with the name of each one's static.
    pub shapes: BTreeMap<String, String>,
    /// List and map shapes that places use with exactly their own
    /// constraints, by id: one static each, shared by every such place.
    pub collections: BTreeMap<String, Collection>,
    /// Every pattern in force at a reachable place, by source: one static
    /// each, compiled once.
    pub patterns: BTreeMap<String, PatternStatic>,
    /// Every name in the module's scope (the statics above and the lookup
    /// functions), set by the name pass.
    pub scope: BTreeSet<String>,
}

/// A list or map shape's validation static.
#[derive(Clone, Debug)]
pub struct Collection {
    /// The place's type, with the shape's own constraints.
    pub ty: TypeRef,
    /// Set by the name pass.
    pub static_name: String,
}

/// A pattern's validation static.
#[derive(Clone, Debug)]
pub struct PatternStatic {
    pub pattern: Pattern,
    /// The shape the static is named after (the first, by id, that uses it).
    pub named_after: String,
    /// Set by the name pass.
    pub static_name: String,
}

/// The wire protocol a service declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

impl Protocol {
    /// Whether the protocol binds members to HTTP locations with Smithy's
    /// HTTP binding traits (`@http`, `@httpLabel`, ...), which lowering
    /// reads into [`Operation::http`] and [`Member::binding`]. Only
    /// restJson1 for now; restXml will join it when it is generated.
    pub fn binds_http(self) -> bool {
        self == Protocol::RestJson1
    }
}

/// Documentation as Markdown lines.
pub type Docs = Vec<String>;

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    /// The Smithy name, also the wire name.
    pub name: String,
    pub file: PathBuf,
    pub docs: Docs,
    pub input: Option<String>,
    pub output: Option<String>,
    /// The operation's errors and the service's common errors, by id.
    pub errors: Vec<OperationError>,
    /// Module (`get_maintenance_window_execution_task`), also the service
    /// trait's method; set by the name pass.
    pub module: String,
    /// Marker type (`GetMaintenanceWindowExecutionTask`), set by the name pass.
    pub rust_name: String,
    /// The enum of the operation's errors, set by the name pass.
    pub error_enum: String,
    /// The error enum's variant for errors the model does not list, set by
    /// the name pass.
    pub unmodelled_variant: String,
    pub deprecated: bool,
    /// `@requestCompression` lists gzip: the request body may come gzipped.
    pub gzip_requests: bool,
    /// Set when the input or output has an event stream member: such
    /// operations get their types and a trait method, but are not served.
    pub event_stream: Option<EventStream>,
    /// Why routers answer the operation `NotImplemented` without calling
    /// its method, if they do: its types and trait method are generated.
    pub unserved: Option<Unserved>,
    /// The operation's `@http` trait, for services whose protocol binds
    /// members to HTTP ([`Protocol::binds_http`]); `None` for the others,
    /// which ignore it.
    pub http: Option<HttpBinding>,
}

/// A list or map shape written as a Rust type alias (`pub type NestedMap =
/// BTreeMap<...>;` in `types.rs`), which every place of the shape holds.
#[derive(Clone, Debug)]
pub struct Alias {
    pub id: String,
    /// The shape's name in the model.
    pub name: String,
    pub docs: Docs,
    /// The collection's type, as a place of it has it.
    pub ty: TypeRef,
    /// Set by the name pass.
    pub rust_name: String,
}

/// Why an operation is generated but not served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unserved {
    /// Its input or output has an event stream.
    EventStream,
    /// Its input or output has a `@streaming` blob, and the protocol has no
    /// HTTP payload to carry it (awsJson).
    ByteStream,
}

impl Unserved {
    /// Why, after the operation's name: `GetFoo has an event stream, ...`.
    pub fn why(self) -> &'static str {
        match self {
            Unserved::EventStream => "has an event stream, which this server does not serve yet",
            Unserved::ByteStream => "has a @streaming blob, which its protocol (awsJson) has no HTTP payload to carry",
        }
    }
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

/// One of an operation's errors.
#[derive(Clone, Debug)]
pub struct OperationError {
    /// The error structure's shape id.
    pub id: String,
    /// Its variant in the operation's error enum, set by the name pass.
    pub variant: String,
}

/// Where an operation's event stream is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventStream {
    /// Whether the stream is in the input (else the output).
    pub input: bool,
    /// The member that holds it.
    pub member: String,
    /// The `@streaming` union of its events.
    pub union: String,
}

/// Where a shape's Rust type is emitted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Placement {
    /// The input or output of one operation (by Smithy name): that
    /// operation's module.
    Operation(String),
    /// An error structure: the service's `error` module.
    Errors,
    /// Everything else: the service's `types` module.
    Types,
}

/// A shape that becomes a Rust type.
#[derive(Clone, Debug)]
pub struct Shape {
    pub id: String,
    /// The Smithy name.
    pub name: String,
    /// Set by the name pass.
    pub rust_name: String,
    pub file: PathBuf,
    pub docs: Docs,
    pub sensitive: bool,
    pub deprecated: bool,
    pub placement: Placement,
    pub kind: ShapeKind,
    /// The shape's own traits: the resolve pass reads an enum's constraint
    /// traits (`@length`, `@pattern`) from them.
    pub traits: Traits,
    /// An enum's own `@length` and `@pattern` (enums are strings), set by
    /// the resolve pass; empty for other shapes.
    pub constraints: Constraints,
    /// Whether a server reads or writes the type; set by the direction pass.
    pub direction: Direction,
}

/// Which ways a server moves a type over the wire: read (`Deserialize`) as
/// part of a request, written (`Serialize`) as part of a response or error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Direction {
    pub read: bool,
    pub written: bool,
}

#[derive(Clone, Debug)]
pub enum ShapeKind {
    Structure(Structure),
    Union(Vec<Member>),
    Enum(Vec<EnumValue>),
}

#[derive(Clone, Debug)]
pub struct Structure {
    pub members: Vec<Member>,
    /// Set for `@error` structures.
    pub error: Option<ErrorInfo>,
}

/// How an error structure is reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorInfo {
    pub fault: Fault,
    /// `@httpError`, or 400 for client and 500 for server errors.
    pub http_status: u16,
    /// `@awsQueryError`'s code: the error's name in the awsQuery protocol,
    /// sent in `x-amzn-query-error` by awsQuery-compatible services.
    pub query_code: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Client,
    Server,
}

#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The Smithy member name.
    pub name: String,
    /// Set by the name pass.
    pub rust_name: String,
    /// The wire value.
    pub value: String,
    pub docs: Docs,
    pub deprecated: bool,
    /// `@internal`: accepted, but left out of the values listed in
    /// validation messages.
    pub internal: bool,
}

/// A member of a structure or union.
#[derive(Clone, Debug)]
pub struct Member {
    /// The wire name, exactly as in the model.
    pub name: String,
    /// Set by the name pass.
    pub rust_name: String,
    pub docs: Docs,
    /// The member's own traits; the resolve pass reads them.
    pub traits: Traits,
    /// The value type with its constraints; set by the resolve pass.
    pub ty: TypeRef,
    pub required: bool,
    /// The default when absent (member `@default`, else the target's).
    pub default: Option<Default>,
    /// Whether the member holds sensitive data anywhere inside its value
    /// (through lists and maps): its value is never printed.
    pub sensitive: bool,
    /// Set by the recursion pass where the type contains itself directly.
    pub boxed: bool,
    /// The associated function that gives the default where
    /// `Default::default()` would not (see [`Default::is_rust_default`]);
    /// set by the name pass.
    pub default_fn: Option<String>,
    pub idempotency_token: bool,
    pub deprecated: bool,
    /// Where the member travels in an HTTP message, from its HTTP binding
    /// trait. Set only for members of the structures that are some
    /// operation's top-level input, output or error, in services whose
    /// protocol binds members to HTTP ([`Protocol::binds_http`]); `Body`
    /// everywhere else (union members, nested structures, awsJson). A
    /// binding applies only in the roles Smithy gives it (see
    /// [`Binding::in_role`]), and only where the structure is the message
    /// itself: the same structure nested inside another value is all body.
    pub binding: Binding,
    /// `@jsonName`: the member's key in restJson1 JSON documents, where it
    /// replaces [`Member::name`] ([`Member::json_key`]); paths in validation
    /// errors keep the name. Set only for restJson1 services (awsJson
    /// ignores the trait).
    pub json_name: Option<String>,
    /// The target's `@mediaType` (blobs and strings), set by the resolve
    /// pass: the `Content-Type` of a payload, and a header's base64.
    pub media_type: Option<String>,
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
}

impl Member {
    /// Whether the member travels in the JSON document: event streams and
    /// byte streams do not, so they have no place in validation tables or
    /// readers.
    pub fn in_document(&self) -> bool {
        !matches!(self.ty.ty, Type::EventStream(_) | Type::ByteStream)
    }

    /// The member's key in the JSON document: its `@jsonName`, else its name.
    pub fn json_key(&self) -> &str {
        self.json_name.as_deref().unwrap_or(&self.name)
    }

    /// Whether the Rust field is an `Option`: neither required nor defaulted.
    /// A byte stream never is (absent is empty).
    pub fn is_optional(&self) -> bool {
        !self.required && self.default.is_none() && self.ty.ty != Type::ByteStream
    }

    /// Whether `Default::default()` gives the field's value when the member
    /// is absent: it is an `Option`, a byte stream (empty), or defaults to
    /// the Rust type's own default.
    pub fn takes_rust_default(&self) -> bool {
        self.is_optional()
            || self.ty.ty == Type::ByteStream
            || self.default.as_ref().is_some_and(Default::is_rust_default)
    }
}

/// A value type and the constraints that apply to it at this place.
#[derive(Clone, Debug)]
pub struct TypeRef {
    /// The shape id as written (a prelude id for built-in types).
    pub target: String,
    pub ty: Type,
    pub constraints: Constraints,
    /// For lists and maps: `@sparse`, so entries may be null.
    pub sparse: bool,
    /// The place or its target is marked `@sensitive`.
    pub sensitive: bool,
    /// Whether the place adds no constraint trait of its own, so that the
    /// constraints are exactly its target's (and can be shared with every
    /// other such place).
    pub target_constraints: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// Not resolved yet (only between lowering and the resolve pass).
    Unresolved,
    String,
    Boolean,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    /// `bigInteger`: `runtime::BigInteger`, its decimal text kept.
    BigInteger,
    /// `bigDecimal`: `runtime::BigDecimal`, its decimal text kept.
    BigDecimal,
    Timestamp(TimestampFormat),
    Blob,
    Document,
    /// `smithy.api#Unit`: no value (union members only).
    Unit,
    /// A structure, union or enum, by shape id.
    Named(String),
    /// An event stream of a `@streaming` union's events, by shape id: not
    /// part of the JSON body.
    EventStream(String),
    /// A `@streaming` blob: the whole body of a message, read or sent as it
    /// arrives (`runtime::ByteStream`), not part of any JSON document. Only
    /// a member of an operation's top-level input or output holds one, and
    /// never as an `Option`: absent is empty.
    ByteStream,
    List(Box<TypeRef>),
    Map(Box<TypeRef>, Box<TypeRef>),
}

impl PartialEq for TypeRef {
    fn eq(&self, other: &Self) -> bool {
        self.target == other.target && self.ty == other.ty
    }
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

/// One value a string with the legacy `@enum` trait, or an `intEnum`, may take.
#[derive(Clone, Debug, PartialEq)]
pub struct AllowedValue {
    /// The wire value (an integer's decimal digits for `intEnum`).
    pub value: String,
    /// Whether validation messages list it (internal values are accepted
    /// but not advertised).
    pub listed: bool,
}

/// Constraint traits in force at one place: a member's own trait replaces
/// the same trait on its target.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    pub pattern: Option<Pattern>,
    pub unique_items: bool,
    /// The values of a legacy `@enum` string or an `intEnum`.
    pub values: Option<Vec<AllowedValue>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// `@length` or `@range` bounds, kept as written in the model (messages
/// print them that way: `2.2`, not `2.2000000476837`).
#[derive(Clone, Debug, PartialEq)]
pub struct Bounds {
    pub min: Option<Number>,
    pub max: Option<Number>,
}

/// A member's default value.
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

/// A simple, list or map shape, as the resolve pass needs it.
#[derive(Clone, Debug)]
pub struct Target {
    pub kind: crate::kind::Kind,
    pub traits: Traits,
    /// The `member` of a list, or `key` and `value` of a map: (target, traits).
    pub member: Option<(String, Traits)>,
    pub key: Option<(String, Traits)>,
    pub value: Option<(String, Traits)>,
    /// The values of an `intEnum`, or of a string with the legacy `@enum`.
    pub values: Option<Vec<AllowedValue>>,
}
