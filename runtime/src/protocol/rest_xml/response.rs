//! restXml responses: the output's bound members in headers and the
//! status line ([`super::super::rest::response`]), the rest in an XML body
//! or the payload; errors as XML error documents.
//!
//! A request the input does not fit is answered as S3, the restXml service
//! clients meet first, answers one: a body that is not well-formed XML is
//! `MalformedXML`; a value that is not of its member's type, or breaks a
//! constraint, is `InvalidArgument`, with AWS's validation message
//! (`1 validation error detected: Value at 'name' failed to satisfy
//! constraint: ...`), the path in AWS's form, as the query protocols write
//! it.

use bytes::Bytes;

use super::RestXml;
use crate::protocol::rest::WriteResponse;
use crate::protocol::xml::{
    ErrorHead, ErrorLayout, WriteXml, XmlWriter, error_document, member_path, validation_message,
};
use crate::protocol::{Protocol, Response};
use crate::validate::Rejection;
use crate::{ErrorShape, Fault, UnmodelledError};

/// The media type of XML documents.
pub const XML: &str = "application/xml";

/// What generated [`WriteResponse`] impls write restXml bodies with.
impl Response {
    /// The body: the element `root` (in `namespace`, a URI and an optional
    /// prefix), whose start tag holds what `attributes` writes and whose
    /// content what `elements` writes (the members the response carries
    /// nowhere else).
    pub fn xml_body(
        &mut self,
        root: &str,
        namespace: Option<(&str, Option<&str>)>,
        attributes: impl FnOnce(&mut XmlWriter),
        elements: impl FnOnce(&mut XmlWriter),
    ) {
        let mut out = XmlWriter::with_capacity(256);
        out.open_start(root);
        if let Some((uri, prefix)) = namespace {
            out.namespace(uri, prefix);
        }
        attributes(&mut out);
        out.open_end();
        elements(&mut out);
        out.close(root);
        self.set_body(XML, Bytes::from(out.into_bytes()));
    }

    /// No body, said to be XML: an output whose members are all bound to
    /// headers or the status.
    pub fn xml_empty(&mut self) {
        self.set_body(XML, Bytes::new());
    }

    /// `@httpPayload` on a structure or union: it is the body, the element
    /// `name` (in `namespace`).
    pub fn xml_payload<T: WriteXml + ?Sized>(
        &mut self,
        name: &str,
        namespace: Option<(&str, Option<&str>)>,
        value: &T,
    ) {
        let mut out = XmlWriter::with_capacity(256);
        match namespace {
            Some((uri, prefix)) => out.element_in(name, uri, prefix, value),
            None => out.element(name, value),
        }
        self.set_body(XML, Bytes::from(out.into_bytes()));
    }
}

/// The error document's layout for `protocol`.
fn layout(protocol: RestXml) -> ErrorLayout {
    if protocol.no_error_wrapping { ErrorLayout::Unwrapped } else { ErrorLayout::Wrapped }
}

/// An error response: `status`, and the error document of `head`, whose
/// members `members` writes.
fn error_response(
    protocol: RestXml,
    status: u16,
    head: ErrorHead<'_>,
    members: impl FnOnce(&mut XmlWriter),
) -> Response {
    let body = error_document(layout(protocol), "", head, members);
    Response::with_body(status, XML, body)
}

/// A modelled error: its status, its members bound to headers, and the
/// error document of its name, message and other members.
pub fn modelled_error<E: ErrorShape + WriteResponse + WriteXml>(protocol: RestXml, error: E) -> Response {
    let head = ErrorHead { fault: E::FAULT, code: E::NAME, message: error.message(), request_id: None };
    let mut response = error_response(protocol, E::HTTP_STATUS, head, |out| error.write_xml(out));
    error.write_response(&mut response);
    response
}

/// An error the model does not list: its name is its code.
pub fn unmodelled_error(protocol: RestXml, error: &UnmodelledError) -> Response {
    let head =
        ErrorHead { fault: error.fault, code: &error.type_name, message: error.message.as_deref(), request_id: None };
    error_response(protocol, error.status, head, |_| {})
}

/// An error with a message and no other member, the fault by its status.
pub fn error_with_message(protocol: RestXml, status: u16, code: &str, message: &str) -> Response {
    let fault = if status >= 500 { Fault::Server } else { Fault::Client };
    error_response(protocol, status, ErrorHead { fault, code, message: Some(message), request_id: None }, |_| {})
}

/// The answer to a request the input does not fit.
pub fn rejection_response(protocol: RestXml, rejection: Rejection) -> Response {
    match rejection {
        Rejection::Malformed(malformed) if malformed.path.is_empty() => {
            error_with_message(protocol, 400, "MalformedXML", &malformed.message)
        }
        Rejection::Malformed(malformed) => {
            let text = format!("{} at '{}'", malformed.message, member_path(&malformed.path));
            error_with_message(protocol, 400, "InvalidArgument", &text)
        }
        Rejection::Invalid(invalid) => {
            error_with_message(protocol, 400, "InvalidArgument", &validation_message(&invalid))
        }
    }
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure(protocol: RestXml) -> Response {
    protocol.internal_failure()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_wrapped_unless_the_service_says_not() {
        let text = |response: Response| String::from_utf8(response.body_bytes().to_vec()).unwrap();
        let wrapped = error_with_message(RestXml::default(), 404, "NoSuchThing", "a <b>");
        assert_eq!(wrapped.status, 404);
        assert_eq!(
            text(wrapped),
            "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchThing</Code><Message>a &lt;b&gt;</Message>\
             </Error></ErrorResponse>"
        );
        let unwrapped = error_with_message(RestXml { no_error_wrapping: true }, 500, "InternalError", "x");
        assert_eq!(
            text(unwrapped),
            "<Error><Type>Receiver</Type><Code>InternalError</Code><Message>x</Message></Error>"
        );
    }
}
