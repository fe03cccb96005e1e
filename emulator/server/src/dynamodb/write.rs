//! Writing items: PutItem, UpdateItem and DeleteItem share a table's key,
//! condition expressions (`ConditionalCheckFailedException` when one does
//! not hold), keeping an item (checked, charged to the state budget,
//! recorded) and `ReturnValues`.

use emulator_generated::dynamodb::error::{ConditionalCheckFailedException, ResourceNotFoundException};
use std::collections::BTreeMap;

use emulator_generated::dynamodb::types::{
    ConditionalOperator, ExpectedAttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure,
};
use emulator_generated::runtime::UnmodelledError;

use super::eval;
use super::expression::{self, Condition, Placeholders};
use super::item::{self, Item};
use super::legacy;
use super::{DynamoDb, ITEM_OVERHEAD, Kept, Key, KeyError, Table, key_refusal};
use crate::store::{Change, Pending};

/// Why a write did not happen.
pub enum Unwritten {
    /// No such table (`ResourceNotFoundException`).
    NoTable,
    /// A `ValidationException` (or another unmodelled error).
    Refused(UnmodelledError),
    /// The condition did not hold: the item as it was, if asked for.
    Failed(Option<Item>),
}

impl From<UnmodelledError> for Unwritten {
    fn from(e: UnmodelledError) -> Self {
        Unwritten::Refused(e)
    }
}

impl Unwritten {
    /// The operation's error for it: `ResourceNotFoundException`, the
    /// refusal, or `ConditionalCheckFailedException`.
    pub fn into_error<E>(self) -> E
    where
        E: From<ResourceNotFoundException> + From<UnmodelledError> + From<ConditionalCheckFailedException>,
    {
        match self {
            Unwritten::NoTable => super::not_found().into(),
            Unwritten::Refused(e) => e.into(),
            Unwritten::Failed(item) => Unwritten::failed(item).into(),
        }
    }

    /// A `ValidationException` with DynamoDB's message.
    pub fn invalid(message: impl Into<String>) -> Unwritten {
        Unwritten::Refused(UnmodelledError::client("ValidationException", message))
    }

    /// DynamoDB's `ConditionalCheckFailedException`.
    pub fn failed(item: Option<Item>) -> ConditionalCheckFailedException {
        ConditionalCheckFailedException { message: Some("The conditional request failed".to_string()), item }
    }
}

/// A request's condition expression, parsed with its placeholders.
fn parse_condition(text: Option<&str>, placeholders: &mut Placeholders<'_>) -> Result<Option<Condition>, Unwritten> {
    match text {
        None => Ok(None),
        Some(text) => {
            Ok(Some(expression::condition("ConditionExpression", text, placeholders).map_err(Unwritten::invalid)?))
        }
    }
}

/// A PutItem's or DeleteItem's condition, its placeholders all used: its
/// `ConditionExpression` or its `Expected` (not both kinds).
pub fn condition_of(
    text: Option<&str>,
    expected: Option<&BTreeMap<String, ExpectedAttributeValue>>,
    operator: Option<ConditionalOperator>,
    placeholders: &mut Placeholders<'_>,
) -> Result<Option<Condition>, Unwritten> {
    legacy::check_kinds(
        placeholders,
        &[("ConditionExpression", text.is_some())],
        &[("Expected", expected.is_some()), ("ConditionalOperator", operator.is_some())],
    )
    .map_err(Unwritten::invalid)?;
    let condition = parse_condition_or_expected(text, expected, operator, placeholders)?;
    placeholders.check_unused().map_err(Unwritten::invalid)?;
    Ok(condition)
}

/// A write's condition: its `ConditionExpression`, or its `Expected`
/// joined by `ConditionalOperator` (the request gives one kind only:
/// [`legacy::check_kinds`]), or none.
pub fn parse_condition_or_expected(
    text: Option<&str>,
    expected: Option<&BTreeMap<String, ExpectedAttributeValue>>,
    operator: Option<ConditionalOperator>,
    placeholders: &mut Placeholders<'_>,
) -> Result<Option<Condition>, Unwritten> {
    match legacy::expected(expected, operator).map_err(Unwritten::invalid)? {
        Some(condition) => Ok(Some(condition)),
        None => parse_condition(text, placeholders),
    }
}

/// Whether `condition` holds for the item there is (`old`), or for none;
/// if not, the item goes with the failure when `on_failure` asks for it.
pub fn check_condition(
    condition: Option<&Condition>,
    old: Option<&Item>,
    on_failure: Option<ReturnValuesOnConditionCheckFailure>,
) -> Result<(), Unwritten> {
    let Some(condition) = condition else { return Ok(()) };
    let empty = Item::new();
    if eval::holds(old.unwrap_or(&empty), condition).map_err(Unwritten::invalid)? {
        return Ok(());
    }
    let return_old = on_failure == Some(ReturnValuesOnConditionCheckFailure::AllOld);
    Err(Unwritten::Failed(if return_old { old.cloned() } else { None }))
}

/// The key `map` names in `table`: its key attributes, and nothing else.
pub fn key_in(table: &Table, map: &Item) -> Result<Key, Unwritten> {
    let extra = map.keys().any(|name| !table.key.is_key_attribute(name));
    match table.key.key_of(map) {
        Ok(key) if !extra => Ok(key),
        Ok(_) => Err(Unwritten::Refused(key_refusal(KeyError::Missing(String::new())))),
        Err(error) => Err(Unwritten::Refused(key_refusal(error))),
    }
}

/// What `ReturnValues` answers of a write that made `new` of `old`.
pub fn returned(asked: Option<ReturnValue>, old: Option<Item>, new: Option<&Item>) -> Option<Item> {
    let changed = |from: &Item, to: Option<&Item>| -> Item {
        from.iter()
            .filter(|(name, value)| to.and_then(|to| to.get(*name)).is_none_or(|other| !eval::equal(value, other)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let answer = match asked.unwrap_or(ReturnValue::None) {
        ReturnValue::None => None,
        ReturnValue::AllOld => old,
        ReturnValue::AllNew => new.cloned(),
        ReturnValue::UpdatedOld => old.map(|old| changed(&old, new)),
        ReturnValue::UpdatedNew => new.map(|new| changed(new, old.as_ref())),
    };
    answer.filter(|item| !item.is_empty())
}

impl DynamoDb {
    /// Keeps `item` as the item `key` of `table` (named `name`): checked as
    /// DynamoDB checks items, charged, its record submitted; the item it
    /// replaced, and the record's commit, to await once the table is
    /// released.
    pub(super) fn keep(
        &self,
        name: &str,
        table: &mut Table,
        key: Key,
        item: Item,
    ) -> Result<(Option<Item>, Pending), Unwritten> {
        let kept = self.prepare(item)?;
        let pending = match self.store.is_durable() {
            true => {
                self.store.submit(super::SERVICE, Change::default().put("item", key.record_key(name), record_of(&kept)))
            }
            false => Pending::done(),
        };
        Ok((table.place(key, Some(kept)), pending))
    }

    /// `item` made ready to keep: checked as DynamoDB checks items (a
    /// `ValidationException` if not), and charged to the state budget.
    pub(super) fn prepare(&self, item: Item) -> Result<Kept, UnmodelledError> {
        let size = item::check_item(&item).map_err(super::invalid)?;
        let charge = self
            .budget
            .charge(size + ITEM_OVERHEAD)
            .map_err(|e| UnmodelledError::client("LimitExceededException", e.message()))?;
        Ok(Kept { item, size, _charge: charge })
    }

    /// Removes the item `key` of `table` (named `name`), its record's
    /// removal submitted: the item it was, and the commit to await.
    pub(super) fn discard(&self, name: &str, table: &mut Table, key: &Key) -> (Option<Item>, Pending) {
        if !table.items.contains_key(key) {
            return (None, Pending::done());
        }
        let pending = self.store.submit(super::SERVICE, Change::default().delete("item", key.record_key(name)));
        (table.place(key.clone(), None), pending)
    }
}

impl Table {
    /// Makes `kept` the item `key` (or removes it, with none), its size
    /// counted: the item it replaced.
    pub(super) fn place(&mut self, key: Key, kept: Option<Kept>) -> Option<Item> {
        if let Some(old) = self.items.get(&key) {
            for index in &mut self.indexes {
                index.note(&key, &old.item, false);
            }
        }
        let old = match kept {
            Some(kept) => {
                self.bytes += kept.size;
                for index in &mut self.indexes {
                    index.note(&key, &kept.item, true);
                }
                self.items.insert(key, kept)
            }
            None => self.items.remove(&key),
        };
        if let Some(old) = &old {
            self.bytes -= old.size;
        }
        old.map(|kept| kept.item)
    }

    /// Notes every item in the indexes afresh (after items were put in
    /// place other than by [`Table::place`]: read back, or carried over to
    /// a table made again).
    pub(super) fn index_all(&mut self) {
        for index in &mut self.indexes {
            index.partitions.clear();
            for (key, kept) in &self.items {
                index.note(key, &kept.item, true);
            }
        }
    }
}

/// The record of a kept item: DynamoDB's JSON of it.
pub(super) fn record_of(kept: &Kept) -> Vec<u8> {
    crate::store::record(&item::to_json(&kept.item))
}

/// The key attributes' values of `item`, which an update may not change.
pub fn key_attributes(table: &Table) -> Vec<&str> {
    let mut names = vec![table.key.partition.name.as_str()];
    if let Some(sort) = &table.key.sort {
        names.push(sort.name.as_str());
    }
    names
}

/// The item an update starts from: the one there, or its key alone.
pub fn start_of(old: Option<&Item>, key: &Item) -> Item {
    old.cloned().unwrap_or_else(|| key.clone())
}
