//! A soak test: the example server under a mix of well-behaved, invalid,
//! slow, idle, oversized and amplifying clients at once, with clients that
//! withhold their bodies (small and large) and clients that do not read
//! their answers, for a while. Its memory must stay flat, and the
//! well-behaved clients (a small request and a large one) must keep being
//! answered quickly.
//!
//! `cargo test` runs it for 5 s; `SOAK_SECONDS=300 cargo test --release -p
//! ssm-server --test soak -- --nocapture` runs it longer and prints figures.
#![cfg(target_os = "linux")]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start() -> Server {
        let (child, url) = common::spawn(&[]);
        let address = url.trim_start_matches("http://").to_string();
        Server { child, address }
    }

    /// The server's resident memory, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|line| line.starts_with("VmRSS:")).expect("VmRSS");
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request on a fresh connection; the status, or 0 if the server
/// closed the connection without an answer.
fn exchange(address: &str, target: &str, body: &[u8]) -> u16 {
    let Ok(mut stream) = TcpStream::connect(address) else { return 0 };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonSSM.{target}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).is_err() {
        return 0;
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).split(' ').nth(1).and_then(|status| status.parse().ok()).unwrap_or(0)
}

/// Runs `client` in a loop on its own thread until `stop`.
fn keep(stop: &Arc<AtomicBool>, mut client: impl FnMut() + Send + 'static) -> thread::JoinHandle<()> {
    let stop = stop.clone();
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            client();
        }
    })
}

#[test]
fn memory_stays_flat_and_good_clients_are_served_under_a_hostile_mix() {
    let seconds: u64 = std::env::var("SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let server = Server::start();
    let address = server.address.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();

    // Invalid requests, as fast as they come: two violations each.
    let to = address.clone();
    clients.push(keep(&stop, move || {
        let status = exchange(&to, "DeregisterTaskFromMaintenanceWindow", br#"{"WindowId": "x", "WindowTaskId": "y"}"#);
        assert!(status == 400 || status == 0, "{status}");
    }));
    // Bodies over the limit, declared so (refused before they are read).
    let to = address.clone();
    clients.push(keep(&stop, move || {
        let status = exchange(&to, "CreateMaintenanceWindow", &vec![b' '; 9 << 20]);
        assert!(status == 413 || status == 0, "{status}");
        thread::sleep(Duration::from_millis(50));
    }));
    // The amplification request: one 2 MiB key over 150 bad values.
    let key = "K".repeat(2 << 20);
    let amplifying = serde_json::to_vec(&serde_json::json!({
        "WindowId": "mw-0c50858d01abcdef0", "TaskArn": "x", "TaskType": "RUN_COMMAND",
        "TaskParameters": { key: {"Values": vec![""; 150]} },
    }))
    .unwrap();
    let to = address.clone();
    clients.push(keep(&stop, move || {
        let status = exchange(&to, "RegisterTaskWithMaintenanceWindow", &amplifying);
        assert!(status == 400 || status == 0, "{status}");
        thread::sleep(Duration::from_millis(100));
    }));
    // Slow clients: heads a byte at a time; idle ones: nothing at all.
    for _ in 0..4 {
        let to = address.clone();
        clients.push(keep(&stop, move || {
            let Ok(mut stream) = TcpStream::connect(&to) else { return };
            for byte in b"POST / HTTP/1.1\r\nHost: x\r\n" {
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
                thread::sleep(Duration::from_millis(100));
            }
        }));
    }
    let idle: Vec<TcpStream> = (0..200).filter_map(|_| TcpStream::connect(&address).ok()).collect();
    // Bodies that never come: 200 heads declaring ten bytes, and two
    // declaring 300 KB (large requests) with one byte sent. They used to
    // take every place in flight, and the one large place, until their
    // 60 s deadline.
    let withheld: Vec<TcpStream> = (0..202)
        .filter_map(|i| {
            let mut stream = TcpStream::connect(&address).ok()?;
            let length = if i < 2 { 300_000 } else { 10 };
            let head = format!(
                "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonSSM.CreateMaintenanceWindow\r\nContent-Length: {length}\r\n\r\n{{"
            );
            stream.write_all(head.as_bytes()).ok()?;
            Some(stream)
        })
        .collect();
    // Clients that send requests and never read the answers: each pipelines
    // requests until the server's writes to it block.
    for _ in 0..4 {
        let to = address.clone();
        clients.push(keep(&stop, move || {
            let Ok(mut stream) = TcpStream::connect(&to) else { return };
            let _ = stream.set_write_timeout(Some(Duration::from_millis(500)));
            let body = br#"{"WindowExecutionId": "b40a588d-32a7-4ea7-9a6b-b4ef436a1b2c", "TaskId": "0c9ac961-dafd-4a94-b6c7-1bef3a1b2c3d"}"#;
            let request = format!(
                "POST / HTTP/1.1\r\nHost: {to}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AmazonSSM.GetMaintenanceWindowExecutionTask\r\nContent-Length: {}\r\n\r\n{}",
                body.len(),
                String::from_utf8_lossy(body)
            );
            while stream.write_all(request.as_bytes()).is_ok() {}
            thread::sleep(Duration::from_secs(1));
        }));
    }
    // A large well-behaved client: a 300 KB request (whitespace in the
    // JSON), timed, which must be answered promptly past the withheld
    // large bodies.
    let to = address.clone();
    let large_latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = large_latencies.clone();
    clients.push(keep(&stop, move || {
        let body = format!(
            r#"{{"Name": "large", "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": true{}}}"#,
            " ".repeat(300_000)
        );
        let sent = Instant::now();
        let status = exchange(&to, "CreateMaintenanceWindow", body.as_bytes());
        // Created, or past SSM's quota of windows.
        assert!(status == 200 || status == 400, "{status}");
        recorded.lock().unwrap().push(sent.elapsed());
        thread::sleep(Duration::from_millis(200));
    }));

    // The well-behaved client, timed; memory sampled as it goes.
    let valid = br#"{"WindowExecutionId": "b40a588d-32a7-4ea7-9a6b-b4ef436a1b2c", "TaskId": "0c9ac961-dafd-4a94-b6c7-1bef3a1b2c3d"}"#;
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut samples = Vec::new();
    let mut next_sample = Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        let sent = Instant::now();
        assert_eq!(exchange(&address, "GetMaintenanceWindowExecutionTask", valid), 200);
        latencies.push(sent.elapsed());
        if Instant::now() >= next_sample {
            samples.push(server.rss_kib());
            next_sample += Duration::from_millis(250);
        }
        thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().expect("a client's answers were as expected");
    }
    drop(idle);
    drop(withheld);

    latencies.sort();
    let median = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];
    // Memory after the first second (buffers warmed up) against the peak
    // since: flat means it does not keep growing.
    let warm = samples[samples.len().min(4) - 1];
    let peak = samples.iter().copied().max().unwrap();
    let mut large = large_latencies.lock().unwrap().clone();
    large.sort();
    let large_median = large[large.len() / 2];
    let large_max = *large.last().unwrap();
    println!(
        "soak {seconds} s: {} good requests, median {median:?}, p99 {p99:?}; {} large (300 KB) requests, median \
         {large_median:?}, max {large_max:?}; RSS {warm} KiB after 1 s, peak {peak} KiB, last {} KiB",
        latencies.len(),
        large.len(),
        samples.last().unwrap()
    );
    assert!(p99 < Duration::from_millis(500), "p99 {p99:?}");
    assert!(large_max < Duration::from_secs(2), "a large request waited {large_max:?}");
    // A few large requests in flight at once may take tens of MiB, but no more.
    assert!(peak < warm + 96 * 1024, "memory grew from {warm} KiB to {peak} KiB");
}
