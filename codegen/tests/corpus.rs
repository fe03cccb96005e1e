//! Every awsJson model AWS publishes (the copy in `models/aws`) imports and
//! generates, unedited, as `cargo xtask sweep models/aws` does. Building
//! them all is `cargo xtask sweep models/aws --build` (minutes, not run here).

mod common;

use codegen::sweep::{Options, Outcome, parse_protocols, sweep};
use common::root;

#[test]
fn every_aws_json_model_generates() {
    let options =
        Options { protocols: Some(parse_protocols("awsJson").unwrap()), keep_files: false, ..Options::default() };
    let result = sweep(&root().join("models/aws"), &options, &|_| {}).unwrap();
    println!("{}", result.summary());
    let failures: Vec<String> = result
        .rows
        .iter()
        .filter(|row| row.outcome != Outcome::Ok)
        .map(|row| format!("{}: {} {}", row.service, row.outcome, row.error.as_deref().unwrap_or("")))
        .collect();
    assert!(failures.is_empty(), "{} models failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(result.rows.len(), 114, "the awsJson models of models/aws");
    // Every operation counts, including those bound through resources.
    let operations: usize = result.rows.iter().map(|row| row.operations).sum();
    assert!(operations > 4_000, "{operations} operations");
}
