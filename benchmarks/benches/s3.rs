//! S3 in restXml, each next to its floor:
//!
//! - writing a ListObjectsV2 response of 1,000 keys with the generated
//!   writer (`WriteResponse`, as the router does), against quick-xml's serde
//!   serializer writing the same output value;
//! - reading and checking a PutObject request's head as awscli sends it
//!   (route, labels, headers, metadata prefix headers, into the typed input),
//!   against reading the same headers into strings without checks.
//!
//! `cargo bench -p benchmarks --bench s3`; the budgets are in BENCHMARKS.md.

use divan::{Bencher, black_box};
use emulator_generated::runtime::context::{RequestContext, RequestId};
use emulator_generated::runtime::protocol::rest::{Dispatch, RoutedRequest, output_response};
use emulator_generated::runtime::{ByteStream, DateTime, Timestamp};
use emulator_generated::s3::operation::list_objects_v2::ListObjectsV2Output;
use emulator_generated::s3::operation::put_object::PutObjectRequest;
use emulator_generated::s3::service::{AmazonS3, AmazonS3Router};
use emulator_generated::s3::types::{Object, ObjectStorageClass};
use emulator_generated::s3::validation::PUT_OBJECT_REQUEST;

fn main() {
    divan::Divan::default().sample_size(100).config_with_args().main();
}

/// A listing of 1,000 keys, as the emulator answers `aws s3 ls --recursive`.
fn listing() -> ListObjectsV2Output {
    let modified = DateTime(Timestamp::parse_date_time("2026-12-07T10:00:00Z").unwrap());
    let contents = (0..1000)
        .map(|i| Object {
            key: Some(format!("photos/2026/{i:04}/image-{i}.jpg")),
            last_modified: Some(modified),
            e_tag: Some(format!("\"{:032x}\"", i * 7919)),
            size: Some(1024 * i),
            storage_class: Some(ObjectStorageClass::Standard),
            ..Default::default()
        })
        .collect();
    ListObjectsV2Output {
        is_truncated: Some(false),
        contents: Some(contents),
        name: Some("photos".to_string()),
        prefix: Some("photos/".to_string()),
        max_keys: Some(1000),
        key_count: Some(1000),
        ..Default::default()
    }
}

#[divan::bench]
fn list_objects_v2_ours(bencher: Bencher) {
    let output = listing();
    let length = output_response(200, output.clone()).body_bytes().len();
    assert!(length > 100_000, "{length}");
    bencher.with_inputs(|| output.clone()).bench_values(|output| output_response(200, output));
}

#[divan::bench]
fn list_objects_v2_quick_xml_serde(bencher: Bencher) {
    let output = listing();
    bencher.bench(|| quick_xml::se::to_string_with_root("ListBucketResult", black_box(&output)).unwrap());
}

/// A router whose handler is never called: the bench reads inputs only.
struct Nothing;

impl AmazonS3 for Nothing {}

/// PutObject's head as awscli sends it (`aws s3 cp` of a JPEG with
/// metadata), its body aside.
fn put_object_head() -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for (name, value) in [
        ("host", "localhost:4566"),
        ("user-agent", "aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux lang/python#3.11.7"),
        ("content-type", "image/jpeg"),
        ("content-length", "65536"),
        ("expect", "100-continue"),
        ("x-amz-checksum-crc32", "rwg7LQ=="),
        ("x-amz-sdk-checksum-algorithm", "CRC32"),
        ("x-amz-meta-camera", "x100"),
        ("x-amz-meta-owner", "ada"),
        ("x-amz-storage-class", "STANDARD"),
        ("x-amz-date", "20261207T100000Z"),
        ("x-amz-content-sha256", "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"),
        (
            "authorization",
            "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000",
        ),
        ("amz-sdk-invocation-id", "b30d45f1-c771-4542-89e3-ed11879b71ca"),
        ("amz-sdk-request", "attempt=1"),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    headers
}

const PATH: &str = "/photos/2026/cat%20one.jpg";

#[divan::bench]
fn put_object_head_ours(bencher: Bencher) {
    let router = AmazonS3Router::new(Nothing);
    let context = RequestContext::new(RequestId::from_string("bench"), put_object_head(), http::Extensions::new());
    let read = || {
        let found = router.routes().route("PUT", black_box(PATH), Some("x-id=PutObject")).unwrap();
        let request = RoutedRequest {
            labels: found.labels,
            query: None,
            body: Vec::new(),
            stream: Some(ByteStream::empty()),
            verifier: None,
        };
        let input: PutObjectRequest = request.input(&context, found.value.input, &PUT_OBJECT_REQUEST).unwrap();
        input
    };
    let input = read();
    assert_eq!((input.key.as_str(), input.content_type.as_deref()), ("2026/cat one.jpg", Some("image/jpeg")));
    assert_eq!(input.metadata.as_ref().map(|m| m.len()), Some(2));
    bencher.bench(read);
}

#[divan::bench]
fn put_object_head_headers_alone(bencher: Bencher) {
    let headers = put_object_head();
    bencher.bench(|| {
        let headers = black_box(&headers);
        let mut read: Vec<(&str, String)> = Vec::with_capacity(headers.len() + 2);
        let mut segments = PATH.trim_start_matches('/').splitn(2, '/');
        read.push(("Bucket", segments.next().unwrap_or_default().to_string()));
        read.push(("Key", segments.next().unwrap_or_default().replace("%20", " ")));
        for (name, value) in headers {
            read.push((name.as_str(), value.to_str().unwrap_or_default().to_string()));
        }
        read
    });
}

/// The route alone, of `put_object_head_ours`: what the floor leaves out.
#[divan::bench]
fn put_object_route_alone(bencher: Bencher) {
    let router = AmazonS3Router::new(Nothing);
    bencher.bench(|| router.routes().route("PUT", black_box(PATH), None).unwrap().labels);
}
