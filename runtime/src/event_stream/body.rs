//! Event streams as HTTP bodies: messages out ([`EventBody`]) and messages
//! in ([`Events`]).

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use futures_core::Stream;
use http_body::{Body, Frame};
use pin_project_lite::pin_project;

use super::frame::{Decoder, FrameError, encode};
use super::{ERROR, EXCEPTION, MESSAGE_TYPE, Message, string_header};
use crate::http::BoxError;

pin_project! {
    /// A body of event-stream messages, each written as `messages` yields
    /// it. The body is polled only when the connection can take more, so a
    /// slow client slows the stream that feeds it (nothing is queued here);
    /// a client that goes away drops the body, and with it the stream. An
    /// exception or error message ends the body: nothing follows it.
    pub struct EventBody<S> {
        #[pin]
        messages: S,
        ended: bool,
    }
}

impl<S> EventBody<S> {
    /// The body of the messages `messages` yields.
    pub fn new(messages: S) -> Self {
        EventBody { messages, ended: false }
    }
}

impl<S: Stream<Item = Message>> Body for EventBody<S> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        if *this.ended {
            return Poll::Ready(None);
        }
        let Some(message) = ready!(this.messages.poll_next(cx)) else {
            *this.ended = true;
            return Poll::Ready(None);
        };
        let kind = string_header(&message, MESSAGE_TYPE);
        if kind == Some(EXCEPTION) || kind == Some(ERROR) {
            *this.ended = true;
        }
        Poll::Ready(Some(encode(&message).map(Frame::data).map_err(|e| {
            *this.ended = true;
            BoxError::from(e)
        })))
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }
}

pin_project! {
    /// The event-stream messages of a body, read as its bytes arrive: it
    /// holds at most one message (within [`Decoder`]'s limit) and the chunk
    /// being read. The first error ends it.
    pub struct Events<B> {
        #[pin]
        body: B,
        decoder: Decoder,
        done: bool,
    }
}

impl<B> Events<B> {
    /// The messages of `body`, each at most [`frame::MAX_MESSAGE_BYTES`](super::frame::MAX_MESSAGE_BYTES).
    pub fn new(body: B) -> Self {
        Events::with_decoder(body, Decoder::new())
    }

    /// The messages of `body`, read by `decoder` (a smaller limit).
    pub fn with_decoder(body: B, decoder: Decoder) -> Self {
        Events { body, decoder, done: false }
    }
}

/// Why [`Events`] ended early.
#[derive(Debug)]
pub enum EventsError {
    /// The bytes are not event-stream messages.
    Frame(FrameError),
    /// The body failed (the connection broke, a limit or timeout struck).
    Body(BoxError),
}

impl std::fmt::Display for EventsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventsError::Frame(e) => e.fmt(f),
            EventsError::Body(e) => write!(f, "the event stream's body failed: {e}"),
        }
    }
}

impl std::error::Error for EventsError {}

impl<B> Stream for Events<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Item = Result<Message, EventsError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if *this.done {
                return Poll::Ready(None);
            }
            match this.decoder.next_message() {
                Ok(Some(message)) => return Poll::Ready(Some(Ok(message))),
                Err(e) => {
                    *this.done = true;
                    return Poll::Ready(Some(Err(EventsError::Frame(e))));
                }
                Ok(None) => {}
            }
            match ready!(this.body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    // Trailers carry no messages.
                    if let Ok(mut data) = frame.into_data() {
                        let bytes = data.copy_to_bytes(data.remaining());
                        this.decoder.push_bytes(bytes);
                    }
                }
                Some(Err(e)) => {
                    *this.done = true;
                    return Poll::Ready(Some(Err(EventsError::Body(e.into()))));
                }
                None => {
                    *this.done = true;
                    return Poll::Ready(this.decoder.finish().err().map(|e| Err(EventsError::Frame(e))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
