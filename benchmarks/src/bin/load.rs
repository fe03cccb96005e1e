//! `load HOST:PORT SECONDS CONNECTIONS REQUEST_FILE`: a small HTTP/1.1 load
//! client for the HTTP benchmark (`benches/http.rs`), run as a process of
//! its own so that it does not share the server's core.
//!
//! Each connection sends the request in `REQUEST_FILE` (raw HTTP, head and
//! body) over and over on one kept-alive connection, reading each response
//! whole before the next. At the end it prints one line:
//! `requests=N errors=N seconds=S`, where an error is any response that is
//! not a 200 (or a connection that failed).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [address, seconds, connections, request] = args.as_slice() else {
        eprintln!("usage: load HOST:PORT SECONDS CONNECTIONS REQUEST_FILE");
        return ExitCode::from(2);
    };
    let (Ok(seconds), Ok(connections)) = (seconds.parse::<f64>(), connections.parse::<usize>()) else {
        eprintln!("error: SECONDS is a number and CONNECTIONS a whole number");
        return ExitCode::from(2);
    };
    let request = match std::fs::read(request) {
        Ok(request) => request,
        Err(e) => {
            eprintln!("error: {request}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (address, request) = (address.clone(), request.clone());
            std::thread::spawn(move || drive(&address, &request, deadline))
        })
        .collect();
    let (mut requests, mut errors) = (0u64, 0u64);
    for worker in workers {
        let (ok, failed) = worker.join().unwrap_or((0, 1));
        requests += ok;
        errors += failed;
    }
    println!("requests={requests} errors={errors} seconds={:.3}", started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

/// One connection's reader and writer.
fn connect(address: &str) -> Option<(BufReader<TcpStream>, TcpStream)> {
    let stream = TcpStream::connect(address).ok()?;
    let _ = stream.set_nodelay(true);
    let writer = stream.try_clone().ok()?;
    Some((BufReader::new(stream), writer))
}

/// Sends `request` until `deadline` on one connection (a new one whenever
/// the server closes it, as servers without keep-alive do): (200s, errors).
fn drive(address: &str, request: &[u8], deadline: Instant) -> (u64, u64) {
    let Some((mut reader, mut writer)) = connect(address) else { return (0, 1) };
    let (mut ok, mut errors) = (0, 0);
    let mut line = String::new();
    let mut body = Vec::new();
    while Instant::now() < deadline {
        if writer.write_all(request).is_err() {
            return (ok, errors + 1);
        }
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return (ok, errors + 1);
        }
        let success = line.split(' ').nth(1) == Some("200");
        let mut length = 0usize;
        let mut close = false;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return (ok, errors + 1);
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("connection") && value.trim().eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        }
        body.resize(length, 0);
        if reader.read_exact(&mut body).is_err() {
            return (ok, errors + 1);
        }
        if success {
            ok += 1;
        } else {
            errors += 1;
        }
        if close {
            match connect(address) {
                Some(connection) => (reader, writer) = connection,
                None => return (ok, errors + 1),
            }
        }
    }
    (ok, errors)
}
