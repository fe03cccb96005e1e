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
        let mut out = JsonWriter::with_capacity(128);
        let mut object = out.object();
        write(&mut object);
        object.end();
        self.payload = Some((JSON, Bytes::from(out.into_bytes())));
    }

    /// An `@eventPayload` structure, union or document: its JSON.
    pub fn json_payload<T: WriteJson + ?Sized>(&mut self, value: &T) {
        self.payload = Some((JSON, Bytes::from(json::to_vec(value))));
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
        self.payload = Some((media_type, Bytes::copy_from_slice(value.as_bytes())));
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
        HeaderValue::ByteArray(Bytes::copy_from_slice(self.as_bytes()))
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

/// The members of an event carried outside its payload's document, as a
/// reader reads them: its `@eventHeader` members (each under the member's
/// name), then an `@eventPayload` blob or string (the payload's bytes).
/// Headers whose names start with `:` are the stream's own.
pub struct EventSource<'m> {
    headers: &'m [Header],
    payload: &'m [u8],
    schema: &'static Structure,
    raw_payload: Option<usize>,
    /// The header to look at next (then the raw payload).
    next: usize,
    /// The value at the position.
    at: Option<At<'m>>,
    text: String,
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
        }
    }
}

impl Source for EventSource<'_> {
    fn structure(&mut self) -> Result<(), SourceError> {
        Ok(())
    }

    fn key(&mut self) -> Result<Option<&str>, SourceError> {
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
        Ok(None)
    }

    fn list(&mut self, _: &List) -> Result<(), SourceError> {
        Err(SourceError::at_value("an event header holds no list"))
    }

    fn item(&mut self) -> Result<bool, SourceError> {
        Ok(false)
    }

    fn map(&mut self, _: &Map) -> Result<(), SourceError> {
        Err(SourceError::at_value("an event header holds no map"))
    }

    fn entry(&mut self) -> Result<Option<&str>, SourceError> {
        Ok(None)
    }

    fn absent(&mut self) -> bool {
        false
    }

    fn text(&mut self) -> Result<&str, SourceError> {
        match self.scalar()? {
            Scalar::Text(_) | Scalar::String(_) => Ok(&self.text),
            _ => Err(SourceError::at_value("the header is not text")),
        }
    }

    fn scalar(&mut self) -> Result<Scalar<'_>, SourceError> {
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
            Some(At::Payload) => match std::str::from_utf8(self.payload) {
                Ok(text) => Ok(Scalar::String(text)),
                Err(_) => Err(SourceError::at_value("the event's payload is not UTF-8 text")),
            },
            None => Err(SourceError::from("no event header is at the position")),
        }
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        match self.at? {
            At::Header(HeaderValue::ByteArray(bytes)) => Some(bytes),
            At::Header(_) => None,
            At::Payload => Some(self.payload),
        }
    }

    fn skip(&mut self) -> Result<(), SourceError> {
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SourceError> {
        Ok(())
    }
}
