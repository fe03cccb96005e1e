//! restJson1: the HTTP bindings of [`super::rest`], with JSON bodies and
//! the protocol's errors (`X-Amzn-Errortype` and a JSON body).
//!
//! Generated restJson1 routers name everything they use through this
//! module: the shared bindings and router are re-exported here, beside
//! [`response`], which writes JSON bodies, errors and refusals.

pub mod response;

pub use super::rest::{
    ANY_MEDIA_TYPE, Bound, BuildError, Dispatch, Head, HeadSource, HeaderText, HttpInput, Location, Match, NO_INPUT,
    Operation, PatternError, QueryLiteral, RouteError, RoutedRequest, Routes, Segment, UriPattern, WriteResponse,
    empty_response, handle, output_response, split_list,
};
pub use response::{
    JSON, error_response, error_with_message, internal_failure, modelled_error, rejection_response, unmodelled_error,
};

use super::{Protocol, Response};

/// The restJson1 protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RestJson;

impl Protocol for RestJson {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        error_with_message(status, type_name, message)
    }
}
