//! Generated event-stream readers and writers: a served stream's union
//! implements `runtime::event_stream::ReadEvents` (an input stream's) or
//! `WriteEvents` (an output stream's), which take each message to the
//! variant it is and back; each of its events implements `ReadEvent` or
//! `WriteEvent`, which lay its members out in the message: `@eventHeader`
//! members as typed headers, the `@eventPayload` member as the payload,
//! else the other members as a document of the protocol's (JSON, RPC v2
//! JSON, CBOR or XML: `Protocol::event_format`).
//!
//! An event is read as a request is, in one pass that checks it against
//! the model: its headers (and a blob or text payload) through the
//! runtime's `EventSource`, a JSON document payload as a body (`ReadEvent`),
//! a CBOR one through the same source (the event's `Read` impl).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::protocol::rest::InputPart;
use super::read::MessageReader;
use super::rust::{FileCx, ident};
use super::validation::schema_static;
use crate::ir::{EventFormat, EventPart, Member, PayloadKind, Shape, ShapeKind, Structure, Type};

/// The event-stream impls of `shape`: none unless it is a served stream's
/// union or one of its events.
pub fn impls(cx: &FileCx<'_>, shape: &Shape) -> TokenStream {
    let mut out = TokenStream::new();
    match &shape.kind {
        ShapeKind::Union(members) => {
            if shape.events.read {
                out.extend(read_union(cx, shape, members));
            }
            if shape.events.written {
                out.extend(write_union(cx, shape, members));
            }
        }
        ShapeKind::Structure(s) => {
            // A CBOR event is read by its `Read` impl, through the
            // runtime's source of its headers and payload.
            if shape.events.read && format(cx) != EventFormat::Cbor {
                let reader =
                    MessageReader { trait_path: "event_stream::ReadEvent", method: "read_event", body: "payload" };
                out.extend(reader.emit(cx, shape, s, read_part));
            }
            if shape.events.written {
                out.extend(write_structure(cx, shape, s));
            }
        }
        ShapeKind::Enum(_) => {}
    }
    out
}

/// Where an event's member is read from: a header, or a blob or text
/// payload, as the head; a document payload; or the payload's document.
fn read_part(m: &Member) -> InputPart {
    match m.event {
        EventPart::Header => InputPart::Head,
        EventPart::Payload if payload_kind(m) == PayloadKind::Document => InputPart::DocumentPayload,
        EventPart::Payload => InputPart::Head,
        EventPart::Document => InputPart::Body,
    }
}

/// How the service's protocol lays out events' payload documents (every
/// protocol of a service serving streams lays them out alike).
fn format(cx: &FileCx<'_>) -> EventFormat {
    cx.service.protocols.first().and_then(|protocol| protocol.event_format()).unwrap_or(EventFormat::Json)
}

/// What an `@eventPayload` member's value is in the message (lowering
/// sets it for every one).
fn payload_kind(m: &Member) -> PayloadKind {
    m.payload.as_ref().map_or(PayloadKind::Document, |payload| payload.kind)
}

/// The event a union member is: the structure it targets (an `@error`
/// one is sent as an exception); `None` for a member that targets no
/// structure, which Smithy's validator refuses.
fn event<'a>(cx: &'a FileCx<'_>, m: &Member) -> Option<(&'a Shape, &'a Structure)> {
    let Type::Named(id) = &m.ty.ty else { return None };
    let shape = cx.service.shapes.get(id)?;
    match &shape.kind {
        ShapeKind::Structure(s) => Some((shape, s)),
        _ => None,
    }
}

/// `ReadEvents` for an input stream's union: each message by its type.
fn read_union(cx: &FileCx<'_>, shape: &Shape, members: &[Member]) -> TokenStream {
    let name = ident(&shape.rust_name);
    let (read_events, message, error) = (
        cx.runtime("event_stream::ReadEvents"),
        cx.runtime("event_stream::Message"),
        cx.runtime("event_stream::EventStreamError"),
    );
    let format = format(cx);
    let read_event = cx.runtime(match format {
        EventFormat::Cbor => "protocol::rpc_v2_cbor::read_event",
        EventFormat::RpcV2Json => "event_stream::read_event_rpc_v2_json",
        EventFormat::Json | EventFormat::Xml => "event_stream::read_event",
    });
    let (kind, received) = (cx.runtime("event_stream::kind"), cx.runtime("event_stream::Received"));
    let (result, err) = (cx.std("result::Result"), cx.std("result::Result::Err"));
    let (some, none) = cx.some_none();
    let arms = members.iter().filter_map(|m| Some((m, event(cx, m)?))).map(|(m, (event, s))| -> TokenStream {
        let (variant, wire) = (ident(&m.rust_name), &m.name);
        // A blob or text payload is read by the source, at its index.
        let in_table = s.members.iter().filter(|m| m.in_document());
        let payload = in_table.enumerate().find(|(_, m)| m.event == EventPart::Payload);
        let at = |part: InputPart| match payload {
            Some((index, m)) if read_part(m) == part => {
                let index = Literal::usize_unsuffixed(index);
                quote! { #some(#index) }
            }
            _ => quote! { #none },
        };
        let raw = at(InputPart::Head);
        // CBOR's reader is told which member a document payload is.
        let document = (format == EventFormat::Cbor).then(|| {
            let document = at(InputPart::DocumentPayload);
            quote! { , #document }
        });
        let pattern = if s.error.is_some() {
            quote! { #received::Exception(#wire) }
        } else {
            quote! { #received::Event(#wire) }
        };
        let wrap = if m.boxed {
            let boxed = cx.std("boxed::Box");
            quote! { |event| Self::#variant(#boxed::new(event)) }
        } else {
            quote! { Self::#variant }
        };
        if let Some(event) = bare_blob(cx, event, s) {
            let ok = cx.std("result::Result::Ok");
            let event = if m.boxed {
                let boxed = cx.std("boxed::Box");
                quote! { #boxed::new(#event) }
            } else {
                event
            };
            return quote! { #pattern => #ok(Self::#variant(#event)), };
        }
        let schema = schema_static(cx, Some(&event.id));
        quote! { #pattern => #read_event(message, #schema, #raw #document).map(#wrap), }
    });
    quote! {
        impl #read_events for #name {
            fn read_message(message: &#message) -> #result<Self, #error> {
                match #kind(message)? {
                    #(#arms)*
                    other => #err(#error::unknown_event(other)),
                }
            }
        }
    }
}

/// The event `shape` built straight from `message`, where it is only an
/// `@eventPayload` blob with no constraint (audio, say): nothing in it can
/// be wrong, so there is nothing to read it through, and the blob shares
/// the message's bytes.
fn bare_blob(cx: &FileCx<'_>, shape: &Shape, s: &Structure) -> Option<TokenStream> {
    let [only] = s.members.as_slice() else { return None };
    let bare = only.event == EventPart::Payload
        && payload_kind(only) == PayloadKind::Bytes
        && only.ty.ty == Type::Blob
        && only.ty.constraints.is_empty();
    if !bare {
        return None;
    }
    let (ty, field, blob) = (cx.named(&shape.id), ident(&only.rust_name), cx.runtime("Blob"));
    let value = quote! { #blob::from(message.payload().clone()) };
    let value = if only.is_optional() {
        let some = cx.std("option::Option::Some");
        quote! { #some(#value) }
    } else {
        value
    };
    Some(quote! { #ty { #field: #value } })
}

/// `WriteEvents` for an output stream's union: each variant as its message.
fn write_union(cx: &FileCx<'_>, shape: &Shape, members: &[Member]) -> TokenStream {
    let name = ident(&shape.rust_name);
    let (write_events, message) = (cx.runtime("event_stream::WriteEvents"), cx.runtime("event_stream::Message"));
    let arms = members.iter().map(|m| {
        let (variant, wire) = (ident(&m.rust_name), &m.name);
        let Some((_, s)) = event(cx, m) else {
            // A member that is no structure has no message of its own: it
            // is sent as an empty event of its name.
            let (event, none) = (cx.runtime("event_stream::event"), cx.std("option::Option::None"));
            return quote! { Self::#variant(_) => #event(#wire, #none, ""), };
        };
        let write = if s.error.is_some() { "event_stream::exception_message" } else { "event_stream::event_message" };
        let write = cx.runtime(write);
        let value = if m.boxed {
            quote! { &**event }
        } else {
            quote! { event }
        };
        quote! { Self::#variant(event) => #write(#wire, #value), }
    });
    quote! {
        impl #write_events for #name {
            fn write_message(&self) -> #message {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// `WriteEvent` for an output stream's event: its headers, then its
/// payload.
fn write_structure(cx: &FileCx<'_>, shape: &Shape, s: &Structure) -> TokenStream {
    let name = ident(&shape.rust_name);
    let (write_event, writer) = (cx.runtime("event_stream::WriteEvent"), cx.runtime("event_stream::EventWriter"));
    let some = cx.std("option::Option::Some");
    let mut writes = Vec::new();
    for m in s.members.iter().filter(|m| m.event == EventPart::Header) {
        let (field, header) = (ident(&m.rust_name), &m.name);
        let value = |value: TokenStream| match &m.ty.ty {
            Type::Named(_) => quote! { #value.as_str() },
            _ => value,
        };
        writes.push(if m.is_optional() {
            let value = value(quote! { value });
            quote! { if let #some(value) = &self.#field { message.header(#header, #value); } }
        } else {
            let value = value(quote! { &self.#field });
            quote! { message.header(#header, #value); }
        });
    }
    match s.members.iter().find(|m| m.event == EventPart::Payload) {
        Some(m) => {
            let field = ident(&m.rust_name);
            let media_type = m.payload.as_ref().map(|p| p.media_type.clone());
            let call = |value: TokenStream| match payload_kind(m) {
                PayloadKind::Bytes => {
                    let media_type = media_type.clone().unwrap_or_else(|| "application/octet-stream".to_string());
                    quote! { message.blob_payload(#value, #media_type) }
                }
                PayloadKind::Text => {
                    let media_type = media_type.clone().unwrap_or_else(|| "text/plain".to_string());
                    let text = match &m.ty.ty {
                        Type::Named(_) => quote! { #value.as_str() },
                        _ => value,
                    };
                    quote! { message.text_payload(#text, #media_type) }
                }
                _ => match format(cx) {
                    EventFormat::Xml => {
                        let (name, namespace) = super::protocol::rest::payload_element(cx, m);
                        quote! { message.xml_payload(#name, #namespace, #value) }
                    }
                    EventFormat::Cbor => quote! { message.cbor_payload(#value) },
                    EventFormat::RpcV2Json => quote! { message.rpc_v2_json_payload(#value) },
                    EventFormat::Json => quote! { message.json_payload(#value) },
                },
            };
            writes.push(if m.is_optional() {
                let call = call(quote! { value });
                quote! { if let #some(value) = &self.#field { #call; } }
            } else {
                let call = call(quote! { &self.#field });
                quote! { #call; }
            });
        }
        None => {
            let in_document: Vec<&Member> =
                s.members.iter().filter(|m| m.event == EventPart::Document && m.in_document()).collect();
            // An event of headers alone has no payload; in XML, the others
            // are the event's own element.
            match format(cx) {
                _ if in_document.is_empty() => {}
                EventFormat::Xml => {
                    let (name, none) = (&shape.name, cx.std("option::Option::None"));
                    writes.push(quote! { message.xml_payload(#name, #none, self); });
                }
                EventFormat::Cbor => {
                    let (terms, members) = super::write_cbor::members_writes(cx, &in_document);
                    writes.push(quote! { message.cbor_members(#(#terms)+*, |out| { #(#members)* }); });
                }
                format => {
                    let members = super::write::body_members(cx, in_document.into_iter());
                    let write = if format == EventFormat::RpcV2Json {
                        quote! { rpc_v2_json_members }
                    } else {
                        quote! { json_members }
                    };
                    writes.push(quote! { message.#write(|object| { #(#members)* }); });
                }
            }
        }
    }
    let message = if writes.is_empty() {
        quote! { _message }
    } else {
        quote! { message }
    };
    quote! {
        impl #write_event for #name {
            fn write_event(&self, #message: &mut #writer) {
                #(#writes)*
            }
        }
    }
}
