//! S3's multipart uploads: an object sent in parts (awscli sends files of
//! 8 MB and more so), each part stored as it arrives (to a file of the data
//! directory, with `--data-dir`, so acknowledged parts survive a restart),
//! then joined by CompleteMultipartUpload, whose ETag is S3's: the MD5 of
//! the parts' MD5s, a dash, and how many parts there were.

use std::collections::BTreeMap;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use emulator_generated::runtime::{DateTime, Timestamp, UnmodelledError};
use emulator_generated::s3::types::{CompletedPart, Initiator, MultipartUpload, Part};

use crate::s3::{Body, s3_error};

/// An upload under way: the object it will be, and its parts by number.
pub struct Upload {
    pub bucket: String,
    pub key: String,
    pub initiated: Timestamp,
    pub content_type: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub parts: BTreeMap<i32, StoredPart>,
}

/// A part received: its bytes, their MD5 (hex) and when it came.
pub struct StoredPart {
    pub body: Body,
    pub md5: String,
    pub last_modified: Timestamp,
    /// A body in memory's share of the state budget.
    pub _charge: Option<crate::quota::Charge>,
}

/// An upload as the data directory keeps it (kind `upload`, keyed by its id).
#[derive(Serialize, Deserialize)]
pub struct UploadRecord {
    pub bucket: String,
    pub key: String,
    pub initiated: (i64, u32),
    pub content_type: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
}

/// A part as the data directory keeps it (kind `part`, keyed by
/// `<upload id>/<number>`): its body is the file `body`.
#[derive(Serialize, Deserialize)]
pub struct PartRecord {
    pub body: String,
    pub size: u64,
    pub md5: String,
    pub last_modified: (i64, u32),
}

/// The smallest part but the last, as S3 enforces it.
const MIN_PART: u64 = 5 << 20;

/// The record key of part `number` of `upload`.
pub fn part_key(upload: &str, number: i32) -> String {
    format!("{upload}/{number:05}")
}

/// S3's `NoSuchUpload`.
pub fn no_such_upload() -> UnmodelledError {
    s3_error(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or \
         completed.",
    )
}

/// Whether `number` is a part number S3 accepts: 1 to 10,000.
pub fn check_part_number(number: i32) -> Result<(), UnmodelledError> {
    if (1..=10_000).contains(&number) {
        Ok(())
    } else {
        Err(s3_error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"))
    }
}

/// The parts `listed` names of `upload`, in order, checked as S3 checks
/// them: ascending numbers, each received with the ETag given, each but the
/// last at least 5 MiB; and the object's ETag.
pub fn chosen<'a>(
    upload: &'a Upload,
    listed: &[CompletedPart],
) -> Result<(Vec<&'a StoredPart>, String), UnmodelledError> {
    if listed.is_empty() {
        return Err(s3_error(
            400,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
        ));
    }
    let invalid_part = || {
        s3_error(
            400,
            "InvalidPart",
            "One or more of the specified parts could not be found. The part may not have been uploaded, or the \
             specified entity tag may not match the part's entity tag.",
        )
    };
    let mut parts = Vec::with_capacity(listed.len());
    let mut previous = 0;
    for completed in listed {
        let number = completed.part_number.ok_or_else(invalid_part)?;
        if number <= previous {
            return Err(s3_error(
                400,
                "InvalidPartOrder",
                "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
            ));
        }
        previous = number;
        let part = upload.parts.get(&number).ok_or_else(invalid_part)?;
        let given = completed.e_tag.as_deref().map(|tag| tag.trim_matches('"'));
        if given.is_some_and(|tag| tag != part.md5) {
            return Err(invalid_part());
        }
        parts.push(part);
    }
    if parts[..parts.len() - 1].iter().any(|part| part.body.len() < MIN_PART) {
        return Err(s3_error(
            400,
            "EntityTooSmall",
            "Your proposed upload is smaller than the minimum allowed object size.",
        ));
    }
    let mut md5 = Md5::new();
    for part in &parts {
        let digest: Vec<u8> =
            (0..part.md5.len() / 2).filter_map(|i| u8::from_str_radix(&part.md5[2 * i..2 * i + 2], 16).ok()).collect();
        md5.update(&digest);
    }
    let hex: String = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((parts, format!("\"{hex}-{}\"", listed.len())))
}

/// `upload` (by `id`) as ListMultipartUploads lists it.
pub fn listed(id: &str, upload: &Upload) -> MultipartUpload {
    MultipartUpload {
        upload_id: Some(id.to_string()),
        key: Some(upload.key.clone()),
        initiated: Some(DateTime(upload.initiated)),
        owner: Some(crate::s3::owner()),
        initiator: Some(Initiator { id: crate::s3::owner().id, display_name: crate::s3::owner().display_name }),
        ..Default::default()
    }
}

/// Part `number` as ListParts lists it.
pub fn part(number: i32, part: &StoredPart) -> Part {
    Part {
        part_number: Some(number),
        last_modified: Some(DateTime(part.last_modified)),
        e_tag: Some(format!("\"{}\"", part.md5)),
        size: i64::try_from(part.body.len()).ok(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(sizes: &[usize]) -> Upload {
        let parts = sizes.iter().enumerate().map(|(i, &size)| {
            let bytes = bytes::Bytes::from(vec![i as u8; size]);
            let md5: String = Md5::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            let last_modified = Timestamp::from_epoch_seconds(0).unwrap();
            (i as i32 + 1, StoredPart { body: Body::Memory(bytes), md5, last_modified, _charge: None })
        });
        Upload {
            bucket: "b".into(),
            key: "k".into(),
            initiated: Timestamp::from_epoch_seconds(0).unwrap(),
            content_type: None,
            metadata: None,
            parts: parts.collect(),
        }
    }

    fn completed(upload: &Upload, numbers: &[i32]) -> Vec<CompletedPart> {
        numbers
            .iter()
            .map(|n| CompletedPart {
                part_number: Some(*n),
                e_tag: upload.parts.get(n).map(|p| format!("\"{}\"", p.md5)),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn the_etag_is_the_md5_of_the_parts_md5s_and_their_count() {
        let upload = upload(&[5 << 20, 1]);
        let (parts, e_tag) = chosen(&upload, &completed(&upload, &[1, 2])).unwrap();
        assert_eq!(parts.len(), 2);
        let mut md5 = Md5::new();
        md5.update(Md5::digest(vec![0u8; 5 << 20]));
        md5.update(Md5::digest([1u8]));
        let hex: String = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(e_tag, format!("\"{hex}-2\""));
    }

    #[test]
    fn parts_are_checked_as_s3_checks_them() {
        let code = |result: Result<(Vec<&StoredPart>, String), UnmodelledError>| result.err().map(|e| e.type_name);
        let small = upload(&[10, 10]);
        assert_eq!(code(chosen(&small, &completed(&small, &[1, 2]))).as_deref(), Some("EntityTooSmall"));
        let big = upload(&[5 << 20, 5 << 20]);
        assert_eq!(code(chosen(&big, &completed(&big, &[2, 1]))).as_deref(), Some("InvalidPartOrder"));
        assert_eq!(code(chosen(&big, &completed(&big, &[1, 3]))).as_deref(), Some("InvalidPart"));
        let mut wrong = completed(&big, &[1, 2]);
        wrong[0].e_tag = Some("\"0000\"".into());
        assert_eq!(code(chosen(&big, &wrong)).as_deref(), Some("InvalidPart"));
        assert_eq!(code(chosen(&big, &[])).as_deref(), Some("MalformedXML"));
        assert_eq!(code(chosen(&big, &completed(&big, &[2]))), None, "a subset of the parts may be completed");
    }
}
