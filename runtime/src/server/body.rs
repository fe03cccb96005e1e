//! The request body the server hands its service: hyper's, with a deadline
//! for reading it, so that a client that sends its head and then trickles
//! (or withholds) its body cannot hold a request open for ever.

use std::error::Error;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use tokio::time::Sleep;

use crate::http::BoxError;

/// A request body with a deadline: reading it fails with
/// [`BodyTimedOut`] once the time it is given, from its first read, has
/// passed ([`ServerConfig::body_read_timeout`](super::ServerConfig)).
pub struct RequestBody {
    inner: Incoming,
    timeout: Duration,
    /// Armed on the first read: a request that waits for a place in
    /// flight has not started reading.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl RequestBody {
    pub(super) fn new(inner: Incoming, timeout: Duration) -> Self {
        RequestBody { inner, timeout, deadline: None }
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBody").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let timeout = self.timeout;
        let deadline = self.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimedOut(timeout))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body that was not all sent within its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyTimedOut(pub Duration);

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the request body was not sent within {} s", self.0.as_secs())
    }
}

impl Error for BodyTimedOut {}
