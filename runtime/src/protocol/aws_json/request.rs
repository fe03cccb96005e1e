//! Reading an awsJson request: the operation its `X-Amz-Target` names, and
//! what the protocol asks of its head before the body is read.

use http::{HeaderName, Method};

use super::AwsJson;
use crate::http::{Coding, UnsupportedCoding, check_host, content_coding, declares_media_type};
use crate::protocol::{Protocol, Response};

/// `X-Amz-Target`, which names the operation (a constant: a name given as
/// text is parsed at every lookup).
pub(crate) const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");

/// The operation an `X-Amz-Target` names for the service `service`:
/// `<service>.<Operation>`. A target whose prefix ends in `.<service>` is
/// accepted too: botocore prefixes some services' names with a namespace
/// (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails`)
/// that the Smithy model does not record.
pub fn operation_name<'a>(target: Option<&'a str>, service: &str) -> Option<&'a str> {
    let (prefix, operation) = target?.rsplit_once('.')?;
    let named = prefix == service || prefix.strip_suffix(service).is_some_and(|rest| rest.ends_with('.'));
    named.then_some(operation)
}

/// `target` (an `X-Amz-Target`), if it may be repeated in a response or a
/// log: a service and operation name, at most 128 letters, digits, `.`,
/// `_` and `-`. Anything else is the client's own text, not echoed.
pub fn shown_target(target: &str) -> Option<&str> {
    let name = |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-');
    (!target.is_empty() && target.len() <= 128 && target.bytes().all(name)).then_some(target)
}

/// What awsJson asks of a request's head, checked before its body is
/// read: a POST to `/` with a `Host` (one the [`AllowedHosts`] extension
/// allows, if the request has it), one `X-Amz-Target`, the protocol's
/// media type and no content coding but gzip where `gzip_allowed` (the
/// operation has `@requestCompression`); whether the body is gzipped. The
/// media type is the `served` service's (or, for an operation whose input
/// is an event stream, `streamed`, the event stream's): a target no
/// service serves is an unknown operation, whatever its type.
pub(crate) fn check_head(
    parts: &http::request::Parts,
    protocol: AwsJson,
    served: bool,
    gzip_allowed: bool,
    streamed: bool,
) -> Result<bool, Box<Response>> {
    if parts.method != Method::POST {
        return Err(Box::new(protocol.error(405, "MethodNotAllowedException", "awsJson requests are POSTs")));
    }
    if parts.uri.path() != "/" {
        return Err(Box::new(protocol.error(404, "UnknownOperationException", "awsJson requests are sent to /")));
    }
    if let Err(refusal) = check_host(parts) {
        return Err(Box::new(refusal.response(protocol)));
    }
    if parts.headers.get_all(X_AMZ_TARGET).iter().nth(1).is_some() {
        let text = "the request has more than one X-Amz-Target header";
        return Err(Box::new(protocol.error(400, "UnknownOperationException", text)));
    }
    let declared = |media_type| declares_media_type(&parts.headers, media_type);
    if served && !declared(protocol.content_type()) && !(streamed && declared(crate::event_stream::CONTENT_TYPE)) {
        let text = format!("requests are sent with Content-Type: {}", protocol.content_type());
        return Err(Box::new(protocol.error(415, "UnsupportedMediaTypeException", &text)));
    }
    match content_coding(&parts.headers, gzip_allowed, false, false) {
        Ok(coding) => Ok(coding == Coding::Gzip),
        Err(UnsupportedCoding) => {
            Err(Box::new(protocol.error(415, "UnsupportedMediaTypeException", UnsupportedCoding::MESSAGE)))
        }
    }
}

/// The input of an operation whose input is an event stream, `events`:
/// the members of its `initial-request` message (a JSON object, as a body
/// is; none sent counts as `{}`), checked against `schema`, and the
/// stream's events after it.
pub async fn initial_request<T: crate::validate::Read>(
    schema: &'static crate::validate::Structure,
    events: crate::event_stream::InputEvents,
) -> Result<(T, crate::event_stream::InputEvents), crate::validate::Rejection> {
    events.read_initial(|payload| crate::validate::parse(schema, payload.unwrap_or(b"{}"))).await
}
