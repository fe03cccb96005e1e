//! Writing RPC v2 JSON responses: outputs as a JSON object, errors as an
//! object of `__type` (the error's shape id) and its members; every
//! response with `smithy-protocol: rpc-v2-json` (and, for
//! awsQuery-compatible services, errors with `x-amzn-query-error`).

use super::RpcV2Json;
use super::request::JSON;
use crate::protocol::json::{self, JsonWriter, ObjectWriter, WriteJson, WriteMembers};
use crate::protocol::rpc_v2::VALIDATION_EXCEPTION;
use crate::protocol::{Response, query_error, rpc_v2};
use crate::validate::Rejection;
use crate::{ErrorShape, UnmodelledError};

/// `response`, naming the protocol.
fn named(response: Response) -> Response {
    rpc_v2::named::<RpcV2Json>(response)
}

/// A successful response with `output` as its body.
pub fn output_response<T: WriteJson + ?Sized>(protocol: RpcV2Json, output: &T) -> Response {
    let _ = protocol;
    named(Response::with_body(200, JSON, json::to_vec_rpc_v2(output)))
}

/// A successful response whose output has an event stream, `events`: the
/// stream is the body, its first message the `initial-response` event
/// whose JSON payload is the rest of `output`.
pub fn event_stream_response<T, E>(protocol: RpcV2Json, output: &T, events: crate::EventStream<E>) -> Response
where
    T: WriteJson + ?Sized,
    E: crate::event_stream::WriteEvents + Send + 'static,
{
    let _ = protocol;
    rpc_v2::event_stream_response::<RpcV2Json, E>(json::to_vec_rpc_v2(output), events)
}

/// An error response whose members `write` writes after `__type`.
fn error_response(
    protocol: RpcV2Json,
    status: u16,
    type_name: &str,
    write: impl FnOnce(&mut ObjectWriter<'_>),
) -> Response {
    let _ = protocol;
    let mut out = JsonWriter::rpc_v2(128);
    let mut object = out.object();
    object.entry("__type", type_name);
    write(&mut object);
    object.end();
    named(Response::with_body(status, JSON, out.into_bytes()))
}

/// An error response with a message.
pub fn error_with_message(protocol: RpcV2Json, status: u16, type_name: &str, text: &str) -> Response {
    error_response(protocol, status, type_name, |object| object.entry("message", text))
}

/// A modelled error, with its members and the status the model gives it;
/// for awsQuery-compatible services, with `x-amzn-query-error`.
pub fn modelled_error<E: ErrorShape + WriteMembers>(protocol: RpcV2Json, error: &E) -> Response {
    let response = error_response(protocol, E::HTTP_STATUS, E::SHAPE_ID, |object| error.write_members(object));
    query_error::modelled::<E>(response, protocol.query_compatible)
}

/// An error the model does not list for the operation, with its own name,
/// status and message; for awsQuery-compatible services with
/// `x-amzn-query-error` (its name as the code).
pub fn unmodelled_error(protocol: RpcV2Json, error: &UnmodelledError) -> Response {
    let response = error_response(protocol, error.status, &error.type_name, |object| {
        if let Some(text) = &error.message {
            object.entry("message", text.as_str());
        }
    });
    query_error::unmodelled(response, error, protocol.query_compatible)
}

/// A refused request body: `ValidationException` with every violation (its
/// message and `fieldList`, as the other JSON protocols send it), or
/// `SerializationException` when the body is not of the right shape.
pub fn rejection_response(protocol: RpcV2Json, rejection: Rejection) -> Response {
    match rejection {
        Rejection::Invalid(exception) => error_response(protocol, 400, VALIDATION_EXCEPTION, |object| {
            object.entry("message", exception.message.as_str());
            object.entry("fieldList", &FieldList(&exception.field_list));
        }),
        Rejection::Malformed(malformed) => {
            error_with_message(protocol, 400, "SerializationException", &malformed.to_string())
        }
    }
}

/// A `ValidationException`'s `fieldList`, as JSON.
struct FieldList<'a>(&'a [crate::validate::ValidationExceptionField]);

impl WriteJson for FieldList<'_> {
    fn write_json(&self, out: &mut JsonWriter) {
        out.raw("[");
        for (i, field) in self.0.iter().enumerate() {
            if i > 0 {
                out.raw(",");
            }
            let mut object = out.object();
            object.entry("path", field.path.as_str());
            object.entry("message", field.message.as_str());
            object.end();
        }
        out.raw("]");
    }
}
