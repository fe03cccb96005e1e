//! Running a router as an AWS Lambda function (feature `lambda`), behind
//! API Gateway or a function URL, with nothing changed in the router: a
//! generated router, [`Services`](crate::http::Services), or either behind
//! layers.
//!
//! [`run`] takes the service and answers the invocations Lambda's Runtime
//! API hands the process, one at a time, until the process is stopped:
//!
//! ```no_run
//! #[tokio::main]
//! async fn main() -> Result<(), awsgen_runtime::lambda::Error> {
//! #   let router = tower::service_fn(|_: http::Request<awsgen_runtime::lambda::RequestBody>| async {
//! #       Ok::<_, std::convert::Infallible>(http::Response::new(awsgen_runtime::lambda::RequestBody::default()))
//! #   });
//!     // `router`: a generated router and its service, such as
//!     // `AwsGirApiServiceRouter::new(InMemoryLambda::default())`.
//!     awsgen_runtime::lambda::run(router).await
//! }
//! ```
//!
//! Each event becomes the `http::Request` the router would have had from
//! a client, and its response the answer API Gateway expects:
//!
//! | event | source | the request the router sees |
//! | --- | --- | --- |
//! | payload v1 | API Gateway REST APIs' proxy integrations | the method; the resource path (`path`, without the stage: `/2015-03-31/functions`, not `/prod/2015-03-31/functions`); the query from `multiValueQueryStringParameters` (else `queryStringParameters`), every value of a repeated key in order; every value of every header (`multiValueHeaders`, with `headers` for names it lacks) |
//! | payload v2 | API Gateway HTTP APIs and Lambda function URLs | the method; `rawPath` less its first segment when that is the stage (`/prod/...` of a named stage; `$default` has none); `rawQueryString` as sent; the headers (API Gateway joins repeated ones with commas) and `cookies` as one `Cookie` header if there is none |
//!
//! Characters a URI cannot hold as they are (a space, `#`, `%` that starts
//! no escape) are escaped in the path and the query; escapes that came
//! stay as they are, for the router to decode labels once. The body, text
//! or base64 (`isBase64Encoded`), reaches the router as the bytes the
//! client sent; an absent body is empty. Each request carries,
//! in its extensions, the event's `requestContext`
//! ([`ApiGatewayProxyRequestContext`] or [`ApiGatewayV2httpRequestContext`]:
//! the caller's identity, the authorizer's claims, the source IP), the
//! invocation's [`lambda_runtime::Context`] (its deadline, the function's
//! ARN), a [`BodyLimit`] ([`LambdaConfig::max_body_bytes`]) and a
//! [`RequestId`]: API Gateway's request id (`requestContext.requestId`),
//! else the invocation's, which the router sends back in
//! `x-amzn-requestid`. The router's own checks and limits apply as under
//! the `server` feature's server: a body over the limit is a 413, a missing
//! `Host` a 400 (the event's `domainName` stands in when no `Host` header
//! came).
//!
//! The response's status, headers (every value: `multiValueHeaders` for
//! v1; for v2 repeated headers joined with commas and `Set-Cookie` as
//! `cookies`) and body go back; `Content-Length` is left to API Gateway. A
//! body that is UTF-8 goes as text, any other as base64 with
//! `isBase64Encoded` (REST APIs pass it on as binary only for the media
//! types listed in the API's `binaryMediaTypes`: list `*/*`; HTTP APIs and
//! function URLs always do).
//!
//! Nothing panics the function: an event's body that is not the base64 it
//! claims is answered 400 `SerializationException`, and a response the
//! router could not finish, or larger than Lambda returns
//! ([`MAX_RESPONSE_BYTES`]), 500 `InternalFailure`, both in JSON with
//! `X-Amzn-Errortype`; an event that is not an HTTP event (a direct
//! `aws lambda invoke` with some other JSON) fails that invocation, as
//! Lambda reports a handler's error, and the function goes on to the next.
//!
//! Why this module reads the events itself rather than through
//! `lambda_http`, which turns the same events into `http::Request`s:
//! `lambda_http` 1.3 puts the stage back in front of a REST API's path
//! (its `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH` setting stops that for v1
//! events, but HTTP APIs' named stages stay in `rawPath`, and a library
//! cannot set an environment variable safely once threads run), keeps only
//! the last value of a header a REST API sent several times, panics on a
//! body that is not valid base64, sends bodies without a `Content-Type`
//! as text (decoded lossily) and, for HTTP APIs, only the first of repeated
//! response headers. The event types are `aws_lambda_events`' and the
//! Runtime API client is `lambda_runtime`'s, both from the same official
//! repository as `lambda_http` (which is built on them).
//!
//! Not handled: a REST API behind a custom domain name with a base path
//! mapping gives the function the path with the base path in front
//! (map the API at the domain's root); API Gateway decodes some escapes in
//! paths before the function sees them (an escaped `/` in a label arrives
//! as a `/`), which no function can undo; response streaming.
//!
//! [`ApiGatewayProxyRequestContext`]: aws_lambda_events::apigw::ApiGatewayProxyRequestContext
//! [`ApiGatewayV2httpRequestContext`]: aws_lambda_events::apigw::ApiGatewayV2httpRequestContext
//! [`BodyLimit`]: crate::http::BodyLimit
//! [`RequestId`]: crate::context::RequestId

#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyResponse, ApiGatewayV2httpRequest, ApiGatewayV2httpResponse,
};
use aws_lambda_events::encodings::Body as EventBody;
use base64::Engine as _;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HOST, SET_COOKIE};
use http::uri::Authority;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use lambda_runtime::LambdaEvent;
use serde::Deserialize;

use crate::context::RequestId;
use crate::http::decode::{percent_encode_into, unreserved};
use crate::http::{BodyLimit, BoxError, DEFAULT_BODY_LIMIT};

pub use aws_lambda_events;
pub use lambda_runtime;

/// What [`run`] fails with: the Runtime API could not be reached, or the
/// process is not running as a Lambda function (the Runtime API's
/// environment variables are missing).
pub type Error = lambda_runtime::Error;

/// The body of the requests a service run by [`run`] receives: the
/// event's body, whole.
pub type RequestBody = Full<Bytes>;

/// The largest response body that is sent back: 6 MiB, Lambda's limit on
/// a synchronous invocation's response (which also holds the headers, and
/// the body in base64 if it is binary, so a body near the limit may still
/// be refused by Lambda). A larger one is answered 500 `InternalFailure`.
pub const MAX_RESPONSE_BYTES: usize = 6 << 20;

/// How [`run`] behaves.
#[derive(Clone, Debug)]
pub struct LambdaConfig {
    /// Larger request bodies are refused with 413 by the router (the
    /// [`BodyLimit`] put on each request). Lambda
    /// takes events of at most 6 MB, base64 bodies included, so the
    /// default refuses none: set it lower to refuse sooner.
    pub max_body_bytes: usize,
}

impl Default for LambdaConfig {
    /// 8 MiB bodies, as the `server` feature's `ServerConfig` by default.
    fn default() -> Self {
        LambdaConfig { max_body_bytes: DEFAULT_BODY_LIMIT }
    }
}

/// Runs `service` as a Lambda function with the default [`LambdaConfig`]:
/// see [`run_with_config`].
pub async fn run<S, B>(service: S) -> Result<(), Error>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    run_with_config(service, LambdaConfig::default()).await
}

/// Runs `service` as a Lambda function: asks Lambda's Runtime API (at
/// `AWS_LAMBDA_RUNTIME_API`) for each invocation, hands it to a
/// [`Handler`] and posts the answer, one invocation at a time, until the
/// process is stopped. Returns at once with an error when the Runtime
/// API's environment variables are missing (the process is not running in
/// Lambda or under an emulator such as `cargo lambda watch`), and when the
/// Runtime API cannot be reached.
pub async fn run_with_config<S, B>(service: S, config: LambdaConfig) -> Result<(), Error>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    // lambda_runtime panics when these are missing or malformed.
    check_environment()?;
    lambda_runtime::run(Handler::new(service, config)).await
}

/// The environment the Runtime API client reads, checked before it does.
fn check_environment() -> Result<(), Error> {
    let read = |name: &str| {
        std::env::var(name).map_err(|_| {
            format!(
                "{name} is not set: the function must run in AWS Lambda, or under a Runtime API emulator \
                 (`cargo lambda watch`) that sets it"
            )
        })
    };
    let api = read("AWS_LAMBDA_RUNTIME_API")?;
    if api.parse::<http::Uri>().is_err() {
        return Err(format!("AWS_LAMBDA_RUNTIME_API is not an address: {}", crate::excerpt(&api)).into());
    }
    read("AWS_LAMBDA_FUNCTION_NAME")?;
    read("AWS_LAMBDA_FUNCTION_VERSION")?;
    let memory = read("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")?;
    if memory.parse::<i32>().is_err() {
        return Err(format!("AWS_LAMBDA_FUNCTION_MEMORY_SIZE is not a number: {}", crate::excerpt(&memory)).into());
    }
    Ok(())
}

/// An HTTP event, as API Gateway and function URLs invoke a function.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum HttpEvent {
    /// Payload format 1.0: an API Gateway REST API's proxy integration (or
    /// an HTTP API's set to 1.0).
    Rest(Box<ApiGatewayProxyRequest>),
    /// Payload format 2.0 (`"version": "2.0"`): an API Gateway HTTP API's,
    /// or a Lambda function URL's.
    Http(Box<ApiGatewayV2httpRequest>),
}

impl<'de> Deserialize<'de> for HttpEvent {
    /// By the event's `version`: `"2.0"` is payload v2, anything else
    /// (REST APIs send none) v1.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let event = serde_json::Value::deserialize(deserializer)?;
        if event.get("version").and_then(|version| version.as_str()) == Some("2.0") {
            serde_json::from_value(event)
                .map(HttpEvent::Http)
                .map_err(|e| D::Error::custom(format!("not an HTTP API or function URL event (payload 2.0): {e}")))
        } else {
            serde_json::from_value(event)
                .map(HttpEvent::Rest)
                .map_err(|e| D::Error::custom(format!("not an API Gateway event (payload 1.0): {e}")))
        }
    }
}

/// What a function answers an [`HttpEvent`] with: the response in the
/// shape of the event's payload format.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum HttpEventResponse {
    /// The answer to [`HttpEvent::Rest`].
    Rest(ApiGatewayProxyResponse),
    /// The answer to [`HttpEvent::Http`].
    Http(ApiGatewayV2httpResponse),
}

/// A `tower::Service` of Lambda invocations: turns each [`HttpEvent`] into
/// the request `service` would get from a client, calls it, and turns its
/// response into the [`HttpEventResponse`] API Gateway expects (the module
/// documentation says how). It never fails. [`run`] runs one; build one
/// to run `service` with `lambda_runtime`'s own [`Runtime`] and layers.
///
/// [`Runtime`]: lambda_runtime::Runtime
#[derive(Clone, Debug)]
pub struct Handler<S> {
    service: S,
    config: LambdaConfig,
}

impl<S> Handler<S> {
    /// A handler that calls `service`.
    pub fn new(service: S, config: LambdaConfig) -> Self {
        Handler { service, config }
    }
}

/// The future of [`Handler`]'s `call`.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<HttpEventResponse, Infallible>> + Send>>;

impl<S, B> tower_service::Service<LambdaEvent<HttpEvent>> for Handler<S>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = HttpEventResponse;
    type Error = Infallible;
    type Future = HandlerFuture;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, event: LambdaEvent<HttpEvent>) -> HandlerFuture {
        let LambdaEvent { payload, context } = event;
        let (format, request) = match payload {
            HttpEvent::Rest(event) => (Format::Rest, rest_request(*event)),
            HttpEvent::Http(event) => (Format::Http, http_request(*event)),
        };
        let request = request.map(|mut request| {
            let extensions = request.extensions_mut();
            if extensions.get::<RequestId>().is_none() && !context.request_id.is_empty() {
                extensions.insert(RequestId::from_string(context.request_id.clone()));
            }
            extensions.insert(BodyLimit(self.config.max_body_bytes));
            extensions.insert(context);
            request
        });
        // The service was readied for this call: it answers it, and a
        // fresh clone is left ready for the next (tower's rule).
        let ready = self.service.clone();
        let mut service = std::mem::replace(&mut self.service, ready);
        Box::pin(async move {
            let response = match request {
                Ok(request) => {
                    let Ok(response) = service.call(request).await;
                    collect(response).await
                }
                Err(refusal) => *refusal,
            };
            Ok(format.response(response))
        })
    }
}

/// The payload format of an event, which its response follows.
#[derive(Clone, Copy)]
enum Format {
    Rest,
    Http,
}

/// A response with its body whole.
type Whole = http::Response<Bytes>;

/// Our own answer to an event the service is not given.
type Refusal = Box<Whole>;

/// An answer of our own (the service never saw the request, or its
/// response could not be sent): JSON with `X-Amzn-Errortype`, as the JSON
/// protocols' errors.
fn refusal(status: StatusCode, type_name: &'static str, message: &str) -> Whole {
    let body = serde_json::json!({ "__type": type_name, "message": message }).to_string();
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(HeaderName::from_static("x-amzn-errortype"), HeaderValue::from_static(type_name));
    response
}

/// `response` with its body read whole, up to [`MAX_RESPONSE_BYTES`].
async fn collect<B>(response: http::Response<B>) -> Whole
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = response.into_parts();
    match Limited::new(body, MAX_RESPONSE_BYTES).collect().await {
        Ok(body) => http::Response::from_parts(parts, body.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            "the response is larger than a Lambda function can return",
        ),
        Err(e) => {
            tracing::error!(error = %e, "the response's body failed");
            refusal(StatusCode::INTERNAL_SERVER_ERROR, "InternalFailure", "the response could not be completed")
        }
    }
}

/// The event's body as bytes: base64-decoded if it says so.
fn body(body: Option<String>, is_base64_encoded: bool) -> Result<Bytes, Refusal> {
    match body {
        None => Ok(Bytes::new()),
        Some(body) if is_base64_encoded => {
            base64::engine::general_purpose::STANDARD.decode(body.as_bytes()).map(Bytes::from).map_err(|_| {
                Box::new(refusal(StatusCode::BAD_REQUEST, "SerializationException", "the body is not valid base64"))
            })
        }
        Some(body) => Ok(Bytes::from(body)),
    }
}

/// A payload v1 event's request.
fn rest_request(event: ApiGatewayProxyRequest) -> Result<http::Request<RequestBody>, Refusal> {
    let ApiGatewayProxyRequest {
        path,
        http_method,
        headers: single_headers,
        multi_value_headers,
        query_string_parameters,
        multi_value_query_string_parameters,
        request_context,
        body: event_body,
        is_base64_encoded,
        ..
    } = event;
    // `path` is the resource path, without the stage that
    // `requestContext.path` has.
    let path = path.unwrap_or_else(|| "/".to_string());
    let query = if multi_value_query_string_parameters.is_empty() {
        query_string_parameters
    } else {
        multi_value_query_string_parameters
    };
    // Keys in order (the map has none), each key's values as they came.
    // Read through serde: `QueryMap::iter` panics on a key with no values.
    let query: BTreeMap<String, Vec<String>> =
        serde_json::to_value(&query).ok().and_then(|query| serde_json::from_value(query).ok()).unwrap_or_default();
    let mut query_string = String::new();
    for (key, values) in &query {
        for value in values {
            if !query_string.is_empty() {
                query_string.push('&');
            }
            percent_encode_into(key.as_bytes(), &mut query_string);
            query_string.push('=');
            percent_encode_into(value.as_bytes(), &mut query_string);
        }
    }
    // Every value of every header: `headers` holds only each one's last.
    let mut headers = multi_value_headers;
    for (name, value) in &single_headers {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    let body = body(event_body, is_base64_encoded)?;
    let request_id = request_context.request_id.clone();
    let domain = request_context.domain_name.clone();
    let mut request = build(http_method, &path, &query_string, headers, domain.as_deref(), body)?;
    let extensions = request.extensions_mut();
    if let Some(id) = request_id {
        extensions.insert(RequestId::from_string(id));
    }
    extensions.insert(request_context);
    Ok(request)
}

/// A payload v2 event's request (an HTTP API's, or a function URL's).
fn http_request(event: ApiGatewayV2httpRequest) -> Result<http::Request<RequestBody>, Refusal> {
    let ApiGatewayV2httpRequest {
        raw_path,
        raw_query_string,
        cookies,
        mut headers,
        request_context,
        body: event_body,
        is_base64_encoded,
        ..
    } = event;
    let raw_path = raw_path.or_else(|| request_context.http.path.clone()).unwrap_or_else(|| "/".to_string());
    let path = match request_context.stage.as_deref() {
        // A named stage is the path's first segment; `$default` is not in it.
        Some(stage) if stage != "$default" && !stage.is_empty() => {
            match raw_path.strip_prefix('/').and_then(|rest| rest.strip_prefix(stage)) {
                Some("") => "/",
                Some(rest) if rest.starts_with('/') => rest,
                _ => &raw_path,
            }
        }
        _ => &raw_path,
    };
    if let Some(cookies) = cookies.filter(|cookies| !cookies.is_empty() && !headers.contains_key(COOKIE)) {
        if let Ok(value) = HeaderValue::from_str(&cookies.join("; ")) {
            headers.insert(COOKIE, value);
        }
    }
    let body = body(event_body, is_base64_encoded)?;
    let method = request_context.http.method.clone();
    let request_id = request_context.request_id.clone();
    let domain = request_context.domain_name.clone();
    let query = raw_query_string.unwrap_or_default();
    let mut request = build(method, path, &query, headers, domain.as_deref(), body)?;
    let extensions = request.extensions_mut();
    if let Some(id) = request_id {
        extensions.insert(RequestId::from_string(id));
    }
    extensions.insert(request_context);
    Ok(request)
}

/// The request: `path` and `query` escaped where a URI needs it, with
/// `domain` as the URI's authority when no `Host` header came.
fn build(
    method: Method,
    path: &str,
    query: &str,
    headers: HeaderMap,
    domain: Option<&str>,
    body: Bytes,
) -> Result<http::Request<RequestBody>, Refusal> {
    let mut target = String::with_capacity(path.len() + query.len() + 1);
    if !path.starts_with('/') {
        target.push('/');
    }
    escape(path, b"/:@!$&'()*+,;=", &mut target);
    if !query.is_empty() {
        target.push('?');
        escape(query, b"/:@!$&'()*+,;=?", &mut target);
    }
    let mut uri = http::Uri::builder();
    let authority = domain.filter(|_| !headers.contains_key(HOST)).and_then(|domain| domain.parse::<Authority>().ok());
    if let Some(authority) = authority {
        uri = uri.scheme("https").authority(authority);
    }
    let uri = uri.path_and_query(target).build().map_err(|_| {
        Box::new(refusal(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "the event's path or query is not a valid URI",
        ))
    })?;
    let mut request = http::Request::new(Full::new(body));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(request)
}

/// Appends `text` to `out`, percent-encoding what may not stand in a URI
/// as it is: bytes neither unreserved nor in `allowed`, and `%` unless an
/// escape (`%2F`) follows, so that a path already escaped keeps its
/// escapes and one API Gateway decoded is escaped again.
fn escape(text: &str, allowed: &[u8], out: &mut String) {
    let bytes = text.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        let escape_follows = byte == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if unreserved(byte) || allowed.contains(&byte) || escape_follows {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

impl Format {
    /// `response` in this format.
    fn response(self, response: Whole) -> HttpEventResponse {
        let (parts, body) = response.into_parts();
        let mut headers = HeaderMap::with_capacity(parts.headers.len());
        for (name, value) in &parts.headers {
            // API Gateway counts the body itself; the events' headers are
            // JSON strings, so bytes that are not UTF-8 are replaced.
            if name == CONTENT_LENGTH {
                continue;
            }
            let value = match std::str::from_utf8(value.as_bytes()) {
                Ok(_) => value.clone(),
                Err(_) => match HeaderValue::from_str(&String::from_utf8_lossy(value.as_bytes())) {
                    Ok(value) => value,
                    Err(_) => continue,
                },
            };
            headers.append(name.clone(), value);
        }
        let (body, is_base64_encoded) = if body.is_empty() {
            (None, false)
        } else {
            match String::from_utf8(Vec::from(body)) {
                Ok(text) => (Some(EventBody::Text(text)), false),
                Err(e) => (Some(EventBody::Binary(e.into_bytes())), true),
            }
        };
        let status_code = i64::from(parts.status.as_u16());
        match self {
            Format::Rest => {
                let mut response = ApiGatewayProxyResponse::default();
                response.status_code = status_code;
                // API Gateway merges `headers` into `multiValueHeaders`:
                // every value goes in the latter alone.
                response.multi_value_headers = headers;
                response.body = body;
                response.is_base64_encoded = is_base64_encoded;
                HttpEventResponse::Rest(response)
            }
            Format::Http => {
                let mut response = ApiGatewayV2httpResponse::default();
                response.status_code = status_code;
                response.cookies = headers
                    .get_all(SET_COOKIE)
                    .iter()
                    .map(|cookie| String::from_utf8_lossy(cookie.as_bytes()).into_owned())
                    .collect();
                headers.remove(SET_COOKIE);
                // v2 has one value a header: repeated ones are joined.
                let mut joined = HeaderMap::with_capacity(headers.keys_len());
                for name in headers.keys() {
                    let mut values = headers.get_all(name).iter();
                    let Some(first) = values.next() else { continue };
                    let mut value = first.as_bytes().to_vec();
                    for next in values {
                        value.extend_from_slice(b", ");
                        value.extend_from_slice(next.as_bytes());
                    }
                    if let Ok(value) = HeaderValue::from_bytes(&value) {
                        joined.insert(name.clone(), value);
                    }
                }
                response.headers = joined;
                response.body = body;
                response.is_base64_encoded = is_base64_encoded;
                HttpEventResponse::Http(response)
            }
        }
    }
}

#[cfg(test)]
mod tests;
