//! Random identifiers: UUIDs (version 4) for table ids, message ids and
//! receipt handles.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Makes random version 4 UUIDs: a counter hashed with a key chosen at
/// random when the server starts (unpredictable enough for an emulator,
/// though not for secrets).
pub struct Ids {
    key: RandomState,
    counter: AtomicU64,
}

impl Ids {
    pub fn new() -> Self {
        Ids { key: RandomState::new(), counter: AtomicU64::new(0) }
    }

    fn random(&self) -> u64 {
        let mut hasher = self.key.build_hasher();
        hasher.write_u64(self.counter.fetch_add(1, Ordering::Relaxed));
        hasher.finish()
    }

    /// `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, `y` one of 8, 9, a, b.
    pub fn uuid(&self) -> String {
        let (a, b) = (self.random(), self.random());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Ids;

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let ids = Ids::new();
        let all: std::collections::BTreeSet<String> = (0..1000).map(|_| ids.uuid()).collect();
        assert_eq!(all.len(), 1000);
        for id in &all {
            let parts: Vec<&str> = id.split('-').collect();
            assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{id}");
            assert!(parts[2].starts_with('4') && parts[3].starts_with(['8', '9', 'a', 'b']), "{id}");
        }
    }
}
