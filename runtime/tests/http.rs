//! The HTTP layer over a hand-written router: request ids, the context a
//! handler sees, method and size checks, and several services behind one
//! `tower::Service`.

use std::convert::Infallible;

use awsgen_runtime::context::{RequestContext, RequestId};
use awsgen_runtime::http::{BodyLimit, HttpResponse, Services, handle};
use awsgen_runtime::service::{AwsJson, Response, Router, operation_name, unknown_operation};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Answers every operation of `prefix` with what its context held.
struct Echo {
    prefix: &'static str,
    protocol: AwsJson,
}

impl Router for Echo {
    fn protocol(&self) -> AwsJson {
        self.protocol
    }

    fn target_prefix(&self) -> &'static str {
        self.prefix
    }

    async fn route(&self, context: RequestContext, target: Option<&str>, body: &[u8]) -> Response {
        let Some(operation) = operation_name(target, self.prefix) else {
            return unknown_operation(self.protocol, target);
        };
        let seen = json!({
            "service": self.prefix,
            "operation": operation,
            "requestId": context.request_id().as_str(),
            "header": context.headers().get("x-test").and_then(|v| v.to_str().ok()),
            "identity": context.extensions().get::<Identity>().map(|i| i.0),
            "body": String::from_utf8_lossy(body),
        });
        Response { status: 200, headers: vec![], body: seen.to_string().into_bytes() }
    }
}

#[derive(Clone, Copy)]
struct Identity(&'static str);

fn request(target: &str) -> http::request::Builder {
    http::Request::post("/").header("x-amz-target", target)
}

async fn parts(response: HttpResponse) -> (u16, http::HeaderMap, Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

fn echo(prefix: &'static str) -> Echo {
    Echo { prefix, protocol: AwsJson::V1_1 }
}

#[tokio::test]
async fn the_handler_sees_headers_extensions_and_the_request_id_the_response_carries() {
    let mut req = request("Echo.Op").header("x-test", "hello").body(Full::new(Bytes::from_static(b"{}"))).unwrap();
    req.extensions_mut().insert(Identity("AKIDEXAMPLE"));
    let (status, headers, body) = parts(handle(&echo("Echo"), req).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["operation"], "Op");
    assert_eq!(body["header"], "hello");
    assert_eq!(body["identity"], "AKIDEXAMPLE");
    assert_eq!(body["body"], "{}");
    let id = headers["x-amzn-requestid"].to_str().unwrap();
    assert_eq!(body["requestId"], id);
    assert!(uuid_like(id), "{id}");
}

fn uuid_like(id: &str) -> bool {
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[tokio::test]
async fn a_request_id_from_a_layer_in_front_is_kept() {
    let mut req = request("Echo.Op").body(Full::new(Bytes::new())).unwrap();
    req.extensions_mut().insert(RequestId::from_string("proxy-42"));
    let (_, headers, body) = parts(handle(&echo("Echo"), req).await).await;
    assert_eq!(headers["x-amzn-requestid"], "proxy-42");
    assert_eq!(body["requestId"], "proxy-42");
}

#[tokio::test]
async fn every_error_carries_a_request_id_too() {
    let get = http::Request::get("/").body(Full::new(Bytes::new())).unwrap();
    let (status, headers, body) = parts(handle(&echo("Echo"), get).await).await;
    assert_eq!((status, body["__type"].as_str()), (405, Some("MethodNotAllowedException")));
    assert!(uuid_like(headers["x-amzn-requestid"].to_str().unwrap()));

    let mut big = request("Echo.Op").body(Full::new(Bytes::from(vec![b' '; 11]))).unwrap();
    big.extensions_mut().insert(BodyLimit(10));
    let (status, headers, body) = parts(handle(&echo("Echo"), big).await).await;
    assert_eq!((status, body["__type"].as_str()), (413, Some("RequestEntityTooLargeException")));
    assert!(headers.contains_key("x-amzn-requestid"));
}

#[tokio::test]
async fn several_services_share_one_tower_service() {
    let services =
        Services::new().with(echo("AmazonSSM")).with(Echo { prefix: "DynamoDB_20120810", protocol: AwsJson::V1_0 });
    for (target, service) in
        [("AmazonSSM.GetParameter", "AmazonSSM"), ("DynamoDB_20120810.PutItem", "DynamoDB_20120810")]
    {
        let req = request(target).body(Full::new(Bytes::new())).unwrap();
        let response: Result<HttpResponse, Infallible> = services.clone().oneshot(req).await;
        let (status, _, body) = parts(response.unwrap()).await;
        assert_eq!((status, body["service"].as_str()), (200, Some(service)), "{target}");
    }
    let req = request("TrentService.Encrypt").body(Full::new(Bytes::new())).unwrap();
    let (status, headers, body) = parts(services.oneshot(req).await.unwrap()).await;
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
    // In the first service's protocol.
    assert_eq!(headers["content-type"], "application/x-amz-json-1.1");
}
