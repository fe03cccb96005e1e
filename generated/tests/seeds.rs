//! The sample requests and responses of the two seed reference pages
//! (copied into `tests/seeds/`) go through the generated types and back.
//!
//! Timestamps: the reference page prints `StartTime` and `EndTime` as ISO
//! 8601 strings with an offset, which is how awscli renders them. On the
//! awsJson1.1 wire they are epoch seconds, a JSON number with an optional
//! fraction. The tests convert each ISO string to the number an AWS service
//! sends (`2024-08-04T11:45:35.088000-07:00` is `1722797135.088`), check that
//! the generated types read and write exactly that, and that the value
//! prints as the same instant in UTC (`2024-08-04T18:45:35.088Z`).

use generated::runtime::{ErrorShape, Fault, Timestamp};
use generated::ssm::error::{DoesNotExistException, InternalServerError};
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindowError, DeregisterTaskFromMaintenanceWindowRequest,
    DeregisterTaskFromMaintenanceWindowResult,
};
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTaskRequest, GetMaintenanceWindowExecutionTaskResult,
};
use generated::ssm::types::{MaintenanceWindowExecutionStatus, MaintenanceWindowTaskType};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn sample(name: &str) -> Value {
    let path = format!("{}/tests/seeds/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Reads `wire` into `T` and writes it back; the JSON must be unchanged.
fn round_trip<T: DeserializeOwned + Serialize>(wire: &Value) -> T {
    let value: T = serde_json::from_value(wire.clone()).expect("the sample deserialises");
    assert_eq!(&serde_json::to_value(&value).unwrap(), wire, "the sample serialises back unchanged");
    value
}

/// The sample response as an AWS service sends it: ISO timestamps become
/// epoch seconds.
fn on_the_wire(mut response: Value) -> Value {
    for member in ["StartTime", "EndTime"] {
        let iso = response[member].as_str().expect("the page prints an ISO string").to_string();
        let instant = Timestamp::parse_rfc3339(&iso).unwrap();
        response[member] = json!(instant.as_epoch_seconds_f64());
    }
    response
}

#[test]
fn get_maintenance_window_execution_task_request() {
    let request: GetMaintenanceWindowExecutionTaskRequest =
        round_trip(&sample("GetMaintenanceWindowExecutionTask.request"));
    assert_eq!(request.window_execution_id, "b40a588d-32a7-4ea7-9a6b-b4ef436EXAMPLE");
    assert_eq!(request.task_id, "0c9ac961-dafd-4a94-b6c7-1bef3EXAMPLE");
}

#[test]
fn get_maintenance_window_execution_task_response() {
    let wire = on_the_wire(sample("GetMaintenanceWindowExecutionTask.response"));
    assert_eq!(wire["StartTime"], json!(1722797135.088));
    assert_eq!(wire["EndTime"], json!(1722797289.079));

    let result: GetMaintenanceWindowExecutionTaskResult = round_trip(&wire);
    assert_eq!(result.r#type, Some(MaintenanceWindowTaskType::RunCommand));
    assert_eq!(result.status, Some(MaintenanceWindowExecutionStatus::Success));
    assert_eq!(result.priority, 1);
    assert_eq!(result.max_concurrency.as_deref(), Some("1"));
    assert_eq!(result.max_errors.as_deref(), Some("3"));
    assert_eq!(result.task_arn.as_deref(), Some("AWS-RunPatchBaseline"));
    assert_eq!(result.start_time.unwrap().to_string(), "2024-08-04T18:45:35.088Z");
    assert_eq!(result.end_time.unwrap().to_string(), "2024-08-04T18:48:09.079Z");
    let parameters = &result.task_parameters.as_ref().unwrap()[0];
    assert_eq!(parameters.len(), 6);
    assert_eq!(parameters["aws:InstanceId"].values.as_ref().unwrap().len(), 3);
    assert_eq!(parameters["Operation"].values.as_deref(), Some(&["Scan".to_string()][..]));
    assert_eq!(parameters["BaselineOverride"].values.as_deref(), Some(&[String::new()][..]));
}

#[test]
fn sensitive_task_parameters_never_print() {
    let wire = on_the_wire(sample("GetMaintenanceWindowExecutionTask.response"));
    let result: GetMaintenanceWindowExecutionTaskResult = serde_json::from_value(wire).unwrap();
    let printed = format!("{result:?}");
    assert!(printed.contains("task_parameters: *** Sensitive Data Redacted ***"), "{printed}");
    for secret in ["i-02573cafcfEXAMPLE", "RebootIfNeeded", "Scan", "ORCHESTRATION_ID"] {
        assert!(!printed.contains(secret), "Debug leaked {secret}: {printed}");
    }
    // Non-sensitive members still print.
    assert!(printed.contains("AWS-RunPatchBaseline"), "{printed}");
    let value = &result.task_parameters.as_ref().unwrap()[0]["Operation"];
    assert_eq!(
        format!("{value:?}"),
        "MaintenanceWindowTaskParameterValueExpression { values: *** Sensitive Data Redacted *** }"
    );
}

#[test]
fn deregister_task_from_maintenance_window_request_and_response() {
    let request: DeregisterTaskFromMaintenanceWindowRequest =
        round_trip(&sample("DeregisterTaskFromMaintenanceWindow.request"));
    assert_eq!(request.window_id, "mw-0c50858d01EXAMPLE");
    assert_eq!(request.window_task_id, "50772993-c6b5-4a2a-8d04-7bfd7EXAMPLE");
    let result: DeregisterTaskFromMaintenanceWindowResult =
        round_trip(&sample("DeregisterTaskFromMaintenanceWindow.response"));
    assert_eq!(result.window_id.as_deref(), Some("mw-0c50858d01EXAMPLE"));
    assert_eq!(result.window_task_id.as_deref(), Some("50772993-c6b5-4a2a-8d04-7bfd7EXAMPLE"));
}

#[test]
fn required_members_are_required() {
    let missing = serde_json::from_value::<DeregisterTaskFromMaintenanceWindowRequest>(
        json!({"WindowId": "mw-0c50858d01abcdef0"}),
    );
    assert!(missing.unwrap_err().to_string().contains("missing field `WindowTaskId`"));
}

#[test]
fn optional_and_default_members() {
    let empty: GetMaintenanceWindowExecutionTaskResult = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty, GetMaintenanceWindowExecutionTaskResult::default());
    // Absent optional members are left out; Priority has @default(0) and is always written.
    assert_eq!(serde_json::to_value(&empty).unwrap(), json!({"Priority": 0}));
    // JSON null reads as absent.
    let nulls: GetMaintenanceWindowExecutionTaskResult =
        serde_json::from_value(json!({"TaskArn": null, "StartTime": null})).unwrap();
    assert_eq!(nulls, empty);
}

#[test]
fn enums_use_the_exact_wire_values() {
    let types: Vec<&str> = MaintenanceWindowTaskType::VALUES.iter().map(|t| t.as_str()).collect();
    assert_eq!(types, ["RUN_COMMAND", "AUTOMATION", "STEP_FUNCTIONS", "LAMBDA"]);
    let statuses: Vec<&str> = MaintenanceWindowExecutionStatus::VALUES.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        statuses,
        ["PENDING", "IN_PROGRESS", "SUCCESS", "FAILED", "TIMED_OUT", "CANCELLING", "CANCELLED", "SKIPPED_OVERLAPPING"]
    );
    for status in MaintenanceWindowExecutionStatus::VALUES {
        assert_eq!(serde_json::to_value(status).unwrap(), json!(status.as_str()));
        assert_eq!(status.as_str().parse::<MaintenanceWindowExecutionStatus>().unwrap(), *status);
        assert_eq!(status.to_string(), status.as_str());
    }
    let unknown = "RUNNING".parse::<MaintenanceWindowExecutionStatus>().unwrap_err();
    assert_eq!(unknown.to_string(), "\"RUNNING\" is not a value of MaintenanceWindowExecutionStatus");
    assert!(serde_json::from_value::<MaintenanceWindowTaskType>(json!("run_command")).is_err());
}

#[test]
fn errors_carry_their_wire_name_fault_and_status() {
    assert_eq!(DoesNotExistException::NAME, "DoesNotExistException");
    assert_eq!(DoesNotExistException::FAULT, Fault::Client);
    assert_eq!(DoesNotExistException::HTTP_STATUS, 400);
    assert_eq!(InternalServerError::FAULT, Fault::Server);
    assert_eq!(InternalServerError::HTTP_STATUS, 500);
    let error = DoesNotExistException { message: Some("no such window".to_string()) };
    assert_eq!(error.to_string(), "DoesNotExistException: no such window");
    let error: DeregisterTaskFromMaintenanceWindowError = error.into();
    assert_eq!(error.to_string(), "DoesNotExistException: no such window");
    assert_eq!(serde_json::to_value(InternalServerError::default()).unwrap(), json!({}));
    assert_eq!(
        serde_json::from_value::<DoesNotExistException>(json!({"Message": "gone"})).unwrap().message.as_deref(),
        Some("gone")
    );
}
