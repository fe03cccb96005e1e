//! `service.rs`: the service as a trait with one async method per
//! operation, and its awsJson router.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::rust::{FileCx, ident};
use super::validation::schema_static;
use crate::ir::{Protocol, Service};

/// The awsJson version of a service, as the protocol's display name and the
/// runtime's constant.
fn aws_json(service: &Service) -> (&'static str, &'static str) {
    match service.protocol {
        Some(Protocol::AwsJson1_0) => ("awsJson1.0", "V1_0"),
        _ => ("awsJson1.1", "V1_1"),
    }
}

pub fn module(service: &Service) -> TokenStream {
    let cx = FileCx::without_shapes(service);
    let rest = super::rest::is_rest(service);
    let (protocol_name, version) = if rest { ("restJson1", "") } else { aws_json(service) };
    let trait_ident = ident(&service.trait_name);
    let router_ident = ident(&service.router_name);
    let operation_module = |op: &crate::ir::Operation| format!("crate::{}::operation::{}", service.module, op.module);
    let (result, future) = (cx.std("result::Result"), cx.std("future::Future"));
    let send = cx.std("marker::Send");
    let (ok, err) = (cx.std("result::Result::Ok"), cx.std("result::Result::Err"));
    let not_implemented = cx.runtime("service::not_implemented");
    let context = cx.runtime("context::RequestContext");

    let methods = service.operations.iter().map(|op| {
        let method = ident(&op.module);
        let input = match &op.input {
            Some(id) => cx.named(id),
            None => cx.runtime("Unit"),
        };
        let output = match &op.output {
            Some(id) => cx.named(id),
            None => cx.runtime("Unit"),
        };
        cx.import(&operation_module(op), &op.error_enum);
        let error = ident(&op.error_enum);
        let mut lines = op.docs.clone();
        if lines.is_empty() {
            lines.push(format!("The {} operation.", doc::code(&op.name)));
        }
        let unserved = match op.unserved {
            Some(unserved) => format!(
                "It {}: requests for it answer `NotImplemented` (HTTP 501) without calling this method.",
                unserved.why()
            ),
            None => "Unless implemented, it answers `NotImplemented` (HTTP 501).".to_string(),
        };
        doc::push_paragraph(&mut lines, unserved);
        let docs = doc::outer(&lines);
        let name = &op.name;
        quote! {
            #docs
            fn #method(
                &self,
                _context: &#context,
                _input: #input,
            ) -> impl #future<Output = #result<#output, #error>> + #send {
                async { #err(#not_implemented(#name)) }
            }
        }
    });
    let methods: Vec<TokenStream> = methods.collect();

    if rest {
        let router = super::rest::router(&cx, service);
        return finish(service, &cx, protocol_name, &methods, TokenStream::new(), router);
    }
    let arms = service.operations.iter().map(|op| {
        let method = ident(&op.module);
        let name = &op.name;
        if let Some(unserved) = op.unserved {
            let unsupported = cx.runtime("service::not_implemented_response");
            let why = unserved.why();
            return quote! { #name => #unsupported(PROTOCOL, #name, #why), };
        }
        // Imported only where an operation is served.
        let (parse, rejection_response) = (cx.runtime("validate::parse"), cx.runtime("service::rejection_response"));
        let output_response = cx.runtime("service::output_response");
        let schema = schema_static(&cx, op.input.as_deref());
        quote! {
            #name => {
                let input = match #parse(#schema, body) {
                    #ok(input) => input,
                    #err(rejection) => return #rejection_response(PROTOCOL, rejection),
                };
                match self.service.#method(context, input).await {
                    #ok(output) => #output_response(PROTOCOL, &output),
                    #err(error) => error.response(PROTOCOL),
                }
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    let (response, router, aws_json) =
        (cx.runtime("service::Response"), cx.runtime("service::Router"), cx.runtime("service::AwsJson"));
    let (contain_panics, unknown_operation, operation_name) = (
        cx.runtime("service::contain_panics"),
        cx.runtime("service::unknown_operation"),
        cx.runtime("service::operation_name"),
    );
    let option = cx.std("option::Option");
    let some = cx.std("option::Option::Some");
    let version = ident(version);
    let query_compatible = service.query_compatible;
    let protocol = if query_compatible {
        quote! { #aws_json::#version.with_query_errors() }
    } else {
        quote! { #aws_json::#version }
    };
    let protocol_docs = doc::outer(&[if query_compatible {
        format!("The service speaks {protocol_name}, with awsQuery-compatible errors (`x-amzn-query-error`).")
    } else {
        format!("The service speaks {protocol_name}.")
    }]);

    let name = &service.name;
    // Only services with `@requestCompression` operations say which.
    let gzipped: Vec<&str> = service
        .operations
        .iter()
        .filter(|op| op.gzip_requests && op.unserved.is_none())
        .map(|op| op.name.as_str())
        .collect();
    let signing = signing_name(service, &cx);
    let gzip = (!gzipped.is_empty()).then(|| {
        quote! {
            fn accepts_gzip(&self, target: &str) -> bool {
                #operation_name(#some(target), #name).is_some_and(|operation| matches!(operation, #(#gzipped)|*))
            }
        }
    });
    let router_docs = doc::outer(&[
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
    let preamble = quote! {
        #protocol_docs
        pub const PROTOCOL: #aws_json = #protocol;
    };
    // A service whose every operation is not served reads neither.
    let (context_binding, body_binding) = if service.operations.iter().any(|op| op.unserved.is_none()) {
        (quote! { context }, quote! { body })
    } else {
        (quote! { _context }, quote! { _body })
    };
    let dispatch = quote! {
        /// Parses and validates the body, calls the operation's method and
        /// serialises its result.
        async fn dispatch(
            &self,
            #context_binding: &#context,
            operation: &str,
            target: #option<&str>,
            #body_binding: &[u8],
        ) -> #response {
            match operation {
                #(#arms)*
                _ => #unknown_operation(PROTOCOL, target),
            }
        }
    };
    let (router_type, tower_impl) = router_type(&cx, service, router_docs, dispatch, cx.runtime("http::call"));
    let router = quote! {
        #router_type

        impl<S: #trait_ident> #router for #router_ident<S> {
            fn protocol(&self) -> #aws_json {
                PROTOCOL
            }

            fn target_prefix(&self) -> &'static str {
                #name
            }

            #signing

            #gzip

            async fn route(&self, context: #context, target: #option<&str>, body: &[u8]) -> #response {
                let #some(operation) = #operation_name(target, #name) else {
                    return #unknown_operation(PROTOCOL, target);
                };
                #contain_panics(PROTOCOL, self.dispatch(&context, operation, target, body)).await
            }
        }

        #tower_impl
    };
    finish(service, &cx, protocol_name, &methods, preamble, router)
}

/// The router's `signing_name` method, for both protocols: the service's
/// SigV4 signing name, which requests verified by a SigV4 layer must be
/// scoped to. Nothing (the trait's `None`) for a service without one.
pub(super) fn signing_name(service: &Service, cx: &FileCx<'_>) -> TokenStream {
    let Some(signing_name) = &service.signing_name else { return TokenStream::new() };
    let (option, some) = (cx.std("option::Option"), cx.std("option::Option::Some"));
    quote! {
        fn signing_name(&self) -> #option<&'static str> {
            #some(#signing_name)
        }
    }
}

/// The router type both protocols share: the struct over an `Arc` of the
/// service, `Clone`, `new` and `service` (and `methods`, the protocol's
/// own), with docs `docs`; and, apart, its `tower::Service` impl, whose
/// `call` is the runtime's function `call`.
pub(super) fn router_type(
    cx: &FileCx<'_>,
    service: &Service,
    docs: TokenStream,
    methods: TokenStream,
    call: TokenStream,
) -> (TokenStream, TokenStream) {
    let (trait_ident, router_ident) = (ident(&service.trait_name), ident(&service.router_name));
    let (arc, clone, send) = (cx.std("sync::Arc"), cx.std("clone::Clone"), cx.std("marker::Send"));
    let (ok, result, into) = (cx.std("result::Result::Ok"), cx.std("result::Result"), cx.std("convert::Into"));
    let (infallible, task_context, poll) =
        (cx.std("convert::Infallible"), cx.std("task::Context"), cx.std("task::Poll"));
    let (tower_service, request, http_body) =
        (cx.runtime("http::Service"), cx.runtime("http::Request"), cx.runtime("http::HttpBody"));
    let (box_error, response_future, http_response) =
        (cx.runtime("http::BoxError"), cx.runtime("http::ResponseFuture"), cx.runtime("http::HttpResponse"));
    let router_type = quote! {
        #docs
        #[derive(Debug)]
        pub struct #router_ident<S> {
            service: #arc<S>,
        }

        impl<S> #clone for #router_ident<S> {
            fn clone(&self) -> Self {
                Self { service: self.service.clone() }
            }
        }

        impl<S: #trait_ident> #router_ident<S> {
            /// A router over `service`.
            pub fn new(service: S) -> Self {
                Self { service: #arc::new(service) }
            }

            /// The service requests are routed to.
            pub fn service(&self) -> &S {
                &self.service
            }

            #methods
        }
    };
    let tower_impl = quote! {
        impl<S: #trait_ident, B> #tower_service<#request<B>> for #router_ident<S>
        where
            B: #http_body + #send + 'static,
            B::Data: #send,
            B::Error: #into<#box_error>,
        {
            type Response = #http_response;
            type Error = #infallible;
            type Future = #response_future;

            fn poll_ready(&mut self, _: &mut #task_context<'_>) -> #poll<#result<(), #infallible>> {
                #poll::Ready(#ok(()))
            }

            fn call(&mut self, request: #request<B>) -> #response_future {
                #call(self.clone(), request)
            }
        }
    };
    (router_type, tower_impl)
}

/// The module: its docs, `preamble`, the service trait with `methods`, and `router`.
fn finish(
    service: &Service,
    cx: &FileCx<'_>,
    protocol_name: &str,
    methods: &[TokenStream],
    preamble: TokenStream,
    router: TokenStream,
) -> TokenStream {
    let name = &service.name;
    let trait_ident = ident(&service.trait_name);
    let (send, sync) = (cx.std("marker::Send"), cx.std("marker::Sync"));
    let mut trait_docs = vec![format!("The {} service: implement the operations you serve.", doc::code(name))];
    trait_docs.push(String::new());
    trait_docs.push(format!(
        "Each method takes the request's context (its id, headers and extensions) and the validated input; \
         [`{}`] routes {protocol_name} requests to it. Methods left unimplemented answer `NotImplemented`. \
         Implementations may hold state; they are shared by every request.",
        service.router_name
    ));
    let trait_docs = doc::outer(&trait_docs);
    let module_docs =
        doc::inner(&[format!("The {} service as a trait, and its {protocol_name} router.", doc::code(name))]);
    let uses = cx.uses();
    quote! {
        #module_docs
        #uses

        #preamble

        #trait_docs
        pub trait #trait_ident: #send + #sync + 'static {
            #(#methods)*
        }

        #router
    }
}
