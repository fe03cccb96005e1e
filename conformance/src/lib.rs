//! Smithy's malformed-request validation suite, read from its IDL sources
//! (`models/smithy/protocol-tests/restJson1/validation/`, through the spec
//! directory `specs/rest_json_validation` that `validation-suite` is
//! generated from; see [`source`]) and run against the validators
//! generated from the same model.
//!
//! Each case is an HTTP request (method, URI, query string, headers and
//! body) sent to the generated restJson1 router as a `tower::Service`, and
//! expects one response: its status, `X-Amzn-Errortype` and exact
//! `ValidationException` body, compared as JSON values. Cases whose
//! members are all in the body are also checked the other ways a body can
//! be: read by the serde deserializer, and walked as a parsed JSON value
//! (`validate::validate`); all must give the expected exception. The
//! suite's `httpRequestTests` are requests that must be accepted, and read
//! to their parameters.

pub mod cbor_body;
mod event_stream;
pub mod http_case;
pub mod protocol;
pub mod source;
pub mod xml_body;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use validation_suite::rest_json_validation::operation as ops;
use validation_suite::rest_json_validation::operation::{
    malformed_enum::MalformedEnum, malformed_length::MalformedLength,
    malformed_length_override::MalformedLengthOverride, malformed_length_query_string::MalformedLengthQueryString,
    malformed_pattern::MalformedPattern, malformed_pattern_override::MalformedPatternOverride,
    malformed_range::MalformedRange, malformed_range_override::MalformedRangeOverride,
    malformed_required::MalformedRequired, malformed_unique_items::MalformedUniqueItems,
    recursive_structures::RecursiveStructures, sensitive_validation::SensitiveValidation,
};
use validation_suite::rest_json_validation::service::{RestJsonValidation, RestJsonValidationRouter};
use validation_suite::rest_json_validation::validation::input_schema;
use validation_suite::runtime::context::RequestContext;
use validation_suite::runtime::http::Service as _;
use validation_suite::runtime::validate::{self, Rejection};
use validation_suite::runtime::{Operation, Unit};

use crate::source::{Expected, MalformedCase, PositiveCase, name_of};

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
    /// The stem of the source file that defines the case's operation
    /// (`malformed-length`).
    pub file: String,
    pub id: String,
    /// A request that must be accepted, rather than a malformed one.
    pub positive: bool,
    pub outcome: Outcome,
}

/// The spec directory the suite's cases are read from.
pub fn spec_dir() -> PathBuf {
    source::validation_spec()
}

/// Runs every case (negative and positive) of the suite in `dir`, ordered
/// by file, then operation, negative cases before positive ones.
pub fn run(dir: &Path) -> Vec<CaseResult> {
    let model = source::load(dir);
    let cases = source::validation_cases(&model).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut results: Vec<(usize, CaseResult)> = Vec::new();
    for case in &cases.malformed {
        let outcome = run_case(case);
        results.push((0, CaseResult { file: case.file.clone(), id: case.id.clone(), positive: false, outcome }));
    }
    for case in &cases.positive {
        let outcome = run_positive_case(case);
        results.push((1, CaseResult { file: case.file.clone(), id: case.id.clone(), positive: true, outcome }));
    }
    // Stable: within a file and kind, the order the model lists them.
    results.sort_by(|(a, x), (b, y)| x.file.cmp(&y.file).then(a.cmp(b)));
    results.into_iter().map(|(_, result)| result).collect()
}

/// The suite's protocol: only its cases are run.
const PROTOCOL: &str = "aws.protocols#restJson1";

/// The suite's service: it accepts every valid input and keeps the last,
/// as JSON.
#[derive(Default)]
struct Accepting {
    input: std::sync::Mutex<Option<Value>>,
}

macro_rules! accepting {
    ($($method:ident($input:ty) -> $error:ty;)*) => {
        impl RestJsonValidation for Accepting {
            $(
                async fn $method(&self, _context: &RequestContext, input: $input) -> Result<Unit, $error> {
                    *self.input.lock().unwrap() = Some(serde_json::to_value(&input).expect("inputs serialise"));
                    Ok(Unit {})
                }
            )*
        }
    };
}

accepting! {
    malformed_enum(ops::malformed_enum::MalformedEnumInput) -> ops::malformed_enum::MalformedEnumError;
    malformed_length(ops::malformed_length::MalformedLengthInput) -> ops::malformed_length::MalformedLengthError;
    malformed_length_override(ops::malformed_length_override::MalformedLengthOverrideInput) -> ops::malformed_length_override::MalformedLengthOverrideError;
    malformed_length_query_string(ops::malformed_length_query_string::MalformedLengthQueryStringInput) -> ops::malformed_length_query_string::MalformedLengthQueryStringError;
    malformed_pattern(ops::malformed_pattern::MalformedPatternInput) -> ops::malformed_pattern::MalformedPatternError;
    malformed_pattern_override(ops::malformed_pattern_override::MalformedPatternOverrideInput) -> ops::malformed_pattern_override::MalformedPatternOverrideError;
    malformed_range(ops::malformed_range::MalformedRangeInput) -> ops::malformed_range::MalformedRangeError;
    malformed_range_override(ops::malformed_range_override::MalformedRangeOverrideInput) -> ops::malformed_range_override::MalformedRangeOverrideError;
    malformed_required(ops::malformed_required::MalformedRequiredInput) -> ops::malformed_required::MalformedRequiredError;
    malformed_unique_items(ops::malformed_unique_items::MalformedUniqueItemsInput) -> ops::malformed_unique_items::MalformedUniqueItemsError;
    recursive_structures(ops::recursive_structures::RecursiveStructuresInput) -> ops::recursive_structures::RecursiveStructuresError;
    sensitive_validation(ops::sensitive_validation::SensitiveValidationInput) -> ops::sensitive_validation::SensitiveValidationError;
}

/// Sends the case's request through the generated router, as a
/// `tower::Service`: what came back, and the input the service was given.
fn send(request: &Value) -> Result<(http_case::Answer, Option<Value>), String> {
    let request = http_case::request_of(request)?;
    let router = RestJsonValidationRouter::new(Accepting::default());
    let response = match http_case::block_on(router.clone().call(request)) {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let input = router.service().input.lock().unwrap().take();
    Ok((http_case::answer(response), input))
}

fn run_case(case: &MalformedCase) -> Outcome {
    if case.protocol != PROTOCOL {
        return Outcome::Skipped(format!("written for {}, not {PROTOCOL}", case.protocol));
    }
    let operation = name_of(&case.operation);
    let Some(schema) = input_schema(operation) else {
        return Outcome::Failed(format!("no operation {operation} in the generated crate"));
    };
    // Through HTTP, as a client sends it.
    match send(&case.case["request"]) {
        Err(e) => return Outcome::Failed(e),
        Ok((answer, _)) => {
            if let Some(why) = http_case::mismatch(&case.case["response"], &answer) {
                return Outcome::Failed(format!("over HTTP, {why}"));
            }
        }
    }
    // A case whose members are all in the body is checked by both body
    // readers and the walk too: they must agree to the letter.
    if !case.http_bound.is_empty() {
        return Outcome::Passed;
    }
    let Some(body) = &case.body_json else {
        return Outcome::Failed(format!("the request body is not JSON: {}", case.case["request"]["body"]));
    };
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
                matches(&case.expected, &actual).map_or(Outcome::Passed, |why| Outcome::Failed(format!("{how}, {why}")))
            }
        };
        if outcome != Outcome::Passed {
            return outcome;
        }
    }
    Outcome::Passed
}

/// Why the exception `actual` is not what `expected` asks for, if it is not.
fn matches(expected: &Expected, actual: &Value) -> Option<String> {
    match expected {
        Expected::Contents(expected) if expected == actual => None,
        Expected::Contents(expected) => Some(format!("expected {expected}\n     got {actual}")),
        Expected::MessageRegex(pattern) => {
            let message = actual["message"].as_str().unwrap_or_default();
            match regex::Regex::new(pattern) {
                Ok(regex) if regex.is_match(message) => None,
                Ok(_) => Some(format!("the message {message:?} does not match {pattern:?}")),
                Err(e) => Some(format!("the case's messageRegex {pattern:?} does not compile: {e}")),
            }
        }
        Expected::Unreadable(why) => Some(why.clone()),
    }
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

fn run_positive_case(case: &PositiveCase) -> Outcome {
    if case.protocol != PROTOCOL {
        return Outcome::Skipped(format!("written for {}, not {PROTOCOL}", case.protocol));
    }
    let operation = name_of(&case.operation);
    match send(&case.request) {
        Err(e) => return Outcome::Failed(e),
        Ok((answer, input)) if answer.status != 200 => {
            let body = String::from_utf8_lossy(&answer.body);
            return Outcome::Failed(format!("over HTTP, refused with {}: {body} (input {input:?})", answer.status));
        }
        Ok((_, Some(input))) if input != case.params => {
            return Outcome::Failed(format!("over HTTP, read as {input}, expected {}", case.params));
        }
        Ok(_) => {}
    }
    let Some(body) = &case.body_json else { return Outcome::Failed("the request body is not JSON".to_string()) };
    let Some(accepted) = parse_input(operation, &serde_json::to_vec(body).unwrap()) else {
        return Outcome::Failed(format!("no typed input known for {operation}"));
    };
    match accepted {
        Ok(value) if value == case.params => Outcome::Passed,
        Ok(value) => Outcome::Failed(format!("deserialised to {value}, expected {}", case.params)),
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
    let mut out = String::from(
        "Smithy validation suite (restJson1 validation/, from the IDL sources): requests sent over HTTP to the \
         generated restJson1 router\n\n",
    );
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
    for (id, why) in source::ERRATA {
        out.push_str(&format!("\ncorrected {id}: {why}"));
    }
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
