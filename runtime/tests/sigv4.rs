//! SigV4 verification against a request botocore signed (awsJson1.1, SSM,
//! secret `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, AWS's example key).
#![cfg(feature = "sigv4")]

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use awsgen_runtime::sigv4::{Caller, Credentials, Refusal, verify};

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
