//! Properties of every operation's router on inputs nobody wrote (proptest):
//! arbitrary bytes and JSON shaped after each operation's input never make
//! it panic or fail, and always get a bounded answer; and the one-pass
//! reader agrees with the tree-walking validator, kept as the oracle, on
//! whether a body is valid, invalid (with exactly the same violations) or
//! malformed.
//!
//! `cargo test` runs a few hundred cases of each; more with
//! `PROPTEST_CASES=20000 cargo test --release -p generated --test properties`.

mod common;

use common::block_on;
use generated::runtime::context::RequestContext;
use generated::runtime::protocol::Response;
use generated::runtime::protocol::aws_json::Dispatch;
use generated::runtime::validate::{self, Rejection, Schema};
use generated::ssm::service::{AmazonSsm, AmazonSsmRouter};
use generated::ssm::validation::{input_schema, operation_names};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Every operation left to its default: a valid input gets `NotImplemented`.
struct Nothing;

impl AmazonSsm for Nothing {}

/// No answer is larger than this, whatever the request.
const BOUND: usize = 64 << 10;

fn route(operation: &str, body: &[u8]) -> Response {
    let router = AmazonSsmRouter::new(Nothing);
    block_on(router.route(&RequestContext::default(), Some(&format!("AmazonSSM.{operation}")), body))
}

/// The answer's type and body, checked to be bounded protocol JSON.
fn answer(response: &Response) -> (u16, Value) {
    assert!(response.body_bytes().len() <= BOUND, "{} bytes", response.body_bytes().len());
    assert_ne!(response.status, 500, "{}", String::from_utf8_lossy(response.body_bytes()));
    let body = serde_json::from_slice(response.body_bytes()).expect("every answer is JSON");
    (response.status, body)
}

/// Strings of the kinds models constrain: empty, short ids, long, non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z0-9-]{1,20}",
        "mw-[0-9a-f]{17}",
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "\\PC{0,40}",
        (0usize..3000).prop_map(|n| "x".repeat(n)),
    ]
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..4).prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A value for `schema`: mostly of the right shape (so that the checks deep
/// inside are reached), now and then anything at all.
fn value_for(schema: Schema, depth: u32) -> BoxedStrategy<Value> {
    if depth == 0 {
        return any_json().boxed();
    }
    let shaped: BoxedStrategy<Value> = match schema {
        Schema::String(_) => text().prop_map(Value::String).boxed(),
        Schema::Enum(table) => {
            let values: Vec<Value> = table.values.iter().map(|v| json!(v)).collect();
            prop_oneof![prop::sample::select(values), text().prop_map(Value::String)].boxed()
        }
        Schema::Integer(_) => {
            prop_oneof![(-5i64..200).prop_map(Value::from), any::<i64>().prop_map(Value::from)].boxed()
        }
        Schema::Float(_) => prop_oneof![(-5.0f64..1e6).prop_map(Value::from), Just(json!("NaN"))].boxed(),
        // Numbers a `Value` holds exactly, as the walker compares them.
        Schema::BigInteger(_) | Schema::BigDecimal(_) => {
            prop_oneof![(-5i64..200).prop_map(Value::from), (-5.0f64..1e6).prop_map(Value::from)].boxed()
        }
        Schema::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        Schema::Timestamp(_) => {
            prop_oneof![(0.0f64..2e9).prop_map(Value::from), text().prop_map(Value::String)].boxed()
        }
        Schema::Blob(_) => prop_oneof!["[A-Za-z0-9+/]{0,16}={0,2}", text()].prop_map(Value::String).boxed(),
        Schema::Document | Schema::Unit => any_json().boxed(),
        Schema::List(list) => {
            prop::collection::vec(value_for(list.member, depth - 1), 0..4).prop_map(Value::Array).boxed()
        }
        Schema::Map(map) => prop::collection::btree_map(text(), value_for(map.value, depth - 1), 0..3)
            .prop_map(|entries| Value::Object(entries.into_iter().collect()))
            .boxed(),
        Schema::Structure(structure) => members(structure.members, depth),
        Schema::Union(union) => members(union.members, depth),
    };
    prop_oneof![9 => shaped, 1 => any_json()].boxed()
}

/// An object with some of `members` (each perhaps null), and perhaps a
/// member the model does not have.
fn members(members: &'static [validate::Member], depth: u32) -> BoxedStrategy<Value> {
    let each: Vec<BoxedStrategy<Option<(String, Value)>>> = members
        .iter()
        .map(|member| {
            let value = prop_oneof![8 => value_for(member.schema, depth - 1), 1 => Just(Value::Null)];
            prop::option::weighted(0.6, value.prop_map(move |v| (member.key().to_string(), v))).boxed()
        })
        .collect();
    (each, prop::option::of(("[A-Za-z]{1,12}", any_json())))
        .prop_map(|(members, unknown)| {
            let mut object: Map<String, Value> = members.into_iter().flatten().collect();
            if let Some((name, value)) = unknown {
                object.entry(name).or_insert(value);
            }
            Value::Object(object)
        })
        .boxed()
}

/// An operation and a body shaped after its input.
fn operation_and_body() -> impl Strategy<Value = (&'static str, Value)> {
    prop::sample::select(operation_names()).prop_flat_map(|operation| {
        let schema = Schema::Structure(input_schema(operation).expect("every operation has an input schema"));
        (Just(operation), value_for(schema, 5))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_reader_and_the_oracle_agree_on_every_body((operation, body) in operation_and_body()) {
        let bytes = serde_json::to_vec(&body).unwrap();
        let (status, answer) = answer(&route(operation, &bytes));
        let schema = input_schema(operation).unwrap();
        match validate::validate(schema, &body) {
            Ok(()) => prop_assert_eq!(status, 501, "{} accepted by the oracle: {}", operation, answer),
            Err(Rejection::Invalid(expected)) => {
                prop_assert_eq!(&answer["__type"], "ValidationException", "{}: {}", operation, answer);
                let expected = serde_json::to_value(&expected.field_list).unwrap();
                prop_assert_eq!(&answer["fieldList"], &expected, "{}", operation);
            }
            Err(Rejection::Malformed(_)) => {
                prop_assert_eq!(&answer["__type"], "SerializationException", "{}: {}", operation, answer);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_get_a_bounded_answer(
        operation in prop::sample::select(operation_names()),
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let (status, answer) = answer(&route(operation, &bytes));
        prop_assert!(status == 400 || status == 501, "{}: {}", status, answer);
    }

    #[test]
    fn a_valid_body_cut_or_spliced_gets_a_bounded_answer(
        (operation, body) in operation_and_body(),
        cut in any::<prop::sample::Index>(),
        junk in prop::collection::vec(any::<u8>(), 0..8),
    ) {
        let mut bytes = serde_json::to_vec(&body).unwrap();
        let at = cut.index(bytes.len() + 1);
        bytes.splice(at..at, junk);
        let (status, answer) = answer(&route(operation, &bytes));
        prop_assert!(status == 400 || status == 501, "{}: {}", status, answer);
    }
}
