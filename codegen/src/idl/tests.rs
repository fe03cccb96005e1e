//! The IDL reader on small files: what each construct loads to, and the
//! errors bad input gets.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::load::{LoadedModel, load_texts};
use crate::vocabulary;

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
