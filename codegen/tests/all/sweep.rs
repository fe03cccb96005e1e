//! `codegen::tools::sweep` on a directory of models written here: Smithy and
//! botocore (gzipped, beside botocore's other JSON), a broken model, a file
//! that is not JSON, and one of another protocol.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};

use codegen::SpecFiles;
use codegen::tools::sweep::{Options, Outcome, Sweep, parse_protocols, sweep};
use common::TempDir;

/// A one-operation Smithy service.
fn smithy(namespace: &str, sdk_id: &str, version: &str, protocol: &str, name_trait: &str) -> String {
    format!(
        r#"{{
    "smithy": "2.0",
    "shapes": {{
        "{namespace}#Service": {{"type": "service", "version": "{version}", "operations": [{{"target": "{namespace}#Ping"}}],
            "traits": {{"aws.protocols#{protocol}": {{}}, "aws.api#service": {{"sdkId": "{sdk_id}"}}}}}},
        "{namespace}#Ping": {{"type": "operation", "input": {{"target": "{namespace}#PingInput"}}, "output": {{"target": "smithy.api#Unit"}}}},
        "{namespace}#PingInput": {{"type": "structure", "members": {{"Name": {{"target": "{namespace}#Name"}}}}}},
        "{namespace}#Name": {{"type": "string", "traits": {{{name_trait}}}}}
    }}
}}"#
    )
}

const BOTOCORE: &str = r#"{
  "version": "2.0",
  "metadata": {"apiVersion": "2020-01-01", "endpointPrefix": "boto", "jsonVersion": "1.0", "protocol": "json",
               "serviceFullName": "Boto Thing", "serviceId": "Boto Thing", "signatureVersion": "v4",
               "targetPrefix": "BotoThing", "uid": "boto-2020-01-01"},
  "operations": {
    "Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"},
             "input": {"shape": "PingRequest"}, "output": {"shape": "PingResponse"}, "errors": [{"shape": "NotFound"}]},
    "Pong": {"name": "Pong", "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "PingRequest"}}
  },
  "shapes": {
    "PingRequest": {"type": "structure", "required": ["Name"], "members": {"Name": {"shape": "Name"}}},
    "Name": {"type": "string", "min": 1, "max": 10},
    "PingResponse": {"type": "structure", "members": {}},
    "NotFound": {"type": "structure", "members": {"message": {"shape": "Name"}}, "exception": true}
  }
}"#;

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

/// The models directory: what a user or AWS's corpus might hold.
fn models() -> TempDir {
    let dir = TempDir::new("models");
    let write = |path: &str, bytes: &[u8]| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    let length = r#""smithy.api#length": {"min": 1, "max": 10}"#;
    write("smithy/tiny-2024.json", smithy("example.tiny", "Tiny Thing", "2024-01-01", "awsJson1_1", length).as_bytes());
    write("smithy/tiny-2025.json", smithy("example.tiny", "Tiny Thing", "2025-01-01", "awsJson1_1", length).as_bytes());
    let rest = smithy("example.rest", "Rest Thing", "2024-01-01", "restJson1", length);
    write("smithy/rest.json.gz", &gzip(&rest));
    let broken = r#""smithy.api#length": {"min": 5, "max": 1}"#;
    write("smithy/broken.json", smithy("example.broken", "Broken", "1", "awsJson1_0", broken).as_bytes());
    write("smithy/truncated.json", br#"{"smithy": "2.0", "shapes": {"#);
    write("smithy/README.md", b"not JSON, not read\n");
    write("botocore/boto/2020-01-01/service-2.json.gz", &gzip(BOTOCORE));
    write("botocore/boto/2020-01-01/paginators-1.json", br#"{"pagination": {}}"#);
    write("botocore/boto/2020-01-01/waiters-2.json", br#"{"version": 2, "waiters": {}}"#);
    dir
}

fn rows(sweep: &Sweep) -> Vec<(String, String, usize, Outcome, Option<String>)> {
    sweep
        .rows
        .iter()
        .map(|r| (r.service.clone(), r.protocol.clone(), r.operations, r.outcome, r.error.clone()))
        .collect()
}

fn row(
    service: &str,
    protocol: &str,
    operations: usize,
    outcome: Outcome,
    error: Option<&str>,
) -> (String, String, usize, Outcome, Option<String>) {
    (service.to_string(), protocol.to_string(), operations, outcome, error.map(str::to_string))
}

#[test]
fn sweeps_every_model_and_reports_each() {
    let dir = models();
    let progress = std::sync::Mutex::new(Vec::new());
    let report =
        |p: codegen::tools::sweep::Progress<'_>| progress.lock().unwrap().push((p.done, p.total, p.row.is_some()));
    let result = sweep(dir.path(), &Options::default(), &report).unwrap();
    let truncated = "smithy/truncated.json: invalid JSON at line 1, column 29: EOF while parsing an object";
    let min_max = "smithy/broken.json: example.broken#Name: smithy.api#length min (5) is greater than max (1)";
    assert_eq!(
        rows(&result),
        [
            row("boto-thing", "awsJson1_0", 2, Outcome::Ok, None),
            row("broken", "awsJson1_0", 1, Outcome::GenerateFailed, Some(min_max)),
            row("rest-thing", "restJson1", 1, Outcome::Ok, None),
            row("tiny-thing@2024-01-01", "awsJson1_1", 1, Outcome::Ok, None),
            row("tiny-thing@2025-01-01", "awsJson1_1", 1, Outcome::Ok, None),
            row("truncated.json", "?", 0, Outcome::ImportFailed, Some(truncated)),
        ]
    );
    assert_eq!(result.summary(), "6 models: 4 ok, 1 import failed, 1 generate failed; 2 JSON files not models");
    assert!(result.failed());
    assert!(result.to_string().ends_with(&format!("\n{}", result.summary())));
    assert!(result.rows.iter().all(|r| r.generated.is_none()), "files are kept only when asked for");

    // Progress for every JSON file (README.md is not one), rows for models.
    let mut progress = progress.into_inner().unwrap();
    progress.sort();
    assert_eq!(progress.iter().map(|p| p.0).collect::<Vec<_>>(), (1..=8).collect::<Vec<_>>());
    assert!(progress.iter().all(|p| p.1 == 8));
    assert_eq!(progress.iter().filter(|p| p.2).count(), 6);
}

#[test]
fn protocols_filter_and_generated_crates_are_workspace_members() {
    let dir = models();
    let options =
        Options { protocols: Some(parse_protocols("awsJson").unwrap()), keep_files: true, ..Options::default() };
    let result = sweep(dir.path(), &options, &|_| {}).unwrap();
    let services: Vec<&str> = result.rows.iter().map(|r| r.service.as_str()).collect();
    // The model that is not JSON cannot be told apart by protocol: it stays.
    assert_eq!(services, ["boto-thing", "broken", "tiny-thing@2024-01-01", "tiny-thing@2025-01-01", "truncated.json"]);
    assert!(result.summary().ends_with("; 1 skipped (protocol); 2 JSON files not models"), "{}", result.summary());

    let boto = &result.rows[0];
    assert_eq!(boto.crate_name, "sweep-botocore-boto-2020-01-01-service-2");
    let files = &boto.generated.as_ref().expect("kept").files;
    let manifest = &files[Path::new("Cargo.toml")];
    assert!(manifest.contains("name = \"sweep-botocore-boto-2020-01-01-service-2\""), "{manifest}");
    assert!(!manifest.contains("[workspace]"), "a member of the sweep's workspace: {manifest}");
    assert!(files.contains_key(Path::new("src/boto_thing/operation/ping.rs")), "{:?}", files.keys());
    assert!(result.rows[1].generated.is_none(), "broken generated nothing");
    assert_eq!(
        result.rows.iter().map(|r| r.crate_name.as_str()).collect::<Vec<_>>()[2..4],
        ["sweep-smithy-tiny-2024", "sweep-smithy-tiny-2025"]
    );
}

#[test]
fn a_single_file_can_be_swept() {
    let dir = models();
    let result = sweep(&dir.path().join("smithy/broken.json"), &Options::default(), &|_| {}).unwrap();
    assert_eq!(result.rows.len(), 1);
    assert_eq!(
        result.rows[0].error.as_deref(),
        Some("broken.json: example.broken#Name: smithy.api#length min (5) is greater than max (1)")
    );
}

#[test]
fn a_missing_directory_is_an_error() {
    let err = sweep(Path::new("/nonexistent/models"), &Options::default(), &|_| {}).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}

/// Generating from spec files in memory gives what generating from the
/// same files in a directory gives.
#[test]
fn generate_files_matches_generate() {
    let spec = common::root().join("codegen/tests/fixtures/features");
    let files: SpecFiles = codegen::model::load::spec_files(&spec)
        .unwrap()
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    let settings = common::workspace_settings();
    let from_disk = codegen::generate(&spec, &settings).unwrap();
    let in_memory = codegen::generate_files(&spec, &files, &settings).unwrap();
    common::assert_same_files(&in_memory.files, &from_disk.files, "features");
    assert_eq!(in_memory.warnings, from_disk.warnings);

    // `dir` names the module and the files in messages; it need not exist.
    let elsewhere = codegen::generate_files(&PathBuf::from("nowhere/features"), &files, &settings).unwrap();
    common::assert_same_files(&elsewhere.files, &from_disk.files, "features, from nowhere");
    let warning = elsewhere.warnings.iter().next().expect("the fixture's pattern lints").to_string();
    assert!(warning.starts_with("warning[Pattern]: nowhere/features/features.json: "), "{warning}");
}
