"""Drives lambda-server with boto3: functions, aliases, tags and invocations
as a real client sends them (labels, query strings, headers, a blob payload
both ways, status codes), and errors as a real client sees them.
Usage: python3 boto3_session.py ENDPOINT_URL"""

import base64
import hashlib
import io
import json
import sys
import zipfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"


def client(**config):
    return boto3.client(
        "lambda", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded")


def package():
    """A real, tiny deployment package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


lam = client()
zip_bytes = package()

# Create: 201, the configuration as Lambda reports it.
created = lam.create_function(
    FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="handler.handler",
    Code={"ZipFile": zip_bytes}, Description="echoes its event", Timeout=10, MemorySize=256,
    Environment={"Variables": {"STAGE": "test"}}, Tags={"team": "platform"},
)
assert created["ResponseMetadata"]["HTTPStatusCode"] == 201, created["ResponseMetadata"]
arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:echo"
assert created["FunctionArn"] == arn, created
assert (created["Runtime"], created["Handler"], created["Timeout"], created["MemorySize"]) == \
    ("python3.12", "handler.handler", 10, 256), created
assert created["CodeSize"] == len(zip_bytes), created
assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode(), created
assert created["Version"] == "$LATEST" and created["State"] == "Active", created
assert created["Environment"] == {"Variables": {"STAGE": "test"}}, created
code, message, status = error_of(
    lam.create_function, FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="handler.handler",
    Code={"ZipFile": zip_bytes},
)
assert (code, status) == ("ResourceConflictException", 409), (code, status)
assert message == "Function already exist: echo", message

# Read back by name, by ARN, by partial ARN, with a qualifier.
function = lam.get_function(FunctionName="echo")
assert function["Configuration"] == {k: v for k, v in created.items() if k != "ResponseMetadata"}, function
assert function["Tags"] == {"team": "platform"}, function
for name in [arn, f"{ACCOUNT}:function:echo", "echo:$LATEST"]:
    assert lam.get_function_configuration(FunctionName=name)["FunctionName"] == "echo", name
assert lam.get_function_configuration(FunctionName="echo", Qualifier="$LATEST")["Version"] == "$LATEST"
code, message, status = error_of(lam.get_function, FunctionName="missing")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)
assert message == f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:missing", message

# Update: the changes, a new revision, and revisions checked.
updated = lam.update_function_configuration(FunctionName="echo", Timeout=30, Description="updated")
assert (updated["Timeout"], updated["Description"], updated["MemorySize"]) == (30, "updated", 256), updated
assert updated["RevisionId"] != created["RevisionId"], updated
code, _, status = error_of(lam.update_function_configuration, FunctionName="echo", Timeout=5,
                           RevisionId=created["RevisionId"])
assert (code, status) == ("PreconditionFailedException", 412), (code, status)

# Paging through ListFunctions with Marker and MaxItems.
for name in ["alpha", "beta", "gamma"]:
    lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                        Code={"ZipFile": zip_bytes})
names, marker, pages = [], None, 0
while True:
    page = lam.list_functions(MaxItems=2, **({"Marker": marker} if marker else {}))
    pages += 1
    assert len(page["Functions"]) <= 2, page
    names += [f["FunctionName"] for f in page["Functions"]]
    marker = page.get("NextMarker")
    if not marker:
        break
assert (names, pages) == (["alpha", "beta", "echo", "gamma"], 2), (names, pages)
paginated = [f["FunctionName"] for p in lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 3})
             for f in p["Functions"]]
assert paginated == ["alpha", "beta", "echo", "gamma"], paginated

# Aliases.
alias = lam.create_alias(FunctionName="echo", Name="live", FunctionVersion="$LATEST", Description="production")
assert alias["ResponseMetadata"]["HTTPStatusCode"] == 201
assert alias["AliasArn"] == f"{arn}:live", alias
lam.create_alias(FunctionName="echo", Name="canary", FunctionVersion="$LATEST")
code, _, status = error_of(lam.create_alias, FunctionName="echo", Name="live", FunctionVersion="$LATEST")
assert (code, status) == ("ResourceConflictException", 409), (code, status)
code, _, status = error_of(lam.create_alias, FunctionName="echo", Name="old", FunctionVersion="7")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)
assert lam.get_alias(FunctionName="echo", Name="live")["Description"] == "production"
assert lam.update_alias(FunctionName="echo", Name="live", Description="still production")["Description"] == \
    "still production"
first = lam.list_aliases(FunctionName="echo", MaxItems=1)
assert [a["Name"] for a in first["Aliases"]] == ["canary"], first
rest = lam.list_aliases(FunctionName="echo", Marker=first["NextMarker"])
assert [a["Name"] for a in rest["Aliases"]] == ["live"] and "NextMarker" not in rest, rest
assert len(lam.list_aliases(FunctionName="echo", FunctionVersion="$LATEST")["Aliases"]) == 2
assert lam.delete_alias(FunctionName="echo", Name="canary")["ResponseMetadata"]["HTTPStatusCode"] == 204
code, _, status = error_of(lam.get_alias, FunctionName="echo", Name="canary")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)
code, _, status = error_of(lam.delete_alias, FunctionName="echo", Name="canary")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)

# Invoke: the payload both ways, headers both ways, the status code.
event = {"order": 42, "items": ["a", "b"]}
result = lam.invoke(FunctionName="echo", Payload=json.dumps(event).encode())
assert result["StatusCode"] == 200 and result["ResponseMetadata"]["HTTPStatusCode"] == 200, result
assert result["ExecutedVersion"] == "$LATEST", result
assert json.loads(result["Payload"].read()) == event
assert "FunctionError" not in result, result
result = lam.invoke(FunctionName="echo:live", LogType="Tail",
                    ClientContext=base64.b64encode(b'{"custom": {"caller": "boto3"}}').decode())
assert json.loads(result["Payload"].read()) == {"function": "echo", "version": "$LATEST"}
log = base64.b64decode(result["LogResult"]).decode()
assert log.startswith("START RequestId: ") and '{"custom": {"caller": "boto3"}}' in log, log
assert log.split()[2] == result["ResponseMetadata"]["RequestId"], (log, result["ResponseMetadata"])
result = lam.invoke(FunctionName="echo", Qualifier="live", Payload=b'{"raise": "out of stock"}')
assert result["FunctionError"] == "Unhandled", result
assert json.loads(result["Payload"].read()) == {"errorMessage": "out of stock", "errorType": "Exception"}
result = lam.invoke(FunctionName="echo", InvocationType="Event", Payload=b'{"later": true}')
assert (result["StatusCode"], result["Payload"].read()) == (202, b""), result
result = lam.invoke(FunctionName="echo", InvocationType="DryRun")
assert (result["StatusCode"], result["Payload"].read()) == (204, b""), result
code, _, status = error_of(lam.invoke, FunctionName="echo", Payload=b"not json")
assert (code, status) == ("InvalidRequestContentException", 400), (code, status)
code, _, status = error_of(lam.invoke, FunctionName="echo", Qualifier="nope")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)
code, message, status = error_of(lam.invoke, FunctionName="echo", LogType="Everything")
assert (code, status) == ("ValidationException", 400), (code, status)
assert "'/LogType'" in message and "Member must satisfy enum value set: [None, Tail]" in message, message

# InvokeWithResponseStream: the payload as an event stream botocore reads,
# in 16 KiB chunks, then InvokeComplete.
event = {"order": 43, "blob": "x" * 40_000}
result = lam.invoke_with_response_stream(FunctionName="echo", Payload=json.dumps(event).encode())
assert (result["StatusCode"], result["ExecutedVersion"]) == (200, "$LATEST"), result
# The model binds ResponseStreamContentType to Content-Type, as Lambda sends it.
assert result["ResponseStreamContentType"] == "application/octet-stream", result
chunks, completes = [], []
for message in result["EventStream"]:
    if "PayloadChunk" in message:
        chunks.append(message["PayloadChunk"]["Payload"])
    else:
        completes.append(message["InvokeComplete"])
assert [len(chunk) for chunk in chunks] == [16384, 16384, len(json.dumps(event)) - 32768], [len(c) for c in chunks]
assert json.loads(b"".join(chunks)) == event
assert completes == [{}], completes
result = lam.invoke_with_response_stream(FunctionName="echo:live", LogType="Tail", Payload=b'{"raise": "sold out"}')
messages = list(result["EventStream"])
assert json.loads(messages[0]["PayloadChunk"]["Payload"]) == {"errorMessage": "sold out", "errorType": "Exception"}
complete = messages[1]["InvokeComplete"]
assert complete["ErrorCode"] == "Unhandled" and json.loads(complete["ErrorDetails"])["errorMessage"] == "sold out"
assert base64.b64decode(complete["LogResult"]).decode().startswith("START RequestId: "), complete
assert len(messages) == 2, messages
result = lam.invoke_with_response_stream(FunctionName="echo", InvocationType="DryRun")
assert result["StatusCode"] == 204, result
code, _, status = error_of(lam.invoke_with_response_stream, FunctionName="nope")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)

# Tags by ARN; the keys to remove go in the query string, repeated.
lam.tag_resource(Resource=arn, Tags={"env": "test", "owner": "me"})
assert lam.list_tags(Resource=arn)["Tags"] == {"team": "platform", "env": "test", "owner": "me"}
assert lam.untag_resource(Resource=arn, TagKeys=["team", "owner"])["ResponseMetadata"]["HTTPStatusCode"] == 204
assert lam.list_tags(Resource=arn)["Tags"] == {"env": "test"}
code, _, status = error_of(lam.list_tags, Resource=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:missing")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)

# What botocore checks itself, the server checks too.
unchecked = client(parameter_validation=False)
code, message, status = error_of(unchecked.update_function_configuration, FunctionName="echo", Timeout=0,
                                 MemorySize=64)
assert (code, status) == ("ValidationException", 400), (code, status)
assert message == ("2 validation errors detected. Value at '/Timeout' failed to satisfy constraint: Member must be "
                   "greater than or equal to 1; Value at '/MemorySize' failed to satisfy constraint: Member must be "
                   "between 128 and 10240, inclusive"), message
code, message, _ = error_of(lam.update_function_configuration, FunctionName="echo", Description="d" * 257)
assert code == "ValidationException" and "'/Description'" in message, (code, message)

# Delete: the function, its aliases and its tags.
assert lam.delete_function(FunctionName="echo")["ResponseMetadata"]["HTTPStatusCode"] == 204
code, _, status = error_of(lam.get_alias, FunctionName="echo", Name="live")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)
code, _, status = error_of(lam.delete_function, FunctionName="echo")
assert (code, status) == ("ResourceNotFoundException", 404), (code, status)
assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["alpha", "beta", "gamma"]
print("boto3 session: ok")
