//! The protocols generated routers speak, each a module laid out alike:
//!
//! | file          | holds                                                                 |
//! |---------------|-----------------------------------------------------------------------|
//! | `mod.rs`      | the protocol's value ([`aws_json::AwsJson`], [`rest_json::RestJson`]) and the form of its errors ([`Protocol`]) |
//! | `router.rs`   | `Dispatch`, what a generated router implements, and `handle`: one request, from its head to its response |
//! | `request.rs`  | reading requests: what the protocol asks of a head, how members are bound |
//! | `response.rs` | writing responses and errors, and the protocol's refusals             |
//!
//! What they share lives once: [`Response`], [`contain_panics`], [`Serve`]
//! with [`crate::http::call`], and in [`crate::http`] the plumbing every
//! request goes through (body limits, content codings, the `Host` check,
//! request ids, several services behind one `tower::Service`). Adding a
//! protocol is adding a module here with the same four files, and its
//! twin in the generator's `emit/protocol/`.

pub mod aws_json;
pub mod aws_query;
pub mod cbor;
pub mod json;
pub mod query_error;
pub mod rest;
pub mod rest_json;
pub mod rest_xml;
pub mod rpc_v2;
pub mod rpc_v2_cbor;
pub mod rpc_v2_json;
pub mod several;
pub mod xml;

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};

use crate::ByteStream;
use crate::http::{BoxError, HttpResponse};

/// A response of any protocol, as a generated router writes it: status,
/// headers and body.
#[derive(Debug)]
pub struct Response {
    /// The HTTP status code; [`Response::into_http`] sends one outside
    /// 100 to 999 as 500.
    pub status: u16,
    /// The headers. [`Response::into_http`] adds `Content-Length` where
    /// the body's length is known.
    pub headers: HeaderMap,
    /// The body: bytes in memory, or a stream (a streaming payload), sent
    /// as it is read.
    pub body: ByteStream,
    /// Why the response could not be written as the output asks (a header
    /// value no header can hold, say): it is sent as an `InternalFailure`.
    failure: Option<String>,
}

impl Response {
    /// An empty response with `status`.
    pub fn new(status: u16) -> Self {
        Response { status, headers: HeaderMap::new(), body: ByteStream::empty(), failure: None }
    }

    /// A response with `status`, whose body is `body` of `media_type`.
    pub fn with_body(status: u16, media_type: &'static str, body: Vec<u8>) -> Self {
        let mut response = Response::new(status);
        response.set_body(media_type, Bytes::from(body));
        response
    }

    /// The body, when it is in memory (every body but a stream's); empty
    /// for a stream.
    pub fn body_bytes(&self) -> &[u8] {
        self.body.as_bytes().unwrap_or_default()
    }

    /// Makes the response an `InternalFailure`, for `why` (the first reason
    /// given is kept).
    pub(crate) fn fail(&mut self, why: String) {
        self.failure.get_or_insert(why);
    }

    /// Adds a header; text no header can hold fails the response.
    pub(crate) fn insert(&mut self, name: &str, text: String, append: bool) {
        let name = match HeaderName::try_from(name) {
            Ok(name) => name,
            Err(_) => return self.fail(format!("{name:?} is not a header name")),
        };
        match HeaderValue::try_from(text) {
            Ok(value) if append => {
                self.headers.append(name, value);
            }
            Ok(value) => {
                self.headers.insert(name, value);
            }
            Err(_) => self.fail(format!("the value of header {name} is not header text")),
        }
    }

    /// The body: `bytes` of `media_type`.
    pub(crate) fn set_body(&mut self, media_type: &'static str, bytes: Bytes) {
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        self.body = ByteStream::from(bytes);
    }

    /// The body: an output event stream's messages, `initial` (the
    /// `initial-response` of the protocols that send one) first.
    pub fn event_stream<T>(&mut self, events: crate::EventStream<T>, initial: Option<crate::event_stream::Message>)
    where
        T: crate::event_stream::WriteEvents + Send + 'static,
    {
        let media_type = HeaderValue::from_static(crate::event_stream::CONTENT_TYPE);
        self.headers.insert(CONTENT_TYPE, media_type);
        self.body = events.into_body(initial);
    }

    /// The response as HTTP; one that failed to be written is `protocol`'s
    /// `InternalFailure`.
    pub fn into_http<P: Protocol>(self, protocol: P) -> HttpResponse {
        if let Some(why) = self.failure {
            tracing::error!(why, "the response could not be written; answered InternalFailure");
            return protocol.internal_failure().into_http(protocol);
        }
        let length = self.body.exact_len();
        let mut http = http::Response::new(self.body);
        *http.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        *http.headers_mut() = self.headers;
        // A body whose length is known says it (a stream does not).
        if let Some(length) = length {
            http.headers_mut().insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        http
    }
}

/// The form of a protocol's errors, which the plumbing every protocol
/// shares (body limits, `Host`, SigV4, panics) answers in.
pub trait Protocol: Copy + Send + Sync + 'static {
    /// An error named `type_name` with `message`, sent with `status`.
    fn error(self, status: u16, type_name: &str, message: &str) -> Response;

    /// `InternalFailure`: the handler failed in a way the model does not
    /// describe.
    fn internal_failure(self) -> Response {
        self.error(500, "InternalFailure", "the server failed to handle the request")
    }
}

/// The protocol of a request, where it is known only once the request is
/// seen (a SigV4 layer, several services behind one `tower::Service`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyProtocol {
    /// awsJson1.0 or awsJson1.1.
    AwsJson(aws_json::AwsJson),
    /// restJson1.
    RestJson(rest_json::RestJson),
    /// awsQuery or ec2Query.
    AwsQuery(aws_query::AwsQuery),
    /// restXml.
    RestXml(rest_xml::RestXml),
    /// RPC v2 CBOR.
    RpcV2Cbor(rpc_v2_cbor::RpcV2Cbor),
    /// RPC v2 JSON.
    RpcV2Json(rpc_v2_json::RpcV2Json),
}

impl From<rpc_v2_json::RpcV2Json> for AnyProtocol {
    fn from(protocol: rpc_v2_json::RpcV2Json) -> Self {
        AnyProtocol::RpcV2Json(protocol)
    }
}

impl From<rpc_v2_cbor::RpcV2Cbor> for AnyProtocol {
    fn from(protocol: rpc_v2_cbor::RpcV2Cbor) -> Self {
        AnyProtocol::RpcV2Cbor(protocol)
    }
}

impl From<rest_xml::RestXml> for AnyProtocol {
    fn from(protocol: rest_xml::RestXml) -> Self {
        AnyProtocol::RestXml(protocol)
    }
}

impl From<aws_query::AwsQuery> for AnyProtocol {
    fn from(protocol: aws_query::AwsQuery) -> Self {
        AnyProtocol::AwsQuery(protocol)
    }
}

impl From<aws_json::AwsJson> for AnyProtocol {
    fn from(protocol: aws_json::AwsJson) -> Self {
        AnyProtocol::AwsJson(protocol)
    }
}

impl From<rest_json::RestJson> for AnyProtocol {
    fn from(protocol: rest_json::RestJson) -> Self {
        AnyProtocol::RestJson(protocol)
    }
}

impl Protocol for AnyProtocol {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        match self {
            AnyProtocol::AwsJson(protocol) => protocol.error(status, type_name, message),
            AnyProtocol::RestJson(protocol) => protocol.error(status, type_name, message),
            AnyProtocol::AwsQuery(protocol) => protocol.error(status, type_name, message),
            AnyProtocol::RestXml(protocol) => protocol.error(status, type_name, message),
            AnyProtocol::RpcV2Cbor(protocol) => protocol.error(status, type_name, message),
            AnyProtocol::RpcV2Json(protocol) => protocol.error(status, type_name, message),
        }
    }
}

/// The target of the event every router logs as it answers a request
/// (`answered`, its `status`), at `INFO`, in the request's span (`request`:
/// its `request_id`, `service` and `operation`): a server's request log.
pub const REQUEST_LOG_TARGET: &str = "awsgen::request";

/// `response` as HTTP in `protocol`'s form, with the request id, its
/// status logged in `span` ([`REQUEST_LOG_TARGET`]): how every router
/// answers.
pub(crate) fn answered<P: Protocol>(
    response: Response,
    protocol: P,
    span: &tracing::Span,
    request_id: &crate::context::RequestId,
) -> HttpResponse {
    log_answer(span, response.status);
    crate::http::with_id(response.into_http(protocol), request_id)
}

/// Logs that the request of `span` is answered with `status`
/// ([`REQUEST_LOG_TARGET`]).
pub(crate) fn log_answer(span: &tracing::Span, status: u16) {
    span.in_scope(|| tracing::info!(target: REQUEST_LOG_TARGET, status, "answered"));
}

/// Runs `handle`; a panic becomes `protocol`'s `InternalFailure`, and the
/// server goes on.
///
/// A future written by hand rather than an `async fn`: it holds `handle`
/// once, in place, where an `async fn` held it as an argument and again as
/// the future it polls (and the request's futures are moved, nesting level
/// by nesting level, as they start).
pub fn contain_panics<P: Protocol, F: Future<Output = Response>>(protocol: P, handle: F) -> ContainPanics<P, F> {
    ContainPanics { protocol, handle }
}

pin_project_lite::pin_project! {
    /// The future of [`contain_panics`].
    #[must_use = "futures do nothing unless polled"]
    pub struct ContainPanics<P, F> {
        protocol: P,
        #[pin]
        handle: F,
    }
}

impl<P: Protocol, F: Future<Output = Response>> Future for ContainPanics<P, F> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.project();
        match catch_unwind(AssertUnwindSafe(|| this.handle.poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                tracing::error!(panic = panic_message(&*payload), "the handler panicked; answered InternalFailure");
                Poll::Ready(this.protocol.internal_failure())
            }
        }
    }
}

/// A panic's message, if it has one.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

/// A generated router served over HTTP: its protocol's `handle`, which
/// [`crate::http::call`] runs as a `tower::Service::call` future.
pub trait Serve: Clone + Send + Sync + 'static {
    /// Handles one request; never panics. The future owns the router (a
    /// clone, as cheap as an `Arc`'s): `call` boxes it as it is.
    fn serve<B>(self, request: http::Request<B>) -> impl Future<Output = HttpResponse> + Send
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>;
}

pin_project_lite::pin_project! {
    /// A protocol's `handle` future: the response to a request refused
    /// before anything had to wait (its head, its host, its credentials),
    /// or the future that reads and answers it. A refusal takes no room in
    /// the future, which the server boxes per request.
    #[project = AnswerProjection]
    #[must_use = "futures do nothing unless polled"]
    pub enum Answer<F> {
        /// A request refused from its head: `response` is the refusal,
        /// taken when the future is first polled (`None` after that).
        //
        // `pin_project!` passes attributes on to variants but not to their
        // fields, so `response` cannot carry a doc comment of its own: the
        // variant's says what it is, and this lets the field go without.
        #[allow(missing_docs)]
        Refused { response: Option<HttpResponse> },
        /// A request admitted: `future` reads its body, runs the handler
        /// and answers.
        //
        // `future` cannot carry a doc comment either (see `Refused`).
        #[allow(missing_docs)]
        Admitted { #[pin] future: F },
    }
}

impl<F: Future<Output = HttpResponse>> Future for Answer<F> {
    type Output = HttpResponse;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<HttpResponse> {
        match self.project() {
            AnswerProjection::Refused { response } => {
                Poll::Ready(response.take().expect("an Answer is not polled after it is ready"))
            }
            AnswerProjection::Admitted { future } => future.poll(cx),
        }
    }
}

/// The check of a request's input event stream's signatures, where a
/// SigV4 layer verified the request and left their chain in `extensions`,
/// and what they may do to the response.
pub(crate) fn signed_events(
    extensions: &mut http::Extensions,
) -> (Option<crate::event_stream::Verifier>, ResponseGuard) {
    #[cfg(feature = "sigv4")]
    if let Some(signed) = extensions.remove::<crate::sigv4::SignedEvents>() {
        let (verifier, guard) = signed.guarded();
        return (Some(verifier), ResponseGuard { guard: Some(guard) });
    }
    let _ = extensions;
    (None, ResponseGuard::default())
}

/// A request whose body is its input event stream, as an RPC router hands
/// it on: its context (`request_id` and its head), the unread body's
/// events, and what their signatures may do to the response.
pub(crate) fn streamed_request<B>(
    mut parts: http::request::Parts,
    body: B,
    request_id: crate::context::RequestId,
) -> (crate::context::RequestContext, crate::event_stream::InputEvents, ResponseGuard)
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    crate::http::streamed(&parts);
    let body = ByteStream::from_body(crate::http::bytes_body(body));
    let (verifier, guard) = signed_events(&mut parts.extensions);
    let http::request::Parts { headers, extensions, .. } = parts;
    let context = crate::context::RequestContext::new(request_id, headers, extensions);
    (context, crate::event_stream::InputEvents::new(body, verifier), guard)
}

/// What a request's event signatures do to its response
/// (`sigv4::SignatureGuard`): nothing where they were not checked.
#[derive(Default)]
pub(crate) struct ResponseGuard {
    #[cfg(feature = "sigv4")]
    guard: Option<crate::sigv4::SignatureGuard>,
}

impl ResponseGuard {
    /// `response`, as the signatures allow.
    pub(crate) fn apply(self, response: Response, protocol: impl Into<AnyProtocol>) -> Response {
        #[cfg(feature = "sigv4")]
        if let Some(guard) = self.guard {
            return guard.guard(response, protocol);
        }
        let _ = protocol;
        response
    }
}
