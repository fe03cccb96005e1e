//! What S3's clients do to bodies, undone and checked for every operation
//! with HTTP bindings: aws-chunked framing ([`crate::http::aws_chunked`]),
//! request checksums ([`crate::http::checksum`]) and, in responses, the
//! checksum a client asks for, the status of a ranged answer and the
//! length a `HEAD` answer declares.
//!
//! A request's checksums are checked where its operation binds their
//! headers to input members (S3's `ChecksumCRC32`, `ContentMD5`): a body
//! read whole is checked before the operation is called, a streamed one as
//! it is read, and then a mismatch ends the stream in an error and the
//! refusal (`BadDigest`) replaces whatever the operation answered, so a
//! handler that stores only what it read whole stores nothing. An
//! aws-chunked payload stream is decoded as it is read, its trailers'
//! checksums checked at its end, a framing error answered the same way
//! (`IncompleteBody`).

use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;

use super::{Location, Operation};
use crate::ByteStream;
use crate::http::BoxError;
use crate::http::aws_chunked::{self, Decoded};
use crate::http::checksum::{self, Algorithm, ChecksumError, Expected, Verifier};
use crate::protocol::{Protocol, Response};

/// Whether `operation` binds the header `name` to an input member.
fn binds(operation: &Operation, name: &str) -> bool {
    operation
        .input
        .bound
        .iter()
        .any(|bound| matches!(bound.location, Location::Header(header) if header.eq_ignore_ascii_case(name)))
}

/// The checksums of `operation`'s requests: those whose headers it binds.
pub(super) fn expected(operation: &Operation, headers: &http::HeaderMap) -> Result<Expected, ChecksumError> {
    Expected::from_headers(headers, |algorithm| binds(operation, algorithm.header()))
}

/// An aws-chunked body, decoded, its head made the decoded body's.
pub(super) fn unchunk(parts: &mut http::request::Parts, body: &[u8]) -> Result<Decoded, aws_chunked::ChunkError> {
    let decoded = aws_chunked::decode(body, aws_chunked::decoded_length(&parts.headers))?;
    aws_chunked::unchunk_head(&mut parts.headers, &decoded);
    Ok(decoded)
}

/// What is wrong with a streamed body, found as it is read, for the router
/// to answer.
#[derive(Clone, Debug)]
pub(super) enum StreamError {
    Checksum(ChecksumError),
    Chunk(aws_chunked::ChunkError),
}

impl StreamError {
    pub(super) fn response<P: Protocol>(&self, protocol: P) -> Response {
        match self {
            StreamError::Checksum(error) => error.response(protocol),
            StreamError::Chunk(error) => error.response(protocol),
        }
    }
}

/// Where a streamed body's reader leaves what it found wrong.
pub(super) type Mismatch = Arc<OnceLock<StreamError>>;

/// `stream`, checked against `expected` as it is read.
pub(super) fn verified(stream: ByteStream, expected: Expected) -> (ByteStream, Mismatch) {
    let mismatch = Mismatch::default();
    let body = VerifiedBody {
        inner: stream.into_body(),
        verifier: Some(expected.verifier()),
        expected,
        mismatch: mismatch.clone(),
    };
    (ByteStream::from_body(body), mismatch)
}

struct VerifiedBody {
    inner: UnsyncBoxBody<Bytes, BoxError>,
    verifier: Option<Verifier>,
    expected: Expected,
    mismatch: Mismatch,
}

impl Body for VerifiedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(data), Some(verifier)) = (frame.data_ref(), this.verifier.as_mut()) {
                    verifier.update(data);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => match this.verifier.take().map(|verifier| verifier.finish(&this.expected)) {
                Some(Err(error)) => {
                    let _ = this.mismatch.set(StreamError::Checksum(error));
                    Poll::Ready(Some(Err("the body does not match its checksum".into())))
                }
                _ => Poll::Ready(None),
            },
            other => other,
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// An aws-chunked stream (`body`, undecoded), decoded as the handler reads
/// it and checked against `expected` (the head's checksums) and the
/// checksums its trailers bring, of the algorithms `announced` in
/// `x-amz-trailer` (and bound by the operation): the head is made the
/// decoded body's (`aws-chunked` gone, `x-amz-decoded-content-length` as
/// `Content-Length`).
pub(super) fn chunked_stream(
    parts: &mut http::request::Parts,
    body: UnsyncBoxBody<Bytes, BoxError>,
    operation: &Operation,
) -> Result<(ByteStream, Mismatch), StreamError> {
    let decoded_length = aws_chunked::decoded_length(&parts.headers);
    aws_chunked::unchunk_encoding(&mut parts.headers);
    match decoded_length {
        Some(length) => {
            parts.headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(length));
        }
        None => {
            parts.headers.remove(http::header::CONTENT_LENGTH);
        }
    }
    let expected = expected(operation, &parts.headers).map_err(StreamError::Checksum)?;
    let announced: Vec<Algorithm> = parts
        .headers
        .get_all("x-amz-trailer")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| Algorithm::of_header(name.trim()))
        .filter(|algorithm| binds(operation, algorithm.header()))
        .collect();
    let mismatch = Mismatch::default();
    let body = ChunkedBody {
        inner: body,
        buffer: BytesMut::new(),
        decoder: aws_chunked::StreamDecoder::new(decoded_length),
        verifier: Some(expected.verifier_with(&announced)),
        expected,
        ended: false,
        concluded: false,
        mismatch: mismatch.clone(),
    };
    Ok((ByteStream::from_body(body), mismatch))
}

struct ChunkedBody {
    inner: UnsyncBoxBody<Bytes, BoxError>,
    /// What has come and is not decoded yet.
    buffer: BytesMut,
    decoder: aws_chunked::StreamDecoder,
    verifier: Option<Verifier>,
    expected: Expected,
    /// The undecoded body has ended.
    ended: bool,
    /// Its end has been checked, and its trailers handed on.
    concluded: bool,
    mismatch: Mismatch,
}

impl ChunkedBody {
    /// Records `error` for the router and ends the stream in an error.
    fn fail(&mut self, error: StreamError) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let _ = self.mismatch.set(error);
        self.verifier = None;
        Poll::Ready(Some(Err("the aws-chunked body is not as it says".into())))
    }

    /// At the end: the body whole, and its checksums, its trailers' too.
    fn conclude(&mut self) -> Result<(), StreamError> {
        self.decoder.finish(&self.buffer).map_err(StreamError::Chunk)?;
        let checked: Vec<(Algorithm, String)> = self
            .decoder
            .trailers()
            .iter()
            .filter_map(|(name, value)| Some((Algorithm::of_header(name)?, value.clone())))
            .collect();
        for (algorithm, value) in checked {
            self.expected.add(algorithm, value.as_bytes()).map_err(StreamError::Checksum)?;
        }
        match self.verifier.take() {
            Some(verifier) => verifier.finish(&self.expected).map_err(StreamError::Checksum),
            None => Ok(()),
        }
    }
}

impl ChunkedBody {
    /// The body's trailers (its checksums), checked, as the stream's last
    /// frame: how a handler learns a checksum sent after the data
    /// ([`ByteStream::into_bytes_and_trailers`]).
    fn trailers(&self) -> Option<http::HeaderMap> {
        let mut trailers = http::HeaderMap::new();
        for (name, value) in self.decoder.trailers() {
            let (Ok(name), Ok(value)) = (http::HeaderName::try_from(name.as_str()), http::HeaderValue::try_from(value))
            else {
                continue;
            };
            trailers.append(name, value);
        }
        (!trailers.is_empty()).then_some(trailers)
    }
}

impl Body for ChunkedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        loop {
            if this.mismatch.get().is_some() {
                return Poll::Ready(None);
            }
            match this.decoder.next(&mut this.buffer) {
                Err(error) => return this.fail(StreamError::Chunk(error)),
                Ok(Some(data)) => {
                    if let Some(verifier) = this.verifier.as_mut() {
                        verifier.update(&data);
                    }
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Ok(None) => {}
            }
            if this.ended {
                if this.concluded {
                    return Poll::Ready(None);
                }
                this.concluded = true;
                return match this.conclude() {
                    Ok(()) => match this.trailers() {
                        Some(trailers) => Poll::Ready(Some(Ok(Frame::trailers(trailers)))),
                        None => Poll::Ready(None),
                    },
                    Err(error) => this.fail(error),
                };
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        this.buffer.extend_from_slice(data);
                    }
                }
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => this.ended = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// What a response must say given its request: `206` for a `200` that
/// answers a `Range` with a `Content-Range`; the object's checksum where
/// the client asked for it (`x-amz-checksum-mode: ENABLED`, bound by the
/// operation) and the handler gave none (CRC32, over a whole body in
/// memory); and, for `HEAD`, the `Content-Length` the handler declared
/// rather than the empty body's.
pub(super) struct ResponseRules {
    ranged: bool,
    checksum: bool,
    head: bool,
}

impl ResponseRules {
    pub(super) fn of(parts: &http::request::Parts, operation: &Operation) -> Self {
        let checksum = binds(operation, "x-amz-checksum-mode")
            && parts
                .headers
                .get("x-amz-checksum-mode")
                .is_some_and(|mode| mode.as_bytes().eq_ignore_ascii_case(b"enabled"));
        ResponseRules {
            ranged: parts.headers.contains_key(http::header::RANGE),
            checksum,
            head: parts.method == http::Method::HEAD,
        }
    }

    /// `response` as HTTP in `protocol`'s form, these rules applied.
    pub(super) fn apply<P: Protocol>(&self, mut response: Response, protocol: P) -> crate::http::HttpResponse {
        let content_range = response.headers.contains_key(http::header::CONTENT_RANGE);
        if self.ranged && content_range && response.status == 200 {
            response.status = 206;
        }
        if self.checksum && response.status == 200 {
            let given = Algorithm::ALL.iter().any(|algorithm| response.headers.contains_key(algorithm.header()));
            if let (false, Some(body)) = (given, response.body.as_bytes()) {
                let value = checksum::header_value(Algorithm::Crc32, body);
                if let Ok(value) = http::HeaderValue::try_from(value) {
                    response.headers.insert(Algorithm::Crc32.header(), value);
                }
            }
        }
        let declared = self.head.then(|| response.headers.get(http::header::CONTENT_LENGTH).cloned()).flatten();
        let mut http = response.into_http(protocol);
        if let Some(length) = declared {
            http.headers_mut().insert(http::header::CONTENT_LENGTH, length);
        }
        http
    }
}
