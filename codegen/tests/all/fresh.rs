//! Every generated crate of the workspace (`generated/` from `specs/`, and
//! the others `codegen::workspace_targets()` lists) must be exactly what the
//! generator makes of its specs, and the generator must make the same bytes
//! however the specs are laid out.

use crate::common;

use std::collections::BTreeMap;

use codegen::tools::stale::stale_files;
use common::{TempDir, assert_same_files, root, workspace_settings};
use serde_json::value::RawValue;

#[test]
fn generated_crates_are_up_to_date() {
    // Every crate `cargo xtask codegen` keeps: generated/, the conformance
    // crates and the emulator's.
    for target in codegen::workspace_targets() {
        let generated =
            codegen::generate(&root().join(&target.spec), &target.settings).unwrap_or_else(|e| panic!("{e}"));
        let stale = stale_files(&generated.files, &root().join(&target.out));
        let report: Vec<String> = stale.iter().map(ToString::to_string).collect();
        assert!(
            stale.is_empty(),
            "{}/ is stale; run `cargo xtask codegen` and commit:\n{}",
            target.out.display(),
            report.join("\n")
        );
    }
}

/// Doc comments are written `/// text`, as rustfmt and people write them:
/// restJson1's `WriteResponse` impls were documented `///Its members ...`.
#[test]
fn doc_comments_have_a_space_after_their_slashes() {
    fn check(dir: &std::path::Path, bad: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                check(&path, bad);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let comment = line.trim_start();
                    let rest = comment.strip_prefix("///").or_else(|| comment.strip_prefix("//!"));
                    if rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with(' ')) {
                        bad.push(format!("{}:{}: {comment}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    let mut bad = Vec::new();
    for target in codegen::workspace_targets() {
        check(&root().join(&target.out).join("src"), &mut bad);
    }
    assert!(bad.is_empty(), "{} doc lines without a space:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn output_is_the_same_whatever_the_file_layout_and_order() {
    let spec = root().join("specs/ssm");
    let expected = codegen::generate(&spec, &workspace_settings()).unwrap().files;
    assert_same_files(&codegen::generate(&spec, &workspace_settings()).unwrap().files, &expected, "two runs");

    // The same shapes, written in reverse file order under other names.
    let mut files: Vec<(String, String)> = std::fs::read_dir(&spec)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files.reverse();
    let renamed: Vec<(String, String)> =
        files.iter().enumerate().map(|(i, (_, text))| (format!("{i:02}-z.json"), text.clone())).collect();
    let renamed_refs: Vec<(&str, String)> = renamed.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let reordered = TempDir::with_files("ssm", &renamed_refs);
    assert_same_files(
        &codegen::generate(reordered.path(), &workspace_settings()).unwrap().files,
        &expected,
        "renamed, reversed files",
    );

    // All shapes in one file, in reverse order, each exactly as written.
    let mut shapes: Vec<(String, String)> = Vec::new();
    for (_, text) in &files {
        let model: RawModel = serde_json::from_str(text).unwrap();
        shapes.extend(model.shapes.into_iter().map(|(id, raw)| (id, raw.get().to_string())));
    }
    shapes.reverse();
    let entries: Vec<String> = shapes.iter().map(|(id, raw)| format!("{:?}: {raw}", id)).collect();
    let merged = format!("{{\"smithy\": \"2.0\", \"shapes\": {{{}}}}}", entries.join(",\n"));
    let single = TempDir::with_files("ssm", &[("all.json", merged)]);
    assert_same_files(&codegen::generate(single.path(), &workspace_settings()).unwrap().files, &expected, "one file");
}

/// A spec file with each shape kept as the JSON text it was written as.
#[derive(serde::Deserialize)]
struct RawModel {
    shapes: BTreeMap<String, Box<RawValue>>,
}
