//! Smithy's HTTP test cases as `http` messages: a case's `request` as the
//! `http::Request` a client sends, and a router's `http::Response` checked
//! against the case's `response` (status, headers, and the body's exact
//! JSON contents or a pattern its message matches).

use serde_json::Value;
use validation_suite::runtime::ByteStream;
use validation_suite::runtime::http::{HttpResponse, Request};

/// A minimal executor: routing never waits on I/O.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// The case's `request`: method, URI with its `queryParams` (as written,
/// already encoded), headers and body.
pub fn request_of(request: &Value) -> Result<Request<ByteStream>, String> {
    let mut uri = request["uri"].as_str().unwrap_or("/").to_string();
    let params: Vec<&str> = request["queryParams"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if !params.is_empty() {
        uri.push(if uri.contains('?') { '&' } else { '?' });
        uri.push_str(&params.join("&"));
    }
    let mut builder = Request::builder().method(request["method"].as_str().unwrap_or("POST")).uri(uri);
    let has = |header: &str| {
        request["headers"].as_object().is_some_and(|headers| headers.keys().any(|n| n.eq_ignore_ascii_case(header)))
    };
    // The case's headers are the request's: a `host` it gives is the
    // endpoint's, not a header (`@httpPrefixHeaders("")` reads them all).
    // A `resolvedHost` is the host the request reaches (an S3 bucket's own
    // host, virtual-hosted): it is the request's `Host`.
    if let Some(host) = request["resolvedHost"].as_str().filter(|_| !has("host")) {
        builder = builder.header("Host", host);
    }
    for (name, value) in request["headers"].as_object().into_iter().flatten() {
        builder = builder.header(name, value.as_str().unwrap_or_default());
    }
    // CBOR bodies are written in base64 (some tests say so only by the
    // request's `Content-Type`).
    let text = request["body"].as_str().unwrap_or_default();
    let content_type = request["headers"]
        .as_object()
        .and_then(|headers| headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("content-type")))
        .and_then(|(_, value)| value.as_str());
    let body = match request["bodyMediaType"].as_str().or(content_type) {
        Some(media_type) if crate::cbor_body::is_cbor(media_type) => crate::cbor_body::from_base64(text)?,
        _ => text.as_bytes().to_vec(),
    };
    if !body.is_empty() && !has("content-length") {
        builder = builder.header("Content-Length", body.len().to_string());
    }
    builder.body(ByteStream::from(body)).map_err(|e| format!("the case's request: {e}"))
}

/// A response's parts, its body read.
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

/// Reads `response` whole.
pub fn answer(response: HttpResponse) -> Answer {
    let (parts, body) = response.into_parts();
    let body = block_on(body.into_bytes()).map(|bytes| bytes.to_vec()).unwrap_or_default();
    Answer { status: parts.status.as_u16(), headers: parts.headers, body }
}

/// Why `answer` is not the case's `response` (code, headers, body
/// assertion), if it is not.
pub fn mismatch(expected: &Value, answer: &Answer) -> Option<String> {
    let body_text = String::from_utf8_lossy(&answer.body);
    let code = expected["code"].as_u64().unwrap_or(200);
    if u64::from(answer.status) != code {
        return Some(format!("status {}, expected {code}: {body_text}", answer.status));
    }
    for (name, value) in expected["headers"].as_object().into_iter().flatten() {
        let actual = answer.headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        if actual != value.as_str() {
            return Some(format!("header {name}: {actual:?}, expected {value}"));
        }
    }
    let assertion = &expected["body"]["assertion"];
    if let Some(contents) = assertion["contents"].as_str() {
        let expected: Value = match serde_json::from_str(contents) {
            Ok(value) => value,
            Err(e) => return Some(format!("the case's body contents are not JSON: {e}")),
        };
        let actual: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        if actual != expected {
            return Some(format!("expected {expected}\n     got {actual}"));
        }
    }
    if let Some(pattern) = assertion["messageRegex"].as_str() {
        let actual: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let message = actual["message"].as_str().unwrap_or_default();
        match regex::Regex::new(pattern) {
            Ok(regex) if regex.is_match(message) => {}
            Ok(_) => return Some(format!("the message {message:?} does not match {pattern:?}")),
            Err(e) => return Some(format!("the case's messageRegex {pattern:?} does not compile: {e}")),
        }
    }
    None
}
