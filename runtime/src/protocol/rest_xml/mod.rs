//! restXml: the HTTP bindings of [`super::rest`], with XML bodies and the
//! protocol's errors (`<ErrorResponse><Error>`, or `<Error>` alone where
//! the service has `noErrorWrapping`, as S3 does).
//!
//! A request's body is an XML document: the input's body members as child
//! elements of a root named for the input (any name is accepted: clients
//! name it after the input structure or its `@xmlName`), or the
//! `@httpPayload` structure itself. [`request`] reads it against the
//! input's schema into the JSON document the input's generated reader
//! reads, so that constraints are checked by the same tables and reported
//! at the same paths as in every other protocol; [`response`] writes
//! responses, errors and refusals.
//!
//! Generated restXml routers name everything they use through this module:
//! the shared bindings and router are re-exported here.

pub mod request;
pub mod response;

pub use super::rest::{
    ANY_MEDIA_TYPE, Bound, Dispatch, HeaderText, HttpInput, Location, NO_INPUT, Operation, RoutedRequest, Routes,
    UriPattern, WriteResponse, empty_response, handle, output_response,
};
pub use request::{MAX_ATTRIBUTES, MAX_DEPTH, XmlBody};
pub use response::{XML, error_with_message, internal_failure, modelled_error, rejection_response, unmodelled_error};

use super::{Protocol, Response};

/// The restXml protocol of a service: how it wraps its errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RestXml {
    /// `noErrorWrapping`: errors are `<Error>` documents, not wrapped in
    /// `<ErrorResponse>`.
    pub no_error_wrapping: bool,
}

impl Protocol for RestXml {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        error_with_message(self, status, type_name, message)
    }
}
