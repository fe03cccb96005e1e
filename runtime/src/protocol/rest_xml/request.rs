//! Reading a restXml request: its body, an XML document, against the
//! input's schema.
//!
//! The body is read by quick-xml's pull parser as the input's generated
//! reader asks for each value, in one pass, with no tree or document in
//! between: a structure's members are its child elements named by their
//! key (`@xmlName`, else the member's name) or, for text, attributes of
//! that name (`@xmlAttribute`); a list is its items, the children of its
//! element (whatever their name: `member`, or the list member's
//! `@xmlName`), or each an element of the member's name where the member is
//! `@xmlFlattened` (sent one after another); a map its `entry` elements
//! (or, flattened, elements of the member's name) of a key element and then
//! a value element (`key` and `value`, or their `@xmlName`s); scalars are
//! text. Elements no member has are passed over, as in JSON, and checked
//! as closely as the rest.
//!
//! The document is bounded as it is read (the body limit, [`MAX_DEPTH`],
//! [`MAX_ATTRIBUTES`]), and no entity is ever expanded beyond XML's five
//! and character references: a document with a `DOCTYPE` is refused, and
//! so is a reference to any other entity.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use crate::context::RequestContext;
use crate::protocol::rest::{Head, HeadSource, HttpInput, Location, RoutedRequest};
use crate::validate::{self, BodySource, List, Map, ReadHttp, Rejection, Source, SourceError, Structure};

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
        let mut source = HeadSource::new(bindings, schema, &head).map_err(Rejection::Malformed)?;
        // The members bound elsewhere are not read from the body.
        let bound = match body {
            XmlBody::Members => bindings.bound.iter().map(|b| schema.members[b.member].key()).collect(),
            XmlBody::Payload(_) => Vec::new(),
        };
        validate::parse_http(schema, &mut source, &self.body, Some(xml_body(bound)))
    }
}

/// Makes the source of an XML body, passing over the root's children that
/// are `bound` elsewhere.
fn xml_body<'j>(bound: Vec<&'static str>) -> BodySource<'j> {
    Box::new(move |text: &'j [u8], _| Box::new(XmlSource::new(text, bound)) as Box<dyn Source + 'j>)
}

/// An XML body as the input's reader reads it.
pub(crate) struct XmlSource<'a> {
    /// The body, or why it cannot be read (it is not UTF-8).
    reader: Result<quick_xml::Reader<&'a [u8]>, &'static str>,
    /// What the reader reads next: an event read ahead, where a flattened
    /// list or map looked past its last element.
    ahead: Option<Ev<'a>>,
    /// The value at the position.
    at: At<'a>,
    /// The structures, lists and maps the position is in.
    frames: Vec<Frame<'a>>,
    /// How many elements are open.
    open: usize,
    /// The root's members bound elsewhere in the request, passed over.
    bound: Vec<&'static str>,
    /// The name of the element last named (a member's or entry's key).
    name: String,
    /// The text last read.
    text: String,
}

/// An event of the document, as the source needs it.
#[derive(Debug)]
enum Ev<'a> {
    /// An element's start tag, and whether it is also its end (`<a/>`).
    Start(BytesStart<'a>, bool),
    End,
    /// Character data: text, CDATA or a reference, resolved.
    Text(Cow<'a, str>),
    Eof,
}

/// What is at the source's position.
#[derive(Debug)]
enum At<'a> {
    /// The root element, not yet read.
    Root,
    /// An element whose start tag has been read, and whether it was empty.
    Element(BytesStart<'a>, bool),
    /// An attribute's value.
    Attribute(String),
    /// A value already read (its text, if any, in `text`).
    Read,
    /// No value: a map entry sent without one.
    Absent,
}

/// A structure, list or map being read.
#[derive(Debug)]
enum Frame<'a> {
    Structure {
        /// Its attributes, by name, and how many have been named.
        attributes: Vec<(String, String)>,
        named: usize,
        /// Its element has content (it is not `<a/>`).
        open: bool,
        /// It is the body's root element.
        root: bool,
    },
    /// A list or map sent as the children of its element (`open` if it
    /// has content); a map's entries of `map`'s key and value elements.
    /// `in_entry` while the rest of an entry whose value was read is left.
    Wrapped { open: bool, map: Option<(&'static str, &'static str)>, in_entry: bool },
    /// A flattened list or map: elements named `name`, one after another,
    /// the first already read (`first`).
    Flattened {
        name: String,
        first: Option<(BytesStart<'a>, bool)>,
        map: Option<(&'static str, &'static str)>,
        in_entry: bool,
    },
}

impl<'a> XmlSource<'a> {
    fn new(body: &'a [u8], bound: Vec<&'static str>) -> Self {
        let reader = std::str::from_utf8(body).map(|_| {
            let mut reader = quick_xml::Reader::from_reader(body);
            reader.config_mut().check_end_names = true;
            reader
        });
        XmlSource {
            reader: reader.map_err(|_| "the body is not UTF-8 text"),
            ahead: None,
            at: At::Root,
            frames: Vec::new(),
            open: 0,
            bound,
            name: String::new(),
            text: String::new(),
        }
    }

    /// The next event, checked: depth and attributes bounded, no DOCTYPE,
    /// no entity but XML's own.
    fn event(&mut self) -> Result<Ev<'a>, SourceError> {
        if let Some(event) = self.ahead.take() {
            return Ok(event);
        }
        let reader = self.reader.as_mut().map_err(|e| SourceError::from(*e))?;
        loop {
            // quick-xml's errors quote the names they found: the position
            // alone is said.
            let event = reader.read_event().map_err(|_| {
                SourceError::from(format!("the body is not well-formed XML (at byte {})", reader.error_position()))
            })?;
            return Ok(match event {
                Event::Start(start) => {
                    if self.open == MAX_DEPTH {
                        return Err(format!("the body's elements nest deeper than {MAX_DEPTH}").into());
                    }
                    self.open += 1;
                    check_attributes(&start)?;
                    Ev::Start(start, false)
                }
                Event::Empty(start) => {
                    check_attributes(&start)?;
                    Ev::Start(start, true)
                }
                Event::End(_) => {
                    self.open -= 1;
                    Ev::End
                }
                Event::Text(text) => Ev::Text(text.xml10_content().map_err(|_| "the body's text is not UTF-8")?),
                Event::CData(data) => Ev::Text(data.decode().map_err(|_| "the body's text is not UTF-8")?),
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
                    Ev::Text(Cow::Owned(resolved.to_string()))
                }
                Event::DocType(_) => {
                    return Err("the body has a DOCTYPE, which is not accepted (no entity is ever expanded)".into());
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof => Ev::Eof,
            });
        }
    }

    /// The next element among the children of the one open: its start
    /// (whitespace and other text between passed over); `None` at the
    /// open element's end.
    fn child(&mut self) -> Result<Option<(BytesStart<'a>, bool)>, SourceError> {
        loop {
            match self.event()? {
                Ev::Start(start, empty) => return Ok(Some((start, empty))),
                Ev::End => return Ok(None),
                Ev::Text(_) => {}
                Ev::Eof => return Err("the body's XML ends before its elements do".into()),
            }
        }
    }

    /// The element at the position, taken; a value that is not one (an
    /// attribute's) cannot be a structure, list or map.
    fn element(&mut self) -> Result<(BytesStart<'a>, bool), SourceError> {
        match std::mem::replace(&mut self.at, At::Read) {
            At::Element(start, empty) => Ok((start, empty)),
            At::Root => loop {
                match self.event()? {
                    Ev::Start(start, empty) => return Ok((start, empty)),
                    Ev::Text(text) if text.trim().is_empty() => {}
                    Ev::Text(_) => return Err("the body has text outside its root element".into()),
                    Ev::End | Ev::Eof => return Err("the body has no root element".into()),
                }
            },
            _ => Err("an attribute holds text, where elements were expected".into()),
        }
    }

    /// Reads to the end of the element at the position, if it has content.
    fn pass_over(&mut self) -> Result<(), SourceError> {
        let (_, empty) = match std::mem::replace(&mut self.at, At::Read) {
            At::Element(start, empty) => (start, empty),
            _ => return Ok(()),
        };
        if empty {
            return Ok(());
        }
        let mut depth = 1;
        while depth > 0 {
            match self.event()? {
                Ev::Start(_, false) => depth += 1,
                Ev::End => depth -= 1,
                Ev::Eof => return Err("the body's XML ends before its elements do".into()),
                Ev::Start(_, true) | Ev::Text(_) => {}
            }
        }
        Ok(())
    }

    /// Names `start` as the element last named.
    fn named(&mut self, start: &BytesStart<'_>) -> Result<(), SourceError> {
        self.name.clear();
        self.name.push_str(local_name(start.name().into_inner())?);
        Ok(())
    }

    /// Enters the list (or map, of `map`'s key and value elements) at the
    /// position: the children of its element, or where `flattened`, the
    /// element and those of its name after it.
    fn collection(&mut self, flattened: bool, map: Option<(&'static str, &'static str)>) -> Result<(), SourceError> {
        let (start, empty) = self.element()?;
        let frame = if flattened {
            let name = local_name(start.name().into_inner())?.to_string();
            Frame::Flattened { name, first: Some((start, empty)), map, in_entry: false }
        } else {
            Frame::Wrapped { open: !empty, map, in_entry: false }
        };
        self.frames.push(frame);
        Ok(())
    }

    /// Ends the map entry whose value was read: the rest of its children,
    /// and its end.
    fn end_entry(&mut self) -> Result<(), SourceError> {
        while let Some((start, empty)) = self.child()? {
            self.at = At::Element(start, empty);
            self.pass_over()?;
        }
        Ok(())
    }

    /// Moves to the next item of the innermost list (or entry of a map):
    /// its element, made the position; `false` (and the list left) at its
    /// end.
    fn next_element(&mut self) -> Result<bool, SourceError> {
        self.pass_over()?;
        let in_entry = match self.frames.last_mut() {
            Some(Frame::Wrapped { in_entry, .. } | Frame::Flattened { in_entry, .. }) => std::mem::take(in_entry),
            _ => unreachable!("items are of lists and maps"),
        };
        if in_entry {
            self.end_entry()?;
        }
        let found = match self.frames.last_mut() {
            Some(Frame::Wrapped { open: false, .. }) => None,
            Some(Frame::Wrapped { .. }) => self.child()?,
            Some(Frame::Flattened { first: first @ Some(_), .. }) => first.take(),
            Some(Frame::Flattened { name, .. }) => {
                let name = std::mem::take(name);
                let found = loop {
                    match self.event()? {
                        Ev::Text(text) if text.trim().is_empty() => {}
                        Ev::Start(start, empty) if local_name(start.name().into_inner())? == name => {
                            break Some((start, empty));
                        }
                        // The next sibling (or the parent's end) is the parent's.
                        event => {
                            self.ahead = Some(event);
                            break None;
                        }
                    }
                };
                if let Some(Frame::Flattened { name: kept, .. }) = self.frames.last_mut() {
                    *kept = name;
                }
                found
            }
            _ => unreachable!("items are of lists and maps"),
        };
        match found {
            Some((start, empty)) => {
                self.at = At::Element(start, empty);
                Ok(true)
            }
            None => {
                self.frames.pop();
                Ok(false)
            }
        }
    }
}

/// Checks an element's attributes: well formed, and at most [`MAX_ATTRIBUTES`].
fn check_attributes(start: &BytesStart<'_>) -> Result<(), SourceError> {
    let mut count = 0;
    for attribute in start.attributes().with_checks(true) {
        attribute.map_err(|_| "an element's attributes are malformed")?;
        count += 1;
        if count > MAX_ATTRIBUTES {
            return Err(format!("an element has more than {MAX_ATTRIBUTES} attributes").into());
        }
    }
    Ok(())
}

/// An element's attributes by qualified name (namespace declarations left
/// out; `@xmlName("xsi:someName")` names one with its prefix).
fn attributes(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, SourceError> {
    let mut attributes = Vec::new();
    for attribute in start.attributes().with_checks(true) {
        let attribute = attribute.map_err(|_| "an element's attributes are malformed")?;
        let key = attribute.key.into_inner();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            continue;
        }
        let value = attribute.unescape_value().map_err(|_| "an attribute's value refers to an undefined entity")?;
        let key = std::str::from_utf8(key).map_err(|_| "an attribute's name is not UTF-8")?;
        attributes.push((key.to_string(), value.into_owned()));
    }
    Ok(attributes)
}

/// A qualified name's local part, as text.
fn local_name(name: &[u8]) -> Result<&str, SourceError> {
    let local = name.iter().position(|&b| b == b':').map_or(name, |colon| &name[colon + 1..]);
    std::str::from_utf8(local).map_err(|_| "an element's name is not UTF-8".into())
}

impl Source for XmlSource<'_> {
    fn structure(&mut self) -> Result<(), SourceError> {
        let root = matches!(self.at, At::Root);
        let (start, empty) = self.element()?;
        let attributes = attributes(&start)?;
        self.frames.push(Frame::Structure { attributes, named: 0, open: !empty, root });
        Ok(())
    }

    fn key(&mut self) -> Result<Option<&str>, SourceError> {
        self.pass_over()?;
        loop {
            let Some(Frame::Structure { attributes, named, open, root }) = self.frames.last_mut() else {
                unreachable!("members are of structures")
            };
            if let Some((name, value)) = attributes.get(*named) {
                *named += 1;
                self.name.clone_from(name);
                self.at = At::Attribute(value.clone());
                return Ok(Some(&self.name));
            }
            let root = *root;
            if !*open {
                self.frames.pop();
                return Ok(None);
            }
            let Some((start, empty)) = self.child()? else {
                self.frames.pop();
                return Ok(None);
            };
            self.named(&start)?;
            self.at = At::Element(start, empty);
            if root && self.bound.contains(&self.name.as_str()) {
                self.pass_over()?;
                continue;
            }
            return Ok(Some(&self.name));
        }
    }

    fn list(&mut self, list: &List) -> Result<(), SourceError> {
        self.collection(list.flattened, None)
    }

    fn item(&mut self) -> Result<bool, SourceError> {
        self.next_element()
    }

    fn map(&mut self, map: &Map) -> Result<(), SourceError> {
        let names = (map.key_name.unwrap_or("key"), map.value_name.unwrap_or("value"));
        self.collection(map.flattened, Some(names))
    }

    fn entry(&mut self) -> Result<Option<&str>, SourceError> {
        if !self.next_element()? {
            return Ok(None);
        }
        let (key_name, value_name) = match self.frames.last() {
            Some(Frame::Wrapped { map: Some(names), .. } | Frame::Flattened { map: Some(names), .. }) => *names,
            _ => unreachable!("entries are of maps"),
        };
        // The entry's element: its key's element, then its value's.
        let (_, empty) = self.element()?;
        let mut key = None;
        if !empty {
            while let Some((start, empty)) = self.child()? {
                let name = local_name(start.name().into_inner())?;
                if name == key_name && key.is_none() {
                    self.at = At::Element(start, empty);
                    key = Some(self.text()?.to_string());
                } else if name == value_name {
                    if key.is_none() {
                        return Err("a map entry's key is sent after its value; send the key first".into());
                    }
                    self.name = key.unwrap_or_default();
                    self.at = At::Element(start, empty);
                    if let Some(Frame::Wrapped { in_entry, .. } | Frame::Flattened { in_entry, .. }) =
                        self.frames.last_mut()
                    {
                        *in_entry = true;
                    }
                    return Ok(Some(&self.name));
                } else {
                    self.at = At::Element(start, empty);
                    self.pass_over()?;
                }
            }
        }
        // The entry ended: no value, or no key.
        let Some(key) = key else { return Err("a map entry has no key".into()) };
        self.name = key;
        self.at = At::Absent;
        Ok(Some(&self.name))
    }

    fn absent(&mut self) -> bool {
        matches!(self.at, At::Absent)
    }

    fn text(&mut self) -> Result<&str, SourceError> {
        match std::mem::replace(&mut self.at, At::Read) {
            At::Attribute(value) => self.text = value,
            At::Element(_, true) => self.text.clear(),
            At::Element(_, false) => {
                self.text.clear();
                loop {
                    match self.event()? {
                        Ev::Text(text) => self.text.push_str(&text),
                        Ev::End => break,
                        Ev::Start(..) => return Err("an element holds elements where text was expected".into()),
                        Ev::Eof => return Err("the body's XML ends before its elements do".into()),
                    }
                }
            }
            At::Read => {}
            At::Root | At::Absent => return Err("the body has no text where a value was expected".into()),
        }
        Ok(&self.text)
    }

    fn skip(&mut self) -> Result<(), SourceError> {
        self.pass_over()
    }

    fn finish(&mut self) -> Result<(), SourceError> {
        self.pass_over()?;
        loop {
            match self.event()? {
                Ev::Eof => return Ok(()),
                Ev::Text(text) if text.trim().is_empty() => {}
                Ev::Text(_) => return Err("the body has text outside its root element".into()),
                Ev::Start(..) => return Err("the body has more than one root element".into()),
                Ev::End => return Err("the body's XML is not well-formed".into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::read::any::Any;
    use crate::validate::{IntegerKind, IntegerRules, Member, Schema, StringRules};

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

    /// What the input's reader reads from `xml`, as JSON; or why it could not.
    fn document(xml: &str) -> Result<String, String> {
        let headers = http::HeaderMap::new();
        let head = Head { labels: &[], query: None, headers: &headers, body: b"" };
        let mut source = HeadSource::new(&NO_BINDINGS, &INPUT, &head).unwrap();
        match validate::parse_http::<Any>(&INPUT, &mut source, xml.as_bytes(), Some(xml_body(Vec::new()))) {
            Ok(Any(value)) => Ok(value.to_string()),
            Err(rejection) => Err(rejection.to_string()),
        }
    }

    #[test]
    fn elements_become_the_inputs_document() {
        assert_eq!(
            document(
                "<?xml version=\"1.0\"?><Input xmlns=\"urn:x\" id=\"a&amp;b\"><Name>a &lt;b&gt; &#x41;</Name><Count>12</Count>\
                 <Names><member>x</member><member>y</member></Names><Flat>1</Flat><Flat>2</Flat><Other><a>&#x41;</a></Other>\
                 <Tags><entry><key>k</key><value>v</value></entry></Tags><Renamed><Name>n</Name></Renamed></Input>"
            )
            .unwrap(),
            r#"{"Count":12,"Flat":["1","2"],"Name":"a <b> A","Names":["x","y"],"Renamed":{"Name":"n"},"Tags":{"k":"v"},"id":"a&b"}"#
        );
        assert_eq!(document("<Input><Names/></Input>").unwrap(), r#"{"Names":[]}"#);
        assert_eq!(
            document("<Input><Tags><entry><key>a</key><value>1</value><extra/></entry><entry><key>b</key></entry></Tags></Input>")
                .unwrap_err(),
            "null is not allowed in this map at '/Tags/b'"
        );
        assert_eq!(document("<Input><Flat>1</Flat></Input>").unwrap(), r#"{"Flat":["1"]}"#);
        assert_eq!(
            document("<Input><Flat>1</Flat><Name>x</Name><Flat>2</Flat></Input>").unwrap_err(),
            "the member Flat is sent more than once (a flattened list's items are sent one after another)"
        );
        assert_eq!(
            document("<Input><Tags><entry><value>1</value><key>a</key></entry></Tags></Input>").unwrap_err(),
            "a map entry's key is sent after its value; send the key first"
        );
        assert_eq!(
            document("<Input><Count>x</Count></Input>").unwrap_err(),
            "expected a whole number that fits a 32-bit integer at '/Count'"
        );
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
