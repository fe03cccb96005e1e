//! restJson1 and awsJson services behind one `tower::Service`
//! (`runtime::http::Services`), so one server port serves both: a request
//! that names an awsJson service in `X-Amz-Target` goes to it, any other
//! to the restJson1 router with a route for its method and path.

use conformance::http_case::{answer, block_on};
use conformance::protocol::Recorder;
use protocol_tests::json_protocol::service::JsonProtocolRouter;
use protocol_tests::rest_json::service::RestJsonRouter;
use protocol_tests::runtime::ByteStream;
use protocol_tests::runtime::http::{Request, Service, Services};

fn services() -> Services {
    Services::new()
        .with(JsonProtocolRouter::new(Recorder::default()))
        .with_rest(RestJsonRouter::new(Recorder::default()))
}

fn send(request: Request<ByteStream>) -> (u16, Option<String>, String) {
    let response = match block_on(services().call(request)) {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let answer = answer(response);
    let error = answer.headers.get("x-amzn-errortype").map(|v| v.to_str().unwrap().to_string());
    (answer.status, error, String::from_utf8_lossy(&answer.body).into_owned())
}

#[test]
fn awsjson_and_restjson1_requests_share_one_service() {
    // awsJson: routed by X-Amz-Target; the recorder has nothing scripted,
    // so the operation answers NotImplemented, from the awsJson router.
    let aws_json = Request::post("/")
        .header("Host", "localhost")
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "JsonProtocol.EmptyOperation")
        .body(ByteStream::from("{}"))
        .unwrap();
    let (status, error, body) = send(aws_json);
    assert_eq!((status, error.as_deref()), (501, Some("NotImplemented")), "{body}");
    assert!(body.contains("\"__type\""), "an awsJson error body names its type: {body}");

    // restJson1: routed by method and path to the same operation name's
    // REST counterpart; a malformed label is refused by the REST router.
    let rest = Request::get("/HttpRequestWithLabels/string/1/2/3/4.1/5.1/true/2019-12-16T23:48:18Z")
        .header("Host", "localhost")
        .body(ByteStream::empty())
        .unwrap();
    let (status, error, body) = send(rest);
    assert_eq!((status, error.as_deref()), (501, Some("NotImplemented")), "{body}");
    assert!(!body.contains("__type"), "a restJson1 error body has no __type: {body}");
    let malformed = Request::get("/HttpRequestWithLabels/string/one/2/3/4.1/5.1/true/2019-12-16T23:48:18Z")
        .header("Host", "localhost")
        .body(ByteStream::empty())
        .unwrap();
    assert_eq!(send(malformed).1.as_deref(), Some("SerializationException"));

    // Neither: a path no restJson1 route has, without a target.
    let unknown = Request::get("/no/such/route").header("Host", "localhost").body(ByteStream::empty()).unwrap();
    let (status, error, _) = send(unknown);
    assert_eq!((status, error.as_deref()), (404, Some("UnknownOperationException")));
}

/// An awsJson operation whose input is an event stream, behind `Services`
/// beside another awsJson service: its body is handed on unread, and its
/// `initial-request` read as its input.
#[test]
fn an_awsjson_input_stream_is_routed_through_services() {
    use protocol_tests::json_rpc_events::service::JsonRpcEventsRouter;
    use protocol_tests::runtime::event_stream::{self, frame};

    let services = Services::new()
        .with(JsonProtocolRouter::new(Recorder::default()))
        .with(JsonRpcEventsRouter::new(Recorder::default()));
    let upload = |id: &str| {
        let initial = event_stream::event("initial-request", Some("application/json"), format!(r#"{{"id":"{id}"}}"#));
        let note = event_stream::event("note", Some("application/json"), r#"{"text":"hi"}"#);
        let mut body = frame::encode(&initial).unwrap().to_vec();
        body.extend_from_slice(&frame::encode(&note).unwrap());
        Request::post("/")
            .header("Host", "localhost")
            .header("Content-Type", "application/vnd.amazon.eventstream")
            .header("X-Amz-Target", "JsonRpcEvents.Upload")
            .body(ByteStream::from(body))
            .unwrap()
    };
    let call = |request| {
        let response = match block_on(services.clone().call(request)) {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let answer = answer(response);
        let error = answer.headers.get("x-amzn-errortype").map(|v| v.to_str().unwrap().to_string());
        (answer.status, error)
    };
    // The operation is reached (the recorder has nothing scripted).
    assert_eq!(call(upload("up-1")), (501, Some("NotImplemented".to_string())));
    // Its initial request is read and checked as its input.
    assert_eq!(call(upload("")), (400, Some("ValidationException".to_string())));
}
