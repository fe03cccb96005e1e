//! Smithy's RPC v2 CBOR (`smithy.protocols#rpcv2Cbor`): the RPC v2 protocol
//! ([`super::rpc_v2`]: routes, head, router) whose bodies are CBOR maps,
//! `smithy-protocol: rpc-v2-cbor`.
//!
//! [`request`] reads the input from the body, [`response`] writes
//! responses, errors and refusals with [`super::cbor`]'s writer.

pub mod request;
pub mod response;

pub use super::rpc_v2::{
    Dispatch, handle, internal_failure, no_output_response, not_implemented_response, unknown_operation,
};
pub use request::{CBOR, initial_request, input, read_event};
pub use response::{
    error_with_message, event_stream_response, modelled_error, output_response, rejection_response, unmodelled_error,
};

use super::rpc_v2::RpcV2;
use super::{Protocol, Response};

/// The RPC v2 CBOR protocol a service speaks: whether its errors are also
/// named as awsQuery names them (`@awsQueryCompatible`, in
/// `x-amzn-query-error`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RpcV2Cbor {
    /// `@awsQueryCompatible`: error responses also carry the error's
    /// awsQuery code and fault in `x-amzn-query-error`, where AWS SDKs read
    /// them.
    pub query_compatible: bool,
}

impl Protocol for RpcV2Cbor {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        response::error_with_message(self, status, type_name, message)
    }
}

impl RpcV2 for RpcV2Cbor {
    const MEDIA_TYPE: &'static str = CBOR;
    const NAME: &'static str = "rpc-v2-cbor";
    const TITLE: &'static str = "RPC v2 CBOR";
}
