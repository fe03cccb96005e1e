//! A restJson1 request's head (path labels, query string, headers) as a
//! JSON document of the input's bound members, read by the generated
//! [`ReadHttp`](crate::validate::ReadHttp) impls with the body.
//!
//! Each bound value is converted by its member's schema, as Smithy's HTTP
//! binding rules have it: strings as they are, numbers and booleans from
//! their text, timestamps in their binding's format, blobs as base64, lists
//! from repeated query parameters or comma-separated header values. The
//! document is then read and checked like any body, so a bound member's
//! violations carry the same JSON Pointer (`/memberName`) as a body
//! member's. A value that does not convert (`abc` for an integer) makes
//! the request malformed, which the protocol answers as a
//! `SerializationException`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use http::HeaderMap;

use crate::http::decode::percent_decode;
use crate::validate::{MalformedInput, Schema, Structure, TimestampFormat};

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
/// table and where it is in the request.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    pub member: usize,
    pub location: Location,
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

/// What the head document is made from.
pub struct Head<'a> {
    /// The route's label values, decoded, by label name.
    pub labels: &'a [(&'a str, String)],
    /// The request's query string, undecoded.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    /// The body (read only by [`Location::RawPayload`] and
    /// [`Location::TextPayload`] members).
    pub body: &'a [u8],
}

/// The head document of a request for an input with `bindings` and
/// validation table `schema`.
pub fn head_document(bindings: &HttpInput, schema: &Structure, head: &Head<'_>) -> Result<String, MalformedInput> {
    document(bindings, schema, head, false)
}

/// [`head_document`], but a blob or string payload is left in the body:
/// its member's value is `""`, which the reader replaces with the body
/// ([`crate::validate::parse_http_payload`]). Written into the document,
/// an 8 MB payload was copied, base64-encoded or JSON-escaped (six bytes
/// for a control character), and decoded again.
pub(crate) fn head_document_in_place(
    bindings: &HttpInput,
    schema: &Structure,
    head: &Head<'_>,
) -> Result<String, MalformedInput> {
    document(bindings, schema, head, true)
}

/// The member of `schema` a blob or string payload in `bindings` is bound
/// to, if there is one: what [`head_document_in_place`] leaves in place.
pub(crate) fn payload_in_place(bindings: &HttpInput, schema: &Structure) -> Option<usize> {
    bindings.bound.iter().find_map(|bound| {
        let in_place = match bound.location {
            Location::RawPayload => matches!(schema.members[bound.member].schema, Schema::Blob(_)),
            Location::TextPayload => matches!(schema.members[bound.member].schema, Schema::String(_)),
            _ => false,
        };
        in_place.then_some(bound.member)
    })
}

fn document(
    bindings: &HttpInput,
    schema: &Structure,
    head: &Head<'_>,
    in_place: bool,
) -> Result<String, MalformedInput> {
    let in_place = if in_place { payload_in_place(bindings, schema) } else { None };
    let mut out = String::with_capacity(64);
    out.push('{');
    let query = match head.query {
        Some(query)
            if bindings.bound.iter().any(|b| matches!(b.location, Location::Query(_) | Location::QueryParams)) =>
        {
            parse_query(query)?
        }
        _ => Vec::new(),
    };
    // The request's headers, named once: `HeaderMap::get(&str)` parses and
    // hashes the name it is given, which for S3's 45 header-bound members
    // was a quarter of reading a PutObject head.
    let headers: Vec<(&str, &http::HeaderValue)> =
        head.headers.iter().map(|(name, value)| (name.as_str(), value)).collect();
    for bound in bindings.bound {
        let member = &schema.members[bound.member];
        // The member's key, then its value; both taken back if it is absent.
        let start = out.len();
        if start > 1 {
            out.push(',');
        }
        string(&mut out, member.name);
        out.push(':');
        let value = &mut out;
        let written = match bound.location {
            Location::Label => match head.labels.iter().find(|(name, _)| *name == member.name) {
                Some((_, text)) => scalar(value, &member.schema, text).map(|()| true),
                None => Ok(false),
            },
            Location::Query(name) => {
                let values: Vec<&str> = query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_ref()).collect();
                values_of(value, &member.schema, &values)
            }
            Location::QueryParams => query_map(value, &member.schema, &query),
            Location::Header(name) | Location::EncodedHeader(name) => {
                let encoded = matches!(bound.location, Location::EncodedHeader(_));
                header(value, &member.schema, &headers, name, encoded)
            }
            Location::PrefixHeaders(prefix) => prefix_headers(value, &member.schema, &headers, prefix),
            Location::RawPayload | Location::TextPayload if in_place == Some(bound.member) => {
                payload_marker(value, &member.schema, head.body)
            }
            Location::RawPayload | Location::TextPayload => raw_payload(value, &member.schema, head.body),
        };
        let written = written.map_err(|problem| MalformedInput {
            path: format!("/{}", member.name),
            message: format!("{} {problem}", describe_location(bound.location, member.name)),
        })?;
        if !written {
            out.truncate(start);
        }
    }
    out.push('}');
    Ok(out)
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

/// A bound value that is absent or present: `Ok(true)` when written.
type Written = Result<bool, String>;

/// One value of a list, or the only value of a scalar, from `values` (all
/// a query parameter's, in order).
fn values_of(out: &mut String, schema: &Schema, values: &[&str]) -> Written {
    match schema {
        Schema::List(list) => {
            if values.is_empty() {
                return Ok(false);
            }
            out.push('[');
            for (i, text) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                scalar(out, &list.member, text)?;
            }
            out.push(']');
            Ok(true)
        }
        _ => match values.first() {
            Some(text) => scalar(out, schema, text).map(|()| true),
            None => Ok(false),
        },
    }
}

/// `@httpQueryParams`: a map of every parameter to its first value, or
/// to all its values for a map of lists.
fn query_map(out: &mut String, schema: &Schema, query: &[(Cow<'_, str>, Cow<'_, str>)]) -> Written {
    let Schema::Map(map) = schema else { return Err("is bound to a value that is not a map".to_string()) };
    if query.is_empty() {
        return Ok(false);
    }
    // Each key's values, in order, gathered in one pass.
    let mut params: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, value) in query {
        params.entry(key).or_default().push(value);
    }
    out.push('{');
    for (i, (key, values)) in params.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, key);
        out.push(':');
        values_of(out, &map.value, values)?;
    }
    out.push('}');
    Ok(true)
}

/// A request's headers, each field with its (lowercase) name, in order.
type Headers<'h> = [(&'h str, &'h http::HeaderValue)];

/// `@httpHeader`: the header's value (its fields joined by commas, as
/// HTTP allows), or for a list its comma-separated items.
fn header(out: &mut String, schema: &Schema, headers: &Headers<'_>, name: &str, encoded: bool) -> Written {
    // Header names are lowercase in the map, and a binding's in the model
    // may not be.
    let named =
        |(header, _): &&(&str, &http::HeaderValue)| header.len() == name.len() && header.eq_ignore_ascii_case(name);
    let mut fields = headers.iter().filter(named).map(|(_, value)| *value).peekable();
    if fields.peek().is_none() {
        return Ok(false);
    }
    let mut text = String::new();
    for (i, field) in fields.enumerate() {
        let field = field.to_str().map_err(|_| "is not visible ASCII text".to_string())?;
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(field);
    }
    match schema {
        Schema::List(list) => {
            // Each item straight into the document: a 380 KB list was split
            // into a string per item first.
            out.push('[');
            let mut first = true;
            list_items(&text, matches!(list.member, Schema::Timestamp(TimestampFormat::HttpDate)), |item| {
                if !std::mem::take(&mut first) {
                    out.push(',');
                }
                scalar(out, &list.member, item)
            })?;
            out.push(']');
        }
        _ if encoded => {
            let decoded = crate::Blob::from_base64(text.trim()).map_err(|_| "is not base64".to_string())?;
            let decoded = String::from_utf8(decoded.into_inner()).map_err(|_| "is not base64 of UTF-8".to_string())?;
            scalar(out, schema, &decoded)?;
        }
        _ => scalar(out, schema, text.trim())?,
    }
    Ok(true)
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

/// `@httpPrefixHeaders`: every header whose name starts with `prefix`
/// (names are compared without case; keys are the rest, lowercase).
fn prefix_headers(out: &mut String, schema: &Schema, headers: &Headers<'_>, prefix: &str) -> Written {
    let Schema::Map(map) = schema else { return Err("is bound to a value that is not a map".to_string()) };
    let prefix = prefix.to_ascii_lowercase();
    let start = out.len();
    let mut any = false;
    out.push('{');
    let mut seen: Vec<&str> = Vec::new();
    for &(name, _) in headers {
        // A header sent twice is one entry, its fields joined.
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let Some(key) = name.strip_prefix(prefix.as_str()) else { continue };
        if any {
            out.push(',');
        }
        any = true;
        string(out, key);
        out.push(':');
        header(out, &map.value, headers, name, false)?;
    }
    out.push('}');
    if !any {
        out.truncate(start);
    }
    Ok(any)
}

/// A blob or string `@httpPayload`: the body's bytes, as base64 or text.
/// The place of a payload left in the body: `""` if there is one (text
/// must be UTF-8, as [`raw_payload`] requires).
fn payload_marker(out: &mut String, schema: &Schema, body: &[u8]) -> Written {
    if body.is_empty() {
        return Ok(false);
    }
    if matches!(schema, Schema::String(_)) && std::str::from_utf8(body).is_err() {
        return Err("is not UTF-8 text".to_string());
    }
    out.push_str("\"\"");
    Ok(true)
}

fn raw_payload(out: &mut String, schema: &Schema, body: &[u8]) -> Written {
    if body.is_empty() {
        return Ok(false);
    }
    match schema {
        Schema::Blob(_) => string(out, &crate::Blob::new(body.to_vec()).to_base64()),
        _ => {
            let text = std::str::from_utf8(body).map_err(|_| "is not UTF-8 text".to_string())?;
            scalar(out, schema, text)?;
        }
    }
    Ok(true)
}

/// One value from its text in the request, as JSON of `schema`'s type.
fn scalar(out: &mut String, schema: &Schema, text: &str) -> Result<(), String> {
    match schema {
        Schema::String(_) | Schema::Enum(_) | Schema::Blob(_) => string(out, text),
        Schema::Timestamp(TimestampFormat::DateTime | TimestampFormat::HttpDate) => string(out, text),
        Schema::Integer(_) => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err("is not a whole number".to_string());
            }
            // JSON has no leading zeros.
            let trimmed = digits.trim_start_matches('0');
            if text.starts_with('-') && !trimmed.is_empty() {
                out.push('-');
            }
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
        }
        Schema::Float(_) | Schema::Timestamp(TimestampFormat::EpochSeconds) => {
            if matches!(schema, Schema::Float(_)) && matches!(text, "NaN" | "Infinity" | "-Infinity") {
                string(out, text);
            } else if is_decimal(text) {
                out.push_str(text);
            } else {
                return Err("is not a number".to_string());
            }
        }
        // Written as the JSON number it is, every digit kept (leading
        // zeros aside, as for integers).
        Schema::BigInteger(_) | Schema::BigDecimal(_) => {
            let (sign, unsigned) = text.strip_prefix('-').map_or(("", text), |rest| ("-", rest));
            let int_end = unsigned.bytes().take_while(u8::is_ascii_digit).count();
            let int = unsigned[..int_end].trim_start_matches('0');
            let int = if int.is_empty() && int_end > 0 { "0" } else { int };
            let number = format!("{sign}{int}{}", &unsigned[int_end..]);
            match schema {
                Schema::BigInteger(_) if crate::BigInteger::parse(&number).is_err() => {
                    return Err("is not a whole number".to_string());
                }
                _ if crate::BigDecimal::parse(&number).is_err() => return Err("is not a number".to_string()),
                _ => out.push_str(&number),
            }
        }
        Schema::Boolean => match text {
            "true" | "false" => out.push_str(text),
            _ => return Err("is not true or false".to_string()),
        },
        _ => return Err("is bound to a value that cannot be sent as text".to_string()),
    }
    Ok(())
}

/// Whether `text` is a number as JSON writes one.
fn is_decimal(text: &str) -> bool {
    let bytes = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let int_end = bytes.iter().position(|b| !b.is_ascii_digit()).unwrap_or(bytes.len());
    if int_end == 0 || (bytes[0] == b'0' && int_end > 1) {
        return false;
    }
    let mut rest = &bytes[int_end..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    if let Some(exponent) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exponent = exponent.strip_prefix(b"+").or_else(|| exponent.strip_prefix(b"-")).unwrap_or(exponent);
        return !exponent.is_empty() && exponent.iter().all(u8::is_ascii_digit);
    }
    rest.is_empty()
}

/// `text` as a JSON string. Runs that need no escape are copied whole: a
/// character at a time, this was a fifth of reading a PutObject head.
fn string(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            byte if byte < 0x20 => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{IntegerKind, IntegerRules, List, Member, StringRules};

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
            Bound { member: 0, location: Location::Label },
            Bound { member: 1, location: Location::Query("count") },
            Bound { member: 2, location: Location::Query("tag") },
            Bound { member: 3, location: Location::Header("X-Flag") },
            Bound { member: 4, location: Location::Header("X-Dates") },
            Bound { member: 5, location: Location::Query("when") },
            Bound { member: 6, location: Location::Header("X-Ratio") },
        ],
        content_type: None,
    };

    fn document(query: Option<&str>, headers: &[(&str, &str)]) -> Result<String, MalformedInput> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(http::HeaderName::try_from(*name).unwrap(), value.parse().unwrap());
        }
        let labels = [("id", "a b/c".to_string())];
        head_document(&BINDINGS, &INPUT, &Head { labels: &labels, query, headers: &map, body: b"" })
    }

    #[test]
    fn the_head_becomes_a_document_of_the_bound_members() {
        let doc = document(
            Some("count=007&tag=x&tag=y%2Cz&tag=&when=2024-01-02T03:04:05Z&other=1"),
            &[
                ("x-flag", "true"),
                ("x-dates", "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"),
                ("x-ratio", "NaN"),
            ],
        )
        .unwrap();
        assert_eq!(
            doc,
            r#"{"id":"a b/c","count":7,"tags":["x","y,z",""],"flag":true,"dates":["Mon, 16 Dec 2019 23:48:18 GMT","Tue, 17 Dec 2019 23:48:18 GMT"],"when":"2024-01-02T03:04:05Z","ratio":"NaN"}"#
        );
        // Absent query parameters and headers leave their members out.
        assert_eq!(document(None, &[]).unwrap(), r#"{"id":"a b/c"}"#);
    }

    static PAYLOAD_INPUT: Structure = Structure {
        name: "PayloadInput",
        members: &[
            Member { name: "id", json_name: None, required: true, schema: TEXT },
            Member { name: "data", json_name: None, required: false, schema: Schema::Blob(None) },
        ],
    };
    static PAYLOAD_BINDINGS: HttpInput = HttpInput {
        bound: &[Bound { member: 0, location: Location::Label }, Bound { member: 1, location: Location::RawPayload }],
        content_type: Some("*/*"),
    };

    /// A blob or string payload was written into the head document,
    /// base64-encoded or JSON-escaped, and read back: an 8 MB payload held
    /// five times its size. It is left in the body, its place marked.
    #[test]
    fn a_payload_is_left_in_the_body() {
        let labels = [("id", "x".to_string())];
        let body = vec![1u8; 1 << 20];
        let head = Head { labels: &labels, query: None, headers: &HeaderMap::new(), body: &body };
        let document = head_document_in_place(&PAYLOAD_BINDINGS, &PAYLOAD_INPUT, &head).unwrap();
        assert_eq!(document, r#"{"id":"x","data":""}"#);
        assert_eq!(payload_in_place(&PAYLOAD_BINDINGS, &PAYLOAD_INPUT), Some(1));
        // The public head document still holds it, as it always did.
        assert!(head_document(&PAYLOAD_BINDINGS, &PAYLOAD_INPUT, &head).unwrap().len() > body.len());
        // No body, no payload.
        let head = Head { labels: &labels, query: None, headers: &HeaderMap::new(), body: b"" };
        assert_eq!(head_document_in_place(&PAYLOAD_BINDINGS, &PAYLOAD_INPUT, &head).unwrap(), r#"{"id":"x"}"#);
    }

    #[test]
    fn values_that_do_not_convert_are_malformed_and_say_where() {
        for (query, headers, why) in [
            ("count=1.5", &[][..], "the query parameter \"count\" is not a whole number"),
            ("count=0x42", &[], "the query parameter \"count\" is not a whole number"),
            ("", &[("x-flag", "True")], "the header \"X-Flag\" is not true or false"),
            ("", &[("x-ratio", "Infinityx")], "the header \"X-Ratio\" is not a number"),
            ("count=%zz", &[], "the query string has a `%` not followed by two hexadecimal digits"),
        ] {
            let refused = document(Some(query), headers).unwrap_err();
            assert_eq!(refused.message, why, "{query} {headers:?}");
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
            Bound { member: 0, location: Location::Query("count") },
            Bound { member: 1, location: Location::Header("X-Price") },
        ],
        content_type: None,
    };

    /// Big numbers travel as text in the head and become the JSON numbers
    /// they spell, every digit kept; the reader then checks their kind.
    #[test]
    fn big_numbers_in_the_head_keep_every_digit() {
        let document = |query: &str, price: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-price", price.parse().unwrap());
            head_document(
                &BIG_BINDINGS,
                &BIG_INPUT,
                &Head { labels: &[], query: Some(query), headers: &headers, body: b"" },
            )
        };
        assert_eq!(
            document("count=00123456789012345678901234567890", "-0.100000000000000000000001").unwrap(),
            r#"{"count":123456789012345678901234567890,"price":-0.100000000000000000000001}"#
        );
        assert_eq!(document("count=-0", "1E+400").unwrap(), r#"{"count":-0,"price":1E+400}"#);
        for (query, price, why) in [
            ("count=1x", "1", "the query parameter \"count\" is not a whole number"),
            ("count=1.5", "1", "the query parameter \"count\" is not a whole number"),
            ("count=", "1", "the query parameter \"count\" is not a whole number"),
            ("count=1", "0x10", "the header \"X-Price\" is not a number"),
            ("count=1", "1e", "the header \"X-Price\" is not a number"),
        ] {
            assert_eq!(document(query, price).unwrap_err().message, why, "{query} {price}");
        }
    }

    #[test]
    fn numbers_are_json_numbers_or_refused() {
        for good in ["0", "-1", "1.5", "1e10", "-2.5E-3"] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in ["", "-", "01", "1.", ".5", "0x42", "2ABC", "1e", "+1", "Infinity"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
