//! CBOR bodies as JSON values, so the RPC v2 CBOR tests compare bodies as
//! the JSON protocols' tests do: by value, whatever the encoding chose
//! (definite or indefinite lengths, float widths, integer sizes).

use serde_json::{Map, Number, Value};

/// Whether `media_type` is CBOR's.
pub fn is_cbor(media_type: &str) -> bool {
    media_type.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/cbor")
}

/// Decodes a test's body, base64 as the tests write CBOR bodies.
pub fn from_base64(text: &str) -> Result<Vec<u8>, String> {
    protocol_tests::runtime::Blob::from_base64(text)
        .map(|blob| blob.as_ref().to_vec())
        .map_err(|e| format!("the test's body is not base64: {e}"))
}

/// One CBOR data item as a JSON value: byte strings as base64 text (the
/// form the JSON protocols give blobs), tags as their content (timestamps
/// are tag 1 over epoch seconds), undefined as null, and floats that JSON
/// cannot hold as the text the JSON protocols write for them.
pub fn to_value(bytes: &[u8]) -> Result<Value, String> {
    let item: ciborium::Value = ciborium::from_reader(bytes).map_err(|e| format!("not CBOR: {e}"))?;
    Ok(value_of(item))
}

fn value_of(item: ciborium::Value) -> Value {
    use ciborium::Value as Cbor;
    match item {
        Cbor::Integer(n) => {
            let n = i128::from(n);
            i64::try_from(n)
                .map(Value::from)
                .or_else(|_| u64::try_from(n).map(Value::from))
                .unwrap_or_else(|_| Value::String(n.to_string()))
        }
        Cbor::Float(f) => Number::from_f64(f).map_or_else(
            || {
                Value::String(
                    if f.is_nan() {
                        "NaN"
                    } else if f > 0.0 {
                        "Infinity"
                    } else {
                        "-Infinity"
                    }
                    .to_string(),
                )
            },
            Value::Number,
        ),
        Cbor::Bytes(bytes) => Value::String(protocol_tests::runtime::Blob::new(bytes).to_base64()),
        Cbor::Text(text) => Value::String(text),
        Cbor::Bool(b) => Value::Bool(b),
        Cbor::Null => Value::Null,
        Cbor::Tag(_, content) => value_of(*content),
        Cbor::Array(items) => Value::Array(items.into_iter().map(value_of).collect()),
        Cbor::Map(entries) => {
            let mut object = Map::new();
            for (key, value) in entries {
                let key = match value_of(key) {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                object.insert(key, value_of(value));
            }
            Value::Object(object)
        }
        // Undefined and the simple values the protocol does not use.
        _ => Value::Null,
    }
}
