//! The request span: its request id, service and operation, as a subscriber
//! sees them, and the request log's `answered` event in it.
//!
//! A test binary of its own: tracing caches whether a call site is wanted
//! per process, and other tests running without a subscriber on other
//! threads would race this one.

use awsgen_runtime::context::RequestContext;
use awsgen_runtime::protocol::Response;
use awsgen_runtime::protocol::aws_json::{AwsJson, Dispatch, handle, operation_name, unknown_operation};
use bytes::Bytes;
use http_body_util::Full;

/// Answers every operation of `Echo` with an empty object.
struct Echo;

impl Dispatch for Echo {
    fn protocol(&self) -> AwsJson {
        AwsJson::V1_1
    }

    fn target_prefix(&self) -> &'static str {
        "Echo"
    }

    async fn route(&self, _: &RequestContext, target: Option<&str>, _: &[u8]) -> Response {
        match operation_name(target, "Echo") {
            Some(_) => Response::with_body(200, "application/json", b"{}".to_vec()),
            None => unknown_operation(AwsJson::V1_1, target),
        }
    }
}

fn request(target: &str) -> http::Request<Full<Bytes>> {
    http::Request::post("/")
        .header("host", "localhost")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .body(Full::new(Bytes::from_static(b"{}")))
        .unwrap()
}

/// What a `tracing` subscriber writes, for one test.
#[derive(Clone, Default)]
struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_request_is_traced_with_its_operation_and_request_id() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let response = handle(Echo, request("Echo.PutThing")).await;
    let id = response.headers()["x-amzn-requestid"].to_str().unwrap().to_string();
    let response = handle(Echo, request("Other.Thing")).await;
    assert_eq!(response.status(), 400);
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].contains(&format!(
            "request{{request_id={id} service=\"Echo\" operation=\"PutThing\" target=\"Echo.PutThing\"}}"
        )),
        "{text}"
    );
    // The request log's event: INFO, its own target.
    assert!(lines[0].contains(" INFO ") && lines[0].contains("awsgen::request"), "{text}");
    assert!(lines[0].ends_with("answered status=200"), "{text}");
    // A target of another service names no service or operation of this one.
    assert!(lines[1].contains(r#"service="" operation="" target="Other.Thing"}"#), "{text}");
    assert!(lines[1].ends_with("answered status=400"), "{text}");
}
