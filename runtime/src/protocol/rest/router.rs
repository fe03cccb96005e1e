//! [`Dispatch`], what a generated restJson1 or restXml router implements, and
//! [`handle`], which serves one HTTP request with it: routing by method and
//! path ([`super::Routes`]), the checks of the request's head the protocol
//! asks for (`Content-Type`, `Accept`), reading the body, and the call.

use std::future::Future;
use std::sync::Arc;

use http::header::{ACCEPT, CONTENT_TYPE};
use http_body_util::BodyExt as _;
use tracing::Instrument;

use super::payload::{self, ResponseRules};
use super::request::{Head, HeadSource, HttpInput, Location};
use super::{RouteError, Routes};
use crate::ByteStream;
use crate::context::{RequestContext, RequestId};
use crate::http::{BoxError, HttpResponse, ResponseFuture};
use crate::protocol::{Answer, Protocol, Response, answered, contain_panics};
use crate::validate::{self, ReadHttp, Rejection, Structure};

/// What the runtime knows of an operation before it is called.
#[derive(Debug)]
pub struct Operation {
    /// The operation's name.
    pub name: &'static str,
    /// Its place in the generated router's `match`.
    pub index: usize,
    /// How its input is bound to the request.
    pub input: &'static HttpInput,
    /// The media type of its successful responses' body, which `Accept`
    /// must allow; `None` for an operation with no output.
    pub output: Option<&'static str>,
    /// The input's payload is a `@streaming` blob: the body is handed to
    /// the operation unread.
    pub streaming: bool,
}

/// The media type of a payload that may be of any type (a blob without
/// `@mediaType`): any `Content-Type` is accepted, and any `Accept`.
pub const ANY_MEDIA_TYPE: &str = "*/*";

/// The input of an operation with none.
pub static NO_INPUT: HttpInput = HttpInput { bound: &[], content_type: None };

/// A request routed to an operation, its head checked.
pub struct RoutedRequest {
    /// The route's label values, decoded.
    pub labels: Vec<(&'static str, String)>,
    /// The query string, undecoded.
    pub query: Option<String>,
    /// The body, read whole; empty for a streaming operation.
    pub body: Vec<u8>,
    /// The body, unread, for a streaming operation.
    pub stream: Option<ByteStream>,
    /// The check of an input event stream's signatures, where a SigV4
    /// layer verified the request.
    pub verifier: Option<crate::event_stream::Verifier>,
}

impl RoutedRequest {
    /// Reads the input `T` of an operation bound by `bindings`, checked
    /// against `schema`, from this request and `context`'s headers.
    pub fn input<T: ReadHttp>(
        &self,
        context: &RequestContext,
        bindings: &'static HttpInput,
        schema: &'static Structure,
    ) -> Result<T, Rejection> {
        let head =
            Head { labels: &self.labels, query: self.query.as_deref(), headers: context.headers(), body: &self.body };
        let mut source = HeadSource::new(bindings, schema, &head).map_err(Rejection::Malformed)?;
        // A blob or string payload is read by the head's source; a JSON
        // body as it is.
        let raw = bindings.bound.iter().any(|b| matches!(b.location, Location::RawPayload | Location::TextPayload));
        let body: &[u8] = if raw { b"" } else { &self.body };
        validate::parse_http(schema, &mut source, body, None)
    }

    /// The unread body of a streaming operation.
    pub fn take_stream(&mut self) -> ByteStream {
        self.stream.take().unwrap_or_default()
    }

    /// The events of an operation's input event stream, each read as it
    /// arrives, its signature checked where the request's was.
    pub fn take_events<T: crate::event_stream::ReadEvents + Send + 'static>(&mut self) -> crate::EventStream<T> {
        let body = self.take_stream();
        crate::EventStream::from_signed_body(body, self.verifier.take())
    }
}

/// A generated restJson1 or restXml router: its protocol, its routes, and
/// the call of an operation.
pub trait Dispatch: Clone + Send + Sync + 'static {
    /// The protocol, whose errors refusals are written in.
    type Protocol: Protocol + Into<crate::protocol::AnyProtocol>;

    /// The service's protocol (restXml's says how errors are wrapped).
    const PROTOCOL: Self::Protocol;

    /// The service's name, for logs.
    fn service_name(&self) -> &'static str;

    /// The service's routes, built once.
    fn routes(&self) -> &'static Routes<&'static Operation>;

    /// Whether the body of a request for `operation` may come gzipped
    /// (`Content-Encoding: gzip`): the operation has `@requestCompression`
    /// in the model, and its input is not a stream.
    fn accepts_gzip(&self, operation: &'static Operation) -> bool {
        let _ = operation;
        false
    }

    /// The name SigV4 credentials for the service are scoped to (the
    /// model's `@aws.auth#sigv4` `name`), if it has one: a request that a
    /// SigV4 layer verified for another service is refused
    /// (`InvalidSignatureException`).
    fn signing_name(&self) -> Option<&'static str> {
        None
    }

    /// Whether a request may name the resource its URI begins with in its
    /// host instead (virtual-hosted-style, as S3's clients name a bucket:
    /// `mybucket.s3.us-west-2.amazonaws.com/key` is `/mybucket/key`): the
    /// host's labels before the service's signing name, or before a final
    /// `localhost`, are the path's first segment. Generated for restXml
    /// services whose URIs begin with a label.
    fn virtual_hosting(&self) -> bool {
        false
    }

    /// Calls `operation` with `request` (its panics are contained by
    /// [`handle`]).
    fn call_operation(
        &self,
        context: &RequestContext,
        operation: &'static Operation,
        request: RoutedRequest,
    ) -> impl Future<Output = Response> + Send;
}

/// Handles one restJson1 or restXml request with `router`: checks its `Host` (403 for
/// one the [`AllowedHosts`](crate::http::AllowedHosts) extension does not
/// allow, 400 for none where that extension is set), routes it (an
/// unmatched one is an `UnknownOperationException`, 404, or 405 for a path
/// that another method has), checks its `Accept` and `Content-Type`, reads
/// its body within its limit, and calls the operation. Every response
/// carries `x-amzn-requestid`. Never panics.
///
/// What needs no waiting (the host, the route, the head) is checked before
/// the future is made, so that it holds the request once; only the call
/// runs in the request's span, where the handler's own events happen.
pub fn handle<R, B>(router: R, request: http::Request<B>) -> Answer<impl Future<Output = HttpResponse>>
where
    R: Dispatch,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let request_id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
    let virtual_path = match (router.virtual_hosting(), router.signing_name()) {
        (true, Some(service)) => crate::http::virtual_host_path(&parts, service),
        _ => None,
    };
    let path = virtual_path.as_deref().unwrap_or(parts.uri.path());
    let query = parts.uri.query();
    let routed = router.routes().route_fitting(parts.method.as_str(), path, query, |operation, pattern| {
        fits_without_id(operation, pattern, query, &parts.headers)
    });
    let operation_name = routed.as_ref().map_or("", |found| found.value.name);
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        service = router.service_name(),
        operation = operation_name,
    );
    let Admitted { operation, labels, coding } = match admit(&router, &parts, routed) {
        Ok(admitted) => admitted,
        Err(refusal) => return Answer::Refused { response: Some(answered(*refusal, R::PROTOCOL, &span, &request_id)) },
    };
    let future = async move {
        let mut parts = parts;
        let rules = ResponseRules::of(&parts, operation);
        let refused = |refusal: Response| answered(refusal, R::PROTOCOL, &span, &request_id);
        // An aws-chunked payload stream is decoded and checked as the
        // handler reads it; any other aws-chunked body is read whole, within
        // the limit, and undone, its trailers made headers.
        let chunked = crate::http::aws_chunked::is_chunked(&parts.headers);
        if chunked && operation.streaming {
            crate::http::streamed(&parts);
            let (stream, mismatch) =
                match payload::chunked_stream(&mut parts, crate::http::bytes_body(body).boxed_unsync(), operation) {
                    Ok(streamed) => streamed,
                    Err(error) => return refused(error.response(R::PROTOCOL)),
                };
            let request_parts = (parts, Vec::new(), Some(stream), Some(mismatch));
            return call(router, operation, labels, request_parts, rules, span, request_id).await;
        }
        let (body, stream) = if chunked {
            let framed = match crate::http::read_limited(&parts, body).await {
                Ok(framed) => framed,
                Err(refusal) => return refused(refusal.response(R::PROTOCOL)),
            };
            match payload::unchunk(&mut parts, &framed) {
                Ok(decoded) if coding == crate::http::Coding::Gzip => {
                    (crate::http::gunzip_body(&parts, &decoded.data), None)
                }
                Ok(decoded) => (Ok(decoded.data), None),
                Err(error) => return refused(error.response(R::PROTOCOL)),
            }
        } else if operation.streaming {
            crate::http::streamed(&parts);
            (Ok(Vec::new()), Some(ByteStream::from_body(crate::http::bytes_body(body))))
        } else {
            match crate::http::read_limited(&parts, body).await {
                Ok(body) if coding == crate::http::Coding::Gzip => (crate::http::gunzip_body(&parts, &body), None),
                read => (read, None),
            }
        };
        let body = match body {
            Ok(body) => body,
            Err(refusal) => return refused(refusal.response(R::PROTOCOL)),
        };
        // The checksums the request promises: a body in memory is checked
        // now, a stream as the handler reads it.
        let expected = match payload::expected(operation, &parts.headers) {
            Ok(expected) => expected,
            Err(error) => return refused(error.response(R::PROTOCOL)),
        };
        let (stream, mismatch) = match stream {
            Some(stream) if !expected.is_empty() => match stream.as_bytes() {
                Some(bytes) => match expected.verify(bytes) {
                    Ok(()) => (Some(stream), None),
                    Err(error) => return refused(error.response(R::PROTOCOL)),
                },
                None => {
                    let (stream, mismatch) = payload::verified(stream, expected);
                    (Some(stream), Some(mismatch))
                }
            },
            stream => {
                if let Err(error) = expected.verify(&body) {
                    return refused(error.response(R::PROTOCOL));
                }
                (stream, None)
            }
        };
        call(router, operation, labels, (parts, body, stream, mismatch), rules, span, request_id).await
    };
    Answer::Admitted { future }
}

/// Calls `operation` with the request (its head, its body or stream, and
/// where a stream's reader leaves what it found wrong), and answers.
async fn call<R: Dispatch>(
    router: R,
    operation: &'static Operation,
    labels: Vec<(&'static str, String)>,
    (parts, body, stream, mismatch): (http::request::Parts, Vec<u8>, Option<ByteStream>, Option<payload::Mismatch>),
    rules: ResponseRules,
    span: tracing::Span,
    request_id: RequestId,
) -> HttpResponse {
    let http::request::Parts { uri, headers, mut extensions, .. } = parts;
    // A SigV4 layer's chain of signatures for the input stream's events.
    let (verifier, guard) = crate::protocol::signed_events(&mut extensions);
    let request = RoutedRequest { labels, query: uri.query().map(str::to_string), body, stream, verifier };
    let context = RequestContext::new(request_id, headers, extensions);
    let call = contain_panics(R::PROTOCOL, router.call_operation(&context, operation, request));
    let mut response = call.instrument(span.clone()).await;
    // A stream that did not keep its checksum is refused, whatever the
    // handler made of its error.
    if let Some(error) = mismatch.as_ref().and_then(|mismatch| mismatch.get()) {
        response = error.response(R::PROTOCOL);
    }
    // So is one whose events' signatures failed.
    response = guard.apply(response, R::PROTOCOL);
    crate::protocol::log_answer(&span, response.status);
    crate::http::with_id(rules.apply(response, R::PROTOCOL), context.request_id())
}

/// A request the router will call an operation for.
struct Admitted {
    operation: &'static Operation,
    /// The route's label values, decoded.
    labels: Vec<(&'static str, String)>,
    /// The body's content coding.
    coding: crate::http::Coding,
}

/// The operation a request is routed to, its labels and its body's coding,
/// once the request's host, credentials and head are checked; or the
/// refusal (boxed: refusals are rare, and a `Response` is large).
///
/// The host is checked before routing: a host it does not answer learns
/// nothing of the routes. Where no hosts are set
/// ([`AllowedHosts`](crate::http::AllowedHosts), which the server always
/// sets), a request without `Host` is served: routes need none, and
/// `@httpPrefixHeaders("")` reads what was sent.
fn admit<R: Dispatch>(
    router: &R,
    parts: &http::request::Parts,
    routed: Result<super::Match<'static, &'static Operation>, RouteError>,
) -> Result<Admitted, Box<Response>> {
    let hosts_set = parts.extensions.get::<crate::http::AllowedHosts>().is_some();
    if hosts_set || parts.headers.contains_key(http::header::HOST) {
        crate::http::check_host(parts).map_err(|refusal| Box::new(refusal.response(R::PROTOCOL)))?;
    }
    #[cfg(feature = "sigv4")]
    if let Some(refusal) = crate::sigv4::wrong_service(parts, router.signing_name()) {
        return Err(Box::new(refusal.response(R::PROTOCOL)));
    }
    let found = routed.map_err(|e| Box::new(unroutable(R::PROTOCOL, &e)))?;
    let operation: &'static Operation = found.value;
    if let Some(refusal) = check_head(R::PROTOCOL, parts, operation) {
        return Err(Box::new(refusal));
    }
    let gzip = router.accepts_gzip(operation) && !operation.streaming;
    let coding = crate::http::content_coding(&parts.headers, gzip, binds_content_encoding(operation), true).map_err(
        |crate::http::UnsupportedCoding| Box::new(unsupported(R::PROTOCOL, crate::http::UnsupportedCoding::MESSAGE)),
    )?;
    Ok(Admitted { operation, labels: found.labels, coding })
}

/// How closely a request that leaves out the operation id (`x-id`) of a
/// pattern it matches fits that pattern's operation, if at all. S3's
/// models write the id into the URIs of operations that share a path
/// (DeleteObject and AbortMultipartUpload: `DELETE /{Bucket}/{Key+}`;
/// PutObject, CopyObject, UploadPart and UploadPartCopy: `PUT`), and
/// clients that do not send it (botocore) tell them apart by what they
/// send: an operation fits when its required query parameters and headers
/// are all sent (the more of them, the closer: CopyObject's
/// `x-amz-copy-source` over PutObject), and no query parameter it neither
/// binds nor has as a literal (`?tagging`, for GetObjectTagging, in a
/// model that has GetObject and not it) but a presigned URL's (SigV4's
/// `X-Amz-*`, SigV2's `AWSAccessKeyId`, `Signature` and `Expires`).
fn fits_without_id(
    operation: &Operation,
    pattern: &super::UriPattern,
    query: Option<&str>,
    headers: &http::HeaderMap,
) -> Option<usize> {
    let literals = pattern.query_literals();
    if !literals.iter().any(|literal| literal.key == "x-id") {
        return Some(0);
    }
    let sent: Vec<std::borrow::Cow<'_, str>> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let key = p.split_once('=').map_or(p, |(key, _)| key);
            crate::http::decode::percent_decode(key, true).unwrap_or_default()
        })
        .collect();
    if sent.iter().any(|key| key == "x-id") {
        return Some(0);
    }
    let bound = operation.input.bound.iter();
    let mut required = 0;
    for b in bound.clone().filter(|b| b.required) {
        let is_sent = match b.location {
            Location::Query(name) => sent.iter().any(|key| key == name),
            Location::Header(name) | Location::EncodedHeader(name) => headers.contains_key(name),
            _ => continue,
        };
        if !is_sent {
            return None;
        }
        required += 1;
    }
    let takes_all = bound.clone().any(|b| b.location == Location::QueryParams);
    let known = |key: &str| {
        literals.iter().any(|literal| literal.key == key)
            || bound.clone().any(|b| matches!(b.location, Location::Query(name) if name == key))
            || key.get(..6).is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-amz-"))
            || matches!(key, "AWSAccessKeyId" | "Signature" | "Expires")
    };
    (takes_all || sent.iter().all(|key| known(key))).then_some(required)
}

/// Whether `operation` binds `Content-Encoding` to an input member, which
/// then holds the codings a client applied itself.
fn binds_content_encoding(operation: &Operation) -> bool {
    let content_encoding = |name: &str| name.eq_ignore_ascii_case("content-encoding");
    operation.input.bound.iter().any(|bound| matches!(bound.location, Location::Header(name) if content_encoding(name)))
}

/// The answer to a request that matches no route.
fn unroutable<P: Protocol>(protocol: P, e: &RouteError) -> Response {
    let mut response = protocol.error(e.status(), "UnknownOperationException", &e.to_string());
    if let RouteError::MethodNotAllowed { allowed } = e {
        if let Ok(value) = http::HeaderValue::try_from(allowed.join(", ")) {
            response.headers.insert(http::header::ALLOW, value);
        }
    }
    response
}

/// The media type of a `Content-Type` or `Accept` entry: before any
/// parameters, trimmed, lowercase.
fn media_type(text: &str) -> String {
    text.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// What restJson1 and restXml ask of a request's head: an `Accept` that allows the
/// output's media type (406 otherwise), and a `Content-Type` that is the
/// input's (415 otherwise; none at all for an input with nothing in the
/// body, and none is needed for an empty body). The refusal, if any.
///
/// A blob payload (`@httpPayload` on a blob, streaming or not) may come
/// without a `Content-Type`, as HTTP allows and as AWS's SDKs send it
/// (botocore sets none for blobs: Lambda's Invoke); a blob without a
/// `@mediaType` takes whatever type the request declares (Smithy's
/// `RestJsonHttpPayloadTraitsWithBlobAcceptsAllContentTypes`). A string
/// payload must say it is text (`RestJsonStringPayloadNoContentType`).
fn check_head<P: Protocol + Into<crate::protocol::AnyProtocol>>(
    protocol: P,
    parts: &http::request::Parts,
    operation: &Operation,
) -> Option<Response> {
    let rest_xml = matches!(protocol.into(), crate::protocol::AnyProtocol::RestXml(_));
    if let Some(output) = operation.output.filter(|output| *output != ANY_MEDIA_TYPE) {
        for accept in parts.headers.get_all(ACCEPT) {
            let Ok(accept) = accept.to_str() else { continue };
            let (kind, _) = output.split_once('/').unwrap_or((output, ""));
            let allows = |range: &str| {
                let range = media_type(range);
                range == output || range == "*/*" || range.strip_suffix("/*") == Some(kind)
            };
            if !accept.split(',').any(allows) {
                let text = format!("the response is {output}, which the request's Accept does not allow");
                return Some(protocol.error(406, "NotAcceptableException", &text));
            }
        }
    }
    let declared = parts.headers.get(CONTENT_TYPE).map(|value| value.to_str().map(media_type));
    let length = crate::http::declared_length(&parts.headers);
    let has_body = length.is_some_and(|n| n > 0) || parts.headers.contains_key("transfer-encoding");
    let raw = operation.streaming || operation.input.bound.iter().any(|b| b.location == Location::RawPayload);
    match (operation.input.content_type, declared) {
        (Some(ANY_MEDIA_TYPE), _) => None,
        (_, Some(Err(_))) => Some(unsupported(protocol, "the request's Content-Type is not readable")),
        // A media type for no body at all says nothing.
        (None, Some(Ok(declared))) if has_body => Some(unsupported(
            protocol,
            &format!("the operation takes no body, but the request declares {}", crate::excerpt(&declared)),
        )),
        (Some(expected), Some(Ok(declared))) if declared != expected => Some(unsupported(
            protocol,
            &format!("the operation's body is {expected}, not {}", crate::excerpt(&declared)),
        )),
        // restXml: S3's clients send bodies with no media type (botocore's
        // SelectObjectContent and DeleteObjects XML, awscli's
        // PutBucketPolicy text), and S3 reads them.
        (Some(_), None) if rest_xml => None,
        (Some(expected), None) if !raw && has_body => {
            Some(unsupported(protocol, &format!("the request has a body but no Content-Type; send {expected}")))
        }
        _ => None,
    }
}

fn unsupported<P: Protocol>(protocol: P, text: &str) -> Response {
    protocol.error(415, "UnsupportedMediaTypeException", text)
}

/// [`Dispatch`] with boxed futures, so that routers of different types
/// can share a list ([`crate::http::Services`]).
pub(crate) trait DynDispatch: Send + Sync + 'static {
    fn routes_dyn(&self) -> &'static Routes<&'static Operation>;
    fn service_name_dyn(&self) -> &'static str;
    fn signing_name_dyn(&self) -> Option<&'static str>;
    fn handle_boxed(&self, request: http::Request<ByteStream>) -> ResponseFuture;
}

impl<R: Dispatch> DynDispatch for R {
    fn routes_dyn(&self) -> &'static Routes<&'static Operation> {
        self.routes()
    }

    fn service_name_dyn(&self) -> &'static str {
        self.service_name()
    }

    fn signing_name_dyn(&self) -> Option<&'static str> {
        self.signing_name()
    }

    fn handle_boxed(&self, request: http::Request<ByteStream>) -> ResponseFuture {
        crate::http::boxed(handle(self.clone(), request))
    }
}

/// A shared [`DynDispatch`].
pub(crate) type SharedDispatch = Arc<dyn DynDispatch>;

#[cfg(test)]
mod tests {
    use super::super::Bound;
    use super::*;
    use crate::protocol::rest_json::RestJson;

    static JSON_INPUT: HttpInput = HttpInput { bound: &[], content_type: Some("application/json") };
    static BLOB_INPUT: HttpInput = HttpInput {
        bound: &[Bound { member: 0, location: Location::RawPayload, required: false }],
        content_type: Some(ANY_MEDIA_TYPE),
    };
    static JPEG_INPUT: HttpInput = HttpInput {
        bound: &[Bound { member: 0, location: Location::RawPayload, required: false }],
        content_type: Some("image/jpeg"),
    };
    static TEXT_INPUT: HttpInput = HttpInput {
        bound: &[Bound { member: 0, location: Location::TextPayload, required: false }],
        content_type: Some("text/plain"),
    };

    static DELETE_OBJECT_INPUT: HttpInput = HttpInput {
        bound: &[
            Bound { member: 0, location: Location::Label, required: true },
            Bound { member: 1, location: Location::Label, required: true },
            Bound { member: 2, location: Location::Query("versionId"), required: false },
        ],
        content_type: None,
    };
    static ABORT_INPUT: HttpInput = HttpInput {
        bound: &[
            Bound { member: 0, location: Location::Label, required: true },
            Bound { member: 1, location: Location::Label, required: true },
            Bound { member: 2, location: Location::Query("uploadId"), required: true },
        ],
        content_type: None,
    };
    static DELETE_OBJECT: Operation =
        Operation { name: "DeleteObject", index: 0, input: &DELETE_OBJECT_INPUT, output: None, streaming: false };
    static ABORT: Operation =
        Operation { name: "AbortMultipartUpload", index: 1, input: &ABORT_INPUT, output: None, streaming: false };

    /// S3's DeleteObject and AbortMultipartUpload share `DELETE
    /// /{Bucket}/{Key+}` but for their `x-id`, which botocore does not send:
    /// the required `uploadId` tells them apart, in either order.
    #[test]
    fn operations_sharing_a_path_are_told_apart_by_their_parameters() {
        for order in [[&DELETE_OBJECT, &ABORT], [&ABORT, &DELETE_OBJECT]] {
            let entries = order.map(|operation| {
                let uri = format!("/{{Bucket}}/{{Key+}}?x-id={}", operation.name);
                ("DELETE", super::super::UriPattern::parse(&uri).unwrap(), operation)
            });
            let routes = Routes::new(entries).unwrap();
            let route = |query: Option<&str>| {
                let headers = http::HeaderMap::new();
                let fits = |operation: &&Operation, pattern: &super::super::UriPattern| {
                    fits_without_id(operation, pattern, query, &headers)
                };
                routes.route_fitting("DELETE", "/bucket/a/key", query, fits).map(|found| found.value.name)
            };
            assert_eq!(route(None), Ok("DeleteObject"));
            assert_eq!(route(Some("versionId=3")), Ok("DeleteObject"));
            assert_eq!(route(Some("uploadId=u1")), Ok("AbortMultipartUpload"));
            assert_eq!(route(Some("x-id=AbortMultipartUpload")), Ok("AbortMultipartUpload"));
            assert_eq!(route(Some("x-id=DeleteObject&uploadId=u1")), Ok("DeleteObject"));
            assert_eq!(route(Some("tagging")), Err(RouteError::NotFound));
            assert_eq!(route(Some("versionId=3&X-Amz-Signature=0")), Ok("DeleteObject"));
        }
    }

    static PUT_INPUT: HttpInput = HttpInput {
        bound: &[
            Bound { member: 0, location: Location::Label, required: true },
            Bound { member: 1, location: Location::Label, required: true },
        ],
        content_type: None,
    };
    static COPY_INPUT: HttpInput = HttpInput {
        bound: &[
            Bound { member: 0, location: Location::Label, required: true },
            Bound { member: 1, location: Location::Label, required: true },
            Bound { member: 2, location: Location::Header("X-Amz-Copy-Source"), required: true },
        ],
        content_type: None,
    };
    static PUT_OBJECT: Operation =
        Operation { name: "PutObject", index: 0, input: &PUT_INPUT, output: None, streaming: false };
    static COPY_OBJECT: Operation =
        Operation { name: "CopyObject", index: 1, input: &COPY_INPUT, output: None, streaming: false };

    /// PutObject and CopyObject share `PUT /{Bucket}/{Key+}`: a request
    /// with CopyObject's required header fits it more closely.
    #[test]
    fn the_closest_fit_of_operations_sharing_a_path_is_taken() {
        for order in [[&PUT_OBJECT, &COPY_OBJECT], [&COPY_OBJECT, &PUT_OBJECT]] {
            let entries = order.map(|operation| {
                let uri = format!("/{{Bucket}}/{{Key+}}?x-id={}", operation.name);
                ("PUT", super::super::UriPattern::parse(&uri).unwrap(), operation)
            });
            let routes = Routes::new(entries).unwrap();
            let route = |headers: &[(&str, &str)]| {
                let mut map = http::HeaderMap::new();
                for (name, value) in headers {
                    map.insert(http::HeaderName::try_from(*name).unwrap(), value.parse().unwrap());
                }
                let fits = |operation: &&Operation, pattern: &super::super::UriPattern| {
                    fits_without_id(operation, pattern, None, &map)
                };
                routes.route_fitting("PUT", "/bucket/key", None, fits).map(|found| found.value.name)
            };
            assert_eq!(route(&[]), Ok("PutObject"));
            assert_eq!(route(&[("x-amz-copy-source", "/other/key")]), Ok("CopyObject"));
        }
    }

    fn operation(input: &'static HttpInput) -> Operation {
        Operation { name: "Op", index: 0, input, output: None, streaming: false }
    }

    /// The status `check_head` refuses a request with `headers` (and a
    /// five-byte body) with, or 200.
    fn status(input: &'static HttpInput, headers: &[(&str, &str)]) -> u16 {
        let mut request = http::Request::builder().method("POST").uri("/op").header("content-length", "5");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (parts, ()) = request.body(()).unwrap().into_parts();
        check_head(RestJson, &parts, &operation(input)).map_or(200, |refusal| refusal.status)
    }

    #[test]
    fn a_json_body_must_be_declared_as_json() {
        assert_eq!(status(&JSON_INPUT, &[("content-type", "application/json")]), 200);
        assert_eq!(status(&JSON_INPUT, &[("content-type", "Application/JSON; charset=utf-8")]), 200);
        assert_eq!(status(&JSON_INPUT, &[("content-type", "application/hal+json")]), 415);
        assert_eq!(status(&JSON_INPUT, &[]), 415);
        assert_eq!(status(&NO_INPUT, &[("content-type", "application/json")]), 415);
        assert_eq!(status(&NO_INPUT, &[]), 200);
    }

    /// A media type said of no body at all is not held against it, and an
    /// empty body needs none.
    #[test]
    fn an_empty_body_needs_no_media_type() {
        let check = |input: &'static HttpInput, headers: &[(&str, &str)]| {
            let mut request = http::Request::builder().method("POST").uri("/op");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let (parts, ()) = request.body(()).unwrap().into_parts();
            check_head(RestJson, &parts, &operation(input)).map_or(200, |refusal| refusal.status)
        };
        assert_eq!(check(&JSON_INPUT, &[]), 200);
        assert_eq!(check(&NO_INPUT, &[("content-type", "application/json")]), 200);
    }

    /// The media type a request declares was quoted whole in the 415.
    #[test]
    fn a_refused_media_type_is_quoted_as_an_excerpt() {
        let declared = format!("application/{}", "x".repeat(300_000));
        let (parts, ()) = http::Request::builder()
            .header("content-length", "5")
            .header("content-type", declared)
            .body(())
            .unwrap()
            .into_parts();
        let refusal = check_head(RestJson, &parts, &operation(&JSON_INPUT)).expect("refused");
        assert_eq!(refusal.status, 415);
        let length = refusal.body.exact_len().expect("a whole body");
        assert!(length < 300, "{length} bytes");
    }

    #[test]
    fn accept_must_allow_the_outputs_media_type() {
        let accepts = |output: &'static str, accept: &str| {
            let op = Operation { output: Some(output), ..operation(&NO_INPUT) };
            let (parts, ()) = http::Request::builder().header("accept", accept).body(()).unwrap().into_parts();
            check_head(RestJson, &parts, &op).map_or(200, |refusal| refusal.status)
        };
        for allowed in ["application/json", "*/*", "application/*", "text/html, application/json;q=0.9"] {
            assert_eq!(accepts("application/json", allowed), 200, "{allowed}");
        }
        assert_eq!(accepts("application/json", "application/hal+json"), 406);
        assert_eq!(accepts(ANY_MEDIA_TYPE, "image/png"), 200, "a blob of any type is any type");
    }

    /// botocore sends blob and string payloads (Lambda's Invoke, S3's
    /// PutObject) with no Content-Type at all; a blob without @mediaType
    /// takes any type (Smithy's
    /// RestJsonHttpPayloadTraitsWithBlobAcceptsAllContentTypes).
    #[test]
    fn raw_payloads_may_come_without_a_content_type() {
        assert_eq!(status(&BLOB_INPUT, &[]), 200);
        assert_eq!(status(&BLOB_INPUT, &[("content-type", "application/octet-stream")]), 200);
        assert_eq!(status(&BLOB_INPUT, &[("content-type", "image/jpeg")]), 200);
        assert_eq!(status(&JPEG_INPUT, &[]), 200);
        assert_eq!(status(&JPEG_INPUT, &[("content-type", "image/jpeg")]), 200);
        assert_eq!(status(&JPEG_INPUT, &[("content-type", "application/json")]), 415);
        // Text is not bytes of any kind: it says it is text (Smithy's
        // RestJsonStringPayloadNoContentType).
        assert_eq!(status(&TEXT_INPUT, &[]), 415);
        assert_eq!(status(&TEXT_INPUT, &[("content-type", "text/plain; charset=utf-8")]), 200);
        assert_eq!(status(&TEXT_INPUT, &[("content-type", "application/json")]), 415);
        // A streaming payload is not in the bound members' table.
        static STREAM_INPUT: HttpInput = HttpInput { bound: &[], content_type: Some("image/jpeg") };
        let streaming = Operation { streaming: true, ..operation(&STREAM_INPUT) };
        let (parts, ()) = http::Request::builder().header("content-length", "5").body(()).unwrap().into_parts();
        assert!(check_head(RestJson, &parts, &streaming).is_none());
    }

    /// A router with one route, `GET /ping`, answering 204.
    #[derive(Clone)]
    struct Ping;

    static PING: Operation = Operation { name: "Ping", index: 0, input: &NO_INPUT, output: None, streaming: false };

    impl Dispatch for Ping {
        type Protocol = RestJson;
        const PROTOCOL: RestJson = RestJson;

        fn service_name(&self) -> &'static str {
            "Ping"
        }

        fn routes(&self) -> &'static Routes<&'static Operation> {
            static ROUTES: std::sync::OnceLock<Routes<&'static Operation>> = std::sync::OnceLock::new();
            ROUTES.get_or_init(|| Routes::new([("GET", "/ping".parse().unwrap(), &PING)]).unwrap())
        }

        async fn call_operation(&self, _: &RequestContext, _: &'static Operation, _: RoutedRequest) -> Response {
            Response::new(204)
        }
    }

    /// The status and `X-Amzn-Errortype` of `GET path` for `host` (none
    /// if `None`), through a server that answers loopback hosts only.
    async fn answer(path: &str, host: Option<&str>) -> (u16, Option<String>) {
        let mut request = http::Request::get(path);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        let mut request = request.body(http_body_util::Empty::<bytes::Bytes>::new()).unwrap();
        request.extensions_mut().insert(crate::http::AllowedHosts::loopback());
        let response = handle(Ping, request).await;
        let error = response.headers().get("x-amzn-errortype").map(|v| v.to_str().unwrap().to_string());
        (response.status().as_u16(), error)
    }

    /// restJson1 requests had their `Host` unchecked, so a server answering
    /// loopback hosts only (one that authenticates no one) answered a web
    /// page rebound to 127.0.0.1 as awsJson requests are not.
    #[tokio::test]
    async fn hosts_are_checked_as_for_awsjson_before_routing() {
        assert_eq!(answer("/ping", Some("localhost:9001")).await, (204, None));
        assert_eq!(answer("/ping", Some("127.0.0.1")).await, (204, None));
        let denied = (403, Some("AccessDeniedException".to_string()));
        assert_eq!(answer("/ping", Some("evil.example:9001")).await, denied);
        assert_eq!(answer("/no-such-route", Some("evil.example")).await, denied);
        assert_eq!(answer("/ping", None).await, (400, Some("BadRequestException".to_string())));
        assert_eq!(
            answer("/no-such-route", Some("localhost")).await,
            (404, Some("UnknownOperationException".to_string()))
        );
    }

    static BLOB: Operation = Operation { name: "Plain", index: 0, input: &BLOB_INPUT, output: None, streaming: false };
    static GZIPPED: Operation =
        Operation { name: "Gzipped", index: 1, input: &BLOB_INPUT, output: None, streaming: false };

    /// A router whose operations answer the length of the body they were
    /// given: `POST /plain`, and `POST /gzipped`, which takes gzip.
    #[derive(Clone)]
    struct Lengths;

    impl Dispatch for Lengths {
        type Protocol = RestJson;
        const PROTOCOL: RestJson = RestJson;

        fn service_name(&self) -> &'static str {
            "Lengths"
        }

        fn routes(&self) -> &'static Routes<&'static Operation> {
            static ROUTES: std::sync::OnceLock<Routes<&'static Operation>> = std::sync::OnceLock::new();
            ROUTES.get_or_init(|| {
                Routes::new([
                    ("POST", "/plain".parse().unwrap(), &BLOB),
                    ("POST", "/gzipped".parse().unwrap(), &GZIPPED),
                ])
                .unwrap()
            })
        }

        fn accepts_gzip(&self, operation: &'static Operation) -> bool {
            operation.name == "Gzipped"
        }

        async fn call_operation(&self, _: &RequestContext, _: &'static Operation, request: RoutedRequest) -> Response {
            let mut response = Response::new(200);
            response.body = ByteStream::from(request.body.len().to_string().into_bytes());
            response
        }
    }

    /// The status and body of `POST path` with `body` and `Content-Encoding`s.
    async fn post(path: &str, codings: &[&str], body: Vec<u8>) -> (u16, String) {
        use http_body_util::BodyExt;
        let mut request = http::Request::post(path).header("host", "localhost");
        for coding in codings {
            request = request.header("content-encoding", *coding);
        }
        let request = request.body(http_body_util::Full::new(bytes::Bytes::from(body))).unwrap();
        let response = handle(Lengths, request).await;
        let status = response.status().as_u16();
        let body = response.into_body().into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// restJson1 ignored `Content-Encoding`: a plain body labelled `gzip`
    /// or `br` was read as plain, and gzip was never decoded. Now the rule
    /// is awsJson's: gzip where the operation takes it, decoded within the
    /// body limit; anything else 415.
    #[tokio::test]
    async fn bodies_are_decoded_as_their_coding_says_or_refused() {
        assert_eq!(post("/plain", &[], b"hello".to_vec()).await, (200, "5".to_string()));
        assert_eq!(post("/plain", &["identity"], b"hello".to_vec()).await, (200, "5".to_string()));
        for coding in ["gzip", "br", "deflate"] {
            assert_eq!(post("/plain", &[coding], b"hello".to_vec()).await.0, 415, "{coding}");
        }
        assert_eq!(post("/gzipped", &["gzip"], gzip(b"hello, world")).await, (200, "12".to_string()));
        assert_eq!(post("/gzipped", &[], b"hello".to_vec()).await, (200, "5".to_string()));
        assert_eq!(post("/gzipped", &["br"], b"hello".to_vec()).await.0, 415);
        let (status, body) = post("/gzipped", &["gzip"], b"not gzip".to_vec()).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("not valid gzip"), "{body}");
        // A small body that inflates past the limit (8 MiB).
        let bomb = gzip(&vec![0; 9 << 20]);
        assert!(bomb.len() < 64 << 10);
        assert_eq!(post("/gzipped", &["gzip"], bomb).await.0, 413);
    }
}
