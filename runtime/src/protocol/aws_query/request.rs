//! Reading an awsQuery request: its parameters (a form-encoded body, or a
//! GET's query string), and its input from them.
//!
//! The parameters name their place in the input by dotted keys: a member by
//! its key (`@xmlName`, else its name), a list's items by index from 1
//! under the list's member name (`Names.member.1`) or directly where the
//! member is `@xmlFlattened` (`Names.1`), a map's entries as `key` and
//! `value` under an index (`Tags.entry.1.key`), an empty list as the list's
//! key with an empty value. [`Form::input`] sorts them by key (indexes by
//! number, so items come in order) and the input's generated reader reads
//! them from there, a member, item or entry at a time, in one pass: every
//! constraint is checked by the same tables and reported at the same paths
//! as in the JSON protocols, and no document is made between.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::http::decode::percent_decode;
use crate::validate::{self, List, Map, Read, Rejection, Source, SourceError, Structure};

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
        validate::parse_source(schema, &mut Parameters::new(self))
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

/// The parameters as the input's reader reads them: sorted by key, each
/// value the run of parameters whose keys lead to it.
struct Parameters<'a> {
    /// Every key's parts, one key after another (one vector for them all:
    /// a vector per key was a fifth of the allocations).
    parts: Vec<&'a str>,
    /// Each parameter: its key, a range of `parts`, and its value; sorted.
    entries: Vec<(u32, u32, &'a str)>,
    /// The value at the position.
    at: Place,
    /// The structures, lists and maps the position is in.
    frames: Vec<Frame>,
}

/// A value: the parameters `lo..hi`, whose keys' first `depth` parts are
/// the value's place.
#[derive(Clone, Copy, Debug)]
struct Place {
    lo: usize,
    hi: usize,
    depth: usize,
}

/// A structure, list or map being read: its parameters `lo..hi`, grouped
/// into members, items or entries by their key's part at `at`, the next
/// group starting at `next`.
#[derive(Debug)]
struct Frame {
    hi: usize,
    at: usize,
    next: usize,
    /// A map's entry's key and value parts.
    names: Option<(&'static str, &'static str)>,
}

impl<'a> Parameters<'a> {
    fn new(form: &'a Form<'a>) -> Self {
        let mut parts: Vec<&'a str> = Vec::with_capacity(form.pairs.len() * 4);
        let mut entries = Vec::with_capacity(form.pairs.len());
        for (key, value) in form.pairs.iter().filter(|(key, _)| key != "Action" && key != "Version") {
            let start = parts.len() as u32;
            parts.extend(key.split('.'));
            entries.push((start, parts.len() as u32, value.as_ref()));
        }
        let key = |&(start, end, _): &(u32, u32, &str)| start as usize..end as usize;
        entries.sort_unstable_by(|a, b| compare_keys(&parts[key(a)], &parts[key(b)]));
        let at = Place { lo: 0, hi: entries.len(), depth: 0 };
        Parameters { parts, entries, at, frames: Vec::new() }
    }

    /// Parameter `i`'s key, as its parts.
    fn key_parts(&self, i: usize) -> &[&'a str] {
        let (start, end, _) = self.entries[i];
        &self.parts[start as usize..end as usize]
    }

    /// Parameter `i`'s key's part at `depth` (`""` past its end).
    fn part(&self, i: usize, depth: usize) -> &'a str {
        self.key_parts(i).get(depth).copied().unwrap_or("")
    }

    /// The end of the run of parameters from `lo` (before `hi`) that share
    /// their part at `depth`.
    fn group_end(&self, lo: usize, hi: usize, depth: usize) -> usize {
        let part = self.part(lo, depth);
        (lo..hi).find(|&i| self.part(i, depth) != part).unwrap_or(hi)
    }

    /// Whether the value at the position is one parameter whose key ends
    /// there: a scalar, or an empty list or map.
    fn whole(&self) -> Option<&'a str> {
        let Place { lo, hi, depth } = self.at;
        (hi == lo + 1 && self.key_parts(lo).len() == depth).then(|| self.entries[lo].2)
    }

    /// Enters the list or map at the position: its items or entries under
    /// an index after the list's member name (`Names.member.1`) or, where
    /// flattened, directly (`Names.1`); an empty one is its key alone.
    fn collection(
        &mut self,
        names: Option<(&'static str, &'static str)>,
        empty: &'static str,
    ) -> Result<(), SourceError> {
        let Place { lo, hi, depth } = self.at;
        if let Some(value) = self.whole() {
            if !value.is_empty() {
                return Err(empty.into());
            }
            self.frames.push(Frame { hi, at: depth, next: hi, names });
            return Ok(());
        }
        let at = if index(self.part(lo, depth)).is_some() { depth } else { depth + 1 };
        if (lo..hi).any(|i| index(self.part(i, at)).is_none() || self.key_parts(i).len() <= at) {
            return Err("a list's items and a map's entries are each sent under an index".into());
        }
        self.frames.push(Frame { hi, at, next: lo, names });
        Ok(())
    }

    /// The next group of the innermost frame, made the position; `None`
    /// (and the frame left) at its end.
    fn next_group(&mut self) -> Option<Place> {
        let frame = self.frames.last_mut().expect("in a structure, list or map");
        if frame.next >= frame.hi {
            self.frames.pop();
            return None;
        }
        let (lo, hi, at) = (frame.next, frame.hi, frame.at);
        let end = self.group_end(lo, hi, at);
        self.frames.last_mut().expect("just seen").next = end;
        self.at = Place { lo, hi: end, depth: at + 1 };
        Some(self.at)
    }
}

impl Source for Parameters<'_> {
    fn date_times_for_epoch(&self) -> bool {
        true
    }

    fn structure(&mut self) -> Result<(), SourceError> {
        let Place { lo, hi, depth } = self.at;
        self.frames.push(Frame { hi, at: depth, next: lo, names: None });
        Ok(())
    }

    fn key(&mut self) -> Result<Option<&str>, SourceError> {
        Ok(self.next_group().map(|place| self.part(place.lo, place.depth - 1)))
    }

    fn list(&mut self, _: &List) -> Result<(), SourceError> {
        self.collection(None, "a list is sent as its items, each under an index")
    }

    fn item(&mut self) -> Result<bool, SourceError> {
        Ok(self.next_group().is_some())
    }

    fn map(&mut self, map: &Map) -> Result<(), SourceError> {
        let names = (map.key_name.unwrap_or("key"), map.value_name.unwrap_or("value"));
        self.collection(Some(names), "a map is sent as its entries, each under an index")
    }

    fn entry(&mut self) -> Result<Option<&str>, SourceError> {
        let Some(Place { lo, hi, depth }) = self.next_group() else { return Ok(None) };
        let (key_name, value_name) = self.frames.last().and_then(|frame| frame.names).unwrap_or(("key", "value"));
        let key = (lo..hi).find(|&i| self.part(i, depth) == key_name).ok_or("a map entry has no key")?;
        if self.key_parts(key).len() != depth + 1 {
            return Err("a map's key is text".into());
        }
        let value = (lo..hi).find(|&i| self.part(i, depth) == value_name).ok_or("a map entry has no value")?;
        self.at = Place { lo: value, hi: self.group_end(value, hi, depth), depth: depth + 1 };
        Ok(Some(self.entries[key].2))
    }

    fn absent(&mut self) -> bool {
        false
    }

    fn text(&mut self) -> Result<&str, SourceError> {
        if let Some(text) = self.whole() {
            return Ok(text);
        }
        let Place { lo, hi, depth } = self.at;
        if hi == lo + 1 && self.key_parts(lo).len() > depth {
            return Err("a parameter's key goes deeper than its member's value".into());
        }
        Err("a parameter was sent more than once".into())
    }

    fn skip(&mut self) -> Result<(), SourceError> {
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SourceError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::read::any::Any;
    use crate::validate::{IntegerKind, IntegerRules, Member, Schema, StringRules};

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

    /// What the input's reader reads from `form`, as JSON; or why it
    /// could not.
    fn document(form: &str) -> Result<String, String> {
        let form = Form::parse(form.as_bytes()).unwrap();
        match form.input::<Any>(&INPUT) {
            Ok(Any(value)) => Ok(value.to_string()),
            Err(rejection) => Err(rejection.to_string()),
        }
    }

    #[test]
    fn parameters_are_read_into_the_input() {
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
        // refused at their member.
        assert_eq!(document("Other=1&Count=3").unwrap(), r#"{"Count":3}"#);
        assert_eq!(
            document("Other=1&Count=x").unwrap_err(),
            "expected a whole number that fits a 32-bit integer at '/Count'"
        );
        assert_eq!(document("Flag=yes").unwrap_err(), "expected a boolean at '/Flag'");
    }

    static UNIQUE: List =
        List { member: Schema::Structure(&NESTED), length: None, unique: true, sparse: false, flattened: false };
    static UNIQUE_INPUT: Structure = Structure {
        name: "Unique",
        members: &[Member { name: "Items", json_name: None, required: false, schema: Schema::List(&UNIQUE) }],
    };

    /// `@uniqueItems` lists are compared by what was read of each item.
    #[test]
    fn unique_items_are_compared_as_they_are_read() {
        let read = |form: &str| Form::parse(form.as_bytes()).unwrap().input::<Any>(&UNIQUE_INPUT).map(|any| any.0);
        let value = read("Items.member.1.Name=a&Items.member.2.Name=b").unwrap();
        assert_eq!(value.to_string(), r#"{"Items":[{"Name":"a"},{"Name":"b"}]}"#);
        let Err(Rejection::Invalid(invalid)) = read("Items.member.1.Name=a&Items.member.2.Name=a") else {
            panic!("duplicates accepted")
        };
        assert_eq!(invalid.field_list[0].path, "/Items");
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
