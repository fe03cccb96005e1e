//! `cargo xtask import --smithy`: `specs/ssm` is exactly what importing the
//! whole official model gives, so re-running the import changes nothing;
//! the seed fixture is exactly the slice for its four operations; and
//! `emulator/specs` holds the whole DynamoDB and SQS models, imported alike.

mod common;

use std::path::Path;

use codegen::import::{SpecFiles, service_dir_name, slice_smithy};
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
    let on_disk: Vec<String> = codegen::load::spec_files(dir)
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
