//! Every awsJson and restJson1 model AWS publishes (the copy in
//! `models/aws`) imports and generates, unedited, as `cargo xtask sweep
//! models/aws` does. Building them all is `cargo xtask sweep models/aws
//! --build` (an hour or more, not run here).

use crate::common;

use codegen::tools::sweep::{Options, Outcome, parse_protocols, sweep};
use common::root;

/// Sweeps the models of `protocols` in `models/aws`, which must all
/// generate; returns how many there were and their operations.
fn sweep_all(protocols: &str) -> (usize, usize) {
    let options =
        Options { protocols: Some(parse_protocols(protocols).unwrap()), keep_files: false, ..Options::default() };
    let result = sweep(&root().join("models/aws"), &options, &|_| {}).unwrap();
    println!("{}", result.summary());
    let failures: Vec<String> = result
        .rows
        .iter()
        .filter(|row| row.outcome != Outcome::Ok)
        .map(|row| format!("{}: {} {}", row.service, row.outcome, row.error.as_deref().unwrap_or("")))
        .collect();
    assert!(failures.is_empty(), "{} models failed:\n{}", failures.len(), failures.join("\n"));
    // Every operation counts, including those bound through resources.
    (result.rows.len(), result.rows.iter().map(|row| row.operations).sum())
}

#[test]
fn every_aws_json_model_generates() {
    let (models, operations) = sweep_all("awsJson");
    assert_eq!(models, 114, "the awsJson models of models/aws");
    assert!(operations > 4_000, "{operations} operations");
}

/// With their `@jsonName` members, `@streaming` payloads and event streams.
#[test]
fn every_rest_json_model_generates() {
    let (models, operations) = sweep_all("restJson1");
    assert_eq!(models, 181, "the restJson1 models of models/aws");
    assert!(operations > 5_000, "{operations} operations");
}
