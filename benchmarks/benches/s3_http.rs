//! S3 over HTTP: PutObject and GetObject of 64 KiB objects, path-style as
//! botocore sends them to an emulator, against moto_server's S3 on the same
//! machine (if installed: `pip install 'moto[server]'`).
//!
//! - ours: `runtime::server::serve` with the S3 router generated from AWS's
//!   model (the emulator's crate) and a handler that keeps objects in
//!   memory, on one core;
//! - moto_server, the Python emulator, on the same requests.
//!
//! Each is driven by wrk where it is installed, else by `load` (this
//! crate's binary), a process of its own, over kept-alive connections. `cargo bench -p benchmarks --bench s3_http`
//! prints requests per second and the ratios; run as a test (`cargo test`),
//! it only checks briefly that every server answers with 200s.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;

use benchmarks::harness::{self, Moto, OneCore};
use bytes::Bytes;
use emulator_generated::runtime::ByteStream;
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::server::{ServerConfig, serve};
use emulator_generated::s3::operation::create_bucket::{CreateBucketError, CreateBucketOutput, CreateBucketRequest};
use emulator_generated::s3::operation::get_object::{GetObjectError, GetObjectOutput, GetObjectRequest};
use emulator_generated::s3::operation::put_object::{PutObjectError, PutObjectOutput, PutObjectRequest};
use emulator_generated::s3::service::{AmazonS3, AmazonS3Router};

/// The object size.
const SIZE: usize = 64 * 1024;

/// Objects in memory, by bucket and key.
#[derive(Default)]
struct Objects {
    objects: Mutex<HashMap<(String, String), Bytes>>,
}

impl AmazonS3 for Objects {
    async fn create_bucket(
        &self,
        _: &RequestContext,
        _: CreateBucketRequest,
    ) -> Result<CreateBucketOutput, CreateBucketError> {
        Ok(CreateBucketOutput::default())
    }

    async fn put_object(&self, _: &RequestContext, input: PutObjectRequest) -> Result<PutObjectOutput, PutObjectError> {
        let bytes = input.body.into_bytes().await.unwrap_or_default();
        self.objects.lock().unwrap_or_else(|e| e.into_inner()).insert((input.bucket, input.key), bytes);
        Ok(PutObjectOutput { e_tag: Some("\"bench\"".to_string()), ..Default::default() })
    }

    async fn get_object(&self, _: &RequestContext, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
        let objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        let bytes = objects.get(&(input.bucket, input.key)).cloned().unwrap_or_default();
        let length = i64::try_from(bytes.len()).ok();
        Ok(GetObjectOutput { body: ByteStream::from(bytes), content_length: length, ..Default::default() })
    }
}

/// The headers botocore sends to an emulator (path style, signed with a
/// credential scoped to S3, which neither server checks), but `Host` and
/// `Content-Length`.
const HEADERS: [(&str, &str); 4] = [
    ("User-Agent", "Botocore/1.43.11"),
    ("X-Amz-Date", "20261207T100000Z"),
    ("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"),
    (
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/s3/aws4_request, \
         SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000",
    ),
];

/// A request as botocore sends it to an emulator.
fn request(address: SocketAddr, method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\n");
    for (name, value) in HEADERS {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut request = request.into_bytes();
    request.extend_from_slice(body);
    request
}

/// Sends one request and checks it is answered with a 200.
fn send(address: SocketAddr, request: &[u8]) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request).unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    assert_eq!(&head[9..12], b"200", "{}", String::from_utf8_lossy(&head));
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` runs this once, briefly.
    let measure = std::env::args().any(|arg| arg == "--bench");
    let (seconds, rounds) = if measure { (3.0, 5) } else { (0.2, 1) };
    // wrk, where installed, is quick enough to saturate the servers; `load`
    // is not (see BENCHMARKS.md, "HTTP on loopback").
    let wrk = measure && harness::has_wrk();
    let connections = 4;
    let body = vec![b'x'; SIZE];
    let moto = Moto::start();
    if moto.is_none() {
        println!("moto_server is not installed (pip install 'moto[server]'): measured without it");
    }
    let mut rates: HashMap<(&str, &str), Vec<f64>> = HashMap::new();
    let load = env!("CARGO_BIN_EXE_load");
    for _ in 0..rounds {
        let ours = OneCore::start(|listener, stopped| async move {
            serve(AmazonS3Router::new(Objects::default()), listener, ServerConfig::default(), stopped).await.unwrap();
        });
        let servers = [Some(("ours", ours.address)), moto.as_ref().map(|moto| ("moto_server", moto.address))];
        for (name, address) in servers.into_iter().flatten() {
            send(address, &request(address, "PUT", "/bench", b""));
            send(address, &request(address, "PUT", "/bench/object", &body));
            for (operation, request) in [
                ("PutObject", request(address, "PUT", "/bench/object", &body)),
                ("GetObject", request(address, "GET", "/bench/object", b"")),
            ] {
                // moto_server answers some requests under concurrent load with
                // errors; only its 200s count, and the failures are shown.
                let (rate, errors) = if wrk {
                    let (method, path, body) = match operation {
                        "PutObject" => ("PUT", "/bench/object", &body[..]),
                        _ => ("GET", "/bench/object", &b""[..]),
                    };
                    let request = harness::WrkRequest { method, path, headers: &HEADERS, body };
                    harness::drive_wrk_counting(name, address, &request, seconds, connections)
                } else {
                    harness::drive_counting(load, name, address, &request, seconds, connections)
                };
                assert!(name != "ours" || errors == 0.0, "ours: {errors} {operation} requests failed");
                if errors > 0.0 {
                    println!("{name} {operation}: {errors} requests failed");
                }
                rates.entry((name, operation)).or_default().push(rate);
            }
        }
    }
    if !measure {
        println!("s3_http: every server answered PutObject and GetObject of 64 KiB with 200s");
        return;
    }
    let median = |key: (&str, &str)| {
        let mut values = rates.get(&key).cloned().unwrap_or_default();
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied()
    };
    let client = if wrk { "wrk" } else { "load (install wrk to saturate the servers)" };
    println!(
        "S3 64 KiB objects over HTTP/1.1 on loopback, {connections} connections ({client}), median of {rounds} x \
         {seconds} s"
    );
    println!("{:<14} {:<12} {:>12}", "server", "operation", "requests/s");
    for operation in ["PutObject", "GetObject"] {
        for name in ["ours", "moto_server"] {
            if let Some(rate) = median((name, operation)) {
                println!("{name:<14} {operation:<12} {rate:>12.0}");
            }
        }
        if let (Some(ours), Some(moto)) = (median(("ours", operation)), median(("moto_server", operation))) {
            println!("{operation}: ours / moto_server: {:.0}x", ours / moto);
        }
    }
}
