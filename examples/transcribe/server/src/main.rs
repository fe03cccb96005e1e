//! `cargo run -p transcribe-server -- --port 9002`: Amazon Transcribe's
//! `StartStreamTranscription` (a slice of AWS's restJson1 model,
//! `examples/transcribe/specs`) as a test double: the client streams audio
//! in, over HTTP/2, and transcripts stream out, each saying how much audio
//! arrived. Event streams both ways, each event checked against the model,
//! each signature against the request's where `--credentials` is given.

mod transcriber;

use std::process::ExitCode;

use example_launch::{CommandLine, Options};
use transcribe_generated::transcribe::service::TranscribeRouter;

const USAGE: &str = "\
usage: transcribe-server [--port PORT] [--host HOST] [--credentials KEY_ID:SECRET ...]
                         [--allow-host NAME ...]

  --port PORT        the port to listen on (default 9002; 0 picks a free one)
  --host HOST        the address to listen on (default 127.0.0.1)
  --credentials KEY_ID:SECRET
                     verify requests' SigV4 signatures and their audio events'
                     chained signatures, accepting this access key (repeatable);
                     without it, any caller is accepted, and only requests for
                     loopback hosts are answered
  --allow-host NAME  without --credentials, answer requests for this host name
                     or address too (repeatable)

Prints `transcribe-server listening on http://<address>`, then serves HTTP/1.1
and HTTP/2 (with prior knowledge, as AWS's SDKs send streaming input) until
SIGINT (Ctrl-C) or SIGTERM.";

fn main() -> ExitCode {
    let command_line = CommandLine { usage: USAGE, sigv4: true };
    match command_line.parse(std::env::args_os().skip(1), Options::on_port(9002), |_, _| Ok(false)) {
        Ok(options) => {
            example_launch::run("transcribe-server", options, |_| TranscribeRouter::new(transcriber::Transcriber))
        }
        Err(code) => code,
    }
}
