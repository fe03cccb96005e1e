//! Writing RPC v2 CBOR responses: outputs as a CBOR map, errors as a map
//! of `__type` (the error's shape id) and its members; every response with
//! `smithy-protocol: rpc-v2-cbor` (and, for awsQuery-compatible services,
//! errors with `x-amzn-query-error`).

use super::RpcV2Cbor;
use super::request::CBOR;
use crate::protocol::cbor::{self, CborWriter, WriteCbor, WriteCborMembers};
use crate::protocol::rpc_v2::VALIDATION_EXCEPTION;
use crate::protocol::{Response, query_error, rpc_v2};
use crate::validate::Rejection;
use crate::{ErrorShape, UnmodelledError};

/// `response`, naming the protocol.
fn named(response: Response) -> Response {
    rpc_v2::named::<RpcV2Cbor>(response)
}

/// A successful response with `output` as its body.
pub fn output_response<T: WriteCbor + ?Sized>(protocol: RpcV2Cbor, output: &T) -> Response {
    let _ = protocol;
    named(Response::with_body(200, CBOR, cbor::to_vec(output)))
}

/// A successful response whose output has an event stream, `events`: the
/// stream is the body, its first message the `initial-response` event
/// whose CBOR payload is the rest of `output`.
pub fn event_stream_response<T, E>(protocol: RpcV2Cbor, output: &T, events: crate::EventStream<E>) -> Response
where
    T: WriteCbor + ?Sized,
    E: crate::event_stream::WriteEvents + Send + 'static,
{
    let _ = protocol;
    rpc_v2::event_stream_response::<RpcV2Cbor, E>(cbor::to_vec(output), events)
}

/// An error response whose body `write` writes after `__type`: `members`
/// entries besides it.
fn error_response(
    protocol: RpcV2Cbor,
    status: u16,
    type_name: &str,
    members: u64,
    write: impl FnOnce(&mut CborWriter),
) -> Response {
    let _ = protocol;
    let mut out = CborWriter::with_capacity(128);
    out.map(members + 1);
    out.text("__type");
    out.text(type_name);
    write(&mut out);
    named(Response::with_body(status, CBOR, out.into_bytes()))
}

/// An error response with a message.
pub fn error_with_message(protocol: RpcV2Cbor, status: u16, type_name: &str, text: &str) -> Response {
    error_response(protocol, status, type_name, 1, |out| {
        out.text("message");
        out.text(text);
    })
}

/// A modelled error, with its members and the status the model gives it;
/// for awsQuery-compatible services, with `x-amzn-query-error:
/// <code>;Sender` (or `;Receiver` for server faults).
pub fn modelled_error<E: ErrorShape + WriteCborMembers>(protocol: RpcV2Cbor, error: &E) -> Response {
    let response =
        error_response(protocol, E::HTTP_STATUS, E::SHAPE_ID, error.member_count(), |out| error.write_members(out));
    query_error::modelled::<E>(response, protocol.query_compatible)
}

/// An error the model does not list for the operation, with its own name,
/// status and message; for awsQuery-compatible services with
/// `x-amzn-query-error` (its name as the code).
pub fn unmodelled_error(protocol: RpcV2Cbor, error: &UnmodelledError) -> Response {
    let response = match &error.message {
        Some(text) => error_with_message(protocol, error.status, &error.type_name, text),
        None => error_response(protocol, error.status, &error.type_name, 0, |_| {}),
    };
    query_error::unmodelled(response, error, protocol.query_compatible)
}

/// A refused request body: `ValidationException` with every violation (its
/// message and `fieldList`, as the JSON protocols send it), or
/// `SerializationException` when the body is not of the right shape.
pub fn rejection_response(protocol: RpcV2Cbor, rejection: Rejection) -> Response {
    match rejection {
        Rejection::Invalid(exception) => error_response(protocol, 400, VALIDATION_EXCEPTION, 2, |out| {
            out.text("message");
            out.text(&exception.message);
            out.text("fieldList");
            out.array(exception.field_list.len() as u64);
            for field in &exception.field_list {
                out.map(2);
                out.text("path");
                out.text(&field.path);
                out.text("message");
                out.text(&field.message);
            }
        }),
        Rejection::Malformed(malformed) => {
            error_with_message(protocol, 400, "SerializationException", &malformed.to_string())
        }
    }
}
