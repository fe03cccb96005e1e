//! Smithy's protocol tests (awsJson1.0, awsJson1.1, restJson1, restXml, awsQuery, ec2Query, RPC v2 CBOR and JSON), read from Smithy's
//! IDL sources ([`crate::source`]) and run as a server: each test is an
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
use std::path::PathBuf;
use std::sync::Mutex;

use protocol_tests::amazon_ml_20141212::service::{AmazonMl20141212, AmazonMl20141212Router};
use protocol_tests::amazon_s3::service::{AmazonS3, AmazonS3Router};
use protocol_tests::aws_query::error as aws_query_error;
use protocol_tests::aws_query::service::{AwsQuery, AwsQueryRouter};
use protocol_tests::backplane_control_service::service::{BackplaneControlService, BackplaneControlServiceRouter};
use protocol_tests::cbor_events::service::{CborEvents, CborEventsRouter};
use protocol_tests::ec2_query::error as ec2_query_error;
use protocol_tests::ec2_query::service::{AwsEc2, AwsEc2Router};
use protocol_tests::glacier::service::{Glacier, GlacierRouter};
use protocol_tests::json_events::service::{JsonEvents, JsonEventsRouter};
use protocol_tests::json_protocol::service::{JsonProtocol, JsonProtocolRouter};
use protocol_tests::json_rpc_events::service::{JsonRpcEvents, JsonRpcEventsRouter};
use protocol_tests::json_rpc10::service::{JsonRpc10, JsonRpc10Router};
use protocol_tests::non_query_compatible_rpc_v2_protocol::service::{
    NonQueryCompatibleRpcV2Protocol, NonQueryCompatibleRpcV2ProtocolRouter,
};
use protocol_tests::query_compatible_json_rpc10::service::{QueryCompatibleJsonRpc10, QueryCompatibleJsonRpc10Router};
use protocol_tests::query_compatible_rpc_v2_protocol::service::{
    QueryCompatibleRpcV2Protocol, QueryCompatibleRpcV2ProtocolRouter,
};
use protocol_tests::rest_json::error as rest_json_error;
use protocol_tests::rest_json::service::{RestJson, RestJsonRouter};
use protocol_tests::rest_xml::service::{RestXml, RestXmlRouter};
use protocol_tests::rest_xml_namespace::service::{RestXmlWithNamespace, RestXmlWithNamespaceRouter};
use protocol_tests::rpc_v2_cbor::service::{RpcV2Protocol, RpcV2ProtocolRouter};
use protocol_tests::rpc_v2_json::service::{RpcV2JsonProtocol, RpcV2JsonProtocolRouter};
use protocol_tests::runtime::context::RequestContext;
use protocol_tests::runtime::http::{HttpResponse, Request, ResponseBody, Service as _};
use protocol_tests::runtime::not_implemented;
use protocol_tests::runtime::validate::{Member, Schema, Structure, TimestampFormat, Union};
use protocol_tests::runtime::{Blob, ByteStream, EventStream, Timestamp, UnmodelledError};
use serde_json::{Map, Value};

use crate::Outcome;
use crate::http_case::block_on;
use crate::source::{self, name_of};

/// One protocol test and its outcome.
#[derive(Clone, Debug)]
pub struct ProtocolResult {
    /// The protocol's trait name (`awsJson1_0`).
    pub protocol: String,
    /// The service's shape name (`JsonRpc10`).
    pub service: String,
    /// `request`, `response` or `error`.
    pub kind: &'static str,
    pub id: String,
    pub outcome: Outcome,
}

/// The spec directories whose tests run: those `protocol-tests` is
/// generated from.
pub fn spec_dirs() -> Vec<PathBuf> {
    source::protocol_specs()
}

/// An implementation of a generated service trait that records the input it
/// is handed and answers what the test scripted.
#[derive(Default)]
pub struct Recorder {
    pub(crate) input: Mutex<Option<Value>>,
    pub(crate) answer: Mutex<Option<Answer>>,
    /// The scripted output's `@streaming` member (its text) or event
    /// stream (its events), taken out of the JSON (serde skips streams)
    /// to be sent as a stream.
    streamed: Mutex<Option<Value>>,
}

/// What a [`Recorder`] answers.
pub(crate) enum Answer {
    /// The operation's output, in wire form.
    Output(Value),
    /// A modelled error by shape name, with its members in wire form.
    Error(String, Value),
}

impl Recorder {
    /// Records `input` and answers the scripted output, or the scripted
    /// error if `error` makes one of `E` from it.
    /// `streams` are the input's `@streaming` members and event streams,
    /// read (serde skips them): their texts, or their events, are recorded
    /// with the rest. The output's member `stream_out` is kept aside for
    /// [`Recorder::streamed`] and [`Recorder::streamed_events`].
    fn handle<I: serde::Serialize, O: serde::de::DeserializeOwned, E: From<UnmodelledError>>(
        &self,
        operation: &'static str,
        (input, streams): (&I, Vec<(&str, Value)>),
        stream_out: Option<&str>,
        error: impl FnOnce(&str, Value) -> Option<E>,
    ) -> Result<O, E> {
        let mut recorded = serde_json::to_value(input).expect("inputs serialise");
        for (key, value) in streams {
            recorded[key] = value;
        }
        *self.input.lock().unwrap() = Some(recorded);
        match self.answer.lock().unwrap().take() {
            Some(Answer::Output(mut output)) => {
                if let (Some(key), Value::Object(members)) = (stream_out, &mut output) {
                    *self.streamed.lock().unwrap() = members.remove(key);
                }
                Ok(serde_json::from_value(output)
                    .unwrap_or_else(|e| panic!("the scripted output does not fit {operation}: {e}")))
            }
            Some(Answer::Error(name, members)) => {
                Err(error(&name, members).unwrap_or_else(|| panic!("{operation} has no error {name}")))
            }
            None => Err(not_implemented(operation)),
        }
    }

    /// The scripted output's stream, as a stream.
    fn streamed(&self) -> ByteStream {
        let text = self.streamed.lock().unwrap().take().and_then(|v| v.as_str().map(str::to_string));
        ByteStream::from(text.unwrap_or_default())
    }

    /// The scripted output's events (serde's form of the stream's union),
    /// as an event stream.
    fn streamed_events<T: serde::de::DeserializeOwned + Send + 'static>(&self) -> EventStream<T> {
        let events = self.streamed.lock().unwrap().take().unwrap_or(Value::Array(Vec::new()));
        let events: Vec<T> = serde_json::from_value(events).expect("the scripted events fit the stream");
        events.into_iter().collect()
    }
}

/// The text of a `@streaming` member, read whole.
async fn stream_text(stream: ByteStream) -> Value {
    let bytes = stream.into_bytes().await.expect("the test's stream is in memory");
    Value::String(String::from_utf8_lossy(&bytes).into_owned())
}

/// The events of an input stream as the handler reads them: each in
/// serde's form, and why the stream ended early, if it did.
async fn stream_events<T: serde::Serialize>(mut stream: EventStream<T>) -> Value {
    let mut events = Vec::new();
    let mut error = Value::Null;
    while let Some(next) = stream.recv().await {
        match next {
            Ok(event) => events.push(serde_json::to_value(&event).expect("events serialise")),
            Err(e) => error = Value::String(e.to_string()),
        }
    }
    serde_json::json!({ "events": events, "error": error })
}

/// Implements a service trait with a [`Recorder`]; an operation may list
/// the modelled errors (their types) the error tests make it answer, and
/// its input's and output's `@streaming` members (`stream_in`,
/// `stream_out`).
macro_rules! recording {
    ($trait:ident { $($method:ident($input:ty) -> $output:ty, $error:ty $(, errors [$($modelled:ty),*])?
        $(, stream_in $in_field:ident)? $(, stream_out $out_field:ident)?
        $(, events_in $events_in:ident)? $(, events_out $events_out:ident: $events:ty)?;)* }) => {
        impl $trait for Recorder {
            $(
                async fn $method(
                    &self,
                    _context: &RequestContext,
                    #[allow(unused_mut)] mut input: $input,
                ) -> Result<$output, $error> {
                    #[allow(unused_mut)]
                    let mut streams: Vec<(&str, Value)> = Vec::new();
                    $( streams.push((stringify!($in_field), stream_text(std::mem::take(&mut input.$in_field)).await)); )?
                    $( streams.push((stringify!($events_in), stream_events(std::mem::take(&mut input.$events_in)).await)); )?
                    let stream_out: Option<&str> = None $( .or(Some(stringify!($out_field))) )? $( .or(Some(stringify!($events_out))) )?;
                    let errors = |_name: &str, _members: Value| -> Option<$error> {
                        $($(
                            if stringify!($modelled).rsplit("::").next().map(str::trim) == Some(_name) {
                                return Some(serde_json::from_value::<$modelled>(_members).ok()?.into());
                            }
                        )*)?
                        None
                    };
                    let answer: Result<$output, $error> = self.handle(stringify!($method), (&input, streams), stream_out, errors);
                    $( let answer = answer.map(|mut output| { output.$out_field = self.streamed(); output }); )?
                    $( let answer = answer.map(|mut output| { output.$events_out = self.streamed_events::<$events>(); output }); )?
                    answer
                }
            )*
        }
    };
}

use protocol_tests::amazon_ml_20141212::operation as ml;
use protocol_tests::json_protocol::error as json_error;
use protocol_tests::json_protocol::operation as json;
use protocol_tests::json_protocol::types::KitchenSink;
use protocol_tests::json_rpc10::error as json10_error;
use protocol_tests::json_rpc10::operation as json10;
use protocol_tests::query_compatible_json_rpc10::error as query_compatible_error;
use protocol_tests::query_compatible_json_rpc10::operation as query_compatible;
use protocol_tests::runtime::Unit;

recording!(JsonProtocol {
    content_type_parameters(json::content_type_parameters::ContentTypeParametersInput) -> json::content_type_parameters::ContentTypeParametersOutput, json::content_type_parameters::ContentTypeParametersError;
    datetime_offsets(Unit) -> json::datetime_offsets::DatetimeOffsetsOutput, json::datetime_offsets::DatetimeOffsetsError;
    empty_operation(Unit) -> Unit, json::empty_operation::EmptyOperationError;
    endpoint_operation(Unit) -> Unit, json::endpoint_operation::EndpointOperationError;
    endpoint_with_host_label_operation(json::endpoint_with_host_label_operation::HostLabelInput) -> Unit, json::endpoint_with_host_label_operation::EndpointWithHostLabelOperationError;
    fractional_seconds(Unit) -> json::fractional_seconds::FractionalSecondsOutput, json::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(Unit) -> json::greeting_with_errors::GreetingWithErrorsOutput, json::greeting_with_errors::GreetingWithErrorsError, errors [json_error::ComplexError, json_error::FooError, json_error::InvalidGreeting];
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

recording!(JsonRpc10 {
    content_type_parameters(json10::content_type_parameters::ContentTypeParametersInput) -> json10::content_type_parameters::ContentTypeParametersOutput, json10::content_type_parameters::ContentTypeParametersError;
    empty_input_and_empty_output(json10::empty_input_and_empty_output::EmptyInputAndEmptyOutputInput) -> json10::empty_input_and_empty_output::EmptyInputAndEmptyOutputOutput, json10::empty_input_and_empty_output::EmptyInputAndEmptyOutputError;
    endpoint_operation(Unit) -> Unit, json10::endpoint_operation::EndpointOperationError;
    endpoint_with_host_label_operation(json10::endpoint_with_host_label_operation::EndpointWithHostLabelOperationInput) -> Unit, json10::endpoint_with_host_label_operation::EndpointWithHostLabelOperationError;
    greeting_with_errors(json10::greeting_with_errors::GreetingWithErrorsInput) -> json10::greeting_with_errors::GreetingWithErrorsOutput, json10::greeting_with_errors::GreetingWithErrorsError, errors [json10_error::ComplexError, json10_error::FooError, json10_error::InvalidGreeting];
    host_with_path_operation(Unit) -> Unit, json10::host_with_path_operation::HostWithPathOperationError;
    json_unions(json10::json_unions::JsonUnionsInput) -> json10::json_unions::JsonUnionsOutput, json10::json_unions::JsonUnionsError;
    no_input_and_no_output(Unit) -> Unit, json10::no_input_and_no_output::NoInputAndNoOutputError;
    no_input_and_output(Unit) -> json10::no_input_and_output::NoInputAndOutputOutput, json10::no_input_and_output::NoInputAndOutputError;
    operation_with_defaults(json10::operation_with_defaults::OperationWithDefaultsInput) -> json10::operation_with_defaults::OperationWithDefaultsOutput, json10::operation_with_defaults::OperationWithDefaultsError;
    operation_with_nested_structure(json10::operation_with_nested_structure::OperationWithNestedStructureInput) -> json10::operation_with_nested_structure::OperationWithNestedStructureOutput, json10::operation_with_nested_structure::OperationWithNestedStructureError;
    operation_with_required_members(Unit) -> json10::operation_with_required_members::OperationWithRequiredMembersOutput, json10::operation_with_required_members::OperationWithRequiredMembersError;
    operation_with_required_members_with_defaults(Unit) -> json10::operation_with_required_members_with_defaults::OperationWithRequiredMembersWithDefaultsOutput, json10::operation_with_required_members_with_defaults::OperationWithRequiredMembersWithDefaultsError;
    put_with_content_encoding(json10::put_with_content_encoding::PutWithContentEncodingInput) -> Unit, json10::put_with_content_encoding::PutWithContentEncodingError;
    query_incompatible_operation(Unit) -> Unit, json10::query_incompatible_operation::QueryIncompatibleOperationError;
    simple_scalar_properties(json10::simple_scalar_properties::SimpleScalarPropertiesInput) -> json10::simple_scalar_properties::SimpleScalarPropertiesOutput, json10::simple_scalar_properties::SimpleScalarPropertiesError;
});

// The restJson1 services' lists are written by a script from the
// generated traits (each method's input, output and error types).
recording!(RestJson {
    all_query_string_types(protocol_tests::rest_json::operation::all_query_string_types::AllQueryStringTypesInput) -> Unit, protocol_tests::rest_json::operation::all_query_string_types::AllQueryStringTypesError;
    constant_and_variable_query_string(protocol_tests::rest_json::operation::constant_and_variable_query_string::ConstantAndVariableQueryStringInput) -> Unit, protocol_tests::rest_json::operation::constant_and_variable_query_string::ConstantAndVariableQueryStringError;
    constant_query_string(protocol_tests::rest_json::operation::constant_query_string::ConstantQueryStringInput) -> Unit, protocol_tests::rest_json::operation::constant_query_string::ConstantQueryStringError;
    content_type_parameters(protocol_tests::rest_json::operation::content_type_parameters::ContentTypeParametersInput) -> protocol_tests::rest_json::operation::content_type_parameters::ContentTypeParametersOutput, protocol_tests::rest_json::operation::content_type_parameters::ContentTypeParametersError;
    datetime_offsets(Unit) -> protocol_tests::rest_json::operation::datetime_offsets::DatetimeOffsetsOutput, protocol_tests::rest_json::operation::datetime_offsets::DatetimeOffsetsError;
    document_type(protocol_tests::rest_json::operation::document_type::DocumentTypeInputOutput) -> protocol_tests::rest_json::operation::document_type::DocumentTypeInputOutput, protocol_tests::rest_json::operation::document_type::DocumentTypeError;
    document_type_as_map_value(protocol_tests::rest_json::operation::document_type_as_map_value::DocumentTypeAsMapValueInputOutput) -> protocol_tests::rest_json::operation::document_type_as_map_value::DocumentTypeAsMapValueInputOutput, protocol_tests::rest_json::operation::document_type_as_map_value::DocumentTypeAsMapValueError;
    document_type_as_payload(protocol_tests::rest_json::operation::document_type_as_payload::DocumentTypeAsPayloadInputOutput) -> protocol_tests::rest_json::operation::document_type_as_payload::DocumentTypeAsPayloadInputOutput, protocol_tests::rest_json::operation::document_type_as_payload::DocumentTypeAsPayloadError;
    duplex_stream(protocol_tests::rest_json::operation::duplex_stream::DuplexStreamInput) -> protocol_tests::rest_json::operation::duplex_stream::DuplexStreamOutput, protocol_tests::rest_json::operation::duplex_stream::DuplexStreamError, events_in stream, events_out stream: protocol_tests::rest_json::types::EventStream;
    duplex_stream_with_distinct_streams(protocol_tests::rest_json::operation::duplex_stream_with_distinct_streams::DuplexStreamWithDistinctStreamsInput) -> protocol_tests::rest_json::operation::duplex_stream_with_distinct_streams::DuplexStreamWithDistinctStreamsOutput, protocol_tests::rest_json::operation::duplex_stream_with_distinct_streams::DuplexStreamWithDistinctStreamsError, events_in stream;
    duplex_stream_with_initial_messages(protocol_tests::rest_json::operation::duplex_stream_with_initial_messages::DuplexStreamWithInitialMessagesInput) -> protocol_tests::rest_json::operation::duplex_stream_with_initial_messages::DuplexStreamWithInitialMessagesOutput, protocol_tests::rest_json::operation::duplex_stream_with_initial_messages::DuplexStreamWithInitialMessagesError, events_in stream, events_out stream: protocol_tests::rest_json::types::EventStream;
    empty_input_and_empty_output(protocol_tests::rest_json::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputInput) -> protocol_tests::rest_json::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputOutput, protocol_tests::rest_json::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputError;
    endpoint_operation(Unit) -> Unit, protocol_tests::rest_json::operation::endpoint_operation::EndpointOperationError;
    endpoint_with_host_label_operation(protocol_tests::rest_json::operation::endpoint_with_host_label_operation::HostLabelInput) -> Unit, protocol_tests::rest_json::operation::endpoint_with_host_label_operation::EndpointWithHostLabelOperationError;
    fractional_seconds(Unit) -> protocol_tests::rest_json::operation::fractional_seconds::FractionalSecondsOutput, protocol_tests::rest_json::operation::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(Unit) -> protocol_tests::rest_json::operation::greeting_with_errors::GreetingWithErrorsOutput, protocol_tests::rest_json::operation::greeting_with_errors::GreetingWithErrorsError, errors [rest_json_error::ComplexError, rest_json_error::FooError, rest_json_error::InvalidGreeting];
    host_with_path_operation(Unit) -> Unit, protocol_tests::rest_json::operation::host_with_path_operation::HostWithPathOperationError;
    http_checksum_required(protocol_tests::rest_json::operation::http_checksum_required::HttpChecksumRequiredInputOutput) -> protocol_tests::rest_json::operation::http_checksum_required::HttpChecksumRequiredInputOutput, protocol_tests::rest_json::operation::http_checksum_required::HttpChecksumRequiredError;
    http_empty_prefix_headers(protocol_tests::rest_json::operation::http_empty_prefix_headers::HttpEmptyPrefixHeadersInput) -> protocol_tests::rest_json::operation::http_empty_prefix_headers::HttpEmptyPrefixHeadersOutput, protocol_tests::rest_json::operation::http_empty_prefix_headers::HttpEmptyPrefixHeadersError;
    http_enum_payload(protocol_tests::rest_json::operation::http_enum_payload::EnumPayloadInput) -> protocol_tests::rest_json::operation::http_enum_payload::EnumPayloadInput, protocol_tests::rest_json::operation::http_enum_payload::HttpEnumPayloadError;
    http_payload_traits(protocol_tests::rest_json::operation::http_payload_traits::HttpPayloadTraitsInputOutput) -> protocol_tests::rest_json::operation::http_payload_traits::HttpPayloadTraitsInputOutput, protocol_tests::rest_json::operation::http_payload_traits::HttpPayloadTraitsError;
    http_payload_traits_with_media_type(protocol_tests::rest_json::operation::http_payload_traits_with_media_type::HttpPayloadTraitsWithMediaTypeInputOutput) -> protocol_tests::rest_json::operation::http_payload_traits_with_media_type::HttpPayloadTraitsWithMediaTypeInputOutput, protocol_tests::rest_json::operation::http_payload_traits_with_media_type::HttpPayloadTraitsWithMediaTypeError;
    http_payload_with_structure(protocol_tests::rest_json::operation::http_payload_with_structure::HttpPayloadWithStructureInputOutput) -> protocol_tests::rest_json::operation::http_payload_with_structure::HttpPayloadWithStructureInputOutput, protocol_tests::rest_json::operation::http_payload_with_structure::HttpPayloadWithStructureError;
    http_payload_with_union(protocol_tests::rest_json::operation::http_payload_with_union::HttpPayloadWithUnionInputOutput) -> protocol_tests::rest_json::operation::http_payload_with_union::HttpPayloadWithUnionInputOutput, protocol_tests::rest_json::operation::http_payload_with_union::HttpPayloadWithUnionError;
    http_prefix_headers(protocol_tests::rest_json::operation::http_prefix_headers::HttpPrefixHeadersInput) -> protocol_tests::rest_json::operation::http_prefix_headers::HttpPrefixHeadersOutput, protocol_tests::rest_json::operation::http_prefix_headers::HttpPrefixHeadersError;
    http_prefix_headers_in_response(protocol_tests::rest_json::operation::http_prefix_headers_in_response::HttpPrefixHeadersInResponseInput) -> protocol_tests::rest_json::operation::http_prefix_headers_in_response::HttpPrefixHeadersInResponseOutput, protocol_tests::rest_json::operation::http_prefix_headers_in_response::HttpPrefixHeadersInResponseError;
    http_query_params_only_operation(protocol_tests::rest_json::operation::http_query_params_only_operation::HttpQueryParamsOnlyInput) -> Unit, protocol_tests::rest_json::operation::http_query_params_only_operation::HttpQueryParamsOnlyOperationError;
    http_request_with_float_labels(protocol_tests::rest_json::operation::http_request_with_float_labels::HttpRequestWithFloatLabelsInput) -> Unit, protocol_tests::rest_json::operation::http_request_with_float_labels::HttpRequestWithFloatLabelsError;
    http_request_with_greedy_label_in_path(protocol_tests::rest_json::operation::http_request_with_greedy_label_in_path::HttpRequestWithGreedyLabelInPathInput) -> Unit, protocol_tests::rest_json::operation::http_request_with_greedy_label_in_path::HttpRequestWithGreedyLabelInPathError;
    http_request_with_labels(protocol_tests::rest_json::operation::http_request_with_labels::HttpRequestWithLabelsInput) -> Unit, protocol_tests::rest_json::operation::http_request_with_labels::HttpRequestWithLabelsError;
    http_request_with_labels_and_timestamp_format(protocol_tests::rest_json::operation::http_request_with_labels_and_timestamp_format::HttpRequestWithLabelsAndTimestampFormatInput) -> Unit, protocol_tests::rest_json::operation::http_request_with_labels_and_timestamp_format::HttpRequestWithLabelsAndTimestampFormatError;
    http_request_with_regex_literal(protocol_tests::rest_json::operation::http_request_with_regex_literal::HttpRequestWithRegexLiteralInput) -> Unit, protocol_tests::rest_json::operation::http_request_with_regex_literal::HttpRequestWithRegexLiteralError;
    http_response_code(Unit) -> protocol_tests::rest_json::operation::http_response_code::HttpResponseCodeOutput, protocol_tests::rest_json::operation::http_response_code::HttpResponseCodeError;
    http_string_payload(protocol_tests::rest_json::operation::http_string_payload::StringPayloadInput) -> protocol_tests::rest_json::operation::http_string_payload::StringPayloadInput, protocol_tests::rest_json::operation::http_string_payload::HttpStringPayloadError;
    ignore_query_params_in_response(Unit) -> protocol_tests::rest_json::operation::ignore_query_params_in_response::IgnoreQueryParamsInResponseOutput, protocol_tests::rest_json::operation::ignore_query_params_in_response::IgnoreQueryParamsInResponseError;
    input_and_output_with_headers(protocol_tests::rest_json::operation::input_and_output_with_headers::InputAndOutputWithHeadersIo) -> protocol_tests::rest_json::operation::input_and_output_with_headers::InputAndOutputWithHeadersIo, protocol_tests::rest_json::operation::input_and_output_with_headers::InputAndOutputWithHeadersError;
    input_stream(protocol_tests::rest_json::operation::input_stream::InputStreamInput) -> Unit, protocol_tests::rest_json::operation::input_stream::InputStreamError, events_in stream;
    input_stream_with_initial_request(protocol_tests::rest_json::operation::input_stream_with_initial_request::InputStreamWithInitialRequestInput) -> Unit, protocol_tests::rest_json::operation::input_stream_with_initial_request::InputStreamWithInitialRequestError, events_in stream;
    json_blobs(protocol_tests::rest_json::operation::json_blobs::JsonBlobsInputOutput) -> protocol_tests::rest_json::operation::json_blobs::JsonBlobsInputOutput, protocol_tests::rest_json::operation::json_blobs::JsonBlobsError;
    json_enums(protocol_tests::rest_json::operation::json_enums::JsonEnumsInputOutput) -> protocol_tests::rest_json::operation::json_enums::JsonEnumsInputOutput, protocol_tests::rest_json::operation::json_enums::JsonEnumsError;
    json_int_enums(protocol_tests::rest_json::operation::json_int_enums::JsonIntEnumsInputOutput) -> protocol_tests::rest_json::operation::json_int_enums::JsonIntEnumsInputOutput, protocol_tests::rest_json::operation::json_int_enums::JsonIntEnumsError;
    json_lists(protocol_tests::rest_json::operation::json_lists::JsonListsInputOutput) -> protocol_tests::rest_json::operation::json_lists::JsonListsInputOutput, protocol_tests::rest_json::operation::json_lists::JsonListsError;
    json_maps(protocol_tests::rest_json::operation::json_maps::JsonMapsInputOutput) -> protocol_tests::rest_json::operation::json_maps::JsonMapsInputOutput, protocol_tests::rest_json::operation::json_maps::JsonMapsError;
    json_timestamps(protocol_tests::rest_json::operation::json_timestamps::JsonTimestampsInputOutput) -> protocol_tests::rest_json::operation::json_timestamps::JsonTimestampsInputOutput, protocol_tests::rest_json::operation::json_timestamps::JsonTimestampsError;
    json_unions(protocol_tests::rest_json::operation::json_unions::UnionInputOutput) -> protocol_tests::rest_json::operation::json_unions::UnionInputOutput, protocol_tests::rest_json::operation::json_unions::JsonUnionsError;
    malformed_accept_with_body(Unit) -> protocol_tests::rest_json::types::GreetingStruct, protocol_tests::rest_json::operation::malformed_accept_with_body::MalformedAcceptWithBodyError;
    malformed_accept_with_generic_string(Unit) -> protocol_tests::rest_json::operation::malformed_accept_with_generic_string::MalformedAcceptWithGenericStringOutput, protocol_tests::rest_json::operation::malformed_accept_with_generic_string::MalformedAcceptWithGenericStringError;
    malformed_accept_with_payload(Unit) -> protocol_tests::rest_json::operation::malformed_accept_with_payload::MalformedAcceptWithPayloadOutput, protocol_tests::rest_json::operation::malformed_accept_with_payload::MalformedAcceptWithPayloadError;
    malformed_blob(protocol_tests::rest_json::operation::malformed_blob::MalformedBlobInput) -> Unit, protocol_tests::rest_json::operation::malformed_blob::MalformedBlobError;
    malformed_boolean(protocol_tests::rest_json::operation::malformed_boolean::MalformedBooleanInput) -> Unit, protocol_tests::rest_json::operation::malformed_boolean::MalformedBooleanError;
    malformed_byte(protocol_tests::rest_json::operation::malformed_byte::MalformedByteInput) -> Unit, protocol_tests::rest_json::operation::malformed_byte::MalformedByteError;
    malformed_content_type_with_body(protocol_tests::rest_json::types::GreetingStruct) -> Unit, protocol_tests::rest_json::operation::malformed_content_type_with_body::MalformedContentTypeWithBodyError;
    malformed_content_type_with_generic_string(protocol_tests::rest_json::operation::malformed_content_type_with_generic_string::MalformedContentTypeWithGenericStringInput) -> Unit, protocol_tests::rest_json::operation::malformed_content_type_with_generic_string::MalformedContentTypeWithGenericStringError;
    malformed_content_type_with_payload(protocol_tests::rest_json::operation::malformed_content_type_with_payload::MalformedContentTypeWithPayloadInput) -> Unit, protocol_tests::rest_json::operation::malformed_content_type_with_payload::MalformedContentTypeWithPayloadError;
    malformed_content_type_without_body(Unit) -> Unit, protocol_tests::rest_json::operation::malformed_content_type_without_body::MalformedContentTypeWithoutBodyError;
    malformed_content_type_without_body_empty_input(protocol_tests::rest_json::operation::malformed_content_type_without_body_empty_input::MalformedContentTypeWithoutBodyEmptyInputInput) -> Unit, protocol_tests::rest_json::operation::malformed_content_type_without_body_empty_input::MalformedContentTypeWithoutBodyEmptyInputError;
    malformed_double(protocol_tests::rest_json::operation::malformed_double::MalformedDoubleInput) -> Unit, protocol_tests::rest_json::operation::malformed_double::MalformedDoubleError;
    malformed_float(protocol_tests::rest_json::operation::malformed_float::MalformedFloatInput) -> Unit, protocol_tests::rest_json::operation::malformed_float::MalformedFloatError;
    malformed_integer(protocol_tests::rest_json::operation::malformed_integer::MalformedIntegerInput) -> Unit, protocol_tests::rest_json::operation::malformed_integer::MalformedIntegerError;
    malformed_list(protocol_tests::rest_json::operation::malformed_list::MalformedListInput) -> Unit, protocol_tests::rest_json::operation::malformed_list::MalformedListError;
    malformed_long(protocol_tests::rest_json::operation::malformed_long::MalformedLongInput) -> Unit, protocol_tests::rest_json::operation::malformed_long::MalformedLongError;
    malformed_map(protocol_tests::rest_json::operation::malformed_map::MalformedMapInput) -> Unit, protocol_tests::rest_json::operation::malformed_map::MalformedMapError;
    malformed_request_body(protocol_tests::rest_json::operation::malformed_request_body::MalformedRequestBodyInput) -> Unit, protocol_tests::rest_json::operation::malformed_request_body::MalformedRequestBodyError;
    malformed_short(protocol_tests::rest_json::operation::malformed_short::MalformedShortInput) -> Unit, protocol_tests::rest_json::operation::malformed_short::MalformedShortError;
    malformed_string(protocol_tests::rest_json::operation::malformed_string::MalformedStringInput) -> Unit, protocol_tests::rest_json::operation::malformed_string::MalformedStringError;
    malformed_timestamp_body_date_time(protocol_tests::rest_json::operation::malformed_timestamp_body_date_time::MalformedTimestampBodyDateTimeInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_body_date_time::MalformedTimestampBodyDateTimeError;
    malformed_timestamp_body_default(protocol_tests::rest_json::operation::malformed_timestamp_body_default::MalformedTimestampBodyDefaultInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_body_default::MalformedTimestampBodyDefaultError;
    malformed_timestamp_body_http_date(protocol_tests::rest_json::operation::malformed_timestamp_body_http_date::MalformedTimestampBodyHttpDateInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_body_http_date::MalformedTimestampBodyHttpDateError;
    malformed_timestamp_header_date_time(protocol_tests::rest_json::operation::malformed_timestamp_header_date_time::MalformedTimestampHeaderDateTimeInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_header_date_time::MalformedTimestampHeaderDateTimeError;
    malformed_timestamp_header_default(protocol_tests::rest_json::operation::malformed_timestamp_header_default::MalformedTimestampHeaderDefaultInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_header_default::MalformedTimestampHeaderDefaultError;
    malformed_timestamp_header_epoch(protocol_tests::rest_json::operation::malformed_timestamp_header_epoch::MalformedTimestampHeaderEpochInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_header_epoch::MalformedTimestampHeaderEpochError;
    malformed_timestamp_path_default(protocol_tests::rest_json::operation::malformed_timestamp_path_default::MalformedTimestampPathDefaultInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_path_default::MalformedTimestampPathDefaultError;
    malformed_timestamp_path_epoch(protocol_tests::rest_json::operation::malformed_timestamp_path_epoch::MalformedTimestampPathEpochInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_path_epoch::MalformedTimestampPathEpochError;
    malformed_timestamp_path_http_date(protocol_tests::rest_json::operation::malformed_timestamp_path_http_date::MalformedTimestampPathHttpDateInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_path_http_date::MalformedTimestampPathHttpDateError;
    malformed_timestamp_query_default(protocol_tests::rest_json::operation::malformed_timestamp_query_default::MalformedTimestampQueryDefaultInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_query_default::MalformedTimestampQueryDefaultError;
    malformed_timestamp_query_epoch(protocol_tests::rest_json::operation::malformed_timestamp_query_epoch::MalformedTimestampQueryEpochInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_query_epoch::MalformedTimestampQueryEpochError;
    malformed_timestamp_query_http_date(protocol_tests::rest_json::operation::malformed_timestamp_query_http_date::MalformedTimestampQueryHttpDateInput) -> Unit, protocol_tests::rest_json::operation::malformed_timestamp_query_http_date::MalformedTimestampQueryHttpDateError;
    malformed_union(protocol_tests::rest_json::operation::malformed_union::MalformedUnionInput) -> Unit, protocol_tests::rest_json::operation::malformed_union::MalformedUnionError;
    media_type_header(protocol_tests::rest_json::operation::media_type_header::MediaTypeHeaderInput) -> protocol_tests::rest_json::operation::media_type_header::MediaTypeHeaderOutput, protocol_tests::rest_json::operation::media_type_header::MediaTypeHeaderError;
    no_input_and_no_output(Unit) -> Unit, protocol_tests::rest_json::operation::no_input_and_no_output::NoInputAndNoOutputError;
    no_input_and_output(Unit) -> protocol_tests::rest_json::operation::no_input_and_output::NoInputAndOutputOutput, protocol_tests::rest_json::operation::no_input_and_output::NoInputAndOutputError;
    null_and_empty_headers_client(protocol_tests::rest_json::types::NullAndEmptyHeadersIo) -> protocol_tests::rest_json::types::NullAndEmptyHeadersIo, protocol_tests::rest_json::operation::null_and_empty_headers_client::NullAndEmptyHeadersClientError;
    null_and_empty_headers_server(protocol_tests::rest_json::types::NullAndEmptyHeadersIo) -> protocol_tests::rest_json::types::NullAndEmptyHeadersIo, protocol_tests::rest_json::operation::null_and_empty_headers_server::NullAndEmptyHeadersServerError;
    omits_null_serializes_empty_string(protocol_tests::rest_json::operation::omits_null_serializes_empty_string::OmitsNullSerializesEmptyStringInput) -> Unit, protocol_tests::rest_json::operation::omits_null_serializes_empty_string::OmitsNullSerializesEmptyStringError;
    omits_serializing_empty_lists(protocol_tests::rest_json::operation::omits_serializing_empty_lists::OmitsSerializingEmptyListsInput) -> Unit, protocol_tests::rest_json::operation::omits_serializing_empty_lists::OmitsSerializingEmptyListsError;
    operation_with_defaults(protocol_tests::rest_json::operation::operation_with_defaults::OperationWithDefaultsInput) -> protocol_tests::rest_json::operation::operation_with_defaults::OperationWithDefaultsOutput, protocol_tests::rest_json::operation::operation_with_defaults::OperationWithDefaultsError;
    operation_with_nested_structure(protocol_tests::rest_json::operation::operation_with_nested_structure::OperationWithNestedStructureInput) -> protocol_tests::rest_json::operation::operation_with_nested_structure::OperationWithNestedStructureOutput, protocol_tests::rest_json::operation::operation_with_nested_structure::OperationWithNestedStructureError;
    output_stream(Unit) -> protocol_tests::rest_json::operation::output_stream::OutputStreamOutput, protocol_tests::rest_json::operation::output_stream::OutputStreamError, events_out stream: protocol_tests::rest_json::types::EventStream;
    output_stream_with_initial_response(Unit) -> protocol_tests::rest_json::operation::output_stream_with_initial_response::OutputStreamWithInitialResponseOutput, protocol_tests::rest_json::operation::output_stream_with_initial_response::OutputStreamWithInitialResponseError, events_out stream: protocol_tests::rest_json::types::EventStream;
    post_player_action(protocol_tests::rest_json::operation::post_player_action::PostPlayerActionInput) -> protocol_tests::rest_json::operation::post_player_action::PostPlayerActionOutput, protocol_tests::rest_json::operation::post_player_action::PostPlayerActionError;
    post_union_with_json_name(protocol_tests::rest_json::operation::post_union_with_json_name::PostUnionWithJsonNameInput) -> protocol_tests::rest_json::operation::post_union_with_json_name::PostUnionWithJsonNameOutput, protocol_tests::rest_json::operation::post_union_with_json_name::PostUnionWithJsonNameError;
    put_with_content_encoding(protocol_tests::rest_json::operation::put_with_content_encoding::PutWithContentEncodingInput) -> Unit, protocol_tests::rest_json::operation::put_with_content_encoding::PutWithContentEncodingError;
    query_idempotency_token_auto_fill(protocol_tests::rest_json::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillInput) -> Unit, protocol_tests::rest_json::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillError;
    query_params_as_string_list_map(protocol_tests::rest_json::operation::query_params_as_string_list_map::QueryParamsAsStringListMapInput) -> Unit, protocol_tests::rest_json::operation::query_params_as_string_list_map::QueryParamsAsStringListMapError;
    query_precedence(protocol_tests::rest_json::operation::query_precedence::QueryPrecedenceInput) -> Unit, protocol_tests::rest_json::operation::query_precedence::QueryPrecedenceError;
    recursive_shapes(protocol_tests::rest_json::operation::recursive_shapes::RecursiveShapesInputOutput) -> protocol_tests::rest_json::operation::recursive_shapes::RecursiveShapesInputOutput, protocol_tests::rest_json::operation::recursive_shapes::RecursiveShapesError;
    response_code_http_fallback(protocol_tests::rest_json::operation::response_code_http_fallback::ResponseCodeHttpFallbackInputOutput) -> protocol_tests::rest_json::operation::response_code_http_fallback::ResponseCodeHttpFallbackInputOutput, protocol_tests::rest_json::operation::response_code_http_fallback::ResponseCodeHttpFallbackError;
    response_code_required(Unit) -> protocol_tests::rest_json::operation::response_code_required::ResponseCodeRequiredOutput, protocol_tests::rest_json::operation::response_code_required::ResponseCodeRequiredError;
    simple_scalar_properties(protocol_tests::rest_json::operation::simple_scalar_properties::SimpleScalarPropertiesInputOutput) -> protocol_tests::rest_json::operation::simple_scalar_properties::SimpleScalarPropertiesInputOutput, protocol_tests::rest_json::operation::simple_scalar_properties::SimpleScalarPropertiesError;
    sparse_json_lists(protocol_tests::rest_json::operation::sparse_json_lists::SparseJsonListsInputOutput) -> protocol_tests::rest_json::operation::sparse_json_lists::SparseJsonListsInputOutput, protocol_tests::rest_json::operation::sparse_json_lists::SparseJsonListsError;
    sparse_json_maps(protocol_tests::rest_json::operation::sparse_json_maps::SparseJsonMapsInputOutput) -> protocol_tests::rest_json::operation::sparse_json_maps::SparseJsonMapsInputOutput, protocol_tests::rest_json::operation::sparse_json_maps::SparseJsonMapsError;
    streaming_traits(protocol_tests::rest_json::operation::streaming_traits::StreamingTraitsInputOutput) -> protocol_tests::rest_json::operation::streaming_traits::StreamingTraitsInputOutput, protocol_tests::rest_json::operation::streaming_traits::StreamingTraitsError, stream_in blob, stream_out blob;
    streaming_traits_require_length(protocol_tests::rest_json::operation::streaming_traits_require_length::StreamingTraitsRequireLengthInput) -> Unit, protocol_tests::rest_json::operation::streaming_traits_require_length::StreamingTraitsRequireLengthError, stream_in blob;
    streaming_traits_with_media_type(protocol_tests::rest_json::operation::streaming_traits_with_media_type::StreamingTraitsWithMediaTypeInputOutput) -> protocol_tests::rest_json::operation::streaming_traits_with_media_type::StreamingTraitsWithMediaTypeInputOutput, protocol_tests::rest_json::operation::streaming_traits_with_media_type::StreamingTraitsWithMediaTypeError, stream_in blob, stream_out blob;
    test_body_structure(protocol_tests::rest_json::operation::test_body_structure::TestBodyStructureInputOutput) -> protocol_tests::rest_json::operation::test_body_structure::TestBodyStructureInputOutput, protocol_tests::rest_json::operation::test_body_structure::TestBodyStructureError;
    test_get_no_input_no_payload(Unit) -> protocol_tests::rest_json::types::TestNoPayloadInputOutput, protocol_tests::rest_json::operation::test_get_no_input_no_payload::TestGetNoInputNoPayloadError;
    test_get_no_payload(protocol_tests::rest_json::types::TestNoPayloadInputOutput) -> protocol_tests::rest_json::types::TestNoPayloadInputOutput, protocol_tests::rest_json::operation::test_get_no_payload::TestGetNoPayloadError;
    test_payload_blob(protocol_tests::rest_json::operation::test_payload_blob::TestPayloadBlobInputOutput) -> protocol_tests::rest_json::operation::test_payload_blob::TestPayloadBlobInputOutput, protocol_tests::rest_json::operation::test_payload_blob::TestPayloadBlobError;
    test_payload_structure(protocol_tests::rest_json::operation::test_payload_structure::TestPayloadStructureInputOutput) -> protocol_tests::rest_json::operation::test_payload_structure::TestPayloadStructureInputOutput, protocol_tests::rest_json::operation::test_payload_structure::TestPayloadStructureError;
    test_post_no_input_no_payload(Unit) -> protocol_tests::rest_json::types::TestNoPayloadInputOutput, protocol_tests::rest_json::operation::test_post_no_input_no_payload::TestPostNoInputNoPayloadError;
    test_post_no_payload(protocol_tests::rest_json::types::TestNoPayloadInputOutput) -> protocol_tests::rest_json::types::TestNoPayloadInputOutput, protocol_tests::rest_json::operation::test_post_no_payload::TestPostNoPayloadError;
    timestamp_format_headers(protocol_tests::rest_json::operation::timestamp_format_headers::TimestampFormatHeadersIo) -> protocol_tests::rest_json::operation::timestamp_format_headers::TimestampFormatHeadersIo, protocol_tests::rest_json::operation::timestamp_format_headers::TimestampFormatHeadersError;
    unit_input_and_output(Unit) -> Unit, protocol_tests::rest_json::operation::unit_input_and_output::UnitInputAndOutputError;
});

recording!(Glacier {
    upload_archive(protocol_tests::glacier::operation::upload_archive::UploadArchiveInput) -> protocol_tests::glacier::operation::upload_archive::ArchiveCreationOutput, protocol_tests::glacier::operation::upload_archive::UploadArchiveError;
    upload_multipart_part(protocol_tests::glacier::operation::upload_multipart_part::UploadMultipartPartInput) -> protocol_tests::glacier::operation::upload_multipart_part::UploadMultipartPartOutput, protocol_tests::glacier::operation::upload_multipart_part::UploadMultipartPartError;
});

recording!(BackplaneControlService {
    get_rest_apis(protocol_tests::backplane_control_service::operation::get_rest_apis::GetRestApisRequest) -> protocol_tests::backplane_control_service::operation::get_rest_apis::RestApis, protocol_tests::backplane_control_service::operation::get_rest_apis::GetRestApisError;
});

recording!(QueryCompatibleJsonRpc10 {
    query_compatible_operation(Unit) -> Unit, query_compatible::query_compatible_operation::QueryCompatibleOperationError, errors [query_compatible_error::CustomCodeError, query_compatible_error::NoCustomCodeError];
});

// Written by a script from the generated trait, as restJson1's are.
recording!(AwsQuery {
    datetime_offsets(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::datetime_offsets::DatetimeOffsetsOutput, protocol_tests::aws_query::operation::datetime_offsets::DatetimeOffsetsError;
    empty_input_and_empty_output(protocol_tests::aws_query::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputInput) -> protocol_tests::aws_query::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputOutput, protocol_tests::aws_query::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputError;
    endpoint_operation(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::endpoint_operation::EndpointOperationError;
    endpoint_with_host_label_operation(protocol_tests::aws_query::operation::endpoint_with_host_label_operation::HostLabelInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::endpoint_with_host_label_operation::EndpointWithHostLabelOperationError;
    flattened_xml_map(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::flattened_xml_map::FlattenedXmlMapOutput, protocol_tests::aws_query::operation::flattened_xml_map::FlattenedXmlMapError;
    flattened_xml_map_with_xml_name(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::flattened_xml_map_with_xml_name::FlattenedXmlMapWithXmlNameOutput, protocol_tests::aws_query::operation::flattened_xml_map_with_xml_name::FlattenedXmlMapWithXmlNameError;
    flattened_xml_map_with_xml_namespace(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::flattened_xml_map_with_xml_namespace::FlattenedXmlMapWithXmlNamespaceOutput, protocol_tests::aws_query::operation::flattened_xml_map_with_xml_namespace::FlattenedXmlMapWithXmlNamespaceError;
    fractional_seconds(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::fractional_seconds::FractionalSecondsOutput, protocol_tests::aws_query::operation::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::greeting_with_errors::GreetingWithErrorsOutput, protocol_tests::aws_query::operation::greeting_with_errors::GreetingWithErrorsError, errors [aws_query_error::ComplexError, aws_query_error::CustomCodeError, aws_query_error::InvalidGreeting];
    host_with_path_operation(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::host_with_path_operation::HostWithPathOperationError;
    ignores_wrapping_xml_name(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::ignores_wrapping_xml_name::IgnoresWrappingXmlNameOutput, protocol_tests::aws_query::operation::ignores_wrapping_xml_name::IgnoresWrappingXmlNameError;
    nested_structures(protocol_tests::aws_query::operation::nested_structures::NestedStructuresInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::nested_structures::NestedStructuresError;
    no_input_and_no_output(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::no_input_and_no_output::NoInputAndNoOutputError;
    no_input_and_output(protocol_tests::aws_query::operation::no_input_and_output::NoInputAndOutputInput) -> protocol_tests::aws_query::operation::no_input_and_output::NoInputAndOutputOutput, protocol_tests::aws_query::operation::no_input_and_output::NoInputAndOutputError;
    put_with_content_encoding(protocol_tests::aws_query::operation::put_with_content_encoding::PutWithContentEncodingInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::put_with_content_encoding::PutWithContentEncodingError;
    query_idempotency_token_auto_fill(protocol_tests::aws_query::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillError;
    query_lists(protocol_tests::aws_query::operation::query_lists::QueryListsInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::query_lists::QueryListsError;
    query_maps(protocol_tests::aws_query::operation::query_maps::QueryMapsInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::query_maps::QueryMapsError;
    query_timestamps(protocol_tests::aws_query::operation::query_timestamps::QueryTimestampsInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::query_timestamps::QueryTimestampsError;
    recursive_xml_shapes(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::recursive_xml_shapes::RecursiveXmlShapesOutput, protocol_tests::aws_query::operation::recursive_xml_shapes::RecursiveXmlShapesError;
    simple_input_params(protocol_tests::aws_query::operation::simple_input_params::SimpleInputParamsInput) -> protocol_tests::runtime::Unit, protocol_tests::aws_query::operation::simple_input_params::SimpleInputParamsError;
    simple_scalar_xml_properties(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::simple_scalar_xml_properties::SimpleScalarXmlPropertiesOutput, protocol_tests::aws_query::operation::simple_scalar_xml_properties::SimpleScalarXmlPropertiesError;
    xml_blobs(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::types::XmlBlobsOutput, protocol_tests::aws_query::operation::xml_blobs::XmlBlobsError;
    xml_empty_blobs(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::types::XmlBlobsOutput, protocol_tests::aws_query::operation::xml_empty_blobs::XmlEmptyBlobsError;
    xml_empty_lists(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::types::XmlListsOutput, protocol_tests::aws_query::operation::xml_empty_lists::XmlEmptyListsError;
    xml_empty_maps(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::types::XmlMapsOutput, protocol_tests::aws_query::operation::xml_empty_maps::XmlEmptyMapsError;
    xml_enums(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::xml_enums::XmlEnumsOutput, protocol_tests::aws_query::operation::xml_enums::XmlEnumsError;
    xml_int_enums(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::xml_int_enums::XmlIntEnumsOutput, protocol_tests::aws_query::operation::xml_int_enums::XmlIntEnumsError;
    xml_lists(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::types::XmlListsOutput, protocol_tests::aws_query::operation::xml_lists::XmlListsError;
    xml_maps(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::types::XmlMapsOutput, protocol_tests::aws_query::operation::xml_maps::XmlMapsError;
    xml_maps_xml_name(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::xml_maps_xml_name::XmlMapsXmlNameOutput, protocol_tests::aws_query::operation::xml_maps_xml_name::XmlMapsXmlNameError;
    xml_namespaces(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::xml_namespaces::XmlNamespacesOutput, protocol_tests::aws_query::operation::xml_namespaces::XmlNamespacesError;
    xml_timestamps(protocol_tests::runtime::Unit) -> protocol_tests::aws_query::operation::xml_timestamps::XmlTimestampsOutput, protocol_tests::aws_query::operation::xml_timestamps::XmlTimestampsError;
});

recording!(AwsEc2 {
    datetime_offsets(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::datetime_offsets::DatetimeOffsetsOutput, protocol_tests::ec2_query::operation::datetime_offsets::DatetimeOffsetsError;
    empty_input_and_empty_output(protocol_tests::ec2_query::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputInput) -> protocol_tests::ec2_query::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputOutput, protocol_tests::ec2_query::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputError;
    endpoint_operation(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::endpoint_operation::EndpointOperationError;
    endpoint_with_host_label_operation(protocol_tests::ec2_query::operation::endpoint_with_host_label_operation::HostLabelInput) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::endpoint_with_host_label_operation::EndpointWithHostLabelOperationError;
    fractional_seconds(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::fractional_seconds::FractionalSecondsOutput, protocol_tests::ec2_query::operation::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::greeting_with_errors::GreetingWithErrorsOutput, protocol_tests::ec2_query::operation::greeting_with_errors::GreetingWithErrorsError, errors [ec2_query_error::ComplexError, ec2_query_error::InvalidGreeting];
    host_with_path_operation(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::host_with_path_operation::HostWithPathOperationError;
    ignores_wrapping_xml_name(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::ignores_wrapping_xml_name::IgnoresWrappingXmlNameOutput, protocol_tests::ec2_query::operation::ignores_wrapping_xml_name::IgnoresWrappingXmlNameError;
    nested_structures(protocol_tests::ec2_query::operation::nested_structures::NestedStructuresInput) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::nested_structures::NestedStructuresError;
    no_input_and_output(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::no_input_and_output::NoInputAndOutputOutput, protocol_tests::ec2_query::operation::no_input_and_output::NoInputAndOutputError;
    put_with_content_encoding(protocol_tests::ec2_query::operation::put_with_content_encoding::PutWithContentEncodingInput) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::put_with_content_encoding::PutWithContentEncodingError;
    query_idempotency_token_auto_fill(protocol_tests::ec2_query::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillInput) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillError;
    query_lists(protocol_tests::ec2_query::operation::query_lists::QueryListsInput) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::query_lists::QueryListsError;
    query_timestamps(protocol_tests::ec2_query::operation::query_timestamps::QueryTimestampsInput) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::query_timestamps::QueryTimestampsError;
    recursive_xml_shapes(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::recursive_xml_shapes::RecursiveXmlShapesOutput, protocol_tests::ec2_query::operation::recursive_xml_shapes::RecursiveXmlShapesError;
    simple_input_params(protocol_tests::ec2_query::operation::simple_input_params::SimpleInputParamsInput) -> protocol_tests::runtime::Unit, protocol_tests::ec2_query::operation::simple_input_params::SimpleInputParamsError;
    simple_scalar_xml_properties(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::simple_scalar_xml_properties::SimpleScalarXmlPropertiesOutput, protocol_tests::ec2_query::operation::simple_scalar_xml_properties::SimpleScalarXmlPropertiesError;
    xml_blobs(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::types::XmlBlobsOutput, protocol_tests::ec2_query::operation::xml_blobs::XmlBlobsError;
    xml_empty_blobs(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::types::XmlBlobsOutput, protocol_tests::ec2_query::operation::xml_empty_blobs::XmlEmptyBlobsError;
    xml_empty_lists(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::types::XmlListsOutput, protocol_tests::ec2_query::operation::xml_empty_lists::XmlEmptyListsError;
    xml_enums(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::xml_enums::XmlEnumsOutput, protocol_tests::ec2_query::operation::xml_enums::XmlEnumsError;
    xml_int_enums(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::xml_int_enums::XmlIntEnumsOutput, protocol_tests::ec2_query::operation::xml_int_enums::XmlIntEnumsError;
    xml_lists(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::types::XmlListsOutput, protocol_tests::ec2_query::operation::xml_lists::XmlListsError;
    xml_namespaces(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::xml_namespaces::XmlNamespacesOutput, protocol_tests::ec2_query::operation::xml_namespaces::XmlNamespacesError;
    xml_timestamps(protocol_tests::runtime::Unit) -> protocol_tests::ec2_query::operation::xml_timestamps::XmlTimestampsOutput, protocol_tests::ec2_query::operation::xml_timestamps::XmlTimestampsError;
});

recording!(RestXml {
    all_query_string_types(protocol_tests::rest_xml::operation::all_query_string_types::AllQueryStringTypesInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::all_query_string_types::AllQueryStringTypesError;
    body_with_xml_name(protocol_tests::rest_xml::operation::body_with_xml_name::BodyWithXmlNameInputOutput) -> protocol_tests::rest_xml::operation::body_with_xml_name::BodyWithXmlNameInputOutput, protocol_tests::rest_xml::operation::body_with_xml_name::BodyWithXmlNameError;
    constant_and_variable_query_string(protocol_tests::rest_xml::operation::constant_and_variable_query_string::ConstantAndVariableQueryStringInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::constant_and_variable_query_string::ConstantAndVariableQueryStringError;
    constant_query_string(protocol_tests::rest_xml::operation::constant_query_string::ConstantQueryStringInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::constant_query_string::ConstantQueryStringError;
    content_type_parameters(protocol_tests::rest_xml::operation::content_type_parameters::ContentTypeParametersInput) -> protocol_tests::rest_xml::operation::content_type_parameters::ContentTypeParametersOutput, protocol_tests::rest_xml::operation::content_type_parameters::ContentTypeParametersError;
    datetime_offsets(protocol_tests::runtime::Unit) -> protocol_tests::rest_xml::operation::datetime_offsets::DatetimeOffsetsOutput, protocol_tests::rest_xml::operation::datetime_offsets::DatetimeOffsetsError;
    empty_input_and_empty_output(protocol_tests::rest_xml::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputInput) -> protocol_tests::rest_xml::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputOutput, protocol_tests::rest_xml::operation::empty_input_and_empty_output::EmptyInputAndEmptyOutputError;
    endpoint_operation(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::endpoint_operation::EndpointOperationError;
    endpoint_with_host_label_header_operation(protocol_tests::rest_xml::operation::endpoint_with_host_label_header_operation::HostLabelHeaderInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::endpoint_with_host_label_header_operation::EndpointWithHostLabelHeaderOperationError;
    endpoint_with_host_label_operation(protocol_tests::rest_xml::operation::endpoint_with_host_label_operation::EndpointWithHostLabelOperationRequest) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::endpoint_with_host_label_operation::EndpointWithHostLabelOperationError;
    flattened_xml_map(protocol_tests::rest_xml::operation::flattened_xml_map::FlattenedXmlMapRequest) -> protocol_tests::rest_xml::operation::flattened_xml_map::FlattenedXmlMapResponse, protocol_tests::rest_xml::operation::flattened_xml_map::FlattenedXmlMapError;
    flattened_xml_map_with_xml_name(protocol_tests::rest_xml::operation::flattened_xml_map_with_xml_name::FlattenedXmlMapWithXmlNameRequest) -> protocol_tests::rest_xml::operation::flattened_xml_map_with_xml_name::FlattenedXmlMapWithXmlNameResponse, protocol_tests::rest_xml::operation::flattened_xml_map_with_xml_name::FlattenedXmlMapWithXmlNameError;
    flattened_xml_map_with_xml_namespace(protocol_tests::runtime::Unit) -> protocol_tests::rest_xml::operation::flattened_xml_map_with_xml_namespace::FlattenedXmlMapWithXmlNamespaceOutput, protocol_tests::rest_xml::operation::flattened_xml_map_with_xml_namespace::FlattenedXmlMapWithXmlNamespaceError;
    fractional_seconds(protocol_tests::runtime::Unit) -> protocol_tests::rest_xml::operation::fractional_seconds::FractionalSecondsOutput, protocol_tests::rest_xml::operation::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(protocol_tests::runtime::Unit) -> protocol_tests::rest_xml::operation::greeting_with_errors::GreetingWithErrorsOutput, protocol_tests::rest_xml::operation::greeting_with_errors::GreetingWithErrorsError, errors [protocol_tests::rest_xml::error::ComplexError, protocol_tests::rest_xml::error::InvalidGreeting];
    http_empty_prefix_headers(protocol_tests::rest_xml::operation::http_empty_prefix_headers::HttpEmptyPrefixHeadersInput) -> protocol_tests::rest_xml::operation::http_empty_prefix_headers::HttpEmptyPrefixHeadersOutput, protocol_tests::rest_xml::operation::http_empty_prefix_headers::HttpEmptyPrefixHeadersError;
    http_enum_payload(protocol_tests::rest_xml::operation::http_enum_payload::EnumPayloadInput) -> protocol_tests::rest_xml::operation::http_enum_payload::EnumPayloadInput, protocol_tests::rest_xml::operation::http_enum_payload::HttpEnumPayloadError;
    http_payload_traits(protocol_tests::rest_xml::operation::http_payload_traits::HttpPayloadTraitsInputOutput) -> protocol_tests::rest_xml::operation::http_payload_traits::HttpPayloadTraitsInputOutput, protocol_tests::rest_xml::operation::http_payload_traits::HttpPayloadTraitsError;
    http_payload_traits_with_media_type(protocol_tests::rest_xml::operation::http_payload_traits_with_media_type::HttpPayloadTraitsWithMediaTypeInputOutput) -> protocol_tests::rest_xml::operation::http_payload_traits_with_media_type::HttpPayloadTraitsWithMediaTypeInputOutput, protocol_tests::rest_xml::operation::http_payload_traits_with_media_type::HttpPayloadTraitsWithMediaTypeError;
    http_payload_with_member_xml_name(protocol_tests::rest_xml::operation::http_payload_with_member_xml_name::HttpPayloadWithMemberXmlNameInputOutput) -> protocol_tests::rest_xml::operation::http_payload_with_member_xml_name::HttpPayloadWithMemberXmlNameInputOutput, protocol_tests::rest_xml::operation::http_payload_with_member_xml_name::HttpPayloadWithMemberXmlNameError;
    http_payload_with_structure(protocol_tests::rest_xml::operation::http_payload_with_structure::HttpPayloadWithStructureInputOutput) -> protocol_tests::rest_xml::operation::http_payload_with_structure::HttpPayloadWithStructureInputOutput, protocol_tests::rest_xml::operation::http_payload_with_structure::HttpPayloadWithStructureError;
    http_payload_with_union(protocol_tests::rest_xml::operation::http_payload_with_union::HttpPayloadWithUnionInputOutput) -> protocol_tests::rest_xml::operation::http_payload_with_union::HttpPayloadWithUnionInputOutput, protocol_tests::rest_xml::operation::http_payload_with_union::HttpPayloadWithUnionError;
    http_payload_with_xml_name(protocol_tests::rest_xml::operation::http_payload_with_xml_name::HttpPayloadWithXmlNameInputOutput) -> protocol_tests::rest_xml::operation::http_payload_with_xml_name::HttpPayloadWithXmlNameInputOutput, protocol_tests::rest_xml::operation::http_payload_with_xml_name::HttpPayloadWithXmlNameError;
    http_payload_with_xml_namespace(protocol_tests::rest_xml::operation::http_payload_with_xml_namespace::HttpPayloadWithXmlNamespaceInputOutput) -> protocol_tests::rest_xml::operation::http_payload_with_xml_namespace::HttpPayloadWithXmlNamespaceInputOutput, protocol_tests::rest_xml::operation::http_payload_with_xml_namespace::HttpPayloadWithXmlNamespaceError;
    http_payload_with_xml_namespace_and_prefix(protocol_tests::rest_xml::operation::http_payload_with_xml_namespace_and_prefix::HttpPayloadWithXmlNamespaceAndPrefixInputOutput) -> protocol_tests::rest_xml::operation::http_payload_with_xml_namespace_and_prefix::HttpPayloadWithXmlNamespaceAndPrefixInputOutput, protocol_tests::rest_xml::operation::http_payload_with_xml_namespace_and_prefix::HttpPayloadWithXmlNamespaceAndPrefixError;
    http_prefix_headers(protocol_tests::rest_xml::operation::http_prefix_headers::HttpPrefixHeadersInputOutput) -> protocol_tests::rest_xml::operation::http_prefix_headers::HttpPrefixHeadersInputOutput, protocol_tests::rest_xml::operation::http_prefix_headers::HttpPrefixHeadersError;
    http_request_with_float_labels(protocol_tests::rest_xml::operation::http_request_with_float_labels::HttpRequestWithFloatLabelsInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::http_request_with_float_labels::HttpRequestWithFloatLabelsError;
    http_request_with_greedy_label_in_path(protocol_tests::rest_xml::operation::http_request_with_greedy_label_in_path::HttpRequestWithGreedyLabelInPathInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::http_request_with_greedy_label_in_path::HttpRequestWithGreedyLabelInPathError;
    http_request_with_labels(protocol_tests::rest_xml::operation::http_request_with_labels::HttpRequestWithLabelsInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::http_request_with_labels::HttpRequestWithLabelsError;
    http_request_with_labels_and_timestamp_format(protocol_tests::rest_xml::operation::http_request_with_labels_and_timestamp_format::HttpRequestWithLabelsAndTimestampFormatInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::http_request_with_labels_and_timestamp_format::HttpRequestWithLabelsAndTimestampFormatError;
    http_response_code(protocol_tests::runtime::Unit) -> protocol_tests::rest_xml::operation::http_response_code::HttpResponseCodeOutput, protocol_tests::rest_xml::operation::http_response_code::HttpResponseCodeError;
    http_string_payload(protocol_tests::rest_xml::operation::http_string_payload::StringPayloadInput) -> protocol_tests::rest_xml::operation::http_string_payload::StringPayloadInput, protocol_tests::rest_xml::operation::http_string_payload::HttpStringPayloadError;
    ignore_query_params_in_response(protocol_tests::runtime::Unit) -> protocol_tests::rest_xml::operation::ignore_query_params_in_response::IgnoreQueryParamsInResponseOutput, protocol_tests::rest_xml::operation::ignore_query_params_in_response::IgnoreQueryParamsInResponseError;
    input_and_output_with_headers(protocol_tests::rest_xml::operation::input_and_output_with_headers::InputAndOutputWithHeadersIo) -> protocol_tests::rest_xml::operation::input_and_output_with_headers::InputAndOutputWithHeadersIo, protocol_tests::rest_xml::operation::input_and_output_with_headers::InputAndOutputWithHeadersError;
    nested_xml_map_with_xml_name(protocol_tests::rest_xml::operation::nested_xml_map_with_xml_name::NestedXmlMapWithXmlNameRequest) -> protocol_tests::rest_xml::operation::nested_xml_map_with_xml_name::NestedXmlMapWithXmlNameResponse, protocol_tests::rest_xml::operation::nested_xml_map_with_xml_name::NestedXmlMapWithXmlNameError;
    nested_xml_maps(protocol_tests::rest_xml::operation::nested_xml_maps::NestedXmlMapsRequest) -> protocol_tests::rest_xml::operation::nested_xml_maps::NestedXmlMapsResponse, protocol_tests::rest_xml::operation::nested_xml_maps::NestedXmlMapsError;
    no_input_and_no_output(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::no_input_and_no_output::NoInputAndNoOutputError;
    no_input_and_output(protocol_tests::runtime::Unit) -> protocol_tests::rest_xml::operation::no_input_and_output::NoInputAndOutputOutput, protocol_tests::rest_xml::operation::no_input_and_output::NoInputAndOutputError;
    null_and_empty_headers_client(protocol_tests::rest_xml::types::NullAndEmptyHeadersIo) -> protocol_tests::rest_xml::types::NullAndEmptyHeadersIo, protocol_tests::rest_xml::operation::null_and_empty_headers_client::NullAndEmptyHeadersClientError;
    null_and_empty_headers_server(protocol_tests::rest_xml::types::NullAndEmptyHeadersIo) -> protocol_tests::rest_xml::types::NullAndEmptyHeadersIo, protocol_tests::rest_xml::operation::null_and_empty_headers_server::NullAndEmptyHeadersServerError;
    omits_null_serializes_empty_string(protocol_tests::rest_xml::operation::omits_null_serializes_empty_string::OmitsNullSerializesEmptyStringInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::omits_null_serializes_empty_string::OmitsNullSerializesEmptyStringError;
    put_with_content_encoding(protocol_tests::rest_xml::operation::put_with_content_encoding::PutWithContentEncodingInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::put_with_content_encoding::PutWithContentEncodingError;
    query_idempotency_token_auto_fill(protocol_tests::rest_xml::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::query_idempotency_token_auto_fill::QueryIdempotencyTokenAutoFillError;
    query_params_as_string_list_map(protocol_tests::rest_xml::operation::query_params_as_string_list_map::QueryParamsAsStringListMapInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::query_params_as_string_list_map::QueryParamsAsStringListMapError;
    query_precedence(protocol_tests::rest_xml::operation::query_precedence::QueryPrecedenceInput) -> protocol_tests::runtime::Unit, protocol_tests::rest_xml::operation::query_precedence::QueryPrecedenceError;
    recursive_shapes(protocol_tests::rest_xml::operation::recursive_shapes::RecursiveShapesRequest) -> protocol_tests::rest_xml::operation::recursive_shapes::RecursiveShapesResponse, protocol_tests::rest_xml::operation::recursive_shapes::RecursiveShapesError;
    simple_scalar_properties(protocol_tests::rest_xml::operation::simple_scalar_properties::SimpleScalarPropertiesRequest) -> protocol_tests::rest_xml::operation::simple_scalar_properties::SimpleScalarPropertiesResponse, protocol_tests::rest_xml::operation::simple_scalar_properties::SimpleScalarPropertiesError;
    timestamp_format_headers(protocol_tests::rest_xml::operation::timestamp_format_headers::TimestampFormatHeadersIo) -> protocol_tests::rest_xml::operation::timestamp_format_headers::TimestampFormatHeadersIo, protocol_tests::rest_xml::operation::timestamp_format_headers::TimestampFormatHeadersError;
    xml_attributes(protocol_tests::rest_xml::operation::xml_attributes::XmlAttributesRequest) -> protocol_tests::rest_xml::operation::xml_attributes::XmlAttributesResponse, protocol_tests::rest_xml::operation::xml_attributes::XmlAttributesError;
    xml_attributes_in_middle(protocol_tests::rest_xml::operation::xml_attributes_in_middle::XmlAttributesInMiddleRequest) -> protocol_tests::rest_xml::operation::xml_attributes_in_middle::XmlAttributesInMiddleResponse, protocol_tests::rest_xml::operation::xml_attributes_in_middle::XmlAttributesInMiddleError;
    xml_attributes_on_payload(protocol_tests::rest_xml::operation::xml_attributes_on_payload::XmlAttributesOnPayloadRequest) -> protocol_tests::rest_xml::operation::xml_attributes_on_payload::XmlAttributesOnPayloadResponse, protocol_tests::rest_xml::operation::xml_attributes_on_payload::XmlAttributesOnPayloadError;
    xml_blobs(protocol_tests::rest_xml::operation::xml_blobs::XmlBlobsRequest) -> protocol_tests::rest_xml::operation::xml_blobs::XmlBlobsResponse, protocol_tests::rest_xml::operation::xml_blobs::XmlBlobsError;
    xml_empty_blobs(protocol_tests::rest_xml::operation::xml_empty_blobs::XmlEmptyBlobsRequest) -> protocol_tests::rest_xml::operation::xml_empty_blobs::XmlEmptyBlobsResponse, protocol_tests::rest_xml::operation::xml_empty_blobs::XmlEmptyBlobsError;
    xml_empty_lists(protocol_tests::rest_xml::operation::xml_empty_lists::XmlEmptyListsRequest) -> protocol_tests::rest_xml::operation::xml_empty_lists::XmlEmptyListsResponse, protocol_tests::rest_xml::operation::xml_empty_lists::XmlEmptyListsError;
    xml_empty_maps(protocol_tests::rest_xml::operation::xml_empty_maps::XmlEmptyMapsRequest) -> protocol_tests::rest_xml::operation::xml_empty_maps::XmlEmptyMapsResponse, protocol_tests::rest_xml::operation::xml_empty_maps::XmlEmptyMapsError;
    xml_empty_strings(protocol_tests::rest_xml::operation::xml_empty_strings::XmlEmptyStringsRequest) -> protocol_tests::rest_xml::operation::xml_empty_strings::XmlEmptyStringsResponse, protocol_tests::rest_xml::operation::xml_empty_strings::XmlEmptyStringsError;
    xml_enums(protocol_tests::rest_xml::operation::xml_enums::XmlEnumsRequest) -> protocol_tests::rest_xml::operation::xml_enums::XmlEnumsResponse, protocol_tests::rest_xml::operation::xml_enums::XmlEnumsError;
    xml_int_enums(protocol_tests::rest_xml::operation::xml_int_enums::XmlIntEnumsRequest) -> protocol_tests::rest_xml::operation::xml_int_enums::XmlIntEnumsResponse, protocol_tests::rest_xml::operation::xml_int_enums::XmlIntEnumsError;
    xml_lists(protocol_tests::rest_xml::operation::xml_lists::XmlListsRequest) -> protocol_tests::rest_xml::operation::xml_lists::XmlListsResponse, protocol_tests::rest_xml::operation::xml_lists::XmlListsError;
    xml_map_with_xml_namespace(protocol_tests::rest_xml::operation::xml_map_with_xml_namespace::XmlMapWithXmlNamespaceRequest) -> protocol_tests::rest_xml::operation::xml_map_with_xml_namespace::XmlMapWithXmlNamespaceResponse, protocol_tests::rest_xml::operation::xml_map_with_xml_namespace::XmlMapWithXmlNamespaceError;
    xml_maps(protocol_tests::rest_xml::operation::xml_maps::XmlMapsRequest) -> protocol_tests::rest_xml::operation::xml_maps::XmlMapsResponse, protocol_tests::rest_xml::operation::xml_maps::XmlMapsError;
    xml_maps_xml_name(protocol_tests::rest_xml::operation::xml_maps_xml_name::XmlMapsXmlNameRequest) -> protocol_tests::rest_xml::operation::xml_maps_xml_name::XmlMapsXmlNameResponse, protocol_tests::rest_xml::operation::xml_maps_xml_name::XmlMapsXmlNameError;
    xml_namespaces(protocol_tests::rest_xml::operation::xml_namespaces::XmlNamespacesRequest) -> protocol_tests::rest_xml::operation::xml_namespaces::XmlNamespacesResponse, protocol_tests::rest_xml::operation::xml_namespaces::XmlNamespacesError;
    xml_timestamps(protocol_tests::rest_xml::operation::xml_timestamps::XmlTimestampsRequest) -> protocol_tests::rest_xml::operation::xml_timestamps::XmlTimestampsResponse, protocol_tests::rest_xml::operation::xml_timestamps::XmlTimestampsError;
    xml_unions(protocol_tests::rest_xml::operation::xml_unions::XmlUnionsRequest) -> protocol_tests::rest_xml::operation::xml_unions::XmlUnionsResponse, protocol_tests::rest_xml::operation::xml_unions::XmlUnionsError;
});

recording!(RestXmlWithNamespace {
    simple_scalar_properties(protocol_tests::rest_xml_namespace::operation::simple_scalar_properties::SimpleScalarPropertiesRequest) -> protocol_tests::rest_xml_namespace::operation::simple_scalar_properties::SimpleScalarPropertiesResponse, protocol_tests::rest_xml_namespace::operation::simple_scalar_properties::SimpleScalarPropertiesError;
});

recording!(AmazonS3 {
    delete_object_tagging(protocol_tests::amazon_s3::operation::delete_object_tagging::DeleteObjectTaggingRequest) -> protocol_tests::amazon_s3::operation::delete_object_tagging::DeleteObjectTaggingOutput, protocol_tests::amazon_s3::operation::delete_object_tagging::DeleteObjectTaggingError;
    get_bucket_location(protocol_tests::amazon_s3::operation::get_bucket_location::GetBucketLocationRequest) -> protocol_tests::amazon_s3::operation::get_bucket_location::GetBucketLocationOutput, protocol_tests::amazon_s3::operation::get_bucket_location::GetBucketLocationError;
    get_object(protocol_tests::amazon_s3::operation::get_object::GetObjectRequest) -> protocol_tests::amazon_s3::operation::get_object::GetObjectOutput, protocol_tests::amazon_s3::operation::get_object::GetObjectError;
    list_objects_v2(protocol_tests::amazon_s3::operation::list_objects_v2::ListObjectsV2Request) -> protocol_tests::amazon_s3::operation::list_objects_v2::ListObjectsV2Output, protocol_tests::amazon_s3::operation::list_objects_v2::ListObjectsV2Error, errors [protocol_tests::amazon_s3::error::NoSuchBucket];
});

// RPC v2 CBOR: Smithy's core suite and the query-compatible cases.
recording!(RpcV2Protocol {
    empty_input_output(protocol_tests::rpc_v2_cbor::operation::empty_input_output::EmptyStructure) -> protocol_tests::rpc_v2_cbor::operation::empty_input_output::EmptyStructure, protocol_tests::rpc_v2_cbor::operation::empty_input_output::EmptyInputOutputError;
    float16(protocol_tests::runtime::Unit) -> protocol_tests::rpc_v2_cbor::operation::float16::Float16Output, protocol_tests::rpc_v2_cbor::operation::float16::Float16Error;
    fractional_seconds(protocol_tests::runtime::Unit) -> protocol_tests::rpc_v2_cbor::operation::fractional_seconds::FractionalSecondsOutput, protocol_tests::rpc_v2_cbor::operation::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(protocol_tests::runtime::Unit) -> protocol_tests::rpc_v2_cbor::operation::greeting_with_errors::GreetingWithErrorsOutput, protocol_tests::rpc_v2_cbor::operation::greeting_with_errors::GreetingWithErrorsError, errors [protocol_tests::rpc_v2_cbor::error::ComplexError, protocol_tests::rpc_v2_cbor::error::InvalidGreeting];
    no_input_output(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::rpc_v2_cbor::operation::no_input_output::NoInputOutputError;
    operation_with_defaults(protocol_tests::rpc_v2_cbor::operation::operation_with_defaults::OperationWithDefaultsInput) -> protocol_tests::rpc_v2_cbor::operation::operation_with_defaults::OperationWithDefaultsOutput, protocol_tests::rpc_v2_cbor::operation::operation_with_defaults::OperationWithDefaultsError;
    optional_input_output(protocol_tests::rpc_v2_cbor::operation::optional_input_output::SimpleStructure) -> protocol_tests::rpc_v2_cbor::operation::optional_input_output::SimpleStructure, protocol_tests::rpc_v2_cbor::operation::optional_input_output::OptionalInputOutputError;
    recursive_shapes(protocol_tests::rpc_v2_cbor::operation::recursive_shapes::RecursiveShapesInputOutput) -> protocol_tests::rpc_v2_cbor::operation::recursive_shapes::RecursiveShapesInputOutput, protocol_tests::rpc_v2_cbor::operation::recursive_shapes::RecursiveShapesError;
    rpc_v2_cbor_dense_maps(protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_dense_maps::RpcV2CborDenseMapsInputOutput) -> protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_dense_maps::RpcV2CborDenseMapsInputOutput, protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_dense_maps::RpcV2CborDenseMapsError;
    rpc_v2_cbor_lists(protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_lists::RpcV2CborListInputOutput) -> protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_lists::RpcV2CborListInputOutput, protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_lists::RpcV2CborListsError;
    rpc_v2_cbor_sparse_maps(protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_sparse_maps::RpcV2CborSparseMapsInputOutput) -> protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_sparse_maps::RpcV2CborSparseMapsInputOutput, protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_sparse_maps::RpcV2CborSparseMapsError;
    rpc_v2_cbor_unions(protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_unions::RpcV2CborUnionInputOutput) -> protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_unions::RpcV2CborUnionInputOutput, protocol_tests::rpc_v2_cbor::operation::rpc_v2_cbor_unions::RpcV2CborUnionsError;
    simple_scalar_properties(protocol_tests::rpc_v2_cbor::operation::simple_scalar_properties::SimpleScalarStructure) -> protocol_tests::rpc_v2_cbor::operation::simple_scalar_properties::SimpleScalarStructure, protocol_tests::rpc_v2_cbor::operation::simple_scalar_properties::SimpleScalarPropertiesError;
    sparse_nulls_operation(protocol_tests::rpc_v2_cbor::operation::sparse_nulls_operation::SparseNullsOperationInputOutput) -> protocol_tests::rpc_v2_cbor::operation::sparse_nulls_operation::SparseNullsOperationInputOutput, protocol_tests::rpc_v2_cbor::operation::sparse_nulls_operation::SparseNullsOperationError;
});
recording!(QueryCompatibleRpcV2Protocol {
    query_compatible_operation(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::query_compatible_rpc_v2_protocol::operation::query_compatible_operation::QueryCompatibleOperationError, errors [protocol_tests::query_compatible_rpc_v2_protocol::error::CustomCodeError, protocol_tests::query_compatible_rpc_v2_protocol::error::NoCustomCodeError];
});
recording!(NonQueryCompatibleRpcV2Protocol {
    non_query_compatible_operation(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::non_query_compatible_rpc_v2_protocol::operation::non_query_compatible_operation::NonQueryCompatibleOperationError;
});

// RPC v2 JSON: Smithy's core suite.
recording!(RpcV2JsonProtocol {
    big_decimal_operation(protocol_tests::rpc_v2_json::operation::big_decimal_operation::BigDecimalStructure) -> protocol_tests::rpc_v2_json::operation::big_decimal_operation::BigDecimalStructure, protocol_tests::rpc_v2_json::operation::big_decimal_operation::BigDecimalOperationError;
    big_integer_operation(protocol_tests::rpc_v2_json::operation::big_integer_operation::BigIntegerStructure) -> protocol_tests::rpc_v2_json::operation::big_integer_operation::BigIntegerStructure, protocol_tests::rpc_v2_json::operation::big_integer_operation::BigIntegerOperationError;
    empty_input_output(protocol_tests::rpc_v2_json::operation::empty_input_output::EmptyStructure) -> protocol_tests::rpc_v2_json::operation::empty_input_output::EmptyStructure, protocol_tests::rpc_v2_json::operation::empty_input_output::EmptyInputOutputError;
    fractional_seconds(protocol_tests::runtime::Unit) -> protocol_tests::rpc_v2_json::operation::fractional_seconds::FractionalSecondsOutput, protocol_tests::rpc_v2_json::operation::fractional_seconds::FractionalSecondsError;
    greeting_with_errors(protocol_tests::runtime::Unit) -> protocol_tests::rpc_v2_json::operation::greeting_with_errors::GreetingWithErrorsOutput, protocol_tests::rpc_v2_json::operation::greeting_with_errors::GreetingWithErrorsError, errors [protocol_tests::rpc_v2_json::error::ComplexError, protocol_tests::rpc_v2_json::error::InvalidGreeting];
    no_input_output(protocol_tests::runtime::Unit) -> protocol_tests::runtime::Unit, protocol_tests::rpc_v2_json::operation::no_input_output::NoInputOutputError;
    operation_with_defaults(protocol_tests::rpc_v2_json::operation::operation_with_defaults::OperationWithDefaultsInput) -> protocol_tests::rpc_v2_json::operation::operation_with_defaults::OperationWithDefaultsOutput, protocol_tests::rpc_v2_json::operation::operation_with_defaults::OperationWithDefaultsError;
    optional_input_output(protocol_tests::rpc_v2_json::operation::optional_input_output::SimpleStructure) -> protocol_tests::rpc_v2_json::operation::optional_input_output::SimpleStructure, protocol_tests::rpc_v2_json::operation::optional_input_output::OptionalInputOutputError;
    recursive_shapes(protocol_tests::rpc_v2_json::operation::recursive_shapes::RecursiveShapesInputOutput) -> protocol_tests::rpc_v2_json::operation::recursive_shapes::RecursiveShapesInputOutput, protocol_tests::rpc_v2_json::operation::recursive_shapes::RecursiveShapesError;
    rpc_v2_json_dense_maps(protocol_tests::rpc_v2_json::operation::rpc_v2_json_dense_maps::RpcV2JsonDenseMapsInputOutput) -> protocol_tests::rpc_v2_json::operation::rpc_v2_json_dense_maps::RpcV2JsonDenseMapsInputOutput, protocol_tests::rpc_v2_json::operation::rpc_v2_json_dense_maps::RpcV2JsonDenseMapsError;
    rpc_v2_json_lists(protocol_tests::rpc_v2_json::operation::rpc_v2_json_lists::RpcV2JsonListInputOutput) -> protocol_tests::rpc_v2_json::operation::rpc_v2_json_lists::RpcV2JsonListInputOutput, protocol_tests::rpc_v2_json::operation::rpc_v2_json_lists::RpcV2JsonListsError;
    rpc_v2_json_sparse_maps(protocol_tests::rpc_v2_json::operation::rpc_v2_json_sparse_maps::RpcV2JsonSparseMapsInputOutput) -> protocol_tests::rpc_v2_json::operation::rpc_v2_json_sparse_maps::RpcV2JsonSparseMapsInputOutput, protocol_tests::rpc_v2_json::operation::rpc_v2_json_sparse_maps::RpcV2JsonSparseMapsError;
    simple_scalar_properties(protocol_tests::rpc_v2_json::operation::simple_scalar_properties::SimpleScalarStructure) -> protocol_tests::rpc_v2_json::operation::simple_scalar_properties::SimpleScalarStructure, protocol_tests::rpc_v2_json::operation::simple_scalar_properties::SimpleScalarPropertiesError;
    sparse_nulls_operation(protocol_tests::rpc_v2_json::operation::sparse_nulls_operation::SparseNullsOperationInputOutput) -> protocol_tests::rpc_v2_json::operation::sparse_nulls_operation::SparseNullsOperationInputOutput, protocol_tests::rpc_v2_json::operation::sparse_nulls_operation::SparseNullsOperationError;
    timestamp_format_ignored(protocol_tests::rpc_v2_json::operation::timestamp_format_ignored::TimestampFormatIgnoredIo) -> protocol_tests::rpc_v2_json::operation::timestamp_format_ignored::TimestampFormatIgnoredIo, protocol_tests::rpc_v2_json::operation::timestamp_format_ignored::TimestampFormatIgnoredError;
});

// Our own event-stream cases of the RPC protocols (`event_streams`).
recording!(JsonRpcEvents {
    chat(protocol_tests::json_rpc_events::operation::chat::ChatInput) -> protocol_tests::json_rpc_events::operation::chat::ChatOutput, protocol_tests::json_rpc_events::operation::chat::ChatError, events_in stream, events_out stream: protocol_tests::json_rpc_events::types::Events;
    subscribe(protocol_tests::json_rpc_events::operation::subscribe::SubscribeInput) -> protocol_tests::json_rpc_events::operation::subscribe::SubscribeOutput, protocol_tests::json_rpc_events::operation::subscribe::SubscribeError, events_out stream: protocol_tests::json_rpc_events::types::Events;
    upload(protocol_tests::json_rpc_events::operation::upload::UploadInput) -> protocol_tests::json_rpc_events::operation::upload::UploadOutput, protocol_tests::json_rpc_events::operation::upload::UploadError, events_in stream;
});

recording!(CborEvents {
    chat(protocol_tests::cbor_events::operation::chat::ChatInput) -> protocol_tests::cbor_events::operation::chat::ChatOutput, protocol_tests::cbor_events::operation::chat::ChatError, events_in stream, events_out stream: protocol_tests::cbor_events::types::Events;
    subscribe(protocol_tests::cbor_events::operation::subscribe::SubscribeInput) -> protocol_tests::cbor_events::operation::subscribe::SubscribeOutput, protocol_tests::cbor_events::operation::subscribe::SubscribeError, events_out stream: protocol_tests::cbor_events::types::Events;
    upload(protocol_tests::cbor_events::operation::upload::UploadInput) -> protocol_tests::cbor_events::operation::upload::UploadOutput, protocol_tests::cbor_events::operation::upload::UploadError, events_in stream;
});

recording!(JsonEvents {
    chat(protocol_tests::json_events::operation::chat::ChatInput) -> protocol_tests::json_events::operation::chat::ChatOutput, protocol_tests::json_events::operation::chat::ChatError, events_in stream, events_out stream: protocol_tests::json_events::types::Events;
    subscribe(protocol_tests::json_events::operation::subscribe::SubscribeInput) -> protocol_tests::json_events::operation::subscribe::SubscribeOutput, protocol_tests::json_events::operation::subscribe::SubscribeError, events_out stream: protocol_tests::json_events::types::Events;
    upload(protocol_tests::json_events::operation::upload::UploadInput) -> protocol_tests::json_events::operation::upload::UploadOutput, protocol_tests::json_events::operation::upload::UploadError, events_in stream;
});

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

/// A structure's or union's members in wire form: each under its JSON key
/// (parameters name members, `@jsonName` may key them otherwise).
fn members(schema: &[Member], entries: &Map<String, Value>) -> Value {
    let member = |name: &str| schema.iter().find(|m| m.name == name);
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| match member(k) {
                Some(m) => (m.key().to_string(), wire(&m.schema, v)),
                None => (k.clone(), v.clone()),
            })
            .collect(),
    )
}

pub(crate) fn structure(schema: &Structure, value: &Value) -> Value {
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
            e.iter().all(|(k, v)| match a.get(k) {
                Some(x) => carries(v, x),
                // An empty list or map is what a request that omits it
                // means (`RestJsonOmitsEmptyListQueryValues`).
                None => v.is_null() || is_empty_collection(v),
            }) && a.iter().all(|(k, v)| e.contains_key(k) || is_zero(v))
        }
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| carries(x, y)),
        // A 32-bit float is compared at its own precision: 4.1 is
        // 4.099999904632568 once widened.
        (Value::Number(e), Value::Number(a)) => {
            e.as_f64() == a.as_f64() || e.as_f64().zip(a.as_f64()).is_some_and(|(e, a)| e as f32 == a as f32)
        }
        _ => expected == actual,
    }
}

fn is_empty_collection(value: &Value) -> bool {
    matches!(value, Value::Array(a) if a.is_empty()) || matches!(value, Value::Object(o) if o.is_empty())
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

/// The generated routers, each over a [`Recorder`].
pub(crate) enum Service {
    JsonProtocol(JsonProtocolRouter<Recorder>),
    AmazonMl(AmazonMl20141212Router<Recorder>),
    JsonRpc10(JsonRpc10Router<Recorder>),
    QueryCompatibleJsonRpc10(QueryCompatibleJsonRpc10Router<Recorder>),
    RestJson(RestJsonRouter<Recorder>),
    Glacier(GlacierRouter<Recorder>),
    ApiGateway(BackplaneControlServiceRouter<Recorder>),
    AwsQuery(AwsQueryRouter<Recorder>),
    Ec2(AwsEc2Router<Recorder>),
    RestXml(RestXmlRouter<Recorder>),
    RestXmlWithNamespace(RestXmlWithNamespaceRouter<Recorder>),
    S3(AmazonS3Router<Recorder>),
    RpcV2Cbor(RpcV2ProtocolRouter<Recorder>),
    QueryCompatibleRpcV2(QueryCompatibleRpcV2ProtocolRouter<Recorder>),
    NonQueryCompatibleRpcV2(NonQueryCompatibleRpcV2ProtocolRouter<Recorder>),
    RpcV2Json(RpcV2JsonProtocolRouter<Recorder>),
    JsonRpcEvents(JsonRpcEventsRouter<Recorder>),
    CborEvents(CborEventsRouter<Recorder>),
    JsonEvents(JsonEventsRouter<Recorder>),
}

/// Runs `$body` with `$router` bound to whichever router `$service` holds.
macro_rules! each_router {
    ($service:expr, $router:ident => $body:expr) => {
        match $service {
            Service::JsonProtocol($router) => $body,
            Service::AmazonMl($router) => $body,
            Service::JsonRpc10($router) => $body,
            Service::QueryCompatibleJsonRpc10($router) => $body,
            Service::RestJson($router) => $body,
            Service::Glacier($router) => $body,
            Service::ApiGateway($router) => $body,
            Service::AwsQuery($router) => $body,
            Service::Ec2($router) => $body,
            Service::RestXml($router) => $body,
            Service::RestXmlWithNamespace($router) => $body,
            Service::S3($router) => $body,
            Service::RpcV2Cbor($router) => $body,
            Service::QueryCompatibleRpcV2($router) => $body,
            Service::NonQueryCompatibleRpcV2($router) => $body,
            Service::RpcV2Json($router) => $body,
            Service::JsonRpcEvents($router) => $body,
            Service::CborEvents($router) => $body,
            Service::JsonEvents($router) => $body,
        }
    };
}

/// The validation tables of the operation named `$operation` in each
/// generated module: (input, output).
macro_rules! schemas {
    ($module:ident, $operation:expr) => {
        Some((
            protocol_tests::$module::validation::input_schema($operation)?,
            protocol_tests::$module::validation::output_schema($operation)?,
        ))
    };
}

/// The unions of a generated module's operation's input and output event
/// streams.
macro_rules! event_schemas {
    ($module:ident, $operation:expr) => {
        (
            protocol_tests::$module::validation::input_events($operation),
            protocol_tests::$module::validation::output_events($operation),
        )
    };
}

impl Service {
    /// The router of the case's service, by its shape id.
    pub(crate) fn for_case(case: &Value) -> Option<Service> {
        Some(match case["service"].as_str()? {
            "aws.protocoltests.json#JsonProtocol" => {
                Service::JsonProtocol(JsonProtocolRouter::new(Recorder::default()))
            }
            "com.amazonaws.machinelearning#AmazonML_20141212" => {
                Service::AmazonMl(AmazonMl20141212Router::new(Recorder::default()))
            }
            "aws.protocoltests.json10#JsonRpc10" => Service::JsonRpc10(JsonRpc10Router::new(Recorder::default())),
            "aws.protocoltests.json10#QueryCompatibleJsonRpc10" => {
                Service::QueryCompatibleJsonRpc10(QueryCompatibleJsonRpc10Router::new(Recorder::default()))
            }
            "aws.protocoltests.restjson#RestJson" => Service::RestJson(RestJsonRouter::new(Recorder::default())),
            "com.amazonaws.glacier#Glacier" => Service::Glacier(GlacierRouter::new(Recorder::default())),
            "com.amazonaws.apigateway#BackplaneControlService" => {
                Service::ApiGateway(BackplaneControlServiceRouter::new(Recorder::default()))
            }
            "aws.protocoltests.query#AwsQuery" => Service::AwsQuery(AwsQueryRouter::new(Recorder::default())),
            "aws.protocoltests.ec2#AwsEc2" => Service::Ec2(AwsEc2Router::new(Recorder::default())),
            "aws.protocoltests.restxml#RestXml" => Service::RestXml(RestXmlRouter::new(Recorder::default())),
            "aws.protocoltests.restxml.xmlns#RestXmlWithNamespace" => {
                Service::RestXmlWithNamespace(RestXmlWithNamespaceRouter::new(Recorder::default()))
            }
            "com.amazonaws.s3#AmazonS3" => Service::S3(AmazonS3Router::new(Recorder::default())),
            "smithy.protocoltests.rpcv2Cbor#RpcV2Protocol" => {
                Service::RpcV2Cbor(RpcV2ProtocolRouter::new(Recorder::default()))
            }
            "aws.protocoltests.rpcv2cbor#QueryCompatibleRpcV2Protocol" => {
                Service::QueryCompatibleRpcV2(QueryCompatibleRpcV2ProtocolRouter::new(Recorder::default()))
            }
            "smithy.protocoltests.rpcv2Json#RpcV2JsonProtocol" => {
                Service::RpcV2Json(RpcV2JsonProtocolRouter::new(Recorder::default()))
            }
            "awsgen.protocoltests.eventstreams#JsonRpcEvents" => {
                Service::JsonRpcEvents(JsonRpcEventsRouter::new(Recorder::default()))
            }
            "awsgen.protocoltests.eventstreams#CborEvents" => {
                Service::CborEvents(CborEventsRouter::new(Recorder::default()))
            }
            "awsgen.protocoltests.eventstreams#JsonEvents" => {
                Service::JsonEvents(JsonEventsRouter::new(Recorder::default()))
            }
            "aws.protocoltests.rpcv2cbor#NonQueryCompatibleRpcV2Protocol" => {
                Service::NonQueryCompatibleRpcV2(NonQueryCompatibleRpcV2ProtocolRouter::new(Recorder::default()))
            }
            _ => return None,
        })
    }

    pub(crate) fn recorder(&self) -> &Recorder {
        each_router!(self, router => router.service())
    }

    /// Hands `request` to the router as a `tower::Service`.
    pub(crate) fn call(&self, request: Request<ResponseBody>) -> HttpResponse {
        let response = each_router!(self, router => block_on(router.clone().call(request)));
        match response {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    /// The unions of an operation's input and output event streams.
    pub(crate) fn event_schemas(&self, operation: &str) -> (Option<&'static Union>, Option<&'static Union>) {
        use protocol_tests::rest_json::validation as rest_json;
        match self {
            Service::RestJson(_) => (rest_json::input_events(operation), rest_json::output_events(operation)),
            Service::JsonRpcEvents(_) => event_schemas!(json_rpc_events, operation),
            Service::CborEvents(_) => event_schemas!(cbor_events, operation),
            Service::JsonEvents(_) => event_schemas!(json_events, operation),
            _ => (None, None),
        }
    }

    pub(crate) fn schemas(&self, operation: &str) -> Option<(&'static Structure, &'static Structure)> {
        match self {
            Service::JsonProtocol(_) => schemas!(json_protocol, operation),
            Service::AmazonMl(_) => schemas!(amazon_ml_20141212, operation),
            Service::JsonRpc10(_) => schemas!(json_rpc10, operation),
            Service::QueryCompatibleJsonRpc10(_) => schemas!(query_compatible_json_rpc10, operation),
            Service::RestJson(_) => schemas!(rest_json, operation),
            Service::Glacier(_) => schemas!(glacier, operation),
            Service::ApiGateway(_) => schemas!(backplane_control_service, operation),
            Service::AwsQuery(_) => schemas!(aws_query, operation),
            Service::Ec2(_) => schemas!(ec2_query, operation),
            Service::RestXml(_) => schemas!(rest_xml, operation),
            Service::RestXmlWithNamespace(_) => schemas!(rest_xml_namespace, operation),
            Service::S3(_) => schemas!(amazon_s3, operation),
            Service::RpcV2Cbor(_) => schemas!(rpc_v2_cbor, operation),
            Service::QueryCompatibleRpcV2(_) => schemas!(query_compatible_rpc_v2_protocol, operation),
            Service::NonQueryCompatibleRpcV2(_) => schemas!(non_query_compatible_rpc_v2_protocol, operation),
            Service::RpcV2Json(_) => schemas!(rpc_v2_json, operation),
            Service::JsonRpcEvents(_) => schemas!(json_rpc_events, operation),
            Service::CborEvents(_) => schemas!(cbor_events, operation),
            Service::JsonEvents(_) => schemas!(json_events, operation),
        }
    }
}

/// The `Content-Type` of the case's protocol, from its trait id.
fn content_type(case: &Value) -> Option<&'static str> {
    match case["protocol"].as_str()? {
        "aws.protocols#awsJson1_0" => Some("application/x-amz-json-1.0"),
        "aws.protocols#awsJson1_1" => Some("application/x-amz-json-1.1"),
        "aws.protocols#awsQuery" | "aws.protocols#ec2Query" => Some("application/x-www-form-urlencoded"),
        _ => None,
    }
}

/// A request for `operation` with `body`, as a client of the case's
/// service and protocol sends it: `Content-Type` by protocol version,
/// `X-Amz-Target: <service shape name>.<operation>`.
fn client_request(case: &Value, operation: &str, body: &Value) -> Result<Request<ResponseBody>, String> {
    let content_type = content_type(case).ok_or_else(|| format!("no awsJson protocol {}", case["protocol"]))?;
    let service = name_of(case["service"].as_str().unwrap_or_default());
    Request::builder()
        .method("POST")
        .uri("/")
        .header("Host", "localhost")
        .header("Content-Type", content_type)
        .header("X-Amz-Target", format!("{service}.{operation}"))
        .body(ResponseBody::from(body.to_string()))
        .map_err(|e| format!("the request: {e}"))
}

/// The test's request: its method, URI, headers and body. A request test
/// lists the headers a request must carry, not every one it carries; where
/// it leaves out those every awsJson request carries, `Content-Type` and
/// `X-Amz-Target` (which names the operation), they are added as a client
/// of the case's service and protocol sends them.
fn case_request(case: &Value) -> Result<Request<ResponseBody>, String> {
    if is_rest(case) {
        return written_request(case);
    }
    let mut request =
        Request::builder().method(case["method"].as_str().unwrap_or("POST")).uri(case["uri"].as_str().unwrap_or("/"));
    let has = |header: &str| {
        case["headers"].as_object().is_some_and(|headers| headers.keys().any(|name| name.eq_ignore_ascii_case(header)))
    };
    // Every HTTP/1.1 request names its host; the test's own, if it gives one.
    if !has("host") {
        request = request.header("Host", case["host"].as_str().unwrap_or("localhost"));
    }
    if !has("content-type") {
        let content_type = content_type(case).ok_or_else(|| format!("no awsJson protocol {}", case["protocol"]))?;
        request = request.header("Content-Type", content_type);
    }
    if !has("x-amz-target") && !is_query(case) {
        let service = name_of(case["service"].as_str().unwrap_or_default());
        let operation = name_of(case["shape"].as_str().unwrap_or_default());
        request = request.header("X-Amz-Target", format!("{service}.{operation}"));
    }
    for (name, value) in case["headers"].as_object().into_iter().flatten() {
        request = request.header(name, value.as_str().unwrap_or_default());
    }
    let body = case["body"].as_str().unwrap_or("").to_string();
    request.body(ResponseBody::from(body)).map_err(|e| format!("the test's request: {e}"))
}

/// Whether the case's requests are written out whole: restJson1's,
/// restXml's and RPC v2's.
fn is_rest(case: &Value) -> bool {
    case["protocol"] == "aws.protocols#restJson1" || is_rest_xml(case) || is_rpc_v2(case)
}

/// Whether the case is RPC v2's (CBOR or JSON): requests written out whole,
/// to `/service/{service}/operation/{operation}`.
fn is_rpc_v2(case: &Value) -> bool {
    case["protocol"] == "smithy.protocols#rpcv2Cbor" || case["protocol"] == "smithy.protocols#rpcv2Json"
}

/// A request written out whole, as [`crate::http_case::request_of`] makes
/// it. RPC v2 routers, as awsJson ones, refuse a request that names no host
/// (as HTTP/1.1 requires every request to); the tests leave it out, so a
/// client's `Host` is added. REST requests are sent as written, since
/// `@httpPrefixHeaders("")` reads every header sent.
fn written_request(case: &Value) -> Result<Request<ResponseBody>, String> {
    let mut request = crate::http_case::request_of(case)?;
    if is_rpc_v2(case) && !request.headers().contains_key("host") {
        request.headers_mut().insert("host", http::HeaderValue::from_static("localhost"));
    }
    Ok(request)
}

/// Whether the case is restXml's: its requests are written out whole, its
/// bodies compared as XML documents.
fn is_rest_xml(case: &Value) -> bool {
    case["protocol"] == "aws.protocols#restXml"
}

/// Whether the case is awsQuery's or ec2Query's: form requests, XML
/// responses.
fn is_query(case: &Value) -> bool {
    case["protocol"] == "aws.protocols#awsQuery" || case["protocol"] == "aws.protocols#ec2Query"
}

/// An awsQuery request that reaches `operation` of the case's service: one
/// of the operation's request tests (one for servers first) as written,
/// else `Action` and `Version` alone.
fn query_request(case: &Value, operation: &str, cases: &[Value]) -> Result<Request<ResponseBody>, String> {
    let same_operation = |c: &&Value| {
        c["kind"] == "httpRequestTests"
            && c["service"] == case["service"]
            && c["shape"].as_str().map(name_of) == Some(operation)
    };
    let mut requests: Vec<&Value> = cases.iter().filter(same_operation).collect();
    requests.sort_by_key(|c| c["appliesTo"] == "client");
    if let Some(request) = requests.first() {
        return case_request(request);
    }
    let version = case["service_version"].as_str().unwrap_or("2020-01-08");
    Request::builder()
        .method("POST")
        .uri("/")
        .header("Host", "localhost")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(ResponseBody::from(format!("Action={operation}&Version={version}")))
        .map_err(|e| format!("the request: {e}"))
}

/// A restJson1 request that reaches `operation` of the case's service:
/// one of the operation's request tests (one for servers first) as
/// written, else its `@http` method and URI with each label `1`.
fn rest_request(case: &Value, operation: &str, cases: &[Value]) -> Result<Request<ResponseBody>, String> {
    let same_operation = |c: &&Value| {
        c["kind"] == "httpRequestTests"
            && c["service"] == case["service"]
            && c["shape"].as_str().map(name_of) == Some(operation)
    };
    let mut requests: Vec<&Value> = cases.iter().filter(same_operation).collect();
    requests.sort_by_key(|c| c["appliesTo"] == "client");
    if let Some(request) = requests.first() {
        return written_request(request);
    }
    if is_rpc_v2(case) {
        // No body: an operation's input may be left out whole.
        let (media_type, protocol) = if case["protocol"] == "smithy.protocols#rpcv2Cbor" {
            ("application/cbor", "rpc-v2-cbor")
        } else {
            ("application/json", "rpc-v2-json")
        };
        let service = name_of(case["service"].as_str().unwrap_or_default());
        let request = serde_json::json!({
            "protocol": case["protocol"],
            "method": "POST",
            "uri": format!("/service/{service}/operation/{operation}"),
            "headers": { "smithy-protocol": protocol, "Accept": media_type },
        });
        return written_request(&request);
    }
    let http = cases
        .iter()
        .find(|c| c["service"] == case["service"] && c["http_of"].as_str().map(name_of) == Some(operation))
        .map(|c| &c["http"])
        .or_else(|| (case["http_of"].as_str().map(name_of) == Some(operation)).then_some(&case["http"]))
        .ok_or_else(|| format!("no request reaches {operation}: it has no request test and no @http"))?;
    let uri = http["uri"].as_str().unwrap_or("/");
    let mut filled = String::new();
    let mut rest = uri;
    while let Some(start) = rest.find('{') {
        filled.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |end| start + end + 1);
        filled.push('1');
        rest = &rest[end..];
    }
    filled.push_str(rest);
    let request = serde_json::json!({ "method": http["method"], "uri": filled });
    crate::http_case::request_of(&request)
}

/// A response's status and body, for messages.
pub(crate) fn describe(status: u16, body: &[u8]) -> String {
    format!("{status} {}", String::from_utf8_lossy(body))
}

fn run_request(case: &Value) -> Outcome {
    let Some(service) = Service::for_case(case) else { return Outcome::Failed("unknown service".into()) };
    let operation = name_of(case["shape"].as_str().unwrap_or_default());
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

pub(crate) fn body_of(response: HttpResponse) -> Vec<u8> {
    // The bodies here are bytes in memory: reading them cannot fail.
    block_on(response.into_body().into_bytes()).map(|bytes| bytes.to_vec()).unwrap_or_default()
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
    // restJson1: a body the case does not give is not checked, and one
    // that is not JSON is compared byte for byte.
    let xml_media_type = match case["bodyMediaType"].as_str() {
        Some(media_type) => media_type.contains("xml"),
        None => case["body"].as_str().is_some_and(|body| body.trim_start().starts_with('<')),
    };
    let raw_body = if is_rest_xml(case) { !xml_media_type } else { is_rest(case) && case.get("body_json").is_none() };
    if raw_body {
        return match case["body"].as_str() {
            Some(expected) if expected.as_bytes() != body.as_slice() => {
                Outcome::Failed(format!("body {:?}, expected {expected:?}", String::from_utf8_lossy(&body)))
            }
            _ => Outcome::Passed,
        };
    }
    // The XML protocols' bodies are compared as documents (restXml's where
    // the test says they are XML).
    if is_query(case) || (is_rest_xml(case) && xml_media_type) {
        let Some(expected) = case["body"].as_str().filter(|body| !body.trim().is_empty()) else {
            return Outcome::Passed;
        };
        let expected = match crate::xml_body::parse(expected.as_bytes()) {
            Ok(expected) => expected,
            Err(e) => return Outcome::Failed(format!("the test's body: {e}")),
        };
        return match crate::xml_body::parse(&body) {
            Ok(actual) if crate::xml_body::carries(&expected, &actual) => Outcome::Passed,
            _ => Outcome::Failed(format!("body {}, expected {:?}", String::from_utf8_lossy(&body), case["body"])),
        };
    }
    let cbor = headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(crate::cbor_body::is_cbor);
    let actual: Value = if cbor {
        crate::cbor_body::to_value(&body).unwrap_or(Value::Null)
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    let expected = case.get("body_json").cloned().unwrap_or(Value::Object(Map::new()));
    if carries(&expected, &actual) {
        Outcome::Passed
    } else {
        Outcome::Failed(format!("body {actual}, expected {expected}"))
    }
}

/// Parameters the operation of `case` accepts as input: those of one of
/// its request tests (one not marked for clients first), if it has any.
fn accepted_params<'a>(case: &Value, cases: &'a [Value]) -> Option<&'a Value> {
    let same_operation =
        |c: &&Value| c["kind"] == "httpRequestTests" && c["service"] == case["service"] && c["shape"] == case["shape"];
    let mut requests: Vec<&Value> = cases.iter().filter(same_operation).collect();
    requests.sort_by_key(|c| c["appliesTo"] == "client");
    requests.first().and_then(|c| c.get("params"))
}

fn run_response(case: &Value, cases: &[Value]) -> Outcome {
    let Some(service) = Service::for_case(case) else { return Outcome::Failed("unknown service".into()) };
    let operation = name_of(case["shape"].as_str().unwrap_or_default());
    let Some((input_schema, output_schema)) = service.schemas(operation) else {
        return Outcome::Failed(format!("no operation {operation}"));
    };
    let params = case.get("params").cloned().unwrap_or(Value::Object(Map::new()));
    let output = structure(output_schema, &params);
    *service.recorder().answer.lock().unwrap() = Some(Answer::Output(output.clone()));
    // A request the operation accepts: the output itself where input and
    // output share a shape, otherwise the parameters of one of the
    // operation's request tests, otherwise an empty input.
    if is_rest(case) {
        return match rest_request(case, operation, cases) {
            Ok(request) => check_response(case, service.call(request)),
            Err(e) => Outcome::Failed(e),
        };
    }
    if is_query(case) {
        return match query_request(case, operation, cases) {
            Ok(request) => check_response(case, service.call(request)),
            Err(e) => Outcome::Failed(e),
        };
    }
    let request = if std::ptr::eq(input_schema, output_schema) {
        output
    } else {
        accepted_params(case, cases).map_or(Value::Object(Map::new()), |params| structure(input_schema, params))
    };
    match client_request(case, operation, &request) {
        Ok(request) => check_response(case, service.call(request)),
        Err(e) => Outcome::Failed(e),
    }
}

fn run_error(case: &Value, cases: &[Value]) -> Outcome {
    let Some(service) = Service::for_case(case) else { return Outcome::Failed("unknown service".into()) };
    let name = name_of(case["shape"].as_str().unwrap_or_default());
    // The tests name only the error: it is answered by the first operation
    // of the service that lists it.
    let Some(operation) = case["operation_of_error"].as_str().map(name_of) else {
        return Outcome::Failed(format!("no operation of the service answers {name}"));
    };
    let params = case.get("params").cloned().unwrap_or(Value::Object(Map::new()));
    *service.recorder().answer.lock().unwrap() = Some(Answer::Error(name.to_string(), params));
    if is_rest(case) {
        return match rest_request(case, operation, cases) {
            Ok(request) => check_response(case, service.call(request)),
            Err(e) => Outcome::Failed(e),
        };
    }
    if is_query(case) {
        return match query_request(case, operation, cases) {
            Ok(request) => check_response(case, service.call(request)),
            Err(e) => Outcome::Failed(e),
        };
    }
    match client_request(case, operation, &Value::Object(Map::new())) {
        Ok(request) => check_response(case, service.call(request)),
        Err(e) => Outcome::Failed(e),
    }
}

/// Tests that do not say `appliesTo: client` but test what only a client does.
const CLIENT_ONLY: &[(&str, &str)] = &[
    ("SDKAppliedContentEncoding_awsJson1_0", GZIP),
    ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0", GZIP),
    ("SDKAppliedContentEncoding_awsJson1_1", GZIP),
    ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_1", GZIP),
    ("SDKAppliedContentEncoding_restJson1", GZIP),
    ("SDKAppliedContentEncoding_awsQuery", GZIP),
    ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery", GZIP),
    ("SDKAppliedContentEncoding_ec2Query", GZIP),
    ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_ec2Query", GZIP),
    (
        "Ec2ComplexError",
        "its body has a `<Message>Hi</Message>` that no member of the error holds (ComplexError has no message): what \
         a client must read past; a server writes the members it is given",
    ),
    ("SDKAppendedGzipAfterProvidedEncoding_restJson1", GZIP),
    ("SDKAppliedContentEncoding_restXml", GZIP),
    ("SDKAppendedGzipAfterProvidedEncoding_restXml", GZIP),
    ("AllQueryStringTypes", QUERY_PARAMS_MAP),
    ("RestXmlQueryStringEscaping", QUERY_PARAMS_MAP),
    ("RestXmlSupportsNaNFloatQueryValues", QUERY_PARAMS_MAP),
    ("RestXmlSupportsInfinityFloatQueryValues", QUERY_PARAMS_MAP),
    ("RestXmlSupportsNegativeInfinityFloatQueryValues", QUERY_PARAMS_MAP),
    ("RestXmlZeroAndFalseQueryValues", QUERY_PARAMS_MAP),
    (
        "InvalidGreetingError",
        "its body has an `<AnotherSetting>` no member of the error holds: what a client must read past; a server \
         writes the members it is given",
    ),
    (
        "ComplexError",
        "its body has a `<Message>Hi</Message>` that no member of the error holds (ComplexError has no message): what \
         a client must read past; a server writes the members it is given",
    ),
    (
        "RestXmlEndpointTraitWithHostLabel",
        "tests the host a client resolves from @endpoint (`resolvedHost`); as a server request it sends an XML body \
         without Content-Type, which a server refuses with 415 (as restJson1's tests require)",
    ),
    ("MachinelearningPredictEndpoint", "tests that a client sends Predict to the endpoint given in its input"),
    (
        "RestJsonEndpointTraitWithHostLabel",
        "tests the host a client resolves from @endpoint (`resolvedHost`); as a server request it sends a JSON body \
         without Content-Type, which RestJsonWithBodyExpectsApplicationJsonContentTypeNoHeaders requires a server to \
         refuse with 415",
    ),
    ("RpcV2JsonResponseBigDecimalHighPrecision", BEYOND_DOUBLE),
    ("RpcV2JsonResponseBigDecimalNegativeHighPrecision", BEYOND_DOUBLE),
    ("RpcV2JsonResponseBigDecimalLargeWithFraction", BEYOND_DOUBLE),
    ("RpcV2JsonResponseBigIntegerNegativeLargeValue", BEYOND_DOUBLE),
    (
        "parses_the_request_id_from_the_response",
        "tests that a client reads x-amzn-requestid; a server makes its own (every response here is checked for one)",
    ),
];

/// Why the RPC v2 JSON response tests of numbers beyond a double's
/// precision cannot be run.
const BEYOND_DOUBLE: &str = "its params give a number beyond a double's precision, which the loader's node values \
                             (serde_json numbers, without arbitrary precision) cannot hold, so the scripted output \
                             cannot carry it (the request versions pass, compared at a double's precision for the \
                             same reason); the runtime's `rpc_v2_json` tests check every digit is kept both ways";

/// Why restXml's query string tests that leave out `@httpQueryParams` are a
/// client's.
const QUERY_PARAMS_MAP: &str = "its params leave out `queryParamsMapOfStrings`, the `@httpQueryParams` map a server \
                                fills with every query parameter (restJson1's version of the test lists it)";

/// Why the @requestCompression tests are a client's.
const GZIP: &str = "tests that an SDK gzips request bodies (@requestCompression): the request has \
                    `Content-Encoding: gzip` but no body, only the parameters a client would compress";

/// Runs every protocol test of the services in the spec directories, and
/// their malformed-request tests.
pub fn run(dirs: &[PathBuf]) -> Vec<ProtocolResult> {
    let mut results = Vec::new();
    for dir in dirs {
        let model = source::load(dir);
        let cases = source::protocol_cases(&model);
        for case in &cases {
            results.push(run_case(case, &cases));
        }
        let malformed = source::validation_cases(&model).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for case in &malformed.malformed {
            results.push(run_malformed(case));
        }
    }
    results
}

/// Runs one `httpMalformedRequestTests` case: its request, sent to the
/// router, must get its response.
fn run_malformed(case: &source::MalformedCase) -> ProtocolResult {
    let outcome = match Service::for_case(&serde_json::json!({ "service": case.service })) {
        None => Outcome::Failed(format!("unknown service {}", case.service)),
        Some(service) => match crate::http_case::request_of(&case.case["request"]) {
            Err(e) => Outcome::Failed(e),
            Ok(request) => {
                let answer = crate::http_case::answer(service.call(request));
                match crate::http_case::mismatch(&case.case["response"], &answer) {
                    Some(why) => Outcome::Failed(why),
                    None => Outcome::Passed,
                }
            }
        },
    };
    ProtocolResult {
        protocol: name_of(&case.protocol).to_string(),
        service: name_of(&case.service).to_string(),
        kind: "malformed",
        id: case.id.clone(),
        outcome,
    }
}

/// Runs one case of `cases` (from [`source::protocol_cases`]), unless it
/// tests a client.
pub fn run_case(case: &Value, cases: &[Value]) -> ProtocolResult {
    let kind = match (case["kind"].as_str(), case["shape_type"].as_str()) {
        (Some("httpRequestTests"), _) => "request",
        (Some("eventStreamTests"), _) => "event stream",
        (_, Some("error")) => "error",
        _ => "response",
    };
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let outcome = if case["appliesTo"] == "client" {
        Outcome::Skipped(CLIENT_MARKED.to_string())
    } else if let Some((_, why)) = CLIENT_ONLY.iter().find(|(skip, _)| *skip == id) {
        Outcome::Skipped(why.to_string())
    } else {
        let run = || match kind {
            "request" => run_request(case),
            "event stream" => crate::event_stream::run(case, cases),
            "error" => run_error(case, cases),
            _ => run_response(case, cases),
        };
        // A harness panic is a failed case, not a crash of the run.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|_| Outcome::Failed("the harness panicked".to_string()))
    };
    ProtocolResult {
        protocol: name_of(case["protocol"].as_str().unwrap_or_default()).to_string(),
        service: name_of(case["service"].as_str().unwrap_or_default()).to_string(),
        kind,
        id,
        outcome,
    }
}

/// Why a case marked `appliesTo: client` is skipped.
pub const CLIENT_MARKED: &str = "marked as a client test (how a client writes or parses)";

/// Counts of one protocol, or of one kind of test of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cases run: those not skipped.
    pub applicable: usize,
    pub passed: usize,
    pub skipped: usize,
}

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Passed => {
                self.applicable += 1;
                self.passed += 1;
            }
            Outcome::Failed(_) => self.applicable += 1,
            Outcome::Skipped(_) => self.skipped += 1,
        }
    }
}

/// Counts by protocol, and by protocol and kind.
pub fn by_protocol(results: &[ProtocolResult]) -> BTreeMap<&str, (Counts, BTreeMap<&str, Counts>)> {
    let mut counts: BTreeMap<&str, (Counts, BTreeMap<&str, Counts>)> = BTreeMap::new();
    for r in results {
        let (total, kinds) = counts.entry(r.protocol.as_str()).or_default();
        total.add(&r.outcome);
        kinds.entry(r.kind).or_default().add(&r.outcome);
    }
    counts
}

/// The skipped cases of `protocol` by reason, in the order they ran.
pub fn skipped<'a>(results: &'a [ProtocolResult], protocol: &str) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for result in results.iter().filter(|r| r.protocol == protocol) {
        if let Outcome::Skipped(why) = &result.outcome {
            by_reason.entry(why).or_default().push(&result.id);
        }
    }
    by_reason
}

/// The table `cargo xtask conformance` and the test print.
pub fn report(results: &[ProtocolResult]) -> String {
    let mut out = String::from(
        "Smithy protocol tests (awsJson1.0, awsJson1.1, restJson1, awsQuery, ec2Query), run as a server against protocol-tests\n\n",
    );
    out.push_str(&format!("{:<12} {:<10} {:>10} {:>8}\n", "protocol", "kind", "passed", "skipped"));
    let counts = by_protocol(results);
    let mut all = Counts::default();
    for (protocol, (total, kinds)) in &counts {
        for (kind, c) in kinds {
            out.push_str(&format!(
                "{protocol:<12} {kind:<10} {:>10} {:>8}\n",
                format!("{}/{}", c.passed, c.applicable),
                c.skipped
            ));
        }
        out.push_str(&format!(
            "{protocol:<12} {:<10} {:>10} {:>8}\n",
            "all",
            format!("{}/{}", total.passed, total.applicable),
            total.skipped
        ));
        all.applicable += total.applicable;
        all.passed += total.passed;
        all.skipped += total.skipped;
    }
    out.push_str(&format!(
        "{:<12} {:<10} {:>10} {:>8}\n",
        "total",
        "",
        format!("{}/{}", all.passed, all.applicable),
        all.skipped
    ));
    for protocol in counts.keys() {
        for (why, ids) in skipped(results, protocol) {
            out.push_str(&format!("\n{protocol} skipped ({why}): {}\n", ids.join(", ")));
        }
    }
    for result in results {
        if let Outcome::Failed(why) = &result.outcome {
            out.push_str(&format!(
                "\nFAILED {} ({} {} {}): {why}",
                result.id, result.protocol, result.service, result.kind
            ));
        }
    }
    out.push('\n');
    out
}
