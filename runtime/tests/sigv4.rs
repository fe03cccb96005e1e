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
    let inner = tower::service_fn(|_: http::Request<Full<Bytes>>| async {
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
}
