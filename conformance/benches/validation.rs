//! Validation cost on hostile input: `cargo bench -p conformance`.
//!
//! - a 1 MB alarm name against SSM's look-ahead pattern `^(?!\s*$).+$`
//!   (a backtracking pattern; the member's length limit of 255 is checked
//!   first, so the pattern never sees the megabyte);
//! - the suite's ReDoS case `^([0-9]+)+$`, 84 zeros and a `!`, and the same
//!   shape at 1 MB (a linear-time automaton, whatever the input);
//! - for comparison, the raw engines on 1 MB without the length check.

use divan::Bencher;
use generated::runtime::Operation;
use generated::runtime::validate::validate;
use generated::ssm::operation::get_maintenance_window_execution_task::GetMaintenanceWindowExecutionTask;
use serde_json::{Value, json};
use validation_suite::rest_json_validation::validation::{EVIL_STRING_PATTERN, MALFORMED_PATTERN_INPUT};
// Each generated crate carries its own runtime.
use validation_suite::runtime::validate::validate as suite_validate;

const MEGABYTE: usize = 1 << 20;

fn main() {
    divan::main();
}

fn alarm_response(name: String) -> Value {
    json!({"TriggeredAlarms": [{"Name": name, "State": "ALARM"}]})
}

#[divan::bench]
fn look_ahead_pattern_1mb_through_validation(bencher: Bencher) {
    let body = alarm_response(" ".repeat(MEGABYTE));
    bencher.bench(|| validate(GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA, divan::black_box(&body)).is_err());
}

#[divan::bench]
fn look_ahead_pattern_255_through_validation(bencher: Bencher) {
    let body = alarm_response(" ".repeat(255));
    bencher.bench(|| validate(GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA, divan::black_box(&body)).is_err());
}

#[divan::bench]
fn redos_suite_case(bencher: Bencher) {
    let body = json!({"evilString": format!("{}!", "0".repeat(84))});
    bencher.bench(|| suite_validate(&MALFORMED_PATTERN_INPUT, divan::black_box(&body)).is_err());
}

#[divan::bench]
fn redos_1mb(bencher: Bencher) {
    let body = json!({"evilString": format!("{}!", "0".repeat(MEGABYTE))});
    bencher.bench(|| suite_validate(&MALFORMED_PATTERN_INPUT, divan::black_box(&body)).is_err());
}

#[divan::bench]
fn raw_look_ahead_engine_1mb(bencher: Bencher) {
    let text = " ".repeat(MEGABYTE);
    bencher.bench(|| generated::ssm::validation::ALARM_NAME_PATTERN.is_match(divan::black_box(&text)));
}

#[divan::bench]
fn raw_redos_engine_1mb(bencher: Bencher) {
    let text = format!("{}!", "0".repeat(MEGABYTE));
    bencher.bench(|| EVIL_STRING_PATTERN.is_match(divan::black_box(&text)));
}
