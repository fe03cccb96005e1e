//! awsJson1.1 request handling that every generated service shares:
//! responses, errors in the protocol's form, and panic containment. It
//! knows nothing of HTTP libraries; `runtime::server` (feature
//! `server`) puts it behind hyper.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::ErrorShape;
use super::validate::Rejection;

/// The awsJson1.1 media type.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// A protocol response: status, headers and a JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Routes awsJson requests (`X-Amz-Target` and body) to a service.
pub trait Router: Send + Sync + 'static {
    /// Handles one request; never panics.
    fn route(&self, target: Option<&str>, body: &[u8]) -> impl Future<Output = Response> + Send;
}

/// A successful response with `output` as its body.
pub fn output_response<T: Serialize>(output: &T) -> Response {
    match serde_json::to_vec(output) {
        Ok(body) => Response { status: 200, headers: vec![("content-type", CONTENT_TYPE.to_string())], body },
        Err(_) => internal_failure(),
    }
}

/// An error response: `__type` in the body and in `X-Amzn-Errortype`.
pub fn error_response(status: u16, type_name: &str, mut fields: Map<String, Value>) -> Response {
    fields.insert("__type".to_string(), Value::String(type_name.to_string()));
    Response {
        status,
        headers: vec![("content-type", CONTENT_TYPE.to_string()), ("x-amzn-errortype", type_name.to_string())],
        body: serde_json::to_vec(&fields).expect("a JSON map serialises"),
    }
}

/// A modelled error, with its members and the status the model gives it.
pub fn modelled_error<E: ErrorShape + Serialize>(error: &E) -> Response {
    match serde_json::to_value(error) {
        Ok(Value::Object(fields)) => error_response(E::HTTP_STATUS, E::NAME, fields),
        _ => internal_failure(),
    }
}

/// A refused request body: `ValidationException` with every violation, or
/// `SerializationException` when the body is not of the right shape.
pub fn rejection_response(rejection: Rejection) -> Response {
    match rejection {
        Rejection::Invalid(exception) => match serde_json::to_value(&exception) {
            Ok(Value::Object(fields)) => error_response(400, "ValidationException", fields),
            _ => internal_failure(),
        },
        Rejection::Malformed(malformed) => {
            error_response(400, "SerializationException", message(&malformed.to_string()))
        }
    }
}

/// `UnknownOperationException` for a missing or unknown `X-Amz-Target`.
pub fn unknown_operation(target: Option<&str>) -> Response {
    let text = match target {
        Some(target) => format!("unknown operation {target:?}"),
        None => "missing X-Amz-Target header".to_string(),
    };
    error_response(400, "UnknownOperationException", message(&text))
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure() -> Response {
    error_response(500, "InternalFailure", message("the server failed to handle the request"))
}

fn message(text: &str) -> Map<String, Value> {
    match json!({ "message": text }) {
        Value::Object(fields) => fields,
        _ => unreachable!(),
    }
}

/// The payload with which an unimplemented operation unwinds.
#[derive(Debug)]
pub struct NotImplemented {
    pub operation: &'static str,
}

/// The body of a service method that has not been implemented: it unwinds
/// (without running the panic hook, so nothing is logged) to the router,
/// which answers `NotImplemented`.
pub fn not_implemented<T>(operation: &'static str) -> T {
    resume_unwind(Box::new(NotImplemented { operation }))
}

/// Runs `handle`; a panic becomes `InternalFailure` (or `NotImplemented`
/// for an operation with no implementation), and the server goes on.
pub async fn contain_panics<F: Future<Output = Response>>(handle: F) -> Response {
    match (CatchUnwind { inner: Box::pin(handle) }).await {
        Ok(response) => response,
        Err(payload) => match payload.downcast::<NotImplemented>() {
            Ok(missing) => error_response(
                501,
                "NotImplemented",
                message(&format!("{} is not implemented by this server", missing.operation)),
            ),
            Err(_) => internal_failure(),
        },
    }
}

struct CatchUnwind<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
