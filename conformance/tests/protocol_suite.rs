//! Smithy's awsJson1.0, awsJson1.1, restJson1, restXml, awsQuery, ec2Query, RPC v2 CBOR and RPC v2 JSON protocol tests
//! (and restJson1's malformed-request tests), read from the IDL sources: every
//! one that applies to a server passes, and the skipped ones, each a
//! client's, are exactly those listed here. A test without
//! libtest's harness, so that the table is printed in every `cargo test`
//! run.

use std::collections::BTreeSet;
use std::process::ExitCode;

use conformance::Outcome;
use conformance::protocol::{CLIENT_MARKED, ProtocolResult, by_protocol, report, run, spec_dirs};

/// What one protocol's run must give.
struct Expected {
    protocol: &'static str,
    /// Cases run (all must pass).
    applicable: usize,
    /// Cases marked `appliesTo: client`.
    client_marked: &'static [&'static str],
    /// Other cases skipped, with why: they test what only a client does.
    client_only: &'static [(&'static str, &'static str)],
}

const GZIP: &str = "tests that an SDK gzips request bodies (@requestCompression): the request has \
                    `Content-Encoding: gzip` but no body, only the parameters a client would compress";

const QUERY_PARAMS_MAP: &str = "its params leave out `queryParamsMapOfStrings`, the `@httpQueryParams` map a \
                                server fills with every query parameter (restJson1's version of the test lists it)";

const BEYOND_DOUBLE: &str = "its params give a number beyond a double's precision, which the loader's node values \
                             (serde_json numbers, without arbitrary precision) cannot hold, so the scripted output \
                             cannot carry it (the request versions pass, compared at a double's precision for the \
                             same reason); the runtime's `rpc_v2_json` tests check every digit is kept both ways";

const EXPECTED: &[Expected] = &[
    Expected {
        protocol: "awsJson1_0",
        // Smithy's suite (24 requests, 18 responses, 5 errors) and our own
        // 10 event-stream cases (`specs/protocol/event_streams`).
        applicable: 57,
        client_marked: &[
            "AwsJson10HandlesEmptyOutputShape",
            "AwsJson10HandlesUnexpectedJsonOutput",
            "AwsJson10DeserializeIgnoreType",
            "AwsJson10DeserializeAllowNulls",
            "AwsJson10HostWithPath",
            "AwsJson10ClientPopulatesDefaultValuesInInput",
            "AwsJson10ClientSkipsTopLevelDefaultValuesInInput",
            "AwsJson10ClientUsesExplicitlyProvidedMemberValuesOverDefaults",
            "AwsJson10ClientUsesExplicitlyProvidedValuesInTopLevel",
            "AwsJson10ClientIgnoresNonTopLevelDefaultsOnMembersWithClientOptional",
            "AwsJson10ClientPopulatesDefaultsValuesWhenMissingInResponse",
            "AwsJson10ClientIgnoresDefaultValuesIfMemberValuesArePresentInResponse",
            "AwsJson10ClientErrorCorrectsWhenServerFailsToSerializeRequiredValues",
            "AwsJson10ClientPopulatesNestedDefaultValuesWhenMissing",
            "AwsJson10ClientPopulatesNestedDefaultsWhenMissingInResponseBody",
            "AwsJson10ClientErrorCorrectsWithDefaultValuesWhenServerFailsToSerializeRequiredValues",
            "AwsJson10FooErrorUsingXAmznErrorType",
            "AwsJson10FooErrorUsingXAmznErrorTypeWithUri",
            "AwsJson10FooErrorUsingXAmznErrorTypeWithUriAndNamespace",
            "AwsJson10FooErrorUsingCode",
            "AwsJson10FooErrorUsingCodeAndNamespace",
            "AwsJson10FooErrorUsingCodeUriAndNamespace",
            "AwsJson10FooErrorWithDunderType",
            "AwsJson10FooErrorWithDunderTypeAndNamespace",
            "AwsJson10FooErrorWithDunderTypeAndDifferentNamespace",
            "AwsJson10FooErrorWithDunderTypeUriAndNamespace",
            "AwsJson10FooErrorWithNestedTypeProperty",
        ],
        client_only: &[
            ("SDKAppliedContentEncoding_awsJson1_0", GZIP),
            ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0", GZIP),
        ],
    },
    Expected {
        protocol: "awsJson1_1",
        applicable: 99,
        client_marked: &[
            "handles_empty_output_shape",
            "handles_unexpected_json_output",
            "AwsJson11StructuresDontSerializeNullValues",
            "AwsJson11StructuresDontDeserializeNullValues",
            "AwsJson11DeserializeIgnoreType",
            "AwsJson11HostWithPath",
            "AwsJson11DateTimeWithNegativeOffset",
            "AwsJson11DateTimeWithPositiveOffset",
            "AwsJson11DateTimeWithFractionalSeconds",
            "AwsJson11FooErrorUsingXAmznErrorType",
            "AwsJson11FooErrorUsingXAmznErrorTypeWithUri",
            "AwsJson11FooErrorUsingXAmznErrorTypeWithUriAndNamespace",
            "AwsJson11FooErrorUsingCode",
            "AwsJson11FooErrorUsingCodeAndNamespace",
            "AwsJson11FooErrorUsingCodeUriAndNamespace",
            "AwsJson11FooErrorWithDunderType",
            "AwsJson11FooErrorWithDunderTypeAndNamespace",
            "AwsJson11FooErrorWithDunderTypeAndDifferentNamespace",
            "AwsJson11FooErrorWithDunderTypeUriAndNamespace",
            "AwsJson11FooErrorWithNestedTypeProperty",
        ],
        client_only: &[
            ("SDKAppliedContentEncoding_awsJson1_1", GZIP),
            ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_1", GZIP),
            ("MachinelearningPredictEndpoint", "tests that a client sends Predict to the endpoint given in its input"),
            (
                "parses_the_request_id_from_the_response",
                "tests that a client reads x-amzn-requestid; a server makes its own (every response here is checked \
                 for one)",
            ),
        ],
    },
    Expected {
        protocol: "restJson1",
        // 131 requests, 89 responses, 3 errors, 530 malformed requests and
        // 80 event-stream cases.
        applicable: 833,
        client_marked: &[
            "RestJsonDateTimeWithNegativeOffset",
            "RestJsonDateTimeWithPositiveOffset",
            "RestJsonEmptyInputAndEmptyOutputJsonObjectOutput",
            "RestJsonDateTimeWithFractionalSeconds",
            "RestJsonGreetingWithErrorsNoPayload",
            "RestJsonHostWithPath",
            "RestJsonHttpEmptyPrefixHeadersRequestClient",
            "RestJsonHttpEmptyPrefixHeadersResponseClient",
            "RestJsonHttpPrefixHeadersAreNotPresent",
            "RestJsonHttpPrefixEmptyHeaders",
            "HttpQueryParamsOnlyRequest",
            "HttpQueryParamsOnlyEmptyRequest",
            "RestJsonHttpResponseCodeWithNoPayload",
            "RestJsonDeserializeIgnoreType",
            "RestJsonNoInputAndOutputNoPayload",
            "RestJsonNullAndEmptyHeaders",
            "RestJsonOmitsNullQuery",
            "RestJsonClientPopulatesDefaultValuesInInput",
            "RestJsonClientSkipsTopLevelDefaultValuesInInput",
            "RestJsonClientUsesExplicitlyProvidedMemberValuesOverDefaults",
            "RestJsonClientUsesExplicitlyProvidedValuesInTopLevel",
            "RestJsonClientIgnoresNonTopLevelDefaultsOnMembersWithClientOptional",
            "RestJsonClientPopulatesDefaultsValuesWhenMissingInResponse",
            "RestJsonClientIgnoresDefaultValuesIfMemberValuesArePresentInResponse",
            "RestJsonClientPopulatesNestedDefaultValuesWhenMissing",
            "RestJsonClientPopulatesNestedDefaultsWhenMissingInResponseBody",
            "RestJsonQueryIdempotencyTokenAutoFill",
            "RestJsonQueryIdempotencyTokenAutoFillIsSet",
            "RestJsonQueryParamsStringListMap",
            "RestJsonQueryPrecedence",
            "RestJsonDoesntSerializeNullStructureValues",
            "RestJsonDoesntDeserializeNullStructureValues",
            "RestJsonFooErrorUsingXAmznErrorType",
            "RestJsonFooErrorUsingXAmznErrorTypeWithUri",
            "RestJsonFooErrorUsingXAmznErrorTypeWithUriAndNamespace",
            "RestJsonFooErrorUsingXAmznErrorTypeWithUriAndDifferentNamespace",
            "RestJsonFooErrorUsingCode",
            "RestJsonFooErrorUsingCodeAndNamespace",
            "RestJsonFooErrorUsingCodeUriAndNamespace",
            "RestJsonFooErrorWithDunderType",
            "RestJsonFooErrorWithDunderTypeAndNamespace",
            "RestJsonFooErrorWithDunderTypeUriAndNamespace",
            "RestJsonFooErrorWithNestedTypeProperty",
            "GlacierChecksums",
            "GlacierAccountId",
            "GlacierMultipartChecksums",
            "ClientErrorInput",
            "ClientErrorOutput",
            "ClientUnexpectedErrorOutput",
            "MissingMessageTypeOutput",
            "MalformedMessageTypeOutput",
            "MissingEventTypeOutput",
            "MalformedEventTypeOutput",
            "ModeledProtocolError",
            "UnmodeledProtocolError",
            "DuplexClientErrorInput",
            "DuplexClientErrorOutput",
            "DuplexClientUnexpectedErrorOutput",
            "DuplexMissingMessageTypeOutput",
            "DuplexMalformedMessageTypeOutput",
            "DuplexMissingEventTypeOutput",
            "DuplexMalformedEventTypeOutput",
            "MissingRequiredInitialResponseOutput",
            "DuplexMissingRequiredInitialResponseOutput",
            "DuplexModeledProtocolError",
            "DuplexUnmodeledProtocolError",
        ],
        client_only: &[
            ("SDKAppliedContentEncoding_restJson1", GZIP),
            ("SDKAppendedGzipAfterProvidedEncoding_restJson1", GZIP),
            (
                "RestJsonEndpointTraitWithHostLabel",
                "tests the host a client resolves from @endpoint (`resolvedHost`); as a server request it sends a \
                 JSON body without Content-Type, which RestJsonWithBodyExpectsApplicationJsonContentTypeNoHeaders \
                 requires a server to refuse with 415",
            ),
        ],
    },
    Expected {
        protocol: "restXml",
        applicable: 167,
        client_marked: &[
            "XmlEmptyLists",
            "XmlEmptyMaps",
            "XmlEmptySelfClosedMaps",
            "XmlEmptyStrings",
            "XmlEmptySelfClosedStrings",
            "NullAndEmptyHeaders",
            "RestXmlOmitsNullQuery",
            "QueryIdempotencyTokenAutoFill",
            "QueryIdempotencyTokenAutoFillIsSet",
            "RestXmlQueryPrecedence",
            "RestXmlQueryParamsStringListMap",
            "HttpPrefixHeadersAreNotPresent",
            "HttpPrefixEmptyHeaders",
            "HttpEmptyPrefixHeadersRequestClient",
            "HttpEmptyPrefixHeadersResponseClient",
            "XmlEmptyBlobs",
            "XmlEmptySelfClosedBlobs",
            "SimpleScalarPropertiesComplexEscapes",
        ],
        client_only: &[
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
                "its body has an `<AnotherSetting>` no member of the error holds: what a client must read past; a \
                 server writes the members it is given",
            ),
            (
                "ComplexError",
                "its body has a `<Message>Hi</Message>` that no member of the error holds (ComplexError has no \
                 message): what a client must read past; a server writes the members it is given",
            ),
            (
                "RestXmlEndpointTraitWithHostLabel",
                "tests the host a client resolves from @endpoint (`resolvedHost`); as a server request it sends an \
                 XML body without Content-Type, which a server refuses with 415 (as restJson1's tests require)",
            ),
        ],
    },
    Expected {
        protocol: "awsQuery",
        applicable: 64,
        client_marked: &[
            "QueryProtocolIdempotencyTokenAutoFill",
            "QueryProtocolIdempotencyTokenAutoFillIsSet",
            "QueryXmlEmptyBlobs",
            "QueryXmlEmptySelfClosedBlobs",
            "QueryXmlEmptyMaps",
            "QueryXmlEmptySelfClosedMaps",
            "QueryXmlEmptyLists",
            "QueryHostWithPath",
            "AwsQueryDateTimeWithNegativeOffset",
            "AwsQueryDateTimeWithPositiveOffset",
            "AwsQueryDateTimeWithFractionalSeconds",
        ],
        client_only: &[
            ("SDKAppliedContentEncoding_awsQuery", GZIP),
            ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery", GZIP),
        ],
    },
    Expected {
        protocol: "ec2Query",
        applicable: 50,
        client_marked: &[
            "Ec2ProtocolIdempotencyTokenAutoFill",
            "Ec2ProtocolIdempotencyTokenAutoFillIsSet",
            "Ec2XmlEmptyBlobs",
            "Ec2XmlEmptySelfClosedBlobs",
            "Ec2XmlEmptyLists",
            "Ec2QueryHostWithPath",
        ],
        client_only: &[
            ("SDKAppliedContentEncoding_ec2Query", GZIP),
            ("SDKAppendsGzipAndIgnoresHttpProvidedEncoding_ec2Query", GZIP),
            (
                "Ec2ComplexError",
                "its body has a `<Message>Hi</Message>` that no member of the error holds (ComplexError has no \
                 message): what a client must read past; a server writes the members it is given",
            ),
        ],
    },
    Expected {
        protocol: "rpcv2Cbor",
        // Smithy's core suite (RpcV2Protocol) and the query-compatible cases
        // (39 requests, 24 responses, 5 errors), and our own 10 event-stream
        // cases.
        applicable: 78,
        client_marked: &[
            "NoOutputClientAllowsEmptyCbor",
            "NoOutputClientAllowsEmptyBody",
            "empty_output_no_body",
            "RpcV2CborClientDoesntSerializeNullStructureValues",
            "RpcV2CborSimpleScalarPropertiesUsingDefiniteLength",
            "RpcV2CborClientDoesntDeserializeNullStructureValues",
            "RpcV2CborSupportsUpcastingDataOnDeserialize",
            "RpcV2CborExtraFieldsInTheBodyShouldBeSkippedByClients",
            "RpcV2CborIndefiniteStringInsideIndefiniteListCanDeserialize",
            "RpcV2CborIndefiniteStringInsideDefiniteListCanDeserialize",
            "RpcV2CborRecursiveShapesUsingDefiniteLength",
            "RpcV2CborDateTimeWithFractionalSeconds",
            "RpcV2CborClientPopulatesDefaultValuesInInput",
            "RpcV2CborClientSkipsTopLevelDefaultValuesInInput",
            "RpcV2CborClientUsesExplicitlyProvidedMemberValuesOverDefaults",
            "RpcV2CborClientUsesExplicitlyProvidedValuesInTopLevel",
            "RpcV2CborClientIgnoresNonTopLevelDefaultsOnMembersWithClientOptional",
            "RpcV2CborClientPopulatesDefaultsValuesWhenMissingInResponse",
            "RpcV2CborClientIgnoresDefaultValuesIfMemberValuesArePresentInResponse",
            "RpcV2CborFloat16Inf",
            "RpcV2CborFloat16NegInf",
            "RpcV2CborFloat16LSBNaN",
            "RpcV2CborFloat16MSBNaN",
            "RpcV2CborFloat16Subnormal",
        ],
        client_only: &[],
    },
    Expected {
        protocol: "rpcv2Json",
        // Smithy's core suite (RpcV2JsonProtocol: 35 requests, 26 responses, 3
        // errors), and our own 10 event-stream cases.
        applicable: 74,
        client_marked: &[
            "RpcV2JsonResponseNoOutputClientAllowsEmptyJsonObject",
            "RpcV2JsonResponseNoOutputClientAllowsEmptyBody",
            "RpcV2JsonResponseEmptyOutputNoBody",
            "RpcV2JsonRequestClientDoesntSerializeNullStructureValues",
            "RpcV2JsonResponseClientDoesntDeserializeNullStructureValues",
            "RpcV2JsonResponseExtraFieldsInTheBodyShouldBeSkippedByClients",
            "RpcV2JsonResponseDateTimeWithFractionalSeconds",
            "RpcV2JsonRequestClientPopulatesDefaultValuesInInput",
            "RpcV2JsonRequestClientSkipsTopLevelDefaultValuesInInput",
            "RpcV2JsonRequestClientUsesExplicitlyProvidedMemberValuesOverDefaults",
            "RpcV2JsonRequestClientUsesExplicitlyProvidedValuesInTopLevel",
            "RpcV2JsonRequestClientIgnoresNonTopLevelDefaultsOnMembersWithClientOptional",
            "RpcV2JsonResponseClientPopulatesDefaultsValuesWhenMissingInResponse",
            "RpcV2JsonResponseClientIgnoresDefaultValuesIfMemberValuesArePresentInResponse",
        ],
        client_only: &[
            ("RpcV2JsonResponseBigDecimalHighPrecision", BEYOND_DOUBLE),
            ("RpcV2JsonResponseBigDecimalNegativeHighPrecision", BEYOND_DOUBLE),
            ("RpcV2JsonResponseBigDecimalLargeWithFraction", BEYOND_DOUBLE),
            ("RpcV2JsonResponseBigIntegerNegativeLargeValue", BEYOND_DOUBLE),
        ],
    },
];

/// What is wrong with `protocol`'s results against `expected`.
fn check(results: &[ProtocolResult], expected: &Expected, problems: &mut Vec<String>) {
    let protocol = expected.protocol;
    let ours: Vec<&ProtocolResult> = results.iter().filter(|r| r.protocol == protocol).collect();
    let failed: Vec<&str> =
        ours.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_))).map(|r| r.id.as_str()).collect();
    if !failed.is_empty() {
        problems.push(format!("{protocol}: {} failed: {}", failed.len(), failed.join(", ")));
    }
    let counts = by_protocol(results).get(protocol).map(|(total, _)| *total).unwrap_or_default();
    if counts.applicable != expected.applicable {
        problems.push(format!("{protocol}: {} applicable cases, expected {}", counts.applicable, expected.applicable));
    }
    let skipped = |marked: bool| -> BTreeSet<(&str, &str)> {
        ours.iter()
            .filter_map(|r| match &r.outcome {
                Outcome::Skipped(why) if (why == CLIENT_MARKED) == marked => Some((r.id.as_str(), why.as_str())),
                _ => None,
            })
            .collect()
    };
    let marked: BTreeSet<(&str, &str)> = expected.client_marked.iter().map(|id| (*id, CLIENT_MARKED)).collect();
    if skipped(true) != marked {
        problems.push(format!(
            "{protocol}: skipped as marked for clients {:?}, expected {:?}",
            skipped(true).difference(&marked).collect::<Vec<_>>(),
            marked.difference(&skipped(true)).collect::<Vec<_>>()
        ));
    }
    let listed: BTreeSet<(&str, &str)> = expected.client_only.iter().copied().collect();
    if skipped(false) != listed {
        problems.push(format!("{protocol}: skipped {:#?}, expected {listed:#?}", skipped(false)));
    }
}

fn main() -> ExitCode {
    let results = run(&spec_dirs());
    print!("{}", report(&results));
    let mut problems = Vec::new();
    for expected in EXPECTED {
        check(&results, expected, &mut problems);
    }
    let protocols: BTreeSet<&str> = results.iter().map(|r| r.protocol.as_str()).collect();
    let pinned: BTreeSet<&str> = EXPECTED.iter().map(|e| e.protocol).collect();
    if protocols != pinned {
        problems.push(format!("protocols run {protocols:?}, expected {pinned:?}"));
    }
    for (protocol, (counts, _)) in by_protocol(&results) {
        println!(
            "\nprotocol-tests {protocol}: {} applicable, {} passed, {} failed, {} skipped",
            counts.applicable,
            counts.passed,
            counts.applicable - counts.passed,
            counts.skipped
        );
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("\nprotocol suite:\n- {}", problems.join("\n- "));
        ExitCode::FAILURE
    }
}
