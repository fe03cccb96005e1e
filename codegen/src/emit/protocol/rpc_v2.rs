//! Smithy's RPC v2 protocols, CBOR and JSON: the router by the operation the
//! path names, and errors written with `__type`
//! (`runtime::protocol::rpc_v2_cbor`, `runtime::protocol::rpc_v2_json`,
//! both on `runtime::protocol::rpc_v2`). They differ only in the body's
//! format, and so in the writers the shapes implement.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Emit, Names, ReadInput, Router};
use crate::emit::doc;
use crate::emit::rust::{FileCx, ident};
use crate::emit::validation::schema_static;
use crate::ir::{Operation, Service, Shape};

/// An RPC v2 protocol, by its body's format.
pub(in crate::emit) enum RpcV2 {
    Cbor,
    Json,
}

impl RpcV2 {
    /// What the protocol shares with the other RPC protocols.
    fn rpc(&self) -> super::Rpc {
        super::Rpc { module: self.module() }
    }

    /// The runtime's module of the protocol.
    fn module(&self) -> &'static str {
        match self {
            RpcV2::Cbor => "protocol::rpc_v2_cbor",
            RpcV2::Json => "protocol::rpc_v2_json",
        }
    }

    /// The runtime's type of the protocol.
    fn type_name(&self) -> &'static str {
        match self {
            RpcV2::Cbor => "RpcV2Cbor",
            RpcV2::Json => "RpcV2Json",
        }
    }

    /// The body's format, in docs.
    fn format(&self) -> &'static str {
        match self {
            RpcV2::Cbor => "CBOR",
            RpcV2::Json => "JSON",
        }
    }

    fn runtime(&self, cx: &FileCx<'_>, item: &str) -> TokenStream {
        self.rpc().runtime(cx, item)
    }
}

impl Emit for RpcV2 {
    fn name(&self) -> &'static str {
        match self {
            RpcV2::Cbor => "RPC v2 CBOR",
            RpcV2::Json => "RPC v2 JSON",
        }
    }

    fn preamble(&self, cx: &FileCx<'_>, service: &Service, names: &Names) -> TokenStream {
        let constant = &names.constant;
        let protocol = self.runtime(cx, self.type_name());
        let query_compatible = service.query_compatible;
        let name = self.name();
        let docs = if query_compatible {
            format!("The service speaks {name}, with awsQuery-compatible errors (`x-amzn-query-error`).")
        } else {
            format!("The service speaks {name}.")
        };
        let docs = doc::outer(&[docs]);
        quote! {
            #docs
            pub const #constant: #protocol = #protocol { query_compatible: #query_compatible };
        }
    }

    fn router(&self, cx: &FileCx<'_>, service: &Service, names: &Names) -> Router {
        let Names { constant, dispatch: dispatch_method, .. } = names;
        let ok = cx.std("result::Result::Ok");
        let context = cx.runtime("context::RequestContext");
        // Operations whose input is a stream are routed apart: their body
        // is not read first.
        let (streamed, whole): (Vec<&Operation>, Vec<&Operation>) =
            service.operations.iter().partition(|op| super::streams_input(op));
        let arms = |ops: &[&Operation]| -> Vec<TokenStream> {
            let arms = ops.iter().map(|op| {
                let read = || {
                    if super::streams_input(op) {
                        return ReadInput::initial_request(cx, op, &self.runtime(cx, "initial_request"));
                    }
                    let (input, schema) = (self.runtime(cx, "input"), schema_static(cx, op.input.as_deref()));
                    ReadInput::whole(quote! { #input(body, #schema) })
                };
                // An output stream is the body, the rest of the output its
                // `initial-response`; an operation with no output answers
                // with no body.
                let answer = || match (super::output_stream_field(cx, op), &op.output) {
                    (Some(field), _) => {
                        let (take, response) = (cx.std("mem::take"), self.runtime(cx, "event_stream_response"));
                        quote! {
                            #ok(mut output) => {
                                let events = #take(&mut output.#field);
                                #response(#constant, &output, events)
                            }
                        }
                    }
                    (None, Some(_)) => {
                        let output_response = self.runtime(cx, "output_response");
                        quote! { #ok(output) => #output_response(#constant, &output), }
                    }
                    (None, None) => {
                        let no_output_response = self.runtime(cx, "no_output_response");
                        quote! { #ok(_) => #no_output_response(#constant), }
                    }
                };
                self.rpc().operation_arm(cx, op, names, read, answer)
            });
            arms.collect()
        };
        let (arms, stream_arms) = (arms(&whole), arms(&streamed));
        let (response, dispatch, protocol) =
            (cx.runtime("protocol::Response"), self.runtime(cx, "Dispatch"), self.runtime(cx, self.type_name()));
        let (contain_panics, unknown_operation) =
            (cx.runtime("protocol::contain_panics"), self.runtime(cx, "unknown_operation"));
        let name = &service.name;
        let gzipped = super::gzipped(service);
        let signing = crate::emit::service::signing_name(service, cx);
        let gzip = (!gzipped.is_empty()).then(|| {
            quote! {
                fn accepts_gzip(&self, operation: &str) -> bool {
                    matches!(operation, #(#gzipped)|*)
                }
            }
        });
        let docs = doc::outer(&[
            format!(
                "Routes {} requests (`POST /service/{name}/operation/<Operation>`) to an implementation of [`{}`].",
                self.name(),
                service.trait_name
            ),
            String::new(),
            format!(
                "It reads the {format} body (empty counts as an empty map), validates it against the model, calls the \
                 method and writes the result in {format}; a malformed body is a `SerializationException`, an invalid \
                 one a `ValidationException`, an unknown operation an `UnknownOperationException`, and a panicking \
                 method an `InternalFailure`. It is a `tower::Service` over `http::Request`s, cheap to clone (clones \
                 share the service).",
                format = self.format()
            ),
        ]);
        let (context_binding, body_binding) = if whole.iter().any(|op| op.unserved.is_none()) {
            (quote! { context }, quote! { body })
        } else {
            (quote! { _context }, quote! { _body })
        };
        let mut methods = quote! {
            /// Reads and validates the body, calls the operation's method and
            /// writes its result.
            async fn #dispatch_method(&self, #context_binding: &#context, operation: &str, #body_binding: &[u8]) -> #response {
                match operation {
                    #(#arms)*
                    _ => #unknown_operation(#constant),
                }
            }
        };
        let (future, send) = (cx.std("future::Future"), cx.std("marker::Send"));
        // The operations whose input is an event stream, and their router.
        let input_streams = (!streamed.is_empty()).then(|| {
            let input_events = cx.runtime("event_stream::InputEvents");
            let dispatch_events = ident(&format!("{dispatch_method}_events"));
            let names = streamed.iter().map(|op| &op.name);
            let context_binding = if streamed.iter().any(|op| op.unserved.is_none()) {
                quote! { context }
            } else {
                quote! { _context }
            };
            methods.extend(quote! {
                /// Reads the `initial-request` of an operation whose input is
                /// an event stream, calls its method with the rest of the
                /// stream, and writes its result.
                async fn #dispatch_events(&self, #context_binding: &#context, operation: &str, events: #input_events) -> #response {
                    match operation {
                        #(#stream_arms)*
                        _ => #unknown_operation(#constant),
                    }
                }
            });
            quote! {
                fn streams_input(&self, operation: &str) -> bool {
                    matches!(operation, #(#names)|*)
                }

                fn route_events(&self, context: &#context, operation: &str, events: #input_events) -> impl #future<Output = #response> + #send {
                    #contain_panics(#constant, self.#dispatch_events(context, operation, events))
                }
            }
        });
        let output_streams = service.operations.iter().filter(|op| op.event_streams.iter().any(|s| !s.input));
        let output_streams: Vec<&str> = output_streams.map(|op| op.name.as_str()).collect();
        let output_streams = (!output_streams.is_empty()).then(|| {
            quote! {
                fn streams_output(&self, operation: &str) -> bool {
                    matches!(operation, #(#output_streams)|*)
                }
            }
        });
        let (trait_ident, router_ident) = (ident(&service.trait_name), ident(&service.router_name));
        let dispatch = quote! {
            impl<S: #trait_ident> #dispatch<#protocol> for #router_ident<S> {
                fn protocol(&self) -> #protocol {
                    #constant
                }

                fn service_name(&self) -> &'static str {
                    #name
                }

                #signing

                #gzip

                fn route(&self, context: &#context, operation: &str, body: &[u8]) -> impl #future<Output = #response> + #send {
                    #contain_panics(#constant, self.#dispatch_method(context, operation, body))
                }

                #output_streams

                #input_streams
            }
        };
        let handle = self.runtime(cx, "handle");
        Router { docs, methods, dispatch, handle: quote! { #handle::<#protocol, _, _> } }
    }

    fn error_response(
        &self,
        cx: &FileCx<'_>,
        _: &Operation,
        names: &Names,
        variants: &[Ident],
        unmodelled: &Ident,
    ) -> TokenStream {
        let docs = format!("The error as an {} response: `__type`, its members and status.", self.name());
        self.rpc().error_response(cx, self.type_name(), &docs, &names.response, variants, unmodelled)
    }

    fn shape_impls_kind(&self) -> &'static str {
        match self {
            RpcV2::Cbor => "cbor",
            RpcV2::Json => "json",
        }
    }

    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
        let writer = match self {
            RpcV2::Cbor => crate::emit::write_cbor::write_impl(cx, shape),
            RpcV2::Json => crate::emit::write::write_impl(cx, shape),
        };
        writer.unwrap_or_default()
    }
}
