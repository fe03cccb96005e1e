"""Drives the emulator's S3 Select with boto3: SelectObjectContent's answer
is a restXml event stream (Records, Stats, End) botocore reads.
Usage: python3 s3_select_session.py ENDPOINT_URL"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

s3 = boto3.client(
    "s3", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}, s3={"addressing_style": "path"}),
)


def select(key, expression, input_serialization, output_serialization):
    response = s3.select_object_content(
        Bucket="reports", Key=key, Expression=expression, ExpressionType="SQL",
        InputSerialization=input_serialization, OutputSerialization=output_serialization,
    )
    records, stats, ended = b"", None, False
    for event in response["Payload"]:
        if "Records" in event:
            records += event["Records"]["Payload"]
        elif "Stats" in event:
            stats = event["Stats"]["Details"]
        elif "End" in event:
            ended = True
    assert ended, "no End event"
    return records, stats


s3.create_bucket(Bucket="reports")
csv = b"name,city\nada,london\ngrace,new york\nlinus,helsinki\n"
s3.put_object(Bucket="reports", Key="people.csv", Body=csv)
records, stats = select("people.csv", "SELECT * FROM S3Object s LIMIT 2",
                        {"CSV": {"FileHeaderInfo": "USE"}}, {"JSON": {}})
lines = [json.loads(line) for line in records.decode().splitlines()]
assert lines == [{"name": "ada", "city": "london"}, {"name": "grace", "city": "new york"}], lines
assert stats == {"BytesScanned": len(csv), "BytesProcessed": len(csv), "BytesReturned": len(records)}, stats
records, _ = select("people.csv", "SELECT * FROM S3Object", {"CSV": {"FileHeaderInfo": "IGNORE"}},
                    {"CSV": {"FieldDelimiter": ";"}})
assert records == b"ada;london\ngrace;new york\nlinus;helsinki\n", records

big = b"".join(b'{"n": %d, "pad": "%s"}\n' % (n, b"x" * 100) for n in range(2000))
s3.put_object(Bucket="reports", Key="big.json", Body=big)
records, stats = select("big.json", "SELECT * FROM S3Object", {"JSON": {"Type": "LINES"}}, {"JSON": {}})
assert [json.loads(line)["n"] for line in records.decode().splitlines()] == list(range(2000))
assert stats["BytesReturned"] == len(records) > 65536, stats

try:
    select("people.csv", "SELECT s.name FROM S3Object s", {"CSV": {}}, {"CSV": {}})
    raise AssertionError("a projection was run")
except ClientError as e:
    assert e.response["Error"]["Code"] == "UnsupportedSqlOperation", e.response
try:
    select("missing.csv", "SELECT * FROM S3Object", {"CSV": {}}, {"CSV": {}})
    raise AssertionError("a missing key was selected")
except ClientError as e:
    assert e.response["Error"]["Code"] == "NoSuchKey", e.response
print("s3 select session: ok")
