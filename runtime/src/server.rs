//! An HTTP server for any [`Router`] (feature `server`): hyper 1 on tokio,
//! HTTP/1.1, with a request size limit and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::{Map, Value};
use tokio::net::TcpListener;

use crate::service::{AwsJson, Response, Router, error_response};

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Larger request bodies are refused with 413 before they are read whole.
    pub max_body_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { max_body_bytes: 8 << 20 }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting and waits for requests in flight to finish.
pub async fn serve<R: Router>(
    router: R,
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let router = Arc::new(router);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // A failed accept (say, too many open files) must not end the server.
                let Ok((stream, _)) = accepted else { continue };
                let router = router.clone();
                let limit = config.max_body_bytes;
                let service = service_fn(move |request| handle(router.clone(), request, limit));
                let connection = graceful.watch(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    graceful.shutdown().await;
    Ok(())
}

async fn handle<R: Router>(
    router: Arc<R>,
    request: Request<Incoming>,
    limit: usize,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let protocol = router.protocol();
    if request.method() != Method::POST {
        return Ok(http(error_response(
            protocol,
            405,
            "MethodNotAllowedException",
            message("awsJson requests are POSTs"),
        )));
    }
    let declared =
        request.headers().get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Ok(http(too_large(protocol, limit)));
    }
    let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = match Limited::new(request.into_body(), limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return Ok(http(too_large(protocol, limit)));
        }
        Err(_) => {
            return Ok(http(error_response(
                protocol,
                400,
                "SerializationException",
                message("the request body could not be read"),
            )));
        }
    };
    Ok(http(router.route(target.as_deref(), &body).await))
}

/// A request id for `x-amzn-requestid`, which AWS clients read into their
/// response metadata: unique per request, shaped like a UUID.
fn request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEED: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = SEED.get_or_init(Default::default).build_hasher();
    hasher.write_u64(count);
    let high = hasher.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xfff,
        0x8000 | (count >> 48) & 0x3fff,
        count & 0xffff_ffff_ffff
    )
}

fn too_large(protocol: AwsJson, limit: usize) -> Response {
    error_response(
        protocol,
        413,
        "RequestEntityTooLargeException",
        message(&format!("request bodies are limited to {limit} bytes")),
    )
}

fn message(text: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("message".to_string(), Value::String(text.to_string()));
    fields
}

fn http(response: Response) -> hyper::Response<Full<Bytes>> {
    let mut http = hyper::Response::new(Full::new(Bytes::from(response.body)));
    *http.status_mut() = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(id) = request_id().parse() {
        http.headers_mut().insert("x-amzn-requestid", id);
    }
    for (name, value) in response.headers {
        if let Ok(value) = value.parse() {
            http.headers_mut().insert(name, value);
        }
    }
    http
}
