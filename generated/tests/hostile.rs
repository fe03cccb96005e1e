//! Requests built to hurt, through the generated router: an error body
//! stays small whatever is sent, and nothing a client sends comes back in
//! one.

mod common;

use common::block_on;
use generated::runtime::context::RequestContext;
use generated::runtime::protocol::Response;
use generated::runtime::protocol::aws_json::Dispatch;
use generated::runtime::validate::REDACTED_KEY;
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};
use serde_json::{Value, json};

/// The system allocator, counting what each thread holds and the most it
/// has held: tests run side by side, each on its own thread.
struct Counting;

thread_local! {
    static HELD: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
    static PEAK: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
}

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let held = HELD.with(|held| {
            held.set(held.get() + layout.size() as isize);
            held.get()
        });
        PEAK.with(|peak| peak.set(peak.get().max(held)));
        // SAFETY: as `System::alloc`, with the caller's layout.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        HELD.with(|held| held.set(held.get() - layout.size() as isize));
        // SAFETY: as `System::dealloc`: `ptr` came from `alloc` with `layout`.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap `run` held, on this thread, above what it held before.
fn peak_heap(run: impl FnOnce()) -> usize {
    let before = HELD.with(std::cell::Cell::get);
    PEAK.with(|peak| peak.set(before));
    run();
    (PEAK.with(std::cell::Cell::get) - before) as usize
}

/// Every operation left to its default (`NotImplemented`): what is tested
/// is answered before a handler would run.
struct Nothing;

impl AmazonSsm for Nothing {}

/// A marker that must never come back.
const SECRET: &str = "Sekr1tMarker";

/// The largest error body the hardening issue allows for any request.
const SMALL: usize = 64 << 10;

const WINDOW: &str = "mw-0c50858d01abcdef0";

fn route(target: &str, body: &[u8]) -> Response {
    let router = AmazonSsmRouter::new(Nothing);
    block_on(router.route(&RequestContext::default(), Some(target), body))
}

/// Everything a client would see of `response`: headers and body.
fn seen(response: &Response) -> String {
    let headers: String = response
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", value.to_str().unwrap_or_default()))
        .collect();
    headers + &String::from_utf8_lossy(response.body_bytes())
}

fn body(response: &Response) -> Value {
    serde_json::from_slice(response.body_bytes()).expect("every response body is JSON")
}

/// A register-task request with `parameters` as its `TaskParameters`.
fn register_task(parameters: Value) -> Vec<u8> {
    let request = json!({
        "WindowId": WINDOW, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND",
        "TaskParameters": parameters,
    });
    serde_json::to_vec(&request).unwrap()
}

/// A body of invalid list items was kept whole until the end (two million
/// items of a 6 MB body held 75 MB); once a violation is found, items are
/// checked but not kept.
#[test]
fn a_body_of_invalid_items_is_not_kept() {
    let body = register_task(json!({"k": {"Values": vec![""; 200_000]}}));
    let peak = peak_heap(|| {
        let response = route("AmazonSSM.RegisterTaskWithMaintenanceWindow", &body);
        assert_eq!(response.status, 400);
    });
    assert!(peak < body.len(), "{peak} bytes held for a body of {}", body.len());
}

#[test]
fn a_huge_sensitive_key_over_many_violations_gets_a_small_answer() {
    // The attack the hardening issue measured (a 7.5 MB key): every
    // violation's path and message once held the whole key, 2.23 GB in all.
    let key = "K".repeat(1 << 20);
    let values = vec![""; 150];
    let response = route(
        "AmazonSSM.RegisterTaskWithMaintenanceWindow",
        &register_task(json!({ key.clone(): {"Values": values} })),
    );
    assert_eq!(response.status, 400);
    assert!(response.body_bytes().len() < SMALL, "{} bytes", response.body_bytes().len());
    let body = body(&response);
    assert_eq!(body["__type"], "ValidationException");
    let fields = body["fieldList"].as_array().unwrap();
    // The key's own violation, at the map, then the values under it (the
    // first MAX_VIOLATIONS in all).
    assert_eq!(fields[0]["path"], "/TaskParameters");
    let value = format!("/TaskParameters/{REDACTED_KEY}/Values/0");
    assert_eq!(fields[1]["path"], value.as_str());
    assert_eq!(fields.len(), 100);
    assert!(!seen(&response).contains("KKKK"), "the key is @sensitive: never shown");
}

#[test]
fn a_huge_key_of_an_ordinary_map_is_shown_cut_short() {
    let key = "k".repeat(1 << 20);
    let request = json!({"DocumentName": "AWS-RestartEC2Instance", "Parameters": { key.clone(): vec![""; 40] }});
    let response = route("AmazonSSM.StartAutomationExecution", &serde_json::to_vec(&request).unwrap());
    assert!(response.body_bytes().len() < SMALL, "{} bytes", response.body_bytes().len());
    let body = body(&response);
    let fields = body["fieldList"].as_array().unwrap();
    let shown = format!("/Parameters/{}…/0", "k".repeat(64));
    assert!(fields.iter().any(|field| field["path"] == shown.as_str()), "{fields:#?}");
    assert!(!seen(&response).contains(&"k".repeat(65)));
}

#[test]
fn no_error_echoes_what_was_sent() {
    let secret = || SECRET.to_string();
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "a @sensitive map key",
            "RegisterTaskWithMaintenanceWindow",
            register_task(json!({ secret(): {"Values": [""]} })),
        ),
        (
            "a @sensitive map key too long for its constraint",
            "RegisterTaskWithMaintenanceWindow",
            register_task(json!({ SECRET.repeat(30): {"Values": ["x"]} })),
        ),
        (
            "a union member the union does not have",
            "StartExecutionPreview",
            serde_json::to_vec(&json!({"DocumentName": "AWS-X", "ExecutionInputs": { secret(): {} }})).unwrap(),
        ),
        (
            "a @sensitive blob that is not base64",
            "RegisterTaskWithMaintenanceWindow",
            serde_json::to_vec(&json!({
                "WindowId": WINDOW, "TaskArn": "f", "TaskType": "LAMBDA",
                "TaskInvocationParameters": {"Lambda": {"Payload": format!("{SECRET}!*")}},
            }))
            .unwrap(),
        ),
        (
            "a string that breaks its pattern",
            "DeregisterTaskFromMaintenanceWindow",
            serde_json::to_vec(&json!({"WindowId": secret(), "WindowTaskId": secret()})).unwrap(),
        ),
        (
            "a value not of the enum",
            "RegisterTaskWithMaintenanceWindow",
            serde_json::to_vec(&json!({"WindowId": WINDOW, "TaskArn": "f", "TaskType": secret()})).unwrap(),
        ),
        (
            "a string where an integer belongs",
            "RegisterTaskWithMaintenanceWindow",
            serde_json::to_vec(
                &json!({"WindowId": WINDOW, "TaskArn": "f", "TaskType": "LAMBDA", "Priority": secret()}),
            )
            .unwrap(),
        ),
        (
            "a string where a timestamp belongs",
            "PutComplianceItems",
            serde_json::to_vec(&json!({
                "ResourceId": "i-0", "ResourceType": "ManagedInstance", "ComplianceType": "Custom:X",
                "ExecutionSummary": {"ExecutionTime": secret()}, "Items": [],
            }))
            .unwrap(),
        ),
        (
            "JSON that stops inside a string",
            "DeregisterTaskFromMaintenanceWindow",
            format!(r#"{{"WindowId": "{SECRET}"#).into_bytes(),
        ),
        (
            "JSON with a bad escape in a string",
            "DeregisterTaskFromMaintenanceWindow",
            format!(r#"{{"WindowId": "{SECRET}\q"}}"#).into_bytes(),
        ),
        ("a body that is not JSON at all", "DeregisterTaskFromMaintenanceWindow", SECRET.as_bytes().to_vec()),
    ];
    for (what, operation, request) in cases {
        let response = route(&format!("AmazonSSM.{operation}"), &request);
        assert_eq!(response.status, 400, "{what}: {}", seen(&response));
        assert!(!seen(&response).contains(SECRET), "{what} echoed: {}", seen(&response));
    }
}

#[test]
fn an_unknown_target_is_named_only_if_it_looks_like_one() {
    let named = route("AmazonSSM.NoSuchOperation", b"{}");
    assert_eq!(body(&named)["message"], r#"unknown operation "AmazonSSM.NoSuchOperation""#);
    for target in ["AmazonSSM.".to_string() + &"x".repeat(60_000), format!("AmazonSSM.{SECRET} <script>")] {
        let response = route(&target, b"{}");
        assert_eq!(response.status, 400);
        assert_eq!(body(&response)["__type"], "UnknownOperationException");
        assert!(response.body_bytes().len() < 200, "{}", seen(&response));
        assert!(!seen(&response).contains(SECRET));
    }
}

#[test]
fn one_rule_for_keys_sent_twice_minus_zero_and_nulls() {
    let deregister = "AmazonSSM.DeregisterTaskFromMaintenanceWindow";
    let task = "50772993-c6b5-4a2a-8d04-7bfd7a1b2c3d";
    // A member or a map key sent twice: which value was meant is unknowable.
    let twice = format!(r#"{{"WindowId": "{WINDOW}", "WindowId": "{WINDOW}", "WindowTaskId": "{task}"}}"#);
    let response = route(deregister, twice.as_bytes());
    assert_eq!(body(&response)["__type"], "SerializationException", "{}", seen(&response));
    let twice = r#"{"DocumentName": "AWS-RestartEC2Instance", "Parameters": {"a": ["1"], "a": ["2"]}}"#;
    let response = route("AmazonSSM.StartAutomationExecution", twice.as_bytes());
    assert_eq!(body(&response)["__type"], "SerializationException", "{}", seen(&response));

    // -0 is an integer (zero); the input is valid, so the handler's default answers.
    let minus_zero = br#"{"WindowId": "mw-0c50858d01abcdef0", "TaskArn": "f", "TaskType": "LAMBDA", "Priority": -0}"#;
    let response = route("AmazonSSM.RegisterTaskWithMaintenanceWindow", minus_zero);
    assert_eq!(response.status, 501, "{}", seen(&response));

    // Null members are unset: a null optional member is as if absent, a
    // null required one is missing.
    let nulls = format!(r#"{{"WindowId": "{WINDOW}", "WindowTaskId": "{task}", "Unknown": null}}"#);
    assert_eq!(route(deregister, nulls.as_bytes()).status, 501);
    let null_required = format!(r#"{{"WindowId": null, "WindowTaskId": "{task}"}}"#);
    let response = route(deregister, null_required.as_bytes());
    assert_eq!(body(&response)["fieldList"][0]["path"], "/WindowId", "{}", seen(&response));
    let null_optional =
        br#"{"WindowId": "mw-0c50858d01abcdef0", "TaskArn": "f", "TaskType": "LAMBDA", "Priority": null}"#;
    assert_eq!(route("AmazonSSM.RegisterTaskWithMaintenanceWindow", null_optional).status, 501);
}
