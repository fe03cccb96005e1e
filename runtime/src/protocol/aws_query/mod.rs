//! awsQuery: every request names its operation in `Action` (with the API
//! `Version`), its input the other parameters of a form-encoded body (or of
//! the query string of a GET, which AWS accepts too); every response an XML
//! document, `<OperationResponse><OperationResult>` with the output and
//! `<ResponseMetadata>` with the request id; errors an `<ErrorResponse>`
//! whose `Code` is the error's `@awsQueryError` code or name.
//!
//! [`Dispatch`] is what a generated router implements, [`handle`] serves one
//! request with it ([`request`] reads a request's parameters into its
//! input, [`response`] writes responses, errors and refusals).

pub mod request;
pub mod response;
mod router;

pub use request::{Form, MAX_KEY_SEGMENTS, MAX_PARAMETERS};
pub use response::{
    error_response, internal_failure, modelled_error, not_implemented_response, output_response, rejection_response,
    unknown_action, unmodelled_error,
};
pub(crate) use router::DynDispatch;
pub use router::{Dispatch, handle};

use super::{Protocol, Response};

/// The awsQuery protocol a service speaks: the namespace of its response
/// documents (the service's `@xmlNamespace`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AwsQuery {
    pub namespace: &'static str,
}

impl AwsQuery {
    /// The media type of its responses.
    pub const CONTENT_TYPE: &'static str = "text/xml";

    /// The media type of its request bodies.
    pub const FORM: &'static str = "application/x-www-form-urlencoded";
}

impl Protocol for AwsQuery {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        response::error_with_message(self, status, type_name, message, None)
    }
}
