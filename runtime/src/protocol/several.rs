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
use super::aws_query::AwsQuery;
use super::rpc_v2::{RpcV2, SMITHY_PROTOCOL, operation_of};
use super::rpc_v2_cbor::{CBOR, RpcV2Cbor};
use super::rpc_v2_json::{JSON, RpcV2Json};

/// A protocol a request may speak, as its head says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Speech {
    /// awsJson: an `X-Amz-Target` header, or an
    /// `application/x-amz-json-*` body.
    AwsJson,
    /// awsQuery or ec2Query: a form body, or an `Action` in the query
    /// string.
    AwsQuery,
    /// RPC v2 CBOR: `smithy-protocol: rpc-v2-cbor`, an `application/cbor`
    /// body, or an RPC v2 path.
    RpcV2Cbor,
    /// RPC v2 JSON: `smithy-protocol: rpc-v2-json`, an `application/json`
    /// body, or an RPC v2 path where CBOR is not offered.
    RpcV2Json,
    /// restJson1 or restXml (served alone; here for completeness).
    Rest,
}

/// The index in `offered` (the service's protocols, its first first) of
/// the protocol `request` speaks; 0, the first, where its head says none of
/// them (see the module's docs).
pub fn spoken<B>(request: &http::Request<B>, offered: &[Speech]) -> usize {
    let position = |speech: Speech| offered.iter().position(|offered| *offered == speech);
    said(request).into_iter().flatten().find_map(position).unwrap_or(0)
}

/// The protocols `request`'s head names, most telling first (each read
/// once, nothing allocated: every request of such a service asks).
fn said<B>(request: &http::Request<B>) -> [Option<Speech>; 6] {
    let headers = request.headers();
    let named = headers.get(SMITHY_PROTOCOL).map(http::HeaderValue::as_bytes);
    let by_name = match named {
        Some(name) if name == RpcV2Cbor::NAME.as_bytes() => Some(Speech::RpcV2Cbor),
        Some(name) if name == RpcV2Json::NAME.as_bytes() => Some(Speech::RpcV2Json),
        _ => None,
    };
    let target = headers.contains_key(X_AMZ_TARGET).then_some(Speech::AwsJson);
    let media_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
    let media_type = media_type.map_or("", |value| value.split(';').next().unwrap_or_default().trim());
    let action = request.uri().query().is_some_and(|query| query.split('&').any(|pair| pair.starts_with("Action=")));
    let form = (media_type.eq_ignore_ascii_case(AwsQuery::FORM) || action).then_some(Speech::AwsQuery);
    let by_media_type = if media_type.eq_ignore_ascii_case(CBOR) {
        Some(Speech::RpcV2Cbor)
    } else if media_type.get(..AWS_JSON.len()).is_some_and(|prefix| prefix.eq_ignore_ascii_case(AWS_JSON)) {
        Some(Speech::AwsJson)
    } else if media_type.eq_ignore_ascii_case(JSON) {
        Some(Speech::RpcV2Json)
    } else {
        None
    };
    let path = operation_of(request.uri().path()).is_some();
    let (path_cbor, path_json) = (path.then_some(Speech::RpcV2Cbor), path.then_some(Speech::RpcV2Json));
    [by_name, target, form, by_media_type, path_cbor, path_json]
}

/// What awsJson's media types begin with (`application/x-amz-json-1.0`).
const AWS_JSON: &str = "application/x-amz-json-";

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
