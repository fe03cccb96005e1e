use super::*;
use crate::event_stream::{self, Header, HeaderValue};

/// A message with one header of every type and a payload.
fn every_header_type() -> Message {
    let values = [
        ("bool", HeaderValue::Bool(true)),
        ("byte", HeaderValue::Byte(-3)),
        ("short", HeaderValue::Int16(-300)),
        ("int", HeaderValue::Int32(70_000)),
        ("long", HeaderValue::Int64(-5_000_000_000)),
        ("bytes", HeaderValue::ByteArray(Bytes::from_static(b"\x00\xff"))),
        ("string", HeaderValue::String("caf\u{e9}".into())),
        ("time", HeaderValue::Timestamp(aws_smithy_types::DateTime::from_millis(1_700_000_000_123))),
        ("uuid", HeaderValue::Uuid(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef)),
    ];
    values
        .into_iter()
        .fold(Message::new(Bytes::from_static(b"{\"a\":1}")), |m, (name, value)| m.add_header(Header::new(name, value)))
}

/// The prelude of a message of `total` bytes with `headers` header bytes,
/// with a correct CRC.
fn prelude(total: u32, headers: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&total.to_be_bytes());
    bytes.extend_from_slice(&headers.to_be_bytes());
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_be_bytes());
    bytes
}

/// `prelude` + `rest` + a correct message CRC.
fn with_crc(prelude: Vec<u8>, rest: &[u8]) -> Vec<u8> {
    let mut bytes = prelude;
    bytes.extend_from_slice(rest);
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn messages_survive_any_split() {
    let messages = [
        every_header_type(),
        event_stream::event("Chunk", Some("application/json"), "{}"),
        event_stream::error("Boom", "it broke"),
    ];
    let bytes: Vec<u8> = messages.iter().flat_map(|m| encode(m).unwrap()).collect();
    for split in [1, 2, 7, 12, 13, 100, bytes.len()] {
        let mut decoder = Decoder::new();
        let mut read = Vec::new();
        for chunk in bytes.chunks(split) {
            decoder.push(chunk);
            while let Some(message) = decoder.next_message().unwrap() {
                read.push(message);
            }
        }
        decoder.finish().unwrap();
        assert_eq!(read, messages, "chunks of {split}");
    }
    assert_eq!(event_stream::string_header(&messages[1], event_stream::EVENT_TYPE), Some("Chunk"));
    assert_eq!(event_stream::string_header(&messages[2], event_stream::MESSAGE_TYPE), Some("error"));
}

#[test]
fn a_prelude_is_refused_before_the_message_is_waited_for() {
    // A wrong prelude CRC, with nothing after it.
    let mut bad = prelude(100, 0);
    bad[11] ^= 1;
    let mut decoder = Decoder::new();
    decoder.push(&bad);
    assert_eq!(decoder.next_message(), Err(FrameError::PreludeChecksum));
    // A length that lies (4 GiB), or passes the limit, checked at once.
    for (total, max, expected) in [
        (u32::MAX, MAX_MESSAGE_BYTES, FrameError::TooLong { length: u32::MAX as usize, max: MAX_MESSAGE_BYTES }),
        (2_000, 1_000, FrameError::TooLong { length: 2_000, max: 1_000 }),
        (15, MAX_MESSAGE_BYTES, FrameError::BadLength),
        (20, MAX_MESSAGE_BYTES, FrameError::BadLength),
    ] {
        let mut decoder = Decoder::with_max_message_bytes(max);
        decoder.push(&prelude(total, 5));
        assert_eq!(decoder.next_message(), Err(expected), "{total}");
    }
    let mut decoder = Decoder::new();
    decoder.push(&prelude(1 << 20, (MAX_HEADER_BYTES + 1) as u32));
    assert_eq!(decoder.next_message(), Err(FrameError::HeadersTooLong(MAX_HEADER_BYTES + 1)));
}

#[test]
fn bad_headers_and_checksums_are_refused() {
    // A header of type 10, which the format does not have.
    let header = [1, b'x', 10, 0];
    let unknown = with_crc(prelude(16 + header.len() as u32, header.len() as u32), &header);
    let mut decoder = Decoder::new();
    decoder.push(&unknown);
    assert!(matches!(decoder.next_message(), Err(FrameError::Malformed(_))));
    // A wrong message CRC.
    let mut bytes = encode(&every_header_type()).unwrap().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    let mut decoder = Decoder::new();
    decoder.push(&bytes);
    assert!(matches!(decoder.next_message(), Err(FrameError::Malformed(reason)) if reason.contains("checksum")));
    // A stream that ends inside a message.
    let mut decoder = Decoder::new();
    decoder.push(&encode(&every_header_type()).unwrap()[..20]);
    assert_eq!(decoder.next_message(), Ok(None));
    assert_eq!(decoder.finish(), Err(FrameError::Truncated));
}

#[test]
fn a_hundred_megabytes_of_events_take_one_message_of_memory() {
    let event = encode(&event_stream::event("Chunk", Some("application/octet-stream"), vec![7u8; 1024])).unwrap();
    // One event after another, pushed in 64 KiB chunks that split them anywhere.
    let mut stream = event.iter().copied().cycle();
    let mut decoder = Decoder::new();
    let (mut events, mut most) = (0usize, 0usize);
    for _ in 0..(100 << 20) / (64 << 10) {
        let chunk: Vec<u8> = stream.by_ref().take(64 << 10).collect();
        decoder.push(&chunk);
        while let Some(message) = decoder.next_message().unwrap() {
            assert_eq!(message.payload().len(), 1024);
            events += 1;
        }
        most = most.max(decoder.buffer.capacity());
    }
    assert_eq!(events, (100 << 20) / event.len());
    assert!(most < 256 << 10, "the decoder held {most} bytes");
}

/// botocore, an implementation that shares nothing with this one, reads
/// what `encode` writes: every header type, the payload, both CRCs.
#[test]
fn botocore_reads_what_is_written() {
    let bytes = encode(&every_header_type()).unwrap();
    let script = r#"
import sys
from botocore.eventstream import EventStreamBuffer
buffer = EventStreamBuffer()
buffer.add_data(sys.stdin.buffer.read())
for message in buffer:
    headers = message.headers
    print(sorted((k, repr(v)) for k, v in headers.items()))
    print(message.payload)
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs (with botocore, which .ci/run installs)");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &bytes).unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stdout,
        "[('bool', 'True'), ('byte', '-3'), ('bytes', \"b'\\\\x00\\\\xff'\"), ('int', '70000'), ('long', '-5000000000'), \
         ('short', '-300'), ('string', \"'café'\"), ('time', '1700000000123'), ('uuid', \"b'\\\\x01#Eg\\\\x89\\\\xab\\\\xcd\\\\xef\\\\x01#Eg\\\\x89\\\\xab\\\\xcd\\\\xef'\")]\nb'{\"a\":1}'\n"
    );
}

#[test]
fn chunks_are_cut_into_messages_wherever_they_end() {
    let message = encode(&every_header_type()).unwrap();
    let mut stream = Vec::new();
    for _ in 0..5 {
        stream.extend_from_slice(&message);
    }
    let stream = Bytes::from(stream);
    // Every split of the five messages into two chunks, and into chunks of
    // a few bytes, reads the same five.
    for split in [0, 1, 11, 12, message.len() - 1, message.len(), 2 * message.len() + 7, stream.len()] {
        let mut decoder = Decoder::new();
        let mut read = Vec::new();
        for chunk in [stream.slice(..split), stream.slice(split..)] {
            decoder.push_bytes(chunk);
            while let Some(message) = decoder.next_message().unwrap() {
                read.push(message);
            }
        }
        decoder.finish().unwrap();
        assert_eq!(read, vec![every_header_type(); 5], "split at {split}");
    }
    let mut decoder = Decoder::new();
    let mut read = 0;
    for chunk in stream.chunks(7) {
        decoder.push_bytes(Bytes::copy_from_slice(chunk));
        while decoder.next_message().unwrap().is_some() {
            read += 1;
        }
    }
    assert_eq!(read, 5);
    decoder.finish().unwrap();
    // A message cut short is not the end of a stream.
    let mut decoder = Decoder::new();
    decoder.push_bytes(stream.slice(..message.len() + 3));
    assert!(decoder.next_message().unwrap().is_some());
    assert!(decoder.next_message().unwrap().is_none());
    assert_eq!(decoder.finish(), Err(FrameError::Truncated));
}
