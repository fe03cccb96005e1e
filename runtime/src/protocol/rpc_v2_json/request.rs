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

/// The input of an operation whose input is an event stream, `events`:
/// the members of its `initial-request` message (a JSON object, as a body
/// is; none sent counts as `{}`), checked against `schema`, and the
/// stream's events after it.
pub async fn initial_request<T: Read>(
    schema: &'static Structure,
    events: crate::event_stream::InputEvents,
) -> Result<(T, crate::event_stream::InputEvents), Rejection> {
    events.read_initial(|payload| input(payload.unwrap_or(b"{}"), schema)).await
}
