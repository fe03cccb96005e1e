"""Drives SNS as applications use it, with boto3: topics fanning out to SQS
queues (the JSON envelope, or raw), filter policies on attributes and on the
body, PublishBatch, FIFO topics to FIFO queues, an HTTP endpoint that
confirms its subscription and receives notifications, attributes and tags.
Usage: python3 sns_session.py URL"""

import json
import queue
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

URL = sys.argv[1]
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})
sns, sqs = (boto3.client(service, endpoint_url=URL, region_name="us-east-1", aws_access_key_id="test",
                         aws_secret_access_key="test", config=CONFIG) for service in ("sns", "sqs"))
ACCOUNT = "000000000000"


def refused(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    raise AssertionError(f"{call.__name__} succeeded")


def queue_with_arn(name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"


def drain(url):
    answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=1)
    messages = answer.get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return messages


topic = sns.create_topic(Name="orders", Tags=[{"Key": "team", "Value": "core"}])["TopicArn"]
everything_url, everything = queue_with_arn("everything")
raw_url, raw = queue_with_arn("raw")
books_url, books = queue_with_arn("books")
big_url, big = queue_with_arn("big")
sub_everything = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=everything)["SubscriptionArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw, Attributes={"RawMessageDelivery": "true"})
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=books,
              Attributes={"FilterPolicy": json.dumps({"kind": ["book"], "price": [{"numeric": ["<", 20]}]})})
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=big, Attributes={
    "FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps({"order": {"total": [{"numeric": [">=", 100]}]}})})
# The same subscription twice is one.
assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=everything)["SubscriptionArn"] == sub_everything
code, message = refused(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=books, Attributes={"FilterPolicy": "not json"})
assert code == "InvalidParameter" and "FilterPolicy" in message, message

attributes = {"kind": {"DataType": "String", "StringValue": "book"}, "price": {"DataType": "Number", "StringValue": "12.5"}}
body = json.dumps({"order": {"total": 150}})
published = sns.publish(TopicArn=topic, Message=body, Subject="new order", MessageAttributes=attributes)

[envelope_message] = drain(everything_url)
envelope = json.loads(envelope_message["Body"])
assert (envelope["Type"], envelope["MessageId"], envelope["TopicArn"]) == ("Notification", published["MessageId"], topic)
assert (envelope["Message"], envelope["Subject"]) == (body, "new order"), envelope
assert envelope["MessageAttributes"]["price"] == {"Type": "Number", "Value": "12.5"}, envelope
assert envelope["SignatureVersion"] == "1" and "UnsubscribeURL" in envelope, envelope
[raw_message] = drain(raw_url)
assert raw_message["Body"] == body and raw_message["MessageAttributes"]["kind"]["StringValue"] == "book", raw_message
assert len(drain(books_url)) == 1 and len(drain(big_url)) == 1
# A film, and a small order: filtered out of those queues.
sns.publish(TopicArn=topic, Message=json.dumps({"order": {"total": 5}}),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": "film"}})
assert drain(books_url) == [] and drain(big_url) == [] and len(drain(everything_url)) == 1
drain(raw_url)

# PublishBatch, and its whole-batch errors.
batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
    {"Id": "a", "Message": "first"}, {"Id": "b", "Message": "second"}, {"Id": "c", "Message": ""}])
assert sorted(e["Id"] for e in batch["Successful"]) == ["a", "b"] and batch["Failed"][0]["Id"] == "c", batch
assert sorted(m["Body"] for m in drain(raw_url)) == ["first", "second"]
assert refused(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[])[0] == "EmptyBatchRequest"
assert refused(sns.publish_batch, TopicArn=topic,
               PublishBatchRequestEntries=[{"Id": "x", "Message": "1"}, {"Id": "x", "Message": "2"}])[0] == "BatchEntryIdsNotDistinct"
assert refused(sns.publish, TopicArn=topic.replace("orders", "absent"), Message="m")[0] == "NotFound"
structured = sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "d", "sqs": "for queues"}))
assert [m["Body"] for m in drain(raw_url)] == ["for queues"], structured
assert refused(sns.publish, TopicArn=topic, MessageStructure="json", Message=json.dumps({"sqs": "x"}))[0] == "InvalidParameter"

# FIFO topics to FIFO queues: the group and deduplication pass through.
fifo_topic = sns.create_topic(Name="events.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
fifo_url, fifo = queue_with_arn("events.fifo", FifoQueue="true")
assert refused(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=fifo)[0] == "InvalidParameter"
sns.subscribe(TopicArn=fifo_topic, Protocol="sqs", Endpoint=fifo, Attributes={"RawMessageDelivery": "true"})
assert refused(sns.publish, TopicArn=fifo_topic, Message="no group")[0] == "InvalidParameter"
sns.publish(TopicArn=fifo_topic, Message="one", MessageGroupId="g")
sns.publish(TopicArn=fifo_topic, Message="one", MessageGroupId="g")
sns.publish(TopicArn=fifo_topic, Message="two", MessageGroupId="g")
got = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["MessageGroupId"])["Messages"]
assert [m["Body"] for m in got] == ["one", "two"] and got[0]["Attributes"]["MessageGroupId"] == "g", got
# Each FIFO message's sequence number is greater than the one before.
numbers = [int(sns.publish(TopicArn=fifo_topic, Message=f"n{i}", MessageGroupId="g")["SequenceNumber"]) for i in range(5)]
assert numbers == sorted(set(numbers)) and len(numbers) == 5, numbers

# An HTTP endpoint: confirms the subscription SNS POSTs it, then receives;
# it answers the statuses planned, then 200.
received = queue.Queue()
planned = []


class Endpoint(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers["Content-Length"])
        received.put((self.headers["x-amz-sns-message-type"], json.loads(self.rfile.read(length))))
        self.send_response(planned.pop(0) if planned else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Endpoint)
threading.Thread(target=server.serve_forever, daemon=True).start()
endpoint = f"http://127.0.0.1:{server.server_address[1]}/hook"
assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)["SubscriptionArn"] == "pending confirmation"
kind, confirmation = received.get(timeout=10)
assert kind == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic, confirmation
assert "Action=ConfirmSubscription" in confirmation["SubscribeURL"], confirmation
pending = [s for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] if s["Protocol"] == "http"]
assert pending[0]["SubscriptionArn"] == "PendingConfirmation", pending
assert refused(sns.confirm_subscription, TopicArn=topic, Token="wrong")[0] == "InvalidParameter"
# Confirmed as endpoints do: by visiting the SubscribeURL, without credentials.
with urllib.request.urlopen(confirmation["SubscribeURL"]) as answer:
    page = answer.read().decode()
    assert answer.status == 200 and "<SubscriptionArn>" in page, page
http_arn = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])["SubscriptionArn"]
sns.publish(TopicArn=topic, Message="over http")
kind, notification = received.get(timeout=10)
assert (kind, notification["Message"], notification["Type"]) == ("Notification", "over http", "Notification"), notification
# A server error is retried as the subscription's delivery policy says.
policy = {"healthyRetryPolicy": {"numRetries": 2, "numNoDelayRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1}}
sns.set_subscription_attributes(SubscriptionArn=http_arn, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(policy))
planned.extend([500, 503])
sns.publish(TopicArn=topic, Message="retried")
attempts = [received.get(timeout=10)[1]["Message"] for _ in range(3)]
assert attempts == ["retried"] * 3 and not planned, attempts
# What the retries do not deliver goes to the subscription's dead-letter queue.
undelivered_url, undelivered = queue_with_arn("undelivered")
sns.set_subscription_attributes(SubscriptionArn=http_arn, AttributeName="RedrivePolicy",
                                AttributeValue=json.dumps({"deadLetterTargetArn": undelivered}))
planned.extend([500, 500, 500])
sns.publish(TopicArn=topic, Message="lost")
attempts = [received.get(timeout=10)[1]["Message"] for _ in range(3)]
dead = drain(undelivered_url)
assert attempts == ["lost"] * 3 and [json.loads(m["Body"])["Message"] for m in dead] == ["lost"], (attempts, dead)
server.shutdown()

# Attributes, tags, listing, unsubscribing.
subscription = sns.get_subscription_attributes(SubscriptionArn=http_arn)["Attributes"]
assert (subscription["Protocol"], subscription["Endpoint"], subscription["PendingConfirmation"]) == ("http", endpoint, "false")
sns.set_subscription_attributes(SubscriptionArn=sub_everything, AttributeName="RawMessageDelivery", AttributeValue="true")
assert sns.get_subscription_attributes(SubscriptionArn=sub_everything)["Attributes"]["RawMessageDelivery"] == "true"
assert refused(sns.set_subscription_attributes, SubscriptionArn=sub_everything, AttributeName="Colour", AttributeValue="x")[0] == "InvalidParameter"
topic_attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
assert (topic_attributes["SubscriptionsConfirmed"], topic_attributes["SubscriptionsPending"]) == ("5", "0"), topic_attributes
sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Orders")
assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == "Orders"
sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "env", "Value": "test"}])
assert sorted(t["Key"] for t in sns.list_tags_for_resource(ResourceArn=topic)["Tags"]) == ["env", "team"]
sns.untag_resource(ResourceArn=topic, TagKeys=["env"])
assert [t["Key"] for t in sns.list_tags_for_resource(ResourceArn=topic)["Tags"]] == ["team"]
assert len(sns.list_subscriptions()["Subscriptions"]) == 6
sns.unsubscribe(SubscriptionArn=sub_everything)
assert refused(sns.unsubscribe, SubscriptionArn=sub_everything)[0] == "NotFound"
sns.delete_topic(TopicArn=topic)
assert len(sns.list_subscriptions()["Subscriptions"]) == 1
print("sns session: ok")
