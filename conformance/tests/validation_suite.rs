//! Smithy's validation suite stays at 121 of 121 JSON-body cases, plus the
//! positive recursive-structures request; the table is printed with
//! `--nocapture` and by `cargo xtask conformance`.

use conformance::{Outcome, by_file, cases_dir, report, run};

#[test]
fn every_json_body_case_passes() {
    let results = run(&cases_dir());
    println!("{}", report(&results));
    let failed: Vec<_> = results.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_))).collect();
    assert!(failed.is_empty(), "{}", report(&results));
    let negative: usize = results.iter().filter(|r| r.id != "RestJsonRecursiveStructuresValidate").count();
    let passed = results.iter().filter(|r| r.outcome == Outcome::Passed).count();
    let skipped: Vec<&str> =
        results.iter().filter(|r| matches!(r.outcome, Outcome::Skipped(_))).map(|r| r.id.as_str()).collect();
    assert_eq!(negative, 125, "the suite has 125 malformed-request cases");
    assert_eq!(passed, 121 + 1, "121 body cases and the positive case");
    assert_eq!(
        skipped,
        [
            "RestJsonMalformedLengthQueryStringNoValue",
            "RestJsonMalformedRequiredBodyUnset",
            "RestJsonMalformedRequiredBodyExplicitNull",
            "RestJsonMalformedRequiredHeaderUnset"
        ]
    );
    assert_eq!(by_file(&results)["malformed-range"], (40, 40, 0));
}
