//! What a handler may know of the request besides its input: the request
//! id, the headers, the extensions tower layers left on it, and the peer.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use http::{Extensions, HeaderMap};

/// A request's id, sent back as `x-amzn-requestid` on every response and
/// recorded in the request's tracing span. AWS's ids are UUIDs; so are ours,
/// unless a layer in front put its own [`RequestId`] in the request's
/// extensions.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// A new random (version 4) UUID.
    pub fn new() -> Self {
        // Encoded on the stack, then one allocation: the id's `Arc`.
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        RequestId(Arc::from(&*uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text)))
    }

    /// An id chosen by the caller, such as one a proxy in front assigned.
    pub fn from_string(id: impl Into<String>) -> Self {
        RequestId(id.into().into())
    }

    /// The id's text, as it is sent in `x-amzn-requestid`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for RequestId {
    fn default() -> Self {
        RequestId::new()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.0)
    }
}

/// The address of the peer a request came from. The server (`serve`) puts
/// it in every request's extensions; other servers may too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerAddr(pub SocketAddr);

/// A request as a service method sees it, besides its input.
#[derive(Debug, Default)]
pub struct RequestContext {
    request_id: RequestId,
    headers: HeaderMap,
    extensions: Extensions,
}

impl RequestContext {
    /// The context of a request with these parts.
    pub fn new(request_id: RequestId, headers: HeaderMap, extensions: Extensions) -> Self {
        RequestContext { request_id, headers, extensions }
    }

    /// The request's id, as sent back in `x-amzn-requestid`.
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// What layers in front put on the request (the caller's identity after
    /// signature verification, for instance).
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// The peer's address, when the server recorded it ([`PeerAddr`]).
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.extensions.get::<PeerAddr>().map(|peer| peer.0)
    }
}
