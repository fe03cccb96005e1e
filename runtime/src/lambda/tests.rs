//! Events in, responses out, against a service that shows what it received;
//! `examples/lambda/server/tests/function.rs` runs a generated router as a
//! function under a Runtime API emulator.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;
use crate::context::RequestId;
use crate::http::BodyLimit;

/// A service that answers with what it received, as JSON: the method, the
/// URI, every header's every value, the body (base64), the request id and
/// the body limit. For paths ending in `/binary` it answers bytes that are
/// not UTF-8, for `/empty` nothing, for `/huge` more than Lambda returns.
fn echo() -> impl tower_service::Service<
    http::Request<RequestBody>,
    Response = http::Response<Full<Bytes>>,
    Error = Infallible,
    Future: Send + 'static,
> + Clone
+ Send
+ 'static {
    tower::service_fn(|request: http::Request<RequestBody>| async move {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        let mut headers = serde_json::Map::new();
        for name in parts.headers.keys() {
            let values: Vec<Value> = parts.headers.get_all(name).iter().map(|v| json!(v.to_str().unwrap())).collect();
            headers.insert(name.to_string(), Value::Array(values));
        }
        let seen = json!({
            "method": parts.method.as_str(),
            "uri": parts.uri.to_string(),
            "path": parts.uri.path(),
            "query": parts.uri.query(),
            "headers": headers,
            "body": base64::engine::general_purpose::STANDARD.encode(&body),
            "requestId": parts.extensions.get::<RequestId>().map(|id| id.as_str().to_string()),
            "bodyLimit": parts.extensions.get::<BodyLimit>().map(|limit| limit.0),
            "restContext": parts.extensions.get::<aws_lambda_events::apigw::ApiGatewayProxyRequestContext>().is_some(),
            "httpContext": parts.extensions.get::<aws_lambda_events::apigw::ApiGatewayV2httpRequestContext>().is_some(),
            "lambdaContext": parts.extensions.get::<lambda_runtime::Context>().is_some(),
        });
        let path = parts.uri.path();
        let response = http::Response::builder()
            .status(if path.ends_with("/empty") { 204 } else { 200 })
            .header("x-multi", "a")
            .header("x-multi", "b")
            .header("set-cookie", "a=1")
            .header("set-cookie", "b=2; Path=/");
        let response = if path.ends_with("/binary") {
            response
                .header("content-type", "application/octet-stream")
                .header("content-length", "4")
                .body(Full::new(Bytes::from_static(&[0xff, 0x00, 0x80, b'a'])))
        } else if path.ends_with("/empty") {
            response.body(Full::new(Bytes::new()))
        } else if path.ends_with("/huge") {
            response.body(Full::new(Bytes::from(vec![b'x'; MAX_RESPONSE_BYTES + 1])))
        } else {
            let body = seen.to_string();
            response
                .header("content-type", "application/json")
                .header("content-length", body.len().to_string())
                .body(Full::new(Bytes::from(body)))
        };
        Ok::<_, Infallible>(response.unwrap())
    })
}

/// The function's answer to `event` (JSON, as the Runtime API is sent it).
async fn invoke(event: Value) -> Value {
    invoke_with(event, LambdaConfig::default()).await
}

async fn invoke_with(event: Value, config: LambdaConfig) -> Value {
    let event: HttpEvent = serde_json::from_value(event).expect("an HTTP event");
    let mut context = Context::default();
    context.request_id = "lambda-request-id".to_string();
    let response = Handler::new(echo(), config).oneshot(LambdaEvent::new(event, context)).await;
    let Ok(response) = response;
    serde_json::to_value(&response).unwrap()
}

/// What the service saw, from a response's (text) body.
fn seen(response: &Value) -> Value {
    assert_eq!(response["isBase64Encoded"], false, "{response}");
    serde_json::from_str(response["body"].as_str().expect("a text body")).unwrap()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A REST API's proxy event for `method path` on the stage `prod`.
fn rest_event(method: &str, path: &str) -> Value {
    json!({
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {
            "Host": "abc123.execute-api.us-east-1.amazonaws.com",
            "Content-Type": "application/json",
            "X-Multi": "second",
            "X-Single-Only": "1"
        },
        "multiValueHeaders": {
            "Host": ["abc123.execute-api.us-east-1.amazonaws.com"],
            "Content-Type": ["application/json"],
            "X-Multi": ["first", "second"]
        },
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": {"proxy": path.trim_start_matches('/')},
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "abcdef",
            "stage": "prod",
            "requestId": "rest-request-id",
            "identity": {"sourceIp": "203.0.113.7"},
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "apiId": "abc123",
            "path": format!("/prod{path}"),
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com"
        },
        "body": null,
        "isBase64Encoded": false
    })
}

/// An HTTP API's event (payload 2.0) for `method raw_path` on `stage`.
fn http_event(method: &str, raw_path: &str, stage: &str) -> Value {
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": {
            "host": "abc123.execute-api.us-east-1.amazonaws.com",
            "content-type": "application/json"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "test"
            },
            "requestId": "http-request-id",
            "routeKey": "$default",
            "stage": stage,
            "time": "07/Dec/2026:10:00:00 +0000",
            "timeEpoch": 1796637600000i64
        },
        "isBase64Encoded": false
    })
}

#[tokio::test]
async fn a_rest_event_reaches_the_router_as_its_client_sent_it() {
    let mut event = rest_event("POST", "/2015-03-31/functions/echo/aliases");
    event["multiValueQueryStringParameters"] = json!({"tagKeys": ["x", "y z"], "Marker": ["a&b"], "empty": []});
    event["queryStringParameters"] = json!({"tagKeys": "y z", "Marker": "a&b"});
    event["body"] = json!(r#"{"Name":"live"}"#);
    let response = invoke(event).await;
    assert_eq!(response["statusCode"], 200);
    let seen = seen(&response);
    assert_eq!(seen["method"], "POST");
    // The resource path: no stage in front.
    assert_eq!(seen["path"], "/2015-03-31/functions/echo/aliases");
    // Every value of a repeated key, in order; keys sorted; escaped.
    assert_eq!(seen["query"], "Marker=a%26b&tagKeys=x&tagKeys=y%20z");
    // Every value of a repeated header, and those only in `headers`.
    assert_eq!(seen["headers"]["x-multi"], json!(["first", "second"]));
    assert_eq!(seen["headers"]["x-single-only"], json!(["1"]));
    assert_eq!(seen["headers"]["host"], json!(["abc123.execute-api.us-east-1.amazonaws.com"]));
    assert_eq!(seen["body"], base64(br#"{"Name":"live"}"#));
    assert_eq!(seen["requestId"], "rest-request-id");
    assert_eq!(seen["bodyLimit"], DEFAULT_BODY_LIMIT);
    assert_eq!(seen["restContext"], true);
    assert_eq!(seen["lambdaContext"], true);
}

#[tokio::test]
async fn a_rest_response_keeps_every_header_value_and_leaves_the_length_to_api_gateway() {
    let response = invoke(rest_event("GET", "/2015-03-31/functions")).await;
    assert_eq!(response["statusCode"], 200);
    assert_eq!(response["multiValueHeaders"]["x-multi"], json!(["a", "b"]));
    assert_eq!(response["multiValueHeaders"]["set-cookie"], json!(["a=1", "b=2; Path=/"]));
    assert_eq!(response["multiValueHeaders"]["content-type"], json!(["application/json"]));
    assert!(response["multiValueHeaders"].get("content-length").is_none(), "{response}");
    // `headers` empty: API Gateway would merge it into `multiValueHeaders`.
    assert_eq!(response["headers"], json!({}));
    // An absent body is an empty one.
    assert_eq!(seen(&response)["body"], "");
}

#[tokio::test]
async fn base64_bodies_reach_the_router_as_bytes_both_ways() {
    let bytes = [0u8, 0xff, 0xfe, b'{', 0x80];
    let mut event = rest_event("POST", "/2015-03-31/functions/echo/invocations");
    event["body"] = json!(base64(&bytes));
    event["isBase64Encoded"] = json!(true);
    assert_eq!(seen(&invoke(event).await)["body"], base64(&bytes));

    let mut event = http_event("POST", "/2015-03-31/functions/echo/invocations", "$default");
    event["body"] = json!(base64(&bytes));
    event["isBase64Encoded"] = json!(true);
    assert_eq!(seen(&invoke(event).await)["body"], base64(&bytes));

    // Bytes that are not UTF-8 go back in base64; text as text.
    let response = invoke(rest_event("GET", "/x/binary")).await;
    assert_eq!(response["isBase64Encoded"], true);
    assert_eq!(response["body"], base64(&[0xff, 0x00, 0x80, b'a']));
    assert_eq!(response["multiValueHeaders"]["content-type"], json!(["application/octet-stream"]));
    let response = invoke(http_event("GET", "/x/binary", "$default")).await;
    assert_eq!(response["isBase64Encoded"], true);
    assert_eq!(response["body"], base64(&[0xff, 0x00, 0x80, b'a']));
    assert!(response["headers"].get("content-length").is_none(), "{response}");

    // No body: none in the response either.
    let response = invoke(http_event("DELETE", "/x/empty", "$default")).await;
    assert_eq!(response["statusCode"], 204);
    assert!(response.get("body").is_none(), "{response}");
    assert_eq!(response["isBase64Encoded"], false);
}

#[tokio::test]
async fn an_http_api_event_reaches_the_router_without_its_stage() {
    let mut event = http_event("GET", "/prod/2015-03-31/functions/echo", "prod");
    event["rawQueryString"] = json!("Qualifier=live&tagKeys=a&tagKeys=b%20c");
    event["cookies"] = json!(["a=1", "b=2"]);
    event["headers"]["x-list"] = json!("one,two");
    let response = invoke(event).await;
    assert_eq!(response["statusCode"], 200);
    let seen = seen(&response);
    assert_eq!(seen["method"], "GET");
    assert_eq!(seen["path"], "/2015-03-31/functions/echo");
    assert_eq!(seen["query"], "Qualifier=live&tagKeys=a&tagKeys=b%20c");
    assert_eq!(seen["headers"]["cookie"], json!(["a=1; b=2"]));
    assert_eq!(seen["headers"]["x-list"], json!(["one,two"]));
    assert_eq!(seen["requestId"], "http-request-id");
    assert_eq!(seen["httpContext"], true);
    // v2 has one value a header: repeated ones joined, cookies apart.
    assert_eq!(response["headers"]["x-multi"], "a, b");
    assert!(response["headers"].get("set-cookie").is_none(), "{response}");
    assert_eq!(response["cookies"], json!(["a=1", "b=2; Path=/"]));

    // The stage is only ever a whole first segment.
    for (raw_path, stage, path) in [
        ("/prod", "prod", "/"),
        ("/prod/", "prod", "/"),
        ("/production/x", "prod", "/production/x"),
        ("/prod/prod/x", "prod", "/prod/x"),
        ("/$default/x", "$default", "/$default/x"),
    ] {
        let seen = self::seen(&invoke(http_event("GET", raw_path, stage)).await);
        assert_eq!(seen["path"], path, "{raw_path} on {stage}");
    }
}

#[tokio::test]
async fn a_function_url_event_reaches_the_router() {
    // As Lambda sends them: payload 2.0 on the stage `$default`.
    let event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aecho",
        "rawQueryString": "tagKeys=team",
        "headers": {
            "x-forwarded-proto": "https",
            "host": "abcdefghij.lambda-url.us-east-1.on.aws",
            "content-type": "application/json"
        },
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abcdefghij",
            "domainName": "abcdefghij.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abcdefghij",
            "http": {
                "method": "DELETE",
                "path": "/2017-03-31/tags/arn:aws:lambda:us-east-1:123456789012:function:echo",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "test"
            },
            "requestId": "url-request-id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "07/Dec/2026:10:00:00 +0000",
            "timeEpoch": 1796637600000i64
        },
        "isBase64Encoded": false
    });
    let response = invoke(event).await;
    assert_eq!(response["statusCode"], 200);
    let seen = seen(&response);
    assert_eq!(seen["method"], "DELETE");
    // Escapes kept, for the router to decode the label.
    assert_eq!(seen["path"], "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aecho");
    assert_eq!(seen["query"], "tagKeys=team");
    assert_eq!(seen["requestId"], "url-request-id");
}

#[tokio::test]
async fn paths_are_escaped_where_a_uri_needs_it_and_the_domain_stands_in_for_a_missing_host() {
    let mut event = rest_event("GET", "/a b/%2F/c%zz/ü?#");
    event["headers"] = json!({});
    event["multiValueHeaders"] = json!({});
    let seen = seen(&invoke(event).await);
    assert_eq!(seen["path"], "/a%20b/%2F/c%25zz/%C3%BC%3F%23");
    assert_eq!(seen["uri"], "https://abc123.execute-api.us-east-1.amazonaws.com/a%20b/%2F/c%25zz/%C3%BC%3F%23");

    let mut event = http_event("GET", "/x", "$default");
    event["rawQueryString"] = json!("a=b c&d=%zz#");
    let seen = self::seen(&invoke(event).await);
    assert_eq!(seen["query"], "a=b%20c&d=%25zz%23");
}

#[tokio::test]
async fn the_body_limit_and_the_request_id_are_set() {
    let config = LambdaConfig { max_body_bytes: 1024 };
    let mut event = rest_event("GET", "/x");
    event["requestContext"]["requestId"] = Value::Null;
    let seen = seen(&invoke_with(event, config).await);
    assert_eq!(seen["bodyLimit"], 1024);
    // No id from API Gateway: the invocation's.
    assert_eq!(seen["requestId"], "lambda-request-id");
}

#[tokio::test]
async fn what_cannot_be_answered_is_refused_without_a_panic() {
    // A body that is not the base64 it claims: 400, the service not called.
    let mut event = http_event("POST", "/x", "$default");
    event["body"] = json!("not base64!");
    event["isBase64Encoded"] = json!(true);
    let response = invoke(event).await;
    assert_eq!(response["statusCode"], 400);
    assert_eq!(response["headers"]["x-amzn-errortype"], "SerializationException");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["__type"], "SerializationException");

    // A response larger than Lambda returns: 500.
    let response = invoke(rest_event("GET", "/x/huge")).await;
    assert_eq!(response["statusCode"], 500);
    assert_eq!(response["multiValueHeaders"]["x-amzn-errortype"], json!(["InternalFailure"]));

    // Events that are not HTTP events are not taken for one.
    for event in [json!({"order": 42}), json!({"version": "2.0", "rawPath": "/"}), json!([1, 2])] {
        let error = serde_json::from_value::<HttpEvent>(event.clone()).expect_err("not an HTTP event");
        assert!(error.to_string().contains("event"), "{event}: {error}");
    }
}

#[tokio::test]
async fn run_says_what_is_missing_outside_lambda() {
    // (The test runs outside Lambda, where the Runtime API's variables are unset.)
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return;
    }
    let error = run(echo()).await.expect_err("no Runtime API");
    assert!(error.to_string().contains("AWS_LAMBDA_RUNTIME_API is not set"), "{error}");
}
