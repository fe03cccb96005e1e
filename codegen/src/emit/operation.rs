//! One module per operation: a marker type implementing `Operation`, the
//! input and output structures it owns, and the enum of its errors.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::model;
use super::rust::{FileCx, ident};
use crate::ir::{Operation, Placement, Service};

/// `operation/mod.rs`: the list of operation modules.
pub fn index(service: &Service) -> TokenStream {
    let docs = doc::inner(&["One module per operation: its input, output and errors.".to_string()]);
    let modules = service.operations.iter().map(|op| {
        let module = ident(&op.module);
        let summary = crate::model::docs::summary(&op.docs).unwrap_or_else(|| format!("The `{}` operation.", op.name));
        let docs = doc::outer(&[summary]);
        quote! { #docs pub mod #module; }
    });
    quote! { #docs #(#modules)* }
}

/// `operation/<name>.rs`.
pub fn module(service: &Service, op: &Operation) -> TokenStream {
    let cx = FileCx::new(service, Placement::Operation(op.name.clone()));
    let mut module_docs = vec![format!("The {} operation.", doc::code(&op.name))];
    if !op.docs.is_empty() {
        module_docs.push(String::new());
        module_docs.extend(op.docs.iter().cloned());
    }
    let module_docs = doc::inner(&module_docs);

    let marker = ident(&op.rust_name);
    let mut marker_docs = op.docs.clone();
    if marker_docs.is_empty() {
        marker_docs.push(format!("The `{}` operation.", op.name));
    }
    if op.deprecated {
        doc::push_paragraph(&mut marker_docs, "**Deprecated.**".to_string());
    }
    let marker_docs = doc::outer(&marker_docs);
    let operation_trait = cx.runtime("Operation");
    let io_type = |id: &Option<String>| match id {
        Some(id) => cx.named(id),
        None => cx.runtime("Unit"),
    };
    let (input, output) = (io_type(&op.input), io_type(&op.output));
    let schema = |id: &Option<String>| super::validation::schema_static(&cx, id.as_deref());
    let (input_schema, output_schema) = (schema(&op.input), schema(&op.output));
    let structure = cx.runtime("validate::Structure");
    let error_enum = ident(&op.error_enum);
    let wire_name = &op.name;

    let owned = service.shapes.values().filter(|s| s.placement == Placement::Operation(op.name.clone()));
    let owned: Vec<TokenStream> = owned.map(|s| model::shape(&cx, s)).collect();
    let errors = error_enum_items(&cx, op);
    let uses = cx.uses();
    quote! {
        #module_docs
        #uses

        #marker_docs
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct #marker;

        impl #operation_trait for #marker {
            const NAME: &'static str = #wire_name;
            type Input = #input;
            type Output = #output;
            type Error = #error_enum;
            const INPUT_SCHEMA: &'static #structure = #input_schema;
            const OUTPUT_SCHEMA: &'static #structure = #output_schema;
        }

        #(#owned)*
        #errors
    }
}

fn error_enum_items(cx: &FileCx<'_>, op: &Operation) -> TokenStream {
    let fmt = cx.std("fmt");
    let name = ident(&op.error_enum);
    let docs = doc::outer(&[format!("The errors {} can return.", doc::code(&op.name))]);
    let variants: Vec<_> = op.errors.iter().map(|e| ident(&e.variant)).collect();
    let types: Vec<_> = op.errors.iter().map(|e| cx.named(&e.id)).collect();
    let variant_docs = op.errors.iter().map(|e| {
        let shape = &cx.service.shapes[&e.id];
        let line = crate::model::docs::summary(&shape.docs).unwrap_or_else(|| format!("A `{}` error.", shape.name));
        doc::outer(&[line])
    });
    let unmodelled = ident(&op.unmodelled_variant);
    let unmodelled_type = cx.runtime("UnmodelledError");
    let from = cx.std("convert::From");
    let response_methods = super::protocol::spoken(cx.service)
        .into_iter()
        .map(|spoken| spoken.emit.error_response(cx, op, &spoken.names, &variants, &unmodelled));
    let response_methods: Vec<TokenStream> = response_methods.collect();
    quote! {
        #docs
        // Errors are the rare path, and boxing them would burden every
        // handler that returns one; size differences are accepted.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #( #variant_docs #variants(#types), )*
            /// An error the model does not list for this operation, such as the
            /// `ValidationException` or `ThrottlingException` AWS services share.
            #unmodelled(#unmodelled_type),
        }

        impl #name {
            #(#response_methods)*
        }

        impl #fmt::Display for #name {
            fn fmt(&self, f: &mut #fmt::Formatter<'_>) -> #fmt::Result {
                match self {
                    #(Self::#variants(error) => #fmt::Display::fmt(error, f),)*
                    Self::#unmodelled(error) => #fmt::Display::fmt(error, f),
                }
            }
        }

        impl std::error::Error for #name {}

        #(
            impl #from<#types> for #name {
                fn from(error: #types) -> Self {
                    Self::#variants(error)
                }
            }
        )*

        impl #from<#unmodelled_type> for #name {
            fn from(error: #unmodelled_type) -> Self {
                Self::#unmodelled(error)
            }
        }
    }
}
