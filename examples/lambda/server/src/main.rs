//! `cargo run -p lambda-server -- --port 9001`: AWS Lambda's function,
//! alias, tag and invoke operations (a slice of AWS's restJson1 model,
//! `examples/lambda/specs`), in memory, on loopback. Functions echo the
//! event they are invoked with.

mod store;

use std::process::ExitCode;

use lambda_generated::lambda::service::AwsGirApiServiceRouter;
use lambda_generated::runtime::http::AllowedHosts;
use lambda_generated::runtime::server::{ServerConfig, serve};
use tokio::net::TcpListener;

const USAGE: &str = "\
usage: lambda-server [--port PORT] [--host HOST] [--allow-host NAME ...]

  --port PORT        the port to listen on (default 9001; 0 picks a free one)
  --host HOST        the address to listen on (default 127.0.0.1)
  --allow-host NAME  answer requests for this host name or address too
                     (repeatable); requests are not authenticated, so only
                     loopback hosts are answered otherwise

Prints `lambda-server listening on http://<address>`, then serves until Ctrl-C.";

fn main() -> ExitCode {
    let mut port = "9001".to_string();
    let mut host = "127.0.0.1".to_string();
    let mut hosts = AllowedHosts::loopback();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(value)) => port = value,
            ("--host", Some(value)) => host = value,
            ("--allow-host", Some(value)) => hosts = hosts.and(&value),
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
    runtime.block_on(run(&host, &port, hosts))
}

async fn run(host: &str, port: &str, hosts: AllowedHosts) -> ExitCode {
    let listener = match TcpListener::bind(format!("{host}:{port}")).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {host}:{port}: {e}");
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
    // It authenticates no one, so it answers loopback host names (and
    // those --allow-host names) only: no web page can reach it through
    // DNS rebinding.
    let config = ServerConfig { allowed_hosts: Some(hosts), ..ServerConfig::default() };
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match serve(AwsGirApiServiceRouter::new(store::InMemoryLambda::default()), listener, config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
