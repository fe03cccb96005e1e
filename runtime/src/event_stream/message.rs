//! One event as one message, both ways: [`EventWriter`] lays a generated
//! event structure out as a message (its `@eventHeader` members as typed
//! headers, its `@eventPayload` member or its other members as the
//! payload), and [`read_event`] reads one back, checked against the model
//! in the same single pass as a request: the headers through
//! [`EventSource`], the payload as a body.

use std::borrow::Cow;

use aws_smithy_types::event_stream::{Header, HeaderValue};
use bytes::Bytes;

use super::stream::EventStreamError;
use super::{EVENT, EVENT_TYPE, EXCEPTION, EXCEPTION_TYPE, MESSAGE_TYPE, Message, header};
use crate::protocol::json::{self, JsonWriter, ObjectWriter, WriteJson};
use crate::validate::{self, List, Map, Reader, Schema, Stop, Structure};
use crate::validate::{Scalar, Source, SourceError};
use crate::{Blob, DateTime, HttpDate, Timestamp};

/// The media type of a JSON payload.
const JSON: &str = "application/json";

/// An event structure a server writes: its members laid out in a message.
/// Generated for the events of output streams.
pub trait WriteEvent {
    /// Writes the headers and payload of the event into `message`.
    fn write_event(&self, message: &mut EventWriter);
}

/// An event structure a server reads: its members from a message's headers
/// and payload. Generated for the events of input streams.
pub trait ReadEvent: Sized {
    /// Reads the event whose headers are at the reader's position, then
    /// its payload.
    fn read_event<'j>(r: &mut Reader<'j>, schema: Schema, payload: &'j [u8]) -> Result<Option<Self>, Stop>;
}

/// `event` as the message of the stream's member `name`.
pub fn event_message<E: WriteEvent + ?Sized>(name: &str, event: &E) -> Message {
    write(EVENT, (EVENT_TYPE, name), event)
}

/// `error` as the message of the stream's error member `name`: an
/// exception, which ends the stream.
pub fn exception_message<E: WriteEvent + ?Sized>(name: &str, error: &E) -> Message {
    write(EXCEPTION, (EXCEPTION_TYPE, name), error)
}

fn write<E: WriteEvent + ?Sized>(kind: &'static str, name: (&'static str, &str), event: &E) -> Message {
    let mut writer = EventWriter { headers: Vec::new(), payload: None };
    event.write_event(&mut writer);
    let (payload_type, payload) = match writer.payload {
        Some((payload_type, payload)) => (Some(payload_type), payload),
        None => (None, Bytes::new()),
    };
    let message = super::typed(kind, name, payload_type, payload);
    writer.headers.into_iter().fold(message, Message::add_header)
}

/// The headers and payload of one message being written.
#[derive(Debug)]
pub struct EventWriter {
    headers: Vec<Header>,
    /// The payload and its media type.
    payload: Option<(&'static str, Bytes)>,
}

impl EventWriter {
    /// An `@eventHeader` member: the header `name`, typed as the member is.
    pub fn header<V: ToHeader + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.headers.push(Header::new(name, value.to_header()));
    }

    /// The members not bound to headers, as a JSON object: the payload of
    /// an event with no `@eventPayload` member.
    pub fn json_members(&mut self, write: impl FnOnce(&mut ObjectWriter<'_>)) {
        self.object(JsonWriter::with_capacity(128), write);
    }

    /// An `@eventPayload` structure, union or document: its JSON.
    pub fn json_payload<T: WriteJson + ?Sized>(&mut self, value: &T) {
        self.payload = Some((JSON, Bytes::from(json::to_vec(value))));
    }

    /// [`EventWriter::json_members`] as Smithy's RPC v2 JSON writes them
    /// (timestamps as epoch seconds, big numbers as strings).
    pub fn rpc_v2_json_members(&mut self, write: impl FnOnce(&mut ObjectWriter<'_>)) {
        self.object(JsonWriter::rpc_v2(128), write);
    }

    /// [`EventWriter::json_payload`] as Smithy's RPC v2 JSON writes it.
    pub fn rpc_v2_json_payload<T: WriteJson + ?Sized>(&mut self, value: &T) {
        self.payload = Some((JSON, Bytes::from(json::to_vec_rpc_v2(value))));
    }

    /// The members `write` writes, as a JSON object written by `out`.
    fn object(&mut self, mut out: JsonWriter, write: impl FnOnce(&mut ObjectWriter<'_>)) {
        let mut object = out.object();
        write(&mut object);
        object.end();
        self.payload = Some((JSON, Bytes::from(out.into_bytes())));
    }

    /// The members not bound to headers, as a CBOR map of `count` entries
    /// (RPC v2 CBOR): the payload of an event with no `@eventPayload`
    /// member.
    pub fn cbor_members(&mut self, count: u64, write: impl FnOnce(&mut crate::protocol::cbor::CborWriter)) {
        let mut out = crate::protocol::cbor::CborWriter::with_capacity(128);
        out.map(count);
        write(&mut out);
        self.payload = Some((crate::protocol::rpc_v2_cbor::CBOR, Bytes::from(out.into_bytes())));
    }

    /// An `@eventPayload` structure, union or document in RPC v2 CBOR: its
    /// CBOR.
    pub fn cbor_payload<T: crate::protocol::cbor::WriteCbor + ?Sized>(&mut self, value: &T) {
        let payload = crate::protocol::cbor::to_vec(value);
        self.payload = Some((crate::protocol::rpc_v2_cbor::CBOR, Bytes::from(payload)));
    }

    /// An `@eventPayload` structure or union in an XML protocol: its
    /// element `name` (in `namespace`), as S3 sends its events' details.
    pub fn xml_payload<T: crate::protocol::xml::WriteXml + ?Sized>(
        &mut self,
        name: &str,
        namespace: Option<(&str, Option<&str>)>,
        value: &T,
    ) {
        let mut out = crate::protocol::xml::XmlWriter::with_capacity(128);
        match namespace {
            Some((uri, prefix)) => out.element_in(name, uri, prefix, value),
            None => out.element(name, value),
        }
        self.payload = Some(("text/xml", Bytes::from(out.into_bytes())));
    }

    /// An `@eventPayload` blob: its bytes, of `media_type`.
    pub fn blob_payload(&mut self, value: &Blob, media_type: &'static str) {
        self.payload = Some((media_type, value.to_shared()));
    }

    /// An `@eventPayload` string: its text, of `media_type`.
    pub fn text_payload(&mut self, value: &str, media_type: &'static str) {
        self.payload = Some((media_type, Bytes::copy_from_slice(value.as_bytes())));
    }
}

/// A value an `@eventHeader` member may hold, as its typed header.
pub trait ToHeader {
    /// The header's value.
    fn to_header(&self) -> HeaderValue;
}

macro_rules! to_header {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl ToHeader for $ty {
            fn to_header(&self) -> HeaderValue {
                HeaderValue::$variant(*self)
            }
        }
    )*};
}

to_header!(bool => Bool, i8 => Byte, i16 => Int16, i32 => Int32, i64 => Int64);

impl ToHeader for str {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::String(self.to_string().into())
    }
}

impl ToHeader for String {
    fn to_header(&self) -> HeaderValue {
        self.as_str().to_header()
    }
}

impl ToHeader for Blob {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::ByteArray(self.to_shared())
    }
}

impl ToHeader for Timestamp {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs_and_nanos(
            self.epoch_seconds(),
            self.subsec_nanos(),
        ))
    }
}

impl ToHeader for DateTime {
    fn to_header(&self) -> HeaderValue {
        self.0.to_header()
    }
}

impl ToHeader for HttpDate {
    fn to_header(&self) -> HeaderValue {
        self.0.to_header()
    }
}

/// What a message of an event stream is, by its `:message-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received<'m> {
    /// An event: the union member its `:event-type` names.
    Event(&'m str),
    /// A modelled error: the union member its `:exception-type` names.
    Exception(&'m str),
}

/// What `message` is: an event or a modelled error, by name. An unmodelled
/// error (`error`) is the stream's [`EventStreamError::Unmodelled`];
/// anything else is malformed.
pub fn kind(message: &Message) -> Result<Received<'_>, EventStreamError> {
    let malformed = |why: &'static str| Err(EventStreamError::Malformed(Cow::Borrowed(why)));
    let Some(kind) = header(message, MESSAGE_TYPE) else {
        return malformed("an event-stream message has no :message-type header");
    };
    let Ok(kind) = kind.as_string() else {
        return malformed("an event-stream message's :message-type header is not a string");
    };
    let (kind, name_header) = match kind.as_str() {
        EVENT => (EVENT, EVENT_TYPE),
        EXCEPTION => (EXCEPTION, EXCEPTION_TYPE),
        super::ERROR => {
            let text = |name| super::string_header(message, name).map(str::to_string);
            return Err(EventStreamError::Unmodelled {
                code: text(super::ERROR_CODE).unwrap_or_default(),
                message: text(super::ERROR_MESSAGE).unwrap_or_default(),
            });
        }
        _ => return malformed("an event-stream message's :message-type is not event, exception or error"),
    };
    match header(message, name_header).map(HeaderValue::as_string) {
        Some(Ok(name)) if kind == EVENT => Ok(Received::Event(name.as_str())),
        Some(Ok(name)) => Ok(Received::Exception(name.as_str())),
        Some(Err(_)) if kind == EVENT => malformed("an event's :event-type header is not a string"),
        Some(Err(_)) => malformed("an exception's :exception-type header is not a string"),
        None if kind == EVENT => malformed("an event has no :event-type header"),
        None => malformed("an exception has no :exception-type header"),
    }
}

/// The event `T` that `message` carries, read against `schema`: its
/// `@eventHeader` members from the headers, `raw_payload` (the index of an
/// `@eventPayload` blob or string) from the payload's bytes, the rest as
/// `T`'s reader reads the payload.
pub fn read_event<T: ReadEvent>(
    message: &Message,
    schema: &'static Structure,
    raw_payload: Option<usize>,
) -> Result<T, EventStreamError> {
    let mut source = EventSource::new(message, schema, raw_payload);
    // A raw payload is the source's; there is no document to read.
    let document = if raw_payload.is_some() { &[][..] } else { message.payload() };
    validate::parse_event(schema, &mut source, document).map_err(EventStreamError::Rejected)
}

/// [`read_event`] as Smithy's RPC v2 JSON reads a payload (timestamps as
/// epoch seconds, big numbers as strings).
pub fn read_event_rpc_v2_json<T: ReadEvent>(
    message: &Message,
    schema: &'static Structure,
    raw_payload: Option<usize>,
) -> Result<T, EventStreamError> {
    let mut source = EventSource::new(message, schema, raw_payload);
    let document = if raw_payload.is_some() { &[][..] } else { message.payload() };
    validate::parse_event_rpc_v2_json(schema, &mut source, document).map_err(EventStreamError::Rejected)
}

/// The members of an event carried outside its payload's document, as a
/// reader reads them: its `@eventHeader` members (each under the member's
/// name), then an `@eventPayload` blob or string (the payload's bytes).
/// Headers whose names start with `:` are the stream's own.
pub struct EventSource<'m> {
    headers: &'m [Header],
    payload: &'m Bytes,
    schema: &'static Structure,
    raw_payload: Option<usize>,
    /// The header to look at next (then the raw payload).
    next: usize,
    /// The value at the position.
    at: Option<At<'m>>,
    text: String,
    /// The source of the payload's document, where it is read from one
    /// (CBOR) rather than as JSON, and how.
    body: Option<(&'m mut (dyn Source + 'm), Document)>,
    /// Where the position is in the body's document: `None` before it,
    /// else how deep in it.
    depth: Option<usize>,
}

/// What an event's payload document holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// The event's members that are not headers, as a structure's.
    Members,
    /// The value of the `@eventPayload` member at this index of the
    /// schema (a structure, union or document).
    Payload(usize),
}

#[derive(Clone, Copy)]
enum At<'m> {
    Header(&'m HeaderValue),
    Payload,
}

impl<'m> EventSource<'m> {
    /// The source of `message`'s headers, for the event of `schema`.
    pub fn new(message: &'m Message, schema: &'static Structure, raw_payload: Option<usize>) -> Self {
        EventSource {
            headers: message.headers(),
            payload: message.payload(),
            schema,
            raw_payload,
            next: 0,
            at: None,
            text: String::new(),
            body: None,
            depth: None,
        }
    }

    /// The source of the headers, then of the payload's document as `body`
    /// reads it (the message's payload, in a format not JSON), which holds
    /// what `document` says.
    pub fn with_body(mut self, body: &'m mut (dyn Source + 'm), document: Document) -> Self {
        self.body = Some((body, document));
        self
    }

    /// The body's source, where the position is in it.
    fn in_body(&mut self) -> Option<&mut (dyn Source + 'm)> {
        self.depth?;
        self.body.as_mut().map(|(body, _)| &mut **body)
    }

    /// Goes one level into the body's document, where the position is in it.
    fn enter(&mut self) {
        if let Some(depth) = self.depth.as_mut() {
            *depth += 1;
        }
    }

    /// Comes one level out, at the end of a structure, list or map.
    fn leave(&mut self) {
        if let Some(depth) = self.depth.as_mut() {
            *depth = depth.saturating_sub(1);
        }
    }
}

impl Source for EventSource<'_> {
    fn structure(&mut self) -> Result<(), SourceError> {
        match (self.depth, self.body.as_mut()) {
            // The event itself: a document of its members is entered.
            (None, Some((body, Document::Members))) => body.structure(),
            (None, _) => Ok(()),
            (Some(_), _) => {
                self.enter();
                self.in_body().map_or(Ok(()), |body| body.structure())
            }
        }
    }

    fn key(&mut self) -> Result<Option<&str>, SourceError> {
        if let Some(depth) = self.depth.as_mut() {
            let Some((body, document)) = self.body.as_mut() else { return Ok(None) };
            // At the top, past the headers: the document's members, or
            // nothing after the one member that is the whole document.
            if *depth == 0 && *document != Document::Members {
                return Ok(None);
            }
            let key = body.key()?;
            if key.is_none() && *depth > 0 {
                *depth -= 1;
            }
            return Ok(key);
        }
        while let Some(header) = self.headers.get(self.next) {
            self.next += 1;
            let name = header.name().as_str();
            if !name.starts_with(':') {
                self.at = Some(At::Header(header.value()));
                return Ok(Some(name));
            }
        }
        if let Some(index) = self.raw_payload.take() {
            self.at = Some(At::Payload);
            return Ok(Some(self.schema.members[index].name));
        }
        self.at = None;
        match self.body.as_mut() {
            Some((body, Document::Members)) => {
                self.depth = Some(0);
                body.key()
            }
            Some((_, Document::Payload(index))) => {
                // The payload's value is the body's, at its top.
                self.depth = Some(0);
                let index = *index;
                Ok(Some(self.schema.members[index].name))
            }
            None => Ok(None),
        }
    }

    fn list(&mut self, list: &List) -> Result<(), SourceError> {
        if let Some(body) = self.in_body() {
            body.list(list)?;
            self.enter();
            return Ok(());
        }
        Err(SourceError::at_value("an event header holds no list"))
    }

    fn item(&mut self) -> Result<bool, SourceError> {
        let Some(body) = self.in_body() else { return Ok(false) };
        let more = body.item()?;
        if !more {
            self.leave();
        }
        Ok(more)
    }

    fn map(&mut self, map: &Map) -> Result<(), SourceError> {
        if let Some(body) = self.in_body() {
            body.map(map)?;
            self.enter();
            return Ok(());
        }
        Err(SourceError::at_value("an event header holds no map"))
    }

    fn entry(&mut self) -> Result<Option<&str>, SourceError> {
        let (Some(depth), Some((body, _))) = (self.depth.as_mut(), self.body.as_mut()) else { return Ok(None) };
        let key = body.entry()?;
        if key.is_none() {
            *depth = depth.saturating_sub(1);
        }
        Ok(key)
    }

    fn absent(&mut self) -> bool {
        self.in_body().is_some_and(|body| body.absent())
    }

    fn text(&mut self) -> Result<&str, SourceError> {
        if self.depth.is_some() {
            return self.in_body().map_or(Err(SourceError::from("no value is at the position")), |body| body.text());
        }
        match self.scalar()? {
            Scalar::Text(text) | Scalar::String(text) => Ok(text),
            _ => Err(SourceError::at_value("the header is not text")),
        }
    }

    fn scalar(&mut self) -> Result<Scalar<'_>, SourceError> {
        if self.depth.is_some() {
            return self.in_body().map_or(Err(SourceError::from("no value is at the position")), |body| body.scalar());
        }
        match self.at {
            Some(At::Header(value)) => Ok(match value {
                HeaderValue::Bool(value) => Scalar::Boolean(*value),
                HeaderValue::Byte(value) => Scalar::Integer(i64::from(*value)),
                HeaderValue::Int16(value) => Scalar::Integer(i64::from(*value)),
                HeaderValue::Int32(value) => Scalar::Integer(i64::from(*value)),
                HeaderValue::Int64(value) => Scalar::Integer(*value),
                HeaderValue::String(text) => {
                    self.text.clear();
                    self.text.push_str(text.as_str());
                    Scalar::String(&self.text)
                }
                HeaderValue::Timestamp(time) => Scalar::Timestamp(time.as_secs_f64()),
                HeaderValue::ByteArray(bytes) => Scalar::Bytes(bytes),
                HeaderValue::Uuid(_) => return Err(SourceError::at_value("a UUID header is no member's value")),
                _ => return Err(SourceError::at_value("the header is of an unknown type")),
            }),
            Some(At::Payload) => match std::str::from_utf8(self.payload.as_ref()) {
                Ok(text) => Ok(Scalar::String(text)),
                Err(_) => Err(SourceError::at_value("the event's payload is not UTF-8 text")),
            },
            None => Err(SourceError::from("no event header is at the position")),
        }
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        if self.depth.is_some() {
            return self.in_body()?.bytes();
        }
        match self.at? {
            At::Header(HeaderValue::ByteArray(bytes)) => Some(bytes),
            At::Header(_) => None,
            At::Payload => Some(self.payload.as_ref()),
        }
    }

    fn shared_bytes(&mut self) -> Option<Bytes> {
        match (self.depth, self.at?) {
            (None, At::Payload) => Some(self.payload.clone()),
            (None, At::Header(HeaderValue::ByteArray(bytes))) => Some(bytes.clone()),
            _ => None,
        }
    }

    fn skip(&mut self) -> Result<(), SourceError> {
        self.in_body().map_or(Ok(()), |body| body.skip())
    }

    fn finish(&mut self) -> Result<(), SourceError> {
        match self.body.as_mut() {
            Some((body, _)) => body.finish(),
            None => Ok(()),
        }
    }
}
