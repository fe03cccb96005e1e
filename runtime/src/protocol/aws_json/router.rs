//! [`Dispatch`], what a generated awsJson router implements, and
//! [`handle`], which serves one HTTP request with it.

use std::future::Future;

use tracing::Instrument;

use super::AwsJson;
use super::request::{X_AMZ_TARGET, check_head};
use crate::context::{RequestContext, RequestId};
use crate::event_stream::InputEvents;
use crate::http::{BoxError, HttpResponse, gunzip_body, read_limited};
use crate::protocol::{Answer, Response, answered};

/// Routes awsJson requests (`X-Amz-Target` and body) to a service's
/// operations. Generated routers implement it; [`handle`] puts it behind
/// HTTP.
pub trait Dispatch: Send + Sync + 'static {
    /// The protocol the service speaks (for responses made outside
    /// [`Dispatch::route`], such as a server's own errors).
    fn protocol(&self) -> AwsJson;

    /// The protocol of the service `target` (an `X-Amz-Target`) names: one
    /// router may hold services of both awsJson versions.
    fn protocol_of(&self, target: &str) -> AwsJson {
        let _ = target;
        self.protocol()
    }

    /// Whether the body of a request for `target` (an `X-Amz-Target`) may
    /// come gzipped (`Content-Encoding: gzip`): its operation has
    /// `@requestCompression` in the model.
    fn accepts_gzip(&self, target: &str) -> bool {
        let _ = target;
        false
    }

    /// The service's name as `X-Amz-Target` gives it, before `.<Operation>`.
    fn target_prefix(&self) -> &'static str;

    /// The name of the service `target` names (for logs): one router may
    /// hold several services.
    fn target_prefix_of(&self, target: &str) -> &'static str {
        let _ = target;
        self.target_prefix()
    }

    /// The name SigV4 credentials for the service are scoped to (the
    /// model's `@aws.auth#sigv4` `name`), if it has one: a request that a
    /// SigV4 layer verified for another service is refused
    /// (`InvalidSignatureException`).
    fn signing_name(&self) -> Option<&'static str> {
        None
    }

    /// The signing name of the service `target` names: one router may hold
    /// several services.
    fn signing_name_of(&self, target: &str) -> Option<&'static str> {
        let _ = target;
        self.signing_name()
    }

    /// Whether `target` (an `X-Amz-Target`) names this service, whatever
    /// the operation ([`super::operation_name`]).
    fn serves(&self, target: &str) -> bool {
        super::operation_name(Some(target), self.target_prefix()).is_some()
    }

    /// Handles one request; never panics.
    fn route(
        &self,
        context: &RequestContext,
        target: Option<&str>,
        body: &[u8],
    ) -> impl Future<Output = Response> + Send;

    /// Whether the operation `target` (an `X-Amz-Target`) names has an
    /// input event stream: its body is handed to
    /// [`Dispatch::route_events`] unread.
    fn streams_input(&self, target: &str) -> bool {
        let _ = target;
        false
    }

    /// Handles one request for an operation whose input is an event stream
    /// ([`Dispatch::streams_input`]), its body `events`; never panics.
    fn route_events(
        &self,
        context: &RequestContext,
        target: Option<&str>,
        events: InputEvents,
    ) -> impl Future<Output = Response> + Send {
        let _ = (context, events);
        std::future::ready(super::unknown_operation(self.protocol(), target))
    }
}

/// Handles one awsJson request with `router`: checks its head as awsJson
/// requires, reads the body within its limit (gunzipping it where the
/// operation allows), routes it with a [`RequestContext`] and returns the
/// response, with `x-amzn-requestid`. Never panics.
///
/// What needs no waiting (the head, the host, the credentials' service)
/// is checked before the future is made, so that it holds the request
/// once; only the route runs in the request's span, where the handler's
/// own events happen.
pub fn handle<R, B>(router: R, request: http::Request<B>) -> Answer<impl Future<Output = HttpResponse>>
where
    R: Dispatch,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let request_id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
    let target = parts.headers.get(X_AMZ_TARGET).and_then(|v| v.to_str().ok());
    let protocol = target.map_or(router.protocol(), |target| router.protocol_of(target));
    // Whether the target names an operation of this service (the router
    // decides whether the service has it).
    let served = target.filter(|target| router.serves(target));
    let span = span(&request_id, target, served.map(|target| (router.target_prefix_of(target), target)));
    let streamed = served.is_some_and(|target| router.streams_input(target));
    let gzipped = match admit(&router, &parts, served, protocol, streamed) {
        Ok(gzipped) => gzipped,
        Err(refusal) => {
            let response = answered(*refusal, protocol, &span, &request_id);
            return Answer::Refused { response: Some(response) };
        }
    };
    let future = async move {
        // An input event stream is read by the operation, as it arrives.
        if streamed {
            let (context, events, guard) = crate::protocol::streamed_request(parts, body, request_id);
            let target = context.headers().get(X_AMZ_TARGET).and_then(|v| v.to_str().ok());
            let response = router.route_events(&context, target, events).instrument(span.clone()).await;
            return answered(guard.apply(response, protocol), protocol, &span, context.request_id());
        }
        let body = match read_limited(&parts, body).await {
            Ok(body) if gzipped => gunzip_body(&parts, &body),
            read => read,
        };
        let body = match body {
            Ok(body) => body,
            Err(refusal) => return answered(refusal.response(protocol), protocol, &span, &request_id),
        };
        let http::request::Parts { headers, extensions, .. } = parts;
        let context = RequestContext::new(request_id, headers, extensions);
        // The target again, from the context that now holds the headers.
        let target = context.headers().get(X_AMZ_TARGET).and_then(|v| v.to_str().ok());
        let response = router.route(&context, target, &body).instrument(span.clone()).await;
        answered(response, protocol, &span, context.request_id())
    };
    Answer::Admitted { future }
}

/// What awsJson asks of the head of a request for `served` (its target, if
/// it names this service; `streamed` if its body is an event stream), and
/// whether the service's credentials signed it: whether its body is
/// gzipped, or the refusal (boxed: refusals are rare, and a `Response` is
/// large).
fn admit<R: Dispatch + ?Sized>(
    router: &R,
    parts: &http::request::Parts,
    served: Option<&str>,
    protocol: AwsJson,
    streamed: bool,
) -> Result<bool, Box<Response>> {
    let gzip_allowed = !streamed && served.is_some_and(|target| router.accepts_gzip(target));
    let gzipped = check_head(parts, protocol, served.is_some(), gzip_allowed, streamed)?;
    #[cfg(feature = "sigv4")]
    {
        let signing_name = served.map_or(router.signing_name(), |target| router.signing_name_of(target));
        if let Some(refusal) = crate::sigv4::wrong_service(parts, signing_name) {
            return Err(Box::new(refusal.response(protocol)));
        }
    }
    Ok(gzipped)
}

/// The request's span: its id, the service and the operation the target
/// names if it names this service (`served`: the service's name and the
/// target; the router decides whether the service has the operation), and
/// the target if it may be shown.
fn span(request_id: &RequestId, target: Option<&str>, served: Option<(&'static str, &str)>) -> tracing::Span {
    let operation = served.and_then(|(service, target)| Some((service, target.rsplit_once('.')?.1)));
    tracing::info_span!(
        "request",
        request_id = %request_id,
        service = operation.map_or("", |(service, _)| service),
        operation = operation.map_or("", |(_, operation)| operation),
        target = target.and_then(super::shown_target).unwrap_or(""),
    )
}
