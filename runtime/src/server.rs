//! An HTTP server (feature `server`): hyper 1 on tokio, HTTP/1.1 and HTTP/2
//! (cleartext, with prior knowledge: a connection that opens with HTTP/2's
//! preface speaks it), for any
//! `tower::Service` that answers `http::Request`s, such as a generated
//! router, [`Services`](crate::http::Services), or either behind layers.
//! It limits request bodies, closes connections that sit idle or trickle
//! their headers, records each request's peer, and shuts down gracefully.
//!
//! Every resource a client can make it hold is bounded ([`ServerConfig`]):
//! connections (the quietest is closed to make room for a new one), time
//! to send a request's head or its body, time idle, bytes of body, the
//! bytes of all bodies still arriving, requests in flight, large bodies
//! handled at once (so that they cannot take every worker from small
//! requests), time waiting for a place in flight, and the rate at which a
//! client must take its response. A request takes its place in flight only
//! once its body has arrived, so clients that withhold their bodies cost
//! their own connections, not everyone's places. Shutdown stops accepting
//! at once and ends within its grace period, whatever the clients do.

mod admission;
mod body;
mod connections;
mod deadline;
mod response;
mod signal;
#[cfg(feature = "tls")]
mod tls;

pub(crate) use admission::BodyAccount;
pub use body::{BodyTimedOut, RequestBody, ServerBusy};
pub use signal::shutdown_signal;
#[cfg(feature = "tls")]
pub use tls::{TlsConfig, TlsError};

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::context::PeerAddr;
use crate::http::{AllowedHosts, BodyLimit, DEFAULT_BODY_LIMIT};
use admission::{Admission, Ticket};
use connections::{Connections, Watch};
use deadline::{Deadlines, InFlight, SendFloor};

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
    /// given the room of the connection that has been quiet longest, of
    /// those with no request admitted (idle, still sending a request's
    /// head, or its body: quiet since its last byte); if every connection
    /// has an admitted request, it waits in the listener's backlog.
    pub max_connections: usize,
    /// How many requests may be in flight at once, over all connections.
    /// A request takes its place once its body has arrived (when its
    /// service reads the body to its end); more wait for one to end, for
    /// at most [`ServerConfig::queue_timeout`].
    pub max_requests_in_flight: usize,
    /// A request whose body is longer than this is a large one: at most
    /// [`ServerConfig::large_requests_at_once`] of them are handled at
    /// once, so that parsing them cannot take every worker from small
    /// requests. Like the place in flight, the large place is taken once
    /// the body has arrived.
    pub large_body_bytes: usize,
    /// See [`ServerConfig::large_body_bytes`].
    pub large_requests_at_once: usize,
    /// How long a request whose body has arrived may wait for its places;
    /// then it is refused with 503 (`ServiceUnavailableException`), which
    /// AWS's SDKs retry.
    pub queue_timeout: Duration,
    /// How many bytes the bodies of requests not yet admitted (arriving,
    /// or waiting for their places) may hold in all. Past it, the
    /// connection whose body has been quiet longest is closed to make room.
    /// At least [`ServerConfig::max_body_bytes`]. Bodies streamed to a
    /// handler (`@streaming` payloads) are not counted: they are not
    /// buffered.
    pub max_buffered_body_bytes: usize,
    /// The rate, in bytes a second, at which a client must take its
    /// response while the server waits on it (its writes blocked), after
    /// [`ServerConfig::send_grace`]: a response of `n` bytes may keep the
    /// server waiting `send_grace + n / min_send_rate` in all; then the
    /// connection is closed, and the response's memory let go. 0 turns the
    /// floor off.
    pub min_send_rate: u64,
    /// See [`ServerConfig::min_send_rate`].
    pub send_grace: Duration,
    /// On shutdown, how long requests in flight have to finish before
    /// their connections are dropped.
    pub grace_period: Duration,
    /// The hosts requests may name (`Host`); others are refused with 403.
    /// `None` answers any. A server that does not authenticate its callers
    /// should allow loopback hosts only ([`AllowedHosts::loopback`]), so
    /// that a web page cannot call it through DNS rebinding.
    pub allowed_hosts: Option<AllowedHosts>,
    /// Serve TLS with this certificate (feature `tls`), HTTP/2 or HTTP/1.1
    /// as ALPN chooses; `None` serves cleartext. The handshake is held to
    /// [`ServerConfig::header_read_timeout`] with the head it precedes.
    #[cfg(feature = "tls")]
    pub tls: Option<TlsConfig>,
}

impl Default for ServerConfig {
    /// 8 MiB bodies; 60 s idle, as AWS's load balancers allow; 30 s for the
    /// headers, hyper's default; 60 s for a body; connections up to the
    /// open-file limit, less room for the process's other files
    /// ([`default_max_connections`]); 1,024 requests in flight; bodies over
    /// 256 KiB large, one fewer at once than the machine has cores (at least
    /// one); 10 s to wait for a place; 256 MiB of bodies arriving; responses
    /// taken at 256 KiB/s after 10 s; 10 s of grace; any host.
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
            queue_timeout: Duration::from_secs(10),
            max_buffered_body_bytes: 256 << 20,
            min_send_rate: 256 << 10,
            send_grace: Duration::from_secs(10),
            grace_period: Duration::from_secs(10),
            allowed_hosts: None,
            #[cfg(feature = "tls")]
            tls: None,
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
    let admission = Admission::new(
        connections.clone(),
        config.max_requests_in_flight,
        config.large_requests_at_once,
        config.large_body_bytes,
        config.queue_timeout,
        config.max_buffered_body_bytes.max(config.max_body_bytes),
    );
    let limits = Limits {
        body: BodyLimit(config.max_body_bytes),
        admission: Arc::new(admission),
        hosts: config.allowed_hosts.clone(),
        body_read_timeout: config.body_read_timeout,
    };
    let floor = SendFloor { rate: config.min_send_rate, grace: config.send_grace };
    // Tells event streams to end, between two messages, at shutdown.
    let (stopping, stop) = tokio::sync::watch::channel(false);
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
                // Each response, and each event of a stream, goes out as
                // it is written: Nagle's algorithm would hold a small
                // write back until the last is acknowledged.
                let _ = accepted.0.set_nodelay(true);
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
        let service = PerConnection {
            inner: service.clone(),
            peer: PeerAddr(peer),
            limits: limits.clone(),
            in_flight,
            watch: watch.clone(),
            stop: stop.clone(),
        };
        let io = Deadlines::new(stream, watch, config.idle_timeout, config.header_read_timeout, floor);
        let watcher = graceful.watcher();
        #[cfg(feature = "tls")]
        let tls = config.tls.clone();
        tasks.spawn(async move {
            // The handshake's bytes are the head's: its deadline applies.
            #[cfg(feature = "tls")]
            if let Some(tls) = tls {
                if let Ok(io) = tls.acceptor.accept(io).await {
                    let _ = watcher.watch(connection(io, service)).await;
                }
                drop(place);
                return;
            }
            let _ = watcher.watch(connection(io, service)).await;
            drop(place);
        });
    }
    // No new connections from here on, and event streams end.
    drop(listener);
    let _ = stopping.send(true);
    if tokio::time::timeout(config.grace_period, graceful.shutdown()).await.is_err() {
        tracing::warn!(connections = tasks.len(), "the grace period ended; dropping the connections left");
    }
    tasks.shutdown().await;
    Ok(())
}

/// HTTP/1.1 or HTTP/2 served on `io`, told apart by its first bytes (or by
/// ALPN, which puts them there).
fn connection<I, S, B>(
    io: I,
    service: PerConnection<S>,
) -> auto::Connection<'static, TokioIo<I>, TowerToHyperService<PerConnection<S>>, TokioExecutor>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<crate::http::BoxError>,
{
    // The deadlines replace hyper's header-read timeout.
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().header_read_timeout(None);
    builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service)).into_owned()
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
    admission: Arc<Admission>,
    hosts: Option<AllowedHosts>,
    body_read_timeout: Duration,
}

/// A connection's service: puts the connection's peer and the body limit on
/// each request, counts the requests under way for the deadlines, and
/// gives each request's body its account ([`Ticket`]), which admits the
/// request once the body has arrived.
#[derive(Clone)]
struct PerConnection<S> {
    inner: S,
    peer: PeerAddr,
    limits: Limits,
    in_flight: InFlight,
    watch: Arc<Watch>,
    /// True once the server is shutting down.
    stop: tokio::sync::watch::Receiver<bool>,
}

type Answer<B, E> = Pin<Box<dyn Future<Output = Result<http::Response<response::ResponseBody<B>>, E>> + Send>>;

impl<S, B> tower_service::Service<http::Request<Incoming>> for PerConnection<S>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<response::ResponseBody<B>>;
    type Error = S::Error;
    type Future = Answer<B, S::Error>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Incoming>) -> Self::Future {
        let in_flight = self.in_flight.start();
        let ticket = Arc::new(Ticket::new(self.limits.admission.clone(), self.watch.clone()));
        let timeout = self.limits.body_read_timeout;
        let mut request = request.map(|body| RequestBody::new(body, timeout, ticket.clone()));
        // HTTP/2 names the host in `:authority`, which hyper puts in the
        // URI: as `Host`, it is what the host checks and SigV4 read.
        if !request.headers().contains_key(http::header::HOST) {
            let authority = request.uri().authority().and_then(|a| http::HeaderValue::from_str(a.as_str()).ok());
            if let Some(authority) = authority {
                request.headers_mut().insert(http::header::HOST, authority);
            }
        }
        let extensions = request.extensions_mut();
        extensions.insert(self.peer);
        extensions.insert(self.limits.body);
        extensions.insert(admission::BodyAccount(ticket.clone()));
        if let Some(hosts) = &self.limits.hosts {
            extensions.insert(hosts.clone());
        }
        // The service was readied for this call: it answers it, and a
        // fresh clone is left ready for the next (tower's rule).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let mut stop = self.stop.clone();
        Box::pin(async move {
            let answer = inner.call(request).await;
            ticket.finish();
            // In flight until the response's last byte is written.
            answer.map(|response| {
                let events = response
                    .headers()
                    .get(http::header::CONTENT_TYPE)
                    .is_some_and(|media_type| media_type.as_bytes() == crate::event_stream::CONTENT_TYPE.as_bytes());
                let shutdown = events.then(|| -> response::Shutdown {
                    Box::pin(async move {
                        let _ = stop.wait_for(|stopping| *stopping).await;
                    })
                });
                response.map(|body| response::ResponseBody::new(body, in_flight, shutdown))
            })
        })
    }
}
