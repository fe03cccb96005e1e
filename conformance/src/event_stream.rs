//! Smithy's `eventStreamTests`, run as a server.
//!
//! - Events of type `request` are the request's body: each event's `bytes`
//!   in order, after the initial request's head (`initialRequest`: its
//!   method, URI and headers). The handler reads its input stream whole;
//!   what it read (each event in serde's form, and why the stream ended
//!   early) must be the events' `params`, and the non-stream input members
//!   the case's `initialRequestParams`. A case that expects a failure must
//!   see the request refused, the stream end with an error, or its last
//!   event be the modelled error the case names.
//! - Events of type `response` are what the handler's output stream yields
//!   (their `params`), with `initialResponseParams` as the output's other
//!   members; the response must carry `initialResponse`'s status and
//!   headers, and its body be one message per event with the event's
//!   `headers` (typed values), none of its `forbidHeaders`, each of its
//!   `requireHeaders`, and its `body` (compared as JSON where the case says
//!   it is JSON, else byte for byte).

use protocol_tests::runtime::event_stream::frame::{Decoder, encode as encode_frame};
use protocol_tests::runtime::event_stream::{Header, HeaderValue, Message};
use protocol_tests::runtime::http::{HttpResponse, Request, ResponseBody};
use protocol_tests::runtime::validate::{Schema, Union};
use protocol_tests::runtime::{Blob, Timestamp};
use serde_json::{Map, Value};

use crate::Outcome;
use crate::protocol::{Answer, Service, body_of, carries, describe, structure, wire};
use crate::source::name_of;

/// Runs one `eventStreamTests` case of `cases` that applies to servers.
pub(crate) fn run(case: &Value, cases: &[Value]) -> Outcome {
    let Some(service) = Service::for_case(case) else { return Outcome::Failed("unknown service".into()) };
    let operation = name_of(case["shape"].as_str().unwrap_or_default());
    let Some((input_schema, output_schema)) = service.schemas(operation) else {
        return Outcome::Failed(format!("no operation {operation}"));
    };
    let (input_events, output_events) = service.event_schemas(operation);
    let events: Vec<&Value> = case["events"].as_array().into_iter().flatten().collect();
    let of_type = |kind: &str| events.iter().copied().filter(|e| e["type"] == kind).collect::<Vec<_>>();
    let (requests, responses) = (of_type("request"), of_type("response"));

    // The handler answers the initial response's members and the response
    // events.
    let empty = Value::Object(Map::new());
    let mut output = structure(output_schema, initial_response_params(case, cases).unwrap_or(&empty));
    if let (Some(union), Value::Object(members)) = (output_events, &mut output) {
        // Messages without parameters (an initial response) are not the
        // handler's events.
        let scripted =
            responses.iter().filter(|e| e.get("params").is_some()).map(|e| wire(&Schema::Union(union), &e["params"]));
        let scripted = scripted.collect();
        members.insert("stream".into(), Value::Array(scripted));
    }
    *service.recorder().answer.lock().unwrap() = Some(Answer::Output(output));

    let request = match request(case, initial_request(case, cases), &requests) {
        Ok(request) => request,
        Err(e) => return Outcome::Failed(e),
    };
    let response = service.call(request);
    let expects_failure = case["expectation"].get("failure").is_some();
    let recorded = service.recorder().input.lock().unwrap().take();
    let Some(recorded) = recorded else {
        // A case that gives the input's members expects them read: its
        // failure is the stream's, not the request's.
        return if expects_failure && case.get("initialRequestParams").is_none() {
            Outcome::Passed
        } else {
            let status = response.status().as_u16();
            Outcome::Failed(format!("the handler was not called: {}", describe(status, &body_of(response))))
        };
    };
    if let Some(why) = check_input(case, input_schema, input_events, &requests, &recorded, expects_failure) {
        return Outcome::Failed(why);
    }
    if responses.is_empty() && case.get("initialResponse").is_none() {
        return Outcome::Passed;
    }
    match check_output(case, &responses, response) {
        Some(why) => Outcome::Failed(why),
        None => Outcome::Passed,
    }
}

/// The initial request a case of an output stream is reached by: its own,
/// else that of another case of the operation (one for servers first);
/// else none, and the operation's `@http` method and URI.
fn initial_request<'a>(case: &'a Value, cases: &'a [Value]) -> &'a Value {
    if case.get("initialRequest").is_some() || case.get("initialResponseParams").is_none() {
        return &case["initialRequest"];
    }
    let mut others: Vec<&Value> = of_operation(case, cases).filter(|c| c.get("initialRequest").is_some()).collect();
    others.sort_by_key(|c| c["appliesTo"] == "client");
    others.first().map_or(&case["initialRequest"], |c| &c["initialRequest"])
}

/// The output members a case's handler answers: its own
/// `initialResponseParams`, else another case's of the operation (an input
/// case of a duplex operation whose output has required members).
fn initial_response_params<'a>(case: &'a Value, cases: &'a [Value]) -> Option<&'a Value> {
    if let Some(params) = case.get("initialResponseParams") {
        return Some(params);
    }
    of_operation(case, cases).find_map(|c| c.get("initialResponseParams"))
}

/// The event-stream cases of `case`'s operation.
fn of_operation<'a>(case: &'a Value, cases: &'a [Value]) -> impl Iterator<Item = &'a Value> {
    cases.iter().filter(move |c| {
        c["kind"] == "eventStreamTests" && c["service"] == case["service"] && c["shape"] == case["shape"]
    })
}

/// The request: the initial request's head (else the operation's `@http`
/// method and URI) and the request events' bytes as the body (each event's
/// `bytes`, else its headers and body encoded), or the initial request's
/// own body where the input is not a stream.
fn request(case: &Value, initial: &Value, events: &[&Value]) -> Result<Request<ResponseBody>, String> {
    let method = initial["method"].as_str().or(case["http"]["method"].as_str()).unwrap_or("POST");
    let uri = initial["uri"].as_str().or(case["http"]["uri"].as_str()).unwrap_or("/");
    let mut headers = http::HeaderMap::new();
    headers.insert("content-type", http::HeaderValue::from_static("application/vnd.amazon.eventstream"));
    for (name, value) in initial["headers"].as_object().into_iter().flatten() {
        let name = http::HeaderName::try_from(name.as_str()).map_err(|e| e.to_string())?;
        let value = http::HeaderValue::try_from(value.as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
        headers.insert(name, value);
    }
    let mut body = match initial["body"].as_str() {
        Some(text) => body_bytes(text, initial["bodyMediaType"].as_str())?,
        None => Vec::new(),
    };
    for event in events {
        let bytes = match event["bytes"].as_str() {
            Some(bytes) => Blob::from_base64(bytes).map_err(|e| format!("the event's bytes: {e}"))?.as_bytes().to_vec(),
            None => encode(event)?,
        };
        body.extend_from_slice(&bytes);
    }
    let mut request =
        Request::builder().method(method).uri(uri).body(ResponseBody::from(body)).map_err(|e| e.to_string())?;
    *request.headers_mut() = headers;
    Ok(request)
}

/// A case's body as bytes: base64 for CBOR (as Smithy's CBOR tests write
/// bodies), else its text.
fn body_bytes(text: &str, media_type: Option<&str>) -> Result<Vec<u8>, String> {
    match media_type {
        Some(media_type) if crate::cbor_body::is_cbor(media_type) => crate::cbor_body::from_base64(text),
        _ => Ok(text.as_bytes().to_vec()),
    }
}

/// An event given by its headers and body (no `bytes`), as a message.
fn encode(event: &Value) -> Result<Vec<u8>, String> {
    let body = match event["body"].as_str() {
        Some(text) => body_bytes(text, event["bodyMediaType"].as_str())?,
        None => Vec::new(),
    };
    let mut message = Message::new(body);
    for (name, value) in event["headers"].as_object().into_iter().flatten() {
        let header = header_value(value).ok_or_else(|| format!("the header {name} is not one the runner knows"))?;
        message = message.add_header(Header::new(name.clone(), header));
    }
    encode_frame(&message).map(|bytes| bytes.to_vec()).map_err(|e| e.to_string())
}

/// A case's typed header value (`{"integer": 3}`).
fn header_value(value: &Value) -> Option<HeaderValue> {
    let (kind, value) = value.as_object()?.iter().next()?;
    Some(match kind.as_str() {
        "boolean" => HeaderValue::Bool(value.as_bool()?),
        "byte" => HeaderValue::Byte(i8::try_from(value.as_i64()?).ok()?),
        "short" => HeaderValue::Int16(i16::try_from(value.as_i64()?).ok()?),
        "integer" => HeaderValue::Int32(i32::try_from(value.as_i64()?).ok()?),
        "long" => HeaderValue::Int64(value.as_i64()?),
        "string" => HeaderValue::String(value.as_str()?.to_string().into()),
        "blob" => HeaderValue::ByteArray(Blob::from_base64(value.as_str()?).ok()?.as_bytes().to_vec().into()),
        _ => return None,
    })
}

/// Why what the handler read is not what the case sent, if it is not.
fn check_input(
    case: &Value,
    schema: &protocol_tests::runtime::validate::Structure,
    union: Option<&'static Union>,
    events: &[&Value],
    recorded: &Value,
    expects_failure: bool,
) -> Option<String> {
    if let Some(params) = case.get("initialRequestParams") {
        let expected = structure(schema, params);
        let mut members = recorded.clone();
        if let Value::Object(members) = &mut members {
            members.remove("stream");
        }
        if !carries(&expected, &members) {
            return Some(format!("the initial request read as {members}, expected {expected}"));
        }
    }
    let stream = &recorded["stream"];
    let read: &[Value] = stream["events"].as_array().map_or(&[], Vec::as_slice);
    let error = stream["error"].as_str();
    let union = union?;
    // Events the case gives parameters for must have been read as them,
    // in order, up to an error.
    let expected: Vec<Value> = events
        .iter()
        .filter(|e| e.get("params").is_some())
        .map(|e| wire(&Schema::Union(union), &e["params"]))
        .collect();
    if !expects_failure {
        if let Some(error) = error {
            return Some(format!("the stream failed: {error}"));
        }
        if read.len() != expected.len() || !expected.iter().zip(read).all(|(e, r)| carries(e, r)) {
            return Some(format!("read {read:?}, expected {expected:?}"));
        }
        return None;
    }
    match case["expectation"]["failure"]["errorId"].as_str() {
        // The modelled error the client sent is the last event read.
        Some(error_id) => {
            let last = read.last().and_then(Value::as_object).and_then(|o| o.keys().next());
            let member = last.and_then(|key| union.members.iter().find(|m| m.name == key));
            let target = member.map(|m| match m.schema {
                Schema::Structure(s) => s.name,
                _ => "",
            });
            (target != Some(name_of(error_id)))
                .then(|| format!("read {read:?} (error {error:?}), expected the error {error_id}"))
        }
        None if error.is_some() => None,
        None => Some(format!("read {read:?} with no error, expected the stream to fail")),
    }
}

/// Why the response is not the case's output stream, if it is not.
fn check_output(case: &Value, events: &[&Value], response: HttpResponse) -> Option<String> {
    let initial = &case["initialResponse"];
    let expected_status = initial["code"].as_u64().unwrap_or(200);
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = body_of(response);
    if u64::from(status) != expected_status {
        return Some(format!("status {}, expected {expected_status}", describe(status, &body)));
    }
    for (name, value) in initial["headers"].as_object().into_iter().flatten() {
        let actual = headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        if actual != value.as_str() {
            return Some(format!("header {name}: {actual:?}, expected {value}"));
        }
    }
    if events.is_empty() {
        return None;
    }
    let media_type = headers.get("content-type").and_then(|v| v.to_str().ok());
    if media_type != Some("application/vnd.amazon.eventstream") {
        return Some(format!("content-type {media_type:?}"));
    }
    let mut decoder = Decoder::new();
    decoder.push(&body);
    let mut messages = Vec::new();
    loop {
        match decoder.next_message() {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => break,
            Err(e) => return Some(format!("the body is not event-stream messages: {e}")),
        }
    }
    if messages.len() != events.len() {
        return Some(format!("{} messages, expected {}", messages.len(), events.len()));
    }
    events.iter().zip(&messages).find_map(|(event, message)| check_message(event, message))
}

/// Why `message` is not `event`, if it is not.
fn check_message(event: &Value, message: &Message) -> Option<String> {
    let header = |name: &str| message.headers().iter().find(|h| h.name().as_str() == name).map(|h| h.value());
    for (name, expected) in event["headers"].as_object().into_iter().flatten() {
        let Some(actual) = header(name) else { return Some(format!("no header {name}")) };
        if !same_header(expected, actual) {
            return Some(format!("header {name}: {actual:?}, expected {expected}"));
        }
    }
    for name in event["forbidHeaders"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if header(name).is_some() {
            return Some(format!("the forbidden header {name} was sent"));
        }
    }
    for name in event["requireHeaders"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if header(name).is_none() {
            return Some(format!("no header {name}"));
        }
    }
    // No body is no assertion about it.
    let expected = event["body"].as_str()?;
    let payload = message.payload();
    let media_type = event["bodyMediaType"].as_str();
    if media_type.is_some_and(crate::cbor_body::is_cbor) {
        let expected = crate::cbor_body::from_base64(expected).and_then(|bytes| crate::cbor_body::to_value(&bytes));
        let actual = crate::cbor_body::to_value(payload);
        return match (expected, actual) {
            (Ok(expected), Ok(actual)) => {
                (expected != actual).then(|| format!("payload {actual}, expected {expected}"))
            }
            (expected, actual) => Some(format!("CBOR payloads: {actual:?}, expected {expected:?}")),
        };
    }
    let json = media_type.is_some_and(crate::source::is_json);
    if json {
        let Ok(expected) = serde_json::from_str::<Value>(expected) else {
            return Some(format!("the case's body is not JSON: {expected}"));
        };
        let actual: Value = serde_json::from_slice(payload).unwrap_or(Value::Null);
        return (expected != actual).then(|| format!("payload {actual}, expected {expected}"));
    }
    (expected.as_bytes() != payload.as_ref())
        .then(|| format!("payload {:?}, expected {expected:?}", String::from_utf8_lossy(payload)))
}

/// Whether a header has the typed value the case gives (`{"integer": 3}`).
fn same_header(expected: &Value, actual: &HeaderValue) -> bool {
    let Some((kind, value)) = expected.as_object().and_then(|o| o.iter().next()) else { return false };
    match (kind.as_str(), actual) {
        ("boolean", HeaderValue::Bool(b)) => value.as_bool() == Some(*b),
        ("byte", HeaderValue::Byte(n)) => value.as_i64() == Some(i64::from(*n)),
        ("short", HeaderValue::Int16(n)) => value.as_i64() == Some(i64::from(*n)),
        ("integer", HeaderValue::Int32(n)) => value.as_i64() == Some(i64::from(*n)),
        ("long", HeaderValue::Int64(n)) => value.as_i64() == Some(*n),
        ("string", HeaderValue::String(s)) => value.as_str() == Some(s.as_str()),
        ("blob", HeaderValue::ByteArray(bytes)) => {
            value.as_str().and_then(|text| Blob::from_base64(text).ok()).is_some_and(|b| b.as_bytes() == &bytes[..])
        }
        ("timestamp", HeaderValue::Timestamp(time)) => {
            let expected = match value {
                Value::String(text) => Timestamp::parse_date_time(text).ok().map(|t| t.as_epoch_seconds_f64()),
                Value::Number(n) => n.as_f64(),
                _ => None,
            };
            expected == Some(time.as_secs_f64())
        }
        _ => false,
    }
}
