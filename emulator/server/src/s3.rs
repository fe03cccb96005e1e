//! Simple Storage Service: buckets of objects, in memory.
//!
//! Served: CreateBucket, DeleteBucket, HeadBucket, ListBuckets, PutObject,
//! GetObject (with `Range` and the `If-Match`/`If-None-Match`
//! preconditions), HeadObject, DeleteObject and ListObjectsV2 (prefixes,
//! delimiters, pages, URL-encoded keys), with S3's errors (`NoSuchBucket`,
//! `NoSuchKey`, `BucketAlreadyOwnedByYou`, `BucketNotEmpty`,
//! `InvalidRange`, `PreconditionFailed`). Requests reach it path-style or
//! virtual-hosted (`bucket.s3.localhost`), their bodies plain or
//! aws-chunked, their checksums verified by the runtime before an object is
//! stored.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{ByteStream, DateTime, HttpDate, Timestamp, Unit, UnmodelledError};
use emulator_generated::s3::error::{BucketAlreadyOwnedByYou, NoSuchBucket, NoSuchKey, NotFound};
use emulator_generated::s3::operation::create_bucket::{CreateBucketError, CreateBucketOutput, CreateBucketRequest};
use emulator_generated::s3::operation::delete_bucket::{DeleteBucketError, DeleteBucketRequest};
use emulator_generated::s3::operation::delete_object::{DeleteObjectError, DeleteObjectOutput, DeleteObjectRequest};
use emulator_generated::s3::operation::get_object::{GetObjectError, GetObjectOutput, GetObjectRequest};
use emulator_generated::s3::operation::head_bucket::{HeadBucketError, HeadBucketOutput, HeadBucketRequest};
use emulator_generated::s3::operation::head_object::{HeadObjectError, HeadObjectOutput, HeadObjectRequest};
use emulator_generated::s3::operation::list_buckets::{ListBucketsError, ListBucketsOutput, ListBucketsRequest};
use emulator_generated::s3::operation::list_objects_v2::{
    ListObjectsV2Error, ListObjectsV2Output, ListObjectsV2Request,
};
use emulator_generated::s3::operation::put_object::{PutObjectError, PutObjectOutput, PutObjectRequest};
use emulator_generated::s3::operation::select_object_content::{
    SelectObjectContentError, SelectObjectContentOutput, SelectObjectContentRequest,
};
use emulator_generated::s3::service::AmazonS3;
use emulator_generated::s3::types::{Bucket, CommonPrefix, EncodingType, Object, ObjectStorageClass, Owner};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::REGION;
use crate::ids::Ids;
use crate::store::{Change, Store, StoreError};

/// Where an object's bytes are: in memory, or (with `--data-dir`) in a
/// file of the data directory, by id, never read whole into memory.
#[derive(Clone)]
enum Body {
    Memory(bytes::Bytes),
    File { id: String, len: u64 },
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Memory(bytes) => bytes.len() as u64,
            Body::File { len, .. } => *len,
        }
    }
}

/// An object: its bytes and what was said of them.
struct Stored {
    body: Body,
    e_tag: String,
    content_type: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    last_modified: Timestamp,
}

struct StoredBucket {
    created: Timestamp,
    objects: BTreeMap<String, Stored>,
}

/// A bucket as the data directory keeps it (kind `bucket`, keyed by name).
#[derive(Serialize, Deserialize)]
struct BucketRecord {
    created: (i64, u32),
}

/// An object as the data directory keeps it (kind `object`, keyed by
/// `bucket/key`): its body is the file `body`.
#[derive(Serialize, Deserialize)]
struct ObjectRecord {
    body: String,
    size: u64,
    e_tag: String,
    content_type: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    last_modified: (i64, u32),
}

/// The store's name of S3's records.
const SERVICE: &str = "s3";

/// The buckets, by name, and where they are kept.
pub struct S3 {
    buckets: Mutex<BTreeMap<String, StoredBucket>>,
    store: Arc<Store>,
    ids: Ids,
}

impl S3 {
    /// S3 keeping its state in `store`, with what an earlier run left there.
    pub fn new(store: Arc<Store>) -> Result<Self, StoreError> {
        let mut buckets = BTreeMap::new();
        let mut named = HashSet::new();
        let records = store.records(SERVICE)?;
        let corrupt = |what: &str| StoreError::corrupt(format!("an S3 {what} record"));
        for record in records.iter().filter(|record| record.kind == "bucket") {
            let bucket: BucketRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt("bucket"))?;
            let created = timestamp(bucket.created).ok_or_else(|| corrupt("bucket"))?;
            buckets.insert(record.key.clone(), StoredBucket { created, objects: BTreeMap::new() });
        }
        for record in records.iter().filter(|record| record.kind == "object") {
            let object: ObjectRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt("object"))?;
            let (bucket, key) = record.key.split_once('/').ok_or_else(|| corrupt("object"))?;
            let bucket = buckets.get_mut(bucket).ok_or_else(|| corrupt("object"))?;
            named.insert(object.body.clone());
            bucket.objects.insert(
                key.to_string(),
                Stored {
                    body: Body::File { id: object.body, len: object.size },
                    e_tag: object.e_tag,
                    content_type: object.content_type,
                    metadata: object.metadata,
                    last_modified: timestamp(object.last_modified).ok_or_else(|| corrupt("object"))?,
                },
            );
        }
        store.sweep_bodies(&named)?;
        Ok(S3 { buckets: Mutex::new(buckets), store, ids: Ids::new() })
    }

    /// Forgets every bucket.
    pub fn reset(&self) {
        let mut buckets = self.buckets();
        buckets.clear();
        let cleared = self.store.clear(SERVICE).and_then(|()| self.store.sweep_bodies(&HashSet::new()));
        if let Err(e) = cleared {
            tracing::error!(%e, "S3's reset");
        }
    }

    fn buckets(&self) -> MutexGuard<'_, BTreeMap<String, StoredBucket>> {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
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

fn owner() -> Owner {
    Owner { display_name: Some("emulator".to_string()), id: Some(format!("{:064x}", 0)) }
}

/// An error S3 answers that the model does not list.
fn s3_error(status: u16, code: &str, message: &str) -> UnmodelledError {
    UnmodelledError::client(code, message).with_status(status)
}

impl AmazonS3 for S3 {
    async fn select_object_content(
        &self,
        _: &RequestContext,
        input: SelectObjectContentRequest,
    ) -> Result<SelectObjectContentOutput, SelectObjectContentError> {
        let bytes = {
            let buckets = self.buckets();
            let bucket = buckets
                .get(&input.bucket)
                .ok_or_else(|| s3_error(404, "NoSuchBucket", "The specified bucket does not exist."))?;
            let object = bucket
                .objects
                .get(&input.key)
                .ok_or_else(|| s3_error(404, "NoSuchKey", "The specified key does not exist."))?;
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
        let created = now();
        let record = serde_json::to_vec(&BucketRecord { created: parts(created) }).expect("a record serialises");
        self.commit(Change::default().put("bucket", input.bucket.clone(), record))?;
        buckets.insert(input.bucket.clone(), StoredBucket { created, objects: BTreeMap::new() });
        Ok(CreateBucketOutput { location: Some(format!("/{}", input.bucket)) })
    }

    async fn delete_bucket(&self, _: &RequestContext, input: DeleteBucketRequest) -> Result<Unit, DeleteBucketError> {
        let mut buckets = self.buckets();
        let Some(bucket) = buckets.get(&input.bucket) else {
            return Err(s3_error(404, "NoSuchBucket", "The specified bucket does not exist.").into());
        };
        if !bucket.objects.is_empty() {
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
            return Err(s3_error(404, "NoSuchBucket", "The specified bucket does not exist.").into());
        }
        // A body the runtime found short, or whose checksum is wrong, ends
        // in an error here: nothing is stored, and the runtime answers it.
        let received = self.receive(input.body).await?;
        let trailers = received.trailers;
        // A checksum sent after the data (aws-chunked's trailer), checked
        // by the runtime, is the object's as one sent in a header is.
        let trailer =
            |name: &str| trailers.as_ref().and_then(|trailers| trailers.get(name)?.to_str().ok().map(str::to_string));
        let e_tag = format!("\"{}\"", received.md5);
        let size = i64::try_from(received.body.len()).ok();
        let stored = Stored {
            body: received.body,
            e_tag: e_tag.clone(),
            content_type: input.content_type,
            metadata: input.metadata.filter(|metadata| !metadata.is_empty()),
            last_modified: now(),
        };
        let replaced = {
            let mut buckets = self.buckets();
            let Some(bucket) = buckets.get_mut(&input.bucket) else {
                drop(buckets);
                self.forget(&stored.body);
                return Err(s3_error(404, "NoSuchBucket", "The specified bucket does not exist.").into());
            };
            if let Body::File { id, len } = &stored.body {
                let record = ObjectRecord {
                    body: id.clone(),
                    size: *len,
                    e_tag: stored.e_tag.clone(),
                    content_type: stored.content_type.clone(),
                    metadata: stored.metadata.clone(),
                    last_modified: parts(stored.last_modified),
                };
                let record = serde_json::to_vec(&record).expect("a record serialises");
                if let Err(e) =
                    self.commit(Change::default().put("object", format!("{}/{}", input.bucket, input.key), record))
                {
                    drop(buckets);
                    self.forget(&stored.body);
                    return Err(e.into());
                }
            }
            bucket.objects.insert(input.key, stored)
        };
        if let Some(replaced) = replaced {
            self.forget(&replaced.body);
        }
        Ok(PutObjectOutput {
            e_tag: Some(e_tag),
            checksum_crc32: input.checksum_crc32.or_else(|| trailer("x-amz-checksum-crc32")),
            checksum_crc32_c: input.checksum_crc32_c.or_else(|| trailer("x-amz-checksum-crc32c")),
            checksum_crc64_nvme: input.checksum_crc64_nvme.or_else(|| trailer("x-amz-checksum-crc64nvme")),
            checksum_sha1: input.checksum_sha1.or_else(|| trailer("x-amz-checksum-sha1")),
            checksum_sha256: input.checksum_sha256.or_else(|| trailer("x-amz-checksum-sha256")),
            size,
            ..Default::default()
        })
    }

    async fn get_object(&self, _: &RequestContext, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
        let (body, e_tag, last_modified, content_type, metadata) = {
            let buckets = self.buckets();
            let object = find(&buckets, &input.bucket, &input.key)?;
            check_preconditions(object, input.if_match.as_deref(), input.if_none_match.as_deref())?;
            let Stored { body, e_tag, last_modified, content_type, metadata } = object;
            (body.clone(), e_tag.clone(), *last_modified, content_type.clone(), metadata.clone())
        };
        let total = usize::try_from(body.len()).map_err(internal_error)?;
        let (range, content_range) = match input.range.as_deref().map(|range| byte_range(range, total)) {
            None => (0..total, None),
            Some(Ok(range)) => {
                let content_range = format!("bytes {}-{}/{total}", range.start, range.end - 1);
                (range, Some(content_range))
            }
            Some(Err(())) => {
                return Err(s3_error(416, "InvalidRange", "The requested range is not satisfiable").into());
            }
        };
        let length = range.len();
        let body = match body {
            Body::Memory(bytes) => ByteStream::from(bytes.slice(range)),
            Body::File { id, .. } => {
                let path = self.store.body(&id).ok_or_else(|| internal_error("a body without a directory"))?;
                let file = crate::file_body::FileBody::open(&path, range.start as u64, length as u64)
                    .await
                    .map_err(internal_error)?;
                ByteStream::from_body(file)
            }
        };
        Ok(GetObjectOutput {
            content_length: i64::try_from(length).ok(),
            content_range,
            body,
            accept_ranges: Some("bytes".to_string()),
            e_tag: Some(e_tag),
            last_modified: Some(HttpDate(last_modified)),
            content_type,
            metadata,
            ..Default::default()
        })
    }

    async fn head_object(
        &self,
        _: &RequestContext,
        input: HeadObjectRequest,
    ) -> Result<HeadObjectOutput, HeadObjectError> {
        let buckets = self.buckets();
        // HEAD answers carry no body: a missing bucket or key is a bare 404.
        let object = find(&buckets, &input.bucket, &input.key).map_err(|_| NotFound {})?;
        check_preconditions(object, input.if_match.as_deref(), input.if_none_match.as_deref())?;
        Ok(HeadObjectOutput {
            content_length: i64::try_from(object.body.len()).ok(),
            accept_ranges: Some("bytes".to_string()),
            e_tag: Some(object.e_tag.clone()),
            last_modified: Some(HttpDate(object.last_modified)),
            content_type: object.content_type.clone(),
            metadata: object.metadata.clone(),
            ..Default::default()
        })
    }

    async fn delete_object(
        &self,
        _: &RequestContext,
        input: DeleteObjectRequest,
    ) -> Result<DeleteObjectOutput, DeleteObjectError> {
        let mut buckets = self.buckets();
        let Some(bucket) = buckets.get_mut(&input.bucket) else {
            return Err(s3_error(404, "NoSuchBucket", "The specified bucket does not exist.").into());
        };
        // Deleting a key that is not there succeeds, as in S3.
        if !bucket.objects.contains_key(&input.key) {
            return Ok(DeleteObjectOutput::default());
        }
        if self.store.is_durable() {
            self.commit(Change::default().delete("object", format!("{}/{}", input.bucket, input.key)))?;
        }
        let removed = bucket.objects.remove(&input.key);
        drop(buckets);
        if let Some(removed) = removed {
            self.forget(&removed.body);
        }
        Ok(DeleteObjectOutput::default())
    }

    async fn list_objects_v2(
        &self,
        _: &RequestContext,
        input: ListObjectsV2Request,
    ) -> Result<ListObjectsV2Output, ListObjectsV2Error> {
        let buckets = self.buckets();
        let Some(bucket) = buckets.get(&input.bucket) else { return Err(NoSuchBucket {}.into()) };
        let prefix = input.prefix.clone().unwrap_or_default();
        let max_keys = input.max_keys.unwrap_or(1000).clamp(0, 1000) as usize;
        // The continuation token is the last key of the page before, as is.
        let after = input.continuation_token.clone().or(input.start_after.clone()).unwrap_or_default();
        let url = input.encoding_type == Some(EncodingType::Url);
        let encode = |text: &str| if url { url_encode(text) } else { text.to_string() };
        let mut contents = Vec::new();
        let mut prefixes: Vec<String> = Vec::new();
        let mut last = None;
        let mut truncated = false;
        for (key, object) in bucket.objects.range(after.clone()..).filter(|(key, _)| **key != after) {
            if !key.starts_with(&prefix) {
                continue;
            }
            // Keys that share a part up to the delimiter are one prefix.
            let common = input.delimiter.as_deref().filter(|d| !d.is_empty()).and_then(|delimiter| {
                key[prefix.len()..].find(delimiter).map(|at| key[..prefix.len() + at + delimiter.len()].to_string())
            });
            if let Some(common) = &common {
                if prefixes.last() == Some(common) {
                    last = Some(key.clone());
                    continue;
                }
            }
            if contents.len() + prefixes.len() == max_keys {
                truncated = true;
                break;
            }
            match common {
                Some(common) => prefixes.push(common),
                None => contents.push(Object {
                    key: Some(encode(key)),
                    last_modified: Some(DateTime(object.last_modified)),
                    e_tag: Some(object.e_tag.clone()),
                    size: i64::try_from(object.body.len()).ok(),
                    storage_class: Some(ObjectStorageClass::Standard),
                    owner: input.fetch_owner.unwrap_or(false).then(owner),
                    ..Default::default()
                }),
            }
            last = Some(key.clone());
        }
        let key_count = i32::try_from(contents.len() + prefixes.len()).ok();
        Ok(ListObjectsV2Output {
            is_truncated: Some(truncated),
            contents: (!contents.is_empty()).then_some(contents),
            name: Some(input.bucket),
            prefix: input.prefix.as_deref().map(encode),
            delimiter: input.delimiter.as_deref().map(encode),
            max_keys: i32::try_from(max_keys).ok(),
            common_prefixes: (!prefixes.is_empty())
                .then(|| prefixes.iter().map(|prefix| CommonPrefix { prefix: Some(encode(prefix)) }).collect()),
            encoding_type: input.encoding_type,
            key_count,
            continuation_token: input.continuation_token,
            next_continuation_token: if truncated { last } else { None },
            start_after: input.start_after.as_deref().map(encode),
            ..Default::default()
        })
    }
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
        let Some((partial, kept)) = self.store.new_body(&self.ids.uuid()) else {
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
        let id = kept.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
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

/// The object `key` of `bucket`, or S3's error for its absence.
fn find<'a>(
    buckets: &'a BTreeMap<String, StoredBucket>,
    bucket: &str,
    key: &str,
) -> Result<&'a Stored, GetObjectError> {
    // GetObject's model lists no NoSuchBucket; S3 answers it all the same.
    let bucket =
        buckets.get(bucket).ok_or_else(|| s3_error(404, "NoSuchBucket", "The specified bucket does not exist."))?;
    bucket.objects.get(key).ok_or_else(|| NoSuchKey {}.into())
}

/// `If-Match` (412 unless the ETag is listed) and `If-None-Match` (304 if
/// it is).
fn check_preconditions(
    object: &Stored,
    if_match: Option<&str>,
    if_none_match: Option<&str>,
) -> Result<(), UnmodelledError> {
    let listed = |list: &str| list.split(',').map(str::trim).any(|tag| tag == "*" || tag == object.e_tag);
    if if_match.is_some_and(|list| !listed(list)) {
        return Err(s3_error(
            412,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
        ));
    }
    if if_none_match.is_some_and(listed) {
        return Err(s3_error(304, "NotModified", "Not Modified"));
    }
    Ok(())
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
