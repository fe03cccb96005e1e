//! A restJson1 service's `paths`: each operation's `@http` route, its
//! parameters (labels, query parameters, headers), its request body and its
//! responses, the success and one per status of its errors.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::schema::{self, Schema, Schemas};
use crate::diagnostic::{Diagnostic, Diagnostics, WarningKind};
use crate::ir::{self, Binding, HttpBinding, Member, PayloadKind, Role, Shape, ShapeKind, Type, UriSegment};

/// The methods OpenAPI 3.1 has a place for in a path item.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The header restJson1 errors name themselves in (the runtime writes it
/// with every error).
const ERROR_TYPE_HEADER: &str = "X-Amzn-Errortype";

/// One operation's place in `paths`.
struct Route<'a> {
    op: &'a ir::Operation,
    http: &'a HttpBinding,
    method: &'static str,
    /// The path template: the URI pattern's path, labels as `{name}`.
    path: String,
    /// The name in `path` of each label of the URI pattern, by its name in
    /// the model (the same unless [`same_templates`] renamed it).
    labels: BTreeMap<String, String>,
}

/// The `paths` object of `service`, its operations by path and method.
pub(super) fn paths(service: &ir::Service, schemas: &mut Schemas, warnings: &mut Diagnostics) -> Map<String, Value> {
    let mut routes = Vec::new();
    for op in &service.operations {
        let warn = |message: String| {
            Diagnostic::warning(WarningKind::OpenApiOperationLeftOut, message).in_file(&op.file).at_shape(&op.id)
        };
        let Some(http) = &op.http else {
            warnings.push(warn(
                "has no @http trait, so it has no route to describe: it is left out of the OpenAPI document".into(),
            ));
            continue;
        };
        let Some(method) = METHODS.iter().copied().find(|m| m.eq_ignore_ascii_case(&http.method)) else {
            warnings.push(warn(format!(
                "uses the method {}, which OpenAPI 3.1 has no place for: it is left out of the OpenAPI document",
                http.method
            )));
            continue;
        };
        let labels = http.labels().map(|(name, _)| (name.to_string(), name.to_string())).collect();
        routes.push(Route { op, http, method, path: String::new(), labels });
    }
    same_templates(&mut routes);
    // Operations told apart only by their URIs' query literals share a path
    // and method, which OpenAPI cannot hold twice: each of those is written
    // under its path with the literals (`/things?type=a`).
    let mut sharing: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for route in &routes {
        *sharing.entry((&route.path, route.method)).or_default() += 1;
    }
    let keys: Vec<String> = routes
        .iter()
        .map(|route| match sharing[&(route.path.as_str(), route.method)] {
            n if n > 1 && !route.http.query.is_empty() => format!("{}?{}", route.path, query_literals(route.http)),
            _ => route.path.clone(),
        })
        .collect();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (route, key) in routes.iter().zip(keys) {
        let item = paths.entry(key.clone()).or_default();
        if item.contains_key(route.method) {
            warnings.push(
                Diagnostic::warning(
                    WarningKind::OpenApiOperationLeftOut,
                    format!(
                        "has the same route as another operation ({} {key}): it is left out of the OpenAPI document",
                        route.http.method
                    ),
                )
                .in_file(&route.op.file)
                .at_shape(&route.op.id),
            );
            continue;
        }
        item.insert(route.method.to_string(), operation(service, route, schemas).into());
    }
    paths.into_iter().map(|(path, item)| (path, item.into())).collect()
}

/// Gives each route its path template. To OpenAPI, templates that differ
/// only in their labels' names are the same path, which may appear once;
/// Smithy lets operations name the labels in one place as they like
/// (`/items/{id}` for one method, `/items/{itemId}` for another). Such
/// labels take the names of the least of those templates, in the path and
/// the parameter: a label's name is never sent.
fn same_templates(routes: &mut [Route<'_>]) {
    // The least named template of each template with its labels blanked.
    let mut least: BTreeMap<String, String> = BTreeMap::new();
    for route in routes.iter() {
        let path = path_template(route.http, &route.labels);
        let named = least.entry(path_template(route.http, &BTreeMap::new())).or_insert_with(|| path.clone());
        if path < *named {
            *named = path;
        }
    }
    for route in routes.iter_mut() {
        let named = &least[&path_template(route.http, &BTreeMap::new())];
        let names = named.split('/').filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'));
        for ((label, _), name) in route.http.labels().zip(names) {
            route.labels.insert(label.to_string(), name.to_string());
        }
        route.path = path_template(route.http, &route.labels);
    }
}

/// The path of a URI pattern, each label as OpenAPI's `{name}`, named as
/// `labels` says (`{}` where it says nothing), a greedy label's `+`
/// dropped: its parameter says it is greedy.
fn path_template(http: &HttpBinding, labels: &BTreeMap<String, String>) -> String {
    let segments = http.segments.iter().map(|segment| match segment {
        UriSegment::Literal(text) => text.clone(),
        UriSegment::Label(name) | UriSegment::GreedyLabel(name) => {
            format!("{{{}}}", labels.get(name).map_or("", String::as_str))
        }
    });
    format!("/{}", segments.collect::<Vec<_>>().join("/"))
}

/// A URI pattern's query literals as written (`type=a&flag`).
fn query_literals(http: &HttpBinding) -> String {
    let literals = http.query.iter().map(|literal| match &literal.value {
        Some(value) => format!("{}={value}", literal.key),
        None => literal.key.clone(),
    });
    literals.collect::<Vec<_>>().join("&")
}

/// The members of a structure (none for other shapes).
fn members(shape: &Shape) -> &[Member] {
    match &shape.kind {
        ShapeKind::Structure(s) => &s.members,
        _ => &[],
    }
}

/// One operation object.
fn operation(service: &ir::Service, route: &Route<'_>, schemas: &mut Schemas) -> Map<String, Value> {
    let (op, http) = (route.op, route.http);
    let mut out = Map::new();
    out.insert("operationId".into(), op.name.clone().into());
    if let Some(summary) = crate::model::docs::summary(&op.docs) {
        out.insert("summary".into(), summary.into());
    }
    if let Some(description) = schema::description(&op.docs) {
        out.insert("description".into(), description.into());
    }
    if op.deprecated {
        out.insert("deprecated".into(), true.into());
    }
    let input = op.input.as_ref().map(|id| &service.shapes[id]);
    let request = input.map(|shape| request(service, route, shape, schemas)).unwrap_or_default();
    let mut parameters = request.parameters;
    // The URI's query literals: a request matches only with each of them.
    for literal in &http.query {
        if parameters.iter().any(|p| p["in"] == "query" && p["name"] == literal.key.as_str()) {
            continue;
        }
        let schema = match &literal.value {
            Some(value) => json!({ "type": "string", "const": value }),
            None => json!({ "type": "string" }),
        };
        parameters.push(json!({
            "name": literal.key,
            "in": "query",
            "required": true,
            "description": format!("Fixed by the operation's URI (`?{}`).", query_literals(http)),
            "schema": schema,
        }));
    }
    if !parameters.is_empty() {
        out.insert("parameters".into(), parameters.into());
    }
    if let Some(body) = request.body {
        out.insert("requestBody".into(), body.into());
    }
    if !request.prefix_headers.is_empty() {
        out.insert("x-smithy-prefix-headers".into(), request.prefix_headers.into());
    }
    out.insert("responses".into(), responses(service, op, http, schemas).into());
    out
}

/// What an operation's input becomes.
#[derive(Default)]
struct Request {
    parameters: Vec<Value>,
    body: Option<Map<String, Value>>,
    prefix_headers: Map<String, Value>,
}

/// The parameters, body and prefix headers of an operation's input.
fn request(service: &ir::Service, route: &Route<'_>, input: &Shape, schemas: &mut Schemas) -> Request {
    let (op, http) = (route.op, route.http);
    let mut request = Request::default();
    let mut labels = BTreeMap::new();
    let mut payload = None;
    let mut body = Vec::new();
    for m in members(input) {
        match m.binding.in_role(Role::Input) {
            binding @ (Binding::Label | Binding::GreedyLabel) => {
                let name = route.labels.get(&m.name).unwrap_or(&m.name);
                let mut parameter = parameter(schemas, m, name, "path", false);
                parameter.insert("required".into(), true.into());
                if *binding == Binding::GreedyLabel {
                    let note = "A greedy label (`{name+}` in the model's URI): the value may span several path \
                                segments, `/` included.";
                    append_description(&mut parameter, note);
                    parameter.insert("x-smithy-greedy-label".into(), true.into());
                }
                labels.insert(m.name.as_str(), parameter);
            }
            Binding::Query(name) => {
                let mut parameter = parameter(schemas, m, name, "query", false);
                if matches!(m.ty.ty, Type::List(_)) {
                    // A list is the parameter repeated: `?tag=a&tag=b`.
                    parameter.insert("style".into(), "form".into());
                    parameter.insert("explode".into(), true.into());
                }
                request.parameters.push(parameter.into());
            }
            Binding::QueryParams => {
                // The map's entries are the query string's other parameters.
                let mut parameter = parameter(schemas, m, &m.name, "query", false);
                parameter.insert("style".into(), "form".into());
                parameter.insert("explode".into(), true.into());
                request.parameters.push(parameter.into());
            }
            Binding::Header(name) => {
                let mut parameter = parameter(schemas, m, name, "header", true);
                if matches!(m.ty.ty, Type::List(_)) {
                    // A list is one header, its items separated by commas.
                    parameter.insert("style".into(), "simple".into());
                }
                request.parameters.push(parameter.into());
            }
            Binding::PrefixHeaders(prefix) => {
                request.prefix_headers.insert(prefix.clone(), prefix_headers(schemas, m).into());
            }
            Binding::Payload => payload = Some(m),
            Binding::Body | Binding::ResponseCode => body.push(m),
        }
    }
    // Labels in the order the URI has them.
    let label_parameters = http.labels().filter_map(|(name, _)| labels.remove(name)).map(Value::from);
    request.parameters.splice(0..0, label_parameters.collect::<Vec<_>>());
    let media_type = service.document_media_type.unwrap_or("application/json");
    request.body = match payload {
        Some(m) => Some(payload_body(schemas, m)),
        None => {
            let body: Vec<&Member> = body.into_iter().filter(|m| m.in_document()).collect();
            (!body.is_empty()).then(|| {
                let schema = schemas.message_body(&format!("{}RequestContent", op.name), input, body.iter().copied());
                let mut out = Map::new();
                if body.iter().any(|m| m.required) {
                    out.insert("required".into(), true.into());
                }
                out.insert("content".into(), json!({ media_type: { "schema": schema } }));
                out
            })
        }
    };
    request
}

/// A parameter bound to member `m`: `name` in `location`.
fn parameter(schemas: &mut Schemas, m: &Member, name: &str, location: &str, header: bool) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("name".into(), name.into());
    out.insert("in".into(), location.into());
    if m.required {
        out.insert("required".into(), true.into());
    }
    if let Some(description) = schema::description(&m.docs) {
        out.insert("description".into(), description.into());
    }
    if m.deprecated {
        out.insert("deprecated".into(), true.into());
    }
    out.insert("schema".into(), bound_schema(schemas, m, header).into());
    out
}

/// The schema of a member bound outside the body (in the IR, its
/// timestamps already have the format of where it is bound).
fn bound_schema(schemas: &mut Schemas, m: &Member, header: bool) -> Schema {
    let mut schema = schemas.value(&m.ty);
    if let Some(default) = &m.default {
        schema::set_default(&mut schema, default, &m.ty);
    }
    schema::flag(&mut schema, false, m.ty.sensitive);
    // A string of another media type travels in a header in base64.
    if let (Some(media_type), Type::String) = (&m.media_type, &m.ty.ty) {
        if header {
            schema.insert("contentEncoding".into(), "base64".into());
        }
        schema.insert("contentMediaType".into(), media_type.clone().into());
    }
    schema
}

/// An `@httpPrefixHeaders` member, which OpenAPI cannot say (its headers'
/// names are not known in advance): the member and its map's schema, keyed
/// by the prefix in `x-smithy-prefix-headers`.
fn prefix_headers(schemas: &mut Schemas, m: &Member) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("member".into(), m.name.clone().into());
    if let Some(description) = schema::description(&m.docs) {
        out.insert("description".into(), description.into());
    }
    out.insert("schema".into(), bound_schema(schemas, m, true).into());
    out
}

/// The content an `@httpPayload` member is the whole of: its media type
/// and schema.
fn payload_content(schemas: &mut Schemas, m: &Member) -> (String, Schema) {
    let payload = m.payload.as_ref().expect("lowering describes every payload member");
    let schema = match payload.kind {
        PayloadKind::Document | PayloadKind::Text => schemas.member(m),
        PayloadKind::Bytes => {
            let mut schema = schema::binary();
            if let Some(length) = &m.ty.constraints.length {
                schema.insert("x-smithy-length".into(), schema::exact_length(length).into());
            }
            schema::describe(&mut schema, &m.docs);
            schema::flag(&mut schema, m.deprecated, m.ty.sensitive);
            schema
        }
        // Events in AWS's event stream framing, each one of the union's
        // members: the union's component, named in `x-smithy-event-stream`.
        PayloadKind::EventStream => {
            let mut schema = schema::binary();
            let union = schemas.value(&m.ty);
            schema.insert("x-smithy-event-stream".into(), union["$ref"].clone());
            schema::describe(&mut schema, &m.docs);
            schema
        }
    };
    (payload.media_type.clone(), schema)
}

/// A request body that is one member's value.
fn payload_body(schemas: &mut Schemas, m: &Member) -> Map<String, Value> {
    let (media_type, schema) = payload_content(schemas, m);
    let mut out = Map::new();
    if m.required {
        out.insert("required".into(), true.into());
    }
    out.insert("content".into(), json!({ media_type: { "schema": schema } }));
    out
}

/// What a response carries: its headers, its body, and what OpenAPI has no
/// words for.
#[derive(Default)]
struct Message {
    headers: Map<String, Value>,
    /// The body's media type and schema.
    content: Option<(String, Schema)>,
    prefix_headers: Map<String, Value>,
    /// The `@httpResponseCode` member, which sets the status.
    status_member: Option<String>,
}

/// The response a structure in `role` (an output or error) is written as;
/// its JSON body, if it has one, the component `body_name`.
fn response_message(
    service: &ir::Service,
    shape: &Shape,
    role: Role,
    body_name: &str,
    schemas: &mut Schemas,
) -> Message {
    let mut message = Message::default();
    let mut payload = None;
    let mut body = Vec::new();
    for m in members(shape) {
        match m.binding.in_role(role) {
            Binding::Header(name) => {
                let mut header = Map::new();
                if let Some(description) = schema::description(&m.docs) {
                    header.insert("description".into(), description.into());
                }
                if m.required {
                    header.insert("required".into(), true.into());
                }
                if m.deprecated {
                    header.insert("deprecated".into(), true.into());
                }
                header.insert("schema".into(), bound_schema(schemas, m, true).into());
                message.headers.insert(name.clone(), header.into());
            }
            Binding::PrefixHeaders(prefix) => {
                message.prefix_headers.insert(prefix.clone(), prefix_headers(schemas, m).into());
            }
            Binding::ResponseCode => message.status_member = Some(m.name.clone()),
            Binding::Payload => payload = Some(m),
            _ => body.push(m),
        }
    }
    message.content = match payload {
        Some(m) => Some(payload_content(schemas, m)),
        None => {
            let body: Vec<&Member> = body.into_iter().filter(|m| m.in_document()).collect();
            (!body.is_empty()).then(|| {
                let media_type = service.document_media_type.unwrap_or("application/json").to_string();
                (media_type, schemas.message_body(body_name, shape, body.into_iter()))
            })
        }
    };
    message
}

/// The operation's responses: its success, and its errors by status.
fn responses(
    service: &ir::Service,
    op: &ir::Operation,
    http: &HttpBinding,
    schemas: &mut Schemas,
) -> Map<String, Value> {
    let mut out = Map::new();
    let output = op.output.as_ref().map(|id| &service.shapes[id]);
    let message = output
        .map(|shape| response_message(service, shape, Role::Output, &format!("{}ResponseContent", op.name), schemas))
        .unwrap_or_default();
    let mut description = format!("{} {} response", op.name, http.code);
    if let Some(member) = &message.status_member {
        description
            .push_str(&format!(" (the status is the output's `{member}` member when it is set, else {})", http.code));
    }
    let mut success = response(description, message.headers, message.content.into_iter().collect());
    if !message.prefix_headers.is_empty() {
        success.insert("x-smithy-prefix-headers".into(), message.prefix_headers.into());
    }
    if let Some(member) = message.status_member {
        success.insert("x-smithy-response-code-member".into(), member.into());
    }
    out.insert(http.code.to_string(), success.into());

    let mut by_status: BTreeMap<u16, Vec<&Shape>> = BTreeMap::new();
    for error in &op.errors {
        let shape = &service.shapes[&error.id];
        let ShapeKind::Structure(ir::Structure { error: Some(info), .. }) = &shape.kind else { continue };
        by_status.entry(info.http_status).or_default().push(shape);
    }
    for (status, errors) in by_status {
        let names: Vec<&str> = errors.iter().map(|shape| shape.name.as_str()).collect();
        let mut headers = Map::new();
        headers.insert(
            ERROR_TYPE_HEADER.into(),
            json!({
                "description": "The error's name.",
                "required": true,
                "schema": { "type": "string", "enum": names },
            }),
        );
        let mut contents: BTreeMap<String, Vec<Schema>> = BTreeMap::new();
        let mut prefix_headers = Map::new();
        for shape in &errors {
            let body_name = format!("{}ResponseContent", schemas.name_of(&shape.id));
            let message = response_message(service, shape, Role::Error, &body_name, schemas);
            for (name, mut header) in message.headers {
                // A header one of several errors sends is not always sent.
                if let Some(header) = header.as_object_mut().filter(|_| errors.len() > 1) {
                    header.remove("required");
                }
                headers.entry(name).or_insert(header);
            }
            for (prefix, value) in message.prefix_headers {
                prefix_headers.entry(prefix).or_insert(value);
            }
            if let Some((media_type, schema)) = message.content {
                contents.entry(media_type).or_default().push(schema);
            }
        }
        let contents = contents.into_iter().map(|(media_type, mut schemas)| {
            let schema = if schemas.len() == 1 {
                schemas.remove(0)
            } else {
                // `anyOf`: error bodies often overlap (every member
                // optional), and one that fits two would break `oneOf`;
                // `X-Amzn-Errortype` says which error it is.
                let mut either = Schema::new();
                either.insert("anyOf".into(), schemas.into_iter().map(Value::from).collect());
                either
            };
            (media_type, schema)
        });
        let mut response = response(names.join(", "), headers, contents.collect());
        if !prefix_headers.is_empty() {
            response.insert("x-smithy-prefix-headers".into(), prefix_headers.into());
        }
        // Errors are 4xx and 5xx; a success code among them keeps its place.
        out.entry(status.to_string()).or_insert(response.into());
    }
    out
}

/// A response object.
fn response(description: String, headers: Map<String, Value>, content: Vec<(String, Schema)>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("description".into(), description.into());
    if !headers.is_empty() {
        out.insert("headers".into(), headers.into());
    }
    if !content.is_empty() {
        let content = content.into_iter().map(|(media_type, schema)| (media_type, json!({ "schema": schema })));
        out.insert("content".into(), content.collect::<Map<_, _>>().into());
    }
    out
}

/// Adds a sentence to an object's `description`.
fn append_description(object: &mut Map<String, Value>, sentence: &str) {
    let text = match object.get("description").and_then(Value::as_str) {
        Some(text) => format!("{text}\n\n{sentence}"),
        None => sentence.to_string(),
    };
    object.insert("description".into(), text.into());
}
