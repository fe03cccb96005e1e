"""Drives the emulator's CloudWatch Logs with boto3: groups, streams, events,
and a live tail (StartLiveTail), an event stream botocore reads as events
are ingested. Usage: python3 logs_session.py ENDPOINT_URL"""

import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
# StartLiveTail's model prefixes its host with `stream-`, which names no
# local host: the emulator is reached at its own.
logs = boto3.client(
    "logs", endpoint_url=ENDPOINT, region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}, inject_host_prefix=False),
)


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{call.__name__} succeeded")


logs.create_log_group(logGroupName="/app/web")
logs.create_log_stream(logGroupName="/app/web", logStreamName="i-1")
logs.create_log_stream(logGroupName="/app/web", logStreamName="i-2")
assert error_code(logs.create_log_group, logGroupName="/app/web") == "ResourceAlreadyExistsException"
groups = logs.describe_log_groups(logGroupNamePrefix="/app")["logGroups"]
assert [g["logGroupName"] for g in groups] == ["/app/web"], groups
arn = groups[0]["logGroupArn"]
assert arn == "arn:aws:logs:us-east-1:000000000000:log-group:/app/web", arn

# A live tail of the group's errors: sessionStart, then an update each second.
tail = logs.start_live_tail(logGroupIdentifiers=[arn], logEventFilterPattern="ERROR -retry")
stream = tail["responseStream"]
events = iter(stream)
start = next(events)["sessionStart"]
assert start["logGroupIdentifiers"] == [arn] and start["logEventFilterPattern"] == "ERROR -retry", start
assert start["sessionId"] and start["requestId"], start

now = int(time.time() * 1000)
logs.put_log_events(logGroupName="/app/web", logStreamName="i-1", logEvents=[
    {"timestamp": now, "message": "INFO started"},
    {"timestamp": now + 1, "message": "ERROR disk full"},
    {"timestamp": now + 2, "message": "ERROR disk full, retry"},
])
logs.put_log_events(logGroupName="/app/web", logStreamName="i-2", logEvents=[
    {"timestamp": now + 3, "message": "ERROR timeout"},
])
seen, updates = [], 0
deadline = time.time() + 10
for event in events:
    update = event["sessionUpdate"]
    updates += 1
    assert update["sessionMetadata"] == {"sampled": False}, update
    seen += [(r["logStreamName"], r["logGroupIdentifier"], r["message"]) for r in update["sessionResults"]]
    if len(seen) >= 2 or time.time() > deadline:
        break
stream.close()
assert seen == [("i-1", arn, "ERROR disk full"), ("i-2", arn, "ERROR timeout")], seen

got = logs.get_log_events(logGroupName="/app/web", logStreamName="i-1", startFromHead=True)["events"]
assert [e["message"] for e in got] == ["INFO started", "ERROR disk full", "ERROR disk full, retry"], got
assert [e["timestamp"] for e in got] == [now, now + 1, now + 2], got
streams = logs.describe_log_streams(logGroupName="/app/web")["logStreams"]
assert [(s["logStreamName"], s.get("lastEventTimestamp")) for s in streams] == [("i-1", now + 2), ("i-2", now + 3)]

missing = "arn:aws:logs:us-east-1:000000000000:log-group:/nope"
assert error_code(logs.start_live_tail, logGroupIdentifiers=[missing]) == "ResourceNotFoundException"
assert error_code(logs.start_live_tail, logGroupIdentifiers=[arn],
                  logEventFilterPattern='{ $.level = "ERROR" }') == "InvalidParameterException"
assert error_code(logs.put_log_events, logGroupName="/app/web", logStreamName="i-3",
                  logEvents=[{"timestamp": now, "message": "x"}]) == "ResourceNotFoundException"
logs.delete_log_group(logGroupName="/app/web")
assert logs.describe_log_groups()["logGroups"] == []
print("logs session: ok")
