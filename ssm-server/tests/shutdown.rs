//! runtime::server's graceful shutdown: a request in flight when shutdown
//! is signalled still completes, and `serve` then returns; the server
//! binary shuts down so on SIGTERM as on SIGINT.

mod common;

use std::time::Duration;

use generated::runtime::context::RequestContext;
use generated::runtime::server::{ServerConfig, serve};
use generated::ssm::operation::create_maintenance_window::{
    CreateMaintenanceWindowError, CreateMaintenanceWindowRequest, CreateMaintenanceWindowResult,
};
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Answers after a pause, so that shutdown finds it in flight.
struct Slow;

impl AmazonSsm for Slow {
    async fn create_maintenance_window(
        &self,
        _context: &RequestContext,
        _input: CreateMaintenanceWindowRequest,
    ) -> Result<CreateMaintenanceWindowResult, CreateMaintenanceWindowError> {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(CreateMaintenanceWindowResult { window_id: Some("mw-0123456789abcdef0".to_string()) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_finish_before_the_server_stops() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(AmazonSsmRouter::new(Slow), listener, ServerConfig::default(), async {
        let _ = stopped.await;
    }));

    let body = r#"{"Name": "nightly", "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": true}"#;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonSSM.CreateMaintenanceWindow\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();

    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("mw-0123456789abcdef0"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-amzn-requestid: "), "{response}");
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("serve returns after shutdown").unwrap().unwrap();
    assert!(TcpStream::connect(address).await.is_err(), "no longer accepting");
}

/// SIGTERM (`docker stop`, systemd, Kubernetes) killed the server at once,
/// cutting the requests in flight; now it stops as on SIGINT: a request
/// whose body was half-sent when the signal came is answered, then the
/// server exits.
#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_once_requests_in_flight_are_answered() {
    use std::io::{Read, Write};
    let (mut child, url) = common::spawn(&[]);
    let address = url.trim_start_matches("http://").to_string();
    let body = r#"{"WindowExecutionId": "b40a588d-32a7-4ea7-9a6b-b4ef436a1b2c", "TaskId": "0c9ac961-dafd-4a94-b6c7-1bef3a1b2c3d"}"#;
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonSSM.GetMaintenanceWindowExecutionTask\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..20]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(200));
    stream.write_all(&body.as_bytes()[20..]).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(std::net::TcpStream::connect(&address).is_err(), "still accepting");
}
