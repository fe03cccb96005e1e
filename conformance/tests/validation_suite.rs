//! Smithy's validation suite, read from its IDL sources and sent over HTTP
//! through the generated restJson1 router, stays at 125 of 125 cases, none
//! skipped, plus the positive recursive-structures request. A test without
//! libtest's harness, so that the table is printed in every `cargo test`
//! run.

use std::process::ExitCode;

use conformance::source::ERRATA;
use conformance::{Outcome, by_file, report, run, spec_dir};

fn main() -> ExitCode {
    let results = run(&spec_dir());
    print!("{}", report(&results));
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let passed = count(|o| *o == Outcome::Passed);
    let negative_passed = results.iter().filter(|r| !r.positive && r.outcome == Outcome::Passed).count();
    let failed = count(|o| matches!(o, Outcome::Failed(_)));
    let skipped: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Skipped(why) => Some((r.id.as_str(), why.as_str())),
            _ => None,
        })
        .collect();
    println!("\nvalidation-suite: {passed} passed, {failed} failed, {} skipped", skipped.len());

    let mut problems = Vec::new();
    if failed > 0 {
        problems.push(format!("{failed} cases failed"));
    }
    // 125 malformed-request cases, 4 of them with members bound to the
    // query string and headers; plus the one positive request.
    if results.len() != 126 || negative_passed != 125 || passed != 126 {
        problems.push(format!(
            "expected 125 malformed-request cases and 1 valid request to pass, got {passed} of {}",
            results.len()
        ));
    }
    let positive: Vec<&str> = results.iter().filter(|r| r.positive).map(|r| r.id.as_str()).collect();
    if positive != ["RestJsonRecursiveStructuresValidate"] {
        problems.push(format!("valid requests {positive:?}, expected [\"RestJsonRecursiveStructuresValidate\"]"));
    }
    if !skipped.is_empty() {
        problems.push(format!("skipped {skipped:#?}, expected none"));
    }
    let corrected: Vec<&str> = ERRATA.iter().map(|(id, _)| *id).collect();
    if corrected != ["RestJsonMalformedPatternReDOSString"] {
        problems.push(format!("errata {corrected:?}, expected [\"RestJsonMalformedPatternReDOSString\"]"));
    }
    if by_file(&results).get("malformed-range") != Some(&(40, 40, 0)) {
        problems.push("malformed-range is not 40/40".to_string());
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("validation suite: {}", problems.join("; "));
        ExitCode::FAILURE
    }
}
