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
/// member (`bound`), or not.
pub(crate) fn content_coding(headers: &HeaderMap, gzip: bool, bound: bool) -> Result<Coding, UnsupportedCoding> {
    let mut codings = Vec::new();
    for value in headers.get_all(http::header::CONTENT_ENCODING) {
        let value = value.to_str().map_err(|_| UnsupportedCoding)?;
        let applied = value.split(',').map(str::trim).filter(|coding| !coding.eq_ignore_ascii_case("identity"));
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

/// Why a gzipped body could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GunzipError {
    /// It is not gzip.
    NotGzip,
    /// It inflates past the limit.
    TooLarge,
}

/// `body` gzip-decoded, every member of it, within `limit` bytes (so a
/// small body that inflates to gigabytes is refused as soon as it passes
/// the limit).
pub(crate) fn gunzip(body: &[u8], limit: usize) -> Result<Vec<u8>, GunzipError> {
    use std::io::Read as _;
    let mut decoded = Vec::with_capacity(body.len().saturating_mul(4).min(limit));
    let read = flate2::read::MultiGzDecoder::new(body).take(limit as u64 + 1).read_to_end(&mut decoded);
    match read {
        Err(_) => Err(GunzipError::NotGzip),
        Ok(_) if decoded.len() > limit => Err(GunzipError::TooLarge),
        Ok(_) => Ok(decoded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(values: &[&str], gzip: bool, bound: bool) -> Result<Coding, UnsupportedCoding> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(http::header::CONTENT_ENCODING, value.parse().unwrap());
        }
        content_coding(&headers, gzip, bound)
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
}
