//! Reading a restXml request: its body, an XML document, against the
//! input's schema.
//!
//! The document is parsed with quick-xml into a tree of elements (bounded
//! by the body limit, [`MAX_DEPTH`] and [`MAX_ATTRIBUTES`]), then read
//! against the schema into the JSON document the input's generated reader
//! reads: a structure's members are its child elements named by their key
//! (`@xmlName`, else the member's name) or, for text, attributes of that
//! name (`@xmlAttribute`); a list is its items, the children of its element
//! (whatever their name: `member`, or the list member's `@xmlName`), or each
//! an element of the member's name where the member is `@xmlFlattened`; a
//! map its `entry` elements (or, flattened, elements of the member's name)
//! of a key and a value element (`key` and `value`, or their `@xmlName`s);
//! scalars are text. Elements no member has are ignored, as in JSON.
//!
//! No entity is ever expanded beyond XML's five and character references:
//! a document with a `DOCTYPE` is refused, and so is a reference to any
//! other entity.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use crate::context::RequestContext;
use crate::protocol::json::{JsonWriter, text_value};
use crate::protocol::rest::{Head, HttpInput, Location, RoutedRequest};
use crate::validate::{self, MalformedInput, Member, ReadHttp, Rejection, Schema, Structure};

/// The deepest a request's elements may nest.
pub const MAX_DEPTH: usize = 64;

/// The most attributes an element may have.
pub const MAX_ATTRIBUTES: usize = 64;

/// What a restXml input's body holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XmlBody {
    /// The members bound to no other place, as children of the root.
    Members,
    /// The structure or union of the input's member at this index
    /// (`@httpPayload`), as the root.
    Payload(usize),
}

impl RoutedRequest {
    /// Reads the input `T` of a restXml operation bound by `bindings`, its
    /// body laid out as `body`, checked against `schema`.
    pub fn xml_input<T: ReadHttp>(
        &self,
        context: &RequestContext,
        bindings: &'static HttpInput,
        schema: &'static Structure,
        body: XmlBody,
    ) -> Result<T, Rejection> {
        // A blob or text payload is the body itself, as in restJson1.
        let raw = bindings.bound.iter().any(|b| matches!(b.location, Location::RawPayload | Location::TextPayload));
        if raw || self.body.iter().all(u8::is_ascii_whitespace) {
            return self.input(context, bindings, schema);
        }
        let head =
            Head { labels: &self.labels, query: self.query.as_deref(), headers: context.headers(), body: &self.body };
        let document = crate::protocol::rest::head_document(bindings, schema, &head).map_err(Rejection::Malformed)?;
        let json = body_document(&self.body, bindings, schema, body).map_err(|message| {
            Rejection::Malformed(MalformedInput { path: String::new(), message: message.into_owned() })
        })?;
        validate::parse_http(schema, document.as_bytes(), &json)
    }
}

/// The JSON document of an XML `body`, read against `schema`.
fn body_document(
    body: &[u8],
    bindings: &HttpInput,
    schema: &Structure,
    layout: XmlBody,
) -> Result<Vec<u8>, Cow<'static, str>> {
    let tree = Tree::parse(body)?;
    let mut out = JsonWriter::with_capacity(body.len() + 16);
    match layout {
        XmlBody::Members => {
            let bound = |index: usize| bindings.bound.iter().any(|b| b.member == index);
            structure(&mut out, &tree, tree.root, schema.members, &bound)?;
        }
        XmlBody::Payload(index) => {
            let member = schema.members.get(index).ok_or("the payload is not a member of the input")?;
            value(&mut out, &tree, tree.root, &member.schema)?;
        }
    }
    Ok(out.into_bytes())
}

/// An element: its local name, attributes, text and children.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<usize>,
}

/// A parsed document: its elements, the root first.
#[derive(Debug)]
struct Tree {
    elements: Vec<Element>,
    root: usize,
}

impl Tree {
    fn parse(body: &[u8]) -> Result<Self, Cow<'static, str>> {
        let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8 text")?;
        let mut reader = quick_xml::Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut elements: Vec<Element> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut root = None;
        loop {
            // quick-xml's errors quote the names they found: the position
            // alone is said.
            let event = reader.read_event().map_err(|_| {
                Cow::Owned(format!("the body is not well-formed XML (at byte {})", reader.error_position()))
            })?;
            match event {
                Event::Start(_) | Event::Empty(_) if root.is_some() && open.is_empty() => {
                    return Err("the body has more than one root element".into());
                }
                Event::Start(start) => {
                    if open.len() == MAX_DEPTH {
                        return Err(format!("the body's elements nest deeper than {MAX_DEPTH}").into());
                    }
                    let index = push(&mut elements, &open, element(start)?);
                    root.get_or_insert(index);
                    open.push(index);
                }
                Event::Empty(start) => {
                    let index = push(&mut elements, &open, element(start)?);
                    root.get_or_insert(index);
                }
                Event::End(_) => {
                    open.pop();
                }
                Event::Text(text) => {
                    let text = text.xml10_content().map_err(|_| "the body's text is not UTF-8")?;
                    match open.last() {
                        Some(&at) => elements[at].text.push_str(&text),
                        None if text.trim().is_empty() => {}
                        None => return Err("the body has text outside its root element".into()),
                    }
                }
                Event::CData(data) => {
                    let data = data.decode().map_err(|_| "the body's text is not UTF-8")?;
                    if let Some(&at) = open.last() {
                        elements[at].text.push_str(&data);
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => match reference.as_ref() {
                            b"amp" => '&',
                            b"lt" => '<',
                            b"gt" => '>',
                            b"quot" => '"',
                            b"apos" => '\'',
                            _ => return Err("the body refers to an entity XML does not define".into()),
                        },
                        Err(_) => return Err("the body has a character reference to no character".into()),
                    };
                    if let Some(&at) = open.last() {
                        elements[at].text.push(resolved);
                    }
                }
                Event::DocType(_) => {
                    return Err("the body has a DOCTYPE, which is not accepted (no entity is ever expanded)".into());
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        if !open.is_empty() {
            return Err("the body's XML ends before its elements do".into());
        }
        let root = root.ok_or("the body has no root element")?;
        Ok(Tree { elements, root })
    }

    fn child_indexes(&self, at: usize, name: &str) -> Vec<usize> {
        self.elements[at].children.iter().copied().filter(|&child| self.elements[child].name == name).collect()
    }
}

/// Adds `element` as a child of the innermost open element.
fn push(elements: &mut Vec<Element>, open: &[usize], element: Element) -> usize {
    let index = elements.len();
    elements.push(element);
    if let Some(&parent) = open.last() {
        elements[parent].children.push(index);
    }
    index
}

/// An element from its start tag: its local name (no prefix) and its
/// attributes by qualified name (namespace declarations left out).
fn element(start: BytesStart<'_>) -> Result<Element, Cow<'static, str>> {
    let name = local_name(start.name().into_inner())?.to_string();
    let mut attributes = Vec::new();
    for attribute in start.attributes().with_checks(true) {
        let attribute = attribute.map_err(|_| "an element's attributes are malformed")?;
        let key = attribute.key.into_inner();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            continue;
        }
        if attributes.len() == MAX_ATTRIBUTES {
            return Err(format!("an element has more than {MAX_ATTRIBUTES} attributes").into());
        }
        let value = attribute.unescape_value().map_err(|_| "an attribute's value refers to an undefined entity")?;
        // Attributes keep their prefix: `@xmlName("xsi:someName")` names one.
        let key = std::str::from_utf8(key).map_err(|_| "an attribute's name is not UTF-8")?;
        attributes.push((key.to_string(), value.into_owned()));
    }
    Ok(Element { name, attributes, text: String::new(), children: Vec::new() })
}

/// A qualified name's local part, as text.
fn local_name(name: &[u8]) -> Result<&str, &'static str> {
    let local = name.iter().position(|&b| b == b':').map_or(name, |colon| &name[colon + 1..]);
    std::str::from_utf8(local).map_err(|_| "an element's name is not UTF-8")
}

/// A structure's members from the element at `at`: each member's child
/// elements (or attribute) by its key; `skip` members bound elsewhere.
fn structure(
    out: &mut JsonWriter,
    tree: &Tree,
    at: usize,
    members: &[Member],
    skip: &dyn Fn(usize) -> bool,
) -> Result<(), Cow<'static, str>> {
    out.raw("{");
    let mut first = true;
    for member in members.iter().enumerate().filter(|(index, _)| !skip(*index)).map(|(_, member)| member) {
        let key = member.key();
        let comma = |out: &mut JsonWriter, first: &mut bool| {
            if !std::mem::take(first) {
                out.raw(",");
            }
            out.string(key);
            out.raw(":");
        };
        let children = tree.child_indexes(at, key);
        let flattened = match &member.schema {
            Schema::List(list) => list.flattened,
            Schema::Map(map) => map.flattened,
            _ => false,
        };
        if children.is_empty() {
            if let Some((_, text)) = tree.elements[at].attributes.iter().find(|(name, _)| name == key) {
                comma(out, &mut first);
                text_value(out, &member.schema, text);
            }
            continue;
        }
        comma(out, &mut first);
        if flattened {
            match &member.schema {
                Schema::List(list) => items(out, tree, &children, &list.member)?,
                Schema::Map(map) => entries(out, tree, &children, map)?,
                _ => unreachable!("only lists and maps are flattened"),
            }
        } else if let [child] = children[..] {
            value(out, tree, child, &member.schema)?;
        } else {
            return Err(format!("the element {} is sent more than once", crate::excerpt(key)).into());
        }
    }
    out.raw("}");
    Ok(())
}

/// The value of `schema` in the element at `at`.
fn value(out: &mut JsonWriter, tree: &Tree, at: usize, schema: &Schema) -> Result<(), Cow<'static, str>> {
    match schema {
        Schema::Structure(structure_schema) => structure(out, tree, at, structure_schema.members, &|_| false),
        Schema::Union(union) => structure(out, tree, at, union.members, &|_| false),
        Schema::List(list) => items(out, tree, &tree.elements[at].children, &list.member),
        Schema::Map(map) => entries(out, tree, &tree.elements[at].children, map),
        scalar => {
            let element = &tree.elements[at];
            if !element.children.is_empty() {
                return Err(format!("the element {} holds elements, not text", crate::excerpt(&element.name)).into());
            }
            text_value(out, scalar, &element.text);
            Ok(())
        }
    }
}

/// A list's items, one per element of `elements`.
fn items(out: &mut JsonWriter, tree: &Tree, elements: &[usize], item: &Schema) -> Result<(), Cow<'static, str>> {
    out.raw("[");
    for (i, &element) in elements.iter().enumerate() {
        if i > 0 {
            out.raw(",");
        }
        value(out, tree, element, item)?;
    }
    out.raw("]");
    Ok(())
}

/// A map's entries, one per element of `elements`, each holding a key
/// element and a value element.
fn entries(
    out: &mut JsonWriter,
    tree: &Tree,
    elements: &[usize],
    map: &validate::Map,
) -> Result<(), Cow<'static, str>> {
    let (key_name, value_name) = (map.key_name.unwrap_or("key"), map.value_name.unwrap_or("value"));
    out.raw("{");
    for (i, &entry) in elements.iter().enumerate() {
        let keys = tree.child_indexes(entry, key_name);
        let [key] = keys[..] else { return Err("a map entry has no key, or more than one".into()) };
        let key = &tree.elements[key];
        if !key.children.is_empty() {
            return Err("a map's key is text".into());
        }
        if i > 0 {
            out.raw(",");
        }
        out.string(&key.text);
        out.raw(":");
        match tree.child_indexes(entry, value_name)[..] {
            [value_at] => value(out, tree, value_at, &map.value)?,
            [] => out.raw("null"),
            _ => return Err("a map entry has more than one value".into()),
        }
    }
    out.raw("}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{IntegerKind, IntegerRules, List, Map, StringRules};

    static STRING: Schema = Schema::String(StringRules { length: None, pattern: None, values: None });
    static NAMES: List = List { member: STRING, length: None, unique: false, sparse: false, flattened: false };
    static FLAT: List = List { member: STRING, length: None, unique: false, sparse: false, flattened: true };
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
            Member { name: "Names", json_name: None, required: false, schema: Schema::List(&NAMES) },
            Member { name: "Flat", json_name: None, required: false, schema: Schema::List(&FLAT) },
            Member { name: "Tags", json_name: None, required: false, schema: Schema::Map(&TAGS) },
            Member { name: "Nested", json_name: Some("Renamed"), required: false, schema: Schema::Structure(&NESTED) },
            Member { name: "id", json_name: None, required: false, schema: STRING },
        ],
    };
    static NO_BINDINGS: HttpInput = HttpInput { bound: &[], content_type: Some("application/xml") };

    fn document(xml: &str) -> Result<String, Cow<'static, str>> {
        body_document(xml.as_bytes(), &NO_BINDINGS, &INPUT, XmlBody::Members)
            .map(|bytes| String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn elements_become_the_inputs_document() {
        assert_eq!(
            document(
                "<?xml version=\"1.0\"?><Input xmlns=\"urn:x\" id=\"a&amp;b\"><Name>a &lt;b&gt; &#x41;</Name><Count>12</Count>\
                 <Names><member>x</member><member>y</member></Names><Flat>1</Flat><Other/><Flat>2</Flat>\
                 <Tags><entry><key>k</key><value>v</value></entry></Tags><Renamed><Name>n</Name></Renamed></Input>"
            )
            .unwrap(),
            r#"{"Name":"a <b> A","Count":12,"Names":["x","y"],"Flat":["1","2"],"Tags":{"k":"v"},"Renamed":{"Name":"n"},"id":"a&b"}"#
        );
        assert_eq!(document("<Input><Names/></Input>").unwrap(), r#"{"Names":[]}"#);
        assert_eq!(document("<Input><Count>x</Count></Input>").unwrap(), r#"{"Count":"x"}"#);
    }

    #[test]
    fn hostile_documents_are_refused() {
        for hostile in [
            "<!DOCTYPE a [<!ENTITY x \"y\">]><Input><Name>&x;</Name></Input>",
            "<Input><Name>&x;</Name></Input>",
            "<Input><Name>a</Name>",
            "<Input><Name>a</Nome></Input>",
            "<Input/><Input/>",
            "<Input><Name>a</Name><Name>b</Name></Input>",
            "<Input><Name><b/></Name></Input>",
            "not xml",
        ] {
            assert!(document(hostile).is_err(), "{hostile}");
        }
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert!(document(&deep).unwrap_err().contains("deeper"));
        let attributes: String = (0..=MAX_ATTRIBUTES).map(|i| format!(" a{i}=\"1\"")).collect();
        assert!(document(&format!("<Input{attributes}/>")).unwrap_err().contains("attributes"));
    }
}
