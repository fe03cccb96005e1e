//! Generated writers: `impl runtime::protocol::json::WriteJson` for every
//! shape a server writes, so that a response body is written straight into
//! its buffer, member by member, with no serde serializer in between.
//! Structures also implement `WriteMembers`, so that an error's `__type`
//! can join its members; restJson1 bodies are written by
//! [`body_members`], which leaves out the members bound elsewhere.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{FileCx, ident};
use crate::ir::{Member, Shape, ShapeKind};

/// The writer impls of `shape`, for the shapes a server writes.
pub fn write_impl(cx: &FileCx<'_>, shape: &Shape) -> Option<TokenStream> {
    if !shape.direction.written {
        return None;
    }
    let name = ident(&shape.rust_name);
    let (write_json, json_writer) = (cx.runtime("protocol::json::WriteJson"), cx.runtime("protocol::json::JsonWriter"));
    Some(match &shape.kind {
        ShapeKind::Structure(s) => {
            let (write_members, object_writer) =
                (cx.runtime("protocol::json::WriteMembers"), cx.runtime("protocol::json::ObjectWriter"));
            let writes = body_members(cx, s.members.iter().filter(|m| m.in_document()));
            // A structure with nothing in its document writes `{}`.
            let object = if writes.is_empty() {
                quote! { _object }
            } else {
                quote! { object }
            };
            quote! {
                impl #write_members for #name {
                    fn write_members(&self, #object: &mut #object_writer<'_>) {
                        #(#writes)*
                    }
                }

                impl #write_json for #name {
                    fn write_json(&self, out: &mut #json_writer) {
                        out.members(self);
                    }
                }
            }
        }
        ShapeKind::Union(members) => {
            let arms = members.iter().map(|m| {
                let variant = ident(&m.rust_name);
                let key = json_key(m);
                quote! {
                    Self::#variant(value) => object.member(#key, value),
                }
            });
            quote! {
                impl #write_json for #name {
                    fn write_json(&self, out: &mut #json_writer) {
                        let mut object = out.object();
                        match self {
                            #(#arms)*
                        }
                        object.end();
                    }
                }
            }
        }
        ShapeKind::Enum(values) => {
            // Each value as JSON text, quoted and escaped when generated.
            let arms = values.iter().map(|value| {
                let variant = ident(&value.rust_name);
                let json = serde_json::to_string(&value.value).expect("a string serialises");
                quote! { Self::#variant => #json, }
            });
            // Maps keyed by an enum write its values as their keys, by its
            // `AsRef<str>` ([`key_as_ref`]).
            quote! {
                impl #write_json for #name {
                    fn write_json(&self, out: &mut #json_writer) {
                        out.raw(match self {
                            #(#arms)*
                        });
                    }
                }
            }
        }
    })
}

/// The statements that write `members` of `self` into `object`: each under
/// its JSON key, an optional one only when it is set.
pub fn body_members<'a>(cx: &FileCx<'_>, members: impl Iterator<Item = &'a Member>) -> Vec<TokenStream> {
    members
        .map(|m| {
            let field = ident(&m.rust_name);
            let key = json_key(m);
            if m.is_optional() {
                let some = cx.std("option::Option::Some");
                quote! {
                    if let #some(value) = &self.#field {
                        object.member(#key, value);
                    }
                }
            } else {
                quote! { object.member(#key, &self.#field); }
            }
        })
        .collect()
}

/// `AsRef<str>` for an enum the JSON or CBOR writers write, whose maps
/// keyed by it write its values as their keys; once, whichever of them the
/// service's protocols use.
pub fn key_as_ref(cx: &FileCx<'_>, shape: &Shape) -> Option<TokenStream> {
    if !shape.direction.written || !matches!(shape.kind, ShapeKind::Enum(_)) {
        return None;
    }
    let (name, as_ref) = (ident(&shape.rust_name), cx.std("convert::AsRef"));
    Some(quote! {
        impl #as_ref<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    })
}

/// A member's key as the writer takes it: JSON text with its colon.
fn json_key(m: &Member) -> String {
    let quoted = serde_json::to_string(m.json_key()).expect("a string serialises");
    format!("{quoted}:")
}
