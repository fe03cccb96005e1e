//! Simple Storage Service: buckets of objects, in memory or (with
//! `--data-dir`) on disk ([`crate::store`]: records in SQLite, bodies as
//! files streamed a chunk at a time).
//!
//! Served: CreateBucket, DeleteBucket, HeadBucket, ListBuckets,
//! GetBucketLocation, PutObject, GetObject and HeadObject (with `Range`,
//! `partNumber`, `versionId`, the checksums the client sent, and the
//! `If-Match`/`If-None-Match`/`If-Modified-Since`/`If-Unmodified-Since`
//! preconditions), CopyObject, DeleteObject, DeleteObjects, ListObjects and
//! ListObjectsV2 (prefixes, delimiters, pages, URL-encoded keys),
//! ListObjectVersions, versions and delete markers ([`crate::s3_versions`]),
//! multipart uploads ([`crate::s3_multipart`]) and SelectObjectContent, with
//! S3's errors (`NoSuchBucket`, `NoSuchKey`, `NoSuchVersion`, `NoSuchUpload`,
//! `BucketAlreadyOwnedByYou`, `BucketNotEmpty`, `InvalidRange`, `InvalidPart`,
//! `InvalidPartNumber`, `PreconditionFailed`, `MethodNotAllowed`). Bodies
//! kept in memory are charged to the state budget.
//! Requests reach it path-style or virtual-hosted (`bucket.s3.localhost`),
//! their bodies plain or aws-chunked, their checksums verified by the runtime
//! before an object is stored.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{ByteStream, DateTime, HttpDate, Timestamp, Unit, UnmodelledError};
use emulator_generated::s3::error::{BucketAlreadyOwnedByYou, NoSuchKey, NotFound};
use emulator_generated::s3::operation::abort_multipart_upload::{
    AbortMultipartUploadError, AbortMultipartUploadOutput, AbortMultipartUploadRequest,
};
use emulator_generated::s3::operation::complete_multipart_upload::{
    CompleteMultipartUploadError, CompleteMultipartUploadOutput, CompleteMultipartUploadRequest,
};
use emulator_generated::s3::operation::copy_object::{CopyObjectError, CopyObjectOutput, CopyObjectRequest};
use emulator_generated::s3::operation::create_bucket::{CreateBucketError, CreateBucketOutput, CreateBucketRequest};
use emulator_generated::s3::operation::create_multipart_upload::{
    CreateMultipartUploadError, CreateMultipartUploadOutput, CreateMultipartUploadRequest,
};
use emulator_generated::s3::operation::delete_bucket::{DeleteBucketError, DeleteBucketRequest};
use emulator_generated::s3::operation::delete_bucket_cors::*;
use emulator_generated::s3::operation::delete_bucket_policy::*;
use emulator_generated::s3::operation::delete_bucket_tagging::*;
use emulator_generated::s3::operation::delete_object::{DeleteObjectError, DeleteObjectOutput, DeleteObjectRequest};
use emulator_generated::s3::operation::delete_object_tagging::*;
use emulator_generated::s3::operation::delete_objects::{
    DeleteObjectsError, DeleteObjectsOutput, DeleteObjectsRequest,
};
use emulator_generated::s3::operation::get_bucket_cors::*;
use emulator_generated::s3::operation::get_bucket_location::{
    GetBucketLocationError, GetBucketLocationOutput, GetBucketLocationRequest,
};
use emulator_generated::s3::operation::get_bucket_policy::*;
use emulator_generated::s3::operation::get_bucket_tagging::*;
use emulator_generated::s3::operation::get_bucket_versioning::*;
use emulator_generated::s3::operation::get_object::{GetObjectError, GetObjectOutput, GetObjectRequest};
use emulator_generated::s3::operation::get_object_tagging::*;
use emulator_generated::s3::operation::head_bucket::{HeadBucketError, HeadBucketOutput, HeadBucketRequest};
use emulator_generated::s3::operation::head_object::{HeadObjectError, HeadObjectOutput, HeadObjectRequest};
use emulator_generated::s3::operation::list_buckets::{ListBucketsError, ListBucketsOutput, ListBucketsRequest};
use emulator_generated::s3::operation::list_multipart_uploads::{
    ListMultipartUploadsError, ListMultipartUploadsOutput, ListMultipartUploadsRequest,
};
use emulator_generated::s3::operation::list_object_versions::*;
use emulator_generated::s3::operation::list_objects::{ListObjectsError, ListObjectsOutput, ListObjectsRequest};
use emulator_generated::s3::operation::list_objects_v2::{
    ListObjectsV2Error, ListObjectsV2Output, ListObjectsV2Request,
};
use emulator_generated::s3::operation::list_parts::{ListPartsError, ListPartsOutput, ListPartsRequest};
use emulator_generated::s3::operation::put_bucket_cors::*;
use emulator_generated::s3::operation::put_bucket_policy::*;
use emulator_generated::s3::operation::put_bucket_tagging::*;
use emulator_generated::s3::operation::put_bucket_versioning::*;
use emulator_generated::s3::operation::put_object::{PutObjectError, PutObjectOutput, PutObjectRequest};
use emulator_generated::s3::operation::put_object_tagging::*;
use emulator_generated::s3::operation::select_object_content::{
    SelectObjectContentError, SelectObjectContentOutput, SelectObjectContentRequest,
};
use emulator_generated::s3::operation::upload_part::{UploadPartError, UploadPartOutput, UploadPartRequest};
use emulator_generated::s3::operation::upload_part_copy::{
    UploadPartCopyError, UploadPartCopyOutput, UploadPartCopyRequest,
};
use emulator_generated::s3::service::AmazonS3;
use emulator_generated::s3::types::{
    Bucket, ChecksumMode, CommonPrefix, CopyObjectResult, CopyPartResult, DeleteMarkerEntry, DeletedObject,
    EncodingType, Error as S3Error, Initiator, MetadataDirective, Object, ObjectStorageClass, ObjectVersion,
    ObjectVersionStorageClass, Owner, Tag,
};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::REGION;
use crate::ids::Ids;
use crate::quota::{Budget, Charge};
use crate::s3_config::{self, BucketConfig};
use crate::s3_multipart::{self as multipart, PartRecord, StoredPart, Upload, UploadRecord};
use crate::s3_versions::{self as versions, Past, VersionRecord, Versioning};
use crate::store::{Change, Store, StoreError};

/// Where an object's bytes are: in memory, or (with `--data-dir`) in a
/// file of the data directory, by id, never read whole into memory.
#[derive(Clone)]
pub enum Body {
    Memory(bytes::Bytes),
    File { id: String, len: u64 },
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Memory(bytes) => bytes.len() as u64,
            Body::File { len, .. } => *len,
        }
    }
}

/// An object: its bytes and what was said of them.
pub(crate) struct Stored {
    body: Body,
    e_tag: String,
    content_type: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    last_modified: Timestamp,
    tags: Vec<(String, String)>,
    /// Its version (`null` in a bucket never versioned, or suspended).
    version_id: String,
    /// The checksums the client sent with it, by algorithm (`CRC32`,
    /// `SHA256`...), each as sent (base64), checked by the runtime.
    checksums: BTreeMap<String, String>,
    /// The sizes of the parts of an object uploaded in parts (for
    /// `partNumber`); empty for one sent whole.
    part_sizes: Vec<u64>,
    /// A body in memory's share of the state budget.
    charge: Option<Charge>,
}

impl Stored {
    pub(crate) fn version_id(&self) -> &str {
        &self.version_id
    }

    fn new(
        body: Body,
        e_tag: String,
        content_type: Option<String>,
        metadata: Option<BTreeMap<String, String>>,
    ) -> Self {
        Stored {
            body,
            e_tag,
            content_type,
            metadata,
            last_modified: now(),
            tags: Vec::new(),
            version_id: versions::NULL.to_string(),
            checksums: BTreeMap::new(),
            part_sizes: Vec::new(),
            charge: None,
        }
    }
}

struct StoredBucket {
    created: Timestamp,
    /// The current version of each object.
    objects: BTreeMap<String, Stored>,
    /// The versions that are not current, oldest first, by key: earlier
    /// objects and delete markers (a key whose latest is a marker has no
    /// current object).
    history: BTreeMap<String, Vec<Past>>,
    config: BucketConfig,
}

impl StoredBucket {
    fn new(created: Timestamp, config: BucketConfig) -> Self {
        StoredBucket { created, objects: BTreeMap::new(), history: BTreeMap::new(), config }
    }

    fn versioning(&self) -> Versioning {
        Versioning::of(self.config.versioning.as_deref())
    }

    /// The version id to answer for an object of this bucket: none in a
    /// bucket never versioned.
    fn answered_version(&self, version_id: &str) -> Option<String> {
        (self.versioning() != Versioning::Never).then(|| version_id.to_string())
    }
}

/// A bucket as the data directory keeps it (kind `bucket`, keyed by name).
#[derive(Serialize, Deserialize)]
struct BucketRecord {
    created: (i64, u32),
    #[serde(default)]
    config: BucketConfig,
}

/// An object as the data directory keeps it (kind `object`, keyed by
/// `bucket/key`, for a current version; in a [`VersionRecord`] for an
/// earlier one): its body is the file `body`.
#[derive(Serialize, Deserialize)]
pub(crate) struct ObjectRecord {
    body: String,
    size: u64,
    e_tag: String,
    content_type: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    last_modified: (i64, u32),
    #[serde(default)]
    tags: Vec<(String, String)>,
    #[serde(default = "versions::null")]
    version_id: String,
    #[serde(default)]
    checksums: BTreeMap<String, String>,
    #[serde(default)]
    part_sizes: Vec<u64>,
}

impl ObjectRecord {
    fn stored(self) -> Option<Stored> {
        Some(Stored {
            body: Body::File { id: self.body, len: self.size },
            e_tag: self.e_tag,
            content_type: self.content_type,
            metadata: self.metadata,
            last_modified: timestamp(self.last_modified)?,
            tags: self.tags,
            version_id: self.version_id,
            checksums: self.checksums,
            part_sizes: self.part_sizes,
            charge: None,
        })
    }
}

/// The store's name of S3's records.
const SERVICE: &str = "s3";

/// The buckets, by name, and where they are kept.
pub struct S3 {
    buckets: Mutex<BTreeMap<String, StoredBucket>>,
    /// Multipart uploads under way, by id.
    uploads: Mutex<BTreeMap<String, Upload>>,
    store: Arc<Store>,
    ids: Ids,
    /// The key of the next record of an earlier version (kind `version`).
    next_version: std::sync::atomic::AtomicU64,
    /// What bodies kept in memory are charged to.
    budget: Arc<Budget>,
}

impl S3 {
    /// S3 keeping its state in `store`, with what an earlier run left there;
    /// bodies kept in memory are charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let mut buckets = BTreeMap::new();
        let mut named = HashSet::new();
        let records = store.records(SERVICE)?;
        let corrupt = |what: &str| StoreError::corrupt(format!("an S3 {what} record"));
        for record in records.iter().filter(|record| record.kind == "bucket") {
            let bucket: BucketRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt("bucket"))?;
            let created = timestamp(bucket.created).ok_or_else(|| corrupt("bucket"))?;
            let config = bucket.config;
            buckets.insert(record.key.clone(), StoredBucket::new(created, config));
        }
        for record in records.iter().filter(|record| record.kind == "object") {
            let object: ObjectRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt("object"))?;
            let (bucket, key) = record.key.split_once('/').ok_or_else(|| corrupt("object"))?;
            let bucket = buckets.get_mut(bucket).ok_or_else(|| corrupt("object"))?;
            named.insert(object.body.clone());
            bucket.objects.insert(key.to_string(), object.stored().ok_or_else(|| corrupt("object"))?);
        }
        // Earlier versions, in the order they were made (their keys' order).
        let mut next_version = 0;
        for record in records.iter().filter(|record| record.kind == "version") {
            let version: VersionRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt("version"))?;
            let (bucket, seq) = record.key.split_once('/').ok_or_else(|| corrupt("version"))?;
            let seq: u64 = seq.parse().map_err(|_| corrupt("version"))?;
            next_version = next_version.max(seq + 1);
            let bucket = buckets.get_mut(bucket).ok_or_else(|| corrupt("version"))?;
            let past = match version.object {
                Some(object) => {
                    named.insert(object.body.clone());
                    Past::Object { seq, stored: Box::new(object.stored().ok_or_else(|| corrupt("version"))?) }
                }
                None => Past::Marker {
                    seq,
                    version_id: version.version_id,
                    last_modified: timestamp(version.last_modified).ok_or_else(|| corrupt("version"))?,
                },
            };
            bucket.history.entry(version.key).or_default().push(past);
        }
        let mut uploads = BTreeMap::new();
        for record in records.iter().filter(|record| record.kind == "upload") {
            let upload: UploadRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt("upload"))?;
            uploads.insert(
                record.key.clone(),
                Upload {
                    bucket: upload.bucket,
                    key: upload.key,
                    initiated: timestamp(upload.initiated).ok_or_else(|| corrupt("upload"))?,
                    content_type: upload.content_type,
                    metadata: upload.metadata,
                    parts: BTreeMap::new(),
                },
            );
        }
        for record in records.iter().filter(|record| record.kind == "part") {
            let part: PartRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt("part"))?;
            let (upload, number) = record.key.split_once('/').ok_or_else(|| corrupt("part"))?;
            let number: i32 = number.parse().map_err(|_| corrupt("part"))?;
            let upload = uploads.get_mut(upload).ok_or_else(|| corrupt("part"))?;
            named.insert(part.body.clone());
            let last_modified = timestamp(part.last_modified).ok_or_else(|| corrupt("part"))?;
            let body = Body::File { id: part.body, len: part.size };
            upload.parts.insert(number, StoredPart { body, md5: part.md5, last_modified, _charge: None });
        }
        store.sweep_bodies(&named)?;
        Ok(S3 {
            buckets: Mutex::new(buckets),
            uploads: Mutex::new(uploads),
            store,
            ids: Ids::new(),
            next_version: std::sync::atomic::AtomicU64::new(next_version),
            budget,
        })
    }

    /// Forgets every bucket.
    pub fn reset(&self) {
        let mut buckets = self.buckets();
        buckets.clear();
        self.uploads().clear();
        let cleared = self.store.clear(SERVICE).and_then(|()| self.store.sweep_bodies(&HashSet::new()));
        if let Err(e) = cleared {
            tracing::error!(%e, "S3's reset");
        }
    }

    fn buckets(&self) -> MutexGuard<'_, BTreeMap<String, StoredBucket>> {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn uploads(&self) -> MutexGuard<'_, BTreeMap<String, Upload>> {
        self.uploads.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Commits `change` to S3's records: the caller answers only once it
    /// has (an error is S3's `InternalError`).
    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(internal_error)
    }
}

/// A time as records keep it: epoch seconds and nanoseconds.
fn parts(time: Timestamp) -> (i64, u32) {
    (time.epoch_seconds(), time.subsec_nanos())
}

fn timestamp((seconds, nanos): (i64, u32)) -> Option<Timestamp> {
    Timestamp::from_parts(seconds, nanos)
}

/// S3's `InternalError` for a failure of the data directory (logged, not
/// sent).
fn internal_error(e: impl std::fmt::Display) -> UnmodelledError {
    tracing::error!(%e, "S3 could not keep its state");
    UnmodelledError::server("InternalError", "We encountered an internal error. Please try again.").with_status(500)
}

fn now() -> Timestamp {
    crate::now().unwrap_or_else(|| Timestamp::from_epoch_seconds(0).expect("the epoch"))
}

pub fn owner() -> Owner {
    Owner { display_name: Some("emulator".to_string()), id: Some(format!("{:064x}", 0)) }
}

/// An error S3 answers that the model does not list.
pub fn s3_error(status: u16, code: &str, message: &str) -> UnmodelledError {
    UnmodelledError::client(code, message).with_status(status)
}

impl AmazonS3 for S3 {
    async fn get_bucket_tagging(
        &self,
        _: &RequestContext,
        input: GetBucketTaggingRequest,
    ) -> Result<GetBucketTaggingOutput, GetBucketTaggingError> {
        let config = self.config(&input.bucket)?;
        let tags = config.tags.ok_or_else(|| s3_error(404, "NoSuchTagSet", "The TagSet does not exist"))?;
        Ok(GetBucketTaggingOutput { tag_set: s3_config::to_tags(&tags) })
    }

    async fn put_bucket_tagging(
        &self,
        _: &RequestContext,
        input: PutBucketTaggingRequest,
    ) -> Result<Unit, PutBucketTaggingError> {
        let tags = s3_config::from_tags(input.tagging.tag_set, 50)?;
        self.configure(&input.bucket, |config| config.tags = Some(tags))?;
        Ok(Unit {})
    }

    async fn delete_bucket_tagging(
        &self,
        _: &RequestContext,
        input: DeleteBucketTaggingRequest,
    ) -> Result<Unit, DeleteBucketTaggingError> {
        self.configure(&input.bucket, |config| config.tags = None)?;
        Ok(Unit {})
    }

    async fn get_bucket_versioning(
        &self,
        _: &RequestContext,
        input: GetBucketVersioningRequest,
    ) -> Result<GetBucketVersioningOutput, GetBucketVersioningError> {
        let config = self.config(&input.bucket)?;
        // A bucket never versioned has no status.
        let status = config.versioning.as_deref().and_then(|status| status.parse().ok());
        Ok(GetBucketVersioningOutput { status, ..Default::default() })
    }

    async fn put_bucket_versioning(
        &self,
        _: &RequestContext,
        input: PutBucketVersioningRequest,
    ) -> Result<Unit, PutBucketVersioningError> {
        let status = input.versioning_configuration.status.map(|status| status.as_str().to_string());
        self.configure(&input.bucket, |config| {
            if status.is_some() {
                config.versioning = status;
            }
        })?;
        Ok(Unit {})
    }

    async fn get_bucket_cors(
        &self,
        _: &RequestContext,
        input: GetBucketCorsRequest,
    ) -> Result<GetBucketCorsOutput, GetBucketCorsError> {
        let config = self.config(&input.bucket)?;
        let rules = config
            .cors
            .ok_or_else(|| s3_error(404, "NoSuchCORSConfiguration", "The CORS configuration does not exist"))?;
        Ok(GetBucketCorsOutput { cors_rules: Some(rules.into_iter().map(Into::into).collect()) })
    }

    async fn put_bucket_cors(
        &self,
        _: &RequestContext,
        input: PutBucketCorsRequest,
    ) -> Result<Unit, PutBucketCorsError> {
        let rules = input.cors_configuration.cors_rules;
        if rules.is_empty() || rules.len() > 100 {
            return Err(s3_error(
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema",
            )
            .into());
        }
        let rules = rules.into_iter().map(Into::into).collect();
        self.configure(&input.bucket, |config| config.cors = Some(rules))?;
        Ok(Unit {})
    }

    async fn delete_bucket_cors(
        &self,
        _: &RequestContext,
        input: DeleteBucketCorsRequest,
    ) -> Result<Unit, DeleteBucketCorsError> {
        self.configure(&input.bucket, |config| config.cors = None)?;
        Ok(Unit {})
    }

    async fn get_bucket_policy(
        &self,
        _: &RequestContext,
        input: GetBucketPolicyRequest,
    ) -> Result<GetBucketPolicyOutput, GetBucketPolicyError> {
        let config = self.config(&input.bucket)?;
        let policy =
            config.policy.ok_or_else(|| s3_error(404, "NoSuchBucketPolicy", "The bucket policy does not exist"))?;
        Ok(GetBucketPolicyOutput { policy: Some(policy) })
    }

    async fn put_bucket_policy(
        &self,
        _: &RequestContext,
        input: PutBucketPolicyRequest,
    ) -> Result<Unit, PutBucketPolicyError> {
        // A policy is a JSON document; what it allows is not enforced here.
        if serde_json::from_str::<serde_json::Value>(&input.policy).map_or(true, |policy| !policy.is_object()) {
            return Err(
                s3_error(400, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'").into()
            );
        }
        self.configure(&input.bucket, |config| config.policy = Some(input.policy))?;
        Ok(Unit {})
    }

    async fn delete_bucket_policy(
        &self,
        _: &RequestContext,
        input: DeleteBucketPolicyRequest,
    ) -> Result<Unit, DeleteBucketPolicyError> {
        self.configure(&input.bucket, |config| config.policy = None)?;
        Ok(Unit {})
    }

    async fn get_object_tagging(
        &self,
        _: &RequestContext,
        input: GetObjectTaggingRequest,
    ) -> Result<GetObjectTaggingOutput, GetObjectTaggingError> {
        let buckets = self.buckets();
        let (bucket, object) = find(&buckets, &input.bucket, &input.key, input.version_id.as_deref()).map_err(
            |missing| match missing {
                Missing::Bucket => no_such_bucket(),
                Missing::Key => no_such_key(),
                Missing::Version(e) => e,
            },
        )?;
        Ok(GetObjectTaggingOutput {
            tag_set: s3_config::to_tags(&object.tags),
            version_id: bucket.answered_version(&object.version_id),
        })
    }

    async fn put_object_tagging(
        &self,
        _: &RequestContext,
        input: PutObjectTaggingRequest,
    ) -> Result<PutObjectTaggingOutput, PutObjectTaggingError> {
        let tags = s3_config::from_tags(input.tagging.tag_set, 10)?;
        self.tag_object(&input.bucket, &input.key, tags)?;
        Ok(PutObjectTaggingOutput::default())
    }

    async fn delete_object_tagging(
        &self,
        _: &RequestContext,
        input: DeleteObjectTaggingRequest,
    ) -> Result<DeleteObjectTaggingOutput, DeleteObjectTaggingError> {
        self.tag_object(&input.bucket, &input.key, Vec::new())?;
        Ok(DeleteObjectTaggingOutput::default())
    }

    async fn list_object_versions(
        &self,
        _: &RequestContext,
        input: ListObjectVersionsRequest,
    ) -> Result<ListObjectVersionsOutput, ListObjectVersionsError> {
        let url = input.encoding_type == Some(EncodingType::Url);
        let encode = |text: &str| if url { url_encode(text) } else { text.to_string() };
        let buckets = self.buckets();
        let bucket = buckets.get(&input.bucket).ok_or_else(no_such_bucket)?;
        let max_keys = input.max_keys.unwrap_or(1000).clamp(0, 1000) as usize;
        // Every key with a version: current objects, and keys whose latest
        // is a delete marker. A page holds every version of its keys.
        let after = input.key_marker.clone().unwrap_or_default();
        let keys: std::collections::BTreeSet<&String> = bucket
            .objects
            .range(after.clone()..)
            .map(|(key, _)| key)
            .chain(bucket.history.range(after.clone()..).map(|(key, _)| key))
            .filter(|key| **key != after)
            .collect();
        let walked =
            walk(keys.into_iter(), input.prefix.as_deref().unwrap_or_default(), input.delimiter.as_deref(), max_keys);
        let mut versions = Vec::new();
        let mut markers = Vec::new();
        for key in &walked.keys {
            let current = bucket.objects.get(key);
            let history = bucket.history.get(key).map(Vec::as_slice).unwrap_or_default();
            // Newest first: the current object, then the earlier versions.
            let mut latest = true;
            let object_version = |object: &Stored, is_latest: bool| ObjectVersion {
                e_tag: Some(object.e_tag.clone()),
                size: i64::try_from(object.body.len()).ok(),
                storage_class: Some(ObjectVersionStorageClass::Standard),
                key: Some(encode(key)),
                version_id: Some(object.version_id.clone()),
                is_latest: Some(is_latest),
                last_modified: Some(DateTime(object.last_modified)),
                owner: Some(owner()),
                ..Default::default()
            };
            if let Some(object) = current {
                versions.push(object_version(object, true));
                latest = false;
            }
            for past in history.iter().rev() {
                match past {
                    Past::Object { stored, .. } => versions.push(object_version(stored, latest)),
                    Past::Marker { version_id, last_modified, .. } => markers.push(DeleteMarkerEntry {
                        owner: Some(owner()),
                        key: Some(encode(key)),
                        version_id: Some(version_id.clone()),
                        is_latest: Some(latest),
                        last_modified: Some(DateTime(*last_modified)),
                    }),
                }
                latest = false;
            }
        }
        let truncated = walked.truncated;
        Ok(ListObjectVersionsOutput {
            is_truncated: Some(truncated),
            key_marker: input.key_marker.as_deref().map(encode),
            version_id_marker: input.version_id_marker,
            next_key_marker: if truncated { walked.last.as_deref().map(encode) } else { None },
            versions: (!versions.is_empty()).then_some(versions),
            delete_markers: (!markers.is_empty()).then_some(markers),
            name: Some(input.bucket),
            prefix: input.prefix.as_deref().map(encode),
            delimiter: input.delimiter.as_deref().map(encode),
            max_keys: i32::try_from(max_keys).ok(),
            common_prefixes: (!walked.prefixes.is_empty())
                .then(|| walked.prefixes.iter().map(|prefix| CommonPrefix { prefix: Some(encode(prefix)) }).collect()),
            encoding_type: input.encoding_type,
            ..Default::default()
        })
    }

    async fn create_multipart_upload(
        &self,
        _: &RequestContext,
        input: CreateMultipartUploadRequest,
    ) -> Result<CreateMultipartUploadOutput, CreateMultipartUploadError> {
        let buckets = self.buckets();
        if !buckets.contains_key(&input.bucket) {
            return Err(no_such_bucket().into());
        }
        let id = self.ids.uuid().replace('-', "");
        let upload = Upload {
            bucket: input.bucket.clone(),
            key: input.key.clone(),
            initiated: now(),
            content_type: input.content_type,
            metadata: input.metadata.filter(|metadata| !metadata.is_empty()),
            parts: BTreeMap::new(),
        };
        let record = UploadRecord {
            bucket: upload.bucket.clone(),
            key: upload.key.clone(),
            initiated: parts(upload.initiated),
            content_type: upload.content_type.clone(),
            metadata: upload.metadata.clone(),
        };
        self.commit(Change::default().put("upload", id.clone(), crate::store::record(&record)))?;
        self.uploads().insert(id.clone(), upload);
        Ok(CreateMultipartUploadOutput {
            bucket: Some(input.bucket),
            key: Some(input.key),
            upload_id: Some(id),
            ..Default::default()
        })
    }

    async fn upload_part(
        &self,
        _: &RequestContext,
        input: UploadPartRequest,
    ) -> Result<UploadPartOutput, UploadPartError> {
        multipart::check_part_number(input.part_number)?;
        self.upload_of(&input.upload_id, &input.bucket, &input.key)?;
        let received = self.receive(input.body).await?;
        let md5 = received.md5.clone();
        self.keep_part(&input.upload_id, input.part_number, received.body, received.md5)?;
        Ok(UploadPartOutput { e_tag: Some(format!("\"{md5}\"")), ..Default::default() })
    }

    async fn upload_part_copy(
        &self,
        _: &RequestContext,
        input: UploadPartCopyRequest,
    ) -> Result<UploadPartCopyOutput, UploadPartCopyError> {
        multipart::check_part_number(input.part_number)?;
        self.upload_of(&input.upload_id, &input.bucket, &input.key)?;
        let source = self.copy_source(&input.copy_source, input.copy_source_if_match.as_deref())?.body;
        let total = usize::try_from(source.len()).map_err(internal_error)?;
        let range = match input.copy_source_range.as_deref() {
            Some(range) => byte_range(range, total).map_err(|()| {
                s3_error(400, "InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
            })?,
            None => 0..total,
        };
        let (body, md5) = self.copied(&source, range).await?;
        self.keep_part(&input.upload_id, input.part_number, body, md5.clone())?;
        Ok(UploadPartCopyOutput {
            copy_part_result: Some(CopyPartResult {
                e_tag: Some(format!("\"{md5}\"")),
                last_modified: Some(DateTime(now())),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    async fn complete_multipart_upload(
        &self,
        _: &RequestContext,
        input: CompleteMultipartUploadRequest,
    ) -> Result<CompleteMultipartUploadOutput, CompleteMultipartUploadError> {
        let listed = input.multipart_upload.and_then(|upload| upload.parts).unwrap_or_default();
        // The parts are chosen and checked under the lock, joined after it.
        let (bodies, e_tag, content_type, metadata) = {
            let uploads = self.uploads();
            let upload = uploads.get(&input.upload_id).filter(|u| u.bucket == input.bucket && u.key == input.key);
            let upload = upload.ok_or_else(multipart::no_such_upload)?;
            let (chosen, e_tag) = multipart::chosen(upload, &listed)?;
            let bodies: Vec<Body> = chosen.iter().map(|part| part.body.clone()).collect();
            (bodies, e_tag, upload.content_type.clone(), upload.metadata.clone())
        };
        let body = self.join(&bodies).await?;
        let mut stored = Stored::new(body, e_tag.clone(), content_type, metadata);
        stored.part_sizes = bodies.iter().map(Body::len).collect();
        let (installed, upload) = {
            let mut buckets = self.buckets();
            let mut uploads = self.uploads();
            if !uploads.contains_key(&input.upload_id) {
                drop((buckets, uploads));
                self.forget(&stored.body);
                return Err(multipart::no_such_upload().into());
            }
            let mut change = Change::default().delete("upload", input.upload_id.clone());
            for number in uploads[&input.upload_id].parts.keys() {
                change = change.delete("part", multipart::part_key(&input.upload_id, *number));
            }
            let installed = self.install(&mut buckets, &input.bucket, &input.key, stored, change);
            let upload = if installed.outcome.is_ok() { uploads.remove(&input.upload_id) } else { None };
            (installed, upload)
        };
        for part in upload.into_iter().flat_map(|upload| upload.parts.into_values()) {
            self.forget(&part.body);
        }
        let version_id = self.settle(installed)?;
        Ok(CompleteMultipartUploadOutput {
            location: Some(format!("/{}/{}", input.bucket, input.key)),
            bucket: Some(input.bucket),
            key: Some(input.key),
            e_tag: Some(e_tag),
            version_id,
            ..Default::default()
        })
    }

    async fn abort_multipart_upload(
        &self,
        _: &RequestContext,
        input: AbortMultipartUploadRequest,
    ) -> Result<AbortMultipartUploadOutput, AbortMultipartUploadError> {
        let upload = {
            let mut uploads = self.uploads();
            let found = uploads.get(&input.upload_id).filter(|u| u.bucket == input.bucket && u.key == input.key);
            let upload = found.ok_or_else(multipart::no_such_upload)?;
            let mut change = Change::default().delete("upload", input.upload_id.clone());
            for number in upload.parts.keys() {
                change = change.delete("part", multipart::part_key(&input.upload_id, *number));
            }
            self.commit(change)?;
            uploads.remove(&input.upload_id)
        };
        for part in upload.into_iter().flat_map(|upload| upload.parts.into_values()) {
            self.forget(&part.body);
        }
        Ok(AbortMultipartUploadOutput::default())
    }

    async fn list_parts(&self, _: &RequestContext, input: ListPartsRequest) -> Result<ListPartsOutput, ListPartsError> {
        let uploads = self.uploads();
        let upload = uploads.get(&input.upload_id).filter(|u| u.bucket == input.bucket && u.key == input.key);
        let upload = upload.ok_or_else(multipart::no_such_upload)?;
        let max = input.max_parts.unwrap_or(1000).clamp(0, 1000) as usize;
        let after: i32 = input.part_number_marker.as_deref().and_then(|m| m.parse().ok()).unwrap_or(0);
        let mut listed: Vec<(i32, &StoredPart)> =
            upload.parts.range(after + 1..).map(|(number, part)| (*number, part)).take(max + 1).collect();
        let truncated = listed.len() > max;
        listed.truncate(max);
        let next = truncated.then(|| listed.last().map(|(number, _)| number.to_string())).flatten();
        Ok(ListPartsOutput {
            bucket: Some(input.bucket),
            key: Some(input.key),
            upload_id: Some(input.upload_id),
            part_number_marker: input.part_number_marker,
            next_part_number_marker: next,
            max_parts: i32::try_from(max).ok(),
            is_truncated: Some(truncated),
            parts: Some(listed.into_iter().map(|(number, part)| multipart::part(number, part)).collect()),
            initiator: Some(Initiator { id: owner().id, display_name: owner().display_name }),
            owner: Some(owner()),
            ..Default::default()
        })
    }

    async fn list_multipart_uploads(
        &self,
        _: &RequestContext,
        input: ListMultipartUploadsRequest,
    ) -> Result<ListMultipartUploadsOutput, ListMultipartUploadsError> {
        if !self.buckets().contains_key(&input.bucket) {
            return Err(no_such_bucket().into());
        }
        let prefix = input.prefix.clone().unwrap_or_default();
        let max = input.max_uploads.unwrap_or(1000).clamp(0, 1000) as usize;
        let uploads = self.uploads();
        let mut listed: Vec<(&String, &Upload)> = uploads
            .iter()
            .filter(|(_, upload)| upload.bucket == input.bucket && upload.key.starts_with(&prefix))
            .filter(|(_, upload)| input.key_marker.as_deref().is_none_or(|marker| upload.key.as_str() > marker))
            .collect();
        listed
            .sort_by(|a, b| (&a.1.key, a.1.initiated.epoch_seconds()).cmp(&(&b.1.key, b.1.initiated.epoch_seconds())));
        let truncated = listed.len() > max;
        listed.truncate(max);
        let next_key = truncated.then(|| listed.last().map(|(_, upload)| upload.key.clone())).flatten();
        let next_id = truncated.then(|| listed.last().map(|(id, _)| (*id).clone())).flatten();
        Ok(ListMultipartUploadsOutput {
            bucket: Some(input.bucket),
            key_marker: input.key_marker,
            upload_id_marker: input.upload_id_marker,
            next_key_marker: next_key,
            next_upload_id_marker: next_id,
            prefix: input.prefix,
            max_uploads: i32::try_from(max).ok(),
            is_truncated: Some(truncated),
            uploads: Some(listed.into_iter().map(|(id, upload)| multipart::listed(id, upload)).collect()),
            encoding_type: input.encoding_type,
            ..Default::default()
        })
    }

    async fn delete_objects(
        &self,
        _: &RequestContext,
        input: DeleteObjectsRequest,
    ) -> Result<DeleteObjectsOutput, DeleteObjectsError> {
        if input.delete.objects.len() > 1000 {
            return Err(s3_error(
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema",
            )
            .into());
        }
        let quiet = input.delete.quiet.unwrap_or(false);
        let mut deleted = Vec::new();
        let mut errors = Vec::new();
        let mut released = Vec::new();
        {
            let mut buckets = self.buckets();
            let Some(bucket) = buckets.get_mut(&input.bucket) else { return Err(no_such_bucket().into()) };
            for object in input.delete.objects {
                let (outcome, freed) =
                    self.delete_version(&input.bucket, bucket, &object.key, object.version_id.as_deref());
                released.extend(freed);
                match outcome {
                    // Keys that were not there are deleted all the same, as in S3.
                    Ok(done) => deleted.push(DeletedObject {
                        key: Some(object.key),
                        version_id: object.version_id,
                        delete_marker: done.marker.then_some(true),
                        delete_marker_version_id: if done.marker { done.version_id } else { None },
                    }),
                    Err(e) => errors.push(S3Error {
                        key: Some(object.key),
                        version_id: object.version_id,
                        code: Some(e.type_name.clone()),
                        message: e.message.clone(),
                    }),
                }
            }
        }
        for body in &released {
            self.forget(body);
        }
        Ok(DeleteObjectsOutput {
            deleted: (!quiet && !deleted.is_empty()).then_some(deleted),
            errors: (!errors.is_empty()).then_some(errors),
            ..Default::default()
        })
    }

    async fn copy_object(
        &self,
        _: &RequestContext,
        input: CopyObjectRequest,
    ) -> Result<CopyObjectOutput, CopyObjectError> {
        let source = self.copy_source(&input.copy_source, input.copy_source_if_match.as_deref())?;
        let total = usize::try_from(source.body.len()).map_err(internal_error)?;
        let replace = input.metadata_directive == Some(MetadataDirective::Replace);
        let (content_type, metadata) = if replace {
            (input.content_type, input.metadata.filter(|metadata| !metadata.is_empty()))
        } else {
            (source.content_type, source.metadata)
        };
        let (body, md5) = self.copied(&source.body, 0..total).await?;
        let e_tag = format!("\"{md5}\"");
        let stored = Stored::new(body, e_tag.clone(), content_type, metadata);
        let last_modified = stored.last_modified;
        let version_id = self.store_object(&input.bucket, input.key, stored)?;
        Ok(CopyObjectOutput {
            copy_object_result: Some(CopyObjectResult {
                e_tag: Some(e_tag),
                last_modified: Some(DateTime(last_modified)),
                ..Default::default()
            }),
            copy_source_version_id: source.version_id,
            version_id,
            ..Default::default()
        })
    }

    async fn list_objects(
        &self,
        _: &RequestContext,
        input: ListObjectsRequest,
    ) -> Result<ListObjectsOutput, ListObjectsError> {
        let page = self.page(
            &input.bucket,
            input.prefix.as_deref(),
            input.delimiter.as_deref(),
            input.marker.as_deref(),
            input.max_keys,
            input.encoding_type == Some(EncodingType::Url),
            false,
        )?;
        let encode = |text: &str| {
            if input.encoding_type == Some(EncodingType::Url) { url_encode(text) } else { text.to_string() }
        };
        // Version 1 gives the next marker only with a delimiter; clients
        // take the last key otherwise.
        let next_marker = (page.truncated && input.delimiter.is_some()).then(|| page.last.clone()).flatten();
        Ok(ListObjectsOutput {
            is_truncated: Some(page.truncated),
            marker: Some(input.marker.as_deref().map(encode).unwrap_or_default()),
            next_marker: next_marker.as_deref().map(encode),
            contents: (!page.contents.is_empty()).then_some(page.contents),
            name: Some(input.bucket),
            prefix: Some(input.prefix.as_deref().map(encode).unwrap_or_default()),
            delimiter: input.delimiter.as_deref().map(encode),
            max_keys: i32::try_from(page.max_keys).ok(),
            common_prefixes: (!page.prefixes.is_empty())
                .then(|| page.prefixes.iter().map(|prefix| CommonPrefix { prefix: Some(encode(prefix)) }).collect()),
            encoding_type: input.encoding_type,
            ..Default::default()
        })
    }

    async fn get_bucket_location(
        &self,
        _: &RequestContext,
        input: GetBucketLocationRequest,
    ) -> Result<GetBucketLocationOutput, GetBucketLocationError> {
        if !self.buckets().contains_key(&input.bucket) {
            return Err(no_such_bucket().into());
        }
        // us-east-1 is S3's empty location constraint.
        Ok(GetBucketLocationOutput { location_constraint: None })
    }

    async fn select_object_content(
        &self,
        _: &RequestContext,
        input: SelectObjectContentRequest,
    ) -> Result<SelectObjectContentOutput, SelectObjectContentError> {
        let bytes = {
            let buckets = self.buckets();
            let bucket = buckets.get(&input.bucket).ok_or_else(no_such_bucket)?;
            let object = bucket.objects.get(&input.key).ok_or_else(no_such_key)?;
            object.body.clone()
        };
        let bytes = match bytes {
            Body::Memory(bytes) => bytes,
            Body::File { id, .. } => {
                let path = self.store.body(&id).ok_or_else(|| internal_error("a body without a directory"))?;
                bytes::Bytes::from(tokio::fs::read(path).await.map_err(internal_error)?)
            }
        };
        let events = crate::s3_select::select(
            &bytes,
            &input.expression,
            &input.input_serialization,
            &input.output_serialization,
        )?;
        Ok(SelectObjectContentOutput { payload: events.into_iter().collect() })
    }

    async fn create_bucket(
        &self,
        _: &RequestContext,
        input: CreateBucketRequest,
    ) -> Result<CreateBucketOutput, CreateBucketError> {
        if !valid_bucket_name(&input.bucket) {
            return Err(s3_error(400, "InvalidBucketName", "The specified bucket is not valid.").into());
        }
        let mut buckets = self.buckets();
        if buckets.contains_key(&input.bucket) {
            return Err(BucketAlreadyOwnedByYou {}.into());
        }
        let bucket = StoredBucket::new(now(), BucketConfig::default());
        self.commit(Change::default().put("bucket", input.bucket.clone(), bucket_record(&bucket)))?;
        buckets.insert(input.bucket.clone(), bucket);
        Ok(CreateBucketOutput { location: Some(format!("/{}", input.bucket)) })
    }

    async fn delete_bucket(&self, _: &RequestContext, input: DeleteBucketRequest) -> Result<Unit, DeleteBucketError> {
        let mut buckets = self.buckets();
        let Some(bucket) = buckets.get(&input.bucket) else {
            return Err(no_such_bucket().into());
        };
        if !bucket.objects.is_empty() || !bucket.history.is_empty() {
            return Err(s3_error(409, "BucketNotEmpty", "The bucket you tried to delete is not empty").into());
        }
        self.commit(Change::default().delete("bucket", input.bucket.clone()))?;
        buckets.remove(&input.bucket);
        Ok(Unit {})
    }

    async fn head_bucket(
        &self,
        _: &RequestContext,
        input: HeadBucketRequest,
    ) -> Result<HeadBucketOutput, HeadBucketError> {
        if !self.buckets().contains_key(&input.bucket) {
            return Err(NotFound {}.into());
        }
        Ok(HeadBucketOutput { bucket_region: Some(REGION.to_string()), ..Default::default() })
    }

    async fn list_buckets(
        &self,
        _: &RequestContext,
        input: ListBucketsRequest,
    ) -> Result<ListBucketsOutput, ListBucketsError> {
        let prefix = input.prefix.clone().unwrap_or_default();
        let buckets = self
            .buckets()
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .map(|(name, bucket)| Bucket {
                name: Some(name.clone()),
                creation_date: Some(DateTime(bucket.created)),
                bucket_region: Some(REGION.to_string()),
            })
            .collect();
        Ok(ListBucketsOutput {
            buckets: Some(buckets),
            owner: Some(owner()),
            prefix: input.prefix,
            ..Default::default()
        })
    }

    async fn put_object(&self, _: &RequestContext, input: PutObjectRequest) -> Result<PutObjectOutput, PutObjectError> {
        if !self.buckets().contains_key(&input.bucket) {
            return Err(no_such_bucket().into());
        }
        // A body the runtime found short, or whose checksum is wrong, ends
        // in an error here: nothing is stored, and the runtime answers it.
        let tags = match input.tagging.as_deref() {
            Some(query) => s3_config::from_tags(tags_of_query(query), 10)?,
            None => Vec::new(),
        };
        let received = self.receive(input.body).await?;
        let trailers = received.trailers;
        // A checksum sent after the data (aws-chunked's trailer), checked
        // by the runtime, is the object's as one sent in a header is.
        let trailer =
            |name: &str| trailers.as_ref().and_then(|trailers| trailers.get(name)?.to_str().ok().map(str::to_string));
        let e_tag = format!("\"{}\"", received.md5);
        let size = i64::try_from(received.body.len()).ok();
        let checksums: BTreeMap<String, String> = [
            ("CRC32", input.checksum_crc32.or_else(|| trailer("x-amz-checksum-crc32"))),
            ("CRC32C", input.checksum_crc32_c.or_else(|| trailer("x-amz-checksum-crc32c"))),
            ("CRC64NVME", input.checksum_crc64_nvme.or_else(|| trailer("x-amz-checksum-crc64nvme"))),
            ("SHA1", input.checksum_sha1.or_else(|| trailer("x-amz-checksum-sha1"))),
            ("SHA256", input.checksum_sha256.or_else(|| trailer("x-amz-checksum-sha256"))),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_string(), value?)))
        .collect();
        let mut stored = Stored::new(
            received.body,
            e_tag.clone(),
            input.content_type,
            input.metadata.filter(|metadata| !metadata.is_empty()),
        );
        stored.tags = tags;
        stored.checksums = checksums.clone();
        let version_id = self.store_object(&input.bucket, input.key, stored)?;
        let checksum = |name: &str| checksums.get(name).cloned();
        Ok(PutObjectOutput {
            e_tag: Some(e_tag),
            checksum_crc32: checksum("CRC32"),
            checksum_crc32_c: checksum("CRC32C"),
            checksum_crc64_nvme: checksum("CRC64NVME"),
            checksum_sha1: checksum("SHA1"),
            checksum_sha256: checksum("SHA256"),
            size,
            version_id,
            ..Default::default()
        })
    }

    async fn get_object(&self, _: &RequestContext, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
        let conditions = Conditions {
            if_match: input.if_match.as_deref(),
            if_none_match: input.if_none_match.as_deref(),
            if_modified_since: input.if_modified_since,
            if_unmodified_since: input.if_unmodified_since,
        };
        let read = {
            let buckets = self.buckets();
            let (bucket, object) = find(&buckets, &input.bucket, &input.key, input.version_id.as_deref())
                .map_err(|missing| missing.for_get())?;
            conditions.check(object)?;
            Read::of(bucket, object, input.checksum_mode == Some(ChecksumMode::Enabled))
        };
        let total = usize::try_from(read.body.len()).map_err(internal_error)?;
        let (range, content_range) = match (input.part_number, input.range.as_deref()) {
            (Some(number), _) => {
                let range = part_range(&read.part_sizes, total, number)?;
                let content_range = format!("bytes {}-{}/{total}", range.start, range.end.max(1) - 1);
                (range, Some(content_range))
            }
            (None, None) => (0..total, None),
            (None, Some(range)) => match byte_range(range, total) {
                Ok(range) => {
                    let content_range = format!("bytes {}-{}/{total}", range.start, range.end - 1);
                    (range, Some(content_range))
                }
                Err(()) => {
                    return Err(s3_error(416, "InvalidRange", "The requested range is not satisfiable").into());
                }
            },
        };
        let whole = content_range.is_none();
        let length = range.len();
        let body = match &read.body {
            Body::Memory(bytes) => ByteStream::from(bytes.slice(range)),
            Body::File { id, .. } => {
                let path = self.store.body(id).ok_or_else(|| internal_error("a body without a directory"))?;
                let file = crate::file_body::FileBody::open(&path, range.start as u64, length as u64)
                    .await
                    .map_err(internal_error)?;
                ByteStream::from_body(file)
            }
        };
        let checksum = |name: &str| if whole { read.checksums.get(name).cloned() } else { None };
        Ok(GetObjectOutput {
            content_length: i64::try_from(length).ok(),
            content_range,
            body,
            accept_ranges: Some("bytes".to_string()),
            e_tag: Some(read.e_tag.clone()),
            last_modified: Some(HttpDate(read.last_modified)),
            checksum_crc32: checksum("CRC32"),
            checksum_crc32_c: checksum("CRC32C"),
            checksum_crc64_nvme: checksum("CRC64NVME"),
            checksum_sha1: checksum("SHA1"),
            checksum_sha256: checksum("SHA256"),
            parts_count: read.parts_count(input.part_number),
            version_id: read.version_id,
            content_type: read.content_type,
            metadata: read.metadata,
            ..Default::default()
        })
    }

    async fn head_object(
        &self,
        _: &RequestContext,
        input: HeadObjectRequest,
    ) -> Result<HeadObjectOutput, HeadObjectError> {
        let conditions = Conditions {
            if_match: input.if_match.as_deref(),
            if_none_match: input.if_none_match.as_deref(),
            if_modified_since: input.if_modified_since,
            if_unmodified_since: input.if_unmodified_since,
        };
        let read = {
            let buckets = self.buckets();
            let (bucket, object) = find(&buckets, &input.bucket, &input.key, input.version_id.as_deref())
                .map_err(|missing| missing.for_head())?;
            conditions.check(object)?;
            Read::of(bucket, object, input.checksum_mode == Some(ChecksumMode::Enabled))
        };
        let total = read.body.len();
        let (length, content_range) = match input.part_number {
            Some(number) => {
                let range = part_range(&read.part_sizes, usize::try_from(total).map_err(internal_error)?, number)?;
                (range.len() as u64, Some(format!("bytes {}-{}/{total}", range.start, range.end.max(1) - 1)))
            }
            None => (total, None),
        };
        let whole = content_range.is_none();
        let checksum = |name: &str| if whole { read.checksums.get(name).cloned() } else { None };
        Ok(HeadObjectOutput {
            content_length: i64::try_from(length).ok(),
            content_range,
            accept_ranges: Some("bytes".to_string()),
            e_tag: Some(read.e_tag.clone()),
            last_modified: Some(HttpDate(read.last_modified)),
            checksum_crc32: checksum("CRC32"),
            checksum_crc32_c: checksum("CRC32C"),
            checksum_crc64_nvme: checksum("CRC64NVME"),
            checksum_sha1: checksum("SHA1"),
            checksum_sha256: checksum("SHA256"),
            parts_count: read.parts_count(input.part_number),
            version_id: read.version_id,
            content_type: read.content_type,
            metadata: read.metadata,
            ..Default::default()
        })
    }

    async fn delete_object(
        &self,
        _: &RequestContext,
        input: DeleteObjectRequest,
    ) -> Result<DeleteObjectOutput, DeleteObjectError> {
        let (outcome, released) = {
            let mut buckets = self.buckets();
            let Some(bucket) = buckets.get_mut(&input.bucket) else {
                return Err(no_such_bucket().into());
            };
            self.delete_version(&input.bucket, bucket, &input.key, input.version_id.as_deref())
        };
        for body in &released {
            self.forget(body);
        }
        let deleted = outcome?;
        Ok(DeleteObjectOutput {
            delete_marker: deleted.marker.then_some(true),
            version_id: deleted.version_id,
            ..Default::default()
        })
    }

    async fn list_objects_v2(
        &self,
        _: &RequestContext,
        input: ListObjectsV2Request,
    ) -> Result<ListObjectsV2Output, ListObjectsV2Error> {
        // The continuation token is the last key of the page before, as is.
        let after = input.continuation_token.clone().or(input.start_after.clone());
        let url = input.encoding_type == Some(EncodingType::Url);
        let page = self.page(
            &input.bucket,
            input.prefix.as_deref(),
            input.delimiter.as_deref(),
            after.as_deref(),
            input.max_keys,
            url,
            input.fetch_owner.unwrap_or(false),
        )?;
        let encode = |text: &str| if url { url_encode(text) } else { text.to_string() };
        let key_count = i32::try_from(page.contents.len() + page.prefixes.len()).ok();
        Ok(ListObjectsV2Output {
            is_truncated: Some(page.truncated),
            contents: (!page.contents.is_empty()).then_some(page.contents),
            name: Some(input.bucket),
            prefix: input.prefix.as_deref().map(encode),
            delimiter: input.delimiter.as_deref().map(encode),
            max_keys: i32::try_from(page.max_keys).ok(),
            common_prefixes: (!page.prefixes.is_empty())
                .then(|| page.prefixes.iter().map(|prefix| CommonPrefix { prefix: Some(encode(prefix)) }).collect()),
            encoding_type: input.encoding_type,
            key_count,
            continuation_token: input.continuation_token,
            next_continuation_token: if page.truncated { page.last } else { None },
            start_after: input.start_after.as_deref().map(encode),
            ..Default::default()
        })
    }
}

/// One page of a bucket's listing: objects, common prefixes, whether more
/// follow and the last key (or prefix's last key) read.
struct Page {
    contents: Vec<Object>,
    prefixes: Vec<String>,
    truncated: bool,
    last: Option<String>,
    max_keys: usize,
}

/// The keys of a page: those listed, the common prefixes, whether more
/// follow and the last key read.
struct Keys {
    keys: Vec<String>,
    prefixes: Vec<String>,
    truncated: bool,
    last: Option<String>,
}

/// Walks `keys` (sorted, after the marker) as S3 lists them: keys under
/// `prefix`, those that share a part up to `delimiter` as one common
/// prefix, at most `max_keys` of both.
fn walk<'a>(keys: impl Iterator<Item = &'a String>, prefix: &str, delimiter: Option<&str>, max_keys: usize) -> Keys {
    let mut page = Keys { keys: Vec::new(), prefixes: Vec::new(), truncated: false, last: None };
    for key in keys.filter(|key| key.starts_with(prefix)) {
        // Keys that share a part up to the delimiter are one prefix.
        let common = delimiter.filter(|d| !d.is_empty()).and_then(|delimiter| {
            key[prefix.len()..].find(delimiter).map(|at| key[..prefix.len() + at + delimiter.len()].to_string())
        });
        if let Some(common) = &common {
            if page.prefixes.last() == Some(common) {
                page.last = Some(key.clone());
                continue;
            }
        }
        if page.keys.len() + page.prefixes.len() == max_keys {
            page.truncated = true;
            break;
        }
        match common {
            Some(common) => page.prefixes.push(common),
            None => page.keys.push(key.clone()),
        }
        page.last = Some(key.clone());
    }
    page
}

impl S3 {
    /// The page of `bucket` after the key `after`: keys under `prefix`,
    /// those that share a part up to `delimiter` as one common prefix.
    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        bucket: &str,
        prefix: Option<&str>,
        delimiter: Option<&str>,
        after: Option<&str>,
        max_keys: Option<i32>,
        url: bool,
        fetch_owner: bool,
    ) -> Result<Page, UnmodelledError> {
        let buckets = self.buckets();
        let Some(bucket) = buckets.get(bucket) else { return Err(no_such_bucket()) };
        let max_keys = max_keys.unwrap_or(1000).clamp(0, 1000) as usize;
        let after = after.unwrap_or_default().to_string();
        let encode = |text: &str| if url { url_encode(text) } else { text.to_string() };
        let keys = bucket.objects.range(after.clone()..).map(|(key, _)| key).filter(|key| **key != after);
        let walked = walk(keys, prefix.unwrap_or_default(), delimiter, max_keys);
        let contents = walked
            .keys
            .iter()
            .map(|key| {
                let object = &bucket.objects[key];
                Object {
                    key: Some(encode(key)),
                    last_modified: Some(DateTime(object.last_modified)),
                    e_tag: Some(object.e_tag.clone()),
                    size: i64::try_from(object.body.len()).ok(),
                    storage_class: Some(ObjectStorageClass::Standard),
                    owner: fetch_owner.then(owner),
                    ..Default::default()
                }
            })
            .collect();
        Ok(Page { contents, prefixes: walked.prefixes, truncated: walked.truncated, last: walked.last, max_keys })
    }

    /// Keeps `stored` as object `key` of `bucket`, recorded before it is
    /// acknowledged: its version id (if the bucket is versioned).
    fn store_object(&self, bucket: &str, key: String, stored: Stored) -> Result<Option<String>, UnmodelledError> {
        let mut buckets = self.buckets();
        let installed = self.install(&mut buckets, bucket, &key, stored, Change::default());
        drop(buckets);
        self.settle(installed)
    }

    /// Lets go of the bodies an installation left no version holding (or of
    /// the new one, if it failed): its version id.
    fn settle(&self, installed: Installed) -> Result<Option<String>, UnmodelledError> {
        for body in &installed.released {
            self.forget(body);
        }
        installed.outcome
    }

    /// Makes `stored` the current version of `key` in `bucket`, as the
    /// bucket's versioning says, committing `change` with its records.
    /// Nothing changes unless the commit succeeds.
    fn install(
        &self,
        buckets: &mut BTreeMap<String, StoredBucket>,
        bucket: &str,
        key: &str,
        mut stored: Stored,
        mut change: Change,
    ) -> Installed {
        let Some(held) = buckets.get_mut(bucket) else {
            return Installed { outcome: Err(no_such_bucket()), released: vec![stored.body] };
        };
        if let Body::Memory(bytes) = &stored.body {
            match self.budget.charge(bytes.len()) {
                Ok(charge) => stored.charge = Some(charge),
                Err(e) => return Installed { outcome: Err(over_budget(e)), released: Vec::new() },
            }
        }
        let versioning = held.versioning();
        stored.version_id = match versioning {
            Versioning::Enabled => self.ids.uuid().replace('-', ""),
            _ => versions::NULL.to_string(),
        };
        // The current version is kept unless it is the null version and
        // the new one replaces it.
        let (seq, retired) = self.retire_current(bucket, held, key, change);
        change = retired;
        let replaced_nulls = replaced_nulls(held, key, versioning);
        for seq in &replaced_nulls {
            change = change.delete("version", versions::version_key(bucket, *seq));
        }
        if let Some(record) = object_record(&stored) {
            change = change.put("object", object_key(bucket, key), record);
        }
        if let Err(e) = self.commit(change) {
            return Installed { outcome: Err(e), released: vec![stored.body] };
        }
        let mut released: Vec<Body> = retire(held, key, seq).into_iter().collect();
        released.extend(remove_history(held, key, &replaced_nulls));
        let version = held.answered_version(&stored.version_id);
        held.objects.insert(key.to_string(), stored);
        Installed { outcome: Ok(version), released }
    }

    /// Whether the current version of `key` in `bucket` (named `name`) is
    /// kept as an earlier version when a write or a delete replaces it (it
    /// is, but for the null version of a suspended bucket, or in a bucket
    /// never versioned): the record key it is given, and `change` with its
    /// record.
    fn retire_current(&self, name: &str, bucket: &StoredBucket, key: &str, change: Change) -> (Option<u64>, Change) {
        let versioning = bucket.versioning();
        let Some(old) = bucket.objects.get(key).filter(|old| {
            versioning == Versioning::Enabled
                || (versioning == Versioning::Suspended && old.version_id != versions::NULL)
        }) else {
            return (None, change);
        };
        let seq = self.next_version.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let record = VersionRecord {
            key: key.to_string(),
            version_id: old.version_id.clone(),
            last_modified: parts(old.last_modified),
            object: object_fields(old),
        };
        // Only bodies on disk have records.
        let change = match record.object {
            Some(_) => change.put("version", versions::version_key(name, seq), crate::store::record(&record)),
            None => change,
        };
        (Some(seq), change)
    }

    /// Deletes `key` from `bucket` (named `name`): its current object, or
    /// the version `version_id`, as the bucket's versioning says; recorded
    /// before it is acknowledged. The bodies no version holds any more are
    /// returned to be let go once the lock is released.
    fn delete_version(
        &self,
        name: &str,
        bucket: &mut StoredBucket,
        key: &str,
        version_id: Option<&str>,
    ) -> (Result<Deleted, UnmodelledError>, Vec<Body>) {
        match version_id {
            None => self.delete_current(name, bucket, key),
            Some(version_id) => match check_version_id(version_id) {
                Ok(()) => self.delete_by_id(name, bucket, key, version_id),
                Err(e) => (Err(e), Vec::new()),
            },
        }
    }

    /// A delete without a version id: the object goes (never versioned),
    /// or a delete marker goes on top of it.
    fn delete_current(
        &self,
        name: &str,
        bucket: &mut StoredBucket,
        key: &str,
    ) -> (Result<Deleted, UnmodelledError>, Vec<Body>) {
        let versioning = bucket.versioning();
        let current = bucket.objects.get(key);
        let mut change = Change::default();
        if current.is_some() {
            change = change.delete("object", object_key(name, key));
        }
        if versioning == Versioning::Never {
            // Deleting a key that is not there succeeds, as in S3.
            if let Err(e) = self.commit(change) {
                return (Err(e), Vec::new());
            }
            let released = bucket.objects.remove(key).map(|old| old.body).into_iter().collect();
            return (Ok(Deleted { marker: false, version_id: None }), released);
        }
        let (current_seq, retired) = self.retire_current(name, bucket, key, change);
        change = retired;
        let replaced = replaced_nulls(bucket, key, versioning);
        for seq in &replaced {
            change = change.delete("version", versions::version_key(name, *seq));
        }
        let marker_id =
            if versioning == Versioning::Enabled { self.ids.uuid().replace('-', "") } else { versions::null() };
        let seq = self.next_version.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let marker = Past::Marker { seq, version_id: marker_id.clone(), last_modified: now() };
        change = change.put("version", versions::version_key(name, marker.seq()), version_record(key, &marker));
        if let Err(e) = self.commit(change) {
            return (Err(e), Vec::new());
        }
        let mut released: Vec<Body> = retire(bucket, key, current_seq).into_iter().collect();
        released.extend(remove_history(bucket, key, &replaced));
        bucket.history.entry(key.to_string()).or_default().push(marker);
        (Ok(Deleted { marker: true, version_id: Some(marker_id) }), released)
    }

    /// A delete of the version `version_id`, for good; if it was the latest,
    /// the object under it (if not a marker) is current again.
    fn delete_by_id(
        &self,
        name: &str,
        bucket: &mut StoredBucket,
        key: &str,
        version_id: &str,
    ) -> (Result<Deleted, UnmodelledError>, Vec<Body>) {
        let history = bucket.history.get(key).map(Vec::as_slice).unwrap_or_default();
        let is_current = bucket.objects.get(key).is_some_and(|object| object.version_id == version_id);
        let index = history.iter().position(|past| past.version_id() == version_id);
        if !is_current && index.is_none() {
            // A version that is not there is deleted all the same, as in S3.
            return (Ok(Deleted { marker: false, version_id: Some(version_id.to_string()) }), Vec::new());
        }
        // What is latest once it goes: the version under it, promoted if an object.
        let latest_goes = is_current || (index == Some(history.len() - 1) && !bucket.objects.contains_key(key));
        let under = if is_current { history.len().checked_sub(1) } else { index.and_then(|i| i.checked_sub(1)) };
        let promoted = under.filter(|_| latest_goes).filter(|i| !history[*i].is_marker());
        let mut change = Change::default();
        if is_current {
            change = change.delete("object", object_key(name, key));
        }
        if let Some(index) = index.filter(|_| !is_current) {
            change = change.delete("version", versions::version_key(name, history[index].seq()));
        }
        let marker = index.filter(|_| !is_current).is_some_and(|i| history[i].is_marker());
        if let Some(Past::Object { seq, stored }) = promoted.map(|i| &history[i]) {
            change = change.delete("version", versions::version_key(name, *seq));
            if let Some(record) = object_record(stored) {
                change = change.put("object", object_key(name, key), record);
            }
        }
        if let Err(e) = self.commit(change) {
            return (Err(e), Vec::new());
        }
        let mut seqs = Vec::new();
        let mut released = Vec::new();
        if is_current {
            released.extend(bucket.objects.remove(key).map(|old| old.body));
        } else if let Some(index) = index {
            seqs.push(history[index].seq());
        }
        let promoted_seq = promoted.map(|i| history[i].seq());
        if let Some(seq) = promoted_seq {
            let history = bucket.history.get_mut(key).expect("the history read above");
            let at = history.iter().position(|past| past.seq() == seq).expect("the version read above");
            if let Past::Object { stored, .. } = history.remove(at) {
                bucket.objects.insert(key.to_string(), *stored);
            }
        }
        released.extend(remove_history(bucket, key, &seqs));
        (Ok(Deleted { marker, version_id: Some(version_id.to_string()) }), released)
    }

    /// Checks that `id` is an upload of `key` in `bucket`.
    fn upload_of(&self, id: &str, bucket: &str, key: &str) -> Result<(), UnmodelledError> {
        let uploads = self.uploads();
        match uploads.get(id) {
            Some(upload) if upload.bucket == bucket && upload.key == key => Ok(()),
            _ => Err(multipart::no_such_upload()),
        }
    }

    /// Keeps `body` as part `number` of upload `id` (replacing one sent
    /// before), recorded before it is acknowledged.
    fn keep_part(&self, id: &str, number: i32, body: Body, md5: String) -> Result<(), UnmodelledError> {
        let last_modified = now();
        let charge = match &body {
            Body::Memory(bytes) => Some(self.budget.charge(bytes.len()).map_err(over_budget)?),
            Body::File { .. } => None,
        };
        let replaced = {
            let mut uploads = self.uploads();
            let Some(upload) = uploads.get_mut(id) else {
                drop(uploads);
                self.forget(&body);
                return Err(multipart::no_such_upload());
            };
            if let Body::File { id: body_id, len } = &body {
                let record = PartRecord {
                    body: body_id.clone(),
                    size: *len,
                    md5: md5.clone(),
                    last_modified: parts(last_modified),
                };
                if let Err(e) = self.commit(Change::default().put(
                    "part",
                    multipart::part_key(id, number),
                    crate::store::record(&record),
                )) {
                    drop(uploads);
                    self.forget(&body);
                    return Err(e);
                }
            }
            upload.parts.insert(number, StoredPart { body, md5, last_modified, _charge: charge })
        };
        if let Some(replaced) = replaced {
            self.forget(&replaced.body);
        }
        Ok(())
    }

    /// The object `x-amz-copy-source` names (`bucket/key`, percent-encoded,
    /// with an optional leading `/` and `?versionId=`), checked against
    /// `x-amz-copy-source-if-match`: its body, content type and metadata.
    fn copy_source(&self, source: &str, if_match: Option<&str>) -> Result<Source, UnmodelledError> {
        let (bucket, key, version_id) = source_of(source)?;
        let buckets = self.buckets();
        let (bucket, object) =
            find(&buckets, &bucket, &key, version_id.as_deref()).map_err(|missing| match missing {
                Missing::Bucket => no_such_bucket(),
                Missing::Key => no_such_key(),
                // A delete marker is no source: S3 answers 400, not 405.
                Missing::Version(e) if e.status == 405 => s3_error(
                    400,
                    "InvalidRequest",
                    "The source of a copy request may not specifically refer to a delete marker by version id.",
                ),
                Missing::Version(e) => e,
            })?;
        let conditions =
            Conditions { if_match, if_none_match: None, if_modified_since: None, if_unmodified_since: None };
        conditions.check(object)?;
        Ok(Source {
            body: object.body.clone(),
            content_type: object.content_type.clone(),
            metadata: object.metadata.clone(),
            version_id: bucket.answered_version(&object.version_id),
        })
    }

    /// The bytes `range` of `source` as a new body, and their MD5 (hex).
    async fn copied(&self, source: &Body, range: std::ops::Range<usize>) -> Result<(Body, String), UnmodelledError> {
        match source {
            Body::Memory(bytes) => {
                let bytes = bytes.slice(range);
                let md5 = hex(&Md5::digest(&bytes));
                Ok((Body::Memory(bytes), md5))
            }
            Body::File { id, .. } => {
                let path = self.store.body(id).ok_or_else(|| internal_error("a body without a directory"))?;
                let file = crate::file_body::FileBody::open(&path, range.start as u64, range.len() as u64)
                    .await
                    .map_err(internal_error)?;
                let received = self.receive(ByteStream::from_body(file)).await?;
                Ok((received.body, received.md5))
            }
        }
    }

    /// The parts' bodies, one after the other, as one new body.
    async fn join(&self, bodies: &[Body]) -> Result<Body, UnmodelledError> {
        if !self.store.is_durable() {
            let mut joined = bytes::BytesMut::new();
            for body in bodies {
                if let Body::Memory(bytes) = body {
                    joined.extend_from_slice(bytes);
                }
            }
            return Ok(Body::Memory(joined.freeze()));
        }
        let id = self.ids.uuid();
        let (partial, kept) = self.store.new_body(&id).ok_or_else(|| internal_error("no directory"))?;
        let joined = async {
            let mut out = tokio::fs::File::create(&partial).await?;
            let mut len = 0;
            for body in bodies {
                if let Body::File { id, .. } = body {
                    let path = self.store.body(id).ok_or_else(|| std::io::Error::other("no directory"))?;
                    let mut part = tokio::fs::File::open(path).await?;
                    len += tokio::io::copy(&mut part, &mut out).await?;
                }
            }
            out.sync_all().await?;
            Ok::<u64, std::io::Error>(len)
        }
        .await;
        let len = match joined {
            Ok(len) => len,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(internal_error(e));
            }
        };
        self.store.keep(&partial, &kept).map_err(internal_error)?;
        Ok(Body::File { id, len })
    }
}

/// The bucket and key of an `x-amz-copy-source`.
fn source_of(source: &str) -> Result<(String, String, Option<String>), UnmodelledError> {
    let (source, query) = source.split_once('?').unwrap_or((source, ""));
    let version_id = query.split('&').find_map(|pair| pair.strip_prefix("versionId=")).map(percent_decode);
    let source = percent_decode(source.trim_start_matches('/'));
    match source.split_once('/') {
        Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => {
            Ok((bucket.to_string(), key.to_string(), version_id))
        }
        _ => Err(s3_error(
            400,
            "InvalidArgument",
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
        )),
    }
}

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| text.get(i + 1..i + 3)).flatten();
        match escaped.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl S3 {
    /// The configuration of `bucket`.
    fn config(&self, bucket: &str) -> Result<BucketConfig, UnmodelledError> {
        let buckets = self.buckets();
        Ok(buckets.get(bucket).ok_or_else(no_such_bucket)?.config.clone())
    }

    /// Changes the configuration of `bucket` with `change`, recorded
    /// before it is acknowledged.
    fn configure(&self, bucket: &str, change: impl FnOnce(&mut BucketConfig)) -> Result<(), UnmodelledError> {
        let mut buckets = self.buckets();
        let stored = buckets.get_mut(bucket).ok_or_else(no_such_bucket)?;
        let before = stored.config.clone();
        change(&mut stored.config);
        if let Err(e) = self.commit(Change::default().put("bucket", bucket.to_string(), bucket_record(stored))) {
            stored.config = before;
            return Err(e);
        }
        Ok(())
    }

    /// Sets the tags of object `key`, recorded before it is acknowledged.
    fn tag_object(&self, bucket: &str, key: &str, tags: Vec<(String, String)>) -> Result<(), UnmodelledError> {
        let mut buckets = self.buckets();
        let stored = buckets.get_mut(bucket).ok_or_else(no_such_bucket)?;
        let object = stored.objects.get_mut(key).ok_or_else(no_such_key)?;
        let before = std::mem::replace(&mut object.tags, tags);
        if let Some(record) = object_record(object) {
            if let Err(e) = self.commit(Change::default().put("object", object_key(bucket, key), record)) {
                object.tags = before;
                return Err(e);
            }
        }
        Ok(())
    }
}

/// The record key of object `key` of `bucket` (bucket names hold no `/`).
fn object_key(bucket: &str, key: &str) -> String {
    format!("{bucket}/{key}")
}

/// The answer to a write past the emulator's state budget (S3 has no such
/// limit, so no code of its own for it).
fn over_budget(e: crate::quota::Exceeded) -> UnmodelledError {
    s3_error(400, "QuotaExceeded", &e.message())
}

/// S3's `NoSuchKey`.
fn no_such_key() -> UnmodelledError {
    s3_error(404, "NoSuchKey", "The specified key does not exist.")
}

/// S3's `NoSuchBucket`.
fn no_such_bucket() -> UnmodelledError {
    s3_error(404, "NoSuchBucket", "The specified bucket does not exist.")
}

/// The record of `stored`, where its body is a file (only those are kept).
fn object_record(stored: &Stored) -> Option<Vec<u8>> {
    object_fields(stored).map(|fields| crate::store::record(&fields))
}

fn object_fields(stored: &Stored) -> Option<ObjectRecord> {
    let Body::File { id, len } = &stored.body else { return None };
    Some(ObjectRecord {
        body: id.clone(),
        size: *len,
        e_tag: stored.e_tag.clone(),
        content_type: stored.content_type.clone(),
        metadata: stored.metadata.clone(),
        last_modified: parts(stored.last_modified),
        tags: stored.tags.clone(),
        version_id: stored.version_id.clone(),
        checksums: stored.checksums.clone(),
        part_sizes: stored.part_sizes.clone(),
    })
}

/// The record of the earlier version `past` of `key`.
fn version_record(key: &str, past: &Past) -> Vec<u8> {
    let (last_modified, object) = match past {
        Past::Object { stored, .. } => (stored.last_modified, object_fields(stored)),
        Past::Marker { last_modified, .. } => (*last_modified, None),
    };
    crate::store::record(&VersionRecord {
        key: key.to_string(),
        version_id: past.version_id().to_string(),
        last_modified: parts(last_modified),
        object,
    })
}

/// The outcome of making an object current, and the bodies no version
/// holds any more (let go once the locks are released).
struct Installed {
    outcome: Result<Option<String>, UnmodelledError>,
    released: Vec<Body>,
}

/// What a delete did: whether it made or removed a delete marker, and the
/// version id it answers.
struct Deleted {
    marker: bool,
    version_id: Option<String>,
}

/// Moves the current version of `key` to the earlier versions, as record
/// `seq` ([`S3::retire_current`]), or, without one, lets it go: the body no
/// version holds any more.
fn retire(bucket: &mut StoredBucket, key: &str, seq: Option<u64>) -> Option<Body> {
    let old = bucket.objects.remove(key)?;
    match seq {
        Some(seq) => {
            bucket.history.entry(key.to_string()).or_default().push(Past::Object { seq, stored: Box::new(old) });
            None
        }
        None => Some(old.body),
    }
}

/// The record keys (`seq`s) of the `null` versions of `key` that a write or
/// a delete in a suspended bucket replaces.
fn replaced_nulls(bucket: &StoredBucket, key: &str, versioning: Versioning) -> Vec<u64> {
    if versioning != Versioning::Suspended {
        return Vec::new();
    }
    let history = bucket.history.get(key).map(Vec::as_slice).unwrap_or_default();
    history.iter().filter(|past| past.version_id() == versions::NULL).map(Past::seq).collect()
}

/// Removes the earlier versions `seqs` of `key`: the bodies they held.
fn remove_history(bucket: &mut StoredBucket, key: &str, seqs: &[u64]) -> Vec<Body> {
    let mut released = Vec::new();
    if let Some(history) = bucket.history.get_mut(key) {
        history.retain_mut(|past| {
            let remove = seqs.contains(&past.seq());
            if let (true, Past::Object { stored, .. }) = (remove, &*past) {
                released.push(stored.body.clone());
            }
            !remove
        });
        if history.is_empty() {
            bucket.history.remove(key);
        }
    }
    released
}

/// The record of `bucket`.
fn bucket_record(bucket: &StoredBucket) -> Vec<u8> {
    crate::store::record(&BucketRecord { created: parts(bucket.created), config: bucket.config.clone() })
}

/// The tags of an `x-amz-tagging` header: a query string (`a=1&b=2`).
fn tags_of_query(query: &str) -> Vec<Tag> {
    let decode = |text: &str| percent_decode(&text.replace('+', " "));
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Tag { key: decode(key), value: decode(value) }
        })
        .collect()
}

/// What a copy takes from its source object.
struct Source {
    body: Body,
    content_type: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    /// The source's version id, if its bucket is versioned.
    version_id: Option<String>,
}

/// An object's body as received: where it is, its MD5 (hex), and the
/// trailers that came after it.
struct Received {
    body: Body,
    md5: String,
    trailers: Option<http::HeaderMap>,
}

impl S3 {
    /// Receives `body`: into memory, or, with a data directory, into a
    /// synced file of it, a chunk at a time (never whole in memory). A body
    /// that breaks off (or whose checksum the runtime found wrong) stores
    /// nothing.
    async fn receive(&self, body: ByteStream) -> Result<Received, UnmodelledError> {
        let incomplete = |e: &dyn std::fmt::Display| s3_error(400, "IncompleteBody", &e.to_string());
        let id = self.ids.uuid();
        let Some((partial, kept)) = self.store.new_body(&id) else {
            let (bytes, trailers) = body.into_bytes_and_trailers().await.map_err(|e| incomplete(&e))?;
            let md5 = hex(&Md5::digest(&bytes));
            return Ok(Received { body: Body::Memory(bytes), md5, trailers });
        };
        let written = crate::file_body::write(body, &partial).await;
        let written = match written {
            Ok(written) => written,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(match e {
                    crate::file_body::WriteError::Body(e) => incomplete(&e),
                    crate::file_body::WriteError::Disk(e) => internal_error(e),
                });
            }
        };
        if let Err(e) = self.store.keep(&partial, &kept) {
            let _ = std::fs::remove_file(&partial);
            return Err(internal_error(e));
        }
        Ok(Received { body: Body::File { id, len: written.len }, md5: hex(&written.md5), trailers: written.trailers })
    }

    /// Lets go of a body no object holds any more: its file, if it has one.
    fn forget(&self, body: &Body) {
        if let Body::File { id, .. } = body {
            self.store.remove_body(id);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `name` is a bucket name S3 accepts: 3 to 63 lowercase letters,
/// digits, dots and hyphens, beginning and ending with a letter or digit,
/// no two dots together, and not an IP address.
fn valid_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (3..=63).contains(&bytes.len())
        && bytes.iter().all(|b| edge(b) || *b == b'.' || *b == b'-')
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && !name.contains("..")
        && name.parse::<std::net::Ipv4Addr>().is_err()
}

/// Why an object asked for is not there.
enum Missing {
    Bucket,
    /// No current object: none was written, or the latest is a delete marker.
    Key,
    /// A version that does not exist, a delete marker asked for by its
    /// version id (`MethodNotAllowed`), or a version id S3 would not make.
    Version(UnmodelledError),
}

impl Missing {
    /// GetObject's answer (its model lists `NoSuchKey`).
    fn for_get(self) -> GetObjectError {
        match self {
            Missing::Bucket => no_such_bucket().into(),
            Missing::Key => NoSuchKey {}.into(),
            Missing::Version(e) => e.into(),
        }
    }

    /// HeadObject's answer: a bare 404 for what is not there.
    fn for_head(self) -> HeadObjectError {
        match self {
            Missing::Bucket | Missing::Key => NotFound {}.into(),
            Missing::Version(e) if e.status == 404 => NotFound {}.into(),
            Missing::Version(e) => e.into(),
        }
    }
}

/// The object `key` of `bucket`, its current version or the version
/// `version_id`, with its bucket.
fn find<'a>(
    buckets: &'a BTreeMap<String, StoredBucket>,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
) -> Result<(&'a StoredBucket, &'a Stored), Missing> {
    let bucket = buckets.get(bucket).ok_or(Missing::Bucket)?;
    let current = bucket.objects.get(key);
    let Some(version_id) = version_id else {
        return current.map(|object| (bucket, object)).ok_or(Missing::Key);
    };
    check_version_id(version_id).map_err(Missing::Version)?;
    if let Some(object) = current.filter(|object| object.version_id == version_id) {
        return Ok((bucket, object));
    }
    let past = bucket.history.get(key).and_then(|history| history.iter().find(|p| p.version_id() == version_id));
    match past {
        Some(Past::Object { stored, .. }) => Ok((bucket, &**stored)),
        Some(Past::Marker { .. }) => Err(Missing::Version(s3_error(
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        ))),
        None => Err(Missing::Version(s3_error(404, "NoSuchVersion", "The specified version does not exist."))),
    }
}

/// A version id as S3 makes them (ours: 32 hexadecimal digits), or `null`.
fn check_version_id(version_id: &str) -> Result<(), UnmodelledError> {
    let ours = version_id.len() == 32 && version_id.bytes().all(|b| b.is_ascii_hexdigit());
    if ours || version_id == versions::NULL {
        return Ok(());
    }
    Err(s3_error(400, "InvalidArgument", "Invalid version id specified"))
}

/// A request's preconditions, as S3 (and RFC 9110) weighs them: a failed
/// `If-Match` or, without one, an `If-Unmodified-Since` the object was
/// changed after, is 412; a matched `If-None-Match` or, without one, an
/// `If-Modified-Since` it was not changed after, is 304.
struct Conditions<'a> {
    if_match: Option<&'a str>,
    if_none_match: Option<&'a str>,
    if_modified_since: Option<HttpDate>,
    if_unmodified_since: Option<HttpDate>,
}

impl Conditions<'_> {
    fn check(&self, object: &Stored) -> Result<(), UnmodelledError> {
        let listed = |list: &str| list.split(',').map(str::trim).any(|tag| tag == "*" || tag == object.e_tag);
        // HTTP dates have whole seconds.
        let modified = object.last_modified.epoch_seconds();
        let failed = match self.if_match {
            Some(list) => !listed(list),
            None => self.if_unmodified_since.is_some_and(|date| modified > date.0.epoch_seconds()),
        };
        if failed {
            return Err(s3_error(
                412,
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold",
            ));
        }
        let unchanged = match self.if_none_match {
            Some(list) => listed(list),
            None => self.if_modified_since.is_some_and(|date| modified <= date.0.epoch_seconds()),
        };
        if unchanged {
            return Err(s3_error(304, "NotModified", "Not Modified"));
        }
        Ok(())
    }
}

/// What GetObject and HeadObject answer of an object, taken under the lock.
struct Read {
    body: Body,
    e_tag: String,
    last_modified: Timestamp,
    content_type: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    version_id: Option<String>,
    checksums: BTreeMap<String, String>,
    part_sizes: Vec<u64>,
}

impl Read {
    fn of(bucket: &StoredBucket, object: &Stored, checksums: bool) -> Read {
        Read {
            body: object.body.clone(),
            e_tag: object.e_tag.clone(),
            last_modified: object.last_modified,
            content_type: object.content_type.clone(),
            metadata: object.metadata.clone(),
            version_id: bucket.answered_version(&object.version_id),
            checksums: if checksums { object.checksums.clone() } else { BTreeMap::new() },
            part_sizes: object.part_sizes.clone(),
        }
    }

    /// `PartsCount`, answered when a part was asked for of an object
    /// uploaded in parts.
    fn parts_count(&self, part_number: Option<i32>) -> Option<i32> {
        part_number.and(i32::try_from(self.part_sizes.len()).ok()).filter(|count| *count > 0)
    }
}

/// The bytes of part `number` of an object whose parts had `sizes` (an
/// object sent whole is one part).
fn part_range(sizes: &[u64], total: usize, number: i32) -> Result<std::ops::Range<usize>, UnmodelledError> {
    let not_satisfiable = || s3_error(416, "InvalidPartNumber", "The requested partnumber is not satisfiable");
    let index = usize::try_from(number).ok().and_then(|n| n.checked_sub(1)).ok_or_else(not_satisfiable)?;
    let sizes: Vec<usize> = sizes.iter().map(|size| *size as usize).collect();
    if sizes.is_empty() {
        return if index == 0 { Ok(0..total) } else { Err(not_satisfiable()) };
    }
    let size = *sizes.get(index).ok_or_else(not_satisfiable)?;
    let start: usize = sizes[..index].iter().sum();
    Ok(start..start + size)
}

/// The bytes a `Range` header asks for of an object of `total` bytes:
/// `bytes=a-b`, `bytes=a-` or `bytes=-n` (one range; S3 serves no more).
fn byte_range(range: &str, total: usize) -> Result<std::ops::Range<usize>, ()> {
    let spec = range.trim().strip_prefix("bytes=").ok_or(())?;
    let (start, end) = spec.split_once('-').ok_or(())?;
    let number = |text: &str| text.trim().parse::<usize>().map_err(|_| ());
    let (start, end) = match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, false) => {
            let suffix = number(end)?.min(total);
            (total - suffix, total)
        }
        (false, true) => (number(start)?, total),
        (false, false) => (number(start)?, number(end)?.saturating_add(1).min(total)),
        (true, true) => return Err(()),
    };
    if start >= total || start >= end {
        return Err(());
    }
    Ok(start..end)
}

/// A key as `encoding-type=url` asks: percent-encoded but for unreserved
/// characters and `/`.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::byte_range;

    #[test]
    fn bucket_names_as_s3_has_them() {
        for valid in ["abc", "my.bucket-1", "0ab"] {
            assert!(super::valid_bucket_name(valid), "{valid}");
        }
        for invalid in ["ab", "A_B", "-ab", "ab.", "a..b", "192.168.0.1", &"a".repeat(64)] {
            assert!(!super::valid_bucket_name(invalid), "{invalid}");
        }
    }

    #[test]
    fn ranges_as_http_reads_them() {
        assert_eq!(byte_range("bytes=0-4", 10), Ok(0..5));
        assert_eq!(byte_range("bytes=5-", 10), Ok(5..10));
        assert_eq!(byte_range("bytes=-3", 10), Ok(7..10));
        assert_eq!(byte_range("bytes=8-100", 10), Ok(8..10));
        assert_eq!(byte_range("bytes=10-", 10), Err(()));
        assert_eq!(byte_range("bytes=5-4", 10), Err(()));
        assert_eq!(byte_range("items=0-1", 10), Err(()));
        assert_eq!(byte_range("bytes=a-b", 10), Err(()));
    }
}
