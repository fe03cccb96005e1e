//! The signatures of an event stream's messages (a request signed with
//! `x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-EVENTS`, as AWS's
//! streaming-input clients send): each message is wrapped in one whose
//! headers are its `:date` and its `:chunk-signature`, and whose payload is
//! the message itself. Each signature is chained from the one before it,
//! the first from the request's own, so that no message can be changed,
//! dropped, reordered or added; an empty payload ends the stream.
//!
//! The string each signature signs (AWS's event-stream signing):
//! `AWS4-HMAC-SHA256-PAYLOAD`, the message's time (`YYYYMMDDTHHMMSSZ`), the
//! scope on that day, the previous signature, the SHA-256 of the encoded
//! `:date` header and the SHA-256 of the payload, one a line; the key is
//! the scope's signing key.

use aws_smithy_eventstream::frame::{read_message_from, write_headers_to};
use sha2::{Digest, Sha256};

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use super::{hex, signature_matches, signing_key};
use crate::ByteStream;
use crate::event_stream::frame::encode;
use crate::event_stream::{CONTENT_TYPE, EventStreamError, Header, HeaderValue, Message, Verifier};
use crate::http::BoxError;
use crate::protocol::{AnyProtocol, Response};

pub use crate::event_stream::{CHUNK_SIGNATURE, DATE};

/// Checks the chain of signatures of one stream's messages.
#[derive(Clone)]
pub struct EventSignatures {
    secret: String,
    region: String,
    service: String,
    /// The previous signature, in hex: the request's, at first.
    previous: String,
    ended: bool,
}

impl std::fmt::Debug for EventSignatures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of logs.
        f.debug_struct("EventSignatures").field("region", &self.region).field("service", &self.service).finish()
    }
}

/// Why a message's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSignatureError {
    /// The message has no `:date` or `:chunk-signature` header of the
    /// right type.
    Unsigned,
    /// The signature is not the one the chain, the time and the payload
    /// give: the message was changed, reordered, or signed with other keys.
    Mismatch,
    /// The signed payload is not an event-stream message.
    Malformed(String),
    /// A message came after the empty one that ends the stream.
    AfterEnd,
}

impl std::fmt::Display for EventSignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EventSignatureError::Unsigned => "the event is not signed: it lacks :date or :chunk-signature",
            EventSignatureError::Mismatch => {
                "the event's signature does not match: it was changed, reordered or signed with other credentials"
            }
            EventSignatureError::Malformed(_) => "the signed event is not an event-stream message",
            EventSignatureError::AfterEnd => "an event came after the stream's end",
        })
    }
}

impl std::error::Error for EventSignatureError {}

impl EventSignatures {
    /// The chain of a request signed with `secret` for `region` and
    /// `service`, whose own signature (hex) was `seed`.
    pub fn new(secret: &str, region: &str, service: &str, seed: &str) -> Self {
        EventSignatures {
            secret: secret.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            previous: seed.to_ascii_lowercase(),
            ended: false,
        }
    }

    /// Checks `signed`'s signature and returns the message it carries, or
    /// `None` for the empty message that ends the stream.
    pub fn verify(&mut self, signed: &Message) -> Result<Option<Message>, EventSignatureError> {
        if self.ended {
            return Err(EventSignatureError::AfterEnd);
        }
        let header = |name| crate::event_stream::header(signed, name);
        let (Some(HeaderValue::Timestamp(time)), Some(HeaderValue::ByteArray(signature))) =
            (header(DATE), header(CHUNK_SIGNATURE))
        else {
            return Err(EventSignatureError::Unsigned);
        };
        let seconds = time.secs();
        let stamp = crate::Timestamp::from_epoch_seconds(seconds).ok_or(EventSignatureError::Unsigned)?.to_string();
        // `2024-01-02T03:04:05` as `20240102T030405Z`.
        let date_time: String = stamp.chars().filter(|c| !matches!(c, '-' | ':')).take(15).chain(['Z']).collect();
        let day = &date_time[..8];
        let mut date_header = Vec::new();
        write_headers_to(&[Header::new(DATE, HeaderValue::Timestamp(*time))], &mut date_header)
            .map_err(|e| EventSignatureError::Malformed(e.to_string()))?;
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{date_time}\n{day}/{}/{}/aws4_request\n{}\n{}\n{}",
            self.region,
            self.service,
            self.previous,
            hex(&Sha256::digest(&date_header)),
            hex(&Sha256::digest(signed.payload())),
        );
        let key = signing_key(&self.secret, day, &self.region, &self.service);
        if !signature_matches(&key, string_to_sign.as_bytes(), signature) {
            return Err(EventSignatureError::Mismatch);
        }
        self.previous = hex(signature);
        if signed.payload().is_empty() {
            self.ended = true;
            return Ok(None);
        }
        read_message_from(signed.payload().clone()).map(Some).map_err(|e| EventSignatureError::Malformed(e.to_string()))
    }
}

/// What the first bad signature of a request's input stream does to the
/// response: a response made after it is the refusal AWS sends
/// (`InvalidSignatureException`), and an output stream being sent ends
/// with that error as its last message, whatever the handler does with the
/// [`EventStreamError::Signature`](crate::event_stream::EventStreamError)
/// it reads. Shared by the stream's verifier, which trips it, and the
/// router, which guards the response with it.
#[derive(Clone, Default)]
pub struct SignatureGuard(Arc<Mutex<Tripped>>);

#[derive(Default)]
struct Tripped {
    /// Why the stream's signatures failed, once they have.
    why: Option<String>,
    /// The response body waiting on the handler's next event.
    waker: Option<Waker>,
}

impl std::fmt::Debug for SignatureGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureGuard").field("tripped", &self.why().is_some()).finish()
    }
}

impl SignatureGuard {
    /// `verifier`, reporting its first failure here.
    pub fn watch(&self, mut verifier: Verifier) -> Verifier {
        let guard = self.clone();
        Box::new(move |message| {
            let verified = verifier(message);
            if let Err(EventStreamError::Signature(why)) = &verified {
                guard.trip(why);
            }
            verified
        })
    }

    fn trip(&self, why: &str) {
        let mut tripped = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if tripped.why.is_none() {
            tripped.why = Some(why.to_string());
            if let Some(waker) = tripped.waker.take() {
                waker.wake();
            }
        }
    }

    /// Why the stream's signatures failed, if they have.
    pub fn why(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).why.clone()
    }

    /// `response` as the stream's signatures allow, in `protocol`'s form:
    /// the refusal if they have failed, unless it is an event stream,
    /// which instead ends with the error if they fail while it is sent.
    pub fn guard(self, response: Response, protocol: impl Into<AnyProtocol>) -> Response {
        let protocol = protocol.into();
        let streamed = response.headers.get(http::header::CONTENT_TYPE).is_some_and(|v| v == CONTENT_TYPE);
        if streamed {
            let mut response = response;
            let body = std::mem::take(&mut response.body);
            response.body = ByteStream::from_body(Guarded { body, guard: Some(self) });
            return response;
        }
        match self.why() {
            Some(why) => super::Refusal::Invalid(why).response(protocol),
            None => response,
        }
    }
}

/// An output stream's body that ends with the error once a guard trips.
struct Guarded {
    body: ByteStream,
    /// `None` once the error is sent.
    guard: Option<SignatureGuard>,
}

impl http_body::Body for Guarded {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, BoxError>>> {
        let Some(guard) = self.guard.as_ref() else { return Poll::Ready(None) };
        {
            let mut tripped = guard.0.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(why) = tripped.why.take() {
                drop(tripped);
                self.guard = None;
                let message = crate::event_stream::error(super::Refusal::Invalid(String::new()).type_name(), &why);
                return Poll::Ready(Some(encode(&message).map(http_body::Frame::data).map_err(BoxError::from)));
            }
            tripped.waker = Some(cx.waker().clone());
        }
        // The body's messages are whole frames: the error never cuts one.
        let next = Pin::new(&mut self.body).poll_frame(cx);
        if matches!(next, Poll::Ready(None)) {
            self.guard = None;
        }
        next
    }

    fn is_end_stream(&self) -> bool {
        self.guard.is_none()
    }
}

#[cfg(test)]
mod tests;
