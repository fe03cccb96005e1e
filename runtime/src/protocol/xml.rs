//! What the XML protocols (restXml, awsQuery, ec2Query) share for
//! responses: their error documents ([`error_document`]) and validation
//! messages, and [`WriteXml`], which the generator implements for every
//! structure, union and enum a server of an XML protocol writes, and
//! [`XmlWriter`], the buffer those impls write into, element by element.
//! It is the JSON writers' design ([`super::json`]) in XML.
//!
//! A value writes its element's content; whoever holds the value (a
//! structure's member, a list's item) names the element, because XML names
//! belong to places (`@xmlName`, a list's member name, `@xmlFlattened`),
//! not to types. The generator writes list and map layouts in place, so
//! the runtime needs no collection impls.
//!
//! Scalars are written as the XML protocols ask: booleans `true` and
//! `false`, numbers in decimal (`NaN`, `Infinity`, `-Infinity`), timestamps
//! in their format (`date-time` unless the model says otherwise), blobs as
//! base64, text escaped. Text and attribute values share one escaper, which
//! escapes what either needs (`&`, `<`, `>`, `"`, and the carriage return,
//! line feed and tab that an attribute value would otherwise normalise).

use serde_json::ser::{CompactFormatter, Formatter as _};

use crate::context::RequestId;
use crate::validate::ValidationException;
use crate::{BigDecimal, BigInteger, Blob, DateTime, Fault, HttpDate, Timestamp, Unit};

/// A value written as an element's content (and attributes) into an
/// [`XmlWriter`].
pub trait WriteXml {
    /// The attributes of the value's element (` name="value"`), written
    /// into its start tag: a structure's `@xmlAttribute` members.
    fn write_attributes(&self, out: &mut XmlWriter) {
        let _ = out;
    }

    /// The element's content: text for a scalar, child elements for a
    /// structure or union.
    fn write_xml(&self, out: &mut XmlWriter);
}

/// An XML document being written: a byte buffer.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: Vec<u8>,
    /// Whether text written is inside an attribute value (where the line
    /// breaks and tabs of the text are escaped).
    in_attribute: bool,
    /// [`Timestamp`]s are written as date-times
    /// ([`crate::protocol::aws_query::AwsQuery::epoch_as_date_time`]).
    pub(crate) epoch_as_date_time: bool,
}

impl XmlWriter {
    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        XmlWriter { out: Vec::with_capacity(capacity), in_attribute: false, epoch_as_date_time: false }
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// Writes text that is XML already (a declaration, a literal).
    pub fn raw(&mut self, xml: &str) {
        self.out.extend_from_slice(xml.as_bytes());
    }

    /// Writes `text`, escaped.
    pub fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text, self.in_attribute);
    }

    /// Writes `<name` : attributes may follow, then [`XmlWriter::open_end`].
    pub fn open_start(&mut self, name: &str) {
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
    }

    /// Writes `>`, ending a start tag.
    pub fn open_end(&mut self) {
        self.out.push(b'>');
    }

    /// Writes `<name>`.
    pub fn open(&mut self, name: &str) {
        self.open_start(name);
        self.open_end();
    }

    /// Writes `<name xmlns="uri">` (or `xmlns:prefix`).
    pub fn open_in(&mut self, name: &str, uri: &str, prefix: Option<&str>) {
        self.open_start(name);
        self.namespace(uri, prefix);
        self.open_end();
    }

    /// Writes `</name>`.
    pub fn close(&mut self, name: &str) {
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'>');
    }

    /// Writes ` xmlns="uri"` (or ` xmlns:prefix="uri"`) into a start tag.
    pub fn namespace(&mut self, uri: &str, prefix: Option<&str>) {
        match prefix {
            Some(prefix) => {
                self.out.extend_from_slice(b" xmlns:");
                self.out.extend_from_slice(prefix.as_bytes());
            }
            None => self.out.extend_from_slice(b" xmlns"),
        }
        self.out.extend_from_slice(b"=\"");
        self.in_attribute = true;
        self.text(uri);
        self.in_attribute = false;
        self.out.push(b'"');
    }

    /// Writes ` name="value"` into a start tag.
    pub fn attribute<T: WriteXml + ?Sized>(&mut self, name: &str, value: &T) {
        self.out.push(b' ');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"=\"");
        self.in_attribute = true;
        value.write_xml(self);
        self.in_attribute = false;
        self.out.push(b'"');
    }

    /// Writes `value` as the element `name`: its attributes, its content.
    pub fn element<T: WriteXml + ?Sized>(&mut self, name: &str, value: &T) {
        self.open_start(name);
        value.write_attributes(self);
        self.open_end();
        value.write_xml(self);
        self.close(name);
    }

    /// Writes `value` as the element `name` in the namespace `uri` (its
    /// `@xmlNamespace`).
    pub fn element_in<T: WriteXml + ?Sized>(&mut self, name: &str, uri: &str, prefix: Option<&str>, value: &T) {
        self.open_start(name);
        self.namespace(uri, prefix);
        value.write_attributes(self);
        self.open_end();
        value.write_xml(self);
        self.close(name);
    }

    fn float(&mut self, value: f64, shortest_f32: Option<f32>) {
        if value.is_nan() {
            self.raw("NaN");
        } else if value.is_infinite() {
            self.raw(if value > 0.0 { "Infinity" } else { "-Infinity" });
        } else {
            // serde_json's number formatting, as the JSON protocols write
            // numbers (writing to a `Vec` cannot fail).
            let _ = match shortest_f32 {
                Some(value) => CompactFormatter.write_f32(&mut self.out, value),
                None => CompactFormatter.write_f64(&mut self.out, value),
            };
        }
    }
}

/// `text` escaped as XML character data, or an attribute value's
/// (`attribute`: line breaks and tabs too, which attribute value
/// normalisation would turn into spaces). Runs that need nothing are
/// copied whole.
fn escape_into(out: &mut Vec<u8>, text: &str, attribute: bool) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\r' => b"&#xD;",
            b'\n' if attribute => b"&#xA;",
            b'\t' if attribute => b"&#x9;",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// How an XML protocol lays out an error document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorLayout {
    /// `<ErrorResponse><Error>` with `Type`, `Code`, `Message` and the
    /// error's members, then `<RequestId>`: awsQuery, and restXml.
    Wrapped,
    /// `<Error>` with `Type`, `Code`, `Message`, the members and
    /// `RequestId`: restXml services with `noErrorWrapping` (S3).
    Unwrapped,
    /// `<Response><Errors><Error>` with `Code`, `Message` and the members,
    /// then `<RequestID>`: ec2Query.
    Ec2,
}

/// An error, as an XML error document names it.
#[derive(Clone, Copy, Debug)]
pub struct ErrorHead<'a> {
    /// `Sender` or `Receiver` (not written by ec2Query).
    pub fault: Fault,
    /// The code clients read the error's type from.
    pub code: &'a str,
    /// The error's message, written as `<Message>`; left out when `None`.
    pub message: Option<&'a str>,
    /// The request's id, where it is known.
    pub request_id: Option<&'a RequestId>,
}

/// The error document of `head` laid out as `layout`, its root in
/// `namespace` (none where empty); `members` writes the error's members
/// after its message.
pub fn error_document(
    layout: ErrorLayout,
    namespace: &str,
    head: ErrorHead<'_>,
    members: impl FnOnce(&mut XmlWriter),
) -> Vec<u8> {
    let mut out = XmlWriter::with_capacity(256);
    let open_root = |out: &mut XmlWriter, name: &str| match namespace {
        "" => out.open(name),
        namespace => out.open_in(name, namespace, None),
    };
    let request_id = |out: &mut XmlWriter, name: &str| {
        if let Some(id) = head.request_id {
            out.element(name, id.as_str());
        }
    };
    let (root, error) = match layout {
        ErrorLayout::Wrapped => ("ErrorResponse", "Error"),
        ErrorLayout::Unwrapped => ("Error", ""),
        ErrorLayout::Ec2 => ("Response", "Errors"),
    };
    open_root(&mut out, root);
    match layout {
        ErrorLayout::Ec2 => {
            out.open("Errors");
            out.open("Error");
        }
        _ if !error.is_empty() => out.open(error),
        _ => {}
    }
    if layout != ErrorLayout::Ec2 {
        out.element("Type", head.fault.query_name());
    }
    out.element("Code", head.code);
    if let Some(message) = head.message {
        out.element("Message", message);
    }
    members(&mut out);
    match layout {
        ErrorLayout::Wrapped => {
            out.close("Error");
            request_id(&mut out, "RequestId");
        }
        ErrorLayout::Unwrapped => request_id(&mut out, "RequestId"),
        ErrorLayout::Ec2 => {
            out.close("Error");
            out.close("Errors");
            request_id(&mut out, "RequestID");
        }
    }
    out.close(root);
    out.into_bytes()
}

/// A `ValidationException`'s violations in the form of AWS's XML
/// services: `N validation error(s) detected: ` and each violation, its
/// path in AWS's form.
pub fn validation_message(invalid: &ValidationException) -> String {
    let count = invalid.field_list.len();
    let plural = if count == 1 { "" } else { "s" };
    let fields: Vec<String> = invalid
        .field_list
        .iter()
        .map(|field| {
            field.message.replacen(&format!("'{}'", field.path), &format!("'{}'", member_path(&field.path)), 1)
        })
        .collect();
    format!("{count} validation error{plural} detected: {}", fields.join("; "))
}

/// A JSON Pointer to a member (`/Tags/0/Key`) in the form of AWS's XML
/// services (`tags.member.1.key`): member names with a lower-case first
/// letter, list items as `member.N` from 1.
pub fn member_path(pointer: &str) -> String {
    let mut path = Vec::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        match part.parse::<usize>() {
            Ok(index) => {
                path.push("member".to_string());
                path.push((index + 1).to_string());
            }
            Err(_) => {
                let mut chars = part.chars();
                path.push(
                    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default(),
                );
            }
        }
    }
    path.join(".")
}

impl WriteXml for str {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.text(self);
    }
}

impl WriteXml for String {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.text(self);
    }
}

impl WriteXml for bool {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.raw(if *self { "true" } else { "false" });
    }
}

macro_rules! integer_write_xml {
    ($($ty:ty => $write:ident),*) => {$(
        impl WriteXml for $ty {
            fn write_xml(&self, out: &mut XmlWriter) {
                // Writing to a `Vec` cannot fail.
                let _ = CompactFormatter.$write(&mut out.out, *self);
            }
        }
    )*};
}

integer_write_xml!(i8 => write_i8, i16 => write_i16, i32 => write_i32, i64 => write_i64);

impl WriteXml for f32 {
    /// Its shortest decimal form.
    fn write_xml(&self, out: &mut XmlWriter) {
        out.float(f64::from(*self), Some(*self));
    }
}

impl WriteXml for f64 {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.float(*self, None);
    }
}

impl WriteXml for BigInteger {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.raw(self.as_str());
    }
}

impl WriteXml for BigDecimal {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.raw(self.as_str());
    }
}

impl WriteXml for Timestamp {
    /// Epoch seconds (a member with `@timestampFormat("epoch-seconds")`):
    /// whole, or with the fraction.
    fn write_xml(&self, out: &mut XmlWriter) {
        if out.epoch_as_date_time {
            return out.raw(&self.to_string());
        }
        if self.subsec_nanos() == 0 {
            self.epoch_seconds().write_xml(out);
        } else {
            out.float(self.as_epoch_seconds_f64(), None);
        }
    }
}

impl WriteXml for DateTime {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.raw(&self.0.to_string());
    }
}

impl WriteXml for HttpDate {
    fn write_xml(&self, out: &mut XmlWriter) {
        out.raw(&self.0.to_http_date());
    }
}

impl WriteXml for Blob {
    /// Base64, which needs no escaping.
    fn write_xml(&self, out: &mut XmlWriter) {
        use base64::Engine as _;
        let bytes = &mut out.out;
        let at = bytes.len();
        bytes.resize(at + base64::encoded_len(self.as_ref().len(), true).unwrap_or(0), 0);
        let written = base64::engine::general_purpose::STANDARD.encode_slice(self.as_ref(), &mut bytes[at..]);
        bytes.truncate(at + written.unwrap_or(0));
    }
}

impl WriteXml for Unit {
    fn write_xml(&self, _: &mut XmlWriter) {}
}

impl<T: WriteXml + ?Sized> WriteXml for Box<T> {
    fn write_attributes(&self, out: &mut XmlWriter) {
        (**self).write_attributes(out);
    }

    fn write_xml(&self, out: &mut XmlWriter) {
        (**self).write_xml(out);
    }
}

impl<T: WriteXml + ?Sized> WriteXml for &T {
    fn write_attributes(&self, out: &mut XmlWriter) {
        (**self).write_attributes(out);
    }

    fn write_xml(&self, out: &mut XmlWriter) {
        (**self).write_xml(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml(write: impl FnOnce(&mut XmlWriter)) -> String {
        let mut out = XmlWriter::default();
        write(&mut out);
        String::from_utf8(out.into_bytes()).unwrap()
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(xml(|out| out.element("a", "x<y & \"z\">\r\n\t")), "<a>x&lt;y &amp; &quot;z&quot;&gt;&#xD;\n\t</a>");
        assert_eq!(
            xml(|out| {
                out.open_start("a");
                out.attribute("b", "1\n2\t<&>");
                out.open_end();
                out.close("a");
            }),
            "<a b=\"1&#xA;2&#x9;&lt;&amp;&gt;\"></a>"
        );
        assert_eq!(xml(|out| out.element("a", "plain é 😀")), "<a>plain é 😀</a>");
    }

    #[test]
    fn namespaces_are_declared_in_the_start_tag() {
        assert_eq!(xml(|out| out.open_in("R", "https://example.com/", None)), "<R xmlns=\"https://example.com/\">");
        assert_eq!(xml(|out| out.element_in("a", "urn:x", Some("baz"), &true)), "<a xmlns:baz=\"urn:x\">true</a>");
    }

    #[test]
    fn scalars_are_written_as_the_xml_protocols_want() {
        assert_eq!(xml(|out| out.element("n", &-42i32)), "<n>-42</n>");
        assert_eq!(xml(|out| out.element("n", &1.5f64)), "<n>1.5</n>");
        assert_eq!(xml(|out| out.element("n", &0.1f32)), "<n>0.1</n>");
        assert_eq!(xml(|out| out.element("n", &f64::NAN)), "<n>NaN</n>");
        assert_eq!(xml(|out| out.element("n", &f32::NEG_INFINITY)), "<n>-Infinity</n>");
        let at = Timestamp::parse_date_time("2014-04-29T18:30:38Z").unwrap();
        assert_eq!(xml(|out| out.element("t", &DateTime(at))), "<t>2014-04-29T18:30:38Z</t>");
        assert_eq!(xml(|out| out.element("t", &HttpDate(at))), "<t>Tue, 29 Apr 2014 18:30:38 GMT</t>");
        assert_eq!(xml(|out| out.element("t", &at)), "<t>1398796238</t>");
        assert_eq!(xml(|out| out.element("b", &Blob::new(b"value"))), "<b>dmFsdWU=</b>");
        assert_eq!(xml(|out| out.element("u", &Unit {})), "<u></u>");
    }
}
