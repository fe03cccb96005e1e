//! The request body the server hands its service: hyper's, with a deadline
//! for reading it, so that a client that sends its head and then trickles
//! (or withholds) its body cannot hold a request open for ever; its bytes
//! counted as they arrive; and the request's admission at its end, so that
//! a body that has not arrived holds no place in flight.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use tokio::time::Sleep;

use super::admission::Ticket;
use crate::http::BoxError;

/// A request body with a deadline: reading it fails with
/// [`BodyTimedOut`] once the time it is given, from its first read, has
/// passed ([`ServerConfig::body_read_timeout`](super::ServerConfig)). A
/// body handed on as a stream (an input event stream, a streaming payload)
/// may take as long as it likes, but not that long between two frames.
///
/// Its end is held back until the request has its place in flight
/// ([`ServerConfig::max_requests_in_flight`](super::ServerConfig)); a
/// request that waits longer than
/// [`ServerConfig::queue_timeout`](super::ServerConfig) for it fails with
/// [`ServerBusy`].
pub struct RequestBody {
    inner: Incoming,
    timeout: Duration,
    /// Armed on the first read.
    deadline: Option<Pin<Box<Sleep>>>,
    ticket: Arc<Ticket>,
    state: State,
}

enum State {
    /// The body is arriving.
    Arriving,
    /// It has arrived; the request waits for its place.
    Admitting(Pin<Box<dyn Future<Output = Result<(), ServerBusy>> + Send>>),
    /// It has its place (or was refused one): the body is at its end.
    Ended,
}

impl RequestBody {
    pub(super) fn new(inner: Incoming, timeout: Duration, ticket: Arc<Ticket>) -> Self {
        RequestBody { inner, timeout, deadline: None, ticket, state: State::Arriving }
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
        let this = &mut *self;
        if let State::Arriving = this.state {
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        this.ticket.received(data.len());
                    }
                    // A stream's time runs from its last frame.
                    if this.ticket.is_streamed() {
                        this.deadline = None;
                    }
                    return Poll::Ready(Some(Ok(frame)));
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                Poll::Ready(None) => this.state = State::Admitting(Box::pin(this.ticket.clone().admit())),
                Poll::Pending => {
                    let timeout = this.timeout;
                    let deadline = this.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                    return match deadline.as_mut().poll(cx) {
                        Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimedOut(timeout))))),
                        Poll::Pending => Poll::Pending,
                    };
                }
            }
        }
        match &mut this.state {
            State::Admitting(admitted) => {
                let admitted = std::task::ready!(admitted.as_mut().poll(cx));
                this.state = State::Ended;
                match admitted {
                    Ok(()) => Poll::Ready(None),
                    Err(busy) => Poll::Ready(Some(Err(Box::new(busy)))),
                }
            }
            _ => Poll::Ready(None),
        }
    }

    /// Only once the request has its place: readers that stop at the end
    /// without polling for it would run unadmitted.
    fn is_end_stream(&self) -> bool {
        matches!(self.state, State::Ended)
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

/// A request that waited longer than its time for a place in flight: the
/// server is busy, and the client should retry later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerBusy(pub Duration);

impl fmt::Display for ServerBusy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server is busy: the request waited {} ms for its turn; retry later", self.0.as_millis())
    }
}

impl Error for ServerBusy {}
