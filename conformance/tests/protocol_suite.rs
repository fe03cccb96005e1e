//! Smithy's awsJson1.1 protocol tests that apply to a server all pass; a
//! test without libtest's harness, so that the table is printed in every
//! `cargo test` run.

use std::process::ExitCode;

use conformance::Outcome;
use conformance::protocol::{cases_file, report, run};

fn main() -> ExitCode {
    let results = run(&cases_file());
    print!("{}", report(&results));
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let (passed, failed, skipped) = (
        count(|o| *o == Outcome::Passed),
        count(|o| matches!(o, Outcome::Failed(_))),
        count(|o| matches!(o, Outcome::Skipped(_))),
    );
    println!("\nprotocol-tests: {passed} passed, {failed} failed, {skipped} skipped");
    if failed == 0 && results.len() == 123 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
