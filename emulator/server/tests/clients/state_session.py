"""Writes state to every service of the emulator, or reads it back after the
emulator was killed (kill -9) and started again on the same --data-dir;
and, while writing, meets the limits AWS sets that the models do not state.
Usage: python3 state_session.py URL write|read FILE (where write leaves a
version id for read)"""

import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

URL, PHASE = sys.argv[1], sys.argv[2]
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service):
    return boto3.client(
        service, endpoint_url=URL, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test", config=CONFIG,
    )


def refused(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    raise AssertionError(f"{call.__name__} succeeded")


dynamodb, ssm, sns, iam = client("dynamodb"), client("ssm"), client("sns"), client("iam")
s3 = client("s3")
cloudwatch, logs, sqs = client("cloudwatch"), client("logs"), client("sqs")
ITEM = {
    "id": {"S": "item-1"},
    "n": {"N": "-12.50"},
    "b": {"B": b"\x00\xffbytes"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "m": {"M": {"flag": {"BOOL": True}, "none": {"NULL": True}, "l": {"L": [{"S": "x"}, {"N": "3"}]}}},
}

if PHASE == "write":
    dynamodb.create_table(
        TableName="things", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    dynamodb.put_item(TableName="things", Item=ITEM)
    dynamodb.put_item(TableName="things", Item={"id": {"S": "gone"}})
    dynamodb.put_item(TableName="things", Item={"id": {"S": "big"}, "body": {"S": "x" * 409_000}})
    dynamodb.batch_write_item(RequestItems={"things": [{"PutRequest": {"Item": {"id": {"S": f"batch-{i}"}}}} for i in range(2)]})
    dynamodb.transact_write_items(TransactItems=[
        {"Update": {"TableName": "things", "Key": {"id": {"S": "gone"}}, "UpdateExpression": "SET seen = :t",
                    "ExpressionAttributeValues": {":t": {"BOOL": True}}}}])
    # A table's later settings: an index, time to live, tags, deletion protection.
    dynamodb.update_table(TableName="things", AttributeDefinitions=[{"AttributeName": "seen", "AttributeType": "S"}],
                          GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by-seen", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                                                   "KeySchema": [{"AttributeName": "seen", "KeyType": "HASH"}]}}])
    dynamodb.update_item(TableName="things", Key={"id": {"S": "batch-0"}}, UpdateExpression="SET seen = :y",
                         ExpressionAttributeValues={":y": {"S": "yes"}})
    dynamodb.update_time_to_live(TableName="things", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    arn = dynamodb.describe_table(TableName="things")["Table"]["TableArn"]
    dynamodb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "core"}])
    dynamodb.update_table(TableName="things", DeletionProtectionEnabled=True)

    # DynamoDB's limits: 400 KB items, numbers, nesting of 32 levels.
    code, message = refused(dynamodb.put_item, TableName="things", Item={"id": {"S": "huge"}, "body": {"S": "x" * 409_600}})
    assert (code, message) == ("ValidationException", "Item size has exceeded the maximum allowed size"), message
    code, message = refused(dynamodb.put_item, TableName="things", Item={"id": {"S": "n"}, "n": {"N": "1e999999"}})
    assert code == "ValidationException" and message.startswith("Number overflow."), message
    code, message = refused(dynamodb.put_item, TableName="things", Item={"id": {"S": "n"}, "n": {"N": "1" * 39}})
    assert message == "Attempting to store more than 38 significant digits in a Number", message
    deep = {"S": "leaf"}
    for _ in range(33):
        deep = {"L": [deep]}
    code, message = refused(dynamodb.put_item, TableName="things", Item={"id": {"S": "deep"}, "deep": deep})
    assert (code, message) == ("ValidationException", "Nesting Levels have exceeded supported limits"), message
    code, message = refused(dynamodb.put_item, TableName="things", Item={"id": {"S": "s"}, "s": {"SS": []}})
    assert code == "ValidationException" and "may not be empty" in message, message

    ssm.put_parameter(Name="/app/db/host", Value="db.local", Type="String")
    ssm.put_parameter(Name="/app/db/host", Value="db2.local", Overwrite=True)
    ssm.put_parameter(Name="/app/big", Value="v" * 8192, Type="String", Tier="Advanced")
    ssm.put_parameter(Name="/app/secret", Value="sealed", Type="SecureString")
    ssm.label_parameter_version(Name="/app/db/host", ParameterVersion=1, Labels=["first"])

    topic = sns.create_topic(Name="events", Attributes={"DisplayName": "Events"})["TopicArn"]
    sns.create_topic(Name="gone")
    sns.delete_topic(TopicArn=topic.replace("events", "gone"))
    code, message = refused(sns.publish, TopicArn=topic, Message="m" * 262_145)
    assert (code, message) == ("InvalidParameter", "Invalid parameter: Message too long"), (code, message)

    iam.create_user(UserName="alice", Path="/team/", Tags=[{"Key": "role", "Value": "dev"}])
    iam.create_user(UserName="bob")
    iam.delete_user(UserName="bob")

    cloudwatch.put_metric_data(Namespace="App", MetricData=[
        {"MetricName": "Latency", "Value": 12.5, "Unit": "Milliseconds", "Dimensions": [{"Name": "Api", "Value": "get"}]},
        {"MetricName": "Latency", "Values": [1.0, 2.0], "Counts": [3.0, 1.0], "Unit": "Milliseconds",
         "Dimensions": [{"Name": "Api", "Value": "get"}]},
    ])
    cloudwatch.put_metric_alarm(
        AlarmName="slow", MetricName="Latency", Namespace="App", Statistic="Average", Period=60,
        EvaluationPeriods=1, Threshold=100.0, ComparisonOperator="GreaterThanThreshold",
    )

    logs.create_log_group(logGroupName="/app/web")
    logs.create_log_stream(logGroupName="/app/web", logStreamName="one")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName="/app/web", logStreamName="one",
                        logEvents=[{"timestamp": now, "message": "first"}, {"timestamp": now + 1, "message": "second"}])
    # Logs's limits: an event of 256 KB at most, a day's span; events too old
    # are not kept, and the answer says so.
    code, message = refused(logs.put_log_events, logGroupName="/app/web", logStreamName="one",
                            logEvents=[{"timestamp": now, "message": "e" * 262_119}])
    assert (code, message) == ("InvalidParameterException", "Log event too large: 262145 bytes exceeds limit of 262144"), message
    code, message = refused(logs.put_log_events, logGroupName="/app/web", logStreamName="one",
                            logEvents=[{"timestamp": now - 25 * 3_600_000, "message": "a"}, {"timestamp": now, "message": "b"}])
    assert code == "InvalidParameterException" and "24 hours" in message, message
    answer = logs.put_log_events(logGroupName="/app/web", logStreamName="one",
                                 logEvents=[{"timestamp": now - 15 * 86_400_000, "message": "old"}])
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}, answer
    logs.create_log_group(logGroupName="/app/gone")
    logs.create_log_stream(logGroupName="/app/gone", logStreamName="s")
    logs.put_log_events(logGroupName="/app/gone", logStreamName="s", logEvents=[{"timestamp": now, "message": "x"}])
    logs.delete_log_group(logGroupName="/app/gone")

    url = sqs.create_queue(QueueName="durable")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept", DelaySeconds=1)
    # A subscription, a FIFO queue and a dead-letter queue, all kept.
    sqs.create_queue(QueueName="fanout")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:000000000000:fanout",
                  Attributes={"RawMessageDelivery": "true"})
    fifo = sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=fifo, MessageBody="first", MessageGroupId="g", MessageDeduplicationId="1")
    sqs.create_queue(QueueName="retry", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:durable", "maxReceiveCount": 3})})

    # S3's versions: two of an object, then a delete marker on top.
    s3.create_bucket(Bucket="kept")
    s3.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="kept", Key="doc", Body=b"first")["VersionId"]
    s3.put_object(Bucket="kept", Key="doc", Body=b"second")
    s3.delete_object(Bucket="kept", Key="doc")
    with open(sys.argv[3], "w") as kept:
        kept.write(first)
    print("written")
else:
    assert dynamodb.list_tables()["TableNames"] == ["things"]
    table = dynamodb.describe_table(TableName="things")["Table"]
    assert table["ItemCount"] == 5 and table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}], table
    assert dynamodb.get_item(TableName="things", Key={"id": {"S": "item-1"}})["Item"] == ITEM
    assert dynamodb.get_item(TableName="things", Key={"id": {"S": "gone"}})["Item"]["seen"] == {"BOOL": True}
    assert dynamodb.scan(TableName="things", FilterExpression="begins_with(id, :b)",
                         ExpressionAttributeValues={":b": {"S": "batch-"}})["Count"] == 2
    assert len(dynamodb.get_item(TableName="things", Key={"id": {"S": "big"}})["Item"]["body"]["S"]) == 409_000
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by-seen"] and table["DeletionProtectionEnabled"], table
    seen = dynamodb.query(TableName="things", IndexName="by-seen", KeyConditionExpression="seen = :y",
                          ExpressionAttributeValues={":y": {"S": "yes"}})["Items"]
    assert seen == [{"id": {"S": "batch-0"}, "seen": {"S": "yes"}}], seen
    ttl = dynamodb.describe_time_to_live(TableName="things")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}, ttl
    assert dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [{"Key": "team", "Value": "core"}]
    assert refused(dynamodb.delete_table, TableName="things")[0] == "ValidationException"
    dynamodb.update_table(TableName="things", DeletionProtectionEnabled=False)
    dynamodb.delete_table(TableName="things")

    got = ssm.get_parameter(Name="/app/db/host")["Parameter"]
    assert (got["Value"], got["Version"], got["Type"]) == ("db2.local", 2, "String"), got
    assert ssm.put_parameter(Name="/app/big", Value="w", Overwrite=True)["Tier"] == "Advanced"
    # The key that sealed it was kept: it opens after the restart.
    assert ssm.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]["Value"] == "sealed"
    assert ssm.get_parameter(Name="/app/db/host:first")["Parameter"]["Value"] == "db.local"

    topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    assert topics == ["arn:aws:sns:us-east-1:000000000000:events"], topics
    sns.publish(TopicArn=topics[0], Message="still here")
    fanout = sqs.get_queue_url(QueueName="fanout")["QueueUrl"]
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=fanout, WaitTimeSeconds=2)["Messages"]] == ["still here"]
    fifo = sqs.get_queue_url(QueueName="jobs.fifo")["QueueUrl"]
    got = sqs.receive_message(QueueUrl=fifo, MessageSystemAttributeNames=["MessageGroupId"])["Messages"]
    assert (got[0]["Body"], got[0]["Attributes"]["MessageGroupId"]) == ("first", "g"), got
    retry = sqs.get_queue_url(QueueName="retry")["QueueUrl"]
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=retry, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
    assert policy["maxReceiveCount"] == 3, policy

    users = iam.list_users()["Users"]
    assert [(u["UserName"], u["Path"]) for u in users] == [("alice", "/team/")], users
    assert iam.get_user(UserName="alice")["User"]["Tags"] == [{"Key": "role", "Value": "dev"}]

    stats = cloudwatch.get_metric_statistics(
        Namespace="App", MetricName="Latency", Dimensions=[{"Name": "Api", "Value": "get"}],
        StartTime=time.time() - 3600, EndTime=time.time() + 60, Period=3600,
        Statistics=["SampleCount", "Sum", "Maximum"],
    )["Datapoints"]
    assert [(p["SampleCount"], p["Sum"], p["Maximum"]) for p in stats] == [(5.0, 17.5, 12.5)], stats
    alarms = cloudwatch.describe_alarms()["MetricAlarms"]
    assert [(a["AlarmName"], a["Threshold"]) for a in alarms] == [("slow", 100.0)], alarms
    assert refused(cloudwatch.delete_alarms, AlarmNames=["slow", "absent"])[0] == "ResourceNotFound"
    cloudwatch.delete_alarms(AlarmNames=["slow"])
    assert cloudwatch.describe_alarms()["MetricAlarms"] == []

    groups = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert groups == ["/app/web"], groups
    events = logs.get_log_events(logGroupName="/app/web", logStreamName="one", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["first", "second"], events
    logs.delete_log_stream(logGroupName="/app/web", logStreamName="one")
    assert logs.describe_log_streams(logGroupName="/app/web")["logStreams"] == []
    assert refused(logs.delete_log_stream, logGroupName="/app/web", logStreamName="one")[0] == "ResourceNotFoundException"

    url = sqs.get_queue_url(QueueName="durable")["QueueUrl"]
    received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    assert [m["Body"] for m in received] == ["kept"], received

    first = open(sys.argv[3]).read()
    listed = s3.list_object_versions(Bucket="kept")
    assert [v["IsLatest"] for v in listed["Versions"]] == [False, False], listed
    assert listed["Versions"][1]["VersionId"] == first, listed
    assert [m["IsLatest"] for m in listed["DeleteMarkers"]] == [True], listed
    assert s3.get_object(Bucket="kept", Key="doc", VersionId=first)["Body"].read() == b"first"
    s3.delete_object(Bucket="kept", Key="doc", VersionId=listed["DeleteMarkers"][0]["VersionId"])
    assert s3.get_object(Bucket="kept", Key="doc")["Body"].read() == b"second"
    print("read")
