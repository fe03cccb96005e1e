//! Prints the validation suite's results by file; exits 1 if any case fails.

use std::process::ExitCode;

fn main() -> ExitCode {
    let results = conformance::run(&conformance::cases_dir());
    print!("{}", conformance::report(&results));
    if results.iter().any(|r| matches!(r.outcome, conformance::Outcome::Failed(_))) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
