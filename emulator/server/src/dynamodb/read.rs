//! Reading many items: Query (a partition's items, by a key condition, in
//! sort-key order) and Scan (a table's items, in segments), with filter and
//! projection expressions, `Select`, `Limit` (items evaluated, before the
//! filter), pages of at most 1 MB and `ExclusiveStartKey`/
//! `LastEvaluatedKey`.

use std::cmp::Ordering;

use emulator_generated::dynamodb::types::{AttributeValue, Select};

use super::eval;
use super::expression::{Comparator, Condition, Operand, Path, Refused, Step};
use super::index::Index;
use super::item::Item;
use super::{Kept, Key, KeySchema, Table};

/// What a Query or Scan reads: a table, or one of its indexes.
#[derive(Clone, Copy)]
pub struct View<'t> {
    pub table: &'t Table,
    pub index: Option<&'t Index>,
}

impl<'t> View<'t> {
    /// The key its items are found and ordered by.
    pub fn schema(&self) -> &'t KeySchema {
        self.index.map_or(&self.table.key, |index| &index.key)
    }

    /// Whether it holds `item` (an index holds the items with its keys).
    fn holds(&self, item: &Item) -> bool {
        self.index.is_none_or(|index| index.key.key_of(item).is_ok())
    }

    /// What it keeps of `item`.
    fn project(&self, item: &Item) -> Item {
        match self.index {
            Some(index) => index.project(&self.table.key, item),
            None => item.clone(),
        }
    }
}

/// The most bytes of items a page holds before it stops (1 MB).
const PAGE_BYTES: usize = 1_048_576;

/// What a Query asks of a table's key: its partition key's value, and a
/// condition on its sort key.
pub struct KeyCondition {
    partition: AttributeValue,
    sort: Option<SortCondition>,
}

enum SortCondition {
    Compare(Comparator, AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

/// The key condition a KeyConditionExpression states for `table`, or
/// DynamoDB's message for why it is not one.
pub fn key_condition(schema: &KeySchema, condition: &Condition) -> Result<KeyCondition, Refused> {
    let mut parts = Vec::new();
    flatten(condition, &mut parts)?;
    let attribute = |path: &Path| match path.as_slice() {
        [Step::Name(name)] => Some(name.clone()),
        _ => None,
    };
    let (mut partition, mut sort) = (None, None);
    for part in parts {
        let (name, condition) = match part {
            Condition::Compare(Operand::Path(path), comparator, Operand::Value(value)) => {
                (attribute(path), SortCondition::Compare(*comparator, value.clone()))
            }
            Condition::Compare(Operand::Value(value), comparator, Operand::Path(path)) => {
                (attribute(path), SortCondition::Compare(flip(*comparator), value.clone()))
            }
            Condition::Between(Operand::Path(path), Operand::Value(low), Operand::Value(high)) => {
                if eval::order(low, high) == Some(Ordering::Greater) {
                    return Err("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound".to_string());
                }
                (attribute(path), SortCondition::Between(low.clone(), high.clone()))
            }
            Condition::BeginsWith(Operand::Path(path), Operand::Value(prefix)) => {
                (attribute(path), SortCondition::BeginsWith(prefix.clone()))
            }
            _ => return Err("Query key condition not supported".to_string()),
        };
        let Some(name) = name else { return Err("Query key condition not supported".to_string()) };
        if name == schema.partition.name {
            match condition {
                SortCondition::Compare(Comparator::Eq, value) if partition.is_none() => partition = Some(value),
                _ => return Err("Query key condition not supported".to_string()),
            }
        } else if schema.sort.as_ref().is_some_and(|s| s.name == name) && sort.is_none() {
            if matches!(condition, SortCondition::Compare(Comparator::Ne, _)) {
                return Err("Query key condition not supported".to_string());
            }
            sort = Some(condition);
        } else {
            return Err("Query key condition not supported".to_string());
        }
    }
    let partition =
        partition.ok_or_else(|| format!("Query condition missed key schema element: {}", schema.partition.name))?;
    Ok(KeyCondition { partition, sort })
}

/// A key condition's parts, joined by `AND` (no `OR` or `NOT`).
fn flatten<'c>(condition: &'c Condition, parts: &mut Vec<&'c Condition>) -> Result<(), Refused> {
    match condition {
        Condition::And(a, b) => {
            flatten(a, parts)?;
            flatten(b, parts)
        }
        Condition::Or(..) => Err("Invalid operator used in KeyConditionExpression: OR".to_string()),
        Condition::Not(..) => Err("Invalid operator used in KeyConditionExpression: NOT".to_string()),
        other => {
            parts.push(other);
            Ok(())
        }
    }
}

fn flip(comparator: Comparator) -> Comparator {
    match comparator {
        Comparator::Lt => Comparator::Gt,
        Comparator::Le => Comparator::Ge,
        Comparator::Gt => Comparator::Lt,
        Comparator::Ge => Comparator::Le,
        other => other,
    }
}

impl KeyCondition {
    fn matches(&self, schema: &KeySchema, item: &Item) -> bool {
        let partition = item.get(&schema.partition.name);
        if !partition.is_some_and(|value| eval::equal(value, &self.partition)) {
            return false;
        }
        let Some(condition) = &self.sort else { return true };
        let Some(sort) = schema.sort.as_ref().and_then(|s| item.get(&s.name)) else { return false };
        match condition {
            SortCondition::Compare(comparator, value) => {
                let order = eval::order(sort, value);
                match comparator {
                    Comparator::Eq => eval::equal(sort, value),
                    Comparator::Lt => order == Some(Ordering::Less),
                    Comparator::Le => matches!(order, Some(Ordering::Less | Ordering::Equal)),
                    Comparator::Gt => order == Some(Ordering::Greater),
                    Comparator::Ge => matches!(order, Some(Ordering::Greater | Ordering::Equal)),
                    Comparator::Ne => false,
                }
            }
            SortCondition::Between(low, high) => {
                matches!(eval::order(sort, low), Some(Ordering::Greater | Ordering::Equal))
                    && matches!(eval::order(sort, high), Some(Ordering::Less | Ordering::Equal))
            }
            SortCondition::BeginsWith(prefix) => match (sort, prefix) {
                (AttributeValue::S(s), AttributeValue::S(p)) => s.starts_with(p.as_str()),
                (AttributeValue::B(s), AttributeValue::B(p)) => s.as_bytes().starts_with(p.as_bytes()),
                _ => false,
            },
        }
    }
}

/// What a Query or Scan asks beyond the items to look at.
pub struct Reading<'r> {
    pub filter: Option<&'r Condition>,
    pub projection: Option<&'r [Path]>,
    pub select: Option<Select>,
    pub limit: Option<usize>,
    pub start: Option<Start>,
}

/// An `ExclusiveStartKey`: as given, and as the table's key.
pub struct Start {
    pub item: Item,
    pub key: Key,
}

/// A page: the items (none for `Select=COUNT`), how many matched and were
/// looked at (and their size), and the key to start the next page from.
pub struct Page {
    pub items: Option<Vec<Item>>,
    pub count: usize,
    pub scanned: usize,
    pub bytes: usize,
    pub last: Option<Item>,
}

/// Reads `candidates` (in the order to answer them) as `reading` asks.
fn read<'t>(view: View<'t>, candidates: Vec<(&'t Key, &'t Kept)>, reading: &Reading<'_>) -> Result<Page, Refused> {
    let mut items = Vec::new();
    let (mut count, mut scanned, mut bytes) = (0, 0, 0);
    let mut last = None;
    let total = candidates.len();
    for (index, (_, kept)) in candidates.into_iter().enumerate() {
        scanned += 1;
        bytes += kept.size;
        let seen = view.project(&kept.item);
        let passes = match reading.filter {
            Some(filter) => eval::holds(&seen, filter)?,
            None => true,
        };
        if passes {
            count += 1;
            if reading.select != Some(Select::Count) {
                items.push(match reading.projection {
                    Some(paths) => eval::project(&seen, paths),
                    None => seen,
                });
            }
        }
        // A page ends at the limit (and says where, even if nothing
        // follows, as DynamoDB does), or at 1 MB if more follow.
        let at_limit = reading.limit.is_some_and(|limit| scanned >= limit);
        if at_limit || (bytes >= PAGE_BYTES && index + 1 < total) {
            last = Some(key_of(view, &kept.item));
            break;
        }
    }
    let items = (reading.select != Some(Select::Count)).then_some(items);
    Ok(Page { items, count, scanned, bytes, last })
}

/// The key attributes of `item`, as `LastEvaluatedKey` gives them: the
/// table's, and an index's.
fn key_of(view: View<'_>, item: &Item) -> Item {
    let table = &view.table.key;
    let index = view.index.map(|index| &index.key);
    let keys =
        [Some(&table.partition), table.sort.as_ref(), index.map(|k| &k.partition), index.and_then(|k| k.sort.as_ref())];
    keys.into_iter().flatten().filter_map(|key| Some((key.name.clone(), item.get(&key.name)?.clone()))).collect()
}

/// A Query of `table`: the items `condition` selects, in sort-key order
/// (`forward`, else reversed).
pub fn query(view: View<'_>, condition: &KeyCondition, forward: bool, reading: &Reading<'_>) -> Result<Page, Refused> {
    let (table, schema) = (view.table, view.schema());
    // The partition key's value must be of its type.
    let named = Item::from([(schema.partition.name.clone(), condition.partition.clone())]);
    let partition = super::key_value(&schema.partition, &named).map_err(|_| {
        "One or more parameter values were invalid: Condition parameter type does not match schema type".to_string()
    })?;
    // Only the partition's items are looked at: the table's are in key
    // order, a partition's together; an index notes its partitions' keys.
    let items: Box<dyn Iterator<Item = (&Key, &Kept)>> = match view.index {
        None => {
            let from = Key { partition: partition.clone(), sort: None };
            Box::new(table.items.range(from..).take_while(move |(key, _)| key.partition == partition))
        }
        Some(index) => Box::new(
            index.partitions.get(&partition).into_iter().flatten().filter_map(|key| table.items.get_key_value(key)),
        ),
    };
    let mut candidates: Vec<(&Key, &Kept)> =
        items.filter(|(_, kept)| view.holds(&kept.item) && condition.matches(schema, &kept.item)).collect();
    if let Some(sort) = &schema.sort {
        candidates.sort_by(|(_, a), (_, b)| match (a.item.get(&sort.name), b.item.get(&sort.name)) {
            (Some(x), Some(y)) => eval::order(x, y).unwrap_or(Ordering::Equal),
            _ => Ordering::Equal,
        });
    }
    if !forward {
        candidates.reverse();
    }
    if let Some(start) = &reading.start {
        // The items after the start key, in the order asked.
        let sort = schema.sort.as_ref().map(|sort| &sort.name);
        let start_sort = sort.and_then(|sort| start.item.get(sort));
        candidates.retain(|(key, kept)| match (sort.and_then(|s| kept.item.get(s)), start_sort) {
            (Some(value), Some(from)) => {
                // Items of one index sort value are in table-key order.
                let ordering = eval::order(value, from).unwrap_or(Ordering::Equal).then_with(|| (*key).cmp(&start.key));
                if forward { ordering == Ordering::Greater } else { ordering == Ordering::Less }
            }
            // Without a sort key, a partition holds one item.
            _ => *key != &start.key,
        });
    }
    read(view, candidates, reading)
}

/// A Scan of a table or index, or of its `segment` of `segments`.
pub fn scan(view: View<'_>, segment: Option<(usize, usize)>, reading: &Reading<'_>) -> Result<Page, Refused> {
    let table = view.table;
    let in_segment = |key: &Key| match segment {
        Some((segment, segments)) => {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            key.partition.hash(&mut hasher);
            (hasher.finish() % segments as u64) as usize == segment
        }
        None => true,
    };
    let candidates: Vec<(&Key, &Kept)> = match &reading.start {
        Some(start) => table.items.range(start.key.clone()..).filter(|(key, _)| **key != start.key).collect(),
        None => table.items.iter().collect(),
    };
    let candidates = candidates.into_iter().filter(|(key, kept)| in_segment(key) && view.holds(&kept.item)).collect();
    read(view, candidates, reading)
}
