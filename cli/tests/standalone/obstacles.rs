//! Behaviour of the crate generated from codegen/tests/fixtures/obstacles, a
//! model whose names collide with everything the generated code uses;
//! copied into the standalone crate by cli/tests/all/generate.rs.

use obstacles_crate::runtime::context::RequestContext;
use obstacles_crate::obstacles::error::Err as ErrShape;
use obstacles_crate::obstacles::operation::get_thing::GetThingOperationError;
use obstacles_crate::obstacles::operation::ok::OkError;
use obstacles_crate::obstacles::operation::operation_operation::{OperationError, OperationInput};
use obstacles_crate::obstacles::operation::result::Everything;
use obstacles_crate::obstacles::service::{Obstacles, ObstaclesServiceRouter};
use obstacles_crate::obstacles::types::{NestedMap, Response as ResponseShape, Unit as UnitShape, Weird};
use obstacles_crate::runtime::Unit;
use obstacles_crate::runtime::protocol::Response;
use obstacles_crate::runtime::protocol::aws_json::Dispatch;
use serde_json::{Value, json};

/// Implements two operations; the others are left to their defaults.
struct Impl;

impl Obstacles for Impl {
    async fn ok(&self, _context: &RequestContext, _input: Unit) -> Result<Unit, OkError> {
        Ok(Unit {})
    }

    async fn get_thing(&self, _context: &RequestContext, _input: ResponseShape) -> Result<UnitShape, GetThingOperationError> {
        Err(ErrShape { message: Some("no thing".to_string()) }.into())
    }

    /// Named `operation_operation`: `operation::operation` is refused by clippy.
    async fn operation_operation(&self, _context: &RequestContext, input: OperationInput) -> Result<Unit, OperationError> {
        // The collection too deep to spell inline is its alias.
        let nested: NestedMap = input.nested.unwrap_or_default();
        assert!(nested.values().all(|inner| inner.values().all(|rows| rows.iter().all(|row| row.len() <= 2))));
        Ok(Unit {})
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

fn call(operation: &str, body: Value) -> (Response, Value) {
    let router = ObstaclesServiceRouter::new(Impl);
    let target = format!("Obstacles.{operation}");
    let response = block_on(router.route(&RequestContext::default(), Some(&target), body.to_string().as_bytes()));
    let json = serde_json::from_slice(response.body_bytes()).expect("every response body is JSON");
    (response, json)
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers.get(name).and_then(|value| value.to_str().ok())
}

#[test]
fn renamed_fields_keep_their_wire_names() {
    let wire = json!({
        "IPAddress": "a", "IpAddress": "b", "ip_address": "c", "Ip_Address": "d",
        "type": "t", "Self": "s", "self": "x", "crate": "c", "fn": "f"
    });
    let everything: Everything = serde_json::from_value(wire).unwrap();
    assert_eq!(
        [&everything.ip_address, &everything.ip_address_2, &everything.ip_address_3, &everything.ip_address_4],
        [&Some("a".to_string()), &Some("b".to_string()), &Some("c".to_string()), &Some("d".to_string())]
    );
    assert_eq!(everything.r#type.as_deref(), Some("t"));
    assert_eq!((everything.self_.as_deref(), everything.self_2.as_deref()), (Some("s"), Some("x")));
    // Defaults given by associated functions, whatever the members are called.
    assert_eq!((everything.retries, everything.default_retries, everything.mode), (3, 5, Weird::Self_));
    let back = serde_json::to_value(&everything).unwrap();
    for name in ["IPAddress", "IpAddress", "ip_address", "Ip_Address", "Self", "self", "Retries", "Mode"] {
        assert!(back.get(name).is_some(), "{name} in {back}");
    }
}

#[test]
fn enum_variants_that_collided_are_numbered() {
    assert_eq!(serde_json::from_value::<Weird>(json!("a-b")).unwrap(), Weird::AB);
    assert_eq!(serde_json::from_value::<Weird>(json!("a_b")).unwrap(), Weird::AB2);
    assert_eq!(Weird::Option.as_str(), "Option");
    assert_eq!(Weird::VALUES.len(), 8);
}

#[test]
fn awsjson_1_0_routes_every_operation_by_its_name() {
    let (ok, body) = call("Ok", json!({}));
    assert_eq!(ok.status, 200, "{body}");
    assert_eq!(header(&ok, "content-type"), Some("application/x-amz-json-1.0"));
    // Left unimplemented.
    let (missing, body) = call("Type", json!({}));
    assert_eq!((missing.status, body["__type"].as_str()), (501, Some("NotImplemented")), "{body}");
    // An output event stream: served in awsJson, its method left
    // unimplemented here.
    let (stream, body) = call("Subscribe", json!({}));
    assert_eq!((stream.status, body["__type"].as_str()), (501, Some("NotImplemented")), "{body}");
    assert!(!body["message"].as_str().unwrap().contains("event stream"), "{body}");
    // A @streaming blob, which awsJson cannot carry: generated, not served.
    let (upload, body) = call("Upload", json!({"name": "a"}));
    assert_eq!((upload.status, body["__type"].as_str()), (501, Some("NotImplemented")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("@streaming blob"), "{body}");
}

/// An operation named `Operation`, whose input nests collections deeper
/// than clippy lets a type be spelt: routed, read and validated.
#[test]
fn an_operation_named_operation_with_deep_collections_is_served() {
    let deep = json!({"nested": {"a": {"b": [["x", "y"]]}}, "grid": [[[["p"]]]]});
    let (response, body) = call("Operation", deep);
    assert_eq!(response.status, 200, "{body}");
    let (response, body) = call("Operation", json!({"nested": {"a": {"b": [["x", "y", "z"]]}}, "grid": []}));
    assert_eq!(response.status, 400, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("Value with length 3 at '/nested/a/b/0' failed to satisfy constraint"), "{message}");
}

/// A handler may answer with an error its operation does not model.
#[test]
fn unmodelled_errors_keep_their_name_and_status() {
    use obstacles_crate::runtime::UnmodelledError;
    let error = GetThingOperationError::from(UnmodelledError::client("ThrottlingException", "slow down"));
    assert!(matches!(error, GetThingOperationError::UnmodelledError(_)), "the modelled `Unmodelled` keeps its name");
    let response = error.response(obstacles_crate::obstacles::service::PROTOCOL);
    assert_eq!(response.status, 400);
    assert_eq!(header(&response, "x-amzn-query-error"), Some("ThrottlingException;Sender"));
    let body: Value = serde_json::from_slice(response.body_bytes()).unwrap();
    assert_eq!(body, json!({"__type": "ThrottlingException", "message": "slow down"}));
}

#[test]
fn query_compatible_errors_carry_their_awsquery_code() {
    let (response, body) = call("GetThing", json!({}));
    assert_eq!(response.status, 400, "{body}");
    // awsJson1.0: a modelled error's type is its shape id.
    assert_eq!(body, json!({"__type": "example.obstacles#Err", "message": "no thing"}));
    assert_eq!(header(&response, "x-amzn-query-error"), Some("Obstacles.Err;Sender"));
}

#[test]
fn constraints_on_enums_and_renamed_statics_are_enforced() {
    let (response, body) = call("Result", json!({"Short": "Self", "Weird": "nope", "Name": "ABC", "Tag_List": ["a", "b", "c", "d"]}));
    assert_eq!(response.status, 400, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("4 validation errors detected."), "{message}");
    assert!(message.contains("Value with length 4 at '/Short' failed to satisfy constraint: Member must have length less than or equal to 2"), "{message}");
    assert!(message.contains("Value at '/Weird' failed to satisfy constraint: Member must satisfy enum value set"), "{message}");
    assert!(message.contains("Value at '/Name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$"), "{message}");
    assert!(message.contains("Value with length 4 at '/Tag_List' failed to satisfy constraint"), "{message}");
}

/// Services whose routers read nothing of a request (an operation without
/// input; operations not served) compile without unused bindings, and
/// answer as they should.
#[test]
fn routers_that_read_nothing_still_route() {
    use obstacles_crate::pours::service::{Pours, PoursRouter};
    use obstacles_crate::quiet::service::{Quiet, QuietRouter};
    use obstacles_crate::runtime::http::{Request, Service};
    use obstacles_crate::streams::service::{Streams, StreamsRouter};

    struct Silent;
    impl Quiet for Silent {
        async fn hush(&self, _context: &RequestContext, _input: Unit) -> Result<Unit, obstacles_crate::quiet::operation::hush::HushError> {
            Ok(Unit {})
        }
    }
    impl Streams for Silent {}
    impl Pours for Silent {}

    let hush = Request::get("/hush").body(String::new()).unwrap();
    assert_eq!(block_on(QuietRouter::new(Silent).call(hush)).unwrap().status(), 200);
    let listen = Request::post("/listen").body(String::new()).unwrap();
    assert_eq!(block_on(StreamsRouter::new(Silent).call(listen)).unwrap().status(), 501);
    let upload = Request::post("/")
        .header("host", "localhost")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Pours.Upload")
        .body("{}".to_string())
        .unwrap();
    assert_eq!(block_on(PoursRouter::new(Silent).call(upload)).unwrap().status(), 501);
}
