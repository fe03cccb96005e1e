//! awsJson request handling that every generated service shares:
//! responses, errors in the protocol's form, and panic containment. It
//! knows nothing of HTTP libraries; `runtime::server` (feature
//! `server`) puts it behind hyper.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::context::RequestContext;
use crate::validate::Rejection;
use crate::{ErrorShape, Fault, UnmodelledError};

/// The awsJson protocol a service speaks: its version (which sets the media
/// type) and whether its errors are awsQuery-compatible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AwsJson {
    pub version: JsonVersion,
    /// `@awsQueryCompatible`: error responses also carry the error's awsQuery
    /// code in `x-amzn-query-error`, where AWS SDKs read it.
    pub query_compatible: bool,
}

/// An awsJson version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonVersion {
    /// awsJson1.0 (`application/x-amz-json-1.0`).
    V1_0,
    /// awsJson1.1 (`application/x-amz-json-1.1`).
    V1_1,
}

impl AwsJson {
    /// awsJson1.0.
    pub const V1_0: AwsJson = AwsJson { version: JsonVersion::V1_0, query_compatible: false };
    /// awsJson1.1.
    pub const V1_1: AwsJson = AwsJson { version: JsonVersion::V1_1, query_compatible: false };

    /// The protocol with awsQuery-compatible errors (`@awsQueryCompatible`).
    pub const fn with_query_errors(self) -> Self {
        AwsJson { query_compatible: true, ..self }
    }

    /// The protocol's media type, sent as `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self.version {
            JsonVersion::V1_0 => "application/x-amz-json-1.0",
            JsonVersion::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// A protocol response: status, headers and a JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Routes awsJson requests (`X-Amz-Target` and body) to a service. Generated
/// routers implement it; [`crate::http`] puts it behind HTTP.
pub trait Router: Send + Sync + 'static {
    /// The protocol the service speaks (for responses made outside
    /// [`Router::route`], such as a server's own errors).
    fn protocol(&self) -> AwsJson;

    /// The protocol of the service `target` (an `X-Amz-Target`) names: one
    /// router may hold services of both awsJson versions.
    fn protocol_of(&self, target: &str) -> AwsJson {
        let _ = target;
        self.protocol()
    }

    /// Whether the body of a request for `target` (an `X-Amz-Target`) may
    /// come gzipped (`Content-Encoding: gzip`): its operation has
    /// `@requestCompression` in the model.
    fn accepts_gzip(&self, target: &str) -> bool {
        let _ = target;
        false
    }

    /// The service's name as `X-Amz-Target` gives it, before `.<Operation>`.
    fn target_prefix(&self) -> &'static str;

    /// The name SigV4 credentials for the service are scoped to (the
    /// model's `@aws.auth#sigv4` `name`), if it has one: a request that a
    /// SigV4 layer verified for another service is refused
    /// (`InvalidSignatureException`).
    fn signing_name(&self) -> Option<&'static str> {
        None
    }

    /// The signing name of the service `target` names: one router may hold
    /// several services.
    fn signing_name_of(&self, target: &str) -> Option<&'static str> {
        let _ = target;
        self.signing_name()
    }

    /// Whether `target` (an `X-Amz-Target`) names this service, whatever
    /// the operation ([`operation_name`]).
    fn serves(&self, target: &str) -> bool {
        operation_name(Some(target), self.target_prefix()).is_some()
    }

    /// Handles one request; never panics.
    fn route(
        &self,
        context: RequestContext,
        target: Option<&str>,
        body: &[u8],
    ) -> impl Future<Output = Response> + Send;
}

/// The operation an `X-Amz-Target` names for the service `service`:
/// `<service>.<Operation>`. A target whose prefix ends in `.<service>` is
/// accepted too: botocore prefixes some services' names with a namespace
/// (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails`)
/// that the Smithy model does not record.
pub fn operation_name<'a>(target: Option<&'a str>, service: &str) -> Option<&'a str> {
    let (prefix, operation) = target?.rsplit_once('.')?;
    let named = prefix == service || prefix.strip_suffix(service).is_some_and(|rest| rest.ends_with('.'));
    named.then_some(operation)
}

/// A successful response with `output` as its body.
pub fn output_response<T: Serialize>(protocol: AwsJson, output: &T) -> Response {
    // Room for a typical response: growing from empty copied it eight times.
    let mut body = Vec::with_capacity(1024);
    match serde_json::to_writer(&mut body, output) {
        Ok(()) => Response { status: 200, headers: vec![("content-type", protocol.content_type().to_string())], body },
        Err(_) => internal_failure(protocol),
    }
}

/// An error response: `__type` in the body and in `X-Amzn-Errortype`.
pub fn error_response(protocol: AwsJson, status: u16, type_name: &str, mut fields: Map<String, Value>) -> Response {
    fields.insert("__type".to_string(), Value::String(type_name.to_string()));
    let body = serde_json::to_vec(&fields).expect("a JSON map serialises");
    error_response_with_body(protocol, status, type_name, body)
}

/// An error response whose body, `__type` included, is written.
fn error_response_with_body(protocol: AwsJson, status: u16, type_name: &str, body: Vec<u8>) -> Response {
    Response {
        status,
        headers: vec![
            ("content-type", protocol.content_type().to_string()),
            ("x-amzn-errortype", type_name.to_string()),
        ],
        body,
    }
}

/// A modelled error, with its members and the status the model gives it;
/// for awsQuery-compatible services, with `x-amzn-query-error:
/// <code>;Sender` (or `;Receiver` for server faults).
pub fn modelled_error<E: ErrorShape + Serialize>(protocol: AwsJson, error: &E) -> Response {
    let type_name = match protocol.version {
        JsonVersion::V1_0 => E::SHAPE_ID,
        JsonVersion::V1_1 => E::NAME,
    };
    // Written member by member, not through a `serde_json::Value`, which
    // would round big numbers to 64 bits.
    let mut response = match crate::json_object::write(error, &[], Some(("__type", type_name))) {
        Ok(body) => error_response_with_body(protocol, E::HTTP_STATUS, type_name, body),
        Err(_) => return internal_failure(protocol),
    };
    if let (true, Some(code)) = (protocol.query_compatible, E::QUERY_CODE) {
        response.headers.push(("x-amzn-query-error", format!("{code};{}", query_fault(E::FAULT))));
    }
    response
}

/// An error the model does not list for the operation, with its own name,
/// status and message; for awsQuery-compatible services with
/// `x-amzn-query-error` (its name as the code).
pub fn unmodelled_error(protocol: AwsJson, error: &UnmodelledError) -> Response {
    let fields = match &error.message {
        Some(text) => message(text),
        None => Map::new(),
    };
    let mut response = error_response(protocol, error.status, &error.type_name, fields);
    if protocol.query_compatible {
        response.headers.push(("x-amzn-query-error", format!("{};{}", error.type_name, query_fault(error.fault))));
    }
    response
}

/// The fault as awsQuery names it.
fn query_fault(fault: Fault) -> &'static str {
    match fault {
        Fault::Client => "Sender",
        Fault::Server => "Receiver",
    }
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
/// The target is named only if it looks like one ([`shown_target`]).
pub fn unknown_operation(protocol: AwsJson, target: Option<&str>) -> Response {
    let text = match target.map(shown_target) {
        Some(Some(target)) => format!("unknown operation {target:?}"),
        Some(None) => "the X-Amz-Target header names no operation".to_string(),
        None => "missing X-Amz-Target header".to_string(),
    };
    error_response(protocol, 400, "UnknownOperationException", message(&text))
}

/// `target` (an `X-Amz-Target`), if it may be repeated in a response or a
/// log: a service and operation name, at most 128 letters, digits, `.`,
/// `_` and `-`. Anything else is the client's own text, not echoed.
pub fn shown_target(target: &str) -> Option<&str> {
    let name = |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-');
    (!target.is_empty() && target.len() <= 128 && target.bytes().all(name)).then_some(target)
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure(protocol: AwsJson) -> Response {
    error_response(protocol, 500, "InternalFailure", message("the server failed to handle the request"))
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

/// What a service method that has not been implemented returns:
/// `NotImplemented` (HTTP 501), naming the operation.
pub fn not_implemented<E: From<UnmodelledError>>(operation: &str) -> E {
    UnmodelledError::server("NotImplemented", format!("{operation} is not implemented by this server"))
        .with_status(501)
        .into()
}

/// Runs `handle`; a panic becomes `InternalFailure`, and the server goes on.
pub async fn contain_panics<F: Future<Output = Response>>(protocol: AwsJson, handle: F) -> Response {
    match catch_panic(handle).await {
        Ok(response) => response,
        Err(what) => {
            tracing::error!(panic = what, "the handler panicked; answered InternalFailure");
            internal_failure(protocol)
        }
    }
}

/// Runs `future`, catching a panic: its message, if it has one.
pub(crate) async fn catch_panic<F: Future>(future: F) -> Result<F::Output, String> {
    (CatchUnwind { inner: Box::pin(future) }).await.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
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
