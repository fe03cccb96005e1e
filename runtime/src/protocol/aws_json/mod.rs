//! awsJson 1.0 and 1.1: every request a `POST /` naming its operation in
//! `X-Amz-Target`, its input the JSON body; every response a JSON body,
//! errors named by `__type` and `X-Amzn-Errortype`.
//!
//! [`Dispatch`] is what a generated router implements, [`handle`] serves
//! one request with it ([`request`] reads what the protocol asks of a
//! request, [`response`] writes responses, errors and refusals).

pub mod request;
pub mod response;
mod router;

pub use request::{initial_request, operation_name, shown_target};
pub use response::{
    error_response, event_stream_response, internal_failure, modelled_error, not_implemented_response, output_response,
    rejection_response, unknown_operation, unmodelled_error,
};
pub use router::{Dispatch, handle};

use super::{Protocol, Response};

/// The awsJson protocol a service speaks: its version (which sets the media
/// type) and whether its errors are awsQuery-compatible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AwsJson {
    /// awsJson1.0 or 1.1: sets the media type, and whether an error's
    /// `__type` is its shape id (1.0) or its name (1.1).
    pub version: JsonVersion,
    /// `@awsQueryCompatible`: error responses also carry the error's awsQuery
    /// code in `x-amzn-query-error`, where AWS SDKs read it.
    pub query_compatible: bool,
}

/// An awsJson version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonVersion {
    /// awsJson1.0 (`application/x-amz-json-1.0`).
    V1_0,
    /// awsJson1.1 (`application/x-amz-json-1.1`).
    V1_1,
}

impl AwsJson {
    /// awsJson1.0.
    pub const V1_0: AwsJson = AwsJson { version: JsonVersion::V1_0, query_compatible: false };
    /// awsJson1.1.
    pub const V1_1: AwsJson = AwsJson { version: JsonVersion::V1_1, query_compatible: false };

    /// The protocol with awsQuery-compatible errors (`@awsQueryCompatible`).
    pub const fn with_query_errors(self) -> Self {
        AwsJson { query_compatible: true, ..self }
    }

    /// The protocol's media type, sent as `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self.version {
            JsonVersion::V1_0 => "application/x-amz-json-1.0",
            JsonVersion::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

impl Protocol for AwsJson {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        response::error_with_message(self, status, type_name, message)
    }
}
