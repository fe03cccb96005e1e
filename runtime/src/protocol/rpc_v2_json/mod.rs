//! Smithy's RPC v2 JSON (`smithy.protocols#rpcv2Json`): the RPC v2 protocol
//! ([`super::rpc_v2`]: routes, head, router) whose bodies are JSON objects,
//! `smithy-protocol: rpc-v2-json`. Its JSON is awsJson's but for three
//! rules: timestamps are always epoch seconds (`@timestampFormat` does not
//! apply), big numbers travel as strings, and errors are named by their
//! shape id in `__type`.
//!
//! [`request`] reads the input from the body with the JSON readers every
//! JSON protocol shares, [`response`] writes responses, errors and
//! refusals with [`super::json`]'s writer.

pub mod request;
pub mod response;

pub use super::rpc_v2::{
    Dispatch, handle, internal_failure, no_output_response, not_implemented_response, unknown_operation,
};
pub use request::{JSON, initial_request, input};
pub use response::{
    error_with_message, event_stream_response, modelled_error, output_response, rejection_response, unmodelled_error,
};

use super::rpc_v2::RpcV2;
use super::{Protocol, Response};

/// The RPC v2 JSON protocol a service speaks: whether its errors are also
/// named as awsQuery names them (`@awsQueryCompatible`, in
/// `x-amzn-query-error`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RpcV2Json {
    /// `@awsQueryCompatible`: error responses also carry the error's
    /// awsQuery code and fault in `x-amzn-query-error`, where AWS SDKs read
    /// them.
    pub query_compatible: bool,
}

impl Protocol for RpcV2Json {
    fn error(self, status: u16, type_name: &str, message: &str) -> Response {
        response::error_with_message(self, status, type_name, message)
    }
}

impl RpcV2 for RpcV2Json {
    const MEDIA_TYPE: &'static str = JSON;
    const NAME: &'static str = "rpc-v2-json";
    const TITLE: &'static str = "RPC v2 JSON";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::json::{JsonWriter, WriteJson};
    use crate::validate::read::any::Any;
    use crate::validate::{BigRules, Member, Schema, Structure, TimestampFormat};
    use crate::{BigDecimal, BigInteger, DateTime, HttpDate, Timestamp};

    const fn member(name: &'static str, schema: Schema) -> Member {
        Member { name, json_name: None, required: false, schema }
    }

    static INPUT: Structure = Structure {
        name: "Input",
        members: &[
            member("dateTime", Schema::Timestamp(TimestampFormat::DateTime)),
            member("httpDate", Schema::Timestamp(TimestampFormat::HttpDate)),
            member("epoch", Schema::Timestamp(TimestampFormat::EpochSeconds)),
            member("decimal", Schema::BigDecimal(BigRules { range: None })),
            member("integer", Schema::BigInteger(BigRules { range: None })),
        ],
    };

    fn read(body: &str) -> Result<serde_json::Value, String> {
        input::<Any>(body.as_bytes(), &INPUT).map(|any| any.0).map_err(|e| e.to_string())
    }

    #[test]
    fn timestamps_are_epoch_seconds_whatever_their_format() {
        let read = read(r#"{"dateTime": 946845296.5, "httpDate": 946845296, "epoch": 946845296}"#).unwrap();
        assert_eq!(read["dateTime"], "2000-01-02T20:34:56.500Z");
        assert_eq!(read["httpDate"], "2000-01-02T20:34:56Z");
        assert_eq!(read["epoch"], "2000-01-02T20:34:56Z");
        // The formats' own strings are not RPC v2 JSON's.
        assert!(self::read(r#"{"dateTime": "2000-01-02T20:34:56Z"}"#).is_err());
        assert!(self::read(r#"{"epoch": 1e400}"#).is_err());
    }

    #[test]
    fn big_numbers_keep_every_digit_as_strings_or_numbers() {
        let read = read(r#"{"decimal": "-0.100000000000000000000001", "integer": "123456789012345678901234567890"}"#);
        let read = read.unwrap();
        assert_eq!(read["decimal"], "-0.100000000000000000000001");
        assert_eq!(read["integer"], "123456789012345678901234567890");
        let read = self::read(r#"{"decimal": 100000000000000000000001.0}"#).unwrap();
        assert_eq!(read["decimal"], "100000000000000000000001.0");
        for bad in [r#"{"decimal": "1.5x"}"#, r#"{"integer": "1.5"}"#, r#"{"integer": ""}"#, r#"{"decimal": true}"#] {
            assert!(self::read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writers_write_epoch_seconds_and_big_numbers_as_strings() {
        let at = Timestamp::from_epoch_seconds(946_845_296).unwrap();
        let mut out = JsonWriter::rpc_v2(64);
        DateTime(at).write_json(&mut out);
        out.raw(",");
        HttpDate(at).write_json(&mut out);
        out.raw(",");
        "0.100000000000000000000001".parse::<BigDecimal>().unwrap().write_json(&mut out);
        out.raw(",");
        "-123456789012345678901234567890".parse::<BigInteger>().unwrap().write_json(&mut out);
        assert_eq!(
            String::from_utf8(out.into_bytes()).unwrap(),
            r#"946845296,946845296,"0.100000000000000000000001","-123456789012345678901234567890""#
        );
        // awsJson's writer keeps the formats and writes numbers.
        let mut out = JsonWriter::with_capacity(64);
        DateTime(at).write_json(&mut out);
        "1.5".parse::<BigDecimal>().unwrap().write_json(&mut out);
        assert_eq!(String::from_utf8(out.into_bytes()).unwrap(), r#""2000-01-02T20:34:56Z"1.5"#);
    }

    #[test]
    fn errors_name_their_shape_and_the_protocol() {
        let response = RpcV2Json::default().error(404, "UnknownOperationException", "no such operation");
        assert_eq!(response.status, 404);
        assert_eq!(response.headers["smithy-protocol"], "rpc-v2-json");
        assert_eq!(response.headers["content-type"], "application/json");
        let body: serde_json::Value = serde_json::from_slice(response.body_bytes()).unwrap();
        assert_eq!(body, serde_json::json!({ "__type": "UnknownOperationException", "message": "no such operation" }));
        let invalid = input::<Any>(br#"{"integer": "x"}"#, &INPUT).unwrap_err();
        let response = rejection_response(RpcV2Json::default(), invalid);
        let body: serde_json::Value = serde_json::from_slice(response.body_bytes()).unwrap();
        assert_eq!(body["__type"], "SerializationException");
    }
}
