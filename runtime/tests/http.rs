//! The HTTP layer over a hand-written router: request ids, the context a
//! handler sees, the checks of a request's head and size, and several
//! services behind one `tower::Service`.

use std::convert::Infallible;

use awsgen_runtime::context::{RequestContext, RequestId};
use awsgen_runtime::http::{AllowedHosts, BodyLimit, HttpResponse, Services};
use awsgen_runtime::protocol::Response;
use awsgen_runtime::protocol::aws_json::{AwsJson, Dispatch, handle, operation_name, unknown_operation};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Answers every operation of `prefix` with what its context held.
#[derive(Clone, Copy)]
struct Echo {
    prefix: &'static str,
    protocol: AwsJson,
}

impl Dispatch for Echo {
    fn protocol(&self) -> AwsJson {
        self.protocol
    }

    fn target_prefix(&self) -> &'static str {
        self.prefix
    }

    async fn route(&self, context: &RequestContext, target: Option<&str>, body: &[u8]) -> Response {
        let Some(operation) = operation_name(target, self.prefix) else {
            return unknown_operation(self.protocol, target);
        };
        let seen = json!({
            "service": self.prefix,
            "operation": operation,
            "requestId": context.request_id().as_str(),
            "header": context.headers().get("x-test").and_then(|v| v.to_str().ok()),
            "identity": context.extensions().get::<Identity>().map(|i| i.0),
            "body": String::from_utf8_lossy(body),
        });
        Response::with_body(200, "application/json", seen.to_string().into_bytes())
    }
}

#[derive(Clone, Copy)]
struct Identity(&'static str);

/// An awsJson 1.1 request for `target`, as SDKs send one.
fn request(target: &str) -> http::request::Builder {
    request_as(target, AwsJson::V1_1)
}

fn request_as(target: &str, protocol: AwsJson) -> http::request::Builder {
    http::Request::post("/")
        .header("host", "localhost")
        .header("x-amz-target", target)
        .header("content-type", protocol.content_type())
}

async fn parts(response: HttpResponse) -> (u16, http::HeaderMap, Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

fn echo(prefix: &'static str) -> Echo {
    Echo { prefix, protocol: AwsJson::V1_1 }
}

#[tokio::test]
async fn the_handler_sees_headers_extensions_and_the_request_id_the_response_carries() {
    let mut req = request("Echo.Op").header("x-test", "hello").body(Full::new(Bytes::from_static(b"{}"))).unwrap();
    req.extensions_mut().insert(Identity("AKIDEXAMPLE"));
    let (status, headers, body) = parts(handle(echo("Echo"), req).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["operation"], "Op");
    assert_eq!(body["header"], "hello");
    assert_eq!(body["identity"], "AKIDEXAMPLE");
    assert_eq!(body["body"], "{}");
    let id = headers["x-amzn-requestid"].to_str().unwrap();
    assert_eq!(body["requestId"], id);
    assert!(uuid_like(id), "{id}");
}

fn uuid_like(id: &str) -> bool {
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[tokio::test]
async fn a_request_id_from_a_layer_in_front_is_kept() {
    let mut req = request("Echo.Op").body(Full::new(Bytes::new())).unwrap();
    req.extensions_mut().insert(RequestId::from_string("proxy-42"));
    let (_, headers, body) = parts(handle(echo("Echo"), req).await).await;
    assert_eq!(headers["x-amzn-requestid"], "proxy-42");
    assert_eq!(body["requestId"], "proxy-42");
}

#[tokio::test]
async fn every_error_carries_a_request_id_too() {
    let get = http::Request::get("/").body(Full::new(Bytes::new())).unwrap();
    let (status, headers, body) = parts(handle(echo("Echo"), get).await).await;
    assert_eq!((status, body["__type"].as_str()), (405, Some("MethodNotAllowedException")));
    assert!(uuid_like(headers["x-amzn-requestid"].to_str().unwrap()));

    let mut big = request("Echo.Op").body(Full::new(Bytes::from(vec![b' '; 11]))).unwrap();
    big.extensions_mut().insert(BodyLimit(10));
    let (status, headers, body) = parts(handle(echo("Echo"), big).await).await;
    assert_eq!((status, body["__type"].as_str()), (413, Some("RequestEntityTooLargeException")));
    assert!(headers.contains_key("x-amzn-requestid"));
}

#[tokio::test]
async fn several_services_share_one_tower_service() {
    let services =
        Services::new().with(echo("AmazonSSM")).with(Echo { prefix: "DynamoDB_20120810", protocol: AwsJson::V1_0 });
    for (target, service, protocol) in [
        ("AmazonSSM.GetParameter", "AmazonSSM", AwsJson::V1_1),
        ("DynamoDB_20120810.PutItem", "DynamoDB_20120810", AwsJson::V1_0),
    ] {
        // Each service's own media type.
        let req = request_as(target, protocol).body(Full::new(Bytes::new())).unwrap();
        let response: Result<HttpResponse, Infallible> = services.clone().oneshot(req).await;
        let (status, _, body) = parts(response.unwrap()).await;
        assert_eq!((status, body["service"].as_str()), (200, Some(service)), "{target}");
    }
    let req = request("TrentService.Encrypt").body(Full::new(Bytes::new())).unwrap();
    let (status, headers, body) = parts(services.oneshot(req).await.unwrap()).await;
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
    // In the first service's protocol.
    assert_eq!(headers["content-type"], "application/x-amz-json-1.1");
}

#[tokio::test]
async fn a_head_awsjson_does_not_allow_is_refused_before_the_body_is_read() {
    let body = || Full::new(Bytes::from_static(b"{}"));
    let cases: Vec<(&str, http::Request<Full<Bytes>>, u16, &str)> = vec![
        (
            "a path other than /",
            http::Request::post("/admin")
                .header("host", "localhost")
                .header("x-amz-target", "Echo.Op")
                .header("content-type", "application/x-amz-json-1.1")
                .body(body())
                .unwrap(),
            404,
            "UnknownOperationException",
        ),
        (
            "no Host",
            http::Request::post("/")
                .header("x-amz-target", "Echo.Op")
                .header("content-type", "application/x-amz-json-1.1")
                .body(body())
                .unwrap(),
            400,
            "BadRequestException",
        ),
        (
            "two targets",
            request("Echo.Op").header("x-amz-target", "Echo.Other").body(body()).unwrap(),
            400,
            "UnknownOperationException",
        ),
        (
            "no Content-Type",
            http::Request::post("/").header("host", "x").header("x-amz-target", "Echo.Op").body(body()).unwrap(),
            415,
            "UnsupportedMediaTypeException",
        ),
        (
            "plain JSON",
            request_as("Echo.Op", AwsJson::V1_0).body(body()).unwrap(),
            415,
            "UnsupportedMediaTypeException",
        ),
        (
            "a gzipped body",
            request("Echo.Op").header("content-encoding", "gzip").body(body()).unwrap(),
            415,
            "UnsupportedMediaTypeException",
        ),
    ];
    for (what, req, status, type_name) in cases {
        let (got, _, body) = parts(handle(echo("Echo"), req).await).await;
        assert_eq!((got, body["__type"].as_str()), (status, Some(type_name)), "{what}");
    }
    // Parameters and case do not change the media type; identity is no coding.
    let req = http::Request::post("/?x=1")
        .header("host", "localhost")
        .header("x-amz-target", "Echo.Op")
        .header("content-type", "Application/X-Amz-Json-1.1; charset=utf-8")
        .header("content-encoding", "identity")
        .body(body())
        .unwrap();
    let (status, _, _) = parts(handle(echo("Echo"), req).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn only_the_hosts_allowed_are_answered() {
    let hosts = AllowedHosts::loopback().and("emulator.internal");
    for (host, status) in [("localhost:4566", 200), ("emulator.internal", 200), ("evil.example:4566", 403)] {
        let mut req = http::Request::post("/")
            .header("host", host)
            .header("x-amz-target", "Echo.Op")
            .header("content-type", "application/x-amz-json-1.1")
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap();
        req.extensions_mut().insert(hosts.clone());
        let (got, _, body) = parts(handle(echo("Echo"), req).await).await;
        assert_eq!(got, status, "{host}: {body}");
    }
}

/// [`Echo`], whose `Zipped` operation has `@requestCompression`.
#[derive(Clone, Copy)]
struct Zipping(Echo);

impl Dispatch for Zipping {
    fn protocol(&self) -> AwsJson {
        self.0.protocol()
    }

    fn target_prefix(&self) -> &'static str {
        self.0.target_prefix()
    }

    fn accepts_gzip(&self, target: &str) -> bool {
        operation_name(Some(target), "Echo") == Some("Zipped")
    }

    async fn route(&self, context: &RequestContext, target: Option<&str>, body: &[u8]) -> Response {
        self.0.route(context, target, body).await
    }
}

fn gzip(bytes: &[u8]) -> Bytes {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    Bytes::from(encoder.finish().unwrap())
}

#[tokio::test]
async fn gzipped_bodies_are_read_where_the_model_has_request_compression() {
    let router = Zipping(echo("Echo"));
    let zipped =
        |target: &str, body: Bytes| request(target).header("content-encoding", "gzip").body(Full::new(body)).unwrap();
    let (status, _, body) = parts(handle(router, zipped("Echo.Zipped", gzip(br#"{"a": 1}"#))).await).await;
    assert_eq!((status, body["body"].as_str()), (200, Some(r#"{"a": 1}"#)));
    // Only there.
    let (status, _, body) = parts(handle(router, zipped("Echo.Plain", gzip(b"{}"))).await).await;
    assert_eq!((status, body["__type"].as_str()), (415, Some("UnsupportedMediaTypeException")));
    // Not gzip at all.
    let (status, _, body) = parts(handle(router, zipped("Echo.Zipped", Bytes::from_static(b"{}"))).await).await;
    assert_eq!((status, body["__type"].as_str()), (400, Some("SerializationException")));
    // 9 MiB of zeros in a few KiB: refused once it passes the 8 MiB limit.
    let bomb = gzip(&vec![0; 9 << 20]);
    assert!(bomb.len() < 64 << 10);
    let (status, _, body) = parts(handle(router, zipped("Echo.Zipped", bomb)).await).await;
    assert_eq!((status, body["__type"].as_str()), (413, Some("RequestEntityTooLargeException")));
    // Two codings are one too many.
    let twice =
        request("Echo.Zipped").header("content-encoding", "gzip, gzip").body(Full::new(gzip(&gzip(b"{}")))).unwrap();
    let (status, _, _) = parts(handle(router, twice).await).await;
    assert_eq!(status, 415);
}
