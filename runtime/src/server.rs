//! An HTTP server (feature `server`): hyper 1 on tokio, HTTP/1.1, for any
//! `tower::Service` that answers `http::Request`s, such as a generated
//! router, [`Services`](crate::http::Services), or either behind layers.
//! It limits request bodies, times out clients that are slow to send their
//! headers or that hold a connection idle, records each request's peer, and
//! shuts down gracefully.

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::context::PeerAddr;
use crate::http::{BodyLimit, DEFAULT_BODY_LIMIT};

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Larger request bodies are refused with 413 before they are read whole.
    pub max_body_bytes: usize,
    /// How long a client has to send a request's headers, counted from the
    /// connection's start or the end of the previous response; a connection
    /// that stays idle (or trickles its headers) longer is closed.
    pub header_read_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { max_body_bytes: DEFAULT_BODY_LIMIT, header_read_timeout: Duration::from_secs(30) }
    }
}

/// Serves `service` on `listener` until `shutdown` completes, then stops
/// accepting and waits for requests in flight to finish. Each request
/// carries its peer's address ([`PeerAddr`]) and the body limit
/// ([`BodyLimit`]) in its extensions.
pub async fn serve<S, B>(
    service: S,
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    S: tower_service::Service<http::Request<Incoming>, Response = http::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // A failed accept (say, too many open files) must not end the server.
                let Ok((stream, peer)) = accepted else { continue };
                let service = AddExtensions { inner: service.clone(), peer: PeerAddr(peer), limit: BodyLimit(config.max_body_bytes) };
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(config.header_read_timeout)
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
                let connection = graceful.watch(connection);
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

/// Puts the connection's peer and the body limit on each request.
#[derive(Clone)]
struct AddExtensions<S> {
    inner: S,
    peer: PeerAddr,
    limit: BodyLimit,
}

impl<S, B> tower_service::Service<http::Request<B>> for AddExtensions<S>
where
    S: tower_service::Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> S::Future {
        request.extensions_mut().insert(self.peer);
        request.extensions_mut().insert(self.limit);
        self.inner.call(request)
    }
}
