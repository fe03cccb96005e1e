//! Writing awsQuery responses: outputs in `<OperationResponse>`, errors in
//! `<ErrorResponse>`, and the protocol's refusals.
//!
//! A request that breaks the model's constraints is answered as AWS's
//! awsQuery services answer it: 400, code `ValidationError`, and the message
//! `N validation error(s) detected: ` followed by each violation, `Value at
//! 'path' failed to satisfy constraint: ...`, the path in AWS's form
//! (member names with a lower-case first letter, list items as
//! `member.N` from 1: `tags.member.1.key`). A parameter that is not of its
//! member's type (`Count=x`) is `InvalidParameterValue`; parameters that do
//! not parse `MalformedQueryString`; a request without `Action`
//! `MissingAction`; one whose action the service does not have
//! `InvalidAction`.

use super::{AwsQuery, Dialect};
use crate::context::RequestId;
use crate::protocol::Response;
use crate::protocol::xml::{WriteXml, XmlWriter};
use crate::validate::{Rejection, ValidationException};
use crate::{ErrorShape, Fault, UnmodelledError};

/// The response of `operation` (its name) with `output`: in awsQuery its
/// `<OperationResult>` and `<ResponseMetadata>`; in ec2Query its
/// `<requestId>` and the output's members.
pub fn output_response<T: WriteXml>(
    protocol: AwsQuery,
    operation: &str,
    request_id: &RequestId,
    output: &T,
) -> Response {
    let mut out = XmlWriter::with_capacity(1024);
    let response = format!("{operation}Response");
    open_document(&mut out, &response, protocol);
    match protocol.dialect {
        Dialect::AwsQuery => {
            out.element(&format!("{operation}Result"), output);
            metadata(&mut out, request_id);
        }
        Dialect::Ec2 => {
            out.element("requestId", request_id.as_str());
            output.write_xml(&mut out);
        }
    }
    out.close(&response);
    Response::with_body(200, protocol.content_type(), out.into_bytes())
}

/// The document's root element, in the service's namespace (none where
/// it is not known: a SigV4 layer's refusals).
fn open_document(out: &mut XmlWriter, name: &str, protocol: AwsQuery) {
    match protocol.namespace {
        "" => out.open(name),
        namespace => out.open_in(name, namespace, None),
    }
}

/// `<ResponseMetadata>` with the request id.
fn metadata(out: &mut XmlWriter, request_id: &RequestId) {
    out.open("ResponseMetadata");
    out.element("RequestId", request_id.as_str());
    out.close("ResponseMetadata");
}

/// An error: in awsQuery an `<ErrorResponse>` of the error's fault
/// (`Sender` or `Receiver`), code, message, then whatever `members` write;
/// in ec2Query `<Response><Errors><Error>` of its code, message and
/// members.
pub fn error_response(
    protocol: AwsQuery,
    status: u16,
    fault: Fault,
    code: &str,
    message: Option<&str>,
    request_id: Option<&RequestId>,
    members: impl FnOnce(&mut XmlWriter),
) -> Response {
    let mut out = XmlWriter::with_capacity(256);
    if protocol.dialect == Dialect::Ec2 {
        out.open("Response");
        out.open("Errors");
        out.open("Error");
        out.element("Code", code);
        if let Some(message) = message {
            out.element("Message", message);
        }
        members(&mut out);
        out.close("Error");
        out.close("Errors");
        if let Some(request_id) = request_id {
            out.element("RequestID", request_id.as_str());
        }
        out.close("Response");
        return Response::with_body(status, protocol.content_type(), out.into_bytes());
    }
    open_document(&mut out, "ErrorResponse", protocol);
    out.open("Error");
    out.element("Type", fault_name(fault));
    out.element("Code", code);
    if let Some(message) = message {
        out.element("Message", message);
    }
    members(&mut out);
    out.close("Error");
    if let Some(request_id) = request_id {
        out.element("RequestId", request_id.as_str());
    }
    out.close("ErrorResponse");
    Response::with_body(status, protocol.content_type(), out.into_bytes())
}

/// An error with a message and no other member, the fault by its status.
pub(crate) fn error_with_message(
    protocol: AwsQuery,
    status: u16,
    code: &str,
    message: &str,
    request_id: Option<&RequestId>,
) -> Response {
    let fault = if status >= 500 { Fault::Server } else { Fault::Client };
    error_response(protocol, status, fault, code, Some(message), request_id, |_| {})
}

fn fault_name(fault: Fault) -> &'static str {
    match fault {
        Fault::Client => "Sender",
        Fault::Server => "Receiver",
    }
}

/// A modelled error: its code (`@awsQueryError`, else its name), status,
/// message and members.
pub fn modelled_error<E: ErrorShape + WriteXml>(protocol: AwsQuery, request_id: &RequestId, error: &E) -> Response {
    let code = E::QUERY_CODE.unwrap_or(E::NAME);
    error_response(protocol, E::HTTP_STATUS, E::FAULT, code, error.message(), Some(request_id), |out| {
        error.write_xml(out);
    })
}

/// An error the model does not list: its name is its code.
pub fn unmodelled_error(protocol: AwsQuery, request_id: &RequestId, error: &UnmodelledError) -> Response {
    let message = error.message.as_deref();
    error_response(protocol, error.status, error.fault, &error.type_name, message, Some(request_id), |_| {})
}

/// The answer to a request whose parameters do not fit the input.
pub fn rejection_response(protocol: AwsQuery, request_id: &RequestId, rejection: Rejection) -> Response {
    match rejection {
        Rejection::Malformed(malformed) => {
            let text = match malformed.path.as_str() {
                "" => malformed.message,
                path => format!("{} at '{}'", malformed.message, query_path(path)),
            };
            error_with_message(protocol, 400, "InvalidParameterValue", &text, Some(request_id))
        }
        Rejection::Invalid(invalid) => {
            error_with_message(protocol, 400, "ValidationError", &validation_message(&invalid), Some(request_id))
        }
    }
}

/// A `ValidationException`'s violations in the form of AWS's awsQuery
/// services.
fn validation_message(invalid: &ValidationException) -> String {
    let count = invalid.field_list.len();
    let plural = if count == 1 { "" } else { "s" };
    let fields: Vec<String> = invalid
        .field_list
        .iter()
        .map(|field| field.message.replacen(&format!("'{}'", field.path), &format!("'{}'", query_path(&field.path)), 1))
        .collect();
    format!("{count} validation error{plural} detected: {}", fields.join("; "))
}

/// A JSON Pointer to a member (`/Tags/0/Key`) in AWS's form
/// (`tags.member.1.key`).
fn query_path(pointer: &str) -> String {
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

/// `InvalidAction`: the service has no operation `action`.
pub fn unknown_action(protocol: AwsQuery, action: Option<&str>) -> Response {
    match action {
        None => error_with_message(protocol, 400, "MissingAction", "the request has no Action parameter", None),
        Some(action) => {
            let shown = crate::excerpt(action);
            let text = format!("The action {shown} is not valid for this web service.");
            error_with_message(protocol, 400, "InvalidAction", &text, None)
        }
    }
}

/// `InternalFailure`: the handler failed in a way the model does not describe.
pub fn internal_failure(protocol: AwsQuery) -> Response {
    use crate::protocol::Protocol as _;
    protocol.internal_failure()
}

/// `NotImplemented` (501) for an operation this server does not serve.
pub fn not_implemented_response(protocol: AwsQuery, operation: &str, why: &str) -> Response {
    error_with_message(protocol, 501, "NotImplemented", &format!("{operation} {why}"), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_written_as_aws_writes_them() {
        assert_eq!(query_path("/UserName"), "userName");
        assert_eq!(query_path("/Tags/0/Key"), "tags.member.1.key");
        assert_eq!(query_path(""), "");
    }

    #[test]
    fn errors_are_error_responses() {
        let protocol = AwsQuery { namespace: "https://iam.amazonaws.com/doc/2010-05-08/", dialect: Dialect::AwsQuery };
        let id = RequestId::from_string("id-1");
        let response = error_with_message(protocol, 400, "ValidationError", "a <b>", Some(&id));
        assert_eq!(response.status, 400);
        assert_eq!(
            std::str::from_utf8(response.body_bytes()).unwrap(),
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
             <Code>ValidationError</Code><Message>a &lt;b&gt;</Message></Error><RequestId>id-1</RequestId>\
             </ErrorResponse>"
        );
    }
}
