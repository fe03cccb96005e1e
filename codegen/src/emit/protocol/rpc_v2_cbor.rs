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
        let (ok, err) = (cx.std("result::Result::Ok"), cx.std("result::Result::Err"));
        let context = cx.runtime("context::RequestContext");
        let arms = service.operations.iter().map(|op| {
            let method = ident(&op.module);
            let name = &op.name;
            if let Some(unserved) = op.unserved {
                let unsupported = runtime(cx, "not_implemented_response");
                let why = unserved.why();
                return quote! { #name => #unsupported(PROTOCOL, #name, #why), };
            }
            // Imported only where an operation is served.
            let (input, rejection_response) = (runtime(cx, "input"), runtime(cx, "rejection_response"));
            let schema = schema_static(cx, op.input.as_deref());
            let boxed = cx.std("boxed::Box");
            // An operation with no output answers with no body.
            let answer = match op.output {
                Some(_) => {
                    let output_response = runtime(cx, "output_response");
                    quote! { #ok(output) => #output_response(PROTOCOL, &output), }
                }
                None => {
                    let no_output_response = runtime(cx, "no_output_response");
                    quote! { #ok(_) => #no_output_response(PROTOCOL), }
                }
            };
            quote! {
                #name => {
                    // The input's scope ends before the await, and the
                    // method's future is boxed, as in awsJson.
                    let handled = {
                        let input = match #input(body, #schema) {
                            #ok(input) => input,
                            #err(rejection) => return #rejection_response(PROTOCOL, rejection),
                        };
                        #boxed::pin(self.service.#method(context, input))
                    };
                    match handled.await {
                        #answer
                        #err(error) => error.response(PROTOCOL),
                    }
                }
            }
        });
        let arms: Vec<TokenStream> = arms.collect();
        let (response, dispatch, protocol) =
            (cx.runtime("protocol::Response"), runtime(cx, "Dispatch"), runtime(cx, "RpcV2Cbor"));
        let (contain_panics, unknown_operation) =
            (cx.runtime("protocol::contain_panics"), runtime(cx, "unknown_operation"));
        let name = &service.name;
        let gzipped: Vec<&str> = service
            .operations
            .iter()
            .filter(|op| op.gzip_requests && op.unserved.is_none())
            .map(|op| op.name.as_str())
            .collect();
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
        let (response, protocol) = (cx.runtime("protocol::Response"), runtime(cx, "RpcV2Cbor"));
        let modelled_error = (!variants.is_empty()).then(|| runtime(cx, "modelled_error"));
        let unmodelled_error = runtime(cx, "unmodelled_error");
        quote! {
            /// The error as an RPC v2 CBOR response: `__type`, its members and status.
            pub fn response(&self, protocol: #protocol) -> #response {
                match self {
                    #(Self::#variants(error) => #modelled_error(protocol, error),)*
                    Self::#unmodelled(error) => #unmodelled_error(protocol, error),
                }
            }
        }
    }

    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
        crate::emit::write_cbor::write_impl(cx, shape).unwrap_or_default()
    }
}
