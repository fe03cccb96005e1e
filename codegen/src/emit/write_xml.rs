//! Generated XML writers: `impl runtime::protocol::xml::WriteXml` for every
//! shape a server of an XML protocol (restXml, awsQuery, ec2Query) writes,
//! the XML twin of [`super::write`]. A value writes its element's content;
//! the place that holds it names the element, so list and map layouts
//! (wrapped or `@xmlFlattened`, their member, key and value names) are
//! written where they are, from the IR's XML names.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{FileCx, ident};
use crate::ir::{Binding, Member, Role, Shape, ShapeKind, Type, TypeRef, XmlNamespace};

/// The `WriteXml` impl of `shape`, for the shapes a server writes.
pub fn write_xml_impl(cx: &FileCx<'_>, shape: &Shape) -> Option<TokenStream> {
    if !shape.direction.written {
        return None;
    }
    let name = ident(&shape.rust_name);
    let (write_xml, xml_writer) = (cx.runtime("protocol::xml::WriteXml"), cx.runtime("protocol::xml::XmlWriter"));
    Some(match &shape.kind {
        ShapeKind::Structure(s) => {
            // An error's message is written by the runtime, as `Message`
            // (what AWS's SDKs read), with its code.
            let written_by_runtime = |m: &Member| s.error.is_some() && m.name.eq_ignore_ascii_case("message");
            // A restXml error's members bound to headers are not in its
            // document.
            let bound = |m: &Member| s.error.is_some() && *m.binding.in_role(Role::Error) != Binding::Body;
            let in_document = || {
                s.members.iter().filter(move |m| {
                    m.in_document() && m.ty.ty != Type::Document && !written_by_runtime(m) && !bound(m)
                })
            };
            let attributes: Vec<TokenStream> = in_document()
                .filter(|m| m.xml.as_ref().is_some_and(|x| x.attribute))
                .map(|m| attribute(cx, m))
                .collect();
            let elements = element_members(cx, in_document().filter(|m| !m.xml.as_ref().is_some_and(|x| x.attribute)));
            let attributes = (!attributes.is_empty()).then(|| {
                quote! {
                    fn write_attributes(&self, out: &mut #xml_writer) {
                        #(#attributes)*
                    }
                }
            });
            let out = if elements.is_empty() {
                quote! { _out }
            } else {
                quote! { out }
            };
            quote! {
                impl #write_xml for #name {
                    #attributes

                    fn write_xml(&self, #out: &mut #xml_writer) {
                        #(#elements)*
                    }
                }
            }
        }
        ShapeKind::Union(members) => {
            let arms = members.iter().map(|m| {
                let variant = ident(&m.rust_name);
                let write = place(cx, &m.ty, quote! { value }, member_name(m), member_namespace(m), flattened(m));
                quote! {
                    Self::#variant(value) => { #write }
                }
            });
            quote! {
                impl #write_xml for #name {
                    fn write_xml(&self, out: &mut #xml_writer) {
                        match self {
                            #(#arms)*
                        }
                    }
                }
            }
        }
        ShapeKind::Enum(_) => quote! {
            impl #write_xml for #name {
                fn write_xml(&self, out: &mut #xml_writer) {
                    out.text(self.as_str());
                }
            }
        },
    })
}

/// The statements that write `members` of `self` as child elements, each
/// an optional one only when it is set. Documents have no XML form (Smithy's
/// XML protocols do not support them) and are left out.
pub fn element_members<'a>(cx: &FileCx<'_>, members: impl Iterator<Item = &'a Member>) -> Vec<TokenStream> {
    members
        .map(|m| {
            let field = ident(&m.rust_name);
            if m.is_optional() {
                let some = cx.std("option::Option::Some");
                let write = place(cx, &m.ty, quote! { value }, member_name(m), member_namespace(m), flattened(m));
                quote! {
                    if let #some(value) = &self.#field {
                        #write
                    }
                }
            } else if matches!(m.ty.ty, Type::List(_) | Type::Map(..)) {
                // A collection is walked through a variable, as an
                // optional one is.
                let write = place(cx, &m.ty, quote! { value }, member_name(m), member_namespace(m), flattened(m));
                quote! {
                    {
                        let value = &self.#field;
                        #write
                    }
                }
            } else {
                place(cx, &m.ty, quote! { &self.#field }, member_name(m), member_namespace(m), flattened(m))
            }
        })
        .collect()
}

/// The statement that writes an `@xmlAttribute` member into its
/// structure's start tag.
pub fn attribute(cx: &FileCx<'_>, m: &Member) -> TokenStream {
    let field = ident(&m.rust_name);
    let name = member_name(m);
    if m.is_optional() {
        let some = cx.std("option::Option::Some");
        quote! {
            if let #some(value) = &self.#field {
                out.attribute(#name, value);
            }
        }
    } else {
        quote! { out.attribute(#name, &self.#field); }
    }
}

fn member_name(m: &Member) -> &str {
    m.xml.as_ref().map_or(&m.name, |xml| &xml.name)
}

fn member_namespace(m: &Member) -> Option<&XmlNamespace> {
    m.xml.as_ref().and_then(|xml| xml.namespace.as_ref())
}

fn flattened(m: &Member) -> bool {
    m.xml.as_ref().is_some_and(|xml| xml.flattened)
}

/// The statements that write `value` (a reference to the place's value: a
/// variable where it is a list or map) as the element `name`, laid out as its type asks: a list
/// as its items (each under `name` if `flattened`, else under their member
/// name inside `name`), a map as its entries (`entry` elements of key and
/// value, or each entry under `name` if `flattened`).
fn place(
    cx: &FileCx<'_>,
    ty: &TypeRef,
    value: TokenStream,
    name: &str,
    namespace: Option<&XmlNamespace>,
    flattened: bool,
) -> TokenStream {
    let item_name = |item: &TypeRef, default: &'static str| -> (String, Option<XmlNamespace>) {
        item.xml.as_ref().map_or((default.to_string(), None), |xml| (xml.name.clone(), xml.namespace.clone()))
    };
    match &ty.ty {
        Type::List(item) => {
            // A sparse list's absent items are left out: XML has no null.
            let items = if ty.sparse {
                quote! { #value.iter().flatten() }
            } else {
                quote! { #value.iter() }
            };
            if flattened {
                // Each item stands under the member's name, in the member's
                // namespace, else its own.
                let item_namespace = item.xml.as_ref().and_then(|xml| xml.namespace.as_ref());
                let write = place(cx, item, quote! { item }, name, namespace.or(item_namespace), false);
                quote! {
                    for item in #items {
                        #write
                    }
                }
            } else {
                let (member, member_namespace) = item_name(item, "member");
                let write = place(cx, item, quote! { item }, &member, member_namespace.as_ref(), false);
                let (open, close) = (open(cx, name, namespace), quote! { out.close(#name); });
                quote! {
                    #open
                    for item in #items {
                        #write
                    }
                    #close
                }
            }
        }
        Type::Map(key, item) => {
            let (key_name, key_namespace) = item_name(key, "key");
            let (value_name, value_namespace) = item_name(item, "value");
            let write_key = place(cx, key, quote! { key }, &key_name, key_namespace.as_ref(), false);
            let entries = if ty.sparse {
                {
                    let some = cx.std("option::Option::Some");
                    quote! { #value.iter().filter_map(|(key, value)| #some((key, value.as_ref()?))) }
                }
            } else {
                quote! { #value.iter() }
            };
            let write_value = place(cx, item, quote! { value }, &value_name, value_namespace.as_ref(), false);
            if flattened {
                let open = open(cx, name, namespace);
                quote! {
                    for (key, value) in #entries {
                        #open
                        #write_key
                        #write_value
                        out.close(#name);
                    }
                }
            } else {
                let open = open(cx, name, namespace);
                quote! {
                    #open
                    for (key, value) in #entries {
                        out.open("entry");
                        #write_key
                        #write_value
                        out.close("entry");
                    }
                    out.close(#name);
                }
            }
        }
        _ => match namespace {
            Some(XmlNamespace { uri, prefix }) => {
                let prefix = optional(cx, prefix.as_deref());
                quote! { out.element_in(#name, #uri, #prefix, #value); }
            }
            None => quote! { out.element(#name, #value); },
        },
    }
}

/// The statement that opens the element `name`, declaring `namespace`.
fn open(cx: &FileCx<'_>, name: &str, namespace: Option<&XmlNamespace>) -> TokenStream {
    match namespace {
        Some(XmlNamespace { uri, prefix }) => {
            let prefix = optional(cx, prefix.as_deref());
            quote! { out.open_in(#name, #uri, #prefix); }
        }
        None => quote! { out.open(#name); },
    }
}

/// `text` as an `Option<&str>` expression.
pub fn optional(cx: &FileCx<'_>, text: Option<&str>) -> TokenStream {
    let (some, none) = cx.some_none();
    match text {
        Some(text) => quote! { #some(#text) },
        None => none,
    }
}
