//! awsJson 1.0 and 1.1: the router by `X-Amz-Target`, and errors written
//! with `__type` (`runtime::protocol::aws_json`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Emit, Names, ReadInput, Router};
use crate::emit::doc;
use crate::emit::rust::{FileCx, ident};
use crate::emit::validation::schema_static;
use crate::ir::{Operation, Service, Shape};

/// awsJson, 1.0 or 1.1.
pub(in crate::emit) struct AwsJson {
    pub v1_0: bool,
}

/// What awsJson shares with the other RPC protocol.
const RPC: super::Rpc = super::Rpc { module: RUNTIME };

/// The runtime's awsJson module.
const RUNTIME: &str = "protocol::aws_json";

fn runtime(cx: &FileCx<'_>, item: &str) -> TokenStream {
    cx.runtime(&format!("{RUNTIME}::{item}"))
}

impl Emit for AwsJson {
    fn name(&self) -> &'static str {
        if self.v1_0 { "awsJson1.0" } else { "awsJson1.1" }
    }

    fn preamble(&self, cx: &FileCx<'_>, service: &Service, names: &Names) -> TokenStream {
        let aws_json = runtime(cx, "AwsJson");
        let version = ident(if self.v1_0 { "V1_0" } else { "V1_1" });
        let protocol_name = self.name();
        let constant = &names.constant;
        let (protocol, docs) = if service.query_compatible {
            (
                quote! { #aws_json::#version.with_query_errors() },
                format!("The service speaks {protocol_name}, with awsQuery-compatible errors (`x-amzn-query-error`)."),
            )
        } else {
            (quote! { #aws_json::#version }, format!("The service speaks {protocol_name}."))
        };
        let docs = doc::outer(&[docs]);
        quote! {
            #docs
            pub const #constant: #aws_json = #protocol;
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
                        return ReadInput::initial_request(cx, op, &runtime(cx, "initial_request"));
                    }
                    let (parse, schema) = (cx.runtime("validate::parse"), schema_static(cx, op.input.as_deref()));
                    ReadInput::whole(quote! { #parse(#schema, body) })
                };
                let answer = || match super::output_stream_field(cx, op) {
                    // The stream is the body; the rest of the output its
                    // `initial-response`.
                    Some(field) => {
                        let (take, response) = (cx.std("mem::take"), runtime(cx, "event_stream_response"));
                        quote! {
                            #ok(mut output) => {
                                let events = #take(&mut output.#field);
                                #response(&output, events)
                            }
                        }
                    }
                    None => {
                        let output_response = runtime(cx, "output_response");
                        quote! { #ok(output) => #output_response(#constant, &output), }
                    }
                };
                RPC.operation_arm(cx, op, names, read, answer)
            });
            arms.collect()
        };
        let (arms, stream_arms) = (arms(&whole), arms(&streamed));
        let (response, dispatch, aws_json) =
            (cx.runtime("protocol::Response"), runtime(cx, "Dispatch"), runtime(cx, "AwsJson"));
        let (contain_panics, unknown_operation, operation_name) =
            (cx.runtime("protocol::contain_panics"), runtime(cx, "unknown_operation"), runtime(cx, "operation_name"));
        let option = cx.std("option::Option");
        let some = cx.std("option::Option::Some");
        let name = &service.name;
        let protocol_name = self.name();
        // Only services with `@requestCompression` operations say which.
        let gzipped = super::gzipped(service);
        let signing = crate::emit::service::signing_name(service, cx);
        let gzip = (!gzipped.is_empty()).then(|| {
            quote! {
                fn accepts_gzip(&self, target: &str) -> bool {
                    #operation_name(#some(target), #name).is_some_and(|operation| matches!(operation, #(#gzipped)|*))
                }
            }
        });
        let docs = doc::outer(&[
            format!(
                "Routes {protocol_name} requests (`X-Amz-Target: {name}.<Operation>`) to an implementation of [`{}`].",
                service.trait_name
            ),
            String::new(),
            "It parses the body (empty counts as `{}`), validates it against the model, calls the method and \
             serialises the result; a malformed body is a `SerializationException`, an invalid one a \
             `ValidationException`, an unknown target an `UnknownOperationException`, and a panicking method an \
             `InternalFailure`. It is a `tower::Service` over `http::Request`s, cheap to clone (clones share \
             the service)."
                .to_string(),
        ]);
        // A service whose every operation is not served reads neither.
        let (context_binding, body_binding) = if whole.iter().any(|op| op.unserved.is_none()) {
            (quote! { context }, quote! { body })
        } else {
            (quote! { _context }, quote! { _body })
        };
        let mut methods = quote! {
            /// Parses and validates the body, calls the operation's method and
            /// serialises its result.
            async fn #dispatch_method(
                &self,
                #context_binding: &#context,
                target: #option<&str>,
                #body_binding: &[u8],
            ) -> #response {
                let #some(operation) = #operation_name(target, #name) else {
                    return #unknown_operation(#constant, target);
                };
                match operation {
                    #(#arms)*
                    _ => #unknown_operation(#constant, target),
                }
            }
        };
        // The operations whose input is an event stream, and their router.
        let streams = (!streamed.is_empty()).then(|| {
            let (input_events, future, send) =
                (cx.runtime("event_stream::InputEvents"), cx.std("future::Future"), cx.std("marker::Send"));
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
                async fn #dispatch_events(
                    &self,
                    #context_binding: &#context,
                    target: #option<&str>,
                    events: #input_events,
                ) -> #response {
                    let #some(operation) = #operation_name(target, #name) else {
                        return #unknown_operation(#constant, target);
                    };
                    match operation {
                        #(#stream_arms)*
                        _ => #unknown_operation(#constant, target),
                    }
                }
            });
            quote! {
                fn streams_input(&self, target: &str) -> bool {
                    matches!(#operation_name(#some(target), #name), #some(#(#names)|*))
                }

                fn route_events(
                    &self,
                    context: &#context,
                    target: #option<&str>,
                    events: #input_events,
                ) -> impl #future<Output = #response> + #send {
                    #contain_panics(#constant, self.#dispatch_events(context, target, events))
                }
            }
        });
        let (trait_ident, router_ident) = (ident(&service.trait_name), ident(&service.router_name));
        let (future, send) = (cx.std("future::Future"), cx.std("marker::Send"));
        let dispatch = quote! {
            impl<S: #trait_ident> #dispatch for #router_ident<S> {
                fn protocol(&self) -> #aws_json {
                    #constant
                }

                fn target_prefix(&self) -> &'static str {
                    #name
                }

                #signing

                #gzip

                fn route(
                    &self,
                    context: &#context,
                    target: #option<&str>,
                    body: &[u8],
                ) -> impl #future<Output = #response> + #send {
                    #contain_panics(#constant, self.#dispatch_method(context, target, body))
                }

                #streams
            }
        };
        Router { docs, methods, dispatch, handle: runtime(cx, "handle") }
    }

    fn error_response(
        &self,
        cx: &FileCx<'_>,
        _: &Operation,
        names: &Names,
        variants: &[Ident],
        unmodelled: &Ident,
    ) -> TokenStream {
        let docs = "The error as an awsJson response: its members, `__type` and status.";
        RPC.error_response(cx, "AwsJson", docs, &names.response, variants, unmodelled)
    }

    fn shape_impls_kind(&self) -> &'static str {
        "json"
    }

    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
        crate::emit::write::write_impl(cx, shape).unwrap_or_default()
    }
}
