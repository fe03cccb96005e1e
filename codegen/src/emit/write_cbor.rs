//! Generated CBOR writers: `impl runtime::protocol::cbor::WriteCbor` for
//! every shape an RPC v2 CBOR server writes, so that a response body is
//! written straight into its buffer, member by member (as `write.rs` does
//! for JSON). Structures also implement `WriteCborMembers`, which counts
//! the members present first (CBOR maps here have definite lengths), so
//! that an error's `__type` can join them. A member's key is its name,
//! encoded as a CBOR text string when the crate is generated.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::rust::{FileCx, ident};
use crate::ir::{Member, Shape, ShapeKind};

/// The CBOR writer impls of `shape`, for the shapes a server writes.
pub fn write_impl(cx: &FileCx<'_>, shape: &Shape) -> Option<TokenStream> {
    if !shape.direction.written {
        return None;
    }
    let name = ident(&shape.rust_name);
    let (write_cbor, cbor_writer) = (cx.runtime("protocol::cbor::WriteCbor"), cx.runtime("protocol::cbor::CborWriter"));
    Some(match &shape.kind {
        ShapeKind::Structure(s) => {
            let write_members = cx.runtime("protocol::cbor::WriteCborMembers");
            let u64 = cx.std("primitive::u64");
            let members: Vec<&Member> = s.members.iter().filter(|m| m.in_document()).collect();
            let (terms, writes) = members_writes(cx, &members);
            // A structure with no members writes an empty map.
            let out = if writes.is_empty() {
                quote! { _out }
            } else {
                quote! { out }
            };
            quote! {
                impl #write_members for #name {
                    fn member_count(&self) -> #u64 {
                        #(#terms)+*
                    }

                    fn write_members(&self, #out: &mut #cbor_writer) {
                        #(#writes)*
                    }
                }

                impl #write_cbor for #name {
                    fn write_cbor(&self, out: &mut #cbor_writer) {
                        out.members(self);
                    }
                }
            }
        }
        ShapeKind::Union(members) => {
            let arms = members.iter().map(|m| {
                let variant = ident(&m.rust_name);
                let key = encoded_key(m);
                quote! {
                    Self::#variant(value) => {
                        out.key(#key);
                        #write_cbor::write_cbor(value, out);
                    }
                }
            });
            quote! {
                impl #write_cbor for #name {
                    fn write_cbor(&self, out: &mut #cbor_writer) {
                        out.map(1);
                        match self {
                            #(#arms)*
                        }
                    }
                }
            }
        }
        // Maps keyed by an enum write its values as their keys, by its
        // `AsRef<str>` ([`key_as_ref`]).
        ShapeKind::Enum(_) => quote! {
            impl #write_cbor for #name {
                fn write_cbor(&self, out: &mut #cbor_writer) {
                    out.text(self.as_str());
                }
            }
        },
    })
}

/// How `members` are written into a map: the terms whose sum is how many
/// are present (the required ones, then one for each optional one set, on
/// `self`), and each one's write into `out`.
pub fn members_writes(cx: &FileCx<'_>, members: &[&Member]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let write_cbor = cx.runtime("protocol::cbor::WriteCbor");
    let u64 = cx.std("primitive::u64");
    let (required, optional): (Vec<&Member>, Vec<&Member>) = members.iter().copied().partition(|m| !m.is_optional());
    let mut terms: Vec<TokenStream> = Vec::new();
    if !required.is_empty() || optional.is_empty() {
        let required = required.len() as u64;
        terms.push(quote! { #required });
    }
    terms.extend(optional.iter().map(|m| {
        let field = ident(&m.rust_name);
        quote! { #u64::from(self.#field.is_some()) }
    }));
    let writes = members.iter().map(|m| {
        let field = ident(&m.rust_name);
        let key = encoded_key(m);
        if m.is_optional() {
            let some = cx.std("option::Option::Some");
            quote! {
                if let #some(value) = &self.#field {
                    out.key(#key);
                    #write_cbor::write_cbor(value, out);
                }
            }
        } else {
            quote! {
                out.key(#key);
                #write_cbor::write_cbor(&self.#field, out);
            }
        }
    });
    (terms, writes.collect())
}

/// A member's key as the writer takes it: its name as a whole CBOR text
/// string, a byte string literal whose head is written in hexadecimal and
/// its text as it reads (`b"\x6aMetricName"`).
fn encoded_key(m: &Member) -> Literal {
    let name = m.name.as_bytes();
    let length = name.len();
    // A text string's head: major type 3, its length in the fewest bytes.
    let mut head = Vec::with_capacity(9);
    match length {
        0..24 => head.push(0x60 | length as u8),
        24..=0xff => head.extend_from_slice(&[0x78, length as u8]),
        0x100..=0xffff => {
            head.push(0x79);
            head.extend_from_slice(&(length as u16).to_be_bytes());
        }
        _ => {
            head.push(0x7a);
            head.extend_from_slice(&(length as u32).to_be_bytes());
        }
    }
    let mut text: String = head.iter().map(|byte| format!("\\x{byte:02x}")).collect();
    text.extend(name.iter().flat_map(|&byte| std::ascii::escape_default(byte)).map(char::from));
    format!("b\"{text}\"").parse().expect("a byte string literal")
}
