//! One test per converted botocore feature, each on an excerpt of a real
//! model: botocore 1.43.11 (Apache-2.0), `botocore/data/<service>/<version>/
//! service-2.json.gz`, with documentation left out. The larger excerpts are
//! in `codegen/tests/fixtures/botocore/`.

use serde_json::{Value, json};

use super::to_smithy;

/// A botocore model of `operations` and `shapes` whose metadata is
/// `metadata` over that of a plain awsJson1.1 service.
fn model(metadata: Value, operations: Value, shapes: Value) -> Value {
    let mut meta = json!({
        "apiVersion": "2020-01-01",
        "endpointPrefix": "example",
        "jsonVersion": "1.1",
        "protocol": "json",
        "protocols": ["json"],
        "serviceFullName": "Example",
        "serviceId": "Example",
        "signatureVersion": "v4",
        "targetPrefix": "Example_20200101",
        "uid": "example-2020-01-01",
        "auth": ["aws.auth#sigv4"]
    });
    for (key, value) in metadata.as_object().unwrap() {
        meta[key] = value.clone();
    }
    json!({"version": "2.0", "metadata": meta, "operations": operations, "shapes": shapes})
}

/// The Smithy JSON AST `to_smithy` makes of `model`.
fn convert(model: &Value) -> Value {
    let (text, _) = to_smithy("test", &model.to_string()).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap()
}

/// The error `to_smithy` gives for `model`.
fn refuse(model: &Value) -> String {
    match to_smithy("test", &model.to_string()) {
        Ok(_) => panic!("the model converts"),
        Err(e) => e.to_string(),
    }
}

/// The shape `name` of the `com.amazonaws.example` namespace.
fn shape<'a>(smithy: &'a Value, name: &str) -> &'a Value {
    let id = format!("com.amazonaws.example#{name}");
    smithy["shapes"].get(&id).unwrap_or_else(|| panic!("no shape {id}"))
}

#[test]
fn a_dotted_target_prefix_names_the_service_after_its_last_segment() {
    // cloudtrail/2013-11-01: the metadata.
    let metadata = json!({
        "apiVersion": "2013-11-01",
        "endpointPrefix": "cloudtrail",
        "jsonVersion": "1.1",
        "protocol": "json",
        "protocols": ["json"],
        "serviceAbbreviation": "CloudTrail",
        "serviceFullName": "AWS CloudTrail",
        "serviceId": "CloudTrail",
        "signatureVersion": "v4",
        "targetPrefix": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
        "uid": "cloudtrail-2013-11-01",
        "auth": ["aws.auth#sigv4"]
    });
    let smithy = convert(&model(metadata, json!({}), json!({})));
    let shapes = smithy["shapes"].as_object().unwrap();
    assert_eq!(shapes.keys().collect::<Vec<_>>(), ["com.amazonaws.cloudtrail#CloudTrail_20131101"]);
    assert_eq!(shapes["com.amazonaws.cloudtrail#CloudTrail_20131101"]["type"], "service");
}

#[test]
fn an_undotted_target_prefix_is_the_service_name() {
    let smithy = convert(&model(json!({}), json!({}), json!({})));
    assert_eq!(shape(&smithy, "Example_20200101")["version"], "2020-01-01");
}

#[test]
fn a_target_prefix_that_is_no_identifier_is_refused() {
    let error = refuse(&model(json!({"targetPrefix": "Example-2020"}), json!({}), json!({})));
    assert!(error.contains("\"Example-2020\"") && error.contains("not a Smithy identifier"), "{error}");
}

#[test]
fn a_document_structure_is_a_document_shape() {
    // glue/2017-03-31: Records, Record.
    let shapes = json!({
        "Records": {"type": "list", "member": {"shape": "Record"}, "sensitive": true},
        "Record": {"type": "structure", "members": {}, "document": true, "sensitive": true}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    assert_eq!(shape(&smithy, "Record"), &json!({"type": "document", "traits": {"smithy.api#sensitive": {}}}));
    assert_eq!(shape(&smithy, "Records")["member"], json!({"target": "com.amazonaws.example#Record"}));
}

#[test]
fn a_document_with_members_is_refused() {
    let shapes = json!({"Record": {"type": "structure", "members": {"A": {"shape": "Record"}}, "document": true}});
    assert!(refuse(&model(json!({}), json!({}), shapes)).contains("a `document` with members"));
}

#[test]
fn retryable_errors_are_retryable_and_throttling_when_botocore_says_so() {
    // pricing/2017-10-15: ThrottlingException, InternalErrorException, errorMessage.
    let shapes = json!({
        "ThrottlingException": {
            "type": "structure",
            "members": {"Message": {"shape": "errorMessage"}},
            "exception": true,
            "retryable": {"throttling": true}
        },
        "InternalErrorException": {
            "type": "structure",
            "members": {"Message": {"shape": "errorMessage"}},
            "exception": true,
            "fault": true,
            "retryable": {"throttling": false}
        },
        "errorMessage": {"type": "string"}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    assert_eq!(
        shape(&smithy, "ThrottlingException")["traits"],
        json!({"smithy.api#error": "client", "smithy.api#retryable": {"throttling": true}})
    );
    assert_eq!(
        shape(&smithy, "InternalErrorException")["traits"],
        json!({"smithy.api#error": "server", "smithy.api#retryable": {}})
    );
}

#[test]
fn retryable_is_refused_on_a_shape_that_is_no_exception() {
    let shapes = json!({"S": {"type": "structure", "members": {}, "retryable": {"throttling": false}}});
    assert!(refuse(&model(json!({}), json!({}), shapes)).contains("not an `exception`"));
}

#[test]
fn deprecation_keeps_its_message_and_date_on_shapes_and_members() {
    // ecs/2014-11-13: InferenceAccelerator, InferenceAccelerators and the
    // member of RegisterTaskDefinitionRequest that uses them (other members
    // left out); codedeploy/2014-10-06: InstanceIdRequiredException.
    let shapes = json!({
        "InferenceAccelerator": {
            "type": "structure",
            "required": ["deviceName", "deviceType"],
            "members": {"deviceName": {"shape": "String"}, "deviceType": {"shape": "String"}},
            "deprecated": true,
            "deprecatedMessage": "This feature is no longer available.",
            "deprecatedSince": "2023-04-15"
        },
        "InferenceAccelerators": {
            "type": "list",
            "member": {"shape": "InferenceAccelerator"},
            "deprecated": true,
            "deprecatedMessage": "This feature is no longer available.",
            "deprecatedSince": "2023-04-15"
        },
        "RegisterTaskDefinitionRequest": {
            "type": "structure",
            "members": {
                "inferenceAccelerators": {
                    "shape": "InferenceAccelerators",
                    "deprecated": true,
                    "deprecatedMessage": "This feature is no longer available.",
                    "deprecatedSince": "2023-04-15"
                }
            }
        },
        "InstanceIdRequiredException": {
            "type": "structure",
            "members": {},
            "deprecated": true,
            "deprecatedMessage": "This exception is deprecated, use DeploymentTargetIdRequiredException instead.",
            "exception": true
        },
        "String": {"type": "string"}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    let full = json!({"message": "This feature is no longer available.", "since": "2023-04-15"});
    assert_eq!(shape(&smithy, "InferenceAccelerator")["traits"]["smithy.api#deprecated"], full);
    assert_eq!(shape(&smithy, "InferenceAccelerators")["traits"]["smithy.api#deprecated"], full);
    let member = &shape(&smithy, "RegisterTaskDefinitionRequest")["members"]["inferenceAccelerators"];
    assert_eq!(member["traits"]["smithy.api#deprecated"], full);
    assert_eq!(
        shape(&smithy, "InstanceIdRequiredException")["traits"]["smithy.api#deprecated"],
        json!({"message": "This exception is deprecated, use DeploymentTargetIdRequiredException instead."})
    );
}

#[test]
fn a_context_param_is_kept_on_its_member() {
    // dynamodb/2012-08-10: CreateBackupInput, TableArn, BackupName.
    let shapes = json!({
        "CreateBackupInput": {
            "type": "structure",
            "required": ["TableName", "BackupName"],
            "members": {
                "TableName": {"shape": "TableArn", "contextParam": {"name": "ResourceArn"}},
                "BackupName": {"shape": "BackupName"}
            }
        },
        "TableArn": {"type": "string", "max": 1024, "min": 1},
        "BackupName": {"type": "string", "max": 255, "min": 3, "pattern": "[a-zA-Z0-9_.-]+"}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    assert_eq!(
        shape(&smithy, "CreateBackupInput")["members"]["TableName"],
        json!({
            "target": "com.amazonaws.example#TableArn",
            "traits": {"smithy.api#required": {}, "smithy.rules#contextParam": {"name": "ResourceArn"}}
        })
    );
}

#[test]
fn a_synthetic_exception_is_a_plain_error() {
    // dynamodb/2012-08-10: ThrottlingException (its members' shapes stubbed).
    let shapes = json!({
        "ThrottlingException": {
            "type": "structure",
            "members": {"message": {"shape": "AvailabilityErrorMessage"}},
            "exception": true,
            "synthetic": true
        },
        "AvailabilityErrorMessage": {"type": "string"}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    assert_eq!(shape(&smithy, "ThrottlingException")["traits"], json!({"smithy.api#error": "client"}));
}

#[test]
fn an_error_code_is_an_aws_query_error() {
    // keyspaces/2022-02-10: AccessDeniedException, InternalServerException, String.
    let shapes = json!({
        "AccessDeniedException": {
            "type": "structure",
            "members": {"message": {"shape": "String"}},
            "error": {"code": "AccessDeniedException", "httpStatusCode": 403, "senderFault": true},
            "exception": true
        },
        "InternalServerException": {
            "type": "structure",
            "members": {"message": {"shape": "String"}},
            "error": {"code": "InternalServerException", "httpStatusCode": 500},
            "exception": true,
            "fault": true
        },
        "String": {"type": "string"}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    assert_eq!(
        shape(&smithy, "AccessDeniedException")["traits"],
        json!({
            "smithy.api#error": "client",
            "smithy.api#httpError": 403,
            "aws.protocols#awsQueryError": {"code": "AccessDeniedException", "httpResponseCode": 403}
        })
    );
    assert_eq!(
        shape(&smithy, "InternalServerException")["traits"],
        json!({
            "smithy.api#error": "server",
            "smithy.api#httpError": 500,
            "aws.protocols#awsQueryError": {"code": "InternalServerException", "httpResponseCode": 500}
        })
    );
}

#[test]
fn unknown_fields_are_refused_wherever_they_are() {
    let refused = |shapes: Value| refuse(&model(json!({}), json!({}), shapes));
    let error = refused(json!({"S": {"type": "string", "novel": true}}));
    assert!(error.contains("botocore field `novel`"), "{error}");
    let error = refused(json!({"S": {"type": "structure", "members": {"A": {"shape": "S", "novel": 1}}}}));
    assert!(error.contains("botocore member field `novel` (on A)"), "{error}");
    let error = refused(json!({"E": {"type": "structure", "members": {}, "exception": true, "error": {"novel": 1}}}));
    assert!(error.contains("`error.novel`"), "{error}");
    // botocore's JSON serializer would send the member as `a`.
    let error = refused(json!({"S": {"type": "structure", "members": {"A": {"shape": "S", "locationName": "a"}}}}));
    assert!(error.contains("`locationName`"), "{error}");
}

/// A fixture of `codegen/tests/fixtures/botocore/`, converted.
fn fixture(text: &str) -> Value {
    convert(&serde_json::from_str(text).unwrap())
}

#[test]
fn an_event_stream_is_a_streaming_union_of_events_and_errors() {
    let smithy = fixture(include_str!("../../../../tests/fixtures/botocore/kinesis-subscribe-to-shard.json"));
    let shape = |name: &str| &smithy["shapes"][format!("com.amazonaws.kinesis#{name}")];
    let stream = shape("SubscribeToShardEventStream");
    assert_eq!(stream["type"], "union");
    assert_eq!(stream["traits"], json!({"smithy.api#streaming": {}}));
    // Every member is an event or an error, and none is @required.
    let members = stream["members"].as_object().unwrap();
    assert_eq!(members.len(), 10);
    for (name, member) in members {
        assert_eq!(member, &json!({"target": format!("com.amazonaws.kinesis#{name}")}), "{name}");
    }
    // The event is a plain structure.
    let event = shape("SubscribeToShardEvent");
    assert_eq!(event["type"], "structure");
    assert_eq!(event.get("traits"), None);
    assert_eq!(event["members"]["Records"]["traits"], json!({"smithy.api#required": {}}));
    // The errors stay errors.
    assert_eq!(shape("ResourceInUseException")["traits"], json!({"smithy.api#error": "client"}));
    // The output holds the stream.
    assert_eq!(
        shape("SubscribeToShardOutput")["members"]["EventStream"],
        json!({"target": "com.amazonaws.kinesis#SubscribeToShardEventStream", "traits": {"smithy.api#required": {}}})
    );
}

#[test]
fn an_event_stream_without_required_members_converts_alike() {
    let smithy = fixture(include_str!("../../../../tests/fixtures/botocore/logs-start-live-tail.json"));
    let shape = |name: &str| &smithy["shapes"][format!("com.amazonaws.logs#{name}")];
    assert_eq!(
        shape("StartLiveTailResponseStream"),
        &json!({
            "type": "union",
            "members": {
                "sessionStart": {"target": "com.amazonaws.logs#LiveTailSessionStart"},
                "sessionUpdate": {"target": "com.amazonaws.logs#LiveTailSessionUpdate"},
                "SessionTimeoutException": {"target": "com.amazonaws.logs#SessionTimeoutException"},
                "SessionStreamingException": {"target": "com.amazonaws.logs#SessionStreamingException"}
            },
            "traits": {"smithy.api#streaming": {}}
        })
    );
    assert_eq!(shape("LiveTailSessionUpdate")["type"], "structure");
    assert_eq!(shape("SessionStreamingException")["traits"], json!({"smithy.api#error": "client"}));
}

/// lambda/2015-03-31 (restJson1, whose events are the only ones with an
/// `eventpayload` member besides S3's, Polly's and SageMaker Runtime's):
/// InvokeWithResponseStreamResponseEvent and its events. No model of
/// botocore 1.43.11 has an `eventheader` member: `ErrorCode` is given one
/// here.
fn lambda_event_stream() -> Value {
    json!({
        "InvokeWithResponseStreamResponseEvent": {
            "type": "structure",
            "members": {
                "PayloadChunk": {"shape": "InvokeResponseStreamUpdate"},
                "InvokeComplete": {"shape": "InvokeWithResponseStreamCompleteEvent"}
            },
            "eventstream": true
        },
        "InvokeResponseStreamUpdate": {
            "type": "structure",
            "members": {"Payload": {"shape": "Blob", "eventpayload": true}},
            "event": true
        },
        "InvokeWithResponseStreamCompleteEvent": {
            "type": "structure",
            "members": {
                "ErrorCode": {"shape": "String", "eventheader": true},
                "ErrorDetails": {"shape": "String"},
                "LogResult": {"shape": "String"}
            },
            "event": true
        },
        "Blob": {"type": "blob", "sensitive": true},
        "String": {"type": "string"}
    })
}

#[test]
fn event_payloads_and_headers_are_marked() {
    let smithy = convert(&model(json!({}), json!({}), lambda_event_stream()));
    assert_eq!(
        shape(&smithy, "InvokeResponseStreamUpdate")["members"]["Payload"],
        json!({"target": "com.amazonaws.example#Blob", "traits": {"smithy.api#eventPayload": {}}})
    );
    let complete = &shape(&smithy, "InvokeWithResponseStreamCompleteEvent")["members"];
    assert_eq!(complete["ErrorCode"]["traits"], json!({"smithy.api#eventHeader": {}}));
    assert_eq!(complete["ErrorDetails"].get("traits"), None);
}

#[test]
fn event_stream_mistakes_are_refused() {
    let mut shapes = lambda_event_stream();
    shapes["InvokeResponseStreamUpdate"]["event"] = json!(false);
    let error = refuse(&model(json!({}), json!({}), shapes));
    assert!(error.contains("`eventpayload` or `eventheader` on Payload, outside an `event`"), "{error}");
    let mut shapes = lambda_event_stream();
    shapes["InvokeWithResponseStreamResponseEvent"]["members"]["Text"] = json!({"shape": "String"});
    let error = refuse(&model(json!({}), json!({}), shapes));
    assert!(error.contains("member Text targets String, which is neither an `event` nor an `exception`"), "{error}");
}

#[test]
fn a_string_only_jsonvalue_members_target_is_a_json_media_type() {
    // rekognition/2016-06-27: HumanLoopActivationOutput (other members left
    // out), HumanLoopActivationConditionsEvaluationResults; pricing/2017-10-15:
    // PriceListJsonItems, SynthesizedJsonPriceListJsonItem.
    let shapes = json!({
        "HumanLoopActivationOutput": {
            "type": "structure",
            "members": {
                "HumanLoopActivationConditionsEvaluationResults": {
                    "shape": "HumanLoopActivationConditionsEvaluationResults",
                    "jsonvalue": true
                }
            }
        },
        "HumanLoopActivationConditionsEvaluationResults": {"type": "string", "max": 10240},
        "PriceListJsonItems": {"type": "list", "member": {"shape": "SynthesizedJsonPriceListJsonItem", "jsonvalue": true}},
        "SynthesizedJsonPriceListJsonItem": {"type": "string"}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    assert_eq!(
        shape(&smithy, "HumanLoopActivationConditionsEvaluationResults"),
        &json!({
            "type": "string",
            "traits": {"smithy.api#length": {"max": 10240}, "smithy.api#mediaType": "application/json"}
        })
    );
    assert_eq!(
        shape(&smithy, "HumanLoopActivationOutput")["members"]["HumanLoopActivationConditionsEvaluationResults"],
        json!({"target": "com.amazonaws.example#HumanLoopActivationConditionsEvaluationResults"})
    );
    assert_eq!(
        shape(&smithy, "SynthesizedJsonPriceListJsonItem"),
        &json!({"type": "string", "traits": {"smithy.api#mediaType": "application/json"}})
    );
}

#[test]
fn jsonvalue_members_of_a_string_others_target_too_get_a_copy() {
    // lookoutequipment/2020-12-15: DatasetSchema, DescribeModelVersionResponse
    // (other members left out), InlineDataSchema.
    let shapes = json!({
        "DatasetSchema": {
            "type": "structure",
            "members": {"InlineDataSchema": {"shape": "InlineDataSchema", "jsonvalue": true}}
        },
        "DescribeModelVersionResponse": {"type": "structure", "members": {"Schema": {"shape": "InlineDataSchema"}}},
        "InlineDataSchema": {"type": "string", "max": 1000000, "min": 1}
    });
    let smithy = convert(&model(json!({}), json!({}), shapes));
    let length = json!({"min": 1, "max": 1000000});
    assert_eq!(shape(&smithy, "InlineDataSchema"), &json!({"type": "string", "traits": {"smithy.api#length": length}}));
    assert_eq!(
        shape(&smithy, "SynthesizedJsonInlineDataSchema"),
        &json!({
            "type": "string",
            "traits": {"smithy.api#length": length, "smithy.api#mediaType": "application/json"}
        })
    );
    assert_eq!(
        shape(&smithy, "DatasetSchema")["members"]["InlineDataSchema"]["target"],
        "com.amazonaws.example#SynthesizedJsonInlineDataSchema"
    );
    assert_eq!(
        shape(&smithy, "DescribeModelVersionResponse")["members"]["Schema"]["target"],
        "com.amazonaws.example#InlineDataSchema"
    );
}

#[test]
fn jsonvalue_on_anything_but_a_string_is_refused() {
    let shapes = json!({
        "S": {"type": "structure", "members": {"N": {"shape": "N", "jsonvalue": true}}},
        "N": {"type": "integer"}
    });
    let error = refuse(&model(json!({}), json!({}), shapes));
    assert!(error.contains("`jsonvalue` on N, which does not target a string"), "{error}");
}

#[test]
fn a_json_copy_whose_name_is_taken_is_renamed_and_reported() {
    let shapes = json!({
        "A": {"type": "structure", "members": {"J": {"shape": "S", "jsonvalue": true}, "P": {"shape": "S"}}},
        "S": {"type": "string"},
        "SynthesizedJsonS": {"type": "integer"}
    });
    let (text, warnings) = to_smithy("test", &model(json!({}), json!({}), shapes).to_string()).unwrap();
    let smithy: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shape(&smithy, "A")["members"]["J"]["target"], "com.amazonaws.example#SynthesizedJsonS2");
    assert_eq!(shape(&smithy, "SynthesizedJsonS2")["traits"], json!({"smithy.api#mediaType": "application/json"}));
    assert!(warnings.to_string().contains("imported as SynthesizedJsonS2"), "{warnings}");
}

/// The traits of the first of `operations`, converted alone. (The
/// operations below are botocore's, with input, output and errors left out.)
fn operation_traits(operations: Value) -> Value {
    let smithy = convert(&model(json!({}), operations.clone(), json!({})));
    let (name, _) = operations.as_object().unwrap().iter().next().unwrap();
    shape(&smithy, name).get("traits").cloned().unwrap_or(json!({}))
}

/// botocore's `http` of every awsJson operation.
fn post() -> Value {
    json!({"method": "POST", "requestUri": "/"})
}

#[test]
fn idempotent_and_readonly_operations_say_so() {
    // cloudtrail/2013-11-01: GetTrail; bcm-dashboards/2025-08-18: GetDashboard.
    let traits = operation_traits(json!({"GetTrail": {"name": "GetTrail", "http": post(), "idempotent": true}}));
    assert_eq!(traits, json!({"smithy.api#idempotent": {}}));
    let traits = operation_traits(json!({"GetDashboard": {"name": "GetDashboard", "http": post(), "readonly": true}}));
    assert_eq!(traits, json!({"smithy.api#readonly": {}}));
}

#[test]
fn a_deprecated_operation_keeps_its_message() {
    // cloudhsm/2014-05-30: AddTagsToResource.
    let traits = operation_traits(json!({"AddTagsToResource": {
        "name": "AddTagsToResource",
        "http": post(),
        "deprecated": true,
        "deprecatedMessage": "This API is deprecated."
    }}));
    assert_eq!(traits, json!({"smithy.api#deprecated": {"message": "This API is deprecated."}}));
}

#[test]
fn a_host_prefix_is_an_endpoint_trait() {
    // servicediscovery/2017-03-14: DiscoverInstances.
    let traits = operation_traits(json!({"DiscoverInstances": {
        "name": "DiscoverInstances",
        "http": post(),
        "endpoint": {"hostPrefix": "data-"}
    }}));
    assert_eq!(traits, json!({"smithy.api#endpoint": {"hostPrefix": "data-"}}));
}

#[test]
fn endpoint_discovery_is_kept_on_the_operations_and_the_service() {
    // dynamodb/2012-08-10: DescribeEndpoints, DescribeTable; the second is
    // given `required`, as timestream-query/2018-11-01's operations have it.
    let operations = json!({
        "DescribeEndpoints": {"name": "DescribeEndpoints", "http": post(), "endpointoperation": true},
        "DescribeTable": {"name": "DescribeTable", "http": post(), "endpointdiscovery": {}},
        "Query": {"name": "Query", "http": post(), "endpointdiscovery": {"required": true}}
    });
    let smithy = convert(&model(json!({}), operations, json!({})));
    assert_eq!(
        shape(&smithy, "Example_20200101")["traits"]["aws.api#clientEndpointDiscovery"],
        json!({"operation": "com.amazonaws.example#DescribeEndpoints"})
    );
    assert_eq!(shape(&smithy, "DescribeEndpoints").get("traits"), None);
    assert_eq!(
        shape(&smithy, "DescribeTable")["traits"],
        json!({"aws.api#clientDiscoveredEndpoint": {"required": false}})
    );
    assert_eq!(shape(&smithy, "Query")["traits"], json!({"aws.api#clientDiscoveredEndpoint": {"required": true}}));
}

#[test]
fn an_operation_without_auth_has_an_empty_auth_trait() {
    // cognito-identity/2014-06-30: GetId.
    let traits = operation_traits(json!({"GetId": {
        "name": "GetId",
        "http": post(),
        "authtype": "none",
        "auth": ["smithy.api#noAuth"]
    }}));
    assert_eq!(traits, json!({"smithy.api#auth": []}));
    // SigV4 without the payload's hash (S3's and Glacier's streams).
    let traits = operation_traits(json!({"GetId": {"name": "GetId", "http": post(), "authtype": "v4-unsigned-body"}}));
    assert_eq!(traits, json!({"aws.auth#unsignedPayload": {}}));
    let error = refuse(&model(json!({}), json!({"GetId": {"authtype": "v4-signed-twice"}}), json!({})));
    assert!(error.contains("`authtype` \"v4-signed-twice\""), "{error}");
}

#[test]
fn context_params_are_kept_on_the_operation() {
    // dynamodb/2012-08-10: BatchGetItem; kinesis/2013-12-02: AddTagsToStream.
    let traits = operation_traits(json!({"BatchGetItem": {
        "name": "BatchGetItem",
        "http": post(),
        "endpointdiscovery": {},
        "operationContextParams": {"ResourceArnList": {"path": "keys(RequestItems)"}}
    }}));
    assert_eq!(
        traits,
        json!({
            "aws.api#clientDiscoveredEndpoint": {"required": false},
            "smithy.rules#operationContextParams": {"ResourceArnList": {"path": "keys(RequestItems)"}}
        })
    );
    let traits = operation_traits(json!({"AddTagsToStream": {
        "name": "AddTagsToStream",
        "http": post(),
        "staticContextParams": {"OperationType": {"value": "control"}}
    }}));
    assert_eq!(traits, json!({"smithy.rules#staticContextParams": {"OperationType": {"value": "control"}}}));
}

#[test]
fn operation_fields_that_are_not_understood_are_refused() {
    let refused = |operation: Value| refuse(&model(json!({}), json!({"Op": operation}), json!({})));
    let error = refused(json!({"name": "Op", "httpChecksum": {"requestChecksumRequired": true, "novel": 1}}));
    assert!(error.contains("botocore field `httpChecksum.novel`"), "{error}");
    let error = refused(json!({"name": "Op", "http": {"method": "GET", "requestUri": "/x"}}));
    assert!(error.contains("`http` GET /x: awsJson operations are POST /"), "{error}");
    let error = refused(json!({"name": "Other"}));
    assert!(error.contains("the operation is named \"Other\" inside"), "{error}");
    let error = refused(json!({"auth": ["aws.auth#bearer"]}));
    assert!(error.contains("auth scheme \"aws.auth#bearer\""), "{error}");
}

/// The service shape's traits for `metadata` over the plain one's.
fn service_traits(metadata: Value) -> Value {
    let smithy = convert(&model(metadata, json!({}), json!({})));
    let (_, service) = smithy["shapes"].as_object().unwrap().iter().find(|(_, s)| s["type"] == "service").unwrap();
    service["traits"].clone()
}

#[test]
fn http2_event_streams_are_in_the_protocol_trait() {
    // kinesis/2013-12-02's metadata has protocolSettings.
    let traits = service_traits(json!({"protocolSettings": {"h2": "eventstream"}}));
    assert_eq!(traits["aws.protocols#awsJson1_1"], json!({"http": ["http/1.1", "h2"], "eventStreamHttp": ["h2"]}));
    let plain = service_traits(json!({}));
    assert_eq!(plain["aws.protocols#awsJson1_1"], json!({}));
}

#[test]
fn an_aws_query_compatible_service_says_so() {
    // sqs/2012-11-05's metadata.
    let traits = service_traits(json!({
        "apiVersion": "2012-11-05",
        "awsQueryCompatible": {},
        "endpointPrefix": "sqs",
        "jsonVersion": "1.0",
        "protocol": "json",
        "protocols": ["json"],
        "serviceAbbreviation": "Amazon SQS",
        "serviceFullName": "Amazon Simple Queue Service",
        "serviceId": "SQS",
        "signatureVersion": "v4",
        "targetPrefix": "AmazonSQS",
        "uid": "sqs-2012-11-05",
        "auth": ["aws.auth#sigv4"]
    }));
    assert_eq!(
        traits,
        json!({
            "aws.api#service": {"sdkId": "SQS", "endpointPrefix": "sqs"},
            "aws.auth#sigv4": {"name": "sqs"},
            "aws.protocols#awsJson1_0": {},
            "aws.protocols#awsQueryCompatible": {},
            "smithy.api#title": "Amazon Simple Queue Service"
        })
    );
}

#[test]
fn auth_schemes_keep_the_order_clients_prefer() {
    // partnercentral-channel/2024-03-18's metadata has these auth schemes.
    let traits =
        service_traits(json!({"auth": ["aws.auth#sigv4a", "aws.auth#sigv4"], "signingName": "partnercentral"}));
    assert_eq!(traits["aws.auth#sigv4a"], json!({"name": "partnercentral"}));
    assert_eq!(traits["aws.auth#sigv4"], json!({"name": "partnercentral"}));
    assert_eq!(traits["smithy.api#auth"], json!(["aws.auth#sigv4a", "aws.auth#sigv4"]));
    // proton/2020-07-20's metadata has no `auth`: signatureVersion v4 says it.
    let mut metadata = model(json!({}), json!({}), json!({}))["metadata"].clone();
    metadata.as_object_mut().unwrap().remove("auth");
    let traits = service_traits(metadata);
    assert_eq!(traits["aws.auth#sigv4"], json!({"name": "example"}));
    assert_eq!(traits.get("smithy.api#auth"), None);
}

#[test]
fn metadata_that_is_not_understood_is_refused() {
    let refused = |metadata: Value| refuse(&model(metadata, json!({}), json!({})));
    let error = refused(json!({"novel": 1}));
    assert!(error.contains("botocore metadata field `novel`"), "{error}");
    let error = refused(json!({"protocols": ["json", "rest-soap"]}));
    assert!(error.contains("protocol \"rest-soap\" is not supported"), "{error}");
    let error = refused(json!({"protocolSettings": {"h2": "required"}}));
    assert!(error.contains("protocolSettings"), "{error}");
    let error = refused(json!({"auth": ["smithy.api#httpApiKeyAuth"]}));
    assert!(error.contains("auth scheme \"smithy.api#httpApiKeyAuth\""), "{error}");
    let error = refused(json!({"jsonVersion": "2.0"}));
    assert!(error.contains("jsonVersion Some(\"2.0\")"), "{error}");
}

/// The query protocols: every protocol of `protocols` a trait, the
/// service's `xmlNamespace`, `locationName` as `@xmlName` (on a flattened
/// list's member, moved to the members that target the list), `queryName` as
/// `@ec2QueryName`, `resultWrapper` implied.
#[test]
fn query_models_keep_their_xml_names() {
    // sts/2011-06-15 and sdb/2009-04-15 (a flattened list), ec2/2016-11-15
    // (queryName), cut down.
    let metadata = json!({
        "protocol": "query",
        "protocols": ["query", "ec2"],
        "xmlNamespace": "https://sts.amazonaws.com/doc/2011-06-15/",
        "globalEndpoint": "sts.amazonaws.com",
        "jsonVersion": null,
        "targetPrefix": null
    });
    let operations = json!({
        "GetCallerIdentity": {
            "name": "GetCallerIdentity",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "GetCallerIdentityRequest"},
            "output": {"shape": "GetCallerIdentityResponse", "resultWrapper": "GetCallerIdentityResult"}
        }
    });
    let shapes = json!({
        "GetCallerIdentityRequest": {"type": "structure", "members": {
            "Addresses": {"shape": "AddressList", "locationName": "addressSet", "queryName": "Addresses"}
        }},
        "GetCallerIdentityResponse": {"type": "structure", "members": {
            "Attributes": {"shape": "AttributeList"}
        }},
        "AddressList": {"type": "list", "member": {"shape": "String", "locationName": "item"}},
        "AttributeList": {"type": "list", "member": {"shape": "String", "locationName": "Attribute"}, "flattened": true},
        "String": {"type": "string"}
    });
    let smithy = convert(&model(metadata, operations, shapes));
    let service = &shape(&smithy, "Example")["traits"];
    assert_eq!(service["aws.protocols#awsQuery"], json!({}));
    assert_eq!(service["aws.protocols#ec2Query"], json!({}));
    assert_eq!(service["smithy.api#xmlNamespace"], json!({"uri": "https://sts.amazonaws.com/doc/2011-06-15/"}));
    let addresses = &shape(&smithy, "GetCallerIdentityRequest")["members"]["Addresses"]["traits"];
    assert_eq!(addresses["smithy.api#xmlName"], "addressSet");
    assert_eq!(addresses["aws.protocols#ec2QueryName"], "Addresses");
    assert_eq!(shape(&smithy, "AddressList")["member"]["traits"]["smithy.api#xmlName"], "item");
    let attributes = &shape(&smithy, "GetCallerIdentityResponse")["members"]["Attributes"]["traits"];
    assert_eq!(attributes["smithy.api#xmlFlattened"], json!({}));
    assert_eq!(attributes["smithy.api#xmlName"], "Attribute");
}

/// restJson1 and restXml: members bound by `location` (labels renamed to
/// their members, as Smithy names them), payloads, streams, and routes that
/// share a path told apart by `x-id`.
#[test]
fn rest_protocols_bind_members_to_http() {
    let metadata = json!({"protocol": "rest-xml", "protocols": ["rest-xml"], "xmlNamespace": "http://s3.amazonaws.com/doc/2006-03-01/"});
    let operations = json!({
        "GetObject": {"name": "GetObject", "http": {"method": "GET", "requestUri": "/{Bucket}/{Key+}"}, "input": {"shape": "GetObjectRequest"}, "output": {"shape": "GetObjectOutput"}},
        "GetObjectTorrent": {"name": "GetObjectTorrent", "http": {"method": "GET", "requestUri": "/{Bucket}/{Key+}", "responseCode": 200}, "input": {"shape": "GetObjectRequest"}},
    });
    let shapes = json!({
        "GetObjectRequest": {"type": "structure", "required": ["Bucket", "Key"], "members": {
            "Bucket": {"shape": "Name", "location": "uri", "locationName": "Bucket", "contextParam": {"name": "Bucket"}},
            "Key": {"shape": "Name", "location": "uri", "locationName": "Key"},
            "Range": {"shape": "Name", "location": "header", "locationName": "Range"},
            "VersionId": {"shape": "Name", "location": "querystring", "locationName": "versionId"},
        }},
        "GetObjectOutput": {"type": "structure", "payload": "Body", "members": {
            "Body": {"shape": "Body", "streaming": true},
            "Metadata": {"shape": "Metadata", "location": "headers", "locationName": "x-amz-meta-"},
        }},
        "Metadata": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Name"}},
        "Body": {"type": "blob"},
        "Name": {"type": "string"},
    });
    let smithy = convert(&model(metadata, operations, shapes));
    let shapes = &smithy["shapes"];
    assert_eq!(
        shapes["com.amazonaws.example#GetObject"]["traits"]["smithy.api#http"],
        json!({"method": "GET", "uri": "/{Bucket}/{Key+}?x-id=GetObject", "code": 200})
    );
    let input = &shapes["com.amazonaws.example#GetObjectRequest"]["members"];
    assert_eq!(input["Bucket"]["traits"]["smithy.api#httpLabel"], json!({}));
    assert_eq!(input["Range"]["traits"]["smithy.api#httpHeader"], json!("Range"));
    assert_eq!(input["VersionId"]["traits"]["smithy.api#httpQuery"], json!("versionId"));
    let output = &shapes["com.amazonaws.example#GetObjectOutput"]["members"];
    assert_eq!(output["Body"]["traits"]["smithy.api#httpPayload"], json!({}));
    assert_eq!(output["Body"]["traits"]["smithy.api#default"], json!(""));
    assert_eq!(output["Metadata"]["traits"]["smithy.api#httpPrefixHeaders"], json!("x-amz-meta-"));
    // Only streaming members target the blob: it streams itself.
    assert_eq!(shapes["com.amazonaws.example#Body"]["traits"]["smithy.api#streaming"], json!({}));
}
