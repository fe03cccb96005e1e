//! Every constraint the two seed reference pages state: a value just inside
//! passes, a value just outside fails with the exact message and path. The
//! error bodies are snapshotted (tests/snapshots), so any change of wording
//! is a reviewed diff.

use generated::runtime::Operation;
use generated::runtime::validate::{self, MAX_VIOLATIONS, Rejection, Structure, ValidationException};
use generated::ssm::operation::deregister_task_from_maintenance_window::DeregisterTaskFromMaintenanceWindow as Deregister;
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTask as Get, GetMaintenanceWindowExecutionTaskRequest,
};
use serde_json::{Value, json};

const UUID: &str = "0c9ac961-dafd-4a94-b6c7-1bef3a0b1c2d";
const WINDOW_ID: &str = "mw-0c50858d01abcdef0";
const UUID_PATTERN: &str = r"^[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{12}$";

fn get_request() -> Value {
    json!({"WindowExecutionId": UUID, "TaskId": UUID})
}

fn deregister_request() -> Value {
    json!({"WindowId": WINDOW_ID, "WindowTaskId": UUID})
}

/// A response that satisfies every constraint; cases change one member.
fn get_response() -> Value {
    json!({
        "WindowExecutionId": UUID, "TaskExecutionId": UUID, "TaskArn": "AWS-RunPatchBaseline",
        "ServiceRole": "arn:aws:iam::111122223333:role/x", "Type": "RUN_COMMAND",
        "TaskParameters": [{"aws:InstanceId": {"Values": ["i-02573cafcf0123456", "i-0471e042400123456", "x"]}}],
        "Priority": 1, "MaxConcurrency": "1", "MaxErrors": "3", "Status": "SUCCESS", "StatusDetails": "",
        "StartTime": 1722797135.088, "EndTime": 1722797289.079,
        "AlarmConfiguration": {"IgnorePollAlarmFailure": false, "Alarms": [{"Name": "cpu-high"}]},
        "TriggeredAlarms": [{"Name": "cpu-high", "State": "ALARM"}]
    })
}

/// `base` with the value at JSON Pointer `at` replaced (or removed for `None`).
fn with(mut base: Value, at: &str, value: Option<Value>) -> Value {
    let (parent, key) = at.rsplit_once('/').unwrap();
    let target = base.pointer_mut(parent).unwrap_or_else(|| panic!("{parent}"));
    match (target, value) {
        (Value::Object(map), Some(value)) => {
            map.insert(key.to_string(), value);
        }
        (Value::Object(map), None) => {
            map.remove(key);
        }
        (Value::Array(items), Some(value)) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("cannot set {at}"),
    }
    base
}

fn outcome(schema: &Structure, body: &Value) -> Result<(), ValidationException> {
    match validate::validate(schema, body) {
        Ok(()) => Ok(()),
        Err(Rejection::Invalid(e)) => Err(e),
        Err(Rejection::Malformed(e)) => panic!("malformed, not invalid: {e}"),
    }
}

/// A value just outside a constraint, and the one violation it must cause.
struct Outside {
    name: &'static str,
    schema: &'static Structure,
    body: Value,
    path: &'static str,
    message: String,
}

fn length(n: usize, path: &str, bounds: &str) -> String {
    format!("Value with length {n} at '{path}' failed to satisfy constraint: Member must have length {bounds}")
}

fn constraint(path: &str, text: &str) -> String {
    format!("Value at '{path}' failed to satisfy constraint: {text}")
}

// One case a line: the table reads down its columns.
#[rustfmt::skip]
fn outside_cases() -> Vec<Outside> {
    let (input, dereg_input, output) = (Get::INPUT_SCHEMA, Deregister::INPUT_SCHEMA, Get::OUTPUT_SCHEMA);
    let uuid_pattern = format!("Member must satisfy regular expression pattern: {UUID_PATTERN}");
    let between = |a: usize, b: usize| format!("between {a} and {b}, inclusive");
    let case = |name, schema, body, path, message| Outside { name, schema, body, path, message };
    let response = get_response;
    vec![
        case("TaskId one short", input, with(get_request(), "/TaskId", Some(json!(&UUID[1..]))), "/TaskId", length(35, "/TaskId", &between(36, 36))),
        case("TaskId one long", input, with(get_request(), "/TaskId", Some(json!(format!("{UUID}a")))), "/TaskId", length(37, "/TaskId", &between(36, 36))),
        case("TaskId not hex", input, with(get_request(), "/TaskId", Some(json!("0c9ac961-dafd-4a94-b6c7-1bef3EXAMPLE"))), "/TaskId", constraint("/TaskId", &uuid_pattern)),
        case("TaskId missing", input, with(get_request(), "/TaskId", None), "/TaskId", constraint("/TaskId", "Member must not be null")),
        case("WindowExecutionId null", input, with(get_request(), "/WindowExecutionId", Some(Value::Null)), "/WindowExecutionId", constraint("/WindowExecutionId", "Member must not be null")),
        case("WindowExecutionId one short", input, with(get_request(), "/WindowExecutionId", Some(json!(&UUID[..35]))), "/WindowExecutionId", length(35, "/WindowExecutionId", &between(36, 36))),
        case("WindowExecutionId not hex", input, with(get_request(), "/WindowExecutionId", Some(json!("b40a588d-32a7-4ea7-9a6b-b4efEXAMPLE0"))), "/WindowExecutionId", constraint("/WindowExecutionId", &uuid_pattern)),
        case("WindowId one short", dereg_input, with(deregister_request(), "/WindowId", Some(json!(&WINDOW_ID[..19]))), "/WindowId", length(19, "/WindowId", &between(20, 20))),
        case("WindowId one long", dereg_input, with(deregister_request(), "/WindowId", Some(json!(format!("{WINDOW_ID}0")))), "/WindowId", length(21, "/WindowId", &between(20, 20))),
        case("WindowId upper-case hex", dereg_input, with(deregister_request(), "/WindowId", Some(json!("mw-0C50858D01ABCDEF0"))), "/WindowId", constraint("/WindowId", r"Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$")),
        case("WindowTaskId not hex", dereg_input, with(deregister_request(), "/WindowTaskId", Some(json!("50772993-c6b5-4a2a-8d04-7bfd7EXAMPLE"))), "/WindowTaskId", constraint("/WindowTaskId", &uuid_pattern)),
        case("TaskExecutionId one long", output, with(response(), "/TaskExecutionId", Some(json!(format!("{UUID}0")))), "/TaskExecutionId", length(37, "/TaskExecutionId", &between(36, 36))),
        case("MaxConcurrency empty", output, with(response(), "/MaxConcurrency", Some(json!(""))), "/MaxConcurrency", length(0, "/MaxConcurrency", &between(1, 7))),
        case("MaxConcurrency eight long", output, with(response(), "/MaxConcurrency", Some(json!("12345678"))), "/MaxConcurrency", length(8, "/MaxConcurrency", &between(1, 7))),
        case("MaxConcurrency zero", output, with(response(), "/MaxConcurrency", Some(json!("0"))), "/MaxConcurrency", constraint("/MaxConcurrency", r"Member must satisfy regular expression pattern: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$")),
        case("MaxConcurrency 101%", output, with(response(), "/MaxConcurrency", Some(json!("101%"))), "/MaxConcurrency", constraint("/MaxConcurrency", r"Member must satisfy regular expression pattern: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$")),
        case("MaxErrors empty", output, with(response(), "/MaxErrors", Some(json!(""))), "/MaxErrors", length(0, "/MaxErrors", &between(1, 7))),
        case("MaxErrors eight long", output, with(response(), "/MaxErrors", Some(json!("10000000"))), "/MaxErrors", length(8, "/MaxErrors", &between(1, 7))),
        case("MaxErrors 00", output, with(response(), "/MaxErrors", Some(json!("00"))), "/MaxErrors", constraint("/MaxErrors", r"Member must satisfy regular expression pattern: ^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$")),
        case("StatusDetails 251 long", output, with(response(), "/StatusDetails", Some(json!("x".repeat(251)))), "/StatusDetails", length(251, "/StatusDetails", &between(0, 250))),
        case("TaskArn empty", output, with(response(), "/TaskArn", Some(json!(""))), "/TaskArn", length(0, "/TaskArn", &between(1, 1600))),
        case("TaskArn 1601 long", output, with(response(), "/TaskArn", Some(json!("a".repeat(1601)))), "/TaskArn", length(1601, "/TaskArn", &between(1, 1600))),
        case("Priority below 0", output, with(response(), "/Priority", Some(json!(-1))), "/Priority", constraint("/Priority", "Member must be greater than or equal to 0")),
        case("Status unknown", output, with(response(), "/Status", Some(json!("RUNNING"))), "/Status", constraint("/Status", "Member must satisfy enum value set: [PENDING, IN_PROGRESS, SUCCESS, FAILED, TIMED_OUT, CANCELLING, CANCELLED, SKIPPED_OVERLAPPING]")),
        case("Type unknown", output, with(response(), "/Type", Some(json!("run_command"))), "/Type", constraint("/Type", "Member must satisfy enum value set: [RUN_COMMAND, AUTOMATION, STEP_FUNCTIONS, LAMBDA]")),
        case("TriggeredAlarms empty", output, with(response(), "/TriggeredAlarms", Some(json!([]))), "/TriggeredAlarms", length(0, "/TriggeredAlarms", &between(1, 1))),
        case("TriggeredAlarms two", output, with(response(), "/TriggeredAlarms", Some(json!([{"Name": "a", "State": "ALARM"}, {"Name": "b", "State": "UNKNOWN"}]))), "/TriggeredAlarms", length(2, "/TriggeredAlarms", &between(1, 1))),
        case("TriggeredAlarms state unknown", output, with(response(), "/TriggeredAlarms/0/State", Some(json!("OK"))), "/TriggeredAlarms/0/State", constraint("/TriggeredAlarms/0/State", "Member must satisfy enum value set: [UNKNOWN, ALARM]")),
        case("TriggeredAlarms name blank", output, with(response(), "/TriggeredAlarms/0/Name", Some(json!("   "))), "/TriggeredAlarms/0/Name", constraint("/TriggeredAlarms/0/Name", r"Member must satisfy regular expression pattern: ^(?!\s*$).+$")),
        case("TriggeredAlarms name 256 long", output, with(response(), "/TriggeredAlarms/0/Name", Some(json!("a".repeat(256)))), "/TriggeredAlarms/0/Name", length(256, "/TriggeredAlarms/0/Name", &between(1, 255))),
        case("Alarms missing", output, with(response(), "/AlarmConfiguration/Alarms", None), "/AlarmConfiguration/Alarms", constraint("/AlarmConfiguration/Alarms", "Member must not be null")),
        case("Alarms two", output, with(response(), "/AlarmConfiguration/Alarms", Some(json!([{"Name": "a"}, {"Name": "b"}]))), "/AlarmConfiguration/Alarms", length(2, "/AlarmConfiguration/Alarms", &between(1, 1))),
        case("task parameter key empty", output, with(response(), "/TaskParameters/0", Some(json!({"": {"Values": ["x"]}}))), "/TaskParameters/0", length(0, "/TaskParameters/0", &between(1, 255))),
        case("task parameter key 256 long", output, with(response(), "/TaskParameters/0", Some(json!({"k".repeat(256): {"Values": ["x"]}}))), "/TaskParameters/0", length(256, "/TaskParameters/0", &between(1, 255))),
        // The parameter map is @sensitive: its keys are never shown.
        case("task parameter value empty", output, with(response(), "/TaskParameters/0/aws:InstanceId/Values/2", Some(json!(""))), "/TaskParameters/0/*redacted*/Values/2", length(0, "/TaskParameters/0/*redacted*/Values/2", &between(1, 255))),
        case("task parameter value 256 long", output, with(response(), "/TaskParameters/0/aws:InstanceId/Values/2", Some(json!("v".repeat(256)))), "/TaskParameters/0/*redacted*/Values/2", length(256, "/TaskParameters/0/*redacted*/Values/2", &between(1, 255))),
    ]
}

/// Values just inside each constraint: (what, schema, body).
fn inside_cases() -> Vec<(&'static str, &'static Structure, Value)> {
    let output = Get::OUTPUT_SCHEMA;
    let r = get_response;
    vec![
        ("requests with hex IDs", Get::INPUT_SCHEMA, get_request()),
        ("upper-case hex UUIDs", Get::INPUT_SCHEMA, json!({"WindowExecutionId": UUID.to_uppercase(), "TaskId": UUID})),
        ("deregister request", Deregister::INPUT_SCHEMA, deregister_request()),
        ("the valid response", output, r()),
        ("MaxConcurrency seven long", output, with(r(), "/MaxConcurrency", Some(json!("1234567")))),
        ("MaxConcurrency 100%", output, with(r(), "/MaxConcurrency", Some(json!("100%")))),
        ("MaxConcurrency 9%", output, with(r(), "/MaxConcurrency", Some(json!("9%")))),
        ("MaxErrors 0", output, with(r(), "/MaxErrors", Some(json!("0")))),
        ("MaxErrors 0%", output, with(r(), "/MaxErrors", Some(json!("0%")))),
        ("StatusDetails 250 long", output, with(r(), "/StatusDetails", Some(json!("x".repeat(250))))),
        ("TaskArn one long", output, with(r(), "/TaskArn", Some(json!("a")))),
        ("TaskArn 1600 long", output, with(r(), "/TaskArn", Some(json!("a".repeat(1600))))),
        ("Priority 0", output, with(r(), "/Priority", Some(json!(0)))),
        ("every Status", output, with(r(), "/Status", Some(json!("SKIPPED_OVERLAPPING")))),
        ("every Type", output, with(r(), "/Type", Some(json!("LAMBDA")))),
        ("alarm name with a space first", output, with(r(), "/TriggeredAlarms/0/Name", Some(json!(" a")))),
        ("alarm name 255 long", output, with(r(), "/TriggeredAlarms/0/Name", Some(json!("a".repeat(255))))),
        (
            "task parameter key 255 long",
            output,
            with(r(), "/TaskParameters/0", Some(json!({"k".repeat(255): {"Values": ["x"]}}))),
        ),
        (
            "task parameter value 255 long",
            output,
            with(r(), "/TaskParameters/0/aws:InstanceId/Values/2", Some(json!("v".repeat(255)))),
        ),
        ("no optional members", output, json!({})),
    ]
}

#[test]
fn values_just_inside_every_constraint_pass() {
    for (what, schema, body) in inside_cases() {
        if let Err(e) = outcome(schema, &body) {
            panic!("{what}: {e}");
        }
    }
}

#[test]
fn values_just_outside_every_constraint_fail_with_the_exact_message() {
    for case in outside_cases() {
        let error = outcome(case.schema, &case.body).expect_err(case.name);
        assert_eq!(error.field_list.len(), 1, "{}: {error}", case.name);
        assert_eq!(error.field_list[0].path, case.path, "{}", case.name);
        assert_eq!(error.field_list[0].message, case.message, "{}", case.name);
        assert_eq!(error.message, format!("1 validation error detected. {}", case.message), "{}", case.name);
    }
}

#[test]
fn validation_error_bodies() {
    let bodies: Vec<Value> = outside_cases()
        .into_iter()
        .map(|case| json!({"case": case.name, "body": outcome(case.schema, &case.body).unwrap_err()}))
        .collect();
    insta::assert_snapshot!(serde_json::to_string_pretty(&bodies).unwrap());
}

/// The pages' sample requests carry the placeholder `EXAMPLE` in their IDs:
/// one violation per ID. Three IDs keep their fixed length and break only
/// the pattern; `b40a588d-32a7-4ea7-9a6b-b4ef436EXAMPLE` is 38 characters
/// (the placeholder stands for 12 hex digits with 14), so it breaks the
/// fixed length of 36 first, and a value over its length limit is not run
/// against its pattern. With real hex IDs of the right length they pass.
#[test]
fn the_seed_sample_requests() {
    let sample = |name: &str| -> Value {
        let path = format!("{}/tests/seeds/{name}.request.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let uuid_pattern = format!("Member must satisfy regular expression pattern: {UUID_PATTERN}");
    let get_sample = sample("GetMaintenanceWindowExecutionTask");
    assert_eq!(get_sample["WindowExecutionId"].as_str().unwrap().chars().count(), 38);
    let get = outcome(Get::INPUT_SCHEMA, &get_sample).unwrap_err();
    assert_eq!(
        get.message,
        format!(
            "2 validation errors detected. {}; {}",
            length(38, "/WindowExecutionId", "between 36 and 36, inclusive"),
            constraint("/TaskId", &uuid_pattern)
        )
    );
    let deregister = outcome(Deregister::INPUT_SCHEMA, &sample("DeregisterTaskFromMaintenanceWindow")).unwrap_err();
    assert_eq!(
        deregister.message,
        format!(
            "2 validation errors detected. {}; {}",
            constraint("/WindowId", r"Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$"),
            constraint("/WindowTaskId", &uuid_pattern)
        )
    );

    // Each placeholder replaced by hex digits, as many as the ID's format needs.
    let real = |mut body: Value, lengths: &[(&str, usize)]| {
        for (member, length) in lengths {
            let id = body[member].as_str().unwrap();
            let digits = length - (id.len() - "EXAMPLE".len());
            body[member] = json!(id.replace("EXAMPLE", &"abcdef0123456789"[..digits]));
        }
        body
    };
    let get_fixed = real(get_sample, &[("WindowExecutionId", 36), ("TaskId", 36)]);
    let dereg_fixed = real(sample("DeregisterTaskFromMaintenanceWindow"), &[("WindowId", 20), ("WindowTaskId", 36)]);
    outcome(Get::INPUT_SCHEMA, &get_fixed).unwrap();
    outcome(Deregister::INPUT_SCHEMA, &dereg_fixed).unwrap();
    let typed: GetMaintenanceWindowExecutionTaskRequest =
        validate::parse(Get::INPUT_SCHEMA, get_fixed.to_string().as_bytes()).unwrap();
    assert_eq!(typed.window_execution_id, "b40a588d-32a7-4ea7-9a6b-b4ef436abcde");
}

#[test]
fn every_violation_is_reported_in_model_order() {
    let body = json!({"WindowExecutionId": "x", "TaskExecutionId": "y", "Priority": -5, "MaxErrors": "",
                      "Status": "?", "TriggeredAlarms": [{"Name": " "}]});
    let error = outcome(Get::OUTPUT_SCHEMA, &body).unwrap_err();
    let paths: Vec<&str> = error.field_list.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/WindowExecutionId",
            "/TaskExecutionId",
            "/Priority",
            "/MaxErrors",
            "/Status",
            "/TriggeredAlarms/0/Name",
            "/TriggeredAlarms/0/State"
        ]
    );
    assert!(
        error.message.starts_with("7 validation errors detected. Value with length 1 at '/WindowExecutionId'"),
        "{}",
        error.message
    );
}

#[test]
fn violations_are_capped() {
    let values: Vec<Value> = (0..1000).map(|_| json!("")).collect();
    let body = with(get_response(), "/TaskParameters/0/aws:InstanceId/Values", Some(Value::Array(values)));
    let error = outcome(Get::OUTPUT_SCHEMA, &body).unwrap_err();
    assert_eq!(error.field_list.len(), MAX_VIOLATIONS);
    assert!(error.message.starts_with("100 validation errors detected. "));
}

#[test]
fn values_are_never_echoed() {
    let secret = "s3cr3t-value-that-must-not-leak";
    let body = with(
        get_response(),
        "/TaskParameters/0/aws:InstanceId/Values/2",
        Some(json!(format!("{secret}{}", "x".repeat(300)))),
    );
    let error = outcome(Get::OUTPUT_SCHEMA, &body).unwrap_err();
    assert!(!format!("{error:?} {error}").contains(secret));
}

#[test]
fn malformed_bodies_are_not_validation_errors() {
    for (body, expected) in [
        (&b"{"[..], "the body is not valid JSON"),
        (&br#"{"WindowExecutionId": 5, "TaskId": "x"}"#[..], "expected a string at '/WindowExecutionId'"),
        (&b"[]"[..], "expected a JSON object"),
    ] {
        match validate::parse::<GetMaintenanceWindowExecutionTaskRequest>(Get::INPUT_SCHEMA, body) {
            Err(Rejection::Malformed(e)) => assert!(e.to_string().contains(expected), "{e}"),
            other => panic!("{other:?}"),
        }
    }
    let priority = with(get_response(), "/Priority", Some(json!(4_294_967_296i64)));
    match validate::validate(Get::OUTPUT_SCHEMA, &priority) {
        Err(Rejection::Malformed(e)) => {
            assert_eq!(e.to_string(), "expected a whole number that fits a 32-bit integer at '/Priority'")
        }
        other => panic!("{other:?}"),
    }
    // An empty body is an empty object.
    let empty = validate::parse::<GetMaintenanceWindowExecutionTaskRequest>(Get::INPUT_SCHEMA, b"").unwrap_err();
    assert!(matches!(empty, Rejection::Invalid(e) if e.field_list.len() == 2));
}
