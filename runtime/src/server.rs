//! An HTTP server (feature `server`): hyper 1 on tokio, HTTP/1.1, for any
//! `tower::Service` that answers `http::Request`s, such as a generated
//! router, [`Services`](crate::http::Services), or either behind layers.
//! It limits request bodies, closes connections that sit idle or trickle
//! their headers, records each request's peer, and shuts down gracefully.
//!
//! Every resource a client can make it hold is bounded ([`ServerConfig`]):
//! connections (the quietest is closed to make room for a new one), time
//! to send a request's head or its body, time idle, bytes of body, requests
//! in flight, and large bodies handled at once, so that they cannot take
//! every worker from small requests. Shutdown stops accepting at once and ends within
//! its grace period, whatever the clients do.

mod body;
mod connections;
mod deadline;

pub use body::{BodyTimedOut, RequestBody};

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::context::PeerAddr;
use crate::http::{AllowedHosts, BodyLimit, DEFAULT_BODY_LIMIT};
use connections::Connections;
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
    /// How long a request's body may take to arrive, from when it is
    /// first read; then it is refused (408) and the connection closed.
    pub body_read_timeout: Duration,
    /// How many connections may be open at once. A new one past it is
    /// given the room of the connection that has been quiet (idle, or
    /// still sending a request's head) longest; if every connection has a
    /// request in flight, it waits in the listener's backlog.
    pub max_connections: usize,
    /// How many requests may be in flight at once, over all connections;
    /// more wait, unread, for one to end.
    pub max_requests_in_flight: usize,
    /// A request whose body is declared longer than this (or not declared)
    /// is a large one: at most [`ServerConfig::large_requests_at_once`] of
    /// them are read and handled at once, so that parsing them cannot
    /// take every worker from small requests.
    pub large_body_bytes: usize,
    /// See [`ServerConfig::large_body_bytes`].
    pub large_requests_at_once: usize,
    /// On shutdown, how long requests in flight have to finish before
    /// their connections are dropped.
    pub grace_period: Duration,
    /// The hosts requests may name (`Host`); others are refused with 403.
    /// `None` answers any. A server that does not authenticate its callers
    /// should allow loopback hosts only ([`AllowedHosts::loopback`]), so
    /// that a web page cannot call it through DNS rebinding.
    pub allowed_hosts: Option<AllowedHosts>,
}

impl Default for ServerConfig {
    /// 8 MiB bodies; 60 s idle, as AWS's load balancers allow; 30 s for the
    /// headers, hyper's default; 60 s for a body; connections up to the
    /// open-file limit, less room for the process's other files
    /// ([`default_max_connections`]); 1,024 requests in flight; bodies over
    /// 256 KiB large, one fewer at once than the machine has cores (at least
    /// one); 10 s of grace; any host.
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: DEFAULT_BODY_LIMIT,
            idle_timeout: Duration::from_secs(60),
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
            max_requests_in_flight: 1024,
            large_body_bytes: 256 << 10,
            large_requests_at_once: std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1).max(1)),
            grace_period: Duration::from_secs(10),
            allowed_hosts: None,
        }
    }
}

/// The process's limit on open files (`RLIMIT_NOFILE`, its soft value)
/// less 64 for its other files, at most 10,000; 1,024 where it cannot be
/// read. A connection is a file: past the limit, `accept` fails.
pub fn default_max_connections() -> usize {
    open_file_limit().map_or(1024, |limit| limit.saturating_sub(64).clamp(16, 10_000))
}

#[cfg(unix)]
fn open_file_limit() -> Option<usize> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    // No soft limit: as many as the hard one, or any.
    Some(limit.current.or(limit.maximum).map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)))
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<usize> {
    None
}

/// Serves `service` on `listener` until `shutdown` completes; then closes
/// the listener, lets requests in flight finish for the grace period and
/// drops the connections left. Each request carries its peer's address
/// ([`PeerAddr`]), the body limit ([`BodyLimit`]) and the hosts allowed
/// ([`AllowedHosts`], if any) in its extensions.
pub async fn serve<S, B>(
    service: S,
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let graceful = GracefulShutdown::new();
    let connections = Connections::new(config.max_connections);
    let limits = Limits {
        body: BodyLimit(config.max_body_bytes),
        in_flight: Arc::new(Semaphore::new(config.max_requests_in_flight.max(1))),
        large_body_bytes: config.large_body_bytes as u64,
        large: Arc::new(Semaphore::new(config.large_requests_at_once.max(1))),
        hosts: config.allowed_hosts.clone(),
        body_read_timeout: config.body_read_timeout,
    };
    let mut tasks = JoinSet::new();
    let mut backoff = Backoff::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Reap the connections that have ended.
        while tasks.try_join_next().is_some() {}
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff.reset();
                accepted
            }
            // Out of files or memory: make room and wait before trying
            // again, or the loop would spin while nothing can be accepted.
            Err(e) if out_of_resources(&e) => {
                connections.close_quietest();
                tracing::warn!(error = %e, "accept failed; waiting before the next");
                tokio::select! {
                    _ = backoff.wait() => continue,
                    _ = &mut shutdown => break,
                }
            }
            // One connection's failure (reset before it was accepted, say).
            Err(_) => continue,
        };
        // Room for it, made by closing a quiet connection if need be.
        let room = tokio::select! {
            room = connections.room() => room,
            _ = &mut shutdown => break,
        };
        let in_flight = InFlight::default();
        let (place, watch) = connections.open(room, in_flight.clone());
        let service = PerConnection { inner: service.clone(), peer: PeerAddr(peer), limits: limits.clone(), in_flight };
        let io = Deadlines::new(stream, watch, config.idle_timeout, config.header_read_timeout);
        // The deadlines above replace hyper's header-read timeout.
        let connection = http1::Builder::new()
            .header_read_timeout(None)
            .serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tasks.spawn(async move {
            let _ = connection.await;
            drop(place);
        });
    }
    // No new connections from here on.
    drop(listener);
    if tokio::time::timeout(config.grace_period, graceful.shutdown()).await.is_err() {
        tracing::warn!(connections = tasks.len(), "the grace period ended; dropping the connections left");
    }
    tasks.shutdown().await;
    Ok(())
}

/// Whether a failed `accept` says the process is out of something that
/// only time (or closing connections) gives back: files or memory.
fn out_of_resources(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        // Each platform's own numbers, which differ (ENOBUFS is 105 on Linux, 55 on the BSDs).
        let errno = Errno::from_io_error(error);
        if errno.is_some_and(|errno| [Errno::MFILE, Errno::NFILE, Errno::NOBUFS, Errno::NOMEM].contains(&errno)) {
            return true;
        }
    }
    error.kind() == io::ErrorKind::OutOfMemory
}

/// How long to wait after a failed accept: from 5 ms, doubling to 1 s.
#[derive(Default)]
struct Backoff {
    next: Option<Duration>,
}

impl Backoff {
    async fn wait(&mut self) {
        let wait = self.next.unwrap_or(Duration::from_millis(5));
        self.next = Some((wait * 2).min(Duration::from_secs(1)));
        tokio::time::sleep(wait).await;
    }

    fn reset(&mut self) {
        self.next = None;
    }
}

/// The limits every connection's requests share.
#[derive(Clone)]
struct Limits {
    body: BodyLimit,
    /// One permit per request that may be in flight.
    in_flight: Arc<Semaphore>,
    large_body_bytes: u64,
    /// One permit per large request that may be read and handled at once.
    large: Arc<Semaphore>,
    hosts: Option<AllowedHosts>,
    body_read_timeout: Duration,
}

impl Limits {
    /// Whether `request` declares a large body, or does not declare its
    /// length (chunked): it may be as long as the body limit allows.
    fn large<B>(&self, request: &http::Request<B>) -> bool {
        match crate::http::declared_length(request.headers()) {
            Some(length) => length > self.large_body_bytes,
            // A body with no length given (chunked) may be as long as any.
            None => request.headers().contains_key(http::header::TRANSFER_ENCODING),
        }
    }
}

/// A connection's service: puts the connection's peer and the body limit on
/// each request, counts the requests in flight for the deadlines, and
/// holds each request until the server-wide limits have room for it.
#[derive(Clone)]
struct PerConnection<S> {
    inner: S,
    peer: PeerAddr,
    limits: Limits,
    in_flight: InFlight,
}

type Answer<S, B> = Pin<
    Box<
        dyn Future<Output = Result<<S as tower_service::Service<B>>::Response, <S as tower_service::Service<B>>::Error>>
            + Send,
    >,
>;

impl<S> tower_service::Service<http::Request<Incoming>> for PerConnection<S>
where
    S: tower_service::Service<http::Request<RequestBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Answer<S, http::Request<RequestBody>>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Incoming>) -> Self::Future {
        let timeout = self.limits.body_read_timeout;
        let mut request = request.map(|body| RequestBody::new(body, timeout));
        request.extensions_mut().insert(self.peer);
        request.extensions_mut().insert(self.limits.body);
        if let Some(hosts) = &self.limits.hosts {
            request.extensions_mut().insert(hosts.clone());
        }
        let in_flight = self.in_flight.start();
        let limits = self.limits.clone();
        // The service was readied for this call: it answers it, and a
        // fresh clone is left ready for the next (tower's rule).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        Box::pin(async move {
            // Waiting here, the request's body is not read yet.
            let _slot = limits.in_flight.acquire().await;
            let _large = match limits.large(&request) {
                true => Some(limits.large.acquire().await),
                false => None,
            };
            let answer = inner.call(request).await;
            drop(in_flight);
            answer
        })
    }
}
