//! Event streams (`application/vnd.amazon.eventstream`): the messages AWS
//! services stream to and from clients over one HTTP body (Bedrock's
//! `ConverseStream`, Lambda's `InvokeWithResponseStream`, Kinesis'
//! `SubscribeToShard`, Transcribe's audio input).
//!
//! [`EventBody`] sends messages as a body, as a stream yields them, and
//! [`Events`] reads them from one as its bytes arrive.
//! [`frame`] reads and writes the messages themselves: a prelude (total and
//! header lengths, CRC-32), typed headers, a payload and a CRC-32 of the
//! whole. The encoding is AWS's own `aws-smithy-eventstream` crate's, the
//! one the AWS SDK for Rust uses; this module bounds what it reads (a
//! prelude is checked, and its length limited, before any more of the
//! message is waited for) and names the headers every message carries.

pub mod body;
pub mod frame;
mod message;
mod stream;

pub use body::{EventBody, Events, EventsError};
pub use message::{
    Document, EventSource, EventWriter, ReadEvent, Received, ToHeader, WriteEvent, event_message, exception_message,
    kind, read_event, read_event_rpc_v2_json,
};
pub use stream::{
    Closed, EventSender, EventStream, EventStreamError, INITIAL_REQUEST, INITIAL_RESPONSE, InputEvents, ReadEvents,
    Verifier, WriteEvents,
};

pub use aws_smithy_types::event_stream::{Header, HeaderValue, Message};

/// The media type of an event-stream body.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// The header that says what a message is: [`EVENT`], [`EXCEPTION`] or
/// [`ERROR`].
pub const MESSAGE_TYPE: &str = ":message-type";
/// The header naming an event's member of the stream's union.
pub const EVENT_TYPE: &str = ":event-type";
/// The header naming a modelled error sent as an exception message.
pub const EXCEPTION_TYPE: &str = ":exception-type";
/// The media type of a message's payload.
pub const PAYLOAD_TYPE: &str = ":content-type";
/// An unmodelled error's code, in an [`ERROR`] message.
pub const ERROR_CODE: &str = ":error-code";
/// A client's signature of the message its payload holds (SigV4's
/// event signing); with [`DATE`], the only headers of such a message.
pub const CHUNK_SIGNATURE: &str = ":chunk-signature";
/// The time a client signed the message its payload holds.
pub const DATE: &str = ":date";
/// An unmodelled error's text, in an [`ERROR`] message.
pub const ERROR_MESSAGE: &str = ":error-message";

/// [`MESSAGE_TYPE`] of an event.
pub const EVENT: &str = "event";
/// [`MESSAGE_TYPE`] of a modelled error, which ends the stream.
pub const EXCEPTION: &str = "exception";
/// [`MESSAGE_TYPE`] of an unmodelled error, which ends the stream.
pub const ERROR: &str = "error";

/// An event of the stream's union member `event_type`, its payload of
/// media type `payload_type` (if it has a payload).
pub fn event(event_type: &str, payload_type: Option<&str>, payload: impl Into<bytes::Bytes>) -> Message {
    typed(EVENT, (EVENT_TYPE, event_type), payload_type, payload)
}

/// A modelled error `exception_type` (its shape's name), as the message
/// that ends a stream.
pub fn exception(exception_type: &str, payload_type: Option<&str>, payload: impl Into<bytes::Bytes>) -> Message {
    typed(EXCEPTION, (EXCEPTION_TYPE, exception_type), payload_type, payload)
}

/// An unmodelled error: its code and text in headers, no payload.
pub fn error(code: &str, text: &str) -> Message {
    Message::new(bytes::Bytes::new())
        .add_header(Header::new(MESSAGE_TYPE, HeaderValue::String(ERROR.into())))
        .add_header(Header::new(ERROR_CODE, HeaderValue::String(code.to_string().into())))
        .add_header(Header::new(ERROR_MESSAGE, HeaderValue::String(text.to_string().into())))
}

fn typed(
    kind: &'static str,
    name: (&str, &str),
    payload_type: Option<&str>,
    payload: impl Into<bytes::Bytes>,
) -> Message {
    let mut message = Message::new(payload)
        .add_header(Header::new(MESSAGE_TYPE, HeaderValue::String(kind.into())))
        .add_header(Header::new(name.0.to_string(), HeaderValue::String(name.1.to_string().into())));
    if let Some(payload_type) = payload_type {
        message = message.add_header(Header::new(PAYLOAD_TYPE, HeaderValue::String(payload_type.to_string().into())));
    }
    message
}

/// The value of `message`'s header `name`, if it has one.
pub fn header<'m>(message: &'m Message, name: &str) -> Option<&'m HeaderValue> {
    message.headers().iter().find(|h| h.name().as_str() == name).map(Header::value)
}

/// The value of `message`'s string header `name`, if it has one.
pub fn string_header<'m>(message: &'m Message, name: &str) -> Option<&'m str> {
    header(message, name)?.as_string().ok().map(|s| s.as_str())
}
