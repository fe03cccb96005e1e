//! The IDL reader against AWS's models: each model written as IDL
//! (`idl::write`) reads back to the same model, and SSM written as IDL
//! generates byte-identical code to SSM written as JSON.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use codegen::model::idl::write::to_idl;
use codegen::model::load::{LoadedModel, load_dir, load_files};
use codegen::{SpecFiles, generate};
use common::{TempDir, assert_same_files, root, workspace_settings};
use serde_json::Value;

fn comparable(model: &LoadedModel) -> (BTreeMap<&str, Value>, &BTreeMap<String, Value>) {
    let shapes = model.shapes.iter().map(|(id, s)| (id.as_str(), serde_json::to_value(&s.shape).unwrap())).collect();
    (shapes, &model.metadata)
}

fn idl_files(model: &LoadedModel) -> SpecFiles {
    to_idl(model).into_iter().map(|(namespace, text)| (format!("{namespace}.smithy"), text)).collect()
}

#[test]
fn ssm_written_as_idl_generates_byte_identical_code() {
    let json_dir = root().join("specs/ssm");
    let model = load_dir(&json_dir).unwrap();
    let files = idl_files(&model);
    let written: Vec<(&str, String)> = files.iter().map(|(name, text)| (name.as_str(), text.clone())).collect();
    let idl_dir = TempDir::with_files("ssm", &written);
    let from_idl = load_dir(idl_dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(comparable(&from_idl), comparable(&model), "SSM read back from IDL");

    let settings = workspace_settings();
    let expected = generate(&json_dir, &settings).unwrap();
    let actual = generate(idl_dir.path(), &settings).unwrap_or_else(|e| panic!("{e}"));
    assert_same_files(&actual.files, &expected.files, "SSM generated from IDL");
    assert_eq!(actual.warnings.iter().count(), expected.warnings.iter().count());
}

#[test]
fn every_aws_model_reads_back_from_idl() {
    let dir = root().join("models/aws");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut lines = 0;
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = codegen::model::load::read_model(path).unwrap();
        let json = load_files(Path::new("svc"), &SpecFiles::from([("model.json".to_string(), text)]))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let files = idl_files(&json);
        lines += files.values().map(|t| t.lines().count()).sum::<usize>();
        match load_files(Path::new("svc"), &files) {
            Ok(idl) if comparable(&idl) == comparable(&json) => {}
            Ok(_) => failures.push(format!("{name}: read back to another model")),
            Err(e) => {
                failures.push(format!("{name}: {}", e.to_string().lines().take(4).collect::<Vec<_>>().join("\n")))
            }
        }
    }
    println!("{} AWS models written as IDL ({lines} lines) and read back", paths.len());
    assert!(failures.is_empty(), "{} models:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(paths.len(), 299, "the models of models/aws");
}
