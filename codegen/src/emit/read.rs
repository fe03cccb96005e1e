//! Generated readers: `impl runtime::validate::Read` for every shape a
//! server reads, so that a request body becomes a typed, validated input in
//! one pass with no serde visitor in between.
//!
//! A structure's reader loops over the object's members, matching each key
//! once against the structure's static table (its members in the order of
//! `validation.rs`), and reads each value with its member's schema. Unions
//! and enums are read through the runtime's checked serde deserializer.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::model::FULL_SERDE;
use super::protocol::rest::{InputPart, input_part};
use super::rust::{FileCx, ident};
use crate::ir::{Member, Shape, ShapeKind, Structure};

/// The `Read` impl of `shape`, if it has a validation table: for the
/// shapes a server reads always, for the others (outputs, read by clients
/// and proxies) under the `full-serde` feature, which they need for their
/// placeholders.
pub fn read_impl(cx: &FileCx<'_>, shape: &Shape) -> Option<TokenStream> {
    if !cx.service.validation.shapes.contains_key(&shape.id) {
        return None;
    }
    if shape.direction.read {
        Some(impls(cx, shape, None))
    } else {
        Some(cx.under_full_serde(|| impls(cx, shape, Some(quote! { #[cfg(feature = #FULL_SERDE)] }))))
    }
}

/// The `Read` impl of `shape` (and `Key`, for an enum), each under `gate`.
fn impls(cx: &FileCx<'_>, shape: &Shape, gate: Option<TokenStream>) -> TokenStream {
    let name = ident(&shape.rust_name);
    let (read, reader, schema, stop) = (
        cx.runtime("validate::Read"),
        cx.runtime("validate::Reader"),
        cx.runtime("validate::Schema"),
        cx.runtime("validate::Stop"),
    );
    let result = cx.std("result::Result");
    let option = cx.std("option::Option");
    // Enums may key maps.
    let key = matches!(shape.kind, ShapeKind::Enum(_)).then(|| {
        let (key, string) = (cx.runtime("validate::Key"), cx.std("string::String"));
        quote! {
            #gate
            impl #key for #name {
                fn from_key(text: #string) -> #option<Self> {
                    text.parse().ok()
                }
            }
        }
    });
    let body = match &shape.kind {
        ShapeKind::Structure(s) => structure(cx, s),
        ShapeKind::Enum(_) => quote! { reader.enumeration(schema) },
        ShapeKind::Union(members) => union(cx, members),
    };
    quote! {
        #gate
        impl #read for #name {
            fn read(reader: &mut #reader<'_>, schema: #schema) -> #result<#option<Self>, #stop> {
                #body
            }
        }
        #key
    }
}

/// A structure's reader: `member_N` holds what was read of table member N.
fn structure(cx: &FileCx<'_>, s: &Structure) -> TokenStream {
    let in_table: Vec<&Member> = s.members.iter().filter(|m| m.in_document()).collect();
    let all: Vec<usize> = (0..in_table.len()).collect();
    let read_members = members_loop(cx, &in_table, &all, Member::json_key);
    reader_body(cx, s, read_members, None)
}

/// The `ReadHttp` impl of a REST operation's input: the members bound to
/// the request's head from the runtime's source of them, then those of the
/// body, or the body as the `@httpPayload` member.
pub fn http_input(cx: &FileCx<'_>, shape: &Shape) -> Option<TokenStream> {
    let ShapeKind::Structure(s) = &shape.kind else { return None };
    let reader = MessageReader { trait_path: "validate::ReadHttp", method: "read_http", body: "body" };
    Some(reader.emit(cx, shape, s, input_part))
}

/// The reader of a message (an HTTP request, an event): what it
/// implements, and the name of its body.
pub struct MessageReader {
    /// The runtime trait, by its path in the runtime.
    pub trait_path: &'static str,
    pub method: &'static str,
    /// The body argument's name.
    pub body: &'static str,
}

impl MessageReader {
    /// The impl for structure `s` of `shape`, each member read from the
    /// part `part_of` says.
    pub fn emit(
        &self,
        cx: &FileCx<'_>,
        shape: &Shape,
        s: &Structure,
        part_of: impl Fn(&Member) -> InputPart,
    ) -> TokenStream {
        let name = ident(&shape.rust_name);
        let (read_http, reader, schema, stop) = (
            cx.runtime(self.trait_path),
            cx.runtime("validate::Reader"),
            cx.runtime("validate::Schema"),
            cx.runtime("validate::Stop"),
        );
        let (method, body_arg) = (ident(self.method), ident(self.body));
        let (result, option) = (cx.std("result::Result"), cx.std("option::Option"));
        let in_table: Vec<&Member> = s.members.iter().filter(|m| m.in_document()).collect();
        let mut head = Vec::new();
        let mut body = Vec::new();
        let mut payload = None;
        for (index, m) in in_table.iter().enumerate() {
            match part_of(m) {
                InputPart::Body => body.push(index),
                InputPart::DocumentPayload => payload = Some(index),
                InputPart::Head => head.push(index),
            }
        }
        let read_head = members_loop(cx, &in_table, &head, |m| m.name.as_str());
        let read_body = match payload {
            Some(index) => {
                let local = ident(&format!("member_{index}"));
                let literal = Literal::usize_unsuffixed(index);
                let ty = value_type(cx, in_table[index]);
                let option = cx.std("option::Option");
                quote! { let #local: #option<#ty> = object.payload(reader, #literal, #body_arg)?; }
            }
            None => {
                let loop_ = members_loop(cx, &in_table, &body, Member::json_key);
                quote! {
                    object.body(reader, #body_arg)?;
                    #loop_
                }
            }
        };
        let read = reader_body(cx, s, quote! { #read_head #read_body }, payload);
        quote! {
            impl #read_http for #name {
                fn #method<'j>(reader: &mut #reader<'j>, schema: #schema, #body_arg: &'j [u8]) -> #result<#option<Self>, #stop> {
                    #read
                }
            }
        }
    }
}

/// The loop over an object's members that reads those of `indices` (into
/// the table) by the key `key` gives them, and skips the others.
fn members_loop<'m>(
    cx: &FileCx<'_>,
    in_table: &[&'m Member],
    indices: &[usize],
    key: impl Fn(&'m Member) -> &'m str,
) -> TokenStream {
    let (some, none) = cx.some_none();
    let local = |index: usize| ident(&format!("member_{index}"));
    let arms = indices.iter().map(|&index| {
        let local = local(index);
        let index = Literal::usize_unsuffixed(index);
        quote! { #index => #local = object.value(reader, #index)?, }
    });
    // Two members may share a key (S3's CloudFunctionConfiguration, in
    // botocore's model: `Event` and the flattened `Events` items, both
    // `<Event>`): the first takes it.
    let mut seen = std::collections::BTreeSet::new();
    let names = indices.iter().filter(|&&index| seen.insert(key(in_table[index]))).map(|&index| {
        let (name, index) = (key(in_table[index]), Literal::usize_unsuffixed(index));
        quote! { #name => #some(#index), }
    });
    let lookup = if indices.is_empty() {
        quote! { |_| #none }
    } else {
        quote! { |name| match name { #(#names)* _ => #none } }
    };
    if indices.is_empty() {
        // With no members to read, every key is one the model does not have.
        return quote! { while object.next(reader, #lookup)?.is_some() {} };
    }
    quote! {
        while let #some(index) = object.next(reader, #lookup)? {
            match index {
                #(#arms)*
                _ => object.skip(reader)?,
            }
        }
    }
}

/// A structure reader around `read_members`, which reads into `member_N`
/// (the `payload` member's is declared where it is read).
fn reader_body(cx: &FileCx<'_>, s: &Structure, read_members: TokenStream, payload: Option<usize>) -> TokenStream {
    let ok = cx.std("result::Result::Ok");
    let option = cx.std("option::Option");
    let (some, none) = cx.some_none();
    let default = cx.std("default::Default");
    // Event streams travel outside the JSON document: they have no place
    // in the table, and the type gets an empty one.
    let in_table: Vec<&Member> = s.members.iter().filter(|m| m.in_document()).collect();
    let local = |index: usize| ident(&format!("member_{index}"));
    let declarations = in_table.iter().enumerate().filter(|(index, _)| Some(*index) != payload).map(|(index, m)| {
        let local = local(index);
        let ty = value_type(cx, m);
        quote! { let mut #local: #option<#ty> = #none; }
    });
    let required =
        in_table.iter().enumerate().take(128).filter(|(_, m)| m.required).fold(0u128, |mask, (i, _)| mask | 1 << i);
    // In binary, so that a reader sees which members are required.
    let required: TokenStream = if required == 0 {
        quote! { 0 }
    } else {
        format!("0b{required:b}").parse().expect("a binary literal")
    };
    let mut position = 0;
    let fields = s.members.iter().map(|m| {
        let field = ident(&m.rust_name);
        if !m.in_document() {
            return quote! { #field: #default::default() };
        }
        let local = local(position);
        position += 1;
        let value = if m.required || m.is_optional() {
            quote! { #local }
        } else if let Some(function) = &m.default_fn {
            let function = ident(function);
            quote! { #local.unwrap_or_else(Self::#function) }
        } else {
            quote! { #local.unwrap_or_default() }
        };
        quote! { #field: #value }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let unwraps = in_table.iter().enumerate().filter(|(_, m)| m.required).map(|(index, _)| {
        let local = local(index);
        quote! { let #some(#local) = #local else { return #ok(#none) }; }
    });
    quote! {
        let mut object = reader.object(schema)?;
        #(#declarations)*
        #read_members
        object.end(reader, #required)?;
        // A member that could not be built, or a required one that is
        // absent, leaves the structure unbuilt (the violation is recorded).
        if !object.built() {
            return #ok(#none);
        }
        #(#unwraps)*
        #ok(#some(Self { #(#fields),* }))
    }
}

/// The type a member's value is read as: the field's, without the `Option`
/// of an optional member.
fn value_type(cx: &FileCx<'_>, m: &Member) -> TokenStream {
    let ty = cx.ty(&m.ty);
    if m.boxed {
        let boxed = cx.std("boxed::Box");
        quote! { #boxed<#ty> }
    } else {
        ty
    }
}

/// A union's reader: the one member set, as its variant.
fn union(cx: &FileCx<'_>, members: &[Member]) -> TokenStream {
    let ok = cx.std("result::Result::Ok");
    let (some, none) = cx.some_none();
    let mut seen = std::collections::BTreeSet::new();
    let names = members.iter().enumerate().filter(|(_, m)| seen.insert(m.json_key())).map(|(index, m)| {
        let (key, index) = (m.json_key(), Literal::usize_unsuffixed(index));
        quote! { #key => #some(#index), }
    });
    let arms = members.iter().enumerate().map(|(index, m)| {
        let variant = ident(&m.rust_name);
        let index = Literal::usize_unsuffixed(index);
        quote! { #index => union.value(reader, #index)?.map(Self::#variant), }
    });
    quote! {
        let mut union = reader.union(schema)?;
        let mut value = #none;
        while let #some(index) = union.next(reader, |name| match name { #(#names)* _ => #none })? {
            value = match index {
                #(#arms)*
                _ => #none,
            };
        }
        union.end(reader)?;
        #ok(value)
    }
}
