//! What Smithy's two RPC v2 protocols share: every request a `POST` to
//! `/service/{Service}/operation/{Operation}` naming its protocol in the
//! `smithy-protocol` header, its input a map in the body; every response
//! the same header, its output or error a map (errors named by `__type`,
//! their shape id). They differ only in the body's format: CBOR
//! ([`super::rpc_v2_cbor`]) or JSON ([`super::rpc_v2_json`]), each of which
//! implements [`RpcV2`].
//!
//! [`Dispatch`] is what a generated router implements, [`handle`] serves
//! one request with it.

mod router;

pub use router::{Dispatch, handle};
pub(crate) use router::{DynDispatch, Speaking};

use http::Method;

use crate::http::{check_host, declares_media_type};
use crate::protocol::{Protocol, Response};

/// One of the RPC v2 protocols: its body's format, as the head names it.
pub trait RpcV2: Protocol + Into<crate::protocol::AnyProtocol> {
    /// The media type of every body (`application/cbor`).
    const MEDIA_TYPE: &'static str;
    /// The `smithy-protocol` header's value (`rpc-v2-cbor`).
    const NAME: &'static str;
    /// The protocol's name in messages (`RPC v2 CBOR`).
    const TITLE: &'static str;
}

/// The shape id of the error every violation of an input is reported in.
pub const VALIDATION_EXCEPTION: &str = "smithy.framework#ValidationException";

/// The header every request and response of the protocols carries.
pub const SMITHY_PROTOCOL: &str = "smithy-protocol";

/// The service and operation a request's path names: it ends
/// `/service/{Service}/operation/{Operation}` (after any prefix).
pub fn operation_of(path: &str) -> Option<(&str, &str)> {
    let mut segments = path.rsplitn(5, '/');
    let operation = segments.next()?;
    let (keyword, service, service_keyword) = (segments.next()?, segments.next()?, segments.next()?);
    let prefix = segments.next()?;
    let named = keyword == "operation" && service_keyword == "service";
    let plain = |text: &str| !text.is_empty() && !text.contains('%');
    (named && plain(service) && plain(operation) && (prefix.is_empty() || prefix.starts_with('/')))
        .then_some((service, operation))
}

/// Whether the head of a request names `P` (its `smithy-protocol`).
pub fn names<P: RpcV2>(headers: &http::HeaderMap) -> bool {
    headers.get(SMITHY_PROTOCOL).is_some_and(|value| value.as_bytes() == P::NAME.as_bytes())
}

/// `response`, naming the protocol.
pub(crate) fn named<P: RpcV2>(mut response: Response) -> Response {
    response.insert(SMITHY_PROTOCOL, P::NAME.to_string(), false);
    response
}

/// What the protocol asks of a request's head before its body is read:
/// a `POST` naming this protocol, from an allowed host; a body declared
/// of the protocol's media type; a response of that type the client
/// accepts (either may be an event stream, where `streams` says the
/// operation's is). The refusal otherwise (boxed: refusals are rare, and a
/// `Response` is large).
pub(crate) fn check_head<P: RpcV2>(
    parts: &http::request::Parts,
    protocol: P,
    streams: Streams,
) -> Result<(), Box<Response>> {
    let refuse = |status, type_name, text: &str| Err(Box::new(protocol.error(status, type_name, text)));
    if parts.method != Method::POST {
        return refuse(405, "MethodNotAllowedException", &format!("{} requests are POSTs", P::TITLE));
    }
    if let Err(refusal) = check_host(parts) {
        return Err(Box::new(refusal.response(protocol)));
    }
    if !names::<P>(&parts.headers) {
        let text = format!("{} requests carry the header {SMITHY_PROTOCOL}: {}", P::TITLE, P::NAME);
        return refuse(400, "InvalidRequestException", &text);
    }
    // A body is of the protocol's type, and says so; a request with none
    // need not say.
    let declared = parts.headers.contains_key(http::header::CONTENT_TYPE);
    let has_body = crate::http::declared_length(&parts.headers).is_some_and(|length| length > 0)
        || parts.headers.contains_key(http::header::TRANSFER_ENCODING);
    let stream = streams.input && declares_media_type(&parts.headers, crate::event_stream::CONTENT_TYPE);
    if (declared || has_body) && !declares_media_type(&parts.headers, P::MEDIA_TYPE) && !stream {
        let text = format!("requests with a body are sent with Content-Type: {}", P::MEDIA_TYPE);
        return refuse(415, "UnsupportedMediaTypeException", &text);
    }
    let accepts = parts.headers.get_all(http::header::ACCEPT).iter().all(|accept| {
        accept.to_str().is_ok_and(|accept| {
            accept.split(',').any(|range| {
                let range = range.split(';').next().unwrap_or_default().trim();
                let stream = streams.output && range.eq_ignore_ascii_case(crate::event_stream::CONTENT_TYPE);
                stream
                    || ["*/*", "application/*", P::MEDIA_TYPE].iter().any(|allowed| range.eq_ignore_ascii_case(allowed))
            })
        })
    });
    if !accepts {
        let text = format!("responses are sent as {}, which Accept refuses", P::MEDIA_TYPE);
        return refuse(406, "NotAcceptableException", &text);
    }
    Ok(())
}

/// Which of an operation's input and output are event streams: their
/// media type is the event stream's, not the protocol's.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Streams {
    pub input: bool,
    pub output: bool,
}

/// A successful response whose output has an event stream, `events`: the
/// stream is the body, its first message the `initial-response` event
/// whose payload (`initial`, of the protocol's media type) is the rest of
/// the output.
pub(crate) fn event_stream_response<P, E>(initial: Vec<u8>, events: crate::EventStream<E>) -> Response
where
    P: RpcV2,
    E: crate::event_stream::WriteEvents + Send + 'static,
{
    let initial = crate::event_stream::event(crate::event_stream::INITIAL_RESPONSE, Some(P::MEDIA_TYPE), initial);
    let mut response = Response::new(200);
    response.event_stream(events, Some(initial));
    named::<P>(response)
}

/// A successful response of an operation with no output: no body, and so
/// no `Content-Type`.
pub fn no_output_response<P: RpcV2>(protocol: P) -> Response {
    let _ = protocol;
    named::<P>(Response::new(200))
}

/// `UnknownOperationException` (404) for a path that names no operation of
/// the service; the name is not repeated.
pub fn unknown_operation<P: RpcV2>(protocol: P) -> Response {
    protocol.error(404, "UnknownOperationException", "the request's path names no operation of this service")
}

/// `NotImplemented` (501) for an operation this server does not serve.
pub fn not_implemented_response<P: RpcV2>(protocol: P, operation: &str, why: &str) -> Response {
    protocol.error(501, "NotImplemented", &format!("{operation} {why}"))
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure<P: RpcV2>(protocol: P) -> Response {
    protocol.internal_failure()
}
