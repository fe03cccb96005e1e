use std::task::{Context, Poll, Waker};
use std::time::Instant;
use benchmarks::{DEREGISTER, GET_TASK, GET_TASK_RESPONSE};
use generated::runtime::context::RequestContext;
use generated::runtime::protocol::aws_json::Dispatch;
use generated::runtime::http::Service as _;
use generated::ssm::operation::deregister_task_from_maintenance_window::*;
use generated::ssm::operation::get_maintenance_window_execution_task::*;
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};
struct Seeds { execution: GetMaintenanceWindowExecutionTaskResult }
impl AmazonSsm for Seeds {
    async fn get_maintenance_window_execution_task(&self, _c: &RequestContext, _i: GetMaintenanceWindowExecutionTaskRequest) -> Result<GetMaintenanceWindowExecutionTaskResult, GetMaintenanceWindowExecutionTaskError> { Ok(self.execution.clone()) }
    async fn deregister_task_from_maintenance_window(&self, _c: &RequestContext, input: DeregisterTaskFromMaintenanceWindowRequest) -> Result<DeregisterTaskFromMaintenanceWindowResult, DeregisterTaskFromMaintenanceWindowError> {
        Ok(DeregisterTaskFromMaintenanceWindowResult { window_id: Some(input.window_id), window_task_id: Some(input.window_task_id) })
    }
}
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop { if let Poll::Ready(o) = future.as_mut().poll(&mut cx) { return o; } }
}
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
fn main() {
    if let Ok(mode) = std::env::var("MODE") {
        let execution = serde_json::from_slice(GET_TASK_RESPONSE).unwrap();
        let mut router = AmazonSsmRouter::new(Seeds { execution });
        let (target, body) = ("AmazonSSM.GetMaintenanceWindowExecutionTask", GET_TASK);
        for _ in 0..3_000_000 {
            if mode == "route" {
                let r = block_on(router.route(&RequestContext::default(), Some(std::hint::black_box(target)), std::hint::black_box(body))); std::hint::black_box(r.status);
            } else {
                let r = block_on(router.call(http_request(std::hint::black_box(target), body))).unwrap(); std::hint::black_box(r.status());
            }
        }
        return;
    }
    let execution = serde_json::from_slice(GET_TASK_RESPONSE).unwrap();
    let mut router = AmazonSsmRouter::new(Seeds { execution });
    for (name, target, body) in [("deregister", "AmazonSSM.DeregisterTaskFromMaintenanceWindow", DEREGISTER), ("get_task", "AmazonSSM.GetMaintenanceWindowExecutionTask", GET_TASK)] {
        let n = 20000;
        let (mut best_route, mut best_service, mut best_build) = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..30 {
            let t = Instant::now();
            for _ in 0..n { let r = block_on(router.route(&RequestContext::default(), Some(std::hint::black_box(target)), std::hint::black_box(body))); std::hint::black_box(r.status); }
            best_route = best_route.min(t.elapsed().as_nanos() as f64 / n as f64);
            let t = Instant::now();
            for _ in 0..n { let r = block_on(router.call(http_request(std::hint::black_box(target), body))).unwrap(); std::hint::black_box(r.status()); }
            best_service = best_service.min(t.elapsed().as_nanos() as f64 / n as f64);
            let t = Instant::now();
            for _ in 0..n { std::hint::black_box(http_request(std::hint::black_box(target), body)); }
            best_build = best_build.min(t.elapsed().as_nanos() as f64 / n as f64);
        }
        println!("{name}: route {best_route:.0} ns, service {best_service:.0} ns, build {best_build:.0} ns, service-build-route {:.0} ns", best_service - best_build - best_route);
    }
}
