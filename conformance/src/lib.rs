//! Smithy's malformed-request validation suite, run against the validators
//! generated from its model (`validation-suite`, from
//! `smithy-validation/rest_json_validation`).
//!
//! Each case sends one request body and expects one exact
//! `ValidationException`; the comparison is of JSON values. Every case is
//! run both ways a body is checked: read in one pass into the operation's
//! typed input (`validate::parse`, what routers do) and walked as a parsed
//! JSON value (`validate::validate`); both must give the expected
//! exception. Cases whose
//! failing member is bound to the query string or a header, or whose
//! operation also needs such members, cannot run against a generator for
//! awsJson, which reads only the body: they are listed as skipped, with why.

pub mod protocol;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use validation_suite::rest_json_validation::operation::{
    malformed_enum::MalformedEnum, malformed_length::MalformedLength,
    malformed_length_override::MalformedLengthOverride, malformed_length_query_string::MalformedLengthQueryString,
    malformed_pattern::MalformedPattern, malformed_pattern_override::MalformedPatternOverride,
    malformed_range::MalformedRange, malformed_range_override::MalformedRangeOverride,
    malformed_required::MalformedRequired, malformed_unique_items::MalformedUniqueItems,
    recursive_structures::RecursiveStructures, sensitive_validation::SensitiveValidation,
};
use validation_suite::rest_json_validation::validation::input_schema;
use validation_suite::runtime::Operation;
use validation_suite::runtime::validate::{self, Rejection};

/// How one case went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

/// One case and its outcome.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The case file's name without `.json` (`malformed-length`).
    pub file: String,
    pub id: String,
    /// A request that must be accepted, rather than a malformed one.
    pub positive: bool,
    pub outcome: Outcome,
}

/// The folder of case files.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("smithy-validation/cases")
}

/// Runs every case (negative and positive) of every file in `dir`.
pub fn run(dir: &Path) -> Vec<CaseResult> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut results = Vec::new();
    for path in files {
        let file = path.file_stem().unwrap().to_string_lossy().into_owned();
        let suite: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in suite["cases"].as_array().into_iter().flatten() {
            let id = case["id"].as_str().unwrap().to_string();
            results.push(CaseResult { file: file.clone(), id, positive: false, outcome: run_case(case) });
        }
        for case in suite["positive_cases"].as_array().into_iter().flatten() {
            let id = case["id"].as_str().unwrap().to_string();
            results.push(CaseResult { file: file.clone(), id, positive: true, outcome: run_positive_case(case) });
        }
    }
    results
}

fn operation_name(case: &Value) -> &str {
    case["operation"].as_str().unwrap().rsplit('#').next().unwrap()
}

fn run_case(case: &Value) -> Outcome {
    let binding = case["binding"].as_str().unwrap_or("body");
    if binding != "body" {
        let place = match binding {
            "query" => "the query string",
            "header" => "an HTTP header",
            other => other,
        };
        return Outcome::Skipped(format!(
            "the failing member is bound to {place}; awsJson sends every member in the body"
        ));
    }
    if case["body_only_generator_can_run"] != Value::Bool(true) {
        return Outcome::Skipped(
            "the operation's input also binds members to the query string and a header, which an awsJson body never carries"
                .to_string(),
        );
    }
    let operation = operation_name(case);
    let Some(schema) = input_schema(operation) else {
        return Outcome::Failed(format!("no operation {operation} in the generated crate"));
    };
    let expected = &case["expected_validation_exception"];
    let body = &case["request"]["body_json"];
    let Some(parsed) = parse_input(operation, &serde_json::to_vec(body).unwrap()) else {
        return Outcome::Failed(format!("no typed input known for {operation}"));
    };
    let walked = validate::validate(schema, body);
    for (how, result) in [("read in one pass", parsed.map(drop)), ("walked as a value", walked)] {
        let outcome = match result {
            Ok(()) => Outcome::Failed(format!("{how}, the request was accepted")),
            Err(Rejection::Malformed(e)) => Outcome::Failed(format!("{how}, refused as malformed, not invalid: {e}")),
            Err(Rejection::Invalid(exception)) => {
                let actual = serde_json::to_value(&exception).unwrap();
                if &actual == expected {
                    Outcome::Passed
                } else {
                    Outcome::Failed(format!("{how}, expected {expected}\n     got {actual}"))
                }
            }
        };
        if outcome != Outcome::Passed {
            return outcome;
        }
    }
    Outcome::Passed
}

/// Reads `body` in one pass into `O`'s typed input, as routers do; the
/// input as JSON when it is accepted. The runtime's two readers, the
/// generated one routers use and the checked serde deserializer, must
/// agree on every case to the letter.
fn parse_as<O: Operation>(body: &[u8]) -> Result<Value, Rejection>
where
    O::Input: validate::Read + serde::de::DeserializeOwned + serde::Serialize,
{
    let generated =
        validate::parse::<O::Input>(O::INPUT_SCHEMA, body).map(|input| serde_json::to_value(input).unwrap());
    let serde =
        validate::deserialize::<O::Input>(O::INPUT_SCHEMA, body).map(|input| serde_json::to_value(input).unwrap());
    assert_eq!(generated, serde, "the two readers disagree on {}", String::from_utf8_lossy(body));
    generated
}

/// [`parse_as`] for the operation named `operation`.
fn parse_input(operation: &str, body: &[u8]) -> Option<Result<Value, Rejection>> {
    Some(match operation {
        "MalformedEnum" => parse_as::<MalformedEnum>(body),
        "MalformedLength" => parse_as::<MalformedLength>(body),
        "MalformedLengthOverride" => parse_as::<MalformedLengthOverride>(body),
        "MalformedLengthQueryString" => parse_as::<MalformedLengthQueryString>(body),
        "MalformedPattern" => parse_as::<MalformedPattern>(body),
        "MalformedPatternOverride" => parse_as::<MalformedPatternOverride>(body),
        "MalformedRange" => parse_as::<MalformedRange>(body),
        "MalformedRangeOverride" => parse_as::<MalformedRangeOverride>(body),
        "MalformedRequired" => parse_as::<MalformedRequired>(body),
        "MalformedUniqueItems" => parse_as::<MalformedUniqueItems>(body),
        "RecursiveStructures" => parse_as::<RecursiveStructures>(body),
        "SensitiveValidation" => parse_as::<SensitiveValidation>(body),
        _ => return None,
    })
}

fn run_positive_case(case: &Value) -> Outcome {
    let operation = operation_name(case);
    let body = serde_json::to_vec(&case["body_json"]).unwrap();
    let params = &case["params"];
    let Some(accepted) = parse_input(operation, &body) else {
        return Outcome::Failed(format!("no typed input known for {operation}"));
    };
    match accepted {
        Ok(value) if &value == params => Outcome::Passed,
        Ok(value) => Outcome::Failed(format!("deserialised to {value}, expected {params}")),
        Err(e) => Outcome::Failed(format!("refused: {e}")),
    }
}

/// Malformed-request counts by file: (passed, run, skipped), where `run`
/// excludes skipped cases.
pub fn by_file(results: &[CaseResult]) -> BTreeMap<&str, (usize, usize, usize)> {
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for result in results.iter().filter(|r| !r.positive) {
        let entry = counts.entry(result.file.as_str()).or_default();
        match result.outcome {
            Outcome::Passed => {
                entry.0 += 1;
                entry.1 += 1;
            }
            Outcome::Failed(_) => entry.1 += 1,
            Outcome::Skipped(_) => entry.2 += 1,
        }
    }
    counts
}

/// The report `cargo xtask conformance` prints.
pub fn report(results: &[CaseResult]) -> String {
    let mut out = String::from("Smithy validation suite: JSON-body cases against the generated validators\n\n");
    out.push_str(&format!("{:<24} {:>8} {:>8}\n", "file", "passed", "skipped"));
    let (mut passed, mut run, mut skipped) = (0, 0, 0);
    for (file, (p, r, s)) in by_file(results) {
        out.push_str(&format!("{file:<24} {:>8} {s:>8}\n", format!("{p}/{r}")));
        passed += p;
        run += r;
        skipped += s;
    }
    out.push_str(&format!("{:<24} {:>8} {skipped:>8}\n", "total", format!("{passed}/{run}")));
    let positive: Vec<&CaseResult> = results.iter().filter(|r| r.positive).collect();
    let accepted = positive.iter().filter(|r| r.outcome == Outcome::Passed).count();
    out.push_str(&format!("\nvalid requests accepted: {accepted}/{}\n", positive.len()));
    for result in results {
        match &result.outcome {
            Outcome::Skipped(why) => out.push_str(&format!("\nskipped {} ({}): {why}", result.id, result.file)),
            Outcome::Failed(why) => out.push_str(&format!("\nFAILED {} ({}): {why}", result.id, result.file)),
            Outcome::Passed => {}
        }
    }
    out.push('\n');
    out
}
