//! `cargo xtask emulator-startup`: how long the release emulator takes from
//! being started to its first answer (a health check), and how much memory
//! it holds once idle, in memory and with `--data-dir` (issue 29's budgets:
//! under 100 ms, under 30 MB).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One start: the time to the first answer, and the resident memory a
/// second later (in KiB, from `/proc`).
fn once(binary: &Path, args: &[&str]) -> Result<(Duration, u64), String> {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line).map_err(|e| e.to_string())?;
    let address = line.trim().strip_prefix("emulator listening on http://").ok_or(line.clone())?.to_string();
    loop {
        if let Ok(mut stream) = TcpStream::connect(&address) {
            let request = format!("GET /_emulator/health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let answered = stream.write_all(request.as_bytes()).is_ok() && stream.read_to_string(&mut answer).is_ok();
            if answered && answer.starts_with("HTTP/1.1 200") {
                break;
            }
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            return Err("no answer within 10 s".to_string());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let first_answer = started.elapsed();
    std::thread::sleep(Duration::from_secs(1));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();
    Ok((first_answer, rss))
}

/// Builds the release emulator and starts it `runs` times each way.
pub fn emulator_startup(root: &Path, runs: usize) -> Result<String, String> {
    let built = Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "emulator"])
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !built.success() {
        return Err("cargo build --release -p emulator failed".to_string());
    }
    let binary = root.join("target/release/emulator");
    let data_dir = std::env::temp_dir().join(format!("emulator-startup-{}", std::process::id()));
    let mut report = String::new();
    for (label, args) in [("in memory", vec![]), ("--data-dir", vec!["--data-dir", data_dir.to_str().unwrap_or(".")])] {
        let mut times = Vec::new();
        let mut memory = Vec::new();
        for _ in 0..runs {
            let (time, rss) = once(&binary, &args)?;
            times.push(time);
            memory.push(rss);
        }
        times.sort();
        memory.sort();
        let (time, rss) = (times[runs / 2], memory[runs / 2]);
        report.push_str(&format!(
            "{label}: first answer {:.1} ms (median of {runs}; {:.1} to {:.1}), idle RSS {:.1} MiB\n",
            time.as_secs_f64() * 1000.0,
            times[0].as_secs_f64() * 1000.0,
            times[runs - 1].as_secs_f64() * 1000.0,
            rss as f64 / 1024.0,
        ));
    }
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(report)
}
