//! The intermediate representation that emitters read.
//!
//! [`crate::ir::lower`] builds it from the checked model ([`crate::model`]),
//! types, constraints, defaults and bindings included; the passes in
//! [`crate::ir::passes`] then plan the validation tables and aliases, fill in
//! the Rust names (the fields documented "set by the name pass" are empty
//! until it runs), box recursion and mark directions. Emitters only read a
//! finished IR and never look at the Smithy model.

pub mod lower;
pub mod names;
pub mod passes;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::model::pattern::Pattern;

pub use crate::model::traits::{
    AllowedValue, Binding, Bounds, Default, EventFormat, Fault, HttpBinding, Protocol, QueryLiteral, Role,
    TimestampFormat, UriSegment, XmlNamespace,
};

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
    /// Every protocol the service's router answers, the first first
    /// ([`crate::ir::lower::served`]); see [`Service::protocol`].
    pub protocols: Vec<Protocol>,
    /// `@awsQueryCompatible`: errors also carry their awsQuery code in the
    /// `x-amzn-query-error` header.
    pub query_compatible: bool,
    /// restXml's `noErrorWrapping`: errors are `<Error>` documents.
    pub no_error_wrapping: bool,
    /// The service's `rename` map: shape id to the name the shape has in
    /// the service, which its Rust type takes (the name pass reads it).
    pub rename: BTreeMap<String, String>,
    /// `@aws.auth#sigv4`'s `name`: what SigV4 credentials for the service
    /// are scoped to, which its router holds requests to.
    pub signing_name: Option<String>,
    /// The media type of the protocol's documents (`application/json` for
    /// restJson1), for protocols whose bodies are documents of bound
    /// structures; `None` for the others.
    pub document_media_type: Option<&'static str>,
    /// `@xmlNamespace` on the service: the namespace of awsQuery and
    /// ec2Query response documents. Set only for XML protocols.
    pub xml_namespace: Option<XmlNamespace>,
    pub docs: Docs,
    /// Operations in name order.
    pub operations: Vec<Operation>,
    /// Shapes that become Rust types (structures, unions, enums), by id.
    pub shapes: BTreeMap<String, Shape>,
    /// The docs of each list and map shape the service reaches, by id: an
    /// alias named after the shape carries them.
    pub collection_docs: BTreeMap<String, Docs>,
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
}

impl Service {
    /// The protocol the service is generated for first (its constant is
    /// `PROTOCOL`): the first of [`Service::protocols`]; none for a service
    /// without a protocol trait.
    pub fn protocol(&self) -> Option<Protocol> {
        self.protocols.first().copied()
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
    /// `@s3UnwrappedXmlOutput` (restXml): the output's one body member is
    /// the response document's root, not a child of it.
    pub unwrapped_xml_output: bool,
    /// The event streams of its input and output (a duplex operation has
    /// both), input first.
    pub event_streams: Vec<EventStream>,
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
            Unserved::EventStream => "has an event stream, which this server does not serve in its protocol yet",
            Unserved::ByteStream => "has a @streaming blob, which its protocol has no HTTP payload to carry",
        }
    }
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
    /// The roles the shape plays as an operation's top-level message: the
    /// input of one, the output of one, an error of one (each once).
    pub roles: Vec<Role>,
    pub kind: ShapeKind,
    /// An enum's own `@length` and `@pattern` (enums are strings); empty
    /// for other shapes.
    pub constraints: Constraints,
    /// Whether a server reads or writes the type; set by the direction pass.
    pub direction: Direction,
    /// Whether a server reads or writes the type as a served event stream's
    /// union, or as one of its events, each a message of its own; set by
    /// the direction pass.
    pub events: Direction,
    /// The shape's `@xmlName` and `@xmlNamespace`: the name and namespace
    /// of its element where it is a document's root (a restXml payload or
    /// error). Set only for XML protocols.
    pub xml: Option<XmlName>,
}

/// A name in XML documents, and the namespace its element declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlName {
    pub name: String,
    pub namespace: Option<XmlNamespace>,
}

/// Which ways a server moves a type over the wire: read (`Deserialize`) as
/// part of a request, written (`Serialize`) as part of a response or error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Direction {
    pub read: bool,
    pub written: bool,
}

impl Shape {
    /// The structure's or union's member `name`, if it has one.
    pub fn member(&self, name: &str) -> Option<&Member> {
        let members = match &self.kind {
            ShapeKind::Structure(s) => &s.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => return None,
        };
        members.iter().find(|m| m.name == name)
    }
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
    /// `@httpError`, or 400 for client and 500 for server errors (for a
    /// service whose first protocol is a query one, `@awsQueryError`'s).
    pub http_status: u16,
    /// `@awsQueryError`'s status, where the service also serves a query
    /// protocol after another.
    pub query_status: Option<u16>,
    /// `@awsQueryError`'s code: the error's name in the awsQuery protocol,
    /// sent in `x-amzn-query-error` by awsQuery-compatible services.
    pub query_code: Option<String>,
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
    /// The value type with the constraints in force at the member.
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
    /// The member's key in the JSON documents its readers read, where it is
    /// not [`Member::name`] ([`Member::json_key`]): `@jsonName` in restJson1
    /// services (awsJson ignores the trait); in awsQuery and ec2Query, its
    /// key in requests' parameters, which are read through a JSON document
    /// of those keys. Paths in validation errors keep the name.
    pub json_name: Option<String>,
    /// The target's `@mediaType` (blobs and strings): a header's base64.
    pub media_type: Option<String>,
    /// How the member is carried where it is bound to the whole body
    /// (`@httpPayload`) or is an event's whole payload (`@eventPayload`), by
    /// the protocol's rules; `None` elsewhere.
    pub payload: Option<Payload>,
    /// The member's place in XML documents and query requests. Set only
    /// for XML protocols (restXml, awsQuery, ec2Query).
    pub xml: Option<XmlMember>,
    /// Where the member travels where its structure is an event of an
    /// event stream: `@eventHeader`, `@eventPayload`, else the payload's
    /// document. Elsewhere the traits mean nothing, and are not read.
    pub event: EventPart,
}

/// Where a member of an event travels in its message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventPart {
    /// A member of the payload's document (the event has no
    /// `@eventPayload` member).
    #[default]
    Document,
    /// `@eventHeader`: a typed header named after the member.
    Header,
    /// `@eventPayload`: the whole payload (bytes, text, or a document).
    Payload,
}

/// A member's place in XML documents and query requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlMember {
    /// Its element's (or attribute's) name: `@xmlName`, else the member's
    /// name.
    pub name: String,
    /// `@xmlAttribute`.
    pub attribute: bool,
    /// `@xmlFlattened`: a list's items, or a map's entries, stand in the
    /// member's place each under the member's name, with no wrapper.
    pub flattened: bool,
    /// `@xmlNamespace`.
    pub namespace: Option<XmlNamespace>,
    /// Its key in query requests: awsQuery's is [`XmlMember::name`];
    /// ec2Query's is `@ec2QueryName`, else that name with its first letter
    /// upper-cased.
    pub query_key: String,
}

/// How an `@httpPayload` member is carried, by its protocol's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    pub kind: PayloadKind,
    /// The media type it is sent as: its target's `@mediaType`, else the
    /// protocol's for its kind.
    pub media_type: String,
    /// What a request's `Content-Type` may declare for it, and a request's
    /// `Accept` must allow: any (`*/*`) for bytes without a `@mediaType`,
    /// else [`Payload::media_type`].
    pub accepts: String,
}

/// What an `@httpPayload` member's value is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    /// A structure, union or document: a document of the protocol's.
    Document,
    /// A blob or byte stream: the bytes as they are.
    Bytes,
    /// A string or enum: its text.
    Text,
    /// An event stream.
    EventStream,
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
    /// For a list's items and a map's keys and values: the element name
    /// (`@xmlName` on the collection's member, else `member`, `key`,
    /// `value`) and namespace in XML documents and query requests. Set
    /// only for XML protocols; `None` elsewhere.
    pub xml: Option<XmlName>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
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
