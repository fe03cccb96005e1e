"""CloudWatch through boto3 against the emulator: metrics put and read back
every way the API reads them, and alarms. Every request's wire protocol is
recorded and must be the one expected:

- `json`: botocore 1.43's own choice. CloudWatch's model lists RPC v2 CBOR,
  awsJson1.0 and awsQuery, and botocore takes the first of them in its own
  order of preference, which puts `json` before `smithy-rpc-v2-cbor`;
- `rpc-v2-cbor`: the same botocore with CBOR first in that order, so that its
  own CBOR serializer and parser (`RpcV2CBORSerializer`, `RpcV2CBORParser`)
  carry every call, as they will once botocore prefers them;
- `query`: a botocore from before CloudWatch listed anything but awsQuery
  (1.34).

usage: cloudwatch_session.py URL PROTOCOL
"""

import datetime
import sys

import boto3
import botocore
import botocore.model

url, expected = sys.argv[1], sys.argv[2]
if expected == "rpc-v2-cbor":
    preferred = botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS
    botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ("smithy-rpc-v2-cbor",) + tuple(
        p for p in preferred if p != "smithy-rpc-v2-cbor"
    )
client = boto3.client(
    "cloudwatch",
    endpoint_url=url,
    region_name="us-east-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
    config=botocore.config.Config(retries={"max_attempts": 1}),
)

spoken = []


def record(request, **_):
    def text(value):
        return value.decode() if isinstance(value, bytes) else value

    headers = {name.lower(): text(value) for name, value in request.headers.items()}
    if headers.get("smithy-protocol") == "rpc-v2-cbor":
        assert headers.get("content-type") in (None, "application/cbor"), headers
        spoken.append("rpc-v2-cbor")
    elif "x-amz-target" in headers:
        spoken.append("json")
    elif (headers.get("content-type") or "").startswith("application/x-www-form-urlencoded"):
        spoken.append("query")
    else:
        spoken.append(f"unknown {headers}")


client.meta.events.register("before-send.cloudwatch.*", record)

now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
start = now - datetime.timedelta(minutes=10)
dimensions = [{"Name": "Host", "Value": "a"}]

# Ten minutes of data: one value a minute, then a value array and a statistic set.
client.put_metric_data(
    Namespace="App",
    MetricData=[
        {
            "MetricName": "Latency",
            "Dimensions": dimensions,
            "Timestamp": start + datetime.timedelta(minutes=i, seconds=1),
            "Value": float(i + 1),
            "Unit": "Milliseconds",
        }
        for i in range(10)
    ],
)
client.put_metric_data(
    Namespace="App",
    MetricData=[
        {"MetricName": "Requests", "Timestamp": start, "Values": [1.0, 2.0, 3.0], "Counts": [1.0, 1.0, 2.0]},
        {
            "MetricName": "Requests",
            "Timestamp": start + datetime.timedelta(seconds=30),
            "StatisticValues": {"SampleCount": 2, "Sum": 10.0, "Minimum": 4.0, "Maximum": 6.0},
        },
    ],
)

listed = client.list_metrics(Namespace="App")["Metrics"]
names = sorted((m["MetricName"], tuple((d["Name"], d["Value"]) for d in m.get("Dimensions", []))) for m in listed)
assert names == [("Latency", (("Host", "a"),)), ("Requests", ())], names
filtered = client.list_metrics(Namespace="App", Dimensions=[{"Name": "Host"}])["Metrics"]
assert [m["MetricName"] for m in filtered] == ["Latency"], filtered

stats = client.get_metric_statistics(
    Namespace="App",
    MetricName="Latency",
    Dimensions=dimensions,
    StartTime=start,
    EndTime=now,
    Period=300,
    Statistics=["Average", "Sum", "SampleCount", "Maximum"],
    Unit="Milliseconds",
)
points = sorted(stats["Datapoints"], key=lambda p: p["Timestamp"])
assert stats["Label"] == "Latency", stats
assert [(p["SampleCount"], p["Sum"], p["Average"], p["Maximum"]) for p in points] == [
    (5.0, 15.0, 3.0, 5.0),
    (5.0, 40.0, 8.0, 10.0),
], points
assert points[0]["Timestamp"] == start, (points[0]["Timestamp"], start)
assert all(p["Unit"] == "Milliseconds" for p in points), points

requests = client.get_metric_statistics(
    Namespace="App", MetricName="Requests", StartTime=start, EndTime=now, Period=60, Statistics=["Sum", "Minimum", "Maximum", "SampleCount"]
)["Datapoints"]
assert [(p["SampleCount"], p["Sum"], p["Minimum"], p["Maximum"]) for p in requests] == [(6.0, 19.0, 1.0, 6.0)], requests

data = client.get_metric_data(
    MetricDataQueries=[
        {
            "Id": "p90",
            "MetricStat": {
                "Metric": {"Namespace": "App", "MetricName": "Latency", "Dimensions": dimensions},
                "Period": 60,
                "Stat": "p90",
            },
        },
        {
            "Id": "max",
            "MetricStat": {
                "Metric": {"Namespace": "App", "MetricName": "Latency", "Dimensions": dimensions},
                "Period": 300,
                "Stat": "Maximum",
            },
            "Label": "slowest",
        },
    ],
    StartTime=start,
    EndTime=now,
    ScanBy="TimestampAscending",
)["MetricDataResults"]
by_id = {result["Id"]: result for result in data}
assert by_id["p90"]["Values"] == [float(i + 1) for i in range(10)], by_id["p90"]
assert by_id["p90"]["StatusCode"] == "Complete", by_id["p90"]
assert by_id["p90"]["Timestamps"][0] == start, by_id["p90"]["Timestamps"]
assert (by_id["max"]["Label"], by_id["max"]["Values"]) == ("slowest", [5.0, 10.0]), by_id["max"]

client.put_metric_alarm(
    AlarmName="high-latency",
    Namespace="App",
    MetricName="Latency",
    Dimensions=dimensions,
    Statistic="Average",
    Period=60,
    EvaluationPeriods=2,
    Threshold=7.5,
    ComparisonOperator="GreaterThanThreshold",
)
alarms = client.describe_alarms(AlarmNamePrefix="high")["MetricAlarms"]
assert [(a["AlarmName"], a["Threshold"], a["StateValue"], a["ComparisonOperator"]) for a in alarms] == [
    ("high-latency", 7.5, "INSUFFICIENT_DATA", "GreaterThanThreshold")
], alarms
assert alarms[0]["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:000000000000:alarm:high-latency", alarms
assert client.describe_alarms(StateValue="ALARM")["MetricAlarms"] == []

# Errors in the protocol spoken, with the codes botocore maps to its exceptions.
try:
    client.get_metric_statistics(
        Namespace="App", MetricName="Latency", StartTime=start, EndTime=now, Period=300
    )
    raise AssertionError("no statistics were asked for")
except client.exceptions.InvalidParameterCombinationException as error:
    assert error.response["Error"]["Code"] == "InvalidParameterCombination", error.response
try:
    client.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "x", "Value": 1.0}])
    raise AssertionError("AWS/ namespaces are reserved")
except client.exceptions.InvalidParameterValueException as error:
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400, error.response
try:
    client.put_metric_data(Namespace="", MetricData=[{"MetricName": "x", "Value": 1.0}])
    raise AssertionError("the namespace is too short")
except botocore.exceptions.ClientError as error:
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400, error.response
except botocore.exceptions.ParamValidationError:
    pass  # a client that checks lengths itself

assert spoken and set(spoken) == {expected}, spoken
print(f"cloudwatch session ({botocore.__version__}, {expected}): ok")
