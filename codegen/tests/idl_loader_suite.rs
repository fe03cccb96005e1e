//! Smithy's own IDL loader tests (`models/smithy/idl-tests`), read by our
//! IDL reader. A test without libtest's harness, so that the counts are
//! printed in every `cargo test` run.
//!
//! - `valid/**.smithy` must load to the same model as the `.json` beside
//!   it, and as its `.flattened.smithy` where there is one (the same shapes
//!   with mixins flattened). Models are compared, not bytes: both sides go
//!   through the same loader, so shape order, number spelling (`1e1` and
//!   `10.0`) and empty fields do not count.
//! - `invalid/**.smithy` must be refused. The first line is Smithy's
//!   message; where it gives a line and column, ours must be the same.
//!   Where we read a case differently on purpose it is listed in
//!   [`DIFFERENT`], with the reason; that list must match exactly.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::load::{LoadedModel, load_texts};
use codegen::vocabulary;
use serde_json::Value;

/// Invalid cases whose error we report at another place than Smithy, or
/// that we accept, each with why.
const DIFFERENT: &[(&str, &str)] = &[];

/// Valid cases we load to another model than the expected one, each with why.
const VALID_DIFFERENT: &[(&str, &str)] = &[
    (
        "valid/elided-members.smithy",
        "the expected JSON leaves out the @pattern the IDL applies to `MixedListWithTraits$member` (an elided \
         list member); we keep the trait the file writes",
    ),
    (
        "valid/traits.smithy",
        "refused: a trait value of 1.7976931348623157E+309 is beyond a 64-bit float, and the generator reads \
         every model number (JSON AST and IDL alike) as one",
    ),
];

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/smithy/idl-tests")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "smithy") {
            out.push(path);
        }
    }
}

fn load(paths: &[PathBuf]) -> Result<LoadedModel, String> {
    let texts: Vec<(PathBuf, String)> =
        paths.iter().map(|p| (p.clone(), std::fs::read_to_string(p).unwrap())).collect();
    let texts = texts.iter().map(|(p, t)| (p.clone(), Ok(Cow::Borrowed(t.as_str()))));
    load_texts(&suite_dir(), texts, Some(vocabulary::shapes())).map_err(|e| e.to_string())
}

/// A model as a comparable value: shapes by id, and metadata, with every
/// number as a float.
fn comparable(model: &LoadedModel) -> Value {
    let shapes: BTreeMap<&str, Value> =
        model.shapes.iter().map(|(id, s)| (id.as_str(), serde_json::to_value(&s.shape).unwrap())).collect();
    let mut value = serde_json::json!({"shapes": shapes, "metadata": model.metadata});
    normalise(&mut value);
    value
}

fn normalise(value: &mut Value) {
    match value {
        Value::Number(n) => *value = serde_json::json!(n.as_f64().unwrap()),
        Value::Array(items) => items.iter_mut().for_each(normalise),
        Value::Object(map) => {
            // An empty member list is the same as none.
            map.retain(|k, v| !(k == "members" && v.as_object().is_some_and(|m| m.is_empty())));
            map.values_mut().for_each(normalise);
        }
        _ => {}
    }
}

/// The first difference between two values, as a path and both sides.
fn difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let here = format!("{path}/{key}");
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = difference(p, q, &here) {
                            return Some(d);
                        }
                    }
                    (p, q) => return Some(format!("{here}: {p:?} against {q:?}")),
                }
            }
            let (kx, ky): (Vec<_>, Vec<_>) = (x.keys().collect(), y.keys().collect());
            (path.ends_with("/members") && kx != ky).then(|| format!("{path}: member order {kx:?} against {ky:?}"))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} against {b}")),
    }
}

fn main() -> ExitCode {
    let dir = suite_dir();
    let shared = dir.join("valid/__shared.json");
    let mut problems: Vec<String> = Vec::new();

    let mut valid = Vec::new();
    files(&dir.join("valid"), &mut valid);
    let (mut valid_total, mut valid_passed, mut comparisons) = (0, 0, 0);
    let mut valid_different: Vec<String> = Vec::new();
    let mut fail_valid = |problems: &mut Vec<String>, name: &str, problem: String| {
        valid_different.push(name.to_string());
        if !VALID_DIFFERENT.iter().any(|(n, _)| *n == name) {
            problems.push(problem);
        }
    };
    for path in valid.iter().filter(|p| !p.to_string_lossy().ends_with(".flattened.smithy")) {
        valid_total += 1;
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        let ours = match load(&[path.clone(), shared.clone()]) {
            Ok(model) => comparable(&model),
            Err(e) => {
                fail_valid(&mut problems, &name, format!("{name}: refused: {e}"));
                continue;
            }
        };
        let mut ok = true;
        for expected in [path.with_extension("json"), path.with_extension("flattened.smithy")] {
            if !expected.exists() {
                continue;
            }
            comparisons += 1;
            let theirs = match load(&[expected.clone(), shared.clone()]) {
                Ok(model) => comparable(&model),
                Err(e) => {
                    problems.push(format!("{}: refused: {e}", expected.display()));
                    ok = false;
                    continue;
                }
            };
            if let Some(d) = difference(&ours, &theirs, "") {
                let against = expected.file_name().unwrap().to_string_lossy().into_owned();
                fail_valid(&mut problems, &name, format!("{name}: differs from {against}: {d}"));
                ok = false;
            }
        }
        if ok {
            valid_passed += 1;
        }
    }

    let mut invalid = Vec::new();
    files(&dir.join("invalid"), &mut invalid);
    let (mut refused, mut positioned, mut same_position, mut same_words) = (0, 0, 0, 0);
    let mut other_words = Vec::new();
    let mut different: Vec<String> = Vec::new();
    for path in &invalid {
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let expected = text.lines().next().unwrap_or("").trim_start_matches('/').trim();
        let position = expected_position(expected);
        if position.is_some() {
            positioned += 1;
        }
        match load(std::slice::from_ref(path)) {
            Ok(_) => {
                different.push(name.clone());
                if !DIFFERENT.iter().any(|(n, _)| *n == name) {
                    problems.push(format!("{name}: accepted; Smithy: {expected}"));
                }
            }
            Err(ours) => {
                refused += 1;
                let words = expected_words(expected);
                if ours.contains(words) {
                    same_words += 1;
                } else {
                    other_words
                        .push(format!("{name}\n  Smithy: {words}\n  ours:   {}", ours.lines().next().unwrap_or("")));
                }
                if let Some((line, column)) = position {
                    let at = format!(".smithy:{line}:{column}: ");
                    if ours.contains(&at) {
                        same_position += 1;
                    } else {
                        different.push(name.clone());
                        if !DIFFERENT.iter().any(|(n, _)| *n == name) {
                            problems.push(format!(
                                "{name}: refused at another place; Smithy: {expected}\n  ours: {}",
                                ours.lines().next().unwrap_or("")
                            ));
                        }
                    }
                }
            }
        }
    }
    for (name, _) in VALID_DIFFERENT {
        if !valid_different.iter().any(|d| d == name) {
            problems.push(format!("{name} is listed as read differently, but loads as expected"));
        }
    }
    for (name, _) in DIFFERENT {
        if !different.iter().any(|d| d == name) {
            problems.push(format!("{name} is listed as read differently, but is read as Smithy reads it"));
        }
    }

    println!(
        "Smithy IDL loader tests: valid {valid_passed}/{valid_total} load to their expected models \
         ({comparisons} comparisons); invalid {refused}/{} refused, {same_position}/{positioned} at Smithy's \
         line and column, {same_words}/{} in Smithy's words; {} read differently on purpose",
        invalid.len(),
        invalid.len(),
        DIFFERENT.len() + VALID_DIFFERENT.len()
    );
    for (name, why) in VALID_DIFFERENT.iter().chain(DIFFERENT) {
        println!("  {name}: {why}");
    }
    if std::env::var_os("IDL_SUITE_VERBOSE").is_some() {
        for o in &other_words {
            println!("other words: {o}");
        }
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        for p in &problems {
            println!("FAIL {p}");
        }
        println!("{} problems", problems.len());
        ExitCode::FAILURE
    }
}

/// `Syntax error at line 7, column 1: ...` gives (7, 1).
fn expected_position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("at line ")? + "at line ".len()..];
    let (line, rest) = rest.split_once(", column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// The words of Smithy's message without its place: `Syntax error at line
/// 2, column 10: Expected X | Model` gives `Expected X`.
fn expected_words(message: &str) -> &str {
    let mut words = message.split(" | ").next().unwrap_or(message);
    if let Some(at) = words.find("Syntax error at line ") {
        words = &words[at..];
        words = words.split_once(": ").map_or("", |(_, rest)| rest);
    }
    // A leading shape id is printed apart from the message.
    if let Some((first, rest)) = words.split_once(": ") {
        if first.contains('#') && !first.contains(' ') {
            words = rest;
        }
    }
    words.trim()
}
