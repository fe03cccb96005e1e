"""Drives the emulator with boto3: DynamoDB tables and items, SQS queues and
messages, SSM parameters, STS, IAM users, S3 buckets and objects, SNS topics
and EC2's regions, all on one endpoint, and errors as a real client sees
them.
Usage: python3 boto3_session.py URL"""

import hashlib
import struct
import sys
import urllib.request
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# One endpoint for every service, as with LocalStack.
DYNAMODB = SQS = SSM = STS = IAM = S3 = SNS = EC2 = sys.argv[1]
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service, endpoint):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test", config=CONFIG,
    )


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded")


# DynamoDB ---------------------------------------------------------------

ddb = client("dynamodb", DYNAMODB)
created = ddb.create_table(
    TableName="Orders",
    AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                          {"AttributeName": "number", "AttributeType": "N"}],
    KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "number", "KeyType": "RANGE"}],
    ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
)["TableDescription"]
assert created["TableName"] == "Orders" and created["TableStatus"] == "ACTIVE", created
assert created["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/Orders", created
assert created["ItemCount"] == 0, created
assert created["ProvisionedThroughput"]["ReadCapacityUnits"] == 3, created
assert created["ProvisionedThroughput"]["WriteCapacityUnits"] == 4, created
assert abs((datetime.now(timezone.utc) - created["CreationDateTime"]).total_seconds()) < 60, created

# Every attribute type round-trips exactly, binary included.
item = {
    "customer": {"S": "alice"},
    "number": {"N": "17"},
    "total": {"N": "12.50"},
    "receipt": {"B": b"\x00\x01\xfe\xff"},
    "scans": {"BS": [b"\x01", b"\x02\x03"]},
    "tags": {"SS": ["gift", "express"]},
    "weights": {"NS": ["1", "2.5"]},
    "lines": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}}}, {"NULL": True}, {"BOOL": False}]},
    "note": {"S": "ünïcödé ✓"},
}
assert "Attributes" not in ddb.put_item(TableName="Orders", Item=item)
got = ddb.get_item(TableName="Orders", Key={"customer": {"S": "alice"}, "number": {"N": "17"}})
assert got["Item"] == item, got["Item"]
# The key compares by value: 17 is 1.7E1.
got = ddb.get_item(TableName="Orders", Key={"customer": {"S": "alice"}, "number": {"N": "1.7E1"}})
assert got["Item"] == item, got
assert "Item" not in ddb.get_item(TableName="Orders", Key={"customer": {"S": "bob"}, "number": {"N": "17"}})
# The table's ARN names it too.
got = ddb.get_item(TableName=created["TableArn"], Key={"customer": {"S": "alice"}, "number": {"N": "17"}})
assert got["Item"] == item, got
assert ddb.describe_table(TableName="Orders")["Table"]["ItemCount"] == 1

# The modelled error, caught as its exception class.
try:
    ddb.get_item(TableName="Missing", Key={"customer": {"S": "alice"}})
    raise AssertionError("GetItem on a missing table succeeded")
except ddb.exceptions.ResourceNotFoundException as e:
    assert e.response["Error"]["Message"] == "Requested resource not found", e.response
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.response["ResponseMetadata"]["RequestId"], e.response

# A constraint botocore does not check (a pattern), checked by the server.
error, status = error_of(ddb.list_tables, ExclusiveStartTableName="bad name!")
assert (error["Code"], status) == ("ValidationException", 400), (error, status)
assert error["Message"] == (
    "1 validation error detected. Value at '/ExclusiveStartTableName' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.-]+$"), error
error, status = error_of(ddb.put_item, TableName="Orders", Item={"customer": {"S": "alice"}})
assert (error["Code"], status) == ("ValidationException", 400), (error, status)
assert error["Message"] == "One or more parameter values were invalid: Missing the key number in the item", error

# ListTables pages by name.
for name in ["Tab3", "Tab1", "Tab2"]:
    ddb.create_table(
        TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "B"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
    )
page = ddb.list_tables(Limit=2)
assert (page["TableNames"], page["LastEvaluatedTableName"]) == (["Orders", "Tab1"], "Tab1"), page
page = ddb.list_tables(Limit=2, ExclusiveStartTableName="Tab1")
assert (page["TableNames"], page.get("LastEvaluatedTableName")) == (["Tab2", "Tab3"], None), page
names = [n for p in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 1}) for n in p["TableNames"]]
assert names == ["Orders", "Tab1", "Tab2", "Tab3"], names

# An operation the emulator does not implement.
error, status = error_of(ddb.create_backup, TableName="Orders", BackupName="nightly")
assert (error["Code"], status) == ("NotImplemented", 501), (error, status)
assert error["Message"] == "CreateBackup is not implemented by this server", error


# SQS --------------------------------------------------------------------

def md5_of_attributes(attributes):
    """SQS's digest of message attributes, as its documentation describes it."""
    buffer = b""
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value["DataType"]
        buffer += struct.pack(">I", len(name.encode())) + name.encode()
        buffer += struct.pack(">I", len(data_type.encode())) + data_type.encode()
        if data_type.startswith("Binary"):
            payload = value["BinaryValue"]
            buffer += b"\x02"
        else:
            payload = value["StringValue"].encode()
            buffer += b"\x01"
        buffer += struct.pack(">I", len(payload)) + payload
    return hashlib.md5(buffer).hexdigest()


sqs = client("sqs", SQS)
url = sqs.create_queue(QueueName="work", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
assert url == SQS + "/000000000000/work", url
assert sqs.create_queue(QueueName="work", Attributes={"VisibilityTimeout": "5"})["QueueUrl"] == url

body = "order 17 for alice: ünïcödé ✓"
attributes = {
    "kind": {"DataType": "String", "StringValue": "order"},
    "count": {"DataType": "Number", "StringValue": "3"},
    "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
}
sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)
assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), sent
assert sent["MD5OfMessageAttributes"] == md5_of_attributes(attributes), sent

received = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"],
                               VisibilityTimeout=0)["Messages"]
assert len(received) == 1, received
message = received[0]
assert (message["MessageId"], message["Body"]) == (sent["MessageId"], body), message
assert message["MD5OfBody"] == hashlib.md5(body.encode()).hexdigest(), message
assert message["MessageAttributes"] == attributes, message
assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"], message
assert message["Attributes"]["ApproximateReceiveCount"] == "1", message
# A visibility timeout of 0 made it visible again at once.
again = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"][0]
assert again["MessageId"] == sent["MessageId"] and again["ReceiptHandle"] != message["ReceiptHandle"], again
assert again["Attributes"] == {"ApproximateReceiveCount": "2"}, again
assert "MessageAttributes" not in again, again
# Now invisible for the queue's 5 seconds; deleted by its latest receipt handle.
assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
# A handle of a message gone (or received again since) is deleted all the
# same, as SQS says; one SQS never gave is refused.
sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
error, status = error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle="not-a-receipt-handle")
# The model gives ReceiptHandleIsInvalid the status 404.
assert (error["Code"], status) == ("ReceiptHandleIsInvalid", 404), (error, status)

# At most MaxNumberOfMessages (default 1), in the order they were sent.
for i in range(12):
    sqs.send_message(QueueUrl=url, MessageBody=f"message {i}")
assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["message 0"]
bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
assert bodies == [f"message {i}" for i in range(1, 11)], bodies
assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == ["message 11"]

# The modelled error: boto3 reads its awsQuery code and raises its class.
missing = SQS + "/000000000000/no-such-queue"
try:
    sqs.send_message(QueueUrl=missing, MessageBody="lost")
    raise AssertionError("SendMessage to a missing queue succeeded")
except sqs.exceptions.QueueDoesNotExist as e:
    error = e.response["Error"]
    assert error["Code"] == "AWS.SimpleQueueService.NonExistentQueue", error
    assert (error["QueryErrorCode"], error["Type"]) == ("QueueDoesNotExist", "Sender"), error
    assert error["Message"] == "The specified queue does not exist.", error
try:
    sqs.get_queue_url(QueueName="no-such-queue")
    raise AssertionError("GetQueueUrl of a missing queue succeeded")
except sqs.exceptions.QueueDoesNotExist:
    pass

# Validation: the model's (an attribute outside its enum) and the emulator's.
error, status = error_of(sqs.create_queue, QueueName="other", Attributes={"Colour": "blue"})
assert (error["Code"], status) == ("ValidationException", 400), (error, status)
assert error["Message"].startswith("1 validation error detected. Value at '/Attributes' failed to satisfy "
                                   "constraint: Member must satisfy enum value set: [All, Policy,"), error
error, status = error_of(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11)
assert (error["Code"], status) == ("InvalidParameterValue", 400), (error, status)

# Tags, listed as SQS lists them.
sqs.tag_queue(QueueUrl=url, Tags={"team": "core"})
assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core"}

# SSM Parameter Store ----------------------------------------------------

ssm = client("ssm", SSM)
assert ssm.put_parameter(Name="/app/db/hosts", Value="a,b", Type="StringList")["Version"] == 1
assert ssm.put_parameter(Name="/app/db/hosts", Value="a,b,c", Overwrite=True)["Version"] == 2
parameter = ssm.get_parameter(Name="/app/db/hosts")["Parameter"]
assert (parameter["Value"], parameter["Type"], parameter["Version"]) == ("a,b,c", "StringList", 2), parameter
assert parameter["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/hosts", parameter
# The same clock as DynamoDB's CreationDateTime above, through the one
# runtime Timestamp both generated crates use.
assert abs((datetime.now(timezone.utc) - parameter["LastModifiedDate"]).total_seconds()) < 60, parameter
try:
    ssm.get_parameter(Name="/app/absent")
    raise AssertionError("GetParameter of a missing parameter succeeded")
except ssm.exceptions.ParameterNotFound:
    pass
try:
    ssm.put_parameter(Name="/app/db/hosts", Value="d", Type="StringList")
    raise AssertionError("PutParameter over an existing parameter without Overwrite succeeded")
except ssm.exceptions.ParameterAlreadyExists:
    pass
found = ssm.get_parameters(Names=["/app/db/hosts", "/app/absent"])
assert [p["Name"] for p in found["Parameters"]] == ["/app/db/hosts"], found
assert found["InvalidParameters"] == ["/app/absent"], found
ssm.delete_parameter(Name="/app/db/hosts")
error, status = error_of(ssm.delete_parameter, Name="/app/db/hosts")
assert (error["Code"], status) == ("ParameterNotFound", 400), (error, status)

# STS and IAM (awsQuery) -------------------------------------------------

sts = client("sts", STS)
identity = sts.get_caller_identity()
assert (identity["Account"], identity["Arn"]) == ("000000000000", "arn:aws:iam::000000000000:root"), identity
assert identity["ResponseMetadata"]["RequestId"], identity
assumed = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/app", RoleSessionName="job", DurationSeconds=900)
expires = assumed["Credentials"]["Expiration"]
assert 800 < (expires - datetime.now(timezone.utc)).total_seconds() <= 900, assumed

iam = client("iam", IAM)
user = iam.create_user(UserName="ada", Tags=[{"Key": "team", "Value": "core"}])["User"]
assert user["Tags"] == [{"Key": "team", "Value": "core"}], user
assert abs((datetime.now(timezone.utc) - user["CreateDate"]).total_seconds()) < 60, user
try:
    iam.get_user(UserName="nobody")
    raise AssertionError("GetUser of a missing user succeeded")
except iam.exceptions.NoSuchEntityException:
    pass
error, status = error_of(iam.create_user, UserName="ada")
assert (error["Code"], error["Type"], status) == ("EntityAlreadyExists", "Sender", 409), (error, status)
for name in ["b", "c", "d"]:
    iam.create_user(UserName=name)
page = iam.list_users(MaxItems=2)
assert ([u["UserName"] for u in page["Users"]], page["IsTruncated"]) == (["ada", "b"], True), page
rest = iam.list_users(Marker=page["Marker"])
assert ([u["UserName"] for u in rest["Users"]], rest["IsTruncated"]) == (["c", "d"], False), rest
error, status = error_of(iam.create_user, UserName="x" * 65)
assert (error["Code"], status) == ("ValidationError", 400), (error, status)
assert error["Message"] == (
    "1 validation error detected: Value with length 65 at 'userName' failed to satisfy constraint: "
    "Member must have length between 1 and 64, inclusive"
), error

# S3 ----------------------------------------------------------------------

s3 = client("s3", S3)
s3.create_bucket(Bucket="data")
body = bytes(range(256)) * 300
# boto3's defaults: a CRC32 checksum with every upload, checked.
put = s3.put_object(Bucket="data", Key="blobs/one.bin", Body=body, Metadata={"owner": "ada"})
assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), put
assert put["ChecksumCRC32"], put
head = s3.head_object(Bucket="data", Key="blobs/one.bin")
assert (head["ContentLength"], head["Metadata"]) == (len(body), {"owner": "ada"}), head
part = s3.get_object(Bucket="data", Key="blobs/one.bin", Range="bytes=256-511")
assert (part["Body"].read(), part["ContentRange"]) == (bytes(range(256)), f"bytes 256-511/{len(body)}"), part
assert part["ResponseMetadata"]["HTTPStatusCode"] == 206, part["ResponseMetadata"]
# Asked for, the response's checksum comes too, and boto3 checks it.
whole = s3.get_object(Bucket="data", Key="blobs/one.bin", ChecksumMode="ENABLED")
assert whole["Body"].read() == body and whole["ChecksumCRC32"], whole

# Virtual-hosted addressing: the bucket in the host (data.localhost, reached
# through the emulator as a proxy, since *.localhost may not resolve here).
virtual = boto3.client(
    "s3", endpoint_url=S3.replace("127.0.0.1", "localhost"), region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
    config=CONFIG.merge(Config(s3={"addressing_style": "virtual"}, proxies={"http": S3})),
)
virtual.put_object(Bucket="data", Key="blobs/two.bin", Body=b"two")
assert virtual.get_object(Bucket="data", Key="blobs/two.bin")["Body"].read() == b"two"
for key in ["a", "b", "c"]:
    s3.put_object(Bucket="data", Key=f"page/{key}", Body=key.encode())
pages = s3.get_paginator("list_objects_v2").paginate(Bucket="data", Prefix="page/", PaginationConfig={"PageSize": 2})
assert [[o["Key"] for o in page["Contents"]] for page in pages] == [["page/a", "page/b"], ["page/c"]]
for version in ["s3v4", "s3"]:  # presigned with SigV4, and botocore's default, SigV2
    presigner = boto3.client(
        "s3", endpoint_url=S3, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(signature_version=version),
    )
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": "data", "Key": "page/a"}, ExpiresIn=60)
    assert urllib.request.urlopen(url).read() == b"a", url

try:
    s3.get_object(Bucket="data", Key="absent")
    raise AssertionError("GetObject of a missing key succeeded")
except s3.exceptions.NoSuchKey as e:
    assert e.response["Error"]["Message"] == "The specified key does not exist.", e.response
error, status = error_of(s3.create_bucket, Bucket="Not_Valid")
assert (error["Code"], status) == ("InvalidBucketName", 400), (error, status)
error, status = error_of(s3.delete_bucket, Bucket="data")
assert (error["Code"], status) == ("BucketNotEmpty", 409), (error, status)
error, status = error_of(s3.get_bucket_tagging, Bucket="data")
assert (error["Code"], status) == ("NoSuchTagSet", 404), (error, status)
s3.put_bucket_tagging(Bucket="data", Tagging={"TagSet": [{"Key": "env", "Value": "test"}]})
assert s3.get_bucket_tagging(Bucket="data")["TagSet"] == [{"Key": "env", "Value": "test"}]
s3.delete_object(Bucket="data", Key="blobs/one.bin")
assert "blobs/one.bin" not in [o["Key"] for o in s3.list_objects_v2(Bucket="data")["Contents"]]

# SNS ---------------------------------------------------------------------

sns = client("sns", SNS)
arn = sns.create_topic(Name="events")["TopicArn"]
assert arn == sns.create_topic(Name="events")["TopicArn"] == "arn:aws:sns:us-east-1:000000000000:events"
assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [arn]
assert sns.publish(TopicArn=arn, Message="hello", Subject="greeting")["MessageId"]
try:
    sns.publish(TopicArn=arn + "-absent", Message="hello")
    raise AssertionError("Publish to a missing topic succeeded")
except sns.exceptions.NotFoundException:
    pass
error, status = error_of(sns.create_topic, Name="bad name")
assert (error["Code"], status) == ("InvalidParameter", 400), (error, status)
error, status = error_of(sns.list_platform_applications)
assert (error["Code"], status) == ("InvalidAction", 400), (error, status)

# EC2 ---------------------------------------------------------------------

ec2 = client("ec2", EC2)
regions = ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["eu-west-1"]}])["Regions"]
assert regions == [{"Endpoint": "ec2.eu-west-1.amazonaws.com", "RegionName": "eu-west-1", "OptInStatus": "opt-in-not-required"}], regions
error, status = error_of(ec2.describe_regions, RegionNames=["nowhere-1"])
assert (error["Code"], status) == ("InvalidParameterValue", 400), (error, status)

print("boto3 session: ok")
