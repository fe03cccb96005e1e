//! AWS Signature Version 4 verification as a tower layer (feature `sigv4`).
//!
//! [`SigV4Layer`] checks each request's `Authorization` header
//! (`AWS4-HMAC-SHA256`): the credential's access key id against a
//! [`Credentials`] lookup, the signed headers, the payload hash and the
//! date window, then recomputes the signature. A request that passes goes
//! on with a [`Caller`] in its extensions; one that fails is answered as
//! AWS answers it (`MissingAuthenticationTokenException`,
//! `IncompleteSignatureException`, `UnrecognizedClientException`,
//! `InvalidSignatureException`). The HMAC-SHA256 and SHA-256 primitives
//! are RustCrypto's `hmac` and `sha2`; the canonical request is built here,
//! as the signature's specification describes it.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::request::Parts;
use http_body_util::Full;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::context::RequestId;
use crate::http::{BoxError, HttpResponse, ResponseFuture, into_http, read_body, read_rest_body, with_id};
use crate::service::{AwsJson, error_response};

type HmacSha256 = Hmac<Sha256>;

/// Looks up the secret access key of an access key id.
pub trait Credentials: Send + Sync + 'static {
    /// The secret of `access_key_id`, or `None` when the key is unknown.
    fn secret_access_key(&self, access_key_id: &str) -> Option<String>;
}

impl Credentials for BTreeMap<String, String> {
    fn secret_access_key(&self, access_key_id: &str) -> Option<String> {
        self.get(access_key_id).cloned()
    }
}

impl<F: Fn(&str) -> Option<String> + Send + Sync + 'static> Credentials for F {
    fn secret_access_key(&self, access_key_id: &str) -> Option<String> {
        self(access_key_id)
    }
}

/// Who signed a request that passed verification: put in its extensions,
/// where handlers find it through their context.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Caller {
    pub access_key_id: String,
    /// The region and service of the credential scope.
    pub region: String,
    pub service: String,
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No `Authorization` header.
    Missing,
    /// An `Authorization` header that is not a complete SigV4 one, or a
    /// signed header the request lacks.
    Incomplete(String),
    /// An access key id the credentials do not know.
    UnknownKey,
    /// A signature that does not match.
    Mismatch,
    /// A request date outside the allowed window.
    Expired(String),
}

impl Refusal {
    /// The error's name (`__type`), as AWS sends it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Refusal::Missing => "MissingAuthenticationTokenException",
            Refusal::Incomplete(_) => "IncompleteSignatureException",
            Refusal::UnknownKey => "UnrecognizedClientException",
            Refusal::Mismatch | Refusal::Expired(_) => "InvalidSignatureException",
        }
    }

    /// The error's message, as AWS words it.
    pub fn message(&self) -> String {
        match self {
            Refusal::Missing => "Missing Authentication Token".to_string(),
            Refusal::Incomplete(why) => why.clone(),
            Refusal::UnknownKey => "The security token included in the request is invalid.".to_string(),
            Refusal::Mismatch => "The request signature we calculated does not match the signature you provided. \
                                  Check your AWS Secret Access Key and signing method. Consult the service \
                                  documentation for details."
                .to_string(),
            Refusal::Expired(why) => why.clone(),
        }
    }

    /// The error response (status 400, as AWS's JSON services answer).
    pub fn response(&self, protocol: AwsJson) -> crate::service::Response {
        let mut fields = Map::new();
        fields.insert("message".to_string(), Value::String(self.message()));
        error_response(protocol, 400, self.type_name(), fields)
    }

    /// The error response of a restJson1 service: status 403, the name in
    /// `X-Amzn-Errortype` and the message in a JSON body, as AWS's REST
    /// services (Lambda, API Gateway) answer.
    pub fn rest_response(&self) -> crate::rest::Response {
        crate::rest::error_with_message(403, self.type_name(), &self.message())
    }
}

/// Verifies the signature of a request with these parts and body at time
/// `now`, allowing `max_skew` between the request's date and `now`.
pub fn verify(
    parts: &Parts,
    body: &[u8],
    credentials: &dyn Credentials,
    now: SystemTime,
    max_skew: Duration,
) -> Result<Caller, Refusal> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(authorization) = header("authorization") else { return Err(Refusal::Missing) };
    let auth = Authorization::parse(authorization)?;
    let date = header("x-amz-date").ok_or_else(|| {
        incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    })?;
    let signed_at = parse_amz_date(date)
        .ok_or_else(|| incomplete(&format!("Date must be in ISO-8601 'basic format'. Got '{date}'.")))?;
    if !date.starts_with(&auth.date) {
        return Err(Refusal::Mismatch);
    }
    let skew = now.duration_since(signed_at).unwrap_or_else(|e| e.duration());
    if skew > max_skew {
        return Err(Refusal::Expired(format!(
            "Signature expired or not yet valid: {date} is more than {} minutes from the server's time.",
            max_skew.as_secs() / 60
        )));
    }
    let Some(secret) = credentials.secret_access_key(&auth.access_key_id) else { return Err(Refusal::UnknownKey) };

    let canonical = canonical_request(parts, body, &auth.signed_headers)?;
    let scope = format!("{}/{}/{}/aws4_request", auth.date, auth.region, auth.service);
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{date}\n{scope}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), auth.date.as_bytes());
    for part in [auth.region.as_str(), auth.service.as_str(), "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let provided = unhex(&auth.signature).ok_or(Refusal::Mismatch)?;
    let mut mac = HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    // Compared in constant time.
    mac.verify_slice(&provided).map_err(|_| Refusal::Mismatch)?;
    Ok(Caller { access_key_id: auth.access_key_id, region: auth.region, service: auth.service })
}

fn incomplete(why: &str) -> Refusal {
    Refusal::Incomplete(why.to_string())
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=...,
/// SignedHeaders=..., Signature=...` header.
struct Authorization {
    access_key_id: String,
    date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
}

impl Authorization {
    fn parse(header: &str) -> Result<Self, Refusal> {
        let Some(rest) = header.strip_prefix("AWS4-HMAC-SHA256 ") else {
            return Err(incomplete("Authorization header requires the AWS4-HMAC-SHA256 algorithm."));
        };
        let mut fields = BTreeMap::new();
        for field in rest.split(',') {
            if let Some((name, value)) = field.trim().split_once('=') {
                fields.insert(name, value);
            }
        }
        let missing = |name: &str| incomplete(&format!("Authorization header requires '{name}' parameter."));
        let credential = fields.get("Credential").ok_or_else(|| missing("Credential"))?;
        let signed = fields.get("SignedHeaders").ok_or_else(|| missing("SignedHeaders"))?;
        let signature = fields.get("Signature").ok_or_else(|| missing("Signature"))?;
        let scope: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
            return Err(incomplete(&format!("Credential should be scoped correctly: {credential}")));
        };
        Ok(Authorization {
            access_key_id: access_key_id.to_string(),
            date: date.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            signed_headers: signed.split(';').map(str::to_string).collect(),
            signature: signature.to_string(),
        })
    }
}

/// The canonical request the client signed, rebuilt from what arrived.
fn canonical_request(parts: &Parts, body: &[u8], signed_headers: &[String]) -> Result<String, Refusal> {
    let mut headers = String::new();
    for name in signed_headers {
        let values: Vec<String> = parts
            .headers
            .get_all(name.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let values = if values.is_empty() && name == "host" {
            // HTTP/2 carries the host in the URI, not a header.
            parts.uri.authority().map(|a| vec![a.to_string()]).unwrap_or_default()
        } else {
            values
        };
        if values.is_empty() {
            return Err(incomplete(&format!("the signed header '{name}' is not in the request")));
        }
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload = match parts.headers.get("x-amz-content-sha256").and_then(|v| v.to_str().ok()) {
        Some("UNSIGNED-PAYLOAD") => "UNSIGNED-PAYLOAD".to_string(),
        _ => hex(&Sha256::digest(body)),
    };
    Ok(format!(
        "{}\n{}\n{}\n{headers}\n{}\n{payload}",
        parts.method,
        canonical_path(parts.uri.path()),
        canonical_query(parts.uri.query().unwrap_or("")),
        signed_headers.join(";"),
    ))
}

/// The path as AWS's non-S3 services canonicalise it: dot segments
/// removed, then each segment (as sent, already encoded once) encoded again.
fn canonical_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    let encoded: Vec<String> = segments.iter().map(|s| uri_encode(s)).collect();
    format!("/{}", encoded.join("/"))
}

/// The query string, each name and value decoded and re-encoded, sorted.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (uri_encode(&percent_decode(name)), uri_encode(&percent_decode(value)))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&")
}

/// SigV4's URI encoding: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`.
fn uri_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// `20150830T123600Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    let t = crate::Timestamp::parse_rfc3339(&rfc3339).ok()?;
    let seconds = u64::try_from(t.epoch_seconds()).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
}

/// Verifies SigV4 signatures in front of a service ([`SigV4`]).
#[derive(Clone)]
pub struct SigV4Layer<C> {
    credentials: Arc<C>,
    max_skew: Duration,
}

impl<C: Credentials> SigV4Layer<C> {
    /// Verification against `credentials`, allowing 15 minutes between a
    /// request's date and the server's clock, as AWS does.
    pub fn new(credentials: C) -> Self {
        SigV4Layer { credentials: Arc::new(credentials), max_skew: Duration::from_secs(15 * 60) }
    }

    /// The same with another allowed clock difference.
    pub fn max_skew(self, max_skew: Duration) -> Self {
        SigV4Layer { max_skew, ..self }
    }
}

impl<S, C> tower_layer::Layer<S> for SigV4Layer<C> {
    type Service = SigV4<S, C>;

    fn layer(&self, inner: S) -> SigV4<S, C> {
        SigV4 { inner, credentials: self.credentials.clone(), max_skew: self.max_skew }
    }
}

/// A service behind SigV4 verification: it reads the body (within the
/// request's [`BodyLimit`](crate::http::BodyLimit)), verifies the signature and passes the request
/// on with a [`Caller`] extension and the body read, or answers the refusal
/// in the request's protocol: an awsJson request (one with `X-Amz-Target`,
/// or typed `application/x-amz-json-1.x`) as [`Refusal::response`], any
/// other as a restJson1 one, [`Refusal::rest_response`].
#[derive(Clone)]
pub struct SigV4<S, C> {
    inner: S,
    credentials: Arc<C>,
    max_skew: Duration,
}

impl<S, C, B> tower_service::Service<http::Request<B>> for SigV4<S, C>
where
    S: tower_service::Service<http::Request<Full<Bytes>>, Response = HttpResponse, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    C: Credentials,
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
        let mut inner = self.inner.clone();
        let (credentials, max_skew) = (self.credentials.clone(), self.max_skew);
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let protocol = protocol_of(&parts);
            let id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
            let refuse_rest = |response: crate::rest::Response| Ok(with_id(response.into_http(), &id));
            let body = match protocol {
                Some(protocol) => {
                    read_body(&parts, body, protocol).await.map_err(|refusal| Ok(into_http(refusal, &id)))
                }
                None => read_rest_body(&parts, body).await.map_err(refuse_rest),
            };
            let body = match body {
                Ok(body) => Bytes::from(body),
                Err(refused) => return refused,
            };
            match verify(&parts, &body, &*credentials, SystemTime::now(), max_skew) {
                Ok(caller) => {
                    tracing::debug!(access_key_id = %caller.access_key_id, "signature verified");
                    parts.extensions.insert(caller);
                    std::future::poll_fn(|cx| inner.poll_ready(cx)).await?;
                    inner.call(http::Request::from_parts(parts, Full::new(body))).await
                }
                Err(refusal) => {
                    tracing::debug!(refusal = refusal.type_name(), "signature refused");
                    match protocol {
                        Some(protocol) => Ok(into_http(refusal.response(protocol), &id)),
                        None => refuse_rest(refusal.rest_response()),
                    }
                }
            }
        })
    }
}

/// The protocol of a request: awsJson when it names an operation in
/// `X-Amz-Target` or is typed as awsJson (the version its `Content-Type`
/// names, 1.1 otherwise); `None`, restJson1, otherwise.
fn protocol_of(parts: &Parts) -> Option<AwsJson> {
    let content_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("application/x-amz-json-1.0") {
        Some(AwsJson::V1_0)
    } else if content_type.starts_with("application/x-amz-json-") || parts.headers.contains_key("x-amz-target") {
        Some(AwsJson::V1_1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_are_canonicalised_as_aws_does() {
        assert_eq!(canonical_path("/"), "/");
        assert_eq!(canonical_path("/a/./b/../c"), "/a/c");
        assert_eq!(canonical_path("/a%20b"), "/a%2520b");
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("x=a%20b&y=~"), "x=a%20b&y=~");
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn amz_dates_read_as_utc() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_440_938_160);
        assert!(parse_amz_date("2015-08-30T12:36:00Z").is_none());
    }
}
