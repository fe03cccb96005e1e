//! Writing RPC v2 CBOR responses: outputs as a CBOR map, errors as a map
//! of `__type` (the error's shape id) and its members; every response with
//! `smithy-protocol: rpc-v2-cbor` (and, for awsQuery-compatible services,
//! errors with `x-amzn-query-error`).

use super::RpcV2Cbor;
use super::request::{CBOR, SMITHY_PROTOCOL};
use crate::protocol::cbor::{self, CborWriter, WriteCbor, WriteCborMembers};
use crate::protocol::{Protocol, Response};
use crate::validate::Rejection;
use crate::{ErrorShape, UnmodelledError};

/// The shape id of the error every violation of an input is reported in.
const VALIDATION_EXCEPTION: &str = "smithy.framework#ValidationException";

/// `response`, naming the protocol.
fn named(mut response: Response) -> Response {
    response.insert(SMITHY_PROTOCOL.0, SMITHY_PROTOCOL.1.to_string(), false);
    response
}

/// A successful response with `output` as its body.
pub fn output_response<T: WriteCbor + ?Sized>(protocol: RpcV2Cbor, output: &T) -> Response {
    let _ = protocol;
    named(Response::with_body(200, CBOR, cbor::to_vec(output)))
}

/// A successful response of an operation with no output: no body, and so
/// no `Content-Type`.
pub fn no_output_response(protocol: RpcV2Cbor) -> Response {
    let _ = protocol;
    named(Response::new(200))
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
    let mut response =
        error_response(protocol, E::HTTP_STATUS, E::SHAPE_ID, error.member_count(), |out| error.write_members(out));
    if let (true, Some(code)) = (protocol.query_compatible, E::QUERY_CODE) {
        response.insert("x-amzn-query-error", format!("{code};{}", E::FAULT.query_name()), false);
    }
    response
}

/// An error the model does not list for the operation, with its own name,
/// status and message; for awsQuery-compatible services with
/// `x-amzn-query-error` (its name as the code).
pub fn unmodelled_error(protocol: RpcV2Cbor, error: &UnmodelledError) -> Response {
    let mut response = match &error.message {
        Some(text) => error_with_message(protocol, error.status, &error.type_name, text),
        None => error_response(protocol, error.status, &error.type_name, 0, |_| {}),
    };
    if protocol.query_compatible {
        response.insert("x-amzn-query-error", format!("{};{}", error.type_name, error.fault.query_name()), false);
    }
    response
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

/// `UnknownOperationException` (404) for a path that names no operation of
/// the service; the name is not repeated.
pub fn unknown_operation(protocol: RpcV2Cbor) -> Response {
    let text = "the request's path names no operation of this service";
    error_with_message(protocol, 404, "UnknownOperationException", text)
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure(protocol: RpcV2Cbor) -> Response {
    protocol.internal_failure()
}

/// `NotImplemented` (501) for an operation this server does not serve.
pub fn not_implemented_response(protocol: RpcV2Cbor, operation: &str, why: &str) -> Response {
    error_with_message(protocol, 501, "NotImplemented", &format!("{operation} {why}"))
}
