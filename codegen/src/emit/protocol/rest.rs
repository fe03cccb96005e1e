//! restJson1 and restXml: the HTTP bindings of operation inputs (as the
//! runtime's `HttpInput` tables and generated `ReadHttp` impls), of outputs
//! and errors (`WriteResponse` impls), and the service's router by method
//! and path (`runtime::protocol::rest`). The two differ only in their
//! bodies, JSON or XML ([`Body`]: `runtime::protocol::rest_json` and
//! `rest_xml`), so one emitter serves both, as the runtime's router does.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::{Emit, Names, Router};
use crate::emit::doc;
use crate::emit::rust::{FileCx, ident};
use crate::emit::validation::schema_static;
use crate::ir::{Binding, Member, Operation, PayloadKind, Role, Service, Shape, ShapeKind, Type};

/// The restJson1 or restXml emitter.
pub(in crate::emit) struct Rest {
    pub body: Body,
}

/// What a protocol with HTTP bindings writes its bodies in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::emit) enum Body {
    /// restJson1.
    Json,
    /// restXml.
    Xml,
}

impl Body {
    /// An item of the runtime's module for the protocol's bodies and
    /// errors.
    fn runtime(self, cx: &FileCx<'_>, item: &str) -> TokenStream {
        match self {
            Body::Json => cx.runtime(&format!("protocol::rest_json::{item}")),
            Body::Xml => cx.runtime(&format!("protocol::rest_xml::{item}")),
        }
    }

    /// The argument that names the service's protocol to the runtime's
    /// error functions, where they take one: restXml's says how errors are
    /// wrapped (the `PROTOCOL` const of the service's module).
    fn protocol_arg(self) -> Option<TokenStream> {
        (self == Body::Xml).then(|| quote! { PROTOCOL })
    }
}

/// The runtime's module of what the two protocols share.
const RUNTIME: &str = "protocol::rest";

fn runtime(cx: &FileCx<'_>, item: &str) -> TokenStream {
    cx.runtime(&format!("{RUNTIME}::{item}"))
}

impl Emit for Rest {
    fn name(&self) -> &'static str {
        match self.body {
            Body::Json => "restJson1",
            Body::Xml => "restXml",
        }
    }

    // A REST protocol is served alone (`ir::lower::served`), so its names
    // are always the plain ones.
    fn preamble(&self, cx: &FileCx<'_>, service: &Service, _: &Names) -> TokenStream {
        if self.body == Body::Json {
            return TokenStream::new();
        }
        let rest_xml = self.body.runtime(cx, "RestXml");
        let wrapping = service.no_error_wrapping;
        let docs = doc::outer(&[if wrapping {
            "The service speaks restXml; its errors are `<Error>` documents (`noErrorWrapping`).".to_string()
        } else {
            "The service speaks restXml; its errors are `<ErrorResponse>` documents.".to_string()
        }]);
        quote! {
            #docs
            pub const PROTOCOL: #rest_xml = #rest_xml { no_error_wrapping: #wrapping };
        }
    }

    fn router(&self, cx: &FileCx<'_>, service: &Service, _: &Names) -> Router {
        router(cx, service, self.body)
    }

    fn error_response(
        &self,
        cx: &FileCx<'_>,
        _: &Operation,
        _: &Names,
        variants: &[Ident],
        unmodelled: &Ident,
    ) -> TokenStream {
        let (response, modelled_response, unmodelled_response) = (
            cx.runtime("protocol::Response"),
            (!variants.is_empty()).then(|| self.body.runtime(cx, "modelled_error")),
            self.body.runtime(cx, "unmodelled_error"),
        );
        match self.body {
            Body::Json => quote! {
                /// The error as a restJson1 response: its status, `X-Amzn-Errortype`, its
                /// members bound to headers, and the rest as the JSON body.
                pub fn rest_response(self) -> #response {
                    match self {
                        #(Self::#variants(error) => #modelled_response(error),)*
                        Self::#unmodelled(error) => #unmodelled_response(&error),
                    }
                }
            },
            Body::Xml => {
                let rest_xml = self.body.runtime(cx, "RestXml");
                quote! {
                    /// The error as a restXml response of `protocol`: its status, its members
                    /// bound to headers, and the rest in the error document.
                    pub fn rest_response(self, protocol: #rest_xml) -> #response {
                        match self {
                            #(Self::#variants(error) => #modelled_response(protocol, error),)*
                            Self::#unmodelled(error) => #unmodelled_response(protocol, &error),
                        }
                    }
                }
            }
        }
    }

    fn shape_impls_kind(&self) -> &'static str {
        match self.body {
            Body::Json => "rest-json",
            Body::Xml => "rest-xml",
        }
    }

    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
        let read_http = shape.roles.contains(&Role::Input).then(|| crate::emit::read::http_input(cx, shape)).flatten();
        let write_body = match self.body {
            Body::Json => crate::emit::write::write_impl(cx, shape),
            Body::Xml => crate::emit::write_xml::write_xml_impl(cx, shape),
        };
        let write_response = write_response_impl(cx, shape, self.body);
        let header_text = header_text_impl(cx, shape);
        quote! { #read_http #write_body #write_response #header_text }
    }
}

/// The role in which `shape` is written to responses, if it is: an
/// operation's output or one of its errors.
fn response_role(shape: &Shape) -> Option<Role> {
    let ShapeKind::Structure(s) = &shape.kind else { return None };
    let role = if s.error.is_some() { Role::Error } else { Role::Output };
    shape.roles.contains(&role).then_some(role)
}

/// Whether `m` is a payload the protocol's document is written into (a
/// structure, union or document), rather than raw bytes or text.
fn is_document_payload(m: &Member) -> bool {
    m.payload.as_ref().is_some_and(|payload| payload.kind == PayloadKind::Document)
}

/// Where a restJson1 input member is read from: what the generated
/// `ReadHttp` and the runtime's `HttpInput` table must agree on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputPart {
    /// A member of the body's JSON document.
    Body,
    /// The request's head (labels, query, headers), or a blob or text
    /// payload, which the runtime's head source hands the reader.
    Head,
    /// The whole body, as a structure, union or document (JSON, or XML
    /// read into JSON).
    DocumentPayload,
}

/// Where input member `m` is read from.
pub fn input_part(m: &Member) -> InputPart {
    match m.binding.in_role(Role::Input) {
        Binding::Body | Binding::ResponseCode => InputPart::Body,
        Binding::Payload if is_document_payload(m) => InputPart::DocumentPayload,
        _ => InputPart::Head,
    }
}

/// The media type a payload member is sent as (lowering's, by the
/// protocol's rules).
fn payload_media_type(m: &Member) -> &str {
    m.payload.as_ref().map_or("application/octet-stream", |payload| payload.media_type.as_str())
}

/// The media types a payload member may be sent and accepted as.
fn accepted_media_type(m: &Member) -> &str {
    m.payload.as_ref().map_or("*/*", |payload| payload.accepts.as_str())
}

/// The `rest::HttpInput` value of an operation's input (`None` for an
/// operation that takes none).
pub fn http_input(cx: &FileCx<'_>, op: &Operation) -> TokenStream {
    let http_input = runtime(cx, "HttpInput");
    // Imported only where some member is bound.
    let (bound, location) = (|| runtime(cx, "Bound"), || runtime(cx, "Location"));
    let (some, none) = cx.some_none();
    let Some(id) = &op.input else {
        return quote! { #http_input { bound: &[], content_type: #none } };
    };
    let ShapeKind::Structure(s) = &cx.service.shapes[id].kind else { unreachable!("inputs are structures") };
    let members = s.members.iter().filter(|m| m.in_document());
    let mut bound_members = Vec::new();
    let mut in_body = false;
    let mut content_type = None;
    for (index, m) in members.enumerate() {
        match input_part(m) {
            InputPart::Body => {
                in_body = true;
                continue;
            }
            InputPart::DocumentPayload => {
                content_type = Some(accepted_media_type(m).to_string());
                continue;
            }
            InputPart::Head => {}
        }
        let place = match m.binding.in_role(Role::Input) {
            Binding::Label | Binding::GreedyLabel => quote! { Label },
            Binding::Query(name) => quote! { Query(#name) },
            Binding::QueryParams => quote! { QueryParams },
            Binding::Header(name) if m.media_type.is_some() && m.ty.ty == Type::String => {
                quote! { EncodedHeader(#name) }
            }
            Binding::Header(name) => quote! { Header(#name) },
            Binding::PrefixHeaders(prefix) => quote! { PrefixHeaders(#prefix) },
            Binding::Payload => {
                content_type = Some(accepted_media_type(m).to_string());
                if m.ty.ty == Type::Blob {
                    quote! { RawPayload }
                } else {
                    quote! { TextPayload }
                }
            }
            Binding::Body | Binding::ResponseCode => unreachable!("body members are not in the head"),
        };
        let index = Literal::usize_unsuffixed(index);
        let (bound, location) = (bound(), location());
        let required = m.required;
        bound_members.push(quote! { #bound { member: #index, location: #location::#place, required: #required } });
    }
    // A streaming payload is not in the table, but is the body.
    if let Some(m) = s.members.iter().find(|m| !m.in_document() && m.binding.in_role(Role::Input) == &Binding::Payload)
    {
        content_type = Some(accepted_media_type(m).to_string());
    }
    // An input with no members at all is an empty JSON document.
    if content_type.is_none() && (in_body || s.members.is_empty()) {
        content_type = cx.service.document_media_type.map(str::to_string);
    }
    let content_type = match content_type {
        Some(media_type) => quote! { #some(#media_type) },
        None => quote! { #none },
    };
    quote! { #http_input { bound: &[#(#bound_members),*], content_type: #content_type } }
}

/// The media type of an operation's successful response body.
fn output_media_type(cx: &FileCx<'_>, op: &Operation) -> Option<String> {
    let id = op.output.as_ref()?;
    let ShapeKind::Structure(s) = &cx.service.shapes[id].kind else { return None };
    let payload = s.members.iter().find(|m| m.binding.in_role(Role::Output) == &Binding::Payload);
    let document = cx.service.document_media_type.unwrap_or("application/json");
    Some(payload.map_or_else(|| document.to_string(), |m| accepted_media_type(m).to_string()))
}

/// The operation's input payload, where it is a stream (a `@streaming`
/// blob or an event stream), handed to the operation unread.
fn streams_input<'s>(cx: &FileCx<'s>, op: &Operation) -> Option<&'s Member> {
    let ShapeKind::Structure(s) = &cx.service.shapes[op.input.as_ref()?].kind else { return None };
    s.members.iter().find(|m| !m.in_document())
}

/// The `WriteResponse` impl of an output or error structure: its bound
/// members to headers and the status, the rest to the body (or the payload
/// member as the body). A restXml error's body is its error document, which
/// the runtime writes with the error's `WriteXml`.
fn write_response_impl(cx: &FileCx<'_>, shape: &Shape, format: Body) -> Option<TokenStream> {
    let role = response_role(shape)?;
    let ShapeKind::Structure(s) = &shape.kind else { return None };
    let name = ident(&shape.rust_name);
    let (write_response, response) = (runtime(cx, "WriteResponse"), cx.runtime("protocol::Response"));
    let some = cx.std("option::Option::Some");
    let mut writes = Vec::new();
    let mut payload = None;
    for m in &s.members {
        let field = ident(&m.rust_name);
        let binding = m.binding.in_role(role);
        if *binding == Binding::Body {
            continue;
        }
        if *binding == Binding::Payload {
            payload = Some(m);
            continue;
        }
        // The call with the member's value, by reference (a status by value).
        let call = |value: TokenStream| match binding {
            Binding::Header(header) => match &m.ty.ty {
                Type::List(_) => quote! { list_header(#header, #value) },
                Type::String if m.media_type.is_some() => quote! { encoded_header(#header, #value) },
                _ => quote! { header(#header, #value) },
            },
            Binding::PrefixHeaders(prefix) => quote! { prefix_headers(#prefix, #value) },
            _ => quote! { status(*#value) },
        };
        if !matches!(binding, Binding::Header(_) | Binding::PrefixHeaders(_) | Binding::ResponseCode) {
            continue;
        }
        writes.push(match (m.is_optional(), binding) {
            (false, Binding::ResponseCode) => quote! { response.status(self.#field); },
            (false, _) => {
                let call = call(quote! { &self.#field });
                quote! { response.#call; }
            }
            (true, _) => {
                let call = call(quote! { value });
                quote! { if let #some(value) = &self.#field { response.#call; } }
            }
        });
    }
    let body = match payload {
        None if format == Body::Xml && role == Role::Error => quote! {},
        None if format == Body::Xml => xml_body(cx, shape, s, role),
        None => {
            let in_body = s.members.iter().filter(|m| m.in_document() && *m.binding.in_role(role) == Binding::Body);
            let members = crate::emit::write::body_members(cx, in_body);
            let object = if members.is_empty() {
                quote! { _object }
            } else {
                quote! { object }
            };
            quote! { response.json_body(|#object| { #(#members)* }); }
        }
        Some(m) if matches!(m.ty.ty, Type::EventStream(_)) => {
            let (field, none) = (ident(&m.rust_name), cx.std("option::Option::None"));
            quote! { response.event_stream(self.#field, #none); }
        }
        Some(m) => {
            let field = ident(&m.rust_name);
            let media_type = payload_media_type(m);
            // The call with the member's value, moved out of `self`.
            let call = |value: TokenStream| {
                if !m.in_document() {
                    quote! { stream_payload(#value, #media_type) }
                } else if is_document_payload(m) && format == Body::Xml {
                    let (name, namespace) = payload_element(cx, m);
                    quote! { xml_payload(#name, #namespace, &#value) }
                } else if is_document_payload(m) {
                    quote! { json_payload(&#value) }
                } else {
                    match &m.ty.ty {
                        Type::Blob => quote! { blob_payload(#value, #media_type) },
                        Type::Named(_) => quote! { text_payload(#value.as_str(), #media_type) },
                        _ => quote! { text_payload(#value, #media_type) },
                    }
                }
            };
            if m.is_optional() {
                let call = call(quote! { value });
                quote! { if let #some(value) = self.#field { response.#call; } }
            } else {
                let call = call(quote! { self.#field });
                quote! { response.#call; }
            }
        }
    };
    let docs = doc::outer(&[match role {
        Role::Error if format == Body::Xml => "Its members bound to headers go there; the rest are its error document.",
        Role::Error => "Its members bound to headers go there; the rest are its JSON body.",
        _ => "Its members bound to headers and the status go there; the rest are the body.",
    }
    .to_string()]);
    // An output whose only member is an event stream writes nothing.
    let response_param = if writes.is_empty() && body.is_empty() {
        quote! { _response }
    } else {
        quote! { response }
    };
    Some(quote! {
        #docs
        impl #write_response for #name {
            fn write_response(self, #response_param: &mut #response) {
                #body
                #(#writes)*
            }
        }
    })
}

/// The statement that writes a restXml output's body: the members bound
/// nowhere else, in the element named for the output (its `@xmlName`, else
/// its shape name), in its namespace or the service's; or, for an output of
/// an `@s3UnwrappedXmlOutput` operation, its one member as the root; none
/// where every member is bound elsewhere.
fn xml_body(cx: &FileCx<'_>, shape: &Shape, s: &crate::ir::Structure, role: Role) -> TokenStream {
    let in_body = || s.members.iter().filter(move |m| m.in_document() && *m.binding.in_role(role) == Binding::Body);
    // `@s3UnwrappedXmlOutput`: the one body member is the root.
    let unwrapped =
        cx.service.operations.iter().any(|op| op.unwrapped_xml_output && op.output.as_ref() == Some(&shape.id));
    let body_members: Vec<&Member> = in_body().collect();
    // An output with nothing in the body sends none, but says it is XML
    // (unless a member is its `Content-Type`).
    if body_members.is_empty() {
        let content_type = s.members.iter().any(
            |m| matches!(m.binding.in_role(role), Binding::Header(name) if name.eq_ignore_ascii_case("content-type")),
        );
        return if content_type {
            TokenStream::new()
        } else {
            quote! { response.xml_empty(); }
        };
    }
    if let (true, [m]) = (unwrapped, &body_members[..]) {
        let field = ident(&m.rust_name);
        let name = m.xml.as_ref().map_or(m.name.as_str(), |xml| xml.name.as_str());
        let namespace = namespace_arg(
            cx,
            m.xml.as_ref().and_then(|xml| xml.namespace.as_ref()).or(cx.service.xml_namespace.as_ref()),
        );
        if m.is_optional() {
            let some = cx.std("option::Option::Some");
            return quote! {
                if let #some(value) = &self.#field {
                    response.xml_payload(#name, #namespace, value);
                }
            };
        }
        return quote! { response.xml_payload(#name, #namespace, &self.#field); };
    }
    let is_attribute = |m: &&Member| m.xml.as_ref().is_some_and(|xml| xml.attribute);
    let attributes: Vec<TokenStream> =
        in_body().filter(is_attribute).map(|m| crate::emit::write_xml::attribute(cx, m)).collect();
    let elements = crate::emit::write_xml::element_members(cx, in_body().filter(|m| !is_attribute(m)));
    let name = shape.xml.as_ref().map_or(shape.name.as_str(), |xml| xml.name.as_str());
    let namespace = shape.xml.as_ref().and_then(|xml| xml.namespace.as_ref()).or(cx.service.xml_namespace.as_ref());
    let namespace = namespace_arg(cx, namespace);
    let out = |used: bool| {
        if used {
            quote! { out }
        } else {
            quote! { _out }
        }
    };
    let (attributes_out, elements_out) = (out(!attributes.is_empty()), out(!elements.is_empty()));
    quote! {
        response.xml_body(#name, #namespace, |#attributes_out| { #(#attributes)* }, |#elements_out| { #(#elements)* });
    }
}

/// The element name and namespace of a restXml payload structure: the
/// member's `@xmlName`, else the target's, else the target's name.
pub(in crate::emit) fn payload_element(cx: &FileCx<'_>, m: &Member) -> (String, TokenStream) {
    let target = match &m.ty.ty {
        Type::Named(id) => Some(&cx.service.shapes[id]),
        _ => None,
    };
    let member_xml = m.xml.as_ref().filter(|xml| xml.name != m.name);
    let target_xml = target.and_then(|shape| shape.xml.as_ref());
    let name = match (member_xml, target_xml, target) {
        (Some(xml), _, _) => xml.name.clone(),
        (None, Some(xml), _) => xml.name.clone(),
        (None, None, Some(shape)) => shape.name.clone(),
        (None, None, None) => m.name.clone(),
    };
    let namespace = m
        .xml
        .as_ref()
        .and_then(|xml| xml.namespace.as_ref())
        .or(target_xml.and_then(|xml| xml.namespace.as_ref()))
        .or(cx.service.xml_namespace.as_ref());
    (name, namespace_arg(cx, namespace))
}

/// A namespace as the runtime's `Option<(uri, Option<prefix>)>`.
fn namespace_arg(cx: &FileCx<'_>, namespace: Option<&crate::ir::XmlNamespace>) -> TokenStream {
    let (some, none) = cx.some_none();
    match namespace {
        Some(namespace) => {
            let uri = &namespace.uri;
            let prefix = crate::emit::write_xml::optional(cx, namespace.prefix.as_deref());
            quote! { #some((#uri, #prefix)) }
        }
        None => none,
    }
}

/// The `HeaderText` impl of an enum of a restJson1 service: its value.
pub fn header_text_impl(cx: &FileCx<'_>, shape: &Shape) -> Option<TokenStream> {
    if !matches!(shape.kind, ShapeKind::Enum(_)) {
        return None;
    }
    let name = ident(&shape.rust_name);
    let (header_text, string) = (runtime(cx, "HeaderText"), cx.std("string::String"));
    Some(quote! {
        impl #header_text for #name {
            fn header_text(&self) -> #string {
                self.as_str().into()
            }
        }
    })
}

/// The router of a restJson1 or restXml service: its operations as the
/// runtime sees them, their routes, and the call of each.
fn router(cx: &FileCx<'_>, service: &Service, format: Body) -> Router {
    let trait_ident = ident(&service.trait_name);
    let router_ident = ident(&service.router_name);
    let name = &service.name;
    let signing = crate::emit::service::signing_name(service, cx);
    let (operation, http_input_type, router) =
        (runtime(cx, "Operation"), runtime(cx, "HttpInput"), runtime(cx, "Routes"));
    // Only services with `@requestCompression` operations say which; a
    // streaming input is handed on undecoded, so it takes no gzip.
    let gzipped: Vec<&str> = service
        .operations
        .iter()
        .filter(|op| op.gzip_requests && op.unserved.is_none() && streams_input(cx, op).is_none())
        .map(|op| op.name.as_str())
        .collect();
    let gzip = (!gzipped.is_empty()).then(|| {
        quote! {
            fn accepts_gzip(&self, operation: &'static #operation) -> bool {
                matches!(operation.name, #(#gzipped)|*)
            }
        }
    });
    let (rest_router, routed_request, response) =
        (runtime(cx, "Dispatch"), runtime(cx, "RoutedRequest"), cx.runtime("protocol::Response"));
    let (context, uri_pattern, once_lock) =
        (cx.runtime("context::RequestContext"), runtime(cx, "UriPattern"), cx.std("sync::OnceLock"));
    let (ok, err) = (cx.std("result::Result::Ok"), cx.std("result::Result::Err"));
    let (some, none) = cx.some_none();
    let count = Literal::usize_unsuffixed(service.operations.len());

    let inputs = service.operations.iter().map(|op| http_input(cx, op));
    let operations = service.operations.iter().enumerate().map(|(index, op)| {
        let op_name = &op.name;
        let literal = Literal::usize_unsuffixed(index);
        let output = match output_media_type(cx, op) {
            Some(media_type) => quote! { #some(#media_type) },
            None => quote! { #none },
        };
        let streaming = streams_input(cx, op).is_some();
        quote! {
            #operation { name: #op_name, index: #literal, input: &HTTP_INPUTS[#literal], output: #output, streaming: #streaming }
        }
    });
    let routes = service.operations.iter().enumerate().filter_map(|(index, op)| {
        let http = op.http.as_ref()?;
        let (method, uri) = (&http.method, &http.uri);
        let literal = Literal::usize_unsuffixed(index);
        Some(quote! { route(#method, #uri, #literal), })
    });

    let protocol_arg = format.protocol_arg();
    // The argument before the others of an error function.
    let protocol_args = protocol_arg.as_ref().map(|arg| quote! { #arg, });
    let rejection_response = || format.runtime(cx, "rejection_response");
    let output_response = || runtime(cx, "output_response");
    let empty_response = || runtime(cx, "empty_response");
    let arms = service.operations.iter().enumerate().map(|(index, op)| {
        let method = ident(&op.module);
        let literal = Literal::usize_unsuffixed(index);
        let op_name = &op.name;
        if let Some(unserved) = op.unserved {
            let not_implemented = format.runtime(cx, "error_with_message");
            let why = format!("{op_name} {}", unserved.why());
            return quote! { #literal => #not_implemented(#protocol_args 501, "NotImplemented", #why), };
        }
        let code = Literal::u16_unsuffixed(op.http.as_ref().map_or(200, |http| http.code));
        let input = match &op.input {
            Some(id) => {
                let ty = cx.named(id);
                let schema = schema_static(cx, Some(id));
                let stream = streams_input(cx, op).map(|m| {
                    let field = ident(&m.rust_name);
                    if let Type::EventStream(_) = m.ty.ty {
                        quote! { input.#field = request.take_events(); }
                    } else {
                        quote! { input.#field = request.take_stream(); }
                    }
                });
                let binding = if stream.is_some() {
                    quote! { mut input }
                } else {
                    quote! { input }
                };
                let rejection_response = rejection_response();
                let read = match format {
                    Body::Json => quote! { request.input(context, &HTTP_INPUTS[#literal], #schema) },
                    Body::Xml => {
                        let layout = xml_body_layout(cx, format, id);
                        quote! { request.xml_input(context, &HTTP_INPUTS[#literal], #schema, #layout) }
                    }
                };
                quote! {
                    let #binding: #ty = match #read {
                        #ok(input) => input,
                        #err(rejection) => return #rejection_response(#protocol_args rejection),
                    };
                    #stream
                }
            }
            None => {
                let unit = cx.runtime("Unit");
                quote! { let input = #unit {}; }
            }
        };
        let success = if op.output.is_some() {
            let output_response = output_response();
            quote! { #ok(output) => #output_response(#code, output), }
        } else {
            let empty_response = empty_response();
            quote! { #ok(_) => #empty_response(#code), }
        };
        let boxed = cx.std("boxed::Box");
        // As awsJson's: the input's scope ends before the await and the
        // method's future is boxed, so the router's future stays small.
        quote! {
            #literal => {
                let handled = {
                    #input
                    #boxed::pin(self.service.#method(context, input))
                };
                match handled.await {
                    #success
                    #err(error) => error.rest_response(#protocol_arg),
                }
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    // Operations without input, or not served, read neither the request
    // nor (not served) its context: a service made only of those would
    // leave them unused.
    let served = || service.operations.iter().filter(|op| op.unserved.is_none());
    let streaming_mut = served().any(|op| streams_input(cx, op).is_some());
    let request_binding = if streaming_mut {
        quote! { mut request }
    } else if served().any(|op| op.input.is_some()) {
        quote! { request }
    } else {
        quote! { _request }
    };
    let context_binding = if served().next().is_some() {
        quote! { context }
    } else {
        quote! { _context }
    };
    let internal_failure = format.runtime(cx, "internal_failure");
    let protocol_type = match format {
        Body::Json => format.runtime(cx, "RestJson"),
        Body::Xml => format.runtime(cx, "RestXml"),
    };
    let protocol_value = protocol_arg.clone().unwrap_or_else(|| protocol_type.clone());
    let protocol_name = Rest { body: format }.name();
    let malformed = match format {
        Body::Json => "a malformed one a `SerializationException`, an invalid one a `ValidationException`",
        Body::Xml => "a body that is not XML a `MalformedXML`, an invalid or ill-typed value an `InvalidArgument`",
    };

    let router_docs = doc::outer(&[
        format!(
            "Routes {protocol_name} requests, by method and path, to an implementation of [`{}`].",
            service.trait_name
        ),
        String::new(),
        format!(
            "It reads each request's labels, query string, headers and body into the operation's input, validates it \
         against the model, calls the method and writes the result to the response's status, headers and body. \
         A request no route matches is an `UnknownOperationException` (404, or 405 where another method has the \
         path); {malformed}, a wrong `Content-Type` or `Accept` 415 or 406, and a panicking method an \
         `InternalFailure`. It is a `tower::Service` over `http::Request`s, cheap to clone (clones share the \
         service)."
        ),
    ]);
    // restXml services whose URIs begin with a label (S3's `/{Bucket}`)
    // take it from the host too, as S3's clients send it.
    let virtual_hosting = (format == Body::Xml
        && service.operations.iter().any(|op| op.http.as_ref().is_some_and(|http| http.uri.starts_with("/{"))))
    .then(|| {
        quote! {
            fn virtual_hosting(&self) -> bool {
                true
            }
        }
    });
    let dispatch = quote! {
        /// How each operation's input is bound to its request, in the
        /// order of [`OPERATIONS`].
        static HTTP_INPUTS: [#http_input_type; #count] = [#(#inputs),*];

        /// The service's operations, as the router calls them.
        static OPERATIONS: [#operation; #count] = [#(#operations),*];

        /// The routes of the service's operations, built on first use.
        fn routes() -> &'static #router<&'static #operation> {
            static ROUTES: #once_lock<#router<&'static #operation>> = #once_lock::new();
            ROUTES.get_or_init(|| {
                let route = |method: &'static str, uri: &str, index: usize| {
                    let pattern: #uri_pattern = uri.parse().expect("the generator checked every URI pattern");
                    (method, pattern, &OPERATIONS[index])
                };
                #router::new([#(#routes)*]).expect("the generator checked that no two routes conflict")
            })
        }

        impl<S: #trait_ident> #rest_router for #router_ident<S> {
            type Protocol = #protocol_type;

            const PROTOCOL: #protocol_type = #protocol_value;

            fn service_name(&self) -> &'static str {
                #name
            }

            fn routes(&self) -> &'static #router<&'static #operation> {
                routes()
            }

            #signing

            #gzip

            #virtual_hosting

            async fn call_operation(
                &self,
                #context_binding: &#context,
                operation: &'static #operation,
                #request_binding: #routed_request,
            ) -> #response {
                match operation.index {
                    #(#arms)*
                    _ => #internal_failure(#protocol_arg),
                }
            }
        }
    };
    Router { docs: router_docs, methods: TokenStream::new(), dispatch, handle: runtime(cx, "handle") }
}

/// How a restXml operation's input `id` is laid out in the body: its
/// payload structure's index among the members read, or its members.
fn xml_body_layout(cx: &FileCx<'_>, format: Body, id: &str) -> TokenStream {
    let xml_body = format.runtime(cx, "XmlBody");
    let ShapeKind::Structure(s) = &cx.service.shapes[id].kind else { unreachable!("inputs are structures") };
    let payload =
        s.members.iter().filter(|m| m.in_document()).position(|m| input_part(m) == InputPart::DocumentPayload);
    match payload {
        Some(index) => {
            let index = Literal::usize_unsuffixed(index);
            quote! { #xml_body::Payload(#index) }
        }
        None => quote! { #xml_body::Members },
    }
}
