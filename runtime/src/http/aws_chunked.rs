//! `Content-Encoding: aws-chunked`: the framing S3's clients stream bodies
//! in, each chunk `<hex size>[;chunk-signature=<hex>]\r\n<data>\r\n`, a
//! last chunk of size 0, then (in the `-TRAILER` variants) trailers such
//! as `x-amz-checksum-crc32:<base64>` and an empty line.
//!
//! [`decode`] reads a whole body: its data, each chunk's signature (which
//! the SigV4 layer checks, chained from the request's own, where it knows
//! the key) and its trailers. A [`StreamDecoder`] decodes one as it arrives,
//! for a streamed payload (a handler reads an S3 object as it is sent). Every size is checked against what follows
//! it and against `x-amz-decoded-content-length`; no line may be longer
//! than [`MAX_LINE`], nor the trailers more than [`MAX_TRAILERS`].

use bytes::{Buf, Bytes, BytesMut};
use http::HeaderMap;
use http::header::CONTENT_ENCODING;

/// The longest chunk header or trailer line.
pub const MAX_LINE: usize = 4096;

/// The most trailers a body may end with.
pub const MAX_TRAILERS: usize = 16;

/// A body, decoded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    /// The payload: every chunk's data, in order, without the framing.
    pub data: Vec<u8>,
    /// How many chunks it came in, the last (empty) one included.
    pub chunks: usize,
    /// Each chunk's signature and the range of `data` it covers, the last
    /// (empty) chunk's included; empty for unsigned chunks.
    pub signatures: Vec<(String, std::ops::Range<usize>)>,
    /// The trailers, names lowercase, in order.
    pub trailers: Vec<(String, String)>,
    /// `x-amz-trailer-signature`, where the trailers are signed.
    pub trailer_signature: Option<String>,
}

/// Why a body is not aws-chunked as it says, in S3's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkError(pub &'static str);

impl ChunkError {
    /// The refusal, in `protocol`'s form: `IncompleteBody` (400).
    pub fn response<P: crate::protocol::Protocol>(&self, protocol: P) -> crate::protocol::Response {
        protocol.error(400, "IncompleteBody", self.0)
    }
}

/// Whether a request's body is aws-chunked: its `Content-Encoding` lists
/// `aws-chunked`, or its `x-amz-content-sha256` names a streaming payload.
pub fn is_chunked(headers: &HeaderMap) -> bool {
    let encoded = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| coding.trim().eq_ignore_ascii_case("aws-chunked"));
    // A signed event stream's payload is named alike, but is no chunking.
    let streaming = |value: &[u8]| value.starts_with(b"STREAMING-") && value != b"STREAMING-AWS4-HMAC-SHA256-EVENTS";
    encoded || headers.get("x-amz-content-sha256").is_some_and(|value| streaming(value.as_bytes()))
}

/// A request's `x-amz-decoded-content-length`: the length of its body
/// once decoded, if it says.
pub fn decoded_length(headers: &HeaderMap) -> Option<u64> {
    headers.get("x-amz-decoded-content-length")?.to_str().ok()?.trim().parse().ok()
}

/// The request's head as the decoded body's: `aws-chunked` gone from
/// `Content-Encoding` (the header gone if nothing is left), the decoded
/// length as `Content-Length`, and the trailers added as headers (so the
/// checksums they carry are checked as a header's would be).
pub fn unchunk_head(headers: &mut HeaderMap, decoded: &Decoded) {
    unchunk_encoding(headers);
    headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(decoded.data.len()));
    for (name, value) in &decoded.trailers {
        if let (Ok(name), Ok(value)) = (http::HeaderName::try_from(name.as_str()), http::HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
}

/// `aws-chunked` gone from `Content-Encoding` (the header gone if nothing
/// is left), and `Transfer-Encoding` with it: what a head says of its
/// body once the framing is undone.
pub fn unchunk_encoding(headers: &mut HeaderMap) {
    let rest: Vec<String> = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("aws-chunked"))
        .map(str::to_string)
        .collect();
    headers.remove(CONTENT_ENCODING);
    if let Ok(value) = http::HeaderValue::try_from(rest.join(", ")) {
        if !rest.is_empty() {
            headers.insert(CONTENT_ENCODING, value);
        }
    }
    headers.remove(http::header::TRANSFER_ENCODING);
}

/// Decodes an aws-chunked `body`; `decoded_length` is the request's
/// `x-amz-decoded-content-length`, if it sent one.
pub fn decode(body: &[u8], decoded_length: Option<u64>) -> Result<Decoded, ChunkError> {
    let mut decoded = Decoded::default();
    let mut rest = body;
    loop {
        let line = take_line(&mut rest)?.ok_or(ChunkError("The request body terminated unexpectedly"))?;
        let size = chunk_size(line)?;
        let extensions = line.split_once(';').map_or("", |(_, extensions)| extensions);
        if size > rest.len() {
            return Err(ChunkError("A chunk is shorter than its size says"));
        }
        let start = decoded.data.len();
        decoded.chunks += 1;
        decoded.data.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        let signature = extensions.split(';').find_map(|extension| extension.trim().strip_prefix("chunk-signature="));
        if let Some(signature) = signature {
            decoded.signatures.push((signature.to_string(), start..decoded.data.len()));
        }
        if size == 0 {
            break;
        }
        if !rest.starts_with(b"\r\n") {
            return Err(ChunkError("A chunk's data does not end where its size says"));
        }
        rest = &rest[2..];
    }
    // Trailers, then an empty line (which a body without trailers may
    // leave out at its very end).
    while let Some(line) = take_line(&mut rest)? {
        if line.is_empty() {
            break;
        }
        if decoded.trailers.len() == MAX_TRAILERS {
            return Err(ChunkError("The request body has too many trailers"));
        }
        let (name, value) = line.split_once(':').ok_or(ChunkError("A trailer is not a name and a value"))?;
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "x-amz-trailer-signature" => decoded.trailer_signature = Some(value.trim().to_string()),
            _ => decoded.trailers.push((name, value.trim().to_string())),
        }
    }
    if !rest.is_empty() {
        return Err(ChunkError("The request body has data after its last chunk"));
    }
    if decoded_length.is_some_and(|length| length != decoded.data.len() as u64) {
        return Err(ChunkError("The request body's chunks do not add up to its x-amz-decoded-content-length"));
    }
    Ok(decoded)
}

/// Where a [`StreamDecoder`] is in the framing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// A chunk's size line.
    Size,
    /// This many bytes of a chunk's data.
    Data(usize),
    /// The `\r\n` after a chunk's data.
    DataEnd,
    /// Trailer lines, until an empty one.
    Trailers,
    Done,
}

/// An aws-chunked body decoded as its bytes arrive: [`StreamDecoder::next`]
/// takes what it can from a buffer of what has come, [`StreamDecoder::finish`]
/// says, at the end, whether the body was whole. The same checks as
/// [`decode`]'s; chunk signatures are not kept (the SigV4 layer, which
/// checks them, reads bodies whole).
#[derive(Debug)]
pub struct StreamDecoder {
    state: State,
    decoded: u64,
    decoded_length: Option<u64>,
    trailers: Vec<(String, String)>,
}

impl StreamDecoder {
    /// A decoder for a body whose `x-amz-decoded-content-length` is
    /// `decoded_length`, if it sent one.
    pub fn new(decoded_length: Option<u64>) -> Self {
        StreamDecoder { state: State::Size, decoded: 0, decoded_length, trailers: Vec::new() }
    }

    /// The next run of decoded data in `buffer` (taken from it); `None`
    /// when more input is needed, or none is to come.
    pub fn next(&mut self, buffer: &mut BytesMut) -> Result<Option<Bytes>, ChunkError> {
        loop {
            match self.state {
                State::Size => {
                    let Some(line) = take_buffered_line(buffer)? else { return Ok(None) };
                    let size = chunk_size(&line)?;
                    self.state = if size == 0 { State::Trailers } else { State::Data(size) };
                }
                State::Data(remaining) => {
                    if buffer.is_empty() {
                        return Ok(None);
                    }
                    let taken = remaining.min(buffer.len());
                    self.decoded += taken as u64;
                    if self.decoded_length.is_some_and(|length| self.decoded > length) {
                        return Err(ChunkError(
                            "The request body's chunks do not add up to its x-amz-decoded-content-length",
                        ));
                    }
                    self.state = if taken == remaining { State::DataEnd } else { State::Data(remaining - taken) };
                    return Ok(Some(buffer.split_to(taken).freeze()));
                }
                State::DataEnd => {
                    if buffer.len() < 2 {
                        return Ok(None);
                    }
                    if &buffer[..2] != b"\r\n" {
                        return Err(ChunkError("A chunk's data does not end where its size says"));
                    }
                    buffer.advance(2);
                    self.state = State::Size;
                }
                State::Trailers => {
                    let Some(line) = take_buffered_line(buffer)? else { return Ok(None) };
                    if line.is_empty() {
                        self.state = State::Done;
                        continue;
                    }
                    if self.trailers.len() == MAX_TRAILERS {
                        return Err(ChunkError("The request body has too many trailers"));
                    }
                    let (name, value) =
                        line.split_once(':').ok_or(ChunkError("A trailer is not a name and a value"))?;
                    self.trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
                }
                State::Done if buffer.is_empty() => return Ok(None),
                State::Done => return Err(ChunkError("The request body has data after its last chunk")),
            }
        }
    }

    /// Whether the body, now ended with `buffer` left unread, was whole:
    /// its last chunk came (an empty line after the trailers may be left
    /// out), and its data add up to its decoded length.
    pub fn finish(&self, buffer: &BytesMut) -> Result<(), ChunkError> {
        match self.state {
            State::Done => {}
            State::Trailers if buffer.is_empty() => {}
            _ => return Err(ChunkError("The request body terminated unexpectedly")),
        }
        if self.decoded_length.is_some_and(|length| length != self.decoded) {
            return Err(ChunkError("The request body's chunks do not add up to its x-amz-decoded-content-length"));
        }
        Ok(())
    }

    /// The trailers read so far, names lowercase.
    pub fn trailers(&self) -> &[(String, String)] {
        &self.trailers
    }
}

/// A chunk's size from its header line (`<hex>[;extensions]`).
fn chunk_size(line: &str) -> Result<usize, ChunkError> {
    let size = line.split(';').next().unwrap_or_default().trim();
    if size.is_empty() || size.len() > 16 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ChunkError("A chunk's size is not a hexadecimal number"));
    }
    usize::from_str_radix(size, 16).map_err(|_| ChunkError("A chunk's size is too large"))
}

/// The next line of `buffer` (taken from it, without its `\r\n`), `None`
/// until a whole one has come.
fn take_buffered_line(buffer: &mut BytesMut) -> Result<Option<String>, ChunkError> {
    let window = &buffer[..buffer.len().min(MAX_LINE + 2)];
    let Some(end) = window.windows(2).position(|pair| pair == b"\r\n") else {
        return match buffer.len() > MAX_LINE {
            true => Err(ChunkError("A chunk header or trailer is too long")),
            false => Ok(None),
        };
    };
    let line = std::str::from_utf8(&buffer[..end])
        .map_err(|_| ChunkError("A chunk header or trailer is not text"))?
        .to_string();
    buffer.advance(end + 2);
    Ok(Some(line))
}

/// The next line of `rest` (without its `\r\n`), `None` at the end.
fn take_line<'a>(rest: &mut &'a [u8]) -> Result<Option<&'a str>, ChunkError> {
    if rest.is_empty() {
        return Ok(None);
    }
    let window = &rest[..rest.len().min(MAX_LINE + 2)];
    let end = window.windows(2).position(|pair| pair == b"\r\n").ok_or(if rest.len() > MAX_LINE {
        ChunkError("A chunk header or trailer is too long")
    } else {
        ChunkError("The request body terminated unexpectedly")
    })?;
    let line = std::str::from_utf8(&rest[..end]).map_err(|_| ChunkError("A chunk header or trailer is not text"))?;
    *rest = &rest[end + 2..];
    Ok(Some(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_chunks_with_a_trailer() {
        let body = b"5\r\nhello\r\n7\r\n world\n\r\n0\r\nx-amz-checksum-crc32:rwg7LQ==\r\n\r\n";
        let decoded = decode(body, Some(12)).unwrap();
        assert_eq!(decoded.data, b"hello world\n");
        assert_eq!(decoded.trailers, [("x-amz-checksum-crc32".to_string(), "rwg7LQ==".to_string())]);
        assert!(decoded.signatures.is_empty());
    }

    #[test]
    fn signed_chunks_keep_their_signatures() {
        let a = "a".repeat(64);
        let z = "0".repeat(64);
        let body = format!("3;chunk-signature={a}\r\nabc\r\n0;chunk-signature={z}\r\n\r\n");
        let decoded = decode(body.as_bytes(), None).unwrap();
        assert_eq!(decoded.data, b"abc");
        assert_eq!(decoded.signatures, [(a, 0..3), (z, 3..3)]);
    }

    #[test]
    fn sizes_that_lie_are_refused() {
        for body in [
            &b"a\r\nhello\r\n0\r\n\r\n"[..],
            b"3\r\nhello\r\n0\r\n\r\n",
            b"zz\r\nhello\r\n0\r\n\r\n",
            b"5\r\nhello\r\n",
            b"5\r\nhello\r\n0\r\n\r\nmore",
            b"ffffffffffffffffff\r\n",
            b"5",
        ] {
            assert!(decode(body, None).is_err(), "{}", String::from_utf8_lossy(body));
        }
        assert!(decode(b"5\r\nhello\r\n0\r\n\r\n", Some(6)).is_err(), "the decoded length is wrong");
        let long = format!("5;{}\r\nhello\r\n0\r\n\r\n", "x".repeat(MAX_LINE + 10));
        assert!(decode(long.as_bytes(), None).is_err());
        let many: String = (0..=MAX_TRAILERS).map(|i| format!("x-t{i}:1\r\n")).collect();
        assert!(decode(format!("0\r\n{many}\r\n").as_bytes(), None).is_err());
    }

    /// A body's data and trailers.
    type Streamed = (Vec<u8>, Vec<(String, String)>);

    /// Decodes `body` fed in pieces of `step` bytes.
    fn stream(body: &[u8], step: usize, length: Option<u64>) -> Result<Streamed, ChunkError> {
        let mut decoder = StreamDecoder::new(length);
        let (mut buffer, mut data) = (BytesMut::new(), Vec::new());
        for piece in body.chunks(step) {
            buffer.extend_from_slice(piece);
            while let Some(bytes) = decoder.next(&mut buffer)? {
                data.extend_from_slice(&bytes);
            }
        }
        decoder.finish(&buffer)?;
        Ok((data, decoder.trailers().to_vec()))
    }

    #[test]
    fn streams_decode_as_whole_bodies_do() {
        let body = b"5\r\nhello\r\n7\r\n world\n\r\n0\r\nx-amz-checksum-crc32:rwg7LQ==\r\n\r\n";
        for step in [1, 2, 3, 7, 64] {
            let (data, trailers) = stream(body, step, Some(12)).unwrap();
            assert_eq!(data, b"hello world\n", "{step}");
            assert_eq!(trailers, [("x-amz-checksum-crc32".to_string(), "rwg7LQ==".to_string())]);
        }
        for bad in [
            &b"a\r\nhello\r\n0\r\n\r\n"[..],
            b"9\r\nhello\r\n0\r\n\r\n",
            b"zz\r\n",
            b"5\r\nhello",
            b"5\r\nhello\r\n0\r\n\r\nx",
        ] {
            for step in [1, 4, 64] {
                assert!(stream(bad, step, None).is_err(), "{step}: {}", String::from_utf8_lossy(bad));
            }
        }
        assert!(stream(b"5\r\nhello\r\n0\r\n\r\n", 3, Some(4)).is_err(), "longer than declared");
        assert!(stream(b"5\r\nhello\r\n0\r\n\r\n", 3, Some(6)).is_err(), "shorter than declared");
        let long = format!("5;{}\r\nhello\r\n0\r\n\r\n", "x".repeat(MAX_LINE + 10));
        assert!(stream(long.as_bytes(), 100, None).is_err());
    }

    #[test]
    fn the_head_is_the_decoded_bodys() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_ENCODING, "aws-chunked, gzip".parse().unwrap());
        headers.insert("content-length", "99".parse().unwrap());
        let decoded = decode(b"2\r\nhi\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", None).unwrap();
        unchunk_head(&mut headers, &decoded);
        assert_eq!(headers["content-encoding"], "gzip");
        assert_eq!(headers["content-length"], "2");
        assert_eq!(headers["x-amz-checksum-crc32"], "AAAAAA==");
    }
}
