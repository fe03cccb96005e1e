//! A generated router mounted in an axum app behind a tower layer: the
//! layer hands the handler the caller's identity through the request's
//! extensions, and the handler reads it and a header from its context.

use std::time::Duration;

use generated::runtime::context::RequestContext;
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindowError, DeregisterTaskFromMaintenanceWindowRequest,
    DeregisterTaskFromMaintenanceWindowResult,
};
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceBuilder;

/// The caller, as an authentication layer would find it.
#[derive(Clone, Debug)]
struct Tenant(&'static str);

/// Echoes what its context says into the output.
struct Echo;

impl AmazonSsm for Echo {
    async fn deregister_task_from_maintenance_window(
        &self,
        context: &RequestContext,
        input: DeregisterTaskFromMaintenanceWindowRequest,
    ) -> Result<DeregisterTaskFromMaintenanceWindowResult, DeregisterTaskFromMaintenanceWindowError> {
        let tenant = context.extensions().get::<Tenant>().map_or("nobody", |t| t.0);
        let header = context.headers().get("x-trace").and_then(|v| v.to_str().ok()).unwrap_or("-");
        let seen = format!("{tenant}/{header}/{}", context.request_id());
        Ok(DeregisterTaskFromMaintenanceWindowResult { window_id: Some(input.window_id), window_task_id: Some(seen) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_axum_app_mounts_the_router_behind_a_layer() {
    let ssm = ServiceBuilder::new()
        .map_request(|mut request: http::Request<axum::body::Body>| {
            request.extensions_mut().insert(Tenant("acme"));
            request
        })
        .service(AmazonSsmRouter::new(Echo));
    let app = axum::Router::new().route_service("/", ssm).route("/health", axum::routing::get(|| async { "ok" }));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let body = r#"{"WindowId": "mw-0c50858d01abcdef0", "WindowTaskId": "50772993-c6b5-4a2a-8d04-7bfd7a1b2c3d"}"#;
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: AmazonSSM.DeregisterTaskFromMaintenanceWindow\r\nX-Trace: t-1\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = exchange(address, &request).await;
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{response}");
    let request_id = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("x-amzn-requestid: ").map(str::to_string))
        .unwrap_or_else(|| panic!("no request id: {head}"));
    let output: Value = serde_json::from_str(body).unwrap();
    assert_eq!(output["WindowTaskId"], format!("acme/t-1/{request_id}"), "{output}");

    // An operation left unimplemented, through axum too.
    let body = r#"{"Name":"a"}"#;
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonSSM.GetParameter\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = exchange(address, &request).await;
    assert!(response.starts_with("HTTP/1.1 501"), "{response}");
    assert!(response.contains("\"__type\":\"NotImplemented\""), "{response}");

    let response =
        exchange(address, &format!("GET /health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")).await;
    assert!(response.starts_with("HTTP/1.1 200") && response.ends_with("ok"), "{response}");
}

async fn exchange(address: std::net::SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    assert!(read.is_ok(), "no end of response: {}", String::from_utf8_lossy(&response));
    String::from_utf8(response).unwrap()
}
