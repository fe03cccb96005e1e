//! `cargo run -p emulator -- --dynamodb-port 8000 --sqs-port 9324`: DynamoDB
//! and SQS on loopback, in memory, a few operations of each, served by the
//! crate generated from AWS's own models.
//!
//! Each service has a port of its own: the generated server serves one
//! router, and telling services apart on one port (by `X-Amz-Target`'s
//! prefix) is a later issue.

mod dynamodb;
mod ids;
mod sqs;

use std::process::ExitCode;

use emulator_generated::runtime::server::{ServerConfig, serve};
use tokio::net::TcpListener;
use tokio::sync::watch;

use dynamodb::DynamoDb;
use emulator_generated::dynamodb::service::DynamoDb20120810Router;
use emulator_generated::sqs::service::AmazonSqsRouter;
use sqs::Sqs;

/// The account every resource belongs to.
const ACCOUNT_ID: &str = "000000000000";
/// The region in ARNs.
const REGION: &str = "us-east-1";

const USAGE: &str = "\
usage: emulator [--dynamodb-port PORT] [--sqs-port PORT] [--host HOST]

  --dynamodb-port PORT  the port DynamoDB listens on (default 8000; 0 picks a free one)
  --sqs-port PORT       the port SQS listens on (default 9324; 0 picks a free one)
  --host HOST           the address both listen on (default 127.0.0.1)

Prints `<service> listening on http://<address>` for each service, then
serves until Ctrl-C.";

fn main() -> ExitCode {
    let mut dynamodb_port = "8000".to_string();
    let mut sqs_port = "9324".to_string();
    let mut host = "127.0.0.1".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--dynamodb-port", Some(value)) => dynamodb_port = value,
            ("--sqs-port", Some(value)) => sqs_port = value,
            ("--host", Some(value)) => host = value,
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
    runtime.block_on(run(&host, &dynamodb_port, &sqs_port))
}

async fn run(host: &str, dynamodb_port: &str, sqs_port: &str) -> ExitCode {
    let (dynamodb, sqs) = match (bind(host, dynamodb_port).await, bind(host, sqs_port).await) {
        (Ok(dynamodb), Ok(sqs)) => (dynamodb, sqs),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (dynamodb_url, sqs_url) = match (url(&dynamodb), url(&sqs)) {
        (Ok(dynamodb), Ok(sqs)) => (dynamodb, sqs),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Ctrl-C stops both servers; each finishes the requests in flight. The
    // handler is in place before the URLs are printed, so a client that
    // reads them can stop the emulator at once.
    let interrupted = match interrupt() {
        Ok(interrupted) => interrupted,
        Err(e) => {
            eprintln!("error: cannot handle Ctrl-C: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        interrupted.await;
        let _ = stop.send(true);
    });
    println!("dynamodb listening on {dynamodb_url}");
    println!("sqs listening on {sqs_url}");
    let shutdown = |mut stopped: watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let config = ServerConfig::default();
    let (dynamodb, sqs) = tokio::join!(
        serve(DynamoDb20120810Router::new(DynamoDb::new()), dynamodb, config.clone(), shutdown(stopped.clone())),
        serve(AmazonSqsRouter::new(Sqs::new(sqs_url)), sqs, config, shutdown(stopped)),
    );
    match dynamodb.and(sqs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on Ctrl-C (SIGINT), listening from the moment it is called:
/// `tokio::signal::ctrl_c` starts listening only when first polled.
#[cfg(unix)]
fn interrupt() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupts = signal(SignalKind::interrupt())?;
    Ok(async move {
        interrupts.recv().await;
    })
}

#[cfg(not(unix))]
fn interrupt() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

async fn bind(host: &str, port: &str) -> Result<TcpListener, String> {
    TcpListener::bind(format!("{host}:{port}")).await.map_err(|e| format!("cannot listen on {host}:{port}: {e}"))
}

fn url(listener: &TcpListener) -> Result<String, String> {
    let address = listener.local_addr().map_err(|e| format!("the listening address: {e}"))?;
    Ok(format!("http://{address}"))
}
