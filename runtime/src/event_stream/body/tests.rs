use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use futures_util::StreamExt;
use http_body_util::{BodyExt, StreamBody};

use super::*;
use crate::event_stream::{self, frame};

fn chunk(n: usize) -> Message {
    event_stream::event("Chunk", Some("text/plain"), format!("chunk {n}"))
}

#[tokio::test]
async fn messages_go_out_as_the_stream_yields_them_and_an_exception_ends_the_body() {
    let messages = futures_util::stream::iter(vec![
        chunk(1),
        chunk(2),
        event_stream::exception("Throttled", Some("application/json"), "{}"),
        chunk(3),
    ]);
    let bytes = EventBody::new(messages).collect().await.unwrap().to_bytes();
    let mut decoder = frame::Decoder::new();
    decoder.push(&bytes);
    let mut read = Vec::new();
    while let Some(message) = decoder.next_message().unwrap() {
        read.push(event_stream::string_header(&message, event_stream::MESSAGE_TYPE).unwrap().to_string());
    }
    assert_eq!(read, ["event", "event", "exception"]);
}

/// A stream of `chunk`s that counts how many were taken and says when it
/// is dropped.
fn counted(taken: Arc<AtomicUsize>, dropped: Arc<AtomicBool>) -> impl Stream<Item = Message> {
    struct OnDrop(Arc<AtomicBool>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let guard = OnDrop(dropped);
    futures_util::stream::iter(0..).map(move |n| {
        let _ = &guard;
        taken.fetch_add(1, Ordering::SeqCst);
        chunk(n)
    })
}

#[tokio::test]
async fn a_slow_client_slows_the_stream_and_one_that_leaves_ends_it() {
    let (taken, dropped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
    let mut body = EventBody::new(counted(taken.clone(), dropped.clone()));
    // The stream is endless, but only what the connection asks for is made.
    for _ in 0..3 {
        body.frame().await.unwrap().unwrap();
    }
    assert_eq!(taken.load(Ordering::SeqCst), 3);
    assert!(!dropped.load(Ordering::SeqCst));
    drop(body);
    assert!(dropped.load(Ordering::SeqCst), "the handler's stream ends with the body");
}

#[tokio::test]
async fn messages_come_in_as_their_bytes_arrive() {
    let bytes: Vec<u8> = (0..5).flat_map(|n| frame::encode(&chunk(n)).unwrap()).collect();
    // Chunks of 7 bytes: messages split anywhere.
    let chunks: Vec<Result<http_body::Frame<Bytes>, std::convert::Infallible>> =
        bytes.chunks(7).map(|c| Ok(http_body::Frame::data(Bytes::copy_from_slice(c)))).collect();
    let events = Events::new(StreamBody::new(futures_util::stream::iter(chunks)));
    let read: Vec<Message> = events.map(Result::unwrap).collect().await;
    assert_eq!(read, (0..5).map(chunk).collect::<Vec<_>>());
}

#[tokio::test]
async fn bad_bytes_and_a_broken_body_end_the_events() {
    let mut bytes = frame::encode(&chunk(1)).unwrap().to_vec();
    bytes.extend_from_slice(&frame::encode(&chunk(2)).unwrap()[..10]);
    let body = http_body_util::Full::new(Bytes::from(bytes));
    let read: Vec<_> = Events::new(body).collect().await;
    assert_eq!(read.len(), 2);
    assert!(matches!(&read[1], Err(EventsError::Frame(FrameError::Truncated))), "{:?}", read[1]);

    let failing: Vec<Result<http_body::Frame<Bytes>, BoxError>> =
        vec![Ok(http_body::Frame::data(frame::encode(&chunk(1)).unwrap())), Err("connection reset".into())];
    let read: Vec<_> = Events::new(StreamBody::new(futures_util::stream::iter(failing))).collect().await;
    assert!(read[0].is_ok() && matches!(&read[1], Err(EventsError::Body(e)) if e.to_string() == "connection reset"));
    assert_eq!(read.len(), 2);
}
