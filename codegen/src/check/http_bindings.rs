//! Smithy's HTTP binding traits (<https://smithy.io/2.0/spec/http-bindings.html>):
//! `@http` on operations, and `@httpLabel`, `@httpQuery`, `@httpQueryParams`,
//! `@httpHeader`, `@httpPrefixHeaders`, `@httpPayload` and
//! `@httpResponseCode` on the members of their input, output and error
//! structures, for services whose protocol binds members to HTTP
//! ([`crate::model::Protocol::binds_http`]: restJson1).
//!
//! The traits are parsed with every other trait, once, into the checked
//! model's typed values ([`crate::model::traits`]): [`check`] reads them
//! there, and lowering copies them into the IR
//! ([`crate::ir::Operation::http`], [`crate::ir::Member::binding`] and
//! [`crate::ir::Member::json_name`]), so emitters never read the traits.
//!
//! The traits' selectors, checked for every model by
//! [`crate::check::trait_definitions`], already say where each may go: labels on
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

use awsgen_runtime::protocol::rest::{BuildError, Routes, UriPattern};

use crate::diagnostic::{Diagnostic, Diagnostics, WarningKind};
use crate::ir::{self, Binding, HttpBinding, Role};
use crate::model::kind::Kind;
use crate::model::traits::is_token;
use crate::model::{self, Model};

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

    /// The binding of member `member` of the structure `structure`: `Body`
    /// unless the structure is a top-level message.
    pub fn binding(&self, structure: &str, member: &model::Member) -> Binding {
        if !self.top_level.contains(structure) {
            return Binding::Body;
        }
        match member.traits.binding() {
            Binding::Label if self.greedy.contains(&(structure.to_string(), member.name.clone())) => {
                Binding::GreedyLabel
            }
            binding => binding,
        }
    }
}

/// Checks the HTTP bindings of every service of the model whose protocol
/// binds members to HTTP.
pub fn check(model: &Model) -> Diagnostics {
    let mut out = Diagnostics::default();
    for service in model.services() {
        if service.traits.protocol().is_some_and(model::Protocol::binds_http) {
            ServiceCheck { model, service: &service.id, out: &mut out }.run();
        }
    }
    out
}

/// One operation of the service, with its `@http`.
struct Operation<'a> {
    id: &'a str,
    shape: &'a model::Shape,
    http: &'a HttpBinding,
    input: Option<&'a str>,
}

struct ServiceCheck<'a, 'o> {
    model: &'a Model,
    service: &'a str,
    out: &'o mut Diagnostics,
}

impl<'a> ServiceCheck<'a, '_> {
    fn run(&mut self) {
        let model = self.model;
        let service = &model.shapes[self.service];
        let mut operations = Vec::new();
        let mut without_http = Vec::new();
        let mut with_http = 0;
        // Each top-level structure's roles, with the operations that give them.
        let mut roles: BTreeMap<&str, BTreeSet<(Role, &str)>> = BTreeMap::new();
        let bound = model.bound_operations(self.service);
        for op_id in &bound {
            let Some(shape) = model.shape(op_id).filter(|s| s.kind == Kind::Operation) else { continue };
            let op_id = shape.id.as_str();
            let (input, output) = (shape.input.as_deref(), shape.output.as_deref());
            let errors = shape.errors.iter().chain(&service.errors).map(String::as_str);
            let uses = input.map(|i| (i, Role::Input)).into_iter().chain(output.map(|o| (o, Role::Output)));
            for (structure, role) in uses.chain(errors.map(|e| (e, Role::Error))) {
                if model.structure(structure).is_some() {
                    roles.entry(structure).or_default().insert((role, op_id));
                }
            }
            match &shape.traits.http {
                Some(http) => {
                    with_http += 1;
                    operations.push(Operation { id: op_id, shape, http, input });
                }
                // An @http that does not read is reported with its value.
                None if shape.traits.unread.iter().any(|id| id == "smithy.api#http") => with_http += 1,
                None => without_http.push((op_id, &shape.file)),
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
                        crate::model::shape_id::name(op_id)
                    )),
                );
            }
        } else if !without_http.is_empty() {
            self.out.push(
                Diagnostic::warning(
                    WarningKind::HttpBindingsMissing,
                    "is a restJson1 service, but none of its operations has an @http trait: restJson1 routes requests \
                     by method and URI, so they cannot be served",
                )
                .in_file(&service.file)
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

    /// An error or warning about shape `id` (`structure$member` for a
    /// member), in the file of the shape.
    fn at(&self, diagnostic: Diagnostic, shape: &str, member: Option<&str>) -> Diagnostic {
        let file = self.model.shape(shape).map(|s| s.file.clone()).unwrap_or_default();
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

    fn warning(
        &mut self,
        id: WarningKind,
        shape: &str,
        member: Option<&str>,
        message: String,
        help: impl Into<String>,
    ) {
        let diagnostic = self.at(Diagnostic::warning(id, message).help(help), shape, member);
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
            let input = op.input.and_then(|id| Some((id, self.model.structure(id)?)));
            let members: &[model::Member] = input.map(|(_, s)| s.members.as_slice()).unwrap_or_default();
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
                match members.iter().find(|m| m.name == label) {
                    None => {
                        let near = members
                            .iter()
                            .find(|m| m.name.eq_ignore_ascii_case(label))
                            .map(|m| format!(" (member `{}` differs in case: label names match exactly)", m.name))
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
                    Some(member) if !is_label(member) => self.error(
                        input_id,
                        Some(&member.name),
                        format!("is named like the label `{shown}` of {}'s URI `{uri}`, but has no @httpLabel", op.id),
                        "mark the member @httpLabel (and @required), or rename the label",
                    ),
                    Some(member) => {
                        let name = member.name.as_str();
                        greediness.entry((input_id, name)).or_default().insert(greedy, op.id);
                        let kind = self.model.kind_of(&member.target);
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
                for member in members {
                    let name = &member.name;
                    if is_label(member) && !op.http.labels().any(|(label, _)| label == name) {
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
        let Some(shape) = self.model.structure(structure) else { return };
        let members = &shape.members;
        let role_kinds: BTreeSet<Role> = roles.iter().map(|(role, _)| *role).collect();
        let mut exclusive: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut headers: BTreeMap<String, &str> = BTreeMap::new();
        let mut queries: BTreeMap<String, &str> = BTreeMap::new();
        let prefixes: Vec<(&str, &str)> = members
            .iter()
            .filter_map(|m| match m.traits.bindings.iter().find(|b| matches!(b, Binding::PrefixHeaders(_))) {
                Some(Binding::PrefixHeaders(prefix)) if !prefix.is_empty() => Some((m.name.as_str(), prefix.as_str())),
                _ => None,
            })
            .collect();
        for member in members {
            let name = member.name.as_str();
            let present = &member.traits.bindings;
            if present.len() > 1 {
                let listed: Vec<String> = present.iter().map(|b| format!("@{}", b.trait_name())).collect();
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
            for binding in present {
                if matches!(
                    binding,
                    Binding::Payload | Binding::QueryParams | Binding::PrefixHeaders(_) | Binding::ResponseCode
                ) {
                    exclusive.entry(binding.trait_name()).or_default().push(name);
                }
            }
            let binding = member.traits.binding();
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
            let streaming = self.model.shape(&member.target).is_some_and(|t| t.traits.streaming);
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
                    WarningKind::HttpBindingIgnored,
                    structure,
                    Some(name),
                    format!(
                        "@{} is ignored: it applies to operation {only} only, and {structure} is an operation's {} \
                         only; the member travels in the body",
                        binding.trait_name(),
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
                        "has @{id} on members `{}`, but only one member of a structure may have it",
                        names.join("`, `")
                    ),
                    "keep the trait on one member",
                );
            }
        }
        // With a payload, nothing is left for the body's document.
        let payload = members.iter().find(|m| m.traits.bindings.contains(&Binding::Payload)).map(|m| m.name.as_str());
        if let Some(payload) = payload {
            for role in role_kinds {
                let loose: Vec<&str> = members
                    .iter()
                    .filter(|m| m.name != payload && *m.traits.binding().in_role(role) == Binding::Body)
                    .map(|m| m.name.as_str())
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
                WarningKind::RestrictedHeader,
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
    fn check_payload_target(&mut self, structure: &str, name: &str, member: &model::Member) {
        let Some(kind) = self.model.kind_of(&member.target) else { return };
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
            let Some(shape) = self.model.shape(id) else { continue };
            stack.extend(shape.members.iter().map(|m| m.target.as_str()));
            if !matches!(shape.kind, Kind::Structure | Kind::Union) {
                continue;
            }
            let mut json_names: BTreeMap<&str, &str> = BTreeMap::new();
            for member in &shape.members {
                let name = member.name.as_str();
                let json = member.traits.json_name.as_deref().unwrap_or(name);
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
                if let Some(binding) = member.traits.bindings.first() {
                    self.warning(
                        WarningKind::HttpBindingIgnored,
                        id,
                        Some(name),
                        format!(
                            "@{} is ignored: bindings apply to the members of an operation's input, output or error, \
                             and {id} is none of {}'s; the member travels in its parent's body",
                            binding.trait_name(),
                            self.service
                        ),
                        "remove the trait",
                    );
                }
            }
        }
    }

    /// No two operations match the same requests, by the rules of the
    /// runtime's routes (`awsgen_runtime::protocol::rest::Routes`, which the generated
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
            let Err(BuildError::Conflict { method, first, second }) = Routes::new(entries.clone()) else { return };
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
            let host = |op: &Operation<'_>| op.shape.traits.host_prefix.clone();
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

/// Whether the member has `@httpLabel`.
fn is_label(member: &model::Member) -> bool {
    member.traits.bindings.contains(&Binding::Label)
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Input => "input",
        Role::Output => "output",
        Role::Error => "error",
    }
}
