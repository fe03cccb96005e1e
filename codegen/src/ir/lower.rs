//! Lowers the checked model into the IR, in one step: the service, its
//! operations, every shape they reach, and each member's Rust-level type
//! with the constraints in force at its place, its default, its HTTP
//! binding and its sensitivity. The passes then plan validation tables,
//! name everything and box recursion.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::http_bindings;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{
    self, Binding, Constraints, Direction, ErrorInfo, Fault, Placement, Protocol, Role, Shape, ShapeKind,
    TimestampFormat, Type, TypeRef,
};
use crate::model::docs;
use crate::model::kind::{Kind, UNIT, prelude_shape};
use crate::model::shape_id;
use crate::model::traits::{AllowedValue, Default, DefaultTrait};
use crate::model::{self, Model, Traits};

/// Builds the IR of the model's service `service_id`, to be generated into
/// `module`.
pub fn lower(model: &Model, service_id: &str, module: &str) -> Result<ir::Service, Diagnostics> {
    let Some(service) = model.shape(service_id).filter(|s| s.kind == Kind::Service) else {
        return Err(Diagnostic::error(format!("the spec defines no service shape `{service_id}`"))
            .in_file(&model.dir)
            .into());
    };
    let traits = &service.traits;
    let protocols = served(&traits.protocols);
    let protocol = protocols.first().copied();
    // Only protocols with HTTP bindings read them; awsJson ignores them.
    let binds_http = protocol.is_some_and(Protocol::binds_http);
    // XML names are read where any protocol served is an XML one.
    let xml = protocols.iter().copied().find(|p| p.is_xml());

    let mut operations = Vec::new();
    for op_id in model.bound_operations(service_id) {
        let Some(op) = model.shape(&op_id) else { continue };
        let mut errors: Vec<String> = op.errors.iter().chain(&service.errors).cloned().collect();
        // Sources list errors in different orders (botocore and Smithy do
        // for SSM); the error enum should not depend on it.
        errors.sort();
        errors.dedup();
        let (input, output) = (op.input.clone(), op.output.clone());
        let event_streams: Vec<ir::EventStream> = [(true, &input), (false, &output)]
            .into_iter()
            .filter_map(|(is_input, id)| event_stream(model, id.as_deref()?, is_input))
            .collect();
        let byte_stream = |id: &String| {
            model.shape(id).is_some_and(|s| s.members.iter().any(|m| model.is_stream(&m.target, Kind::Blob)))
        };
        let input_stream = event_streams.iter().any(|s| s.input);
        let unserved = if event_streams.is_empty() {
            let no_payload = !binds_http && [&input, &output].into_iter().flatten().any(byte_stream);
            no_payload.then_some(ir::Unserved::ByteStream)
        } else {
            (!Protocol::all_serve_event_streams(&protocols, input_stream)).then_some(ir::Unserved::EventStream)
        };
        operations.push(ir::Operation {
            name: shape_id::name(&op_id).to_string(),
            id: op_id,
            file: op.file.clone(),
            docs: docs_of(&op.traits),
            input,
            output,
            errors: errors.into_iter().map(|id| ir::OperationError { id, variant: String::new() }).collect(),
            module: String::new(),
            rust_name: String::new(),
            error_enum: String::new(),
            unmodelled_variant: String::new(),
            deprecated: op.traits.deprecated,
            gzip_requests: op.traits.request_compression.iter().any(|encoding| encoding == "gzip"),
            unwrapped_xml_output: protocol == Some(Protocol::RestXml) && op.traits.s3_unwrapped_xml_output,
            event_streams,
            unserved,
            http: op.traits.http.clone().filter(|_| binds_http),
        });
    }
    operations.sort_by(|a, b| a.name.cmp(&b.name));

    let mut lowering = Lowering {
        model,
        shapes: BTreeMap::new(),
        collection_docs: BTreeMap::new(),
        seen: BTreeSet::new(),
        member_uses: BTreeSet::new(),
        messages: binds_http.then(|| http_bindings::Messages::new(&operations)),
        xml,
        protocol,
        query: protocols.iter().any(|p| matches!(p, Protocol::AwsQuery | Protocol::Ec2Query)),
    };
    for op in &operations {
        for id in op.input.iter().chain(&op.output).chain(op.errors.iter().map(|e| &e.id)) {
            lowering.visit(id);
        }
    }
    for op in &operations {
        let messages = [(&op.input, Role::Input), (&op.output, Role::Output)];
        let errors = op.errors.iter().map(|error| (Some(&error.id), Role::Error));
        for (id, role) in messages.into_iter().map(|(id, role)| (id.as_ref(), role)).chain(errors) {
            if let Some(shape) = id.and_then(|id| lowering.shapes.get_mut(id)) {
                if !shape.roles.contains(&role) {
                    shape.roles.push(role);
                    shape.roles.sort();
                }
            }
        }
    }
    let placements = placements(&operations, &lowering.member_uses, &lowering.shapes);
    for (id, placement) in placements {
        if let Some(shape) = lowering.shapes.get_mut(&id) {
            shape.placement = placement;
        }
    }

    Ok(ir::Service {
        id: service_id.to_string(),
        name: shape_id::name(service_id).to_string(),
        module: module.to_string(),
        file: service.file.clone(),
        title: traits.title.clone(),
        version: service.version.clone(),
        protocols,
        query_compatible: traits.query_compatible,
        no_error_wrapping: protocol == Some(Protocol::RestXml) && traits.no_error_wrapping,
        rename: service.rename.clone(),
        signing_name: traits.signing_name.clone(),
        document_media_type: match protocol {
            Some(Protocol::RestJson1) => Some(JSON),
            Some(Protocol::RestXml) => Some("application/xml"),
            _ => None,
        },
        xml_namespace: xml.and(traits.xml_namespace.clone()),
        docs: docs_of(traits),
        operations,
        shapes: lowering.shapes,
        collection_docs: lowering.collection_docs,
        aliases: BTreeMap::new(),
        trait_name: String::new(),
        router_name: String::new(),
        type_scope: BTreeSet::new(),
        validation: ir::Validation::default(),
    })
}

/// The event stream of an operation's input or output structure: a member
/// that targets a `@streaming` union.
fn event_stream(model: &Model, structure: &str, input: bool) -> Option<ir::EventStream> {
    model
        .shape(structure)?
        .members
        .iter()
        .find(|m| model.is_stream(&m.target, Kind::Union))
        .map(|member| ir::EventStream { input, member: member.name.clone(), union: member.target.clone() })
}

/// Documentation as Markdown lines.
fn docs_of(traits: &Traits) -> ir::Docs {
    traits.documentation.as_deref().map(docs::to_markdown).unwrap_or_default()
}

struct Lowering<'a> {
    model: &'a Model,
    shapes: BTreeMap<String, Shape>,
    collection_docs: BTreeMap<String, ir::Docs>,
    /// Every shape visited.
    seen: BTreeSet<String>,
    /// Shapes that some member targets (not only an operation).
    member_uses: BTreeSet<String>,
    /// For protocols with HTTP bindings, the structures they apply to.
    messages: Option<http_bindings::Messages>,
    /// The service's XML protocol (restXml, awsQuery, ec2Query), if it
    /// serves one: XML names.
    xml: Option<Protocol>,
    /// The service's first protocol: the keys of its documents, and the
    /// timestamp format members have where the model gives none.
    protocol: Option<Protocol>,
    /// Whether the service serves a query protocol: errors' awsQuery status.
    query: bool,
}

impl Lowering<'_> {
    fn visit(&mut self, id: &str) {
        if !self.seen.insert(id.to_string()) {
            return;
        }
        let Some(shape) = self.model.shape(id) else {
            return; // a prelude shape: its type is known by its id
        };
        let new_shape = |kind: ShapeKind, constraints: Constraints| Shape {
            id: id.to_string(),
            name: shape_id::name(id).to_string(),
            rust_name: String::new(),
            file: shape.file.clone(),
            docs: docs_of(&shape.traits),
            sensitive: shape.traits.sensitive,
            deprecated: shape.traits.deprecated,
            placement: Placement::Types,
            roles: Vec::new(),
            kind,
            constraints,
            direction: Direction::default(),
            events: Direction::default(),
            xml: self.xml.map(|_| ir::XmlName {
                name: shape.traits.xml_name.clone().unwrap_or_else(|| shape_id::name(id).to_string()),
                namespace: shape.traits.xml_namespace.clone(),
            }),
        };
        match shape.kind {
            Kind::Structure | Kind::Union => {
                let structure = (shape.kind == Kind::Structure).then_some(id);
                let members = shape.members.iter().map(|m| self.member(structure, m)).collect();
                let lowered = if shape.kind == Kind::Structure {
                    ShapeKind::Structure(ir::Structure {
                        members,
                        error: error_info(&shape.traits, self.protocol, self.query),
                    })
                } else {
                    ShapeKind::Union(members)
                };
                self.shapes.insert(id.to_string(), new_shape(lowered, Constraints::default()));
            }
            Kind::Enum => {
                let values = shape
                    .members
                    .iter()
                    .map(|m| ir::EnumValue {
                        name: m.name.clone(),
                        rust_name: String::new(),
                        value: m.traits.enum_value.clone().unwrap_or_else(|| m.name.clone()),
                        docs: docs_of(&m.traits),
                        deprecated: m.traits.deprecated,
                        internal: m.traits.internal,
                    })
                    .collect();
                // Enums are strings: their own `@length` and `@pattern` apply.
                let constraints = constraints(&Traits::default(), Some(&shape.traits));
                self.shapes.insert(id.to_string(), new_shape(ShapeKind::Enum(values), constraints));
                return;
            }
            Kind::List | Kind::Set | Kind::Map => {
                self.collection_docs.insert(id.to_string(), docs_of(&shape.traits));
            }
            _ => {}
        }
        for member in &shape.members {
            self.member_uses.insert(member.target.clone());
            self.visit(&member.target);
        }
    }

    /// A member of a union, or of the structure `structure`.
    fn member(&self, structure: Option<&str>, member: &model::Member) -> ir::Member {
        let model = self.model;
        let target = model.shape(&member.target);
        // A member without docs of its own shows its target's.
        let mut docs = docs_of(&member.traits);
        if docs.is_empty() {
            if let Some(target) = target {
                docs = docs_of(&target.traits);
            }
        }
        let binding = match (&self.messages, structure) {
            (Some(messages), Some(structure)) => messages.binding(structure, member),
            _ => Binding::Body,
        };
        let mut ty = self.type_ref(&member.target, &member.traits);
        self.bound_timestamp_format(&mut ty, &binding, &member.traits);
        let default = match &member.traits.default {
            // `@default(null)` cancels the target's default.
            Some(DefaultTrait::Null) => None,
            Some(DefaultTrait::Value(value)) => Some(value.clone()),
            None => target_default(model, &member.target),
        };
        let media_type = target.and_then(|t| t.traits.media_type.clone());
        let enumeration = target.is_some_and(|t| t.kind == Kind::Enum);
        let document = if self.protocol == Some(Protocol::RestXml) { "application/xml" } else { JSON };
        // An event's payload is carried as an HTTP payload is.
        let whole = binding == Binding::Payload || member.traits.event_payload;
        let payload = whole.then(|| payload(&ty.ty, enumeration, media_type.as_deref(), document));
        ir::Member {
            name: member.name.clone(),
            rust_name: String::new(),
            docs,
            sensitive: is_sensitive(&ty),
            media_type,
            payload,
            ty,
            required: member.traits.required,
            default,
            boxed: false,
            default_fn: None,
            idempotency_token: member.traits.idempotency_token,
            deprecated: member.traits.deprecated,
            binding,
            json_name: self.document_key(member),
            xml: self.xml.map(|protocol| xml_member(protocol, member)),
            event: match (member.traits.event_header, member.traits.event_payload) {
                (true, _) => ir::EventPart::Header,
                (_, true) => ir::EventPart::Payload,
                _ => ir::EventPart::Document,
            },
        }
    }

    /// The member's key in the JSON documents its readers read, where it is
    /// not its name: `@jsonName` in restJson1, `@xmlName` in restXml; in
    /// awsQuery and ec2Query, its key in requests' parameters (which are
    /// read through a JSON document of those keys).
    fn document_key(&self, member: &model::Member) -> Option<String> {
        match self.protocol {
            Some(Protocol::RestJson1) => member.traits.json_name.clone(),
            // Read through the JSON document of its elements' names.
            Some(Protocol::RestXml) => member.traits.xml_name.clone(),
            Some(protocol @ (Protocol::AwsQuery | Protocol::Ec2Query)) => {
                Some(xml_member(protocol, member).query_key).filter(|key| *key != member.name)
            }
            _ => None,
        }
    }

    /// The type at a place that targets `target`, with `own` (the place's
    /// own traits) overriding the target's constraint traits.
    fn type_ref(&self, target: &str, own: &Traits) -> TypeRef {
        let shape = self.model.shape(target);
        let (ty, target_traits) = match shape {
            Some(shape) => {
                let item = |name: &str| {
                    let member =
                        shape.member(name).expect("the checker requires a list's member and a map's key and value");
                    let mut item = self.type_ref(&member.target, &member.traits);
                    item.xml = self.xml.map(|_| ir::XmlName {
                        name: member.traits.xml_name.clone().unwrap_or_else(|| name.to_string()),
                        namespace: member.traits.xml_namespace.clone(),
                    });
                    Box::new(item)
                };
                let ty = match shape.kind {
                    Kind::Union if shape.traits.streaming => Type::EventStream(target.to_string()),
                    Kind::Structure | Kind::Union | Kind::Enum => Type::Named(target.to_string()),
                    Kind::Blob if shape.traits.streaming => Type::ByteStream,
                    Kind::List | Kind::Set => Type::List(item("member")),
                    Kind::Map => Type::Map(item("key"), item("value")),
                    kind => simple_type(kind),
                };
                // Structures and unions constrain nothing of a place;
                // enums are strings, so `@length` and `@pattern` apply.
                let constrains = !matches!(shape.kind, Kind::Structure | Kind::Union);
                (ty, constrains.then_some(&shape.traits))
            }
            None if target == UNIT => (Type::Unit, None),
            None => (simple_type(self.model.kind_of(target).expect("the checker refuses dangling targets")), None),
        };
        let mut constraints = constraints(own, target_traits);
        constraints.values = shape.and_then(allowed_values);
        // A member's @timestampFormat replaces its target's; without
        // either, the JSON protocols write epoch seconds, the XML ones
        // `date-time`.
        let protocol_format = if self.protocol.is_some_and(Protocol::is_xml) {
            TimestampFormat::DateTime
        } else {
            TimestampFormat::EpochSeconds
        };
        let ty = match ty {
            Type::Timestamp(_) => Type::Timestamp(
                own.timestamp_format.or(target_traits.and_then(|t| t.timestamp_format)).unwrap_or(protocol_format),
            ),
            ty => ty,
        };
        let sparse = shape.is_some_and(|s| s.traits.sparse);
        let sensitive = own.sensitive || shape.is_some_and(|s| s.traits.sensitive);
        // A place marked `@sensitive` itself differs from its target's tables.
        let target_constraints = !own.sensitive && !own.has_constraints();
        TypeRef { target: target.to_string(), ty, constraints, sparse, sensitive, target_constraints, xml: None }
    }

    /// restJson1's timestamp formats outside the body: `http-date` in
    /// headers, `date-time` in labels and the query string, where neither the
    /// member nor its target (nor a list's member) says otherwise.
    fn bound_timestamp_format(&self, ty: &mut TypeRef, binding: &Binding, own: &Traits) {
        let format = match binding {
            Binding::Header(_) | Binding::PrefixHeaders(_) => TimestampFormat::HttpDate,
            Binding::Label | Binding::GreedyLabel | Binding::Query(_) | Binding::QueryParams => {
                TimestampFormat::DateTime
            }
            _ => return,
        };
        if own.timestamp_format.is_some() {
            return;
        }
        let model = self.model;
        let explicit = |target: &str| model.shape(target).is_some_and(|t| t.traits.timestamp_format.is_some());
        match &mut ty.ty {
            Type::Timestamp(f) if !explicit(&ty.target) => *f = format,
            Type::List(item) | Type::Map(_, item) => {
                let item_explicit = model
                    .shape(&ty.target)
                    .and_then(|collection| collection.member("member").or(collection.member("value")))
                    .is_some_and(|member| member.traits.timestamp_format.is_some());
                if let Type::Timestamp(f) = &mut item.ty {
                    if !item_explicit && !explicit(&item.target) && *f != format {
                        *f = format;
                        // The list's own table has the body's format: this
                        // place needs one of its own.
                        ty.target_constraints = false;
                    }
                }
            }
            _ => {}
        }
    }
}

/// A member's place in `protocol`'s XML documents and query requests.
fn xml_member(protocol: Protocol, member: &model::Member) -> ir::XmlMember {
    let traits = &member.traits;
    let name = traits.xml_name.clone().unwrap_or_else(|| member.name.clone());
    let query_key = match (protocol, &traits.ec2_query_name) {
        (Protocol::Ec2Query, Some(key)) => key.clone(),
        (Protocol::Ec2Query, None) => {
            let mut chars = name.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        }
        _ => name.clone(),
    };
    ir::XmlMember {
        name,
        attribute: traits.xml_attribute,
        flattened: traits.xml_flattened,
        namespace: traits.xml_namespace.clone(),
        query_key,
    }
}

/// restJson1's media type of documents.
const JSON: &str = "application/json";

/// How restJson1 and restXml carry a payload member of type `ty`
/// (`enumeration`: whether a named type is an enum), whose target has
/// `media_type`: a structure, union or document as the protocol's
/// `document` media type, an event stream in AWS's event stream framing,
/// bytes and text as they are (as their `@mediaType`, else
/// `application/octet-stream` and `text/plain`); bytes without a
/// `@mediaType` are accepted as any type.
fn payload(ty: &Type, enumeration: bool, media_type: Option<&str>, document: &'static str) -> ir::Payload {
    use ir::PayloadKind::*;
    let kind = match ty {
        Type::Document => Document,
        Type::Named(_) if !enumeration => Document,
        Type::EventStream(_) => EventStream,
        Type::Blob | Type::ByteStream => Bytes,
        _ => Text,
    };
    let (media_type, accepts) = match (kind, media_type) {
        (Document, _) => (document, document),
        (EventStream, _) => ("application/vnd.amazon.eventstream", "application/vnd.amazon.eventstream"),
        (_, Some(media_type)) => (media_type, media_type),
        (Bytes, None) => ("application/octet-stream", "*/*"),
        (Text, None) => ("text/plain", "text/plain"),
    };
    ir::Payload { kind, media_type: media_type.to_string(), accepts: accepts.to_string() }
}

/// The type of a simple shape.
fn simple_type(kind: Kind) -> Type {
    match kind {
        Kind::String => Type::String,
        Kind::Boolean => Type::Boolean,
        Kind::Byte => Type::Byte,
        Kind::Short => Type::Short,
        Kind::Integer | Kind::IntEnum => Type::Integer,
        Kind::Long => Type::Long,
        Kind::Float => Type::Float,
        Kind::Double => Type::Double,
        Kind::BigInteger => Type::BigInteger,
        Kind::BigDecimal => Type::BigDecimal,
        Kind::Timestamp => Type::Timestamp(TimestampFormat::EpochSeconds),
        Kind::Blob => Type::Blob,
        Kind::Document => Type::Document,
        // `type_ref` matches aggregates before it asks, the prelude's only
        // aggregate is the unit type, and the checker refuses members that
        // target services, operations and resources.
        Kind::Enum
        | Kind::List
        | Kind::Set
        | Kind::Map
        | Kind::Structure
        | Kind::Union
        | Kind::Service
        | Kind::Operation
        | Kind::Resource => unreachable!("{kind} is not a simple type"),
    }
}

/// The constraints at a place: each of the place's own constraint traits
/// replaces the target's trait of the same name.
fn constraints(own: &Traits, target: Option<&Traits>) -> Constraints {
    let inherited = |get: fn(&Traits) -> bool| get(own) || target.is_some_and(get);
    Constraints {
        length: own.length.clone().or_else(|| target.and_then(|t| t.length.clone())),
        range: own.range.clone().or_else(|| target.and_then(|t| t.range.clone())),
        pattern: own.pattern.clone().or_else(|| target.and_then(|t| t.pattern.clone())),
        unique_items: inherited(|t| t.unique_items),
        values: None,
    }
}

/// The values of an `intEnum`, or of a string with the legacy `@enum` trait.
fn allowed_values(shape: &model::Shape) -> Option<Vec<AllowedValue>> {
    if shape.kind == Kind::IntEnum {
        let values = shape.members.iter().map(|m| AllowedValue {
            value: m.traits.enum_value.clone().unwrap_or_default(),
            listed: !m.traits.internal,
        });
        return Some(values.collect());
    }
    if shape.kind == Kind::Enum {
        return None;
    }
    shape.traits.legacy_enum.clone()
}

/// Whether a value of this type can hold data marked `@sensitive` that a
/// derived `Debug` would print (named types redact their own).
fn is_sensitive(ty: &TypeRef) -> bool {
    ty.sensitive
        || match &ty.ty {
            Type::List(member) => is_sensitive(member),
            Type::Map(key, value) => is_sensitive(key) || is_sensitive(value),
            _ => false,
        }
}

/// The default a member takes from its target: the target shape's own,
/// or a prelude shape's (the primitives' zero values).
fn target_default(model: &Model, target: &str) -> Option<Default> {
    match model.shape(target) {
        Some(shape) => match &shape.traits.default {
            Some(DefaultTrait::Value(value)) => Some(value.clone()),
            _ => None,
        },
        None => match prelude_shape(target)? {
            (Kind::Boolean, Some(_)) => Some(Default::Boolean(false)),
            (_, Some(_)) => Some(Default::Number(0.into())),
            (_, None) => None,
        },
    }
}

/// How an error structure with `traits` is reported by the service's first
/// `protocol`, and by its query protocol if it `query`: the query protocols
/// take `@awsQueryError`'s status before `@httpError`.
fn error_info(traits: &Traits, protocol: Option<Protocol>, query: bool) -> Option<ErrorInfo> {
    let fault = traits.error?;
    let default_status = if fault == Fault::Server { 500 } else { 400 };
    let query_first = matches!(protocol, Some(Protocol::AwsQuery | Protocol::Ec2Query));
    let query_status = traits.query_error_status.filter(|_| query);
    Some(ErrorInfo {
        fault,
        http_status: query_status.filter(|_| query_first).or(traits.http_error).unwrap_or(default_status),
        query_status: query_status.filter(|_| !query_first),
        query_code: traits.query_error_code.clone(),
    })
}

/// The protocols of `declared` (the service's protocol traits, the
/// generator's order first) that are served together: all of them, unless
/// the first binds HTTP (restJson1, restXml), whose members may be bound
/// outside the body that the others read whole; then the first alone.
pub fn served(declared: &[Protocol]) -> Vec<Protocol> {
    match declared.first() {
        Some(first) if first.binds_http() => vec![*first],
        _ => declared.iter().copied().filter(|p| !p.binds_http()).collect(),
    }
}

/// An operation's input or output goes into the operation's module when no
/// other operation and no member uses it; errors go into the error module.
fn placements(
    operations: &[ir::Operation],
    member_uses: &BTreeSet<String>,
    shapes: &BTreeMap<String, Shape>,
) -> BTreeMap<String, Placement> {
    let mut users: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for op in operations {
        for id in op.input.iter().chain(&op.output) {
            users.entry(id).or_default().insert(&op.name);
        }
    }
    let mut out = BTreeMap::new();
    for (id, shape) in shapes {
        let placement = match &shape.kind {
            ShapeKind::Structure(s) if s.error.is_some() => Placement::Errors,
            _ => match users.get(id.as_str()) {
                Some(ops) if ops.len() == 1 && !member_uses.contains(id) => {
                    Placement::Operation(ops.iter().next().unwrap().to_string())
                }
                _ => Placement::Types,
            },
        };
        out.insert(id.clone(), placement);
    }
    out
}
