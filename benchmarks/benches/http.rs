//! The HTTP server under load, next to its alternatives, in one run:
//!
//! - ours: `runtime::server::serve` with the generated SSM router and a
//!   handler that stores each new maintenance window, on one core;
//! - the ceiling: a minimal hyper server, on one core, that answers every
//!   request with a fixed body and reads nothing;
//! - moto_server (if installed), the Python emulator, on the same operation.
//!
//! Each is driven with CreateMaintenanceWindow over kept-alive connections,
//! by a process of its own (so on the other core): by wrk where it is
//! installed (`apt install wrk`), which can saturate the hyper ceiling, else
//! by `load` (this crate's binary), which tops out below it (so against
//! `load` the ceiling, and our ratio to it, are flattered).
//! `cargo bench -p benchmarks --bench http` prints requests per second and
//! the ratios; run as a test (`cargo test`), it only checks with `load` that
//! every server answers the request with a 200, briefly, and times nothing.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use benchmarks::harness::{self, Moto, OneCore};
use bytes::Bytes;
use generated::runtime::context::RequestContext;
use generated::runtime::server::{ServerConfig, serve};
use generated::ssm::operation::create_maintenance_window::{
    CreateMaintenanceWindowError, CreateMaintenanceWindowRequest, CreateMaintenanceWindowResult,
};
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};
use http_body_util::Full;

/// The request every server is sent: what awscli sends for
/// `aws ssm create-maintenance-window --name bench --schedule "rate(1 day)"
/// --duration 2 --cutoff 1 --allow-unassociated-targets`.
const BODY: &str =
    r#"{"Name":"bench","Schedule":"rate(1 day)","Duration":2,"Cutoff":1,"AllowUnassociatedTargets":true}"#;

fn request(address: SocketAddr) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: AmazonSSM.CreateMaintenanceWindow\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/ssm/aws4_request, \
         SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000\r\n\
         X-Amz-Date: 20260101T000000Z\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    )
    .into_bytes()
}

/// SSM with CreateMaintenanceWindow: windows kept in memory, as moto does.
#[derive(Default)]
struct Windows {
    next: AtomicU64,
    windows: Mutex<HashMap<String, String>>,
}

impl AmazonSsm for Windows {
    async fn create_maintenance_window(
        &self,
        _context: &RequestContext,
        input: CreateMaintenanceWindowRequest,
    ) -> Result<CreateMaintenanceWindowResult, CreateMaintenanceWindowError> {
        let id = format!("mw-{:017x}", self.next.fetch_add(1, Ordering::Relaxed));
        self.windows.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), input.name);
        Ok(CreateMaintenanceWindowResult { window_id: Some(id) })
    }
}

#[derive(Clone, Copy)]
enum Server {
    Ours,
    Hyper,
}

/// The ceiling: hyper answering every request with a fixed body, reading
/// nothing (not even the body).
async fn fixed_body_server(listener: tokio::net::TcpListener, stopped: impl Future<Output = ()>) {
    let mut stopped = std::pin::pin!(stopped);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let service = hyper::service::service_fn(|_request| async {
                    let body = Full::new(Bytes::from_static(br#"{"WindowId":"mw-0123456789abcdef0"}"#));
                    let mut response = http::Response::new(body);
                    response.headers_mut().insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
                    Ok::<_, Infallible>(response)
                });
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
            _ = &mut stopped => break,
        }
    }
}

/// Drives the server at `address` with wrk for `seconds`, one thread and
/// `connections` connections: requests per second. Every response must be
/// a 200.
fn drive_wrk(name: &str, address: SocketAddr, seconds: f64, connections: usize) -> f64 {
    let request = harness::WrkRequest {
        method: "POST",
        path: "/",
        headers: &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "AmazonSSM.CreateMaintenanceWindow"),
        ],
        body: BODY.as_bytes(),
    };
    let (rate, failed) = harness::drive_wrk_counting(name, address, &request, seconds, connections);
    assert_eq!(failed, 0.0, "{name}: some responses were not 200s");
    rate
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` runs this once, briefly.
    let measure = std::env::args().any(|arg| arg == "--bench");
    let wrk = measure && harness::has_wrk();
    let drive = |name: &str, address: SocketAddr, seconds: f64, connections: usize| {
        if wrk {
            drive_wrk(name, address, seconds, connections)
        } else {
            harness::drive(env!("CARGO_BIN_EXE_load"), name, address, &request(address), seconds, connections)
        }
    };
    let (seconds, rounds) = if measure { (3.0, 5) } else { (0.2, 1) };
    let connections = 4;
    let mut rates: HashMap<&str, Vec<f64>> = HashMap::new();
    let moto = Moto::start();
    if moto.is_none() {
        println!("moto_server is not installed (pip install 'moto[server]'): measured without it");
    }
    for _ in 0..rounds {
        // Alternate, so that drift in the machine's speed hits each alike.
        for (name, server) in [("ours", Server::Ours), ("hyper (fixed body)", Server::Hyper)] {
            let running = OneCore::start(move |listener, stopped| async move {
                match server {
                    Server::Ours => {
                        let router = AmazonSsmRouter::new(Windows::default());
                        serve(router, listener, ServerConfig::default(), stopped).await.unwrap();
                    }
                    Server::Hyper => fixed_body_server(listener, stopped).await,
                }
            });
            rates.entry(name).or_default().push(drive(name, running.address, seconds, connections));
        }
        if let Some(moto) = &moto {
            rates.entry("moto_server").or_default().push(drive("moto_server", moto.address, seconds, connections));
        }
    }
    if !measure {
        println!("http: every server answered CreateMaintenanceWindow with 200s");
        return;
    }
    let median = |name: &str| {
        let mut values = rates.get(name).cloned().unwrap_or_default();
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied()
    };
    let client = if wrk { "wrk" } else { "load (install wrk to saturate the ceiling)" };
    println!(
        "CreateMaintenanceWindow over HTTP/1.1 on loopback, {connections} connections ({client}), median of {rounds} x {seconds} s"
    );
    println!("{:<22} {:>12}", "server", "requests/s");
    for name in ["ours", "hyper (fixed body)", "moto_server"] {
        if let Some(rate) = median(name) {
            println!("{name:<22} {rate:>12.0}");
        }
    }
    let ours = median("ours").unwrap_or(0.0);
    if let Some(hyper) = median("hyper (fixed body)") {
        println!("ours / hyper (fixed body): {:.2}x", ours / hyper);
    }
    if let Some(moto) = median("moto_server") {
        println!("ours / moto_server: {:.0}x", ours / moto);
    }
}
