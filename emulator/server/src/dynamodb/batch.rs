//! Many items at once: BatchGetItem and BatchWriteItem (up to 100 keys and
//! 25 writes, over any tables, no key twice), TransactGetItems and
//! TransactWriteItems (up to 100 actions, all or nothing: every condition
//! is checked before anything is written, and a failure cancels the whole
//! with a reason per action, as DynamoDB does). Writes of one call are one
//! commit of the store.

use std::collections::{BTreeMap, HashSet};

use emulator_generated::dynamodb::error::TransactionCanceledException;
use emulator_generated::dynamodb::types::{
    CancellationReason, ItemResponse, KeysAndAttributes, ReturnValuesOnConditionCheckFailure, TransactGetItem,
    TransactWriteItem, WriteRequest,
};
use emulator_generated::runtime::UnmodelledError;

use super::capacity::Consumed;
use super::eval;
use super::expression::{self, Placeholders};
use super::item::Item;
use super::legacy;
use super::write;
use super::{DynamoDb, Key, Table, invalid, table_name};
use crate::store::{Change, Pending};

/// The most keys of a BatchGetItem, writes of a BatchWriteItem and actions
/// of a transaction.
const MAX_BATCH_GET: usize = 100;
const MAX_BATCH_WRITE: usize = 25;
const MAX_TRANSACTION: usize = 100;

/// A write to make: the item `key` of table `table` becomes `item` (or
/// goes, with none).
struct Write {
    table: String,
    key: Key,
    item: Option<Item>,
}

/// Why a batch or transaction did nothing.
pub enum Undone {
    NoTable,
    Invalid(UnmodelledError),
    Cancelled(TransactionCanceledException),
}

impl From<UnmodelledError> for Undone {
    fn from(e: UnmodelledError) -> Self {
        Undone::Invalid(e)
    }
}

impl DynamoDb {
    /// Makes `writes`, as one commit: every item checked and charged first,
    /// so that nothing is written if one cannot be; the commit to await once
    /// the tables are released, and what each table's writes consume (if
    /// `counted`).
    fn write_all(
        &self,
        tables: &mut BTreeMap<String, Table>,
        writes: Vec<Write>,
        counted: bool,
    ) -> Result<(Pending, ByTable), Undone> {
        let mut prepared = Vec::new();
        let mut change = Change::default();
        let mut consumed = ByTable::new();
        for write in writes.iter().filter(|_| counted) {
            let table = &tables[&write.table];
            let old = table.items.get(&write.key).map(|kept| &kept.item);
            consumed.entry(write.table.clone()).or_default().add(Consumed::write(table, old, write.item.as_ref()));
        }
        for write in writes {
            let record_key = write.key.record_key(&write.table);
            let kept = match write.item {
                Some(item) => {
                    let kept = self.prepare(item)?;
                    if self.store.is_durable() {
                        change = change.put("item", record_key, write::record_of(&kept));
                    }
                    Some(kept)
                }
                None => {
                    change = change.delete("item", record_key);
                    None
                }
            };
            prepared.push((write.table, write.key, kept));
        }
        let pending = self.store.submit(super::SERVICE, change);
        for (name, key, kept) in prepared {
            tables.get_mut(&name).expect("every table was looked up").place(key, kept);
        }
        Ok((pending, consumed))
    }

    pub(super) fn batch_get(
        &self,
        requests: &BTreeMap<String, KeysAndAttributes>,
    ) -> Result<(BTreeMap<String, Vec<Item>>, ByTable), Undone> {
        let count: usize = requests.values().map(|r| r.keys.len()).sum();
        if count > MAX_BATCH_GET {
            return Err(invalid("Too many items requested for the BatchGetItem call").into());
        }
        let tables = self.tables();
        let mut responses = BTreeMap::new();
        let mut consumed = ByTable::new();
        for (name, request) in requests {
            let mut placeholders = Placeholders::new(request.expression_attribute_names.as_ref(), None);
            let projection = legacy::projection(
                request.projection_expression.as_deref(),
                request.attributes_to_get.as_deref(),
                &mut placeholders,
            )
            .map_err(invalid)?;
            let table = tables.get(table_name(name)).ok_or(Undone::NoTable)?;
            let mut seen = HashSet::new();
            let mut items = Vec::new();
            for key in &request.keys {
                let key = key_in(table, key)?;
                if !seen.insert(key.clone()) {
                    return Err(invalid("Provided list of item keys contains duplicates").into());
                }
                let size = table.items.get(&key).map_or(0, |kept| kept.size);
                let read = Consumed::read(size, request.consistent_read == Some(true), None);
                consumed.entry(name.clone()).or_default().add(read);
                if let Some(kept) = table.items.get(&key) {
                    items.push(match &projection {
                        Some(paths) => eval::project(&kept.item, paths),
                        None => kept.item.clone(),
                    });
                }
            }
            responses.insert(name.clone(), items);
        }
        Ok((responses, consumed))
    }

    pub(super) fn batch_write(
        &self,
        requests: &BTreeMap<String, Vec<WriteRequest>>,
        counted: bool,
    ) -> Result<(Pending, ByTable), Undone> {
        let count: usize = requests.values().map(Vec::len).sum();
        if count > MAX_BATCH_WRITE {
            let message = "Too many items requested for the BatchWriteItem call";
            return Err(invalid(message).into());
        }
        let mut tables = self.tables();
        let mut writes = Vec::new();
        let mut seen = HashSet::new();
        for (name, requests) in requests {
            let name = table_name(name).to_string();
            let table = tables.get(&name).ok_or(Undone::NoTable)?;
            for request in requests {
                let write = match (&request.put_request, &request.delete_request) {
                    (Some(put), None) => {
                        let key = table.key.key_of(&put.item).map_err(super::item_key_refusal)?;
                        Write { table: name.clone(), key, item: Some(put.item.clone()) }
                    }
                    (None, Some(delete)) => Write { table: name.clone(), key: key_in(table, &delete.key)?, item: None },
                    _ => {
                        return Err(
                            invalid("A WriteRequest must have exactly one of PutRequest and DeleteRequest").into()
                        );
                    }
                };
                if !seen.insert((name.clone(), write.key.clone())) {
                    return Err(invalid("Provided list of item keys contains duplicates").into());
                }
                writes.push(write);
            }
        }
        self.write_all(&mut tables, writes, counted)
    }

    pub(super) fn transact_get(&self, items: &[TransactGetItem]) -> Result<(Vec<ItemResponse>, ByTable), Undone> {
        if items.len() > MAX_TRANSACTION {
            return Err(invalid(format!(
                "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to {MAX_TRANSACTION}"
            ))
            .into());
        }
        let tables = self.tables();
        let mut responses = Vec::new();
        let mut consumed = ByTable::new();
        for item in items {
            let get = &item.get;
            let mut placeholders = Placeholders::new(get.expression_attribute_names.as_ref(), None);
            let projection = match &get.projection_expression {
                Some(text) => Some(expression::projection(text, &mut placeholders).map_err(invalid)?),
                None => None,
            };
            placeholders.check_unused().map_err(invalid)?;
            let table = tables.get(table_name(&get.table_name)).ok_or(Undone::NoTable)?;
            let key = key_in(table, &get.key)?;
            let size = table.items.get(&key).map_or(0, |kept| kept.size);
            let name = table_name(&get.table_name).to_string();
            consumed.entry(name).or_default().add(Consumed::read(size, true, None).doubled());
            let found = table.items.get(&key).map(|kept| match &projection {
                Some(paths) => eval::project(&kept.item, paths),
                None => kept.item.clone(),
            });
            responses.push(ItemResponse { item: found });
        }
        Ok((responses, consumed))
    }

    pub(super) fn transact_write(
        &self,
        actions: &[TransactWriteItem],
        counted: bool,
    ) -> Result<(Pending, ByTable), Undone> {
        if actions.is_empty() || actions.len() > MAX_TRANSACTION {
            return Err(invalid(format!(
                "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to {MAX_TRANSACTION}"
            ))
            .into());
        }
        let mut tables = self.tables();
        let mut writes = Vec::new();
        let mut reasons = Vec::new();
        let mut failed = false;
        let mut seen = HashSet::new();
        let mut checked = ByTable::new();
        for action in actions {
            let parts = (&action.condition_check, &action.put, &action.delete, &action.update);
            let (name, key_map, condition, names, values, return_old) = match parts {
                (Some(c), None, None, None) => (
                    &c.table_name,
                    Some(&c.key),
                    Some(&c.condition_expression),
                    &c.expression_attribute_names,
                    &c.expression_attribute_values,
                    &c.return_values_on_condition_check_failure,
                ),
                (None, Some(p), None, None) => (
                    &p.table_name,
                    None,
                    p.condition_expression.as_ref(),
                    &p.expression_attribute_names,
                    &p.expression_attribute_values,
                    &p.return_values_on_condition_check_failure,
                ),
                (None, None, Some(d), None) => (
                    &d.table_name,
                    Some(&d.key),
                    d.condition_expression.as_ref(),
                    &d.expression_attribute_names,
                    &d.expression_attribute_values,
                    &d.return_values_on_condition_check_failure,
                ),
                (None, None, None, Some(u)) => (
                    &u.table_name,
                    Some(&u.key),
                    u.condition_expression.as_ref(),
                    &u.expression_attribute_names,
                    &u.expression_attribute_values,
                    &u.return_values_on_condition_check_failure,
                ),
                _ => {
                    return Err(invalid("TransactItems can only contain one of Check, Put, Update or Delete").into());
                }
            };
            let name = table_name(name).to_string();
            let table = tables.get(&name).ok_or(Undone::NoTable)?;
            let mut placeholders = Placeholders::new(names.as_ref(), values.as_ref());
            let actions = match &action.update {
                Some(update) => expression::update(&update.update_expression, &mut placeholders).map_err(invalid)?,
                None => Vec::new(),
            };
            let condition = match condition {
                Some(text) => {
                    Some(expression::condition("ConditionExpression", text, &mut placeholders).map_err(invalid)?)
                }
                None => None,
            };
            placeholders.check_unused().map_err(invalid)?;
            let key = match (key_map, &action.put) {
                (Some(map), _) => key_in(table, map)?,
                (None, Some(put)) => table.key.key_of(&put.item).map_err(super::item_key_refusal)?,
                (None, None) => unreachable!("a put has an item"),
            };
            if !seen.insert((name.clone(), key.clone())) {
                return Err(invalid("Transaction request cannot include multiple operations on one item").into());
            }
            let old = table.items.get(&key).map(|kept| &kept.item);
            let empty = Item::new();
            let holds = match &condition {
                Some(condition) => eval::holds(old.unwrap_or(&empty), condition).map_err(invalid)?,
                None => true,
            };
            if holds {
                reasons.push(CancellationReason { code: Some("None".to_string()), ..Default::default() });
            } else {
                failed = true;
                let with_item = *return_old == Some(ReturnValuesOnConditionCheckFailure::AllOld);
                reasons.push(CancellationReason {
                    code: Some("ConditionalCheckFailed".to_string()),
                    message: Some("The conditional request failed".to_string()),
                    item: if with_item { old.cloned() } else { None },
                });
            }
            let item = match (&action.put, &action.delete, &action.update) {
                (Some(put), _, _) => Some(Some(put.item.clone())),
                (_, Some(_), _) => Some(None),
                (_, _, Some(update)) => {
                    let start = write::start_of(old, &update.key);
                    Some(Some(eval::apply(&start, &actions, &write::key_attributes(table)).map_err(invalid)?))
                }
                // A condition check writes nothing.
                _ => None,
            };
            match item {
                Some(item) => writes.push(Write { table: name, key, item }),
                // A condition check consumes as a write of the item there.
                None if counted => {
                    checked.entry(name).or_default().add(Consumed::write(table, old, old));
                }
                None => {}
            }
        }
        if failed {
            let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_deref().unwrap_or("None")).collect();
            return Err(Undone::Cancelled(TransactionCanceledException {
                message: Some(format!(
                    "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
                    codes.join(", ")
                )),
                cancellation_reasons: Some(reasons),
            }));
        }
        let (pending, mut consumed) = self.write_all(&mut tables, writes, counted)?;
        for (name, check) in checked {
            consumed.entry(name).or_default().add(check);
        }
        // A transaction's writes consume twice a write's.
        Ok((pending, consumed.into_iter().map(|(name, c)| (name, c.doubled())).collect()))
    }
}

/// What a batch or transaction consumed, by table.
pub type ByTable = BTreeMap<String, Consumed>;

/// The key a `Key` member names in `table`.
fn key_in(table: &Table, map: &Item) -> Result<Key, Undone> {
    match write::key_in(table, map) {
        Ok(key) => Ok(key),
        Err(write::Unwritten::Refused(e)) => Err(Undone::Invalid(e)),
        Err(_) => Err(Undone::NoTable),
    }
}
