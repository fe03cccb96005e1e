//! Support code shared by every generated service: wire types, the traits
//! that describe operations and errors, and helpers for `Debug` output.

mod blob;
pub mod float;
mod pattern;
#[cfg(feature = "server")]
pub mod server;
pub mod service;
mod timestamp;
pub mod validate;

use std::fmt;

pub use blob::{Blob, DecodeBlobError};
pub use timestamp::{DateTime, HttpDate, ParseTimestampError, Timestamp};

/// A Smithy `document`: untyped JSON.
pub type Document = serde_json::Value;

/// The Smithy unit type: "no value", as an operation's input or output or a
/// union member. It is written as `{}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Unit {}

/// The events of an event stream: a member targeting a `@streaming` union
/// `T`. Events travel outside the JSON document, so serde skips such
/// members; this crate does not serve event streams yet (routers answer
/// `NotImplemented`), but their types are generated whole.
#[derive(Clone, Debug, PartialEq)]
pub struct EventStream<T> {
    /// The events, in order.
    pub events: Vec<T>,
}

impl<T> Default for EventStream<T> {
    fn default() -> Self {
        EventStream { events: Vec::new() }
    }
}

/// Stands in for a `@sensitive` value in `Debug` output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("*** Sensitive Data Redacted ***")
    }
}

/// A Smithy operation: its wire name and Rust types.
pub trait Operation {
    /// The operation's name, as it appears in `X-Amz-Target`.
    const NAME: &'static str;
    /// The input structure ([`Unit`] when the operation takes none).
    type Input;
    /// The output structure ([`Unit`] when the operation returns none).
    type Output;
    /// The operation's modelled errors.
    type Error: std::error::Error;
    /// The constraints of the input, for [`validate::validate`].
    const INPUT_SCHEMA: &'static validate::Structure;
    /// The constraints of the output, for checking responses.
    const OUTPUT_SCHEMA: &'static validate::Structure;
}

/// Who is at fault for an error: the caller or the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// A `@error("client")` error.
    Client,
    /// A `@error("server")` error.
    Server,
}

/// A modelled error structure.
pub trait ErrorShape: std::error::Error {
    /// The error's shape name, sent as `__type` on the wire.
    const NAME: &'static str;
    /// Whether the caller or the service is at fault.
    const FAULT: Fault;
    /// The HTTP status the error is sent with.
    const HTTP_STATUS: u16;
    /// The error's code in the awsQuery protocol (`@awsQueryError`, else its
    /// name), set for errors of awsQuery-compatible services.
    const QUERY_CODE: Option<&'static str> = None;
    /// The error's message member, if it has one and it is set.
    fn message(&self) -> Option<&str>;
}

/// An error the model does not list for an operation: one of the errors AWS
/// services share without modelling them on every operation
/// (`ValidationException`, `ThrottlingException`, `AccessDeniedException`,
/// ...), or any other. Every operation's error enum can hold one, so a
/// handler can answer as the real service would.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnmodelledError {
    /// The error's name, sent as `__type` and in `X-Amzn-Errortype` (and as
    /// its awsQuery code by awsQuery-compatible services).
    pub type_name: String,
    /// The HTTP status.
    pub status: u16,
    pub fault: Fault,
    pub message: Option<String>,
}

impl UnmodelledError {
    /// A client error (status 400).
    pub fn client(type_name: impl Into<String>, message: impl Into<String>) -> Self {
        UnmodelledError { type_name: type_name.into(), status: 400, fault: Fault::Client, message: Some(message.into()) }
    }

    /// A server error (status 500).
    pub fn server(type_name: impl Into<String>, message: impl Into<String>) -> Self {
        UnmodelledError { type_name: type_name.into(), status: 500, fault: Fault::Server, message: Some(message.into()) }
    }

    /// The same error with another HTTP status.
    pub fn with_status(self, status: u16) -> Self {
        UnmodelledError { status, ..self }
    }
}

impl fmt::Display for UnmodelledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "{}: {message}", self.type_name),
            None => f.write_str(&self.type_name),
        }
    }
}

impl std::error::Error for UnmodelledError {}

/// A string that is not one of an enum's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEnumValue {
    /// The enum's shape name.
    pub enum_name: &'static str,
    /// The value that was given.
    pub value: String,
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a value of {}", self.value, self.enum_name)
    }
}

impl std::error::Error for UnknownEnumValue {}
