//! SNS subscription filter policies: which messages a subscription gets, by
//! their attributes (`FilterPolicyScope=MessageAttributes`, the default) or
//! their JSON body (`MessageBody`).
//!
//! A policy is a JSON object; every key must match (a `$or` key holds
//! policies of which one must), and a key matches when any of its
//! conditions does: a string or a number (equal), `null` (body only),
//! `{"prefix": ...}`, `{"suffix": ...}`, `{"equals-ignore-case": ...}`,
//! `{"anything-but": value, [values] or {"prefix"/"suffix": ...}}`,
//! `{"numeric": ["=", 5]}` or ranges (`[">", 0, "<=", 10]`),
//! `{"exists": true/false}` and `{"cidr": "10.0.0.0/24"}`. In the body
//! scope, nested objects of the policy match nested objects of the body;
//! an array in the message matches when any of its elements does.

use serde_json::{Map, Value};

/// Where a policy looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Attributes,
    Body,
}

/// A message attribute as a filter sees it: its data type and value.
pub struct Attribute<'a> {
    pub data_type: &'a str,
    pub value: Option<&'a str>,
}

/// Checks that `text` is a policy SNS would accept: SNS's message, if not.
pub fn check(text: &str) -> Result<Value, String> {
    let policy: Value = serde_json::from_str(text).map_err(|_| "failed to parse JSON.".to_string())?;
    let Some(object) = policy.as_object() else { return Err("Filter policy must be a JSON object.".to_string()) };
    check_object(object)?;
    Ok(policy)
}

fn check_object(object: &Map<String, Value>) -> Result<(), String> {
    for (key, rule) in object {
        match rule {
            Value::Array(conditions) if key == "$or" => {
                for policy in conditions {
                    check_object(policy.as_object().ok_or("$or takes an array of policies.")?)?;
                }
            }
            Value::Array(conditions) => {
                for condition in conditions {
                    if let Value::Object(operator) = condition {
                        let known =
                            ["prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr"];
                        if operator.len() != 1 || !operator.keys().all(|name| known.contains(&name.as_str())) {
                            return Err(format!(
                                "Unrecognized match type {}",
                                operator.keys().next().map_or("", String::as_str)
                            ));
                        }
                    }
                }
            }
            Value::Object(nested) => check_object(nested)?,
            _ => return Err("Match value must be String, number, true, false, or null".to_string()),
        }
    }
    Ok(())
}

/// Whether a message matches `policy` in `scope`: by its `attributes`
/// (name and attribute) or its `body`.
pub fn matches<'a>(
    policy: &Value,
    scope: Scope,
    attributes: impl Fn(&str) -> Option<Attribute<'a>>,
    body: &str,
) -> bool {
    let Some(policy) = policy.as_object() else { return false };
    match scope {
        Scope::Attributes => object_matches(policy, &|path: &[&str]| {
            let [name] = path else { return None };
            attributes(name).map(|attribute| attribute_values(&attribute))
        }),
        Scope::Body => {
            let Ok(body) = serde_json::from_str::<Value>(body) else { return false };
            object_matches(policy, &|path: &[&str]| {
                let mut value = &body;
                for key in path {
                    value = value.as_object()?.get(*key)?;
                }
                Some(match value {
                    Value::Array(values) => values.clone(),
                    value => vec![value.clone()],
                })
            })
        }
    }
}

/// An attribute's values: a number for `Number`, the elements of a
/// `String.Array`, else its string.
fn attribute_values(attribute: &Attribute<'_>) -> Vec<Value> {
    let Some(text) = attribute.value else { return Vec::new() };
    if attribute.data_type.starts_with("Number") {
        if let Ok(number) = text.parse::<f64>() {
            return serde_json::Number::from_f64(number).map(Value::Number).into_iter().collect();
        }
    }
    if attribute.data_type == "String.Array" {
        if let Ok(Value::Array(values)) = serde_json::from_str(text) {
            return values;
        }
    }
    vec![Value::String(text.to_string())]
}

type Lookup<'l> = dyn Fn(&[&str]) -> Option<Vec<Value>> + 'l;

fn object_matches(policy: &Map<String, Value>, lookup: &Lookup<'_>) -> bool {
    nested_matches(policy, lookup, &[])
}

fn nested_matches(policy: &Map<String, Value>, lookup: &Lookup<'_>, path: &[&str]) -> bool {
    policy.iter().all(|(key, rule)| match rule {
        Value::Array(policies) if key == "$or" => {
            policies.iter().filter_map(Value::as_object).any(|policy| nested_matches(policy, lookup, path))
        }
        Value::Object(nested) => {
            let mut deeper = path.to_vec();
            deeper.push(key);
            nested_matches(nested, lookup, &deeper)
        }
        Value::Array(conditions) => {
            let mut here = path.to_vec();
            here.push(key);
            let values = lookup(&here);
            conditions.iter().any(|condition| condition_matches(condition, values.as_deref()))
        }
        _ => false,
    })
}

fn condition_matches(condition: &Value, values: Option<&[Value]>) -> bool {
    let any = |test: &dyn Fn(&Value) -> bool| values.is_some_and(|values| values.iter().any(test));
    match condition {
        Value::String(_) | Value::Bool(_) | Value::Null => any(&|value| value == condition),
        Value::Number(number) => any(&|value| same_number(value, number.as_f64())),
        Value::Object(operator) => {
            let Some((name, argument)) = operator.iter().next() else { return false };
            match name.as_str() {
                "exists" => argument.as_bool() == Some(values.is_some_and(|values| !values.is_empty())),
                "prefix" => any(&|value| text_of(value).zip(argument.as_str()).is_some_and(|(v, p)| v.starts_with(p))),
                "suffix" => any(&|value| text_of(value).zip(argument.as_str()).is_some_and(|(v, s)| v.ends_with(s))),
                "equals-ignore-case" => {
                    any(&|value| text_of(value).zip(argument.as_str()).is_some_and(|(v, a)| v.eq_ignore_ascii_case(a)))
                }
                "anything-but" => values
                    .is_some_and(|values| !values.is_empty() && values.iter().all(|value| !excluded(argument, value))),
                "numeric" => any(&|value| value.as_f64().is_some_and(|number| in_range(argument, number))),
                "cidr" => {
                    any(&|value| text_of(value).zip(argument.as_str()).is_some_and(|(ip, cidr)| in_cidr(ip, cidr)))
                }
                _ => false,
            }
        }
        Value::Array(_) => false,
    }
}

fn text_of(value: &Value) -> Option<&str> {
    value.as_str()
}

fn same_number(value: &Value, number: Option<f64>) -> bool {
    value.as_f64().zip(number).is_some_and(|(a, b)| (a - b).abs() < 1e-9)
}

/// Whether `anything-but`'s argument names `value`.
fn excluded(argument: &Value, value: &Value) -> bool {
    match argument {
        Value::Array(excluded) => excluded.iter().any(|e| excluded_one(e, value)),
        Value::Object(operator) => match operator.iter().next() {
            Some((name, Value::String(affix))) if name == "prefix" => {
                text_of(value).is_some_and(|v| v.starts_with(affix.as_str()))
            }
            Some((name, Value::String(affix))) if name == "suffix" => {
                text_of(value).is_some_and(|v| v.ends_with(affix.as_str()))
            }
            _ => false,
        },
        one => excluded_one(one, value),
    }
}

fn excluded_one(excluded: &Value, value: &Value) -> bool {
    match excluded {
        Value::Number(number) => same_number(value, number.as_f64()),
        other => other == value,
    }
}

/// Whether `number` satisfies `numeric`'s comparisons: `["=", 5]`,
/// `[">", 0]`, `[">", 0, "<=", 10]`.
fn in_range(argument: &Value, number: f64) -> bool {
    let Some(parts) = argument.as_array() else { return false };
    parts.chunks(2).all(|pair| {
        let (Some(operator), Some(bound)) = (pair.first().and_then(Value::as_str), pair.get(1).and_then(Value::as_f64))
        else {
            return false;
        };
        match operator {
            "=" => (number - bound).abs() < 1e-9,
            ">" => number > bound,
            ">=" => number >= bound,
            "<" => number < bound,
            "<=" => number <= bound,
            _ => false,
        }
    })
}

/// Whether the IPv4 address `ip` is in `cidr` (`10.0.0.0/24`).
fn in_cidr(ip: &str, cidr: &str) -> bool {
    let Some((network, bits)) = cidr.split_once('/') else { return false };
    let (Ok(ip), Ok(network), Ok(bits)) =
        (ip.parse::<std::net::Ipv4Addr>(), network.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>())
    else {
        return false;
    };
    let mask = if bits == 0 { 0 } else { u32::MAX.checked_shl(32 - bits.min(32)).unwrap_or(0) };
    u32::from(ip) & mask == u32::from(network) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs<'a>(pairs: &'a [(&'a str, &'a str, &'a str)]) -> impl Fn(&str) -> Option<Attribute<'a>> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, data_type, value)| Attribute { data_type, value: Some(value) })
        }
    }

    fn on_attributes(policy: &str, pairs: &[(&str, &str, &str)]) -> bool {
        matches(&check(policy).unwrap(), Scope::Attributes, attrs(pairs), "")
    }

    #[test]
    fn attribute_policies() {
        let store =
            [("store", "String", "example_corp"), ("price", "Number", "210.75"), ("event", "String", "order_placed")];
        assert!(on_attributes(r#"{"store": ["example_corp"]}"#, &store));
        assert!(!on_attributes(r#"{"store": ["other"]}"#, &store));
        assert!(on_attributes(r#"{"store": ["example_corp"], "event": [{"prefix": "order_"}]}"#, &store));
        assert!(!on_attributes(r#"{"store": ["example_corp"], "missing": ["x"]}"#, &store));
        assert!(on_attributes(r#"{"price": [{"numeric": [">", 100, "<=", 300]}]}"#, &store));
        assert!(!on_attributes(r#"{"price": [{"numeric": ["<", 100]}]}"#, &store));
        assert!(on_attributes(r#"{"price": [210.75]}"#, &store));
        assert!(on_attributes(r#"{"store": [{"anything-but": ["other", "another"]}]}"#, &store));
        assert!(!on_attributes(r#"{"store": [{"anything-but": {"prefix": "example"}}]}"#, &store));
        assert!(on_attributes(r#"{"missing": [{"exists": false}]}"#, &store));
        assert!(!on_attributes(r#"{"store": [{"exists": false}]}"#, &store));
        assert!(on_attributes(r#"{"store": [{"equals-ignore-case": "EXAMPLE_CORP"}]}"#, &store));
        assert!(on_attributes(r#"{"$or": [{"store": ["nope"]}, {"event": [{"suffix": "placed"}]}]}"#, &store));
        let colours = [("colours", "String.Array", r#"["red", "blue"]"#), ("ip", "String", "10.0.0.7")];
        assert!(on_attributes(r#"{"colours": ["blue"]}"#, &colours));
        assert!(on_attributes(r#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, &colours));
        assert!(!on_attributes(r#"{"ip": [{"cidr": "10.0.1.0/24"}]}"#, &colours));
    }

    #[test]
    fn body_policies() {
        let body = r#"{"order": {"kind": "book", "total": 12}, "tags": ["a", "b"], "gift": null}"#;
        let on_body = |policy: &str| matches(&check(policy).unwrap(), Scope::Body, |_| None, body);
        assert!(on_body(r#"{"order": {"kind": ["book"]}}"#));
        assert!(on_body(r#"{"order": {"total": [{"numeric": [">=", 10]}]}, "tags": ["b"]}"#));
        assert!(!on_body(r#"{"order": {"kind": ["film"]}}"#));
        assert!(on_body(r#"{"gift": [null]}"#));
        assert!(!matches(&check(r#"{"a": ["b"]}"#).unwrap(), Scope::Body, |_| None, "not json"));
    }

    #[test]
    fn policies_sns_refuses() {
        assert!(check("not json").is_err());
        assert!(check("[1]").is_err());
        assert!(check(r#"{"a": "b"}"#).is_err());
        assert!(check(r#"{"a": [{"regex": "x"}]}"#).is_err());
    }

    /// Whatever policy and message a subscriber and a publisher send,
    /// checking and matching answer, and never panic: 20,000 random
    /// policies of SNS's operators (a fixed seed), each checked and matched
    /// against random attributes and a random JSON body.
    #[test]
    fn random_policies_are_answered_never_a_panic() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        fn value(next: &mut dyn FnMut() -> u64, depth: u32) -> String {
            const LEAVES: [&str; 12] =
                ["\"x\"", "\"\"", "1", "-2.5", "1e300", "null", "true", "[]", "{}", "\"10.0.0.0/24\"", "\"a*\"", "0"];
            const OPERATORS: [&str; 9] = [
                "prefix",
                "suffix",
                "equals-ignore-case",
                "anything-but",
                "numeric",
                "exists",
                "cidr",
                "wildcard",
                "x",
            ];
            const KEYS: [&str; 5] = ["store", "price", "$or", "a", "b"];
            let pick = |next: &mut dyn FnMut() -> u64, n: usize| (next() % n as u64) as usize;
            match if depth > 3 { 0 } else { pick(next, 4) } {
                0 => LEAVES[pick(next, LEAVES.len())].to_string(),
                1 => {
                    let items: Vec<String> = (0..pick(next, 4)).map(|_| value(next, depth + 1)).collect();
                    format!("[{}]", items.join(","))
                }
                2 => {
                    let operator = OPERATORS[pick(next, OPERATORS.len())];
                    let operand = match operator {
                        "numeric" => {
                            let ops = ["\">\"", "\"<=\"", "\"=\"", "1", "5", "\"x\""];
                            let parts: Vec<&str> = (0..pick(next, 5)).map(|_| ops[pick(next, ops.len())]).collect();
                            format!("[{}]", parts.join(","))
                        }
                        _ => value(next, depth + 1),
                    };
                    format!("[{{\"{operator}\": {operand}}}]")
                }
                _ => {
                    let members: Vec<String> = (0..pick(next, 4))
                        .map(|_| format!("\"{}\": {}", KEYS[pick(next, KEYS.len())], value(next, depth + 1)))
                        .collect();
                    format!("{{{}}}", members.join(","))
                }
            }
        }
        let pairs = [("store", "String", "example"), ("price", "Number", "12"), ("a", "String.Array", "[\"x\", 1]")];
        let mut checked = 0;
        for _ in 0..20_000 {
            let policy = value(&mut next, 0);
            let body = value(&mut next, 1);
            if let Ok(parsed) = check(&policy) {
                checked += 1;
                let _ = matches(&parsed, Scope::Attributes, attrs(&pairs), &body);
                let _ = matches(&parsed, Scope::Body, attrs(&pairs), &body);
            }
            if let Ok(unchecked) = serde_json::from_str::<Value>(&policy) {
                let _ = matches(&unchecked, Scope::Attributes, attrs(&pairs), &body);
                let _ = matches(&unchecked, Scope::Body, attrs(&pairs), &body);
            }
        }
        assert!(checked > 100, "checked: {checked}");
    }
}
