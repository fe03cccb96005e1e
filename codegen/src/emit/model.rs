//! Structures, unions and enums: the `types` and `error` modules, and the
//! inputs and outputs in operation modules.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::rust::{FileCx, ident};
use crate::ir::{Alias, Default, Member, Placement, Protocol, Service, Shape, ShapeKind, Structure, Type};

/// The generated crate's feature that derives `Serialize` and `Deserialize`
/// for every type, whichever way a server moves it.
pub const FULL_SERDE: &str = "full-serde";

/// `shape`'s serde derives, under [`FULL_SERDE`]: a server reads through
/// the generated readers (`emit::read`) and writes through the generated
/// writers (`emit::write`), so serde is for everyone else. They are written
/// by full path, so that the file imports nothing it may not use.
fn serde_derives() -> TokenStream {
    quote! { #[cfg_attr(feature = #FULL_SERDE, derive(::serde::Serialize, ::serde::Deserialize))] }
}

/// A `#[serde(..)]` attribute, under the feature as the derives are.
fn serde_attr(parts: TokenStream) -> TokenStream {
    quote! { #[cfg_attr(feature = #FULL_SERDE, serde(#parts))] }
}

pub fn modules(service: &Service) -> Vec<(&'static str, TokenStream)> {
    let mut out = Vec::new();
    for (file, placement, title) in [
        ("types.rs", Placement::Types, "Structures, unions and enums shared by the operations."),
        ("error.rs", Placement::Errors, "The errors the operations can return."),
    ] {
        let cx = FileCx::new(service, placement.clone());
        let mut items: Vec<TokenStream> =
            service.shapes.values().filter(|s| s.placement == placement).map(|s| shape(&cx, s)).collect();
        if placement == Placement::Types {
            items.extend(service.aliases.values().map(|a| alias(&cx, a)));
        }
        if items.is_empty() {
            continue;
        }
        let docs = doc::inner(&[title.to_string()]);
        let uses = cx.uses();
        out.push((file, quote! { #docs #uses #(#items)* }));
    }
    out
}

/// A list or map shape written as a type alias.
fn alias(cx: &FileCx<'_>, alias: &Alias) -> TokenStream {
    let mut lines = alias.docs.clone();
    doc::push_paragraph(
        &mut lines,
        format!(
            "The model's {}, named here because the types that hold it would be too deep to spell out.",
            doc::code(&alias.name)
        ),
    );
    let docs = doc::outer(&lines);
    let name = ident(&alias.rust_name);
    let ty = cx.inline_ty(&alias.ty);
    quote! {
        #docs
        pub type #name = #ty;
    }
}

/// The Rust items of one shape.
pub fn shape(cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
    let items = match &shape.kind {
        ShapeKind::Structure(s) => structure(cx, shape, s),
        ShapeKind::Union(members) => union(cx, shape, members),
        ShapeKind::Enum(_) => enumeration(cx, shape),
    };
    let read = super::read::read_impl(cx, shape);
    let events = super::event::impls(cx, shape);
    // Each protocol's impls, once where protocols share them.
    let mut kinds = Vec::new();
    let protocols = super::protocol::spoken(cx.service).into_iter().filter_map(|spoken| {
        let kind = spoken.emit.shape_impls_kind();
        (!kinds.contains(&kind)).then(|| {
            kinds.push(kind);
            spoken.emit.shape_impls(cx, shape)
        })
    });
    let protocols: Vec<TokenStream> = protocols.collect();
    let as_ref = kinds.iter().any(|kind| matches!(*kind, "json" | "cbor" | "rest-json"));
    let as_ref = as_ref.then(|| super::write::key_as_ref(cx, shape)).flatten();
    quote! { #items #read #(#protocols)* #as_ref #events }
}

fn shape_docs(cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
    let mut lines = shape.docs.clone();
    if lines.is_empty() {
        let role = cx.service.operations.iter().find_map(|op| {
            if op.input.as_deref() == Some(shape.id.as_str()) {
                Some(format!("The input of the {} operation.", doc::code(&op.name)))
            } else if op.output.as_deref() == Some(shape.id.as_str()) {
                Some(format!("The output of the {} operation.", doc::code(&op.name)))
            } else {
                None
            }
        });
        lines.push(role.unwrap_or_else(|| format!("The {} shape.", doc::code(&shape.name))));
    }
    if shape.deprecated {
        doc::push_paragraph(&mut lines, "**Deprecated.**".to_string());
    }
    if shape.sensitive {
        doc::push_paragraph(&mut lines, "Sensitive: `Debug` never prints its contents.".to_string());
    }
    doc::outer(&lines)
}

fn structure(cx: &FileCx<'_>, shape: &Shape, s: &Structure) -> TokenStream {
    let name = ident(&shape.rust_name);
    let docs = shape_docs(cx, shape);
    let redact = |m: &Member| shape.sensitive || m.sensitive;
    let derive_debug = !s.members.iter().any(redact);
    let derive_default = s.members.iter().all(Member::takes_rust_default);
    // A stream is read once: it cannot be cloned or compared, so neither can
    // the structure that holds it (only an operation's input or output may).
    let holds_stream = s.members.iter().any(|m| matches!(m.ty.ty, Type::ByteStream | Type::EventStream(_)));

    let mut default_fns = Vec::new();
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        let wire = m.json_key();
        let docs = doc::outer(&doc::member(m, target_docs(cx, m), s.error.is_some()));
        let mut ty = cx.ty(&m.ty);
        if m.boxed {
            let boxed = cx.std("boxed::Box");
            ty = quote! { #boxed<#ty> };
        }
        // The serde attribute, built from its parts.
        let mut parts = vec![quote! { rename = #wire }];
        if !m.in_document() {
            // Events and byte streams travel outside the JSON document.
            parts.push(quote! { skip });
        } else if m.is_optional() {
            ty = cx.option(ty);
            let is_none = format!("{}::is_none", cx.item_path("std::option::Option"));
            parts.push(quote! { default });
            parts.push(quote! { skip_serializing_if = #is_none });
        } else if let Some(default) = &m.default {
            match &m.default_fn {
                None => parts.push(quote! { default }),
                Some(function) => {
                    let fn_ident = ident(function);
                    let value = default_expr(cx, m, default);
                    // `Deserialize` calls it; the generated reader too, for
                    // the shapes a server reads, but not for a required
                    // member (absent is a violation, not the default).
                    let unused = (!shape.direction.read || m.required).then(|| {
                        quote! { #[cfg_attr(not(feature = #FULL_SERDE), allow(dead_code))] }
                    });
                    default_fns.push(quote! {
                        #unused
                        fn #fn_ident() -> #ty { #value }
                    });
                    let path = format!("{}::{function}", shape.rust_name);
                    parts.push(quote! { default = #path });
                }
            }
        }
        // Floats need awsJson's strings for NaN and the infinities.
        if matches!(m.ty.ty, Type::Float | Type::Double) {
            let with = if m.is_optional() { "crate::runtime::float::option" } else { "crate::runtime::float" };
            parts.push(quote! { with = #with });
        }
        let serde = serde_attr(quote! { #(#parts),* });
        quote! { #docs #serde pub #field: #ty }
    });
    let fields: Vec<TokenStream> = fields.collect();

    let mut derives = Vec::new();
    if !holds_stream {
        derives.push(quote! { Clone });
    }
    if derive_debug {
        derives.push(quote! { Debug });
    }
    if derive_default {
        derives.push(quote! { Default });
    }
    if !holds_stream {
        derives.push(quote! { PartialEq });
    }
    let gated_serde = serde_derives();
    let debug_impl = (!derive_debug).then(|| {
        let fmt = cx.std("fmt");
        let redacted = cx.runtime("Redacted");
        let wire_name = &shape.rust_name;
        let entries = s.members.iter().map(|m| {
            let field = ident(&m.rust_name);
            let label = m.rust_name.trim_start_matches("r#");
            if redact(m) {
                quote! { .field(#label, &#redacted) }
            } else {
                quote! { .field(#label, &self.#field) }
            }
        });
        quote! {
            impl #fmt::Debug for #name {
                fn fmt(&self, f: &mut #fmt::Formatter<'_>) -> #fmt::Result {
                    f.debug_struct(#wire_name) #(#entries)* .finish()
                }
            }
        }
    });
    let error_impls = s.error.as_ref().map(|info| {
        let fmt = cx.std("fmt");
        let (error_shape, fault) = (cx.runtime("ErrorShape"), cx.runtime("Fault"));
        let wire_name = &shape.name;
        let status = proc_macro2::Literal::u16_unsuffixed(info.http_status);
        let fault_variant = match info.fault {
            crate::ir::Fault::Client => quote! { Client },
            crate::ir::Fault::Server => quote! { Server },
        };
        let message = s.members.iter().find(|m| m.name.eq_ignore_ascii_case("message") && m.ty.ty == Type::String);
        let option = cx.std("option::Option");
        let (some, none) = cx.some_none();
        let message_expr = match message {
            Some(m) if m.is_optional() => {
                let field = ident(&m.rust_name);
                quote! { self.#field.as_deref() }
            }
            Some(m) => {
                let field = ident(&m.rust_name);
                quote! { #some(&self.#field) }
            }
            // An XML error without members (S3's) sends the first sentence
            // of its docs as its message, as S3 sends its documented one.
            None => {
                let xml = cx.service.protocols.iter().any(|protocol| protocol.is_xml());
                match first_sentence(&shape.docs).filter(|_| xml && s.members.is_empty()) {
                    Some(sentence) => quote! { #some(#sentence) },
                    None => quote! { #none },
                }
            }
        };
        // A sensitive message is never shown, not even by Display.
        let display = if let Some(m) = message.filter(|m| !redact(m)) {
            let with_message = format!("{wire_name}: {{}}");
            let field = ident(&m.rust_name);
            if m.is_optional() {
                quote! {
                    match &self.#field {
                        #some(message) => write!(f, #with_message, message),
                        #none => f.write_str(#wire_name),
                    }
                }
            } else {
                quote! { write!(f, #with_message, self.#field) }
            }
        } else {
            quote! { f.write_str(#wire_name) }
        };
        let shape_id = &shape.id;
        // awsQuery and ec2Query services send the error's awsQuery code,
        // and awsQuery-compatible services send it too.
        let query_protocol =
            cx.service.protocols.iter().any(|protocol| matches!(protocol, Protocol::AwsQuery | Protocol::Ec2Query));
        let query_code = (cx.service.query_compatible || query_protocol).then(|| {
            let code = info.query_code.as_deref().unwrap_or(wire_name);
            quote! { const QUERY_CODE: #option<&'static str> = #some(#code); }
        });
        // Where a query protocol follows another, its own status.
        let query_status = info.query_status.filter(|status| *status != info.http_status).map(|status| {
            let status = proc_macro2::Literal::u16_unsuffixed(status);
            quote! { const QUERY_STATUS: #option<u16> = #some(#status); }
        });
        quote! {
            impl #fmt::Display for #name {
                fn fmt(&self, f: &mut #fmt::Formatter<'_>) -> #fmt::Result {
                    #display
                }
            }

            impl std::error::Error for #name {}

            impl #error_shape for #name {
                const NAME: &'static str = #wire_name;
                const SHAPE_ID: &'static str = #shape_id;
                const FAULT: #fault = #fault::#fault_variant;
                const HTTP_STATUS: u16 = #status;
                #query_code
                #query_status

                fn message(&self) -> #option<&str> {
                    #message_expr
                }
            }
        }
    });
    let default_impl = (!default_fns.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#default_fns)*
            }
        }
    });
    quote! {
        #docs
        #[derive(#(#derives),*)]
        #gated_serde
        pub struct #name {
            #(#fields,)*
        }
        #default_impl
        #debug_impl
        #error_impls
    }
}

/// An expression for a non-zero default value.
fn default_expr(cx: &FileCx<'_>, m: &Member, default: &Default) -> TokenStream {
    match default {
        Default::Boolean(b) => quote! { #b },
        // The model's number, exactly as written, checked when the crate is built.
        Default::Number(n) if matches!(m.ty.ty, Type::BigInteger | Type::BigDecimal) => {
            let ty = cx.ty(&m.ty);
            // A whole number the model read as a float is written out whole.
            let text = match (&m.ty.ty, n.as_f64()) {
                (Type::BigInteger, Some(f)) if n.is_f64() => format!("{f:.0}"),
                _ => n.to_string(),
            };
            quote! { #ty::from_static(#text) }
        }
        Default::Number(n) => {
            let literal: TokenStream = match &m.ty.ty {
                Type::Float | Type::Double if !n.to_string().contains('.') => format!("{n}.0"),
                _ => n.to_string(),
            }
            .parse()
            .expect("a number literal");
            quote! { #literal }
        }
        Default::String(s) => quote! { #s.to_string() },
        Default::EnumValue(value) => {
            let Type::Named(id) = &m.ty.ty else { unreachable!("enum defaults are on enum members") };
            let ShapeKind::Enum(values) = &cx.service.shapes[id].kind else { unreachable!() };
            let variant = ident(&values.iter().find(|v| v.value == *value).expect("checked by resolve").rust_name);
            let ty = cx.named(id);
            quote! { #ty::#variant }
        }
        Default::Document(value) => document_expr(cx, value),
        Default::EmptyList | Default::EmptyMap => {
            let default = cx.std("default::Default");
            quote! { #default::default() }
        }
        Default::Blob(bytes) => {
            let blob = cx.runtime("Blob");
            let bytes = proc_macro2::Literal::byte_string(bytes);
            quote! { #blob::new(#bytes.as_slice()) }
        }
        Default::Timestamp(seconds, nanos) => {
            let timestamp = cx.runtime("Timestamp");
            let (seconds, nanos) =
                (proc_macro2::Literal::i64_unsuffixed(*seconds), proc_macro2::Literal::u32_unsuffixed(*nanos));
            quote! { #timestamp::from_parts(#seconds, #nanos).expect("a timestamp the generator checked") }
        }
    }
}

/// An expression that builds `value` as a `runtime::Document` (a JSON
/// value), variant by variant, so generated code needs no JSON parser.
fn document_expr(cx: &FileCx<'_>, value: &serde_json::Value) -> TokenStream {
    use serde_json::Value;
    let document = cx.runtime("Document");
    match value {
        Value::Null => quote! { #document::Null },
        Value::Bool(b) => quote! { #document::Bool(#b) },
        Value::Number(n) => {
            let literal: TokenStream = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => format!("{u}u64"),
                (None, Some(i)) => format!("{i}i64"),
                _ => format!("{:?}f64", n.as_f64().unwrap_or_default()),
            }
            .parse()
            .expect("a number literal");
            quote! { #document::from(#literal) }
        }
        Value::String(s) => quote! { #document::String(#s.to_string()) },
        Value::Array(items) => {
            let vec = cx.std("vec::Vec");
            if items.is_empty() {
                return quote! { #document::Array(#vec::new()) };
            }
            let items = items.iter().map(|v| document_expr(cx, v));
            quote! { #document::Array(#vec::from([#(#items),*])) }
        }
        Value::Object(map) if map.is_empty() => {
            let default = cx.std("default::Default");
            quote! { #document::Object(#default::default()) }
        }
        Value::Object(map) => {
            let keys = map.keys();
            let values = map.values().map(|v| document_expr(cx, v));
            let iterator = cx.std("iter::IntoIterator");
            let collect = cx.std("iter::Iterator");
            quote! { #document::Object(#collect::collect(#iterator::into_iter([#((#keys.to_string(), #values)),*]))) }
        }
    }
}

fn union(cx: &FileCx<'_>, shape: &Shape, members: &[Member]) -> TokenStream {
    let name = ident(&shape.rust_name);
    let docs = shape_docs(cx, shape);
    let redact = shape.sensitive || members.iter().any(|m| m.sensitive);
    let variants = members.iter().map(|m| {
        let variant = ident(&m.rust_name);
        let wire = m.json_key();
        let docs = doc::outer(&doc::member(m, target_docs(cx, m), false));
        let mut ty = cx.ty(&m.ty);
        if m.boxed {
            let boxed = cx.std("boxed::Box");
            ty = quote! { #boxed<#ty> };
        }
        if matches!(m.ty.ty, Type::Float | Type::Double) {
            let serde = serde_attr(quote! { rename = #wire, with = "crate::runtime::float" });
            quote! { #docs #serde #variant(#ty) }
        } else {
            let serde = serde_attr(quote! { rename = #wire });
            quote! { #docs #serde #variant(#ty) }
        }
    });
    let variants: Vec<TokenStream> = variants.collect();
    let debug_impl = redact.then(|| {
        let fmt = cx.std("fmt");
        let redacted = cx.runtime("Redacted");
        let arms = members.iter().map(|m| {
            let variant = ident(&m.rust_name);
            let label = &m.rust_name;
            if shape.sensitive || m.sensitive {
                quote! { Self::#variant(_) => f.debug_tuple(#label).field(&#redacted).finish() }
            } else {
                quote! { Self::#variant(value) => f.debug_tuple(#label).field(value).finish() }
            }
        });
        quote! {
            impl #fmt::Debug for #name {
                fn fmt(&self, f: &mut #fmt::Formatter<'_>) -> #fmt::Result {
                    match self { #(#arms,)* }
                }
            }
        }
    });
    let gated_serde = serde_derives();
    let derives = if redact {
        quote! { #[derive(Clone, PartialEq)] #gated_serde }
    } else {
        quote! { #[derive(Clone, Debug, PartialEq)] #gated_serde }
    };
    quote! {
        #docs
        // A union holds one member by value, as the model has it; boxing the
        // large ones would cost an allocation per value and a `Box` in every
        // match, so size differences between members are accepted.
        #[allow(clippy::large_enum_variant)]
        #derives
        pub enum #name {
            #(#variants,)*
        }
        #debug_impl
    }
}

fn enumeration(cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
    let ShapeKind::Enum(values) = &shape.kind else { unreachable!() };
    let gated_serde = serde_derives();
    let fmt = cx.std("fmt");
    let from_str = cx.std("str::FromStr");
    let result = cx.std("result::Result");
    let (ok, err) = (cx.std("result::Result::Ok"), cx.std("result::Result::Err"));
    let unknown = cx.runtime("UnknownEnumValue");
    let name = ident(&shape.rust_name);
    let docs = shape_docs(cx, shape);
    let wire_name = &shape.name;
    let variants: Vec<_> = values.iter().map(|v| ident(&v.rust_name)).collect();
    let wire_values: Vec<&String> = values.iter().map(|v| &v.value).collect();
    let variant_serde: Vec<TokenStream> =
        wire_values.iter().map(|wire| serde_attr(quote! { rename = #wire })).collect();
    let variant_docs = values.iter().map(|v| {
        let mut lines = vec![format!("{}.", doc::code(&v.value))];
        if !v.docs.is_empty() {
            lines.push(String::new());
            lines.extend(v.docs.iter().cloned());
        }
        if v.deprecated {
            doc::push_paragraph(&mut lines, "**Deprecated.**".to_string());
        }
        doc::outer(&lines)
    });
    let debug = if shape.sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let debug_impl = shape.sensitive.then(|| {
        let redacted = cx.runtime("Redacted");
        quote! {
            impl #fmt::Debug for #name {
                fn fmt(&self, f: &mut #fmt::Formatter<'_>) -> #fmt::Result {
                    #fmt::Debug::fmt(&#redacted, f)
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Copy, #debug PartialEq, Eq, PartialOrd, Ord, Hash)]
        #gated_serde
        pub enum #name {
            #( #variant_docs #variant_serde #variants, )*
        }

        impl #name {
            /// Every value, in model order.
            pub const VALUES: &'static [#name] = &[#(Self::#variants),*];

            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    #(Self::#variants => #wire_values,)*
                }
            }
        }

        impl #fmt::Display for #name {
            fn fmt(&self, f: &mut #fmt::Formatter<'_>) -> #fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #from_str for #name {
            type Err = #unknown;

            fn from_str(value: &str) -> #result<Self, Self::Err> {
                match value {
                    #(#wire_values => #ok(Self::#variants),)*
                    _ => #err(#unknown { enum_name: #wire_name, value: value.to_string() }),
                }
            }
        }

        #debug_impl
    }
}

/// The docs of the shape a member targets, if the model names one.
fn target_docs<'a>(cx: &FileCx<'a>, member: &Member) -> &'a [String] {
    let service = cx.service;
    let target = &member.ty.target;
    match service.shapes.get(target) {
        Some(shape) => &shape.docs,
        None => service.collection_docs.get(target).map_or(&[], |docs| docs),
    }
}

/// The summary of `docs` if it is plain text (no links, code or markup):
/// what an XML error without members says.
fn first_sentence(docs: &[String]) -> Option<String> {
    crate::model::docs::summary(docs).filter(|sentence| !sentence.contains(['[', '`', '<', '*', '_', '\\']))
}
