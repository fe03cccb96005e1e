//! [`EventStream`], the events of an operation's event stream as a handler
//! sees them: a `Stream` it reads (an input stream) or returns (an output
//! stream), and [`EventSender`], for a handler that would rather push.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::frame::FrameError;
use super::{EventsError, Message};
use crate::http::BoxError;
use crate::validate::Rejection;

/// The events of an event stream: a member targeting a `@streaming` union
/// `T`, whose variants are the stream's events and its modelled errors.
///
/// In an operation's input it is the client's events as they arrive, each
/// read and checked against the model before it is yielded (it is a
/// `Stream`; [`EventStream::recv`] awaits the next without one). The first
/// error ends it: a modelled error the client sent is yielded as its
/// variant, and nothing follows; anything else is an [`EventStreamError`].
///
/// In an output it is what the handler returns: made from a `Stream` of
/// events ([`EventStream::from_stream`]), from events at hand (it is
/// `FromIterator`), or fed through a sender ([`EventStream::channel`]).
/// Each event is written as the client can take it, so a slow client slows
/// the producer; a client that goes away drops the stream. A variant that
/// is a modelled error ends the stream with it, as AWS's services do.
pub struct EventStream<T> {
    /// `None` once the stream has ended.
    events: Option<Boxed<T>>,
}

/// The source of an [`EventStream`]'s events, whatever it is.
type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, EventStreamError>> + Send>>;

impl<T> EventStream<T> {
    /// A stream of no events.
    pub fn empty() -> Self {
        EventStream { events: None }
    }

    /// The events `events` yields, in order.
    pub fn from_stream<S>(events: S) -> Self
    where
        S: Stream<Item = T> + Send + 'static,
    {
        EventStream { events: Some(Box::pin(Infallible { events })) }
    }

    /// The events `events` yields, until it yields an error: that ends the
    /// stream with an unmodelled error (`InternalFailure`, its text kept
    /// in the server's log, not sent). Prefer a modelled error variant
    /// where the model has one.
    pub fn try_from_stream<S, E>(events: S) -> Self
    where
        S: Stream<Item = Result<T, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        EventStream { events: Some(Box::pin(Fallible { events })) }
    }

    /// A stream of `capacity` events at most in flight, and the sender that
    /// feeds it: [`EventSender::send`] waits while the client is that far
    /// behind. The stream ends when every sender is dropped.
    pub fn channel(capacity: usize) -> (EventSender<T>, Self)
    where
        T: Send + 'static,
    {
        let (sender, receiver) = tokio::sync::mpsc::channel(capacity.max(1));
        (EventSender { sender }, EventStream { events: Some(Box::pin(Received(receiver))) })
    }

    /// A stream of what `events` yields, each already read: how routers
    /// make an input stream.
    pub fn from_results<S>(events: S) -> Self
    where
        S: Stream<Item = Result<T, EventStreamError>> + Send + 'static,
    {
        EventStream { events: Some(Box::pin(events)) }
    }

    /// The next event: `None` once the stream has ended.
    pub async fn recv(&mut self) -> Option<Result<T, EventStreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T: ReadEvents + Send + 'static> EventStream<T> {
    /// The events of `body`, an input stream's: each message read as `T`
    /// as it arrives. An exception the client sends (a modelled error) is
    /// yielded as its variant and ends the stream. A message signed by a
    /// client (wrapped with `:date` and `:chunk-signature`, as AWS's SDKs
    /// sign streams) is unwrapped unchecked: [`EventStream::from_signed_body`]
    /// checks the signatures.
    pub fn from_body(body: crate::ByteStream) -> Self {
        EventStream::from_signed_body(body, None)
    }

    /// [`EventStream::from_body`], each message's signature checked by
    /// `verifier` where it is `Some`: every message must then be signed,
    /// and the first that is not, or whose signature is wrong, ends the
    /// stream ([`EventStreamError::Signature`]).
    pub fn from_signed_body(body: crate::ByteStream, verifier: Option<Verifier>) -> Self {
        EventStream::from_input(InputEvents::new(body, verifier))
    }

    /// The events of `messages`, each read as `T` as it arrives: the rest
    /// of an input stream whose `initial-request` a router has read.
    pub fn from_input(messages: InputEvents) -> Self {
        EventStream::from_results(Incoming { messages, ended: false, marker: PhantomData })
    }
}

impl<T: WriteEvents + Send + 'static> EventStream<T> {
    /// The stream as a response body: `initial` (awsJson's and RPC v2's
    /// `initial-response`) first, then each event as it comes. A failure of
    /// the handler's stream is sent as an unmodelled `InternalFailure`,
    /// its text logged, not sent.
    pub fn into_body(self, initial: Option<Message>) -> crate::ByteStream {
        crate::ByteStream::from_body(super::EventBody::new(Outgoing { initial, events: self }))
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(events) = self.events.as_mut() else { return Poll::Ready(None) };
        let next = events.as_mut().poll_next(cx);
        // Nothing follows an error, and the source is let go at once.
        if matches!(next, Poll::Ready(None | Some(Err(_)))) {
            self.events = None;
        }
        next
    }
}

impl<T> Default for EventStream<T> {
    fn default() -> Self {
        EventStream::empty()
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.events.is_some() { "open" } else { "ended" };
        f.debug_struct("EventStream").field("state", &state).finish()
    }
}

impl<T: Send + 'static> FromIterator<T> for EventStream<T> {
    fn from_iter<I: IntoIterator<Item = T>>(events: I) -> Self {
        let events: Vec<T> = events.into_iter().collect();
        EventStream::from_stream(Iter(events.into_iter()))
    }
}

/// Feeds an [`EventStream`] made by [`EventStream::channel`].
#[derive(Debug)]
pub struct EventSender<T> {
    sender: tokio::sync::mpsc::Sender<Result<T, EventStreamError>>,
}

impl<T> Clone for EventSender<T> {
    fn clone(&self) -> Self {
        EventSender { sender: self.sender.clone() }
    }
}

impl<T> EventSender<T> {
    /// Sends `event`, waiting while the stream holds as many as it may:
    /// `Err` gives it back when the stream is gone (the client left, or
    /// the response failed), which is the producer's cue to stop.
    pub async fn send(&self, event: T) -> Result<(), Closed<T>> {
        self.sender.send(Ok(event)).await.map_err(|e| match e.0 {
            Ok(event) => Closed(event),
            Err(_) => unreachable!("an event was sent"),
        })
    }

    /// Ends the stream with an unmodelled error (`InternalFailure`, its
    /// text kept in the server's log, not sent).
    pub async fn fail(self, error: impl Into<BoxError>) {
        let _ = self.sender.send(Err(EventStreamError::Handler(error.into()))).await;
    }

    /// Whether the stream is gone: nothing sent now would be read.
    pub fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }

    /// Waits until the stream is gone (the client left).
    pub async fn closed(&self) {
        self.sender.closed().await
    }
}

/// An event [`EventSender::send`] could not send: the stream is gone.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event stream is closed")
    }
}

impl<T: fmt::Debug> std::error::Error for Closed<T> {}

/// Why an event stream ended before its end.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventStreamError {
    /// The bytes are not event-stream messages (a checksum or length that
    /// is wrong, a header of an unknown type).
    Frame(FrameError),
    /// A message is not an event of the stream: no `:message-type`, or one
    /// that is not a string; an event type the model does not define.
    Malformed(Cow<'static, str>),
    /// An event's members are not what the model says: malformed, or
    /// breaking its constraints (every violation, as a request's).
    Rejected(Rejection),
    /// The client ended the stream with an error the model does not
    /// define (an `error` message).
    Unmodelled {
        /// Its `:error-code`.
        code: String,
        /// Its `:error-message`.
        message: String,
    },
    /// A message's chunk signature is not the one its credentials give.
    Signature(Cow<'static, str>),
    /// The body broke off: the connection failed, or a limit or timeout
    /// struck.
    Body(BoxError),
    /// The handler's stream of output events failed.
    Handler(BoxError),
}

impl EventStreamError {
    /// An event the stream's union has no member for.
    pub fn unknown_event(received: super::Received<'_>) -> Self {
        let (kind, name) = match received {
            super::Received::Event(name) => ("event", name),
            super::Received::Exception(name) => ("exception", name),
        };
        EventStreamError::Malformed(format!("the stream has no {kind} named {}", crate::excerpt(name)).into())
    }
}

impl EventStreamError {
    /// The error as the rejection of a request whose stream failed before
    /// its input was read: the event's own, or a malformed input.
    pub fn into_rejection(self) -> Rejection {
        match self {
            EventStreamError::Rejected(rejection) => rejection,
            other => Rejection::Malformed(crate::validate::MalformedInput {
                path: String::new(),
                message: other.to_string(),
            }),
        }
    }
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Frame(e) => e.fmt(f),
            EventStreamError::Malformed(why) => f.write_str(why),
            EventStreamError::Rejected(rejection) => write!(f, "an event was rejected: {rejection}"),
            EventStreamError::Unmodelled { code, message } => {
                write!(f, "the client ended the stream with {}: {}", crate::excerpt(code), crate::excerpt(message))
            }
            EventStreamError::Signature(why) => f.write_str(why),
            EventStreamError::Body(e) => write!(f, "the event stream's body failed: {e}"),
            EventStreamError::Handler(e) => write!(f, "the handler's event stream failed: {e}"),
        }
    }
}

impl std::error::Error for EventStreamError {}

impl From<EventsError> for EventStreamError {
    fn from(error: EventsError) -> Self {
        match error {
            EventsError::Frame(e) => EventStreamError::Frame(e),
            EventsError::Body(e) => EventStreamError::Body(e),
        }
    }
}

/// A `@streaming` union a server reads: each message of an input stream
/// as the variant it is. Generated for the unions of input streams.
pub trait ReadEvents: Sized {
    /// `message` as an event or modelled error of the union, read and
    /// checked against the model.
    fn read_message(message: &Message) -> Result<Self, EventStreamError>;
}

/// A `@streaming` union a server writes: each variant as the message it is
/// sent as. Generated for the unions of output streams.
pub trait WriteEvents {
    /// The event (or modelled error, which ends the stream) as a message.
    fn write_message(&self) -> Message;
}

pin_project_lite::pin_project! {
    struct Infallible<S> {
        #[pin]
        events: S,
    }
}

impl<T, S: Stream<Item = T>> Stream for Infallible<S> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().events.poll_next(cx).map(|next| next.map(Ok))
    }
}

pin_project_lite::pin_project! {
    struct Fallible<S> {
        #[pin]
        events: S,
    }
}

impl<T, E: Into<BoxError>, S: Stream<Item = Result<T, E>>> Stream for Fallible<S> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = self.project().events.poll_next(cx);
        next.map(|next| next.map(|event| event.map_err(|e| EventStreamError::Handler(e.into()))))
    }
}

/// The events of an iterator, as a stream.
struct Iter<I>(I);

// Never pinned structurally: the iterator is only moved through `&mut`.
impl<I> Unpin for Iter<I> {}

impl<I: Iterator> Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.0.next())
    }
}

struct Received<T>(tokio::sync::mpsc::Receiver<Result<T, EventStreamError>>);

impl<T> Stream for Received<T> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// Checks a signed message of an input stream and returns the message it
/// carries, or `None` for the empty one that ends the stream: what a SigV4
/// layer hands a router for a request whose events are signed.
pub type Verifier = Box<dyn FnMut(&Message) -> Result<Option<Message>, EventStreamError> + Send>;

/// The message a client's signature wraps, unchecked (`None` at the end).
fn unwrap_signed(message: Message) -> Result<Option<Message>, EventStreamError> {
    if message.payload().is_empty() {
        return Ok(None);
    }
    super::frame::decode_one(message.payload().clone()).map(Some).map_err(EventStreamError::Frame)
}

/// Whether `message` is a client's signature around another.
fn is_signed(message: &Message) -> bool {
    super::header(message, super::CHUNK_SIGNATURE).is_some()
}

/// An input stream's messages as the client sent them: each one's
/// signature checked (by a [`Verifier`] where the request's was) and
/// taken off, the empty signed message that ends the stream ending it.
/// What a router reads an RPC protocol's `initial-request` from
/// ([`InputEvents::initial_request`]) before it makes the handler's
/// [`EventStream`] of the rest ([`EventStream::from_input`]).
pub struct InputEvents {
    messages: super::Events<crate::ByteStream>,
    verifier: Option<Verifier>,
    /// A message read ahead, to be yielded first.
    pending: Option<Message>,
    ended: bool,
}

impl InputEvents {
    /// The messages of `body`, signed ones checked by `verifier` where it
    /// is `Some` (every message must then be signed), else unwrapped
    /// unchecked.
    pub fn new(body: crate::ByteStream, verifier: Option<Verifier>) -> Self {
        InputEvents { messages: super::Events::new(body), verifier, pending: None, ended: false }
    }

    /// The payload of the stream's `initial-request` message, which the
    /// RPC protocols send first with the members of the input that are not
    /// the stream; `None` where the first message is another (it is then
    /// the first the stream yields) or there is none.
    pub async fn initial_request(&mut self) -> Result<Option<bytes::Bytes>, EventStreamError> {
        let Some(first) = self.next().await else { return Ok(None) };
        let first = first?;
        let initial = super::string_header(&first, super::MESSAGE_TYPE) == Some(super::EVENT)
            && super::string_header(&first, super::EVENT_TYPE) == Some(INITIAL_REQUEST);
        if initial {
            return Ok(Some(first.payload().clone()));
        }
        self.pending = Some(first);
        Ok(None)
    }

    /// The input of an RPC protocol's operation whose input is a stream:
    /// the members of its `initial-request` as `parse` reads them from its
    /// payload (`None` where the client sent none), and the stream's
    /// events after it. A stream that fails before its first message is
    /// the request's rejection.
    pub async fn read_initial<T>(
        mut self,
        parse: impl FnOnce(Option<&[u8]>) -> Result<T, Rejection>,
    ) -> Result<(T, InputEvents), Rejection> {
        let payload = self.initial_request().await.map_err(EventStreamError::into_rejection)?;
        Ok((parse(payload.as_deref())?, self))
    }

    async fn next(&mut self) -> Option<Result<Message, EventStreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

/// The `:event-type` of the message that opens an RPC protocol's input
/// stream.
pub const INITIAL_REQUEST: &str = "initial-request";

/// The `:event-type` of the message that opens an RPC protocol's output
/// stream.
pub const INITIAL_RESPONSE: &str = "initial-response";

impl fmt::Debug for InputEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut f.debug_struct("InputEvents");
        f.field("signed", &self.verifier.is_some()).field("ended", &self.ended).finish()
    }
}

impl Stream for InputEvents {
    type Item = Result<Message, EventStreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some(message) = this.pending.take() {
            return Poll::Ready(Some(Ok(message)));
        }
        if this.ended {
            return Poll::Ready(None);
        }
        let message = match std::task::ready!(Pin::new(&mut this.messages).poll_next(cx)) {
            None => return Poll::Ready(None),
            Some(Err(e)) => return Poll::Ready(Some(Err(e.into()))),
            Some(Ok(message)) => message,
        };
        let unwrapped = match this.verifier.as_mut() {
            Some(verify) => verify(&message),
            None if is_signed(&message) => unwrap_signed(message),
            None => Ok(Some(message)),
        };
        match unwrapped {
            Ok(Some(message)) => Poll::Ready(Some(Ok(message))),
            // The signed end of the stream.
            Ok(None) => {
                this.ended = true;
                Poll::Ready(None)
            }
            Err(e) => {
                this.ended = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }
}

/// An input stream's messages, read into events.
struct Incoming<T> {
    messages: InputEvents,
    ended: bool,
    marker: PhantomData<fn() -> T>,
}

// The messages are polled through `&mut`; nothing here is pinned.
impl<T> Unpin for Incoming<T> {}

impl<T: ReadEvents> Stream for Incoming<T> {
    type Item = Result<T, EventStreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let message = match std::task::ready!(Pin::new(&mut self.messages).poll_next(cx)) {
            None => return Poll::Ready(None),
            Some(Err(e)) => {
                self.ended = true;
                return Poll::Ready(Some(Err(e)));
            }
            Some(Ok(message)) => message,
        };
        // An exception is the client's last word.
        self.ended = super::string_header(&message, super::MESSAGE_TYPE) == Some(super::EXCEPTION);
        Poll::Ready(Some(T::read_message(&message)))
    }
}

/// An output stream's events, as messages.
struct Outgoing<T> {
    initial: Option<Message>,
    events: EventStream<T>,
}

// The events are boxed and pinned on the heap; nothing here is pinned.
impl<T> Unpin for Outgoing<T> {}

impl<T: WriteEvents> Stream for Outgoing<T> {
    type Item = Message;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        if let Some(initial) = self.initial.take() {
            return Poll::Ready(Some(initial));
        }
        Poll::Ready(match std::task::ready!(Pin::new(&mut self.events).poll_next(cx)) {
            None => None,
            Some(Ok(event)) => Some(event.write_message()),
            Some(Err(error)) => {
                tracing::error!(%error, "an output event stream failed; ended with InternalFailure");
                Some(super::error("InternalFailure", "the server failed to produce the stream's next event"))
            }
        })
    }
}

#[cfg(test)]
mod tests;
