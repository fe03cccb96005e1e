//! The server: slow clients are cut off, the peer reaches the handler, and
//! an unimplemented operation is an answer, not an unwinding.
#![cfg(feature = "server")]

use std::time::{Duration, Instant};

use awsgen_runtime::context::RequestContext;
use awsgen_runtime::server::{ServerConfig, serve};
use awsgen_runtime::service::{AwsJson, Response, Router};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Answers with the peer address the context holds.
struct Peer;

impl Router for Peer {
    fn protocol(&self) -> AwsJson {
        AwsJson::V1_1
    }

    fn target_prefix(&self) -> &'static str {
        "Peer"
    }

    async fn route(&self, context: RequestContext, target: Option<&str>, _: &[u8]) -> Response {
        if target == Some("Peer.Slow") {
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        let peer = context.peer_addr().map(|a| a.to_string()).unwrap_or_default();
        Response { status: 200, headers: vec![], body: format!("{{\"peer\":\"{peer}\"}}").into_bytes() }
    }
}

/// A tower service over [`Peer`], as generated routers are.
#[derive(Clone)]
struct PeerService;

impl<B> tower_service::Service<http::Request<B>> for PeerService
where
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
        awsgen_runtime::http::call(Peer, request)
    }
}

async fn start(config: ServerConfig) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(PeerService, listener, config, std::future::pending()));
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
    let request =
        format!("POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 2\r\n\r\n{{}}");
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
    let head = format!("POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: Peer.Op\r\nContent-Length: 2\r\n\r\n");
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
    let request =
        format!("POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: Peer.Slow\r\nContent-Length: 2\r\n\r\n{{}}");
    stream.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // Answered after the handler's 1.5 s, then closed after 300 ms idle.
    assert!(started.elapsed() >= Duration::from_millis(1700), "{:?}", started.elapsed());
}
