//! What the protocols with HTTP bindings share in responses: members
//! bound to headers and the status, and raw payloads. Bodies are the
//! protocol's own.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};

use crate::protocol::Response;
use crate::{Blob, ByteStream, DateTime, HttpDate, Timestamp};

/// A value that can be written to a restJson1 or restXml response: an operation's
/// output or error structure. Generated for each.
pub trait WriteResponse {
    /// Writes the value's members to `response`, whose status is the
    /// operation's (or the error's) to begin with.
    fn write_response(self, response: &mut Response);
}

/// A value that can be sent as a header's text.
pub trait HeaderText {
    /// Whether a list's items are quoted where they hold a comma: all but
    /// HTTP dates, which readers split at every second comma instead.
    const QUOTED_IN_LISTS: bool = true;

    /// The value as header text (before any list quoting).
    fn header_text(&self) -> String;
}

impl HeaderText for String {
    fn header_text(&self) -> String {
        self.clone()
    }
}

impl HeaderText for bool {
    fn header_text(&self) -> String {
        self.to_string()
    }
}

impl HeaderText for crate::BigInteger {
    fn header_text(&self) -> String {
        self.to_string()
    }
}

impl HeaderText for crate::BigDecimal {
    fn header_text(&self) -> String {
        self.to_string()
    }
}

macro_rules! integer_header_text {
    ($($ty:ty),*) => {$(
        impl HeaderText for $ty {
            fn header_text(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

integer_header_text!(i8, i16, i32, i64);

macro_rules! float_header_text {
    ($($ty:ty),*) => {$(
        impl HeaderText for $ty {
            fn header_text(&self) -> String {
                if self.is_nan() {
                    "NaN".to_string()
                } else if self.is_infinite() {
                    if *self > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
                } else {
                    self.to_string()
                }
            }
        }
    )*};
}

float_header_text!(f32, f64);

impl HeaderText for Blob {
    fn header_text(&self) -> String {
        self.to_base64()
    }
}

impl HeaderText for Timestamp {
    /// Epoch seconds (`@timestampFormat("epoch-seconds")`).
    fn header_text(&self) -> String {
        match serde_json::to_string(self) {
            Ok(text) => text,
            Err(_) => self.epoch_seconds().to_string(),
        }
    }
}

impl HeaderText for DateTime {
    fn header_text(&self) -> String {
        self.0.to_string()
    }
}

impl HeaderText for HttpDate {
    const QUOTED_IN_LISTS: bool = false;

    fn header_text(&self) -> String {
        self.0.to_http_date()
    }
}

impl<T: HeaderText> HeaderText for Box<T> {
    fn header_text(&self) -> String {
        (**self).header_text()
    }
}

/// What generated [`WriteResponse`] impls write the head of responses with.
impl Response {
    /// Sets the status (`@httpResponseCode`); 0, a defaulted member left
    /// unset, keeps the operation's, and any other number that is not a
    /// status code makes the response an `InternalFailure`.
    pub fn status(&mut self, code: i32) {
        if code == 0 {
            return;
        }
        match u16::try_from(code).ok().filter(|code| (100..=999).contains(code)) {
            Some(code) => self.status = code,
            None => self.fail(format!("{code} is not an HTTP status code")),
        }
    }

    /// `@httpHeader`: a value as the header `name`.
    pub fn header<T: HeaderText>(&mut self, name: &str, value: &T) {
        self.insert(name, value.header_text(), false);
    }

    /// `@httpHeader` on a `@mediaType` string: its base64.
    pub fn encoded_header(&mut self, name: &str, value: &str) {
        self.insert(name, Blob::new(value.as_bytes()).to_base64(), false);
    }

    /// `@httpHeader` on a list: its items, comma-separated, each quoted if
    /// it holds a comma or a quote (HTTP dates, which hold a comma of their
    /// own, are not: readers split them at every second comma).
    pub fn list_header<T: HeaderText>(&mut self, name: &str, items: &[T]) {
        let mut text = String::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            let item = item.header_text();
            if T::QUOTED_IN_LISTS && (item.contains([',', '"']) || item.starts_with(' ') || item.ends_with(' ')) {
                text.push('"');
                text.push_str(&item.replace('\\', "\\\\").replace('"', "\\\""));
                text.push('"');
            } else {
                text.push_str(&item);
            }
        }
        self.insert(name, text, false);
    }

    /// `@httpPrefixHeaders`: a header per entry, named `prefix` and its key.
    pub fn prefix_headers<T: HeaderText>(&mut self, prefix: &str, map: &BTreeMap<String, T>) {
        for (key, value) in map {
            self.insert(&format!("{prefix}{key}"), value.header_text(), true);
        }
    }

    /// `@httpPayload` on a blob: its bytes, as `media_type`.
    pub fn blob_payload(&mut self, value: Blob, media_type: &'static str) {
        self.set_body(media_type, Bytes::from(value.into_inner()));
    }

    /// `@httpPayload` on a string or enum: its text, as `media_type`.
    pub fn text_payload(&mut self, value: impl Into<String>, media_type: &'static str) {
        self.set_body(media_type, Bytes::from(value.into().into_bytes()));
    }

    /// `@httpPayload` on a `@streaming` blob: sent as it is produced.
    pub fn stream_payload(&mut self, value: ByteStream, media_type: &'static str) {
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        self.body = value;
    }
}

/// A successful response: the operation's `code` and `output`.
pub fn output_response<O: WriteResponse>(code: u16, output: O) -> Response {
    let mut response = Response::new(code);
    output.write_response(&mut response);
    response
}

/// The response of an operation with no output: its code, no body.
pub fn empty_response(code: u16) -> Response {
    Response::new(code)
}
