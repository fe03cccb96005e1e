//! A table's settings after CreateTable: UpdateTable (billing mode and
//! capacity, global secondary indexes created, updated and deleted, the
//! stream's specification, table class, deletion protection), time to live
//! (UpdateTimeToLive, DescribeTimeToLive, and expired items deleted), and
//! tags. Each change rewrites the table's record, and the table is made
//! again from it, as a restart would make it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;

use emulator_generated::dynamodb::error::{LimitExceededException, ResourceNotFoundException};
use emulator_generated::dynamodb::operation::describe_time_to_live::{
    DescribeTimeToLiveError, DescribeTimeToLiveInput, DescribeTimeToLiveOutput,
};
use emulator_generated::dynamodb::operation::list_tags_of_resource::{
    ListTagsOfResourceError, ListTagsOfResourceInput, ListTagsOfResourceOutput,
};
use emulator_generated::dynamodb::operation::tag_resource::{TagResourceError, TagResourceInput};
use emulator_generated::dynamodb::operation::untag_resource::{UntagResourceError, UntagResourceInput};
use emulator_generated::dynamodb::operation::update_table::{UpdateTableError, UpdateTableInput, UpdateTableOutput};
use emulator_generated::dynamodb::operation::update_time_to_live::{
    UpdateTimeToLiveError, UpdateTimeToLiveInput, UpdateTimeToLiveOutput,
};
use emulator_generated::dynamodb::types::{
    AttributeValue, BillingMode, GlobalSecondaryIndex, StreamSpecification, TableStatus, Tag, TimeToLiveDescription,
    TimeToLiveStatus,
};
use emulator_generated::runtime::{Timestamp, Unit, UnmodelledError};

use super::{DynamoDb, Table, TableRecord, index, invalid, not_found, table_name};
use crate::store::Change;
use crate::{ACCOUNT_ID, REGION};

/// How long DynamoDB keeps an expired item's expiry in mind: an item whose
/// time to live passed more than five years ago is not deleted.
const TTL_HORIZON_SECONDS: i64 = 5 * 365 * 24 * 3600;
/// The most tags a table has.
const MAX_TAGS: usize = 50;
const INVALID: &str = "One or more parameter values were invalid:";

/// The stream a `StreamSpecification` asks for: its view type and its label
/// (the time it was made, as DynamoDB labels streams), or none.
pub(super) fn stream_of(
    specification: Option<&StreamSpecification>,
    made: (i64, u32),
) -> Result<Option<(String, String)>, UnmodelledError> {
    let Some(specification) = specification.filter(|s| s.stream_enabled) else { return Ok(None) };
    let Some(view) = specification.stream_view_type else {
        return Err(invalid(format!("{INVALID} If stream is being enabled then UpdateViewType is required")));
    };
    let millis = made.1 / 1_000_000;
    let at = Timestamp::from_parts(made.0, 0).map(|t| t.to_string()).unwrap_or_default();
    let label = format!("{}.{millis:03}", at.trim_end_matches('Z'));
    Ok(Some((view.as_str().to_string(), label)))
}

impl DynamoDb {
    /// Makes `table` (named `name`) again of `record`, kept first.
    fn rewrite(&self, name: &str, table: &mut Table, record: TableRecord) -> Result<(), UnmodelledError> {
        let mut made = record.table(name).ok_or_else(|| invalid("The table's new settings are not valid"))?;
        self.commit(Change::default().put(
            "table",
            name.to_string(),
            serde_json::to_vec(&record).expect("a record serialises"),
        ))?;
        made.items = std::mem::take(&mut table.items);
        made.bytes = table.bytes;
        made.index_all();
        *table = made;
        Ok(())
    }

    pub(super) fn update_table(&self, input: UpdateTableInput) -> Result<UpdateTableOutput, UpdateTableError> {
        let index_updates = input.global_secondary_index_updates.as_deref().unwrap_or_default();
        let changes_something = input.provisioned_throughput.is_some()
            || input.billing_mode.is_some()
            || input.stream_specification.is_some()
            || !index_updates.is_empty()
            || input.sse_specification.is_some()
            || input.replica_updates.is_some()
            || input.table_class.is_some()
            || input.deletion_protection_enabled.is_some();
        if !changes_something {
            return Err(invalid(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, \
                 SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, \
                 MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass \
                 is required",
            )
            .into());
        }
        // Some changes go alone.
        let others = input.provisioned_throughput.is_some()
            || input.billing_mode.is_some()
            || input.stream_specification.is_some()
            || !index_updates.is_empty();
        let alone = [
            ("Server-Side Encryption modification", input.sse_specification.is_some()),
            ("TableClass modification", input.table_class.is_some()),
            ("DeletionProtection modification", input.deletion_protection_enabled.is_some()),
        ];
        let given = alone.iter().filter(|(_, given)| *given).count();
        if let Some((what, _)) = alone.iter().find(|(_, given)| *given).filter(|_| others || given > 1) {
            return Err(invalid(format!("{INVALID} {what} must be the only operation in the request")).into());
        }
        if input.sse_specification.is_some() {
            return Err(invalid(format!("{INVALID} Table is already encrypted by default")).into());
        }
        let mut named = BTreeSet::new();
        for update in index_updates {
            let name = match (&update.create, &update.update, &update.delete) {
                (Some(create), None, None) => &create.index_name,
                (None, Some(update), None) => &update.index_name,
                (None, None, Some(delete)) => &delete.index_name,
                (None, None, None) => {
                    return Err(invalid(format!(
                        "{INVALID} One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, \
                         GlobalSecondaryIndexUpdate.Delete must not be null"
                    ))
                    .into());
                }
                _ => {
                    return Err(invalid(format!(
                        "{INVALID} Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate \
                         object"
                    ))
                    .into());
                }
            };
            if !named.insert(name.clone()) {
                return Err(invalid(format!(
                    "One or more parameter values were invalid: Only one global secondary index update per index is \
                     allowed simultaneously. Index: {name}"
                ))
                .into());
            }
        }
        if input.replica_updates.is_some() {
            return Err(UnmodelledError::server(
                "NotImplemented",
                "UpdateTable with ReplicaUpdates (global tables) is not implemented by this emulator",
            )
            .with_status(501)
            .into());
        }
        let name = table_name(&input.table_name);
        let mut tables = self.tables();
        let Some(table) = tables.get_mut(name) else {
            return Err(self.table_not_found(name).into());
        };
        let mut record = table.record.clone();
        let mode = input.billing_mode.or_else(|| record.billing_mode.as_deref().and_then(|m| m.parse().ok()));
        let mode = mode.unwrap_or(BillingMode::Provisioned);
        let was_provisioned = record.billing_mode.as_deref() != Some(BillingMode::PayPerRequest.as_str());
        match (mode, &input.provisioned_throughput) {
            (BillingMode::PayPerRequest, Some(_)) => {
                return Err(invalid(
                    "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can \
                     be specified when BillingMode is PAY_PER_REQUEST",
                )
                .into());
            }
            (BillingMode::Provisioned, None) if !was_provisioned => {
                return Err(invalid(
                    "One or more parameter values were invalid: ProvisionedThroughput must be specified when \
                     BillingMode is PROVISIONED",
                )
                .into());
            }
            (BillingMode::Provisioned, Some(asked)) => {
                let asked = (asked.read_capacity_units, asked.write_capacity_units);
                if record.capacity == Some(asked) && was_provisioned {
                    let (read, write) = asked;
                    return Err(invalid(format!(
                        "The provisioned throughput for the table will not change. The requested value equals the \
                         current value. Current ReadCapacityUnits provisioned for the table: {read}. Requested \
                         ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the table: {write}. \
                         Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for \
                         current limits and how to request higher limits."
                    ))
                    .into());
                }
                record.capacity = Some(asked);
            }
            (BillingMode::PayPerRequest, None) => record.capacity = None,
            (BillingMode::Provisioned, None) => {}
        }
        if input.billing_mode.is_some() {
            record.billing_mode = Some(mode.as_str().to_string());
        }
        // New key attributes come with the indexes that use them.
        for definition in input.attribute_definitions.iter().flatten() {
            let kind = definition.attribute_type.as_str().to_string();
            match record.attributes.iter_mut().find(|(name, _)| *name == definition.attribute_name) {
                Some((_, existing)) if *existing != kind => {
                    return Err(invalid(format!(
                        "One or more parameter values were invalid: Attribute {} is already defined with type \
                         {existing}",
                        definition.attribute_name
                    ))
                    .into());
                }
                Some(_) => {}
                None => record.attributes.push((definition.attribute_name.clone(), kind)),
            }
        }
        for update in index_updates {
            if let Some(create) = &update.create {
                if record.global_indexes.iter().any(|g| g.index_name == create.index_name)
                    || record.local_indexes.iter().any(|l| l.index_name == create.index_name)
                {
                    return Err(invalid("Attempting to create an index which already exists").into());
                }
                let index_name = &create.index_name;
                match (mode, &create.provisioned_throughput) {
                    (BillingMode::Provisioned, None) => {
                        return Err(invalid(format!(
                            "{INVALID} ProvisionedThroughput must be specified for index: {index_name}"
                        ))
                        .into());
                    }
                    (BillingMode::PayPerRequest, Some(_)) => {
                        return Err(invalid(format!(
                            "{INVALID} Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: \
                             {index_name} when BillingMode is PAY_PER_REQUEST"
                        ))
                        .into());
                    }
                    _ => {}
                }
                if create
                    .key_schema
                    .iter()
                    .any(|k| !record.attributes.iter().any(|(name, _)| *name == k.attribute_name))
                {
                    return Err(invalid(format!(
                        "{INVALID} AttributeDefinitions is not specified for index: {index_name}"
                    ))
                    .into());
                }
                record.global_indexes.push(GlobalSecondaryIndex {
                    index_name: create.index_name.clone(),
                    key_schema: create.key_schema.clone(),
                    projection: create.projection.clone(),
                    provisioned_throughput: create.provisioned_throughput.clone(),
                    on_demand_throughput: create.on_demand_throughput.clone(),
                    warm_throughput: create.warm_throughput.clone(),
                });
            }
            let changed = match (&update.update, &update.delete) {
                (Some(update), _) => Some(("update", &update.index_name)),
                (None, Some(delete)) => Some(("delete", &delete.index_name)),
                (None, None) => None,
            };
            if let Some((verb, index_name)) = changed {
                let Some(at) = record.global_indexes.iter().position(|g| g.index_name == *index_name) else {
                    if record.local_indexes.iter().any(|l| l.index_name == *index_name) {
                        return Err(invalid(format!(
                            "Cannot {verb} an index that is not a GlobalSecondaryIndex: {index_name}"
                        ))
                        .into());
                    }
                    return Err(not_found().into());
                };
                match &update.update {
                    Some(change) => {
                        record.global_indexes[at].provisioned_throughput = change.provisioned_throughput.clone()
                    }
                    None => {
                        record.global_indexes.remove(at);
                    }
                }
            }
        }
        // The indexes are checked as CreateTable checks them, against the definitions.
        let definitions = record.definitions().ok_or_else(|| invalid(format!("{INVALID} Unknown attribute type")))?;
        if let Err(message) = index::declared(&table.key, &definitions, &record.global_indexes, &record.local_indexes) {
            if message.contains("GlobalSecondaryIndex count exceeds") {
                return Err(LimitExceededException { message: Some(message) }.into());
            }
            return Err(invalid(message).into());
        }
        // DynamoDB keeps the definitions that some key uses.
        let used: BTreeSet<String> = record
            .key
            .iter()
            .map(|(name, _)| name.clone())
            .chain(record.global_indexes.iter().flat_map(|g| g.key_schema.iter().map(|k| k.attribute_name.clone())))
            .chain(record.local_indexes.iter().flat_map(|l| l.key_schema.iter().map(|k| k.attribute_name.clone())))
            .collect();
        record.attributes.retain(|(name, _)| used.contains(name));
        if let Some(specification) = &input.stream_specification {
            match (specification.stream_enabled, &record.stream) {
                (true, Some(_)) => {
                    return Err(invalid(format!("Table already has an enabled stream: TableName: {name}")).into());
                }
                (false, None) => {
                    return Err(invalid(format!("Table has no stream to disable: TableName: {name}")).into());
                }
                (true, None) => {
                    let now = crate::now().map_or((0, 0), |t| (t.epoch_seconds(), t.subsec_nanos()));
                    record.stream = stream_of(Some(specification), now)?;
                }
                (false, Some(_)) => record.stream = None,
            }
        }
        if let Some(class) = input.table_class {
            record.table_class = Some(class.as_str().to_string());
        }
        if let Some(protected) = input.deletion_protection_enabled {
            record.deletion_protection = protected;
        }
        self.rewrite(name, table, record)?;
        Ok(UpdateTableOutput { table_description: Some(table.describe(TableStatus::Updating)) })
    }

    pub(super) fn update_time_to_live(
        &self,
        input: UpdateTimeToLiveInput,
    ) -> Result<UpdateTimeToLiveOutput, UpdateTimeToLiveError> {
        let name = table_name(&input.table_name);
        let mut tables = self.tables();
        let Some(table) = tables.get_mut(name) else {
            return Err(self.table_not_found(name).into());
        };
        let specification = &input.time_to_live_specification;
        let mut record = table.record.clone();
        match (specification.enabled, &record.ttl) {
            (_, Some(attribute)) if *attribute != specification.attribute_name => {
                return Err(invalid(format!(
                    "TimeToLive is active on a different AttributeName: current AttributeName is {attribute}"
                ))
                .into());
            }
            (true, Some(_)) => return Err(invalid("TimeToLive is already enabled").into()),
            (false, None) => return Err(invalid("TimeToLive is already disabled").into()),
            (true, None) => record.ttl = Some(specification.attribute_name.clone()),
            (false, Some(_)) => record.ttl = None,
        }
        self.rewrite(name, table, record)?;
        Ok(UpdateTimeToLiveOutput { time_to_live_specification: Some(specification.clone()) })
    }

    pub(super) fn describe_time_to_live(
        &self,
        input: DescribeTimeToLiveInput,
    ) -> Result<DescribeTimeToLiveOutput, DescribeTimeToLiveError> {
        let name = table_name(&input.table_name);
        let tables = self.tables();
        let Some(table) = tables.get(name) else {
            return Err(self.table_not_found(name).into());
        };
        let description = match &table.record.ttl {
            Some(attribute) => TimeToLiveDescription {
                time_to_live_status: Some(TimeToLiveStatus::Enabled),
                attribute_name: Some(attribute.clone()),
            },
            None => {
                TimeToLiveDescription { time_to_live_status: Some(TimeToLiveStatus::Disabled), attribute_name: None }
            }
        };
        Ok(DescribeTimeToLiveOutput { time_to_live_description: Some(description) })
    }

    /// Deletes, at most once a second, the items whose time to live has
    /// passed (a number of seconds since the epoch in the table's TTL
    /// attribute, less than five years ago), as DynamoDB's background
    /// process does, a batch at a time, recorded.
    pub(super) fn expire(&self, tables: &mut BTreeMap<String, Table>) {
        let Some(now) = crate::now().map(|t| t.epoch_seconds()) else { return };
        if self.swept.swap(now, Ordering::Relaxed) >= now {
            return;
        }
        for (name, table) in tables.iter_mut() {
            let Some(attribute) = table.record.ttl.clone() else { continue };
            let expired: Vec<super::Key> = table
                .items
                .iter()
                .filter(|(_, kept)| match kept.item.get(&attribute) {
                    Some(AttributeValue::N(text)) => {
                        text.parse::<f64>().is_ok_and(|at| at < now as f64 && at > (now - TTL_HORIZON_SECONDS) as f64)
                    }
                    _ => false,
                })
                .map(|(key, _)| key.clone())
                .collect();
            if expired.is_empty() {
                continue;
            }
            let mut change = Change::default();
            for key in &expired {
                change = change.delete("item", key.record_key(name));
            }
            if self.commit(change).is_err() {
                continue;
            }
            for key in expired {
                table.place(key, None);
            }
        }
    }

    /// The table a tag operation's `ResourceArn` names, or DynamoDB's
    /// message for why it names none.
    fn tagged_table(&self, arn: &str) -> Result<String, UnmodelledError> {
        let shown = emulator_generated::runtime::excerpt(arn);
        if !arn.starts_with("arn:") {
            return Err(invalid(format!("{INVALID} ARNs must start with 'arn:': {shown}")));
        }
        if !arn.starts_with("arn:aws:dynamodb:") {
            return Err(invalid(format!("{INVALID} Provided Arn is not a DynamoDB resource arn: {shown}")));
        }
        let prefix = format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/");
        match arn.strip_prefix(prefix.as_str()) {
            Some(name) if !name.is_empty() && !name.contains('/') => Ok(name.to_string()),
            Some(_) => Err(invalid(format!(
                "{INVALID} Invalid resource arn provided, only table or stream is accepted. Provided resource arn: \
                 {shown}"
            ))),
            None => Err(invalid(format!("Invalid TableArn: Invalid ResourceArn provided as input {shown}"))),
        }
    }

    fn arn_not_found(arn: &str) -> ResourceNotFoundException {
        ResourceNotFoundException {
            message: Some(format!(
                "Requested resource not found: ResourcArn: {} not found",
                emulator_generated::runtime::excerpt(arn)
            )),
        }
    }

    pub(super) fn tag_resource(&self, input: TagResourceInput) -> Result<Unit, TagResourceError> {
        let name = self.tagged_table(&input.resource_arn)?;
        let mut tables = self.tables();
        let Some(table) = tables.get_mut(&name) else {
            return Err(Self::arn_not_found(&input.resource_arn).into());
        };
        let mut record = table.record.clone();
        record.tags = tagged(&record.tags, &input.tags)?;
        self.rewrite(&name, table, record)?;
        Ok(Unit {})
    }

    pub(super) fn untag_resource(&self, input: UntagResourceInput) -> Result<Unit, UntagResourceError> {
        let name = self.tagged_table(&input.resource_arn)?;
        if input.tag_keys.is_empty() {
            return Err(invalid("Atleast one Tag Key needs to be provided as Input.").into());
        }
        let mut tables = self.tables();
        let Some(table) = tables.get_mut(&name) else {
            return Err(not_found().into());
        };
        let mut record = table.record.clone();
        for key in &input.tag_keys {
            record.tags.remove(key);
        }
        self.rewrite(&name, table, record)?;
        Ok(Unit {})
    }

    pub(super) fn list_tags_of_resource(
        &self,
        input: ListTagsOfResourceInput,
    ) -> Result<ListTagsOfResourceOutput, ListTagsOfResourceError> {
        let name = self.tagged_table(&input.resource_arn)?;
        let tables = self.tables();
        let Some(table) = tables.get(&name) else {
            return Err(Self::arn_not_found(&input.resource_arn).into());
        };
        let tags =
            table.record.tags.iter().map(|(key, value)| Tag { key: key.clone(), value: value.clone() }).collect();
        Ok(ListTagsOfResourceOutput { tags: Some(tags), next_token: None })
    }
}

/// `tags` with `added` put over them, checked as DynamoDB checks tags
/// (TagResource's and CreateTable's).
pub(super) fn tagged(
    tags: &BTreeMap<String, String>,
    added: &[Tag],
) -> Result<BTreeMap<String, String>, UnmodelledError> {
    if added.is_empty() {
        return Err(invalid("Atleast one Tag needs to be provided as Input."));
    }
    let mut seen = BTreeSet::new();
    let mut tags = tags.clone();
    for Tag { key, value } in added {
        if key.starts_with("aws:") {
            return Err(invalid(format!(
                "Tag Key cannot be prefixed with aws:, Key: {}",
                emulator_generated::runtime::excerpt(key)
            )));
        }
        if !seen.insert(key.as_str()) {
            return Err(invalid(format!(
                "Duplicate Tag Keys provided as input: Duplicate Tag Key found {}",
                emulator_generated::runtime::excerpt(key)
            )));
        }
        tags.insert(key.clone(), value.clone());
    }
    if tags.len() > MAX_TAGS {
        return Err(invalid("Number of Tags exceed the current limit for the provided ResourceArn"));
    }
    Ok(tags)
}
