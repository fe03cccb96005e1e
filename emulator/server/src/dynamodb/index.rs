//! Secondary indexes: global ones (any partition and sort key) and local
//! ones (the table's partition key, another sort key), as CreateTable
//! declares them and Query and Scan read them: an index holds the items
//! that have its key attributes (a sparse index), with the attributes its
//! projection keeps (`ALL`, `KEYS_ONLY`, `INCLUDE`).

use std::collections::{BTreeMap, BTreeSet};

use emulator_generated::dynamodb::types::{
    AttributeDefinition, GlobalSecondaryIndex, GlobalSecondaryIndexDescription, IndexStatus, KeySchemaElement,
    LocalSecondaryIndex, LocalSecondaryIndexDescription, Projection, ProjectionType, ProvisionedThroughputDescription,
};

use super::item::Item;
use super::{Key, KeySchema, KeyValue};
use crate::{ACCOUNT_ID, REGION};

/// The most local and global secondary indexes a table has.
const MAX_LOCAL: usize = 5;
const MAX_GLOBAL: usize = 20;

pub struct Index {
    pub name: String,
    pub key: KeySchema,
    pub key_schema: Vec<KeySchemaElement>,
    pub projection: Projection,
    pub local: bool,
    /// The keys of the table's items it holds, by its partition key's
    /// value: what a Query of it reads (kept by [`Index::note`]).
    pub partitions: BTreeMap<KeyValue, BTreeSet<Key>>,
}

impl Index {
    /// What the index keeps of `item`, whose table's key is `table_key`.
    pub fn project(&self, table_key: &KeySchema, item: &Item) -> Item {
        let keys =
            [Some(&table_key.partition), table_key.sort.as_ref(), Some(&self.key.partition), self.key.sort.as_ref()];
        let key_names: BTreeSet<&str> = keys.into_iter().flatten().map(|k| k.name.as_str()).collect();
        let included: BTreeSet<&str> =
            self.projection.non_key_attributes.iter().flatten().map(String::as_str).collect();
        match self.projection.projection_type.unwrap_or(ProjectionType::All) {
            ProjectionType::All => item.clone(),
            ProjectionType::KeysOnly => item
                .iter()
                .filter(|(name, _)| key_names.contains(name.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            ProjectionType::Include => item
                .iter()
                .filter(|(name, _)| key_names.contains(name.as_str()) || included.contains(name.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Notes that the table's item `key` is `item` (added), or is no longer
    /// (not `added`), if it holds it.
    pub fn note(&mut self, key: &Key, item: &Item, added: bool) {
        let Ok(entry) = self.key.key_of(item) else { return };
        if added {
            self.partitions.entry(entry.partition).or_default().insert(key.clone());
        } else if let Some(keys) = self.partitions.get_mut(&entry.partition) {
            keys.remove(key);
            if keys.is_empty() {
                self.partitions.remove(&entry.partition);
            }
        }
    }

    pub fn projects_all(&self) -> bool {
        self.projection.projection_type.unwrap_or(ProjectionType::All) == ProjectionType::All
    }
}

/// The indexes CreateTable declares, over a table whose key is `table`, or
/// DynamoDB's message for why they are not.
pub fn declared(
    table: &KeySchema,
    definitions: &[AttributeDefinition],
    global: &[GlobalSecondaryIndex],
    local: &[LocalSecondaryIndex],
) -> Result<Vec<Index>, String> {
    if local.len() > MAX_LOCAL {
        return Err(format!(
            "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LOCAL}"
        ));
    }
    if global.len() > MAX_GLOBAL {
        return Err(format!(
            "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GLOBAL}"
        ));
    }
    let mut indexes = Vec::new();
    let mut names = BTreeSet::new();
    let declared = global
        .iter()
        .map(|g| (&g.index_name, &g.key_schema, &g.projection, false))
        .chain(local.iter().map(|l| (&l.index_name, &l.key_schema, &l.projection, true)));
    for (name, key_schema, projection, is_local) in declared {
        if !names.insert(name.clone()) {
            return Err(format!("One or more parameter values were invalid: Duplicate index name: {name}"));
        }
        let key = KeySchema::of(key_schema, definitions)?;
        if is_local {
            if table.sort.is_none() {
                return Err("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex".to_string());
            }
            if key.partition.name != table.partition.name || key.sort.is_none() {
                return Err(format!(
                    "One or more parameter values were invalid: Index KeySchema does not have a range key for index: {name}"
                ));
            }
        }
        match (projection.projection_type, &projection.non_key_attributes) {
            (Some(ProjectionType::Include), None) => {
                return Err("One or more parameter values were invalid: NonKeyAttributes must be specified when ProjectionType is INCLUDE".to_string());
            }
            (Some(ProjectionType::All | ProjectionType::KeysOnly) | None, Some(_)) => {
                return Err("One or more parameter values were invalid: ProjectionType is ALL or KEYS_ONLY, but NonKeyAttributes is specified".to_string());
            }
            _ => {}
        }
        indexes.push(Index {
            name: name.clone(),
            key,
            key_schema: key_schema.clone(),
            projection: projection.clone(),
            local: is_local,
            partitions: BTreeMap::new(),
        });
    }
    Ok(indexes)
}

/// DescribeTable's descriptions of the indexes of table `table`, holding
/// `counts` items each.
pub fn describe(
    table: &str,
    indexes: &[Index],
    counts: &[(usize, usize)],
    provisioned: Option<(i64, i64)>,
) -> (Option<Vec<GlobalSecondaryIndexDescription>>, Option<Vec<LocalSecondaryIndexDescription>>) {
    let mut global = Vec::new();
    let mut local = Vec::new();
    for (index, (count, bytes)) in indexes.iter().zip(counts) {
        let arn = format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{table}/index/{}", index.name);
        if index.local {
            local.push(LocalSecondaryIndexDescription {
                index_name: Some(index.name.clone()),
                key_schema: Some(index.key_schema.clone()),
                projection: Some(index.projection.clone()),
                index_size_bytes: i64::try_from(*bytes).ok(),
                item_count: i64::try_from(*count).ok(),
                index_arn: Some(arn),
            });
        } else {
            global.push(GlobalSecondaryIndexDescription {
                index_name: Some(index.name.clone()),
                key_schema: Some(index.key_schema.clone()),
                projection: Some(index.projection.clone()),
                index_status: Some(IndexStatus::Active),
                provisioned_throughput: Some(ProvisionedThroughputDescription {
                    number_of_decreases_today: Some(0),
                    read_capacity_units: Some(provisioned.map_or(0, |c| c.0)),
                    write_capacity_units: Some(provisioned.map_or(0, |c| c.1)),
                    ..Default::default()
                }),
                index_size_bytes: i64::try_from(*bytes).ok(),
                item_count: i64::try_from(*count).ok(),
                index_arn: Some(arn),
                ..Default::default()
            });
        }
    }
    ((!global.is_empty()).then_some(global), (!local.is_empty()).then_some(local))
}

/// The attributes the table's and its indexes' keys use, for CreateTable's
/// check that every definition is used.
pub fn key_names(
    table: &[KeySchemaElement],
    global: &[GlobalSecondaryIndex],
    local: &[LocalSecondaryIndex],
) -> BTreeSet<String> {
    table
        .iter()
        .chain(global.iter().flat_map(|g| &g.key_schema))
        .chain(local.iter().flat_map(|l| &l.key_schema))
        .map(|k| k.attribute_name.clone())
        .collect()
}
