//! `cargo xtask`: this repository's tasks. `codegen` keeps the workspace's
//! generated crates up to date and `measure` times builds; every other
//! command is the `awsgen` command line's, run by the same code with this
//! workspace as its clone.

mod emulator_s3;
mod emulator_services;
mod http;
mod measure;
mod servers;
mod soak;
mod startup;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lexopt::prelude::*;

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--verbose]
       cargo xtask codegen --spec DIR --out DIR [...]   (as `awsgen generate`; with --check, `awsgen check`)
       cargo xtask measure [--corpus DIR]
       cargo xtask emulator-startup [--runs N]
       cargo xtask emulator-s3 [--seconds S] [--runs N]
       cargo xtask emulator-services [--seconds S] [--runs N]
       cargo xtask emulator-soak [--seconds S] [--data-dir]
       cargo xtask COMMAND ...                          (any `awsgen` command: generate, check, import,
                                                         sweep, openapi, conformance; `cargo xtask help`)

codegen   regenerates this workspace's crates: specs/ into generated/, the
          conformance crates, the examples' crates under examples/, and
          emulator/generated
  --check    write nothing; fail and list the files that are out of date
  --verbose  print every warning, not only their count by kind
measure   times the generated crate's build (debug and release, its
          dependencies built) next to aws-sdk-ssm's, and codegen on the full
          SSM model (build the xtask with --release to time that)
  --corpus DIR  also time import plus generate of every awsJson model under
                DIR (as sweep does, in memory)
emulator-startup
          builds the release emulator and times its start to a first answer
          and its idle memory, in memory and with --data-dir (median of N runs,
          default 15)
emulator-s3
          builds the release emulator and `load`, and measures S3's PutObject
          and GetObject of 4 KiB and 1 MiB and ListObjectsV2 of 1,000 keys, in
          memory, with --data-dir and on moto_server (if installed), 4
          connections (median of N runs of S seconds; default 5 of 3)
emulator-services
          builds the release emulator and `load`, and measures SQS's
          SendMessage, ReceiveMessage and send-receive-delete cycles and
          DynamoDB's PutItem, GetItem and Query over 10,000 items, in memory,
          with --data-dir and on moto_server (if installed), 4 connections
          (median of N runs of S seconds; default 5 of 3)
emulator-soak
          builds the release emulator and drives every service for S seconds
          (default 60) from 4 threads, each iteration making and removing what
          it uses; prints requests and failures per service and the RSS before,
          at the end and after a reset, and fails if any call failed
  --data-dir  run the emulator with a fresh --data-dir (every service on disk)";

fn main() -> ExitCode {
    let args: Vec<OsString> = env::args_os().skip(1).collect();
    let context = awsgen::Context { workspace: Some(root()) };
    match args.first().and_then(|a| a.to_str()) {
        Some("codegen") if !args.iter().any(|a| a == "--spec" || a.to_string_lossy().starts_with("--spec=")) => {
            workspace_codegen(&args[1..])
        }
        // `codegen --spec DIR --out DIR`: the command line's generate or check.
        Some("codegen") => {
            let check = args.iter().any(|a| a == "--check");
            let rest = args[1..].iter().filter(|a| *a != "--check").cloned();
            let command = OsString::from(if check { "check" } else { "generate" });
            awsgen::run(std::iter::once(command).chain(rest), &context)
        }
        Some("measure") => measure(&args[1..]),
        Some("emulator-startup") => {
            let runs = match args.get(1..) {
                Some([flag, value]) if flag == "--runs" => value.to_str().and_then(|v| v.parse().ok()).unwrap_or(0),
                Some([]) | None => 15,
                _ => 0,
            };
            if runs == 0 {
                return usage_error("emulator-startup takes --runs N (N at least 1)");
            }
            match startup::emulator_startup(&root(), runs) {
                Ok(report) => {
                    print!("{report}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("emulator-s3") => emulator_throughput(&args[1..], emulator_s3::emulator_s3),
        Some("emulator-services") => emulator_throughput(&args[1..], emulator_services::emulator_services),
        Some("emulator-soak") => emulator_soak(&args[1..]),
        Some("--help" | "-h" | "help") if args.len() == 1 => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => awsgen::run(args, &context),
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the workspace").to_path_buf()
}

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(awsgen::exit::USAGE)
}

/// `codegen [--check] [--verbose]`: every crate of the workspace.
fn workspace_codegen(args: &[OsString]) -> ExitCode {
    let (mut check, mut verbose) = (false, false);
    let mut parser = lexopt::Parser::from_args(args.iter().cloned());
    loop {
        match parser.next() {
            Ok(Some(Long("check"))) => check = true,
            Ok(Some(Long("verbose") | Short('v'))) => verbose = true,
            Ok(Some(arg)) => return usage_error(arg.unexpected()),
            Ok(None) => break,
            Err(e) => return usage_error(e),
        }
    }
    let targets: Vec<awsgen::Target> = codegen::workspace_targets()
        .into_iter()
        .map(|t| awsgen::Target { spec: root().join(t.spec), out: root().join(t.out), settings: t.settings })
        .collect();
    let status = awsgen::generate_targets(&targets, check, &awsgen::Output { verbose });
    if check && status != ExitCode::SUCCESS {
        eprintln!("run `cargo xtask codegen` and commit the result");
    }
    status
}

/// `measure [--corpus DIR]`.
fn measure(args: &[OsString]) -> ExitCode {
    let mut corpus = None;
    let mut parser = lexopt::Parser::from_args(args.iter().cloned());
    loop {
        match parser.next() {
            Ok(Some(Long("corpus"))) => match parser.value() {
                Ok(dir) => corpus = Some(PathBuf::from(dir)),
                Err(e) => return usage_error(e),
            },
            Ok(Some(arg)) => return usage_error(arg.unexpected()),
            Ok(None) => break,
            Err(e) => return usage_error(e),
        }
    }
    match measure::measure(&root(), corpus.as_deref()) {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The number after a flag: at least `min`.
fn number<T: std::str::FromStr + PartialOrd>(parser: &mut lexopt::Parser, flag: &str, min: T) -> Result<T, String> {
    let value = parser.value().map_err(|e| e.to_string())?;
    match value.to_str().and_then(|v| v.parse::<T>().ok()) {
        Some(n) if n >= min => Ok(n),
        _ => Err(format!("{flag} takes a number, not {}", value.to_string_lossy())),
    }
}

/// `emulator-s3 [--seconds S] [--runs N]`, and `emulator-services` (the
/// same flags): `measure` with them.
fn emulator_throughput(args: &[OsString], measure: fn(&Path, f64, usize) -> Result<String, String>) -> ExitCode {
    let (mut seconds, mut runs) = (3.0, 5);
    let mut parser = lexopt::Parser::from_args(args.iter().cloned());
    loop {
        let parsed = match parser.next() {
            Ok(Some(Long("seconds"))) => number(&mut parser, "--seconds", 0.1).map(|n| seconds = n),
            Ok(Some(Long("runs"))) => number(&mut parser, "--runs", 1).map(|n| runs = n),
            Ok(Some(arg)) => Err(arg.unexpected().to_string()),
            Ok(None) => break,
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = parsed {
            return usage_error(e);
        }
    }
    match measure(&root(), seconds, runs) {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `emulator-soak [--seconds S] [--data-dir]`.
fn emulator_soak(args: &[OsString]) -> ExitCode {
    let (mut seconds, mut data_dir) = (60, false);
    let mut parser = lexopt::Parser::from_args(args.iter().cloned());
    loop {
        let parsed = match parser.next() {
            Ok(Some(Long("seconds"))) => number(&mut parser, "--seconds", 1).map(|n| seconds = n),
            Ok(Some(Long("data-dir"))) => {
                data_dir = true;
                Ok(())
            }
            Ok(Some(arg)) => Err(arg.unexpected().to_string()),
            Ok(None) => break,
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = parsed {
            return usage_error(e);
        }
    }
    match soak::emulator_soak(&root(), seconds, data_dir) {
        Ok(soak) => {
            print!("{}", soak.report);
            if soak.failures > 0 {
                eprintln!("error: {} calls did not answer as expected", soak.failures);
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
