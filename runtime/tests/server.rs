//! The server: slow clients are cut off, the peer reaches the handler, and
//! an unimplemented operation is an answer, not an unwinding.
#![cfg(feature = "server")]

use std::time::{Duration, Instant};

use awsgen_runtime::context::RequestContext;
use awsgen_runtime::protocol::Response;
use awsgen_runtime::protocol::aws_json::{AwsJson, Dispatch};
use awsgen_runtime::server::{ServerConfig, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Answers with the peer address the context holds.
#[derive(Clone)]
struct Peer;

impl Dispatch for Peer {
    fn protocol(&self) -> AwsJson {
        AwsJson::V1_1
    }

    fn target_prefix(&self) -> &'static str {
        "Peer"
    }

    async fn route(&self, context: &RequestContext, target: Option<&str>, _: &[u8]) -> Response {
        if target == Some("Peer.Slow") {
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        if target == Some("Peer.Big") {
            let body = format!("{{\"padding\":\"{}\"}}", "x".repeat(BIG));
            return Response::with_body(200, "application/json", body.into_bytes());
        }
        let peer = context.peer_addr().map(|a| a.to_string()).unwrap_or_default();
        Response::with_body(200, "application/json", format!("{{\"peer\":\"{peer}\"}}").into_bytes())
    }
}

/// The padding of `Peer.Big`'s answer: more than the socket buffers of
/// both ends hold.
const BIG: usize = 48 << 20;

/// A tower service over an awsJson dispatcher (`Peer`, `Ticker`), as
/// generated routers are.
#[derive(Clone)]
struct Routed<D>(D);

/// The service over [`Peer`].
const PEER_SERVICE: Routed<Peer> = Routed(Peer);

impl awsgen_runtime::protocol::Serve for Peer {
    fn serve<B>(
        self,
        request: http::Request<B>,
    ) -> impl std::future::Future<Output = awsgen_runtime::http::HttpResponse> + Send
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<awsgen_runtime::http::BoxError>,
    {
        awsgen_runtime::protocol::aws_json::handle(self, request)
    }
}

impl<D, B> tower_service::Service<http::Request<B>> for Routed<D>
where
    D: awsgen_runtime::protocol::Serve,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<awsgen_runtime::http::BoxError>,
{
    type Response = awsgen_runtime::http::HttpResponse;
    type Error = std::convert::Infallible;
    type Future = awsgen_runtime::http::ResponseFuture;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        awsgen_runtime::http::call(self.0.clone(), request)
    }
}

async fn start(config: ServerConfig) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(PEER_SERVICE, listener, config, std::future::pending()));
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_its_headers_slowly_is_cut_off() {
    // Idle for long enough, but a head must be whole in 500 ms.
    let config = ServerConfig { header_read_timeout: Duration::from_millis(500), ..ServerConfig::default() };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let started = Instant::now();
    // One header byte every 100 ms: never a whole head within the timeout.
    let mut cut_off = false;
    for byte in b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ".iter().cycle().take(100) {
        if stream.write_all(&[*byte]).await.is_err() {
            cut_off = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut buffer = [0u8; 256];
        if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buffer)).await {
            cut_off = true;
            break;
        }
    }
    assert!(cut_off, "the slow client was never cut off");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_is_closed_and_the_handler_sees_its_peer() {
    let config = ServerConfig { idle_timeout: Duration::from_millis(500), ..ServerConfig::default() };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 2\r\n\r\n{{}}"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut response = Vec::new();
    // Kept alive after the response, then closed for idling.
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await.unwrap().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let local = stream.local_addr().unwrap();
    assert!(text.contains(&format!("\"peer\":\"{local}\"")), "{text}");
    assert!(text.to_ascii_lowercase().contains("x-amzn-requestid: "), "{text}");
}

/// Sends `bytes` one every `pause`; whether the server closed the
/// connection before the end.
async fn trickle(stream: &mut TcpStream, bytes: &[u8], pause: Duration) -> bool {
    for byte in bytes {
        if stream.write_all(&[*byte]).await.is_err() {
            return true;
        }
        tokio::time::sleep(pause).await;
        let mut buffer = [0u8; 256];
        if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buffer)).await {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_sends_a_request_is_closed() {
    let config = ServerConfig { idle_timeout: Duration::from_millis(300), ..ServerConfig::default() };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let started = Instant::now();
    let mut nothing = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut nothing)).await.unwrap().unwrap();
    assert!(nothing.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(250), "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_and_header_timeouts_are_separate() {
    // A short idle timeout does not cut off a head that is slow but within
    // the header timeout: one byte every 50 ms for about 1.5 s.
    let config = ServerConfig {
        idle_timeout: Duration::from_millis(300),
        header_read_timeout: Duration::from_secs(10),
        ..ServerConfig::default()
    };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 2\r\n\r\n"
    );
    assert!(!trickle(&mut stream, head.as_bytes(), Duration::from_millis(20)).await, "cut off while sending");
    stream.write_all(b"{}").await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_slower_than_both_timeouts_still_answers() {
    let config = ServerConfig {
        idle_timeout: Duration::from_millis(300),
        header_read_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Slow\r\nContent-Length: 2\r\n\r\n{{}}"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // Answered after the handler's 1.5 s, then closed after 300 ms idle.
    assert!(started.elapsed() >= Duration::from_millis(1700), "{:?}", started.elapsed());
}

/// One request on a fresh connection: the response's text.
async fn request(address: std::net::SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await.unwrap().unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_stalled_connections_cannot_keep_a_client_out() {
    let config = ServerConfig { max_connections: 8, ..ServerConfig::default() };
    let address = start(config).await;
    // Eight connections take every place: half idle, half stalled in a head.
    let mut hogs = Vec::new();
    for i in 0..8 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        if i % 2 == 1 {
            stream.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        }
        hogs.push(stream);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Each newcomer is served in the place of the quietest hog, and stays.
    let mut newcomers = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let mut stream = TcpStream::connect(address).await.unwrap();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 2\r\n\r\n{{}}"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        while !response.ends_with(b"}") {
            let mut chunk = [0; 1024];
            let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await.unwrap().unwrap();
            assert!(read > 0, "closed: {}", String::from_utf8_lossy(&response));
            response.extend_from_slice(&chunk[..read]);
        }
        assert!(response.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&response));
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        newcomers.push(stream);
    }
    // The three quiet longest were closed, oldest first; the others are open.
    let mut closed = Vec::new();
    for (i, hog) in hogs.iter_mut().enumerate() {
        let mut byte = [0; 1];
        if let Ok(read) = tokio::time::timeout(Duration::from_millis(100), hog.read(&mut byte)).await {
            assert!(matches!(read, Ok(0) | Err(_)), "a hog got data: {read:?}");
            closed.push(i);
        }
    }
    assert_eq!(closed, [0, 1, 2]);
    // A connection that ends frees its place: the next client closes no one.
    drop(newcomers);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(request(address).await.starts_with("HTTP/1.1 200"));
    for hog in &mut hogs[3..] {
        let mut byte = [0; 1];
        let still_open = tokio::time::timeout(Duration::from_millis(50), hog.read(&mut byte)).await.is_err();
        assert!(still_open);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_within_the_grace_period_with_a_request_half_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = ServerConfig { grace_period: Duration::from_millis(500), ..ServerConfig::default() };
    let server = tokio::spawn(serve(PEER_SERVICE, listener, config, async {
        let _ = stopped.await;
    }));
    // A head that never ends, and a body that never comes.
    let mut half_head = TcpStream::connect(address).await.unwrap();
    half_head.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Tar").await.unwrap();
    let mut half_body = TcpStream::connect(address).await.unwrap();
    half_body.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 10\r\n\r\n{").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), server).await.expect("serve returns").unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert!(TcpStream::connect(address).await.is_err(), "the listener is closed");
    for mut stream in [half_head, half_body] {
        let mut rest = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(1), stream.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "the connection was dropped");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_past_the_bound_in_flight_wait_their_turn() {
    let config = ServerConfig { max_requests_in_flight: 1, ..ServerConfig::default() };
    let address = start(config).await;
    let slow = tokio::spawn(async move {
        let mut stream = TcpStream::connect(address).await.unwrap();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Slow\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The slow request (1.5 s) holds the only place: this one waits for it.
    let started = Instant::now();
    let text = request(address).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(started.elapsed() >= Duration::from_millis(1000), "{:?}", started.elapsed());
    slow.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_in_time_is_refused() {
    let config = ServerConfig { body_read_timeout: Duration::from_millis(500), ..ServerConfig::default() };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 10\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("RequestTimeoutException"), "{text}");
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());
}

/// A request's head on `stream`, declaring a body of `length` bytes of
/// which `sent` are sent, for the operation `target`.
async fn send_head(stream: &mut TcpStream, address: std::net::SocketAddr, target: &str, length: usize, sent: &[u8]) {
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.{target}\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(sent).await.unwrap();
}

/// A request of `body` on a fresh connection, answered within `within`:
/// the response's text.
async fn served_within(address: std::net::SocketAddr, body: &str, within: Duration) -> String {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Peer.Op\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let read = tokio::time::timeout(within, stream.read_to_end(&mut response)).await;
    assert!(read.is_ok(), "not answered within {within:?}");
    let text = String::from_utf8_lossy(&response).into_owned();
    assert!(started.elapsed() < within, "{:?}", started.elapsed());
    text
}

/// Bodies that never arrive took every place in flight until their
/// deadline: a small request from anyone else waited for it (56.9 s with
/// the defaults). A body that has not arrived holds no place now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_that_never_arrive_hold_no_place_in_flight() {
    let config = ServerConfig {
        max_requests_in_flight: 4,
        body_read_timeout: Duration::from_secs(20),
        ..ServerConfig::default()
    };
    let address = start(config).await;
    let mut stalled = Vec::new();
    for _ in 0..8 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        send_head(&mut stream, address, "Op", 10, b"{").await;
        stalled.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..3 {
        let text = served_within(address, "{}", Duration::from_millis(1000)).await;
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    }
}

/// With every connection place taken by requests whose bodies stalled, a
/// newcomer waited in the backlog for their deadline: connections with a
/// request in flight were never closed. A body that has stalled is closed
/// to make room, quietest first, as an idle connection is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_whose_bodies_stalled_make_room() {
    let config =
        ServerConfig { max_connections: 6, body_read_timeout: Duration::from_secs(20), ..ServerConfig::default() };
    let address = start(config).await;
    let mut stalled = Vec::new();
    for _ in 0..6 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        send_head(&mut stream, address, "Op", 10, b"{").await;
        stalled.push(stream);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = served_within(address, "{}", Duration::from_millis(1000)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // The one stalled longest was closed for it.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_millis(500), stalled[0].read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the stalled connection quiet longest is still open");
}

/// Large bodies that stalled held the one place for large requests in
/// turn (119.5 s for a legitimate 300 KB request, with the defaults). They
/// take it only once they have arrived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_bodies_that_stall_do_not_hold_the_large_place() {
    let config = ServerConfig {
        large_body_bytes: 1024,
        large_requests_at_once: 1,
        body_read_timeout: Duration::from_secs(20),
        ..ServerConfig::default()
    };
    let address = start(config).await;
    let mut stalled = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        send_head(&mut stream, address, "Op", 300_000, b"{").await;
        stalled.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let large = format!("{{\"padding\": \"{}\"}}", "x".repeat(300_000));
    let text = served_within(address, &large, Duration::from_millis(2000)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

/// A request that waited for its place longer than the queue allows is
/// refused as the server being busy, which SDKs retry; the queue had no
/// deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_waits_too_long_for_a_place_is_refused_as_busy() {
    let config = ServerConfig {
        max_requests_in_flight: 1,
        queue_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let address = start(config).await;
    let slow = tokio::spawn(async move {
        let mut stream = TcpStream::connect(address).await.unwrap();
        send_head(&mut stream, address, "Slow", 2, b"{}").await;
        let mut response = [0; 12];
        stream.read_exact(&mut response).await.unwrap();
        String::from_utf8_lossy(&response).into_owned()
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = served_within(address, "{}", Duration::from_millis(1000)).await;
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(text.contains("ServiceUnavailableException"), "{text}");
    assert_eq!(slow.await.unwrap(), "HTTP/1.1 200");
}

/// Bodies still arriving hold at most the budget in all: past it, the
/// connection whose body has been quiet longest is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_arriving_are_held_to_a_budget_in_all() {
    let config = ServerConfig {
        max_body_bytes: 64 << 10,
        max_buffered_body_bytes: 128 << 10,
        body_read_timeout: Duration::from_secs(20),
        ..ServerConfig::default()
    };
    let address = start(config).await;
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        send_head(&mut stream, address, "Op", 64 << 10, &vec![b' '; 60 << 10]).await;
        stalled.push(stream);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = format!("{{{}}}", " ".repeat(60 << 10));
    let text = served_within(address, &body, Duration::from_millis(1000)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // Six bodies of 60 KiB came; at most two can be held at once.
    let mut open = 0;
    for stream in &mut stalled {
        let mut rest = Vec::new();
        if tokio::time::timeout(Duration::from_millis(200), stream.read_to_end(&mut rest)).await.is_err() {
            open += 1;
        }
    }
    assert!(open <= 1, "{open} stalled bodies still held");
}

/// A client that never reads its answer held it in memory for as long as
/// it kept the connection; one that read a little now and then, for as
/// long as it liked. A client must take its response at the floor's rate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_take_its_response_is_cut_off() {
    let config =
        ServerConfig { min_send_rate: 16 << 20, send_grace: Duration::from_millis(200), ..ServerConfig::default() };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    send_head(&mut stream, address, "Big", 2, b"{}").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut chunk = vec![0; 1 << 20];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the connection is still open");
    assert!(response.starts_with(b"HTTP/1.1 200"));
    assert!(response.len() < BIG, "the whole response was sent: {}", response.len());
}

/// A client that takes its response faster than the floor gets all of it,
/// however long that takes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reads_faster_than_the_floor_gets_its_whole_response() {
    let config =
        ServerConfig { min_send_rate: 4 << 20, send_grace: Duration::from_millis(200), ..ServerConfig::default() };
    let address = start(config).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    send_head(&mut stream, address, "Big", 2, b"{}").await;
    let mut received = 0;
    let mut chunk = vec![0; 1 << 20];
    // About 16 MiB a second, in bursts.
    while received < BIG {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "cut off after {received} bytes");
        received += n;
        tokio::time::sleep(Duration::from_millis(n as u64 / (16 << 10))).await;
    }
}

/// An event of [`Ticker`]'s streams: its number.
struct Tick(u32);

impl awsgen_runtime::event_stream::WriteEvents for Tick {
    fn write_message(&self) -> awsgen_runtime::event_stream::Message {
        awsgen_runtime::event_stream::event("tick", Some("text/plain"), self.0.to_string())
    }
}

/// Answers with an event stream: `Ticker.Wait` sends one event after a
/// pause longer than the idle timeout, then ends; `Ticker.Forever` sends
/// one event and then waits for ever.
#[derive(Clone)]
struct Ticker;

impl Dispatch for Ticker {
    fn protocol(&self) -> AwsJson {
        AwsJson::V1_1
    }

    fn target_prefix(&self) -> &'static str {
        "Ticker"
    }

    async fn route(&self, _: &RequestContext, target: Option<&str>, _: &[u8]) -> Response {
        let (sender, events) = awsgen_runtime::EventStream::channel(1);
        let forever = target == Some("Ticker.Forever");
        tokio::spawn(async move {
            if !forever {
                tokio::time::sleep(Duration::from_millis(800)).await;
            }
            let _ = sender.send(Tick(1)).await;
            if forever {
                sender.closed().await;
            }
        });
        let mut response = Response::new(200);
        response.event_stream(events, None);
        response
    }
}

impl awsgen_runtime::protocol::Serve for Ticker {
    fn serve<B>(
        self,
        request: http::Request<B>,
    ) -> impl std::future::Future<Output = awsgen_runtime::http::HttpResponse> + Send
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<awsgen_runtime::http::BoxError>,
    {
        awsgen_runtime::protocol::aws_json::handle(self, request)
    }
}

/// Sends `Ticker.<operation>` over HTTP/1.1 and reads until the connection
/// closes or `within` passes: what arrived.
async fn tick(address: std::net::SocketAddr, operation: &str, within: Duration) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: \
         Ticker.{operation}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let _ = tokio::time::timeout(within, stream.read_to_end(&mut received)).await;
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_stream_that_waits_is_not_an_idle_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let config = ServerConfig { idle_timeout: Duration::from_millis(300), ..ServerConfig::default() };
    tokio::spawn(serve(Routed(Ticker), listener, config, std::future::pending()));
    let received = tick(address, "Wait", Duration::from_secs(5)).await;
    assert!(received.starts_with("HTTP/1.1 200 OK"), "{received}");
    assert!(received.contains("application/vnd.amazon.eventstream"), "{received}");
    // The event, then the chunked body's clean end.
    assert!(received.contains(":event-type") && received.contains("tick"), "{received}");
    assert!(received.ends_with("0\r\n\r\n"), "{received:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_an_event_stream_cleanly() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = ServerConfig { grace_period: Duration::from_secs(5), ..ServerConfig::default() };
    let server = tokio::spawn(serve(Routed(Ticker), listener, config, async {
        let _ = stopped.await;
    }));
    let client = tokio::spawn(tick(address, "Forever", Duration::from_secs(5)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), server).await.expect("serve returns").unwrap().unwrap();
    // Well within the grace period: the stream ended, it was not dropped.
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let received = client.await.unwrap();
    assert!(received.contains("tick"), "{received}");
    assert!(received.ends_with("0\r\n\r\n"), "{received:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_with_prior_knowledge_is_served() {
    let address = start(ServerConfig::default()).await;
    let stream = TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .expect("an HTTP/2 handshake");
    tokio::spawn(connection);
    let request = http::Request::post(format!("http://{address}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Peer.Op")
        .body(http_body_util::Full::new(bytes::Bytes::from_static(b"{}")))
        .unwrap();
    let response = sender.send_request(request).await.expect("an answer");
    assert_eq!(response.version(), http::Version::HTTP_2);
    assert_eq!(response.status(), 200);
    let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("\"peer\":\"127.0.0.1:"), "{body:?}");
}

/// HTTPS with the certificate in `tests/fixtures/localhost.*.pem` (made for
/// these tests with openssl: self-signed, for `localhost` and 127.0.0.1).
#[cfg(feature = "tls")]
mod tls {
    use std::sync::Arc;

    use awsgen_runtime::server::TlsConfig;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};

    use super::*;

    const CERTIFICATE: &[u8] = include_bytes!("fixtures/localhost.cert.pem");
    const KEY: &[u8] = include_bytes!("fixtures/localhost.key.pem");

    async fn start_tls() -> std::net::SocketAddr {
        let tls = TlsConfig::from_pem(CERTIFICATE, KEY).expect("the fixture's certificate and key");
        start(ServerConfig { tls: Some(tls), ..ServerConfig::default() }).await
    }

    /// A TLS connection to `address` that trusts the fixture's certificate
    /// and offers `alpn`.
    async fn connect(address: std::net::SocketAddr, alpn: &[u8]) -> tokio_rustls::client::TlsStream<TcpStream> {
        let mut roots = rustls::RootCertStore::empty();
        for certificate in CertificateDer::pem_slice_iter(CERTIFICATE) {
            roots.add(certificate.unwrap()).unwrap();
        }
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![alpn.to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let stream = TcpStream::connect(address).await.unwrap();
        connector.connect(ServerName::try_from("localhost").unwrap(), stream).await.expect("a TLS handshake")
    }

    fn peer_request(address: std::net::SocketAddr) -> http::Request<http_body_util::Full<bytes::Bytes>> {
        http::Request::post(format!("https://localhost:{}/", address.port()))
            .header("host", format!("localhost:{}", address.port()))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "Peer.Op")
            .body(http_body_util::Full::new(bytes::Bytes::from_static(b"{}")))
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn http2_over_tls_is_chosen_by_alpn() {
        let address = start_tls().await;
        let stream = connect(address, b"h2").await;
        assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        let (mut sender, connection) = hyper::client::conn::http2::handshake(
            hyper_util::rt::TokioExecutor::new(),
            hyper_util::rt::TokioIo::new(stream),
        )
        .await
        .unwrap();
        tokio::spawn(connection);
        let response = sender.send_request(peer_request(address)).await.expect("an answer");
        assert_eq!((response.version(), response.status().as_u16()), (http::Version::HTTP_2, 200));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn http1_over_tls_is_chosen_by_alpn() {
        let address = start_tls().await;
        let stream = connect(address, b"http/1.1").await;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
        tokio::spawn(connection);
        let response = sender.send_request(peer_request(address)).await.expect("an answer");
        assert_eq!((response.version(), response.status().as_u16()), (http::Version::HTTP_11, 200));
        let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("\"peer\":\"127.0.0.1:"), "{body:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cleartext_request_to_a_tls_server_is_not_served() {
        let address = start_tls().await;
        let answer = request(address).await;
        assert!(!answer.contains("200 OK"), "{answer}");
    }

    #[test]
    fn what_is_not_a_certificate_and_key_is_refused() {
        assert!(TlsConfig::from_pem(b"", KEY).unwrap_err().to_string().contains("no certificate"));
        assert!(TlsConfig::from_pem(CERTIFICATE, b"").unwrap_err().to_string().contains("no private key"));
    }
}
