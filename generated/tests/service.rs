//! The generated awsJson1.1 router, without HTTP: routing, wire errors,
//! unimplemented operations and panicking handlers.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::block_on;

use generated::runtime::context::RequestContext;
use generated::runtime::protocol::Response;
use generated::runtime::protocol::aws_json::Dispatch;
use generated::ssm::error::DoesNotExistException;
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindowError, DeregisterTaskFromMaintenanceWindowRequest,
    DeregisterTaskFromMaintenanceWindowResult,
};
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};
use serde_json::{Value, json};

const WINDOW: &str = "mw-0c50858d01abcdef0";
const TASK: &str = "50772993-c6b5-4a2a-8d04-7bfd7a1b2c3d";

/// Implements one operation; the others are left to their defaults.
#[derive(Default)]
struct OnlyDeregister {
    calls: AtomicUsize,
}

impl AmazonSsm for OnlyDeregister {
    async fn deregister_task_from_maintenance_window(
        &self,
        _context: &RequestContext,
        input: DeregisterTaskFromMaintenanceWindowRequest,
    ) -> Result<DeregisterTaskFromMaintenanceWindowResult, DeregisterTaskFromMaintenanceWindowError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if input.window_task_id.starts_with("00000000") {
            panic!("a bug in the handler");
        }
        if input.window_task_id.starts_with("ffffffff") {
            return Err(DoesNotExistException { message: Some("no such task".into()) }.into());
        }
        Ok(DeregisterTaskFromMaintenanceWindowResult {
            window_id: Some(input.window_id),
            window_task_id: Some(input.window_task_id),
        })
    }
}

fn call(router: &AmazonSsmRouter<OnlyDeregister>, target: Option<&str>, body: &str) -> (Response, Value) {
    let response = block_on(router.route(&RequestContext::default(), target, body.as_bytes()));
    let json = serde_json::from_slice(response.body_bytes()).expect("every response body is JSON");
    (response, json)
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers.get(name).and_then(|value| value.to_str().ok())
}

fn deregister(task: &str) -> String {
    json!({"WindowId": WINDOW, "WindowTaskId": task}).to_string()
}

const DEREGISTER: Option<&str> = Some("AmazonSSM.DeregisterTaskFromMaintenanceWindow");

#[test]
fn routes_valid_requests_to_the_handler() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    let (response, body) = call(&router, DEREGISTER, &deregister(TASK));
    assert_eq!(response.status, 200);
    assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(body, json!({"WindowId": WINDOW, "WindowTaskId": TASK}));
}

#[test]
fn modelled_errors_carry_type_members_and_status() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    let (response, body) = call(&router, DEREGISTER, &deregister("ffffffff-c6b5-4a2a-8d04-7bfd7a1b2c3d"));
    assert_eq!(response.status, 400);
    assert_eq!(header(&response, "x-amzn-errortype"), Some("DoesNotExistException"));
    assert_eq!(body, json!({"__type": "DoesNotExistException", "Message": "no such task"}));
}

#[test]
fn invalid_input_never_reaches_the_handler() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    let (response, body) = call(&router, DEREGISTER, r#"{"WindowId": "mw-0c50858d01EXAMPLE"}"#);
    assert_eq!(response.status, 400);
    assert_eq!(body["__type"], "ValidationException");
    assert_eq!(
        body["message"],
        "2 validation errors detected. Value at '/WindowId' failed to satisfy constraint: Member must satisfy regular \
         expression pattern: ^mw-[0-9a-f]{17}$; Value at '/WindowTaskId' failed to satisfy constraint: Member must not be null"
    );
    assert_eq!(body["fieldList"].as_array().unwrap().len(), 2);
    // An empty body is `{}`: both required members are missing.
    let (_, body) = call(&router, DEREGISTER, "");
    assert_eq!(body["fieldList"].as_array().unwrap().len(), 2);
    assert_eq!(router.service().calls.load(Ordering::SeqCst), 0);
}

#[test]
fn malformed_bodies_are_serialization_exceptions() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    for body in ["{", "[1]", r#"{"WindowId": 7, "WindowTaskId": "x"}"#] {
        let (response, json) = call(&router, DEREGISTER, body);
        assert_eq!((response.status, json["__type"].as_str()), (400, Some("SerializationException")), "{body}");
        assert_eq!(header(&response, "x-amzn-errortype"), Some("SerializationException"));
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[test]
fn unknown_targets() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    for target in [
        None,
        Some("AmazonSSM.NoSuchOperation"),
        Some("OtherService.DeregisterTaskFromMaintenanceWindow"),
        Some("NotAmazonSSM.DeregisterTaskFromMaintenanceWindow"),
        Some("garbage"),
    ] {
        let (response, body) = call(&router, target, "{}");
        assert_eq!((response.status, body["__type"].as_str()), (400, Some("UnknownOperationException")), "{target:?}");
        assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.1"));
    }
}

/// botocore prefixes some services' names with a namespace the Smithy model
/// does not record (CloudTrail's `com.amazonaws.cloudtrail.v20131101.`).
#[test]
fn a_namespace_before_the_service_name_routes_too() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    let target = Some("com.amazonaws.ssm.v20141106.AmazonSSM.DeregisterTaskFromMaintenanceWindow");
    let (response, body) = call(&router, target, &deregister(TASK));
    assert_eq!(response.status, 200, "{body}");
}

#[test]
fn unimplemented_operations_answer_not_implemented() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    let (response, body) = call(
        &router,
        Some("AmazonSSM.CreateMaintenanceWindow"),
        r#"{"Name": "nightly", "Schedule": "rate(1 day)", "Duration": 2, "Cutoff": 1, "AllowUnassociatedTargets": true}"#,
    );
    assert_eq!(response.status, 501, "{body}");
    assert_eq!(
        body,
        json!({"__type": "NotImplemented", "message": "CreateMaintenanceWindow is not implemented by this server"})
    );
}

#[test]
fn a_panicking_handler_is_an_internal_failure_and_the_router_goes_on() {
    let router = AmazonSsmRouter::new(OnlyDeregister::default());
    // The handler panics on this thread, so libtest captures its message
    // with the test's output; the process-wide hook is left alone (swapping
    // it would silence other tests' panics while they run beside this one).
    let (response, body) = call(&router, DEREGISTER, &deregister("00000000-c6b5-4a2a-8d04-7bfd7a1b2c3d"));
    assert_eq!(response.status, 500);
    assert_eq!(body["__type"], "InternalFailure");
    let (after, _) = call(&router, DEREGISTER, &deregister(TASK));
    assert_eq!(after.status, 200);
}
