//! `service.rs`: the service as a trait with one async method per
//! operation, and its router, whose protocol part is the protocol's
//! emitter's ([`super::protocol`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::protocol::{self, Spoken};
use super::rust::{FileCx, ident};
use crate::ir::Service;

/// The module of a service with a protocol (`protocol::spoken`).
pub fn module(service: &Service) -> TokenStream {
    let cx = FileCx::without_shapes(service);
    let spoken = protocol::spoken(service);
    assert!(!spoken.is_empty(), "only services with a protocol have a service module");
    let names: Vec<&str> = spoken.iter().map(|s| s.emit.name()).collect();
    let protocol_name = match &names[..] {
        [one] => one.to_string(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
        [] => unreachable!(),
    };
    let operation_module = |op: &crate::ir::Operation| format!("crate::{}::operation::{}", service.module, op.module);
    let (result, future) = (cx.std("result::Result"), cx.std("future::Future"));
    let send = cx.std("marker::Send");
    let err = cx.std("result::Result::Err");
    let not_implemented = cx.runtime("not_implemented");
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

    let preambles = spoken.iter().map(|s| s.emit.preamble(&cx, service, &s.names));
    let preamble = quote! { #(#preambles)* };
    let router = router(&cx, service, &spoken);
    finish(service, &cx, &protocol_name, &methods, preamble, router)
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

/// The router, whatever the protocols: the struct over an `Arc` of the
/// service, `Clone`, `new` and `service` (and each protocol's methods),
/// each protocol's `Dispatch` impl, and the runtime's `Serve` (its
/// protocol's `handle`, or for several, the `handle` of the protocol the
/// request speaks) and `tower::Service` (`runtime::http::call`) impls.
fn router(cx: &FileCx<'_>, service: &Service, spoken: &[Spoken]) -> TokenStream {
    let routers: Vec<protocol::Router> = spoken.iter().map(|s| s.emit.router(cx, service, &s.names)).collect();
    let docs = &routers[0].docs;
    let others = (spoken.len() > 1).then(|| {
        let names: Vec<String> = spoken[1..].iter().map(|s| s.emit.name().to_string()).collect();
        doc::outer(&[
            String::new(),
            format!(
                "It answers {} requests too, each in its own protocol: which one a request speaks, its head says \
                 (`runtime::protocol::several`).",
                names.join(" and ")
            ),
        ])
    });
    let methods = routers.iter().map(|r| &r.methods);
    let dispatch = routers.iter().map(|r| &r.dispatch);
    let handle = serve_body(cx, spoken, &routers);
    let (trait_ident, router_ident) = (ident(&service.trait_name), ident(&service.router_name));
    let (arc, clone, send) = (cx.std("sync::Arc"), cx.std("clone::Clone"), cx.std("marker::Send"));
    let (ok, result, into) = (cx.std("result::Result::Ok"), cx.std("result::Result"), cx.std("convert::Into"));
    let (infallible, task_context, poll, future) =
        (cx.std("convert::Infallible"), cx.std("task::Context"), cx.std("task::Poll"), cx.std("future::Future"));
    let (tower_service, request, http_body) =
        (cx.runtime("http::Service"), cx.runtime("http::Request"), cx.runtime("http::HttpBody"));
    let (box_error, response_future, http_response) =
        (cx.runtime("http::BoxError"), cx.runtime("http::ResponseFuture"), cx.runtime("http::HttpResponse"));
    let (serve, call) = (cx.runtime("protocol::Serve"), cx.runtime("http::call"));
    quote! {
        #docs
        #others
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

            #(#methods)*
        }

        #(#dispatch)*

        impl<S: #trait_ident> #serve for #router_ident<S> {
            fn serve<B>(self, request: #request<B>) -> impl #future<Output = #http_response> + #send
            where
                B: #http_body + #send + 'static,
                B::Data: #send,
                B::Error: #into<#box_error>,
            {
                #handle
            }
        }

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
    }
}

/// The body of the router's `Serve::serve`: its protocol's `handle`, or
/// for several, the `handle` of the one the request speaks.
fn serve_body(cx: &FileCx<'_>, spoken: &[Spoken], routers: &[protocol::Router]) -> TokenStream {
    if let [router] = routers {
        let handle = &router.handle;
        return quote! { #handle(self, request) };
    }
    let (several, speech) = (cx.runtime("protocol::several::spoken"), cx.runtime("protocol::several::Speech"));
    let speeches = spoken.iter().map(|s| {
        let variant = ident(match s.protocol {
            crate::ir::Protocol::AwsJson1_0 | crate::ir::Protocol::AwsJson1_1 => "AwsJson",
            crate::ir::Protocol::AwsQuery | crate::ir::Protocol::Ec2Query => "AwsQuery",
            crate::ir::Protocol::RpcV2Cbor => "RpcV2Cbor",
            crate::ir::Protocol::RpcV2Json => "RpcV2Json",
            crate::ir::Protocol::RestJson1 | crate::ir::Protocol::RestXml => "Rest",
        });
        quote! { #speech::#variant }
    });
    let last = routers.len() - 1;
    let arms = routers.iter().enumerate().map(|(i, router)| {
        let handle = &router.handle;
        if i == last {
            quote! { _ => #handle(self, request).await, }
        } else {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote! { #i => #handle(self, request).await, }
        }
    });
    quote! {
        let spoken = #several(&request, &[#(#speeches),*]);
        async move {
            match spoken {
                #(#arms)*
            }
        }
    }
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
