//! Services that speak several protocols at once (botocore's CloudWatch
//! lists RPC v2 CBOR, awsJson1.0 and awsQuery; clients pick the first they
//! know, so old and new SDKs reach one endpoint in different protocols):
//! which protocol a request speaks, so that one router answers each in
//! its own.
//!
//! A request says which protocol it speaks by its head alone, in this
//! order:
//!
//! 1. a `smithy-protocol` header names an RPC v2 protocol
//!    (`rpc-v2-cbor`, `rpc-v2-json`);
//! 2. an `X-Amz-Target` header is awsJson's;
//! 3. a form body (`Content-Type: application/x-www-form-urlencoded`), or
//!    an `Action` in the query string, is awsQuery's (or ec2Query's);
//! 4. failing those, a body's `Content-Type` names the protocol whose bodies
//!    it is (`application/cbor`, `application/x-amz-json-1.0`, ...), and a
//!    path of the form `/service/{Service}/operation/{Operation}` is RPC
//!    v2's (CBOR, unless only JSON is offered).
//!
//! A request that says nothing the service offers (the ambiguous case: no
//! such header, no body type, no such path) goes to the service's first
//! protocol, which answers it in its own terms: it is refused the way that
//! protocol refuses a request missing what it requires, saying what that is.
//! Nothing is guessed from the body itself.

use http::header::CONTENT_TYPE;

use super::aws_json::request::X_AMZ_TARGET;

/// A protocol a request may speak, as its head says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Speech {
    AwsJson,
    AwsQuery,
    RpcV2Cbor,
    RpcV2Json,
    /// restJson1 or restXml (served alone; here for completeness).
    Rest,
}

/// The index in `offered` (the service's protocols, its first first) of
/// the protocol `request` speaks; 0, the first, where its head says none of
/// them (see the module's docs).
pub fn spoken<B>(request: &http::Request<B>, offered: &[Speech]) -> usize {
    let position = |speech: Speech| offered.iter().position(|offered| *offered == speech);
    said(request).into_iter().find_map(position).unwrap_or(0)
}

/// The protocols `request`'s head names, most telling first.
fn said<B>(request: &http::Request<B>) -> Vec<Speech> {
    let headers = request.headers();
    let mut said = Vec::with_capacity(2);
    match headers.get(super::rpc_v2::SMITHY_PROTOCOL).map(http::HeaderValue::as_bytes) {
        Some(b"rpc-v2-cbor") => said.push(Speech::RpcV2Cbor),
        Some(b"rpc-v2-json") => said.push(Speech::RpcV2Json),
        _ => {}
    }
    if headers.contains_key(X_AMZ_TARGET) {
        said.push(Speech::AwsJson);
    }
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    let media_type = media_type.as_deref();
    let action = request.uri().query().is_some_and(|query| query.split('&').any(|pair| pair.starts_with("Action=")));
    if media_type == Some("application/x-www-form-urlencoded") || action {
        said.push(Speech::AwsQuery);
    }
    match media_type {
        Some("application/cbor") => said.push(Speech::RpcV2Cbor),
        Some(json) if json.starts_with("application/x-amz-json-") => said.push(Speech::AwsJson),
        Some("application/json") => said.push(Speech::RpcV2Json),
        _ => {}
    }
    if super::rpc_v2::operation_of(request.uri().path()).is_some() {
        said.extend([Speech::RpcV2Cbor, Speech::RpcV2Json]);
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOUDWATCH: &[Speech] = &[Speech::AwsJson, Speech::AwsQuery, Speech::RpcV2Cbor];

    fn spoken_by(method: &str, uri: &str, headers: &[(&str, &str)]) -> usize {
        let mut request = http::Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        spoken(&request.body(()).unwrap(), CLOUDWATCH)
    }

    #[test]
    fn each_request_is_answered_in_the_protocol_it_speaks() {
        let cbor = [("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor")];
        assert_eq!(spoken_by("POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", &cbor), 2);
        let json = [("x-amz-target", "GraniteServiceVersion20100801.ListMetrics")];
        assert_eq!(spoken_by("POST", "/", &json), 0);
        let form = [("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
        assert_eq!(spoken_by("POST", "/", &form), 1);
        assert_eq!(spoken_by("GET", "/?Action=ListMetrics&Version=2010-08-01", &[]), 1);
    }

    #[test]
    fn what_a_request_leaves_out_is_answered_by_the_protocol_it_resembles() {
        // A CBOR body without its header: the RPC v2 router refuses it,
        // naming the header it needs.
        assert_eq!(spoken_by("POST", "/", &[("content-type", "application/cbor")]), 2);
        assert_eq!(spoken_by("POST", "/service/S/operation/O", &[]), 2);
        assert_eq!(spoken_by("POST", "/", &[("content-type", "application/x-amz-json-1.0")]), 0);
        // A protocol the service does not offer is no protocol at all.
        assert_eq!(spoken_by("POST", "/", &[("smithy-protocol", "rpc-v2-json")]), 0);
        // Nothing said: the first protocol's.
        assert_eq!(spoken_by("POST", "/", &[]), 0);
        assert_eq!(spoken_by("GET", "/", &[("content-type", "text/plain")]), 0);
    }
}
