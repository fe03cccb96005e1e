"""boto3 against ssm-server started with --credentials AKIDSSMTEST:s3cret/KEY:
signed with the right secret it is served; with a wrong secret, an unknown
key or no signature it gets AWS's errors."""

import sys

import boto3
import botocore
from botocore.config import Config

url = sys.argv[1]


def client(key, secret, signed=True):
    config = Config(retries={"max_attempts": 1}, signature_version=None if signed else botocore.UNSIGNED)
    return boto3.client("ssm", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=config)


def create(ssm):
    return ssm.create_maintenance_window(Name="boto3-signed", Schedule="rate(1 day)", Duration=1, Cutoff=0,
                                         AllowUnassociatedTargets=True)


window = create(client("AKIDSSMTEST", "s3cret/KEY"))["WindowId"]
assert window.startswith("mw-"), window

for key, secret, signed, code in [
    ("AKIDSSMTEST", "wrong", True, "InvalidSignatureException"),
    ("AKIDNOBODY", "s3cret/KEY", True, "UnrecognizedClientException"),
    ("AKIDSSMTEST", "s3cret/KEY", False, "MissingAuthenticationTokenException"),
]:
    try:
        create(client(key, secret, signed))
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, (code, e.response)
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
        assert e.response["ResponseMetadata"]["RequestId"], e.response
    else:
        raise AssertionError(f"{key}/{secret} signed={signed} was accepted")

print("boto3 sigv4: ok")
