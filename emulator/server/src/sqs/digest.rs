//! The digests SQS answers with: of a body, and of message attributes.

use std::collections::BTreeMap;

use emulator_generated::runtime::Blob;
use emulator_generated::sqs::types::MessageAttributeValue;
use md5::{Digest, Md5};

/// A message attribute's value as SQS digests it: its transport type (1
/// for `String` and `Number` types, 2 for `Binary`) and bytes; `None` when
/// the value its type needs is missing or empty.
pub fn attribute_value(value: &MessageAttributeValue) -> Option<(u8, &[u8])> {
    let (transport, bytes) = if value.data_type.starts_with("Binary") {
        (2, value.binary_value.as_ref().map(Blob::as_bytes))
    } else if value.data_type.starts_with("String") || value.data_type.starts_with("Number") {
        (1, value.string_value.as_deref().map(str::as_bytes))
    } else {
        return None;
    };
    bytes.filter(|b| !b.is_empty()).map(|b| (transport, b))
}

/// The hexadecimal MD5 digest of `bytes`, as SQS reports bodies' digests.
pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// SQS's digest of message attributes: for each attribute in name order,
/// its name, data type, transport type and value, each length-prefixed
/// (4 bytes, big-endian) except the transport type's single byte.
pub fn md5_of_attributes(attributes: &BTreeMap<String, MessageAttributeValue>) -> Option<String> {
    if attributes.is_empty() {
        return None;
    }
    let mut buffer = Vec::new();
    for (name, value) in attributes {
        // SendMessage refuses an attribute without a value.
        let (transport, bytes) = attribute_value(value)?;
        push_prefixed(&mut buffer, name.as_bytes());
        push_prefixed(&mut buffer, value.data_type.as_bytes());
        buffer.push(transport);
        push_prefixed(&mut buffer, bytes);
    }
    Some(md5_hex(&buffer))
}

fn push_prefixed(buffer: &mut Vec<u8>, bytes: &[u8]) {
    buffer.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    buffer.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_a_body() {
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
