//! `cargo run -p ssm-server -- --port 4566`: an AWS Systems Manager server
//! on loopback for the maintenance-window task life cycle, in memory.

mod store;

use std::collections::BTreeMap;
use std::process::ExitCode;

use generated::runtime::http::AllowedHosts;
use generated::runtime::server::{ServerConfig, serve, shutdown_signal};
use generated::runtime::sigv4::SigV4Layer;
use generated::ssm::service::AmazonSsmRouter;
use tokio::net::TcpListener;

const USAGE: &str = "\
usage: ssm-server [--port PORT] [--host HOST] [--executions FILE] [--credentials KEY_ID:SECRET ...]
                  [--region REGION] [--allow-host NAME ...]

  --port PORT        the port to listen on (default 4566; 0 picks a free one)
  --host HOST        the address to listen on (default 127.0.0.1)
  --executions FILE  a JSON list of GetMaintenanceWindowExecutionTask responses to
                     serve (default: fixtures/executions.json, built in)
  --credentials KEY_ID:SECRET
                     verify requests' SigV4 signatures, accepting this access key
                     (repeatable); without it, any caller is accepted, and only
                     requests for loopback hosts are answered (no web page can
                     call the server through DNS rebinding)
  --region REGION    with --credentials, the region credentials must be scoped
                     to, as an AWS endpoint's own (default us-east-1)
  --allow-host NAME  without --credentials, answer requests for this host name
                     or address too (repeatable)
  --max-windows N    maintenance windows the account may have (default 50,
                     AWS's quota); past it, ResourceLimitExceededException
  --max-tasks-per-window N
                     tasks a window may have (default 20, AWS's quota)";

const DEFAULT_EXECUTIONS: &str = include_str!("../fixtures/executions.json");

fn main() -> ExitCode {
    let mut port = "4566".to_string();
    let mut host = "127.0.0.1".to_string();
    let mut executions = DEFAULT_EXECUTIONS.to_string();
    let mut credentials = BTreeMap::new();
    let mut hosts = AllowedHosts::loopback();
    let mut quotas = store::Quotas::default();
    let mut region = "us-east-1".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--port", Some(value)) => port = value,
            ("--host", Some(value)) => host = value,
            ("--allow-host", Some(value)) => hosts = hosts.and(&value),
            ("--region", Some(value)) => region = value,
            ("--max-windows" | "--max-tasks-per-window", Some(value)) => {
                let Ok(n) = value.parse::<usize>() else {
                    eprintln!("error: {arg} takes a number, not {value:?}");
                    return ExitCode::from(2);
                };
                match arg.as_str() {
                    "--max-windows" => quotas.windows = n,
                    _ => quotas.tasks_per_window = n,
                }
            }
            ("--credentials", Some(pair)) => match pair.split_once(':') {
                Some((key, secret)) if !key.is_empty() && !secret.is_empty() => {
                    credentials.insert(key.to_string(), secret.to_string());
                }
                _ => {
                    eprintln!("error: --credentials takes ACCESS_KEY_ID:SECRET, not {pair:?}");
                    return ExitCode::from(2);
                }
            },
            ("--executions", Some(path)) => match std::fs::read_to_string(&path) {
                Ok(text) => executions = text,
                Err(e) => {
                    eprintln!("error: {path}: {e}");
                    return ExitCode::FAILURE;
                }
            },
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let service = match store::InMemorySsm::new(&executions, quotas) {
        Ok(service) => service,
        Err(e) => {
            eprintln!("error: the executions fixture: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let listener = match TcpListener::bind(format!("{host}:{port}")).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("error: cannot listen on {host}:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        // SIGINT and SIGTERM stop it once the requests in flight are
        // answered; the handlers are in place before the address is printed.
        let shutdown = match shutdown_signal() {
            Ok(shutdown) => shutdown,
            Err(e) => {
                eprintln!("error: cannot handle signals: {e}");
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().expect("a bound listener has an address");
        println!("ssm-server listening on http://{address}");
        let router = AmazonSsmRouter::new(service);
        let served = if credentials.is_empty() {
            eprintln!(
                "accepting any caller: requests are not authenticated (--credentials turns SigV4 on); \
                 answering requests for loopback hosts only (--allow-host adds others)"
            );
            let config = ServerConfig { allowed_hosts: Some(hosts), ..ServerConfig::default() };
            serve(router, listener, config, shutdown).await
        } else {
            eprintln!("verifying SigV4 signatures for {} access key(s)", credentials.len());
            let verified = tower_layer::Layer::layer(&SigV4Layer::new(credentials).region(region), router);
            serve(verified, listener, ServerConfig::default(), shutdown).await
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
