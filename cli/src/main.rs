//! The `awsgen` binary: [`awsgen::run`] over the process's arguments, in the
//! awsgen clone around the current directory if there is one.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    let context = awsgen::Context::discover(&std::env::current_dir().unwrap_or_default());
    awsgen::run(std::env::args_os().skip(1), &context)
}
