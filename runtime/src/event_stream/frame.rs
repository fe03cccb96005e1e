//! Event-stream messages as bytes, read as they arrive and bounded.
//!
//! A message is a 12-byte prelude (its total length, its headers' length
//! and a CRC-32 of the two), the headers, the payload and a CRC-32 of
//! everything before it. [`Decoder`] checks each prelude as soon as its
//! 12 bytes are there, so a length that lies or exceeds the limit is
//! refused before the rest is waited for, then reads the message with
//! `aws-smithy-eventstream` (which checks the headers, their types and the
//! message's CRC). `aws-smithy-eventstream`'s own streaming decoder trusts
//! an unchecked prelude's length until the whole message has arrived,
//! which would let a client make a server buffer up to 4 GiB.

use std::fmt;

use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
use bytes::{Buf, Bytes, BytesMut};

use super::Message;

/// The largest message AWS's services send or accept: 16 MiB, prelude and
/// CRCs included.
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;
/// The most header bytes a message may carry: 128 KiB.
pub const MAX_HEADER_BYTES: usize = 128 << 10;

/// Total length, headers' length, prelude CRC.
const PRELUDE_BYTES: usize = 12;
/// A message with no headers and no payload: the prelude and the CRC.
const EMPTY_MESSAGE_BYTES: usize = PRELUDE_BYTES + 4;

/// Why bytes are not an event-stream message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The prelude's CRC is not that of its lengths.
    PreludeChecksum,
    /// The prelude gives a total length shorter than a message can be, or
    /// headers longer than the message.
    BadLength,
    /// The message is longer than the decoder's limit.
    TooLong {
        /// The length the prelude gives.
        length: usize,
        /// The decoder's limit.
        max: usize,
    },
    /// The headers are longer than [`MAX_HEADER_BYTES`].
    HeadersTooLong(usize),
    /// The stream ended inside a message.
    Truncated,
    /// The headers or the message's CRC are wrong (`aws-smithy-eventstream`'s
    /// reason: an unknown header type, a header that overruns, a CRC that
    /// does not match).
    Malformed(String),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::PreludeChecksum => f.write_str("the event-stream message's prelude checksum is wrong"),
            FrameError::BadLength => f.write_str("the event-stream message's prelude gives impossible lengths"),
            FrameError::TooLong { length, max } => {
                write!(f, "the event-stream message is {length} bytes; at most {max} are accepted")
            }
            FrameError::HeadersTooLong(length) => {
                write!(
                    f,
                    "the event-stream message's headers are {length} bytes; at most {MAX_HEADER_BYTES} are accepted"
                )
            }
            FrameError::Truncated => f.write_str("the event stream ended inside a message"),
            FrameError::Malformed(reason) => write!(f, "the event-stream message is malformed: {reason}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// Reads messages from bytes as they arrive: [`Decoder::push`] what came,
/// then [`Decoder::next_message`] until it returns `None`. What it holds is
/// at most one message (within the limit) and the bytes pushed since.
#[derive(Debug)]
pub struct Decoder {
    /// Chunk bytes not read yet, while no message is half read: the
    /// messages they hold are cut from them without a copy.
    whole: Bytes,
    buffer: BytesMut,
    max_message_bytes: usize,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder of messages up to [`MAX_MESSAGE_BYTES`].
    pub fn new() -> Self {
        Decoder::with_max_message_bytes(MAX_MESSAGE_BYTES)
    }

    /// A decoder of messages up to `max` bytes (a service's own, smaller
    /// limit).
    pub fn with_max_message_bytes(max: usize) -> Self {
        Decoder { whole: Bytes::new(), buffer: BytesMut::new(), max_message_bytes: max.max(EMPTY_MESSAGE_BYTES) }
    }

    /// Adds bytes that arrived.
    pub fn push(&mut self, bytes: &[u8]) {
        self.take_whole();
        self.buffer.extend_from_slice(bytes);
    }

    /// Adds bytes that arrived, as a body's chunk brings them: while no
    /// message is half read, the messages are cut from them without a copy.
    pub fn push_bytes(&mut self, bytes: Bytes) {
        if self.buffer.is_empty() && self.whole.is_empty() {
            self.whole = bytes;
        } else {
            self.push(&bytes);
        }
    }

    /// Moves what is left of chunk bytes into the buffer, before bytes
    /// that follow them.
    fn take_whole(&mut self) {
        if !self.whole.is_empty() {
            let whole = std::mem::take(&mut self.whole);
            self.buffer.extend_from_slice(&whole);
        }
    }

    /// The next whole message, `None` if more bytes are needed, or why the
    /// bytes are not a message (after which the stream cannot go on: the
    /// next message's start is unknown).
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        if !self.whole.is_empty() {
            let length = checked_prelude(&self.whole, self.max_message_bytes);
            match length {
                Some(Ok(length)) if length <= self.whole.len() => {
                    let bytes = self.whole.split_to(length);
                    return read_message_from(bytes).map(Some).map_err(|e| FrameError::Malformed(e.to_string()));
                }
                Some(Err(e)) => return Err(e),
                // Half a message: the rest will come after these bytes.
                _ => self.take_whole(),
            }
        }
        if self.buffer.len() < PRELUDE_BYTES {
            return Ok(None);
        }
        let length = self.checked_prelude()?;
        if self.buffer.len() < length {
            // Room for the rest, so that pushes do not reallocate.
            self.buffer.reserve(length - self.buffer.len());
            return Ok(None);
        }
        let bytes = self.buffer.split_to(length).freeze();
        read_message_from(bytes).map(Some).map_err(|e| FrameError::Malformed(e.to_string()))
    }

    /// Whether the stream may end here: no message is half read.
    pub fn finish(&self) -> Result<(), FrameError> {
        if self.buffer.is_empty() && self.whole.is_empty() { Ok(()) } else { Err(FrameError::Truncated) }
    }

    /// The total length of the message whose prelude starts the buffer,
    /// once its CRC and lengths are checked.
    fn checked_prelude(&self) -> Result<usize, FrameError> {
        checked_prelude(&self.buffer, self.max_message_bytes).unwrap_or(Err(FrameError::Truncated))
    }
}

/// `message` as bytes; an error if a header or the message is too long.
pub fn encode(message: &Message) -> Result<Bytes, FrameError> {
    let mut out = BytesMut::new();
    write_message_to(message, &mut out).map_err(|e| FrameError::Malformed(e.to_string()))?;
    if out.len() > MAX_MESSAGE_BYTES {
        return Err(FrameError::TooLong { length: out.len(), max: MAX_MESSAGE_BYTES });
    }
    Ok(out.freeze())
}

/// The total length of the message whose prelude starts `bytes`, once its
/// CRC and lengths are checked against a limit of `max` bytes; `None` if
/// the prelude has not all arrived.
fn checked_prelude(bytes: &[u8], max: usize) -> Option<Result<usize, FrameError>> {
    let mut prelude = bytes.get(..PRELUDE_BYTES)?;
    let total = prelude.get_u32() as usize;
    let headers = prelude.get_u32() as usize;
    Some(if prelude.get_u32() != crc32fast::hash(&bytes[..8]) {
        Err(FrameError::PreludeChecksum)
    } else if total < EMPTY_MESSAGE_BYTES || headers > total - EMPTY_MESSAGE_BYTES {
        Err(FrameError::BadLength)
    } else if total > max {
        Err(FrameError::TooLong { length: total, max })
    } else if headers > MAX_HEADER_BYTES {
        Err(FrameError::HeadersTooLong(headers))
    } else {
        Ok(total)
    })
}

/// The one message `bytes` holds (a signed message's payload): checked as
/// the decoder checks what it reads.
pub fn decode_one(bytes: Bytes) -> Result<Message, FrameError> {
    let mut decoder = Decoder::new();
    decoder.push_bytes(bytes);
    let message = decoder.next_message()?.ok_or(FrameError::Truncated)?;
    if decoder.next_message()?.is_some() {
        return Err(FrameError::Malformed("a signed message holds more than one message".to_string()));
    }
    decoder.finish()?;
    Ok(message)
}

#[cfg(test)]
mod tests;
