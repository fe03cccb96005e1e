//! `cargo run -p lambda-server -- --port 9001`: AWS Lambda's function,
//! alias, tag and invoke operations (a slice of AWS's restJson1 model,
//! `examples/lambda/specs`), in memory, on loopback. Functions echo the
//! event they are invoked with.

mod store;

use std::process::ExitCode;

use example_launch::{CommandLine, Options};
use lambda_generated::lambda::service::AwsGirApiServiceRouter;

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
    let command_line = CommandLine { usage: USAGE, sigv4: true };
    // Its ARNs name us-east-1: credentials must be scoped to it, as an AWS
    // endpoint holds them to its own region.
    let defaults = Options { region: Some(store::REGION.to_string()), ..Options::on_port(9001) };
    match command_line.parse(std::env::args_os().skip(1), defaults, |_, _| Ok(false)) {
        Ok(options) => example_launch::run("lambda-server", options, |_| {
            AwsGirApiServiceRouter::new(store::InMemoryLambda::default())
        }),
        Err(code) => code,
    }
}
