//! The generated router in process, bytes in and bytes out, on one core:
//! both seed operations valid and invalid (a handler answering the seed's
//! responses), and an operation the handler does not implement.
//!
//! `cargo bench -p benchmarks --bench router`; each time is one request, so
//! a million requests a second is 1 µs.

use std::task::{Context, Poll, Waker};

use benchmarks::{DEREGISTER, DEREGISTER_INVALID, GET_TASK, GET_TASK_INVALID, GET_TASK_RESPONSE};
use divan::{Bencher, black_box};
use generated::runtime::context::RequestContext;
use generated::runtime::protocol::aws_json::Dispatch;
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindowError, DeregisterTaskFromMaintenanceWindowRequest,
    DeregisterTaskFromMaintenanceWindowResult,
};
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTaskError, GetMaintenanceWindowExecutionTaskRequest,
    GetMaintenanceWindowExecutionTaskResult,
};
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};

fn main() {
    // A thousand calls per sample: timing one call at a time measured the
    // clock as much as the call (divan picked one for anything over ~0.5 µs).
    divan::Divan::default().sample_size(1000).config_with_args().main();
}

/// Answers the two seed operations with the seeds' responses.
struct Seeds {
    execution: GetMaintenanceWindowExecutionTaskResult,
}

impl AmazonSsm for Seeds {
    async fn get_maintenance_window_execution_task(
        &self,
        _context: &RequestContext,
        _input: GetMaintenanceWindowExecutionTaskRequest,
    ) -> Result<GetMaintenanceWindowExecutionTaskResult, GetMaintenanceWindowExecutionTaskError> {
        Ok(self.execution.clone())
    }

    async fn deregister_task_from_maintenance_window(
        &self,
        _context: &RequestContext,
        input: DeregisterTaskFromMaintenanceWindowRequest,
    ) -> Result<DeregisterTaskFromMaintenanceWindowResult, DeregisterTaskFromMaintenanceWindowError> {
        Ok(DeregisterTaskFromMaintenanceWindowResult {
            window_id: Some(input.window_id),
            window_task_id: Some(input.window_task_id),
        })
    }
}

fn router() -> AmazonSsmRouter<Seeds> {
    let execution = serde_json::from_slice(GET_TASK_RESPONSE).expect("the fixture is an execution task");
    AmazonSsmRouter::new(Seeds { execution })
}

/// Runs a routing future to completion: nothing here waits on I/O.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// (case, X-Amz-Target, body, expected status)
const CASES: &[(&str, &str, &[u8], u16)] = &[
    ("get_task", "AmazonSSM.GetMaintenanceWindowExecutionTask", GET_TASK, 200),
    ("get_task_invalid", "AmazonSSM.GetMaintenanceWindowExecutionTask", GET_TASK_INVALID, 400),
    ("deregister", "AmazonSSM.DeregisterTaskFromMaintenanceWindow", DEREGISTER, 200),
    ("deregister_invalid", "AmazonSSM.DeregisterTaskFromMaintenanceWindow", DEREGISTER_INVALID, 400),
    ("unimplemented", "AmazonSSM.ListDocuments", b"{}", 501),
];

#[divan::bench(args = ["get_task", "get_task_invalid", "deregister", "deregister_invalid", "unimplemented"])]
fn route(bencher: Bencher, case: &str) {
    let router = router();
    let &(_, target, body, status) = CASES.iter().find(|(name, ..)| *name == case).unwrap();
    let response = block_on(router.route(&RequestContext::default(), Some(target), body));
    assert_eq!(response.status, status, "{case}: {}", String::from_utf8_lossy(response.body_bytes()));
    bencher.bench(|| {
        let response = block_on(router.route(&RequestContext::default(), Some(black_box(target)), black_box(body)));
        black_box(response.body.exact_len())
    });
}

/// Writing the full execution-task response (737 bytes): the generated
/// writer against serde_json's `to_vec` on the same value (through the
/// `full-serde` derive), which wrote responses before the writers.
#[divan::bench(args = ["generated", "serde_json"])]
fn write_response(bencher: Bencher, writer: &str) {
    let execution: GetMaintenanceWindowExecutionTaskResult =
        serde_json::from_slice(GET_TASK_RESPONSE).expect("the fixture is an execution task");
    let ours = generated::runtime::protocol::json::to_vec(&execution);
    let serde: serde_json::Value = serde_json::from_slice(&serde_json::to_vec(&execution).unwrap()).unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&ours).unwrap(), serde, "the two write the same JSON");
    match writer {
        "generated" => bencher.bench(|| generated::runtime::protocol::json::to_vec(black_box(&execution)).len()),
        _ => bencher.bench(|| serde_json::to_vec(black_box(&execution)).unwrap().len()),
    }
}

/// The `http::Request` of a case as a client's head reaches the router:
/// `Host`, `Content-Type`, `X-Amz-Target` and a whole body. Names and values
/// are constants, as cheap to copy as hyper's (which share the buffer the
/// head was read into); the builder's parsing of each name and value took
/// 0.75 µs, more than the router.
fn http_request(target: &'static str, body: &'static [u8]) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    use http::header::{CONTENT_TYPE, HOST, HeaderName, HeaderValue};
    const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
    let mut request = http::Request::new(http_body_util::Full::new(bytes::Bytes::from_static(body)));
    *request.method_mut() = http::Method::POST;
    let headers = request.headers_mut();
    headers.insert(HOST, HeaderValue::from_static("localhost"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-amz-json-1.1"));
    headers.insert(X_AMZ_TARGET, HeaderValue::from_static(target));
    request
}

/// The same requests through the router's `tower::Service`, what users
/// mount (an `http::Request` in, an `http::Response` out: the head checked,
/// the body read, the request id set), next to `route` above. Each request
/// is built in the loop, as a server builds it just before the call (built
/// ahead in a batch, they are cold by the time they are served, and freeing
/// them was a fifth of the time): `http_request` times the building alone,
/// to be taken off.
#[divan::bench(args = ["get_task", "deregister"])]
fn service(bencher: Bencher, case: &str) {
    use generated::runtime::http::Service as _;
    let mut router = router();
    let &(_, target, body, status) = CASES.iter().find(|(name, ..)| *name == case).unwrap();
    let response = block_on(router.call(http_request(target, body))).unwrap();
    assert_eq!(response.status(), status, "{case}");
    bencher.bench_local(|| {
        let response = block_on(router.call(http_request(black_box(target), body))).unwrap();
        black_box(response.status())
    });
}

/// Building (and dropping) the `http::Request` the `service` cases send.
#[divan::bench(args = ["get_task", "deregister"])]
fn http_request_only(bencher: Bencher, case: &str) {
    let &(_, target, body, _) = CASES.iter().find(|(name, ..)| *name == case).unwrap();
    // Dropped in the loop, as the `service` cases drop theirs (divan keeps
    // returned values and drops them later, untimed).
    bencher.bench_local(|| drop(black_box(http_request(black_box(target), body))));
}
