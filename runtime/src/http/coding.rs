//! `Content-Encoding` of request bodies: one rule for every protocol.
//!
//! The codings a request lists (`identity` aside) are the ones applied to
//! its body, in order. A body may come plain, or gzipped where its
//! operation has `@requestCompression` with `gzip`: then `gzip` is the last
//! coding, and it is decoded within the body limit. Any other coding is
//! refused (415), since the body could not be read, unless the operation
//! binds `Content-Encoding` to an input member (`@httpHeader`), which then
//! holds the codings left, as the client's own (Smithy's
//! `SDKAppendedGzipAfterProvidedEncoding`: `custom, gzip`).

use http::HeaderMap;

/// How a request's body is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coding {
    /// As it is.
    Plain,
    /// gzip-decoded.
    Gzip,
}

/// A body whose coding cannot be read: 415 in the protocol's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnsupportedCoding;

impl UnsupportedCoding {
    pub(crate) const MESSAGE: &'static str = "the request's Content-Encoding is not accepted for this operation";
}

/// How the body of a request with `headers` is to be read, for an
/// operation that takes gzip (`gzip`) and binds `Content-Encoding` to a
/// member (`bound`), or not. `aws-chunked` framing is no coding of the
/// content: where the router undoes it (`framed`: the protocols with HTTP
/// bindings, [`super::aws_chunked`]) it is left out.
pub(crate) fn content_coding(
    headers: &HeaderMap,
    gzip: bool,
    bound: bool,
    framed: bool,
) -> Result<Coding, UnsupportedCoding> {
    let mut codings = Vec::new();
    for value in headers.get_all(http::header::CONTENT_ENCODING) {
        let value = value.to_str().map_err(|_| UnsupportedCoding)?;
        let applied = value
            .split(',')
            .map(str::trim)
            .filter(|coding| !coding.eq_ignore_ascii_case("identity"))
            .filter(|coding| !(framed && coding.eq_ignore_ascii_case("aws-chunked")));
        codings.extend(applied.filter(|coding| !coding.is_empty()));
    }
    let coding = match codings.last() {
        Some(last) if gzip && last.eq_ignore_ascii_case("gzip") => {
            codings.pop();
            Coding::Gzip
        }
        _ => Coding::Plain,
    };
    match codings.is_empty() || bound {
        true => Ok(coding),
        false => Err(UnsupportedCoding),
    }
}

/// The most gzip members a body may hold. RFC 1952 lets a body be several
/// members one after another, and SDKs send one; each costs a new inflater
/// (some microseconds), so 400,000 empty members cost a second of CPU.
pub(crate) const MAX_GZIP_MEMBERS: usize = 64;

/// Why a gzipped body could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GunzipError {
    /// It is not gzip.
    NotGzip,
    /// It has more than [`MAX_GZIP_MEMBERS`] members.
    TooManyMembers,
    /// It inflates past the limit.
    TooLarge,
}

/// `body` gzip-decoded, every member of it (at most [`MAX_GZIP_MEMBERS`]),
/// within `limit` bytes (so a small body that inflates to gigabytes is
/// refused as soon as it passes the limit).
pub(crate) fn gunzip(body: &[u8], limit: usize) -> Result<Vec<u8>, GunzipError> {
    use std::io::Read as _;
    let mut decoded = Vec::with_capacity(body.len().saturating_mul(4).min(limit));
    let mut rest = body;
    let mut members = 0;
    // An empty body is not gzip: a member has a header at least.
    while members == 0 || !rest.is_empty() {
        members += 1;
        if members > MAX_GZIP_MEMBERS {
            return Err(GunzipError::TooManyMembers);
        }
        // A decoder over the bytes left reads one member, and no further.
        let mut member = flate2::bufread::GzDecoder::new(rest);
        let room = (limit - decoded.len()) as u64 + 1;
        (&mut member).take(room).read_to_end(&mut decoded).map_err(|_| GunzipError::NotGzip)?;
        if decoded.len() > limit {
            return Err(GunzipError::TooLarge);
        }
        rest = member.into_inner();
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(values: &[&str], gzip: bool, bound: bool) -> Result<Coding, UnsupportedCoding> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(http::header::CONTENT_ENCODING, value.parse().unwrap());
        }
        content_coding(&headers, gzip, bound, false)
    }

    #[test]
    fn codings_are_plain_gzip_where_allowed_or_refused() {
        assert_eq!(coding(&[], false, false), Ok(Coding::Plain));
        assert_eq!(coding(&["identity"], false, false), Ok(Coding::Plain));
        assert_eq!(coding(&["gzip"], false, false), Err(UnsupportedCoding));
        assert_eq!(coding(&["br"], true, false), Err(UnsupportedCoding));
        assert_eq!(coding(&["GZIP"], true, false), Ok(Coding::Gzip));
        assert_eq!(coding(&["identity, gzip"], true, false), Ok(Coding::Gzip));
        assert_eq!(coding(&["gzip", "gzip"], true, false), Err(UnsupportedCoding));
        // The client's own coding, before gzip, where a member holds it.
        assert_eq!(coding(&["custom, gzip"], true, false), Err(UnsupportedCoding));
        assert_eq!(coding(&["custom, gzip"], true, true), Ok(Coding::Gzip));
        assert_eq!(coding(&["custom"], true, true), Ok(Coding::Plain));
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn every_member_is_decoded_up_to_a_bound() {
        let two = [gzip(b"hello, "), gzip(b"world")].concat();
        assert_eq!(gunzip(&two, 100).unwrap(), b"hello, world");
        assert_eq!(gunzip(&gzip(b""), 100).unwrap(), b"");
        assert_eq!(gunzip(b"", 100), Err(GunzipError::NotGzip));
        assert_eq!(gunzip(b"plain", 100), Err(GunzipError::NotGzip));
        assert_eq!(gunzip(&[gzip(b"a"), b"trailing".to_vec()].concat(), 100), Err(GunzipError::NotGzip));
        assert_eq!(gunzip(&gzip(&[0; 101]), 100), Err(GunzipError::TooLarge));
        assert_eq!(gunzip(&gzip(&[0; 100]), 100).unwrap().len(), 100);
        let many = gzip(b"").repeat(MAX_GZIP_MEMBERS);
        assert_eq!(gunzip(&many, 100).unwrap(), b"");
        let too_many = gzip(b"").repeat(MAX_GZIP_MEMBERS + 1);
        assert_eq!(gunzip(&too_many, 100), Err(GunzipError::TooManyMembers));
    }
}
