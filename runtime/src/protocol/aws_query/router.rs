//! [`Dispatch`], what a generated awsQuery router implements, and
//! [`handle`], which serves one HTTP request with it.

use std::future::Future;

use http::Method;
use tracing::Instrument;

use super::AwsQuery;
use super::request::Form;
use super::response::error_with_message;
use crate::context::{RequestContext, RequestId};
use crate::http::{BoxError, HttpResponse, check_host, gunzip_body, read_limited};
use crate::protocol::{Answer, Response, answered};

/// Routes awsQuery requests (`Action` and the other parameters) to a
/// service's operations. Generated routers implement it; [`handle`] puts
/// it behind HTTP.
pub trait Dispatch: Clone + Send + Sync + 'static {
    /// The protocol the service speaks.
    fn protocol(&self) -> AwsQuery;

    /// The service's shape name (`AmazonSimpleNotificationService`), in
    /// each request's span.
    fn service_name(&self) -> &'static str {
        ""
    }

    /// The name SigV4 credentials for the service are scoped to, if it has
    /// one: a request that a SigV4 layer verified for another service is
    /// refused.
    fn signing_name(&self) -> Option<&'static str> {
        None
    }

    /// Whether request bodies may come gzipped (`Content-Encoding: gzip`):
    /// an operation of the service has `@requestCompression`. The service
    /// says, not the operation: the action is inside the body.
    fn accepts_gzip(&self) -> bool {
        false
    }

    /// Handles one request whose parameters are `form` (`action` is its
    /// `Action`); never panics.
    fn route(
        &self,
        context: &RequestContext,
        action: Option<&str>,
        form: &Form<'_>,
    ) -> impl Future<Output = Response> + Send;
}

/// Handles one awsQuery request with `router`: a POST of a form-encoded
/// body, or a GET with the parameters in its query string (AWS accepts
/// both), with a `Host` the server answers; its parameters are read within
/// the body limit and routed by `Action`. Every response carries
/// `x-amzn-requestid`. Never panics.
pub fn handle<R, B>(router: R, request: http::Request<B>) -> Answer<impl Future<Output = HttpResponse>>
where
    R: Dispatch,
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let request_id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
    let protocol = router.protocol();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        service = router.service_name(),
        operation = tracing::field::Empty,
    );
    let gzipped = match admit(&router, &parts) {
        Ok(gzipped) => gzipped,
        Err(refusal) => return Answer::Refused { response: Some(answered(*refusal, protocol, &span, &request_id)) },
    };
    let future = async move {
        let read = match parts.method {
            Method::GET => Ok(parts.uri.query().unwrap_or_default().as_bytes().to_vec()),
            _ => match read_limited(&parts, body).await {
                Ok(body) if gzipped => gunzip_body(&parts, &body),
                read => read,
            },
        };
        let text = match read {
            Ok(text) => text,
            Err(refusal) => return answered(refusal.response(protocol), protocol, &span, &request_id),
        };
        let form = match Form::parse(&text) {
            Ok(form) => form,
            Err(e) => {
                let refusal = error_with_message(protocol, 400, "MalformedQueryString", &e.0, Some(&request_id));
                return answered(refusal, protocol, &span, &request_id);
            }
        };
        let action = form.get("Action");
        if let Some(action) = action.and_then(shown_action) {
            span.record("operation", action);
        }
        let http::request::Parts { headers, extensions, .. } = parts;
        let context = RequestContext::new(request_id, headers, extensions);
        let response = router.route(&context, action, &form).instrument(span.clone()).await;
        answered(response, protocol, &span, context.request_id())
    };
    Answer::Admitted { future }
}

/// [`Dispatch`] with a boxed future, so that routers of different types can
/// share a list ([`crate::http::Services`]).
pub(crate) trait DynDispatch: Send + Sync + 'static {
    fn signing_name_dyn(&self) -> Option<&'static str>;
    fn namespace(&self) -> &'static str;
    fn handle_boxed(&self, request: http::Request<crate::ByteStream>) -> crate::http::ResponseFuture;
}

impl<R: Dispatch> DynDispatch for R {
    fn signing_name_dyn(&self) -> Option<&'static str> {
        self.signing_name()
    }

    fn namespace(&self) -> &'static str {
        self.protocol().namespace
    }

    fn handle_boxed(&self, request: http::Request<crate::ByteStream>) -> crate::http::ResponseFuture {
        crate::http::boxed(handle(self.clone(), request))
    }
}

/// `action` (an `Action` parameter), if it may be repeated in a log: an
/// operation name, at most 128 letters and digits.
fn shown_action(action: &str) -> Option<&str> {
    (!action.is_empty() && action.len() <= 128 && action.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(action)
}

/// What awsQuery asks of a request's head: a POST of a form (or a GET) to
/// `/`, a `Host` the server answers, no content coding but gzip where the
/// service takes it, the service's credentials. Whether the body is
/// gzipped, or the refusal (boxed: refusals are rare, and a `Response` is
/// large).
fn admit<R: Dispatch>(router: &R, parts: &http::request::Parts) -> Result<bool, Box<Response>> {
    let protocol = router.protocol();
    let refuse = |status, code, text: &str| Err(Box::new(error_with_message(protocol, status, code, text, None)));
    if parts.method != Method::POST && parts.method != Method::GET {
        return refuse(405, "MethodNotAllowed", "awsQuery requests are POSTs (or GETs)");
    }
    if parts.uri.path() != "/" {
        return refuse(404, "InvalidAction", "awsQuery requests are sent to /");
    }
    if let Err(refusal) = check_host(parts) {
        return Err(Box::new(refusal.response(protocol)));
    }
    if parts.method == Method::POST && !crate::http::declares_media_type(&parts.headers, AwsQuery::FORM) {
        let text = format!("requests are sent with Content-Type: {}", AwsQuery::FORM);
        return refuse(415, "UnsupportedMediaType", &text);
    }
    let coding = match crate::http::content_coding(&parts.headers, router.accepts_gzip(), false, false) {
        Ok(coding) => coding,
        Err(crate::http::UnsupportedCoding) => {
            return refuse(415, "UnsupportedMediaType", crate::http::UnsupportedCoding::MESSAGE);
        }
    };
    #[cfg(feature = "sigv4")]
    if let Some(refusal) = crate::sigv4::wrong_service(parts, router.signing_name()) {
        return Err(Box::new(refusal.response(protocol)));
    }
    Ok(coding == crate::http::Coding::Gzip)
}
