//! Smithy's HTTP binding traits (<https://smithy.io/2.0/spec/http-bindings.html>):
//! `@http` on operations, and `@httpLabel`, `@httpQuery`, `@httpQueryParams`,
//! `@httpHeader`, `@httpPrefixHeaders`, `@httpPayload` and
//! `@httpResponseCode` on the members of their input, output and error
//! structures, for services whose protocol binds members to HTTP
//! ([`Protocol::binds_http`]: restJson1).
//!
//! Each trait is parsed here and nowhere else: [`parse_http`] and
//! [`member_binding`] read the traits' values into the IR's types, and
//! both [`check`] (before lowering) and [`crate::lower`] call them, so the
//! IR ([`crate::ir::Operation::http`], [`crate::ir::Member::binding`] and
//! [`crate::ir::Member::json_name`]) holds exactly what was checked, and
//! emitters never read the traits.
//!
//! The traits' selectors, checked for every model by
//! [`crate::trait_definitions`], already say where each may go: labels on
//! `@required` members of simple types, headers and query parameters on
//! simple values or lists of them, query params and prefix headers on maps
//! of strings, response codes on integers outside `@input` structures.
//! [`check`] applies the rest of the specification, for services whose
//! protocol binds members to HTTP: URI patterns; every label bound to one
//! `@httpLabel` input member of its name and every such member to a label,
//! greedy ones to strings; one binding per member; header names that are
//! tokens and unique (case-insensitively), outside the structure's header
//! prefix; query parameters named once and not as a URI literal; at most
//! one payload, query params, prefix headers and response code member per
//! structure; with a payload, nothing else in the body; payloads of types
//! restJson1 can send; streams as payloads; distinct JSON names; `@http`
//! on every operation or none; and no two operations matching the same
//! requests. Bindings Smithy ignores are warnings, as Smithy has them:
//! those on members of structures that are no operation's top-level
//! input, output or error (lowered as [`Binding::Body`]), and those in a
//! role where the trait does not apply, such as `@httpQuery` on an output
//! ([`Binding::in_role`] gives `Body` there). So are restricted headers
//! (`Content-Length`, ...), which AWS's own models bind. awsJson services
//! are not checked: they send every member in the body.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ast;
use crate::check::members_of;
use crate::diagnostic::{Diagnostic, Diagnostics};
use awsgen_runtime::rest::{BuildError, Router, Segment, UriPattern};

use crate::ir::{self, Binding, HttpBinding, Protocol, QueryLiteral, Role, UriSegment};
use crate::kind::{Kind, UNIT, prelude_shape};
use crate::load::LoadedModel;
use crate::lower::{bound_operations, protocol};

// The ids of the traits read here.
pub const HTTP: &str = "smithy.api#http";
pub const LABEL: &str = "smithy.api#httpLabel";
pub const QUERY: &str = "smithy.api#httpQuery";
pub const QUERY_PARAMS: &str = "smithy.api#httpQueryParams";
pub const HEADER: &str = "smithy.api#httpHeader";
pub const PREFIX_HEADERS: &str = "smithy.api#httpPrefixHeaders";
pub const PAYLOAD: &str = "smithy.api#httpPayload";
pub const RESPONSE_CODE: &str = "smithy.api#httpResponseCode";
pub const JSON_NAME: &str = "smithy.api#jsonName";

/// The member binding traits. A member has at most one (they conflict with
/// each other); [`member_binding`] reads the first it finds in this order.
const BINDING_TRAITS: [&str; 7] = [LABEL, QUERY, QUERY_PARAMS, HEADER, PREFIX_HEADERS, PAYLOAD, RESPONSE_CODE];

/// Headers the specification's list of restricted headers discourages
/// binding: HTTP itself or authentication sets them.
const RESTRICTED_HEADERS: [&str; 15] = [
    "authorization",
    "connection",
    "content-length",
    "expect",
    "host",
    "max-forwards",
    "proxy-authenticate",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "www-authenticate",
    "x-forwarded-for",
];

const SPEC: &str = "https://smithy.io/2.0/spec/http-bindings.html";

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
/// generated router reads the same patterns (`awsgen_runtime::rest`).
pub fn parse_uri(uri: &str) -> Result<(Vec<UriSegment>, Vec<QueryLiteral>), String> {
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
fn is_token(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// The binding a structure member's traits give it, whatever the role of
/// its structure; `greedy` says whether its label, if it has one, is greedy
/// in the URI of the operation it is the input of.
pub fn member_binding(traits: &ast::Traits, greedy: bool) -> Binding {
    let string = |id: &str| traits.get(id).and_then(Value::as_str).unwrap_or_default().to_string();
    match BINDING_TRAITS.into_iter().find(|id| traits.contains_key(*id)) {
        Some(LABEL) if greedy => Binding::GreedyLabel,
        Some(LABEL) => Binding::Label,
        Some(QUERY) => Binding::Query(string(QUERY)),
        Some(QUERY_PARAMS) => Binding::QueryParams,
        Some(HEADER) => Binding::Header(string(HEADER)),
        Some(PREFIX_HEADERS) => Binding::PrefixHeaders(string(PREFIX_HEADERS)),
        Some(PAYLOAD) => Binding::Payload,
        Some(RESPONSE_CODE) => Binding::ResponseCode,
        _ => Binding::Body,
    }
}

/// A member's `@jsonName`.
pub fn json_name(traits: &ast::Traits) -> Option<String> {
    traits.get(JSON_NAME).and_then(Value::as_str).map(str::to_string)
}

/// What lowering needs to give members their bindings: which structures
/// are some operation's top-level input, output or error, and which of
/// their members are bound to greedy labels.
#[derive(Debug, Default)]
pub struct Messages {
    /// Structures that are an operation's input, output or error.
    pub top_level: BTreeSet<String>,
    /// (structure, member) pairs bound to a greedy label of the URI of an
    /// operation the structure is the input of.
    pub greedy: BTreeSet<(String, String)>,
}

impl Messages {
    /// From the lowered operations, their errors the service's too.
    pub fn new(operations: &[ir::Operation]) -> Self {
        let mut messages = Messages::default();
        for op in operations {
            let errors = op.errors.iter().map(|e| &e.id);
            messages.top_level.extend(op.input.iter().chain(&op.output).chain(errors).cloned());
            if let (Some(input), Some(http)) = (&op.input, &op.http) {
                for (label, _) in http.labels().filter(|(_, greedy)| *greedy) {
                    messages.greedy.insert((input.clone(), label.to_string()));
                }
            }
        }
        messages
    }

    /// The binding of member `name` of the structure `structure`: `Body`
    /// unless the structure is a top-level message.
    pub fn binding(&self, structure: &str, name: &str, traits: &ast::Traits) -> Binding {
        if !self.top_level.contains(structure) {
            return Binding::Body;
        }
        member_binding(traits, self.greedy.contains(&(structure.to_string(), name.to_string())))
    }
}

/// Checks the HTTP bindings of every service of the model whose protocol
/// binds members to HTTP.
pub fn check(model: &LoadedModel) -> Diagnostics {
    let mut out = Diagnostics::default();
    for (id, loaded) in &model.shapes {
        if loaded.shape.kind == "service" && protocol(&loaded.shape.traits).is_some_and(Protocol::binds_http) {
            ServiceCheck { model, service: id, out: &mut out }.run();
        }
    }
    out
}

/// One operation of the service, with its parsed `@http`.
struct Operation<'a> {
    id: &'a str,
    shape: &'a ast::Shape,
    http: HttpBinding,
    input: Option<&'a str>,
}

struct ServiceCheck<'a, 'o> {
    model: &'a LoadedModel,
    service: &'a str,
    out: &'o mut Diagnostics,
}

impl<'a> ServiceCheck<'a, '_> {
    fn run(&mut self) {
        let model = self.model;
        let service_errors: Vec<&str> =
            model.shapes[self.service].shape.errors.iter().map(|t| t.target.as_str()).collect();
        let mut operations = Vec::new();
        let mut without_http = Vec::new();
        let mut with_http = 0;
        // Each top-level structure's roles, with the operations that give them.
        let mut roles: BTreeMap<&str, BTreeSet<(Role, &str)>> = BTreeMap::new();
        let bound = bound_operations(model, self.service);
        for op_id in &bound {
            let Some((op_id, loaded)) = model.shapes.get_key_value(op_id.as_str()) else { continue };
            let shape = &loaded.shape;
            if shape.kind != "operation" {
                continue;
            }
            let target = |t: &'a Option<ast::Target>| t.as_ref().map(|t| t.target.as_str()).filter(|t| *t != UNIT);
            let (input, output) = (target(&shape.input), target(&shape.output));
            let errors = shape.errors.iter().map(|t| t.target.as_str()).chain(service_errors.iter().copied());
            let uses = input.map(|i| (i, Role::Input)).into_iter().chain(output.map(|o| (o, Role::Output)));
            for (structure, role) in uses.chain(errors.map(|e| (e, Role::Error))) {
                if self.structure(structure).is_some() {
                    roles.entry(structure).or_default().insert((role, op_id.as_str()));
                }
            }
            match shape.traits.get(HTTP) {
                None => without_http.push((op_id.as_str(), &loaded.file)),
                Some(value) => {
                    with_http += 1;
                    match parse_http(value) {
                        Ok(http) => operations.push(Operation { id: op_id, shape, http, input }),
                        Err(why) => self.out.push(
                            Diagnostic::error(format!("@http {why}"))
                                .in_file(&loaded.file)
                                .at_shape(op_id.as_str())
                                .help(format!("see the specification of the http trait: {SPEC}#http-trait")),
                        ),
                    }
                }
            }
        }
        // As Smithy has it: an error where some operations have @http and
        // others not; a warning where none has, since nothing is bound.
        if with_http > 0 {
            for (op_id, file) in without_http {
                let (others, have) = if with_http == 1 { ("operation", "has") } else { ("operations", "have") };
                self.out.push(
                    Diagnostic::error(format!(
                        "has no @http trait, but {with_http} other {others} of {} {have} one: restJson1 routes \
                         requests by method and URI",
                        self.service
                    ))
                    .in_file(file)
                    .at_shape(op_id)
                    .help(format!(
                        "give the operation its method and URI, e.g. @http(method: \"POST\", uri: \"/{}\")",
                        crate::shape_id::name(op_id)
                    )),
                );
            }
        } else if !without_http.is_empty() {
            self.out.push(
                Diagnostic::warning(
                    "is a restJson1 service, but none of its operations has an @http trait: restJson1 routes requests \
                     by method and URI, so they cannot be served",
                )
                .in_file(&model.shapes[self.service].file)
                .at_shape(self.service)
                .help("give each operation its method and URI: @http(method: \"POST\", uri: \"/OperationName\")"),
            );
        }
        self.check_labels(&operations);
        for (structure, roles) in &roles {
            self.check_message(structure, roles, &operations);
        }
        self.check_nested(&roles);
        self.check_conflicts(&operations);
    }

    /// The structure shape `id` defines, if it is one.
    fn structure(&self, id: &str) -> Option<&'a ast::Shape> {
        self.model.shapes.get(id).map(|s| &s.shape).filter(|s| s.kind == "structure")
    }

    fn kind_of(&self, id: &str) -> Option<Kind> {
        match self.model.shapes.get(id) {
            Some(loaded) => Kind::parse(&loaded.shape.kind),
            None => prelude_shape(id).map(|(kind, _)| kind),
        }
    }

    /// An error or warning about shape `id` (`structure$member` for a
    /// member), in the file of the shape.
    fn at(&self, diagnostic: Diagnostic, shape: &str, member: Option<&str>) -> Diagnostic {
        let file = self.model.shapes.get(shape).map(|s| s.file.clone()).unwrap_or_default();
        let id = match member {
            Some(member) => format!("{shape}${member}"),
            None => shape.to_string(),
        };
        diagnostic.in_file(file).at_shape(id)
    }

    fn error(&mut self, shape: &str, member: Option<&str>, message: String, help: impl Into<String>) {
        let diagnostic = self.at(Diagnostic::error(message).help(help), shape, member);
        self.out.push(diagnostic);
    }

    fn warning(&mut self, shape: &str, member: Option<&str>, message: String, help: impl Into<String>) {
        let diagnostic = self.at(Diagnostic::warning(message).help(help), shape, member);
        self.out.push(diagnostic);
    }

    /// Every label of an operation's URI has an `@httpLabel` input member
    /// of its name, every `@httpLabel` input member has a label, and
    /// greedy labels bind strings.
    fn check_labels(&mut self, operations: &[Operation<'_>]) {
        // Whether each label member is greedy, by the operations it is the
        // input of: the IR has one binding per member.
        let mut greediness: BTreeMap<(&str, &str), BTreeMap<bool, &str>> = BTreeMap::new();
        for op in operations {
            let uri = &op.http.uri;
            let input = op.input.and_then(|id| Some((id, self.structure(id)?)));
            let members: Vec<(&str, &ast::Member)> = input.map(|(_, s)| members_of(s)).unwrap_or_default();
            for (label, greedy) in op.http.labels() {
                let shown = if greedy { format!("{{{label}+}}") } else { format!("{{{label}}}") };
                let Some((input_id, _)) = input else {
                    self.error(
                        op.id,
                        None,
                        format!("the URI pattern `{uri}` has the label `{shown}`, but the operation has no input"),
                        format!("give the operation an input structure with a @required @httpLabel member `{label}`"),
                    );
                    continue;
                };
                match members.iter().find(|(name, _)| *name == label) {
                    None => {
                        let near = members
                            .iter()
                            .find(|(name, _)| name.eq_ignore_ascii_case(label))
                            .map(|(name, _)| format!(" (member `{name}` differs in case: label names match exactly)"))
                            .unwrap_or_default();
                        self.error(
                            op.id,
                            None,
                            format!(
                                "the URI pattern `{uri}` has the label `{shown}`, but its input {input_id} has no \
                                 member `{label}`{near}"
                            ),
                            format!("add a @required @httpLabel member `{label}` to {input_id}, or fix the label"),
                        );
                    }
                    Some((name, member)) if !member.traits.contains_key(LABEL) => self.error(
                        input_id,
                        Some(name),
                        format!("is named like the label `{shown}` of {}'s URI `{uri}`, but has no @httpLabel", op.id),
                        "mark the member @httpLabel (and @required), or rename the label",
                    ),
                    Some((name, member)) => {
                        greediness.entry((input_id, name)).or_default().insert(greedy, op.id);
                        let kind = self.kind_of(&member.target);
                        if greedy && kind.is_some_and(|k| !matches!(k, Kind::String | Kind::Enum)) {
                            self.error(
                                input_id,
                                Some(name),
                                format!(
                                    "is bound to the greedy label `{shown}` of {}'s URI, so it must target a string, \
                                     not {} ({})",
                                    op.id,
                                    kind.map(Kind::with_article).unwrap_or_default(),
                                    member.target
                                ),
                                format!("target a string, or make the label non-greedy (`{{{label}}}`)"),
                            );
                        }
                    }
                }
            }
            if let Some((input_id, _)) = input {
                for (name, member) in &members {
                    if member.traits.contains_key(LABEL) && !op.http.labels().any(|(label, _)| label == *name) {
                        self.error(
                            input_id,
                            Some(name),
                            format!(
                                "has @httpLabel, but the URI pattern of {}, `{uri}`, has no label `{{{name}}}`",
                                op.id
                            ),
                            "add the label to the operation's URI pattern, or bind the member elsewhere",
                        );
                    }
                }
            }
        }
        for ((structure, member), ops) in greediness {
            if let (Some(greedy), Some(plain)) = (ops.get(&true), ops.get(&false)) {
                self.error(
                    structure,
                    Some(member),
                    format!("is bound to a greedy label by {greedy} but to a plain label by {plain}"),
                    "give the operations input structures of their own, or make their labels agree",
                );
            }
        }
    }

    /// The members of a structure that is some operation's input, output
    /// or error.
    fn check_message(&mut self, structure: &str, roles: &BTreeSet<(Role, &str)>, operations: &[Operation<'_>]) {
        let Some(shape) = self.structure(structure) else { return };
        let members = members_of(shape);
        let role_kinds: BTreeSet<Role> = roles.iter().map(|(role, _)| *role).collect();
        let mut exclusive: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut headers: BTreeMap<String, &str> = BTreeMap::new();
        let mut queries: BTreeMap<String, &str> = BTreeMap::new();
        let prefixes: Vec<(&str, &str)> = members
            .iter()
            .filter_map(|(name, m)| Some((*name, m.traits.get(PREFIX_HEADERS)?.as_str()?)))
            .filter(|(_, prefix)| !prefix.is_empty())
            .collect();
        for (name, member) in &members {
            let traits = &member.traits;
            let present: Vec<&str> = BINDING_TRAITS.into_iter().filter(|id| traits.contains_key(*id)).collect();
            if present.len() > 1 {
                let listed: Vec<String> = present.iter().map(|id| format!("@{}", short(id))).collect();
                self.error(
                    structure,
                    Some(name),
                    format!(
                        "has the conflicting traits {}: a member is bound to one place in the message",
                        listed.join(", ")
                    ),
                    "keep one of the binding traits",
                );
                continue;
            }
            for id in [PAYLOAD, QUERY_PARAMS, PREFIX_HEADERS, RESPONSE_CODE] {
                if traits.contains_key(id) {
                    exclusive.entry(id).or_default().push(name);
                }
            }
            let binding = member_binding(traits, false);
            match &binding {
                Binding::Header(header) => self.check_header(structure, name, header, &mut headers, &prefixes),
                Binding::PrefixHeaders(prefix) if !prefix.is_empty() && !is_token(prefix) => self.error(
                    structure,
                    Some(name),
                    format!("binds the header prefix {prefix:?}, which no header name can start with"),
                    "header names are RFC 9110 tokens: letters, digits and !#$%&'*+-.^_`|~",
                ),
                Binding::Query(query) if query.is_empty() => self.error(
                    structure,
                    Some(name),
                    "binds a query string parameter with an empty name".into(),
                    "name the parameter: @httpQuery(\"name\")",
                ),
                Binding::Query(query) => {
                    if let Some(first) = queries.insert(query.clone(), name) {
                        self.error(
                            structure,
                            Some(name),
                            format!("binds the query string parameter `{query}`, which member `{first}` binds too"),
                            "bind each query string parameter to one member",
                        );
                    }
                    for op in operations.iter().filter(|op| op.input == Some(structure)) {
                        if op.http.query.iter().any(|literal| literal.key == *query) {
                            self.error(
                                structure,
                                Some(name),
                                format!(
                                    "binds the query string parameter `{query}`, which the URI pattern of {}, `{}`, \
                                     has as a literal",
                                    op.id, op.http.uri
                                ),
                                "bind the member to another parameter, or remove the literal from the URI pattern",
                            );
                        }
                    }
                }
                Binding::Payload => self.check_payload_target(structure, name, member),
                _ => {}
            }
            // Event streams and byte streams are the whole body.
            let streaming = self
                .model
                .shapes
                .get(&member.target)
                .is_some_and(|t| t.shape.traits.contains_key("smithy.api#streaming"));
            if streaming && binding != Binding::Payload && !role_kinds.contains(&Role::Error) {
                self.error(
                    structure,
                    Some(name),
                    format!("targets the @streaming shape {}, but is not the message's @httpPayload", member.target),
                    "mark the member @httpPayload: a stream is the whole body of the message",
                );
            }
            // A trait that applies in none of the structure's roles.
            if binding != Binding::Body && !role_kinds.iter().any(|role| binding.applies_to(*role)) {
                let only = if binding == Binding::ResponseCode { "outputs" } else { "inputs" };
                let used: Vec<&str> = role_kinds.iter().map(|role| role_name(*role)).collect();
                self.warning(
                    structure,
                    Some(name),
                    format!(
                        "@{} is ignored: it applies to operation {only} only, and {structure} is an operation's {} \
                         only; the member travels in the body",
                        short(present[0]),
                        used.join(" and ")
                    ),
                    "remove the trait, or move the member to a structure where it applies",
                );
            }
        }
        for (id, names) in exclusive {
            if names.len() > 1 {
                self.error(
                    structure,
                    None,
                    format!(
                        "has @{} on members `{}`, but only one member of a structure may have it",
                        short(id),
                        names.join("`, `")
                    ),
                    "keep the trait on one member",
                );
            }
        }
        // With a payload, nothing is left for the body's document.
        let payload = members.iter().find(|(_, m)| m.traits.contains_key(PAYLOAD)).map(|(name, _)| *name);
        if let Some(payload) = payload {
            for role in role_kinds {
                let loose: Vec<&str> = members
                    .iter()
                    .filter(|(name, m)| {
                        *name != payload && *member_binding(&m.traits, false).in_role(role) == Binding::Body
                    })
                    .map(|(name, _)| *name)
                    .collect();
                if !loose.is_empty() {
                    let bindings = match role {
                        Role::Input => "@httpLabel, @httpQuery, @httpQueryParams, @httpHeader or @httpPrefixHeaders",
                        Role::Output => "@httpHeader, @httpPrefixHeaders or @httpResponseCode",
                        Role::Error => "@httpHeader or @httpPrefixHeaders",
                    };
                    self.error(
                        structure,
                        None,
                        format!(
                            "binds member `{payload}` to the payload, so as an operation's {} its other members must \
                             be bound to {bindings}, but `{}` {} not",
                            role_name(role),
                            loose.join("`, `"),
                            if loose.len() == 1 { "is" } else { "are" }
                        ),
                        "bind those members elsewhere in the message, or move them into the payload's structure",
                    );
                }
            }
        }
    }

    fn check_header<'m>(
        &mut self,
        structure: &str,
        name: &'m str,
        header: &str,
        headers: &mut BTreeMap<String, &'m str>,
        prefixes: &[(&str, &str)],
    ) {
        if !is_token(header) {
            self.error(
                structure,
                Some(name),
                format!("binds the header {header:?}, which is not a header name"),
                "header names are RFC 9110 tokens: letters, digits and !#$%&'*+-.^_`|~",
            );
            return;
        }
        let lower = header.to_ascii_lowercase();
        if RESTRICTED_HEADERS.contains(&lower.as_str()) {
            self.warning(
                structure,
                Some(name),
                format!("binds the header `{header}`, which HTTP itself or authentication sets"),
                format!(
                    "the specification discourages binding it (see its restricted headers: {SPEC}#restricted-headers)"
                ),
            );
        }
        if let Some(first) = headers.insert(lower.clone(), name) {
            self.error(
                structure,
                Some(name),
                format!(
                    "binds the header `{header}`, which member `{first}` binds too (header names are case-insensitive)"
                ),
                "bind each header to one member",
            );
        }
        for (member, prefix) in prefixes {
            if lower.starts_with(&prefix.to_ascii_lowercase()) {
                self.error(
                    structure,
                    Some(name),
                    format!("binds the header `{header}`, which starts with the prefix `{prefix}` that member `{member}` binds"),
                    "rename the header, or drop the member and read it from the prefix headers' map",
                );
            }
        }
    }

    /// restJson1 sends a payload as raw bytes or text (blobs, strings,
    /// enums) or as a JSON value (structures, unions, documents).
    fn check_payload_target(&mut self, structure: &str, name: &str, member: &ast::Member) {
        let Some(kind) = self.kind_of(&member.target) else { return };
        if !matches!(kind, Kind::String | Kind::Enum | Kind::Blob | Kind::Structure | Kind::Union | Kind::Document) {
            self.error(
                structure,
                Some(name),
                format!(
                    "is the @httpPayload but targets {}, {}: restJson1 binds only strings, enums, blobs, structures, \
                     unions and documents to the payload",
                    member.target,
                    kind.with_article()
                ),
                "wrap the value in a structure, or leave the member in the body (remove @httpPayload)",
            );
        }
    }

    /// Structures and unions reached from the messages but not messages
    /// themselves: their binding traits are ignored. Also checks, for
    /// every structure and union reached, that `@jsonName` leaves no two
    /// members with one JSON name.
    fn check_nested(&mut self, roles: &BTreeMap<&str, BTreeSet<(Role, &str)>>) {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack: Vec<&str> = roles.keys().copied().collect();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(loaded) = self.model.shapes.get(id) else { continue };
            let members = members_of(&loaded.shape);
            stack.extend(members.iter().map(|(_, m)| m.target.as_str()));
            if !matches!(loaded.shape.kind.as_str(), "structure" | "union") {
                continue;
            }
            let mut json_names: BTreeMap<&str, &str> = BTreeMap::new();
            for (name, member) in &members {
                let json = member.traits.get(JSON_NAME).and_then(Value::as_str).unwrap_or(name);
                if let Some(first) = json_names.insert(json, name) {
                    self.error(
                        id,
                        Some(name),
                        format!("has the JSON name `{json}`, which member `{first}` has too"),
                        "give the members distinct names in JSON (@jsonName)",
                    );
                }
                if roles.contains_key(id) {
                    continue;
                }
                if let Some(trait_id) = BINDING_TRAITS.into_iter().find(|t| member.traits.contains_key(*t)) {
                    self.warning(
                        id,
                        Some(name),
                        format!(
                            "@{} is ignored: bindings apply to the members of an operation's input, output or error, \
                             and {id} is none of {}'s; the member travels in its parent's body",
                            short(trait_id),
                            self.service
                        ),
                        "remove the trait",
                    );
                }
            }
        }
    }

    /// No two operations match the same requests, by the rules of the
    /// runtime's router (`awsgen_runtime::rest::Router`, which the generated
    /// router builds from the same patterns): the same method, the same
    /// segments (label names aside) and query literals. Hosts do not tell
    /// routes apart: the router routes by method and path.
    fn check_conflicts(&mut self, operations: &[Operation<'_>]) {
        let mut entries: Vec<(String, UriPattern, usize)> = operations
            .iter()
            .enumerate()
            .filter_map(|(index, op)| Some((op.http.method.clone(), UriPattern::parse(&op.http.uri).ok()?, index)))
            .collect();
        // The router names the first conflict it meets: each is reported,
        // and its later operation left out, until none is left.
        loop {
            let Err(BuildError::Conflict { method, first, second }) = Router::new(entries.clone()) else { return };
            let find = |uri: &str, skip: Option<usize>| {
                entries.iter().position(|(m, p, i)| *m == method && p.as_str() == uri && Some(*i) != skip)
            };
            let Some(later) = find(&second, None).and_then(|at| find(&second, Some(entries[at].2)).or(Some(at))) else {
                return;
            };
            let (a, b) = match find(&first, Some(entries[later].2)) {
                Some(earlier) => (&operations[entries[earlier].2], &operations[entries[later].2]),
                None => return,
            };
            let host = |op: &Operation<'_>| {
                op.shape
                    .traits
                    .get("smithy.api#endpoint")
                    .and_then(|e| e.get("hostPrefix")?.as_str())
                    .map(str::to_string)
            };
            let hosts = if host(a) != host(b) {
                "; their @endpoint host prefixes differ, but requests are routed by method and path only"
            } else {
                ""
            };
            for (op, other) in [(a, b), (b, a)] {
                self.error(
                    op.id,
                    None,
                    format!(
                        "`{} {}` matches the same requests as {} (`{} {}`){hosts}",
                        op.http.method, op.http.uri, other.id, other.http.method, other.http.uri
                    ),
                    "change one of the URI patterns: label names do not tell requests apart, literal segments and \
                     query literals do",
                );
            }
            entries.remove(later);
        }
    }
}

fn short(trait_id: &str) -> &str {
    trait_id.strip_prefix("smithy.api#").unwrap_or(trait_id)
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Input => "input",
        Role::Output => "output",
        Role::Error => "error",
    }
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
        let traits = |id: &str, value: Value| ast::Traits::from([(id.to_string(), value)]);
        assert_eq!(member_binding(&ast::Traits::new(), false), Binding::Body);
        assert_eq!(member_binding(&traits(LABEL, json!({})), false), Binding::Label);
        assert_eq!(member_binding(&traits(LABEL, json!({})), true), Binding::GreedyLabel);
        assert_eq!(member_binding(&traits(QUERY, json!("q")), false), Binding::Query("q".into()));
        assert_eq!(member_binding(&traits(HEADER, json!("X-A")), false), Binding::Header("X-A".into()));
        assert_eq!(member_binding(&traits(PREFIX_HEADERS, json!("")), false), Binding::PrefixHeaders(String::new()));
        assert_eq!(member_binding(&traits(RESPONSE_CODE, json!({})), false), Binding::ResponseCode);
        assert_eq!(Binding::Query("q".into()).in_role(Role::Output), &Binding::Body);
        assert_eq!(Binding::ResponseCode.in_role(Role::Error), &Binding::Body);
        assert_eq!(Binding::Payload.in_role(Role::Error), &Binding::Payload);
    }
}
