//! The servers the emulator's measurements run: the release emulator and
//! moto_server, each a child process on a free loopback port, killed when
//! dropped so that a failed measurement leaves nothing running.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::{self, Connection};

/// `cargo build --release ARGS` in the workspace at `root`.
pub fn build_release(root: &Path, args: &[&str]) -> Result<(), String> {
    let built = Command::new(env!("CARGO"))
        .args(["build", "--release"])
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !built.success() {
        return Err(format!("cargo build --release {} failed", args.join(" ")));
    }
    Ok(())
}

/// A server process and the `HOST:PORT` it listens on.
pub struct Server {
    child: Child,
    pub address: String,
}

impl Server {
    /// The emulator at `binary`, started with `--port 0` and `args`, once
    /// its health check answers.
    pub fn emulator(binary: &Path, args: &[&str]) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
        let Some(address) = line.trim().strip_prefix("emulator listening on http://") else {
            let _ = child.kill();
            return Err(format!("the emulator printed {line:?}"));
        };
        let server = Server { address: address.to_string(), child };
        let deadline = Instant::now() + Duration::from_secs(10);
        let health = http::request(&server.address, "GET", "/_emulator/health", &[], b"");
        while Connection::new(&server.address).send(&health).ok().map(|r| r.status) != Some(200) {
            if Instant::now() > deadline {
                return Err("the emulator's health check did not answer 200 within 10 s".to_string());
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(server)
    }

    /// moto_server on a free port, once it accepts connections; `None` if it
    /// is not installed or does not start.
    pub fn moto() -> Option<Server> {
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut server = Server { child, address: format!("127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&server.address).is_err() {
            if Instant::now() > deadline || server.child.try_wait().ok().flatten().is_some() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }

    /// Its resident memory in KiB, if Linux tells: all of it (`VmRSS`), and
    /// the anonymous part (`RssAnon`: heap and stacks, without the pages of
    /// the binary's code, which grow as more of its code runs).
    pub fn rss_kib(&self) -> Option<Rss> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let field = |name: &str| -> Option<u64> {
            let value = status.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))?;
            value.trim().trim_end_matches("kB").trim().parse().ok()
        };
        Some(Rss { total: field("VmRSS")?, anonymous: field("RssAnon")? })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory, in KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rss {
    pub total: u64,
    pub anonymous: u64,
}

/// A fresh directory under the system's temporary one, removed when
/// dropped: the emulator's `--data-dir`.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Result<TempDir, String> {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }

    pub fn arg(&self) -> &str {
        self.0.to_str().unwrap_or(".")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
