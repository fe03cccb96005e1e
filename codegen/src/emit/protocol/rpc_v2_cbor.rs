//! Smithy's RPC v2 CBOR: the router by the operation the path names, and
//! errors written with `__type` (`runtime::protocol::rpc_v2_cbor`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Emit, Router};
use crate::emit::doc;
use crate::emit::rust::{FileCx, ident};
use crate::emit::validation::schema_static;
use crate::ir::{Operation, Service, Shape};

pub(in crate::emit) struct RpcV2Cbor;

/// What RPC v2 CBOR shares with the other RPC protocol.
const RPC: super::Rpc = super::Rpc { module: RUNTIME };

/// The runtime's RPC v2 CBOR module.
const RUNTIME: &str = "protocol::rpc_v2_cbor";

fn runtime(cx: &FileCx<'_>, item: &str) -> TokenStream {
    cx.runtime(&format!("{RUNTIME}::{item}"))
}

impl Emit for RpcV2Cbor {
    fn name(&self, _: &Service) -> &'static str {
        "RPC v2 CBOR"
    }

    fn preamble(&self, cx: &FileCx<'_>, service: &Service) -> TokenStream {
        let protocol = runtime(cx, "RpcV2Cbor");
        let query_compatible = service.query_compatible;
        let docs = if query_compatible {
            "The service speaks RPC v2 CBOR, with awsQuery-compatible errors (`x-amzn-query-error`)."
        } else {
            "The service speaks RPC v2 CBOR."
        };
        let docs = doc::outer(&[docs.to_string()]);
        quote! {
            #docs
            pub const PROTOCOL: #protocol = #protocol { query_compatible: #query_compatible };
        }
    }

    fn router(&self, cx: &FileCx<'_>, service: &Service) -> Router {
        let ok = cx.std("result::Result::Ok");
        let context = cx.runtime("context::RequestContext");
        let arms = service.operations.iter().map(|op| {
            let read = || {
                let (input, schema) = (runtime(cx, "input"), schema_static(cx, op.input.as_deref()));
                quote! { #input(body, #schema) }
            };
            // An operation with no output answers with no body.
            let answer = || match op.output {
                Some(_) => {
                    let output_response = runtime(cx, "output_response");
                    quote! { #ok(output) => #output_response(PROTOCOL, &output), }
                }
                None => {
                    let no_output_response = runtime(cx, "no_output_response");
                    quote! { #ok(_) => #no_output_response(PROTOCOL), }
                }
            };
            RPC.operation_arm(cx, op, read, answer)
        });
        let arms: Vec<TokenStream> = arms.collect();
        let (response, dispatch, protocol) =
            (cx.runtime("protocol::Response"), runtime(cx, "Dispatch"), runtime(cx, "RpcV2Cbor"));
        let (contain_panics, unknown_operation) =
            (cx.runtime("protocol::contain_panics"), runtime(cx, "unknown_operation"));
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
                "Routes RPC v2 CBOR requests (`POST /service/{name}/operation/<Operation>`) to an implementation of \
                 [`{}`].",
                service.trait_name
            ),
            String::new(),
            "It reads the CBOR body (empty counts as an empty map), validates it against the model, calls the \
             method and writes the result in CBOR; a malformed body is a `SerializationException`, an invalid one \
             a `ValidationException`, an unknown operation an `UnknownOperationException`, and a panicking method \
             an `InternalFailure`. It is a `tower::Service` over `http::Request`s, cheap to clone (clones share \
             the service)."
                .to_string(),
        ]);
        let (context_binding, body_binding) = if service.operations.iter().any(|op| op.unserved.is_none()) {
            (quote! { context }, quote! { body })
        } else {
            (quote! { _context }, quote! { _body })
        };
        let methods = quote! {
            /// Reads and validates the body, calls the operation's method and
            /// writes its result.
            async fn dispatch(&self, #context_binding: &#context, operation: &str, #body_binding: &[u8]) -> #response {
                match operation {
                    #(#arms)*
                    _ => #unknown_operation(PROTOCOL),
                }
            }
        };
        let (trait_ident, router_ident) = (ident(&service.trait_name), ident(&service.router_name));
        let (future, send) = (cx.std("future::Future"), cx.std("marker::Send"));
        let dispatch = quote! {
            impl<S: #trait_ident> #dispatch for #router_ident<S> {
                fn protocol(&self) -> #protocol {
                    PROTOCOL
                }

                fn service_name(&self) -> &'static str {
                    #name
                }

                #signing

                #gzip

                fn route(&self, context: &#context, operation: &str, body: &[u8]) -> impl #future<Output = #response> + #send {
                    #contain_panics(PROTOCOL, self.dispatch(context, operation, body))
                }
            }
        };
        Router { docs, methods, dispatch, handle: runtime(cx, "handle") }
    }

    fn error_response(&self, cx: &FileCx<'_>, _: &Operation, variants: &[Ident], unmodelled: &Ident) -> TokenStream {
        let docs = "The error as an RPC v2 CBOR response: `__type`, its members and status.";
        RPC.error_response(cx, "RpcV2Cbor", docs, variants, unmodelled)
    }

    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
        crate::emit::write_cbor::write_impl(cx, shape).unwrap_or_default()
    }
}
