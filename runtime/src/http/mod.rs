//! The HTTP plumbing every protocol shares: the types routers answer with,
//! body limits and content codings, the `Host` check, request ids, [`call`]
//! (a generated router's `tower::Service::call`) and [`Services`] (several
//! services behind one `tower::Service`). Each protocol's `handle`
//! ([`crate::protocol`]) runs a request through them.
//!
//! Every response carries `x-amzn-requestid`: the [`RequestId`] a layer in
//! front put in the request's extensions, or a new one. Each request runs
//! in a `tracing` span, `request`, with the request id and the operation
//! (and for awsJson the target); the response's status is logged in it at
//! `debug`.

use std::future::Future;
use std::pin::Pin;

use bytes::Buf;
use bytes::Bytes;
use http::HeaderValue;
use http_body_util::BodyExt;

use crate::context::RequestId;
use crate::protocol::{Protocol, Response, Serve};

pub mod aws_chunked;
pub mod checksum;
mod coding;
pub(crate) mod decode;
mod hosts;
mod services;

pub(crate) use coding::{Coding, UnsupportedCoding, content_coding};
use coding::{GunzipError, MAX_GZIP_MEMBERS, gunzip};

pub use ::http::Request;
pub use hosts::AllowedHosts;
pub(crate) use hosts::virtual_host_path;
pub use http_body::Body as HttpBody;
pub use services::Services;
pub use tower_service::Service;

/// The body of every response: bytes, or a stream (a `@streaming`
/// payload) sent as it is produced.
pub type ResponseBody = crate::ByteStream;

/// What routers answer.
pub type HttpResponse = http::Response<ResponseBody>;

/// An error a request body may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future of a router's `tower::Service::call`.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, std::convert::Infallible>> + Send>>;

/// The largest request body read when no [`BodyLimit`] says otherwise: 8 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 8 << 20;

/// A request extension that sets the largest request body a router
/// reads; longer bodies are refused with 413 before they are read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// The body limit of the request with `parts`.
pub(crate) fn body_limit(parts: &http::request::Parts) -> usize {
    parts.extensions.get::<BodyLimit>().map_or(DEFAULT_BODY_LIMIT, |limit| limit.0)
}

/// The body length `headers` declare (`Content-Length`), if they do.
pub(crate) fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse().ok())
}

/// Whether `headers` declare the media type `expected` (`Content-Type`,
/// whose parameters, `; charset=utf-8`, do not change the type).
pub(crate) fn declares_media_type(headers: &http::HeaderMap, expected: &str) -> bool {
    let declared = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    declared.is_some_and(|value| value.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case(expected))
}

/// Why a request's `Host` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HostRefusal {
    /// No readable `Host` header, and no authority in the URI.
    Missing,
    /// A host the [`AllowedHosts`] extension does not allow.
    NotAllowed,
}

impl HostRefusal {
    pub(crate) fn status(self) -> u16 {
        match self {
            HostRefusal::Missing => 400,
            HostRefusal::NotAllowed => 403,
        }
    }

    pub(crate) fn type_name(self) -> &'static str {
        match self {
            HostRefusal::Missing => "BadRequestException",
            HostRefusal::NotAllowed => "AccessDeniedException",
        }
    }

    pub(crate) fn message(self) -> &'static str {
        match self {
            HostRefusal::Missing => "the request has no readable Host header",
            HostRefusal::NotAllowed => {
                "this server answers only requests for the hosts it allows (loopback ones, and any it was given)"
            }
        }
    }

    /// The refusal in `protocol`'s form: 400 or 403.
    pub(crate) fn response<P: Protocol>(self, protocol: P) -> Response {
        protocol.error(self.status(), self.type_name(), self.message())
    }
}

/// Every request, of either protocol, names a host (its `Host` header, or
/// its URI's authority), and one the [`AllowedHosts`] extension allows if
/// the request has it.
pub(crate) fn check_host(parts: &http::request::Parts) -> Result<(), HostRefusal> {
    let host = match parts.headers.get(http::header::HOST) {
        Some(host) => host.to_str().ok(),
        None => parts.uri.authority().map(|authority| authority.as_str()),
    };
    let Some(host) = host else { return Err(HostRefusal::Missing) };
    if parts.extensions.get::<AllowedHosts>().is_some_and(|allowed| !allowed.allows(host)) {
        return Err(HostRefusal::NotAllowed);
    }
    Ok(())
}

/// `body` gzip-decoded within the [`BodyLimit`] of the request with
/// `parts`: a body that is not gzip is a `SerializationException`, one that
/// inflates past the limit a 413.
pub(crate) fn gunzip_body(parts: &http::request::Parts, body: &[u8]) -> Result<Vec<u8>, BodyRefusal> {
    let limit = body_limit(parts);
    gunzip(body, limit).map_err(|e| match e {
        GunzipError::NotGzip => BodyRefusal::NotGzip(NOT_GZIP),
        GunzipError::TooManyMembers => BodyRefusal::NotGzip(TOO_MANY_MEMBERS),
        GunzipError::TooLarge => BodyRefusal::TooLarge(limit),
    })
}

const NOT_GZIP: &str = "the request body is not valid gzip";
const TOO_MANY_MEMBERS: &str = "the request body has more gzip members than the server takes (64)";
const _: () = assert!(MAX_GZIP_MEMBERS == 64, "TOO_MANY_MEMBERS names the bound");

/// Why a request body was not read.
pub(crate) enum BodyRefusal {
    /// Longer than the limit, declared or sent.
    TooLarge(usize),
    /// The server's deadline for it passed.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    TimedOut(String),
    /// It arrived, but waited too long for a place in flight.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    Busy(String),
    /// The connection failed while it was read.
    Unreadable,
    /// It says it is gzipped, and is not (or has too many members): why.
    NotGzip(&'static str),
}

impl BodyRefusal {
    /// The refusal in `protocol`'s form: 413, 408, 503 or 400.
    pub(crate) fn response<P: Protocol>(self, protocol: P) -> Response {
        match self {
            BodyRefusal::TooLarge(limit) => protocol.error(
                413,
                "RequestEntityTooLargeException",
                &format!("request bodies are limited to {limit} bytes"),
            ),
            BodyRefusal::TimedOut(text) => protocol.error(408, "RequestTimeoutException", &text),
            BodyRefusal::Busy(text) => protocol.error(503, "ServiceUnavailableException", &text),
            BodyRefusal::NotGzip(why) => protocol.error(400, "SerializationException", why),
            BodyRefusal::Unreadable => {
                protocol.error(400, "SerializationException", "the request body could not be read")
            }
        }
    }
}

/// The body, within the [`BodyLimit`]. Each chunk is copied and let go as
/// it arrives: collecting the chunks kept the buffer each was read into,
/// so a body sent a byte per chunk held some forty times its length.
pub(crate) async fn read_limited<B>(parts: &http::request::Parts, body: B) -> Result<Vec<u8>, BodyRefusal>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let limit = body_limit(parts);
    let declared = declared_length(&parts.headers);
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(BodyRefusal::TooLarge(limit));
    }
    // The declared length sizes the buffer, within reason: a client may
    // declare a length and send nothing.
    let expected = declared.map_or(0, |length| length.min(16 << 10) as usize);
    let mut buffer = Vec::with_capacity(expected);
    let mut body = std::pin::pin!(body);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| unreadable(e.into()))?;
        let Ok(mut data) = frame.into_data() else { continue };
        if data.remaining() > limit - buffer.len() {
            return Err(BodyRefusal::TooLarge(limit));
        }
        while data.has_remaining() {
            let chunk = data.chunk();
            buffer.extend_from_slice(chunk);
            let read = chunk.len();
            data.advance(read);
        }
    }
    Ok(buffer)
}

/// Why a body could not be read: the server's deadline for it passed, or
/// something else.
fn unreadable(e: BoxError) -> BodyRefusal {
    #[cfg(feature = "server")]
    if let Some(timed_out) = e.downcast_ref::<crate::server::BodyTimedOut>() {
        return BodyRefusal::TimedOut(timed_out.to_string());
    }
    #[cfg(feature = "server")]
    if let Some(busy) = e.downcast_ref::<crate::server::ServerBusy>() {
        return BodyRefusal::Busy(busy.to_string());
    }
    drop(e);
    BodyRefusal::Unreadable
}

/// The body of the request with `parts` is handed to its handler as a
/// stream: the server does not count it against the bytes bodies buffer.
pub(crate) fn streamed(parts: &http::request::Parts) {
    #[cfg(feature = "server")]
    if let Some(account) = parts.extensions.get::<crate::server::BodyAccount>() {
        account.streamed();
    }
    #[cfg(not(feature = "server"))]
    let _ = parts;
}

/// `body` as a body of `Bytes` frames, its errors boxed: what a
/// [`ByteStream`](crate::ByteStream) holds.
pub(crate) fn bytes_body<B>(body: B) -> impl http_body::Body<Data = Bytes, Error = BoxError> + Send + 'static
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    body.map_frame(|frame| frame.map_data(|mut data| data.copy_to_bytes(data.remaining()))).map_err(Into::into)
}

/// A router's `tower::Service::call` future: its protocol's `handle`.
pub fn call<R, B>(router: R, request: http::Request<B>) -> ResponseFuture
where
    R: Serve,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    boxed(router.serve(request))
}

/// `response`, boxed as a `tower::Service::call` future: the one
/// allocation a request's futures take (an `async` block around it would
/// hold the request twice).
pub(crate) fn boxed<F>(response: F) -> ResponseFuture
where
    F: Future<Output = HttpResponse> + Send + 'static,
{
    Box::pin(Infallible { response })
}

pin_project_lite::pin_project! {
    /// A future that cannot fail, as `tower::Service` futures are written.
    struct Infallible<F> {
        #[pin]
        response: F,
    }
}

impl<F: Future<Output = HttpResponse>> Future for Infallible<F> {
    type Output = Result<HttpResponse, std::convert::Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        self.project().response.poll(cx).map(Ok)
    }
}

/// `response` with the request id `id` (`x-amzn-requestid`).
pub(crate) fn with_id(mut response: HttpResponse, id: &RequestId) -> HttpResponse {
    if let Ok(id) = HeaderValue::try_from(id.as_str()) {
        response.headers_mut().insert(X_AMZN_REQUESTID, id);
    }
    response
}

/// `x-amzn-requestid` (a constant: a name given as text is parsed at every
/// insert).
const X_AMZN_REQUESTID: http::HeaderName = http::HeaderName::from_static("x-amzn-requestid");
