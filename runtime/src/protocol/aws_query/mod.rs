//! awsQuery and its EC2 dialect, ec2Query: every request names its
//! operation in `Action` (with the API `Version`), its input the other
//! parameters of a form-encoded body (or of the query string of a GET,
//! which AWS accepts too); every response an XML document.
//!
//! - awsQuery: `<OperationResponse><OperationResult>` with the output and
//!   `<ResponseMetadata>` with the request id; errors an `<ErrorResponse>`
//!   whose `Code` is the error's `@awsQueryError` code or name.
//! - ec2Query: `<OperationResponse>` with `<requestId>` and the output's
//!   members; errors `<Response><Errors><Error>` with `<RequestID>`. Its
//!   requests differ only in their keys (`@ec2QueryName`, else the name
//!   capitalised; lists always flattened), which the generated tables hold,
//!   so the two share this module rather than repeat it.
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

/// The query protocol a service speaks: its dialect, and the namespace of
/// its response documents (the service's `@xmlNamespace`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AwsQuery {
    /// The service's `@xmlNamespace`: the `xmlns` of every response
    /// document's root element (none where empty).
    pub namespace: &'static str,
    /// awsQuery or ec2Query: how responses and errors are laid out.
    pub dialect: Dialect,
    /// Timestamps of the epoch-seconds type are written as date-times,
    /// awsQuery's own form: set where the query protocol follows a first
    /// protocol (awsJson, RPC v2) whose default format typed the members
    /// the model gives no format. (Requests may send either form.)
    pub epoch_as_date_time: bool,
}

/// awsQuery, or EC2's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// awsQuery: outputs in `<OperationResult>` beside `<ResponseMetadata>`,
    /// errors in `<ErrorResponse>`.
    #[default]
    AwsQuery,
    /// ec2Query: outputs' members straight in `<OperationResponse>` with
    /// `<requestId>`, errors in `<Response><Errors>`.
    Ec2,
}

impl AwsQuery {
    /// The media type of its responses: `text/xml`, with EC2's charset
    /// in ec2Query (as EC2 answers, and Smithy's tests expect).
    pub fn content_type(self) -> &'static str {
        match self.dialect {
            Dialect::AwsQuery => "text/xml",
            Dialect::Ec2 => "text/xml;charset=UTF-8",
        }
    }

    /// The media type of its request bodies.
    pub const FORM: &'static str = "application/x-www-form-urlencoded";
}

impl Protocol for AwsQuery {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        response::error_with_message(self, status, type_name, message, None)
    }
}
