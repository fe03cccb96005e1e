//! The generated source, snapshotted file by file: a change to the
//! generator shows up as a reviewable diff (`cargo insta review`).

use crate::common;

use std::path::Path;

use common::workspace_settings;

/// Snapshots every file of `service`'s module (one snapshot per operation
/// and per shape group), named `<prefix>__<path>`.
fn snapshot_service(spec: &Path, service: &str, prefix: &str) {
    let generated = codegen::generate(spec, &workspace_settings()).unwrap_or_else(|e| panic!("{e}"));
    let dir = Path::new("src").join(service);
    let mut count = 0;
    for (path, contents) in &generated.files {
        let Ok(relative) = path.strip_prefix(&dir) else { continue };
        let name = format!("{prefix}__{}", relative.with_extension("").display()).replace('/', "__");
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, contents);
        });
        count += 1;
    }
    assert!(count > 0, "no files for {service}");
}

/// The SSM operations of the seeds and the example server (a fixture, so
/// the snapshots stay reviewable; `generated/` holds the whole service and
/// the freshness test covers it).
#[test]
fn ssm_seed_operations() {
    snapshot_service(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds/ssm"), "ssm", "ssm");
}

#[test]
fn feature_fixture() {
    snapshot_service(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features"), "features", "features");
}

/// The feature fixture's restJson1 service: big numbers in labels, query
/// strings, headers and bodies (`xtask/tests/standalone/behaviour.rs` sends
/// it requests).
#[test]
fn ledger_fixture() {
    snapshot_service(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features"), "ledger", "ledger");
}

/// The feature fixture's awsQuery service: parameters read through the
/// input's document, XML written by generated writers
/// (`xtask/tests/standalone/behaviour.rs` sends it requests).
#[test]
fn accounts_fixture() {
    snapshot_service(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features"), "accounts", "accounts");
}

/// The feature fixture's RPC v2 CBOR service: CBOR writers (members
/// counted first, keys encoded when generated) and the router by path.
#[test]
fn metrics_fixture() {
    snapshot_service(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features"), "metrics", "metrics");
}

/// The feature fixture's restXml service, laid out as S3 is: labels,
/// headers and streaming payloads, XML bodies and payloads, `<Error>`
/// documents (`xtask/tests/standalone/behaviour.rs` sends it requests).
#[test]
fn storage_fixture() {
    snapshot_service(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features"), "storage", "storage");
}

/// Names that collide with everything the generated code uses (see
/// `xtask/tests/cli.rs`, which compiles it).
#[test]
fn obstacle_course() {
    snapshot_service(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/obstacles"), "obstacles", "obstacles");
}
