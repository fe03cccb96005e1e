use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use super::*;
use crate::ByteStream;
use crate::event_stream::{self, Header, HeaderValue, Received, frame};

/// A union of two events, as generated code implements it: `Tick` (its
/// payload as text) and the modelled error `Stop`.
#[derive(Debug, PartialEq)]
enum Clock {
    Tick(String),
    Stop(String),
}

impl ReadEvents for Clock {
    fn read_message(message: &Message) -> Result<Self, EventStreamError> {
        let text = String::from_utf8_lossy(message.payload()).into_owned();
        match event_stream::kind(message)? {
            Received::Event("Tick") => Ok(Clock::Tick(text)),
            Received::Exception("Stop") => Ok(Clock::Stop(text)),
            other => Err(EventStreamError::unknown_event(other)),
        }
    }
}

impl WriteEvents for Clock {
    fn write_message(&self) -> Message {
        match self {
            Clock::Tick(text) => event_stream::event("Tick", Some("text/plain"), text.clone()),
            Clock::Stop(text) => event_stream::exception("Stop", Some("text/plain"), text.clone()),
        }
    }
}

fn body(messages: &[Message]) -> ByteStream {
    let mut bytes = BytesMut::new();
    for message in messages {
        bytes.extend_from_slice(&frame::encode(message).unwrap());
    }
    ByteStream::from(bytes.freeze())
}

fn tick(text: &str) -> Message {
    Clock::Tick(text.to_string()).write_message()
}

async fn read_all(mut events: EventStream<Clock>) -> (Vec<Clock>, Option<String>) {
    let mut read = Vec::new();
    while let Some(next) = events.recv().await {
        match next {
            Ok(event) => read.push(event),
            Err(e) => return (read, Some(e.to_string())),
        }
    }
    (read, None)
}

#[tokio::test]
async fn an_input_stream_reads_each_event_and_ends_at_a_modelled_error() {
    let stop = Clock::Stop("enough".into()).write_message();
    let events = EventStream::<Clock>::from_body(body(&[tick("1"), tick("2"), stop, tick("3")]));
    let (read, error) = read_all(events).await;
    assert_eq!(read, [Clock::Tick("1".into()), Clock::Tick("2".into()), Clock::Stop("enough".into())]);
    assert_eq!(error, None);
}

#[tokio::test]
async fn the_first_bad_message_ends_an_input_stream() {
    // An event the union does not define.
    let unknown = event_stream::event("Tock", None, "");
    let (read, error) = read_all(EventStream::from_body(body(&[tick("1"), unknown, tick("2")]))).await;
    assert_eq!(read, [Clock::Tick("1".into())]);
    assert_eq!(error.as_deref(), Some("the stream has no event named Tock"));
    // A message without :message-type.
    let untyped = Message::new(Bytes::from_static(b"x"));
    let (read, error) = read_all(EventStream::from_body(body(&[untyped, tick("2")]))).await;
    assert!(read.is_empty());
    assert_eq!(error.as_deref(), Some("an event-stream message has no :message-type header"));
    // An unmodelled error from the client.
    let (_, error) = read_all(EventStream::from_body(body(&[event_stream::error("Oops", "the client broke")]))).await;
    assert_eq!(error.as_deref(), Some("the client ended the stream with Oops: the client broke"));
    // A message whose checksum is wrong.
    let mut bytes = BytesMut::from(&frame::encode(&tick("1")).unwrap()[..]);
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let (read, error) = read_all(EventStream::from_body(ByteStream::from(bytes.freeze()))).await;
    assert!(read.is_empty());
    assert!(error.as_deref().is_some_and(|e| e.contains("malformed")), "{error:?}");
    // A stream that stops inside a message.
    let whole = frame::encode(&tick("1")).unwrap();
    let (_, error) = read_all(EventStream::from_body(ByteStream::from(whole.slice(..whole.len() - 3)))).await;
    assert_eq!(error.as_deref(), Some("the event stream ended inside a message"));
}

#[tokio::test]
async fn signed_messages_are_unwrapped_and_a_verifier_checks_every_one() {
    let signature = || Header::new(event_stream::CHUNK_SIGNATURE, HeaderValue::ByteArray(Bytes::from_static(b"sig")));
    let signed = |inner: &Message| {
        Message::new(frame::encode(inner).unwrap())
            .add_header(Header::new(
                event_stream::DATE,
                HeaderValue::Timestamp(aws_smithy_types::DateTime::from_secs(0)),
            ))
            .add_header(signature())
    };
    let end = Message::new(Bytes::new()).add_header(signature());
    // Unchecked: the signed messages' contents, up to the signed end.
    let stream = body(&[signed(&tick("1")), signed(&tick("2")), end, signed(&tick("3"))]);
    let (read, error) = read_all(EventStream::from_body(stream)).await;
    assert_eq!((read, error), (vec![Clock::Tick("1".into()), Clock::Tick("2".into())], None));
    // Checked: what the verifier refuses ends the stream.
    let verifier: Verifier = Box::new(|message: &Message| {
        if is_signed(message) {
            unwrap_signed(message.clone())
        } else {
            Err(EventStreamError::Signature("the event is not signed".into()))
        }
    });
    let stream = body(&[signed(&tick("1")), tick("2"), signed(&tick("3"))]);
    let (read, error) = read_all(EventStream::from_signed_body(stream, Some(verifier))).await;
    assert_eq!(read, [Clock::Tick("1".into())]);
    assert_eq!(error.as_deref(), Some("the event is not signed"));
}

#[tokio::test]
async fn a_sender_waits_for_the_client_and_learns_when_it_has_gone() {
    let (sender, mut events) = EventStream::<Clock>::channel(2);
    sender.send(Clock::Tick("1".into())).await.unwrap();
    sender.send(Clock::Tick("2".into())).await.unwrap();
    // Full: the third waits until one is taken.
    let third = sender.send(Clock::Tick("3".into()));
    assert!(tokio::time::timeout(Duration::from_millis(100), third).await.is_err(), "sent past the capacity");
    assert_eq!(events.next().await.unwrap().unwrap(), Clock::Tick("1".into()));
    sender.send(Clock::Tick("3".into())).await.unwrap();
    drop(events);
    assert!(sender.is_closed());
    assert_eq!(sender.send(Clock::Tick("4".into())).await, Err(Closed(Clock::Tick("4".into()))));
}

#[tokio::test]
async fn an_output_stream_is_written_until_its_modelled_error_or_failure() {
    async fn messages(events: EventStream<Clock>) -> Vec<(String, String)> {
        let bytes = events.into_body(None).into_bytes().await.unwrap();
        let mut decoder = frame::Decoder::new();
        decoder.push(&bytes);
        let mut read = Vec::new();
        while let Some(message) = decoder.next_message().unwrap() {
            let kind = event_stream::string_header(&message, event_stream::MESSAGE_TYPE).unwrap().to_string();
            read.push((kind, String::from_utf8_lossy(message.payload()).into_owned()));
        }
        read
    }
    let events: EventStream<Clock> =
        [Clock::Tick("1".into()), Clock::Stop("done".into()), Clock::Tick("2".into())].into_iter().collect();
    let expected = [("event".to_string(), "1".to_string()), ("exception".to_string(), "done".to_string())];
    assert_eq!(messages(events).await, expected);
    // A failing producer: an unmodelled error, its text not sent.
    let failing = futures_util::stream::iter(vec![Ok(Clock::Tick("1".into())), Err("the database is down")]);
    let read = messages(EventStream::try_from_stream(failing)).await;
    assert_eq!(read, [("event".to_string(), "1".to_string()), ("error".to_string(), String::new())]);
}
