//! Writing awsJson responses: outputs as the JSON body, errors with
//! `__type` in the body and `X-Amzn-Errortype` (and, for
//! awsQuery-compatible services, `x-amzn-query-error`).

use serde_json::{Map, Value, json};

use super::{AwsJson, JsonVersion};
use crate::protocol::json::{self, JsonWriter, WriteJson, WriteMembers};
use crate::protocol::{Protocol, Response, query_error};
use crate::validate::Rejection;
use crate::{ErrorShape, UnmodelledError};

/// A successful response with `output` as its body.
pub fn output_response<T: WriteJson>(protocol: AwsJson, output: &T) -> Response {
    Response::with_body(200, protocol.content_type(), json::to_vec(output))
}

/// A successful response whose output has an event stream, `events`: the
/// stream is the body, its first message the `initial-response` event
/// whose JSON payload is the rest of `output` (clients wait for it before
/// the events: botocore refuses a stream that does not begin with it).
pub fn event_stream_response<T, E>(output: &T, events: crate::EventStream<E>) -> Response
where
    T: WriteJson,
    E: crate::event_stream::WriteEvents + Send + 'static,
{
    let initial = crate::event_stream::event(
        crate::event_stream::INITIAL_RESPONSE,
        Some("application/json"),
        json::to_vec(output),
    );
    let mut response = Response::new(200);
    response.event_stream(events, Some(initial));
    response
}

/// An error response: `__type` in the body and in `X-Amzn-Errortype`.
pub fn error_response(protocol: AwsJson, status: u16, type_name: &str, mut fields: Map<String, Value>) -> Response {
    fields.insert("__type".to_string(), Value::String(type_name.to_string()));
    let body = serde_json::to_vec(&fields).expect("a JSON map serialises");
    error_response_with_body(protocol, status, type_name, body)
}

/// An error response whose body, `__type` included, is written.
fn error_response_with_body(protocol: AwsJson, status: u16, type_name: &str, body: Vec<u8>) -> Response {
    let mut response = Response::with_body(status, protocol.content_type(), body);
    response.insert("x-amzn-errortype", type_name.to_string(), false);
    response
}

/// An error response with a message.
pub fn error_with_message(protocol: AwsJson, status: u16, type_name: &str, text: &str) -> Response {
    error_response(protocol, status, type_name, message(text))
}

/// A modelled error, with its members and the status the model gives it;
/// for awsQuery-compatible services, with `x-amzn-query-error:
/// <code>;Sender` (or `;Receiver` for server faults).
pub fn modelled_error<E: ErrorShape + WriteMembers>(protocol: AwsJson, error: &E) -> Response {
    let type_name = match protocol.version {
        JsonVersion::V1_0 => E::SHAPE_ID,
        JsonVersion::V1_1 => E::NAME,
    };
    // Its members, then `__type`.
    let mut out = JsonWriter::with_capacity(256);
    let mut object = out.object();
    error.write_members(&mut object);
    object.entry("__type", type_name);
    object.end();
    let response = error_response_with_body(protocol, E::HTTP_STATUS, type_name, out.into_bytes());
    query_error::modelled::<E>(response, protocol.query_compatible)
}

/// An error the model does not list for the operation, with its own name,
/// status and message; for awsQuery-compatible services with
/// `x-amzn-query-error` (its name as the code).
pub fn unmodelled_error(protocol: AwsJson, error: &UnmodelledError) -> Response {
    let fields = match &error.message {
        Some(text) => message(text),
        None => Map::new(),
    };
    let response = error_response(protocol, error.status, &error.type_name, fields);
    query_error::unmodelled(response, error, protocol.query_compatible)
}

/// A refused request body: `ValidationException` with every violation, or
/// `SerializationException` when the body is not of the right shape.
pub fn rejection_response(protocol: AwsJson, rejection: Rejection) -> Response {
    match rejection {
        Rejection::Invalid(exception) => match serde_json::to_value(&exception) {
            Ok(Value::Object(fields)) => error_response(protocol, 400, "ValidationException", fields),
            _ => internal_failure(protocol),
        },
        Rejection::Malformed(malformed) => {
            error_response(protocol, 400, "SerializationException", message(&malformed.to_string()))
        }
    }
}

/// `UnknownOperationException` for a missing or unknown `X-Amz-Target`.
/// The target is named only if it looks like one ([`super::shown_target`]).
pub fn unknown_operation(protocol: AwsJson, target: Option<&str>) -> Response {
    let text = match target.map(super::shown_target) {
        Some(Some(target)) => format!("unknown operation {target:?}"),
        Some(None) => "the X-Amz-Target header names no operation".to_string(),
        None => "missing X-Amz-Target header".to_string(),
    };
    error_response(protocol, 400, "UnknownOperationException", message(&text))
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure(protocol: AwsJson) -> Response {
    protocol.internal_failure()
}

/// `NotImplemented` (501) for an operation this server does not serve.
pub fn not_implemented_response(protocol: AwsJson, operation: &str, why: &str) -> Response {
    error_response(protocol, 501, "NotImplemented", message(&format!("{operation} {why}")))
}

fn message(text: &str) -> Map<String, Value> {
    match json!({ "message": text }) {
        Value::Object(fields) => fields,
        _ => unreachable!(),
    }
}
