//! [`ByteStream`]: the value of a `@streaming` blob, a message body that is
//! never buffered whole unless its holder asks.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};

use crate::http::BoxError;

/// A `@streaming` blob: the bytes of a request or response body as they
/// arrive. A handler reads a request's with [`ByteStream::into_bytes`] (or as
/// an `http_body::Body`, frame by frame) and answers with one made from
/// bytes ([`ByteStream::from`]) or from any body ([`ByteStream::from_body`]),
/// which the server sends as it is produced.
///
/// It is also the body of every response: bytes already in memory are held
/// as they are (no box, and [`ByteStream::as_bytes`] shows them), a stream
/// behind a box.
///
/// A stream can be read once, so it is neither `Clone` nor compared; the
/// structures that hold one are neither either.
pub struct ByteStream {
    inner: Inner,
}

enum Inner {
    /// Bytes in memory, until they are sent.
    Whole(Option<Bytes>),
    Stream(UnsyncBoxBody<Bytes, BoxError>),
}

impl ByteStream {
    /// A stream of `body`'s data frames.
    pub fn from_body<B>(body: B) -> Self
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        ByteStream { inner: Inner::Stream(body.map_err(Into::into).boxed_unsync()) }
    }

    /// No bytes.
    pub fn empty() -> Self {
        ByteStream::from(Bytes::new())
    }

    /// Reads the whole stream into memory.
    pub async fn into_bytes(self) -> Result<Bytes, BoxError> {
        match self.inner {
            Inner::Whole(bytes) => Ok(bytes.unwrap_or_default()),
            Inner::Stream(body) => Ok(body.collect().await?.to_bytes()),
        }
    }

    /// Reads the whole stream into memory, with its trailers: the fields
    /// sent after the data, as an aws-chunked upload sends its checksum
    /// (`x-amz-checksum-crc32`), checked by the runtime before the stream
    /// ends.
    pub async fn into_bytes_and_trailers(self) -> Result<(Bytes, Option<http::HeaderMap>), BoxError> {
        match self.inner {
            Inner::Whole(bytes) => Ok((bytes.unwrap_or_default(), None)),
            Inner::Stream(body) => {
                let collected = body.collect().await?;
                let trailers = collected.trailers().cloned();
                Ok((collected.to_bytes(), trailers))
            }
        }
    }

    /// The stream as a boxed `http_body::Body`.
    pub fn into_body(self) -> UnsyncBoxBody<Bytes, BoxError> {
        match self.inner {
            Inner::Whole(bytes) => Full::new(bytes.unwrap_or_default()).map_err(|never| match never {}).boxed_unsync(),
            Inner::Stream(body) => body,
        }
    }

    /// The bytes, when they are in memory (made from bytes, not read yet).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Whole(bytes) => Some(bytes.as_deref().unwrap_or_default()),
            Inner::Stream(_) => None,
        }
    }

    /// The stream's length, if it is known before it is read.
    pub fn exact_len(&self) -> Option<u64> {
        self.size_hint().exact()
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::empty()
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        ByteStream { inner: Inner::Whole(Some(bytes)) }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        ByteStream::from(Bytes::from_static(bytes))
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        ByteStream::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        ByteStream::from(Bytes::from(text))
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("ByteStream");
        match self.exact_len() {
            Some(len) => out.field("len", &len).finish(),
            None => out.finish_non_exhaustive(),
        }
    }
}

impl Body for ByteStream {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.inner {
            // The bytes are one frame; an empty body has none.
            Inner::Whole(bytes) => Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(|b| Ok(Frame::data(b)))),
            Inner::Stream(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Whole(bytes) => bytes.as_ref().is_none_or(Bytes::is_empty),
            Inner::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Stream(body) => body.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_come_back_whole_and_their_length_is_known() {
        let stream = ByteStream::from(b"hello".to_vec());
        assert_eq!(stream.exact_len(), Some(5));
        assert_eq!(format!("{stream:?}"), "ByteStream { len: 5 }");
        assert_eq!(stream.into_bytes().await.unwrap(), Bytes::from_static(b"hello"));
        assert_eq!(ByteStream::default().into_bytes().await.unwrap(), Bytes::new());
        assert_eq!(ByteStream::from("hi").as_bytes(), Some(&b"hi"[..]));
        // Read as a body, the bytes are one frame, and then it ends.
        let mut stream = ByteStream::from("hi");
        assert_eq!(stream.exact_len(), Some(2));
        let frame = stream.frame().await.unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), Bytes::from_static(b"hi"));
        assert!(stream.is_end_stream() && stream.frame().await.is_none());
        assert!(ByteStream::empty().is_end_stream());
    }
}
