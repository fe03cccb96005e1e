//! Reading a request body into its typed input, each case three ways in one
//! run: serde_json alone (no checks: the floor), our one-pass
//! `validate::parse`, and a smithy-rs-style check written here (a typed
//! parse, then `chars().count()` lengths and a lazily compiled
//! `regex::Regex` per pattern, with default Unicode classes; as smithy-rs's
//! generated code does, a violation's path and message are built only when
//! it happens, and the first one ends the check).
//!
//! `cargo bench -p benchmarks --bench parse`; the ratios are in BENCHMARKS.md.

use std::sync::LazyLock;

use benchmarks::{DEREGISTER, DEREGISTER_INVALID, GET_TASK, GET_TASK_INVALID, GET_TASK_RESPONSE};
use divan::{Bencher, black_box};
use generated::runtime::Operation;
use generated::runtime::validate::parse;
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindow, DeregisterTaskFromMaintenanceWindowRequest,
};
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTask, GetMaintenanceWindowExecutionTaskRequest,
    GetMaintenanceWindowExecutionTaskResult,
};
use regex::Regex;

fn main() {
    // A thousand calls per sample: timing one call at a time measured the
    // clock as much as the call (divan picked one for anything over ~0.5 µs).
    divan::Divan::default().sample_size(1000).config_with_args().main();
}

/// The cases: (name, body).
const REQUESTS: &[(&str, &[u8])] = &[
    ("get_task", GET_TASK),
    ("get_task_invalid", GET_TASK_INVALID),
    ("deregister", DEREGISTER),
    ("deregister_invalid", DEREGISTER_INVALID),
];

// The smithy-rs-style baseline: what a generated server checks after serde
// has built the input, written out for these shapes.

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{12}$").unwrap()
});
static WINDOW_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^mw-[0-9a-f]{17}$").unwrap());
static MAX_ERRORS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$").unwrap());
static MAX_CONCURRENCY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$").unwrap());

/// A constraint check, as smithy-rs's generated code makes it: the path and
/// the message are built only when the value violates the constraint, and
/// the first violation ends the check.
fn check(
    path: impl FnOnce() -> String,
    text: &str,
    min: usize,
    max: usize,
    pattern: Option<&Regex>,
) -> Result<(), String> {
    let length = text.chars().count();
    if length < min || length > max {
        let path = path();
        return Err(format!(
            "Value with length {length} at '{path}' failed to satisfy constraint: Member must have length between {min} and {max}, inclusive"
        ));
    }
    if let Some(pattern) = pattern {
        if !pattern.is_match(text) {
            let path = path();
            return Err(format!(
                "Value at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
                pattern.as_str()
            ));
        }
    }
    Ok(())
}

fn at(path: &'static str) -> impl FnOnce() -> String {
    move || path.to_string()
}

fn baseline_get_task(body: &[u8]) -> Result<GetMaintenanceWindowExecutionTaskRequest, String> {
    let input: GetMaintenanceWindowExecutionTaskRequest = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    check(at("/WindowExecutionId"), &input.window_execution_id, 36, 36, Some(&UUID))?;
    check(at("/TaskId"), &input.task_id, 36, 36, Some(&UUID))?;
    Ok(input)
}

fn baseline_deregister(body: &[u8]) -> Result<DeregisterTaskFromMaintenanceWindowRequest, String> {
    let input: DeregisterTaskFromMaintenanceWindowRequest = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    check(at("/WindowId"), &input.window_id, 20, 20, Some(&WINDOW_ID))?;
    check(at("/WindowTaskId"), &input.window_task_id, 36, 36, Some(&UUID))?;
    Ok(input)
}

fn baseline_response(body: &[u8]) -> Result<GetMaintenanceWindowExecutionTaskResult, String> {
    let output: GetMaintenanceWindowExecutionTaskResult = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let optional = |path, text: &Option<String>, min, max, pattern| match text {
        Some(text) => check(at(path), text, min, max, pattern),
        None => Ok(()),
    };
    optional("/WindowExecutionId", &output.window_execution_id, 36, 36, Some(&UUID))?;
    optional("/TaskExecutionId", &output.task_execution_id, 36, 36, Some(&UUID))?;
    optional("/TaskArn", &output.task_arn, 1, 1600, None)?;
    for (i, parameters) in output.task_parameters.iter().flatten().enumerate() {
        for (name, expression) in parameters {
            check(|| format!("/TaskParameters/{i}"), name, 1, 255, None)?;
            for (j, value) in expression.values.iter().flatten().enumerate() {
                check(|| format!("/TaskParameters/{i}/{name}/Values/{j}"), value, 1, 255, None)?;
            }
        }
    }
    if output.priority < 0 {
        return Err(
            "Value at '/Priority' failed to satisfy constraint: Member must be greater than or equal to 0".into()
        );
    }
    optional("/MaxConcurrency", &output.max_concurrency, 1, 7, Some(&MAX_CONCURRENCY))?;
    optional("/MaxErrors", &output.max_errors, 1, 7, Some(&MAX_ERRORS))?;
    optional("/StatusDetails", &output.status_details, 0, 250, None)?;
    Ok(output)
}

fn body(case: &str) -> &'static [u8] {
    REQUESTS.iter().find(|(name, _)| *name == case).map(|(_, body)| *body).unwrap()
}

mod get_task {
    use super::*;

    #[divan::bench(args = ["get_task", "get_task_invalid"])]
    fn serde_alone(bencher: Bencher, case: &str) {
        let body = body(case);
        bencher.bench(|| serde_json::from_slice::<GetMaintenanceWindowExecutionTaskRequest>(black_box(body)).is_ok());
    }

    #[divan::bench(args = ["get_task", "get_task_invalid"])]
    fn ours(bencher: Bencher, case: &str) {
        let body = body(case);
        let schema = GetMaintenanceWindowExecutionTask::INPUT_SCHEMA;
        bencher.bench(|| parse::<GetMaintenanceWindowExecutionTaskRequest>(schema, black_box(body)).is_ok());
    }

    #[divan::bench(args = ["get_task", "get_task_invalid"])]
    fn smithy_rs_style(bencher: Bencher, case: &str) {
        let body = body(case);
        bencher.bench(|| baseline_get_task(black_box(body)).is_ok());
    }
}

mod deregister {
    use super::*;

    #[divan::bench(args = ["deregister", "deregister_invalid"])]
    fn serde_alone(bencher: Bencher, case: &str) {
        let body = body(case);
        bencher.bench(|| serde_json::from_slice::<DeregisterTaskFromMaintenanceWindowRequest>(black_box(body)).is_ok());
    }

    #[divan::bench(args = ["deregister", "deregister_invalid"])]
    fn ours(bencher: Bencher, case: &str) {
        let body = body(case);
        let schema = DeregisterTaskFromMaintenanceWindow::INPUT_SCHEMA;
        bencher.bench(|| parse::<DeregisterTaskFromMaintenanceWindowRequest>(schema, black_box(body)).is_ok());
    }

    #[divan::bench(args = ["deregister", "deregister_invalid"])]
    fn smithy_rs_style(bencher: Bencher, case: &str) {
        let body = body(case);
        bencher.bench(|| baseline_deregister(black_box(body)).is_ok());
    }
}

mod response {
    use super::*;

    #[divan::bench]
    fn serde_alone(bencher: Bencher) {
        bencher.bench(|| {
            serde_json::from_slice::<GetMaintenanceWindowExecutionTaskResult>(black_box(GET_TASK_RESPONSE)).is_ok()
        });
    }

    #[divan::bench]
    fn ours(bencher: Bencher) {
        let schema = GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA;
        bencher
            .bench(|| parse::<GetMaintenanceWindowExecutionTaskResult>(schema, black_box(GET_TASK_RESPONSE)).is_ok());
    }

    #[divan::bench]
    fn smithy_rs_style(bencher: Bencher) {
        bencher.bench(|| baseline_response(black_box(GET_TASK_RESPONSE)).is_ok());
    }
}
