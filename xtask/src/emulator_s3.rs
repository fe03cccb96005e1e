//! `cargo xtask emulator-s3`: the release emulator's S3 throughput, in memory
//! and with `--data-dir`, against moto_server's on the same requests (issue
//! 29's budget: at least 100x moto_server in every row). Each request is
//! replayed by `load` (the benchmarks' client, a process of its own) over
//! kept-alive connections, so that the figures compare with the benchmarks'
//! on any machine, wrk or not.

use std::path::Path;
use std::process::Command;

use crate::http::{self, Connection};
use crate::servers::{Server, TempDir, build_release};

/// Connections `load` drives each server over, as the HTTP benchmarks do.
const CONNECTIONS: usize = 4;

/// Keys in the listed bucket: one page of ListObjectsV2's default 1,000.
const LISTED: usize = 1000;

/// The budget: each of the emulator's rates at least this many times
/// moto_server's.
const BUDGET: f64 = 100.0;

/// The headers botocore sends to an emulator (path style, signed with a
/// credential scoped to S3, which neither server checks), but `Host` and
/// `Content-Length`; as `benchmarks/benches/s3_http.rs` sends them.
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

/// A measured request: the row's name, and what `load` sends.
struct Operation {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    /// The body's size (PutObject's; none for the others).
    body: usize,
}

/// The objects got are put by [`prepare`], the listing's keys in a bucket of
/// their own so that it lists exactly 1,000; the puts overwrite keys of
/// their own.
const OPERATIONS: [Operation; 5] = [
    Operation { name: "PutObject 4 KiB", method: "PUT", path: "/bench/put-4k", body: 4 << 10 },
    Operation { name: "PutObject 1 MiB", method: "PUT", path: "/bench/put-1m", body: 1 << 20 },
    Operation { name: "GetObject 4 KiB", method: "GET", path: "/bench/4k", body: 0 },
    Operation { name: "GetObject 1 MiB", method: "GET", path: "/bench/1m", body: 0 },
    Operation { name: "ListObjectsV2 of 1,000 keys", method: "GET", path: "/listing?list-type=2", body: 0 },
];

/// One measured figure: 200s per second, and the responses that were not
/// 200s (a row's are added up over its runs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Cell {
    pub(crate) rate: f64,
    pub(crate) failed: u64,
}

/// Builds the release emulator and `load`, starts the three servers, and
/// measures every operation on each, the servers alternating in each of
/// `runs` rounds of `seconds` per operation: the Markdown table.
pub fn emulator_s3(root: &Path, seconds: f64, runs: usize) -> Result<String, String> {
    build_release(root, &["-p", "emulator"])?;
    build_release(root, &["-p", "benchmarks", "--bin", "load"])?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let (binary, load) = (target.join("release/emulator"), target.join("release/load"));
    let data_dir = TempDir::new("xtask-emulator-s3")?;
    let memory = Server::emulator(&binary, &["--services", "s3"])?;
    let on_disk = Server::emulator(&binary, &["--services", "s3", "--data-dir", data_dir.arg()])?;
    let moto = Server::moto();
    let mut servers = vec![("emulator in memory", &memory), ("emulator --data-dir", &on_disk)];
    match &moto {
        Some(moto) => servers.push(("moto_server", moto)),
        None => eprintln!("moto_server is not installed (pip install 'moto[server]'): skipped"),
    }
    for (name, server) in &servers {
        // The process to attach a profiler to (`strace -c -f -p PID`).
        eprintln!("{name}: pid {} at {}", server.pid(), server.address);
        prepare(&server.address).map_err(|e| format!("{name}: {e}"))?;
    }
    let mut samples = vec![vec![Vec::new(); OPERATIONS.len()]; servers.len()];
    for round in 1..=runs {
        for (s, (name, server)) in servers.iter().enumerate() {
            for (o, operation) in OPERATIONS.iter().enumerate() {
                let body = vec![b'x'; operation.body];
                let request = http::request(&server.address, operation.method, operation.path, &HEADERS, &body);
                let cell = drive(&load, &server.address, &request, seconds)?;
                eprintln!(
                    "round {round}/{runs}: {name}, {}: {:.1}/s, {} failed",
                    operation.name, cell.rate, cell.failed
                );
                samples[s][o].push(cell);
            }
        }
    }
    let columns: Vec<Vec<Cell>> =
        samples.iter().map(|column| column.iter().map(|runs| median(runs)).collect()).collect();
    let mut report = format!(
        "S3 over HTTP/1.1 on loopback, {CONNECTIONS} connections from `load`, median of {runs} x {seconds} s, the \
         servers alternating in each round; requests/s (200s only; the responses that were not 200s, added up over \
         the runs, in brackets)\n\n"
    );
    let names = OPERATIONS.map(|operation| operation.name);
    let moto_column: Option<Vec<Option<Cell>>> =
        columns.get(2).map(|column| column.iter().copied().map(Some).collect());
    report.push_str(&table(&names, &columns[0], &columns[1], moto_column.as_deref()));
    if moto.is_none() {
        report.push_str("\nmoto_server is not installed (pip install 'moto[server]'): skipped\n");
    }
    Ok(report)
}

/// Makes the buckets and objects the operations read, and checks that the
/// listing holds 1,000 keys in one page.
fn prepare(address: &str) -> Result<(), String> {
    let mut connection = Connection::new(address);
    let mut put = |path: &str, body: &[u8]| -> Result<(), String> {
        let response = connection
            .send(&http::request(address, "PUT", path, &HEADERS, body))
            .map_err(|e| format!("PUT {path}: {e}"))?;
        match response.status {
            200 => Ok(()),
            status => Err(format!("PUT {path}: {status} {}", response.text())),
        }
    };
    put("/bench", b"")?;
    put("/listing", b"")?;
    put("/bench/4k", &[b'x'; 4 << 10])?;
    put("/bench/1m", &vec![b'x'; 1 << 20])?;
    for key in 0..LISTED {
        put(&format!("/listing/list/{key:05}"), b"listed")?;
    }
    let listing = Connection::new(address)
        .send(&http::request(address, "GET", "/listing?list-type=2", &HEADERS, b""))
        .map_err(|e| format!("ListObjectsV2: {e}"))?;
    let text = listing.text();
    if listing.status != 200 || !text.contains("<KeyCount>1000</KeyCount>") || text.contains("<IsTruncated>true") {
        return Err(format!("ListObjectsV2 did not list the 1,000 keys in one page: {} {text:.300}", listing.status));
    }
    Ok(())
}

/// Runs `load` against `address` for `seconds`, replaying `request`.
pub(crate) fn drive(load: &Path, address: &str, request: &[u8], seconds: f64) -> Result<Cell, String> {
    let file = std::env::temp_dir().join(format!("xtask-emulator-s3-request-{}", std::process::id()));
    std::fs::write(&file, request).map_err(|e| format!("{}: {e}", file.display()))?;
    let output = Command::new(load)
        .args([address, &seconds.to_string(), &CONNECTIONS.to_string()])
        .arg(&file)
        .output()
        .map_err(|e| format!("{}: {e}", load.display()));
    let _ = std::fs::remove_file(&file);
    let output = output?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_load(&text).ok_or_else(|| format!("load printed {text:?} {}", String::from_utf8_lossy(&output.stderr)))
}

/// `requests=N errors=N seconds=S`, as `load` prints it.
fn parse_load(text: &str) -> Option<Cell> {
    let field = |key: &str| text.split_whitespace().find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='));
    let requests: u64 = field("requests")?.parse().ok()?;
    let failed: u64 = field("errors")?.parse().ok()?;
    let seconds: f64 = field("seconds")?.parse().ok()?;
    (seconds > 0.0).then(|| Cell { rate: requests as f64 / seconds, failed })
}

/// The median rate of a row's runs, and all their failures.
pub(crate) fn median(runs: &[Cell]) -> Cell {
    let mut rates: Vec<f64> = runs.iter().map(|cell| cell.rate).collect();
    rates.sort_by(f64::total_cmp);
    Cell { rate: rates.get(rates.len() / 2).copied().unwrap_or(0.0), failed: runs.iter().map(|cell| cell.failed).sum() }
}

/// A rate as people read it: thousands separated, a decimal under 100.
fn rate(rate: f64) -> String {
    if rate < 100.0 {
        return format!("{rate:.1}");
    }
    let digits = format!("{rate:.0}");
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

fn cell(cell: &Cell) -> String {
    match cell.failed {
        0 => rate(cell.rate),
        failed => format!("{} ({failed} failed)", rate(cell.rate)),
    }
}

fn ratio(ours: f64, moto: f64) -> String {
    match ours / moto {
        ratio if !ratio.is_finite() => "-".to_string(),
        ratio if ratio < 10.0 => format!("{ratio:.1}x"),
        ratio => format!("{ratio:.0}x"),
    }
}

/// The Markdown table: a row per operation (`names`), a column per server,
/// and the emulator's ratios to moto_server, with the rows under budget
/// named.
/// The table of `names`' rates in memory, with `--data-dir` and on
/// moto_server (`None` if it is not installed; a row's `None` if moto_server
/// was not measured for it), with the ratios and what missed the budget.
pub(crate) fn table(names: &[&str], memory: &[Cell], data_dir: &[Cell], moto: Option<&[Option<Cell>]>) -> String {
    let mut table = String::from(
        "| operation | emulator in memory | emulator --data-dir | moto_server | memory / moto | data-dir / moto |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let mut missed = Vec::new();
    for (o, name) in names.iter().enumerate() {
        let (ours, on_disk) = (&memory[o], &data_dir[o]);
        let (moto_cell, ratios) = match moto.map(|moto| moto[o]) {
            Some(Some(moto)) => {
                for (column, figure) in [("in memory", ours), ("--data-dir", on_disk)] {
                    if figure.rate < BUDGET * moto.rate {
                        missed.push(format!("{name} {column}"));
                    }
                }
                (cell(&moto), format!("{} | {}", ratio(ours.rate, moto.rate), ratio(on_disk.rate, moto.rate)))
            }
            Some(None) => ("not measured".to_string(), "- | -".to_string()),
            None => ("skipped".to_string(), "- | -".to_string()),
        };
        table.push_str(&format!("| {name} | {} | {} | {moto_cell} | {ratios} |\n", cell(ours), cell(on_disk)));
    }
    match (moto, missed.is_empty()) {
        (None, _) => {}
        (Some(_), true) => table.push_str(&format!("\nBudget {BUDGET:.0}x moto_server: met in every row.\n")),
        (Some(_), false) => {
            table.push_str(&format!("\nBudget {BUDGET:.0}x moto_server: missed for {}.\n", missed.join(", ")))
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_output_is_read() {
        let cell = parse_load("requests=3000 errors=2 seconds=3.000\n").unwrap();
        assert_eq!(cell, Cell { rate: 1000.0, failed: 2 });
        assert_eq!(parse_load("usage: load"), None);
    }

    #[test]
    fn rows_are_medians_with_every_failure_counted() {
        let runs = [5.0, 1.0, 3.0].map(|rate| Cell { rate, failed: 1 });
        assert_eq!(median(&runs), Cell { rate: 3.0, failed: 3 });
        assert_eq!((rate(1234567.4), rate(999.5), rate(38.44)), ("1,234,567".into(), "1,000".into(), "38.4".into()));
    }

    #[test]
    fn the_table_has_ratios_and_names_the_rows_under_budget() {
        let column = |rate| [Cell { rate, failed: 0 }; 5];
        let mut moto = [Some(Cell { rate: 100.0, failed: 7 }); 5];
        let names = OPERATIONS.map(|operation| operation.name);
        let text = table(&names, &column(20_000.0), &column(500.0), Some(&moto));
        assert!(text.contains("| PutObject 4 KiB | 20,000 | 500 | 100 (7 failed) | 200x | 5.0x |"), "{text}");
        assert!(text.contains("missed for PutObject 4 KiB --data-dir, PutObject 1 MiB --data-dir"), "{text}");
        assert!(!text.contains("in memory,"), "{text}");
        moto[3] = None;
        let text = table(&names, &column(20_000.0), &column(500.0), Some(&moto));
        assert!(text.contains("| GetObject 1 MiB | 20,000 | 500 | not measured | - | - |"), "{text}");
        let text = table(&names, &column(1.0), &column(1.0), None);
        assert!(text.contains("| ListObjectsV2 of 1,000 keys | 1.0 | 1.0 | skipped | - | - |"), "{text}");
    }
}
