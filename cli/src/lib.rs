//! `awsgen`, the command line over the generator library (`awsgen-codegen`):
//! it parses arguments, writes files and reports; everything else happens
//! in the library.
//!
//! The binary is `run` with the process's arguments; this repository's
//! `cargo xtask` calls the same [`run`] with its own workspace as the
//! [`Context`], so both behave alike.

mod conformance;
mod files;
mod flags;
mod generate;
mod help;
mod import;
mod openapi;
mod report;
mod sweep;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use generate::{Target, generate_targets};
pub use report::Output;

use flags::Command;

/// Exit statuses, as `awsgen --help` documents them.
pub mod exit {
    /// The work found problems: spec errors, a stale crate, a failing model
    /// or case.
    pub const FAILED: u8 = 1;
    /// The command line is wrong.
    pub const USAGE: u8 = 2;
    /// A file could not be read or written, or cargo could not run.
    pub const IO: u8 = 3;
}

/// Where the command runs.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The root of the awsgen clone the command runs in, if any: its
    /// runtime crate is the default for generated crates, and
    /// `conformance` runs its suites.
    pub workspace: Option<PathBuf>,
}

impl Context {
    /// The awsgen clone enclosing `dir`, if any: the nearest directory with
    /// a `Cargo.toml` and this project's runtime crate in `runtime/`.
    pub fn discover(dir: &Path) -> Self {
        let is_clone = |d: &Path| {
            d.join("Cargo.toml").is_file()
                && std::fs::read_to_string(d.join("runtime/Cargo.toml"))
                    .is_ok_and(|t| t.contains(&format!("name = \"{}\"", codegen::RUNTIME_CRATE)))
        };
        Context { workspace: dir.ancestors().find(|d| is_clone(d)).map(Path::to_path_buf) }
    }

    /// The runtime crate's directory in the clone, if there is one.
    pub fn runtime(&self) -> Option<PathBuf> {
        self.workspace.as_ref().map(|w| w.join("runtime"))
    }

    /// Where relative defaults (`specs/`, `target/`) are resolved: the
    /// clone's root, or the current directory.
    pub fn base(&self) -> PathBuf {
        self.workspace.clone().unwrap_or_default()
    }
}

/// Runs the command line `args` (without the program's name).
pub fn run(args: impl IntoIterator<Item = OsString>, context: &Context) -> ExitCode {
    let invocation = match flags::parse(args) {
        Ok(invocation) => invocation,
        Err(mistake) => {
            let usage = mistake.command.as_deref().map_or(help::OVERVIEW, help::of);
            eprintln!("error: {}\n\n{usage}", mistake.message);
            return ExitCode::from(exit::USAGE);
        }
    };
    let output = Output { verbose: invocation.verbose };
    match invocation.command {
        Command::Generate(args) => generate::generate(&args, context, &output, true),
        Command::Check(args) => generate::generate(&args, context, &output, false),
        Command::Import(args) => import::import(args, context, &output),
        Command::Sweep(args) => sweep::sweep(args, context),
        Command::OpenApi(args) => openapi::openapi(&args, &output),
        Command::Conformance => conformance::conformance(context),
        Command::Help(topic) => {
            println!("{}", topic.as_deref().map_or(help::OVERVIEW, help::of));
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!(
                "awsgen {} (generates code for awsgen-runtime {})",
                env!("CARGO_PKG_VERSION"),
                codegen::RUNTIME_VERSION
            );
            ExitCode::SUCCESS
        }
    }
}
