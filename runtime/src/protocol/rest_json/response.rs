//! restJson1 responses: the members in neither headers nor the status
//! line ([`super::super::rest::response`]) in a JSON body or the payload;
//! errors with `X-Amzn-Errortype`.

use bytes::Bytes;
use serde_json::{Map, Value};

use super::RestJson;
use crate::protocol::json::{self, JsonWriter, ObjectWriter, WriteJson};
use crate::protocol::rest::WriteResponse;
use crate::protocol::{Protocol, Response};
use crate::validate::Rejection;
use crate::{ErrorShape, UnmodelledError};

/// The media type of JSON documents.
pub const JSON: &str = "application/json";

/// What generated [`WriteResponse`] impls write restJson1 bodies with.
impl Response {
    /// The body: a JSON object of the members `write` writes (those the
    /// response carries nowhere else).
    pub fn json_body(&mut self, write: impl FnOnce(&mut ObjectWriter<'_>)) {
        let mut out = JsonWriter::with_capacity(256);
        let mut object = out.object();
        write(&mut object);
        object.end();
        self.set_body(JSON, Bytes::from(out.into_bytes()));
    }

    /// `@httpPayload` on a structure, union or document: it is the body.
    pub fn json_payload<T: WriteJson + ?Sized>(&mut self, value: &T) {
        self.set_body(JSON, Bytes::from(json::to_vec(value)));
    }
}

/// A modelled error: its status, `X-Amzn-Errortype` and its members.
pub fn modelled_error<E: ErrorShape + WriteResponse>(error: E) -> Response {
    let mut response = Response::new(E::HTTP_STATUS);
    error.write_response(&mut response);
    response.insert("x-amzn-errortype", E::NAME.to_string(), false);
    response
}

/// An error the model does not list, by its name and status.
pub fn unmodelled_error(error: &UnmodelledError) -> Response {
    let mut fields = Map::new();
    if let Some(message) = &error.message {
        fields.insert("message".to_string(), Value::String(message.clone()));
    }
    error_response(error.status, &error.type_name, fields)
}

/// An error response: `X-Amzn-Errortype`, and `fields` as the JSON body.
pub fn error_response(status: u16, type_name: &str, fields: Map<String, Value>) -> Response {
    let mut response = Response::new(status);
    match serde_json::to_vec(&fields) {
        Ok(bytes) => response.set_body(JSON, Bytes::from(bytes)),
        Err(e) => response.fail(format!("the body could not be written: {e}")),
    }
    response.insert("x-amzn-errortype", type_name.to_string(), false);
    response
}

/// An error response with a message.
pub fn error_with_message(status: u16, type_name: &str, message: &str) -> Response {
    let mut fields = Map::new();
    fields.insert("message".to_string(), Value::String(message.to_string()));
    error_response(status, type_name, fields)
}

/// A refused request: `ValidationException` with every violation, or
/// `SerializationException` when it is malformed.
pub fn rejection_response(rejection: Rejection) -> Response {
    match rejection {
        Rejection::Invalid(exception) => match serde_json::to_value(&exception) {
            Ok(Value::Object(fields)) => error_response(400, "ValidationException", fields),
            _ => internal_failure(),
        },
        Rejection::Malformed(malformed) => error_with_message(400, "SerializationException", &malformed.to_string()),
    }
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure() -> Response {
    RestJson.internal_failure()
}
