//! `cargo run -p lambda-server -- --port 9001`: AWS Lambda's function,
//! alias, tag and invoke operations (a slice of AWS's restJson1 model,
//! `examples/lambda/specs`), in memory, on loopback. Functions echo the
//! event they are invoked with.

mod store;

use std::collections::BTreeMap;
use std::process::ExitCode;

use lambda_generated::lambda::service::AwsGirApiServiceRouter;
use lambda_generated::runtime::http::AllowedHosts;
use lambda_generated::runtime::server::{ServerConfig, serve, shutdown_signal};
use lambda_generated::runtime::sigv4::SigV4Layer;
use tokio::net::TcpListener;

const USAGE: &str = "\
usage: lambda-server [--port PORT] [--host HOST] [--credentials KEY_ID:SECRET ...]
                     [--allow-host NAME ...]

  --port PORT        the port to listen on (default 9001; 0 picks a free one)
  --host HOST        the address to listen on (default 127.0.0.1)
  --credentials KEY_ID:SECRET
                     verify requests' SigV4 signatures, accepting this access key
                     (repeatable) with credentials scoped to us-east-1, the region
                     its ARNs name; without it, any caller is accepted, and only
                     requests for loopback hosts are answered
  --allow-host NAME  without --credentials, answer requests for this host name
                     or address too (repeatable)

Prints `lambda-server listening on http://<address>`, then serves until SIGINT
(Ctrl-C) or SIGTERM.";

fn main() -> ExitCode {
    let mut port = "9001".to_string();
    let mut host = "127.0.0.1".to_string();
    let mut hosts = AllowedHosts::loopback();
    let mut credentials = BTreeMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(value)) => port = value,
            ("--host", Some(value)) => host = value,
            ("--allow-host", Some(value)) => hosts = hosts.and(&value),
            ("--credentials", Some(pair)) => match pair.split_once(':') {
                Some((key, secret)) if !key.is_empty() && !secret.is_empty() => {
                    credentials.insert(key.to_string(), secret.to_string());
                }
                _ => {
                    eprintln!("error: --credentials takes ACCESS_KEY_ID:SECRET, not {pair:?}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(&host, &port, hosts, credentials))
}

async fn run(host: &str, port: &str, hosts: AllowedHosts, credentials: BTreeMap<String, String>) -> ExitCode {
    let listener = match TcpListener::bind(format!("{host}:{port}")).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {host}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // SIGINT and SIGTERM stop it once the requests in flight are answered;
    // the handlers are in place before the address is printed.
    let shutdown = match shutdown_signal() {
        Ok(shutdown) => shutdown,
        Err(e) => {
            eprintln!("error: cannot handle signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(address) => println!("lambda-server listening on http://{address}"),
        Err(e) => {
            eprintln!("error: the listening address: {e}");
            return ExitCode::FAILURE;
        }
    }
    let router = AwsGirApiServiceRouter::new(store::InMemoryLambda::default());
    let served = if credentials.is_empty() {
        // It authenticates no one, so it answers loopback host names (and
        // the --allow-host names) only: no web page can reach it through
        // DNS rebinding.
        eprintln!(
            "accepting any caller: requests are not authenticated (--credentials turns SigV4 on); \
             answering requests for loopback hosts only (--allow-host adds others)"
        );
        let config = ServerConfig { allowed_hosts: Some(hosts), ..ServerConfig::default() };
        serve(router, listener, config, shutdown).await
    } else {
        eprintln!("verifying SigV4 signatures for {} access key(s)", credentials.len());
        // Its ARNs name us-east-1: credentials must be scoped to it, as an
        // AWS endpoint holds them to its own region.
        let verified = tower_layer::Layer::layer(&SigV4Layer::new(credentials).region(store::REGION), router);
        serve(verified, listener, ServerConfig::default(), shutdown).await
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
