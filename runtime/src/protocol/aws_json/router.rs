//! [`Dispatch`], what a generated awsJson router implements, and
//! [`handle`], which serves one HTTP request with it.

use std::future::Future;

use tracing::Instrument;

use super::AwsJson;
use super::request::check_head;
use crate::context::{RequestContext, RequestId};
use crate::http::{BoxError, HttpResponse, gunzip_body, read_limited, with_id};
use crate::protocol::Response;

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
        context: RequestContext,
        target: Option<&str>,
        body: &[u8],
    ) -> impl Future<Output = Response> + Send;
}

/// Handles one awsJson request with `router`: checks its head as awsJson
/// requires, reads the body within its limit (gunzipping it where the
/// operation allows), routes it with a [`RequestContext`] and returns the
/// response, with `x-amzn-requestid`. Never panics.
pub async fn handle<R, B>(router: &R, request: http::Request<B>) -> HttpResponse
where
    R: Dispatch + ?Sized,
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let request_id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).map(str::to_string);
    // The operation the target names, if it names this service; the router
    // decides whether the service has it.
    let operation = target.as_deref().filter(|target| router.serves(target)).and_then(|target| target.rsplit_once('.'));
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        operation = operation.map_or("", |(_, operation)| operation),
        target = target.as_deref().and_then(super::shown_target).unwrap_or(""),
    );
    let protocol = target.as_deref().map_or(router.protocol(), |target| router.protocol_of(target));
    let response = async {
        let gzip_allowed = target.as_deref().is_some_and(|target| router.accepts_gzip(target));
        let gzipped = match check_head(&parts, protocol, operation.is_some(), gzip_allowed) {
            Ok(gzipped) => gzipped,
            Err(refusal) => return *refusal,
        };
        #[cfg(feature = "sigv4")]
        {
            let signing_name = target.as_deref().map_or(router.signing_name(), |target| router.signing_name_of(target));
            if let Some(refusal) = crate::sigv4::wrong_service(&parts, signing_name) {
                return refusal.response(protocol);
            }
        }
        let body = match read_limited(&parts, body).await {
            Ok(body) if gzipped => match gunzip_body(&parts, &body) {
                Ok(body) => body,
                Err(refusal) => return refusal.response(protocol),
            },
            Ok(body) => body,
            Err(refusal) => return refusal.response(protocol),
        };
        let context = RequestContext::new(request_id.clone(), parts.headers, parts.extensions);
        let response = router.route(context, target.as_deref(), &body).await;
        tracing::debug!(status = response.status, "answered");
        response
    }
    .instrument(span)
    .await;
    with_id(response.into_http(protocol), &request_id)
}
