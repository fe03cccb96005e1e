"""Drives DynamoDB's expression language with boto3: conditional writes,
UpdateItem with every clause and ReturnValues, DeleteItem, projections,
Query (key conditions, sort order, filters, pages) and Scan (filters,
segments, pages), batches, transactions, secondary indexes, the parameters
that expressions replaced (Expected, AttributeUpdates, KeyConditions,
QueryFilter, ScanFilter, AttributesToGet), a table's later settings
(UpdateTable, time to live and its expiry, tags, deletion protection), and
DynamoDB's messages for what it refuses.
Usage: python3 dynamodb_session.py URL"""

import sys
import time
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ddb = boto3.client(
    "dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)


def refused(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    raise AssertionError(f"{call.__name__} succeeded")


ddb.create_table(
    TableName="orders", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"}, {"AttributeName": "placed", "AttributeType": "N"}],
    KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
)
for placed in [5, 1, 30, 12, 2]:
    ddb.put_item(TableName="orders", Item={
        "customer": {"S": "ana"}, "placed": {"N": str(placed)}, "amount": {"N": str(placed * 10)},
        "state": {"S": "open" if placed % 2 else "shipped"}, "products": {"L": [{"S": "book"}, {"S": "pen"}]},
    })
ddb.put_item(TableName="orders", Item={"customer": {"S": "bo"}, "placed": {"N": "3"}, "amount": {"N": "7"}})

# Conditional writes.
item = {"customer": {"S": "ana"}, "placed": {"N": "1"}}
code, message = refused(ddb.put_item, TableName="orders", Item=item, ConditionExpression="attribute_not_exists(customer)")
assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed"), message
try:
    ddb.put_item(TableName="orders", Item=item, ConditionExpression="attribute_not_exists(customer)",
                 ReturnValuesOnConditionCheckFailure="ALL_OLD")
    raise AssertionError("the condition held")
except ClientError as e:
    assert e.response["Item"]["amount"] == {"N": "10"}, e.response

# UpdateItem: SET with arithmetic, REMOVE, ADD, DELETE; ReturnValues.
updated = ddb.update_item(
    TableName="orders", Key=item,
    UpdateExpression="SET #t = #t + :inc, notes = if_not_exists(notes, :none), products = list_append(products, :more) "
                     "REMOVE #s ADD tags :tags",
    ConditionExpression="#t < :cap",
    ExpressionAttributeNames={"#t": "amount", "#s": "state"},
    ExpressionAttributeValues={":inc": {"N": "0.5"}, ":none": {"S": "-"}, ":more": {"L": [{"S": "ink"}]},
                               ":tags": {"SS": ["gift"]}, ":cap": {"N": "100"}},
    ReturnValues="UPDATED_NEW",
)["Attributes"]
assert updated["amount"] == {"N": "10.5"} and updated["products"]["L"][-1] == {"S": "ink"}, updated
assert "customer" not in updated and "state" not in updated, updated
got = ddb.get_item(TableName="orders", Key=item, ProjectionExpression="tags, products[2], notes")["Item"]
assert got == {"tags": {"SS": ["gift"]}, "products": {"L": [{"S": "ink"}]}, "notes": {"S": "-"}}, got
# An update of an item not there makes it.
made = ddb.update_item(TableName="orders", Key={"customer": {"S": "cy"}, "placed": {"N": "1"}},
                       UpdateExpression="ADD visits :one", ExpressionAttributeValues={":one": {"N": "1"}},
                       ReturnValues="ALL_NEW")["Attributes"]
assert made == {"customer": {"S": "cy"}, "placed": {"N": "1"}, "visits": {"N": "1"}}, made
code, message = refused(ddb.update_item, TableName="orders", Key=item, UpdateExpression="SET placed = :v",
                        ExpressionAttributeValues={":v": {"N": "2"}})
assert message == "One or more parameter values were invalid: Cannot update attribute placed. This attribute is part of the key", message

# DynamoDB's messages for expressions it refuses.
for expression, values, expected in [
    ("SET status =", {}, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "="'),
    ("SET status = :v", {":v": {"S": "x"}}, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
    ("SET amount = :v", {}, "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"),
    ("SET a = :v", {":v": {"S": "x"}, ":w": {"S": "y"}}, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
    ("SET a = :v, a.b = :v", {":v": {"S": "x"}}, "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
]:
    kwargs = {"ExpressionAttributeValues": values} if values else {}
    code, message = refused(ddb.update_item, TableName="orders", Key=item, UpdateExpression=expression, **kwargs)
    assert (code, message) == ("ValidationException", expected), (expression, message)

# DeleteItem, conditional, returning what it deleted.
assert refused(ddb.delete_item, TableName="orders", Key=made and {"customer": {"S": "cy"}, "placed": {"N": "1"}},
               ConditionExpression="visits > :v", ExpressionAttributeValues={":v": {"N": "5"}})[0] == "ConditionalCheckFailedException"
old = ddb.delete_item(TableName="orders", Key={"customer": {"S": "cy"}, "placed": {"N": "1"}}, ReturnValues="ALL_OLD")
assert old["Attributes"]["visits"] == {"N": "1"}, old

# Query: a partition in sort-key order (numbers by value), conditions on the
# sort key, filters, projections, COUNT, and pages.
def query(**kwargs):
    return ddb.query(TableName="orders", ExpressionAttributeValues={":c": {"S": "ana"}, **kwargs.pop("values", {})}, **kwargs)

placed = [int(i["placed"]["N"]) for i in query(KeyConditionExpression="customer = :c")["Items"]]
assert placed == [1, 2, 5, 12, 30], placed
backwards = query(KeyConditionExpression="customer = :c AND placed BETWEEN :a AND :b", ScanIndexForward=False,
                  values={":a": {"N": "2"}, ":b": {"N": "12"}})
assert [int(i["placed"]["N"]) for i in backwards["Items"]] == [12, 5, 2], backwards
filtered = query(KeyConditionExpression="customer = :c AND placed > :p", FilterExpression="#s = :open",
                 ProjectionExpression="placed", ExpressionAttributeNames={"#s": "state"},
                 values={":p": {"N": "1"}, ":open": {"S": "open"}})
assert (filtered["Items"], filtered["Count"], filtered["ScannedCount"]) == ([{"placed": {"N": "5"}}], 1, 4), filtered
counted = query(KeyConditionExpression="customer = :c", Select="COUNT")
assert counted["Count"] == 5 and "Items" not in counted, counted
pages, start = [], None
while True:
    kwargs = {"ExclusiveStartKey": start} if start else {}
    page = query(KeyConditionExpression="customer = :c", Limit=2, **kwargs)
    pages.append([int(i["placed"]["N"]) for i in page["Items"]])
    start = page.get("LastEvaluatedKey")
    if not start:
        break
assert pages == [[1, 2], [5, 12], [30]], pages
paginated = [int(i["placed"]["N"]) for p in ddb.get_paginator("query").paginate(
    TableName="orders", KeyConditionExpression="customer = :c", ExpressionAttributeValues={":c": {"S": "ana"}},
    PaginationConfig={"PageSize": 2}) for i in p["Items"]]
assert paginated == [1, 2, 5, 12, 30], paginated
assert refused(ddb.query, TableName="orders", KeyConditionExpression="placed = :p",
               ExpressionAttributeValues={":p": {"N": "1"}}) == ("ValidationException", "Query condition missed key schema element: customer")
assert refused(ddb.query, TableName="orders", KeyConditionExpression="customer = :c",
               ExpressionAttributeValues={":c": {"N": "1"}})[1] == "One or more parameter values were invalid: Condition parameter type does not match schema type"
assert refused(ddb.query, TableName="orders", KeyConditionExpression="customer = :c OR placed = :p",
               ExpressionAttributeValues={":c": {"S": "ana"}, ":p": {"N": "1"}})[1] == "Invalid operator used in KeyConditionExpression: OR"

# Scan: every item, filtered, in segments, in pages.
everything = ddb.scan(TableName="orders")
assert everything["Count"] == 6, everything
big = ddb.scan(TableName="orders", FilterExpression="amount >= :t OR contains(products, :ink)",
               ExpressionAttributeValues={":t": {"N": "100"}, ":ink": {"S": "ink"}})
assert sorted(int(i["placed"]["N"]) for i in big["Items"]) == [1, 12, 30], big
segments = [ddb.scan(TableName="orders", Segment=s, TotalSegments=3)["Count"] for s in range(3)]
assert sum(segments) == 6, segments
scanned = [i for p in ddb.get_paginator("scan").paginate(TableName="orders", PaginationConfig={"PageSize": 4}) for i in p["Items"]]
assert len(scanned) == 6
assert refused(ddb.scan, TableName="orders", Segment=3, TotalSegments=3)[0] == "ValidationException"
# Batches: writes and reads over tables, no key twice.
ddb.batch_write_item(RequestItems={"orders": [
    {"PutRequest": {"Item": {"customer": {"S": "dee"}, "placed": {"N": str(i)}}}} for i in range(3)
] + [{"DeleteRequest": {"Key": {"customer": {"S": "bo"}, "placed": {"N": "3"}}}}]})
got = ddb.batch_get_item(RequestItems={"orders": {"Keys": [{"customer": {"S": "dee"}, "placed": {"N": str(i)}} for i in range(4)],
                                                  "ProjectionExpression": "placed"}})
assert sorted(int(i["placed"]["N"]) for i in got["Responses"]["orders"]) == [0, 1, 2] and got["UnprocessedKeys"] == {}, got
twice = [{"DeleteRequest": {"Key": {"customer": {"S": "dee"}, "placed": {"N": "0"}}}}] * 2
assert refused(ddb.batch_write_item, RequestItems={"orders": twice}) == ("ValidationException", "Provided list of item keys contains duplicates")
assert refused(ddb.batch_get_item, RequestItems={"absent": {"Keys": [{"customer": {"S": "x"}, "placed": {"N": "1"}}]}})[0] == "ResourceNotFoundException"

# Transactions: all or nothing, a reason per action when cancelled.
dee = lambda n: {"customer": {"S": "dee"}, "placed": {"N": str(n)}}
ddb.transact_write_items(TransactItems=[
    {"Update": {"TableName": "orders", "Key": dee(0), "UpdateExpression": "SET paid = :t",
                "ExpressionAttributeValues": {":t": {"BOOL": True}}}},
    {"ConditionCheck": {"TableName": "orders", "Key": dee(1), "ConditionExpression": "attribute_exists(placed)"}},
    {"Delete": {"TableName": "orders", "Key": dee(2)}},
])
try:
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": "orders", "Item": {**dee(5), "new": {"S": "x"}}}},
        {"ConditionCheck": {"TableName": "orders", "Key": dee(1), "ConditionExpression": "attribute_not_exists(placed)"}},
    ])
    raise AssertionError("the transaction went through")
except ClientError as e:
    assert e.response["Error"]["Code"] == "TransactionCanceledException", e.response
    assert [r["Code"] for r in e.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"], e.response
assert "Item" not in ddb.get_item(TableName="orders", Key=dee(5)), "nothing of a cancelled transaction is written"
read = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "orders", "Key": dee(n)}} for n in (0, 2)])["Responses"]
assert read[0]["Item"]["paid"] == {"BOOL": True} and read[1] == {}, read
assert refused(ddb.transact_write_items, TransactItems=[
    {"Delete": {"TableName": "orders", "Key": dee(0)}}, {"Delete": {"TableName": "orders", "Key": dee(0)}}]) == (
    "ValidationException", "Transaction request cannot include multiple operations on one item")
# Secondary indexes: a sparse global one with its projection, a local one.
ddb.create_table(
    TableName="games", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                          [("player", "S"), ("game", "S"), ("score", "N"), ("league", "S"), ("started", "N")]],
    KeySchema=[{"AttributeName": "player", "KeyType": "HASH"}, {"AttributeName": "game", "KeyType": "RANGE"}],
    GlobalSecondaryIndexes=[{"IndexName": "by-league", "KeySchema": [{"AttributeName": "league", "KeyType": "HASH"},
                                                                     {"AttributeName": "score", "KeyType": "RANGE"}],
                             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["nick"]}}],
    LocalSecondaryIndexes=[{"IndexName": "by-start", "KeySchema": [{"AttributeName": "player", "KeyType": "HASH"},
                                                                   {"AttributeName": "started", "KeyType": "RANGE"}],
                            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
)
for player, game, score, league, started in [("p1", "g1", 30, "gold", 3), ("p2", "g1", 50, "gold", 1), ("p1", "g2", 10, None, 2),
                                             ("p3", "g3", 40, "gold", 5)]:
    item = {"player": {"S": player}, "game": {"S": game}, "score": {"N": str(score)}, "started": {"N": str(started)},
            "nick": {"S": player.upper()}, "secret": {"S": "x"}}
    if league:
        item["league"] = {"S": league}
    ddb.put_item(TableName="games", Item=item)
indexes = ddb.describe_table(TableName="games")["Table"]
assert [(i["IndexName"], i["ItemCount"], i["IndexStatus"]) for i in indexes["GlobalSecondaryIndexes"]] == [("by-league", 3, "ACTIVE")], indexes
assert indexes["LocalSecondaryIndexes"][0]["IndexName"] == "by-start", indexes
league = ddb.query(TableName="games", IndexName="by-league", KeyConditionExpression="league = :l AND score > :s",
                   ExpressionAttributeValues={":l": {"S": "gold"}, ":s": {"N": "35"}}, ScanIndexForward=False)
assert [(i["player"]["S"], "secret" in i, i["nick"]["S"]) for i in league["Items"]] == [("p2", False, "P2"), ("p3", False, "P3")], league
assert set(league["Items"][0]) == {"player", "game", "league", "score", "nick"}, league
first = ddb.query(TableName="games", IndexName="by-league", KeyConditionExpression="league = :l",
                  ExpressionAttributeValues={":l": {"S": "gold"}}, Limit=1)
assert set(first["LastEvaluatedKey"]) == {"player", "game", "league", "score"}, first
rest = ddb.query(TableName="games", IndexName="by-league", KeyConditionExpression="league = :l",
                 ExpressionAttributeValues={":l": {"S": "gold"}}, ExclusiveStartKey=first["LastEvaluatedKey"])
assert [i["score"]["N"] for i in first["Items"] + rest["Items"]] == ["30", "40", "50"], rest
local = ddb.query(TableName="games", IndexName="by-start", KeyConditionExpression="player = :p",
                  ExpressionAttributeValues={":p": {"S": "p1"}})
assert [(i["game"]["S"], sorted(i)) for i in local["Items"]] == [("g2", ["game", "player", "started"]), ("g1", ["game", "player", "started"])], local
assert ddb.scan(TableName="games", IndexName="by-league")["Count"] == 3
code, message = refused(ddb.query, TableName="games", IndexName="by-league", Select="ALL_ATTRIBUTES",
                        KeyConditionExpression="league = :l", ExpressionAttributeValues={":l": {"S": "gold"}})
assert "Select type ALL_ATTRIBUTES is not supported for global secondary index by-league" in message, message
assert refused(ddb.query, TableName="games", IndexName="absent", KeyConditionExpression="player = :p",
               ExpressionAttributeValues={":p": {"S": "p1"}}) == ("ValidationException", "The table does not have the specified index: absent")
# The parameters that expressions replaced, as older clients send them.
ddb.create_table(
    TableName="legacy", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
)
key = {"id": {"S": "x"}, "n": {"N": "1"}}
ddb.put_item(TableName="legacy", Item={**key, "v": {"N": "1"}}, Expected={"id": {"Exists": False}})
assert refused(ddb.put_item, TableName="legacy", Item=key, Expected={"id": {"Exists": False}})[0] == "ConditionalCheckFailedException"
ddb.put_item(TableName="legacy", Item={**key, "v": {"N": "2"}}, Expected={"v": {"Value": {"N": "1"}}})
ddb.put_item(TableName="legacy", Item={**key, "v": {"N": "3"}}, ConditionalOperator="OR",
             Expected={"v": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "5"}]}, "w": {"ComparisonOperator": "NULL"}})
assert refused(ddb.put_item, TableName="legacy", Item=key,
               Expected={"v": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "4"}, {"N": "9"}]}})[0] == "ConditionalCheckFailedException"
updated = ddb.update_item(
    TableName="legacy", Key=key, ReturnValues="ALL_NEW",
    AttributeUpdates={"v": {"Action": "ADD", "Value": {"N": "10"}}, "tags": {"Action": "ADD", "Value": {"SS": ["a", "b"]}},
                      "log": {"Action": "ADD", "Value": {"L": [{"S": "one"}]}}, "note": {"Value": {"S": "hi"}}},
    Expected={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "3"}]}},
)["Attributes"]
assert updated["v"] == {"N": "13"} and sorted(updated["tags"]["SS"]) == ["a", "b"] and updated["log"] == {"L": [{"S": "one"}]}, updated
updated = ddb.update_item(
    TableName="legacy", Key=key, ReturnValues="UPDATED_NEW",
    AttributeUpdates={"tags": {"Action": "DELETE", "Value": {"SS": ["a"]}}, "note": {"Action": "DELETE"},
                      "log": {"Action": "ADD", "Value": {"L": [{"S": "two"}]}}},
)["Attributes"]
assert updated == {"tags": {"SS": ["b"]}, "log": {"L": [{"S": "one"}, {"S": "two"}]}}, updated
for n in range(2, 6):
    ddb.put_item(TableName="legacy", Item={"id": {"S": "x"}, "n": {"N": str(n)}, "even": {"BOOL": n % 2 == 0}})
got = ddb.query(TableName="legacy", KeyConditions={
    "id": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
    "n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "5"}]},
}, QueryFilter={"even": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": True}]}},
    AttributesToGet=["n"], ScanIndexForward=False)
assert [i for i in got["Items"]] == [{"n": {"N": "4"}}, {"n": {"N": "2"}}] and got["ScannedCount"] == 4, got
got = ddb.scan(TableName="legacy", ConditionalOperator="OR", ScanFilter={
    "n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "3"}, {"N": "5"}]},
    "tags": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "b"}]},
})
assert sorted(int(i["n"]["N"]) for i in got["Items"]) == [1, 3, 5], got
assert ddb.get_item(TableName="legacy", Key=key, AttributesToGet=["v", "n"])["Item"] == {"v": {"N": "13"}, "n": {"N": "1"}}
batch = ddb.batch_get_item(RequestItems={"legacy": {"Keys": [key], "AttributesToGet": ["tags"]}})
assert batch["Responses"]["legacy"] == [{"tags": {"SS": ["b"]}}], batch
ddb.delete_item(TableName="legacy", Key=key, Expected={"tags": {"ComparisonOperator": "NOT_NULL"}})
assert "Item" not in ddb.get_item(TableName="legacy", Key=key)
# DynamoDB's messages for what it refuses of them.
INVALID = "One or more parameter values were invalid: "
other = {"id": {"S": "y"}, "n": {"N": "1"}}
for call, kwargs, expected in [
    (ddb.put_item, {"Item": other, "Expected": {"a": {"Exists": False}}, "ConditionExpression": "attribute_exists(a)"},
     "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
    (ddb.put_item, {"Item": other, "ExpressionAttributeNames": {"#a": "a"}}, "ExpressionAttributeNames can only be specified when using expressions"),
    (ddb.put_item, {"Item": other, "ExpressionAttributeValues": {":a": {"S": "a"}}},
     "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"),
    (ddb.put_item, {"Item": other, "Expected": {"a": {}}}, INVALID + "Value must be provided when Exists is null for Attribute: a"),
    (ddb.put_item, {"Item": other, "Expected": {"a": {"Exists": True}}}, INVALID + "Value must be provided when Exists is true for Attribute: a"),
    (ddb.put_item, {"Item": other, "Expected": {"a": {"Exists": False, "Value": {"S": "a"}}}}, INVALID + "Value cannot be used when Exists is false for Attribute: a"),
    (ddb.put_item, {"Item": other, "Expected": {"a": {"ComparisonOperator": "LT"}}},
     INVALID + "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"),
    (ddb.put_item, {"Item": other, "Expected": {"a": {"Exists": True, "ComparisonOperator": "LT", "Value": {"S": "a"}}}},
     INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a"),
    (ddb.put_item, {"Item": other, "Expected": {"a": {"ComparisonOperator": "NULL", "Value": {"S": "a"}}}},
     INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator"),
    (ddb.update_item, {"Key": other, "AttributeUpdates": {"a": {"Action": "ADD"}}}, INVALID + "Only DELETE action is allowed when no attribute value is specified"),
    (ddb.update_item, {"Key": other, "AttributeUpdates": {"a": {"Action": "DELETE", "Value": {"S": "a"}}}},
     INVALID + "DELETE action with value is not supported for the type S"),
    (ddb.update_item, {"Key": other, "AttributeUpdates": {"a": {"Action": "ADD", "Value": {"S": "a"}}}}, INVALID + "ADD action is not supported for the type S"),
    (ddb.update_item, {"Key": other, "AttributeUpdates": {"n": {"Value": {"N": "2"}}}}, INVALID + "Cannot update attribute n. This attribute is part of the key"),
    (ddb.update_item, {"Key": key, "AttributeUpdates": {"v": {"Action": "ADD", "Value": {"N": "1"}}}}, None),
    (ddb.update_item, {"Key": key, "AttributeUpdates": {"v": {"Action": "ADD", "Value": {"SS": ["1"]}}}}, INVALID + "Type mismatch for attribute to update"),
    (ddb.scan, {"ScanFilter": {"a": {"ComparisonOperator": "GT", "AttributeValueList": [{"SS": ["a"]}]}}},
     INVALID + "ComparisonOperator GT is not valid for SS AttributeValue type"),
    (ddb.scan, {"ScanFilter": {"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "a"}, {"N": "1"}]}}},
     INVALID + "AttributeValues inside AttributeValueList must be of same type"),
    (ddb.scan, {"ScanFilter": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "1"}]}}},
     "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"),
    (ddb.scan, {"AttributesToGet": ["a", "a"]}, INVALID + "Duplicate value in attribute name: a"),
    (ddb.scan, {"AttributesToGet": ["a"], "ProjectionExpression": "a", "ScanFilter": {}},
     "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter} Expression parameters: {ProjectionExpression}"),
    (ddb.query, {"KeyConditions": {"id": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "x"}]}}},
     "Attempted conditional constraint is not an indexable operation"),
    (ddb.query, {"KeyConditions": {"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}},
     "Query condition missed key schema element: id"),
]:
    if expected is None:
        call(TableName="legacy", **kwargs)
        continue
    code, message = refused(call, TableName="legacy", **kwargs)
    assert (code, message) == ("ValidationException", expected), (kwargs, message)
# A table's later settings: UpdateTable, time to live, tags, deletion protection.
INVALID = "One or more parameter values were invalid: "
def invalid(call, expected, **kwargs):
    code, message = refused(call, **kwargs)
    assert (code, message) == ("ValidationException", expected), (kwargs, code, message)

ddb.create_table(
    TableName="settings", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    Tags=[{"Key": "team", "Value": "core"}], StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
)
now = int(time.time())
for id, city, expires in [("a", "Oslo", {"N": str(now - 60)}), ("b", "Oslo", {"N": str(now + 3600)}), ("c", "Rome", {"S": "soon"}),
                          ("d", "Rome", {"N": str(now - 6 * 365 * 24 * 3600)}), ("e", None, {"N": str(now - 1)})]:
    ddb.put_item(TableName="settings", Item={"id": {"S": id}, "expires": expires, **({"city": {"S": city}} if city else {})})
invalid(ddb.update_table, "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
        "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
        "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required", TableName="settings")
invalid(ddb.update_table, "The provisioned throughput for the table will not change. The requested value equals the current value. "
        "Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. Current WriteCapacityUnits "
        "provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for current "
        "limits and how to request higher limits.", TableName="settings", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
create = {"IndexName": "by-city", "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}
invalid(ddb.update_table, INVALID + "ProvisionedThroughput must be specified for index: by-city", TableName="settings",
        AttributeDefinitions=[{"AttributeName": "city", "AttributeType": "S"}], GlobalSecondaryIndexUpdates=[{"Create": create}])
invalid(ddb.update_table, INVALID + "AttributeDefinitions is not specified for index: by-city", TableName="settings",
        GlobalSecondaryIndexUpdates=[{"Create": {**create, "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}])
updated = ddb.update_table(TableName="settings", BillingMode="PAY_PER_REQUEST",
                           AttributeDefinitions=[{"AttributeName": "city", "AttributeType": "S"}], GlobalSecondaryIndexUpdates=[{"Create": create}])
assert updated["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", updated
invalid(ddb.update_table, "Attempting to create an index which already exists", TableName="settings",
        AttributeDefinitions=[{"AttributeName": "city", "AttributeType": "S"}], GlobalSecondaryIndexUpdates=[{"Create": create}])
oslo = ddb.query(TableName="settings", IndexName="by-city", KeyConditionExpression="city = :c", ExpressionAttributeValues={":c": {"S": "Oslo"}})
assert sorted(i["id"]["S"] for i in oslo["Items"]) == ["a", "b"], oslo
described = ddb.describe_table(TableName="settings")["Table"]
assert [a["AttributeName"] for a in described["AttributeDefinitions"]] == ["id", "city"], described
assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}, described
assert described["LatestStreamArn"] == described["TableArn"] + "/stream/" + described["LatestStreamLabel"], described
invalid(ddb.update_table, "Table already has an enabled stream: TableName: settings", TableName="settings",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
ddb.update_table(TableName="settings", StreamSpecification={"StreamEnabled": False})
assert "StreamSpecification" not in ddb.describe_table(TableName="settings")["Table"]
ddb.update_table(TableName="settings", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-city"}}])
described = ddb.describe_table(TableName="settings")["Table"]
assert "GlobalSecondaryIndexes" not in described and len(described["AttributeDefinitions"]) == 1, described
invalid(ddb.update_table, INVALID + "TableClass modification must be the only operation in the request", TableName="settings",
        TableClass="STANDARD_INFREQUENT_ACCESS", BillingMode="PAY_PER_REQUEST")
ddb.update_table(TableName="settings", TableClass="STANDARD_INFREQUENT_ACCESS")
assert ddb.describe_table(TableName="settings")["Table"]["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
# Time to live: expired items go (not those of more than five years ago, nor
# those whose attribute is not a number), at most a second later.
assert ddb.describe_time_to_live(TableName="settings")["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
spec = {"Enabled": True, "AttributeName": "expires"}
assert ddb.update_time_to_live(TableName="settings", TimeToLiveSpecification=spec)["TimeToLiveSpecification"] == spec
invalid(ddb.update_time_to_live, "TimeToLive is already enabled", TableName="settings", TimeToLiveSpecification=spec)
invalid(ddb.update_time_to_live, "TimeToLive is active on a different AttributeName: current AttributeName is expires",
        TableName="settings", TimeToLiveSpecification={"Enabled": True, "AttributeName": "other"})
time.sleep(1.2)
left = sorted(i["id"]["S"] for i in ddb.scan(TableName="settings")["Items"])
assert left == ["b", "c", "d"], left
ddb.update_time_to_live(TableName="settings", TimeToLiveSpecification={**spec, "Enabled": False})
invalid(ddb.update_time_to_live, "TimeToLive is already disabled", TableName="settings", TimeToLiveSpecification={**spec, "Enabled": False})
# Tags, by the table's ARN.
arn = described["TableArn"]
assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "core"}]
ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "data"}])
assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "data"}]
ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}]
invalid(ddb.tag_resource, "Tag Key cannot be prefixed with aws:, Key: aws:x", ResourceArn=arn, Tags=[{"Key": "aws:x", "Value": "v"}])
invalid(ddb.tag_resource, "Number of Tags exceed the current limit for the provided ResourceArn", ResourceArn=arn,
        Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
invalid(ddb.list_tags_of_resource, INVALID + "ARNs must start with 'arn:': settings", ResourceArn="settings")
assert refused(ddb.list_tags_of_resource, ResourceArn=arn.replace("settings", "absent"))[0] == "ResourceNotFoundException"
# Deletion protection.
ddb.update_table(TableName="settings", DeletionProtectionEnabled=True)
invalid(ddb.delete_table, "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        TableName="settings")
ddb.update_table(TableName="settings", DeletionProtectionEnabled=False)
ddb.delete_table(TableName="settings")
# What calls consume, as DynamoDB counts it (ReturnConsumedCapacity).
ddb.create_table(
    TableName="capacity", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "kind", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    GlobalSecondaryIndexes=[{"IndexName": "by-kind", "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                             "Projection": {"ProjectionType": "ALL"}}],
)
big = {"id": {"S": "a"}, "kind": {"S": "k"}, "data": {"S": "x" * 1500}}  # 1,512 bytes: 2 write units
put = ddb.put_item(TableName="capacity", Item=big, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
assert put == {"TableName": "capacity", "CapacityUnits": 4.0, "Table": {"CapacityUnits": 2.0},
               "GlobalSecondaryIndexes": {"by-kind": {"CapacityUnits": 2.0}}}, put
put = ddb.put_item(TableName="capacity", Item={"id": {"S": "b"}}, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
assert put == {"TableName": "capacity", "CapacityUnits": 1.0}, put
got = ddb.get_item(TableName="capacity", Key={"id": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
assert got == {"TableName": "capacity", "CapacityUnits": 0.5}, got
got = ddb.get_item(TableName="capacity", Key={"id": {"S": "a"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
assert got["ConsumedCapacity"]["CapacityUnits"] == 1.0, got
assert "ConsumedCapacity" not in ddb.get_item(TableName="capacity", Key={"id": {"S": "a"}})
for i in range(6):
    ddb.put_item(TableName="capacity", Item={"id": {"S": f"q{i}"}, "kind": {"S": "q"}, "data": {"S": "y" * 2000}})
queried = ddb.query(TableName="capacity", IndexName="by-kind", KeyConditionExpression="kind = :k",
                    ExpressionAttributeValues={":k": {"S": "q"}}, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
# Six items of 2,013 bytes: 12,078 bytes, 3 read units of 4 KB, halved.
assert queried == {"TableName": "capacity", "CapacityUnits": 1.5, "GlobalSecondaryIndexes": {"by-kind": {"CapacityUnits": 1.5}}}, queried
assert refused(ddb.query, TableName="capacity", IndexName="by-kind", KeyConditionExpression="kind = :k", ConsistentRead=True,
               ExpressionAttributeValues={":k": {"S": "q"}}) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")
updated = ddb.update_item(TableName="capacity", Key={"id": {"S": "a"}}, UpdateExpression="SET kind = :k",
                          ExpressionAttributeValues={":k": {"S": "j"}}, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
# The index key changed: its old entry removed and a new one written.
assert updated["Table"] == {"CapacityUnits": 2.0} and updated["GlobalSecondaryIndexes"] == {"by-kind": {"CapacityUnits": 4.0}}, updated
transaction = ddb.transact_write_items(ReturnConsumedCapacity="TOTAL", TransactItems=[
    {"Put": {"TableName": "capacity", "Item": {"id": {"S": "t"}}}},
    {"ConditionCheck": {"TableName": "capacity", "Key": {"id": {"S": "b"}}, "ConditionExpression": "attribute_exists(id)"}},
])["ConsumedCapacity"]
assert transaction == [{"TableName": "capacity", "CapacityUnits": 4.0}], transaction
batch = ddb.batch_get_item(ReturnConsumedCapacity="TOTAL", RequestItems={"capacity": {"Keys": [{"id": {"S": "a"}}, {"id": {"S": "b"}}]}})
assert batch["ConsumedCapacity"] == [{"TableName": "capacity", "CapacityUnits": 1.0}], batch
print("dynamodb session: ok")
