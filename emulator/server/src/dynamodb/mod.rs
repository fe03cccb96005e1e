//! DynamoDB: tables, and their items by primary key, in memory or, with
//! `--data-dir`, on disk too.
//!
//! Served: tables (CreateTable, DescribeTable, DeleteTable, ListTables;
//! UpdateTable, time to live and tags: [`tables`]),
//! items one at a time (PutItem, GetItem, UpdateItem, DeleteItem: [`write`]),
//! Query and Scan ([`read`]), batches and transactions ([`batch`]), with
//! DynamoDB's expression language ([`expression`], [`eval`]): conditions,
//! filters, key conditions, updates and projections; global and local
//! secondary indexes ([`index`]) that Query and Scan read; the parameters
//! that expressions replaced (`Expected`, `AttributeUpdates`,
//! `KeyConditions`...: [`legacy`]). Items are checked as DynamoDB checks them ([`item`])
//! and charged to the state budget; an account has at most 2,500 tables,
//! AWS's default quota.

mod batch;
mod capacity;
mod eval;
mod expression;
mod index;
mod item;
mod legacy;
mod read;
mod reserved;
mod tables;
mod write;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use emulator_generated::dynamodb::error::{LimitExceededException, ResourceInUseException, ResourceNotFoundException};
use emulator_generated::dynamodb::operation::batch_get_item::{
    BatchGetItemError, BatchGetItemInput, BatchGetItemOutput,
};
use emulator_generated::dynamodb::operation::batch_write_item::{
    BatchWriteItemError, BatchWriteItemInput, BatchWriteItemOutput,
};
use emulator_generated::dynamodb::operation::create_table::{CreateTableError, CreateTableInput, CreateTableOutput};
use emulator_generated::dynamodb::operation::delete_item::{DeleteItemError, DeleteItemInput, DeleteItemOutput};
use emulator_generated::dynamodb::operation::delete_table::{DeleteTableError, DeleteTableInput, DeleteTableOutput};
use emulator_generated::dynamodb::operation::describe_table::{
    DescribeTableError, DescribeTableInput, DescribeTableOutput,
};
use emulator_generated::dynamodb::operation::describe_time_to_live::{
    DescribeTimeToLiveError, DescribeTimeToLiveInput, DescribeTimeToLiveOutput,
};
use emulator_generated::dynamodb::operation::get_item::{GetItemError, GetItemInput, GetItemOutput};
use emulator_generated::dynamodb::operation::list_tables::{ListTablesError, ListTablesInput, ListTablesOutput};
use emulator_generated::dynamodb::operation::list_tags_of_resource::{
    ListTagsOfResourceError, ListTagsOfResourceInput, ListTagsOfResourceOutput,
};
use emulator_generated::dynamodb::operation::put_item::{PutItemError, PutItemInput, PutItemOutput};
use emulator_generated::dynamodb::operation::query::{QueryError, QueryInput, QueryOutput};
use emulator_generated::dynamodb::operation::scan::{ScanError, ScanInput, ScanOutput};
use emulator_generated::dynamodb::operation::tag_resource::{TagResourceError, TagResourceInput};
use emulator_generated::dynamodb::operation::transact_get_items::{
    TransactGetItemsError, TransactGetItemsInput, TransactGetItemsOutput,
};
use emulator_generated::dynamodb::operation::transact_write_items::{
    TransactWriteItemsError, TransactWriteItemsInput, TransactWriteItemsOutput,
};
use emulator_generated::dynamodb::operation::untag_resource::{UntagResourceError, UntagResourceInput};
use emulator_generated::dynamodb::operation::update_item::{UpdateItemError, UpdateItemInput, UpdateItemOutput};
use emulator_generated::dynamodb::operation::update_table::{UpdateTableError, UpdateTableInput, UpdateTableOutput};
use emulator_generated::dynamodb::operation::update_time_to_live::{
    UpdateTimeToLiveError, UpdateTimeToLiveInput, UpdateTimeToLiveOutput,
};
use emulator_generated::dynamodb::service::DynamoDb20120810;
use emulator_generated::dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, BillingModeSummary, ConditionalOperator, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, LocalSecondaryIndex, ProvisionedThroughputDescription, ReturnValue, ScalarAttributeType,
    Select, StreamSpecification, TableClassSummary, TableDescription, TableStatus,
};
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Timestamp, Unit, UnmodelledError};
use serde::{Deserialize, Serialize};

use crate::ids::Ids;
use crate::quota::{Budget, Charge};
use crate::store::{Change, Pending, Store, StoreError};
use crate::{ACCOUNT_ID, REGION, now};
use capacity::Consumed;
use expression::Placeholders;
use item::{Item, Number};
use write::Unwritten;

/// The name of the service's records.
const SERVICE: &str = "dynamodb";
/// The most tables an account has (AWS's default quota per region).
const MAX_TABLES: usize = 2_500;
/// What a kept item costs beyond its size: its key and the map's entry.
const ITEM_OVERHEAD: usize = 96;

/// The DynamoDB service: tables by name.
pub struct DynamoDb {
    tables: Mutex<BTreeMap<String, Table>>,
    ids: Ids,
    /// When expired items were last deleted, in seconds since the epoch.
    swept: AtomicI64,
    store: Arc<Store>,
    budget: Arc<Budget>,
}

struct Table {
    /// What CreateTable and later changes made it; the rest is made of it.
    record: TableRecord,
    /// As its record describes it; `ItemCount` and `TableSizeBytes` are
    /// filled in when it is read.
    description: TableDescription,
    key: KeySchema,
    indexes: Vec<index::Index>,
    items: BTreeMap<Key, Kept>,
    /// The size of its items, as DynamoDB counts them.
    bytes: usize,
}

/// An item, its size and its share of the state budget.
struct Kept {
    item: Item,
    size: usize,
    _charge: Charge,
}

/// A table as its record keeps it: what CreateTable was given, what it
/// made, and what UpdateTable, UpdateTimeToLive and the tag operations
/// changed.
#[derive(Clone, Serialize, Deserialize)]
struct TableRecord {
    /// Attribute names and types (`S`, `N`, `B`).
    attributes: Vec<(String, String)>,
    /// Key attribute names and types (`HASH`, `RANGE`).
    key: Vec<(String, String)>,
    billing_mode: Option<String>,
    capacity: Option<(i64, i64)>,
    /// Seconds and nanoseconds since the epoch.
    created: (i64, u32),
    id: String,
    deletion_protection: bool,
    #[serde(default)]
    global_indexes: Vec<GlobalSecondaryIndex>,
    #[serde(default)]
    local_indexes: Vec<LocalSecondaryIndex>,
    /// The attribute whose time to live expires an item, when enabled.
    #[serde(default)]
    ttl: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    #[serde(default)]
    table_class: Option<String>,
    /// The stream's view type and label (its creation time), when enabled.
    #[serde(default)]
    stream: Option<(String, String)>,
}

impl Table {
    fn describe(&self, status: TableStatus) -> TableDescription {
        let counts: Vec<(usize, usize)> = self
            .indexes
            .iter()
            .map(|index| {
                let held = index.partitions.values().flatten().filter_map(|key| self.items.get(key));
                held.fold((0, 0), |(count, bytes), kept| (count + 1, bytes + kept.size))
            })
            .collect();
        let name = self.description.table_name.clone().unwrap_or_default();
        let capacity = self
            .description
            .provisioned_throughput
            .as_ref()
            .map(|p| (p.read_capacity_units.unwrap_or(0), p.write_capacity_units.unwrap_or(0)));
        let (global, local) = index::describe(&name, &self.indexes, &counts, capacity);
        TableDescription {
            table_status: Some(status),
            item_count: i64::try_from(self.items.len()).ok(),
            table_size_bytes: i64::try_from(self.bytes).ok(),
            global_secondary_indexes: global,
            local_secondary_indexes: local,
            ..self.description.clone()
        }
    }

    /// The index `name`, or DynamoDB's message for its absence.
    fn index(&self, name: &str) -> Result<&index::Index, UnmodelledError> {
        self.indexes.iter().find(|index| index.name == name).ok_or_else(|| {
            invalid(format!(
                "The table does not have the specified index: {}",
                emulator_generated::runtime::excerpt(name)
            ))
        })
    }
}

impl TableRecord {
    /// Its attribute definitions.
    fn definitions(&self) -> Option<Vec<AttributeDefinition>> {
        self.attributes
            .iter()
            .map(|(name, kind)| {
                Some(AttributeDefinition { attribute_name: name.clone(), attribute_type: kind.parse().ok()? })
            })
            .collect()
    }

    /// The table `name` this record describes, without items.
    fn table(&self, name: &str) -> Option<Table> {
        let attribute_definitions = self.definitions()?;
        let attribute_definitions_kept = attribute_definitions.clone();
        let key_schema: Vec<KeySchemaElement> = self
            .key
            .iter()
            .map(|(name, kind)| Some(KeySchemaElement { attribute_name: name.clone(), key_type: kind.parse().ok()? }))
            .collect::<Option<_>>()?;
        let key = KeySchema::of(&key_schema, &attribute_definitions).ok()?;
        let created = Timestamp::from_parts(self.created.0, self.created.1);
        let billing_mode: Option<BillingMode> = match &self.billing_mode {
            Some(mode) => Some(mode.parse().ok()?),
            None => None,
        };
        let description = TableDescription {
            table_name: Some(name.to_string()),
            attribute_definitions: Some(attribute_definitions),
            key_schema: Some(key_schema),
            table_status: Some(TableStatus::Active),
            creation_date_time: created,
            provisioned_throughput: Some(ProvisionedThroughputDescription {
                number_of_decreases_today: Some(0),
                read_capacity_units: Some(self.capacity.map_or(0, |c| c.0)),
                write_capacity_units: Some(self.capacity.map_or(0, |c| c.1)),
                ..Default::default()
            }),
            table_arn: Some(format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}")),
            table_id: Some(self.id.clone()),
            billing_mode_summary: billing_mode.map(|mode| BillingModeSummary {
                billing_mode: Some(mode),
                last_update_to_pay_per_request_date_time: if mode == BillingMode::PayPerRequest {
                    created
                } else {
                    None
                },
            }),
            deletion_protection_enabled: Some(self.deletion_protection),
            table_class_summary: match &self.table_class {
                Some(class) => Some(TableClassSummary { table_class: Some(class.parse().ok()?), ..Default::default() }),
                None => None,
            },
            ..Default::default()
        };
        let description = match &self.stream {
            Some((view, label)) => TableDescription {
                stream_specification: Some(StreamSpecification {
                    stream_enabled: true,
                    stream_view_type: Some(view.parse().ok()?),
                }),
                latest_stream_arn: Some(format!("{}/stream/{label}", description.table_arn.as_deref()?)),
                latest_stream_label: Some(label.clone()),
                ..description
            },
            None => description,
        };
        let indexes =
            index::declared(&key, &attribute_definitions_kept, &self.global_indexes, &self.local_indexes).ok()?;
        Some(Table { record: self.clone(), description, key, indexes, items: BTreeMap::new(), bytes: 0 })
    }
}

impl DynamoDb {
    /// The service, with the tables and items an earlier run left in
    /// `store`, charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let mut tables = BTreeMap::new();
        let records = store.records(SERVICE)?;
        for record in records.iter().filter(|record| record.kind == "table") {
            let table = serde_json::from_slice::<TableRecord>(&record.value)
                .ok()
                .and_then(|kept| kept.table(&record.key))
                .ok_or_else(|| StoreError::corrupt("a DynamoDB table"))?;
            tables.insert(record.key.clone(), table);
        }
        for record in records.iter().filter(|record| record.kind == "item") {
            let corrupt = || StoreError::corrupt("a DynamoDB item");
            let (name, _) = record.key.split_once('/').ok_or_else(corrupt)?;
            let table = tables.get_mut(name).ok_or_else(corrupt)?;
            let value: serde_json::Value = serde_json::from_slice(&record.value).map_err(|_| corrupt())?;
            let item = item::from_json(&value).ok_or_else(corrupt)?;
            let key = table.key.key_of(&item).map_err(|_| corrupt())?;
            let size = item::check_item(&item).map_err(|_| corrupt())?;
            let charge = budget.charge(size + ITEM_OVERHEAD).map_err(|_| corrupt())?;
            table.bytes += size;
            table.items.insert(key, Kept { item, size, _charge: charge });
        }
        for table in tables.values_mut() {
            table.index_all();
        }
        Ok(DynamoDb { tables: Mutex::new(tables), ids: Ids::new(), swept: AtomicI64::new(0), store, budget })
    }

    /// Forgets every table.
    pub fn reset(&self) {
        self.tables().clear();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "DynamoDB could not forget its state");
        }
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(unkept)
    }

    /// The tables, without the items whose time to live has passed; a
    /// handler that panicked while holding them (none should) does not make
    /// them unusable.
    fn tables(&self) -> MutexGuard<'_, BTreeMap<String, Table>> {
        let mut tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        self.expire(&mut tables);
        tables
    }

    fn table_not_found(&self, name: &str) -> ResourceNotFoundException {
        ResourceNotFoundException { message: Some(format!("Requested resource not found: Table: {name} not found")) }
    }
}

/// DynamoDB's `ResourceNotFoundException` for a table (or index) that is
/// not there.
fn not_found() -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some("Requested resource not found".to_string()) }
}

/// What a batch or transaction consumed, table by table, as `asked`.
fn answer_by_table(
    consumed: &batch::ByTable,
    asked: Option<emulator_generated::dynamodb::types::ReturnConsumedCapacity>,
) -> Option<Vec<emulator_generated::dynamodb::types::ConsumedCapacity>> {
    capacity::asked(asked).then(|| consumed.iter().filter_map(|(name, c)| c.answer(name, asked)).collect())
}

/// DynamoDB's answer to a change its store could not keep.
fn unkept(e: StoreError) -> UnmodelledError {
    tracing::error!(%e, "DynamoDB could not keep its state");
    UnmodelledError::server("InternalServerError", "Internal server error").with_status(500)
}

/// Once a call has released the tables: its change on disk.
async fn durable(pending: Pending) -> Result<(), UnmodelledError> {
    pending.durable().await.map_err(unkept)
}

/// A `ValidationException` with DynamoDB's message.
fn invalid(message: impl Into<String>) -> UnmodelledError {
    UnmodelledError::client("ValidationException", message)
}

/// What Query and Scan share: their filter and projection (as expressions,
/// or as the legacy `QueryFilter`/`ScanFilter` and `AttributesToGet`),
/// `Select` and `Limit`, checked as DynamoDB checks them.
fn reading_parts(
    filter: Option<&str>,
    projection: Option<&str>,
    legacy: Legacy<'_>,
    select: Option<Select>,
    indexed: bool,
    placeholders: &mut Placeholders<'_>,
) -> Result<(Option<expression::Condition>, Option<Vec<expression::Path>>), UnmodelledError> {
    let filter = match filter {
        Some(text) => Some(expression::condition("FilterExpression", text, placeholders).map_err(invalid)?),
        None => legacy::filter(legacy.filter, legacy.operator).map_err(invalid)?,
    };
    let projection = match (projection, legacy.attributes) {
        (Some(text), _) => Some(expression::projection(text, placeholders).map_err(invalid)?),
        (None, Some(names)) => Some(legacy::attributes_to_get(names).map_err(invalid)?),
        (None, None) => None,
    };
    match (select, &projection) {
        (Some(Select::AllAttributes | Select::Count), Some(_)) => {
            let parameter = if legacy.attributes.is_some() { "AttributesToGet" } else { "ProjectionExpression" };
            return Err(invalid(format!(
                "Cannot specify the {parameter} when choosing to get ALL_ATTRIBUTES or COUNT"
            )));
        }
        (Some(Select::SpecificAttributes), None) => {
            return Err(invalid("1 validation error detected: SPECIFIC_ATTRIBUTES requires a ProjectionExpression"));
        }
        (Some(Select::AllProjectedAttributes), _) if !indexed => {
            return Err(invalid("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"));
        }
        _ => {}
    }
    Ok((filter, projection))
}

/// A Query's or Scan's legacy filter and projection.
#[derive(Clone, Copy)]
struct Legacy<'a> {
    filter: Option<&'a BTreeMap<String, emulator_generated::dynamodb::types::Condition>>,
    operator: Option<ConditionalOperator>,
    attributes: Option<&'a [String]>,
}

/// An `ExclusiveStartKey`, as the table's key (an index's start key
/// carries the index's key attributes too).
fn start_of(view: read::View<'_>, start: Option<&Item>) -> Result<Option<read::Start>, UnmodelledError> {
    let Some(item) = start else { return Ok(None) };
    let key = match view.index {
        Some(_) => view.table.key.key_of(item).ok(),
        None => write::key_in(view.table, item).ok(),
    };
    match key {
        Some(key) => Ok(Some(read::Start { item: item.clone(), key })),
        None => {
            Err(invalid("The provided starting key is invalid: The provided key element does not match the schema"))
        }
    }
}

/// The table or index a Query or Scan reads, and whether `Select` and
/// `ConsistentRead` suit it.
fn view_of<'t>(
    table: &'t Table,
    index: Option<&str>,
    select: Option<Select>,
    consistent: Option<bool>,
) -> Result<read::View<'t>, UnmodelledError> {
    let index = match index {
        Some(name) => Some(table.index(name)?),
        None => None,
    };
    if index.is_some_and(|index| !index.local) && consistent == Some(true) {
        return Err(invalid("Consistent reads are not supported on global secondary indexes"));
    }
    if let (Some(index), Some(Select::AllAttributes)) = (index, select) {
        if !index.projects_all() && !index.local {
            return Err(invalid(format!(
                "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {} because its projection type is not ALL",
                index.name
            )));
        }
    }
    Ok(read::View { table, index })
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
fn check_create_table(input: &CreateTableInput) -> Result<(), String> {
    let name = table_name(&input.table_name);
    let length = name.chars().count();
    if !(3..=255).contains(&length) {
        return Err(format!(
            "1 validation error detected. Value with length {length} at '/TableName' failed to satisfy constraint: \
             Member must have length between 3 and 255, inclusive"
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err("1 validation error detected. Value at '/TableName' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.-]+$"
            .to_string());
    }
    let key = KeySchema::of(&input.key_schema, &input.attribute_definitions)?;
    let (global, local) = (
        input.global_secondary_indexes.as_deref().unwrap_or_default(),
        input.local_secondary_indexes.as_deref().unwrap_or_default(),
    );
    index::declared(&key, &input.attribute_definitions, global, local)?;
    // Every defined attribute is a key attribute of the table or an index.
    let used = index::key_names(&input.key_schema, global, local);
    if input.attribute_definitions.iter().any(|d| !used.contains(&d.attribute_name)) {
        let message = if global.is_empty() && local.is_empty() {
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match \
             number of attributes defined in AttributeDefinitions"
                .to_string()
        } else {
            let defined: Vec<&str> = input.attribute_definitions.iter().map(|d| d.attribute_name.as_str()).collect();
            format!(
                "One or more parameter values were invalid: Some AttributeDefinitions are not used. \
                 AttributeDefinitions: [{}], keys used: [{}]",
                defined.join(", "),
                used.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        return Err(message);
    }
    let provisioned = input.provisioned_throughput.is_some();
    match input.billing_mode.unwrap_or(BillingMode::Provisioned) {
        BillingMode::Provisioned if !provisioned => {
            Err("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be \
             specified when BillingMode is PROVISIONED"
                .to_string())
        }
        BillingMode::PayPerRequest if provisioned => {
            Err("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be \
             specified when BillingMode is PAY_PER_REQUEST"
                .to_string())
        }
        _ => Ok(()),
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
    /// The key a table's `key_schema` declares, with its attributes in
    /// `definitions`, or DynamoDB's message for why it is not one.
    fn of(key_schema: &[KeySchemaElement], definitions: &[AttributeDefinition]) -> Result<KeySchema, String> {
        let (first, second) = match key_schema {
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
            let definition = definitions.iter().find(|d| d.attribute_name == element.attribute_name);
            definition.map(|d| KeyAttribute { name: d.attribute_name.clone(), r#type: d.attribute_type })
        };
        let (Some(partition), sort) = (attribute(first), second.map(attribute)) else {
            return Err(undefined_keys(key_schema, definitions));
        };
        let sort = match sort {
            None => None,
            Some(Some(sort)) => Some(sort),
            Some(None) => return Err(undefined_keys(key_schema, definitions)),
        };
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

fn undefined_keys(key_schema: &[KeySchemaElement], definitions: &[AttributeDefinition]) -> String {
    let keys: Vec<&str> = key_schema.iter().map(|k| k.attribute_name.as_str()).collect();
    let defined: Vec<&str> = definitions.iter().map(|d| d.attribute_name.as_str()).collect();
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
            Number::read(text).map(KeyValue::N).map_err(|e| KeyError::NotANumber(e.message(text)))
        }
        (ScalarAttributeType::B, AttributeValue::B(bytes)) if bytes.as_bytes().is_empty() => {
            Err(KeyError::Empty(name(), "binary"))
        }
        (ScalarAttributeType::B, AttributeValue::B(bytes)) => Ok(KeyValue::B(bytes.as_bytes().to_vec())),
        (expected, actual) => Err(KeyError::Mismatch { name: name(), expected, actual: eval::type_name(actual) }),
    }
}

/// Why attributes do not make a key.
enum KeyError {
    Missing(String),
    Mismatch {
        name: String,
        expected: ScalarAttributeType,
        actual: &'static str,
    },
    Empty(String, &'static str),
    /// DynamoDB's message for a key number it does not store.
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
            KeyError::NotANumber(message) => f.write_str(message),
        }
    }
}

/// PutItem's answer to an item whose attributes do not make its table's key.
fn item_key_refusal(error: KeyError) -> UnmodelledError {
    invalid(match error {
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
fn key_refusal(error: KeyError) -> UnmodelledError {
    invalid(match error {
        KeyError::Missing(_) | KeyError::Mismatch { .. } => {
            "The provided key element does not match the schema".to_string()
        }
        error => error.to_string(),
    })
}

/// A primary key's value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    partition: KeyValue,
    sort: Option<KeyValue>,
}

impl Key {
    /// The key of the record of the item with this key in `table`: the
    /// same for every way of writing it.
    fn record_key(&self, table: &str) -> String {
        let part = |value: &KeyValue| match value {
            KeyValue::S(text) => format!("S{text}"),
            KeyValue::N(number) => format!("N{}", number.canonical()),
            KeyValue::B(bytes) => format!("B{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()),
        };
        let parts: Vec<String> = std::iter::once(&self.partition).chain(self.sort.as_ref()).map(part).collect();
        format!("{table}/{}", serde_json::to_string(&parts).expect("strings serialise"))
    }
}

/// A key attribute's value; two keys are the same item when these are equal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum KeyValue {
    S(String),
    N(Number),
    B(Vec<u8>),
}

impl DynamoDb20120810 for DynamoDb {
    async fn create_table(
        &self,
        _context: &RequestContext,
        input: CreateTableInput,
    ) -> Result<CreateTableOutput, CreateTableError> {
        check_create_table(&input).map_err(invalid)?;
        let name = table_name(&input.table_name).to_string();
        let mut tables = self.tables();
        if tables.contains_key(&name) {
            return Err(ResourceInUseException { message: Some(format!("Table already exists: {name}")) }.into());
        }
        if tables.len() >= MAX_TABLES {
            return Err(LimitExceededException {
                message: Some(format!(
                    "Subscriber limit exceeded: Only {MAX_TABLES} tables can be created in an account in a region"
                )),
            }
            .into());
        }
        let created = now().map_or((0, 0), |t| (t.epoch_seconds(), t.subsec_nanos()));
        let record = TableRecord {
            attributes: input
                .attribute_definitions
                .iter()
                .map(|d| (d.attribute_name.clone(), d.attribute_type.as_str().to_string()))
                .collect(),
            key: input.key_schema.iter().map(|k| (k.attribute_name.clone(), k.key_type.as_str().to_string())).collect(),
            billing_mode: input.billing_mode.map(|mode| mode.as_str().to_string()),
            capacity: input.provisioned_throughput.as_ref().map(|c| (c.read_capacity_units, c.write_capacity_units)),
            created,
            id: self.ids.uuid(),
            deletion_protection: input.deletion_protection_enabled.unwrap_or(false),
            global_indexes: input.global_secondary_indexes.clone().unwrap_or_default(),
            local_indexes: input.local_secondary_indexes.clone().unwrap_or_default(),
            ttl: None,
            tags: match input.tags.as_deref() {
                Some(tags) if !tags.is_empty() => tables::tagged(&BTreeMap::new(), tags)?,
                _ => BTreeMap::new(),
            },
            table_class: input.table_class.map(|class| class.as_str().to_string()),
            stream: tables::stream_of(input.stream_specification.as_ref(), created)?,
        };
        let table = record
            .table(&name)
            .ok_or_else(|| UnmodelledError::server("InternalServerError", "Internal server error"))?;
        self.commit(Change::default().put(
            "table",
            name.clone(),
            serde_json::to_vec(&record).expect("a record serialises"),
        ))?;
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
        let mut tables = self.tables();
        match tables.get(name) {
            None => return Err(self.table_not_found(name).into()),
            Some(table) if table.record.deletion_protection => {
                return Err(invalid(
                    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion \
                     protection first.",
                )
                .into());
            }
            Some(_) => {}
        }
        self.commit(Change::default().delete("table", name).delete_prefix("item", format!("{name}/")))?;
        match tables.remove(name) {
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
        if !matches!(input.return_values, None | Some(ReturnValue::None | ReturnValue::AllOld)) {
            return Err(invalid("Return values set to invalid value").into());
        }
        let names = input.expression_attribute_names.as_ref();
        let mut placeholders = Placeholders::new(names, input.expression_attribute_values.as_ref());
        let written = (|| {
            let condition = write::condition_of(
                input.condition_expression.as_deref(),
                input.expected.as_ref(),
                input.conditional_operator,
                &mut placeholders,
            )?;
            let name = table_name(&input.table_name);
            let mut tables = self.tables();
            let Some(table) = tables.get_mut(name) else {
                return Err(Unwritten::NoTable);
            };
            let key = table.key.key_of(&input.item).map_err(item_key_refusal)?;
            write::check_condition(
                condition.as_ref(),
                table.items.get(&key).map(|kept| &kept.item),
                input.return_values_on_condition_check_failure,
            )?;
            let (old, pending) = self.keep(name, table, key, input.item.clone())?;
            let consumed = capacity::asked(input.return_consumed_capacity)
                .then(|| Consumed::write(table, old.as_ref(), Some(&input.item)));
            Ok((old, pending, consumed))
        })();
        match written {
            Ok((old, pending, consumed)) => {
                durable(pending).await?;
                Ok(PutItemOutput {
                    attributes: write::returned(input.return_values, old, None),
                    consumed_capacity: consumed
                        .and_then(|c| c.answer(&input.table_name, input.return_consumed_capacity)),
                    ..Default::default()
                })
            }
            Err(unwritten) => Err(unwritten.into_error()),
        }
    }

    async fn get_item(&self, _context: &RequestContext, input: GetItemInput) -> Result<GetItemOutput, GetItemError> {
        let mut placeholders = Placeholders::new(input.expression_attribute_names.as_ref(), None);
        let projection = legacy::projection(
            input.projection_expression.as_deref(),
            input.attributes_to_get.as_deref(),
            &mut placeholders,
        )
        .map_err(invalid)?;
        let tables = self.tables();
        let Some(table) = tables.get(table_name(&input.table_name)) else {
            return Err(not_found().into());
        };
        let key = match write::key_in(table, &input.key) {
            Ok(key) => key,
            Err(Unwritten::Refused(e)) => return Err(e.into()),
            // Reading has no condition and names its table above.
            Err(Unwritten::Failed(_) | Unwritten::NoTable) => return Err(not_found().into()),
        };
        let kept = table.items.get(&key);
        let item = kept.map(|kept| match &projection {
            Some(paths) => eval::project(&kept.item, paths),
            None => kept.item.clone(),
        });
        let consumed = Consumed::read(kept.map_or(0, |kept| kept.size), input.consistent_read == Some(true), None);
        Ok(GetItemOutput {
            item,
            consumed_capacity: consumed.answer(&input.table_name, input.return_consumed_capacity),
        })
    }

    async fn delete_item(
        &self,
        _context: &RequestContext,
        input: DeleteItemInput,
    ) -> Result<DeleteItemOutput, DeleteItemError> {
        if !matches!(input.return_values, None | Some(ReturnValue::None | ReturnValue::AllOld)) {
            return Err(invalid("Return values set to invalid value").into());
        }
        let mut placeholders =
            Placeholders::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
        let deleted = (|| {
            let condition = write::condition_of(
                input.condition_expression.as_deref(),
                input.expected.as_ref(),
                input.conditional_operator,
                &mut placeholders,
            )?;
            let name = table_name(&input.table_name);
            let mut tables = self.tables();
            let Some(table) = tables.get_mut(name) else {
                return Err(Unwritten::NoTable);
            };
            let key = write::key_in(table, &input.key)?;
            write::check_condition(
                condition.as_ref(),
                table.items.get(&key).map(|kept| &kept.item),
                input.return_values_on_condition_check_failure,
            )?;
            let (old, pending) = self.discard(name, table, &key);
            let consumed =
                capacity::asked(input.return_consumed_capacity).then(|| Consumed::write(table, old.as_ref(), None));
            Ok((old, pending, consumed))
        })();
        match deleted {
            Ok((old, pending, consumed)) => {
                durable(pending).await?;
                Ok(DeleteItemOutput {
                    attributes: write::returned(input.return_values, old, None),
                    consumed_capacity: consumed
                        .and_then(|c| c.answer(&input.table_name, input.return_consumed_capacity)),
                    ..Default::default()
                })
            }
            Err(unwritten) => Err(unwritten.into_error()),
        }
    }

    async fn query(&self, _context: &RequestContext, input: QueryInput) -> Result<QueryOutput, QueryError> {
        let mut placeholders =
            Placeholders::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
        legacy::check_kinds(
            &placeholders,
            &[
                ("ProjectionExpression", input.projection_expression.is_some()),
                ("FilterExpression", input.filter_expression.is_some()),
                ("KeyConditionExpression", input.key_condition_expression.is_some()),
            ],
            &[
                ("AttributesToGet", input.attributes_to_get.is_some()),
                ("QueryFilter", input.query_filter.is_some()),
                ("ConditionalOperator", input.conditional_operator.is_some()),
                // KeyConditions go with the other expressions (not with a KeyConditionExpression).
                ("KeyConditions", input.key_conditions.is_some() && input.key_condition_expression.is_some()),
            ],
        )
        .map_err(invalid)?;
        let key_condition = match (&input.key_condition_expression, &input.key_conditions) {
            (Some(text), _) => {
                expression::condition("KeyConditionExpression", text, &mut placeholders).map_err(invalid)?
            }
            (None, Some(conditions)) => legacy::key_conditions(conditions).map_err(invalid)?,
            (None, None) => {
                return Err(invalid(
                    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
                )
                .into());
            }
        };
        let (filter, projection) = reading_parts(
            input.filter_expression.as_deref(),
            input.projection_expression.as_deref(),
            Legacy {
                filter: input.query_filter.as_ref(),
                operator: input.conditional_operator,
                attributes: input.attributes_to_get.as_deref(),
            },
            input.select,
            input.index_name.is_some(),
            &mut placeholders,
        )?;
        placeholders.check_unused().map_err(invalid)?;
        let tables = self.tables();
        let Some(table) = tables.get(table_name(&input.table_name)) else {
            return Err(not_found().into());
        };
        let view = view_of(table, input.index_name.as_deref(), input.select, input.consistent_read)?;
        let key_condition = read::key_condition(view.schema(), &key_condition).map_err(invalid)?;
        let reading = read::Reading {
            filter: filter.as_ref(),
            projection: projection.as_deref(),
            select: input.select,
            limit: input.limit.and_then(|n| usize::try_from(n).ok()),
            start: start_of(view, input.exclusive_start_key.as_ref())?,
        };
        let page =
            read::query(view, &key_condition, input.scan_index_forward.unwrap_or(true), &reading).map_err(invalid)?;
        let consumed = Consumed::read(page.bytes, input.consistent_read == Some(true), view.index);
        Ok(QueryOutput {
            items: page.items,
            count: i32::try_from(page.count).unwrap_or(i32::MAX),
            scanned_count: i32::try_from(page.scanned).unwrap_or(i32::MAX),
            last_evaluated_key: page.last,
            consumed_capacity: consumed.answer(&input.table_name, input.return_consumed_capacity),
        })
    }

    async fn scan(&self, _context: &RequestContext, input: ScanInput) -> Result<ScanOutput, ScanError> {
        let segment = match (input.segment, input.total_segments) {
            (None, None) => None,
            (Some(segment), Some(total)) if (0..total).contains(&segment) => Some((segment as usize, total as usize)),
            (Some(segment), Some(total)) => {
                return Err(invalid(format!("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} is not less than TotalSegments: {total}")).into());
            }
            (Some(_), None) => return Err(invalid("The TotalSegments parameter is required but was not present in the request when Segment parameter is present").into()),
            (None, Some(_)) => return Err(invalid("The Segment parameter is required but was not present in the request when parameter TotalSegments is present").into()),
        };
        let mut placeholders =
            Placeholders::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
        legacy::check_kinds(
            &placeholders,
            &[
                ("ProjectionExpression", input.projection_expression.is_some()),
                ("FilterExpression", input.filter_expression.is_some()),
            ],
            &[
                ("AttributesToGet", input.attributes_to_get.is_some()),
                ("ScanFilter", input.scan_filter.is_some()),
                ("ConditionalOperator", input.conditional_operator.is_some()),
            ],
        )
        .map_err(invalid)?;
        let (filter, projection) = reading_parts(
            input.filter_expression.as_deref(),
            input.projection_expression.as_deref(),
            Legacy {
                filter: input.scan_filter.as_ref(),
                operator: input.conditional_operator,
                attributes: input.attributes_to_get.as_deref(),
            },
            input.select,
            input.index_name.is_some(),
            &mut placeholders,
        )?;
        placeholders.check_unused().map_err(invalid)?;
        let tables = self.tables();
        let Some(table) = tables.get(table_name(&input.table_name)) else {
            return Err(not_found().into());
        };
        let view = view_of(table, input.index_name.as_deref(), input.select, input.consistent_read)?;
        let reading = read::Reading {
            filter: filter.as_ref(),
            projection: projection.as_deref(),
            select: input.select,
            limit: input.limit.and_then(|n| usize::try_from(n).ok()),
            start: start_of(view, input.exclusive_start_key.as_ref())?,
        };
        let page = read::scan(view, segment, &reading).map_err(invalid)?;
        let consumed = Consumed::read(page.bytes, input.consistent_read == Some(true), view.index);
        Ok(ScanOutput {
            items: page.items,
            count: i32::try_from(page.count).unwrap_or(i32::MAX),
            scanned_count: i32::try_from(page.scanned).unwrap_or(i32::MAX),
            last_evaluated_key: page.last,
            consumed_capacity: consumed.answer(&input.table_name, input.return_consumed_capacity),
        })
    }

    async fn batch_get_item(
        &self,
        _context: &RequestContext,
        input: BatchGetItemInput,
    ) -> Result<BatchGetItemOutput, BatchGetItemError> {
        match self.batch_get(&input.request_items) {
            Ok((responses, consumed)) => Ok(BatchGetItemOutput {
                responses: Some(responses),
                unprocessed_keys: Some(BTreeMap::new()),
                consumed_capacity: answer_by_table(&consumed, input.return_consumed_capacity),
            }),
            Err(batch::Undone::NoTable) => Err(not_found().into()),
            Err(batch::Undone::Invalid(e)) => Err(e.into()),
            Err(batch::Undone::Cancelled(_)) => unreachable!("reads are not cancelled"),
        }
    }

    async fn batch_write_item(
        &self,
        _context: &RequestContext,
        input: BatchWriteItemInput,
    ) -> Result<BatchWriteItemOutput, BatchWriteItemError> {
        match self.batch_write(&input.request_items, capacity::asked(input.return_consumed_capacity)) {
            Ok((pending, consumed)) => {
                durable(pending).await?;
                Ok(BatchWriteItemOutput {
                    unprocessed_items: Some(BTreeMap::new()),
                    consumed_capacity: answer_by_table(&consumed, input.return_consumed_capacity),
                    ..Default::default()
                })
            }
            Err(batch::Undone::NoTable) => Err(not_found().into()),
            Err(batch::Undone::Invalid(e)) => Err(e.into()),
            Err(batch::Undone::Cancelled(_)) => unreachable!("batches are not transactions"),
        }
    }

    async fn transact_get_items(
        &self,
        _context: &RequestContext,
        input: TransactGetItemsInput,
    ) -> Result<TransactGetItemsOutput, TransactGetItemsError> {
        match self.transact_get(&input.transact_items) {
            Ok((responses, consumed)) => Ok(TransactGetItemsOutput {
                responses: Some(responses),
                consumed_capacity: answer_by_table(&consumed, input.return_consumed_capacity),
            }),
            Err(batch::Undone::NoTable) => Err(not_found().into()),
            Err(batch::Undone::Invalid(e)) => Err(e.into()),
            Err(batch::Undone::Cancelled(e)) => Err(e.into()),
        }
    }

    async fn transact_write_items(
        &self,
        _context: &RequestContext,
        input: TransactWriteItemsInput,
    ) -> Result<TransactWriteItemsOutput, TransactWriteItemsError> {
        match self.transact_write(&input.transact_items, capacity::asked(input.return_consumed_capacity)) {
            Ok((pending, consumed)) => {
                durable(pending).await?;
                Ok(TransactWriteItemsOutput {
                    consumed_capacity: answer_by_table(&consumed, input.return_consumed_capacity),
                    ..Default::default()
                })
            }
            Err(batch::Undone::NoTable) => Err(not_found().into()),
            Err(batch::Undone::Invalid(e)) => Err(e.into()),
            Err(batch::Undone::Cancelled(e)) => Err(e.into()),
        }
    }

    async fn update_table(
        &self,
        _context: &RequestContext,
        input: UpdateTableInput,
    ) -> Result<UpdateTableOutput, UpdateTableError> {
        self.update_table(input)
    }

    async fn update_time_to_live(
        &self,
        _context: &RequestContext,
        input: UpdateTimeToLiveInput,
    ) -> Result<UpdateTimeToLiveOutput, UpdateTimeToLiveError> {
        self.update_time_to_live(input)
    }

    async fn describe_time_to_live(
        &self,
        _context: &RequestContext,
        input: DescribeTimeToLiveInput,
    ) -> Result<DescribeTimeToLiveOutput, DescribeTimeToLiveError> {
        self.describe_time_to_live(input)
    }

    async fn tag_resource(&self, _context: &RequestContext, input: TagResourceInput) -> Result<Unit, TagResourceError> {
        self.tag_resource(input)
    }

    async fn untag_resource(
        &self,
        _context: &RequestContext,
        input: UntagResourceInput,
    ) -> Result<Unit, UntagResourceError> {
        self.untag_resource(input)
    }

    async fn list_tags_of_resource(
        &self,
        _context: &RequestContext,
        input: ListTagsOfResourceInput,
    ) -> Result<ListTagsOfResourceOutput, ListTagsOfResourceError> {
        self.list_tags_of_resource(input)
    }

    async fn update_item(
        &self,
        _context: &RequestContext,
        input: UpdateItemInput,
    ) -> Result<UpdateItemOutput, UpdateItemError> {
        let mut placeholders =
            Placeholders::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
        let updated = (|| {
            legacy::check_kinds(
                &placeholders,
                &[
                    ("UpdateExpression", input.update_expression.is_some()),
                    ("ConditionExpression", input.condition_expression.is_some()),
                ],
                &[
                    ("AttributeUpdates", input.attribute_updates.is_some()),
                    ("Expected", input.expected.is_some()),
                    ("ConditionalOperator", input.conditional_operator.is_some()),
                ],
            )
            .map_err(Unwritten::invalid)?;
            let actions = match (&input.update_expression, &input.attribute_updates) {
                (Some(text), _) => expression::update(text, &mut placeholders).map_err(Unwritten::invalid)?,
                (None, Some(updates)) => legacy::updates(updates).map_err(Unwritten::invalid)?,
                (None, None) => Vec::new(),
            };
            let condition = write::parse_condition_or_expected(
                input.condition_expression.as_deref(),
                input.expected.as_ref(),
                input.conditional_operator,
                &mut placeholders,
            )?;
            placeholders.check_unused().map_err(Unwritten::invalid)?;
            let name = table_name(&input.table_name);
            let mut tables = self.tables();
            let Some(table) = tables.get_mut(name) else {
                return Err(Unwritten::NoTable);
            };
            let key = write::key_in(table, &input.key)?;
            let old = table.items.get(&key).map(|kept| kept.item.clone());
            write::check_condition(condition.as_ref(), old.as_ref(), input.return_values_on_condition_check_failure)?;
            let start = write::start_of(old.as_ref(), &input.key);
            let new = eval::apply(&start, &actions, &write::key_attributes(table)).map_err(|message| {
                // The legacy actions' type mismatches, in their own words.
                match input.attribute_updates {
                    Some(_) if message.starts_with("Invalid UpdateExpression: Incorrect operand type") => {
                        Unwritten::invalid(
                            "One or more parameter values were invalid: Type mismatch for attribute to update",
                        )
                    }
                    _ => Unwritten::invalid(message),
                }
            })?;
            let (_, pending) = self.keep(name, table, key, new.clone())?;
            let consumed = capacity::asked(input.return_consumed_capacity)
                .then(|| Consumed::write(table, old.as_ref(), Some(&new)));
            Ok((old, new, pending, consumed))
        })();
        match updated {
            Ok((old, new, pending, consumed)) => {
                durable(pending).await?;
                Ok(UpdateItemOutput {
                    attributes: write::returned(input.return_values, old, Some(&new)),
                    consumed_capacity: consumed
                        .and_then(|c| c.answer(&input.table_name, input.return_consumed_capacity)),
                    ..Default::default()
                })
            }
            Err(unwritten) => Err(unwritten.into_error()),
        }
    }
}
