//! Request checksums, as S3's clients send them: `x-amz-checksum-crc32`,
//! `-crc32c`, `-crc64nvme`, `-sha1` and `-sha256` (base64 of the digest, in
//! a header or, after an aws-chunked body, a trailer) and `Content-MD5`.
//! [`Expected`] reads what a request's head promises, a [`Verifier`]
//! hashes the body as it passes and says whether it kept the promise.
//!
//! The CRCs are the `crc` crate's (CRC-32/ISO-HDLC, CRC-32/ISCSI,
//! CRC-64/NVME), the digests RustCrypto's.

use base64::Engine as _;
use crc::{CRC_32_ISCSI, CRC_32_ISO_HDLC, CRC_64_NVME, Crc, Table};
use http::HeaderMap;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use crate::protocol::{Protocol, Response};

/// CRC-32 (ISO-HDLC), as `x-amz-checksum-crc32` and event-stream messages use it.
pub(crate) static CRC32: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISO_HDLC);
static CRC32C: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISCSI);
static CRC64NVME: Crc<u64, Table<16>> = Crc::<u64, Table<16>>::new(&CRC_64_NVME);

/// A checksum a request may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// CRC-32 (ISO-HDLC), in `x-amz-checksum-crc32`.
    Crc32,
    /// CRC-32C (iSCSI), in `x-amz-checksum-crc32c`.
    Crc32c,
    /// CRC-64/NVME, in `x-amz-checksum-crc64nvme`.
    Crc64Nvme,
    /// SHA-1, in `x-amz-checksum-sha1`.
    Sha1,
    /// SHA-256, in `x-amz-checksum-sha256`.
    Sha256,
    /// `Content-MD5`.
    Md5,
}

impl Algorithm {
    /// Every algorithm, in the order they are checked.
    pub const ALL: [Algorithm; 6] =
        [Algorithm::Crc32, Algorithm::Crc32c, Algorithm::Crc64Nvme, Algorithm::Sha1, Algorithm::Sha256, Algorithm::Md5];

    /// The header (or trailer) that carries it, lowercase.
    pub fn header(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc32c => "x-amz-checksum-crc32c",
            Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Algorithm::Sha1 => "x-amz-checksum-sha1",
            Algorithm::Sha256 => "x-amz-checksum-sha256",
            Algorithm::Md5 => "content-md5",
        }
    }

    /// Its name in S3's messages.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32c => "CRC32C",
            Algorithm::Crc64Nvme => "CRC64NVME",
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Md5 => "Content-MD5",
        }
    }

    /// The algorithm a header (or trailer) named `name` carries.
    pub fn of_header(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|algorithm| name.eq_ignore_ascii_case(algorithm.header()))
    }

    /// The digest's length in bytes.
    fn len(self) -> usize {
        match self {
            Algorithm::Crc32 | Algorithm::Crc32c => 4,
            Algorithm::Crc64Nvme => 8,
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Md5 => 16,
        }
    }

    /// The digest of `bytes`.
    pub fn digest(self, bytes: &[u8]) -> Vec<u8> {
        let mut hasher = Hasher::new(self);
        hasher.update(bytes);
        hasher.finish()
    }
}

/// A digest being computed.
enum Hasher {
    Crc32(crc::Digest<'static, u32, Table<16>>),
    Crc32c(crc::Digest<'static, u32, Table<16>>),
    Crc64(crc::Digest<'static, u64, Table<16>>),
    Sha1(Sha1),
    Sha256(Sha256),
    Md5(Md5),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Crc32 => Hasher::Crc32(CRC32.digest()),
            Algorithm::Crc32c => Hasher::Crc32c(CRC32C.digest()),
            Algorithm::Crc64Nvme => Hasher::Crc64(CRC64NVME.digest()),
            Algorithm::Sha1 => Hasher::Sha1(Sha1::new()),
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Md5 => Hasher::Md5(Md5::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Crc32(digest) | Hasher::Crc32c(digest) => digest.update(bytes),
            Hasher::Crc64(digest) => digest.update(bytes),
            Hasher::Sha1(digest) => digest.update(bytes),
            Hasher::Sha256(digest) => digest.update(bytes),
            Hasher::Md5(digest) => digest.update(bytes),
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Crc32(digest) | Hasher::Crc32c(digest) => digest.finalize().to_be_bytes().to_vec(),
            Hasher::Crc64(digest) => digest.finalize().to_be_bytes().to_vec(),
            Hasher::Sha1(digest) => digest.finalize().to_vec(),
            Hasher::Sha256(digest) => digest.finalize().to_vec(),
            Hasher::Md5(digest) => digest.finalize().to_vec(),
        }
    }
}

/// Why a body's checksums could not be checked or did not match: S3's
/// errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChecksumError {
    /// A header's value is not the base64 of a digest of its algorithm
    /// (`InvalidDigest` for `Content-MD5`, else `InvalidRequest`).
    Invalid(Algorithm),
    /// The body's digest is not the one sent (`BadDigest`).
    Mismatch(Algorithm),
}

impl ChecksumError {
    /// The refusal, in `protocol`'s form.
    pub fn response<P: Protocol>(&self, protocol: P) -> Response {
        match *self {
            ChecksumError::Invalid(Algorithm::Md5) => {
                protocol.error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
            }
            ChecksumError::Invalid(algorithm) => {
                let message = format!("Value for {} header is invalid.", algorithm.header());
                protocol.error(400, "InvalidRequest", &message)
            }
            ChecksumError::Mismatch(Algorithm::Md5) => {
                protocol.error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
            }
            ChecksumError::Mismatch(algorithm) => {
                let message = format!("The {} you specified did not match the calculated checksum.", algorithm.name());
                protocol.error(400, "BadDigest", &message)
            }
        }
    }
}

/// The digests a request's head promises its body has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    digests: Vec<(Algorithm, Vec<u8>)>,
}

impl Expected {
    /// What `headers` promise, of the algorithms `checked` admits (those
    /// the operation binds a header of).
    pub fn from_headers(headers: &HeaderMap, checked: impl Fn(Algorithm) -> bool) -> Result<Self, ChecksumError> {
        let mut expected = Expected::default();
        for algorithm in Algorithm::ALL.into_iter().filter(|algorithm| checked(*algorithm)) {
            if let Some(value) = headers.get(algorithm.header()) {
                expected.add(algorithm, value.as_bytes())?;
            }
        }
        Ok(expected)
    }

    /// Adds the promise of `algorithm`'s header (or trailer) `value`.
    pub fn add(&mut self, algorithm: Algorithm, value: &[u8]) -> Result<(), ChecksumError> {
        let digest = base64::engine::general_purpose::STANDARD
            .decode(value.trim_ascii())
            .ok()
            .filter(|digest| digest.len() == algorithm.len())
            .ok_or(ChecksumError::Invalid(algorithm))?;
        self.digests.retain(|(other, _)| *other != algorithm);
        self.digests.push((algorithm, digest));
        Ok(())
    }

    /// Whether nothing is promised.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// A verifier of a body against these promises.
    pub fn verifier(&self) -> Verifier {
        self.verifier_with(&[])
    }

    /// A verifier of a body against these promises and those of `more`
    /// algorithms, whose digests come after the body (in trailers).
    pub fn verifier_with(&self, more: &[Algorithm]) -> Verifier {
        let mut algorithms: Vec<Algorithm> = self.digests.iter().map(|(algorithm, _)| *algorithm).collect();
        algorithms.extend(more.iter().filter(|algorithm| !self.digests.iter().any(|(other, _)| other == *algorithm)));
        Verifier { hashers: algorithms.into_iter().map(|algorithm| (algorithm, Hasher::new(algorithm))).collect() }
    }

    /// Whether `body` keeps every promise.
    pub fn verify(&self, body: &[u8]) -> Result<(), ChecksumError> {
        let mut verifier = self.verifier();
        verifier.update(body);
        verifier.finish(self)
    }
}

/// Hashes a body as it passes.
pub struct Verifier {
    hashers: Vec<(Algorithm, Hasher)>,
}

impl Verifier {
    /// Hashes the next bytes of the body with every algorithm. Call it on
    /// each part of the body in order, then [`Verifier::finish`].
    pub fn update(&mut self, bytes: &[u8]) {
        for (_, hasher) in &mut self.hashers {
            hasher.update(bytes);
        }
    }

    /// Whether the body keeps `expected`'s promises (which may have grown
    /// since the verifier was made: trailers come after the body, and
    /// their algorithms are then hashed only if the head announced them).
    pub fn finish(self, expected: &Expected) -> Result<(), ChecksumError> {
        let mut computed: Vec<(Algorithm, Vec<u8>)> =
            self.hashers.into_iter().map(|(algorithm, hasher)| (algorithm, hasher.finish())).collect();
        for (algorithm, digest) in &expected.digests {
            match computed.iter().position(|(other, _)| other == algorithm) {
                Some(at) if computed[at].1 == *digest => {
                    computed.swap_remove(at);
                }
                _ => return Err(ChecksumError::Mismatch(*algorithm)),
            }
        }
        Ok(())
    }
}

/// The base64 of `bytes`' digest by `algorithm`, as a header carries it.
pub fn header_value(algorithm: Algorithm, bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(algorithm.digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Digests of `hello world\n`, as botocore computes them.
    #[test]
    fn digests_are_the_ones_sdks_send() {
        let body = b"hello world\n";
        assert_eq!(header_value(Algorithm::Crc32, body), "rwg7LQ==");
        assert_eq!(header_value(Algorithm::Crc32c, b"123456789"), "4waSgw==");
        assert_eq!(hex(&Algorithm::Crc64Nvme.digest(b"123456789")), "ae8b14860a799888");
        assert_eq!(header_value(Algorithm::Md5, body), "b1kCrCNwJL3QwXbLkwY9xA==");
        assert_eq!(hex(&Algorithm::Sha1.digest(body)), "22596363b3de40b06f981fb85d82312e8c0ed511");
        assert_eq!(
            hex(&Algorithm::Sha256.digest(body)),
            "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn bodies_are_checked_against_their_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-checksum-crc32", "rwg7LQ==".parse().unwrap());
        headers.insert("content-md5", "b1kCrCNwJL3QwXbLkwY9xA==".parse().unwrap());
        let expected = Expected::from_headers(&headers, |_| true).unwrap();
        assert_eq!(expected.verify(b"hello world\n"), Ok(()));
        assert_eq!(expected.verify(b"hello world!"), Err(ChecksumError::Mismatch(Algorithm::Crc32)));
        // Only the algorithms the operation binds are checked.
        let md5_only = Expected::from_headers(&headers, |algorithm| algorithm == Algorithm::Md5).unwrap();
        assert_eq!(md5_only.verify(b"hello world!"), Err(ChecksumError::Mismatch(Algorithm::Md5)));
        headers.insert("x-amz-checksum-sha256", "not base64!".parse().unwrap());
        assert_eq!(Expected::from_headers(&headers, |_| true), Err(ChecksumError::Invalid(Algorithm::Sha256)));
        headers.insert("x-amz-checksum-sha256", "rwg7LQ==".parse().unwrap());
        assert_eq!(
            Expected::from_headers(&headers, |_| true),
            Err(ChecksumError::Invalid(Algorithm::Sha256)),
            "the wrong length for its algorithm"
        );
    }
}
