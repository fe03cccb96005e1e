//! `x-amzn-query-error`: how the JSON and CBOR protocols of an
//! awsQuery-compatible service (`@awsQueryCompatible`) name an error as its
//! awsQuery version did, `<code>;Sender` (or `;Receiver` for server
//! faults), so that SDKs migrated from awsQuery keep their error codes.

use crate::protocol::Response;
use crate::{ErrorShape, UnmodelledError};

/// The header.
pub const HEADER: &str = "x-amzn-query-error";

/// `response` to the modelled error `E`, with the header where the service
/// is query-compatible and the model gives `E` an awsQuery code.
pub fn modelled<E: ErrorShape>(mut response: Response, query_compatible: bool) -> Response {
    if let (true, Some(code)) = (query_compatible, E::QUERY_CODE) {
        response.insert(HEADER, format!("{code};{}", E::FAULT.query_name()), false);
    }
    response
}

/// `response` to `error`, which the model does not list, with the header
/// (its name as the code) where the service is query-compatible.
pub fn unmodelled(mut response: Response, error: &UnmodelledError, query_compatible: bool) -> Response {
    if query_compatible {
        response.insert(HEADER, format!("{};{}", error.type_name, error.fault.query_name()), false);
    }
    response
}
