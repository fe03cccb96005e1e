//! The `awsgen` command line as users run it: one test binary.

mod docs;
mod generate;
mod getting_started;
mod help;
mod sweep;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Runs `awsgen` with `args` in the repository's root (an awsgen clone).
pub fn awsgen(args: &[&str]) -> Output {
    awsgen_in(&root(), args)
}

/// Runs `awsgen` with `args` in `dir`.
pub fn awsgen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_awsgen")).args(args).current_dir(dir).output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
