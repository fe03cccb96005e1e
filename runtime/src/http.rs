//! The protocol core ([`Router`]) behind HTTP: [`handle`] turns an
//! `http::Request` into an `http::Response`, which is all a generated
//! router's `tower::Service` implementation does; [`Services`] puts several
//! services behind one `tower::Service`, routed by `X-Amz-Target`.
//!
//! Every response carries `x-amzn-requestid`: the [`RequestId`] a layer in
//! front put in the request's extensions, or a new one. Each request runs
//! in a `tracing` span, `request`, with the request id, the operation and
//! the target; the response's status is logged in it at `debug`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Buf;
use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Map, Value};
use tracing::Instrument;

use crate::context::{RequestContext, RequestId};
use crate::service::{AwsJson, Response, Router, error_response, unknown_operation};

mod coding;
mod hosts;

pub(crate) use coding::{Coding, UnsupportedCoding, content_coding};
use coding::{GunzipError, MAX_GZIP_MEMBERS, gunzip};

pub use ::http::Request;
pub use hosts::AllowedHosts;
pub use http_body::Body as HttpBody;
pub use tower_service::Service;

/// The body of every response: bytes, or a stream (a `@streaming`
/// payload) sent as it is produced.
pub type ResponseBody = crate::ByteStream;

/// What routers answer.
pub type HttpResponse = http::Response<ResponseBody>;

/// An error a request body may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future of a router's `tower::Service::call`.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, Infallible>> + Send>>;

/// The largest request body read when no [`BodyLimit`] says otherwise: 8 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 8 << 20;

/// A request extension that sets the largest request body [`handle`]
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

/// Handles one awsJson request with `router`: checks its head as awsJson
/// requires, reads the body within its limit (gunzipping it where the
/// operation allows), routes it with a [`RequestContext`] and returns the
/// response, with `x-amzn-requestid`. Never panics.
pub async fn handle<R, B>(router: &R, request: http::Request<B>) -> HttpResponse
where
    R: Router + ?Sized,
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let request_id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).map(str::to_string);
    // The operation the target names, if it names this service; the router
    // decides whether the service has it.
    let operation = target.as_deref().filter(|target| router.serves(target)).and_then(|target| target.rsplit_once('.'));
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        operation = operation.map_or("", |(_, operation)| operation),
        target = target.as_deref().and_then(crate::service::shown_target).unwrap_or(""),
    );
    let protocol = target.as_deref().map_or(router.protocol(), |target| router.protocol_of(target));
    let response = async {
        let gzip_allowed = target.as_deref().is_some_and(|target| router.accepts_gzip(target));
        let gzipped = match check_head(&parts, protocol, operation.is_some(), gzip_allowed) {
            Ok(gzipped) => gzipped,
            Err(refusal) => return refusal,
        };
        #[cfg(feature = "sigv4")]
        {
            let signing_name = target.as_deref().map_or(router.signing_name(), |target| router.signing_name_of(target));
            if let Some(refusal) = crate::sigv4::wrong_service(&parts, signing_name) {
                return refusal.response(protocol);
            }
        }
        let body = match read_body(&parts, body, protocol).await {
            Ok(body) if gzipped => match gunzip_body(&parts, &body) {
                Ok(body) => body,
                Err(refusal) => return refusal.aws_json(protocol),
            },
            Ok(body) => body,
            Err(refusal) => return refusal,
        };
        let context = RequestContext::new(request_id.clone(), parts.headers, parts.extensions);
        let response = router.route(context, target.as_deref(), &body).await;
        tracing::debug!(status = response.status, "answered");
        response
    }
    .instrument(span)
    .await;
    into_http(response, &request_id)
}

/// What awsJson asks of a request's head, checked before its body is
/// read: a POST to `/` with a `Host` (one the [`AllowedHosts`] extension
/// allows, if the request has it), one `X-Amz-Target`, the protocol's
/// media type and no content coding but gzip where `gzip_allowed` (the
/// operation has `@requestCompression`); whether the body is gzipped. The
/// media type is the `served` service's: a target no service serves is an
/// unknown operation, whatever its type.
fn check_head(
    parts: &http::request::Parts,
    protocol: AwsJson,
    served: bool,
    gzip_allowed: bool,
) -> Result<bool, Response> {
    if parts.method != Method::POST {
        return Err(error(protocol, 405, "MethodNotAllowedException", "awsJson requests are POSTs"));
    }
    if parts.uri.path() != "/" {
        return Err(error(protocol, 404, "UnknownOperationException", "awsJson requests are sent to /"));
    }
    if let Err(refusal) = check_host(parts) {
        return Err(error(protocol, refusal.status(), refusal.type_name(), refusal.message()));
    }
    if parts.headers.get_all("x-amz-target").iter().nth(1).is_some() {
        let text = "the request has more than one X-Amz-Target header";
        return Err(error(protocol, 400, "UnknownOperationException", text));
    }
    let media_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(|value| {
        // Parameters (`; charset=utf-8`) do not change the type.
        value.split(';').next().unwrap_or_default().trim()
    });
    if served && !media_type.is_some_and(|media_type| media_type.eq_ignore_ascii_case(protocol.content_type())) {
        let text = format!("requests are sent with Content-Type: {}", protocol.content_type());
        return Err(error(protocol, 415, "UnsupportedMediaTypeException", &text));
    }
    match content_coding(&parts.headers, gzip_allowed, false) {
        Ok(coding) => Ok(coding == Coding::Gzip),
        Err(UnsupportedCoding) => {
            Err(error(protocol, 415, "UnsupportedMediaTypeException", UnsupportedCoding::MESSAGE))
        }
    }
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
    /// The refusal as an awsJson response: 413, 408 or 400.
    pub(crate) fn aws_json(self, protocol: AwsJson) -> Response {
        match self {
            BodyRefusal::TooLarge(limit) => too_large(protocol, limit),
            BodyRefusal::TimedOut(text) => error(protocol, 408, "RequestTimeoutException", &text),
            BodyRefusal::Busy(text) => error(protocol, 503, "ServiceUnavailableException", &text),
            BodyRefusal::NotGzip(why) => error(protocol, 400, "SerializationException", why),
            BodyRefusal::Unreadable => {
                error(protocol, 400, "SerializationException", "the request body could not be read")
            }
        }
    }

    /// The refusal as a restJson1 response.
    pub(crate) fn rest_json(self) -> crate::rest::Response {
        use crate::rest::error_with_message;
        match self {
            BodyRefusal::TooLarge(limit) => error_with_message(
                413,
                "RequestEntityTooLargeException",
                &format!("request bodies are limited to {limit} bytes"),
            ),
            BodyRefusal::TimedOut(text) => error_with_message(408, "RequestTimeoutException", &text),
            BodyRefusal::Busy(text) => error_with_message(503, "ServiceUnavailableException", &text),
            BodyRefusal::NotGzip(why) => error_with_message(400, "SerializationException", why),
            BodyRefusal::Unreadable => {
                error_with_message(400, "SerializationException", "the request body could not be read")
            }
        }
    }
}

/// The body of the request with `parts`, read whole into one buffer of at
/// most the [`BodyLimit`]; or the protocol's refusal (413 for a body over
/// the limit, declared or sent).
pub(crate) async fn read_body<B>(parts: &http::request::Parts, body: B, protocol: AwsJson) -> Result<Vec<u8>, Response>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    read_limited(parts, body).await.map_err(|refusal| refusal.aws_json(protocol))
}

/// [`read_body`] for restJson1.
pub(crate) async fn read_rest_body<B>(parts: &http::request::Parts, body: B) -> Result<Vec<u8>, crate::rest::Response>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    read_limited(parts, body).await.map_err(BodyRefusal::rest_json)
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

/// [`handle`] as a `tower::Service::call` future, for generated routers.
pub fn call<R, B>(router: R, request: http::Request<B>) -> ResponseFuture
where
    R: Router,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    Box::pin(async move { Ok(handle(&router, request).await) })
}

fn error(protocol: AwsJson, status: u16, type_name: &str, text: &str) -> Response {
    let mut fields = Map::new();
    fields.insert("message".to_string(), Value::String(text.to_string()));
    error_response(protocol, status, type_name, fields)
}

fn too_large(protocol: AwsJson, limit: usize) -> Response {
    let text = format!("request bodies are limited to {limit} bytes");
    error(protocol, 413, "RequestEntityTooLargeException", &text)
}

/// `response` with the request id `id` (`x-amzn-requestid`).
pub(crate) fn with_id(mut response: HttpResponse, id: &RequestId) -> HttpResponse {
    if let Ok(id) = HeaderValue::try_from(id.as_str()) {
        response.headers_mut().insert("x-amzn-requestid", id);
    }
    response
}

/// The protocol's response as HTTP, with the request id.
pub fn into_http(response: Response, request_id: &RequestId) -> HttpResponse {
    let mut http = http::Response::new(crate::ByteStream::from(response.body));
    *http.status_mut() = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = http.headers_mut();
    for (name, value) in response.headers {
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.insert(name, value);
        }
    }
    with_id(http, request_id)
}

/// Several services behind one `tower::Service` (and one [`Router`]): each
/// request goes to the first service whose `X-Amz-Target` prefix it names;
/// a target none of them serves is an `UnknownOperationException`, in the
/// protocol of the first service.
#[derive(Clone, Default)]
pub struct Services {
    routers: Vec<Arc<dyn DynRouter>>,
    rest: Vec<crate::rest::SharedRestRouter>,
}

impl Services {
    /// No services yet: every request is an unknown operation.
    pub fn new() -> Self {
        Services::default()
    }

    /// These services and `router`.
    pub fn with<R: Router>(mut self, router: R) -> Self {
        self.routers.push(Arc::new(router));
        self
    }

    /// These services and the restJson1 service `router`: a request that
    /// names no awsJson service in `X-Amz-Target` goes to the first
    /// restJson1 service with a route for its method and path.
    pub fn with_rest<R: crate::rest::RestRouter>(mut self, router: R) -> Self {
        self.rest.push(Arc::new(router));
        self
    }

    /// The restJson1 router for `request`, if it is not an awsJson
    /// request: the first with a route for it, else the first with its
    /// path (its 405), else the first (its 404).
    fn rest_for<B>(&self, request: &http::Request<B>) -> Option<&crate::rest::SharedRestRouter> {
        // A lone restJson1 service routes (and refuses) every request
        // itself: routing it here would route it twice.
        match (self.routers.is_empty(), self.rest.as_slice()) {
            (_, []) => return None,
            (true, [only]) => return Some(only),
            _ => {}
        }
        let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok());
        if target.is_some_and(|target| self.find(target).is_some()) {
            return None;
        }
        let (method, uri) = (request.method().as_str(), request.uri());
        let routes =
            |router: &&crate::rest::SharedRestRouter| router.routes_dyn().route(method, uri.path(), uri.query());
        let found = self.rest.iter().find(|router| routes(router).is_ok());
        let elsewhere = || {
            self.rest
                .iter()
                .find(|router| matches!(routes(router), Err(crate::rest::RouteError::MethodNotAllowed { .. })))
        };
        // With awsJson services too, a request no route knows is theirs to refuse.
        match found.or_else(elsewhere) {
            Some(router) => Some(router),
            None if self.routers.is_empty() || target.is_none() && request.uri().path() != "/" => self.rest.first(),
            None => None,
        }
    }

    fn find(&self, target: &str) -> Option<&dyn DynRouter> {
        self.routers.iter().map(|router| &**router).find(|router| router.serves_target(target))
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("aws_json", &self.routers.iter().map(|router| router.prefix()).collect::<Vec<_>>())
            .field("rest_json", &self.rest.iter().map(|router| router.service_name_dyn()).collect::<Vec<_>>())
            .finish()
    }
}

impl Router for Services {
    fn protocol(&self) -> AwsJson {
        self.routers.first().map_or(AwsJson::V1_1, |router| router.aws_json())
    }

    fn protocol_of(&self, target: &str) -> AwsJson {
        self.find(target).map_or(self.protocol(), |router| router.aws_json())
    }

    fn accepts_gzip(&self, target: &str) -> bool {
        self.find(target).is_some_and(|router| router.gzip(target))
    }

    fn target_prefix(&self) -> &'static str {
        ""
    }

    fn signing_name_of(&self, target: &str) -> Option<&'static str> {
        self.find(target).and_then(|router| router.signing())
    }

    fn serves(&self, target: &str) -> bool {
        self.find(target).is_some()
    }

    async fn route(&self, context: RequestContext, target: Option<&str>, body: &[u8]) -> Response {
        match target.and_then(|target| self.find(target)) {
            Some(router) => router.route_boxed(context, target, body).await,
            None => unknown_operation(self.protocol(), target),
        }
    }
}

impl<B> tower_service::Service<http::Request<B>> for Services
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = HttpResponse;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> ResponseFuture {
        match self.rest_for(&request) {
            Some(router) => router.handle_boxed(request.map(|body| crate::ByteStream::from_body(bytes_body(body)))),
            None => call(self.clone(), request),
        }
    }
}

/// [`Router`] with boxed futures, so that services of different types can
/// share a list.
trait DynRouter: Send + Sync + 'static {
    fn aws_json(&self) -> AwsJson;
    fn prefix(&self) -> &'static str;
    fn serves_target(&self, target: &str) -> bool;
    fn gzip(&self, target: &str) -> bool;
    fn signing(&self) -> Option<&'static str>;
    fn route_boxed<'a>(
        &'a self,
        context: RequestContext,
        target: Option<&'a str>,
        body: &'a [u8],
    ) -> Pin<Box<dyn Future<Output = Response> + Send + 'a>>;
}

impl<R: Router> DynRouter for R {
    fn aws_json(&self) -> AwsJson {
        self.protocol()
    }

    fn prefix(&self) -> &'static str {
        self.target_prefix()
    }

    fn serves_target(&self, target: &str) -> bool {
        self.serves(target)
    }

    fn gzip(&self, target: &str) -> bool {
        self.accepts_gzip(target)
    }

    fn signing(&self) -> Option<&'static str> {
        self.signing_name()
    }

    fn route_boxed<'a>(
        &'a self,
        context: RequestContext,
        target: Option<&'a str>,
        body: &'a [u8],
    ) -> Pin<Box<dyn Future<Output = Response> + Send + 'a>> {
        Box::pin(self.route(context, target, body))
    }
}
