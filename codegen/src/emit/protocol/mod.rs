//! What each protocol adds to a generated crate, one module per protocol,
//! as the runtime has one (`runtime::protocol::<name>`): its router (the
//! runtime's `Dispatch` for the protocol), how an operation's errors are
//! written, and what its shapes implement to be read from and written to
//! its messages. [`of`] is the one place the protocol is switched on.
//!
//! Adding a protocol is adding a module here that implements [`Emit`] and
//! an arm to [`of`], with its runtime twin.

mod aws_json;
mod aws_query;
pub(super) mod rest;
mod rpc_v2_cbor;

use proc_macro2::{Ident, TokenStream};

use super::rust::FileCx;
use crate::ir::{Operation, Protocol, Service, Shape};

/// A protocol's part of the generated code.
pub(super) trait Emit {
    /// The protocol's display name (`awsJson1.1`), in docs.
    fn name(&self, service: &Service) -> &'static str;

    /// Items at the top of `service.rs`, before the service trait.
    fn preamble(&self, cx: &FileCx<'_>, service: &Service) -> TokenStream;

    /// The router's docs, its protocol methods (inherent, beside `new` and
    /// `service`), and its impls of the runtime's `Dispatch` and the items
    /// they use; `handle` is the protocol's runtime `handle`.
    fn router(&self, cx: &FileCx<'_>, service: &Service) -> Router;

    /// The error enum's method that writes one of `op`'s errors as a
    /// response: `variants` are the modelled ones, `unmodelled` the other.
    fn error_response(&self, cx: &FileCx<'_>, op: &Operation, variants: &[Ident], unmodelled: &Ident) -> TokenStream;

    /// What `shape` implements to be read from requests or written to
    /// responses beyond its body's document (restJson1's HTTP bindings).
    fn shape_impls(&self, cx: &FileCx<'_>, shape: &Shape) -> TokenStream;
}

/// A protocol's router, as [`Emit::router`] gives it.
pub(super) struct Router {
    pub docs: TokenStream,
    /// Inherent methods of the router type.
    pub methods: TokenStream,
    /// The runtime `Dispatch` impl, and anything it uses.
    pub dispatch: TokenStream,
    /// The runtime function that serves one request with the router.
    pub handle: TokenStream,
}

/// The emitter of the service's protocol, if the generator serves it.
pub(super) fn of(service: &Service) -> Option<&'static dyn Emit> {
    match service.protocol? {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => Some(&aws_json::AwsJson),
        Protocol::RestJson1 => Some(&rest::Rest { body: rest::Body::Json }),
        Protocol::RestXml => Some(&rest::Rest { body: rest::Body::Xml }),
        Protocol::AwsQuery | Protocol::Ec2Query => Some(&aws_query::AwsQuery),
        Protocol::RpcV2Cbor => Some(&rpc_v2_cbor::RpcV2Cbor),
        Protocol::RpcV2Json => None,
    }
}
