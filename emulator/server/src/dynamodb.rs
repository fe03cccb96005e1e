//! DynamoDB in memory: tables, and their items by primary key.
//!
//! Served: CreateTable, DescribeTable, DeleteTable, ListTables, PutItem and
//! GetItem, without secondary indexes, conditions or expressions (a request
//! that uses them answers `NotImplemented`); every other operation answers
//! `NotImplemented` from the generated router.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use emulator_generated::dynamodb::error::{ResourceInUseException, ResourceNotFoundException};
use emulator_generated::dynamodb::operation::create_table::{
    CreateTable, CreateTableError, CreateTableInput, CreateTableOutput,
};
use emulator_generated::dynamodb::operation::delete_table::{DeleteTableError, DeleteTableInput, DeleteTableOutput};
use emulator_generated::dynamodb::operation::describe_table::{
    DescribeTableError, DescribeTableInput, DescribeTableOutput,
};
use emulator_generated::dynamodb::operation::get_item::{GetItem, GetItemError, GetItemInput, GetItemOutput};
use emulator_generated::dynamodb::operation::list_tables::{ListTablesError, ListTablesInput, ListTablesOutput};
use emulator_generated::dynamodb::operation::put_item::{PutItem, PutItemError, PutItemInput, PutItemOutput};
use emulator_generated::dynamodb::service::DynamoDb20120810;
use emulator_generated::dynamodb::types::{
    AttributeValue, BillingMode, BillingModeSummary, KeySchemaElement, KeyType, ProvisionedThroughputDescription,
    ReturnValue, ScalarAttributeType, TableDescription, TableStatus,
};
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Operation, UnmodelledError, excerpt};

use crate::ids::Ids;
use crate::{ACCOUNT_ID, REGION, now};

/// The DynamoDB service: tables by name.
pub struct DynamoDb {
    tables: Mutex<BTreeMap<String, Table>>,
    ids: Ids,
}

struct Table {
    /// As CreateTable described it; `ItemCount` is filled in when it is read.
    description: TableDescription,
    key: KeySchema,
    items: BTreeMap<Key, Item>,
}

type Item = BTreeMap<String, AttributeValue>;

impl Table {
    fn describe(&self, status: TableStatus) -> TableDescription {
        TableDescription {
            table_status: Some(status),
            item_count: i64::try_from(self.items.len()).ok(),
            ..self.description.clone()
        }
    }
}

impl DynamoDb {
    pub fn new() -> Self {
        DynamoDb { tables: Mutex::default(), ids: Ids::new() }
    }

    /// Forgets every table.
    pub fn reset(&self) {
        self.tables().clear();
    }

    /// The tables; a handler that panicked while holding them (none should)
    /// does not make them unusable.
    fn tables(&self) -> MutexGuard<'_, BTreeMap<String, Table>> {
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// PutItem's checks that the model does not state and that do not need
    /// the table (its key is checked under the table's lock).
    fn check_put_item(input: &PutItemInput) -> Result<(), Refusal> {
        if input.condition_expression.is_some()
            || input.expected.is_some()
            || input.conditional_operator.is_some()
            || input.expression_attribute_names.is_some()
            || input.expression_attribute_values.is_some()
        {
            return Err(Refusal::Unsupported("conditions"));
        }
        if !matches!(input.return_values, None | Some(ReturnValue::None | ReturnValue::AllOld)) {
            return Err(Refusal::Invalid("Return values set to invalid value".to_string()));
        }
        Ok(())
    }

    /// GetItem's checks that the model does not state and that do not need
    /// the table.
    fn check_get_item(input: &GetItemInput) -> Result<(), Refusal> {
        if input.projection_expression.is_some()
            || input.attributes_to_get.is_some()
            || input.expression_attribute_names.is_some()
        {
            return Err(Refusal::Unsupported("projections"));
        }
        Ok(())
    }

    fn not_found(&self) -> ResourceNotFoundException {
        ResourceNotFoundException { message: Some("Requested resource not found".to_string()) }
    }

    fn table_not_found(&self, name: &str) -> ResourceNotFoundException {
        ResourceNotFoundException { message: Some(format!("Requested resource not found: Table: {name} not found")) }
    }
}

/// The table name in a `TableName` member, which may also be the table's ARN.
fn table_name(name_or_arn: &str) -> &str {
    let Some(rest) = name_or_arn.strip_prefix("arn:aws:dynamodb:") else { return name_or_arn };
    let prefix = format!("{REGION}:{ACCOUNT_ID}:table/");
    rest.strip_prefix(prefix.as_str()).unwrap_or(name_or_arn)
}

/// CreateTable's checks that the model does not state: a table name (its
/// member also accepts ARNs, so the model checks only its length), a key
/// schema whose attributes are defined, and capacity as the billing mode
/// needs it.
fn check_create_table(input: &CreateTableInput) -> Result<(), Refusal> {
    if input.local_secondary_indexes.is_some() || input.global_secondary_indexes.is_some() {
        return Err(Refusal::Unsupported("secondary indexes"));
    }
    let name = table_name(&input.table_name);
    let length = name.chars().count();
    if !(3..=255).contains(&length) {
        return Err(Refusal::Invalid(format!(
            "1 validation error detected. Value with length {length} at '/TableName' failed to satisfy constraint: \
             Member must have length between 3 and 255, inclusive"
        )));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err(Refusal::Invalid(
            "1 validation error detected. Value at '/TableName' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.-]+$"
                .to_string(),
        ));
    }
    KeySchema::declared(input).map_err(Refusal::Invalid)?;
    let provisioned = input.provisioned_throughput.is_some();
    match input.billing_mode.unwrap_or(BillingMode::Provisioned) {
        BillingMode::Provisioned if !provisioned => Err(Refusal::Invalid(
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be \
             specified when BillingMode is PROVISIONED"
                .to_string(),
        )),
        BillingMode::PayPerRequest if provisioned => Err(Refusal::Invalid(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be \
             specified when BillingMode is PAY_PER_REQUEST"
                .to_string(),
        )),
        _ => Ok(()),
    }
}

/// Why DynamoDB refuses a request that the model accepts. The model lists
/// neither answer among the operations' errors (AWS treats
/// `ValidationException` as common to all), so handlers return them as
/// unmodelled errors.
enum Refusal {
    /// `ValidationException` with DynamoDB's message.
    Invalid(String),
    /// `NotImplemented`: the operation is served, but not with this feature.
    Unsupported(&'static str),
}

impl Refusal {
    fn into_error(self, operation: &str) -> UnmodelledError {
        match self {
            Refusal::Invalid(message) => UnmodelledError::client("ValidationException", message),
            Refusal::Unsupported(feature) => UnmodelledError::server(
                "NotImplemented",
                format!("{operation} with {feature} is not implemented by this emulator"),
            )
            .with_status(501),
        }
    }
}

/// A table's primary key: a partition key and an optional sort key.
struct KeySchema {
    partition: KeyAttribute,
    sort: Option<KeyAttribute>,
}

struct KeyAttribute {
    name: String,
    r#type: ScalarAttributeType,
}

impl KeySchema {
    /// The key CreateTable declares, or DynamoDB's message for why it is not one.
    fn declared(input: &CreateTableInput) -> Result<KeySchema, String> {
        let (first, second) = match input.key_schema.as_slice() {
            [first] => (first, None),
            [first, second] => (first, Some(second)),
            _ => return Err("Invalid KeySchema: the key schema has one or two elements".to_string()),
        };
        if first.key_type != KeyType::Hash {
            return Err("Invalid KeySchema: The first KeySchemaElement is not a HASH key type".to_string());
        }
        if let Some(second) = second {
            if second.key_type != KeyType::Range {
                return Err("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type".to_string());
            }
            if second.attribute_name == first.attribute_name {
                return Err(
                    "Both the Hash Key and the Range Key element in the KeySchema have the same name".to_string()
                );
            }
        }
        let attribute = |element: &KeySchemaElement| {
            let definition = input.attribute_definitions.iter().find(|d| d.attribute_name == element.attribute_name);
            definition.map(|d| KeyAttribute { name: d.attribute_name.clone(), r#type: d.attribute_type })
        };
        let (Some(partition), sort) = (attribute(first), second.map(attribute)) else {
            return Err(undefined_keys(input));
        };
        let sort = match sort {
            None => None,
            Some(Some(sort)) => Some(sort),
            Some(None) => return Err(undefined_keys(input)),
        };
        // Without secondary indexes, every defined attribute is a key attribute.
        if input.attribute_definitions.len() != input.key_schema.len() {
            return Err("One or more parameter values were invalid: Number of attributes in KeySchema does not \
                        exactly match number of attributes defined in AttributeDefinitions"
                .to_string());
        }
        Ok(KeySchema { partition, sort })
    }

    fn is_key_attribute(&self, name: &str) -> bool {
        self.partition.name == name || self.sort.as_ref().is_some_and(|sort| sort.name == name)
    }

    /// The key of an item (or of a `Key` member), from its key attributes.
    fn key_of(&self, item: &Item) -> Result<Key, KeyError> {
        let partition = key_value(&self.partition, item)?;
        let sort = match &self.sort {
            Some(sort) => Some(key_value(sort, item)?),
            None => None,
        };
        Ok(Key { partition, sort })
    }
}

fn undefined_keys(input: &CreateTableInput) -> String {
    let keys: Vec<&str> = input.key_schema.iter().map(|k| k.attribute_name.as_str()).collect();
    let defined: Vec<&str> = input.attribute_definitions.iter().map(|d| d.attribute_name.as_str()).collect();
    format!(
        "One or more parameter values were invalid: Some index key attributes are not defined in \
         AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
        keys.join(", "),
        defined.join(", ")
    )
}

fn key_value(attribute: &KeyAttribute, item: &Item) -> Result<KeyValue, KeyError> {
    let name = || attribute.name.clone();
    let value = item.get(&attribute.name).ok_or_else(|| KeyError::Missing(name()))?;
    match (attribute.r#type, value) {
        (ScalarAttributeType::S, AttributeValue::S(text)) if text.is_empty() => Err(KeyError::Empty(name(), "string")),
        (ScalarAttributeType::S, AttributeValue::S(text)) => Ok(KeyValue::S(text.clone())),
        (ScalarAttributeType::N, AttributeValue::N(text)) => {
            Number::parse(text).map(KeyValue::N).ok_or_else(|| KeyError::NotANumber(text.clone()))
        }
        (ScalarAttributeType::B, AttributeValue::B(bytes)) if bytes.as_bytes().is_empty() => {
            Err(KeyError::Empty(name(), "binary"))
        }
        (ScalarAttributeType::B, AttributeValue::B(bytes)) => Ok(KeyValue::B(bytes.as_bytes().to_vec())),
        (expected, actual) => Err(KeyError::Mismatch { name: name(), expected, actual: type_name(actual) }),
    }
}

/// An attribute value's type, as DynamoDB names it.
fn type_name(value: &AttributeValue) -> &'static str {
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

/// Why attributes do not make a key.
enum KeyError {
    Missing(String),
    Mismatch { name: String, expected: ScalarAttributeType, actual: &'static str },
    Empty(String, &'static str),
    NotANumber(String),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::Missing(name) => write!(f, "Missing the key {name}"),
            KeyError::Mismatch { name, expected, actual } => {
                write!(f, "Type mismatch for key {name} expected: {expected} actual: {actual}")
            }
            KeyError::Empty(name, kind) => write!(
                f,
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain \
                 an empty {kind} value. Key: {name}"
            ),
            KeyError::NotANumber(text) => {
                write!(f, "The parameter cannot be converted to a numeric value: {}", excerpt(text))
            }
        }
    }
}

/// PutItem's answer to an item whose attributes do not make its table's key.
fn item_key_refusal(error: KeyError) -> Refusal {
    Refusal::Invalid(match error {
        KeyError::Missing(name) => {
            format!("One or more parameter values were invalid: Missing the key {name} in the item")
        }
        KeyError::Mismatch { name, expected, actual } => format!(
            "One or more parameter values were invalid: Type mismatch for key {name} expected: {expected} actual: {actual}"
        ),
        error => error.to_string(),
    })
}

/// GetItem's answer to a `Key` that is not its table's key.
fn key_refusal(error: KeyError) -> Refusal {
    Refusal::Invalid(match error {
        KeyError::Missing(_) | KeyError::Mismatch { .. } => {
            "The provided key element does not match the schema".to_string()
        }
        error => error.to_string(),
    })
}

/// A primary key's value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    partition: KeyValue,
    sort: Option<KeyValue>,
}

/// A key attribute's value; two keys are the same item when these are equal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum KeyValue {
    S(String),
    N(Number),
    B(Vec<u8>),
}

/// A DynamoDB number in a canonical form, so that `1`, `1.0` and `10E-1`
/// are one key: its sign, its significant digits without leading or
/// trailing zeros, and the exponent that makes `0.<digits>` its magnitude.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Number {
    negative: bool,
    exponent: i32,
    digits: String,
}

impl Number {
    /// A number as DynamoDB accepts one: decimal, with an optional sign,
    /// fraction and exponent, at most 38 significant digits, and a magnitude
    /// from 1E-130 to under 1E+126 (or zero).
    fn parse(text: &str) -> Option<Number> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
            None => (unsigned, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if (whole.is_empty() && fraction.is_empty())
            || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let all = [whole, fraction].concat();
        let significant = all.trim_start_matches('0');
        let digits = significant.trim_end_matches('0');
        if digits.is_empty() {
            return Some(Number { negative: false, exponent: 0, digits: String::new() });
        }
        let leading_zeros = i32::try_from(all.len() - significant.len()).ok()?;
        let exponent = i32::try_from(whole.len()).ok()?.checked_sub(leading_zeros)?.checked_add(exponent)?;
        let in_range = digits.len() <= 38 && (-129..=126).contains(&exponent);
        in_range.then(|| Number { negative, exponent, digits: digits.to_string() })
    }
}

impl DynamoDb20120810 for DynamoDb {
    async fn create_table(
        &self,
        _context: &RequestContext,
        input: CreateTableInput,
    ) -> Result<CreateTableOutput, CreateTableError> {
        check_create_table(&input).map_err(|refusal| refusal.into_error(CreateTable::NAME))?;
        let key =
            KeySchema::declared(&input).map_err(|message| Refusal::Invalid(message).into_error(CreateTable::NAME))?;
        let name = table_name(&input.table_name).to_string();
        let mut tables = self.tables();
        if tables.contains_key(&name) {
            return Err(ResourceInUseException { message: Some(format!("Table already exists: {name}")) }.into());
        }
        let now = now();
        let capacity = input.provisioned_throughput.as_ref();
        let description = TableDescription {
            table_name: Some(name.clone()),
            attribute_definitions: Some(input.attribute_definitions),
            key_schema: Some(input.key_schema),
            table_status: Some(TableStatus::Active),
            creation_date_time: now,
            provisioned_throughput: Some(ProvisionedThroughputDescription {
                number_of_decreases_today: Some(0),
                read_capacity_units: Some(capacity.map_or(0, |c| c.read_capacity_units)),
                write_capacity_units: Some(capacity.map_or(0, |c| c.write_capacity_units)),
                ..Default::default()
            }),
            table_size_bytes: Some(0),
            item_count: Some(0),
            table_arn: Some(format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}")),
            table_id: Some(self.ids.uuid()),
            billing_mode_summary: input.billing_mode.map(|mode| BillingModeSummary {
                billing_mode: Some(mode),
                last_update_to_pay_per_request_date_time: if mode == BillingMode::PayPerRequest { now } else { None },
            }),
            deletion_protection_enabled: Some(input.deletion_protection_enabled.unwrap_or(false)),
            ..Default::default()
        };
        let table = Table { description, key, items: BTreeMap::new() };
        let described = table.describe(TableStatus::Active);
        tables.insert(name, table);
        Ok(CreateTableOutput { table_description: Some(described) })
    }

    async fn describe_table(
        &self,
        _context: &RequestContext,
        input: DescribeTableInput,
    ) -> Result<DescribeTableOutput, DescribeTableError> {
        let name = table_name(&input.table_name);
        match self.tables().get(name) {
            Some(table) => Ok(DescribeTableOutput { table: Some(table.describe(TableStatus::Active)) }),
            None => Err(self.table_not_found(name).into()),
        }
    }

    async fn delete_table(
        &self,
        _context: &RequestContext,
        input: DeleteTableInput,
    ) -> Result<DeleteTableOutput, DeleteTableError> {
        let name = table_name(&input.table_name);
        match self.tables().remove(name) {
            Some(table) => Ok(DeleteTableOutput { table_description: Some(table.describe(TableStatus::Deleting)) }),
            None => Err(self.table_not_found(name).into()),
        }
    }

    async fn list_tables(
        &self,
        _context: &RequestContext,
        input: ListTablesInput,
    ) -> Result<ListTablesOutput, ListTablesError> {
        // The model limits `Limit` to 1..=100; 100 is DynamoDB's default.
        let limit = input.limit.and_then(|limit| usize::try_from(limit).ok()).unwrap_or(100);
        let start = input.exclusive_start_table_name.as_deref();
        let tables = self.tables();
        let mut names: Vec<String> = tables
            .keys()
            .filter(|name| start.is_none_or(|start| name.as_str() > start))
            .take(limit + 1)
            .cloned()
            .collect();
        let more = names.len() > limit;
        names.truncate(limit);
        let last_evaluated_table_name = if more { names.last().cloned() } else { None };
        Ok(ListTablesOutput { table_names: Some(names), last_evaluated_table_name })
    }

    async fn put_item(&self, _context: &RequestContext, input: PutItemInput) -> Result<PutItemOutput, PutItemError> {
        Self::check_put_item(&input).map_err(|refusal| refusal.into_error(PutItem::NAME))?;
        let mut tables = self.tables();
        let Some(table) = tables.get_mut(table_name(&input.table_name)) else {
            return Err(self.not_found().into());
        };
        let key = table.key.key_of(&input.item).map_err(|error| item_key_refusal(error).into_error(PutItem::NAME))?;
        let old = table.items.insert(key, input.item);
        let attributes = if input.return_values == Some(ReturnValue::AllOld) { old } else { None };
        Ok(PutItemOutput { attributes, ..Default::default() })
    }

    async fn get_item(&self, _context: &RequestContext, input: GetItemInput) -> Result<GetItemOutput, GetItemError> {
        Self::check_get_item(&input).map_err(|refusal| refusal.into_error(GetItem::NAME))?;
        let tables = self.tables();
        let Some(table) = tables.get(table_name(&input.table_name)) else {
            return Err(self.not_found().into());
        };
        // A `Key` names the key attributes and nothing else.
        let extra = input.key.keys().any(|name| !table.key.is_key_attribute(name));
        let key = match table.key.key_of(&input.key) {
            Ok(key) if !extra => key,
            Ok(_) => return Err(key_refusal(KeyError::Missing(String::new())).into_error(GetItem::NAME).into()),
            Err(error) => return Err(key_refusal(error).into_error(GetItem::NAME).into()),
        };
        Ok(GetItemOutput { item: table.items.get(&key).cloned(), ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn numbers_that_are_equal_are_one_key() {
        let same = ["1", "1.0", "+1", "10E-1", "0.1e1", "001.000", "1e0"];
        for text in same {
            assert_eq!(Number::parse(text), Number::parse("1"), "{text}");
        }
        assert_eq!(Number::parse("-0"), Number::parse("0.000"));
        assert_eq!(Number::parse("0.05"), Number::parse("5E-2"));
        assert_ne!(Number::parse("-1"), Number::parse("1"));
        assert_ne!(Number::parse("10"), Number::parse("1"));
    }

    #[test]
    fn what_is_not_a_number() {
        for text in
            ["", ".", "-", "+", "e5", "1e", "1.2.3", " 1", "1 ", "NaN", "Infinity", "0x10", "1e99999999999", "1E126"]
        {
            assert_eq!(Number::parse(text), None, "{text:?}");
        }
        assert!(Number::parse(&"9".repeat(38)).is_some());
        assert_eq!(Number::parse(&"9".repeat(39)), None, "39 significant digits");
        assert!(Number::parse("1E-130").is_some());
        assert_eq!(Number::parse("1E-131"), None);
    }
}
