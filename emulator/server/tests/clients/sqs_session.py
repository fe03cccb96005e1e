"""Drives SQS as applications use it, with boto3: FIFO queues, batches,
visibility, dead-letter queues and moving messages back, attributes, tags
and permissions.
Usage: python3 sqs_session.py URL"""

import hashlib
import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

sqs = boto3.client(
    "sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)
ACCOUNT = "000000000000"


def refused(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    raise AssertionError(f"{call.__name__} succeeded")


def bodies(url, **kwargs):
    answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs)
    return [m["Body"] for m in answer.get("Messages", [])], answer.get("Messages", [])


# FIFO queues ------------------------------------------------------------
assert refused(sqs.create_queue, QueueName="orders", Attributes={"FifoQueue": "true"})[0] == "InvalidParameterValue"
fifo = sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
assert refused(sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageDeduplicationId="d")[0] == "MissingParameter"
code, message = refused(sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g")
assert "ContentBasedDeduplication" in message, message
assert refused(sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g",
               MessageDeduplicationId="d", DelaySeconds=5)[0] == "InvalidParameterValue"
first = sqs.send_message(QueueUrl=fifo, MessageBody="a1", MessageGroupId="a", MessageDeduplicationId="1")
# The same deduplication id within five minutes: accepted, not delivered twice.
again = sqs.send_message(QueueUrl=fifo, MessageBody="a1 again", MessageGroupId="a", MessageDeduplicationId="1")
assert (again["MessageId"], again["SequenceNumber"]) == (first["MessageId"], first["SequenceNumber"]), again
for body, group, dedup in [("a2", "a", "2"), ("b1", "b", "3"), ("a3", "a", "4")]:
    sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup)
received, messages = bodies(fifo, MessageSystemAttributeNames=["All"])
assert received == ["a1", "a2", "b1", "a3"], received
attributes = messages[0]["Attributes"]
assert (attributes["MessageGroupId"], attributes["MessageDeduplicationId"]) == ("a", "1"), attributes
assert int(attributes["SequenceNumber"]) < int(messages[1]["Attributes"]["SequenceNumber"]), messages
# In flight, both groups are held back; deleting group b's frees it.
sqs.send_message(QueueUrl=fifo, MessageBody="b2", MessageGroupId="b", MessageDeduplicationId="5")
assert bodies(fifo)[0] == []
sqs.delete_message(QueueUrl=fifo, ReceiptHandle=messages[2]["ReceiptHandle"])
assert bodies(fifo)[0] == ["b2"]
# Content-based deduplication: the body's SHA-256.
content = sqs.create_queue(QueueName="content.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
one = sqs.send_message(QueueUrl=content, MessageBody="same", MessageGroupId="g")
two = sqs.send_message(QueueUrl=content, MessageBody="same", MessageGroupId="g")
assert one["MessageId"] == two["MessageId"]
got = sqs.receive_message(QueueUrl=content, MessageSystemAttributeNames=["MessageDeduplicationId"])["Messages"]
assert got[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"same").hexdigest(), got

# Batches ----------------------------------------------------------------
queue = sqs.create_queue(QueueName="batch", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
sent = sqs.send_message_batch(QueueUrl=queue, Entries=[
    {"Id": "one", "MessageBody": "1"},
    {"Id": "two", "MessageBody": "2", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}},
    {"Id": "bad", "MessageBody": "\u0000"},
])
assert sorted(e["Id"] for e in sent["Successful"]) == ["one", "two"], sent
assert [(f["Id"], f["Code"], f["SenderFault"]) for f in sent["Failed"]] == [("bad", "InvalidMessageContents", True)], sent
assert sent["Successful"][1]["MD5OfMessageBody"] == hashlib.md5(b"2").hexdigest()
assert refused(sqs.send_message_batch, QueueUrl=queue, Entries=[])[0] == "AWS.SimpleQueueService.EmptyBatchRequest"
eleven = [{"Id": str(i), "MessageBody": "x"} for i in range(11)]
assert refused(sqs.send_message_batch, QueueUrl=queue, Entries=eleven)[0] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
twice = [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}]
assert refused(sqs.send_message_batch, QueueUrl=queue, Entries=twice)[0] == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
received, messages = bodies(queue)
assert received == ["1", "2"], received
attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
assert (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"]) == ("0", "2")
assert attributes["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:batch", attributes
assert attributes["VisibilityTimeout"] == "30" and attributes["SqsManagedSseEnabled"] == "true", attributes

# Visibility: made visible again at once, or refused for one not in flight.
changed = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=[
    {"Id": "a", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
    {"Id": "b", "ReceiptHandle": "garbage", "VisibilityTimeout": 0},
])
assert [e["Id"] for e in changed["Successful"]] == ["a"] and changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid", changed
code, _ = refused(sqs.change_message_visibility, QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"], VisibilityTimeout=10)
assert code == "AWS.SimpleQueueService.MessageNotInflight", code
received, again = bodies(queue)
assert received == ["1"], received
deleted = sqs.delete_message_batch(QueueUrl=queue, Entries=[
    {"Id": "a", "ReceiptHandle": again[0]["ReceiptHandle"]},
    {"Id": "b", "ReceiptHandle": messages[1]["ReceiptHandle"]},
])
assert sorted(e["Id"] for e in deleted["Successful"]) == ["a", "b"], deleted
assert sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])["Attributes"] == {"ApproximateNumberOfMessagesNotVisible": "0"}

# Dead-letter queues -----------------------------------------------------
dead = sqs.create_queue(QueueName="dead")["QueueUrl"]
dead_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:dead"
code, message = refused(sqs.create_queue, QueueName="work", Attributes={
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:absent", "maxReceiveCount": 2})})
assert code == "InvalidParameterValue" and "Dead letter target does not exist" in message, message
work = sqs.create_queue(QueueName="work", Attributes={
    "VisibilityTimeout": "0",
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": "2"})})["QueueUrl"]
sqs.send_message(QueueUrl=work, MessageBody="poison")
assert bodies(work)[0] == ["poison"] and bodies(work)[0] == ["poison"]
# Received twice: the third receive finds it moved.
assert bodies(work)[0] == []
received, moved = bodies(dead, MessageSystemAttributeNames=["DeadLetterQueueSourceArn"])
assert received == ["poison"], received
assert moved[0]["Attributes"]["DeadLetterQueueSourceArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:work", moved
assert sqs.list_dead_letter_source_queues(QueueUrl=dead)["queueUrls"] == [work]
# Moved back to where it came from by a message move task.
sqs.change_message_visibility(QueueUrl=dead, ReceiptHandle=moved[0]["ReceiptHandle"], VisibilityTimeout=0)
task = sqs.start_message_move_task(SourceArn=dead_arn)["TaskHandle"]
tasks = sqs.list_message_move_tasks(SourceArn=dead_arn)["Results"]
assert (tasks[0]["Status"], tasks[0]["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 1), tasks
assert refused(sqs.cancel_message_move_task, TaskHandle=task)[0] == "AWS.SimpleQueueService.UnsupportedOperation"
assert bodies(work)[0] == ["poison"]

# Attributes, tags and permissions ---------------------------------------
sqs.set_queue_attributes(QueueUrl=queue, Attributes={"DelaySeconds": "1", "MaximumMessageSize": "2048"})
attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["DelaySeconds", "MaximumMessageSize"])["Attributes"]
assert attributes == {"DelaySeconds": "1", "MaximumMessageSize": "2048"}, attributes
assert refused(sqs.set_queue_attributes, QueueUrl=queue, Attributes={"MaximumMessageSize": "1"})[0] == "InvalidAttributeValue"
assert refused(sqs.set_queue_attributes, QueueUrl=queue, Attributes={"FifoQueue": "true"})[0] == "InvalidAttributeName"
sqs.send_message(QueueUrl=queue, MessageBody="delayed by the queue")
assert bodies(queue)[0] == []
delayed = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesDelayed"])["Attributes"]
assert delayed == {"ApproximateNumberOfMessagesDelayed": "1"}, delayed
time.sleep(1.1)
assert bodies(queue)[0] == ["delayed by the queue"]
sqs.tag_queue(QueueUrl=queue, Tags={f"k{i}": "v" for i in range(50)})
assert refused(sqs.tag_queue, QueueUrl=queue, Tags={"one": "too many"})[0] == "InvalidParameterValue"
sqs.add_permission(QueueUrl=queue, Label="send", AWSAccountIds=["123456789012"], Actions=["SendMessage"])
policy = json.loads(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])["Attributes"]["Policy"])
assert policy["Statement"][0]["Action"] == ["SQS:SendMessage"], policy
assert refused(sqs.add_permission, QueueUrl=queue, Label="send", AWSAccountIds=["1"], Actions=["*"])[0] == "InvalidParameterValue"
sqs.remove_permission(QueueUrl=queue, Label="send")
assert "Policy" not in sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"]).get("Attributes", {})
print("sqs session: ok")
