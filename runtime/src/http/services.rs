//! [`Services`]: several services, of any protocol, behind one
//! `tower::Service`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::{BoxError, HttpResponse, ResponseFuture, bytes_body, call};
use crate::context::RequestContext;
use crate::protocol::aws_json::{self, AwsJson, Dispatch, unknown_operation};
use crate::protocol::aws_query;
use crate::protocol::rest::{self, SharedDispatch};
use crate::protocol::rpc_v2::{self, RpcV2};
use crate::protocol::{Response, Serve};

/// Several services behind one `tower::Service` (and one awsJson [`Dispatch`]): each
/// request goes to the first service whose `X-Amz-Target` prefix it names;
/// a target none of them serves is an `UnknownOperationException`, in the
/// protocol of the first service. awsQuery requests (a form, or a GET of `/`
/// with an `Action`) go to the awsQuery service their SigV4 credentials are
/// scoped to (`Credential=.../<service>/aws4_request`), else the first. RPC
/// v2 requests (`smithy-protocol`, `/service/{Service}/operation/...`) go to
/// the service of that name speaking that protocol.
///
/// A service of several protocols is added once for each it speaks here:
/// `.with(router.clone()).with_query(router.clone()).with_rpc_v2::<RpcV2Cbor, _>(router)`.
///
/// Cloning it (the server does, for each request) shares the lists of
/// routers rather than copying them.
#[derive(Clone, Default)]
pub struct Services {
    routers: Arc<Vec<Arc<dyn DynDispatch>>>,
    rest: Arc<Vec<SharedDispatch>>,
    query: Arc<Vec<Arc<dyn aws_query::DynDispatch>>>,
    rpc_v2: Arc<Vec<Arc<dyn rpc_v2::DynDispatch>>>,
}

impl Services {
    /// No services yet: every request is an unknown operation.
    pub fn new() -> Self {
        Services::default()
    }

    /// These services and `router`.
    pub fn with<R: Dispatch>(mut self, router: R) -> Self {
        Arc::make_mut(&mut self.routers).push(Arc::new(router));
        self
    }

    /// These services and the restJson1 service `router`: a request that
    /// names no awsJson service in `X-Amz-Target` goes to the first
    /// restJson1 service with a route for its method and path.
    pub fn with_rest<R: rest::Dispatch>(mut self, router: R) -> Self {
        Arc::make_mut(&mut self.rest).push(Arc::new(router));
        self
    }

    /// These services and the awsQuery service `router`.
    pub fn with_query<R: aws_query::Dispatch>(mut self, router: R) -> Self {
        Arc::make_mut(&mut self.query).push(Arc::new(router));
        self
    }

    /// These services and `router`, as it speaks the RPC v2 protocol `P`
    /// (`RpcV2Cbor`, `RpcV2Json`).
    pub fn with_rpc_v2<P: RpcV2, R: rpc_v2::Dispatch<P> + Clone>(mut self, router: R) -> Self {
        Arc::make_mut(&mut self.rpc_v2).push(Arc::new(rpc_v2::Speaking { router, protocol: std::marker::PhantomData }));
        self
    }

    /// The RPC v2 router for `request`, if it is one's: it names the
    /// protocol in `smithy-protocol` and the service in its path.
    fn rpc_v2_for<B>(&self, request: &http::Request<B>) -> Option<&dyn rpc_v2::DynDispatch> {
        let named = request.headers().get(rpc_v2::SMITHY_PROTOCOL)?.as_bytes();
        let (service, _) = rpc_v2::operation_of(request.uri().path())?;
        let router = self
            .rpc_v2
            .iter()
            .find(|router| router.protocol_name().as_bytes() == named && router.service_name_dyn() == service)?;
        Some(&**router)
    }

    /// The awsQuery router for `request`, if it is an awsQuery request: the
    /// one its credentials are scoped to, else the first.
    fn query_for<B>(&self, request: &http::Request<B>) -> Option<&dyn aws_query::DynDispatch> {
        let first = self.query.first()?;
        let form = request.method() == http::Method::POST
            && super::declares_media_type(request.headers(), aws_query::AwsQuery::FORM);
        let get = request.method() == http::Method::GET
            && request.uri().path() == "/"
            && request.uri().query().is_some_and(|q| q.split('&').any(|p| p.starts_with("Action=")));
        if !(form || get) {
            return None;
        }
        let scope = credential_service(request);
        let scoped = self.query.iter().find(|router| scope.is_some() && router.signing_name_dyn() == scope.as_deref());
        Some(&**scoped.unwrap_or(first))
    }

    /// The restJson1 or restXml router for `request`, if it is not an
    /// awsJson request (it names no operation in `X-Amz-Target`): the one
    /// its credentials are scoped to, else the first with a route for it,
    /// else the first with its path (its 405), else the first (its 404).
    fn rest_for<B>(&self, request: &http::Request<B>) -> Option<&SharedDispatch> {
        // A lone restJson1 service routes (and refuses) every request
        // itself: routing it here would route it twice.
        match (self.routers.is_empty(), self.rest.as_slice()) {
            (_, []) => return None,
            (true, [only]) => return Some(only),
            _ => {}
        }
        let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok());
        if target.is_some_and(|target| self.find(target).is_some() || !self.routers.is_empty()) {
            return None;
        }
        if let Some(scope) = credential_service(request) {
            if let Some(router) = self.rest.iter().find(|router| router.signing_name_dyn() == Some(scope.as_str())) {
                return Some(router);
            }
        }
        let (method, uri) = (request.method().as_str(), request.uri());
        let routes = |router: &&SharedDispatch| router.routes_dyn().route(method, uri.path(), uri.query());
        let found = self.rest.iter().find(|router| routes(router).is_ok());
        let elsewhere =
            || self.rest.iter().find(|router| matches!(routes(router), Err(rest::RouteError::MethodNotAllowed { .. })));
        // With awsJson services too, a request no route knows is theirs to refuse.
        match found.or_else(elsewhere) {
            Some(router) => Some(router),
            None if self.routers.is_empty() || target.is_none() && request.uri().path() != "/" => self.rest.first(),
            None => None,
        }
    }

    fn find(&self, target: &str) -> Option<&dyn DynDispatch> {
        self.routers.iter().map(|router| &**router).find(|router| router.serves_target(target))
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("aws_json", &self.routers.iter().map(|router| router.prefix()).collect::<Vec<_>>())
            .field("rest_json", &self.rest.iter().map(|router| router.service_name_dyn()).collect::<Vec<_>>())
            .field("aws_query", &self.query.iter().map(|router| router.namespace()).collect::<Vec<_>>())
            .field("rpc_v2", &self.rpc_v2.iter().map(|router| router.service_name_dyn()).collect::<Vec<_>>())
            .finish()
    }
}

impl Dispatch for Services {
    fn protocol(&self) -> AwsJson {
        self.routers.first().map_or(AwsJson::V1_1, |router| router.aws_json())
    }

    fn protocol_of(&self, target: &str) -> AwsJson {
        self.find(target).map_or(self.protocol(), |router| router.aws_json())
    }

    fn accepts_gzip(&self, target: &str) -> bool {
        self.find(target).is_some_and(|router| router.gzip(target))
    }

    fn target_prefix(&self) -> &'static str {
        ""
    }

    fn target_prefix_of(&self, target: &str) -> &'static str {
        self.find(target).map_or("", |router| router.prefix())
    }

    fn signing_name_of(&self, target: &str) -> Option<&'static str> {
        self.find(target).and_then(|router| router.signing())
    }

    fn serves(&self, target: &str) -> bool {
        self.find(target).is_some()
    }

    async fn route(&self, context: &RequestContext, target: Option<&str>, body: &[u8]) -> Response {
        match target.and_then(|target| self.find(target)) {
            Some(router) => router.route_boxed(context, target, body).await,
            None => unknown_operation(self.protocol(), target),
        }
    }

    fn streams_input(&self, target: &str) -> bool {
        self.find(target).is_some_and(|router| router.streams(target))
    }

    async fn route_events(
        &self,
        context: &RequestContext,
        target: Option<&str>,
        events: crate::event_stream::InputEvents,
    ) -> Response {
        match target.and_then(|target| self.find(target)) {
            Some(router) => router.route_events_boxed(context, target, events).await,
            None => unknown_operation(self.protocol(), target),
        }
    }
}

impl Serve for Services {
    fn serve<B>(self, request: http::Request<B>) -> impl Future<Output = HttpResponse> + Send
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        aws_json::handle(self, request)
    }
}

impl<B> tower_service::Service<http::Request<B>> for Services
where
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
        if let Some(router) = self.rpc_v2_for(&request) {
            return router.handle_boxed(request.map(|body| crate::ByteStream::from_body(bytes_body(body))));
        }
        if let Some(router) = self.query_for(&request) {
            return router.handle_boxed(request.map(|body| crate::ByteStream::from_body(bytes_body(body))));
        }
        match self.rest_for(&request) {
            Some(router) => router.handle_boxed(request.map(|body| crate::ByteStream::from_body(bytes_body(body)))),
            None => call(self.clone(), request),
        }
    }
}

/// The service a request's SigV4 credentials are scoped to: the
/// `Authorization` header's `Credential=<key>/<date>/<region>/<service>/aws4_request`,
/// or a presigned URL's `X-Amz-Credential` (its slashes percent-encoded).
fn credential_service<B>(request: &http::Request<B>) -> Option<String> {
    let header = request.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let credential = match header {
        Some(authorization) => authorization.split("Credential=").nth(1)?.split([',', ' ']).next()?.to_string(),
        None => {
            let query = request.uri().query()?;
            let encoded = query.split('&').find_map(|p| p.strip_prefix("X-Amz-Credential="))?;
            encoded.replace("%2F", "/").replace("%2f", "/")
        }
    };
    credential.rsplit('/').nth(1).map(str::to_string)
}

/// [`Dispatch`] with boxed futures, so that services of different types can
/// share a list.
trait DynDispatch: Send + Sync + 'static {
    fn aws_json(&self) -> AwsJson;
    fn prefix(&self) -> &'static str;
    fn serves_target(&self, target: &str) -> bool;
    fn gzip(&self, target: &str) -> bool;
    fn signing(&self) -> Option<&'static str>;
    fn route_boxed<'a>(
        &'a self,
        context: &'a RequestContext,
        target: Option<&'a str>,
        body: &'a [u8],
    ) -> Pin<Box<dyn Future<Output = Response> + Send + 'a>>;
    fn streams(&self, target: &str) -> bool;
    fn route_events_boxed<'a>(
        &'a self,
        context: &'a RequestContext,
        target: Option<&'a str>,
        events: crate::event_stream::InputEvents,
    ) -> Pin<Box<dyn Future<Output = Response> + Send + 'a>>;
}

impl<R: Dispatch> DynDispatch for R {
    fn aws_json(&self) -> AwsJson {
        self.protocol()
    }

    fn prefix(&self) -> &'static str {
        self.target_prefix()
    }

    fn serves_target(&self, target: &str) -> bool {
        self.serves(target)
    }

    fn gzip(&self, target: &str) -> bool {
        self.accepts_gzip(target)
    }

    fn signing(&self) -> Option<&'static str> {
        self.signing_name()
    }

    fn route_boxed<'a>(
        &'a self,
        context: &'a RequestContext,
        target: Option<&'a str>,
        body: &'a [u8],
    ) -> Pin<Box<dyn Future<Output = Response> + Send + 'a>> {
        Box::pin(self.route(context, target, body))
    }

    fn streams(&self, target: &str) -> bool {
        self.streams_input(target)
    }

    fn route_events_boxed<'a>(
        &'a self,
        context: &'a RequestContext,
        target: Option<&'a str>,
        events: crate::event_stream::InputEvents,
    ) -> Pin<Box<dyn Future<Output = Response> + Send + 'a>> {
        Box::pin(self.route_events(context, target, events))
    }
}
