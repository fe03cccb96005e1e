//! Reading an RPC v2 JSON request's input from its body: the JSON readers
//! every JSON protocol shares (jiter, one pass, every violation collected),
//! with the protocol's two rules (timestamps as epoch seconds, big numbers
//! as strings; [`validate::parse_rpc_v2_json`]).

use crate::validate::{self, Read, Rejection, Structure};

/// The media type of every RPC v2 JSON body.
pub const JSON: &str = "application/json";

/// Reads the input `T` of an operation from a JSON `body` (empty for an
/// input sent with no body), checked against `schema`.
pub fn input<T: Read>(body: &[u8], schema: &'static Structure) -> Result<T, Rejection> {
    validate::parse_rpc_v2_json(schema, body)
}
