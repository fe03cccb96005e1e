//! What the tests that run the server binary share.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `ssm-server` on a free loopback port with `args`: the process
/// and the URL it prints.
pub fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssm-server"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("ssm-server listening on ").unwrap_or_else(|| panic!("{line}")).to_string();
    (child, url)
}
