//! `@jsonName` members (restJson1): both validators find a member under its
//! JSON key, hand that key to serde, and report violations at the member's
//! name, as Smithy's paths name members.

use awsgen_runtime::validate::{
    self, Length, Member, Rejection, Schema, StringRules, Structure, Union, ValidationException,
};
use serde::Deserialize;
use serde_json::{Value, json};

const SHORT: Schema = Schema::String(StringRules { length: Some(Length::at_most(5)), pattern: None, values: None });

static CHOICE: Union = Union {
    name: "Choice",
    members: &[Member { name: "text", json_name: Some("TEXT"), required: false, schema: SHORT }],
};

static THING: Structure = Structure {
    name: "Thing",
    members: &[
        Member { name: "contentType", json_name: Some("content-type"), required: true, schema: SHORT },
        Member { name: "choice", json_name: Some("pick"), required: false, schema: Schema::Union(&CHOICE) },
        Member { name: "plain", json_name: None, required: false, schema: SHORT },
    ],
};

/// What a generated type with `@jsonName` members derives under `full-serde`.
#[derive(Debug, Deserialize, PartialEq)]
struct Thing {
    #[serde(rename = "content-type")]
    content_type: String,
    #[serde(rename = "pick", default)]
    choice: Option<Choice>,
    #[serde(rename = "plain", default)]
    plain: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
enum Choice {
    #[serde(rename = "TEXT")]
    Text(String),
}

/// The outcome of both validators, which must agree: the paths of the
/// violations, or "malformed".
fn paths(body: Value) -> Result<Vec<String>, String> {
    let outcome = |result: Result<(), Rejection>| match result {
        Ok(()) => Ok(Vec::new()),
        Err(Rejection::Invalid(ValidationException { field_list, .. })) => {
            Ok(field_list.into_iter().map(|field| field.path).collect())
        }
        Err(Rejection::Malformed(e)) => Err(format!("malformed: {e}")),
    };
    let walked = outcome(validate::validate(&THING, &body));
    let read = outcome(validate::deserialize::<Thing>(&THING, body.to_string().as_bytes()).map(drop));
    assert_eq!(walked, read, "{body}");
    walked
}

#[test]
fn members_are_found_under_their_json_keys_and_reported_under_their_names() {
    let body = json!({"content-type": "text", "pick": {"TEXT": "hi"}, "plain": "p"});
    assert_eq!(paths(body.clone()), Ok(vec![]));
    let thing: Thing = validate::deserialize(&THING, body.to_string().as_bytes()).unwrap();
    assert_eq!(
        thing,
        Thing { content_type: "text".into(), choice: Some(Choice::Text("hi".into())), plain: Some("p".into()) }
    );

    // Violations are at the member, by its name.
    let body = json!({"content-type": "too long", "pick": {"TEXT": "far too long"}});
    assert_eq!(paths(body), Ok(vec!["/contentType".to_string(), "/choice/text".to_string()]));

    // The member's name is not its key: sent under it, the member is
    // missing (and the checked deserializer's placeholder is handed to
    // serde under the key, so the type still builds).
    assert_eq!(paths(json!({"contentType": "text"})), Ok(vec!["/contentType".to_string()]));
    assert_eq!(paths(json!({})), Ok(vec!["/contentType".to_string()]));
    let union_by_name = paths(json!({"content-type": "text", "pick": {"text": "hi"}}));
    assert!(
        union_by_name.as_ref().is_err_and(|e| e.contains("union Choice has no member of the name sent")),
        "{union_by_name:?}"
    );
}

#[test]
fn a_member_without_a_json_name_is_keyed_by_its_name() {
    assert_eq!(THING.members[2].key(), "plain");
    assert_eq!(THING.members[0].key(), "content-type");
    assert_eq!(paths(json!({"content-type": "text", "plain": "too long"})), Ok(vec!["/plain".to_string()]));
}
