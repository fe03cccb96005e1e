//! Lowers a checked model into the IR: the service, its operations, and
//! every shape they reach. Types, names and boxing are left to the passes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ast;
use crate::check::members_of;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::docs;
use crate::http_bindings;
use crate::ir::{
    self, Binding, Constraints, Direction, ErrorInfo, Fault, Placement, Protocol, Shape, ShapeKind, Type, TypeRef,
};
use crate::kind::{Kind, UNIT};
use crate::load::LoadedModel;
use crate::pattern::Patterns;
use crate::shape_id;

/// Builds the IR of the model's service `service_id`, to be generated into
/// `module`.
pub fn lower(
    model: &LoadedModel,
    service_id: &str,
    module: &str,
    patterns: Patterns,
) -> Result<ir::Service, Diagnostics> {
    let Some((service_id, service)) = model.shapes.get_key_value(service_id).filter(|(_, s)| s.shape.kind == "service")
    else {
        return Err(Diagnostic::error(format!("the spec defines no service shape `{service_id}`"))
            .in_file(&model.dir)
            .into());
    };
    let shape = &service.shape;
    let traits = &shape.traits;
    let protocol = protocol(traits);
    // Only protocols with HTTP bindings read them; awsJson ignores them.
    let binds_http = protocol.is_some_and(Protocol::binds_http);
    let common_errors: Vec<String> = shape.errors.iter().map(|t| t.target.clone()).collect();

    let mut operations = Vec::new();
    for op_id in bound_operations(model, service_id) {
        let op = &model.shapes[&op_id];
        let io = |t: &Option<ast::Target>| t.as_ref().map(|t| t.target.clone()).filter(|t| t != UNIT);
        let mut errors: Vec<String> = op.shape.errors.iter().map(|t| t.target.clone()).collect();
        errors.extend(common_errors.iter().filter(|e| !errors.contains(e)).cloned().collect::<Vec<_>>());
        // Sources list errors in different orders (botocore and Smithy do
        // for SSM); the error enum should not depend on it.
        errors.sort();
        errors.dedup();
        let (input, output) = (io(&op.shape.input), io(&op.shape.output));
        let event_stream = [(true, &input), (false, &output)]
            .into_iter()
            .find_map(|(is_input, id)| event_stream(model, id.as_deref()?, is_input));
        let unserved = match &event_stream {
            Some(_) => Some(ir::Unserved::EventStream),
            None if !binds_http && [&input, &output].into_iter().flatten().any(|id| has_byte_stream(model, id)) => {
                Some(ir::Unserved::ByteStream)
            }
            None => None,
        };
        operations.push(ir::Operation {
            name: shape_id::name(&op_id).to_string(),
            id: op_id,
            file: op.file.clone(),
            docs: docs_of(&op.shape.traits),
            input,
            output,
            errors: errors.into_iter().map(|id| ir::OperationError { id, variant: String::new() }).collect(),
            module: String::new(),
            rust_name: String::new(),
            error_enum: String::new(),
            unmodelled_variant: String::new(),
            deprecated: op.shape.traits.contains_key("smithy.api#deprecated"),
            gzip_requests: op
                .shape
                .traits
                .get("smithy.api#requestCompression")
                .and_then(|value| value.get("encodings")?.as_array())
                .is_some_and(|encodings| encodings.iter().any(|encoding| encoding == "gzip")),
            event_stream,
            unserved,
            // The checker refused an @http that does not parse.
            http: op
                .shape
                .traits
                .get(http_bindings::HTTP)
                .filter(|_| binds_http)
                .and_then(|value| http_bindings::parse_http(value).ok()),
        });
    }
    operations.sort_by(|a, b| a.name.cmp(&b.name));

    let mut lowering = Lowering {
        model,
        shapes: BTreeMap::new(),
        targets: BTreeMap::new(),
        member_uses: BTreeSet::new(),
        messages: binds_http.then(|| http_bindings::Messages::new(&operations)),
        json_names: protocol == Some(Protocol::RestJson1),
    };
    for op in &operations {
        for id in op.input.iter().chain(&op.output).chain(op.errors.iter().map(|e| &e.id)) {
            lowering.visit(id);
        }
    }
    let placements = placements(&operations, &lowering.member_uses, &lowering.shapes);
    for (id, placement) in placements {
        if let Some(shape) = lowering.shapes.get_mut(&id) {
            shape.placement = placement;
        }
    }

    Ok(ir::Service {
        id: service_id.clone(),
        name: shape_id::name(service_id).to_string(),
        module: module.to_string(),
        file: service.file.clone(),
        title: traits.get("smithy.api#title").and_then(Value::as_str).map(str::to_string),
        version: shape.version.clone(),
        protocol,
        query_compatible: traits.contains_key("aws.protocols#awsQueryCompatible"),
        rename: shape.rename.clone().unwrap_or_default(),
        signing_name: traits.get("aws.auth#sigv4").and_then(|sigv4| sigv4.get("name")?.as_str()).map(str::to_string),
        docs: docs_of(traits),
        operations,
        shapes: lowering.shapes,
        targets: lowering.targets,
        aliases: BTreeMap::new(),
        trait_name: String::new(),
        router_name: String::new(),
        type_scope: BTreeSet::new(),
        validation: ir::Validation::default(),
        patterns,
    })
}

/// Every operation in the service's closure: bound to the service itself or
/// to its resources (their lifecycle operations, `operations` and
/// `collectionOperations`), through nested resources too; by id, each once.
pub fn bound_operations(model: &LoadedModel, service_id: &str) -> BTreeSet<String> {
    let mut operations = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![service_id.to_string()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(loaded) = model.shapes.get(&id) else { continue };
        let shape = &loaded.shape;
        let lifecycle = shape.lifecycle().into_iter().filter_map(|(_, target)| target.as_ref());
        let bound = lifecycle.chain(&shape.operations).chain(&shape.collection_operations);
        operations.extend(bound.map(|t| t.target.clone()));
        stack.extend(shape.resources.iter().map(|t| t.target.clone()));
    }
    operations
}

/// The event stream of an operation's input or output structure: a member
/// that targets a `@streaming` union.
fn event_stream(model: &LoadedModel, structure: &str, input: bool) -> Option<ir::EventStream> {
    let shape = &model.shapes.get(structure)?.shape;
    members_of(shape).into_iter().find_map(|(name, member)| {
        let target = &model.shapes.get(&member.target)?.shape;
        (target.kind == "union" && target.traits.contains_key("smithy.api#streaming")).then(|| ir::EventStream {
            input,
            member: name.to_string(),
            union: member.target.clone(),
        })
    })
}

/// The protocol a service's traits declare (the first, if several).
pub(crate) fn protocol(traits: &ast::Traits) -> Option<Protocol> {
    [
        ("aws.protocols#awsJson1_1", Protocol::AwsJson1_1),
        ("aws.protocols#awsJson1_0", Protocol::AwsJson1_0),
        ("aws.protocols#restJson1", Protocol::RestJson1),
        ("aws.protocols#restXml", Protocol::RestXml),
        ("aws.protocols#awsQuery", Protocol::AwsQuery),
        ("aws.protocols#ec2Query", Protocol::Ec2Query),
        ("smithy.protocols#rpcv2Cbor", Protocol::RpcV2Cbor),
        ("smithy.protocols#rpcv2Json", Protocol::RpcV2Json),
    ]
    .into_iter()
    .find(|(id, _)| traits.contains_key(*id))
    .map(|(_, p)| p)
}

/// Whether `structure` has a member that targets a `@streaming` blob.
fn has_byte_stream(model: &LoadedModel, structure: &str) -> bool {
    let Some(loaded) = model.shapes.get(structure) else { return false };
    crate::check::members_of(&loaded.shape).into_iter().any(|(_, member)| {
        model.shapes.get(&member.target).is_some_and(|target| {
            target.shape.kind == "blob" && target.shape.traits.contains_key("smithy.api#streaming")
        })
    })
}

pub(crate) fn docs_of(traits: &ast::Traits) -> ir::Docs {
    traits.get("smithy.api#documentation").and_then(Value::as_str).map(docs::to_markdown).unwrap_or_default()
}

struct Lowering<'a> {
    model: &'a LoadedModel,
    shapes: BTreeMap<String, Shape>,
    targets: BTreeMap<String, ir::Target>,
    /// Shapes that some member targets (not only an operation).
    member_uses: BTreeSet<String>,
    /// For protocols with HTTP bindings, the structures they apply to.
    messages: Option<http_bindings::Messages>,
    /// Whether `@jsonName` names members on the wire (restJson1).
    json_names: bool,
}

impl Lowering<'_> {
    fn visit(&mut self, id: &str) {
        if self.shapes.contains_key(id) || self.targets.contains_key(id) {
            return;
        }
        let Some(loaded) = self.model.shapes.get(id) else {
            return; // a prelude shape: resolved by the resolve pass
        };
        let shape = &loaded.shape;
        let kind = Kind::parse(&shape.kind).expect("checked");
        let sensitive = shape.traits.contains_key("smithy.api#sensitive");
        let deprecated = shape.traits.contains_key("smithy.api#deprecated");
        let new_shape = |kind: ShapeKind| Shape {
            id: id.to_string(),
            name: shape_id::name(id).to_string(),
            rust_name: String::new(),
            file: loaded.file.clone(),
            docs: docs_of(&shape.traits),
            sensitive,
            deprecated,
            placement: Placement::Types,
            kind,
            traits: shape.traits.clone(),
            constraints: Constraints::default(),
            direction: Direction::default(),
        };
        match kind {
            Kind::Structure | Kind::Union => {
                let structure = (kind == Kind::Structure).then_some(id);
                let members = members_of(shape).into_iter().map(|(name, m)| self.member(structure, name, m)).collect();
                let lowered = if kind == Kind::Structure {
                    ShapeKind::Structure(ir::Structure { members, error: error_info(&shape.traits) })
                } else {
                    ShapeKind::Union(members)
                };
                self.shapes.insert(id.to_string(), new_shape(lowered));
                for (_, member) in members_of(shape) {
                    self.member_uses.insert(member.target.clone());
                    self.visit(&member.target);
                }
            }
            Kind::Enum => {
                let values = members_of(shape)
                    .into_iter()
                    .map(|(name, m)| ir::EnumValue {
                        name: name.to_string(),
                        rust_name: String::new(),
                        value: m.traits.get("smithy.api#enumValue").and_then(Value::as_str).unwrap_or(name).to_string(),
                        docs: docs_of(&m.traits),
                        deprecated: m.traits.contains_key("smithy.api#deprecated"),
                        internal: m.traits.contains_key("smithy.api#internal"),
                    })
                    .collect();
                self.shapes.insert(id.to_string(), new_shape(ShapeKind::Enum(values)));
            }
            _ => {
                let part = |m: &Option<ast::Member>| m.as_ref().map(|m| (m.target.clone(), m.traits.clone()));
                self.targets.insert(
                    id.to_string(),
                    ir::Target {
                        kind,
                        traits: shape.traits.clone(),
                        member: part(&shape.member),
                        key: part(&shape.key),
                        value: part(&shape.value),
                        values: allowed_values(kind, shape),
                    },
                );
                for (_, member) in members_of(shape) {
                    self.member_uses.insert(member.target.clone());
                    self.visit(&member.target);
                }
            }
        }
    }

    /// A member of a union, or of the structure `structure`.
    fn member(&self, structure: Option<&str>, name: &str, member: &ast::Member) -> ir::Member {
        // A member without docs of its own shows its target's.
        let mut docs = docs_of(&member.traits);
        if docs.is_empty() {
            if let Some(target) = self.model.shapes.get(&member.target) {
                docs = docs_of(&target.shape.traits);
            }
        }
        ir::Member {
            name: name.to_string(),
            rust_name: String::new(),
            docs,
            traits: member.traits.clone(),
            ty: TypeRef {
                target: member.target.clone(),
                ty: Type::Unresolved,
                constraints: Constraints::default(),
                sparse: false,
                sensitive: false,
                target_constraints: false,
            },
            required: member.traits.contains_key("smithy.api#required"),
            default: None,
            sensitive: false,
            boxed: false,
            default_fn: None,
            idempotency_token: member.traits.contains_key("smithy.api#idempotencyToken"),
            deprecated: member.traits.contains_key("smithy.api#deprecated"),
            binding: match (&self.messages, structure) {
                (Some(messages), Some(structure)) => messages.binding(structure, name, &member.traits),
                _ => Binding::Body,
            },
            json_name: if self.json_names { http_bindings::json_name(&member.traits) } else { None },
            media_type: None,
        }
    }
}

/// The values of an `intEnum`, or of a string with the legacy `@enum` trait
/// (whose entries tagged `internal` are not listed in messages).
fn allowed_values(kind: Kind, shape: &ast::Shape) -> Option<Vec<ir::AllowedValue>> {
    if kind == Kind::IntEnum {
        let values = members_of(shape).into_iter().map(|(_, m)| ir::AllowedValue {
            value: m.traits.get("smithy.api#enumValue").map(Value::to_string).unwrap_or_default(),
            listed: !m.traits.contains_key("smithy.api#internal"),
        });
        return Some(values.collect());
    }
    let entries = shape.traits.get("smithy.api#enum")?.as_array()?;
    let values = entries.iter().map(|entry| {
        let tags = entry.get("tags").and_then(Value::as_array);
        ir::AllowedValue {
            value: entry.get("value").and_then(Value::as_str).unwrap_or_default().to_string(),
            listed: !tags.is_some_and(|tags| tags.iter().any(|t| t == "internal")),
        }
    });
    Some(values.collect())
}

fn error_info(traits: &ast::Traits) -> Option<ErrorInfo> {
    let fault = match traits.get("smithy.api#error")?.as_str()? {
        "server" => Fault::Server,
        _ => Fault::Client,
    };
    let default_status = if fault == Fault::Server { 500 } else { 400 };
    let http_status = traits
        .get("smithy.api#httpError")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(default_status);
    let query_code = traits
        .get("aws.protocols#awsQueryError")
        .and_then(|e| e.get("code"))
        .and_then(Value::as_str)
        .map(str::to_string);
    Some(ErrorInfo { fault, http_status, query_code })
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
