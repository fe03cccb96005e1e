//! The IDL reader on small files: what each construct loads to, and the
//! errors bad input gets.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::model::load::{LoadedModel, load_texts};
use crate::model::vocabulary;

fn load(source: &str) -> Result<LoadedModel, String> {
    let texts = [(PathBuf::from("spec/a.smithy"), Ok(Cow::Borrowed(source)))];
    load_texts(Path::new("spec"), texts.into_iter(), Some(vocabulary::shapes())).map_err(|e| e.to_string())
}

fn shape(model: &LoadedModel, id: &str) -> Value {
    serde_json::to_value(&model.shapes[id].shape).unwrap()
}

#[test]
fn a_small_service_loads() {
    let model = load(
        r#"$version: "2"
namespace example.weather

use aws.protocols#awsJson1_1

/// Provides forecasts.
@awsJson1_1
service Weather {
    version: "2006-03-01"
    operations: [GetCity]
}

@readonly
operation GetCity {
    input := {
        @required
        @length(min: 1, max: 64)
        cityId: CityId
    }
    output := with [Named] {
        temperature: Float = 0
    }
    errors: [NoSuchCity]
}

@pattern("^[a-z]+$")
string CityId

@mixin
structure Named { name: String }

@error("client")
structure NoSuchCity {}
"#,
    )
    .unwrap();
    assert_eq!(
        shape(&model, "example.weather#Weather"),
        json!({"type": "service", "version": "2006-03-01", "operations": [{"target": "example.weather#GetCity"}],
               "traits": {"aws.protocols#awsJson1_1": {}, "smithy.api#documentation": "Provides forecasts."}})
    );
    let input = shape(&model, "example.weather#GetCityInput");
    assert_eq!(input["traits"], json!({"smithy.api#input": {}}));
    assert_eq!(
        input["members"]["cityId"],
        json!({"target": "example.weather#CityId", "traits": {"smithy.api#required": {}, "smithy.api#length": {"min": 1, "max": 64}}})
    );
    let output = shape(&model, "example.weather#GetCityOutput");
    assert_eq!(output["members"].as_object().unwrap().keys().collect::<Vec<_>>(), ["name", "temperature"]);
    assert_eq!(output["members"]["temperature"]["traits"], json!({"smithy.api#default": 0}));
    assert!(!model.shapes.contains_key("example.weather#Named"), "mixins are flattened away");
}

#[test]
fn syntax_errors_point_at_line_and_column() {
    let err = load("$version: \"2\"\nnamespace a.b\n\nstructure Foo {\n    bar String\n}\n").unwrap_err();
    assert_eq!(
        err,
        "error: spec/a.smithy:5:9: syntax error: Expected COLON(':') but found IDENTIFIER('String')\n  |\n5 |     bar String\n  |         ^"
    );
}

/// Every `.smithy` file of Smithy's sources and tests, cut, spliced and
/// corrupted in many ways, is read without a panic: a syntax error or a
/// model, never a crash.
#[test]
fn damaged_files_never_panic() {
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "smithy") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/smithy"), &mut paths);
    paths.sort();
    assert!(paths.len() > 450, "{}", paths.len());
    // xorshift: deterministic, so a failure reproduces.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound.max(1) as u64) as usize
    };
    const PIECES: &[&str] = &[
        "\"", "\"\"\"", "{", "}", "(", ")", "[", "]", "@", "$", "#", ":=", "\n", "\\", "//", "= ", "with ", "-1e",
        "\u{e9}",
    ];
    let mut loaded = 0;
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        for round in 0..6 {
            let mut damaged = text.clone();
            let at = |n: usize, s: &str| {
                let mut i = n.min(s.len());
                while !s.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            match round {
                0 => damaged.truncate(at(next(text.len()), &text)),
                1 | 2 => {
                    let i = at(next(damaged.len()), &damaged);
                    damaged.insert_str(i, PIECES[next(PIECES.len())]);
                }
                3 => {
                    let i = at(next(damaged.len()), &damaged);
                    let j = at(i + next(40), &damaged);
                    damaged.replace_range(i..j, "");
                }
                _ => {
                    // Two halves of the file swapped.
                    let i = at(next(damaged.len()), &damaged);
                    damaged = format!("{}{}", &text[i..], &text[..i]);
                }
            }
            let texts = [(path.clone(), Ok(Cow::Borrowed(damaged.as_str())))];
            if load_texts(Path::new("spec"), texts.into_iter(), Some(vocabulary::shapes())).is_ok() {
                loaded += 1;
            }
        }
    }
    // Some damage leaves a valid file (a comment cut short, say).
    assert!(loaded > 0);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("$version: \"2\"\nmetadata x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let err = load(&deep).unwrap_err();
    assert!(err.contains("Node values may nest at most 256 levels deep"), "{err}");
    let chain: String = (0..2000).map(|i| format!("@mixin\nstructure M{i} with [M{}] {{}}\n", i + 1)).collect();
    let err = load(&format!("$version: \"2\"\nnamespace a\n{chain}@mixin\nstructure M2000 {{}}\n")).unwrap_err();
    assert!(err.contains("Mixins nest more than 256 deep"), "{err}");
}

#[test]
fn a_long_line_is_quoted_around_the_error() {
    let long = format!("$version: \"2\"\nnamespace a\n@documentation(\"{}\") string X {{\n", "x".repeat(500));
    let err = load(&long).unwrap_err();
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("error: spec/a.smithy:3:529: syntax error: Expected a line break"), "{err}");
    // The quoted part is around the column, with the caret under it.
    assert!(lines[2].starts_with("3 | …") && lines[2].chars().count() < 140, "{err}");
    let caret = lines[3].chars().position(|c| c == '^').unwrap();
    assert_eq!(lines[2].chars().nth(caret), Some('{'), "{err}");
    // A byte-order mark before `$version` is not an error.
    load("\u{feff}$version: \"2\"\nnamespace a\nstring X\n").unwrap();
}
