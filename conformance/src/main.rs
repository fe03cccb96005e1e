//! `cargo xtask conformance`: Smithy's validation suite (by file) and its
//! awsJson1.0 and awsJson1.1 protocol tests (by protocol and kind), read
//! from Smithy's IDL sources; exits 1 if any case fails.

use std::process::ExitCode;

use conformance::Outcome;

fn main() -> ExitCode {
    let validation = conformance::run(&conformance::spec_dir());
    print!("{}", conformance::report(&validation));
    println!();
    let protocol = conformance::protocol::run(&conformance::protocol::spec_dirs());
    print!("{}", conformance::protocol::report(&protocol));
    let failed = validation.iter().any(|r| matches!(r.outcome, Outcome::Failed(_)))
        || protocol.iter().any(|r| matches!(r.outcome, Outcome::Failed(_)));
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
