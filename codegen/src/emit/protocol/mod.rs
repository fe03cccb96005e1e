//! What each protocol adds to a generated crate, one module per protocol,
//! as the runtime has one (`runtime::protocol::<name>`): its router (the
//! runtime's `Dispatch` for the protocol), how an operation's errors are
//! written, and what its shapes implement to be read from and written to
//! its messages. [`of`] is the one place the protocol is switched on.
//!
//! Adding a protocol is adding a module here that implements [`Emit`] and
//! an arm to [`of`], with its runtime twin.

mod aws_json;
mod aws_query;
pub(super) mod rest;
mod rpc_v2;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::rust::{FileCx, ident};
use crate::ir::{Operation, Protocol, Service, Shape};

/// A protocol's part of the generated code.
pub(super) trait Emit {
    /// The protocol's display name (`awsJson1.1`), in docs.
    fn name(&self) -> &'static str;

    /// Items at the top of `service.rs`, before the service trait: the
    /// protocol's constant, named `names.constant`.
    fn preamble(&self, cx: &FileCx<'_>, service: &Service, names: &Names) -> TokenStream;

    /// The router's docs, its protocol methods (inherent, beside `new` and
    /// `service`), and its impls of the runtime's `Dispatch` and the items
    /// they use; `handle` is the protocol's runtime `handle`.
    fn router(&self, cx: &FileCx<'_>, service: &Service, names: &Names) -> Router;

    /// The error enum's method (`names.response`) that writes one of
    /// `op`'s errors as a response: `variants` are the modelled ones,
    /// `unmodelled` the other.
    fn error_response(
        &self,
        cx: &FileCx<'_>,
        op: &Operation,
        names: &Names,
        variants: &[Ident],
        unmodelled: &Ident,
    ) -> TokenStream;

    /// What [`Emit::shape_impls`] writes, the same for protocols that
    /// share it (the JSON writers of awsJson and RPC v2 JSON): a service
    /// speaking both writes it once.
    fn shape_impls_kind(&self) -> &'static str;

    /// What `shape` implements to be read from requests or written to
    /// responses beyond its body's document (restJson1's HTTP bindings).
    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream;
}

/// A protocol's router, as [`Emit::router`] gives it.
pub(super) struct Router {
    pub docs: TokenStream,
    /// Inherent methods of the router type.
    pub methods: TokenStream,
    /// The runtime `Dispatch` impl, and anything it uses.
    pub dispatch: TokenStream,
    /// The runtime function that serves one request with the router.
    pub handle: TokenStream,
}

/// The emitter of `protocol`.
fn emitter(protocol: Protocol) -> &'static dyn Emit {
    match protocol {
        Protocol::AwsJson1_0 => &aws_json::AwsJson { v1_0: true },
        Protocol::AwsJson1_1 => &aws_json::AwsJson { v1_0: false },
        Protocol::RestJson1 => &rest::Rest { body: rest::Body::Json },
        Protocol::RestXml => &rest::Rest { body: rest::Body::Xml },
        Protocol::AwsQuery => &aws_query::AwsQuery { ec2: false },
        Protocol::Ec2Query => &aws_query::AwsQuery { ec2: true },
        Protocol::RpcV2Cbor => &rpc_v2::RpcV2::Cbor,
        Protocol::RpcV2Json => &rpc_v2::RpcV2::Json,
    }
}

/// One protocol a service's router speaks: its emitter, and the names of
/// what it generates.
pub(super) struct Spoken {
    pub protocol: Protocol,
    pub emit: &'static dyn Emit,
    pub names: Names,
}

/// The names of what a protocol generates in a service's module: those
/// of its first protocol plain (`PROTOCOL`, `dispatch`, `response`), those
/// of the others after the protocol (`AWS_QUERY`, `dispatch_aws_query`,
/// `aws_query_response`), so that one router and one error enum hold
/// them all.
pub(super) struct Names {
    /// The protocol's constant.
    pub constant: Ident,
    /// The router's method that routes a request of the protocol.
    pub dispatch: Ident,
    /// The error enums' method that writes an error in the protocol.
    pub response: Ident,
}

impl Names {
    fn of(protocol: Protocol, first: bool) -> Names {
        if first {
            return Names { constant: ident("PROTOCOL"), dispatch: ident("dispatch"), response: ident("response") };
        }
        let snake = match protocol {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => "aws_json",
            Protocol::RestJson1 => "rest_json",
            Protocol::RestXml => "rest_xml",
            Protocol::AwsQuery => "aws_query",
            Protocol::Ec2Query => "ec2_query",
            Protocol::RpcV2Cbor => "rpc_v2_cbor",
            Protocol::RpcV2Json => "rpc_v2_json",
        };
        Names {
            constant: ident(&snake.to_ascii_uppercase()),
            dispatch: ident(&format!("dispatch_{snake}")),
            response: ident(&format!("{snake}_response")),
        }
    }
}

/// The protocols the service's router speaks, its first first; none if
/// the service has no protocol.
pub(super) fn spoken(service: &Service) -> Vec<Spoken> {
    let spoken = service.protocols.iter().enumerate();
    spoken
        .map(|(i, &protocol)| Spoken { protocol, emit: emitter(protocol), names: Names::of(protocol, i == 0) })
        .collect()
}

/// What the RPC protocols (awsJson, RPC v2 CBOR and JSON) share, each with its
/// runtime module `module`: every operation read from the body, called and
/// answered the same way, and errors written by the module's functions.
struct Rpc {
    module: &'static str,
}

impl Rpc {
    fn runtime(&self, cx: &FileCx<'_>, item: &str) -> TokenStream {
        cx.runtime(&format!("{}::{item}", self.module))
    }

    /// The `match` arm of `op` in the router's `dispatch`: its input read
    /// as `read` writes it (the module's function of the schema and the
    /// body, or of the body and the schema; or its `initial-request`), its
    /// method called, its output answered by the arm `answer` writes.
    /// Neither is written, nor what they import, for an operation that is
    /// not served.
    fn operation_arm(
        &self,
        cx: &FileCx<'_>,
        op: &Operation,
        names: &Names,
        read: impl FnOnce() -> ReadInput,
        answer: impl FnOnce() -> TokenStream,
    ) -> TokenStream {
        let Names { constant, response, .. } = names;
        let (ok, err) = (cx.std("result::Result::Ok"), cx.std("result::Result::Err"));
        let (method, name) = (ident(&op.module), &op.name);
        if let Some(unserved) = op.unserved {
            let unsupported = self.runtime(cx, "not_implemented_response");
            let why = unserved.why();
            return quote! { #name => #unsupported(#constant, #name, #why), };
        }
        let (ReadInput { result, stream }, answer) = (read(), answer());
        let rejection_response = self.runtime(cx, "rejection_response");
        let boxed = cx.std("boxed::Box");
        let refuse = quote! { #err(rejection) => return #rejection_response(#constant, rejection), };
        let read = match stream {
            // The initial request is read first; the rest of the stream is
            // the input's stream member.
            Some((field, ty)) => {
                let event_stream = cx.runtime("EventStream");
                quote! {
                    let initial = #result;
                    let (mut input, events): (#ty, _) = match initial {
                        #ok(read) => read,
                        #refuse
                    };
                    input.#field = #event_stream::from_input(events);
                }
            }
            None => quote! {
                let input = match #result {
                    #ok(input) => input,
                    #refuse
                };
            },
        };
        quote! {
            #name => {
                // The input's scope ends before the await, and the
                // method's future is boxed: the router's future stays
                // small whatever the largest input (it is moved at
                // every level).
                let handled = {
                    #read
                    #boxed::pin(self.service.#method(context, input))
                };
                match handled.await {
                    #answer
                    #err(error) => error.#response(#constant),
                }
            }
        }
    }

    /// The error enum's `response` method, documented by `docs`: each
    /// error written by the module's `modelled_error` or
    /// `unmodelled_error` in `protocol` (the module's protocol type).
    fn error_response(
        &self,
        cx: &FileCx<'_>,
        protocol: &str,
        docs: &str,
        method: &Ident,
        variants: &[Ident],
        unmodelled: &Ident,
    ) -> TokenStream {
        let (response, protocol) = (cx.runtime("protocol::Response"), self.runtime(cx, protocol));
        let modelled_error = (!variants.is_empty()).then(|| self.runtime(cx, "modelled_error"));
        let unmodelled_error = self.runtime(cx, "unmodelled_error");
        let docs = super::doc::outer(&[docs.to_string()]);
        quote! {
            #docs
            pub fn #method(&self, protocol: #protocol) -> #response {
                match self {
                    #(Self::#variants(error) => #modelled_error(protocol, error),)*
                    Self::#unmodelled(error) => #unmodelled_error(protocol, error),
                }
            }
        }
    }
}

/// The operations of `service` whose requests may come gzipped
/// (`@requestCompression`) and are served.
fn gzipped(service: &Service) -> Vec<&str> {
    let gzipped = service.operations.iter().filter(|op| op.gzip_requests && op.unserved.is_none());
    gzipped.map(|op| op.name.as_str()).collect()
}

/// Whether `op`'s input is an event stream: the RPC protocols route it
/// apart, its body unread.
fn streams_input(op: &Operation) -> bool {
    op.event_streams.iter().any(|stream| stream.input)
}

/// The field of `op`'s output that is its event stream, if it has one.
fn output_stream_field(cx: &FileCx<'_>, op: &Operation) -> Option<Ident> {
    let stream = op.event_streams.iter().find(|stream| !stream.input)?;
    let output = &cx.service.shapes[op.output.as_deref().expect("an output stream is in an output")];
    Some(ident(&output.member(&stream.member).expect("the stream is a member").rust_name))
}

/// How an RPC operation arm reads its input ([`Rpc::operation_arm`]).
struct ReadInput {
    /// The `Result` the input comes as; for an input stream, the input and
    /// the stream's events after its `initial-request`.
    result: TokenStream,
    /// The input's event-stream member, which those events fill, and the
    /// input's type.
    stream: Option<(Ident, TokenStream)>,
}

impl ReadInput {
    /// The input read by `result`, whole.
    fn whole(result: TokenStream) -> Self {
        ReadInput { result, stream: None }
    }

    /// How an RPC protocol reads the input of `op`, whose input is an
    /// event stream, from `events`: its `initial-request` by the protocol's
    /// `initial_request` function, the rest of the stream its stream
    /// member.
    fn initial_request(cx: &FileCx<'_>, op: &Operation, initial_request: &TokenStream) -> Self {
        let id = op.input.as_deref().expect("an input stream is in an input");
        let (ty, schema) = (cx.named(id), super::validation::schema_static(cx, Some(id)));
        let stream = op.event_streams.iter().find(|stream| stream.input).expect("the input is a stream");
        let field = ident(&cx.service.shapes[id].member(&stream.member).expect("the stream is a member").rust_name);
        ReadInput { result: quote! { #initial_request(#schema, events).await }, stream: Some((field, ty)) }
    }
}
