//! A REST request's head (path labels, query string, headers) and a blob
//! or text payload, read by the generated [`ReadHttp`] impls as the bound
//! members of the input, before its body.
//!
//! [`HeadSource`] is where they read them from: it walks the input's
//! bindings and hands over each bound value that was sent, converted by
//! its member's schema as Smithy's HTTP binding rules have it: strings as
//! they are, numbers and booleans from their text, timestamps in their
//! binding's format, blobs as base64 (a payload as its bytes), lists from
//! repeated query parameters or comma-separated header values, maps from
//! `@httpQueryParams` and `@httpPrefixHeaders`. The reader checks each
//! value as it checks a body's, so a bound member's violations carry the
//! same JSON Pointer (`/memberName`) as a body member's. A value that does
//! not convert (`abc` for an integer) makes the request malformed, which
//! the protocol answers as a `SerializationException` (restJson1) or an
//! `InvalidArgument` (restXml), saying where it was.
//!
//! [`ReadHttp`]: crate::validate::ReadHttp

use std::borrow::Cow;
use std::collections::BTreeMap;

use http::HeaderMap;

use crate::http::decode::percent_decode;
use crate::validate::{List, MalformedInput, Map, Member, Schema, Source, SourceError, Structure, TimestampFormat};

/// Where an input member is bound in the request (Smithy's HTTP binding
/// traits). Members not listed travel in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// `@httpLabel`: the URI label of the member's name.
    Label,
    /// `@httpQuery("name")`.
    Query(&'static str),
    /// `@httpQueryParams`: every query parameter, as a map.
    QueryParams,
    /// `@httpHeader("Name")`.
    Header(&'static str),
    /// `@httpHeader("Name")` on a `@mediaType` string: the value is base64.
    EncodedHeader(&'static str),
    /// `@httpPrefixHeaders("prefix")`: the headers whose names start with
    /// the prefix, keyed by the rest of the name.
    PrefixHeaders(&'static str),
    /// `@httpPayload` on a blob: the body's bytes themselves.
    RawPayload,
    /// `@httpPayload` on a string or enum: the body's text.
    TextPayload,
}

/// One bound member of an input: its index in the input's validation
/// table, where it is in the request, and whether it is `@required` (a
/// request without a required query parameter is not for an operation
/// whose path another shares: see S3's `x-id`).
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// The member's index in the input's
    /// [`Structure::members`](crate::validate::Structure::members).
    pub member: usize,
    /// Where the member's value is sent.
    pub location: Location,
    /// `@required`. The REST router reads it to choose between operations
    /// that share a path when a client leaves out `x-id`: only one whose
    /// required query parameters and headers are all sent fits.
    pub required: bool,
}

/// How an operation's input is bound to its request.
#[derive(Debug)]
pub struct HttpInput {
    /// The members bound outside the body's JSON document.
    pub bound: &'static [Bound],
    /// The media type the body must be sent with (`application/json` for a
    /// document); `None` when the input has nothing in the body, and then
    /// a request may not declare one.
    pub content_type: Option<&'static str>,
}

/// What the head's source reads.
pub struct Head<'a> {
    /// The route's label values, decoded, by label name.
    pub labels: &'a [(&'a str, String)],
    /// The request's query string, undecoded.
    pub query: Option<&'a str>,
    /// The request's headers, read by `@httpHeader` and
    /// `@httpPrefixHeaders` members.
    pub headers: &'a HeaderMap,
    /// The body (read only by [`Location::RawPayload`] and
    /// [`Location::TextPayload`] members).
    pub body: &'a [u8],
}

/// The bound members of an input as its reader reads them: each binding
/// of the input's in turn, a member for each value sent.
pub struct HeadSource<'h> {
    bound: &'static [Bound],
    members: &'static [Member],
    labels: &'h [(&'h str, String)],
    /// The query string's parameters, decoded (when some member is bound
    /// to the query string).
    query: Params<'h>,
    /// The request's headers, named once: `HeaderMap::get(&str)` parses
    /// and hashes the name it is given, which for S3's 45 header-bound
    /// members was a quarter of reading a PutObject head.
    headers: Vec<(&'h str, &'h http::HeaderValue)>,
    /// A bit for each of the request's header names ([`name_bit`]): a
    /// binding whose bit is clear names a header not sent, found so
    /// without comparing names. Most of an S3 input's 45 bound headers
    /// are not sent, and comparing each with every header sent was a
    /// third of reading a PutObject head.
    sent: u64,
    body: &'h [u8],
    /// The binding to look at next.
    next: usize,
    /// The value at the position: what it is, its schema, and the binding
    /// it came from (for messages).
    at: Option<(Value<'h>, Schema)>,
    /// The binding whose member is being read.
    binding: Option<Bound>,
    /// The lists and maps the position is in.
    frames: Vec<Frame<'h>>,
    /// The key last named.
    key: Cow<'h, str>,
    /// The text last read.
    text: Cow<'h, str>,
}

/// A bound value, as sent.
#[derive(Debug)]
enum Value<'h> {
    /// A label's or query parameter's text.
    Text(Cow<'h, str>),
    /// A header's fields, joined: a scalar's text, or a list's items.
    Header(Cow<'h, str>),
    /// A `@mediaType` header: base64 of the text.
    Encoded(Cow<'h, str>),
    /// A query parameter's values, in order.
    Values(Vec<Cow<'h, str>>),
    /// A map's entries.
    Entries(Vec<(Cow<'h, str>, Value<'h>)>),
    /// The body, as a payload.
    Body(&'h [u8]),
}

/// A list or map being read: its items or entries left, and their schema.
#[derive(Debug)]
enum Frame<'h> {
    List(std::vec::IntoIter<Cow<'h, str>>, Schema),
    Map(std::vec::IntoIter<(Cow<'h, str>, Value<'h>)>, Schema),
}

impl<'h> HeadSource<'h> {
    /// The source of the bound members of an input with `bindings` and
    /// validation table `schema`; a query string that cannot be decoded
    /// makes the request malformed.
    pub fn new(
        bindings: &'static HttpInput,
        schema: &'static Structure,
        head: &Head<'h>,
    ) -> Result<Self, MalformedInput> {
        let query = match head.query {
            Some(query)
                if bindings.bound.iter().any(|b| matches!(b.location, Location::Query(_) | Location::QueryParams)) =>
            {
                parse_query(query)?
            }
            _ => Vec::new(),
        };
        let headers: Vec<_> = head.headers.iter().map(|(name, value)| (name.as_str(), value)).collect();
        Ok(HeadSource {
            bound: bindings.bound,
            members: schema.members,
            labels: head.labels,
            query,
            sent: headers.iter().fold(0, |sent, (name, _)| sent | name_bit(name)),
            headers,
            body: head.body,
            next: 0,
            at: None,
            binding: None,
            frames: Vec::new(),
            key: Cow::Borrowed(""),
            text: Cow::Borrowed(""),
        })
    }

    /// The value of `bound`, if the request sent one.
    fn value(&self, bound: Bound) -> Result<Option<Value<'h>>, String> {
        let schema = &self.members[bound.member].schema;
        Ok(match bound.location {
            Location::Label => {
                let name = self.members[bound.member].name;
                let label = self.labels.iter().find(|(label, _)| *label == name);
                label.map(|(_, text)| Value::Text(Cow::Borrowed(text.as_str())))
            }
            Location::Query(name) => {
                let mut values = self.query.iter().filter(|(key, _)| key == name).map(|(_, value)| value.clone());
                match schema {
                    Schema::List(_) => {
                        Some(Value::Values(values.collect())).filter(|v| !matches!(v, Value::Values(v) if v.is_empty()))
                    }
                    _ => values.next().map(Value::Text),
                }
            }
            Location::QueryParams => {
                let Schema::Map(map) = schema else { return Err("is bound to a value that is not a map".to_string()) };
                if self.query.is_empty() {
                    return Ok(None);
                }
                // Each key's values, in order, gathered in one pass.
                let mut params: BTreeMap<&Cow<'h, str>, Vec<Cow<'h, str>>> = BTreeMap::new();
                for (key, value) in &self.query {
                    params.entry(key).or_default().push(value.clone());
                }
                let entries = params.into_iter().map(|(key, mut values)| {
                    let value = match map.value {
                        Schema::List(_) => Value::Values(values),
                        _ => Value::Text(values.swap_remove(0)),
                    };
                    (key.clone(), value)
                });
                Some(Value::Entries(entries.collect()))
            }
            Location::Header(name) => self.header(name)?.map(Value::Header),
            Location::EncodedHeader(name) => self.header(name)?.map(Value::Encoded),
            Location::PrefixHeaders(prefix) => {
                if !matches!(schema, Schema::Map(_)) {
                    return Err("is bound to a value that is not a map".to_string());
                }
                let mut entries = Vec::new();
                for (i, &(name, _)) in self.headers.iter().enumerate() {
                    // A header sent twice is one entry, its fields joined.
                    if self.headers[..i].iter().any(|&(earlier, _)| earlier == name) {
                        continue;
                    }
                    let starts = name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix);
                    if starts && name.is_char_boundary(prefix.len()) {
                        let value = self.header(name)?.unwrap_or_default();
                        entries.push((Cow::Borrowed(&name[prefix.len()..]), Value::Header(value)));
                    }
                }
                (!entries.is_empty()).then_some(Value::Entries(entries))
            }
            Location::RawPayload | Location::TextPayload => (!self.body.is_empty()).then_some(Value::Body(self.body)),
        })
    }

    /// The header `name`'s value (its fields joined by commas, as HTTP
    /// allows), if it was sent.
    fn header(&self, name: &str) -> Result<Option<Cow<'h, str>>, String> {
        if self.sent & name_bit(name) == 0 {
            return Ok(None);
        }
        // Header names are lowercase in the map, and a binding's in the
        // model may not be.
        let named =
            |(header, _): &&(&str, &http::HeaderValue)| header.len() == name.len() && header.eq_ignore_ascii_case(name);
        let mut fields = self.headers.iter().filter(named).map(|(_, value)| value.to_str());
        let Some(first) = fields.next() else { return Ok(None) };
        let visible = |field: Result<&'h str, _>| field.map_err(|_| "is not visible ASCII text".to_string());
        let mut text = Cow::Borrowed(visible(first)?);
        for field in fields {
            let text = text.to_mut();
            text.push_str(", ");
            text.push_str(visible(field)?);
        }
        Ok(Some(text))
    }

    /// Where the member being read was sent, and what is wrong with it: a
    /// malformed value, said at its place.
    fn malformed(&self, problem: impl std::fmt::Display) -> SourceError {
        let (location, name) = match self.binding {
            Some(bound) => (bound.location, self.members[bound.member].name),
            None => (Location::Label, ""),
        };
        SourceError::at_value(format!("{} {problem}", describe_location(location, name)))
    }
}

impl<'h> Source for HeadSource<'h> {
    fn structure(&mut self) -> Result<(), SourceError> {
        Ok(())
    }

    fn key(&mut self) -> Result<Option<&str>, SourceError> {
        while let Some(&bound) = self.bound.get(self.next) {
            self.next += 1;
            self.binding = Some(bound);
            let value = self.value(bound).map_err(|problem| self.malformed(problem))?;
            if let Some(value) = value {
                let member = &self.members[bound.member];
                self.at = Some((value, member.schema));
                return Ok(Some(member.name));
            }
        }
        self.binding = None;
        Ok(None)
    }

    fn list(&mut self, list: &List) -> Result<(), SourceError> {
        let items = match self.at.take() {
            Some((Value::Values(values), _)) => values,
            Some((Value::Header(text), _)) => {
                let http_dates = matches!(list.member, Schema::Timestamp(TimestampFormat::HttpDate));
                let mut items = Vec::new();
                list_items(&text, http_dates, |item| {
                    items.push(Cow::Owned(item.to_string()));
                    Ok(())
                })
                .map_err(|problem| self.malformed(problem))?;
                items
            }
            Some((Value::Text(text), _)) => vec![text],
            _ => return Err(self.malformed("is not a list")),
        };
        self.frames.push(Frame::List(items.into_iter(), list.member));
        Ok(())
    }

    fn item(&mut self) -> Result<bool, SourceError> {
        let Some(Frame::List(items, schema)) = self.frames.last_mut() else { unreachable!("items are of lists") };
        let schema = *schema;
        match items.next() {
            Some(item) => {
                self.at = Some((Value::Text(item), schema));
                Ok(true)
            }
            None => {
                self.frames.pop();
                Ok(false)
            }
        }
    }

    fn map(&mut self, map: &Map) -> Result<(), SourceError> {
        let Some((Value::Entries(entries), _)) = self.at.take() else { return Err(self.malformed("is not a map")) };
        self.frames.push(Frame::Map(entries.into_iter(), map.value));
        Ok(())
    }

    fn entry(&mut self) -> Result<Option<&str>, SourceError> {
        let Some(Frame::Map(entries, schema)) = self.frames.last_mut() else { unreachable!("entries are of maps") };
        let schema = *schema;
        match entries.next() {
            Some((key, value)) => {
                self.key = key;
                self.at = Some((value, schema));
                Ok(Some(&self.key))
            }
            None => {
                self.frames.pop();
                Ok(None)
            }
        }
    }

    fn absent(&mut self) -> bool {
        false
    }

    fn text(&mut self) -> Result<&str, SourceError> {
        let Some((value, schema)) = self.at.take() else { return Ok(&self.text) };
        let text = match value {
            Value::Text(text) => text,
            Value::Header(text) => trimmed(text),
            Value::Encoded(text) => {
                let decoded = crate::Blob::from_base64(text.trim()).map_err(|_| self.malformed("is not base64"))?;
                let decoded =
                    String::from_utf8(decoded.into_inner()).map_err(|_| self.malformed("is not base64 of UTF-8"))?;
                Cow::Owned(decoded)
            }
            Value::Body(body) => match schema {
                Schema::Blob(_) => Cow::Owned(crate::Blob::new(body.to_vec()).to_base64()),
                _ => Cow::Borrowed(std::str::from_utf8(body).map_err(|_| self.malformed("is not UTF-8 text"))?),
            },
            Value::Values(_) | Value::Entries(_) => {
                return Err(self.malformed("is bound to a value that cannot be sent as text"));
            }
        };
        self.text = scalar(&schema, text).map_err(|problem| self.malformed(problem))?;
        Ok(&self.text)
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        match self.at {
            Some((Value::Body(body), Schema::Blob(_))) => {
                self.at = None;
                Some(body)
            }
            _ => None,
        }
    }

    fn skip(&mut self) -> Result<(), SourceError> {
        self.at = None;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SourceError> {
        Ok(())
    }
}

/// A header name's bit in [`HeadSource::sent`], the same whatever its
/// case: by its length and its first and last bytes.
fn name_bit(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let (first, last) = (bytes.first().copied().unwrap_or(0), bytes.last().copied().unwrap_or(0));
    let mix = bytes.len() ^ ((first.to_ascii_lowercase() as usize) << 1) ^ ((last.to_ascii_lowercase() as usize) << 3);
    1 << (mix % 64)
}

/// A header's text without the blanks around it.
fn trimmed(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
        Cow::Owned(text) if text.trim().len() == text.len() => Cow::Owned(text),
        Cow::Owned(text) => Cow::Owned(text.trim().to_string()),
    }
}

/// Where a value came from, for messages.
fn describe_location(location: Location, member: &str) -> String {
    match location {
        Location::Label => format!("the URI label {member:?}"),
        Location::Query(name) => format!("the query parameter {name:?}"),
        Location::QueryParams => "the query string".to_string(),
        Location::Header(name) | Location::EncodedHeader(name) => format!("the header {name:?}"),
        Location::PrefixHeaders(prefix) => format!("a header starting {prefix:?}"),
        Location::RawPayload | Location::TextPayload => "the body".to_string(),
    }
}

/// A query string's parameters, decoded: (key, value) in order.
type Params<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// The query string's parameters, decoded (`+` is a space). A parameter
/// without `=` has the empty value.
fn parse_query(query: &str) -> Result<Params<'_>, MalformedInput> {
    let mut params = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text| {
            percent_decode(text, true).map_err(|e| MalformedInput {
                path: String::new(),
                message: format!("the query string {}", e.describe()),
            })
        };
        params.push((decode(key)?, decode(value)?));
    }
    Ok(params)
}

/// A header list's items (RFC 9110 section 5.6.1): split at commas outside
/// quoted strings, each trimmed and unquoted. HTTP dates hold a comma
/// themselves, so a list of them splits at every second comma.
pub fn split_list(text: &str, http_dates: bool) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    list_items(text, http_dates, |item| {
        items.push(item.to_string());
        Ok(())
    })?;
    Ok(items)
}

/// [`split_list`], each item handed to `each` as it is found.
fn list_items(text: &str, http_dates: bool, mut each: impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
    if http_dates {
        let mut commas = text.match_indices(',').map(|(at, _)| at).skip(1).step_by(2);
        let mut start = 0;
        loop {
            match commas.next() {
                Some(end) => {
                    each(text[start..end].trim())?;
                    start = end + 1;
                }
                None => return each(text[start..].trim()),
            }
        }
    }
    let bytes = text.as_bytes();
    let blank = |b: u8| b == b' ' || b == b'\t';
    // A quoted item's text, unescaped; reused from item to item.
    let mut quoted = String::new();
    let mut at = 0;
    loop {
        while at < bytes.len() && blank(bytes[at]) {
            at += 1;
        }
        if bytes.get(at) == Some(&b'"') {
            quoted.clear();
            let mut chars = text[at + 1..].char_indices();
            loop {
                match chars.next() {
                    Some((_, '\\')) => quoted.push(chars.next().ok_or("ends inside a quoted string")?.1),
                    Some((end, '"')) => {
                        at += 1 + end + 1;
                        break;
                    }
                    Some((_, c)) => quoted.push(c),
                    None => return Err("ends inside a quoted string".to_string()),
                }
            }
            while at < bytes.len() && blank(bytes[at]) {
                at += 1;
            }
            if at < bytes.len() && bytes[at] != b',' {
                return Err("has text after a quoted string".to_string());
            }
            each(&quoted)?;
        } else {
            let end = text[at..].find(',').map_or(text.len(), |comma| at + comma);
            each(text[at..end].trim_end())?;
            at = end;
        }
        if at >= bytes.len() {
            return Ok(());
        }
        // The comma.
        at += 1;
    }
}

/// One value from its text in the request, as the text its reader takes
/// for `schema`'s type: numbers without leading zeros (which JSON's have
/// not), the rest as sent once checked.
fn scalar<'t>(schema: &Schema, text: Cow<'t, str>) -> Result<Cow<'t, str>, &'static str> {
    Ok(match schema {
        Schema::String(_) | Schema::Enum(_) | Schema::Blob(_) => text,
        Schema::Timestamp(TimestampFormat::DateTime | TimestampFormat::HttpDate) => text,
        Schema::Integer(_) => {
            let digits = text.strip_prefix('-').unwrap_or(&text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err("is not a whole number");
            }
            without_leading_zeros(text)
        }
        Schema::Float(_) | Schema::Timestamp(TimestampFormat::EpochSeconds) => {
            let non_finite = matches!(schema, Schema::Float(_)) && matches!(&*text, "NaN" | "Infinity" | "-Infinity");
            if !non_finite && !crate::validate::is_number(&text) {
                return Err("is not a number");
            }
            text
        }
        // Every digit kept (leading zeros aside, as for integers).
        Schema::BigInteger(_) | Schema::BigDecimal(_) => {
            let number = without_leading_zeros(text);
            match schema {
                Schema::BigInteger(_) if crate::BigInteger::parse(&number).is_err() => {
                    return Err("is not a whole number");
                }
                _ if crate::BigDecimal::parse(&number).is_err() => return Err("is not a number"),
                _ => number,
            }
        }
        Schema::Boolean => match &*text {
            "true" | "false" => text,
            _ => return Err("is not true or false"),
        },
        _ => return Err("is bound to a value that cannot be sent as text"),
    })
}

/// A number's text without the zeros its whole part starts with (`-007`
/// is `-7`, `00.5` is `0.5`).
fn without_leading_zeros(text: Cow<'_, str>) -> Cow<'_, str> {
    let sign = if text.starts_with('-') { "-" } else { "" };
    let unsigned = &text[sign.len()..];
    let whole = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    // A whole part of zeros keeps one.
    let zeros = unsigned.bytes().take_while(|&b| b == b'0').count().min(whole.saturating_sub(1));
    if zeros == 0 {
        return text;
    }
    Cow::Owned(format!("{sign}{}", &unsigned[zeros..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::read::any::Any;
    use crate::validate::{IntegerKind, IntegerRules, Rejection, StringRules};

    const TEXT: Schema = Schema::String(StringRules { length: None, pattern: None, values: None });
    const INT: Schema = Schema::Integer(IntegerRules { kind: IntegerKind::Integer, range: None, values: None });
    static TEXTS: List = List { member: TEXT, length: None, unique: false, sparse: false, flattened: false };
    static DATES: List = List {
        member: Schema::Timestamp(TimestampFormat::HttpDate),
        length: None,
        unique: false,
        sparse: false,
        flattened: false,
    };
    static INPUT: Structure = Structure {
        name: "Input",
        members: &[
            Member { name: "id", json_name: None, required: true, schema: TEXT },
            Member { name: "count", json_name: None, required: false, schema: INT },
            Member { name: "tags", json_name: None, required: false, schema: Schema::List(&TEXTS) },
            Member { name: "flag", json_name: None, required: false, schema: Schema::Boolean },
            Member { name: "dates", json_name: None, required: false, schema: Schema::List(&DATES) },
            Member {
                name: "when",
                json_name: None,
                required: false,
                schema: Schema::Timestamp(TimestampFormat::DateTime),
            },
            Member {
                name: "ratio",
                json_name: None,
                required: false,
                schema: Schema::Float(crate::validate::FloatRules { range: None }),
            },
        ],
    };
    static BINDINGS: HttpInput = HttpInput {
        bound: &[
            Bound { member: 0, location: Location::Label, required: true },
            Bound { member: 1, location: Location::Query("count"), required: false },
            Bound { member: 2, location: Location::Query("tag"), required: false },
            Bound { member: 3, location: Location::Header("X-Flag"), required: false },
            Bound { member: 4, location: Location::Header("X-Dates"), required: false },
            Bound { member: 5, location: Location::Query("when"), required: false },
            Bound { member: 6, location: Location::Header("X-Ratio"), required: false },
        ],
        content_type: None,
    };

    /// What the input's reader reads from a request's head and body, as
    /// JSON; or why it could not.
    fn read(
        bindings: &'static HttpInput,
        schema: &'static Structure,
        labels: &[(&str, String)],
        query: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<serde_json::Value, Rejection> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(http::HeaderName::try_from(*name).unwrap(), value.parse().unwrap());
        }
        let head = Head { labels, query, headers: &map, body };
        let mut source = HeadSource::new(bindings, schema, &head).map_err(Rejection::Malformed)?;
        crate::validate::parse_http::<Any>(schema, &mut source, b"", None).map(|any| any.0)
    }

    fn document(query: Option<&str>, headers: &[(&str, &str)]) -> Result<serde_json::Value, String> {
        let labels = [("id", "a b/c".to_string())];
        read(&BINDINGS, &INPUT, &labels, query, headers, b"").map_err(|rejection| rejection.to_string())
    }

    #[test]
    fn the_head_is_read_as_the_bound_members() {
        let read = document(
            Some("count=007&tag=x&tag=y%2Cz&tag=&when=2024-01-02T03:04:05Z&other=1"),
            &[
                ("x-flag", "true"),
                ("x-dates", "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"),
                ("x-ratio", "-0.5"),
            ],
        )
        .unwrap();
        assert_eq!(
            read,
            serde_json::json!({
                "id": "a b/c",
                "count": 7,
                "tags": ["x", "y,z", ""],
                "flag": true,
                "dates": ["2019-12-16T23:48:18Z", "2019-12-17T23:48:18Z"],
                "when": "2024-01-02T03:04:05Z",
                "ratio": -0.5,
            })
        );
        // Absent query parameters and headers leave their members out.
        assert_eq!(document(None, &[]).unwrap(), serde_json::json!({"id": "a b/c"}));
    }

    static PAYLOAD_INPUT: Structure = Structure {
        name: "PayloadInput",
        members: &[
            Member { name: "id", json_name: None, required: true, schema: TEXT },
            Member { name: "data", json_name: None, required: false, schema: Schema::Blob(None) },
        ],
    };
    static PAYLOAD_BINDINGS: HttpInput = HttpInput {
        bound: &[
            Bound { member: 0, location: Location::Label, required: true },
            Bound { member: 1, location: Location::RawPayload, required: false },
        ],
        content_type: Some("*/*"),
    };

    /// A blob payload is read as the body's bytes, never as base64.
    #[test]
    fn a_payload_is_read_as_the_body() {
        let labels = [("id", "x".to_string())];
        let body = vec![1u8; 1 << 20];
        let read = read(&PAYLOAD_BINDINGS, &PAYLOAD_INPUT, &labels, None, &[], &body).unwrap();
        // The test reader reads a blob as its length.
        assert_eq!(read, serde_json::json!({"id": "x", "data": 1 << 20}));
        // No body, no payload.
        let read = super::tests::read(&PAYLOAD_BINDINGS, &PAYLOAD_INPUT, &labels, None, &[], b"").unwrap();
        assert_eq!(read, serde_json::json!({"id": "x"}));
    }

    #[test]
    fn values_that_do_not_convert_are_malformed_and_say_where() {
        for (query, headers, why) in [
            ("count=1.5", &[][..], "the query parameter \"count\" is not a whole number at '/count'"),
            ("count=0x42", &[], "the query parameter \"count\" is not a whole number at '/count'"),
            ("count=99999999999", &[], "expected a whole number that fits a 32-bit integer at '/count'"),
            ("", &[("x-flag", "True")], "the header \"X-Flag\" is not true or false at '/flag'"),
            ("", &[("x-ratio", "Infinityx")], "the header \"X-Ratio\" is not a number at '/ratio'"),
            ("", &[("x-dates", "Mon, 16 Dec 2019")], "expected a timestamp as an HTTP date at '/dates/0'"),
            ("count=%zz", &[], "the query string has a `%` not followed by two hexadecimal digits"),
        ] {
            let refused = document(Some(query), headers).unwrap_err();
            assert_eq!(refused, why, "{query} {headers:?}");
        }
    }

    #[test]
    fn header_lists_split_at_commas_outside_quotes() {
        assert_eq!(split_list("a, b,c", false).unwrap(), ["a", "b", "c"]);
        assert_eq!(split_list(r#""b,c", "\"quoted\"", d"#, false).unwrap(), ["b,c", "\"quoted\"", "d"]);
        assert_eq!(split_list("", false).unwrap(), [""]);
        assert!(split_list(r#""open"#, false).is_err());
        assert_eq!(
            split_list("Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT", true).unwrap(),
            ["Mon, 16 Dec 2019 23:48:18 GMT", "Mon, 16 Dec 2019 23:48:18 GMT"]
        );
    }

    static BIG_INPUT: Structure = Structure {
        name: "BigInput",
        members: &[
            Member {
                name: "count",
                json_name: None,
                required: false,
                schema: Schema::BigInteger(crate::validate::BigRules { range: None }),
            },
            Member {
                name: "price",
                json_name: None,
                required: false,
                schema: Schema::BigDecimal(crate::validate::BigRules { range: None }),
            },
        ],
    };
    static BIG_BINDINGS: HttpInput = HttpInput {
        bound: &[
            Bound { member: 0, location: Location::Query("count"), required: false },
            Bound { member: 1, location: Location::Header("X-Price"), required: false },
        ],
        content_type: None,
    };

    /// Big numbers travel as text in the head and are read with every
    /// digit; the reader then checks their kind.
    #[test]
    fn big_numbers_in_the_head_keep_every_digit() {
        let document = |query: &str, price: &str| {
            read(&BIG_BINDINGS, &BIG_INPUT, &[], Some(query), &[("x-price", price)], b"")
                .map_err(|rejection| rejection.to_string())
        };
        assert_eq!(
            document("count=00123456789012345678901234567890", "-0.100000000000000000000001").unwrap(),
            serde_json::json!({"count": "123456789012345678901234567890", "price": "-0.100000000000000000000001"})
        );
        assert_eq!(document("count=-0", "1E+400").unwrap(), serde_json::json!({"count": "-0", "price": "1E+400"}));
        for (query, price, why) in [
            ("count=1x", "1", "the query parameter \"count\" is not a whole number at '/count'"),
            ("count=1.5", "1", "the query parameter \"count\" is not a whole number at '/count'"),
            ("count=", "1", "the query parameter \"count\" is not a whole number at '/count'"),
            ("count=1", "0x10", "the header \"X-Price\" is not a number at '/price'"),
            ("count=1", "1e", "the header \"X-Price\" is not a number at '/price'"),
        ] {
            assert_eq!(document(query, price).unwrap_err(), why, "{query} {price}");
        }
    }

    #[test]
    fn leading_zeros_are_left_out() {
        for (text, number) in [("007", "7"), ("-007", "-7"), ("000", "0"), ("00.5", "0.5"), ("0", "0"), ("12", "12")] {
            assert_eq!(without_leading_zeros(Cow::Borrowed(text)), number);
        }
    }

    #[test]
    fn numbers_are_json_numbers_or_refused() {
        for good in ["0", "-1", "1.5", "1e10", "-2.5E-3"] {
            assert!(crate::validate::is_number(good), "{good}");
        }
        for bad in ["", "-", "01", "1.", ".5", "0x42", "2ABC", "1e", "+1", "Infinity"] {
            assert!(!crate::validate::is_number(bad), "{bad}");
        }
    }
}
