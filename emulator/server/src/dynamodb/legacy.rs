//! The parameters that expressions replaced: `Expected`, `AttributeUpdates`,
//! `KeyConditions`, `QueryFilter`, `ScanFilter`, `ConditionalOperator` and
//! `AttributesToGet`. DynamoDB still serves them and older clients still
//! send them (the Java SDK's v1 mapper among them), so each is read into
//! the expression it stands for, with DynamoDB's messages for what it
//! refuses, and one evaluator serves both kinds.

use std::collections::{BTreeMap, BTreeSet};

use emulator_generated::dynamodb::types::{
    AttributeAction, AttributeValue, AttributeValueUpdate, ComparisonOperator, Condition as Filter,
    ConditionalOperator, ExpectedAttributeValue,
};

use super::eval;
use super::expression::{Action, Comparator, Condition, Operand, Path, Placeholders, SetValue, Step};
use super::item;

/// DynamoDB's message for a refused parameter.
type Refused = String;

const INVALID: &str = "One or more parameter values were invalid:";

/// Checks that a request names parameters of one kind only, and the
/// placeholders only with expressions. `expressions` and `legacy` are the
/// operation's parameters of each kind, in DynamoDB's order, with whether
/// the request gave each.
pub fn check_kinds(
    placeholders: &Placeholders<'_>,
    expressions: &[(&str, bool)],
    legacy: &[(&str, bool)],
) -> Result<(), Refused> {
    let given = |parameters: &[(&str, bool)]| -> Vec<String> {
        parameters.iter().filter(|(_, given)| *given).map(|(name, _)| name.to_string()).collect()
    };
    let (expressions_given, legacy_given) = (given(expressions), given(legacy));
    if !expressions_given.is_empty() && !legacy_given.is_empty() {
        return Err(format!(
            "Can not use both expression and non-expression parameters in the same request: \
             Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
            legacy_given.join(", "),
            expressions_given.join(", ")
        ));
    }
    let (names, values) = placeholders.given();
    if names.is_some() && expressions_given.is_empty() {
        return Err("ExpressionAttributeNames can only be specified when using expressions".to_string());
    }
    // Projections name attributes; only the other expressions use values.
    let valued: Vec<&str> =
        expressions.iter().map(|(name, _)| *name).filter(|name| *name != "ProjectionExpression").collect();
    let valued_given = expressions.iter().any(|(name, given)| *given && *name != "ProjectionExpression");
    if values.is_some() && !valued_given {
        let verb = if valued.len() > 1 { "are" } else { "is" };
        return Err(format!(
            "ExpressionAttributeValues can only be specified when using expressions: {} {verb} null",
            valued.join(" and ")
        ));
    }
    if names == Some(0) {
        return Err("ExpressionAttributeNames must not be empty".to_string());
    }
    if values == Some(0) {
        return Err("ExpressionAttributeValues must not be empty".to_string());
    }
    Ok(())
}

/// The condition an `Expected` map states, its entries joined by
/// `ConditionalOperator` (`AND` unless told).
pub fn expected(
    expected: Option<&BTreeMap<String, ExpectedAttributeValue>>,
    operator: Option<ConditionalOperator>,
) -> Result<Option<Condition>, Refused> {
    let Some(expected) = expected else { return Ok(None) };
    let mut conditions = Vec::with_capacity(expected.len());
    for (name, entry) in expected {
        conditions.push(expectation(name, entry)?);
    }
    Ok(joined(conditions, operator))
}

fn expectation(name: &str, entry: &ExpectedAttributeValue) -> Result<Condition, Refused> {
    if entry.attribute_value_list.is_some() && entry.value.is_some() {
        return Err(format!("{INVALID} Value and AttributeValueList cannot be used together for Attribute: {name}"));
    }
    if let Some(operator) = entry.comparison_operator {
        if entry.exists.is_some() {
            return Err(format!(
                "{INVALID} Exists and ComparisonOperator cannot be used together for Attribute: {name}"
            ));
        }
        let values = match (&entry.attribute_value_list, &entry.value) {
            (Some(list), _) => list.as_slice(),
            (None, Some(value)) => std::slice::from_ref(value),
            (None, None) if matches!(operator, ComparisonOperator::Null | ComparisonOperator::NotNull) => &[],
            (None, None) => {
                return Err(format!(
                    "{INVALID} Value or AttributeValueList must be used with ComparisonOperator: {} for Attribute: {name}",
                    operator.as_str()
                ));
            }
        };
        return comparison(name, operator, values);
    }
    if entry.attribute_value_list.is_some() {
        return Err(format!(
            "{INVALID} AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}"
        ));
    }
    let path = vec![Step::Name(name.to_string())];
    match (entry.exists, &entry.value) {
        (None | Some(true), Some(value)) => {
            checked(value)?;
            Ok(Condition::Compare(Operand::Path(path), Comparator::Eq, Operand::Value(value.clone())))
        }
        (Some(false), None) => Ok(Condition::NotExists(path)),
        (Some(false), Some(_)) => {
            Err(format!("{INVALID} Value cannot be used when Exists is false for Attribute: {name}"))
        }
        (exists, None) => Err(format!(
            "{INVALID} Value must be provided when Exists is {} for Attribute: {name}",
            if exists.is_some() { "true" } else { "null" }
        )),
    }
}

/// The condition a `QueryFilter` or `ScanFilter` states, its entries joined
/// by `ConditionalOperator` (`AND` unless told).
pub fn filter(
    filter: Option<&BTreeMap<String, Filter>>,
    operator: Option<ConditionalOperator>,
) -> Result<Option<Condition>, Refused> {
    let Some(filter) = filter else { return Ok(None) };
    let mut conditions = Vec::with_capacity(filter.len());
    for (name, entry) in filter {
        let values = entry.attribute_value_list.as_deref().unwrap_or_default();
        conditions.push(comparison(name, entry.comparison_operator, values)?);
    }
    Ok(joined(conditions, operator))
}

/// The key condition `KeyConditions` states: one or two conditions, on key
/// attributes, with operators an index can answer (the table's schema is
/// checked as a `KeyConditionExpression`'s is).
pub fn key_conditions(conditions: &BTreeMap<String, Filter>) -> Result<Condition, Refused> {
    if !(1..=2).contains(&conditions.len()) {
        return Err("Conditions can be of length 1 or 2 only".to_string());
    }
    let mut parts = Vec::with_capacity(2);
    for (name, entry) in conditions {
        use ComparisonOperator as Op;
        let values = entry.attribute_value_list.as_deref().unwrap_or_default();
        let condition = comparison(name, entry.comparison_operator, values)?;
        if matches!(
            entry.comparison_operator,
            Op::Null | Op::NotNull | Op::Ne | Op::Contains | Op::NotContains | Op::In
        ) {
            return Err("Attempted conditional constraint is not an indexable operation".to_string());
        }
        parts.push(condition);
    }
    Ok(joined(parts, None).expect("one or two conditions"))
}

/// The condition one legacy comparison states of attribute `name`, its
/// values checked as DynamoDB checks them.
fn comparison(name: &str, operator: ComparisonOperator, values: &[AttributeValue]) -> Result<Condition, Refused> {
    use ComparisonOperator as Op;
    for value in values {
        checked(value)?;
    }
    let arguments_fit = match operator {
        Op::Null | Op::NotNull => values.is_empty(),
        Op::In => !values.is_empty(),
        Op::Between => values.len() == 2,
        _ => values.len() == 1,
    };
    if !arguments_fit {
        return Err(format!(
            "{INVALID} Invalid number of argument(s) for the {} ComparisonOperator",
            operator.as_str()
        ));
    }
    if let Some(first) = values.first() {
        let kind = eval::type_name(first);
        if values.iter().any(|value| eval::type_name(value) != kind) {
            return Err(format!("{INVALID} AttributeValues inside AttributeValueList must be of same type"));
        }
        let scalar = matches!(kind, "S" | "N" | "B");
        let fits = match operator {
            Op::Eq | Op::Ne => true,
            Op::Contains | Op::NotContains => scalar || matches!(kind, "BOOL" | "NULL"),
            Op::BeginsWith => matches!(kind, "S" | "B"),
            _ => scalar,
        };
        if !fits {
            return Err(format!(
                "{INVALID} ComparisonOperator {} is not valid for {kind} AttributeValue type",
                operator.as_str()
            ));
        }
    }
    let path = || Operand::Path(vec![Step::Name(name.to_string())]);
    let value = |i: usize| Operand::Value(values[i].clone());
    let compare = |comparator| Condition::Compare(path(), comparator, value(0));
    Ok(match operator {
        Op::Eq => compare(Comparator::Eq),
        Op::Ne => compare(Comparator::Ne),
        Op::Lt => compare(Comparator::Lt),
        Op::Le => compare(Comparator::Le),
        Op::Gt => compare(Comparator::Gt),
        Op::Ge => compare(Comparator::Ge),
        Op::Null => Condition::NotExists(vec![Step::Name(name.to_string())]),
        Op::NotNull => Condition::Exists(vec![Step::Name(name.to_string())]),
        Op::Contains => Condition::Contains(path(), value(0)),
        Op::NotContains => Condition::Not(Box::new(Condition::Contains(path(), value(0)))),
        Op::BeginsWith => Condition::BeginsWith(path(), value(0)),
        Op::In => Condition::In(path(), (0..values.len()).map(value).collect()),
        Op::Between => {
            if eval::order(&values[0], &values[1]) == Some(std::cmp::Ordering::Greater) {
                return Err("The BETWEEN condition was provided a range where the lower bound is greater than the \
                            upper bound"
                    .to_string());
            }
            Condition::Between(path(), value(0), value(1))
        }
    })
}

/// `conditions` joined by `operator`, or none.
fn joined(conditions: Vec<Condition>, operator: Option<ConditionalOperator>) -> Option<Condition> {
    conditions.into_iter().reduce(|a, b| match operator {
        Some(ConditionalOperator::Or) => Condition::Or(Box::new(a), Box::new(b)),
        _ => Condition::And(Box::new(a), Box::new(b)),
    })
}

/// The update actions an `AttributeUpdates` map states.
pub fn updates(updates: &BTreeMap<String, AttributeValueUpdate>) -> Result<Vec<Action>, Refused> {
    let mut actions = Vec::with_capacity(updates.len());
    for (name, update) in updates {
        let path: Path = vec![Step::Name(name.to_string())];
        let action = update.action.unwrap_or(AttributeAction::Put);
        let Some(value) = &update.value else {
            if action != AttributeAction::Delete {
                return Err(format!("{INVALID} Only DELETE action is allowed when no attribute value is specified"));
            }
            actions.push(Action::Remove(path));
            continue;
        };
        checked(value)?;
        let kind = eval::type_name(value);
        actions.push(match action {
            AttributeAction::Put => Action::Set(path, SetValue::Operand(Operand::Value(value.clone()))),
            AttributeAction::Delete if matches!(kind, "SS" | "NS" | "BS") => Action::Delete(path, value.clone()),
            AttributeAction::Delete => {
                return Err(format!("{INVALID} DELETE action with value is not supported for the type {kind}"));
            }
            // ADD appends to a list (which an update expression's ADD does not).
            AttributeAction::Add if kind == "L" => {
                let empty = SetValue::Operand(Operand::Value(AttributeValue::L(Vec::new())));
                let old = SetValue::IfNotExists(path.clone(), Box::new(empty));
                let added = SetValue::Operand(Operand::Value(value.clone()));
                Action::Set(path, SetValue::ListAppend(Box::new(old), Box::new(added)))
            }
            AttributeAction::Add if matches!(kind, "N" | "SS" | "NS" | "BS") => Action::Add(path, value.clone()),
            AttributeAction::Add => {
                return Err(format!("{INVALID} ADD action is not supported for the type {kind}"));
            }
        });
    }
    Ok(actions)
}

/// The projection `AttributesToGet` states: top-level attributes, each
/// named once.
pub fn attributes_to_get(names: &[String]) -> Result<Vec<Path>, Refused> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name.as_str()) {
            return Err(format!("{INVALID} Duplicate value in attribute name: {name}"));
        }
    }
    Ok(names.iter().map(|name| vec![Step::Name(name.clone())]).collect())
}

/// A read's projection, its placeholders all used: its
/// `ProjectionExpression`, or its `AttributesToGet`, or none.
pub fn projection(
    expression: Option<&str>,
    attributes: Option<&[String]>,
    placeholders: &mut Placeholders<'_>,
) -> Result<Option<Vec<Path>>, Refused> {
    check_kinds(
        placeholders,
        &[("ProjectionExpression", expression.is_some())],
        &[("AttributesToGet", attributes.is_some())],
    )?;
    let projection = match (expression, attributes) {
        (Some(text), _) => Some(super::expression::projection(text, placeholders)?),
        (None, Some(names)) => Some(attributes_to_get(names)?),
        (None, None) => None,
    };
    placeholders.check_unused()?;
    Ok(projection)
}

/// A value checked as DynamoDB checks one in a request.
fn checked(value: &AttributeValue) -> Result<(), Refused> {
    item::check_value_alone(value)
}
