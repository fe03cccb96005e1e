//! What every example server shares: its command line's common flags
//! (`--port`, `--host`, `--allow-host`, and for servers that verify
//! signatures `--credentials` and `--region`), and serving a router on
//! them, plainly (it authenticates no one, so it answers loopback hosts and
//! the `--allow-host` names only: no web page can reach it through DNS
//! rebinding) or behind the SigV4 layer.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::ffi::OsString;
use std::process::ExitCode;

use awsgen_runtime::ByteStream;
use awsgen_runtime::http::{AllowedHosts, HttpResponse};
use awsgen_runtime::server::{RequestBody, ServerConfig, serve, shutdown_signal};
use awsgen_runtime::sigv4::SigV4Layer;
use tokio::net::TcpListener;

/// How a server is started: the common flags' values.
#[derive(Clone, Debug)]
pub struct Options {
    pub port: String,
    pub host: String,
    pub allowed_hosts: AllowedHosts,
    /// Access key ids and secrets: SigV4 is verified when there are any.
    pub credentials: BTreeMap<String, String>,
    /// The region SigV4 credentials must be scoped to, if one.
    pub region: Option<String>,
    /// Whether the server takes `--credentials` (set by
    /// [`CommandLine::parse`]), which its start-up message mentions.
    pub sigv4_flag: bool,
}

impl Options {
    /// Listening on loopback at `port`, answering loopback hosts, no SigV4.
    pub fn on_port(port: u16) -> Self {
        Options {
            port: port.to_string(),
            host: "127.0.0.1".to_string(),
            allowed_hosts: AllowedHosts::loopback(),
            credentials: BTreeMap::new(),
            region: None,
            sigv4_flag: false,
        }
    }
}

pub use lexopt;

/// The value of the flag `parser` has just read, as text.
pub fn value(parser: &mut lexopt::Parser) -> Result<String, String> {
    use lexopt::ValueExt as _;
    parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())
}

/// What a server's command line takes.
pub struct CommandLine<'a> {
    pub usage: &'a str,
    /// Whether it takes `--credentials` and `--region`.
    pub sigv4: bool,
}

impl CommandLine<'_> {
    /// Reads `args` (without the program's name) over `options`: the common
    /// flags here, any other by `other`, which reads its value from the
    /// parser and says whether it knew the flag. On a mistake, prints it
    /// with the usage and gives the exit code (2).
    pub fn parse(
        &self,
        args: impl IntoIterator<Item = OsString>,
        mut options: Options,
        mut other: impl FnMut(&str, &mut lexopt::Parser) -> Result<bool, String>,
    ) -> Result<Options, ExitCode> {
        options.sigv4_flag = self.sigv4;
        let mut parser = lexopt::Parser::from_iter(std::iter::once(OsString::new()).chain(args));
        let mut read = || -> Result<(), String> {
            use lexopt::prelude::*;
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                let flag = match &arg {
                    Long(flag) => flag.to_string(),
                    _ => return Err(arg.unexpected().to_string()),
                };
                let mut value = || value(&mut parser);
                match flag.as_str() {
                    "port" => options.port = value()?,
                    "host" => options.host = value()?,
                    "allow-host" => options.allowed_hosts = options.allowed_hosts.clone().and(&value()?),
                    "credentials" if self.sigv4 => match value()?.split_once(':') {
                        Some((key, secret)) if !key.is_empty() && !secret.is_empty() => {
                            options.credentials.insert(key.to_string(), secret.to_string());
                        }
                        _ => return Err("--credentials takes ACCESS_KEY_ID:SECRET".to_string()),
                    },
                    "region" if self.sigv4 => options.region = Some(value()?),
                    flag if other(flag, &mut parser)? => {}
                    flag => return Err(format!("unknown option `--{flag}`")),
                }
            }
            Ok(())
        };
        match read() {
            Ok(()) => Ok(options),
            Err(message) => {
                eprintln!("error: {message}\n\n{}", self.usage);
                Err(ExitCode::from(2))
            }
        }
    }
}

/// Serves the router `make` builds (given the server's URL) on a new
/// tokio runtime until SIGINT or SIGTERM, once the requests in flight are
/// answered. Prints `<name> listening on http://<address>` when it is
/// ready (the signal handlers are in place by then).
pub fn run<R>(name: &str, options: Options, make: impl FnOnce(&str) -> R) -> ExitCode
where
    R: tower_service::Service<http::Request<RequestBody>, Response = HttpResponse, Error = Infallible>
        + tower_service::Service<http::Request<ByteStream>, Response = HttpResponse, Error = Infallible>
        + Clone
        + Send
        + 'static,
    <R as tower_service::Service<http::Request<RequestBody>>>::Future: Send + 'static,
    <R as tower_service::Service<http::Request<ByteStream>>>::Future: Send + 'static,
{
    run_announced(name, options, make, |_| {})
}

/// [`run`], calling `announce` with the server's URL once it is listening,
/// right after the `listening on` line: what else the server says then.
pub fn run_announced<R>(
    name: &str,
    options: Options,
    make: impl FnOnce(&str) -> R,
    announce: impl FnOnce(&str),
) -> ExitCode
where
    R: tower_service::Service<http::Request<RequestBody>, Response = HttpResponse, Error = Infallible>
        + tower_service::Service<http::Request<ByteStream>, Response = HttpResponse, Error = Infallible>
        + Clone
        + Send
        + 'static,
    <R as tower_service::Service<http::Request<RequestBody>>>::Future: Send + 'static,
    <R as tower_service::Service<http::Request<ByteStream>>>::Future: Send + 'static,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let (host, port) = (&options.host, &options.port);
        let listener = match TcpListener::bind(format!("{host}:{port}")).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("error: cannot listen on {host}:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let shutdown = match shutdown_signal() {
            Ok(shutdown) => shutdown,
            Err(e) => {
                eprintln!("error: cannot handle signals: {e}");
                return ExitCode::FAILURE;
            }
        };
        let url = match listener.local_addr() {
            Ok(address) => format!("http://{address}"),
            Err(e) => {
                eprintln!("error: the listening address: {e}");
                return ExitCode::FAILURE;
            }
        };
        let router = make(&url);
        println!("{name} listening on {url}");
        announce(&url);
        let served = if options.credentials.is_empty() {
            let sigv4 = if options.sigv4_flag { " (--credentials turns SigV4 on)" } else { "" };
            eprintln!(
                "accepting any caller: requests are not authenticated{sigv4}; answering requests for loopback hosts \
                 only (--allow-host adds others)"
            );
            let config = ServerConfig { allowed_hosts: Some(options.allowed_hosts), ..ServerConfig::default() };
            serve(router, listener, config, shutdown).await
        } else {
            eprintln!("verifying SigV4 signatures for {} access key(s)", options.credentials.len());
            let mut layer = SigV4Layer::new(options.credentials);
            if let Some(region) = options.region {
                layer = layer.region(region);
            }
            serve(tower_layer::Layer::layer(&layer, router), listener, ServerConfig::default(), shutdown).await
        };
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
