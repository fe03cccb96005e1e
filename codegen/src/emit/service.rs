//! `service.rs`: the service as a trait with one async method per
//! operation, and its awsJson1.1 router.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::rust::{FileCx, ident};
use super::validation::static_name;
use crate::ir::Service;

/// The trait's name: the service's Rust name.
pub fn trait_name(service: &Service) -> String {
    crate::names::type_name(&service.name)
}

/// The router's name.
pub fn router_name(service: &Service) -> String {
    format!("{}Router", trait_name(service))
}

pub fn module(service: &Service) -> TokenStream {
    let cx = FileCx::without_shapes(service);
    let trait_ident = ident(&trait_name(service));
    let router_ident = ident(&router_name(service));
    let operation_module = |op: &crate::ir::Operation| format!("crate::{}::operation::{}", service.module, op.module);

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
        doc::push_paragraph(&mut lines, "Unless implemented, it answers `NotImplemented` (HTTP 501).".to_string());
        let docs = doc::outer(&lines);
        let name = &op.name;
        quote! {
            #docs
            fn #method(&self, _input: #input) -> impl Future<Output = Result<#output, #error>> + Send {
                async { not_implemented(#name) }
            }
        }
    });
    let methods: Vec<TokenStream> = methods.collect();
    cx.import("std::future", "Future");
    cx.import("crate::runtime::service", "not_implemented");

    let arms = service.operations.iter().map(|op| {
        let method = ident(&op.module);
        let name = &op.name;
        let schema = match &op.input {
            Some(id) => {
                let schema = static_name(service, id);
                cx.import(&format!("crate::{}::validation", service.module), &schema);
                let schema = ident(&schema);
                quote! { &#schema }
            }
            None => {
                cx.import("crate::runtime::validate", "UNIT");
                quote! { &UNIT }
            }
        };
        quote! {
            #name => {
                let input = match parse(#schema, body) {
                    Ok(input) => input,
                    Err(rejection) => return rejection_response(rejection),
                };
                match self.service.#method(input).await {
                    Ok(output) => output_response(&output),
                    Err(error) => error.response(),
                }
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    for name in ["Response", "Router", "contain_panics", "output_response", "rejection_response", "unknown_operation"] {
        cx.import("crate::runtime::service", name);
    }
    cx.import("crate::runtime::validate", "parse");

    let prefix = format!("{}.", service.name);
    let mut trait_docs = vec![format!("The {} service: implement the operations you serve.", doc::code(&service.name))];
    trait_docs.push(String::new());
    trait_docs.push(format!(
        "Each method takes the validated input; [`{}`] routes awsJson1.1 requests to it. Methods left \
         unimplemented answer `NotImplemented`. Implementations may hold state; they are shared by every request.",
        router_name(service)
    ));
    let trait_docs = doc::outer(&trait_docs);
    let router_docs = doc::outer(&[
        format!(
            "Routes awsJson1.1 requests (`X-Amz-Target: {prefix}<Operation>`) to an implementation of [`{}`].",
            trait_name(service)
        ),
        String::new(),
        "It parses the body (empty counts as `{}`), validates it against the model, calls the method and \
         serialises the result; a malformed body is a `SerializationException`, an invalid one a \
         `ValidationException`, an unknown target an `UnknownOperationException`, and a panicking method an \
         `InternalFailure`."
            .to_string(),
    ]);
    let module_docs =
        doc::inner(&[format!("The {} service as a trait, and its awsJson1.1 router.", doc::code(&service.name))]);
    let uses = cx.uses();
    quote! {
        #module_docs
        #uses

        #trait_docs
        pub trait #trait_ident: Send + Sync + 'static {
            #(#methods)*
        }

        #router_docs
        #[derive(Debug)]
        pub struct #router_ident<S> {
            service: S,
        }

        impl<S: #trait_ident> #router_ident<S> {
            /// A router over `service`.
            pub fn new(service: S) -> Self {
                Self { service }
            }

            /// The service requests are routed to.
            pub fn service(&self) -> &S {
                &self.service
            }
        }

        impl<S: #trait_ident> Router for #router_ident<S> {
            async fn route(&self, target: Option<&str>, body: &[u8]) -> Response {
                let Some(operation) = target.and_then(|t| t.strip_prefix(#prefix)) else {
                    return unknown_operation(target);
                };
                contain_panics(async {
                    match operation {
                        #(#arms)*
                        _ => unknown_operation(target),
                    }
                })
                .await
            }
        }
    }
}
