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
//! - The other model files, where they are plain models: each as the Java
//!   test that loads it expects ([`LOADER_CASES`]: loaded and checked, or
//!   refused, or the same model as an expected file, as the 1.0 upgrade
//!   cases are), and the `upgrade-box` files' nullability as a server
//!   reads it. Left out: files that need a jar, Ion, validators or model
//!   discovery, which a generator does not have.

// The tests name the library as its dependents do.
extern crate awsgen_codegen as codegen;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::model::load::{LoadedModel, load_texts};
use codegen::model::vocabulary;
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
    let (others, others_passed) = other_cases(&mut problems);

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
         line and column, {same_words}/{} in Smithy's words; {} read differently on purpose; the loader tests' \
         other models (merges, conflicts, mixins, forward references, 1.0 upgrades, nullability) \
         {others_passed}/{others} as Smithy's Java tests expect",
        invalid.len(),
        invalid.len(),
        DIFFERENT.len() + VALID_DIFFERENT.len() + LOADER_DIFFERENT.len()
    );
    for (name, why) in VALID_DIFFERENT.iter().chain(DIFFERENT).chain(LOADER_DIFFERENT) {
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

/// What a case of Smithy's loader tests outside `valid/` and `invalid/`
/// must do, read from the Java test that loads it.
enum Expect {
    /// Load and pass the checks.
    Loads,
    /// Be refused with a message holding this text.
    Refused(&'static str),
    /// Load to the same model as these files (with `valid/__shared.json`
    /// where the Java test adds it).
    Same(&'static [&'static str]),
}

/// The cases that are plain model files: the files loaded together, what
/// Smithy's Java test expects of them, and whether it adds
/// `valid/__shared.json`.
const LOADER_CASES: &[(&[&str], Expect, bool)] = &[
    // ModelAssemblerTest.mergesMultipleModels, importsSymlinkFileWithAllShapes.
    (&["merges-1.json", "nested/merges-2.json", "nested/merges-3.json"], Expect::Loads, false),
    (&["main.json", "nested/merges-2.json"], Expect::Loads, false),
    // detectsMetadataConflicts.
    (&["metadata-conflicts.json", "metadata-conflicts-2.json"], Expect::Refused("metadata `foo`"), false),
    // detectsInvalidShapeTypes.
    (&["invalid-shape-types.json"], Expect::Refused("foobaz"), false),
    // versionTransformsAreAlwaysApplied: the invalid target is an error.
    (&["invalid-1.0-model-upgraded.smithy"], Expect::Refused("InvalidTarget"), false),
    // IdlModelLoaderTest.
    (&["apply-use-1.smithy", "apply-use-2.smithy", "apply-use-3.smithy"], Expect::Loads, false),
    (&["first-namespace.smithy", "second-namespace.smithy"], Expect::Loads, false),
    (&["multiline-comments.smithy"], Expect::Loads, false),
    (&["default-subsequent-trait.smithy"], Expect::Loads, false),
    (
        &["use-operations/service.smithy", "use-operations/nested.smithy", "use-operations/other.smithy"],
        Expect::Loads,
        false,
    ),
    (&["error-recovery/in-metadata.smithy"], Expect::Refused("syntax error"), false),
    (&["error-recovery/to-docs.smithy"], Expect::Refused("syntax error"), false),
    (&["error-recovery/to-dollar.smithy"], Expect::Refused("syntax error"), false),
    (&["error-recovery/to-identifier.smithy"], Expect::Refused("syntax error"), false),
    (&["error-recovery/to-trait.smithy"], Expect::Refused("syntax error"), false),
    // AstModelLoaderTest.
    (&["ast-empty-apply-1.json", "ast-empty-apply-2.json"], Expect::Loads, false),
    (&["mixins/collection-mixins.json"], Expect::Loads, false),
    (&["mixins/operation-mixins.json"], Expect::Loads, false),
    (&["mixins/resource-mixins.json"], Expect::Loads, false),
    (&["mixins/service-mixins.json"], Expect::Loads, false),
    (&["mixins/simple-shape-mixins.json"], Expect::Loads, false),
    (&["mixins/structure-mixins.json"], Expect::Loads, false),
    (&["mixins/union-mixins.json"], Expect::Loads, false),
    // ModelAssemblerTest, mixins and the rest.
    (&["dedupe-models.smithy"], Expect::Loads, false),
    (&["does-not-reparses-synthetic-traits.smithy"], Expect::Loads, false),
    (&["mixins/mixins-can-override-traits.smithy"], Expect::Loads, false),
    (&["mixins/mixin-conflict-acceptable-1.smithy", "mixins/mixin-conflict-acceptable-2.smithy"], Expect::Loads, false),
    (
        &["mixins/mixin-conflict-acceptable-1.smithy", "mixins/mixin-conflict-error.smithy"],
        Expect::Refused("shape is defined twice"),
        false,
    ),
    (&["mixins/mixed-member.smithy", "mixins/member-apply-other-namespace.smithy"], Expect::Loads, false),
    (&["mixins/apply-to-mixed-member.json"], Expect::Loads, false),
    (&["mixins/multiple-inheritance-with-introduction.smithy"], Expect::Loads, false),
    (&["mixin-and-apply-model.smithy"], Expect::Loads, false),
    (&["forward-references-are-ordered.smithy"], Expect::Loads, false),
    (&["needs-upgrade-document-node.json"], Expect::Loads, false),
    (&["needs-downgrade-document-node.json"], Expect::Loads, false),
    (&["loads-validators.smithy"], Expect::Loads, false),
    (&["core-events.smithy"], Expect::Loads, false),
    // syntheticBoxingResultsInSameModelBetween1and2, appliesBoxTraitsToMixinsToo.
    (&["synthetic-boxing-1.smithy"], Expect::Same(&["synthetic-boxing-2.smithy"]), false),
    (&["synthetic-boxing-1.smithy", "synthetic-boxing-2.smithy"], Expect::Loads, false),
    (&["synthetic-boxing-mixins.smithy"], Expect::Loads, false),
    // ModelInteropTransformerTest: not broken, though the zero default is
    // outside the range.
    (&["range-upgrade-1.0.smithy"], Expect::Loads, false),
    // ApplyResourceBasedTargetsTest (without its validator's event).
    (&["private-resource-elision/same-namespace-structure.smithy"], Expect::Loads, false),
    (
        &["private-resource-elision/public-resource.smithy", "private-resource-elision/cross-namespace-public.smithy"],
        Expect::Loads,
        false,
    ),
    // ValidSmithyModelLoaderRunnerTest.
    (&["forwardrefs/use/use.smithy"], Expect::Same(&["forwardrefs/use/result.json"]), true),
    (&["forwardrefs/use/no-use.smithy"], Expect::Same(&["forwardrefs/use/result.json"]), true),
    (
        &["forwardrefs/resource/operation.smithy", "forwardrefs/resource/resource.smithy"],
        Expect::Same(&["forwardrefs/resource/result.json"]),
        false,
    ),
    // ModelInteropTransformerTest.UpgradeTestCase: each directory's model
    // loads to its `upgraded.smithy`.
    (&["upgrade/all-1.0/main.smithy"], Expect::Same(&["upgrade/all-1.0/upgraded.smithy"]), false),
    (&["upgrade/box-in-v2/main.smithy"], Expect::Refused("box"), false),
    (
        &["upgrade/does-not-introduce-conflict/main.smithy"],
        Expect::Same(&["upgrade/does-not-introduce-conflict/upgraded.smithy"]),
        false,
    ),
    (
        &["upgrade/mixed-versions/1.0.smithy", "upgrade/mixed-versions/2.0.smithy"],
        Expect::Same(&["upgrade/mixed-versions/upgraded.smithy"]),
        false,
    ),
    (&["upgrade/primitives-in-v2/main.smithy"], Expect::Same(&["upgrade/primitives-in-v2/upgraded.smithy"]), false),
];

/// Loads `files` (relative to the suite) and checks them as the generator
/// would: the model, or the report.
fn load_and_check(files: &[&str], shared: bool) -> Result<LoadedModel, String> {
    let dir = suite_dir();
    let mut paths: Vec<PathBuf> = files.iter().map(|f| dir.join(f)).collect();
    if shared {
        paths.push(dir.join("valid/__shared.json"));
    }
    let model = load(&paths)?;
    let (diagnostics, _) = codegen::check::check(&model);
    // These are models, not services to generate.
    let errors: Vec<String> = diagnostics
        .errors()
        .filter(|e| !e.message.starts_with("the spec defines no service"))
        .map(|e| e.to_string())
        .collect();
    match errors.is_empty() {
        true => Ok(model),
        false => Err(errors.join("\n")),
    }
}

/// A model as compared with an upgraded one: without `@box`, a 1.0 trait
/// whose meaning the upgrade writes as `@default(null)`.
fn without_box(model: &LoadedModel) -> Value {
    let mut value = comparable(model);
    strip(&mut value, "smithy.api#box");
    value
}

fn strip(value: &mut Value, key: &str) {
    match value {
        Value::Object(map) => {
            map.remove(key);
            map.values_mut().for_each(|v| strip(v, key));
            // Traits left empty are none.
            map.retain(|k, v| !(k == "traits" && v.as_object().is_some_and(|t| t.is_empty())));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, key)),
        _ => {}
    }
}

/// Cases of [`LOADER_CASES`] the generator reads otherwise than Smithy,
/// each with why; the list must match exactly.
const LOADER_DIFFERENT: &[(&str, &str)] = &[];

/// Runs [`LOADER_CASES`] and the `upgrade-box` nullability cases; the
/// problems found, and the counts (cases, passed).
fn other_cases(problems: &mut Vec<String>) -> (usize, usize) {
    let (mut total, mut passed) = (0, 0);
    for (files, expect, shared) in LOADER_CASES {
        total += 1;
        let name = files.join(" + ");
        let outcome = load_and_check(files, *shared);
        let problem = match (expect, outcome) {
            (Expect::Loads, Ok(_)) => None,
            (Expect::Loads, Err(e)) => Some(format!("refused: {}", e.lines().next().unwrap_or(""))),
            (Expect::Refused(words), Err(e)) if e.contains(words) => None,
            (Expect::Refused(words), Err(e)) => {
                Some(format!("refused, but not with `{words}`: {}", e.lines().next().unwrap_or("")))
            }
            (Expect::Refused(words), Ok(_)) => Some(format!("accepted; Smithy refuses it (`{words}`)")),
            (Expect::Same(_), Err(e)) => Some(format!("refused: {}", e.lines().next().unwrap_or(""))),
            (Expect::Same(expected), Ok(model)) => match load_and_check(expected, *shared) {
                Err(e) => Some(format!("the expected model is refused: {}", e.lines().next().unwrap_or(""))),
                Ok(theirs) => difference(&without_box(&model), &without_box(&theirs), "")
                    .map(|d| format!("differs from {}: {d}", expected.join(" + "))),
            },
        };
        let listed = LOADER_DIFFERENT.iter().any(|(n, _)| *n == name);
        match (problem, listed) {
            (None, false) => passed += 1,
            (None, true) => {
                problems.push(format!("{name} is listed as read differently, but is read as Smithy reads it"))
            }
            (Some(_), true) => {}
            (Some(problem), false) => problems.push(format!("{name}: {problem}")),
        }
    }
    // ModelInteropTransformerTest.ensuresConsistentNullabilityAcrossVersions:
    // each file's first line gives the member's nullability; `v2` is 2.0's.
    let mut boxes = Vec::new();
    files(&suite_dir().join("upgrade-box"), &mut boxes);
    for path in boxes {
        let name = path.strip_prefix(suite_dir()).unwrap().display().to_string();
        // Not among the cases Smithy's test runs: its member is named for another file.
        if name == "upgrade-box/2-to-1/booleanRequiredToNullablePrelude.smithy" {
            continue;
        }
        total += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: Value = serde_json::from_str(text.lines().next().unwrap().trim_start_matches("//")).unwrap();
        let member_name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let model = match load_and_check(&[&name], false) {
            Ok(model) => model,
            Err(e) => {
                problems.push(format!("{name}: refused: {}", e.lines().next().unwrap_or("")));
                continue;
            }
        };
        let nullable = nullable(&model, "smithy.example#Foo", &member_name);
        // Smithy's 2.0 reading is a client's: `@clientOptional` makes the
        // member nullable there; a server keeps its default.
        let client_optional = member_name == "booleanDefaultWithClientOptionalTraitToNullable";
        if Some(nullable) == expected["v2"].as_bool().map(|v2| v2 != client_optional) {
            passed += 1;
        } else {
            problems.push(format!("{name}: nullable is {nullable}; Smithy's 2.0 reading: {}", expected["v2"]));
        }
    }
    (total, passed)
}

/// Whether the member is nullable as a server reads it (the generator makes
/// it an `Option`): not `@required`, and no default, or a `null` one, on it
/// or its target. (`@clientOptional` makes a member nullable for clients
/// only.)
fn nullable(model: &LoadedModel, structure: &str, member: &str) -> bool {
    let shape = &model.shapes[structure].shape;
    let member = shape.members.as_ref().unwrap().get(member).unwrap();
    if member.traits.contains_key("smithy.api#required") {
        return false;
    }
    let target_default = model
        .shapes
        .get(&member.target)
        .map(|t| &t.shape)
        .or_else(|| vocabulary::shapes().get(&member.target).map(|t| &t.shape))
        .and_then(|t| t.traits.get("smithy.api#default"));
    match member.traits.get("smithy.api#default").or(target_default) {
        None | Some(Value::Null) => true,
        Some(_) => false,
    }
}
