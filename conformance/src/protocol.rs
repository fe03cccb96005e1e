//! Smithy's awsJson1.1 protocol tests, run as a server: each test is an
//! `http::Request` handed to the generated router as a `tower::Service`,
//! the surface a server, axum or a tower layer uses. Requests are routed
//! into a recording implementation of the generated service trait, whose
//! typed input must equal the test's parameters; for responses and errors
//! the implementation answers the test's parameters, and the router's
//! `http::Response` must carry the test's body, status and headers.
//!
//! Parameters are modelled values (blobs as text, timestamps as epoch
//! seconds); they are put in wire form by walking the operation's
//! validation tables, which know every blob and timestamp format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use http_body_util::BodyExt;
use protocol_tests::json_protocol::error::{ComplexError, FooError, InvalidGreeting};
use protocol_tests::json_protocol::operation::greeting_with_errors::GreetingWithErrors;
use protocol_tests::json_protocol::service::{JsonProtocol, JsonProtocolRouter};
use protocol_tests::machine_learning::service::{AmazonMl20141212, AmazonMl20141212Router};
use protocol_tests::runtime::context::RequestContext;
use protocol_tests::runtime::http::{HttpResponse, Request, ResponseBody, Service as _};
use protocol_tests::runtime::service::not_implemented;
use protocol_tests::runtime::validate::{Member, Schema, Structure, TimestampFormat};
use protocol_tests::runtime::{Blob, Operation, Timestamp, UnmodelledError};
use serde_json::{Map, Value};

use crate::Outcome;

/// One protocol test and its outcome.
#[derive(Clone, Debug)]
pub struct ProtocolResult {
    /// `request`, `response` or `error`.
    pub kind: &'static str,
    pub id: String,
    pub outcome: Outcome,
}

/// The protocol test file.
pub fn cases_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("smithy-awsjson1_1/cases.json")
}

/// An implementation of a generated service trait that records the input it
/// is handed and answers what the test scripted.
#[derive(Default)]
pub struct Recorder {
    input: Mutex<Option<Value>>,
    answer: Mutex<Option<Answer>>,
}

/// What a [`Recorder`] answers.
enum Answer {
    /// The operation's output, in wire form.
    Output(Value),
    /// A modelled error by shape name, with its members in wire form.
    Error(String, Value),
}

impl Recorder {
    /// Records `input` and answers the scripted output, or the scripted
    /// error if `error` makes one of `E` from it.
    fn handle<I: serde::Serialize, O: serde::de::DeserializeOwned, E: From<UnmodelledError>>(
        &self,
        operation: &'static str,
        input: &I,
        error: impl FnOnce(&str, Value) -> Option<E>,
    ) -> Result<O, E> {
        *self.input.lock().unwrap() = Some(serde_json::to_value(input).expect("inputs serialise"));
        match self.answer.lock().unwrap().take() {
            Some(Answer::Output(output)) => Ok(serde_json::from_value(output)
                .unwrap_or_else(|e| panic!("the scripted output does not fit {operation}: {e}"))),
            Some(Answer::Error(name, members)) => {
                Err(error(&name, members).unwrap_or_else(|| panic!("{operation} has no error {name}")))
            }
            None => Err(not_implemented(operation)),
        }
    }
}

/// Implements a service trait with a [`Recorder`]; an operation may list
/// the modelled errors (their shape names) the error tests make it answer.
macro_rules! recording {
    ($trait:ident { $($method:ident($input:ty) -> $output:ty, $error:ty $(, errors [$($modelled:ident),*])?;)* }) => {
        impl $trait for Recorder {
            $(
                async fn $method(&self, _context: &RequestContext, input: $input) -> Result<$output, $error> {
                    self.handle(stringify!($method), &input, |_name: &str, _members: Value| -> Option<$error> {
                        $($(
                            if _name == stringify!($modelled) {
                                return Some(serde_json::from_value::<$modelled>(_members).ok()?.into());
                            }
                        )*)?
                        None
                    })
                }
            )*
        }
    };
}

use protocol_tests::json_protocol::operation as json;
use protocol_tests::json_protocol::types::KitchenSink;
use protocol_tests::machine_learning::operation as ml;
use protocol_tests::runtime::Unit;

recording!(JsonProtocol {
    content_type_parameters(json::content_type_parameters::ContentTypeParametersInput) -> json::content_type_parameters::ContentTypeParametersOutput, json::content_type_parameters::ContentTypeParametersError;
    datetime_offsets(Unit) -> json::datetime_offsets::DatetimeOffsetsOutput, json::datetime_offsets::DatetimeOffsetsError;
    empty_operation(Unit) -> Unit, json::empty_operation::EmptyOperationError;
    endpoint_operation(Unit) -> Unit, json::endpoint_operation::EndpointOperationError;
    endpoint_with_host_label_operation(json::endpoint_with_host_label_operation::HostLabelInput) -> Unit, json::endpoint_with_host_label_operation::EndpointWithHostLabelOperationError;
    fractional_seconds(Unit) -> json::fractional_seconds::FractionalSecondsOutput, json::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(Unit) -> json::greeting_with_errors::GreetingWithErrorsOutput, json::greeting_with_errors::GreetingWithErrorsError, errors [ComplexError, FooError, InvalidGreeting];
    host_with_path_operation(Unit) -> Unit, json::host_with_path_operation::HostWithPathOperationError;
    json_enums(json::json_enums::JsonEnumsInputOutput) -> json::json_enums::JsonEnumsInputOutput, json::json_enums::JsonEnumsError;
    json_int_enums(json::json_int_enums::JsonIntEnumsInputOutput) -> json::json_int_enums::JsonIntEnumsInputOutput, json::json_int_enums::JsonIntEnumsError;
    json_unions(json::json_unions::UnionInputOutput) -> json::json_unions::UnionInputOutput, json::json_unions::JsonUnionsError;
    kitchen_sink_operation(KitchenSink) -> KitchenSink, json::kitchen_sink_operation::KitchenSinkOperationError;
    null_operation(json::null_operation::NullOperationInputOutput) -> json::null_operation::NullOperationInputOutput, json::null_operation::NullOperationError;
    operation_with_optional_input_output(json::operation_with_optional_input_output::OperationWithOptionalInputOutputInput) -> json::operation_with_optional_input_output::OperationWithOptionalInputOutputOutput, json::operation_with_optional_input_output::OperationWithOptionalInputOutputError;
    put_and_get_inline_documents(json::put_and_get_inline_documents::PutAndGetInlineDocumentsInputOutput) -> json::put_and_get_inline_documents::PutAndGetInlineDocumentsInputOutput, json::put_and_get_inline_documents::PutAndGetInlineDocumentsError;
    put_with_content_encoding(json::put_with_content_encoding::PutWithContentEncodingInput) -> Unit, json::put_with_content_encoding::PutWithContentEncodingError;
    simple_scalar_properties(json::simple_scalar_properties::SimpleScalarPropertiesInputOutput) -> json::simple_scalar_properties::SimpleScalarPropertiesInputOutput, json::simple_scalar_properties::SimpleScalarPropertiesError;
    sparse_nulls_operation(json::sparse_nulls_operation::SparseNullsOperationInputOutput) -> json::sparse_nulls_operation::SparseNullsOperationInputOutput, json::sparse_nulls_operation::SparseNullsOperationError;
});

recording!(AmazonMl20141212 {
    predict(ml::predict::PredictInput) -> ml::predict::PredictOutput, ml::predict::PredictError;
});

/// The operation whose modelled errors include each error the error tests
/// serialise: the tests name only the error.
const OPERATION_OF_ERROR: &[(&str, &str)] = &[
    ("ComplexError", GreetingWithErrors::NAME),
    ("FooError", GreetingWithErrors::NAME),
    ("InvalidGreeting", GreetingWithErrors::NAME),
];

/// A minimal executor: routing never waits on I/O.
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

/// Puts modelled parameters in wire form, following `schema`.
pub fn wire(schema: &Schema, value: &Value) -> Value {
    match (schema, value) {
        (_, Value::Null) => Value::Null,
        (Schema::Blob(_), Value::String(text)) => Value::String(Blob::new(text.as_bytes()).to_base64()),
        (Schema::Timestamp(format), Value::Number(n)) => {
            let t = n
                .as_i64()
                .and_then(Timestamp::from_epoch_seconds)
                .or_else(|| n.as_f64().and_then(Timestamp::from_epoch_seconds_f64));
            match (format, t) {
                (TimestampFormat::DateTime, Some(t)) => Value::String(t.to_string()),
                (TimestampFormat::HttpDate, Some(t)) => Value::String(t.to_http_date()),
                _ => value.clone(),
            }
        }
        (Schema::List(list), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| wire(&list.member, i)).collect())
        }
        (Schema::Map(map), Value::Object(entries)) => {
            Value::Object(entries.iter().map(|(k, v)| (k.clone(), wire(&map.value, v))).collect())
        }
        (Schema::Structure(s), Value::Object(entries)) => members(s.members, entries),
        (Schema::Union(u), Value::Object(entries)) => members(u.members, entries),
        _ => value.clone(),
    }
}

/// A structure's or union's members in wire form.
fn members(schema: &[Member], entries: &Map<String, Value>) -> Value {
    let member = |name: &str| schema.iter().find(|m| m.name == name);
    Value::Object(
        entries.iter().map(|(k, v)| (k.clone(), member(k).map_or(v.clone(), |m| wire(&m.schema, v)))).collect(),
    )
}

fn structure(schema: &Structure, value: &Value) -> Value {
    match value {
        Value::Object(entries) => members(schema.members, entries),
        _ => value.clone(),
    }
}

/// Whether `actual` carries `expected`: equal JSON values, numbers compared
/// as numbers, and members `expected` leaves out allowed in `actual` only at
/// their zero default (servers write defaulted members).
pub fn carries(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            e.iter().all(|(k, v)| {
                a.get(k).is_some_and(|x| carries(v, x)) || (v.is_null() && a.get(k).is_none_or(Value::is_null))
            }) && a.iter().all(|(k, v)| e.contains_key(k) || is_zero(v))
        }
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| carries(x, y)),
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

fn is_zero(value: &Value) -> bool {
    match value {
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
    }
}

enum Service {
    Json(JsonProtocolRouter<Recorder>),
    Ml(AmazonMl20141212Router<Recorder>),
}

impl Service {
    fn for_case(case: &Value) -> Option<Service> {
        match case["service"].as_str()? {
            "aws.protocoltests.json#JsonProtocol" => Some(Service::Json(JsonProtocolRouter::new(Recorder::default()))),
            "com.amazonaws.machinelearning#AmazonML_20141212" => {
                Some(Service::Ml(AmazonMl20141212Router::new(Recorder::default())))
            }
            _ => None,
        }
    }

    fn recorder(&self) -> &Recorder {
        match self {
            Service::Json(r) => r.service(),
            Service::Ml(r) => r.service(),
        }
    }

    /// Hands `request` to the router as a `tower::Service`.
    fn call(&self, request: Request<ResponseBody>) -> HttpResponse {
        let response = match self {
            Service::Json(router) => block_on(router.clone().call(request)),
            Service::Ml(router) => block_on(router.clone().call(request)),
        };
        match response {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    /// The `X-Amz-Target` prefix of the service.
    fn prefix(&self) -> &'static str {
        match self {
            Service::Json(_) => "JsonProtocol",
            Service::Ml(_) => "AmazonML_20141212",
        }
    }

    /// An awsJson1.1 request for `operation` with `body`, as a client sends it.
    fn request(&self, operation: &str, body: &Value) -> Request<ResponseBody> {
        Request::builder()
            .method("POST")
            .uri("/")
            .header("Host", "localhost")
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("X-Amz-Target", format!("{}.{operation}", self.prefix()))
            .body(ResponseBody::from(body.to_string()))
            .expect("a valid request")
    }

    fn schemas(&self, operation: &str) -> Option<(&'static Structure, &'static Structure)> {
        match self {
            Service::Json(_) => Some((
                protocol_tests::json_protocol::validation::input_schema(operation)?,
                protocol_tests::json_protocol::validation::output_schema(operation)?,
            )),
            Service::Ml(_) => Some((
                protocol_tests::machine_learning::validation::input_schema(operation)?,
                protocol_tests::machine_learning::validation::output_schema(operation)?,
            )),
        }
    }
}

/// The test's request: its method, URI, headers and body.
fn case_request(case: &Value) -> Result<Request<ResponseBody>, String> {
    let mut request =
        Request::builder().method(case["method"].as_str().unwrap_or("POST")).uri(case["uri"].as_str().unwrap_or("/"));
    // Every HTTP/1.1 request names its host; the test's own, if it gives one.
    if !case["headers"].as_object().is_some_and(|headers| headers.keys().any(|name| name.eq_ignore_ascii_case("host")))
    {
        request = request.header("Host", case["host"].as_str().unwrap_or("localhost"));
    }
    for (name, value) in case["headers"].as_object().into_iter().flatten() {
        request = request.header(name, value.as_str().unwrap_or_default());
    }
    let body = case["body"].as_str().unwrap_or("").to_string();
    request.body(ResponseBody::from(body)).map_err(|e| format!("the test's request: {e}"))
}

/// A response's status and body, for messages.
fn describe(status: u16, body: &[u8]) -> String {
    format!("{status} {}", String::from_utf8_lossy(body))
}

fn run_request(case: &Value) -> Outcome {
    let Some(service) = Service::for_case(case) else { return Outcome::Failed("unknown service".into()) };
    let operation = case["shape"].as_str().unwrap().rsplit('#').next().unwrap();
    let Some((input_schema, _)) = service.schemas(operation) else {
        return Outcome::Failed(format!("no operation {operation}"));
    };
    let request = match case_request(case) {
        Ok(request) => request,
        Err(e) => return Outcome::Failed(e),
    };
    let response = service.call(request);
    let Some(recorded) = service.recorder().input.lock().unwrap().take() else {
        let status = response.status().as_u16();
        return Outcome::Failed(format!("the handler was not called: {}", describe(status, &body_of(response))));
    };
    let expected = structure(input_schema, case.get("params").unwrap_or(&Value::Object(Map::new())));
    if carries(&expected, &recorded) {
        Outcome::Passed
    } else {
        Outcome::Failed(format!("parsed {recorded}, expected {expected}"))
    }
}

fn body_of(response: HttpResponse) -> Vec<u8> {
    match block_on(response.into_body().collect()) {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(never) => match never {},
    }
}

fn check_response(case: &Value, response: HttpResponse) -> Outcome {
    let expected_status = case["code"].as_u64().unwrap_or(200);
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = body_of(response);
    if u64::from(status) != expected_status {
        return Outcome::Failed(format!("status {}, expected {expected_status}", describe(status, &body)));
    }
    // X-Amz-Target is a request header; one vector lists it for a response.
    for (name, value) in
        case["headers"].as_object().into_iter().flatten().filter(|(n, _)| !n.eq_ignore_ascii_case("X-Amz-Target"))
    {
        let actual = headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        if actual != value.as_str() {
            return Outcome::Failed(format!("header {name}: {actual:?}, expected {value}"));
        }
    }
    if !headers.contains_key("x-amzn-requestid") {
        return Outcome::Failed("no x-amzn-requestid".to_string());
    }
    let actual: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let expected = case.get("body_json").cloned().unwrap_or(Value::Object(Map::new()));
    if carries(&expected, &actual) {
        Outcome::Passed
    } else {
        Outcome::Failed(format!("body {actual}, expected {expected}"))
    }
}

fn run_response(case: &Value) -> Outcome {
    let Some(service) = Service::for_case(case) else { return Outcome::Failed("unknown service".into()) };
    let operation = case["shape"].as_str().unwrap().rsplit('#').next().unwrap();
    let Some((input_schema, output_schema)) = service.schemas(operation) else {
        return Outcome::Failed(format!("no operation {operation}"));
    };
    let params = case.get("params").cloned().unwrap_or(Value::Object(Map::new()));
    let output = structure(output_schema, &params);
    *service.recorder().answer.lock().unwrap() = Some(Answer::Output(output.clone()));
    // A request the operation accepts: the output itself where input and
    // output share a shape, otherwise an empty input.
    let request = if std::ptr::eq(input_schema, output_schema) { output } else { Value::Object(Map::new()) };
    check_response(case, service.call(service.request(operation, &request)))
}

fn run_error(case: &Value) -> Outcome {
    let Some(service) = Service::for_case(case) else { return Outcome::Failed("unknown service".into()) };
    let name = case["shape"].as_str().unwrap().rsplit('#').next().unwrap();
    let Some((_, operation)) = OPERATION_OF_ERROR.iter().find(|(error, _)| *error == name) else {
        return Outcome::Failed(format!("no operation answers {name}"));
    };
    let params = case.get("params").cloned().unwrap_or(Value::Object(Map::new()));
    *service.recorder().answer.lock().unwrap() = Some(Answer::Error(name.to_string(), params));
    check_response(case, service.call(service.request(operation, &Value::Object(Map::new()))))
}

/// Tests that do not say `appliesTo: client` but test what only a client does.
const CLIENT_ONLY: &[(&str, &str)] = &[
    (
        "SDKAppliedContentEncoding_awsJson1_1",
        "tests that an SDK gzips request bodies (@requestCompression); its request has no X-Amz-Target",
    ),
    (
        "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_1",
        "tests that an SDK gzips request bodies (@requestCompression); its request has no X-Amz-Target",
    ),
    ("MachinelearningPredictEndpoint", "tests that a client sends Predict to the endpoint given in its input"),
    (
        "parses_the_request_id_from_the_response",
        "tests that a client reads x-amzn-requestid; a server makes its own (every response here is checked for one)",
    ),
];

/// Runs every test in `file`.
pub fn run(file: &Path) -> Vec<ProtocolResult> {
    let suite: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut results = Vec::new();
    for case in suite["cases"].as_array().unwrap() {
        let kind = match (case["kind"].as_str(), case["shape_type"].as_str()) {
            (Some("httpRequestTests"), _) => "request",
            (_, Some("error")) => "error",
            _ => "response",
        };
        let id = case["id"].as_str().unwrap().to_string();
        let outcome = if case["appliesTo"] == "client" {
            Outcome::Skipped("marked as a client test (how a client writes or parses)".to_string())
        } else if let Some((_, why)) = CLIENT_ONLY.iter().find(|(skip, _)| *skip == id) {
            Outcome::Skipped(why.to_string())
        } else {
            let run = || match kind {
                "request" => run_request(case),
                "error" => run_error(case),
                _ => run_response(case),
            };
            // A harness panic is a failed case, not a crash of the run.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
                .unwrap_or_else(|_| Outcome::Failed("the harness panicked".to_string()))
        };
        results.push(ProtocolResult { kind, id, outcome });
    }
    results
}

/// The table `cargo xtask conformance` and the test print.
pub fn report(results: &[ProtocolResult]) -> String {
    let mut out = String::from("Smithy awsJson1.1 protocol tests, run as a server\n\n");
    out.push_str(&format!("{:<24} {:>8} {:>8}\n", "kind", "passed", "skipped"));
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for r in results {
        let entry = counts.entry(r.kind).or_default();
        match r.outcome {
            Outcome::Passed => {
                entry.0 += 1;
                entry.1 += 1;
            }
            Outcome::Failed(_) => entry.1 += 1,
            Outcome::Skipped(_) => entry.2 += 1,
        }
    }
    let (mut p, mut r, mut s) = (0, 0, 0);
    for (kind, (passed, run, skipped)) in &counts {
        out.push_str(&format!("{kind:<24} {:>8} {skipped:>8}\n", format!("{passed}/{run}")));
        p += passed;
        r += run;
        s += skipped;
    }
    out.push_str(&format!("{:<24} {:>8} {s:>8}\n", "total", format!("{p}/{r}")));
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for result in results {
        if let Outcome::Skipped(why) = &result.outcome {
            by_reason.entry(why).or_default().push(&result.id);
        }
    }
    for (why, ids) in by_reason {
        out.push_str(&format!("\nskipped ({why}): {}\n", ids.join(", ")));
    }
    for result in results {
        if let Outcome::Failed(why) = &result.outcome {
            out.push_str(&format!("\nFAILED {} ({}): {why}", result.id, result.kind));
        }
    }
    out.push('\n');
    out
}
