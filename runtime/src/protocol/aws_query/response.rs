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
use crate::protocol::xml::{
    ErrorHead, ErrorLayout, WriteXml, XmlWriter, error_document, member_path, validation_message,
};
use crate::validate::Rejection;
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
    out.epoch_as_date_time = protocol.epoch_as_date_time;
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
    let layout = match protocol.dialect {
        Dialect::AwsQuery => ErrorLayout::Wrapped,
        Dialect::Ec2 => ErrorLayout::Ec2,
    };
    let namespace = if protocol.dialect == Dialect::Ec2 { "" } else { protocol.namespace };
    let body = error_document(layout, namespace, ErrorHead { fault, code, message, request_id }, members);
    Response::with_body(status, protocol.content_type(), body)
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

/// A modelled error: its code (`@awsQueryError`, else its name), status,
/// message and members.
pub fn modelled_error<E: ErrorShape + WriteXml>(protocol: AwsQuery, request_id: &RequestId, error: &E) -> Response {
    let code = E::QUERY_CODE.unwrap_or(E::NAME);
    error_response(
        protocol,
        E::QUERY_STATUS.unwrap_or(E::HTTP_STATUS),
        E::FAULT,
        code,
        error.message(),
        Some(request_id),
        |out| {
            error.write_xml(out);
        },
    )
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
                path => format!("{} at '{}'", malformed.message, member_path(path)),
            };
            error_with_message(protocol, 400, "InvalidParameterValue", &text, Some(request_id))
        }
        Rejection::Invalid(invalid) => {
            error_with_message(protocol, 400, "ValidationError", &validation_message(&invalid), Some(request_id))
        }
    }
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
        assert_eq!(member_path("/UserName"), "userName");
        assert_eq!(member_path("/Tags/0/Key"), "tags.member.1.key");
        assert_eq!(member_path(""), "");
    }

    #[test]
    fn errors_are_error_responses() {
        let protocol = AwsQuery { namespace: "https://iam.amazonaws.com/doc/2010-05-08/", ..AwsQuery::default() };
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
