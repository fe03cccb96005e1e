//! `cargo run -p ssm-server -- --port 4566`: an AWS Systems Manager server
//! on loopback for the maintenance-window task life cycle, in memory.

mod store;

use std::process::ExitCode;

use example_launch::{CommandLine, Options};
use generated::ssm::service::AmazonSsmRouter;

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
    let mut executions = DEFAULT_EXECUTIONS.to_string();
    let mut quotas = store::Quotas::default();
    let command_line = CommandLine { usage: USAGE, sigv4: true };
    let defaults = Options { region: Some("us-east-1".to_string()), ..Options::on_port(4566) };
    let options = command_line.parse(std::env::args_os().skip(1), defaults, |flag, parser| {
        let mut value = || example_launch::value(parser);
        match flag {
            "max-windows" | "max-tasks-per-window" => {
                let text = value()?;
                let n = text.parse::<usize>().map_err(|_| format!("--{flag} takes a number, not {text:?}"))?;
                match flag {
                    "max-windows" => quotas.windows = n,
                    _ => quotas.tasks_per_window = n,
                }
            }
            "executions" => {
                let path = value()?;
                executions = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    });
    let options = match options {
        Ok(options) => options,
        Err(code) => return code,
    };
    let service = match store::InMemorySsm::new(&executions, quotas) {
        Ok(service) => service,
        Err(e) => {
            eprintln!("error: the executions fixture: {e}");
            return ExitCode::FAILURE;
        }
    };
    example_launch::run("ssm-server", options, |_| AmazonSsmRouter::new(service))
}
