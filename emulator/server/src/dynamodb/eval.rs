//! Expressions ([`super::expression`]) applied to items: whether an item
//! meets a condition, what an update makes of it, what a projection keeps
//! of it, with DynamoDB's comparisons (numbers by value, strings and
//! binaries by their bytes, no order between types) and arithmetic (exact
//! decimal, 38 digits).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use emulator_generated::dynamodb::types::AttributeValue;
use emulator_generated::runtime::excerpt;

use super::expression::{Action, Comparator, Condition, Operand, Path, Refused, SetValue, Step};
use super::item::{Item, Number};

/// The value at `path` in `item`, if there is one.
pub fn resolve<'i>(item: &'i Item, path: &Path) -> Option<&'i AttributeValue> {
    let (first, rest) = path.split_first()?;
    let Step::Name(name) = first else { return None };
    let mut value = item.get(name)?;
    for step in rest {
        value = match (step, value) {
            (Step::Name(name), AttributeValue::M(map)) => map.get(name)?,
            (Step::Index(index), AttributeValue::L(list)) => list.get(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

fn operand(item: &Item, operand: &Operand) -> Option<AttributeValue> {
    match operand {
        Operand::Path(path) => resolve(item, path).cloned(),
        Operand::Value(value) => Some(value.clone()),
        Operand::Size(path) => size(resolve(item, path)?).map(|n| AttributeValue::N(n.to_string())),
    }
}

/// `size()`: a string's or binary's length, a set's, list's or map's
/// element count; none for a number, boolean or null.
fn size(value: &AttributeValue) -> Option<usize> {
    Some(match value {
        AttributeValue::S(text) => text.chars().count(),
        AttributeValue::B(blob) => blob.as_bytes().len(),
        AttributeValue::Ss(set) | AttributeValue::Ns(set) => set.len(),
        AttributeValue::Bs(set) => set.len(),
        AttributeValue::L(list) => list.len(),
        AttributeValue::M(map) => map.len(),
        _ => return None,
    })
}

/// Whether two values are equal as DynamoDB compares them (numbers by
/// value, sets whatever their order).
pub fn equal(a: &AttributeValue, b: &AttributeValue) -> bool {
    match (a, b) {
        (AttributeValue::N(x), AttributeValue::N(y)) => compare_numbers(x, y) == Some(Ordering::Equal),
        (AttributeValue::Ss(x), AttributeValue::Ss(y)) => sorted(x) == sorted(y),
        (AttributeValue::Ns(x), AttributeValue::Ns(y)) => {
            x.len() == y.len() && x.iter().all(|n| y.iter().any(|m| compare_numbers(n, m) == Some(Ordering::Equal)))
        }
        (AttributeValue::Bs(x), AttributeValue::Bs(y)) => {
            let (mut x, mut y): (Vec<&[u8]>, Vec<&[u8]>) =
                (x.iter().map(|b| b.as_bytes()).collect(), y.iter().map(|b| b.as_bytes()).collect());
            x.sort();
            y.sort();
            x == y
        }
        (AttributeValue::L(x), AttributeValue::L(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b)),
        (AttributeValue::M(x), AttributeValue::M(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn sorted(set: &[String]) -> Vec<&String> {
    let mut set: Vec<&String> = set.iter().collect();
    set.sort();
    set
}

/// The order of two values of one scalar type (N, S or B); none across
/// types or for others.
pub fn order(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::N(x), AttributeValue::N(y)) => compare_numbers(x, y),
        (AttributeValue::S(x), AttributeValue::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (AttributeValue::B(x), AttributeValue::B(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        _ => None,
    }
}

/// Two numbers' order, by value.
pub fn compare_numbers(a: &str, b: &str) -> Option<Ordering> {
    Some(Number::read(a).ok()?.numeric_cmp(&Number::read(b).ok()?))
}

/// Whether `item` meets `condition`.
pub fn holds(item: &Item, condition: &Condition) -> Result<bool, Refused> {
    Ok(match condition {
        Condition::And(a, b) => holds(item, a)? && holds(item, b)?,
        Condition::Or(a, b) => holds(item, a)? || holds(item, b)?,
        Condition::Not(a) => !holds(item, a)?,
        Condition::Exists(path) => resolve(item, path).is_some(),
        Condition::NotExists(path) => resolve(item, path).is_none(),
        Condition::Compare(left, comparator, right) => {
            let (Some(a), Some(b)) = (operand(item, left), operand(item, right)) else { return Ok(false) };
            match comparator {
                Comparator::Eq => equal(&a, &b),
                Comparator::Ne => !equal(&a, &b),
                Comparator::Lt => order(&a, &b) == Some(Ordering::Less),
                Comparator::Le => matches!(order(&a, &b), Some(Ordering::Less | Ordering::Equal)),
                Comparator::Gt => order(&a, &b) == Some(Ordering::Greater),
                Comparator::Ge => matches!(order(&a, &b), Some(Ordering::Greater | Ordering::Equal)),
            }
        }
        Condition::Between(value, low, high) => {
            let (Some(v), Some(l), Some(h)) = (operand(item, value), operand(item, low), operand(item, high)) else {
                return Ok(false);
            };
            if order(&l, &h) == Some(Ordering::Greater) {
                return Err(
                    "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound"
                        .to_string(),
                );
            }
            matches!(order(&v, &l), Some(Ordering::Greater | Ordering::Equal))
                && matches!(order(&v, &h), Some(Ordering::Less | Ordering::Equal))
        }
        Condition::In(value, list) => match operand(item, value) {
            Some(v) => list.iter().any(|candidate| operand(item, candidate).is_some_and(|c| equal(&v, &c))),
            None => false,
        },
        Condition::Type(path, kind) => {
            let Some(AttributeValue::S(kind)) = operand(item, kind) else {
                return Err("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: not a string".to_string());
            };
            const TYPES: [&str; 10] = ["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];
            if !TYPES.contains(&kind.as_str()) {
                return Err(format!(
                    "Invalid ConditionExpression: Invalid attribute type name found; type: {}, valid types: {{ S,SS,N,NS,B,BS,BOOL,NULL,L,M }}",
                    excerpt(&kind)
                ));
            }
            resolve(item, path).is_some_and(|value| type_name(value) == kind)
        }
        Condition::BeginsWith(value, prefix) => match (operand(item, value), operand(item, prefix)) {
            (Some(AttributeValue::S(v)), Some(AttributeValue::S(p))) => v.starts_with(&p),
            (Some(AttributeValue::B(v)), Some(AttributeValue::B(p))) => v.as_bytes().starts_with(p.as_bytes()),
            _ => false,
        },
        Condition::Contains(value, element) => match (operand(item, value), operand(item, element)) {
            (Some(AttributeValue::S(v)), Some(AttributeValue::S(e))) => v.contains(&e),
            (Some(AttributeValue::B(v)), Some(AttributeValue::B(e))) => {
                let (v, e) = (v.as_bytes(), e.as_bytes());
                e.is_empty() || v.windows(e.len()).any(|w| w == e)
            }
            (Some(AttributeValue::Ss(set)), Some(AttributeValue::S(e))) => set.contains(&e),
            (Some(AttributeValue::Ns(set)), Some(AttributeValue::N(e))) => {
                set.iter().any(|n| compare_numbers(n, &e) == Some(Ordering::Equal))
            }
            (Some(AttributeValue::Bs(set)), Some(AttributeValue::B(e))) => {
                set.iter().any(|b| b.as_bytes() == e.as_bytes())
            }
            (Some(AttributeValue::L(list)), Some(e)) => list.iter().any(|v| equal(v, &e)),
            _ => false,
        },
    })
}

/// A value's type, as DynamoDB names it.
pub fn type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::Bool(_) => "BOOL",
    }
}

/// What `item` becomes under `actions` (an update expression's); `keys`
/// are the table's key attributes, which no action may touch.
pub fn apply(item: &Item, actions: &[Action], keys: &[&str]) -> Result<Item, Refused> {
    let mut updated = item.clone();
    for action in actions {
        let (Action::Set(path, _) | Action::Remove(path) | Action::Add(path, _) | Action::Delete(path, _)) = action;
        if let [Step::Name(name)] = path.as_slice() {
            if keys.contains(&name.as_str()) {
                return Err(format!(
                    "One or more parameter values were invalid: Cannot update attribute {name}. This attribute is part of the key"
                ));
            }
        }
        match action {
            // Values are read from the item as it was, before any action.
            Action::Set(path, value) => {
                let value = set_value(item, value)?;
                put(&mut updated, path, value)?;
            }
            Action::Remove(path) => remove(&mut updated, path),
            Action::Add(path, value) => {
                let added = match (resolve(&updated, path), value) {
                    (
                        None,
                        value @ (AttributeValue::N(_)
                        | AttributeValue::Ss(_)
                        | AttributeValue::Ns(_)
                        | AttributeValue::Bs(_)),
                    ) => value.clone(),
                    (Some(AttributeValue::N(a)), AttributeValue::N(b)) => AttributeValue::N(arithmetic(a, b, false)?),
                    (Some(AttributeValue::Ss(a)), AttributeValue::Ss(b)) => AttributeValue::Ss(union(a, b)),
                    (Some(AttributeValue::Ns(a)), AttributeValue::Ns(b)) => AttributeValue::Ns(union(a, b)),
                    (Some(AttributeValue::Bs(a)), AttributeValue::Bs(b)) => {
                        let mut set = a.clone();
                        set.extend(b.iter().filter(|x| !a.iter().any(|y| y.as_bytes() == x.as_bytes())).cloned());
                        AttributeValue::Bs(set)
                    }
                    _ => return Err(wrong_type("ADD")),
                };
                put(&mut updated, path, added)?;
            }
            Action::Delete(path, value) => {
                let left = match (resolve(&updated, path), value) {
                    (None, _) => continue,
                    (Some(AttributeValue::Ss(a)), AttributeValue::Ss(b)) => {
                        let left: Vec<String> = a.iter().filter(|x| !b.contains(x)).cloned().collect();
                        (!left.is_empty()).then_some(AttributeValue::Ss(left))
                    }
                    (Some(AttributeValue::Ns(a)), AttributeValue::Ns(b)) => {
                        let left: Vec<String> = a
                            .iter()
                            .filter(|x| !b.iter().any(|y| compare_numbers(x, y) == Some(Ordering::Equal)))
                            .cloned()
                            .collect();
                        (!left.is_empty()).then_some(AttributeValue::Ns(left))
                    }
                    (Some(AttributeValue::Bs(a)), AttributeValue::Bs(b)) => {
                        let left: Vec<_> =
                            a.iter().filter(|x| !b.iter().any(|y| y.as_bytes() == x.as_bytes())).cloned().collect();
                        (!left.is_empty()).then_some(AttributeValue::Bs(left))
                    }
                    _ => return Err(wrong_type("DELETE")),
                };
                match left {
                    Some(left) => put(&mut updated, path, left)?,
                    None => remove(&mut updated, path),
                }
            }
        }
    }
    Ok(updated)
}

fn wrong_type(operator: &str) -> Refused {
    format!("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: {operator}")
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut set = a.to_vec();
    set.extend(b.iter().filter(|x| !a.contains(x)).cloned());
    set
}

fn set_value(item: &Item, value: &SetValue) -> Result<AttributeValue, Refused> {
    Ok(match value {
        SetValue::Operand(o) => operand(item, o).ok_or_else(missing_operand)?,
        SetValue::Plus(a, b) | SetValue::Minus(a, b) => {
            let subtract = matches!(value, SetValue::Minus(..));
            match (set_value(item, a)?, set_value(item, b)?) {
                (AttributeValue::N(x), AttributeValue::N(y)) => AttributeValue::N(arithmetic(&x, &y, subtract)?),
                _ => {
                    return Err(format!(
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: {}, operand type: not a number",
                        if subtract { "-" } else { "+" }
                    ));
                }
            }
        }
        SetValue::ListAppend(a, b) => match (set_value(item, a)?, set_value(item, b)?) {
            (AttributeValue::L(mut x), AttributeValue::L(y)) => {
                x.extend(y);
                AttributeValue::L(x)
            }
            _ => return Err("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: not a list".to_string()),
        },
        SetValue::IfNotExists(path, fallback) => match resolve(item, path) {
            Some(value) => value.clone(),
            None => set_value(item, fallback)?,
        },
    })
}

fn missing_operand() -> Refused {
    "The provided expression refers to an attribute that does not exist in the item".to_string()
}

/// Puts `value` at `path` (its parent must exist: a map, or a list, where
/// an index past the end appends).
fn put(item: &mut Item, path: &Path, value: AttributeValue) -> Result<(), Refused> {
    let invalid = || "The document path provided in the update expression is invalid for update".to_string();
    let (first, rest) = path.split_first().ok_or_else(invalid)?;
    let Step::Name(name) = first else { return Err(invalid()) };
    let Some((last, middle)) = rest.split_last() else {
        item.insert(name.clone(), value);
        return Ok(());
    };
    let mut current = item.get_mut(name).ok_or_else(invalid)?;
    for step in middle {
        current = match (step, current) {
            (Step::Name(name), AttributeValue::M(map)) => map.get_mut(name).ok_or_else(invalid)?,
            (Step::Index(index), AttributeValue::L(list)) => list.get_mut(*index).ok_or_else(invalid)?,
            _ => return Err(invalid()),
        };
    }
    match (last, current) {
        (Step::Name(name), AttributeValue::M(map)) => {
            map.insert(name.clone(), value);
        }
        (Step::Index(index), AttributeValue::L(list)) => {
            if *index < list.len() {
                list[*index] = value;
            } else {
                list.push(value);
            }
        }
        _ => return Err(invalid()),
    }
    Ok(())
}

/// Removes what is at `path`, if anything (a list's later elements move up).
fn remove(item: &mut Item, path: &Path) {
    let Some((first, rest)) = path.split_first() else { return };
    let Step::Name(name) = first else { return };
    let Some((last, middle)) = rest.split_last() else {
        item.remove(name);
        return;
    };
    let Some(mut current) = item.get_mut(name) else { return };
    for step in middle {
        let next = match (step, current) {
            (Step::Name(name), AttributeValue::M(map)) => map.get_mut(name),
            (Step::Index(index), AttributeValue::L(list)) => list.get_mut(*index),
            _ => None,
        };
        let Some(next) = next else { return };
        current = next;
    }
    match (last, current) {
        (Step::Name(name), AttributeValue::M(map)) => {
            map.remove(name);
        }
        (Step::Index(index), AttributeValue::L(list)) if *index < list.len() => {
            list.remove(*index);
        }
        _ => {}
    }
}

/// What `paths` keep of `item`: each path's value, in the same nesting.
pub fn project(item: &Item, paths: &[Path]) -> Item {
    let mut kept = Item::new();
    for path in paths {
        let Some(value) = resolve(item, path) else { continue };
        // Nested paths keep their nesting; list elements their order.
        let mut built = value.clone();
        for step in path[1..].iter().rev() {
            built = match step {
                Step::Name(name) => AttributeValue::M(BTreeMap::from([(name.clone(), built)])),
                Step::Index(_) => AttributeValue::L(vec![built]),
            };
        }
        let Step::Name(top) = &path[0] else { continue };
        match (kept.remove(top), built) {
            (Some(AttributeValue::M(mut old)), AttributeValue::M(new)) => {
                merge(&mut old, new);
                kept.insert(top.clone(), AttributeValue::M(old));
            }
            (Some(AttributeValue::L(mut old)), AttributeValue::L(new)) => {
                old.extend(new);
                kept.insert(top.clone(), AttributeValue::L(old));
            }
            (_, built) => {
                kept.insert(top.clone(), built);
            }
        }
    }
    kept
}

fn merge(into: &mut BTreeMap<String, AttributeValue>, from: BTreeMap<String, AttributeValue>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(AttributeValue::M(old)), AttributeValue::M(new)) => merge(old, new),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// `a + b` (or `a - b`), exactly, as DynamoDB's numbers: 38 digits.
pub fn arithmetic(a: &str, b: &str, subtract: bool) -> Result<String, Refused> {
    let parse = |text: &str| Number::read(text).map_err(|e| e.message(text));
    let (x, y) = (parse(a)?, parse(b)?);
    let (xn, xd, xs) = x.scaled();
    let (mut yn, yd, ys) = y.scaled();
    if subtract {
        yn = !yn;
    }
    let scale = xs.max(ys);
    let pad = |digits: Vec<u8>, own: i64| {
        let mut digits = digits;
        digits.extend(std::iter::repeat_n(0, usize::try_from(scale - own).unwrap_or(0)));
        digits
    };
    let (xd, yd) = (pad(xd, xs), pad(yd, ys));
    let (negative, digits) = if xn == yn {
        (xn, add_digits(&xd, &yd))
    } else {
        match compare_digits(&xd, &yd) {
            Ordering::Less => (yn, subtract_digits(&yd, &xd)),
            _ => (xn, subtract_digits(&xd, &yd)),
        }
    };
    let text = to_decimal(negative, &digits, scale);
    Number::read(&text).map_err(|e| e.message(&text))?;
    Ok(text)
}

fn strip(digits: &[u8]) -> &[u8] {
    let start = digits.iter().position(|d| *d != 0).unwrap_or(digits.len());
    &digits[start..]
}

fn compare_digits(a: &[u8], b: &[u8]) -> Ordering {
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn add_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut carry = 0;
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 || j > 0 || carry > 0 {
        let x = if i > 0 {
            i -= 1;
            a[i]
        } else {
            0
        };
        let y = if j > 0 {
            j -= 1;
            b[j]
        } else {
            0
        };
        let sum = x + y + carry;
        out.push(sum % 10);
        carry = sum / 10;
    }
    out.reverse();
    out
}

/// `a - b`, where `a >= b`.
fn subtract_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut borrow = 0i8;
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 {
        i -= 1;
        let y = if j > 0 {
            j -= 1;
            b[j] as i8
        } else {
            0
        };
        let mut d = a[i] as i8 - y - borrow;
        borrow = if d < 0 {
            d += 10;
            1
        } else {
            0
        };
        out.push(d as u8);
    }
    out.reverse();
    out
}

/// The decimal text of `digits` × 10^-`scale`.
fn to_decimal(negative: bool, digits: &[u8], scale: i64) -> String {
    let digits: String = strip(digits).iter().map(|d| char::from(b'0' + d)).collect();
    if digits.is_empty() {
        return "0".to_string();
    }
    let sign = if negative { "-" } else { "" };
    if scale <= 0 {
        return format!("{sign}{digits}{}", "0".repeat(usize::try_from(-scale).unwrap_or(0)));
    }
    let scale = usize::try_from(scale).unwrap_or(0);
    let padded =
        if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale - digits.len() + 1)) } else { digits };
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

#[cfg(test)]
mod tests {
    use super::super::expression::{self, Placeholders};
    use super::*;

    fn item(json: &str) -> Item {
        super::super::item::from_json(&serde_json::from_str(json).unwrap()).unwrap()
    }

    fn check(item: &Item, text: &str, values: &[(&str, AttributeValue)]) -> Result<bool, Refused> {
        let values: BTreeMap<String, AttributeValue> = values.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let condition =
            expression::condition("ConditionExpression", text, &mut Placeholders::new(None, Some(&values)))?;
        holds(item, &condition)
    }

    #[test]
    fn conditions_hold_as_dynamodb_says() {
        let it = item(
            r#"{"id": {"S": "a"}, "n": {"N": "10"}, "tags": {"SS": ["x", "y"]}, "m": {"M": {"k": {"L": [{"S": "v"}]}}}}"#,
        );
        let n = |text: &str| AttributeValue::N(text.into());
        let s = |text: &str| AttributeValue::S(text.into());
        assert!(check(&it, "n > :v", &[(":v", n("9.5"))]).unwrap());
        assert!(check(&it, "n = :v", &[(":v", n("1e1"))]).unwrap());
        assert!(!check(&it, "n < :v", &[(":v", n("-20"))]).unwrap());
        assert!(!check(&it, "n > :v", &[(":v", s("a"))]).unwrap(), "no order across types");
        assert!(check(&it, "n BETWEEN :a AND :b", &[(":a", n("10")), (":b", n("11"))]).unwrap());
        assert!(check(&it, "contains(tags, :v) AND size(tags) = :two", &[(":v", s("y")), (":two", n("2"))]).unwrap());
        assert!(check(&it, "m.k[0] = :v", &[(":v", s("v"))]).unwrap());
        assert!(check(&it, "attribute_type(m, :t)", &[(":t", s("M"))]).unwrap());
        assert!(
            check(&it, "attribute_type(m, :t)", &[(":t", s("X"))])
                .unwrap_err()
                .contains("Invalid attribute type name found")
        );
        assert!(
            check(&it, "NOT attribute_exists(absent) AND id IN (:a, :b)", &[(":a", s("b")), (":b", s("a"))]).unwrap()
        );
        assert!(check(&it, "begins_with(id, :p)", &[(":p", s("a"))]).unwrap());
    }

    #[test]
    fn updates_and_projections() {
        let it = item(r#"{"id": {"S": "a"}, "n": {"N": "10"}, "l": {"L": [{"N": "1"}]}, "tags": {"SS": ["x"]}}"#);
        let values: BTreeMap<String, AttributeValue> = BTreeMap::from([
            (":one".to_string(), AttributeValue::N("1.5".into())),
            (":l".to_string(), AttributeValue::L(vec![AttributeValue::N("2".into())])),
            (":t".to_string(), AttributeValue::Ss(vec!["y".into()])),
        ]);
        let mut placeholders = Placeholders::new(None, Some(&values));
        let actions = expression::update(
            "SET n = n - :one, l = list_append(l, :l), fresh = if_not_exists(fresh, :one) ADD tags :t, hits :one REMOVE l[0]",
            &mut placeholders,
        );
        // l twice overlaps: DynamoDB refuses it.
        assert!(actions.is_err());
        let actions = expression::update(
            "SET n = n - :one, fresh = if_not_exists(fresh, :one) ADD tags :t, hits :one REMOVE l[0]",
            &mut placeholders,
        )
        .unwrap();
        let updated = apply(&it, &actions, &["id"]).unwrap();
        assert_eq!(updated["n"], AttributeValue::N("8.5".into()));
        assert_eq!(updated["fresh"], AttributeValue::N("1.5".into()));
        assert_eq!(updated["hits"], AttributeValue::N("1.5".into()));
        assert_eq!(updated["tags"], AttributeValue::Ss(vec!["x".into(), "y".into()]));
        assert_eq!(updated["l"], AttributeValue::L(vec![]));
        let key = expression::update("SET id = :one", &mut placeholders).unwrap();
        assert!(apply(&it, &key, &["id"]).unwrap_err().contains("Cannot update attribute id"));
        let paths = expression::projection("id, l[0]", &mut placeholders).unwrap();
        let kept = project(&it, &paths);
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn exact_decimal_arithmetic() {
        assert_eq!(arithmetic("0.1", "0.2", false).unwrap(), "0.3");
        assert_eq!(arithmetic("10", "10.5", true).unwrap(), "-0.5");
        assert_eq!(arithmetic("-5", "5", false).unwrap(), "0");
        assert_eq!(arithmetic("1e3", "1", false).unwrap(), "1001");
        assert_eq!(
            arithmetic("99999999999999999999999999999999999999", "1", false).unwrap(),
            "100000000000000000000000000000000000000"
        );
        assert_eq!(
            arithmetic("1e20", "1e-18", false).unwrap_err(),
            "Attempting to store more than 38 significant digits in a Number"
        );
        assert_eq!(compare_numbers("-10", "-9"), Some(Ordering::Less));
        assert_eq!(compare_numbers("0.5", "5e-1"), Some(Ordering::Equal));
    }
}
