//! Smithy's RPC v2 CBOR (`smithy.protocols#rpcv2Cbor`): every request a
//! `POST` to `/service/{Service}/operation/{Operation}` with the header
//! `smithy-protocol: rpc-v2-cbor`, its input a CBOR map in the body; every
//! response the same header, its output or error a CBOR map (errors named
//! by `__type`, their shape id).
//!
//! [`Dispatch`] is what a generated router implements, [`handle`] serves
//! one request with it ([`request`] reads what the protocol asks of a
//! request and the input, [`response`] writes responses, errors and
//! refusals, with [`super::cbor`]'s writer).

pub mod request;
pub mod response;
mod router;

pub use request::{CBOR, SMITHY_PROTOCOL, input, operation_of};
pub use response::{
    error_with_message, internal_failure, modelled_error, no_output_response, not_implemented_response,
    output_response, rejection_response, unknown_operation, unmodelled_error,
};
pub use router::{Dispatch, handle};

use super::{Protocol, Response};

/// The RPC v2 CBOR protocol a service speaks: whether its errors are also
/// named as awsQuery names them (`@awsQueryCompatible`, in
/// `x-amzn-query-error`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RpcV2Cbor {
    pub query_compatible: bool,
}

impl Protocol for RpcV2Cbor {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        response::error_with_message(self, status, type_name, message)
    }
}
