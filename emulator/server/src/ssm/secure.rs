//! SecureString parameters' encryption: AES-256-GCM (ring's, the crate
//! rustls already brings into this workspace) under one local key, made at
//! random the first time and kept in the store beside the parameters, so a
//! data directory's values decrypt after a restart. A value read without
//! `WithDecryption` is its ciphertext, base64 (nonce, then sealed bytes),
//! as SSM answers with its KMS ciphertext.

use emulator_generated::runtime::Blob;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

/// The local key.
pub struct Key {
    key: LessSafeKey,
    random: SystemRandom,
}

impl Key {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Key> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).ok()?;
        Some(Key { key: LessSafeKey::new(key), random: SystemRandom::new() })
    }

    /// A new key at random, and its bytes (to keep).
    pub fn generate() -> Option<(Key, Vec<u8>)> {
        let mut bytes = vec![0u8; 32];
        SystemRandom::new().fill(&mut bytes).ok()?;
        Some((Key::from_bytes(&bytes)?, bytes))
    }

    /// `plain` sealed: base64 of the nonce and the sealed bytes.
    pub fn encrypt(&self, plain: &str) -> Option<String> {
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill(&mut nonce).ok()?;
        let mut sealed = plain.as_bytes().to_vec();
        self.key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut sealed).ok()?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Some(Blob::from(out).to_base64())
    }

    /// What [`Key::encrypt`] sealed, if this key sealed it.
    pub fn decrypt(&self, sealed: &str) -> Option<String> {
        let bytes = Blob::from_base64(sealed).ok()?.as_bytes().to_vec();
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut rest = rest.to_vec();
        let plain = self.key.open_in_place(nonce, Aad::empty(), &mut rest).ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_seal_and_open() {
        let (key, bytes) = Key::generate().unwrap();
        let sealed = key.encrypt("p@ssw0rd").unwrap();
        assert_ne!(sealed, "p@ssw0rd");
        assert_eq!(key.decrypt(&sealed).as_deref(), Some("p@ssw0rd"));
        // The same key from its bytes opens it; another does not.
        assert_eq!(Key::from_bytes(&bytes).unwrap().decrypt(&sealed).as_deref(), Some("p@ssw0rd"));
        assert_eq!(Key::generate().unwrap().0.decrypt(&sealed), None);
        assert_eq!(key.decrypt("not base64!"), None);
    }
}
