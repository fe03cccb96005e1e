//! S3's object versions: what a bucket does with an object's earlier
//! version when a new one is written or the object is deleted, as its
//! versioning status says.
//!
//! - Never versioned: a write replaces the object, a delete removes it; its
//!   version id is `null`, and none is answered.
//! - `Enabled`: every write is a new version with an id of its own, the one
//!   before kept; a delete without a version id keeps the object and puts a
//!   delete marker on top; one with a version id removes that version for
//!   good (and the version under it, if an object, is current again).
//! - `Suspended`: writes and deletes make the `null` version, replacing the
//!   `null` version there was (object or marker); versions with ids stay.

use emulator_generated::runtime::Timestamp;
use serde::{Deserialize, Serialize};

use crate::s3::{ObjectRecord, Stored};

/// The version id of an object written while versioning was not enabled.
pub const NULL: &str = "null";

/// [`NULL`], for records written before versions were kept.
pub fn null() -> String {
    NULL.to_string()
}

/// A bucket's versioning status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versioning {
    Never,
    Enabled,
    Suspended,
}

impl Versioning {
    /// The status PutBucketVersioning set (`Enabled`, `Suspended`), if any.
    pub fn of(status: Option<&str>) -> Versioning {
        match status {
            Some("Enabled") => Versioning::Enabled,
            Some(_) => Versioning::Suspended,
            None => Versioning::Never,
        }
    }
}

/// A version that is not current: an earlier object, or a delete marker.
/// `seq` is its record's key, in the order versions were made.
pub enum Past {
    Object { seq: u64, stored: Box<Stored> },
    Marker { seq: u64, version_id: String, last_modified: Timestamp },
}

impl Past {
    pub fn seq(&self) -> u64 {
        match self {
            Past::Object { seq, .. } | Past::Marker { seq, .. } => *seq,
        }
    }

    pub fn version_id(&self) -> &str {
        match self {
            Past::Object { stored, .. } => stored.version_id(),
            Past::Marker { version_id, .. } => version_id,
        }
    }

    pub fn is_marker(&self) -> bool {
        matches!(self, Past::Marker { .. })
    }
}

/// An earlier version as the data directory keeps it (kind `version`, keyed
/// by `<bucket>/<seq>`, so that a bucket's versions read back in order).
#[derive(Serialize, Deserialize)]
pub struct VersionRecord {
    pub key: String,
    pub version_id: String,
    pub last_modified: (i64, u32),
    /// The object; none for a delete marker.
    pub object: Option<ObjectRecord>,
}

/// The record key of the earlier version `seq` of `bucket`.
pub fn version_key(bucket: &str, seq: u64) -> String {
    format!("{bucket}/{seq:020}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(Versioning::of(None), Versioning::Never);
        assert_eq!(Versioning::of(Some("Enabled")), Versioning::Enabled);
        assert_eq!(Versioning::of(Some("Suspended")), Versioning::Suspended);
        assert_eq!(version_key("b", 7), "b/00000000000000000007");
    }
}
