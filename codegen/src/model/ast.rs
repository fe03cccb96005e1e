//! The Smithy 2.0 JSON AST as it is written in a spec file, before any checks.
//!
//! Maps whose order reaches the output (members) keep the order of the file,
//! and every map rejects duplicate keys instead of keeping the last one.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// One spec file: `{"smithy": "2.0", "metadata": {...}, "shapes": {...}}`.
///
/// Shapes stay raw JSON here so that each can be parsed on its own and an
/// error can name the shape it is in.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile<'a> {
    pub smithy: String,
    #[serde(default)]
    pub metadata: BTreeMap<String, Value>,
    #[serde(default, borrow)]
    pub shapes: OrderedMap<&'a RawValue>,
}

/// A shape as written. Which fields are allowed depends on `type`; the
/// checker reports fields that do not belong. Serialises as the JSON AST
/// writes it (empty fields left out).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Traits::is_empty")]
    pub traits: Traits,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<OrderedMap<Member>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<Member>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Member>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Member>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Target>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Target>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Target>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Target>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mixins: Vec<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rename: Option<BTreeMap<String, String>>,
    // Resource lifecycle fields: accepted so that a model with resources
    // loads; the checker refuses resources it would have to generate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<BTreeMap<String, Target>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, Target>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub put: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<Target>,
    #[serde(default, rename = "collectionOperations", skip_serializing_if = "Vec::is_empty")]
    pub collection_operations: Vec<Target>,
}

impl Shape {
    /// The members, whichever fields hold them, in model order: a
    /// structure's, union's or enum's; a list's `member`; a map's `key` and
    /// `value`.
    pub fn members(&self) -> Vec<(&str, &Member)> {
        let mut members: Vec<(&str, &Member)> = self.members.iter().flat_map(|m| m.iter()).collect();
        for (name, member) in [("member", &self.member), ("key", &self.key), ("value", &self.value)] {
            if let Some(member) = member {
                members.push((name, member));
            }
        }
        members
    }

    /// The operations the shape (a service or resource) binds itself, with
    /// the field that binds each: lifecycle operations, `operations` and
    /// `collectionOperations`, in that order.
    pub fn operation_bindings(&self) -> Vec<(&'static str, &String)> {
        let lifecycle = self.lifecycle().into_iter().filter_map(|(field, t)| t.as_ref().map(|t| (field, &t.target)));
        let mut out: Vec<(&'static str, &String)> = lifecycle.collect();
        out.extend(self.operations.iter().map(|t| ("operations", &t.target)));
        out.extend(self.collection_operations.iter().map(|t| ("collectionOperations", &t.target)));
        out
    }

    /// A resource's lifecycle operations, by the property that binds each.
    pub fn lifecycle(&self) -> [(&'static str, &Option<Target>); 6] {
        [
            ("create", &self.create),
            ("put", &self.put),
            ("read", &self.read),
            ("update", &self.update),
            ("delete", &self.delete),
            ("list", &self.list),
        ]
    }
}

/// Every operation bound to the service `service_id`, directly or through
/// (nested) resources, in the order the model binds them, each once;
/// `shape` looks a shape up by id.
pub fn bound_operations<'a>(service_id: &'a str, shape: impl Fn(&str) -> Option<&'a Shape>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![service_id];
    while let Some(id) = stack.pop() {
        let Some(found) = shape(id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        for (_, target) in found.operation_bindings() {
            if !out.contains(&target.as_str()) {
                out.push(target.as_str());
            }
        }
        stack.extend(found.resources.iter().rev().map(|t| t.target.as_str()));
    }
    out
}

/// A member of a structure, union, enum, list or map.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub target: String,
    #[serde(default, skip_serializing_if = "Traits::is_empty")]
    pub traits: Traits,
}

/// A reference to another shape: `{"target": "ns#Name"}`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub target: String,
}

/// Trait values by absolute trait id. Order does not reach the output.
pub type Traits = BTreeMap<String, Value>;

/// A JSON object read in file order that refuses duplicate keys.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedMapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedMapVisitor<V> {
            type Value = OrderedMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, V)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, V>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate key `{key}`: each name may appear once"
                        )));
                    }
                    entries.push((key, value));
                }
                Ok(OrderedMap(entries))
            }
        }

        deserializer.deserialize_map(OrderedMapVisitor(PhantomData))
    }
}
