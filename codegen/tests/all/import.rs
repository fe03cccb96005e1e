//! `cargo xtask import --smithy`: `specs/ssm` is exactly what importing the
//! whole official model gives, so re-running the import changes nothing;
//! the seed fixture is exactly the slice for its four operations;
//! `emulator/specs` holds the whole DynamoDB and SQS models, imported alike,
//! and EC2's and CloudWatch's slices of botocore's models (`--botocore`);
//! and `examples/lambda/specs` the slice of Lambda's its example serves.

use crate::common;

use std::path::Path;

use codegen::tools::import::{SpecFiles, service_dir_name, slice_smithy};
use common::root;

const OPERATIONS: &[&str] = &[
    "CreateMaintenanceWindow",
    "DeregisterTaskFromMaintenanceWindow",
    "GetMaintenanceWindowExecutionTask",
    "RegisterTaskWithMaintenanceWindow",
];

fn official() -> String {
    common::model("ssm/smithy-ssm-2014-11-06.json.gz")
}

fn assert_same(files: &SpecFiles, dir: &Path) {
    let on_disk: Vec<String> = codegen::model::load::spec_files(dir)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, files.keys().cloned().collect::<Vec<_>>(), "the spec files of {}", dir.display());
    for (name, contents) in files {
        let actual = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(actual == *contents, "{}/{name} differs from a fresh import (see specs/ssm/README.md)", dir.display());
    }
}

#[test]
fn specs_ssm_is_the_import_of_the_whole_model() {
    let files = slice_smithy("official", &official(), None).unwrap();
    // service.json, shared.json and one file per operation.
    assert_eq!(files.len(), 146 + 2);
    assert_same(&files, &root().join("specs/ssm"));
    assert_eq!(service_dir_name(&official()), "ssm");
}

#[test]
fn the_emulator_specs_are_the_imports_of_the_whole_models() {
    for (model, dir, operations) in
        [("aws/dynamodb-2012-08-10.json.gz", "dynamodb", 57), ("aws/sqs-2012-11-05.json.gz", "sqs", 23)]
    {
        let text = common::model(model);
        let files = slice_smithy(model, &text, None).unwrap();
        assert_eq!(files.len(), operations + 2, "{model}");
        assert_same(&files, &root().join("emulator/specs").join(dir));
        assert_eq!(service_dir_name(&text), dir);
    }
}

#[test]
fn the_emulators_logs_are_the_slice_of_their_operations() {
    let operations: Vec<String> = [
        "CreateLogGroup",
        "DeleteLogGroup",
        "DescribeLogGroups",
        "CreateLogStream",
        "DeleteLogStream",
        "DescribeLogStreams",
        "PutLogEvents",
        "GetLogEvents",
        "StartLiveTail",
    ]
    .map(String::from)
    .into();
    let text = common::model("aws/cloudwatch-logs-2014-03-28.json.gz");
    let files = slice_smithy("aws/cloudwatch-logs-2014-03-28.json.gz", &text, Some(&operations)).unwrap();
    assert_same(&files, &root().join("emulator/specs/logs"));
}

#[test]
fn the_lambda_example_is_the_slice_of_its_operations() {
    let operations: Vec<String> = [
        "CreateFunction",
        "GetFunction",
        "GetFunctionConfiguration",
        "ListFunctions",
        "DeleteFunction",
        "UpdateFunctionConfiguration",
        "CreateAlias",
        "GetAlias",
        "ListAliases",
        "UpdateAlias",
        "DeleteAlias",
        "Invoke",
        "InvokeWithResponseStream",
        "TagResource",
        "UntagResource",
        "ListTags",
    ]
    .map(String::from)
    .into();
    let text = common::model("aws/lambda-2015-03-31.json.gz");
    let files = slice_smithy("aws/lambda-2015-03-31.json.gz", &text, Some(&operations)).unwrap();
    assert_eq!(files.len(), operations.len() + 2);
    assert_same(&files, &root().join("examples/lambda/specs/lambda"));
}

#[test]
fn the_transcribe_example_is_the_slice_of_its_operation() {
    let operations = vec!["StartStreamTranscription".to_string()];
    let text = common::model("aws/transcribe-streaming-2017-10-26.json.gz");
    let files = slice_smithy("aws/transcribe-streaming-2017-10-26.json.gz", &text, Some(&operations)).unwrap();
    assert_eq!(files.len(), operations.len() + 1);
    assert_same(&files, &root().join("examples/transcribe/specs/transcribe"));
}

#[test]
fn the_seed_fixture_is_the_slice_of_its_operations() {
    let operations: Vec<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
    let files = slice_smithy("official", &official(), Some(&operations)).unwrap();
    assert_same(&files, &root().join("codegen/tests/fixtures/seeds/ssm"));
}

#[test]
fn unknown_operations_are_named() {
    let error = slice_smithy("official", &official(), Some(&["NoSuchOperation".to_string()])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "error: official: com.amazonaws.ssm#AmazonSSM has no operation named NoSuchOperation"
    );
}

/// A service that binds its operations through resources: one directly, the
/// others as a resource's lifecycle, `operations` and `collectionOperations`
/// and a nested resource's `read`.
fn with_resources() -> String {
    serde_json::json!({
        "smithy": "2.0",
        "shapes": {
            "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Ping"}],
                       "resources": [{"target": "ex#Table"}], "traits": {"aws.protocols#awsJson1_0": {}}},
            "ex#Table": {"type": "resource", "identifiers": {"TableName": {"target": "ex#Name"}},
                         "create": {"target": "ex#CreateTable"}, "list": {"target": "ex#ListTables"},
                         "operations": [{"target": "ex#Tag"}], "collectionOperations": [{"target": "ex#Count"}],
                         "resources": [{"target": "ex#Item"}]},
            "ex#Item": {"type": "resource", "identifiers": {"TableName": {"target": "ex#Name"}, "Key": {"target": "smithy.api#String"}},
                        "read": {"target": "ex#GetItem"}},
            "ex#Name": {"type": "string", "traits": {"smithy.api#length": {"min": 3}}},
            "ex#Ping": {"type": "operation"},
            "ex#CreateTable": {"type": "operation", "input": {"target": "ex#TableInput"}},
            "ex#ListTables": {"type": "operation"},
            "ex#Tag": {"type": "operation", "input": {"target": "ex#TableInput"}},
            "ex#Count": {"type": "operation"},
            "ex#GetItem": {"type": "operation", "input": {"target": "ex#ItemInput"}},
            "ex#TableInput": {"type": "structure", "members": {"TableName": {"target": "ex#Name", "traits": {"smithy.api#required": {}}}}},
            "ex#ItemInput": {"type": "structure", "members": {"TableName": {"target": "ex#Name"}, "Key": {"target": "smithy.api#String"}}}
        }
    })
    .to_string()
}

#[test]
fn operations_bound_through_resources_are_imported_and_generated() {
    let files = slice_smithy("model", &with_resources(), None).unwrap();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Count.json",
            "CreateTable.json",
            "GetItem.json",
            "ListTables.json",
            "Ping.json",
            "Tag.json",
            "service.json",
            "shared.json"
        ]
    );
    // The resources travel with the service, as written.
    let service = &files["service.json"];
    assert!(service.contains("\"ex#Table\": {") && service.contains("\"ex#Item\": {"), "{service}");
    assert!(service.contains("\"collectionOperations\": ["), "{service}");

    let dir =
        common::TempDir::with_files("svc", &files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect::<Vec<_>>());
    let (service, _) = codegen::load_service(dir.path()).unwrap();
    let operations: Vec<&str> = service.operations.iter().map(|op| op.name.as_str()).collect();
    assert_eq!(operations, ["Count", "CreateTable", "GetItem", "ListTables", "Ping", "Tag"]);
    let generated = codegen::generate(dir.path(), &common::workspace_settings()).unwrap();
    let router = &generated.files[std::path::Path::new("src/svc/service.rs")];
    for operation in operations {
        assert!(router.contains(&format!("\"{operation}\" =>")), "{operation} is routed");
    }
}

#[test]
fn a_slice_keeps_only_the_resources_that_bind_its_operations() {
    let files = slice_smithy("model", &with_resources(), Some(&["GetItem".to_string()])).unwrap();
    let service = &files["service.json"];
    // The service keeps no direct operation, the table only its nested item,
    // and the item its `read`.
    assert!(service.contains("\"operations\": []"), "{service}");
    assert!(
        !service.contains("ex#CreateTable") && !service.contains("ex#Count") && !service.contains("ex#Tag"),
        "{service}"
    );
    assert!(service.contains("\"read\": {") && service.contains("ex#GetItem"), "{service}");
    // The identifiers' shapes come along.
    assert!(files.values().any(|f| f.contains("\"ex#Name\"")), "{files:?}");
    let dir =
        common::TempDir::with_files("svc", &files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect::<Vec<_>>());
    let (service, _) = codegen::load_service(dir.path()).unwrap();
    assert_eq!(service.operations.iter().map(|op| op.name.as_str()).collect::<Vec<_>>(), ["GetItem"]);
}

#[test]
fn the_emulator_specs_from_botocore_are_their_imports() {
    // As `emulator/specs/README.md` has them made, from the repository root.
    for (model, dir, operations) in [
        ("models/botocore/ec2-2016-11-15-service-2.json.gz", "ec2", &["DescribeRegions"][..]),
        (
            "models/botocore/monitoring-2010-08-01-service-2.json.gz",
            "cloudwatch",
            &[
                "PutMetricData",
                "ListMetrics",
                "GetMetricData",
                "GetMetricStatistics",
                "PutMetricAlarm",
                "DescribeAlarms",
                "DeleteAlarms",
            ][..],
        ),
    ] {
        let text = codegen::model::load::read_model(&root().join(model)).unwrap();
        let (smithy, _) = codegen::tools::import::botocore::to_smithy(model, &text).unwrap();
        let operations: Vec<String> = operations.iter().map(|op| op.to_string()).collect();
        let files = slice_smithy(model, &smithy, Some(&operations)).unwrap();
        assert_same(&files, &root().join("emulator/specs").join(dir));
    }
}
