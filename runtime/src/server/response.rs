//! The response body the server sends: the service's, with the request
//! counted in flight until its last byte is written (a streamed response,
//! an event stream that waits between events, is not an idle connection),
//! and an event stream ended cleanly, between two messages, when the
//! server shuts down.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};

use super::deadline::InFlightGuard;

/// Ready once the server is shutting down.
pub(super) type Shutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

pin_project_lite::pin_project! {
    /// A response body as the server sends it.
    pub(super) struct ResponseBody<B> {
        #[pin]
        inner: B,
        in_flight: Option<InFlightGuard>,
        // Set for event streams: they end at shutdown.
        shutdown: Option<Shutdown>,
    }
}

impl<B> ResponseBody<B> {
    pub(super) fn new(inner: B, in_flight: InFlightGuard, shutdown: Option<Shutdown>) -> Self {
        ResponseBody { inner, in_flight: Some(in_flight), shutdown }
    }
}

impl<B: Body> Body for ResponseBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        if let Some(shutdown) = this.shutdown.as_mut() {
            if shutdown.as_mut().poll(cx).is_ready() {
                // Between two messages: the client sees the stream end.
                *this.in_flight = None;
                return Poll::Ready(None);
            }
        }
        let frame = this.inner.poll_frame(cx);
        if matches!(frame, Poll::Ready(None | Some(Err(_)))) {
            *this.in_flight = None;
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
