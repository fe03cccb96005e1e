//! The capacity a call consumes, as DynamoDB counts it, for
//! `ReturnConsumedCapacity`: a read unit per 4 KB read (half for an
//! eventually consistent read; a Query or Scan rounds what it read in all,
//! a batch each item), a write unit per 1 KB written (an item's size the
//! larger of before and after the write, at least one unit), twice either in
//! a transaction; and a secondary index's writes for the items it holds:
//! its entry's size, or an entry removed and one added when the item's
//! index key changed. Worked out only when a call asks for it.

use std::collections::BTreeMap;

use emulator_generated::dynamodb::types::{Capacity, ConsumedCapacity, ReturnConsumedCapacity};

use super::Table;
use super::index::Index;
use super::item::{self, Item};

const READ_UNIT: usize = 4096;
const WRITE_UNIT: usize = 1024;

/// What a call consumed: on the table, and on each index by name (and
/// whether it is local).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Consumed {
    table: f64,
    indexes: BTreeMap<String, (bool, f64)>,
}

/// Units of `unit` bytes for `bytes`: at least one.
fn units(bytes: usize, unit: usize) -> f64 {
    bytes.div_ceil(unit).max(1) as f64
}

/// An item's size as DynamoDB counts it.
fn size(item: &Item) -> usize {
    item::check_item(item).unwrap_or(0)
}

impl Consumed {
    /// A read of `bytes` (an item, or what a Query or Scan read) from the
    /// table, or from `index`.
    pub fn read(bytes: usize, consistent: bool, index: Option<&Index>) -> Consumed {
        let units = units(bytes, READ_UNIT) * if consistent { 1.0 } else { 0.5 };
        match index {
            None => Consumed { table: units, indexes: BTreeMap::new() },
            Some(index) => {
                Consumed { table: 0.0, indexes: BTreeMap::from([(index.name.clone(), (index.local, units))]) }
            }
        }
    }

    /// A write of `table`'s item from `old` to `new` (either absent): the
    /// table's units, and its indexes'.
    pub fn write(table: &Table, old: Option<&Item>, new: Option<&Item>) -> Consumed {
        let written = old.map_or(0, size).max(new.map_or(0, size));
        let mut consumed = Consumed { table: units(written, WRITE_UNIT), indexes: BTreeMap::new() };
        for index in &table.indexes {
            let entry = |item: Option<&Item>| {
                let item = item?;
                let key = index.key.key_of(item).ok()?;
                Some((key, size(&index.project(&table.key, item))))
            };
            let units = match (entry(old), entry(new)) {
                (None, None) => continue,
                (Some((before, old)), Some((after, new))) if before == after => units(old.max(new), WRITE_UNIT),
                (Some((_, old)), Some((_, new))) => units(old, WRITE_UNIT) + units(new, WRITE_UNIT),
                (Some((_, bytes)), None) | (None, Some((_, bytes))) => units(bytes, WRITE_UNIT),
            };
            consumed.indexes.insert(index.name.clone(), (index.local, units));
        }
        consumed
    }

    /// This and `other`.
    pub fn add(&mut self, other: Consumed) {
        self.table += other.table;
        for (name, (local, units)) in other.indexes {
            self.indexes.entry(name).or_insert((local, 0.0)).1 += units;
        }
    }

    /// Twice this: a transaction's.
    pub fn doubled(mut self) -> Consumed {
        self.table *= 2.0;
        for (_, units) in self.indexes.values_mut() {
            *units *= 2.0;
        }
        self
    }

    /// What the answer says of it for table `name`, as `asked`: the total
    /// (`TOTAL`), or also the table's and each index's share (`INDEXES`).
    pub fn answer(&self, name: &str, asked: Option<ReturnConsumedCapacity>) -> Option<ConsumedCapacity> {
        let indexes = match asked? {
            ReturnConsumedCapacity::None => return None,
            ReturnConsumedCapacity::Total => false,
            ReturnConsumedCapacity::Indexes => true,
        };
        let total = self.table + self.indexes.values().map(|(_, units)| units).sum::<f64>();
        let capacity = |units: f64| Capacity { capacity_units: Some(units), ..Default::default() };
        let of = |local: bool| -> Option<BTreeMap<String, Capacity>> {
            let shares: BTreeMap<String, Capacity> = self
                .indexes
                .iter()
                .filter(|(_, (is_local, _))| *is_local == local)
                .map(|(name, (_, units))| (name.clone(), capacity(*units)))
                .collect();
            (!shares.is_empty()).then_some(shares)
        };
        Some(ConsumedCapacity {
            table_name: Some(name.to_string()),
            capacity_units: Some(total),
            table: (indexes && self.table > 0.0).then(|| capacity(self.table)),
            global_secondary_indexes: if indexes { of(false) } else { None },
            local_secondary_indexes: if indexes { of(true) } else { None },
            ..Default::default()
        })
    }
}

/// Whether a call asked for what it consumed.
pub fn asked(asked: Option<ReturnConsumedCapacity>) -> bool {
    matches!(asked, Some(ReturnConsumedCapacity::Total | ReturnConsumedCapacity::Indexes))
}
