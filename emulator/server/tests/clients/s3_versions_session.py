"""Drives S3's versions, checksums, conditional and part reads, and
presigned uploads with boto3, as applications use them.
Usage: python3 s3_versions_session.py URL"""

import base64
import hashlib
import http.client
import sys
import urllib.request
import zlib
from datetime import timedelta

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

URL = sys.argv[1]
s3 = boto3.client(
    "s3", endpoint_url=URL, region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}, s3={"addressing_style": "path"}),
)


def refused(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded")


def body(key, **kwargs):
    return s3.get_object(Bucket="versions", Key=key, **kwargs)["Body"].read()


s3.create_bucket(Bucket="versions")
# Never versioned: no version ids answered, and "null" lists them.
assert "VersionId" not in s3.put_object(Bucket="versions", Key="plain", Body=b"0")

s3.put_bucket_versioning(Bucket="versions", VersioningConfiguration={"Status": "Enabled"})
v1 = s3.put_object(Bucket="versions", Key="doc", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket="versions", Key="doc", Body=b"two")["VersionId"]
assert v1 != v2 and len(v1) == 32, (v1, v2)
assert body("doc") == b"two" and body("doc", VersionId=v1) == b"one"
head = s3.head_object(Bucket="versions", Key="doc", VersionId=v1)
assert (head["VersionId"], head["ContentLength"]) == (v1, 3), head

# A delete puts a marker on top: the key is gone, its versions are not.
deleted = s3.delete_object(Bucket="versions", Key="doc")
marker = deleted["VersionId"]
assert deleted["DeleteMarker"] is True and marker not in (v1, v2), deleted
assert refused(s3.get_object, Bucket="versions", Key="doc") == ("NoSuchKey", 404)
assert refused(s3.get_object, Bucket="versions", Key="doc", VersionId=marker) == ("MethodNotAllowed", 405)
assert refused(s3.get_object, Bucket="versions", Key="doc", VersionId="f" * 32) == ("NoSuchVersion", 404)
assert refused(s3.get_object, Bucket="versions", Key="doc", VersionId="not-one") == ("InvalidArgument", 400)
assert [o["Key"] for o in s3.list_objects_v2(Bucket="versions").get("Contents", [])] == ["plain"]
listed = s3.list_object_versions(Bucket="versions", Prefix="doc")
assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(v2, False), (v1, False)], listed
assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [(marker, True)], listed

# Removing the marker brings the object back; removing a version is for good.
assert s3.delete_object(Bucket="versions", Key="doc", VersionId=marker)["DeleteMarker"] is True
assert body("doc") == b"two"
s3.delete_object(Bucket="versions", Key="doc", VersionId=v2)
assert body("doc") == b"one"
copied = s3.copy_object(Bucket="versions", Key="copy", CopySource={"Bucket": "versions", "Key": "doc", "VersionId": v1})
assert copied["CopySourceVersionId"] == v1 and body("copy") == b"one", copied

# Suspended: writes make the null version, replacing the one there was.
s3.put_bucket_versioning(Bucket="versions", VersioningConfiguration={"Status": "Suspended"})
s3.put_object(Bucket="versions", Key="doc", Body=b"null one")
s3.put_object(Bucket="versions", Key="doc", Body=b"null two")
ids = [v["VersionId"] for v in s3.list_object_versions(Bucket="versions", Prefix="doc")["Versions"]]
assert ids == ["null", v1], ids
assert body("doc", VersionId="null") == b"null two"

# A batch delete reports markers and versions.
batch = s3.delete_objects(Bucket="versions", Delete={"Objects": [{"Key": "copy"}, {"Key": "doc", "VersionId": v1}]})
assert sorted((d["Key"], d.get("DeleteMarker", False)) for d in batch["Deleted"]) == [("copy", True), ("doc", False)]

# A bucket with versions is not empty until every version is gone.
assert refused(s3.delete_bucket, Bucket="versions") == ("BucketNotEmpty", 409)
everything = s3.list_object_versions(Bucket="versions")
for entry in everything.get("Versions", []) + everything.get("DeleteMarkers", []):
    s3.delete_object(Bucket="versions", Key=entry["Key"], VersionId=entry["VersionId"])
s3.delete_bucket(Bucket="versions")

# Checksums as the client sent them, returned when asked for.
s3.create_bucket(Bucket="sums")
data = b"checked bytes" * 100
crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
put = s3.put_object(Bucket="sums", Key="c", Body=data, ChecksumAlgorithm="CRC32")
assert put["ChecksumCRC32"] == crc, put
assert s3.head_object(Bucket="sums", Key="c", ChecksumMode="ENABLED")["ChecksumCRC32"] == crc
assert "ChecksumCRC32" not in s3.head_object(Bucket="sums", Key="c")
sha = base64.b64encode(hashlib.sha256(data).digest()).decode()
s3.put_object(Bucket="sums", Key="s", Body=data, ChecksumSHA256=sha)
assert s3.get_object(Bucket="sums", Key="s", ChecksumMode="ENABLED")["ChecksumSHA256"] == sha
assert refused(s3.put_object, Bucket="sums", Key="bad", Body=data, ChecksumSHA256=base64.b64encode(b"x" * 32).decode())[1] == 400

# Conditional reads by date.
modified = s3.head_object(Bucket="sums", Key="c")["LastModified"]
later, earlier = modified + timedelta(seconds=5), modified - timedelta(seconds=5)
assert refused(s3.get_object, Bucket="sums", Key="c", IfModifiedSince=later)[1] == 304
assert s3.get_object(Bucket="sums", Key="c", IfModifiedSince=earlier)["ContentLength"] == len(data)
assert refused(s3.get_object, Bucket="sums", Key="c", IfUnmodifiedSince=earlier) == ("PreconditionFailed", 412)
etag = s3.head_object(Bucket="sums", Key="c")["ETag"]
# If-Match holds: If-Unmodified-Since is not weighed.
assert s3.get_object(Bucket="sums", Key="c", IfMatch=etag, IfUnmodifiedSince=earlier)["ETag"] == etag

# Parts of an object uploaded in parts, by number.
upload = s3.create_multipart_upload(Bucket="sums", Key="parts")["UploadId"]
first, second = b"a" * (5 << 20), b"b" * 1000
e1 = s3.upload_part(Bucket="sums", Key="parts", UploadId=upload, PartNumber=1, Body=first)["ETag"]
e2 = s3.upload_part(Bucket="sums", Key="parts", UploadId=upload, PartNumber=2, Body=second)["ETag"]
s3.complete_multipart_upload(Bucket="sums", Key="parts", UploadId=upload,
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
part = s3.get_object(Bucket="sums", Key="parts", PartNumber=2)
assert (part["Body"].read(), part["PartsCount"], part["ContentRange"]) == (second, 2, f"bytes {5 << 20}-{(5 << 20) + 999}/{(5 << 20) + 1000}"), part
assert s3.head_object(Bucket="sums", Key="parts", PartNumber=1)["ContentLength"] == 5 << 20
assert refused(s3.get_object, Bucket="sums", Key="parts", PartNumber=3) == ("InvalidPartNumber", 416)
assert s3.get_object(Bucket="sums", Key="c", PartNumber=1)["Body"].read() == data

# A presigned PUT, sent by plain HTTP, and a presigned GET of it.
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "sums", "Key": "presigned"}, ExpiresIn=300)
request = urllib.request.Request(put_url, data=b"sent without an SDK", method="PUT")
with urllib.request.urlopen(request) as answer:
    assert answer.status == 200 and answer.headers["ETag"], answer.headers
get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "sums", "Key": "presigned"}, ExpiresIn=300)
with urllib.request.urlopen(get_url) as answer:
    assert answer.read() == b"sent without an SDK"

# Virtual-hosted style: the bucket in the host name (sent to the loopback
# address, as *.localhost names do not resolve everywhere).
address = URL.removeprefix("http://")
connection = http.client.HTTPConnection(address)
connection.request("GET", "/presigned", headers={"Host": f"sums.s3.localhost:{address.split(':')[1]}"})
answer = connection.getresponse()
assert (answer.status, answer.read()) == (200, b"sent without an SDK")
print("s3 versions session: ok")
