//! SigV4 verification against a request botocore signed (awsJson1.1, SSM,
//! secret `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, AWS's example key).
#![cfg(feature = "sigv4")]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use awsgen_runtime::ByteStream;
use awsgen_runtime::http::HttpResponse;
use awsgen_runtime::sigv4::{Caller, Credentials, Refusal, SigV4Layer, verify};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tower::ServiceExt;

const BODY: &str = r#"{"WindowId":"mw-0123456789abcdef0"}"#;
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=a88c3bd79b0c5abe0d2f386a80987f78832d8455e65a1f097a35b23b3885f778";
/// 2026-11-27T15:17:36Z, when it was signed.
const SIGNED_AT: u64 = 1_795_792_656;

fn parts(authorization: Option<&str>) -> http::request::Parts {
    let mut request = http::Request::post("/")
        .header("host", "127.0.0.1:4566")
        .header("x-amz-target", "AmazonSSM.GetMaintenanceWindow")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-date", "20261127T151736Z");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body(()).unwrap().into_parts().0
}

fn keys(secret: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("AKIDEXAMPLE".to_string(), secret.to_string())])
}

fn at(offset: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(SIGNED_AT.checked_add_signed(offset).unwrap())
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SKEW: Duration = Duration::from_secs(900);

#[test]
fn a_request_signed_with_the_right_secret_passes_and_names_its_caller() {
    let caller = verify(&parts(Some(AUTHORIZATION)), BODY.as_bytes(), &keys(SECRET), at(60), SKEW).unwrap();
    let expected = Caller { access_key_id: "AKIDEXAMPLE".into(), region: "us-east-1".into(), service: "ssm".into() };
    assert_eq!(caller, expected);
}

#[test]
fn refusals_are_those_aws_sends() {
    let credentials = keys(SECRET);
    let check = |parts, body: &str, credentials: &dyn Credentials, now, expected: &str| {
        let refusal = verify(&parts, body.as_bytes(), credentials, now, SKEW).unwrap_err();
        assert_eq!(refusal.type_name(), expected, "{refusal:?}");
    };
    check(parts(None), BODY, &credentials, at(0), "MissingAuthenticationTokenException");
    check(parts(Some(AUTHORIZATION)), BODY, &keys("wrong"), at(0), "InvalidSignatureException");
    check(parts(Some(AUTHORIZATION)), BODY, &BTreeMap::new(), at(0), "UnrecognizedClientException");
    check(
        parts(Some(AUTHORIZATION)),
        r#"{"WindowId":"mw-ffffffffffffffff0"}"#,
        &credentials,
        at(0),
        "InvalidSignatureException",
    );
    check(parts(Some(AUTHORIZATION)), BODY, &credentials, at(3600), "InvalidSignatureException");
    check(parts(Some(AUTHORIZATION)), BODY, &credentials, at(-3600), "InvalidSignatureException");
    check(
        parts(Some("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/ssm/aws4_request")),
        BODY,
        &credentials,
        at(0),
        "IncompleteSignatureException",
    );
    check(parts(Some("Basic dXNlcjpwYXNz")), BODY, &credentials, at(0), "IncompleteSignatureException");
    let unsigned_host = AUTHORIZATION.replace("content-type;host;", "content-type;host;x-missing;");
    check(parts(Some(&unsigned_host)), BODY, &credentials, at(0), "IncompleteSignatureException");
    assert_eq!(Refusal::UnknownKey.message(), "The security token included in the request is invalid.");
}

/// The status, `X-Amzn-Errortype`, `Content-Type` and JSON body of
/// `request` answered by a service behind [`SigV4Layer`].
async fn refused(request: http::Request<Full<Bytes>>) -> (u16, String, String, serde_json::Value) {
    let inner = tower::service_fn(|_: http::Request<ByteStream>| async {
        Ok::<HttpResponse, Infallible>(http::Response::new(ByteStream::empty()))
    });
    let service = tower_layer::Layer::layer(&SigV4Layer::new(keys(SECRET)), inner);
    let response = service.oneshot(request).await.unwrap();
    let header = |name: &str| response.headers().get(name).map_or(String::new(), |v| v.to_str().unwrap().to_string());
    let (status, error_type, content_type) =
        (response.status().as_u16(), header("x-amzn-errortype"), header("content-type"));
    assert!(response.headers().contains_key("x-amzn-requestid"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, error_type, content_type, serde_json::from_slice(&body).unwrap())
}

/// A refusal is answered in the request's protocol: awsJson's 400 with
/// `__type` for a request with `X-Amz-Target`, and as AWS's REST services
/// answer (Lambda: 403, `X-Amzn-Errortype`, `{"message": ...}`) for any
/// other. It used to be awsJson's 400 for every request.
#[tokio::test]
async fn refusals_are_in_the_requests_protocol() {
    let aws_json = http::Request::post("/")
        .header("host", "localhost")
        .header("x-amz-target", "AmazonSSM.GetMaintenanceWindow")
        .header("content-type", "application/x-amz-json-1.1")
        .body(Full::new(Bytes::from_static(BODY.as_bytes())))
        .unwrap();
    let (status, error_type, content_type, body) = refused(aws_json).await;
    assert_eq!(
        (status, error_type.as_str(), content_type.as_str()),
        (400, "MissingAuthenticationTokenException", "application/x-amz-json-1.1")
    );
    assert_eq!(body["__type"], "MissingAuthenticationTokenException");

    let rest = http::Request::get("/2015-03-31/functions?MaxItems=1")
        .header("host", "localhost")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (status, error_type, content_type, body) = refused(rest).await;
    assert_eq!(
        (status, error_type.as_str(), content_type.as_str()),
        (403, "MissingAuthenticationTokenException", "application/json")
    );
    assert_eq!(body, serde_json::json!({"message": "Missing Authentication Token"}));

    // RPC v2 requests name their protocol (they used to be answered as
    // restJson1, which their clients do not read).
    let rpc_v2_json = http::Request::post("/service/Metrics/operation/ListMetrics")
        .header("host", "localhost")
        .header("smithy-protocol", "rpc-v2-json")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(b"{}")))
        .unwrap();
    let (status, error_type, content_type, body) = refused(rpc_v2_json).await;
    assert_eq!((status, error_type.as_str(), content_type.as_str()), (400, "", "application/json"), "{body}");
    assert_eq!(body["__type"], "MissingAuthenticationTokenException");
    let rpc_v2_cbor = http::Request::post("/service/Metrics/operation/ListMetrics")
        .header("host", "localhost")
        .header("smithy-protocol", "rpc-v2-cbor")
        .header("content-type", "application/cbor")
        .body(Full::new(Bytes::from_static(&[0xa0])))
        .unwrap();
    let inner = tower::service_fn(|_: http::Request<ByteStream>| async {
        Ok::<HttpResponse, Infallible>(http::Response::new(ByteStream::empty()))
    });
    let service = tower_layer::Layer::layer(&SigV4Layer::new(keys(SECRET)), inner);
    let response = service.oneshot(rpc_v2_cbor).await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["content-type"], "application/cbor");
    assert_eq!(response.headers()["smithy-protocol"], "rpc-v2-cbor");
}

/// Requests botocore signed (and a few signed by hand, by the
/// specification), from `fixtures/sigv4/signed.json`; see `sign.py` there.
fn signed(name: &str) -> http::Request<Full<Bytes>> {
    signed_as(name, None, None)
}

/// The request `name`, sent to `path` with `body` where given.
fn signed_as(name: &str, path: Option<&str>, body: Option<&str>) -> http::Request<Full<Bytes>> {
    static FIXTURE: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let fixture = FIXTURE
        .get_or_init(|| serde_json::from_str(include_str!("fixtures/sigv4/signed.json")).expect("signed.json is JSON"));
    let signed = &fixture["requests"][name];
    assert!(signed.is_object(), "no request {name}");
    let path = path.unwrap_or(signed["path"].as_str().unwrap());
    let uri = match signed["query"].as_str().unwrap() {
        "" => path.to_string(),
        query => format!("{path}?{query}"),
    };
    let mut request = http::Request::builder().method(signed["method"].as_str().unwrap()).uri(uri);
    for header in signed["headers"].as_array().unwrap() {
        let value = http::HeaderValue::from_bytes(header[1].as_str().unwrap().as_bytes()).unwrap();
        request = request.header(header[0].as_str().unwrap(), value);
    }
    let body = body.unwrap_or(signed["body"].as_str().unwrap()).to_string();
    request.body(Full::new(Bytes::from(body))).unwrap()
}

/// What the service behind the layer saw, or the layer's refusal.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Passed on: the path the service was given, and the caller.
    Served(String, Caller),
    /// Refused: the status, `X-Amzn-Errortype` and message.
    Refused(u16, String, String),
}

/// `request` through [`SigV4Layer`] `layer`, at the time the fixture was
/// signed.
async fn through(layer: SigV4Layer<BTreeMap<String, String>>, request: http::Request<Full<Bytes>>) -> Outcome {
    let inner = tower::service_fn(|request: http::Request<ByteStream>| async move {
        let caller = request.extensions().get::<Caller>().cloned().expect("a verified caller");
        let body = serde_json::json!({"path": request.uri().path(), "caller": [caller.access_key_id, caller.region, caller.service]});
        let mut response = http::Response::new(ByteStream::from(body.to_string().into_bytes()));
        response.headers_mut().insert("x-served", http::HeaderValue::from_static("yes"));
        Ok::<HttpResponse, Infallible>(response)
    });
    // The fixture's date is fixed: allow any skew.
    let service = tower_layer::Layer::layer(&layer.max_skew(Duration::from_secs(100 * 365 * 86400)), inner);
    let response = service.oneshot(request).await.unwrap();
    let served = response.headers().contains_key("x-served");
    let status = response.status().as_u16();
    let error_type =
        response.headers().get("x-amzn-errortype").map_or(String::new(), |v| v.to_str().unwrap().to_string());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    // A request that looks like S3's (it signs its payload's hash) is
    // refused in restXml's form.
    if bytes.starts_with(b"<") {
        let text = std::str::from_utf8(&bytes).unwrap();
        let element = |name: &str| {
            let start = text.find(&format!("<{name}>")).map_or(0, |at| at + name.len() + 2);
            let end = text[start..].find("</").map_or(start, |at| start + at);
            text[start..end].to_string()
        };
        return Outcome::Refused(status, element("Code"), element("Message"));
    }
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    if served {
        let caller = &body["caller"];
        let caller = Caller {
            access_key_id: caller[0].as_str().unwrap().into(),
            region: caller[1].as_str().unwrap().into(),
            service: caller[2].as_str().unwrap().into(),
        };
        return Outcome::Served(body["path"].as_str().unwrap().to_string(), caller);
    }
    let message = body["message"].as_str().unwrap_or_default().to_string();
    let error_type =
        if error_type.is_empty() { body["__type"].as_str().unwrap_or_default().to_string() } else { error_type };
    Outcome::Refused(status, error_type, message)
}

fn layer() -> SigV4Layer<BTreeMap<String, String>> {
    SigV4Layer::new(keys(SECRET))
}

fn caller(region: &str, service: &str) -> Caller {
    Caller { access_key_id: "AKIDEXAMPLE".into(), region: region.into(), service: service.into() }
}

/// The type name of a refusal, or `"served"`.
fn refusal(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Served(..) => "served",
        Outcome::Refused(_, name, _) => name,
    }
}

#[tokio::test]
async fn botocores_requests_pass_and_are_served_as_sent() {
    for (name, region, service) in [
        ("lambda-list-functions", "us-east-1", "lambda"),
        ("greedy-key", "us-east-1", "example"),
        ("s3-key", "us-east-1", "s3"),
        ("s3-key-with-dots", "us-east-1", "s3"),
        ("s3-unsigned-payload", "us-east-1", "s3"),
        ("ssm", "us-east-1", "ssm"),
        ("ssm-us-west-2", "us-west-2", "ssm"),
    ] {
        let request = signed(name);
        let path = request.uri().path().to_string();
        assert_eq!(through(layer(), request).await, Outcome::Served(path, caller(region, service)), "{name}");
    }
}

/// The signature covers the path normalised (dot segments and empty ones
/// removed) for every service but S3: a request signed for
/// `/2015-03-31/functions` was accepted as `/2015-03-31/functions/.` and
/// served as `GetFunction(".")`; a write signed for key `b` reached the
/// handler as `x/../b`. Now the service is given the path signed.
#[tokio::test]
async fn the_path_served_is_the_path_signed() {
    let served_as = |path: &str, service: &str| Outcome::Served(path.to_string(), caller("us-east-1", service));
    for sent in ["/2015-03-31/functions/.", "/2015-03-31/functions/x/..", "//2015-03-31//functions"] {
        let request = signed_as("lambda-list-functions", Some(sent), None);
        assert_eq!(through(layer(), request).await, served_as("/2015-03-31/functions", "lambda"), "{sent}");
    }
    let request = signed_as("greedy-key", Some("/keys/x/../b"), None);
    assert_eq!(through(layer(), request).await, served_as("/keys/b", "example"));
    // S3 signs the path as sent: the dots are part of the key, both ways.
    let request = signed_as("s3-key", Some("/bucket/x/../b"), None);
    assert_eq!(refusal(&through(layer(), request).await), "InvalidSignatureException");
    assert_eq!(through(layer(), signed("s3-key-with-dots")).await, served_as("/bucket/x/../b", "s3"));
}

#[tokio::test]
async fn host_must_be_signed() {
    let outcome = through(layer(), signed("no-host-signed")).await;
    assert_eq!(
        outcome,
        Outcome::Refused(
            400,
            "IncompleteSignatureException".into(),
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".into()
        )
    );
}

#[tokio::test]
async fn the_credential_must_be_scoped_to_the_servers_region_when_it_has_one() {
    let outcome = through(layer().region("us-east-1"), signed("ssm-us-west-2")).await;
    assert_eq!(
        outcome,
        Outcome::Refused(
            400,
            "InvalidSignatureException".into(),
            "Credential should be scoped to a valid region.".into()
        )
    );
    assert_eq!(refusal(&through(layer().region("us-east-1"), signed("ssm")).await), "served");
}

#[tokio::test]
async fn the_scope_date_is_the_requests_date() {
    // Signed with the scope date `2026112`, a prefix of the request's
    // `20261127T...`: it passed the old prefix check.
    let outcome = through(layer(), signed("scope-date-a-prefix")).await;
    assert_eq!(refusal(&outcome), "IncompleteSignatureException", "{outcome:?}");
}

/// With two `Signature=` (or any field twice), the last won.
#[tokio::test]
async fn an_authorization_header_with_a_field_twice_is_refused() {
    let mut request = signed("ssm");
    let authorization = request.headers()["authorization"].to_str().unwrap().to_string();
    let forged = authorization.replace("Signature=", &format!("Signature={}, Signature=", "0".repeat(64)));
    request.headers_mut().insert("authorization", forged.parse().unwrap());
    assert_eq!(refusal(&through(layer(), request).await), "IncompleteSignatureException");
}

/// Signed header values are taken as their bytes: a value that was not
/// ASCII was dropped from the canonical request, so one could be added to
/// a signed header without breaking the signature; and a client that signed
/// one could not be verified.
#[tokio::test]
async fn signed_header_values_count_whatever_bytes_they_hold() {
    assert_eq!(
        through(layer(), signed("utf8-header-value")).await,
        Outcome::Served("/".into(), caller("us-east-1", "ssm"))
    );
    let mut request = signed("ssm");
    request.headers_mut().append("x-amz-target", http::HeaderValue::from_bytes(b"\xffDeleteEverything").unwrap());
    assert_eq!(refusal(&through(layer(), request).await), "InvalidSignatureException");
}

/// `UNSIGNED-PAYLOAD` counts only where `x-amz-content-sha256` is signed: it
/// was honoured from an unsigned header, so any signed request's body could
/// be replaced.
#[tokio::test]
async fn an_unsigned_payload_must_be_signed_as_such() {
    let mut request = signed_as("ssm", None, Some(r#"{"WindowId":"mw-ffffffffffffffff0"}"#));
    request.headers_mut().insert("x-amz-content-sha256", http::HeaderValue::from_static("UNSIGNED-PAYLOAD"));
    assert_eq!(refusal(&through(layer(), request).await), "InvalidSignatureException");
    // Signed so (S3), the body is not covered.
    let request = signed_as("s3-unsigned-payload", None, Some("another value"));
    assert_eq!(refusal(&through(layer(), request).await), "served");
    // A signed hash must be the body's.
    let request = signed_as("s3-key", None, Some("another value"));
    let outcome = through(layer(), request).await;
    assert_eq!(
        outcome,
        Outcome::Refused(
            403,
            "InvalidSignatureException".into(),
            "The provided 'x-amz-content-sha256' header does not match what was computed.".into()
        )
    );
}

/// A caller the server does not know is refused from the head alone: a
/// body that never comes is not waited for.
#[tokio::test]
async fn an_unknown_caller_is_refused_before_the_body_is_read() {
    let (parts, _) = signed("ssm").into_parts();
    let request = http::Request::from_parts(parts, Never);
    let inner = tower::service_fn(|_: http::Request<ByteStream>| async {
        Ok::<HttpResponse, Infallible>(http::Response::new(ByteStream::empty()))
    });
    let unknown = SigV4Layer::new(BTreeMap::<String, String>::new()).max_skew(Duration::from_secs(100 * 365 * 86400));
    let service = tower_layer::Layer::layer(&unknown, inner);
    let response = tokio::time::timeout(Duration::from_secs(2), service.oneshot(request)).await;
    let response = response.expect("answered without the body").unwrap();
    assert_eq!(response.headers()["x-amzn-errortype"], "UnrecognizedClientException");
}

/// A body that never yields a frame.
struct Never;

impl http_body::Body for Never {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        std::task::Poll::Pending
    }
}

/// Refusals quote at most an excerpt of what was sent: a 200 KB
/// `X-Amz-Date` and a 300 KB `Credential` came back whole.
#[tokio::test]
async fn refusals_echo_at_most_an_excerpt() {
    let mut request = signed("ssm");
    request.headers_mut().insert("x-amz-date", "2".repeat(200_000).parse().unwrap());
    let Outcome::Refused(_, _, message) = through(layer(), request).await else { panic!("served") };
    assert!(message.len() < 300, "{} bytes", message.len());
    let mut request = signed("ssm");
    let credential = format!("AWS4-HMAC-SHA256 Credential={}, SignedHeaders=host, Signature=00", "A/".repeat(150_000));
    request.headers_mut().insert("authorization", credential.parse().unwrap());
    let Outcome::Refused(_, _, message) = through(layer(), request).await else { panic!("served") };
    assert!(message.len() < 300, "{} bytes", message.len());
}

/// An awsJson service whose credentials are scoped to `ssm`.
struct Ssm;

impl awsgen_runtime::protocol::aws_json::Dispatch for Ssm {
    fn protocol(&self) -> awsgen_runtime::protocol::aws_json::AwsJson {
        awsgen_runtime::protocol::aws_json::AwsJson::V1_1
    }

    fn target_prefix(&self) -> &'static str {
        "AmazonSSM"
    }

    fn signing_name(&self) -> Option<&'static str> {
        Some("ssm")
    }

    async fn route(
        &self,
        _: &awsgen_runtime::context::RequestContext,
        _: Option<&str>,
        _: &[u8],
    ) -> awsgen_runtime::protocol::Response {
        awsgen_runtime::protocol::Response::with_body(200, "application/json", b"{}".to_vec())
    }
}

/// A request signed for another service (`sqs`) was served by SSM's
/// router: the scope's service was never compared with the service's.
#[tokio::test]
async fn the_credential_must_be_scoped_to_the_service_that_serves_the_request() {
    let ssm = tower::service_fn(|request: http::Request<ByteStream>| async move {
        Ok::<_, std::convert::Infallible>(awsgen_runtime::protocol::aws_json::handle(Ssm, request).await)
    });
    let service = tower_layer::Layer::layer(&layer().max_skew(Duration::from_secs(100 * 365 * 86400)), ssm);
    let response = service.clone().oneshot(signed("ssm")).await.unwrap();
    assert_eq!(response.status(), 200);
    let response = service.oneshot(signed("sqs-scoped-to-ssm-target")).await.unwrap();
    assert_eq!(response.status(), 400);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["__type"], "InvalidSignatureException");
    assert_eq!(body["message"], "Credential should be scoped to correct service: 'ssm'.");
}

/// What the service behind the layer was given for `request`: its body and
/// headers; or the layer's refusal (status, body).
async fn passed_on(request: http::Request<Full<Bytes>>) -> Result<(String, http::HeaderMap), (u16, String)> {
    let inner = tower::service_fn(|request: http::Request<ByteStream>| async move {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        let mut response = http::Response::new(ByteStream::from(body.to_vec()));
        *response.headers_mut() = parts.headers;
        response.headers_mut().insert("x-served", http::HeaderValue::from_static("yes"));
        Ok::<HttpResponse, Infallible>(response)
    });
    let layer = layer().max_skew(Duration::from_secs(100 * 365 * 86400));
    let response = tower_layer::Layer::layer(&layer, inner).oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap();
    match parts.headers.contains_key("x-served") {
        true => Ok((body, parts.headers)),
        false => Err((parts.status.as_u16(), body)),
    }
}

/// aws-chunked bodies: the request's signature over the streaming literal,
/// then each chunk's, chained; the body passed on decoded, its trailers as
/// headers, `aws-chunked` gone from `Content-Encoding`.
#[tokio::test]
async fn aws_chunked_bodies_are_checked_and_passed_on_decoded() {
    for name in ["s3-unsigned-trailer", "s3-signed-chunks"] {
        let (body, headers) = passed_on(signed_as(name, None, None)).await.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(body, "hello world\n", "{name}");
        assert!(!headers.contains_key("content-encoding"), "{name}");
        assert_eq!(headers["content-length"], "12", "{name}");
    }
    let (_, headers) = passed_on(signed_as("s3-unsigned-trailer", None, None)).await.unwrap();
    assert_eq!(headers["x-amz-checksum-crc32"], "rwg7LQ==");

    // A chunk altered after it was signed, or a chunk size that lies.
    let signed = signed_as("s3-signed-chunks", None, None);
    let original = String::from_utf8(signed.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let tampered = original.replace("hello", "jello");
    let refused = passed_on(signed_as("s3-signed-chunks", None, Some(&tampered))).await.unwrap_err();
    assert_eq!(refused.0, 403, "{refused:?}");
    assert!(refused.1.contains("<Code>InvalidSignatureException</Code>"), "{refused:?}");
    let lying = original.replacen("5;", "9;", 1);
    let refused = passed_on(signed_as("s3-signed-chunks", None, Some(&lying))).await.unwrap_err();
    assert_eq!(refused.0, 400, "{refused:?}");
    assert!(refused.1.contains("<Code>IncompleteBody</Code>"), "{refused:?}");
    // Unsigned chunks where signed ones were promised.
    let unsigned = "5\r\nhello\r\n7\r\n world\n\r\n0\r\n\r\n";
    let refused = passed_on(signed_as("s3-signed-chunks", None, Some(unsigned))).await.unwrap_err();
    assert_eq!(refused.0, 403, "{refused:?}");
}

/// A presigned URL (botocore's, good for an hour) is verified from its
/// query string, within its hour.
#[tokio::test]
async fn presigned_urls_are_good_until_they_expire() {
    let (parts, _) = signed_as("s3-presigned", None, None).into_parts();
    let at = |seconds: u64| UNIX_EPOCH + Duration::from_secs(SIGNED_AT + seconds);
    let skew = Duration::from_secs(15 * 60);
    let caller = verify(&parts, b"", &keys(SECRET), at(60), skew).expect("verified");
    assert_eq!((caller.access_key_id.as_str(), caller.service.as_str()), ("AKIDEXAMPLE", "s3"));
    assert_eq!(
        verify(&parts, b"", &keys(SECRET), at(3601), skew),
        Err(Refusal::Expired("Request has expired".to_string()))
    );
    assert!(verify(&parts, b"", &keys("another secret"), at(60), skew).is_err());
    // A presigned URL for another path.
    let (parts, _) = signed_as("s3-presigned", Some("/bucket/c"), None).into_parts();
    assert_eq!(verify(&parts, b"", &keys(SECRET), at(60), skew), Err(Refusal::Mismatch));
}
