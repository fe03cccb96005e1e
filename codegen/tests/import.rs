//! `cargo xtask import --smithy`: `specs/ssm` is exactly what importing the
//! official model for its operations gives, so re-running the import
//! changes nothing, and the slice is reproducible.

mod common;

use common::root;

const OPERATIONS: &[&str] = &[
    "CreateMaintenanceWindow",
    "DeregisterTaskFromMaintenanceWindow",
    "GetMaintenanceWindowExecutionTask",
    "RegisterTaskWithMaintenanceWindow",
];

fn official() -> String {
    std::fs::read_to_string(root().join("../shared/models/ssm/smithy-ssm-2014-11-06.json")).unwrap()
}

#[test]
fn specs_ssm_is_the_import_of_its_operations() {
    let operations: Vec<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
    let files = codegen::import::slice_smithy("official", &official(), Some(&operations)).unwrap();
    let dir = root().join("specs/ssm");
    let on_disk: Vec<String> = codegen::load::spec_files(&dir)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, files.keys().cloned().collect::<Vec<_>>(), "the spec files");
    for (name, contents) in &files {
        let actual = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            actual == *contents,
            "specs/ssm/{name} differs from a fresh import: run the `cargo xtask import` line in specs/ssm/README.md"
        );
    }
    assert_eq!(codegen::import::service_dir_name(&official()), "ssm");
}

#[test]
fn the_whole_model_imports_and_names_unknown_operations() {
    let files = codegen::import::slice_smithy("official", &official(), None).unwrap();
    // service.json, shared.json and one file per operation.
    assert_eq!(files.len(), 146 + 2);
    let error =
        codegen::import::slice_smithy("official", &official(), Some(&["NoSuchOperation".to_string()])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "error: official: com.amazonaws.ssm#AmazonSSM has no operation named NoSuchOperation"
    );
}
