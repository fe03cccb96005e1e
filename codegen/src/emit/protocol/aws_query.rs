//! awsQuery and ec2Query: the router by `Action`, inputs read from the
//! request's parameters, outputs and errors written as XML
//! (`runtime::protocol::aws_query`, which serves both dialects).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Emit, Names, Router};
use crate::emit::doc;
use crate::emit::rust::{FileCx, ident};
use crate::emit::validation::schema_static;
use crate::ir::{Operation, Service, Shape};

/// awsQuery, or ec2Query.
pub(in crate::emit) struct AwsQuery {
    pub ec2: bool,
}

/// The runtime's awsQuery module.
const RUNTIME: &str = "protocol::aws_query";

fn runtime(cx: &FileCx<'_>, item: &str) -> TokenStream {
    cx.runtime(&format!("{RUNTIME}::{item}"))
}

impl Emit for AwsQuery {
    fn name(&self) -> &'static str {
        if self.ec2 { "ec2Query" } else { "awsQuery" }
    }

    fn preamble(&self, cx: &FileCx<'_>, service: &Service, names: &Names) -> TokenStream {
        let constant = &names.constant;
        let (aws_query, dialect) = (runtime(cx, "AwsQuery"), runtime(cx, "Dialect"));
        // Smithy requires `@xmlNamespace` on query services; without it the
        // responses declare none.
        let namespace = service.xml_namespace.as_ref().map_or("", |namespace| namespace.uri.as_str());
        let name = self.name();
        let docs =
            doc::outer(&[format!("The service speaks {name}; its responses are in the namespace `{namespace}`.")]);
        let variant = ident(if self.ec2 { "Ec2" } else { "AwsQuery" });
        // Members the model gives no format are typed by the first
        // protocol's default; where that is not an XML one, awsQuery writes
        // them in its own.
        let epoch_as_date_time = !service.protocol().is_some_and(|protocol| protocol.is_xml());
        quote! {
            #docs
            pub const #constant: #aws_query = #aws_query {
                namespace: #namespace,
                dialect: #dialect::#variant,
                epoch_as_date_time: #epoch_as_date_time,
            };
        }
    }

    fn router(&self, cx: &FileCx<'_>, service: &Service, names: &Names) -> Router {
        let Names { constant, dispatch: dispatch_method, response: response_method } = names;
        let (ok, err) = (cx.std("result::Result::Ok"), cx.std("result::Result::Err"));
        let context = cx.runtime("context::RequestContext");
        let arms = service.operations.iter().map(|op| {
            let method = ident(&op.module);
            let name = &op.name;
            if let Some(unserved) = op.unserved {
                let unsupported = runtime(cx, "not_implemented_response");
                let why = unserved.why();
                return quote! { #name => #unsupported(#constant, #name, #why), };
            }
            let (rejection_response, output_response) =
                (runtime(cx, "rejection_response"), runtime(cx, "output_response"));
            let schema = schema_static(cx, op.input.as_deref());
            let boxed = cx.std("boxed::Box");
            quote! {
                #name => {
                    // As awsJson's: the input's scope ends before the
                    // await, and the method's future is boxed.
                    let handled = {
                        let input = match form.input(#schema) {
                            #ok(input) => input,
                            #err(rejection) => {
                                return #rejection_response(#constant, context.request_id(), rejection);
                            }
                        };
                        #boxed::pin(self.service.#method(context, input))
                    };
                    match handled.await {
                        #ok(output) => #output_response(#constant, #name, context.request_id(), &output),
                        #err(error) => error.#response_method(#constant, context.request_id()),
                    }
                }
            }
        });
        let arms: Vec<TokenStream> = arms.collect();
        let (response, dispatch, aws_query) =
            (cx.runtime("protocol::Response"), runtime(cx, "Dispatch"), runtime(cx, "AwsQuery"));
        let (contain_panics, unknown_action, form) =
            (cx.runtime("protocol::contain_panics"), runtime(cx, "unknown_action"), runtime(cx, "Form"));
        let (option, some) = (cx.std("option::Option"), cx.std("option::Option::Some"));
        let (future, send) = (cx.std("future::Future"), cx.std("marker::Send"));
        let signing = crate::emit::service::signing_name(service, cx);
        // Only services with `@requestCompression` operations take gzip.
        let gzip = service.operations.iter().any(|op| op.gzip_requests && op.unserved.is_none()).then(|| {
            quote! {
                fn accepts_gzip(&self) -> bool {
                    true
                }
            }
        });
        let docs = doc::outer(&[
            format!(
                "Routes {} requests (`Action=<Operation>`) to an implementation of [`{}`].",
                self.name(),
                service.trait_name
            ),
            String::new(),
            "It reads the request's parameters (a form-encoded body, or a GET's query string) into the operation's \
             input, validates it against the model, calls the method and writes the result as XML; parameters \
             that do not fit are `InvalidParameterValue`, an invalid input a `ValidationError`, an unknown action \
             `InvalidAction`, and a panicking method an `InternalFailure`. It is a `tower::Service` over \
             `http::Request`s, cheap to clone (clones share the service)."
                .to_string(),
        ]);
        // A service whose every operation is not served reads neither.
        let served = service.operations.iter().any(|op| op.unserved.is_none());
        let (context_binding, form_binding) =
            if served { (quote! { context }, quote! { form }) } else { (quote! { _context }, quote! { _form }) };
        let methods = quote! {
            /// Reads and validates the input from the parameters, calls the
            /// operation's method and writes its result.
            async fn #dispatch_method(
                &self,
                #context_binding: &#context,
                action: #option<&str>,
                #form_binding: &#form<'_>,
            ) -> #response {
                let #some(operation) = action else {
                    return #unknown_action(#constant, action);
                };
                match operation {
                    #(#arms)*
                    _ => #unknown_action(#constant, action),
                }
            }
        };
        let (trait_ident, router_ident) = (ident(&service.trait_name), ident(&service.router_name));
        let service_name = &service.name;
        let dispatch = quote! {
            impl<S: #trait_ident> #dispatch for #router_ident<S> {
                fn protocol(&self) -> #aws_query {
                    #constant
                }

                fn service_name(&self) -> &'static str {
                    #service_name
                }

                #signing

                #gzip

                fn route(
                    &self,
                    context: &#context,
                    action: #option<&str>,
                    form: &#form<'_>,
                ) -> impl #future<Output = #response> + #send {
                    #contain_panics(#constant, self.#dispatch_method(context, action, form))
                }
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
        let method = &names.response;
        let (response, protocol) = (cx.runtime("protocol::Response"), runtime(cx, "AwsQuery"));
        let request_id = cx.runtime("context::RequestId");
        let modelled_error = (!variants.is_empty()).then(|| runtime(cx, "modelled_error"));
        let unmodelled_error = runtime(cx, "unmodelled_error");
        quote! {
            /// The error as a query protocol's response: its code, message
            /// and members.
            pub fn #method(&self, protocol: #protocol, request_id: &#request_id) -> #response {
                match self {
                    #(Self::#variants(error) => #modelled_error(protocol, request_id, error),)*
                    Self::#unmodelled(error) => #unmodelled_error(protocol, request_id, error),
                }
            }
        }
    }

    fn shape_impls_kind(&self) -> &'static str {
        "query-xml"
    }

    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
        crate::emit::write_xml::write_xml_impl(cx, shape).unwrap_or_default()
    }
}
