//! Reading an awsQuery request: its parameters (a form-encoded body, or a
//! GET's query string), and its input from them.
//!
//! The parameters name their place in the input by dotted keys: a member by
//! its key (`@xmlName`, else its name), a list's items by index from 1
//! under the list's member name (`Names.member.1`) or directly where the
//! member is `@xmlFlattened` (`Names.1`), a map's entries as `key` and
//! `value` under an index (`Tags.entry.1.key`), an empty list as the list's
//! key with an empty value. [`Form::input`] reads them, in key order, into
//! the JSON document the input's generated reader reads (as restJson1's
//! bound members are read through its head document), so every constraint
//! is checked by the same tables and reported at the same paths as in the
//! JSON protocols.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::super::json::{JsonWriter, text_value};
use crate::http::decode::percent_decode;
use crate::validate::{self, MalformedInput, Member, Read, Rejection, Schema, Structure};

/// The most parameters a request may send.
pub const MAX_PARAMETERS: usize = 10_000;

/// The most dot-separated segments a parameter's key may have: the depth
/// the input may nest to.
pub const MAX_KEY_SEGMENTS: usize = 64;

/// A request's parameters, decoded, in the order sent.
#[derive(Debug, Default)]
pub struct Form<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

/// Why a request's parameters could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError(pub String);

impl<'a> Form<'a> {
    /// The parameters of `text` (`a=1&b=2`, percent-encoded, `+` a space).
    pub fn parse(text: &'a [u8]) -> Result<Self, FormError> {
        let text = std::str::from_utf8(text).map_err(|_| FormError("the parameters are not UTF-8 text".into()))?;
        let mut pairs = Vec::new();
        for pair in text.split('&').filter(|pair| !pair.is_empty()) {
            if pairs.len() == MAX_PARAMETERS {
                return Err(FormError(format!("the request has more than {MAX_PARAMETERS} parameters")));
            }
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &'a str| {
                percent_decode(text, true).map_err(|e| FormError(format!("a parameter {}", e.describe())))
            };
            let key = decode(key)?;
            if key.split('.').count() > MAX_KEY_SEGMENTS {
                return Err(FormError(format!("a parameter's key has more than {MAX_KEY_SEGMENTS} parts")));
            }
            pairs.push((key, decode(value)?));
        }
        Ok(Form { pairs })
    }

    /// The value of the parameter `key` (the first, if it was sent twice).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, value)| value.as_ref())
    }

    /// The input of an operation, read from the parameters (all but
    /// `Action` and `Version`) and checked against `schema`.
    pub fn input<T: Read>(&self, schema: &'static Structure) -> Result<T, Rejection> {
        let document = self.document(schema).map_err(|message| {
            Rejection::Malformed(MalformedInput { path: String::new(), message: message.to_string() })
        })?;
        validate::parse(schema, &document)
    }

    /// The parameters as the JSON document of `schema`'s reader.
    fn document(&self, schema: &Structure) -> Result<Vec<u8>, &'static str> {
        // Every key's parts in one vector (a vector per key was a fifth of
        // the allocations), then each entry a slice of it.
        let mut parts: Vec<&str> = Vec::with_capacity(self.pairs.len() * 4);
        let mut ranges = Vec::with_capacity(self.pairs.len());
        for (key, value) in self.pairs.iter().filter(|(key, _)| key != "Action" && key != "Version") {
            let start = parts.len();
            parts.extend(key.split('.'));
            ranges.push((start..parts.len(), value.as_ref()));
        }
        let mut entries: Vec<(&[&str], &str)> =
            ranges.into_iter().map(|(range, value)| (&parts[range], value)).collect();
        entries.sort_unstable_by(|a, b| compare_keys(a.0, b.0));
        let mut out = JsonWriter::with_capacity(self.pairs.iter().map(|(k, v)| k.len() + v.len() + 8).sum());
        structure(&mut out, schema.members, &entries, 0)?;
        Ok(out.into_bytes())
    }
}

/// Keys in order, part by part, indexes by their number, so that a list's
/// items come in the order of their indexes.
fn compare_keys(a: &[&str], b: &[&str]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (index(x), index(y)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// A key part that is a list or map index: a decimal number.
fn index(part: &str) -> Option<u64> {
    part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
}

/// Parameters sorted by key, each with its key's parts.
type Entries<'e, 'a> = &'e [(&'e [&'a str], &'a str)];

/// The runs of `entries` that share their part at `depth`, with that part.
fn groups<'e, 'a>(entries: Entries<'e, 'a>, depth: usize) -> impl Iterator<Item = (&'a str, Entries<'e, 'a>)> {
    let mut rest = entries;
    std::iter::from_fn(move || {
        let (first, _) = rest.first()?;
        let part = first.get(depth).copied().unwrap_or("");
        let end = rest.iter().position(|(key, _)| key.get(depth).copied().unwrap_or("") != part).unwrap_or(rest.len());
        let (group, tail) = rest.split_at(end);
        rest = tail;
        Some((part, group))
    })
}

/// A structure's (or union's) members from `entries`, each under its key.
/// Parameters no member has are left out, as AWS's services ignore them.
fn structure(
    out: &mut JsonWriter,
    members: &[Member],
    entries: Entries<'_, '_>,
    depth: usize,
) -> Result<(), &'static str> {
    out.raw("{");
    let mut first = true;
    for (part, group) in groups(entries, depth) {
        let Some(member) = members.iter().find(|member| member.key() == part) else { continue };
        if !first {
            out.raw(",");
        }
        first = false;
        out.string(member.key());
        out.raw(":");
        value(out, &member.schema, group, depth + 1)?;
    }
    out.raw("}");
    Ok(())
}

/// The value at `depth` of `entries`, all of whose keys lead to it.
fn value(out: &mut JsonWriter, schema: &Schema, entries: Entries<'_, '_>, depth: usize) -> Result<(), &'static str> {
    let whole = |entries: Entries<'_, '_>| matches!(entries, [(key, _)] if key.len() == depth);
    match schema {
        Schema::Structure(structure_schema) => structure(out, structure_schema.members, entries, depth),
        Schema::Union(union) => structure(out, union.members, entries, depth),
        Schema::List(list) => {
            // An empty list is its key, sent with no value.
            if whole(entries) {
                if !entries[0].1.is_empty() {
                    return Err("a list is sent as its items, each under an index");
                }
                out.raw("[]");
                return Ok(());
            }
            out.raw("[");
            for (i, (_, item)) in items(entries, depth)?.enumerate() {
                if i > 0 {
                    out.raw(",");
                }
                value(out, &list.member, item, item_depth(item, depth))?;
            }
            out.raw("]");
            Ok(())
        }
        Schema::Map(map) => {
            if whole(entries) {
                if !entries[0].1.is_empty() {
                    return Err("a map is sent as its entries, each under an index");
                }
                out.raw("{}");
                return Ok(());
            }
            out.raw("{");
            for (i, (_, entry)) in items(entries, depth)?.enumerate() {
                let at = item_depth(entry, depth);
                let (key_name, value_name) = (map.key_name.unwrap_or("key"), map.value_name.unwrap_or("value"));
                let part = |name: &str| entry.iter().position(|(key, _)| key.get(at) == Some(&name));
                let key = part(key_name).ok_or("a map entry has no key")?;
                let value_at = part(value_name).ok_or("a map entry has no value")?;
                let [(key_parts, key)] = &entry[key..=key] else { unreachable!() };
                if key_parts.len() != at + 1 {
                    return Err("a map's key is text");
                }
                if i > 0 {
                    out.raw(",");
                }
                out.string(key);
                out.raw(":");
                let end = entry[value_at..]
                    .iter()
                    .position(|(k, _)| k.get(at) != Some(&value_name))
                    .map_or(entry.len(), |n| value_at + n);
                value(out, &map.value, &entry[value_at..end], at + 1)?;
            }
            out.raw("}");
            Ok(())
        }
        scalar => match entries {
            [(key, text)] if key.len() == depth => {
                text_value(out, scalar, text);
                Ok(())
            }
            [(key, _)] if key.len() > depth => Err("a parameter's key goes deeper than its member's value"),
            _ => Err("a parameter was sent more than once"),
        },
    }
}

/// A list's items (a map's entries), each run of entries under one index:
/// `Key.member.N` (any member name) or, flattened, `Key.N`.
fn items<'e, 'a>(
    entries: Entries<'e, 'a>,
    depth: usize,
) -> Result<impl Iterator<Item = (&'a str, Entries<'e, 'a>)>, &'static str> {
    let first = entries[0].0.get(depth).copied().unwrap_or("");
    let at = if index(first).is_some() { depth } else { depth + 1 };
    if entries.iter().any(|(key, _)| key.get(at).and_then(|part| index(part)).is_none()) {
        return Err("a list's items and a map's entries are each sent under an index");
    }
    Ok(groups(entries, at))
}

/// The depth of an item's value: after its index, which follows the
/// list's member name unless the list is flattened.
fn item_depth(item: Entries<'_, '_>, depth: usize) -> usize {
    let flattened = item[0].0.get(depth).is_some_and(|part| index(part).is_some());
    if flattened { depth + 1 } else { depth + 2 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{IntegerKind, IntegerRules, List, Map, StringRules};

    static STRING: Schema = Schema::String(StringRules { length: None, pattern: None, values: None });
    static NAMES: List = List { member: STRING, length: None, unique: false, sparse: false, flattened: false };
    static TAGS: Map = Map {
        key: STRING,
        value: STRING,
        length: None,
        sparse: false,
        sensitive_keys: false,
        key_name: None,
        value_name: None,
        flattened: false,
    };
    static NESTED: Structure = Structure {
        name: "Nested",
        members: &[Member { name: "Name", json_name: None, required: false, schema: STRING }],
    };
    static NESTED_LIST: List =
        List { member: Schema::Structure(&NESTED), length: None, unique: false, sparse: false, flattened: false };
    static INPUT: Structure = Structure {
        name: "Input",
        members: &[
            Member { name: "Name", json_name: None, required: false, schema: STRING },
            Member {
                name: "Count",
                json_name: None,
                required: false,
                schema: Schema::Integer(IntegerRules { kind: IntegerKind::Integer, range: None, values: None }),
            },
            Member { name: "Flag", json_name: None, required: false, schema: Schema::Boolean },
            Member { name: "Names", json_name: None, required: false, schema: Schema::List(&NAMES) },
            Member { name: "Tags", json_name: None, required: false, schema: Schema::Map(&TAGS) },
            Member { name: "Nested", json_name: None, required: false, schema: Schema::Structure(&NESTED) },
            Member { name: "Items", json_name: None, required: false, schema: Schema::List(&NESTED_LIST) },
        ],
    };

    fn document(form: &str) -> Result<String, &'static str> {
        let form = Form::parse(form.as_bytes()).unwrap();
        form.document(&INPUT).map(|bytes| String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn parameters_become_the_inputs_document() {
        assert_eq!(
            document("Action=Op&Version=1&Name=a+b%21&Count=12&Flag=true&Nested.Name=n").unwrap(),
            r#"{"Count":12,"Flag":true,"Name":"a b!","Nested":{"Name":"n"}}"#
        );
        // Items in index order, wrapped or flattened; an empty list.
        assert_eq!(
            document("Names.member.10=c&Names.member.2=b&Names.member.1=a").unwrap(),
            r#"{"Names":["a","b","c"]}"#
        );
        assert_eq!(document("Names.2=b&Names.1=a").unwrap(), r#"{"Names":["a","b"]}"#);
        assert_eq!(document("Names=").unwrap(), r#"{"Names":[]}"#);
        assert_eq!(
            document("Items.member.1.Name=x&Items.member.2.Name=y").unwrap(),
            r#"{"Items":[{"Name":"x"},{"Name":"y"}]}"#
        );
        assert_eq!(
            document("Tags.entry.1.key=k1&Tags.entry.1.value=v1&Tags.entry.2.value=v2&Tags.entry.2.key=k2").unwrap(),
            r#"{"Tags":{"k1":"v1","k2":"v2"}}"#
        );
        assert_eq!(document("Tags.1.key=k&Tags.1.value=v").unwrap(), r#"{"Tags":{"k":"v"}}"#);
        // Unknown parameters are ignored; values not of their type are
        // left to the reader to refuse.
        assert_eq!(document("Other=1&Count=x&Flag=yes").unwrap(), r#"{"Count":"x","Flag":"yes"}"#);
    }

    #[test]
    fn parameters_that_do_not_fit_are_refused() {
        assert!(document("Name=a&Name=b").is_err());
        assert!(document("Name.x=a").is_err());
        assert!(document("Names.member.x=a").is_err());
        assert!(document("Names=a").is_err());
        assert!(document("Tags.entry.1.key=k").is_err());
        let deep = format!("{}=1", vec!["a"; MAX_KEY_SEGMENTS + 1].join("."));
        assert!(Form::parse(deep.as_bytes()).is_err());
        let many = vec!["a=1"; MAX_PARAMETERS + 1].join("&");
        assert!(Form::parse(many.as_bytes()).is_err());
        assert!(Form::parse(b"a=%ZZ").is_err());
        assert!(Form::parse(b"a=%FF").is_err());
    }
}
