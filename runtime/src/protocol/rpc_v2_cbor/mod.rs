//! Smithy's RPC v2 CBOR (`smithy.protocols#rpcv2Cbor`): every request a
//! `POST /service/{Service}/operation/{Operation}` with the header
//! `smithy-protocol: rpc-v2-cbor`, its input a CBOR map in the body.
//!
//! [`request`] reads an input from the body in one pass, through the
//! generated readers.

pub mod request;

pub use request::input;
