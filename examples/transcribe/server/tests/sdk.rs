//! AWS's JavaScript SDK v3 against transcribe-server: its Transcribe
//! streaming client sends audio as an input event stream over HTTP/2 (each
//! event signed in a chain from the request's signature) and reads the
//! transcripts as an output event stream. `npm ci` installs the SDK at the
//! version `tests/js/package-lock.json` pins (node and npm: `.ci/run`
//! installs them).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::{Value, json};

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_transcribe-server"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("transcribe-server listening on ").unwrap_or_else(|| panic!("{line}"));
        Server { child, url: url.to_string() }
    }

    /// Streams `chunks` chunks of audio with the SDK, signed with `key`;
    /// what `transcribe.mjs` printed.
    fn transcribe(&self, (key, secret): (&str, &str), chunks: usize) -> Value {
        let output = Command::new("node")
            .arg("transcribe.mjs")
            .args([&self.url, key, secret, &chunks.to_string()])
            .current_dir(sdk())
            .output()
            .expect("node is installed (.ci/run installs it)");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tests/js`, its SDK installed once per run.
fn sdk() -> &'static Path {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("npm is installed (.ci/run installs it)");
        assert!(installed.success(), "npm ci failed");
        dir
    })
}

/// The result a session of `chunks` chunks ends with, and each partial one
/// before it: 100 ms of 16 kHz PCM per chunk.
fn expected(chunks: usize) -> Vec<Value> {
    let result = |n: usize, partial: bool| {
        let text = format!("{n} chunks, {:.2} seconds of pcm audio", n as f64 / 10.0);
        json!({"id": format!("result-{n}"), "partial": partial, "text": text})
    };
    (1..=chunks).map(|n| result(n, true)).chain([result(chunks, false)]).collect()
}

#[test]
fn the_sdk_streams_signed_audio_over_http2_and_reads_the_transcripts() {
    let server = Server::start(&["--credentials", "AKIDEXAMPLE:wJalrXUtnFEMI"]);
    let session = server.transcribe(("AKIDEXAMPLE", "wJalrXUtnFEMI"), 5);
    assert_eq!(session["sessionId"], "0b3e4a6c-5c2d-4d3e-9f1a-2b3c4d5e6f70", "{session}");
    assert_eq!(session["rate"], 16000, "{session}");
    assert_eq!(session["results"], json!(expected(5)), "{session}");
    // A long session: each result is read as it is written, the
    // transcriber held to eight ahead of the client.
    let long = server.transcribe(("AKIDEXAMPLE", "wJalrXUtnFEMI"), 300);
    assert_eq!(long["results"], json!(expected(300)), "{}", long["results"].as_array().map_or(0, Vec::len));
}

#[test]
fn a_request_signed_with_the_wrong_secret_is_refused() {
    let server = Server::start(&["--credentials", "AKIDEXAMPLE:wJalrXUtnFEMI"]);
    let refused = server.transcribe(("AKIDEXAMPLE", "not-the-secret"), 2);
    assert_eq!(refused["error"], "InvalidSignatureException", "{refused}");
    assert_eq!(refused["status"], 403, "{refused}");
    let unknown = server.transcribe(("AKIDUNKNOWN", "wJalrXUtnFEMI"), 2);
    assert_eq!(unknown["error"], "UnrecognizedClientException", "{unknown}");
}

#[test]
fn without_credentials_the_signed_events_are_read_all_the_same() {
    let server = Server::start(&[]);
    let session = server.transcribe(("any", "thing"), 3);
    assert_eq!(session["results"], json!(expected(3)), "{session}");
}
