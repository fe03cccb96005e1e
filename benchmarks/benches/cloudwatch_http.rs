//! CloudWatch over HTTP: PutMetricData of 1,000 data points (each a name,
//! a dimension, a timestamp, a value and a unit), against moto_server's
//! CloudWatch on the same machine (if installed: `pip install 'moto[server]'`).
//!
//! - ours: `runtime::server::serve` with the CloudWatch router generated from
//!   botocore's model (the emulator's crate, all three of its protocols) and
//!   a handler that keeps the points in memory, on one core; sent in each
//!   protocol: RPC v2 CBOR, awsJson1.0 and awsQuery;
//! - moto_server, the Python emulator, in the protocols it serves
//!   CloudWatch in: awsQuery and awsJson1.0 (it has no CBOR).
//!
//! Each is driven by wrk where it is installed, else by `load` (this
//! crate's binary), a process of its own, over kept-alive connections.
//! `cargo bench -p benchmarks --bench cloudwatch_http` prints requests per
//! second and the ratios; run as a test (`cargo test`), it only checks
//! briefly that every server answers every protocol with 200s.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;

use benchmarks::harness::{self, Moto, OneCore};
use emulator_generated::cloudwatch::operation::put_metric_data::{PutMetricDataError, PutMetricDataInput};
use emulator_generated::cloudwatch::service::{GraniteServiceVersion20100801, GraniteServiceVersion20100801Router};
use emulator_generated::cloudwatch::types::MetricDatum;
use emulator_generated::runtime::Unit;
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::server::{ServerConfig, serve};
use minicbor::Encoder;

/// Data points per request: PutMetricData's most.
const POINTS: usize = 1000;

/// The points put, by namespace (the last few thousand: the bench measures
/// reading and checking them, not memory growth).
#[derive(Default)]
struct Points(Mutex<Vec<MetricDatum>>);

impl GraniteServiceVersion20100801 for Points {
    async fn put_metric_data(&self, _: &RequestContext, input: PutMetricDataInput) -> Result<Unit, PutMetricDataError> {
        let mut points = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if points.len() > 10 * POINTS {
            points.clear();
        }
        points.extend(input.metric_data.unwrap_or_default());
        Ok(Unit {})
    }
}

/// The i-th point: a host dimension of ten, a timestamp a second apart.
fn point(i: usize) -> (String, String, i64, f64) {
    ("Latency".to_string(), format!("host-{}", i % 10), 1_765_000_000 + i as i64, i as f64 * 0.25)
}

/// A protocol's request: its path, headers (but `Host` and
/// `Content-Length`) and body.
struct Wire {
    protocol: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
}

/// The headers botocore sends to an emulator, signed with a credential
/// scoped to CloudWatch (which neither server checks).
const SIGNED: [(&str, &str); 3] = [
    ("User-Agent", "Botocore/1.43.11"),
    ("X-Amz-Date", "20261207T100000Z"),
    (
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/monitoring/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=0000",
    ),
];

fn cbor() -> Wire {
    let mut body = Vec::new();
    let mut e = Encoder::new(&mut body);
    e.map(2).unwrap().str("Namespace").unwrap().str("Bench").unwrap().str("MetricData").unwrap();
    e.array(POINTS as u64).unwrap();
    for i in 0..POINTS {
        let (name, host, at, value) = point(i);
        e.map(5).unwrap();
        e.str("MetricName").unwrap().str(&name).unwrap();
        e.str("Dimensions").unwrap().array(1).unwrap().map(2).unwrap();
        e.str("Name").unwrap().str("Host").unwrap().str("Value").unwrap().str(&host).unwrap();
        e.str("Timestamp").unwrap().tag(minicbor::data::Tag::new(1)).unwrap().i64(at).unwrap();
        e.str("Value").unwrap().f64(value).unwrap();
        e.str("Unit").unwrap().str("Milliseconds").unwrap();
    }
    let mut headers = SIGNED.to_vec();
    headers.extend([
        ("smithy-protocol", "rpc-v2-cbor"),
        ("Content-Type", "application/cbor"),
        ("Accept", "application/cbor"),
    ]);
    Wire {
        protocol: "RPC v2 CBOR",
        path: "/service/GraniteServiceVersion20100801/operation/PutMetricData",
        headers,
        body,
    }
}

fn json() -> Wire {
    let data: Vec<serde_json::Value> = (0..POINTS)
        .map(|i| {
            let (name, host, at, value) = point(i);
            serde_json::json!({
                "MetricName": name,
                "Dimensions": [{"Name": "Host", "Value": host}],
                "Timestamp": at,
                "Value": value,
                "Unit": "Milliseconds",
            })
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({"Namespace": "Bench", "MetricData": data})).unwrap();
    let mut headers = SIGNED.to_vec();
    headers.extend([
        ("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"),
        ("Content-Type", "application/x-amz-json-1.0"),
    ]);
    Wire { protocol: "awsJson1.0", path: "/", headers, body }
}

fn query() -> Wire {
    let mut body = String::from("Action=PutMetricData&Version=2010-08-01&Namespace=Bench");
    for i in 0..POINTS {
        let (name, host, at, value) = point(i);
        let n = i + 1;
        let at = emulator_generated::runtime::Timestamp::from_epoch_seconds(at).unwrap();
        let at = at.to_string().replace(':', "%3A");
        body.push_str(&format!(
            "&MetricData.member.{n}.MetricName={name}&MetricData.member.{n}.Dimensions.member.1.Name=Host\
             &MetricData.member.{n}.Dimensions.member.1.Value={host}&MetricData.member.{n}.Timestamp={at}\
             &MetricData.member.{n}.Value={value}&MetricData.member.{n}.Unit=Milliseconds"
        ));
    }
    let mut headers = SIGNED.to_vec();
    headers.push(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"));
    Wire { protocol: "awsQuery", path: "/", headers, body: body.into_bytes() }
}

/// `wire` as one HTTP/1.1 request to `address`.
fn request(address: SocketAddr, wire: &Wire) -> Vec<u8> {
    let mut request = format!("POST {} HTTP/1.1\r\nHost: {address}\r\n", wire.path);
    for (name, value) in &wire.headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", wire.body.len()));
    let mut request = request.into_bytes();
    request.extend_from_slice(&wire.body);
    request
}

/// Sends one request and checks it is answered with a 200.
fn send(address: SocketAddr, request: &[u8]) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request).unwrap();
    // The connection stays open: what arrives within a moment is read.
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let mut head = [0u8; 4096];
    let mut read = 0;
    while read < 12 {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    assert_eq!(head.get(9..12), Some(&b"200"[..]), "{}", String::from_utf8_lossy(&head[..read]));
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` runs this once, briefly.
    let measure = std::env::args().any(|arg| arg == "--bench");
    let (seconds, rounds) = if measure { (3.0, 5) } else { (0.2, 1) };
    let wrk = measure && harness::has_wrk();
    let connections = 4;
    let wires = [cbor(), json(), query()];
    let moto = Moto::start();
    if moto.is_none() {
        println!("moto_server is not installed (pip install 'moto[server]'): measured without it");
    }
    let mut rates: HashMap<(&str, &str), Vec<f64>> = HashMap::new();
    let load = env!("CARGO_BIN_EXE_load");
    for _ in 0..rounds {
        let ours = OneCore::start(|listener, stopped| async move {
            serve(
                GraniteServiceVersion20100801Router::new(Points::default()),
                listener,
                ServerConfig::default(),
                stopped,
            )
            .await
            .unwrap();
        });
        let servers = [Some(("ours", ours.address)), moto.as_ref().map(|moto| ("moto_server", moto.address))];
        for (name, address) in servers.into_iter().flatten() {
            // moto_server has no CBOR.
            for wire in wires.iter().filter(|wire| name == "ours" || wire.protocol != "RPC v2 CBOR") {
                let one = request(address, wire);
                send(address, &one);
                let (rate, errors) = if wrk {
                    let request = harness::WrkRequest {
                        method: "POST",
                        path: wire.path,
                        headers: &wire.headers,
                        body: &wire.body,
                    };
                    harness::drive_wrk_counting(name, address, &request, seconds, connections)
                } else {
                    harness::drive_counting(load, name, address, &one, seconds, connections)
                };
                assert!(name != "ours" || errors == 0.0, "ours: {errors} {} requests failed", wire.protocol);
                if errors > 0.0 {
                    println!("{name} {}: {errors} requests failed", wire.protocol);
                }
                rates.entry((name, wire.protocol)).or_default().push(rate);
            }
        }
    }
    if !measure {
        println!("cloudwatch_http: every server answered PutMetricData of {POINTS} points with 200s");
        return;
    }
    let median = |key: (&str, &str)| {
        let mut values = rates.get(&key).cloned().unwrap_or_default();
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied()
    };
    let client = if wrk { "wrk" } else { "load (install wrk to saturate the servers)" };
    println!(
        "PutMetricData of {POINTS} points over HTTP/1.1 on loopback, {connections} connections ({client}), median of \
         {rounds} x {seconds} s"
    );
    println!("{:<14} {:<12} {:>12} {:>12}", "server", "protocol", "bytes", "requests/s");
    for wire in &wires {
        for name in ["ours", "moto_server"] {
            if let Some(rate) = median((name, wire.protocol)) {
                println!("{name:<14} {:<12} {:>12} {rate:>12.1}", wire.protocol, wire.body.len());
            }
        }
    }
    let best_moto = ["awsJson1.0", "awsQuery"].iter().filter_map(|p| median(("moto_server", p))).reduce(f64::max);
    if let Some(moto) = best_moto {
        for wire in &wires {
            if let Some(ours) = median(("ours", wire.protocol)) {
                println!("ours {} / moto_server's best: {:.0}x", wire.protocol, ours / moto);
            }
        }
    }
}
