//! What the benchmarks in `benches/` share: the request and response bodies
//! they read (see `fixtures/README.md` for where each comes from), and the
//! HTTP benches' servers and driver ([`harness`]).

/// A valid GetMaintenanceWindowExecutionTask request.
pub const GET_TASK: &[u8] = include_bytes!("../fixtures/GetMaintenanceWindowExecutionTask.request.json");
/// The seed page's GetMaintenanceWindowExecutionTask request, as printed: invalid.
pub const GET_TASK_INVALID: &[u8] =
    include_bytes!("../fixtures/GetMaintenanceWindowExecutionTask.invalid-request.json");
/// A valid DeregisterTaskFromMaintenanceWindow request.
pub const DEREGISTER: &[u8] = include_bytes!("../fixtures/DeregisterTaskFromMaintenanceWindow.request.json");
/// The seed page's DeregisterTaskFromMaintenanceWindow request, as printed: invalid.
pub const DEREGISTER_INVALID: &[u8] =
    include_bytes!("../fixtures/DeregisterTaskFromMaintenanceWindow.invalid-request.json");
/// The seed page's GetMaintenanceWindowExecutionTask response, made valid.
pub const GET_TASK_RESPONSE: &[u8] = include_bytes!("../fixtures/GetMaintenanceWindowExecutionTask.response.json");

/// What the HTTP benches share: moto_server, and driving a server with
/// `load` or wrk.
pub mod harness {
    use std::future::Future;
    use std::net::{SocketAddr, TcpListener as StdListener, TcpStream};
    use std::pin::Pin;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// moto_server on a free port, if it is installed.
    pub struct Moto {
        child: Child,
        pub address: SocketAddr,
    }

    impl Moto {
        pub fn start() -> Option<Moto> {
            let port = StdListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
            let child = Command::new("moto_server")
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let address: SocketAddr = format!("127.0.0.1:{port}").parse().ok()?;
            let mut moto = Moto { child, address };
            let deadline = Instant::now() + Duration::from_secs(30);
            while TcpStream::connect(address).is_err() {
                if Instant::now() > deadline || moto.child.try_wait().ok().flatten().is_some() {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Some(moto)
        }
    }

    impl Drop for Moto {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// Drives the server at `address` with `load` (this crate's binary, at
    /// `load`) for `seconds`, sending `request` over `connections` connections:
    /// requests per second. Every response must be a 200.
    pub fn drive(load: &str, name: &str, address: SocketAddr, request: &[u8], seconds: f64, connections: usize) -> f64 {
        let (rate, errors) = drive_counting(load, name, address, request, seconds, connections);
        assert_eq!(errors, 0.0, "{name}: {errors} requests failed");
        rate
    }

    /// [`drive`], where some responses may fail: 200s per second, and how
    /// many failed.
    pub fn drive_counting(
        load: &str,
        name: &str,
        address: SocketAddr,
        request: &[u8],
        seconds: f64,
        connections: usize,
    ) -> (f64, f64) {
        let file = std::env::temp_dir().join(format!("awsgen-bench-request-{}-{name}", std::process::id()));
        std::fs::write(&file, request).unwrap();
        let output = Command::new(load)
            .args([&address.to_string(), &seconds.to_string(), &connections.to_string()])
            .arg(&file)
            .output()
            .expect("the load client runs");
        let _ = std::fs::remove_file(&file);
        let text = String::from_utf8_lossy(&output.stdout);
        let field = |key: &str| -> f64 {
            text.split_whitespace()
                .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
                .unwrap_or_else(|| panic!("{name}: no {key} in {text:?} {}", String::from_utf8_lossy(&output.stderr)))
        };
        let (requests, errors, elapsed) = (field("requests"), field("errors"), field("seconds"));
        assert!(requests > 0.0, "{name}: no request answered: {text}");
        (requests / elapsed, errors)
    }

    /// Whether wrk is installed (`apt install wrk`): a client quick enough
    /// to saturate the servers, which `load` is not.
    pub fn has_wrk() -> bool {
        Command::new("wrk").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
    }

    /// A request as wrk sends it: its method, path, headers (wrk adds
    /// `Host` and `Content-Length`) and body.
    pub struct WrkRequest<'a> {
        pub method: &'a str,
        pub path: &'a str,
        pub headers: &'a [(&'a str, &'a str)],
        pub body: &'a [u8],
    }

    /// Drives the server at `address` with wrk for `seconds`, one thread and
    /// `connections` connections, sending `request`: the 2xx responses per
    /// second, and how many responses were not 2xx.
    pub fn drive_wrk_counting(
        name: &str,
        address: SocketAddr,
        request: &WrkRequest<'_>,
        seconds: f64,
        connections: usize,
    ) -> (f64, f64) {
        let lua = |text: &str| format!("{text:?}");
        let mut script = format!("wrk.method = {}\nwrk.path = {}\n", lua(request.method), lua(request.path));
        // The body as Lua bytes: `\ddd` escapes, whatever it holds.
        let body: String = request.body.iter().map(|b| format!("\\{b}")).collect();
        script.push_str(&format!("wrk.body = \"{body}\"\n"));
        for (name, value) in request.headers {
            script.push_str(&format!("wrk.headers[{}] = {}\n", lua(name), lua(value)));
        }
        let file = std::env::temp_dir().join(format!("awsgen-bench-wrk-{}-{name}.lua", std::process::id()));
        std::fs::write(&file, script).unwrap();
        let output = Command::new("wrk")
            .args(["-t1", &format!("-c{connections}"), &format!("-d{}s", seconds.ceil() as u64), "-s"])
            .arg(&file)
            .arg(format!("http://{address}/"))
            .output()
            .expect("wrk runs");
        let _ = std::fs::remove_file(&file);
        let text = String::from_utf8_lossy(&output.stdout);
        let number = |line: &str| line.split_whitespace().next().and_then(|n| n.parse::<f64>().ok());
        let total = text.lines().find(|line| line.contains("requests in")).and_then(number);
        let elapsed = text.lines().find_map(|line| {
            let after = line.split("requests in ").nth(1)?;
            after.split(',').next()?.trim().strip_suffix('s')?.parse::<f64>().ok()
        });
        let (Some(total), Some(elapsed)) = (total, elapsed) else {
            panic!("{name}: no count in {text:?} {}", String::from_utf8_lossy(&output.stderr))
        };
        let failed = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("Non-2xx or 3xx responses:")?.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        ((total - failed) / elapsed, failed)
    }

    /// The future a [`OneCore`] server stops at.
    pub type Stopped = Pin<Box<dyn Future<Output = ()> + Send>>;

    /// A server on one core (a current-thread runtime on a thread of its
    /// own), until dropped.
    pub struct OneCore {
        pub address: SocketAddr,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    impl OneCore {
        /// Runs `serve` on a loopback listener of a free port, with the
        /// future that completes when the server is dropped.
        pub fn start<F, S>(serve: F) -> OneCore
        where
            F: FnOnce(tokio::net::TcpListener, Stopped) -> S + Send + 'static,
            S: Future<Output = ()>,
        {
            let listener = StdListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let address = listener.local_addr().unwrap();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let thread = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    serve(listener, Box::pin(async { drop(stopped.await) })).await;
                });
            });
            OneCore { address, stop: Some(stop), thread: Some(thread) }
        }
    }

    impl Drop for OneCore {
        fn drop(&mut self) {
            drop(self.stop.take());
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
