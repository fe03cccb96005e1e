//! [`Dispatch`], what a generated RPC v2 router implements for each of the
//! two protocols it speaks, and [`handle`], which serves one HTTP request
//! with it.

use std::future::Future;

use tracing::Instrument;

use super::{RpcV2, check_head, operation_of, unknown_operation};
use crate::context::{RequestContext, RequestId};
use crate::event_stream::InputEvents;
use crate::http::{BoxError, Coding, HttpResponse, UnsupportedCoding, content_coding, gunzip_body, read_limited};
use crate::protocol::{Answer, Response, answered};

/// Routes requests of the RPC v2 protocol `P` (the operation the path
/// names, and the body) to a service's operations. Generated routers
/// implement it; [`handle`] puts it behind HTTP.
pub trait Dispatch<P: RpcV2>: Send + Sync + 'static {
    /// The protocol the service speaks, as it speaks it.
    fn protocol(&self) -> P;

    /// The service's name, as request paths give it
    /// (`/service/{Service}/operation/...`): its shape's name.
    fn service_name(&self) -> &'static str;

    /// The name SigV4 credentials for the service are scoped to, if it has
    /// one: a request that a SigV4 layer verified for another service is
    /// refused.
    fn signing_name(&self) -> Option<&'static str> {
        None
    }

    /// Whether a request for `operation` may come gzipped: its operation
    /// has `@requestCompression` in the model.
    fn accepts_gzip(&self, operation: &str) -> bool {
        let _ = operation;
        false
    }

    /// Handles one request for `operation` (a name the path gives, which
    /// the service may not have); never panics.
    fn route(&self, context: &RequestContext, operation: &str, body: &[u8]) -> impl Future<Output = Response> + Send;

    /// Whether `operation`'s input is an event stream: its body is handed
    /// to [`Dispatch::route_events`] unread.
    fn streams_input(&self, operation: &str) -> bool {
        let _ = operation;
        false
    }

    /// Whether `operation`'s output is an event stream, which `Accept` may
    /// name instead of the protocol's media type.
    fn streams_output(&self, operation: &str) -> bool {
        let _ = operation;
        false
    }

    /// Handles one request for an operation whose input is an event stream
    /// ([`Dispatch::streams_input`]), its body `events`; never panics.
    fn route_events(
        &self,
        context: &RequestContext,
        operation: &str,
        events: InputEvents,
    ) -> impl Future<Output = Response> + Send {
        let _ = (context, operation, events);
        std::future::ready(unknown_operation(self.protocol()))
    }
}

/// A [`Dispatch`] whose protocol is forgotten, so that
/// [`crate::http::Services`] can hold routers of either RPC v2 protocol.
pub(crate) trait DynDispatch: Send + Sync + 'static {
    /// The service's name, as request paths give it.
    fn service_name_dyn(&self) -> &'static str;
    /// The `smithy-protocol` value of the requests it answers.
    fn protocol_name(&self) -> &'static str;
    fn handle_boxed(&self, request: http::Request<crate::ByteStream>) -> crate::http::ResponseFuture;
}

/// A router speaking `P`, as a [`DynDispatch`].
pub(crate) struct Speaking<P, R> {
    pub router: R,
    pub protocol: std::marker::PhantomData<fn() -> P>,
}

impl<P: RpcV2, R: Dispatch<P> + Clone> DynDispatch for Speaking<P, R> {
    fn service_name_dyn(&self) -> &'static str {
        self.router.service_name()
    }

    fn protocol_name(&self) -> &'static str {
        P::NAME
    }

    fn handle_boxed(&self, request: http::Request<crate::ByteStream>) -> crate::http::ResponseFuture {
        crate::http::boxed(handle::<P, R, _>(self.router.clone(), request))
    }
}

/// Handles one request of the RPC v2 protocol `P` with `router`: finds the operation its
/// path names, checks its head as the protocol requires, reads the body
/// within its limit (gunzipping it where the operation allows), routes it
/// with a [`RequestContext`] and returns the response, with
/// `x-amzn-requestid`. Never panics.
pub fn handle<P, R, B>(router: R, request: http::Request<B>) -> Answer<impl Future<Output = HttpResponse>>
where
    P: RpcV2,
    R: Dispatch<P>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let request_id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
    let protocol = router.protocol();
    // The operation, if the path names one of this service's (the router
    // decides whether the service has it).
    let operation = operation_of(parts.uri.path())
        .filter(|(service, _)| *service == router.service_name())
        .map(|(_, operation)| operation.to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        service = router.service_name(),
        operation = operation.as_deref().unwrap_or(""),
    );
    let streams = operation.as_deref().map_or(super::Streams::default(), |operation| super::Streams {
        input: router.streams_input(operation),
        output: router.streams_output(operation),
    });
    let gzipped = match admit(&router, &parts, operation.as_deref(), protocol, streams) {
        Ok(gzipped) => gzipped,
        Err(refusal) => {
            let response = answered(*refusal, protocol, &span, &request_id);
            return Answer::Refused { response: Some(response) };
        }
    };
    let future = async move {
        let operation = operation.unwrap_or_default();
        // An input event stream is read by the operation, as it arrives.
        if streams.input {
            let (context, events, guard) = crate::protocol::streamed_request(parts, body, request_id);
            let response = router.route_events(&context, &operation, events).instrument(span.clone()).await;
            return answered(guard.apply(response, protocol), protocol, &span, context.request_id());
        }
        let body = match read_limited(&parts, body).await {
            Ok(body) if gzipped => gunzip_body(&parts, &body),
            read => read,
        };
        let body = match body {
            Ok(body) => body,
            Err(refusal) => return answered(refusal.response(protocol), protocol, &span, &request_id),
        };
        let http::request::Parts { headers, extensions, .. } = parts;
        let context = RequestContext::new(request_id, headers, extensions);
        let response = router.route(&context, &operation, &body).instrument(span.clone()).await;
        answered(response, protocol, &span, context.request_id())
    };
    Answer::Admitted { future }
}

/// What the protocol asks of the head of a request for `operation` (if
/// its path names one of this service's; `streams`, which of its input and
/// output are event streams), and whether the service's credentials signed
/// it: whether its body is gzipped, or the refusal.
fn admit<P: RpcV2, R: Dispatch<P> + ?Sized>(
    router: &R,
    parts: &http::request::Parts,
    operation: Option<&str>,
    protocol: P,
    streams: super::Streams,
) -> Result<bool, Box<Response>> {
    let Some(operation) = operation else { return Err(Box::new(unknown_operation(protocol))) };
    check_head(parts, protocol, streams)?;
    #[cfg(feature = "sigv4")]
    if let Some(refusal) = crate::sigv4::wrong_service(parts, router.signing_name()) {
        return Err(Box::new(refusal.response(protocol)));
    }
    match content_coding(&parts.headers, !streams.input && router.accepts_gzip(operation), false, false) {
        Ok(coding) => Ok(coding == Coding::Gzip),
        Err(UnsupportedCoding) => {
            Err(Box::new(protocol.error(415, "UnsupportedMediaTypeException", UnsupportedCoding::MESSAGE)))
        }
    }
}

#[cfg(test)]
mod tests {
    use minicbor::Encoder;

    use super::*;
    use crate::ByteStream;
    use crate::protocol::cbor::{CborWriter, WriteCbor};
    use crate::protocol::rpc_v2_cbor::{RpcV2Cbor, input, output_response, rejection_response};
    use crate::validate::read::any::Any;
    use crate::validate::{Length, Member, Schema, StringRules, Structure};

    static GREET_INPUT: Structure = Structure {
        name: "GreetInput",
        members: &[Member {
            name: "Name",
            json_name: None,
            required: true,
            schema: Schema::String(StringRules {
                length: Some(Length { min: Some(1), max: Some(10) }),
                pattern: None,
                values: None,
            }),
        }],
    };

    /// The greeting of the name read.
    struct Greeting(String);

    impl WriteCbor for Greeting {
        fn write_cbor(&self, out: &mut CborWriter) {
            out.map(1);
            out.text("Greeting");
            out.text(&self.0);
        }
    }

    /// A service `Echo` with one operation, `Greet`.
    struct Echo;

    impl Dispatch<RpcV2Cbor> for Echo {
        fn protocol(&self) -> RpcV2Cbor {
            RpcV2Cbor::default()
        }

        fn service_name(&self) -> &'static str {
            "Echo"
        }

        async fn route(&self, _: &RequestContext, operation: &str, body: &[u8]) -> Response {
            if operation != "Greet" {
                return unknown_operation(self.protocol());
            }
            match input::<Any>(body, &GREET_INPUT) {
                Ok(Any(value)) => {
                    let name = value["Name"].as_str().unwrap_or_default();
                    output_response(self.protocol(), &Greeting(format!("hello {name}")))
                }
                Err(rejection) => rejection_response(self.protocol(), rejection),
            }
        }
    }

    fn body(name: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        Encoder::new(&mut bytes).map(1).unwrap().str("Name").unwrap().str(name).unwrap();
        bytes
    }

    /// The status, headers and body (as CBOR diagnostic-free JSON of its
    /// map's text values) of `request`'s answer.
    async fn answer(
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (u16, http::HeaderMap, Vec<u8>) {
        let mut request = http::Request::builder().method(method).uri(path).header("host", "localhost");
        request = request.header("content-length", body.len().to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(http_body_util::Full::new(bytes::Bytes::from(body))).unwrap();
        let response = handle(Echo, request).await;
        let (parts, body) = response.into_parts();
        let bytes = ByteStream::into_bytes(body).await.unwrap().to_vec();
        (parts.status.as_u16(), parts.headers, bytes)
    }

    /// The `__type` of an error body.
    fn type_of(body: &[u8]) -> String {
        let mut d = minicbor::Decoder::new(body);
        d.map().unwrap();
        assert_eq!(d.str().unwrap(), "__type");
        d.str().unwrap().to_string()
    }

    /// A request (method, path, headers) and the status and error it gets.
    type Case = (&'static str, &'static str, &'static [(&'static str, &'static str)], u16, &'static str);

    const CBOR_HEADERS: &[(&str, &str)] = &[("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor")];

    #[tokio::test]
    async fn requests_are_routed_by_their_path_and_answered_in_cbor() {
        let (status, headers, bytes) = answer("POST", "/service/Echo/operation/Greet", CBOR_HEADERS, body("ada")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["smithy-protocol"], "rpc-v2-cbor");
        assert_eq!(headers["content-type"], "application/cbor");
        let mut d = minicbor::Decoder::new(&bytes);
        assert_eq!((d.map().unwrap(), d.str().unwrap(), d.str().unwrap()), (Some(1), "Greeting", "hello ada"));
        // A prefix before /service/ is the deployment's.
        let (status, _, _) = answer("POST", "/v1/service/Echo/operation/Greet", CBOR_HEADERS, body("ada")).await;
        assert_eq!(status, 200);
    }

    #[tokio::test]
    async fn requests_the_protocol_does_not_allow_are_refused_in_it() {
        let greet = "/service/Echo/operation/Greet";
        let cases: &[Case] = &[
            ("POST", "/service/Other/operation/Greet", CBOR_HEADERS, 404, "UnknownOperationException"),
            ("POST", "/service/Echo/operation/Nope", CBOR_HEADERS, 404, "UnknownOperationException"),
            ("POST", "/service/Echo/Greet", CBOR_HEADERS, 404, "UnknownOperationException"),
            ("GET", greet, CBOR_HEADERS, 405, "MethodNotAllowedException"),
            ("POST", greet, &[("content-type", "application/cbor")], 400, "InvalidRequestException"),
            (
                "POST",
                greet,
                &[("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/json")],
                415,
                "UnsupportedMediaTypeException",
            ),
            (
                "POST",
                greet,
                &[
                    ("smithy-protocol", "rpc-v2-cbor"),
                    ("content-type", "application/cbor"),
                    ("accept", "application/json"),
                ],
                406,
                "NotAcceptableException",
            ),
        ];
        for &(method, path, headers, expected, type_name) in cases {
            let (status, response_headers, bytes) = answer(method, path, headers, body("ada")).await;
            assert_eq!((status, type_of(&bytes).as_str()), (expected, type_name), "{method} {path} {headers:?}");
            assert_eq!(response_headers["smithy-protocol"], "rpc-v2-cbor");
        }
    }

    #[tokio::test]
    async fn violations_are_a_validation_exception_and_bad_cbor_a_serialization_one() {
        let greet = "/service/Echo/operation/Greet";
        let (status, _, bytes) = answer("POST", greet, CBOR_HEADERS, body("a name far too long")).await;
        assert_eq!((status, type_of(&bytes).as_str()), (400, "smithy.framework#ValidationException"));
        let mut d = minicbor::Decoder::new(&bytes);
        d.map().unwrap();
        d.str().unwrap();
        d.str().unwrap();
        assert_eq!(d.str().unwrap(), "message");
        let message = d.str().unwrap();
        assert!(message.starts_with("1 validation error detected. Value ") && message.contains("'/Name'"), "{message}");
        assert_eq!((d.str().unwrap(), d.array().unwrap()), ("fieldList", Some(1)));
        let (status, _, bytes) = answer("POST", greet, CBOR_HEADERS, vec![0xa1, 0x64]).await;
        assert_eq!((status, type_of(&bytes).as_str()), (400, "SerializationException"));
    }
}
