//! An HTTP server (feature `server`): hyper 1 on tokio, HTTP/1.1, for any
//! `tower::Service` that answers `http::Request`s, such as a generated
//! router, [`Services`](crate::http::Services), or either behind layers.
//! It limits request bodies, closes connections that sit idle or trickle
//! their headers, records each request's peer, and shuts down gracefully.

mod deadline;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::context::PeerAddr;
use crate::http::{BodyLimit, DEFAULT_BODY_LIMIT};
use deadline::{Deadlines, InFlight};

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Larger request bodies are refused with 413 before they are read whole.
    pub max_body_bytes: usize,
    /// How long a connection may stay open with no request under way: from
    /// its start, or from the end of the previous response, to the first
    /// byte of the next request. Then it is closed.
    pub idle_timeout: Duration,
    /// How long a request's headers may take, from their first byte to
    /// their end; a client that trickles them is cut off.
    pub header_read_timeout: Duration,
}

impl Default for ServerConfig {
    /// 8 MiB bodies; 60 s idle, as AWS's load balancers allow; 30 s for the
    /// headers, hyper's default.
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: DEFAULT_BODY_LIMIT,
            idle_timeout: Duration::from_secs(60),
            header_read_timeout: Duration::from_secs(30),
        }
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
                let in_flight = InFlight::default();
                let service = PerConnection {
                    inner: service.clone(),
                    peer: PeerAddr(peer),
                    limit: BodyLimit(config.max_body_bytes),
                    in_flight: in_flight.clone(),
                };
                let io = Deadlines::new(stream, in_flight, config.idle_timeout, config.header_read_timeout);
                // The deadlines above replace hyper's header-read timeout.
                let connection = http1::Builder::new()
                    .header_read_timeout(None)
                    .serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
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

/// A connection's service: puts the connection's peer and the body limit on
/// each request, and counts the requests in flight for the deadlines.
#[derive(Clone)]
struct PerConnection<S> {
    inner: S,
    peer: PeerAddr,
    limit: BodyLimit,
    in_flight: InFlight,
}

type Answer<S, B> = Pin<
    Box<
        dyn Future<Output = Result<<S as tower_service::Service<B>>::Response, <S as tower_service::Service<B>>::Error>>
            + Send,
    >,
>;

impl<S, B> tower_service::Service<http::Request<B>> for PerConnection<S>
where
    S: tower_service::Service<http::Request<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Answer<S, http::Request<B>>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        request.extensions_mut().insert(self.peer);
        request.extensions_mut().insert(self.limit);
        let in_flight = self.in_flight.start();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let answer = answer.await;
            drop(in_flight);
            answer
        })
    }
}
