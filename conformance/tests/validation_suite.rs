//! Smithy's validation suite stays at 121 of 121 JSON-body cases, plus the
//! positive recursive-structures request. A test without libtest's harness,
//! so that the table is printed in every `cargo test` run.

use std::process::ExitCode;

use conformance::{Outcome, by_file, cases_dir, report, run};

fn main() -> ExitCode {
    let results = run(&cases_dir());
    print!("{}", report(&results));
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let passed = count(|o| *o == Outcome::Passed);
    let negative_passed = results.iter().filter(|r| !r.positive && r.outcome == Outcome::Passed).count();
    let failed = count(|o| matches!(o, Outcome::Failed(_)));
    let skipped: Vec<&str> =
        results.iter().filter(|r| matches!(r.outcome, Outcome::Skipped(_))).map(|r| r.id.as_str()).collect();
    println!("\nvalidation-suite: {passed} passed, {failed} failed, {} skipped", skipped.len());

    let mut problems = Vec::new();
    if failed > 0 {
        problems.push(format!("{failed} cases failed"));
    }
    // 125 malformed-request cases: 121 run on the JSON body, 4 need HTTP
    // bindings; plus the one positive request.
    if results.len() != 126 || negative_passed != 121 || passed != 122 {
        problems.push(format!(
            "expected 121 malformed-request cases and 1 valid request to pass, got {passed} of {}",
            results.len()
        ));
    }
    let expected_skips = [
        "RestJsonMalformedLengthQueryStringNoValue",
        "RestJsonMalformedRequiredBodyUnset",
        "RestJsonMalformedRequiredBodyExplicitNull",
        "RestJsonMalformedRequiredHeaderUnset",
    ];
    if skipped != expected_skips {
        problems.push(format!("skipped {skipped:?}, expected {expected_skips:?}"));
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
