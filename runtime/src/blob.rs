//! Binary data, written as base64 in JSON.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A Smithy `blob`: bytes, sent as a base64 string (RFC 4648, padded).
///
/// The bytes are shared (`bytes::Bytes`): a blob read from an event's
/// payload, or written into one, is the message's bytes, not a copy.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Blob(Bytes);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(Bytes::from(bytes.into()))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Unwraps the bytes (without a copy unless they are shared).
    pub fn into_inner(self) -> Vec<u8> {
        Vec::from(self.0)
    }

    /// The bytes, shared: no copy.
    pub fn to_shared(&self) -> Bytes {
        self.0.clone()
    }

    /// Decodes base64 text.
    pub fn from_base64(text: &str) -> Result<Self, DecodeBlobError> {
        STANDARD.decode(text).map(Blob::new).map_err(|_| DecodeBlobError(()))
    }

    /// Encodes the bytes as base64 text.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Blob(Bytes::from(bytes))
    }
}

impl From<Bytes> for Blob {
    fn from(bytes: Bytes) -> Self {
        Blob(bytes)
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Text that is not valid base64. It says no more: which byte is wrong,
/// and where, would tell of a blob that may be `@sensitive`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeBlobError(());

impl fmt::Display for DecodeBlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid base64")
    }
}

impl std::error::Error for DecodeBlobError {}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BlobVisitor;

        impl Visitor<'_> for BlobVisitor {
            type Value = Blob;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Blob, E> {
                Blob::from_base64(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(BlobVisitor)
    }
}
